/* test_campaign.c: the campaign simulation on a hand-sized workload whose makespan, idle time,
 * critical path and scratch volume are worked out by hand below; batch walltime losses, regions,
 * errors, and the Monte Carlo (same seed same numbers, intervals shrink with the input spread). */
#include <stddef.h>

#include "estimator/campaign/campaign.h"
#include "estimator/pipe_workload.h"
#include "tests/check.h"

/* The workload (tests/fixtures/campaign_small.csv): 3 visits, 2 CCDs per visit, two tracts:
 *   tract 10 patch (0,0): g n=1, r n=2     -> 3 warps, 2 coadds, 1 patch (patch n = 3)
 *   tract 11 patch (0,0): r n=1            -> 1 warp,  1 coadd,  1 patch (patch n = 1)
 * CCD-visits 6 apportioned by warps 3:1 -> 4.5 : 1.5, the extra one to the first of the tied
 * remainders: tract 10 has 5, tract 11 has 1.
 * Models (tests/fixtures/campaign_models.yaml): isr 600 s, makeWarp 1200 s, assembleCoadd
 * 600 n + 600 s (n=1: 1200 s, n=2: 1800 s), deblend 1800 s; 1 GiB each.
 * Platform: one node of 2 cores, 12 GiB - 2 GiB reserve. Products (campaign_products.yaml):
 * postISRCCD 1e8 B per CCD, warps 2e8 per warp, deepCoadd 3e8 per coadd (all intermediates),
 * deblendedFlux 4e8 per patch (kept). */
static const char *csv = "tests/fixtures/campaign_small.csv";

typedef struct fixture {
    est_coadds c;
    cmp_work *w;
    mdl_set *models;
    const mdl_task *task[4];
    est_platform plat;
    est_products prod;
} fixture;

static int load(fixture *f)
{
    y1_err err = {{0}};
    int rc;
    memset(f, 0, sizeof *f);
    est_coadds_init(&f->c);
    if ((rc = est_coadds_read(&f->c, csv, &err)) ||
        (rc = cmp_work_new(&f->w, &f->c, &err)) ||
        (rc = mdl_set_load(&f->models, "tests/fixtures/campaign_models.yaml", &err)) ||
        (rc = est_platform_load(&f->plat, "tests/fixtures/campaign_platform.yaml", &err)) ||
        (rc = est_products_load(&f->prod, "tests/fixtures/campaign_products.yaml", &err))) {
        fprintf(stderr, "fixture: %s\n", err.msg);
        return rc;
    }
    /* deliberately out of pipeline order: the simulation sorts them */
    f->task[0] = mdl_set_find(f->models, "deblend");
    f->task[1] = mdl_set_find(f->models, "isr");
    f->task[2] = mdl_set_find(f->models, "assembleCoadd");
    f->task[3] = mdl_set_find(f->models, "makeWarp");
    return Y1_OK;
}

static void unload(fixture *f)
{
    cmp_work_free(f->w);
    est_coadds_clear(&f->c);
    mdl_set_free(f->models);
    est_products_clear(&f->prod);
}

/* One job, blocks of at most 0.5 h (isr: 3 in a row, the others 1).
 *   t=0     isr(10): 2 cores x 2 in a row              -> ends 1200
 *   t=1200  isr(10) last one, isr(11)                  -> both end 1800
 *   t=1800  isr(10) done: warp(10) #1; isr(11) done: warp(10) #2 (tract order) -> 3000
 *   t=3000  warp(10) #3, warp(11)                      -> 4200
 *   t=4200  warp(10) done: assemble(10) r (1800 s, longest first) -> 6000;
 *           warp(11) done: assemble(10) g (1200 s)     -> 5400
 *   t=5400  assemble(11)                               -> 6600
 *   t=6000  assemble(10) done: deblend(10)             -> 7800
 *   t=6600  assemble(11) done: deblend(11)             -> 8400 = makespan
 * Work 3600 + 4800 + 4200 + 3600 = 16200 core-s; held 2 x 8400 = 16800: 600 idle (7800-8400).
 * Critical path back from deblend(11): deblend 1800 (6600-8400), assemble(11) 1200 after a
 * 1200 wait (4200-5400), warp(11) 1200 after 1200 (1800-3000), isr(11) 600 after 1200.
 * Volume (1e8 B): 1200 +4 = 4; 1800 +1 +1 = 6; 3000 +2 +2 = 10; 4200 +2 = 12, postISR(10) -5
 * = 7, +2 = 9, postISR(11) -1 = 8; 5400 +3 = 11; 6000 +3 = 14 (the peak, all intermediates),
 * warps(10) -6 = 8; 6600 +3 -2 = 9; 7800 +4 -6 = 7; 8400 +4 -3 = 8 = the kept fluxes. */
