/* rtable.h: a report table described once (title, columns, cells as text) and rendered as
 * aligned text, Markdown, CSV or a JSON object. Used by run-report and validate. Numeric
 * columns become JSON numbers ("-" or "" become null); the units belong in the column names. */
#ifndef EST_RTABLE_H
#define EST_RTABLE_H

#include <stdio.h>

#include <jansson.h>

#include "common/y1_err.h"

#define EST_TAB_MAXCOL 24

typedef struct est_tab {
    const char *key;        /* JSON key and CSV section name, e.g. "runs" */
    const char *title;      /* heading for text and Markdown */
    size_t ncol;
    const char *col[EST_TAB_MAXCOL];  /* column names; a leading '#' marks a numeric column */
    char **cell;            /* row-major, nrows * ncol, owned */
    size_t ncell, cap;
} est_tab;

/* cols: NULL-terminated names (borrowed; they must outlive the table). */
void est_tab_init(est_tab *t, const char *key, const char *title, const char *const *cols);
void est_tab_clear(est_tab *t);
/* Append the next cell (rows fill left to right). Y1_ENOMEM on failure. */
int est_tab_add(est_tab *t, const char *text, y1_err *err);
int est_tab_addf(est_tab *t, y1_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t est_tab_rows(const est_tab *t);

void est_tab_text(FILE *fp, const est_tab *t);   /* title line, then padded columns */
void est_tab_md(FILE *fp, const est_tab *t);     /* "## title" and a pipe table */
void est_tab_csv(FILE *fp, const est_tab *t);    /* "# title", header, rows (cells quoted if needed) */
/* {"title": ..., "rows": [{column: value, ...}, ...]}; NULL when out of memory. */
json_t *est_tab_json(const est_tab *t);

#endif
