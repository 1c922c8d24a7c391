/* sim.c: the campaign simulation behind campaign.h: a discrete-event loop over blocks of
 * identical instances on nodes, batch jobs with a wall-clock limit and product volumes over
 * time, run phase by phase (setup, buckets, products, regions, the loop, the books). Seconds,
 * GiB and bytes throughout. */
#include "estimator/campaign/internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_grow.h"
#include "estimator/node.h"

/* ---- pipeline order ---------------------------------------------------------------------- */

/* Rank of a label in the DRP pipeline (RTN-028 section 4 and the DESC gen3_workflow task list);
 * unknown labels go after the known tasks of their level. */
static double stage_rank(const mdl_task *t)
{
    static const char *const known[] = {
        "isr", "characterizeImage", "calibrate", "writeSourceTable", "transformSourceTable",
        "consolidateVisitSummary", "skyCorrectionTask", "makeWarp", "selectGoodSeeingVisits",
        "templateGen", "assembleCoadd", "detection", "mergeCoaddDetections", "deblend", "measure",
        "mergeMeasurements", "forcedPhotCoadd"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(t->label, known[i])) return (double)i;
    switch (t->level) {
    case MDL_CCD: return 4.5;
    case MDL_VISIT: return 6.5;
    case MDL_WARP: return 7.5;
    case MDL_COADD: return 11.5;
    case MDL_PATCH: return 13.5;
    }
    return 20;
}

/* ---- simulation state -------------------------------------------------------------------- */

void cmp_opts_default(cmp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->nodes = 1;
    o->block_h = 1.0;
    o->bin_h = 1.0;
    o->cpu_factor = NAN;
    o->regions = 1;
    o->in_flight = 1;
    o->order = CMP_ORDER_BREADTH;
}

void cmp_result_init(cmp_result *r)
{
    memset(r, 0, sizeof *r);
    r->critical_stage = -1;
}

void cmp_result_clear(cmp_result *r)
{
    free(r->stage);
    free(r->prod);
    free(r->busy);
    free(r->vol);
    free(r->alloc);
    cmp_result_init(r);
}

typedef struct bucket { double dur_s; int64_t left; int32_t n; } bucket;

typedef struct group {
    size_t b0, b1;           /* buckets [b0, b1), longest first */
    size_t cursor;           /* first bucket that may have instances left */
    int64_t total, undisp, done;
    int deps;                /* unfinished predecessors (previous task, region release) */
    int64_t trigger;         /* the group whose completion made this one ready, -1 if none */
    double ready_s, first_s, end_s;
} group;

typedef struct node {
    long free_cores;
    double free_mem;
    double last_s;           /* idle accounting up to here */
    int reason;              /* why its free cores are idle (CMP_IDLE_*) */
} node;

typedef struct ev {          /* 32 bytes: cheap to move in the heap */
    double t;
    uint64_t seq;            /* tie-break: deterministic order */
    int32_t g, node, k;
    int32_t inst;            /* k x m instances */
} ev;

typedef struct evheap { ev *v; size_t n, cap; } evheap; /* min-heap of one node's blocks */

typedef struct heapg { int64_t *v; size_t n, cap; } heapg; /* min-heap of group ids */

/* A dependency: the other stage, and whether it spans every tract (a barrier) rather than the
 * same tract. */
typedef struct edge { int32_t s; int32_t all; } edge;

/* One stage as the loop sees it, from a model file's task or a pipeline file's. */
typedef struct stg {
    const char *label;
    const mdl_task *mt;      /* model file: its task; NULL for a pipeline task */
    const pipe_task *pt;     /* pipeline file: its task */
    int whole;               /* not split by tract: one group, in tract 0 (a barrier) */
    int nlist;               /* 0: no n; 1: the coadds' n lists; 2: the patches' */
    const int64_t *cnt;      /* nlist 0, not whole: cnt[t * stride] instances in tract t */
    size_t stride;
    int64_t whole_n;         /* whole: its instances */
    size_t pred0, pred1;     /* its dependencies, S->pred[pred0..pred1) (transitively reduced) */
    size_t succ0, succ1;     /* the stages depending on it, S->succ[...] */
    size_t rd0, rd1;         /* every stage it depends on, S->rd[...]: whose intermediates it
                                may read (not reduced) */
    int64_t readers;         /* how many stages depend on it */
} stg;

typedef struct sim {
    const cmp_work *w;
    const cmp_opts *o;
    size_t ns, nt, np;
    cmp_result *r;
    stg *sp;                 /* per stage, in pipeline order */
    edge *pred, *succ, *rd;
    int32_t *prod_stage;     /* per product: its writing stage, -1 none */
    int64_t *stage_left;     /* groups of the stage not yet done */
    int64_t *tract_left;     /* groups of the tract not yet done */
    int64_t *del_left;       /* [t * ns + s]: stages depending on s not yet done in tract t */
    group *g;                /* g[t * ns + s] */
    bucket *b;
    size_t nb;
    double *tract_bytes;     /* [t * np + p] */
    int *region;             /* per tract */
    long nregion;
    int64_t *region_left;    /* unfinished tracts per region */
    size_t *region_first;    /* first tract of each region (regions are contiguous) */
    long next_region;
    heapg *ready;            /* per stage */
    node *nodes;
    evheap *nh;              /* per node: its running blocks */
    int32_t *gh;             /* nodes with blocks, a heap on their earliest block */
    int32_t *gpos;           /* node -> index in gh, -1 when it has no block */
    size_t ngh, nev;
    uint64_t seq;
    long cores;
    double usable_gib;
    double walltime_s, wait_s, job_start_s, job_end_s;
    int new_ready;
    int64_t groups_left;
    int64_t last_group;
    double cur_vol_total, cur_vol_inter;
    double *cur_vol;         /* per product */
    size_t vol_bin;          /* bins [0, vol_bin] hold values */
    y1_err *err;
    const est_platform *plat;
    const est_products *prod;
    double f;                /* cpu factor of the run */
    double slow, lat;        /* node model: slowdown at the slots used, dispatch latency (s) */
} sim;

static int hg_push(heapg *h, int64_t x)
{
    if (y1_grow(&h->v, &h->cap, h->n + 1, sizeof *h->v, 64)) return Y1_ENOMEM;
    size_t i = h->n++;
    while (i > 0 && h->v[(i - 1) / 2] > x) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
    return Y1_OK;
}

static void hg_pop(heapg *h)
{
    int64_t x = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->v[c + 1] < h->v[c]) c++;
        if (h->v[c] >= x) break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n) h->v[i] = x;
}

