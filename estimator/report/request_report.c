/* request_report.c: the allocation request (estimator/request.h) as Markdown (above the
 * report), one CSV row per platform and JSON. TB = 10^12 bytes, TiB = 2^40 bytes. */
#include "estimator/request.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "estimator/report/report.h"
#include "estimator/report/rtable.h"

#define TIB 1099511627776.0

/* the prose's numbers, as the tables write them (est_grouped_num, est_count_num) */
static const char *grouped(char *buf, size_t n, double v)
{
    est_grouped_num(buf, n, v);
    return buf;
}

static const char *count(char *buf, size_t n, double v)
{
    est_count_num(buf, n, v);
    return buf;
}

static void scenario(char *buf, size_t n, const req_platform *x, const req_opts *o)
{
    (void)o;
    snprintf(buf, n, "the study's per-task models and packing rule (one task type per node, as "
             "many jobs as cores and memory allow at each task's largest maxRSS), CPU factor %g, "
             "run as one campaign on %ld node(s) in pipeline order, no batch-job limit, no "
             "occupancy slowdown or workflow overheads", x->plat->cpu_factor, x->nodes);
}

static const char *flag(int over) { return over ? "**EXCEEDS**" : "fits"; }

static int md_storage(FILE *fp, const req_platform *x, y1_err *err)
{
    char a[40], e[40];
    fprintf(fp, "\nStorage (TB = 10^12 bytes, TiB = 2^40 bytes; one file per dataset instance):\n\n");
    static const est_col vcols[] = {
        {{NULL, NULL, 0}, {{"volume", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"TB", EST_FMT_GROUPED, 1e12}}, 1},
        {{NULL, NULL, 0}, {{"TiB", EST_FMT_GROUPED, TIB}}, 1},
        {{NULL, NULL, 0}, {{"files", EST_FMT_COUNT, 0}}, 1},
        {{NULL, NULL, 0}, {{"when", "%s", 0}}, 0},
    };
    est_dtab d;
    int rc;
    est_dtab_init(&d, vcols, 5);
    const char *peak = est_dtab_textf(&d, "day %.2f (files: day %.2f)", x->peak_day,
                                      x->peak_files_day);
    const char *kept = est_dtab_textf(&d, "day %.2f", x->makespan_days);
    if ((rc = est_dtab_row(&d, 0, (est_cell[]){EST_T("raw data ingested"), EST_R(x->raw_bytes),
                                               EST_R(x->raw_bytes), EST_R(x->raw_files),
                                               EST_T("before processing")}, err)) ||
        (rc = est_dtab_row(&d, 0, (est_cell[]){EST_T("working set at its peak"),
                                               EST_R(x->peak_bytes), EST_R(x->peak_bytes),
                                               EST_R(x->peak_files), EST_T(peak)}, err)) ||
        (rc = est_dtab_row(&d, 0, (est_cell[]){EST_T("kept products (final)"),
                                               EST_R(x->keep_bytes), EST_R(x->keep_bytes),
                                               EST_R(x->keep_files), EST_T(kept)}, err)) ||
        (rc = est_dtab_row(&d, 0, (est_cell[]){EST_T("everything ever written"),
                                               EST_R(x->written_bytes), EST_R(x->written_bytes),
                                               EST_R(x->written_files),
                                               EST_T("over the campaign")}, err)))
        goto done;
    est_dtab_md(fp, &d, 0, -1);
    est_dtab_clear(&d);
    if (!x->ntiers) {
        fprintf(fp, "\nThe platform file has no storage block: no tiers or quotas to check.\n");
        return Y1_OK;
    }
    static const est_col tcols[] = {
        {{NULL, NULL, 0}, {{"tier", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"holds", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"peak TB", EST_FMT_GROUPED, 1e12}}, 1},
        {{NULL, NULL, 0}, {{"peak files", EST_FMT_COUNT, 0}}, 1},
        {{NULL, NULL, 0}, {{"peak day", "%.2f", 0}}, 1},
        {{NULL, NULL, 0}, {{"final TB", EST_FMT_GROUPED, 1e12}}, 1},
        {{NULL, NULL, 0}, {{"final files", EST_FMT_COUNT, 0}}, 1},
        {{NULL, NULL, 0}, {{"quota TB", EST_FMT_GROUPED, 0}}, 1},
        {{NULL, NULL, 0}, {{"quota files", EST_FMT_COUNT, 0}}, 1},
        {{NULL, NULL, 0}, {{"volume", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"files", "%s", 0}}, 0},
    };
    est_dtab_init(&d, tcols, 11);
    for (int i = 0; i < x->ntiers; i++) {
        const req_tier *y = &x->tier[i];
        const est_tier *t = y->tier;
        char holds[40] = "";
        if (t->holds & EST_HOLD_RAW) strcat(holds, "raw, ");
        if (t->holds & EST_HOLD_WORKING) strcat(holds, "working, ");
        if (t->holds & EST_HOLD_KEPT) strcat(holds, "kept, ");
        holds[strlen(holds) - 2] = '\0';
        if ((rc = est_dtab_row(&d, 0, (est_cell[]){
                EST_T(t->name), EST_T(est_dtab_textf(&d, "%s", holds)), EST_R(y->peak_bytes),
                EST_R(y->peak_files), EST_R(y->peak_day), EST_R(y->final_bytes),
                EST_R(y->final_files),
                isfinite(t->capacity_tb) ? EST_R(t->capacity_tb) : EST_T("none"),
                isfinite(t->inodes) ? EST_R(t->inodes) : EST_T("none"),
                EST_T(isfinite(t->capacity_tb) ? flag(y->over_capacity) : "no quota"),
                EST_T(isfinite(t->inodes) ? flag(y->over_inodes) : "no quota")}, err)))
            goto done;
    }
    fputc('\n', fp);
    est_dtab_md(fp, &d, 0, -1);
    est_dtab_clear(&d);
    fputc('\n', fp);
    for (int i = 0; i < x->ntiers; i++) {
        const req_tier *y = &x->tier[i];
        if (y->over_capacity)
            fprintf(fp, "- %s: the plan needs %s TB at its peak, %.1fx the %s TB quota\n",
                    y->tier->name, grouped(a, sizeof a, y->peak_bytes / 1e12),
                    y->peak_bytes / 1e12 / y->tier->capacity_tb,
                    grouped(e, sizeof e, y->tier->capacity_tb));
        if (y->over_inodes)
            fprintf(fp, "- %s: the plan needs %s files at its peak, %.1fx the %s-file quota\n",
                    y->tier->name, count(a, sizeof a, y->peak_files),
                    y->peak_files / y->tier->inodes, count(e, sizeof e, y->tier->inodes));
    }
    for (int i = 0; i < x->ntiers; i++)
        if (x->tier[i].tier->source[0])
            fprintf(fp, "- quotas of %s: %s\n", x->tier[i].tier->name, x->tier[i].tier->source);
done:
    est_dtab_clear(&d);
    return rc;
}

