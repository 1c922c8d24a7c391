/* pipe_report.c: the outputs of a pipeline file's estimate (--pipeline): Tables 1-4 described
 * once as report tables (rtable.h) and rendered as Markdown, CSV or JSON; summary.json and the
 * --out directory. CPU hours and seconds, node-days, TB (10^12 bytes) and PB. */
#include "estimator/report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/y1_band.h"
#include "common/y1_out.h"
#include "common/y1_sha256.h"
#include "estimator/pipe_estimate.h"
#include "estimator/report/rtable.h"

enum { T_VISITS, T_COUNTS, T_TASKS, T_PLATFORMS, T_STORAGE, T_TOTALS, T_N };

typedef struct pipe_tabs {
    est_tab t[T_N];
    char title3[200];
} pipe_tabs;

static const char *const c_visits[] = {"band", "#visits", NULL};
static const char *const c_counts[] = {"dimension", "#instances", "from", NULL};
static const char *const c_tasks[] = {"#order", "task", "dimensions", "#instances", "#largest n",
                                      "#CPU (h)", "#core-weighted CPU (h)", "#node-days",
                                      "#cumulative node-days", "#cumulative fraction", NULL};
static const char *const c_plat[] = {"platform", "#cores per node", "#memory per core (GiB)",
                                     "#RTN-028 node-days (jobs per node by memory)",
                                     "#RTN-109 node-days (core-weighted)",
                                     "#shortest campaign (days)", NULL};
static const char *const c_storage[] = {"dataset type", "task", "dimensions", "#files",
                                        "#size per file (MB)", "#total (TB)",
                                        "#cumulative fraction", "kept", "release", NULL};
static const char *const c_totals[] = {"subset", "#total (TB)", "#total (PB)", NULL};

static void tabs_clear(pipe_tabs *s)
{
    for (int i = 0; i < T_N; i++) est_tab_clear(&s->t[i]);
}

static const char *num(char *b, size_t n, double x, const char *fmt)
{
    if (isnan(x)) snprintf(b, n, "-");
    else snprintf(b, n, fmt, x);
    return b;
}

