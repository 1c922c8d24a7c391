/* test_tables.c: Tables 2-4 against the published study (regression), the platform and product
 * files, and their error paths. The workload fixture is built from the study's own totals
 * (RTN-028 Table 2: 173,682 visits x 189 CCDs, 48.5 M warps, 2.7 M coadds with n summing to the
 * warps and a largest coadd of 54 visits, 0.448 M patches), not from our geometry.
 * The largest coadd, n = 54, is not a published count: it is back-solved from the study's
 * measure max(maxRSS), 2.79 GB = 0.02719 n + 1.3199 (DESC's model) -> n = 54.1, the only integer
 * n that prints as 2.79. So measure's max maxRSS below restates that input; the independent
 * checks of the n-dependent rows are the other coadd tasks' max maxRSS at the same n
 * (assembleCoadd, detection, forcedPhotCoadd) and Cori-KNL, the platform whose packing they set. */
#include "estimator/platform.h"
#include "estimator/products.h"
#include "estimator/tables.h"
#include "tests/check.h"

static void study_workload(est_workload *w)
{
    y1_err err;
    if (est_workload_alloc(w, 54, 300, &err)) exit(2);
    w->visits = 173682;
    w->ccd_visits = 173682LL * 189;       /* 32.8 M */
    w->warps = 48500000;
    w->coadds = 2700000;
    w->patches = 448000;
    /* one coadd at n = 54 (back-solved, see above); the rest at 17 and 18 so that
     * sum(n) = warps */
    int64_t rest = w->coadds - 1, sum_rest = w->warps - 54;
    int64_t b = sum_rest - 17 * rest;     /* coadds at 18 */
    w->coadd_hist[54] = 1;
    w->coadd_hist[18] = b;
    w->coadd_hist[17] = rest - b;
    w->patch_hist[108] = w->patches;      /* deblend is constant: n does not matter */
}