static int md_sensitivity(FILE *fp, const est_result *r, size_t p, const req_platform *x,
                          y1_err *err)
{
    const est_node_platform *np = &r->node[p];
    double base = x->study_node_hours / 24, nd, ndo;
    est_platform_totals(r, p, &nd, &ndo);
    fprintf(fp, "\nSensitivity: the other figures and what each assumption adds to the study's "
            "rule (node-days):\n\n");
    static const est_col cols[] = {
        {{NULL, NULL, 0}, {{"figure", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"node-days", EST_FMT_GROUPED, 0}}, 1},
        {{NULL, NULL, 0}, {{"adds", "%+.1f %%", 0}}, 1},
        {{NULL, NULL, 0}, {{"what it assumes", "%s", 0}}, 0},
    };
    struct { const char *name; double v; const char *what; int on; } row[] = {
        {"RTN-028 rule (Table 3)", base, "CPU hours x CPU factor / jobs per node; nodes never idle", 1},
        {"optimistic packing", ndo, "jobs per node by the mean maxRSS instead of the largest", 1},
        {"**campaign, recommended**", x->held_node_hours / 24,
         "nodes held for the whole campaign: dependencies and the tail leave nodes idle", 1},
        {"campaign + retries", (x->held_node_hours + x->retry_node_hours) / 24,
         "plus the failed attempts of the retry contingency", 1},
        {"+ occupancy curve", np->nd_occupancy,
         "per-job slowdown with the jobs on a node (the platform's curve)", np->has_occupancy},
        {"+ workflow overheads", np->nd_overheads, "dispatch latency per task, manager ceilings", 1},
        {"mixed packing", np->nd_mixed, "task types share nodes (LP optimum)", 1},
        {"charged cores", np->nd_charged_cores, "a job costs ceil(maxRSS / GiB per core) cores", 1},
        {"all effects combined", np->nd_combined, "occupancy + overheads (+ mixed packing)", 1},
        {"Monte Carlo 5 %", x->q05_node_hours / 24, "campaign, model and CPU-factor draws",
         x->mc_samples > 0},
        {"Monte Carlo 95 %", x->q95_node_hours / 24, "campaign, model and CPU-factor draws",
         x->mc_samples > 0},
    };
    est_dtab d;
    int rc = Y1_OK;
    est_dtab_init(&d, cols, 4);
    for (size_t i = 0; i < sizeof row / sizeof row[0] && !rc; i++)
        if (row[i].on)
            rc = est_dtab_row(&d, 0, (est_cell[]){
                EST_T(row[i].name), EST_R(row[i].v),
                EST_R(base > 0 ? 100.0 * (row[i].v / base - 1) : 0.0), EST_T(row[i].what)}, err);
    if (!rc) est_dtab_md(fp, &d, 0, -1);
    est_dtab_clear(&d);
    return rc;
}