static int ev_less(const ev *a, const ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* The event queue is two-level: each node keeps a small heap of its blocks, and a heap of
 * nodes is keyed on each node's earliest block. Both order by (time, sequence number), so
 * events pop in exactly the order of a single heap, but the hot data stays in cache. */
static int gh_less(const sim *S, int32_t a, int32_t b)
{
    return ev_less(&S->nh[a].v[0], &S->nh[b].v[0]);
}

static void gh_up(sim *S, size_t i)
{
    int32_t x = S->gh[i];
    while (i > 0 && gh_less(S, x, S->gh[(i - 1) / 2])) {
        S->gh[i] = S->gh[(i - 1) / 2];
        S->gpos[S->gh[i]] = (int32_t)i;
        i = (i - 1) / 2;
    }
    S->gh[i] = x;
    S->gpos[x] = (int32_t)i;
}

static void gh_down(sim *S, size_t i)
{
    int32_t x = S->gh[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= S->ngh) break;
        if (c + 1 < S->ngh && gh_less(S, S->gh[c + 1], S->gh[c])) c++;
        if (!gh_less(S, S->gh[c], x)) break;
        S->gh[i] = S->gh[c];
        S->gpos[S->gh[i]] = (int32_t)i;
        i = c;
    }
    S->gh[i] = x;
    S->gpos[x] = (int32_t)i;
}

static int ev_push(sim *S, ev e)
{
    evheap *h = &S->nh[e.node];
    if (y1_grow(&h->v, &h->cap, h->n + 1, sizeof *h->v, 16)) return Y1_ENOMEM;
    e.seq = S->seq++;
    size_t i = h->n++;
    while (i > 0 && ev_less(&e, &h->v[(i - 1) / 2])) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = e;
    S->nev++;
    if (i == 0) {
        /* the node's earliest block changed (or the node had none) */
        if (S->gpos[e.node] < 0) {
            S->gh[S->ngh] = e.node;
            S->gpos[e.node] = (int32_t)S->ngh++;
        }
        gh_up(S, (size_t)S->gpos[e.node]);
    }
    return Y1_OK;
}

static double ev_top_t(const sim *S)
{
    return S->ngh ? S->nh[S->gh[0]].v[0].t : INFINITY;
}

static ev ev_pop(sim *S)
{
    int32_t nd = S->gh[0];
    evheap *h = &S->nh[nd];
    ev top = h->v[0], x = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && ev_less(&h->v[c + 1], &h->v[c])) c++;
        if (!ev_less(&h->v[c], &x)) break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n) h->v[i] = x;
    S->nev--;
    if (h->n == 0) {
        S->gpos[nd] = -1;
        if (--S->ngh > 0) {
            S->gh[0] = S->gh[S->ngh];
            gh_down(S, 0);
        }
    } else {
        gh_down(S, 0);
    }
    return top;
}

/* Grow the time-bin arrays to hold bin b. */
static int bins_reserve(sim *S, size_t b)
{
    cmp_result *r = S->r;
    if (b < r->nbins) return Y1_OK;
    size_t n = r->nbins ? r->nbins : 64;
    while (n <= b) n *= 2;
    double *busy = realloc(r->busy, n * S->ns * sizeof *busy);
    if (busy) r->busy = busy;
    double *vol = realloc(r->vol, n * (S->np ? S->np : 1) * sizeof *vol);
    if (vol) r->vol = vol;
    double *al = realloc(r->alloc, n * sizeof *al);
    if (al) r->alloc = al;
    if (!busy || !vol || !al) return Y1_ENOMEM;
    memset(r->busy + r->nbins * S->ns, 0, (n - r->nbins) * S->ns * sizeof *busy);
    memset(r->vol + r->nbins * S->np, 0, (n - r->nbins) * S->np * sizeof *vol);
    memset(r->alloc + r->nbins, 0, (n - r->nbins) * sizeof *al);
    r->nbins = n;
    return Y1_OK;
}

/* Double the bin width: bins 2i and 2i+1 become bin i. Busy and held node-seconds add up; a
 * volume is the level at the end of a bin, so the later bin's (if it was reached) stands. */
static void bins_widen(sim *S)
{
    cmp_result *r = S->r;
    size_t half = r->nbins / 2, np = S->np;
    r->bin_s *= 2;
    r->bin_widened = 1;
    if (!r->nbins) return;
    for (size_t i = 0; i < half; i++) {
        for (size_t s = 0; s < S->ns; s++)
            r->busy[i * S->ns + s] = r->busy[2 * i * S->ns + s] + r->busy[(2 * i + 1) * S->ns + s];
        r->alloc[i] = r->alloc[2 * i] + r->alloc[2 * i + 1];
        size_t from = 2 * i + 1 <= S->vol_bin ? 2 * i + 1 : 2 * i;
        if (np) memmove(r->vol + i * np, r->vol + from * np, np * sizeof *r->vol);
    }
    memset(r->busy + half * S->ns, 0, (r->nbins - half) * S->ns * sizeof *r->busy);
    memset(r->alloc + half, 0, (r->nbins - half) * sizeof *r->alloc);
    if (np) memset(r->vol + half * np, 0, (r->nbins - half) * np * sizeof *r->vol);
    S->vol_bin /= 2;
}

/* Make the bins reach time t: widen them until t falls within CMP_MAX_BINS, then grow. */
static int bins_cover(sim *S, double t)
{
    while (t / S->r->bin_s >= (double)CMP_MAX_BINS) bins_widen(S);
    return bins_reserve(S, (size_t)(t / S->r->bin_s));
}

/* Add amount per second over [a, b) to a per-bin series (stride, index). */
static int bins_spread(sim *S, double *(*arr)(cmp_result *), size_t stride, size_t idx,
                       double a, double b, double rate)
{
    int rc;
    if ((rc = bins_cover(S, b))) return rc;
    double w = S->r->bin_s;
    size_t i0 = (size_t)(a / w), i1 = (size_t)(b / w);
    double *v = arr(S->r);
    for (size_t i = i0; i <= i1; i++) {
        double lo = fmax(a, (double)i * w), hi = fmin(b, (double)(i + 1) * w);
        if (hi > lo) v[i * stride + idx] += rate * (hi - lo);
    }
    return Y1_OK;
}
static double *arr_busy(cmp_result *r) { return r->busy; }
static double *arr_alloc(cmp_result *r) { return r->alloc; }

