/* node.c: the node-level models beyond the study: the occupancy curve and its bounded GSL fit,
 * the workflow overheads, and every figure per platform and task (the mixed-packing LP is in
 * pack.c). Models and sources are documented in node.h. Hours, seconds, GiB. */
#include "estimator/node.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>


/* ---------------------------------------------------------------------------------------------
 * 1. Occupancy
 * ------------------------------------------------------------------------------------------- */

/* The three shape functions at k on a node of `cores` cores (each 0 at k = 1). */
static void occ_phi(const est_occupancy *o, long cores, double k, double *pf, double *pio,
                    double *pmem)
{
    double x = cores > 1 ? (k - 1.0) / (double)(cores - 1) : 0.0;
    /* power cap: k cores at clock f draw ~ k f^3 (voltage follows frequency), so the package
     * holds boost up to k_p jobs and then f = boost (k_p / k)^(1/3); k_p puts base at k = cores
     * (at least 1, so that one job always runs at boost: s(1) = 1) */
    double r = o->base_ghz / o->boost_ghz;
    double kp = fmax(1.0, (double)cores * r * r * r);
    *pf = k > kp ? cbrt(k / kp) - 1.0 : 0.0;      /* boost / f(k) - 1 */
    *pio = x;
    *pmem = x * x;
}

static double occ_s(const est_occupancy *o, long cores, double k)
{
    double pf, pio, pmem;
    occ_phi(o, cores, k, &pf, &pio, &pmem);
    return 1.0 + o->a_freq * pf + o->a_io * pio + o->a_mem * pmem;
}

static long occ_argmax(const est_occupancy *o, long cores, long k_max)
{
    long best = 1;
    double tbest = 1.0 / occ_s(o, cores, 1.0);
    for (long k = 2; k <= k_max; k++) {
        double t = (double)k / occ_s(o, cores, (double)k);
        if (t > tbest * (1.0 + 1e-12)) { tbest = t; best = k; }
    }
    return best;
}

double est_occ_slowdown(const est_occupancy *o, long cores, double k)
{
    return o && o->present ? occ_s(o, cores, k) : 1.0;
}

long est_occ_best_k(const est_occupancy *o, long cores, long k_max)
{
    if (!o || !o->present || k_max <= 1) return k_max;
    return occ_argmax(o, cores, k_max);
}

