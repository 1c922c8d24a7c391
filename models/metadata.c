/* metadata.c: LSST task-metadata files (<label>_metadata) -> one record (CPU s, peak RSS bytes).
 * YAML (PropertySet era, libyaml node tree) and JSON (TaskMetadata era, jansson after a pre-pass
 * for bare NaN/Infinity); rules from ../shared/reference/task-metadata.md sections 3-9. */
#include "models/models.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <yaml.h>

#include "common/y1_input.h"
#include "common/y1_grow.h"
#include "common/y1_num.h"
#include "common/y1_time.h"
#include "common/y1_yaml.h"

/* One metadata item, flattened: section is the top-level section ("calibrate", "quantum", ...,
 * nested sections as "quantum.butler_metrics"), values in file order. */
typedef struct md_item {
    char *section;
    char *key;
    double *v;           /* numeric values (NaN/inf allowed) */
    size_t n;
    int numeric;         /* 0: a string/bool item (v unused) */
    char *text;          /* a string item's last value (the Utc stamps); NULL otherwise */
} md_item;

typedef struct md {
    md_item *it;
    size_t n, cap;
    const char *name;    /* file name, for messages */
    y1_err *err;
} md;

static void md_free(md *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->it[i].section);
        free(m->it[i].key);
        free(m->it[i].v);
        free(m->it[i].text);
    }
    free(m->it);
}

/* Append an item with room for nv values; returns it or NULL (err set). */
static md_item *md_add(md *m, const char *section, const char *key, size_t nv, int numeric)
{
    if (y1_grow(&m->it, &m->cap, m->n + 1, sizeof *m->it, 64)) goto nomem;
    md_item *it = &m->it[m->n];
    memset(it, 0, sizeof *it);
    it->section = strdup(section);
    it->key = strdup(key);
    it->v = calloc(nv ? nv : 1, sizeof *it->v);
    it->numeric = numeric;
    if (!it->section || !it->key || !it->v) {
        free(it->section);
        free(it->key);
        free(it->v);
        goto nomem;
    }
    m->n++;
    return it;
nomem:
    y1_errf(m->err, Y1_ENOMEM, "%s: out of memory", m->name);
    return NULL;
}

static char *join_section(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s%s", a, *a ? "." : "", b);
    return s;
}

/* Real metadata files are tens of KB; 16 MiB leaves room for any task and refuses garbage. */
#define MDL_MD_MAX_BYTES (16u << 20)

/* ---- YAML (PropertySet) ------------------------------------------------------------------- */

/* A PropertySet nests only a few levels (task -> subtask -> method timers); deeper files are
 * refused rather than walked, so recursion stays short. */
#define MDL_MD_MAX_DEPTH 32
/* An alias may point at one value list many times over ("billion laughs"): cap the values. */
#define MDL_MD_MAX_VALUES 4000000
#define MD_STR_(x) #x
#define MD_STR(x) MD_STR_(x)

typedef struct ymd {
    md *m;
    yaml_document_t *doc;
    unsigned char *on_path;  /* per node: 1 while its PropertySet is being walked */
    size_t values;           /* values stored so far, against MDL_MD_MAX_VALUES */
} ymd;

static int ypos(ymd *Y, const yaml_node_t *nd, const char *what, const char *arg)
{
    char msg[300];
    snprintf(msg, sizeof msg, what, arg ? arg : "");
    return y1_errf(Y->m->err, Y1_EINPUT, "%s:%lu:%lu: %s", Y->m->name,
                   (unsigned long)nd->start_mark.line + 1, (unsigned long)nd->start_mark.column + 1,
                   msg);
}

static int is_ps_tag(const yaml_node_t *nd)
{
    const char *t = (const char *)nd->tag;
    if (!t) return 0;
    if (*t == '!') t++;
    return !strcmp(t, "lsst.daf.base.PropertySet") || !strcmp(t, "lsst.daf.base.PropertyList");
}

/* A YAML scalar value of item key as a number: a plain decimal (y1_ynumber_text) read by the
 * one number parser (y1_num_double), or, on purpose, the YAML spellings of NaN and infinity:
 * metadata files hold them for gauges that were never set, and only the timers the records
 * are made of must be finite (checked where they are used). Y1_OK, or Y1_EINPUT at nd's
 * line and column. */
