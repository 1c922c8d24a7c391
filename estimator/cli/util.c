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

#include "common/y1_list.h"
#include "common/y1_num.h"
#include "estimator/report/format.h"
#include "estimator/report/plot.h"
#include "estimator/report/report.h"
#include "estimator/source.h"
#include "pipeline/pipeline.h"
#include "skymap/skymap.h"

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

/* Break a long list into lines of at most width characters after its ", " separators. */
static void fold(char *list, size_t width)
{
    char *line = list;
    for (char *p = list; (p = strstr(p, ", ")); p += 2) {
        char *next = strstr(p + 2, ", ");
        size_t end = (size_t)((next ? next : p + strlen(p)) - line);
        if (end > width) {
            p[1] = '\n';
            line = p + 2;
        }
    }
}

void cli_help(FILE *fp, const char *text, unsigned formats)
{
    static const char *const tokens[] = {"{footprints}", "{rotations}", "{overlaps}",
                                         "{skymaps}", "{pipelines}", "{formats}", "{tables}",
                                         "{plotformats}", "{dimensions}"};
    enum { NTOK = sizeof tokens / sizeof tokens[0] };
    char list[600], dir[PATH_MAX + 16];
    for (const char *p = text; *p;) {
        const char *open = strchr(p, '{');
        size_t k = NTOK;
        for (size_t i = 0; open && i < NTOK; i++)
            if (!strncmp(open, tokens[i], strlen(tokens[i]))) k = i;
        if (k == NTOK) {
            /* no token here: the text up to and with the brace, as is */
            size_t n = open ? (size_t)(open - p) + 1 : strlen(p);
            fwrite(p, 1, n, fp);
            p += n;
            continue;
        }
        fwrite(p, 1, (size_t)(open - p), fp);
        switch (k) {
        case 0: snprintf(list, sizeof list, "%s", sky_fp_kind_list()); break;
        case 1: snprintf(list, sizeof list, "%s", sky_rot_mode_list()); break;
        case 2: snprintf(list, sizeof list, "%s", sky_overlap_rule_list()); break;
        case 3: est_skymap_names(list, sizeof list, " or "); break;
        case 4:
            snprintf(dir, sizeof dir, "%s/pipelines", est_datadir());
            y1_list_yaml(list, sizeof list, dir, " or ");
            break;
        case 5: est_format_list(list, sizeof list, formats); break;
        case 6: snprintf(list, sizeof list, "%s", est_report_table_list()); break;
        case 7: plot_format_list(list, sizeof list); break;
        default: pipe_dim_list(list, sizeof list); fold(list, 76); break;
        }
        fputs(list[0] ? list : "(none found in the data directory)", fp);
        p = open + strlen(tokens[k]);
    }
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