/* the per-task breakdown, closed by the idle remainder and the total held */
static int md_tasks(FILE *fp, const req_platform *y, y1_err *err)
{
    static const est_col cols[] = {
        {{NULL, NULL, 0}, {{"task", "%s", 0}}, 0},
        {{NULL, NULL, 0}, {{"node-hours (study rule)", EST_FMT_GROUPED, 0}}, 1},
        {{NULL, NULL, 0}, {{"share", "%.1f %%", 0}}, 1},
        {{NULL, NULL, 0}, {{"requestMemory at q (GiB)", "%.2f", 0}}, 1},
        {{NULL, NULL, 0}, {{"instances over it", EST_FMT_COUNT, 0}}, 1},
        {{NULL, NULL, 0}, {{"retry node-hours", EST_FMT_GROUPED, 0}}, 1},
    };
    est_dtab d;
    int bad = 0;
    est_dtab_init(&d, cols, 6);
    for (size_t t = 0; t < y->ntasks && !bad; t++) {
        const req_task *k = &y->task[t];
        bad = est_dtab_row(&d, 0, (est_cell[]){
            EST_T(k->label), EST_R(k->study_node_hours),
            EST_R(y->study_node_hours > 0 ? 100 * k->study_node_hours / y->study_node_hours : 0.0),
            EST_R(k->request_gib), EST_R(k->failed), EST_R(k->retry_node_hours)}, err);
    }
    if (!bad)
        bad = est_dtab_row(&d, 0, (est_cell[]){
            EST_T("held but idle or packed otherwise in the campaign"),
            EST_R(y->held_node_hours - y->study_node_hours), EST_NONE, EST_NONE, EST_NONE,
            EST_NONE}, err);
    if (!bad)
        bad = est_dtab_row(&d, 0, (est_cell[]){EST_T("total held"), EST_R(y->held_node_hours),
                                               EST_NONE, EST_NONE, EST_NONE,
                                               EST_R(y->retry_node_hours)}, err);
    if (!bad) est_dtab_md(fp, &d, 0, -1);
    est_dtab_clear(&d);
    return bad;
}

