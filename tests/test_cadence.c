/* test_cadence.c: the OpSim reader on every real file in tests/data/opsim (counts from
 * tests/data/README.md, taken with sqlite3) and on tiny fixtures built here from SQL text. */
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

#include "cadence/cadence.h"
#include "tests/check.h"

static char tmpdir[256];

/* Build a fixture database from SQL text; returns its path (static buffer rotation). */
static const char *fixture(const char *name, const char *sql)
{
    static char paths[8][512];
    static int k = 0;
    char *p = paths[k++ % 8];
    snprintf(p, 512, "%s/%s.db", tmpdir, name);
    remove(p);
    sqlite3 *s = NULL;
    char *msg = NULL;
    if (sqlite3_open(p, &s) != SQLITE_OK || sqlite3_exec(s, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "fixture %s: %s\n", name, msg ? msg : sqlite3_errmsg(s));
        exit(2);
    }
    sqlite3_close(s);
    return p;
}

#define V2_COLS "CREATE TABLE observations (observationId INTEGER, fieldRA REAL, fieldDec REAL, " \
    "observationStartMJD REAL, filter TEXT, rotSkyPos REAL, night INTEGER, note TEXT, " \
    "proposalId INTEGER);"

/* Nights 0 and 364 (Y1) and 365 (year 2), angles to be reduced modulo 360; a DDF visit. */
#define YEAR_ROWS \
        "INSERT INTO observations VALUES (0, 10.5, -30.25, 60218.01, 'g', 12.5, 0, 'blob, gr, a', 1);" \
        "INSERT INTO observations VALUES (1, 20.5, -31.25, 60582.2, 'r', 370.5, 364, 'greedy', 1);" \
        "INSERT INTO observations VALUES (2, 30.5, -32.25, 60583.2, 'i', -10.5, 365, 'greedy', 1);"
#define DDF_ROW \
        "INSERT INTO observations VALUES (3, 40.5, -33.25, 60583.3, 'i', 10.5, 365, 'DD:COSMOS', 2);"
#define PROPOSALS \
        "CREATE TABLE Proposal (proposalId INT, proposalName TEXT, proposalType TEXT);" \
        "INSERT INTO Proposal VALUES (0, 'Other', 'Other'), (1, 'WFD', 'WFD'), (2, 'DD:COSMOS', 'DD');"

typedef struct { int64_t per_band[6]; int64_t total; int first, last; } counts;

static int summarize(const char *path, const cad_selection *sel, counts *c, y1_err *err)
{
    cad_db *db = NULL;
    cad_summary s;
    int rc = cad_open(&db, path, err);
    if (rc) return rc;
    rc = cad_summarize(db, sel, &s, err);
    if (!rc) {
        memcpy(c->per_band, s.per_band, sizeof c->per_band);
        c->total = s.total;
        c->first = s.first_night;
        c->last = s.last_night;
        cad_summary_clear(&s);
    }
    cad_close(db);
    return rc;
}

/* Open a file that must open; a failure is a failed check and NULL, so the caller skips the
 * calls that need the handle instead of passing NULL on. */
static cad_db *open_ok(const char *path)
{
    cad_db *db = NULL;
    y1_err err = {{0}};
    int rc = cad_open(&db, path, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg); /* the message names the file */
    return rc == Y1_OK ? db : NULL;
}

static void all_nights(cad_selection *sel, const char *program)
{
    cad_selection_default(sel);
    sel->years = 0;
    sel->program = program;
}

