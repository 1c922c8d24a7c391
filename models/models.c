/* models.c: model sets: load a model file (models/NAME.yaml; libyaml document tree, strict
 * keys), write one back, and evaluate a task's CPU (s) and peak memory (GiB) at n visits. */
#include "models/models.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_out.h"
#include "common/y1_yaml.h"
#include "common/y1_grow.h"

struct mdl_set {
    char *name;          /* set name, e.g. "rtn028-dc2-3828" */
    char *description;   /* free text, may be NULL */
    char *path;          /* file it was loaded from, or NULL */
    mdl_task *tasks;     /* owned, tasks[0..n) */
    size_t n, cap;
};

/* ---- levels ------------------------------------------------------------------------------- */

static const char *const level_names[] = {"ccd", "warp", "coadd", "patch", "visit"};

const char *mdl_level_name(mdl_level level)
{
    if ((unsigned)level < sizeof level_names / sizeof level_names[0]) return level_names[level];
    return "?";
}

int mdl_level_parse(const char *s, mdl_level *out)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (!strcmp(s, level_names[i])) {
            *out = (mdl_level)i;
            return Y1_OK;
        }
    return Y1_EINPUT;
}

/* Instance units of RTN-028 (tabulate_pipetask_resources.py in LSSTDESC/gen3_workflow). */
static const struct { const char *label; mdl_level level; } known_levels[] = {
    {"isr", MDL_CCD}, {"characterizeImage", MDL_CCD}, {"calibrate", MDL_CCD},
    {"writeSourceTable", MDL_CCD}, {"transformSourceTable", MDL_CCD},
    {"makeWarp", MDL_WARP},
    {"assembleCoadd", MDL_COADD}, {"detection", MDL_COADD}, {"measure", MDL_COADD},
    {"forcedPhotCoadd", MDL_COADD}, {"templateGen", MDL_COADD},
    {"selectGoodSeeingVisits", MDL_COADD},
    {"mergeCoaddDetections", MDL_PATCH}, {"deblend", MDL_PATCH}, {"mergeMeasurements", MDL_PATCH},
    {"consolidateVisitSummary", MDL_VISIT}, {"skyCorrectionTask", MDL_VISIT},
};

int mdl_level_of_label(const char *label, mdl_level *out)
{
    for (size_t i = 0; i < sizeof known_levels / sizeof known_levels[0]; i++)
        if (!strcmp(label, known_levels[i].label)) {
            *out = known_levels[i].level;
            return 1;
        }
    return 0;
}

/* ---- evaluation --------------------------------------------------------------------------- */

double mdl_linear_eval(const mdl_linear *m, double n)
{
    return m->is_linear ? m->slope * n + m->intercept : m->intercept;
}
double mdl_cpu_s(const mdl_task *t, double n) { return mdl_linear_eval(&t->cpu_s, n); }
double mdl_maxrss_gib(const mdl_task *t, double n) { return mdl_linear_eval(&t->maxrss_gib, n); }

/* ---- the set ------------------------------------------------------------------------------ */

static void task_clear(mdl_task *t)
{
    free(t->label);
    free(t->source);
}

int mdl_set_new(mdl_set **out, const char *name, const char *description, y1_err *err)
{
    mdl_set *s = calloc(1, sizeof *s);
    if (!s) goto nomem;
    s->name = strdup(name ? name : "");
    if (!s->name) goto nomem;
    if (description && !(s->description = strdup(description))) goto nomem;
    *out = s;
    return Y1_OK;
nomem:
    mdl_set_free(s);
    return y1_errf(err, Y1_ENOMEM, "model set: out of memory");
}

void mdl_set_free(mdl_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) task_clear(&s->tasks[i]);
    free(s->tasks);
    free(s->name);
    free(s->description);
    free(s->path);
    free(s);
}

size_t mdl_set_count(const mdl_set *s) { return s->n; }
const mdl_task *mdl_set_task(const mdl_set *s, size_t i) { return i < s->n ? &s->tasks[i] : NULL; }
const char *mdl_set_name(const mdl_set *s) { return s->name; }
const char *mdl_set_description(const mdl_set *s) { return s->description; }
const char *mdl_set_path(const mdl_set *s) { return s->path; }

const mdl_task *mdl_set_find(const mdl_set *s, const char *label)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->tasks[i].label, label)) return &s->tasks[i];
    return NULL;
}

