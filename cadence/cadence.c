/* cadence.c: the OpSim reader. Opens a cadence database read-only, detects its schema from the
 * tables and columns present (never from a version string), classifies each visit's program
 * (WFD / DDF / Other) the way opsim.md section 2.5 prescribes, and streams selected visits. */
#include "cadence/cadence.h"
#include "common/y1_grow.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "common/y1_input.h"

/* How this file says which program a visit belongs to. */
typedef enum {
    LAB_PROPOSAL_TABLE, /* labelled v2.0 copy or OpSim v4: Proposal table names the programs */
    LAB_PROPID_SMALL,   /* no Proposal table, but few proposalIds incl. 0 and 1: 1 = WFD (warned) */
    LAB_TARGET_REGIONS, /* v5: target_name holds footprint region labels ('lowdust', ...) */
    LAB_NOTES,          /* notes only: DDFs are known, WFD is not */
    LAB_NONE            /* nothing: every visit is unlabelled */
} label_mode;

typedef struct program {
    char *name;
    cad_class cls;
    int64_t propid;     /* the proposalId it stands for, or -1 */
} program;

struct cad_db {
    sqlite3 *sql;
    char *path;
    char table[32];       /* observations | SummaryAllProps */
    char id_col[32], band_col[16], mjd_col[32];
    int has_rot, has_night, has_propid, has_note, has_sched_note, has_target_name;
    int dedupe;           /* OpSim v4: one row per (visit, proposal) */
    label_mode mode;
    program *progs;
    int n_progs;
    size_t cap_progs;
    int propid_small_max; /* LAB_PROPID_SMALL: largest id */
    int64_t n_propids;    /* distinct proposalIds in the file, when it has the column */
    double min_mjd;
    double max_mjd;       /* largest numeric observationStartMJD (NAN when unknown) */
    int min_night;        /* first night in the file (from night column or derived) */
    int max_night;        /* last night in the file */
    int mjd_bracket;      /* 1: nights follow the MJD closely and an MJD index exists, so a
                             night cut can also bracket observationStartMJD (index range scan) */
    double night_ref_mjd; /* when the file has no night column: night = floor(mjd - ref) */
    char schema[160];
    char program_source[200];
    char warning[256];
    int synthetic;        /* 1: the info table says y1est's synthetic cadence wrote it */
    char synth_desc[200]; /* e.g. "y1est cadence synth, synth-1, seed 42, 1 year" */
    int64_t size_bytes;   /* the file's size (its identity in reports, with its name) */
    int damage;           /* sqlite code of a damaged-file or I/O failure in a query_* look-up */
};

static void lower_copy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++) dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* sqlite's last error, fit for a message. For a damaged file its own words for the code (its
 * message may quote bytes of the damaged schema); other messages are copied with anything not
 * printable ASCII shown as '?'. */
static const char *sql_why(sqlite3 *s, char *buf, size_t n)
{
    int code = sqlite3_errcode(s) & 0xff;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        snprintf(buf, n, "the file is damaged or not a database (%s)", sqlite3_errstr(code));
    else {
        snprintf(buf, n, "%.200s", sqlite3_errmsg(s));
        for (char *p = buf; *p; p++)
            if (*p < 32 || *p > 126) *p = '?';
    }
    return buf;
}

/* Damage and wrong contents are bad input; I/O, locks and memory are system failures. */
static int sql_status(int code)
{
    switch (code & 0xff) {
    case SQLITE_IOERR: case SQLITE_CANTOPEN: case SQLITE_FULL: case SQLITE_BUSY:
    case SQLITE_LOCKED: case SQLITE_PERM: case SQLITE_NOLFS: case SQLITE_AUTH:
        return Y1_EIO;
    case SQLITE_NOMEM: return Y1_ENOMEM;
    default: return Y1_EINPUT;
    }
}

/* A failed query_* look-up: remember damage and I/O (a wrong column is the caller's affair). */
static void note_damage(cad_db *db)
{
    int code = sqlite3_errcode(db->sql) & 0xff;
    if (!db->damage && (code == SQLITE_CORRUPT || code == SQLITE_NOTADB ||
                        sql_status(code) != Y1_EINPUT))
        db->damage = code;
}

static int table_exists(sqlite3 *s, const char *name, int *yes, const char *path, y1_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') "
                                   "AND name = ?1 COLLATE NOCASE", -1, &st, NULL);
    if (rc != SQLITE_OK) goto bad;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) goto bad;
    *yes = (rc == SQLITE_ROW);
    sqlite3_finalize(st);
    return Y1_OK;
bad:
    sqlite3_finalize(st);
    /* "file is not a database" surfaces here: the first read of the header */
    char why[256];
    return y1_errf(err, sql_status(sqlite3_errcode(s)), "%s: not an OpSim sqlite "
                   "database: %s", path, sql_why(s, why, sizeof why));
}

/* The info table of a file written by `y1est cadence synth` has the row ('synthetic', 'yes');
 * files written before that row existed say so by their 'generator' row. Either marks the
 * file synthetic whatever it is called. A file without an info table is not marked. */
static int detect_synthetic(cad_db *db, y1_err *err)
{
    int has_info = 0, rc;
    if ((rc = table_exists(db->sql, "info", &has_info, db->path, err)) || !has_info) return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, "SELECT Parameter, Value FROM info", -1, &st, NULL) !=
        SQLITE_OK)
        return Y1_OK; /* an info table of another shape: real OpSim files have several */
    char algo[64] = "", seed[32] = "", years[16] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (!k || !v) continue;
        if (!strcmp(k, "synthetic") && !strncmp(v, "yes", 3)) db->synthetic = 1;
        else if (!strcmp(k, "generator") && !strncmp(v, "y1est synthetic cadence", 23))
            db->synthetic = 1;
        else if (!strcmp(k, "synth algorithm")) snprintf(algo, sizeof algo, "%s", v);
        else if (!strcmp(k, "seed")) snprintf(seed, sizeof seed, "%s", v);
        else if (!strcmp(k, "years")) snprintf(years, sizeof years, "%s", v);
    }
    sqlite3_finalize(st);
    if (db->synthetic)
        snprintf(db->synth_desc, sizeof db->synth_desc, "y1est cadence synth%s%s%s%s%s%s",
                 algo[0] ? ", " : "", algo, seed[0] ? ", seed " : "", seed,
                 years[0] ? ", years " : "", years);
    return Y1_OK;
}

