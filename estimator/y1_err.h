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

/* Atomic output: y1_out_open() opens "<path>.tmp.<pid>" for writing; y1_out_commit() flushes,
 * closes and renames it over path; y1_out_abort() closes and removes it. After either call the
 * handle is gone. A failed run therefore never leaves a half-written file at path. */
typedef struct y1_out y1_out;
int  y1_out_open(y1_out **out, const char *path, y1_err *err);
void *y1_out_fp(y1_out *o);            /* the FILE* to write to (void* keeps stdio out of here) */
int  y1_out_commit(y1_out *o, y1_err *err);
void y1_out_abort(y1_out *o);          /* NULL is fine */
const char *y1_out_tmp_path(const y1_out *o);

/* Staged output directories: y1_stage_open() makes dir (if needed) and a staging directory
 * "dir/.y1est-stage.<pid>" (its path into stage, size n); the caller writes every file there.
 * y1_stage_commit() removes from dir the files matching any of the `managed` patterns
 * (fnmatch; NULL-terminated) that this run did not write, then moves every staged file into
 * dir, and removes the staging directory; y1_stage_abort() only removes the staging directory.
 * A failed run therefore leaves dir as it was, and a finished one never mixes two runs. */
int  y1_stage_open(const char *dir, char *stage, size_t n, y1_err *err);
int  y1_stage_commit(const char *stage, const char *dir, const char *const *managed,
                     y1_err *err);
void y1_stage_abort(const char *stage);

#endif
