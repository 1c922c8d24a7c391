/* agg.h: visits -> coadds. Counts, for every (band, tract, patch), how many visits touch it
 * (a visit counts at most once per coadd), with the totals the estimator needs (visits,
 * CCD-visits, warps, coadds, patches, per-band distributions of n).
 * Angles in degrees. Bands are 0..5 = u, g, r, i, z, y. */
#ifndef Y1_SKY_AGG_H
#define Y1_SKY_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "common/y1_band.h"
#include "skymap/skymap.h"


/* One visit, as the cadence reader delivers it (skymap/ does not know the reader). */
typedef struct sky_visit {
    int64_t id;       /* observationId; seeds the random rotation */
    double ra_deg;    /* boresight fieldRA, [0, 360] */
    double dec_deg;   /* boresight fieldDec, [-90, 90] */
    double rot_deg;   /* rotSkyPos (used by lsstcam with rotation 'rotskypos') */
    int band;         /* 0..5 = ugrizy */
} sky_visit;

/* One coadd: a (band, tract, patch) with at least one visit. */
typedef struct sky_coadd {
    int32_t tract;
    uint32_t num_visits;
    int16_t patch_x, patch_y;
    int8_t band;      /* 0..5 */
} sky_coadd;

/* Distribution of num_visits over one band's coadds. Quantiles use linear interpolation between
 * order statistics (numpy's default). All zero when the band has no coadds. */
typedef struct sky_band_stats {
    int64_t visits;   /* visits in this band; -1 when unknown (sky_agg_from_coadds) */
    int64_t coadds;
    int64_t warps;    /* sum of num_visits over the band's coadds */
    double mean;
    double p10, p25, p50, p75, p90;
    uint32_t min, max;
} sky_band_stats;

typedef struct sky_totals {
    int64_t visits;      /* -1 when unknown (sky_agg_from_coadds) */
    int64_t ccd_visits;  /* visits x CCDs per visit (189); -1 when unknown */
    int64_t warps;       /* visit x (tract, patch) pairs = sum of num_visits over all coadds */
    int64_t coadds;      /* (band, tract, patch) with n >= 1 */
    int64_t patches;     /* (tract, patch) with n >= 1 in any band */
    sky_band_stats band[Y1_NBANDS];
} sky_totals;

typedef struct sky_agg sky_agg; /* opaque result */

/* Called about five times a second from the calling thread while workers run. */
typedef void (*sky_progress_fn)(void *ctx, size_t done, size_t total);

/* Count coadds for visits[0..n-1].
 * Given:    m, fp       the map and footprint (read-only, shared by the workers)
 *           threads     worker threads, >= 1 (2 on the development machine); the result is
 *                       identical for any value, including the coadd order
 *           progress    may be NULL
 * Returned: *out        set only on success; free with sky_agg_free
 * Return:   Y1_OK; Y1_EINPUT when a visit has a bad coordinate or band (message names the visit
 *           id and its index); Y1_ENOMEM; Y1_EIO if a thread cannot start. */
int sky_agg_run(sky_agg **out, const sky_map *m, const sky_footprint *fp,
                const sky_visit *visits, size_t n, int threads, sky_progress_fn progress,
                void *ctx, y1_err *err);
void sky_agg_free(sky_agg *a); /* NULL is fine */

/* Totals (borrowed, valid until sky_agg_free). */
const sky_totals *sky_agg_totals(const sky_agg *a);

/* Every coadd, sorted by (band, tract, patch_x, patch_y). Borrowed, valid until sky_agg_free. */
const sky_coadd *sky_agg_coadds(const sky_agg *a, size_t *n);

/* The same coadds handed over: the caller free()s the array (never NULL, *n may be 0), and a
 * has none left (sky_agg_coadds gives 0; the totals and quantiles stay). For a caller that
 * keeps millions of coadds in a form of its own and can convert them in place. */
sky_coadd *sky_agg_take_coadds(sky_agg *a, size_t *n);

/* The q-quantile (0 <= q <= 1) of num_visits over a band's coadds (linear interpolation); NAN
 * when the band has none. */
double sky_agg_quantile(const sky_agg *a, int band, double q);

/* A result for coadds the caller already has (any order; copied and sorted): the totals and
 * statistics are computed as sky_agg_run does, with visits and ccd_visits unknown (-1).
 * Return: Y1_OK; Y1_EINPUT for a band outside 0..5, num_visits 0 or a repeated coadd;
 * Y1_ENOMEM. The coadds file itself belongs to the workload (estimator/workload.h). */
int sky_agg_from_coadds(sky_agg **out, const sky_coadd *coadds, size_t n, y1_err *err);

#endif