static void test_hand(void)
{
    fixture f;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (load(&f)) { CHECK(0); return; }
    CHECK_INT(cmp_work_tracts(f.w), 2);
    cmp_opts_default(&o);
    o.block_h = 0.5;
    cmp_result_init(&r);
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 8400, 1e-9);
    CHECK_NEAR(r.busy_core_s, 16200, 1e-9);
    CHECK_NEAR(r.alloc_node_s, 8400, 1e-9);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_STARVED], 600, 1e-9);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_WALLTIME], 0, 1e-9);
    CHECK_INT(r.jobs, 1);
    /* no moment has two tasks with ready work here, so depth first gives the same schedule */
    cmp_result r3;
    cmp_result_init(&r3);
    o.order = CMP_ORDER_DEPTH;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r3, &err), Y1_OK);
    CHECK_NEAR(r3.makespan_s, 8400, 1e-9);
    CHECK_NEAR(r3.peak_bytes, 14e8, 1);
    cmp_result_clear(&r3);
    o.order = CMP_ORDER_BREADTH;
    /* pipeline order, whatever the input order */
    CHECK_STR(r.stage[0].label, "isr");
    CHECK_STR(r.stage[1].label, "makeWarp");
    CHECK_STR(r.stage[2].label, "assembleCoadd");
    CHECK_STR(r.stage[3].label, "deblend");
    CHECK_NEAR(r.stage[0].instances, 6, 0);
    CHECK_NEAR(r.stage[1].first_start_s, 1800, 1e-9);
    CHECK_NEAR(r.stage[2].last_end_s, 6600, 1e-9);
    CHECK_NEAR(r.stage[3].critical_s, 1800, 1e-9);
    CHECK_NEAR(r.stage[2].critical_s, 1200, 1e-9);
    CHECK_NEAR(r.stage[1].critical_s, 1200, 1e-9);
    CHECK_NEAR(r.stage[0].critical_s, 600, 1e-9);
    CHECK_NEAR(r.critical_wait_s, 3600, 1e-9);
    CHECK_INT(r.critical_stage, 3);
    /* utilisation bins of 1 h: full, full, then 1200 + 600 core-s */
    CHECK_INT(r.nbins, 3);
    double b[3] = {0, 0, 0};
    for (size_t i = 0; i < 3; i++)
        for (size_t s = 0; s < r.nstage; s++) b[i] += r.busy[i * r.nstage + s];
    CHECK_NEAR(b[0], 7200, 1e-6);
    CHECK_NEAR(b[1], 7200, 1e-6);
    CHECK_NEAR(b[2], 1800, 1e-6);
    CHECK_NEAR(r.alloc[2], 1200, 1e-6);
    /* storage */
    CHECK_NEAR(r.peak_bytes, 14e8, 1);
    CHECK_NEAR(r.peak_s, 6000, 1e-9);
    CHECK_NEAR(r.peak_inter_bytes, 14e8, 1);
    CHECK_NEAR(r.final_keep_bytes, 8e8, 1);
    CHECK_NEAR(r.final_keep_s, 8400, 1e-9);
    CHECK_NEAR(r.written_bytes, 6e8 + 8e8 + 9e8 + 8e8, 1);
    /* end of bin 0 (t = 3600): 10e8 (postISR 6, warps 4); bin 2 ends with the fluxes only */
    double v0 = 0;
    for (size_t p = 0; p < r.nprod; p++) v0 += r.vol[p];
    CHECK_NEAR(v0, 10e8, 1);
    CHECK_NEAR(r.vol[2 * r.nprod + 3], 8e8, 1);
    CHECK_NEAR(r.vol[2 * r.nprod + 1], 0, 1);
    /* the study's rule: every task 2 per node: 16200 / 2 node-s */
    CHECK_NEAR(r.study_node_days, 8100.0 / 86400.0, 1e-12);
    /* the same inputs give the same numbers */
    cmp_result r2;
    cmp_result_init(&r2);
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r2, &err), Y1_OK);
    CHECK(r2.makespan_s == r.makespan_s && r2.peak_bytes == r.peak_bytes &&
          r2.nbins == r.nbins && !memcmp(r2.vol, r.vol, r.nbins * r.nprod * sizeof *r.vol));
    cmp_result_clear(&r2);
    cmp_result_clear(&r);
    unload(&f);
}

