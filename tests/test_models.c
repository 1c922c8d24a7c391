/* test_models.c: the models/ module: model files (load, save, errors), the default RTN-028 file
 * against the DESC parameters and Table 2, ingest (CSV, task metadata), and the GSL fits. */
#include <stdint.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
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
    json_t *j = json_load_file(check_shared("data/desc-gen3_workflow/resource_params_3828-y1.json"),
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

int main(void)
{
    gsl_set_error_handler_off();
    test_load_ok();
    test_load_errors();
    test_default_vs_desc();
    test_set_api();
    CHECK_DONE();
}
