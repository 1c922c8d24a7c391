/* request.c: the allocation request (see request.h): the campaign figure a coordinator asks
 * for, its Monte Carlo range, retries and storage by tier. Its outputs are in
 * report/request_report.c. */
#include "estimator/request.h"
#include "estimator/pack.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>


void req_opts_default(req_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mc_samples = 20;
    o->mc_seed = 20260101;
    o->model_sigma_frac = 0.1; /* the study's models carry no sigmas; 10 % as README states */
    o->cpu_lo = o->cpu_hi = NAN;
    o->retry_quantile = 0.95;
    o->memory_multiplier = 2;  /* ctrl_bps memoryMultiplier as commonly set for DRP */
    o->retries = 3;
}

void req_platform_clear(req_platform *x)
{
    free(x->task);
    memset(x, 0, sizeof *x);
}

int req_retry_cost(const est_workload *w, const mdl_task *t, const est_platform *plat,
                   double q, double mult, long retries, double *request_gib, double *failed,
                   double *node_hours, y1_err *err)
{
    const int64_t *hist = t->level == MDL_COADD ? w->coadd_hist
                        : t->level == MDL_PATCH ? w->patch_hist : NULL;
    int maxn = t->level == MDL_COADD ? w->max_coadd_n : w->max_patch_n;
    double nf = 0, nh = 0;
    if (!hist) {
        /* one memory for every instance: requested exactly, nothing fails */
        *request_gib = mdl_maxrss_gib(t, 0);
        *failed = 0;
        *node_hours = 0;
        return Y1_OK;
    }
    int nq = est_n_quantile(w, t->level, q);
    double req = mdl_maxrss_gib(t, nq);
    for (int n = nq + 1; n <= maxn; n++) {
        if (!hist[n]) continue;
        double rss = mdl_maxrss_gib(t, n), mem = req;
        double cpu_h = mdl_cpu_s(t, n) / 3600.0 * plat->cpu_factor;
        if (rss <= req) continue;
        nf += (double)hist[n];
        for (long k = 0; k <= retries && rss > mem; k++) {
            long jobs = est_pack_jobs(plat->cores_per_node,
                                      plat->memory_per_node_gib - plat->memory_reserve_gib, mem);
            if (jobs < 1)
                return y1_errf(err, Y1_EINPUT, "%s: task %s: a retry at %.2f GiB does not fit a "
                               "node of %s", plat->path, t->label, mem, plat->name);
            nh += (double)hist[n] * cpu_h / (double)jobs; /* the whole attempt is lost */
            mem *= mult;
        }
    }
    *request_gib = req;
    *failed = nf;
    *node_hours = nh;
    return Y1_OK;
}

/* The files of product p on disk at the end of bin b of the campaign. */
static double files_in_bin(const cmp_result *c, size_t b)
{
    double f = 0;
    for (size_t p = 0; p < c->nprod; p++)
        if (c->prod[p].p->size_bytes > 0) f += c->vol[b * c->nprod + p] / c->prod[p].p->size_bytes;
    return f;
}

static void tiers(req_platform *x)
{
    const est_storage *st = &x->plat->storage;
    x->ntiers = st->ntiers;
    for (int i = 0; i < st->ntiers; i++) {
        const est_tier *t = &st->tier[i];
        req_tier *y = &x->tier[i];
        int raw = !!(t->holds & EST_HOLD_RAW), work = !!(t->holds & EST_HOLD_WORKING);
        int kept = !!(t->holds & EST_HOLD_KEPT);
        y->tier = t;
        /* the kept products are part of the working set while it is on the tier */
        y->peak_bytes = (raw ? x->raw_bytes : 0) + (work ? x->peak_bytes : kept ? x->keep_bytes : 0);
        y->peak_files = (raw ? x->raw_files : 0) + (work ? x->peak_files : kept ? x->keep_files : 0);
        y->final_bytes = (raw ? x->raw_bytes : 0) + (work || kept ? x->keep_bytes : 0);
        y->final_files = (raw ? x->raw_files : 0) + (work || kept ? x->keep_files : 0);
        y->peak_day = work ? x->peak_day : kept ? x->makespan_days : 0;
        y->over_capacity = isfinite(t->capacity_tb) && y->peak_bytes > t->capacity_tb * 1e12;
        y->over_inodes = isfinite(t->inodes) && y->peak_files > t->inodes;
    }
}

