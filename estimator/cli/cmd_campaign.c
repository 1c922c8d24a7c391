/* cmd_campaign.c: `y1est campaign --platform P --nodes N ...`: the processing campaign on N nodes
 * (makespan, utilisation, walltime losses, critical stage), scratch volume over time, the peak
 * against makespan by regions, Monte Carlo intervals and parameter sweeps. Days and PB (10^15
 * bytes) in the reports; the simulation itself is in campaign.c. */
#include "common/y1_out.h"
#include "estimator/cli/cli.h"
#include "common/y1_sha256.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "estimator/campaign/campaign.h"
#include "estimator/pipe_estimate.h"
#include "estimator/report/campaign_report.h"
#include "estimator/run.h"
#include "estimator/report/plot.h"

static const char campaign_usage[] =
    "usage: y1est campaign --platform P --nodes N [options]\n"
    "\n"
    "Simulates the processing campaign of the selected visits (default: first-year WFD of the\n"
    "embedded synthetic cadence) on N nodes of one platform, as a discrete-event simulation in\n"
    "pipeline order (CCD tasks, warps, coadd tasks, deblend, measure, forced photometry), with\n"
    "tract-level dependencies. Reports the makespan, node utilisation over time, batch walltime\n"
    "losses, the critical stage, and the scratch volume over time (peak, final kept volume).\n"
    "With --pipeline NAME|FILE the tasks, instances, dependencies and dataset types come from the\n"
    "pipeline file: a task waits for the earlier tasks it depends on (the producers of its\n"
    "inputs, or every earlier task when it lists none) in the same tract; global, band and\n"
    "healpix tasks are barriers (they wait for, and are waited for by, every tract). A\n"
    "core-weighted CPU model holds one core and no memory for its weighted CPU seconds. The\n"
    "dataset types marked keep or release are kept; the others are deleted once every task\n"
    "depending on their producer is done.\n"
    "--sweep and --mc-rotations need the default rtn028 pipeline; --regions and --tradeoff,\n"
    "one without barriers. --mc draws a pipeline file's CPU and memory models with --model-sigma (the file\n"
    "gives no sigmas).\n"
    "\n"
    "Campaign:\n"
    "  --platform P          platform YAML or a name in data/platforms/ (one; required)\n"
    "  --nodes N             nodes held (required)\n"
    "  --walltime H          batch-job wall-clock limit in hours (default: none); a task is not\n"
    "                        started when it cannot finish in the job's remaining time\n"
    "  --queue-wait H        hours between consecutive batch jobs (default 0)\n"
    "  --overhead S          seconds added to every task instance (default 0)\n"
    "  --resolution H        a core takes at most H hours of identical instances at once\n"
    "                        (default 1): the simulation's time resolution\n"
    "  --node-model          apply the platform's occupancy and workflow blocks (the node\n"
    "                        model): k_best jobs per node, each slowed by s(k_best), plus the\n"
    "                        dispatch latency per task (default: the study's linear node)\n"
    "  --order O             breadth (default): earlier tasks first, step by step over the sky;\n"
    "                        depth: later tasks first, each tract runs through once it can\n"
    "  --bin H               width of the time bins of the plots and CSVs (default 1)\n"
    "  --regions R           process the tracts in R regions of equal CPU (tract order); 'tract'\n"
    "                        = one region per tract (default 1: everything at once)\n"
    "  --in-flight K         regions released at a time (default 1)\n"
    "  --tradeoff R1,R2,...  also simulate these region counts (one in flight) and tabulate the\n"
    "                        peak scratch against the makespan\n"
    "Uncertainty (Monte Carlo with a fixed seed; 5-95 % intervals):\n"
    "  --mc N                samples (default 0: none)\n"
    "  --mc-seed S           seed (default 20260101)\n"
    "  --model-sigma F       1-sigma as a fraction of each model parameter whose file gives no\n"
    "                        sigma (default 0: such parameters are exact)\n"
    "  --cpu-factor-range A:B  cpu_factor uniform in [A, B] (e.g. 0.5:1.0 for Perlmutter)\n"
    "  --mc-rotations K      K lsstcam footprints with random rotations (seeds --seed..+K-1),\n"
    "                        cycled over the samples (needs --footprint lsstcam)\n"
    "Sweeps:\n"
    "  --sweep radius=A:B:STEP | years=A:B[:STEP]\n"
    "                        rerun the estimate and the campaign for each value\n"
    "\n" CLI_SEL_HELP
    "Footprint, models and workload (as for estimate):\n"
    "  --footprint F, --radius DEG, --rotation R, --seed S, --skymap NAME|YAML,\n"
    "  --overlap exact|bbox, --workload CSV, --models YAML, --tasks T, --products YAML,\n"
    "  --pipeline NAME|FILE, --detectors SET, --threads N\n"
    "Output:\n"
    "  --format F            md (default) or json on stdout\n"
    "  --out DIR             CSV tables and PNG plots there (each written atomically)\n"
    "  --plot-format F       the --out plots as {plotformats} (default png)\n"
    "  -h, --help            this help\n";

