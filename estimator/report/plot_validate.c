/* plot_validate.c: the two figures of `y1est validate`, drawn with cairo: predicted against
 * actual per task on log-log axes (1:1 line, tolerance band), and the wall/CPU box plot per task
 * (RTN-109 Figure 3's percentiles), each task in its colour of every plot (palette.h). Pixel
 * units; PNG, SVG or PDF written through plot.c's surface (temp + rename). */
#include "estimator/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "estimator/report/palette.h"
#include "estimator/report/plot_internal.h"

#define FONT "DejaVu Sans"
#define W 900
#define H 640

/* va here counts from the top (0) to the baseline-below (1); est_plot_text's the other way */
static void text(cairo_t *cr, double x, double y, double size, double ha, double va,
                 double angle, const char *s)
{
    est_plot_text(cr, x, y, size, ha, 1 - va, angle, s);
}

static void set_rgb(cairo_t *cr, unsigned rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0,
                         (rgb & 255) / 255.0);
}

static void verdict_rgb(cairo_t *cr, int v)
{
    switch (v) {
    case EST_VAL_WITHIN: cairo_set_source_rgb(cr, 0.17, 0.63, 0.17); break;
    case EST_VAL_OVER: cairo_set_source_rgb(cr, 0.12, 0.47, 0.71); break;
    case EST_VAL_UNDER: cairo_set_source_rgb(cr, 0.84, 0.15, 0.16); break;
    default: cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    }
}

int est_val_plot_scatter(const char *png, const est_val *v, int what, int fmt, y1_err *err)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t np = 0;
    for (size_t i = 0; i < v->n; i++) {
        const est_val_row *w = &v->rows[i];
        double p = what ? w->cpu_pred_s : w->jobs_pred, a = what ? w->cpu_act_s : w->jobs_act;
        if (!w->measured || !(p > 0) || !(a > 0)) continue;
        lo = fmin(lo, fmin(p, a));
        hi = fmax(hi, fmax(p, a));
        np++;
    }
    if (np == 0)
        return y1_errf(err, Y1_EINPUT, "%s: no task has a positive predicted and actual %s to "
                       "plot", png, what ? "CPU" : "job count");
    int d0 = (int)floor(log10(lo)), d1 = (int)ceil(log10(hi));
    if (d1 <= d0) d1 = d0 + 1;
    est_plot_surface ps;
    int rc = est_plot_surface_open(&ps, png, (plot_format)fmt, W, H,
                                   what ? "CPU per task: actual against predicted"
                                        : "Jobs per task: actual against predicted", NULL, err);
    if (rc) return rc;
    cairo_t *cr = ps.cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    const double x0 = 100, x1 = W - 40, y0 = 60, y1 = H - 80; /* the square-ish plot area */
