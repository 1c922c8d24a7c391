/* lsstcam.c: the LSSTCam focal plane as a lattice of science CCD boxes, read from
 * data/cameras/lsstcam.yaml: a square grid of rafts (optionally without the four corner rafts,
 * which hold wavefront and guide sensors) of n x n CCDs. Focal-plane lengths are in mm in the
 * file and in radians of the boresight's tangent plane here (a pure gnomonic camera: no optical
 * distortion, which is below a CCD width across the field). */
#include <stdlib.h>
#include <string.h>

#include "skymap/sky_internal.h"

typedef struct cam_cfg {
    long raft_grid, ccds_per_raft_side, ccd_w_px, ccd_h_px, corners_removed;
    double raft_pitch_mm, ccd_pitch_mm, pixel_size_um, pixel_scale_arcsec, grow_px;
} cam_cfg;

static int read_cam(cam_cfg *c, const char *path, y1_err *err)
{
    static const char *const keys[] = {"name", "raft_grid", "corner_rafts_removed",
                                       "ccds_per_raft_side", "raft_pitch_mm", "ccd_pitch_mm",
                                       "ccd_width_px", "ccd_height_px", "pixel_size_um",
                                       "pixel_scale_arcsec", "grow_px", NULL};
    enum { NKEYS = sizeof keys / sizeof keys[0] - 1 };
    int seen[NKEYS] = {0}, flag = 0;
    y1_ydoc doc;
    int rc = y1_ydoc_load(&doc, path, "camera settings", err);
    if (rc) goto done;
    yaml_node_t *root = y1_ydoc_root(&doc);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = y1_ynode(&doc, p->key);
        yaml_node_t *vn = y1_ynode(&doc, p->value);
        const char *k = y1_yscalar(kn), *s = y1_yscalar(vn);
        int which = -1;
        if ((rc = y1_ykey(&doc, root, p, keys, "the camera file", &which, err))) goto done;
        seen[which] = 1;
        switch (which) {
        case 0:
            if (!s) rc = y1_yerr(&doc, vn, err, "name: expected a string");
            break;
        case 1: rc = y1_yval_int(&doc, vn, k, 1, 15, &c->raft_grid, err); break;
        case 2:
            if (!(rc = y1_yval_bool(&doc, vn, k, &flag, err))) c->corners_removed = flag;
            break;
        case 3: rc = y1_yval_int(&doc, vn, k, 1, 15, &c->ccds_per_raft_side, err); break;
        case 4: rc = y1_yval_num(&doc, vn, k, 1.0, 10000.0, &c->raft_pitch_mm, err); break;
        case 5: rc = y1_yval_num(&doc, vn, k, 1.0, 10000.0, &c->ccd_pitch_mm, err); break;
        case 6: rc = y1_yval_int(&doc, vn, k, 1, 100000, &c->ccd_w_px, err); break;
        case 7: rc = y1_yval_int(&doc, vn, k, 1, 100000, &c->ccd_h_px, err); break;
        case 8: rc = y1_yval_num(&doc, vn, k, 0.1, 1000.0, &c->pixel_size_um, err); break;
        case 9:
            rc = y1_yval_num(&doc, vn, k, 1e-3, 100.0, &c->pixel_scale_arcsec, err);
            break;
        case 10: rc = y1_yval_num(&doc, vn, k, 0.0, 10000.0, &c->grow_px, err); break;
        }
        if (rc) goto done;
    }
    for (int i = 0; i < NKEYS; i++)
        if (!seen[i]) {
            rc = y1_yerr(&doc, root, err, "missing key '%s'", keys[i]);
            goto done;
        }
    /* CCDs must not overlap within a raft, nor rafts each other */
    double ccd_mm_w = c->ccd_w_px * c->pixel_size_um / 1000.0;
    double ccd_mm_h = c->ccd_h_px * c->pixel_size_um / 1000.0;
    if (fmax(ccd_mm_w, ccd_mm_h) > c->ccd_pitch_mm ||
        c->ccds_per_raft_side * c->ccd_pitch_mm > c->raft_pitch_mm + 1e-9) {
        rc = y1_errf(err, Y1_EINPUT, "%s: CCDs of %.2f x %.2f mm do not fit a %.2f mm CCD pitch "
                     "and %.2f mm raft pitch", path, ccd_mm_w, ccd_mm_h, c->ccd_pitch_mm,
                     c->raft_pitch_mm);
        goto done;
    }
    if (c->raft_grid * c->ccds_per_raft_side > 64) {
        rc = y1_errf(err, Y1_EINPUT, "%s: %ld x %ld CCD slots per side; at most 64 are supported",
                     path, c->raft_grid, c->ccds_per_raft_side);
        goto done;
    }
    if (c->corners_removed && c->raft_grid < 3) {
        rc = y1_errf(err, Y1_EINPUT, "%s: corner_rafts_removed needs raft_grid >= 3", path);
        goto done;
    }
done:
    y1_ydoc_free(&doc);
    return rc;
}

