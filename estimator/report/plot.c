/* plot.c: the cairo charts behind plot.h: one canvas with a framed plot area, nice ticks, labels
 * and a legend, shared by histogram, scatter, stacked bars and the Hammer-Aitoff sky map.
 * Pixel units; sky angles in degrees. PNGs are written through y1_out (temp file + rename). */
#include "estimator/report/plot.h"
#include "estimator/report/plot_internal.h"

#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <png.h>

#define FONT "DejaVu Sans"

/* A qualitative palette (Tableau 10 colours); series i takes palette[i % 10]. */
static const unsigned palette[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                   0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

typedef struct canvas {
    est_plot_surface ps;           /* the page: ps.cr draws, ps.fmt its file format */
    cairo_t *cr;                   /* = ps.cr */
    int w, h;                      /* image size, px */
    double ax0, ax1, ay0, ay1;     /* plot area: x from ax0 (left) to ax1, y from ay0 (top) to ay1 */
    double xmin, xmax, ymin, ymax; /* data range mapped onto the plot area */
    int ylog;                      /* 1: y mapped by log10 (ymin > 0) */
} canvas;

static unsigned series_rgb(const plot_series *s, size_t i)
{
    return s->rgb == PLOT_AUTO ? palette[i % 10] : s->rgb;
}

static void set_rgb(cairo_t *cr, unsigned rgb, double alpha)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0,
                          (rgb & 255) / 255.0, alpha);
}

/* An approximation of the viridis colour map by linear interpolation of 6 anchors, t in [0,1]. */
static unsigned colormap(double t)
{
    static const double a[6][3] = {{68, 1, 84}, {65, 68, 135}, {42, 120, 142},
                                   {34, 168, 132}, {122, 209, 81}, {253, 231, 37}};
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double u = t * 5;
    int k = (int)u;
    if (k >= 5) k = 4;
    double f = u - k;
    unsigned rgb = 0;
    for (int c = 0; c < 3; c++) {
        unsigned v = (unsigned)lround(a[k][c] + f * (a[k + 1][c] - a[k][c]));
        rgb = (rgb << 8) | v;
    }
    return rgb;
}

static double mapx(const canvas *cv, double x)
{
    return cv->ax0 + (x - cv->xmin) / (cv->xmax - cv->xmin) * (cv->ax1 - cv->ax0);
}
static double mapy(const canvas *cv, double y)
{
    if (cv->ylog)
        return cv->ay1 - (log10(y) - log10(cv->ymin)) / (log10(cv->ymax) - log10(cv->ymin)) *
                             (cv->ay1 - cv->ay0);
    return cv->ay1 - (y - cv->ymin) / (cv->ymax - cv->ymin) * (cv->ay1 - cv->ay0);
}

/* Multiples of the first step mult[i] x 10^k (k >= kmin) that gives at most ~6 intervals. */
static size_t ticks_with(double lo, double hi, size_t max, double *ticks, int kmin)
{
    if (!(lo < hi) || !isfinite(lo) || !isfinite(hi) || max == 0) return 0;
    double raw = (hi - lo) / 6, mag = pow(10, fmax(floor(log10(raw)), kmin)), step = mag;
    static const double mult[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < 5; i++) {
        if (kmin >= 0 && mult[i] == 2.5 && mag < 10) continue; /* 2.5 is no integer step */
        if (mult[i] * mag >= raw) {
            step = mult[i] * mag;
            break;
        }
    }
    size_t n = 0;
    for (double k = ceil(lo / step - 1e-9); n < max; k++) {
        double t = k * step;
        if (t > hi + step * 1e-9) break;
        if (fabs(t) < step * 1e-9) t = 0;
        ticks[n++] = t;
    }
    return n;
}

size_t plot_ticks(double lo, double hi, size_t max, double *ticks)
{
    return ticks_with(lo, hi, max, ticks, -400);
}

size_t plot_ticks_int(double lo, double hi, size_t max, double *ticks)
{
    return ticks_with(lo, hi, max, ticks, 0);
}

size_t plot_time_ticks(double lo_s, double hi_s, size_t max, double *ticks_s, double *unit_s)
{
    static const double steps_min[] = {1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880,
                                       7200, 10080, 14400, 20160, 43200, 86400, 144000, 288000,
                                       525600};
    if (!(lo_s < hi_s) || !isfinite(lo_s) || !isfinite(hi_s) || max == 0) return 0;
    size_t ns = sizeof steps_min / sizeof *steps_min, i = 0;
    while (i + 1 < ns && (hi_s - lo_s) / (steps_min[i] * 60) > 8) i++;
    double step = steps_min[i] * 60, unit = step < 3600 ? 60 : step < 86400 ? 3600 : 86400;
    size_t n = 0;
    for (double k = ceil(lo_s / step - 1e-9); n < max; k++) {
        double t = k * step + 0.0; /* + 0.0: k = -0.0 at lo_s = 0 gives 0, not "-0" */
        if (t > hi_s + step * 1e-9) break;
        ticks_s[n++] = t;
    }
    if (unit_s) *unit_s = unit;
    return n;
}

/* 1 when a is a whole number >= 1 (to 1e-6 relative: bin widths are doubled floats); *k = it */
static int whole(double a, double *k)
{
    *k = round(a);
    return *k >= 1 && fabs(a - *k) < 1e-6 * fmax(1, *k);
}

size_t plot_time_group(size_t nbins, double bin_s, double period_s, size_t max_cols)
{
    if (max_cols == 0) max_cols = 1;
    size_t need = (nbins + max_cols - 1) / max_cols;
    if (need < 1) need = 1;
    double pb;
    if (bin_s > 0 && period_s > 0 && whole(period_s / bin_s, &pb)) {
        size_t P = (size_t)pb;
        for (size_t d = 1; d <= P; d++) /* the divisors of P, smallest first */
            if (P % d == 0 && d >= need) return d;
        return (need + P - 1) / P * P; /* else the smallest multiple */
    }
    static const double round_h[] = {1, 2, 3, 4, 6, 8, 12, 24, 48, 96, 168, 336, 672};
    for (size_t i = 0; bin_s > 0 && i < sizeof round_h / sizeof *round_h; i++) {
        double k;
        if (whole(round_h[i] * 3600 / bin_s, &k) && k >= (double)need) return (size_t)k;
    }
    return need;
}

/* Data range with a little padding, widened when degenerate. */
static void pad_range(double *lo, double *hi, double frac)
{
    if (*lo == *hi) {
        double d = *lo != 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= d;
        *hi += d;
        return;
    }
    double d = (*hi - *lo) * frac;
    *lo -= d;
    *hi += d;
}

static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS
                                                        : CAIRO_STATUS_WRITE_ERROR;
}

/* libpng's error and warning callbacks: the reason into the buffer given at creation, and
 * back to pngw_encode's setjmp; warnings (none expected) are not printed */
static void pngw_fail(png_structp png, png_const_charp msg)
{
    snprintf((char *)png_get_error_ptr(png), 200, "%s", msg);
    png_longjmp(png, 1);
}

static void pngw_warn(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg;
}

/* The RGB24 image surface sf as an 8-bit RGB PNG on fp, the pixels cairo's own writer would
 * write, through libpng at zlib level 1 and without the per-row filter search: the plots are
 * flat colours, which compress about as well that way, and the default level and filters
 * were most of a plot's time. Return: Y1_OK, Y1_ENOMEM or Y1_EIO (libpng's reason). */
