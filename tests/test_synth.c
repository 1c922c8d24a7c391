/* test_synth.c: the synthetic cadence (cadence/synth.h). Writes one year with the default seed and
 * checks it against the published targets (RTN-028 Figure 1 legend and Table 1, exactly), the
 * real v2.0 schema (oneline_v2.0.db), the real first 10,000 visits (baseline_10klines_2.0.db:
 * dither spacing, pairs, rotSkyPos), determinism and the atomic write. */
#include "cadence/cadence.h"
#include "cadence/synth.h"
#include "tests/check.h"

#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

static sqlite3 *open_ro(const char *path)
{
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", path);
        sqlite3_close(h);
        return NULL;
    }
    return h;
}

/* First column of the first row of sql, as an integer (-999999 on error). */
static long long q_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *s = NULL;
    long long v = -999999;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql error: %s: %s\n", sql, sqlite3_errmsg(h));
        return v;
    }
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static double q_dbl(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *s = NULL;
    double v = NAN;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql error: %s: %s\n", sql, sqlite3_errmsg(h));
        return v;
    }
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* All rows of sql joined as "a|b|c\n" into buf. */
static void q_text(sqlite3 *h, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *s = NULL;
    size_t used = 0;
    buf[0] = 0;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql error: %s: %s\n", sql, sqlite3_errmsg(h));
        return;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); c++) {
            const unsigned char *t = sqlite3_column_text(s, c);
            used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s", c ? "|" : "",
                                     t ? (const char *)t : "NULL");
        }
        used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "\n");
    }
    sqlite3_finalize(s);
}

static int files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int eq = fa && fb;
    while (eq) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) eq = 0;
        if (ca == EOF || cb == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return eq;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median nearest-neighbour spacing (deg) of distinct pointing centres within each night of
 * nights [0, nights), skipping centres visited >= 20 times (DDFs). MJD-based nights, so it works
 * on the trimmed real file too. */
static double nn_median(sqlite3 *h, int nights)
{
    enum { MAXC = 20000 };
    static double ra[MAXC], dec[MAXC], nn[MAXC];
    static int night[MAXC];
    int n = 0, m = 0;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT CAST(observationStartMJD - 60217.5 AS INT) AS n, fieldRA, fieldDec FROM "
             "observations WHERE observationStartMJD < %f GROUP BY n, fieldRA, fieldDec "
             "HAVING count(*) < 20 ORDER BY n", 60217.5 + nights);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) return NAN;
    while (sqlite3_step(s) == SQLITE_ROW && n < MAXC) {
        night[n] = sqlite3_column_int(s, 0);
        ra[n] = sqlite3_column_double(s, 1) * M_PI / 180;
        dec[n] = sqlite3_column_double(s, 2) * M_PI / 180;
        n++;
    }
    sqlite3_finalize(s);
    for (int i = 0, lo = 0; i < n; i++) {
        double best = 1e9;
        while (night[lo] != night[i]) lo++;   /* rows come ordered by night */
        for (int j = lo; j < n && night[j] == night[i]; j++) {
            if (j == i) continue;
            double c = sin(dec[i]) * sin(dec[j]) + cos(dec[i]) * cos(dec[j]) * cos(ra[i] - ra[j]);
            double d = acos(c > 1 ? 1 : c) * 180 / M_PI;
            if (d < best) best = d;
        }
        if (best < 1e9) nn[m++] = best;
    }
    qsort(nn, (size_t)m, sizeof nn[0], cmp_dbl);
    return m ? nn[m / 2] : NAN;
}

/* Median (over fields visited exactly twice in a night) of the time between the two visits
 * (minutes) and of their rotSkyPos difference (deg, folded to [0, 180]). */
static void pair_medians(sqlite3 *h, int nights, double *dt_min, double *drot_deg)
{
    enum { MAXP = 20000 };
    static double dt[MAXP], dr[MAXP];
    int n = 0;
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT (max(observationStartMJD) - min(observationStartMJD)) * 1440, "
             "max(rotSkyPos) - min(rotSkyPos) FROM observations WHERE observationStartMJD < %f "
             "GROUP BY CAST(observationStartMJD - 60217.5 AS INT), fieldRA, fieldDec "
             "HAVING count(*) = 2", 60217.5 + nights);
    sqlite3_stmt *s = NULL;
    *dt_min = *drot_deg = NAN;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) return;
    while (sqlite3_step(s) == SQLITE_ROW && n < MAXP) {
        dt[n] = sqlite3_column_double(s, 0);
        double d = fabs(sqlite3_column_double(s, 1));
        dr[n++] = d > 180 ? 360 - d : d;
    }
    sqlite3_finalize(s);
    if (!n) return;
    qsort(dt, (size_t)n, sizeof dt[0], cmp_dbl);
    qsort(dr, (size_t)n, sizeof dr[0], cmp_dbl);
    *dt_min = dt[n / 2];
    *drot_deg = dr[n / 2];
}

