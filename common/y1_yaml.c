/* y1_yaml.c: strict YAML configuration reading with file:line:column messages (libyaml). */
#include "common/y1_yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/y1_num.h"

int y1_ydoc_load(y1_ydoc *d, const char *path, const char *what, y1_err *err)
{
    yaml_parser_t p;
    int rc = Y1_OK;
    memset(d, 0, sizeof *d);
    d->path = path;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return y1_errf(err, Y1_EIO, "%s: is a directory, expected a YAML file", path);
    FILE *fp = fopen(path, "rb");
    if (!fp) return y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!yaml_parser_initialize(&p)) {
        fclose(fp);
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
    }
    yaml_parser_set_input_file(&p, fp);
    if (!yaml_parser_load(&p, &d->doc)) {
        /* libyaml marks are 0-based */
        rc = y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: malformed YAML: %s%s%s", path,
                     p.problem_mark.line + 1, p.problem_mark.column + 1,
                     p.problem ? p.problem : "parse error", p.context ? " " : "",
                     p.context ? p.context : "");
        goto done;
    }
    d->loaded = 1;
    yaml_node_t *root = yaml_document_get_root_node(&d->doc);
    if (!root)
        rc = y1_errf(err, Y1_EINPUT, "%s:1:1: empty file, expected %s", path, what);
    else if (root->type != YAML_MAPPING_NODE)
        rc = y1_yerr(d, root, err, "expected a mapping of %s at the top level", what);
done:
    yaml_parser_delete(&p);
    fclose(fp);
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

/* A number must be written as one: "2.5" in quotes is a string, and reading it as 2.5 would
 * hide a file written by hand for another tool. */
static const char *number_text(const yaml_node_t *v)
{
    const char *s = y1_yscalar(v);
    return s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? s : NULL;
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
    const char *s = number_text(v);
    if (!s && y1_yscalar(v))
        return y1_yerr(d, v, err, "%s: expected a finite number, got the quoted string '%s'",
                       name, y1_yscalar(v));
    if (!s) return y1_yerr(d, v, err, "%s: expected a finite number, got a %s", name,
                           v && v->type == YAML_MAPPING_NODE ? "mapping" : "list");
    int rc = y1_num_double(name, s, lo, hi, out, &why);
    return rc ? num_fail(d, v, rc, &why, err) : Y1_OK;
}

int y1_yval_int(y1_ydoc *d, yaml_node_t *v, const char *name, long lo, long hi, long *out,
                y1_err *err)
{
    y1_err why;
    const char *s = number_text(v);
    if (!s && y1_yscalar(v))
        return y1_yerr(d, v, err, "%s: expected an integer, got the quoted string '%s'", name,
                       y1_yscalar(v));
    if (!s) return y1_yerr(d, v, err, "%s: expected an integer, got a %s", name,
                           v && v->type == YAML_MAPPING_NODE ? "mapping" : "list");
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
