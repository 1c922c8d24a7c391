/* fuzz_skymap.c: sky map YAML (sky_map_new: both tract builders, the ring layout). */
#include "fuzz/fuzz.h"
#include "skymap/skymap.h"

static int rd(const char *p, y1_err *e)
{
    sky_map *m = NULL;
    int rc = sky_map_new(&m, p, e);
    sky_map_free(m);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
