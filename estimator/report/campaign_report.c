/* campaign_report.c: the campaign's outputs: the Markdown report, summary.json, the CSV
 * tables (timeline, storage, stages, Monte Carlo, trade-off, sweep) and the plots, the last
 * two kinds in a staged --out directory. Days, node-days, PB. */
#include "estimator/report/campaign_report.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/y1_out.h"
#include "common/y1_sha256.h"
#include "estimator/pipe_estimate.h"
#include "estimator/report/palette.h"
#include "estimator/report/plot.h"
#include "estimator/report/rtable.h"

/* ---- reports ----------------------------------------------------------------------------- */

static double q_of(const camp *C, size_t off, double q)
{
    return cmp_mc_quantile(C->mc, (size_t)C->nmc, off, q);
}

/* A number with about four significant digits, without exponents for the sizes we print. */
static void fmt_num(char *buf, size_t n, double v)
{
    double a = fabs(v);
    if (a >= 1000) snprintf(buf, n, "%.0f", v);
    else if (a >= 10) snprintf(buf, n, "%.1f", v);
    else if (a >= 1) snprintf(buf, n, "%.2f", v);
    else snprintf(buf, n, "%.4g", v);
}

/* A summary row with MC columns when there are samples (off == (size_t)-1: none for it). */
static void md_row(FILE *fp, const camp *C, const char *name, double value, size_t off,
                   const char *note)
{
    char v[64];
    fmt_num(v, sizeof v, value);
    fprintf(fp, "| %s | %s |", name, v);
    if (C->nmc > 0) {
        if (off == (size_t)-1) {
            fprintf(fp, " | | |");
        } else {
            char a[64], b[64], c[64];
            fmt_num(a, sizeof a, q_of(C, off, 0.05));
            fmt_num(b, sizeof b, q_of(C, off, 0.5));
            fmt_num(c, sizeof c, q_of(C, off, 0.95));
            fprintf(fp, " %s | %s | %s |", a, b, c);
        }
    }
    fprintf(fp, " %s |\n", note ? note : "");
}

static double day(double s) { return s / 86400.0; }

/* ---- the stages and the trade-off, each described once (rtable.h) and rendered as Markdown
 * (campaign.md) or CSV (stages.csv, tradeoff.csv) ----------------------------------------- */
#define COL(csv_head, csv_fmt, md_head, md_fmt, div, num) \
    {{csv_head, csv_fmt, 0}, {{md_head, md_fmt, div}}, num}
static const est_col stage_cols[] = {
    COL("task", "%s", "task", "%s", 0, 0),
    COL("instances", "%.0f", "instances (M)", "%.3f", 1e6, 1),
    COL("busy_node_days", "%.6g", "node-days busy", "%.1f", 0, 1),
    COL("memory_gib", "%.6g", "memory/instance (GiB)", "%.2f", 0, 1),
    COL("longest_instance_h", "%.6g", "longest instance (h)", "%.2f", 0, 1),
    COL("first_start_day", "%.6f", "first start (day)", "%.2f", 0, 1),
    COL("last_end_day", "%.6f", "last end (day)", "%.2f", 0, 1),
    COL("critical_days", "%.6f", "on critical path (days)", "%.2f", 0, 1),
};

static const est_col trade_cols[] = {
    COL("regions", "%lld", "regions", "%lld", 0, 1),
    COL("makespan_days", "%.6f", "makespan (days)", "%.2f", 0, 1),
    COL("node_days_held", "%.6g", "node-days held", "%.0f", 0, 1),
    COL("peak_scratch_pb", "%.6g", "peak scratch (PB)", "%.3f", 0, 1),
};
#undef COL

/* One row per stage in pipeline order; Markdown marks the critical one. */
static int stage_table(est_dtab *t, const cmp_result *r, y1_err *err)
{
    int rc = Y1_OK;
    est_dtab_init(t, stage_cols, sizeof stage_cols / sizeof stage_cols[0]);
    for (size_t s = 0; s < r->nstage && !rc; s++) {
        const cmp_stage *st = &r->stage[s];
        est_cell label = EST_T(st->label);
        if ((int)s == r->critical_stage) label.note = "(critical)";
        rc = est_dtab_row(t, 0, (est_cell[]){
            label, EST_R(st->instances), EST_R(st->core_s / (double)r->cores_per_node / 86400.0),
            EST_R(st->mem_req_gib), EST_R(st->max_dur_s / 3600.0), EST_R(day(st->first_start_s)),
            EST_R(day(st->last_end_s)), EST_R(day(st->critical_s))}, err);
    }
    return rc;
}

static int trade_table(est_dtab *t, const camp *C, y1_err *err)
{
    int rc = Y1_OK;
    est_dtab_init(t, trade_cols, sizeof trade_cols / sizeof trade_cols[0]);
    for (int i = 0; i < C->ntrade && !rc; i++)
        rc = est_dtab_row(t, 0, (est_cell[]){EST_I(C->trade[i].regions),
                                            EST_R(C->trade[i].makespan_d),
                                            EST_R(C->trade[i].alloc_nd),
                                            EST_R(C->trade[i].peak_pb)}, err);
    return rc;
}

/* ---- the timeline, storage, Monte Carlo and sweep tables, also described once. Their
 * columns depend on the run (a column per task or per dataset type, the swept parameter, the
 * 5-95 % columns with --mc), so they are built at run time (est_dtab_col). ----------------- */
#define CSV_ONLY(head, fmt) {{head, fmt, 0}, {{NULL, NULL, 0}, {NULL, NULL, 0}}, 1}
#define MD_ONLY(head, fmt, num) {{NULL, NULL, 0}, {{head, fmt, 0}, {head, fmt, 0}}, num}

/* Add the columns of n est_col entries (a table's fixed part) to a run-time table. */
static int add_cols(est_dtab *t, const est_col *c, size_t n, y1_err *err)
{
    int rc = Y1_OK;
    for (size_t k = 0; k < n && !rc; k++) rc = est_dtab_col(t, &c[k], err);
    return rc;
}

/* A CSV column named head_fmt % name (a task or a dataset type) in cell format fmt. */
static int add_named_col(est_dtab *t, const char *head_fmt, const char *name, const char *fmt,
                         y1_err *err)
{
    const char *h = est_dtab_textf(t, head_fmt, name);
    if (!h) return y1_errf(err, Y1_ENOMEM, "table: out of memory");
    return est_dtab_col(t, &(est_col)CSV_ONLY(h, fmt), err);
}