int est_occ_fit(est_occupancy *o, long cores, y1_err *err)
{
    size_t n = (size_t)o->npoints;
    int rc = Y1_OK;
    assert(n >= 3 && n <= EST_OCC_MAX_POINTS && cores >= 1);
    gsl_matrix *X = gsl_matrix_alloc(n, 4);
    gsl_vector *y = gsl_vector_alloc(n), *w = gsl_vector_alloc(n);
    gsl_multifit_linear_workspace *ws[5] = {NULL, NULL, NULL, NULL, NULL};
    if (!X || !y || !w) { rc = y1_errf(err, Y1_ENOMEM, "occupancy fit: out of memory"); goto done; }
    for (size_t p = 1; p <= 4 && p <= n; p++)
        if (!(ws[p] = gsl_multifit_linear_alloc(n, p))) {
            rc = y1_errf(err, Y1_ENOMEM, "occupancy fit: out of memory");
            goto done;
        }
    for (size_t i = 0; i < n; i++) {
        gsl_vector_set(y, i, o->wall[i]);
        /* relative residuals: a 2 s point and a 20 s point count alike */
        gsl_vector_set(w, i, 1.0 / (o->wall[i] * o->wall[i]));
    }

    double best_chisq = INFINITY, bw1 = 0, baf = 0, bio = 0, bmem = 0;
    /* Candidates in order of size, so that on a tie the simpler curve wins. fs: 0 = no
     * frequency part, 1 = free share, 2 = share at its bound 1, or at the value the block
     * fixes (compute_share), folded into the w1 column. */
    const int fixed = isfinite(o->compute_share);   /* the block fixes a_freq */
    for (size_t want = 1; want <= 4; want++)
    for (int fs = 0; fs < 3; fs++)
    for (int io = 0; io < 2; io++)
    for (int mem = 0; mem < 2; mem++) {
        size_t p = 1 + (fs == 1) + (size_t)io + (size_t)mem;
        if (p != want || p > n || (fixed && fs != 2)) continue;
        const double af2 = fixed ? o->compute_share : 1.0;   /* a_freq folded into column 0 */
        gsl_matrix_view Xv = gsl_matrix_submatrix(X, 0, 0, n, p);
        for (size_t i = 0; i < n; i++) {
            double pf, pio, pm;
            size_t j = 0;
            occ_phi(o, cores, o->k[i], &pf, &pio, &pm);
            gsl_matrix_set(&Xv.matrix, i, j++, 1.0 + (fs == 2 ? af2 * pf : 0.0));
            if (fs == 1) gsl_matrix_set(&Xv.matrix, i, j++, pf);
            if (io) gsl_matrix_set(&Xv.matrix, i, j++, pio);
            if (mem) gsl_matrix_set(&Xv.matrix, i, j++, pm);
        }
        gsl_vector *c = gsl_vector_alloc(p);
        gsl_matrix *cov = gsl_matrix_alloc(p, p);
        double chisq = 0;
        int st = c && cov ? gsl_multifit_wlinear(&Xv.matrix, w, y, c, cov, &chisq, ws[p])
                          : GSL_ENOMEM;
        double b[4] = {0, 0, 0, 0};
        for (size_t j = 0; c && j < p; j++) b[j] = gsl_vector_get(c, j);
        gsl_vector_free(c);
        gsl_matrix_free(cov);
        if (st == GSL_ENOMEM) { rc = y1_errf(err, Y1_ENOMEM, "occupancy fit: out of memory"); goto done; }
        if (st) {
            rc = y1_errf(err, Y1_EINPUT, "occupancy fit failed: %s", gsl_strerror(st));
            goto done;
        }
        size_t j = 1;
        double w1 = b[0];
        if (!(w1 > 0) || !isfinite(chisq)) continue;
        double af = fs == 2 ? af2 : fs == 1 ? b[j++] / w1 : 0.0;
        double aio = io ? b[j++] / w1 : 0.0;
        double amem = mem ? b[j++] / w1 : 0.0;
        const double tol = 1e-10;
        if (af < -tol || af > 1 + tol || aio < -tol || amem < -tol) continue;
        if (chisq < best_chisq - 1e-14) {
            best_chisq = chisq;
            bw1 = w1;
            baf = fmin(1.0, fmax(0.0, af));
            bio = fmax(0.0, aio);
            bmem = fmax(0.0, amem);
        }
    }
    if (!isfinite(best_chisq)) {
        rc = y1_errf(err, Y1_EINPUT, "occupancy fit: no curve with non-negative parts fits the "
                     "points (wall time must not fall as k grows)");
        goto done;
    }
    o->w1 = bw1;
    o->a_freq = baf;
    o->a_io = bio;
    o->a_mem = bmem;
    o->rms_rel = sqrt(best_chisq / (double)n);
    o->k_peak = occ_argmax(o, cores, cores);
done:
    for (int p = 0; p < 5; p++)
        if (ws[p]) gsl_multifit_linear_free(ws[p]);
    gsl_matrix_free(X);
    gsl_vector_free(y);
    gsl_vector_free(w);
    return rc;
}


/* ---------------------------------------------------------------------------------------------
 * 3. Workflow managers (used by 2 and by the per-task figures)
 * ------------------------------------------------------------------------------------------- */

/* Running tasks one manager sustains: its ceiling, or its launch rate times the slot time
 * (Little's law). */
static double wf_per_manager(const est_workflow *wf, double slot_s)
{
    return fmin(wf->tasks_per_manager, wf->manager_rate_hz * slot_s);
}

int est_wf_managers_needed(const est_workflow *wf, long nodes, long k, double slot_s)
{
    double c = wf_per_manager(wf, slot_s);
    double need = c > 0 ? ceil((double)nodes * (double)k / c - 1e-9) : (double)INT_MAX;
    return need >= (double)INT_MAX ? INT_MAX : (int)need;
}

