/* mc.c: the study's totals for a campaign's work and the Monte Carlo driver: models, CPU
 * factor and workloads drawn with a fixed seed, one simulation per sample. */
#include "estimator/campaign/internal.h"
#include "common/y1_progress.h"
#include "estimator/pipe_estimate.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static double clamp0(double v) { return v < 0 ? 0 : v; }

/* ---- study totals and Monte Carlo -------------------------------------------------------- */

int cmp_study_totals(const cmp_work *w, const mdl_task *const *tasks, size_t ntasks,
                     const est_platform *plat, double f, const est_products *prod,
                     double *node_days, double *all_bytes, double *keep_bytes, y1_err *err)
{
    est_platform p = *plat;
    est_disk d;
    int rc;
    double h = 0;
    p.cpu_factor = f;
    for (size_t i = 0; i < ntasks; i++) {
        est_task_row row;
        est_node_row nr;
        if ((rc = est_table2_row(&w->w, tasks[i], &row, err))) return rc;
        if ((rc = est_table3_row(&p, &row, &nr, err))) return rc;
        h += nr.node_hours;
    }
    if ((rc = est_table4(&w->w, prod, &d, err))) return rc;
    *node_days = h / 24.0;
    *all_bytes = d.all_bytes;
    *keep_bytes = d.keep_bytes;
    est_disk_clear(&d);
    return Y1_OK;
}

/* One parameter drawn around its value: the file's sigma, else frac x |value|; clamped at 0. */
static double draw(gsl_rng *rng, double value, double sigma, double frac)
{
    double sd = isfinite(sigma) ? sigma : frac * fabs(value);
    if (!(sd > 0)) return value;
    return clamp0(value + gsl_ran_gaussian(rng, sd));
}

static void perturb(gsl_rng *rng, mdl_linear *m, double frac)
{
    if (m->is_linear) m->slope = draw(rng, m->slope, m->slope_sigma, frac);
    m->intercept = draw(rng, m->intercept, m->intercept_sigma, frac);
}

