/* platform.c: strict loading of platform YAML files. */
#include "estimator/platform.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "estimator/yamldoc.h"

int est_platform_load(est_platform *out, const char *path, y1_err *err)
{
    static const char *const keys[] = {"name", "cpu_factor", "cores_per_node",
                                       "memory_per_node_gib", "memory_reserve_gib",
                                       "node_hour_cost", "notes", NULL};
    est_ydoc d;
    est_platform p;
    const char *name = NULL, *notes = "";
    char w[600];
    int rc = est_ydoc_load(&d, path, err);
    if (rc) goto done;
    memset(&p, 0, sizeof p);
    p.memory_reserve_gib = 10.0;
    p.node_hour_cost = NAN;
    yaml_node_t *root = est_ydoc_root(&d);
    if ((rc = est_yexpect(&d, root, YAML_MAPPING_NODE, "a mapping of platform fields", err)) ||
        (rc = est_ycheck_keys(&d, root, keys, "a platform", err)) ||
        (rc = est_ystr(&d, root, "name", 1, &name, err)) ||
        (rc = est_ynum(&d, root, "cpu_factor", 1, 1e-6, 1e6, &p.cpu_factor, err)) ||
        (rc = est_yint(&d, root, "cores_per_node", 1, 1, 1000000, &p.cores_per_node, err)) ||
        (rc = est_ynum(&d, root, "memory_per_node_gib", 1, 1e-6, 1e9, &p.memory_per_node_gib,
                       err)) ||
        (rc = est_ynum(&d, root, "memory_reserve_gib", 0, 0, 1e9, &p.memory_reserve_gib, err)) ||
        (rc = est_ynum(&d, root, "node_hour_cost", 0, 0, 1e12, &p.node_hour_cost, err)) ||
        (rc = est_ystr(&d, root, "notes", 0, &notes, err)))
        goto done;
    if (p.memory_reserve_gib >= p.memory_per_node_gib) {
        yaml_node_t *v = est_yget(&d, root, "memory_reserve_gib");
        rc = y1_errf(err, Y1_EINPUT, "%s: memory_reserve_gib %g must be below "
                     "memory_per_node_gib %g", v ? est_ywhere(&d, v, w, sizeof w) : path,
                     p.memory_reserve_gib, p.memory_per_node_gib);
        goto done;
    }
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.path, sizeof p.path, "%s", path);
    snprintf(p.notes, sizeof p.notes, "%s", notes);
    *out = p;
done:
    est_ydoc_free(&d);
    return rc;
}