/* Bitmask of known columns present in db->table. */
enum { C_ID = 1, C_RA = 2, C_DEC = 4, C_BAND = 8, C_FILTER = 16, C_MJD = 32, C_ROT = 64,
       C_NIGHT = 128, C_PROPID = 256, C_NOTE = 512, C_SNOTE = 1024, C_TNAME = 2048,
       C_OBSHIST = 4096, C_EXPMJD = 8192 };

static int read_columns(cad_db *db, unsigned *mask, y1_err *err)
{
    static const struct { const char *name; unsigned bit; } known[] = {
        {"observationId", C_ID}, {"fieldRA", C_RA}, {"fieldDec", C_DEC}, {"band", C_BAND},
        {"filter", C_FILTER}, {"observationStartMJD", C_MJD}, {"rotSkyPos", C_ROT},
        {"night", C_NIGHT}, {"proposalId", C_PROPID}, {"note", C_NOTE},
        {"scheduler_note", C_SNOTE}, {"target_name", C_TNAME}, {"obsHistID", C_OBSHIST},
        {"expMJD", C_EXPMJD}};
    char sql[128];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')", db->table);
    char why[256];
    int step;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return y1_errf(err, sql_status(sqlite3_errcode(db->sql)), "%s: cannot list the columns "
                       "of %s: %s", db->path, db->table, sql_why(db->sql, why, sizeof why));
    *mask = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; c && i < sizeof known / sizeof known[0]; i++)
            if (!strcmp(c, known[i].name)) *mask |= known[i].bit;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return y1_errf(err, sql_status(sqlite3_errcode(db->sql)), "%s: cannot list the columns "
                       "of %s: %s", db->path, db->table, sql_why(db->sql, why, sizeof why));
    return Y1_OK;
}

static int add_program(cad_db *db, const char *name, cad_class cls, int64_t propid)
{
    if (y1_grow(&db->progs, &db->cap_progs, (size_t)db->n_progs + 1, sizeof *db->progs, 16))
        return -1;
    char *copy = strdup(name);
    if (!copy) return -1;
    db->progs[db->n_progs] = (program){copy, cls, propid};
    return db->n_progs++;
}

static int find_program(const cad_db *db, const char *name)
{
    for (int i = 0; i < db->n_progs; i++)
        if (!strcmp(db->progs[i].name, name)) return i;
    return -1;
}

static int program_id(cad_db *db, const char *name, cad_class cls)
{
    int k = find_program(db, name);
    return k >= 0 ? k : add_program(db, name, cls, -1);
}

/* One-value look-ups; dflt when the query fails or gives NULL (damage is noted, see above). */
static int64_t query_int(cad_db *db, const char *sql, int64_t dflt)
{
    sqlite3_stmt *st = NULL;
    int64_t v = dflt;
    int step = SQLITE_ERROR;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) == SQLITE_OK &&
        (step = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    if (step != SQLITE_ROW && step != SQLITE_DONE) note_damage(db);
    sqlite3_finalize(st);
    return v;
}

static double query_double(cad_db *db, const char *sql, double dflt)
{
    sqlite3_stmt *st = NULL;
    double v = dflt;
    int step = SQLITE_ERROR;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) == SQLITE_OK &&
        (step = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    if (step != SQLITE_ROW && step != SQLITE_DONE) note_damage(db);
    sqlite3_finalize(st);
    return v;
}

/* Load the Proposal table (v2 labelled copies: proposalId/proposalName/proposalType;
 * OpSim v4: propId/propName/propType). Returns 1 if loaded, 0 if absent or unusable. */
static int load_proposals(cad_db *db, y1_err *err, int *status)
{
    static const char *variants[][3] = {{"proposalId", "proposalName", "proposalType"},
                                        {"propId", "propName", "propType"}};
    int exists = 0;
    *status = table_exists(db->sql, "Proposal", &exists, db->path, err);
    if (*status || !exists || !db->has_propid) return 0;
    for (size_t v = 0; v < 2; v++) {
        char sql[200];
        sqlite3_stmt *st = NULL;
        /* sqlite reads an unknown "quoted" name as a string literal: check the columns first */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('Proposal') WHERE name "
                 "IN ('%s', '%s', '%s')", variants[v][0], variants[v][1], variants[v][2]);
        if (query_int(db, sql, 0) != 3) continue;
        snprintf(sql, sizeof sql, "SELECT \"%s\", \"%s\", \"%s\" FROM Proposal ORDER BY 1",
                 variants[v][0], variants[v][1], variants[v][2]);
        if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) continue;
        int any_wfd = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            const char *name = (const char *)sqlite3_column_text(st, 1);
            const char *type = (const char *)sqlite3_column_text(st, 2);
            if (!name) name = "";
            if (!type) type = "";
            cad_class cls = CAD_CLASS_OTHER;
            if (!strcmp(name, "WFD") || !strcmp(type, "WFD") || !strcmp(type, "WideFastDeep")
                || !strcmp(name, "WideFastDeep"))
                cls = CAD_CLASS_WFD;
            else if (!strncmp(type, "DD", 2) || !strncmp(name, "DD", 2))
                cls = CAD_CLASS_DDF;
            any_wfd |= (cls == CAD_CLASS_WFD);
            char label[96];
            /* 'DD:EDFS, b' is one of two EDFS pointings; the field is 'DD:EDFS' */
            snprintf(label, sizeof label, "%s", name);
            if (cls == CAD_CLASS_DDF) {
                char *comma = strchr(label, ',');
                if (comma) *comma = '\0';
            }
            if (add_program(db, label, cls, id) < 0) {
                sqlite3_finalize(st);
                *status = y1_errf(err, Y1_ENOMEM, "%s: out of memory", db->path);
                return 0;
            }
        }
        sqlite3_finalize(st);
        if (db->n_progs > 0) {
            snprintf(db->program_source, sizeof db->program_source,
                     "Proposal table (%s)", any_wfd ? "WFD = proposalName/proposalType 'WFD'"
                                                     : "no WFD row");
            return 1;
        }
    }
    return 0;
}

