/* campaign.h: the processing campaign on N nodes of one platform, as a discrete-event simulation
 * (makespan, node utilisation over time, batch wall-clock losses, critical stage), the scratch
 * volume over time, Monte Carlo intervals and parameter sweeps.
 * Units: seconds inside the simulation (days in reports), memory in GiB, volumes in bytes.
 *
 * Granularity. Work is grouped per (tract, task): a group holds the tract's instances of one
 * task, split into buckets of identical duration (one bucket per n for coadd- and patch-level
 * tasks). Dependencies are tract-level barriers along the pipeline order (isr ->
 * characterizeImage -> calibrate -> makeWarp -> assembleCoadd -> detection -> deblend ->
 * measure -> forcedPhotCoadd for the default tasks): task k of a tract starts once task k-1 of
 * that tract has finished. CCD-visits (and visits) are apportioned to tracts in proportion to
 * the tract's warps, i.e. a CCD belongs to the tract it overlaps; the warps of a tract wait for
 * those CCD-visits only (CCDs straddling a tract edge are the approximation). A pipeline file
 * (cmp_simulate_pipe) brings its own tasks, dimensions and dependencies, with global, band and
 * healpix tasks as barriers between the per-tract chains. */
#ifndef EST_CAMPAIGN_H
#define EST_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "estimator/platform.h"
#include "estimator/products.h"
#include "estimator/tables.h"
#include "estimator/workload.h"
#include "common/y1_err.h"
#include "models/models.h"
#include "pipeline/pipeline.h"

/* ---- per-tract workload ------------------------------------------------------------------ */

typedef struct cmp_work cmp_work; /* opaque: a workload's instances per tract */

/* Build from a workload's coadds (visits and ccds_per_visit must be known). Given: c. Returned:
 * *out (free with cmp_work_free). Returns Y1_OK, Y1_EINPUT (no coadds, visits unknown),
 * Y1_ENOMEM. */
int cmp_work_new(cmp_work **out, const est_coadds *c, y1_err *err);
void cmp_work_free(cmp_work *w);                      /* NULL is fine */
size_t cmp_work_tracts(const cmp_work *w);

/* A pipeline file's dimension counts k (the estimate's, est_pipe_est.k) on the tracts of w:
 * tract, tract x band, patch, patch x band and the warps are counted per tract from the coadds;
 * visit, visit x detector, visit x tract and visit x detector x tract are k's totals apportioned
 * to the tracts in proportion to their warps (largest remainder), as the CCD-visits are; global,
 * band and healpix dimensions are not split by tract (k's totals). Unknown counts (-1) stay
 * unknown. Y1_ENOMEM only. */
int cmp_work_set_counts(cmp_work *w, const pipe_counts *k, y1_err *err);

/* A pipeline file's dataset types as product rows for the simulation and its report (task =
 * the producing task's label, size, keep = the file's keep or release flag; basis unused), and
 * the raw row. Free with
 * est_products_clear. Y1_EINPUT for a label or dataset name longer than a row holds. */
int cmp_pipe_products(est_products *out, const pipe_pipeline *p, y1_err *err);

/* ---- the simulation ---------------------------------------------------------------------- */

typedef enum cmp_order {
    CMP_ORDER_BREADTH = 0, /* earlier tasks first: every tract's CCDs, then warps, ... */
    CMP_ORDER_DEPTH        /* later tasks first: a tract runs to the end once it can */
} cmp_order;

typedef struct cmp_opts {
    long nodes;          /* > 0 */
    double walltime_h;   /* batch-job wall-clock limit; 0 = one job for the whole campaign */
    double queue_wait_h; /* gap between consecutive batch jobs (nodes not held), >= 0 */
    double block_h;      /* time resolution: a core takes at most this much of sequential
                            identical instances at once (at least one instance) */
    double bin_h;        /* width of the utilisation and volume time bins */
    double overhead_s;   /* added to each instance (workflow latency), >= 0 */
    double cpu_factor;   /* NAN = the platform's; else overrides it (Monte Carlo) */
    long regions;        /* tracts split into this many regions of equal CPU, processed in
                            tract order; 0 = one region per tract; 1 = everything at once */
    long in_flight;      /* regions released at a time (>= 1); the next region is released
                            when an earlier one has finished */
    cmp_order order;     /* which ready task a free core takes first */
    int node_model;      /* 1: apply the platform's occupancy and workflow blocks (node.h):
                            at most k_best jobs per node, each slowed by s(k_best), plus the
                            dispatch latency per instance; 0: the study's linear node */
} cmp_opts;