/* Every table of the estimate, in order. */
static int tabs_build(pipe_tabs *s, const est_result *r, y1_err *err)
{
    const est_pipe_est *e = r->pipe;
    const pipe_pipeline *p = e->p;
    const pipe_result *x = &e->ref;
    char a[64], b[64], c[64], d[64], f[64], dn[64];
    int rc = Y1_OK;
    memset(s, 0, sizeof *s);
    est_tab_init(&s->t[T_VISITS], "visits", "Table 1: visits per band", c_visits);
    est_tab_init(&s->t[T_COUNTS], "dimensions", "Dimension counts (instances of each quantum "
                 "dimension)", c_counts);
    est_tab_init(&s->t[T_TASKS], "tasks", "Table 2: per-task requirements in pipeline order "
                 "(RTN-109 conventions: 4 GiB per core, 120 cores per node)", c_tasks);
    if (e->nodes > 0)
        snprintf(s->title3, sizeof s->title3, "Table 3: node-days per platform, both conventions "
                 "(shortest campaign on %ld nodes = core-weighted node-days / %ld)", e->nodes,
                 e->nodes);
    else
        snprintf(s->title3, sizeof s->title3, "Table 3: node-days per platform, both conventions "
                 "(--nodes N adds the shortest campaign)");
    est_tab_init(&s->t[T_PLATFORMS], "platforms", s->title3, c_plat);
    est_tab_init(&s->t[T_STORAGE], "storage", "Table 4: storage per dataset type, largest first",
                 c_storage);
    est_tab_init(&s->t[T_TOTALS], "storage_totals", "Table 4 totals", c_totals);

    for (int i = 0; i < Y1_NBANDS && !rc; i++) {
        char band[2] = {y1_band_letters[i], 0};
        if (!(rc = est_tab_add(&s->t[T_VISITS], band, err)))
            rc = est_tab_addf(&s->t[T_VISITS], err, "%lld", (long long)r->visits_per_band[i]);
    }
    if (!rc && !(rc = est_tab_add(&s->t[T_VISITS], "total", err)))
        rc = est_tab_addf(&s->t[T_VISITS], err, "%lld", (long long)r->visits);

    /* the counts of the dimensions the pipeline uses */
    for (int dim = 0; dim < PIPE_DIM_COUNT && !rc; dim++) {
        uint32_t orders = 0;
        if (!est_pipe_uses(p, (pipe_dim)dim, &orders)) continue;
        for (int o = 0; o <= PIPE_HEALPIX_MAX_ORDER && !rc; o++) {
            int hp = dim == PIPE_DIM_HEALPIX || dim == PIPE_DIM_HEALPIX_BAND;
            if (hp ? !(orders >> o & 1) : o > 0) continue;
            double n = pipe_dim_count(&e->k, (pipe_dim)dim, o);
            if ((rc = est_tab_add(&s->t[T_COUNTS], pipe_dim_format((pipe_dim)dim, o, dn, sizeof dn),
                                  err)) ||
                (rc = est_tab_add(&s->t[T_COUNTS], num(a, sizeof a, n < 0 ? NAN : n, "%.0f"), err)))
                break;
            rc = est_tab_add(&s->t[T_COUNTS], e->count_src[dim][0] ? e->count_src[dim] : "-", err);
        }
    }

    for (size_t i = 0; i < p->n_tasks && !rc; i++) {
        const pipe_task *t = &p->tasks[i];
        const pipe_task_result *y = &x->tasks[i];
        rc = est_tab_addf(&s->t[T_TASKS], err, "%d", t->order);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], t->label, err);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], pipe_dim_format(t->dim, t->healpix_order, dn,
                                                                 sizeof dn), err);
        if (!rc) rc = est_tab_addf(&s->t[T_TASKS], err, "%.0f", y->instances);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], y->n_max ? num(a, sizeof a, y->n_max, "%.0f")
                                  : "-", err);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], num(a, sizeof a, y->cpu_s / 3600, "%.1f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], num(b, sizeof b, y->weighted_cpu_s / 3600, "%.1f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], num(c, sizeof c, y->node_days, "%.2f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], num(d, sizeof d, y->cum_node_days, "%.2f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_TASKS], num(f, sizeof f, x->node_days > 0 ?
                                  y->cum_node_days / x->node_days : NAN, "%.4f"), err);
    }
    if (!rc) {
        const char *tot[] = {"-", "total", "", "-", "-", num(a, sizeof a, x->cpu_s / 3600, "%.1f"),
                             num(b, sizeof b, x->weighted_cpu_s / 3600, "%.1f"),
                             num(c, sizeof c, x->node_days, "%.2f"),
                             num(d, sizeof d, x->node_days, "%.2f"), "1"};
        for (int k = 0; k < 10 && !rc; k++) rc = est_tab_add(&s->t[T_TASKS], tot[k], err);
    }

    /* RTN-109's facility first, then each platform */
    for (long i = -1; i < (long)e->nplat && !rc; i++) {
        const pipe_conv *v = i < 0 ? &e->ref_conv : &e->conv[i];
        const pipe_result *y = i < 0 ? &e->ref : &e->plat[i];
        double nd28 = i < 0 ? NAN : e->rtn028_node_days[i];
        char name[120];
        if (i < 0) snprintf(name, sizeof name, "RTN-109 reference (Rubin US data facility)");
        else snprintf(name, sizeof name, "%s", r->plat[i].name);
        rc = est_tab_add(&s->t[T_PLATFORMS], name, err);
        if (!rc) rc = est_tab_addf(&s->t[T_PLATFORMS], err, "%d", v->cores_per_node);
        if (!rc) rc = est_tab_add(&s->t[T_PLATFORMS], num(a, sizeof a, v->mem_per_core_gib, "%.3f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_PLATFORMS], num(b, sizeof b, nd28, "%.2f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_PLATFORMS], num(c, sizeof c, y->node_days, "%.2f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_PLATFORMS], num(d, sizeof d, e->nodes > 0 ?
                                  y->node_days / (double)e->nodes : NAN, "%.2f"), err);
    }

    for (size_t j = 0; j < p->n_products && !rc; j++) {
        size_t i = x->by_size[j];
        const pipe_product *q = &p->products[i];
        const pipe_product_result *y = &x->products[i];
        rc = est_tab_add(&s->t[T_STORAGE], q->dataset, err);
        if (!rc) rc = est_tab_add(&s->t[T_STORAGE], p->tasks[q->task].label, err);
        if (!rc) rc = est_tab_add(&s->t[T_STORAGE], pipe_dim_format(q->dim, q->healpix_order, dn,
                                                                   sizeof dn), err);
        if (!rc) rc = est_tab_addf(&s->t[T_STORAGE], err, "%.0f", y->count);
        if (!rc) rc = est_tab_addf(&s->t[T_STORAGE], err, "%.4g", q->size_bytes / 1e6);
        if (!rc) rc = est_tab_addf(&s->t[T_STORAGE], err, "%.3f", y->bytes / 1e12);
        if (!rc) rc = est_tab_addf(&s->t[T_STORAGE], err, "%.4f", y->cum_fraction);
        if (!rc) rc = est_tab_add(&s->t[T_STORAGE], q->keep ? "yes" : "no", err);
        if (!rc) rc = est_tab_add(&s->t[T_STORAGE], q->release ? "yes" : "no", err);
    }
    const struct { const char *name; double bytes; } tot[] = {
        {"all dataset types", x->all_bytes}, {"kept", x->keep_bytes},
        {"release", x->release_bytes}, {"raw (input)", p->has_raw ? x->raw_bytes : NAN}};
    for (int k = 0; k < 4 && !rc; k++) {
        rc = est_tab_add(&s->t[T_TOTALS], tot[k].name, err);
        if (!rc) rc = est_tab_add(&s->t[T_TOTALS], num(a, sizeof a, tot[k].bytes / 1e12, "%.3f"), err);
        if (!rc) rc = est_tab_add(&s->t[T_TOTALS], num(b, sizeof b, tot[k].bytes / 1e15, "%.4f"), err);
    }
    if (rc) tabs_clear(s);
    return rc;
}

