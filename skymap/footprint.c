/* footprint.c: which (tract, patch) pairs a visit touches, exactly (section 8 of the spec):
 * a pair is hit when the footprint meets the patch's outer sky polygon. Both footprints are
 * tested in each candidate tract's gnomonic plane, where great circles are straight lines: the
 * circle becomes an ellipse and each CCD a convex quadrilateral, and patches are axis-aligned
 * rectangles. The LSST stack's bounding-box rule (findPatchList) is here too, as an option.
 * Angles in radians inside this file. */
#include <stdlib.h>
#include <string.h>

#include "skymap/sky_internal.h"
#include "common/y1_grow.h"

/* the circle batch has an AVX2 build beside the baseline one (see circle_batch) */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SKY_AVX2 1
#endif

/* trailing zeros, 64 for 0 (one tzcnt where BMI is enabled) */
static inline uint32_t ctz64(uint64_t x) { return x ? (uint32_t)__builtin_ctzll(x) : 64u; }

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
    fp->overlap = o->overlap;
    fp->rot = o->rotation;
    fp->seed = o->seed;
#ifdef SKY_AVX2
    fp->avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
    fp->avx512 = fp->avx2 && __builtin_cpu_supports("avx512f") &&
                 __builtin_cpu_supports("avx512dq");
#endif
    if (o->kind == SKY_FP_CIRCLE) {
        fp->radius = o->radius_deg * SKY_D2R;
        snprintf(fp->desc, sizeof fp->desc, "circle, radius %g deg", o->radius_deg);
    } else {
        rc = sky__camera_load(fp, o->camera_path, err);
        fp->nccd_on = fp->nccd;
        if (!rc && o->ccd_keep) rc = sky__camera_drop(fp, o->ccd_keep, fp->nccd, err);
        if (rc) {
            sky_footprint_free(fp);
            return rc;
        }
        char ccds[40];
        if (fp->holes) snprintf(ccds, sizeof ccds, "%d of %d CCDs", fp->nccd_on, fp->nccd);
        else snprintf(ccds, sizeof ccds, "%d CCDs", fp->nccd);
        if (o->rotation == SKY_ROT_RANDOM)
            snprintf(fp->desc, sizeof fp->desc, "lsstcam, %s, rotation random (seed %llu)",
                     ccds, (unsigned long long)o->seed);
        else
            snprintf(fp->desc, sizeof fp->desc, "lsstcam, %s, rotation rotskypos", ccds);
    }
    if (o->overlap == SKY_OVERLAP_BBOX) {
        size_t l = strlen(fp->desc);
        snprintf(fp->desc + l, sizeof fp->desc - l, ", bounding-box rule");
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
    free(fp->ccd_on);
    free(fp->ax_x.ge);
    free(fp->ax_x.le);
    free(fp->ax_y.ge);
    free(fp->ax_y.le);
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
    free(w->ccdv);
    free(w->exq);
    free(w->exh);
    free(w->colv);
    memset(w, 0, sizeof *w);
}

static int grow(void *p, size_t *cap, size_t need, size_t size)
{
    return y1_grow(p, cap, need, size, 64) ? -1 : 0;
}

/* ---- candidate tracts: centre within D of the boresight (a superset is fine) ---- */

static int add_tract(sky_work *w, int t)
{
    if (grow((void **)&w->tracts, &w->captracts, w->ntracts + 1, sizeof *w->tracts)) return -1;
    w->tracts[w->ntracts++] = t;
    return 0;
}

/* An upper bound of acos(x), x in [-1, 1], within 1.7e-4 rad of it: Abramowitz and Stegun
 * 4.4.45, acos(x) = sqrt(1 - x) (a0 + a1 x + a2 x^2 + a3 x^3) + e on [0, 1] (stated |e| <=
 * 5e-5; with the printed coefficients it reaches 6.8e-5, which the tests check), and
 * acos(x) = pi - acos(-x) below 0, raised by 1e-4. Cheaper than libm's, and the candidates
 * only need a span at least as wide as the true one. */
double sky__acos_above(double x)
{
    double y = x < 0.0 ? -x : x;
    double p = sqrt(1.0 - y) * (1.5707288 + y * (-0.2121144 + y * (0.0742610 - 0.0187293 * y)));
    return (x < 0.0 ? SKY_PI - p : p) + 1e-4;
}

