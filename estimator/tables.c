/* tables.c: RTN-028 Tables 2-4. The node packing follows the DESC code behind the study
 * (gen3_workflow resource_estimator): jobs per node limited by cores and by usable memory. */
#include "estimator/tables.h"
#include "estimator/pack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int est_workload_alloc(est_workload *w, int max_coadd_n, int max_patch_n, y1_err *err)
{
    memset(w, 0, sizeof *w);
    w->coadd_hist = calloc((size_t)max_coadd_n + 1, sizeof *w->coadd_hist);
    w->patch_hist = calloc((size_t)max_patch_n + 1, sizeof *w->patch_hist);
    if (!w->coadd_hist || !w->patch_hist) {
        est_workload_clear(w);
        return y1_errf(err, Y1_ENOMEM, "workload: out of memory");
    }
    w->max_coadd_n = max_coadd_n;
    w->max_patch_n = max_patch_n;
    return Y1_OK;
}

void est_workload_clear(est_workload *w)
{
    free(w->coadd_hist);
    free(w->patch_hist);
    memset(w, 0, sizeof *w);
}

double est_level_instances(const est_workload *w, mdl_level level)
{
    switch (level) {
    case MDL_CCD: return (double)w->ccd_visits;
    case MDL_WARP: return (double)w->warps;
    case MDL_COADD: return (double)w->coadds;
    case MDL_PATCH: return (double)w->patches;
    case MDL_VISIT: return (double)w->visits;
    }
    return 0;
}

int est_table2_row(const est_workload *w, const mdl_task *t, est_task_row *out, y1_err *err)
{
    est_task_row r;
    memset(&r, 0, sizeof r);
    r.task = t;
    const int64_t *hist = NULL;
    int maxn = 0;
    if (t->level == MDL_COADD) { hist = w->coadd_hist; maxn = w->max_coadd_n; }
    if (t->level == MDL_PATCH) { hist = w->patch_hist; maxn = w->max_patch_n; }
    if (!hist) {
        /* one value per instance: no n to integrate over */
        if (t->cpu_s.is_linear || t->maxrss_gib.is_linear)
            return y1_errf(err, Y1_EINPUT, "task %s: level %s has no number of visits n, so its "
                           "CPU and maxRSS models must be constant", t->label,
                           mdl_level_name(t->level));
        r.instances = est_level_instances(w, t->level);
        r.cpu_hours = r.instances * mdl_cpu_s(t, 0) / 3600.0;
        r.max_rss_gib = r.mean_rss_gib = r.instances > 0 ? mdl_maxrss_gib(t, 0) : 0;
    } else {
        double rss_sum = 0;
        for (int n = 0; n <= maxn; n++) {
            if (!hist[n]) continue;
            double cpu = mdl_cpu_s(t, n), rss = mdl_maxrss_gib(t, n);
            if (cpu < 0 || rss < 0)
                return y1_errf(err, Y1_EINPUT, "task %s: the model gives a negative %s at n = %d",
                               t->label, cpu < 0 ? "CPU time" : "maxRSS", n);
            r.instances += (double)hist[n];
            r.cpu_hours += (double)hist[n] * cpu / 3600.0;
            rss_sum += (double)hist[n] * rss;
            if (rss > r.max_rss_gib) r.max_rss_gib = rss;
            r.n_max = n;
        }
        r.mean_rss_gib = r.instances > 0 ? rss_sum / r.instances : 0;
    }
    if (!isfinite(r.cpu_hours) || r.cpu_hours < 0 || !isfinite(r.max_rss_gib))
        return y1_errf(err, Y1_EINPUT, "task %s: the model gives a negative or non-finite value",
                       t->label);
    *out = r;
    return Y1_OK;
}

int est_n_quantile(const est_workload *w, mdl_level level, double q)
{
    const int64_t *hist = level == MDL_COADD ? w->coadd_hist : level == MDL_PATCH ? w->patch_hist
                                                                                  : NULL;
    int maxn = level == MDL_COADD ? w->max_coadd_n : w->max_patch_n;
    if (!hist) return -1;
    double total = 0, cum = 0;
    for (int n = 0; n <= maxn; n++) total += (double)hist[n];
    for (int n = 0; n <= maxn; n++) {
        cum += (double)hist[n];
        if (hist[n] && cum >= q * total) return n;
    }
    return maxn;
}

/* Jobs of one task type on an empty node: the one packing rule. */
static long jobs_for(const est_platform *p, double rss_gib)
{
    return est_pack_jobs(p->cores_per_node, p->memory_per_node_gib - p->memory_reserve_gib,
                         rss_gib);
}

int est_table3_row(const est_platform *p, const est_task_row *t, est_node_row *out, y1_err *err)
{
    est_node_row r;
    r.jobs_per_node = jobs_for(p, t->max_rss_gib);
    r.jobs_per_node_optimistic = jobs_for(p, t->mean_rss_gib);
    if (r.jobs_per_node < 1)
        return y1_errf(err, Y1_EINPUT, "%s: task %s needs %.2f GiB per instance but platform %s "
                       "has only %.2f GiB usable per node (memory_per_node_gib %g - "
                       "memory_reserve_gib %g)", p->path, t->task->label, t->max_rss_gib, p->name,
                       p->memory_per_node_gib - p->memory_reserve_gib, p->memory_per_node_gib,
                       p->memory_reserve_gib);
    r.node_hours = t->cpu_hours * p->cpu_factor / (double)r.jobs_per_node;
    r.node_hours_optimistic = t->cpu_hours * p->cpu_factor / (double)r.jobs_per_node_optimistic;
    *out = r;
    return Y1_OK;
}

int est_table4(const est_workload *w, const est_products *p, est_disk *out, y1_err *err)
{
    est_disk d;
    memset(&d, 0, sizeof d);
    d.bytes = calloc(p->n ? p->n : 1, sizeof *d.bytes);
    if (!d.bytes) return y1_errf(err, Y1_ENOMEM, "table 4: out of memory");
    for (size_t i = 0; i < p->n; i++) {
        d.bytes[i] = p->v[i].size_bytes * est_level_instances(w, p->v[i].basis);
        d.all_bytes += d.bytes[i];
        if (p->v[i].keep) d.keep_bytes += d.bytes[i];
    }
    d.raw_bytes = p->raw.size_bytes * est_level_instances(w, p->raw.basis);
    *out = d;
    return Y1_OK;
}

void est_disk_clear(est_disk *d)
{
    free(d->bytes);
    memset(d, 0, sizeof *d);
}
