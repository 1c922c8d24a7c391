/* test_skymap_cells.c: the lsst_cells_v1 sky map and the bounding-box overlap rule, against the
 * numbers of shared/reference/skymap-cells.md, hand values of the TAN WCS (textbook gnomonic
 * formulas, not the library's vector form) and slow brute force over the tracts. Run from the
 * repo root. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "skymap/agg.h"
#include "skymap/dimcount.h"
#include "skymap/skymap.h"
#include "tests/check.h"

#define CELLS "data/skymaps/lsst_cells_v1.yaml"
#define DC2 "data/skymaps/dc2.yaml"
#define CAM "data/cameras/lsstcam.yaml"
#define PI 3.14159265358979323846
#define D2R (PI / 180.0)
#define PX_RAD (0.2 / 3600.0 * D2R) /* one pixel of the tract plane */

/* ---- textbook gnomonic projection (Calabretta & Greisen 2002, TAN with LONPOLE 180) ---- */

typedef struct tan_wcs {
    double ra0, dec0; /* rad */
    double crpix;     /* same on both axes */
    int flip;         /* north cap: AST's LONPOLE = 0 turns the plane by 180 deg */
} tan_wcs;

static tan_wcs wcs_of(const sky_map *m, int tract)
{
    sky_tract_info t;
    y1_err e;
    tan_wcs w = {0, 0, 0, 0};
    if (sky_tract_get(m, tract, &t, &e)) return w;
    w.ra0 = t.ra_deg * D2R;
    w.dec0 = t.dec_deg * D2R;
    w.crpix = sky_map_get_info(m)->crpix_x;
    w.flip = tract == sky_map_get_info(m)->num_tracts - 1;
    return w;
}

static void pix2sky(const tan_wcs *w, double x, double y, double *ra_deg, double *dec_deg)
{
    double xi = -(x - w->crpix) * PX_RAD, eta = (y - w->crpix) * PX_RAD;
    if (w->flip) xi = -xi, eta = -eta;
    double den = cos(w->dec0) - eta * sin(w->dec0);
    double ra = w->ra0 + atan2(xi, den);
    double dec = atan2(sin(w->dec0) + eta * cos(w->dec0), hypot(xi, den));
    ra = fmod(ra, 2 * PI);
    if (ra < 0) ra += 2 * PI;
    *ra_deg = ra / D2R;
    *dec_deg = dec / D2R;
}

/* returns 0 when the point is 90 deg or more from the tract centre */
static int sky2pix(const tan_wcs *w, double ra_deg, double dec_deg, double *x, double *y)
{
    double ra = ra_deg * D2R, dec = dec_deg * D2R, dra = ra - w->ra0;
    double cc = sin(dec) * sin(w->dec0) + cos(dec) * cos(w->dec0) * cos(dra);
    if (!(cc > 0)) return 0;
    double xi = cos(dec) * sin(dra) / cc;
    double eta = (sin(dec) * cos(w->dec0) - cos(dec) * sin(w->dec0) * cos(dra)) / cc;
    if (w->flip) xi = -xi, eta = -eta;
    *x = w->crpix - xi / PX_RAD;
    *y = w->crpix + eta / PX_RAD;
    return 1;
}

/* ---- sphere helpers ---- */

static void vec(double ra_deg, double dec_deg, double v[3])
{
    v[0] = cos(dec_deg * D2R) * cos(ra_deg * D2R);
    v[1] = cos(dec_deg * D2R) * sin(ra_deg * D2R);
    v[2] = sin(dec_deg * D2R);
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

/* angular distance (rad) from c to the spherical quadrilateral V (great-circle edges, given in
 * order around it): 0 inside, else the nearest vertex or edge foot point */
static double quad_dist(const double c[3], double V[4][3])
{
    int pos = 0, neg = 0;
    for (int k = 0; k < 4; k++) {
        double n[3];
        cross3(V[k], V[(k + 1) & 3], n);
        double s = dot3(n, c);
        pos += s > 0, neg += s < 0;
    }
    if ((!pos || !neg) && dot3(V[0], c) > 0) return 0.0;
    double d = INFINITY;
    for (int k = 0; k < 4; k++) {
        const double *a = V[k], *b = V[(k + 1) & 3];
        double n[3], ca[3], cb[3];
        d = fmin(d, angle3(c, a));
        cross3(a, b, n);
        double nn = sqrt(dot3(n, n));
        for (int q = 0; q < 3; q++) n[q] /= nn;
        /* the foot point of c on the great circle lies within the arc a..b when c's projection
         * is on the inner side of both the planes through (n, a) and (n, b) */
        cross3(n, a, ca);
        cross3(b, n, cb);
        if (dot3(ca, c) >= 0 && dot3(cb, c) >= 0) d = fmin(d, asin(fmin(1.0, fabs(dot3(n, c)))));
    }
    return d;
}

/* ---- result sets ---- */

typedef struct tpset {
    sky_tp v[20000];
    size_t n;
} tpset;

static int cmp_tp(const void *a, const void *b)
{
    const sky_tp *x = a, *y = b;
    if (x->tract != y->tract) return x->tract < y->tract ? -1 : 1;
    if (x->patch_x != y->patch_x) return x->patch_x < y->patch_x ? -1 : 1;
    return (x->patch_y > y->patch_y) - (x->patch_y < y->patch_y);
}
static void tp_add(tpset *s, int t, int i, int j)
{
    if (s->n < sizeof s->v / sizeof s->v[0]) s->v[s->n++] = (sky_tp){t, i, j};
}
static void tp_sort_uniq(tpset *s)
{
    qsort(s->v, s->n, sizeof s->v[0], cmp_tp);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!k || cmp_tp(&s->v[k - 1], &s->v[i])) s->v[k++] = s->v[i];
    s->n = k;
}
static int tp_has(const sky_tp *v, size_t n, sky_tp x)
{
    return bsearch(&x, v, n, sizeof *v, cmp_tp) != NULL;
}
/* every element of a (sorted) is in b (sorted) */
static size_t missing_from(const sky_tp *a, size_t na, const sky_tp *b, size_t nb)
{
    size_t miss = 0;
    for (size_t i = 0; i < na; i++) miss += !tp_has(b, nb, a[i]);
    return miss;
}

