/* test_plot.c: estimator/plot: tick choice, the Hammer-Aitoff projection (hand values), and
 * that each chart writes a valid PNG of the requested size atomically, or fails cleanly. */
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

#include <stdint.h>
#include <string.h>

#include "estimator/report/palette.h"
#include "estimator/report/plot.h"
#include "tests/check.h"

static char dir[] = "/tmp/y1plotXXXXXX";

static const char *out(const char *name)
{
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* The PNG exists, loads, and has the given size; no temp file is left beside it. */
static void check_png(const char *path, int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    CHECK_MSG(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "%s does not load", path);
    CHECK_INT(cairo_image_surface_get_width(s), w);
    CHECK_INT(cairo_image_surface_get_height(s), h);
    cairo_surface_destroy(s);
}

static void test_ticks(void)
{
    double t[32];
    size_t n = plot_ticks(0, 1, 32, t);
    CHECK_INT(n, 6); /* step 0.2: 0, 0.2, ..., 1 */
    CHECK_NEAR(t[0], 0, 0);
    CHECK_NEAR(t[5], 1, 1e-12);
    n = plot_ticks(3.7, 28.4, 32, t); /* raw step 4.1 -> 5: 5, 10, ..., 25 */
    CHECK_INT(n, 5);
    CHECK_NEAR(t[0], 5, 1e-12);
    CHECK_NEAR(t[4], 25, 1e-12);
    n = plot_ticks(-0.35, 0.35, 32, t); /* step 0.1 (raw 0.1167 -> 0.2? no: 0.1167 -> 0.2) */
    CHECK(n >= 3);
    for (size_t i = 0; i + 1 < n; i++) CHECK(t[i] < t[i + 1]);
    CHECK_INT(plot_ticks(1, 1, 32, t), 0);
    CHECK_INT(plot_ticks(0, NAN, 32, t), 0);
}

static void test_hammer(void)
{
    double x, y;
    plot_hammer(0, 0, &x, &y);
    CHECK_NEAR(x, 0, 1e-15);
    CHECK_NEAR(y, 0, 1e-15);
    plot_hammer(0, 90, &x, &y); /* pole: (0, sqrt 2) */
    CHECK_NEAR(y, sqrt(2), 1e-12);
    /* RA = 90 deg on the equator: x = 2 sqrt2 sin(45)/sqrt(1 + cos 45) = 2 / sqrt(1 + 1/sqrt2),
     * drawn to the left (negative) */
    plot_hammer(90, 0, &x, &y);
    CHECK_NEAR(x, -2 / sqrt(1 + 1 / sqrt(2)), 1e-12);
    CHECK_NEAR(y, 0, 1e-15);
    plot_hammer(-90, 0, &x, &y);
    CHECK_NEAR(x, 2 / sqrt(1 + 1 / sqrt(2)), 1e-12);
    plot_hammer(270, 0, &x, &y); /* = -90 */
    CHECK_NEAR(x, 2 / sqrt(1 + 1 / sqrt(2)), 1e-12);
    plot_hammer(179.999999, 0, &x, &y); /* the edge: |x| -> 2 sqrt 2 */
    CHECK_NEAR(x, -2 * sqrt(2), 1e-5);
}

static void test_charts(void)
{
    y1_err err = {{0}};
    enum { N = 500 };
    double a[N], b[N], c[N], ra[N], dec[N];
    for (int i = 0; i < N; i++) { /* deterministic, "high entropy" spread */
        a[i] = 60 + 25 * sin(i * 2.385) + 7.5 * cos(i * 0.731);
        b[i] = 4 + (i * 7) % 24;
        c[i] = 300 * b[i] + 1800 + 400 * sin(i * 1.917);
        ra[i] = fmod(i * 47.3, 360);
        dec[i] = -70 + fmod(i * 13.7, 80);
    }
    plot_series hs[2] = {{.name = "calibrate", .x = a, .n = N, .rgb = PLOT_AUTO},
                         {.name = "shifted", .x = c, .n = 0, .rgb = PLOT_AUTO}};
    plot_mark mk = {.x = 85.2, .label = "95th percentile: 85.2 s", .rgb = PLOT_AUTO};
    plot_spec sp = {.title = "calibrate: CPU per instance", .xlabel = "CPU time (s)",
                    .series = hs, .nseries = 1, .marks = &mk, .nmarks = 1};
    CHECK_INT(plot_histogram(out("hist.png"), &sp, &err), Y1_OK);
    check_png(out("hist.png"), 900, 560);
    sp.nseries = 2;
    sp.width_px = 640;
    sp.height_px = 400;
    CHECK_INT(plot_histogram(out("hist2.png"), &sp, &err), Y1_OK);
    check_png(out("hist2.png"), 640, 400);

    double lx[2] = {0, 60}, ly[2] = {1800, 300 * 60 + 1800};
    plot_series ss[2] = {{.name = "measured", .x = b, .y = c, .n = N, .rgb = PLOT_AUTO},
                         {.name = "envelope: 300 n + 1800", .x = lx, .y = ly, .n = 2,
                          .rgb = 0xd62728, .style = PLOT_LINE}};
    plot_spec sc = {.title = "measure: CPU vs visits", .xlabel = "visits in the coadd n",
                    .ylabel = "CPU time (s)", .series = ss, .nseries = 2, .xmin = 0, .xmax = 60};
    CHECK_INT(plot_scatter(out("scatter.png"), &sc, &err), Y1_OK);
    check_png(out("scatter.png"), 900, 560);

    static const char *const cats[] = {"isr", "characterizeImage", "calibrate", "makeWarp",
                                       "assembleCoadd", "detection", "measure",
                                       "forcedPhotCoadd", "deblend"};
    double v1[9] = {0.64, 1.23, 0.76, 2.83, 0.44, 0.12, 6.12, 7.56, 0.79}, v2[9];
    for (int i = 0; i < 9; i++) v2[i] = v1[i] / 2;
    plot_series bs[2] = {{.name = "CPU", .y = v1, .n = 9, .rgb = PLOT_AUTO},
                         {.name = "overhead", .y = v2, .n = 9, .rgb = PLOT_AUTO}};
    plot_spec bp = {.title = "CPU hours per task", .ylabel = "CPU hours (M)", .series = bs,
                    .nseries = 2, .categories = cats, .ncategories = 9};
    CHECK_INT(plot_bars(out("bars.png"), &bp, &err), Y1_OK);
    check_png(out("bars.png"), 900, 560);
    v1[3] = -1;
    CHECK_INT(plot_bars(out("bars_bad.png"), &bp, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "makeWarp");
    CHECK(access(out("bars_bad.png"), F_OK) != 0);
    bp.ncategories = 8;
    CHECK_INT(plot_bars(out("bars_bad.png"), &bp, &err), Y1_EUSAGE);

    plot_series ks[2] = {{.name = "u band", .x = ra, .y = dec, .n = N / 2, .rgb = PLOT_AUTO},
                         {.name = "r band", .x = ra + N / 2, .y = dec + N / 2, .n = N / 2,
                          .rgb = PLOT_AUTO}};
    plot_spec kp = {.title = "Y1 WFD pointings", .series = ks, .nseries = 2};
    CHECK_INT(plot_sky(out("sky.png"), &kp, &err), Y1_OK);
    check_png(out("sky.png"), 1000, 560);
    ks[0].c = c;
    ks[0].n = N;
    kp.nseries = 1;
    kp.value_label = "visits";
    CHECK_INT(plot_sky(out("skyc.png"), &kp, &err), Y1_OK);
    check_png(out("skyc.png"), 1000, 560);

    /* errors: no data, nothing finite, unwritable path, bad size */
    double nan1[1] = {NAN};
    plot_series ns = {.name = "x", .x = nan1, .y = nan1, .n = 1, .rgb = PLOT_AUTO};
    plot_spec np = {.series = &ns, .nseries = 1};
    CHECK_INT(plot_histogram(out("nan.png"), &np, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "nan.png");
    CHECK_INT(plot_scatter(out("nan.png"), &np, &err), Y1_EINPUT);
    CHECK_INT(plot_sky(out("nan.png"), &np, &err), Y1_EINPUT);
    np.nseries = 0;
    CHECK_INT(plot_histogram(out("nan.png"), &np, &err), Y1_EUSAGE);
    CHECK_INT(plot_histogram("/nonexistent-dir/h.png", &sp, &err), Y1_EIO);
    CHECK_HAS(err.msg, "/nonexistent-dir/h.png");
    sp.width_px = 20;
    CHECK_INT(plot_histogram(out("small.png"), &sp, &err), Y1_EUSAGE);

    /* determinism: the same inputs give the same bytes */
    sp.width_px = 640;
    CHECK_INT(plot_histogram(out("hist3.png"), &sp, &err), Y1_OK);
    FILE *f1 = fopen(out("hist2.png"), "rb"), *f2 = fopen(out("hist3.png"), "rb");
    int same = f1 && f2;
    while (same) {
        int c1 = fgetc(f1), c2 = fgetc(f2);
        if (c1 != c2) same = 0;
        if (c1 == EOF || c2 == EOF) break;
    }
    CHECK(same);
    if (f1) fclose(f1);
    if (f2) fclose(f2);
}

/* The first bytes of a file, NUL-terminated ("" if it cannot be read). */
static const char *head(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    size_t k = f ? fread(buf, 1, n - 1, f) : 0;
    if (f) fclose(f);
    buf[k] = '\0';
    return buf;
}

/* The log-axis rule of plot_bars (totals by hand) and the SVG/PDF surfaces. */
static void test_bars_log_and_vector(void)
{
    y1_err err = {{0}};
    const char *cats[3] = {"A", "B", "C"};
    /* totals: A 1 + 0 = 1, B 0, C 15 + 6 = 21: the largest over the smallest non-zero is 21 */
    double s1[3] = {1, 0, 15}, s2[3] = {0, 0, 6};
    plot_series bs[2] = {{.name = "first", .y = s1, .n = 3, .rgb = PLOT_AUTO},
                         {.name = "second", .y = s2, .n = 3, .rgb = PLOT_AUTO}};
    plot_spec sp = {.title = "bars", .ylabel = "value", .series = bs, .nseries = 2,
                    .categories = cats, .ncategories = 3, .bar_totals = 1, .legend_outside = 1,
                    .log_ratio = 20};
    CHECK_INT(plot_bars_log(&sp), 1);  /* 21 > 20 x 1 */
    sp.log_ratio = 21;
    CHECK_INT(plot_bars_log(&sp), 0);  /* 21 is not more than 21 x 1: the rule is strict */
    sp.log_ratio = 0;
    CHECK_INT(plot_bars_log(&sp), 0);  /* 0: always linear */
    s2[2] = 4;                         /* C = 19 */
    sp.log_ratio = 20;
    CHECK_INT(plot_bars_log(&sp), 0);
    s2[2] = 6;
    char buf[256];
    for (int f = PLOT_PNG; f <= PLOT_PDF; f++) {
        static const char *const names[3] = {"bars_log.png", "bars_log.svg", "bars_log.pdf"};
        sp.format = (plot_format)f;
        CHECK_INT(plot_bars(out(names[f]), &sp, &err), Y1_OK);
        head(out(names[f]), buf, sizeof buf);
        if (f == PLOT_PNG) check_png(out(names[f]), 900, 560);
        else if (f == PLOT_SVG) CHECK(strncmp(buf, "<?xml", 5) == 0 && strstr(buf, "<svg ") != NULL);
        else CHECK(strncmp(buf, "%PDF-", 5) == 0);
    }
    /* a failed chart (a negative bar) leaves no file, whatever the format */
    s1[0] = -1;
    sp.format = PLOT_SVG;
    CHECK_INT(plot_bars(out("bars_bad.svg"), &sp, &err), Y1_EINPUT);
    CHECK(access(out("bars_bad.svg"), F_OK) != 0);
    plot_format pf = PLOT_PNG;
    CHECK_INT(plot_format_parse("pdf", &pf, &err), Y1_OK);
    CHECK_INT(pf, PLOT_PDF);
    CHECK_INT(plot_format_parse("jpeg", &pf, &err), Y1_EUSAGE);
    CHECK_INT(pf, PLOT_PDF); /* untouched on failure */
    CHECK(strstr(err.msg, "jpeg") != NULL);
}

/* ---- pixels ---------------------------------------------------------------------------- */

/* 0xRRGGBB of pixel (x, y) of an RGB24 image surface. */
static unsigned pixel(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t v;
    memcpy(&v, d + (size_t)y * stride + 4 * (size_t)x, 4); /* native-endian xRGB */
    return v & 0xffffff;
}

/* The plot frame (1 px black) found in the image: the first black pixel from each side along
 * the row at fraction fy of the height and the middle column. The specs below leave those free
 * of other black (no title, axis labels or legend; no tick there) and of data over the frame. */
static void frame_at(cairo_surface_t *s, double fy, int *x0, int *x1, int *y0, int *y1)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int row = (int)(fy * h);
    *x0 = *x1 = *y0 = *y1 = -1;
    for (int x = 40; x < w && *x0 < 0; x++) if (pixel(s, x, row) == 0) *x0 = x;
    for (int x = w - 1; x >= 0 && *x1 < 0; x--) if (pixel(s, x, row) == 0) *x1 = x;
    for (int y = 0; y < h && *y0 < 0; y++) if (pixel(s, w / 2, y) == 0) *y0 = y;
    for (int y = h - 1; y >= 0 && *y1 < 0; y--) if (pixel(s, w / 2, y) == 0) *y1 = y;
}

static void frame(cairo_surface_t *s, int *x0, int *x1, int *y0, int *y1)
{
    frame_at(s, 0.5, x0, x1, y0, y1);
}

/* One channel of a colour painted with alpha a over white, as 8 bits. */
static int over_white(unsigned rgb, int shift, double a)
{
    return (int)lround(a * ((rgb >> shift) & 255) + (1 - a) * 255);
}

static void test_palette(void)
{
    y1_err err = {{0}};
    /* RTN-028's tasks in pipeline order take Tableau 10 without its grey (the published
     * hex values of matplotlib's tab10): calibrate is the third, green; measure the eighth
     * entry after the grey is left out, olive */
    static const char *const tasks[9] = {"isr", "characterizeImage", "calibrate", "makeWarp",
                                         "assembleCoadd", "detection", "deblend", "measure",
                                         "forcedPhotCoadd"};
    CHECK_INT(plot_palette_task("isr"), 0x1f77b4);
    CHECK_INT(plot_palette_task("calibrate"), 0x2ca02c);
    CHECK_INT(plot_palette_task("measure"), 0xbcbd22);
    CHECK_INT(plot_palette_task("forcedPhotCoadd"), 0x17becf);
    for (int i = 0; i < 9; i++)
        for (int j = i + 1; j < 9; j++)
            CHECK_MSG(plot_palette_task(tasks[i]) != plot_palette_task(tasks[j]), "%s and %s "
                      "share a colour", tasks[i], tasks[j]);
    static const char *const prods[12] = {"postISRCCD", "icExp", "calexp", "src",
                                          "deepCoadd_directWarp", "deepCoadd_psfMatchedWarp",
                                          "deepCoadd_nImage", "deepCoadd", "deepCoadd_calexp",
                                          "deepCoadd_deblendedFlux", "deepCoadd_meas",
                                          "deepCoadd_forced_src"};
    for (int i = 0; i < 12; i++)
        for (int j = i + 1; j < 12; j++)
            CHECK_MSG(plot_palette_product(prods[i]) != plot_palette_product(prods[j]),
                      "%s and %s share a colour", prods[i], prods[j]);
    /* a product in the colour of the task that writes it (data/products.yaml) */
    CHECK_INT(plot_palette_product("calexp"), plot_palette_task("calibrate"));
    CHECK_INT(plot_palette_product("deepCoadd_forced_src"), plot_palette_task("forcedPhotCoadd"));
    CHECK_INT(plot_palette_task(NULL), 0x7f7f7f);
    CHECK_INT(plot_palette_task(""), 0x7f7f7f);
    /* any other label: FNV-1a 32 of its bytes mod 20. The published test vector FNV-1a("a") =
     * 0xe40c292c = 3826002220, which is 0 mod 20: the first of the 20, Tableau blue; "foobar"
     * = 0xbf9cf968 = 3214735720, 0 mod 20 too; "" is grey above */
    CHECK_INT(plot_palette_task("a"), 0x1f77b4);
    CHECK_INT(plot_palette_task("foobar"), 0x1f77b4);
    CHECK_INT(plot_palette_task("makeWarpX"), plot_palette_task("makeWarpX"));

    /* the same label in two plots with other companions and another order: the same pixels */
    double one[1] = {5}, two[1] = {3};
    unsigned got[2];
    for (int k = 0; k < 2; k++) {
        plot_series s[2] = {{.name = "isr", .y = one, .n = 1, .rgb = plot_palette_task("isr")},
                            {.name = "measure", .y = two, .n = 1,
                             .rgb = plot_palette_task("measure")}};
        plot_series t[1] = {{.name = "measure", .y = two, .n = 1,
                             .rgb = plot_palette_task("measure")}};
        const char *cat[1] = {"x"};
        plot_spec sp = {.series = k ? t : s, .nseries = k ? 1 : 2, .categories = cat,
                        .ncategories = 1, .ymin = 0, .ymax = 10, .legend = -1};
        const char *path = out(k ? "pal2.png" : "pal1.png");
        CHECK_INT(plot_bars(path, &sp, &err), Y1_OK);
        cairo_surface_t *img = cairo_image_surface_create_from_png(path);
        int x0, x1, y0, y1;
        frame(img, &x0, &x1, &y0, &y1);
        /* "measure" spans 5..8 in the first plot (on top of isr), 0..3 in the second: its
         * middle, y = 6.5 or 1.5, at the bar's centre */
        double yv = k ? 1.5 : 6.5;
        got[k] = pixel(img, (x0 + x1) / 2, (int)lround(y1 - yv / 10 * (y1 - y0)));
        cairo_surface_destroy(img);
    }
    CHECK_INT(got[0], got[1]);
    /* bars are painted at alpha 0.85 over white */
    unsigned m = plot_palette_task("measure");
    CHECK_NEAR((got[0] >> 16) & 255, over_white(m, 16, 0.85), 1);
    CHECK_NEAR((got[0] >> 8) & 255, over_white(m, 8, 0.85), 1);
    CHECK_NEAR(got[0] & 255, over_white(m, 0, 0.85), 1);
}

/* A colour per category (rgbs) and the hatched fill: bar 0 solid red, bar 1 hatched blue. */
static void test_bar_colours_and_hatching(void)
{
    y1_err err = {{0}};
    double a[2] = {5, 0}, b[2] = {0, 5};
    const unsigned rgbs[2] = {0xd62728, 0x1f77b4};
    plot_series s[2] = {{.name = "solid", .y = a, .n = 2, .rgb = 0x7f7f7f, .rgbs = rgbs},
                        {.name = "hatched", .y = b, .n = 2, .rgb = 0x7f7f7f, .rgbs = rgbs,
                         .fill = PLOT_FILL_HATCHED}};
    const char *cat[2] = {"x", "y"};
    plot_spec sp = {.series = s, .nseries = 2, .categories = cat, .ncategories = 2,
                    .ymin = 0, .ymax = 10, .legend = -1};
    CHECK_INT(plot_bars(out("hatch.png"), &sp, &err), Y1_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(out("hatch.png"));
    int x0, x1, y0, y1;
    frame_at(img, 0.3, &x0, &x1, &y0, &y1); /* a row above the bars (y = 5) and the tick labels */
    double sy = (y1 - y0) / 10.0, sx = (x1 - x0) / 2.0;
    /* bar 0: its own colour, not the series' grey, at alpha 0.85 over white; above it (its
     * hatched segment is 0) white */
    unsigned c0 = pixel(img, (int)lround(x0 + 0.5 * sx), (int)lround(y1 - 2.5 * sy));
    CHECK_NEAR((c0 >> 16) & 255, over_white(0xd62728, 16, 0.85), 1);
    CHECK_NEAR((c0 >> 8) & 255, over_white(0xd62728, 8, 0.85), 1);
    CHECK_NEAR(c0 & 255, over_white(0xd62728, 0, 0.85), 1);
    CHECK_INT(pixel(img, (int)lround(x0 + 0.5 * sx), (int)lround(y1 - 7 * sy)), 0xffffff);
    /* bar 1, hatched: along a row inside it the tint (blue at 0.3 over white) between stripes
     * of the full colour, repeating every 6 px (lines at 45 degrees 6 px apart) */
    int row = (int)lround(y1 - 2.5 * sy), xc = (int)lround(x0 + 1.5 * sx);
    int tint = 0, full = 0, periodic = 1;
    unsigned t = 0xffffff & ((unsigned)over_white(0x1f77b4, 16, 0.3) << 16 |
                             (unsigned)over_white(0x1f77b4, 8, 0.3) << 8 |
                             (unsigned)over_white(0x1f77b4, 0, 0.3));
    for (int x = xc - 30; x < xc + 30; x++) {
        unsigned p = pixel(img, x, row);
        unsigned dr = (unsigned)abs((int)((p >> 16) & 255) - (int)((t >> 16) & 255));
        tint += dr <= 1 && abs((int)(p & 255) - (int)(t & 255)) <= 1;
        full += abs((int)((p >> 16) & 255) - 0x1f) <= 8 && abs((int)(p & 255) - 0xb4) <= 8;
        periodic &= p == pixel(img, x + 6, row);
    }
    CHECK_MSG(tint >= 20 && full >= 5 && periodic, "hatching: %d tint, %d full-colour pixels "
              "of 60, period 6: %d", tint, full, periodic);
    cairo_surface_destroy(img);
}

static void test_time_axes(void)
{
    double t[64], unit = 0;
    /* spans chosen by hand; the step is the first of the list giving <= 8 intervals */
    struct { double span_s, step_s, unit_s; size_t n; } c[] = {
        {7.8 * 86400, 86400, 86400, 8},   /* 7.8 intervals of 1 day: 0..7 d */
        {10.5 * 86400, 2 * 86400, 86400, 6}, /* 1 d gives 10.5 > 8: 2 d, 0..10 d */
        {18 * 3600, 3 * 3600, 3600, 7},   /* 1 h 18, 2 h 9: 3 h, 0..18 h */
        {4 * 3600, 1800, 60, 9},          /* 1 h gives 4 <= 8 ... but 30 min comes first: 8 */
        {365 * 86400, 60 * 86400, 86400, 7}, /* 30 d: 12.2; 60 d: 6.1: 0..360 d */
        {50 * 60, 10 * 60, 60, 6},        /* 5 min: 10; 10 min: 5: 0..50 min */
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        size_t n = plot_time_ticks(0, c[i].span_s, 64, t, &unit);
        CHECK_MSG(n == c[i].n, "span %g s: %zu ticks, expected %zu", c[i].span_s, n, c[i].n);
        CHECK_NEAR(unit, c[i].unit_s, 0);
        for (size_t k = 0; k < n; k++) {
            CHECK_NEAR(t[k], k * c[i].step_s, 1e-6);
            double v = t[k] / unit; /* labelled value: an integer, distinct from its neighbour */
            CHECK_NEAR(v, round(v), 1e-9);
            if (k) CHECK(round(t[k] / unit) > round(t[k - 1] / unit));
        }
        CHECK(!signbit(t[0]));    /* 0, not -0 */
    }
    CHECK_INT(plot_time_ticks(5, 5, 64, t, &unit), 0);
    /* integer ticks: years 1..3 padded by 4 % would give 0.5 steps by plot_ticks */
    size_t n = plot_ticks_int(0.92, 3.08, 64, t);
    CHECK_INT(n, 3);
    for (size_t k = 0; k < n; k++) CHECK_NEAR(t[k], k + 1, 0);
    n = plot_ticks_int(0, 15, 64, t); /* plot_ticks takes 2.5 here; integers: 5 (raw 2.5) */
    CHECK_INT(n, 4);
    CHECK_NEAR(t[1], 5, 0);
    /* columns: 187 one-hour bins into at most 60 columns need >= 4 bins per column; with
     * 12-hour jobs the divisors of 12 are 1, 2, 3, 4: 4; into 40 columns (>= 5): 6; with 12 h
     * jobs and 1 h queue waits the period is 13 h, a prime: 13. Without jobs a round width:
     * >= 5 h gives 6 h. Bins of 4.096 h (0.001 h doubled 12 times) fit no round width: 5. */
    CHECK_INT(plot_time_group(187, 3600, 12 * 3600, 60), 4);
    CHECK_INT(plot_time_group(187, 3600, 12 * 3600, 40), 6);
    CHECK_INT(plot_time_group(187, 3600, 13 * 3600, 40), 13);
    CHECK_INT(plot_time_group(187, 3600, 0, 40), 6);
    CHECK_INT(plot_time_group(187, 14745.6, 0, 40), 5);
    /* one job longer than the needed width: a multiple of it (24 h jobs, 2,000 bins, 40
     * columns: >= 50 bins: 72) */
    CHECK_INT(plot_time_group(2000, 3600, 24 * 3600, 40), 72);
    CHECK_INT(plot_time_group(10, 3600, 0, 40), 1);
}

/* A horizontal line is drawn at the y its value maps to; points can go over lines; a band is
 * painted between its edges. Positions from the frame found in the image. */
static void test_lines_and_layers(void)
{
    y1_err err = {{0}};
    double v[1] = {3};
    plot_series bs = {.name = "a", .y = v, .n = 1, .rgb = 0x2ca02c};
    plot_hline q = {.y = 6.5, .label = "quota", .rgb = 0xb00020};
    plot_spec sp = {.series = &bs, .nseries = 1, .ncategories = 1, .bar_x0 = 0,
                    .bar_x1 = 86400, .x_time = 1, .ymin = 0, .ymax = 10, .hlines = &q,
                    .nhlines = 1, .legend = -1};
    CHECK_INT(plot_bars(out("quota.png"), &sp, &err), Y1_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(out("quota.png"));
    int x0, x1, y0, y1;
    frame(img, &x0, &x1, &y0, &y1);
    CHECK(x0 > 0 && x1 > x0 + 100 && y0 > 0 && y1 > y0 + 100);
    int yq = (int)lround(y1 - 6.5 / 10 * (y1 - y0)), xm = (x0 + x1) / 2;
    /* 2 px: the rows just above and at the line's y */
    CHECK_MSG(pixel(img, xm, yq) == 0xb00020 && pixel(img, xm, yq - 1) == 0xb00020,
              "quota line: %06x %06x at rows %d, %d", pixel(img, xm, yq - 1), pixel(img, xm, yq),
              yq - 1, yq);
    CHECK(pixel(img, xm, yq + 3) != 0xb00020 && pixel(img, xm, yq - 4) != 0xb00020);
    cairo_surface_destroy(img);
    /* a value above an automatic range widens it to show the line */
    sp.ymin = sp.ymax = 0;
    q.y = 50;
    CHECK_INT(plot_bars(out("quota2.png"), &sp, &err), Y1_OK);
    img = cairo_image_surface_create_from_png(out("quota2.png"));
    frame(img, &x0, &x1, &y0, &y1);
    int found = 0;
    for (int y = y0 + 1; y < y1; y++) found |= pixel(img, xm, y) == 0xb00020;
    CHECK_MSG(found, "a quota line above the bars is not drawn");
    cairo_surface_destroy(img);

    /* a blue line through a red point at (5, 5), and a green band 3..7 over x 0..4 */
    double lx[2] = {0, 10}, ly[2] = {5, 5}, px[1] = {5}, py[1] = {5};
    double bx[2] = {0, 4}, blo[2] = {3, 3}, bhi[2] = {7, 7};
    plot_series s[3] = {{.name = "line", .x = lx, .y = ly, .n = 2, .rgb = 0x0000ff,
                         .style = PLOT_LINE, .size_px = 3},
                        {.name = "point", .x = px, .y = py, .n = 1, .rgb = 0xff0000,
                         .size_px = 6},
                        {.name = "band", .x = bx, .y = blo, .y2 = bhi, .n = 2, .rgb = 0x00ff00,
                         .style = PLOT_BAND}};
    plot_spec ss = {.series = s, .nseries = 3, .xmin = 0, .xmax = 10, .ymin = 0, .ymax = 10,
                    .legend = -1};
    unsigned centre[2];
    for (int over = 0; over < 2; over++) {
        ss.points_over_lines = over;
        const char *path = out(over ? "layers2.png" : "layers1.png");
        CHECK_INT(plot_scatter(path, &ss, &err), Y1_OK);
        img = cairo_image_surface_create_from_png(path);
        frame_at(img, 0.8, &x0, &x1, &y0, &y1); /* at y ~ 1: below the band and the line */
#define PXX(x) ((int)lround(x0 + (x) / 10.0 * (x1 - x0)))
#define PXY(y) ((int)lround(y1 - (y) / 10.0 * (y1 - y0)))
        centre[over] = pixel(img, PXX(5), PXY(5));
        if (over) {
            /* inside the band (x 3, y 6.5), away from the line and grid: green at 0.25 */
            unsigned b = pixel(img, PXX(3), PXY(6.5));
            CHECK_NEAR((b >> 16) & 255, over_white(0x00ff00, 16, 0.25), 1);
            CHECK_NEAR((b >> 8) & 255, 255, 1);
            CHECK_NEAR(pixel(img, PXX(3), PXY(8.5)), 0xffffff, 0); /* above the band: white */
            CHECK_NEAR(pixel(img, PXX(7), PXY(6.5)), 0xffffff, 0); /* right of it */
        }
#undef PXX
#undef PXY
        cairo_surface_destroy(img);
    }
    CHECK_INT(centre[0], 0x0000ff); /* default: the line over the point */
    /* points over lines: the point (alpha 0.7) over the blue line: 0.7 red + 0.3 blue */
    CHECK_NEAR((centre[1] >> 16) & 255, lround(0.7 * 255), 2);
    CHECK_NEAR(centre[1] & 255, lround(0.3 * 255), 2);
}

/* A legend with more entries than fit (a 97-task pipeline's stacked plot): the box stops
 * inside the image (the first entries, then "... and K more"). Found by its grey border. */
static void test_long_legend(void)
{
    y1_err err = {{0}};
    enum { NS = 40 };
    static double v[NS];
    static char names[NS][16];
    plot_series s[NS];
    for (int i = 0; i < NS; i++) {
        v[i] = 1 + i % 3;
        snprintf(names[i], sizeof names[i], "task%02d", i);
        s[i] = (plot_series){.name = names[i], .y = &v[i], .n = 1,
                             .rgb = plot_palette_task(names[i])};
    }
    const char *cat[1] = {"x"};
    plot_spec sp = {.series = s, .nseries = NS, .categories = cat, .ncategories = 1,
                    .legend_outside = 1, .height_px = 300};
    CHECK_INT(plot_bars(out("legend.png"), &sp, &err), Y1_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(out("legend.png"));
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    /* 40 rows of 18 px would need 728 px; the right border from the top of the box down */
    int xr = -1, yb = -1, y = 40;
    for (int x = w - 1; x > w / 2 && xr < 0; x--) if (pixel(img, x, y) == 0x999999) xr = x;
    CHECK_MSG(xr > 0, "no legend border found");
    if (xr > 0) {
        while (y < h && pixel(img, xr, y) == 0x999999) y++;
        yb = y - 1;
        CHECK_MSG(yb < h - 4, "the legend runs to the image's bottom (row %d of %d)", yb, h);
        CHECK_MSG(pixel(img, xr - 10, yb) == 0x999999, "bottom edge %06x at %d,%d; below %06x above %06x", pixel(img, xr - 10, yb), xr - 10, yb, pixel(img, xr - 10, yb + 1), pixel(img, xr - 10, yb - 1)); /* its bottom edge */
    }
    cairo_surface_destroy(img);
    /* 3 named series and 5 the caller left out: 4 rows of 18 px + 8, the box 80 px high from
     * its top border to its bottom border */
    sp.nseries = 3;
    sp.legend_omitted = 5;
    CHECK_INT(plot_bars(out("legend2.png"), &sp, &err), Y1_OK);
    img = cairo_image_surface_create_from_png(out("legend2.png"));
    xr = -1;
    y = 40;
    for (int x = w - 1; x > w / 2 && xr < 0; x--) if (pixel(img, x, y) == 0x999999) xr = x;
    CHECK_MSG(xr > 0, "no legend border found");
    if (xr > 0) {
        int top = y, bot = y;
        while (top > 0 && pixel(img, xr, top - 1) == 0x999999) top--;
        while (bot + 1 < h && pixel(img, xr, bot + 1) == 0x999999) bot++;
        CHECK_INT(bot - top, 80);
    }
    cairo_surface_destroy(img);
}

/* The red channel of a PNG's pixel (x, y), or, with *x < 0, the least red of the blue pixels
 * (the grid and text are grey) in the box [300, 600) x [100, 450), and where that is. */
static int red_at(const char *path, int *x, int *y)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    int lo = 256;
    if (*x >= 0) lo = (int)(pixel(s, *x, *y) >> 16);
    else
        for (int j = 100; j < 450; j++)
            for (int i = 300; i < 600; i++) {
                unsigned p = pixel(s, i, j);
                int v = (int)(p >> 16);
                if ((int)(p & 0xff) > v + 60 && v < lo) lo = v, *x = i, *y = j;
            }
    cairo_surface_destroy(s);
    return lo;
}

/* Points drawn more than once compose: a blue disc of alpha 0.7 leaves 0.3 of the red of the
 * background below its fully covered pixels, three of them 0.3^3 = 0.027. The point P (RA
 * 40, Dec 10: off the grid lines, and alone in the box red_at searches) comes three times
 * among 2,501 others on a 3-degree grid, so the positions the sky plot remembers between
 * repeats are reused, and evicted, many times; drawn alone, it gives its pixel and the
 * background's red. */
static void test_repeated_points(void)
{
    enum { NG = 61 * 41, NP = NG + 3 };
    static double ra[NP], dec[NP];
    size_t n = 0;
    for (int i = 0; i < 61; i++)
        for (int j = 0; j < 41; j++) {
            int g = 41 * i + j;
            if (g % 1000 == 5) ra[n] = 40.0, dec[n] = 10.0, n++; /* P before grid points 5, 1005
                                                                 * and 2005 */
            ra[n] = 90.0 + 3.0 * i, dec[n] = -60.0 + 3.0 * j, n++;
        }
    CHECK_INT((int)n, NP);
    plot_series ps = {.name = "pointings", .x = ra, .y = dec, .n = n, .rgb = 0x0000ff,
                      .style = PLOT_POINTS, .size_px = 3};
    plot_spec sp = {.series = &ps, .nseries = 1};
    CHECK_INT(plot_sky(out("repeat.png"), &sp, NULL), Y1_OK);
    double one_ra = 40.0, one_dec = 10.0;
    plot_series p1 = {.name = "P", .x = &one_ra, .y = &one_dec, .n = 1, .rgb = 0x0000ff,
                      .style = PLOT_POINTS, .size_px = 3};
    plot_spec s1 = {.series = &p1, .nseries = 1};
    CHECK_INT(plot_sky(out("repeat1.png"), &s1, NULL), Y1_OK);
    int x = -1, y = -1, bx, by;
    int v1 = red_at(out("repeat1.png"), &x, &y);
    bx = x + 12, by = y;
    int bg = red_at(out("repeat1.png"), &bx, &by), v3 = red_at(out("repeat.png"), &x, &y);
    CHECK_MSG(bg > 200, "background red %d at (%d, %d)", bg, bx, by);
    CHECK_MSG(fabs(v1 - 0.3 * bg) <= 2.0, "one disc: red %d over %d, expected 0.3 of it", v1, bg);
    CHECK_MSG(fabs(v3 - 0.027 * bg) <= 2.0, "three discs: red %d over %d, expected 0.027 of it",
              v3, bg);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    test_ticks();
    test_hammer();
    test_charts();
    test_bars_log_and_vector();
    test_palette();
    test_bar_colours_and_hatching();
    test_time_axes();
    test_lines_and_layers();
    test_long_legend();
    test_repeated_points();
    if (!getenv("Y1_KEEP_PLOTS")) {
        static const char *const names[] = {"hist.png", "hist2.png", "hist3.png", "scatter.png",
                                            "bars.png", "sky.png", "skyc.png", "bars_log.png",
                                            "bars_log.svg", "bars_log.pdf", "pal1.png",
                                            "pal2.png", "quota.png", "quota2.png",
                                            "layers1.png", "layers2.png", "legend.png",
                                            "legend2.png", "hatch.png", "repeat.png",
                                            "repeat1.png"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) remove(out(names[i]));
        rmdir(dir);
    } else printf("plots kept in %s\n", dir);
    plot_cleanup();
    CHECK_DONE();
}