/* timeline.csv: per time bin, nodes held, busy cores per task and the core utilisation. */
static int timeline_table(est_dtab *t, const camp *C, y1_err *err)
{
    const cmp_result *r = &C->cr;
    static const est_col head[] = {CSV_ONLY("day", "%.6f"), CSV_ONLY("nodes_held", "%.6g")},
                         tail = CSV_ONLY("core_utilisation", "%.6f");
    est_cell *v = NULL;
    int rc;
    est_dtab_init(t, NULL, 0);
    if ((rc = add_cols(t, head, 2, err))) return rc;
    for (size_t s = 0; s < r->nstage && !rc; s++)
        rc = add_named_col(t, "busy_cores_%s", r->stage[s].label, "%.6g", err);
    if (rc || (rc = est_dtab_col(t, &tail, err))) return rc;
    if (!(v = malloc(t->ncol * sizeof *v))) return y1_errf(err, Y1_ENOMEM, "table: out of memory");
    for (size_t b = 0; b < r->nbins && !rc; b++) {
        double busy = 0;
        v[0] = EST_R((double)b * r->bin_s / 86400.0);
        v[1] = EST_R(r->alloc[b] / r->bin_s);
        for (size_t s = 0; s < r->nstage; s++) {
            v[2 + s] = EST_R(r->busy[b * r->nstage + s] / r->bin_s);
            busy += r->busy[b * r->nstage + s];
        }
        double held = r->alloc[b] * (double)r->cores_per_node;
        v[2 + r->nstage] = EST_R(held > 0 ? busy / held : 0.0);
        rc = est_dtab_row(t, 0, v, err);
    }
    free(v);
    return rc;
}

/* storage.csv: per time bin, the volume of each dataset type at its end and the total (TB). */
static int storage_table(est_dtab *t, const camp *C, y1_err *err)
{
    const cmp_result *r = &C->cr;
    static const est_col head = CSV_ONLY("day_end", "%.6f"), tail = CSV_ONLY("total_tb", "%.6g");
    est_cell *v = NULL;
    int rc;
    est_dtab_init(t, NULL, 0);
    if ((rc = est_dtab_col(t, &head, err))) return rc;
    for (size_t p = 0; p < r->nprod && !rc; p++)
        rc = add_named_col(t, "%s_tb", r->prod[p].p->dataset, "%.6g", err);
    if (rc || (rc = est_dtab_col(t, &tail, err))) return rc;
    if (!(v = malloc(t->ncol * sizeof *v))) return y1_errf(err, Y1_ENOMEM, "table: out of memory");
    for (size_t b = 0; b < r->nbins && !rc; b++) {
        double tot = 0;
        v[0] = EST_R((double)(b + 1) * r->bin_s / 86400.0);
        for (size_t p = 0; p < r->nprod; p++) {
            v[1 + p] = EST_R(r->vol[b * r->nprod + p] / 1e12);
            tot += r->vol[b * r->nprod + p];
        }
        v[1 + r->nprod] = EST_R(tot / 1e12);
        rc = est_dtab_row(t, 0, v, err);
    }
    free(v);
    return rc;
}

/* The "Over time" table of campaign.md: a row per day (view 0) or per time bin (view 1) with
 * the busiest task and the volumes at the end of the period. */
static const est_col overtime_cols[] = {
    {{NULL, NULL, 0}, {{"day", "%.0f", 0}, {"hour", "%.0f", 0}}, 1},
    MD_ONLY("core utilisation", "%.1f%%", 1),
    MD_ONLY("busiest task", "%s", 0),
    MD_ONLY("all products (PB)", "%.3f", 1),
    MD_ONLY("intermediates (PB)", "%.3f", 1),
    MD_ONLY("kept (PB)", "%.3f", 1),
};

static int overtime_table(est_dtab *t, const cmp_result *r, double step, y1_err *err)
{
    size_t per = (size_t)llround(step / r->bin_s);
    int rc = Y1_OK;
    if (per < 1) per = 1;
    est_dtab_init(t, overtime_cols, sizeof overtime_cols / sizeof overtime_cols[0]);
    for (size_t b0 = 0; b0 < r->nbins && !rc; b0 += per) {
        size_t b1 = b0 + per < r->nbins ? b0 + per : r->nbins;
        double busy = 0, held = 0, best = -1;
        int bs = -1;
        for (size_t s = 0; s < r->nstage; s++) {
            double x = 0;
            for (size_t b = b0; b < b1; b++) x += r->busy[b * r->nstage + s];
            busy += x;
            if (x > best) { best = x; bs = (int)s; }
        }
        for (size_t b = b0; b < b1; b++) held += r->alloc[b] * (double)r->cores_per_node;
        double all = 0, inter = 0;
        for (size_t q = 0; q < r->nprod; q++) {
            double v = r->vol[(b1 - 1) * r->nprod + q];
            all += v;
            if (!r->prod[q].p->keep) inter += v;
        }
        rc = est_dtab_row(t, 0, (est_cell[]){
            EST_R((double)b0 * r->bin_s / step), EST_R(held > 0 ? 100 * busy / held : 0.0),
            EST_T(best > 0 ? r->stage[bs].label : "-"), EST_R(all / 1e15), EST_R(inter / 1e15),
            EST_R((all - inter) / 1e15)}, err);
    }
    return rc;
}

/* mc.csv: one row per Monte Carlo sample. */
static const est_col mc_cols[] = {
    CSV_ONLY("sample", "%lld"), CSV_ONLY("workload", "%lld"), CSV_ONLY("cpu_factor", "%.6f"),
    CSV_ONLY("node_days_rtn028", "%.6g"), CSV_ONLY("node_days_held", "%.6g"),
    CSV_ONLY("makespan_days", "%.6g"), CSV_ONLY("written_pb", "%.6g"),
    CSV_ONLY("kept_pb", "%.6g"), CSV_ONLY("peak_scratch_pb", "%.6g"),
};

static int mc_table(est_dtab *t, const camp *C, y1_err *err)
{
    int rc = Y1_OK;
    est_dtab_init(t, mc_cols, sizeof mc_cols / sizeof mc_cols[0]);
    for (long i = 0; i < C->nmc && !rc; i++) {
        const cmp_mc_sample *s = &C->mc[i];
        rc = est_dtab_row(t, 0, (est_cell[]){
            EST_I(i), EST_I(s->workload), EST_R(s->cpu_factor), EST_R(s->study_node_days),
            EST_R(s->alloc_node_days), EST_R(s->makespan_days), EST_R(s->all_pb),
            EST_R(s->keep_pb), EST_R(s->peak_pb)}, err);
    }
    return rc;
}

/* The sweep: a row per value of the swept parameter (the first column's name). CSV has the
 * 5 % and 95 % quantiles in columns of their own, Markdown a "lo-hi" column after each figure,
 * with --mc only. */