/* tracts whose centre is within lim_deg of (ra, dec): a superset of what any rule can touch */
static size_t near_tracts(const sky_map *m, double ra, double dec, double lim_deg, int *out,
                          size_t cap)
{
    double c[3];
    vec(ra, dec, c);
    size_t k = 0;
    y1_err e;
    for (int t = 0; t < sky_map_get_info(m)->num_tracts && k < cap; t++) {
        sky_tract_info ti;
        sky_tract_get(m, t, &ti, &e);
        double v[3];
        vec(ti.ra_deg, ti.dec_deg, v);
        if (angle3(c, v) <= lim_deg * D2R) out[k++] = t;
    }
    return k;
}

/* Exact rule by brute force: the cap of radius r meets the patch's outer sky polygon, whose
 * corners are the outer box's half-pixel corners through the textbook WCS, not clipped. */
static void brute_exact_circle(const sky_map *m, double ra, double dec, double r_deg, tpset *s)
{
    const sky_map_info *in = sky_map_get_info(m);
    int tr[400];
    size_t nt = near_tracts(m, ra, dec, r_deg + 2.0, tr, 400);
    double c[3];
    vec(ra, dec, c);
    s->n = 0;
    for (size_t q = 0; q < nt; q++) {
        tan_wcs w = wcs_of(m, tr[q]);
        for (int i = 0; i < in->patches_x; i++)
            for (int j = 0; j < in->patches_y; j++) {
                double x0 = i * 3000 - 200 - 0.5, x1 = (i + 1) * 3000 - 1 + 200 + 0.5;
                double y0 = j * 3000 - 200 - 0.5, y1 = (j + 1) * 3000 - 1 + 200 + 0.5;
                double px[4] = {x0, x1, x1, x0}, py[4] = {y0, y0, y1, y1}, V[4][3];
                for (int k = 0; k < 4; k++) {
                    double a, d;
                    pix2sky(&w, px[k], py[k], &a, &d);
                    vec(a, d, V[k]);
                }
                if (quad_dist(c, V) <= r_deg * D2R) tp_add(s, tr[q], i, j);
            }
    }
    tp_sort_uniq(s);
}

/* lsst.skymap findPatchList on a float pixel box (see skymap-cells.md): EXPAND to integer
 * pixels, grow by 200, clip to [0, 29999], then the inner index ranges. grow_px widens the float
 * box first (to bound rounding in the sampled circle below). */
static void find_patch_list(int tract, double xmin, double xmax, double ymin, double ymax,
                            double grow_px, tpset *s)
{
    long x0 = (long)ceil(xmin - grow_px - 0.5) - 200, x1 = (long)floor(xmax + grow_px + 0.5) + 200;
    long y0 = (long)ceil(ymin - grow_px - 0.5) - 200, y1 = (long)floor(ymax + grow_px + 0.5) + 200;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > 29999) x1 = 29999;
    if (y1 > 29999) y1 = 29999;
    if (x0 > x1 || y0 > y1) return;
    for (long i = x0 / 3000; i <= x1 / 3000; i++)
        for (long j = y0 / 3000; j <= y1 / 3000; j++) tp_add(s, tract, (int)i, (int)j);
}

/* Bounding-box rule for a circle by brute force: the pixel box of 3,600 points on the circle in
 * every nearby tract (the BaseSkyMap loop over tracts). */
static void brute_bbox_circle(const sky_map *m, double ra, double dec, double r_deg,
                              double grow_px, tpset *s)
{
    int tr[400];
    size_t nt = near_tracts(m, ra, dec, 1.5 * r_deg + 2.5, tr, 400);
    double c[3], E[3] = {-sin(ra * D2R), cos(ra * D2R), 0}, N[3];
    vec(ra, dec, c);
    cross3(c, E, N);
    s->n = 0;
    for (size_t q = 0; q < nt; q++) {
        tan_wcs w = wcs_of(m, tr[q]);
        double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
        for (int k = 0; k < 3600; k++) {
            double ph = 2 * PI * k / 3600.0, p[3];
            for (int a = 0; a < 3; a++)
                p[a] = cos(r_deg * D2R) * c[a] +
                       sin(r_deg * D2R) * (cos(ph) * E[a] + sin(ph) * N[a]);
            double x, y;
            if (!sky2pix(&w, atan2(p[1], p[0]) / D2R + (atan2(p[1], p[0]) < 0 ? 360 : 0),
                         asin(p[2]) / D2R, &x, &y))
                continue;
            xmin = fmin(xmin, x), xmax = fmax(xmax, x), ymin = fmin(ymin, y), ymax = fmax(ymax, y);
        }
        if (xmin <= xmax) find_patch_list(tr[q], xmin, xmax, ymin, ymax, grow_px, s);
    }
    tp_sort_uniq(s);
}

