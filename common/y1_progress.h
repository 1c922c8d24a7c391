/* y1_progress.h: progress of long loops (campaign Monte Carlo, synthesis, footprints) as a hook.
 * Modules report how far they are; only the command line (main) installs a hook that prints,
 * so a library user, a test or a run with --quiet or a non-terminal stderr sees nothing. */
#ifndef Y1_PROGRESS_H
#define Y1_PROGRESS_H

/* what: a short phrase ("Monte Carlo", "footprints"); done of total units (done == total ends
 * the line). The hook must not fail; it is called from the calling thread only. */
typedef void (*y1_progress_fn)(const char *what, double done, double total);

/* Install fn (NULL: none, the default). */
void y1_progress_set(y1_progress_fn fn);
/* Report progress to the hook, if any. */
void y1_progress(const char *what, double done, double total);

#endif