static int ynum(ymd *Y, const yaml_node_t *nd, const char *key, double *out)
{
    const char *s = (const char *)nd->data.scalar.value, *t = y1_ynumber_text(nd);
    int plain = nd->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN"))) { *out = NAN; return Y1_OK; }
    if (plain && (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, "+.inf"))) { *out = INFINITY; return Y1_OK; }
    if (plain && (!strcmp(s, "-.inf") || !strcmp(s, "-.Inf"))) { *out = -INFINITY; return Y1_OK; }
    if (!t) return ypos(Y, nd, "value of '%s' is not a number", key);
    char name[300];
    y1_err why;
    snprintf(name, sizeof name, "value of '%s'", key);
    if (y1_num_double(name, t, -HUGE_VAL, HUGE_VAL, out, &why)) return ypos(Y, nd, "%.280s", why.msg);
    return Y1_OK;
}

static int is_numeric_type(const char *t)
{
    static const char *const num[] = {"Short", "Int", "Long", "LongLong", "UnsignedLongLong",
                                      "Float", "Double"};
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
        if (!strcmp(t, num[i])) return 1;
    return 0;
}

static int yaml_set(ymd *Y, yaml_node_t *seq, const char *section, int depth);

static int yaml_item(ymd *Y, const yaml_node_t *nd, const char *section, int depth)
{
    if (nd->type != YAML_SEQUENCE_NODE)
        return ypos(Y, nd, "expected a [name, type, value] item", NULL);
    yaml_node_item_t *a = nd->data.sequence.items.start;
    long len = nd->data.sequence.items.top - a;
    if (len != 3 && len != 4)
        return ypos(Y, nd, "expected a [name, type, value] or [name, type, value, comment] item", NULL);
    yaml_node_t *name = yaml_document_get_node(Y->doc, a[0]);
    yaml_node_t *type = yaml_document_get_node(Y->doc, a[1]);
    yaml_node_t *val = yaml_document_get_node(Y->doc, a[2]);
    if (name->type != YAML_SCALAR_NODE || type->type != YAML_SCALAR_NODE)
        return ypos(Y, nd, "item name and type must be strings", NULL);
    const char *nm = (const char *)name->data.scalar.value, *tp = (const char *)type->data.scalar.value;
    if (!strcmp(tp, "PropertySet")) {
        if (val->type != YAML_SEQUENCE_NODE || !is_ps_tag(val))
            return ypos(Y, val, "item '%s' of type PropertySet must hold a tagged "
                        "!<lsst.daf.base.PropertySet> sequence", nm);
        char *sub = join_section(section, nm);
        if (!sub) return y1_errf(Y->m->err, Y1_ENOMEM, "%s: out of memory", Y->m->name);
        int rc = yaml_set(Y, val, sub, depth + 1);
        free(sub);
        return rc;
    }
    int numeric = is_numeric_type(tp);
    size_t nv = val->type == YAML_SEQUENCE_NODE
                    ? (size_t)(val->data.sequence.items.top - val->data.sequence.items.start) : 1;
    if (nv > MDL_MD_MAX_VALUES - Y->values)
        return ypos(Y, val, "more than %s values in the file (aliases repeating a list?)",
                    MD_STR(MDL_MD_MAX_VALUES));
    Y->values += nv;
    md_item *it = md_add(Y->m, section, nm, nv, numeric);
    if (!it) return Y1_ENOMEM;
    for (size_t k = 0; k < nv; k++) {
        yaml_node_t *s = val->type == YAML_SEQUENCE_NODE
                             ? yaml_document_get_node(Y->doc, val->data.sequence.items.start[k]) : val;
        if (s->type != YAML_SCALAR_NODE) return ypos(Y, s, "value of '%s' must be a scalar", nm);
        if (!numeric) {
            free(it->text);
            if (!(it->text = strdup((const char *)s->data.scalar.value)))
                return y1_errf(Y->m->err, Y1_ENOMEM, "%s: out of memory", Y->m->name);
            continue;
        }
        int rc = ynum(Y, s, nm, &it->v[k]);
        if (rc) return rc;
        it->n++;
    }
    return Y1_OK;
}

