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

/* "12,345" at and above 1,000 (no exponents, so a spreadsheet reads it); three significant
 * digits below */
static const char *grouped(char *buf, size_t n, double v)
{
    char raw[64];
    if (fabs(v) < 999.5) {
        /* below 1: three significant digits as plain decimals (0.000128, never 1.28e-04) */
        int dec = fabs(v) >= 99.95 ? 0 : fabs(v) >= 9.995 ? 1 : fabs(v) >= 0.9995 || v == 0 ? 2
                : 2 - (int)floor(log10(fabs(v)));
        snprintf(buf, n, "%.*f", dec > 15 ? 15 : dec, v);
        return buf;
    }
    snprintf(raw, sizeof raw, "%.0f", v);
    size_t len = strlen(raw), neg = raw[0] == '-', k = 0;
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > neg && (len - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = raw[i];
    }
    buf[k] = '\0';
    return buf;
}

/* a count: "117,174" */
static const char *count(char *buf, size_t n, double v)
{
    if (fabs(v) < 999.5) {
        snprintf(buf, n, "%.0f", v);
        return buf;
    }
    return grouped(buf, n, v);
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

static void md_storage(FILE *fp, const req_platform *x)
{
    char a[40], b[40], c[40], d[40], e[40], f[40], g[40];
    fprintf(fp, "\nStorage (TB = 10^12 bytes, TiB = 2^40 bytes; one file per dataset instance):\n\n");
    fprintf(fp, "| volume | TB | TiB | files | when |\n|---|---:|---:|---:|---|\n");
    fprintf(fp, "| raw data ingested | %s | %s | %s | before processing |\n",
            grouped(a, sizeof a, x->raw_bytes / 1e12), grouped(b, sizeof b, x->raw_bytes / TIB),
            count(c, sizeof c, x->raw_files));
    fprintf(fp, "| working set at its peak | %s | %s | %s | day %.2f (files: day %.2f) |\n",
            grouped(a, sizeof a, x->peak_bytes / 1e12), grouped(b, sizeof b, x->peak_bytes / TIB),
            count(c, sizeof c, x->peak_files), x->peak_day, x->peak_files_day);
    fprintf(fp, "| kept products (final) | %s | %s | %s | day %.2f |\n",
            grouped(a, sizeof a, x->keep_bytes / 1e12), grouped(b, sizeof b, x->keep_bytes / TIB),
            count(c, sizeof c, x->keep_files), x->makespan_days);
    fprintf(fp, "| everything ever written | %s | %s | %s | over the campaign |\n",
            grouped(a, sizeof a, x->written_bytes / 1e12),
            grouped(b, sizeof b, x->written_bytes / TIB), count(c, sizeof c, x->written_files));
    if (!x->ntiers) {
        fprintf(fp, "\nThe platform file has no storage block: no tiers or quotas to check.\n");
        return;
    }
    fprintf(fp, "\n| tier | holds | peak TB | peak files | peak day | final TB | final files "
            "| quota TB | quota files | volume | files |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (int i = 0; i < x->ntiers; i++) {
        const req_tier *y = &x->tier[i];
        const est_tier *t = y->tier;
        char holds[40] = "";
        if (t->holds & EST_HOLD_RAW) strcat(holds, "raw, ");
        if (t->holds & EST_HOLD_WORKING) strcat(holds, "working, ");
        if (t->holds & EST_HOLD_KEPT) strcat(holds, "kept, ");
        holds[strlen(holds) - 2] = '\0';
        if (isfinite(t->capacity_tb)) grouped(f, sizeof f, t->capacity_tb);
        else snprintf(f, sizeof f, "none");
        if (isfinite(t->inodes)) count(g, sizeof g, t->inodes);
        else snprintf(g, sizeof g, "none");
        fprintf(fp, "| %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s | %s |\n", t->name, holds,
                grouped(a, sizeof a, y->peak_bytes / 1e12), count(b, sizeof b, y->peak_files),
                y->peak_day, grouped(c, sizeof c, y->final_bytes / 1e12),
                count(d, sizeof d, y->final_files), f, g,
                isfinite(t->capacity_tb) ? flag(y->over_capacity) : "no quota",
                isfinite(t->inodes) ? flag(y->over_inodes) : "no quota");
    }
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
}

static void md_sensitivity(FILE *fp, const est_result *r, size_t p, const req_platform *x)
{
    const est_node_platform *np = &r->node[p];
    double base = x->study_node_hours / 24, nd, ndo;
    est_platform_totals(r, p, &nd, &ndo);
    fprintf(fp, "\nSensitivity: the other figures and what each assumption adds to the study's "
            "rule (node-days):\n\n| figure | node-days | adds | what it assumes |\n"
            "|---|---:|---:|---|\n");
    char nb[40];
#define Y1_ROW(name, v, what) fprintf(fp, "| %s | %s | %+.1f %% | %s |\n", name, \
                                      grouped(nb, sizeof nb, (v)), \
                                      base > 0 ? 100.0 * ((v) / base - 1) : 0.0, what)
    Y1_ROW("RTN-028 rule (Table 3)", base, "CPU hours x CPU factor / jobs per node; nodes never idle");
    Y1_ROW("optimistic packing", ndo, "jobs per node by the mean maxRSS instead of the largest");
    Y1_ROW("**campaign, recommended**", x->held_node_hours / 24,
           "nodes held for the whole campaign: dependencies and the tail leave nodes idle");
    Y1_ROW("campaign + retries", (x->held_node_hours + x->retry_node_hours) / 24,
           "plus the failed attempts of the retry contingency");
    if (np->has_occupancy)
        Y1_ROW("+ occupancy curve", np->nd_occupancy,
               "per-job slowdown with the jobs on a node (the platform's curve)");
    Y1_ROW("+ workflow overheads", np->nd_overheads, "dispatch latency per task, manager ceilings");
    Y1_ROW("mixed packing", np->nd_mixed, "task types share nodes (LP optimum)");
    Y1_ROW("charged cores", np->nd_charged_cores, "a job costs ceil(maxRSS / GiB per core) cores");
    Y1_ROW("all effects combined", np->nd_combined, "occupancy + overheads (+ mixed packing)");
    if (x->mc_samples > 0) {
        Y1_ROW("Monte Carlo 5 %", x->q05_node_hours / 24, "campaign, model and CPU-factor draws");
        Y1_ROW("Monte Carlo 95 %", x->q95_node_hours / 24, "campaign, model and CPU-factor draws");
    }
#undef Y1_ROW
}