static int pngw_encode(cairo_surface_t *sf, FILE *fp, const char *path, y1_err *err)
{
    char why[200] = "";
    if (cairo_image_surface_get_format(sf) != CAIRO_FORMAT_RGB24) /* est_plot_surface_open's */
        return y1_errf(err, Y1_EIO, "%s: cannot write PNG: not an RGB24 image", path);
    int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
    int stride = cairo_image_surface_get_stride(sf);
    const unsigned char *data = cairo_image_surface_get_data(sf);
    unsigned char *row = malloc(3 * (size_t)(w > 0 ? w : 1));
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, why, pngw_fail, pngw_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!row || !info || !data) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory encoding the PNG", path);
    }
    if (setjmp(png_jmpbuf(png))) { /* pngw_fail, with libpng's reason */
        png_destroy_write_struct(&png, &info);
        free(row);
        return y1_errf(err, Y1_EIO, "%s: cannot write PNG: %s", path, why);
    }
    png_init_io(png, fp);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        /* RGB24: a native-endian 32-bit word per pixel, 0x00RRGGBB */
        const uint32_t *px = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    return Y1_OK;
}

/* contract in plot_internal.h. PNG: an image surface, encoded at save. SVG/PDF: the vector
 * surface streams into the temp file of path from the start (opened here), committed at save. */
int est_plot_surface_open(est_plot_surface *ps, const char *path, plot_format fmt, int w, int h,
                          const char *title, const char *subject, y1_err *err)
{
    int rc;
    memset(ps, 0, sizeof *ps);
    ps->fmt = fmt;
    if (fmt == PLOT_PNG) ps->sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    else {
        if ((rc = y1_out_open(&ps->out, path, err))) return rc;
        FILE *fp = y1_out_fp(ps->out);
        if (fmt == PLOT_SVG) ps->sf = cairo_svg_surface_create_for_stream(stream_write, fp, w, h);
        else {
            ps->sf = cairo_pdf_surface_create_for_stream(stream_write, fp, w, h);
            /* a fixed date: the same inputs give the same bytes (cairo stamps the clock) */
            cairo_pdf_surface_set_metadata(ps->sf, CAIRO_PDF_METADATA_CREATE_DATE,
                                           "2000-01-01T00:00:00Z");
            /* the title and the y axis as document metadata, for a reader's index */
            if (title) cairo_pdf_surface_set_metadata(ps->sf, CAIRO_PDF_METADATA_TITLE, title);
            if (subject)
                cairo_pdf_surface_set_metadata(ps->sf, CAIRO_PDF_METADATA_SUBJECT, subject);
        }
    }
    ps->cr = cairo_create(ps->sf);
    if (cairo_status(ps->cr) != CAIRO_STATUS_SUCCESS) {
        est_plot_surface_close(ps);
        return y1_errf(err, Y1_ENOMEM, "plot: cannot create a %d x %d image", w, h);
    }
    cairo_set_source_rgb(ps->cr, 1, 1, 1);
    cairo_paint(ps->cr);
    cairo_select_font_face(ps->cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    return Y1_OK;
}

void est_plot_surface_close(est_plot_surface *ps)
{
    if (ps->cr) cairo_destroy(ps->cr);
    if (ps->sf) cairo_surface_destroy(ps->sf); /* may still write into the temp file */
    y1_out_abort(ps->out);
    ps->cr = NULL;
    ps->sf = NULL;
    ps->out = NULL;
}

int est_plot_surface_save(est_plot_surface *ps, const char *path, y1_err *err)
{
    y1_out *o = NULL;
    int rc;
    cairo_surface_flush(ps->sf);
    if (cairo_status(ps->cr) != CAIRO_STATUS_SUCCESS)
        return y1_errf(err, Y1_EIO, "%s: drawing failed: %s", path,
                       cairo_status_to_string(cairo_status(ps->cr)));
    if (ps->fmt != PLOT_PNG) {
        cairo_destroy(ps->cr);
        ps->cr = NULL;
        cairo_surface_finish(ps->sf); /* writes the rest of the document */
        cairo_status_t st = cairo_surface_status(ps->sf);
        if (st != CAIRO_STATUS_SUCCESS)
            return y1_errf(err, Y1_EIO, "%s: cannot write %s: %s", path,
                           ps->fmt == PLOT_SVG ? "SVG" : "PDF", cairo_status_to_string(st));
        o = ps->out;
        ps->out = NULL;
        return y1_out_commit(o, err);
    }
    if ((rc = y1_out_open(&o, path, err))) return rc;
    if ((rc = pngw_encode(ps->sf, y1_out_fp(o), path, err))) {
        y1_out_abort(o);
        return rc;
    }
    return y1_out_commit(o, err);
}

static int canvas_open(canvas *cv, const plot_spec *sp, const char *path, int dw, int dh,
                       y1_err *err)
{
    int rc;
    memset(cv, 0, sizeof *cv);
    cv->w = sp->width_px > 0 ? sp->width_px : dw;
    cv->h = sp->height_px > 0 ? sp->height_px : dh;
    if (cv->w < 200 || cv->h < 150 || cv->w > 10000 || cv->h > 10000)
        return y1_errf(err, Y1_EUSAGE, "plot: image size %d x %d px is outside 200..10000 x "
                       "150..10000", cv->w, cv->h);
    if ((rc = est_plot_surface_open(&cv->ps, path, sp->format, cv->w, cv->h, sp->title,
                                    sp->ylabel, err)))
        return rc;
    cv->cr = cv->ps.cr;
    cv->ax0 = 90;
    cv->ax1 = cv->w - 30;
    cv->ay0 = sp->title ? 50 : 25;
    cv->ay1 = cv->h - 65;
    return Y1_OK;
}

/* Frees the canvas; an SVG/PDF not committed by canvas_save leaves no file at its path. */
static void canvas_close(canvas *cv)
{
    est_plot_surface_close(&cv->ps);
    cv->cr = NULL;
}

static int canvas_save(canvas *cv, const char *path, y1_err *err)
{
    int rc = est_plot_surface_save(&cv->ps, path, err);
    cv->cr = cv->ps.cr;
    return rc;
}

/* contract in plot_internal.h */
void est_plot_text(cairo_t *cr, double x, double y, double size, double ha, double va,
                   double angle, const char *s)
{
    cairo_text_extents_t te;
    cairo_save(cr);
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &te);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, -te.x_advance * ha, 0.72 * size * (1 - va)); /* cap height ~0.72 em */
    cairo_show_text(cr, s);
    cairo_restore(cr);
}

static double text_width(cairo_t *cr, double size, const char *s)
{
    cairo_text_extents_t te;
    cairo_save(cr);
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &te);
    cairo_restore(cr);
    return te.x_advance;
}

/* Log axis ticks: every decade 10^k in [lo, hi], and 2 and 5 x 10^k too when the range
 * spans fewer than three decades (lo > 0). */
static size_t log_ticks(double lo, double hi, size_t max, double *ticks)
{
    size_t n = 0;
    int k0 = (int)floor(log10(lo)), k1 = (int)ceil(log10(hi)), fine = k1 - k0 < 3;
    for (int k = k0; k <= k1 && n < max; k++)
        for (int m = 1; m <= 5 && n < max; m += fine ? (m == 1 ? 1 : 3) : 5) {
            double t = m * pow(10, k);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks[n++] = t;
        }
    return n;
}

static void tick_label(char *buf, size_t len, double t)
{
    double a = fabs(t);
    if (a != 0 && (a >= 1e6 || a < 1e-3)) snprintf(buf, len, "%.3g", t);
    else snprintf(buf, len, "%.6g", t);
}

/* The x ticks a spec asks for (plain, integer or time) and the factor to divide them by for
 * their labels (1, or the time unit in seconds). */
static size_t x_ticks(const canvas *cv, const plot_spec *sp, size_t max, double *t, double *div)
{
    *div = 1;
    if (sp->x_time) return plot_time_ticks(cv->xmin, cv->xmax, max, t, div);
    if (sp->x_integer) return plot_ticks_int(cv->xmin, cv->xmax, max, t);
    return plot_ticks(cv->xmin, cv->xmax, max, t);
}