static int sweep_table(est_dtab *t, const camp *C, y1_err *err)
{
    const char *range = C->a->mc.samples > 0 ? "5-95 %" : NULL;
    const char *name = C->a->sweep_name;
    const est_col cols[] = {
        {{name, "%g", 0}, {{name, "%g", 0}}, 1},
        {{"visits", "%lld", 0}, {{"visits", "%lld", 0}}, 1},
        {{"node_days_rtn028", "%.6g", 0}, {{"node-days (RTN-028)", "%.0f", 0}}, 1},
        CSV_ONLY("node_days_rtn028_q05", "%.6g"), CSV_ONLY("node_days_rtn028_q95", "%.6g"),
        {{NULL, NULL, 0}, {{range, "%s", 0}}, 0},
        {{"makespan_days", "%.6g", 0}, {{"makespan (days)", "%.2f", 0}}, 1},
        CSV_ONLY("makespan_days_q05", "%.6g"), CSV_ONLY("makespan_days_q95", "%.6g"),
        {{NULL, NULL, 0}, {{range, "%s", 0}}, 0},
        {{"node_days_held", "%.6g", 0}, {{"node-days held", "%.0f", 0}}, 1},
        {{"written_pb", "%.6g", 0}, {{"all products (PB)", "%.3f", 0}}, 1},
        {{"kept_pb", "%.6g", 0}, {{"kept (PB)", "%.3f", 0}}, 1},
        {{"peak_scratch_pb", "%.6g", 0}, {{"peak scratch (PB)", "%.3f", 0}}, 1},
        CSV_ONLY("peak_scratch_pb_q05", "%.6g"), CSV_ONLY("peak_scratch_pb_q95", "%.6g"),
        {{NULL, NULL, 0}, {{range, "%s", 0}}, 0},
    };
    est_dtab_init(t, NULL, 0);
    int rc = add_cols(t, cols, sizeof cols / sizeof cols[0], err);
    for (int i = 0; i < C->nsweep && !rc; i++) {
        const sweep_row *w = &C->sweep[i];
        rc = est_dtab_row(t, 0, (est_cell[]){
            EST_R(w->value), EST_I(w->visits), EST_R(w->study_nd), EST_R(w->q[0][0]),
            EST_R(w->q[0][1]), EST_T(est_dtab_textf(t, "%.0f-%.0f", w->q[0][0], w->q[0][1])),
            EST_R(w->makespan_d), EST_R(w->q[1][0]), EST_R(w->q[1][1]),
            EST_T(est_dtab_textf(t, "%.2f-%.2f", w->q[1][0], w->q[1][1])), EST_R(w->alloc_nd),
            EST_R(w->all_pb), EST_R(w->keep_pb), EST_R(w->peak_pb), EST_R(w->q[2][0]),
            EST_R(w->q[2][1]), EST_T(est_dtab_textf(t, "%.3f-%.3f", w->q[2][0], w->q[2][1]))},
            err);
    }
    return rc;
}
#undef CSV_ONLY
#undef MD_ONLY

/* stage_table for the CSV list, which passes the campaign */
static int stages_csv(est_dtab *t, const camp *C, y1_err *err)
{
    return stage_table(t, &C->cr, err);
}

/* What a pipeline file's campaign assumes, said in the report rather than guessed silently. */
static void pipe_assumptions(FILE *fp, const camp *C)
{
    const cmp_result *r = &C->cr;
    size_t nb = 0;
    for (size_t s = 0; s < r->nstage; s++)
        nb += r->stage[s].ptask && (r->stage[s].ptask->dim == PIPE_DIM_GLOBAL ||
                                    r->stage[s].ptask->dim == PIPE_DIM_BAND ||
                                    r->stage[s].ptask->dim == PIPE_DIM_HEALPIX ||
                                    r->stage[s].ptask->dim == PIPE_DIM_HEALPIX_BAND);
    fprintf(fp, "- pipeline: %s; dependencies: a task waits for the earlier tasks it depends on "
            "(the producers of its inputs, or every earlier task when it lists none) in the same "
            "tract; %zu global, band or healpix tasks are barriers (they wait for every tract and "
            "every tract waits for them)\n", C->er.pipe->ident, nb);
    size_t nkeep = 0, noin = 0;
    for (size_t q = 0; q < r->nprod; q++) nkeep += (size_t)r->prod[q].p->keep;
    for (size_t s = 0; s < r->nstage; s++)
        noin += r->stage[s].ptask && s > 0 && r->stage[s].ptask->n_inputs == 0;
    fprintf(fp, "- storage: kept at the end: the %zu of %zu dataset types marked keep or release; "
            "an intermediate is deleted in a tract once every task depending on its producer is "
            "done there (everywhere, across a barrier)", nkeep, r->nprod);
    /* without inputs a task may read anything before it, so nothing it could read is freed */
    if (noin)
        fprintf(fp, "; %zu tasks list no inputs, so they may read every earlier task's outputs "
                "and the intermediates stay until the last of them ends: the peak of "
                "intermediates is an upper bound", noin);
    fprintf(fp, "\n");
    if (r->weighted_stages)
        fprintf(fp, "- ASSUMPTION: %zu of %zu tasks give only core-weighted CPU (CPU x cores "
                "charged for memory; no peak memory published): each of their instances holds "
                "one core and no memory for its weighted CPU seconds x cpu_factor, so the busy "
                "core time is the core-weighted CPU and the makespan is at least core-weighted "
                "node-days / nodes; a job that really ran on several cores took less wall time\n",
                r->weighted_stages, r->nstage);
    if (r->weighted_stages < r->nstage)
        fprintf(fp, "- packing: the other tasks take 1 core and their max peak memory over the "
                "workload's n; tasks of different kinds share a node when cores and memory "
                "allow\n");
}

