/* y1_out.h: outputs that appear whole or not at all: single files written through a temp file
 * and renamed, and output directories filled through a staging directory. */
#ifndef Y1_OUT_H
#define Y1_OUT_H

#include <stddef.h>

#include "common/y1_err.h"

/* Atomic output: y1_out_open() opens "<path>.tmp.<pid>" for writing; y1_out_commit() flushes,
 * closes and renames it over path; y1_out_abort() closes and removes it. After either call the
 * handle is gone. A failed run therefore never leaves a half-written file at path. */
typedef struct y1_out y1_out;
int  y1_out_open(y1_out **out, const char *path, y1_err *err);
void *y1_out_fp(y1_out *o);            /* the FILE* to write to (void* keeps stdio out of here) */
int  y1_out_commit(y1_out *o, y1_err *err);
void y1_out_abort(y1_out *o);          /* NULL is fine */

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
