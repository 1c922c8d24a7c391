/* workload.c: the workload's one owner: coadds with their visit counts in memory, the one
 * reader and writer of coadds.csv (read back by estimate, campaign and models fit), and the
 * histogram workload of Tables 2-4. */
#include "estimator/workload.h"

#include "common/y1_input.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/y1_band.h"
#include "common/y1_grow.h"
#include "common/y1_num.h"
#include "common/y1_out.h"

void est_coadds_init(est_coadds *c)
{
    memset(c, 0, sizeof *c);
    c->visits = -1;
    c->ccds_per_visit = 189;
    c->prov.synthetic = -1;
}

void est_coadds_clear(est_coadds *c)
{
    free(c->v);
    est_coadds_init(c);
}

int est_coadds_push(est_coadds *c, int band, int tract, int px, int py, int n, y1_err *err)
{
    /* a coadds.csv read pushes millions: the growth call only when the array is full */
    if (c->n == c->cap && y1_grow(&c->v, &c->cap, c->n + 1, sizeof *c->v, 4096))
        return y1_errf(err, Y1_ENOMEM, "coadds: out of memory");
    c->v[c->n++] = (est_coadd){tract, (int16_t)px, (int16_t)py, (int8_t)band, n};
    return Y1_OK;
}

void est_coadds_adopt(est_coadds *c, est_coadd *v, size_t n)
{
    free(c->v);
    c->v = v;
    c->n = c->cap = n;
}

static int cmp_coadd(const void *a, const void *b)
{
    const est_coadd *x = a, *y = b;
    if (x->band != y->band) return x->band - y->band;
    if (x->tract != y->tract) return x->tract < y->tract ? -1 : 1;
    if (x->patch_x != y->patch_x) return x->patch_x - y->patch_x;
    return x->patch_y - y->patch_y;
}

/* The integer at cell (a part of line, trailing blanks dropped) through the one number parser:
 * "PATH:LINE:COL: NAME: expected an integer, got 'S'" or "... V is out of range [LO, HI]". */
static int cell_long(const char *path, long lineno, const char *line, char *cell,
                     const char *name, long lo, long hi, long *out, y1_err *err)
{
    size_t n = strlen(cell);
    while (n && cell[n - 1] == ' ') cell[--n] = '\0';
    y1_err why;
    if (y1_num_long(name, cell, lo, hi, out, &why))
        return y1_errf(err, Y1_EINPUT, "%s:%ld:%ld: %s", path, lineno, (long)(cell - line) + 1,
                       why.msg);
    return Y1_OK;
}

/* A provenance line "# key: text": the field it fills (size into *n), or NULL for other keys. */
static char *prov_field(est_provenance *p, const char *key, size_t *n)
{
#define Y1_PROV(k, f) if (!strcmp(key, k)) return *n = sizeof p->f, p->f
    Y1_PROV("cadence", cadence);
    Y1_PROV("selection", selection);
    Y1_PROV("footprint", footprint);
    Y1_PROV("skymap", skymap);
#undef Y1_PROV
    return NULL;
}

/* Marks a header key as seen; returns 1 if it already was. */
static int seen_key(unsigned *seen, const char *key)
{
    static const char *const keys[] = {"visits", "ccds_per_visit", "visits_u", "visits_g",
                                       "visits_r", "visits_i", "visits_z", "visits_y",
                                       "cadence", "synthetic", "selection", "footprint",
                                       "skymap"};
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(key, keys[i])) {
            int was = (int)(*seen >> i & 1u);
            *seen |= 1u << i;
            return was;
        }
    return 0;
}

/* The data lines (1-based) holding coadd (band, tract, px, py), for the message about a
 * repeated coadd: read again only on that error path, so the table stays 16 bytes a row. */
static void find_repeat(const char *path, int band, int tract, int px, int py, long line[2])
{
    FILE *fp = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0;
    long lineno = 0;
    int k = 0, header = 0;
    line[0] = line[1] = 0;
    while (fp && k < 2 && getline(&buf, &cap, fp) > 0) {
        lineno++;
        if (buf[0] == '#') continue;
        if (!header) { header = 1; continue; }
        char b;
        long t, x, y;
        if (sscanf(buf, "%c,%ld,%ld,%ld,", &b, &t, &x, &y) == 4 &&
            tolower((unsigned char)b) == y1_band_letters[band] && t == tract && x == px && y == py)
            line[k++] = lineno;
    }
    free(buf);
    if (fp) fclose(fp);
}

