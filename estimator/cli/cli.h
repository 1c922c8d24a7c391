/* cli.h: the command-line layer. Each subcommand is one cmd_<name>.c file; it parses its own options
 * (getopt_long), prints its results on stdout and returns a process exit code (0/1/2/3). Only
 * this layer prints; diagnostics go to stderr as "y1est: ...". */
#ifndef Y1_CLI_H
#define Y1_CLI_H

#include <stdio.h>
#include "common/y1_err.h"

int cli_estimate(int argc, char **argv); /* the main job (default subcommand) */
int cli_cadence(int argc, char **argv);  /* cadence summary | cadence synth */
int cli_skymap(int argc, char **argv);   /* skymap tract | skymap find | skymap overlaps */
int cli_models(int argc, char **argv);   /* models fit | models show */
int cli_campaign(int argc, char **argv); /* campaign timeline, storage, uncertainty, sweeps */
int cli_request(int argc, char **argv);  /* the allocation request summary */
int cli_runreport(int argc, char **argv); /* run-report: a Parsl monitoring.db, after wstat */
int cli_pipeline(int argc, char **argv); /* pipeline show: a pipeline file, optionally costed */
int cli_validate(int argc, char **argv);  /* validate: the estimate against a measured run */

/* Print "y1est: <msg>" to stderr and return the exit code for status. */
int cli_fail(int status, const y1_err *err);
/* Flush stdout: Y1_OK, or Y1_EIO with "standard output: write error". Outputs (--out) are
 * committed only after this succeeds, so a report that did not reach its reader leaves none. */
int cli_flush_stdout(y1_err *err);
/* Print each line of r->warnings (what a run wants said) as "y1est: warning: ..." on stderr. */
struct est_result;
void cli_print_warnings(const struct est_result *r);
/* Bad usage: print "y1est: <what>" and "try 'y1est <cmd> --help'" and return 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a help text to fp (stdout for --help) with its name lists filled in from the tables that own them, so
 * a new entry is in every help text: {footprints}, {rotations}, {overlaps} (skymap/names.c),
 * {skymaps}, {pipelines} (the YAML files of DATADIR/skymaps, DATADIR/pipelines), {formats}
 * (the formats in the mask, report/format.c) and {tables} (the estimate's CSV tables), each as
 * "a, b or c". Other text as is. */
void cli_help(FILE *fp, const char *text, unsigned formats);
/* Strict number parsing for option values; on failure returns Y1_EUSAGE with a message naming
 * the option. Rejects NaN, inf, trailing junk and values outside [lo, hi]. */
int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out,
                     y1_err *err);
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, y1_err *err);


/* The visit-selection options shared by `estimate` and `cadence summary`. Long-option codes
 * start at CLI_OPT_SEL so each subcommand can put them in its getopt_long table. */
#include "cadence/cadence.h"
#include "estimator/source.h"
enum { CLI_OPT_SEL = 1000, CLI_OPT_CADENCE = CLI_OPT_SEL, CLI_OPT_YEARS, CLI_OPT_NIGHTS,
       CLI_OPT_PROGRAM, CLI_OPT_BANDS, CLI_OPT_WFD_ID, CLI_OPT_WFD_NOTE, CLI_OPT_NIGHT_ZERO,
       CLI_OPT_SEL_END };
#define CLI_SEL_LONGOPTS                                                                    \
    {"cadence", required_argument, NULL, CLI_OPT_CADENCE},                                  \
    {"years", required_argument, NULL, CLI_OPT_YEARS},                                      \
    {"nights", required_argument, NULL, CLI_OPT_NIGHTS},                                    \
    {"program", required_argument, NULL, CLI_OPT_PROGRAM},                                  \
    {"bands", required_argument, NULL, CLI_OPT_BANDS},                                      \
    {"wfd-proposal-id", required_argument, NULL, CLI_OPT_WFD_ID},                           \
    {"wfd-note", required_argument, NULL, CLI_OPT_WFD_NOTE},                                \
    {"survey-nights", no_argument, NULL, CLI_OPT_NIGHT_ZERO}