int cad_open(cad_db **out, const char *path, y1_err *err)
{
    int rc = Y1_OK;
    cad_db *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    /* sqlite would report "unable to open" or "disk I/O error" (a directory), or block (a
     * FIFO); say plainly what is wrong */
    if ((rc = y1_input_check(path, "an OpSim sqlite file", err))) goto fail;
    /* one connection per thread: sqlite's own mutexes are not needed */
    if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot open: %s", path,
                     db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
        goto fail;
    }
    int has_obs = 0, has_sap = 0, has_summary = 0;
    if ((rc = table_exists(db->sql, "observations", &has_obs, path, err))) goto fail;
    if ((rc = table_exists(db->sql, "SummaryAllProps", &has_sap, path, err))) goto fail;
    if ((rc = table_exists(db->sql, "Summary", &has_summary, path, err))) goto fail;
    if (has_obs)
        strcpy(db->table, "observations");
    else if (has_sap)
        strcpy(db->table, "SummaryAllProps");
    else {
        rc = y1_errf(err, Y1_EINPUT, "%s: no visit table: expected 'observations' (FBS/rubin_sim "
                     "v2+) or 'SummaryAllProps' (OpSim v4, FBS 1.x)%s", path,
                     has_summary ? "; OpSim v3 'Summary' tables (radians) are not supported" : "");
        goto fail;
    }
    if ((rc = detect_synthetic(db, err))) goto fail;
    {
        struct stat sb;
        db->size_bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
    }
    unsigned m = 0;
    if ((rc = read_columns(db, &m, err))) goto fail;
    char missing[200] = "";
    if (!(m & C_ID)) strcat(missing, ", observationId");
    if (!(m & C_RA)) strcat(missing, ", fieldRA");
    if (!(m & C_DEC)) strcat(missing, ", fieldDec");
    if (!(m & (C_BAND | C_FILTER))) strcat(missing, ", band or filter");
    if (!(m & C_MJD)) strcat(missing, ", observationStartMJD");
    if (*missing) {
        rc = y1_errf(err, Y1_EINPUT, "%s: table %s lacks required columns: %s", path,
                     db->table, missing + 2);
        goto fail;
    }
    strcpy(db->id_col, "observationId");
    strcpy(db->band_col, (m & C_BAND) ? "band" : "filter");
    strcpy(db->mjd_col, "observationStartMJD");
    db->has_rot = !!(m & C_ROT);
    db->has_night = !!(m & C_NIGHT);
    db->has_propid = !!(m & C_PROPID);
    db->has_note = !!(m & C_NOTE);
    db->has_sched_note = !!(m & C_SNOTE);
    db->has_target_name = !!(m & C_TNAME);
    db->dedupe = has_sap && !has_obs;

    char sql[256];
    snprintf(sql, sizeof sql, "SELECT min(observationStartMJD) FROM %s", db->table);
    db->min_mjd = query_double(db, sql, NAN);
    db->max_mjd = NAN;
    /* v2.0 night 0 contains the survey start; the night boundary is local noon (~MJD + 0.5
     * at the site). Without a night column, number nights from the file's first night. */
    db->night_ref_mjd = isfinite(db->min_mjd) ? floor(db->min_mjd - 0.5) + 0.5 : 0.0;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
             "tbl_name = '%s' AND sql LIKE '%%(observationStartMJD)%%'", db->table);
    int indexed = query_int(db, sql, 0) > 0;
    if (db->has_night) {
        /* night numbers grow with time, so with an MJD index the first visit's night is the
         * minimum without a full scan (0.25 s on 2 M rows) */
        snprintf(sql, sizeof sql, indexed ? "SELECT night FROM %s ORDER BY observationStartMJD "
                 "LIMIT 1" : "SELECT min(night) FROM %s", db->table);
        db->min_night = (int)query_int(db, sql, 0);
        if (db->min_night < 0 || db->min_night > 1000000) {
            rc = y1_errf(err, Y1_EINPUT, "%s: first night %d is out of range (expected 0..1000000)",
                         path, db->min_night);
            goto fail;
        }
    } else {
        db->min_night = 0;
    }
    {
        /* the last night, to say when a selection reaches past the end of the file */
        snprintf(sql, sizeof sql, db->has_night
                 ? (indexed ? "SELECT night FROM %s ORDER BY observationStartMJD DESC LIMIT 1"
                            : "SELECT max(night) FROM %s")
                 : "SELECT max(observationStartMJD) FROM %s", db->table);
        if (db->has_night) db->max_night = (int)query_int(db, sql, db->min_night);
        else {
            double mx = query_double(db, sql, NAN);
            db->max_night = isfinite(mx) && mx < 200000 ? (int)floor(mx - db->night_ref_mjd) : 0;
        }
    }
    if (db->has_night && isfinite(db->min_mjd)) {
        /* An index on the MJD makes a year a range scan. Use it only if the first and last
         * visits' nights agree with night = min night + floor(MJD - ref) to within a day. */
        double lastm;
        int firstn, lastn;
        snprintf(sql, sizeof sql, "SELECT night FROM %s ORDER BY observationStartMJD LIMIT 1",
                 db->table);
        firstn = (int)query_int(db, sql, -99999);
        snprintf(sql, sizeof sql, "SELECT night FROM %s ORDER BY observationStartMJD DESC "
                 "LIMIT 1", db->table);
        lastn = (int)query_int(db, sql, -99999);
        snprintf(sql, sizeof sql, "SELECT max(observationStartMJD) FROM %s", db->table);
        lastm = query_double(db, sql, NAN);
        double pred_first = db->min_night + floor(db->min_mjd - db->night_ref_mjd);
        double pred_last = db->min_night + floor(lastm - db->night_ref_mjd);
        db->mjd_bracket = indexed && isfinite(lastm) && fabs(firstn - pred_first) <= 1 &&
                          fabs(lastn - pred_last) <= 1;
        /* the largest numeric MJD (text sorts after every number): a night cut whose bracket
         * holds the whole file is read as a plain scan */
        snprintf(sql, sizeof sql, "SELECT observationStartMJD FROM %s WHERE observationStartMJD "
                 "< 1e300 ORDER BY observationStartMJD DESC LIMIT 1", db->table);
        if (db->mjd_bracket) db->max_mjd = query_double(db, sql, NAN);
    }
    /* Program labels, in the order opsim.md section 2.5 gives. */
    if (load_proposals(db, err, &rc)) {
        db->mode = LAB_PROPOSAL_TABLE;
    } else if (rc) {
        goto fail;
    } else if (db->has_propid &&
               /* a full scan, so only for files without a Proposal table */
               (db->n_propids = query_int(db, (snprintf(sql, sizeof sql,
                   "SELECT count(DISTINCT proposalId) FROM %s", db->table), sql), 0)) <= 8 &&
               query_int(db, (snprintf(sql, sizeof sql,
                   "SELECT count(DISTINCT proposalId) FROM %s WHERE proposalId IN (0, 1)",
                   db->table), sql), 0) == 2) {
        db->mode = LAB_PROPID_SMALL;
        snprintf(sql, sizeof sql, "SELECT max(proposalId) FROM %s", db->table);
        db->propid_small_max = (int)query_int(db, sql, 1);
        snprintf(db->program_source, sizeof db->program_source,
                 "proposalId without a Proposal table (%lld distinct ids incl. 0 and 1): "
                 "1 taken as WFD, 0 as Other", (long long)db->n_propids);
        snprintf(db->warning, sizeof db->warning,
                 "%s: no Proposal table; treating proposalId 1 as WFD and 0 as Other "
                 "(labelled v2.x convention)", path);
    } else if (db->has_target_name &&
               query_int(db, (snprintf(sql, sizeof sql,
                   "SELECT count(*) FROM %s WHERE target_name LIKE '%%lowdust%%' OR "
                   "target_name LIKE '%%dusty_plane%%' OR target_name LIKE '%%scp%%' OR "
                   "target_name LIKE '%%nes%%' OR target_name LIKE '%%bulgy%%'", db->table), sql),
                   0) > 0) {
        db->mode = LAB_TARGET_REGIONS;
        snprintf(db->program_source, sizeof db->program_source,
                 "target_name region labels (WFD = 'lowdust' and no DD note; DDF = %s LIKE 'DD%%')",
                 db->has_sched_note ? "scheduler_note" : "note");
    } else if (db->has_note || db->has_sched_note) {
        db->mode = LAB_NOTES;
        snprintf(db->program_source, sizeof db->program_source,
                 "notes only (DDF = %s LIKE 'DD%%'; WFD cannot be told from Other%s)",
                 db->has_sched_note ? "scheduler_note" : "note",
                 db->has_propid ? ", proposalId is a raw sequence index" : "");
    } else {
        db->mode = LAB_NONE;
        snprintf(db->program_source, sizeof db->program_source,
                 "none (no Proposal table, proposalId, note or target_name)");
    }
    if (db->damage) {
        rc = y1_errf(err, sql_status(db->damage), "%s: cannot read the visit table: %s", path,
                     db->damage == SQLITE_CORRUPT || db->damage == SQLITE_NOTADB
                         ? "the file is damaged or not a database" : sqlite3_errstr(db->damage));
        goto fail;
    }
    snprintf(db->schema, sizeof db->schema, "%s table, %s column, %s%s%s",
             db->table, db->band_col, db->has_night ? "night column" : "night derived from MJD",
             db->has_rot ? ", rotSkyPos" : ", no rotSkyPos",
             db->dedupe ? ", rows deduplicated on observationId" : "");
    *out = db;
    return Y1_OK;