#define PX(l) (x0 + ((l) - d0) / (double)(d1 - d0) * (x1 - x0))
#define PY(l) (y1 - ((l) - d0) / (double)(d1 - d0) * (y1 - y0))
    char buf[200];
    snprintf(buf, sizeof buf, "%s per task: actual against predicted (ratio = actual / predicted)",
             what ? "CPU" : "Jobs");
    text(cr, W / 2.0, 25, 17, 0.5, 0.5, 0, buf);
    /* decades and minor ticks */
    cairo_set_line_width(cr, 1);
    for (int d = d0; d <= d1; d++) {
        for (int k = 1; k <= 9 && (d < d1 || k == 1); k++) {
            double l = d + log10((double)k);
            cairo_set_source_rgb(cr, k == 1 ? 0.8 : 0.93, k == 1 ? 0.8 : 0.93, k == 1 ? 0.8 : 0.93);
            cairo_move_to(cr, PX(l), y0);
            cairo_line_to(cr, PX(l), y1);
            cairo_move_to(cr, x0, PY(l));
            cairo_line_to(cr, x1, PY(l));
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "1e%d", d);
        text(cr, PX(d), y1 + 8, 12, 0.5, 1, 0, buf);
        text(cr, x0 - 8, PY(d), 12, 1, 0.5, 0, buf);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    cairo_stroke(cr);
    text(cr, (x0 + x1) / 2, H - 35, 14, 0.5, 1, 0, what ? "predicted CPU (s)" : "predicted jobs");
    text(cr, 30, (y0 + y1) / 2, 14, 0.5, 1, -M_PI / 2, what ? "actual CPU (s)" : "actual jobs");
    /* 1:1 and the tolerance band */
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, PX(d0), PY(d0));
    cairo_line_to(cr, PX(d1), PY(d1));
    cairo_stroke(cr);
    double dash[2] = {6, 4};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 1);
    for (int s = -1; s <= 1; s += 2) {
        double f = log10(1 + s * v->tolerance);
        if (!isfinite(f)) continue;
        cairo_move_to(cr, PX(d0), PY(d0 + f));
        cairo_line_to(cr, PX(d1), PY(d1 + f));
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    /* the tasks; a label that would overlap one already drawn moves down a line or more */
    double placed[64][2];
    size_t nplaced = 0;
    for (size_t i = 0; i < v->n; i++) {
        const est_val_row *w = &v->rows[i];
        double p = what ? w->cpu_pred_s : w->jobs_pred, a = what ? w->cpu_act_s : w->jobs_act;
        if (!w->measured || !(p > 0) || !(a > 0)) continue;
        double r = what ? w->cpu_ratio : w->jobs_ratio;
        double px = PX(log10(p)), py = PY(log10(a));
        /* the task's colour inside, the verdict's as a ring */
        set_rgb(cr, plot_palette_task(w->label));
        cairo_new_path(cr);
        cairo_arc(cr, px, py, 4.5, 0, 2 * M_PI);
        cairo_fill(cr);
        verdict_rgb(cr, what ? w->verdict
                             : (r < 1 - v->tolerance ? EST_VAL_OVER
                                : r > 1 + v->tolerance ? EST_VAL_UNDER : EST_VAL_WITHIN));
        cairo_set_line_width(cr, 2.5);
        cairo_new_path(cr); /* no line from a text's end point to the ring */
        cairo_arc(cr, px, py, 6.5, 0, 2 * M_PI);
        cairo_stroke(cr);
    }
    /* then their labels, over the points */
    for (size_t i = 0; i < v->n; i++) {
        const est_val_row *w = &v->rows[i];
        double p = what ? w->cpu_pred_s : w->jobs_pred, a = what ? w->cpu_act_s : w->jobs_act;
        if (!w->measured || !(p > 0) || !(a > 0)) continue;
        double r = what ? w->cpu_ratio : w->jobs_ratio;
        double px = PX(log10(p)), py = PY(log10(a));
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        snprintf(buf, sizeof buf, "%s %.2f", w->label, r);
        double ly = py - 4;
        for (int tries = 0; tries < 8; tries++) {
            int clash = 0;
            for (size_t q = 0; q < nplaced; q++)
                clash |= fabs(placed[q][1] - ly) < 13 && fabs(placed[q][0] - px) < 150;
            if (!clash) break;
            ly += 13;
        }
        if (nplaced < 64) {
            placed[nplaced][0] = px;
            placed[nplaced++][1] = ly;
        }
        text(cr, px + 8, ly, 11, 0, 0.5, 0, buf);
    }
    /* legend */
    static const char *names[3] = {"ring: within tolerance", "ring: over-predicted",
                                   "ring: under-predicted"};
    cairo_set_line_width(cr, 2.5);
    for (int k = 0; k < 3; k++) {
        verdict_rgb(cr, k);
        cairo_new_path(cr);
        cairo_arc(cr, x0 + 18, y0 + 18 + 18 * k, 5, 0, 2 * M_PI);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, x0 + 30, y0 + 18 + 18 * k, 12, 0, 0.5, 0, names[k]);
    }
    snprintf(buf, sizeof buf, "fill: the task's colour; solid: 1:1; dashed: ratio 1 +- %g",
             v->tolerance);
    text(cr, x0 + 12, y0 + 18 + 54, 12, 0, 0.5, 0, buf);