/* Frame, grid, ticks with labels, axis labels and title. xcat: no x ticks (bar charts). */
static void draw_axes(canvas *cv, const plot_spec *sp, const char *ylabel_default, int xcat)
{
    cairo_t *cr = cv->cr;
    double t[64], div = 1;
    char buf[64];
    size_t n;
    cairo_set_line_width(cr, 1);
    if (!xcat) {
        n = x_ticks(cv, sp, 64, t, &div);
        for (size_t i = 0; i < n; i++) {
            double x = floor(mapx(cv, t[i])) + 0.5;
            set_rgb(cr, 0xe4e4e4, 1);
            cairo_move_to(cr, x, cv->ay0);
            cairo_line_to(cr, x, cv->ay1);
            cairo_stroke(cr);
            set_rgb(cr, 0x000000, 1);
            cairo_move_to(cr, x, cv->ay1);
            cairo_line_to(cr, x, cv->ay1 + 5);
            cairo_stroke(cr);
            tick_label(buf, sizeof buf, sp->x_time ? round(t[i] / div) + 0.0 : t[i]);
            est_plot_text(cr, x, cv->ay1 + 8, 12, 0.5, 0, 0, buf);
        }
    }
    n = cv->ylog ? log_ticks(cv->ymin, cv->ymax, 64, t) : plot_ticks(cv->ymin, cv->ymax, 64, t);
    for (size_t i = 0; i < n; i++) {
        double y = floor(mapy(cv, t[i])) + 0.5;
        set_rgb(cr, 0xe4e4e4, 1);
        cairo_move_to(cr, cv->ax0, y);
        cairo_line_to(cr, cv->ax1, y);
        cairo_stroke(cr);
        set_rgb(cr, 0x000000, 1);
        cairo_move_to(cr, cv->ax0 - 5, y);
        cairo_line_to(cr, cv->ax0, y);
        cairo_stroke(cr);
        tick_label(buf, sizeof buf, t[i]);
        est_plot_text(cr, cv->ax0 - 8, y, 12, 1, 0.5, 0, buf);
    }
    set_rgb(cr, 0x000000, 1);
    cairo_rectangle(cr, floor(cv->ax0) + 0.5, floor(cv->ay0) + 0.5, floor(cv->ax1 - cv->ax0),
                    floor(cv->ay1 - cv->ay0));
    cairo_stroke(cr);
    if (sp->xlabel) {
        char xl[300];
        if (sp->x_time && !xcat)
            snprintf(xl, sizeof xl, "%s (%s)", sp->xlabel,
                     div == 60 ? "minutes" : div == 3600 ? "hours" : "days");
        else snprintf(xl, sizeof xl, "%s", sp->xlabel);
        est_plot_text(cr, (cv->ax0 + cv->ax1) / 2, cv->h - 12, 14, 0.5, 1, 0, xl);
    }
    const char *yl = sp->ylabel ? sp->ylabel : ylabel_default;
    if (yl) est_plot_text(cr, 22, (cv->ay0 + cv->ay1) / 2, 14, 0.5, 1, -M_PI / 2, yl);
    if (sp->title) {
        cairo_save(cr);
        cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        est_plot_text(cr, cv->w / 2.0, 30, 16, 0.5, 1, 0, sp->title);
        cairo_restore(cr);
    }
}

/* A mark's or line's pattern (dash lengths in px; solid clears it). */
static void set_dash(cairo_t *cr, plot_dash d)
{
    static const double dashed[] = {5, 3}, dotted[] = {1.5, 3}, dashdot[] = {8, 3, 1.5, 3};
    switch (d) {
    case PLOT_SOLID: cairo_set_dash(cr, NULL, 0, 0); break;
    case PLOT_DOTTED: cairo_set_dash(cr, dotted, 2, 0); break;
    case PLOT_DASH_DOT: cairo_set_dash(cr, dashdot, 4, 0); break;
    default: cairo_set_dash(cr, dashed, 2, 0);
    }
}

static unsigned mark_rgb(unsigned rgb) { return rgb == PLOT_AUTO ? 0xb00020 : rgb; }

/* Horizontal lines over the data, each labelled above its right end (inside the plot area);
 * a line outside the y range is not drawn. The line is 2 px wide on whole pixel rows: the rows
 * just above and below round(y). */
static void draw_hlines(canvas *cv, const plot_spec *sp)
{
    cairo_t *cr = cv->cr;
    for (size_t i = 0; i < sp->nhlines; i++) {
        const plot_hline *l = &sp->hlines[i];
        if (!isfinite(l->y) || (cv->ylog && !(l->y > 0))) continue;
        double y = round(mapy(cv, l->y));
        if (y < cv->ay0 || y > cv->ay1) continue;
        set_rgb(cr, mark_rgb(l->rgb), 1);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, cv->ax0, y);
        cairo_line_to(cr, cv->ax1, y);
        cairo_stroke(cr);
        if (l->label && *l->label) {
            double w = text_width(cr, 12, l->label), ty = y - 4 < cv->ay0 + 14 ? y + 16 : y - 4;
            cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
            cairo_rectangle(cr, cv->ax1 - w - 8, ty - 12, w + 4, 14);
            cairo_fill(cr);
            set_rgb(cr, mark_rgb(l->rgb), 1);
            est_plot_text(cr, cv->ax1 - 6, ty, 12, 1, 1, 0, l->label);
        }
    }
}

/* Widens [*lo, *hi] to show every horizontal line (with 6 % room above a line at the top). */
static void hlines_range(const plot_spec *sp, double *lo, double *hi)
{
    for (size_t i = 0; i < sp->nhlines; i++) {
        double y = sp->hlines[i].y;
        if (!isfinite(y)) continue;
        if (y > *hi) *hi = y + 0.06 * (y - *lo);
        if (y < *lo) *lo = y;
    }
}

/* A legend of n entries from the top of the plot area: when there are more than rows down to
 * the image's bottom (a pipeline of 97 tasks), the first ones are shown (*shown) and a last
 * line says how many are left out (the return value, else 0). */
static size_t legend_more(const canvas *cv, size_t n, size_t *shown)
{
    size_t rows = (size_t)fmax(2, floor((cv->h - cv->ay0 - 24) / 18));
    *shown = n > rows ? rows - 1 : n;
    return n - *shown;
}

/* A bar segment (or a legend swatch) at x, y (top left), w x h px, in rgb: solid at alpha a,
 * or hatched: a tint at alpha 0.3, stripes at 45 degrees every 6 px and a 1 px outline in the
 * full colour, so the colour still reads and the stripes say which kind it is. */