fail:
    cad_close(db);
    return rc;
}

void cad_close(cad_db *db)
{
    if (!db) return;
    sqlite3_close(db->sql);
    for (int i = 0; i < db->n_progs; i++) free(db->progs[i].name);
    free(db->progs);
    free(db->path);
    free(db);
}

const char *cad_schema_desc(const cad_db *db) { return db->schema; }
const char *cad_path(const cad_db *db) { return db->path; }
int cad_synthetic(const cad_db *db) { return db->synthetic; }
const char *cad_synthetic_desc(const cad_db *db) { return db->synth_desc; }
int64_t cad_size_bytes(const cad_db *db) { return db->size_bytes; }
int cad_has_rotation(const cad_db *db) { return db->has_rot; }
const char *cad_program_source(const cad_db *db) { return db->program_source; }
const char *cad_warning(const cad_db *db) { return db->warning[0] ? db->warning : NULL; }
int cad_program_count(const cad_db *db) { return db->n_progs; }
const char *cad_program_name(const cad_db *db, int p) { return db->progs[p].name; }
cad_class cad_program_class(const cad_db *db, int p) { return db->progs[p].cls; }

void cad_selection_default(cad_selection *sel)
{
    memset(sel, 0, sizeof *sel);
    sel->years = 1;
    sel->relative_nights = 1;
    sel->program = "wfd";
}

int cad_parse_bands(const char *s, unsigned *mask, y1_err *err)
{
    unsigned m = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ',' || *p == ' ') continue;
        const char *b = strchr(y1_band_letters, tolower((unsigned char)*p));
        if (!b) return y1_errf(err, Y1_EUSAGE, "--bands: unknown band '%c' in '%s' (expected "
                               "letters of ugrizy)", *p, s);
        m |= 1u << (b - y1_band_letters);
    }
    if (!m) return y1_errf(err, Y1_EUSAGE, "--bands: no band given");
    *mask = m;
    return Y1_OK;
}

/* Night range [lo, hi] in the file's own numbering implied by the selection. */
static void night_range(const cad_db *db, const cad_selection *sel, int *lo, int *hi)
{
    int base = sel->relative_nights ? db->min_night : 0;
    if (sel->use_nights) {
        *lo = base + sel->night_lo;
        *hi = base + sel->night_hi;
    } else if (sel->years > 0) {
        /* N years = floor(365.25 N) nights: 365 for Y1 (nights 0..364), 3652 for 10 years */
        *lo = base;
        *hi = base + (int)floor(365.25 * sel->years) - 1;
    } else {
        *lo = -2147483647;
        *hi = 2147483647;
    }
}

