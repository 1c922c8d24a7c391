/* synth_db.c: writes the synthetic cadence as a sqlite file with exactly the layout of a labelled
 * baseline v2.0 file (sorcha's oneline_v2.0.db): the pandas-made observations and info tables,
 * the Proposal table and the four indexes, with the same DDL text. Built in a temp file with
 * journalling off (nothing to recover: a failed run deletes it), then renamed into place. */
#include "cadence/synth_db.h"
#include "cadence/synth.h"
#include "common/y1_out.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef Y1_VERSION
#define Y1_VERSION "unknown"
#endif

struct syn_db {
    sqlite3 *h;
    sqlite3_stmt *ins;
    char *path, *tmp;
    uint64_t seed;
    int years;
    double edge_deg;
};

/* DDL exactly as stored in sqlite_master of baseline_v2.0_10yrs.db (pandas to_sql). */
static const char OBS_DDL[] =
    "CREATE TABLE \"observations\" (\n\"observationId\" INTEGER,\n  \"fieldRA\" REAL,\n"
    "  \"fieldDec\" REAL,\n  \"observationStartMJD\" REAL,\n  \"flush_by_mjd\" REAL,\n"
    "  \"visitExposureTime\" REAL,\n  \"filter\" TEXT,\n  \"rotSkyPos\" REAL,\n"
    "  \"numExposures\" INTEGER,\n  \"airmass\" REAL,\n  \"seeingFwhm500\" REAL,\n"
    "  \"seeingFwhmEff\" REAL,\n  \"seeingFwhmGeom\" REAL,\n  \"skyBrightness\" REAL,\n"
    "  \"night\" INTEGER,\n  \"slewTime\" REAL,\n  \"visitTime\" REAL,\n  \"slewDistance\" REAL,\n"
    "  \"fiveSigmaDepth\" REAL,\n  \"altitude\" REAL,\n  \"azimuth\" REAL,\n  \"paraAngle\" REAL,\n"
    "  \"cloud\" REAL,\n  \"moonAlt\" REAL,\n  \"sunAlt\" REAL,\n  \"note\" TEXT,\n"
    "  \"fieldId\" INTEGER,\n  \"proposalId\" INTEGER,\n  \"block_id\" INTEGER,\n"
    "  \"observationStartLST\" REAL,\n  \"rotTelPos\" REAL,\n  \"moonAz\" REAL,\n  \"sunAz\" REAL,\n"
    "  \"sunRA\" REAL,\n  \"sunDec\" REAL,\n  \"moonRA\" REAL,\n  \"moonDec\" REAL,\n"
    "  \"moonDistance\" REAL,\n  \"solarElong\" REAL,\n  \"moonPhase\" REAL,\n  \"cummTelAz\" REAL\n)";
static const char INFO_DDL[] =
    "CREATE TABLE \"info\" (\n\"index\" INTEGER,\n  \"Parameter\" TEXT,\n  \"Value\" TEXT\n)";
static const char PROP_DDL[] =
    "CREATE TABLE \"Proposal\" (\"proposalId\" INT PRIMARY KEY, \"proposalName\" VARCHAR(20), "
    "\"proposalType\" VARCHAR(5))";
static const char *const INDEX_DDL[] = {
    "CREATE INDEX \"ix_info_index\"ON \"info\" (\"index\")",
    "CREATE UNIQUE INDEX idx_observationId on observations (observationId)",
    "CREATE UNIQUE INDEX idx_observationStartMJD on observations (observationStartMJD)",
    "CREATE INDEX idx_filter on observations (filter)",
};

static int exec(syn_db *db, const char *sql, y1_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = y1_errf(err, Y1_EIO, "%s: sqlite: %s", db->tmp, msg ? msg : "error");
        sqlite3_free(msg);
        return rc;
    }
    return Y1_OK;
}

static void db_free(syn_db *db)
{
    if (!db) return;
    sqlite3_finalize(db->ins);
    sqlite3_close(db->h);
    free(db->path);
    free(db->tmp);
    free(db);
}

void syn_db_abort(syn_db *db)
{
    if (!db) return;
    sqlite3_finalize(db->ins);
    db->ins = NULL;
    sqlite3_close(db->h);
    db->h = NULL;
    if (db->tmp) {
        remove(db->tmp);
        y1_tmp_untrack(db->tmp);
    }
    db_free(db);
}

