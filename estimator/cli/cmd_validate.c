/* cmd_validate.c: `y1est validate --measured INPUT... [estimate options]`: runs the estimate for
 * the given selection, footprint, sky map and models, reads what the run measured (a Parsl
 * monitoring.db, task-metadata files or a records CSV) and prints per task predicted against
 * actual jobs, CPU, peak memory and the wall/CPU ratio, with a verdict; md, csv or json; plots. */
#include "estimator/cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "estimator/campaign/campaign.h"
#include "estimator/monitor.h"
#include "estimator/run.h"
#include "estimator/report/format.h"
#include "estimator/report/plot.h"
#include "estimator/report/rtable.h"
#include "estimator/timeline.h"
#include "estimator/validate.h"

#define DEFAULT_TOLERANCE 0.15

#define FORMATS (EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) | EST_FMT_BIT(EST_FMT_JSON))

static const char usage[] =
    "usage: y1est validate --measured INPUT [--measured INPUT ...] [INPUT...] [options]\n"
    "\n"
    "Holds the estimate (the same options as y1est estimate: selection, footprint, sky map,\n"
    "models, --workload) against a run that was made. Each INPUT is, by its name:\n"
    "  *.db|*.sqlite|*.sqlite3  a Parsl monitoring database: one job per task across restarts\n"
    "                        (failed, dep_fail and unfinished jobs count as planned jobs); CPU\n"
    "                        and wall time of the successful try; peak = largest RSS sample\n"
    "                        over all its tries (sampled: an underestimate)\n"
    "  *.yaml|*.yml|*.json|DIR  LSST task-metadata files: one succeeded job each; wall time\n"
    "                        = quantum endUtc - prepUtc where the file has them\n"
    "  *.csv                 records task,cpu_s,maxrss_gib[,...] (as y1est models fit reads)\n"
    "Give each job once: inputs are added, not merged.\n"
    "Per task of the estimate (ratio = actual / predicted everywhere, as RTN-109 Table 2):\n"
    "  jobs      predicted instances against actual jobs (RTN-109 Table 1)\n"
    "  CPU       predicted against actual CPU seconds, sorted by actual CPU, with the cumulative\n"
    "            fraction (RTN-109 Table 2), the per-job ratio and the CPU of failed tries\n"
    "  memory    the model at the workload's largest n against the measured peaks (p50, p95,\n"
    "            max) and the jobs above it, and above --bps requestMemory when given\n"
    "  wall/CPU  percentiles 0, 32, 50, 68, 100 per job (RTN-109 Figure 3)\n"
    "  campaign  with a monitoring.db: the run's makespan (restarts end to end), busy cores over\n"
    "            time, core utilisation, dispatch (launched -> running) and inter-task latency\n"
    "            (a try's end to the next launch on the same host slot), beside y1est campaign\n"
    "            on as many nodes of --platform\n"
    "  verdict   on the CPU ratio: within tolerance (|ratio - 1| <= T), over-predicted\n"
    "            (ratio < 1 - T) or under-predicted (ratio > 1 + T), and the same for the total\n"
    "options:\n"
    "  --measured INPUT      a measured input (repeatable; bare INPUT arguments count too)\n"
    "  --tolerance T         in (0, 1) (default 0.15: tighter than the ~24 % over-prediction\n"
    "                        RTN-109 found from makeDirectWarp on, so such a bias is flagged)\n"
    "  --cpu absolute|run    metadata CPU definition (default absolute, the one the RTN-028\n"
    "                        models were fitted with); run = quantum endCpuTime - startCpuTime\n"
    "  --v0-rss-unit KiB|bytes  metadata MaxResidentSetSize unit without __version__ (KiB)\n"
    "  --bps FILE            BPS YAML with pipetask: LABEL: requestMemory: MB\n"
    "  --platform P          platform for the estimate (default perlmutter; jobs and CPU do not\n"
    "                        depend on it)\n"
    "  --format F            {formats} on stdout (default md)\n"
    "  --estimate FILE       compare a saved summary.json (y1est estimate --format json or\n"
    "                        --out) instead of running the estimate; no campaign section\n"
    "  --plots DIR           validate_jobs.png, validate_cpu.png (log-log, 1:1 line),\n"
    "                        validate_wall_cpu.png (box plot) and validate_utilisation.png\n"
    "                        (busy cores over time, measured and predicted) into DIR\n"
    "  --plot-format F       the --plots as {plotformats} (default png)\n"
    "Calibration: y1est models fit on the same measurements, then validate --models with the\n"
    "fitted file shows the bias left per task (the per-job ratio).\n"
    CLI_SEL_HELP
    "Footprint, sky map, models (as y1est estimate --help): --footprint, --radius, --rotation,\n"
    "  --seed, --skymap, --workload CSV, --models YAML, --tasks, --products, --threads\n";

