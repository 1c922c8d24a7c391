/* plot.h: small generic PNG charts drawn with cairo (the only cairo user): histograms, x-y
 * scatter/line plots, stacked bar charts and all-sky scatter maps (Hammer-Aitoff, equal area).
 * Sizes are in pixels; sky coordinates in degrees (RA increases to the left, as on the sky).
 *
 * Usage: fill a plot_spec (zero-initialise it, then set what you need) and call one of
 * plot_histogram / plot_scatter / plot_bars / plot_sky. Each writes one PNG (or, with
 * spec.format, SVG or PDF) atomically (temp file + rename), so a failure never leaves a partial
 * file at the path. The spec and the
 * arrays it points to are only read; the caller owns them. Output depends only on the inputs
 * (same inputs, same bytes). */
#ifndef Y1_PLOT_H
#define Y1_PLOT_H

#include <stddef.h>

#include "common/y1_err.h"

/* The file a chart is written as: PNG (the default, a zeroed spec), or cairo's SVG or PDF
 * surface for documents (the same drawing, as vectors). */
typedef enum plot_format { PLOT_PNG = 0, PLOT_SVG, PLOT_PDF } plot_format;

#define PLOT_AUTO 0xFFFFFFFFu /* rgb: take the next colour of the built-in palette */

typedef enum plot_style {
    PLOT_POINTS = 0,  /* scatter: filled circles of radius size_px */
    PLOT_LINE,        /* scatter: a polyline through the points in the given order */
    PLOT_LINE_POINTS, /* scatter: the polyline and a marker (radius 2 x width + 1) at each point */
    PLOT_BAND         /* scatter: the area between y (lower edge) and y2 (upper), translucent,
                         drawn below every other series */
} plot_style;

/* How a bar segment is filled: solid colour at alpha 0.85, or hatched (stripes). */
typedef enum plot_fill { PLOT_FILL_SOLID = 0, PLOT_FILL_HATCHED } plot_fill;

/* One data series. Which arrays are used depends on the chart:
 *   histogram: x = the values to bin (n of them);
 *   scatter:   x, y (n points);
 *   bars:      y = one value per category (n must equal ncategories); stacked in series order;
 *   sky:       x = RA (deg), y = Dec (deg).
 * Non-finite values are skipped (a series with nothing finite draws nothing). */
typedef struct plot_series {
    const char *name;     /* legend text; NULL or "" = no legend entry */
    const double *x;
    const double *y;
    const double *c;      /* scatter/sky: optional per-point value drawn with the colour map
                             (and a colour bar labelled value_label); NULL = use rgb */
    size_t n;
    unsigned rgb;         /* 0xRRGGBB, or PLOT_AUTO */
    plot_style style;     /* scatter only */
    double size_px;       /* point radius or line width; 0 = default (2.5 / 2) */
    const double *y2;     /* PLOT_BAND: the upper edge (n values) */
    const char *const *point_labels; /* scatter: text beside point k (NULL, or an entry NULL or
                                        "": none) */
    const unsigned *rgbs; /* bars: the colour of each category's segment (n values, 0xRRGGBB)
                             in place of rgb, e.g. one colour per product; the legend's swatch
                             stays in rgb. NULL = rgb for all */
    plot_fill fill;       /* bars: solid (0), or hatched: diagonal stripes of the colour over a
                             light tint of it, outlined, in the legend's swatch too (a second
                             property beside the colour, e.g. kept / not kept) */
} plot_series;

/* Line patterns of marks and horizontal lines. */
typedef enum plot_dash { PLOT_DASHED = 0, PLOT_SOLID, PLOT_DOTTED, PLOT_DASH_DOT } plot_dash;

/* A vertical marker line across the plot area (e.g. "95th percentile"), with a label. */
typedef struct plot_mark {
    double x;
    const char *label;    /* may be NULL */
    unsigned rgb;         /* PLOT_AUTO = dark red */
    plot_dash dash;       /* 0 = dashed */
} plot_mark;

/* A horizontal line across the plot area (e.g. a storage quota), labelled on the plot just
 * above the line at its right end. Drawn solid, 2 px, over the data. A y outside an automatic
 * y range widens the range to show it. */
typedef struct plot_hline {
    double y;
    const char *label;    /* may be NULL */
    unsigned rgb;         /* PLOT_AUTO = dark red */
} plot_hline;