void cmp_report_md(FILE *fp, const camp *C)
{
    const camp_args *a = C->a;
    const est_result *er = &C->er;
    const cmp_result *r = &C->cr;
    const est_platform *p = &er->plat[0];
    double cores = (double)r->nodes * (double)r->cores_per_node;
    fprintf(fp, "# y1est campaign: %ld nodes of %s\n\n", r->nodes, p->name);
    est_synthetic_banner(fp, er);
    fprintf(fp, "- %s\n", er->cadence);
    if (er->selection[0]) fprintf(fp, "- selection: %s\n", er->selection);
    char pid[320];
    y1_file_ident(p->path, pid, sizeof pid);
    fprintf(fp, "- footprint: %s\n- models: %s\n- products: %s\n- platform: %s, %s: %ld cores, "
            "%g GiB (%g reserved) per node, cpu_factor %g\n", er->footprint, er->models,
            er->products, p->name, pid, p->cores_per_node, p->memory_per_node_gib,
            p->memory_reserve_gib, r->cpu_factor);
    if (p->description[0]) fprintf(fp, "- platform file: %s\n", p->description);
    fprintf(fp, "- batch jobs: %s", a->co.walltime_h > 0 ? "" : "none (one allocation)");
    if (a->co.walltime_h > 0)
        fprintf(fp, "%g h walltime, %g h between jobs, %ld jobs", a->co.walltime_h,
                a->co.queue_wait_h, r->jobs);
    fprintf(fp, "\n- regions: ");
    if (a->co.regions == 0) fprintf(fp, "one per tract");
    else fprintf(fp, "%ld", a->co.regions);
    fprintf(fp, ", %ld in flight; %zu tracts; %s first; time resolution %g h; overhead %g s per "
            "instance\n", a->co.in_flight, cmp_work_tracts(C->w),
            a->co.order == CMP_ORDER_DEPTH ? "depth (later tasks)" : "breadth (earlier tasks)",
            a->co.block_h, a->co.overhead_s);
    if (er->pipe) pipe_assumptions(fp, C);
    else
    fprintf(fp, "- packing: each instance takes 1 core and its task's max maxRSS (RTN-028's "
            "jobs/node rule when a node runs one task); tasks of different kinds share a node "
            "when cores and memory allow\n");
    if (a->co.node_model)
        fprintf(fp, "- node model (the platform's occupancy and workflow blocks): %ld jobs per node, each instance "
                "%.3fx slower (occupancy%s), + %.1f s dispatch latency per instance\n",
                r->slots_per_node, r->slowdown, p->occ.present ? "" : ": no block, none",
                r->latency_s);
    else
        fprintf(fp, "- node model: the study's (throughput linear in jobs per node, no dispatch "
                "latency); --node-model applies the platform's occupancy and workflow blocks\n");

    fprintf(fp, "\n## Summary\n\n| quantity | value |%s note |\n|---|---:|%s---|\n",
            C->nmc ? " 5% | median | 95% |" : "", C->nmc ? "---:|---:|---:|" : "");
    md_row(fp, C, "makespan (days)", day(r->makespan_s),
           offsetof(cmp_mc_sample, makespan_days), "first task start to last task end");
    md_row(fp, C, "makespan lower bound (days)", day(r->busy_core_s / (double)r->nodes /
           (double)r->slots_per_node), (size_t)-1, "busy core time / cores held, no gaps");
    md_row(fp, C, "node-days held (simulated)", day(r->alloc_node_s),
           offsetof(cmp_mc_sample, alloc_node_days), "nodes x time in batch jobs");
    if (er->pipe) {
        char cw[96];
        snprintf(cw, sizeof cw, "node-days (core-weighted, %ld cores per node)", p->cores_per_node);
        md_row(fp, C, cw, er->pipe->plat[0].node_days, (size_t)-1,
               "core-weighted CPU / (cores per node x 86,400 s): the lower bound x nodes");
    }
    if (!er->pipe || isfinite(r->study_node_days))
    md_row(fp, C, "node-days (RTN-028 rule)", r->study_node_days,
           offsetof(cmp_mc_sample, study_node_days), "CPU h x cpu_factor / jobs per node, summed");
    md_row(fp, C, "core utilisation (%)", 100 * r->busy_core_s / (cores * day(r->alloc_node_s) /
           (double)r->nodes * 86400.0), (size_t)-1, "busy core time / held core time");
    md_row(fp, C, "walltime loss (node-days)", r->idle_core_s[CMP_IDLE_WALLTIME] /
           (double)r->cores_per_node / 86400.0, (size_t)-1,
           "cores idle because the ready tasks would overrun the job");
    char note[160];
    snprintf(note, sizeof note, "on day %.2f", day(r->peak_s));
    md_row(fp, C, "peak scratch, all products (PB)", r->peak_bytes / 1e15,
           offsetof(cmp_mc_sample, peak_pb), note);
    snprintf(note, sizeof note, "on day %.2f", day(r->peak_inter_s));
    md_row(fp, C, "peak of intermediates (PB)", r->peak_inter_bytes / 1e15, (size_t)-1,
           note);
    snprintf(note, sizeof note, "complete on day %.2f", day(r->final_keep_s));
    md_row(fp, C, "final kept volume (PB)", r->final_keep_bytes / 1e15,
           offsetof(cmp_mc_sample, keep_pb), note);
    md_row(fp, C, "all products written (PB)", r->written_bytes / 1e15,
           offsetof(cmp_mc_sample, all_pb), er->pipe ? "every dataset type of the pipeline file" :
           "Table 4 total for the simulated tasks");
    if (er->pipe && !er->pipe->p->has_raw)
        fprintf(fp, "\nPB = 10^15 bytes. The pipeline file gives no raw dataset, so raw inputs "
                "are not counted.\n");
    else
    fprintf(fp, "\nPB = 10^15 bytes. Raw inputs (%.3f PB) are not counted as scratch.\n",
            er->disk.raw_bytes / 1e15);
    if (C->nmc) {
        fprintf(fp, "\nMonte Carlo: %ld samples, seed %lu. Model parameters ~ Normal(value, "
                "sigma) clamped at 0, sigma from the model file%s", C->nmc, a->mc.seed,
                a->mc.model_sigma_frac > 0 ? "" : " (parameters without one are exact");
        if (a->mc.model_sigma_frac > 0)
            fprintf(fp, ", else %g x |value|%s", a->mc.model_sigma_frac,
                    er->pipe ? " (the pipeline file gives none)" : "");
        else
            fprintf(fp, "; the %s give none, see --model-sigma)",
                    er->pipe ? "pipeline file's models" : "RTN-028 models");
        if (!isnan(a->mc.cpu_lo)) fprintf(fp, "; cpu_factor ~ Uniform[%g, %g]", a->mc.cpu_lo,
                                          a->mc.cpu_hi);
        else fprintf(fp, "; cpu_factor fixed at %g", p->cpu_factor);
        if (a->mc_rot > 0)
            fprintf(fp, "; %ld lsstcam footprints with random rotations (seeds %ld..%ld)", a->mc_rot,
                    a->eo.seed, a->eo.seed + a->mc_rot - 1);
        else fprintf(fp, "; one footprint");
        fprintf(fp, ". The value column is the run with the nominal inputs.\n");
    }

    fprintf(fp, "\n## Stages (pipeline order)\n\n");
    est_dtab t;
    y1_err terr;
    /* out of memory for a table: the report says so in its place */
    if (stage_table(&t, r, &terr)) fprintf(fp, "(table not available: %s)\n", terr.msg);
    else est_dtab_md(fp, &t, 0, -1);
    est_dtab_clear(&t);
    fprintf(fp, "\nCritical stage: **%s**, the task that runs longest on the critical path (the "
            "chain of tract-level dependencies ending at the last task to finish). On that path "
            "%.2f days are spent ready but waiting for free nodes.\n",
            r->critical_stage >= 0 ? r->stage[r->critical_stage].label : "none",
            day(r->critical_wait_s));

    static const char *const why[CMP_NIDLE] = {
        "no ready work (dependencies, the end of the campaign)",
        "ready work, but not enough free memory",
        "ready work that would overrun the batch job"};
    static const est_col idle_cols[] = {
        {{NULL, NULL, 0}, {{"reason", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"node-days", "%.1f", 0}}, 1},
        {{NULL, NULL, 0}, {{"share of held time", "%.1f%%", 0}}, 1},
    };
    fprintf(fp, "\n## Idle cores\n\n");
    est_dtab_init(&t, idle_cols, sizeof idle_cols / sizeof idle_cols[0]);
    int trc = Y1_OK;
    for (int k = 0; k < CMP_NIDLE && !trc; k++)
        trc = est_dtab_row(&t, 0, (est_cell[]){
            EST_T(why[k]), EST_R(r->idle_core_s[k] / (double)r->cores_per_node / 86400.0),
            EST_R(100 * r->idle_core_s[k] / (r->alloc_node_s * (double)r->cores_per_node))},
            &terr);
    if (trc) fprintf(fp, "(table not available: %s)\n", terr.msg);
    else est_dtab_md(fp, &t, 0, -1);
    est_dtab_clear(&t);

    /* daily rows (or per bin when the campaign is shorter than three days) */
    double step = r->makespan_s > 3 * 86400 ? 86400 : r->bin_s;
    fprintf(fp, "\n## Over time\n\n");
    if (r->bin_widened)
        fprintf(fp, "Time bins are %g h wide: --bin was widened (doubled) to keep the timeline "
                "within %d bins.\n\n", r->bin_s / 3600.0, CMP_MAX_BINS);
    if (overtime_table(&t, r, step, &terr)) fprintf(fp, "(table not available: %s)\n", terr.msg);
    else est_dtab_md(fp, &t, step == 86400 ? 0 : 1, -1);
    est_dtab_clear(&t);
    fprintf(fp, "\nVolumes at the end of each row's period.\n");

    if (C->ntrade) {
        fprintf(fp, "\n## Peak scratch against makespan\n\nTracts in R regions of equal CPU, one "
                "region at a time (the next starts when the previous one has finished).\n\n");
        if (trade_table(&t, C, &terr)) fprintf(fp, "(table not available: %s)\n", terr.msg);
        else est_dtab_md(fp, &t, 0, -1);
        est_dtab_clear(&t);
    }
    if (C->nsweep) {
        fprintf(fp, "\n## Sweep over %s\n\n", a->sweep_name);
        if (sweep_table(&t, C, &terr)) fprintf(fp, "(table not available: %s)\n", terr.msg);
        else est_dtab_md(fp, &t, 0, -1);
        est_dtab_clear(&t);
    }
    if (er->pipe) {
        fprintf(fp, "\nModel: tasks grouped per (tract, task) in buckets of equal n, in the "
                "pipeline file's order; a task waits in each tract for the tasks it depends on "
                "(see above), barrier tasks for every tract; visit-level instances belong to the "
                "tracts they are apportioned to (by warps); an intermediate is deleted when every "
                "task depending on its task is done in the tract; tracts are taken in order within "
                "a task. CPU time is taken as wall time (single-threaded tasks).\n");
        return;
    }
    fprintf(fp, "\nModel: tasks grouped per (tract, task) in buckets of equal n; task k of a "
            "tract starts when task k-1 of that tract is done; CCD-visits belong to the tracts "
            "they overlap (apportioned by warps); intermediates are deleted when the next task of "
            "the tract is done; tracts are taken in order within a task. CPU time is "
            "taken as wall time (single-threaded tasks).\n");
}

