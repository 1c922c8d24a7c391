/* cmd_estimate.c: the main job, `y1est [estimate] --platform P ...`: parses and checks every
 * option, then runs cadence -> selection -> footprints -> workload -> models ->
 * Tables 2-4. Stages that are not built yet are named in the report, never faked. */
#include "common/y1_out.h"
#include "estimator/cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "estimator/report/format.h"
#include "estimator/report/plot.h"
#include "estimator/pipe_estimate.h"
#include "estimator/report/report.h"
#include "estimator/run.h"

static const char estimate_usage[] =
    "usage: y1est [estimate] --platform P [--platform P2 ...] [options]\n"
    "\n"
    "Estimates the node-days, peak memory and disk volume needed to process the selected visits\n"
    "(default: first-year WFD of the embedded synthetic baseline v2.0 cadence), following RTN-028:\n"
    "Table 1 visits per band, Table 2 per-task CPU and memory, Table 3 node-days per platform,\n"
    "Table 4 disk volume.\n"
    "\n" CLI_SEL_HELP
    "Footprint and sky map:\n"
    "  --footprint F         {footprints} (default circle; lsstcam: 189 science CCDs)\n"
    "  --radius DEG          circle radius in degrees (default 2.0)\n"
    "  --rotation R          lsstcam rotation: {rotations} (default rotskypos, from the\n"
    "                        cadence)\n"
    "  --seed S              seed for --rotation random (default 42)\n"
    "  --skymap NAME|YAML    a sky-map YAML file, or a name in DATADIR/skymaps (default dc2:\n"
    "                        7 x 7 patches of 4000 px per tract): {skymaps}\n"
    "  --overlap RULE        {overlaps} (default exact: the footprint meets the patch's outer\n"
    "                        polygon; bbox: the LSST stack's pixel-bounding-box rule, as RTN-109)\n"
    "  --detectors SET       the detectors processed, for a pipeline file: all (default),\n"
    "                        rtn109-dp2 (RTN-109's DP2: 172 of 189) or -ID,ID,... (ids to drop)\n"
    "  --workload CSV        coadds.csv (band,tract,patch_x,patch_y,num_visits) written by an\n"
    "                        earlier run: skips the cadence and footprint steps\n"
    "Models and platforms:\n"
    "  --pipeline NAME|FILE  a pipeline file, or a name in DATADIR/pipelines (default rtn028,\n"
    "                        the study's 9 tasks through the models and products below;\n"
    "                        rtn109-w_2025_41 is today's LSSTCam DRP, RTN-109's costs):\n"
    "                        {pipelines}\n"
    "  --platform P          platform YAML; a bare name is looked up in data/platforms/;\n"
    "                        repeat it, or give 'all' for every file there (required)\n"
    "  --models YAML         per-task resource models (default models/rtn028-dc2-3828.yaml)\n"
    "  --tasks T             default (the 9 tasks of Table 2), all, or a comma list of labels\n"
    "  --products YAML       data products for Table 4 (default data/products.yaml)\n"
    "Output:\n"
    "  --format F            {formats} on stdout (default md, a report)\n"
    "  --table NAME          with --format csv: only {tables}, a plain\n"
    "                        CSV a spreadsheet opens (as the --out files)\n"
    "  --out DIR             write table1.csv..table4.csv, report.md, coadds.csv, summary.json\n"
    "                        and the PNG plots there (atomically)\n"
    "  --plot-format F       the --out plots as {plotformats} (default png)\n"
    "  --bps FILE            write BPS settings (pipetask: LABEL: requestMemory MiB,\n"
    "                        requestCpus) for the workload, with their derivation\n"
    "  --bps-quantile Q      requestMemory at the Q quantile of each task's n (default 1:\n"
    "                        the largest n)\n"
    "  --bps-multiplier M    also write memoryMultiplier M (> 1)\n"
    "  --bps-retries R       also write numberOfRetries R\n"
    "  --nodes N             with --pipeline: the shortest campaign on N nodes (node-days / N)\n"
    "  --threads N           threads for the footprint overlaps (default 2)\n"
    "  -h, --help            this help\n";

enum { O_PLATFORM = 1, O_FORMAT, O_OUT, O_BPS, O_BPSQ, O_BPSM, O_BPSR, O_TABLE, O_NODES, O_PLOTFMT };


