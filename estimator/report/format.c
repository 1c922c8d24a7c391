/* format.c: the names of the output formats and their parsing. */
#include "estimator/report/format.h"

#include <stdio.h>
#include <string.h>

#include "common/y1_list.h"

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
