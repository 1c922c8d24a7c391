/* rtable.c: one table, four renderings (text, Markdown, CSV, JSON); the described table
 * (typed cells, columns with a rendering per format) as Markdown views and CSV. */
#include "estimator/report/rtable.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_grow.h"

static const char *colname(const est_tab *t, size_t c)
{
    return t->col[c][0] == '#' ? t->col[c] + 1 : t->col[c];
}

void est_tab_init(est_tab *t, const char *key, const char *title, const char *const *cols)
{
    memset(t, 0, sizeof *t);
    t->key = key;
    t->title = title;
    while (cols[t->ncol]) {
        assert(t->ncol < EST_TAB_MAXCOL);
        t->col[t->ncol] = cols[t->ncol];
        t->ncol++;
    }
}

void est_tab_clear(est_tab *t)
{
    for (size_t i = 0; i < t->ncell; i++) free(t->cell[i]);
    free(t->cell);
    t->cell = NULL;
    t->ncell = t->cap = 0;
}

int est_tab_add(est_tab *t, const char *text, y1_err *err)
{
    if (t->ncell == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        char **v = realloc(t->cell, cap * sizeof *v);
        if (!v) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", t->key);
        t->cell = v;
        t->cap = cap;
    }
    if (!(t->cell[t->ncell] = strdup(text ? text : "")))
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", t->key);
    t->ncell++;
    return Y1_OK;
}

int est_tab_addf(est_tab *t, y1_err *err, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return est_tab_add(t, buf, err);
}

size_t est_tab_rows(const est_tab *t)
{
    return t->ncol ? t->ncell / t->ncol : 0;
}

void est_tab_text(FILE *fp, const est_tab *t)
{
    size_t w[EST_TAB_MAXCOL], nr = est_tab_rows(t);
    for (size_t c = 0; c < t->ncol; c++) {
        w[c] = strlen(colname(t, c));
        for (size_t r = 0; r < nr; r++) {
            size_t l = strlen(t->cell[r * t->ncol + c]);
            if (l > w[c]) w[c] = l;
        }
    }
    fprintf(fp, "%s\n", t->title);
    for (size_t r = 0; r <= nr; r++) {
        fputs(" ", fp);
        for (size_t c = 0; c < t->ncol; c++) {
            const char *s = r == 0 ? colname(t, c) : t->cell[(r - 1) * t->ncol + c];
            int last = c + 1 == t->ncol;
            /* numbers right-aligned, text left-aligned; no trailing blanks */
            if (t->col[c][0] == '#') fprintf(fp, " %*s", (int)w[c], s);
            else if (last) fprintf(fp, " %s", s);
            else fprintf(fp, " %-*s", (int)w[c], s);
        }
        fputc('\n', fp);
    }
}

static void md_cell(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", fp);
        else if (*s == '\n') fputc(' ', fp);
        else fputc(*s, fp);
    }
}

void est_tab_md(FILE *fp, const est_tab *t)
{
    size_t nr = est_tab_rows(t);
    fprintf(fp, "## %s\n\n|", t->title);
    for (size_t c = 0; c < t->ncol; c++) {
        fputc(' ', fp);
        md_cell(fp, colname(t, c));
        fputs(" |", fp);
    }
    fputs("\n|", fp);
    for (size_t c = 0; c < t->ncol; c++) fputs(t->col[c][0] == '#' ? "---:|" : "---|", fp);
    fputc('\n', fp);
    for (size_t r = 0; r < nr; r++) {
        fputc('|', fp);
        for (size_t c = 0; c < t->ncol; c++) {
            fputc(' ', fp);
            md_cell(fp, t->cell[r * t->ncol + c]);
            fputs(" |", fp);
        }
        fputc('\n', fp);
    }
    fputc('\n', fp);
}

static void csv_cell(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') fputc('"', fp);
        fputc(*s == '\n' ? ' ' : *s, fp);
    }
    fputc('"', fp);
}

void est_tab_csv(FILE *fp, const est_tab *t)
{
    size_t nr = est_tab_rows(t);
    fprintf(fp, "# %s\n", t->title);
    for (size_t c = 0; c < t->ncol; c++) {
        if (c) fputc(',', fp);
        csv_cell(fp, colname(t, c));
    }
    fputc('\n', fp);
    for (size_t r = 0; r < nr; r++) {
        for (size_t c = 0; c < t->ncol; c++) {
            if (c) fputc(',', fp);
            csv_cell(fp, t->cell[r * t->ncol + c]);
        }
        fputc('\n', fp);
    }
}