#undef PX
#undef PY
    rc = est_plot_surface_save(&ps, png, err);
    est_plot_surface_close(&ps);
    return rc;
}

int est_val_plot_boxes(const char *png, const est_val *v, int fmt, y1_err *err)
{
    size_t nb = 0;
    double lo = 1, hi = 1;
    for (size_t i = 0; i < v->n; i++)
        if (v->rows[i].wc_n > 0) {
            nb++;
            lo = fmin(lo, v->rows[i].wc[0]);
            hi = fmax(hi, v->rows[i].wc[4]);
        }
    if (nb == 0)
        return y1_errf(err, Y1_EINPUT, "%s: no task has measured wall times (the wall/CPU box "
                       "plot needs a monitoring.db)", png);
    double pad = 0.05 * (hi - lo) + 0.02;
    lo = fmax(0, lo - pad);
    hi += pad;
    est_plot_surface ps;
    int rc = est_plot_surface_open(&ps, png, (plot_format)fmt, W, H, "Wall time / CPU time per "
                                   "job", NULL, err);
    if (rc) return rc;
    cairo_t *cr = ps.cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    const double x0 = 90, x1 = W - 30, y0 = 60, y1 = H - 170;
#define PY(r) (y1 - ((r) - lo) / (hi - lo) * (y1 - y0))
    text(cr, W / 2.0, 25, 17, 0.5, 0.5, 0,
         "Wall time / CPU time per job (box 32-68 %, line median, whiskers 0-100 %)");
    /* y ticks every 0.1, 0.2, 0.5 or 1 so that there are 4 to 12 */
    static const double steps[] = {0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50};
    double step = 100;
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++)
        if ((hi - lo) / steps[k] <= 12) {
            step = steps[k];
            break;
        }
    char buf[64];
    cairo_set_line_width(cr, 1);
    for (double t = ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, x0, PY(t));
        cairo_line_to(cr, x1, PY(t));
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "%g", t);
        text(cr, x0 - 8, PY(t), 12, 1, 0.5, 0, buf);
    }
    cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
    cairo_move_to(cr, x0, PY(1));
    cairo_line_to(cr, x1, PY(1));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    cairo_stroke(cr);
    text(cr, 25, (y0 + y1) / 2, 14, 0.5, 1, -M_PI / 2, "wall / CPU");
    double slot = (x1 - x0) / (double)nb, bw = fmin(40, slot * 0.6);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const est_val_row *w = &v->rows[i];
        if (w->wc_n == 0) continue;
        double cx = x0 + slot * (k + 0.5);
        unsigned rgb = plot_palette_task(w->label);
        set_rgb(cr, rgb);
        cairo_move_to(cr, cx, PY(w->wc[0]));
        cairo_line_to(cr, cx, PY(w->wc[4]));
        cairo_move_to(cr, cx - bw / 4, PY(w->wc[0]));
        cairo_line_to(cr, cx + bw / 4, PY(w->wc[0]));
        cairo_move_to(cr, cx - bw / 4, PY(w->wc[4]));
        cairo_line_to(cr, cx + bw / 4, PY(w->wc[4]));
        cairo_stroke(cr);
        cairo_rectangle(cr, cx - bw / 2, PY(w->wc[3]), bw, PY(w->wc[1]) - PY(w->wc[3]));
        cairo_set_source_rgba(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0,
                              (rgb & 255) / 255.0, 0.4); /* a light fill of the task's colour */
        cairo_fill_preserve(cr);
        set_rgb(cr, rgb);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, cx - bw / 2, PY(w->wc[2]));
        cairo_line_to(cr, cx + bw / 2, PY(w->wc[2]));
        cairo_stroke(cr);
        cairo_set_line_width(cr, 1);
        snprintf(buf, sizeof buf, "%s (%ld)", w->label, w->wc_n);
        text(cr, cx + 4, y1 + 10, 12, 1, 0.5, -M_PI / 4, buf);
        k++;
    }
#undef PY
    rc = est_plot_surface_save(&ps, png, err);
    est_plot_surface_close(&ps);
    return rc;
}
