/* test_hostile.c: inputs a hostile user would write (alias cycles, deep nesting, oversized or
 * odd files, numbers in disguise), read through each reader's library entry point. Each check
 * wants a bad-input status and a message naming the file and the place, never a crash. */
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

#include "cadence/cadence.h"
#include "estimator/parsl_db.h"
#include "estimator/workload.h"
#include "models/models.h"
#include "skymap/skymap.h"
#include "tests/check.h"

#define GIB 1073741824.0

static char tmpdir[256];

/* Write len bytes (NULs allowed) to tmpdir/name; returns the path (rotating buffers). */
static const char *write_bytes(const char *name, const char *text, size_t len)
{
    static char path[4][512];
    static int k = 0;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "cannot write %s\n", p);
        exit(2);
    }
    return p;
}
#define write_text(name, text) write_bytes(name, text, strlen(text))

/* Build tmpdir/name from SQL text; returns its path. */
static const char *write_db(const char *name, const char *sql)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    remove(path);
    sqlite3 *s = NULL;
    char *msg = NULL;
    if (sqlite3_open(path, &s) != SQLITE_OK || sqlite3_exec(s, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", name, msg ? msg : sqlite3_errmsg(s));
        exit(2);
    }
    sqlite3_close(s);
    return path;
}

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

/* __version__ picks the unit of MaxResidentSetSize: a JSON string "1" must not quietly mean
 * the KiB era (4.5 GiB read as 4,608 GiB). */
static void test_metadata_version_string(void)
{
    /* 4831838208 bytes = 4.5 x 2^30 */
    static const char *fmt =
        "{\"scalars\": {}, \"arrays\": {}, \"metadata\": {\"isr\": {\"scalars\": "
        "{\"__version__\": %s}, \"arrays\": {\"runEndCpuTime\": [12.5], "
        "\"runEndMaxResidentSetSize\": [4831838208]}, \"metadata\": {}}}}";
    static const struct { const char *version; int rc; double gib; } cases[] = {
        {"1", Y1_OK, 4.5}, {"0", Y1_OK, 4.5 * 1024},
        {"\"1\"", Y1_EINPUT, 0}, {"true", Y1_EINPUT, 0}, {"-1", Y1_EINPUT, 0},
        {"0.5", Y1_EINPUT, 0}, {"NaN", Y1_EINPUT, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, fmt, cases[i].version);
        mdl_records r;
        mdl_md_opts o;
        y1_err err = {{0}};
        mdl_records_init(&r);
        mdl_md_opts_default(&o);
        int rc = mdl_read_metadata_text(&r, "v.json", text, strlen(text), &o, &err);
        CHECK_MSG(rc == cases[i].rc, "__version__ %s: status %d (%s)", cases[i].version, rc,
                  err.msg);
        if (cases[i].rc == Y1_OK && r.n == 1)
            CHECK_NEAR(r.v[0].maxrss_bytes / GIB, cases[i].gib, 1e-9);
        if (cases[i].rc != Y1_OK) CHECK_HAS(err.msg, "v.json: isr.__version__ must be");
        mdl_records_clear(&r);
    }
}

