/* skymap.c: the rings sky map itself: load its YAML, lay out rings and tracts (numbering version 1),
 * build the tract box and patch grid (legacy or cells builder), the TAN WCS, and the point
 * look-ups findTract, findAllTracts and findPatch. Section numbers refer to
 * shared/reference/skymap.md; the cells builder is in shared/reference/skymap-cells.md. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skymap/sky_internal.h"

/* ---- small angle helpers ---- */

/* lsst.geom Angle.wrap: into [0, 2 pi) (section 3) */
static double wrap_2pi(double a)
{
    double w = fmod(a, 2.0 * SKY_PI);
    if (w < 0.0) w += 2.0 * SKY_PI;
    if (w >= 2.0 * SKY_PI) w = 0.0;
    return w;
}

int sky__check_coord(double ra_deg, double dec_deg, y1_err *err)
{
    if (!isfinite(ra_deg) || ra_deg < 0.0 || ra_deg > 360.0)
        return y1_errf(err, Y1_EINPUT, "RA %g deg is out of range [0, 360]", ra_deg);
    if (!isfinite(dec_deg) || dec_deg < -90.0 || dec_deg > 90.0)
        return y1_errf(err, Y1_EINPUT, "Dec %g deg is out of range [-90, 90]", dec_deg);
    return Y1_OK;
}

/* ---- loading ---- */

typedef struct map_cfg {
    char name[64];
    int cells;                /* tract_builder: 0 legacy, 1 cells */
    long version, num_rings, patch_inner, patch_border;
    long cell_inner, cell_border, cells_per_patch, cells_in_border;
    double ra_start_deg, rotation_deg, pixel_scale, overlap_arcmin;
} map_cfg;

/* Keys 0..9 are common; the legacy builder takes the patch keys, the cells builder the cell
 * keys (lsst.skymap LegacyTractBuilderConfig and CellTractBuilderConfig). */
static const char *const cfg_keys[] = {"name", "kind", "version", "num_rings", "ra_start_deg",
                                       "projection", "rotation_deg", "pixel_scale_arcsec",
                                       "tract_overlap_arcmin", "tract_builder",
                                       "patch_inner_px", "patch_border_px", "cell_inner_px",
                                       "cell_border_px", "cells_per_patch_inner",
                                       "cells_in_patch_border", NULL};
enum { NKEYS = sizeof cfg_keys / sizeof cfg_keys[0] - 1, K_COMMON = 10, K_LEGACY = 10,
       K_CELLS = 12 };

