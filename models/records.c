/* records.c: measured per-instance records (CPU s, peak RSS bytes, n visits) and the simple
 * table inputs: the records CSV, the sky-map step's coadds.csv, and the data-id side table. */
#include "models/models.h"

#include "common/y1_band.h"
#include "common/y1_grow.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_input.h"
#include "common/y1_num.h"

#define GIB 1073741824.0 /* bytes per GiB */

/* ---- records ------------------------------------------------------------------------------ */

void mdl_records_init(mdl_records *r)
{
    memset(r, 0, sizeof *r);
}

void mdl_records_clear(mdl_records *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].task);
        free(r->v[i].data_id);
    }
    free(r->v);
    mdl_records_init(r);
}

int mdl_records_push(mdl_records *r, const mdl_record *rec, y1_err *err)
{
    if (y1_grow(&r->v, &r->cap, r->n + 1, sizeof *r->v, 256))
        return y1_errf(err, Y1_ENOMEM, "records: out of memory");
    mdl_record *d = &r->v[r->n];
    *d = *rec;
    d->task = strdup(rec->task);
    d->data_id = strdup(rec->data_id ? rec->data_id : "");
    if (!d->task || !d->data_id) {
        free(d->task);
        free(d->data_id);
        return y1_errf(err, Y1_ENOMEM, "records: out of memory");
    }
    r->n++;
    return Y1_OK;
}

void mdl_records_note_definition(mdl_records *r, const char *def)
{
    if (!r->cpu_definition[0]) snprintf(r->cpu_definition, sizeof r->cpu_definition, "%s", def);
    else if (strcmp(r->cpu_definition, def))
        snprintf(r->cpu_definition, sizeof r->cpu_definition, "mixed");
}

/* ---- a tiny CSV reader: header line, comma separated, no quoting ------------------------- */

typedef struct csv {
    FILE *fp;
    const char *path;
    char *line;          /* getline buffer */
    size_t cap;
    long lineno;         /* 1-based number of the line in line */
    char *field[32];     /* fields of the current line (point into line) */
    int nfield;
    int ncol;            /* fields of the header line; 0 while it is being read */
} csv;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
    return s;
}

/* Next non-blank, non-comment line split into fields. Returns 1, 0 at end of file, or minus
 * the status (-Y1_EIO, -Y1_EINPUT) of an error already written to err. */
static int csv_next(csv *c, y1_err *err)
{
    for (;;) {
        errno = 0;
        ssize_t len = getline(&c->line, &c->cap, c->fp);
        if (len < 0) {
            if (ferror(c->fp)) {
                return -y1_errf(err, Y1_EIO, "%s: read error: %s", c->path, strerror(errno));
            }
            return 0;
        }
        c->lineno++;
        /* a NUL would end the line early for every string function below */
        const char *nul = memchr(c->line, 0, (size_t)len);
        if (nul)
            return -y1_errf(err, Y1_EINPUT, "%s:%ld:%ld: NUL byte in a text file", c->path,
                            c->lineno, (long)(nul - c->line) + 1);
        char *s = trim(c->line);
        if (!*s || *s == '#') continue;
        c->nfield = 0;
        for (char *p = s;;) {
            char *comma = strchr(p, ',');
            if (comma) *comma = 0;
            if (c->nfield == 32) {
                return -y1_errf(err, Y1_EINPUT, "%s:%ld: more than 32 columns", c->path,
                                c->lineno);
            }
            c->field[c->nfield++] = trim(p);
            if (!comma) break;
            p = comma + 1;
        }
        if (c->ncol && c->nfield > c->ncol)
            return -y1_errf(err, Y1_EINPUT, "%s:%ld: %d fields, but the header has %d columns",
                            c->path, c->lineno, c->nfield, c->ncol);
        return 1;
    }
}

/* Map header names to columns. names[k] is looked for; col[k] = its index or -1.
 * Every header name must be one of names (unknown columns are errors). */