#define CLI_SEL_HELP                                                                        \
    "Visit selection:\n"                                                                    \
    "  --cadence DB          OpSim sqlite file (default: the embedded synthetic baseline v2.0\n" \
    "                        stand-in; pass the real baseline_v2.0_10yrs.db for real numbers)\n" \
    "  --years N             first N years: night - first night < floor(365.25 N) (default 1)\n" \
    "  --nights A:B          nights A..B inclusive, counted from the file's first night\n"     \
    "  --survey-nights       count --years/--nights from the survey's night 0, not from the\n" \
    "                        file's first night (for extracts such as imSim's small files)\n" \
    "  --program P           wfd (default), ddf, other, all, or a label such as DD:COSMOS\n" \
    "  --bands B             bands to keep, e.g. ugrizy (default) or g,r,i\n"                \
    "  --wfd-proposal-id ID  these proposalIds (comma list) are WFD, overriding the file's\n" \
    "                        labels; a note starting with 'DD' still marks a DDF visit, as\n"  \
    "                        the v2.0 labelling did\n"                                        \
    "  --wfd-note PATTERN    WFD = note (scheduler_note) LIKE PATTERN, e.g. 'blob%'\n"

/* Handle one selection option (code from CLI_SEL_LONGOPTS). Returns Y1_EUSAGE on bad values. */
int cli_sel_option(est_sel *cs, int code, const char *arg, y1_err *err);


/* ---- the run's options (estimate, campaign, validate) ---------------------------------- */

#include "estimator/run.h"

/* The footprint, model and workload options shared by `estimate` and `campaign`. Codes start
 * at CLI_OPT_RUN_FIRST (above the selection codes of cli.h) so both getopt tables can hold them. */
enum { CLI_OPT_RUN_FIRST = 1100, CLI_OPT_RUN_FOOTPRINT = CLI_OPT_RUN_FIRST, CLI_OPT_RUN_RADIUS, CLI_OPT_RUN_ROTATION,
       CLI_OPT_RUN_SEED, CLI_OPT_RUN_SKYMAP, CLI_OPT_RUN_WORKLOAD, CLI_OPT_RUN_MODELS, CLI_OPT_RUN_TASKS,
       CLI_OPT_RUN_PRODUCTS, CLI_OPT_RUN_THREADS, CLI_OPT_RUN_OVERLAP,
       CLI_OPT_RUN_PIPELINE, CLI_OPT_RUN_DETECTORS, CLI_OPT_RUN_END };
#define CLI_RUN_LONGOPTS                                                                   \
    {"footprint", required_argument, NULL, CLI_OPT_RUN_FOOTPRINT},                              \
    {"radius", required_argument, NULL, CLI_OPT_RUN_RADIUS},                                    \
    {"rotation", required_argument, NULL, CLI_OPT_RUN_ROTATION},                                \
    {"seed", required_argument, NULL, CLI_OPT_RUN_SEED},                                        \
    {"skymap", required_argument, NULL, CLI_OPT_RUN_SKYMAP},                                    \
    {"workload", required_argument, NULL, CLI_OPT_RUN_WORKLOAD},                                \
    {"models", required_argument, NULL, CLI_OPT_RUN_MODELS},                                    \
    {"tasks", required_argument, NULL, CLI_OPT_RUN_TASKS},                                      \
    {"products", required_argument, NULL, CLI_OPT_RUN_PRODUCTS},                                \
    {"threads", required_argument, NULL, CLI_OPT_RUN_THREADS},                                  \
    {"overlap", required_argument, NULL, CLI_OPT_RUN_OVERLAP},                                  \
    {"pipeline", required_argument, NULL, CLI_OPT_RUN_PIPELINE},                                \
    {"detectors", required_argument, NULL, CLI_OPT_RUN_DETECTORS}

/* Handle one option of CLI_SEL_LONGOPTS or CLI_RUN_LONGOPTS. Returns Y1_EUSAGE for a bad
 * value, naming the option. */
int cli_run_option(est_run_opts *o, int code, const char *arg, y1_err *err);

/* Options that contradict each other: an error (Y1_EUSAGE) when the combination has no
 * meaning (--radius with --footprint lsstcam); a warning line (into warn, "" if none) when an
 * option is ignored (footprint options with --workload, --rotation random with the circle). */
int cli_run_check(const est_run_opts *o, char *warn, size_t n, y1_err *err);

#endif
