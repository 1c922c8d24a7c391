/* pipe_estimate.c: a pipeline file's estimate over the workload (estimator/pipe_estimate.h). */
#include "estimator/pipe_estimate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_sha256.h"
#include "estimator/pack.h"
#include "estimator/pipe_workload.h"

int est_pipe_new(est_pipe_est **out, const char *name_or_path, const char *datadir, y1_err *err)
{
    est_pipe_est *e = calloc(1, sizeof *e);
    if (!e) return y1_errf(err, Y1_ENOMEM, "pipeline: out of memory");
    int rc = pipe_load(&e->p, name_or_path, datadir, err);
    if (rc) {
        free(e);
        return rc;
    }
    char id[320];
    y1_file_ident(e->p->path, id, sizeof id);
    snprintf(e->ident, sizeof e->ident, "%s, %s", e->p->name, id);
    sky_detset_parse(&e->det, "all", err);
    pipe_counts_init(&e->k);
    pipe_conv_rtn109(&e->ref_conv);
    *out = e;
    return Y1_OK;
}

void est_pipe_free(est_pipe_est *e)
{
    if (!e) return;
    pipe_free(e->p);
    pipe_result_clear(&e->ref);
    for (size_t i = 0; e->plat && i < e->nplat; i++) pipe_result_clear(&e->plat[i]);
    free(e->plat);
    free(e->conv);
    free(e->rtn028_node_days);
    free(e);
}

int est_pipe_uses(const pipe_pipeline *p, pipe_dim d, uint32_t *orders)
{
    int used = 0;
    uint32_t o = 0;
    for (size_t i = 0; i < p->n_tasks; i++)
        if (p->tasks[i].dim == d) {
            used = 1;
            o |= 1u << p->tasks[i].healpix_order;
        }
    for (size_t i = 0; i < p->n_products; i++)
        if (p->products[i].dim == d) {
            used = 1;
            o |= 1u << p->products[i].healpix_order;
        }
    if (orders) *orders = o;
    return used;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t count_unique(int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_i64);
    int64_t u = 0;
    for (size_t i = 0; i < n; i++) u += !i || v[i] != v[i - 1];
    return u;
}

/* HEALPix pixels of the given order, and pixel x band pairs, holding the centre of a tract of
 * the workload (RTN-109 mapped healpix3 from tracts the same way). */
static int healpix_from_tracts(const sky_map *m, const est_coadds *c, int order, int64_t *pix,
                               int64_t *pix_band, y1_err *err)
{
    int64_t *a = malloc((c->n ? c->n : 1) * sizeof *a), *b = malloc((c->n ? c->n : 1) * sizeof *b);
    int rc = Y1_OK;
    size_t n = 0;
    if (!a || !b) {
        rc = y1_errf(err, Y1_ENOMEM, "healpix counts: out of memory");
        goto done;
    }
    /* c->v is sorted by (band, tract, patch): one look-up per (band, tract) */
    for (size_t i = 0; i < c->n; i++) {
        const est_coadd *x = &c->v[i], *y = i ? &c->v[i - 1] : NULL;
        if (y && x->band == y->band && x->tract == y->tract) continue;
        sky_tract_info ti;
        if ((rc = sky_tract_get(m, x->tract, &ti, err))) goto done;
        int64_t hp = sky_healpix_nest(order, ti.ra_deg, ti.dec_deg);
        a[n] = hp;
        b[n] = hp * 8 + x->band;
        n++;
    }
    *pix = count_unique(a, n);
    *pix_band = count_unique(b, n);
done:
    free(a);
    free(b);
    return rc;
}

/* RTN-028's convention on a platform: a task's jobs per node by its largest memory (the one
 * packing rule), node-hours = CPU hours x cpu_factor / jobs per node. NAN when the pipeline
 * gives no memory or only core-weighted CPU for some task. */
static int rtn028_days(const pipe_pipeline *p, const pipe_result *r, const est_platform *pl,
                       double *out, y1_err *err)
{
    double h = 0;
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task_result *x = &r->tasks[i];
        if (!p->tasks[i].has_memory || isnan(x->cpu_s) || isnan(x->max_mem_gib)) {
            *out = NAN;
            return Y1_OK;
        }
        if (x->instances == 0) continue;
        long j = est_pack_jobs(pl->cores_per_node, pl->memory_per_node_gib - pl->memory_reserve_gib,
                               x->max_mem_gib);
        if (j < 1)
            return y1_errf(err, Y1_EINPUT, "%s: task %s needs %.2f GiB per instance but platform "
                           "%s has only %.2f GiB usable per node", pl->path, p->tasks[i].label,
                           x->max_mem_gib, pl->name, pl->memory_per_node_gib - pl->memory_reserve_gib);
        h += x->cpu_s / 3600.0 * pl->cpu_factor / (double)j;
    }
    *out = h / 24.0;
    return Y1_OK;
}