static void fill_box(cairo_t *cr, double x, double y, double w, double h, unsigned rgb,
                     plot_fill f, double a)
{
    if (!(w > 0) || !(h > 0)) return;
    if (f != PLOT_FILL_HATCHED) {
        set_rgb(cr, rgb, a);
        cairo_rectangle(cr, x, y, w, h);
        cairo_fill(cr);
        return;
    }
    set_rgb(cr, rgb, 0.3);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    set_rgb(cr, rgb, 1);
    cairo_set_line_width(cr, 1.5);
    /* lines x - y = const, from the bottom edge up to the right, anchored to the page so the
     * stripes of stacked segments line up */
    for (double d = floor((x - (y + h)) / 6) * 6; d < x + w - y; d += 6) {
        cairo_move_to(cr, d + y + h, y + h);
        cairo_line_to(cr, d + y, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    set_rgb(cr, rgb, 1);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
    cairo_stroke(cr);
}

/* Legend box in the top-right corner of the plot area. kind: 0 box, 1 point, 2 line. */
static void draw_legend(canvas *cv, const plot_spec *sp, const int *kinds)
{
    cairo_t *cr = cv->cr;
    size_t n = 0;
    double wmax = 0;
    if (sp->legend < 0) return;
    for (size_t i = 0; i < sp->nseries; i++)
        if (sp->series[i].name && *sp->series[i].name) {
            n++;
            double w = text_width(cr, 12, sp->series[i].name);
            if (w > wmax) wmax = w;
        }
    for (size_t i = 0; i < sp->nmarks; i++)
        if (sp->marks[i].label) {
            n++;
            double w = text_width(cr, 12, sp->marks[i].label);
            if (w > wmax) wmax = w;
        }
    if (!n) return;
    double x0, y0 = cv->ay0 + 8;
    size_t shown = n, more = legend_more(cv, n, &shown) + sp->legend_omitted;
    char more_txt[64] = "";
    if (more) {
        snprintf(more_txt, sizeof more_txt, "... and %zu more", more);
        wmax = fmax(wmax, text_width(cr, 12, more_txt));
    }
    double bw = wmax + 44, bh = (double)(shown + (more > 0)) * 18 + 8;
    if (sp->legend_outside) x0 = cv->ax1 + 10; /* the column plot_bars left free */
    else x0 = cv->ax1 - bw - 8;
    /* the 1 px border on whole pixels (crisp) */
    x0 = floor(x0) + 0.5;
    y0 = floor(y0) + 0.5;
    bw = ceil(bw);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, x0, y0, bw, bh);
    cairo_fill_preserve(cr);
    set_rgb(cr, 0x999999, 1);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    double y = y0 + 13;
    size_t drawn = 0;
    for (size_t i = 0; i < sp->nseries && drawn < shown; i++) {
        const plot_series *s = &sp->series[i];
        if (!s->name || !*s->name) continue;
        drawn++;
        cairo_new_path(cr); /* no segment from the last text's end point */
        set_rgb(cr, series_rgb(s, i), kinds[i] == 0 ? 0.6 : kinds[i] == 4 ? 0.3 : 1);
        if (kinds[i] == 0 && s->fill == PLOT_FILL_HATCHED) {
            fill_box(cr, x0 + 8, y - 6, 20, 11, series_rgb(s, i), s->fill, 0.6);
        } else if (kinds[i] == 0 || kinds[i] == 4) {
            cairo_rectangle(cr, x0 + 8, y - 6, 20, 11);
            cairo_fill(cr);
        } else if (kinds[i] == 1) {
            cairo_arc(cr, x0 + 18, y, 3.5, 0, 2 * M_PI);
            cairo_fill(cr);
        } else {
            cairo_set_line_width(cr, 2.5);
            cairo_move_to(cr, x0 + 8, y);
            cairo_line_to(cr, x0 + 28, y);
            cairo_stroke(cr);
            if (kinds[i] == 3) {
                cairo_arc(cr, x0 + 18, y, 3.5, 0, 2 * M_PI);
                cairo_fill(cr);
            }
        }
        set_rgb(cr, 0x000000, 1);
        est_plot_text(cr, x0 + 36, y, 12, 0, 0.5, 0, s->name);
        y += 18;
    }
    for (size_t i = 0; i < sp->nmarks && drawn < shown; i++) {
        if (!sp->marks[i].label) continue;
        drawn++;
        set_rgb(cr, mark_rgb(sp->marks[i].rgb), 1);
        cairo_set_line_width(cr, 2);
        set_dash(cr, sp->marks[i].dash);
        cairo_move_to(cr, x0 + 8, y);
        cairo_line_to(cr, x0 + 28, y);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        set_rgb(cr, 0x000000, 1);
        est_plot_text(cr, x0 + 36, y, 12, 0, 0.5, 0, sp->marks[i].label);
        y += 18;
    }
    if (more) {
        set_rgb(cr, 0x555555, 1);
        est_plot_text(cr, x0 + 8, y, 12, 0, 0.5, 0, more_txt);
    }
}

/* Vertical marks in their colours and patterns. */
static void draw_marks(canvas *cv, const plot_spec *sp)
{
    cairo_t *cr = cv->cr;
    for (size_t i = 0; i < sp->nmarks; i++) {
        double x = mapx(cv, sp->marks[i].x);
        if (!isfinite(x) || x < cv->ax0 || x > cv->ax1) continue;
        set_rgb(cr, mark_rgb(sp->marks[i].rgb), 1);
        cairo_set_line_width(cr, 2);
        set_dash(cr, sp->marks[i].dash);
        cairo_move_to(cr, x, cv->ay0);
        cairo_line_to(cr, x, cv->ay1);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

/* Rows of mark labels above the plot area (mark_labels): at most 3. */
static int mark_rows(const plot_spec *sp)
{
    return sp->mark_labels ? (int)(sp->nmarks < 3 ? sp->nmarks : 3) : 0;
}

/* With mark_labels, each mark's label in its colour above the plot area, starting at its line
 * (ending there when it would run past the right edge), one row per mark (cycling over
 * mark_rows), joined to the frame by a short tick of the line's pattern. */
static void draw_mark_labels(canvas *cv, const plot_spec *sp)
{
    cairo_t *cr = cv->cr;
    int rows = mark_rows(sp);
    for (size_t i = 0; rows && i < sp->nmarks; i++) {
        double x = mapx(cv, sp->marks[i].x);
        const char *l = sp->marks[i].label;
        if (!isfinite(x) || x < cv->ax0 || x > cv->ax1 || !l || !*l) continue;
        double w = text_width(cr, 12, l), ty = cv->ay0 - 5 - 16 * (double)(i % (size_t)rows);
        int left = x + 4 + w > cv->w - 4;
        set_rgb(cr, mark_rgb(sp->marks[i].rgb), 1);
        cairo_set_line_width(cr, 2);
        set_dash(cr, sp->marks[i].dash);
        cairo_move_to(cr, x, ty);
        cairo_line_to(cr, x, cv->ay0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        est_plot_text(cr, left ? x - 4 : x + 4, ty, 12, left ? 1 : 0, 1, 0, l);
    }
}

/* Colour bar at the right edge (the plot area was narrowed by the caller). */
static void draw_colorbar(canvas *cv, const char *label, double vmin, double vmax)
{
    cairo_t *cr = cv->cr;
    double x0 = cv->w - 95, x1 = x0 + 16, y0 = cv->ay0 + 10, y1 = cv->ay1 - 10;
    for (int k = 0; k < 200; k++) {
        set_rgb(cr, colormap(k / 199.0), 1);
        double ya = y1 - (y1 - y0) * k / 200.0, yb = y1 - (y1 - y0) * (k + 1) / 200.0;
        cairo_rectangle(cr, x0, yb, x1 - x0, ya - yb + 0.5);
        cairo_fill(cr);
    }
    set_rgb(cr, 0x000000, 1);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    cairo_stroke(cr);
    double t[32];
    char buf[64];
    size_t n = plot_ticks(vmin, vmax, 32, t);
    for (size_t i = 0; i < n; i++) {
        double y = y1 - (t[i] - vmin) / (vmax - vmin) * (y1 - y0);
        cairo_move_to(cr, x1, y);
        cairo_line_to(cr, x1 + 4, y);
        cairo_stroke(cr);
        tick_label(buf, sizeof buf, t[i]);
        est_plot_text(cr, x1 + 6, y, 11, 0, 0.5, 0, buf);
    }
    if (label) est_plot_text(cr, cv->w - 12, (y0 + y1) / 2, 13, 0.5, 1, -M_PI / 2, label);
}

static int check_spec(const plot_spec *sp, const char *path, y1_err *err)
{
    if (!sp || !sp->series || sp->nseries == 0)
        return y1_errf(err, Y1_EUSAGE, "%s: plot has no data series", path);
    return Y1_OK;
}

/* Range of the finite values of one array over all series (which: 0 x, 1 y, 2 c). */
static int data_range(const plot_spec *sp, int which, double *lo, double *hi)
{
    int any = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < sp->nseries; i++) {
        const plot_series *s = &sp->series[i];
        for (int pass = 0; pass < 2; pass++) { /* pass 1: a band's upper edge */
            const double *v = pass ? (which == 1 && s->style == PLOT_BAND ? s->y2 : NULL)
                              : which == 0 ? s->x : which == 1 ? s->y : s->c;
            if (!v) continue;
            for (size_t k = 0; k < s->n; k++)
                if (isfinite(v[k])) {
                    if (v[k] < *lo) *lo = v[k];
                    if (v[k] > *hi) *hi = v[k];
                    any = 1;
                }
        }
    }
    return any;
}

/* ---- histogram ---------------------------------------------------------------------------- */

int plot_histogram(const char *png_path, const plot_spec *sp, y1_err *err)
{
    int rc = check_spec(sp, png_path, err);
    if (rc) return rc;
    size_t nb = sp->nbins ? sp->nbins : 40;
    double lo = sp->xmin, hi = sp->xmax;
    if (lo == hi) {
        if (!data_range(sp, 0, &lo, &hi))
            return y1_errf(err, Y1_EINPUT, "%s: no finite values to plot", png_path);
        for (size_t i = 0; i < sp->nmarks; i++)
            if (isfinite(sp->marks[i].x)) {
                if (sp->marks[i].x < lo) lo = sp->marks[i].x;
                if (sp->marks[i].x > hi) hi = sp->marks[i].x;
            }
        pad_range(&lo, &hi, 0.02);
    } else if (!(lo < hi)) return y1_errf(err, Y1_EUSAGE, "%s: xmin must be below xmax", png_path);
    double *counts = calloc(nb * sp->nseries, sizeof *counts);
    int *kinds = calloc(sp->nseries, sizeof *kinds);
    canvas cv;
    memset(&cv, 0, sizeof cv);
    if (!counts || !kinds) {
        rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", png_path);
        goto done;
    }
    double cmax = 0;
    for (size_t i = 0; i < sp->nseries; i++) {
        const plot_series *s = &sp->series[i];
        for (size_t k = 0; s->x && k < s->n; k++) {
            double v = s->x[k];
            if (!isfinite(v) || v < lo || v > hi) continue;
            size_t b = (size_t)((v - lo) / (hi - lo) * nb);
            if (b >= nb) b = nb - 1;
            double c = ++counts[i * nb + b];
            if (c > cmax) cmax = c;
        }
    }
    if ((rc = canvas_open(&cv, sp, png_path, 900, 560, err))) goto done;
    cv.ay0 += 16 * mark_rows(sp);
    cv.xmin = lo;
    cv.xmax = hi;
    cv.ymin = sp->ymin != sp->ymax ? sp->ymin : 0;
    cv.ymax = sp->ymin != sp->ymax ? sp->ymax : fmax(cmax * 1.1, 5); /* >= 5: integer ticks */
    draw_axes(&cv, sp, "instances", 0);
    cairo_save(cv.cr);
    cairo_rectangle(cv.cr, cv.ax0, cv.ay0, cv.ax1 - cv.ax0, cv.ay1 - cv.ay0);
    cairo_clip(cv.cr);
    double alpha = sp->nseries > 1 ? 0.5 : 0.8;
    for (size_t i = 0; i < sp->nseries; i++) {
        unsigned rgb = series_rgb(&sp->series[i], i);
        for (size_t b = 0; b < nb; b++) {
            double c = counts[i * nb + b];
            if (c <= 0) continue;
            double xa = mapx(&cv, lo + (hi - lo) * b / nb), xb = mapx(&cv, lo + (hi - lo) * (b + 1) / nb);
            double y = mapy(&cv, c), y0 = mapy(&cv, cv.ymin);
            set_rgb(cv.cr, rgb, alpha);
            cairo_rectangle(cv.cr, xa, y, xb - xa, y0 - y);
            cairo_fill_preserve(cv.cr);
            set_rgb(cv.cr, rgb, 1);
            cairo_set_line_width(cv.cr, 0.8);
            cairo_stroke(cv.cr);
        }
    }
    draw_marks(&cv, sp);
    cairo_restore(cv.cr);
    draw_mark_labels(&cv, sp);
    draw_legend(&cv, sp, kinds);
    rc = canvas_save(&cv, png_path, err);
done:
    canvas_close(&cv);
    free(counts);
    free(kinds);
    return rc;
}

/* ---- scatter ------------------------------------------------------------------------------ */

/* The area between y and y2 of a PLOT_BAND series, one polygon per run of finite points. */
static void draw_band(canvas *cv, const plot_series *s, size_t i)
{
    cairo_t *cr = cv->cr;
    size_t k = 0;
    set_rgb(cr, series_rgb(s, i), 0.25);
    while (k < s->n) {
        size_t a = k;
        while (k < s->n && isfinite(s->x[k]) && isfinite(s->y[k]) && isfinite(s->y2[k])) k++;
        if (k - a >= 2) {
            for (size_t j = a; j < k; j++) {
                if (j == a) cairo_move_to(cr, mapx(cv, s->x[j]), mapy(cv, s->y2[j]));
                else cairo_line_to(cr, mapx(cv, s->x[j]), mapy(cv, s->y2[j]));
            }
            for (size_t j = k; j-- > a;) cairo_line_to(cr, mapx(cv, s->x[j]), mapy(cv, s->y[j]));
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        if (k == a) k++;
    }
}

static void draw_points(canvas *cv, const plot_series *s, size_t i, double vmin, double vmax,
                        double (*px)(const canvas *, double, double, double *), int sky)
{
    cairo_t *cr = cv->cr;
    int line = !sky && (s->style == PLOT_LINE || s->style == PLOT_LINE_POINTS);
    double lw = s->size_px > 0 ? s->size_px : 2;
    double r = line ? 2 * lw + 1 : s->size_px > 0 ? s->size_px : (sky ? 1.6 : 2.5);
    unsigned rgb = series_rgb(s, i);
    int first = 1;
    if (!sky && s->style == PLOT_BAND) {
        if (s->x && s->y && s->y2) draw_band(cv, s, i);
        return;
    }
    if (line) {
        set_rgb(cr, rgb, 1);
        cairo_set_line_width(cr, lw);
        for (size_t k = 0; k < s->n; k++) {
            double X, Y;
            if (!s->x || !s->y || !isfinite(s->x[k]) || !isfinite(s->y[k])) {
                first = 1;
                continue;
            }
            X = px(cv, s->x[k], s->y[k], &Y);
            if (first) cairo_move_to(cr, X, Y);
            else cairo_line_to(cr, X, Y);
            first = 0;
        }
        cairo_stroke(cr);
        if (s->style == PLOT_LINE) return;
    }
    for (size_t k = 0; k < s->n; k++) {
        double X, Y;
        if (!s->x || !s->y || !isfinite(s->x[k]) || !isfinite(s->y[k])) continue;
        X = px(cv, s->x[k], s->y[k], &Y);
        if (s->c) {
            if (!isfinite(s->c[k])) continue;
            set_rgb(cr, colormap(vmax > vmin ? (s->c[k] - vmin) / (vmax - vmin) : 0.5), 0.9);
        } else set_rgb(cr, rgb, line ? 1 : 0.7);
        cairo_arc(cr, X, Y, r, 0, 2 * M_PI);
        cairo_fill(cr);
    }
}

/* Each point's label beside it (up and to the right; to the left near the right edge). */
static void draw_point_labels(canvas *cv, const plot_series *s)
{
    cairo_t *cr = cv->cr;
    if (!s->point_labels || !s->x || !s->y) return;
    double r = s->size_px > 0 ? s->size_px : 2.5;
    for (size_t k = 0; k < s->n; k++) {
        const char *l = s->point_labels[k];
        if (!l || !*l || !isfinite(s->x[k]) || !isfinite(s->y[k])) continue;
        double X = mapx(cv, s->x[k]), Y = mapy(cv, s->y[k]), w = text_width(cr, 12, l);
        int left = X + r + 4 + w > cv->ax1;
        set_rgb(cr, 0x000000, 1);
        est_plot_text(cr, left ? X - r - 3 : X + r + 3, Y - r - 2, 12, left ? 1 : 0, 1, 0, l);
    }
}

/* Points of one colour on the sky map, hundreds of thousands of them: instead of one arc and
 * fill per point, each disc's pixel coverage (from a table, by sub-pixel position) is
 * accumulated as the transmittance that OVER-compositing the discs leaves of the background,
 * T = prod(1 - alpha x coverage), and the series is painted once through the mask 1 - T. The
 * result is what cairo draws, up to antialiasing. Returns 0 when it cannot (the caller then
 * draws point by point). */
enum { RQ = 8, RSS = 16, RMAXK = 9 }; /* sub-pixel positions, samples per pixel, kernel */
enum { RCACHE_BITS = 12, RCACHE = 1 << RCACHE_BITS }; /* projected positions kept */
typedef struct px_memo {
    uint64_t x, y; /* the point's bits; 0, 0 marks an empty slot (the point (+0, +0) is
                    * projected every time) */
    double X, Y;
} px_memo;

static int draw_points_raster(canvas *cv, const plot_series *s, size_t i, double r,
                              double (*px)(const canvas *, double, double, double *))
{
    int half = (int)ceil(r), K = 2 * half + 1;
    if (K > RMAXK || r <= 0) return 0;
    size_t npix = (size_t)cv->w * (size_t)cv->h;
    float *T = malloc(npix * sizeof *T);
    float *tab = malloc((size_t)RQ * RQ * K * K * sizeof *tab);
    px_memo *rc = malloc(RCACHE * sizeof *rc);
    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A8, cv->w, cv->h);
    int ok = T && tab && rc && cairo_surface_status(mask) == CAIRO_STATUS_SUCCESS;
    if (!ok) goto done;
    /* coverage of pixel (dx, dy) relative to the pixel holding the centre, the centre at
     * sub-pixel position ((qx + 0.5) / RQ, (qy + 0.5) / RQ) */
    for (int qy = 0; qy < RQ; qy++)
        for (int qx = 0; qx < RQ; qx++)
            for (int dy = -half; dy <= half; dy++)
                for (int dx = -half; dx <= half; dx++) {
                    double fx = (qx + 0.5) / RQ, fy = (qy + 0.5) / RQ;
                    int in = 0;
                    for (int a = 0; a < RSS; a++)
                        for (int b = 0; b < RSS; b++) {
                            double sx = dx + (b + 0.5) / RSS - fx, sy = dy + (a + 0.5) / RSS - fy;
                            in += sx * sx + sy * sy <= r * r;
                        }
                    tab[((qy * RQ + qx) * K + (dy + half)) * K + dx + half] =
                        (float)in / (RSS * RSS);
                }
    for (size_t k = 0; k < npix; k++) T[k] = 1.0f;
    const float alpha = 0.7f;
    /* each entry as the factor it applies, 1 - alpha c: exactly 1 where c = 0, so a disc
     * wholly inside the image multiplies its K x K pixels with no test */
    for (size_t k = 0; k < (size_t)RQ * RQ * K * K; k++) tab[k] = 1.0f - alpha * tab[k];
    /* px is a pure function, and a cadence's points repeat within a night (a field's visit
     * pairs, some tens of visits apart): the last RCACHE positions' pixels, direct-mapped,
     * spare most of its trigonometry, with the same bits */
    memset(rc, 0, RCACHE * sizeof *rc);
    for (size_t k = 0; k < s->n; k++) {
        double X, Y, x = s->x[k], y = s->y[k];
        if (!isfinite(x) || !isfinite(y)) continue;
        uint64_t bx, by;
        memcpy(&bx, &x, sizeof bx);
        memcpy(&by, &y, sizeof by);
        uint64_t hsh = (bx ^ (by * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
        px_memo *e = &rc[hsh >> (64 - RCACHE_BITS)];
        if (e->x == bx && e->y == by && (bx | by)) {
            X = e->X, Y = e->Y;
        } else {
            X = px(cv, x, y, &Y);
            *e = (px_memo){bx, by, X, Y};
        }
        if (!(X > -half - 1 && X < cv->w + half + 1 && Y > -half - 1 && Y < cv->h + half + 1))
            continue;
        int ix = (int)floor(X), iy = (int)floor(Y);
        int qx = (int)((X - ix) * RQ), qy = (int)((Y - iy) * RQ);
        if (qx >= RQ) qx = RQ - 1;
        if (qy >= RQ) qy = RQ - 1;
        const float *t = tab + (size_t)(qy * RQ + qx) * K * K;
        if (ix >= half && ix < cv->w - half && iy >= half && iy < cv->h - half) {
            float *row = T + (size_t)(iy - half) * cv->w + (ix - half);
            for (int a = 0; a < K; a++, row += cv->w, t += K)
                for (int b = 0; b < K; b++) row[b] *= t[b];
            continue;
        }
        for (int dy = -half; dy <= half; dy++) {
            int y = iy + dy;
            if (y < 0 || y >= cv->h) continue;
            float *row = T + (size_t)y * cv->w;
            for (int dx = -half; dx <= half; dx++) {
                int x = ix + dx;
                if (x >= 0 && x < cv->w) row[x] *= t[(dy + half) * K + dx + half];
            }
        }
    }
    cairo_surface_flush(mask);
    unsigned char *m = cairo_image_surface_get_data(mask);
    int stride = cairo_image_surface_get_stride(mask);
    for (int y = 0; y < cv->h; y++)
        for (int x = 0; x < cv->w; x++)
            m[(size_t)y * stride + x] = (unsigned char)lrintf(255.0f * (1.0f - T[(size_t)y * cv->w + x]));
    cairo_surface_mark_dirty(mask);
    set_rgb(cv->cr, series_rgb(s, i), 1);
    cairo_mask_surface(cv->cr, mask, 0, 0);
done:
    cairo_surface_destroy(mask);
    free(T);
    free(tab);
    free(rc);
    return ok;
}

static double px_linear(const canvas *cv, double x, double y, double *Y)
{
    *Y = mapy(cv, y);
    return mapx(cv, x);
}

int plot_scatter(const char *png_path, const plot_spec *sp, y1_err *err)
{
    int rc = check_spec(sp, png_path, err);
    if (rc) return rc;
    double xlo = sp->xmin, xhi = sp->xmax, ylo = sp->ymin, yhi = sp->ymax, vlo = 0, vhi = 0;
    int with_c = data_range(sp, 2, &vlo, &vhi);
    if (sp->vmin != sp->vmax) {
        vlo = sp->vmin;
        vhi = sp->vmax;
    }
    if (xlo == xhi) {
        if (!data_range(sp, 0, &xlo, &xhi))
            return y1_errf(err, Y1_EINPUT, "%s: no finite values to plot", png_path);
        pad_range(&xlo, &xhi, 0.04);
    }
    if (ylo == yhi) {
        if (!data_range(sp, 1, &ylo, &yhi))
            return y1_errf(err, Y1_EINPUT, "%s: no finite values to plot", png_path);
        hlines_range(sp, &ylo, &yhi);
        pad_range(&ylo, &yhi, 0.06);
    }
    if (!(xlo < xhi) || !(ylo < yhi))
        return y1_errf(err, Y1_EUSAGE, "%s: axis minimum must be below maximum", png_path);
    int *kinds = calloc(sp->nseries, sizeof *kinds);
    canvas cv;
    memset(&cv, 0, sizeof cv);
    if (!kinds) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", png_path);
    for (size_t i = 0; i < sp->nseries; i++) {
        plot_style st = sp->series[i].style;
        kinds[i] = st == PLOT_LINE ? 2 : st == PLOT_LINE_POINTS ? 3 : st == PLOT_BAND ? 4 : 1;
    }
    if ((rc = canvas_open(&cv, sp, png_path, 900, 560, err))) goto done;
    if (with_c) cv.ax1 = cv.w - 110;
    cv.ay0 += 16 * mark_rows(sp);
    cv.xmin = xlo;
    cv.xmax = xhi;
    cv.ymin = ylo;
    cv.ymax = yhi;
    draw_axes(&cv, sp, NULL, 0);
    cairo_save(cv.cr);
    cairo_rectangle(cv.cr, cv.ax0, cv.ay0, cv.ax1 - cv.ax0, cv.ay1 - cv.ay0);
    cairo_clip(cv.cr);
    /* bands at the bottom; then points first, lines on top so a fit line stays visible over a
     * dense cloud, or the other way round (points_over_lines) so no point hides under it */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < sp->nseries; i++) {
            plot_style st = sp->series[i].style;
            int is_line = st == PLOT_LINE || st == PLOT_LINE_POINTS;
            int want = st == PLOT_BAND ? 0 : is_line != !!sp->points_over_lines ? 2 : 1;
            if (want == pass) draw_points(&cv, &sp->series[i], i, vlo, vhi, px_linear, 0);
        }
    draw_marks(&cv, sp);
    draw_hlines(&cv, sp);
    for (size_t i = 0; i < sp->nseries; i++) draw_point_labels(&cv, &sp->series[i]);
    cairo_restore(cv.cr);
    draw_mark_labels(&cv, sp);
    if (with_c) draw_colorbar(&cv, sp->value_label, vlo, vhi);
    draw_legend(&cv, sp, kinds);
    rc = canvas_save(&cv, png_path, err);
done:
    canvas_close(&cv);
    free(kinds);
    return rc;
}

/* ---- stacked bars ------------------------------------------------------------------------- */

/* Smallest non-zero and largest bar total (0, 0 when every value is zero or the spec is bad). */
static void bar_totals(const plot_spec *sp, double *lo, double *hi)
{
    *lo = *hi = 0;
    for (size_t k = 0; k < sp->ncategories; k++) {
        double sum = 0;
        for (size_t i = 0; i < sp->nseries; i++)
            if (sp->series[i].y && sp->series[i].n == sp->ncategories && isfinite(sp->series[i].y[k]))
                sum += sp->series[i].y[k];
        if (sum > 0 && (*lo == 0 || sum < *lo)) *lo = sum;
        if (sum > *hi) *hi = sum;
    }
}

int plot_bars_log(const plot_spec *sp)
{
    double lo, hi;
    if (!sp || !(sp->log_ratio > 1) || !sp->series) return 0;
    bar_totals(sp, &lo, &hi);
    return lo > 0 && hi > sp->log_ratio * lo;
}

/* Width of the legend's box (as draw_legend draws it: series names, no marks), 0 if it has no
 * entry. */
static double legend_width(const canvas *cv, const plot_spec *sp)
{
    double wmax = -1;
    size_t n = 0, shown;
    for (size_t i = 0; i < sp->nseries; i++)
        if (sp->series[i].name && *sp->series[i].name) {
            wmax = fmax(wmax, text_width(cv->cr, 12, sp->series[i].name));
            n++;
        }
    size_t more = legend_more(cv, n, &shown) + sp->legend_omitted;
    if (more) {
        char t[64];
        snprintf(t, sizeof t, "... and %zu more", more);
        wmax = fmax(wmax, text_width(cv->cr, 12, t));
    }
    return wmax < 0 || sp->legend < 0 ? 0 : ceil(wmax + 44);
}


int plot_bars(const char *png_path, const plot_spec *sp, y1_err *err)
{
    int rc = check_spec(sp, png_path, err);
    if (rc) return rc;
    size_t nc = sp->ncategories;
    int numeric = sp->bar_x0 < sp->bar_x1; /* a time (or other numeric) axis, no names */
    if (nc == 0 || (!sp->categories && !numeric))
        return y1_errf(err, Y1_EUSAGE, "%s: bar chart without categories", png_path);
    double top = 0;
    for (size_t k = 0; k < nc; k++) {
        double sum = 0;
        for (size_t i = 0; i < sp->nseries; i++) {
            const plot_series *s = &sp->series[i];
            if (s->n != nc || !s->y)
                return y1_errf(err, Y1_EUSAGE, "%s: series %zu has %zu values for %zu categories",
                               png_path, i, s->n, nc);
            double v = s->y[k];
            if (!isfinite(v) || v < 0) {
                char cat[80];
                if (sp->categories) snprintf(cat, sizeof cat, "'%s'", sp->categories[k]);
                else snprintf(cat, sizeof cat, "%zu", k + 1);
                return y1_errf(err, Y1_EINPUT, "%s: bar value %g (series '%s', category %s) "
                               "must be finite and non-negative", png_path, v,
                               s->name ? s->name : "", cat);
            }
            sum += v;
        }
        if (sum > top) top = sum;
    }
    int *kinds = calloc(sp->nseries, sizeof *kinds);
    canvas cv;
    memset(&cv, 0, sizeof cv);
    if (!kinds) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", png_path);
    if ((rc = canvas_open(&cv, sp, png_path, 900, 560, err))) goto done;
    if (sp->legend_outside) {
        double lw = legend_width(&cv, sp);
        if (lw > 0 && cv.w - lw - 20 > cv.ax0 + 100) cv.ax1 = cv.w - lw - 20;
    }
    /* long category names are drawn slanted: leave room below */
    double slot = (cv.ax1 - cv.ax0) / nc, wmax = 0;
    for (size_t k = 0; k < nc && !numeric; k++) {
        double w = text_width(cv.cr, 12, sp->categories[k]);
        if (w > wmax) wmax = w;
    }
    int slant = wmax > slot * 0.95;
    if (slant) cv.ay1 = cv.h - 40 - wmax * 0.6;
    if (cv.ay1 < cv.ay0 + 60) cv.ay1 = cv.ay0 + 60;
    cv.xmin = numeric ? sp->bar_x0 : 0;
    cv.xmax = numeric ? sp->bar_x1 : (double)nc;
    cv.ymin = sp->ymin != sp->ymax ? sp->ymin : 0;
    cv.ymax = sp->ymin != sp->ymax ? sp->ymax : (top > 0 ? top * 1.12 : 1);
    if (sp->ymin == sp->ymax) {
        double lo = cv.ymin, hi = cv.ymax;
        hlines_range(sp, &lo, &hi);
        cv.ymax = hi;
    }
    if (plot_bars_log(sp)) {
        /* whole decades around the totals, with room above the largest for its label */
        double lo, hi;
        bar_totals(sp, &lo, &hi);
        cv.ylog = 1;
        cv.ymin = pow(10, floor(log10(lo)));
        cv.ymax = pow(10, ceil(log10(hi * 1.6)));
    }
    slot = (cv.ax1 - cv.ax0) / nc;
    draw_axes(&cv, sp, NULL, !numeric);
    for (size_t k = 0; k < nc; k++) {
        double xc = numeric ? mapx(&cv, sp->bar_x0 + (k + 0.5) * (sp->bar_x1 - sp->bar_x0) / nc)
                            : mapx(&cv, k + 0.5);
        double bw = numeric ? slot : slot * 0.7, acc = 0;
        for (size_t i = 0; i < sp->nseries; i++) {
            double v = sp->series[i].y[k];
            if (cv.ylog && acc + v <= cv.ymin) { /* below the axis: nothing to draw */
                acc += v;
                continue;
            }
            if (v == 0) continue; /* nothing to draw (and no empty path in an SVG) */
            double ya = mapy(&cv, cv.ylog ? fmax(acc, cv.ymin) : acc), yb = mapy(&cv, acc + v);
            const plot_series *s = &sp->series[i];
            /* touching columns: edges on whole pixels, so no antialiased seam between them */
            double xl = numeric ? round(xc - bw / 2) : xc - bw / 2;
            double xr = numeric ? round(xc + bw / 2) : xc + bw / 2;
            fill_box(cv.cr, xl, yb, xr - xl, ya - yb, s->rgbs ? s->rgbs[k] : series_rgb(s, i),
                     s->fill, 0.85);
            acc += v;
        }
        set_rgb(cv.cr, 0x000000, 1);
        if (sp->bar_totals && (acc > 0 || !cv.ylog)) {
            char buf[64];
            snprintf(buf, sizeof buf, "%.3g%s", acc, sp->total_suffix ? sp->total_suffix : "");
            est_plot_text(cv.cr, xc, (acc > 0 || !cv.ylog ? mapy(&cv, acc) : cv.ay1) - 4, 12, 0.5, 1, 0, buf);
        }
        if (numeric) continue;
        if (slant) est_plot_text(cv.cr, xc, cv.ay1 + 8, 12, 1, 0, -M_PI / 5, sp->categories[k]);
        else est_plot_text(cv.cr, xc, cv.ay1 + 8, 12, 0.5, 0, 0, sp->categories[k]);
    }
    draw_hlines(&cv, sp);
    draw_legend(&cv, sp, kinds);
    rc = canvas_save(&cv, png_path, err);
done:
    canvas_close(&cv);
    free(kinds);
    return rc;
}

void plot_cleanup(void)
{
    cairo_debug_reset_static_data();
    /* cairo's toy fonts come from fontconfig, whose own caches survive the reset above. We do
     * not link fontconfig directly (only cairo), so look FcFini up in the loaded libraries. */
    void (*fc_fini)(void);
    *(void **)&fc_fini = dlsym(RTLD_DEFAULT, "FcFini");
    if (fc_fini) fc_fini();
}

/* ---- sky map ------------------------------------------------------------------------------ */

void plot_hammer(double ra_deg, double dec_deg, double *x, double *y)
{
    /* fmod is exact, so an RA already in [0, 360) (nearly every one) is its own result */
    double lam = ra_deg >= 0.0 && ra_deg < 360.0 ? ra_deg : fmod(ra_deg, 360.0);
    if (lam > 180) lam -= 360;
    if (lam <= -180) lam += 360;
    lam *= M_PI / 180;
    double phi = dec_deg * M_PI / 180;
    double d = sqrt(1 + cos(phi) * cos(lam / 2));
    *x = -2 * M_SQRT2 * cos(phi) * sin(lam / 2) / d; /* east (larger RA) to the left */
    *y = M_SQRT2 * sin(phi) / d;
}

static double px_sky(const canvas *cv, double ra, double dec, double *Y)
{
    double x, y;
    plot_hammer(ra, dec, &x, &y);
    *Y = mapy(cv, y);
    return mapx(cv, x);
}

int plot_sky(const char *png_path, const plot_spec *sp, y1_err *err)
{
    int rc = check_spec(sp, png_path, err);
    if (rc) return rc;
    double vlo = 0, vhi = 0, lo, hi;
    int with_c = data_range(sp, 2, &vlo, &vhi);
    if (sp->vmin != sp->vmax) {
        vlo = sp->vmin;
        vhi = sp->vmax;
    }
    if (!data_range(sp, 0, &lo, &hi) || !data_range(sp, 1, &lo, &hi))
        return y1_errf(err, Y1_EINPUT, "%s: no finite sky positions to plot", png_path);
    int *kinds = calloc(sp->nseries, sizeof *kinds);
    canvas cv;
    memset(&cv, 0, sizeof cv);
    if (!kinds) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", png_path);
    for (size_t i = 0; i < sp->nseries; i++) kinds[i] = 1;
    if ((rc = canvas_open(&cv, sp, png_path, 1000, 560, err))) goto done;
    cairo_t *cr = cv.cr;
    /* equal scale in x and y: the projection is 4 sqrt2 wide and 2 sqrt2 high */
    double right = with_c ? cv.w - 120 : cv.w - 20, top = sp->title ? 50 : 20, bottom = cv.h - 30;
    double scale = fmin((right - 40) / (4 * M_SQRT2), (bottom - top) / (2 * M_SQRT2));
    double cx = (40 + right) / 2, cy = (top + bottom) / 2;
    cv.ax0 = cx - 2 * M_SQRT2 * scale;
    cv.ax1 = cx + 2 * M_SQRT2 * scale;
    cv.ay0 = cy - M_SQRT2 * scale;
    cv.ay1 = cy + M_SQRT2 * scale;
    cv.xmin = -2 * M_SQRT2;
    cv.xmax = 2 * M_SQRT2;
    cv.ymin = -M_SQRT2;
    cv.ymax = M_SQRT2;
    /* background ellipse and graticule */
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_scale(cr, 2 * M_SQRT2 * scale, M_SQRT2 * scale);
    cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
    cairo_restore(cr);
    set_rgb(cr, 0xf4f6fa, 1);
    cairo_fill(cr);
    set_rgb(cr, 0xc8c8c8, 1);
    cairo_set_line_width(cr, 0.8);
    for (int dec = -60; dec <= 60; dec += 30) {
        for (int k = 0; k <= 360; k++) {
            double Y, X = px_sky(&cv, -180 + k + (k == 0 ? 1e-9 : 0) - (k == 360 ? 1e-9 : 0),
                                 dec, &Y);
            if (k == 0) cairo_move_to(cr, X, Y);
            else cairo_line_to(cr, X, Y);
        }
        cairo_stroke(cr);
    }
    for (int ra = -150; ra <= 180; ra += 30) {
        double r = ra == 180 ? 180 - 1e-9 : ra;
        for (int k = 0; k <= 180; k++) {
            double Y, X = px_sky(&cv, r, -90 + k, &Y);
            if (k == 0) cairo_move_to(cr, X, Y);
            else cairo_line_to(cr, X, Y);
        }
        cairo_stroke(cr);
    }
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_scale(cr, 2 * M_SQRT2 * scale, M_SQRT2 * scale);
    cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
    cairo_restore(cr);
    set_rgb(cr, 0x000000, 1);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    for (size_t i = 0; i < sp->nseries; i++) {
        const plot_series *ps = &sp->series[i];
        double pr = ps->size_px > 0 ? ps->size_px : 1.6;
        if (ps->c || !ps->x || !ps->y || !draw_points_raster(&cv, ps, i, pr, px_sky))
            draw_points(&cv, ps, i, vlo, vhi, px_sky, 1);
    }
    /* graticule labels: RA along the equator (hours would also do; degrees match the API) */
    char buf[32];
    set_rgb(cr, 0x404040, 1);
    for (int ra = 0; ra < 360; ra += 60) {
        double Y, X = px_sky(&cv, ra, 0, &Y);
        snprintf(buf, sizeof buf, "%d", ra);
        est_plot_text(cr, X + 2, Y + 3, 11, 0, 0, 0, buf);
    }
    for (int dec = -60; dec <= 60; dec += 30) {
        if (dec == 0) continue;
        double Y, X = px_sky(&cv, 180 - 1e-9, dec, &Y);
        snprintf(buf, sizeof buf, "%+d", dec);
        est_plot_text(cr, X - 4, Y, 11, 1, 0.5, 0, buf);
    }
    est_plot_text(cr, cx, cv.ay1 + 18, 12, 0.5, 1, 0,
            "Hammer-Aitoff, RA (deg) increasing to the left, Dec (deg)");
    if (sp->title) {
        cairo_save(cr);
        cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        est_plot_text(cr, cv.w / 2.0, 30, 16, 0.5, 1, 0, sp->title);
        cairo_restore(cr);
    }
    if (with_c) draw_colorbar(&cv, sp->value_label, vlo, vhi);
    cv.ax1 = with_c ? cv.w - 110 : cv.w - 10;
    cv.ay0 = top - 10;
    draw_legend(&cv, sp, kinds);
    rc = canvas_save(&cv, png_path, err);
done:
    canvas_close(&cv);
    free(kinds);
    return rc;
}