int est_coadds_read(est_coadds *out, const char *path, y1_err *err)
{
    est_coadds c;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = Y1_OK, header = 0;
    unsigned seen = 0;
    est_coadds_init(&c);
    void *in = NULL;
    if ((rc = y1_input_open(&in, path, "a coadds.csv file", err))) return rc;
    FILE *fp = in;
    ssize_t len;
    while ((len = getline(&line, &cap, fp)) > 0) {
        lineno++;
        /* a NUL would end the line early for every string function below */
        const char *nul = memchr(line, 0, (size_t)len);
        if (nul) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%ld:%ld: NUL byte in a text file", path, lineno,
                         (long)(nul - line) + 1);
            goto done;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#') {
            /* "# key: value" lines carry the visit totals; other comments are free text */
            char key[32];
            long v;
            int at = 0;
            int keyed = sscanf(line, "# %31[a-z_]:%n", key, &at) == 1 && at > 0;
            if (keyed && (!strcmp(key, "synthetic") || prov_field(&c.prov, key, &(size_t){0}))) {
                const char *text = line + at;
                while (*text == ' ') text++;
                if (seen_key(&seen, key)) {
                    rc = y1_errf(err, Y1_EINPUT, "%s:%ld: '# %s:' given twice", path, lineno, key);
                    goto done;
                }
                size_t n = 0;
                char *f = prov_field(&c.prov, key, &n);
                if (f) {
                    snprintf(f, n, "%s", text);
                } else if (!strncmp(text, "yes", 3) && (!text[3] || text[3] == ' ')) {
                    c.prov.synthetic = 1;
                    const char *d = text + 3;
                    while (*d == ' ' || *d == '(') d++;
                    snprintf(c.prov.synth_desc, sizeof c.prov.synth_desc, "%s", d);
                    size_t l = strlen(c.prov.synth_desc);
                    if (l && c.prov.synth_desc[l - 1] == ')') c.prov.synth_desc[l - 1] = '\0';
                } else if (!strcmp(text, "no")) {
                    c.prov.synthetic = 0;
                } else {
                    rc = y1_errf(err, Y1_EINPUT, "%s:%ld: '# synthetic:' expects 'yes (...)' or "
                                 "'no', got '%.60s'", path, lineno, text);
                    goto done;
                }
                continue;
            }
            if (!keyed) continue;
            int is_band = !strncmp(key, "visits_", 7) && strlen(key) == 8 &&
                          y1_band_index(key[7]) >= 0;
            if (strcmp(key, "visits") && strcmp(key, "ccds_per_visit") && !is_band) continue;
            char *text = line + at;
            while (*text == ' ') text++;
            int ccds = !strcmp(key, "ccds_per_visit");
            if ((rc = cell_long(path, lineno, line, text, key, ccds ? 1 : 0,
                                ccds ? 10000 : 1000000000L, &v, err)))
                goto done;
            int64_t *slot = !strcmp(key, "visits") ? &c.visits : NULL;
            if (is_band) slot = &c.visits_per_band[y1_band_index(key[7])];
            if (seen_key(&seen, key)) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%ld: '# %s:' given twice", path, lineno, key);
                goto done;
            }
            if (slot) *slot = v;
            else c.ccds_per_visit = (int)v;
            continue;
        }
        if (!header) {
            if (strcmp(line, "band,tract,patch_x,patch_y,num_visits")) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%ld: expected the header "
                             "'band,tract,patch_x,patch_y,num_visits', got '%.80s'", path, lineno,
                             line);
                goto done;
            }
            header = 1;
            continue;
        }
        if (!*line) continue;
        char *f[6];
        int nf = 0;
        for (char *p = line, *tok; nf < 6 && (tok = strsep(&p, ",")); ) f[nf++] = tok;
        long tract, px, py, n;
        int b = (nf >= 1 && strlen(f[0]) == 1) ? y1_band_index(tolower((unsigned char)f[0][0]))
                                                : -1;
        if (nf != 5) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%ld: expected 5 columns, got %d", path, lineno, nf);
            goto done;
        }
        if (b < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%ld: column band: expected one of ugrizy, got '%s'",
                         path, lineno, f[0]);
            goto done;
        }
        if ((rc = cell_long(path, lineno, line, f[1], "tract", 0, 100000000L, &tract, err)) ||
            (rc = cell_long(path, lineno, line, f[2], "patch_x", 0, 32767, &px, err)) ||
            (rc = cell_long(path, lineno, line, f[3], "patch_y", 0, 32767, &py, err)) ||
            (rc = cell_long(path, lineno, line, f[4], "num_visits", 1, 100000, &n, err)))
            goto done;
        if ((rc = est_coadds_push(&c, b, (int)tract, (int)px, (int)py, (int)n, err)))
            goto done;
    }
    if (!header) {
        rc = y1_errf(err, Y1_EINPUT, "%s: empty file: expected the header "
                     "'band,tract,patch_x,patch_y,num_visits'", path);
        goto done;
    }
    if (c.n == 0) {
        rc = y1_errf(err, Y1_EINPUT, "%s: no coadds (empty workload)", path);
        goto done;
    }
    if (c.visits >= 0 && (seen & 0xFCu)) {
        int64_t sum = 0;
        for (int b = 0; b < 6; b++) sum += c.visits_per_band[b];
        if (sum != c.visits) {
            rc = y1_errf(err, Y1_EINPUT, "%s: '# visits: %lld' disagrees with the sum of the "
                         "'# visits_<band>:' lines (%lld)", path, (long long)c.visits,
                         (long long)sum);
            goto done;
        }
    }
    qsort(c.v, c.n, sizeof *c.v, cmp_coadd);
    for (size_t i = 1; i < c.n; i++)
        if (!cmp_coadd(&c.v[i - 1], &c.v[i])) {
            long at[2];
            find_repeat(path, c.v[i].band, c.v[i].tract, c.v[i].patch_x, c.v[i].patch_y, at);
            char where[64] = "";   /* empty only if the file changed under us */
            if (at[1]) snprintf(where, sizeof where, ":%ld", at[1]);
            rc = y1_errf(err, Y1_EINPUT, "%s%s: coadd band %c tract %d patch %d,%d appears "
                         "twice (first on line %ld)", path, where, y1_band_letters[c.v[i].band],
                         c.v[i].tract, c.v[i].patch_x, c.v[i].patch_y, at[0]);
            goto done;
        }
    *out = c;
    c.v = NULL;