/* Bounding-box rule for LSSTCam by brute force: per CCD, its four corners (from the library's
 * camera model), the tracts that contain one of them (pixel rounded, inside [0, 29999]), and
 * findPatchList in each (RingsSkyMap.findTractPatchList). */
static void brute_bbox_cam(const sky_map *m, const sky_footprint *fp, double ra, double dec,
                           double rot, tpset *s)
{
    int tr[400];
    size_t nt = near_tracts(m, ra, dec, 5.0, tr, 400);
    y1_err e;
    s->n = 0;
    for (int k = 0; k < 189; k++) {
        double cra[4], cdec[4];
        if (sky_footprint_ccd_corners(fp, k, ra, dec, rot, cra, cdec, &e)) return;
        for (size_t q = 0; q < nt; q++) {
            tan_wcs w = wcs_of(m, tr[q]);
            double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
            int inside = 0;
            for (int c = 0; c < 4; c++) {
                double x, y;
                if (!sky2pix(&w, cra[c], cdec[c], &x, &y)) continue;
                double ix = floor(x + 0.5), iy = floor(y + 0.5);
                inside |= ix >= 0 && ix <= 29999 && iy >= 0 && iy <= 29999;
                xmin = fmin(xmin, x), xmax = fmax(xmax, x), ymin = fmin(ymin, y), ymax = fmax(ymax, y);
            }
            if (inside) find_patch_list(tr[q], xmin, xmax, ymin, ymax, 0.0, s);
        }
    }
    tp_sort_uniq(s);
}

static uint64_t rng = 0x2385;
static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) * 0x1.0p-53;
}

static int hits(const sky_map *m, const sky_footprint *fp, double ra, double dec, double rot,
                sky_hits *h)
{
    y1_err e;
    int rc = sky_footprint_patches(m, fp, ra, dec, rot, h, &e);
    if (rc) fprintf(stderr, "sky_footprint_patches: %s\n", e.msg);
    return rc;
}

static sky_footprint *circle(double r, sky_overlap_rule rule)
{
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.radius_deg = r;
    o.overlap = rule;
    sky_footprint *fp = NULL;
    y1_err e;
    if (sky_footprint_new(&fp, &o, &e)) fprintf(stderr, "footprint: %s\n", e.msg);
    return fp;
}

/* ---- the map ---- */

static void test_geometry(const sky_map *m, const sky_map *dc2)
{
    const sky_map_info *in = sky_map_get_info(m);
    CHECK_STR(in->name, "lsst_cells_v1");
    CHECK_STR(in->tract_builder, "cells");
    CHECK_INT(in->patch_outer_clipped, 0);
    CHECK_INT(in->num_rings, 120);
    CHECK_INT(in->num_tracts, 18938);
    CHECK_INT(in->cell_inner_px, 150);
    CHECK_INT(in->patch_inner_px, 20 * 150);     /* 20 cells of 150 px */
    CHECK_INT(in->patch_border_px, 150 + 50);    /* one cell plus the cell border */
    CHECK_INT(in->patches_x, 10);
    CHECK_INT(in->patches_y, 10);
    /* minimum box [-13689, 13689] (27,379 px) grown to 10 x 3000 with 2621 // 2 = 1310 spare
     * pixels on the low side: [-14999, 15000] */
    CHECK_INT(in->tract_width_px, 30000);
    CHECK_INT(in->tract_height_px, 30000);
    CHECK_NEAR(in->crpix_x, 13689 + 1310, 0);
    CHECK_NEAR(in->crpix_y, 14999, 0);
    /* outer extent [-200.5, 30199.5] around 14999: 15,200.5 px on the far side, diagonal */
    CHECK_NEAR(in->tract_half_diag_deg, atan(sqrt(2.0) * 15200.5 * PX_RAD) / D2R, 1e-9);
    CHECK_NEAR(in->tract_half_diag_deg, 1.1941, 5e-4);
    CHECK_INT((long)in->num_tracts * in->patches_x * in->patches_y, 1893800);
    CHECK_STR(sky_map_get_info(dc2)->tract_builder, "legacy");
    CHECK_INT(sky_map_get_info(dc2)->patch_outer_clipped, 1);

    /* the same tracts as DC2: ids, rings, centres and inner ranges */
    int same = 0;
    y1_err e;
    for (int t = 0; t < in->num_tracts; t++) {
        sky_tract_info a, b;
        sky_tract_get(m, t, &a, &e);
        sky_tract_get(dc2, t, &b, &e);
        same += a.ring == b.ring && a.index_in_ring == b.index_in_ring && a.ra_deg == b.ra_deg &&
                a.dec_deg == b.dec_deg && a.ra_min_deg == b.ra_min_deg &&
                a.dec_max_deg == b.dec_max_deg;
    }
    CHECK_INT(same, 18938);
}

