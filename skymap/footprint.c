/* footprint.c: which (tract, patch) pairs a visit touches, exactly (section 8 of the spec):
 * a pair is hit when the footprint meets the patch's outer sky polygon. Both footprints are
 * tested in each candidate tract's gnomonic plane, where great circles are straight lines: the
 * circle becomes an ellipse and each CCD a convex quadrilateral, and patches are axis-aligned
 * rectangles. Angles in radians inside this file. */
#include <stdlib.h>
#include <string.h>

#include "skymap/sky_internal.h"

/* fmin/fmax honour NaN rules and end up as library calls; these inputs are never NaN */
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }

void sky_fp_opts_init(sky_fp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->kind = SKY_FP_CIRCLE;
    o->radius_deg = 2.0;
    o->rotation = SKY_ROT_VISIT;
}

int sky_footprint_new(sky_footprint **out, const sky_fp_opts *o, y1_err *err)
{
    int rc;
    if (o->kind == SKY_FP_CIRCLE &&
        (!isfinite(o->radius_deg) || o->radius_deg <= 0.0 || o->radius_deg > 30.0))
        return y1_errf(err, Y1_EINPUT, "footprint radius %g deg must be in (0, 30]",
                       o->radius_deg);
    if (o->kind == SKY_FP_LSSTCAM && (!o->camera_path || !*o->camera_path))
        return y1_errf(err, Y1_EUSAGE, "the lsstcam footprint needs a camera YAML file");
    sky_footprint *fp = calloc(1, sizeof *fp);
    if (!fp) return y1_errf(err, Y1_ENOMEM, "footprint: out of memory");
    fp->kind = o->kind;
    fp->rot = o->rotation;
    fp->seed = o->seed;
    if (o->kind == SKY_FP_CIRCLE) {
        fp->radius = o->radius_deg * SKY_D2R;
        snprintf(fp->desc, sizeof fp->desc, "circle, radius %g deg", o->radius_deg);
    } else {
        rc = sky__camera_load(fp, o->camera_path, err);
        if (rc) {
            sky_footprint_free(fp);
            return rc;
        }
        if (o->rotation == SKY_ROT_RANDOM)
            snprintf(fp->desc, sizeof fp->desc, "lsstcam, %d CCDs, rotation random (seed %llu)",
                     fp->nccd, (unsigned long long)o->seed);
        else
            snprintf(fp->desc, sizeof fp->desc, "lsstcam, %d CCDs, rotation rotskypos",
                     fp->nccd);
    }
    *out = fp;
    return Y1_OK;
}

void sky_footprint_free(sky_footprint *fp)
{
    if (!fp) return;
    free(fp->ccd);
    free(fp->slot_x);
    free(fp->slot_y);
    free(fp->slot_ccd);
    free(fp);
}

const char *sky_footprint_describe(const sky_footprint *fp) { return fp->desc; }

int sky_footprint_num_ccds(const sky_footprint *fp)
{
    return fp->kind == SKY_FP_LSSTCAM ? fp->nccd : 189;
}

/* splitmix64 (Steele, Lea and Flood 2014): a counter-based generator, so visit i's draw does not
 * depend on which thread handles it or on the other visits. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double sky_footprint_rotation(const sky_footprint *fp, int64_t visit_id, double rot_deg)
{
    if (fp->rot != SKY_ROT_RANDOM) return rot_deg;
    uint64_t r = mix64(fp->seed ^ mix64((uint64_t)visit_id));
    return (double)(r >> 11) * 0x1.0p-53 * 360.0;
}

void sky_hits_free(sky_hits *h)
{
    if (!h) return;
    free(h->v);
    memset(h, 0, sizeof *h);
}

void sky__work_free(sky_work *w)
{
    if (!w) return;
    free(w->keys);
    free(w->tracts);
    free(w->mark);
    memset(w, 0, sizeof *w);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* ---- candidate tracts: centre within D of the boresight (a superset is fine) ---- */

static int add_tract(sky_work *w, int t)
{
    if (grow((void **)&w->tracts, &w->captracts, w->ntracts + 1, sizeof *w->tracts)) return -1;
    w->tracts[w->ntracts++] = t;
    return 0;
}

