/* test_workload.c: coadds.csv round trip and errors, the histogram workload worked out by hand,
 * the estimate's outputs (staged --out directory), and task selection. */
#include <sys/stat.h>
#include <unistd.h>

#include "estimator/estimate.h"
#include "estimator/report/plot.h"
#include "estimator/report/format.h"
#include "estimator/report/report.h"
#include "estimator/workload.h"
#include "tests/check.h"

static char tmpdir[256];

static const char *write_text(const char *name, const char *text)
{
    static char path[4][512];
    static int k = 0;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

/* Two patches in tract 3828, bands g and r:
 *   (3828, 1,2): g n=3, r n=5        patch sum 8
 *   (3828, 4,4): r n=2               patch sum 2
 * coadds 3, warps = 3 + 5 + 2 = 10, patches 2. */
static const char *small_csv = "# visits: 7\n# visits_g: 3\n# visits_r: 4\n# ccds_per_visit: 189\n"
                               "band,tract,patch_x,patch_y,num_visits\n"
                               "r,3828,4,4,2\ng,3828,1,2,3\nr,3828,1,2,5\n";

static void test_hand_workload(void)
{
    est_coadds c;
    est_workload w;
    y1_err err = {{0}};
    CHECK_INT(est_coadds_read(&c, write_text("small.csv", small_csv), &err), Y1_OK);
    CHECK_INT(c.n, 3);
    CHECK_INT(c.visits, 7);
    CHECK_INT(c.visits_per_band[2], 4);
    /* sorted by band first */
    CHECK_INT(c.v[0].band, 1);
    CHECK_INT(c.v[1].n, 5);
    CHECK_INT(est_workload_from_coadds(&w, &c, &err), Y1_OK);
    CHECK_INT(w.coadds, 3);
    CHECK_INT(w.warps, 10);
    CHECK_INT(w.patches, 2);
    CHECK_INT(w.ccd_visits, 7 * 189);
    CHECK_INT(w.max_coadd_n, 5);
    CHECK_INT(w.max_patch_n, 8);
    CHECK_INT(w.patch_hist[8], 1);
    CHECK_INT(w.patch_hist[2], 1);
    CHECK_INT(w.coadd_hist[3], 1);

    /* a linear coadd model integrated by hand: cpu = 60 s x n + 30 s:
     * (60*3+30) + (60*5+30) + (60*2+30) = 210 + 330 + 150 = 690 s = 0.191666 h;
     * maxRSS = 0.5 n + 1 GiB: max at n = 5 is 3.5, mean (2.5 + 3.5 + 2) / 3 */
    mdl_task t = {0};
    t.label = "measureLike";
    t.level = MDL_COADD;
    t.cpu_s = (mdl_linear){1, 60, 30, NAN, NAN, NAN, 0};
    t.maxrss_gib = (mdl_linear){1, 0.5, 1, NAN, NAN, NAN, 0};
    est_task_row r;
    CHECK_INT(est_table2_row(&w, &t, &r, &err), Y1_OK);
    CHECK_NEAR(r.cpu_hours, 690.0 / 3600.0, 1e-12);
    CHECK_NEAR(r.max_rss_gib, 3.5, 1e-12);
    CHECK_NEAR(r.mean_rss_gib, 8.0 / 3.0, 1e-12);
    CHECK_INT(r.n_max, 5);
    /* at patch level n is summed over bands: 60*8+30 + 60*2+30 = 660 s */
    t.level = MDL_PATCH;
    CHECK_INT(est_table2_row(&w, &t, &r, &err), Y1_OK);
    CHECK_NEAR(r.cpu_hours, 660.0 / 3600.0, 1e-12);
    CHECK_NEAR(r.instances, 2, 0);

    est_nstats ns[6], s;
    CHECK_INT(est_coadds_nstats_all(&c, ns, &err), Y1_OK);
    s = ns[2];
    CHECK_INT(s.coadds, 2);
    CHECK_NEAR(s.mean, 3.5, 1e-12);
    CHECK_INT(s.max, 5);

    /* round trip */
    char path[512];
    snprintf(path, sizeof path, "%s/again.csv", tmpdir);
    CHECK_INT(est_coadds_write(&c, path, &err), Y1_OK);
    est_coadds c2;
    CHECK_INT(est_coadds_read(&c2, path, &err), Y1_OK);
    CHECK_INT(c2.n, 3);
    CHECK_INT(c2.visits, 7);
    CHECK(!memcmp(c.v, c2.v, 3 * sizeof *c.v));
    est_coadds_clear(&c2);
    est_workload_clear(&w);
    est_coadds_clear(&c);
}

static void test_csv_errors(void)
{
    est_coadds c;
    y1_err err = {{0}};
    CHECK_INT(est_coadds_read(&c, write_text("h.csv", "band,tract,patch,n\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "h.csv:1: expected the header");
    CHECK_INT(est_coadds_read(&c, write_text("b.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,1,2,3,4\nw,1,2,3,4\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "b.csv:3: column band");
    CHECK_INT(est_coadds_read(&c, write_text("n.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,1,2,3,0\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "n.csv:2:9: num_visits: 0 is out of range [1, 100000]");
    CHECK_INT(est_coadds_read(&c, write_text("d.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,1,2,3,4\ng,1,2,3,5\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "appears twice");
    CHECK_INT(est_coadds_read(&c, write_text("e.csv", ""), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "empty file");
    CHECK_INT(est_coadds_read(&c, write_text("f.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,1,2,3\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "f.csv:2: expected 5 columns");
    static const char *hdr = "band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\n";
    char text[512];
    static const struct { const char *head, *msg; } bad[] = {
        {"# visits: abc\n", "hv.csv:1:11: visits: expected an integer, got 'abc'"},
        {"# visits: -5\n", "hv.csv:1:11: visits: -5 is out of range [0, 1000000000]"},
        {"# visits_r:  5 6\n", "hv.csv:1:14: visits_r: expected an integer, got '5 6'"},
        {"# visits: 99999999999999999999\n", "hv.csv:1:11: visits: expected an integer"},
        {"# ccds_per_visit: 0\n", "hv.csv:1:19: ccds_per_visit: 0 is out of range [1, 10000]"},
        {"# visits: 5\n# visits: 6\n", "hv.csv:2: '# visits:' given twice"},
        {"# visits: 1\n# visits_g: 7\n", "disagrees with the sum"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s%s", bad[i].head, hdr);
        CHECK_INT(est_coadds_read(&c, write_text("hv.csv", text), &err), Y1_EINPUT);
        CHECK_HAS(err.msg, bad[i].msg);
    }
    /* free-text comments stay comments */
    snprintf(text, sizeof text, "# written by hand: 3 coadds\n%s", hdr);
    CHECK_INT(est_coadds_read(&c, write_text("ok.csv", text), &err), Y1_OK);
    est_coadds_clear(&c);
    CHECK_INT(est_coadds_read(&c, write_text("t.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,5000000000,2,3,4\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "t.csv:2:3: tract: 5000000000 is out of range [0, 100000000]");
    CHECK_INT(est_coadds_read(&c, write_text("x.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,10,0,0,2x\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "x.csv:2:10: num_visits: expected an integer, got '2x'");
    CHECK_INT(est_coadds_read(&c, write_text("y.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,10,0,1.5,2\n"), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "y.csv:2:8: patch_y: expected an integer, got '1.5'");
    /* trailing blanks in a cell are not part of the number */
    CHECK_INT(est_coadds_read(&c, write_text("s.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,10,0,1,2  \n"), &err), Y1_OK);
    est_coadds_clear(&c);
    /* a table of another kind (the records CSV) is not a coadds file */
    CHECK_INT(est_coadds_read(&c, "tests/fixtures/models_records.csv", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "models_records.csv:2: expected the header");
    /* rows in any order are read and sorted (band, tract, patch_x, patch_y) */
    CHECK_INT(est_coadds_read(&c, write_text("u.csv", "band,tract,patch_x,patch_y,num_visits\n"
                                                      "g,10,0,1,2\ng,10,0,0,3\nu,11,0,0,1\n"),
                              &err), Y1_OK);
    CHECK_INT(c.n, 3);
    CHECK(c.n == 3 && c.v[0].band == 0 && c.v[1].patch_y == 0 && c.v[1].n == 3 &&
          c.v[2].patch_y == 1);
    est_coadds_clear(&c);
    CHECK_INT(est_coadds_read(&c, tmpdir, &err), Y1_EIO);
    CHECK_HAS(err.msg, "is a directory");
    char path[512];
    snprintf(path, sizeof path, "%s/none.csv", tmpdir);
    CHECK_INT(est_coadds_read(&c, path, &err), Y1_EIO);
}

static void test_outputs(void)
{
    est_result r;
    y1_err err = {{0}};
    est_result_init(&r);
    CHECK_INT(est_coadds_read(&r.coadds, write_text("o.csv", small_csv), &err), Y1_OK);
    r.visits = 7;
    r.visits_per_band[1] = 3;
    r.visits_per_band[2] = 4;
    CHECK_INT(mdl_set_load(&r.model_set, "models/rtn028-dc2-3828.yaml", &err), Y1_OK);
    CHECK_INT(est_products_load(&r.prod, "data/products.yaml", &err), Y1_OK);
    r.plat = calloc(1, sizeof *r.plat);
    r.nplat = 1;
    CHECK_INT(est_platform_load(&r.plat[0], "data/platforms/cori-haswell.yaml", &err), Y1_OK);
    snprintf(r.cadence, sizeof r.cadence, "test");

    CHECK_INT(est_compute(&r, "nosuchtask", &err), Y1_EUSAGE);
    CHECK_HAS(err.msg, "no task 'nosuchtask'");
    est_workload_clear(&r.w);
    CHECK_INT(est_compute(&r, "isr,deblend", &err), Y1_OK);
    CHECK_INT(r.ntasks, 2);
    /* isr: 7 x 189 CCD-visits x 1.1741224844416667 min, Cori-Haswell 32 jobs/node */
    CHECK_NEAR(r.t2[0].cpu_hours, 7 * 189 * 1.1741224844416667 / 60, 1e-9);
    CHECK_INT(r.t3[0].jobs_per_node, 32);
    /* deblend 6.98 GiB: floor(118 / 6.984) = 16 jobs on 128 - 10 GiB */
    CHECK_INT(r.t3[1].jobs_per_node, 16);

    char dir[512], f[600];
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/out", tmpdir);
    CHECK_MSG(est_write_outdir(&r, dir, &err) == Y1_OK, "%s", err.msg);
    static const char *files[] = {"table1.csv", "table2.csv", "table3.csv", "table4.csv",
                                  "report.md", "coadds.csv", "summary.json",
                                  "visits_per_patch.png", "node_days.png", "disk.png"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(f, sizeof f, "%s/%s", dir, files[i]);
        CHECK_MSG(stat(f, &sb) == 0 && sb.st_size > 0, "%s missing or empty", f);
    }
    /* an output directory that cannot be made: nothing is written, a clear I/O error */
    snprintf(dir, sizeof dir, "%s/small.csv/sub", tmpdir);
    CHECK_INT(est_write_outdir(&r, dir, &err), Y1_EIO);
    CHECK_HAS(err.msg, "small.csv/sub");
    est_result_clear(&r);
}

/* The output formats: one enum, each command its subset, the message lists that subset. */
static void test_formats(void)
{
    y1_err err = {{0}};
    est_format f = EST_FMT_TEXT;
    unsigned est = EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) | EST_FMT_BIT(EST_FMT_JSON);
    CHECK_INT(est_format_parse("csv", est, &f, &err), Y1_OK);
    CHECK_INT(f, EST_FMT_CSV);
    CHECK_STR(est_format_name(f), "csv");
    CHECK_INT(est_format_parse("xml", est, &f, &err), Y1_EUSAGE);
    CHECK_STR(err.msg, "--format: expected md, csv or json, got 'xml'");
    CHECK_INT(f, EST_FMT_CSV); /* untouched */
    /* text is a format of skymap, not of estimate */
    CHECK_INT(est_format_parse("text", est, &f, &err), Y1_EUSAGE);
    CHECK_INT(est_format_parse("text", EST_FMT_BIT(EST_FMT_TEXT) | EST_FMT_BIT(EST_FMT_JSON), &f,
                               &err), Y1_OK);
    CHECK_INT(f, EST_FMT_TEXT);
    CHECK_INT(est_format_parse("md", EST_FMT_BIT(EST_FMT_TEXT) | EST_FMT_BIT(EST_FMT_JSON), &f,
                               &err), Y1_EUSAGE);
    CHECK_STR(err.msg, "--format: expected text or json, got 'md'");
    CHECK_STR(est_format_name(EST_FMT_COUNT), "?");
}

/* Adopted coadds replace the old ones (freed: the leak checker of the sanitizer build would
 * say otherwise) and are what the workload counts. */
static void test_adopt(void)
{
    est_coadds c;
    est_workload w;
    y1_err err = {{0}};
    est_coadds_init(&c);
    CHECK_INT(est_coadds_push(&c, 0, 1, 0, 0, 9, &err), Y1_OK);
    est_coadd *v = malloc(2 * sizeof *v);
    CHECK(v != NULL);
    v[0] = (est_coadd){.tract = 3, .patch_x = 1, .patch_y = 2, .band = 1, .n = 4};
    v[1] = (est_coadd){.tract = 3, .patch_x = 1, .patch_y = 2, .band = 2, .n = 6};
    est_coadds_adopt(&c, v, 2);
    CHECK_INT(c.n, 2);
    CHECK(c.v == v);
    CHECK_INT(est_workload_from_coadds(&w, &c, &err), Y1_OK);
    CHECK_INT(w.coadds, 2);
    CHECK_INT(w.warps, 10);
    CHECK_INT(w.patches, 1); /* one patch, two bands: 4 + 6 */
    CHECK_INT(w.max_patch_n, 10);
    est_workload_clear(&w);
    est_coadds_clear(&c);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    test_adopt();
    test_formats();
    snprintf(tmpdir, sizeof tmpdir, "%s/y1test-wl-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) return 2;
    test_hand_workload();
    test_csv_errors();
    test_outputs();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    plot_cleanup();
    CHECK_DONE();
}