/* sd, cd: sin and cos of dec */
static int candidates(const sky_map *m, double ra, double dec, double sd, double cd, double D,
                      sky_work *w)
{
    const double eps = 1e-9; /* generous: extra candidates only cost time */
    int nr = m->info.num_rings;
    w->ntracts = 0;
    if (dec + 0.5 * SKY_PI <= D + eps && add_tract(w, 0)) return -1;
    if (w->memo_d != D) w->memo_d = D, w->memo_cosd = cos(D); /* the same D every visit */
    double cosD = w->memo_cosd;
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
            dra = x <= -1.0 ? SKY_PI : sky__acos_above(dmin(x, 1.0));
        }
        if (2.0 * dra + step >= 2.0 * SKY_PI) {
            for (int t = 0; t < n; t++)
                if (add_tract(w, first + t)) return -1;
            continue;
        }
        long klo = (long)ceil((ra - dra - m->ra_start) / step);
        long khi = (long)floor((ra + dra - m->ra_start) / step);
        long t = klo % n; /* one division per ring, then wrap by hand */
        if (t < 0) t += n;
        size_t span = khi >= klo ? (size_t)(khi - klo + 1) : 0;
        if (grow((void **)&w->tracts, &w->captracts, w->ntracts + span, sizeof *w->tracts))
            return -1;
        for (long k = klo; k <= khi; k++) {
            w->tracts[w->ntracts++] = first + (int)t;
            if (++t == n) t = 0;
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
 * highest point: so each column needs two boundary evaluations and each patch one comparison.
 * Fills lo[i] > hi[i] for columns the cap misses; returns 0 when it misses the whole tract. */
int sky__circle_cols(const sky_map *m, int t, const double v[3], double k, double sr,
                     double *lo_eta, double *hi_eta)
{
    const double *tv = m->tv + 9 * (size_t)t;
    double a = sky__dot(v, tv), b = sky__dot(v, tv + 3), d = sky__dot(v, tv + 6);
    double wq = a * a - sr * sr;
    if (a <= 0.0 || wq <= 0.0) return 0; /* excluded by the radius and tract-size limits */
    double k2 = k * k, kb = k2 - b * b, kd = k2 - d * d;
    double xc = a * b / wq, yc = a * d / wq;
    double hx = sr * sqrt(kd) / wq, hy = sr * sqrt(kb) / wq;
    if (xc - hx > m->box_xi[1] || xc + hx < m->box_xi[0] || yc - hy > m->box_eta[1] ||
        yc + hy < m->box_eta[0])
        return 0;
    double off = sr * b * d / (wq * sqrt(kb)); /* xi offset of the highest point */
    double bd = b * d, hx2 = hx * hx, ikd = 1.0 / kd; /* one division per tract, not per column */
    int npx = m->info.patches_x;
    for (int i = 0; i < npx; i++) {
        double lo = dmax(m->col_xi[2 * i], xc - hx), hi = dmin(m->col_xi[2 * i + 1], xc + hx);
        if (lo > hi) {
            lo_eta[i] = 1.0, hi_eta[i] = -1.0;
            continue;
        }
        double u = dmin(dmax(xc + off, lo), hi) - xc;
        double q = wq * (hx2 - u * u);
        hi_eta[i] = yc + (bd * u + k * sqrt(q > 0.0 ? q : 0.0)) * ikd;
        u = dmin(dmax(xc - off, lo), hi) - xc;
        q = wq * (hx2 - u * u);
        lo_eta[i] = yc + (bd * u - k * sqrt(q > 0.0 ? q : 0.0)) * ikd;
    }
    return 1;
}

static void circle_tract(const sky_map *m, int t, const double v[3], double k, double sr,
                         sky_work *w)
{
    double lo[64], hi[64]; /* patches_x <= 64 is checked when the map is loaded */
    if (!sky__circle_cols(m, t, v, k, sr, lo, hi)) return;
    int npx = m->info.patches_x, npy = m->info.patches_y;
    uint32_t base = (uint32_t)t * (uint32_t)m->npatch;
    for (int i = 0; i < npx; i++) {
        if (lo[i] > hi[i]) continue;
        /* Rows' eta ranges increase with j at both ends, so the rows a column's [lo, hi] meets
         * are one run j0..n1-1: j0 rows end below lo, n1 rows start at or below hi. The
         * uniform pitch gives each count to within one; one comparison each way settles it
         * (the padded edges are -inf and +inf), with no branch to mispredict. */
        double gl = dmin(dmax(lo[i] * m->row_inv_pitch + m->row_hi_c, 0.0), npy);
        double gh = dmin(dmax(hi[i] * m->row_inv_pitch + m->row_lo_c, 0.0), npy);
        int j0 = (int)gl, n1 = (int)gh; /* floors: both are >= 0 */
        j0 += m->hi_pad[j0 + 1] < lo[i];
        j0 -= m->hi_pad[j0] >= lo[i];
        n1 += m->lo_pad[n1 + 1] <= hi[i];
        n1 -= m->lo_pad[n1] > hi[i];
        if (j0 >= n1) continue;
        uint32_t k0 = base + (uint32_t)(i * npy);
        if (w->runs) {
            w->keys[w->nkeys++] = k0 + (uint32_t)j0;
            w->keys[w->nkeys++] = k0 + (uint32_t)n1;
        } else {
            for (int j = j0; j < n1; j++) w->keys[w->nkeys++] = k0 + (uint32_t)j;
        }
    }
}

/* ---- circle, the production path: a visit's candidate tracts in batches ----
 * The same numbers as sky__circle_cols and the same row runs as circle_tract, with the loops
 * turned inside out: each step runs over the batch's tracts, which the compiler turns into
 * SIMD lanes (divisions and square roots two or four at a time), and no branch depends on the
 * data until the runs are listed. */
enum { CIRCLE_BATCH = 16 };

/* On x86-64 the batch is built twice: as the baseline (SSE2, two lanes) and for AVX2 (four),
 * which sky_footprint_new picks when the CPU has it (fp->avx2; the tests run both). AVX2 does
 * not bring FMA, and the file is built with -ffp-contract=off anyway: each build rounds every
 * operation as written, so both give the same bits. */
static inline __attribute__((always_inline)) void
circle_batch_body(const sky_map *m, const int *tracts, int n, const double v[3], double k,
                  double sr, double full, sky_work *w)
{
    enum { B = CIRCLE_BATCH };
    double a[B], b[B], d[B], xc[B], yc[B], hx[B], hy[B], wq[B], off[B], bd[B], hx2[B], ikd[B];
    int tr[B];
    const double k2 = k * k, sr2 = sr * sr;
    const double bx0 = m->box_xi[0], bx1 = m->box_xi[1], by0 = m->box_eta[0], by1 = m->box_eta[1];
    for (int q = 0; q < n; q++) {
        const double *tv = m->tv + 9 * (size_t)tracts[q];
        a[q] = sky__dot(v, tv), b[q] = sky__dot(v, tv + 3), d[q] = sky__dot(v, tv + 6);
    }
    /* sky__circle_cols's ellipse, expression for expression (a tract the cap misses may give
     * NaN here: nothing traps, and the box test below drops it) */
    for (int q = 0; q < n; q++) {
        double wqq = a[q] * a[q] - sr2;
        double kb = k2 - b[q] * b[q], kd = k2 - d[q] * d[q];
        xc[q] = a[q] * b[q] / wqq, yc[q] = a[q] * d[q] / wqq;
        hx[q] = sr * sqrt(kd) / wqq, hy[q] = sr * sqrt(kb) / wqq;
        off[q] = sr * b[q] * d[q] / (wqq * sqrt(kb));
        bd[q] = b[q] * d[q], hx2[q] = hx[q] * hx[q], ikd[q] = 1.0 / kd, wq[q] = wqq;
    }
    /* its box test; the tracts the cap reaches move to the front (an index never grows).
     * A tract whose centre is within r - half_diag of v lies wholly inside the cap (its box is
     * within half_diag of its centre): every column's run is all its rows, as the ellipse,
     * which then holds the box with room to spare, would give. */
    int nin = 0, npx = m->info.patches_x, npy = m->info.patches_y;
    for (int q = 0; q < n; q++) {
        int in = (a[q] > 0.0) & (wq[q] > 0.0) & !(xc[q] - hx[q] > bx1) & !(xc[q] + hx[q] < bx0) &
                 !(yc[q] - hy[q] > by1) & !(yc[q] + hy[q] < by0);
        if (a[q] >= full) {
            uint32_t base = (uint32_t)tracts[q] * (uint32_t)m->npatch;
            for (int i = 0; i < npx; i++) {
                uint32_t k0 = base + (uint32_t)(i * npy);
                if (w->runs) {
                    w->keys[w->nkeys++] = k0;
                    w->keys[w->nkeys++] = k0 + (uint32_t)npy;
                } else {
                    for (int j = 0; j < npy; j++) w->keys[w->nkeys++] = k0 + (uint32_t)j;
                }
            }
            in = 0;
        }
        xc[nin] = xc[q], yc[nin] = yc[q], hx[nin] = hx[q], wq[nin] = wq[q];
        off[nin] = off[q], bd[nin] = bd[q], hx2[nin] = hx2[q], ikd[nin] = ikd[q];
        tr[nin] = tracts[q];
        nin += in;
    }
    if (!nin) return;
    /* a multiple of 4 for the SIMD loops below: copies of the last tract, whose runs are not
     * listed, save the loops' scalar tail */
    int nv = (nin + 3) & ~3;
    for (int q = nin; q < nv; q++) {
        xc[q] = xc[nin - 1], yc[q] = yc[nin - 1], hx[q] = hx[nin - 1], wq[q] = wq[nin - 1];
        off[q] = off[nin - 1], bd[q] = bd[nin - 1], hx2[q] = hx2[nin - 1], ikd[q] = ikd[nin - 1];
    }
    /* Per column and tract: the eta extent, (1, -1) where the column misses the cap, which
     * gives no run below (every row end is within tan 20 deg < 1 of the tract centre, see
     * sky_map_new), and circle_tract's estimates of the run's ends. */
    double lo_eta[64][B], hi_eta[64][B], g0[64][B], g1[64][B]; /* patches_x <= 64 (on load) */
    const double ip = m->row_inv_pitch, chi = m->row_hi_c, clo = m->row_lo_c, fy = npy;
    for (int i = 0; i < npx; i++) {
        double cl = m->col_xi[2 * i], ch = m->col_xi[2 * i + 1];
        for (int q = 0; q < nv; q++) {
            double lo = dmax(cl, xc[q] - hx[q]), hi = dmin(ch, xc[q] + hx[q]);
            double u = dmin(dmax(xc[q] + off[q], lo), hi) - xc[q];
            double qq = wq[q] * (hx2[q] - u * u);
            double he = yc[q] + (bd[q] * u + k * sqrt(qq > 0.0 ? qq : 0.0)) * ikd[q];
            u = dmin(dmax(xc[q] - off[q], lo), hi) - xc[q];
            qq = wq[q] * (hx2[q] - u * u);
            double le = yc[q] + (bd[q] * u - k * sqrt(qq > 0.0 ? qq : 0.0)) * ikd[q];
            le = lo > hi ? 1.0 : le;
            he = lo > hi ? -1.0 : he;
            lo_eta[i][q] = le, hi_eta[i][q] = he;
            g0[i][q] = dmin(dmax(le * ip + chi, 0.0), fy);
            g1[i][q] = dmin(dmax(he * ip + clo, 0.0), fy);
        }
    }
    /* circle_tract's runs. Its one-step corrections of the estimates are both read from the
     * estimate here: the row ends increase, so at most one of each pair holds, and taking
     * them one after the other (as circle_tract does) gives the same count. */
    const double *hp = m->hi_pad, *lp = m->lo_pad;
    uint32_t *keys = w->keys;
    size_t nk = w->nkeys;
    for (int q = 0; q < nin; q++) {
        uint32_t base = (uint32_t)tr[q] * (uint32_t)m->npatch;
        for (int i = 0; i < npx; i++) {
            double lo = lo_eta[i][q], hi = hi_eta[i][q];
            int j0 = (int)g0[i][q], n1 = (int)g1[i][q]; /* floors: both are >= 0 */
            j0 += (hp[j0 + 1] < lo) - (hp[j0] >= lo);
            n1 += (lp[n1 + 1] <= hi) - (lp[n1] > hi);
            uint32_t k0 = base + (uint32_t)(i * npy);
            if (w->runs) { /* written whatever j0 and n1 are, kept when the run is not empty */
                keys[nk] = k0 + (uint32_t)j0;
                keys[nk + 1] = k0 + (uint32_t)n1;
                nk += 2 * (size_t)(j0 < n1);
            } else {
                for (int j = j0; j < n1; j++) keys[nk++] = k0 + (uint32_t)j;
            }
        }
    }
    w->nkeys = nk;
}

static void circle_batch_base(const sky_map *m, const int *tracts, int n, const double v[3],
                              double k, double sr, double full, sky_work *w)
{
    circle_batch_body(m, tracts, n, v, k, sr, full, w);
}

#ifdef SKY_AVX2
__attribute__((target("avx2"))) static void
circle_batch_avx2(const sky_map *m, const int *tracts, int n, const double v[3], double k,
                  double sr, double full, sky_work *w)
{
    circle_batch_body(m, tracts, n, v, k, sr, full, w);
}
#endif

static void circle_batch(const sky_footprint *fp, const sky_map *m, const int *tracts, int n,
                         const double v[3], double k, double sr, double full, sky_work *w)
{
#ifdef SKY_AVX2
    if (fp->avx2) {
        circle_batch_avx2(m, tracts, n, v, k, sr, full, w);
        return;
    }
#endif
    (void)fp;
    circle_batch_base(m, tracts, n, v, k, sr, full, w);
}

/* ---- lsstcam ----
 * Which patches the 189 grown CCD boxes touch. Per tract, the cross that holds the CCDs (the
 * occ boxes) is mapped into the tract plane, and each patch column's rows are sorted into
 * misses (they miss the cross), sure hits (the cross reaches well inside them, and no CCD is
 * dropped) and the rest, decided exactly in the focal plane (cam_exact). A tract-plane point
 * (xi, eta) is the direction D = c + xi e + eta n, whose focal-plane position is
 * (D.U / D.b, D.V / D.b): a homography, so the patch's sky polygon becomes a convex
 * quadrilateral there, tested against the axis-aligned CCD boxes with separating axes. */
typedef struct cam_visit {
    double b[3], U[3], V[3];
} cam_visit;

/* convex quad p[4][2] vs rectangle [x0, x1] x [y0, y1] whose bounding boxes overlap:
 * they are disjoint only if the rectangle lies wholly outside one of the quad's edges */
static inline __attribute__((always_inline)) int
quad_meets_rect(double p[4][2], double sgn, double x0, double x1, double y0, double y1)
{
    for (int e = 0; e < 4; e++) {
        const double *a = p[e], *c = p[(e + 1) & 3];
        /* outward normal of edge a->c for a counter-clockwise quad (sgn flips a clockwise one) */
        double nx = sgn * (c[1] - a[1]), ny = -sgn * (c[0] - a[0]);
        double rmin = (nx > 0 ? nx * x0 : nx * x1) + (ny > 0 ? ny * y0 : ny * y1);
        if (rmin > nx * a[0] + ny * a[1]) return 0;
    }
    return 1;
}

/* Slots (columns or rows) whose grown CCD extent meets [lo, hi]: *a..*b (empty when *a > *b).
 * The axis table gives, per small cell of the focal plane, the first slot not wholly left of the
 * cell and the last not wholly right of it; a step or two finishes the job exactly. */
static inline void slot_range(const sky_axis *ax, double lo, double hi, int *a, int *b)
{
    const double *s = ax->ext;
    int n = ax->n;
    double fl = (lo - ax->origin) * ax->inv_cell, fh = (hi - ax->origin) * ax->inv_cell;
    int k = fl < 0 ? 0 : fl >= ax->ncell ? n : ax->ge[(int)fl];
    while (k < n && s[2 * k + 1] < lo) k++;
    int q = fh < 0 ? -1 : fh >= ax->ncell ? n - 1 : ax->le[(int)fh];
    while (q >= 0 && s[2 * q] > hi) q--;
    *a = k;
    *b = q;
}

/* The exact test of one patch rectangle [x0, x1] x [y0, y1] (tract plane) against the CCDs.
 * h[9] = (c.U, e.U, n.U, c.V, e.V, n.V, c.b, e.b, n.b). The rectangle's corners map to a convex
 * quadrilateral in the focal plane, tested against the CCDs of the slots its box meets. */
static inline __attribute__((always_inline)) int
cam_exact(const sky_footprint *fp, const double h[9], double x0, double x1, double y0, double y1)
{
    int a0, a1, b0, b1;
    double p[4][2], qxlo = INFINITY, qxhi = -INFINITY, qylo = INFINITY, qyhi = -INFINITY;
    for (int q = 0; q < 4; q++) {
        /* counter-clockwise in the tract plane: (x0,y0) (x1,y0) (x1,y1) (x0,y1) */
        double x = (q == 1 || q == 2) ? x1 : x0, y = q >= 2 ? y1 : y0;
        double iz = 1.0 / (h[6] + x * h[7] + y * h[8]);
        p[q][0] = (h[0] + x * h[1] + y * h[2]) * iz;
        p[q][1] = (h[3] + x * h[4] + y * h[5]) * iz;
        qxlo = dmin(qxlo, p[q][0]), qxhi = dmax(qxhi, p[q][0]);
        qylo = dmin(qylo, p[q][1]), qyhi = dmax(qyhi, p[q][1]);
    }
    slot_range(&fp->ax_x, qxlo, qxhi, &a0, &a1);
    slot_range(&fp->ax_y, qylo, qyhi, &b0, &b1);
    double area2 = (p[1][0] - p[0][0]) * (p[2][1] - p[0][1]) -
                   (p[1][1] - p[0][1]) * (p[2][0] - p[0][0]);
    double sgn = area2 > 0 ? 1.0 : -1.0;
    for (int ky = b0; ky <= b1; ky++)
        for (int kx = a0; kx <= a1; kx++) {
            int id = fp->slot_ccd[ky * fp->nslot_x + kx];
            if (id < 0) continue;
            const double *r = fp->ccd[id];
            if (quad_meets_rect(p, sgn, r[0], r[1], r[2], r[3])) return 1;
        }
    return 0;
}

/* ---- lsstcam, per patch column ----
 * The cross (the occ boxes, which hold every CCD and which CCD tiles fill when no CCD is
 * dropped) is one or two rectangles of the focal plane. Both planes are gnomonic, so each maps
 * to a convex quadrilateral of the tract plane. A patch box meets that quad iff the quad's eta
 * extent within the patch's column strip meets the row's eta range; and when the box shrunk by
 * gs meets it (gs bounds the tract-plane image of tile_reach), a point of the cross lies gs inside
 * the patch, so its CCD, within tile_reach of it, reaches into the patch: a hit. So per column and
 * quad: a run of candidate rows and a run of sure rows, by arithmetic on the row pitch; only
 * the candidates that are not sure, a few patches along the rim, take the exact test. Every
 * bound leans toward the exact test by CAM_MARGIN (rad) or CAM_ROWS (rows), far above the
 * rounding (~1e-12 rad). */
#define CAM_MARGIN 1e-9
#define CAM_ROWS 1e-6
#define CAM_STEEP 1e-4 /* an edge with |d xi| <= CAM_STEEP |d eta| only bounds xi */

/* Two doubles as one SSE2-sized vector (GCC and Clang vector extensions); lane k holds occ
 * box k (box 0 twice when there is one). */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2l __attribute__((vector_size(16)));
typedef int v2i __attribute__((vector_size(8)));
static inline v2d v2d_all(double a) { return (v2d){a, a}; }
static inline v2d v2d_sel(v2l k, v2d a, v2d b) { return (v2d)((k & (v2l)a) | (~k & (v2l)b)); }
#ifdef __SSE2__
#include <emmintrin.h>
/* one instruction each (minpd, maxpd); no NaN reaches them */
static inline v2d v2d_min(v2d a, v2d b) { return (v2d)_mm_min_pd((__m128d)a, (__m128d)b); }
static inline v2d v2d_max(v2d a, v2d b) { return (v2d)_mm_max_pd((__m128d)a, (__m128d)b); }
#else
static inline v2d v2d_min(v2d a, v2d b) { return v2d_sel(a < b, a, b); }
static inline v2d v2d_max(v2d a, v2d b) { return v2d_sel(a > b, a, b); }
#endif

/* The occ boxes' images in one tract plane: xi range, xi of the highest and lowest vertex, and
 * the edges as lines eta = a + s xi: the upper boundary is the least of the upper lines, the
 * lower the greatest of the lower ones (see cam_quads_build for the slots). */
typedef struct cam_quads {
    v2d xmin, xmax, xtop, xbot;
    v2d inset;                /* the sure test stays this far inside [xmin, xmax] */
    v2d ua[4], us[4], la[4], ls[4];
    double ymin, ymax;        /* over both */
} cam_quads;

/* q from the quads' vertices (PX[i], PY[i]), counter-clockwise, a quad per lane. Near-vertical
 * edges are left out: they only bound xi, which [xmin, xmax] does, and they lie within
 * CAM_STEEP * height of its ends (along either chain from the leftmost to the rightmost vertex
 * xi grows and the slope only falls or only rises, so only the first and last edges can be
 * steep). So anywhere in [xmin, xmax] the other lines bound the boundary from outside, and
 * beyond the insets they are it. An edge not in a set fills its slot with +-inf; but when
 * each pair of opposite edges has one upper and one lower (a near-parallelogram, the rule),
 * two slots hold the sets and *two is set. Returns 0 for quads this cannot describe (none
 * here). */
static inline __attribute__((always_inline)) int
cam_quads_build(cam_quads *q, const v2d PX[4], const v2d PY[4], int *two)
{
    const v2d zero = v2d_all(0.0), inf = v2d_all(INFINITY);
    const v2l absm = (v2l){INT64_MAX, INT64_MAX};
    v2d area2 = zero, A[4], S[4];
    v2l up[4], lo[4], nu = (v2l){0, 0}, nl = (v2l){0, 0};
    v2d xmin = PX[0], xmax = PX[0], ytop = PY[0], ybot = PY[0], xtop = PX[0], xbot = PX[0];
    for (int i = 0; i < 4; i++) {
        int l = (i + 1) & 3;
        v2d dx = PX[l] - PX[i], dy = PY[l] - PY[i];
        area2 += PX[i] * PY[l] - PX[l] * PY[i];
        v2l steep = (v2d)((v2l)dx & absm) <= v2d_all(CAM_STEEP) * (v2d)((v2l)dy & absm);
        S[i] = dy / v2d_sel(steep, v2d_all(1.0), dx);
        A[i] = PY[i] - S[i] * PX[i];
        /* counter-clockwise, the inside is left of each edge: below one running toward -xi */
        up[i] = ~steep & (dx < zero), lo[i] = ~steep & (dx > zero);
        nu -= up[i], nl -= lo[i];
        if (i) {
            xmin = v2d_min(xmin, PX[i]), xmax = v2d_max(xmax, PX[i]);
            v2l t = PY[i] > ytop, b = PY[i] < ybot;
            ytop = v2d_sel(t, PY[i], ytop), xtop = v2d_sel(t, PX[i], xtop);
            ybot = v2d_sel(b, PY[i], ybot), xbot = v2d_sel(b, PX[i], xbot);
        }
    }
    q->xmin = xmin, q->xmax = xmax, q->xtop = xtop, q->xbot = xbot;
    q->inset = v2d_all(CAM_STEEP) * (ytop - ybot) + v2d_all(CAM_MARGIN);
    q->ymin = dmin(ybot[0], ybot[1]), q->ymax = dmax(ytop[0], ytop[1]);
    v2l pair = (up[0] ^ up[2]) & (lo[0] ^ lo[2]) & (up[1] ^ up[3]) & (lo[1] ^ lo[3]);
    *two = pair[0] && pair[1];
    if (*two) {
        for (int i = 0; i < 2; i++) {
            q->ua[i] = v2d_sel(up[i], A[i], A[i + 2]), q->us[i] = v2d_sel(up[i], S[i], S[i + 2]);
            q->la[i] = v2d_sel(up[i], A[i + 2], A[i]), q->ls[i] = v2d_sel(up[i], S[i + 2], S[i]);
        }
    } else {
        for (int i = 0; i < 4; i++) {
            q->ua[i] = v2d_sel(up[i], A[i], inf), q->us[i] = v2d_sel(up[i], S[i], zero);
            q->la[i] = v2d_sel(lo[i], A[i], -inf), q->ls[i] = v2d_sel(lo[i], S[i], zero);
        }
    }
    return area2[0] > 0.0 && area2[1] > 0.0 && nu[0] > 0 && nu[1] > 0 && nl[0] > 0 &&
           nl[1] > 0;
}

/* The upper boundary of each lane's quad at xi = x (a lane each), and the lower one, from the
 * first ns line slots (2 or 4, a constant where it is inlined) */
static inline v2d quads_upper(const cam_quads *q, v2d x, int ns)
{
    v2d u = v2d_min(q->ua[0] + q->us[0] * x, q->ua[1] + q->us[1] * x);
    if (ns > 2) u = v2d_min(u, v2d_min(q->ua[2] + q->us[2] * x, q->ua[3] + q->us[3] * x));
    return u;
}

static inline v2d quads_lower(const cam_quads *q, v2d x, int ns)
{
    v2d l = v2d_max(q->la[0] + q->ls[0] * x, q->la[1] + q->ls[1] * x);
    if (ns > 2) l = v2d_max(l, v2d_max(q->la[2] + q->ls[2] * x, q->la[3] + q->ls[3] * x));
    return l;
}

/* cam_rows_below[n]: rows 0..n-1 as a bit mask (n <= 64) */
#define CAM_B(n) ((1ULL << (n)) - 1)
static const uint64_t cam_rows_below[65] = {
    CAM_B(0), CAM_B(1), CAM_B(2), CAM_B(3), CAM_B(4), CAM_B(5), CAM_B(6), CAM_B(7), CAM_B(8),
    CAM_B(9), CAM_B(10), CAM_B(11), CAM_B(12), CAM_B(13), CAM_B(14), CAM_B(15), CAM_B(16),
    CAM_B(17), CAM_B(18), CAM_B(19), CAM_B(20), CAM_B(21), CAM_B(22), CAM_B(23), CAM_B(24),
    CAM_B(25), CAM_B(26), CAM_B(27), CAM_B(28), CAM_B(29), CAM_B(30), CAM_B(31), CAM_B(32),
    CAM_B(33), CAM_B(34), CAM_B(35), CAM_B(36), CAM_B(37), CAM_B(38), CAM_B(39), CAM_B(40),
    CAM_B(41), CAM_B(42), CAM_B(43), CAM_B(44), CAM_B(45), CAM_B(46), CAM_B(47), CAM_B(48),
    CAM_B(49), CAM_B(50), CAM_B(51), CAM_B(52), CAM_B(53), CAM_B(54), CAM_B(55), CAM_B(56),
    CAM_B(57), CAM_B(58), CAM_B(59), CAM_B(60), CAM_B(61), CAM_B(62), CAM_B(63), ~0ULL};
#undef CAM_B

/* The row counts' constants, with the margins folded in (one addition where there were three:
 * the same bounds but for rounding, far below the margins). The candidates' upper extent U
 * is raised by M and the lower L lowered: rows starting at or below U + M number
 * (U + M) / pitch + row_lo_c + CAM_ROWS = U / pitch + u, and so on; the sure rows' extents
 * are lowered (raised) by M and then by gs. first and last: the sure rows' tests against the
 * first row's start and the last row's end, moved by the same M + gs. */
typedef struct cam_rowk {
    double u, l, us, ls, first, last;
} cam_rowk;

static inline cam_rowk cam_rowk_of(const sky_map *m, double gs)
{
    const double M = CAM_MARGIN, inv = m->row_inv_pitch;
    int npy = m->info.patches_y;
    return (cam_rowk){.u = M * inv + m->row_lo_c + CAM_ROWS,
                      .l = m->row_hi_c - CAM_ROWS - M * inv,
                      .us = m->row_lo_c - CAM_ROWS - (M + gs) * inv,
                      .ls = m->row_hi_c + CAM_ROWS + (M + gs) * inv,
                      .first = m->lo_pad[1] + M + gs,
                      .last = m->hi_pad[npy] - M - gs};
}

/* Per-visit constants of the lsstcam test (see sky__visit). */
typedef struct cam_ctx {
    double gs;                /* the sure inset: bounds the tract-plane image of tile_reach, plus
                                 CAM_MARGIN */
    int sure;                 /* the cross is tiled (no dropped CCD) and patches are wider than
                                 2 gs: sure hits exist */
    double near_cos, reach;   /* a tract whose centre c has c.b >= near_cos and whose image in
                                 the focal plane lies farther than reach from both occ boxes
                                 meets no CCD (see sky__visit) */
    cam_rowk rk;              /* cam_rowk_of(m, gs): the row counts' constants, every build's */
    const double *colv;       /* four arrays of 2 npx, each value twice (a lane per quad): the
                                 columns' xi - M, xi + M at their high end, + gs, and - gs at
                                 their high end (sky_work.colv) */
} cam_ctx;

/* Every patch of tract t through the exact test (exact_only, and a tract whose quads cannot be
 * formed, which the field and tract size limits rule out): keys, or into w->dcount. */
static void cam_tract_exact(const sky_map *m, const sky_footprint *fp, int t, const double h[9],
                            sky_work *w)
{
    int npx = m->info.patches_x, npy = m->info.patches_y;
    uint32_t base = (uint32_t)t * (uint32_t)m->npatch;
    w->nexact += (size_t)m->npatch;
    for (int i = 0; i < npx; i++)
        for (int j = 0; j < npy; j++)
            if (cam_exact(fp, h, m->col_xi[2 * i], m->col_xi[2 * i + 1], m->row_eta[2 * j],
                          m->row_eta[2 * j + 1])) {
                uint32_t key = base + (uint32_t)(i * npy + j);
                if (w->dcount) w->dcount[key]++, w->dcount[key + 1]--;
                else w->keys[w->nkeys++] = key;
            }
}

/* Pass one of cam_tract: for columns i0..i1-1, per quad (lane), the candidate rows' counts
 * (n1 rows start at or below the top, j0 end below the bottom) and the sure rows' (n1s, j0s),
 * with ns line slots (2 or 4), and from them the rows as bit masks over both quads: cm[i][0]
 * the candidates, cm[i][1] the sure rows (T[n1] & ~T[j0]: rows j0..n1-1). Long chains of
 * vector arithmetic, independent from column to column. */
static inline void cam_counts(const sky_map *m, const cam_quads *qp, const cam_ctx *cx, int i0,
                              int i1, uint64_t cm[][2], int ns)
{
    double gs = cx->gs;
    int sure = cx->sure;
    const cam_quads q = *qp;
    const double M = CAM_MARGIN;
    int npy = m->info.patches_y;
    double inv = m->row_inv_pitch;
    v2d vM = v2d_all(M), vgs = v2d_all(gs), vinv = v2d_all(inv), zero = v2d_all(0.0);
    v2d vnpy = v2d_all(npy);
    v2d in_lo = q.xmin + q.inset, in_hi = q.xmax - q.inset;
    const cam_rowk k = cx->rk;
    v2d cU = v2d_all(k.u), cL = v2d_all(k.l), cUs = v2d_all(k.us), cLs = v2d_all(k.ls);
    v2d v2M = v2d_all(2.0 * M), vfirst = v2d_all(k.first), vlast = v2d_all(k.last);
    v2l sure_on = (v2l){-(long long)sure, -(long long)sure};
    for (int i = i0; i < i1; i++) {
        v2d xa = v2d_all(m->col_xi[2 * i]), xb = v2d_all(m->col_xi[2 * i + 1]);
        /* candidates: the strip widened by M; the quad's extent over it raised by M */
        v2d a1 = v2d_max(xa - vM, q.xmin), b1 = v2d_min(xb + vM, q.xmax);
        v2d U = quads_upper(&q, v2d_min(v2d_max(q.xtop, a1), b1), ns);
        v2d L = quads_lower(&q, v2d_min(v2d_max(q.xbot, a1), b1), ns);
        v2d n1 = v2d_min(v2d_max(U * vinv + cU, zero), vnpy);
        v2d j0 = v2d_min(v2d_max(L * vinv + cL, zero), vnpy);
        n1 = v2d_sel(a1 <= b1, n1, zero); /* no rows where the quad misses the strip */
        /* sure: the strip narrowed by gs, inside the insets; the extent lowered by M, and
         * the rows narrowed by gs */
        v2d a2 = v2d_max(xa + vgs, in_lo), b2 = v2d_min(xb - vgs, in_hi);
        v2d Us = quads_upper(&q, v2d_min(v2d_max(q.xtop, a2), b2), ns);
        v2d Ls = quads_lower(&q, v2d_min(v2d_max(q.xbot, a2), b2), ns);
        v2l s_ok = (a2 <= b2) & (Ls + v2M <= Us) & sure_on;
        v2d n1s = v2d_min(v2d_max(Us * vinv + cUs, zero), vnpy);
        v2d j0s = v2d_min(v2d_max(Ls * vinv + cLs, zero), vnpy);
        /* the first row's clipped start and the last row's clipped end, for the sure rows */
        n1s = v2d_sel(s_ok & (Us >= vfirst), n1s, zero);
        j0s = v2d_sel(Ls > vlast, vnpy, j0s);
        v2i c0 = __builtin_convertvector(n1, v2i), c1 = __builtin_convertvector(j0, v2i);
        v2i c2 = __builtin_convertvector(n1s, v2i), c3 = __builtin_convertvector(j0s, v2i);
        const uint64_t *T = cam_rows_below;
        cm[i][0] = (T[c0[0]] & ~T[c1[0]]) | (T[c0[1]] & ~T[c1[1]]);
        cm[i][1] = (T[c2[0]] & ~T[c3[0]]) | (T[c2[1]] & ~T[c3[1]]);
    }
}

/* On x86-64, cam_counts also comes four lanes wide, for AVX2 (picked as the circle batch's
 * build is, by fp->avx2): two columns at a time, lane 2c + k holding column i + c and quad k,
 * each lane the very operations of cam_counts in the same order (AVX2 brings no FMA, the file
 * is built with -ffp-contract=off, and vminpd and vmaxpd pick as minpd and maxpd do), so the
 * bits are the same. Not one body built twice: without AVX, GCC 12 lowers 32-byte comparisons
 * and selects to scalar code, so the baseline keeps the two-lane loop above. */
#ifdef SKY_AVX2
#include <immintrin.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi" /* 32-byte vectors only pass between AVX2 functions */
#define CAM_AVX2 __attribute__((target("avx2,bmi")))
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));
CAM_AVX2 static inline v4d v4d_all(double a) { return (v4d){a, a, a, a}; }
CAM_AVX2 static inline v4d v4d_two(v2d a) { return (v4d){a[0], a[1], a[0], a[1]}; }
CAM_AVX2 static inline v4d v4d_sel(v4l k, v4d a, v4d b)
{
    return (v4d)((k & (v4l)a) | (~k & (v4l)b));
}
CAM_AVX2 static inline v4d v4d_min(v4d a, v4d b)
{
    return (v4d)_mm256_min_pd((__m256d)a, (__m256d)b);
}
CAM_AVX2 static inline v4d v4d_max(v4d a, v4d b)
{
    return (v4d)_mm256_max_pd((__m256d)a, (__m256d)b);
}

