/* test_tables.c: Tables 2-4 against the published study (regression), the platform and product
 * files, and their error paths. The workload fixture is built from the study's own totals
 * (RTN-028 Table 2: 173,682 visits x 189 CCDs, 48.5 M warps, 2.7 M coadds with n summing to the
 * warps and a largest coadd of 54 visits, 0.448 M patches), not from our geometry. */
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
    /* one coadd at n = 54; the rest at 17 and 18 so that sum(n) = warps */
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
    /* coadd tasks are evaluated at each coadd's n: measure's largest instance is at n = 54 */
    CHECK_INT(rows[6].n_max, 54);
    CHECK_NEAR(rows[6].instances, 2.7e6, 0.5);

    for (int k = 0; k < 3; k++) {
        est_platform p;
        CHECK_MSG(est_platform_load(&p, t3[k].file, &err) == Y1_OK, "%s", err.msg);
        double hours = 0;
        for (int i = 0; i < 9; i++) {
            est_node_row nr;
            CHECK_INT(est_table3_row(&p, &rows[i], &nr, &err), Y1_OK);
            hours += nr.node_hours;
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
    static const char *shipped[] = {"cori-knl", "cori-haswell", "perlmutter", "perlmutter-cpu",
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