/* A product volume changes at time t by delta bytes. */
static int vol_change(sim *S, size_t p, double t, double delta)
{
    cmp_result *r = S->r;
    int rc;
    if ((rc = bins_cover(S, t))) return rc;
    size_t b = (size_t)(t / r->bin_s);
    for (size_t i = S->vol_bin + 1; i <= b; i++)
        memcpy(r->vol + i * S->np, S->cur_vol, S->np * sizeof *S->cur_vol);
    if (b > S->vol_bin) S->vol_bin = b;
    S->cur_vol[p] += delta;
    if (fabs(S->cur_vol[p]) < 1e-3) S->cur_vol[p] = 0; /* float residue after a delete */
    r->vol[b * S->np + p] = S->cur_vol[p];
    S->cur_vol_total += delta;
    if (!r->prod[p].p->keep) S->cur_vol_inter += delta;
    if (delta > 0 && r->prod[p].p->keep) r->final_keep_s = t;
    if (S->cur_vol_total > r->peak_bytes) { r->peak_bytes = S->cur_vol_total; r->peak_s = t; }
    if (S->cur_vol_inter > r->peak_inter_bytes) {
        r->peak_inter_bytes = S->cur_vol_inter;
        r->peak_inter_s = t;
    }
    return Y1_OK;
}

/* Idle accounting of a node's free cores up to now. */
static void node_touch(sim *S, node *nd, double now)
{
    if (now > nd->last_s && nd->free_cores > 0)
        S->r->idle_core_s[nd->reason] += (double)nd->free_cores * (now - nd->last_s);
    nd->last_s = now;
}

static int make_ready(sim *S, int64_t gi, double now);

/* Stage a's intermediates in tract t: one more stage depending on a is done there; the last
 * one deletes them. */
static int reader_done(sim *S, size_t t, size_t a, double now)
{
    int rc;
    if (--S->del_left[t * S->ns + a] > 0) return Y1_OK;
    for (size_t p = 0; p < S->np; p++)
        if (S->prod_stage[p] == (int32_t)a && !S->r->prod[p].p->keep &&
            S->tract_bytes[t * S->np + p] > 0)
            if ((rc = vol_change(S, p, now, -S->tract_bytes[t * S->np + p]))) return rc;
    return Y1_OK;
}

/* One dependency of group gi is met by the completion of group by. */
static int release(sim *S, int64_t gi, int64_t by, double now)
{
    group *n = &S->g[gi];
    n->trigger = by;
    if (--n->deps == 0) return make_ready(S, gi, now);
    return Y1_OK;
}

/* Group gi finished at now: free the intermediates that nothing waits for any more, release
 * the groups waiting for it (in its tract, or everywhere when its stage is complete and a
 * barrier is involved), and the next region when its tract was the last unfinished one of its
 * region. */
static int group_done(sim *S, int64_t gi, double now)
{
    group *g = &S->g[gi];
    size_t t = (size_t)gi / S->ns, s = (size_t)gi % S->ns;
    const stg *sp = &S->sp[s];
    int rc;
    g->end_s = now;
    S->groups_left--;
    if (S->last_group < 0 || now >= S->g[S->last_group].end_s) S->last_group = gi;
    if (now > S->r->stage[s].last_end_s) S->r->stage[s].last_end_s = now;
    /* intermediates of the tasks this one may read (the same dependency rule) */
    for (size_t i = sp->rd0; i < sp->rd1; i++)
        if (!S->rd[i].all && (rc = reader_done(S, t, (size_t)S->rd[i].s, now))) return rc;
    for (size_t i = sp->succ0; i < sp->succ1; i++)
        if (!S->succ[i].all &&
            (rc = release(S, (int64_t)(t * S->ns) + S->succ[i].s, gi, now)))
            return rc;
    if (--S->stage_left[s] == 0) {
        /* the whole stage is done: what spans every tract */
        for (size_t i = sp->rd0; i < sp->rd1; i++) {
            if (!S->rd[i].all) continue;
            size_t a = (size_t)S->rd[i].s, n = S->sp[a].whole ? 1 : S->nt;
            for (size_t u = 0; u < n; u++)
                if ((rc = reader_done(S, u, a, now))) return rc;
        }
        for (size_t i = sp->succ0; i < sp->succ1; i++) {
            if (!S->succ[i].all) continue;
            size_t b = (size_t)S->succ[i].s, n = S->sp[b].whole ? 1 : S->nt;
            for (size_t u = 0; u < n; u++)
                if ((rc = release(S, (int64_t)(u * S->ns + b), gi, now))) return rc;
        }
    }
    if (--S->tract_left[t] > 0) return Y1_OK;
    int reg = S->region[t];
    if (--S->region_left[reg] == 0 && S->next_region < S->nregion) {
        long nr = S->next_region++;
        size_t t1 = nr + 1 < S->nregion ? S->region_first[nr + 1] : S->nt;
        for (size_t u = S->region_first[nr]; u < t1; u++)
            for (size_t b = 0; b < S->ns; b++)
                if (S->sp[b].pred0 == S->sp[b].pred1 && (!S->sp[b].whole || u == 0) &&
                    (rc = release(S, (int64_t)(u * S->ns + b), gi, now)))
                    return rc;
    }
    return Y1_OK;
}

static int make_ready(sim *S, int64_t gi, double now)
{
    group *g = &S->g[gi];
    g->ready_s = now;
    if (g->total == 0) {
        g->first_s = now;
        return group_done(S, gi, now);
    }
    S->new_ready = 1;
    return hg_push(&S->ready[(size_t)gi % S->ns], gi) ? y1_errf(S->err, Y1_ENOMEM, "campaign: "
                                                                "out of memory") : Y1_OK;
}

/* Fill a node's free cores with blocks of ready work: earlier tasks first (breadth first, the
 * step-by-step order of a DRP campaign) or later tasks first (depth first: a tract's products
 * are consumed soon after they are written), tracts in order within a task. */
