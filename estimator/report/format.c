/* format.c: the names of the output formats and their parsing. */
#include "estimator/report/format.h"

#include <stdio.h>
#include <string.h>

static const char *const names[EST_FMT_COUNT] = {"text", "md", "csv", "json"};

const char *est_format_name(est_format f)
{
    return (unsigned)f < EST_FMT_COUNT ? names[f] : "?";
}

int est_format_parse(const char *s, unsigned allowed, est_format *out, y1_err *err)
{
    char list[64] = "";
    int k = 0, n = 0;
    for (int f = 0; f < EST_FMT_COUNT; f++) {
        if (!(allowed & EST_FMT_BIT(f))) continue;
        if (s && !strcmp(s, names[f])) {
            *out = (est_format)f;
            return Y1_OK;
        }
        n++;
    }
    /* "a, b or c" */
    for (int f = 0; f < EST_FMT_COUNT; f++) {
        if (!(allowed & EST_FMT_BIT(f))) continue;
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", k == 0 ? "" : k == n - 1 ? " or " : ", ",
                 names[f]);
        k++;
    }
    return y1_errf(err, Y1_EUSAGE, "--format: expected %s, got '%s'", list, s ? s : "");
}