static int yaml_set(ymd *Y, yaml_node_t *seq, const char *section, int depth)
{
    /* an alias (*a) inside the node it anchors (&a) makes the tree a cycle */
    size_t id = (size_t)(seq - Y->doc->nodes.start);
    if (Y->on_path[id])
        return ypos(Y, seq, "this PropertySet contains an alias to itself (a cycle)", NULL);
    if (depth > MDL_MD_MAX_DEPTH)
        return ypos(Y, seq, "PropertySets nested more than %s levels deep",
                    MD_STR(MDL_MD_MAX_DEPTH));
    Y->on_path[id] = 1;
    int rc = Y1_OK;
    for (yaml_node_item_t *p = seq->data.sequence.items.start;
         !rc && p < seq->data.sequence.items.top; p++)
        rc = yaml_item(Y, yaml_document_get_node(Y->doc, *p), section, depth);
    Y->on_path[id] = 0;
    return rc;
}

static int parse_yaml(md *m, const char *text, size_t len)
{
    yaml_document_t doc;
    /* PropertySet files carry tags; the walk below bounds what aliases can do */
    int rc = y1_yaml_load_text(&doc, m->name, text, len, Y1_YAML_TAGS | Y1_YAML_ALIASES, m->err);
    if (rc) return rc;
    ymd Y = {m, &doc, calloc((size_t)(doc.nodes.top - doc.nodes.start) + 1, 1), 0};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!Y.on_path) rc = y1_errf(m->err, Y1_ENOMEM, "%s: out of memory", m->name);
    else if (!root) rc = y1_errf(m->err, Y1_EINPUT, "%s:1:1: empty metadata file", m->name);
    else if (root->type != YAML_SEQUENCE_NODE || !is_ps_tag(root))
        rc = ypos(&Y, root, "the root must be a !<lsst.daf.base.PropertySet> sequence", NULL);
    else rc = yaml_set(&Y, root, "", 0);
    free(Y.on_path);
    yaml_document_delete(&doc);
    return rc;
}

/* ---- JSON (TaskMetadata) ------------------------------------------------------------------ */

/* Bare NaN, Infinity and -Infinity outside strings become the same-length strings "N", "I" and
 * "-I" padded with blanks, so jansson accepts the text and its error columns stay true. Those
 * strings are then read back as NaN/+inf/-inf where a number is expected. */
static void prepass_nan(char *t, size_t len)
{
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
            continue;
        }
        int before_ok = i == 0 || !(t[i - 1] == '_' || isalnum((unsigned char)t[i - 1]));
        if (!before_ok) continue;
        static const struct { const char *tok, *rep; } sub[] = {
            {"-Infinity", "\"-I\"     "}, {"Infinity", "\"I\"     "}, {"NaN", "\"N\""}};
        for (size_t k = 0; k < 3; k++) {
            size_t n = strlen(sub[k].tok);
            if (i + n <= len && !memcmp(t + i, sub[k].tok, n)) {
                char nx = i + n < len ? t[i + n] : ' ';
                if (nx == '_' || isalnum((unsigned char)nx)) break;
                memcpy(t + i, sub[k].rep, n);
                i += n - 1;
                break;
            }
        }
    }
}

/* A JSON value as a number: numbers, the pre-pass strings, and null (DP2 files wrote NaN as
 * null). Returns 1 if numeric. */
static int jnum(const json_t *v, double *out)
{
    if (json_is_number(v)) { *out = json_number_value(v); return 1; }
    if (json_is_null(v)) { *out = NAN; return 1; }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!strcmp(s, "N")) { *out = NAN; return 1; }
        if (!strcmp(s, "I")) { *out = INFINITY; return 1; }
        if (!strcmp(s, "-I")) { *out = -INFINITY; return 1; }
    }
    return 0;
}