static void md_head(FILE *fp, const est_result *r)
{
    const est_pipe_est *e = r->pipe;
    fprintf(fp, "# y1est: resource estimate for pipeline %s\n\n", e->p->name);
    est_synthetic_banner(fp, r);
    fprintf(fp, "- %s\n", r->cadence);
    if (r->selection[0]) fprintf(fp, "- selection: %s\n", r->selection);
    if (r->programs[0]) fprintf(fp, "- programs from: %s\n", r->programs);
    fprintf(fp, "- footprint: %s\n- sky map: %s\n- pipeline: %s\n- detectors: %s\n",
            r->footprint, r->skymap, e->ident,
            e->have_det ? e->det.name : "as the footprint (189 for lsstcam and the circle)");
    for (size_t p = 0; p < r->nplat; p++) {
        char id[320];
        y1_file_ident(r->plat[p].path, id, sizeof id);
        fprintf(fp, "- platform: %s, %s\n", r->plat[p].name, id);
    }
    fprintf(fp, "\n");
}

static void md_notes(FILE *fp, const est_result *r)
{
    const est_pipe_est *e = r->pipe;
    fprintf(fp, "\nConventions. RTN-109's (Table 2, node-days and the RTN-109 column of Table 3): "
            "each job is charged ceil(memory / memory per core) cores; node-days = core-weighted "
            "CPU seconds / (cores per node x 86,400); %s RTN-028's (Table 3): jobs per node = "
            "min(cores, usable memory / the task's largest memory), node-days = CPU hours x the "
            "platform's cpu_factor / jobs per node / 24; \"-\" when the pipeline gives no memory "
            "model or only core-weighted CPU. Wall time, I/O, failures and scheduling are not in "
            "either. CCD-tract and visit-tract overlaps: a CCD is in a tract when one of its "
            "grown corners lies in the tract (the stack's findTractPatchList on the corners, as "
            "RTN-109), whichever --overlap rule counted the warps; HEALPix pixels: those holding "
            "a tract centre of the workload (RTN-109 mapped healpix from tracts).\n",
            e->p->n_tasks && e->p->tasks[0].cpu_weighted
            ? "this pipeline's CPU is already core-weighted (per job, as published), so the "
              "memory per core of a platform does not change it, and the platform's cpu_factor "
              "(relative to Cori-Haswell) is not applied."
            : "the platform's cpu_factor is not applied.");
}

void est_pipe_report_md(FILE *fp, const est_result *r)
{
    pipe_tabs s;
    y1_err err = {{0}};
    md_head(fp, r);
    if (tabs_build(&s, r, &err)) {
        fprintf(fp, "(tables not available: %s)\n", err.msg);
        return;
    }
    for (int i = 0; i < T_N; i++) {
        est_tab_md(fp, &s.t[i]);
        fputc('\n', fp);
    }
    md_notes(fp, r);
    tabs_clear(&s);
}

void est_pipe_report_csv(FILE *fp, const est_result *r)
{
    pipe_tabs s;
    y1_err err = {{0}};
    if (tabs_build(&s, r, &err)) {
        fprintf(fp, "# tables not available: %s\n", err.msg);
        return;
    }
    for (int i = 0; i < T_N; i++) {
        if (i) fputc('\n', fp);
        est_tab_csv(fp, &s.t[i]);
    }
    tabs_clear(&s);
}

