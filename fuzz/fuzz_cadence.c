/* fuzz_cadence.c: OpSim cadence sqlite files (cad_open, then a full scan and Table 1 with
 * every program). The database lives in memory (a memfd). */
#include "fuzz/fuzz.h"
#include "cadence/cadence.h"

static int rd(const char *p, y1_err *e)
{
    cad_db *db = NULL;
    int rc = cad_open(&db, p, e);
    if (!rc) {
        cad_selection sel;
        cad_summary s;
        cad_selection_default(&sel);
        sel.years = 0;
        sel.program = "all";
        if (!(rc = cad_summarize(db, &sel, &s, e))) cad_summary_clear(&s);
        cad_selection_default(&sel);   /* Y1 WFD: the night cut and the labels */
        if (!rc && !cad_summarize(db, &sel, &s, e)) cad_summary_clear(&s);
        rc = Y1_OK;
    }
    cad_close(db);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