/* Checks shared by the loader and mdl_set_add. what names the quantity in the message. */
static const char *linear_problem(const mdl_linear *m)
{
    if (!isfinite(m->slope) || !isfinite(m->intercept)) return "is not a finite number";
    if (!m->is_linear && m->intercept < 0) return "is negative";
    if (m->is_linear && m->slope + m->intercept < 0) return "is negative at n = 1";
    if (!m->is_linear && m->slope != 0) return "is constant but has a slope";
    if (m->slope_sigma < 0 || m->intercept_sigma < 0 || isinf(m->slope_sigma) ||
        isinf(m->intercept_sigma))
        return "has a negative or infinite uncertainty";
    if (m->coverage < 0 || m->coverage > 1) return "has a coverage outside [0, 1]";
    if (m->points < 0) return "has a negative point count";
    return NULL;
}

int mdl_set_add(mdl_set *s, const mdl_task *t, y1_err *err)
{
    const char *p;
    if (!t->label || !*t->label) return y1_errf(err, Y1_EINPUT, "model set: empty task label");
    if (mdl_set_find(s, t->label))
        return y1_errf(err, Y1_EINPUT, "model set: task '%s' appears twice", t->label);
    if ((p = linear_problem(&t->cpu_s)))
        return y1_errf(err, Y1_EINPUT, "model set: task '%s': cpu model %s", t->label, p);
    if ((p = linear_problem(&t->maxrss_gib)))
        return y1_errf(err, Y1_EINPUT, "model set: task '%s': maxrss model %s", t->label, p);
    if (y1_grow(&s->tasks, &s->cap, s->n + 1, sizeof *s->tasks, 16))
        return y1_errf(err, Y1_ENOMEM, "model set: out of memory");
    mdl_task *d = &s->tasks[s->n];
    *d = *t;
    d->label = strdup(t->label);
    d->source = t->source ? strdup(t->source) : NULL;
    if (!d->label || (t->source && !d->source)) {
        task_clear(d);
        return y1_errf(err, Y1_ENOMEM, "model set: out of memory");
    }
    s->n++;
    return Y1_OK;
}

/* ---- loader ------------------------------------------------------------------------------- */

typedef struct ld {
    y1_ydoc *d;          /* the document and its path, for messages */
    y1_err *err;
} ld;

static int at(ld *L, yaml_node_t *nd, const char *fmt, const char *a, const char *b)
{
    char what[400];
    snprintf(what, sizeof what, fmt, a ? a : "", b ? b : "");
    return y1_yerr(L->d, nd, L->err, "%s", what);
}

static const char *scalar(yaml_node_t *nd) { return y1_yscalar(nd); }

static int dup_key(ld *L, yaml_node_t *map, yaml_node_pair_t *p)
{
    return y1_ydup(L->d, map, p, "the model file", L->err);
}

static int get_str(ld *L, yaml_node_t *nd, const char *key, char **out)
{
    const char *s;
    int rc = y1_yval_str(L->d, nd, key, &s, L->err);
    if (rc) return rc;
    char *c = strdup(s);
    if (!c) return y1_errf(L->err, Y1_ENOMEM, "%s: out of memory", L->d->path);
    free(*out);
    *out = c;
    return Y1_OK;
}

/* no task costs 10^12 of anything: such a number is a typo, and would flood the tables */
static int get_num(ld *L, yaml_node_t *nd, const char *key, double *out)
{
    return y1_yval_num(L->d, nd, key, -1e12, 1e12, out, L->err);
}

static int get_bool(ld *L, yaml_node_t *nd, const char *key, int *out)
{
    return y1_yval_bool(L->d, nd, key, out, L->err);
}
/* One quantity block: {model, unit, value | slope + intercept, sigmas, coverage, points}.
 * which is "cpu" (units s|min|h -> seconds) or "maxrss" (GiB|MiB -> GiB). */
