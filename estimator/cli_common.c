/* cli_common.c: small helpers shared by the subcommands: diagnostics and strict number parsing. */
#include "estimator/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

int cli_fail(int status, const y1_err *err)
{
    fprintf(stderr, "y1est: %s\n", err->msg);
    return y1_exit_code(status);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("y1est: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry 'y1est %s%s--help'\n", cmd ? cmd : "", cmd && *cmd ? " " : "");
    return 2;
}

int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out,
                     y1_err *err)
{
    char *end = NULL;
    errno = 0;
    double v = s ? strtod(s, &end) : NAN;
    if (!s || end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return y1_errf(err, Y1_EUSAGE, "%s: expected a finite number, got '%s'", opt,
                       s ? s : "");
    if (v < lo || v > hi)
        return y1_errf(err, Y1_EUSAGE, "%s: %s is out of range [%g, %g]", opt, s, lo, hi);
    *out = v;
    return Y1_OK;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, y1_err *err)
{
    char *end = NULL;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end != '\0' || errno == ERANGE)
        return y1_errf(err, Y1_EUSAGE, "%s: expected an integer, got '%s'", opt, s ? s : "");
    if (v < lo || v > hi)
        return y1_errf(err, Y1_EUSAGE, "%s: %ld is out of range [%ld, %ld]", opt, v, lo, hi);
    *out = v;
    return Y1_OK;
}

const char *cli_datadir(void)
{
    const char *d = getenv("Y1_DATADIR");
    return (d && *d) ? d : Y1_DATADIR;
}