static json_t *mc_json(const camp *C, size_t off)
{
    json_t *o = json_object();
    double q[3] = {q_of(C, off, 0.05), q_of(C, off, 0.5), q_of(C, off, 0.95)};
    const char *k[3] = {"q05", "median", "q95"};
    /* null, not a dropped key, where no sample has the figure (a core-weighted pipeline file) */
    for (int i = 0; i < 3; i++)
        json_object_set_new(o, k[i], isfinite(q[i]) ? json_real(q[i]) : json_null());
    return o;
}

static json_t *report_json(const camp *C)
{
    const cmp_result *r = &C->cr;
    json_t *root = json_object(), *sum = json_object(), *st = json_array(), *idle = json_object();
    json_object_set_new(root, "platform", json_string(C->er.plat[0].name));
    json_object_set_new(root, "nodes", json_integer(r->nodes));
    json_object_set_new(root, "cpu_factor", json_real(r->cpu_factor));
    json_object_set_new(root, "synthetic_cadence", C->er.synthetic < 0 ? json_null()
                                                   : json_boolean(C->er.synthetic));
    json_object_set_new(root, "visits", json_integer(C->er.visits));
    json_object_set_new(sum, "makespan_days", json_real(day(r->makespan_s)));
    json_object_set_new(sum, "node_days_held", json_real(day(r->alloc_node_s)));
    json_object_set_new(sum, "node_days_rtn028", isfinite(r->study_node_days) ?
                        json_real(r->study_node_days) : json_null());
    if (C->er.pipe) {
        json_object_set_new(sum, "node_days_core_weighted", json_real(C->er.pipe->plat[0].node_days));
        json_object_set_new(sum, "core_weighted_stages", json_integer((json_int_t)r->weighted_stages));
        json_object_set_new(root, "pipeline", json_string(C->er.pipe->p->name));
    }
    json_object_set_new(sum, "batch_jobs", json_integer(r->jobs));
    json_object_set_new(sum, "peak_scratch_pb", json_real(r->peak_bytes / 1e15));
    json_object_set_new(sum, "peak_scratch_day", json_real(day(r->peak_s)));
    json_object_set_new(sum, "peak_intermediates_pb", json_real(r->peak_inter_bytes / 1e15));
    json_object_set_new(sum, "peak_intermediates_day", json_real(day(r->peak_inter_s)));
    json_object_set_new(sum, "final_kept_pb", json_real(r->final_keep_bytes / 1e15));
    json_object_set_new(sum, "final_kept_day", json_real(day(r->final_keep_s)));
    json_object_set_new(sum, "written_pb", json_real(r->written_bytes / 1e15));
    json_object_set_new(sum, "critical_stage", json_string(r->critical_stage >= 0 ?
                        r->stage[r->critical_stage].label : ""));
    json_object_set_new(sum, "critical_wait_days", json_real(day(r->critical_wait_s)));
    static const char *const k[CMP_NIDLE] = {"starved", "memory", "walltime"};
    for (int i = 0; i < CMP_NIDLE; i++)
        json_object_set_new(idle, k[i], json_real(r->idle_core_s[i] / (double)r->cores_per_node /
                                                  86400.0));
    json_object_set_new(sum, "idle_node_days", idle);
    json_object_set_new(root, "summary", sum);
    for (size_t s = 0; s < r->nstage; s++) {
        json_t *o = json_object();
        json_object_set_new(o, "task", json_string(r->stage[s].label));
        json_object_set_new(o, "instances", json_real(r->stage[s].instances));
        json_object_set_new(o, "busy_node_days", json_real(r->stage[s].core_s /
                                                           (double)r->cores_per_node / 86400.0));
        json_object_set_new(o, "memory_gib", json_real(r->stage[s].mem_req_gib));
        json_object_set_new(o, "first_start_day", json_real(day(r->stage[s].first_start_s)));
        json_object_set_new(o, "last_end_day", json_real(day(r->stage[s].last_end_s)));
        json_object_set_new(o, "critical_days", json_real(day(r->stage[s].critical_s)));
        json_array_append_new(st, o);
    }
    json_object_set_new(root, "stages", st);
    if (C->nmc) {
        json_t *mc = json_object();
        json_object_set_new(mc, "samples", json_integer(C->nmc));
        json_object_set_new(mc, "seed", json_integer((json_int_t)C->a->mc.seed));
        json_object_set_new(mc, "makespan_days", mc_json(C, offsetof(cmp_mc_sample, makespan_days)));
        json_object_set_new(mc, "node_days_held", mc_json(C, offsetof(cmp_mc_sample,
                                                                      alloc_node_days)));
        json_object_set_new(mc, "node_days_rtn028", mc_json(C, offsetof(cmp_mc_sample,
                                                                        study_node_days)));
        json_object_set_new(mc, "peak_scratch_pb", mc_json(C, offsetof(cmp_mc_sample, peak_pb)));
        json_object_set_new(mc, "written_pb", mc_json(C, offsetof(cmp_mc_sample, all_pb)));
        json_object_set_new(mc, "kept_pb", mc_json(C, offsetof(cmp_mc_sample, keep_pb)));
        json_object_set_new(root, "monte_carlo", mc);
    }
    if (C->ntrade) {
        json_t *t = json_array();
        for (int i = 0; i < C->ntrade; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "regions", json_integer(C->trade[i].regions));
            json_object_set_new(o, "makespan_days", json_real(C->trade[i].makespan_d));
            json_object_set_new(o, "peak_scratch_pb", json_real(C->trade[i].peak_pb));
            json_array_append_new(t, o);
        }
        json_object_set_new(root, "tradeoff", t);
    }
    if (C->nsweep) {
        json_t *t = json_array();
        for (int i = 0; i < C->nsweep; i++) {
            const sweep_row *w = &C->sweep[i];
            json_t *o = json_object();
            json_object_set_new(o, C->a->sweep_name, json_real(w->value));
            json_object_set_new(o, "visits", json_integer(w->visits));
            json_object_set_new(o, "node_days_rtn028", json_real(w->study_nd));
            json_object_set_new(o, "makespan_days", json_real(w->makespan_d));
            json_object_set_new(o, "node_days_held", json_real(w->alloc_nd));
            json_object_set_new(o, "written_pb", json_real(w->all_pb));
            json_object_set_new(o, "kept_pb", json_real(w->keep_pb));
            json_object_set_new(o, "peak_scratch_pb", json_real(w->peak_pb));
            if (C->a->mc.samples > 0) {
                json_object_set_new(o, "node_days_rtn028_q05", json_real(w->q[0][0]));
                json_object_set_new(o, "node_days_rtn028_q95", json_real(w->q[0][1]));
                json_object_set_new(o, "makespan_days_q05", json_real(w->q[1][0]));
                json_object_set_new(o, "makespan_days_q95", json_real(w->q[1][1]));
                json_object_set_new(o, "peak_scratch_pb_q05", json_real(w->q[2][0]));
                json_object_set_new(o, "peak_scratch_pb_q95", json_real(w->q[2][1]));
            }
            json_array_append_new(t, o);
        }
        json_object_set_new(root, "sweep", t);
    }
    return root;
}

