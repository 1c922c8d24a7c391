/* cli_models.c: the 'models' subcommand: `models show` prints a model file as a table,
 * `models fit` builds a model file from measured records (task metadata, CSV, Parsl DB). */
#include "estimator/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"

static const char usage_models[] =
    "usage: y1est models show [MODEL.yaml]\n"
    "       y1est models fit INPUT... --out MODEL.yaml [options]\n"
    "\n"
    "show: print the per-task models of a model file as a table (default: the study's models,\n"
    "      models/rtn028-dc2-3828.yaml in the source tree). CPU in seconds per instance, peak\n"
    "      memory (maxRSS) in GiB; n is the number of visits in the coadd.\n"
    "fit:  see 'y1est models fit --help'.\n";

/* <repo>/models/rtn028-dc2-3828.yaml, found next to the data directory (<repo>/data). */
static void default_models_path(char *buf, size_t len)
{
    snprintf(buf, len, "%s/../models/rtn028-dc2-3828.yaml", cli_datadir());
}

/* "70.45" or "335.7 n + 2137" style text of a model, in its unit. */
static void model_text(char *buf, size_t len, const mdl_linear *m)
{
    if (!m->is_linear) snprintf(buf, len, "%.4g", m->intercept);
    else snprintf(buf, len, "%.4g n %c %.4g", m->slope, m->intercept < 0 ? '-' : '+',
                  fabs(m->intercept));
}

static void sigma_text(char *buf, size_t len, const mdl_linear *m)
{
    if (!m->is_linear && !isnan(m->intercept_sigma)) snprintf(buf, len, "+-%.2g", m->intercept_sigma);
    else if (m->is_linear && !isnan(m->slope_sigma))
        snprintf(buf, len, "+-%.2g, +-%.2g", m->slope_sigma, m->intercept_sigma);
    else snprintf(buf, len, "-");
}

static int models_show(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_models, stdout);
            return 0;
        }
        return cli_usage("models show", "unknown option '%s'", argv[optind - 1]);
    }
    if (argc - optind > 1) return cli_usage("models show", "expected at most one model file");
    char def[4096];
    default_models_path(def, sizeof def);
    const char *path = optind < argc ? argv[optind] : def;
    y1_err err = {{0}};
    mdl_set *s = NULL;
    int rc = mdl_set_load(&s, path, &err);
    if (rc) return cli_fail(rc, &err);
    printf("model set: %s (%s)\n", mdl_set_name(s), path);
    if (mdl_set_description(s)) printf("%s\n", mdl_set_description(s));
    printf("CPU in seconds per instance, maxRSS in GiB per instance; n = visits in the coadd.\n\n");
    printf("%-24s %-6s %-7s %-22s %-20s %-20s %-18s %s\n", "task", "level", "default",
           "cpu_s", "cpu_s sigma", "maxrss_gib", "maxrss_gib sigma", "n range");
    for (size_t i = 0; i < mdl_set_count(s); i++) {
        const mdl_task *t = mdl_set_task(s, i);
        char cpu[64], rss[64], cs[64], rs[64], nr[64];
        model_text(cpu, sizeof cpu, &t->cpu_s);
        model_text(rss, sizeof rss, &t->maxrss_gib);
        sigma_text(cs, sizeof cs, &t->cpu_s);
        sigma_text(rs, sizeof rs, &t->maxrss_gib);
        if (isnan(t->n_min)) snprintf(nr, sizeof nr, "-");
        else snprintf(nr, sizeof nr, "%g-%g", t->n_min, t->n_max);
        printf("%-24s %-6s %-7s %-22s %-20s %-20s %-18s %s\n", t->label, mdl_level_name(t->level),
               t->is_default ? "yes" : "no", cpu, cs, rss, rs, nr);
    }
    mdl_set_free(s);
    return 0;
}

int cli_models(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        if (argc < 2) {
            fputs(usage_models, stderr);
            return 2;
        }
        fputs(usage_models, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "show")) return models_show(argc - 1, argv + 1);
    return cli_usage("models", "unknown models subcommand '%s'", argv[1]);
}