static int dispatch(sim *S, int32_t ni, double now)
{
    node *nd = &S->nodes[ni];
    double left_s = S->walltime_s > 0 ? S->job_end_s - now : INFINITY;
    double block_s = S->o->block_h * 3600.0;
    int reason = CMP_IDLE_STARVED, rc;
    node_touch(S, nd, now);
    while (nd->free_cores > 0) {
        int started = 0;
        for (size_t i = 0; i < S->ns; i++) {
            size_t s = S->o->order == CMP_ORDER_DEPTH ? S->ns - 1 - i : i;
            heapg *h = &S->ready[s];
            if (!h->n) continue;
            double mem = S->r->stage[s].mem_req_gib;
            int64_t k = est_pack_jobs(nd->free_cores, nd->free_mem, mem);
            if (k < 1) {
                if (reason < CMP_IDLE_MEMORY) reason = CMP_IDLE_MEMORY;
                continue;
            }
            int64_t gi = h->v[0];
            group *g = &S->g[gi];
            size_t bi = g->cursor;
            while (bi < g->b1 && (S->b[bi].left == 0 || S->b[bi].dur_s > left_s * (1 + 1e-12)))
                bi++;
            if (bi == g->b1) {
                reason = CMP_IDLE_WALLTIME;
                continue;
            }
            bucket *b = &S->b[bi];
            if (b->left < k) k = b->left;
            int64_t m = b->dur_s > 0 ? (int64_t)floor(block_s / b->dur_s) : b->left;
            if (m < 1) m = 1;
            if (isfinite(left_s) && b->dur_s > 0) {
                int64_t mw = (int64_t)floor(left_s / b->dur_s * (1 + 1e-12));
                if (mw < m) m = mw;
            }
            if (b->left / k < m) m = b->left / k;
            if (m > INT32_MAX / k) m = INT32_MAX / k;
            int64_t inst = k * m;
            double end = now + (double)m * b->dur_s;
            if (isfinite(left_s) && end > S->job_end_s) end = S->job_end_s;
            b->left -= inst;
            g->undisp -= inst;
            while (g->cursor < g->b1 && S->b[g->cursor].left == 0) g->cursor++;
            if (g->undisp == 0) hg_pop(h);
            if (g->first_s < 0) g->first_s = now;
            cmp_stage *st = &S->r->stage[s];
            if (st->first_start_s < 0) st->first_start_s = now;
            nd->free_cores -= k;
            nd->free_mem -= (double)k * mem;
            if ((rc = ev_push(S, (ev){end, 0, (int32_t)gi, ni, (int32_t)k, (int32_t)inst})))
                return y1_errf(S->err, rc, "campaign: out of memory");
            if ((rc = bins_spread(S, arr_busy, S->ns, s, now, end, (double)k)))
                return y1_errf(S->err, rc, "campaign: out of memory");
            started = 1;
            break;
        }
        if (!started) break;
    }
    nd->reason = reason;
    return Y1_OK;
}

/* ---- building and running ---------------------------------------------------------------- */

static int cmp_stage_order(const void *a, const void *b)
{
    const mdl_task *x = *(const mdl_task *const *)a, *y = *(const mdl_task *const *)b;
    double rx = stage_rank(x), ry = stage_rank(y);
    if (rx != ry) return rx < ry ? -1 : 1;
    return strcmp(x->label, y->label);
}

static int cmp_bucket_desc(const void *a, const void *b)
{
    const bucket *x = a, *y = b;
    if (x->dur_s != y->dur_s) return x->dur_s > y->dur_s ? -1 : 1;
    return (x->n < y->n) - (x->n > y->n);
}

/* ---- the simulation, phase by phase ------------------------------------------------------ */

/* Phase 1: check the options and size the state. */
static int sim_setup(sim *S, const cmp_work *w, size_t ntasks, const est_platform *plat,
                     const est_products *prod, const cmp_opts *o, cmp_result *r, y1_err *err)
{
    cmp_result_clear(r);
    if (o->nodes < 1 || !(o->walltime_h >= 0) || !(o->queue_wait_h >= 0) || !(o->block_h > 0) ||
        !(o->bin_h > 0) || !(o->overhead_s >= 0) || o->regions < 0 || o->in_flight < 1 ||
        ntasks == 0)
        return y1_errf(err, Y1_EUSAGE, "campaign: bad options (nodes %ld, walltime %g h, block "
                       "%g h, bin %g h, regions %ld, in flight %ld, %zu tasks)", o->nodes,
                       o->walltime_h, o->block_h, o->bin_h, o->regions, o->in_flight, ntasks);
    double f = isnan(o->cpu_factor) ? plat->cpu_factor : o->cpu_factor;
    if (!(f > 0) || !isfinite(f))
        return y1_errf(err, Y1_EUSAGE, "campaign: cpu factor must be positive, got %g", f);
    S->w = w;
    S->o = o;
    S->r = r;
    S->err = err;
    S->plat = plat;
    S->prod = prod;
    S->f = f;
    S->ns = ntasks;
    S->nt = w->ntract;
    S->np = prod->n;
    S->cores = plat->cores_per_node;
    S->slow = 1;
    S->lat = 0;
    if (o->node_model) {
        /* the node model: the throughput-optimal number of jobs per node, each slower */
        if (plat->occ.present) {
            S->cores = est_occ_best_k(&plat->occ, plat->cores_per_node, plat->cores_per_node);
            S->slow = est_occ_slowdown(&plat->occ, plat->cores_per_node, (double)S->cores);
        }
        if (plat->wf.present) S->lat = plat->wf.dispatch_latency_s;
    }
    r->slots_per_node = S->cores;
    r->slowdown = S->slow;
    r->latency_s = S->lat;
    S->usable_gib = plat->memory_per_node_gib - plat->memory_reserve_gib;
    S->walltime_s = o->walltime_h * 3600.0;
    S->wait_s = o->queue_wait_h * 3600.0;
    S->last_group = -1;
    r->nodes = o->nodes;
    r->cores_per_node = plat->cores_per_node;
    r->cpu_factor = f;
    r->bin_s = o->bin_h * 3600.0;
    r->nstage = ntasks;
    r->nprod = prod->n;
    if ((double)S->nt * (double)S->ns >= (double)INT32_MAX)
        return y1_errf(err, Y1_EUSAGE, "campaign: %zu tracts x %zu tasks is too many groups",
                       S->nt, S->ns);
    S->sp = calloc(ntasks, sizeof *S->sp);
    S->prod_stage = malloc((prod->n ? prod->n : 1) * sizeof *S->prod_stage);
    S->stage_left = calloc(ntasks, sizeof *S->stage_left);
    S->tract_left = calloc(S->nt ? S->nt : 1, sizeof *S->tract_left);
    S->del_left = calloc(S->nt * S->ns, sizeof *S->del_left);
    r->stage = calloc(ntasks, sizeof *r->stage);
    r->prod = calloc(prod->n ? prod->n : 1, sizeof *r->prod);
    S->cur_vol = calloc(prod->n ? prod->n : 1, sizeof *S->cur_vol);
    S->g = calloc(S->nt * S->ns, sizeof *S->g);
    S->tract_bytes = calloc(S->nt * (S->np ? S->np : 1), sizeof *S->tract_bytes);
    S->region = calloc(S->nt, sizeof *S->region);
    S->ready = calloc(S->ns, sizeof *S->ready);
    S->nodes = calloc((size_t)o->nodes, sizeof *S->nodes);
    S->nh = calloc((size_t)o->nodes, sizeof *S->nh);
    S->gh = calloc((size_t)o->nodes, sizeof *S->gh);
    S->gpos = malloc((size_t)o->nodes * sizeof *S->gpos);
    if (!S->nh || !S->gh || !S->gpos) return Y1_ENOMEM;
    for (long i = 0; i < o->nodes; i++) S->gpos[i] = -1;
    if (!S->sp || !S->prod_stage || !S->stage_left || !S->tract_left || !S->del_left ||
        !r->stage || !r->prod || !S->cur_vol || !S->g || !S->tract_bytes || !S->region ||
        !S->ready || !S->nodes)
        return Y1_ENOMEM;
    for (size_t p = 0; p < S->np; p++) S->prod_stage[p] = -1;
    return Y1_OK;
}