/* Jobs of 1 h, no queue wait.
 *   job 1 [0, 3600): isr as above; t=1800 warp(10) #1, #2 -> 3000; at 3000 the 1200 s warps do
 *     not fit the 600 s left: 2 cores x 600 s lost.
 *   job 2 [3600, 7200): warp(10) #3, warp(11) -> 4800; assemble(10) r -> 6600, g -> 6000;
 *     assemble(11) 6000 -> 7200; at 6600 deblend(10) (1800 s) does not fit: 600 s lost.
 *   job 3 [7200, ...): deblend(10), deblend(11) -> 9000 = makespan.
 * Held 3600 + 3600 + 1800 = 9000 node-s = 18000 core-s = 16200 busy + 1800 lost. */
static void test_walltime(void)
{
    fixture f;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (load(&f)) { CHECK(0); return; }
    cmp_opts_default(&o);
    o.block_h = 0.5;
    o.walltime_h = 1;
    cmp_result_init(&r);
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 9000, 1e-6);
    CHECK_INT(r.jobs, 3);
    CHECK_NEAR(r.alloc_node_s, 9000, 1e-6);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_WALLTIME], 1800, 1e-6);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_STARVED], 0, 1e-6);
    /* a queue wait of 0.5 h between jobs shifts jobs 2 and 3 by 1800 s each; no node is held */
    o.queue_wait_h = 0.5;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 12600, 1e-6);
    CHECK_NEAR(r.alloc_node_s, 9000, 1e-6);
    /* a walltime shorter than the longest instances (1800 s) is refused, naming the first */
    o.walltime_h = 0.4;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "task assembleCoadd at n = 2 takes 0.50 h, longer than the 0.40 h walltime");
    cmp_result_clear(&r);
    unload(&f);
}

/* Two regions, one at a time: tract 10 (11400 core-s of work) alone, then tract 11.
 *   tract 10: isr 0-1200 (2x2), 1200-1800 (1); warps 1800-3000 (2), 3000-4200 (1); assemble r
 *   4200-6000, g 4200-5400; deblend 6000-7800. Tract 11 released at 7800: isr -8400, warp
 *   -9600, assemble -10800, deblend -12600 = makespan.
 * Volume peaks at 6000 with 12e8 (postISR gone, warps(10) 6, coadds(10) 6), below the 14e8 of
 * the single region: the peak traded against makespan. */
static void test_regions(void)
{
    fixture f;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (load(&f)) { CHECK(0); return; }
    cmp_opts_default(&o);
    o.block_h = 0.5;
    o.regions = 2;
    cmp_result_init(&r);
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 12600, 1e-6);
    CHECK_NEAR(r.peak_bytes, 12e8, 1);
    CHECK_NEAR(r.peak_s, 6000, 1e-6);
    CHECK_NEAR(r.final_keep_bytes, 8e8, 1);
    /* the critical path runs through the region release: all of it is running work */
    CHECK_NEAR(r.critical_wait_s, 0, 1e-6);
    /* both regions in flight is the single-region schedule */
    o.in_flight = 2;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 8400, 1e-6);
    /* one region per tract is the same as two here */
    o.regions = 0;
    o.in_flight = 1;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 12600, 1e-6);
    /* more nodes: 2 nodes, one region */
    o.regions = 1;
    o.nodes = 2;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK(r.makespan_s < 8400);
    CHECK_NEAR(r.busy_core_s + r.idle_core_s[0] + r.idle_core_s[1] + r.idle_core_s[2],
               2 * r.alloc_node_s, 1e-6);
    /* a cpu factor of 0.5 halves every duration: the 1-node schedule at half the times */
    o.nodes = 1;
    o.cpu_factor = 0.5;
    o.block_h = 0.25; /* the same blocks as above at half the durations */
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 4200, 1e-6);
    cmp_result_clear(&r);
    unload(&f);
}