static int json_task(md *m, const json_t *o, const char *section, const char *where)
{
    const char *key;
    json_t *v;
    if (!json_is_object(o))
        return y1_errf(m->err, Y1_EINPUT, "%s: %s must be an object with scalars, arrays and "
                       "metadata", m->name, where);
    json_object_foreach((json_t *)o, key, v) {
        if (strcmp(key, "scalars") && strcmp(key, "arrays") && strcmp(key, "metadata"))
            return y1_errf(m->err, Y1_EINPUT, "%s: %s: unknown key '%s' (expected scalars, "
                           "arrays, metadata)", m->name, where, key);
        if (!json_is_object(v))
            return y1_errf(m->err, Y1_EINPUT, "%s: %s.%s must be an object", m->name, where, key);
    }
    const char *name;
    json_t *val;
    json_object_foreach(json_object_get(o, "scalars"), name, val) {
        double d;
        int num = jnum(val, &d);
        md_item *it = md_add(m, section, name, 1, num);
        if (!it) return Y1_ENOMEM;
        if (num) it->v[it->n++] = d;
    }
    json_object_foreach(json_object_get(o, "arrays"), name, val) {
        if (!json_is_array(val))
            return y1_errf(m->err, Y1_EINPUT, "%s: %s.arrays.%s must be a list", m->name, where, name);
        size_t nv = json_array_size(val);
        double d;
        int num = nv > 0 && jnum(json_array_get(val, 0), &d);
        md_item *it = md_add(m, section, name, nv, num);
        if (!it) return Y1_ENOMEM;
        if (!num && nv > 0 && json_is_string(json_array_get(val, nv - 1)) &&
            !(it->text = strdup(json_string_value(json_array_get(val, nv - 1)))))
            return y1_errf(m->err, Y1_ENOMEM, "%s: out of memory", m->name);
        for (size_t k = 0; num && k < nv; k++) {
            if (!jnum(json_array_get(val, k), &it->v[k]))
                return y1_errf(m->err, Y1_EINPUT, "%s: %s.arrays.%s[%zu] is not a number",
                               m->name, where, name, k);
            it->n++;
        }
    }
    json_object_foreach(json_object_get(o, "metadata"), name, val) {
        char *sub = join_section(section, name);
        char w[300];
        if (!sub) return y1_errf(m->err, Y1_ENOMEM, "%s: out of memory", m->name);
        snprintf(w, sizeof w, "%s.metadata.%s", where, name);
        int rc = json_task(m, val, sub, w);
        free(sub);
        if (rc) return rc;
    }
    return Y1_OK;
}

static int parse_json(md *m, const char *text, size_t len)
{
    char *t = malloc(len + 1);
    if (!t) return y1_errf(m->err, Y1_ENOMEM, "%s: out of memory", m->name);
    memcpy(t, text, len);
    t[len] = 0;
    prepass_nan(t, len);
    json_error_t je;
    json_t *root = json_loadb(t, len, JSON_REJECT_DUPLICATES, &je);
    free(t);
    if (!root)
        return y1_errf(m->err, Y1_EINPUT, "%s:%d:%d: malformed JSON: %s", m->name, je.line,
                       je.column, je.text);
    int rc = json_task(m, root, "", "the root");
    json_decref(root);
    return rc;
}

/* ---- records from items ------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static const md_item *find(const md *m, const char *section, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->it[i].section, section) && !strcmp(m->it[i].key, key)) return &m->it[i];
    return NULL;
}

/* First (or last) value of a numeric item that must be finite. */
static int value(const md *m, const md_item *it, int last, double *out)
{
    if (!it->numeric || it->n == 0)
        return y1_errf(m->err, Y1_EINPUT, "%s: %s%s%s is not a number", m->name, it->section,
                       *it->section ? "." : "", it->key);
    double v = it->v[last ? it->n - 1 : 0];
    if (!isfinite(v))
        return y1_errf(m->err, Y1_EINPUT, "%s: %s%s%s is %g, expected a finite number", m->name,
                       it->section, *it->section ? "." : "", it->key, v);
    *out = v;
    return Y1_OK;
}

