/* estimate_report.c: the main job's outputs: Markdown, CSV and JSON, the --out directory with
 * its plots and coadds.csv, and the BPS memory file. CPU hours, GiB, TiB and PB; node-days. */
#include "estimator/report/report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common/y1_band.h"
#include "common/y1_list.h"
#include "common/y1_out.h"
#include "common/y1_sha256.h"
#include "cadence/synth.h"
#include "estimator/report/palette.h"
#include "estimator/report/plot.h"
#include "estimator/report/rtable.h"

/* ---- the estimate's tables, each described once and rendered as Markdown or CSV ----------
 * Groups: 0 the rows of the CSV file, 1 the Markdown-only total row (Table 2), the
 * per-platform total row that is Markdown's first view (Table 3) or the totals that are
 * Markdown's second view (Table 4). */

#define RAW(k, f) {k, f, 0}
#define PLAIN(k) {k, NULL, 0} /* CSV: a plain decimal, never an exponent */
static const est_col t1_cols[] = {
    {RAW("band", "%s"), {RAW("band", "%s")}, 0},
    {RAW("visits", "%lld"), {RAW("visits", "%lld")}, 1},
};

static const est_col t2_cols[] = {
    {RAW("task", "%s"), {RAW("task", "%s")}, 0},
    {RAW("level", "%s"), {RAW("level", "%s")}, 0},
    {RAW("instances", "%.0f"), {{"instances (M)", "%.3f", 1e6}}, 1},
    {PLAIN("cpu_hours"), {{"CPU hours (M)", "%.3f", 1e6}}, 1},
    {PLAIN("max_maxrss_gib"), {RAW("max(maxRSS) (GiB)", "%.2f")}, 1},
    {PLAIN("mean_maxrss_gib"), {RAW("mean(maxRSS) (GiB)", "%.2f")}, 1},
    {RAW("largest_n", "%lld"), {RAW("largest n", "%lld")}, 1},
};

/* Markdown view 0: the platforms (group 1), view 1: their tasks (group 0) */
static const est_col t3_cols[] = {
    {RAW("platform", "%s"), {RAW("platform", "%s"), RAW("platform", "%s")}, 0},
    {RAW("task", "%s"), {{0}, RAW("task", "%s")}, 0},
    {PLAIN("cpu_factor"), {RAW("CPU factor", "%g")}, 1},
    {RAW("cores_per_node", "%lld"), {RAW("cores/node", "%lld")}, 1},
    {PLAIN("memory_per_node_gib"), {RAW("memory/node (GiB)", "%g")}, 1},
    {PLAIN("memory_reserve_gib"), {RAW("reserve (GiB)", "%g")}, 1},
    {RAW("jobs_per_node", "%lld"), {{0}, RAW("jobs/node", "%lld")}, 1},
    {PLAIN("node_days"), {{"node-days (k)", "%.2f", 1e3}, RAW("node-days", "%.0f")}, 1},
    {RAW("jobs_per_node_optimistic", "%lld"), {{0}, RAW("jobs/node (optimistic)", "%lld")}, 1},
    {PLAIN("node_days_optimistic"),
     {{"optimistic node-days (k)", "%.2f", 1e3}, RAW("node-days (optimistic)", "%.0f")}, 1},
    {RAW("k_best", "%lld"), {{0}}, 1},
    {PLAIN("slowdown"), {{0}}, 1},
    {PLAIN("node_days_occupancy"), {{0}}, 1},
    {PLAIN("node_days_overheads"), {{0}}, 1},
    {PLAIN("node_days_mixed"), {{0}}, 1},
    {PLAIN("node_days_charged_cores"), {{0}}, 1},
    {PLAIN("node_days_combined"), {{0}}, 1},
    {RAW("short_task", "%lld"), {{0}}, 1},
};
/* The workload's counts and the visits per coadd by band: Markdown only */
static const est_col wl_cols[] = {
    {RAW("quantity", "%s"), {RAW("quantity", "%s")}, 0},
    {RAW("count", "%lld"), {RAW("count", "%lld")}, 1},
    {RAW("note", "%s"), {RAW("note", "%s")}, 0},
};

static const est_col nvis_cols[] = {
    {RAW("band", "%s"), {RAW("band", "%s")}, 0},
    {RAW("coadds", "%lld"), {RAW("coadds", "%lld")}, 1},
    {PLAIN("mean_n"), {RAW("mean n", "%.2f")}, 1},
    {RAW("n_q05", "%lld"), {RAW("5%", "%lld")}, 1},
    {RAW("n_median", "%lld"), {RAW("median", "%lld")}, 1},
    {RAW("n_q95", "%lld"), {RAW("95%", "%lld")}, 1},
    {RAW("n_max", "%lld"), {RAW("max", "%lld")}, 1},
};

/* Beyond the study: node-days per platform under each assumption, thousands in Markdown */
#define KND(h) {h, "%.2f", 1e3}
static const est_col beyond_cols[] = {
    {RAW("platform", "%s"), {RAW("platform", "%s")}, 0},
    {PLAIN("node_days_study"), {KND("study (linear)")}, 1},
    {PLAIN("node_days_occupancy"), {KND("+ occupancy curve")}, 1},
    {PLAIN("node_days_overheads"), {KND("+ workflow overheads")}, 1},
    {PLAIN("node_days_mixed"), {KND("mixed packing")}, 1},
    {PLAIN("node_days_lower_bound"), {KND("lower bound")}, 1},
    {PLAIN("node_days_charged_cores"), {KND("charged cores")}, 1},
    {PLAIN("node_days_combined"), {KND("combined")}, 1},
    {RAW("managers_needed", "%lld"), {RAW("managers", "%lld")}, 1},
    {RAW("k_peak", "%lld"), {RAW("k at peak", "%lld")}, 1},
};
#undef KND

/* Table 4: the products (group 0, Markdown view 0) and the totals all, kept and raw (group 1,
 * view 1); CSV has both. Volumes are bytes: TiB = 2^40 B, PB = 10^15 B. */