/* quads_upper and quads_lower on the lines l[0..3] (a, s) broadcast to both columns */
CAM_AVX2 static inline v4d quads_upper4(const v4d a[4], const v4d s[4], v4d x, int ns)
{
    v4d u = v4d_min(a[0] + s[0] * x, a[1] + s[1] * x);
    if (ns > 2) u = v4d_min(u, v4d_min(a[2] + s[2] * x, a[3] + s[3] * x));
    return u;
}

CAM_AVX2 static inline v4d quads_lower4(const v4d a[4], const v4d s[4], v4d x, int ns)
{
    v4d l = v4d_max(a[0] + s[0] * x, a[1] + s[1] * x);
    if (ns > 2) l = v4d_max(l, v4d_max(a[2] + s[2] * x, a[3] + s[3] * x));
    return l;
}

/* Rows lo..hi-1 of each lane as a bit mask, from the counts hi, lo in [0, 64] (truncated as
 * cam_counts converts them): (1 << n) - 1 per lane, where a shift by 64 gives 0, so n = 64
 * gives every row, as cam_rows_below[64] */
CAM_AVX2 static inline __m256i cam_rows4(v4d hi, v4d lo)
{
    const __m256i one = _mm256_set1_epi64x(1);
    __m256i h = _mm256_cvtepi32_epi64(_mm256_cvttpd_epi32((__m256d)hi));
    __m256i l = _mm256_cvtepi32_epi64(_mm256_cvttpd_epi32((__m256d)lo));
    __m256i mh = _mm256_sub_epi64(_mm256_sllv_epi64(one, h), one);
    __m256i ml = _mm256_sub_epi64(_mm256_sllv_epi64(one, l), one);
    return _mm256_andnot_si256(ml, mh);
}

