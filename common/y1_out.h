/* y1_out.h: outputs that appear whole or not at all: single files written through a temp file
 * and renamed, output directories built beside the old one and swapped in with one rename, and
 * the temporary paths a signal or a later run cleans up. */
#ifndef Y1_OUT_H
#define Y1_OUT_H

#include <stddef.h>

#include "common/y1_err.h"

/* Atomic output: y1_out_open() opens "<path>.tmp.<pid>" for writing; y1_out_commit() flushes,
 * closes and renames it over path; y1_out_abort() closes and removes it. After either call the
 * handle is gone. A failed run therefore never leaves a half-written file at path. The temp
 * name is tracked (y1_tmp_track), and leftovers "<path>.tmp.<pid>" of processes that no longer
 * exist are removed when the file is opened. */
typedef struct y1_out y1_out;
int  y1_out_open(y1_out **out, const char *path, y1_err *err);
void *y1_out_fp(y1_out *o);            /* the FILE* to write to (void* keeps stdio out of here) */
int  y1_out_commit(y1_out *o, y1_err *err);
void y1_out_abort(y1_out *o);          /* NULL is fine */

/* Staged output directories. y1_stage_open() makes the staging directory
 * "<parent>/.<name>.y1est-stage.<pid>" beside dir (its path into stage, size n); the caller
 * writes every file there. y1_stage_commit() then, holding an exclusive flock on the parent
 * directory (so concurrent runs commit one at a time):
 *   1. hard-links into the stage every entry of dir that matches none of the `managed`
 *      patterns (fnmatch; NULL-terminated), i.e. files that are not ours stay;
 *   2. swaps stage and dir with one renameat2(RENAME_EXCHANGE) (a plain rename when dir does
 *      not exist yet), so dir holds the whole old set up to that instant and the whole new set
 *      after it;
 *   3. removes the old set (now at the staging name).
 * Where the kernel or file system has no RENAME_EXCHANGE (ENOSYS, EINVAL), the fallback renames
 * dir aside to "<parent>/.<name>.y1est-old.<pid>" and the stage onto dir: between those two
 * renames dir is absent, never mixed. dir must not hold subdirectories of its own (they could
 * not be carried over atomically): Y1_EIO naming the subdirectory. y1_stage_abort() removes the
 * staging directory. Both open and commit remove leftover staging directories of processes
 * that no longer exist. */
int  y1_stage_open(const char *dir, char *stage, size_t n, y1_err *err);
int  y1_stage_commit(const char *stage, const char *dir, const char *const *managed,
                     y1_err *err);
void y1_stage_abort(const char *stage);

/* Temporary paths removed on SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE once
 * y1_tmp_signals() has installed the handler: it removes every tracked path (a directory with
 * its files) with async-signal-safe calls, then dies of the same signal. y1_tmp_track copies
 * path (at most 16 at a time, each shorter than 1024 bytes: Y1_EIO otherwise);
 * y1_tmp_untrack forgets it (unknown paths are fine). */
void y1_tmp_signals(void);
int  y1_tmp_track(const char *path, int is_dir, y1_err *err);
void y1_tmp_untrack(const char *path);

/* Remove from dir the entries named prefix + PID + rest, where rest matches the fnmatch pattern
 * `rest` ("" = nothing) and PID is a process that no longer exists (kill(pid, 0) fails with
 * ESRCH). A directory is removed with the files in it. Returns the number removed. */
int  y1_tmp_sweep(const char *dir, const char *prefix, const char *rest);

#endif