#define TIB 1099511627776.0
static const est_col t4_cols[] = {
    {RAW("task", "%s"), {RAW("task", "%s")}, 0},
    {{0}, {{0}, RAW("total", "%s")}, 0},
    {RAW("dataset", "%s"), {RAW("dataset type", "%s")}, 0},
    {PLAIN("size"), {RAW("file size", "%.1f")}, 1},
    {RAW("unit", "%s"), {{0}}, 0},
    {RAW("basis", "%s"), {RAW("basis", "%s")}, 0},
    {RAW("instances", "%.0f"), {{"instances (M)", "%.2f", 1e6}}, 1},
    {RAW("total_bytes", "%.0f"), {{0}}, 1},
    {{"total_tib", NULL, TIB}, {{"total (TiB)", "%.0f", TIB}, {"TiB (2^40 B)", "%.0f", TIB}}, 1},
    {{0}, {{0}, {"PB (10^15 B)", "%.2f", 1e15}}, 1},
    {{0}, {{0}, RAW("x raw", "%.1f")}, 1},
    {RAW("keep", "true|false"), {RAW("keep", "Y|")}, 0},
};
#undef RAW
#undef PLAIN
#define NCOLS(a) (sizeof a / sizeof a[0])

static int table1(est_dtab *t, const est_result *r, y1_err *err)
{
    int rc = Y1_OK;
    est_dtab_init(t, t1_cols, NCOLS(t1_cols));
    for (int b = 0; b < Y1_NBANDS && !rc; b++)
        rc = est_dtab_row(t, 0, (est_cell[]){EST_T(y1_band_name(b)), EST_I(r->visits_per_band[b])},
                          err);
    if (!rc) rc = est_dtab_row(t, 0, (est_cell[]){EST_T("total"), EST_I(r->visits)}, err);
    return rc;
}

static int table2(est_dtab *t, const est_result *r, y1_err *err)
{
    int rc = Y1_OK;
    double cpu_total = 0;
    est_dtab_init(t, t2_cols, NCOLS(t2_cols));
    for (size_t i = 0; i < r->ntasks && !rc; i++) {
        const est_task_row *x = &r->t2[i];
        cpu_total += x->cpu_hours;
        rc = est_dtab_row(t, 0, (est_cell[]){EST_T(x->task->label),
                                            EST_T(mdl_level_name(x->task->level)),
                                            EST_R(x->instances), EST_R(x->cpu_hours),
                                            EST_R(x->max_rss_gib), EST_R(x->mean_rss_gib),
                                            EST_I(x->n_max)}, err);
    }
    if (!rc)
        rc = est_dtab_row(t, 1, (est_cell[]){EST_T("total"), EST_NONE, EST_NONE, EST_R(cpu_total),
                                            EST_NONE, EST_NONE, EST_NONE}, err);
    return rc;
}

static int table3(est_dtab *t, const est_result *r, y1_err *err)
{
    int rc = Y1_OK;
    est_dtab_init(t, t3_cols, NCOLS(t3_cols));
    for (size_t p = 0; p < r->nplat && !rc; p++) {
        const est_platform *pl = &r->plat[p];
        for (size_t i = 0; i < r->ntasks && !rc; i++) {
            const est_node_row *n = &r->t3[p * r->ntasks + i];
            const est_node_task *x = &r->node[p].task[i];
            rc = est_dtab_row(t, 0, (est_cell[]){
                EST_T(pl->name), EST_T(r->t2[i].task->label), EST_R(pl->cpu_factor),
                EST_I(pl->cores_per_node), EST_R(pl->memory_per_node_gib),
                EST_R(pl->memory_reserve_gib), EST_I(n->jobs_per_node), EST_R(n->node_hours / 24),
                EST_I(n->jobs_per_node_optimistic), EST_R(n->node_hours_optimistic / 24),
                EST_I(x->k_best), EST_R(x->slowdown), EST_R(x->nd_occupancy),
                EST_R(x->nd_overheads), EST_R(x->nd_mixed_share), EST_R(x->nd_charged_cores),
                EST_R(x->nd_combined), EST_I(x->short_task)}, err);
        }
        double nd, ndo;
        est_platform_totals(r, p, &nd, &ndo);
        const est_node_platform *x = &r->node[p];
        if (!rc)
            rc = est_dtab_row(t, 1, (est_cell[]){
                EST_T(pl->name), EST_T("total"), EST_R(pl->cpu_factor), EST_I(pl->cores_per_node),
                EST_R(pl->memory_per_node_gib), EST_R(pl->memory_reserve_gib), EST_NONE,
                EST_R(nd), EST_NONE, EST_R(ndo), EST_NONE, EST_NONE, EST_R(x->nd_occupancy),
                EST_R(x->nd_overheads), EST_R(x->nd_mixed), EST_R(x->nd_charged_cores),
                EST_R(x->nd_combined), EST_NONE}, err);
    }
    return rc;
}

static int table_workload(est_dtab *t, const est_result *r, y1_err *err)
{
    const est_workload *w = &r->w;
    int rc;
    est_dtab_init(t, wl_cols, NCOLS(wl_cols));
    const char *ccd = est_dtab_textf(t, "visits x %d CCDs", r->coadds.ccds_per_visit);
    const char *warps = est_dtab_textf(t, "%.1f (tract, patch) per visit", w->visits > 0
                                       ? (double)w->warps / (double)w->visits : 0.0);
    if ((rc = est_dtab_row(t, 0, (est_cell[]){EST_T("visits"), EST_I(w->visits), EST_NONE}, err)) ||
        (rc = est_dtab_row(t, 0, (est_cell[]){EST_T("CCD-visits"), EST_I(w->ccd_visits),
                                             EST_T(ccd)}, err)) ||
        (rc = est_dtab_row(t, 0, (est_cell[]){EST_T("warps"), EST_I(w->warps), EST_T(warps)},
                           err)) ||
        (rc = est_dtab_row(t, 0, (est_cell[]){EST_T("coadds"), EST_I(w->coadds),
                                             EST_T("(tract, patch, band) with n >= 1")}, err)))
        return rc;
    return est_dtab_row(t, 0, (est_cell[]){EST_T("patches"), EST_I(w->patches),
                                          EST_T("(tract, patch) with any band")}, err);
}

