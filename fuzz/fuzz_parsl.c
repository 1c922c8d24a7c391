/* fuzz_parsl.c: Parsl monitoring.db files, through both readers: the per-try records of
 * `models fit` (est_parsl_read) and the run report (est_mon_open). In memory (a memfd). */
#include "fuzz/fuzz.h"
#include "estimator/monitor.h"
#include "estimator/parsl_db.h"

static int rd(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_records_init(&r);
    int rc = est_parsl_read(&r, p, NULL, e);
    mdl_records_clear(&r);
    est_mon *m = NULL;
    y1_err e2 = {{0}};
    int rc2 = est_mon_open(&m, p, &e2);
    if (rc2 != Y1_OK && !e2.msg[0]) abort();
    est_mon_free(m);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
