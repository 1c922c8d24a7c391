/* cli_request.c: `y1est request --platform P ...`: what to ask for in an allocation request:
 * the request summary (request.h) above the full estimate report (Tables 1-4). */
#include "estimator/cli/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_out.h"
#include "common/y1_progress.h"
#include "estimator/report/format.h"
#include "estimator/report/report.h"
#include "estimator/request.h"
#include "estimator/run.h"

static const char request_usage[] =
    "usage: y1est request --platform P [--platform P2 ...] [options]\n"
    "\n"
    "What to request in an allocation: per platform one figure in node-hours (nodes x wall hours,\n"
    "the unit centres charge) and node-days, held by the campaign on the allocation's nodes, with\n"
    "its 5-95 %% range from a Monte Carlo of campaigns, the per-task breakdown, a retry\n"
    "contingency, the campaign length, storage per tier (volume, files, quotas) and the other\n"
    "figures as a sensitivity table; then the full estimate report (Tables 1-4).\n"
    "\n"
    "Request options:\n"
    "  --nodes N             nodes of the allocation (default: each platform's workflow\n"
    "                        allocation_nodes, 1000 when the file has none)\n"
    "  --mc N                Monte Carlo campaigns for the range (default 20; 0: none)\n"
    "  --mc-seed S           seed (default 20260101)\n"
    "  --model-sigma F       1-sigma of model parameters without sigmas, as a fraction\n"
    "                        (default 0.1)\n"
    "  --cpu-factor-range A:B  draw the CPU factor uniformly in [A, B] (default: fixed)\n"
    "  --retry-quantile Q    requestMemory at the Q quantile of n per task (default 0.95)\n"
    "  --memory-multiplier M BPS memoryMultiplier on each retry (default 2)\n"
    "  --retries R           BPS numberOfRetries (default 3)\n"
    "  --format F            {formats} (default md: the summary, then the report; csv: the\n"
    "                        summary table, one row per platform)\n"
    "\n" CLI_SEL_HELP
    "Footprint, models and workload: as `y1est estimate --help` (--footprint, --radius,\n"
    "--rotation, --seed, --skymap, --workload, --models, --tasks, --products, --threads).\n";

enum { O_PLATFORM = 1, O_FORMAT, O_NODES, O_MC, O_MCSEED, O_SIGMA, O_CPU, O_RQ, O_MULT,
       O_RETRIES };

static int parse_range(const char *s, double *lo, double *hi, y1_err *err)
{
    char a[64];
    const char *colon = strchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof a)
        return y1_errf(err, Y1_EUSAGE, "--cpu-factor-range: expected A:B, got '%s'", s);
    memcpy(a, s, (size_t)(colon - s));
    a[colon - s] = '\0';
    int rc;
    if ((rc = cli_parse_double("--cpu-factor-range", a, 1e-6, 1e6, lo, err)) ||
        (rc = cli_parse_double("--cpu-factor-range", colon + 1, 1e-6, 1e6, hi, err)))
        return rc;
    if (*hi < *lo)
        return y1_errf(err, Y1_EUSAGE, "--cpu-factor-range: end %g is below start %g", *hi, *lo);
    return Y1_OK;
}