static int table_nvisits(est_dtab *t, const est_result *r, y1_err *err)
{
    est_nstats ns[Y1_NBANDS];
    int rc = Y1_OK;
    est_dtab_init(t, nvis_cols, NCOLS(nvis_cols));
    if ((rc = est_result_nstats(r, ns, err))) return rc;
    for (int b = 0; b < Y1_NBANDS && !rc; b++)
        rc = est_dtab_row(t, 0, (est_cell[]){EST_T(y1_band_name(b)), EST_I(ns[b].coadds),
                                            EST_R(ns[b].mean), EST_I(ns[b].q05),
                                            EST_I(ns[b].median), EST_I(ns[b].q95),
                                            EST_I(ns[b].max)}, err);
    return rc;
}

static int table_beyond(est_dtab *t, const est_result *r, y1_err *err)
{
    int rc = Y1_OK;
    est_dtab_init(t, beyond_cols, NCOLS(beyond_cols));
    for (size_t p = 0; p < r->nplat && !rc; p++) {
        const est_node_platform *n = &r->node[p];
        rc = est_dtab_row(t, 0, (est_cell[]){
            EST_T(r->plat[p].name), EST_R(n->nd_study),
            EST_RN(n->nd_occupancy, n->has_occupancy ? NULL : "(no curve)"),
            EST_R(n->nd_overheads), EST_R(n->nd_mixed), EST_R(n->nd_mixed_lower_bound),
            EST_R(n->nd_charged_cores), EST_R(n->nd_combined), EST_I(n->managers_needed),
            EST_I(n->k_peak)}, err);
    }
    return rc;
}

static int table4(est_dtab *t, const est_result *r, y1_err *err)
{
    const est_disk *d = &r->disk;
    const est_product *raw = &r->prod.raw;
    int rc = Y1_OK;
    est_dtab_init(t, t4_cols, NCOLS(t4_cols));
    for (size_t i = 0; i < r->prod.n && !rc; i++) {
        const est_product *p = &r->prod.v[i];
        rc = est_dtab_row(t, 0, (est_cell[]){
            EST_T(p->task), EST_NONE, EST_T(p->dataset), EST_RN(p->size, p->unit), EST_T(p->unit),
            EST_T(mdl_level_name(p->basis)), EST_R(est_level_instances(&r->w, p->basis)),
            EST_R(d->bytes[i]), EST_R(d->bytes[i]), EST_NONE, EST_NONE, EST_B(p->keep)}, err);
    }
    const char *raw_label = est_dtab_textf(t, "raw (%.0f %s per CCD)", raw->size, raw->unit);
    double x_all = d->raw_bytes > 0 ? d->all_bytes / d->raw_bytes : 0.0;
    double x_keep = d->raw_bytes > 0 ? d->keep_bytes / d->raw_bytes : 0.0;
    if (!rc)
        rc = est_dtab_row(t, 1, (est_cell[]){
            EST_T("all"), EST_T("all products"), EST_NONE, EST_NONE, EST_NONE, EST_NONE,
            EST_NONE, EST_R(d->all_bytes), EST_R(d->all_bytes), EST_R(d->all_bytes),
            EST_R(x_all), EST_NONE}, err);
    if (!rc)
        rc = est_dtab_row(t, 1, (est_cell[]){
            EST_T("kept"), EST_T("kept products"), EST_NONE, EST_NONE, EST_NONE, EST_NONE,
            EST_NONE, EST_R(d->keep_bytes), EST_R(d->keep_bytes), EST_R(d->keep_bytes),
            EST_R(x_keep), EST_NONE}, err);
    if (!rc)
        rc = est_dtab_row(t, 1, (est_cell[]){
            EST_T("raw"), EST_T(raw_label), EST_T("raw"), EST_R(raw->size), EST_T(raw->unit),
            EST_T(mdl_level_name(raw->basis)), EST_R(est_level_instances(&r->w, raw->basis)),
            EST_R(d->raw_bytes), EST_R(d->raw_bytes), EST_R(d->raw_bytes), EST_R(1.0),
            EST_NONE}, err);
    return rc;
}

typedef int (*table_fn)(est_dtab *t, const est_result *r, y1_err *err);

/* Build table fn and render it: Markdown view v of group g, or CSV of group g when v < 0. */
static int render(FILE *fp, table_fn fn, const est_result *r, int v, int g, y1_err *err)
{
    est_dtab t;
    int rc = fn(&t, r, err);
    if (!rc) {
        if (v < 0) est_dtab_csv(fp, &t, g);
        else est_dtab_md(fp, &t, v, g);
    }
    est_dtab_clear(&t);
    return rc;
}

/* ---- text reports --------------------------------------------------------------------- */

void est_synthetic_banner(FILE *fp, const est_result *r)
{
    if (r->synthetic == 1)
        fprintf(fp, "> The cadence is y1est's SYNTHETIC stand-in for OpSim baseline v2.0, not the "
                "real file. Pass --cadence baseline_v2.0_10yrs.db for real numbers.\n\n");
    else if (r->synthetic < 0)
        fprintf(fp, "> The workload file does not record its cadence: whether these numbers come "
                "from synthetic inputs is UNKNOWN. Rewrite it with this version's --out.\n\n");
}

static void md_provenance(FILE *fp, const est_result *r)
{
    fprintf(fp, "- %s\n", r->cadence);
    if (r->selection[0]) fprintf(fp, "- selection: %s\n", r->selection);
    if (r->programs[0]) fprintf(fp, "- programs from: %s\n", r->programs);
    fprintf(fp, "- footprint: %s\n- sky map: %s\n- models: %s\n- products: %s\n", r->footprint,
            r->skymap, r->models, r->products);
    for (size_t p = 0; p < r->nplat; p++) {
        char id[320];
        y1_file_ident(r->plat[p].path, id, sizeof id);
        fprintf(fp, "- platform: %s, %s%s%s\n", r->plat[p].name, id,
                r->plat[p].description[0] ? ": " : "", r->plat[p].description);
    }
}