static int read_cfg(map_cfg *c, const char *path, y1_err *err)
{
    int seen[NKEYS] = {0};
    yaml_node_t *at[NKEYS] = {0};
    y1_ydoc doc;
    int rc = y1_ydoc_load(&doc, path, "sky map settings", err);
    if (rc) goto done;
    yaml_node_t *root = y1_ydoc_root(&doc);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = y1_ynode(&doc, p->key);
        yaml_node_t *vn = y1_ynode(&doc, p->value);
        const char *k = y1_yscalar(kn), *s = y1_yscalar(vn);
        int which = -1;
        if ((rc = y1_ykey(&doc, root, p, cfg_keys, "the sky map", &which, err))) goto done;
        seen[which] = 1;
        at[which] = kn;
        switch (which) {
        case 0:
            if (!s || !*s || strlen(s) >= sizeof c->name) {
                rc = y1_yerr(&doc, vn, err, "name: expected a short string");
                goto done;
            }
            strcpy(c->name, s);
            break;
        case 1:
            if (!s || strcmp(s, "rings")) {
                rc = y1_yerr(&doc, vn, err, "kind: only 'rings' is supported, got '%s'",
                                   s ? s : "?");
                goto done;
            }
            break;
        case 2: rc = y1_yval_int(&doc, vn, k, 1, 1, &c->version, err); break;
        case 3:
            /* 1000 rings are 0.18 deg tracts, 1.3 M of them (~100 MB): beyond that a tract is
             * smaller than a CCD and the map only costs memory and time */
            rc = y1_yval_int(&doc, vn, k, 1, 1000, &c->num_rings, err);
            break;
        case 4: rc = y1_yval_num(&doc, vn, k, 0.0, 360.0, &c->ra_start_deg, err); break;
        case 5:
            if (!s || strcmp(s, "TAN")) {
                rc = y1_yerr(&doc, vn, err, "projection: only 'TAN' is supported, got '%s'",
                                   s ? s : "?");
                goto done;
            }
            break;
        case 6:
            /* lsst allows a rotated sky map; DC2 uses 0 and the fast paths assume it */
            rc = y1_yval_num(&doc, vn, k, 0.0, 0.0, &c->rotation_deg, err);
            break;
        case 7: rc = y1_yval_num(&doc, vn, k, 1e-3, 100.0, &c->pixel_scale, err); break;
        case 8: rc = y1_yval_num(&doc, vn, k, 0.0, 600.0, &c->overlap_arcmin, err); break;
        case 9:
            if (s && !strcmp(s, "legacy")) c->cells = 0;
            else if (s && !strcmp(s, "cells")) c->cells = 1;
            else {
                rc = y1_yerr(&doc, vn, err, "tract_builder: expected legacy or cells, got '%s'",
                             s ? s : "?");
                goto done;
            }
            break;
        case 10: rc = y1_yval_int(&doc, vn, k, 1, 1000000, &c->patch_inner, err); break;
        case 11: rc = y1_yval_int(&doc, vn, k, 0, 1000000, &c->patch_border, err); break;
        case 12: rc = y1_yval_int(&doc, vn, k, 1, 100000, &c->cell_inner, err); break;
        case 13: rc = y1_yval_int(&doc, vn, k, 0, 100000, &c->cell_border, err); break;
        case 14: rc = y1_yval_int(&doc, vn, k, 1, 1000, &c->cells_per_patch, err); break;
        case 15: rc = y1_yval_int(&doc, vn, k, 0, 1000, &c->cells_in_border, err); break;
        }
        if (rc) goto done;
    }
    /* the builder's own keys are required, the other builder's are errors */
    int lo = c->cells ? K_CELLS : K_LEGACY, hi = c->cells ? NKEYS : K_CELLS;
    for (int i = 0; i < NKEYS; i++) {
        int want = i < K_COMMON || (i >= lo && i < hi);
        if (want && !seen[i]) {
            rc = y1_yerr(&doc, root, err, "missing key '%s'%s", cfg_keys[i],
                         i >= K_COMMON ? (c->cells ? " (tract_builder cells)"
                                                   : " (tract_builder legacy)")
                                       : "");
            goto done;
        }
        if (!want && seen[i]) {
            rc = y1_yerr(&doc, at[i], err, "'%s' does not apply to tract_builder %s",
                         cfg_keys[i], c->cells ? "cells" : "legacy");
            goto done;
        }
    }
    if (c->cells) {
        /* lsst.skymap CellTractBuilder: the patch is a whole number of cells, and its border is
         * whole cells plus the cells' own border */
        c->patch_inner = c->cell_inner * c->cells_per_patch;
        c->patch_border = c->cells_in_border * c->cell_inner + c->cell_border;
        if (c->patch_inner > 1000000) {
            rc = y1_yerr(&doc, at[K_CELLS], err, "patches of %ld px are too large",
                         c->patch_inner);
            goto done;
        }
    }
    if (c->patch_border >= c->patch_inner) {
        /* at the border's own key (legacy), or the cell key that makes it too wide */
        rc = y1_yerr(&doc, at[c->cells ? K_CELLS + 1 : K_LEGACY + 1], err, "patch_border_px (%ld)"
                     " must be smaller than patch_inner_px (%ld)", c->patch_border,
                     c->patch_inner);
        goto done;
    }
done:
    y1_ydoc_free(&doc);
    return rc;
}

/* The tract box (section 5; both builders share lsst.skymap BaseTractBuilder.setupPatches): the
 * integer box that holds the four points theta away from the centre, rounded up to whole
 * patches with the extra pixels split delta//2 on the low side.
 * Returns the box size and the 0-based pixel of the centre after shifting the box to start at 0. */
static void tract_box(double T, long inner, long *size, double *crpix)
{
    long lo = (long)ceil(-T - 0.5), hi = (long)floor(T + 0.5); /* lsst.geom EXPAND rounding */
    long width = hi - lo + 1;
    long num = (width + inner - 1) / inner;
    long delta = num * inner - width;
    lo -= delta / 2;
    *size = num * inner;
    *crpix = (double)-lo;
}