double est_wf_utilisation(const est_workflow *wf, long nodes, long k, double slot_s)
{
    if (wf->managers <= 0 || nodes <= 0 || k <= 0) return 1.0;
    double u = (double)wf->managers * wf_per_manager(wf, slot_s) / ((double)nodes * (double)k);
    return fmin(1.0, u);
}


/* ---------------------------------------------------------------------------------------------
 * Everything for one platform
 * ------------------------------------------------------------------------------------------- */

void est_node_platform_clear(est_node_platform *p)
{
    if (!p) return;
    free(p->task);
    memset(p, 0, sizeof *p);
}

int est_node_compute(const est_platform *p, const est_task_row *rows, size_t nrows,
                     est_node_platform *out, y1_err *err)
{
    est_node_platform r;
    memset(&r, 0, sizeof r);
    const est_occupancy *occ = &p->occ;
    const est_workflow *wf = &p->wf;
    const long C = p->cores_per_node, N = wf->allocation_nodes;
    const double M = p->memory_per_node_gib - p->memory_reserve_gib;
    const double lat = wf->present ? wf->dispatch_latency_s : 0.0;
    double *work = NULL, *mem = NULL, *run = NULL, *util = NULL;
    est_pack_out po = {0}, pc = {0};
    int rc = Y1_OK;
    r.task = calloc(nrows ? nrows : 1, sizeof *r.task);
    work = calloc(nrows ? nrows : 1, sizeof *work);
    mem = calloc(nrows ? nrows : 1, sizeof *mem);
    run = calloc(nrows ? nrows : 1, sizeof *run);
    util = calloc(nrows ? nrows : 1, sizeof *util);
    if (!r.task || !work || !mem || !run || !util) {
        rc = y1_errf(err, Y1_ENOMEM, "node model: out of memory");
        goto done;
    }
    r.ntasks = nrows;
    r.has_occupancy = occ->present;
    r.has_workflow = wf->present;
    r.k_peak = est_occ_best_k(occ, C, C);
    r.slowdown_full = est_occ_slowdown(occ, C, (double)C);
    const double gib_per_core = p->memory_per_node_gib / (double)C;

    for (size_t i = 0; i < nrows; i++) {
        est_node_task *t = &r.task[i];
        est_node_row nr;
        if ((rc = est_table3_row(p, &rows[i], &nr, err))) goto done;
        t->jobs_study = nr.jobs_per_node;
        t->k_best = (int)nr.jobs_per_node;
        t->slowdown = 1.0;
        mem[i] = rows[i].max_rss_gib;
        run[i] = 1.0;
        util[i] = 1.0;
        if (!(rows[i].cpu_hours > 0) || !(rows[i].instances > 0)) continue;
        /* H: slot-hours at low load on this platform (the study's CPU h x cpu_factor) */
        const double H = rows[i].cpu_hours * p->cpu_factor;
        const double ts = H * 3600.0 / rows[i].instances;
        work[i] = H;
        run[i] = ts;
        t->run_s = ts;
        t->nd_study = nr.node_hours / 24.0;

        long kb = est_occ_best_k(occ, C, nr.jobs_per_node);
        double s = est_occ_slowdown(occ, C, (double)kb);
        t->k_best = (int)kb;
        t->slowdown = s;
        /* H x (s + L/t) / k / u: with s = 1, L = 0, u = 1 this is bit for bit the study's */
        t->nd_occupancy = H * s / (double)kb / 24.0;
        double u0 = wf->present ? est_wf_utilisation(wf, N, nr.jobs_per_node, ts + lat) : 1.0;
        t->nd_overheads = H * (1.0 + lat / ts) / (double)nr.jobs_per_node / u0 / 24.0;
        double slot = ts * s + lat;
        double uc = wf->present ? est_wf_utilisation(wf, N, kb, slot) : 1.0;
        t->nd_combined = H * (s + lat / ts) / (double)kb / uc / 24.0;
        t->managers_needed = est_wf_managers_needed(wf, N, kb, slot);
        t->short_task = ts < wf->short_task_factor * wf->dispatch_latency_s;
        double charged = fmax(1.0, ceil(rows[i].max_rss_gib / gib_per_core - 1e-9));
        t->nd_charged_cores = H * charged / (double)C / 24.0;

        r.nd_study += t->nd_study;
        r.nd_occupancy += t->nd_occupancy;
        r.nd_overheads += t->nd_overheads;
        r.nd_charged_cores += t->nd_charged_cores;
        r.nd_combined += t->nd_combined;
        if (t->managers_needed > r.managers_needed) r.managers_needed = t->managers_needed;
    }

    /* mixed packing under the study's other assumptions (linear, no overheads) */
    est_pack_in pin = {.ntypes = nrows, .work_h = work, .mem_gib = mem, .cores = C,
                       .node_mem_gib = M};
    if ((rc = est_pack_mixed(&pin, &po, err))) goto done;
    r.nd_mixed = po.node_hours / 24.0;
    r.nd_mixed_lower_bound = po.lower_bound / 24.0;
    for (size_t i = 0; i < nrows; i++) r.task[i].nd_mixed_share = po.share[i] / 24.0;

    if (wf->present && wf->mixed_packing) {
        /* combined: configurations up to the curve's peak, each slowed by its own total k,
         * with the latency and the managers' utilisation at that occupancy */
        for (size_t i = 0; i < nrows; i++)
            if (work[i] > 0)
                util[i] = est_wf_utilisation(wf, N, r.k_peak,
                                             run[i] * est_occ_slowdown(occ, C, (double)r.k_peak) + lat);
        est_pack_in cin = pin;
        cin.run_s = run;
        cin.util = util;
        cin.latency_s = lat;
        cin.occ = occ;
        cin.k_cap = r.k_peak;
        if ((rc = est_pack_mixed(&cin, &pc, err))) goto done;
        r.mixed_in_combined = 1;
        r.nd_combined = pc.node_hours / 24.0;
        for (size_t i = 0; i < nrows; i++) r.task[i].nd_combined = pc.share[i] / 24.0;
    }
    *out = r;
    r.task = NULL;
done:
    free(r.task);
    free(work);
    free(mem);
    free(run);
    free(util);
    est_pack_out_clear(&po);
    est_pack_out_clear(&pc);
    return rc;
}