enum { O_MEASURED = 1, O_TOL, O_CPU, O_V0, O_BPS, O_PLATFORM, O_FORMAT, O_PLOTS, O_ESTIMATE,
       O_PLOTFMT };

#define NUM(b, v, prec) fmt(b, sizeof b, v, prec)
static const char *fmt(char *b, size_t n, double v, int prec)
{
    if (!isfinite(v)) snprintf(b, n, "-");
    else snprintf(b, n, "%.*f", prec, v);
    return b;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static int is_db(const char *p)
{
    return ends_with(p, ".db") || ends_with(p, ".sqlite") || ends_with(p, ".sqlite3");
}

typedef struct tabs {
    est_tab jobs, cpu, mem, wall, verdict, camp, util;
    int have_camp;
} tabs;

static int row_cells(est_tab *t, y1_err *err, const char *const *cells, size_t n)
{
    int rc = Y1_OK;
    for (size_t i = 0; i < n && !rc; i++) rc = est_tab_add(t, cells[i], err);
    return rc;
}

static int build(tabs *T, const est_val *v, int with_bps, y1_err *err)
{
    static const char *cj[] = {"task", "level", "#predicted", "#actual", "#ratio", "#done",
                               "#not done", NULL};
    static const char *cc[] = {"task", "#predicted (s)", "#actual (s)", "#ratio",
                               "#cumulative fraction", "#per-job ratio", "#failed tries (s)",
                               NULL};
    const char *cm[] = {"task", "#model (GiB)", "#jobs", "#p50 (GiB)", "#p95 (GiB)",
                               "#max (GiB)", "#over model", "#request (GiB)", "#over request",
                               NULL};
    static const char *cw[] = {"task", "#jobs", "#p0", "#p32", "#p50", "#p68", "#p100", NULL};
    static const char *cv[] = {"task", "#CPU ratio", "verdict", "note", NULL};
    static char vt[120];
    snprintf(vt, sizeof vt, "Verdict on the CPU ratio (tolerance %g)", v->tolerance);
    est_tab_init(&T->jobs, "jobs", "Jobs per task: predicted and actual (RTN-109 Table 1)", cj);
    est_tab_init(&T->cpu, "cpu", "CPU per task, sorted by actual CPU (RTN-109 Table 2)", cc);
    if (!with_bps) cm[7] = NULL;
    est_tab_init(&T->mem, "memory", "Peak memory per job against the model at the largest n", cm);
    est_tab_init(&T->wall, "wall_cpu", "Wall time / CPU time per job, percentiles (RTN-109 "
                 "Figure 3)", cw);
    est_tab_init(&T->verdict, "verdict", vt, cv);
    int rc = Y1_OK;
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
    for (size_t k = 0; k <= v->n && !rc; k++) {
        const est_val_row *w = k < v->n ? &v->rows[k] : &v->total;
        const char *jr[] = {w->label, w->level, NUM(a, w->jobs_pred, 0), NUM(b, w->jobs_act, 0),
                            NUM(c, w->jobs_ratio, 3), w->measured ? NUM(d, (double)w->done, 0) : "-",
                            w->measured ? NUM(e, (double)w->not_done, 0) : "-"};
        rc = row_cells(&T->jobs, err, jr, 7);
        if (k == v->n || rc) continue;
        if (w->measured) {
            const char *mr[] = {w->label, NUM(a, w->mem_model_gib, 3), NUM(b, (double)w->mem_n, 0),
                                NUM(c, w->mem_p50, 3), NUM(d, w->mem_p95, 3), NUM(e, w->mem_max, 3),
                                NUM(f, (double)w->mem_over, 0), NUM(g, w->bps_gib, 3),
                                isnan(w->bps_gib) ? "-" : NUM(h, (double)w->bps_over, 0)};
            rc = row_cells(&T->mem, err, mr, with_bps ? 9 : 7);
        }
        if (!rc && w->wc_n > 0) {
            const char *wr[] = {w->label, NUM(a, (double)w->wc_n, 0), NUM(b, w->wc[0], 3),
                                NUM(c, w->wc[1], 3), NUM(d, w->wc[2], 3), NUM(e, w->wc[3], 3),
                                NUM(f, w->wc[4], 3)};
            rc = row_cells(&T->wall, err, wr, 7);
        }
    }
    /* the CPU table in RTN-109's order: largest actual CPU first */
    for (size_t k = 0; k <= v->n && !rc; k++) {
        const est_val_row *w = k < v->n ? &v->rows[v->by_cpu[k]] : &v->total;
        const char *cr[] = {w->label, NUM(a, w->cpu_pred_s, 1), NUM(b, w->cpu_act_s, 1),
                            NUM(c, w->cpu_ratio, 3), NUM(d, w->cum_frac, 3),
                            NUM(e, w->cpu_job_ratio, 3), w->measured ? NUM(f, w->retry_cpu_s, 1) : "-"};
        rc = row_cells(&T->cpu, err, cr, 7);
    }
    for (size_t k = 0; k <= v->n && !rc; k++) {
        const est_val_row *w = k < v->n ? &v->rows[k] : &v->total;
        char note[300] = "";
        if (w->measured && w->not_done)
            snprintf(note, sizeof note, "%ld of %.0f jobs did not succeed: their CPU is not counted",
                     w->not_done, w->jobs_act);
        if (w->cpu_unknown) {
            size_t l = strlen(note);
            snprintf(note + l, sizeof note - l, "%s%ld done jobs without CPU (memo_done)",
                     l ? "; " : "", w->cpu_unknown);
        }
        if (k == v->n) snprintf(note, sizeof note, "over the tasks measured");
        const char *vr[] = {w->label, NUM(a, w->cpu_ratio, 3), est_val_verdict_name(w->verdict),
                            note[0] ? note : "-"};
        rc = row_cells(&T->verdict, err, vr, 4);
    }
    return rc;
}

static void tabs_clear(tabs *T)
{
    est_tab_clear(&T->jobs);
    est_tab_clear(&T->cpu);
    est_tab_clear(&T->mem);
    est_tab_clear(&T->wall);
    est_tab_clear(&T->verdict);
    est_tab_clear(&T->camp);
    est_tab_clear(&T->util);
}

/* ---- the campaign against the run -------------------------------------------------------- */

typedef struct camp {
    est_timeline tl;
    cmp_result cr;
    long nodes, cores_per_node;
    char platform[200];
} camp;

/* The measured timeline of m and `y1est campaign` on as many nodes of the estimate's first
 * platform, binned alike (40 bins over the longer of the two). */
static int campaign(camp *C, const est_mon *m, const est_result *r, y1_err *err)
{
    cmp_work *w = NULL;
    const mdl_task *tasks[128];
    cmp_opts co;
    int rc;
    size_t nt = r->ntasks < 128 ? r->ntasks : 128;
    for (size_t i = 0; i < nt; i++) tasks[i] = r->t2[i].task;
    if ((rc = est_timeline_build(&C->tl, m, 3600, err))) return rc;
    cmp_opts_default(&co);
    co.nodes = C->tl.hosts;
    if ((rc = cmp_work_new(&w, &r->coadds, err)) ||
        (rc = cmp_simulate(w, tasks, nt, &r->plat[0], &r->prod, &co, &C->cr, err)))
        goto done;
    double bin_s = fmax(C->tl.active_s, C->cr.makespan_s) / 40, first_makespan_s = C->cr.makespan_s;
    if (!(bin_s > 0)) bin_s = 1;
    est_timeline_clear(&C->tl);
    cmp_result_clear(&C->cr);
    cmp_result_init(&C->cr);
    co.bin_h = bin_s / 3600;
    /* the simulator hands a core up to block_h of identical instances at once; a thousandth
     * of the makespan keeps a small run's instances apart without slowing a large one */
    if (first_makespan_s > 0) co.block_h = fmin(co.block_h, first_makespan_s / 3600 / 1000);
    if ((rc = est_timeline_build(&C->tl, m, bin_s, err)) ||
        (rc = cmp_simulate(w, tasks, nt, &r->plat[0], &r->prod, &co, &C->cr, err)))
        goto done;
    C->nodes = co.nodes;
    C->cores_per_node = r->plat[0].cores_per_node;
    snprintf(C->platform, sizeof C->platform, "%s", r->plat[0].name);
done:
    cmp_work_free(w);
    return rc;
}

static int build_campaign(tabs *T, const camp *C, y1_err *err)
{
    static const char *cc[] = {"quantity", "#measured", "#predicted", NULL};
    static const char *cu[] = {"#from (h)", "#measured busy cores", "#predicted busy cores", NULL};
    static char title[300];
    const est_timeline *t = &C->tl;
    const cmp_result *p = &C->cr;
    snprintf(title, sizeof title, "The campaign against the run (predicted: y1est campaign on %ld "
             "nodes of %s, %ld cores each)", C->nodes, C->platform, C->cores_per_node);
    est_tab_init(&T->camp, "campaign", title, cc);
    est_tab_init(&T->util, "utilisation", "Busy cores over time (the run's active time: "
                 "restarts laid end to end)", cu);
    T->have_camp = 1;
    char a[64], b[64];
    double pcores = (double)C->nodes * (double)C->cores_per_node;
    struct { const char *q; double m, p; int prec; } rows[] = {
        {"nodes (hosts)", (double)t->hosts, (double)C->nodes, 0},
        {"cores", t->cores ? (double)t->cores : NAN, pcores, 0},
        {"makespan (h)", t->active_s / 3600, p->makespan_s / 3600, 3},
        {"wall-clock span with restarts (h)", t->span_s / 3600, NAN, 3},
        {"busy core-hours", t->busy_core_s / 3600, p->busy_core_s / 3600, 3},
        {"core utilisation", t->cores ? t->busy_core_s / (t->cores * t->active_s) : NAN,
         p->makespan_s > 0 ? p->busy_core_s / (pcores * p->makespan_s) : NAN, 3},
        {"dispatch latency p50, launched to running (s)", t->dispatch_s[1], p->latency_s, 3},
        {"dispatch latency max (s)", t->dispatch_s[3], p->latency_s, 3},
        /* gaps include waits for dependencies and idle workers, not only dispatch */
        {"inter-task gap p0, a try's end to the next launch on its host (s)", t->chain_s[0], NAN, 3},
        {"inter-task gap p50 (s)", t->chain_s[1], NAN, 3},
        {"inter-task gap p95 (s)", t->chain_s[2], NAN, 3},
        {"inter-task gap max (s)", t->chain_s[3], NAN, 3},
        {"chains (tries that followed another on the same host slot)", (double)t->nchain, NAN, 0},
        {"chains under 10 s", (double)t->prompt, NAN, 0},
    };
    int rc = Y1_OK;
    for (size_t i = 0; i < sizeof rows / sizeof *rows && !rc; i++) {
        rc = est_tab_add(&T->camp, rows[i].q, err);
        if (!rc) rc = est_tab_add(&T->camp, fmt(a, sizeof a, rows[i].m, rows[i].prec), err);
        if (!rc) rc = est_tab_add(&T->camp, fmt(b, sizeof b, rows[i].p, rows[i].prec), err);
    }
    size_t nb = t->nbins > p->nbins ? t->nbins : p->nbins;
    for (size_t k = 0; k < nb && !rc; k++) {
        double pb = NAN;
        if (k < p->nbins) {
            pb = 0;
            for (size_t s = 0; s < p->nstage; s++) pb += p->busy[k * p->nstage + s];
            pb /= p->bin_s;
        }
        char c[64];
        rc = est_tab_add(&T->util, fmt(a, sizeof a, k * t->bin_s / 3600, 3), err);
        if (!rc) rc = est_tab_add(&T->util, fmt(b, sizeof b, k < t->nbins ? t->busy[k] : NAN, 3), err);
        if (!rc) rc = est_tab_add(&T->util, fmt(c, sizeof c, pb, 3), err);
    }
    return rc;
}

static int plot_campaign(const char *dir, const camp *C, plot_format pf, y1_err *err)
{
    const est_timeline *t = &C->tl;
    const cmp_result *p = &C->cr;
    size_t nb = t->nbins > p->nbins ? t->nbins : p->nbins;
    double *x = calloc(nb + 1, sizeof *x), *ym = calloc(nb + 1, sizeof *ym);
    double *yp = calloc(nb + 1, sizeof *yp);
    int rc;
    if (!x || !ym || !yp) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nb; k++) {
        x[k] = (k + 0.5) * t->bin_s; /* s: the axis picks round hours or days */
        ym[k] = k < t->nbins ? t->busy[k] : NAN;
        yp[k] = NAN;
        if (k < p->nbins) {
            yp[k] = 0;
            for (size_t s = 0; s < p->nstage; s++) yp[k] += p->busy[k * p->nstage + s];
            yp[k] /= p->bin_s;
        }
    }
    char path[4096], title[300], pl[200];
    snprintf(path, sizeof path, "%s/validate_utilisation.%s", dir, plot_format_ext(pf));
    snprintf(title, sizeof title, "Busy cores over time: the run (%ld hosts) and y1est campaign "
             "(%ld nodes of %s)", t->hosts, C->nodes, C->platform);
    snprintf(pl, sizeof pl, "predicted (y1est campaign, %ld cores)",
             C->nodes * C->cores_per_node);
    plot_series s[2] = {{.name = "measured (monitoring.db tries)", .x = x, .y = ym, .n = nb,
                         .rgb = 0x1f77b4, .style = PLOT_LINE, .size_px = 2},
                        {.name = pl, .x = x, .y = yp, .n = nb, .rgb = 0xd62728,
                         .style = PLOT_LINE, .size_px = 2}};
    double top = 1;
    for (size_t k = 0; k < nb; k++) top = fmax(top, fmax(isnan(ym[k]) ? 0 : ym[k], isnan(yp[k]) ? 0 : yp[k]));
    plot_spec sp = {.title = title, .xlabel = "time since the first launch, restarts end to end",
                    .ylabel = "busy cores", .series = s, .nseries = 2, .ymin = 0,
                    .ymax = top * 1.15, .x_time = 1, .format = pf};
    rc = plot_scatter(path, &sp, err);
done:
    free(x);
    free(ym);
    free(yp);
    return rc;
}