int sky_map_new(sky_map **out, const char *yaml_path, y1_err *err)
{
    map_cfg c;
    memset(&c, 0, sizeof c);
    int rc = read_cfg(&c, yaml_path, err);
    if (rc) return rc;

    sky_map *m = calloc(1, sizeof *m);
    if (!m) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", yaml_path);
    rc = Y1_ENOMEM;
    snprintf(m->name, sizeof m->name, "%s", c.name);
    int nr = (int)c.num_rings;
    m->ring_size = SKY_PI / (nr + 1);
    m->ra_start = c.ra_start_deg * SKY_D2R;
    m->first_ring_start = m->ring_size * 0.5 - 0.5 * SKY_PI;
    m->ring_n = malloc(nr * sizeof *m->ring_n);
    m->ring_first = malloc(nr * sizeof *m->ring_first);
    m->ring_sd = malloc(nr * sizeof *m->ring_sd);
    m->ring_cd = malloc(nr * sizeof *m->ring_cd);
    if (!m->ring_n || !m->ring_first || !m->ring_sd || !m->ring_cd) goto fail;

    /* Section 2: the count uses the ring edge nearest the equator, evaluated in lsst's order so
     * that rings 59 and 60 give exactly 242.0 -> 243 tracts. */
    long total = 1;
    for (int i = 0; i < nr; i++) {
        double start = m->ring_size * (i + 0.5) - 0.5 * SKY_PI;
        double stop = start + m->ring_size;
        double d = fmin(fabs(start), fabs(stop));
        m->ring_n[i] = (int)(2.0 * SKY_PI * cos(d) / m->ring_size) + 1;
        m->ring_first[i] = (int)total;
        total += m->ring_n[i];
        m->ring_sd[i] = sin(m->ring_size * (i + 1) - 0.5 * SKY_PI);
        m->ring_cd[i] = cos(m->ring_size * (i + 1) - 0.5 * SKY_PI);
    }
    total += 1;

    /* Tract box and patch grid (sections 5 and 6) */
    double s_deg = c.pixel_scale / 3600.0;
    double theta = m->ring_size / 2 + c.overlap_arcmin / 60.0 * SKY_D2R;
    if (theta >= 0.25 * SKY_PI) {
        rc = y1_errf(err, Y1_EINPUT, "%s: tracts of %g deg half-size are too large for a TAN "
                     "tract (use more rings or less overlap)", yaml_path, theta * SKY_R2D);
        goto fail;
    }
    double T = tan(theta) * SKY_R2D / s_deg;
    long w, h;
    tract_box(T, c.patch_inner, &w, &m->info.crpix_x);
    tract_box(T, c.patch_inner, &h, &m->info.crpix_y);
    assert(c.patch_border < c.patch_inner);   /* read_cfg refuses the others */
    int npx = (int)(w / c.patch_inner), npy = (int)(h / c.patch_inner);
    if (npx > 64 || npy > 64) {
        rc = y1_errf(err, Y1_EINPUT, "%s: %d x %d patches per tract; at most 64 x 64 are "
                     "supported", yaml_path, npx, npy);
        goto fail;
    }
    if ((double)total * npx * npy * 6.0 > 2147483647.0) {
        rc = y1_errf(err, Y1_EINPUT, "%s: %ld tracts of %d x %d patches is too fine a map",
                     yaml_path, total, npx, npy);
        goto fail;
    }
    m->scale_rad = s_deg * SKY_D2R;
    m->npatch = npx * npy;
    m->col_xi = malloc(2 * npx * sizeof *m->col_xi);
    m->row_eta = malloc(2 * npy * sizeof *m->row_eta);
    m->lo_pad = malloc((size_t)(npy + 2) * sizeof *m->lo_pad);
    m->hi_pad = malloc((size_t)(npy + 2) * sizeof *m->hi_pad);
    /* one spare element: footprint.c reads them two at a time */
    m->mid_xi = calloc((size_t)npx * npy + 1, sizeof *m->mid_xi);
    m->mid_eta = calloc((size_t)npx * npy + 1, sizeof *m->mid_eta);
    m->tv = malloc(9 * (size_t)total * sizeof *m->tv);
    if (!m->col_xi || !m->row_eta || !m->lo_pad || !m->hi_pad || !m->mid_xi || !m->mid_eta ||
        !m->tv)
        goto fail;
    double s = m->scale_rad, cx = m->info.crpix_x, cy = m->info.crpix_y;
    /* The legacy builder clips outer patch boxes to the tract; the cells builder does not, so
     * its edge patches reach patch_border pixels beyond the tract box (skymap-cells.md). */
    double lo_x = c.cells ? -(double)c.patch_border : 0.0;
    double hi_x = c.cells ? (double)(w - 1 + c.patch_border) : (double)(w - 1);
    double lo_y = lo_x, hi_y = c.cells ? (double)(h - 1 + c.patch_border) : (double)(h - 1);
    for (int i = 0; i < npx; i++) {
        /* outer box, outline at the half-pixel edges; x grows westward, so
         * xi = (crpix - x) * s and the column's xi range is reversed */
        double x0 = fmax(lo_x, (double)(i * c.patch_inner - c.patch_border)) - 0.5;
        double x1 = fmin(hi_x, (double)((i + 1) * c.patch_inner - 1 + c.patch_border)) + 0.5;
        m->col_xi[2 * i] = (cx - x1) * s;
        m->col_xi[2 * i + 1] = (cx - x0) * s;
    }
    for (int j = 0; j < npy; j++) {
        double y0 = fmax(lo_y, (double)(j * c.patch_inner - c.patch_border)) - 0.5;
        double y1 = fmin(hi_y, (double)((j + 1) * c.patch_inner - 1 + c.patch_border)) + 0.5;
        m->row_eta[2 * j] = (y0 - cy) * s;
        m->row_eta[2 * j + 1] = (y1 - cy) * s;
    }
    m->lo_pad[0] = m->hi_pad[0] = -INFINITY;
    m->lo_pad[npy + 1] = m->hi_pad[npy + 1] = INFINITY;
    for (int j = 0; j < npy; j++) {
        m->lo_pad[j + 1] = m->row_eta[2 * j];
        m->hi_pad[j + 1] = m->row_eta[2 * j + 1];
    }
    /* unclipped, row j spans (j P - B - 0.5 - cy) s to ((j + 1) P - 1 + B + 0.5 - cy) s */
    m->row_inv_pitch = 1.0 / (c.patch_inner * s);
    m->row_lo_c = (cy + 0.5 + c.patch_border) / c.patch_inner + 1.0;
    m->row_hi_c = (cy + 0.5 - c.patch_border) / c.patch_inner;
    for (int i = 0; i < npx; i++)
        for (int j = 0; j < npy; j++) {
            m->mid_xi[i * npy + j] = 0.5 * (m->col_xi[2 * i] + m->col_xi[2 * i + 1]);
            m->mid_eta[i * npy + j] = 0.5 * (m->row_eta[2 * j] + m->row_eta[2 * j + 1]);
        }
    /* every outer patch box lies in this extent (the tract box, grown when not clipped) */
    m->box_xi[0] = (cx - (hi_x + 0.5)) * s;
    m->box_xi[1] = (cx - (lo_x - 0.5)) * s;
    m->box_eta[0] = (lo_y - 0.5 - cy) * s;
    m->box_eta[1] = (hi_y + 0.5 - cy) * s;
    double mx = fmax(-m->box_xi[0], m->box_xi[1]), my = fmax(-m->box_eta[0], m->box_eta[1]);
    m->half_diag = atan(hypot(mx, my));
    double bx = fmax(cx + 0.5, w - 0.5 - cx), by = fmax(cy + 0.5, h - 0.5 - cy);
    m->box_half_diag = atan(hypot(bx, by) * s);
    double wmax = 0, hmax = 0, wmin = INFINITY;
    for (int i = 0; i < npx; i++) {
        wmax = fmax(wmax, m->col_xi[2 * i + 1] - m->col_xi[2 * i]);
        wmin = fmin(wmin, m->col_xi[2 * i + 1] - m->col_xi[2 * i]);
    }
    for (int j = 0; j < npy; j++) {
        hmax = fmax(hmax, m->row_eta[2 * j + 1] - m->row_eta[2 * j]);
        wmin = fmin(wmin, m->row_eta[2 * j + 1] - m->row_eta[2 * j]);
    }
    m->patch_diag = hypot(wmax, hmax);
    /* a tract-plane disk shrinks onto the sky by at most cos^2 of its distance from the centre */
    m->patch_inradius = 0.5 * wmin * cos(m->half_diag) * cos(m->half_diag);
    if (m->half_diag > 20.0 * SKY_D2R) {
        /* the circle test needs every candidate tract well inside the cap's hemisphere */
        rc = y1_errf(err, Y1_EINPUT, "%s: tract boxes reach %g deg from their centres; at most "
                     "20 deg is supported", yaml_path, m->half_diag * SKY_R2D);
        goto fail;
    }

    /* Centres and tangent-plane axes (sections 3 and 4); t grows, so the ring index only
     * moves forward (a search from ring 0 for every tract was quadratic in num_rings) */
    int ring = 0;
    for (long t = 0; t < total; t++) {
        double ra, dec;
        if (t == 0) {
            ra = 0.0;
            dec = -0.5 * SKY_PI;
        } else if (t == total - 1) {
            ra = 0.0;
            dec = 0.5 * SKY_PI;
        } else {
            while (ring + 1 < nr && m->ring_first[ring + 1] <= t) ring++;
            int i = ring;
            int k = (int)(t - m->ring_first[i]);
            dec = m->ring_size * (i + 1) - 0.5 * SKY_PI;
            ra = wrap_2pi((2.0 * SKY_PI * k) / m->ring_n[i] + m->ra_start);
        }
        double *v = m->tv + 9 * t;
        if (t == total - 1) {
            v[0] = 0.0; v[1] = 0.0; v[2] = 1.0; /* exactly the pole */
        } else if (t == 0) {
            v[0] = 0.0; v[1] = 0.0; v[2] = -1.0;
        } else {
            sky__vec(ra, dec, v);
        }
        double sa = sin(ra), ca = cos(ra), sd = sin(dec), cd = cos(dec);
        if (t == 0 || t == total - 1) cd = 0.0, sd = dec > 0 ? 1.0 : -1.0;
        v[3] = -sa; v[4] = ca; v[5] = 0.0;             /* east */
        v[6] = -sd * ca; v[7] = -sd * sa; v[8] = cd;   /* north */
        if (t == total - 1) {
            /* Section 4: AST's default LONPOLE is 0 when CRVAL2 = +90, which turns the north cap's
             * tangent plane by 180 deg relative to the usual orientation. */
            for (int q = 3; q < 9; q++) v[q] = -v[q];
        }
    }

    m->info.name = m->name;
    m->info.num_rings = nr;
    m->info.num_tracts = (int)total;
    m->info.ring_size_deg = m->ring_size * SKY_R2D;
    m->info.pixel_scale_arcsec = c.pixel_scale;
    m->info.tract_overlap_deg = c.overlap_arcmin / 60.0;
    m->info.patch_inner_px = (int)c.patch_inner;
    m->info.patch_border_px = (int)c.patch_border;
    m->info.tract_builder = c.cells ? "cells" : "legacy";
    m->info.patch_outer_clipped = !c.cells;
    m->info.cell_inner_px = c.cells ? (int)c.cell_inner : 0;
    m->info.tract_width_px = (int)w;
    m->info.tract_height_px = (int)h;
    m->info.patches_x = npx;
    m->info.patches_y = npy;
    m->info.tract_half_diag_deg = m->half_diag * SKY_R2D;
    *out = m;
    return Y1_OK;
fail:
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "%s: out of memory", yaml_path);
    sky_map_free(m);
    return rc;
}