static int load_quantity(ld *L, yaml_node_t *nd, const char *which, mdl_linear *m)
{
    if (nd->type != YAML_MAPPING_NODE) return at(L, nd, "%s must be a mapping", which, NULL);
    yaml_node_t *model = NULL, *unit = NULL, *value = NULL, *slope = NULL, *icpt = NULL;
    double scale = NAN, v;
    int rc;
    m->is_linear = 0;
    m->slope = 0;
    m->intercept = NAN;
    m->slope_sigma = m->intercept_sigma = NAN;
    m->coverage = NAN;
    m->points = 0;
    double value_sigma = NAN, slope_sigma = NAN, icpt_sigma = NAN;
    for (yaml_node_pair_t *p = nd->data.mapping.pairs.start; p < nd->data.mapping.pairs.top; p++) {
        yaml_node_t *k = y1_ynode(L->d, p->key);
        yaml_node_t *val = y1_ynode(L->d, p->value);
        const char *key = scalar(k);
        if (!key) return at(L, k, "%s: keys must be strings", which, NULL);
        if ((rc = dup_key(L, nd, p))) return rc;
        if (!strcmp(key, "model")) model = val;
        else if (!strcmp(key, "unit")) unit = val;
        else if (!strcmp(key, "value")) value = val;
        else if (!strcmp(key, "slope")) slope = val;
        else if (!strcmp(key, "intercept")) icpt = val;
        else if (!strcmp(key, "value_sigma")) { if ((rc = get_num(L, val, key, &value_sigma))) return rc; }
        else if (!strcmp(key, "slope_sigma")) { if ((rc = get_num(L, val, key, &slope_sigma))) return rc; }
        else if (!strcmp(key, "intercept_sigma")) { if ((rc = get_num(L, val, key, &icpt_sigma))) return rc; }
        else if (!strcmp(key, "coverage")) {
            if ((rc = get_num(L, val, key, &m->coverage))) return rc;
            if (m->coverage < 0 || m->coverage > 1)
                return at(L, val, "coverage must be in [0, 1], got %s", scalar(val), NULL);
        } else if (!strcmp(key, "points")) {
            if ((rc = get_num(L, val, key, &v))) return rc;
            if (v < 0 || v != floor(v) || v > 1e15)
                return at(L, val, "points must be a non-negative integer, got %s", scalar(val), NULL);
            m->points = (long)v;
        } else return at(L, k, "unknown key '%s' in %s (expected model, unit, value, slope, "
                         "intercept, *_sigma, coverage, points)", key, which);
    }
    if (!model) return at(L, nd, "%s: missing key 'model' (constant or linear)", which, NULL);
    if (!unit) return at(L, nd, "%s: missing key 'unit'", which, NULL);
    const char *u = scalar(unit), *mo = scalar(model);
    if (!strcmp(which, "cpu")) {
        if (u && !strcmp(u, "s")) scale = 1;
        else if (u && !strcmp(u, "min")) scale = 60;
        else if (u && !strcmp(u, "h")) scale = 3600;
        else return at(L, unit, "cpu unit must be s, min or h, got '%s'", u ? u : "?", NULL);
    } else {
        if (u && !strcmp(u, "GiB")) scale = 1;
        else if (u && !strcmp(u, "MiB")) scale = 1.0 / 1024;
        else return at(L, unit, "maxrss unit must be GiB or MiB, got '%s'", u ? u : "?", NULL);
    }
    if (mo && !strcmp(mo, "constant")) {
        if (!value) return at(L, nd, "%s: a constant model needs 'value'", which, NULL);
        if (slope || icpt) return at(L, slope ? slope : icpt,
                                     "%s: a constant model takes 'value', not slope/intercept",
                                     which, NULL);
        if (!isnan(slope_sigma) || !isnan(icpt_sigma))
            return at(L, nd, "%s: a constant model takes value_sigma only", which, NULL);
        if ((rc = get_num(L, value, "value", &v))) return rc;
        if (v < 0) return at(L, value, "%s value must be non-negative, got %s", which, scalar(value));
        m->intercept = v * scale;
        m->intercept_sigma = value_sigma * scale;
    } else if (mo && !strcmp(mo, "linear")) {
        if (value) return at(L, value, "%s: a linear model takes slope and intercept, not value",
                             which, NULL);
        if (!slope || !icpt) return at(L, nd, "%s: a linear model needs 'slope' and 'intercept'",
                                       which, NULL);
        if (!isnan(value_sigma)) return at(L, nd, "%s: a linear model takes slope_sigma and "
                                           "intercept_sigma, not value_sigma", which, NULL);
        double s, c;
        if ((rc = get_num(L, slope, "slope", &s)) || (rc = get_num(L, icpt, "intercept", &c)))
            return rc;
        if (s + c < 0) return at(L, nd, "%s model is negative at n = 1", which, NULL);
        m->is_linear = 1;
        m->slope = s * scale;
        m->intercept = c * scale;
        m->slope_sigma = slope_sigma * scale;
        m->intercept_sigma = icpt_sigma * scale;
    } else return at(L, model, "%s model must be 'constant' or 'linear', got '%s'", which,
                     mo ? mo : "?");
    if (m->slope_sigma < 0 || m->intercept_sigma < 0)
        return at(L, nd, "%s: uncertainties must be non-negative", which, NULL);
    return Y1_OK;
}