int req_report_md(FILE *fp, const est_result *r, const req_platform *x, size_t n,
                  const req_opts *o, y1_err *err)
{
    int rc;
    char a[40], b[40], c[40], sc[600];
    fprintf(fp, "# y1est: allocation request\n\n");
    est_synthetic_banner(fp, r);
    for (size_t i = 0; i < n; i++) {
        const req_platform *y = &x[i];
        const est_platform *pl = y->plat;
        fprintf(fp, "## %s: request %s node-hours (%s node-days)\n\n", pl->name,
                grouped(a, sizeof a, y->held_node_hours), grouped(b, sizeof b, y->held_node_hours / 24));
        if (pl->description[0]) fprintf(fp, "Platform file: %s.\n\n", pl->description);
        scenario(sc, sizeof sc, y, o);
        fprintf(fp, "- scenario: %s\n", sc);
        if (y->mc_samples > 0)
            fprintf(fp, "- range (5-95 %%, Monte Carlo of %ld campaigns: model parameters +-%g %% "
                    "where the model file gives no sigma, CPU factor %s): %s - %s node-hours\n",
                    y->mc_samples, 100 * o->model_sigma_frac,
                    isnan(o->cpu_lo) ? "fixed" : "drawn uniformly",
                    grouped(a, sizeof a, y->q05_node_hours), grouped(b, sizeof b, y->q95_node_hours));
        else
            fprintf(fp, "- range: not computed (--mc 0)\n");
        fprintf(fp, "- retry contingency: +%s node-hours (%.1f %%) if BPS requests memory at the "
                "%g quantile of n per task and multiplies it by %g on each of up to %ld retries "
                "(every failed attempt charged in full); request %s node-hours with it\n",
                grouped(a, sizeof a, y->retry_node_hours),
                y->held_node_hours > 0 ? 100 * y->retry_node_hours / y->held_node_hours : 0.0,
                o->retry_quantile, o->memory_multiplier, o->retries,
                grouped(b, sizeof b, y->held_node_hours + y->retry_node_hours));
        fprintf(fp, "- campaign length on %ld node(s): %s days", y->nodes,
                grouped(a, sizeof a, y->makespan_days));
        if (y->mc_samples > 0)
            fprintf(fp, " (5-95 %%: %s - %s)", grouped(b, sizeof b, y->q05_days),
                    grouped(c, sizeof c, y->q95_days));
        fprintf(fp, "\n\n");
        if ((rc = md_tasks(fp, y, err)) || (rc = md_storage(fp, y, err)) ||
            (rc = md_sensitivity(fp, r, (size_t)(pl - r->plat), y, err)))
            return rc;
        fputc('\n', fp);
    }
    return Y1_OK;
}

int req_report_csv(FILE *fp, const req_platform *x, size_t n, y1_err *err)
{
    /* plain decimals (no exponents) so a spreadsheet takes every cell as a number; the
     * Monte Carlo columns are empty with --mc 0 */
#define Y1_C(head, fmt, div) {{head, fmt, div}, {{NULL, NULL, 0}}, 1}
    static const est_col cols[] = {
        {{"platform", "%s", 0}, {{NULL, NULL, 0}}, 0},
        Y1_C("nodes", "%lld", 0), Y1_C("node_hours", "%.4f", 0), Y1_C("node_days", "%.4f", 24),
        Y1_C("node_hours_p05", "%.4f", 0), Y1_C("node_hours_p95", "%.4f", 0),
        Y1_C("retry_node_hours", "%.4f", 0), Y1_C("campaign_days", "%.4f", 0),
        Y1_C("campaign_days_p05", "%.4f", 0), Y1_C("campaign_days_p95", "%.4f", 0),
        Y1_C("study_node_hours", "%.4f", 0), Y1_C("raw_tb", "%.6f", 1e12),
        Y1_C("raw_files", "%.0f", 0), Y1_C("peak_tb", "%.6f", 1e12),
        Y1_C("peak_files", "%.0f", 0), Y1_C("peak_day", "%.4f", 0),
        Y1_C("kept_tb", "%.6f", 1e12), Y1_C("kept_files", "%.0f", 0),
    };
#undef Y1_C
    est_dtab d;
    int rc = Y1_OK;
    est_dtab_init(&d, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < n && !rc; i++) {
        const req_platform *y = &x[i];
        int mc = y->mc_samples > 0;
        rc = est_dtab_row(&d, 0, (est_cell[]){
            EST_T(y->plat->name), EST_I(y->nodes), EST_R(y->held_node_hours),
            EST_R(y->held_node_hours), mc ? EST_R(y->q05_node_hours) : EST_NONE,
            mc ? EST_R(y->q95_node_hours) : EST_NONE, EST_R(y->retry_node_hours),
            EST_R(y->makespan_days), mc ? EST_R(y->q05_days) : EST_NONE,
            mc ? EST_R(y->q95_days) : EST_NONE, EST_R(y->study_node_hours), EST_R(y->raw_bytes),
            EST_R(y->raw_files), EST_R(y->peak_bytes), EST_R(y->peak_files), EST_R(y->peak_day),
            EST_R(y->keep_bytes), EST_R(y->keep_files)}, err);
    }
    if (!rc) est_dtab_csv(fp, &d, -1);
    est_dtab_clear(&d);
    return rc;
}

