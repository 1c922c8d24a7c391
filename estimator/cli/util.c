/* util.c: small helpers shared by the subcommands: diagnostics, option numbers, warnings. */
#include "estimator/cli/cli.h"
#include "estimator/estimate.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/y1_num.h"

int cli_fail(int status, const y1_err *err)
{
    fprintf(stderr, "y1est: %s\n", err->msg);
    return y1_exit_code(status);
}

int cli_flush_stdout(y1_err *err)
{
    if (fflush(stdout) == 0 && !ferror(stdout)) return Y1_OK;
    return y1_errf(err, Y1_EIO, "standard output: write error: %s", strerror(errno));
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

void cli_print_warnings(const est_result *r)
{
    const char *p = r->warnings;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "y1est: warning: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}