static int parse_options(int argc, char **argv, est_run_opts *o, req_opts *q, est_format *fmt,
                         y1_err *err)
{
    static const struct option longopts[] = {
        CLI_SEL_LONGOPTS,
        {"platform", required_argument, NULL, O_PLATFORM},
        CLI_RUN_LONGOPTS,
        {"format", required_argument, NULL, O_FORMAT},
        {"nodes", required_argument, NULL, O_NODES},
        {"mc", required_argument, NULL, O_MC},
        {"mc-seed", required_argument, NULL, O_MCSEED},
        {"model-sigma", required_argument, NULL, O_SIGMA},
        {"cpu-factor-range", required_argument, NULL, O_CPU},
        {"retry-quantile", required_argument, NULL, O_RQ},
        {"memory-multiplier", required_argument, NULL, O_MULT},
        {"retries", required_argument, NULL, O_RETRIES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, rc;
    long v;
    est_run_opts_default(o);
    req_opts_default(q);
    *fmt = EST_FMT_MD;
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
                                       EST_FMT_BIT(EST_FMT_JSON), fmt, err)))
                return rc;
            break;
        case O_NODES:
            if ((rc = cli_parse_long("--nodes", optarg, 1, 10000000L, &q->nodes, err))) return rc;
            break;
        case O_MC:
            if ((rc = cli_parse_long("--mc", optarg, 0, 100000L, &q->mc_samples, err))) return rc;
            break;
        case O_MCSEED:
            if ((rc = cli_parse_long("--mc-seed", optarg, 0, 2147483647L, &v, err))) return rc;
            q->mc_seed = (unsigned long)v;
            break;
        case O_SIGMA:
            if ((rc = cli_parse_double("--model-sigma", optarg, 0, 10, &q->model_sigma_frac, err)))
                return rc;
            break;
        case O_CPU:
            if ((rc = parse_range(optarg, &q->cpu_lo, &q->cpu_hi, err))) return rc;
            break;
        case O_RQ:
            if ((rc = cli_parse_double("--retry-quantile", optarg, 1e-6, 1, &q->retry_quantile, err)))
                return rc;
            break;
        case O_MULT:
            if ((rc = cli_parse_double("--memory-multiplier", optarg, 1.000001, 100,
                                       &q->memory_multiplier, err)))
                return rc;
            break;
        case O_RETRIES:
            if ((rc = cli_parse_long("--retries", optarg, 0, 100, &q->retries, err))) return rc;
            break;
        case ':': return y1_errf(err, Y1_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
        default: return y1_errf(err, Y1_EUSAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return y1_errf(err, Y1_EUSAGE, "unexpected argument '%s'", argv[optind]);
    if (o->n_platforms == 0)
        return y1_errf(err, Y1_EUSAGE, "no --platform given (e.g. --platform perlmutter, or "
                       "--platform all)");
    /* the summary's retry contingency and study-rule rows need per-task memory models */
    if (est_run_is_pipeline(o))
        return y1_errf(err, Y1_EUSAGE, "--pipeline %s: the request summary is built for the "
                       "default rtn028 pipeline only (its retries and sensitivity rows need "
                       "per-task memory models); use `y1est campaign --pipeline %s` and "
                       "`y1est --pipeline %s`", o->pipeline, o->pipeline, o->pipeline);
    char warn[300];
    if ((rc = cli_run_check(o, warn, sizeof warn, err))) return rc;
    if (warn[0]) fprintf(stderr, "y1est: warning: %s\n", warn);
    return Y1_OK;
}

int cli_request(int argc, char **argv)
{
    est_run_opts o;
    req_opts q;
    est_result r;
    req_platform *x = NULL;
    size_t nx = 0;
    y1_err err = {{0}};
    est_format fmt;
    int rc = parse_options(argc, argv, &o, &q, &fmt, &err);
    if (rc == -1) {
        cli_help(stdout, request_usage, EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) |
                                EST_FMT_BIT(EST_FMT_JSON));
        return 0;
    }
    if (rc) return cli_usage("request", "%s", err.msg);
    est_result_init(&r);
    if ((rc = est_run(&o, &r, 0, &err))) goto done;
    if (!(x = calloc(r.nplat, sizeof *x))) {
        rc = y1_errf(&err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    for (; nx < r.nplat; nx++) {
        /* one campaign (and its Monte Carlo) per platform: seconds each */
        y1_progress("request: campaigns of the platforms", (double)nx, (double)r.nplat);
        if ((rc = req_compute(&r, nx, &q, &x[nx], &err))) break;
    }
    y1_progress("request: campaigns of the platforms", 1, 1);
    if (rc) goto done;
    if (fmt == EST_FMT_JSON) {
        rc = req_report_json(stdout, &r, x, nx, &q, &err);
    } else if (fmt == EST_FMT_CSV) {
        rc = req_report_csv(stdout, x, nx, &err);
    } else {
        if (!(rc = req_report_md(stdout, &r, x, nx, &q, &err))) {
            fputs("---\n\n", stdout);
            rc = est_report_md(stdout, &r, &err);
        }
    }
done:
    for (size_t i = 0; x && i < r.nplat; i++) req_platform_clear(&x[i]);
    free(x);
    est_result_clear(&r);
    if (rc == Y1_EUSAGE) return cli_usage("request", "%s", err.msg);
    return rc ? cli_fail(rc, &err) : 0;
}