static int emit(const tabs *T, const char *models, const char *inputs, const est_val *v,
                const est_val_set *m, est_format format, const char *cpu_def, y1_err *err)
{
    const est_tab *all[] = {&T->jobs, &T->cpu, &T->mem, &T->wall, &T->verdict, &T->camp,
                            &T->util};
    size_t nt = T->have_camp ? 7 : 5;
    if (format == EST_FMT_JSON) {
        json_t *o = json_object();
        int bad = !o || json_object_set_new(o, "models", json_string(models)) ||
                  json_object_set_new(o, "workload", json_string(inputs)) ||
                  json_object_set_new(o, "measured", json_string(m->sources)) ||
                  json_object_set_new(o, "cpu_definition", json_string(cpu_def)) ||
                  json_object_set_new(o, "tolerance", json_real(v->tolerance)) ||
                  json_object_set_new(o, "labels_not_in_pipeline", json_string(v->unknown)) ||
                  json_object_set_new(o, "tasks_not_measured", json_string(v->unmeasured));
        for (size_t i = 0; i < nt && !bad; i++) {
            json_t *t = est_tab_json(all[i]);
            bad = !t || json_object_set_new(o, all[i]->key, t);
        }
        if (bad) {
            json_decref(o);
            o = NULL; /* est_json_write: out of memory */
        }
        return est_json_write(stdout, o, "validate", err);
    }
    if (format == EST_FMT_CSV) {
        for (size_t i = 0; i < nt; i++) {
            if (i) fputc('\n', stdout);
            est_tab_csv(stdout, all[i]);
        }
        return Y1_OK;
    }
    printf("# y1est: the estimate against the run\n\n");
    printf("- models: %s\n- inputs: %s\n- measured: %s\n- CPU definition of the "
           "measurements: %s\n- ratio = actual / predicted; tolerance %g\n", models,
           inputs, m->sources, cpu_def, v->tolerance);
    if (v->nunknown) printf("- labels the pipeline lacks (not compared): %s\n", v->unknown);
    if (v->nunmeasured) printf("- tasks of the estimate without a measured job: %s\n", v->unmeasured);
    printf("\n");
    for (size_t i = 0; i < nt; i++) est_tab_md(stdout, all[i]);
    return Y1_OK;
}

