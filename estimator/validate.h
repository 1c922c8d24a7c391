/* validate.h: an estimate held against the run that was made (RTN-109 Tables 1-2, Figure 3):
 * per task predicted and actual jobs, CPU, peak memory against the measured distribution, the
 * wall/CPU ratio, and a verdict. Ratios are actual / predicted throughout. CPU in s, memory in
 * GiB (2^30 bytes), BPS requestMemory in MB (2^20 bytes, as BPS and HTCondor count). */
#ifndef EST_VALIDATE_H
#define EST_VALIDATE_H

#include <stddef.h>

#include "estimator/estimate.h"
#include "estimator/monitor.h"
#include "models/models.h"

/* The measured jobs of one label. cpu/wall hold one entry per job that succeeded (NAN when
 * unknown: a memo_done job, a CSV record); peak one per job with a sample. */
typedef struct est_val_meas {
    char *label;
    long jobs;              /* planned: every job seen, whatever its end */
    long done;              /* succeeded (exec_done, memo_done, or a metadata/CSV record) */
    long memo_only;         /* done in a run the input lacks: no CPU */
    double *cpu_s, *wall_s; /* [done] */
    double *peak_gib;       /* [npeak] */
    size_t npeak;
    double retry_cpu_s;     /* CPU of failed and lost tries */
    size_t cap, peak_cap;
} est_val_meas;

typedef struct est_val_set {
    est_val_meas *v;
    size_t n, cap;
    char sources[600];      /* the inputs, for the report */
} est_val_set;

void est_val_set_clear(est_val_set *s); /* frees; s stays usable (zeroed) */
/* One job of label. done: it succeeded, with cpu_s and wall_s (NAN if unknown); peak_gib NAN
 * if unsampled. Y1_ENOMEM on failure. */
int est_val_add_job(est_val_set *s, const char *label, int done, double cpu_s, double wall_s,
                    double peak_gib, double retry_cpu_s, y1_err *err);
/* Every job of a monitoring DB (failed, dep_fail and unfinished jobs count as planned jobs). */
int est_val_add_monitor(est_val_set *s, const est_mon *m, y1_err *err);
/* Every record (task metadata or CSV): one succeeded job each, with its wall time if known. */
int est_val_add_records(est_val_set *s, const mdl_records *r, y1_err *err);

/* BPS requestMemory per pipetask label, MB: read from a YAML file with `pipetask: LABEL:
 * requestMemory: MB` (other keys are left alone: a BPS file holds many). */
typedef struct est_val_bps {
    char **label;
    double *mb;
    size_t n;
} est_val_bps;
int est_val_bps_load(est_val_bps *out, const char *path, y1_err *err);
void est_val_bps_clear(est_val_bps *b);

enum { EST_VAL_UNMEASURED = -1, EST_VAL_WITHIN = 0, EST_VAL_OVER, EST_VAL_UNDER };

typedef struct est_val_row {
    const char *label;      /* borrowed */
    const char *level;      /* "ccd", "coadd", ... */
    int measured;           /* 0: no job of this label in the input */
    double jobs_pred, jobs_act, jobs_ratio;
    long done, not_done;
    double cpu_pred_s, cpu_act_s, cpu_ratio;
    double cpu_job_ratio;   /* (actual CPU per done job) / (predicted CPU per job) */
    double cum_frac;        /* of actual CPU, rows sorted by actual CPU (set by est_val_compare) */
    double retry_cpu_s;
    long cpu_unknown;       /* done jobs without CPU (memo_done) */
    double mem_model_gib;   /* the model at the workload's largest n (the estimate's max maxRSS) */
    double mem_p50, mem_p95, mem_max;
    long mem_n, mem_over;   /* jobs with a peak; of them above the model */
    double bps_gib;         /* NAN without --bps or without this label in it */
    long bps_over;
    double wc[5];           /* wall / CPU percentiles 0, 32, 50, 68, 100; NAN if none */
    long wc_n;
    int verdict;            /* EST_VAL_* on cpu_ratio */
} est_val_row;

typedef struct est_val {
    est_val_row *rows;      /* pipeline order */
    size_t n;
    size_t *by_cpu;         /* row indices by actual CPU, largest first (unmeasured last) */
    est_val_row total;      /* sums over the rows (jobs, CPU); verdict on the CPU ratio */
    double tolerance;
    char unknown[600];      /* measured labels the pipeline lacks, "label (N jobs), ..." */
    size_t nunknown;
    char unmeasured[600];   /* pipeline tasks without a measured job */
    size_t nunmeasured;
} est_val;

/* What the estimate predicts for one task (a Table 2 row). */
typedef struct est_val_pred {
    const char *label, *level; /* borrowed */
    double jobs, cpu_s, mem_gib; /* instances, CPU s over them, max maxRSS (GiB) */
} est_val_pred;
/* The Table 2 rows of r, into out (r->ntasks entries, borrowed strings). */
void est_val_pred_from_result(est_val_pred *out, const est_result *r);
/* The "tasks" of a summary.json that `y1est estimate --format json` (or --out) wrote:
 * *out is malloc'd (free it), *n its entries, the strings point into *doc (json_decref it
 * after use; also on failure). Y1_EIO if unreadable; Y1_EINPUT naming the file and the entry
 * for malformed JSON, a missing or non-numeric field. */
int est_val_pred_load(est_val_pred **out, size_t *n, void **doc, const char *path, y1_err *err);

/* Compare the predictions pred[0..npred) with the measured set. tolerance: a CPU ratio in
 * [1 - tol, 1 + tol] is within; below is over-predicted, above under-predicted. bps may be NULL.
 * Returns Y1_OK; Y1_EINPUT when no measured label matches a task of the estimate (naming
 * both lists); Y1_ENOMEM. */
int est_val_compare(est_val *out, const est_val_pred *pred, size_t npred, const est_val_set *m,
                    double tolerance, const est_val_bps *bps, y1_err *err);
void est_val_clear(est_val *v);

const char *est_val_verdict_name(int verdict);

/* Plots (cairo, in estimator/report): predicted against actual per task on log-log axes with
 * the 1:1 line and the tolerance band, labelled points (what: 0 jobs, 1 CPU); and the wall/CPU
 * box plot (whiskers 0-100 %, box 32-68 %, line at the median, as RTN-109 Figure 3). fmt: 0 PNG,
 * 1 SVG, 2 PDF (report/plot.h's plot_format; an int so the core needs no cairo). */
int est_val_plot_scatter(const char *path, const est_val *v, int what, int fmt, y1_err *err);
int est_val_plot_boxes(const char *path, const est_val *v, int fmt, y1_err *err);

#endif