/* The records CSV: a row longer than its header, and numbers no measurement can have. */
static void test_records_csv(void)
{
    static const struct { const char *text, *msg; } bad[] = {
        {"task,cpu_s,maxrss_gib,n_visits\nmeasure,10.5,1.25,4\nmeasure,11.5,1.5,5,7\n",
         "r.csv:3: 5 fields, but the header has 4 columns"},
        {"task,cpu_s,maxrss_gib,n_visits\nmeasure,10.5,1.25,1e20\n",
         "r.csv:2: n_visits must be at most 100000, got '1e20'"},
        {"task,cpu_s,maxrss_gib\nisr,1e13,1.25\n", "r.csv:2: cpu_s must be at most"},
        {"task,cpu_s,maxrss_gib\nisr,10,2e6\n", "r.csv:2: maxrss_gib must be at most"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mdl_records r;
        y1_err err = {{0}};
        mdl_records_init(&r);
        CHECK_INT(mdl_read_csv(&r, write_text("r.csv", bad[i].text), &err), Y1_EINPUT);
        CHECK_HAS(err.msg, bad[i].msg);
        mdl_records_clear(&r);
    }
    /* the edge values themselves are accepted */
    mdl_records r;
    y1_err err = {{0}};
    mdl_records_init(&r);
    CHECK_INT(mdl_read_csv(&r, write_text("r.csv", "task,cpu_s,maxrss_gib,n_visits\n"
                                          "measure,10.5,1.25,100000\n"), &err), Y1_OK);
    CHECK_INT(r.n, 1);
    mdl_records_clear(&r);
}

/* A NUL byte in a coadds file used to end its line early (the rest silently dropped). */
static void test_coadds_nul(void)
{
    static const char text[] = "band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\0,9\n";
    const char *p = write_bytes("nul.csv", text, sizeof text - 1);
    y1_err err = {{0}};
    est_coadds c;
    CHECK_INT(est_coadds_read(&c, p, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "nul.csv:2:10: NUL byte");
    mdl_records r;
    mdl_records_init(&r);
    static const char rec[] = "task,cpu_s,maxrss_gib\nisr,10\0,1\n";
    CHECK_INT(mdl_read_csv(&r, write_bytes("nulr.csv", rec, sizeof rec - 1), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "nulr.csv:2:7: NUL byte");
    mdl_records_clear(&r);
}

/* A coadd listed twice: the message names the later line and the earlier one. */
static void test_coadds_repeat_line(void)
{
    const char *p = write_text("d.csv", "# visits: 12\nband,tract,patch_x,patch_y,num_visits\n"
                               "r,7,1,1,3\ng,1,2,3,4\nr,7,1,2,3\ng,1,2,3,5\n");
    y1_err err = {{0}};
    est_coadds c;
    CHECK_INT(est_coadds_read(&c, p, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "d.csv:6: coadd band g tract 1 patch 2,3 appears twice (first on line 4)");
}

#define OBS_TABLE "CREATE TABLE observations (observationId INTEGER, fieldRA REAL, " \
    "fieldDec REAL, observationStartMJD REAL, filter TEXT, night INTEGER);"

static int cadence_total(const char *path, int64_t *total, y1_err *err)
{
    cad_db *db = NULL;
    cad_selection sel;
    cad_summary s;
    cad_selection_default(&sel);
    sel.years = 0;
    sel.program = "all";
    int rc = cad_open(&db, path, err);
    if (!rc && !(rc = cad_summarize(db, &sel, &s, err))) {
        *total = s.total;
        cad_summary_clear(&s);
    }
    cad_close(db);
    return rc;
}

/* A visit repeated in the table would be counted twice; ids out of order are fine. */
static void test_cadence_repeated_id(void)
{
    y1_err err = {{0}};
    int64_t total = -1;
    const char *p = write_db("dup.db", OBS_TABLE
        "INSERT INTO observations VALUES (0, 10.5, -30.25, 60218.01, 'g', 0),"
        " (1, 20.5, -31.25, 60218.02, 'r', 0), (1, 20.5, -31.25, 60218.02, 'r', 0),"
        " (2, 30.5, -32.25, 60218.03, 'i', 0);");
    CHECK_INT(cadence_total(p, &total, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "dup.db: observationId 1 appears in 2 rows of observations");
    /* the repeat is found also when the rows are not in id order */
    p = write_db("dup2.db", OBS_TABLE
        "INSERT INTO observations VALUES (5, 10.5, -30.25, 60218.01, 'g', 0),"
        " (3, 20.5, -31.25, 60218.02, 'r', 0), (4, 20.5, -31.25, 60218.02, 'r', 0),"
        " (5, 30.5, -32.25, 60218.03, 'i', 0);");
    CHECK_INT(cadence_total(p, &total, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 5 appears in 2 rows");
    p = write_db("perm.db", OBS_TABLE
        "INSERT INTO observations VALUES (2, 10.5, -30.25, 60218.01, 'g', 0),"
        " (0, 20.5, -31.25, 60218.02, 'r', 0), (1, 30.5, -32.25, 60218.03, 'i', 0);");
    CHECK_INT(cadence_total(p, &total, &err), Y1_OK);
    CHECK_INT(total, 3);
    /* a text id would read as 0 and hide a repeat */
    p = write_db("textid.db", OBS_TABLE
        "INSERT INTO observations VALUES (0, 10.5, -30.25, 60218.01, 'g', 0),"
        " ('x7', 20.5, -31.25, 60218.02, 'r', 0);");
    CHECK_INT(cadence_total(p, &total, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "textid.db: a row of observations has observationId of another type");
}

/* Parsl's numbers as text used to read as 0 (a 0 GiB peak). */
static void test_parsl_text(void)
{
    static const char *schema =
        "CREATE TABLE task (task_id INTEGER, run_id TEXT, task_func_name TEXT);"
        "CREATE TABLE try (try_id INTEGER, task_id INTEGER, run_id TEXT);"
        "CREATE TABLE resource (try_id INTEGER, task_id INTEGER, run_id TEXT, timestamp TEXT,"
        " psutil_process_time_user REAL, psutil_process_time_system REAL,"
        " psutil_process_memory_resident REAL);"
        "INSERT INTO task VALUES (1, 'r1', 'calibrate');"
        "INSERT INTO try VALUES (0, 1, 'r1');";
    static const struct { const char *rows, *msg; double gib; } cases[] = {
        {"(0, 1, 'r1', 't1', 10, 0, 1073741824), (0, 1, 'r1', 't2', 70.5, 2, 2147483648),"
         " (0, 1, 'r1', 't3', 80.5, 2, 536870912)", NULL, 2.0},
        {"(0, 1, 'r1', 't1', 10, 0, 1073741824), (0, 1, 'r1', 't2', 70.5, 2, '2 GiB')",
         "a resource row has text in psutil_process_memory_resident, expected a number", 0},
        {"(0, 1, 'r1', 't1', 'ten', 0, 1073741824)",
         "text in psutil_process_time_user", 0},
        {"(0, 1, 'r1', 't1', 10, 0, x'00ff')",
         "a blob in psutil_process_memory_resident", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sql[1024];
        snprintf(sql, sizeof sql, "%sINSERT INTO resource VALUES %s;", schema, cases[i].rows);
        const char *p = write_db("parsl.db", sql);
        mdl_records r;
        y1_err err = {{0}};
        mdl_records_init(&r);
        int rc = est_parsl_read(&r, p, NULL, &err);
        if (!cases[i].msg) {
            CHECK_INT(rc, Y1_OK);
            CHECK_INT(r.n, 1);
            /* the last sample is excluded from the peak (psutil's exit-time reading) */
            if (r.n == 1) CHECK_NEAR(r.v[0].maxrss_bytes / GIB, cases[i].gib, 0);
        } else {
            CHECK_INT(rc, Y1_EINPUT);
            CHECK_HAS(err.msg, cases[i].msg);
        }
        mdl_records_clear(&r);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/y1hostile.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR")
                                                                               : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_metadata_alias_cycle();
    test_metadata_deep_sets();
    test_metadata_version_string();
    test_records_csv();
    test_coadds_nul();
    test_coadds_repeat_line();
    test_cadence_repeated_id();
    test_parsl_text();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    CHECK_DONE();
}
