/* plot_internal.h: drawing helpers shared by the report room's plot files (not a public API).
 * Units are cairo user-space pixels. */
#ifndef Y1_PLOT_INTERNAL_H
#define Y1_PLOT_INTERNAL_H

#include <cairo.h>

/* Text s anchored at (x, y), rotated by angle (radians) about the anchor: ha 0 left, 0.5 centre,
 * 1 right; va 0 puts the top of the capitals at y, 0.5 their middle, 1 the baseline. */
void est_plot_text(cairo_t *cr, double x, double y, double size, double ha, double va,
                   double angle, const char *s);

#endif
