/* models_report.c: the plots of `models fit`: per task and quantity, the measured values with
 * the fitted model (CPU seconds, GiB). */
#include "estimator/report/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
 * the scatter against n with the envelope line (coadd level, Figure 4). */
static int fit_plot(const char *dir, const mdl_task *t, int is_cpu, const double *x,
                    const double *v, size_t m, double q, double y1_max_n, y1_err *err)
{
    char path[4096], title[512], name[256], xl[64], lbl[128];
    const mdl_linear *mo = is_cpu ? &t->cpu_s : &t->maxrss_gib;
    const char *qname = is_cpu ? "CPU time" : "peak RSS", *unit = is_cpu ? "s" : "GiB";
    snprintf(name, sizeof name, "%s", t->label);
    for (char *p = name; *p; p++)
        if (*p == '/' || *p == ' ') *p = '_';
    snprintf(path, sizeof path, "%s/%s_%s.png", dir, name, is_cpu ? "cpu" : "maxrss");
    snprintf(xl, sizeof xl, "%s per instance (%s)", qname, unit);
    if (!mo->is_linear) {
        snprintf(title, sizeof title, "%s (%s level): %s, %zu instances", t->label,
                 mdl_level_name(t->level), qname, m);
        snprintf(lbl, sizeof lbl, "%g%% quantile: %.4g %s", q * 100, mo->intercept, unit);
        plot_series s = {.name = NULL, .x = v, .n = m, .rgb = PLOT_AUTO};
        plot_mark mk = {.x = mo->intercept, .label = lbl, .rgb = PLOT_AUTO};
        size_t nb = (size_t)(2 * sqrt((double)m)); /* ~2 sqrt(N) bins, within [8, 60] */
        plot_spec sp = {.title = title, .xlabel = xl, .ylabel = "instances", .series = &s,
                        .nseries = 1, .marks = &mk, .nmarks = 1,
                        .nbins = nb < 8 ? 8 : nb > 60 ? 60 : nb};
        return plot_histogram(path, &sp, err);
    }
    double xmax = fmax(t->n_max * 1.05, y1_max_n), lx[2] = {0, xmax};
    double ly[2] = {mdl_linear_eval(mo, 0), mdl_linear_eval(mo, xmax)};
    snprintf(title, sizeof title, "%s (coadd level): %s vs visits, %zu instances", t->label,
             qname, m);
    snprintf(lbl, sizeof lbl, "envelope (q = %g): %.4g n %c %.4g %s, coverage %.3f", q, mo->slope,
             mo->intercept < 0 ? '-' : '+', fabs(mo->intercept), unit, mo->coverage);
    plot_series s[2] = {{.name = "measured", .x = x, .y = v, .n = m, .rgb = PLOT_AUTO},
                        {.name = lbl, .x = lx, .y = ly, .n = 2, .rgb = 0xd62728,
                         .style = PLOT_LINE}};
    plot_mark mk = {.x = t->n_max, .label = "largest measured n", .rgb = 0x555555};
    double ymax = ly[1];
    for (size_t i = 0; i < m; i++) ymax = fmax(ymax, v[i]);
    plot_spec sp = {.title = title, .xlabel = "visits in the coadd, n", .ylabel = xl,
                    .series = s, .nseries = 2, .marks = &mk, .nmarks = 1, .xmin = 0,
                    .xmax = xmax, .ymin = 0, .ymax = ymax * 1.08};
    return plot_scatter(path, &sp, err);
}

int mdl_report_fit_plots(const char *dir, const mdl_set *set, const mdl_records *r, double q,
                     double y1_max_n, y1_err *err)
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
        if ((rc = fit_plot(dir, t, 1, x, cpu, m, q, y1_max_n, err))) break;
        rc = fit_plot(dir, t, 0, x, rss, m, q, y1_max_n, err);
    }
done:
    free(x);
    free(cpu);
    free(rss);
    return rc;
}
