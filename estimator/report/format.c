/* format.c: the names of the output formats (--format) and of the plot formats (--plot-format)
 * and their parsing. */
#include "estimator/report/format.h"

#include <stdio.h>
#include <string.h>

#include "common/y1_list.h"
#include "estimator/report/plot.h"

static const char *const names[EST_FMT_COUNT] = {"text", "md", "csv", "json"};

const char *est_format_name(est_format f)
{
    return (unsigned)f < EST_FMT_COUNT ? names[f] : "?";
}

void est_format_list(char *out, size_t n, unsigned allowed)
{
    const char *v[EST_FMT_COUNT];
    size_t k = 0;
    for (int f = 0; f < EST_FMT_COUNT; f++)
        if (allowed & EST_FMT_BIT(f)) v[k++] = names[f];
    y1_list_join(out, n, v, k, " or ");
}

int est_format_parse(const char *s, unsigned allowed, est_format *out, y1_err *err)
{
    char list[64];
    for (int f = 0; f < EST_FMT_COUNT; f++)
        if ((allowed & EST_FMT_BIT(f)) && s && !strcmp(s, names[f])) {
            *out = (est_format)f;
            return Y1_OK;
        }
    est_format_list(list, sizeof list, allowed);
    return y1_errf(err, Y1_EUSAGE, "--format: expected %s, got '%s'", list, s ? s : "");
}

/* ---- --plot-format -------------------------------------------------------------------- */
static const char *const plot_names[] = {[PLOT_PNG] = "png", [PLOT_SVG] = "svg",
                                         [PLOT_PDF] = "pdf"};
enum { NPLOT = sizeof plot_names / sizeof plot_names[0] };

void plot_format_list(char *out, size_t n)
{
    y1_list_join(out, n, plot_names, NPLOT, " or ");
}

int plot_format_parse(const char *s, plot_format *out, y1_err *err)
{
    char list[64];
    for (int f = 0; f < NPLOT; f++)
        if (s && !strcmp(s, plot_names[f])) {
            *out = (plot_format)f;
            return Y1_OK;
        }
    plot_format_list(list, sizeof list);
    return y1_errf(err, Y1_EUSAGE, "--plot-format: expected %s, got '%s'", list, s ? s : "");
}

const char *plot_format_ext(plot_format f)
{
    return (unsigned)f < NPLOT ? plot_names[f] : plot_names[PLOT_PNG];
}