int cmp_report_json(const camp *C, FILE *fp, y1_err *err)
{
    return est_json_write(fp, report_json(C), "summary", err);
}

/* ---- the --out directory ----------------------------------------------------------------- */

static int open_out(const char *dir, const char *name, y1_out **o, FILE **fp, y1_err *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = y1_out_open(o, path, err);
    if (!rc) *fp = y1_out_fp(*o);
    return rc;
}

static int write_csvs(const camp *C, const char *dir, y1_err *err)
{
    y1_out *o = NULL;
    FILE *fp;
    int rc;
    typedef int (*table_fn)(est_dtab *t, const camp *C, y1_err *err);
    const struct { const char *file; table_fn fn; int wanted; } csv[] = {
        {"timeline.csv", timeline_table, 1}, {"storage.csv", storage_table, 1},
        {"stages.csv", stages_csv, 1}, {"mc.csv", mc_table, C->nmc > 0},
        {"tradeoff.csv", trade_table, C->ntrade > 0}, {"sweep.csv", sweep_table, C->nsweep > 0},
    };
    for (size_t k = 0; k < sizeof csv / sizeof csv[0]; k++) {
        if (!csv[k].wanted) continue;
        est_dtab t;
        if ((rc = csv[k].fn(&t, C, err)) || (rc = open_out(dir, csv[k].file, &o, &fp, err))) {
            est_dtab_clear(&t);
            return rc;
        }
        est_dtab_csv(fp, &t, -1);
        est_dtab_clear(&t);
        if ((rc = y1_out_commit(o, err))) return rc;
    }
    if ((rc = open_out(dir, "campaign.md", &o, &fp, err))) return rc;
    cmp_report_md(fp, C);
    return y1_out_commit(o, err);
}

/* Stacked bars over time on a time axis (round hours or days): the bins grouped into at most
 * MAX_COLS touching columns. A column is a divisor or a multiple of the batch-job period
 * (walltime + queue wait) when there is one, so every job starts on a column edge and the
 * columns do not alias against the jobs (plot_time_group). mode 0: a column shows the mean of
 * its bins (rates); mode 1: the bin of the column where the layers' total is largest (volumes,
 * so the peak shows). Colours: one per layer, from the palette (the same task or product in
 * every plot). */
enum { MAX_COLS = 60, LEGEND_MAX = 20 };

static int stacked_bars(const char *path, const char *title, const char *ylabel, const camp *C,
                        const double *layers, size_t nl, double scale, const char *const *names,
                        const unsigned *colours, double ymax, int mode, const plot_hline *hl,
                        size_t nhl, y1_err *err)
{
    const cmp_result *r = &C->cr;
    double period = C->a->co.walltime_h > 0
                        ? (C->a->co.walltime_h + C->a->co.queue_wait_h) * 3600.0 : 0;
    size_t nb = r->nbins, per = plot_time_group(nb, r->bin_s, period, MAX_COLS);
    size_t nc = (nb + per - 1) / per;
    double *y = calloc(nl * nc + 1, sizeof *y);
    plot_series *s = calloc(nl + 1, sizeof *s);
    int rc;
    if (!y || !s) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < nc; c++) {
        size_t b0 = c * per, b1 = b0 + per < nb ? b0 + per : nb, best = b0;
        double top = -1;
        for (size_t b = b0; b < b1; b++) {
            double tot = 0;
            for (size_t k = 0; k < nl; k++) tot += layers[b * nl + k];
            if (tot > top) { top = tot; best = b; }
        }
        for (size_t k = 0; k < nl; k++) {
            double v = 0;
            if (mode == 1) v = layers[best * nl + k];
            else {
                for (size_t b = b0; b < b1; b++) v += layers[b * nl + k];
                v /= (double)(b1 - b0);
            }
            y[k * nc + c] = v * scale > 0 ? v * scale : 0;
        }
    }
    for (size_t k = 0; k < nl; k++)
        s[k] = (plot_series){.name = names[k], .y = y + k * nc, .n = nc, .rgb = colours[k]};
    plot_spec sp;
    memset(&sp, 0, sizeof sp);
    /* many layers (a pipeline of 97 tasks): the legend names the LEGEND_MAX largest (by their
     * sum over the columns), in pipeline order, and counts the others */
    if (nl > LEGEND_MAX) {
        for (size_t k = 0; k < nl; k++) {
            double tk = 0;
            size_t above = 0;
            for (size_t c = 0; c < nc; c++) tk += y[k * nc + c];
            for (size_t j = 0; j < nl; j++) {
                double tj = 0;
                for (size_t c = 0; c < nc; c++) tj += y[j * nc + c];
                above += tj > tk || (tj == tk && j < k); /* ties: the earlier task first */
            }
            if (above >= LEGEND_MAX) s[k].name = NULL;
        }
        sp.legend_omitted = nl - LEGEND_MAX;
    }
    sp.title = title;
    sp.xlabel = "time since start";
    sp.ylabel = ylabel;
    sp.series = s;
    sp.nseries = nl;
    sp.ncategories = nc;
    sp.bar_x0 = 0;
    sp.bar_x1 = (double)(nc * per) * r->bin_s;
    sp.x_time = 1;
    sp.legend_outside = 1;
    sp.width_px = 1100;
    sp.hlines = hl;
    sp.nhlines = nhl;
    sp.format = (plot_format)C->a->plot_format;
    if (ymax > 0) sp.ymax = ymax;
    rc = plot_bars(path, &sp, err);