/* Per-filter counts u g r i z y and totals from tests/data/README.md. */
static void test_real_counts(void)
{
    static const struct { const char *file; int64_t n[6]; int64_t total; } real[] = {
        {"baseline_10klines_2.0.db", {805, 1298, 1944, 1837, 1289, 2827}, 10000},
        {"imsim_small_opsim.db", {7, 6, 11, 10, 11, 23}, 68},
        {"imsim_small_opsim_9683.db", {2, 7, 16, 20, 15, 13}, 73},
        {"oneline_v2.0.db", {0, 0, 1, 0, 0, 0}, 1},
        {"roll_weight_rs_0.3_v2.0_0yrs.db", {350, 927, 1561, 1582, 1124, 2236}, 7780},
        {"schedview_sample_opsim_2023-09-20.db", {344, 334, 112, 45, 0, 79}, 914},
        {"schedview_sample_opsim_2024-10-17.db", {0, 273, 390, 38, 24, 18}, 743},
        {"schedview_sample_opsim_2026-05-12.db", {0, 0, 125, 0, 0, 429}, 554},
        {"production_templates_y1_v5.0.1_0yrs.db", {0, 0, 224, 24, 291, 1001}, 1540},
    };
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        char rel[256];
        cad_selection sel;
        counts c;
        y1_err err = {{0}};
        snprintf(rel, sizeof rel, Y1_TESTDATA "opsim/%s", real[i].file);
        all_nights(&sel, "all");
        int rc = summarize(rel, &sel, &c, &err);
        CHECK_MSG(rc == Y1_OK, "%s: %s", real[i].file, err.msg);
        if (rc) continue;
        CHECK_MSG(c.total == real[i].total, "%s: total %lld", real[i].file, (long long)c.total);
        for (int b = 0; b < 6; b++)
            CHECK_MSG(c.per_band[b] == real[i].n[b], "%s band %c: %lld, expected %lld",
                      real[i].file, y1_band_letters[b], (long long)c.per_band[b],
                      (long long)real[i].n[b]);
    }
}

