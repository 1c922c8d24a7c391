/* y1_err.c: error formatting and the exit code of a status. */
#include "common/y1_err.h"

#include <stdarg.h>
#include <stdio.h>

int y1_errf(y1_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int y1_exit_code(int status)
{
    switch (status) {
    case Y1_OK: return 0;
    case Y1_EINPUT: return 1;
    case Y1_EUSAGE: return 2;
    default: return 3;
    }
}
