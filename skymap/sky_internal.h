/* sky_internal.h: what the skymap/ sources share and nobody else sees: the map and footprint
 * structs, the per-thread work buffer, and the per-visit overlap routine.
 * Angles here are in radians; tangent-plane coordinates (xi, eta) are in radians too. */
#ifndef Y1_SKY_INTERNAL_H
#define Y1_SKY_INTERNAL_H

#include <math.h>

#include "common/y1_yaml.h"
#include "skymap/skymap.h"

#define SKY_PI 3.14159265358979323846
#define SKY_D2R (SKY_PI / 180.0)
#define SKY_R2D (180.0 / SKY_PI)

struct sky_map {
    sky_map_info info;
    char name[64];
    double ring_size;         /* rad */
    double ra_start;          /* rad */
    double first_ring_start;  /* ring_size/2 - pi/2 (rad) */
    double scale_rad;         /* one pixel in the tangent plane, rad */
    int *ring_n;              /* tracts per ring */
    int *ring_first;          /* global id of each ring's first tract */
    double *ring_sd, *ring_cd;/* sin and cos of each ring's centre Dec */
    double *tv;               /* 9 per tract: centre c, east e, north n (unit vectors) */
    double *col_xi;           /* 2 per patch column: xi range of its outer box (lo, hi) */
    double *row_eta;          /* 2 per patch row: eta range of its outer box (lo, hi) */
    double *lo_pad, *hi_pad;  /* npy + 2 each: -inf, the rows' lower (upper) eta ends, +inf */
    double row_inv_pitch;     /* 1 / (inner patch height in rad) */
    double row_lo_c, row_hi_c;/* eta * row_inv_pitch + row_lo_c is about the number of rows
                                 starting at or below eta (+ row_hi_c: ending below eta) */
    double *mid_xi, *mid_eta; /* 1 per patch (index patch_x * patches_y + patch_y): the middle
                                 of its outer box */
    double box_xi[2], box_eta[2]; /* extent of every outer patch box, half-pixel edges: the
                                     tract box, grown by the border when patches are unclipped */
    double half_diag;         /* rad, sky angle from centre to the farthest corner of that extent */
    double box_half_diag;     /* rad, the same for the tract box itself (what `contains` tests) */
    double patch_diag;        /* rad: largest outer-patch diagonal in the tract plane (bounds
                                 its sky diameter, since TAN only stretches) */
    double patch_inradius;    /* rad: radius of a sky disk inside every outer patch */
    int npatch;               /* patches_x * patches_y */
};

/* One focal-plane axis of the CCD slot lattice, with a look-up table over small cells. */
typedef struct sky_axis {
    const double *ext;        /* 2 per slot: grown extent (lo, hi), rad, increasing */
    int n;                    /* slots */
    double origin, inv_cell;  /* cell c covers [origin + c/inv_cell, origin + (c+1)/inv_cell) */
    int ncell;
    int16_t *ge, *le;         /* per cell: first slot with hi >= cell start; last with lo <= end */
} sky_axis;

struct sky_footprint {
    sky_fp_kind kind;
    sky_overlap_rule overlap;
    double radius;            /* circle radius (rad) */
    sky_rot_mode rot;
    uint64_t seed;
    char desc[160];
    /* lsstcam: CCD boxes in focal-plane radians (x0, x1, y0, y1), already grown */
    int nccd;
    double (*ccd)[4];
    int nslot_x, nslot_y;     /* CCD slot lattice (15 x 15 for LSSTCam) */
    double *slot_x, *slot_y;  /* 2 per slot column/row: grown extent (lo, hi), rad */
    sky_axis ax_x, ax_y;      /* look-up tables over slot_x, slot_y */
    double occ[2][4];         /* boxes (x0, x1, y0, y1), rad, that hold every CCD and are covered
                                 by CCD tiles: the whole grid, or the cross left when the corner
                                 rafts are missing */
    int nocc;
    int *slot_ccd;            /* nslot_y * nslot_x: CCD index in that slot or -1 */
    double bound;             /* rad: sky angle from boresight to the farthest CCD corner */
    double ccd_half_diag;     /* rad: largest half-diagonal of a grown CCD box */
    double tile_reach;        /* rad: half the hypotenuse of the widest gaps along x and along
                                 y; every point of a tile is within it of its CCD */
    unsigned char *ccd_on;    /* per CCD: 1 in use; NULL = all (sky__camera_drop) */
    int nccd_on;
    int holes;                /* some CCD inside the occ boxes is dropped: they are not tiled */
    int avx2;                 /* the AVX2 builds of the circle batch and of lsstcam's tracts,
                                 column counts and exact tests are used (the CPU has AVX2 and
                                 BMI; tests clear it to run the baseline builds) */
    int avx512;               /* and the AVX-512 build of the column counts (F and DQ; only
                                 with avx2 set) */
    int exact_only;           /* tests only: decide every candidate patch by the exact polygon
                                 test, without the sure and miss shortcuts it is pinned against
                                 (the circle: one tract at a time, sky__circle_cols) */
};

/* lsstcam: one patch column's candidate rows that are not sure, waiting for the exact test
 * (footprint.c's cam_exact_queue): rows as a bit mask, the column's first key, the slot of its
 * tract's h in sky_work.exh, and the column */