/* nodes 1, no walltime, no queue wait, block 1 h, breadth first, bins 1 h, no overhead, platform's
 * cpu_factor, one region, one in flight. */
void cmp_opts_default(cmp_opts *o);

enum { CMP_IDLE_STARVED = 0, /* no ready work: dependencies, the end of the campaign */
       CMP_IDLE_MEMORY,      /* ready work, free cores, not enough free memory */
       CMP_IDLE_WALLTIME,    /* ready work that fits the node but not the job's remaining time */
       CMP_NIDLE };

typedef struct cmp_stage {
    const char *label;     /* borrowed: the task's label */
    const mdl_task *task;  /* borrowed; NULL for a pipeline file's task */
    const pipe_task *ptask;/* borrowed; NULL for a model file's task */
    double mem_req_gib;    /* memory requested per instance: max maxRSS over the workload */
    double instances;
    double core_s;         /* busy core-seconds (instance durations) */
    double first_start_s, last_end_s;
    double critical_s;     /* time this stage runs on the critical path */
    double max_dur_s;      /* longest instance */
} cmp_stage;

typedef struct cmp_product {
    const est_product *p;  /* borrowed */
    int stage;             /* writing stage, -1 when its task is not simulated */
    double total_bytes;    /* written over the campaign */
} cmp_product;

typedef struct cmp_result {
    long nodes, cores_per_node;
    long slots_per_node;     /* jobs a node runs at once (cores, or k_best with node_model) */
    double slowdown;         /* occupancy slowdown applied to every instance (1 without) */
    double latency_s;        /* dispatch latency added to every instance (0 without) */
    double cpu_factor;
    double makespan_s;
    double alloc_node_s;     /* node-seconds held in batch jobs up to the makespan */
    double busy_core_s;      /* sum of instance durations */
    double idle_core_s[CMP_NIDLE];
    long jobs;               /* batch jobs per node (1 without a walltime) */
    double study_node_days;  /* RTN-028 rule: sum over tasks of CPU h x factor / jobs per node;
                                NAN for a pipeline file (its estimate gives both conventions) */
    size_t weighted_stages;  /* stages whose CPU is core-weighted (pipeline files): each of their
                                instances holds one core and no memory for its weighted CPU time */
    int has_whole;           /* some stage is global, band or healpix: a barrier */

    size_t nstage;
    cmp_stage *stage;        /* in pipeline order */
    int critical_stage;      /* index of the stage longest on the critical path */
    double critical_wait_s;  /* time on the critical path spent ready but waiting for nodes */

    size_t nprod;
    cmp_product *prod;
    double peak_bytes, peak_s;             /* all products on disk */
    double peak_inter_bytes, peak_inter_s; /* intermediates (keep false) only */
    double final_keep_bytes, final_keep_s; /* kept products at the end, and when complete */
    double written_bytes;                  /* everything ever written */

    double bin_s;            /* the bin width used: --bin, doubled as often as needed to keep
                                the timeline within CMP_MAX_BINS bins (bin_widened then 1) */
    int bin_widened;
    size_t nbins;
    double *busy;            /* busy[b * nstage + s]: core-seconds of stage s in bin b */
    double *vol;             /* vol[b * nprod + p]: bytes of product p at the end of bin b */
    double *alloc;           /* alloc[b]: node-seconds held in bin b */
} cmp_result;

/* The timeline holds at most this many bins (about 25 doubles each): a long makespan or a fine
 * --bin widens the bins instead of growing memory with makespan / bin (Y1 on one node at
 * --bin 0.001 wanted 180 M bins). 65536 one-hour bins are 7.5 years. */
#define CMP_MAX_BINS 65536

/* Run the simulation.
 * Given:    w, the tasks (borrowed; any order, put in pipeline order here), the platform, the
 *           products (sizes; written by the task named in each row), options.
 * Returned: *out (clear with cmp_result_clear, also after a failure).
 * Returns:  Y1_OK; Y1_EINPUT when an instance does not fit a node's memory, is longer than the
 *           walltime, or a model gives a negative or non-finite time (naming task and n);
 *           Y1_EUSAGE for bad options; Y1_ENOMEM. */
int cmp_simulate(const cmp_work *w, const mdl_task *const *tasks, size_t ntasks,
                 const est_platform *plat, const est_products *prod, const cmp_opts *o,
                 cmp_result *out, y1_err *err);
void cmp_result_init(cmp_result *r);
void cmp_result_clear(cmp_result *r);

