/* platform.h: compute platforms (YAML files in data/platforms/): cores and memory per node and
 * the CPU factor that scales task times measured on Cori-Haswell (RTN-028 Table 3), plus two
 * optional blocks that go beyond the study: `occupancy` (throughput vs concurrent jobs
 * per node) and `workflow` (dispatch latency, manager ceilings, packing). Without them every
 * figure equals the study's. Units: GiB, seconds, GHz. The models live in node.h. */
#ifndef EST_PLATFORM_H
#define EST_PLATFORM_H

#include "common/y1_err.h"

#define EST_OCC_MAX_POINTS 32

/* The `occupancy` block: measured (k, value) points and the fitted slowdown curve s(k) (see
 * est_occ_fit in node.h). Values are kept as mean wall time per job, in the points' own unit:
 * "throughput" points T are turned into wall time k / T. */
typedef struct est_occupancy {
    int present;               /* 0: no block: throughput is linear in k (the study) */
    double boost_ghz;          /* clock with one job running (> 0) */
    double base_ghz;           /* clock at full load (> 0, <= boost_ghz) */
    int npoints;               /* 3..EST_OCC_MAX_POINTS */
    double k[EST_OCC_MAX_POINTS];      /* concurrent jobs, strictly increasing, 1..cores */
    double wall[EST_OCC_MAX_POINTS];   /* mean wall time per job at k (> 0, any unit) */
    char source[400];          /* where the points come from (free text, may be "") */
    double compute_share;      /* optional key: fixes a_freq in [0, 1]; NAN = fitted */
    /* filled by the fit at load time (est_occ_fit) */
    double w1;                 /* fitted one-job wall time, in the points' unit */
    double a_freq;             /* compute share of the one-job wall time, in [0, 1] */
    double a_io;               /* I/O slowdown at full load (>= 0) */
    double a_mem;              /* memory-bandwidth/cache slowdown at full load (>= 0) */
    double rms_rel;            /* rms relative residual of the fit */
    long k_peak;               /* throughput-optimal k over 1..cores_per_node */
} est_occupancy;

/* The `workflow` block. Defaults (used for missing keys; documented in node.h):
 * dispatch_latency_s 2, tasks_per_manager 1000, manager_rate_hz 1000, allocation_nodes 1000,
 * managers 0 (= as many as needed), short_task_factor 10, packing mixed. */
typedef struct est_workflow {
    int present;               /* 0: no block: no overheads, one task type per node (the study) */
    double dispatch_latency_s; /* idle time of a slot between one task and the next (>= 0) */
    double tasks_per_manager;  /* concurrent tasks one manager instance sustains (> 0) */
    double manager_rate_hz;    /* tasks per second one manager can launch (> 0) */
    long allocation_nodes;     /* size of the allocation the managers must keep fed (>= 1) */
    long managers;             /* manager instances actually run; 0 = as many as needed */
    double short_task_factor;  /* a task is "short" when its run time < factor x latency */
    int mixed_packing;         /* 1: task types share nodes (Work Queue); 0: one type per node */
    char source[400];          /* free text */
} est_workflow;

/* A storage tier of the optional `storage` block: what it holds during the campaign and its
 * quotas. Volumes in TB (10^12 bytes), inode quotas in files. */
enum { EST_HOLD_RAW = 1, EST_HOLD_WORKING = 2, EST_HOLD_KEPT = 4 };
#define EST_MAX_TIERS 8
typedef struct est_tier {
    char name[32];             /* e.g. "scratch" */
    unsigned holds;            /* EST_HOLD_*: raw data, the working set, the kept products */
    double capacity_tb;        /* quota in TB; NAN: none stated */
    double inodes;             /* quota in files; NAN: none stated */
    char source[300];          /* where the quotas come from */
} est_tier;

typedef struct est_storage {
    int ntiers;                /* 0: no storage block */
    est_tier tier[EST_MAX_TIERS];
} est_storage;

typedef struct est_platform {
    char name[64];
    char path[512];
    double cpu_factor;          /* wall time per task relative to Cori-Haswell (> 0) */
    long cores_per_node;        /* > 0 */
    double memory_per_node_gib; /* > 0 */
    double memory_reserve_gib;  /* >= 0 and < memory; default 10 (DESC gen3_workflow code) */
    double node_hour_cost;      /* optional, NAN when absent (currency-free units per node-hour) */
    char notes[400];
    char description[400];      /* what the file models and when to use it ("" if none) */
    est_storage storage;        /* optional block; storage.ntiers == 0 when absent */
    est_occupancy occ;          /* optional block; occ.present == 0 when absent */
    est_workflow wf;            /* optional block; wf.present == 0 when absent (then wf holds
                                   the documented defaults, used only for the short-task flag) */
} est_platform;

/* Load one platform file. The struct is plain data (no pointers): copy it freely.
 * Errors (Y1_EINPUT) name file:line:column: zero or negative cores or memory, a reserve at or
 * above the memory, unknown keys (also inside the blocks), missing keys, occupancy points whose
 * k does not increase strictly or exceeds the cores, non-positive values, fewer than 3 points,
 * base clock above boost, a negative latency, a fit that fails. Y1_EIO if unreadable. */
int est_platform_load(est_platform *out, const char *path, y1_err *err);

/* The workflow defaults above, with present = 0. */
void est_workflow_defaults(est_workflow *wf);

#endif