/* Phase 1a (model files): the tasks in pipeline order, each waiting for the previous one in
 * its tract and reading its intermediates; products by their task's label. */
static int stages_from_models(sim *S, const mdl_task *const *tasks, size_t ntasks)
{
    const mdl_task **t = malloc(ntasks * sizeof *t);
    S->pred = malloc(ntasks * sizeof *S->pred);
    S->succ = malloc(ntasks * sizeof *S->succ);
    S->rd = malloc(ntasks * sizeof *S->rd);
    if (!t || !S->pred || !S->succ || !S->rd) {
        free(t);
        return Y1_ENOMEM;
    }
    memcpy(t, tasks, ntasks * sizeof *t);
    qsort(t, ntasks, sizeof *t, cmp_stage_order);
    for (size_t s = 0; s < ntasks; s++) {
        stg *x = &S->sp[s];
        x->label = t[s]->label;
        x->mt = t[s];
        x->nlist = t[s]->level == MDL_COADD ? 1 : t[s]->level == MDL_PATCH ? 2 : 0;
        x->cnt = S->w->lvl + t[s]->level;
        x->stride = 5;
        x->pred0 = x->rd0 = s > 0 ? s - 1 : 0;
        x->pred1 = x->rd1 = s;
        x->succ0 = s;
        x->succ1 = s + 1 < ntasks ? s + 1 : s;
        x->readers = s + 1 < ntasks;
        if (s > 0) S->pred[s - 1] = S->rd[s - 1] = (edge){(int32_t)(s - 1), 0};
        S->succ[s] = (edge){(int32_t)(s + 1), 0};
    }
    for (size_t p = 0; p < S->np; p++)
        for (size_t s = 0; s < S->ns; s++)
            if (!strcmp(S->sp[s].label, S->prod->v[p].task)) S->prod_stage[p] = (int32_t)s;
    free(t);
    return Y1_OK;
}

static int dim_whole(pipe_dim d)
{
    return d == PIPE_DIM_GLOBAL || d == PIPE_DIM_BAND || d == PIPE_DIM_HEALPIX ||
           d == PIPE_DIM_HEALPIX_BAND;
}

const char *cmp_pipe_first_barrier(const pipe_pipeline *p)
{
    for (size_t i = 0; i < p->n_tasks; i++)
        if (dim_whole(p->tasks[i].dim)) return p->tasks[i].label;
    return NULL;
}

/* Phase 1a (pipeline files): the tasks in the file's order, their instances, and the
 * dependencies of campaign.h (cmp_simulate_pipe), transitively reduced for the releases. */
static int stages_from_pipe(sim *S, const pipe_pipeline *p)
{
    size_t n = p->n_tasks;
    const cmp_work *w = S->w;
    unsigned char *dep = calloc(n * n, 1);
    size_t ne = n * (n - 1) / 2 + 1;
    S->pred = malloc(ne * sizeof *S->pred);
    S->succ = malloc(ne * sizeof *S->succ);
    S->rd = malloc(ne * sizeof *S->rd);
    if (!dep || !S->pred || !S->succ || !S->rd) {
        free(dep);
        return Y1_ENOMEM;
    }
    for (size_t s = 0; s < n; s++) {
        const pipe_task *t = &p->tasks[s];
        stg *x = &S->sp[s];
        char dn[64];
        x->label = t->label;
        x->pt = t;
        x->whole = dim_whole(t->dim);
        x->nlist = t->dim == PIPE_DIM_PATCH_BAND ? 1 : t->dim == PIPE_DIM_PATCH ? 2 : 0;
        x->cnt = w->dimc + t->dim;
        x->stride = PIPE_DIM_COUNT;
        x->whole_n = (int64_t)pipe_dim_count(&w->k, t->dim, t->healpix_order);
        if ((x->whole && x->whole_n < 0) ||
            (!x->whole && !x->nlist && S->nt > 0 && x->cnt[0] < 0)) {
            free(dep);
            return y1_errf(S->err, Y1_EINPUT, "%s: task %s: the workload's count of %s is "
                           "unknown", p->path, t->label,
                           pipe_dim_format(t->dim, t->healpix_order, dn, sizeof dn));
        }
        if (x->whole) S->r->has_whole = 1;
        for (size_t a = 0; a < s; a++) {
            unsigned keys;
            dep[a * n + s] = (unsigned char)pipe_depends(p, a, s, &keys);
        }
    }
    size_t np = 0, nr = 0;
    for (size_t b = 0; b < n; b++) {
        stg *x = &S->sp[b];
        x->pred0 = np;
        x->rd0 = nr;
        for (size_t a = 0; a < b; a++) {
            if (!dep[a * n + b]) continue;
            int32_t all = S->sp[a].whole || x->whole;
            S->rd[nr++] = (edge){(int32_t)a, all};
            S->sp[a].readers++;
            /* a dependency through a task in between is implied by that task's own */
            int implied = 0;
            for (size_t c = a + 1; c < b && !implied; c++)
                implied = dep[a * n + c] && dep[c * n + b];
            if (!implied) S->pred[np++] = (edge){(int32_t)a, all};
        }
        x->pred1 = np;
        x->rd1 = nr;
    }
    /* successors: the reduced edges reversed, grouped by their first stage */
    size_t ns = 0;
    for (size_t a = 0; a < n; a++) {
        S->sp[a].succ0 = ns;
        for (size_t b = a + 1; b < n; b++)
            for (size_t i = S->sp[b].pred0; i < S->sp[b].pred1; i++)
                if (S->pred[i].s == (int32_t)a) S->succ[ns++] = (edge){(int32_t)b, S->pred[i].all};
        S->sp[a].succ1 = ns;
    }
    for (size_t q = 0; q < S->np && q < p->n_products; q++)
        S->prod_stage[q] = (int32_t)p->products[q].task;
    free(dep);
    return Y1_OK;
}

/* CPU seconds and peak memory of one instance of stage x at n. */
static double stg_cpu(const stg *x, double n)
{
    return x->mt ? mdl_cpu_s(x->mt, n) : pipe_model_eval(&x->pt->cpu, n);
}

/* A core-weighted task holds one core and no memory (its weight already charges the memory). */
static int stg_has_mem(const stg *x) { return x->mt || (x->pt->has_memory && !x->pt->cpu_weighted); }

