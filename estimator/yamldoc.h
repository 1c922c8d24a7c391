/* yamldoc.h: strict reading of small YAML configuration files (platforms, products) through
 * libyaml's document API. Every error names "file:line:column" (1-based) and what was expected;
 * unknown keys are errors, never ignored. */
#ifndef EST_YAMLDOC_H
#define EST_YAMLDOC_H

#include <yaml.h>
#include "estimator/y1_err.h"

typedef struct est_ydoc {
    yaml_document_t doc;
    const char *path;   /* borrowed: the file name used in messages */
    int loaded;
} est_ydoc;

/* Load path into d. Y1_EIO if unreadable, Y1_EINPUT if not YAML or empty. Free with
 * est_ydoc_free (also after a failure). */
int  est_ydoc_load(est_ydoc *d, const char *path, y1_err *err);
void est_ydoc_free(est_ydoc *d);

yaml_node_t *est_ydoc_root(est_ydoc *d);
yaml_node_t *est_ynode(est_ydoc *d, int index);

/* "file:line:column" of a node, into buf. */
const char *est_ywhere(const est_ydoc *d, const yaml_node_t *n, char *buf, size_t size);

/* Require a mapping (or sequence); Y1_EINPUT naming what was expected. */
int est_yexpect(est_ydoc *d, yaml_node_t *n, yaml_node_type_t type, const char *what, y1_err *err);

/* Check that every key of map is in allowed (NULL-terminated); Y1_EINPUT on the first other. */
int est_ycheck_keys(est_ydoc *d, yaml_node_t *map, const char *const *allowed, const char *what,
                    y1_err *err);

/* Find key in map: the value node or NULL. */
yaml_node_t *est_yget(est_ydoc *d, yaml_node_t *map, const char *key);

/* Scalars. Each takes the value node (may be NULL when optional: then *out keeps its default
 * and Y1_OK is returned if !required). Numbers must be finite and within [lo, hi]. */
int est_ystr(est_ydoc *d, yaml_node_t *map, const char *key, int required, const char **out,
             y1_err *err);
int est_ynum(est_ydoc *d, yaml_node_t *map, const char *key, int required, double lo, double hi,
             double *out, y1_err *err);
int est_yint(est_ydoc *d, yaml_node_t *map, const char *key, int required, long lo, long hi,
             long *out, y1_err *err);
int est_ybool(est_ydoc *d, yaml_node_t *map, const char *key, int required, int *out,
              y1_err *err);

#endif
