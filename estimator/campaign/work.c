/* work.c: the campaign's per-tract work: the instances of every level per tract and the
 * (n, count) lists of its coadds and patches, built from the workload's coadds. */
#include "estimator/campaign/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-tract workload ------------------------------------------------------------------ */


void cmp_work_free(cmp_work *w)
{
    if (!w) return;
    free(w->tract_id);
    free(w->lvl);
    free(w->coff);
    free(w->poff);
    free(w->cn);
    free(w->pn);
    free(w->cc);
    free(w->pc);
    free(w->dimc);
    free(w->tract_bands);
    est_workload_clear(&w->w);
    free(w);
}

size_t cmp_work_tracts(const cmp_work *w) { return w->ntract; }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Run-length encode sorted keys (tract index << 32 | n) into per-tract CSR lists. */
static void keys_to_csr(const uint64_t *k, size_t nk, size_t ntract, size_t *off, int32_t *n,
                        int64_t *cnt, size_t *nout)
{
    size_t m = 0;
    memset(off, 0, (ntract + 1) * sizeof *off);
    for (size_t i = 0; i < nk;) {
        size_t j = i;
        while (j < nk && k[j] == k[i]) j++;
        off[(k[i] >> 32) + 1]++;
        n[m] = (int32_t)(k[i] & 0xffffffffu);
        cnt[m] = (int64_t)(j - i);
        m++;
        i = j;
    }
    for (size_t t = 0; t < ntract; t++) off[t + 1] += off[t];
    *nout = m;
}

/* Largest-remainder apportionment of total over tracts in proportion to weights (sum wsum). */
static void apportion(int64_t total, const int64_t *weight, int64_t wsum, size_t ntract,
                      int64_t *out, size_t stride)
{
    int64_t given = 0;
    for (size_t t = 0; t < ntract; t++) {
        /* 128-bit free: total and weights stay below 2^40 for ten years of LSST */
        long double q = (long double)total * (long double)weight[t] / (long double)wsum;
        out[t * stride] = (int64_t)q;
        given += out[t * stride];
    }
    /* the remainder goes to the tracts with the largest fractional parts, ties by tract order */
    while (given < total) {
        size_t best = 0;
        long double bf = -1;
        for (size_t t = 0; t < ntract; t++) {
            long double q = (long double)total * (long double)weight[t] / (long double)wsum;
            long double f = q - (long double)out[t * stride];
            if (f > bf) { bf = f; best = t; }
        }
        out[best * stride]++;
        given++;
    }
}