static void test_regression(void)
{
    static const struct { const char *label; double cpu_mh, max_rss; } t2[] = {
        {"isr", 0.64, 2.59}, {"characterizeImage", 1.23, 0.83}, {"calibrate", 0.76, 0.79},
        {"makeWarp", 2.83, 3.20}, {"assembleCoadd", 0.44, 1.48}, {"detection", 0.12, 1.39},
        {"measure", 6.12, 2.79}, {"forcedPhotCoadd", 7.56, 1.77}, {"deblend", 0.79, 6.98}};
    static const struct { const char *file; double kdays; } t3[] = {
        {"data/platforms/cori-knl.yaml", 198}, {"data/platforms/cori-haswell.yaml", 28},
        {"data/platforms/perlmutter.yaml", 7}};
    est_workload w;
    mdl_set *models = NULL;
    y1_err err = {{0}};
    study_workload(&w);
    CHECK_MSG(mdl_set_load(&models, "models/rtn028-dc2-3828.yaml", &err) == Y1_OK, "%s", err.msg);
    if (!models) return;

    est_task_row rows[9];
    for (int i = 0; i < 9; i++) {
        const mdl_task *t = mdl_set_find(models, t2[i].label);
        CHECK_MSG(t != NULL, "no model for %s", t2[i].label);
        if (!t) return;
        CHECK_INT(t->is_default, 1);
        CHECK_INT(est_table2_row(&w, t, &rows[i], &err), Y1_OK);
        /* Table 2 CPU hours within 2 %, or within the half-unit of the printed last digit
         * (0.005 M h) where that is larger: detection's 0.12 stands for 0.115..0.125.
         * max maxRSS as printed (2 decimals). */
        double tol = fmax(0.02 * t2[i].cpu_mh, 0.005);
        CHECK_MSG(fabs(rows[i].cpu_hours / 1e6 - t2[i].cpu_mh) <= tol,
                  "%s: %.4f M CPU h, study %.2f", t2[i].label, rows[i].cpu_hours / 1e6,
                  t2[i].cpu_mh);
        CHECK_MSG(fabs(rows[i].max_rss_gib - t2[i].max_rss) <= 0.006, "%s: max maxRSS %.4f, "
                  "study %.2f", t2[i].label, rows[i].max_rss_gib, t2[i].max_rss);
    }
    /* coadd tasks are evaluated at each coadd's n: measure's largest instance is at n = 54.
     * measure's 2.79 above is the fixture's input (n was solved from it). The independent rows:
     * at n = 54, DESC's models give assembleCoadd 0.000202 x 54 + 1.4737 = 1.4847, detection
     * 0.004892 x 54 + 1.1270 = 1.3911 and forcedPhotCoadd 0.005733 x 54 + 1.4615 = 1.7711 GB,
     * which the study prints as 1.48, 1.39 and 1.77; detection and forcedPhotCoadd alone pin n
     * to 53 or 54. The loop above checks them to the printed digit; here, that each was
     * evaluated at the largest coadd. */
    CHECK_NEAR(rows[6].instances, 2.7e6, 0.5);
    for (int i = 4; i <= 7; i++)
        CHECK_MSG(rows[i].n_max == 54, "%s: largest n %d", t2[i].label, rows[i].n_max);

    /* Cori-KNL (96 GB - 10 GB reserve = 86 usable, 68 cores) is memory-bound for every coadd
     * task, so its jobs per node follow their max maxRSS at n = 54, by hand:
     * floor(86 / 1.4847) = 57, floor(86 / 1.3911) = 61, floor(86 / 2.7881) = 30,
     * floor(86 / 1.7711) = 48 (assembleCoadd, detection, measure, forcedPhotCoadd). */
    static const long knl_jobs[9] = {0, 0, 0, 0, 57, 61, 30, 48, 0};
    for (int k = 0; k < 3; k++) {
        est_platform p;
        CHECK_MSG(est_platform_load(&p, t3[k].file, &err) == Y1_OK, "%s", err.msg);
        double hours = 0;
        for (int i = 0; i < 9; i++) {
            est_node_row nr;
            CHECK_INT(est_table3_row(&p, &rows[i], &nr, &err), Y1_OK);
            hours += nr.node_hours;
            if (k == 0 && knl_jobs[i])
                CHECK_MSG(nr.jobs_per_node == knl_jobs[i], "Cori-KNL %s: %ld jobs per node, "
                          "expected %ld", t2[i].label, nr.jobs_per_node, knl_jobs[i]);
        }
        double kdays = hours / 24 / 1000;
        CHECK_MSG(fabs(kdays - t3[k].kdays) <= 0.03 * t3[k].kdays, "%s: %.2f k node-days, study "
                  "%.0f", t3[k].file, kdays, t3[k].kdays);
    }

    /* Table 4: the study's rows sum to 20,570 TiB (all) and 4,210 TiB (kept), printed as ~21 and
     * 4.2 PB; raw is 20 MB x 32.8 M = 0.656 PB in decimal units */
    est_products prod;
    est_disk disk;
    CHECK_MSG(est_products_load(&prod, "data/products.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(prod.n, 12);
    CHECK_INT(est_table4(&w, &prod, &disk, &err), Y1_OK);
    double tib = 1099511627776.0;
    CHECK_MSG(fabs(disk.all_bytes / tib - 20570) <= 0.03 * 20570, "all %.0f TiB", disk.all_bytes / tib);
    CHECK_MSG(fabs(disk.keep_bytes / tib - 4210) <= 0.03 * 4210, "kept %.0f TiB", disk.keep_bytes / tib);
    CHECK_MSG(fabs(disk.raw_bytes / 1e15 - 0.66) <= 0.03 * 0.66, "raw %.3f PB", disk.raw_bytes / 1e15);
    /* row check by hand: postISRCCD 91.6 MiB x 32,825,898 / 1024^2 = 2867.5 TiB (study 2870) */
    CHECK_NEAR(disk.bytes[0] / tib, 91.6 * 32825898.0 / 1048576.0, 1e-6);
    /* every row against the study's Table 4: the dataset, its instances (the study prints
     * 32.8 M CCD-visits as 33.8, a misprint: its totals are size x 32.8 M) and its Y1 total.
     * The totals are printed to the nearest 10 TB from unrounded instance counts, so each row
     * must agree within 5 TiB or 0.5 %, whichever is larger; a 10x error in one product's size
     * or a wrong basis fails its row. */
    static const struct { const char *dataset; double minst, tb; } t4[12] = {
        {"postISRCCD", 32.8, 2870}, {"icExp", 32.8, 3230}, {"calexp", 32.8, 3230},
        {"src", 32.8, 170}, {"deepCoadd_directWarp", 48.5, 4830},
        {"deepCoadd_psfMatchedWarp", 48.5, 4650}, {"deepCoadd_nImage", 2.7, 90},
        {"deepCoadd", 2.7, 300}, {"deepCoadd_calexp", 2.7, 300},
        {"deepCoadd_deblendedFlux", 0.4, 50}, {"deepCoadd_meas", 2.7, 430},
        {"deepCoadd_forced_src", 2.7, 420}};
    for (size_t i = 0; i < 12 && i < prod.n; i++) {
        const est_product *pr = &prod.v[i];
        CHECK_STR(pr->dataset, t4[i].dataset);
        double minst = disk.bytes[i] / pr->size_bytes / 1e6, got = disk.bytes[i] / tib;
        CHECK_MSG(fabs(minst - t4[i].minst) <= 0.05, "%s: %.3f M instances, study %.1f",
                  t4[i].dataset, minst, t4[i].minst);
        CHECK_MSG(fabs(got - t4[i].tb) <= fmax(5, 0.005 * t4[i].tb), "%s: %.1f TiB, study %.0f",
                  t4[i].dataset, got, t4[i].tb);
    }
    est_disk_clear(&disk);
    est_products_clear(&prod);
    mdl_set_free(models);
    est_workload_clear(&w);
}

static void test_packing_by_hand(void)
{
    /* 64 cores, 16 GiB - 10 reserve = 6 GiB usable: a 2.5 GiB task fits 2 per node, so 100 CPU h
     * at cpu_factor 1 take 50 node-hours; a 7 GiB task does not fit at all */
    est_platform p;
    y1_err err = {{0}};
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_small.yaml", &err), Y1_OK);
    mdl_task t = {0};
    t.label = "fake";
    est_task_row r = {&t, 1000, 100, 2.5, 1.2, 0};
    est_node_row nr;
    CHECK_INT(est_table3_row(&p, &r, &nr, &err), Y1_OK);
    CHECK_INT(nr.jobs_per_node, 2);
    CHECK_INT(nr.jobs_per_node_optimistic, 5);
    CHECK_NEAR(nr.node_hours, 50, 1e-12);
    CHECK_NEAR(nr.node_hours_optimistic, 20, 1e-12);
    r.max_rss_gib = 7;
    CHECK_INT(est_table3_row(&p, &r, &nr, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "task fake needs 7.00 GiB");
    CHECK_HAS(err.msg, "platform Small");
    /* memory plentiful: cores limit */
    r.max_rss_gib = 0.01;
    CHECK_INT(est_table3_row(&p, &r, &nr, &err), Y1_OK);
    CHECK_INT(nr.jobs_per_node, 64);
}

static void test_bad_files(void)
{
    est_platform p;
    est_products prod;
    y1_err err = {{0}};
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_negcores.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_negcores.yaml:3:17: cores_per_node: -4 is out of range [1, ");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_reserve.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_reserve.yaml:5:21: memory_reserve_gib 10 must be below");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_unknown.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_unknown.yaml:5:1: unknown key 'gpus'");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_nan.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_nan.yaml:2:13: cpu_factor: expected a finite number");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_malformed.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_malformed.yaml:");
    CHECK_HAS(err.msg, "malformed YAML");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_dupkey.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_dupkey.yaml:3:1: duplicate key 'cpu_factor'");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/platform_badname.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "platform_badname.yaml:1:7: name must be");
    CHECK_INT(est_platform_load(&p, "tests/fixtures", &err), Y1_EIO);
    CHECK_HAS(err.msg, "is a directory");
    CHECK_INT(est_platform_load(&p, "tests/fixtures/no_such.yaml", &err), Y1_EIO);
    CHECK_HAS(err.msg, "no_such.yaml");
    CHECK_INT(est_products_load(&prod, "tests/fixtures/products_badbasis.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "products_badbasis.yaml:4:");
    CHECK_HAS(err.msg, "basis must name a level");
    CHECK_INT(est_products_load(&prod, "tests/fixtures/products_badunit.yaml", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "unit must be MB, MiB, GB or GiB, got 'KB'");

    /* every shipped platform loads */
    static const char *shipped[] = {"cori-knl", "cori-haswell", "perlmutter", "perlmutter-measured-isr",
                                    "sdf-rome", "s3df-milano", "site-4gb-per-core"};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "data/platforms/%s.yaml", shipped[i]);
        CHECK_MSG(est_platform_load(&p, path, &err) == Y1_OK, "%s", err.msg);
    }
}

static void test_linear_at_ccd_level(void)
{
    est_workload w;
    y1_err err = {{0}};
    study_workload(&w);
    mdl_task t = {0};
    t.label = "oddity";
    t.level = MDL_CCD;
    t.cpu_s.is_linear = 1;
    t.cpu_s.slope = 2.5;
    est_task_row r;
    CHECK_INT(est_table2_row(&w, &t, &r, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "task oddity: level ccd has no number of visits");
    est_workload_clear(&w);
}

int main(void)
{
    test_regression();
    test_packing_by_hand();
    test_bad_files();
    test_linear_at_ccd_level();
    CHECK_DONE();
}