static void test_labels(void)
{
    cad_selection sel;
    counts c;
    y1_err err = {{0}};
    cad_db *db = NULL;

    /* oneline: Proposal table, the row is proposalId 1 = WFD, night 727 (year 2) */
    all_nights(&sel, "wfd");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/oneline_v2.0.db", &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 1);
    CHECK_INT(c.first, 727);
    if ((db = open_ok(Y1_TESTDATA "opsim/oneline_v2.0.db"))) {
        CHECK_HAS(cad_program_source(db), "Proposal table");
        int found = 0;
        for (int p = 0; p < cad_program_count(db); p++) {
            if (!strcmp(cad_program_name(db, p), "WFD")) found |= cad_program_class(db, p) == CAD_CLASS_WFD;
            if (!strcmp(cad_program_name(db, p), "DD:EDFS")) found |= 2 * (cad_program_class(db, p) == CAD_CLASS_DDF);
        }
        CHECK_INT(found, 3); /* 'DD:EDFS, b' is the EDFS field */
        cad_close(db);
    }

    /* 10k real visits: no program columns at all, WFD must be refused, not guessed */
    all_nights(&sel, "wfd");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/baseline_10klines_2.0.db", &sel, &c, &err),
              Y1_EINPUT);
    CHECK_HAS(err.msg, "baseline_10klines_2.0.db");
    CHECK_HAS(err.msg, "cannot select program 'wfd'");

    /* its nights, derived from MJD: 0..12 (README: floor(MJD - 60217.5)) */
    all_nights(&sel, "all");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/baseline_10klines_2.0.db", &sel, &c, &err), Y1_OK);
    CHECK_INT(c.first, 0);
    CHECK_INT(c.last, 12);

    /* raw v2.0-era run: ~100 proposalIds are sequence indexes; DDFs come from notes (503) */
    all_nights(&sel, "wfd");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/roll_weight_rs_0.3_v2.0_0yrs.db", &sel, &c, &err),
              Y1_EINPUT);
    CHECK_HAS(err.msg, "distinct values");
    all_nights(&sel, "ddf");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/roll_weight_rs_0.3_v2.0_0yrs.db", &sel, &c, &err),
              Y1_OK);
    CHECK_INT(c.total, 503);
    all_nights(&sel, "DD:EDFS"); /* 'DD:EDFS, a' and 'DD:EDFS, b' are one field */
    CHECK_INT(summarize(Y1_TESTDATA "opsim/roll_weight_rs_0.3_v2.0_0yrs.db", &sel, &c, &err),
              Y1_OK);
    CHECK_MSG(c.total > 0 && c.total < 503, "EDFS visits %lld", (long long)c.total);

    /* imSim extracts: proposalId 1 everywhere; WFD only with the explicit override.
     * Y1 (night < 365): 11 rows r2 i2 z2 y5, and 13 rows u1 g1 r3 i6 z2 (README). */
    static const int64_t wfd1[] = {1};
    cad_selection_default(&sel);
    CHECK_INT(summarize(Y1_TESTDATA "opsim/imsim_small_opsim.db", &sel, &c, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "--wfd-proposal-id");
    sel.wfd_ids = wfd1;
    sel.n_wfd_ids = 1;
    sel.relative_nights = 0; /* the extract starts at night 26; Y1 is the survey's nights 0..364 */
    CHECK_INT(summarize(Y1_TESTDATA "opsim/imsim_small_opsim.db", &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 11);
    CHECK_INT(c.per_band[2], 2);
    CHECK_INT(c.per_band[5], 5);
    CHECK_INT(summarize(Y1_TESTDATA "opsim/imsim_small_opsim_9683.db", &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 13);
    CHECK_INT(c.per_band[0], 1);
    CHECK_INT(c.per_band[3], 6);

    /* v5: region labels in target_name: WFD = 'lowdust'; every visit is WFD or Other or DDF */
    counts w, o, d, a;
    all_nights(&sel, "wfd");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/schedview_sample_opsim_2026-05-12.db", &sel, &w, &err), Y1_OK);
    all_nights(&sel, "other");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/schedview_sample_opsim_2026-05-12.db", &sel, &o, &err), Y1_OK);
    all_nights(&sel, "ddf");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/schedview_sample_opsim_2026-05-12.db", &sel, &d, &err), Y1_OK);
    all_nights(&sel, "all");
    CHECK_INT(summarize(Y1_TESTDATA "opsim/schedview_sample_opsim_2026-05-12.db", &sel, &a, &err), Y1_OK);
    CHECK_INT(w.total + o.total + d.total, a.total);
    CHECK(w.total >= 379); /* at least the 379 rows labelled exactly 'lowdust' */
}

static void test_fixtures(void)
{
    cad_selection sel;
    counts c;
    y1_err err = {{0}};
    cad_db *db = NULL;

    /* the year boundary: nights 0 and 364 are Y1, 365 is not */
    const char *p = fixture("year", V2_COLS YEAR_ROWS DDF_ROW PROPOSALS);
    cad_selection_default(&sel);
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 2);
    CHECK_INT(c.last, 364);
    sel.years = 2;
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 3);
    cad_selection_default(&sel);
    sel.use_nights = 1;
    sel.night_lo = 364;
    sel.night_hi = 365;
    sel.program = "all";
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 3);

    /* the same file with an MJD index: the night cut also brackets the MJD (index range
     * scan); the selected visits must not change */
    p = fixture("year_indexed", V2_COLS YEAR_ROWS DDF_ROW
        "CREATE UNIQUE INDEX idx_mjd ON observations (observationStartMJD);" PROPOSALS);
    cad_selection_default(&sel);
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 2);
    CHECK_INT(c.last, 364);
    sel.use_nights = 1;
    sel.night_lo = 365;
    sel.night_hi = 365;
    sel.program = "all";
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 2);
    /* nights that do not follow the MJD: the bracket must switch itself off */
    p = fixture("oddnights", V2_COLS
        "INSERT INTO observations VALUES (0, 10.5, -30.25, 60218.01, 'g', 0, 0, '', 1);"
        "INSERT INTO observations VALUES (1, 20.5, -31.25, 60218.2, 'r', 0, 500, '', 1);"
        "CREATE UNIQUE INDEX idx_mjd ON observations (observationStartMJD);");
    cad_selection_default(&sel);
    sel.use_nights = 1;
    sel.night_lo = 500;
    sel.night_hi = 500;
    sel.program = "all";
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 1);
    p = fixture("year2", V2_COLS YEAR_ROWS PROPOSALS);

    /* angles reduced modulo 360: 370.5 -> 10.5, -10.5 -> 349.5 */
    {
        struct { double rot[4]; int n; } got = {{0}, 0};
        cad_selection_default(&sel);
        sel.years = 2;
        if ((db = open_ok(p))) {
            int cb(const cad_visit *v, void *ud);
            CHECK_INT(cad_scan(db, &sel, cb, &got, NULL, &err), Y1_OK);
            CHECK_INT(got.n, 3);
            CHECK_NEAR(got.rot[1], 10.5, 1e-12);
            CHECK_NEAR(got.rot[2], 349.5, 1e-12);
            cad_close(db);
        }
    }

    /* one read for the selection and for every visit of its nights: Y1 (nights 0..364) holds
     * rows 0 (g, WFD) and 1 (r, WFD); WFD in band g is row 0 alone; the DDF visit (night 365)
     * is in neither */
    {
        struct { double rot[4]; int n; } sel_got = {{0}, 0}, all_got = {{0}, 0};
        const char *q = fixture("nights", V2_COLS YEAR_ROWS DDF_ROW PROPOSALS);
        int64_t n_sel = -1;
        cad_selection_default(&sel);
        CHECK_INT(cad_parse_bands("g", &sel.band_mask, &err), Y1_OK);
        if ((db = open_ok(q))) {
            int cb(const cad_visit *v, void *ud);
            CHECK_INT(cad_scan_nights(db, &sel, cb, &sel_got, cb, &all_got, &n_sel, &err), Y1_OK);
            CHECK_INT(sel_got.n, 1);
            CHECK_INT(n_sel, 1);
            CHECK_INT(all_got.n, 2);
            CHECK_NEAR(all_got.rot[1], 10.5, 1e-12); /* row 1: 370.5 mod 360 */
            /* the whole file (years 2 reaches past night 365) reads the same as program all */
            sel.years = 2;
            sel.band_mask = 0;
            sel.program = "ddf";
            sel_got.n = all_got.n = 0;
            CHECK_INT(cad_scan_nights(db, &sel, cb, &sel_got, cb, &all_got, NULL, &err), Y1_OK);
            CHECK_INT(sel_got.n, 1);
            CHECK_INT(all_got.n, 4);
            cad_close(db);
        }
    }

    /* band selection and an empty selection */
    cad_selection_default(&sel);
    CHECK_INT(cad_parse_bands("g", &sel.band_mask, &err), Y1_OK);
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 1);
    CHECK_INT(cad_parse_bands("u", &sel.band_mask, &err), Y1_OK);
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 0);
    CHECK_INT(cad_parse_bands("gx", &sel.band_mask, &err), Y1_EUSAGE);
    CHECK_HAS(err.msg, "'x'");

    /* note-pattern override */
    cad_selection_default(&sel);
    sel.wfd_note = "blob%";
    sel.years = 2;
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 1);

    /* an unknown band, NULL coordinates, Dec out of range: bad input naming the visit */
    p = fixture("badband", V2_COLS
        "INSERT INTO observations VALUES (7, 10.5, -30.25, 60218.01, 'w', 0, 0, '', 1);");
    all_nights(&sel, "all");
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "badband.db: observationId 7: unknown band 'w'");
    p = fixture("nullra", V2_COLS
        "INSERT INTO observations VALUES (8, NULL, -30.25, 60218.01, 'g', 0, 0, '', 1);");
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 8");
    CHECK_HAS(err.msg, "NULL or NaN");
    p = fixture("baddec", V2_COLS
        "INSERT INTO observations VALUES (9, 10.5, -95.5, 60218.01, 'g', 0, 0, '', 1);");
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 9");

    /* text, NULL and out-of-range values are errors naming the visit, never skipped or read
     * as 0; with an MJD index too (the index bracket must not hide them) */
    static const struct { const char *name, *row, *msg; } badrows[] = {
        {"textra", "(11, 'abc', -30.25, 60218.01, 'g', 0, 0, '', 1)", "observationId 11: fieldRA is not a number"},
        {"hugera", "(12, 1e300, -30.25, 60218.01, 'g', 0, 0, '', 1)", "observationId 12: fieldRA 1e+300 is out of range"},
        {"nullmjd", "(13, 10.5, -30.25, NULL, 'g', 0, 0, '', 1)", "observationId 13: observationStartMJD is NULL"},
        {"textmjd", "(14, 10.5, -30.25, 'x', 'g', 0, 0, '', 1)", "observationId 14: observationStartMJD is not a number"},
        {"nullnight", "(15, 10.5, -30.25, 60218.2, 'g', 0, NULL, '', 1)", "observationId 15: night is NULL"},
        {"negnight", "(16, 10.5, -30.25, 60218.2, 'g', 0, -5, '', 1)", "night -5 is out of range"},
        {"textrot", "(17, 10.5, -30.25, 60218.2, 'g', 'abc', 0, '', 1)", "observationId 17: rotSkyPos is not a number"},
    };
    for (size_t i = 0; i < sizeof badrows / sizeof badrows[0]; i++) {
        for (int indexed = 0; indexed < 2; indexed++) {
            char sql[1024], name[64];
            snprintf(name, sizeof name, "%s%d", badrows[i].name, indexed);
            snprintf(sql, sizeof sql, V2_COLS
                     "INSERT INTO observations VALUES (1, 20.5, -31.25, 60218.1, 'r', 0, 0, '', 1);"
                     "INSERT INTO observations VALUES %s;"
                     "INSERT INTO observations VALUES (2, 21.5, -31.25, 60218.3, 'r', 0, 0, '', 1);%s",
                     badrows[i].row,
                     indexed ? "CREATE INDEX idx_mjd ON observations (observationStartMJD);" : "");
            p = fixture(name, sql);
            cad_selection_default(&sel);
            sel.program = "all";
            int rc = summarize(p, &sel, &c, &err);
            CHECK_MSG(rc == Y1_EINPUT, "%s: rc %d", name, rc);
            CHECK_HAS(err.msg, badrows[i].msg);
        }
    }

    /* a proposalId without Proposal table, few values incl. 0 and 1: 1 is WFD, with a warning */
    p = fixture("propsmall", V2_COLS
        "INSERT INTO observations VALUES (0, 10.5, -30.25, 60218.01, 'g', 0, 0, '', 0);"
        "INSERT INTO observations VALUES (1, 11.5, -30.25, 60218.02, 'g', 0, 0, '', 1);"
        "INSERT INTO observations VALUES (2, 12.5, -30.25, 60218.03, 'g', 0, 0, 'DD:XMM-LSS', 3);");
    if ((db = open_ok(p))) {
        CHECK(cad_warning(db) != NULL);
        cad_close(db);
    }
    cad_selection_default(&sel);
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 1);

    /* OpSim v4: SummaryAllProps, one row per (visit, proposal), Proposal(propId, propName,
     * propType) with 'WideFastDeep': 3 rows are 2 visits, one of them WFD */
    p = fixture("v4",
        "CREATE TABLE SummaryAllProps (observationId INTEGER, fieldRA REAL, fieldDec REAL, "
        "observationStartMJD REAL, filter TEXT, rotSkyPos REAL, night INTEGER, proposalId INTEGER);"
        "INSERT INTO SummaryAllProps VALUES (1, 10.5, -30.25, 59580.1, 'r', 5, 1, 2);"
        "INSERT INTO SummaryAllProps VALUES (1, 10.5, -30.25, 59580.1, 'r', 5, 1, 1);"
        "INSERT INTO SummaryAllProps VALUES (2, 11.5, -30.25, 59580.2, 'i', 5, 1, 2);"
        "CREATE TABLE Proposal (propId INTEGER, propName TEXT, propType TEXT);"
        "INSERT INTO Proposal VALUES (1, 'WideFastDeep', 'WFD'), (2, 'NorthEclipticSpur', 'NES');");
    all_nights(&sel, "all");
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 2);
    all_nights(&sel, "wfd");
    CHECK_INT(summarize(p, &sel, &c, &err), Y1_OK);
    CHECK_INT(c.total, 1);
}

