/* y1_progress.c: the progress hook (see y1_progress.h). No hook, no output. */
#include "common/y1_progress.h"

static y1_progress_fn hook; /* set once by main before any work starts */

void y1_progress_set(y1_progress_fn fn)
{
    hook = fn;
}

void y1_progress(const char *what, double done, double total)
{
    if (hook) hook(what, done, total);
}