static int candidates(const sky_map *m, double ra, double dec, double D, sky_work *w)
{
    const double eps = 1e-9; /* generous: extra candidates only cost time */
    int nr = m->info.num_rings;
    w->ntracts = 0;
    if (dec + 0.5 * SKY_PI <= D + eps && add_tract(w, 0)) return -1;
    double cosD = cos(D), sd = sin(dec), cd = cos(dec);
    /* ring centres are at ring_size*(i+1) - pi/2 */
    int ilo = (int)floor((dec - D + 0.5 * SKY_PI) / m->ring_size) - 2;
    int ihi = (int)ceil((dec + D + 0.5 * SKY_PI) / m->ring_size);
    if (ilo < 0) ilo = 0;
    if (ihi > nr - 1) ihi = nr - 1;
    for (int i = ilo; i <= ihi; i++) {
        int n = m->ring_n[i], first = m->ring_first[i];
        double step = 2.0 * SKY_PI / n;
        /* cos(angle) = sd*sd_i + cd*cd_i*cos(dra) >= cos(D) */
        double num = cosD - sd * m->ring_sd[i], den = cd * m->ring_cd[i];
        double dra;
        if (den < 1e-12) {
            if (num > eps) continue;
            dra = SKY_PI;
        } else {
            double x = num / den;
            if (x > 1.0 + eps) continue;
            dra = x <= -1.0 ? SKY_PI : acos(dmin(x, 1.0)) + eps;
        }
        if (2.0 * dra + step >= 2.0 * SKY_PI) {
            for (int t = 0; t < n; t++)
                if (add_tract(w, first + t)) return -1;
            continue;
        }
        long klo = (long)ceil((ra - dra - m->ra_start) / step);
        long khi = (long)floor((ra + dra - m->ra_start) / step);
        for (long k = klo; k <= khi; k++) {
            long t = ((k % n) + n) % n;
            if (add_tract(w, first + (int)t)) return -1;
        }
    }
    if (0.5 * SKY_PI - dec <= D + eps && add_tract(w, m->info.num_tracts - 1)) return -1;
    return 0;
}

/* ---- circle: cap {p : p.v >= cos r} in tract t's plane ----
 * A plane point (xi, eta) is the direction c + xi e + eta n. With a = v.c, b = v.e, d = v.n and
 * k = cos r, the cap is (a + b xi + d eta)^2 >= k^2 (1 + xi^2 + eta^2) on the side a + ... > 0.
 * When the cap lies within 90 deg of c (w = a^2 - sin^2 r > 0) this is the inside of an ellipse
 * centred at (a b, a d)/w with half-widths sin r sqrt(k^2 - d^2)/w in xi and
 * sin r sqrt(k^2 - b^2)/w in eta; its boundary at xi = xc + u is
 * eta = yc + (b d u +- k sqrt(w (hx^2 - u^2)))/(k^2 - d^2).
 * A convex set meets the strip of patch column i in a convex set, whose eta extent runs from the
 * lower boundary at the clamp of its lowest point to the upper boundary at the clamp of its
 * highest point: so each column needs two boundary evaluations and each patch one comparison. */
static void circle_tract(const sky_map *m, int t, const double v[3], double k, double sr,
                         sky_work *w)
{
    const double *tv = m->tv + 9 * (size_t)t;
    double a = sky__dot(v, tv), b = sky__dot(v, tv + 3), d = sky__dot(v, tv + 6);
    double wq = a * a - sr * sr;
    if (a <= 0.0 || wq <= 0.0) return; /* excluded by the radius and tract-size limits */
    double k2 = k * k, kb = k2 - b * b, kd = k2 - d * d;
    double xc = a * b / wq, yc = a * d / wq;
    double hx = sr * sqrt(kd) / wq, hy = sr * sqrt(kb) / wq;
    if (xc - hx > m->box_xi[1] || xc + hx < m->box_xi[0] || yc - hy > m->box_eta[1] ||
        yc + hy < m->box_eta[0])
        return;
    double off = sr * b * d / (wq * sqrt(kb)); /* xi offset of the highest point */
    double bd = b * d, hx2 = hx * hx;
    int npx = m->info.patches_x, npy = m->info.patches_y;
    uint32_t base = (uint32_t)t * (uint32_t)m->npatch;
    for (int i = 0; i < npx; i++) {
        double lo = dmax(m->col_xi[2 * i], xc - hx), hi = dmin(m->col_xi[2 * i + 1], xc + hx);
        if (lo > hi) continue;
        double u = dmin(dmax(xc + off, lo), hi) - xc;
        double q = wq * (hx2 - u * u);
        double etahi = yc + (bd * u + k * sqrt(q > 0.0 ? q : 0.0)) / kd;
        u = dmin(dmax(xc - off, lo), hi) - xc;
        q = wq * (hx2 - u * u);
        double etalo = yc + (bd * u - k * sqrt(q > 0.0 ? q : 0.0)) / kd;
        for (int j = 0; j < npy; j++)
            if (m->row_eta[2 * j] <= etahi && m->row_eta[2 * j + 1] >= etalo)
                w->keys[w->nkeys++] = base + (uint32_t)(i * npy + j);
    }
}