static void test_options(const char *dir)
{
    cad_synth_opts o;
    cad_synth_opts_default(&o);
    CHECK_INT(o.years, 1);
    CHECK_INT(o.seed, 42);
    CHECK_NEAR(o.wfd_edge_deg, CAD_SYNTH_WFD_EDGE_DEFAULT, 0);
    y1_err err = {{0}};
    char path[512];
    snprintf(path, sizeof path, "%s/bad.db", dir);
    o.years = 0;
    CHECK_INT(cad_synth_write(path, &o, &err), Y1_EUSAGE);
    CHECK_HAS(err.msg, "years");
    o.years = 11;
    CHECK_INT(cad_synth_write(path, &o, &err), Y1_EUSAGE);
    CHECK(access(path, F_OK) != 0);
    /* a directory that does not exist: an I/O error naming the path, and no file */
    cad_synth_opts_default(&o);
    snprintf(path, sizeof path, "%s/no/such/dir/x.db", dir);
    CHECK_INT(cad_synth_write(path, &o, &err), Y1_EIO);
    CHECK_HAS(err.msg, "no/such/dir");
    /* the path is a directory: the rename fails, nothing is left behind */
    CHECK_INT(cad_synth_write(dir, &o, &err), Y1_EIO);
    CHECK_HAS(err.msg, dir);
    CHECK_STR(cad_synth_program_name(1), "WFD");
    CHECK_STR(cad_synth_program_name(6), "DD:EDFS");
    CHECK(cad_synth_program_name(7) == NULL);
    /* footprint (Figure 1): WFD at the DDFs and over the bulge; the dusty plane (Vela, and
     * Ophiuchus at b = +16) is Other; the NES north of the WFD is Other; the far north is
     * neither; the south cap is Other */
    CHECK_INT(cad_synth_region(53.125, -28.1, 0), 1);
    CHECK_INT(cad_synth_region(150.1, 2.18, 0), 1);
    CHECK_INT(cad_synth_region(266.4, -29.0, 0), 1);
    CHECK_INT(cad_synth_region(120.0, -40.0, 0), 0);
    CHECK_INT(cad_synth_region(245.0, -25.0, 0), 0);
    CHECK_INT(cad_synth_region(60.0, 25.0, 0), 0);
    CHECK_INT(cad_synth_region(200.0, 35.0, 0), -1);
    CHECK_INT(cad_synth_region(30.0, -85.0, 0), 0);
    CHECK_INT(cad_synth_region(200.0, 10.0, 0), 1);   /* north limit +15.5 at RA 100-275 */
    CHECK_INT(cad_synth_region(30.0, 10.0, 0), 0);    /* ... but +3 in the south Galactic cap */
    /* the edge adjustment: a centre 0.4 deg inside the +3 deg edge leaves WFD when shrunk by 0.6 */
    CHECK_INT(cad_synth_region(30.0, 2.6, 0), 1);
    CHECK_INT(cad_synth_region(30.0, 2.6, 0.6), 0);
    CHECK_INT(cad_synth_region(30.0, 1.0, 0.6), 1);
    CHECK_INT(cad_synth_region(30.0, 3.3, -0.6), 1);
}

static void test_counts(const cad_synth_counts *c)
{
    for (int p = 0; p < CAD_SYNTH_NPROG; p++)
        CHECK_INT(c->y1_per_program[p], cad_synth_y1_program_target[p]);
    for (int b = 0; b < 6; b++)
        CHECK_INT(c->y1_wfd_per_band[b], cad_synth_y1_wfd_band_target[b]);
    CHECK_INT(c->total, 215720);
    CHECK_INT(c->nights, 365);
    CHECK(c->nights_observed > 240 && c->nights_observed < 330);
}