static int to_record(md *m, mdl_records *out, const mdl_md_opts *o)
{
    const char *label = NULL;
    int rc;
    for (size_t i = 0; i < m->n; i++) {
        const char *s = m->it[i].section;
        if (!*s || strchr(s, ':') || strchr(s, '.') || !strcmp(s, "quantum")) continue;
        if (label && strcmp(label, s))
            return y1_errf(m->err, Y1_EINPUT, "%s: two task sections, '%s' and '%s'; expected "
                           "one task and its subtasks", m->name, label, s);
        label = s;
    }
    if (!label)
        return y1_errf(m->err, Y1_EINPUT, "%s: no task section (only quantum or subtask "
                       "sections)", m->name);
    /* __version__ >= 1: MaxResidentSetSize in bytes; else raw ru_maxrss (KiB on Linux) */
    double version = 0, cpu = -INFINITY, rss = -INFINITY, v;
    for (size_t i = 0; i < m->n; i++) {
        const md_item *it = &m->it[i];
        if (strcmp(it->key, "__version__")) continue;
        /* a version that is not a number (a JSON "1") would silently pick the KiB era */
        int ok = it->numeric && it->n > 0;
        double bad = NAN;
        for (size_t k = 0; ok && k < it->n; k++) {
            ok = isfinite(it->v[k]) && it->v[k] >= 0 && it->v[k] == floor(it->v[k]);
            if (!ok) bad = it->v[k];
            else if (it->v[k] > version) version = it->v[k];
        }
        if (!ok) {
            char got[64] = "a string or boolean";
            if (it->numeric) snprintf(got, sizeof got, "%g", bad);
            return y1_errf(m->err, Y1_EINPUT, "%s: %s.__version__ must be a non-negative "
                           "integer (0 or absent: KiB, 1: bytes), got %s", m->name, it->section,
                           got);
        }
    }
    double rss_unit = version >= 1 ? 1 : o->v0_rss_unit_bytes;
    const md_item *peak_key = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const md_item *it = &m->it[i];
        if (!ends_with(it->key, "MaxResidentSetSize")) continue;
        for (size_t k = 0; k < (it->numeric ? it->n : 1); k++) {
            if (!it->numeric || !isfinite(it->v[k]) || it->v[k] < 0)
                return y1_errf(m->err, Y1_EINPUT, "%s: %s.%s is %s, expected a non-negative "
                               "number", m->name, it->section, it->key,
                               it->numeric ? (isnan(it->v[k]) ? "NaN" : "negative or infinite")
                                           : "not a number");
            if (it->v[k] > rss) {
                rss = it->v[k];
                peak_key = it;
            }
        }
    }
    if (!peak_key)
        return y1_errf(m->err, Y1_EINPUT, "%s: no *MaxResidentSetSize key", m->name);
    const md_item *q_end = find(m, "quantum", "endCpuTime");
    if (o->cpu == MDL_CPU_ABSOLUTE) {
        /* RTN-028: the largest value of any key ending in EndCpuTime (case-sensitive, so the
         * method timers, not the quantum block's endCpuTime). */
        for (size_t i = 0; i < m->n; i++) {
            const md_item *it = &m->it[i];
            if (!ends_with(it->key, "EndCpuTime")) continue;
            for (size_t k = 0; k < (it->numeric ? it->n : 1); k++) {
                if (!it->numeric || !isfinite(it->v[k]))
                    return y1_errf(m->err, Y1_EINPUT, "%s: %s.%s is %s, expected a finite CPU "
                                   "time", m->name, it->section, it->key,
                                   it->numeric ? "NaN or infinite" : "not a number");
                if (it->v[k] > cpu) cpu = it->v[k];
            }
        }
        if (!isfinite(cpu))
            return y1_errf(m->err, Y1_EINPUT, "%s: no *EndCpuTime key (needed by --cpu "
                           "absolute)", m->name);
    } else if (q_end) {
        /* run CPU = endCpuTime - startCpuTime of the quantum block; a NoWorkFound quantum
         * lacks start*, and harvesters then take the end value (run CPU 0). */
        const md_item *q_start = find(m, "quantum", "startCpuTime");
        double e, s;
        if ((rc = value(m, q_end, 1, &e))) return rc;
        if (q_start) {
            if ((rc = value(m, q_start, 0, &s))) return rc;
        } else s = e;
        cpu = e - s;
    } else {
        /* before 2021-06 there is no quantum block: use the task's own run() timer */
        const md_item *a = find(m, label, "runStartCpuTime"), *b = find(m, label, "runEndCpuTime");
        double e, s;
        if (!a || !b)
            return y1_errf(m->err, Y1_EINPUT, "%s: --cpu run needs quantum.endCpuTime or %s."
                           "runStartCpuTime and runEndCpuTime; none found", m->name, label);
        if ((rc = value(m, a, 0, &s)) || (rc = value(m, b, 1, &e))) return rc;
        cpu = e - s;
    }
    if (cpu < 0)
        return y1_errf(m->err, Y1_EINPUT, "%s: CPU time %g s is negative (end before start)",
                       m->name, cpu);
    (void)v;
    mdl_record rec = {0};
    /* wall time of the quantum, where the executor stamped it: endUtc - prepUtc */
    const md_item *u0 = find(m, "quantum", "prepUtc"), *u1 = find(m, "quantum", "endUtc");
    if (u0 && u1) {
        double t0, t1;
        const md_item *bad = !u0->text || y1_time_parse(u0->text, &t0) ? u0
                           : !u1->text || y1_time_parse(u1->text, &t1) ? u1 : NULL;
        if (bad)
            return y1_errf(m->err, Y1_EINPUT, "%s: quantum.%s is '%s', expected a UTC time "
                           "YYYY-MM-DDTHH:MM:SS[.ffffff][+00:00]", m->name, bad->key,
                           bad->text ? bad->text : "not a string");
        if (t1 < t0)
            return y1_errf(m->err, Y1_EINPUT, "%s: quantum.endUtc is %.3f s before prepUtc",
                           m->name, t0 - t1);
        rec.has_wall = 1;
        rec.wall_s = t1 - t0;
    }
    rec.task = (char *)label;
    rec.data_id = (char *)m->name;
    rec.cpu_s = cpu;
    rec.maxrss_bytes = rss * rss_unit;
    rec.n_visits = NAN;
    if ((rc = mdl_records_push(out, &rec, m->err))) return rc;
    mdl_records_note_definition(out, o->cpu == MDL_CPU_ABSOLUTE ? "absolute" : "run");
    return Y1_OK;
}

