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

/* The one JSON writer (summary.json and every --format json): root dumped with two-space
 * indent, keys in insertion order, reals to 10 significant digits, and a final newline. Takes
 * root (decref'd here); what names the output in a message. NULL root is Y1_ENOMEM ("WHAT: out
 * of memory"), a failed write Y1_EIO ("WHAT: write failed"). */
int est_json_write(FILE *fp, json_t *root, const char *what, y1_err *err);

/* ---- a table described once, rendered by format ---------------------------------------
 * The columns carry their units and one rendering per format: the CSV header and cell format
 * (the CSV and JSON keys carry the unit, "cpu_hours"), and up to EST_TAB_MDVIEWS Markdown
 * views (header with the unit, "CPU hours (M)", a scale and a cell format). The cells are
 * typed values; each row belongs to one group, and a Markdown view shows the rows of one
 * group, so a CSV file with a total row per platform can be two Markdown tables. Adding an
 * output format is one renderer below. */
#define EST_TAB_MDVIEWS 2

typedef enum {
    EST_CELL_NONE = 0, EST_CELL_TEXT, EST_CELL_INT, EST_CELL_REAL, EST_CELL_BOOL
} est_cell_kind;

typedef struct est_cell {
    est_cell_kind kind;
    const char *s;          /* TEXT: borrowed, must outlive the table */
    long long i;            /* INT; BOOL: 0 or 1 */
    double d;               /* REAL */
    const char *note;       /* Markdown only: shown after the value and a blank (a unit,
                             * "(no curve)"); NULL for none; borrowed */
} est_cell;

typedef struct est_colfmt {
    const char *head;       /* header, unit in it; NULL: the column is not in this rendering */
    const char *fmt;        /* printf of one cell: %s TEXT, %lld INT, a double conversion REAL;
                             * BOOL: "TRUE|FALSE", the two texts ("true|false", "Y|");
                             * EST_FMT_GROUPED, EST_FMT_COUNT: a number as est_grouped_num,
                             * est_count_num write it (a TEXT cell as is);
                             * NULL: a number as est_plain_num writes it */
    double div;             /* the cell shows value / div (1e6 for "(M)"); 0 means as is */
} est_colfmt;

typedef struct est_col {
    est_colfmt csv;                      /* also the JSON key */
    est_colfmt md[EST_TAB_MDVIEWS];      /* Markdown views; with .div an INT is shown as real */
    int num;                             /* right-aligned in Markdown */
} est_col;

typedef struct est_dtab {
    const est_col *col;     /* borrowed, ncol entries */
    size_t ncol;
    est_cell *cell;          /* row-major, nrow * ncol, owned */
    int *group;             /* per row */
    size_t nrow, cap, ccap; /* rows, row capacity, cell capacity */
    char **text;            /* the texts est_dtab_textf formatted, owned */
    size_t ntext, tcap;
    est_col *owncol;        /* columns added by est_dtab_col, owned (col points here) */
    size_t colcap;
} est_dtab;

void est_dtab_init(est_dtab *t, const est_col *col, size_t ncol);
void est_dtab_clear(est_dtab *t);
/* Columns known only at run time (one per task or per dataset type): after
 * est_dtab_init(t, NULL, 0), append a copy of *c, before the first row. Its heads are borrowed
 * like the cells' texts (an est_dtab_textf text lives as long as the table). Y1_ENOMEM. */
int est_dtab_col(est_dtab *t, const est_col *c, y1_err *err);
/* Append one row of ncol values in group g (0 unless a Markdown view filters). Y1_ENOMEM, also
 * when a TEXT cell is NULL (a failed est_dtab_textf). */
int est_dtab_row(est_dtab *t, int group, const est_cell *v, y1_err *err);
/* A formatted text that the table keeps until est_dtab_clear, for a TEXT cell ("visits x 189
 * CCDs"); NULL when out of memory (est_dtab_row then fails). */
const char *est_dtab_textf(est_dtab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define EST_T(x) ((est_cell){EST_CELL_TEXT, (x), 0, 0, NULL})
#define EST_I(x) ((est_cell){EST_CELL_INT, NULL, (long long)(x), 0, NULL})
#define EST_R(x) ((est_cell){EST_CELL_REAL, NULL, 0, (double)(x), NULL})
#define EST_B(x) ((est_cell){EST_CELL_BOOL, NULL, (x) ? 1 : 0, 0, NULL})
#define EST_RN(x, note) ((est_cell){EST_CELL_REAL, NULL, 0, (double)(x), (note)}) /* with a note */
#define EST_NONE ((est_cell){EST_CELL_NONE, NULL, 0, 0, NULL})

/* v as a plain decimal a spreadsheet reads as one number: never an exponent, six significant
 * digits (more for large integers), trailing zeros dropped; "" when not finite. */
void est_plain_num(char *buf, size_t n, double v);

/* v for a reader: "12,345" at and above 1,000 (grouped thousands, no decimals), three
 * significant digits as a plain decimal below ("0.000128", "12.3"). */
void est_grouped_num(char *buf, size_t n, double v);
/* a count: "117,174"; a whole number below 1,000 */
void est_count_num(char *buf, size_t n, double v);
#define EST_FMT_GROUPED "{grouped}"
#define EST_FMT_COUNT "{count}"

/* Markdown view v: header, "---|"/"---:|" rule, the rows of group g (all rows if g < 0). A
 * NONE cell is "| |", any other "| text |" (an empty text too: "|  |"). */
void est_dtab_md(FILE *fp, const est_dtab *t, int v, int g);
/* CSV: header and the rows of group g (all rows if g < 0); cells are not quoted (the
 * values the estimate writes hold no separators). */
void est_dtab_csv(FILE *fp, const est_dtab *t, int g);

#endif