static void test_file(const char *path)
{
    sqlite3 *h = open_ro(path), *ref = open_ro(Y1_TESTDATA "opsim/oneline_v2.0.db");
    CHECK(h && ref);
    if (!h || !ref) goto done;
    static char a[16384], b[16384];
    /* exact schema: every table's columns (name, type, order) and the DDL of tables and indexes */
    const char *tables[] = {"observations", "info", "Proposal"};
    for (int t = 0; t < 3; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT cid, name, type, pk FROM pragma_table_info('%s')",
                 tables[t]);
        q_text(h, sql, a, sizeof a);
        q_text(ref, sql, b, sizeof b);
        CHECK_MSG(a[0] && !strcmp(a, b), "table %s columns differ:\n%s---\n%s", tables[t], a, b);
    }
    CHECK_INT(q_int(h, "SELECT count(*) FROM pragma_table_info('observations')"), 41);
    const char *master = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name";
    q_text(h, master, a, sizeof a);
    q_text(ref, master, b, sizeof b);
    CHECK_MSG(!strcmp(a, b), "sqlite_master differs:\n%s---\n%s", a, b);
    /* Proposal: 0 Other, 1 WFD, the five DDFs numbered as in the study's Figure 1 */
    q_text(h, "SELECT * FROM Proposal ORDER BY proposalId", a, sizeof a);
    CHECK_STR(a, "0|Other|Other\n1|WFD|WFD\n2|DD:ECDFS|DD\n3|DD:XMM-LSS|DD\n4|DD:ELAISS1|DD\n"
                 "5|DD:COSMOS|DD\n6|DD:EDFS|DD\n");
    /* info: says what it is, with the seed; nothing from rubin_sim's run parameters */
    q_text(h, "SELECT Parameter, Value FROM info ORDER BY \"index\"", a, sizeof a);
    CHECK_HAS(a, "y1est synthetic cadence");
    CHECK_HAS(a, "NOT a rubin_sim");
    CHECK_HAS(a, "seed|42");
    CHECK_HAS(a, CAD_SYNTH_VERSION);
    CHECK_HAS(a, "synthetic|yes: written by y1est cadence synth");
    /* exact Y1 counts, from the file itself */
    const char *prog_sql = "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM observations "
                           "WHERE night < 365 GROUP BY proposalId ORDER BY proposalId)";
    q_text(h, prog_sql, a, sizeof a);
    CHECK_STR(a, "33810,173682,1765,1608,2053,1566,1236\n");
    q_text(h, "SELECT group_concat(filter || '=' || n) FROM (SELECT filter, count(*) AS n FROM "
              "observations WHERE night < 365 AND proposalId = 1 GROUP BY filter ORDER BY "
              "instr('ugrizy', filter))", a, sizeof a);
    CHECK_STR(a, "u=11068,g=14628,r=35258,i=39851,z=32211,y=40666\n");
    /* columns filled and plausible */
    char nulls[2048] = "SELECT count(*) FROM observations WHERE 0";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info('observations')", -1, &st,
                           NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            size_t l = strlen(nulls);
            snprintf(nulls + l, sizeof nulls - l, " OR \"%s\" IS NULL", sqlite3_column_text(st, 0));
        }
    }
    sqlite3_finalize(st);
    CHECK_INT(q_int(h, nulls), 0);  /* a NaN would be stored as NULL */
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE night != "
                       "CAST(observationStartMJD - 60217.5 AS INT)"), 0);
    CHECK(q_dbl(h, "SELECT min(observationStartMJD) FROM observations") >= 60218.0);
    CHECK(q_dbl(h, "SELECT min(observationStartMJD) FROM observations") < 60218.01);
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE fieldRA < 0 OR fieldRA >= 360 OR "
                       "fieldDec < -90 OR fieldDec > 90 OR rotSkyPos < 0 OR rotSkyPos >= 360 OR "
                       "rotTelPos < 0 OR rotTelPos >= 360 OR (rotTelPos > 80 AND rotTelPos < 280) "
                       "OR altitude < 15 OR altitude > 90 OR airmass < 1 OR airmass > 3.9 OR "
                       "sunAlt > -8 OR moonPhase < 0 OR moonPhase > 100 OR sunRA < 0 OR "
                       "sunRA > 6.2832 OR abs(sunDec) > 0.41"), 0);
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE visitExposureTime != 30 OR "
                       "numExposures != (CASE filter WHEN 'u' THEN 1 ELSE 2 END) OR visitTime != "
                       "(CASE filter WHEN 'u' THEN 31 ELSE 34 END) OR fieldId != -1"), 0);
    /* observationId is 0-based and increases with time */
    CHECK_INT(q_int(h, "SELECT count(*) FROM (SELECT observationId, lag(observationId) OVER "
                       "(ORDER BY observationStartMJD) AS p FROM observations) WHERE p IS NOT NULL "
                       "AND observationId != p + 1"), 0);
    CHECK_INT(q_int(h, "SELECT min(observationId) FROM observations"), 0);
    /* notes: the v2.0 vocabulary only */
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE NOT (note GLOB 'blob, [ugrizy][ugrizy], [ab]' "
                       "OR note GLOB 'blob_twi, [rizy][izy], [ab]' OR note = 'greedy' OR "
                       "note GLOB 'DD:*')"), 0);
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE (note GLOB 'DD:*') != (proposalId >= 2)"), 0);
    /* DDF visits sit within 1 deg of their field (EDFS: of either pointing) */
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE proposalId = 2 AND "
                       "(abs(fieldRA - 53.125) * 0.88 > 1 OR abs(fieldDec + 28.1) > 1)"), 0);
    CHECK_INT(q_int(h, "SELECT count(*) FROM observations WHERE proposalId = 5 AND "
                       "(abs(fieldRA - 150.1) > 1 OR abs(fieldDec - 2.182) > 1)"), 0);
    /* per-night dithering: no blob field centre repeats on a second night */
    CHECK_INT(q_int(h, "SELECT count(*) FROM (SELECT fieldRA, fieldDec FROM observations WHERE "
                       "proposalId < 2 GROUP BY fieldRA, fieldDec HAVING count(DISTINCT night) > 1)"), 0);
    /* rotSkyPos spreads over [0, 360): every 30-deg bin holds 3-15 % of the year (uniform: 8.3) */
    for (int bin = 0; bin < 12; bin++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM observations WHERE rotSkyPos >= %d AND "
                 "rotSkyPos < %d", 30 * bin, 30 * bin + 30);
        double f = q_int(h, sql) / 215720.0;
        CHECK_MSG(f > 0.03 && f < 0.15, "rotSkyPos bin %d holds %.3f", bin, f);
    }
    /* WFD centres inside the Figure 1 WFD region, Other outside it */
    if (sqlite3_prepare_v2(h, "SELECT fieldRA, fieldDec, proposalId FROM observations WHERE "
                           "proposalId < 2 AND observationId % 7 = 0", -1, &st, NULL) == SQLITE_OK) {
        long bad = 0, n = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            int reg = cad_synth_region(sqlite3_column_double(st, 0), sqlite3_column_double(st, 1),
                                       CAD_SYNTH_WFD_EDGE_DEFAULT);
            bad += reg != sqlite3_column_int(st, 2);
            n++;
        }
        CHECK(n > 29000);
        CHECK_INT(bad, 0);
    }
    sqlite3_finalize(st);
    {
        /* the cadence reader marks it synthetic by that row, and a real v2.0 file not */
        cad_db *db = NULL, *real = NULL;
        y1_err err = {{0}};
        CHECK_INT(cad_open(&db, path, &err), Y1_OK);
        CHECK_INT(cad_open(&real, Y1_TESTDATA "opsim/baseline_10klines_2.0.db", &err), Y1_OK);
        if (db && real) {
            CHECK_INT(cad_synthetic(db), 1);
            CHECK_HAS(cad_synthetic_desc(db), "seed 42");
            CHECK_INT(cad_synthetic(real), 0);
            CHECK_STR(cad_synthetic_desc(real), "");
        }
        cad_close(db);
        cad_close(real);
    }