int syn_db_open(syn_db **out, const char *path, uint64_t seed, int years, double edge_deg,
                y1_err *err)
{
    int rc = Y1_OK;
    syn_db *db = calloc(1, sizeof *db);
    if (!db) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
    db->seed = seed;
    db->years = years;
    db->edge_deg = edge_deg;
    size_t n = strlen(path) + 32;
    db->path = strdup(path);
    db->tmp = malloc(n);
    if (!db->path || !db->tmp) { rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path); goto fail; }
    snprintf(db->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = y1_errf(err, Y1_EIO, "%s: is a directory", path);
        goto fail;
    }
    /* leftovers of killed runs: "<path>.tmp.<pid>" of processes that no longer exist */
    {
        char d[4096], pre[4200];
        const char *sl = strrchr(path, '/');
        if (sl) snprintf(d, sizeof d, "%.*s", (int)(sl - path), path);
        else snprintf(d, sizeof d, ".");
        snprintf(pre, sizeof pre, "%s.tmp.", sl ? sl + 1 : path);
        y1_tmp_sweep(sl && sl == path ? "/" : d, pre, "");
    }
    if ((rc = y1_tmp_track(db->tmp, 0, err))) {
        free(db->tmp);
        db->tmp = NULL;
        goto fail;
    }
    if (remove(db->tmp) != 0 && errno != ENOENT) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot remove stale temp file: %s", db->tmp, strerror(errno));
        goto fail;
    }
    if (sqlite3_open_v2(db->tmp, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot create: %s", db->tmp,
                     db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto fail;
    }
    if ((rc = exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                       "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536;", err)))
        goto fail;
    if ((rc = exec(db, OBS_DDL, err)) || (rc = exec(db, "BEGIN", err)))
        goto fail;
    if (sqlite3_prepare_v2(db->h, "INSERT INTO observations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                           "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &db->ins,
                           NULL) != SQLITE_OK) {
        rc = y1_errf(err, Y1_EIO, "%s: sqlite: %s", db->tmp, sqlite3_errmsg(db->h));
        goto fail;
    }
    *out = db;
    return Y1_OK;
fail:
    syn_db_abort(db);
    return rc;
}

int syn_db_insert(syn_db *db, const syn_row *r, y1_err *err)
{
    static const char *const band[6] = {"u", "g", "r", "i", "z", "y"};
    sqlite3_stmt *s = db->ins;
    int i = 1;
    sqlite3_bind_int64(s, i++, r->observationId);
    sqlite3_bind_double(s, i++, r->fieldRA);
    sqlite3_bind_double(s, i++, r->fieldDec);
    sqlite3_bind_double(s, i++, r->mjd);
    sqlite3_bind_double(s, i++, r->flush_by_mjd);
    sqlite3_bind_double(s, i++, 30.0);                      /* visitExposureTime */
    sqlite3_bind_text(s, i++, band[r->band], 1, SQLITE_STATIC);
    sqlite3_bind_double(s, i++, r->rotSkyPos);
    sqlite3_bind_int(s, i++, r->numExposures);
    sqlite3_bind_double(s, i++, r->airmass);
    sqlite3_bind_double(s, i++, r->seeingFwhm500);
    sqlite3_bind_double(s, i++, r->seeingFwhmEff);
    sqlite3_bind_double(s, i++, r->seeingFwhmGeom);
    sqlite3_bind_double(s, i++, r->skyBrightness);
    sqlite3_bind_int(s, i++, r->night);
    sqlite3_bind_double(s, i++, r->slewTime);
    sqlite3_bind_double(s, i++, r->visitTime);
    sqlite3_bind_double(s, i++, r->slewDistance);
    sqlite3_bind_double(s, i++, r->fiveSigmaDepth);
    sqlite3_bind_double(s, i++, r->altitude);
    sqlite3_bind_double(s, i++, r->azimuth);
    sqlite3_bind_double(s, i++, r->paraAngle);
    sqlite3_bind_double(s, i++, r->cloud);
    sqlite3_bind_double(s, i++, r->moonAlt);
    sqlite3_bind_double(s, i++, r->sunAlt);
    sqlite3_bind_text(s, i++, r->note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, i++, -1);                           /* fieldId: deprecated */
    sqlite3_bind_int(s, i++, r->proposalId);
    sqlite3_bind_int(s, i++, r->block_id);
    sqlite3_bind_double(s, i++, r->lst);
    sqlite3_bind_double(s, i++, r->rotTelPos);
    sqlite3_bind_double(s, i++, r->moonAz);
    sqlite3_bind_double(s, i++, r->sunAz);
    sqlite3_bind_double(s, i++, r->sunRA);
    sqlite3_bind_double(s, i++, r->sunDec);
    sqlite3_bind_double(s, i++, r->moonRA);
    sqlite3_bind_double(s, i++, r->moonDec);
    sqlite3_bind_double(s, i++, r->moonDistance);
    sqlite3_bind_double(s, i++, r->solarElong);
    sqlite3_bind_double(s, i++, r->moonPhase);
    sqlite3_bind_double(s, i++, r->cummTelAz);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return y1_errf(err, Y1_EIO, "%s: insert of observationId %lld failed: %s", db->tmp,
                       (long long)r->observationId, sqlite3_errmsg(db->h));
    return Y1_OK;
}

