/* fuzz_platform.c: platform YAML (est_platform_load, with the occupancy and workflow blocks). */
#include "fuzz/fuzz.h"
#include "estimator/platform.h"

static int rd(const char *p, y1_err *e)
{
    est_platform pl;
    return est_platform_load(&pl, p, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