static int csv_header(csv *c, const char *const *names, int nnames, int *col, y1_err *err)
{
    int r = csv_next(c, err);
    if (r < 0) return -r;
    if (r == 0) return y1_errf(err, Y1_EINPUT, "%s:1: empty file (expected a header line)", c->path);
    for (int k = 0; k < nnames; k++) col[k] = -1;
    for (int f = 0; f < c->nfield; f++) {
        int k;
        for (k = 0; k < nnames; k++)
            if (!strcmp(c->field[f], names[k])) break;
        if (k == nnames) {
            char list[300] = "";
            for (int j = 0; j < nnames; j++) {
                strncat(list, names[j], sizeof list - strlen(list) - 1);
                if (j + 1 < nnames) strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return y1_errf(err, Y1_EINPUT, "%s:%ld: unknown column '%s' (expected %s)", c->path,
                           c->lineno, c->field[f], list);
        }
        if (col[k] >= 0)
            return y1_errf(err, Y1_EINPUT, "%s:%ld: column '%s' appears twice", c->path,
                           c->lineno, names[k]);
        col[k] = f;
    }
    c->ncol = c->nfield;
    return Y1_OK;
}

static int csv_open(csv *c, const char *path, y1_err *err)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    void *fp = NULL;
    int rc = y1_input_open(&fp, path, "a CSV file", err);
    c->fp = fp;
    return rc;
}

static void csv_close(csv *c)
{
    if (c->fp) fclose(c->fp);
    free(c->line);
}

/* Upper bounds of what a measured record can mean: beyond them a value is a typo or garbage,
 * and would flood the fits. A coadd of 10^5 visits is ten times any 10-year deep field. */
#define MDL_MAX_CPU_S 1e12
#define MDL_MAX_RSS_GIB 1e6
#define MDL_MAX_VISITS 1e5

/* The 1-based column of field k (fields point into the line). */
static long csv_col(const csv *c, int k)
{
    return (long)(c->field[k] - c->line) + 1;
}

/* A finite number in [0, hi] from field k of the current line, through the one number parser:
 * "PATH:LINE:COL: NAME: expected a finite number, got 'S'" or "... S is out of range". */
static int csv_num(csv *c, int k, const char *name, double hi, double *out, y1_err *err)
{
    if (k >= c->nfield)
        return y1_errf(err, Y1_EINPUT, "%s:%ld: missing value for column '%s'", c->path,
                       c->lineno, name);
    y1_err why;
    int rc = y1_num_double(name, c->field[k], 0, hi, out, &why);
    if (rc)
        return y1_errf(err, rc, "%s:%ld:%ld: %s", c->path, c->lineno, csv_col(c, k), why.msg);
    return Y1_OK;
}

static int csv_long(csv *c, int k, const char *name, long *out, y1_err *err)
{
    double v = 0;
    int rc = csv_num(c, k, name, 1e12, &v, err);
    if (rc) return rc;
    if (v != floor(v))
        return y1_errf(err, Y1_EINPUT, "%s:%ld:%ld: %s must be an integer, got '%s'", c->path,
                       c->lineno, csv_col(c, k), name, c->field[k]);
    *out = (long)v;
    return Y1_OK;
}

/* allow_empty: patch-level records have no band (n is then summed over bands). */
static int csv_band(csv *c, int k, char *band, size_t len, int allow_empty, y1_err *err)
{
    const char *s = k < c->nfield ? c->field[k] : "";
    if ((!*s && !allow_empty) || strlen(s) >= len)
        return y1_errf(err, Y1_EINPUT, "%s:%ld: band must be a short name like 'r', got '%s'",
                       c->path, c->lineno, s);
    snprintf(band, len, "%s", s);
    return Y1_OK;
}

/* ---- records CSV -------------------------------------------------------------------------- */

enum { RC_TASK, RC_CPU, RC_RSS, RC_N, RC_BAND, RC_TRACT, RC_PX, RC_PY, RC_NCOL };
static const char *const rec_cols[RC_NCOL] = {"task", "cpu_s", "maxrss_gib", "n_visits", "band",
                                              "tract", "patch_x", "patch_y"};

