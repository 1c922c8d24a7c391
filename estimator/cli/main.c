/* main.c: the y1est command. Dispatches to a subcommand (git/jq style); `estimate` is the
 * default, so `y1est --platform perlmutter.yaml` runs the main job. Owns the exit code. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "estimator/cli/cli.h"
#include "estimator/report/plot.h"
#include "common/y1_out.h"
#include "common/y1_progress.h"

static const char usage[] =
    "usage: y1est [estimate] [options]     the main job: Tables 1-4 (see y1est estimate --help)\n"
    "       y1est cadence summary|synth ...  read an OpSim cadence, or write the synthetic one\n"
    "       y1est skymap tract|find ...      inspect a tract/patch sky map ({skymaps})\n"
    "       y1est models fit|show ...        build per-task resource models from metadata\n"
    "       y1est request --platform P ...   what to request: node-hours with range, storage\n"
    "       y1est campaign --platform P --nodes N  campaign timeline, scratch peak, intervals\n"
    "       y1est run-report MONITORING.db   runs, jobs by status and label, failures, retries\n"
    "       y1est pipeline show NAME|FILE ...  a pipeline file's tasks, models and dataset types\n"
    "       y1est validate --measured INPUT...  the estimate against a run that was made\n"
    "       y1est --version | --help\n"
    "\n"
    "Global options (anywhere on the line, for every subcommand):\n"
    "  --datadir DIR   data directory (platforms/, skymaps/, cameras/, products.yaml, models/);\n"
    "                  default $Y1_DATADIR, else ../share/y1est beside the installed binary\n"
    "  --quiet, -q     no progress line on stderr (it is shown only on a terminal anyway)\n"
    "\n"
    "Estimates the computing (node-days, memory, disk) needed to process the first year of\n"
    "Rubin LSST Wide-Fast-Deep data, following the method of Rubin technote RTN-028.\n"
    "Exit codes: 0 ok, 1 bad input data, 2 bad usage, 3 I/O or system failure.\n";

/* The progress line: on a terminal only, rewritten in place, erased when the loop ends. */
static int progress_pct = -1; /* last percentage printed; -1: no line on the screen */

static void progress_tty(const char *what, double done, double total)
{
    if (done >= total) {
        if (progress_pct >= 0) fputs("\r\033[K", stderr);
        progress_pct = -1;
        return;
    }
    int pct = total > 0 ? (int)(100.0 * done / total) : 0;
    if (pct == progress_pct) return; /* at most 100 writes per loop */
    progress_pct = pct;
    fprintf(stderr, "\r\033[Ky1est: %s %d%%", what, pct);
    fflush(stderr);
}

/* Take the global options out of argv (in place; argv[0] stays): --datadir DIR,
 * --datadir=DIR, --quiet, -q. Everything after "--" is left alone. Returns the new argc, or
 * -1 when --datadir has no value. */
static int global_options(int argc, char **argv, int *quiet)
{
    int k = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < argc) argv[k++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            *quiet = 1;
        } else if (!strcmp(argv[i], "--datadir")) {
            if (i + 1 >= argc || !argv[i + 1][0]) return -1;
            est_set_datadir(argv[++i]);
        } else if (!strncmp(argv[i], "--datadir=", 10)) {
            if (!argv[i][10]) return -1;
            est_set_datadir(argv[i] + 10);
        } else {
            argv[k++] = argv[i];
        }
    }
    argv[k] = NULL;
    return k;
}

static int dispatch(int argc, char **argv)
{
    /* no arguments at all: the user wants to know what the tool does (bad usage, like jq) */
    if (argc < 2) {
        cli_help(stderr, usage, 0);
        return 2;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        cli_help(stdout, usage, 0);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("y1est %s\n", Y1_VERSION);
        return 0;
    }
    if (argc >= 2 && argv[1][0] != '-') {
        const char *cmd = argv[1];
        if (!strcmp(cmd, "estimate")) return cli_estimate(argc - 1, argv + 1);
        if (!strcmp(cmd, "cadence")) return cli_cadence(argc - 1, argv + 1);
        if (!strcmp(cmd, "skymap")) return cli_skymap(argc - 1, argv + 1);
        if (!strcmp(cmd, "models")) return cli_models(argc - 1, argv + 1);
        if (!strcmp(cmd, "campaign")) return cli_campaign(argc - 1, argv + 1);
        if (!strcmp(cmd, "request")) return cli_request(argc - 1, argv + 1);
        if (!strcmp(cmd, "run-report")) return cli_runreport(argc - 1, argv + 1);
        if (!strcmp(cmd, "pipeline")) return cli_pipeline(argc - 1, argv + 1);
        if (!strcmp(cmd, "validate")) return cli_validate(argc - 1, argv + 1);
        return cli_usage(NULL, "unknown subcommand '%s'", cmd);
    }
    return cli_estimate(argc, argv);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL would abort(); every caller checks its status */
    int quiet = 0, code;
    int given = argc;
    if ((argc = global_options(argc, argv, &quiet)) < 0) {
        code = cli_usage(NULL, "--datadir needs a directory");
        return code;
    }
    if (!quiet && isatty(fileno(stderr))) y1_progress_set(progress_tty);
    y1_tmp_signals(); /* a killed run removes its staging directories and temp files */
    if (argc < 2 && given > 1) /* only global options: the default subcommand */
        code = cli_estimate(argc, argv);
    else
        code = dispatch(argc, argv);
    plot_cleanup(); /* cairo/fontconfig caches, so leak checkers see only our own leaks */
    /* a report that did not reach its reader (full disk, closed pipe) is a failure */
    if ((fflush(stdout) != 0 || ferror(stdout)) && code == 0) {
        fprintf(stderr, "y1est: standard output: write error\n");
        code = 3;
    }
    return code;
}
