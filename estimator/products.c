/* products.c: strict loading of the data-product table (Table 4 of RTN-028). */
#include "estimator/products.h"

#include <stdlib.h>
#include <string.h>

#include "common/y1_yaml.h"

static int unit_bytes(const char *u, double *out)
{
    static const struct { const char *u; double b; } units[] = {
        {"MB", 1e6}, {"MiB", 1048576.0}, {"GB", 1e9}, {"GiB", 1073741824.0}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) { *out = units[i].b; return 0; }
    return -1;
}

static int load_row(y1_ydoc *d, yaml_node_t *m, int is_raw, est_product *p, y1_err *err)
{
    static const char *const keys[] = {"task", "dataset", "size", "unit", "basis", "keep",
                                       "source", NULL};
    const char *task = "raw", *dataset = NULL, *unit = NULL, *basis = NULL, *source = NULL;
    char w[600];
    int rc;
    memset(p, 0, sizeof *p);
    p->keep = is_raw;
    if ((rc = y1_yexpect(d, m, YAML_MAPPING_NODE, "a product mapping {task, dataset, size, "
                          "unit, basis, keep}", err)) ||
        (rc = y1_ycheck_keys(d, m, keys, "a product", err)) ||
        (rc = y1_ystr(d, m, "task", !is_raw, &task, err)) ||
        (rc = y1_ystr(d, m, "dataset", 1, &dataset, err)) ||
        (rc = y1_ynum(d, m, "size", 1, 0, 1e12, &p->size, err)) ||
        (rc = y1_ystr(d, m, "unit", 1, &unit, err)) ||
        (rc = y1_ystr(d, m, "basis", 1, &basis, err)) ||
        (rc = y1_ybool(d, m, "keep", !is_raw, &p->keep, err)) ||
        (rc = y1_ystr(d, m, "source", 0, &source, err)))
        return rc;
    double ub;
    if (unit_bytes(unit, &ub))
        return y1_errf(err, Y1_EINPUT, "%s: unit must be MB, MiB, GB or GiB, got '%s'",
                       y1_ywhere(d, y1_yget(d, m, "unit"), w, sizeof w), unit);
    if (mdl_level_parse(basis, &p->basis))
        return y1_errf(err, Y1_EINPUT, "%s: basis must name a level (ccd, warp, coadd, patch or "
                       "visit), got '%s'", y1_ywhere(d, y1_yget(d, m, "basis"), w, sizeof w),
                       basis);
    snprintf(p->task, sizeof p->task, "%s", task);
    snprintf(p->dataset, sizeof p->dataset, "%s", dataset);
    snprintf(p->unit, sizeof p->unit, "%s", unit);
    p->size_bytes = p->size * ub;
    p->line = (int)m->start_mark.line + 1;
    return Y1_OK;
}

int est_products_load(est_products *out, const char *path, y1_err *err)
{
    static const char *const keys[] = {"y1est_products", "raw", "products", NULL};
    y1_ydoc d;
    est_products p;
    int rc;
    memset(&p, 0, sizeof p);
    if ((rc = y1_ydoc_load(&d, path, "raw and products", err))) goto done;
    yaml_node_t *root = y1_ydoc_root(&d), *list;
    long version = 0;
    if ((rc = y1_ycheck_keys(&d, root, keys, "a products file", err)) ||
        (rc = y1_yint(&d, root, "y1est_products", 1, 1, 1, &version, err)))
        goto done;
    yaml_node_t *raw = y1_yget(&d, root, "raw");
    if (!raw) {
        rc = y1_errf(err, Y1_EINPUT, "%s: missing required key 'raw'", path);
        goto done;
    }
    if ((rc = load_row(&d, raw, 1, &p.raw, err))) goto done;
    list = y1_yget(&d, root, "products");
    if (!list) {
        rc = y1_errf(err, Y1_EINPUT, "%s: missing required key 'products'", path);
        goto done;
    }
    if ((rc = y1_yexpect(&d, list, YAML_SEQUENCE_NODE, "a list of products", err))) goto done;
    size_t n = y1_yseq_len(list);
    p.v = calloc(n ? n : 1, sizeof *p.v);
    if (!p.v) {
        rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = load_row(&d, y1_yseq_item(&d, list, i), 0, &p.v[p.n++], err))) goto done;
    snprintf(p.path, sizeof p.path, "%s", path);
    *out = p;
    p.v = NULL;
done:
    free(p.v);
    y1_ydoc_free(&d);
    return rc;
}

void est_products_clear(est_products *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}
