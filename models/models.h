/* models.h: per-task resource models (CPU time and peak memory per task instance), the records
 * measured runs give, and the GSL fits that turn records into models.
 * Units everywhere in this API: CPU in seconds (cpu_s), memory in GiB (maxrss_gib, 2^30 bytes)
 * or bytes (maxrss_bytes); n is the number of visits in the coadd an instance works on. */
#ifndef Y1_MODELS_H
#define Y1_MODELS_H

#include <stddef.h>

#include "common/y1_err.h"

/* ---------------------------------------------------------------------------------------------
 * Model sets (the model files, models/NAME.yaml)
 * ------------------------------------------------------------------------------------------- */

/* What one instance of a task is, which fixes how many instances Y1 has (RTN-028 section 4). */
typedef enum mdl_level {
    MDL_CCD = 0,   /* one per CCD-visit (isr, characterizeImage, calibrate) */
    MDL_WARP,      /* one per (visit, tract, patch) overlap (makeWarp) */
    MDL_COADD,     /* one per (tract, patch, band) coadd, with its own n (assembleCoadd, ...) */
    MDL_PATCH,     /* one per (tract, patch); n = sum over bands (deblend, merge*) */
    MDL_VISIT      /* one per visit (consolidateVisitSummary, skyCorrection): optional tasks */
} mdl_level;

/* A quantity as a function of n: value = slope * n + intercept. A constant model has slope 0
 * and is_linear 0. Sigmas are 1-sigma uncertainties, NAN when the file gives none. */
typedef struct mdl_linear {
    int is_linear;          /* 0: constant (n ignored), 1: linear in n */
    double slope;           /* per visit, in the quantity's unit (s or GiB) */
    double intercept;       /* the constant's value for a constant model */
    double slope_sigma;     /* NAN if unknown */
    double intercept_sigma; /* NAN if unknown */
    double coverage;        /* fraction of the fitted points at or below the model; NAN if unknown */
    long points;            /* number of points fitted; 0 if unknown */
} mdl_linear;

typedef struct mdl_task {
    char *label;            /* pipetask label, e.g. "calibrate" */
    mdl_level level;
    int is_default;         /* 1: in the default set (the 9 tasks of RTN-028 Table 2) */
    char *source;           /* where the model came from (free text); may be NULL */
    mdl_linear cpu_s;       /* CPU seconds per instance */
    mdl_linear maxrss_gib;  /* peak resident memory per instance, GiB */
    double n_min, n_max;    /* range of n the model was fitted on; NAN if unknown */
} mdl_task;

typedef struct mdl_set mdl_set; /* opaque: an ordered list of tasks plus file-level notes */

/* Load a model file.
 * Given:    path of a YAML model file (format in models/README.md and models/rtn028-dc2-3828.yaml).
 * Returned: *out, a new set to free with mdl_set_free (set only on success).
 * Returns:  Y1_OK; Y1_EIO if the file cannot be read; Y1_EINPUT for a malformed file, an unknown
 *           or missing key, a negative/NaN value ("file:line:column: ..."); Y1_ENOMEM. */
int mdl_set_load(mdl_set **out, const char *path, y1_err *err);

/* An empty set with the given name and description (both copied; description may be NULL). */
int mdl_set_new(mdl_set **out, const char *name, const char *description, y1_err *err);
void mdl_set_free(mdl_set *s); /* NULL is fine */

/* Append a copy of *t (strings are copied). Y1_EINPUT if the label is already there or the
 * model is invalid (negative or non-finite values). */
int mdl_set_add(mdl_set *s, const mdl_task *t, y1_err *err);

/* Write the set as a model file that mdl_set_load reads back (atomic: temp file + rename).
 * Numbers are written with 17 significant digits, so a round trip is exact. */
int mdl_set_save(const mdl_set *s, const char *path, y1_err *err);