/* Hand values: tract 3828 is ring 35, t = 31 of 197 (skymap.md section 3). */
static void test_wcs(const sky_map *m)
{
    const double rs = PI / 121;
    tan_wcs w = {2 * PI * 31 / 197, rs * 36 - PI / 2, 14999, 0};
    double ra, dec, x, y, hra, hdec;
    int px, py;
    y1_err e;
    /* CRPIX is the tract centre */
    sky_pixel_to_sky(m, 3828, 14999, 14999, &ra, &dec);
    CHECK_NEAR(ra, 56.649746192893396, 1e-11);
    CHECK_NEAR(dec, -36.446280991735534, 1e-11);
    /* half a pixel off CRPIX is the point lsst/ci_imsim publishes for the DC2 tract's middle
     * (the same offset from CRVAL there): 56.64971166122064, -36.4462532139528 */
    sky_pixel_to_sky(m, 3828, 14999.5, 14999.5, &ra, &dec);
    CHECK_NEAR(ra, 56.64971166122064, 1e-10);
    CHECK_NEAR(dec, -36.4462532139528, 1e-10);
    /* the middle of patch (4, 7)'s inner box [12000, 14999] x [21000, 23999]: by the textbook
     * formulas (worked by hand: 56.752753357395264, -36.029549847891595) */
    pix2sky(&w, 13499.5, 22499.5, &hra, &hdec);
    CHECK_NEAR(hra, 56.752753357395264, 1e-10);
    CHECK_NEAR(hdec, -36.029549847891595, 1e-10);
    sky_pixel_to_sky(m, 3828, 13499.5, 22499.5, &ra, &dec);
    CHECK_NEAR(ra, hra, 1e-10);
    CHECK_NEAR(dec, hdec, 1e-10);
    CHECK_INT(sky_find_patch(m, 3828, ra, dec, &px, &py, &e), Y1_OK);
    CHECK_INT(px, 4);
    CHECK_INT(py, 7);
    /* patch (0, 0)'s outer corner, 200 px beyond the tract box: 57.71090458096498,
     * -37.28589985411909 by hand; it maps back to (-200.5, -200.5) */
    pix2sky(&w, -200.5, -200.5, &hra, &hdec);
    CHECK_NEAR(hra, 57.71090458096498, 1e-10);
    CHECK_NEAR(hdec, -37.28589985411909, 1e-10);
    CHECK_INT(sky_sky_to_pixel(m, 3828, hra, hdec, &x, &y, &e), Y1_OK);
    CHECK_NEAR(x, -200.5, 1e-6);
    CHECK_NEAR(y, -200.5, 1e-6);
    /* inner-box corners decide findPatch: 2999 is patch 0, 3000 is patch 1, 29999 patch 9 */
    static const struct { double x, y; int i, j; } corner[] = {
        {2999.0, 0.0, 0, 0}, {3000.0, 0.0, 1, 0}, {29999.0, 29999.0, 9, 9},
        {14999.4, 15000.4, 4, 5}, {26999.6, 3000.2, 9, 1}};
    for (size_t k = 0; k < sizeof corner / sizeof corner[0]; k++) {
        pix2sky(&w, corner[k].x, corner[k].y, &hra, &hdec);
        CHECK_INT(sky_find_patch(m, 3828, hra, hdec, &px, &py, &e), Y1_OK);
        CHECK_MSG(px == corner[k].i && py == corner[k].j, "pixel (%g, %g): patch %d,%d, expected "
                  "%d,%d", corner[k].x, corner[k].y, px, py, corner[k].i, corner[k].j);
    }
    /* pixel -0.6 is outside the tract box */
    pix2sky(&w, -0.6, 100.0, &hra, &hdec);
    CHECK_INT(sky_find_patch(m, 3828, hra, hdec, &px, &py, &e), Y1_EINPUT);
}

/* Unclipped borders: a point 150 px outside tract 3828's box still lies in patch (0, 0)'s outer
 * box, so a tiny circle there touches that patch on the cells map. On DC2 (100-px border,
 * clipped) a point 50 px outside its box touches nothing of the tract. */
