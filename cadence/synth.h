/* synth.h: y1est's synthetic stand-in for the OpSim baseline v2.0 cadence (baseline_v2.0_10yrs.db),
 * written as a sqlite file with the exact v2.0 schema. Calibrated so that Year 1 (night < 365)
 * reproduces the RTN-028 Figure 1 program counts and Table 1 WFD band counts exactly, and, with
 * the study's CCD footprint, the shape of Figure 2 (visits per coadd per band).
 * Angles in degrees (except sunRA/sunDec, radians as in real v2.0 files), times in MJD (UTC). */
#ifndef CAD_SYNTH_H
#define CAD_SYNTH_H

#include <stdint.h>
#include "common/y1_err.h"

#define CAD_SYNTH_SEED_DEFAULT 42   /* the default seed: `y1est cadence synth` without --seed */
#define CAD_SYNTH_VERSION "synth-4" /* algorithm version, written into the info table */
#define CAD_SYNTH_NPROG 7           /* proposalIds 0..6 */
#define CAD_SYNTH_MJD_START 60218.0 /* survey start, as in baseline v2.0 (2023-10-01 00:00 UTC) */
/* Default WFD edge shrink (deg). Figure 1's markers (~1 px = 0.7 deg in RA) widen the plotted
 * region; 0.6 deg brings the WFD centre area from 19,240 to 18,630 deg^2 and the per-band mean
 * visits per coadd (DC2 map, LSSTCam CCDs, random rotation) to within 1 % of the digitised
 * Figure 2's (0 deg: 4 % below). */
#define CAD_SYNTH_WFD_EDGE_DEFAULT 0.6

typedef struct cad_synth_opts {
    int years;           /* 1..10 (default 1): nights 0 .. 365*years-1 are simulated */
    uint64_t seed;       /* PRNG seed (default CAD_SYNTH_SEED_DEFAULT = 42) */
    double wfd_edge_deg; /* footprint tuning (default CAD_SYNTH_WFD_EDGE_DEFAULT): > 0 shrinks
                          * the Figure 1 WFD region of pointing centres by this many degrees at
                          * every edge, < 0 grows it; within +-5 */
} cad_synth_opts;

/* What cad_synth_write_counts() wrote. Program index = proposalId (0 Other, 1 WFD, 2 ECDFS,
 * 3 XMM-LSS, 4 ELAISS1, 5 COSMOS, 6 EDFS); band index 0..5 = u, g, r, i, z, y. */
typedef struct cad_synth_counts {
    int64_t total;                                 /* rows in observations */
    int64_t per_program[CAD_SYNTH_NPROG];          /* all nights */
    int64_t y1_per_program[CAD_SYNTH_NPROG];       /* night < 365 */
    int64_t y1_wfd_per_band[6];                    /* night < 365, proposalId 1 */
    int nights;                                    /* nights simulated (365 * years) */
    int nights_observed;                           /* nights with at least one visit */
} cad_synth_counts;

/* The calibration targets (RTN-028 Figure 1 legend; Table 1), indexed as above. */
extern const int64_t cad_synth_y1_program_target[CAD_SYNTH_NPROG];
extern const int64_t cad_synth_y1_wfd_band_target[6];

/* Defaults: years 1, seed 42, wfd_edge_deg CAD_SYNTH_WFD_EDGE_DEFAULT. */
void cad_synth_opts_default(cad_synth_opts *o);

/* Write the synthetic cadence to path, atomically: the file is built as "<path>.tmp.<pid>"
 * (a stale one is removed first) and renamed into place; on failure no file is left behind and
 * an existing file at path is untouched. Tables: observations (41 v2.0 columns, in order),
 * info (provenance: says plainly that this is y1est's synthetic cadence, with seed and version;
 * nothing time-dependent, so the same options give the same bytes), Proposal (0 Other, 1 WFD,
 * 2 DD:ECDFS, 3 DD:XMM-LSS, 4 DD:ELAISS1, 5 DD:COSMOS, 6 DD:EDFS) and the four v2.0 indexes.
 * Given: path (not NULL), o (NULL means defaults).
 * Returned: counts (may be NULL) filled on success.
 * Return: Y1_OK; Y1_EUSAGE for options out of range; Y1_EIO when the file cannot be written;
 * Y1_ENOMEM. The message names the path. */
int cad_synth_write(const char *path, const cad_synth_opts *o, y1_err *err);
int cad_synth_write_counts(const char *path, const cad_synth_opts *o, cad_synth_counts *counts,
                           y1_err *err);

/* Proposal name of a program ("Other", "WFD", "DD:ECDFS", ...), NULL when out of range. */
const char *cad_synth_program_name(int proposal_id);

/* The footprint of pointing centres (digitised from RTN-028 Figure 1, 1-deg cells), after the
 * wfd_edge_deg adjustment: 1 = WFD, 0 = Other (Galactic plane, NES, south cap), -1 = neither. */
int cad_synth_region(double ra_deg, double dec_deg, double wfd_edge_deg);

/* The digitised RTN-028 Figure 2 (data/rtn028/fig2_digitized.csv: "n_visits,u,g,r,i,z,y", one
 * row per n from 0 or 1, each value the fraction of that band's Y1 WFD coadds with exactly n
 * visits, optionally flagged '*' interpolated or 'a' assumed), the synthetic cadence's shape
 * target. An n = 0 row, if any, is ignored by the functions below. */
#define CAD_SYNTH_FIG2_NMAX 128
typedef struct cad_synth_fig2 {
    int rows;                              /* n runs over 1 .. rows - 1 */
    double frac[6][CAD_SYNTH_FIG2_NMAX];   /* [band u..y][n] */
} cad_synth_fig2;

/* Read the figure from path into *out (set only on success).
 * Return: Y1_OK; Y1_EIO when it cannot be read; Y1_EINPUT with "path:line:col: what was
 * expected" for a bad header, row order, field count or a value outside [0, 1], and "path: ..."
 * when there are no rows or a band is all zero. */
int cad_synth_fig2_read(const char *path, cad_synth_fig2 *out, y1_err *err);
/* Mean n of a band over n >= 1 (the bins renormalised to sum to 1). */
double cad_synth_fig2_mean(const cad_synth_fig2 *f, int band);
/* The largest n with a non-zero bin in a band. */
int cad_synth_fig2_last(const cad_synth_fig2 *f, int band);
/* Kolmogorov-Smirnov distance, max over n of |CDF(n) - CDF_fig(n)|, between the histogram
 * count[n] (coadds with exactly n visits, n = 1 .. ncount - 1; count[0] ignored) and the figure's
 * band, both normalised over n >= 1. 1 when the histogram is empty. */
double cad_synth_fig2_ks(const cad_synth_fig2 *f, int band, const int64_t *count, int ncount);

#endif