void cad_selection_desc(const cad_db *db, const cad_selection *sel, char *buf, size_t n)
{
    int lo, hi;
    char bands[8] = "";
    night_range(db, sel, &lo, &hi);
    for (int b = 0, k = 0; b < Y1_NBANDS; b++)
        if (!sel->band_mask || (sel->band_mask >> b & 1)) bands[k++] = y1_band_letters[b];
    char nights[160];
    const char *origin = sel->relative_nights ? "night - first night" : "survey night";
    if (sel->use_nights)
        snprintf(nights, sizeof nights, "nights %d..%d (%s)", lo, hi,
                 sel->relative_nights ? "counted from the file's first night" : "survey nights");
    else if (sel->years > 0)
        snprintf(nights, sizeof nights, "nights %d..%d (first %d year%s: %s < floor(365.25 x %d))",
                 lo, hi, sel->years, sel->years > 1 ? "s" : "", origin, sel->years);
    else
        snprintf(nights, sizeof nights, "all nights");
    char over[200] = "";
    for (int i = 0; i < sel->n_wfd_ids; i++) {
        size_t l = strlen(over);
        snprintf(over + l, sizeof over - l, "%s%lld", i ? "," : " (WFD overridden: proposalId in ",
                 (long long)sel->wfd_ids[i]);
    }
    if (sel->wfd_note) {
        size_t l = strlen(over);
        snprintf(over + l, sizeof over - l, "%snote LIKE '%.60s'",
                 l ? " or " : " (WFD overridden: ", sel->wfd_note);
    }
    if (over[0]) strncat(over, "; DD notes stay DDF)", sizeof over - strlen(over) - 1);
    char ends[80] = "";
    if ((sel->use_nights || sel->years > 0) && db->max_night < hi)
        snprintf(ends, sizeof ends, "; NOTE: the file ends at night %d", db->max_night);
    snprintf(n ? buf : NULL, n, "%s%s, program %s%s, bands %s%s", nights,
             db->has_night ? "" : " (night derived from observationStartMJD)",
             sel->program ? sel->program : "all", over, bands, ends);
}

/* Decide what program request means for this file; fail if the file cannot say. */
typedef enum { WANT_ALL, WANT_CLASS, WANT_LABEL } want_kind;

static int resolve_program(cad_db *db, const cad_selection *sel, want_kind *kind,
                           cad_class *cls, y1_err *err)
{
    const char *p = sel->program ? sel->program : "all";
    int override = sel->n_wfd_ids > 0 || sel->wfd_note;
    if (sel->n_wfd_ids > 0 && !db->has_propid)
        return y1_errf(err, Y1_EINPUT, "%s: --wfd-proposal-id given but table %s has no "
                       "proposalId column", db->path, db->table);
    if (sel->wfd_note && !db->has_note && !db->has_sched_note)
        return y1_errf(err, Y1_EINPUT, "%s: --wfd-note given but table %s has no note or "
                       "scheduler_note column", db->path, db->table);
    if (!strcmp(p, "all")) { *kind = WANT_ALL; return Y1_OK; }
    *kind = WANT_CLASS;
    if (!strcmp(p, "wfd")) *cls = CAD_CLASS_WFD;
    else if (!strcmp(p, "ddf")) *cls = CAD_CLASS_DDF;
    else if (!strcmp(p, "other")) *cls = CAD_CLASS_OTHER;
    else { *kind = WANT_LABEL; return Y1_OK; }
    if (override) return Y1_OK;
    if (*cls == CAD_CLASS_DDF && db->mode != LAB_NONE) return Y1_OK;
    if (db->mode == LAB_NOTES || db->mode == LAB_NONE) {
        char why[160];
        if (db->has_propid)
            snprintf(why, sizeof why, "proposalId has %lld distinct values with no Proposal "
                     "table (a raw scheduler sequence index, not program labels)",
                     (long long)db->n_propids);
        else
            snprintf(why, sizeof why, "it has no Proposal table, proposalId or region labels");
        return y1_errf(err, Y1_EINPUT, "%s: cannot select program '%s': %s; pass "
                       "--wfd-proposal-id ID or --wfd-note PATTERN, or --program all",
                       db->path, p, why);
    }
    return Y1_OK;
}

/* The DDF field name from a note: 'DD:EDFS, a' -> 'DD:EDFS', 'DD:u,COSMOS' -> 'DD:COSMOS'. */
static void ddf_label(const char *note, char *out, size_t n)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s", note);
    if (!strncmp(buf, "DD:u,", 5)) memmove(buf + 3, buf + 5, strlen(buf + 5) + 1);
    char *comma = strchr(buf, ',');
    if (comma) *comma = '\0';
    snprintf(out, n, "%s", buf);
}

static int has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; (p = strstr(p, tok)); p += n) {
        int start_ok = (p == list) || p[-1] == ' ' || p[-1] == ',';
        int end_ok = p[n] == '\0' || p[n] == ',' || p[n] == ' ';
        if (start_ok && end_ok) return 1;
    }
    return 0;
}

/* The columns the visit query of cad_scan() may read. Only those a scan needs are selected
 * (a constant NULL in the query still costs every row), at the positions row_cols.pos gives;
 * the others read as NULL. */
enum { COL_ID, COL_RA, COL_DEC, COL_BAND, COL_ROT, COL_MJD, COL_NIGHT, COL_PROPID, COL_NOTE,
       COL_SNOTE, COL_TNAME, COL_MATCH, COL_N };

/* Where each column is in the query (-1: not selected, which is how a scan skips the optional
 * ones). */
typedef struct row_cols {
    int pos[COL_N];
} row_cols;

/* Column c's text, NULL for SQL NULL or a column not selected. */
static const char *col_text(sqlite3_stmt *st, const row_cols *rc, int c)
{
    return rc->pos[c] < 0 ? NULL : (const char *)sqlite3_column_text(st, rc->pos[c]);
}