static void test_unclipped(const sky_map *m, const sky_map *dc2)
{
    tan_wcs w = {2 * PI * 31 / 197, PI / 121 * 36 - PI / 2, 14999, 0};
    double ra, dec;
    pix2sky(&w, -150.0, 1500.0, &ra, &dec);
    y1_err e;
    int all[SKY_MAX_FIND_ALL], n, in3828 = 0;
    CHECK_INT(sky_find_all_tracts(m, ra, dec, all, SKY_MAX_FIND_ALL, &n, &e), Y1_OK);
    for (int k = 0; k < n; k++) in3828 |= all[k] == 3828;
    CHECK(!in3828);
    sky_footprint *fp = circle(0.5 / 3600.0, SKY_OVERLAP_EXACT); /* 2.5 px */
    sky_hits h = {0};
    CHECK_INT(hits(m, fp, ra, dec, 0, &h), Y1_OK);
    CHECK(tp_has(h.v, h.n, (sky_tp){3828, 0, 0}));
    CHECK(!tp_has(h.v, h.n, (sky_tp){3828, 0, 1}));
    /* DC2: pixel -50 of its tract 3828 (CRPIX 13999) */
    tan_wcs wd = w;
    wd.crpix = 13999;
    pix2sky(&wd, -50.0, 1500.0, &ra, &dec);
    CHECK_INT(hits(dc2, fp, ra, dec, 0, &h), Y1_OK);
    int any = 0;
    for (size_t k = 0; k < h.n; k++) any |= h.v[k].tract == 3828;
    CHECK(!any);
    sky_hits_free(&h);
    sky_footprint_free(fp);
}

/* ---- overlaps ---- */

static void test_circles(const sky_map *m)
{
    tpset *ex = malloc(sizeof *ex), *bb = malloc(sizeof *bb), *bb1 = malloc(sizeof *bb1);
    sky_hits he = {0}, hb = {0};
    /* (55, -30) with 2 deg: tract 4638 lies wholly inside (skymap.md section 11) */
    static const double fixed[][3] = {{55.0, -30.0, 2.0}, {180.0, 0.0, 2.0}, {0.3, -5.0, 1.7},
                                      {359.9, 12.0, 0.4}, {100.0, -88.6, 2.0}, {30.0, 88.9, 1.5}};
    int ncase = 24;
    size_t worst = 0, sum_e = 0, sum_b = 0;
    for (int k = 0; k < ncase; k++) {
        double ra, dec, r;
        if (k < 6) ra = fixed[k][0], dec = fixed[k][1], r = fixed[k][2];
        else {
            ra = 360.0 * urand();
            dec = asin(2.0 * urand() - 1.0) / D2R;
            r = 0.1 + 3.0 * urand();
        }
        sky_footprint *fe = circle(r, SKY_OVERLAP_EXACT), *fb = circle(r, SKY_OVERLAP_BBOX);
        if (!fe || !fb || hits(m, fe, ra, dec, 0, &he) || hits(m, fb, ra, dec, 0, &hb)) {
            CHECK(0);
            break;
        }
        brute_exact_circle(m, ra, dec, r, ex);
        brute_bbox_circle(m, ra, dec, r, 0.0, bb);
        brute_bbox_circle(m, ra, dec, r, 1.0, bb1);
        /* the exact rule is the brute-force polygon test */
        CHECK_MSG(he.n == ex->n && missing_from(ex->v, ex->n, he.v, he.n) == 0,
                  "circle (%g, %g, r %g): %zu pairs, brute force %zu", ra, dec, r, he.n, ex->n);
        /* the bbox rule lies between the sampled circle's box and that box grown by 1 px */
        CHECK_MSG(missing_from(bb->v, bb->n, hb.v, hb.n) == 0 &&
                  missing_from(hb.v, hb.n, bb1->v, bb1->n) == 0,
                  "bbox circle (%g, %g, r %g): %zu pairs, brute force %zu..%zu", ra, dec, r, hb.n,
                  bb->n, bb1->n);
        /* containment: every exact pair is a bbox pair */
        size_t miss = missing_from(he.v, he.n, hb.v, hb.n);
        CHECK_MSG(miss == 0, "circle (%g, %g, r %g): %zu exact pairs not in bbox", ra, dec, r,
                  miss);
        CHECK(hb.n >= he.n);
        if (hb.n - he.n > worst) worst = hb.n - he.n;
        sum_e += he.n, sum_b += hb.n;
        if (k == 0) {
            size_t whole = 0;
            for (size_t q = 0; q < he.n; q++) whole += he.v[q].tract == 4638;
            CHECK_INT(whole, 100);
        }
        sky_footprint_free(fe);
        sky_footprint_free(fb);
    }
    /* a circle's box adds its four corners: the bbox rule must find more, not only as many */
    CHECK(sum_b > sum_e);
    CHECK(worst > 0);
    sky_hits_free(&he);
    sky_hits_free(&hb);
    free(ex);
    free(bb);
    free(bb1);
}

