/* pack.h: how jobs fill a node: the one packing rule, and the mixed-packing LP built on it.
 * Memory in GiB, work in hours, run times in seconds. */
#ifndef EST_PACK_H
#define EST_PACK_H

#include <stddef.h>

#include "estimator/platform.h"

/* ---- 1. The packing rule ------------------------------------------------------------------- */

/* How many jobs, each holding one core and mem_gib of memory, fit on a node that has
 * free_cores cores and free_mem_gib memory left: min(free_cores, floor(free_mem_gib / mem_gib))
 * (RTN-028's jobs per node when the node is empty), with a 1e-9 tolerance on the quotient so
 * that the rounding of running sums never drops an exact fit. mem_gib <= 0: free_cores.
 * Returns >= 0 (0 when nothing fits or free_cores <= 0). Every "jobs per node" in y1est is
 * this function: Table 3, the mixed-packing configurations, the campaign's dispatcher. */
long est_pack_jobs(long free_cores, double free_mem_gib, double mem_gib);

/* ---- 2. Mixed packing: the configuration LP (node.h explains the model), usable on its own */

typedef struct est_pack_in {
    size_t ntypes;
    const double *work_h;      /* per type: slot-hours at low load (CPU h x cpu_factor), >= 0 */
    const double *mem_gib;     /* per type: declared memory per task, > 0, <= node_mem_gib */
    const double *run_s;       /* per type: low-load run time per task (s); NULL: no latency */
    const double *util;        /* per type: manager utilisation u in (0, 1]; NULL: 1 */
    long cores;                /* slots per node */
    long k_cap;                /* most jobs on one node (the curve's peak); 0 = cores */
    double node_mem_gib;       /* usable memory per node */
    double latency_s;          /* dispatch latency per task (needs run_s) */
    const est_occupancy *occ;  /* slowdown curve (NULL or !present: linear) */
} est_pack_in;

typedef struct est_pack_out {
    double node_hours;         /* the LP optimum (mixed packing) */
    double node_hours_one_type;/* the same costs with one type per node (the best k per type) */
    double lower_bound;        /* max(core-hours / cores, GiB-hours / memory), linear, no latency */
    double *share;             /* per type: node-hours attributed by the LP duals (sum = optimum);
                                  malloc'ed, free with est_pack_out_clear */
    size_t columns;            /* configurations considered */
    int iterations;            /* simplex pivots */
} est_pack_out;

/* Given: in (types with work_h == 0 are skipped). Returned: *out (set only on success).
 * Returns: Y1_OK; Y1_EINPUT for a type that does not fit one node or a non-finite input, or a
 * failed GSL solve / no convergence; Y1_ENOMEM. */
int  est_pack_mixed(const est_pack_in *in, est_pack_out *out, y1_err *err);
void est_pack_out_clear(est_pack_out *o);   /* NULL is fine */

#endif