int est_report_md(FILE *fp, const est_result *r, y1_err *err)
{
    int rc;
    fprintf(fp, "# y1est: resource estimate\n\n");
    est_synthetic_banner(fp, r);
    md_provenance(fp, r);

    fprintf(fp, "\n## Table 1: visits per band\n\n");
    if ((rc = render(fp, table1, r, 0, -1, err))) return rc;

    fprintf(fp, "\n## Workload\n\n");
    if ((rc = render(fp, table_workload, r, 0, -1, err))) return rc;
    fprintf(fp, "\nVisits per coadd (n) by band:\n\n");
    if ((rc = render(fp, table_nvisits, r, 0, -1, err))) return rc;

    fprintf(fp, "\n## Table 2: per-task requirements\n\n");
    if ((rc = render(fp, table2, r, 0, -1, err))) return rc;

    fprintf(fp, "\n## Table 3: node-days per platform\n\n");
    if ((rc = render(fp, table3, r, 0, 1, err))) return rc;
    for (size_t p = 0; p < r->nplat; p++)
        if (isfinite(r->plat[p].node_hour_cost)) {
            double nd, ndo;
            est_platform_totals(r, p, &nd, &ndo);
            fprintf(fp, "\nCost on %s at %g per node-hour (node_hour_cost): %.0f (optimistic %.0f).\n",
                    r->plat[p].name, r->plat[p].node_hour_cost, nd * 24 * r->plat[p].node_hour_cost,
                    ndo * 24 * r->plat[p].node_hour_cost);
        }
    fprintf(fp, "\njobs/node = min(cores, floor((memory - reserve) / max maxRSS)); node-hours = "
            "CPU hours x CPU factor / jobs/node (RTN-028 method). The optimistic figure packs by "
            "mean maxRSS.\n\n");
    if ((rc = render(fp, table3, r, 1, 0, err))) return rc;

    fprintf(fp, "\n### Beyond the study: what each assumption costs (node-days, k)\n\n");
    if ((rc = render(fp, table_beyond, r, 0, -1, err))) return rc;
    fputc('\n', fp);
    for (size_t p = 0; p < r->nplat; p++) {
        char note[1024];
        if (est_node_note(&r->plat[p], &r->node[p], note, sizeof note) > 0)
            fprintf(fp, "- %s\n", note);
        /* tasks whose best concurrency is below the cores/memory limit, in one line */
        char list[1024] = "";
        int kb = 0;
        double sl = 0;
        for (size_t t = 0; t < r->ntasks && r->node[p].has_occupancy; t++) {
            const est_node_task *x = &r->node[p].task[t];
            if (x->k_best >= r->t3[p * r->ntasks + t].jobs_per_node) continue;
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", r->t2[t].task->label);
            kb = x->k_best;
            sl = x->slowdown;
        }
        if (list[0])
            fprintf(fp, "- %s: the throughput-optimal concurrency is below the core and memory "
                    "limit for %s (e.g. k = %d, slowdown %.2f)\n", r->plat[p].name, list, kb, sl);
        for (size_t t = 0; t < r->ntasks; t++)
            if (r->node[p].task[t].short_task)
                fprintf(fp, "- %s, %s: mean run time %.0f s is comparable to the dispatch "
                        "latency\n", r->plat[p].name, r->t2[t].task->label,
                        r->node[p].task[t].run_s);
    }
    fprintf(fp, "\nOccupancy: per-job slowdown s(k) from CPU clock, I/O and memory contention, "
            "fitted to the platform's (k, throughput) points; mixed packing: an exact LP over "
            "node configurations of one or two task types (Work Queue contract); charged cores: "
            "ceil(maxRSS / GiB-per-core) cores per job; overheads: dispatch latency per task "
            "and per-manager ceilings. See README, \"Beyond the study\".\n");

    fprintf(fp, "\n## Table 4: data products\n\n");
    if ((rc = render(fp, table4, r, 0, 0, err))) return rc;
    fputc('\n', fp);
    if ((rc = render(fp, table4, r, 1, 1, err))) return rc;
    fprintf(fp, "\nUnits: product sizes are as given in the products file (the study's sizes are "
            "MiB); the study prints its totals as TiB/1000 (\"21 PB\" for 20,570 TiB) and raw in "
            "decimal PB.\n");
    return Y1_OK;
}

