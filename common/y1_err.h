/* y1_err.h: status codes and the one-line error message every module fills in.
 * A failing function returns a Y1_E* code and writes "place: what was wrong" into err->msg. */
#ifndef Y1_ERR_H
#define Y1_ERR_H

#include <stddef.h>

enum {
    Y1_OK = 0,
    Y1_EINPUT = 1, /* bad input data: names the file, line or column and what was expected */
    Y1_EUSAGE = 2, /* bad usage: option values, unknown subcommand */
    Y1_EIO = 3,    /* I/O or system failure */
    Y1_ENOMEM = 4  /* allocation failure; reported as an I/O/system failure (exit 3) */
};

typedef struct y1_err {
    char msg[512]; /* one line, no trailing newline; nothing to free */
} y1_err;

/* Format into err (may be NULL) and return code, so callers can write
 * `return y1_errf(err, Y1_EINPUT, "%s:%d: ...", path, line);`. */
int y1_errf(y1_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The process exit code for a status: 0, 1 (input), 2 (usage), 3 (I/O, memory). */
int y1_exit_code(int status);

#endif