size_t mdl_set_count(const mdl_set *s);
const mdl_task *mdl_set_task(const mdl_set *s, size_t i);          /* borrowed; i < count */
const mdl_task *mdl_set_find(const mdl_set *s, const char *label); /* borrowed; NULL if absent */
const char *mdl_set_name(const mdl_set *s);                        /* borrowed */
const char *mdl_set_description(const mdl_set *s);                 /* borrowed; may be NULL */
const char *mdl_set_path(const mdl_set *s);                        /* file it came from, or NULL */

/* Evaluate a task's models at n visits (constant models ignore n). Values can be negative
 * only if the file's linear model goes negative at small n; callers decide what to do. */
double mdl_cpu_s(const mdl_task *t, double n);
double mdl_maxrss_gib(const mdl_task *t, double n);
double mdl_linear_eval(const mdl_linear *m, double n);

/* "ccd", "warp", "coadd", "patch", "visit"; and back (Y1_EINPUT for anything else). */
const char *mdl_level_name(mdl_level level);
int mdl_level_parse(const char *s, mdl_level *out);

/* The level RTN-028 gives a known pipetask label (isr -> ccd, measure -> coadd, ...).
 * Returns 1 and sets *out if the label is known, else 0. */
int mdl_level_of_label(const char *label, mdl_level *out);

/* ---------------------------------------------------------------------------------------------
 * Measured records (one per executed task instance) and their sources
 * ------------------------------------------------------------------------------------------- */

typedef struct mdl_record {
    char *task;             /* label */
    char *data_id;          /* file path, CSV line or Parsl try; for messages only */
    double cpu_s;           /* CPU seconds per the chosen definition */
    double maxrss_bytes;    /* peak resident set, bytes */
    double n_visits;        /* visits in the coadd, NAN when unknown */
    int has_wall;           /* 1: wall_s is known (task metadata with quantum prepUtc, endUtc) */
    double wall_s;          /* quantum endUtc - prepUtc, seconds */
    int has_coadd_id;       /* 1: band/tract/patch below are set (for the coadds.csv join) */
    char band[8];           /* "" for patch-level tasks: n is then summed over bands */
    long tract, patch_x, patch_y;
} mdl_record;

typedef struct mdl_records {
    mdl_record *v;          /* owned; v[0..n) */
    size_t n, cap;
    char cpu_definition[32];/* "absolute", "run", "parsl-try", "csv", or "mixed" */
} mdl_records;

void mdl_records_init(mdl_records *r);
void mdl_records_clear(mdl_records *r); /* frees the strings and the array; r stays usable */
/* Append a copy (strings copied). */
int mdl_records_push(mdl_records *r, const mdl_record *rec, y1_err *err);
void mdl_records_note_definition(mdl_records *r, const char *def);

/* CSV with a header line naming at least task, cpu_s, maxrss_gib; optional n_visits, band,
 * tract, patch_x, patch_y (any order; unknown columns are errors). An empty n_visits cell means
 * unknown. Values must be finite and non-negative. Errors name "file:line". */
int mdl_read_csv(mdl_records *out, const char *path, y1_err *err);

/* LSST task-metadata (<label>_metadata) files: YAML (PropertySet, tagged) or JSON (TaskMetadata,
 * bare NaN/Infinity tolerated). path may be a file or a directory, walked recursively in name
 * order for *.yaml, *.yml and *.json files. See models/metadata.c for the exact rules. */
typedef enum mdl_cpu_def {
    MDL_CPU_ABSOLUTE = 0, /* RTN-028: largest *EndCpuTime over all sections (process CPU) */
    MDL_CPU_RUN           /* quantum endCpuTime - startCpuTime (RTN-109 style) */
} mdl_cpu_def;
typedef struct mdl_md_opts {
    mdl_cpu_def cpu;      /* default MDL_CPU_ABSOLUTE, as the study did */
    double v0_rss_unit_bytes; /* bytes per unit of MaxResidentSetSize when __version__ is
                                 absent or 0: 1024 (Linux ru_maxrss in KiB), the default */
} mdl_md_opts;
void mdl_md_opts_default(mdl_md_opts *o);
int mdl_read_metadata(mdl_records *out, const char *path, const mdl_md_opts *opts, y1_err *err);
/* One metadata file already in memory (name is used for messages and as the data id). */
int mdl_read_metadata_text(mdl_records *out, const char *name, const char *text, size_t len,
                           const mdl_md_opts *opts, y1_err *err);