/* cm[i] = the candidate and sure masks of lanes 0 | 1 (column i), cm[i2] those of lanes
 * 2 | 3 (i2 = i when there is no second column: the same numbers twice) */
CAM_AVX2 static inline void cam_put4(uint64_t cm[][2], int i, int i2, __m256i cand, __m256i sure)
{
    cand = _mm256_or_si256(cand, _mm256_permute4x64_epi64(cand, 0xB1));
    sure = _mm256_or_si256(sure, _mm256_permute4x64_epi64(sure, 0xB1));
    __m256i cs = _mm256_unpacklo_epi64(cand, sure);
    _mm_storeu_si128((__m128i *)cm[i], _mm256_castsi256_si128(cs));
    _mm_storeu_si128((__m128i *)cm[i2], _mm256_extracti128_si256(cs, 1));
}

CAM_AVX2 static inline __attribute__((always_inline)) void
cam_counts4_ns(const sky_map *m, const cam_quads *qp, const cam_ctx *cx, int i0, int i1,
               uint64_t cm[][2], int ns)
{
    double gs = cx->gs;
    int sure = cx->sure;
    const double M = CAM_MARGIN;
    int npy = m->info.patches_y;
    double inv = m->row_inv_pitch;
    v4d ua[4], us[4], la[4], ls[4];
    for (int k = 0; k < 4; k++) {
        ua[k] = v4d_two(qp->ua[k]), us[k] = v4d_two(qp->us[k]);
        la[k] = v4d_two(qp->la[k]), ls[k] = v4d_two(qp->ls[k]);
    }
    v4d xmin = v4d_two(qp->xmin), xmax = v4d_two(qp->xmax), inset = v4d_two(qp->inset);
    v4d xtop = v4d_two(qp->xtop), xbot = v4d_two(qp->xbot);
    v4d vM = v4d_all(M), vgs = v4d_all(gs), vinv = v4d_all(inv), zero = v4d_all(0.0);
    v4d vnpy = v4d_all(npy);
    v4d in_lo = xmin + inset, in_hi = xmax - inset;
    const cam_rowk k = cx->rk;
    v4d cU = v4d_all(k.u), cL = v4d_all(k.l), cUs = v4d_all(k.us), cLs = v4d_all(k.ls);
    v4d v2M = v4d_all(2.0 * M), vfirst = v4d_all(k.first), vlast = v4d_all(k.last);
    long long so = -(long long)sure;
    v4l sure_on = (v4l){so, so, so, so};
    const double *col = m->col_xi;
    for (int i = i0; i < i1; i += 2) {
        int i2 = i + 1 < i1 ? i + 1 : i;
        v4d xa = (v4d){col[2 * i], col[2 * i], col[2 * i2], col[2 * i2]};
        v4d xb = (v4d){col[2 * i + 1], col[2 * i + 1], col[2 * i2 + 1], col[2 * i2 + 1]};
        v4d a1 = v4d_max(xa - vM, xmin), b1 = v4d_min(xb + vM, xmax);
        v4d U = quads_upper4(ua, us, v4d_min(v4d_max(xtop, a1), b1), ns);
        v4d L = quads_lower4(la, ls, v4d_min(v4d_max(xbot, a1), b1), ns);
        v4d n1 = v4d_min(v4d_max(U * vinv + cU, zero), vnpy);
        v4d j0 = v4d_min(v4d_max(L * vinv + cL, zero), vnpy);
        n1 = v4d_sel(a1 <= b1, n1, zero);
        v4d a2 = v4d_max(xa + vgs, in_lo), b2 = v4d_min(xb - vgs, in_hi);
        v4d Us = quads_upper4(ua, us, v4d_min(v4d_max(xtop, a2), b2), ns);
        v4d Ls = quads_lower4(la, ls, v4d_min(v4d_max(xbot, a2), b2), ns);
        v4l s_ok = (a2 <= b2) & (Ls + v2M <= Us) & sure_on;
        v4d n1s = v4d_min(v4d_max(Us * vinv + cUs, zero), vnpy);
        v4d j0s = v4d_min(v4d_max(Ls * vinv + cLs, zero), vnpy);
        n1s = v4d_sel(s_ok & (Us >= vfirst), n1s, zero);
        j0s = v4d_sel(Ls > vlast, vnpy, j0s);
        cam_put4(cm, i, i2, cam_rows4(n1, j0), cam_rows4(n1s, j0s));
    }
}