static void test_errors(void)
{
    fixture f;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (load(&f)) { CHECK(0); return; }
    cmp_opts_default(&o);
    cmp_result_init(&r);
    /* a task that does not fit a node's usable memory */
    est_platform small = f.plat;
    small.memory_per_node_gib = 2.5;
    small.memory_reserve_gib = 2;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &small, &f.prod, &o, &r, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "needs 1.00 GiB per instance but platform Hand has only 0.50 GiB");
    o.nodes = 0;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_EUSAGE);
    cmp_opts_default(&o);
    o.cpu_factor = -1;
    CHECK_INT(cmp_simulate(f.w, f.task, 4, &f.plat, &f.prod, &o, &r, &err), Y1_EUSAGE);
    CHECK_HAS(err.msg, "cpu factor must be positive");
    /* a workload without visit counts */
    est_coadds c;
    cmp_work *w = NULL;
    est_coadds_init(&c);
    CHECK_INT(est_coadds_push(&c, 1, 5, 0, 0, 3, &err), Y1_OK);
    CHECK_INT(cmp_work_new(&w, &c, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "visit count is unknown");
    CHECK(w == NULL);
    est_coadds_clear(&c);
    cmp_result_clear(&r);
    unload(&f);
}

static void test_monte_carlo(void)
{
    fixture f;
    cmp_opts o;
    cmp_mc_opts mc;
    cmp_mc_sample a[40], b[40];
    y1_err err = {{0}};
    const cmp_work *pool[1];
    if (load(&f)) { CHECK(0); return; }
    pool[0] = f.w;
    cmp_opts_default(&o);
    o.block_h = 0.5;
    mc.samples = 40;
    mc.seed = 7;
    mc.model_sigma_frac = 0;
    mc.cpu_lo = mc.cpu_hi = NAN;
    /* only isr and assembleCoadd carry sigmas (60 s; 30 s and 30 s per visit) */
    CHECK_INT(cmp_monte_carlo(pool, 1, f.task, 4, &f.plat, &f.prod, &o, &mc, a, &err), Y1_OK);
    CHECK_INT(cmp_monte_carlo(pool, 1, f.task, 4, &f.plat, &f.prod, &o, &mc, b, &err), Y1_OK);
    CHECK(!memcmp(a, b, sizeof a)); /* same seed, same numbers */
    size_t off = offsetof(cmp_mc_sample, makespan_days);
    double w_model = cmp_mc_quantile(a, 40, off, 0.95) - cmp_mc_quantile(a, 40, off, 0.05);
    CHECK(w_model > 0);
    /* PB does not depend on the models */
    CHECK_NEAR(cmp_mc_quantile(a, 40, offsetof(cmp_mc_sample, all_pb), 0.05),
               cmp_mc_quantile(a, 40, offsetof(cmp_mc_sample, all_pb), 0.95), 0);
    /* a wide cpu_factor range widens the interval; a zero-width one with no sigmas gives none */
    mc.model_sigma_frac = 0.2;
    mc.cpu_lo = 0.5;
    mc.cpu_hi = 1.0;
    CHECK_INT(cmp_monte_carlo(pool, 1, f.task, 4, &f.plat, &f.prod, &o, &mc, a, &err), Y1_OK);
    size_t nd = offsetof(cmp_mc_sample, study_node_days);
    double w_wide = cmp_mc_quantile(a, 40, nd, 0.95) - cmp_mc_quantile(a, 40, nd, 0.05);
    mc.model_sigma_frac = 0.02;
    mc.cpu_lo = 0.95;
    mc.cpu_hi = 1.0;
    CHECK_INT(cmp_monte_carlo(pool, 1, f.task, 4, &f.plat, &f.prod, &o, &mc, a, &err), Y1_OK);
    double w_narrow = cmp_mc_quantile(a, 40, nd, 0.95) - cmp_mc_quantile(a, 40, nd, 0.05);
    CHECK(w_narrow > 0 && w_narrow < w_wide / 4);
    /* no spread at all: strip the file's sigmas too */
    mdl_task copy[4];
    const mdl_task *ptr[4];
    for (int i = 0; i < 4; i++) {
        copy[i] = *f.task[i];
        copy[i].cpu_s.slope_sigma = copy[i].cpu_s.intercept_sigma = NAN;
        ptr[i] = &copy[i];
    }
    mc.model_sigma_frac = 0;
    mc.cpu_lo = mc.cpu_hi = 1.0;
    CHECK_INT(cmp_monte_carlo(pool, 1, ptr, 4, &f.plat, &f.prod, &o, &mc, a, &err), Y1_OK);
    CHECK_NEAR(cmp_mc_quantile(a, 40, off, 0.95) - cmp_mc_quantile(a, 40, off, 0.05), 0, 0);
    CHECK_NEAR(cmp_mc_quantile(a, 40, off, 0.5), 8400.0 / 86400.0, 1e-12);
    CHECK_NEAR(a[3].peak_pb, 14e8 / 1e15, 1e-15);
    /* quantiles interpolate between order statistics: 0,1,...,39 -> q05 = 1.95 */
    for (int i = 0; i < 40; i++) a[i].makespan_days = (double)(39 - i);
    CHECK_NEAR(cmp_mc_quantile(a, 40, off, 0.05), 1.95, 1e-12);
    CHECK_NEAR(cmp_mc_quantile(a, 40, off, 0.95), 37.05, 1e-12);
    unload(&f);
}