/* Look-up cells of half the narrowest gap (at most 4096 across), so that the table's answer is
 * at most a step or two from the exact one. */
static int axis_table(sky_axis *ax, const double *ext, int n)
{
    double gap = INFINITY, lo = ext[0], hi = ext[2 * n - 1];
    for (int k = 1; k < n; k++) gap = fmin(gap, ext[2 * k] - ext[2 * k - 1]);
    double cell = fmax(n > 1 ? 0.5 * gap : hi - lo, (hi - lo) / 4096.0);
    ax->ext = ext;
    ax->n = n;
    ax->origin = lo;
    ax->inv_cell = 1.0 / cell;
    ax->ncell = (int)ceil((hi - lo) / cell) + 1;
    ax->ge = malloc((size_t)ax->ncell * sizeof *ax->ge);
    ax->le = malloc((size_t)ax->ncell * sizeof *ax->le);
    if (!ax->ge || !ax->le) return -1;
    for (int c = 0; c < ax->ncell; c++) {
        double c0 = lo + c * cell, c1 = lo + (c + 1) * cell;
        int k = 0, q = n - 1;
        while (k < n && ext[2 * k + 1] < c0) k++;
        while (q >= 0 && ext[2 * q] > c1) q--;
        ax->ge[c] = (int16_t)k;
        ax->le[c] = (int16_t)q;
    }
    return 0;
}

int sky__camera_drop(sky_footprint *fp, const unsigned char *keep, int n, y1_err *err)
{
    if (n != fp->nccd)
        return y1_errf(err, Y1_EINPUT, "detector set of %d detectors for a camera of %d CCDs", n,
                       fp->nccd);
    int on = 0;
    for (int k = 0; k < n; k++) on += keep[k] != 0;
    if (!on) return y1_errf(err, Y1_EINPUT, "the detector set drops every CCD");
    if (on == n) return Y1_OK;
    fp->ccd_on = malloc((size_t)n);
    if (!fp->ccd_on) return y1_errf(err, Y1_ENOMEM, "footprint: out of memory");
    for (int k = 0; k < n; k++) fp->ccd_on[k] = keep[k] != 0;
    /* a dropped CCD's slot is empty: the exact test skips it, and the occ boxes (which still
     * hold every CCD) are no longer filled by tiles, so footprint.c takes no sure hits */
    for (int i = 0; i < fp->nslot_x * fp->nslot_y; i++)
        if (fp->slot_ccd[i] >= 0 && !fp->ccd_on[fp->slot_ccd[i]]) fp->slot_ccd[i] = -1;
    fp->nccd_on = on;
    fp->holes = 1;
    return Y1_OK;
}