static int plots(const char *dir, const est_val *v, int have_wall, plot_format pf, y1_err *err)
{
    char p[4096];
    const char *ext = plot_format_ext(pf);
    int rc;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return y1_errf(err, Y1_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
    snprintf(p, sizeof p, "%s/validate_jobs.%s", dir, ext);
    if ((rc = est_val_plot_scatter(p, v, 0, (int)pf, err))) return rc;
    snprintf(p, sizeof p, "%s/validate_cpu.%s", dir, ext);
    if ((rc = est_val_plot_scatter(p, v, 1, (int)pf, err))) return rc;
    if (!have_wall) return Y1_OK;
    snprintf(p, sizeof p, "%s/validate_wall_cpu.%s", dir, ext);
    return est_val_plot_boxes(p, v, (int)pf, err);
}

int cli_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_SEL_LONGOPTS,
        CLI_RUN_LONGOPTS,
        {"measured", required_argument, NULL, O_MEASURED},
        {"tolerance", required_argument, NULL, O_TOL},
        {"cpu", required_argument, NULL, O_CPU},
        {"v0-rss-unit", required_argument, NULL, O_V0},
        {"bps", required_argument, NULL, O_BPS},
        {"platform", required_argument, NULL, O_PLATFORM},
        {"format", required_argument, NULL, O_FORMAT},
        {"plots", required_argument, NULL, O_PLOTS},
        {"plot-format", required_argument, NULL, O_PLOTFMT},
        {"estimate", required_argument, NULL, O_ESTIMATE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    est_run_opts o;
    mdl_md_opts mo;
    const char *inputs[256], *bps_path = NULL, *plot_dir = NULL, *saved = NULL;
    est_format format = EST_FMT_MD;
    size_t ninputs = 0;
    double tol = DEFAULT_TOLERANCE;
    const char *est_given = NULL;   /* an estimate option, which --estimate leaves no room for */
    plot_format pf = PLOT_PNG;      /* --plot-format */
    int pf_given = 0;
    y1_err err = {{0}};
    int c, rc;
    est_run_opts_default(&o);
    mdl_md_opts_default(&mo);
    optind = 1;
    opterr = 0;
    int li = -1;
    while ((c = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        if ((c >= CLI_OPT_SEL && c < CLI_OPT_SEL_END) || (c >= CLI_OPT_RUN_FIRST && c < CLI_OPT_RUN_END)) {
            if ((rc = cli_run_option(&o, c, optarg, &err))) return cli_usage("validate", "%s", err.msg);
            est_given = li >= 0 ? longopts[li].name : "an estimate option";
            continue;
        }
        switch (c) {
        case O_MEASURED:
            if (ninputs == 256) return cli_usage("validate", "at most 256 measured inputs");
            inputs[ninputs++] = optarg;
            break;
        case O_TOL:
            if (cli_parse_double("--tolerance", optarg, 1e-6, 0.999999, &tol, &err))
                return cli_usage("validate", "%s", err.msg);
            break;
        case O_CPU:
            if (!strcmp(optarg, "absolute")) mo.cpu = MDL_CPU_ABSOLUTE;
            else if (!strcmp(optarg, "run")) mo.cpu = MDL_CPU_RUN;
            else return cli_usage("validate", "--cpu must be absolute or run, got '%s'", optarg);
            break;
        case O_V0:
            if (!strcmp(optarg, "KiB")) mo.v0_rss_unit_bytes = 1024;
            else if (!strcmp(optarg, "bytes")) mo.v0_rss_unit_bytes = 1;
            else return cli_usage("validate", "--v0-rss-unit must be KiB or bytes, got '%s'", optarg);
            break;
        case O_BPS: bps_path = optarg; break;
        case O_PLATFORM:
            if (o.n_platforms == 32) return cli_usage("validate", "--platform: at most 32");
            o.platforms[o.n_platforms++] = optarg;
            break;
        case O_FORMAT:
            if (est_format_parse(optarg, FORMATS, &format, &err))
                return cli_usage("validate", "%s", err.msg);
            break;
        case O_PLOTS: plot_dir = optarg; break;
        case O_PLOTFMT:
            if (plot_format_parse(optarg, &pf, &err)) return cli_usage("validate", "%s", err.msg);
            pf_given = 1;
            break;
        case O_ESTIMATE: saved = optarg; break;
        case 'h': cli_help(stdout, usage, FORMATS); return 0;
        case ':': return cli_usage("validate", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage("validate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (ninputs == 256) return cli_usage("validate", "at most 256 measured inputs");
        inputs[ninputs++] = argv[i];
    }
    if (ninputs == 0) return cli_usage("validate", "give the run's measurements with --measured INPUT");
    if (pf_given && !plot_dir)
        return cli_usage("validate", "--plot-format applies to the plots of --plots DIR");
    if (saved && (est_given || o.n_platforms))
        return cli_usage("validate", "--estimate %s replaces the estimate options (got --%s)",
                         saved, est_given ? est_given : "platform");
    for (size_t i = 0; i < ninputs; i++) {
        struct stat st;
        const char *p = inputs[i];
        int dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        if (!dir && !is_db(p) && !ends_with(p, ".csv") && !ends_with(p, ".yaml") &&
            !ends_with(p, ".yml") && !ends_with(p, ".json"))
            return cli_usage("validate", "%s: cannot tell the input format (expected .db, "
                             ".sqlite, .csv, .yaml, .yml, .json or a directory)", p);
    }
    if (o.n_platforms == 0) o.platforms[o.n_platforms++] = "perlmutter";
    if (est_run_is_pipeline(&o))
        return cli_usage("validate", "--pipeline %s: validate compares a run with the default "
                         "rtn028 estimate only (its rows are the model file's Table 2; a pipeline "
                         "file's core-weighted CPU would need each measured job weighted by its "
                         "cores for memory, which is not built); `y1est --pipeline %s "
                         "--format json` gives the predicted jobs and CPU per task", o.pipeline,
                         o.pipeline);
    char warn[300];
    if ((rc = cli_run_check(&o, warn, sizeof warn, &err))) return cli_usage("validate", "%s", err.msg);
    if (warn[0]) fprintf(stderr, "y1est: warning: %s\n", warn);

    est_result r;
    est_val_set ms;
    est_val_bps bps = {0};
    est_val v;
    tabs T;
    mdl_records recs;
    memset(&ms, 0, sizeof ms);
    memset(&v, 0, sizeof v);
    memset(&T, 0, sizeof T);
    mdl_records_init(&recs);
    est_result_init(&r);
    int have_wall = 0, have_db = 0;
    est_mon *m0 = NULL;          /* the first monitoring.db: its timeline is the campaign */
    est_val_pred *pred = NULL;   /* what the estimate predicts per task */
    size_t npred = 0;
    void *doc = NULL;            /* the saved summary.json, when --estimate */
    char models[1200] = "", inputs_desc[700] = "";
    camp C;
    memset(&C, 0, sizeof C);
    cmp_result_init(&C.cr);
    char cpu_def[200] = "";
    /* the measurements first: a bad input fails before the estimate's work */
    for (size_t i = 0; i < ninputs && !rc; i++) {
        const char *p = inputs[i];
        size_t l = strlen(ms.sources);
        snprintf(ms.sources + l, sizeof ms.sources - l, "%s%s", l ? ", " : "", p);
        if (is_db(p)) {
            est_mon *m = NULL;
            if ((rc = est_mon_open(&m, p, &err))) break;
            for (size_t k = 0; k < m->nwarn; k++)
                fprintf(stderr, "y1est: warning: %s: %s\n", p, m->warn[k]);
            rc = est_val_add_monitor(&ms, m, &err);
            for (size_t k = 0; k < m->njobs; k++) have_wall |= isfinite(m->jobs[k].wall_s);
            if (!m0) m0 = m;
            else est_mon_free(m);
            have_db = 1;
        } else {
            size_t n0 = recs.n;
            rc = ends_with(p, ".csv") ? mdl_read_csv(&recs, p, &err)
                                      : mdl_read_metadata(&recs, p, &mo, &err);
            if (!rc && recs.n == n0) rc = y1_errf(&err, Y1_EINPUT, "%s: no measured job", p);
            for (size_t k = n0; !rc && k < recs.n; k++) have_wall |= recs.v[k].has_wall;
        }
    }
    if (!rc && recs.n) {
        /* records are added once, after all files are read */
        rc = est_val_add_records(&ms, &recs, &err);
    }
    if (rc) goto done;
    snprintf(cpu_def, sizeof cpu_def, "%s%s%s",
             have_db ? "monitoring.db: delta of user+system within the successful try" : "",
             have_db && recs.n ? "; " : "",
             recs.n ? (!strcmp(recs.cpu_definition, "absolute")
                       ? "metadata: absolute (largest *EndCpuTime, process CPU since start)"
                       : !strcmp(recs.cpu_definition, "run")
                       ? "metadata: run (quantum endCpuTime - startCpuTime)"
                       : recs.cpu_definition) : "");
    if (bps_path && (rc = est_val_bps_load(&bps, bps_path, &err))) goto done;
    if (saved) {
        if ((rc = est_val_pred_load(&pred, &npred, &doc, saved, &err))) goto done;
        json_t *prov = json_object_get((json_t *)doc, "provenance");
        const char *mo_ = json_string_value(json_object_get(prov, "models"));
        snprintf(models, sizeof models, "%s", mo_ ? mo_ : "as in the saved estimate");
        snprintf(inputs_desc, sizeof inputs_desc, "the saved estimate %s", saved);
    } else {
        rc = est_run(&o, &r, 0, &err);
        cli_print_warnings(&r);
        if (rc) goto done;
        if (!(pred = calloc(r.ntasks + 1, sizeof *pred))) {
            rc = y1_errf(&err, Y1_ENOMEM, "out of memory");
            goto done;
        }
        est_val_pred_from_result(pred, &r);
        npred = r.ntasks;
        snprintf(models, sizeof models, "%s", r.models);
        snprintf(inputs_desc, sizeof inputs_desc, "%s", r.cadence);
    }
    if ((rc = est_val_compare(&v, pred, npred, &ms, tol, bps_path ? &bps : NULL, &err))) goto done;
    if (v.nunknown)
        fprintf(stderr, "y1est: warning: measured labels the pipeline lacks, not compared: %s\n",
                v.unknown);
    if (v.nunmeasured)
        fprintf(stderr, "y1est: warning: tasks of the estimate without a measured job: %s\n",
                v.unmeasured);
    if (have_db)
        fprintf(stderr, "y1est: note: monitoring.db peaks are periodic RSS samples: they "
                "underestimate the true peak memory\n");
    if ((rc = build(&T, &v, bps_path != NULL, &err))) goto done;
    if (m0 && saved)
        fprintf(stderr, "y1est: note: no campaign section with --estimate: the simulation needs "
                "the workload (run with the estimate options instead)\n");
    if (m0 && !saved) {
        if ((rc = campaign(&C, m0, &r, &err)) || (rc = build_campaign(&T, &C, &err))) goto done;
        if (C.tl.cores && C.tl.cores != C.nodes * C.cores_per_node)
            fprintf(stderr, "y1est: warning: the run's %ld hosts have %ld cores, %s's %ld nodes "
                    "%ld: pass --platform for the run's machine to compare the campaigns\n",
                    C.tl.hosts, C.tl.cores, C.platform, C.nodes, C.nodes * C.cores_per_node);
    }
    if (plot_dir && (rc = plots(plot_dir, &v, have_wall, pf, &err))) goto done;
    if (plot_dir && m0 && (rc = plot_campaign(plot_dir, &C, pf, &err))) goto done;
    rc = emit(&T, models, inputs_desc, &v, &ms, format, cpu_def, &err);
    if (!rc && plot_dir) fprintf(stderr, "y1est: wrote the plots to %s/\n", plot_dir);
done:
    if (plot_dir) plot_cleanup();
    est_timeline_clear(&C.tl);
    cmp_result_clear(&C.cr);
    est_mon_free(m0);
    free(pred);
    json_decref((json_t *)doc);
    tabs_clear(&T);
    est_val_clear(&v);
    est_val_bps_clear(&bps);
    est_val_set_clear(&ms);
    mdl_records_clear(&recs);
    est_result_clear(&r);
    if (rc == Y1_EUSAGE) return cli_usage("validate", "%s", err.msg);
    return rc ? cli_fail(rc, &err) : 0;
}
