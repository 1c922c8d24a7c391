/* request.h: the allocation request: per platform one recommended figure (node-hours held by the
 * campaign on the allocation's nodes) with its Monte Carlo range, the per-task breakdown, a
 * retry contingency (BPS memory doubling), the campaign length, the other figures as a
 * sensitivity table, and storage per tier (volume in bytes, file counts, quota flags).
 * Units: node-hours and days; bytes (TB = 10^12 in reports); files. */
#ifndef EST_REQUEST_H
#define EST_REQUEST_H

#include <stdio.h>

#include "estimator/campaign/campaign.h"
#include "estimator/estimate.h"

typedef struct req_opts {
    long nodes;              /* 0: each platform's workflow allocation_nodes (default 1000) */
    long mc_samples;         /* 0: no range */
    unsigned long mc_seed;
    double model_sigma_frac; /* for model parameters without sigmas (the study's have none) */
    double cpu_lo, cpu_hi;   /* cpu_factor range for the Monte Carlo; NAN: the platform's */
    double retry_quantile;   /* requestMemory at this quantile of n per task (0 < q <= 1) */
    double memory_multiplier;/* BPS memoryMultiplier: the request grows by it on each retry */
    long retries;            /* BPS numberOfRetries */
} req_opts;

/* 1000 nodes from the platform, 20 samples, seed 20260101, sigma 10 %, the platform's CPU
 * factor, q = 0.95, multiplier 2, 3 retries. */
void req_opts_default(req_opts *o);

typedef struct req_task {
    const char *label;       /* borrowed */
    double study_node_hours; /* RTN-028 rule (Table 3 row) */
    double request_gib;      /* requestMemory at the quantile of n */
    double failed;           /* instances whose maxRSS exceeds it: they fail at least once */
    double retry_node_hours; /* node-hours of the failed attempts */
} req_task;

typedef struct req_tier {
    const est_tier *tier;    /* borrowed from the platform */
    double peak_bytes, peak_day, final_bytes;
    double peak_files, final_files;
    int over_capacity, over_inodes;
} req_tier;

typedef struct req_platform {
    const est_platform *plat;   /* borrowed */
    long nodes;
    double held_node_hours;     /* the recommended figure: nodes x campaign makespan */
    double makespan_days;
    double study_node_hours;    /* Table 3 */
    long mc_samples;
    double q05_node_hours, q95_node_hours, q05_days, q95_days; /* NAN without a Monte Carlo */
    double retry_node_hours;
    req_task *task;
    size_t ntasks;
    /* storage: raw inputs, the working set over the campaign, the kept products */
    double raw_bytes, raw_files;
    double peak_bytes, peak_day, peak_files, peak_files_day;
    double keep_bytes, keep_files, written_bytes, written_files;
    req_tier tier[EST_MAX_TIERS];
    int ntiers;
} req_platform;

/* Compute the request for platform p of r (which holds Tables 2-4). Runs the campaign
 * simulation on o->nodes (or the platform's) nodes and the Monte Carlo.
 * Returned: *out (free with req_platform_clear, also after a failure).
 * Returns Y1_OK, or the campaign's errors (Y1_EINPUT for a task that does not fit, Y1_ENOMEM). */
int  req_compute(const est_result *r, size_t p, const req_opts *o, req_platform *out,
                 y1_err *err);
void req_platform_clear(req_platform *x);

/* The failed attempts of one task when BPS requests memory at the q-quantile of n over its
 * instances and multiplies the request by mult on each retry (up to retries): each failed
 * attempt is charged its whole CPU time at the jobs per node of its request.
 * Returned: *request_gib, *failed (instances), *node_hours. */
int req_retry_cost(const est_workload *w, const mdl_task *t, const est_platform *plat,
                   double q, double mult, long retries, double *request_gib, double *failed,
                   double *node_hours, y1_err *err);

/* Outputs: the request summary as Markdown (to put above the report), one CSV table (one row
 * per platform), and JSON. Y1_ENOMEM when a table cannot be built. */
int  req_report_md(FILE *fp, const est_result *r, const req_platform *x, size_t n,
                   const req_opts *o, y1_err *err);
int  req_report_csv(FILE *fp, const req_platform *x, size_t n, y1_err *err);
int  req_report_json(FILE *fp, const est_result *r, const req_platform *x, size_t n,
                     const req_opts *o, y1_err *err);

#endif