/* A pipeline file on the fixture's workload: its dimension counts on the tracts and its
 * products. */
typedef struct pfix {
    pipe_pipeline *p;
    est_products prod;
    est_workload ew;
} pfix;

static int pload(fixture *f, pfix *x, const char *path)
{
    y1_err err = {{0}};
    pipe_counts k;
    int rc;
    memset(x, 0, sizeof *x);
    if ((rc = load(f)) || (rc = pipe_load(&x->p, path, NULL, &err)) ||
        (rc = est_workload_from_coadds(&x->ew, &f->c, &err)) ||
        (rc = est_pipe_counts(&k, &f->c, &x->ew, &err)) ||
        (rc = cmp_work_set_counts(f->w, &k, &err)) ||
        (rc = cmp_pipe_products(&x->prod, x->p, &err)))
        fprintf(stderr, "pipeline fixture: %s\n", err.msg);
    return rc;
}

static void punload(fixture *f, pfix *x)
{
    pipe_free(x->p);
    est_products_clear(&x->prod);
    est_workload_clear(&x->ew);
    unload(f);
}

/* test_hand's campaign as a pipeline file (each task reads the previous one's output): the
 * pipeline path must give the same hand-worked schedule and volumes. */
static void test_pipe_hand(void)
{
    fixture f;
    pfix x;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (pload(&f, &x, "tests/fixtures/campaign_pipe_hand.yaml")) { CHECK(0); return; }
    cmp_opts_default(&o);
    o.block_h = 0.5;
    cmp_result_init(&r);
    CHECK_INT(cmp_simulate_pipe(f.w, x.p, &x.prod, &f.plat, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 8400, 1e-9);
    CHECK_NEAR(r.busy_core_s, 16200, 1e-9);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_STARVED], 600, 1e-9);
    CHECK_STR(r.stage[3].label, "deblend");
    CHECK_NEAR(r.stage[0].instances, 6, 0);
    CHECK_NEAR(r.stage[1].first_start_s, 1800, 1e-9);
    CHECK_NEAR(r.stage[2].last_end_s, 6600, 1e-9);
    CHECK_NEAR(r.stage[2].critical_s, 1200, 1e-9);
    CHECK_NEAR(r.critical_wait_s, 3600, 1e-9);
    CHECK_INT(r.critical_stage, 3);
    CHECK_NEAR(r.peak_bytes, 14e8, 1);
    CHECK_NEAR(r.peak_s, 6000, 1e-9);
    CHECK_NEAR(r.final_keep_bytes, 8e8, 1);
    CHECK_NEAR(r.written_bytes, 6e8 + 8e8 + 9e8 + 8e8, 1);
    CHECK_INT((long)r.weighted_stages, 0);
    CHECK_INT(r.has_whole, 0);
    CHECK(isnan(r.study_node_days));
    /* no barrier: regions work as for model files (test_regions: 2 regions, 9600 s) */
    o.regions = 2;
    CHECK_INT(cmp_simulate_pipe(f.w, x.p, &x.prod, &f.plat, &o, &r, &err), Y1_OK);
    CHECK(r.makespan_s > 8400);
    cmp_result_clear(&r);
    punload(&f, &x);
}