int req_compute(const est_result *r, size_t p, const req_opts *o, req_platform *out,
                y1_err *err)
{
    req_platform x;
    memset(&x, 0, sizeof x);
    const est_platform *plat = &r->plat[p];
    cmp_work *w = NULL;
    cmp_result c;
    cmp_mc_sample *mc = NULL;
    const mdl_task **tasks = calloc(r->ntasks ? r->ntasks : 1, sizeof *tasks);
    int rc = Y1_OK;
    cmp_result_init(&c);
    x.plat = plat;
    x.ntasks = r->ntasks;
    x.task = calloc(r->ntasks ? r->ntasks : 1, sizeof *x.task);
    if (!tasks || !x.task) {
        rc = y1_errf(err, Y1_ENOMEM, "request: out of memory");
        goto done;
    }
    x.nodes = o->nodes > 0 ? o->nodes : plat->wf.allocation_nodes;
    for (size_t t = 0; t < r->ntasks; t++) {
        req_task *k = &x.task[t];
        tasks[t] = r->t2[t].task;
        k->label = r->t2[t].task->label;
        k->study_node_hours = r->t3[p * r->ntasks + t].node_hours;
        x.study_node_hours += k->study_node_hours;
        if ((rc = req_retry_cost(&r->w, tasks[t], plat, o->retry_quantile, o->memory_multiplier,
                                 o->retries, &k->request_gib, &k->failed, &k->retry_node_hours,
                                 err)))
            goto done;
        x.retry_node_hours += k->retry_node_hours;
    }
    /* the campaign on the allocation, with the study's node (one task type, by memory) */
    cmp_opts co;
    cmp_opts_default(&co);
    co.nodes = x.nodes;
    if ((rc = cmp_work_new(&w, &r->coadds, err)) ||
        (rc = cmp_simulate(w, tasks, r->ntasks, plat, &r->prod, &co, &c, err)))
        goto done;
    x.held_node_hours = c.alloc_node_s / 3600.0;
    x.makespan_days = c.makespan_s / 86400.0;
    x.peak_bytes = c.peak_bytes;
    x.peak_day = c.peak_s / 86400.0;
    for (size_t b = 0; b < c.nbins; b++) {
        double f = files_in_bin(&c, b);
        if (f > x.peak_files) {
            x.peak_files = f;
            x.peak_files_day = (double)(b + 1) * c.bin_s / 86400.0; /* end of the bin */
        }
    }
    x.raw_bytes = r->disk.raw_bytes;
    x.raw_files = est_level_instances(&r->w, r->prod.raw.basis);
    for (size_t i = 0; i < r->prod.n; i++) {
        double files = est_level_instances(&r->w, r->prod.v[i].basis);
        x.written_files += files;
        x.written_bytes += r->disk.bytes[i];
        if (r->prod.v[i].keep) {
            x.keep_files += files;
            x.keep_bytes += r->disk.bytes[i];
        }
    }
    tiers(&x);
    x.q05_node_hours = x.q95_node_hours = x.q05_days = x.q95_days = NAN;
    if (o->mc_samples > 0) {
        cmp_mc_opts mo = {o->mc_samples, o->mc_seed, o->model_sigma_frac, o->cpu_lo, o->cpu_hi};
        if (!(mc = calloc((size_t)o->mc_samples, sizeof *mc))) {
            rc = y1_errf(err, Y1_ENOMEM, "request: out of memory");
            goto done;
        }
        const cmp_work *pool[1] = {w};
        if ((rc = cmp_monte_carlo(pool, 1, tasks, r->ntasks, plat, &r->prod, &co, &mo, mc, err)))
            goto done;
        size_t n = (size_t)o->mc_samples, off = offsetof(cmp_mc_sample, alloc_node_days);
        x.q05_node_hours = cmp_mc_quantile(mc, n, off, 0.05) * 24;
        x.q95_node_hours = cmp_mc_quantile(mc, n, off, 0.95) * 24;
        off = offsetof(cmp_mc_sample, makespan_days);
        x.q05_days = cmp_mc_quantile(mc, n, off, 0.05);
        x.q95_days = cmp_mc_quantile(mc, n, off, 0.95);
        x.mc_samples = o->mc_samples;
    }
    *out = x;
    x.task = NULL;
done:
    free(x.task);
    free(mc);
    free(tasks);
    cmp_result_clear(&c);
    cmp_work_free(w);
    return rc;
}
