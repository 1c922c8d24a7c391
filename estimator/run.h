/* run.h: the main job's run, callable by every subcommand that needs a workload:
 * cadence -> selection -> footprint overlaps -> workload (coadds with n) -> models -> Tables 2-4.
 * Options mirror `y1est estimate --help`. */
#ifndef EST_RUN_H
#define EST_RUN_H

#include "estimator/source.h"
#include "estimator/estimate.h"
#include "skymap/skymap.h"

typedef struct est_run_opts {
    est_sel cs;
    const char *platforms[32];
    int n_platforms;
    sky_fp_kind footprint;  /* default SKY_FP_CIRCLE */
    double radius_deg;
    sky_rot_mode rotation;  /* default SKY_ROT_VISIT (rotSkyPos) */
    long seed;
    const char *skymap, *workload, *models, *tasks, *products;
    char skymap_path[600];  /* the --skymap argument resolved (est_skymap_path); "" = default */
    sky_overlap_rule overlap; /* default SKY_OVERLAP_EXACT */
    const char *pipeline;   /* --pipeline NAME|FILE; NULL or "rtn028": the RTN-028 estimate */
    const char *detectors;  /* --detectors all | rtn109-dp2 | -ID,...; NULL: all 189 */
    long threads;
    unsigned given;         /* the command line's record of which footprint options were given
                               (bit code - CLI_OPT_RUN_FIRST), for its warnings */
} est_run_opts;

/* Defaults: circle of 2 deg, rotation rotskypos, seed 42, tasks "default", format md,
 * 2 threads, Y1 WFD of the embedded synthetic cadence. */
void est_run_opts_default(est_run_opts *o);

/* Run select -> project -> count -> Tables 2-4 into r (initialised by the caller with est_result_init, cleared with
 * est_result_clear even after a failure). want_pointings: also collect every program's
 * pointings of the selected nights for Figure 1. Errors keep their status: Y1_EUSAGE for bad
 * option values found late (unknown --tasks label), Y1_EINPUT, Y1_EIO, Y1_ENOMEM. */
int est_run(const est_run_opts *o, est_result *r, int want_pointings, y1_err *err);

/* 1 when o asks for a pipeline file other than the default rtn028 (r->pipe is then set). */
int est_run_is_pipeline(const est_run_opts *o);

/* A --platform argument: an existing path, or a bare name in data/platforms/. */
int est_run_resolve_platform(const char *arg, char *path, size_t n, y1_err *err);

#endif