json_t *est_tab_json(const est_tab *t)
{
    json_t *o = json_object(), *rows = json_array();
    size_t nr = est_tab_rows(t);
    if (!o || !rows || json_object_set_new(o, "title", json_string(t->title)) ||
        json_object_set(o, "rows", rows))
        goto fail;
    for (size_t r = 0; r < nr; r++) {
        json_t *row = json_object();
        if (!row || json_array_append_new(rows, row)) goto fail;
        for (size_t c = 0; c < t->ncol; c++) {
            const char *s = t->cell[r * t->ncol + c];
            json_t *v;
            if (t->col[c][0] == '#') {
                char *end = NULL;
                double d = strtod(s, &end);
                /* "1.25x" or "12 %" style cells keep their text */
                if (!*s || !strcmp(s, "-")) v = json_null();
                else if (end && *end == '\0' && !strpbrk(s, ".eEn")) v = json_integer(strtoll(s, NULL, 10));
                else if (end && *end == '\0') v = json_real(d);
                else v = json_string(s);
            } else v = json_string(s);
            if (!v || json_object_set_new(row, colname(t, c), v)) goto fail;
        }
    }
    json_decref(rows);
    return o;
fail:
    json_decref(rows);
    json_decref(o);
    return NULL;
}

int est_json_write(FILE *fp, json_t *root, const char *what, y1_err *err)
{
    if (!root) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", what);
    int bad = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (fputc('\n', fp) == EOF) bad = 1;
    json_decref(root);
    return bad ? y1_errf(err, Y1_EIO, "%s: write failed", what) : Y1_OK;
}

/* ---- the described table ------------------------------------------------------------- */

void est_dtab_init(est_dtab *t, const est_col *col, size_t ncol)
{
    memset(t, 0, sizeof *t);
    t->col = col;
    t->ncol = ncol;
}

void est_dtab_clear(est_dtab *t)
{
    free(t->cell);
    free(t->group);
    for (size_t i = 0; i < t->ntext; i++) free(t->text[i]);
    free(t->text);
    if (t->owncol) {
        free(t->owncol);
        t->owncol = NULL;
        t->col = NULL;
        t->ncol = t->colcap = 0;
    }
    t->cell = NULL;
    t->group = NULL;
    t->text = NULL;
    t->nrow = t->cap = t->ccap = t->ntext = t->tcap = 0;
}

const char *est_dtab_textf(est_dtab *t, const char *fmt, ...)
{
    char buf[512], *s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (y1_grow(&t->text, &t->tcap, t->ntext + 1, sizeof *t->text, 8) || !(s = strdup(buf)))
        return NULL;
    return t->text[t->ntext++] = s;
}

int est_dtab_col(est_dtab *t, const est_col *c, y1_err *err)
{
    assert(t->nrow == 0 && (t->ncol == 0 || t->col == t->owncol)); /* columns come first */
    if (y1_grow(&t->owncol, &t->colcap, t->ncol + 1, sizeof *t->owncol, 8))
        return y1_errf(err, Y1_ENOMEM, "table: out of memory");
    t->owncol[t->ncol++] = *c;
    t->col = t->owncol;
    return Y1_OK;
}

int est_dtab_row(est_dtab *t, int group, const est_cell *v, y1_err *err)
{
    for (size_t c = 0; c < t->ncol; c++)
        if (v[c].kind == EST_CELL_TEXT && !v[c].s)
            return y1_errf(err, Y1_ENOMEM, "table: out of memory");
    if (y1_grow(&t->cell, &t->ccap, (t->nrow + 1) * t->ncol, sizeof *t->cell, 16 * t->ncol) ||
        y1_grow(&t->group, &t->cap, t->nrow + 1, sizeof *t->group, 16))
        return y1_errf(err, Y1_ENOMEM, "table: out of memory");
    memcpy(t->cell + t->nrow * t->ncol, v, t->ncol * sizeof *v);
    t->group[t->nrow++] = group;
    return Y1_OK;
}

void est_plain_num(char *buf, size_t n, double v)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return;
    }
    int dec = v == 0 ? 0 : 5 - (int)floor(log10(fabs(v)));
    snprintf(buf, n, "%.*f", dec < 0 ? 0 : dec > 12 ? 12 : dec, v);
    if (strchr(buf, '.')) {
        char *e = buf + strlen(buf) - 1;
        while (*e == '0') *e-- = '\0';
        if (*e == '.') *e = '\0';
    }
    if (!strcmp(buf, "-0")) strcpy(buf, "0");
}

void est_grouped_num(char *buf, size_t n, double v)
{
    char raw[64];
    if (fabs(v) < 999.5) {
        int dec = fabs(v) >= 99.95 ? 0 : fabs(v) >= 9.995 ? 1 : fabs(v) >= 0.9995 || v == 0 ? 2
                : 2 - (int)floor(log10(fabs(v)));
        snprintf(buf, n, "%.*f", dec > 15 ? 15 : dec, v);
        return;
    }
    snprintf(raw, sizeof raw, "%.0f", v);
    size_t len = strlen(raw), neg = raw[0] == '-', k = 0;
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > neg && (len - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = raw[i];
    }
    buf[k] = '\0';
}

