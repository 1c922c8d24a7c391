/* test_plot.c: estimator/plot: tick choice, the Hammer-Aitoff projection (hand values), and
 * that each chart writes a valid PNG of the requested size atomically, or fails cleanly. */
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

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

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    test_ticks();
    test_hammer();
    test_charts();
    test_bars_log_and_vector();
    if (!getenv("Y1_KEEP_PLOTS")) {
        static const char *const names[] = {"hist.png", "hist2.png", "hist3.png", "scatter.png",
                                            "bars.png", "sky.png", "skyc.png", "bars_log.png",
                                            "bars_log.svg", "bars_log.pdf"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) remove(out(names[i]));
        rmdir(dir);
    } else printf("plots kept in %s\n", dir);
    plot_cleanup();
    CHECK_DONE();
}