int cb(const cad_visit *v, void *ud)
{
    struct { double rot[4]; int n; } *got = ud;
    if (got->n < 4) got->rot[got->n] = v->rot_deg;
    got->n++;
    return 0;
}

static void test_open_errors(void)
{
    cad_db *db = NULL;
    y1_err err = {{0}};
    char path[512];

    snprintf(path, sizeof path, "%s/missing.db", tmpdir);
    CHECK_INT(cad_open(&db, path, &err), Y1_EIO);
    CHECK_HAS(err.msg, "missing.db");
    CHECK(db == NULL);

    snprintf(path, sizeof path, "%s/notsqlite.db", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("this is not a database, just text that is long enough to fill a header page....\n", f);
    fclose(f);
    CHECK_INT(cad_open(&db, path, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "notsqlite.db: not an OpSim sqlite database");

    const char *p = fixture("notable", "CREATE TABLE foo (a INTEGER);");
    CHECK_INT(cad_open(&db, p, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "no visit table");

    p = fixture("missingcols", "CREATE TABLE observations (observationId INTEGER, fieldRA REAL);");
    CHECK_INT(cad_open(&db, p, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "lacks required columns: fieldDec, band or filter, observationStartMJD");
}

/* Visits of a scan, kept for inspection. */
typedef struct kept {
    cad_visit v[8];
    int n;
} kept;

static int keep_cb(const cad_visit *v, void *ud)
{
    kept *k = ud;
    if (k->n < 8) k->v[k->n] = *v;
    k->n++;
    return 0;
}

static int scan_file(const char *path, unsigned skip, kept *k, y1_err *err)
{
    cad_db *db = NULL;
    int rc = cad_open(&db, path, err);
    if (rc) return rc;
    cad_selection sel;
    all_nights(&sel, "all");
    sel.skip = skip;
    memset(k, 0, sizeof *k);
    rc = cad_scan(db, &sel, keep_cb, k, NULL, err);
    cad_close(db);
    return rc;
}

/* A column the caller skips is not read: a bad value there is no error, and the visit says
 * NaN; the columns still read keep every check. Without a night column the MJD gives the
 * night, so it is read (and checked) whatever the caller skips. */
static void test_skipped_columns(void)
{
    y1_err err = {{0}};
    kept k;
    const char *p = fixture("skipbad", V2_COLS
        "INSERT INTO observations VALUES (1, 20.5, -31.25, 60218.1, 'r', 33.5, 0, '', 1);"
        "INSERT INTO observations VALUES (2, 21.5, -32.25, 'x', 'g', 'abc', 3, '', 1);");
    CHECK_INT(scan_file(p, 0, &k, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 2: observationStartMJD is not a number");
    /* the MJD skipped, the scan reaches the next bad column */
    CHECK_INT(scan_file(p, CAD_SKIP_MJD, &k, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 2: rotSkyPos is not a number");
    CHECK_INT(scan_file(p, CAD_SKIP_ROT, &k, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 2: observationStartMJD is not a number");
    CHECK_INT(scan_file(p, CAD_SKIP_MJD | CAD_SKIP_ROT, &k, &err), Y1_OK);
    CHECK_INT(k.n, 2);
    if (k.n == 2) {
        CHECK_INT(k.v[1].id, 2);
        CHECK_INT(k.v[1].night, 3); /* the file's own night */
        CHECK_INT(k.v[1].band, 1);  /* g */
        CHECK(k.v[1].ra_deg == 21.5 && k.v[1].dec_deg == -32.25);
        CHECK(isnan(k.v[0].mjd) && isnan(k.v[0].rot_deg) && isnan(k.v[1].mjd));
    }
    /* a clean file: the skipped fields NaN, the rest as without skipping */
    p = fixture("skipgood", V2_COLS
        "INSERT INTO observations VALUES (1, 20.5, -31.25, 60218.1, 'r', 33.5, 0, '', 1);");
    CHECK_INT(scan_file(p, CAD_SKIP_ROT, &k, &err), Y1_OK);
    CHECK(k.n == 1 && isnan(k.v[0].rot_deg) && k.v[0].mjd == 60218.1);
    CHECK_INT(scan_file(p, 0, &k, &err), Y1_OK);
    CHECK(k.n == 1 && k.v[0].rot_deg == 33.5 && k.v[0].mjd == 60218.1);
    /* no night column: the MJD is read, checked and makes the night. Local noon (MJD + 0.5)
     * starts a night, so 60218.1 and 60219.3 are the first night and the one after. */
    const char *nonight = "CREATE TABLE observations (observationId INTEGER, fieldRA REAL, "
        "fieldDec REAL, observationStartMJD REAL, filter TEXT, proposalId INTEGER);";
    char sql[1024];
    snprintf(sql, sizeof sql, "%s%s", nonight,
             "INSERT INTO observations VALUES (1, 20.5, -31.25, 60218.1, 'r', 1);"
             "INSERT INTO observations VALUES (2, 21.5, -31.25, 'x', 'r', 1);");
    p = fixture("skipnonightbad", sql);
    CHECK_INT(scan_file(p, CAD_SKIP_MJD | CAD_SKIP_ROT, &k, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "observationId 2: observationStartMJD is not a number");
    snprintf(sql, sizeof sql, "%s%s", nonight,
             "INSERT INTO observations VALUES (1, 20.5, -31.25, 60218.1, 'r', 1);"
             "INSERT INTO observations VALUES (2, 21.5, -31.25, 60219.3, 'r', 1);");
    p = fixture("skipnonight", sql);
    CHECK_INT(scan_file(p, CAD_SKIP_MJD | CAD_SKIP_ROT, &k, &err), Y1_OK);
    CHECK_INT(k.n, 2);
    if (k.n == 2) {
        CHECK_INT(k.v[0].night, 0);
        CHECK_INT(k.v[1].night, 1);
        CHECK(k.v[1].mjd == 60219.3 && isnan(k.v[1].rot_deg));
    }
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/y1test-cad-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) return 2;
    test_real_counts();
    test_labels();
    test_fixtures();
    test_open_errors();
    test_skipped_columns();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    CHECK_DONE();
}
