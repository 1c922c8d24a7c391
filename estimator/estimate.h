/* estimate.h: the main job's result: Tables 1-4 with their provenance (its outputs are in
 * estimator/report/report.h). */
#ifndef EST_ESTIMATE_H
#define EST_ESTIMATE_H

#include "estimator/node.h"
#include "estimator/platform.h"
#include "estimator/products.h"
#include "estimator/tables.h"
#include "estimator/workload.h"
#include "models/models.h"

/* Figure 1's pointings of one program class (cad_class): RA and Dec in degrees, rounded to
 * float precision, which is all a plot shows, and kept as the doubles the plot takes. */
enum { EST_NCLASS = 4 };
typedef struct est_points {
    double *ra, *dec;
    size_t n, cap_ra, cap_dec;
} est_points;

typedef struct est_result {
    /* provenance, one line each */
    char cadence[600];     /* which cadence, or which workload file */
    char selection[400];
    char programs[240];
    char footprint[320];
    char skymap[600];
    char models[1200];
    char products[600];
    int synthetic;         /* 1: the cadence (or the workload's) is synthetic, 0: not, -1: a
                              workload file that does not record it */
    char fig2_reference[600]; /* digitised RTN-028 Figure 2 CSV to overlay, or "" */
    int plot_format;       /* --out plots: 0 PNG (the default), 1 SVG, 2 PDF (report/plot.h's
                              plot_format; kept an int so the core needs no cairo) */

    /* Table 1 and the workload */
    int64_t visits_per_band[6];
    int64_t visits;
    est_coadds coadds;
    int have_nstats;         /* 1: nstats holds est_coadds_nstats_all of coadds (est_run sets
                                it once they are final; est_result_nstats) */
    est_nstats nstats[6];
    est_workload w;
    est_points pointings[EST_NCLASS]; /* Figure 1 by class (all programs); empty when the
                                         cadence was not read */
    size_t npointings;                /* their total */

    /* Table 2 */
    mdl_set *model_set;
    est_task_row *t2;
    size_t ntasks;

    /* Table 3: t3[p * ntasks + t] */
    est_platform *plat;
    size_t nplat;
    est_node_row *t3;
    est_node_platform *node; /* per platform: occupancy, mixed packing, overheads */

    /* Table 4 */
    est_products prod;
    est_disk disk;

    /* what the run wants said (one line each, '\n'-separated; "" if nothing): the run
     * prints nothing itself */
    char warnings[1024];

    /* --pipeline other than rtn028: Tables 2-4 are the pipeline's (est_compute not run,
     * model_set, t2, t3, node, prod and disk stay empty); NULL for the default estimate */
    struct est_pipe_est *pipe;
} est_result;

/* Append one warning line (no newline) to r->warnings, for the caller to print. */
void est_result_warn(est_result *r, const char *line);

/* Per-band statistics of n over r->coadds: the kept ones (have_nstats), else computed.
 * Return: Y1_OK or Y1_ENOMEM. */
int est_result_nstats(const est_result *r, est_nstats out[6], y1_err *err);

void est_result_init(est_result *r);
void est_result_clear(est_result *r);

/* Tables 2-4 from r->coadds (with visits known), r->model_set and task selection, r->plat,
 * r->prod. tasks: "default", "all" or a comma list of labels (unknown label: Y1_EUSAGE). */
int est_compute(est_result *r, const char *tasks, y1_err *err);

/* Platform totals (node-days, optimistic node-days) for platform p. */
void est_platform_totals(const est_result *r, size_t p, double *node_days,
                         double *node_days_optimistic);

#endif