static double stg_mem(const stg *x, double n)
{
    return x->mt ? mdl_maxrss_gib(x->mt, n) : pipe_model_eval(&x->pt->mem, n);
}

/* Phase 2: each stage's memory request, and the buckets (one per distinct duration, per n) of
 * every (tract, task) group with their instance counts. */
static int sim_buckets(sim *S)
{
    const cmp_work *w = S->w;
    cmp_result *r = S->r;
    y1_err *err = S->err;
    double f = S->f, slow = S->slow, lat = S->lat;
    size_t nb = 0;
    for (size_t s = 0; s < S->ns; s++) {
        const stg *x = &S->sp[s];
        nb += x->whole ? 1 : x->nlist == 1 ? w->coff[S->nt] : x->nlist == 2 ? w->poff[S->nt] : S->nt;
    }
    S->b = malloc((nb ? nb : 1) * sizeof *S->b);
    if (!S->b) return Y1_ENOMEM;
    const est_workload *hw = &w->w;
    for (size_t s = 0; s < S->ns; s++) {
        const stg *x = &S->sp[s];
        cmp_stage *st = &r->stage[s];
        st->label = x->label;
        st->task = x->mt;
        st->ptask = x->pt;
        st->first_start_s = -1;
        if (x->pt && x->pt->cpu_weighted) r->weighted_stages++;
        if (!stg_has_mem(x)) continue;
        /* memory request per instance: the max maxRSS over the workload (RTN-028's rule, what a
         * BPS requestMemory would ask) */
        const int64_t *hist = x->nlist == 1 ? hw->coadd_hist :
                              x->nlist == 2 ? hw->patch_hist : NULL;
        int maxn = x->nlist == 1 ? hw->max_coadd_n : hw->max_patch_n;
        if (hist) {
            for (int n = 0; n <= maxn; n++)
                if (hist[n] && stg_mem(x, n) > st->mem_req_gib)
                    st->mem_req_gib = stg_mem(x, n);
        } else {
            st->mem_req_gib = stg_mem(x, 0);
        }
        if (!isfinite(st->mem_req_gib) || st->mem_req_gib < 0)
            return y1_errf(err, Y1_EINPUT, "task %s: the memory model gives a negative or "
                           "non-finite value", x->label);
        if (st->mem_req_gib > S->usable_gib)
            return y1_errf(err, Y1_EINPUT, "%s: task %s needs %.2f GiB per instance but platform "
                           "%s has only %.2f GiB usable per node", S->plat->path, x->label,
                           st->mem_req_gib, S->plat->name, S->usable_gib);
    }
    size_t nwhole = 0;
    for (size_t s = 0; s < S->ns; s++) {
        S->stage_left[s] = S->sp[s].whole ? 1 : (int64_t)S->nt;
        nwhole += (size_t)S->sp[s].whole;
        for (size_t tr = 0; tr < S->nt; tr++) S->del_left[tr * S->ns + s] = S->sp[s].readers;
    }
    for (size_t tr = 0; tr < S->nt; tr++)
        S->tract_left[tr] = (int64_t)(S->ns - nwhole + (tr == 0 ? nwhole : 0));
    nb = 0;
    S->groups_left = 0;
    for (size_t tr = 0; tr < S->nt; tr++)
        for (size_t s = 0; s < S->ns; s++) {
            const stg *x = &S->sp[s];
            group *g = &S->g[tr * S->ns + s];
            g->b0 = g->cursor = nb;
            g->trigger = -1;
            g->first_s = -1;
            /* its dependencies, or its region's release when it has none; a barrier's groups
             * beyond the first tract never run */
            g->deps = x->pred1 > x->pred0 ? (int)(x->pred1 - x->pred0) : 1;
            if (!x->whole || tr == 0) S->groups_left++;
            if (x->whole) {
                if (tr == 0 && x->whole_n > 0)
                    S->b[nb++] = (bucket){stg_cpu(x, 0) * (f * slow) + (S->o->overhead_s + lat),
                                          x->whole_n, 0};
            } else if (x->nlist) {
                const size_t *off = x->nlist == 1 ? w->coff : w->poff;
                const int32_t *nn = x->nlist == 1 ? w->cn : w->pn;
                const int64_t *cc = x->nlist == 1 ? w->cc : w->pc;
                for (size_t i = off[tr]; i < off[tr + 1]; i++)
                    S->b[nb++] = (bucket){stg_cpu(x, nn[i]) * (f * slow) +
                                          (S->o->overhead_s + lat), cc[i], nn[i]};
            } else if (x->cnt[tr * x->stride] > 0) {
                S->b[nb++] = (bucket){stg_cpu(x, 0) * (f * slow) + (S->o->overhead_s + lat),
                                      x->cnt[tr * x->stride], 0};
            }
            g->b1 = nb;
            qsort(S->b + g->b0, g->b1 - g->b0, sizeof *S->b, cmp_bucket_desc);
            cmp_stage *st = &r->stage[s];
            for (size_t i = g->b0; i < g->b1; i++) {
                const bucket *b = &S->b[i];
                if (!isfinite(b->dur_s) || b->dur_s < 0)
                    return y1_errf(err, Y1_EINPUT, "task %s: the CPU model gives a negative or "
                                   "non-finite time at n = %d", x->label, b->n);
                if (S->walltime_s > 0 && b->dur_s > S->walltime_s)
                    return y1_errf(err, Y1_EINPUT, "task %s at n = %d takes %.2f h, longer than "
                                   "the %.2f h walltime: it can never run", x->label, b->n,
                                   b->dur_s / 3600.0, S->o->walltime_h);
                g->total += b->left;
                st->instances += (double)b->left;
                st->core_s += (double)b->left * b->dur_s;
                if (b->dur_s > st->max_dur_s) st->max_dur_s = b->dur_s;
            }
            g->undisp = g->total;
        }
    S->nb = nb;
    return Y1_OK;
}

/* Phase 3: the stage that writes each product, and its bytes per tract: one file per instance
 * of the product's dimension in the tract (model files: its basis level; a dimension not split
 * by tract goes with its task's instances; a barrier task's files are all in the first tract,
 * where it runs). */
