/* fuzz_metadata_json.c: LSST task-metadata files, JSON (TaskMetadata era, bare NaN/Infinity),
 * through the file reader (mdl_read_metadata) with both CPU definitions. */
#include "fuzz/fuzz.h"
#include "models/models.h"

static int cpu = MDL_CPU_ABSOLUTE;

static int rd(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_md_opts o;
    mdl_records_init(&r);
    mdl_md_opts_default(&o);
    o.cpu = cpu;
    int rc = mdl_read_metadata(&r, p, &o, e);
    mdl_records_clear(&r);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    /* the reader tells the formats apart by the first non-blank byte ('{' is JSON) */
    size_t i = 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r')) i++;
    if ((i < n && d[i] == '{') != 1) return 0;
    cpu = n % 2 ? MDL_CPU_RUN : MDL_CPU_ABSOLUTE;
    return fuzz_on_file(d, n, rd);
}