/* ---- lsstcam: grown CCD boxes, mapped into tract t's plane by a homography ----
 * A focal-plane point (x, y) (rad) is the direction b + x U + y V; its tract-plane position is
 * (X/Z, Y/Z) with X, Y, Z linear in (1, x, y). Lines stay lines, so each CCD is a convex
 * quadrilateral there, tested against the patch rectangles with separating axes. */
typedef struct cam_visit {
    double b[3], U[3], V[3];
} cam_visit;

/* quad p[4][2] (convex) vs rectangle; the bounding boxes are known to overlap */
static int quad_meets_rect(double p[4][2], double sgn, double x0, double x1, double y0,
                           double y1)
{
    for (int e = 0; e < 4; e++) {
        const double *a = p[e], *c = p[(e + 1) & 3];
        /* outward normal of edge a->c for a counter-clockwise quad (sgn flips a clockwise one) */
        double nx = sgn * (c[1] - a[1]), ny = -sgn * (c[0] - a[0]);
        double rmin = (nx > 0 ? nx * x0 : nx * x1) + (ny > 0 ? ny * y0 : ny * y1);
        if (rmin > nx * a[0] + ny * a[1]) return 0; /* the whole rectangle is outside this edge */
    }
    return 1;
}

/* Patch indices along one axis whose outer box may overlap the pixel range [lo, hi]
 * (conservative by a pixel; truncation equals floor here because negatives clamp to 0). */
static inline void patch_range(double lo, double hi, const sky_map *m, int np, int *a, int *b)
{
    double inner = m->info.patch_inner_px, border = m->info.patch_border_px;
    double fa = (lo - inner - border) * m->inv_inner, fb = (hi + border + 1.0) * m->inv_inner;
    *a = fa < 0 ? 0 : fa > np ? np : (int)fa;
    *b = fb < 0 ? -1 : fb > np - 1 ? np - 1 : (int)fb;
}

