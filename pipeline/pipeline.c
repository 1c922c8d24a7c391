/* pipeline.c: strict loading of pipeline definition files and the per-task / per-dataset-type
 * arithmetic (instances, CPU, core-weighted CPU, node-days, storage). Format: data/pipelines/. */
#include "pipeline/pipeline.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/y1_list.h"
#include "common/y1_yaml.h"

#ifndef Y1_DATADIR
#define Y1_DATADIR "data"
#endif

/* ---------------------------------------------------------------------------------------------
 * Dimensions
 * ------------------------------------------------------------------------------------------- */

static const struct { const char *name; unsigned keys; } dims[PIPE_DIM_COUNT] = {
    [PIPE_DIM_GLOBAL] = {"global", 0},
    [PIPE_DIM_BAND] = {"band", PIPE_KEY_BAND},
    [PIPE_DIM_TRACT] = {"tract", PIPE_KEY_TRACT},
    [PIPE_DIM_TRACT_BAND] = {"tract x band", PIPE_KEY_TRACT | PIPE_KEY_BAND},
    [PIPE_DIM_PATCH] = {"patch", PIPE_KEY_TRACT | PIPE_KEY_PATCH},
    [PIPE_DIM_PATCH_BAND] = {"patch x band", PIPE_KEY_TRACT | PIPE_KEY_PATCH | PIPE_KEY_BAND},
    /* a visit has one band */
    [PIPE_DIM_VISIT] = {"visit", PIPE_KEY_VISIT | PIPE_KEY_BAND},
    [PIPE_DIM_VISIT_DETECTOR] = {"visit x detector",
                                 PIPE_KEY_VISIT | PIPE_KEY_BAND | PIPE_KEY_DETECTOR},
    [PIPE_DIM_VISIT_TRACT] = {"visit x tract", PIPE_KEY_VISIT | PIPE_KEY_BAND | PIPE_KEY_TRACT},
    [PIPE_DIM_VISIT_DETECTOR_TRACT] = {"visit x detector x tract", PIPE_KEY_VISIT | PIPE_KEY_BAND
                                       | PIPE_KEY_DETECTOR | PIPE_KEY_TRACT},
    [PIPE_DIM_VISIT_TRACT_PATCH] = {"visit x tract x patch", PIPE_KEY_VISIT | PIPE_KEY_BAND
                                    | PIPE_KEY_TRACT | PIPE_KEY_PATCH},
    [PIPE_DIM_HEALPIX] = {"healpix", PIPE_KEY_HEALPIX},
    [PIPE_DIM_HEALPIX_BAND] = {"healpix x band", PIPE_KEY_HEALPIX | PIPE_KEY_BAND},
};

const char *pipe_dim_name(pipe_dim d)
{
    return (unsigned)d < PIPE_DIM_COUNT ? dims[d].name : "?";
}

unsigned pipe_dim_keys(pipe_dim d)
{
    return (unsigned)d < PIPE_DIM_COUNT ? dims[d].keys : 0;
}

const char *pipe_dim_format(pipe_dim d, int order, char *buf, size_t n)
{
    if (d == PIPE_DIM_HEALPIX) snprintf(buf, n, "healpix%d", order);
    else if (d == PIPE_DIM_HEALPIX_BAND) snprintf(buf, n, "healpix%d x band", order);
    else snprintf(buf, n, "%s", pipe_dim_name(d));
    return buf;
}

void pipe_dim_list(char *out, size_t n)
{
    /* the healpix dimensions as a file writes them, the order as N */
    const char *v[PIPE_DIM_COUNT];
    for (int d = 0; d < PIPE_DIM_COUNT; d++)
        v[d] = d == PIPE_DIM_HEALPIX ? "healpixN" : d == PIPE_DIM_HEALPIX_BAND ? "healpixN x band"
                                                                            : dims[d].name;
    y1_list_join(out, n, v, PIPE_DIM_COUNT, " or ");
}

/* Split "a x b x c" into words, lower-case, single spaces: "a x b x c". */
static void normalize(const char *s, char *out, size_t n)
{
    size_t k = 0;
    int space = 0;
    for (; *s && k + 2 < n; s++) {
        if (isspace((unsigned char)*s)) { space = k > 0; continue; }
        if (space) out[k++] = ' ';
        space = 0;
        out[k++] = (char)tolower((unsigned char)*s);
    }
    out[k] = 0;
}