static int load_task(ld *L, yaml_node_t *nd, mdl_task *t)
{
    if (nd->type != YAML_MAPPING_NODE) return at(L, nd, "each task must be a mapping", NULL, NULL);
    yaml_node_t *cpu = NULL, *rss = NULL, *level = NULL;
    int rc, have_default = 0;
    t->n_min = t->n_max = NAN;
    for (yaml_node_pair_t *p = nd->data.mapping.pairs.start; p < nd->data.mapping.pairs.top; p++) {
        yaml_node_t *k = y1_ynode(L->d, p->key);
        yaml_node_t *val = y1_ynode(L->d, p->value);
        const char *key = scalar(k);
        if (!key) return at(L, k, "task keys must be strings", NULL, NULL);
        if ((rc = dup_key(L, nd, p))) return rc;
        if (!strcmp(key, "label")) { if ((rc = get_str(L, val, key, &t->label))) return rc; }
        else if (!strcmp(key, "source")) { if ((rc = get_str(L, val, key, &t->source))) return rc; }
        else if (!strcmp(key, "level")) level = val;
        else if (!strcmp(key, "default")) {
            if ((rc = get_bool(L, val, key, &t->is_default))) return rc;
            have_default = 1;
        } else if (!strcmp(key, "cpu")) cpu = val;
        else if (!strcmp(key, "maxrss")) rss = val;
        else if (!strcmp(key, "n_range")) {
            if (y1_yseq_len(val) != 2)
                return at(L, val, "n_range must be a list [min, max]", NULL, NULL);
            if ((rc = get_num(L, y1_yseq_item(L->d, val, 0), "n_range", &t->n_min)) ||
                (rc = get_num(L, y1_yseq_item(L->d, val, 1), "n_range", &t->n_max)))
                return rc;
            if (t->n_min < 0 || t->n_max < t->n_min)
                return at(L, val, "n_range must satisfy 0 <= min <= max", NULL, NULL);
        } else return at(L, k, "unknown task key '%s' (expected label, level, default, source, "
                         "cpu, maxrss, n_range)", key, NULL);
    }
    if (!t->label || !*t->label) return at(L, nd, "task without a 'label'", NULL, NULL);
    if (!level) return at(L, nd, "task '%s': missing key 'level'", t->label, NULL);
    const char *lv = scalar(level);
    if (!lv || mdl_level_parse(lv, &t->level))
        return at(L, level, "level must be ccd, warp, coadd, patch or visit, got '%s'",
                  lv ? lv : "?", NULL);
    if (!have_default) return at(L, nd, "task '%s': missing key 'default' (true or false)",
                                 t->label, NULL);
    if (!cpu) return at(L, nd, "task '%s': missing key 'cpu'", t->label, NULL);
    if (!rss) return at(L, nd, "task '%s': missing key 'maxrss'", t->label, NULL);
    if ((rc = load_quantity(L, cpu, "cpu", &t->cpu_s))) return rc;
    if ((rc = load_quantity(L, rss, "maxrss", &t->maxrss_gib))) return rc;
    return Y1_OK;
}

int mdl_set_load(mdl_set **out, const char *path, y1_err *err)
{
    y1_ydoc doc;
    mdl_set *s = NULL;
    mdl_task t = {0};
    char *name = NULL, *desc = NULL;
    ld L = {&doc, err};
    int rc = y1_ydoc_load(&doc, path, "model settings (y1est_models, name, tasks)", err);
    if (rc) goto done;
    yaml_node_t *root = y1_ydoc_root(&doc);
    yaml_node_t *tasks = NULL, *version = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = y1_ynode(&doc, p->key);
        yaml_node_t *val = y1_ynode(&doc, p->value);
        const char *key = scalar(k);
        if (!key) { rc = at(&L, k, "keys must be strings", NULL, NULL); goto done; }
        if ((rc = dup_key(&L, root, p))) goto done;
        if (!strcmp(key, "y1est_models")) version = val;
        else if (!strcmp(key, "name")) { if ((rc = get_str(&L, val, key, &name))) goto done; }
        else if (!strcmp(key, "description")) { if ((rc = get_str(&L, val, key, &desc))) goto done; }
        else if (!strcmp(key, "tasks")) tasks = val;
        else {
            rc = at(&L, k, "unknown key '%s' (expected y1est_models, name, description, tasks)",
                    key, NULL);
            goto done;
        }
    }
    if (!version) { rc = at(&L, root, "missing key 'y1est_models' (the format version, 1)", NULL, NULL); goto done; }
    if (!scalar(version) || strcmp(scalar(version), "1")) {
        rc = at(&L, version, "unsupported y1est_models version '%s' (this build reads 1)",
                scalar(version) ? scalar(version) : "?", NULL);
        goto done;
    }
    if (!name) { rc = at(&L, root, "missing key 'name'", NULL, NULL); goto done; }
    if (!tasks) { rc = at(&L, root, "missing key 'tasks'", NULL, NULL); goto done; }
    if (y1_yseq_len(tasks) == 0) {
        rc = at(&L, tasks, "tasks must be a non-empty list", NULL, NULL);
        goto done;
    }
    if ((rc = mdl_set_new(&s, name, desc, err))) goto done;
    if (!(s->path = strdup(path))) { rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path); goto done; }
    for (size_t i = 0; i < y1_yseq_len(tasks); i++) {
        yaml_node_t *tn = y1_yseq_item(&doc, tasks, i);
        memset(&t, 0, sizeof t);
        if ((rc = load_task(&L, tn, &t))) goto done;
        if (mdl_set_find(s, t.label)) {
            rc = at(&L, tn, "task '%s' appears twice", t.label, NULL);
            goto done;
        }
        if ((rc = mdl_set_add(s, &t, err))) {
            /* re-prefix with the place: mdl_set_add speaks of "model set" */
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            rc = y1_yerr(&doc, tn, err, "%s", msg);
            goto done;
        }
        task_clear(&t);
        memset(&t, 0, sizeof t);
    }
    *out = s;
    s = NULL;
