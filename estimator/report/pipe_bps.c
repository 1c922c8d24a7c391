/* pipe_bps.c: BPS settings for a pipeline file (--pipeline NAME --bps FILE): requestMemory in
 * MiB from each task's peak-memory model at the quantile of the workload's n, requestCpus 1;
 * a task without a memory model (RTN-109 publishes only core-weighted CPU) gets requestCpus
 * alone, and the header names what is missing. */
#include "estimator/report/report.h"

#include <math.h>
#include <string.h>

#include "estimator/pipe_estimate.h"

/* The workload's histogram level of n for a task's dimension (-1: no n). */
static int n_level(pipe_dim d)
{
    return d == PIPE_DIM_PATCH_BAND ? (int)MDL_COADD : d == PIPE_DIM_PATCH ? (int)MDL_PATCH : -1;
}

/* The request (GiB) at the quantile, and the instances above it. */
static double request(const est_result *r, const pipe_task *t, double q, int64_t *over)
{
    int lv = n_level(t->dim);
    *over = 0;
    if (lv < 0) return pipe_model_eval(&t->mem, 0);
    const int64_t *hist = lv == MDL_COADD ? r->w.coadd_hist : r->w.patch_hist;
    int maxn = lv == MDL_COADD ? r->w.max_coadd_n : r->w.max_patch_n;
    int nq = est_n_quantile(&r->w, (mdl_level)lv, q);
    double req = 0;
    /* q = 1: the largest model value over the n present (a floored or falling line included) */
    for (int n = 0; n <= maxn; n++)
        if (hist[n] && (q >= 1 || n <= nq) && pipe_model_eval(&t->mem, n) > req)
            req = pipe_model_eval(&t->mem, n);
    for (int n = 0; n <= maxn; n++)
        if (hist[n] && pipe_model_eval(&t->mem, n) > req) *over += hist[n];
    return req;
}

static int has_mem(const pipe_task *t) { return t->has_memory; }

void est_pipe_report_bps(FILE *fp, const est_result *r, const est_bps_opts *o)
{
    const pipe_pipeline *p = r->pipe->p;
    size_t nomem = 0;
    for (size_t i = 0; i < p->n_tasks; i++) nomem += !has_mem(&p->tasks[i]);
    int qc = est_n_quantile(&r->w, MDL_COADD, o->quantile);
    int qp = est_n_quantile(&r->w, MDL_PATCH, o->quantile);
    fprintf(fp, "# BPS settings written by y1est %s (ctrl_bps pipetask keys) for pipeline %s.\n"
            "# Memory in MiB, which BPS and HTCondor call MB.\n", Y1_VERSION, r->pipe->ident);
    fprintf(fp, "# requestMemory: each task's peak-memory model at the %g quantile of the "
            "workload's n for that\n# task (patch x band tasks: visits per coadd, n = %d of at "
            "most %d; patch tasks: visits summed\n# over bands, n = %d of at most %d; other "
            "tasks have one value), rounded up to the next MiB.\n", o->quantile, qc,
            r->w.max_coadd_n, qp, r->w.max_patch_n);
    /* a core-weighted model charges cores for memory in its CPU seconds; the job itself is
     * still one single-threaded process, so its request stays one core */
    size_t weighted = 0;
    for (size_t i = 0; i < p->n_tasks; i++) weighted += p->tasks[i].cpu_weighted != 0;
    fprintf(fp, "# requestCpus: 1, every task runs as one single-threaded process per job.\n");
    if (weighted)
        fprintf(fp, "# %zu of %zu tasks have core-weighted CPU models (cores charged for memory "
                "folded into\n# their CPU seconds): that charge is the centre's accounting, not "
                "a request for more cores.\n", weighted, p->n_tasks);
    if (nomem)
        fprintf(fp, "# NO MEMORY MODEL for %zu of %zu tasks: the pipeline file gives no peak "
                "memory for them (a\n# core-weighted CPU model may stand alone: RTN-109 "
                "publishes no maxRSS), so no requestMemory\n# can be derived; their entries "
                "carry requestCpus only and BPS applies its own default\n# requestMemory. "
                "Measure their peak memory (y1est models fit) before a real run.\n", nomem,
                p->n_tasks);
    if (o->memory_multiplier > 1 || o->retries >= 0)
        fprintf(fp, "# memoryMultiplier / numberOfRetries: as given to y1est (--bps-multiplier, "
                "--bps-retries):\n# a job that runs out of memory is retried with its request "
                "multiplied.\n");
    fprintf(fp, "# Workload: %s\n", r->cadence);
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task *t = &p->tasks[i];
        int64_t over;
        if (!has_mem(t)) continue;
        double req = request(r, t, o->quantile, &over);
        double inst = r->pipe->ref.tasks[i].instances;
        if (over)
            fprintf(fp, "#   %s: %lld of %.0f instances (%.1f %%) exceed %.0f MiB\n", t->label,
                    (long long)over, inst, 100.0 * (double)over / inst, ceil(req * 1024.0 - 1e-9));
    }
    if (o->memory_multiplier > 1) fprintf(fp, "memoryMultiplier: %g\n", o->memory_multiplier);
    if (o->retries >= 0) fprintf(fp, "numberOfRetries: %ld\n", o->retries);
    fputs("pipetask:\n", fp);
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task *t = &p->tasks[i];
        fprintf(fp, "  %s:\n", t->label);
        if (has_mem(t)) {
            int64_t over;
            /* MiB, rounded up: a request below the model would fail the job */
            fprintf(fp, "    requestMemory: %.0f\n", ceil(request(r, t, o->quantile, &over) *
                                                          1024.0 - 1e-9));
        }
        fputs("    requestCpus: 1\n", fp);
    }
}