static double pct(double x, double ref) { return ref > 0 ? 100.0 * (x / ref - 1.0) : 0.0; }

int est_node_note(const est_platform *p, const est_node_platform *np, char *buf, size_t size)
{
    char occ[200], wf[200];
    if (np->has_occupancy)
        snprintf(occ, sizeof occ, "throughput curve %+.1f %% (peak at k = %ld of %ld, slowdown "
                 "%.2f at full load; the ISR curve applied to every task)",
                 pct(np->nd_occupancy, np->nd_study), np->k_peak, p->cores_per_node,
                 np->slowdown_full);
    else
        snprintf(occ, sizeof occ, "no throughput curve (linear, as the study)");
    if (np->has_workflow)
        snprintf(wf, sizeof wf, "workflow overheads %+.1f %% (%g s per task; %d manager(s) "
                 "needed for %ld nodes)", pct(np->nd_overheads, np->nd_study),
                 p->wf.dispatch_latency_s, np->managers_needed, p->wf.allocation_nodes);
    else
        snprintf(wf, sizeof wf, "no workflow overheads (as the study)");
    return snprintf(buf, size, "%s: the study's %.0f node-days; %s; %s; mixed packing %+.1f %% "
                    "(lower bound %+.1f %%); charged cores %+.1f %%; combined %.0f node-days "
                    "(%+.1f %%%s)", p->name, np->nd_study, occ, wf,
                    pct(np->nd_mixed, np->nd_study), pct(np->nd_mixed_lower_bound, np->nd_study),
                    pct(np->nd_charged_cores, np->nd_study), np->nd_combined,
                    pct(np->nd_combined, np->nd_study),
                    np->mixed_in_combined ? ", with mixed packing" : "");
}