done:
    task_clear(&t);
    free(name);
    free(desc);
    mdl_set_free(s);
    y1_ydoc_free(&doc);
    return rc;
}

/* ---- writer ------------------------------------------------------------------------------- */

/* YAML double-quoted string with the escapes a reader needs. */
static void put_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(fp, "\\%c", c);
        else if (c == '\n') fputs("\\n", fp);
        else if (c < 0x20) fprintf(fp, "\\x%02x", c);
        else fputc(c, fp);
    }
    fputc('"', fp);
}

static void put_quantity(FILE *fp, const char *key, const char *unit, const mdl_linear *m)
{
    fprintf(fp, "    %s:\n      model: %s\n      unit: %s\n", key,
            m->is_linear ? "linear" : "constant", unit);
    if (m->is_linear) {
        fprintf(fp, "      slope: %.17g\n      intercept: %.17g\n", m->slope, m->intercept);
        if (!isnan(m->slope_sigma)) fprintf(fp, "      slope_sigma: %.17g\n", m->slope_sigma);
        if (!isnan(m->intercept_sigma))
            fprintf(fp, "      intercept_sigma: %.17g\n", m->intercept_sigma);
    } else {
        fprintf(fp, "      value: %.17g\n", m->intercept);
        if (!isnan(m->intercept_sigma)) fprintf(fp, "      value_sigma: %.17g\n", m->intercept_sigma);
    }
    if (!isnan(m->coverage)) fprintf(fp, "      coverage: %.6f\n", m->coverage);
    if (m->points > 0) fprintf(fp, "      points: %ld\n", m->points);
}

int mdl_set_save(const mdl_set *s, const char *path, y1_err *err)
{
    y1_out *o = NULL;
    int rc = y1_out_open(&o, path, err);
    if (rc) return rc;
    FILE *fp = y1_out_fp(o);
    fputs("# y1est per-task resource models. CPU in seconds (unit: s), peak memory in GiB.\n"
          "# Each model is constant, or linear in n = the number of visits in the coadd.\n",
          fp);
    fputs("y1est_models: 1\nname: ", fp);
    put_quoted(fp, s->name);
    fputc('\n', fp);
    if (s->description) {
        fputs("description: ", fp);
        put_quoted(fp, s->description);
        fputc('\n', fp);
    }
    fputs("tasks:\n", fp);
    for (size_t i = 0; i < s->n; i++) {
        const mdl_task *t = &s->tasks[i];
        fputs("  - label: ", fp);
        put_quoted(fp, t->label);
        fprintf(fp, "\n    level: %s\n    default: %s\n", mdl_level_name(t->level),
                t->is_default ? "true" : "false");
        if (t->source) {
            fputs("    source: ", fp);
            put_quoted(fp, t->source);
            fputc('\n', fp);
        }
        if (!isnan(t->n_min) && !isnan(t->n_max))
            fprintf(fp, "    n_range: [%.17g, %.17g]\n", t->n_min, t->n_max);
        put_quantity(fp, "cpu", "s", &t->cpu_s);
        put_quantity(fp, "maxrss", "GiB", &t->maxrss_gib);
    }
    return y1_out_commit(o, err);
}
