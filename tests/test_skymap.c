/* test_skymap.c: the DC2 rings sky map, footprints and coadd counting against the numbers in
 * shared/reference/skymap.md (lsst.skymap's own tests, ci_imsim, an exported real map) and
 * against slow, independent geometry (brute force over all tracts). Run from the repo root. */
#include <stdint.h>
#include <unistd.h>

#include "skymap/agg.h"
#include "skymap/sky_internal.h" /* exact_only: the fast paths pinned to the exact ones */
#include "skymap/skymap.h"
#include "tests/check.h"

#define DC2 "data/skymaps/dc2.yaml"
#define CAM "data/cameras/lsstcam.yaml"
#define D2R (3.14159265358979323846 / 180.0)

/* ---- small vector helpers for the independent geometry ---- */

static void vec(double ra_deg, double dec_deg, double v[3])
{
    double ra = ra_deg * D2R, dec = dec_deg * D2R;
    v[0] = cos(dec) * cos(ra);
    v[1] = cos(dec) * sin(ra);
    v[2] = sin(dec);
}
static double dot3(const double *a, const double *b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
static void cross3(const double *a, const double *b, double *c)
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}
static double angle3(const double *a, const double *b)
{
    double c[3];
    cross3(a, b, c);
    return atan2(sqrt(dot3(c, c)), dot3(a, b));
}

/* Angular distance from c to a convex spherical quadrilateral (great-circle edges): 0 inside,
 * else the nearest vertex or edge foot point (skymap.md section 8). */
static double poly_dist(const double c[3], double V[4][3])
{
    int pos = 0, neg = 0;
    double mid[3] = {0, 0, 0};
    for (int k = 0; k < 4; k++) {
        double n[3];
        cross3(V[k], V[(k + 1) & 3], n);
        double s = dot3(n, c);
        pos += s > 0;
        neg += s < 0;
        for (int q = 0; q < 3; q++) mid[q] += V[k][q];
    }
    if ((!pos || !neg) && dot3(mid, c) > 0) return 0.0; /* not the antipodal side */
    double d = INFINITY;
    for (int k = 0; k < 4; k++) {
        const double *a = V[k], *b = V[(k + 1) & 3];
        double n[3], p[3], t1[3], t2[3];
        d = fmin(d, angle3(c, a));
        cross3(a, b, n);
        double nn = sqrt(dot3(n, n));
        for (int q = 0; q < 3; q++) n[q] /= nn;
        double cn = dot3(c, n);
        for (int q = 0; q < 3; q++) p[q] = c[q] - cn * n[q];
        cross3(a, p, t1);
        cross3(p, b, t2);
        if (dot3(t1, n) >= 0 && dot3(t2, n) >= 0) d = fmin(d, asin(fabs(cn)));
    }
    return d;
}

/* box [x0, x1] x [y0, y1] (half-pixel edges) of tract t, as sky unit vectors */
static void box_vecs(const sky_map *m, int t, double x0, double x1, double y0, double y1,
                     double V[4][3])
{
    double xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};
    for (int k = 0; k < 4; k++) {
        double ra, dec;
        sky_pixel_to_sky(m, t, xs[k], ys[k], &ra, &dec);
        vec(ra, dec, V[k]);
    }
}

/* outer box of patch i along one axis: the spec's numbers, not the library's */
static void outer(int i, double *lo, double *hi)
{
    *lo = fmax(0, 4000 * i - 100) - 0.5;
    *hi = fmin(27999, 4000 * i + 3999 + 100) + 0.5;
}

static int cmp_tp(const void *a, const void *b)
{
    const sky_tp *x = a, *y = b;
    if (x->tract != y->tract) return x->tract < y->tract ? -1 : 1;
    if (x->patch_x != y->patch_x) return x->patch_x - y->patch_x;
    return x->patch_y - y->patch_y;
}

/* Slow path: every tract of the sky, exact point-to-polygon distance for the tract box, then
 * for each of its 49 outer patch boxes. */
static double (*tract_poly)[4][3];
static size_t brute_circle(const sky_map *m, double ra, double dec, double r_deg, sky_tp *out)
{
    double c[3];
    vec(ra, dec, c);
    size_t n = 0;
    int nt = sky_map_get_info(m)->num_tracts;
    for (int t = 0; t < nt; t++) {
        if (poly_dist(c, tract_poly[t]) > r_deg * D2R) continue;
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 7; j++) {
                double x0, x1, y0, y1, V[4][3];
                outer(i, &x0, &x1);
                outer(j, &y0, &y1);
                box_vecs(m, t, x0, x1, y0, y1, V);
                if (poly_dist(c, V) <= r_deg * D2R) out[n++] = (sky_tp){t, i, j};
            }
    }
    qsort(out, n, sizeof *out, cmp_tp);
    return n;
}

static int same_coadds(const sky_coadd *a, const sky_coadd *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].band != b[i].band || a[i].tract != b[i].tract || a[i].patch_x != b[i].patch_x ||
            a[i].patch_y != b[i].patch_y || a[i].num_visits != b[i].num_visits)
            return 0;
    return 1;
}

static int same_hits(const sky_hits *h, const sky_tp *b, size_t nb)
{
    if (h->n != nb) return 0;
    for (size_t i = 0; i < nb; i++)
        if (cmp_tp(&h->v[i], &b[i])) return 0;
    return 1;
}

/* deterministic uniform [0, 1) */
static uint64_t rng_state = 0x2385;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * 0x1.0p-53;
}

static void test_rings(const sky_map *m)
{
    /* section 2: counts per ring, south to north */
    static const int want[120] = {
        10, 16, 22, 29, 35, 41, 47, 53, 60, 66, 72, 78, 84, 89, 95, 101, 107, 112, 118, 123,
        129, 134, 139, 144, 149, 154, 159, 164, 168, 173, 177, 181, 185, 189, 193, 197, 201,
        204, 207, 211, 214, 217, 219, 222, 224, 227, 229, 231, 233, 234, 236, 237, 239, 240,
        240, 241, 242, 242, 242, 243, 243, 242, 242, 242, 241, 240, 240, 239, 237, 236, 234,
        233, 231, 229, 227, 224, 222, 219, 217, 214, 211, 207, 204, 201, 197, 193, 189, 185,
        181, 177, 173, 168, 164, 159, 154, 149, 144, 139, 134, 129, 123, 118, 112, 107, 101,
        95, 89, 84, 78, 72, 66, 60, 53, 47, 41, 35, 29, 22, 16, 10};
    const sky_map_info *in = sky_map_get_info(m);
    CHECK_INT(in->num_rings, 120);
    int bad = 0;
    for (int i = 0; i < 120; i++) bad += sky_ring_num_tracts(m, i) != want[i];
    CHECK_INT(bad, 0);
    CHECK_INT(sky_ring_num_tracts(m, 58), 242);
    CHECK_INT(sky_ring_num_tracts(m, 59), 243);
    CHECK_INT(sky_ring_num_tracts(m, 60), 243);
    CHECK_INT(sky_ring_num_tracts(m, 61), 242);
    CHECK_INT(sky_ring_num_tracts(m, 120), -1);
    CHECK_INT(in->num_tracts, 18938);
    CHECK_NEAR(in->ring_size_deg, 1.487603305785124, 1e-13);
    /* section 5 */
    CHECK_INT(in->tract_width_px, 28000);
    CHECK_INT(in->tract_height_px, 28000);
    CHECK_INT(in->patches_x, 7);
    CHECK_INT(in->patches_y, 7);
    CHECK_NEAR(in->crpix_x, 13999, 0);
    CHECK_NEAR(in->crpix_y, 13999, 0);
    CHECK_NEAR(in->tract_half_diag_deg, 1.100, 5e-4);
    CHECK_INT(in->patch_inner_px, 4000);
    CHECK_INT(in->patch_border_px, 100);
}