/* Classify one row. Returns the program index, or -1 on out-of-memory. */
static int classify(cad_db *db, const cad_selection *sel, sqlite3_stmt *st, const row_cols *rc,
                    int64_t propid, int propid_null)
{
    const char *note = col_text(st, rc, COL_SNOTE);
    if (!note || !*note) note = col_text(st, rc, COL_NOTE);
    int is_dd = note && !strncmp(note, "DD", 2);
    char label[96];

    if (sel->n_wfd_ids > 0 || sel->wfd_note) {
        int wfd = 0;
        for (int i = 0; i < sel->n_wfd_ids && !propid_null; i++)
            wfd |= (propid == sel->wfd_ids[i]);
        if (sel->wfd_note && rc->pos[COL_MATCH] >= 0)
            wfd |= sqlite3_column_int(st, rc->pos[COL_MATCH]) == 1;
        if (wfd && !is_dd) return program_id(db, "WFD", CAD_CLASS_WFD);
        if (is_dd) { ddf_label(note, label, sizeof label); return program_id(db, label, CAD_CLASS_DDF); }
        return program_id(db, "Other", CAD_CLASS_OTHER);
    }
    switch (db->mode) {
    case LAB_PROPOSAL_TABLE:
        for (int i = 0; i < db->n_progs; i++)
            if (db->progs[i].propid == propid && !propid_null) return i;
        snprintf(label, sizeof label, "proposalId %lld (not in Proposal table)",
                 (long long)propid);
        return program_id(db, label, CAD_CLASS_OTHER);
    case LAB_PROPID_SMALL:
        if (propid == 1) return program_id(db, "WFD", CAD_CLASS_WFD);
        if (propid == 0) return program_id(db, "Other", CAD_CLASS_OTHER);
        if (is_dd) { ddf_label(note, label, sizeof label); return program_id(db, label, CAD_CLASS_DDF); }
        snprintf(label, sizeof label, "proposalId %lld", (long long)propid);
        return program_id(db, label, CAD_CLASS_DDF);
    case LAB_TARGET_REGIONS: {
        const char *t = col_text(st, rc, COL_TNAME);
        if (is_dd) { ddf_label(note, label, sizeof label); return program_id(db, label, CAD_CLASS_DDF); }
        if (t && has_token(t, "lowdust")) return program_id(db, "WFD", CAD_CLASS_WFD);
        return program_id(db, "Other", CAD_CLASS_OTHER);
    }
    case LAB_NOTES:
        if (is_dd) { ddf_label(note, label, sizeof label); return program_id(db, label, CAD_CLASS_DDF); }
        return program_id(db, "unlabelled", CAD_CLASS_UNLABELLED);
    case LAB_NONE:
    default:
        return program_id(db, "unlabelled", CAD_CLASS_UNLABELLED);
    }
}

/* The checked columns of one row, each fetched from sqlite once. */
typedef struct row_vals {
    int t_id, t_ra, t_dec, t_mjd, t_night, t_rot; /* SQLITE_INTEGER, SQLITE_FLOAT, ... */
    int64_t id, night;
    double ra, dec, mjd, rot;
} row_vals;

/* Through the column's sqlite3_value: one API call per column instead of two (the type is
 * read before any value, so no conversion has touched it). */
static void fetch_row(const row_cols *rc, sqlite3_stmt *st, row_vals *r)
{
    const int *pos = rc->pos;
    sqlite3_value *c = sqlite3_column_value(st, pos[COL_ID]);
    r->t_id = sqlite3_value_type(c);
    r->id = sqlite3_value_int64(c);
    c = sqlite3_column_value(st, pos[COL_RA]);
    r->t_ra = sqlite3_value_type(c);
    r->ra = sqlite3_value_double(c);
    c = sqlite3_column_value(st, pos[COL_DEC]);
    r->t_dec = sqlite3_value_type(c);
    r->dec = sqlite3_value_double(c);
    r->t_mjd = SQLITE_NULL, r->mjd = NAN;
    if (rc->pos[COL_MJD] >= 0) {
        c = sqlite3_column_value(st, pos[COL_MJD]);
        r->t_mjd = sqlite3_value_type(c);
        r->mjd = sqlite3_value_double(c);
    }
    r->t_night = SQLITE_NULL, r->night = 0;
    if (rc->pos[COL_NIGHT] >= 0) {
        c = sqlite3_column_value(st, pos[COL_NIGHT]);
        r->t_night = sqlite3_value_type(c);
        r->night = sqlite3_value_int64(c);
    }
    r->t_rot = SQLITE_NULL, r->rot = 0.0;
    if (rc->pos[COL_ROT] >= 0) {
        c = sqlite3_column_value(st, pos[COL_ROT]);
        r->t_rot = sqlite3_value_type(c);
        if (r->t_rot != SQLITE_NULL) r->rot = sqlite3_value_double(c);
    }
}

static int is_num(int t) { return t == SQLITE_INTEGER || t == SQLITE_FLOAT; }

/* Values no reader should guess at: non-numeric or NULL (NaN is stored as NULL) coordinates,
 * times and nights, and values out of physical range. */
static int check_row(const cad_db *db, const row_cols *rc, const row_vals *r, y1_err *err)
{
    const char *what = NULL, *range = "";
    int t = r->t_ra;
    long long id = (long long)r->id;
    if (r->t_id != SQLITE_INTEGER) {
        /* the id names the row in every other message, so this one can only say where */
        return y1_errf(err, Y1_EINPUT, "%s: a row of %s has observationId %s, expected an "
                       "integer", db->path, db->table,
                       r->t_id == SQLITE_NULL ? "NULL" : "of another type");
    }
    if (!is_num(r->t_ra)) what = "fieldRA";
    else if (!is_num(r->t_dec)) what = "fieldDec", t = r->t_dec;
    else if (rc->pos[COL_MJD] >= 0 && !is_num(r->t_mjd)) what = "observationStartMJD", t = r->t_mjd;
    else if (rc->pos[COL_NIGHT] >= 0 && r->t_night != SQLITE_INTEGER)
        what = "night", t = r->t_night, range = " (expected an integer)";
    else if (rc->pos[COL_ROT] >= 0 && r->t_rot != SQLITE_NULL && !is_num(r->t_rot))
        what = "rotSkyPos", t = r->t_rot;
    if (what)
        return y1_errf(err, Y1_EINPUT, "%s: observationId %lld: %s is %s%s", db->path, id, what,
                       t == SQLITE_NULL ? "NULL or NaN" : "not a number", range);
    if (!(r->ra >= -360.0 && r->ra <= 720.0))
        return y1_errf(err, Y1_EINPUT, "%s: observationId %lld: fieldRA %g is out of range "
                       "(expected degrees in [0, 360))", db->path, id, r->ra);
    if (!(r->dec >= -90.0 && r->dec <= 90.0))
        return y1_errf(err, Y1_EINPUT, "%s: observationId %lld: fieldDec %g is out of range "
                       "(expected degrees, |Dec| <= 90)", db->path, id, r->dec);
    if (rc->pos[COL_MJD] >= 0 && !(r->mjd >= 0.0 && r->mjd <= 200000.0))
        return y1_errf(err, Y1_EINPUT, "%s: observationId %lld: observationStartMJD %g is out "
                       "of range (expected an MJD in [0, 200000])", db->path, id, r->mjd);
    if (rc->pos[COL_NIGHT] >= 0 && (r->night < 0 || r->night > 1000000))
        return y1_errf(err, Y1_EINPUT, "%s: observationId %lld: night %lld is out of range "
                       "(expected 0..1000000)", db->path, id, (long long)r->night);
    if (rc->pos[COL_ROT] >= 0 && !(fabs(r->rot) <= 100000.0))
        return y1_errf(err, Y1_EINPUT, "%s: observationId %lld: rotSkyPos %g is out of range",
                       db->path, id, r->rot);
    return Y1_OK;
}