void mdl_md_opts_default(mdl_md_opts *o)
{
    o->cpu = MDL_CPU_ABSOLUTE;
    o->v0_rss_unit_bytes = 1024;
}

int mdl_read_metadata_text(mdl_records *out, const char *name, const char *text, size_t len,
                           const mdl_md_opts *opts, y1_err *err)
{
    md m = {0};
    m.name = name;
    m.err = err;
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) i++;
    if (i == len) return y1_errf(err, Y1_EINPUT, "%s:1:1: empty metadata file", name);
    int rc = text[i] == '{' ? parse_json(&m, text, len) : parse_yaml(&m, text, len);
    if (!rc) rc = to_record(&m, out, opts);
    md_free(&m);
    return rc;
}

static int read_file(mdl_records *out, const char *path, const mdl_md_opts *o, y1_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = y1_input_read(&buf, &len, path, "a task-metadata file", MDL_MD_MAX_BYTES, err);
    if (rc) return rc;
    rc = mdl_read_metadata_text(out, path, buf, len, o, err);
    free(buf);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_md_ext(const char *n)
{
    return ends_with(n, ".yaml") || ends_with(n, ".yml") || ends_with(n, ".json");
}

/* Walk a directory in name order (deterministic), recursing into subdirectories. */
static int read_dir(mdl_records *out, const char *path, const mdl_md_opts *o, y1_err *err,
                    int depth)
{
    if (depth > 32) return y1_errf(err, Y1_EINPUT, "%s: directories nested too deep", path);
    DIR *d = opendir(path);
    if (!d) return y1_errf(err, Y1_EIO, "%s: cannot open directory: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = Y1_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (y1_grow(&names, &cap, n + 1, sizeof *names, 64)) {
            rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
            goto done;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) { rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path); goto done; }
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    if (n) qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n && !rc; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0) rc = y1_errf(err, Y1_EIO, "%s: %s", names[i], strerror(errno));
        else if (S_ISDIR(st.st_mode)) rc = read_dir(out, names[i], o, err, depth + 1);
        else if (S_ISREG(st.st_mode) && has_md_ext(names[i])) rc = read_file(out, names[i], o, err);
    }
done:
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int mdl_read_metadata(mdl_records *out, const char *path, const mdl_md_opts *opts, y1_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return read_file(out, path, opts, err);
    size_t n0 = out->n;
    int rc = read_dir(out, path, opts, err, 0);
    if (!rc && out->n == n0)
        rc = y1_errf(err, Y1_EINPUT, "%s: no metadata files (*.yaml, *.yml, *.json) in the tree",
                     path);
    return rc;
}
