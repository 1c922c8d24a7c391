/* rtable.c: one table, four renderings (text, Markdown, CSV, JSON). */
#include "estimator/report/rtable.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
