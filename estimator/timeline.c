/* timeline.c: a monitoring.db's tries laid out in time: makespan, busy cores per bin, dispatch
 * and inter-task latencies (desc-wfmon's procsum and chaintasks views, from the try table). */
#include "estimator/timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

typedef struct span {
    double start, end;      /* running .. returned (or the run's end) */
    double launched;
    size_t run;
    const char *host;
} span;

static int cmp_launch(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    int c = strcmp(x->host, y->host);
    if (c) return c;
    return (x->launched > y->launched) - (x->launched < y->launched);
}

static void quartet(double *v, size_t n, double out[4])
{
    if (!n) {
        for (int i = 0; i < 4; i++) out[i] = NAN;
        return;
    }
    gsl_sort(v, 1, n);
    out[0] = v[0];
    out[1] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.50);
    out[2] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.95);
    out[3] = v[n - 1];
}

static long host_cores(const est_mon *m, size_t run, const char *host)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].run == run && m->nodes[i].host && !strcmp(m->nodes[i].host, host))
            return m->nodes[i].cpu_count > 0 ? m->nodes[i].cpu_count : 1;
    return 1;
}

int est_timeline_build(est_timeline *out, const est_mon *m, double bin_s, y1_err *err)
{
    est_timeline t;
    memset(&t, 0, sizeof t);
    t.prompt_s = 10;
    t.bin_s = bin_s;
    size_t ntry = 0;
    for (size_t i = 0; i < m->ntasks; i++) ntry += m->tasks[i].ntries;
    span *sp = calloc(ntry + 1, sizeof *sp);
    double *first = calloc(m->nruns + 1, sizeof *first), *last = calloc(m->nruns + 1, sizeof *last);
    double *offset = calloc(m->nruns + 1, sizeof *offset), *work = calloc(ntry + 1, sizeof *work);
    double *slots = NULL;
    const char **hosts = calloc(ntry + 1, sizeof *hosts);
    int rc = Y1_OK;
    if (!sp || !first || !last || !offset || !work || !hosts) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    /* a lost try without samples ends at its run's last recorded time (a crashed run has no
     * time_completed); the makespan runs from the first launch to the last try's end */
    for (size_t r = 0; r < m->nruns; r++) {
        first[r] = INFINITY;
        last[r] = -INFINITY;
        offset[r] = isnan(m->runs[r].completed) ? m->runs[r].began : m->runs[r].completed;
    }
    for (size_t i = 0; i < m->ntasks; i++) {
        const est_mon_task *x = &m->tasks[i];
        for (size_t h = 0; h < x->nhist; h++) offset[x->run] = fmax(offset[x->run], x->hist[h].t);
    }
    size_t n = 0, nd = 0;
    for (size_t i = 0; i < m->ntasks; i++) {
        const est_mon_task *x = &m->tasks[i];
        for (size_t k = 0; k < x->ntries; k++) {
            const est_mon_try *y = &x->tries[k];
            if (isfinite(y->launched) && isfinite(y->running) && y->running >= y->launched)
                work[nd++] = y->running - y->launched;
            if (!isfinite(y->running) || !y->host) continue;
            /* a try lost in a crash ran at least until its last sample */
            double end = isfinite(y->returned) ? y->returned
                       : isfinite(y->last_sample) ? y->last_sample : offset[x->run];
            if (end < y->running) continue; /* clocks going backwards: reported by the reader */
            sp[n] = (span){y->running, end, isfinite(y->launched) ? y->launched : y->running,
                           x->run, y->host};
            first[x->run] = fmin(first[x->run], sp[n].launched);
            last[x->run] = fmax(last[x->run], end);
            t.busy_core_s += end - y->running;
            int seen = 0;
            for (long q = 0; q < t.hosts && !seen; q++) seen = !strcmp(hosts[q], y->host);
            if (!seen) hosts[t.hosts++] = y->host;
            n++;
        }
    }
    if (n == 0) {
        rc = y1_errf(err, Y1_EINPUT, "%s: no try has a running and a return time: the run "
                     "timeline cannot be made", m->path);
        goto done;
    }
    t.ndispatch = (long)nd;
    quartet(work, nd, t.dispatch_s);
    for (long q = 0; q < t.hosts; q++) {
        long c = 0;
        for (size_t r = 0; r < m->nruns; r++) {
            long k = host_cores(m, r, hosts[q]);
            if (k > c) c = k;
        }
        t.cores += c;
    }
    double began = INFINITY, end = -INFINITY;
    for (size_t r = 0; r < m->nruns; r++) {
        offset[r] = t.active_s; /* from here on: this run's first launch on the active timeline */
        if (isinf(first[r])) continue;
        t.active_s += last[r] - first[r];
        began = fmin(began, m->runs[r].began);
        end = fmax(end, last[r]);
    }
    t.span_s = end - began;
    /* busy cores per bin */
    t.nbins = (size_t)ceil(t.active_s / bin_s);
    if (t.nbins == 0) t.nbins = 1;
    if (!(t.busy = calloc(t.nbins, sizeof *t.busy))) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double a = sp[i].start - first[sp[i].run] + offset[sp[i].run];
        double b = sp[i].end - first[sp[i].run] + offset[sp[i].run];
        for (size_t k = (size_t)fmax(0, floor(a / bin_s)); k < t.nbins && k * bin_s < b; k++) {
            double lo = fmax(a, k * bin_s), hi = fmin(b, (k + 1) * bin_s);
            if (hi > lo) t.busy[k] += (hi - lo) / bin_s;
        }
    }
    /* latency chains: per run and host, each try takes the slot that freed first */
    qsort(sp, n, sizeof *sp, cmp_launch);
    long maxc = 1;
    for (size_t r = 0; r < m->nruns; r++)
        for (long q = 0; q < t.hosts; q++) maxc = fmax(maxc, host_cores(m, r, hosts[q]));
    if (!(slots = malloc((size_t)maxc * sizeof *slots))) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    size_t nc = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && sp[e].run == sp[i].run && !strcmp(sp[e].host, sp[i].host)) e++;
        long ns = host_cores(m, sp[i].run, sp[i].host);
        for (long s = 0; s < ns; s++) slots[s] = NAN; /* unused: its first try starts no chain */
        for (size_t k = i; k < e; k++) {
            long best = -1;
            for (long s = 0; s < ns; s++)
                if (isnan(slots[s])) { best = s; break; }
            if (best < 0) {
                best = 0;
                for (long s = 1; s < ns; s++)
                    if (slots[s] < slots[best]) best = s;
                double lat = sp[k].launched - slots[best];
                if (lat >= 0) {
                    work[nc++] = lat;
                    t.prompt += lat < t.prompt_s;
                }
            }
            slots[best] = sp[k].end;
        }
        i = e;
    }
    t.nchain = (long)nc;
    quartet(work, nc, t.chain_s);
    *out = t;
    memset(&t, 0, sizeof t);
done:
    free(sp);
    free(first);
    free(last);
    free(offset);
    free(work);
    free(slots);
    free(hosts);
    est_timeline_clear(&t);
    return rc;
}

void est_timeline_clear(est_timeline *t)
{
    free(t->busy);
    t->busy = NULL;
    t->nbins = 0;
}