int pipe_dim_parse(const char *s, pipe_dim *out, int *order)
{
    char t[128];
    normalize(s, t, sizeof t);
    *order = 0;
    if (!strncmp(t, "healpix", 7) && isdigit((unsigned char)t[7])) {
        char *end;
        long o = strtol(t + 7, &end, 10);
        if (o < 0 || o > PIPE_HEALPIX_MAX_ORDER) return -1;
        if (!*end) { *out = PIPE_DIM_HEALPIX; *order = (int)o; return 0; }
        if (!strcmp(end, " x band")) { *out = PIPE_DIM_HEALPIX_BAND; *order = (int)o; return 0; }
        return -1;
    }
    for (int d = 0; d < PIPE_DIM_COUNT; d++)
        if (d != PIPE_DIM_HEALPIX && d != PIPE_DIM_HEALPIX_BAND && !strcmp(t, dims[d].name)) {
            *out = (pipe_dim)d;
            return 0;
        }
    return -1;
}

static const char dim_vocabulary[] =
    "global, band, tract, tract x band, patch, patch x band, visit, visit x detector, "
    "visit x tract, visit x detector x tract, visit x tract x patch, healpixN, healpixN x band";

/* ---------------------------------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------------------------------- */

static int unit_factor(const char *u, int is_cpu, double *out)
{
    static const struct { const char *u; double f; int cpu; } units[] = {
        {"s", 1, 1}, {"min", 60, 1}, {"h", 3600, 1},
        {"GiB", 1, 0}, {"GB", 1e9 / 1073741824.0, 0}, {"MiB", 1.0 / 1024, 0},
        {"MB", 1e6 / 1073741824.0, 0}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (units[i].cpu == is_cpu && !strcmp(u, units[i].u)) { *out = units[i].f; return 0; }
    return -1;
}

static int size_bytes(const char *u, double *out)
{
    static const struct { const char *u; double b; } units[] = {
        {"MB", 1e6}, {"MiB", 1048576.0}, {"GB", 1e9}, {"GiB", 1073741824.0}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) { *out = units[i].b; return 0; }
    return -1;
}

static char *dupstr(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

static int oom(const y1_ydoc *d, y1_err *err)
{
    return y1_errf(err, Y1_ENOMEM, "%s: out of memory", d->path);
}

static pipe_pos at(const yaml_node_t *n)
{
    pipe_pos p = {(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
    return p;
}

static int has_n(pipe_dim d) { return d == PIPE_DIM_PATCH || d == PIPE_DIM_PATCH_BAND; }

/* cpu: or memory: of a task. */
static int load_model(y1_ydoc *d, yaml_node_t *m, int is_cpu, const pipe_task *t,
                      pipe_model *out, int *weighted, y1_err *err)
{
    static const char *const cpu_keys[] = {"model", "value", "slope", "intercept", "floor",
                                           "unit", "statistic", "weighted", "source", NULL};
    static const char *const mem_keys[] = {"model", "value", "slope", "intercept", "floor",
                                           "unit", "statistic", "source", NULL};
    const char *what = is_cpu ? "a CPU model" : "a memory model";
    const char *model = NULL, *unit = NULL, *stat = NULL, *source = NULL;
    char w[600], dn[64];
    double f, floor_v = 0;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = y1_yexpect(d, m, YAML_MAPPING_NODE, is_cpu ?
                           "a CPU model mapping {model, value | slope, intercept, unit, statistic}"
                           : "a memory model mapping {model, value | slope, intercept, unit, "
                           "statistic}", err)) ||
        (rc = y1_ycheck_keys(d, m, is_cpu ? cpu_keys : mem_keys, what, err)) ||
        (rc = y1_ystr(d, m, "model", 1, &model, err)) ||
        (rc = y1_ystr(d, m, "unit", 1, &unit, err)) ||
        (rc = y1_ystr(d, m, "statistic", 1, &stat, err)) ||
        (rc = y1_ystr(d, m, "source", 0, &source, err)))
        return rc;
    if (unit_factor(unit, is_cpu, &f))
        return y1_errf(err, Y1_EINPUT, "%s: unit must be %s, got '%s'",
                       y1_ywhere(d, y1_yget(d, m, "unit"), w, sizeof w),
                       is_cpu ? "s, min or h" : "GiB, GB, MiB or MB", unit);
    if (is_cpu && (rc = y1_ybool(d, m, "weighted", 0, weighted, err))) return rc;
    if (!strcmp(model, "constant")) {
        if (y1_yget(d, m, "slope") || y1_yget(d, m, "intercept") || y1_yget(d, m, "floor"))
            return y1_errf(err, Y1_EINPUT, "%s: a constant model takes value, not slope, "
                           "intercept or floor", y1_ywhere(d, m, w, sizeof w));
        if ((rc = y1_ynum(d, m, "value", 1, 0, 1e12, &out->intercept, err))) return rc;
    } else if (!strcmp(model, "linear")) {
        if (!has_n(t->dim))
            return y1_errf(err, Y1_EINPUT, "%s: task %s: a linear model needs visits per coadd "
                           "n, which only the dimensions patch x band and patch have (this task: "
                           "%s)", y1_ywhere(d, y1_yget(d, m, "model"), w, sizeof w), t->label,
                           pipe_dim_format(t->dim, t->healpix_order, dn, sizeof dn));
        if (y1_yget(d, m, "value"))
            return y1_errf(err, Y1_EINPUT, "%s: a linear model takes slope and intercept, not "
                           "value", y1_ywhere(d, y1_yget(d, m, "value"), w, sizeof w));
        if ((rc = y1_ynum(d, m, "slope", 1, -1e12, 1e12, &out->slope, err)) ||
            (rc = y1_ynum(d, m, "intercept", 1, -1e12, 1e12, &out->intercept, err)))
            return rc;
        if (y1_yget(d, m, "floor")) {
            if ((rc = y1_ynum(d, m, "floor", 1, 0, 1e12, &floor_v, err))) return rc;
            out->has_floor = 1;
            out->floor = floor_v * f;
        }
        /* without a floor the line must not go negative at n >= 1 */
        if (!out->has_floor && (out->slope + out->intercept < 0 || out->slope < 0))
            return y1_errf(err, Y1_EINPUT, "%s: task %s: the line goes negative for n >= 1 "
                           "(slope %g, intercept %g): give a floor", y1_ywhere(d, m, w, sizeof w),
                           t->label, out->slope, out->intercept);
        out->is_linear = 1;
        out->slope *= f;
    } else {
        return y1_errf(err, Y1_EINPUT, "%s: model must be constant or linear, got '%s'",
                       y1_ywhere(d, y1_yget(d, m, "model"), w, sizeof w), model);
    }
    out->intercept *= f;
    snprintf(out->statistic, sizeof out->statistic, "%s", stat);
    if (source && !(out->source = dupstr(source))) return oom(d, err);
    return Y1_OK;
}

static int load_dim(y1_ydoc *d, yaml_node_t *map, int required, pipe_dim *dim, int *order,
                    int *given, y1_err *err)
{
    const char *s = NULL;
    char w[600];
    int rc = y1_ystr(d, map, "dimensions", required, &s, err);
    *given = s != NULL;
    if (rc || !s) return rc;
    if (pipe_dim_parse(s, dim, order))
        return y1_errf(err, Y1_EINPUT, "%s: unknown dimensions '%s' (expected one of: %s)",
                       y1_ywhere(d, y1_yget(d, map, "dimensions"), w, sizeof w), s,
                       dim_vocabulary);
    return Y1_OK;
}

static void model_clear(pipe_model *m) { free(m->source); m->source = NULL; }

static void task_clear(pipe_task *t)
{
    free(t->label);
    free(t->source);
    model_clear(&t->cpu);
    model_clear(&t->mem);
    for (size_t i = 0; i < t->n_inputs; i++) free(t->inputs[i]);
    free(t->inputs);
    free(t->input_pos);
    memset(t, 0, sizeof *t);
}

/* A task label or dataset type name: a letter or '_', then letters, digits, '_', '.' or '-'.
 * They are written unquoted into CSV and Markdown tables and as BPS YAML keys, where a comma,
 * a '|', a colon or a '#' would change what the row or the key says. */
static int name_ok(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_') return 0;
    for (s++; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_.-", *s)) return 0;
    return 1;
}

static int load_task(y1_ydoc *d, yaml_node_t *m, pipe_task *t, y1_err *err)
{
    static const char *const keys[] = {"label", "order", "dimensions", "source", "inputs", "cpu",
                                       "memory", NULL};
    const char *label = NULL, *source = NULL;
    char w[600];
    long order = 0;
    int given, rc;
    memset(t, 0, sizeof *t);
    if ((rc = y1_yexpect(d, m, YAML_MAPPING_NODE, "a task mapping {label, order, dimensions, "
                           "cpu, memory, source}", err)) ||
        (rc = y1_ycheck_keys(d, m, keys, "a task", err)) ||
        (rc = y1_ystr(d, m, "label", 1, &label, err)))
        return rc;
    t->pos = at(m);
    if (!name_ok(label))
        return y1_yerr(d, y1_yget(d, m, "label"), err, "label: expected a task label (a letter or "
                       "'_', then letters, digits, '_', '.' or '-'), got '%.80s'", label);
    if (!(t->label = dupstr(label))) return oom(d, err);
    if ((rc = y1_yint(d, m, "order", 1, 0, 1000000, &order, err)) ||
        (rc = load_dim(d, m, 1, &t->dim, &t->healpix_order, &given, err)) ||
        (rc = y1_ystr(d, m, "source", 1, &source, err)))
        return rc;
    t->order = (int)order;
    t->order_pos = at(y1_yget(d, m, "order"));
    if (!(t->source = dupstr(source))) return oom(d, err);
    yaml_node_t *cpu = y1_yget(d, m, "cpu"), *mem = y1_yget(d, m, "memory");
    if (!cpu)
        return y1_errf(err, Y1_EINPUT, "%s: task %s has no resource model: missing required key "
                       "'cpu'", y1_ywhere(d, m, w, sizeof w), label);
    if ((rc = load_model(d, cpu, 1, t, &t->cpu, &t->cpu_weighted, err))) return rc;
    if (!mem && !t->cpu_weighted)
        return y1_errf(err, Y1_EINPUT, "%s: task %s has no memory model: missing required key "
                       "'memory' (only a core-weighted CPU model, weighted: true, may omit it)",
                       y1_ywhere(d, m, w, sizeof w), label);
    if (mem) {
        if ((rc = load_model(d, mem, 0, t, &t->mem, NULL, err))) return rc;
        t->has_memory = 1;
    }
    yaml_node_t *in = y1_yget(d, m, "inputs");
    if (in) {
        if ((rc = y1_yexpect(d, in, YAML_SEQUENCE_NODE, "a list of dataset types", err)))
            return rc;
        size_t n = (size_t)(in->data.sequence.items.top - in->data.sequence.items.start);
        if (!(t->inputs = calloc(n ? n : 1, sizeof *t->inputs)) ||
            !(t->input_pos = calloc(n ? n : 1, sizeof *t->input_pos)))
            return oom(d, err);
        for (yaml_node_item_t *it = in->data.sequence.items.start;
             it < in->data.sequence.items.top; it++) {
            yaml_node_t *v = y1_ynode(d, *it);
            const char *s = y1_yscalar(v);
            if (!s || !*s)
                return y1_errf(err, Y1_EINPUT, "%s: expected a dataset type name",
                               y1_ywhere(d, v, w, sizeof w));
            t->input_pos[t->n_inputs] = at(v);
            if (!(t->inputs[t->n_inputs++] = dupstr(s))) return oom(d, err);
        }
    }
    return Y1_OK;
}

static int load_product(y1_ydoc *d, yaml_node_t *m, int is_raw, pipe_product *p,
                        const char **task, int *dim_given, y1_err *err)
{
    static const char *const keys[] = {"task", "dataset", "dimensions", "size", "unit", "keep",
                                       "release", "source", NULL};
    static const char *const raw_keys[] = {"dataset", "dimensions", "size", "unit", "source",
                                           NULL};
    const char *dataset = NULL, *unit = NULL, *source = NULL;
    char w[600];
    int rc;
    double ub;
    memset(p, 0, sizeof *p);
    p->keep = is_raw;
    if ((rc = y1_yexpect(d, m, YAML_MAPPING_NODE, "a dataset type mapping {task, dataset, "
                           "size, unit, keep}", err)) ||
        (rc = y1_ycheck_keys(d, m, is_raw ? raw_keys : keys, is_raw ? "the raw data" :
                         "a dataset type", err)) ||
        (rc = y1_ystr(d, m, "task", !is_raw, task, err)) ||
        (rc = y1_ystr(d, m, "dataset", 1, &dataset, err)) ||
        (rc = load_dim(d, m, is_raw, &p->dim, &p->healpix_order, dim_given, err)) ||
        (rc = y1_ynum(d, m, "size", 1, 0, 1e12, &p->size, err)) ||
        (rc = y1_ystr(d, m, "unit", 1, &unit, err)) ||
        (rc = y1_ybool(d, m, "keep", 0, &p->keep, err)) ||
        (rc = y1_ybool(d, m, "release", 0, &p->release, err)) ||
        (rc = y1_ystr(d, m, "source", 0, &source, err)))
        return rc;
    if (!name_ok(dataset))
        return y1_yerr(d, y1_yget(d, m, "dataset"), err, "dataset: expected a dataset type name "
                       "(a letter or '_', then letters, digits, '_', '.' or '-'), got '%.80s'",
                       dataset);
    if (size_bytes(unit, &ub))
        return y1_errf(err, Y1_EINPUT, "%s: unit must be MB, MiB, GB or GiB, got '%s'",
                       y1_ywhere(d, y1_yget(d, m, "unit"), w, sizeof w), unit);
    p->size_bytes = p->size * ub;
    snprintf(p->unit, sizeof p->unit, "%s", unit);
    p->pos = at(m);
    if (!(p->dataset = dupstr(dataset)) || (source && !(p->source = dupstr(source))))
        return oom(d, err);
    return Y1_OK;
}

static int cmp_order(const void *a, const void *b)
{
    const pipe_task *x = a, *y = b;
    return (x->order > y->order) - (x->order < y->order);
}

long pipe_find_task(const pipe_pipeline *p, const char *label)
{
    for (size_t i = 0; i < p->n_tasks; i++)
        if (!strcmp(p->tasks[i].label, label)) return (long)i;
    return -1;
}

static long find_product(const pipe_pipeline *p, const char *dataset)
{
    for (size_t i = 0; i < p->n_products; i++)
        if (!strcmp(p->products[i].dataset, dataset)) return (long)i;
    return -1;
}

/* The file a name or path stands for: an existing path, else datadir/pipelines/NAME.yaml. */
static int resolve(const char *arg, const char *datadir, char *path, size_t n, y1_err *err)
{
    struct stat sb;
    if (strchr(arg, '/') || stat(arg, &sb) == 0) {
        snprintf(path, n, "%s", arg);
        return Y1_OK;
    }
    for (const char *c = arg; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
            return y1_errf(err, Y1_EIO, "pipeline '%s': no such file, and not a pipeline name",
                           arg);
    const char *dir = datadir ? datadir : Y1_DATADIR;
    snprintf(path, n, "%s/pipelines/%s.yaml", dir, arg);
    if (stat(path, &sb) == 0) return Y1_OK;
    /* say which names there are */
    char names[300], pdir[1024];
    snprintf(pdir, sizeof pdir, "%s/pipelines", dir);
    y1_list_yaml(names, sizeof names, pdir, ", ");
    return y1_errf(err, Y1_EIO, "pipeline '%s': no such file, and no %s (known names: %s)", arg,
                   path, *names ? names : "none");
}

int pipe_load(pipe_pipeline **out, const char *name_or_path, const char *datadir, y1_err *err)
{
    static const char *const keys[] = {"y1est_pipeline", "name", "description", "source", "raw",
                                       "tasks", "products", NULL};
    char path[1024], w[600];
    y1_ydoc d;
    int rc;
    long version = 0;
    const char *name = NULL, *desc = NULL, *source = NULL;
    memset(&d, 0, sizeof d);
    pipe_pipeline *p = calloc(1, sizeof *p);
    if (!p) return y1_errf(err, Y1_ENOMEM, "pipeline: out of memory");
    if ((rc = resolve(name_or_path, datadir, path, sizeof path, err))) goto done;
    if (!(p->path = dupstr(path))) { rc = y1_errf(err, Y1_ENOMEM, "out of memory"); goto done; }
    if ((rc = y1_ydoc_load(&d, p->path, "a pipeline definition", err))) goto done;
    yaml_node_t *root = y1_ydoc_root(&d);
    if ((rc = y1_yexpect(&d, root, YAML_MAPPING_NODE, "a mapping with y1est_pipeline, name, "
                           "tasks and products", err)) ||
        (rc = y1_ycheck_keys(&d, root, keys, "a pipeline file", err)) ||
        (rc = y1_yint(&d, root, "y1est_pipeline", 1, 1, 1, &version, err)) ||
        (rc = y1_ystr(&d, root, "name", 1, &name, err)) ||
        (rc = y1_ystr(&d, root, "description", 0, &desc, err)) ||
        (rc = y1_ystr(&d, root, "source", 1, &source, err)))
        goto done;
    if (!(p->name = dupstr(name)) || (desc && !(p->description = dupstr(desc))) ||
        !(p->source = dupstr(source))) {
        rc = oom(&d, err);
        goto done;
    }

    /* tasks */
    yaml_node_t *list = y1_yget(&d, root, "tasks");
    if (!list) {
        rc = y1_errf(err, Y1_EINPUT, "%s: missing required key 'tasks'", p->path);
        goto done;
    }
    if ((rc = y1_yexpect(&d, list, YAML_SEQUENCE_NODE, "a list of tasks", err))) goto done;
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (!n) {
        rc = y1_errf(err, Y1_EINPUT, "%s: expected at least one task",
                     y1_ywhere(&d, list, w, sizeof w));
        goto done;
    }
    if (!(p->tasks = calloc(n, sizeof *p->tasks))) { rc = oom(&d, err); goto done; }
    for (yaml_node_item_t *it = list->data.sequence.items.start;
         it < list->data.sequence.items.top; it++) {
        pipe_task *t = &p->tasks[p->n_tasks++];
        if ((rc = load_task(&d, y1_ynode(&d, *it), t, err))) goto done;
        for (size_t j = 0; j + 1 < p->n_tasks; j++) {
            if (!strcmp(p->tasks[j].label, t->label)) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: duplicate task label '%s' (first at line "
                             "%d)", p->path, t->pos.line, t->pos.col, t->label,
                             p->tasks[j].pos.line);
                goto done;
            }
            if (p->tasks[j].order == t->order) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: task %s: invalid order: position %d is "
                             "already task %s (line %d)", p->path, t->order_pos.line,
                             t->order_pos.col, t->label, t->order, p->tasks[j].label,
                             p->tasks[j].pos.line);
                goto done;
            }
        }
    }
    qsort(p->tasks, p->n_tasks, sizeof *p->tasks, cmp_order);

    /* raw */
    yaml_node_t *raw = y1_yget(&d, root, "raw");
    if (raw) {
        const char *none = NULL;
        int given;
        if ((rc = load_product(&d, raw, 1, &p->raw, &none, &given, err))) goto done;
        p->has_raw = 1;
    }

    /* products */
    list = y1_yget(&d, root, "products");
    if (!list) {
        rc = y1_errf(err, Y1_EINPUT, "%s: missing required key 'products'", p->path);
        goto done;
    }
    if ((rc = y1_yexpect(&d, list, YAML_SEQUENCE_NODE, "a list of dataset types", err)))
        goto done;
    n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (!(p->products = calloc(n ? n : 1, sizeof *p->products))) { rc = oom(&d, err); goto done; }
    for (yaml_node_item_t *it = list->data.sequence.items.start;
         it < list->data.sequence.items.top; it++) {
        yaml_node_t *m = y1_ynode(&d, *it);
        pipe_product *pr = &p->products[p->n_products++];
        const char *task = NULL;
        int dim_given = 0;
        if ((rc = load_product(&d, m, 0, pr, &task, &dim_given, err))) goto done;
        long ti = pipe_find_task(p, task);
        if (ti < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: dataset type %s: its task '%s' is not in the "
                         "pipeline", y1_ywhere(&d, y1_yget(&d, m, "task"), w, sizeof w),
                         pr->dataset, task);
            goto done;
        }
        pr->task = (size_t)ti;
        if (!dim_given) {   /* one file per quantum of its task, unless stated */
            pr->dim = p->tasks[ti].dim;
            pr->healpix_order = p->tasks[ti].healpix_order;
        }
        if (find_product(p, pr->dataset) != (long)p->n_products - 1 ||
            (p->has_raw && !strcmp(p->raw.dataset, pr->dataset))) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: duplicate dataset type '%s'", p->path,
                         pr->pos.line, pr->pos.col, pr->dataset);
            goto done;
        }
    }

    /* inputs: each names a dataset type of an earlier task (or the raw data); one produced at
     * the same or a later position would make the order a cycle */
    for (size_t i = 0; i < p->n_tasks; i++) {
        pipe_task *t = &p->tasks[i];
        for (size_t k = 0; k < t->n_inputs; k++) {
            if (p->has_raw && !strcmp(t->inputs[k], p->raw.dataset)) continue;
            long j = find_product(p, t->inputs[k]);
            if (j < 0) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: task %s: input '%s' is not a dataset type "
                             "of the pipeline", p->path, t->input_pos[k].line, t->input_pos[k].col,
                             t->label, t->inputs[k]);
                goto done;
            }
            const pipe_task *src = &p->tasks[p->products[j].task];
            if (src->order >= t->order) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: task %s (order %d): invalid order, a "
                             "cycle: its input %s is produced by task %s at order %d, not before "
                             "it", p->path, t->input_pos[k].line, t->input_pos[k].col, t->label,
                             t->order, t->inputs[k], src->label, src->order);
                goto done;
            }
        }
    }
    *out = p;
    p = NULL;
