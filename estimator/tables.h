/* tables.h: the arithmetic of RTN-028 Tables 2-4 over a workload. CPU in hours, memory in GiB,
 * disk in bytes. The workload is kept as histograms of n (visits per coadd, per patch), which
 * is all that the integration over instances needs. */
#ifndef EST_TABLES_H
#define EST_TABLES_H

#include <stdint.h>

#include "estimator/platform.h"
#include "estimator/products.h"
#include "models/models.h"

typedef struct est_workload {
    int64_t visits;        /* selected visits */
    int64_t ccd_visits;    /* visits x CCDs per visit (189 for LSSTCam) */
    int64_t warps;         /* (visit, tract, patch) overlaps */
    int64_t coadds;        /* (tract, patch, band) with n >= 1 */
    int64_t patches;       /* (tract, patch) with any band */
    int64_t *coadd_hist;   /* coadd_hist[n]: coadds with exactly n visits, n = 0..max_n */
    int64_t *patch_hist;   /* patch_hist[n]: patches with n visits summed over bands */
    int max_coadd_n, max_patch_n;
} est_workload;

/* Allocate zeroed histograms for n up to max_coadd_n and max_patch_n. */
int  est_workload_alloc(est_workload *w, int max_coadd_n, int max_patch_n, y1_err *err);
void est_workload_clear(est_workload *w);

typedef struct est_task_row {
    const mdl_task *task;  /* borrowed from the model set */
    double instances;
    double cpu_hours;      /* sum over instances of the CPU model at that instance's n */
    double max_rss_gib;    /* max over instances */
    double mean_rss_gib;   /* mean over instances */
    int n_max;             /* largest n among the instances (0 for levels without n) */
} est_task_row;

/* Table 2 for one task. Coadd-level tasks are integrated over the real per-coadd n, patch-level
 * tasks over n summed over bands; ccd/warp/visit tasks have no n and need constant models
 * (Y1_EINPUT otherwise, naming the task). A model that goes negative is Y1_EINPUT too. */
int est_table2_row(const est_workload *w, const mdl_task *t, est_task_row *out, y1_err *err);

typedef struct est_node_row {
    long jobs_per_node;            /* min(cores, floor((memory - reserve) / max maxRSS)) */
    long jobs_per_node_optimistic; /* the same with mean maxRSS */
    double node_hours, node_hours_optimistic;  /* CPU_h x cpu_factor / jobs */
} est_node_row;

/* The n at quantile q (0 < q <= 1) over a level's instances: the smallest n whose cumulative
 * share of the instances reaches q (coadd level: visits per coadd; patch level: n summed over
 * bands). -1 for levels without n. */
int est_n_quantile(const est_workload *w, mdl_level level, double q);

/* Table 3 for one (platform, task). Y1_EINPUT when one instance does not fit in a node's usable
 * memory, naming the task and the platform. */
int est_table3_row(const est_platform *p, const est_task_row *t, est_node_row *out, y1_err *err);

/* Instances of a level in a workload (ccd -> ccd_visits, warp -> warps, ...). */
double est_level_instances(const est_workload *w, mdl_level level);

typedef struct est_disk {
    double *bytes;         /* per product row, bytes (product size x instances) */
    double all_bytes, keep_bytes, raw_bytes;
} est_disk;

/* Table 4: sizes times instances. out->bytes has p->n entries; free with est_disk_clear. */
int  est_table4(const est_workload *w, const est_products *p, est_disk *out, y1_err *err);
void est_disk_clear(est_disk *d);

#endif
