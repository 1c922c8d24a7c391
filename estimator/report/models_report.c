/* models_report.c: the plots of `models fit`: per task and quantity, the measured values with
 * the fitted model and its bootstrap uncertainty (CPU seconds, GiB). */
#include "estimator/report/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "estimator/report/palette.h"
#include "estimator/report/plot.h"

/* Per task, the arrays a plot needs: n, CPU s, maxRSS GiB. */
static size_t task_arrays(const mdl_records *r, const char *label, double *x, double *cpu,
                          double *rss)
{
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->v[i].task, label)) continue;
        x[m] = r->v[i].n_visits;
        cpu[m] = r->v[i].cpu_s;
        rss[m] = r->v[i].maxrss_bytes / 1073741824.0;
        m++;
    }
    return m;
}

/* One figure: a histogram with the quantile marked (visit level, the study's Figure 3), or
 * the scatter against n with the envelope line (coadd level, Figure 4). The bootstrap's
 * uncertainty is drawn when the fit has one: dotted marks at the quantile +- 1 sigma, or the
 * band envelope +- sigma(n), sigma(n)^2 = sigma_intercept^2 + n^2 sigma_slope^2 (the fit keeps
 * no covariance, so the two are taken as independent). */
enum { BAND_N = 64 };

static int fit_plot(const char *dir, const mdl_task *t, int is_cpu, const double *x,
                    const double *v, size_t m, double q, double y1_max_n, plot_format pf,
                    y1_err *err)
{
    char path[4096], title[512], name[256], xl[64], lbl[128], blbl[128];
    const mdl_linear *mo = is_cpu ? &t->cpu_s : &t->maxrss_gib;
    const char *qname = is_cpu ? "CPU time" : "peak RSS", *unit = is_cpu ? "s" : "GiB";
    unsigned rgb = plot_palette_task(t->label);
    snprintf(name, sizeof name, "%s", t->label);
    for (char *p = name; *p; p++)
        if (*p == '/' || *p == ' ') *p = '_';
    snprintf(path, sizeof path, "%s/%s_%s.%s", dir, name, is_cpu ? "cpu" : "maxrss",
             plot_format_ext(pf));
    snprintf(xl, sizeof xl, "%s per instance (%s)", qname, unit);
    if (!mo->is_linear) {
        snprintf(title, sizeof title, "%s (%s level): %s, %zu instances", t->label,
                 mdl_level_name(t->level), qname, m);
        snprintf(lbl, sizeof lbl, "%g%% quantile: %.4g %s", q * 100, mo->intercept, unit);
        double sg = mo->intercept_sigma;
        snprintf(blbl, sizeof blbl, "bootstrap +-1 sigma: %.3g %s", sg, unit);
        plot_series s = {.name = NULL, .x = v, .n = m, .rgb = rgb};
        plot_mark mk[3] = {{.x = mo->intercept, .label = lbl, .rgb = PLOT_AUTO, .dash = PLOT_SOLID},
                           {.x = mo->intercept - sg, .label = blbl, .rgb = PLOT_AUTO,
                            .dash = PLOT_DOTTED},
                           {.x = mo->intercept + sg, .label = NULL, .rgb = PLOT_AUTO,
                            .dash = PLOT_DOTTED}};
        size_t nb = (size_t)(2 * sqrt((double)m)); /* ~2 sqrt(N) bins, within [8, 60] */
        plot_spec sp = {.title = title, .xlabel = xl, .ylabel = "instances", .series = &s,
                        .nseries = 1, .marks = mk, .nmarks = isfinite(sg) && sg > 0 ? 3 : 1,
                        .nbins = nb < 8 ? 8 : nb > 60 ? 60 : nb, .format = pf};
        return plot_histogram(path, &sp, err);
    }
    double xmax = fmax(t->n_max * 1.05, y1_max_n), lx[2] = {0, xmax};
    double ly[2] = {mdl_linear_eval(mo, 0), mdl_linear_eval(mo, xmax)};
    double bx[BAND_N], blo[BAND_N], bhi[BAND_N];
    int band = isfinite(mo->slope_sigma) && isfinite(mo->intercept_sigma) &&
               (mo->slope_sigma > 0 || mo->intercept_sigma > 0);
    for (int k = 0; k < BAND_N; k++) {
        bx[k] = xmax * k / (BAND_N - 1);
        double sg = hypot(mo->intercept_sigma, bx[k] * mo->slope_sigma);
        blo[k] = mdl_linear_eval(mo, bx[k]) - sg;
        bhi[k] = mdl_linear_eval(mo, bx[k]) + sg;
    }
    snprintf(title, sizeof title, "%s (coadd level): %s vs visits, %zu instances", t->label,
             qname, m);
    snprintf(lbl, sizeof lbl, "envelope (q = %g): %.4g n %c %.4g %s, coverage %.3f", q, mo->slope,
             mo->intercept < 0 ? '-' : '+', fabs(mo->intercept), unit, mo->coverage);
    snprintf(blbl, sizeof blbl, "bootstrap +-1 sigma (slope %.3g, intercept %.3g)",
             mo->slope_sigma, mo->intercept_sigma);
    /* the band below, the line over it, the measured points over both (none hidden) */
    plot_series s[3] = {{.name = lbl, .x = lx, .y = ly, .n = 2, .rgb = 0x222222,
                         .style = PLOT_LINE},
                        {.name = "measured", .x = x, .y = v, .n = m, .rgb = rgb, .size_px = 4},
                        {.name = blbl, .x = bx, .y = blo, .y2 = bhi, .n = BAND_N,
                         .rgb = 0x555555, .style = PLOT_BAND}};
    plot_mark mk = {.x = t->n_max, .label = "largest measured n", .rgb = 0x555555};
    double ymax = fmax(ly[1], band ? bhi[BAND_N - 1] : ly[1]);
    for (size_t i = 0; i < m; i++) ymax = fmax(ymax, v[i]);
    plot_spec sp = {.title = title, .xlabel = "visits in the coadd, n", .ylabel = xl,
                    .series = s, .nseries = band ? 3 : 2, .marks = &mk, .nmarks = 1, .xmin = 0,
                    .xmax = xmax, .ymin = 0, .ymax = ymax * 1.08, .points_over_lines = 1,
                    .format = pf};
    return plot_scatter(path, &sp, err);
}

int mdl_report_fit_plots(const char *dir, const mdl_set *set, const mdl_records *r, double q,
                         double y1_max_n, int fmt, y1_err *err)
{
    int rc = Y1_OK;
    double *x = malloc((r->n + 1) * sizeof *x), *cpu = malloc((r->n + 1) * sizeof *cpu);
    double *rss = malloc((r->n + 1) * sizeof *rss);
    if (!x || !cpu || !rss) {
        rc = y1_errf(err, Y1_ENOMEM, "plots: out of memory");
        goto done;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
        goto done;
    }
    for (size_t i = 0; i < mdl_set_count(set) && !rc; i++) {
        const mdl_task *t = mdl_set_task(set, i);
        size_t m = task_arrays(r, t->label, x, cpu, rss);
        if ((rc = fit_plot(dir, t, 1, x, cpu, m, q, y1_max_n, (plot_format)fmt, err))) break;
        rc = fit_plot(dir, t, 0, x, rss, m, q, y1_max_n, (plot_format)fmt, err);
    }
done:
    free(x);
    free(cpu);
    free(rss);
    return rc;
}