/* summary.json; json_pack keeps each object on one line ("s:f" a real, "s:I" an integer) */
static json_t *summary_json(const est_result *r)
{
    json_t *v = json_object(), *nst = json_object(), *tasks = json_array(), *plats = json_array();
    est_nstats ns[Y1_NBANDS];
    y1_err e;
    if (est_result_nstats(r, ns, &e)) { /* est_json_write says out of memory */
        json_decref(v), json_decref(nst), json_decref(tasks), json_decref(plats);
        return NULL;
    }
    for (int b = 0; b < 6; b++) {
        est_nstats st = ns[b];
        char k[2] = {y1_band_letters[b], 0};
        json_object_set_new(v, k, json_integer(r->visits_per_band[b]));
        json_object_set_new(nst, k, json_pack("{s:I, s:f, s:i, s:i, s:i}", "coadds",
                                              (json_int_t)st.coadds, "mean", st.mean, "median",
                                              st.median, "q95", st.q95, "max", st.max));
    }
    json_object_set_new(v, "total", json_integer(r->visits));
    for (size_t t = 0; t < r->ntasks; t++) {
        const est_task_row *x = &r->t2[t];
        json_array_append_new(tasks, json_pack("{s:s, s:s, s:f, s:f, s:f, s:f}", "name",
                                               x->task->label, "level",
                                               mdl_level_name(x->task->level), "instances",
                                               x->instances, "cpu_hours", x->cpu_hours,
                                               "max_maxrss_gib", x->max_rss_gib,
                                               "mean_maxrss_gib", x->mean_rss_gib));
    }
    char plat_id[r->nplat ? r->nplat : 1][320];
    for (size_t p = 0; p < r->nplat; p++) {
        double nd, ndo;
        const est_node_platform *np = &r->node[p];
        y1_file_ident(r->plat[p].path, plat_id[p], sizeof plat_id[p]);
        json_t *per = json_array();
        est_platform_totals(r, p, &nd, &ndo);
        for (size_t t = 0; t < r->ntasks; t++) {
            const est_node_row *n = &r->t3[p * r->ntasks + t];
            const est_node_task *x = &np->task[t];
            json_array_append_new(per, json_pack(
                "{s:s, s:I, s:f, s:I, s:f, s:i, s:f, s:f, s:f, s:f, s:b}",
                "task", r->t2[t].task->label, "jobs_per_node", (json_int_t)n->jobs_per_node,
                "node_days", n->node_hours / 24, "jobs_per_node_optimistic",
                (json_int_t)n->jobs_per_node_optimistic, "node_days_optimistic",
                n->node_hours_optimistic / 24, "k_best", x->k_best, "slowdown", x->slowdown,
                "node_days_occupancy", x->nd_occupancy, "node_days_overheads", x->nd_overheads,
                "node_days_combined", x->nd_combined, "short_task", x->short_task));
        }
        json_array_append_new(plats, json_pack(
            "{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:b, s:o}",
            "name", r->plat[p].name, "file", plat_id[p], "node_days", nd,
            "node_days_optimistic", ndo, "node_days_occupancy", np->nd_occupancy,
            "node_days_overheads", np->nd_overheads, "node_days_mixed_packing", np->nd_mixed,
            "node_days_lower_bound", np->nd_mixed_lower_bound, "node_days_charged_cores",
            np->nd_charged_cores, "node_days_combined", np->nd_combined, "managers_needed",
            np->managers_needed, "has_occupancy_curve", np->has_occupancy, "tasks", per));
    }
    const est_disk *d = &r->disk;
    return json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:o}, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o,"
        " s:{s:f, s:f, s:f, s:f, s:f, s:f, s:s}}",
        "provenance", "cadence", r->cadence, "selection", r->selection, "footprint",
        r->footprint, "skymap", r->skymap, "models", r->models, "products", r->products,
        "synthetic_cadence", r->synthetic < 0 ? json_null() : json_boolean(r->synthetic),
        "visits", v, "ccd_visits", (json_int_t)r->w.ccd_visits, "warps", (json_int_t)r->w.warps,
        "coadds", (json_int_t)r->w.coadds, "patches", (json_int_t)r->w.patches,
        "visits_per_coadd", nst, "tasks", tasks, "platforms", plats,
        "disk", "all_tb", d->all_bytes / 1e12, "keep_tb", d->keep_bytes / 1e12, "raw_tb",
        d->raw_bytes / 1e12, "all_tib", d->all_bytes / TIB, "keep_tib", d->keep_bytes / TIB,
        "raw_tib", d->raw_bytes / TIB, "units",
        "*_tb: TB = 10^12 bytes; *_tib: TiB = 2^40 bytes");
}

int est_report_json(FILE *fp, const est_result *r, y1_err *err)
{
    return est_json_write(fp, summary_json(r), "summary", err);
}

/* ---- the --out directory ---------------------------------------------------------------- */

typedef int (*writer_fn)(FILE *fp, const est_result *r, y1_err *err);

static int write_file(const char *dir, const char *name, writer_fn fn, const est_result *r,
                      y1_err *err)
{
    char path[1200];
    y1_out *o = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = y1_out_open(&o, path, err);
    if (rc) return rc;
    if ((rc = fn(y1_out_fp(o), r, err))) {
        y1_out_abort(o);
        return rc;
    }
    return y1_out_commit(o, err);
}

static int w_table1(FILE *fp, const est_result *r, y1_err *err)
{
    return render(fp, table1, r, -1, -1, err);
}

static int w_table2(FILE *fp, const est_result *r, y1_err *err)
{
    return render(fp, table2, r, -1, 0, err);
}

static int w_table3(FILE *fp, const est_result *r, y1_err *err)
{
    return render(fp, table3, r, -1, -1, err);
}

static int w_table4(FILE *fp, const est_result *r, y1_err *err)
{
    return render(fp, table4, r, -1, -1, err);
}

/* The tables by name, as --table and the --out files call them */
static const char *const table_names[] = {"table1", "table2", "table3", "table4"};
#define NTABLES (sizeof table_names / sizeof table_names[0])

int est_report_table_known(const char *name)
{
    for (size_t i = 0; name && i < NTABLES; i++)
        if (!strcmp(name, table_names[i])) return 1;
    return 0;
}

const char *est_report_table_list(void)
{
    static char list[64];
    if (!list[0]) y1_list_join(list, sizeof list, table_names, NTABLES, " or ");
    return list;
}

int est_report_csv_table(FILE *fp, const est_result *r, const char *name, y1_err *err)
{
    const writer_fn w[NTABLES] = {w_table1, w_table2, w_table3, w_table4};
    for (size_t i = 0; i < NTABLES; i++)
        if (!strcmp(name, table_names[i])) return w[i](fp, r, err);
    return Y1_EUSAGE;
}

/* stdout CSV: the four tables one after another, each after a "# Table N" line; Table 3 as in
 * table3.csv, with a total row per platform. */

int est_report_csv(FILE *fp, const est_result *r, y1_err *err)
{
    int rc;
    fputs("# Table 1\n", fp);
    if ((rc = w_table1(fp, r, err))) return rc;
    fputs("\n# Table 2\n", fp);
    if ((rc = w_table2(fp, r, err))) return rc;
    fputs("\n# Table 3\n", fp);
    if ((rc = w_table3(fp, r, err))) return rc;
    fputs("\n# Table 4\n", fp);
    return w_table4(fp, r, err);
}

/* Figure 2: fraction of each band's coadds with exactly n visits, with the study's digitised
 * curve beside it when data/rtn028/fig2_digitized.csv is there. */
