/* y1_yaml.c: strict YAML configuration reading with file:line:column messages (libyaml). */
#include "common/y1_yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_input.h"
#include "common/y1_num.h"

static int malformed(const yaml_parser_t *p, const char *name, y1_err *err)
{
    if (p->error == YAML_MEMORY_ERROR) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", name);
    /* libyaml marks are 0-based */
    return y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: malformed YAML: %s%s%s", name,
                   p->problem_mark.line + 1, p->problem_mark.column + 1,
                   p->problem ? p->problem : "parse error", p->context ? " " : "",
                   p->context ? p->context : "");
}

/* A first pass over the events. libyaml spends time proportional to the depth on every token,
 * so a file nested 10^5 deep took a minute to load; stopping at the bound keeps it linear. */
static int prescan(const char *name, const char *text, size_t len, unsigned flags, y1_err *err)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int rc = Y1_OK, depth = 0, docs = 0, done = 0;
    if (!yaml_parser_initialize(&p)) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", name);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!done && !rc) {
        if (!yaml_parser_parse(&p, &ev)) {
            rc = malformed(&p, name, err);
            break;
        }
        const yaml_char_t *tag = NULL, *anchor = NULL;
        size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = 1; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: a second YAML document; expected one",
                             name, line, col);
            break;
        case YAML_SEQUENCE_START_EVENT:
            tag = ev.data.sequence_start.tag;
            anchor = ev.data.sequence_start.anchor;
            goto nest;
        case YAML_MAPPING_START_EVENT:
            tag = ev.data.mapping_start.tag;
            anchor = ev.data.mapping_start.anchor;
        nest:
            if (++depth > Y1_YAML_MAX_DEPTH)
                rc = y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: nested more than %d levels deep",
                             name, line, col, Y1_YAML_MAX_DEPTH);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_SCALAR_EVENT:
            tag = ev.data.scalar.tag;
            anchor = ev.data.scalar.anchor;
            break;
        case YAML_ALIAS_EVENT: anchor = ev.data.alias.anchor; break;
        default: break;
        }
        if (!rc && tag && !(flags & Y1_YAML_TAGS))
            rc = y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: YAML tags (%.40s) are not used in this "
                         "file; write the value plainly", name, line, col, (const char *)tag);
        if (!rc && anchor && !(flags & Y1_YAML_ALIASES))
            rc = y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: YAML anchors and aliases (%c%.40s) are "
                         "not used in this file; write the value out", name, line, col,
                         ev.type == YAML_ALIAS_EVENT ? '*' : '&', (const char *)anchor);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return rc;
}

int y1_yaml_load_text(yaml_document_t *doc, const char *name, const char *text, size_t len,
                      unsigned flags, y1_err *err)
{
    yaml_parser_t p;
    int rc = prescan(name, text, len, flags, err);
    if (rc) return rc;
    if (!yaml_parser_initialize(&p)) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", name);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, doc)) rc = malformed(&p, name, err);
    yaml_parser_delete(&p);
    return rc;
}

int y1_ydoc_load(y1_ydoc *d, const char *path, const char *what, y1_err *err)
{
    char *text = NULL;
    size_t len = 0;
    memset(d, 0, sizeof *d);
    d->path = path;
    int rc = y1_input_read(&text, &len, path, "a YAML file", Y1_YAML_MAX_BYTES, err);
    if (rc) return rc;
    rc = y1_yaml_load_text(&d->doc, path, text, len, 0, err);
    free(text);
    if (rc) return rc;
    d->loaded = 1;
    yaml_node_t *root = yaml_document_get_root_node(&d->doc);
    if (!root)
        rc = y1_errf(err, Y1_EINPUT, "%s:1:1: empty file, expected %s", path, what);
    else if (root->type != YAML_MAPPING_NODE)
        rc = y1_yerr(d, root, err, "expected a mapping of %s at the top level", what);
    return rc;
}

void y1_ydoc_free(y1_ydoc *d)
{
    if (d && d->loaded) yaml_document_delete(&d->doc);
    if (d) d->loaded = 0;
}