static void test_tracts(const sky_map *m)
{
    y1_err e;
    sky_tract_info t;
    /* section 3: first tract of each row of the count table */
    static const int first_ring[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110};
    static const int first_id[] = {1, 380, 1359, 2872, 4817, 7067, 9469, 11871, 14121, 16066,
                                   17579, 18558};
    for (int k = 0; k < 12; k++) {
        CHECK_INT(sky_tract_get(m, first_id[k], &t, &e), Y1_OK);
        CHECK_INT(t.ring, first_ring[k]);
        CHECK_INT(t.index_in_ring, 0);
    }
    CHECK_INT(sky_tract_get(m, 3828, &t, &e), Y1_OK);
    CHECK_INT(t.ring, 35);
    CHECK_INT(t.index_in_ring, 31);
    CHECK_NEAR(t.ra_deg, 56.649746192893396, 1e-12);
    CHECK_NEAR(t.dec_deg, -36.446280991735534, 1e-12);
    CHECK_NEAR(t.ra_min_deg, 55.7360, 1e-4);
    CHECK_NEAR(t.ra_max_deg, 57.5635, 1e-4);
    CHECK_NEAR(t.dec_min_deg, -37.1901, 1e-4);
    CHECK_NEAR(t.dec_max_deg, -35.7025, 1e-4);
    CHECK_INT(sky_tract_get(m, 9813, &t, &e), Y1_OK); /* COSMOS, pinned by lsst.skymap tests */
    CHECK_INT(t.ring, 61);
    CHECK_INT(t.index_in_ring, 101);
    CHECK_NEAR(t.ra_deg, 150.2479338842975, 1e-12);
    CHECK_NEAR(t.dec_deg, 2.2314049586776834, 1e-12);
    CHECK_INT(sky_tract_get(m, 100, &t, &e), Y1_OK);
    CHECK_INT(t.ring, 4);
    CHECK_INT(t.index_in_ring, 22);
    CHECK_NEAR(t.ra_deg, 226.2857, 1e-4);
    CHECK_NEAR(t.dec_deg, -82.5620, 1e-4);
    CHECK_INT(sky_tract_get(m, 9000, &t, &e), Y1_OK);
    CHECK_NEAR(t.ra_deg, 23.8017, 1e-4);
    CHECK_NEAR(t.dec_deg, -2.2314, 1e-4);
    CHECK_INT(sky_tract_get(m, 1, &t, &e), Y1_OK); /* owns RA 342..18 of ring 0 */
    CHECK_NEAR(t.ra_deg, 0.0, 0);
    CHECK_NEAR(t.dec_deg, -88.5124, 1e-4);
    CHECK_NEAR(t.ra_min_deg, 342.0, 1e-9);
    CHECK_NEAR(t.ra_max_deg, 18.0, 1e-9);
    CHECK_INT(sky_tract_get(m, 0, &t, &e), Y1_OK);
    CHECK_INT(t.ring, -1);
    CHECK_NEAR(t.dec_deg, -90.0, 0);
    CHECK_NEAR(t.dec_max_deg, -89.2562, 1e-4);
    CHECK_INT(sky_tract_get(m, 18937, &t, &e), Y1_OK);
    CHECK_INT(t.ring, 120);
    CHECK_NEAR(t.dec_deg, 90.0, 0);

    /* WCS: CRVAL sits at CRPIX; the middle of patch (3, 3) of tract 3828 (section 5, ci_imsim) */
    double x, y, ra, dec;
    CHECK_INT(sky_sky_to_pixel(m, 3828, 56.649746192893396, -36.446280991735534, &x, &y, &e),
              Y1_OK);
    CHECK_NEAR(x, 13999.0, 1e-6);
    CHECK_NEAR(y, 13999.0, 1e-6);
    sky_pixel_to_sky(m, 3828, 13999.5, 13999.5, &ra, &dec);
    CHECK_NEAR(ra, 56.64971166122063, 1e-9);
    CHECK_NEAR(dec, -36.44625321395279, 1e-9);
    /* x grows westward: one pixel east of the centre has x = crpix - 1 */
    sky_pixel_to_sky(m, 3828, 13998.0, 13999.0, &ra, &dec);
    CHECK(ra > 56.649746192893396);
    /* round trip far out in the box */
    sky_pixel_to_sky(m, 9813, 123.25, 27654.75, &ra, &dec);
    CHECK_INT(sky_sky_to_pixel(m, 9813, ra, dec, &x, &y, &e), Y1_OK);
    CHECK_NEAR(x, 123.25, 1e-6);
    CHECK_NEAR(y, 27654.75, 1e-6);
    /* Caps (section 4). South: e = (0, 1, 0), n = (1, 0, 0), so +y points to RA 0 and +x (minus
     * e) to RA 270. North: -e and -n of the usual (0, 1, 0) and (-1, 0, 0), so +y points to
     * RA 0 and +x to RA 90. */
    sky_pixel_to_sky(m, 0, 13999.0, 13999.0 + 1000.0, &ra, &dec);
    CHECK_NEAR(ra, 0.0, 1e-9);
    sky_pixel_to_sky(m, 0, 13999.0 + 1000.0, 13999.0, &ra, &dec);
    CHECK_NEAR(ra, 270.0, 1e-9);
    sky_pixel_to_sky(m, 18937, 13999.0, 13999.0 + 1000.0, &ra, &dec);
    CHECK_NEAR(ra, 0.0, 1e-9);
    sky_pixel_to_sky(m, 18937, 13999.0 + 1000.0, 13999.0, &ra, &dec);
    CHECK_NEAR(ra, 90.0, 1e-9);
    CHECK_NEAR(dec, 90.0 - 1000 * 0.2 / 3600, 1e-6);
    CHECK_INT(sky_sky_to_pixel(m, 3828, 236.65, 36.45, &x, &y, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "90 deg");
}

static void test_find(const sky_map *m)
{
    y1_err e;
    int t, ts[SKY_MAX_FIND_ALL], n, px, py;
    /* section 7: the equator at RA 180 lies in four tracts */
    CHECK_INT(sky_find_all_tracts(m, 180.0, 0.0, ts, SKY_MAX_FIND_ALL, &n, &e), Y1_OK);
    CHECK_INT(n, 4);
    int want[4] = {9347, 9348, 9590, 9591}, got = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 4; k++) got += ts[i] == want[k];
    CHECK_INT(got, 4);
    /* ring order: ring 59 before ring 60 */
    CHECK(n == 4 && ts[0] < 9469 && ts[1] < 9469 && ts[2] >= 9469 && ts[3] >= 9469);
    CHECK_INT(sky_find_tract(m, 180.0, 0.0, &t, &e), Y1_OK);
    CHECK(t == 9590 || t == 9591); /* dec 0 exactly belongs to ring 60 (truncation) */
    CHECK_INT(sky_find_tract(m, 56.649746192893396, -36.446280991735534, &t, &e), Y1_OK);
    CHECK_INT(t, 3828);
    CHECK_INT(sky_find_patch(m, 3828, 56.649746192893396, -36.446280991735534, &px, &py, &e),
              Y1_OK);
    CHECK_INT(px, 3);
    CHECK_INT(py, 3);
    /* patch (0, 0) is the high-RA, low-Dec corner */
    double ra, dec;
    sky_pixel_to_sky(m, 3828, 10.0, 20.0, &ra, &dec);
    CHECK(ra > 56.649746192893396 && dec < -36.446280991735534);
    CHECK_INT(sky_find_patch(m, 3828, ra, dec, &px, &py, &e), Y1_OK);
    CHECK(px == 0 && py == 0);
    sky_pixel_to_sky(m, 3828, 27990.0, 4000.2, &ra, &dec);
    CHECK_INT(sky_find_patch(m, 3828, ra, dec, &px, &py, &e), Y1_OK);
    CHECK(px == 6 && py == 1);
    CHECK_INT(sky_find_patch(m, 3828, 150.0, 2.0, &px, &py, &e), Y1_EINPUT);

    /* RA wrap: just below 360 belongs to t = 0 of its ring, as does RA 0 and RA 360 */
    int a, b, c;
    sky_find_tract(m, 359.999, -30.0, &a, &e);
    sky_find_tract(m, 0.0, -30.0, &b, &e);
    sky_find_tract(m, 360.0, -30.0, &c, &e);
    sky_tract_info ti;
    sky_tract_get(m, a, &ti, &e);
    CHECK_INT(ti.index_in_ring, 0);
    CHECK_INT(a, b);
    CHECK_INT(b, c);
    /* Half-way between the centres of ring 39's last tract (RA 358.29) and first (RA 0) a point
     * is 0.74 deg from each in the tangent plane, inside both 0.778-deg half-boxes. */
    CHECK_INT(sky_find_all_tracts(m, 359.15, -30.0, ts, SKY_MAX_FIND_ALL, &n, &e), Y1_OK);
    int has_first = 0, has_last = 0;
    for (int i = 0; i < n; i++) {
        sky_tract_get(m, ts[i], &ti, &e);
        has_first |= ti.ring == 39 && ti.index_in_ring == 0;
        has_last |= ti.ring == 39 && ti.index_in_ring == sky_ring_num_tracts(m, 39) - 1;
    }
    CHECK(has_first && has_last);

    /* poles and ring boundaries (ring i starts at ring_size*(i+0.5) - 90 deg) */
    double rs = 180.0 / 121.0;
    sky_find_tract(m, 12.0, -90.0, &t, &e);
    CHECK_INT(t, 0);
    sky_find_tract(m, 200.0, 90.0, &t, &e);
    CHECK_INT(t, 18937);
    sky_find_tract(m, 12.0, 0.5 * rs - 90.0 - 1e-7, &t, &e);
    CHECK_INT(t, 0);
    sky_find_tract(m, 12.0, 0.5 * rs - 90.0 + 1e-7, &t, &e);
    CHECK_INT(t, 1); /* ring 0, RA 12 is nearest t = 0 (centres every 36 deg) */
    sky_find_tract(m, 300.0, 90.0 - 0.5 * rs + 1e-7, &t, &e);
    CHECK_INT(t, 18937);
    double edge = rs * 36.5 - 90.0; /* between rings 35 and 36 */
    sky_find_tract(m, 100.0, edge - 1e-7, &t, &e);
    sky_tract_get(m, t, &ti, &e);
    CHECK_INT(ti.ring, 35);
    sky_find_tract(m, 100.0, edge + 1e-7, &t, &e);
    sky_tract_get(m, t, &ti, &e);
    CHECK_INT(ti.ring, 36);
    /* near the pole the cap and the ring-0 tracts overlap */
    CHECK_INT(sky_find_all_tracts(m, 45.0, -89.0, ts, SKY_MAX_FIND_ALL, &n, &e), Y1_OK);
    int has_cap = 0;
    for (int i = 0; i < n; i++) has_cap |= ts[i] == 0;
    CHECK(has_cap);

    /* bad input */
    CHECK_INT(sky_find_tract(m, 361.0, 0.0, &t, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "RA 361");
    CHECK_INT(sky_find_tract(m, -0.5, 0.0, &t, &e), Y1_EINPUT);
    CHECK_INT(sky_find_tract(m, 10.0, -90.5, &t, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "Dec -90.5");
    CHECK_INT(sky_find_tract(m, NAN, 0.0, &t, &e), Y1_EINPUT);
    CHECK_INT(sky_find_all_tracts(m, 0.0, 91.0, ts, SKY_MAX_FIND_ALL, &n, &e), Y1_EINPUT);
    CHECK_INT(sky_tract_get(m, 18938, &ti, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "tract 18938 does not exist");
    CHECK_INT(sky_tract_get(m, -1, &ti, &e), Y1_EINPUT);
}

static void test_circle(const sky_map *m)
{
    y1_err e;
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    CHECK_NEAR(o.radius_deg, 2.0, 0);
    sky_footprint *fp = NULL;
    CHECK_INT(sky_footprint_new(&fp, &o, &e), Y1_OK);
    CHECK_STR(sky_footprint_describe(fp), "circle, radius 2 deg");
    sky_hits h = {0};
    /* section 8/11: 327 pairs around the protoDC2 centre, the whole of tract 4638 among them */
    CHECK_INT(sky_footprint_patches(m, fp, 55.0, -30.0, 0.0, &h, &e), Y1_OK);
    CHECK_INT(h.n, 327);
    int in4638 = 0, sorted = 1;
    for (size_t i = 0; i < h.n; i++) {
        in4638 += h.v[i].tract == 4638;
        if (i && cmp_tp(&h.v[i - 1], &h.v[i]) >= 0) sorted = 0;
    }
    CHECK_INT(in4638, 49);
    CHECK(sorted);

    /* RA 0 and RA 360 are the same place; both sides of RA 0 are found */
    sky_hits h2 = {0};
    CHECK_INT(sky_footprint_patches(m, fp, 0.0, -20.0, 0.0, &h, &e), Y1_OK);
    CHECK_INT(sky_footprint_patches(m, fp, 360.0, -20.0, 0.0, &h2, &e), Y1_OK);
    CHECK(h.n == h2.n && h.n > 0 && !memcmp(h.v, h2.v, h.n * sizeof *h.v));
    int east = 0, west = 0;
    sky_tract_info ti;
    for (size_t i = 0; i < h.n; i++) {
        sky_tract_get(m, h.v[i].tract, &ti, &e);
        east |= ti.ra_deg > 0 && ti.ra_deg < 5;
        west |= ti.ra_deg > 355;
    }
    CHECK(east && west);
    /* the south pole is one point whatever its RA; the cap's 49 patches are all inside */
    CHECK_INT(sky_footprint_patches(m, fp, 0.0, -90.0, 0.0, &h, &e), Y1_OK);
    CHECK_INT(sky_footprint_patches(m, fp, 123.4, -90.0, 0.0, &h2, &e), Y1_OK);
    CHECK(h.n == h2.n && !memcmp(h.v, h2.v, h.n * sizeof *h.v));
    int cap = 0;
    for (size_t i = 0; i < h.n; i++) cap += h.v[i].tract == 0;
    CHECK_INT(cap, 49);
    CHECK_INT(sky_footprint_patches(m, fp, 0.0, 90.0, 0.0, &h, &e), Y1_OK);
    cap = 0;
    for (size_t i = 0; i < h.n; i++) cap += h.v[i].tract == 18937;
    CHECK_INT(cap, 49);

    /* Property: fast path == brute force on random circles (uniform on the sphere, plus
     * centres near the poles, RA 0 and the ring-59/60 boundary at the equator). */
    int nt = sky_map_get_info(m)->num_tracts;
    tract_poly = malloc((size_t)nt * sizeof *tract_poly);
    for (int t = 0; t < nt; t++) box_vecs(m, t, -0.5, 27999.5, -0.5, 27999.5, tract_poly[t]);
    sky_tp *slow = malloc(20000 * sizeof *slow);
    int mismatches = 0, runs = 0;
    for (int k = 0; k < 240; k++) {
        double ra = 360.0 * urand(), dec = asin(2.0 * urand() - 1.0) / D2R;
        if (k % 8 == 1) dec = -90.0 + 3.0 * urand();
        if (k % 8 == 2) dec = 90.0 - 3.0 * urand();
        if (k % 8 == 3) ra = urand() < 0.5 ? 0.4 * urand() : 360.0 - 0.4 * urand();
        if (k % 8 == 4) dec = 0.2 * (urand() - 0.5);
        double r = k % 3 == 0 ? 2.0 : 0.05 + 2.95 * urand();
        sky_fp_opts oo;
        sky_fp_opts_init(&oo);
        oo.radius_deg = r;
        sky_footprint *f2 = NULL;
        if (sky_footprint_new(&f2, &oo, &e)) continue;
        sky_footprint_patches(m, f2, ra, dec, 0.0, &h, &e);
        size_t ns = brute_circle(m, ra, dec, r, slow);
        runs++;
        if (!same_hits(&h, slow, ns)) {
            mismatches++;
            fprintf(stderr, "circle (%.9f, %.9f) r %.6f: fast %zu, slow %zu\n", ra, dec, r, h.n,
                    ns);
        }
        sky_footprint_free(f2);
    }
    CHECK_INT(runs, 240);
    CHECK_INT(mismatches, 0);
    free(slow);

    /* bad input */
    o.radius_deg = -1.0;
    sky_footprint *bad = NULL;
    CHECK_INT(sky_footprint_new(&bad, &o, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "radius -1");
    o.radius_deg = NAN;
    CHECK_INT(sky_footprint_new(&bad, &o, &e), Y1_EINPUT);
    CHECK(bad == NULL);
    CHECK_INT(sky_footprint_patches(m, fp, 400.0, 0.0, 0.0, &h, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "RA 400");
    sky_hits_free(&h);
    sky_hits_free(&h2);
    sky_footprint_free(fp);
}

/* ---- lsstcam ---- */

/* gnomonic coordinates of u around boresight b (east, north) */
static void to_bore(double ra0, double dec0, const double u[3], double *x, double *y)
{
    double a = ra0 * D2R, d = dec0 * D2R, b[3];
    vec(ra0, dec0, b);
    double E[3] = {-sin(a), cos(a), 0}, N[3] = {-sin(d) * cos(a), -sin(d) * sin(a), cos(d)};
    double cc = dot3(u, b);
    *x = dot3(u, E) / cc;
    *y = dot3(u, N) / cc;
}

/* 2-D separating-axis test for two convex quadrilaterals */
static int quads_meet(double p[4][2], double q[4][2])
{
    for (int s = 0; s < 2; s++) {
        double (*A)[2] = s ? q : p;
        for (int k = 0; k < 4; k++) {
            double nx = A[(k + 1) & 3][1] - A[k][1], ny = A[k][0] - A[(k + 1) & 3][0];
            double pl = INFINITY, ph = -INFINITY, ql = INFINITY, qh = -INFINITY;
            for (int i = 0; i < 4; i++) {
                double a = nx * p[i][0] + ny * p[i][1], b = nx * q[i][0] + ny * q[i][1];
                pl = fmin(pl, a), ph = fmax(ph, a), ql = fmin(ql, b), qh = fmax(qh, b);
            }
            if (ph < ql || qh < pl) return 0;
        }
    }
    return 1;
}

static void test_lsstcam(const sky_map *m)
{
    y1_err e;
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    sky_footprint *fp = NULL;
    CHECK_INT(sky_footprint_new(&fp, &o, &e), Y1_EUSAGE); /* no camera file */
    o.camera_path = CAM;
    CHECK_INT(sky_footprint_new(&fp, &o, &e), Y1_OK);
    if (!fp) return;
    CHECK_INT(sky_footprint_num_ccds(fp), 189);
    CHECK_STR(sky_footprint_describe(fp), "lsstcam, 189 CCDs, rotation rotskypos");
    CHECK_NEAR(sky_footprint_rotation(fp, 42, 17.5), 17.5, 0);

    /* a CCD on the sky: (4072 + 20) x (4000 + 20) px of 0.2" = 13.64' x 13.40' */
    double ra[4], dec[4], u[4][3];
    CHECK_INT(sky_footprint_ccd_corners(fp, 94, 55.0, -30.0, 0.0, ra, dec, &e), Y1_OK);
    for (int k = 0; k < 4; k++) vec(ra[k], dec[k], u[k]);
    CHECK_NEAR(angle3(u[0], u[1]) / D2R * 60.0, 4092 * 0.2 / 60.0, 0.01);
    CHECK_NEAR(angle3(u[1], u[2]) / D2R * 60.0, 4020 * 0.2 / 60.0, 0.01);
    /* CCD 94 is the middle of the middle raft (raft 10 of 21, CCD 4 of 9): it holds the boresight */
    double c[3];
    vec(55.0, -30.0, c);
    CHECK(dot3(c, u[0]) > cos(0.2 * D2R));
    CHECK_INT(sky_footprint_ccd_corners(fp, 189, 55.0, -30.0, 0.0, ra, dec, &e), Y1_EINPUT);

    sky_hits h = {0};
    CHECK_INT(sky_footprint_patches(m, fp, 55.0, -30.0, 0.0, &h, &e), Y1_OK);
    int t, px, py;
    sky_find_tract(m, 55.0, -30.0, &t, &e);
    sky_find_patch(m, t, 55.0, -30.0, &px, &py, &e);
    int under = 0, far = 0;
    for (size_t i = 0; i < h.n; i++) {
        under |= h.v[i].tract == t && h.v[i].patch_x == px && h.v[i].patch_y == py;
        far |= h.v[i].tract == 3828; /* 6.5 deg away */
    }
    CHECK(under);
    CHECK(!far);
    /* the focal plane is inside a 2.1-deg circle and covers more than a 1.5-deg one */
    sky_fp_opts oc;
    sky_fp_opts_init(&oc);
    sky_footprint *big = NULL, *small = NULL;
    oc.radius_deg = 2.1;
    sky_footprint_new(&big, &oc, &e);
    oc.radius_deg = 1.5;
    sky_footprint_new(&small, &oc, &e);
    sky_hits hb = {0}, hs = {0};
    sky_footprint_patches(m, big, 55.0, -30.0, 0.0, &hb, &e);
    sky_footprint_patches(m, small, 55.0, -30.0, 0.0, &hs, &e);
    CHECK(h.n < hb.n && h.n > hs.n);
    size_t j = 0, subset = 1;
    for (size_t i = 0; i < h.n; i++) {
        while (j < hb.n && cmp_tp(&hb.v[j], &h.v[i]) < 0) j++;
        if (j == hb.n || cmp_tp(&hb.v[j], &h.v[i])) subset = 0;
    }
    CHECK(subset);

    /* Property: fast path == brute force (patch and CCD polygons compared in the boresight's
     * own tangent plane, every tract within 4 deg) for a few visits, rotations and places. */
    int mismatches = 0;
    int nt = sky_map_get_info(m)->num_tracts;
    for (int k = 0; k < 20; k++) {
        double r0 = 360.0 * urand(), d0 = -70.0 + 85.0 * urand(), rot = 360.0 * urand();
        if (k == 6 || k == 7) rot = 45.0 * (k - 6); /* focal plane along or across the grid */
        if (k == 4) d0 = -88.9; /* boresight beside the south cap */
        if (k == 5) d0 = 0.0, r0 = 359.9; /* across RA 0 on the equator */
        CHECK_INT(sky_footprint_patches(m, fp, r0, d0, rot, &h, &e), Y1_OK);
        double ccd[189][4][2];
        for (int q = 0; q < 189; q++) {
            sky_footprint_ccd_corners(fp, q, r0, d0, rot, ra, dec, &e);
            for (int s = 0; s < 4; s++) {
                double v[3];
                vec(ra[s], dec[s], v);
                to_bore(r0, d0, v, &ccd[q][s][0], &ccd[q][s][1]);
            }
        }
        sky_tp *slow = malloc(4000 * sizeof *slow);
        size_t ns = 0;
        double b[3];
        vec(r0, d0, b);
        for (int tt = 0; tt < nt; tt++) {
            sky_tract_info ti;
            sky_tract_get(m, tt, &ti, &e);
            double tc[3];
            vec(ti.ra_deg, ti.dec_deg, tc);
            if (dot3(tc, b) < cos(4.0 * D2R)) continue;
            for (int i = 0; i < 7; i++)
                for (int jj = 0; jj < 7; jj++) {
                    double x0, x1, y0, y1, V[4][3], P[4][2];
                    outer(i, &x0, &x1);
                    outer(jj, &y0, &y1);
                    box_vecs(m, tt, x0, x1, y0, y1, V);
                    for (int s = 0; s < 4; s++) to_bore(r0, d0, V[s], &P[s][0], &P[s][1]);
                    for (int q = 0; q < 189; q++)
                        if (quads_meet(P, ccd[q])) {
                            slow[ns++] = (sky_tp){tt, i, jj};
                            break;
                        }
                }
        }
        qsort(slow, ns, sizeof *slow, cmp_tp);
        if (!same_hits(&h, slow, ns)) {
            mismatches++;
            fprintf(stderr, "lsstcam (%.6f, %.6f) rot %.3f: fast %zu, slow %zu\n", r0, d0, rot,
                    h.n, ns);
        }
        free(slow);
    }
    CHECK_INT(mismatches, 0);

    /* random rotation: deterministic per (seed, id), uniform-looking in [0, 360) */
    sky_footprint *fr = NULL;
    o.rotation = SKY_ROT_RANDOM;
    o.seed = 7;
    CHECK_INT(sky_footprint_new(&fr, &o, &e), Y1_OK);
    double r1 = sky_footprint_rotation(fr, 1001, 0.0), r2 = sky_footprint_rotation(fr, 1001, 99.0);
    CHECK_NEAR(r1, r2, 0);
    double sum = 0;
    int inrange = 1;
    for (int i = 0; i < 1000; i++) {
        double r = sky_footprint_rotation(fr, i, 0.0);
        inrange &= r >= 0 && r < 360;
        sum += r;
    }
    CHECK(inrange);
    CHECK_NEAR(sum / 1000, 180.0, 15.0);
    CHECK_HAS(sky_footprint_describe(fr), "random (seed 7)");

    sky_footprint_free(fr);
    sky_footprint_free(big);
    sky_footprint_free(small);
    sky_hits_free(&h);
    sky_hits_free(&hb);
    sky_hits_free(&hs);
    sky_footprint_free(fp);
}

/* ---- the lsstcam shortcuts against the exact test alone ----
 * footprint.c sorts most patches into hit or miss per patch column, from the tract-plane
 * images of the CCD cross (its candidate rows, and the sure rows it reaches g inside), and
 * sends only the few in between to the exact polygon test. Pinned here, on both sky maps,
 * against the same footprint with exact_only (every patch of every candidate tract through
 * the polygon test):
 * random visits, and visits placed so that a patch corner or edge falls on a gap between CCDs,
 * between rafts, where gaps cross, on the rim, in a rim notch (a gap open to the outside) or at
 * the inner corner left by a missing corner raft. */

/* focal-plane axes of a visit (the convention of skymap.h: +y is rot east of north) */
static void fp_axes(const double b[3], double rot_deg, double U[3], double V[3])
{
    double ra = atan2(b[1], b[0]), dec = asin(b[2]), r = rot_deg * D2R;
    double E[3] = {-sin(ra), cos(ra), 0.0};
    double N[3] = {-sin(dec) * cos(ra), -sin(dec) * sin(ra), cos(dec)};
    for (int q = 0; q < 3; q++) {
        U[q] = cos(r) * E[q] - sin(r) * N[q];
        V[q] = sin(r) * E[q] + cos(r) * N[q];
    }
}

/* The boresight that puts sky point P at focal-plane point (fx, fy) (radians) with rotation rot:
 * a few Newton-like steps from P itself (the map is close to a shift). */
static void place(const double P[3], double fx, double fy, double rot_deg, double *ra_deg,
                  double *dec_deg)
{
    double b[3] = {P[0], P[1], P[2]}, U[3], V[3];
    for (int it = 0; it < 8; it++) {
        fp_axes(b, rot_deg, U, V);
        double pb = dot3(P, b), gx = dot3(P, U) / pb, gy = dot3(P, V) / pb;
        for (int q = 0; q < 3; q++) b[q] += (gx - fx) * U[q] + (gy - fy) * V[q];
        double nb = sqrt(dot3(b, b));
        for (int q = 0; q < 3; q++) b[q] /= nb;
    }
    double ra = atan2(b[1], b[0]) / D2R;
    *ra_deg = ra < 0 ? ra + 360.0 : ra;
    *dec_deg = asin(b[2]) / D2R;
}

static void test_lsstcam_fast(const sky_map *m, int holes)
{
    y1_err e;
    const sky_map_info *in = sky_map_get_info(m);
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    o.camera_path = CAM;
    /* with holes: the middle raft (CCDs 90..98) and a few single CCDs dropped, so the cross is
     * no longer tiled and only the miss shortcut may apply */
    unsigned char keep[189];
    memset(keep, 1, sizeof keep);
    for (int k = 90; k <= 98; k++) keep[k] = 0;
    keep[0] = keep[20] = keep[120] = keep[188] = 0;
    if (holes) o.ccd_keep = keep;
    sky_footprint *fast = NULL, *slow = NULL;
    CHECK_INT(sky_footprint_new(&fast, &o, &e), Y1_OK);
    CHECK_INT(sky_footprint_new(&slow, &o, &e), Y1_OK);
    if (!fast || !slow) return;
    slow->exact_only = 1;
    /* focal-plane places (mm from the boresight, from data/cameras/lsstcam.yaml): CCD pitch
     * 42.25, raft pitch 127, CCDs 40.72 x 40.00 mm grown by 10 px (0.1 mm) per side */
    const double mm = 0.2 / 3600.0 * D2R * 100.0; /* 0.2" per 10-um pixel */
    double edge_x = 254.0 + 42.25 + 20.46, edge_y = 254.0 + 42.25 + 20.10; /* rim */
    double in_x = 127.0 + 42.25 + 20.46, in_y = 127.0 + 42.25 + 20.10;     /* notch corner */
    const double spot[][2] = {
        {21.125, 7.0},      /* the gap between two CCDs of the middle raft */
        {63.5, -30.0},      /* between two rafts */
        {21.125, 21.125},   /* where two CCD gaps cross */
        {63.5, 63.5},       /* where two raft gaps cross */
        {edge_x, 5.0},      /* on the rim */
        {edge_x, 21.125},   /* a rim notch: a CCD gap open to the outside */
        {edge_x - 1.0, 63.5}, /* a raft gap's mouth, just inside the rim */
        {in_x, in_y},       /* the inner corner left by a missing corner raft */
        {in_x + 2.0, in_y + 2.0}, /* inside that missing raft */
        {edge_x, in_y},     /* the cross's outer corner */
        {-in_x, edge_y},    /* another arm's end, at the top */
        {0.0, 0.0},         /* the middle */
        {edge_x + 0.5, 84.75}, /* half a millimetre outside the rim, level with a CCD */
        {in_x - 0.3, in_y + 0.3}, /* a missing raft's edge, a little inside and above */
    };
    enum { NSPOT = sizeof spot / sizeof spot[0] };
    /* patch edges: inner (P k - 0.5), outer (P k +- B - 0.5) and edge middles, in pixels */
    double P = in->patch_inner_px, B = in->patch_border_px;
    sky_hits hf = {0}, hs = {0};
    sky_work w;
    memset(&w, 0, sizeof w);
    int mismatches = 0, tests = 0, with_exact = 0;
    size_t nexact = 0;
    int nvis = holes ? 300 : 900, cpu_avx2 = fast->avx2, cpu_avx512 = fast->avx512;
    int avx512_runs = 0;
    for (int k = 0; k < nvis; k++) {
        double ra, dec, rot = k % 4 == 0 ? 90.0 * (k / 4 % 4) : 360.0 * urand();
        if (k < nvis / 3) {
            /* random boresight (any Dec, poles and RA 0 included) */
            ra = 360.0 * urand(), dec = asin(2.0 * urand() - 1.0) / D2R;
        } else {
            /* a patch corner or the middle of a patch edge, on one of the spots, +- 20 um */
            int tract = (int)(urand() * in->num_tracts);
            int i = 1 + (int)(urand() * (in->patches_x - 1));
            int j = 1 + (int)(urand() * (in->patches_y - 1));
            double px = i * P - 0.5 + (k % 3 == 1 ? B : k % 3 == 2 ? -B : 0.0);
            double py = k % 5 == 2 ? j * P + 0.375 * P : j * P - 0.5 + B * (k % 2 ? -1 : 1);
            double pra, pdec, Pv[3];
            sky_pixel_to_sky(m, tract, px, py, &pra, &pdec);
            vec(pra, pdec, Pv);
            const double *f = spot[k % NSPOT];
            double sx = k % 5 == 0 ? -1.0 : 1.0, sy = k % 7 == 0 ? -1.0 : 1.0;
            place(Pv, (sx * f[0] + 0.02 * (urand() - 0.5)) * mm,
                  (sy * f[1] + 0.02 * (urand() - 0.5)) * mm, rot, &ra, &dec);
        }
        if (!(dec >= -90.0 && dec <= 90.0)) continue;
        /* the visits through the baseline, AVX2 and AVX-512 builds of the column counts in
         * turn: each build the CPU has is pinned to the exact test */
        fast->avx2 = cpu_avx2 && k % 3 != 2;
        fast->avx512 = cpu_avx512 && k % 3 == 0;
        avx512_runs += fast->avx512;
        CHECK_INT(sky_footprint_patches(m, fast, ra, dec, rot, &hf, &e), Y1_OK);
        CHECK_INT(sky_footprint_patches(m, slow, ra, dec, rot, &hs, &e), Y1_OK);
        CHECK_INT(sky__visit(m, fast, ra * D2R, dec * D2R, rot * D2R, &w), Y1_OK);
        tests++;
        with_exact += hs.n != hf.n || hs.n > 0;
        if (!same_hits(&hf, hs.v, hs.n)) {
            if (mismatches++ < 5)
                fprintf(stderr, "lsstcam %s%s fast != exact at (%.9f, %.9f) rot %.6f: %zu vs %zu\n",
                        in->name, holes ? " with holes" : "", ra, dec, rot, hf.n, hs.n);
        }
    }
    nexact = w.nexact;
    CHECK_INT(mismatches, 0);
    CHECK(tests > nvis - 10 && with_exact == tests); /* every visit touches patches */
    /* The shortcuts leave the exact test to few patches. Without holes, only those the cross
     * meets but not g inside (g ~ 0.013 deg against patches of 0.17-0.22 deg): per visit, its
     * rim (14 deg) times 2 g over the patch area, about 5 to 12, spots included. With holes,
     * every patch the cross meets: about its 10.5 deg^2 over the patch area (two hundred and
     * more), but not every candidate patch of the candidate tracts (14 x 49 for DC2). */
    double per = (double)nexact / tests, cross = 10.5 / pow(P * 0.2 / 3600.0, 2);
    if (holes)
        CHECK_MSG(per > 0.8 * cross && per < 2.0 * cross, "%.1f exact tests per visit", per);
    else
        CHECK_MSG(per > 1.0 && per < 0.15 * cross, "%.1f exact tests per visit", per);
    /* the last visit, like any, touches at least the CCDs' 9.6 deg^2 over the inner patch
     * area; for DC2 about section 8's 279 patches */
    CHECK(hs.n > 9.6 / pow(P * 0.2 / 3600.0, 2));
    if (P == 4000) CHECK(hs.n > 200 && hs.n < 350);
    if (!cpu_avx512)
        fprintf(stderr, "lsstcam %s: this CPU has no AVX-512 (F, DQ): its column counts not "
                "run\n", in->name);
    else
        CHECK(avx512_runs > nvis / 4);
    fast->avx2 = cpu_avx2, fast->avx512 = cpu_avx512;
    sky__work_free(&w);
    sky_hits_free(&hf);
    sky_hits_free(&hs);
    sky_footprint_free(fast);
    sky_footprint_free(slow);
}

/* The candidate tracts' cheap acos is never below acos (a span too narrow would lose tracts)
 * and at most 1.7e-4 rad above it (the formula's error, 6.8e-5 at most by a separate scan in
 * Python with 1e5 points, plus the 1e-4 it adds), on a fine grid, at both ends and next to
 * them, where the slope is infinite. */
static void test_acos_above(void)
{
    int below = 0, loose = 0;
    for (int i = -2000000; i <= 2000000; i++) {
        double x = i / 2000000.0;
        double edge[3] = {x, nextafter(x, 2.0), nextafter(x, -2.0)};
        for (int k = 0; k < 3; k++) {
            double y = edge[k];
            if (y > 1.0 || y < -1.0) continue;
            double b = sky__acos_above(y), t = acos(y);
            below += !(b >= t);
            loose += !(b <= t + 1.7e-4);
        }
    }
    CHECK_INT(below, 0);
    CHECK_INT(loose, 0);
}

/* The circle's production path (candidate tracts in batches, SIMD lanes across tracts,
 * tracts wholly inside the circle taken whole) pinned against exact_only, the tract-at-a-time
 * reference (sky__circle_cols and its row search): random centres and radii, the poles, the
 * equator, RA 0, and centres on patch-column edges (where the ellipse's extreme points fall
 * on the clamps). */
static void test_circle_fast(const sky_map *m)
{
    y1_err e;
    sky_hits hf = {0}, hs = {0};
    int mismatches = 0, tests = 0, hits = 0, avx2_runs = 0;
    long cols = 0;
    for (int k = 0; k < 400; k++) {
        double ra = 360.0 * urand(), dec = asin(2.0 * urand() - 1.0) / D2R;
        if (k % 8 == 1) dec = -90.0 + 4.0 * urand();
        if (k % 8 == 2) dec = 90.0 - 4.0 * urand();
        if (k % 8 == 3) ra = urand() < 0.5 ? 0.4 * urand() : 360.0 - 0.4 * urand();
        if (k % 8 == 4) dec = 0.2 * (urand() - 0.5);
        if (k % 8 >= 5) {
            /* on an outer or inner column edge of a random tract, anywhere along it */
            int tract = (int)(urand() * sky_map_get_info(m)->num_tracts);
            double px = (1 + (int)(urand() * 6)) * 4000.0 - 0.5 + 100.0 * (k % 3 - 1);
            sky_pixel_to_sky(m, tract, px, 28000.0 * urand(), &ra, &dec);
        }
        sky_fp_opts o;
        sky_fp_opts_init(&o);
        o.radius_deg = k % 3 == 0 ? 2.0 : 0.05 + 3.95 * urand();
        sky_footprint *fast = NULL, *slow = NULL;
        CHECK_INT(sky_footprint_new(&fast, &o, &e), Y1_OK);
        CHECK_INT(sky_footprint_new(&slow, &o, &e), Y1_OK);
        if (!fast || !slow) break;
        slow->exact_only = 1;
        /* every other centre through the baseline build of the batch: on a CPU with AVX2 both
         * builds are pinned to the reference (on one without, fast->avx2 is 0 already) */
        if (k % 2) fast->avx2 = 0;
        else avx2_runs += fast->avx2;
        CHECK_INT(sky_footprint_patches(m, fast, ra, dec, 0.0, &hf, &e), Y1_OK);
        CHECK_INT(sky_footprint_patches(m, slow, ra, dec, 0.0, &hs, &e), Y1_OK);
        tests++;
        hits += hs.n > 0;
        /* the reference's columns, in every tract: how many tracts it reaches */
        if (k % 4 == 0) {
            double v[3], ls[64], hs_[64], r = o.radius_deg * D2R;
            vec(ra, dec, v);
            int nx = sky_map_get_info(m)->patches_x;
            for (int t = 0; t < sky_map_get_info(m)->num_tracts; t++)
                cols += sky__circle_cols(m, t, v, cos(r), sin(r), ls, hs_) ? nx : 0;
        }
        if (!same_hits(&hf, hs.v, hs.n) && mismatches++ < 5)
            fprintf(stderr, "circle fast != exact at (%.9f, %.9f) r %.6f: %zu vs %zu\n", ra,
                    dec, o.radius_deg, hf.n, hs.n);
        sky_footprint_free(fast);
        sky_footprint_free(slow);
    }
    CHECK_INT(tests, 400);
    CHECK_INT(hits, 400); /* a circle of >= 0.05 deg always touches a patch */
    CHECK_INT(mismatches, 0);
    if (!avx2_runs) fprintf(stderr, "test_circle_fast: this CPU has no AVX2: baseline build only\n");
    /* every centre lies in some tract's box; the 34 of radius 2 deg (4 deg across, against
     * tracts 1.5 deg wide) meet at least two more in their own ring */
    CHECK(cols >= 7 * (100 + 34 * 2));
    sky_hits_free(&hf);
    sky_hits_free(&hs);
}

/* The circle's counts go through a difference array (two additions per patch-column run, one
 * running sum at the end): pinned against counting every listed (tract, patch) per visit, for
 * both rules, with repeated centres, and at the poles, where the north cap's last patch is the
 * last counter of all (a run ending there subtracts one past the end). lsstcam's exact rule
 * takes runs too (sure rows, and exact hits as runs of one, added as found): the
 * same check with rotations, with and without dropped CCDs, and its bbox rule (no runs); and
 * with exact_only, whose every hit goes to the difference array as a run of one. */
static int cmp_key(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* sky__visit keeps the last visit's sines and cosines of the centre, and its candidate tracts
 * for the same reach, for a next visit at the same centre (sky_work.cand_*): one work buffer
 * over centres that repeat, keep only their RA or only their Dec, and footprints of another
 * reach at the same centre, must list what a fresh buffer does (sky_footprint_patches) at
 * every step. */
static void test_candidate_memo(const sky_map *m)
{
    y1_err e;
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM, o.camera_path = CAM;
    sky_footprint *fps[2] = {NULL, NULL};
    CHECK_INT(sky_footprint_new(&fps[0], &o, &e), Y1_OK);
    sky_fp_opts_init(&o);
    o.radius_deg = 0.6; /* a circle: a smaller reach at the same centres */
    CHECK_INT(sky_footprint_new(&fps[1], &o, &e), Y1_OK);
    static const double seq[][3] = {
        {30.0, -30.0, 0}, {30.0, -30.0, 0}, {30.0, -32.5, 0}, {33.0, -32.5, 0},
        {33.0, -32.5, 1}, {33.0, -32.5, 0}, {33.0, -32.5, 0}, {0.2, 89.0, 0}, {0.2, 88.0, 0},
        {359.9, 88.0, 1}, {359.9, 88.0, 0}};
    sky_work w;
    memset(&w, 0, sizeof w);
    sky_hits h = {0};
    int bad = 0, steps = 0;
    for (size_t k = 0; fps[0] && fps[1] && k < sizeof seq / sizeof seq[0]; k++) {
        const sky_footprint *fp = fps[(int)seq[k][2]];
        double ra = seq[k][0], dec = seq[k][1], rot = 20.0 * (double)k;
        CHECK_INT(sky__visit(m, fp, ra * D2R, dec * D2R, rot * D2R, &w), Y1_OK);
        CHECK_INT(sky_footprint_patches(m, fp, ra, dec, rot, &h, &e), Y1_OK);
        qsort(w.keys, w.nkeys, sizeof *w.keys, cmp_key);
        int same = w.nkeys == h.n && h.n > 0;
        for (size_t i = 0; same && i < h.n; i++)
            same = w.keys[i] == (uint32_t)(h.v[i].tract * 49 + h.v[i].patch_x * 7 + h.v[i].patch_y);
        bad += !same;
        steps++;
    }
    CHECK_INT(steps, 11);
    CHECK_INT(bad, 0);
    sky_hits_free(&h);
    sky__work_free(&w);
    sky_footprint_free(fps[0]);
    sky_footprint_free(fps[1]);
}

static void test_agg_runs(const sky_map *m)
{
    y1_err e;
    int nt = sky_map_get_info(m)->num_tracts;
    size_t per_band = (size_t)nt * 49, dense = 6 * per_band;
    uint32_t *want = malloc(dense * sizeof *want);
    enum { NV = 400 };
    sky_visit *v = malloc(NV * sizeof *v);
    for (int i = 0; i < NV; i++) {
        if (i % 3 == 1) { /* the previous centre again, in another band */
            v[i] = v[i - 1];
            v[i].id = i;
            v[i].band = (v[i - 1].band + 1 + (int)(5 * urand())) % 6;
            continue;
        }
        v[i] = (sky_visit){i, 360.0 * urand(), asin(2.0 * urand() - 1.0) / D2R,
                           i % 4 == 0 ? 90.0 * (i / 4 % 4) : 360.0 * urand(),
                           (int)(6 * urand())};
    }
    v[0].dec_deg = 90.0, v[0].band = 5;   /* the north cap, band y: the last counters */
    v[3].dec_deg = -90.0, v[3].band = 0;  /* the south cap, band u: the first */
    v[6].ra_deg = 359.95, v[6].dec_deg = 0.1; /* across RA 0 */
    unsigned char keep[189];
    memset(keep, 1, sizeof keep);
    for (int k = 90; k <= 98; k++) keep[k] = 0;
    for (int f = 0; f < 6; f++) {
        /* circle exact, circle bbox, lsstcam exact, the same with holes, lsstcam bbox,
         * lsstcam exact with exact_only */
        int rule = f == 1 || f == 4, cam = f >= 2;
        sky_fp_opts o;
        sky_fp_opts_init(&o);
        o.overlap = rule ? SKY_OVERLAP_BBOX : SKY_OVERLAP_EXACT;
        if (cam) o.kind = SKY_FP_LSSTCAM, o.camera_path = CAM;
        if (f == 3) o.ccd_keep = keep;
        sky_footprint *fp = NULL;
        CHECK_INT(sky_footprint_new(&fp, &o, &e), Y1_OK);
        if (!fp) break;
        fp->exact_only = f == 5;
        memset(want, 0, dense * sizeof *want);
        sky_hits h = {0};
        for (int i = 0; i < NV; i++) {
            CHECK_INT(sky_footprint_patches(m, fp, v[i].ra_deg, v[i].dec_deg,
                                            cam ? v[i].rot_deg : 0.0, &h, &e), Y1_OK);
            for (size_t k = 0; k < h.n; k++)
                want[(size_t)v[i].band * per_band + (size_t)h.v[k].tract * 49 +
                     (size_t)h.v[k].patch_x * 7 + (size_t)h.v[k].patch_y]++;
        }
        sky_agg *a = NULL;
        CHECK_INT(sky_agg_run(&a, m, fp, v, NV, 2, NULL, NULL, &e), Y1_OK);
        size_t nc = 0, nz = 0, bad = 0;
        const sky_coadd *c = a ? sky_agg_coadds(a, &nc) : NULL;
        for (size_t i = 0; i < dense; i++) nz += want[i] != 0;
        for (size_t i = 0; i < nc; i++)
            bad += want[(size_t)c[i].band * per_band + (size_t)c[i].tract * 49 +
                        (size_t)c[i].patch_x * 7 + (size_t)c[i].patch_y] != c[i].num_visits;
        CHECK_INT(nc, nz);
        CHECK_INT(bad, 0);
        /* the north pole's circle reaches the cap's last patch */
        if (!cam) CHECK(want[dense - 1] > 0);
        sky_agg_free(a);
        sky_hits_free(&h);
        sky_footprint_free(fp);
    }
    free(v);
    free(want);
}

/* ---- aggregation ---- */

/* coadd order: band, tract, patch_x, patch_y */
static int coadd_order(const sky_coadd *a, const sky_coadd *b)
{
    if (a->band != b->band) return a->band < b->band ? -1 : 1;
    if (a->tract != b->tract) return a->tract < b->tract ? -1 : 1;
    if (a->patch_x != b->patch_x) return a->patch_x < b->patch_x ? -1 : 1;
    if (a->patch_y != b->patch_y) return a->patch_y < b->patch_y ? -1 : 1;
    return 0;
}

static void test_agg(const sky_map *m)
{
    y1_err e;
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    sky_footprint *fp = NULL;
    sky_footprint_new(&fp, &o, &e);
    sky_agg *a = NULL;

    /* two visits on the same spot: same band -> 327 coadds of 2; other band -> 654 of 1 */
    sky_visit v2[2] = {{1, 55.0, -30.0, 0.0, 2}, {2, 55.0, -30.0, 0.0, 2}};
    CHECK_INT(sky_agg_run(&a, m, fp, v2, 2, 2, NULL, NULL, &e), Y1_OK);
    const sky_totals *tt = sky_agg_totals(a);
    CHECK_INT(tt->visits, 2);
    CHECK_INT(tt->ccd_visits, 2 * 189);
    CHECK_INT(tt->warps, 654);
    CHECK_INT(tt->coadds, 327);
    CHECK_INT(tt->patches, 327);
    CHECK_INT(tt->band[2].visits, 2);
    CHECK_INT(tt->band[2].max, 2);
    CHECK_NEAR(tt->band[2].mean, 2.0, 0);
    CHECK_INT(tt->band[0].coadds, 0);
    CHECK(isnan(sky_agg_quantile(a, 0, 0.5)));
    /* the coadds handed over: all 327, each of 2 visits in band r, sorted; none left behind,
     * the totals and quantiles kept */
    size_t ntk = 0, left = 1;
    sky_coadd *tk = sky_agg_take_coadds(a, &ntk);
    CHECK(tk != NULL);
    CHECK_INT((long long)ntk, 327);
    int inorder = 1, all2 = 1;
    for (size_t i = 0; i < ntk; i++) {
        all2 &= tk[i].num_visits == 2 && tk[i].band == 2;
        if (i)
            inorder &= tk[i - 1].tract < tk[i].tract ||
                      (tk[i - 1].tract == tk[i].tract &&
                       (tk[i - 1].patch_x < tk[i].patch_x ||
                        (tk[i - 1].patch_x == tk[i].patch_x && tk[i - 1].patch_y < tk[i].patch_y)));
    }
    CHECK(all2);
    CHECK(inorder);
    free(tk);
    CHECK(sky_agg_coadds(a, &left) == NULL);
    CHECK_INT((long long)left, 0);
    CHECK_INT(sky_agg_totals(a)->coadds, 327);
    CHECK_NEAR(sky_agg_quantile(a, 2, 0.5), 2.0, 0);
    sky_agg_free(a);
    v2[1].band = 5;
    CHECK_INT(sky_agg_run(&a, m, fp, v2, 2, 1, NULL, NULL, &e), Y1_OK);
    tt = sky_agg_totals(a);
    CHECK_INT(tt->coadds, 654);
    CHECK_INT(tt->patches, 327);
    CHECK_INT(tt->warps, 654);
    size_t nc;
    const sky_coadd *cs = sky_agg_coadds(a, &nc);
    CHECK_INT(nc, 654);
    CHECK(nc == 654 && cs[0].band == 2 && cs[653].band == 5);
    sky_agg_free(a);

    /* 1 thread and 2 threads give identical coadds, in sorted order */
    enum { NV = 3000 };
    sky_visit *vs = malloc(NV * sizeof *vs);
    for (int i = 0; i < NV; i++)
        vs[i] = (sky_visit){100 + i, 40.0 + 30.0 * urand(), -50.0 + 30.0 * urand(),
                            360.0 * urand(), (int)(6 * urand())};
    sky_agg *a1 = NULL, *a2 = NULL;
    CHECK_INT(sky_agg_run(&a1, m, fp, vs, NV, 1, NULL, NULL, &e), Y1_OK);
    CHECK_INT(sky_agg_run(&a2, m, fp, vs, NV, 2, NULL, NULL, &e), Y1_OK);
    size_t n1, n2;
    const sky_coadd *c1 = sky_agg_coadds(a1, &n1), *c2 = sky_agg_coadds(a2, &n2);
    CHECK(n1 == n2 && n1 > 0 && same_coadds(c1, c2, n1));
    int sorted = 1;
    uint64_t sum = 0;
    for (size_t i = 0; i < n1; i++) {
        sum += c1[i].num_visits;
        if (i && !(c1[i - 1].band < c1[i].band ||
                   (c1[i - 1].band == c1[i].band &&
                    (c1[i - 1].tract < c1[i].tract ||
                     (c1[i - 1].tract == c1[i].tract &&
                      c1[i - 1].patch_x * 7 + c1[i - 1].patch_y < c1[i].patch_x * 7 + c1[i].patch_y)))))
            sorted = 0;
    }
    CHECK(sorted);
    CHECK_INT(sum, sky_agg_totals(a1)->warps);
    /* warps per visit for a 2-deg circle: 318-330 (section 8) */
    double wpv = (double)sky_agg_totals(a1)->warps / NV;
    CHECK(wpv > 318 && wpv < 330);

    /* centres that repeat (the circle computes each distinct centre once): every visit again
     * at the same centre in the next band counts as if the two sets ran apart, coadd by
     * coadd: the counts of the doubled set are those of the two sets summed */
    {
        sky_visit *vd = malloc(2 * NV * sizeof *vd), *vb = malloc(NV * sizeof *vb);
        for (int i = 0; i < NV; i++) {
            vd[2 * i] = vs[i];
            vb[i] = vs[i];
            vb[i].band = (vs[i].band + 1) % 6;
            vb[i].id += NV;
            vd[2 * i + 1] = vb[i];
        }
        sky_agg *ad = NULL, *ab = NULL;
        CHECK_INT(sky_agg_run(&ad, m, fp, vd, 2 * NV, 2, NULL, NULL, &e), Y1_OK);
        CHECK_INT(sky_agg_run(&ab, m, fp, vb, NV, 1, NULL, NULL, &e), Y1_OK);
        if (ad && ab) {
            size_t nd, nb;
            const sky_coadd *cd = sky_agg_coadds(ad, &nd), *cb = sky_agg_coadds(ab, &nb);
            /* merge c1 and cb (both in coadd order), summing equal coadds, against cd */
            size_t i = 0, j = 0, k = 0, bad = 0;
            while (i < n1 || j < nb) {
                int c = i == n1 ? 1 : j == nb ? -1 : coadd_order(&c1[i], &cb[j]);
                sky_coadd x = c <= 0 ? c1[i] : cb[j];
                if (c == 0) x.num_visits += cb[j].num_visits;
                if (c <= 0) i++;
                if (c >= 0) j++;
                if (k >= nd || coadd_order(&x, &cd[k]) || x.num_visits != cd[k].num_visits) bad++;
                k++;
            }
            CHECK_INT(bad, 0);
            CHECK_INT(k, nd);
            CHECK_INT(sky_agg_totals(ad)->warps, 2 * sky_agg_totals(a1)->warps);
        }
        sky_agg_free(ad);
        sky_agg_free(ab);
        free(vd);
        free(vb);
    }

    /* a result rebuilt from the coadds alone (the workload's view: reversed order here) */
    sky_coadd *rev = malloc((n1 ? n1 : 1) * sizeof *rev);
    for (size_t i = 0; i < n1; i++) rev[i] = c1[n1 - 1 - i];
    sky_agg *ar = NULL;
    CHECK_INT(sky_agg_from_coadds(&ar, rev, n1, &e), Y1_OK);
    if (ar) {
        size_t nr;
        const sky_coadd *cr = sky_agg_coadds(ar, &nr);
        CHECK(nr == n1 && same_coadds(cr, c1, n1));
        const sky_totals *t1 = sky_agg_totals(a1), *tr = sky_agg_totals(ar);
        CHECK_INT(tr->visits, -1);
        CHECK_INT(tr->ccd_visits, -1);
        CHECK_INT(tr->warps, t1->warps);
        CHECK_INT(tr->coadds, t1->coadds);
        CHECK_INT(tr->patches, t1->patches);
        CHECK_NEAR(tr->band[3].p50, t1->band[3].p50, 0);
        sky_agg_free(ar);
    }
    free(rev);

    /* quantiles on hand-made numbers: g has 1, 2, 3, 4, 10 visits */
    static const sky_coadd hand[] = {
        {.band = 1, .tract = 10, .patch_x = 0, .patch_y = 0, .num_visits = 3},
        {.band = 1, .tract = 10, .patch_x = 0, .patch_y = 1, .num_visits = 1},
        {.band = 1, .tract = 10, .patch_x = 6, .patch_y = 6, .num_visits = 10},
        {.band = 1, .tract = 11, .patch_x = 2, .patch_y = 3, .num_visits = 4},
        {.band = 1, .tract = 12, .patch_x = 0, .patch_y = 0, .num_visits = 2},
        {.band = 2, .tract = 10, .patch_x = 0, .patch_y = 0, .num_visits = 7}};
    CHECK_INT(sky_agg_from_coadds(&ar, hand, 6, &e), Y1_OK);
    if (ar) {
        const sky_totals *tr = sky_agg_totals(ar);
        CHECK_INT(tr->coadds, 6);
        CHECK_INT(tr->patches, 5); /* g and r share tract 10 patch (0, 0) */
        CHECK_INT(tr->warps, 27);
        CHECK_INT(tr->band[1].coadds, 5);
        CHECK_NEAR(tr->band[1].mean, 4.0, 1e-12);
        CHECK_NEAR(tr->band[1].p50, 3.0, 1e-12);
        CHECK_NEAR(tr->band[1].p10, 1.4, 1e-12);
        CHECK_NEAR(tr->band[1].p90, 7.6, 1e-12);
        CHECK_INT(tr->band[1].min, 1);
        CHECK_INT(tr->band[1].max, 10);
        CHECK_NEAR(sky_agg_quantile(ar, 2, 0.3), 7.0, 0);
        sky_agg_free(ar);
    }
    /* a repeated coadd, a band outside 0..5, n = 0: refused, nothing returned */
    sky_coadd badc[2] = {hand[0], hand[0]};
    ar = NULL;
    CHECK_INT(sky_agg_from_coadds(&ar, badc, 2, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "coadd band g tract 10 patch (0, 0) appears twice");
    CHECK(ar == NULL);
    badc[1].band = 6;
    CHECK_INT(sky_agg_from_coadds(&ar, badc, 2, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "band 6");
    badc[1].band = 2;
    badc[1].num_visits = 0;
    CHECK_INT(sky_agg_from_coadds(&ar, badc, 2, &e), Y1_EINPUT);
    CHECK(ar == NULL);
    /* (the coadds.csv file and its errors are tested with its reader, tests/test_workload.c) */

    /* bad visits */
    sky_visit vb[2] = {{5, 10.0, 0.0, 0.0, 1}, {6, 10.0, 95.0, 0.0, 1}};
    CHECK_INT(sky_agg_run(&a, m, fp, vb, 2, 1, NULL, NULL, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "visit 6");
    CHECK_HAS(e.msg, "Dec 95");
    vb[1].dec_deg = 0.0;
    vb[1].band = 6;
    CHECK_INT(sky_agg_run(&a, m, fp, vb, 2, 1, NULL, NULL, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "band 6");
    /* no visits: an empty result, not an error */
    CHECK_INT(sky_agg_run(&a, m, fp, vb, 0, 2, NULL, NULL, &e), Y1_OK);
    CHECK_INT(sky_agg_totals(a)->coadds, 0);
    sky_agg_free(a);

    sky_agg_free(a1);
    sky_agg_free(a2);
    free(vs);
    sky_footprint_free(fp);
}

static void test_bad_yaml(void)
{
    static const struct { const char *file, *want; } cases[] = {
        {"tests/fixtures/skymap_syntax.yaml", "skymap_syntax.yaml:5:"},
        {"tests/fixtures/skymap_unknown_key.yaml", "skymap_unknown_key.yaml:7:1: unknown key 'num_ring'"},
        {"tests/fixtures/skymap_bad_value.yaml", "skymap_bad_value.yaml:5:12: num_rings: -3 is out of range"},
        {"tests/fixtures/skymap_missing_key.yaml", "missing key 'patch_border_px'"},
        {"tests/fixtures/skymap_cells.yaml", "skymap_cells.yaml:11:1: 'patch_inner_px' does not apply to tract_builder cells"},
        {"tests/fixtures/skymap_not_mapping.yaml", "skymap_not_mapping.yaml:2:1: expected a mapping"},
    };
    y1_err e;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sky_map *m = NULL;
        CHECK_INT(sky_map_new(&m, cases[k].file, &e), Y1_EINPUT);
        CHECK(m == NULL);
        CHECK_HAS(e.msg, cases[k].want);
    }
    sky_map *m = NULL;
    CHECK_INT(sky_map_new(&m, "tests/fixtures/no_such_skymap.yaml", &e), Y1_EIO);
    CHECK_HAS(e.msg, "no_such_skymap.yaml: cannot open");
    /* another rings map needs no recompilation: 60 rings, 2000-px patches, no overlap */
    CHECK_INT(sky_map_new(&m, "tests/fixtures/skymap_coarse.yaml", &e), Y1_OK);
    if (m) {
        const sky_map_info *in = sky_map_get_info(m);
        CHECK_INT(in->num_rings, 60);
        CHECK_NEAR(in->ring_size_deg, 180.0 / 61.0, 1e-12);
        /* half-size tan(ring/2)/s = 26,563.25 px -> [-26563, 26563], 53,127 wide -> 27 patches
         * of 2000 = 54,000, 873 spare pixels, 436 of them on the low side */
        CHECK_INT(in->patches_x, 27);
        CHECK_INT(in->tract_width_px, 54000);
        CHECK_NEAR(in->crpix_x, 26563 + 436, 0);
        sky_map_free(m);
    }
    /* broken camera file */
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    o.camera_path = "tests/fixtures/skymap_camera_bad.yaml";
    sky_footprint *fp = NULL;
    CHECK_INT(sky_footprint_new(&fp, &o, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "skymap_camera_bad.yaml:4:21: ccds_per_raft_side: expected an integer");
    CHECK(fp == NULL);
}

/* Footprint kinds, rotation modes and overlap rules by name, and back. */
static void test_names(void)
{
    sky_fp_kind k = SKY_FP_CIRCLE;
    sky_rot_mode r = SKY_ROT_VISIT;
    sky_overlap_rule o = SKY_OVERLAP_EXACT;
    CHECK_INT(sky_fp_kind_parse("lsstcam", &k), Y1_OK);
    CHECK_INT(k, SKY_FP_LSSTCAM);
    CHECK_STR(sky_fp_kind_name(SKY_FP_CIRCLE), "circle");
    CHECK_INT(sky_fp_kind_parse("hexagon", &k), Y1_EINPUT);
    CHECK_INT(k, SKY_FP_LSSTCAM);
    CHECK_INT(sky_fp_kind_parse(NULL, &k), Y1_EINPUT);
    CHECK_STR(sky_fp_kind_list(), "circle or lsstcam");
    CHECK_INT(sky_rot_mode_parse("random", &r), Y1_OK);
    CHECK_INT(r, SKY_ROT_RANDOM);
    CHECK_STR(sky_rot_mode_name(SKY_ROT_VISIT), "rotskypos");
    CHECK_INT(sky_rot_mode_parse("Random", &r), Y1_EINPUT);
    CHECK_INT(sky_overlap_rule_parse("bbox", &o), Y1_OK);
    CHECK_INT(o, SKY_OVERLAP_BBOX);
    CHECK_STR(sky_overlap_rule_name(SKY_OVERLAP_EXACT), "exact");
    CHECK_STR(sky_fp_kind_name((sky_fp_kind)7), "?");
}

int main(void)
{
    y1_err e;
    sky_map *m = NULL;
    test_names();
    int rc = sky_map_new(&m, DC2, &e);
    CHECK_INT(rc, Y1_OK);
    if (rc) {
        fprintf(stderr, "%s\n", e.msg);
        CHECK_DONE();
    }
    CHECK_STR(sky_map_get_info(m)->name, "DC2");
    test_rings(m);
    test_tracts(m);
    test_find(m);
    test_circle(m);
    test_acos_above();
    test_circle_fast(m);
    test_lsstcam(m);
    test_lsstcam_fast(m, 0);
    test_lsstcam_fast(m, 1);
    sky_map *mc = NULL;
    CHECK_INT(sky_map_new(&mc, "data/skymaps/lsst_cells_v1.yaml", &e), Y1_OK);
    if (mc) {
        test_lsstcam_fast(mc, 0);
        test_lsstcam_fast(mc, 1);
        sky_map_free(mc);
    }
    test_agg(m);
    test_agg_runs(m);
    test_candidate_memo(m);
    test_bad_yaml();
    free(tract_poly);
    sky_map_free(m);
    CHECK_DONE();
}