enum { O_PLATFORM = 1, O_NODES, O_WALLTIME, O_QWAIT, O_OVERHEAD, O_RES, O_BIN, O_REGIONS,
       O_INFLIGHT, O_ORDER, O_NODEMODEL, O_TRADEOFF, O_MC, O_MCSEED, O_MSIGMA, O_CPURANGE,
       O_MCROT, O_SWEEP, O_FORMAT, O_OUT, O_PLOTFMT };

/* "A:B" with A <= B, both > 0. */
static int parse_range(const char *opt, const char *s, double *lo, double *hi, y1_err *err)
{
    char buf[128];
    const char *colon = strchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof buf)
        return y1_errf(err, Y1_EUSAGE, "%s: expected A:B, got '%s'", opt, s);
    memcpy(buf, s, (size_t)(colon - s));
    buf[colon - s] = '\0';
    int rc;
    if ((rc = cli_parse_double(opt, buf, 1e-6, 1e3, lo, err)) ||
        (rc = cli_parse_double(opt, colon + 1, 1e-6, 1e3, hi, err)))
        return rc;
    if (*hi < *lo) return y1_errf(err, Y1_EUSAGE, "%s: end %g is below start %g", opt, *hi, *lo);
    return Y1_OK;
}

/* --sweep name=A:B[:STEP] into values. */
static int parse_sweep(camp_args *a, const char *s, y1_err *err)
{
    char buf[256], *parts[4];
    int np = 0, rc;
    snprintf(buf, sizeof buf, "%s", s);
    char *eq = strchr(buf, '=');
    if (!eq) return y1_errf(err, Y1_EUSAGE, "--sweep: expected radius=A:B:STEP or years=A:B, got "
                            "'%s'", s);
    *eq = '\0';
    if (strcmp(buf, "radius") && strcmp(buf, "years"))
        return y1_errf(err, Y1_EUSAGE, "--sweep: unknown parameter '%s' (radius or years)", buf);
    a->sweep_name = strcmp(buf, "radius") ? "years" : "radius";
    for (char *p = eq + 1, *save = NULL, *t; np < 4 && (t = strtok_r(p, ":", &save)); p = NULL)
        parts[np++] = t;
    int years = !strcmp(a->sweep_name, "years");
    if (np < 2 || np > 3 || (!years && np != 3))
        return y1_errf(err, Y1_EUSAGE, "--sweep: expected %s, got '%s'",
                       years ? "years=A:B[:STEP]" : "radius=A:B:STEP", s);
    double lo, hi, step = 1;
    double vmin = years ? 1 : 1e-6, vmax = years ? 10 : 10;
    if ((rc = cli_parse_double("--sweep", parts[0], vmin, vmax, &lo, err)) ||
        (rc = cli_parse_double("--sweep", parts[1], vmin, vmax, &hi, err)) ||
        (np == 3 && (rc = cli_parse_double("--sweep", parts[2], 1e-6, 10, &step, err))))
        return rc;
    if (hi < lo) return y1_errf(err, Y1_EUSAGE, "--sweep: end %g is below start %g", hi, lo);
    if (years && (lo != floor(lo) || hi != floor(hi) || step != floor(step)))
        return y1_errf(err, Y1_EUSAGE, "--sweep: years must be whole numbers");
    a->nsweep = 0;
    for (int i = 0;; i++) {
        double v = lo + step * i;
        if (v > hi + 1e-9 * step) break;
        if (a->nsweep == MAX_SWEEP)
            return y1_errf(err, Y1_EUSAGE, "--sweep: at most %d values", MAX_SWEEP);
        a->sweep_v[a->nsweep++] = v;
    }
    return Y1_OK;
}

