/* test_models.c: the models/ module: model files (load, save, errors), the default RTN-028 file
 * against the DESC parameters and Table 2, ingest (CSV, task metadata), and the GSL fits. */
#include <stdint.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <jansson.h>

#include "models/models.h"
#include "tests/check.h"

#define FX "tests/fixtures/"
#define DEFAULT_MODELS "models/rtn028-dc2-3828.yaml"

static void test_load_ok(void)
{
    y1_err err = {{0}};
    mdl_set *s = NULL;
    CHECK_INT(mdl_set_load(&s, FX "models_ok.yaml", &err), Y1_OK);
    if (!s) { fprintf(stderr, "%s\n", err.msg); return; }
    CHECK_INT(mdl_set_count(s), 2);
    CHECK_STR(mdl_set_name(s), "fixture");
    CHECK_STR(mdl_set_description(s), "two tasks");
    const mdl_task *isr = mdl_set_find(s, "isr"), *me = mdl_set_find(s, "measure");
    CHECK(isr && me);
    if (!isr || !me) goto done;
    CHECK_INT(isr->level, MDL_CCD);
    CHECK_INT(isr->is_default, 1);
    CHECK_STR(isr->source, "hand made");
    CHECK_NEAR(mdl_cpu_s(isr, 3.7), 70.25, 0);
    CHECK_NEAR(mdl_cpu_s(isr, 54), 70.25, 0);      /* constant ignores n */
    CHECK_NEAR(isr->cpu_s.intercept_sigma, 1.5, 0);
    CHECK(isnan(isr->cpu_s.slope_sigma));
    CHECK_NEAR(mdl_maxrss_gib(isr, 10), 2.0, 0);     /* 2048 MiB */
    CHECK_INT(me->level, MDL_COADD);
    CHECK_INT(me->is_default, 0);
    /* 0.125 h/visit = 450 s/visit, 0.5 h = 1800 s: at n = 12.5, 450*12.5 + 1800 = 7425 s */
    CHECK_NEAR(mdl_cpu_s(me, 12.5), 7425, 1e-9);
    CHECK_NEAR(me->cpu_s.slope_sigma, 36, 1e-12);
    CHECK_NEAR(me->cpu_s.intercept_sigma, 72, 1e-12);
    CHECK_NEAR(mdl_maxrss_gib(me, 54), 0.0272 * 54 + 1.32, 1e-12);
    CHECK_NEAR(me->maxrss_gib.coverage, 0.95, 0);
    CHECK_INT(me->maxrss_gib.points, 120);
    CHECK_NEAR(me->n_min, 4, 0);
    CHECK_NEAR(me->n_max, 27, 0);
    CHECK(mdl_set_task(s, 0) == isr && mdl_set_task(s, 1) == me);

    /* save and load back: identical numbers */
    char tmp[] = "/tmp/y1mdlXXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char out[600];
    snprintf(out, sizeof out, "%s/round.yaml", tmp);
    CHECK_INT(mdl_set_save(s, out, &err), Y1_OK);
    mdl_set *r = NULL;
    CHECK_INT(mdl_set_load(&r, out, &err), Y1_OK);
    if (r) {
        CHECK_INT(mdl_set_count(r), 2);
        const mdl_task *m2 = mdl_set_find(r, "measure");
        CHECK(m2 && m2->cpu_s.slope == me->cpu_s.slope && m2->cpu_s.intercept == me->cpu_s.intercept
              && m2->maxrss_gib.slope == me->maxrss_gib.slope && m2->cpu_s.slope_sigma == 36 &&
              m2->maxrss_gib.points == 120 && m2->n_max == 27);
        const mdl_task *i2 = mdl_set_find(r, "isr");
        CHECK(i2 && i2->cpu_s.intercept == 70.25 && i2->maxrss_gib.intercept == 2.0 &&
              i2->is_default == 1 && i2->cpu_s.intercept_sigma == 1.5);
    }
    mdl_set_free(r);
    remove(out);
    rmdir(tmp);
done:
    mdl_set_free(s);
}

static void expect_load_error(const char *file, int code, const char *place, const char *what)
{
    y1_err err = {{0}};
    mdl_set *s = NULL;
    CHECK_INT(mdl_set_load(&s, file, &err), code);
    CHECK(s == NULL);
    CHECK_HAS(err.msg, place);
    CHECK_HAS(err.msg, what);
    mdl_set_free(s);
}