int mdl_read_csv(mdl_records *out, const char *path, y1_err *err)
{
    csv c;
    int col[RC_NCOL], rc, r;
    size_t n0 = out->n;
    char id[600];
    if ((rc = csv_open(&c, path, err))) return rc;
    if ((rc = csv_header(&c, rec_cols, RC_NCOL, col, err))) goto done;
    for (int k = 0; k < 3; k++)
        if (col[k] < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%ld: missing column '%s' (need task, cpu_s, "
                         "maxrss_gib)", path, c.lineno, rec_cols[k]);
            goto done;
        }
    int nid = (col[RC_BAND] >= 0) + (col[RC_TRACT] >= 0) + (col[RC_PX] >= 0) + (col[RC_PY] >= 0);
    if (nid != 0 && nid != 4) {
        rc = y1_errf(err, Y1_EINPUT, "%s:%ld: the coadd id needs all of band, tract, patch_x, "
                     "patch_y", path, c.lineno);
        goto done;
    }
    while ((r = csv_next(&c, err)) > 0) {
        mdl_record rec = {0};
        rec.n_visits = NAN;
        if (c.nfield != 0 && col[RC_TASK] < c.nfield) rec.task = c.field[col[RC_TASK]];
        if (!rec.task || !*rec.task) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%ld: empty task label", path, c.lineno);
            goto done;
        }
        if ((rc = csv_num(&c, col[RC_CPU], "cpu_s", MDL_MAX_CPU_S, &rec.cpu_s, err))) goto done;
        double gib;
        if ((rc = csv_num(&c, col[RC_RSS], "maxrss_gib", MDL_MAX_RSS_GIB, &gib, err)))
            goto done;
        rec.maxrss_bytes = gib * GIB;
        if (col[RC_N] >= 0 && col[RC_N] < c.nfield && *c.field[col[RC_N]])
            if ((rc = csv_num(&c, col[RC_N], "n_visits", MDL_MAX_VISITS, &rec.n_visits, err)))
                goto done;
        if (nid == 4) {
            if ((rc = csv_band(&c, col[RC_BAND], rec.band, sizeof rec.band, 1, err)) ||
                (rc = csv_long(&c, col[RC_TRACT], "tract", &rec.tract, err)) ||
                (rc = csv_long(&c, col[RC_PX], "patch_x", &rec.patch_x, err)) ||
                (rc = csv_long(&c, col[RC_PY], "patch_y", &rec.patch_y, err)))
                goto done;
            rec.has_coadd_id = 1;
        }
        snprintf(id, sizeof id, "%s:%ld", path, c.lineno);
        rec.data_id = id;
        if ((rc = mdl_records_push(out, &rec, err))) goto done;
    }
    if (r < 0) {
        rc = -r;
        goto done;
    }
    if (out->n == n0) {
        rc = y1_errf(err, Y1_EINPUT, "%s:%ld: no records after the header", path, c.lineno);
        goto done;
    }
    mdl_records_note_definition(out, "csv");
done:
    csv_close(&c);
    return rc;
}

/* ---- the coadds join -------------------------------------------------------------------- */

static int row_cmp(const void *a, const void *b)
{
    const mdl_coadd_row *x = a, *y = b;
    if (x->tract != y->tract) return x->tract < y->tract ? -1 : 1;
    if (x->patch_x != y->patch_x) return x->patch_x < y->patch_x ? -1 : 1;
    if (x->patch_y != y->patch_y) return x->patch_y < y->patch_y ? -1 : 1;
    return x->band < y->band ? -1 : x->band > y->band;
}

/* n of one coadd in the sorted rows; band -1 (a patch-level task) sums the bands. */
static int lookup(const mdl_coadd_row *v, size_t n, int band, long tract, long px, long py,
                  double *n_out)
{
    mdl_coadd_row key = {-1, tract, px, py, 0};
    size_t lo = 0, hi = n;  /* first row with (tract, px, py, band) >= key: band -1 sorts first */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (row_cmp(&v[mid], &key) < 0) lo = mid + 1;
        else hi = mid;
    }
    double sum = 0;
    int found = 0;
    for (size_t i = lo; i < n && v[i].tract == tract && v[i].patch_x == px && v[i].patch_y == py;
         i++) {
        if (band >= 0 && v[i].band == band) {
            *n_out = v[i].n;
            return 1;
        }
        if (band < 0) {
            sum += v[i].n;
            found = 1;
        }
    }
    if (found) *n_out = sum;
    return found;
}