void req_report_md(FILE *fp, const est_result *r, const req_platform *x, size_t n,
                   const req_opts *o)
{
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
        fprintf(fp, "\n\n| task | node-hours (study rule) | share | requestMemory at q (GiB) | "
                "instances over it | retry node-hours |\n|---|---:|---:|---:|---:|---:|\n");
        for (size_t t = 0; t < y->ntasks; t++) {
            const req_task *k = &y->task[t];
            fprintf(fp, "| %s | %s | %.1f %% | %.2f | %s | %s |\n", k->label,
                    grouped(a, sizeof a, k->study_node_hours),
                    y->study_node_hours > 0 ? 100 * k->study_node_hours / y->study_node_hours : 0.0,
                    k->request_gib, count(b, sizeof b, k->failed),
                    grouped(c, sizeof c, k->retry_node_hours));
        }
        fprintf(fp, "| held but idle or packed otherwise in the campaign | %s | | | | |\n",
                grouped(a, sizeof a, y->held_node_hours - y->study_node_hours));
        fprintf(fp, "| total held | %s | | | | %s |\n", grouped(a, sizeof a, y->held_node_hours),
                grouped(b, sizeof b, y->retry_node_hours));
        md_storage(fp, y);
        md_sensitivity(fp, r, (size_t)(pl - r->plat), y);
        fputc('\n', fp);
    }
}

void req_report_csv(FILE *fp, const req_platform *x, size_t n)
{
    fprintf(fp, "platform,nodes,node_hours,node_days,node_hours_p05,node_hours_p95,"
            "retry_node_hours,campaign_days,campaign_days_p05,campaign_days_p95,study_node_hours,"
            "raw_tb,raw_files,peak_tb,peak_files,peak_day,kept_tb,kept_files\n");
    for (size_t i = 0; i < n; i++) {
        const req_platform *y = &x[i];
        /* plain decimals (no exponents) so a spreadsheet takes every cell as a number */
        fprintf(fp, "%s,%ld,%.4f,%.4f,", y->plat->name, y->nodes, y->held_node_hours,
                y->held_node_hours / 24);
        if (y->mc_samples > 0) fprintf(fp, "%.4f,%.4f,", y->q05_node_hours, y->q95_node_hours);
        else fputs(",,", fp);
        fprintf(fp, "%.4f,%.4f,", y->retry_node_hours, y->makespan_days);
        if (y->mc_samples > 0) fprintf(fp, "%.4f,%.4f,", y->q05_days, y->q95_days);
        else fputs(",,", fp);
        fprintf(fp, "%.4f,%.6f,%.0f,%.6f,%.0f,%.4f,%.6f,%.0f\n", y->study_node_hours,
                y->raw_bytes / 1e12, y->raw_files, y->peak_bytes / 1e12, y->peak_files,
                y->peak_day, y->keep_bytes / 1e12, y->keep_files);
    }
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