static void test_lsstcam(const sky_map *m)
{
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    o.camera_path = CAM;
    o.overlap = SKY_OVERLAP_BBOX;
    sky_footprint *fb = NULL, *fe = NULL;
    y1_err e;
    CHECK_INT(sky_footprint_new(&fb, &o, &e), Y1_OK);
    o.overlap = SKY_OVERLAP_EXACT;
    CHECK_INT(sky_footprint_new(&fe, &o, &e), Y1_OK);
    if (!fb || !fe) return;
    CHECK_HAS(sky_footprint_describe(fb), "bounding-box rule");
    CHECK(!strstr(sky_footprint_describe(fe), "bounding"));
    tpset *bb = malloc(sizeof *bb);
    sky_hits hb = {0}, he = {0};
    size_t sum_e = 0, sum_b = 0;
    for (int k = 0; k < 8; k++) {
        double ra = 360.0 * urand(), dec = -70.0 + 80.0 * urand(), rot = 360.0 * urand();
        if (k == 0) ra = 55.0, dec = -30.0, rot = 30.0;
        if (hits(m, fb, ra, dec, rot, &hb) || hits(m, fe, ra, dec, rot, &he)) {
            CHECK(0);
            break;
        }
        brute_bbox_cam(m, fb, ra, dec, rot, bb);
        CHECK_MSG(hb.n == bb->n && missing_from(bb->v, bb->n, hb.v, hb.n) == 0,
                  "lsstcam bbox (%g, %g, rot %g): %zu pairs, brute force %zu", ra, dec, rot,
                  hb.n, bb->n);
        /* a tract takes part in the bbox rule only through a CCD corner inside it, and the
         * exact rule touches a patch of that tract at that corner: bbox tracts are exact tracts */
        size_t stray = 0;
        for (size_t q = 0; q < hb.n; q++) {
            int found = 0;
            for (size_t r = 0; r < he.n && !found; r++) found = he.v[r].tract == hb.v[q].tract;
            stray += !found;
        }
        CHECK_MSG(stray == 0, "lsstcam (%g, %g, rot %g): %zu bbox pairs in tracts the exact rule "
                  "does not touch", ra, dec, rot, stray);
        sum_e += he.n, sum_b += hb.n;
    }
    /* per CCD, a box is larger than the CCD: more pairs overall */
    CHECK(sum_b > sum_e);
    sky_hits_free(&hb);
    sky_hits_free(&he);
    free(bb);
    sky_footprint_free(fb);
    sky_footprint_free(fe);
}

/* Coadd counting on the cells map: a visit counts once per (tract, patch), and the totals add
 * up; two visits at the same place give every coadd n = 2. */
static void test_agg(const sky_map *m)
{
    sky_footprint *fp = circle(2.0, SKY_OVERLAP_EXACT);
    sky_visit v[2] = {{1, 55.0, -30.0, 0.0, 2}, {2, 55.0, -30.0, 0.0, 2}};
    sky_agg *a = NULL;
    y1_err e;
    CHECK_INT(sky_agg_run(&a, m, fp, v, 2, 2, NULL, NULL, &e), Y1_OK);
    if (a) {
        const sky_totals *t = sky_agg_totals(a);
        sky_hits h = {0};
        hits(m, fp, 55.0, -30.0, 0, &h);
        CHECK_INT(t->warps, 2 * (long)h.n);
        CHECK_INT(t->coadds, (long)h.n);
        CHECK_INT(t->patches, (long)h.n);
        size_t nc;
        const sky_coadd *c = sky_agg_coadds(a, &nc);
        int max_px = 0;
        for (size_t k = 0; k < nc; k++) max_px = c[k].patch_x > max_px ? c[k].patch_x : max_px;
        CHECK_INT(max_px, 9);
        CHECK_INT(c[0].num_visits, 2);
        sky_hits_free(&h);
    }
    sky_agg_free(a);
    sky_footprint_free(fp);
}

/* ---- bad configuration files: file:line:col ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void test_bad_yaml(void)
{
    static const char head[] =
        "name: x\nkind: rings\nversion: 1\nnum_rings: 120\nra_start_deg: 0.0\n"
        "projection: TAN\nrotation_deg: 0.0\npixel_scale_arcsec: 0.2\n"
        "tract_overlap_arcmin: 1.0\n";
    static const struct { const char *tail, *want; } cases[] = {
        /* line 10 onwards follow the common head */
        {"tract_builder: hexagons\n", ":10:16: tract_builder: expected legacy or cells, got 'hexagons'"},
        {"tract_builder: cells\ncell_inner_px: 150\ncell_border_px: 50\ncells_per_patch_inner: 20\n",
         ":1:1: missing key 'cells_in_patch_border' (tract_builder cells)"},
        {"tract_builder: cells\ncell_inner_px: 150\ncell_border_px: 50\ncells_per_patch_inner: 20\n"
         "cells_in_patch_border: 1\npatch_border_px: 100\n",
         ":15:1: 'patch_border_px' does not apply to tract_builder cells"},
        {"tract_builder: legacy\npatch_inner_px: 4000\npatch_border_px: 100\ncell_inner_px: 150\n",
         ":13:1: 'cell_inner_px' does not apply to tract_builder legacy"},
        {"tract_builder: cells\ncell_inner_px: -150\ncell_border_px: 50\ncells_per_patch_inner: 20\n"
         "cells_in_patch_border: 1\n", ":11:16: cell_inner_px: -150 is out of range"},
        {"tract_builder: cells\ncell_inner_px: 150\ncell_border_px: 50\ncells_per_patch_inner: 2\n"
         "cells_in_patch_border: 3\n", "patch_border_px (500) must be smaller than patch_inner_px (300)"},
    };
    char dir[] = "/tmp/y1cellsXXXXXX", path[256], text[1024];
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/map.yaml", dir);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(text, sizeof text, "%s%s", head, cases[k].tail);
        write_file(path, text);
        sky_map *m = NULL;
        y1_err e;
        CHECK_INT(sky_map_new(&m, path, &e), Y1_EINPUT);
        CHECK(m == NULL);
        CHECK_HAS(e.msg, "map.yaml");
        CHECK_HAS(e.msg, cases[k].want);
        sky_map_free(m);
    }
    /* a smaller cells map: 100-px cells, 10 per patch, border 1 cell + 20 = 120 px */
    snprintf(text, sizeof text, "%stract_builder: cells\ncell_inner_px: 100\ncell_border_px: 20\n"
             "cells_per_patch_inner: 10\ncells_in_patch_border: 1\n", head);
    write_file(path, text);
    sky_map *m = NULL;
    y1_err e;
    CHECK_INT(sky_map_new(&m, path, &e), Y1_OK);
    if (m) {
        const sky_map_info *in = sky_map_get_info(m);
        CHECK_INT(in->patch_inner_px, 1000);
        CHECK_INT(in->patch_border_px, 120);
        /* 27,379 px rounded up to 28 patches of 1000: 621 spare, 310 below */
        CHECK_INT(in->patches_x, 28);
        CHECK_NEAR(in->crpix_x, 13689 + 310, 0);
        sky_map_free(m);
    }
    unlink(path);
    rmdir(dir);
}

