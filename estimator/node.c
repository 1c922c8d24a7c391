/* node.c: the node-level models beyond the study (issue 6): the occupancy curve and its bounded
 * GSL fit, the mixed-packing configuration LP (a small revised simplex over GSL LU solves) and
 * the workflow overheads. Models and sources are documented in node.h. Hours, seconds, GiB. */
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

#include "estimator/report/plot.h"

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

int est_node_plot_occupancy(const est_platform *p, const char *png_path, y1_err *err)
{
    const est_occupancy *o = &p->occ;
    if (!o->present)
        return y1_errf(err, Y1_EINPUT, "%s: platform %s has no occupancy block to plot", p->path,
                       p->name);
    size_t nk = (size_t)p->cores_per_node, np = (size_t)o->npoints;
    double *kx = malloc(nk * sizeof *kx), *tfit = malloc(nk * sizeof *tfit);
    double *tlin = malloc(nk * sizeof *tlin), *px = malloc(np * sizeof *px);
    double *py = malloc(np * sizeof *py);
    int rc;
    if (!kx || !tfit || !tlin || !px || !py) {
        rc = y1_errf(err, Y1_ENOMEM, "occupancy plot: out of memory");
        goto done;
    }
    for (size_t i = 0; i < nk; i++) {
        kx[i] = (double)(i + 1);
        tlin[i] = kx[i];
        tfit[i] = kx[i] / occ_s(o, p->cores_per_node, kx[i]);
    }
    for (size_t i = 0; i < np; i++) {
        px[i] = o->k[i];
        py[i] = o->k[i] * o->w1 / o->wall[i];   /* throughput in one-job units */
    }
    char title[200], peak[64];
    snprintf(title, sizeof title, "%s: throughput vs concurrent jobs per node", p->name);
    snprintf(peak, sizeof peak, "peak k = %ld", o->k_peak);
    plot_series s[3] = {
        {.name = "linear (the study's assumption)", .x = kx, .y = tlin, .n = nk,
         .rgb = 0x888888, .style = PLOT_LINE},
        {.name = "fitted model k / s(k)", .x = kx, .y = tfit, .n = nk, .rgb = 0x1f77b4,
         .style = PLOT_LINE},
        {.name = "points (occupancy block)", .x = px, .y = py, .n = np, .rgb = 0xd62728,
         .style = PLOT_POINTS, .size_px = 4},
    };
    plot_mark m = {.x = (double)o->k_peak, .label = peak, .rgb = PLOT_AUTO};
    plot_spec sp = {0};
    sp.title = title;
    sp.xlabel = "concurrent jobs per node k";
    sp.ylabel = "throughput (jobs at the one-job rate)";
    sp.xmin = 0;
    sp.xmax = (double)p->cores_per_node;
    sp.ymin = 0;
    sp.ymax = 1.05 * (double)p->cores_per_node;
    sp.series = s;
    sp.nseries = 3;
    sp.marks = &m;
    sp.nmarks = 1;
    rc = plot_scatter(png_path, &sp, err);
done:
    free(kx);
    free(tfit);
    free(tlin);
    free(px);
    free(py);
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
 * 2. Mixed packing: the configuration LP
 * ------------------------------------------------------------------------------------------- */

void est_pack_out_clear(est_pack_out *o)
{
    if (!o) return;
    free(o->share);
    memset(o, 0, sizeof *o);
}

/* Low-load slot-hours of type t done per node-hour by `count` jobs of it in a configuration of
 * `total` jobs: count x u / (s(total) + L / run time). */
static double pack_rate(const est_pack_in *in, size_t t, long count, long total)
{
    double s = est_occ_slowdown(in->occ, in->cores, (double)total);
    double lat = in->run_s ? in->latency_s / in->run_s[t] : 0.0;
    double u = in->util ? in->util[t] : 1.0;
    return (double)count * u / (s + lat);
}

/* Jobs of memory m that fit in memory left (the study's floor, with a hair of tolerance only
 * for the leftovers of a mix, where rounding of sums could drop an exact fit). */
static long fit_count(double left, double m, int tolerant)
{
    double q = left / m;
    return (long)floor(tolerant ? q * (1.0 + 1e-12) : q);
}

/* The simplex: min 1'x subject to A x - s = h, x, s >= 0, with A (T x ncol) column-major in
 * `col` (col + j*T), starting from the basis of columns 0..T-1 (A's leading block must be
 * diagonal and positive: the one-type configurations). Returns the optimum and the duals y. */
static int simplex(size_t T, size_t ncol, const double *col, const double *h, double *obj,
                   double *yout, int *iters, y1_err *err)
{
    int rc = Y1_OK;
    size_t *basis = malloc(T * sizeof *basis);
    gsl_matrix *B = gsl_matrix_alloc(T, T), *Bt = gsl_matrix_alloc(T, T);
    gsl_permutation *pr = gsl_permutation_alloc(T), *pt = gsl_permutation_alloc(T);
    gsl_vector *hv = gsl_vector_alloc(T), *cb = gsl_vector_alloc(T), *xv = gsl_vector_alloc(T);
    gsl_vector *yv = gsl_vector_alloc(T), *av = gsl_vector_alloc(T), *dv = gsl_vector_alloc(T);
    if (!basis || !B || !Bt || !pr || !pt || !hv || !cb || !xv || !yv || !av || !dv) {
        rc = y1_errf(err, Y1_ENOMEM, "packing LP: out of memory");
        goto done;
    }
    for (size_t i = 0; i < T; i++) {
        basis[i] = i;
        gsl_vector_set(hv, i, h[i]);
    }
    const int max_iter = 200000, bland_after = 5000;
    int it = 0;
    for (;; it++) {
        if (it > max_iter) {
            rc = y1_errf(err, Y1_EINPUT, "packing LP: no convergence after %d pivots", max_iter);
            goto done;
        }
        /* B from the basic columns (a surplus column ncol+i is -e_i) */
        for (size_t r = 0; r < T; r++) {
            size_t b = basis[r];
            for (size_t i = 0; i < T; i++) {
                double a = b < ncol ? col[b * T + i] : (b - ncol == i ? -1.0 : 0.0);
                gsl_matrix_set(B, i, r, a);
                gsl_matrix_set(Bt, r, i, a);
            }
            gsl_vector_set(cb, r, b < ncol ? 1.0 : 0.0);
        }
        int sg, st;
        if ((st = gsl_linalg_LU_decomp(B, pr, &sg)) || (st = gsl_linalg_LU_decomp(Bt, pt, &sg)) ||
            (st = gsl_linalg_LU_solve(B, pr, hv, xv)) || (st = gsl_linalg_LU_solve(Bt, pt, cb, yv))) {
            rc = y1_errf(err, Y1_EINPUT, "packing LP: basis solve failed: %s", gsl_strerror(st));
            goto done;
        }
        /* pricing: reduced cost 1 - y.a for a configuration, y_i for surplus i */
        size_t enter = (size_t)-1;
        double best = -1e-10;
        for (size_t j = 0; j < ncol + T; j++) {
            int basic = 0;
            for (size_t r = 0; r < T && !basic; r++) basic = basis[r] == j;
            if (basic) continue;
            double rcst;
            if (j < ncol) {
                rcst = 1.0;
                for (size_t i = 0; i < T; i++) rcst -= gsl_vector_get(yv, i) * col[j * T + i];
            } else {
                rcst = gsl_vector_get(yv, j - ncol);
            }
            if (it >= bland_after) {            /* Bland: first improving column, no cycling */
                if (rcst < -1e-10) { enter = j; break; }
            } else if (rcst < best) {
                best = rcst;
                enter = j;
            }
        }
        if (enter == (size_t)-1) break;        /* optimal */
        for (size_t i = 0; i < T; i++)
            gsl_vector_set(av, i, enter < ncol ? col[enter * T + i] : (enter - ncol == i ? -1.0 : 0.0));
        if ((st = gsl_linalg_LU_solve(B, pr, av, dv))) {
            rc = y1_errf(err, Y1_EINPUT, "packing LP: basis solve failed: %s", gsl_strerror(st));
            goto done;
        }
        size_t leave = (size_t)-1;
        double theta = INFINITY;
        for (size_t r = 0; r < T; r++) {
            double d = gsl_vector_get(dv, r);
            if (d <= 1e-12) continue;
            double q = fmax(0.0, gsl_vector_get(xv, r)) / d;
            if (q < theta - 1e-15 || (fabs(q - theta) <= 1e-15 && basis[r] < basis[leave])) {
                theta = q;
                leave = r;
            }
        }
        if (leave == (size_t)-1) {
            rc = y1_errf(err, Y1_EINPUT, "packing LP: unbounded (internal error)");
            goto done;
        }
        basis[leave] = enter;
    }
    double o = 0;
    for (size_t r = 0; r < T; r++)
        if (basis[r] < ncol) o += gsl_vector_get(xv, r);
    for (size_t i = 0; i < T; i++) yout[i] = gsl_vector_get(yv, i);
    *obj = o;
    *iters = it;
done:
    free(basis);
    gsl_matrix_free(B);
    gsl_matrix_free(Bt);
    gsl_permutation_free(pr);
    gsl_permutation_free(pt);
    gsl_vector_free(hv);
    gsl_vector_free(cb);
    gsl_vector_free(xv);
    gsl_vector_free(yv);
    gsl_vector_free(av);
    gsl_vector_free(dv);
    return rc;
}

int est_pack_mixed(const est_pack_in *in, est_pack_out *out, y1_err *err)
{
    assert(in && out && in->cores >= 1);
    est_pack_out r;
    memset(&r, 0, sizeof r);
    size_t n = in->ntypes, T = 0;
    size_t *idx = NULL;
    double *col = NULL, *h = NULL, *y = NULL;
    long *maxc = NULL;
    int rc = Y1_OK;
    double M = in->node_mem_gib;
    long kcap = in->k_cap > 0 && in->k_cap < in->cores ? in->k_cap : in->cores;
    if (!(M > 0) || !isfinite(M))
        return y1_errf(err, Y1_EINPUT, "packing: node memory must be positive, got %g", M);
    r.share = calloc(n ? n : 1, sizeof *r.share);
    idx = malloc((n ? n : 1) * sizeof *idx);
    maxc = malloc((n ? n : 1) * sizeof *maxc);
    if (!r.share || !idx || !maxc) { rc = y1_errf(err, Y1_ENOMEM, "packing: out of memory"); goto done; }

    double core_h = 0, gib_h = 0;
    for (size_t t = 0; t < n; t++) {
        double wk = in->work_h[t], m = in->mem_gib[t];
        if (!isfinite(wk) || wk < 0) {
            rc = y1_errf(err, Y1_EINPUT, "packing: type %zu has work %g h", t, wk);
            goto done;
        }
        if (wk == 0) continue;
        if (!(m > 0) || !isfinite(m) || m > M) {
            rc = y1_errf(err, Y1_EINPUT, "packing: type %zu needs %g GiB, the node has %g", t, m, M);
            goto done;
        }
        if ((in->run_s && !(in->run_s[t] > 0)) || (in->util && !(in->util[t] > 0 && in->util[t] <= 1))) {
            rc = y1_errf(err, Y1_EINPUT, "packing: type %zu has a bad run time or utilisation", t);
            goto done;
        }
        core_h += wk;
        gib_h += wk * m;
        maxc[T] = fit_count(M, m, 0);
        if (maxc[T] > in->cores) maxc[T] = in->cores;
        idx[T++] = t;
    }
    r.lower_bound = fmax(core_h / (double)in->cores, gib_h / M);
    if (T == 0) goto finish;

    /* columns: T one-type ones first (diagonal, the starting basis), then the maximal pairs */
    const long max_steps = 512;    /* per pair: the counts of the first type, sampled if more */
    size_t cap = T + T * (T - 1) * (size_t)max_steps;
    col = calloc(cap * T, sizeof *col);
    h = malloc(T * sizeof *h);
    y = malloc(T * sizeof *y);
    if (!col || !h || !y) { rc = y1_errf(err, Y1_ENOMEM, "packing: out of memory"); goto done; }
    size_t nc = 0;
    for (size_t a = 0; a < T; a++) {
        /* the best count for this type alone (k/s(k) with the latency); with no curve and no
         * latency that is the study's min(cores, floor(memory / maxRSS)) */
        double bestr = pack_rate(in, idx[a], 1, 1);
        for (long k = 2; k <= maxc[a]; k++) {
            double rk = pack_rate(in, idx[a], k, k);
            if (rk > bestr * (1.0 + 1e-12)) bestr = rk;
        }
        col[nc * T + a] = bestr;
        h[a] = in->work_h[idx[a]];
        r.node_hours_one_type += h[a] / bestr;
        nc++;
    }
    for (size_t a = 0; a < T; a++) {
        double ma = in->mem_gib[idx[a]];
        long amax = maxc[a] < kcap - 1 ? maxc[a] : kcap - 1;
        long step = amax > max_steps ? (amax + max_steps - 1) / max_steps : 1;
        for (size_t b = 0; b < T; b++) {
            if (b == a) continue;
            for (long ca = 1; ca <= amax; ca += step) {
                long cb = fit_count(M - (double)ca * ma, in->mem_gib[idx[b]], 1);
                if (cb > kcap - ca) cb = kcap - ca;
                if (cb < 1) continue;
                col[nc * T + a] = pack_rate(in, idx[a], ca, ca + cb);
                col[nc * T + b] = pack_rate(in, idx[b], cb, ca + cb);
                nc++;
            }
        }
    }
    r.columns = nc;
    double obj = 0;
    if ((rc = simplex(T, nc, col, h, &obj, y, &r.iterations, err))) goto done;
    r.node_hours = obj;
    for (size_t a = 0; a < T; a++) r.share[idx[a]] = y[a] * h[a];
finish:
    *out = r;
    r.share = NULL;
done:
    free(r.share);
    free(idx);
    free(maxc);
    free(col);
    free(h);
    free(y);
    return rc;
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
