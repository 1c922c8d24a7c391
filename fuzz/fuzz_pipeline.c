/* fuzz_pipeline.c: pipeline definition YAML (pipe_load). */
#include "fuzz/fuzz.h"
#include "pipeline/pipeline.h"

static int rd(const char *p, y1_err *e)
{
    pipe_pipeline *pl = NULL;
    int rc = pipe_load(&pl, p, NULL, e);
    pipe_free(pl);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
