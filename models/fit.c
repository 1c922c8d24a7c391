/* fit.c: the statistics behind `models fit`: quantiles (visit-level tasks), least squares, and
 * the upper-envelope line (linear quantile regression by IRLS on gsl_fit_wlinear) with
 * bootstrap uncertainties. Units are the caller's (CPU s, GiB); x is visits per coadd. */
#include "models/models.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#define GIB 1073741824.0

int mdl_fit_ols(const double *x, const double *y, size_t n, double *c0, double *c1,
                double *sd_c0, double *sd_c1, y1_err *err)
{
    double cov00, cov01, cov11, sumsq;
    if (n < 3) return y1_errf(err, Y1_EINPUT, "least squares: %zu points, need at least 3", n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return y1_errf(err, Y1_EINPUT, "least squares: point %zu is not finite", i);
    int st = gsl_fit_linear(x, 1, y, 1, n, c0, c1, &cov00, &cov01, &cov11, &sumsq);
    if (st != GSL_SUCCESS || !isfinite(*c0) || !isfinite(*c1))
        return y1_errf(err, Y1_EINPUT, "least squares failed: %s (are all x equal?)",
                       gsl_strerror(st ? st : GSL_EDOM));
    /* gsl_fit_linear scales the covariance by the residual variance sumsq / (n - 2) */
    *sd_c0 = sqrt(cov00);
    *sd_c1 = sqrt(cov11);
    return Y1_OK;
}

int mdl_quantile(const double *v, size_t n, double q, double *out, y1_err *err)
{
    if (n == 0) return y1_errf(err, Y1_EINPUT, "quantile of no values");
    if (!(q >= 0 && q <= 1)) return y1_errf(err, Y1_EUSAGE, "quantile %g is outside [0, 1]", q);
    double *s = malloc(n * sizeof *s);
    if (!s) return y1_errf(err, Y1_ENOMEM, "quantile: out of memory");
    memcpy(s, v, n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(s[i])) {
            free(s);
            return y1_errf(err, Y1_EINPUT, "quantile: value %zu is not finite", i);
        }
    gsl_sort(s, 1, n);
    /* GSL interpolates linearly between order statistics: (n - 1) q is the fractional rank */
    *out = gsl_stats_quantile_from_sorted_data(s, 1, n, q);
    free(s);
    return Y1_OK;
}

/* ---- envelope ----------------------------------------------------------------------------- */

/* Sum of the quantile check loss, the objective of quantile regression. */
static double check_loss(const double *x, const double *y, size_t n, double q, double c0, double c1)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double r = y[i] - (c0 + c1 * x[i]);
        s += r > 0 ? q * r : (q - 1) * r;
    }
    return s;
}

/* A quantile-regression optimum is a line through two data points (a vertex of its linear
 * program). IRLS lands next to it; try the lines through pairs of the points closest to the
 * IRLS line and keep the one with the lowest loss, so points on the line count as covered. */
#define POLISH_K 12
static void polish(const double *x, const double *y, size_t n, double q, double *c0, double *c1)
{
    size_t idx[POLISH_K];
    double res[POLISH_K];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* keep the K smallest |r| by insertion */
        double r = fabs(y[i] - (*c0 + *c1 * x[i]));
        if (k == POLISH_K && r >= res[k - 1]) continue;
        size_t j = k < POLISH_K ? k++ : k - 1;
        while (j > 0 && res[j - 1] > r) {
            res[j] = res[j - 1];
            idx[j] = idx[j - 1];
            j--;
        }
        res[j] = r;
        idx[j] = i;
    }
    double best = check_loss(x, y, n, q, *c0, *c1);
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++) {
            double xa = x[idx[a]], xb = x[idx[b]];
            if (xa == xb) continue;
            double s = (y[idx[b]] - y[idx[a]]) / (xb - xa), c = y[idx[a]] - s * xa;
            double loss = check_loss(x, y, n, q, c, s);
            if (loss < best) {
                best = loss;
                *c0 = c;
                *c1 = s;
            }
        }
}