/* calib (6 CCD-visits: 5 in tract 10, 1 in tract 11; 600 s) -> fit (global, 3000 s) -> coadd
 * (600 n + 600 s: tract 10 n=2 1800 s and n=1 1200 s, tract 11 n=1 1200 s), all core-weighted:
 * one core and no memory each, on 2 cores, blocks of at most 0.5 h.
 *   t=0     calib(10): 2 cores x 2 in a row              -> 1200
 *   t=1200  calib(10) last, calib(11)                    -> 1800
 *   t=1800  every calib done: fit (the barrier)          -> 4800; one core idles
 *   t=4800  coadd in every tract: (10) n=2 -> 6600, (10) n=1 -> 6000
 *   t=6000  coadd(11)                                    -> 7200 = makespan
 * Busy 3600 + 3000 + 4200 = 10800 core-s >= lower bound x cores (5400 x 2); idle 14400 - 10800.
 * Critical path from coadd(11): coadd 1200 (ready 4800, starts 6000: 1200 waiting), fit 3000
 * (released by calib(11), the last calib group), calib(11) 600 after 1200 waiting.
 * Volume (1e8 B): calexp +4 at 1200, +1 +1 at 1800 (6, the intermediates' peak); coadd(10) +3
 * at 6000 (9); at 6600 +3 (12, the peak), then calexp(10) -5 (every task depending on calib is
 * done in tract 10: fit everywhere, coadd there); at 7200 +3 -1 = 9 = the kept coadds. */
static void test_pipe_barrier(void)
{
    fixture f;
    pfix x;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (pload(&f, &x, "tests/fixtures/campaign_pipe_barrier.yaml")) { CHECK(0); return; }
    cmp_opts_default(&o);
    o.block_h = 0.5;
    cmp_result_init(&r);
    CHECK_INT(cmp_simulate_pipe(f.w, x.p, &x.prod, &f.plat, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 7200, 1e-9);
    CHECK_NEAR(r.busy_core_s, 10800, 1e-9);
    CHECK(r.makespan_s >= r.busy_core_s / 2);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_STARVED], 14400 - 10800, 1e-9);
    CHECK_NEAR(r.idle_core_s[CMP_IDLE_MEMORY], 0, 1e-9);
    CHECK_INT((long)r.weighted_stages, 3);
    CHECK_INT(r.has_whole, 1);
    CHECK_NEAR(r.stage[0].mem_req_gib, 0, 0);
    CHECK_NEAR(r.stage[1].instances, 1, 0);
    CHECK_NEAR(r.stage[1].first_start_s, 1800, 1e-9);
    CHECK_NEAR(r.stage[1].last_end_s, 4800, 1e-9);
    CHECK_NEAR(r.stage[2].first_start_s, 4800, 1e-9);
    CHECK_NEAR(r.stage[2].critical_s, 1200, 1e-9);
    CHECK_NEAR(r.stage[1].critical_s, 3000, 1e-9);
    CHECK_NEAR(r.stage[0].critical_s, 600, 1e-9);
    CHECK_NEAR(r.critical_wait_s, 2400, 1e-9);
    CHECK_INT(r.critical_stage, 1);
    CHECK_NEAR(r.peak_bytes, 12e8, 1);
    CHECK_NEAR(r.peak_s, 6600, 1e-9);
    CHECK_NEAR(r.peak_inter_bytes, 6e8, 1);
    CHECK_NEAR(r.peak_inter_s, 1800, 1e-9);
    CHECK_NEAR(r.final_keep_bytes, 9e8, 1);
    CHECK_NEAR(r.written_bytes, 6e8 + 9e8, 1);
    /* a barrier waits for every region: regions are refused */
    o.regions = 2;
    CHECK_INT(cmp_simulate_pipe(f.w, x.p, &x.prod, &f.plat, &o, &r, &err), Y1_EUSAGE);
    CHECK(strstr(err.msg, "first: fit") != NULL);
    cmp_result_clear(&r);
    punload(&f, &x);
}