done:
    free(line);
    fclose(fp);
    est_coadds_clear(&c);
    return rc;
}

/* Decimal digits of v into p (no terminator); returns the end. */
static char *put_int(char *p, long long v)
{
    char tmp[24];
    int k = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    if (v < 0) *p++ = '-';
    do tmp[k++] = (char)('0' + u % 10); while (u /= 10);
    while (k) *p++ = tmp[--k];
    return p;
}

int est_coadds_write(const est_coadds *c, const char *path, y1_err *err)
{
    y1_out *o = NULL;
    int rc = y1_out_open(&o, path, err);
    if (rc) return rc;
    FILE *fp = y1_out_fp(o);
    if (c->visits >= 0) {
        fprintf(fp, "# visits: %lld\n", (long long)c->visits);
        for (int b = 0; b < Y1_NBANDS; b++)
            fprintf(fp, "# visits_%c: %lld\n", y1_band_letters[b],
                    (long long)c->visits_per_band[b]);
        fprintf(fp, "# ccds_per_visit: %d\n", c->ccds_per_visit);
    }
    /* provenance: what made this workload, so a replay can say it (identities, not paths) */
    const est_provenance *p = &c->prov;
    if (p->cadence[0]) fprintf(fp, "# cadence: %s\n", p->cadence);
    if (p->synthetic == 1)
        fprintf(fp, p->synth_desc[0] ? "# synthetic: yes (%s)\n" : "# synthetic: yes\n", p->synth_desc);
    if (p->synthetic == 0) fputs("# synthetic: no\n", fp);
    if (p->selection[0]) fprintf(fp, "# selection: %s\n", p->selection);
    if (p->footprint[0]) fprintf(fp, "# footprint: %s\n", p->footprint);
    if (p->skymap[0]) fprintf(fp, "# skymap: %s\n", p->skymap);
    fputs("band,tract,patch_x,patch_y,num_visits\n", fp);
    /* millions of rows: formatted by hand into a buffer (one fprintf per row costs 0.3 s);
     * the bytes are those of "%c,%d,%d,%d,%d\n" */
    char buf[1 << 16];
    size_t used = 0;
    /* "band,tract," is the same for a tract's coadds in a band (49 or 100 of them): kept */
    char pre[32];
    size_t npre = 0;
    int pband = -1, ptract = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (used > sizeof buf - 64) {
            fwrite(buf, 1, used, fp);
            used = 0;
        }
        char *q = buf + used;
        const est_coadd *v = &c->v[i];
        if (v->band != pband || v->tract != ptract) {
            char *e = pre;
            *e++ = y1_band_letters[v->band];
            *e++ = ',';
            e = put_int(e, v->tract);
            *e++ = ',';
            npre = (size_t)(e - pre);
            pband = v->band, ptract = v->tract;
        }
        memcpy(q, pre, npre);
        q += npre;
        q = put_int(q, v->patch_x);
        *q++ = ',';
        q = put_int(q, v->patch_y);
        *q++ = ',';
        q = put_int(q, v->n);
        *q++ = '\n';
        used = (size_t)(q - buf);
    }
    if (used) fwrite(buf, 1, used, fp);
    return y1_out_commit(o, err);
}

static int cmp_patch(const est_coadd *x, const est_coadd *y)
{
    if (x->tract != y->tract) return x->tract < y->tract ? -1 : 1;
    if (x->patch_x != y->patch_x) return x->patch_x - y->patch_x;
    return x->patch_y - y->patch_y;
}