static json_t *jnum(double x) { return isnan(x) ? json_null() : json_real(x); }

/* summary.json for a pipeline: the counts, each task with its instances and core-weighted CPU,
 * each platform with node_days (RTN-028's convention) beside core_weighted_node_days, storage;
 * then the four tables as rendered. */
static json_t *pipe_summary(const est_result *r, y1_err *err)
{
    const est_pipe_est *e = r->pipe;
    const pipe_pipeline *p = e->p;
    const pipe_result *x = &e->ref;
    char dn[64], id[320];
    pipe_tabs s;
    if (tabs_build(&s, r, err)) return NULL;
    json_t *root = json_object(), *prov = json_object(), *vis = json_object(),
           *counts = json_object(), *tasks = json_array(), *plats = json_array(),
           *types = json_array(), *tabs = json_object();
    for (int b = 0; b < Y1_NBANDS; b++) {
        char k[2] = {y1_band_letters[b], 0};
        json_object_set_new(vis, k, json_integer(r->visits_per_band[b]));
    }
    json_object_set_new(vis, "total", json_integer(r->visits));
    json_object_set_new(prov, "cadence", json_string(r->cadence));
    json_object_set_new(prov, "selection", json_string(r->selection));
    json_object_set_new(prov, "footprint", json_string(r->footprint));
    json_object_set_new(prov, "skymap", json_string(r->skymap));
    json_object_set_new(prov, "pipeline", json_string(e->ident));
    json_object_set_new(prov, "detectors", e->have_det ? json_string(e->det.name) : json_null());
    json_object_set_new(prov, "synthetic_cadence", r->synthetic < 0 ? json_null()
                        : json_boolean(r->synthetic));
    for (int dim = 0; dim < PIPE_DIM_COUNT; dim++) {
        uint32_t orders = 0;
        if (!est_pipe_uses(p, (pipe_dim)dim, &orders)) continue;
        for (int o = 0; o <= PIPE_HEALPIX_MAX_ORDER; o++) {
            int hp = dim == PIPE_DIM_HEALPIX || dim == PIPE_DIM_HEALPIX_BAND;
            if (hp ? !(orders >> o & 1) : o > 0) continue;
            double n = pipe_dim_count(&e->k, (pipe_dim)dim, o);
            json_object_set_new(counts, pipe_dim_format((pipe_dim)dim, o, dn, sizeof dn),
                                n < 0 ? json_null() : json_integer((json_int_t)n));
        }
    }
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task_result *y = &x->tasks[i];
        json_t *t = json_object();
        json_object_set_new(t, "name", json_string(p->tasks[i].label));
        json_object_set_new(t, "order", json_integer(p->tasks[i].order));
        json_object_set_new(t, "dimensions", json_string(pipe_dim_format(p->tasks[i].dim,
                            p->tasks[i].healpix_order, dn, sizeof dn)));
        json_object_set_new(t, "instances", json_integer((json_int_t)y->instances));
        json_object_set_new(t, "cpu_s", jnum(y->cpu_s));
        json_object_set_new(t, "core_weighted_cpu_s", jnum(y->weighted_cpu_s));
        json_object_set_new(t, "node_days", jnum(y->node_days));
        json_object_set_new(t, "cum_node_days", jnum(y->cum_node_days));
        json_array_append_new(tasks, t);
    }
    for (size_t i = 0; i < e->nplat; i++) {
        json_t *q = json_object();
        y1_file_ident(r->plat[i].path, id, sizeof id);
        json_object_set_new(q, "name", json_string(r->plat[i].name));
        json_object_set_new(q, "file", json_string(id));
        json_object_set_new(q, "cores_per_node", json_integer(e->conv[i].cores_per_node));
        json_object_set_new(q, "mem_per_core_gib", jnum(e->conv[i].mem_per_core_gib));
        json_object_set_new(q, "node_days", jnum(e->rtn028_node_days[i]));
        json_object_set_new(q, "core_weighted_node_days", jnum(e->plat[i].node_days));
        json_object_set_new(q, "shortest_campaign_days", e->nodes > 0
                            ? jnum(e->plat[i].node_days / (double)e->nodes) : json_null());
        json_array_append_new(plats, q);
    }
    for (size_t j = 0; j < p->n_products; j++) {
        size_t i = x->by_size[j];
        json_t *q = json_object();
        json_object_set_new(q, "dataset", json_string(p->products[i].dataset));
        json_object_set_new(q, "task", json_string(p->tasks[p->products[i].task].label));
        json_object_set_new(q, "files", json_integer((json_int_t)x->products[i].count));
        json_object_set_new(q, "tb", jnum(x->products[i].bytes / 1e12));
        json_object_set_new(q, "cum_fraction", jnum(x->products[i].cum_fraction));
        json_object_set_new(q, "kept", json_boolean(p->products[i].keep));
        json_object_set_new(q, "release", json_boolean(p->products[i].release));
        json_array_append_new(types, q);
    }
    for (int i = 0; i < T_N; i++) json_object_set_new(tabs, s.t[i].key, est_tab_json(&s.t[i]));
    json_object_set_new(root, "provenance", prov);
    json_object_set_new(root, "visits", vis);
    json_object_set_new(root, "dimension_counts", counts);
    json_object_set_new(root, "rtn109_reference", json_pack("{s:f, s:i, s:f, s:f}",
                        "mem_per_core_gib", e->ref_conv.mem_per_core_gib, "cores_per_node",
                        e->ref_conv.cores_per_node, "core_weighted_cpu_s", x->weighted_cpu_s,
                        "core_weighted_node_days", x->node_days));
    json_object_set_new(root, "tasks", tasks);
    json_object_set_new(root, "platforms", plats);
    json_object_set_new(root, "storage", json_pack("{s:o, s:o, s:o, s:o, s:o}", "all_tb",
                        jnum(x->all_bytes / 1e12), "kept_tb", jnum(x->keep_bytes / 1e12),
                        "release_tb", jnum(x->release_bytes / 1e12), "raw_tb",
                        p->has_raw ? jnum(x->raw_bytes / 1e12) : json_null(), "types", types));
    json_object_set_new(root, "tables", tabs);
    tabs_clear(&s);
    return root;
}