static int sim_products(sim *S, const pipe_pipeline *pp)
{
    const est_products *prod = S->prod;
    const cmp_work *w = S->w;
    for (size_t p = 0; p < S->np; p++) {
        cmp_product *cp = &S->r->prod[p];
        cp->p = &prod->v[p];
        cp->stage = S->prod_stage[p];
        if (cp->stage < 0) continue;
        const pipe_product *x = pp ? &pp->products[p] : NULL;
        const stg *st = &S->sp[cp->stage];
        double total = -1, inst = S->r->stage[cp->stage].instances;
        if (x && dim_whole(x->dim)) {
            total = pipe_dim_count(&w->k, x->dim, x->healpix_order);
            if (total < 0) {
                char dn[64];
                return y1_errf(S->err, Y1_EINPUT, "%s:%d:%d: dataset %s: the workload's count "
                               "of %s is unknown", pp->path, x->pos.line, x->pos.col, x->dataset,
                               pipe_dim_format(x->dim, x->healpix_order, dn, sizeof dn));
            }
        }
        for (size_t tr = 0; tr < S->nt; tr++) {
            double bytes;
            if (!x) {
                bytes = prod->v[p].size_bytes * (double)w->lvl[tr * 5 + prod->v[p].basis];
            } else if (total < 0) {
                bytes = prod->v[p].size_bytes * (double)w->dimc[tr * PIPE_DIM_COUNT + x->dim];
            } else {
                /* the task's share of its instances in this tract */
                const group *g = &S->g[tr * S->ns + (size_t)cp->stage];
                bytes = inst > 0 ? prod->v[p].size_bytes * total * (double)g->total / inst : 0;
            }
            if (bytes < 0) {
                char dn[64];
                return y1_errf(S->err, Y1_EINPUT, "%s:%d:%d: dataset %s: the workload's count "
                               "of %s is unknown", pp->path, x->pos.line, x->pos.col, x->dataset,
                               pipe_dim_format(x->dim, x->healpix_order, dn, sizeof dn));
            }
            S->tract_bytes[tr * S->np + p] = bytes;
            cp->total_bytes += bytes;
        }
        /* a barrier task runs in the first tract only, so its files of a dimension split by
         * tract (a global fit's per-visit outputs) are written and deleted there */
        if (st->whole)
            for (size_t tr = 1; tr < S->nt; tr++) {
                S->tract_bytes[p] += S->tract_bytes[tr * S->np + p];
                S->tract_bytes[tr * S->np + p] = 0;
            }
    }
    return Y1_OK;
}

/* Phase 4: regions, contiguous runs of tracts with about equal CPU work. */
static int sim_regions(sim *S)
{
    long nreg = S->o->regions == 0 || (size_t)S->o->regions > S->nt ? (long)S->nt
                                                                      : S->o->regions;
    double total = 0, acc = 0;
    for (size_t s = 0; s < S->ns; s++) total += S->r->stage[s].core_s;
    S->region_left = calloc((size_t)nreg, sizeof *S->region_left);
    S->region_first = calloc((size_t)nreg, sizeof *S->region_first);
    if (!S->region_left || !S->region_first) return Y1_ENOMEM;
    long cur = 0;
    for (size_t tr = 0; tr < S->nt; tr++) {
        double work = 0;
        for (size_t s = 0; s < S->ns; s++) {
            const group *g = &S->g[tr * S->ns + s];
            for (size_t i = g->b0; i < g->b1; i++) work += (double)S->b[i].left * S->b[i].dur_s;
        }
        /* move on when this region has its share, keeping one tract for each later region */
        if (cur + 1 < nreg && S->region_left[cur] > 0 &&
            (acc >= total * (double)(cur + 1) / (double)nreg ||
             S->nt - tr <= (size_t)(nreg - cur - 1)))
            S->region_first[++cur] = tr;
        S->region[tr] = (int)cur;
        S->region_left[cur]++;
        acc += work;
    }
    S->nregion = cur + 1;
    return Y1_OK;
}

/* Phase 5: the event loop, from the first release to the last group done; batch jobs end and
 * restart after the queue wait. *now_out is the makespan. */
static int sim_loop(sim *S, double *now_out)
{
    const cmp_opts *o = S->o;
    cmp_result *r = S->r;
    y1_err *err = S->err;
    int rc;
    for (long i = 0; i < o->nodes; i++)
        S->nodes[i] = (node){S->cores, S->usable_gib, 0, CMP_IDLE_STARVED};
    S->job_start_s = 0;
    S->job_end_s = S->walltime_s > 0 ? S->walltime_s : INFINITY;
    r->jobs = 1;
    /* release the first regions */
    long first = o->in_flight < S->nregion ? o->in_flight : S->nregion;
    S->next_region = first;
    for (size_t tr = 0; tr < S->nt && S->region[tr] < first; tr++)
        for (size_t b = 0; b < S->ns; b++) {
            /* the stages that wait for nothing but their region */
            if (S->sp[b].pred0 != S->sp[b].pred1 || (S->sp[b].whole && tr > 0)) continue;
            int64_t gi = (int64_t)(tr * S->ns + b);
            if (--S->g[gi].deps == 0 && (rc = make_ready(S, gi, 0))) return rc;
        }
    for (long i = 0; i < o->nodes; i++)
        if ((rc = dispatch(S, (int32_t)i, 0))) return rc;

    double now = 0;
    while (S->groups_left > 0) {
        if (S->nev && ev_top_t(S) <= S->job_end_s * (1 + 1e-12)) {
            ev e = ev_pop(S);
            now = e.t;
            node *nd = &S->nodes[e.node];
            group *g = &S->g[e.g];
            size_t s = (size_t)e.g % S->ns, tr = (size_t)e.g / S->ns;
            node_touch(S, nd, now);
            nd->free_cores += e.k;
            nd->free_mem += (double)e.k * r->stage[s].mem_req_gib;
            g->done += e.inst;
            /* a block's share of its group's products is on disk when the block ends */
            for (size_t p = 0; p < S->np; p++)
                if (r->prod[p].stage == (int)s && S->tract_bytes[tr * S->np + p] > 0 &&
                    (rc = vol_change(S, p, now, S->tract_bytes[tr * S->np + p] *
                                     (double)e.inst / (double)g->total)))
                    return Y1_ENOMEM;
            S->new_ready = 0;
            if (g->done == g->total && (rc = group_done(S, e.g, now))) return rc;
            if ((rc = dispatch(S, e.node, now))) return rc;
            if (S->new_ready) {
                S->new_ready = 0;
                for (long i = 0; i < o->nodes; i++)
                    if (S->nodes[i].free_cores > 0 && (rc = dispatch(S, (int32_t)i, now)))
                        return rc;
            }
            continue;
        }
        if (!S->nev && !isfinite(S->job_end_s))
            return y1_errf(err, Y1_EINPUT, "campaign: the simulation stalled with %lld task "
                           "groups left (no runnable work)", (long long)S->groups_left);
        /* the batch job ends: every node is empty by construction; the next job starts after
         * the queue wait */
        for (long i = 0; i < o->nodes; i++) node_touch(S, &S->nodes[i], S->job_end_s);
        if ((rc = bins_spread(S, arr_alloc, 1, 0, S->job_start_s, S->job_end_s,
                              (double)o->nodes)))
            return Y1_ENOMEM;
        r->alloc_node_s += (S->job_end_s - S->job_start_s) * (double)o->nodes;
        S->job_start_s = S->job_end_s + S->wait_s;
        S->job_end_s = S->job_start_s + S->walltime_s;
        r->jobs++;
        for (long i = 0; i < o->nodes; i++) {
            S->nodes[i].last_s = S->job_start_s;
            if ((rc = dispatch(S, (int32_t)i, S->job_start_s))) return rc;
        }
        now = S->job_start_s;
        if (S->nev == 0)
            /* every instance fits a job (checked above), so a fresh job that starts nothing
             * has nothing ready: a dependency that can never be met */
            return y1_errf(err, Y1_EINPUT, "campaign: the simulation stalled with %lld task "
                           "groups left", (long long)S->groups_left);
    }
    *now_out = now;
    return Y1_OK;
}