int sky__camera_load(sky_footprint *fp, const char *path, y1_err *err)
{
    cam_cfg c;
    memset(&c, 0, sizeof c);
    int rc = read_cam(&c, path, err);
    if (rc) return rc;
    int G = (int)c.raft_grid, C = (int)c.ccds_per_raft_side, ns = G * C; /* <= 64 (15 x 4) */
    /* radians of sky per mm of focal plane, from the pixel size and the pixel scale */
    double rad_per_mm = c.pixel_scale_arcsec / 3600.0 * SKY_D2R * 1000.0 / c.pixel_size_um;
    double hw = (c.ccd_w_px / 2.0 + c.grow_px) * c.pixel_size_um / 1000.0 * rad_per_mm;
    double hh = (c.ccd_h_px / 2.0 + c.grow_px) * c.pixel_size_um / 1000.0 * rad_per_mm;
    fp->nslot_x = fp->nslot_y = ns;
    fp->slot_x = malloc(2 * ns * sizeof *fp->slot_x);
    fp->slot_y = malloc(2 * ns * sizeof *fp->slot_y);
    fp->slot_ccd = malloc((size_t)ns * ns * sizeof *fp->slot_ccd);
    fp->ccd = malloc((size_t)ns * ns * sizeof *fp->ccd);
    if (!fp->slot_x || !fp->slot_y || !fp->slot_ccd || !fp->ccd)
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
    for (int k = 0; k < ns; k++) {
        /* slot k is CCD k % C of raft k / C; both grids are centred on the boresight */
        double centre = ((k / C) - (G - 1) / 2.0) * c.raft_pitch_mm +
                        ((k % C) - (C - 1) / 2.0) * c.ccd_pitch_mm;
        fp->slot_x[2 * k] = centre * rad_per_mm - hw;
        fp->slot_x[2 * k + 1] = centre * rad_per_mm + hw;
        fp->slot_y[2 * k] = centre * rad_per_mm - hh;
        fp->slot_y[2 * k + 1] = centre * rad_per_mm + hh;
    }
    /* CCD numbering: rafts row by row from the bottom-left, then CCDs row by row in each raft */
    int n = 0;
    double far = 0.0;
    for (int i = 0; i < ns * ns; i++) fp->slot_ccd[i] = -1;
    for (int ry = 0; ry < G; ry++)
        for (int rx = 0; rx < G; rx++) {
            int corner = (rx == 0 || rx == G - 1) && (ry == 0 || ry == G - 1);
            if (corner && c.corners_removed) continue;
            for (int cy = 0; cy < C; cy++)
                for (int cx = 0; cx < C; cx++) {
                    int kx = rx * C + cx, ky = ry * C + cy;
                    fp->slot_ccd[ky * ns + kx] = n;
                    fp->ccd[n][0] = fp->slot_x[2 * kx];
                    fp->ccd[n][1] = fp->slot_x[2 * kx + 1];
                    fp->ccd[n][2] = fp->slot_y[2 * ky];
                    fp->ccd[n][3] = fp->slot_y[2 * ky + 1];
                    for (int q = 0; q < 4; q++)
                        far = fmax(far, hypot(fp->ccd[n][q & 1], fp->ccd[n][2 + (q >> 1)]));
                    fp->ccd_half_diag = fmax(fp->ccd_half_diag,
                                             0.5 * hypot(fp->ccd[n][1] - fp->ccd[n][0],
                                                         fp->ccd[n][3] - fp->ccd[n][2]));
                    n++;
                }
        }
    fp->nccd = n;
    fp->bound = atan(far);
    if (fp->bound > 20.0 * SKY_D2R) /* the overlap tests assume a field far below a hemisphere */
        return y1_errf(err, Y1_EINPUT, "%s: the focal plane reaches %.1f deg from the boresight; "
                       "at most 20 deg is supported", path, fp->bound * SKY_R2D);
    /* A CCD's tile is its slot widened to the middle of the gaps around it (to the slot edge at
     * the rim): the tiles of existing CCDs fill the occ boxes (the cross), and every tile point
     * is within tile_reach of its CCD; footprint.c's sure rows rest on both. */
    double gap_x = 0.0, gap_y = 0.0;
    for (int k = 1; k < ns; k++) {
        gap_x = fmax(gap_x, fp->slot_x[2 * k] - fp->slot_x[2 * k - 1]);
        gap_y = fmax(gap_y, fp->slot_y[2 * k] - fp->slot_y[2 * k - 1]);
    }
    /* a tile reaches half a gap beyond its slot each way (not at all at the rim) */
    fp->tile_reach = 0.5 * hypot(fmax(gap_x, 0.0), fmax(gap_y, 0.0));
    double *o = fp->occ[0];
    o[0] = fp->slot_x[0], o[1] = fp->slot_x[2 * ns - 1];
    o[2] = fp->slot_y[0], o[3] = fp->slot_y[2 * ns - 1];
    fp->nocc = 1;
    if (c.corners_removed) {
        /* the rows of the middle rafts at full width, and their columns at full height */
        double *p = fp->occ[1];
        p[0] = fp->slot_x[2 * C], p[1] = fp->slot_x[2 * (ns - C) - 1];
        p[2] = o[2], p[3] = o[3];
        o[2] = fp->slot_y[2 * C], o[3] = fp->slot_y[2 * (ns - C) - 1];
        fp->nocc = 2;
    }
    if (axis_table(&fp->ax_x, fp->slot_x, ns) || axis_table(&fp->ax_y, fp->slot_y, ns))
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
    return Y1_OK;
}

int sky_footprint_ccd_corners(const sky_footprint *fp, int k, double ra_deg, double dec_deg,
                              double rot_deg, double ra_out[4], double dec_out[4], y1_err *err)
{
    if (fp->kind != SKY_FP_LSSTCAM)
        return y1_errf(err, Y1_EINPUT, "CCD corners: the footprint is not lsstcam");
    if (k < 0 || k >= fp->nccd)
        return y1_errf(err, Y1_EINPUT, "CCD %d does not exist (0..%d)", k, fp->nccd - 1);
    int rc = sky__check_coord(ra_deg, dec_deg, err);
    if (rc) return rc;
    double ra = ra_deg * SKY_D2R, dec = dec_deg * SKY_D2R, rot = rot_deg * SKY_D2R;
    double sa = sin(ra), ca = cos(ra), sd = sin(dec), cd = cos(dec);
    double E[3] = {-sa, ca, 0.0}, N[3] = {-sd * ca, -sd * sa, cd}, b[3];
    sky__vec(ra, dec, b);
    double cr = cos(rot), sr = sin(rot);
    for (int q = 0; q < 4; q++) {
        /* same convention as footprint.c: +y is rot east of north */
        double x = fp->ccd[k][((q + 1) >> 1) & 1], y = fp->ccd[k][2 + (q >> 1)];
        double xi = cr * x + sr * y, eta = -sr * x + cr * y, d[3];
        for (int i = 0; i < 3; i++) d[i] = b[i] + xi * E[i] + eta * N[i];
        double r = atan2(d[1], d[0]);
        ra_out[q] = (r < 0 ? r + 2.0 * SKY_PI : r) * SKY_R2D;
        dec_out[q] = atan2(d[2], hypot(d[0], d[1])) * SKY_R2D;
    }
    return Y1_OK;
}