/* Side table giving n (or the coadd id) per data id, for metadata files and Parsl tasks:
 * CSV with a header: id plus either n_visits, or band,tract,patch_x,patch_y. A record whose
 * data_id equals an id, or ends with it right after a '/' or ':' (a file's base name, or a
 * Parsl try's "run:task:try"), gets those values. Ids that match nothing are ignored. */
int mdl_apply_ids(mdl_records *r, const char *ids_csv, y1_err *err);

/* One coadd of the workload and its number of visits n, as the caller read it (the coadds
 * file belongs to the workload, estimator/workload.h). */
typedef struct mdl_coadd_row {
    int band;             /* 0..5, the index of common/y1_band.h */
    long tract, patch_x, patch_y;
    double n;             /* visits in the coadd */
} mdl_coadd_row;
/* Fill n_visits of every record that has a coadd id and no n, from rows[0..n) (any order;
 * not modified). A record of a patch-level task (empty band) gets the sum over the patch's
 * bands. A record whose coadd is not among the rows is an error naming the record. */
int mdl_coadds_join(mdl_records *r, const mdl_coadd_row *rows, size_t n, y1_err *err);

/* ---------------------------------------------------------------------------------------------
 * Fits
 * ------------------------------------------------------------------------------------------- */

/* Plain least squares y = c0 + c1 x via gsl_fit_linear, with the standard errors from the
 * residual scatter. n >= 3 and finite data, else Y1_EINPUT. */
int mdl_fit_ols(const double *x, const double *y, size_t n, double *c0, double *c1,
                double *sd_c0, double *sd_c1, y1_err *err);

/* The q-quantile of v (copied and sorted; v is not changed). n >= 1. */
int mdl_quantile(const double *v, size_t n, double q, double *out, y1_err *err);

/* Upper-envelope line: linear quantile regression y = intercept + slope * x at quantile q,
 * minimising sum_i rho_q(y_i - line(x_i)), solved by iteratively reweighted least squares
 * with gsl_fit_wlinear (weights q/|r| above the line, (1-q)/|r| below, |r| floored).
 * Uncertainties by a bootstrap of the points (nboot resamples, fixed seed). Needs n >= 3 and
 * at least 2 distinct x. */
typedef struct mdl_envelope {
    double slope, intercept;
    double slope_sigma, intercept_sigma; /* bootstrap standard deviations (NAN if nboot < 2) */
    double coverage;                     /* fraction of points with y <= line(x) */
    int iterations;                      /* IRLS iterations of the main fit */
} mdl_envelope;
int mdl_fit_envelope(const double *x, const double *y, size_t n, double q, int nboot,
                     unsigned long seed, mdl_envelope *out, y1_err *err);

/* Build models from records: per task (labels in first-seen order), visit-like levels take the
 * q-quantile of cpu_s and maxRSS, MDL_COADD takes the envelope fit against n_visits.
 * levels: optional overrides "label=level" (count n_levels), else mdl_level_of_label; an
 * unknown label is an error. min_points: fewer records than this for a task is an error. */
typedef struct mdl_fit_opts {
    double quantile;        /* default 0.95 */
    int nboot;              /* default 200 */
    unsigned long seed;     /* default 20210521 */
    size_t min_points;      /* default 5 */
    const char *const *levels; size_t n_levels; /* "label=level" overrides */
    const char *source;     /* text for each task's source field, and the set's description */
    const char *name;       /* name of the new set; NULL = "fitted" */
} mdl_fit_opts;
void mdl_fit_opts_default(mdl_fit_opts *o);
int mdl_fit_records(mdl_set **out, const mdl_records *r, const mdl_fit_opts *o, y1_err *err);

#endif
