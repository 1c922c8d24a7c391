/* test_node.c: the node models beyond the study (issue 6). Expected values are worked out by
 * hand in the comments (or from a curve we generate from known parameters), never taken from
 * the program's output. Runs from the source directory (fixtures in tests/fixtures/). */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "estimator/node.h"
#include "estimator/report/plot.h"
#include "estimator/report/report.h"
#include "tests/check.h"

static mdl_task task_a = {.label = "alpha"}, task_b = {.label = "beta"};

static est_task_row row(const mdl_task *t, double instances, double cpu_h, double rss)
{
    est_task_row r = {t, instances, cpu_h, rss, rss, 0};
    return r;
}

/* The model written out again, independently of node.c: s(k) for load x = (k-1)/(K-1) with a
 * power-capped clock (boost up to k_p = K (base/boost)^3, then boost (k_p/k)^(1/3)). */
static double hand_s(double k, double K, double boost, double base, double af, double aio,
                     double amem)
{
    double x = (k - 1) / (K - 1), kp = fmax(1, K * pow(base / boost, 3));
    double f = k > kp ? boost * pow(kp / k, 1.0 / 3.0) : boost;
    return 1 + af * (boost / f - 1) + aio * x + amem * x * x;
}

static void test_no_blocks_equal_study(void)
{
    /* the study's Table 2 rows (RTN-028) on platforms without blocks: every assumption column
     * but mixed/lower bound/charged equals est_table3_row / 24 exactly */
    static const char *files[] = {"data/platforms/cori-haswell.yaml",
                                  "data/platforms/cori-knl.yaml",
                                  "tests/fixtures/platform_small.yaml"};
    mdl_task t[3] = {{.label = "isr"}, {.label = "measure"}, {.label = "deblend"}};
    est_task_row rows[3] = {row(&t[0], 32.8e6, 0.64e6, 2.59), row(&t[1], 2.7e6, 6.12e6, 2.79),
                            row(&t[2], 0.4e6, 0.79e6, 6.98)};
    y1_err err = {{0}};
    for (size_t f = 0; f < 3; f++) {
        est_platform p;
        CHECK_MSG(est_platform_load(&p, files[f], &err) == Y1_OK, "%s", err.msg);
        CHECK_INT(p.occ.present, 0);
        CHECK_INT(p.wf.present, 0);
        size_t nr = f == 2 ? 1 : 3;   /* Small (6 GiB usable) fits only isr */
        est_node_platform np;
        CHECK_MSG(est_node_compute(&p, rows, nr, &np, &err) == Y1_OK, "%s", err.msg);
        double sum = 0;
        for (size_t i = 0; i < nr; i++) {
            est_node_row nr3;
            CHECK_INT(est_table3_row(&p, &rows[i], &nr3, &err), Y1_OK);
            double d = nr3.node_hours / 24.0;
            sum += d;
            CHECK(np.task[i].nd_study == d);
            CHECK(np.task[i].nd_occupancy == d);
            CHECK(np.task[i].nd_overheads == d);
            CHECK(np.task[i].nd_combined == d);
            CHECK_INT(np.task[i].k_best, nr3.jobs_per_node);
            CHECK_INT(np.task[i].jobs_study, nr3.jobs_per_node);
        }
        CHECK_NEAR(np.nd_study, sum, 1e-9 * sum);
        CHECK_NEAR(np.nd_combined, sum, 1e-9 * sum);
        CHECK_NEAR(np.nd_occupancy, sum, 1e-9 * sum);
        CHECK_NEAR(np.nd_overheads, sum, 1e-9 * sum);
        CHECK_INT(np.mixed_in_combined, 0);
        CHECK(np.nd_mixed <= np.nd_study * (1 + 1e-12));
        CHECK(np.nd_mixed >= np.nd_mixed_lower_bound * (1 - 1e-12));
        est_node_platform_clear(&np);
    }
    /* Cori-Haswell by hand: 32 cores, 118 GiB usable. isr: min(32, floor(118/2.59) = 45) = 32,
     * 0.64e6 / 32 = 20,000 node-h; measure: 118/2.79 = 42.3 -> 32, 191,250; deblend:
     * floor(118/6.98) = 16, 49,375. Sum 260,625 node-h = 10,859.375 node-days */
    est_platform hw;
    est_node_platform np;
    CHECK_INT(est_platform_load(&hw, files[0], &err), Y1_OK);
    CHECK_INT(est_node_compute(&hw, rows, 3, &np, &err), Y1_OK);
    CHECK_NEAR(np.nd_study, 260625.0 / 24, 1e-6);
    /* charged cores at 128/32 = 4 GiB per core: deblend ceil(6.98/4) = 2 cores, the others 1:
     * (0.64e6 + 6.12e6 + 2 x 0.79e6) / 32 = 260,625 node-h as well (deblend 2 per 4 GiB
     * is 16 per node, the same as the study's floor(118/6.98)) */
    CHECK_NEAR(np.nd_charged_cores, 260625.0 / 24, 1e-6);
    /* lower bound: core-h / 32 = 7.55e6 / 32 = 235,937.5; GiB-h / 118 = (0.64e6 x 2.59 +
     * 6.12e6 x 2.79 + 0.79e6 x 6.98) / 118 = 24,234,800 / 118 = 205,379.66: cores bind */
    CHECK_NEAR(np.nd_mixed_lower_bound, 235937.5 / 24, 1e-6);
    /* mixing deblend (16 jobs fill 111.7 GiB, 16 cores idle) with light isr reaches it:
     * a node of 8 deblend + 24 isr uses 55.84 + 62.16 = 118.0 GiB */
    CHECK(np.nd_mixed < np.nd_study);
    CHECK(np.nd_mixed >= np.nd_mixed_lower_bound * (1 - 1e-12));
    est_node_platform_clear(&np);
}

