/* pipeline.h: pipeline definition files (data/pipelines/NAME.yaml): tasks with quantum
 * dimensions, order, resource models and output dataset types; and the arithmetic that turns
 * a workload's dimension counts into per-task instances, CPU, core-weighted CPU, node-days and
 * storage. Units: CPU in seconds, memory in GiB (2^30 bytes), sizes in bytes. */
#ifndef PIPE_PIPELINE_H
#define PIPE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/y1_err.h"

/* ---------------------------------------------------------------------------------------------
 * Quantum dimensions: a fixed vocabulary. Written in files as below (spaces around "x" are
 * optional); healpix pixels carry their order in the name ("healpix3", "healpix3 x band").
 * ------------------------------------------------------------------------------------------- */
typedef enum pipe_dim {
    PIPE_DIM_GLOBAL = 0,            /* "global": one instance (instrument, skymap) */
    PIPE_DIM_BAND,                  /* "band" */
    PIPE_DIM_TRACT,                 /* "tract" */
    PIPE_DIM_TRACT_BAND,            /* "tract x band" */
    PIPE_DIM_PATCH,                 /* "patch": (tract, patch) with any band */
    PIPE_DIM_PATCH_BAND,            /* "patch x band": the coadds */
    PIPE_DIM_VISIT,                 /* "visit" */
    PIPE_DIM_VISIT_DETECTOR,        /* "visit x detector": the CCD-visits */
    PIPE_DIM_VISIT_TRACT,           /* "visit x tract": visit-tract overlaps */
    PIPE_DIM_VISIT_DETECTOR_TRACT,  /* "visit x detector x tract": CCD-tract overlaps */
    PIPE_DIM_VISIT_TRACT_PATCH,     /* "visit x tract x patch": the warps */
    PIPE_DIM_HEALPIX,               /* "healpixN": pixels of order N */
    PIPE_DIM_HEALPIX_BAND,          /* "healpixN x band" */
    PIPE_DIM_COUNT
} pipe_dim;

#define PIPE_HEALPIX_MAX_ORDER 29

/* The canonical name ("visit x detector"); healpix dimensions print as "healpix" here, use
 * pipe_dim_format for the order. */
const char *pipe_dim_name(pipe_dim d);
/* "healpix3 x band" etc. into buf. */
const char *pipe_dim_format(pipe_dim d, int healpix_order, char *buf, size_t n);
/* Every dimension, "global, band, ..., healpixN or healpixN x band", into out (n bytes). */
void pipe_dim_list(char *out, size_t n);
/* Parse a name; *order gets the healpix order (0 for the others). Returns 0 or -1. */
int pipe_dim_parse(const char *s, pipe_dim *out, int *order);

/* The keys a dimension is made of, as bits (for dependencies: shared keys). */
enum { PIPE_KEY_BAND = 1, PIPE_KEY_TRACT = 2, PIPE_KEY_PATCH = 4, PIPE_KEY_VISIT = 8,
       PIPE_KEY_DETECTOR = 16, PIPE_KEY_HEALPIX = 32 };
unsigned pipe_dim_keys(pipe_dim d);

/* ---------------------------------------------------------------------------------------------
 * Resource models
 * ------------------------------------------------------------------------------------------- */

/* value(n) = max(floor, slope * n + intercept) for a linear model, intercept for a constant.
 * n is the number of visits per coadd (patch x band) or per patch summed over bands (patch). */
typedef struct pipe_model {
    int is_linear;
    double slope, intercept;   /* in the model's base unit (s or GiB) */
    int has_floor;
    double floor;
    char statistic[32];        /* mean, median, p95, ... as written */
    char *source;              /* owned; may be NULL (then the task's source applies) */
} pipe_model;

typedef struct pipe_pos { int line, col; } pipe_pos;   /* 1-based place in the file */

typedef struct pipe_task {
    char *label;
    int order;                 /* position in the pipeline; unique, ascending in p->tasks */
    pipe_dim dim;
    int healpix_order;         /* for PIPE_DIM_HEALPIX* */
    pipe_model cpu;            /* CPU seconds per instance */
    int cpu_weighted;          /* 1: cpu is already core-weighted (RTN-109 tables) */
    int has_memory;
    pipe_model mem;            /* peak memory, GiB per instance (required unless cpu_weighted) */
    char *source;              /* owned */
    char **inputs;             /* dataset types consumed (owned; may be empty) */
    pipe_pos *input_pos;       /* where each input is written */
    size_t n_inputs;
    pipe_pos pos, order_pos;   /* of its entry and of its order value, for messages */
} pipe_task;

typedef struct pipe_product {
    char *dataset;             /* owned */
    size_t task;               /* index into p->tasks of the producing task */
    pipe_dim dim;
    int healpix_order;
    double size_bytes;         /* mean size of one file */
    double size;               /* as written */
    char unit[8];              /* MB, MiB, GB, GiB */
    int keep, release;
    char *source;              /* owned; may be NULL */
    pipe_pos pos;
} pipe_product;

