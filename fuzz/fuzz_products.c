/* fuzz_products.c: the data products YAML (est_products_load). */
#include "fuzz/fuzz.h"
#include "estimator/products.h"

static int rd(const char *p, y1_err *e)
{
    est_products pr;
    int rc = est_products_load(&pr, p, e);
    if (!rc) est_products_clear(&pr);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
