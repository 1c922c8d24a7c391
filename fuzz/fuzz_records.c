/* fuzz_records.c: the records CSV of `models fit` (mdl_read_csv) and the data-id side table
 * (mdl_apply_ids) on the records it gave. */
#include "fuzz/fuzz.h"
#include "models/models.h"

static int rd(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_records_init(&r);
    int rc = mdl_read_csv(&r, p, e);
    if (!rc) {
        y1_err e2;
        mdl_apply_ids(&r, p, &e2);   /* the same text as an ids table: only no crash */
    }
    mdl_records_clear(&r);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