/* The run's settings and where its outputs go. */
typedef struct est_cmd {
    est_run_opts run;
    est_format format;      /* stdout: md (default), csv or json */
    const char *out, *bps;  /* --out DIR, --bps FILE, or NULL */
    est_bps_opts bps_opts;  /* --bps-quantile, --bps-multiplier, --bps-retries */
    const char *table;      /* --table NAME, or NULL */
    long nodes;             /* --nodes N (pipeline files), 0 if not given */
    plot_format plot_fmt;   /* --plot-format (default PNG) */
    int plot_fmt_given;
} est_cmd;

static int parse_options(int argc, char **argv, est_cmd *cmd, y1_err *err)
{
    static const struct option longopts[] = {
        CLI_SEL_LONGOPTS,
        {"platform", required_argument, NULL, O_PLATFORM},
        CLI_RUN_LONGOPTS,
        {"format", required_argument, NULL, O_FORMAT},
        {"out", required_argument, NULL, O_OUT},
        {"bps", required_argument, NULL, O_BPS},
        {"bps-quantile", required_argument, NULL, O_BPSQ},
        {"bps-multiplier", required_argument, NULL, O_BPSM},
        {"bps-retries", required_argument, NULL, O_BPSR},
        {"table", required_argument, NULL, O_TABLE},
        {"nodes", required_argument, NULL, O_NODES},
        {"plot-format", required_argument, NULL, O_PLOTFMT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, rc;
    est_run_opts *o = &cmd->run;
    est_run_opts_default(o);
    cmd->format = EST_FMT_MD;
    cmd->out = cmd->bps = cmd->table = NULL;
    cmd->bps_opts = (est_bps_opts){1.0, 0, -1}; /* the largest n; no multiplier or retries */
    cmd->nodes = 0;
    cmd->plot_fmt = PLOT_PNG;
    cmd->plot_fmt_given = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if ((c >= CLI_OPT_SEL && c < CLI_OPT_SEL_END) || (c >= CLI_OPT_RUN_FIRST && c < CLI_OPT_RUN_END)) {
            if ((rc = cli_run_option(o, c, optarg, err))) return rc;
            continue;
        }
        switch (c) {
        case 'h': return -1;
        case O_PLATFORM:
            if (o->n_platforms == 32) return y1_errf(err, Y1_EUSAGE, "--platform: at most 32");
            o->platforms[o->n_platforms++] = optarg;
            break;
        case O_FORMAT:
            if ((rc = est_format_parse(optarg, EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) |
                                       EST_FMT_BIT(EST_FMT_JSON), &cmd->format, err)))
                return rc;
            break;
        case O_OUT: cmd->out = optarg; break;
        case O_BPS: cmd->bps = optarg; break;
        case O_BPSQ:
            if ((rc = cli_parse_double("--bps-quantile", optarg, 1e-6, 1, &cmd->bps_opts.quantile,
                                       err)))
                return rc;
            break;
        case O_BPSM:
            if ((rc = cli_parse_double("--bps-multiplier", optarg, 1.000001, 100,
                                       &cmd->bps_opts.memory_multiplier, err)))
                return rc;
            break;
        case O_BPSR:
            if ((rc = cli_parse_long("--bps-retries", optarg, 0, 100, &cmd->bps_opts.retries, err)))
                return rc;
            break;
        case O_TABLE:
            if (!est_report_table_known(optarg))
                return y1_errf(err, Y1_EUSAGE, "--table: expected %s, got '%s'",
                               est_report_table_list(), optarg);
            cmd->table = optarg;
            break;
        case O_NODES:
            if ((rc = cli_parse_long("--nodes", optarg, 1, 100000000, &cmd->nodes, err))) return rc;
            break;
        case O_PLOTFMT:
            if ((rc = plot_format_parse(optarg, &cmd->plot_fmt, err))) return rc;
            cmd->plot_fmt_given = 1;
            break;
        case ':': return y1_errf(err, Y1_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
        default: return y1_errf(err, Y1_EUSAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return y1_errf(err, Y1_EUSAGE, "unexpected argument '%s'", argv[optind]);
    if (cmd->plot_fmt_given && !cmd->out)
        return y1_errf(err, Y1_EUSAGE, "--plot-format applies to the plots of --out DIR");
    if (cmd->table && cmd->format != EST_FMT_CSV)
        return y1_errf(err, Y1_EUSAGE, "--table needs --format csv");
    if (o->n_platforms == 0)
        return y1_errf(err, Y1_EUSAGE, "no --platform given (e.g. --platform perlmutter.yaml, "
                       "or --platform all)");
    if (cmd->nodes && !est_run_is_pipeline(o))
        return y1_errf(err, Y1_EUSAGE, "--nodes applies to a pipeline file (--pipeline NAME); the "
                       "default estimate's campaign length is `y1est campaign --nodes N`");
    if (cmd->table && est_run_is_pipeline(o))
        return y1_errf(err, Y1_EUSAGE, "--table selects a table of the default rtn028 estimate; "
                       "with --pipeline, --out DIR writes each table as its own CSV");
    char warn[300];
    if ((rc = cli_run_check(o, warn, sizeof warn, err))) return rc;
    if (warn[0]) fprintf(stderr, "y1est: warning: %s\n", warn);
    return Y1_OK;
}

int cli_estimate(int argc, char **argv)
{
    est_cmd o;
    est_result r;
    y1_err err = {{0}};
    int rc = parse_options(argc, argv, &o, &err);
    if (rc == -1) {
        cli_help(stdout, estimate_usage, EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) |
                                 EST_FMT_BIT(EST_FMT_JSON));
        return 0;
    }
    if (rc) return cli_usage("estimate", "%s", err.msg);
    y1_out *bps = NULL;
    est_result_init(&r);
    rc = est_run(&o.run, &r, o.out != NULL, &err);
    r.plot_format = (int)o.plot_fmt;
    cli_print_warnings(&r);
    if (rc) goto done;
    if (r.pipe) {
        r.pipe->nodes = o.nodes;
        if (o.bps) {
            if ((rc = y1_out_open(&bps, o.bps, &err))) goto done;
            est_pipe_report_bps(y1_out_fp(bps), &r, &o.bps_opts);
        }
        if (o.out && (rc = est_pipe_write_outdir(&r, o.out, &err))) goto done;
        if (o.format == EST_FMT_JSON) rc = est_pipe_report_json(stdout, &r, &err);
        else if (o.format == EST_FMT_CSV) est_pipe_report_csv(stdout, &r);
        else est_pipe_report_md(stdout, &r);
        if (!rc && bps) {
            rc = y1_out_commit(bps, &err);
            bps = NULL;
        }
        if (!rc && o.out) fprintf(stderr, "y1est: wrote tables, report, coadds.csv and "
                                  "summary.json to %s/\n", o.out);
        goto done;
    }

    /* the BPS file is written to its temp name first and renamed only after the --out
     * directory is complete, so a failure in either leaves neither half done */
    if (o.bps) {
        if ((rc = y1_out_open(&bps, o.bps, &err))) goto done;
        est_report_bps(y1_out_fp(bps), &r, &o.bps_opts);
    }
    /* the report reaches stdout before any output is committed: a failed write leaves none */
    if (o.format == EST_FMT_JSON) rc = est_report_json(stdout, &r, &err);
    else if (o.format == EST_FMT_CSV && o.table)
        rc = est_report_csv_table(stdout, &r, o.table, &err);
    else if (o.format == EST_FMT_CSV) rc = est_report_csv(stdout, &r, &err);
    else rc = est_report_md(stdout, &r, &err);
    if (rc || (rc = cli_flush_stdout(&err))) goto done;
    if (o.out && (rc = est_write_outdir(&r, o.out, &err))) goto done;
    if (bps) {
        rc = y1_out_commit(bps, &err);
        bps = NULL;
        if (rc) goto done;
    }
    if (o.out) fprintf(stderr, "y1est: wrote tables, report, coadds.csv, summary.json and plots "
                       "to %s/\n", o.out);
done:
    y1_out_abort(bps);
    est_result_clear(&r);
    if (rc == Y1_EUSAGE) return cli_usage("estimate", "%s", err.msg);
    return rc ? cli_fail(rc, &err) : 0;
}
