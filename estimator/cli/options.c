/* options.c: the run's footprint, model and workload options, shared by estimate, campaign
 * and validate: parsed into est_run_opts (typed), and checked against each other. */
#include "estimator/cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "skymap/dimcount.h"

int cli_run_option(est_run_opts *o, int code, const char *arg, y1_err *err)
{
    if (code >= CLI_OPT_SEL && code < CLI_OPT_SEL_END) return cli_sel_option(&o->cs, code, arg, err);
    if (code >= CLI_OPT_RUN_FIRST && code < CLI_OPT_RUN_END) o->given |= 1u << (code - CLI_OPT_RUN_FIRST);
    switch (code) {
    case CLI_OPT_RUN_FOOTPRINT:
        if (sky_fp_kind_parse(arg, &o->footprint))
            return y1_errf(err, Y1_EUSAGE, "--footprint: expected %s, got '%s'",
                           sky_fp_kind_list(), arg);
        return Y1_OK;
    case CLI_OPT_RUN_RADIUS:
        /* beyond ~10 deg a circle is not a camera any more, and tract tests get costly */
        return cli_parse_double("--radius", arg, 1e-6, 10.0, &o->radius_deg, err);
    case CLI_OPT_RUN_ROTATION:
        if (sky_rot_mode_parse(arg, &o->rotation))
            return y1_errf(err, Y1_EUSAGE, "--rotation: expected %s, got '%s'",
                           sky_rot_mode_list(), arg);
        return Y1_OK;
    case CLI_OPT_RUN_SEED: return cli_parse_long("--seed", arg, 0, 2147483647L, &o->seed, err);
    case CLI_OPT_RUN_SKYMAP:
        o->skymap = arg;
        return est_skymap_path(arg, o->skymap_path, sizeof o->skymap_path, err);
    case CLI_OPT_RUN_OVERLAP:
        if (sky_overlap_rule_parse(arg, &o->overlap))
            return y1_errf(err, Y1_EUSAGE, "--overlap: expected %s, got '%s'",
                           sky_overlap_rule_list(), arg);
        return Y1_OK;
    case CLI_OPT_RUN_PIPELINE: o->pipeline = arg; return Y1_OK;
    case CLI_OPT_RUN_DETECTORS: {
        sky_detset d;
        int rc = sky_detset_parse(&d, arg, err);
        if (!rc) o->detectors = arg;
        return rc;
    }
    case CLI_OPT_RUN_WORKLOAD: o->workload = arg; return Y1_OK;
    case CLI_OPT_RUN_MODELS: o->models = arg; return Y1_OK;
    case CLI_OPT_RUN_TASKS: o->tasks = arg; return Y1_OK;
    case CLI_OPT_RUN_PRODUCTS: o->products = arg; return Y1_OK;
    case CLI_OPT_RUN_THREADS: return cli_parse_long("--threads", arg, 1, 64, &o->threads, err);
    default: return y1_errf(err, Y1_EUSAGE, "internal: unknown run option %d", code);
    }
}

#define GIVEN(o, c) ((o)->given >> ((c) - CLI_OPT_RUN_FIRST) & 1u)

int cli_run_check(const est_run_opts *o, char *warn, size_t n, y1_err *err)
{
    warn[0] = '\0';
    if (est_run_is_pipeline(o) && (o->models || o->products || strcmp(o->tasks, "default")))
        return y1_errf(err, Y1_EUSAGE, "--models, --tasks and --products belong to the default "
                       "rtn028 estimate; pipeline %s carries its own models and dataset types",
                       o->pipeline);
    if (o->detectors && !est_run_is_pipeline(o))
        return y1_errf(err, Y1_EUSAGE, "--detectors applies to a pipeline file (--pipeline NAME), "
                       "not to the default rtn028 estimate");
    if (GIVEN(o, CLI_OPT_RUN_RADIUS) && o->footprint == SKY_FP_LSSTCAM)
        return y1_errf(err, Y1_EUSAGE, "--radius applies to --footprint circle, not lsstcam");
    if (o->workload) {
        static const struct { int code; const char *name; } geo[] = {
            {CLI_OPT_RUN_FOOTPRINT, "--footprint"}, {CLI_OPT_RUN_RADIUS, "--radius"},
            {CLI_OPT_RUN_ROTATION, "--rotation"}, {CLI_OPT_RUN_SEED, "--seed"},
            {CLI_OPT_RUN_THREADS, "--threads"}, {CLI_OPT_RUN_OVERLAP, "--overlap"}};
        for (size_t i = 0; i < sizeof geo / sizeof geo[0]; i++)
            if (GIVEN(o, geo[i].code)) {
                size_t l = strlen(warn);
                snprintf(warn + l, n - l, "%s%s", l ? ", " : "", geo[i].name);
            }
        if (warn[0]) {
            char list[200];
            snprintf(list, sizeof list, "%s", warn);
            snprintf(warn, n, "%s ignored: --workload %s already holds the footprint overlaps",
                     list, o->workload);
        }
    } else if (o->footprint == SKY_FP_CIRCLE &&
               (GIVEN(o, CLI_OPT_RUN_ROTATION) || GIVEN(o, CLI_OPT_RUN_SEED))) {
        snprintf(warn, n, "--rotation and --seed ignored: a circle has no rotation");
    }
    return Y1_OK;
}

