/* fuzz_coadds.c: the workload file coadds.csv (est_coadds_read), then the histogram workload
 * built from what it read. */
#include "fuzz/fuzz.h"
#include "estimator/workload.h"

static int rd(const char *p, y1_err *e)
{
    est_coadds c;
    int rc = est_coadds_read(&c, p, e);
    if (!rc) {
        est_workload w;
        y1_err e2;
        if (!est_workload_from_coadds(&w, &c, &e2)) est_workload_clear(&w);
        est_coadds_clear(&c);
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
