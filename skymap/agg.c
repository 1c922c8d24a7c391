/* agg.c: visits -> coadd counts. Each worker thread takes chunks of visits from a shared counter
 * and adds 1 per (tract, patch) hit into its own dense array indexed by (band, tract, patch);
 * the arrays are then summed. Integer sums do not depend on the order, so any thread count gives
 * the same coadds, listed in index order, which is the (band, tract, patch_x, patch_y) order. */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "skymap/agg.h"
#include "skymap/sky_internal.h"


enum { CHUNK = 256 };                   /* visits per work item */
#define MAX_DENSE ((size_t)1 << 27)     /* counters per thread: 512 MB */

/* A thread's zeroed counter array (tens of MB: 45 MB for lsst_cells_v1). Fresh anonymous pages
 * are zero, and only the pages a run touches are ever backed (its visits reach about half the
 * sky). No huge-page hint: it cuts the page faults, but the kernel then zeroes whole 2 MB
 * pages, and on the 2-core VM that cost 4-10 % more CPU over whole runs than it saved (the
 * main job, the 10-year circle and lsstcam runs, lsst_cells_v1; paired runs). NULL when out of
 * memory. */
static uint32_t *counts_alloc(size_t n)
{
    void *p = mmap(NULL, n * sizeof(uint32_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void counts_free(uint32_t *p, size_t n)
{
    if (p) munmap(p, n * sizeof(uint32_t));
}

struct sky_agg {
    sky_totals tot;
    sky_coadd *coadds;
    size_t ncoadds;
    uint64_t *hist[Y1_NBANDS]; /* hist[b][k] = coadds of band b with num_visits k */
    uint32_t histmax[Y1_NBANDS];
};

void sky_agg_free(sky_agg *a)
{
    if (!a) return;
    free(a->coadds);
    for (int b = 0; b < Y1_NBANDS; b++) free(a->hist[b]);
    free(a);
}

const sky_totals *sky_agg_totals(const sky_agg *a) { return &a->tot; }

const sky_coadd *sky_agg_coadds(const sky_agg *a, size_t *n)
{
    *n = a->ncoadds;
    return a->coadds;
}

sky_coadd *sky_agg_take_coadds(sky_agg *a, size_t *n)
{
    sky_coadd *c = a->coadds;
    *n = a->ncoadds;
    a->coadds = NULL;
    a->ncoadds = 0;
    return c;
}

/* value of rank k (0-based) in band b's sorted list of num_visits */
static double kth(const sky_agg *a, int b, uint64_t k)
{
    uint64_t c = 0;
    for (uint32_t v = 0; v <= a->histmax[b]; v++) {
        c += a->hist[b][v];
        if (c > k) return v;
    }
    return a->histmax[b];
}

double sky_agg_quantile(const sky_agg *a, int band, double q)
{
    if (band < 0 || band >= Y1_NBANDS || !a->hist[band] || a->tot.band[band].coadds == 0 ||
        !(q >= 0.0 && q <= 1.0))
        return NAN;
    uint64_t N = (uint64_t)a->tot.band[band].coadds;
    double h = (double)(N - 1) * q;
    uint64_t lo = (uint64_t)floor(h);
    uint64_t hi = lo + 1 < N ? lo + 1 : N - 1;
    double xl = kth(a, band, lo), xh = kth(a, band, hi);
    return xl + (h - (double)lo) * (xh - xl);
}

/* Totals and histograms from the sorted coadd list (shared by run and from_coadds). */
static int finish(sky_agg *a)
{
    int32_t maxt = -1;
    int maxpx = 0, maxpy = 0;
    for (int b = 0; b < Y1_NBANDS; b++) {
        sky_band_stats *s = &a->tot.band[b];
        int64_t keep = s->visits;
        memset(s, 0, sizeof *s);
        s->visits = keep;
    }
    a->tot.warps = 0;
    a->tot.coadds = (int64_t)a->ncoadds;
    for (size_t i = 0; i < a->ncoadds; i++) {
        const sky_coadd *c = &a->coadds[i];
        sky_band_stats *s = &a->tot.band[c->band];
        if (s->coadds == 0 || c->num_visits < s->min) s->min = c->num_visits;
        if (c->num_visits > s->max) s->max = c->num_visits;
        s->coadds++;
        s->warps += c->num_visits;
        a->tot.warps += c->num_visits;
        if (c->tract > maxt) maxt = c->tract;
        if (c->patch_x > maxpx) maxpx = c->patch_x;
        if (c->patch_y > maxpy) maxpy = c->patch_y;
    }
    for (int b = 0; b < Y1_NBANDS; b++) {
        a->histmax[b] = a->tot.band[b].max;
        a->hist[b] = calloc((size_t)a->histmax[b] + 1, sizeof *a->hist[b]);
        if (!a->hist[b]) return Y1_ENOMEM;
    }
    for (size_t i = 0; i < a->ncoadds; i++)
        a->hist[a->coadds[i].band][a->coadds[i].num_visits]++;
    /* patches with any band: one bit per (tract, patch) */
    size_t ny = (size_t)maxpy + 1, np = ((size_t)maxpx + 1) * ny;
    size_t nbits = ((size_t)maxt + 1) * np;
    uint8_t *bits = calloc(nbits / 8 + 1, 1);
    if (!bits) return Y1_ENOMEM;
    a->tot.patches = 0;
    for (size_t i = 0; i < a->ncoadds; i++) {
        const sky_coadd *c = &a->coadds[i];
        size_t k = (size_t)c->tract * np + (size_t)c->patch_x * ny + (size_t)c->patch_y;
        if (!(bits[k >> 3] & (1u << (k & 7)))) {
            bits[k >> 3] |= (uint8_t)(1u << (k & 7));
            a->tot.patches++;
        }
    }
    free(bits);
    for (int b = 0; b < Y1_NBANDS; b++) {
        sky_band_stats *s = &a->tot.band[b];
        if (!s->coadds) continue;
        s->mean = (double)s->warps / (double)s->coadds;
        s->p10 = sky_agg_quantile(a, b, 0.10);
        s->p25 = sky_agg_quantile(a, b, 0.25);
        s->p50 = sky_agg_quantile(a, b, 0.50);
        s->p75 = sky_agg_quantile(a, b, 0.75);
        s->p90 = sky_agg_quantile(a, b, 0.90);
    }
    return Y1_OK;
}

/* ---- the parallel run ---- */

/* A circle's overlaps depend on its centre only, and centres repeat (83,909 distinct for the
 * 173,682 Y1 WFD visits of the synthetic cadence): with the circle the workers take distinct
 * centres, each with its visits per band, compute its overlaps once and add that many. A
 * circle meets each patch column in one run of rows, so the counters are then a difference
 * array: two additions per run instead of one per patch, and one running sum at the end. The
 * lsstcam footprint (exact rule) adds its runs to the same difference array, visit by visit,
 * as it finds them (sky_work.dcount). */
typedef struct centre {
    double ra_deg, dec_deg;
    uint32_t nb[Y1_NBANDS];   /* visits per band at this centre */
} centre;

typedef struct run_shared {
    const sky_map *m;
    const sky_footprint *fp;
    const sky_visit *v;
    size_t n;
    const centre *cen;         /* NULL: one item per visit; else the n_cen distinct centres */
    int runs;                  /* sky__visit lists runs: the counters are a difference array */
    const uint32_t *order;     /* visits: the order to take them in (spatial_order), or NULL */
    size_t n_cen;
    size_t per_band;           /* num_tracts * npatch */
    atomic_size_t next;        /* first visit of the next chunk */
    atomic_size_t done;        /* visits finished */
    atomic_int failed;
    sky_progress_fn progress;
    void *ctx;
} run_shared;

typedef struct run_worker {
    run_shared *sh;
    uint32_t *counts;          /* Y1_NBANDS * per_band */
    int rc;
    int is_caller;             /* runs on the calling thread: reports progress */
    pthread_t th;
} run_worker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *worker(void *arg)
{
    run_worker *wk = arg;
    run_shared *sh = wk->sh;
    sky_work w;
    memset(&w, 0, sizeof w);
    w.runs = sh->runs;
    double last = wk->is_caller ? now_s() : 0.0;
    size_t items = sh->cen ? sh->n_cen : sh->n;
    for (;;) {
        if (atomic_load(&sh->failed)) break;
        size_t lo = atomic_fetch_add(&sh->next, CHUNK);
        if (lo >= items) break;
        size_t hi = lo + CHUNK < items ? lo + CHUNK : items;
        size_t visits = 0;
        for (size_t i = lo; sh->cen && i < hi; i++) {
            const centre *q = &sh->cen[i];
            int rc = sky__visit(sh->m, sh->fp, q->ra_deg * SKY_D2R, q->dec_deg * SKY_D2R, 0.0, &w);
            if (rc) {
                wk->rc = rc;
                atomic_store(&sh->failed, 1);
                goto out;
            }
            /* the keys are runs (a, b): +nb at a and -nb at b in the difference array, whose
             * running sum after the merge is the count (uint32_t wraps, and the sum is exact) */
            for (int b = 0; b < Y1_NBANDS; b++) {
                uint32_t nb = q->nb[b];
                if (!nb) continue;
                visits += nb;
                uint32_t *c = wk->counts + (size_t)b * sh->per_band;
                for (size_t k = 0; k < w.nkeys; k += 2) {
                    c[w.keys[k]] += nb;
                    c[w.keys[k + 1]] -= nb;
                }
            }
        }
        /* the visits are taken in spatial order, scattered over the array (a cache miss or
         * two each): the chunk's are copied together first, where the misses overlap */
        sky_visit buf[CHUNK];
        for (size_t i = lo; !sh->cen && sh->order && i < hi; i++) buf[i - lo] = sh->v[sh->order[i]];
        for (size_t i = lo; !sh->cen && i < hi; i++) {
            const sky_visit *v = sh->order ? &buf[i - lo] : &sh->v[i];
            double rot = sky_footprint_rotation(sh->fp, v->id, v->rot_deg);
            uint32_t *c = wk->counts + (size_t)v->band * sh->per_band;
            /* lsstcam's exact rule (the one per-visit path with runs) adds its runs to the
             * band's difference array itself; the rest list keys */
            w.dcount = w.runs ? c : NULL;
            int rc = sky__visit(sh->m, sh->fp, v->ra_deg * SKY_D2R, v->dec_deg * SKY_D2R,
                                rot * SKY_D2R, &w);
            if (rc) {
                wk->rc = rc;
                atomic_store(&sh->failed, 1);
                goto out;
            }
            for (size_t k = 0; k < w.nkeys; k++) c[w.keys[k]]++;
        }
        atomic_fetch_add(&sh->done, sh->cen ? visits : hi - lo);
        if (wk->is_caller && sh->progress) {
            double t = now_s();
            if (t - last >= 0.2) {
                sh->progress(sh->ctx, atomic_load(&sh->done), sh->n);
                last = t;
            }
        }
    }
out:
    sky__work_free(&w);
    return NULL;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The distinct centres of v[0..n-1] (equal as doubles), in order of first appearance, with
 * their visits per band: *out (free it) and *n_out. Y1_ENOMEM. */
static int group_centres(const sky_visit *v, size_t n, centre **out, size_t *n_out)
{
    size_t cap = 1024;
    while (cap < 2 * n) cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot); /* centre index + 1; 0 = empty */
    centre *c = malloc((n ? n : 1) * sizeof *c);
    size_t nc = 0;
    if (!slot || !c || n >= UINT32_MAX) {
        free(slot);
        free(c);
        return Y1_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t a, d;
        memcpy(&a, &v[i].ra_deg, sizeof a);
        memcpy(&d, &v[i].dec_deg, sizeof d);
        size_t h = (size_t)mix64(a ^ mix64(d)) & (cap - 1);
        for (;; h = (h + 1) & (cap - 1)) {
            uint32_t k = slot[h];
            if (!k) {
                c[nc] = (centre){v[i].ra_deg, v[i].dec_deg, {0}};
                slot[h] = (uint32_t)++nc;
                k = (uint32_t)nc;
            } else if (memcmp(&c[k - 1].ra_deg, &v[i].ra_deg, sizeof(double)) ||
                       memcmp(&c[k - 1].dec_deg, &v[i].dec_deg, sizeof(double))) {
                continue;
            }
            c[k - 1].nb[v[i].band]++;
            break;
        }
    }
    free(slot);
    *out = c;
    *n_out = nc;
    return Y1_OK;
}

/* Cells of 1 x 1 deg in (RA, Dec) for the processing order below. */
enum { CELL_RA = 360, CELL_DEC = 181 };
static size_t sky_cell(double ra_deg, double dec_deg)
{
    int a = (int)ra_deg, d = (int)(dec_deg + 90.0); /* coordinates are checked: no overflow */
    if (a > CELL_RA - 1) a = CELL_RA - 1;
    if (d > CELL_DEC - 1) d = CELL_DEC - 1;
    return (size_t)d * CELL_RA + (size_t)a;
}

/* A processing order of n points with neighbours next to each other (a counting sort by
 * 1-degree cell, stable): consecutive items then touch the same tracts, so their counters stay
 * in the cache (in time order a 10-year run spent most of its counting time on cache misses).
 * The counts do not depend on the order. Fills perm[0..n-1]; -1 when out of memory. */
static int spatial_order(size_t n, const void *items, size_t stride, size_t ra_off,
                         size_t dec_off, uint32_t *perm)
{
    size_t ncell = (size_t)CELL_RA * CELL_DEC;
    uint32_t *start = calloc(ncell + 1, sizeof *start);
    uint32_t *cell = malloc((n ? n : 1) * sizeof *cell);
    if (!start || !cell) {
        free(start);
        free(cell);
        return -1;
    }
    const char *p = items;
    for (size_t i = 0; i < n; i++) {
        double ra, dec;
        memcpy(&ra, p + i * stride + ra_off, sizeof ra);
        memcpy(&dec, p + i * stride + dec_off, sizeof dec);
        cell[i] = (uint32_t)sky_cell(ra, dec);
        start[cell[i] + 1]++;
    }
    for (size_t c = 0; c < ncell; c++) start[c + 1] += start[c];
    for (size_t i = 0; i < n; i++) perm[start[cell[i]]++] = (uint32_t)i;
    free(start);
    free(cell);
    return 0;
}

static int check_visits(const sky_footprint *fp, const sky_visit *v, size_t n, y1_err *err)
{
    for (size_t i = 0; i < n; i++) {
        y1_err e;
        if (sky__check_coord(v[i].ra_deg, v[i].dec_deg, &e))
            return y1_errf(err, Y1_EINPUT, "visit %lld (#%zu): %s", (long long)v[i].id, i, e.msg);
        if (v[i].band < 0 || v[i].band >= Y1_NBANDS)
            return y1_errf(err, Y1_EINPUT, "visit %lld (#%zu): band %d is not 0..5 (ugrizy)",
                           (long long)v[i].id, i, v[i].band);
        if (fp->kind == SKY_FP_LSSTCAM && fp->rot == SKY_ROT_VISIT && !isfinite(v[i].rot_deg))
            return y1_errf(err, Y1_EINPUT, "visit %lld (#%zu): rotSkyPos is not a number",
                           (long long)v[i].id, i);
    }
    return Y1_OK;
}

int sky_agg_run(sky_agg **out, const sky_map *m, const sky_footprint *fp,
                const sky_visit *visits, size_t n, int threads, sky_progress_fn progress,
                void *ctx, y1_err *err)
{
    if (threads < 1) threads = 1; /* treat as serial rather than fail */
    int rc = check_visits(fp, visits, n, err);
    if (rc) return rc;
    run_shared sh = {.m = m, .fp = fp, .v = visits, .n = n, .progress = progress, .ctx = ctx};
    sh.per_band = (size_t)m->info.num_tracts * (size_t)m->npatch;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    atomic_init(&sh.failed, 0);
    size_t dense = Y1_NBANDS * sh.per_band;
    size_t ncount = dense + 1; /* a run ending at the last cell subtracts one past it */
    if (dense > MAX_DENSE)
        return y1_errf(err, Y1_EINPUT, "sky map %s has %zu (band, tract, patch) cells; at most "
                       "%zu are supported", m->name, dense, MAX_DENSE);
    sky_agg *a = NULL;
    run_worker *wk = NULL;
    centre *cen = NULL;
    uint32_t *order = NULL;
    int started = 0;
    if (fp->kind == SKY_FP_CIRCLE) {
        if ((rc = group_centres(visits, n, &cen, &sh.n_cen))) goto done;
        rc = Y1_ENOMEM;
        centre *sorted = malloc((sh.n_cen ? sh.n_cen : 1) * sizeof *sorted);
        order = malloc((sh.n_cen ? sh.n_cen : 1) * sizeof *order);
        if (!sorted || !order || spatial_order(sh.n_cen, cen, sizeof *cen,
                                               offsetof(centre, ra_deg),
                                               offsetof(centre, dec_deg), order)) {
            free(sorted);
            goto done;
        }
        for (size_t i = 0; i < sh.n_cen; i++) sorted[i] = cen[order[i]];
        free(cen);
        cen = sorted;
        sh.cen = cen;
    } else if (n < UINT32_MAX) {
        rc = Y1_ENOMEM;
        order = malloc((n ? n : 1) * sizeof *order);
        if (!order || spatial_order(n, visits, sizeof *visits, offsetof(sky_visit, ra_deg),
                                    offsetof(sky_visit, dec_deg), order))
            goto done;
        sh.order = order;
    }
    /* the circle (grouped by centre) and lsstcam's exact rule list runs */
    sh.runs = cen != NULL || (fp->kind == SKY_FP_LSSTCAM && fp->overlap == SKY_OVERLAP_EXACT);
    /* no more threads than chunks: an idle thread would only add a counter array */
    size_t items = cen ? sh.n_cen : n;
    if ((size_t)threads > items / CHUNK + 1) threads = (int)(items / CHUNK + 1);
    wk = calloc((size_t)threads, sizeof *wk);
    rc = Y1_ENOMEM;
    if (!wk) goto done;
    for (int t = 0; t < threads; t++) {
        wk[t].sh = &sh;
        wk[t].is_caller = t == 0;
        wk[t].counts = counts_alloc(ncount);
        if (!wk[t].counts) goto done;
    }
    rc = Y1_OK;
    for (int t = 1; t < threads; t++) {
        int e = pthread_create(&wk[t].th, NULL, worker, &wk[t]);
        if (e) {
            atomic_store(&sh.failed, 1);
            rc = y1_errf(err, Y1_EIO, "cannot start a worker thread: %s", strerror(e));
            break;
        }
        started++;
    }
    if (!rc) worker(&wk[0]);
    for (int t = 1; t <= started; t++) pthread_join(wk[t].th, NULL);
    if (rc) goto done;
    for (int t = 0; t < threads; t++)
        if (wk[t].rc) {
            rc = wk[t].rc;
            goto done;
        }
    if (progress) progress(ctx, n, n);

    /* merge into worker 0's array, then list the non-zero cells in index order */
    uint32_t *c = wk[0].counts;
    for (int t = 1; t < threads; t++) {
        const uint32_t *d = wk[t].counts;
        for (size_t i = 0; i < ncount; i++) c[i] += d[i];
        counts_free(wk[t].counts, ncount);
        wk[t].counts = NULL;
    }
    if (sh.runs) /* differences to counts */
        for (size_t i = 1; i < dense; i++) c[i] += c[i - 1];
    rc = Y1_ENOMEM;
    a = calloc(1, sizeof *a);
    if (!a) goto done;
    size_t nz = 0;
    for (size_t i = 0; i < dense; i++) nz += c[i] != 0;
    a->coadds = malloc((nz ? nz : 1) * sizeof *a->coadds);
    if (!a->coadds) goto done;
    /* index order is (band, tract, patch_x, patch_y): nested loops, no divisions */
    int npx = m->info.patches_x, npy = m->info.patches_y, nt = m->info.num_tracts;
    const uint32_t *ci = c;
    sky_coadd *o = a->coadds;
    for (int b = 0; b < Y1_NBANDS; b++)
        for (int t = 0; t < nt; t++)
            for (int x = 0; x < npx; x++)
                for (int y = 0; y < npy; y++, ci++)
                    if (*ci)
                        *o++ = (sky_coadd){.tract = t, .num_visits = *ci, .patch_x = (int16_t)x,
                                           .patch_y = (int16_t)y, .band = (int8_t)b};
    a->ncoadds = (size_t)(o - a->coadds);
    a->tot.visits = (int64_t)n;
    a->tot.ccd_visits = (int64_t)n * sky_footprint_num_ccds(fp);
    for (int b = 0; b < Y1_NBANDS; b++) a->tot.band[b].visits = 0;
    for (size_t i = 0; i < n; i++) a->tot.band[visits[i].band].visits++;
    rc = finish(a);
    if (rc) goto done;
    *out = a;
    a = NULL;
done:
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "coadd counting: out of memory");
    if (wk)
        for (int t = 0; t < threads; t++) counts_free(wk[t].counts, ncount);
    free(wk);
    free(cen);
    free(order);
    sky_agg_free(a);
    return rc;
}

/* ---- a result from coadds the caller already has ---- */

static int coadd_cmp(const void *pa, const void *pb)
{
    const sky_coadd *x = pa, *y = pb;
    if (x->band != y->band) return x->band < y->band ? -1 : 1;
    if (x->tract != y->tract) return x->tract < y->tract ? -1 : 1;
    if (x->patch_x != y->patch_x) return x->patch_x < y->patch_x ? -1 : 1;
    return x->patch_y < y->patch_y ? -1 : x->patch_y > y->patch_y;
}

int sky_agg_from_coadds(sky_agg **out, const sky_coadd *coadds, size_t n, y1_err *err)
{
    int rc = Y1_ENOMEM;
    sky_agg *a = calloc(1, sizeof *a);
    if (!a) goto done;
    a->coadds = malloc((n ? n : 1) * sizeof *a->coadds);
    if (!a->coadds) goto done;
    memcpy(a->coadds, coadds, n * sizeof *coadds);
    a->ncoadds = n;
    qsort(a->coadds, n, sizeof *a->coadds, coadd_cmp);
    for (size_t i = 0; i < n; i++) {
        const sky_coadd *c = &a->coadds[i];
        if (c->band < 0 || c->band >= Y1_NBANDS || c->num_visits == 0 || c->tract < 0 ||
            c->patch_x < 0 || c->patch_y < 0) {
            rc = y1_errf(err, Y1_EINPUT, "coadd tract %d patch (%d, %d) band %d: tract and "
                         "patch must be >= 0, band 0..5 and num_visits >= 1, got %u",
                         (int)c->tract, c->patch_x, c->patch_y, c->band,
                         (unsigned)c->num_visits);
            goto done;
        }
        if (i && !coadd_cmp(&a->coadds[i - 1], c)) {
            rc = y1_errf(err, Y1_EINPUT, "coadd band %c tract %d patch (%d, %d) appears twice",
                         y1_band_letters[c->band], (int)c->tract, c->patch_x, c->patch_y);
            goto done;
        }
    }
    a->tot.visits = -1;
    a->tot.ccd_visits = -1;
    for (int b = 0; b < Y1_NBANDS; b++) a->tot.band[b].visits = -1;
    if ((rc = finish(a))) goto done;
    *out = a;
    a = NULL;
done:
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "coadds: out of memory");
    sky_agg_free(a);
    return rc;
}
