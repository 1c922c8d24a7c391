/* platform.h: compute platforms (YAML files in data/platforms/): cores and memory per node and
 * the CPU factor that scales task times measured on Cori-Haswell (RTN-028 Table 3). */
#ifndef EST_PLATFORM_H
#define EST_PLATFORM_H

#include "estimator/y1_err.h"

typedef struct est_platform {
    char name[64];
    char path[512];
    double cpu_factor;          /* wall time per task relative to Cori-Haswell (> 0) */
    long cores_per_node;        /* > 0 */
    double memory_per_node_gib; /* > 0 */
    double memory_reserve_gib;  /* >= 0 and < memory; default 10 (DESC gen3_workflow code) */
    double node_hour_cost;      /* optional, NAN when absent (currency-free units per node-hour) */
    char notes[400];
} est_platform;

/* Load one platform file. Errors (Y1_EINPUT) name file:line:column: zero or negative cores or
 * memory, a reserve at or above the memory, unknown keys, missing keys. Y1_EIO if unreadable. */
int est_platform_load(est_platform *out, const char *path, y1_err *err);

#endif
