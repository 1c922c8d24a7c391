/* skymap.h: "rings" sky maps (lsst.skymap RingsSkyMap, version 1 numbering): DC2 (legacy tract
 * builder) and lsst_cells_v1 (cells builder), and visit footprints (circle or LSSTCam CCDs) ->
 * (tract, patch) pairs, by the exact polygon rule or the LSST stack's bounding-box rule.
 * All angles are in degrees, ICRS. Pixel coordinates are LSST 0-based: an integer value is a
 * pixel centre and pixel (0, 0) is the lower-left one. The specification is
 * shared/reference/skymap.md (section numbers below) and skymap-cells.md.
 * Aggregation over many visits (coadds, warps) is in skymap/agg.h. */
#ifndef Y1_SKYMAP_H
#define Y1_SKYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/y1_err.h"

/* ---- the sky map ---------------------------------------------------------------------- */

typedef struct sky_map sky_map; /* opaque, read-only after sky_map_new: share it between threads */

/* Load a rings sky map from YAML (data/skymaps/dc2.yaml, data/skymaps/lsst_cells_v1.yaml).
 * Given:    yaml_path  keys: name, kind (rings), version (1), num_rings, ra_start_deg,
 *                      projection (TAN), rotation_deg (0), pixel_scale_arcsec,
 *                      tract_overlap_arcmin, tract_builder (legacy or cells), then for legacy
 *                      patch_inner_px and patch_border_px (outer boxes clipped to the tract),
 *                      for cells cell_inner_px, cell_border_px, cells_per_patch_inner and
 *                      cells_in_patch_border (patch inner = cell_inner x cells_per_patch_inner,
 *                      border = cells_in_patch_border x cell_inner + cell_border, outer boxes
 *                      not clipped). Every key of the builder is required; unknown keys and
 *                      the other builder's keys are errors.
 * Returned: *out       the map, set only on success; free with sky_map_free.
 * Return:   Y1_OK; Y1_EIO if the file cannot be read; Y1_EINPUT for a YAML syntax error or a bad
 *           value (message "path:line:col: ..."); Y1_ENOMEM. */
int  sky_map_new(sky_map **out, const char *yaml_path, y1_err *err);
void sky_map_free(sky_map *m); /* NULL is fine */

typedef struct sky_map_info {
    const char *name;          /* e.g. "DC2" (borrowed, lives as long as the map) */
    int num_rings;             /* 120 for DC2 */
    int num_tracts;            /* rings + 2 polar caps: 18,938 for DC2 */
    double ring_size_deg;      /* 180/(num_rings+1) */
    double pixel_scale_arcsec; /* 0.2 */
    double tract_overlap_deg;  /* 1/60 */
    int patch_inner_px;        /* 4000 */
    int patch_border_px;       /* 100 */
    int tract_width_px;        /* 28,000: every tract box is [0, width-1] x [0, height-1] */
    int tract_height_px;
    int patches_x, patches_y;  /* 7 x 7 */
    double crpix_x, crpix_y;   /* 0-based pixel of the tract centre: 13999, 13999 */
    double tract_half_diag_deg;/* sky angle from the centre to the farthest corner of any outer
                                  patch box: 1.100 for DC2 (the box), 1.194 for lsst_cells_v1 */
    const char *tract_builder; /* "legacy" or "cells" (static string) */
    int patch_outer_clipped;   /* 1 when outer patch boxes are clipped to the tract (legacy) */
    int cell_inner_px;         /* cells builder: 150; 0 for legacy */
} sky_map_info;

/* Map-wide numbers (borrowed pointer, valid until sky_map_free). */
const sky_map_info *sky_map_get_info(const sky_map *m);

/* Number of tracts in ring 0..num_rings-1 (south to north), or -1 for a ring out of range. */
int sky_ring_num_tracts(const sky_map *m, int ring);

typedef struct sky_tract_info {
    int id;                      /* 0 .. num_tracts-1 */
    int ring;                    /* -1 = south cap (tract 0), num_rings = north cap (last) */
    int index_in_ring;           /* t (0 for the caps) */
    double ra_deg, dec_deg;      /* centre (CRVAL) */
    double ra_min_deg, ra_max_deg;   /* inner RA range, each wrapped to [0, 360): ra_min > ra_max
                                        when it crosses RA 0; caps: 0 and 360 */
    double dec_min_deg, dec_max_deg; /* inner Dec range (caps reach the pole) */
} sky_tract_info;