static void test_load_errors(void)
{
    expect_load_error(FX "models_missing_file.yaml", Y1_EIO, "models_missing_file.yaml", "cannot open");
    expect_load_error(FX "models_bad_syntax.yaml", Y1_EINPUT, "models_bad_syntax.yaml:6:1:", "malformed YAML");
    expect_load_error(FX "models_bad_key.yaml", Y1_EINPUT, "models_bad_key.yaml:9:5:", "unknown task key 'colour'");
    expect_load_error(FX "models_bad_negative.yaml", Y1_EINPUT, "models_bad_negative.yaml:7:44:", "non-negative");
    expect_load_error(FX "models_bad_nan.yaml", Y1_EINPUT, "models_bad_nan.yaml:8:49:", "finite");
    expect_load_error(FX "models_bad_missing.yaml", Y1_EINPUT, "models_bad_missing.yaml:4:5:", "missing key 'cpu'");
    expect_load_error(FX "models_bad_unit.yaml", Y1_EINPUT, "models_bad_unit.yaml:8:37:", "GiB or MiB");
    expect_load_error(FX "models_empty.yaml", Y1_EINPUT, "models_empty.yaml:1:1:", "empty");
}

/* The default file against the DESC JSON: every number, exactly (minutes x 60 -> seconds). */
static void test_default_vs_desc(void)
{
    y1_err err = {{0}};
    mdl_set *s = NULL;
    json_error_t jerr;
    json_t *j = json_load_file(Y1_TESTDATA "desc-gen3_workflow/resource_params_3828-y1.json",
                               0, &jerr);
    CHECK(j != NULL);
    CHECK_INT(mdl_set_load(&s, DEFAULT_MODELS, &err), Y1_OK);
    if (!s || !j) { fprintf(stderr, "%s %s\n", err.msg, jerr.text); goto done; }
    CHECK_INT(mdl_set_count(s), json_object_size(j));
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        const mdl_task *t = mdl_set_find(s, key);
        CHECK_MSG(t != NULL, "task %s missing", key);
        if (!t) continue;
        json_t *c = json_object_get(v, "cpu_time (m)"), *m = json_object_get(v, "maxRSS (GB)");
        double cs = json_number_value(json_array_get(c, 0)), ci = json_number_value(json_array_get(c, 1));
        double ms = json_number_value(json_array_get(m, 0)), mi = json_number_value(json_array_get(m, 1));
        CHECK_MSG(t->cpu_s.slope == cs * 60 && t->cpu_s.intercept == ci * 60, "%s cpu", key);
        CHECK_MSG(t->maxrss_gib.slope == ms && t->maxrss_gib.intercept == mi, "%s maxrss", key);
        CHECK_MSG(t->cpu_s.is_linear == (cs != 0), "%s linear flag", key);
    }
    /* the default set is exactly the 9 pipetasks of Table 2 */
    static const char *const table2[] = {"isr", "characterizeImage", "calibrate", "makeWarp",
        "assembleCoadd", "detection", "measure", "forcedPhotCoadd", "deblend"};
    size_t ndef = 0;
    for (size_t i = 0; i < mdl_set_count(s); i++) ndef += mdl_set_task(s, i)->is_default;
    CHECK_INT(ndef, 9);
    for (size_t i = 0; i < 9; i++) {
        const mdl_task *t = mdl_set_find(s, table2[i]);
        CHECK_MSG(t && t->is_default, "%s default", table2[i]);
    }
    CHECK(!mdl_set_find(s, "templateGen")->is_default);
    CHECK_INT(mdl_set_find(s, "skyCorrectionTask")->level, MDL_VISIT);
    CHECK_INT(mdl_set_find(s, "deblend")->level, MDL_PATCH);
    CHECK_INT(mdl_set_find(s, "makeWarp")->level, MDL_WARP);

    /* Table 2 by hand: CCD-visits = 173,682 visits (Table 1) x 189 CCDs = 32.8 M.
     * isr: 32.8 M x 1.174 CPU min / 60 = 0.642 M CPU hours (Table 2: 0.64);
     * calibrate: 32.8 M x 1.386 min / 60 = 0.757 M h (Table 2: 0.76). */
    double ccd_visits = 173682.0 * 189;
    CHECK_NEAR(ccd_visits * mdl_cpu_s(mdl_set_find(s, "isr"), 0) / 3600 / 1e6, 0.64, 0.005);
    CHECK_NEAR(ccd_visits * mdl_cpu_s(mdl_set_find(s, "calibrate"), 0) / 3600 / 1e6, 0.76, 0.005);
    CHECK_NEAR(ccd_visits * mdl_cpu_s(mdl_set_find(s, "characterizeImage"), 0) / 3600 / 1e6, 1.23, 0.005);
    /* coadd level: CPU hours = (slope x sum of n + intercept x N_coadds) / 3600, with sum n =
     * 48.5 M (= number of warps) and N = 2.7 M: measure 6.12 M h. Max maxRSS 2.79 GB at n ~ 54. */
    const mdl_task *me = mdl_set_find(s, "measure");
    CHECK_NEAR((me->cpu_s.slope * 48.5e6 + me->cpu_s.intercept * 2.7e6) / 3600 / 1e6, 6.12, 0.01);
    CHECK_NEAR(mdl_maxrss_gib(me, 54), 2.79, 0.01);
    CHECK_NEAR(mdl_maxrss_gib(mdl_set_find(s, "isr"), 0), 2.59, 0.005);