done:
    sqlite3_close(h);
    sqlite3_close(ref);
}

/* Compare dithering, pairs and rotator with the real first 10,000 visits (nights 0..12). */
static void test_vs_real(const char *path)
{
    sqlite3 *h = open_ro(path), *real = open_ro(Y1_TESTDATA "opsim/baseline_10klines_2.0.db");
    CHECK(h && real);
    if (!h || !real) goto done;
    double nn_s = nn_median(h, 13), nn_r = nn_median(real, 13);
    double dt_s, dr_s, dt_r, dr_r;
    pair_medians(h, 13, &dt_s, &dr_s);
    pair_medians(real, 13, &dt_r, &dr_r);
    printf("nights 0-12, synthetic vs real: NN spacing %.2f vs %.2f deg, pair interval %.1f vs "
           "%.1f min, pair rotSkyPos change %.1f vs %.1f deg\n", nn_s, nn_r, dt_s, dt_r, dr_s, dr_r);
    CHECK_NEAR(nn_r, 2.82, 0.02);       /* the real value, as stated in the data README */
    CHECK_NEAR(nn_s, nn_r, 0.15);
    CHECK_NEAR(dt_s, dt_r, 8.0);
    CHECK(dr_s < 3 * dr_r + 5);
    /* the first nights have about as many visits as the real ones (~850 on a clear night) */
    long long first = q_int(h, "SELECT count(*) FROM observations WHERE night = 0");
    CHECK_MSG(first > 700 && first < 1000, "night 0 has %lld visits (real: 848)", first);
done:
    sqlite3_close(h);
    sqlite3_close(real);
}

