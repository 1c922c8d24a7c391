/* platform.c: strict loading of platform YAML files, with the optional `occupancy` and
 * `workflow` blocks (models in node.h). */
#include "estimator/platform.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimator/node.h"
#include "common/y1_yaml.h"

void est_workflow_defaults(est_workflow *wf)
{
    /* Parsl + Work Queue at DESC/NERSC (../shared/reference/workflow-facts.md): ~2 s between
     * tasks, ~1,000 concurrent tasks per instance, ~1,000 tasks/s untuned dispatch, an
     * allocation of ~1,000 Perlmutter CPU nodes; 10 x latency = the "10 % for 20 s tasks". */
    memset(wf, 0, sizeof *wf);
    wf->dispatch_latency_s = 2.0;
    wf->tasks_per_manager = 1000.0;
    wf->manager_rate_hz = 1000.0;
    wf->allocation_nodes = 1000;
    wf->managers = 0;
    wf->short_task_factor = 10.0;
    wf->mixed_packing = 1;
}

static int load_occupancy(y1_ydoc *d, yaml_node_t *b, long cores, est_occupancy *o, y1_err *err)
{
    static const char *const keys[] = {"boost_ghz", "base_ghz", "points_are", "points",
                                       "compute_share", "source", NULL};
    char w[600];
    const char *kind = NULL, *source = "";
    int rc;
    memset(o, 0, sizeof *o);
    o->compute_share = NAN;
    if ((rc = y1_yexpect(d, b, YAML_MAPPING_NODE, "a mapping (the occupancy block)", err)) ||
        (rc = y1_ycheck_keys(d, b, keys, "the occupancy block", err)) ||
        (rc = y1_ynum(d, b, "boost_ghz", 1, 1e-3, 100, &o->boost_ghz, err)) ||
        (rc = y1_ynum(d, b, "base_ghz", 1, 1e-3, 100, &o->base_ghz, err)) ||
        (rc = y1_ystr(d, b, "points_are", 1, &kind, err)) ||
        (rc = y1_ynum(d, b, "compute_share", 0, 0, 1, &o->compute_share, err)) ||
        (rc = y1_ystr(d, b, "source", 0, &source, err)))
        return rc;
    if (o->base_ghz > o->boost_ghz)
        return y1_errf(err, Y1_EINPUT, "%s: base_ghz %g must not exceed boost_ghz %g",
                       y1_ywhere(d, y1_yget(d, b, "base_ghz"), w, sizeof w), o->base_ghz,
                       o->boost_ghz);
    int throughput = !strcmp(kind, "throughput");
    if (!throughput && strcmp(kind, "wall_time"))
        return y1_errf(err, Y1_EINPUT, "%s: points_are must be 'throughput' or 'wall_time', "
                       "got '%s'", y1_ywhere(d, y1_yget(d, b, "points_are"), w, sizeof w), kind);
    yaml_node_t *pts = y1_yget(d, b, "points");
    if (!pts) return y1_errf(err, Y1_EINPUT, "%s: missing required key 'points'",
                             y1_ywhere(d, b, w, sizeof w));
    if ((rc = y1_yexpect(d, pts, YAML_SEQUENCE_NODE, "a list of [k, value] points", err)))
        return rc;
    long n = (long)y1_yseq_len(pts);
    if (n < 3 || n > EST_OCC_MAX_POINTS)
        return y1_errf(err, Y1_EINPUT, "%s: occupancy needs 3 to %d points, got %ld",
                       y1_ywhere(d, pts, w, sizeof w), EST_OCC_MAX_POINTS, n);
    for (long i = 0; i < n; i++) {
        yaml_node_t *it = y1_yseq_item(d, pts, (size_t)i);
        double k, v;
        if (!it || it->type != YAML_SEQUENCE_NODE || y1_yseq_len(it) != 2)
            return y1_errf(err, Y1_EINPUT, "%s: an occupancy point must be a pair [k, value]",
                           y1_ywhere(d, it ? it : pts, w, sizeof w));
        yaml_node_t *kn = y1_yseq_item(d, it, 0), *vn = y1_yseq_item(d, it, 1);
        if ((rc = y1_yval_num(d, kn, "k", -HUGE_VAL, HUGE_VAL, &k, err)) ||
            (rc = y1_yval_num(d, vn, "value", -HUGE_VAL, HUGE_VAL, &v, err)))
            return rc;
        if (k < 1 || k > (double)cores)
            return y1_errf(err, Y1_EINPUT, "%s: k must be in [1, cores_per_node = %ld], got %g",
                           y1_ywhere(d, kn, w, sizeof w), cores, k);
        if (i > 0 && !(k > o->k[i - 1]))
            return y1_errf(err, Y1_EINPUT, "%s: occupancy points must have strictly increasing "
                           "k, got %g after %g", y1_ywhere(d, kn, w, sizeof w), k, o->k[i - 1]);
        if (!(v > 0))
            return y1_errf(err, Y1_EINPUT, "%s: %s must be positive, got %g",
                           y1_ywhere(d, vn, w, sizeof w), throughput ? "throughput" : "wall time", v);
        o->k[i] = k;
        o->wall[i] = throughput ? k / v : v;   /* throughput T per node -> wall time k / T */
    }
    o->npoints = (int)n;
    snprintf(o->source, sizeof o->source, "%s", source);
    o->present = 1;
    if ((rc = est_occ_fit(o, cores, err))) {
        y1_err e2;
        snprintf(e2.msg, sizeof e2.msg, "%s", err ? err->msg : "");
        return y1_errf(err, rc, "%s: occupancy: %s", y1_ywhere(d, b, w, sizeof w), e2.msg);
    }
    return Y1_OK;
}