yaml_node_t *y1_ydoc_root(y1_ydoc *d) { return yaml_document_get_root_node(&d->doc); }
yaml_node_t *y1_ynode(y1_ydoc *d, int index) { return yaml_document_get_node(&d->doc, index); }

const char *y1_ywhere(const y1_ydoc *d, const yaml_node_t *n, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%zu:%zu", d->path, n->start_mark.line + 1, n->start_mark.column + 1);
    return buf;
}

int y1_yerr(const y1_ydoc *d, const yaml_node_t *n, y1_err *err, const char *fmt, ...)
{
    char w[600], what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return y1_errf(err, Y1_EINPUT, "%s: %s", n ? y1_ywhere(d, n, w, sizeof w) : d->path, what);
}

const char *y1_yscalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int y1_yexpect(y1_ydoc *d, yaml_node_t *n, yaml_node_type_t type, const char *what, y1_err *err)
{
    if (n && n->type == type) return Y1_OK;
    return y1_yerr(d, n, err, "expected %s", what);
}

int y1_ykey(y1_ydoc *d, yaml_node_t *map, yaml_node_pair_t *pr, const char *const *allowed,
            const char *what, int *which, y1_err *err)
{
    yaml_node_t *k = y1_ynode(d, pr->key);
    const char *key = y1_yscalar(k);
    if (!key) return y1_yerr(d, k, err, "keys in %s must be strings", what);
    int found = -1;
    for (int i = 0; allowed[i] && found < 0; i++)
        if (!strcmp(key, allowed[i])) found = i;
    if (found < 0) {
        char list[400] = "";
        for (const char *const *a = allowed; *a; a++) {
            strncat(list, *a, sizeof list - strlen(list) - 3);
            if (a[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        return y1_yerr(d, k, err, "unknown key '%s' in %s (expected one of: %s)", key, what,
                       list);
    }
    int rc = y1_ydup(d, map, pr, what, err);
    if (rc) return rc;
    *which = found;
    return Y1_OK;
}

int y1_ydup(y1_ydoc *d, yaml_node_t *map, yaml_node_pair_t *pr, const char *what, y1_err *err)
{
    yaml_node_t *k = y1_ynode(d, pr->key);
    const char *key = y1_yscalar(k);
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; key && q < pr; q++) {
        const char *prev = y1_yscalar(y1_ynode(d, q->key));
        if (prev && !strcmp(prev, key))
            return y1_yerr(d, k, err, "duplicate key '%s' in %s", key, what);
    }
    return Y1_OK;
}

int y1_ycheck_keys(y1_ydoc *d, yaml_node_t *map, const char *const *allowed, const char *what,
                   y1_err *err)
{
    int rc, which;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++)
        if ((rc = y1_ykey(d, map, pr, allowed, what, &which, err))) return rc;
    return Y1_OK;
}

yaml_node_t *y1_yget(y1_ydoc *d, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = y1_yscalar(y1_ynode(d, pr->key));
        if (k && !strcmp(k, key)) return y1_ynode(d, pr->value);
    }
    return NULL;
}

size_t y1_yseq_len(const yaml_node_t *seq)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE) return 0;
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *y1_yseq_item(y1_ydoc *d, const yaml_node_t *seq, size_t i)
{
    return y1_ynode(d, seq->data.sequence.items.start[i]);
}

/* [+-] digits [. digits] [(e|E) [+-] digits], with digits on at least one side of the point:
 * what strtod reads the way YAML 1.1 and 1.2 both do. Hex, inf, nan and 1_000 are not. */
static int is_decimal(const char *s)
{
    int digits = 0;
    if (*s == '+' || *s == '-') s++;
    while (*s >= '0' && *s <= '9') s++, digits++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++) digits++;
    if (!digits) return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return 0;
        while (*s >= '0' && *s <= '9') s++;
    }
    return *s == 0;
}