static int insert_info(syn_db *db, y1_err *err)
{
    char seed[32], years[16], edge[32], cmd[160];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)db->seed);
    snprintf(years, sizeof years, "%d", db->years);
    snprintf(edge, sizeof edge, "%g", db->edge_deg);
    snprintf(cmd, sizeof cmd, "y1est cadence synth --years %d --seed %llu", db->years,
             (unsigned long long)db->seed);
    const char *rows[][2] = {
        /* readers mark the file synthetic by this row, whatever the file is called */
        {"synthetic", "yes: written by y1est cadence synth, not by rubin_sim/OpSim"},
        {"generator", "y1est synthetic cadence: NOT a rubin_sim/OpSim simulation"},
        {"y1est version", Y1_VERSION},
        {"synth algorithm", CAD_SYNTH_VERSION},
        {"seed", seed},
        {"years", years},
        {"WFD edge adjustment (deg)", edge},
        {"exec command", cmd},
        {"imitates", "baseline_v2.0_10yrs.db (rubin_sim 0.1.2.dev25+ga3ece08, labelled copy with "
                     "Proposal table)"},
        {"calibrated to", "RTN-028 Figure 1 legend (Y1 visits per proposalId) and Table 1 (Y1 WFD "
                          "visits per band), exactly, for night < 365; Figure 2 (visits per coadd "
                          "per band, LSSTCam CCDs), its shape"},
        {"footprint", "pointing-centre regions digitised from RTN-028 Figure 1 (1 deg cells)"},
        {"survey start MJD", "60218.0"},
        {"night", "floor(observationStartMJD - 60217.5)"},
        {"not reproduced", "real weather, seeing, sky brightness and scheduler decisions; "
                           "rolling cadence after year 1"},
    };
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "INSERT INTO info VALUES (?,?,?)", -1, &s, NULL) != SQLITE_OK)
        return y1_errf(err, Y1_EIO, "%s: sqlite: %s", db->tmp, sqlite3_errmsg(db->h));
    int rc = Y1_OK;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && rc == Y1_OK; i++) {
        sqlite3_bind_int(s, 1, (int)i);
        sqlite3_bind_text(s, 2, rows[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, rows[i][1], -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = y1_errf(err, Y1_EIO, "%s: sqlite: %s", db->tmp, sqlite3_errmsg(db->h));
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

static int insert_proposals(syn_db *db, y1_err *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "INSERT INTO Proposal VALUES (?,?,?)", -1, &s, NULL) != SQLITE_OK)
        return y1_errf(err, Y1_EIO, "%s: sqlite: %s", db->tmp, sqlite3_errmsg(db->h));
    int rc = Y1_OK;
    for (int p = 0; p < CAD_SYNTH_NPROG && rc == Y1_OK; p++) {
        const char *name = cad_synth_program_name(p);
        sqlite3_bind_int(s, 1, p);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, p == 0 ? "Other" : p == 1 ? "WFD" : "DD", -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = y1_errf(err, Y1_EIO, "%s: sqlite: %s", db->tmp, sqlite3_errmsg(db->h));
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

int syn_db_finish(syn_db *db, y1_err *err)
{
    int rc;
    sqlite3_finalize(db->ins);
    db->ins = NULL;
    if ((rc = exec(db, INFO_DDL, err)) || (rc = insert_info(db, err)) ||
        (rc = exec(db, PROP_DDL, err)) || (rc = insert_proposals(db, err)))
        goto fail;
    for (size_t i = 0; i < sizeof INDEX_DDL / sizeof INDEX_DDL[0]; i++)
        if ((rc = exec(db, INDEX_DDL[i], err)))
            goto fail;
    if ((rc = exec(db, "COMMIT", err)))
        goto fail;
    if (sqlite3_close(db->h) != SQLITE_OK) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot close: %s", db->tmp, sqlite3_errmsg(db->h));
        goto fail;
    }
    db->h = NULL;
    if (rename(db->tmp, db->path) != 0) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot rename %s into place: %s", db->path, db->tmp,
                     strerror(errno));
        goto fail;
    }
    y1_tmp_untrack(db->tmp);
    db_free(db);
    return Y1_OK;
fail:
    syn_db_abort(db);
    return rc;
}