void sky_map_free(sky_map *m)
{
    if (!m) return;
    free(m->ring_n);
    free(m->ring_first);
    free(m->ring_sd);
    free(m->ring_cd);
    free(m->tv);
    free(m->col_xi);
    free(m->row_eta);
    free(m->lo_pad);
    free(m->hi_pad);
    free(m->mid_xi);
    free(m->mid_eta);
    free(m);
}

const sky_map_info *sky_map_get_info(const sky_map *m) { return &m->info; }

int sky_ring_num_tracts(const sky_map *m, int ring)
{
    return ring >= 0 && ring < m->info.num_rings ? m->ring_n[ring] : -1;
}

static int check_tract(const sky_map *m, int tract, y1_err *err)
{
    if (tract < 0 || tract >= m->info.num_tracts)
        return y1_errf(err, Y1_EINPUT, "tract %d does not exist in sky map %s (0..%d)", tract,
                       m->name, m->info.num_tracts - 1);
    return Y1_OK;
}

/* ring of a ring tract (binary search over first ids) */
static int ring_of(const sky_map *m, int tract)
{
    int lo = 0, hi = m->info.num_rings - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (m->ring_first[mid] <= tract) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

int sky_tract_get(const sky_map *m, int tract, sky_tract_info *out, y1_err *err)
{
    int rc = check_tract(m, tract, err);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    out->id = tract;
    int last = m->info.num_tracts - 1;
    double frs = m->first_ring_start;
    if (tract == 0 || tract == last) {
        out->ring = tract == 0 ? -1 : m->info.num_rings;
        out->ra_deg = 0.0;
        out->dec_deg = tract == 0 ? -90.0 : 90.0;
        out->ra_min_deg = 0.0;
        out->ra_max_deg = 360.0;
        out->dec_min_deg = tract == 0 ? -90.0 : -frs * SKY_R2D;
        out->dec_max_deg = tract == 0 ? frs * SKY_R2D : 90.0;
        return Y1_OK;
    }
    int i = ring_of(m, tract), t = tract - m->ring_first[i], n = m->ring_n[i];
    double step = 2.0 * SKY_PI / n;
    out->ring = i;
    out->index_in_ring = t;
    out->ra_deg = wrap_2pi((2.0 * SKY_PI * t) / n + m->ra_start) * SKY_R2D;
    out->dec_deg = (m->ring_size * (i + 1) - 0.5 * SKY_PI) * SKY_R2D;
    out->ra_min_deg = wrap_2pi(m->ra_start + (t - 0.5) * step) * SKY_R2D;
    out->ra_max_deg = wrap_2pi(m->ra_start + (t + 0.5) * step) * SKY_R2D;
    out->dec_min_deg = (m->ring_size * (i + 0.5) - 0.5 * SKY_PI) * SKY_R2D;
    out->dec_max_deg = out->dec_min_deg + m->ring_size * SKY_R2D;
    return Y1_OK;
}

/* ---- WCS (section 4) ---- */

/* tangent-plane coordinates of unit vector u in tract t; 0 when u is 90 deg or more away */
static int to_plane(const sky_map *m, int t, const double u[3], double *xi, double *eta)
{
    const double *v = m->tv + 9 * (size_t)t;
    double cc = sky__dot(u, v);
    if (!(cc > 0.0)) return 0;
    *xi = sky__dot(u, v + 3) / cc;
    *eta = sky__dot(u, v + 6) / cc;
    return 1;
}

int sky_sky_to_pixel(const sky_map *m, int tract, double ra_deg, double dec_deg, double *x,
                     double *y, y1_err *err)
{
    int rc = sky__check_coord(ra_deg, dec_deg, err);
    if (!rc) rc = check_tract(m, tract, err);
    if (rc) return rc;
    double u[3], xi, eta;
    sky__vec(ra_deg * SKY_D2R, dec_deg * SKY_D2R, u);
    if (!to_plane(m, tract, u, &xi, &eta))
        return y1_errf(err, Y1_EINPUT, "(%g, %g) is 90 deg or more from the centre of tract %d",
                       ra_deg, dec_deg, tract);
    *x = m->info.crpix_x - xi / m->scale_rad;
    *y = m->info.crpix_y + eta / m->scale_rad;
    return Y1_OK;
}

void sky_pixel_to_sky(const sky_map *m, int tract, double x, double y, double *ra_deg,
                      double *dec_deg)
{
    const double *v = m->tv + 9 * (size_t)tract;
    double xi = -(x - m->info.crpix_x) * m->scale_rad, eta = (y - m->info.crpix_y) * m->scale_rad;
    double d[3];
    for (int q = 0; q < 3; q++) d[q] = v[q] + xi * v[3 + q] + eta * v[6 + q];
    *ra_deg = wrap_2pi(atan2(d[1], d[0])) * SKY_R2D;
    *dec_deg = atan2(d[2], hypot(d[0], d[1])) * SKY_R2D;
}

/* Tract contains a point: pixel rounded with floor(v + 0.5) inside the box (section 7) */
static int tract_contains(const sky_map *m, int t, const double u[3])
{
    double xi, eta;
    if (!to_plane(m, t, u, &xi, &eta)) return 0;
    double x = floor(m->info.crpix_x - xi / m->scale_rad + 0.5);
    double y = floor(m->info.crpix_y + eta / m->scale_rad + 0.5);
    return x >= 0 && y >= 0 && x <= m->info.tract_width_px - 1 &&
           y <= m->info.tract_height_px - 1;
}

/* ---- point look-ups (section 7) ---- */

/* ring index for dec (rad) by truncation; -1 / num_rings for the caps */
static int ring_for_dec(const sky_map *m, double dec)
{
    if (dec < m->first_ring_start) return -1;
    if (dec > -m->first_ring_start) return m->info.num_rings;
    int i = (int)((dec - m->first_ring_start) / m->ring_size);
    return i < m->info.num_rings ? i : m->info.num_rings - 1;
}

/* nearest tract centre in RA within ring i */
static int t_for_ra(const sky_map *m, int i, double ra)
{
    int n = m->ring_n[i];
    int t = (int)(wrap_2pi(ra - m->ra_start) / (2.0 * SKY_PI / n) + 0.5);
    return t == n ? 0 : t;
}

int sky_find_tract(const sky_map *m, double ra_deg, double dec_deg, int *tract, y1_err *err)
{
    int rc = sky__check_coord(ra_deg, dec_deg, err);
    if (rc) return rc;
    double ra = ra_deg * SKY_D2R, dec = dec_deg * SKY_D2R;
    int i = ring_for_dec(m, dec);
    if (i < 0) *tract = 0;
    else if (i >= m->info.num_rings) *tract = m->info.num_tracts - 1;
    else *tract = m->ring_first[i] + t_for_ra(m, i, ra);
    return Y1_OK;
}

int sky_find_all_tracts(const sky_map *m, double ra_deg, double dec_deg, int *tracts, int cap,
                        int *n, y1_err *err)
{
    int rc = sky__check_coord(ra_deg, dec_deg, err);
    if (rc) return rc;
    assert(cap >= SKY_MAX_FIND_ALL); /* 3 rings x 3 tracts + 2 caps */
    (void)cap;
    double ra = ra_deg * SKY_D2R, dec = dec_deg * SKY_D2R, u[3];
    sky__vec(ra, dec, u);
    int k = 0, i0 = ring_for_dec(m, dec);
    for (int i = i0 - 1; i <= i0 + 1; i++) {
        if (i < 0 || i >= m->info.num_rings) continue;
        int nt = m->ring_n[i], t = t_for_ra(m, i, ra);
        int seen[3], ns = 0;
        for (int dt = -1; dt <= 1; dt++) {
            int tt = ((t + dt) % nt + nt) % nt;
            int dup = 0; /* a ring with fewer than 3 tracts would repeat one */
            for (int q = 0; q < ns; q++) dup |= seen[q] == tt;
            if (dup) continue;
            seen[ns++] = tt;
            if (tract_contains(m, m->ring_first[i] + tt, u)) tracts[k++] = m->ring_first[i] + tt;
        }
    }
    if (tract_contains(m, 0, u)) tracts[k++] = 0;
    if (tract_contains(m, m->info.num_tracts - 1, u)) tracts[k++] = m->info.num_tracts - 1;
    *n = k;
    return Y1_OK;
}

int sky_find_patch(const sky_map *m, int tract, double ra_deg, double dec_deg, int *patch_x,
                   int *patch_y, y1_err *err)
{
    double x, y;
    int rc = sky_sky_to_pixel(m, tract, ra_deg, dec_deg, &x, &y, err);
    if (rc) return rc;
    double ix = floor(x + 0.5), iy = floor(y + 0.5);
    if (ix < 0 || iy < 0 || ix > m->info.tract_width_px - 1 || iy > m->info.tract_height_px - 1)
        return y1_errf(err, Y1_EINPUT, "(%g, %g) is outside tract %d", ra_deg, dec_deg, tract);
    *patch_x = (int)ix / m->info.patch_inner_px;
    *patch_y = (int)iy / m->info.patch_inner_px;
    return Y1_OK;
}