typedef struct plot_spec {
    const char *title;    /* top line; NULL = none */
    const char *xlabel;   /* axis labels; put the unit in them, e.g. "CPU time (s)" */
    const char *ylabel;   /* histogram default "instances" */
    int width_px, height_px;           /* 0 = 900 x 560 (sky: 1000 x 560) */
    double xmin, xmax;    /* axis range; xmin == xmax (e.g. both 0) = from the data */
    double ymin, ymax;    /* same for y (ignored by plot_sky) */
    const plot_series *series;
    size_t nseries;
    const plot_mark *marks;            /* histogram and scatter */
    size_t nmarks;
    size_t nbins;         /* histogram: number of equal-width bins over [xmin, xmax]; 0 = 40 */
    const char *const *categories;     /* bars: names along the x axis */
    size_t ncategories;
    const char *value_label;           /* colour bar label for series with c */
    double vmin, vmax;    /* colour map range; equal = from the data */
    int legend;           /* 0 = legend when any series has a name; -1 = never */
    int legend_outside;   /* 1: the legend in a column right of the plot area, off the data */
    plot_format format;   /* PNG (0), SVG or PDF */
    /* bars only: */
    int bar_totals;       /* 1: each bar's total printed above it */
    const char *total_suffix;          /* appended to the printed total (e.g. " k"), or NULL */
    double log_ratio;     /* > 1: a log y axis when the largest bar total exceeds log_ratio x
                             the smallest non-zero one; 0 = always linear */
    double bar_x0, bar_x1; /* bar_x0 < bar_x1: a numeric x axis; the categories are consecutive
                             equal intervals covering [bar_x0, bar_x1] (names not drawn, may be
                             NULL), bars drawn touching, x ticks as for a scatter */
    /* every chart with x ticks: */
    int x_time;           /* x in seconds: ticks at round minutes, hours or days chosen from the
                             span (plot_time_ticks), labelled in that unit, which is appended to
                             xlabel as " (hours)" etc. */
    int x_integer;        /* ticks only at integers (e.g. years) */
    const plot_hline *hlines;          /* bars and scatter */
    size_t nhlines;
    int mark_labels;      /* 1: each mark's label is also written along its line, at the top */
    int points_over_lines; /* scatter: points drawn after the lines (default: lines on top) */
    size_t legend_omitted; /* series the caller left unnamed to keep the legend short: counted
                              in its last line, "... and K more" */
} plot_spec;

/* Histogram of each series' x values (several series are overlaid as translucent bars). With
 * marks, vertical lines. Given: png_path, spec. Returns Y1_OK; Y1_EINPUT if no series has a
 * finite value; Y1_EUSAGE for a spec misuse (no series); Y1_EIO if the file can't be written. */
int plot_histogram(const char *png_path, const plot_spec *spec, y1_err *err);

/* Scatter of (x, y) points and/or polylines (style), with optional marks. Same returns. */
int plot_scatter(const char *png_path, const plot_spec *spec, y1_err *err);

/* Stacked bar chart: one bar per category, one segment per series (series[i].y[k] for
 * category k; a zero draws nothing), in the series' rgb or rgbs[k] and its fill. Negative
 * values are an error (Y1_EINPUT). Same returns. */
int plot_bars(const char *png_path, const plot_spec *spec, y1_err *err);

/* All-sky scatter in the Hammer-Aitoff projection with an RA/Dec graticule every 30 deg;
 * series x = RA, y = Dec in degrees. Same returns. */
int plot_sky(const char *png_path, const plot_spec *spec, y1_err *err);

/* Helpers (exposed for tests and for callers that want the same axes):
 * plot_hammer: RA, Dec (deg) -> projected (X, Y) with |X| <= 2 sqrt(2), |Y| <= sqrt(2); RA is
 *   wrapped to (-180, 180] about RA = 0 and X grows to the *left* (east), so X = -x_math.
 * plot_ticks: "nice" tick positions (1, 2, 2.5, 5 x 10^k) covering [lo, hi]; writes at most max
 *   values into ticks and returns how many (0 if lo >= hi or not finite). */
/* Release cairo's and fontconfig's process-wide caches (font data). Call once before exit in
 * programs that drew plots, so leak checkers stay quiet; plotting again afterwards is fine. */
void plot_cleanup(void);

/* plot_format_parse (in format.c, with the other format names): "png", "svg" or "pdf" -> *out
 *   (set only on success); anything else is Y1_EUSAGE naming the word. plot_format_ext:
 *   "png", "svg" or "pdf".
 * plot_bars_log: 1 if plot_bars would draw this spec's y axis on a log scale (log_ratio > 1
 *   and the largest bar total > log_ratio x the smallest non-zero total), else 0. */
int plot_format_parse(const char *s, plot_format *out, y1_err *err);
const char *plot_format_ext(plot_format f);
/* "png, svg or pdf" into out (n bytes), for help texts. */
void plot_format_list(char *out, size_t n);
int plot_bars_log(const plot_spec *spec);

void plot_hammer(double ra_deg, double dec_deg, double *x, double *y);
size_t plot_ticks(double lo, double hi, size_t max, double *ticks);

/* plot_ticks_int: as plot_ticks with steps of 1, 2, 5 x 10^k, k >= 0 only: integer ticks.
 * plot_time_ticks: ticks for a time axis over [lo_s, hi_s] seconds: multiples of the smallest
 *   step of 1, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 5, 7, 10, 14, 30, 60, 100, 200 d, 1 y
 *   that gives at most 8 intervals over the span; *unit_s (if not NULL) is the unit to label
 *   them in (60, 3600 or 86400: minutes below an hour's step, hours below a day's, else days),
 *   in which every tick is an integer. Returns the count (0 if lo_s >= hi_s or not finite).
 * plot_time_group: bins per column when nbins time bins of bin_s seconds are drawn as at most
 *   max_cols columns: the smallest count >= ceil(nbins / max_cols) that lines the columns up
 *   with period_s (a divisor or a multiple of period_s / bin_s, when period_s > 0 is a whole
 *   number of bins: batch jobs then start on column edges and the columns do not alias
 *   against them), else one giving a round width (1, 2, 3, 4, 6, 8, 12 h, 1, 2, 4, 7, 14, 28 d),
 *   else ceil(nbins / max_cols). At least 1. */
size_t plot_ticks_int(double lo, double hi, size_t max, double *ticks);
size_t plot_time_ticks(double lo_s, double hi_s, size_t max, double *ticks_s, double *unit_s);
size_t plot_time_group(size_t nbins, double bin_s, double period_s, size_t max_cols);

#endif
