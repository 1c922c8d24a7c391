/* yamldoc.c: strict YAML configuration reading with file:line:column messages (libyaml). */
#include "estimator/yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int est_ydoc_load(est_ydoc *d, const char *path, y1_err *err)
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
        rc = y1_errf(err, Y1_EINPUT, "%s:%zu:%zu: malformed YAML: %s", path,
                     p.problem_mark.line + 1, p.problem_mark.column + 1,
                     p.problem ? p.problem : "parse error");
    } else {
        d->loaded = 1;
        if (!yaml_document_get_root_node(&d->doc))
            rc = y1_errf(err, Y1_EINPUT, "%s: empty YAML document", path);
    }
    yaml_parser_delete(&p);
    fclose(fp);
    return rc;
}

void est_ydoc_free(est_ydoc *d)
{
    if (d && d->loaded) yaml_document_delete(&d->doc);
    if (d) d->loaded = 0;
}

yaml_node_t *est_ydoc_root(est_ydoc *d) { return yaml_document_get_root_node(&d->doc); }
yaml_node_t *est_ynode(est_ydoc *d, int index) { return yaml_document_get_node(&d->doc, index); }

const char *est_ywhere(const est_ydoc *d, const yaml_node_t *n, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%zu:%zu", d->path, n->start_mark.line + 1, n->start_mark.column + 1);
    return buf;
}

int est_yexpect(est_ydoc *d, yaml_node_t *n, yaml_node_type_t type, const char *what, y1_err *err)
{
    char w[600];
    if (n && n->type == type) return Y1_OK;
    return y1_errf(err, Y1_EINPUT, "%s: expected %s", n ? est_ywhere(d, n, w, sizeof w) : d->path,
                   what);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int est_ycheck_keys(est_ydoc *d, yaml_node_t *map, const char *const *allowed, const char *what,
                    y1_err *err)
{
    char w[600];
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = est_ynode(d, pr->key);
        const char *key = scalar(k);
        int ok = 0;
        for (const char *const *a = allowed; key && *a; a++) ok |= !strcmp(key, *a);
        /* a repeated key would silently win or lose: refuse it */
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; ok && key && q < pr; q++) {
            const char *prev = scalar(est_ynode(d, q->key));
            if (prev && !strcmp(prev, key))
                return y1_errf(err, Y1_EINPUT, "%s: duplicate key '%s' in %s",
                               est_ywhere(d, k, w, sizeof w), key, what);
        }
        if (!ok) {
            char list[400] = "";
            for (const char *const *a = allowed; *a; a++) {
                strncat(list, *a, sizeof list - strlen(list) - 3);
                if (a[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return y1_errf(err, Y1_EINPUT, "%s: unknown key '%s' in %s (expected one of: %s)",
                           est_ywhere(d, k, w, sizeof w), key ? key : "?", what, list);
        }
    }
    return Y1_OK;
}

yaml_node_t *est_yget(est_ydoc *d, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = scalar(est_ynode(d, pr->key));
        if (k && !strcmp(k, key)) return est_ynode(d, pr->value);
    }
    return NULL;
}

static int missing(est_ydoc *d, yaml_node_t *map, const char *key, y1_err *err)
{
    char w[600];
    return y1_errf(err, Y1_EINPUT, "%s: missing required key '%s'", est_ywhere(d, map, w, sizeof w),
                   key);
}

int est_ystr(est_ydoc *d, yaml_node_t *map, const char *key, int required, const char **out,
             y1_err *err)
{
    char w[600];
    yaml_node_t *v = est_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    if (!scalar(v))
        return y1_errf(err, Y1_EINPUT, "%s: %s must be a string", est_ywhere(d, v, w, sizeof w), key);
    *out = scalar(v);
    return Y1_OK;
}

int est_ynum(est_ydoc *d, yaml_node_t *map, const char *key, int required, double lo, double hi,
             double *out, y1_err *err)
{
    char w[600];
    yaml_node_t *v = est_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    const char *s = scalar(v);
    char *end = NULL;
    errno = 0;
    double x = s ? strtod(s, &end) : NAN;
    if (!s || end == s || *end || errno == ERANGE || !isfinite(x))
        return y1_errf(err, Y1_EINPUT, "%s: %s must be a finite number, got '%s'",
                       est_ywhere(d, v, w, sizeof w), key, s ? s : "(not a scalar)");
    if (x < lo || x > hi)
        return y1_errf(err, Y1_EINPUT, "%s: %s must be in [%g, %g], got %s",
                       est_ywhere(d, v, w, sizeof w), key, lo, hi, s);
    *out = x;
    return Y1_OK;
}

int est_yint(est_ydoc *d, yaml_node_t *map, const char *key, int required, long lo, long hi,
             long *out, y1_err *err)
{
    char w[600];
    yaml_node_t *v = est_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    const char *s = scalar(v);
    char *end = NULL;
    errno = 0;
    long x = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end || errno == ERANGE)
        return y1_errf(err, Y1_EINPUT, "%s: %s must be an integer, got '%s'",
                       est_ywhere(d, v, w, sizeof w), key, s ? s : "(not a scalar)");
    if (x < lo || x > hi)
        return y1_errf(err, Y1_EINPUT, "%s: %s must be an integer in [%ld, %ld], got %s",
                       est_ywhere(d, v, w, sizeof w), key, lo, hi, s);
    *out = x;
    return Y1_OK;
}

int est_ybool(est_ydoc *d, yaml_node_t *map, const char *key, int required, int *out,
              y1_err *err)
{
    char w[600];
    yaml_node_t *v = est_yget(d, map, key);
    if (!v) return required ? missing(d, map, key, err) : Y1_OK;
    const char *s = scalar(v);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) { *out = 1; return Y1_OK; }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) { *out = 0; return Y1_OK; }
    return y1_errf(err, Y1_EINPUT, "%s: %s must be true or false, got '%s'",
                   est_ywhere(d, v, w, sizeof w), key, s ? s : "(not a scalar)");
}
