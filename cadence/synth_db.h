/* synth_db.h: the sqlite side of the synthetic cadence: create the v2.0 schema in a temp file,
 * insert visit rows through one prepared statement in one transaction, then add info, Proposal and
 * the indexes and rename the file into place. Internal to cadence/synth*.c. */
#ifndef CAD_SYNTH_DB_H
#define CAD_SYNTH_DB_H

#include <stdint.h>
#include "common/y1_err.h"

/* One observations row; field names follow the v2.0 columns (units there). */
typedef struct syn_row {
    int64_t observationId;
    double fieldRA, fieldDec, mjd, flush_by_mjd;
    int band;                    /* 0..5 = u..y */
    double rotSkyPos;
    int numExposures;
    double airmass, seeingFwhm500, seeingFwhmEff, seeingFwhmGeom, skyBrightness;
    int night;
    double slewTime, visitTime, slewDistance, fiveSigmaDepth, altitude, azimuth, paraAngle;
    double cloud, moonAlt, sunAlt;
    const char *note;            /* borrowed for the duration of the insert */
    int proposalId, block_id;
    double lst, rotTelPos, moonAz, sunAz, sunRA, sunDec, moonRA, moonDec, moonDistance;
    double solarElong, moonPhase, cummTelAz;
} syn_row;

typedef struct syn_db syn_db;

/* Create "<path>.tmp.<pid>" (removing a stale one) with the observations table, open a
 * transaction and prepare the insert. The options are recorded in info. */
int  syn_db_open(syn_db **out, const char *path, uint64_t seed, int years, double edge_deg,
                 y1_err *err);
int  syn_db_insert(syn_db *db, const syn_row *r, y1_err *err);
/* Write info, Proposal, the indexes; commit, close, rename. Frees db whatever happens; on
 * failure the temp file is removed. */
int  syn_db_finish(syn_db *db, y1_err *err);
/* Close and remove the temp file. NULL is fine. */
void syn_db_abort(syn_db *db);

#endif