/* One IRLS quantile-regression fit. w is scratch of length n. Returns Y1_OK or Y1_EINPUT. */
static int irls(const double *x, const double *y, size_t n, double q, double *w, double *c0,
                double *c1, int *iters)
{
    double cov00, cov01, cov11, sumsq, a, b;
    if (gsl_fit_linear(x, 1, y, 1, n, &a, &b, &cov00, &cov01, &cov11, &sumsq) != GSL_SUCCESS ||
        !isfinite(a) || !isfinite(b))
        return Y1_EINPUT;
    /* residual floor: a small fraction of the typical |y| keeps weights finite */
    double scale = 0;
    for (size_t i = 0; i < n; i++) scale += fabs(y[i]);
    scale = scale / n;
    if (scale == 0) scale = 1;
    double xs = 0;
    for (size_t i = 0; i < n; i++) xs = fmax(xs, fabs(x[i]));
    double eps = 1e-7 * scale, best = check_loss(x, y, n, q, a, b), ba = a, bb = b;
    int it;
    for (it = 1; it <= 300; it++) {
        for (size_t i = 0; i < n; i++) {
            double r = y[i] - (a + b * x[i]), ar = fabs(r);
            if (ar < eps) ar = eps;
            w[i] = (r > 0 ? q : 1 - q) / ar;
        }
        double na, nb;
        if (gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &na, &nb, &cov00, &cov01, &cov11, &sumsq) !=
                GSL_SUCCESS || !isfinite(na) || !isfinite(nb))
            break;
        double loss = check_loss(x, y, n, q, na, nb);
        if (loss < best) {
            best = loss;
            ba = na;
            bb = nb;
        }
        double change = fabs(na - a) + fabs(nb - b) * xs;
        a = na;
        b = nb;
        if (change < 1e-10 * scale) break;
    }
    polish(x, y, n, q, &ba, &bb);
    *c0 = ba;
    *c1 = bb;
    if (iters) *iters = it;
    return Y1_OK;
}

int mdl_fit_envelope(const double *x, const double *y, size_t n, double q, int nboot,
                     unsigned long seed, mdl_envelope *out, y1_err *err)
{
    int rc = Y1_OK;
    double *w = NULL, *bx = NULL, *by = NULL, *bs = NULL, *bi = NULL;
    gsl_rng *rng = NULL;
    if (!(q > 0 && q < 1)) return y1_errf(err, Y1_EUSAGE, "envelope quantile %g must be in (0, 1)", q);
    if (n < 3) return y1_errf(err, Y1_EINPUT, "envelope fit: %zu points, need at least 3", n);
    double xmin = x[0], xmax = x[0];
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return y1_errf(err, Y1_EINPUT, "envelope fit: point %zu is not finite", i);
        if (x[i] < xmin) xmin = x[i];
        if (x[i] > xmax) xmax = x[i];
    }
    if (xmin == xmax)
        return y1_errf(err, Y1_EINPUT, "envelope fit: all %zu points have n = %g; a line needs "
                       "at least 2 distinct n", n, xmin);
    w = malloc(n * sizeof *w);
    if (!w) goto nomem;
    mdl_envelope e = {0};
    if (irls(x, y, n, q, w, &e.intercept, &e.slope, &e.iterations)) {
        rc = y1_errf(err, Y1_EINPUT, "envelope fit: the weighted least squares failed");
        goto done;
    }
    size_t under = 0;
    double tol = 1e-9 * (fabs(e.intercept) + fabs(e.slope) * xmax + 1e-300);
    for (size_t i = 0; i < n; i++) under += y[i] <= e.intercept + e.slope * x[i] + tol;
    e.coverage = (double)under / n;
    e.slope_sigma = e.intercept_sigma = NAN;
    if (nboot >= 2) {
        bx = malloc(n * sizeof *bx);
        by = malloc(n * sizeof *by);
        bs = malloc(nboot * sizeof *bs);
        bi = malloc(nboot * sizeof *bi);
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (!bx || !by || !bs || !bi || !rng) goto nomem;
        gsl_rng_set(rng, seed);
        size_t nb = 0;
        for (int b = 0; b < nboot; b++) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t i = 0; i < n; i++) {
                size_t k = gsl_rng_uniform_int(rng, n);
                bx[i] = x[k];
                by[i] = y[k];
                if (bx[i] < lo) lo = bx[i];
                if (bx[i] > hi) hi = bx[i];
            }
            if (lo == hi) continue; /* a resample with one n cannot fix a slope */
            if (irls(bx, by, n, q, w, &bi[nb], &bs[nb], NULL) == Y1_OK) nb++;
        }
        if (nb >= 2) {
            e.slope_sigma = gsl_stats_sd(bs, 1, nb);
            e.intercept_sigma = gsl_stats_sd(bi, 1, nb);
        }
    }
    *out = e;
    goto done;
