/* node.h: what the study's node-days leave out: throughput that is not linear in the
 * number of concurrent jobs on a node (occupancy), task types sharing nodes (mixed packing, the
 * Work Queue resource contract) and workflow overheads (dispatch latency, manager ceilings).
 * Pure functions over a loaded platform and Table 2 rows. Units: hours for work and node-hours,
 * node-days = node-hours / 24, seconds for run times and latency, GiB for memory.
 *
 * The three models
 * ----------------
 * 1. Occupancy (source: RTN-028 section 8, the node-occupancy study of ISR on SDF-Rome,
 *    Perlmutter and Cori; ../shared/reference/rtn028-tables.md). The mean wall time of one job
 *    when k jobs run at once on a node with K cores is
 *        w(k) = w1 * s(k),  s(k) = 1 + a_freq*phi_f(k) + a_io*phi_io(k) + a_mem*phi_mem(k)
 *    with x = (k - 1) / (K - 1) the load fraction (x = 0 when K = 1) and
 *      phi_f(k)   = f_boost / f(k) - 1: the clock under a package power cap. k busy cores at
 *                   clock f draw about k f^3 (the voltage follows the frequency), so the clock
 *                   stays at boost up to k_p = max(1, K (f_base / f_boost)^3) jobs and then
 *                   falls as f(k) = f_boost (k_p / k)^(1/3), reaching base at k = K: the study's
 *                   "compute parts slow by ~3.35/2.0 at full load". a_freq in [0, 1] is the
 *                   compute share of the one-job time (fitted, or fixed by compute_share);
 *      phi_io(k)  = x: datastore I/O contention, each extra job adds the same wait;
 *      phi_mem(k) = x^2: memory bandwidth and last-level cache, whose misses grow with both the
 *                   number of jobs and each job's shrinking share of the cache.
 *    Each phi is 0 at k = 1, so s(1) = 1; a_io and a_mem are the slowdowns at full load.
 *    w1 and the a_* are fitted to the block's points by est_occ_fit.
 *    Throughput per node in one-job units is T(k) = k / s(k); the study assumes T(k) = k.
 *    Assumption, stated: the study's per-task CPU times are low-load (k = 1) times, and the
 *    curve measured with ISR applies to every task.
 * 2. Mixed packing (source: the Work Queue resource contract, workflow-facts.md). A task
 *    declares 1 core and its max maxRSS; a node runs any mix whose cores and memory fit. The
 *    node-hours are those of the configuration LP (Gilmore-Gomory): minimise sum x_c over node
 *    configurations c (task counts per type that fit one node), subject to each type's work
 *    being done. Columns: every one-type configuration and every two-type configuration that
 *    is maximal (a jobs of type i, then as many of type l as fit); at most 2 types per node is
 *    our restriction, so the result is an upper bound on the best mix and never worse than one
 *    type per node (those columns are in the LP). Solved exactly by a revised simplex. The LP
 *    is fluid: it assumes millions of instances of every type are ready at once (true over a
 *    year's campaign, not inside one small DAG). Lower bound: max(core-hours / cores,
 *    GiB-hours / usable memory). "Charged cores": a job is charged max(1, ceil(mem / (memory
 *    per node / cores))) cores, the convention of Rubin's current estimates.
 * 3. Workflow overheads (source: Parsl/Work Queue at NERSC, workflow-facts.md). Each task holds
 *    its slot for run time t + latency L (default 2 s). One manager instance keeps at most
 *    tasks_per_manager tasks running (default 1000) and launches at most manager_rate_hz tasks
 *    per second (default 1000, the untuned Parsl dispatch benchmark: optimistic for DRP), so by
 *    Little's law it sustains c = min(tasks_per_manager, rate * (t + L)) running tasks. N nodes
 *    with k slots need ceil(N k / c) managers; with `managers` m fixed (0 = as many as needed)
 *    only u = min(1, m c / (N k)) of the slots are busy, and node-hours are divided by u.
 *    A task is "short" when t < short_task_factor * L (default 10: latency >= 10 % of t).
 *
 * Combined: occupancy (k_best and s(k_best) per type, or s(total k) per node configuration)
 * and overheads together; with mixed packing in the workflow block, the LP over configurations
 * whose total k is at most the curve's peak, each column scaled by the slowdown of its own
 * total k, the latency and the manager utilisation. With neither block, every figure but the
 * mixed-packing, lower-bound and charged-cores columns equals the study's. */
#ifndef EST_NODE_H
#define EST_NODE_H

#include <stddef.h>

#include "estimator/pack.h"
#include "estimator/platform.h"
#include "estimator/tables.h"

/* ---------------------------------------------------------------------------------------------
 * 1. Occupancy
 * ------------------------------------------------------------------------------------------- */