CAM_AVX2 static void cam_counts4(const sky_map *m, const cam_quads *qp, const cam_ctx *cx,
                                 int i0, int i1, uint64_t cm[][2], int ns)
{
    if (ns == 2) cam_counts4_ns(m, qp, cx, i0, i1, cm, 2);
    else cam_counts4_ns(m, qp, cx, i0, i1, cm, 4);
}

/* And eight lanes wide, for AVX-512 (fp->avx512: F and DQ): four columns at a time, lane
 * 2c + k holding column i + c and quad k, again the very operations of cam_counts in the same
 * order (vminpd and vmaxpd pick as minpd and maxpd do; vcvttpd2qq truncates as vcvttpd2dq
 * does), so the same masks. Only the counts' clamp at npy goes: a shift by 64 or more gives 0,
 * so a count above npy (or 64) leaves rows past npy set, which one AND of the final masks with
 * rows 0..npy-1 clears, as the clamp did (a fifth of the floating-point work per column). The
 * columns' ends moved by M and by gs come ready from colv (the same sums), the row constants
 * from rk (cam_rowk_of's); the comparisons give masks, and a short last group of columns is
 * loaded through one. About half the instructions of the AVX2 loop per column (-0.06 s of the
 * 10-year lsstcam run). Its stores are whole, a short group's spare lanes into cm's three
 * spare columns: the column loop reads cm at once, and a masked store does not forward its
 * data to those loads, which then wait for it to retire (-0.15 s). */
#define CAM_AVX512 __attribute__((target("avx512f,avx512dq,avx2")))
CAM_AVX512 static inline __m512d c8_two(v2d a) { return _mm512_broadcast_f64x2((__m128d)a); }
CAM_AVX512 static inline __m512d c8_all(double a) { return _mm512_set1_pd(a); }
CAM_AVX512 static inline __m512d c8_line(__m512d a, __m512d s, __m512d x)
{
    return _mm512_add_pd(a, _mm512_mul_pd(s, x));
}

CAM_AVX512 static inline __m512d c8_upper(const __m512d a[4], const __m512d s[4], __m512d x,
                                          int ns)
{
    __m512d u = _mm512_min_pd(c8_line(a[0], s[0], x), c8_line(a[1], s[1], x));
    if (ns > 2)
        u = _mm512_min_pd(u, _mm512_min_pd(c8_line(a[2], s[2], x), c8_line(a[3], s[3], x)));
    return u;
}

CAM_AVX512 static inline __m512d c8_lower(const __m512d a[4], const __m512d s[4], __m512d x,
                                          int ns)
{
    __m512d l = _mm512_max_pd(c8_line(a[0], s[0], x), c8_line(a[1], s[1], x));
    if (ns > 2)
        l = _mm512_max_pd(l, _mm512_max_pd(c8_line(a[2], s[2], x), c8_line(a[3], s[3], x)));
    return l;
}

/* rows lo..hi-1 per lane, as cam_rows4 */
CAM_AVX512 static inline __m512i c8_rows(__m512d hi, __m512d lo)
{
    const __m512i one = _mm512_set1_epi64(1);
    __m512i mh = _mm512_sub_epi64(_mm512_sllv_epi64(one, _mm512_cvttpd_epi64(hi)), one);
    __m512i ml = _mm512_sub_epi64(_mm512_sllv_epi64(one, _mm512_cvttpd_epi64(lo)), one);
    return _mm512_andnot_si512(ml, mh);
}