int est_workload_from_coadds(est_workload *w, const est_coadds *c, y1_err *err)
{
    int maxn = 0, maxp = 0, rc;
    /* Each band's coadds are a run sorted by patch (the order coadds are kept in; sorted here
     * if not): patch sums are a merge of the six runs, no sort of all coadds. */
    const est_coadd *v = c->v;
    est_coadd *copy = NULL;
    int *sums = malloc((c->n ? c->n : 1) * sizeof *sums);
    if (!sums) return y1_errf(err, Y1_ENOMEM, "workload: out of memory");
    for (size_t i = 1; i < c->n; i++)
        if (cmp_coadd(&v[i - 1], &v[i]) > 0) {
            if (!(copy = malloc(c->n * sizeof *copy))) {
                free(sums);
                return y1_errf(err, Y1_ENOMEM, "workload: out of memory");
            }
            memcpy(copy, c->v, c->n * sizeof *copy);
            qsort(copy, c->n, sizeof *copy, cmp_coadd);
            v = copy;
            break;
        }
    size_t head[Y1_NBANDS + 1], end[Y1_NBANDS];
    for (int b = 0, i = 0; b < Y1_NBANDS; b++) {
        head[b] = (size_t)i;
        while ((size_t)i < c->n && v[i].band <= b) i++;
        end[b] = (size_t)i;
    }
    size_t np = 0;
    for (;;) {
        const est_coadd *m = NULL;
        for (int b = 0; b < Y1_NBANDS; b++)
            if (head[b] < end[b] && (!m || cmp_patch(&v[head[b]], m) < 0)) m = &v[head[b]];
        if (!m) break;
        est_coadd key = *m;
        int sum = 0;
        for (int b = 0; b < Y1_NBANDS; b++)
            while (head[b] < end[b] && !cmp_patch(&v[head[b]], &key)) sum += v[head[b]++].n;
        sums[np++] = sum;
        if (sum > maxp) maxp = sum;
    }
    for (size_t i = 0; i < c->n; i++) if (c->v[i].n > maxn) maxn = c->v[i].n;
    if ((rc = est_workload_alloc(w, maxn, maxp, err))) goto done;
    for (size_t i = 0; i < np; i++) w->patch_hist[sums[i]]++;
    w->patches = (int64_t)np;
    for (size_t i = 0; i < c->n; i++) {
        w->coadd_hist[c->v[i].n]++;
        w->warps += c->v[i].n;
    }
    w->coadds = (int64_t)c->n;
    w->visits = c->visits;
    w->ccd_visits = c->visits * c->ccds_per_visit;
done:
    free(sums);
    free(copy);
    return rc;
}

int est_coadds_nstats_all(const est_coadds *c, est_nstats out[Y1_NBANDS], y1_err *err)
{
    /* one pass: each band's histogram of n, grown as larger n turn up; then the quantiles
     * from it (exact order statistics, lower value) */
    int64_t *h[Y1_NBANDS] = {NULL};
    size_t cap[Y1_NBANDS] = {0};
    double sum[Y1_NBANDS] = {0};
    int rc = Y1_OK;
    memset(out, 0, Y1_NBANDS * sizeof *out);
    for (size_t i = 0; i < c->n; i++) {
        int b = c->v[i].band, n = c->v[i].n;
        if ((size_t)n >= cap[b]) {
            size_t nc = cap[b] ? 2 * cap[b] : 256;
            while (nc <= (size_t)n) nc *= 2;
            int64_t *g = realloc(h[b], nc * sizeof *g);
            if (!g) {
                rc = y1_errf(err, Y1_ENOMEM, "n statistics: out of memory");
                goto done;
            }
            memset(g + cap[b], 0, (nc - cap[b]) * sizeof *g);
            h[b] = g, cap[b] = nc;
        }
        h[b][n]++;
        out[b].coadds++;
        sum[b] += n;
        if (n > out[b].max) out[b].max = n;
    }
    for (int b = 0; b < Y1_NBANDS; b++) {
        est_nstats *o = &out[b];
        if (!o->coadds) continue;
        o->mean = sum[b] / (double)o->coadds;
        int64_t k05 = (int64_t)(0.05 * (double)(o->coadds - 1)), k50 = (o->coadds - 1) / 2,
                k95 = (int64_t)(0.95 * (double)(o->coadds - 1)), seen = 0;
        int got05 = 0, got50 = 0, got95 = 0;
        for (int n = 0; n <= o->max; n++) {
            seen += h[b][n];
            if (!got05 && seen > k05) { o->q05 = n; got05 = 1; }
            if (!got50 && seen > k50) { o->median = n; got50 = 1; }
            if (!got95 && seen > k95) { o->q95 = n; got95 = 1; }
        }
    }
done:
    for (int b = 0; b < Y1_NBANDS; b++) free(h[b]);
    return rc;
}