/* The project's own reader sees the same numbers (Table 1 exactly). */
static void test_reader(const char *path)
{
    cad_db *db = NULL;
    y1_err err = {{0}};
    int rc = cad_open(&db, path, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    if (rc) return;
    cad_selection sel;
    cad_selection_default(&sel);
    cad_summary s;
    memset(&s, 0, sizeof s);
    rc = cad_summarize(db, &sel, &s, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    if (rc == Y1_OK) {
        for (int b = 0; b < Y1_NBANDS; b++)
            CHECK_INT(s.per_band[b], cad_synth_y1_wfd_band_target[b]);
        CHECK_INT(s.total, 173682);
        CHECK_INT(s.first_night, 0);
        CHECK_INT(s.last_night, 364);
    }
    cad_summary_clear(&s);
    memset(&s, 0, sizeof s);
    sel.program = "all";
    rc = cad_summarize(db, &sel, &s, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    if (rc == Y1_OK) {
        CHECK_INT(s.total, 215720);
        for (int p = 0; p < cad_program_count(db); p++) {
            const char *name = cad_program_name(db, p);
            for (int q = 0; q < CAD_SYNTH_NPROG; q++)
                if (name && !strcmp(name, cad_synth_program_name(q)))
                    CHECK_MSG(s.per_program[p] == cad_synth_y1_program_target[q], "%s: %lld",
                              name, (long long)s.per_program[p]);
        }
    }
    cad_summary_clear(&s);
    cad_close(db);
}

static int no_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int ok = d != NULL;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) ok = 0;
    if (d) closedir(d);
    return ok;
}

int main(void)
{
    char dir[] = "/tmp/y1synth.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char p1[512], p2[512], p3[512];
    snprintf(p1, sizeof p1, "%s/a.db", dir);
    snprintf(p2, sizeof p2, "%s/b.db", dir);
    snprintf(p3, sizeof p3, "%s/c.db", dir);

    test_options(dir);

    cad_synth_opts o;
    cad_synth_opts_default(&o);
    cad_synth_counts c;
    y1_err err = {{0}};
    int rc = cad_synth_write_counts(p1, &o, &c, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    if (rc == Y1_OK) {
        test_counts(&c);
        test_file(p1);
        test_vs_real(p1);
        test_reader(p1);
    }
    /* same seed, same bytes (also over an existing file); another seed, other bytes, same counts */
    FILE *f = fopen(p2, "w");
    if (f) { fputs("old", f); fclose(f); }
    rc = cad_synth_write(p2, &o, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    CHECK(files_equal(p1, p2));
    o.seed = 7;
    rc = cad_synth_write_counts(p3, &o, &c, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    CHECK(!files_equal(p1, p3));
    if (rc == Y1_OK) test_counts(&c);
    CHECK(no_temp_files(dir));
    {   /* no temp file beside the directory written to above either */
        char parent[] = "/tmp";
        DIR *d = opendir(parent);
        struct dirent *e;
        const char *base = strrchr(dir, '/') + 1;
        int stale = 0;
        while (d && (e = readdir(d)))
            if (!strncmp(e->d_name, base, strlen(base)) && strstr(e->d_name, ".tmp.")) stale = 1;
        if (d) closedir(d);
        CHECK(!stale);
    }

    remove(p1);
    remove(p2);
    remove(p3);
    rmdir(dir);
    CHECK_DONE();
}