static int plot_fig2(const est_result *r, const char *path, y1_err *err)
{
    int maxn = r->w.max_coadd_n > 0 ? r->w.max_coadd_n : 1;
    double *xs = calloc((size_t)maxn + 1, sizeof *xs), *ys = calloc(6 * ((size_t)maxn + 1), sizeof *ys);
    plot_series s[12];
    static double ref_n[CAD_SYNTH_FIG2_NMAX];
    cad_synth_fig2 *ref = NULL;
    int rc;
    if (!xs || !ys) { free(xs); free(ys); return y1_errf(err, Y1_ENOMEM, "plot: out of memory"); }
    for (int n = 0; n <= maxn; n++) xs[n] = n;
    int64_t count[6] = {0};
    for (size_t i = 0; i < r->coadds.n; i++) {
        ys[r->coadds.v[i].band * (maxn + 1) + r->coadds.v[i].n] += 1;
        count[r->coadds.v[i].band]++;
    }
    static const unsigned colours[6] = {0x7b3fa0, 0x2c8c2c, 0xd62728, 0xe07b00, 0x6b4c2a, 0x333333};
    for (int b = 0; b < 6; b++) {
        for (int n = 0; n <= maxn; n++)
            if (count[b]) ys[b * (maxn + 1) + n] /= (double)count[b];
        s[b] = (plot_series){.name = y1_band_name(b), .x = xs + 1, .y = ys + b * (maxn + 1) + 1,
                             .n = (size_t)maxn, .rgb = colours[b], .style = PLOT_LINE,
                             .size_px = 2.0};
    }
    /* the study's curve, read by its one reader; a data directory without it has no overlay */
    size_t nref = 0, ns = 6;
    if (r->fig2_reference[0] && access(r->fig2_reference, F_OK) == 0) {
        if (!(ref = malloc(sizeof *ref))) {
            rc = y1_errf(err, Y1_ENOMEM, "plot: out of memory");
            goto done;
        }
        if ((rc = cad_synth_fig2_read(r->fig2_reference, ref, err))) goto done;
        nref = (size_t)ref->rows - 1;
        for (size_t k = 0; k < nref; k++) ref_n[k] = (double)(k + 1);
    }
    for (int b = 0; nref && b < 6; b++)
        s[ns++] = (plot_series){.name = b == 0 ? "points: RTN-028 Figure 2 (digitised)" : "",
                                .x = ref_n, .y = ref->frac[b] + 1, .n = nref, .rgb = colours[b],
                                .style = PLOT_POINTS, .size_px = 2.0};
    plot_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.title = "Visits per patch per band (lines: this run; points: RTN-028 Figure 2)";
    sp.xlabel = "visits per (tract, patch) coadd, n";
    sp.ylabel = "fraction of the band's coadds";
    sp.format = (plot_format)r->plot_format;
    sp.series = s;
    sp.nseries = ns;
    rc = plot_scatter(path, &sp, err);
done:
    free(ref);
    free(xs);
    free(ys);
    return rc;
}

static int plot_fig1(const est_result *r, const char *path, y1_err *err)
{
    static const char *names[EST_NCLASS] = {"Other", "WFD", "DDF", "unlabelled"};
    static const unsigned colours[EST_NCLASS] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0x888888};
    plot_series s[EST_NCLASS];
    size_t ns = 0;
    for (int c = 0; c < EST_NCLASS; c++) {
        const est_points *p = &r->pointings[c];
        if (p->n) s[ns++] = (plot_series){.name = names[c], .x = p->ra, .y = p->dec, .n = p->n,
                                          .rgb = colours[c], .style = PLOT_POINTS,
                                          .size_px = 0.6};
    }
    plot_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.title = "Pointings of the selected nights by program (cf. RTN-028 Figure 1)";
    sp.format = (plot_format)r->plot_format;
    sp.series = s;
    sp.nseries = ns;
    return ns ? plot_sky(path, &sp, err) : Y1_OK;
}

static int plot_nodedays(const est_result *r, const char *path, y1_err *err)
{
    const char **cats = calloc(r->nplat + 1, sizeof *cats);
    double *y = calloc(r->nplat * r->ntasks + 1, sizeof *y);
    plot_series *s = calloc(r->ntasks + 1, sizeof *s);
    int rc;
    if (!cats || !y || !s) { rc = y1_errf(err, Y1_ENOMEM, "plot: out of memory"); goto done; }
    for (size_t p = 0; p < r->nplat; p++) cats[p] = r->plat[p].name;
    for (size_t t = 0; t < r->ntasks; t++) {
        for (size_t p = 0; p < r->nplat; p++)
            y[t * r->nplat + p] = r->t3[p * r->ntasks + t].node_hours / 24.0 / 1e3;
        s[t] = (plot_series){.name = r->t2[t].task->label, .y = y + t * r->nplat,
                             .n = r->nplat, .rgb = plot_palette_task(r->t2[t].task->label)};
    }
    plot_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.title = "Node-days per platform, by task (RTN-028 packing)";
    sp.format = (plot_format)r->plot_format;
    sp.bar_totals = 1;
    sp.total_suffix = " k";
    sp.legend_outside = 1;
    sp.log_ratio = 20; /* beyond that the small bars flatten: e.g. KNL's 200 k beside 4 k */
    sp.series = s;
    sp.nseries = r->ntasks;
    sp.categories = cats;
    sp.ncategories = r->nplat;
    /* on a log axis a segment's height is not its share: the label says which axis it is */
    sp.ylabel = plot_bars_log(&sp) ? "node-days (thousands, log scale)" : "node-days (thousands)";
    rc = plot_bars(path, &sp, err);
done:
    free(cats);
    free(y);
    free(s);
    return rc;
}

/* Volume per product: each bar in its product's colour from the palette (the same as in the
 * campaign's volume plot), kept products solid, the scratch ones (deleted after processing)
 * hatched; the raw input last, in the palette's colour of "raw". The legend's two swatches are
 * grey: they show the fill, the axis names the product. */