CAM_AVX512 static inline __attribute__((always_inline)) void
cam_counts8_ns(const sky_map *m, const cam_quads *qp, const cam_ctx *cx, int i0, int i1,
               uint64_t cm[][2], int ns)
{
    const double *colv = cx->colv;
    const double M = CAM_MARGIN;
    double inv = m->row_inv_pitch;
    __m512d ua[4], us[4], la[4], ls[4];
    for (int k = 0; k < 4; k++) {
        ua[k] = c8_two(qp->ua[k]), us[k] = c8_two(qp->us[k]);
        la[k] = c8_two(qp->la[k]), ls[k] = c8_two(qp->ls[k]);
    }
    __m512d xmin = c8_two(qp->xmin), xmax = c8_two(qp->xmax), inset = c8_two(qp->inset);
    __m512d xtop = c8_two(qp->xtop), xbot = c8_two(qp->xbot);
    __m512d vinv = c8_all(inv), zero = c8_all(0.0);
    __m512d vnpy = c8_all(m->info.patches_y);
    const __m512i rows = _mm512_set1_epi64((long long)cam_rows_below[m->info.patches_y]);
    __m512d in_lo = _mm512_add_pd(xmin, inset), in_hi = _mm512_sub_pd(xmax, inset);
    const cam_rowk k = cx->rk;
    __m512d cU = c8_all(k.u), cL = c8_all(k.l), cUs = c8_all(k.us), cLs = c8_all(k.ls);
    __m512d v2M = c8_all(2.0 * M), vfirst = c8_all(k.first), vlast = c8_all(k.last);
    __mmask8 sure_on = cx->sure ? 0xFF : 0;
    const int n2 = 2 * m->info.patches_x; /* the stride of colv's four arrays */
    for (int i = i0; i < i1; i += 4) {
        int nc = i1 - i < 4 ? i1 - i : 4;
        __mmask8 live = (__mmask8)((1u << (2 * nc)) - 1);
        __m512d a1 = _mm512_max_pd(_mm512_maskz_loadu_pd(live, colv + 2 * i), xmin);
        __m512d b1 = _mm512_min_pd(_mm512_maskz_loadu_pd(live, colv + n2 + 2 * i), xmax);
        __m512d U = c8_upper(ua, us, _mm512_min_pd(_mm512_max_pd(xtop, a1), b1), ns);
        __m512d L = c8_lower(la, ls, _mm512_min_pd(_mm512_max_pd(xbot, a1), b1), ns);
        __m512d n1 = _mm512_max_pd(c8_line(cU, U, vinv), zero);
        __m512d j0 = _mm512_max_pd(c8_line(cL, L, vinv), zero);
        n1 = _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(a1, b1, _CMP_LE_OQ), n1);
        __m512d a2 = _mm512_max_pd(_mm512_maskz_loadu_pd(live, colv + 2 * n2 + 2 * i), in_lo);
        __m512d b2 = _mm512_min_pd(_mm512_maskz_loadu_pd(live, colv + 3 * n2 + 2 * i), in_hi);
        __m512d Us = c8_upper(ua, us, _mm512_min_pd(_mm512_max_pd(xtop, a2), b2), ns);
        __m512d Ls = c8_lower(la, ls, _mm512_min_pd(_mm512_max_pd(xbot, a2), b2), ns);
        __mmask8 s_ok = _mm512_cmp_pd_mask(a2, b2, _CMP_LE_OQ) &
                        _mm512_cmp_pd_mask(_mm512_add_pd(Ls, v2M), Us, _CMP_LE_OQ) & sure_on;
        __m512d n1s = _mm512_max_pd(c8_line(cUs, Us, vinv), zero);
        __m512d j0s = _mm512_max_pd(c8_line(cLs, Ls, vinv), zero);
        n1s = _mm512_maskz_mov_pd(s_ok & _mm512_cmp_pd_mask(Us, vfirst, _CMP_GE_OQ), n1s);
        j0s = _mm512_mask_mov_pd(j0s, _mm512_cmp_pd_mask(Ls, vlast, _CMP_GT_OQ), vnpy);
        __m512i cand = c8_rows(n1, j0), sr = c8_rows(n1s, j0s);
        /* both quads of a column into each of its lanes, then (cand, sure) per column */
        cand = _mm512_or_si512(cand, _mm512_permutex_epi64(cand, 0xB1));
        sr = _mm512_or_si512(sr, _mm512_permutex_epi64(sr, 0xB1));
        _mm512_storeu_si512((void *)cm[i], _mm512_and_si512(_mm512_unpacklo_epi64(cand, sr), rows));
    }
}

CAM_AVX512 static void cam_counts8(const sky_map *m, const cam_quads *qp, const cam_ctx *cx,
                                   int i0, int i1, uint64_t cm[][2], int ns)
{
    if (ns == 2) cam_counts8_ns(m, qp, cx, i0, i1, cm, 2);
    else cam_counts8_ns(m, qp, cx, i0, i1, cm, 4);
}
#pragma GCC diagnostic pop
#endif

/* Column i's rows ex (k0 its first key) into the exact queue at eq[n], kept when there are
 * any: returns the new count (written either way, so that no branch hangs on the counts) */
static inline size_t cam_queue(sky_exq *eq, size_t n, uint64_t ex, uint32_t k0, size_t hslot,
                               int i)
{
    eq[n] = (sky_exq){.rows = ex, .k0 = k0, .h = (uint32_t)hslot, .col = (uint32_t)i};
    return n + (ex != 0);
}

/* Tract t: the quads of the occ boxes (a tract their boxes miss is skipped); then per patch
 * column, both quads at once, the candidate rows (each quad's eta extent over the strip widened
 * by the margin) and the sure rows (its extent over the strip narrowed by gs and the insets,
 * against the rows narrowed by gs). A concave upper boundary reaches its greatest over an
 * interval at the clamp of the top vertex: the upper lines there bound it from above (the
 * candidates' need) and, inside the insets, are it (a point of the quad: the sure test's).
 * Rows follow from the uniform pitch: those starting at or below eta number about
 * eta * row_inv_pitch + row_lo_c, those ending below it eta * row_inv_pitch + row_hi_c, exact
 * but for the clipped outer edges of the first and last rows, which only add candidates and
 * are checked for the sure rows. */
static inline __attribute__((always_inline)) void
cam_tract(const sky_map *m, const sky_footprint *fp, int t, const cam_visit *cv, const cam_ctx *cx,
          sky_work *w)
{
    const double *tv = m->tv + 9 * (size_t)t, *c = tv, *e = tv + 3, *n = tv + 6;
    double h[9];
    h[0] = sky__dot(c, cv->U), h[3] = sky__dot(c, cv->V), h[6] = sky__dot(c, cv->b);
    if (fp->exact_only) {
        h[1] = sky__dot(e, cv->U), h[2] = sky__dot(n, cv->U), h[4] = sky__dot(e, cv->V);
        h[5] = sky__dot(n, cv->V), h[7] = sky__dot(e, cv->b), h[8] = sky__dot(n, cv->b);
        cam_tract_exact(m, fp, t, h, w);
        return;
    }
    const double M = CAM_MARGIN;
    /* the tract's centre in the focal plane, (h[0], h[3]) / h[6], against the occ boxes grown
     * by the image of the tract's reach: scaled by h[6] > 0, no division */
    const double *o0 = fp->occ[0], *o1 = fp->occ[fp->nocc > 1 ? 1 : 0];
    {
        v2d z = v2d_all(h[6]), hx = v2d_all(h[0]), hy = v2d_all(h[3]), zero = v2d_all(0.0);
        v2d dx = v2d_max(v2d_max((v2d){o0[0], o1[0]} * z - hx, hx - (v2d){o0[1], o1[1]} * z),
                         zero);
        v2d dy = v2d_max(v2d_max((v2d){o0[2], o1[2]} * z - hy, hy - (v2d){o0[3], o1[3]} * z),
                         zero);
        v2d r = v2d_all(cx->reach) * z;
        v2l far = dx * dx + dy * dy > r * r;
        if ((h[6] >= cx->near_cos) & (int)(far[0] & far[1])) return;
    }
    /* the rest of h only for a tract that may be hit */
    h[1] = sky__dot(e, cv->U), h[2] = sky__dot(n, cv->U), h[4] = sky__dot(e, cv->V);
    h[5] = sky__dot(n, cv->V), h[7] = sky__dot(e, cv->b), h[8] = sky__dot(n, cv->b);
    cam_quads q;
    /* the image of focal-plane point (fx, fy) is (D.e / D.c, D.n / D.c), D = b + fx U + fy V;
     * corner i of box k in lane k */
    v2d PX[4], PY[4];
    v2l front = (v2l){-1, -1};
    for (int i = 0; i < 4; i++) {
        int xs = (i == 1 || i == 2) ? 1 : 0, ys = i >= 2 ? 3 : 2;
        v2d fx = (v2d){o0[xs], o1[xs]}, fy = (v2d){o0[ys], o1[ys]};
        v2d dc = v2d_all(h[6]) + fx * v2d_all(h[0]) + fy * v2d_all(h[3]);
        v2l f = dc > v2d_all(1e-3); /* in front of the tract plane (always, by the size limits) */
        front &= f;
        v2d idc = v2d_all(1.0) / v2d_sel(f, dc, v2d_all(1.0));
        PX[i] = (v2d_all(h[7]) + fx * v2d_all(h[1]) + fy * v2d_all(h[4])) * idc;
        PY[i] = (v2d_all(h[8]) + fx * v2d_all(h[2]) + fy * v2d_all(h[5])) * idc;
    }
    int two = 0, ok = front[0] && front[1];
    ok = cam_quads_build(&q, PX, PY, &two) && ok;
    if (!ok) {
        cam_tract_exact(m, fp, t, h, w);
        return;
    }
    double xlo = q.xmin[0] < q.xmin[1] ? q.xmin[0] : q.xmin[1];
    double xhi = q.xmax[0] > q.xmax[1] ? q.xmax[0] : q.xmax[1];
    if (xlo - M > m->box_xi[1] || xhi + M < m->box_xi[0] || q.ymin - M > m->box_eta[1] ||
        q.ymax + M < m->box_eta[0])
        return;
    int npx = m->info.patches_x, npy = m->info.patches_y;
    uint32_t base = (uint32_t)t * (uint32_t)m->npatch, *keys = w->keys, *dc = w->dcount;
    size_t nk = w->nkeys;
    /* columns run toward -xi: those beyond the quads are skipped, and those short of them */
    int i0 = 0, i1 = npx;
    while (i0 < npx && m->col_xi[2 * i0] > xhi + M) i0++;
    while (i1 > i0 && m->col_xi[2 * i1 - 1] < xlo - M) i1--;
    uint64_t cm[64 + 3][2]; /* + 3: cam_counts8 writes groups of four columns whole */
#ifdef SKY_AVX2
    if (fp->avx512) cam_counts8(m, &q, cx, i0, i1, cm, two ? 2 : 4);
    else if (fp->avx2) cam_counts4(m, &q, cx, i0, i1, cm, two ? 2 : 4);
    else
#endif
    if (two) cam_counts(m, &q, cx, i0, i1, cm, 2);
    else cam_counts(m, &q, cx, i0, i1, cm, 4);
    /* the candidates that are not sure wait in w->exq, with this tract's h, for the end of
     * the visit (cam_exact_queue) */
    sky_exq *eq = w->exq + w->nexq;
    size_t nex = 0, hslot = w->nexh;
    memcpy(w->exh + 9 * hslot, h, sizeof h);
    if (dc) {
        for (int i = i0; i < i1; i++) {
            uint64_t cand = cm[i][0], sure = cm[i][1];
            uint64_t ex = cand & ~sure;
            uint32_t k0 = base + (uint32_t)(i * npy);
            nex = cam_queue(eq, nex, ex, k0, hslot, i);
            /* the sure rows are no run, one or two (one per quad): adding a run's lowest bit
             * carries it away, leaving the bit past its end (none: past the last row, 64) */
            uint64_t past = sure + (sure & -sure), rest = sure & past;
            if (sure) {
                dc[k0 + (uint32_t)__builtin_ctzll(sure)]++;
                dc[k0 + ctz64(past)]--;
            }
            if (rest) {
                dc[k0 + (uint32_t)__builtin_ctzll(rest)]++;
                dc[k0 + ctz64(rest + (rest & -rest))]--;
            }
        }
    } else {
        for (int i = i0; i < i1; i++) {
            uint64_t cand = cm[i][0], sure = cm[i][1];
            uint64_t ex = cand & ~sure;
            uint32_t k0 = base + (uint32_t)(i * npy);
            nex = cam_queue(eq, nex, ex, k0, hslot, i);
            for (int j = 0; j < npy; j++) {
                keys[nk] = k0 + (uint32_t)j;
                nk += (sure >> j) & 1;
            }
        }
    }
    w->nexq += nex;
    w->nexh += nex != 0;
    w->nkeys = nk;
}