/* Describe one tract. Return: Y1_OK, or Y1_EINPUT "tract N does not exist (0..M)". */
int sky_tract_get(const sky_map *m, int tract, sky_tract_info *out, y1_err *err);

/* Tract that owns (ra, dec) (findTract, section 7). RA in [0, 360], Dec in [-90, 90].
 * Return: Y1_OK, or Y1_EINPUT for a non-finite or out-of-range coordinate. */
int sky_find_tract(const sky_map *m, double ra_deg, double dec_deg, int *tract, y1_err *err);

/* All tracts whose box contains (ra, dec) (findAllTracts, section 7), in lsst's order.
 * Given: cap >= SKY_MAX_FIND_ALL. Returned: tracts[0..*n-1].
 * Return: Y1_OK or Y1_EINPUT (bad coordinate). */
enum { SKY_MAX_FIND_ALL = 11 };
int sky_find_all_tracts(const sky_map *m, double ra_deg, double dec_deg, int *tracts, int cap,
                        int *n, y1_err *err);

/* Patch of `tract` whose inner box holds (ra, dec) (findPatch, section 7).
 * Return: Y1_OK; Y1_EINPUT for a bad coordinate, unknown tract or a point outside the tract. */
int sky_find_patch(const sky_map *m, int tract, double ra_deg, double dec_deg, int *patch_x,
                   int *patch_y, y1_err *err);

/* TAN WCS of a tract (section 4). sky_to_pixel fails (Y1_EINPUT) for a point 90 deg or more from
 * the tract centre; pixel_to_sky always succeeds and returns RA in [0, 360). */
int  sky_sky_to_pixel(const sky_map *m, int tract, double ra_deg, double dec_deg, double *x,
                      double *y, y1_err *err);
void sky_pixel_to_sky(const sky_map *m, int tract, double x, double y, double *ra_deg,
                      double *dec_deg);

/* ---- footprints ----------------------------------------------------------------------- */

typedef enum { SKY_FP_CIRCLE = 0, SKY_FP_LSSTCAM = 1 } sky_fp_kind;
typedef enum { SKY_ROT_VISIT = 0, SKY_ROT_RANDOM = 1 } sky_rot_mode;
/* How a footprint is matched to patches (see sky_footprint_patches). */
typedef enum { SKY_OVERLAP_EXACT = 0, SKY_OVERLAP_BBOX = 1 } sky_overlap_rule;

/* Names as options and reports spell them ("circle", "lsstcam"; "rotskypos", "random"; "exact",
 * "bbox") and back (Y1_OK, or Y1_EINPUT for any other text; *out set only on success).
 * The _list functions give every name, in enum order, for messages and help texts: "circle or
 * lsstcam" (a static string). */
const char *sky_fp_kind_name(sky_fp_kind k);
int         sky_fp_kind_parse(const char *s, sky_fp_kind *out);
const char *sky_fp_kind_list(void);
const char *sky_rot_mode_name(sky_rot_mode m);
int         sky_rot_mode_parse(const char *s, sky_rot_mode *out);
const char *sky_rot_mode_list(void);
const char *sky_overlap_rule_name(sky_overlap_rule r);
int         sky_overlap_rule_parse(const char *s, sky_overlap_rule *out);
const char *sky_overlap_rule_list(void);

typedef struct sky_fp_opts {
    sky_fp_kind kind;        /* default SKY_FP_CIRCLE */
    double radius_deg;       /* circle radius, (0, 30]; default 2.0 (the mission's number) */
    sky_rot_mode rotation;   /* lsstcam only: the visit's rot_deg (rotSkyPos, default), or a
                                uniform draw in [0, 360) per visit from (seed, visit id) */
    uint64_t seed;           /* for SKY_ROT_RANDOM */
    const char *camera_path; /* lsstcam only: camera YAML (data/cameras/lsstcam.yaml); copied */
    sky_overlap_rule overlap;/* default SKY_OVERLAP_EXACT */
    const unsigned char *ccd_keep; /* lsstcam only: ccd_keep[id] 1 for each CCD id (obs_lsst's
                                order, as sky_footprint_ccd_corners) in use, one per CCD of the
                                camera; NULL (default) = every CCD. Dropped CCDs touch nothing. */
} sky_fp_opts;

