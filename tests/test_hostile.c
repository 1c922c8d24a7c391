/* test_hostile.c: inputs a hostile user would write (alias cycles, deep nesting, oversized or
 * odd files, numbers in disguise), read through each reader's library entry point. Each check
 * wants a bad-input status and a message naming the file and the place, never a crash. */
#define _GNU_SOURCE   /* memmem */
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cadence/cadence.h"
#include "estimator/monitor.h"
#include "estimator/parsl_db.h"
#include "estimator/platform.h"
#include "estimator/products.h"
#include "estimator/workload.h"
#include "models/models.h"
#include "pipeline/pipeline.h"
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
    size_t levels = 40, cap = 128 + levels * 80;
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
    CHECK_HAS(err.msg, "more than 32 levels");
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
         "r.csv:2:19: n_visits: 1e20 is out of range [0, 100000]"},
        {"task,cpu_s,maxrss_gib\nisr,1e13,1.25\n", "r.csv:2:5: cpu_s: 1e13 is out of range [0, 1e+12]"},
        {"task,cpu_s,maxrss_gib\nisr,10,2e6\n", "r.csv:2:8: maxrss_gib: 2e6 is out of range [0, 1e+06]"},
        /* a blank before the value: the column is where the value starts */
        {"task,cpu_s,maxrss_gib\nisr, 1x,1\n", "r.csv:2:6: cpu_s: expected a finite number, got '1x'"},
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

/* ---- every file reader, behind one signature ---- */

static int rd_platform(const char *p, y1_err *e)
{
    est_platform pl;
    return est_platform_load(&pl, p, e);
}
static int rd_products(const char *p, y1_err *e)
{
    est_products pr;
    int rc = est_products_load(&pr, p, e);
    if (!rc) est_products_clear(&pr);
    return rc;
}
static int rd_models(const char *p, y1_err *e)
{
    mdl_set *s = NULL;
    int rc = mdl_set_load(&s, p, e);
    mdl_set_free(s);
    return rc;
}
static int rd_skymap(const char *p, y1_err *e)
{
    sky_map *m = NULL;
    int rc = sky_map_new(&m, p, e);
    sky_map_free(m);
    return rc;
}
static int rd_camera(const char *p, y1_err *e)
{
    sky_fp_opts o;
    sky_footprint *fp = NULL;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    o.camera_path = p;
    int rc = sky_footprint_new(&fp, &o, e);
    sky_footprint_free(fp);
    return rc;
}
static int rd_metadata(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_md_opts o;
    mdl_records_init(&r);
    mdl_md_opts_default(&o);
    int rc = mdl_read_metadata(&r, p, &o, e);
    mdl_records_clear(&r);
    return rc;
}
static int rd_records(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_records_init(&r);
    int rc = mdl_read_csv(&r, p, e);
    mdl_records_clear(&r);
    return rc;
}
static int rd_ids(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_records_init(&r);
    int rc = mdl_apply_ids(&r, p, e);
    mdl_records_clear(&r);
    return rc;
}
static int rd_est_coadds(const char *p, y1_err *e)
{
    est_coadds c;
    int rc = est_coadds_read(&c, p, e);
    if (!rc) est_coadds_clear(&c);
    return rc;
}
static int rd_pipeline(const char *p, y1_err *e)
{
    pipe_pipeline *pl = NULL;
    int rc = pipe_load(&pl, p, NULL, e);
    pipe_free(pl);
    return rc;
}
static int rd_cadence(const char *p, y1_err *e)
{
    cad_db *db = NULL;
    int rc = cad_open(&db, p, e);
    cad_close(db);
    return rc;
}
static int rd_parsl(const char *p, y1_err *e)
{
    mdl_records r;
    mdl_records_init(&r);
    int rc = est_parsl_read(&r, p, NULL, e);
    mdl_records_clear(&r);
    return rc;
}
static int rd_monitor(const char *p, y1_err *e)
{
    est_mon *m = NULL;
    int rc = est_mon_open(&m, p, e);
    est_mon_free(m);
    return rc;
}

typedef struct reader { const char *name; int (*read)(const char *, y1_err *); int yaml; } reader;
static const reader readers[] = {
    {"platform", rd_platform, 1}, {"products", rd_products, 1}, {"models", rd_models, 1},
    {"skymap", rd_skymap, 1}, {"camera", rd_camera, 1}, {"metadata", rd_metadata, 1},
    {"pipeline", rd_pipeline, 1}, {"records", rd_records, 0}, {"ids", rd_ids, 0},
    {"coadds.csv", rd_est_coadds, 0}, {"cadence", rd_cadence, 0}, {"parsl", rd_parsl, 0},
    {"run-report", rd_monitor, 0},
};
#define NREADERS (sizeof readers / sizeof readers[0])