/* A visit is one row: a repeated observationId would be counted twice. Rows normally arrive in
 * increasing id order (ids grow with time), which proves there is no repeat; only when they
 * do not is the table asked once for a repeated id. */
static int check_unique_ids(const cad_db *db, y1_err *err)
{
    char sql[200];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT observationId, count(*) FROM \"%s\" GROUP BY "
             "observationId HAVING count(*) > 1 LIMIT 1", db->table);
    int rc = sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = y1_errf(err, Y1_EINPUT, "%s: observationId %lld appears in %lld rows of %s "
                     "(expected one row per visit)", db->path,
                     (long long)sqlite3_column_int64(st, 0),
                     (long long)sqlite3_column_int64(st, 1), db->table);
    else if (rc == SQLITE_DONE) rc = Y1_OK;
    else {
        char why[256];
        rc = y1_errf(err, sql_status(sqlite3_errcode(db->sql)), "%s: cannot check "
                     "observationId: %s", db->path, sql_why(db->sql, why, sizeof why));
    }
    sqlite3_finalize(st);
    return rc;
}

/* The visits of the selected nights, before the band and program filters (NULL: none). */
typedef struct night_sink {
    cad_visit_cb cb;
    void *ud;
} night_sink;

/* Apply the band and program filters, then hand the visit to the callback. */
static int emit(const cad_db *db, const cad_selection *sel, want_kind kind, cad_class want_cls,
                const cad_visit *v, cad_visit_cb cb, void *ud, int64_t *n, const night_sink *all)
{
    int rc;
    if (all->cb && (rc = all->cb(v, all->ud))) return rc;
    if (sel->band_mask && !(sel->band_mask >> v->band & 1)) return 0;
    if (kind == WANT_CLASS && v->cls != want_cls) return 0;
    if (kind == WANT_LABEL && strcmp(db->progs[v->program].name, sel->program)) return 0;
    (*n)++;
    return cb(v, ud);
}

/* x (finite, checked) wrapped into [0, 360). fmod is exact, so a value already there is its own
 * result, which spares the call for nearly every row. */
static inline double wrap360(double x)
{
    if (x >= 0.0 && x < 360.0) return x;
    double r = fmod(x, 360.0);
    return r < 0 ? r + 360.0 : r;
}

static int scan(cad_db *db, const cad_selection *sel, cad_visit_cb cb, void *ud,
                const night_sink *all, int64_t *n_selected, y1_err *err)
{
    want_kind kind = WANT_ALL;
    cad_class want_cls = CAD_CLASS_WFD;
    int rc = resolve_program(db, sel, &kind, &want_cls, err);
    if (rc) return rc;
    int lo, hi;
    night_range(db, sel, &lo, &hi);

    /* Only the columns needed are read (a v2.0 file has 41), at the COL_* positions. */
    char sql[1024];
    char where[256] = "";
    int lim = sel->use_nights || sel->years > 0;
    /* The night cut is applied below, row by row, so that every row read is also checked
     * (NULL, text or out-of-range values are errors, never silently skipped). With an MJD
     * index the read is limited to a bracket 2 days wider than the cut on each side; rows
     * whose MJD is NULL or text (sqlite sorts text after every number) are read too. */
    double blo = db->night_ref_mjd + ((double)lo - db->min_night) - 2.0,
           bhi = db->night_ref_mjd + ((double)hi - db->min_night) + 3.0;
    /* a bracket that holds every numeric MJD of the file selects every row: a plain scan reads
     * the same rows without the index (the OR of three terms costs +50 %) */
    int whole = isfinite(db->max_mjd) && blo <= db->min_mjd && bhi > db->max_mjd;
    if (lim && db->has_night && db->mjd_bracket && !whole)
        snprintf(where, sizeof where, " WHERE (observationStartMJD >= %.6f AND "
                 "observationStartMJD < %.6f) OR observationStartMJD IS NULL OR "
                 "observationStartMJD > 1e300", blo, bhi);
    /* the notes and target names only where classify() reads them: a Proposal table names
     * the programs by itself unless a WFD override asks for the DDF notes (text costs) */
    int overrides = sel->n_wfd_ids > 0 || sel->wfd_note != NULL;
    int need_note = overrides || (db->mode != LAB_PROPOSAL_TABLE && db->mode != LAB_NONE);
    int need_tname = db->mode == LAB_TARGET_REGIONS;
    /* rotSkyPos and the MJD only for a caller that uses them; without a night column the
     * night is the MJD's */
    int want_mjd = !(sel->skip & CAD_SKIP_MJD) || !db->has_night;
    int want_rot = db->has_rot && !(sel->skip & CAD_SKIP_ROT);
    row_cols cols;
    char band[80];
    snprintf(band, sizeof band, "\"%s\"", db->band_col);
    const char *expr[COL_N] = {
        [COL_ID] = "observationId", [COL_RA] = "fieldRA", [COL_DEC] = "fieldDec",
        [COL_BAND] = band,
        [COL_ROT] = want_rot ? "rotSkyPos" : NULL,
        [COL_MJD] = want_mjd ? "observationStartMJD" : NULL,
        [COL_NIGHT] = db->has_night ? "night" : NULL,
        [COL_PROPID] = db->has_propid ? "proposalId" : NULL,
        [COL_NOTE] = need_note && db->has_note ? "note" : NULL,
        [COL_SNOTE] = need_note && db->has_sched_note ? "scheduler_note" : NULL,
        [COL_TNAME] = need_tname && db->has_target_name ? "target_name" : NULL,
        [COL_MATCH] = !sel->wfd_note ? NULL
                      : db->has_sched_note && !db->has_note ? "(scheduler_note LIKE ?1)"
                      : db->has_sched_note ? "(coalesce(nullif(scheduler_note, ''), note) LIKE ?1)"
                                           : "(note LIKE ?1)"};
    size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    for (int c = 0, k = 0; c < COL_N; c++) {
        cols.pos[c] = expr[c] ? k++ : -1;
        if (expr[c]) len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", k > 1 ? ", " : "",
                                             expr[c]);
    }
    snprintf(sql + len, sizeof sql - len, " FROM \"%s\"%s%s", db->table, where,
             db->dedupe ? " ORDER BY observationId" : "");
    sqlite3_stmt *st = NULL;
    char why[256];
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return y1_errf(err, sql_status(sqlite3_errcode(db->sql)), "%s: cannot read visits: %s",
                       db->path, sql_why(db->sql, why, sizeof why));
    if (sel->wfd_note) sqlite3_bind_text(st, 1, sel->wfd_note, -1, SQLITE_STATIC);

    int64_t n = 0, last_id = 0;
    cad_visit pending = {0};
    int have_pending = 0, rows = 0, ids_checked = db->dedupe;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        row_vals rv;
        fetch_row(&cols, st, &rv);
        int64_t id = rv.id;
        if ((rc = check_row(db, &cols, &rv, err))) goto done;
        if (!ids_checked && rows++ && id <= last_id) {
            if ((rc = check_unique_ids(db, err))) goto done;
            ids_checked = 1;
        }
        last_id = id;
        double ra = rv.ra, dec = rv.dec, mjd = rv.mjd;
        int night = db->has_night ? (int)rv.night : (int)floor(mjd - db->night_ref_mjd);
        if (lim && (night < lo || night > hi)) continue;
        const char *bs = col_text(st, &cols, COL_BAND);
        const char *bp = bs && *bs ? strchr(y1_band_letters, tolower((unsigned char)bs[0])) : NULL;
        if (!bp || !*bp) {
            char shown[32];
            lower_copy(shown, bs ? bs : "NULL", sizeof shown);
            rc = y1_errf(err, Y1_EINPUT, "%s: observationId %lld: unknown band '%s' in column "
                         "%s (expected one of ugrizy)", db->path, (long long)id, shown,
                         db->band_col);
            goto done;
        }
        int band = (int)(bp - y1_band_letters);
        sqlite3_value *pv =
            cols.pos[COL_PROPID] < 0 ? NULL : sqlite3_column_value(st, cols.pos[COL_PROPID]);
        int propid_null = !pv || sqlite3_value_type(pv) == SQLITE_NULL;
        int64_t propid = pv ? sqlite3_value_int64(pv) : 0;
        int prog = classify(db, sel, st, &cols, propid, propid_null);
        if (prog < 0) {
            rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", db->path);
            goto done;
        }
        cad_visit v;
        v.id = id;
        v.ra_deg = wrap360(ra);
        v.dec_deg = dec;
        v.rot_deg = rv.t_rot == SQLITE_NULL ? NAN : wrap360(rv.rot);
        v.mjd = mjd;
        v.night = night;
        v.band = band;
        v.program = prog;
        v.cls = db->progs[prog].cls;

        if (db->dedupe) {
            /* OpSim v4: a visit appears once per proposal; WFD wins if any row says so */
            if (have_pending && id == pending.id) {
                if (v.cls == CAD_CLASS_WFD) pending = v;
                continue;
            }
            if (have_pending && (rc = emit(db, sel, kind, want_cls, &pending, cb, ud, &n, all)))
                goto done;
            pending = v;
            have_pending = 1;
            continue;
        }
        if ((rc = emit(db, sel, kind, want_cls, &v, cb, ud, &n, all))) goto done;
    }
    if (step == SQLITE_DONE && have_pending &&
        (rc = emit(db, sel, kind, want_cls, &pending, cb, ud, &n, all)))
        goto done;
    if (step != SQLITE_DONE) {
        /* damage found during the scan is bad input, as damage to the header is */
        rc = y1_errf(err, sql_status(sqlite3_errcode(db->sql)), "%s: cannot read visits: %s",
                     db->path, sql_why(db->sql, why, sizeof why));
        goto done;
    }