typedef struct pipe_pipeline {
    char *name, *description, *source, *path;
    pipe_task *tasks;          /* sorted by order */
    size_t n_tasks;
    pipe_product *products;    /* in file order */
    size_t n_products;
    int has_raw;
    pipe_product raw;          /* the raw input data (task index unused) */
} pipe_pipeline;

/* Load a pipeline file.
 * Given:    name_or_path: a path to an existing file, or a bare name looked up as
 *           datadir/pipelines/NAME.yaml (datadir NULL: Y1_DATADIR).
 * Returned: *out (set only on success), free with pipe_free.
 * Returns:  Y1_OK; Y1_EIO (unreadable); Y1_EINPUT with "file:line:column: ..." for malformed
 *           YAML, unknown or duplicate keys, an unknown dimension, a task without a CPU model
 *           (or without a memory model when its CPU is not core-weighted), a duplicate label or
 *           order, an input produced at the same or a later position (a cycle), a product whose
 *           task does not exist, a linear model on a dimension without n; Y1_ENOMEM. */
int  pipe_load(pipe_pipeline **out, const char *name_or_path, const char *datadir, y1_err *err);
void pipe_free(pipe_pipeline *p);   /* NULL is fine */

/* Index of a task by label, or -1. */
long pipe_find_task(const pipe_pipeline *p, const char *label);

/* Does task b depend on the earlier task a? Returns 0 if not; else 1 and *keys gets the
 * dimension keys an instance of b shares with the instances of a it waits for (0: all of a).
 * Rule: a must come before b; when b lists inputs, a must produce one of them; when b lists
 * none, every earlier task is a dependency (pipeline order). */
int pipe_depends(const pipe_pipeline *p, size_t a, size_t b, unsigned *keys);

/* ---------------------------------------------------------------------------------------------
 * Workload counts and the computation
 * ------------------------------------------------------------------------------------------- */

/* Instances of each dimension; -1 = unknown (a task that needs it is then an error).
 * n statistics: optional histograms (hist[n] = coadds / patches with exactly n visits); without
 * them a linear model is evaluated at the mean n, warps / coadds or warps / patches (exact for
 * the CPU of an unfloored line, since the n of all coadds sum to the warps). */
typedef struct pipe_counts {
    int64_t n[PIPE_DIM_COUNT];                      /* healpix entries unused */
    int64_t healpix[PIPE_HEALPIX_MAX_ORDER + 1];    /* pixels per order; -1 unknown */
    int64_t healpix_band[PIPE_HEALPIX_MAX_ORDER + 1];
    const int64_t *coadd_hist; int coadd_hist_max;  /* borrowed; may be NULL */
    const int64_t *patch_hist; int patch_hist_max;
} pipe_counts;

void pipe_counts_init(pipe_counts *c);              /* everything unknown, global = 1 */

/* RTN-109's conventions: each job charged ceil(memory / mem_per_core_gib) cores (at least 1);
 * node-days = core-weighted CPU seconds / (cores_per_node x 86,400). RTN-109: 4 GB per core
 * and 120 cores per node at Rubin's US data facility. */
typedef struct pipe_conv {
    double mem_per_core_gib;
    int cores_per_node;
} pipe_conv;
void pipe_conv_rtn109(pipe_conv *c);

typedef struct pipe_task_result {
    double instances;
    double cpu_s;              /* total CPU seconds; NAN when only core-weighted CPU is known */
    double weighted_cpu_s;     /* total core-weighted CPU seconds */
    double max_mem_gib, mean_mem_gib;  /* NAN without a memory model */
    int n_max;                 /* largest n among the instances (0 for dimensions without n) */
    int from_mean_n;           /* 1: evaluated at the mean n (no histogram) */
    double node_days;          /* weighted_cpu_s / (cores_per_node x 86400) */
    double cum_node_days;      /* running sum in pipeline order */
} pipe_task_result;

typedef struct pipe_product_result {
    double count, bytes;
    double cum_fraction;       /* of all products, in descending size order (RTN-109 Tables 3, 6) */
} pipe_product_result;

typedef struct pipe_result {
    pipe_task_result *tasks;   /* p->n_tasks entries, pipeline order */
    pipe_product_result *products;   /* p->n_products entries, file order */
    size_t *by_size;           /* product indices, largest total first */
    double cpu_s, weighted_cpu_s, node_days;
    double all_bytes, keep_bytes, release_bytes, raw_bytes;
} pipe_result;

/* Compute everything for counts c under conventions v.
 * Returns Y1_EINPUT when a task needs a count that is unknown (naming the task and dimension),
 * a histogram of n does not sum to its count, or a model goes negative or non-finite;
 * Y1_ENOMEM. *out set only on success. */
int  pipe_compute(const pipe_pipeline *p, const pipe_counts *c, const pipe_conv *v,
                  pipe_result *out, y1_err *err);
void pipe_result_clear(pipe_result *r);

/* Instances of a dimension under c, or -1 when unknown. */
double pipe_dim_count(const pipe_counts *c, pipe_dim d, int healpix_order);

/* Evaluate a model at n (floored). */
double pipe_model_eval(const pipe_model *m, double n);

#endif