typedef struct sky_exq {
    uint64_t rows;
    uint32_t k0, h, col;
} sky_exq;

/* Per-thread scratch for sky__visit: output keys and candidate tracts. Zero-init; sky__work_free. */
typedef struct sky_work {
    uint32_t *keys;  /* tract * npatch + patch_x * patches_y + patch_y */
    size_t nkeys, capkeys;
    int *tracts;
    size_t ntracts, captracts;
    uint8_t *mark;   /* bbox rule: npatch flags, all 0 between tracts */
    size_t capmark;
    double *ccdv;    /* bbox rule, lsstcam: 3 per CCD, the unit vector of its middle */
    size_t capccdv;
    int runs;        /* when set, the circle (either rule) lists runs of rows of a patch
                        column as pairs (first key, last key + 1) instead of every key: the
                        aggregator counts a run with two additions into a difference array */
    double memo_r, memo_k, memo_sr; /* circle: cos and sin of radius memo_r (0: none yet) */
    double memo_hd, memo_full;      /* and the least v.c of a tract wholly inside it, for a
                                       tract box of half-diagonal memo_hd */
    double memo_d, memo_cosd;       /* candidates: cos of reach memo_d (0: none yet) */
    int cand_ok;                    /* tracts holds the candidates of (cand_ra, cand_dec) for
                                       the reach cand_d, and cand_trig the sin and cos of
                                       cand_ra and of cand_dec */
    double cand_ra, cand_dec, cand_d, cand_trig[4];
    double cam_memo[6];             /* lsstcam: for (half_diag, tile_reach, D), footprint.c's
                                       cam_ctx gs, near_cos and reach (0: none yet) */
    uint32_t *dcount; /* lsstcam, exact rule: when set, the hits go straight into this
                         difference array as runs of rows (+1 at a run's first key, -1 past
                         its last; the aggregator's per-visit path) and no key is listed */
    size_t nexact;   /* lsstcam, exact rule: patches sent to the exact polygon test so far
                        (the tests check that the shortcuts leave few) */
    sky_exq *exq;    /* lsstcam, exact rule: the visit's queued exact tests (nexq), and 9 */
    double *exh;     /* doubles per tract with any (nexh): its h (see cam_exact) */
    size_t nexq, capexq, nexh, capexh;
    double *colv;    /* lsstcam: footprint.c's cam_ctx.colv, for the columns' ends colv_x0 and */
    size_t capcolv;  /* colv_x1 of a map with colv_n columns and for the sure inset colv_gs */
    double colv_gs, colv_x0, colv_x1;
    int colv_n;
} sky_work;
void sky__work_free(sky_work *w);

/* Keys of every (tract, patch) the footprint touches at unit-sphere boresight (ra, dec) in rad
 * with rotation rot (rad). Unordered, no duplicates. Coordinates must be valid. With w->runs
 * set and a circle footprint, w->keys[0..nkeys-1] holds nkeys / 2 pairs (a, b) instead: the
 * keys a..b-1, disjoint runs that together are the same keys. With w->dcount set and lsstcam
 * with the exact rule, the same runs are added to w->dcount and nkeys is 0.
 * Return: Y1_OK or Y1_ENOMEM. */
int sky__visit(const sky_map *m, const sky_footprint *fp, double ra, double dec, double rot,
               sky_work *w);

/* The circle (cap of cosine k, sine sr around unit vector v) in tract t's plane: for each patch
 * column i, the eta extent [lo_eta[i], hi_eta[i]] of the cap within the column's strip
 * ((1, -1) where it misses), one tract at a time: the reference the production path (a batch
 * of tracts, footprint.c) is pinned against, used by it with exact_only. Return: 0 when the
 * cap misses the tract's box (the arrays are then unset). lo_eta, hi_eta: patches_x each. */
int sky__circle_cols(const sky_map *m, int t, const double v[3], double k, double sr,
                     double *lo_eta, double *hi_eta);

/* An upper bound of acos(x) for x in [-1, 1], at most 1.7e-4 rad above it (footprint.c's
 * candidate tracts). */
double sky__acos_above(double x);

/* lsstcam.c: read the camera YAML into fp's CCD fields (nccd, ccd, slots, bound). */
int sky__camera_load(sky_footprint *fp, const char *path, y1_err *err);
/* Use only the CCDs with keep[id] = 1 (n entries, one per CCD): their slots become empty and
 * fp->holes is set (the cross is no longer tiled: no sure hits). Y1_EINPUT when n is not the camera's CCD count
 * or nothing is kept. */
int sky__camera_drop(sky_footprint *fp, const unsigned char *keep, int n, y1_err *err);

/* Validate a coordinate in degrees (RA [0, 360], Dec [-90, 90], finite). */
int sky__check_coord(double ra_deg, double dec_deg, y1_err *err);

/* unit vector of (ra, dec) in rad */
static inline void sky__vec(double ra, double dec, double v[3])
{
    double cd = cos(dec);
    v[0] = cd * cos(ra);
    v[1] = cd * sin(ra);
    v[2] = sin(dec);
}
static inline double sky__dot(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

#endif