/* A number must be written as one: "2.5" in quotes is a string, and reading it as 2.5 would
 * hide a file written by hand for another tool. */
const char *y1_ynumber_text(const yaml_node_t *v)
{
    const char *s = y1_yscalar(v);
    return s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_decimal(s) ? s : NULL;
}

/* Why v is not a number: Y1_EINPUT "NAME: expected WHAT, got ..." at v. */
static int not_number(y1_ydoc *d, yaml_node_t *v, const char *name, const char *what,
                      y1_err *err)
{
    const char *s = y1_yscalar(v);
    if (s && v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return y1_yerr(d, v, err, "%s: expected %s, got the quoted string '%.40s'", name, what,
                       s);
    if (s) return y1_yerr(d, v, err, "%s: expected %s, got '%.40s'", name, what, s);
    return y1_yerr(d, v, err, "%s: expected %s, got a %s", name, what,
                   v && v->type == YAML_MAPPING_NODE ? "mapping" : "list");
}

static int num_fail(y1_ydoc *d, yaml_node_t *v, int rc, const y1_err *why, y1_err *err)
{
    char w[600];
    if (!v) return y1_errf(err, rc, "%s: %s", d->path, why->msg);
    return y1_errf(err, rc, "%s: %s", y1_ywhere(d, v, w, sizeof w), why->msg);
}

int y1_yval_num(y1_ydoc *d, yaml_node_t *v, const char *name, double lo, double hi, double *out,
                y1_err *err)
{
    y1_err why;
    const char *s = y1_ynumber_text(v);
    if (!s) return not_number(d, v, name, "a finite number", err);
    int rc = y1_num_double(name, s, lo, hi, out, &why);
    return rc ? num_fail(d, v, rc, &why, err) : Y1_OK;
}

int y1_yval_int(y1_ydoc *d, yaml_node_t *v, const char *name, long lo, long hi, long *out,
                y1_err *err)
{
    y1_err why;
    const char *s = y1_ynumber_text(v);
    if (!s) return not_number(d, v, name, "an integer", err);
    int rc = y1_num_long(name, s, lo, hi, out, &why);
    return rc ? num_fail(d, v, rc, &why, err) : Y1_OK;
}

int y1_yval_bool(y1_ydoc *d, yaml_node_t *v, const char *name, int *out, y1_err *err)
{
    const char *s = y1_yscalar(v);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) { *out = 1; return Y1_OK; }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) { *out = 0; return Y1_OK; }
    return y1_yerr(d, v, err, "%s: expected true or false, got '%s'", name,
                   s ? s : "(not a scalar)");
}

int y1_yval_str(y1_ydoc *d, yaml_node_t *v, const char *name, const char **out, y1_err *err)
{
    const char *s = y1_yscalar(v);
    if (!s) return y1_yerr(d, v, err, "%s: expected a string", name);
    *out = s;
    return Y1_OK;
}

static int missing(y1_ydoc *d, yaml_node_t *map, const char *key, y1_err *err)
{
    return y1_yerr(d, map, err, "missing key '%s'", key);
}

int y1_ystr(y1_ydoc *d, yaml_node_t *map, const char *key, int required, const char **out,
            y1_err *err)
{
    yaml_node_t *v = y1_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    return y1_yval_str(d, v, key, out, err);
}

int y1_ynum(y1_ydoc *d, yaml_node_t *map, const char *key, int required, double lo, double hi,
            double *out, y1_err *err)
{
    yaml_node_t *v = y1_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    return y1_yval_num(d, v, key, lo, hi, out, err);
}

int y1_yint(y1_ydoc *d, yaml_node_t *map, const char *key, int required, long lo, long hi,
            long *out, y1_err *err)
{
    yaml_node_t *v = y1_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    return y1_yval_int(d, v, key, lo, hi, out, err);
}

int y1_ybool(y1_ydoc *d, yaml_node_t *map, const char *key, int required, int *out,
             y1_err *err)
{
    yaml_node_t *v = y1_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    return y1_yval_bool(d, v, key, out, err);
}