done:
    json_decref(j);
    mdl_set_free(s);
}

static void test_set_api(void)
{
    y1_err err = {{0}};
    mdl_set *s = NULL;
    CHECK_INT(mdl_set_new(&s, "api", NULL, &err), Y1_OK);
    mdl_task t = {0};
    t.label = "calibrate";
    t.level = MDL_CCD;
    t.cpu_s = (mdl_linear){0, 0, 83.13, NAN, NAN, NAN, 0};
    t.maxrss_gib = (mdl_linear){0, 0, 0.79, NAN, NAN, NAN, 0};
    t.n_min = t.n_max = NAN;
    CHECK_INT(mdl_set_add(s, &t, &err), Y1_OK);
    CHECK_INT(mdl_set_add(s, &t, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "twice");
    t.label = "isr";
    t.cpu_s.intercept = NAN;
    CHECK_INT(mdl_set_add(s, &t, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "finite");
    t.cpu_s.intercept = -1;
    CHECK_INT(mdl_set_add(s, &t, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "negative");
    CHECK_INT(mdl_set_count(s), 1);
    CHECK(mdl_set_find(s, "isr") == NULL);
    mdl_level lv;
    CHECK_INT(mdl_level_parse("patch", &lv), Y1_OK);
    CHECK_INT(lv, MDL_PATCH);
    CHECK_INT(mdl_level_parse("tract", &lv), Y1_EINPUT);
    CHECK(mdl_level_of_label("forcedPhotCoadd", &lv) && lv == MDL_COADD);
    CHECK(!mdl_level_of_label("nosuchTask", &lv));
    CHECK_STR(mdl_level_name(MDL_WARP), "warp");
    mdl_set_free(s);
    mdl_set_free(NULL);
}


/* ---- ingest: CSV, coadds.csv, ids ---------------------------------------------------------- */

static void test_csv(void)
{
    y1_err err = {{0}};
    mdl_records r;
    mdl_records_init(&r);
    CHECK_INT(mdl_read_csv(&r, FX "models_records.csv", &err), Y1_OK);
    CHECK_INT(r.n, 12);
    CHECK_STR(r.v[0].task, "calibrate");
    CHECK_NEAR(r.v[0].cpu_s, 61.25, 0);
    CHECK_NEAR(r.v[0].maxrss_bytes, 0.75 * 1073741824.0, 0);
    CHECK(isnan(r.v[0].n_visits));
    CHECK_HAS(r.v[0].data_id, "models_records.csv:3");
    CHECK_NEAR(r.v[11].n_visits, 24, 0);
    CHECK_STR(r.cpu_definition, "csv");
    mdl_records_clear(&r);

    static const struct { const char *file; int code; const char *msg; } bad[] = {
        {FX "models_records_nan.csv", Y1_EINPUT, "models_records_nan.csv:2:11: cpu_s: expected a finite number, got 'nan'"},
        {FX "models_records_negative.csv", Y1_EINPUT, "models_records_negative.csv:2:16: maxrss_gib: -0.5 is out of range [0, 1e+06]"},
        {FX "models_records_badcol.csv", Y1_EINPUT, "models_records_badcol.csv:1: unknown column 'colour'"},
        {FX "models_records_nocol.csv", Y1_EINPUT, "models_records_nocol.csv:1: missing column 'maxrss_gib'"},
        {FX "models_records_empty.csv", Y1_EINPUT, "models_records_empty.csv:2: no records"},
        {FX "models_empty.yaml", Y1_EINPUT, "models_empty.yaml:1: empty file"},
        {FX "no_such_records.csv", Y1_EIO, "no_such_records.csv: cannot open"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(mdl_read_csv(&r, bad[i].file, &err), bad[i].code);
        CHECK_HAS(err.msg, bad[i].msg);
        mdl_records_clear(&r);
    }
}

static void test_coadds(void)
{
    /* the rows of tests/fixtures/models_coadds.csv, as the caller (the workload reader) gives
     * them: tract 3828 patch (1, 2) has r 21, i 17, g 6; patch (2, 2) has r 19 */
    static const mdl_coadd_row rows[] = {
        {2, 3828, 1, 2, 21}, {3, 3828, 1, 2, 17}, {1, 3828, 1, 2, 6}, {2, 3828, 2, 2, 19}};
    y1_err err = {{0}};
    mdl_records r;
    mdl_records_init(&r);
    CHECK_INT(mdl_read_csv(&r, FX "models_records_coadd.csv", &err), Y1_OK);
    CHECK_INT(mdl_coadds_join(&r, rows, 4, &err), Y1_OK);
    CHECK_NEAR(r.v[0].n_visits, 21, 0);
    CHECK_NEAR(r.v[1].n_visits, 17, 0);
    CHECK_NEAR(r.v[2].n_visits, 21 + 17 + 6, 0); /* patch level: the sum of the bands */
    r.v[0].n_visits = NAN;
    r.v[0].tract = 4000;
    CHECK_INT(mdl_coadds_join(&r, rows, 4, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "models_records_coadd.csv:2: coadd (band r, tract 4000, patch 1,2)");
    /* a band the table lacks, and a patch it lacks */
    r.v[0].tract = 3828;
    snprintf(r.v[0].band, sizeof r.v[0].band, "z");
    CHECK_INT(mdl_coadds_join(&r, rows, 4, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "coadd (band z, tract 3828, patch 1,2)");
    snprintf(r.v[0].band, sizeof r.v[0].band, "r");
    r.v[0].patch_x = 9;
    CHECK_INT(mdl_coadds_join(&r, rows, 4, &err), Y1_EINPUT);
    r.v[0].patch_x = 2;
    CHECK_INT(mdl_coadds_join(&r, rows, 4, &err), Y1_OK);
    CHECK_NEAR(r.v[0].n_visits, 19, 0);
    mdl_records_clear(&r);
}

/* ---- fits ------------------------------------------------------------------------------------ */

/* NIST StRD "Norris" (linear, lower difficulty): certified B0 = -0.262323073774029 (sd
 * 0.232818234301152), B1 = 1.00211681802045 (sd 0.429796848199937E-03). */
static const double norris_x[36] = {
    0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0, 558.2, 0.4,
    0.6, 775.5, 666.9, 338.0, 447.5, 11.6, 556.0, 228.1, 995.8, 887.6, 120.2, 0.3,
    0.3, 556.8, 339.1, 887.2, 999.0, 779.0, 11.1, 118.3, 229.2, 669.1, 448.9, 0.5};
static const double norris_y[36] = {
    0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9, 559.2, 0.3,
    0.1, 778.1, 668.8, 339.3, 448.9, 10.8, 557.7, 228.3, 998.0, 888.8, 119.6, 0.3,
    0.6, 557.6, 339.3, 888.0, 998.5, 778.9, 10.2, 117.6, 228.9, 668.4, 449.2, 0.2};

static void test_fit_norris(void)
{
    y1_err err = {{0}};
    double c0, c1, s0, s1;
    CHECK_INT(mdl_fit_ols(norris_x, norris_y, 36, &c0, &c1, &s0, &s1, &err), Y1_OK);
    CHECK_NEAR(c0, -0.262323073774029, 1e-10);
    CHECK_NEAR(c1, 1.00211681802045, 1e-12);
    CHECK_NEAR(s0, 0.232818234301152, 1e-10);
    CHECK_NEAR(s1, 0.429796848199937e-03, 1e-13);
    CHECK_INT(mdl_fit_ols(norris_x, norris_y, 2, &c0, &c1, &s0, &s1, &err), Y1_EINPUT);
    double same[3] = {4, 4, 4};
    CHECK_INT(mdl_fit_ols(same, norris_y, 3, &c0, &c1, &s0, &s1, &err), Y1_EINPUT);
}

static void test_quantile(void)
{
    y1_err err = {{0}};
    double v[5] = {5.5, 1.25, 3.0, 9.75, 7.0}, q;
    /* sorted 1.25 3 5.5 7 9.75; rank (5-1) 0.95 = 3.8 -> 7 + 0.8 (9.75 - 7) = 9.2 */
    CHECK_INT(mdl_quantile(v, 5, 0.95, &q, &err), Y1_OK);
    CHECK_NEAR(q, 9.2, 1e-12);
    CHECK_INT(mdl_quantile(v, 5, 0.5, &q, &err), Y1_OK);
    CHECK_NEAR(q, 5.5, 0);
    CHECK_NEAR(v[0], 5.5, 0); /* input untouched */
    CHECK_INT(mdl_quantile(v, 0, 0.5, &q, &err), Y1_EINPUT);
    v[2] = NAN;
    CHECK_INT(mdl_quantile(v, 5, 0.5, &q, &err), Y1_EINPUT);
}

/* Visits per coadd in the synthetic fits below: uniform on the 24 integers 4..27, so
 * var n = (24^2 - 1) / 12 and mean n = 15.5. */
#define FIT_NLO 4
#define FIT_NVAL 24
static const double fit_var_n = (FIT_NVAL * FIT_NVAL - 1) / 12.0, fit_mean_n = 15.5;

/* Asymptotic standard deviations of a linear quantile-regression fit at quantile q on npts points
 * with iid errors of density f at the quantile (Koenker & Bassett 1978): cov = q (1 - q) / f^2
 * (X'X)^-1, so sd(slope) = k / sqrt(N var n) and sd(intercept) = k sqrt((1 + mean^2 / var) / N)
 * with k = sqrt(q (1 - q)) / f. */
static void qr_theory_sd(double q, double f, int npts, double *sd_slope, double *sd_intercept)
{
    double k = sqrt(q * (1 - q)) / f;
    *sd_slope = k / sqrt(npts * fit_var_n);
    *sd_intercept = k * sqrt((1 + fit_mean_n * fit_mean_n / fit_var_n) / npts);
}

/* A cloud under a known line: y = 1800 + 300 n - d, d ~ U(0, 1000), plus 2% outliers at 2.5 y
 * (all above). P(y <= L) = 0.98 P(d >= c) = 0.95 at c = 1000 (1 - 0.95/0.98) = 30.6, so the
 * 95% envelope is 1769.4 + 300 n; the density of y there is 0.98 / 1000, which gives the
 * theory's sd of 0.72 on the slope and 12.2 on the intercept for N = 2000. */
static void test_fit_envelope(void)
{
    y1_err err = {{0}};
    enum { N = 2000 };
    static double x[N], y[N];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2385);
    for (int i = 0; i < N; i++) {
        x[i] = 4 + gsl_rng_uniform_int(rng, 24);
        y[i] = 1800 + 300 * x[i] - 1000 * gsl_rng_uniform(rng);
        if (gsl_rng_uniform(rng) < 0.02) y[i] *= 2.5;
    }
    gsl_rng_free(rng);
    mdl_envelope e;
    CHECK_INT(mdl_fit_envelope(x, y, N, 0.95, 100, 7, &e, &err), Y1_OK);
    double sd_s, sd_i;
    qr_theory_sd(0.95, 0.98 / 1000, N, &sd_s, &sd_i);
    /* one fixed data set: the line within 3.5 sd of the truth; the coverage of an exact
     * quantile-regression optimum (2 parameters, 2 points on the line) is in [q, q + 2/N];
     * one bootstrap sigma (100 resamples) within a factor 1.6 of the theory's sd. The spread
     * itself is tested over many data sets in test_fit_sigma. */
    CHECK_NEAR(e.slope, 300, 3.5 * sd_s);
    CHECK_NEAR(e.intercept, 1800 - 1000 * (1 - 0.95 / 0.98), 3.5 * sd_i);
    CHECK_MSG(e.coverage >= 0.95 && e.coverage <= 0.95 + 2.0 / N, "coverage %.5f", e.coverage);
    CHECK_MSG(e.slope_sigma > sd_s / 1.6 && e.slope_sigma < 1.6 * sd_s, "slope sigma %.3f, "
              "theory %.3f", e.slope_sigma, sd_s);
    CHECK_MSG(e.intercept_sigma > sd_i / 1.6 && e.intercept_sigma < 1.6 * sd_i, "intercept sigma "
              "%.3f, theory %.3f", e.intercept_sigma, sd_i);
    mdl_envelope e2;
    CHECK_INT(mdl_fit_envelope(x, y, N, 0.95, 100, 7, &e2, &err), Y1_OK);
    CHECK(e2.slope == e.slope && e2.slope_sigma == e.slope_sigma); /* fixed seed: repeatable */
    double one[3] = {12, 12, 12};
    CHECK_INT(mdl_fit_envelope(one, y, 3, 0.95, 0, 7, &e, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "distinct n");
    CHECK_INT(mdl_fit_envelope(x, y, 2, 0.95, 0, 7, &e, &err), Y1_EINPUT);
    CHECK_INT(mdl_fit_envelope(x, y, N, 1.0, 0, 7, &e, &err), Y1_EUSAGE);
}

/* The reported bootstrap sigma against the spread it claims to estimate, and the coverage
 * against q. M independent data sets of N points, y = 1800 + 300 n + 400 e with e ~ N(0, 1),
 * whose 95 % line is 1800 + 400 z + 300 n, z = Phi^-1(0.95), and whose error density there is
 * phi(z) / 400. Over the M fits:
 * - the spread of the slopes and intercepts matches the asymptotic theory (qr_theory_sd); the
 *   sd of M estimates has a relative error of 1/sqrt(2M) = 8 %, so the band is +-25 %;
 * - the mean reported bootstrap sigma matches both the observed spread and the theory within
 *   25 % (the bootstrap of a quantile regression is consistent; with 40 resamples one sigma
 *   scatters by ~25 %, the mean of M by ~3 %): a sigma 5x, or 1.5x, off fails;
 * - the in-sample coverage of each fit is in [q, q + 2/N] (an exact optimum has at most
 *   q N points below it and two on it);
 * - the true coverage P(y <= line), from the normal CDF, averages q within its standard error
 *   times 3 plus the O(p/N) = 2/N finite-sample bias of a fitted quantile. */
static void test_fit_sigma(void)
{
    enum { M = 80, N = 300, NBOOT = 40 };
    const double q = 0.95, noise = 400, z = gsl_cdf_ugaussian_Pinv(q);
    static double x[N], y[N], slope[M], icpt[M], ssig[M], isig[M], truecov[M];
    y1_err err = {{0}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int bad_cov = 0;
    for (int m = 0; m < M; m++) {
        gsl_rng_set(rng, 2385 + 7919 * m);
        for (int i = 0; i < N; i++) {
            x[i] = FIT_NLO + gsl_rng_uniform_int(rng, FIT_NVAL);
            y[i] = 1800 + 300 * x[i] + noise * gsl_ran_gaussian_ziggurat(rng, 1);
        }
        mdl_envelope e;
        if (mdl_fit_envelope(x, y, N, q, NBOOT, 11 + m, &e, &err) != Y1_OK) {
            CHECK_MSG(0, "data set %d: %s", m, err.msg);
            gsl_rng_free(rng);
            return;
        }
        slope[m] = e.slope;
        icpt[m] = e.intercept;
        ssig[m] = e.slope_sigma;
        isig[m] = e.intercept_sigma;
        bad_cov += !(e.coverage >= q - 1e-12 && e.coverage <= q + 2.0 / N + 1e-12);
        double c = 0;
        for (int k = FIT_NLO; k < FIT_NLO + FIT_NVAL; k++)
            c += gsl_cdf_ugaussian_P((e.intercept + e.slope * k - 1800 - 300 * k) / noise);
        truecov[m] = c / FIT_NVAL;
    }
    gsl_rng_free(rng);
    double th_s, th_i;
    qr_theory_sd(q, gsl_ran_ugaussian_pdf(z) / noise, N, &th_s, &th_i);
    double sd_s = gsl_stats_sd(slope, 1, M), sd_i = gsl_stats_sd(icpt, 1, M);
    double sig_s = gsl_stats_mean(ssig, 1, M), sig_i = gsl_stats_mean(isig, 1, M);
    printf("envelope over %d data sets of %d points: slope sd %.3f (theory %.3f, mean bootstrap "
           "sigma %.3f), intercept sd %.2f (theory %.2f, sigma %.2f)\n", M, N, sd_s, th_s, sig_s,
           sd_i, th_i, sig_i);
#define RATIO_OK(a, b, r) ((a) / (b) > 1 / (r) && (a) / (b) < (r))
    CHECK_MSG(RATIO_OK(sd_s, th_s, 1.25), "slope spread %.3f, theory %.3f", sd_s, th_s);
    CHECK_MSG(RATIO_OK(sd_i, th_i, 1.25), "intercept spread %.2f, theory %.2f", sd_i, th_i);
    CHECK_MSG(RATIO_OK(sig_s, sd_s, 1.25), "slope sigma %.3f, spread %.3f", sig_s, sd_s);
    CHECK_MSG(RATIO_OK(sig_i, sd_i, 1.25), "intercept sigma %.2f, spread %.2f", sig_i, sd_i);
    CHECK_MSG(RATIO_OK(sig_s, th_s, 1.25), "slope sigma %.3f, theory %.3f", sig_s, th_s);
    CHECK_MSG(RATIO_OK(sig_i, th_i, 1.25), "intercept sigma %.2f, theory %.2f", sig_i, th_i);
#undef RATIO_OK
    /* unbiased within 3 standard errors of the mean */
    CHECK_NEAR(gsl_stats_mean(slope, 1, M), 300, 3 * th_s / sqrt(M));
    CHECK_NEAR(gsl_stats_mean(icpt, 1, M), 1800 + noise * z, 3 * th_i / sqrt(M));
    CHECK_MSG(bad_cov == 0, "%d of %d fits have an in-sample coverage outside [q, q + 2/N]",
              bad_cov, M);
    double cov = gsl_stats_mean(truecov, 1, M), cov_se = gsl_stats_sd(truecov, 1, M) / sqrt(M);
    CHECK_MSG(fabs(cov - q) <= 3 * cov_se + 2.0 / N, "true coverage %.4f +- %.4f, q %.2f", cov,
              cov_se, q);
}

static void test_fit_records(void)
{
    y1_err err = {{0}};
    mdl_records r;
    mdl_records_init(&r);
    mdl_fit_opts o;
    mdl_fit_opts_default(&o);
    o.nboot = 50;
    mdl_set *s = NULL;
    CHECK_INT(mdl_read_csv(&r, FX "models_records.csv", &err), Y1_OK);
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_OK);
    if (!s) { fprintf(stderr, "%s\n", err.msg); goto done; }
    CHECK_INT(mdl_set_count(s), 2);
    const mdl_task *c = mdl_set_find(s, "calibrate"), *m = mdl_set_find(s, "measure");
    CHECK(c && m);
    if (!c || !m) goto done;
    /* calibrate CPU sorted: 55.75 61.25 66 70.5 83 90.5; rank 5 x 0.95 = 4.75 -> 83 + 0.75 x 7.5 */
    CHECK_NEAR(mdl_cpu_s(c, 0), 88.625, 1e-12);
    CHECK_INT(c->level, MDL_CCD);
    CHECK_INT(c->cpu_s.points, 6);
    CHECK_NEAR(c->cpu_s.coverage, 5.0 / 6, 1e-12);
    CHECK(c->cpu_s.intercept_sigma > 0);
    CHECK_INT(m->level, MDL_COADD);
    CHECK(m->cpu_s.is_linear && m->maxrss_gib.is_linear);
    /* maxRSS rises exactly 0.1 GiB per 4 visits from 1.5 at n = 4: every quantile line is it */
    CHECK_NEAR(m->maxrss_gib.slope, 0.025, 1e-6);
    CHECK_NEAR(m->maxrss_gib.intercept, 1.4, 1e-5);
    CHECK_NEAR(m->n_min, 4, 0);
    CHECK_NEAR(m->n_max, 24, 0);
    CHECK(m->cpu_s.coverage >= 5.0 / 6 - 1e-12);
    CHECK_HAS(m->source, "quantile regression");
    mdl_set_free(s);
    s = NULL;

    /* too few points; unknown label; a coadd task without n */
    o.min_points = 7;
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "task 'calibrate': 6 records, need at least 7");
    o.min_points = 5;
    free(r.v[0].task);
    r.v[0].task = strdup("myNewTask");
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "--level myNewTask=");
    o.min_points = 1;
    const char *lv[] = {"myNewTask=visit"};
    o.levels = lv;
    o.n_levels = 1;
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_OK);
    CHECK(s && mdl_set_find(s, "myNewTask") && mdl_set_find(s, "myNewTask")->level == MDL_VISIT);
    mdl_set_free(s);
    s = NULL;
    const char *lv2[] = {"noSuchTask=ccd"};
    o.levels = lv2;
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_EUSAGE);
    o.levels = lv;
    o.min_points = 1;
    r.v[8].n_visits = NAN;
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "task 'measure' is coadd-level but 1 of its 6 records have no n_visits");
    mdl_records_clear(&r);
    CHECK_INT(mdl_fit_records(&s, &r, &o, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "no records");
    CHECK(s == NULL);
done:
    mdl_set_free(s);
    mdl_records_clear(&r);
}

/* ---- ingest: task metadata ------------------------------------------------------------------ */

#define TREE FX "models_md_tree/run1/"
static void test_metadata(void)
{
    y1_err err = {{0}};
    mdl_records r;
    mdl_records_init(&r);
    mdl_md_opts o;
    mdl_md_opts_default(&o);
    CHECK_INT(o.cpu, MDL_CPU_ABSOLUTE);
    /* the tree, in name order: calibrate v0 (KiB, with quantum), calibrate w_2021_21 (KiB, no
     * quantum), isr v1 JSON (bytes, bare NaN/Infinity in butler_metrics) */
    CHECK_INT(mdl_read_metadata(&r, FX "models_md_tree", &o, &err), Y1_OK);
    if (r.n != 3) { fprintf(stderr, "%s\n", err.msg); CHECK_INT(r.n, 3); goto done; }
    CHECK_STR(r.v[0].task, "calibrate");
    CHECK_HAS(r.v[0].data_id, "calibrate_metadata_v0.yaml");
    /* absolute: largest *EndCpuTime = calibrate.runEndCpuTime 77.125 (quantum.endCpuTime 78.5
     * does not end in "EndCpuTime": the match is case-sensitive) */
    CHECK_NEAR(r.v[0].cpu_s, 77.125, 0);
    CHECK_NEAR(r.v[0].maxrss_bytes, 812544.0 * 1024, 0);  /* v0: KiB */
    CHECK_NEAR(r.v[1].cpu_s, 80.25, 0);
    CHECK_NEAR(r.v[1].maxrss_bytes, 798720.0 * 1024, 0);
    CHECK_STR(r.v[2].task, "isr");
    CHECK_NEAR(r.v[2].cpu_s, 70.75, 0);
    CHECK_NEAR(r.v[2].maxrss_bytes, 4831838208.0, 0);   /* v1: bytes = 4.5 GiB */
    CHECK(isnan(r.v[2].n_visits));
    CHECK_STR(r.cpu_definition, "absolute");
    mdl_records_clear(&r);

    /* run: quantum end - start; without a quantum block, the task's run() timer */
    o.cpu = MDL_CPU_RUN;
    CHECK_INT(mdl_read_metadata(&r, FX "models_md_tree", &o, &err), Y1_OK);
    CHECK_INT(r.n, 3);
    if (r.n == 3) {
        CHECK_NEAR(r.v[0].cpu_s, 78.5 - 18.875, 1e-12);
        CHECK_NEAR(r.v[1].cpu_s, 80.25 - 21.5, 1e-12);
        CHECK_NEAR(r.v[2].cpu_s, 72.5 - 31.25, 1e-12);
        CHECK_STR(r.cpu_definition, "run");
    }
    mdl_records_clear(&r);

    /* a declared v0 unit of bytes (macOS writers) */
    o.v0_rss_unit_bytes = 1;
    CHECK_INT(mdl_read_metadata(&r, TREE "calibrate_metadata/calibrate_metadata_w21.yaml", &o, &err), Y1_OK);
    CHECK(r.n == 1 && r.v[0].maxrss_bytes == 798720.0);
    mdl_records_clear(&r);
    mdl_md_opts_default(&o);

    /* a NaN inside a JSON string is not touched; bare NaN in a timer key is an error */
    static const char ok_text[] = "{\"scalars\": {}, \"arrays\": {}, \"metadata\": {\"isr\": "
        "{\"scalars\": {\"s\": \"NaN\"}, \"arrays\": {\"runEndCpuTime\": [12.5], "
        "\"runEndMaxResidentSetSize\": [1024]}, \"metadata\": {}}}}";
    CHECK_INT(mdl_read_metadata_text(&r, "inline.json", ok_text, strlen(ok_text), &o, &err), Y1_OK);
    CHECK(r.n == 1 && r.v[0].maxrss_bytes == 1024.0 * 1024);
    mdl_records_clear(&r);

    static const struct { const char *file; int code; const char *msg; } bad[] = {
        {FX "models_md_bad/nan_cpu.json", Y1_EINPUT, "nan_cpu.json: isr.runEndCpuTime is NaN"},
        {FX "models_md_bad/malformed.json", Y1_EINPUT, "malformed.json:3:82: malformed JSON"},
        {FX "models_md_bad/no_rss.json", Y1_EINPUT, "no_rss.json: no *MaxResidentSetSize key"},
        {FX "models_md_bad/untagged.yaml", Y1_EINPUT, "untagged.yaml:1:1: the root must be"},
        {FX "models_md_bad/malformed.yaml", Y1_EINPUT, "malformed.yaml:6:7: malformed YAML"},
        {FX "models_md_bad/nothere.json", Y1_EIO, "nothere.json: cannot open"},
        {FX "models_empty.yaml", Y1_EINPUT, "models_empty.yaml:1:1: empty metadata file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(mdl_read_metadata(&r, bad[i].file, &o, &err), bad[i].code);
        CHECK_HAS(err.msg, bad[i].msg);
        mdl_records_clear(&r);
    }
    /* the ids side table: by base name or by a path suffix */
    CHECK_INT(mdl_read_metadata(&r, FX "models_md_tree", &o, &err), Y1_OK);
    CHECK_INT(mdl_apply_ids(&r, FX "models_ids.csv", &err), Y1_OK);
    if (r.n == 3) {
        CHECK_NEAR(r.v[0].n_visits, 12, 0);
        CHECK(isnan(r.v[1].n_visits));
        CHECK_NEAR(r.v[2].n_visits, 7, 0);
    }
    CHECK_INT(mdl_apply_ids(&r, FX "models_ids_bad.csv", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "models_ids_bad.csv:1: expected columns id and n_visits");
    CHECK_INT(mdl_apply_ids(&r, FX "no_ids.csv", &err), Y1_EIO);
    mdl_records_clear(&r);

    /* a directory tree stops at its first bad file, naming it */
    CHECK_INT(mdl_read_metadata(&r, FX "models_md_bad", &o, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "models_md_bad/malformed.json");
done:
    mdl_records_clear(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_load_ok();
    test_load_errors();
    test_default_vs_desc();
    test_set_api();
    test_csv();
    test_coadds();
    test_metadata();
    test_fit_norris();
    test_quantile();
    test_fit_envelope();
    test_fit_sigma();
    test_fit_records();
    CHECK_DONE();
}