static void cam_tract(const sky_map *m, const sky_footprint *fp, int t, const cam_visit *cv,
                      sky_work *w)
{
    const double *tv = m->tv + 9 * (size_t)t, *c = tv, *e = tv + 3, *n = tv + 6;
    double hx0 = sky__dot(cv->b, e), hx1 = sky__dot(cv->U, e), hx2 = sky__dot(cv->V, e);
    double hy0 = sky__dot(cv->b, n), hy1 = sky__dot(cv->U, n), hy2 = sky__dot(cv->V, n);
    double hz0 = sky__dot(cv->b, c), hz1 = sky__dot(cv->U, c), hz2 = sky__dot(cv->V, c);

    /* Which CCD slots can touch this tract: the tract box mapped back into the focal plane.
     * A tract direction c + xi e + eta n has focal coordinates (D.U / D.b, D.V / D.b). */
    double fxlo = INFINITY, fxhi = -INFINITY, fylo = INFINITY, fyhi = -INFINITY;
    for (int q = 0; q < 4; q++) {
        double xi = m->box_xi[q & 1], eta = m->box_eta[q >> 1];
        double db = hz0 + xi * hx0 + eta * hy0;
        if (db <= 0.0) return; /* box corner beyond 90 deg of the boresight: cannot be a candidate */
        double fx = (hz1 + xi * hx1 + eta * hy1) / db, fy = (hz2 + xi * hx2 + eta * hy2) / db;
        fxlo = dmin(fxlo, fx), fxhi = dmax(fxhi, fx);
        fylo = dmin(fylo, fy), fyhi = dmax(fyhi, fy);
    }
    int kx0 = 0, kx1 = fp->nslot_x - 1, ky0 = 0, ky1 = fp->nslot_y - 1;
    while (kx0 <= kx1 && fp->slot_x[2 * kx0 + 1] < fxlo) kx0++;
    while (kx1 >= kx0 && fp->slot_x[2 * kx1] > fxhi) kx1--;
    while (ky0 <= ky1 && fp->slot_y[2 * ky0 + 1] < fylo) ky0++;
    while (ky1 >= ky0 && fp->slot_y[2 * ky1] > fyhi) ky1--;
    if (kx0 > kx1 || ky0 > ky1) return;

    int npx = m->info.patches_x, npy = m->info.patches_y;
    unsigned char *mark = w->mark;
    memset(mark, 0, (size_t)m->npatch);
    uint32_t base = (uint32_t)t * (uint32_t)m->npatch;
    for (int ky = ky0; ky <= ky1; ky++)
        for (int kx = kx0; kx <= kx1; kx++) {
            int id = fp->slot_ccd[ky * fp->nslot_x + kx];
            if (id < 0) continue;
            const double *r = fp->ccd[id];
            /* Cheap look first: the CCD lies within rho of its projected centre (angles shrink
             * from the focal plane to the sky, and the tract plane stretches them by at most
             * 1/cos^2 of the distance from the tract centre, < 1.02 within 10 deg). Skip it
             * when that disk misses the tract or covers only patches already hit. */
            {
                double xc = 0.5 * (r[0] + r[1]), yc = 0.5 * (r[2] + r[3]);
                double iz = 1.0 / (hz0 + xc * hz1 + yc * hz2);
                double cx = (hx0 + xc * hx1 + yc * hx2) * iz, cy = (hy0 + xc * hy1 + yc * hy2) * iz;
                double rho = 1.02 * fp->ccd_hd;
                if (cx - rho > m->box_xi[1] || cx + rho < m->box_xi[0] ||
                    cy - rho > m->box_eta[1] || cy + rho < m->box_eta[0])
                    continue;
                int a0, a1, b0, b1, all = 1;
                patch_range(m->info.crpix_x - (cx + rho) * m->inv_scale,
                            m->info.crpix_x - (cx - rho) * m->inv_scale, m, npx, &a0, &a1);
                patch_range(m->info.crpix_y + (cy - rho) * m->inv_scale,
                            m->info.crpix_y + (cy + rho) * m->inv_scale, m, npy, &b0, &b1);
                for (int i = a0; all && i <= a1; i++)
                    for (int j = b0; all && j <= b1; j++) all = mark[i * npy + j];
                if (all) continue;
            }
            double p[4][2];
            double qxlo = INFINITY, qxhi = -INFINITY, qylo = INFINITY, qyhi = -INFINITY;
            for (int q = 0; q < 4; q++) {
                /* counter-clockwise in the focal plane: (x0,y0) (x1,y0) (x1,y1) (x0,y1) */
                double x = r[((q + 1) >> 1) & 1], y = r[2 + (q >> 1)];
                double Z = hz0 + x * hz1 + y * hz2, iz = 1.0 / Z;
                p[q][0] = (hx0 + x * hx1 + y * hx2) * iz;
                p[q][1] = (hy0 + x * hy1 + y * hy2) * iz;
                qxlo = dmin(qxlo, p[q][0]), qxhi = dmax(qxhi, p[q][0]);
                qylo = dmin(qylo, p[q][1]), qyhi = dmax(qyhi, p[q][1]);
            }
            if (qxlo > m->box_xi[1] || qxhi < m->box_xi[0] || qylo > m->box_eta[1] ||
                qyhi < m->box_eta[0])
                continue;
            double area2 = (p[1][0] - p[0][0]) * (p[2][1] - p[0][1]) -
                           (p[1][1] - p[0][1]) * (p[2][0] - p[0][0]);
            double sgn = area2 > 0 ? 1.0 : -1.0;
            /* Patch columns and rows that may overlap the quad's box, from the regular grid
             * (one extra each side for rounding); the exact interval test below decides. */
            int i0, i1, j0, j1;
            patch_range(m->info.crpix_x - qxhi * m->inv_scale, m->info.crpix_x - qxlo * m->inv_scale,
                        m, npx, &i0, &i1);
            patch_range(m->info.crpix_y + qylo * m->inv_scale, m->info.crpix_y + qyhi * m->inv_scale,
                        m, npy, &j0, &j1);
            for (int i = i0; i <= i1; i++) {
                double x0 = m->col_xi[2 * i], x1 = m->col_xi[2 * i + 1];
                if (x0 > qxhi || x1 < qxlo) continue;
                for (int j = j0; j <= j1; j++) {
                    double y0 = m->row_eta[2 * j], y1 = m->row_eta[2 * j + 1];
                    if (y0 > qyhi || y1 < qylo || mark[i * npy + j]) continue;
                    /* a rectangle holding the whole quad's bounding box needs no edge test */
                    if ((x0 <= qxlo && x1 >= qxhi && y0 <= qylo && y1 >= qyhi) ||
                        quad_meets_rect(p, sgn, x0, x1, y0, y1)) {
                        mark[i * npy + j] = 1;
                        w->keys[w->nkeys++] = base + (uint32_t)(i * npy + j);
                    }
                }
            }
        }
}