/* A FIFO blocked every reader forever (the alarm in main turns a hang into a failure); a
 * directory, device or FIFO is refused as an I/O error naming what was expected. */
static void test_non_regular_inputs(void)
{
    char fifo[300], dir[300];
    snprintf(fifo, sizeof fifo, "%s/input.fifo", tmpdir);
    snprintf(dir, sizeof dir, "%s/input.dir", tmpdir);
    if (mkfifo(fifo, 0600) != 0 || mkdir(dir, 0700) != 0) {
        perror("mkfifo/mkdir");
        exit(2);
    }
    for (size_t i = 0; i < NREADERS; i++) {
        y1_err err = {{0}};
        int rc = readers[i].read(fifo, &err);
        CHECK_MSG(rc == Y1_EIO && strstr(err.msg, "input.fifo: is a FIFO (named pipe), expected"),
                  "%s on a FIFO: status %d, '%s'", readers[i].name, rc, err.msg);
        rc = readers[i].read("/dev/null", &err);
        CHECK_MSG(rc == Y1_EIO && strstr(err.msg, "/dev/null: is a device, expected"),
                  "%s on /dev/null: status %d, '%s'", readers[i].name, rc, err.msg);
        if (!strcmp(readers[i].name, "metadata")) continue;   /* a directory is its tree */
        rc = readers[i].read(dir, &err);
        CHECK_MSG(rc == Y1_EIO && strstr(err.msg, "input.dir: is a directory, expected"),
                  "%s on a directory: status %d, '%s'", readers[i].name, rc, err.msg);
    }
}

/* YAML that is deep, large, several documents, tagged or aliased: refused by the one loader,
 * at the place, before libyaml spends a minute on it (10^5 levels took 52 s). */