done:
    y1_ydoc_free(&d);
    pipe_free(p);
    return rc;
}

void pipe_free(pipe_pipeline *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n_tasks; i++) task_clear(&p->tasks[i]);
    for (size_t i = 0; i < p->n_products; i++) {
        free(p->products[i].dataset);
        free(p->products[i].source);
    }
    free(p->raw.dataset);
    free(p->raw.source);
    free(p->tasks);
    free(p->products);
    free(p->name);
    free(p->description);
    free(p->source);
    free(p->path);
    free(p);
}

int pipe_depends(const pipe_pipeline *p, size_t a, size_t b, unsigned *keys)
{
    const pipe_task *ta = &p->tasks[a], *tb = &p->tasks[b];
    if (ta->order >= tb->order) return 0;
    if (tb->n_inputs) {
        int uses = 0;
        for (size_t k = 0; k < tb->n_inputs && !uses; k++) {
            long j = find_product(p, tb->inputs[k]);
            uses = j >= 0 && p->products[j].task == a;
        }
        if (!uses) return 0;
    }
    *keys = pipe_dim_keys(ta->dim) & pipe_dim_keys(tb->dim);
    /* healpix pixels and tracts are different tilings: sharing the word means nothing */
    if ((pipe_dim_keys(ta->dim) ^ pipe_dim_keys(tb->dim)) & PIPE_KEY_HEALPIX)
        *keys &= ~(unsigned)PIPE_KEY_HEALPIX;
    return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Computation
 * ------------------------------------------------------------------------------------------- */

void pipe_counts_init(pipe_counts *c)
{
    memset(c, 0, sizeof *c);
    for (int d = 0; d < PIPE_DIM_COUNT; d++) c->n[d] = -1;
    for (int o = 0; o <= PIPE_HEALPIX_MAX_ORDER; o++) c->healpix[o] = c->healpix_band[o] = -1;
    c->n[PIPE_DIM_GLOBAL] = 1;
}

void pipe_conv_rtn109(pipe_conv *c)
{
    /* RTN-109: "about 4 GB per core", 120 cores per node (USDF Milano nodes) */
    c->mem_per_core_gib = 4.0;
    c->cores_per_node = 120;
}

double pipe_dim_count(const pipe_counts *c, pipe_dim d, int order)
{
    int64_t v;
    if (d == PIPE_DIM_HEALPIX) v = c->healpix[order];
    else if (d == PIPE_DIM_HEALPIX_BAND) v = c->healpix_band[order];
    else v = c->n[d];
    return v < 0 ? -1 : (double)v;
}

double pipe_model_eval(const pipe_model *m, double n)
{
    double v = m->is_linear ? m->slope * n + m->intercept : m->intercept;
    return m->has_floor && v < m->floor ? m->floor : v;
}

static double cores_for(double mem_gib, const pipe_conv *v)
{
    double c = ceil(mem_gib / v->mem_per_core_gib);
    return c < 1 ? 1 : c;
}

/* One group of instances that share n: adds to r. */
static int add_group(const pipe_task *t, double count, double n, const pipe_conv *v,
                     pipe_task_result *r, double *mem_sum, y1_err *err)
{
    double cpu = pipe_model_eval(&t->cpu, n);
    double mem = t->has_memory ? pipe_model_eval(&t->mem, n) : NAN;
    if (!isfinite(cpu) || cpu < 0 || (t->has_memory && (!isfinite(mem) || mem < 0)))
        return y1_errf(err, Y1_EINPUT, "task %s: the model gives a negative or non-finite %s at "
                       "n = %g", t->label, isfinite(cpu) && cpu >= 0 ? "memory" : "CPU time", n);
    r->instances += count;
    if (t->cpu_weighted) {
        r->weighted_cpu_s += count * cpu;
    } else {
        r->cpu_s += count * cpu;
        r->weighted_cpu_s += count * cpu * cores_for(mem, v);
    }
    if (t->has_memory) {
        *mem_sum += count * mem;
        if (mem > r->max_mem_gib) r->max_mem_gib = mem;
    }
    return Y1_OK;
}

static int task_result(const pipe_task *t, const pipe_counts *c, const pipe_conv *v,
                       pipe_task_result *out, y1_err *err)
{
    pipe_task_result r;
    char dn[64];
    double mem_sum = 0;
    int rc;
    memset(&r, 0, sizeof r);
    double count = pipe_dim_count(c, t->dim, t->healpix_order);
    if (count < 0)
        return y1_errf(err, Y1_EINPUT, "task %s: the workload has no count of its dimensions "
                       "(%s)", t->label, pipe_dim_format(t->dim, t->healpix_order, dn, sizeof dn));
    const int64_t *hist = NULL;
    int maxn = 0;
    if (t->dim == PIPE_DIM_PATCH_BAND) { hist = c->coadd_hist; maxn = c->coadd_hist_max; }
    if (t->dim == PIPE_DIM_PATCH) { hist = c->patch_hist; maxn = c->patch_hist_max; }
    int linear = t->cpu.is_linear || (t->has_memory && t->mem.is_linear);
    if (hist) {
        /* a histogram of other coadds would silently give other instances */
        double sum = 0;
        for (int n = 0; n <= maxn; n++) sum += (double)hist[n];
        if (sum != count)
            return y1_errf(err, Y1_EINPUT, "task %s: the histogram of n holds %.0f %s, but the "
                           "workload counts %.0f", t->label, sum, t->dim == PIPE_DIM_PATCH ?
                           "patches" : "coadds", count);
        for (int n = 0; n <= maxn; n++) {
            if (!hist[n]) continue;
            if ((rc = add_group(t, (double)hist[n], n, v, &r, &mem_sum, err))) return rc;
            r.n_max = n;
        }
    } else if (linear) {
        double warps = pipe_dim_count(c, PIPE_DIM_VISIT_TRACT_PATCH, 0);
        if (warps < 0)
            return y1_errf(err, Y1_EINPUT, "task %s: its model is linear in the visits per "
                           "coadd, and the workload has neither a histogram of n nor the warps "
                           "(visit x tract x patch) for the mean n", t->label);
        r.from_mean_n = 1;
        if ((rc = add_group(t, count, count > 0 ? warps / count : 0, v, &r, &mem_sum, err)))
            return rc;
    } else if (count > 0) {
        if ((rc = add_group(t, count, 0, v, &r, &mem_sum, err))) return rc;
    }
    if (t->cpu_weighted) r.cpu_s = NAN;
    r.mean_mem_gib = t->has_memory ? (r.instances > 0 ? mem_sum / r.instances : 0) : NAN;
    if (!t->has_memory) r.max_mem_gib = NAN;
    r.node_days = r.weighted_cpu_s / ((double)v->cores_per_node * 86400.0);
    *out = r;
    return Y1_OK;
}

/* Products by total size, largest first; ties in file order. */
typedef struct size_key { double bytes; size_t i; } size_key;
static int cmp_size(const void *a, const void *b)
{
    const size_key *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes < y->bytes ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

int pipe_compute(const pipe_pipeline *p, const pipe_counts *c, const pipe_conv *v,
                 pipe_result *out, y1_err *err)
{
    pipe_result r;
    size_key *keys = NULL;
    char dn[64];
    int rc = Y1_OK;
    memset(&r, 0, sizeof r);
    if (v->mem_per_core_gib <= 0 || v->cores_per_node < 1)
        return y1_errf(err, Y1_EINPUT, "conventions: memory per core and cores per node must be "
                       "positive");
    r.tasks = calloc(p->n_tasks, sizeof *r.tasks);
    r.products = calloc(p->n_products ? p->n_products : 1, sizeof *r.products);
    r.by_size = calloc(p->n_products ? p->n_products : 1, sizeof *r.by_size);
    if (!r.tasks || !r.products || !r.by_size) {
        rc = y1_errf(err, Y1_ENOMEM, "pipeline %s: out of memory", p->name);
        goto done;
    }
    int cpu_known = 1;
    for (size_t i = 0; i < p->n_tasks; i++) {
        if ((rc = task_result(&p->tasks[i], c, v, &r.tasks[i], err))) goto done;
        if (isnan(r.tasks[i].cpu_s)) cpu_known = 0;
        else r.cpu_s += r.tasks[i].cpu_s;
        r.weighted_cpu_s += r.tasks[i].weighted_cpu_s;
        r.node_days += r.tasks[i].node_days;
        r.tasks[i].cum_node_days = r.node_days;
    }
    if (!cpu_known) r.cpu_s = NAN;
    for (size_t i = 0; i < p->n_products; i++) {
        const pipe_product *pr = &p->products[i];
        double count = pipe_dim_count(c, pr->dim, pr->healpix_order);
        if (count < 0) {
            rc = y1_errf(err, Y1_EINPUT, "dataset type %s: the workload has no count of its "
                         "dimensions (%s)", pr->dataset,
                         pipe_dim_format(pr->dim, pr->healpix_order, dn, sizeof dn));
            goto done;
        }
        r.products[i].count = count;
        r.products[i].bytes = count * pr->size_bytes;
        r.all_bytes += r.products[i].bytes;
        if (pr->keep) r.keep_bytes += r.products[i].bytes;
        if (pr->release) r.release_bytes += r.products[i].bytes;
    }
    if (p->has_raw) {
        double count = pipe_dim_count(c, p->raw.dim, p->raw.healpix_order);
        if (count < 0) {
            rc = y1_errf(err, Y1_EINPUT, "raw data: the workload has no count of its dimensions "
                         "(%s)", pipe_dim_format(p->raw.dim, p->raw.healpix_order, dn, sizeof dn));
            goto done;
        }
        r.raw_bytes = count * p->raw.size_bytes;
    }
    if (!(keys = calloc(p->n_products ? p->n_products : 1, sizeof *keys))) {
        rc = y1_errf(err, Y1_ENOMEM, "pipeline %s: out of memory", p->name);
        goto done;
    }
    for (size_t i = 0; i < p->n_products; i++) keys[i] = (size_key){r.products[i].bytes, i};
    qsort(keys, p->n_products, sizeof *keys, cmp_size);
    for (size_t k = 0; k < p->n_products; k++) r.by_size[k] = keys[k].i;
    double cum = 0;
    for (size_t k = 0; k < p->n_products; k++) {
        cum += r.products[r.by_size[k]].bytes;
        r.products[r.by_size[k]].cum_fraction = r.all_bytes > 0 ? cum / r.all_bytes : 0;
    }
    *out = r;
    memset(&r, 0, sizeof r);
done:
    free(keys);
    pipe_result_clear(&r);
    return rc;
}

void pipe_result_clear(pipe_result *r)
{
    free(r->tasks);
    free(r->products);
    free(r->by_size);
    memset(r, 0, sizeof *r);
}