int mdl_coadds_join(mdl_records *r, const mdl_coadd_row *rows, size_t n, y1_err *err)
{
    int rc = Y1_OK;
    mdl_coadd_row *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return y1_errf(err, Y1_ENOMEM, "coadds join: out of memory");
    memcpy(v, rows, n * sizeof *v);
    qsort(v, n, sizeof *v, row_cmp);
    for (size_t i = 0; i < r->n; i++) {
        mdl_record *rec = &r->v[i];
        if (!isnan(rec->n_visits) || !rec->has_coadd_id) continue;
        int band = rec->band[0] ? y1_band_index(rec->band[0]) : -1;
        if ((rec->band[0] && (band < 0 || rec->band[1])) ||
            !lookup(v, n, band, rec->tract, rec->patch_x, rec->patch_y, &rec->n_visits)) {
            rc = y1_errf(err, Y1_EINPUT, "%s: coadd (band %s, tract %ld, patch %ld,%ld) of "
                         "task %s is not in the coadds table", rec->data_id,
                         rec->band[0] ? rec->band : "(all)", rec->tract, rec->patch_x,
                         rec->patch_y, rec->task);
            break;
        }
    }
    free(v);
    return rc;
}

/* ---- data-id side table ------------------------------------------------------------------- */

enum { IC_ID, IC_N, IC_BAND, IC_TRACT, IC_PX, IC_PY, IC_NCOL };
static const char *const id_cols[IC_NCOL] = {"id", "n_visits", "band", "tract", "patch_x",
                                             "patch_y"};

/* id names this data id: equal, or a suffix that starts after a '/' or ':'. */
static int id_matches(const char *data_id, const char *id)
{
    size_t a = strlen(data_id), b = strlen(id);
    if (a == b) return !strcmp(data_id, id);
    return a > b && !strcmp(data_id + a - b, id) &&
           (data_id[a - b - 1] == '/' || data_id[a - b - 1] == ':');
}

int mdl_apply_ids(mdl_records *r, const char *path, y1_err *err)
{
    csv c;
    int col[IC_NCOL], rc, rr;
    long rows = 0;
    if ((rc = csv_open(&c, path, err))) return rc;
    if ((rc = csv_header(&c, id_cols, IC_NCOL, col, err))) goto done;
    int nid = (col[IC_BAND] >= 0) + (col[IC_TRACT] >= 0) + (col[IC_PX] >= 0) + (col[IC_PY] >= 0);
    if (col[IC_ID] < 0 || (nid != 0 && nid != 4) || (nid == 0 && col[IC_N] < 0)) {
        rc = y1_errf(err, Y1_EINPUT, "%s:%ld: expected columns id and n_visits, or id, band, "
                     "tract, patch_x, patch_y", path, c.lineno);
        goto done;
    }
    while ((rr = csv_next(&c, err)) > 0) {
        const char *id = col[IC_ID] < c.nfield ? c.field[col[IC_ID]] : "";
        double n = NAN;
        char band[8] = "";
        long tract = 0, px = 0, py = 0;
        if (!*id) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%ld: empty id", path, c.lineno);
            goto done;
        }
        if (col[IC_N] >= 0 && col[IC_N] < c.nfield && *c.field[col[IC_N]])
            if ((rc = csv_num(&c, col[IC_N], "n_visits", MDL_MAX_VISITS, &n, err))) goto done;
        if (nid == 4 &&
            ((rc = csv_band(&c, col[IC_BAND], band, sizeof band, 1, err)) ||
             (rc = csv_long(&c, col[IC_TRACT], "tract", &tract, err)) ||
             (rc = csv_long(&c, col[IC_PX], "patch_x", &px, err)) ||
             (rc = csv_long(&c, col[IC_PY], "patch_y", &py, err))))
            goto done;
        rows++;
        for (size_t i = 0; i < r->n; i++) {
            mdl_record *rec = &r->v[i];
            if (!id_matches(rec->data_id, id)) continue;
            if (!isnan(n)) rec->n_visits = n;
            if (nid == 4) {
                snprintf(rec->band, sizeof rec->band, "%s", band);
                rec->tract = tract;
                rec->patch_x = px;
                rec->patch_y = py;
                rec->has_coadd_id = 1;
            }
        }
    }
    if (rr < 0) {
        rc = -rr;
        goto done;
    }
    if (rows == 0) rc = y1_errf(err, Y1_EINPUT, "%s:%ld: no ids after the header", path, c.lineno);
done:
    csv_close(&c);
    return rc;
}