static int load_workflow(y1_ydoc *d, yaml_node_t *b, est_workflow *wf, y1_err *err)
{
    static const char *const keys[] = {"dispatch_latency_s", "tasks_per_manager",
                                       "manager_rate_hz", "allocation_nodes", "managers",
                                       "short_task_factor", "packing", "source", NULL};
    char w[600];
    const char *packing = "mixed", *source = "";
    int rc;
    est_workflow_defaults(wf);
    if ((rc = y1_yexpect(d, b, YAML_MAPPING_NODE, "a mapping (the workflow block)", err)) ||
        (rc = y1_ycheck_keys(d, b, keys, "the workflow block", err)) ||
        (rc = y1_ynum(d, b, "dispatch_latency_s", 0, 0, 1e6, &wf->dispatch_latency_s, err)) ||
        (rc = y1_ynum(d, b, "tasks_per_manager", 0, 1, 1e12, &wf->tasks_per_manager, err)) ||
        (rc = y1_ynum(d, b, "manager_rate_hz", 0, 1e-6, 1e12, &wf->manager_rate_hz, err)) ||
        (rc = y1_yint(d, b, "allocation_nodes", 0, 1, 100000000, &wf->allocation_nodes, err)) ||
        (rc = y1_yint(d, b, "managers", 0, 0, 100000000, &wf->managers, err)) ||
        (rc = y1_ynum(d, b, "short_task_factor", 0, 0, 1e6, &wf->short_task_factor, err)) ||
        (rc = y1_ystr(d, b, "packing", 0, &packing, err)) ||
        (rc = y1_ystr(d, b, "source", 0, &source, err)))
        return rc;
    if (!strcmp(packing, "mixed")) wf->mixed_packing = 1;
    else if (!strcmp(packing, "one_type")) wf->mixed_packing = 0;
    else
        return y1_errf(err, Y1_EINPUT, "%s: packing must be 'mixed' or 'one_type', got '%s'",
                       y1_ywhere(d, y1_yget(d, b, "packing"), w, sizeof w), packing);
    snprintf(wf->source, sizeof wf->source, "%s", source);
    wf->present = 1;
    return Y1_OK;
}

/* storage: {tiers: [{name, holds: [raw|working|kept...], capacity_tb, inodes, source}]} */
static int load_storage(y1_ydoc *d, yaml_node_t *b, est_storage *st, y1_err *err)
{
    static const char *const keys[] = {"tiers", NULL};
    static const char *const tkeys[] = {"name", "holds", "capacity_tb", "inodes", "source", NULL};
    char w[600];
    int rc;
    if ((rc = y1_yexpect(d, b, YAML_MAPPING_NODE, "a mapping (the storage block)", err)) ||
        (rc = y1_ycheck_keys(d, b, keys, "the storage block", err)))
        return rc;
    yaml_node_t *tiers = y1_yget(d, b, "tiers");
    size_t n = y1_yseq_len(tiers);
    if (!tiers || tiers->type != YAML_SEQUENCE_NODE || n < 1 || n > EST_MAX_TIERS)
        return y1_errf(err, Y1_EINPUT, "%s: storage needs 'tiers', a list of 1 to %d tiers",
                       y1_ywhere(d, tiers ? tiers : b, w, sizeof w), EST_MAX_TIERS);
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *t = y1_yseq_item(d, tiers, i);
        est_tier *x = &st->tier[i];
        const char *name = NULL, *source = "";
        x->capacity_tb = x->inodes = NAN;
        if ((rc = y1_yexpect(d, t, YAML_MAPPING_NODE, "a mapping (a storage tier)", err)) ||
            (rc = y1_ycheck_keys(d, t, tkeys, "a storage tier", err)) ||
            (rc = y1_ystr(d, t, "name", 1, &name, err)) ||
            (rc = y1_ynum(d, t, "capacity_tb", 0, 1e-9, 1e12, &x->capacity_tb, err)) ||
            (rc = y1_ynum(d, t, "inodes", 0, 1, 1e15, &x->inodes, err)) ||
            (rc = y1_ystr(d, t, "source", 0, &source, err)))
            return rc;
        if (!*name || strlen(name) >= sizeof x->name ||
            strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                strlen(name))
            return y1_errf(err, Y1_EINPUT, "%s: a tier name must be 1-31 letters, digits, _ or -,"
                           " got '%s'", y1_ywhere(d, y1_yget(d, t, "name"), w, sizeof w), name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(st->tier[j].name, name))
                return y1_errf(err, Y1_EINPUT, "%s: tier '%s' given twice",
                               y1_ywhere(d, y1_yget(d, t, "name"), w, sizeof w), name);
        yaml_node_t *h = y1_yget(d, t, "holds");
        size_t nh = y1_yseq_len(h);
        if (!h || h->type != YAML_SEQUENCE_NODE || nh < 1)
            return y1_errf(err, Y1_EINPUT, "%s: tier '%s' needs 'holds', a list of raw, working, "
                           "kept", y1_ywhere(d, h ? h : t, w, sizeof w), name);
        for (size_t j = 0; j < nh; j++) {
            yaml_node_t *it = y1_yseq_item(d, h, j);
            const char *v = y1_yscalar(it);
            unsigned bit = !v ? 0 : !strcmp(v, "raw") ? EST_HOLD_RAW
                         : !strcmp(v, "working") ? EST_HOLD_WORKING
                         : !strcmp(v, "kept") ? EST_HOLD_KEPT : 0;
            if (!bit)
                return y1_errf(err, Y1_EINPUT, "%s: 'holds' expects raw, working or kept, got "
                               "'%s'", y1_ywhere(d, it ? it : h, w, sizeof w), v ? v : "?");
            x->holds |= bit;
        }
        snprintf(x->name, sizeof x->name, "%s", name);
        snprintf(x->source, sizeof x->source, "%s", source);
    }
    st->ntiers = (int)n;
    return Y1_OK;
}

