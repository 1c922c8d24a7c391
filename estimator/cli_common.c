/* cli_common.c: small helpers shared by the subcommands: diagnostics, option numbers, the data folder. */
#include "estimator/cli.h"

#include <stdarg.h>
#include <stdlib.h>

#include "common/y1_num.h"

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

/* An option value is parsed as any number is (common/y1_num.h); a bad one is bad usage. */
int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out,
                     y1_err *err)
{
    return y1_num_double(opt, s, lo, hi, out, err) ? Y1_EUSAGE : Y1_OK;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, y1_err *err)
{
    return y1_num_long(opt, s, lo, hi, out, err) ? Y1_EUSAGE : Y1_OK;
}

const char *cli_datadir(void)
{
    const char *d = getenv("Y1_DATADIR");
    return (d && *d) ? d : Y1_DATADIR;
}
