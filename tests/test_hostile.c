/* test_hostile.c: inputs a hostile user would write (alias cycles, deep nesting, oversized or
 * odd files, numbers in disguise), read through each reader's library entry point. Each check
 * wants a bad-input status and a message naming the file and the place, never a crash. */
#include <stdint.h>

#include "models/models.h"
#include "tests/check.h"

/* Read metadata text; returns the status, the message in err. */
static int md_text(const char *text, mdl_records *r, y1_err *err)
{
    mdl_md_opts o;
    mdl_md_opts_default(&o);
    return mdl_read_metadata_text(r, "m.yaml", text, strlen(text), &o, err);
}

/* An alias inside the node it anchors: the document is a cycle, which the reader used to
 * follow until the stack overflowed. */
static void test_metadata_alias_cycle(void)
{
    static const char *const cyc[] = {
        /* a subtask PropertySet that contains itself */
        "--- !<lsst.daf.base.PropertySet>\n"
        "- [calibrate, PropertySet, &a !<lsst.daf.base.PropertySet> [[sub, PropertySet, *a]]]\n",
        /* the root contains itself */
        "--- &r !<lsst.daf.base.PropertySet>\n"
        "- [calibrate, PropertySet, *r]\n",
    };
    for (size_t i = 0; i < sizeof cyc / sizeof cyc[0]; i++) {
        mdl_records r;
        y1_err err = {{0}};
        mdl_records_init(&r);
        CHECK_INT(md_text(cyc[i], &r, &err), Y1_EINPUT);
        CHECK_HAS(err.msg, "m.yaml:");
        CHECK_HAS(err.msg, "alias to itself");
        CHECK_INT(r.n, 0);
        mdl_records_clear(&r);
    }
    /* the same node reached twice without a cycle is fine: one record, its values once */
    mdl_records r;
    y1_err err = {{0}};
    mdl_records_init(&r);
    const char *dag =
        "--- !<lsst.daf.base.PropertySet>\n"
        "- [calibrate, PropertySet, !<lsst.daf.base.PropertySet> [\n"
        "   [runEndCpuTime, Double, 12.5],\n"
        "   [a, PropertySet, &p !<lsst.daf.base.PropertySet> [[runEndMaxResidentSetSize, Long, 300]]],\n"
        "   [b, PropertySet, *p]]]\n";
    CHECK_INT(md_text(dag, &r, &err), Y1_OK);
    CHECK_INT(r.n, 1);
    if (r.n == 1) {
        CHECK_NEAR(r.v[0].cpu_s, 12.5, 0);
        CHECK_NEAR(r.v[0].maxrss_bytes, 300 * 1024, 0);   /* no __version__: KiB */
    }
    mdl_records_clear(&r);
}

/* PropertySets nested past the bound are refused with the bound in the message. */
static void test_metadata_deep_sets(void)
{
    size_t levels = 70, cap = 128 + levels * 80;
    char *t = malloc(cap), *p = t;
    p += sprintf(p, "--- !<lsst.daf.base.PropertySet> [");
    for (size_t i = 0; i < levels; i++)
        p += sprintf(p, "[s%zu, PropertySet, !<lsst.daf.base.PropertySet> [", i);
    p += sprintf(p, "[x, Double, 1]");
    for (size_t i = 0; i < levels; i++) p += sprintf(p, "]]");
    p += sprintf(p, "]\n");
    mdl_records r;
    y1_err err = {{0}};
    mdl_records_init(&r);
    CHECK_INT(md_text(t, &r, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "more than 64 levels");
    mdl_records_clear(&r);
    free(t);
}

int main(void)
{
    test_metadata_alias_cycle();
    test_metadata_deep_sets();
    CHECK_DONE();
}