/* ---- CCD-tract overlaps, detector sets, HEALPix ---- */

static sky_footprint *camera(void)
{
    sky_fp_opts o;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    o.camera_path = CAM;
    sky_footprint *fp = NULL;
    y1_err e;
    if (sky_footprint_new(&fp, &o, &e)) fprintf(stderr, "footprint: %s\n", e.msg);
    return fp;
}

static void test_dimcount(const sky_map *m)
{
    sky_footprint *fp = camera(), *cf = circle(2.0, SKY_OVERLAP_EXACT);
    y1_err e;
    sky_detset one, dp2, all, bad;
    sky_dim_counts c;
    /* the centre CCD alone: R22_S11, detector 94 (raft 10 of 21 counting 3 + 5 + 2, sensor 4) */
    memset(&one, 0, sizeof one);
    one.keep[94] = 1;
    one.n = 1;
    int t = -1;
    sky_tract_info a, b;
    CHECK_INT(sky_find_tract(m, 60.0, -30.0, &t, &e), Y1_OK);
    CHECK_INT(sky_tract_get(m, t, &a, &e), Y1_OK);
    CHECK_INT(sky_tract_get(m, t + 1, &b, &e), Y1_OK);
    CHECK_INT(b.ring, a.ring);
    /* at a tract centre the 0.23-deg CCD is 0.66 deg from any neighbour's 1.67-deg box: 1 tract */
    sky_visit v1 = {7, a.ra_deg, a.dec_deg, 0.0, 2};
    CHECK_INT(sky_dim_count(m, fp, &v1, 1, &one, 1, &c, &e), Y1_OK);
    CHECK_INT(c.visit_detector, 1);
    CHECK_INT(c.visit_detector_tract, 1);
    CHECK_INT(c.visit_tract, 1);
    /* half-way to the next tract of the ring (1.49 deg apart, boxes 0.83 deg from their centres)
     * both boxes hold a corner, the rings above and below (1.49 deg away) none: 2 tracts */
    sky_visit v2 = {8, 0.5 * (a.ra_deg + b.ra_deg), a.dec_deg, 0.0, 2};
    CHECK_INT(sky_dim_count(m, fp, &v2, 1, &one, 1, &c, &e), Y1_OK);
    CHECK_INT(c.visit_detector_tract, 2);
    CHECK_INT(c.visit_tract, 2);
    /* the whole camera there: every CCD in >= 1 tract, the visit in the union */
    CHECK_INT(sky_detset_parse(&all, "all", &e), Y1_OK);
    CHECK_INT(all.n, 189);
    CHECK_INT(sky_dim_count(m, fp, &v2, 1, &all, 1, &c, &e), Y1_OK);
    CHECK_INT(c.visit_detector, 189);
    CHECK(c.visit_detector_tract >= 189 + 1);
    CHECK(c.visit_tract >= 2 && c.visit_tract <= c.visit_detector_tract);
    /* many visits: any thread count gives the same sums; RTN-109's DP2 set drops 17 CCDs, each
     * in at least one tract */
    enum { NV = 300 };
    sky_visit *vs = malloc(NV * sizeof *vs);
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; vs && i < NV; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double u = (double)(x >> 11) / 9007199254740992.0;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double w = (double)(x >> 11) / 9007199254740992.0;
        vs[i] = (sky_visit){i, 360.0 * u, -80.0 + 100.0 * w, 360.0 * w, i % 6};
    }
    sky_dim_counts c1, c3, cd;
    CHECK_INT(sky_detset_parse(&dp2, "rtn109-dp2", &e), Y1_OK);
    CHECK_INT(dp2.n, 172);
    CHECK(!dp2.keep[0] && !dp2.keep[188] && !dp2.keep[120] && dp2.keep[2] && dp2.keep[94]);
    CHECK_INT(sky_dim_count(m, fp, vs, NV, NULL, 1, &c1, &e), Y1_OK);
    CHECK_INT(sky_dim_count(m, fp, vs, NV, NULL, 3, &c3, &e), Y1_OK);
    CHECK_INT(sky_dim_count(m, fp, vs, NV, &dp2, 2, &cd, &e), Y1_OK);
    CHECK_INT(c1.visit_detector_tract, c3.visit_detector_tract);
    CHECK_INT(c1.visit_tract, c3.visit_tract);
    CHECK_INT(c1.visit_detector, 189 * NV);
    CHECK_INT(cd.visit_detector, 172 * NV);
    CHECK(c1.visit_detector_tract - cd.visit_detector_tract >= 17 * NV);
    CHECK(cd.visit_tract <= c1.visit_tract && cd.visit_tract >= NV);
    free(vs);
    /* a circle has no detectors */
    CHECK_INT(sky_dim_count(m, cf, &v1, 1, NULL, 1, &c, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "--footprint lsstcam");
    sky_visit vb = {9, 10.0, 95.0, 0.0, 1};
    CHECK_INT(sky_dim_count(m, fp, &vb, 1, NULL, 1, &c, &e), Y1_EINPUT);
    CHECK_HAS(e.msg, "visit 9");
    /* detector sets */
    CHECK_INT(sky_detset_parse(&bad, "-0,188", &e), Y1_OK);
    CHECK_INT(bad.n, 187);
    CHECK_INT(sky_detset_parse(&bad, "-189", &e), Y1_EUSAGE);
    CHECK_HAS(e.msg, "--detectors: 189 is out of range [0, 188]");
    CHECK_INT(sky_detset_parse(&bad, "-3,3", &e), Y1_EUSAGE);
    CHECK_INT(sky_detset_parse(&bad, "-3,", &e), Y1_EUSAGE);
    CHECK_HAS(e.msg, "--detectors: expected an integer, got ''");
    CHECK_INT(sky_detset_parse(&bad, "-3,4x", &e), Y1_EUSAGE);
    CHECK_HAS(e.msg, "--detectors: expected an integer, got '4x' (detector ids after '-'");
    CHECK_INT(sky_detset_parse(&bad, "-", &e), Y1_EUSAGE);
    CHECK_INT(sky_detset_parse(&bad, "some", &e), Y1_EUSAGE);
    sky_footprint_free(fp);
    sky_footprint_free(cf);
}