/* test_pipe_barrier's schedule with the coadds marked release (not keep) and a released src of
 * 20 MB per CCD-visit beside calexp. Release types are what a campaign delivers, so they are
 * kept: src 6 x 0.2e8 = 1.2e8 B written with calexp (+0.8 at 1200, +0.4 at 1800) and never
 * deleted, so every volume of test_pipe_barrier grows by 1.2e8 from 1800 on: the peak 13.2e8
 * at 6600 and the final kept volume 9e8 + 1.2e8 = 10.2e8. The fit, run once, writes a released
 * wcs of 10 MB per CCD-visit of every tract (6 x 0.1e8 = 0.6e8) when it ends at 4800: the peak
 * becomes 13.8e8 and the kept volume 10.8e8. The intermediates (calexp only) peak at 6e8 at
 * 1800 as before. */
static void test_pipe_release(void)
{
    fixture f;
    pfix x;
    cmp_opts o;
    cmp_result r;
    y1_err err = {{0}};
    if (pload(&f, &x, "tests/fixtures/campaign_pipe_release.yaml")) { CHECK(0); return; }
    cmp_opts_default(&o);
    o.block_h = 0.5;
    cmp_result_init(&r);
    CHECK_INT(cmp_simulate_pipe(f.w, x.p, &x.prod, &f.plat, &o, &r, &err), Y1_OK);
    CHECK_NEAR(r.makespan_s, 7200, 1e-9);
    CHECK_INT(x.prod.v[0].keep, 0);
    CHECK_INT(x.prod.v[1].keep, 1);
    CHECK_INT(x.prod.v[2].keep, 1);
    CHECK_INT(x.prod.v[3].keep, 1);
    CHECK_NEAR(r.final_keep_bytes, 10.8e8, 1);
    CHECK_NEAR(r.final_keep_s, 7200, 1e-9);
    CHECK_NEAR(r.peak_bytes, 13.8e8, 1);
    CHECK_NEAR(r.peak_s, 6600, 1e-9);
    CHECK_NEAR(r.peak_inter_bytes, 6e8, 1);
    CHECK_NEAR(r.peak_inter_s, 1800, 1e-9);
    CHECK_NEAR(r.written_bytes, 6e8 + 1.2e8 + 0.6e8 + 9e8, 1);
    CHECK_NEAR(r.prod[2].total_bytes, 0.6e8, 1);
    cmp_result_clear(&r);
    punload(&f, &x);
}

/* The Monte Carlo of a pipeline file. test_pipe_barrier's file (core-weighted, so no RTN-028
 * figure) at a resolution of 0.05 h, below every instance (600 s x cpu_factor >= 300 s): each
 * instance is its own block, the hand schedule (7200 s at cpu_factor 1, the platform's) keeps
 * its order when every time is scaled by the same factor, so the makespan is 7200 x the
 * sample's cpu_factor. test_pipe_hand's file (memory models, 1 GiB, jobs per node min(2 cores,
 * 10 GiB / 1 GiB) = 2): CPU 6 x 600 + 4 x 1200 + (1200 + 1800 + 1200) + 2 x 1800 = 16200 s =
 * 4.5 h, RTN-028 node-days 4.5 x cpu_factor / 2 / 24 = 0.09375 x cpu_factor. */