/* The exact tests cam_tract left in w->exq, after every tract of the visit: their inputs are
 * in memory by then, so that the branches on their outcomes no longer wait on a tract's long
 * chain of arithmetic (a small gain, about 1 % of the step). */
static inline __attribute__((always_inline)) void
cam_exact_queue(const sky_map *m, const sky_footprint *fp, sky_work *w)
{
    uint32_t *dc = w->dcount, *keys = w->keys;
    size_t nk = w->nkeys;
    for (size_t r = 0; r < w->nexq; r++) {
        const sky_exq *e = &w->exq[r];
        const double *h = w->exh + 9 * (size_t)e->h, *x = m->col_xi + 2 * e->col;
        for (uint64_t ex = e->rows; ex; ex &= ex - 1) {
            int j = __builtin_ctzll(ex);
            w->nexact++;
            if (!cam_exact(fp, h, x[0], x[1], m->row_eta[2 * j], m->row_eta[2 * j + 1]))
                continue;
            if (dc) dc[e->k0 + (uint32_t)j]++, dc[e->k0 + (uint32_t)j + 1]--;
            else keys[nk++] = e->k0 + (uint32_t)j;
        }
    }
    w->nexq = w->nexh = 0;
    w->nkeys = nk;
}

/* A visit's tracts, then its queued exact tests. Built twice: for the baseline and, where
 * the CPU has it (fp->avx2), with AVX2 enabled, whose three-operand encodings save the copies
 * the two-operand SSE2 code needs (the same operations in the same order, no FMA: the same
 * bits). Each tract is its own call: inlined into the loop, the register pressure cost more
 * than the call. */
static __attribute__((noinline)) void cam_tract_base(const sky_map *m, const sky_footprint *fp,
                                                     int t, const cam_visit *cv,
                                                     const cam_ctx *cx, sky_work *w)
{
    cam_tract(m, fp, t, cv, cx, w);
}

static void cam_tracts_base(const sky_map *m, const sky_footprint *fp, const cam_visit *cv,
                            const cam_ctx *cx, sky_work *w)
{
    for (size_t q = 0; q < w->ntracts; q++) cam_tract_base(m, fp, w->tracts[q], cv, cx, w);
    cam_exact_queue(m, fp, w);
}

#ifdef SKY_AVX2
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
CAM_AVX2 static __attribute__((noinline)) void cam_tract_avx2(const sky_map *m,
                                                              const sky_footprint *fp, int t,
                                                              const cam_visit *cv,
                                                              const cam_ctx *cx, sky_work *w)
{
    cam_tract(m, fp, t, cv, cx, w);
}

CAM_AVX2 static void cam_tracts_avx2(const sky_map *m, const sky_footprint *fp,
                                     const cam_visit *cv, const cam_ctx *cx, sky_work *w)
{
    for (size_t q = 0; q < w->ntracts; q++) cam_tract_avx2(m, fp, w->tracts[q], cv, cx, w);
    cam_exact_queue(m, fp, w);
}
#pragma GCC diagnostic pop
#endif

/* t: sin and cos of the boresight's RA and Dec (sky_work's, see sky__visit) */
static void cam_axes(const double t[4], double rot, cam_visit *cv)
{
    double sa = t[0], ca = t[1], sd = t[2], cd = t[3];
    double E[3] = {-sa, ca, 0.0}, N[3] = {-sd * ca, -sd * sa, cd};
    double cr = cos(rot), sr = sin(rot);
    cv->b[0] = cd * ca, cv->b[1] = cd * sa, cv->b[2] = sd; /* sky__vec's */
    /* focal +y points rot east of north, focal +x rot south of east (no parity flip) */
    for (int q = 0; q < 3; q++) {
        cv->U[q] = cr * E[q] - sr * N[q];
        cv->V[q] = sr * E[q] + cr * N[q];
    }
}

/* ---- the bounding-box rule (lsst.skymap TractInfo.findPatchList, skymap-cells.md) ----
 * A float pixel box becomes the integer box of every pixel it touches (lsst.geom's EXPAND:
 * [ceil(min - 0.5), floor(max + 0.5)]), is grown by the patch border and clipped to the tract
 * box; the patches are those whose inner index range meets what is left. Marks each patch once
 * per tract in w->mark and appends its key. */
static int bbox_index_box(const sky_map *m, double xmin, double xmax, double ymin, double ymax,
                          int *i0, int *i1, int *j0, int *j1)
{
    const sky_map_info *in = &m->info;
    if (!(xmin <= xmax && ymin <= ymax)) return 0; /* no point mapped (or NaN) */
    double b = in->patch_border_px;
    double x0 = dmax(ceil(xmin - 0.5) - b, 0.0), x1 = dmin(floor(xmax + 0.5) + b,
                                                            in->tract_width_px - 1.0);
    double y0 = dmax(ceil(ymin - 0.5) - b, 0.0), y1 = dmin(floor(ymax + 0.5) + b,
                                                            in->tract_height_px - 1.0);
    if (!(x0 <= x1 && y0 <= y1)) return 0; /* the grown box misses the tract */
    int p = in->patch_inner_px;
    *i0 = (int)x0 / p, *i1 = (int)x1 / p, *j0 = (int)y0 / p, *j1 = (int)y1 / p;
    return 1;
}

static void bbox_patches(const sky_map *m, int t, double xmin, double xmax, double ymin,
                         double ymax, sky_work *w)
{
    int i0, i1, j0, j1, npy = m->info.patches_y;
    if (!bbox_index_box(m, xmin, xmax, ymin, ymax, &i0, &i1, &j0, &j1)) return;
    uint32_t base = (uint32_t)t * (uint32_t)m->npatch;
    for (int i = i0; i <= i1; i++)
        for (int j = j0; j <= j1; j++) {
            int q = i * npy + j;
            if (w->mark[q]) continue;
            w->mark[q] = 1;
            w->keys[w->nkeys++] = base + (uint32_t)q;
        }
}

/* clear the marks of the keys appended since index `from` */
static void bbox_unmark(const sky_map *m, sky_work *w, size_t from)
{
    for (size_t q = from; q < w->nkeys; q++) w->mark[w->keys[q] % (uint32_t)m->npatch] = 0;
}

/* Circle: the pixel box of the whole cap, i.e. of its ellipse (see sky__circle_cols), in
 * tract t. */
static void circle_bbox_tract(const sky_map *m, int t, const double v[3], double k, double sr,
                              sky_work *w)
{
    const double *tv = m->tv + 9 * (size_t)t;
    double a = sky__dot(v, tv), b = sky__dot(v, tv + 3), d = sky__dot(v, tv + 6);
    double wq = a * a - sr * sr;
    if (a <= 0.0 || wq <= 0.0) return;
    double xc = a * b / wq, yc = a * d / wq;
    double hx = sr * sqrt(k * k - d * d) / wq, hy = sr * sqrt(k * k - b * b) / wq;
    double s = m->scale_rad, cx = m->info.crpix_x, cy = m->info.crpix_y;
    /* pixel x grows westward: x = crpix - xi / s */
    double xmin = cx - (xc + hx) / s, xmax = cx - (xc - hx) / s;
    double ymin = cy + (yc - hy) / s, ymax = cy + (yc + hy) / s;
    if (w->runs) {
        /* one box per tract: its columns' runs j0..j1 cannot repeat a key */
        int i0, i1, j0, j1, npy = m->info.patches_y;
        if (!bbox_index_box(m, xmin, xmax, ymin, ymax, &i0, &i1, &j0, &j1)) return;
        uint32_t base = (uint32_t)t * (uint32_t)m->npatch;
        for (int i = i0; i <= i1; i++) {
            w->keys[w->nkeys++] = base + (uint32_t)(i * npy + j0);
            w->keys[w->nkeys++] = base + (uint32_t)(i * npy + j1 + 1);
        }
        return;
    }
    size_t from = w->nkeys;
    bbox_patches(m, t, xmin, xmax, ymin, ymax, w);
    bbox_unmark(m, w, from);
}

/* LSSTCam: per CCD, its four grown corners; a tract takes part only when it contains one of
 * them (lsst's `contains`: the pixel rounded with floor(v + 0.5) inside the box). A focal-plane
 * point (fx, fy) is the direction b + fx U + fy V (see cam_axes). */