int est_platform_load(est_platform *out, const char *path, y1_err *err)
{
    static const char *const keys[] = {"name", "cpu_factor", "cores_per_node",
                                       "memory_per_node_gib", "memory_reserve_gib",
                                       "node_hour_cost", "notes", "description", "storage",
                                       "occupancy", "workflow", NULL};
    y1_ydoc d;
    est_platform *p = NULL;
    const char *name = NULL, *notes = "", *description = "";
    char w[600];
    int rc = y1_ydoc_load(&d, path, "platform settings", err);
    if (rc) goto done;
    /* the struct carries the occupancy points: too big to want it twice on the stack */
    p = calloc(1, sizeof *p);
    if (!p) { rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path); goto done; }
    p->memory_reserve_gib = 10.0;
    p->node_hour_cost = NAN;
    est_workflow_defaults(&p->wf);
    yaml_node_t *root = y1_ydoc_root(&d);
    if ((rc = y1_ycheck_keys(&d, root, keys, "a platform", err)) ||
        (rc = y1_ystr(&d, root, "name", 1, &name, err)) ||
        (rc = y1_ynum(&d, root, "cpu_factor", 1, 1e-6, 1e6, &p->cpu_factor, err)) ||
        (rc = y1_yint(&d, root, "cores_per_node", 1, 1, 1000000, &p->cores_per_node, err)) ||
        (rc = y1_ynum(&d, root, "memory_per_node_gib", 1, 1e-6, 1e9, &p->memory_per_node_gib,
                       err)) ||
        (rc = y1_ynum(&d, root, "memory_reserve_gib", 0, 0, 1e9, &p->memory_reserve_gib, err)) ||
        (rc = y1_ynum(&d, root, "node_hour_cost", 0, 0, 1e12, &p->node_hour_cost, err)) ||
        (rc = y1_ystr(&d, root, "notes", 0, &notes, err)) ||
        (rc = y1_ystr(&d, root, "description", 0, &description, err)))
        goto done;
    if (p->memory_reserve_gib >= p->memory_per_node_gib) {
        yaml_node_t *v = y1_yget(&d, root, "memory_reserve_gib");
        rc = y1_errf(err, Y1_EINPUT, "%s: memory_reserve_gib %g must be below "
                     "memory_per_node_gib %g", v ? y1_ywhere(&d, v, w, sizeof w) : path,
                     p->memory_reserve_gib, p->memory_per_node_gib);
        goto done;
    }
    /* the name goes into CSV cells and file names: keep it to a plain label */
    if (!*name || strlen(name) >= sizeof p->name || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            "abcdefghijklmnopqrstuvwxyz0123456789 ._-()") != strlen(name)) {
        yaml_node_t *v = y1_yget(&d, root, "name");
        rc = y1_errf(err, Y1_EINPUT, "%s: name must be 1-63 letters, digits, spaces or ._-(), "
                     "got '%s'", y1_ywhere(&d, v, w, sizeof w), name);
        goto done;
    }
    yaml_node_t *ob = y1_yget(&d, root, "occupancy"), *wb = y1_yget(&d, root, "workflow");
    if (ob && (rc = load_occupancy(&d, ob, p->cores_per_node, &p->occ, err))) goto done;
    if (wb && (rc = load_workflow(&d, wb, &p->wf, err))) goto done;
    yaml_node_t *sb = y1_yget(&d, root, "storage");
    if (sb && (rc = load_storage(&d, sb, &p->storage, err))) goto done;
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->path, sizeof p->path, "%s", path);
    snprintf(p->notes, sizeof p->notes, "%s", notes);
    snprintf(p->description, sizeof p->description, "%s", description);
    *out = *p;
done:
    free(p);
    y1_ydoc_free(&d);
    return rc;
}