static void test_yaml_bounds(void)
{
    size_t deep = 100000;
    char *t = malloc(2 * deep + 2);
    memset(t, '[', deep);
    memset(t + deep, ']', deep);
    t[2 * deep] = '\n';
    t[2 * deep + 1] = 0;
    const char *deep_path = write_bytes("deep.yaml", t, 2 * deep + 1);
    free(t);
    size_t big = (1u << 20) + 1;
    t = malloc(big);
    memset(t, ' ', big);
    memcpy(t, "name: x\n#", 10);
    const char *big_path = write_bytes("big.yaml", t, big);
    free(t);
    for (size_t i = 0; i < NREADERS; i++) {
        if (!readers[i].yaml) continue;
        y1_err err = {{0}};
        int rc = readers[i].read(deep_path, &err);
        CHECK_MSG(rc == Y1_EINPUT && strstr(err.msg, "deep.yaml:1:101: nested more than 100 "
                                            "levels deep"),
                  "%s, 10^5 levels: status %d, '%s'", readers[i].name, rc, err.msg);
        rc = readers[i].read(big_path, &err);
        if (!strcmp(readers[i].name, "metadata")) {
            /* metadata files may be larger (16 MiB); this one is just not metadata */
            CHECK_INT(rc, Y1_EINPUT);
            continue;
        }
        CHECK_MSG(rc == Y1_EINPUT && strstr(err.msg, "big.yaml: 1048577 bytes; a ") &&
                  strstr(err.msg, "is at most 1048576 bytes"),
                  "%s, 1 MiB + 1: status %d, '%s'", readers[i].name, rc, err.msg);
    }
    static const struct { const char *text, *msg; } bad[] = {
        {"name: a\n---\nname: b\n", "x.yaml:2:1: a second YAML document"},
        {"name: !!str a\n", "x.yaml:1:7: YAML tags (tag:yaml.org,2002:str) are not used"},
        {"name: &n a\nother: *n\n", "x.yaml:1:7: YAML anchors and aliases (&n)"},
        {"a: &x [*x]\n", "x.yaml:1:4: YAML anchors and aliases (&x)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *p = write_text("x.yaml", bad[k].text);
        for (size_t i = 0; i < NREADERS; i++) {
            if (!readers[i].yaml || !strcmp(readers[i].name, "metadata")) continue;
            y1_err err = {{0}};
            int rc = readers[i].read(p, &err);
            CHECK_MSG(rc == Y1_EINPUT && strstr(err.msg, bad[k].msg), "%s on '%s': %d, '%s'",
                      readers[i].name, bad[k].text, rc, err.msg);
        }
    }
}

/* Quoted or tagged numbers are strings: "64" used to be read as 64. One rule for every
 * reader (y1_yaml_number_text). */
static void test_quoted_numbers(void)
{
    static const struct { const char *value, *msg; } bad[] = {
        {"\"64\"", "cores_per_node: expected an integer, got the quoted string '64'"},
        {"'64'", "cores_per_node: expected an integer, got the quoted string '64'"},
        {"!!str 64", "YAML tags (tag:yaml.org,2002:str) are not used"},
        {"!!int 64", "YAML tags (tag:yaml.org,2002:int) are not used"},
        {"0x40", "cores_per_node: expected an integer, got '0x40'"},
        {"|\n  64", "cores_per_node: expected an integer, got the quoted string '64"},
    };
    char text[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "name: Small\ncpu_factor: 1\ncores_per_node: %s\n"
                 "memory_per_node_gib: 16\nmemory_reserve_gib: 10\n", bad[i].value);
        y1_err err = {{0}};
        int rc = rd_platform(write_text("q.yaml", text), &err);
        CHECK_MSG(rc == Y1_EINPUT && strstr(err.msg, "q.yaml:3:") && strstr(err.msg, bad[i].msg),
                  "cores_per_node: %s: %d, '%s'", bad[i].value, rc, err.msg);
    }
    /* the plain spellings still read */
    snprintf(text, sizeof text, "name: Small\ncpu_factor: 1\ncores_per_node: 64\n"
             "memory_per_node_gib: 16.5e0\nmemory_reserve_gib: 10\n");
    est_platform pl;
    y1_err err = {{0}};
    CHECK_INT(est_platform_load(&pl, write_text("q.yaml", text), &err), Y1_OK);
    CHECK_INT(pl.cores_per_node, 64);
    CHECK_NEAR(pl.memory_per_node_gib, 16.5, 0);
    /* the same rule in the sky map, model and metadata readers */
    FILE *f = fopen("data/skymaps/dc2.yaml", "r");
    char map[4096];
    size_t n = f ? fread(map, 1, sizeof map - 1, f) : 0;
    if (f) fclose(f);
    map[n] = 0;
    char *at = strstr(map, "num_rings: 120");
    CHECK(at != NULL);
    if (at) {
        memcpy(at, "num_rings: '9'", 14);   /* as long as "num_rings: 120" */
        CHECK_INT(rd_skymap(write_text("sq.yaml", map), &err), Y1_EINPUT);
        CHECK_HAS(err.msg, "sq.yaml:7:12: num_rings: expected an integer, got the quoted "
                  "string '9'");
    }
    const char *md = "--- !<lsst.daf.base.PropertySet>\n"
                     "- [isr, PropertySet, !<lsst.daf.base.PropertySet> [\n"
                     "   [runEndCpuTime, Double, '12.5'], [runEndMaxResidentSetSize, Long, 300]]]\n";
    mdl_records r;
    mdl_records_init(&r);
    CHECK_INT(md_text(md, &r, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "m.yaml:3:28: value of 'runEndCpuTime' is not a number");
    mdl_records_clear(&r);
    /* a decimal beyond a double goes through the number parser, at its line and column */
    md = "--- !<lsst.daf.base.PropertySet>\n"
         "- [isr, PropertySet, !<lsst.daf.base.PropertySet> [\n"
         "   [runEndCpuTime, Double, 1e999], [runEndMaxResidentSetSize, Long, 300]]]\n";
    mdl_records_init(&r);
    CHECK_INT(md_text(md, &r, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "m.yaml:3:28: value of 'runEndCpuTime': expected a finite number, got "
              "'1e999'");
    mdl_records_clear(&r);
    /* .nan is accepted on purpose (a gauge never set); the timers must still be finite */
    md = "--- !<lsst.daf.base.PropertySet>\n"
         "- [isr, PropertySet, !<lsst.daf.base.PropertySet> [\n"
         "   [someGauge, Double, .nan], [runEndCpuTime, Double, 12.5],\n"
         "   [runEndMaxResidentSetSize, Long, 300]]]\n";
    mdl_records_init(&r);
    CHECK_INT(md_text(md, &r, &err), Y1_OK);
    CHECK_INT(r.n, 1);
    if (r.n) CHECK_NEAR(r.v[0].cpu_s, 12.5, 0);
    mdl_records_clear(&r);
}

/* Sky-map geometry beyond what means anything: 3000 rings took 35 s and 800 MB. */
static void test_skymap_bounds(void)
{
    FILE *f = fopen("data/skymaps/dc2.yaml", "r");
    char map[4096], text[4200];
    size_t n = f ? fread(map, 1, sizeof map - 1, f) : 0;
    if (f) fclose(f);
    map[n] = 0;
    char *at = strstr(map, "num_rings: 120\n");
    CHECK(at != NULL);
    if (!at) return;
    y1_err err = {{0}};
    *at = 0;
    snprintf(text, sizeof text, "%snum_rings: 3000\n%s", map, at + 15);
    CHECK_INT(rd_skymap(write_text("rings.yaml", text), &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "rings.yaml:7:12: num_rings: 3000 is out of range [1, 1000]");
    /* the bound itself loads */
    snprintf(text, sizeof text, "%snum_rings: 1000\n%s", map, at + 15);
    CHECK_INT(rd_skymap(write_text("rings.yaml", text), &err), Y1_OK);
    /* patch_border_px not below patch_inner_px: the message gives the border's place */
    snprintf(text, sizeof text, "%snum_rings: 120\n%s", map, at + 15);
    char *b = strstr(text, "patch_border_px: 100");
    CHECK(b != NULL);
    if (b) {
        memcpy(b, "patch_border_px: 4000", 21);
        b[21] = '\n';
        b[22] = 0;
        CHECK_INT(rd_skymap(write_text("border.yaml", text), &err), Y1_EINPUT);
        CHECK_HAS(err.msg, "border.yaml:15:1: patch_border_px (4000) must be smaller than "
                  "patch_inner_px (4000)");
    }
}

/* Damage found in the data pages during the scan was an I/O failure (exit 3), damage to the
 * schema bad input (exit 1): both are bad input now, and no message quotes damaged bytes. */
static void test_cadence_damage(void)
{
    char sql[200000];
    size_t k = (size_t)snprintf(sql, sizeof sql, OBS_TABLE
                                "CREATE INDEX ix_mjd ON observations (observationStartMJD);"
                                "INSERT INTO observations VALUES ");
    for (int i = 0; i < 3000; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s(%d, %.3f, -30.5, %.4f, 'g', 0)",
                              i ? "," : "", i, 10 + i * 0.01, 60218.01 + i * 0.0001);
    snprintf(sql + k, sizeof sql - k, ";");
    const char *p = write_db("good.db", sql);
    FILE *f = fopen(p, "rb");
    static unsigned char img[1 << 20];
    size_t n = f ? fread(img, 1, sizeof img, f) : 0;
    if (f) fclose(f);
    CHECK(n > 16 * 4096);
    int64_t total = -1;
    y1_err err = {{0}};
    CHECK_INT(cadence_total(p, &total, &err), Y1_OK);
    CHECK_INT(total, 3000);
    /* a table page in the middle: the first and last rows (the open's look-ups) stay good */
    static unsigned char bad[1 << 20];
    memcpy(bad, img, n);
    memset(bad + 4 * 4096 + 16, 0xff, 4000);
    p = write_bytes("pages.db", (const char *)bad, n);
    CHECK_INT(cadence_total(p, &total, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "pages.db: ");
    CHECK_HAS(err.msg, "damaged");
    /* the schema's text: sqlite's own message would quote the damaged bytes */
    memcpy(bad, img, n);
    unsigned char *ct = memmem(bad, n, "CREATE TABLE observations", 25);
    CHECK(ct != NULL);
    if (ct) memcpy(ct + 7, "\x01\xfe\x80T\x02", 5);
    p = write_bytes("schema.db", (const char *)bad, n);
    CHECK_INT(cadence_total(p, &total, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "schema.db: not an OpSim sqlite database: the file is damaged");
    int printable = 1;
    for (const unsigned char *c = (const unsigned char *)err.msg; *c; c++)
        printable &= *c >= 32 && *c < 127;
    CHECK_MSG(printable, "message has raw bytes: '%s'", err.msg);
    /* the Parsl reader says the same of a damaged file */
    mdl_records r;
    mdl_records_init(&r);
    CHECK_INT(est_parsl_read(&r, p, NULL, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "the file is damaged");
    mdl_records_clear(&r);
}

int main(void)
{
    alarm(120);   /* a reader that blocks (a FIFO) fails the test instead of hanging it */
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
    test_non_regular_inputs();
    test_yaml_bounds();
    test_quoted_numbers();
    test_skymap_bounds();
    test_cadence_damage();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    CHECK_DONE();
}
