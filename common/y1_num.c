/* y1_num.c: strict number parsing with one set of limits and one wording for every reader. */
#include "common/y1_num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int y1_num_double(const char *name, const char *s, double lo, double hi, double *out,
                  y1_err *err)
{
    char *end = NULL;
    errno = 0;
    double v = s ? strtod(s, &end) : NAN;
    /* strtod also reads "nan" and "inf": neither is a usable value */
    if (!s || end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return y1_errf(err, Y1_EINPUT, "%s: expected a finite number, got '%s'", name,
                       s ? s : "");
    if (v < lo || v > hi)
        return y1_errf(err, Y1_EINPUT, "%s: %s is out of range [%g, %g]", name, s, lo, hi);
    *out = v;
    return Y1_OK;
}

int y1_num_long(const char *name, const char *s, long lo, long hi, long *out, y1_err *err)
{
    char *end = NULL;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end != '\0' || errno == ERANGE)
        return y1_errf(err, Y1_EINPUT, "%s: expected an integer, got '%s'", name, s ? s : "");
    if (v < lo || v > hi)
        return y1_errf(err, Y1_EINPUT, "%s: %ld is out of range [%ld, %ld]", name, v, lo, hi);
    *out = v;
    return Y1_OK;
}
