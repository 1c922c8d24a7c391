/* pack.c: how jobs fill a node. est_pack_jobs is the one packing rule (Table 3's jobs per
 * node, the mixed-packing LP's configurations, the campaign's dispatcher); est_pack_mixed is the
 * configuration LP over one- and two-type nodes (a small revised simplex over GSL LU solves).
 * Models and sources are documented in node.h. Hours, seconds, GiB. */
#include "estimator/pack.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include "estimator/node.h"

long est_pack_jobs(long free_cores, double free_mem_gib, double mem_gib)
{
    if (free_cores <= 0) return 0;
    if (!(mem_gib > 0)) return free_cores;
    /* RTN-028: floor(usable memory / maxRSS) jobs, at most one per core. The 1e-9 forgives the
     * rounding of running sums (memory left after other jobs), never a real shortfall. */
    double q = floor(free_mem_gib / mem_gib + 1e-9);
    if (!(q > 0)) return 0;
    return q < (double)free_cores ? (long)q : free_cores;
}

/* ---- the configuration LP ------------------------------------------------------------------ */

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
        maxc[T] = est_pack_jobs(in->cores, M, m);
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
                long cb = est_pack_jobs(kcap - ca, M - (double)ca * ma, in->mem_gib[idx[b]]);
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