nomem:
    rc = y1_errf(err, Y1_ENOMEM, "envelope fit: out of memory");
done:
    gsl_rng_free(rng);
    free(w);
    free(bx);
    free(by);
    free(bs);
    free(bi);
    return rc;
}

/* Quantile with a bootstrap sigma (same seed discipline as the envelope). */
static int quantile_boot(const double *v, size_t n, double q, int nboot, unsigned long seed,
                         double *value, double *sigma, double *coverage, y1_err *err)
{
    int rc = mdl_quantile(v, n, q, value, err);
    if (rc) return rc;
    size_t under = 0;
    for (size_t i = 0; i < n; i++) under += v[i] <= *value;
    *coverage = (double)under / n;
    *sigma = NAN;
    if (nboot < 2) return Y1_OK;
    double *s = malloc(n * sizeof *s), *bq = malloc(nboot * sizeof *bq);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!s || !bq || !rng) {
        rc = y1_errf(err, Y1_ENOMEM, "quantile: out of memory");
        goto done;
    }
    gsl_rng_set(rng, seed);
    for (int b = 0; b < nboot; b++) {
        for (size_t i = 0; i < n; i++) s[i] = v[gsl_rng_uniform_int(rng, n)];
        gsl_sort(s, 1, n);
        bq[b] = gsl_stats_quantile_from_sorted_data(s, 1, n, q);
    }
    *sigma = gsl_stats_sd(bq, 1, nboot);
done:
    gsl_rng_free(rng);
    free(s);
    free(bq);
    return rc;
}

/* ---- records -> model set ----------------------------------------------------------------- */

void mdl_fit_opts_default(mdl_fit_opts *o)
{
    memset(o, 0, sizeof *o);
    o->quantile = 0.95;
    o->nboot = 200;
    o->seed = 20210521;
    o->min_points = 5;
}

static int level_for(const mdl_fit_opts *o, const char *label, mdl_level *lv, y1_err *err)
{
    for (size_t i = 0; i < o->n_levels; i++) {
        const char *eq = strchr(o->levels[i], '=');
        if (!eq) return y1_errf(err, Y1_EUSAGE, "--level %s: expected LABEL=LEVEL", o->levels[i]);
        if ((size_t)(eq - o->levels[i]) == strlen(label) &&
            !strncmp(o->levels[i], label, strlen(label))) {
            if (mdl_level_parse(eq + 1, lv))
                return y1_errf(err, Y1_EUSAGE, "--level %s: level must be ccd, warp, coadd, "
                               "patch or visit", o->levels[i]);
            return Y1_OK;
        }
    }
    if (mdl_level_of_label(label, lv)) return Y1_OK;
    return y1_errf(err, Y1_EINPUT, "task '%s': unknown pipetask label, so its level is unknown; "
                   "give --level %s=ccd|warp|coadd|patch|visit", label, label);
}

