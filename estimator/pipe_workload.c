/* pipe_workload.c: dimension counts of a workload for pipeline files. */
#include "estimator/pipe_workload.h"

#include <stdlib.h>

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int est_pipe_counts(pipe_counts *out, const est_coadds *c, const est_workload *w, y1_err *err)
{
    pipe_counts k;
    pipe_counts_init(&k);
    if (c->visits >= 0) {
        k.n[PIPE_DIM_VISIT] = c->visits;
        k.n[PIPE_DIM_VISIT_DETECTOR] = c->visits * (int64_t)c->ccds_per_visit;
    }
    k.n[PIPE_DIM_VISIT_TRACT_PATCH] = w->warps;
    k.n[PIPE_DIM_PATCH_BAND] = w->coadds;
    k.n[PIPE_DIM_PATCH] = w->patches;
    /* c->v is sorted by (band, tract, patch): a new (band, tract) starts where either changes;
     * tracts are counted across bands from a sorted copy of their ids */
    int32_t *ids = malloc((c->n ? c->n : 1) * sizeof *ids);
    if (!ids) return y1_errf(err, Y1_ENOMEM, "workload: out of memory");
    int64_t tract_band = 0, bands = 0, tracts = 0;
    for (size_t i = 0; i < c->n; i++) {
        const est_coadd *a = &c->v[i], *b = i ? &c->v[i - 1] : NULL;
        if (!b || a->band != b->band) bands++;
        if (!b || a->band != b->band || a->tract != b->tract) tract_band++;
        ids[i] = a->tract;
    }
    qsort(ids, c->n, sizeof *ids, cmp_i32);
    for (size_t i = 0; i < c->n; i++) tracts += !i || ids[i] != ids[i - 1];
    free(ids);
    k.n[PIPE_DIM_TRACT_BAND] = tract_band;
    k.n[PIPE_DIM_BAND] = bands;
    k.n[PIPE_DIM_TRACT] = tracts;
    k.coadd_hist = w->coadd_hist;
    k.coadd_hist_max = w->max_coadd_n;
    k.patch_hist = w->patch_hist;
    k.patch_hist_max = w->max_patch_n;
    *out = k;
    return Y1_OK;
}
