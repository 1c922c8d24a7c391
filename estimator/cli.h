/* cli.h: the command-line layer. Each subcommand is one cli_*.c file; it parses its own options
 * (getopt_long), prints its results on stdout and returns a process exit code (0/1/2/3). Only
 * this layer prints; diagnostics go to stderr as "y1est: ...". */
#ifndef Y1_CLI_H
#define Y1_CLI_H

#include <stdio.h>
#include "estimator/y1_err.h"

int cli_estimate(int argc, char **argv); /* the main job (default subcommand) */
int cli_cadence(int argc, char **argv);  /* cadence summary | cadence synth */
int cli_skymap(int argc, char **argv);   /* skymap tract | skymap find | skymap overlaps */
int cli_models(int argc, char **argv);   /* models fit | models show */

/* Print "y1est: <msg>" to stderr and return the exit code for status. */
int cli_fail(int status, const y1_err *err);
/* Bad usage: print "y1est: <what>" and "try 'y1est <cmd> --help'" and return 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Strict number parsing for option values; on failure returns Y1_EUSAGE with a message naming
 * the option. Rejects NaN, inf, trailing junk and values outside [lo, hi]. */
int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out,
                     y1_err *err);
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, y1_err *err);
/* Shared data directory (data/ of the source tree, or $Y1_DATADIR). */
const char *cli_datadir(void);

#endif