int cmp_monte_carlo(const cmp_work *const *pool, size_t npool, const mdl_task *const *tasks,
                    size_t ntasks, const est_platform *plat, const est_products *prod,
                    const cmp_opts *so, const cmp_mc_opts *o, cmp_mc_sample *out, y1_err *err)
{
    int rc = Y1_OK;
    assert(npool > 0 && o->samples >= 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    mdl_task *copy = malloc(ntasks * sizeof *copy);
    const mdl_task **ptr = malloc(ntasks * sizeof *ptr);
    cmp_result r;
    cmp_result_init(&r);
    if (!rng || !copy || !ptr) {
        rc = y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
        goto done;
    }
    gsl_rng_set(rng, o->seed);
    for (long i = 0; i < o->samples; i++) {
        cmp_mc_sample *x = &out[i];
        cmp_opts so2 = *so;
        y1_progress("Monte Carlo samples", (double)i, (double)o->samples);
        for (size_t t = 0; t < ntasks; t++) {
            copy[t] = *tasks[t];
            perturb(rng, &copy[t].cpu_s, o->model_sigma_frac);
            perturb(rng, &copy[t].maxrss_gib, o->model_sigma_frac);
            ptr[t] = &copy[t];
        }
        /* the cpu factor draw comes after the models, so a fixed range keeps the model draws */
        x->cpu_factor = isnan(o->cpu_lo) ? plat->cpu_factor
                                         : o->cpu_lo + (o->cpu_hi - o->cpu_lo) * gsl_rng_uniform(rng);
        x->workload = (size_t)i % npool;
        so2.cpu_factor = x->cpu_factor;
        double all, keep;
        if ((rc = cmp_study_totals(pool[x->workload], ptr, ntasks, plat, x->cpu_factor, prod,
                                   &x->study_node_days, &all, &keep, err)))
            goto done;
        if ((rc = cmp_simulate(pool[x->workload], ptr, ntasks, plat, prod, &so2, &r, err)))
            goto done;
        x->makespan_days = r.makespan_s / 86400.0;
        x->alloc_node_days = r.alloc_node_s / 86400.0;
        /* volumes as simulated: the products of the simulated tasks */
        x->all_pb = r.written_bytes / 1e15;
        x->keep_pb = r.final_keep_bytes / 1e15;
        (void)all;
        (void)keep;
        x->peak_pb = r.peak_bytes / 1e15;
    }
done:
    y1_progress("Monte Carlo samples", 1, 1); /* ends the line, also after a failure */
    cmp_result_clear(&r);
    gsl_rng_free(rng);
    free(copy);
    free(ptr);
    return rc;
}

static void perturb_pipe(gsl_rng *rng, pipe_model *m, double frac)
{
    /* a pipeline file gives no sigmas: frac x |value| for each parameter, the floor as written */
    if (m->is_linear) m->slope = draw(rng, m->slope, NAN, frac);
    m->intercept = draw(rng, m->intercept, NAN, frac);
}

int cmp_monte_carlo_pipe(const cmp_work *w, const pipe_pipeline *p, const pipe_counts *k,
                         const est_platform *plat, const est_products *prod, const cmp_opts *so,
                         const cmp_mc_opts *o, cmp_mc_sample *out, y1_err *err)
{
    int rc = Y1_OK;
    assert(o->samples >= 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    pipe_task *copy = malloc((p->n_tasks ? p->n_tasks : 1) * sizeof *copy);
    pipe_pipeline pc = *p; /* shares the strings and products; only the models are drawn */
    cmp_result r;
    cmp_result_init(&r);
    if (!rng || !copy) {
        rc = y1_errf(err, Y1_ENOMEM, "campaign: out of memory");
        goto done;
    }
    pc.tasks = copy;
    gsl_rng_set(rng, o->seed);
    for (long i = 0; i < o->samples; i++) {
        cmp_mc_sample *x = &out[i];
        cmp_opts so2 = *so;
        est_platform pl = *plat;
        y1_progress("Monte Carlo samples", (double)i, (double)o->samples);
        for (size_t t = 0; t < p->n_tasks; t++) {
            copy[t] = p->tasks[t];
            perturb_pipe(rng, &copy[t].cpu, o->model_sigma_frac);
            if (copy[t].has_memory) perturb_pipe(rng, &copy[t].mem, o->model_sigma_frac);
        }
        /* the cpu factor draw comes after the models, as for model files */
        x->cpu_factor = isnan(o->cpu_lo) ? plat->cpu_factor
                                         : o->cpu_lo + (o->cpu_hi - o->cpu_lo) * gsl_rng_uniform(rng);
        x->workload = 0;
        so2.cpu_factor = x->cpu_factor;
        pl.cpu_factor = x->cpu_factor;
        x->study_node_days = NAN;
        if (k && (rc = est_pipe_rtn028_days(&pc, k, &pl, &x->study_node_days, err))) goto done;
        if ((rc = cmp_simulate_pipe(w, &pc, prod, plat, &so2, &r, err))) goto done;
        x->makespan_days = r.makespan_s / 86400.0;
        x->alloc_node_days = r.alloc_node_s / 86400.0;
        x->all_pb = r.written_bytes / 1e15;
        x->keep_pb = r.final_keep_bytes / 1e15;
        x->peak_pb = r.peak_bytes / 1e15;
    }
done:
    y1_progress("Monte Carlo samples", 1, 1);
    cmp_result_clear(&r);
    gsl_rng_free(rng);
    free(copy);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cmp_mc_quantile(const cmp_mc_sample *s, size_t n, size_t off, double q)
{
    if (n == 0) return NAN;
    double *v = malloc(n * sizeof *v);
    if (!v) return NAN;
    for (size_t i = 0; i < n; i++) memcpy(&v[i], (const char *)&s[i] + off, sizeof(double));
    qsort(v, n, sizeof *v, cmp_double);
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    double res = lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[n - 1];
    free(v);
    return res;
}