int req_report_json(FILE *fp, const est_result *r, const req_platform *x, size_t n,
                    const req_opts *o, y1_err *err)
{
    json_t *root = json_object(), *plats = json_array();
    char sc[600];
    json_object_set_new(root, "synthetic_cadence", r->synthetic < 0 ? json_null()
                                                  : json_boolean(r->synthetic));
    json_object_set_new(root, "cadence", json_string(r->cadence));
    for (size_t i = 0; i < n; i++) {
        const req_platform *y = &x[i];
        json_t *pj = json_object(), *tasks = json_array(), *tiers = json_array();
        scenario(sc, sizeof sc, y, o);
        json_object_set_new(pj, "platform", json_string(y->plat->name));
        json_object_set_new(pj, "description", json_string(y->plat->description));
        json_object_set_new(pj, "scenario", json_string(sc));
        json_object_set_new(pj, "nodes", json_integer(y->nodes));
        json_object_set_new(pj, "node_hours", json_real(y->held_node_hours));
        json_object_set_new(pj, "node_days", json_real(y->held_node_hours / 24));
        json_object_set_new(pj, "node_hours_p05", y->mc_samples ? json_real(y->q05_node_hours) : json_null());
        json_object_set_new(pj, "node_hours_p95", y->mc_samples ? json_real(y->q95_node_hours) : json_null());
        json_object_set_new(pj, "mc_samples", json_integer(y->mc_samples));
        json_object_set_new(pj, "retry_node_hours", json_real(y->retry_node_hours));
        json_object_set_new(pj, "campaign_days", json_real(y->makespan_days));
        json_object_set_new(pj, "study_node_hours", json_real(y->study_node_hours));
        for (size_t t = 0; t < y->ntasks; t++)
            json_array_append_new(tasks, json_pack("{s:s, s:f, s:f, s:f, s:f}", "task",
                y->task[t].label, "study_node_hours", y->task[t].study_node_hours,
                "request_gib", y->task[t].request_gib, "failed_instances", y->task[t].failed,
                "retry_node_hours", y->task[t].retry_node_hours));
        json_object_set_new(pj, "tasks", tasks);
        json_object_set_new(pj, "storage", json_pack(
            "{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "raw_tb", y->raw_bytes / 1e12,
            "raw_files", y->raw_files, "peak_tb", y->peak_bytes / 1e12, "peak_tib",
            y->peak_bytes / TIB, "peak_files", y->peak_files, "peak_day", y->peak_day,
            "kept_tb", y->keep_bytes / 1e12, "kept_files", y->keep_files, "written_tb",
            y->written_bytes / 1e12, "written_files", y->written_files));
        for (int k = 0; k < y->ntiers; k++) {
            const req_tier *t = &y->tier[k];
            json_array_append_new(tiers, json_pack(
                "{s:s, s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:b, s:b}", "tier", t->tier->name,
                "peak_tb", t->peak_bytes / 1e12, "peak_files", t->peak_files, "peak_day",
                t->peak_day, "final_tb", t->final_bytes / 1e12, "final_files", t->final_files,
                "capacity_tb", isfinite(t->tier->capacity_tb) ? json_real(t->tier->capacity_tb) : json_null(),
                "inodes", isfinite(t->tier->inodes) ? json_real(t->tier->inodes) : json_null(),
                "exceeds_capacity", t->over_capacity, "exceeds_inodes", t->over_inodes));
        }
        json_object_set_new(pj, "tiers", tiers);
        json_array_append_new(plats, pj);
    }
    json_object_set_new(root, "platforms", plats);
    return est_json_write(fp, root, "request", err);
}