done:
    sqlite3_finalize(st);
    if (n_selected) *n_selected = n;
    return rc;
}

int cad_scan(cad_db *db, const cad_selection *sel, cad_visit_cb cb, void *ud,
             int64_t *n_selected, y1_err *err)
{
    night_sink none = {NULL, NULL};
    return scan(db, sel, cb, ud, &none, n_selected, err);
}

int cad_scan_nights(cad_db *db, const cad_selection *sel, cad_visit_cb cb, void *ud,
                    cad_visit_cb all_cb, void *all_ud, int64_t *n_selected, y1_err *err)
{
    night_sink all = {all_cb, all_ud};
    return scan(db, sel, cb, ud, &all, n_selected, err);
}

typedef struct sum_ctx {
    cad_summary *s;
    cad_db *db;
    int cap;
} sum_ctx;

static int sum_cb(const cad_visit *v, void *ud)
{
    sum_ctx *c = ud;
    cad_summary *s = c->s;
    if (v->program >= c->cap) {
        int cap = cad_program_count(c->db) + 16;
        int64_t *p = realloc(s->per_program, (size_t)cap * sizeof *p);
        if (!p) return Y1_ENOMEM;
        memset(p + c->cap, 0, (size_t)(cap - c->cap) * sizeof *p);
        s->per_program = p;
        c->cap = cap;
    }
    s->per_band[v->band]++;
    s->per_program[v->program]++;
    if (s->total == 0 || v->night < s->first_night) s->first_night = v->night;
    if (s->total == 0 || v->night > s->last_night) s->last_night = v->night;
    s->total++;
    return 0;
}

int cad_summarize(cad_db *db, const cad_selection *sel, cad_summary *out, y1_err *err)
{
    cad_summary s;
    memset(&s, 0, sizeof s);
    sum_ctx c = {&s, db, 0};
    int rc = cad_scan(db, sel, sum_cb, &c, NULL, err);
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "%s: out of memory", db->path);
    if (rc) {
        free(s.per_program);
        return rc;
    }
    /* every label known to the file gets a slot, even with zero visits */
    if (c.cap < cad_program_count(db)) {
        int64_t *p = realloc(s.per_program, (size_t)cad_program_count(db) * sizeof *p);
        if (!p) {
            free(s.per_program);
            return y1_errf(err, Y1_ENOMEM, "%s: out of memory", db->path);
        }
        memset(p + c.cap, 0, (size_t)(cad_program_count(db) - c.cap) * sizeof *p);
        s.per_program = p;
    }
    for (int i = 0; i < cad_program_count(db); i++) s.n_programs += s.per_program[i] > 0;
    *out = s;
    return Y1_OK;
}

void cad_summary_clear(cad_summary *s)
{
    free(s->per_program);
    memset(s, 0, sizeof *s);
}