static int fit_task(mdl_set *set, const mdl_records *r, const char *label, const mdl_fit_opts *o,
                    y1_err *err)
{
    int rc = Y1_OK;
    size_t m = 0, no_n = 0;
    const char *first_no_n = NULL;
    double *x = NULL, *cpu = NULL, *rss = NULL;
    mdl_task t;
    memset(&t, 0, sizeof t);
    t.label = (char *)label;
    t.is_default = 1;
    t.n_min = t.n_max = NAN;
    if ((rc = level_for(o, label, &t.level, err))) return rc;
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->v[i].task, label)) m++;
    if (m < o->min_points)
        return y1_errf(err, Y1_EINPUT, "task '%s': %zu record%s, need at least %zu for a fit",
                       label, m, m == 1 ? "" : "s", o->min_points);
    x = malloc(m * sizeof *x);
    cpu = malloc(m * sizeof *cpu);
    rss = malloc(m * sizeof *rss);
    if (!x || !cpu || !rss) {
        rc = y1_errf(err, Y1_ENOMEM, "fit: out of memory");
        goto done;
    }
    m = 0;
    for (size_t i = 0; i < r->n; i++) {
        const mdl_record *rec = &r->v[i];
        if (strcmp(rec->task, label)) continue;
        if (!isfinite(rec->cpu_s) || rec->cpu_s < 0 || !isfinite(rec->maxrss_bytes) ||
            rec->maxrss_bytes < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: task '%s': CPU %g s or maxRSS %g bytes is not a "
                         "finite non-negative number", rec->data_id, label, rec->cpu_s,
                         rec->maxrss_bytes);
            goto done;
        }
        if (isnan(rec->n_visits)) {
            no_n++;
            if (!first_no_n) first_no_n = rec->data_id;
        }
        x[m] = rec->n_visits;
        cpu[m] = rec->cpu_s;
        rss[m] = rec->maxrss_bytes / GIB;
        m++;
    }
    char src[512];
    if (t.level == MDL_COADD) {
        if (no_n) {
            rc = y1_errf(err, Y1_EINPUT, "task '%s' is coadd-level but %zu of its %zu records "
                         "have no n_visits (first: %s); give an n_visits column, --ids or "
                         "--coadds", label, no_n, m, first_no_n);
            goto done;
        }
        mdl_envelope ec, em;
        if ((rc = mdl_fit_envelope(x, cpu, m, o->quantile, o->nboot, o->seed, &ec, err)) ||
            (rc = mdl_fit_envelope(x, rss, m, o->quantile, o->nboot, o->seed + 1, &em, err))) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            rc = y1_errf(err, rc, "task '%s': %s", label, msg);
            goto done;
        }
        t.cpu_s = (mdl_linear){1, ec.slope, ec.intercept, ec.slope_sigma, ec.intercept_sigma,
                               ec.coverage, (long)m};
        t.maxrss_gib = (mdl_linear){1, em.slope, em.intercept, em.slope_sigma,
                                    em.intercept_sigma, em.coverage, (long)m};
        t.n_min = t.n_max = x[0];
        for (size_t i = 0; i < m; i++) {
            if (x[i] < t.n_min) t.n_min = x[i];
            if (x[i] > t.n_max) t.n_max = x[i];
        }
        snprintf(src, sizeof src, "%s; upper envelope: linear quantile regression at q = %g "
                 "against n, %zu records", o->source ? o->source : "fitted", o->quantile, m);
    } else {
        double v, s, cov;
        t.cpu_s = (mdl_linear){0, 0, 0, NAN, NAN, NAN, (long)m};
        t.maxrss_gib = t.cpu_s;
        if ((rc = quantile_boot(cpu, m, o->quantile, o->nboot, o->seed, &v, &s, &cov, err)))
            goto done;
        t.cpu_s.intercept = v;
        t.cpu_s.intercept_sigma = s;
        t.cpu_s.coverage = cov;
        if ((rc = quantile_boot(rss, m, o->quantile, o->nboot, o->seed + 1, &v, &s, &cov, err)))
            goto done;
        t.maxrss_gib.intercept = v;
        t.maxrss_gib.intercept_sigma = s;
        t.maxrss_gib.coverage = cov;
        snprintf(src, sizeof src, "%s; q = %g quantile of %zu records",
                 o->source ? o->source : "fitted", o->quantile, m);
    }
    t.source = src;
    rc = mdl_set_add(set, &t, err);
done:
    free(x);
    free(cpu);
    free(rss);
    return rc;
}

int mdl_fit_records(mdl_set **out, const mdl_records *r, const mdl_fit_opts *o, y1_err *err)
{
    mdl_set *s = NULL;
    int rc;
    if (r->n == 0) return y1_errf(err, Y1_EINPUT, "no records to fit");
    if (!(o->quantile > 0 && o->quantile < 1))
        return y1_errf(err, Y1_EUSAGE, "quantile %g must be in (0, 1)", o->quantile);
    if ((rc = mdl_set_new(&s, o->name ? o->name : "fitted", o->source, err))) return rc;
    /* --level names must be tasks that exist: a typo would otherwise pass silently */
    for (size_t k = 0; k < o->n_levels; k++) {
        const char *eq = strchr(o->levels[k], '=');
        size_t len = eq ? (size_t)(eq - o->levels[k]) : strlen(o->levels[k]);
        int found = 0;
        for (size_t i = 0; i < r->n && !found; i++)
            found = strlen(r->v[i].task) == len && !strncmp(r->v[i].task, o->levels[k], len);
        if (!found) {
            rc = y1_errf(err, Y1_EUSAGE, "--level %s: no records for that task", o->levels[k]);
            goto done;
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        if (mdl_set_find(s, r->v[i].task)) continue;
        if ((rc = fit_task(s, r, r->v[i].task, o, err))) goto done;
    }
    *out = s;
    s = NULL;
done:
    mdl_set_free(s);
    return rc;
}