done:
    free(y);
    free(s);
    return rc;
}

/* A series of vertical error bars (5-95 %) as 2-point line series. */
static size_t error_bars(plot_series *s, double *xy, const double *x, const double (*q)[2],
                         size_t n, unsigned rgb)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(q[i][0])) continue;
        double *p = xy + 4 * i;
        p[0] = p[1] = x[i];
        p[2] = q[i][0];
        p[3] = q[i][1];
        s[k] = (plot_series){.name = k ? NULL : "5-95 % (Monte Carlo)", .x = p, .y = p + 2,
                             .n = 2, .rgb = rgb, .style = PLOT_LINE, .size_px = 1.5};
        k++;
    }
    return k;
}

/* Quota lines for the volume plot (PB): one per distinct capacity of the platform's storage
 * tiers, labelled with the tiers that share it and, when the peak is over it, how many times
 * over. Returns the count; labels go into lab. */
static size_t quota_lines(const est_platform *p, double peak_pb, plot_hline *hl,
                          char (*lab)[160])
{
    size_t n = 0;
    for (int i = 0; i < p->storage.ntiers; i++) {
        const est_tier *t = &p->storage.tier[i];
        if (!isfinite(t->capacity_tb)) continue;
        size_t k = 0;
        while (k < n && hl[k].y != t->capacity_tb * 1e-3) k++;
        if (k == n) {
            hl[n] = (plot_hline){.y = t->capacity_tb * 1e-3, .label = lab[n], .rgb = 0xb00020};
            snprintf(lab[n], 160, "quota %g TB = %g PB: %s", t->capacity_tb,
                     t->capacity_tb * 1e-3, t->name);
            n++;
        } else {
            size_t len = strlen(lab[k]);
            snprintf(lab[k] + len, 160 - len, ", %s", t->name);
        }
    }
    for (size_t k = 0; k < n; k++)
        if (peak_pb > hl[k].y && hl[k].y > 0) {
            size_t len = strlen(lab[k]);
            snprintf(lab[k] + len, 160 - len, " (the peak is %.0fx it)", peak_pb / hl[k].y);
        }
    return n;
}