static void test_pipe_monte_carlo(void)
{
    fixture f;
    pfix x;
    cmp_opts o;
    cmp_mc_opts mc;
    cmp_mc_sample a[20], b[20];
    y1_err err = {{0}};
    pipe_counts k;
    if (pload(&f, &x, "tests/fixtures/campaign_pipe_barrier.yaml")) { CHECK(0); return; }
    cmp_opts_default(&o);
    o.block_h = 0.05;
    memset(&mc, 0, sizeof mc);
    mc.samples = 20;
    mc.seed = 11;
    mc.model_sigma_frac = 0;
    mc.cpu_lo = mc.cpu_hi = NAN;
    /* no sigma, no range: every sample is the nominal run */
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, NULL, &f.plat, &x.prod, &o, &mc, a, &err), Y1_OK);
    for (int i = 0; i < 20; i++) {
        CHECK_NEAR(a[i].makespan_days, 7200.0 / 86400.0, 1e-12);
        CHECK_NEAR(a[i].alloc_node_days, 7200.0 / 86400.0, 1e-12);
        CHECK_NEAR(a[i].peak_pb, 12e8 / 1e15, 1e-15);
        CHECK_NEAR(a[i].keep_pb, 9e8 / 1e15, 1e-15);
        CHECK_NEAR(a[i].all_pb, 15e8 / 1e15, 1e-15);
        CHECK_NEAR(a[i].cpu_factor, 1, 0);
        CHECK(isnan(a[i].study_node_days));
    }
    /* cpu_factor in [0.5, 1]: the makespan scales with it, PB does not move */
    mc.cpu_lo = 0.5;
    mc.cpu_hi = 1.0;
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, NULL, &f.plat, &x.prod, &o, &mc, a, &err), Y1_OK);
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, NULL, &f.plat, &x.prod, &o, &mc, b, &err), Y1_OK);
    CHECK(!memcmp(a, b, sizeof a)); /* same seed, same numbers */
    double lo = 1, hi = 0;
    for (int i = 0; i < 20; i++) {
        CHECK(a[i].cpu_factor >= 0.5 && a[i].cpu_factor <= 1.0);
        CHECK_NEAR(a[i].makespan_days, 7200.0 * a[i].cpu_factor / 86400.0, 1e-12);
        CHECK(a[i].makespan_days >= 0.5 * 7200.0 / 86400.0 - 1e-12 &&
              a[i].makespan_days <= 1.0 * 7200.0 / 86400.0 + 1e-12);
        CHECK_NEAR(a[i].peak_pb, 12e8 / 1e15, 1e-15);
        if (a[i].cpu_factor < lo) lo = a[i].cpu_factor;
        if (a[i].cpu_factor > hi) hi = a[i].cpu_factor;
    }
    CHECK(hi - lo > 0.2); /* 20 uniform draws spread over the range */
    mc.seed = 12;
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, NULL, &f.plat, &x.prod, &o, &mc, b, &err), Y1_OK);
    CHECK(a[0].cpu_factor != b[0].cpu_factor);
    /* model draws: the makespan spreads, the inputs are left as they were */
    mc.seed = 11;
    mc.model_sigma_frac = 0.2;
    mc.cpu_lo = mc.cpu_hi = 1.0;
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, NULL, &f.plat, &x.prod, &o, &mc, a, &err), Y1_OK);
    size_t off = offsetof(cmp_mc_sample, makespan_days);
    CHECK(cmp_mc_quantile(a, 20, off, 0.95) - cmp_mc_quantile(a, 20, off, 0.05) > 0);
    CHECK_NEAR(x.p->tasks[1].cpu.intercept, 3000, 0);
    CHECK_NEAR(x.p->tasks[2].cpu.slope, 600, 0);
    punload(&f, &x);

    /* the RTN-028 figure from the drawn models */
    if (pload(&f, &x, "tests/fixtures/campaign_pipe_hand.yaml")) { CHECK(0); return; }
    CHECK_INT(est_pipe_counts(&k, &f.c, &x.ew, &err), Y1_OK);
    o.block_h = 0.5;
    mc.model_sigma_frac = 0;
    mc.cpu_lo = 0.5;
    mc.cpu_hi = 1.0;
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, &k, &f.plat, &x.prod, &o, &mc, a, &err), Y1_OK);
    for (int i = 0; i < 20; i++)
        CHECK_NEAR(a[i].study_node_days, 0.09375 * a[i].cpu_factor, 1e-12);
    mc.model_sigma_frac = 0.2;
    CHECK_INT(cmp_monte_carlo_pipe(f.w, x.p, &k, &f.plat, &x.prod, &o, &mc, a, &err), Y1_OK);
    size_t nd = offsetof(cmp_mc_sample, study_node_days);
    CHECK(cmp_mc_quantile(a, 20, nd, 0.95) - cmp_mc_quantile(a, 20, nd, 0.05) > 0);
    punload(&f, &x);
}

int main(void)
{
    test_hand();
    test_pipe_hand();
    test_pipe_barrier();
    test_pipe_release();
    test_pipe_monte_carlo();
    test_walltime();
    test_regions();
    test_errors();
    test_monte_carlo();
    CHECK_DONE();
}