static void cam_bbox_tract(const sky_map *m, const sky_footprint *fp, int t, const cam_visit *cv,
                           sky_work *w)
{
    const double *tv = m->tv + 9 * (size_t)t, *c = tv, *e = tv + 3, *n = tv + 6;
    double g[9] = {sky__dot(cv->b, c), sky__dot(cv->U, c), sky__dot(cv->V, c),
                   sky__dot(cv->b, e), sky__dot(cv->U, e), sky__dot(cv->V, e),
                   sky__dot(cv->b, n), sky__dot(cv->U, n), sky__dot(cv->V, n)};
    double is = 1.0 / m->scale_rad, cx = m->info.crpix_x, cy = m->info.crpix_y;
    double wmax = m->info.tract_width_px - 0.5, hmax = m->info.tract_height_px - 0.5;
    /* a CCD whose middle is farther from the tract centre than the tract box's half-diagonal
     * plus the CCD's own half-diagonal has no corner in the box (TAN only stretches, so the
     * focal-plane half-diagonal bounds the sky one) */
    double cos_far = cos(m->box_half_diag + fp->ccd_half_diag + 1e-9);
    size_t from = w->nkeys;
    for (int k = 0; k < fp->nccd; k++) {
        if ((fp->ccd_on && !fp->ccd_on[k]) || sky__dot(w->ccdv + 3 * k, c) < cos_far) continue;
        const double *r = fp->ccd[k];
        double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
        int inside = 0;
        for (int q = 0; q < 4; q++) {
            double fx = (q == 1 || q == 2) ? r[1] : r[0], fy = q >= 2 ? r[3] : r[2];
            double dc = g[0] + fx * g[1] + fy * g[2];
            if (!(dc > 0.0)) continue; /* no pixel position: lsst skips the point */
            double idc = 1.0 / dc;
            double px = cx - (g[3] + fx * g[4] + fy * g[5]) * idc * is;
            double py = cy + (g[6] + fx * g[7] + fy * g[8]) * idc * is;
            /* floor(v + 0.5) in [0, W - 1] is v in [-0.5, W - 0.5) */
            inside |= px >= -0.5 && px < wmax && py >= -0.5 && py < hmax;
            xmin = dmin(xmin, px), xmax = dmax(xmax, px);
            ymin = dmin(ymin, py), ymax = dmax(ymax, py);
        }
        if (inside) bbox_patches(m, t, xmin, xmax, ymin, ymax, w);
    }
    bbox_unmark(m, w, from);
}

int sky__visit(const sky_map *m, const sky_footprint *fp, double ra, double dec, double rot,
               sky_work *w)
{
    double reach = fp->kind == SKY_FP_CIRCLE ? fp->radius : fp->bound;
    if (fp->overlap == SKY_OVERLAP_BBOX && fp->kind == SKY_FP_CIRCLE)
        /* the circle's pixel box reaches sqrt(2) r on the diagonal, a little more where TAN
         * stretches, and the box is grown by the border: 1.5 r and two borders cover that */
        reach = 1.5 * fp->radius + 2.0 * m->info.patch_border_px * m->scale_rad;
    w->nkeys = 0;
    /* the workers take visits in sky order, and consecutive ones often share a centre (a
     * field's visits of a night): then they share the sines and cosines and, with the same
     * reach, the candidate tracts */
    double D = reach + m->half_diag + 1e-6;
    int same = w->cand_ok && w->cand_ra == ra && w->cand_dec == dec;
    if (!same) {
        w->cand_trig[0] = sin(ra), w->cand_trig[1] = cos(ra);
        w->cand_trig[2] = sin(dec), w->cand_trig[3] = cos(dec);
    }
    const double *trig = w->cand_trig;
    double sd = trig[2], cd = trig[3];
    if (!same || w->cand_d != D) {
        w->cand_ok = 0;
        if (candidates(m, ra, dec, sd, cd, D, w)) return Y1_ENOMEM;
        w->cand_ok = 1, w->cand_ra = ra, w->cand_dec = dec, w->cand_d = D;
    }
    /* a key per patch, or two per patch column (runs) */
    size_t per_tract = (size_t)m->npatch + 2 * (size_t)m->info.patches_x;
    if (grow((void **)&w->keys, &w->capkeys, w->ntracts * per_tract, sizeof *w->keys))
        return Y1_ENOMEM;
    if (fp->overlap == SKY_OVERLAP_BBOX) {
        if (w->capmark < (size_t)m->npatch) {
            uint8_t *q = realloc(w->mark, (size_t)m->npatch);
            if (!q) return Y1_ENOMEM;
            memset(q, 0, (size_t)m->npatch);
            w->mark = q;
            w->capmark = (size_t)m->npatch;
        }
        if (fp->kind == SKY_FP_CIRCLE) {
            double v[3];
            sky__vec(ra, dec, v);
            double k = cos(fp->radius), sr = sin(fp->radius);
            for (size_t q = 0; q < w->ntracts; q++) circle_bbox_tract(m, w->tracts[q], v, k, sr, w);
        } else {
            cam_visit cv;
            cam_axes(trig, rot, &cv);
            if (grow((void **)&w->ccdv, &w->capccdv, 3 * (size_t)fp->nccd, sizeof *w->ccdv))
                return Y1_ENOMEM;
            for (int k = 0; k < fp->nccd; k++) {
                const double *r = fp->ccd[k];
                double fx = 0.5 * (r[0] + r[1]), fy = 0.5 * (r[2] + r[3]), *u = w->ccdv + 3 * k;
                for (int q = 0; q < 3; q++) u[q] = cv.b[q] + fx * cv.U[q] + fy * cv.V[q];
                double nu = sqrt(sky__dot(u, u));
                for (int q = 0; q < 3; q++) u[q] /= nu;
            }
            for (size_t q = 0; q < w->ntracts; q++) cam_bbox_tract(m, fp, w->tracts[q], &cv, w);
        }
        return Y1_OK;
    }
    if (fp->kind == SKY_FP_CIRCLE) {
        double v[3] = {cd * trig[1], cd * trig[0], sd}; /* sky__vec's */
        if (w->memo_r != fp->radius || w->memo_hd != m->half_diag) {
            w->memo_r = fp->radius, w->memo_k = cos(fp->radius), w->memo_sr = sin(fp->radius);
            /* 1e-12 above the cosine: room for the rounding of v.c (a larger cosine, a
             * nearer tract); none when the circle is not wider than a tract box */
            w->memo_hd = m->half_diag;
            w->memo_full = fp->radius > m->half_diag + 1e-6 ?
                           cos(fp->radius - m->half_diag) + 1e-12 : 2.0;
        }
        double k = w->memo_k, sr = w->memo_sr, full = w->memo_full;
        if (fp->exact_only)
            for (size_t q = 0; q < w->ntracts; q++) circle_tract(m, w->tracts[q], v, k, sr, w);
        else
            for (size_t q = 0; q < w->ntracts; q += CIRCLE_BATCH) {
                size_t left = w->ntracts - q;
                circle_batch(fp, m, w->tracts + q,
                             left < CIRCLE_BATCH ? (int)left : CIRCLE_BATCH, v, k, sr, full, w);
            }
    } else {
        cam_visit cv;
        cam_axes(trig, rot, &cv);
        cam_ctx cx;
        /* A point of the cross is in a CCD's tile, so within tile_reach of that CCD in the
         * focal plane, hence on the sky (the focal plane only stretches). Within the tract's
         * outer box, and tile_reach beyond it, the tract plane stretches sky lengths by at most
         * 1/cos^2 of the angle from its centre: so the tract-plane images are within g. */
        double *mc = w->cam_memo; /* the cosines below: once per map, camera and reach */
        if (mc[0] != m->half_diag || mc[1] != fp->tile_reach || mc[2] != D) {
            double cg = cos(m->half_diag + fp->tile_reach);
            mc[3] = fp->tile_reach / (cg * cg) * (1.0 + 1e-9) + CAM_MARGIN;
            /* see near_cos below */
            double ct = cos(D + 1e-3 + m->half_diag);
            mc[4] = cos(D + 1e-3);
            mc[5] = (m->half_diag / (ct * ct)) * (1.0 + 1e-9) + CAM_MARGIN;
            mc[0] = m->half_diag, mc[1] = fp->tile_reach, mc[2] = D;
        }
        cx.gs = mc[3];
        /* dropped CCDs (holes) leave the cross not tiled: no sure hits then; and a patch must
         * stay wider than 2 gs (patch_inradius is at most half its narrowest width) */
        cx.sure = !fp->holes && cx.gs < m->patch_inradius;
        /* A tract's outer box lies within half_diag of its centre c (on the sky); a great
         * circle arc from c within the box stays within th = angle(c, b) + half_diag of the
         * boresight, where the focal plane (gnomonic about b) stretches lengths by at most
         * 1/cos^2 th. So for the tracts with angle(c, b) <= D + 1e-3 (c.b >= near_cos; the
         * candidates, but for their rounding) the image of the box is within reach of the
         * image of c: farther than that from both occ boxes, which hold every CCD, the tract
         * meets none. */
        cx.near_cos = mc[4];
        cx.reach = mc[5];
        /* the columns' bounds, moved by M and by gs, for the AVX-512 counts: once per map and gs
         * (the work buffer serves one map at a time; its columns are checked too) */
        int npx = m->info.patches_x;
        const double *x = m->col_xi;
        if (w->colv_gs != cx.gs || w->colv_n != npx || w->colv_x0 != x[0] ||
            w->colv_x1 != x[2 * npx - 1]) {
            if (grow((void **)&w->colv, &w->capcolv, 8 * (size_t)npx, sizeof *w->colv))
                return Y1_ENOMEM;
            double *v = w->colv;
            for (int i = 0; i < npx; i++)
                for (int k = 0; k < 2; k++) {
                    v[2 * i + k] = x[2 * i] - CAM_MARGIN;
                    v[2 * npx + 2 * i + k] = x[2 * i + 1] + CAM_MARGIN;
                    v[4 * npx + 2 * i + k] = x[2 * i] + cx.gs;
                    v[6 * npx + 2 * i + k] = x[2 * i + 1] - cx.gs;
                }
            w->colv_gs = cx.gs, w->colv_n = npx, w->colv_x0 = x[0], w->colv_x1 = x[2 * npx - 1];
        }
        cx.colv = w->colv;
        cx.rk = cam_rowk_of(m, cx.gs);
        /* room for every tract's h and every column's queued exact tests */
        if (grow((void **)&w->exq, &w->capexq, w->ntracts * (size_t)m->info.patches_x + 1,
                 sizeof *w->exq) ||
            grow((void **)&w->exh, &w->capexh, 9 * (w->ntracts + 1), sizeof *w->exh))
            return Y1_ENOMEM;
        w->nexq = w->nexh = 0;
#ifdef SKY_AVX2
        if (fp->avx2) cam_tracts_avx2(m, fp, &cv, &cx, w);
        else
#endif
            cam_tracts_base(m, fp, &cv, &cx, w);
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