static int plot_disk(const est_result *r, const char *path, y1_err *err)
{
    size_t n = r->prod.n + 1;
    const char **cats = calloc(n, sizeof *cats);
    double *y = calloc(3 * n, sizeof *y);
    unsigned *rgb = calloc(n, sizeof *rgb);
    int rc;
    if (!cats || !y || !rgb) { rc = y1_errf(err, Y1_ENOMEM, "plot: out of memory"); goto done; }
    for (size_t i = 0; i < r->prod.n; i++) {
        cats[i] = r->prod.v[i].dataset;
        rgb[i] = plot_palette_product(r->prod.v[i].dataset);
        y[(r->prod.v[i].keep ? 0 : n) + i] = r->disk.bytes[i] / TIB;
    }
    cats[n - 1] = r->prod.raw.dataset[0] ? r->prod.raw.dataset : "raw";
    rgb[n - 1] = plot_palette_product(cats[n - 1]);
    y[2 * n + n - 1] = r->disk.raw_bytes / TIB;
    plot_series s[3] = {{.name = "solid: kept after processing", .y = y, .n = n,
                         .rgb = 0x7f7f7f, .rgbs = rgb},
                        {.name = "hatched: not kept (scratch)", .y = y + n, .n = n,
                         .rgb = 0x7f7f7f, .rgbs = rgb, .fill = PLOT_FILL_HATCHED},
                        {.name = "raw (input)", .y = y + 2 * n, .n = n, .rgb = rgb[n - 1]}};
    plot_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.title = "Y1 disk volume by data product (colour: the product's, as in every plot)";
    sp.ylabel = "TiB";
    sp.format = (plot_format)r->plot_format;
    sp.series = s;
    sp.nseries = 3;
    sp.categories = cats;
    sp.ncategories = n;
    sp.width_px = 1200;
    rc = plot_bars(path, &sp, err);
done:
    free(cats);
    free(y);
    free(rgb);
    return rc;
}


/* occupancy_<platform name, lower case, [a-z0-9-] only>.<ext> */
static void occupancy_png(const est_platform *p, const char *ext, char *buf, size_t n)
{
    char slug[80];
    size_t k = 0;
    for (const char *c = p->name; *c && k + 1 < sizeof slug; c++) {
        char ch = (char)tolower((unsigned char)*c);
        slug[k++] = (isalnum((unsigned char)ch) || ch == '-') ? ch : '-';
    }
    slug[k] = '\0';
    snprintf(buf, n, "occupancy_%s.%s", slug, ext);
}

static int plot_occupancy(const est_platform *p, const char *png_path, plot_format fmt,
                          y1_err *err);

int est_write_outdir(const est_result *r, const char *dir, y1_err *err)
{
    char stage[1100], a[1400];
    int rc = Y1_OK;
    /* everything is written into a staging directory first and moved into place only when
     * all files exist: a failed run leaves the previous outputs untouched */
    static const char *const managed[] = {"table[1-4].csv", "report.md", "coadds.csv",
                                          "summary.json", "visits_per_patch.png", "pointings.png",
                                          "node_days.png", "disk.png", "occupancy_*.png",
                                          "visits_per_patch.svg", "pointings.svg", "node_days.svg",
                                          "disk.svg", "occupancy_*.svg", "visits_per_patch.pdf",
                                          "pointings.pdf", "node_days.pdf", "disk.pdf",
                                          "occupancy_*.pdf", NULL};
    const char *ext = plot_format_ext((plot_format)r->plot_format);
    if ((rc = y1_stage_open(dir, stage, sizeof stage, err))) return rc;
    if ((rc = write_file(stage, "table1.csv", w_table1, r, err)) ||
        (rc = write_file(stage, "table2.csv", w_table2, r, err)) ||
        (rc = write_file(stage, "table3.csv", w_table3, r, err)) ||
        (rc = write_file(stage, "table4.csv", w_table4, r, err)) ||
        (rc = write_file(stage, "report.md", est_report_md, r, err)) ||
        (rc = write_file(stage, "summary.json", est_report_json, r, err)))
        goto done;
    snprintf(a, sizeof a, "%s/coadds.csv", stage);
    if ((rc = est_coadds_write(&r->coadds, a, err))) goto done;
    snprintf(a, sizeof a, "%s/visits_per_patch.%s", stage, ext);
    if ((rc = plot_fig2(r, a, err))) goto done;
    snprintf(a, sizeof a, "%s/pointings.%s", stage, ext);
    if (r->npointings && (rc = plot_fig1(r, a, err))) goto done;
    snprintf(a, sizeof a, "%s/node_days.%s", stage, ext);
    if ((rc = plot_nodedays(r, a, err))) goto done;
    snprintf(a, sizeof a, "%s/disk.%s", stage, ext);
    if ((rc = plot_disk(r, a, err))) goto done;
    /* the occupancy curve of every platform that has one (Figure 5 of the study) */
    for (size_t p = 0; p < r->nplat; p++) {
        if (!r->node[p].has_occupancy) continue;
        char name[120];
        occupancy_png(&r->plat[p], ext, name, sizeof name);
        snprintf(a, sizeof a, "%s/%s", stage, name);
        if ((rc = plot_occupancy(&r->plat[p], a, (plot_format)r->plot_format, err))) goto done;
    }
    return y1_stage_commit(stage, dir, managed, err);
done:
    y1_stage_abort(stage);
    return rc;
}

