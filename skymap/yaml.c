/* yaml.c: the small libyaml layer the sky map and camera loaders share: load a document whose
 * root is a mapping, and convert scalars strictly, with "path:line:col:" in every error. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skymap/sky_internal.h"

int sky__yaml_err(const yaml_node_t *node, const char *path, y1_err *err, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* libyaml marks are 0-based; people count from 1 */
    return y1_errf(err, Y1_EINPUT, "%s:%lu:%lu: %s", path,
                   (unsigned long)node->start_mark.line + 1,
                   (unsigned long)node->start_mark.column + 1, what);
}

int sky__yaml_load(yaml_document_t *doc, const char *path, y1_err *err)
{
    int rc = Y1_OK;
    yaml_parser_t parser;
    FILE *fp = fopen(path, "rb");
    if (!fp) return y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!yaml_parser_initialize(&parser)) {
        fclose(fp);
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
    }
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, doc)) {
        rc = y1_errf(err, Y1_EINPUT, "%s:%lu:%lu: %s%s%s", path,
                     (unsigned long)parser.problem_mark.line + 1,
                     (unsigned long)parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "YAML syntax error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        goto done;
    }
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root) {
        yaml_document_delete(doc);
        rc = y1_errf(err, Y1_EINPUT, "%s:1:1: empty file, expected a mapping of settings", path);
        goto done;
    }
    if (root->type != YAML_MAPPING_NODE) {
        rc = sky__yaml_err(root, path, err, "expected a mapping of settings at the top level");
        yaml_document_delete(doc);
        goto done;
    }
done:
    yaml_parser_delete(&parser);
    fclose(fp);
    return rc;
}

const char *sky__yaml_scalar(const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE) return NULL;
    return (const char *)node->data.scalar.value;
}

int sky__yaml_double(const yaml_node_t *node, const char *path, const char *key, double lo,
                     double hi, double *out, y1_err *err)
{
    const char *s = sky__yaml_scalar(node);
    char *end = NULL;
    if (!s) return sky__yaml_err(node, path, err, "%s: expected a number", key);
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return sky__yaml_err(node, path, err, "%s: expected a finite number, got '%s'", key, s);
    if (v < lo || v > hi)
        return sky__yaml_err(node, path, err, "%s: %s is out of range [%g, %g]", key, s, lo, hi);
    *out = v;
    return Y1_OK;
}

int sky__yaml_int(const yaml_node_t *node, const char *path, const char *key, long lo, long hi,
                  long *out, y1_err *err)
{
    const char *s = sky__yaml_scalar(node);
    char *end = NULL;
    if (!s) return sky__yaml_err(node, path, err, "%s: expected an integer", key);
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return sky__yaml_err(node, path, err, "%s: expected an integer, got '%s'", key, s);
    if (v < lo || v > hi)
        return sky__yaml_err(node, path, err, "%s: %s is out of range [%ld, %ld]", key, s, lo, hi);
    *out = v;
    return Y1_OK;
}

int sky__yaml_key(const yaml_node_t *kn, const char *path, const char *const *keys, int nkeys,
                  int *seen, int *which, y1_err *err)
{
    const char *k = sky__yaml_scalar(kn);
    char list[512] = "";
    for (int i = 0; k && i < nkeys; i++)
        if (!strcmp(k, keys[i])) {
            if (seen[i]) return sky__yaml_err(kn, path, err, "duplicate key '%s'", k);
            seen[i] = 1;
            *which = i;
            return Y1_OK;
        }
    for (int i = 0; i < nkeys; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", keys[i]);
    }
    return sky__yaml_err(kn, path, err, "unknown key '%s' (expected one of: %s)", k ? k : "?",
                         list);
}