static int parse_options(int argc, char **argv, camp_args *a, y1_err *err)
{
    static const struct option longopts[] = {
        CLI_SEL_LONGOPTS,
        {"platform", required_argument, NULL, O_PLATFORM},
        {"nodes", required_argument, NULL, O_NODES},
        {"walltime", required_argument, NULL, O_WALLTIME},
        {"queue-wait", required_argument, NULL, O_QWAIT},
        {"overhead", required_argument, NULL, O_OVERHEAD},
        {"resolution", required_argument, NULL, O_RES},
        {"bin", required_argument, NULL, O_BIN},
        {"regions", required_argument, NULL, O_REGIONS},
        {"in-flight", required_argument, NULL, O_INFLIGHT},
        {"order", required_argument, NULL, O_ORDER},
        {"node-model", no_argument, NULL, O_NODEMODEL},
        {"tradeoff", required_argument, NULL, O_TRADEOFF},
        {"mc", required_argument, NULL, O_MC},
        {"mc-seed", required_argument, NULL, O_MCSEED},
        {"model-sigma", required_argument, NULL, O_MSIGMA},
        {"cpu-factor-range", required_argument, NULL, O_CPURANGE},
        {"mc-rotations", required_argument, NULL, O_MCROT},
        {"sweep", required_argument, NULL, O_SWEEP},
        CLI_RUN_LONGOPTS,
        {"format", required_argument, NULL, O_FORMAT},
        {"out", required_argument, NULL, O_OUT},
        {"plot-format", required_argument, NULL, O_PLOTFMT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, rc, have_nodes = 0, pf_given = 0;
    long v;
    plot_format pf = PLOT_PNG;
    memset(a, 0, sizeof *a);
    est_run_opts_default(&a->eo);
    cmp_opts_default(&a->co);
    a->mc.seed = 20260101;
    a->mc.cpu_lo = a->mc.cpu_hi = NAN;
    a->format = EST_FMT_MD;
    optind = 1;
    opterr = 0;
    /* argv[0] is "campaign" */
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if ((c >= CLI_OPT_SEL && c < CLI_OPT_SEL_END) || (c >= CLI_OPT_RUN_FIRST && c < CLI_OPT_RUN_END)) {
            if ((rc = cli_run_option(&a->eo, c, optarg, err))) return rc;
            continue;
        }
        switch (c) {
        case 'h': return -1;
        case O_PLATFORM:
            if (a->eo.n_platforms == 1)
                return y1_errf(err, Y1_EUSAGE, "--platform: a campaign runs on one platform");
            a->eo.platforms[a->eo.n_platforms++] = optarg;
            break;
        case O_NODES:
            if ((rc = cli_parse_long("--nodes", optarg, 1, 10000000L, &a->co.nodes, err))) return rc;
            have_nodes = 1;
            break;
        case O_WALLTIME:
            if ((rc = cli_parse_double("--walltime", optarg, 0.01, 1e4, &a->co.walltime_h, err)))
                return rc;
            break;
        case O_QWAIT:
            if ((rc = cli_parse_double("--queue-wait", optarg, 0, 1e4, &a->co.queue_wait_h, err)))
                return rc;
            break;
        case O_OVERHEAD:
            if ((rc = cli_parse_double("--overhead", optarg, 0, 1e5, &a->co.overhead_s, err)))
                return rc;
            break;
        case O_RES:
            if ((rc = cli_parse_double("--resolution", optarg, 1e-4, 100, &a->co.block_h, err)))
                return rc;
            break;
        case O_BIN:
            if ((rc = cli_parse_double("--bin", optarg, 1e-3, 1e4, &a->co.bin_h, err))) return rc;
            break;
        case O_REGIONS:
            if (!strcmp(optarg, "tract")) a->co.regions = 0;
            else if ((rc = cli_parse_long("--regions", optarg, 1, 1000000L, &a->co.regions, err)))
                return rc;
            break;
        case O_INFLIGHT:
            if ((rc = cli_parse_long("--in-flight", optarg, 1, 1000000L, &a->co.in_flight, err)))
                return rc;
            break;
        case O_NODEMODEL: a->co.node_model = 1; break;
        case O_ORDER:
            if (!strcmp(optarg, "breadth")) a->co.order = CMP_ORDER_BREADTH;
            else if (!strcmp(optarg, "depth")) a->co.order = CMP_ORDER_DEPTH;
            else return y1_errf(err, Y1_EUSAGE, "--order: expected breadth or depth, got '%s'",
                                optarg);
            break;
        case O_TRADEOFF: {
            char buf[512], *save = NULL;
            snprintf(buf, sizeof buf, "%s", optarg);
            a->ntrade = 0;
            for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (a->ntrade == MAX_TRADE)
                    return y1_errf(err, Y1_EUSAGE, "--tradeoff: at most %d values", MAX_TRADE);
                if ((rc = cli_parse_long("--tradeoff", t, 1, 1000000L, &a->trade[a->ntrade], err)))
                    return rc;
                a->ntrade++;
            }
            if (!a->ntrade) return y1_errf(err, Y1_EUSAGE, "--tradeoff: expected R1,R2,...");
            break;
        }
        case O_MC:
            if ((rc = cli_parse_long("--mc", optarg, 0, 100000L, &a->mc.samples, err))) return rc;
            break;
        case O_MCSEED:
            if ((rc = cli_parse_long("--mc-seed", optarg, 0, 2147483647L, &v, err))) return rc;
            a->mc.seed = (unsigned long)v;
            break;
        case O_MSIGMA:
            if ((rc = cli_parse_double("--model-sigma", optarg, 0, 10, &a->mc.model_sigma_frac,
                                       err)))
                return rc;
            break;
        case O_CPURANGE:
            if ((rc = parse_range("--cpu-factor-range", optarg, &a->mc.cpu_lo, &a->mc.cpu_hi, err)))
                return rc;
            break;
        case O_MCROT:
            if ((rc = cli_parse_long("--mc-rotations", optarg, 0, 1000, &a->mc_rot, err))) return rc;
            break;
        case O_SWEEP:
            if ((rc = parse_sweep(a, optarg, err))) return rc;
            break;
        case O_FORMAT:
            if ((rc = est_format_parse(optarg, EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_JSON),
                                       &a->format, err)))
                return rc;
            break;
        case O_OUT: a->out = optarg; break;
        case O_PLOTFMT:
            if ((rc = plot_format_parse(optarg, &pf, err))) return rc;
            a->plot_format = (int)pf;
            pf_given = 1;
            break;
        case ':': return y1_errf(err, Y1_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
        default: return y1_errf(err, Y1_EUSAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return y1_errf(err, Y1_EUSAGE, "unexpected argument '%s'", argv[optind]);
    if (pf_given && !a->out)
        return y1_errf(err, Y1_EUSAGE, "--plot-format applies to the plots of --out DIR");
    if (a->eo.n_platforms == 0)
        return y1_errf(err, Y1_EUSAGE, "no --platform given (e.g. --platform perlmutter)");
    if (!strcmp(a->eo.platforms[0], "all"))
        return y1_errf(err, Y1_EUSAGE, "--platform: a campaign runs on one platform, not 'all'");
    if (!have_nodes) return y1_errf(err, Y1_EUSAGE, "no --nodes given (e.g. --nodes 1000)");
    if (a->mc_rot > 0 && a->eo.footprint != SKY_FP_LSSTCAM)
        return y1_errf(err, Y1_EUSAGE, "--mc-rotations needs --footprint lsstcam (a circle has no "
                       "rotation)");
    if (a->mc_rot > 0 && a->eo.workload)
        return y1_errf(err, Y1_EUSAGE, "--mc-rotations needs the cadence, not --workload");
    if (a->mc_rot > 0 && a->mc.samples == 0)
        return y1_errf(err, Y1_EUSAGE, "--mc-rotations needs --mc N");
    if (a->sweep_name && a->eo.workload)
        return y1_errf(err, Y1_EUSAGE, "--sweep reruns the footprints, so it cannot use --workload");
    if (a->sweep_name && !strcmp(a->sweep_name, "radius") && a->eo.footprint != SKY_FP_CIRCLE)
        return y1_errf(err, Y1_EUSAGE, "--sweep radius needs --footprint circle");
    if (a->sweep_name && !strcmp(a->sweep_name, "years") && a->eo.cs.sel.use_nights)
        return y1_errf(err, Y1_EUSAGE, "--sweep years cannot be combined with --nights");
    /* a pipeline file's sweeps and rotations would rerun its CCD-tract counts per value or
     * footprint: not built for pipeline files yet */
    if (est_run_is_pipeline(&a->eo) && (a->mc_rot > 0 || a->sweep_name))
        return y1_errf(err, Y1_EUSAGE, "--pipeline %s: %s runs with the default rtn028 pipeline "
                       "only", a->eo.pipeline, a->sweep_name ? "--sweep" : "--mc-rotations");
    char warn[300];
    if ((rc = cli_run_check(&a->eo, warn, sizeof warn, err))) return rc;
    if (warn[0]) fprintf(stderr, "y1est: warning: %s\n", warn);
    return Y1_OK;
}

/* ---- running ----------------------------------------------------------------------------- */

/* Estimate (Tables 1-4) and the per-tract workload for options eo. */
static int run_estimate(const est_run_opts *eo, est_result *er, cmp_work **w, y1_err *err)
{
    int rc;
    est_result_init(er);
    rc = est_run(eo, er, 0, err);
    cli_print_warnings(er);
    if (rc) return rc;
    return cmp_work_new(w, &er->coadds, err);
}

static int task_list(const est_result *er, const mdl_task ***out, y1_err *err)
{
    const mdl_task **t = malloc((er->ntasks ? er->ntasks : 1) * sizeof *t);
    if (!t) return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (size_t i = 0; i < er->ntasks; i++) t[i] = er->t2[i].task;
    *out = t;
    return Y1_OK;
}

/* The simulation of C's workload under options o: the model files' tasks, or the pipeline
 * file's. */
static int simulate(const camp *C, const cmp_opts *o, cmp_result *r, y1_err *err)
{
    if (C->er.pipe)
        return cmp_simulate_pipe(C->w, C->er.pipe->p, &C->er.prod, &C->er.plat[0], o, r, err);
    return cmp_simulate(C->w, C->tasks, C->ntasks, &C->er.plat[0], &C->er.prod, o, r, err);
}

/* A pipeline file's campaign: its dimension counts on the tracts and its dataset types as the
 * products; the study rule's node-days where the file allows it. */
static int pipe_prepare(camp *C, y1_err *err)
{
    const est_pipe_est *e = C->er.pipe;
    int rc;
    if ((rc = cmp_work_set_counts(C->w, &e->k, err)) ||
        (rc = cmp_pipe_products(&C->er.prod, e->p, err)))
        return rc;
    C->er.disk.raw_bytes = e->ref.raw_bytes;
    return Y1_OK;
}

static int run_mc(camp *C, y1_err *err)
{
    camp_args *a = C->a;
    int rc = Y1_OK;
    long npool = a->mc_rot > 0 ? a->mc_rot : 1;
    cmp_work **pool = calloc((size_t)npool, sizeof *pool);
    est_result *tmp = calloc((size_t)npool, sizeof *tmp);
    C->mc = calloc((size_t)a->mc.samples, sizeof *C->mc);
    if (!pool || !tmp || !C->mc) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    if (C->er.pipe) {
        C->nmc = a->mc.samples;
        rc = cmp_monte_carlo_pipe(C->w, C->er.pipe->p, &C->er.pipe->k, &C->er.plat[0],
                                  &C->er.prod, &a->co, &a->mc, C->mc, err);
        goto done;
    }
    if (a->mc_rot > 0) {
        for (long k = 0; k < npool; k++) {
            est_run_opts eo = a->eo;
            eo.rotation = SKY_ROT_RANDOM;
            eo.seed = a->eo.seed + k;
            fprintf(stderr, "y1est: Monte Carlo footprint %ld / %ld (rotation seed %ld)\n", k + 1,
                    npool, eo.seed);
            rc = run_estimate(&eo, &tmp[k], &pool[k], err);
            est_result_clear(&tmp[k]);
            if (rc) goto done;
        }
    } else {
        pool[0] = C->w;
    }
    C->nmc = a->mc.samples;
    rc = cmp_monte_carlo((const cmp_work *const *)pool, (size_t)npool, C->tasks, C->ntasks,
                         &C->er.plat[0], &C->er.prod, &a->co, &a->mc, C->mc, err);
done:
    if (a->mc_rot > 0 && pool)
        for (long k = 0; k < npool; k++) cmp_work_free(pool[k]);
    free(pool);
    free(tmp);
    return rc;
}

static int run_sweep(camp *C, y1_err *err)
{
    camp_args *a = C->a;
    int rc = Y1_OK;
    cmp_result r;
    cmp_mc_sample *s = NULL;
    cmp_result_init(&r);
    if (a->mc.samples > 0 && !(s = calloc((size_t)a->mc.samples, sizeof *s)))
        return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (int i = 0; i < a->nsweep; i++) {
        est_run_opts eo = a->eo;
        est_result er;
        cmp_work *w = NULL;
        const mdl_task **tasks = NULL;
        sweep_row *row = &C->sweep[i];
        row->value = a->sweep_v[i];
        if (!strcmp(a->sweep_name, "radius")) eo.radius_deg = row->value;
        else eo.cs.sel.years = (int)row->value;
        fprintf(stderr, "y1est: sweep %s = %g (%d / %d)\n", a->sweep_name, row->value, i + 1,
                a->nsweep);
        if ((rc = run_estimate(&eo, &er, &w, err)) || (rc = task_list(&er, &tasks, err)) ||
            (rc = cmp_simulate(w, tasks, er.ntasks, &er.plat[0], &er.prod, &a->co, &r, err)))
            goto next;
        double all, keep;
        if ((rc = cmp_study_totals(w, tasks, er.ntasks, &er.plat[0], er.plat[0].cpu_factor,
                                   &er.prod, &row->study_nd, &all, &keep, err)))
            goto next;
        row->visits = er.visits;
        row->makespan_d = r.makespan_s / 86400.0;
        row->alloc_nd = r.alloc_node_s / 86400.0;
        row->all_pb = r.written_bytes / 1e15;
        row->keep_pb = r.final_keep_bytes / 1e15;
        row->peak_pb = r.peak_bytes / 1e15;
        for (int k = 0; k < 3; k++) row->q[k][0] = row->q[k][1] = NAN;
        if (s) {
            const cmp_work *pool[1] = {w};
            size_t off[3] = {offsetof(cmp_mc_sample, study_node_days),
                             offsetof(cmp_mc_sample, makespan_days),
                             offsetof(cmp_mc_sample, peak_pb)};
            if ((rc = cmp_monte_carlo(pool, 1, tasks, er.ntasks, &er.plat[0], &er.prod, &a->co,
                                      &a->mc, s, err)))
                goto next;
            for (int k = 0; k < 3; k++) {
                row->q[k][0] = cmp_mc_quantile(s, (size_t)a->mc.samples, off[k], 0.05);
                row->q[k][1] = cmp_mc_quantile(s, (size_t)a->mc.samples, off[k], 0.95);
            }
        }
        C->nsweep = i + 1;
    next:
        free(tasks);
        cmp_work_free(w);
        est_result_clear(&er);
        if (rc) break;
    }
    free(s);
    cmp_result_clear(&r);
    return rc;
}

static double day(double s) { return s / 86400.0; }

int cli_campaign(int argc, char **argv)
{
    camp_args a;
    camp C;
    y1_err err = {{0}};
    int rc = parse_options(argc, argv, &a, &err);
    if (rc == -1) {
        cli_help(stdout, campaign_usage, 0);
        return 0;
    }
    if (rc) return cli_usage("campaign", "%s", err.msg);
    memset(&C, 0, sizeof C);
    C.a = &a;
    cmp_result_init(&C.cr);
    if ((rc = run_estimate(&a.eo, &C.er, &C.w, &err)) || (rc = task_list(&C.er, &C.tasks, &err)))
        goto done;
    C.ntasks = C.er.ntasks;
    if (C.er.pipe && (rc = pipe_prepare(&C, &err))) goto done;
    /* refuse before the main simulation, not after it: a barrier waits for every region */
    if (C.er.pipe && a.ntrade) {
        const char *b = cmp_pipe_first_barrier(C.er.pipe->p);
        for (int i = 0; i < a.ntrade && b; i++)
            if (a.trade[i] != 1) {
                rc = y1_errf(&err, Y1_EUSAGE, "campaign: --tradeoff %ld needs every task split "
                             "by tract, but pipeline %s has tasks over the whole sky (first: "
                             "%s), which wait for every region", a.trade[i], C.er.pipe->p->name,
                             b);
                goto done;
            }
    }
    if ((rc = simulate(&C, &a.co, &C.cr, &err))) goto done;
    if (C.er.pipe) C.cr.study_node_days = C.er.pipe->rtn028_node_days[0];
    if (C.cr.bin_widened)
        fprintf(stderr, "y1est: warning: time bins widened from --bin %g h to %g h: the timeline "
                "holds at most %d bins (makespan %.1f days)\n", a.co.bin_h, C.cr.bin_s / 3600.0,
                CMP_MAX_BINS, C.cr.makespan_s / 86400.0);
    if (a.ntrade) {
        cmp_result t;
        cmp_result_init(&t);
        for (int i = 0; i < a.ntrade && !rc; i++) {
            cmp_opts o = a.co;
            o.regions = a.trade[i];
            o.in_flight = 1;
            if (!(rc = simulate(&C, &o, &t, &err)))
                C.trade[C.ntrade++] = (trade_row){a.trade[i], day(t.makespan_s),
                                                  t.peak_bytes / 1e15, day(t.alloc_node_s)};
        }
        cmp_result_clear(&t);
        if (rc) goto done;
    }
    if (a.mc.samples > 0 && (rc = run_mc(&C, &err))) goto done;
    if (a.sweep_name && (rc = run_sweep(&C, &err))) goto done;

    /* the report reaches stdout before the --out directory is committed */
    if (a.format == EST_FMT_JSON) {
        if ((rc = cmp_report_json(&C, stdout, &err))) goto done;
    } else {
        cmp_report_md(stdout, &C);
    }
    if ((rc = cli_flush_stdout(&err))) goto done;
    if (a.out && (rc = cmp_report_outdir(&C, a.out, &err))) goto done;
    if (a.out) fprintf(stderr, "y1est: wrote campaign.md, summary.json, CSV tables and plots to "
                       "%s/\n", a.out);
done:
    free(C.tasks);
    free(C.mc);
    cmp_work_free(C.w);
    cmp_result_clear(&C.cr);
    est_result_clear(&C.er);
    if (rc == Y1_EUSAGE) return cli_usage("campaign", "%s", err.msg);
    return rc ? cli_fail(rc, &err) : 0;
}
