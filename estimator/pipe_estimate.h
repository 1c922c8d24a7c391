/* pipe_estimate.h: the estimate for a pipeline file (--pipeline NAME|FILE other than rtn028):
 * the workload's dimension counts, including the ones the coadds do not carry (CCD-tract and
 * visit-tract overlaps, HEALPix pixels), and pipe_compute under RTN-109's conventions and per
 * platform. CPU in seconds, memory in GiB, node-days. The outputs are estimator/report/. */
#ifndef EST_PIPE_ESTIMATE_H
#define EST_PIPE_ESTIMATE_H

#include "estimator/platform.h"
#include "estimator/workload.h"
#include "pipeline/pipeline.h"
#include "skymap/dimcount.h"

/* Where each dimension count came from, for the report. */
typedef struct est_pipe_est {
    pipe_pipeline *p;          /* owned */
    char ident[400];           /* "rtn109-w_2025_41 (rtn109-w_2025_41.yaml, sha256 ...)" */
    sky_detset det;            /* the detector set (all 189 unless --detectors) */
    int have_det;              /* 1: --detectors given */
    pipe_counts k;             /* histograms borrowed from the result's workload */
    char count_src[PIPE_DIM_COUNT][120];   /* how each known count was made ("" unknown) */
    pipe_conv ref_conv;        /* RTN-109: 4 GiB per core, 120 cores per node */
    pipe_result ref;           /* pipe_compute at ref_conv */
    pipe_conv *conv;           /* per platform: its cores per node, usable memory / cores */
    pipe_result *plat;         /* per platform */
    double *rtn028_node_days;  /* per platform: jobs per node by memory (RTN-028); NAN when a
                                  task has no memory model or only core-weighted CPU */
    size_t nplat;
    long nodes;                /* for the shortest campaign, node-days / nodes; 0: not asked */
} est_pipe_est;

/* Load the pipeline file into a fresh *out (set only on success; free with est_pipe_free). */
int  est_pipe_new(est_pipe_est **out, const char *name_or_path, const char *datadir, y1_err *err);
void est_pipe_free(est_pipe_est *e);   /* NULL is fine */

/* Does a task or product of p use dimension d? For the healpix dimensions, *orders (may be
 * NULL) gets a bit per order used. */
int est_pipe_uses(const pipe_pipeline *p, pipe_dim d, uint32_t *orders);

/* Fill e->k from the coadds c (with visits known) and their workload w, the overlap counts dc
 * (NULL: unknown), and the sky map m (for HEALPix pixels, from the tracts' centres; NULL:
 * unknown); then compute under RTN-109's conventions and for each platform.
 * Returns Y1_EINPUT (a count the pipeline needs is unknown, naming task and dimension; a task
 * that does not fit a platform's node), Y1_ENOMEM. */
int est_pipe_compute(est_pipe_est *e, const est_coadds *c, const est_workload *w,
                     const sky_dim_counts *dc, const sky_map *m, const est_platform *plat,
                     size_t nplat, y1_err *err);

/* RTN-028's node-days (jobs per node by memory) of p on counts k and platform pl (its
 * cpu_factor): *out NAN when a task has no memory model or only core-weighted CPU. */
int est_pipe_rtn028_days(const pipe_pipeline *p, const pipe_counts *k, const est_platform *pl,
                         double *out, y1_err *err);

#endif