int cmp_work_new(cmp_work **out, const est_coadds *c, y1_err *err)
{
    int rc = Y1_OK;
    uint64_t *keys = NULL, *pk = NULL;
    int64_t *warps = NULL;
    int32_t *tix = NULL;
    cmp_work *w = calloc(1, sizeof *w);
    if (!w) return y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
    if (c->n == 0) { rc = y1_errf(err, Y1_EINPUT, "campaign: the workload has no coadds"); goto done; }
    if (c->visits < 0 || c->ccds_per_visit <= 0) {
        rc = y1_errf(err, Y1_EINPUT, "campaign: the workload's visit count is unknown");
        goto done;
    }
    if ((rc = est_workload_from_coadds(&w->w, c, err))) goto done;

    /* tract ids -> dense indices in id order */
    int32_t maxid = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].tract > maxid) maxid = c->v[i].tract;
    tix = malloc(((size_t)maxid + 1) * sizeof *tix);
    keys = malloc(c->n * sizeof *keys);
    pk = malloc(c->n * sizeof *pk);
    if (!tix || !keys || !pk) goto nomem;
    for (int32_t i = 0; i <= maxid; i++) tix[i] = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (c->v[i].tract < 0) { rc = y1_errf(err, Y1_EINPUT, "campaign: negative tract id"); goto done; }
        tix[c->v[i].tract] = -2; /* present */
    }
    for (int32_t i = 0; i <= maxid; i++)
        if (tix[i] == -2) tix[i] = (int32_t)w->ntract++;
    w->tract_id = malloc(w->ntract * sizeof *w->tract_id);
    w->lvl = calloc(w->ntract * 5, sizeof *w->lvl);
    w->coff = malloc((w->ntract + 1) * sizeof *w->coff);
    w->poff = malloc((w->ntract + 1) * sizeof *w->poff);
    w->cn = malloc(c->n * sizeof *w->cn);
    w->cc = malloc(c->n * sizeof *w->cc);
    w->pn = malloc(c->n * sizeof *w->pn);
    w->pc = malloc(c->n * sizeof *w->pc);
    warps = calloc(w->ntract, sizeof *warps);
    w->tract_bands = calloc(w->ntract, sizeof *w->tract_bands);
    if (!w->tract_id || !w->lvl || !w->coff || !w->poff || !w->cn || !w->cc || !w->pn || !w->pc ||
        !warps || !w->tract_bands)
        goto nomem;
    for (int32_t i = 0; i <= maxid; i++)
        if (tix[i] >= 0) w->tract_id[tix[i]] = i;

    /* coadds: (tract, n) keys; patches: (tract, x, y) keys to sum n over bands */
    for (size_t i = 0; i < c->n; i++) {
        const est_coadd *a = &c->v[i];
        uint64_t t = (uint64_t)tix[a->tract];
        keys[i] = t << 32 | (uint32_t)a->n;
        pk[i] = t << 32 | (uint64_t)(uint16_t)a->patch_x << 16 | (uint16_t)a->patch_y;
        warps[t] += a->n;
        /* bits 0..5 of the tract's bands first, counted below */
        w->tract_bands[t] |= (int64_t)1 << a->band;
        w->lvl[t * 5 + MDL_COADD]++;
        w->lvl[t * 5 + MDL_WARP] += a->n;
    }
    qsort(keys, c->n, sizeof *keys, cmp_u64);
    size_t m;
    keys_to_csr(keys, c->n, w->ntract, w->coff, w->cn, w->cc, &m);
    /* patches: sort (patch key, n) pairs by patch, then replace each patch by (tract, summed n) */
    {
        typedef struct { uint64_t k; int32_t n; } kn;
        kn *v = malloc(c->n * sizeof *v);
        if (!v) goto nomem;
        for (size_t i = 0; i < c->n; i++) v[i] = (kn){pk[i], c->v[i].n};
        qsort(v, c->n, sizeof *v, cmp_u64); /* compares the leading uint64 */
        size_t np = 0;
        for (size_t i = 0; i < c->n;) {
            size_t j = i;
            int64_t s = 0;
            while (j < c->n && v[j].k == v[i].k) s += v[j++].n;
            uint64_t t = v[i].k >> 32;
            keys[np++] = t << 32 | (uint32_t)s;
            w->lvl[t * 5 + MDL_PATCH]++;
            i = j;
        }
        free(v);
        qsort(keys, np, sizeof *keys, cmp_u64);
        keys_to_csr(keys, np, w->ntract, w->poff, w->pn, w->pc, &m);
    }
    for (size_t t = 0; t < w->ntract; t++) {
        int64_t m = w->tract_bands[t], nb = 0;
        for (; m; m &= m - 1) nb++;
        w->tract_bands[t] = nb;
    }
    /* CCD-visits and visits follow the warps: a CCD belongs to the tract it overlaps */
    apportion(w->w.ccd_visits, warps, w->w.warps, w->ntract, w->lvl + MDL_CCD, 5);
    apportion(w->w.visits, warps, w->w.warps, w->ntract, w->lvl + MDL_VISIT, 5);
    *out = w;
    w = NULL;
    goto done;
nomem:
    rc = y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
done:
    free(tix);
    free(keys);
    free(pk);
    free(warps);
    cmp_work_free(w);
    return rc;
}