/* Fit the curve of o (points in o->k, o->wall; boost/base clocks) on a node of `cores` cores.
 * Given:    o with npoints >= 3 valid points (k strictly increasing in 1..cores, wall > 0).
 * Returned: o->w1, a_freq, a_io, a_mem, rms_rel, k_peak. Weighted least squares (relative
 *           residuals, GSL gsl_multifit_wlinear) in (w1, w1*a_freq, w1*a_io, w1*a_mem) with the
 *           bounds a_freq in [0, 1], a_io >= 0, a_mem >= 0, solved exactly by trying every set of
 *           active bounds (12 candidates) and keeping the best feasible one. When
 *           o->compute_share is finite, a_freq is fixed to it and only w1, a_io, a_mem are fitted.
 * Returns:  Y1_OK; Y1_EINPUT if no candidate is feasible or a GSL call fails (message names
 *           the GSL error); Y1_ENOMEM. */
int est_occ_fit(est_occupancy *o, long cores, y1_err *err);

/* s(k) for the fitted curve (1 for every k when !o->present). k in [1, cores]. */
double est_occ_slowdown(const est_occupancy *o, long cores, double k);

/* Throughput-optimal k in 1..k_max: argmax k / s(k) (the smallest k on ties); k_max when
 * !o->present. */
long est_occ_best_k(const est_occupancy *o, long cores, long k_max);


/* ---------------------------------------------------------------------------------------------
 * 3 and everything: per platform, per task
 * ------------------------------------------------------------------------------------------- */

typedef struct est_node_task {
    long jobs_study;        /* the study's jobs per node (est_table3_row) */
    double run_s;           /* mean run time per instance on this platform at low load (s) */
    double nd_study;        /* the study's linear figure (equals est_table3_row / 24) */
    int k_best;             /* throughput-optimal concurrent jobs (<= core and memory limits) */
    double slowdown;        /* s(k_best) */
    double nd_occupancy;    /* with the throughput curve, at k_best */
    double nd_overheads;    /* study + dispatch latency and manager ceilings */
    double nd_charged_cores;/* charged-cores convention */
    double nd_mixed_share;  /* this task's share of nd_mixed (LP duals) */
    double nd_combined;     /* occupancy + overheads (+ its share of the mixed LP when the
                               workflow block asks for mixed packing) */
    int managers_needed;    /* for the allocation, at k_best with the overheads */
    int short_task;         /* run_s < short_task_factor x dispatch latency */
} est_node_task;

typedef struct est_node_platform {
    est_node_task *task;    /* per task row, same order as the rows given (malloc'ed) */
    size_t ntasks;
    double nd_study;        /* sum: equals Table 3 */
    double nd_occupancy;    /* sum with the curve */
    double nd_overheads;    /* sum with latency and manager ceilings */
    double nd_mixed;        /* mixed packing LP, the study's assumptions otherwise */
    double nd_mixed_lower_bound; /* max(core-hours / cores, GiB-hours / usable memory) / 24 */
    double nd_charged_cores;/* sum with the charged-cores convention */
    double nd_combined;     /* occupancy + overheads (+ mixed packing if the block says so) */
    int managers_needed;    /* max over tasks, for wf.allocation_nodes nodes */
    long k_peak;            /* the curve's throughput-optimal k over all cores (cores if none) */
    double slowdown_full;   /* s(cores) */
    int has_occupancy, has_workflow, mixed_in_combined;
} est_node_platform;

/* Every figure for one platform.
 * Given:    p (loaded), rows[nrows] (Table 2; rows with no work give zeros).
 * Returned: *out (set only on success; free with est_node_platform_clear).
 * Returns:  Y1_OK; Y1_EINPUT when a task does not fit one node (est_table3_row's message) or
 *           the LP fails; Y1_ENOMEM. */
int  est_node_compute(const est_platform *p, const est_task_row *rows, size_t nrows,
                      est_node_platform *out, y1_err *err);
void est_node_platform_clear(est_node_platform *p);  /* NULL is fine */

/* One line (no newline) saying what each assumption costs on this platform, for the report's
 * closing note, e.g. "Perlmutter: the study's 6886 node-days; throughput curve +100.7 % (...)".
 * Given: p and its computed np. Returned: buf (always NUL-terminated, truncated to size).
 * Returns the length snprintf would have written. */
int est_node_note(const est_platform *p, const est_node_platform *np, char *buf, size_t size);

/* Managers needed to keep `nodes` nodes of k slots busy with tasks of slot time slot_s
 * (run time + latency), and the utilisation with wf->managers fixed (1 when 0). */
int    est_wf_managers_needed(const est_workflow *wf, long nodes, long k, double slot_s);
double est_wf_utilisation(const est_workflow *wf, long nodes, long k, double slot_s);

#endif
