/* cadence.h: read-only, streaming reader of OpSim cadence databases (sqlite), and the visit
 * selection (years or nights, program, bands). Angles in degrees, times in MJD days (UTC).
 * This module is the only user of sqlite3.h for reading; see synth.h for the synthetic cadence. */
#ifndef CAD_CADENCE_H
#define CAD_CADENCE_H

#include <stdint.h>
#include "common/y1_band.h"
#include "common/y1_err.h"

/* Program classes. The label (a name such as "WFD", "Other", "DD:COSMOS") is per file. */
typedef enum { CAD_CLASS_OTHER = 0, CAD_CLASS_WFD = 1, CAD_CLASS_DDF = 2,
               CAD_CLASS_UNLABELLED = 3 } cad_class;

typedef struct cad_visit {
    int64_t id;        /* observationId (obsHistID in old schemas) */
    double ra_deg;     /* fieldRA in [0, 360) */
    double dec_deg;    /* fieldDec in [-90, 90] */
    double rot_deg;    /* rotSkyPos in [0, 360); NaN when the file has none */
    double mjd;        /* observationStartMJD */
    int night;         /* survey night, as in the file or derived from the MJD */
    int band;          /* 0..5 for u..y */
    int program;       /* index into cad_program_name() */
    cad_class cls;     /* WFD / DDF / Other / unlabelled */
} cad_visit;

typedef struct cad_db cad_db; /* opaque: an open file and its detected schema */

/* Open path read-only and detect the schema from the tables and columns present.
 * Returns Y1_EIO when the file is missing/unreadable, Y1_EINPUT when it is not sqlite, has no
 * visit table, or lacks required columns (the message lists them). *out is freed by cad_close. */
int  cad_open(cad_db **out, const char *path, y1_err *err);
void cad_close(cad_db *db); /* NULL is fine */

/* What was detected, for reports: e.g. "v2.x observations (labelled: Proposal table)". */
const char *cad_schema_desc(const cad_db *db);
const char *cad_path(const cad_db *db);
/* 1 when the file's info table marks it as written by `y1est cadence synth` (whatever the
 * file is called), with a description ("y1est cadence synth, synth-1, seed 42, years 1");
 * "" when not synthetic. The file's size in bytes (-1 unknown), to identify it in reports. */
int cad_synthetic(const cad_db *db);
const char *cad_synthetic_desc(const cad_db *db);
int64_t cad_size_bytes(const cad_db *db);
/* 1 when the visit table has a rotSkyPos column. */
int cad_has_rotation(const cad_db *db);
/* How programs are identified in this file, e.g. "Proposal table (proposalName = 'WFD')". */
const char *cad_program_source(const cad_db *db);

/* A warning about how programs were inferred (e.g. "no Proposal table; treating proposalId 1
 * as WFD"), or NULL. The caller should print it. */
const char *cad_warning(const cad_db *db);

/* Program labels seen so far (grows while scanning). Borrowed strings. */
int cad_program_count(const cad_db *db);
const char *cad_program_name(const cad_db *db, int program);
cad_class cad_program_class(const cad_db *db, int program);

/* The selection. Zero-initialise, then set fields; cad_selection_default() gives Y1 WFD ugrizy. */
typedef struct cad_selection {
    int years;              /* > 0: nights [first, first + 365.25*years) by night number */
    int night_lo, night_hi; /* used when use_nights: inclusive range of night numbers */
    int use_nights;
    int relative_nights;    /* 1: nights counted from the file's first night (default) */
    const char *program;    /* "wfd", "ddf", "other", "all", or a program label ("DD:COSMOS") */
    const int64_t *wfd_ids; /* optional override: these proposalIds are WFD */
    int n_wfd_ids;
    const char *wfd_note;   /* optional override: WFD = note (or scheduler_note) LIKE this */
    unsigned band_mask;     /* bit b for band b; 0 means all bands */
    unsigned skip;          /* CAD_SKIP_* bits: columns the caller does not use; 0 reads all */
} cad_selection;

/* Columns a scan need not read. A column not read is neither checked nor required: a bad
 * value there is not an error, and the visit gets NaN for it. */
enum {
    CAD_SKIP_ROT = 1,   /* rotSkyPos: rot_deg is NaN */
    CAD_SKIP_MJD = 2    /* observationStartMJD, when the file has a night column (without one
                           the night comes from the MJD, which is then read): mjd is NaN */
};

void cad_selection_default(cad_selection *sel);

/* Describe the selection in one line, e.g. "nights 0..364 (first 1 year by night), program wfd,
 * bands ugrizy". Writes into buf (size n). */
void cad_selection_desc(const cad_db *db, const cad_selection *sel, char *buf, size_t n);

/* Stream the selected visits in observationId order to cb. cb returns 0 to go on, non-zero to
 * stop (that value is returned, with err untouched). Rows with NULL/NaN coordinates or an
 * unknown band are bad input: Y1_EINPUT naming the file and observationId.
 * Asking for WFD in a file with no program information is Y1_EINPUT (never a guess).
 * *n_selected (may be NULL) receives the number of visits passed to cb. */
typedef int (*cad_visit_cb)(const cad_visit *v, void *ud);
int cad_scan(cad_db *db, const cad_selection *sel, cad_visit_cb cb, void *ud,
             int64_t *n_selected, y1_err *err);

/* cad_scan, and in the same read every visit of the selected nights (any program and band,
 * classified as cad_scan classifies it) to all_cb, before the program and band filters; a
 * non-zero return from either callback stops the scan. */
int cad_scan_nights(cad_db *db, const cad_selection *sel, cad_visit_cb cb, void *ud,
                    cad_visit_cb all_cb, void *all_ud, int64_t *n_selected, y1_err *err);

/* Table 1: visits per band and per program for a selection. */
typedef struct cad_summary {
    int64_t per_band[Y1_NBANDS];
    int64_t total;
    int n_programs;           /* programs with at least one selected visit */
    int64_t *per_program;     /* indexed by program id, length cad_program_count(db) */
    int first_night, last_night; /* of the selected visits */
} cad_summary;

int  cad_summarize(cad_db *db, const cad_selection *sel, cad_summary *out, y1_err *err);
void cad_summary_clear(cad_summary *s);

/* Parse a band list such as "ugrizy" or "g,r,i" into a mask. */
int cad_parse_bands(const char *s, unsigned *mask, y1_err *err);

#endif
