/* fuzz_models.c: resource-model YAML (mdl_set_load). */
#include "fuzz/fuzz.h"
#include "models/models.h"

static int rd(const char *p, y1_err *e)
{
    mdl_set *s = NULL;
    int rc = mdl_set_load(&s, p, e);
    mdl_set_free(s);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