void est_report_bps(FILE *fp, const est_result *r, const est_bps_opts *o)
{
    int qc = est_n_quantile(&r->w, MDL_COADD, o->quantile);
    int qp = est_n_quantile(&r->w, MDL_PATCH, o->quantile);
    fprintf(fp, "# BPS settings written by y1est %s (ctrl_bps pipetask keys). Memory in MiB, which "
            "BPS and\n# HTCondor call MB.\n", Y1_VERSION);
    fprintf(fp, "# requestMemory: each task's maxRSS model at the %g quantile of the workload's "
            "n for that\n# task (coadd tasks: visits per coadd, n = %d of at most %d; patch tasks: "
            "visits summed\n# over bands, n = %d of at most %d; other tasks have one maxRSS), "
            "rounded up to the next MiB.\n", o->quantile, qc, r->w.max_coadd_n, qp,
            r->w.max_patch_n);
    fprintf(fp, "# requestCpus: 1, the study's per-task models are single-core runs.\n");
    if (o->memory_multiplier > 1 || o->retries >= 0)
        fprintf(fp, "# memoryMultiplier / numberOfRetries: as given to y1est (--bps-multiplier, "
                "--bps-retries):\n# a job that runs out of memory is retried with its request "
                "multiplied.\n");
    fprintf(fp, "# Models: %s\n# Workload: %s\n", r->models, r->cadence);
    for (size_t t = 0; t < r->ntasks; t++) {
        /* the instances above the request: they need the retries */
        const mdl_task *k = r->t2[t].task;
        int nq = est_n_quantile(&r->w, k->level, o->quantile);
        const int64_t *hist = k->level == MDL_COADD ? r->w.coadd_hist : r->w.patch_hist;
        int maxn = k->level == MDL_COADD ? r->w.max_coadd_n : r->w.max_patch_n;
        double req = nq < 0 || o->quantile >= 1 ? r->t2[t].max_rss_gib : mdl_maxrss_gib(k, nq);
        int64_t over = 0;
        for (int n = nq + 1; nq >= 0 && n <= maxn; n++)
            if (mdl_maxrss_gib(k, n) > req) over += hist[n];
        if (over)
            fprintf(fp, "#   %s: %lld of %.0f instances (%.1f %%) exceed %.0f MiB\n", k->label,
                    (long long)over, r->t2[t].instances, 100.0 * (double)over / r->t2[t].instances,
                    ceil(req * 1024.0));
    }
    if (o->memory_multiplier > 1) fprintf(fp, "memoryMultiplier: %g\n", o->memory_multiplier);
    if (o->retries >= 0) fprintf(fp, "numberOfRetries: %ld\n", o->retries);
    fputs("pipetask:\n", fp);
    for (size_t t = 0; t < r->ntasks; t++) {
        const mdl_task *k = r->t2[t].task;
        int nq = est_n_quantile(&r->w, k->level, o->quantile);
        double gib = nq < 0 || o->quantile >= 1 ? r->t2[t].max_rss_gib : mdl_maxrss_gib(k, nq);
        /* MiB, rounded up: a request below the model would fail the job */
        fprintf(fp, "  %s:\n    requestMemory: %.0f\n    requestCpus: 1\n", k->label,
                ceil(gib * 1024.0 - 1e-9));
    }
}

/* ---- node plots ---------------------------------------------------------------------- */

static int plot_occupancy(const est_platform *p, const char *png_path, plot_format fmt,
                          y1_err *err)
{
    const est_occupancy *o = &p->occ;
    if (!o->present)
        return y1_errf(err, Y1_EINPUT, "%s: platform %s has no occupancy block to plot", p->path,
                       p->name);
    size_t nk = (size_t)p->cores_per_node, np = (size_t)o->npoints;
    double *kx = malloc(nk * sizeof *kx), *tfit = malloc(nk * sizeof *tfit);
    double *tlin = malloc(nk * sizeof *tlin), *px = malloc(np * sizeof *px);
    double *py = malloc(np * sizeof *py);
    int rc;
    if (!kx || !tfit || !tlin || !px || !py) {
        rc = y1_errf(err, Y1_ENOMEM, "occupancy plot: out of memory");
        goto done;
    }
    for (size_t i = 0; i < nk; i++) {
        kx[i] = (double)(i + 1);
        tlin[i] = kx[i];
        tfit[i] = kx[i] / est_occ_slowdown(o, p->cores_per_node, kx[i]);
    }
    for (size_t i = 0; i < np; i++) {
        px[i] = o->k[i];
        py[i] = o->k[i] * o->w1 / o->wall[i];   /* throughput in one-job units */
    }
    char title[300], peak[64], pts[200];
    /* say whose points these are: a platform may borrow another's curve (its source says so) */
    int borrowed = strstr(o->source, "assumption") != NULL || strstr(o->source, "borrow") != NULL;
    snprintf(title, sizeof title, "%s: throughput vs concurrent jobs per node%s", p->name,
             borrowed ? " (curve BORROWED, not measured here)" : "");
    snprintf(pts, sizeof pts, "points: %.150s", o->source[0] ? o->source : "occupancy block");
    snprintf(peak, sizeof peak, "peak k = %ld", o->k_peak);
    /* the curve is the platform's, applied to every task: drawn in greys and black, none of
     * the palette's task colours (its blue and red read as isr and makeWarp elsewhere) */
    plot_series s[3] = {
        {.name = "linear (the study's assumption)", .x = kx, .y = tlin, .n = nk,
         .rgb = 0xaaaaaa, .style = PLOT_LINE},
        {.name = "fitted model k / s(k)", .x = kx, .y = tfit, .n = nk, .rgb = 0x555555,
         .style = PLOT_LINE},
        {.name = pts, .x = px, .y = py, .n = np, .rgb = 0x000000,
         .style = PLOT_POINTS, .size_px = 4},
    };
    plot_mark m = {.x = (double)o->k_peak, .label = peak, .rgb = PLOT_AUTO};
    plot_spec sp = {0};
    sp.title = title;
    sp.format = fmt;
    sp.xlabel = "concurrent jobs per node k";
    sp.ylabel = "throughput (jobs at the one-job rate)";
    sp.xmin = 0;
    sp.xmax = (double)p->cores_per_node;
    sp.ymin = 0;
    sp.ymax = 1.05 * (double)p->cores_per_node;
    sp.series = s;
    sp.nseries = 3;
    sp.marks = &m;
    sp.nmarks = 1;
    sp.points_over_lines = 1; /* the points lie on the fitted curve */
    rc = plot_scatter(png_path, &sp, err);
done:
    free(kx);
    free(tfit);
    free(tlin);
    free(px);
    free(py);
    return rc;
}

int est_node_plot_occupancy(const est_platform *p, const char *png_path, y1_err *err)
{
    return plot_occupancy(p, png_path, PLOT_PNG, err);
}
