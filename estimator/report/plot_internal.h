/* plot_internal.h: drawing helpers shared by the report room's plot files (not a public API).
 * Units are cairo user-space pixels. */
#ifndef Y1_PLOT_INTERNAL_H
#define Y1_PLOT_INTERNAL_H

#include <cairo.h>

#include "common/y1_err.h"
#include "common/y1_out.h"
#include "estimator/report/plot.h"

/* Text s anchored at (x, y), rotated by angle (radians) about the anchor: ha 0 left, 0.5 centre,
 * 1 right; va 0 puts the top of the capitals at y, 0.5 their middle, 1 the baseline. */
void est_plot_text(cairo_t *cr, double x, double y, double size, double ha, double va,
                   double angle, const char *s);

/* One drawing of w x h px to be written at path as PNG, SVG or PDF. open: a white page with
 * the plots' font selected; SVG/PDF stream into path's temp file from here on (the PDF with a
 * fixed date, title and subject as metadata, either may be NULL). save: writes and commits
 * the file (atomically). close: frees everything; a drawing not saved leaves no file. */
typedef struct est_plot_surface {
    cairo_surface_t *sf;
    cairo_t *cr;
    plot_format fmt;
    y1_out *out;          /* SVG/PDF: the temp file being written, NULL otherwise */
} est_plot_surface;

int est_plot_surface_open(est_plot_surface *ps, const char *path, plot_format fmt, int w, int h,
                          const char *title, const char *subject, y1_err *err);
int est_plot_surface_save(est_plot_surface *ps, const char *path, y1_err *err);
void est_plot_surface_close(est_plot_surface *ps);

#endif