void est_count_num(char *buf, size_t n, double v)
{
    if (fabs(v) < 999.5) snprintf(buf, n, "%.0f", v);
    else est_grouped_num(buf, n, v);
}

/* BOOL: the part of "TRUE|FALSE" that v names */
static void bool_text(char *buf, size_t n, const char *fmt, long long v)
{
    const char *bar = strchr(fmt, '|');
    assert(bar); /* a BOOL column's format names both texts */
    if (v) snprintf(buf, n, "%.*s", (int)(bar - fmt), fmt);
    else snprintf(buf, n, "%s", bar + 1);
}

/* One cell in format f into buf ("" for NONE). */
static void dtab_cell(char *buf, size_t n, const est_colfmt *f, const est_cell *v)
{
    if (v->kind == EST_CELL_BOOL) {
        bool_text(buf, n, f->fmt, v->i);
        return;
    }
    int grp = f->fmt && !strcmp(f->fmt, EST_FMT_GROUPED), cnt = f->fmt && !strcmp(f->fmt, EST_FMT_COUNT);
    if ((grp || cnt) && v->kind != EST_CELL_NONE) {
        double x = v->kind == EST_CELL_INT ? (double)v->i : v->d;
        if (f->div != 0) x /= f->div;
        if (v->kind == EST_CELL_TEXT) snprintf(buf, n, "%s", v->s);
        else if (grp) est_grouped_num(buf, n, x);
        else est_count_num(buf, n, x);
        return;
    }
    if (!f->fmt && v->kind != EST_CELL_NONE && v->kind != EST_CELL_TEXT) {
        double x = v->kind == EST_CELL_INT ? (double)v->i : v->d;
        est_plain_num(buf, n, f->div != 0 ? x / f->div : x);
        return;
    }
    switch (v->kind) {
    case EST_CELL_TEXT: snprintf(buf, n, f->fmt, v->s); break;
    case EST_CELL_INT:
        if (f->div != 0) snprintf(buf, n, f->fmt, (double)v->i / f->div);
        else snprintf(buf, n, f->fmt, v->i);
        break;
    case EST_CELL_REAL: snprintf(buf, n, f->fmt, f->div != 0 ? v->d / f->div : v->d); break;
    default: buf[0] = '\0';
    }
}

void est_dtab_md(FILE *fp, const est_dtab *t, int v, int g)
{
    char buf[512];
    assert(v >= 0 && v < EST_TAB_MDVIEWS);
    fputc('|', fp);
    for (size_t c = 0; c < t->ncol; c++)
        if (t->col[c].md[v].head) fprintf(fp, " %s |", t->col[c].md[v].head);
    fputs("\n|", fp);
    for (size_t c = 0; c < t->ncol; c++)
        if (t->col[c].md[v].head) fputs(t->col[c].num ? "---:|" : "---|", fp);
    fputc('\n', fp);
    for (size_t r = 0; r < t->nrow; r++) {
        if (g >= 0 && t->group[r] != g) continue;
        fputc('|', fp);
        for (size_t c = 0; c < t->ncol; c++) {
            if (!t->col[c].md[v].head) continue;
            const est_cell *x = &t->cell[r * t->ncol + c];
            dtab_cell(buf, sizeof buf, &t->col[c].md[v], x);
            /* a NONE cell is "| |", as in the tables written by hand before */
            if (x->kind == EST_CELL_NONE) fputs(" |", fp);
            else if (x->note) fprintf(fp, " %s %s |", buf, x->note);
            else fprintf(fp, " %s |", buf);
        }
        fputc('\n', fp);
    }
}

void est_dtab_csv(FILE *fp, const est_dtab *t, int g)
{
    char buf[512];
    int first = 1;
    for (size_t c = 0; c < t->ncol; c++)
        if (t->col[c].csv.head) {
            fprintf(fp, "%s%s", first ? "" : ",", t->col[c].csv.head);
            first = 0;
        }
    fputc('\n', fp);
    for (size_t r = 0; r < t->nrow; r++) {
        if (g >= 0 && t->group[r] != g) continue;
        first = 1;
        for (size_t c = 0; c < t->ncol; c++) {
            if (!t->col[c].csv.head) continue;
            dtab_cell(buf, sizeof buf, &t->col[c].csv, &t->cell[r * t->ncol + c]);
            fprintf(fp, "%s%s", first ? "" : ",", buf);
            first = 0;
        }
        fputc('\n', fp);
    }
}