int est_pipe_rtn028_days(const pipe_pipeline *p, const pipe_counts *k, const est_platform *pl,
                         double *out, y1_err *err)
{
    pipe_conv conv = {0};
    pipe_result r;
    double v = NAN;
    int rc;
    memset(&r, 0, sizeof r);
    conv.cores_per_node = (int)pl->cores_per_node;
    conv.mem_per_core_gib = (pl->memory_per_node_gib - pl->memory_reserve_gib) /
                            (double)pl->cores_per_node;
    if (!(rc = pipe_compute(p, k, &conv, &r, err)) && !(rc = rtn028_days(p, &r, pl, &v, err)))
        *out = v;
    pipe_result_clear(&r);
    return rc;
}

int est_pipe_compute(est_pipe_est *e, const est_coadds *c, const est_workload *w,
                     const sky_dim_counts *dc, const sky_map *m, const est_platform *plat,
                     size_t nplat, y1_err *err)
{
    int rc;
    pipe_counts k;
    if ((rc = est_pipe_counts(&k, c, w, err))) return rc;
    memset(e->count_src, 0, sizeof e->count_src);
    snprintf(e->count_src[PIPE_DIM_GLOBAL], sizeof e->count_src[0], "one instance");
    snprintf(e->count_src[PIPE_DIM_VISIT], sizeof e->count_src[0], "visits selected");
    static const pipe_dim from_coadds[] = {PIPE_DIM_BAND, PIPE_DIM_TRACT, PIPE_DIM_TRACT_BAND,
                                           PIPE_DIM_PATCH, PIPE_DIM_PATCH_BAND,
                                           PIPE_DIM_VISIT_TRACT_PATCH};
    for (size_t i = 0; i < sizeof from_coadds / sizeof from_coadds[0]; i++)
        snprintf(e->count_src[from_coadds[i]], sizeof e->count_src[0], "%s",
                 from_coadds[i] == PIPE_DIM_VISIT_TRACT_PATCH ? "sum of n over the coadds"
                 : "distinct values among the coadds");
    if (c->visits >= 0) {
        /* the detector set decides the CCD-visits (RTN-109's DP2: 172 of 189) */
        int ndet = e->have_det ? e->det.n : c->ccds_per_visit;
        k.n[PIPE_DIM_VISIT_DETECTOR] = c->visits * (int64_t)ndet;
        snprintf(e->count_src[PIPE_DIM_VISIT_DETECTOR], sizeof e->count_src[0],
                 "visits x %d detectors", ndet);
    }
    if (dc) {
        k.n[PIPE_DIM_VISIT_DETECTOR_TRACT] = dc->visit_detector_tract;
        k.n[PIPE_DIM_VISIT_TRACT] = dc->visit_tract;
        snprintf(e->count_src[PIPE_DIM_VISIT_DETECTOR_TRACT], sizeof e->count_src[0],
                 "tracts holding a CCD corner, per CCD");
        snprintf(e->count_src[PIPE_DIM_VISIT_TRACT], sizeof e->count_src[0],
                 "tracts holding a CCD corner, per visit");
    }
    uint32_t ord = 0, ordb = 0;
    est_pipe_uses(e->p, PIPE_DIM_HEALPIX, &ord);
    est_pipe_uses(e->p, PIPE_DIM_HEALPIX_BAND, &ordb);
    if (m)
        for (int o = 0; o <= PIPE_HEALPIX_MAX_ORDER; o++) {
            if (!((ord | ordb) >> o & 1)) continue;
            if ((rc = healpix_from_tracts(m, c, o, &k.healpix[o], &k.healpix_band[o], err)))
                return rc;
            snprintf(e->count_src[PIPE_DIM_HEALPIX], sizeof e->count_src[0],
                     "pixels holding a tract centre");
            snprintf(e->count_src[PIPE_DIM_HEALPIX_BAND], sizeof e->count_src[0],
                     "pixels holding a tract centre, per band");
        }
    e->k = k;
    pipe_result_clear(&e->ref);
    if ((rc = pipe_compute(e->p, &e->k, &e->ref_conv, &e->ref, err))) return rc;
    e->conv = calloc(nplat + 1, sizeof *e->conv);
    e->plat = calloc(nplat + 1, sizeof *e->plat);
    e->rtn028_node_days = calloc(nplat + 1, sizeof *e->rtn028_node_days);
    if (!e->conv || !e->plat || !e->rtn028_node_days)
        return y1_errf(err, Y1_ENOMEM, "pipeline: out of memory");
    for (size_t i = 0; i < nplat; i++) {
        const est_platform *pl = &plat[i];
        e->conv[i].cores_per_node = (int)pl->cores_per_node;
        e->conv[i].mem_per_core_gib = (pl->memory_per_node_gib - pl->memory_reserve_gib) /
                                      (double)pl->cores_per_node;
        if ((rc = pipe_compute(e->p, &e->k, &e->conv[i], &e->plat[i], err))) return rc;
        e->nplat = i + 1;
        if ((rc = rtn028_days(e->p, &e->plat[i], pl, &e->rtn028_node_days[i], err))) return rc;
    }
    return Y1_OK;
}