static void test_healpix(void)
{
    /* order 0 (Gorski et al. 2005, Fig. 3): faces 0-3 centred at phi = 45, 135, 225, 315 deg
     * and z = 2/3 (dec 41.81), 4-7 at phi = 0, 90, 180, 270 on the equator, 8-11 south */
    const double dn = asin(2.0 / 3.0) / D2R;
    CHECK_INT(sky_healpix_nest(0, 45.0, dn), 0);
    CHECK_INT(sky_healpix_nest(0, 315.0, dn), 3);
    CHECK_INT(sky_healpix_nest(0, 1.0, 0.0), 4);
    CHECK_INT(sky_healpix_nest(0, 90.0, 0.5), 5);
    CHECK_INT(sky_healpix_nest(0, 270.0, -0.5), 7);
    CHECK_INT(sky_healpix_nest(0, 135.0, -dn), 9);
    CHECK_INT(sky_healpix_nest(0, 10.0, 90.0) < 4, 1);
    CHECK_INT(sky_healpix_nest(0, 10.0, -90.0) >= 8, 1);
    /* order 3: a grid uniform in (z, phi) hits all 768 equal-area pixels, each about equally;
     * and a nested pixel of order 3 lies in its order-0 parent (pixel >> 6) */
    enum { NZ = 480, NP = 960, NPIX = 768 };
    int *hist = calloc(NPIX, sizeof *hist), parent_ok = 1;
    for (int i = 0; hist && i < NZ; i++)
        for (int j = 0; j < NP; j++) {
            double z = -1.0 + (i + 0.5) * 2.0 / NZ, ra = (j + 0.5) * 360.0 / NP;
            double dec = asin(z) / D2R;
            int64_t p = sky_healpix_nest(3, ra, dec);
            if (p < 0 || p >= NPIX) { parent_ok = 0; continue; }
            hist[p]++;
            parent_ok &= (p >> 6) == sky_healpix_nest(0, ra, dec);
        }
    int lo = NZ * NP, hi = 0;
    for (int p = 0; hist && p < NPIX; p++) {
        lo = hist[p] < lo ? hist[p] : lo;
        hi = hist[p] > hi ? hist[p] : hi;
    }
    CHECK(parent_ok);
    CHECK(lo > 0);
    /* 600 samples per pixel on average; a grid's edge effects stay within 10 % */
    CHECK_MSG(lo >= 540 && hi <= 660, "samples per pixel %d .. %d, expected 600 +- 60", lo, hi);
    free(hist);
}

int main(void)
{
    sky_map *m = NULL, *dc2 = NULL;
    y1_err e;
    if (sky_map_new(&m, CELLS, &e) || sky_map_new(&dc2, DC2, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    test_geometry(m, dc2);
    test_wcs(m);
    test_unclipped(m, dc2);
    test_circles(m);
    test_lsstcam(m);
    test_agg(m);
    test_bad_yaml();
    test_dimcount(m);
    test_healpix();
    sky_map_free(m);
    sky_map_free(dc2);
    CHECK_DONE();
}