/* ---- a pipeline file's dimensions per tract ---------------------------------------------- */

int cmp_work_set_counts(cmp_work *w, const pipe_counts *k, y1_err *err)
{
    enum { D = PIPE_DIM_COUNT };
    int64_t *c = calloc(w->ntract * D, sizeof *c);
    if (!c) return y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
    int64_t *warps = malloc((w->ntract ? w->ntract : 1) * sizeof *warps);
    if (!warps) {
        free(c);
        return y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
    }
    for (size_t t = 0; t < w->ntract; t++) {
        int64_t *x = c + t * D;
        x[PIPE_DIM_TRACT] = 1;
        x[PIPE_DIM_PATCH] = w->lvl[t * 5 + MDL_PATCH];
        x[PIPE_DIM_PATCH_BAND] = w->lvl[t * 5 + MDL_COADD];
        x[PIPE_DIM_VISIT_TRACT_PATCH] = w->lvl[t * 5 + MDL_WARP];
        x[PIPE_DIM_TRACT_BAND] = w->tract_bands[t];
        warps[t] = w->lvl[t * 5 + MDL_WARP];
    }
    static const pipe_dim by_warps[] = {PIPE_DIM_VISIT, PIPE_DIM_VISIT_DETECTOR,
                                        PIPE_DIM_VISIT_TRACT, PIPE_DIM_VISIT_DETECTOR_TRACT};
    for (size_t i = 0; i < sizeof by_warps / sizeof *by_warps; i++) {
        pipe_dim d = by_warps[i];
        if (k->n[d] < 0) {
            for (size_t t = 0; t < w->ntract; t++) c[t * D + d] = -1;
            continue;
        }
        apportion(k->n[d], warps, w->w.warps, w->ntract, c + d, D);
    }
    free(warps);
    free(w->dimc);
    w->dimc = c;
    w->k = *k;
    /* the histograms are the caller's: the simulation reads the per-tract lists instead */
    w->k.coadd_hist = w->k.patch_hist = NULL;
    w->have_k = 1;
    return Y1_OK;
}

int cmp_pipe_products(est_products *out, const pipe_pipeline *p, y1_err *err)
{
    est_products r;
    memset(&r, 0, sizeof r);
    r.v = calloc(p->n_products ? p->n_products : 1, sizeof *r.v);
    if (!r.v) return y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
    for (size_t i = 0; i < p->n_products; i++) {
        const pipe_product *x = &p->products[i];
        est_product *y = &r.v[i];
        const char *label = p->tasks[x->task].label;
        if (strlen(label) >= sizeof y->task || strlen(x->dataset) >= sizeof y->dataset) {
            free(r.v);
            return y1_errf(err, Y1_EINPUT, "%s:%d:%d: task %s, dataset %s: the campaign holds "
                           "names of at most %zu characters", p->path, x->pos.line, x->pos.col,
                           label, x->dataset, sizeof y->dataset - 1);
        }
        snprintf(y->task, sizeof y->task, "%s", label);
        snprintf(y->dataset, sizeof y->dataset, "%s", x->dataset);
        y->size = x->size;
        snprintf(y->unit, sizeof y->unit, "%s", x->unit);
        y->size_bytes = x->size_bytes;
        /* what a campaign delivers is kept: a release type is kept even when the file marks
         * no keep (the RTN-109 file marks release only) */
        y->keep = x->keep || x->release;
        y->line = x->pos.line;
    }
    r.n = p->n_products;
    if (p->has_raw) {
        snprintf(r.raw.dataset, sizeof r.raw.dataset, "%.63s", p->raw.dataset);
        r.raw.size = p->raw.size;
        snprintf(r.raw.unit, sizeof r.raw.unit, "%s", p->raw.unit);
        r.raw.size_bytes = p->raw.size_bytes;
        r.raw.keep = 1;
    }
    snprintf(r.path, sizeof r.path, "%s", p->path);
    *out = r;
    return Y1_OK;
}