int est_pipe_report_json(FILE *fp, const est_result *r, y1_err *err)
{
    json_t *root = pipe_summary(r, err);
    /* a table that could not be built has said so already */
    if (!root && err->msg[0]) return Y1_ENOMEM;
    return est_json_write(fp, root, "summary", err);
}

static int write_tab(const char *dir, const char *name, const est_tab *t, y1_err *err)
{
    char path[1200];
    y1_out *o = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = y1_out_open(&o, path, err);
    if (rc) return rc;
    est_tab_csv(y1_out_fp(o), t);
    return y1_out_commit(o, err);
}

int est_pipe_write_outdir(const est_result *r, const char *dir, y1_err *err)
{
    static const char *const managed[] = {"table[1-4].csv", "dimensions.csv", "report.md",
                                          "coadds.csv", "summary.json", NULL};
    static const struct { int tab; const char *name; } files[] = {
        {T_VISITS, "table1.csv"}, {T_COUNTS, "dimensions.csv"}, {T_TASKS, "table2.csv"},
        {T_PLATFORMS, "table3.csv"}, {T_STORAGE, "table4.csv"}};
    char stage[1100], a[1400];
    pipe_tabs s;
    y1_out *o = NULL;
    int rc;
    if ((rc = tabs_build(&s, r, err))) return rc;
    if ((rc = y1_stage_open(dir, stage, sizeof stage, err))) {
        tabs_clear(&s);
        return rc;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0] && !rc; i++)
        rc = write_tab(stage, files[i].name, &s.t[files[i].tab], err);
    if (rc) goto done;
    snprintf(a, sizeof a, "%s/report.md", stage);
    if ((rc = y1_out_open(&o, a, err))) goto done;
    est_pipe_report_md(y1_out_fp(o), r);
    if ((rc = y1_out_commit(o, err))) goto done;
    snprintf(a, sizeof a, "%s/summary.json", stage);
    if ((rc = y1_out_open(&o, a, err))) goto done;
    if ((rc = est_pipe_report_json(y1_out_fp(o), r, err))) {
        y1_out_abort(o);
        goto done;
    }
    if ((rc = y1_out_commit(o, err))) goto done;
    snprintf(a, sizeof a, "%s/coadds.csv", stage);
    if ((rc = est_coadds_write(&r->coadds, a, err))) goto done;
    tabs_clear(&s);
    return y1_stage_commit(stage, dir, managed, err);
done:
    tabs_clear(&s);
    y1_stage_abort(stage);
    return rc;
}
