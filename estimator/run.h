/* run.h: the main job's run, callable by every subcommand that needs a workload:
 * cadence -> selection -> footprint overlaps -> workload (coadds with n) -> models -> Tables 2-4.
 * Options mirror `y1est estimate --help`. */
#ifndef EST_RUN_H
#define EST_RUN_H

#include "estimator/cli/cli.h"
#include "estimator/estimate.h"
#include "skymap/skymap.h"

typedef struct est_run_opts {
    cli_sel cs;
    const char *platforms[32];
    int n_platforms;
    sky_fp_kind footprint;  /* default SKY_FP_CIRCLE */
    double radius_deg;
    sky_rot_mode rotation;  /* default SKY_ROT_VISIT (rotSkyPos) */
    long seed;
    const char *skymap, *workload, *models, *tasks, *products;
    char skymap_path[600];  /* the --skymap argument resolved (cli_skymap_path); "" = default */
    sky_overlap_rule overlap; /* default SKY_OVERLAP_EXACT */
    long threads;
    unsigned given;         /* bit (code - EST_RUN_OPT_FIRST) for each footprint option given */
} est_run_opts;

/* The footprint, model and workload options shared by `estimate` and `campaign`. Codes start
 * at EST_RUN_OPT_FIRST (above the selection codes of cli.h) so both getopt tables can hold them. */
enum { EST_RUN_OPT_FIRST = 1100, EST_RUN_OPT_FOOTPRINT = EST_RUN_OPT_FIRST, EST_RUN_OPT_RADIUS, EST_RUN_OPT_ROTATION,
       EST_RUN_OPT_SEED, EST_RUN_OPT_SKYMAP, EST_RUN_OPT_WORKLOAD, EST_RUN_OPT_MODELS, EST_RUN_OPT_TASKS,
       EST_RUN_OPT_PRODUCTS, EST_RUN_OPT_THREADS, EST_RUN_OPT_OVERLAP, EST_RUN_OPT_END };
#define EST_RUN_LONGOPTS                                                                   \
    {"footprint", required_argument, NULL, EST_RUN_OPT_FOOTPRINT},                              \
    {"radius", required_argument, NULL, EST_RUN_OPT_RADIUS},                                    \
    {"rotation", required_argument, NULL, EST_RUN_OPT_ROTATION},                                \
    {"seed", required_argument, NULL, EST_RUN_OPT_SEED},                                        \
    {"skymap", required_argument, NULL, EST_RUN_OPT_SKYMAP},                                    \
    {"workload", required_argument, NULL, EST_RUN_OPT_WORKLOAD},                                \
    {"models", required_argument, NULL, EST_RUN_OPT_MODELS},                                    \
    {"tasks", required_argument, NULL, EST_RUN_OPT_TASKS},                                      \
    {"products", required_argument, NULL, EST_RUN_OPT_PRODUCTS},                                \
    {"threads", required_argument, NULL, EST_RUN_OPT_THREADS},                                  \
    {"overlap", required_argument, NULL, EST_RUN_OPT_OVERLAP}

/* Handle one option of CLI_SEL_LONGOPTS or EST_RUN_LONGOPTS. Returns Y1_EUSAGE for a bad
 * value, naming the option. */
int est_run_opts_option(est_run_opts *o, int code, const char *arg, y1_err *err);

/* Defaults: circle of 2 deg, rotation rotskypos, seed 42, tasks "default", format md,
 * 2 threads, Y1 WFD of the embedded synthetic cadence. */
void est_run_opts_default(est_run_opts *o);

/* Options that contradict each other: an error (Y1_EUSAGE) when the combination has no
 * meaning (--radius with --footprint lsstcam); a warning line (into warn, "" if none) when an
 * option is ignored (footprint options with --workload, --rotation random with the circle). */
int est_run_opts_check(const est_run_opts *o, char *warn, size_t n, y1_err *err);

/* Run select -> project -> count -> Tables 2-4 into r (initialised by the caller with est_result_init, cleared with
 * est_result_clear even after a failure). want_pointings: also collect every program's
 * pointings of the selected nights for Figure 1. Errors keep their status: Y1_EUSAGE for bad
 * option values found late (unknown --tasks label), Y1_EINPUT, Y1_EIO, Y1_ENOMEM. */
int est_run(const est_run_opts *o, est_result *r, int want_pointings, y1_err *err);

/* A --platform argument: an existing path, or a bare name in data/platforms/. */
int est_run_resolve_platform(const char *arg, char *path, size_t n, y1_err *err);

#endif
