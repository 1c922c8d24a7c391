/* y1_yaml.h: the one strict YAML layer for configuration files (platforms, products, sky maps,
 * cameras, resource models), over libyaml's document API. Every error names "file:line:column"
 * (1-based) and what was expected; unknown and repeated keys are errors, never ignored; numbers
 * go through the one number parser (y1_num.h) and must be plain (unquoted) decimal scalars.
 * Every file is loaded the same bounded way: a regular file of at most Y1_YAML_MAX_BYTES,
 * collections nested at most Y1_YAML_MAX_DEPTH deep, exactly one document, and in
 * configuration files no tags (!!str) or anchors and aliases (&a, *a). */
#ifndef Y1_YAML_H
#define Y1_YAML_H

#include <stddef.h>
#include <yaml.h>

#include "common/y1_err.h"

#define Y1_YAML_MAX_DEPTH 100           /* nested collections; the shipped files use 4 */
#define Y1_YAML_MAX_BYTES (1u << 20)    /* a configuration file; the largest shipped is 6 KB */

enum {
    Y1_YAML_TAGS = 1,     /* allow explicit tags (task metadata's !<lsst.daf.base.PropertySet>) */
    Y1_YAML_ALIASES = 2   /* allow anchors and aliases; the reader must bound its own walk */
};

/* The bounded loading under y1_ydoc_load, for readers with their own walk (task metadata):
 * text of len bytes (name for messages) into *doc with the flags above. On Y1_OK the caller
 * frees *doc with yaml_document_delete (its root may be NULL: an empty text); on failure
 * there is nothing to free. Y1_EINPUT "name:line:col: malformed YAML: ...", "nested more than
 * 100 levels deep", "a second YAML document", a tag or alias not allowed; Y1_ENOMEM. */
int y1_yaml_load_text(yaml_document_t *doc, const char *name, const char *text, size_t len,
                      unsigned flags, y1_err *err);

/* The text of n if it may be read as a number: a plain scalar written as a decimal
 * ([+-]digits[.digits][e[+-]digits]). NULL for anything else: quoted ("64" is a string, as
 * YAML says), block, hex (0x40), inf, nan, 1_000, not a scalar. */
const char *y1_ynumber_text(const yaml_node_t *n);

typedef struct y1_ydoc {
    yaml_document_t doc;
    const char *path;   /* borrowed: the file name used in messages */
    int loaded;
} y1_ydoc;

/* Load path into d; its root must be a mapping (what names it in messages, e.g. "platform
 * settings"). Y1_EIO if unreadable or not a regular file (a directory, FIFO or device),
 * Y1_EINPUT if larger than Y1_YAML_MAX_BYTES, not YAML, nested too deep, more than one
 * document, tagged or aliased, empty or not a mapping. Free with y1_ydoc_free (also after a
 * failure; NULL is fine). */
int  y1_ydoc_load(y1_ydoc *d, const char *path, const char *what, y1_err *err);
void y1_ydoc_free(y1_ydoc *d);

yaml_node_t *y1_ydoc_root(y1_ydoc *d);
yaml_node_t *y1_ynode(y1_ydoc *d, int index);

/* "file:line:column" of a node, into buf. */
const char *y1_ywhere(const y1_ydoc *d, const yaml_node_t *n, char *buf, size_t size);

/* Y1_EINPUT with "file:line:column: <fmt...>" at node n (the file alone when n is NULL). */
int y1_yerr(const y1_ydoc *d, const yaml_node_t *n, y1_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The text of a scalar node, or NULL for NULL or any other node. */
const char *y1_yscalar(const yaml_node_t *n);

/* Require a node of the given type; Y1_EINPUT "expected WHAT" otherwise. */
int y1_yexpect(y1_ydoc *d, yaml_node_t *n, yaml_node_type_t type, const char *what, y1_err *err);

/* Which of allowed (NULL-terminated) the key of pair pr of mapping map names, into *which.
 * Y1_EINPUT for a key that is not a string, an unknown key ("unknown key 'K' in WHAT
 * (expected one of: ...)") or one that already appeared earlier in map ("duplicate key"). */
int y1_ykey(y1_ydoc *d, yaml_node_t *map, yaml_node_pair_t *pr, const char *const *allowed,
            const char *what, int *which, y1_err *err);

/* Y1_EINPUT "duplicate key 'K' in WHAT" when the key of pair pr already appeared earlier in
 * map (a repeated key would silently win or lose), else Y1_OK. */
int y1_ydup(y1_ydoc *d, yaml_node_t *map, yaml_node_pair_t *pr, const char *what, y1_err *err);

/* y1_ykey over every pair of map. */
int y1_ycheck_keys(y1_ydoc *d, yaml_node_t *map, const char *const *allowed, const char *what,
                   y1_err *err);

/* Find key in map: the value node or NULL. */
yaml_node_t *y1_yget(y1_ydoc *d, yaml_node_t *map, const char *key);

/* Sequences: the number of items (0 for a node that is not a sequence) and item i (i below
 * that number). */
size_t       y1_yseq_len(const yaml_node_t *seq);
yaml_node_t *y1_yseq_item(y1_ydoc *d, const yaml_node_t *seq, size_t i);

/* Values: convert node v (the value of name) strictly. Numbers: a plain scalar that
 * y1_num_double / y1_num_long accepts within [lo, hi]. Booleans: true/yes or false/no.
 * *out is set only on success; strings are borrowed from the document. */
int y1_yval_num(y1_ydoc *d, yaml_node_t *v, const char *name, double lo, double hi, double *out,
                y1_err *err);
int y1_yval_int(y1_ydoc *d, yaml_node_t *v, const char *name, long lo, long hi, long *out,
                y1_err *err);
int y1_yval_bool(y1_ydoc *d, yaml_node_t *v, const char *name, int *out, y1_err *err);
int y1_yval_str(y1_ydoc *d, yaml_node_t *v, const char *name, const char **out, y1_err *err);

/* Keyed values of a mapping: as y1_yval_*, looking key up in map. A missing key is
 * Y1_EINPUT ("missing key 'K'") when required, else Y1_OK with *out untouched (its default). */
int y1_ystr(y1_ydoc *d, yaml_node_t *map, const char *key, int required, const char **out,
            y1_err *err);
int y1_ynum(y1_ydoc *d, yaml_node_t *map, const char *key, int required, double lo, double hi,
            double *out, y1_err *err);
int y1_yint(y1_ydoc *d, yaml_node_t *map, const char *key, int required, long lo, long hi,
            long *out, y1_err *err);
int y1_ybool(y1_ydoc *d, yaml_node_t *map, const char *key, int required, int *out,
             y1_err *err);

#endif