/* Fill the defaults above (camera_path NULL). */
void sky_fp_opts_init(sky_fp_opts *o);

typedef struct sky_footprint sky_footprint; /* opaque, read-only once made: share it freely */

/* Build a footprint. For lsstcam this reads the camera YAML (errors as for sky_map_new).
 * Return: Y1_OK; Y1_EINPUT for a bad radius (negative, zero, > 30, NaN) or camera file;
 *         Y1_EUSAGE when lsstcam has no camera_path; Y1_EIO; Y1_ENOMEM. */
int  sky_footprint_new(sky_footprint **out, const sky_fp_opts *opts, y1_err *err);
void sky_footprint_free(sky_footprint *fp); /* NULL is fine */

/* One line saying what produced the numbers, for reports: e.g. "circle, radius 2 deg" or
 * "lsstcam, 189 CCDs, rotation rotskypos"; ", bounding-box rule" is appended for
 * SKY_OVERLAP_BBOX. Borrowed string. */
const char *sky_footprint_describe(const sky_footprint *fp);

/* CCDs per visit for CCD-visit counts: 189 for lsstcam and (by convention) 189 for the circle too,
 * since a circle stands in for the same camera. */
int sky_footprint_num_ccds(const sky_footprint *fp);

/* Rotation (deg) the footprint applies to a visit: rot_deg, or the seeded draw for the visit id.
 * Deterministic: depends only on (seed, id), never on threads or visit order. */
double sky_footprint_rotation(const sky_footprint *fp, int64_t visit_id, double rot_deg);

/* Sky corners of CCD k (0..188) of an lsstcam footprint at boresight (ra, dec) and rotation rot
 * (the angle from north through east to the focal plane's +y axis), counter-clockwise in the
 * focal plane, after the 10-px growth. Return: Y1_OK, or Y1_EINPUT (not lsstcam, bad k or
 * coordinate). */
int sky_footprint_ccd_corners(const sky_footprint *fp, int k, double ra_deg, double dec_deg,
                              double rot_deg, double ra_out[4], double dec_out[4], y1_err *err);

typedef struct sky_tp { int tract, patch_x, patch_y; } sky_tp;

/* A growable list of (tract, patch) pairs. Start from {0}; free with sky_hits_free. */
typedef struct sky_hits {
    sky_tp *v;
    size_t n, cap;
} sky_hits;
void sky_hits_free(sky_hits *h); /* frees h->v and zeroes h; NULL is fine */

/* The (tract, patch) pairs a footprint at boresight (ra, dec) touches. rot_deg is used as given
 * (the random mode is applied by the aggregator through sky_footprint_rotation).
 * SKY_OVERLAP_EXACT: a pair is hit when the footprint (the spherical cap, or any grown CCD
 *   polygon) meets the patch's outer sky polygon (border included), section 8. No sampling.
 * SKY_OVERLAP_BBOX: lsst.skymap's TractInfo.findPatchList, the rule RTN-109 counted with: the
 *   footprint's pixel bounding box in the tract (float box to integer box by the EXPAND rule),
 *   grown by the patch border and clipped to the tract box, against the patches' inner index
 *   ranges. lsstcam: per CCD, from its 4 grown corners, in the tracts that contain at least one
 *   of them (RingsSkyMap.findTractPatchList); a pair is hit when any CCD hits it. circle: the
 *   exact pixel box of the circle (its ellipse in the tract plane), in every tract (the
 *   BaseSkyMap loop); so for a circle every exact pair is also a bbox pair.
 * Returned: out->v[0..n-1], sorted by (tract, patch_x, patch_y), no duplicates (previous
 *           contents replaced).
 * Return:   Y1_OK; Y1_EINPUT for a bad coordinate; Y1_ENOMEM. */
int sky_footprint_patches(const sky_map *m, const sky_footprint *fp, double ra_deg,
                          double dec_deg, double rot_deg, sky_hits *out, y1_err *err);

#endif