static void test_fit_recovers_curve(void)
{
    /* points generated from known parameters on a 128-core node, as wall times in seconds */
    static const double ks[] = {1, 8, 24, 40, 64, 96, 128};
    static const struct { double af, aio, amem, w1; } truth[] = {
        {0.6, 0.2, 0.3, 12.5},    /* all three parts */
        {1.0, 0.0, 0.4, 7.25},    /* compute share at its bound, no I/O */
        {0.0, 0.35, 0.0, 3.85}};  /* I/O only */
    y1_err err = {{0}};
    for (size_t c = 0; c < 3; c++) {
        est_occupancy o;
        memset(&o, 0, sizeof o);
        o.present = 1;
        o.boost_ghz = 3.35;
        o.base_ghz = 2.0;
        o.compute_share = NAN;
        o.npoints = 7;
        for (int i = 0; i < 7; i++) {
            o.k[i] = ks[i];
            o.wall[i] = truth[c].w1 * hand_s(ks[i], 128, 3.35, 2.0, truth[c].af, truth[c].aio,
                                             truth[c].amem);
        }
        CHECK_MSG(est_occ_fit(&o, 128, &err) == Y1_OK, "%s", err.msg);
        CHECK_NEAR(o.w1, truth[c].w1, 1e-8);
        CHECK_NEAR(o.a_freq, truth[c].af, 1e-8);
        CHECK_NEAR(o.a_io, truth[c].aio, 1e-8);
        CHECK_NEAR(o.a_mem, truth[c].amem, 1e-8);
        CHECK(o.rms_rel < 1e-9);
        /* at full load the clock part is boost/base - 1 = 0.675 */
        CHECK_NEAR(est_occ_slowdown(&o, 128, 128),
                   1 + truth[c].af * 0.675 + truth[c].aio + truth[c].amem, 1e-8);
        /* the peak, by brute force over the hand formula */
        long kb = 1;
        double tb = 0;
        for (int k = 1; k <= 128; k++) {
            double tk = k / hand_s(k, 128, 3.35, 2.0, truth[c].af, truth[c].aio, truth[c].amem);
            if (tk > tb * (1 + 1e-9)) { tb = tk; kb = k; }
        }
        CHECK_INT(o.k_peak, kb);
        CHECK_INT(est_occ_best_k(&o, 128, 128), kb);
        CHECK_INT(est_occ_best_k(&o, 128, 20), 20 < kb ? 20 : kb);
    }
    /* case 1 has a peak inside the node: s(128) = 1.905 while T grows to about k = 100 */
    /* a fixed compute share: only w1, a_io, a_mem are fitted */
    est_occupancy o;
    memset(&o, 0, sizeof o);
    o.present = 1;
    o.boost_ghz = 3.35;
    o.base_ghz = 2.0;
    o.compute_share = 0.6;
    o.npoints = 4;
    for (int i = 0; i < 4; i++) {
        o.k[i] = ks[2 * i];
        o.wall[i] = 9.5 * hand_s(ks[2 * i], 128, 3.35, 2.0, 0.6, 0.15, 0.45);
    }
    CHECK_MSG(est_occ_fit(&o, 128, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(o.a_freq, 0.6, 0);
    CHECK_NEAR(o.a_io, 0.15, 1e-8);
    CHECK_NEAR(o.a_mem, 0.45, 1e-8);
    CHECK_NEAR(o.w1, 9.5, 1e-8);
    /* a small node with a deep clock drop: K (base/boost)^3 = 4/27 < 1, so k_p = 1 and one
     * job still runs at boost; at k = 4 the clock part is (4/1)^(1/3) - 1 */
    o.compute_share = NAN;
    o.boost_ghz = 3.0;
    o.base_ghz = 1.0;
    o.a_freq = 1;
    o.a_io = o.a_mem = 0;
    CHECK_NEAR(est_occ_slowdown(&o, 4, 1), 1.0, 0);
    CHECK_NEAR(est_occ_slowdown(&o, 4, 4), cbrt(4.0), 1e-12);
    /* no block: linear */
    est_occupancy none = {0};
    CHECK_NEAR(est_occ_slowdown(&none, 128, 77), 1.0, 0);
    CHECK_INT(est_occ_best_k(&none, 128, 71), 71);
}

static void test_fit_from_yaml(void)
{
    /* node_both.yaml: throughput 1, 2.4, 2.5 at k = 1, 3, 5 is s = 1, 1.25, 2 = 1 + x^2 with
     * x = (k-1)/4: a_mem = 1, nothing else. T(k) = k / (1 + x^2): 1, 1.882, 2.4, 2.56, 2.5, so
     * the peak is k = 4 */
    est_platform p;
    y1_err err = {{0}};
    CHECK_MSG(est_platform_load(&p, "tests/fixtures/node_both.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(p.occ.present, 1);
    CHECK_INT(p.occ.npoints, 3);
    CHECK_NEAR(p.occ.wall[1], 3 / 2.4, 1e-15);
    CHECK_NEAR(p.occ.w1, 1, 1e-9);
    CHECK_NEAR(p.occ.a_mem, 1, 1e-9);
    CHECK_NEAR(p.occ.a_io, 0, 1e-9);
    CHECK_NEAR(p.occ.a_freq, 0, 1e-9);
    CHECK_INT(p.occ.k_peak, 4);
    CHECK_STR(p.occ.source, "hand-made for the test");
    CHECK_INT(p.wf.present, 1);
    CHECK_NEAR(p.wf.dispatch_latency_s, 2, 0);
    CHECK_NEAR(p.wf.tasks_per_manager, 1000, 0);   /* defaults for the keys not given */
    CHECK_INT(p.wf.allocation_nodes, 1000);
    CHECK_INT(p.wf.mixed_packing, 0);

    /* one task: 3600 instances, 10 CPU h (t = 10 s), 1 GiB: the study runs 5 per node, 2 h.
     * occupancy: k = 4, s = 1.5625: 10 x 1.5625 / 4 = 3.90625 h; overheads: 10 x (1 + 2/10) / 5
     * = 2.4 h; both: 10 x (1.5625 + 0.2) / 4 = 4.40625 h; 10 s < 10 x 2 s: a short task */
    est_task_row r = row(&task_a, 3600, 10, 1);
    est_node_platform np;
    CHECK_MSG(est_node_compute(&p, &r, 1, &np, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(np.task[0].run_s, 10, 1e-12);
    CHECK_NEAR(np.nd_study * 24, 2, 1e-12);
    CHECK_INT(np.task[0].k_best, 4);
    CHECK_NEAR(np.task[0].slowdown, 1.5625, 1e-9);
    CHECK_NEAR(np.nd_occupancy * 24, 3.90625, 1e-9);
    CHECK_NEAR(np.nd_overheads * 24, 2.4, 1e-12);
    CHECK_NEAR(np.nd_combined * 24, 4.40625, 1e-9);
    CHECK_INT(np.task[0].short_task, 1);
    CHECK_INT(np.k_peak, 4);
    CHECK_NEAR(np.slowdown_full, 2, 1e-9);
    est_node_platform_clear(&np);

    /* with mixed packing (the default) the LP may choose another k for the same type: with
     * the latency, 5 jobs give 5 / (2 + 0.2) = 2.2727 per node-hour against 4 / 1.7625 = 2.2695
     * at k = 4, so 10 / 2.2727 = 4.4 h; never more than the one-type 4.40625 */
    p.wf.mixed_packing = 1;
    CHECK_MSG(est_node_compute(&p, &r, 1, &np, &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(np.mixed_in_combined, 1);
    CHECK_NEAR(np.nd_combined * 24, 4.4, 1e-9);
    CHECK_NEAR(np.task[0].nd_combined * 24, 4.4, 1e-9);
    est_node_platform_clear(&np);
}

static void test_pack_by_hand(void)
{
    y1_err err = {{0}};
    est_pack_out o;
    /* 4 cores, 16 GiB. A: 1 GiB, 8 slot-h; B: 6 GiB, 4 slot-h.
     * one type per node: A 4 per node -> 2 h; B floor(16/6) = 2 per node -> 2 h; 4 h.
     * lower bound: max(12 / 4, (8 + 24) / 16) = max(3, 2) = 3 h.
     * mixed: 2 A + 2 B (14 GiB, 4 cores) for 2 h does all of B and 4 h of A; the other 4 h of
     * A at 4 per node take 1 h: 3 h = the bound, so optimal */
    double w1[] = {8, 4}, m1[] = {1, 6};
    est_pack_in in = {.ntypes = 2, .work_h = w1, .mem_gib = m1, .cores = 4, .node_mem_gib = 16};
    CHECK_MSG(est_pack_mixed(&in, &o, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(o.node_hours_one_type, 4, 1e-12);
    CHECK_NEAR(o.lower_bound, 3, 1e-12);
    CHECK_NEAR(o.node_hours, 3, 1e-9);
    CHECK_NEAR(o.share[0] + o.share[1], o.node_hours, 1e-9);
    est_pack_out_clear(&o);

    /* A: 3 GiB, 6 slot-h; B: 9 GiB, 3 slot-h. one type: A min(4, 5) = 4 per node -> 1.5 h;
     * B 1 per node -> 3 h; 4.5 h. bound: max(9/4, (18 + 27)/16) = 2.8125 h. mixed: B fits once
     * per node, so B alone needs 3 node-h; 1 B + 2 A (15 GiB, 3 cores) for 3 h also does all
     * 6 h of A: 3 h, optimal, 0.1875 h above the bound */
    double w2[] = {6, 3}, m2[] = {3, 9};
    in.work_h = w2;
    in.mem_gib = m2;
    CHECK_MSG(est_pack_mixed(&in, &o, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(o.node_hours_one_type, 4.5, 1e-12);
    CHECK_NEAR(o.lower_bound, 2.8125, 1e-12);
    CHECK_NEAR(o.node_hours, 3, 1e-9);
    est_pack_out_clear(&o);

    /* a type with no work is skipped; a type that does not fit is an error */
    double w3[] = {0, 3}, m3[] = {40, 9};
    in.work_h = w3;
    in.mem_gib = m3;
    CHECK_MSG(est_pack_mixed(&in, &o, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(o.node_hours, 3, 1e-9);
    CHECK_NEAR(o.share[0], 0, 0);
    est_pack_out_clear(&o);
    w3[0] = 1;
    CHECK_INT(est_pack_mixed(&in, &o, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "needs 40 GiB, the node has 16");

    /* the same first case through a platform file and Table 2 rows (cpu_factor 1) */
    est_platform p;
    CHECK_MSG(est_platform_load(&p, "tests/fixtures/node_pack.yaml", &err) == Y1_OK, "%s", err.msg);
    est_task_row rows[2] = {row(&task_a, 100, 8, 1), row(&task_b, 10, 4, 6)};
    est_node_platform np;
    CHECK_MSG(est_node_compute(&p, rows, 2, &np, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(np.nd_study * 24, 4, 1e-12);
    CHECK_NEAR(np.nd_mixed * 24, 3, 1e-9);
    CHECK_NEAR(np.nd_mixed_lower_bound * 24, 3, 1e-12);
    /* charged cores at 26/4 = 6.5 GiB per core: both types 1 core: 12 / 4 = 3 h */
    CHECK_NEAR(np.nd_charged_cores * 24, 3, 1e-12);
    est_node_platform_clear(&np);
    /* second case: B at 9 GiB is charged ceil(9/6.5) = 2 cores: (6 + 2 x 3) / 4 = 3 h */
    rows[0] = row(&task_a, 100, 6, 3);
    rows[1] = row(&task_b, 10, 3, 9);
    CHECK_MSG(est_node_compute(&p, rows, 2, &np, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(np.nd_charged_cores * 24, 3, 1e-12);
    CHECK_NEAR(np.nd_study * 24, 4.5, 1e-12);
    est_node_platform_clear(&np);
    /* a task larger than the usable memory: est_table3_row's message */
    rows[1] = row(&task_b, 10, 3, 17);
    CHECK_INT(est_node_compute(&p, rows, 2, &np, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "task beta needs 17.00 GiB");
}

static void test_pack_random(void)
{
    /* fixed-seed random cases: the bound <= mixed <= one type, shares sum to the optimum */
    uint64_t st = 0x2385u;
    y1_err err = {{0}};
    for (int c = 0; c < 60; c++) {
        double w[6], m[6];
        size_t n = 2 + (size_t)(c % 5);
        long cores = 3 + c % 13;
        double mem = 4.5 + (c % 7) * 3.7;
        for (size_t i = 0; i < n; i++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            double u1 = (double)(st >> 11) / 9007199254740992.0;
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            double u2 = (double)(st >> 11) / 9007199254740992.0;
            w[i] = 0.5 + 100 * u1;
            m[i] = 0.1 + (mem - 0.1) * u2 * u2;
        }
        est_pack_in in = {.ntypes = n, .work_h = w, .mem_gib = m, .cores = cores,
                          .node_mem_gib = mem};
        est_pack_out o;
        CHECK_MSG(est_pack_mixed(&in, &o, &err) == Y1_OK, "%s", err.msg);
        CHECK_MSG(o.node_hours >= o.lower_bound * (1 - 1e-9), "case %d: %g below bound %g", c,
                  o.node_hours, o.lower_bound);
        CHECK_MSG(o.node_hours <= o.node_hours_one_type * (1 + 1e-9), "case %d: %g above one "
                  "type %g", c, o.node_hours, o.node_hours_one_type);
        double s = 0;
        for (size_t i = 0; i < n; i++) s += o.share[i];
        CHECK_NEAR(s, o.node_hours, 1e-8 * o.node_hours);
        est_pack_out_clear(&o);
    }
}

static void test_workflow_by_hand(void)
{
    est_platform p;
    y1_err err = {{0}};
    CHECK_MSG(est_platform_load(&p, "tests/fixtures/node_wf.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(p.wf.present, 1);
    CHECK_INT(p.wf.managers, 1);
    CHECK_INT(p.wf.mixed_packing, 0);
    /* alpha: 3600 x 18 s (18 CPU h), 1 GiB: 4 per node. Slot 18 + 2 = 20 s; one manager keeps
     * min(100, 10/s x 20 s = 200) = 100 running; 50 nodes x 4 slots = 200, so u = 0.5 and 2
     * managers are needed. node-h = 3600 x 20 s / 3600 / 4 / 0.5 = 10 (study: 18 / 4 = 4.5).
     * 18 s < 10 x 2 s: short.
     * beta: 36 x 3600 s (36 CPU h), 6 GiB: 2 per node. Slot 3602 s; 100 slots in all: u = 1,
     * 1 manager. node-h = 36 x 3602 / 3600 / 2 = 18.01 (study: 18) */
    est_task_row rows[2] = {row(&task_a, 3600, 18, 1), row(&task_b, 36, 36, 6)};
    est_node_platform np;
    CHECK_MSG(est_node_compute(&p, rows, 2, &np, &err) == Y1_OK, "%s", err.msg);
    CHECK_NEAR(np.task[0].nd_study * 24, 4.5, 1e-12);
    CHECK_NEAR(np.task[0].nd_overheads * 24, 10, 1e-9);
    CHECK_INT(np.task[0].managers_needed, 2);
    CHECK_INT(np.task[0].short_task, 1);
    CHECK_NEAR(np.task[1].nd_overheads * 24, 18.01, 1e-9);
    CHECK_INT(np.task[1].managers_needed, 1);
    CHECK_INT(np.task[1].short_task, 0);
    CHECK_INT(np.managers_needed, 2);
    CHECK_NEAR(np.nd_overheads * 24, 28.01, 1e-9);
    /* the note: study 22.5 h = 0.9375 node-days, overheads 28.01 / 22.5 = +24.5 % */
    char note[600];
    est_node_note(&p, &np, note, sizeof note);
    CHECK_HAS(note, "Wf4: the study's 1 node-days");
    CHECK_HAS(note, "no throughput curve");
    CHECK_HAS(note, "workflow overheads +24.5 % (2 s per task; 2 manager(s) needed for 50 nodes)");
    /* no occupancy block: combined = overheads (one type per node) */
    CHECK_NEAR(np.nd_combined * 24, 28.01, 1e-9);
    CHECK_NEAR(np.nd_occupancy, np.nd_study, 0);
    est_node_platform_clear(&np);

    /* launch-rate bound: 1 task/s sustains 20 running tasks of 20 s: 10 managers for 200 slots,
     * u = 0.1 with one */
    p.wf.manager_rate_hz = 1;
    CHECK_INT(est_wf_managers_needed(&p.wf, 50, 4, 20), 10);
    CHECK_NEAR(est_wf_utilisation(&p.wf, 50, 4, 20), 0.1, 1e-15);
    p.wf.managers = 0;   /* as many as needed: no idle slots */
    CHECK_NEAR(est_wf_utilisation(&p.wf, 50, 4, 20), 1, 0);
    /* 1000 Perlmutter nodes x 128 slots with the defaults (1000 tasks per manager): 128 */
    est_workflow d;
    est_workflow_defaults(&d);
    CHECK_INT(d.present, 0);
    CHECK_INT(est_wf_managers_needed(&d, 1000, 128, 70), 128);
}

static void test_bad_blocks(void)
{
    static const struct { const char *file, *msg; } bad[] = {
        {"node_bad_k.yaml", "node_bad_k.yaml:12:8: occupancy points must have strictly "
                            "increasing k, got 32 after 48"},
        {"node_bad_latency.yaml", "node_bad_latency.yaml:6:23: dispatch_latency_s: -2 is out "
                                  "of range [0, 1e+06]"},
        {"node_bad_key.yaml", "node_bad_key.yaml:7:3: unknown key 'latency' in the workflow block"},
        {"node_bad_occkey.yaml", "node_bad_occkey.yaml:8:3: unknown key 'turbo' in the "
                                 "occupancy block"},
        {"node_bad_few.yaml", "node_bad_few.yaml:9:11: occupancy needs 3 to 32 points, got 2"},
        {"node_bad_kcores.yaml", "node_bad_kcores.yaml:9:33: k must be in [1, cores_per_node = "
                                 "64], got 128"},
        {"node_bad_clock.yaml", "node_bad_clock.yaml:7:13: base_ghz 3.35 must not exceed "
                                "boost_ghz 2"},
        {"node_bad_kind.yaml", "node_bad_kind.yaml:8:15: points_are must be 'throughput' or "
                               "'wall_time', got 'speed'"},
        {"node_bad_pair.yaml", "node_bad_pair.yaml:11:7: an occupancy point must be a pair"},
        {"node_bad_value.yaml", "node_bad_value.yaml:11:12: wall time must be positive, got 0"},
        {"node_bad_packing.yaml", "node_bad_packing.yaml:6:12: packing must be 'mixed' or "
                                  "'one_type', got 'best'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256];
        est_platform p;
        y1_err err = {{0}};
        snprintf(path, sizeof path, "tests/fixtures/%s", bad[i].file);
        CHECK_INT(est_platform_load(&p, path, &err), Y1_EINPUT);
        CHECK_HAS(err.msg, bad[i].msg);
    }
}

static void test_shipped_platforms(void)
{
    static const char *shipped[] = {"cori-knl", "cori-haswell", "perlmutter", "perlmutter-measured-isr",
                                    "sdf-rome", "s3df-milano", "site-4gb-per-core"};
    y1_err err = {{0}};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        char path[256];
        est_platform p;
        snprintf(path, sizeof path, "data/platforms/%s.yaml", shipped[i]);
        CHECK_MSG(est_platform_load(&p, path, &err) == Y1_OK, "%s", err.msg);
    }
    /* SDF-Rome's default curve (read from the study's text): about 2x below linear at 128,
     * near linear at 32 */
    est_platform p;
    CHECK_MSG(est_platform_load(&p, "data/platforms/sdf-rome.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(p.occ.present, 1);
    CHECK_NEAR(p.occ.boost_ghz, 3.35, 0);
    CHECK_NEAR(p.occ.base_ghz, 2.0, 0);
    double s128 = est_occ_slowdown(&p.occ, 128, 128), s32 = est_occ_slowdown(&p.occ, 128, 32);
    CHECK_MSG(s128 > 1.8 && s128 < 2.2, "s(128) = %g", s128);
    CHECK_MSG(s32 < 1.1, "s(32) = %g", s32);
    CHECK(p.occ.k_peak > 48 && p.occ.k_peak <= 128);

    /* the plot (Figure 5 shape) is a PNG */
    char png[128];
    snprintf(png, sizeof png, "/tmp/test_node_occ_%ld.png", (long)getpid());
    CHECK_MSG(est_node_plot_occupancy(&p, png, &err) == Y1_OK, "%s", err.msg);
    FILE *fp = fopen(png, "rb");
    unsigned char magic[4] = {0};
    CHECK(fp && fread(magic, 1, 4, fp) == 4 && magic[1] == 'P' && magic[2] == 'N');
    if (fp) fclose(fp);
    remove(png);
    CHECK_MSG(est_platform_load(&p, "data/platforms/cori-knl.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(est_node_plot_occupancy(&p, png, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "has no occupancy block");
}

/* The one packing rule, by hand: min(cores, floor(memory / job memory)). */
static void test_pack_rule(void)
{
    /* Perlmutter: 128 cores, 512 - 10 = 502 GiB usable */
    CHECK_INT(est_pack_jobs(128, 502, 6.98), 71);    /* deblend: 502 / 6.98 = 71.9 */
    CHECK_INT(est_pack_jobs(128, 502, 2.0), 128);    /* 251 by memory, 128 by cores */
    CHECK_INT(est_pack_jobs(128, 502, 502.5), 0);    /* does not fit at all */
    CHECK_INT(est_pack_jobs(128, 502, 0), 128);      /* no memory: cores only */
    CHECK_INT(est_pack_jobs(0, 502, 1), 0);
    CHECK_INT(est_pack_jobs(-3, 502, 1), 0);
    /* memory left after other jobs: 0.3 GiB as 1 - 0.7 is 0.30000000000000004 and 0.3 / 0.1
     * is 2.9999999999999996 in doubles; both are three jobs of 0.1 GiB */
    CHECK_INT(est_pack_jobs(64, 1.0 - 0.7, 0.1), 3);
    CHECK_INT(est_pack_jobs(64, 0.3, 0.1), 3);
    CHECK_INT(est_pack_jobs(64, 0.3 - 1e-6, 0.1), 2); /* a real shortfall is not forgiven */
}

int main(void)
{
    gsl_set_error_handler_off();
    test_pack_rule();   /* as main does: every GSL status is checked */
    test_no_blocks_equal_study();
    test_fit_recovers_curve();
    test_fit_from_yaml();
    test_pack_by_hand();
    test_pack_random();
    test_workflow_by_hand();
    test_bad_blocks();
    test_shipped_platforms();
    plot_cleanup();
    CHECK_DONE();
}