static int write_plots(const camp *C, const char *dir, y1_err *err)
{
    const cmp_result *r = &C->cr;
    const char *ext = plot_format_ext((plot_format)C->a->plot_format);
    char path[1200];
    int rc;
    const char **names = calloc(r->nstage + r->nprod + 1, sizeof *names);
    unsigned *colours = calloc(r->nstage + r->nprod + 1, sizeof *colours);
    double *tot = calloc(r->nbins ? r->nbins : 1, sizeof *tot);
    double *layers = calloc(r->nbins * (r->nprod ? r->nprod : 1) + 1, sizeof *layers);
    if (!names || !colours || !tot || !layers) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    /* utilisation: busy cores per task, stacked, against the cores held */
    for (size_t s = 0; s < r->nstage; s++) {
        names[s] = r->stage[s].label;
        colours[s] = plot_palette_task(names[s]);
    }
    for (size_t b = 0; b < r->nbins; b++) tot[b] = r->alloc[b] * (double)r->cores_per_node / r->bin_s;
    snprintf(path, sizeof path, "%s/utilisation.%s", dir, ext);
    char title[200], held_lab[160];
    snprintf(title, sizeof title, "%ld nodes of %s: busy cores by task", r->nodes,
             C->er.plat[0].name);
    double held_max = 0;
    for (size_t b = 0; b < r->nbins; b++) held_max = tot[b] > held_max ? tot[b] : held_max;
    /* between batch jobs (a queue wait) nothing is held: the line is the jobs' level */
    snprintf(held_lab, sizeof held_lab, "cores held%s: %.0f (%ld nodes x %ld)",
             C->a->co.walltime_h > 0 && C->a->co.queue_wait_h > 0 ? " while a job runs" : "",
             held_max, r->nodes, r->cores_per_node);
    plot_hline held = {.y = held_max, .label = held_lab, .rgb = 0x000000};
    if ((rc = stacked_bars(path, title, "busy cores", C, r->busy, r->nstage, 1.0 / r->bin_s,
                           names, colours, held_max * 1.08, 0, &held, held_max > 0, err)))
        goto done;
    /* scratch volume by product, stacked, with the storage tiers' quotas */
    for (size_t p = 0; p < r->nprod; p++) {
        names[p] = r->prod[p].p->dataset;
        colours[p] = plot_palette_product(names[p]);
    }
    for (size_t b = 0; b < r->nbins; b++)
        for (size_t p = 0; p < r->nprod; p++) layers[b * r->nprod + p] = r->vol[b * r->nprod + p];
    plot_hline quota[EST_MAX_TIERS];
    char qlab[EST_MAX_TIERS][160];
    size_t nq = quota_lines(&C->er.plat[0], r->peak_bytes / 1e15, quota, qlab);
    snprintf(path, sizeof path, "%s/storage.%s", dir, ext);
    snprintf(title, sizeof title, "Products on disk (stacked); peak %.3f PB on day %.2f",
             r->peak_bytes / 1e15, day(r->peak_s));
    if ((rc = stacked_bars(path, title, "volume (PB)", C, layers, r->nprod, 1e-15, names,
                           colours, 0, 1, quota, nq, err)))
        goto done;
    if (C->nmc) {
        /* makespan samples with the 5 and 95 % marks: own colours and patterns, labelled */
        double *v = malloc((size_t)C->nmc * sizeof *v);
        if (!v) { rc = y1_errf(err, Y1_ENOMEM, "out of memory"); goto done; }
        for (long i = 0; i < C->nmc; i++) v[i] = C->mc[i].makespan_days;
        size_t off = offsetof(cmp_mc_sample, makespan_days);
        char l5[64], l95[64], lnom[64];
        double q5 = q_of(C, off, 0.05), q95 = q_of(C, off, 0.95);
        snprintf(l5, sizeof l5, "5 %%: %.2f days", q5);
        snprintf(l95, sizeof l95, "95 %%: %.2f days", q95);
        snprintf(lnom, sizeof lnom, "nominal inputs: %.2f days", day(r->makespan_s));
        plot_mark mk[3] = {{.x = q5, .label = l5, .rgb = 0x1f4e9c, .dash = PLOT_DASHED},
                           {.x = q95, .label = l95, .rgb = 0xb00020, .dash = PLOT_DASH_DOT},
                           {.x = day(r->makespan_s), .label = lnom, .rgb = 0x000000,
                            .dash = PLOT_SOLID}};
        plot_series s = {.name = "samples", .x = v, .n = (size_t)C->nmc, .rgb = 0x7f7f7f};
        plot_spec sp;
        memset(&sp, 0, sizeof sp);
        sp.title = "Monte Carlo: makespan";
        sp.xlabel = "makespan (days)";
        sp.series = &s;
        sp.nseries = 1;
        sp.ylabel = "samples";
        sp.marks = mk;
        sp.nmarks = 3;
        sp.mark_labels = 1;
        sp.nbins = 20;
        sp.format = (plot_format)C->a->plot_format;
        snprintf(path, sizeof path, "%s/mc_makespan.%s", dir, ext);
        rc = plot_histogram(path, &sp, err);
        free(v);
        if (rc) goto done;
    }
    if (C->ntrade) {
        double x[MAX_TRADE], y[MAX_TRADE];
        char lab[MAX_TRADE][32];
        const char *labs[MAX_TRADE];
        for (int i = 0; i < C->ntrade; i++) {
            x[i] = C->trade[i].makespan_d;
            y[i] = C->trade[i].peak_pb;
            snprintf(lab[i], sizeof lab[i], "%ld region%s", C->trade[i].regions,
                     C->trade[i].regions == 1 ? "" : "s");
            labs[i] = lab[i];
        }
        plot_series s = {.name = "regions, one at a time", .x = x, .y = y,
                         .n = (size_t)C->ntrade, .rgb = 0x1f77b4, .style = PLOT_LINE_POINTS,
                         .size_px = 1.5, .point_labels = labs};
        plot_spec sp;
        memset(&sp, 0, sizeof sp);
        sp.title = "Peak scratch against makespan";
        sp.xlabel = "makespan (days)";
        sp.ylabel = "peak scratch (PB)";
        sp.series = &s;
        sp.nseries = 1;
        sp.format = (plot_format)C->a->plot_format;
        snprintf(path, sizeof path, "%s/tradeoff.%s", dir, ext);
        if ((rc = plot_scatter(path, &sp, err))) goto done;
    }
    if (C->nsweep) {
        /* node-days and PB against the parameter, with MC error bars when there are samples */
        double x[MAX_SWEEP], y[4][MAX_SWEEP], q[2][MAX_SWEEP][2], xy[MAX_SWEEP * 4];
        int years = strcmp(C->a->sweep_name, "radius") != 0;
        for (int i = 0; i < C->nsweep; i++) {
            x[i] = C->sweep[i].value;
            y[0][i] = C->sweep[i].study_nd;
            y[1][i] = C->sweep[i].alloc_nd;
            y[2][i] = C->sweep[i].all_pb;
            y[3][i] = C->sweep[i].peak_pb;
            for (int k = 0; k < 2; k++) {
                q[0][i][k] = C->sweep[i].q[0][k];
                q[1][i][k] = C->sweep[i].q[2][k];
            }
        }
        for (int fig = 0; fig < 2; fig++) {
            plot_series s[2 + MAX_SWEEP];
            size_t n = (size_t)C->nsweep;
            s[0] = (plot_series){.name = fig ? "all products written" : "RTN-028 rule", .x = x,
                                 .y = y[2 * fig], .n = n, .rgb = 0x1f77b4,
                                 .style = PLOT_LINE_POINTS, .size_px = 2};
            s[1] = (plot_series){.name = fig ? "peak scratch" : "held in the simulation", .x = x,
                                 .y = y[2 * fig + 1], .n = n, .rgb = 0xff7f0e,
                                 .style = PLOT_LINE_POINTS, .size_px = 2};
            size_t ns = 2 + error_bars(s + 2, xy, x, fig ? (const double (*)[2])q[1]
                                                          : (const double (*)[2])q[0],
                                       n, fig ? 0xff7f0e : 0x1f77b4);
            plot_spec sp;
            memset(&sp, 0, sizeof sp);
            snprintf(title, sizeof title, "%s against %s%s", fig ? "Volume" : "Node-days",
                     C->a->sweep_name, C->a->mc.samples ? " (bars: 5-95 %)" : "");
            sp.title = title;
            sp.xlabel = years ? "years of survey" : "radius (deg)";
            sp.x_integer = years;
            sp.ylabel = fig ? "PB" : "node-days";
            sp.series = s;
            sp.nseries = ns;
            sp.format = (plot_format)C->a->plot_format;
            snprintf(path, sizeof path, "%s/sweep_%s.%s", dir, fig ? "pb" : "node_days", ext);
            if ((rc = plot_scatter(path, &sp, err))) goto done;
        }
    }
    rc = Y1_OK;
done:
    free(names);
    free(colours);
    free(tot);
    free(layers);
    return rc;
}

/* ---- the --out directory, staged ------------------------------------------------------- */

int cmp_report_outdir(const camp *C, const char *dir, y1_err *err)
{
    /* staged: a failed run leaves the directory as it was, and outputs of an earlier run
     * that this one does not make (mc.csv, sweep plots, ...) are removed */
    static const char *const managed[] = {"timeline.csv", "storage.csv", "stages.csv",
                                          "mc.csv", "tradeoff.csv", "sweep.csv",
                                          "campaign.md", "summary.json",
                                          "utilisation.png", "storage.png", "mc_makespan.png",
                                          "tradeoff.png", "sweep_*.png", "utilisation.svg",
                                          "storage.svg", "mc_makespan.svg", "tradeoff.svg",
                                          "sweep_*.svg", "utilisation.pdf", "storage.pdf",
                                          "mc_makespan.pdf", "tradeoff.pdf", "sweep_*.pdf",
                                          NULL};
    char stage[1100];
    y1_out *jo = NULL;
    FILE *jf;
    int rc;
    if ((rc = y1_stage_open(dir, stage, sizeof stage, err))) return rc;
    if ((rc = write_csvs(C, stage, err)) || (rc = write_plots(C, stage, err)) ||
        (rc = open_out(stage, "summary.json", &jo, &jf, err)) ||
        (rc = cmp_report_json(C, jf, err))) {
        y1_out_abort(jo);
        y1_stage_abort(stage);
        return rc;
    }
    if ((rc = y1_out_commit(jo, err)) || (rc = y1_stage_commit(stage, dir, managed, err))) {
        y1_stage_abort(stage);
        return rc;
    }
    plot_cleanup();
    return Y1_OK;
}