static void cam_axes(double ra, double dec, double rot, cam_visit *cv)
{
    double sa = sin(ra), ca = cos(ra), sd = sin(dec), cd = cos(dec);
    double E[3] = {-sa, ca, 0.0}, N[3] = {-sd * ca, -sd * sa, cd};
    double cr = cos(rot), sr = sin(rot);
    sky__vec(ra, dec, cv->b);
    /* focal +y points rot east of north, focal +x rot south of east (no parity flip) */
    for (int q = 0; q < 3; q++) {
        cv->U[q] = cr * E[q] - sr * N[q];
        cv->V[q] = sr * E[q] + cr * N[q];
    }
}

int sky__visit(const sky_map *m, const sky_footprint *fp, double ra, double dec, double rot,
               sky_work *w)
{
    double reach = fp->kind == SKY_FP_CIRCLE ? fp->radius : fp->bound;
    w->nkeys = 0;
    if (candidates(m, ra, dec, reach + m->half_diag + 1e-6, w)) return Y1_ENOMEM;
    if (grow((void **)&w->keys, &w->capkeys, w->ntracts * (size_t)m->npatch, sizeof *w->keys))
        return Y1_ENOMEM;
    if (fp->kind == SKY_FP_CIRCLE) {
        double v[3];
        sky__vec(ra, dec, v);
        double k = cos(fp->radius), sr = sin(fp->radius);
        for (size_t q = 0; q < w->ntracts; q++) circle_tract(m, w->tracts[q], v, k, sr, w);
    } else {
        if (grow((void **)&w->mark, &w->capmark, (size_t)m->npatch, 1)) return Y1_ENOMEM;
        cam_visit cv;
        cam_axes(ra, dec, rot, &cv);
        for (size_t q = 0; q < w->ntracts; q++) cam_tract(m, fp, w->tracts[q], &cv, w);
    }
    return Y1_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int sky_footprint_patches(const sky_map *m, const sky_footprint *fp, double ra_deg,
                          double dec_deg, double rot_deg, sky_hits *out, y1_err *err)
{
    int rc = sky__check_coord(ra_deg, dec_deg, err);
    if (rc) return rc;
    if (!isfinite(rot_deg)) return y1_errf(err, Y1_EINPUT, "rotation %g is not finite", rot_deg);
    sky_work w;
    memset(&w, 0, sizeof w);
    rc = sky__visit(m, fp, ra_deg * SKY_D2R, dec_deg * SKY_D2R, rot_deg * SKY_D2R, &w);
    if (rc) goto done;
    qsort(w.keys, w.nkeys, sizeof *w.keys, cmp_u32);
    size_t cap = out->cap;
    if (grow((void **)&out->v, &cap, w.nkeys, sizeof *out->v)) {
        rc = Y1_ENOMEM;
        goto done;
    }
    out->cap = cap;
    int np = m->npatch, npy = m->info.patches_y;
    for (size_t q = 0; q < w.nkeys; q++) {
        uint32_t key = w.keys[q];
        out->v[q].tract = (int)(key / (uint32_t)np);
        out->v[q].patch_x = (int)(key % (uint32_t)np) / npy;
        out->v[q].patch_y = (int)(key % (uint32_t)np) % npy;
    }
    out->n = w.nkeys;
done:
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "footprint: out of memory");
    sky__work_free(&w);
    return rc;
}