/* Phase 6: close the books at the makespan: allocation, bins, volumes, the critical path and
 * the study's node-days for comparison. */
static int sim_close(sim *S, double now);

static int sim_finish(sim *S, double now, const mdl_task *const *tasks, size_t ntasks)
{
    int rc = sim_close(S, now);
    if (rc || !tasks) return rc;
    double nd = 0, af, sb;
    if ((rc = cmp_study_totals(S->w, tasks, ntasks, S->plat, S->f, S->prod, &nd, &af, &sb,
                               S->err)))
        return rc;
    S->r->study_node_days = nd;
    return Y1_OK;
}

static int sim_close(sim *S, double now)
{
    const cmp_opts *o = S->o;
    cmp_result *r = S->r;
    int rc;
    r->makespan_s = now;
    for (long i = 0; i < o->nodes; i++) node_touch(S, &S->nodes[i], now);
    if ((rc = bins_spread(S, arr_alloc, 1, 0, S->job_start_s, now, (double)o->nodes)))
        return Y1_ENOMEM;
    r->alloc_node_s += (now - S->job_start_s) * (double)o->nodes;
    for (size_t s = 0; s < S->ns; s++) r->busy_core_s += r->stage[s].core_s;

    /* trim the bins to the makespan, carrying the last volumes forward */
    if ((rc = bins_cover(S, now))) return Y1_ENOMEM;
    size_t nbins = (size_t)(now / r->bin_s) + 1;
    if ((rc = bins_reserve(S, nbins))) return Y1_ENOMEM;
    for (size_t i = S->vol_bin + 1; i < nbins; i++)
        memcpy(r->vol + i * S->np, S->cur_vol, S->np * sizeof *S->cur_vol);
    r->nbins = nbins;
    for (size_t p = 0; p < S->np; p++) {
        if (r->prod[p].p->keep) r->final_keep_bytes += S->cur_vol[p];
        r->written_bytes += r->prod[p].total_bytes;
    }

    /* critical path: back from the last group to finish, through the groups that released it */
    for (int64_t gi = S->last_group; gi >= 0; gi = S->g[gi].trigger) {
        const group *g = &S->g[gi];
        double first = g->first_s < 0 ? g->ready_s : g->first_s;
        r->stage[(size_t)gi % S->ns].critical_s += g->end_s - first;
        r->critical_wait_s += first - g->ready_s;
    }
    for (size_t s = 0; s < S->ns; s++)
        if (r->critical_stage < 0 ||
            r->stage[s].critical_s > r->stage[r->critical_stage].critical_s)
            r->critical_stage = (int)s;
    return Y1_OK;
}

static void sim_free(sim *S)
{
    free(S->sp);
    free(S->pred);
    free(S->succ);
    free(S->rd);
    free(S->prod_stage);
    free(S->stage_left);
    free(S->tract_left);
    free(S->del_left);
    free(S->g);
    free(S->b);
    free(S->tract_bytes);
    free(S->region);
    free(S->region_left);
    free(S->region_first);
    if (S->ready)
        for (size_t s = 0; s < S->ns; s++) free(S->ready[s].v);
    free(S->ready);
    free(S->nodes);
    if (S->nh)
        for (long i = 0; i < S->o->nodes; i++) free(S->nh[i].v);
    free(S->nh);
    free(S->gh);
    free(S->gpos);
    free(S->cur_vol);
}

int cmp_simulate(const cmp_work *w, const mdl_task *const *tasks, size_t ntasks,
                 const est_platform *plat, const est_products *prod, const cmp_opts *o,
                 cmp_result *r, y1_err *err)
{
    sim S;
    double now = 0;
    memset(&S, 0, sizeof S);
    S.o = o;
    int rc = sim_setup(&S, w, ntasks, plat, prod, o, r, err);
    if (!rc) rc = stages_from_models(&S, tasks, ntasks);
    if (!rc) rc = sim_buckets(&S);
    if (!rc) rc = sim_products(&S, NULL);
    if (!rc) rc = sim_regions(&S);
    if (!rc) rc = sim_loop(&S, &now);
    if (!rc) rc = sim_finish(&S, now, tasks, ntasks);
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "campaign: out of memory");
    sim_free(&S);
    return rc;
}

int cmp_simulate_pipe(const cmp_work *w, const pipe_pipeline *p, const est_products *prod,
                      const est_platform *plat, const cmp_opts *o, cmp_result *r, y1_err *err)
{
    sim S;
    double now = 0;
    memset(&S, 0, sizeof S);
    S.o = o;
    if (!w->have_k) {
        cmp_result_clear(r);
        return y1_errf(err, Y1_EUSAGE, "campaign: the workload has no pipeline counts "
                       "(cmp_work_set_counts)");
    }
    if (prod->n != p->n_products) {
        cmp_result_clear(r);
        return y1_errf(err, Y1_EUSAGE, "campaign: %zu product rows for the %zu dataset types of "
                       "%s", prod->n, p->n_products, p->name);
    }
    int rc = sim_setup(&S, w, p->n_tasks, plat, prod, o, r, err);
    if (!rc) rc = stages_from_pipe(&S, p);
    if (!rc && r->has_whole && o->regions != 1)
        rc = y1_errf(err, Y1_EUSAGE, "campaign: --regions needs every task split by tract, but "
                     "pipeline %s has tasks over the whole sky (first: %s), which wait for "
                     "every region", p->name, cmp_pipe_first_barrier(p));
    if (!rc) rc = sim_buckets(&S);
    if (!rc) rc = sim_products(&S, p);
    if (!rc) rc = sim_regions(&S);
    if (!rc) rc = sim_loop(&S, &now);
    if (!rc) rc = sim_finish(&S, now, NULL, 0);
    if (!rc) r->study_node_days = NAN;
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "campaign: out of memory");
    sim_free(&S);
    return rc;
}
