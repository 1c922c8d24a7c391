/* main.c: the y1est command. Dispatches to a subcommand (git/jq style); `estimate` is the
 * default, so `y1est --platform perlmutter.yaml` runs the main job. Owns the exit code. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "estimator/cli.h"
#include "estimator/plot.h"

static const char usage[] =
    "usage: y1est [estimate] [options]     the main job: Tables 1-4 (see y1est estimate --help)\n"
    "       y1est cadence summary|synth ...  read an OpSim cadence, or write the synthetic one\n"
    "       y1est skymap tract|find ...      inspect a tract/patch sky map (dc2, lsst_cells_v1)\n"
    "       y1est models fit|show ...        build per-task resource models from metadata\n"
    "       y1est campaign --platform P --nodes N  campaign timeline, scratch peak, intervals\n"
    "       y1est run-report MONITORING.db   runs, jobs by status and label, failures, retries\n"
    "       y1est pipeline show NAME|FILE ...  a pipeline file's tasks, models and dataset types\n"
    "       y1est --version | --help\n"
    "\n"
    "Estimates the computing (node-days, memory, disk) needed to process the first year of\n"
    "Rubin LSST Wide-Fast-Deep data, following the method of Rubin technote RTN-028.\n"
    "Exit codes: 0 ok, 1 bad input data, 2 bad usage, 3 I/O or system failure.\n";

static int dispatch(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
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
        if (!strcmp(cmd, "run-report")) return cli_runreport(argc - 1, argv + 1);
        if (!strcmp(cmd, "pipeline")) return cli_pipeline(argc - 1, argv + 1);
        return cli_usage(NULL, "unknown subcommand '%s'", cmd);
    }
    return cli_estimate(argc, argv);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL would abort(); every caller checks its status */
    int code = dispatch(argc, argv);
    plot_cleanup(); /* cairo/fontconfig caches, so leak checkers see only our own leaks */
    /* a report that did not reach its reader (full disk, closed pipe) is a failure */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "y1est: standard output: write error\n");
        if (code == 0) code = 3;
    }
    return code;
}