/* The same for a pipeline file p (tasks in its order) over w with cmp_work_set_counts done, and
 * its products as cmp_pipe_products made them (prod->v[i] is p->products[i]).
 * Dependencies: task B waits for an earlier task A when A is a dependency of B by the file
 * (pipe_depends: A makes one of B's inputs, or B lists no inputs). Both split by tract (every
 * dimension but global, band and healpix): B's instances in a tract wait for A's in that tract
 * (visit-level instances belong to the tract they are apportioned to). Otherwise (A or B is
 * global, band or healpix) B waits for every instance of A: such a task is a barrier.
 * An intermediate (keep false) of A in a tract is deleted when every task depending on A is
 * done there (or everywhere, across a barrier); one nobody depends on stays.
 * A core-weighted CPU model (weighted: true) gives each instance one core and no memory for
 * its weighted CPU seconds x cpu_factor, so the busy core-seconds are the weighted CPU and the
 * makespan is at least core-weighted node-days / nodes on the platform's cores. Other tasks
 * take one core and the largest peak memory over the workload's n, as for model files.
 * Y1_EUSAGE: regions other than 1 with a barrier task; otherwise as cmp_simulate. */
int cmp_simulate_pipe(const cmp_work *w, const pipe_pipeline *p, const est_products *prod,
                      const est_platform *plat, const cmp_opts *o, cmp_result *out, y1_err *err);

/* The label of p's first task over the whole sky (global, band or healpix: a barrier, which
 * --regions cannot split), or NULL when every task is split by tract. */
const char *cmp_pipe_first_barrier(const pipe_pipeline *p);

/* ---- Monte Carlo ------------------------------------------------------------------------- */

typedef struct cmp_mc_opts {
    long samples;            /* >= 1 */
    unsigned long seed;
    double model_sigma_frac; /* 1-sigma as a fraction of the value for model parameters whose
                                file gives no sigma (0 = take them as exact) */
    double cpu_lo, cpu_hi;   /* cpu_factor uniform in [lo, hi]; NAN = the platform's */
} cmp_mc_opts;

typedef struct cmp_mc_sample {
    double cpu_factor;
    size_t workload;         /* which workload of the pool */
    double study_node_days;  /* RTN-028 rule */
    double alloc_node_days;  /* simulated: nodes held up to the makespan */
    double makespan_days;
    double all_pb, keep_pb, peak_pb; /* 10^15 bytes: written, kept at the end, peak on disk
                                        (products of the simulated tasks) */
} cmp_mc_sample;

/* Draw o->samples samples: each model parameter ~ Normal(value, sigma) clamped at 0 (sigma
 * from the file, else model_sigma_frac x |value|), cpu_factor ~ Uniform[cpu_lo, cpu_hi],
 * workload = pool[i mod npool] (e.g. footprints with different rotation seeds). A GSL mt19937
 * generator seeded with o->seed makes it reproducible. out has o->samples entries. */
int cmp_monte_carlo(const cmp_work *const *pool, size_t npool, const mdl_task *const *tasks,
                    size_t ntasks, const est_platform *plat, const est_products *prod,
                    const cmp_opts *so, const cmp_mc_opts *o, cmp_mc_sample *out, y1_err *err);

/* The same for a pipeline file p over w (as for cmp_simulate_pipe): each task's CPU model and,
 * where it has one, its memory model drawn with model_sigma_frac x |value| (a pipeline file
 * gives no sigmas; floors as written), then cpu_factor; one workload (workload 0). The RTN-028
 * node-days come from the drawn models on counts k (NAN when k is NULL or the file's models
 * do not allow the rule). */
int cmp_monte_carlo_pipe(const cmp_work *w, const pipe_pipeline *p, const pipe_counts *k,
                         const est_platform *plat, const est_products *prod, const cmp_opts *so,
                         const cmp_mc_opts *o, cmp_mc_sample *out, y1_err *err);

/* The q-quantile (linear interpolation between order statistics) of one field over samples,
 * field given as an offset into cmp_mc_sample (e.g. offsetof(cmp_mc_sample, makespan_days)). */
double cmp_mc_quantile(const cmp_mc_sample *s, size_t n, size_t field_offset, double q);

/* RTN-028 node-days (Table 3 rule) for tasks on platform plat with cpu_factor f, and the
 * products' total and kept bytes, over workload w. */
int cmp_study_totals(const cmp_work *w, const mdl_task *const *tasks, size_t ntasks,
                     const est_platform *plat, double f, const est_products *prod,
                     double *node_days, double *all_bytes, double *keep_bytes, y1_err *err);

#endif
