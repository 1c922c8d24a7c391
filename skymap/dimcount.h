/* dimcount.h: the counts of quantum dimensions that the coadds do not carry: CCD-tract overlaps
 * (visit x detector x tract), visit-tract overlaps (visit x tract), and HEALPix pixels at a
 * given order. Angles in degrees. Computed only when a pipeline asks for them. */
#ifndef Y1_SKY_DIMCOUNT_H
#define Y1_SKY_DIMCOUNT_H

#include <stdint.h>

#include "skymap/agg.h"
#include "skymap/skymap.h"

/* LSSTCam detector ids run 0..188 in y1est's lsstcam CCD order (rafts row by row from the
 * bottom-left without the corner rafts, CCDs row by row in each raft, as obs_lsst numbers
 * R01_S00 = 0 .. R43_S22 = 188). A detector set is a mask over those ids. */
enum { SKY_MAX_DETECTORS = 189 };
typedef struct sky_detset {
    unsigned char keep[SKY_MAX_DETECTORS];  /* 1: the detector is processed */
    int n;                                  /* how many are kept */
    char name[96];                          /* "all 189", "rtn109-dp2 (172)", ... */
} sky_detset;

/* Parse a detector set: "all", "rtn109-dp2" (RTN-109's DP2 selection: the 189 science
 * detectors without 0, 1, 19, 20, 27, 30, 65, 68, 120, 122, 123, 158, 161, 168, 169, 187, 188)
 * or "-ID,ID,..." (all but those ids, 0..188). Returns 0, or -1 with why in err (Y1_EUSAGE). */
int sky_detset_parse(sky_detset *out, const char *s, y1_err *err);

typedef struct sky_dim_counts {
    int64_t visit_detector;        /* visits x kept detectors */
    int64_t visit_detector_tract;  /* sum over visits and kept CCDs of the tracts the CCD is in */
    int64_t visit_tract;           /* sum over visits of the tracts any kept CCD is in */
} sky_dim_counts;

/* CCD-tract and visit-tract overlaps of the lsstcam footprint fp, the rule RTN-109 counted with
 * (the stack's findTractPatchList on the CCD corners): a CCD is in a tract when one of its four
 * grown corners lies in the tract's box (sky_find_all_tracts), whichever overlap rule fp uses
 * for patches. A visit is in the union of its kept CCDs' tracts. Rotation as sky_agg_run.
 * Given:    threads >= 1 (the result does not depend on it), det (NULL: all 189).
 * Returned: *out, set only on success.
 * Return:   Y1_OK; Y1_EINPUT (fp is not lsstcam, a bad coordinate naming the visit);
 *           Y1_EIO when a thread cannot start. */
int sky_dim_count(const sky_map *m, const sky_footprint *fp, const sky_visit *visits, size_t n,
                  const sky_detset *det, int threads, sky_dim_counts *out, y1_err *err);

/* The nested HEALPix pixel (order 0..29, 12 x 4^order pixels) holding (ra, dec), by the
 * Gorski et al. (2005, ApJ 622, 759) projection. */
int64_t sky_healpix_nest(int order, double ra_deg, double dec_deg);

#endif
