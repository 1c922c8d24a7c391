/* cmd_models.c: the 'models' subcommand: `models show` prints a model file as a table,
 * `models fit` builds a model file from measured records (task metadata, CSV, Parsl DB). */
#include "estimator/cli/cli.h"
#include "estimator/workload.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "estimator/parsl_db.h"
#include "estimator/report/plot.h"
#include "estimator/report/report.h"
#include "models/models.h"

static const char usage_models[] =
    "usage: y1est models show [MODEL.yaml]\n"
    "       y1est models fit INPUT... --out MODEL.yaml [options]\n"
    "\n"
    "show: print the per-task models of a model file as a table (default: the study's models,\n"
    "      models/rtn028-dc2-3828.yaml in the source tree). CPU in seconds per instance, peak\n"
    "      memory (maxRSS) in GiB; n is the number of visits in the coadd.\n"
    "fit:  see 'y1est models fit --help'.\n";

static const char usage_fit[] =
    "usage: y1est models fit INPUT... --out MODEL.yaml [options]\n"
    "\n"
    "Build per-task resource models from measured task instances. Each INPUT is, by its name:\n"
    "  *.csv                 records: header task,cpu_s,maxrss_gib[,n_visits][,band,tract,\n"
    "                        patch_x,patch_y] (CPU seconds, peak RSS in GiB)\n"
    "  *.yaml|*.yml|*.json   an LSST <label>_metadata file (PropertySet YAML or TaskMetadata\n"
    "                        JSON; bare NaN/Infinity tolerated)\n"
    "  a directory           every *.yaml, *.yml, *.json metadata file below it\n"
    "  *.db|*.sqlite         a Parsl monitoring database: one record per try, CPU = delta of\n"
    "                        user+system time, peak RSS = largest sample (an underestimate)\n"
    "Visit-level tasks (level ccd, warp, patch, visit) get the q-quantile of CPU and of maxRSS.\n"
    "Coadd-level tasks get an upper-envelope line against n, the visits in the coadd: linear\n"
    "quantile regression at q (IRLS with gsl_fit_wlinear), uncertainties by bootstrap.\n"
    "\n"
    "options:\n"
    "  --out FILE            model file to write (required)\n"
    "  --quantile Q          quantile for both fits, in (0.5, 1) (default 0.95)\n"
    "  --cpu absolute|run    metadata CPU: RTN-028's largest *EndCpuTime (process CPU since\n"
    "                        start, the default) or quantum endCpuTime - startCpuTime\n"
    "  --v0-rss-unit KiB|bytes  unit of MaxResidentSetSize in files without __version__\n"
    "                        (default KiB: Linux ru_maxrss)\n"
    "  --ids FILE            CSV id,n_visits or id,band,tract,patch_x,patch_y; id = a metadata\n"
    "                        file's name or path, or a Parsl try's run_id:task_id:try_id\n"
    "  --coadds FILE         coadds.csv (band,tract,patch_x,patch_y,num_visits) from the\n"
    "                        sky-map step: n for records that carry a coadd id\n"
    "  --level LABEL=LEVEL   level of a task y1est does not know (ccd|warp|coadd|patch|visit)\n"
    "  --min-points N        fewest records per task (default 5; envelopes need 3)\n"
    "  --bootstrap N         bootstrap resamples for the uncertainties (default 200; 0 = none)\n"
    "  --seed N              bootstrap seed (default 20210521)\n"
    "  --name NAME           name of the model set (default: the output file's base name)\n"
    "  --plots DIR           write <task>_cpu.png and <task>_maxrss.png per task into DIR\n"
    "  --plot-format F       the --plots as {plotformats} (default png)\n"
    "  --y1-max-n N          largest visits per coadd the estimate will use, for the\n"
    "                        extrapolation warning (default 54, Y1 WFD)\n"
    "Prints per task: level, points, model, 1-sigma uncertainties, coverage (fraction of points\n"
    "at or below the model) and the measured n range.\n";

/* The default model file (installed beside the data, or models/ of the source tree). */
static void default_models_path(char *buf, size_t len)
{
    snprintf(buf, len, "%s", est_default_models());
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

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* The models join takes the workload's coadds as rows. */
static int join_coadds(mdl_records *r, const est_coadds *c, y1_err *err)
{
    mdl_coadd_row *rows = malloc((c->n ? c->n : 1) * sizeof *rows);
    if (!rows) return y1_errf(err, Y1_ENOMEM, "coadds: out of memory");
    for (size_t i = 0; i < c->n; i++)
        rows[i] = (mdl_coadd_row){c->v[i].band, c->v[i].tract, c->v[i].patch_x, c->v[i].patch_y,
                                  c->v[i].n};
    int rc = mdl_coadds_join(r, rows, c->n, err);
    free(rows);
    return rc;
}

static void print_quantity(FILE *fp, const char *qname, const mdl_linear *m, int first,
                           const mdl_task *t)
{
    char mo[64], sg[64], nr[64] = "";
    model_text(mo, sizeof mo, m);
    sigma_text(sg, sizeof sg, m);
    if (first && !isnan(t->n_min)) snprintf(nr, sizeof nr, "%g-%g", t->n_min, t->n_max);
    if (first)
        fprintf(fp, "%-22s %-6s %6ld  ", t->label, mdl_level_name(t->level), m->points);
    else fprintf(fp, "%-22s %-6s %6s  ", "", "", "");
    fprintf(fp, "%-11s %-22s %-22s %8.3f  %s\n", qname, mo, sg, m->coverage, nr);
}

static int models_fit(int argc, char **argv)
{
    enum { O_OUT = 1, O_Q, O_CPU, O_V0, O_IDS, O_COADDS, O_LEVEL, O_MINP, O_BOOT, O_SEED,
           O_NAME, O_PLOTS, O_Y1N, O_HELP, O_PLOTFMT };
    static const struct option opts[] = {
        {"out", required_argument, NULL, O_OUT}, {"quantile", required_argument, NULL, O_Q},
        {"cpu", required_argument, NULL, O_CPU}, {"v0-rss-unit", required_argument, NULL, O_V0},
        {"ids", required_argument, NULL, O_IDS}, {"coadds", required_argument, NULL, O_COADDS},
        {"level", required_argument, NULL, O_LEVEL},
        {"min-points", required_argument, NULL, O_MINP},
        {"bootstrap", required_argument, NULL, O_BOOT}, {"seed", required_argument, NULL, O_SEED},
        {"name", required_argument, NULL, O_NAME}, {"plots", required_argument, NULL, O_PLOTS},
        {"y1-max-n", required_argument, NULL, O_Y1N}, {"help", no_argument, NULL, O_HELP},
        {"plot-format", required_argument, NULL, O_PLOTFMT},
        {NULL, 0, NULL, 0}};
    const char *out = NULL, *ids = NULL, *coadds_path = NULL, *name = NULL, *plots = NULL;
    const char *levels[64];
    size_t nlevels = 0;
    double y1_max_n = 54;
    plot_format pf = PLOT_PNG; /* --plot-format */
    int pf_given = 0;
    long lv;
    mdl_fit_opts fo;
    mdl_md_opts mo;
    mdl_fit_opts_default(&fo);
    mdl_md_opts_default(&mo);
    y1_err err = {{0}};
    int c, rc = Y1_OK;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_OUT: out = optarg; break;
        case O_Q:
            if (cli_parse_double("--quantile", optarg, 0.501, 0.999, &fo.quantile, &err))
                return cli_usage("models fit", "%s", err.msg);
            break;
        case O_CPU:
            if (!strcmp(optarg, "absolute")) mo.cpu = MDL_CPU_ABSOLUTE;
            else if (!strcmp(optarg, "run")) mo.cpu = MDL_CPU_RUN;
            else return cli_usage("models fit", "--cpu must be absolute or run, got '%s'", optarg);
            break;
        case O_V0:
            if (!strcmp(optarg, "KiB")) mo.v0_rss_unit_bytes = 1024;
            else if (!strcmp(optarg, "bytes")) mo.v0_rss_unit_bytes = 1;
            else return cli_usage("models fit", "--v0-rss-unit must be KiB or bytes, got '%s'", optarg);
            break;
        case O_IDS: ids = optarg; break;
        case O_COADDS: coadds_path = optarg; break;
        case O_LEVEL:
            if (nlevels == 64) return cli_usage("models fit", "too many --level options");
            if (!strchr(optarg, '=')) return cli_usage("models fit", "--level %s: expected LABEL=LEVEL", optarg);
            levels[nlevels++] = optarg;
            break;
        case O_MINP:
            if (cli_parse_long("--min-points", optarg, 1, 1000000000L, &lv, &err))
                return cli_usage("models fit", "%s", err.msg);
            fo.min_points = (size_t)lv;
            break;
        case O_BOOT:
            if (cli_parse_long("--bootstrap", optarg, 0, 100000, &lv, &err))
                return cli_usage("models fit", "%s", err.msg);
            fo.nboot = (int)lv;
            break;
        case O_SEED:
            if (cli_parse_long("--seed", optarg, 0, 2147483647L, &lv, &err))
                return cli_usage("models fit", "%s", err.msg);
            fo.seed = (unsigned long)lv;
            break;
        case O_NAME: name = optarg; break;
        case O_PLOTS: plots = optarg; break;
        case O_PLOTFMT:
            if (plot_format_parse(optarg, &pf, &err)) return cli_usage("models fit", "%s", err.msg);
            pf_given = 1;
            break;
        case O_Y1N:
            if (cli_parse_double("--y1-max-n", optarg, 1, 1e6, &y1_max_n, &err))
                return cli_usage("models fit", "%s", err.msg);
            break;
        case O_HELP: cli_help(stdout, usage_fit, 0); return 0;
        default: return cli_usage("models fit", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (!out) return cli_usage("models fit", "--out MODEL.yaml is required");
    if (pf_given && !plots)
        return cli_usage("models fit", "--plot-format applies to the plots of --plots DIR");
    if (optind >= argc) return cli_usage("models fit", "give at least one INPUT");
    for (int i = optind; i < argc; i++) {
        struct stat st;
        const char *p = argv[i];
        int dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        if (!dir && !ends_with(p, ".csv") && !ends_with(p, ".db") && !ends_with(p, ".sqlite") &&
            !ends_with(p, ".sqlite3") && !ends_with(p, ".yaml") && !ends_with(p, ".yml") &&
            !ends_with(p, ".json"))
            return cli_usage("models fit", "%s: cannot tell the input format (expected .csv, "
                             ".db, .sqlite, .yaml, .yml, .json or a directory)", p);
    }
    fo.levels = levels;
    fo.n_levels = nlevels;
    char defname[256];
    if (!name) {
        const char *b = strrchr(out, '/');
        snprintf(defname, sizeof defname, "%s", b ? b + 1 : out);
        char *dot = strrchr(defname, '.');
        if (dot && dot != defname) *dot = 0;
        name = defname;
    }
    fo.name = name;

    mdl_records r;
    mdl_records_init(&r);
    est_coadds cd;
    est_coadds_init(&cd);
    mdl_set *set = NULL;
    FILE *rep = NULL;     /* the report, built in memory (see below) */
    char *rep_text = NULL;
    size_t rep_len = 0;
    long parsl_tries = 0, parsl_few = 0;
    for (int i = optind; i < argc && !rc; i++) {
        const char *p = argv[i];
        if (ends_with(p, ".csv")) rc = mdl_read_csv(&r, p, &err);
        else if (ends_with(p, ".db") || ends_with(p, ".sqlite") || ends_with(p, ".sqlite3")) {
            est_parsl_stats ps;
            rc = est_parsl_read(&r, p, &ps, &err);
            parsl_tries += ps.tries;
            parsl_few += ps.few_samples;
        } else rc = mdl_read_metadata(&r, p, &mo, &err);
    }
    if (!rc && ids) rc = mdl_apply_ids(&r, ids, &err);
    if (!rc && coadds_path) {
        rc = est_coadds_read(&cd, coadds_path, &err);
        if (!rc) rc = join_coadds(&r, &cd, &err);
    }
    char source[400];
    snprintf(source, sizeof source, "y1est models fit: %zu records from %d input%s, CPU "
             "definition '%s'", r.n, argc - optind, argc - optind == 1 ? "" : "s",
             r.cpu_definition[0] ? r.cpu_definition : "unknown");
    fo.source = source;
    if (!rc) rc = mdl_fit_records(&set, &r, &fo, &err);
    /* plots first: a plot directory that cannot be written must not leave a new model file */
    if (!rc && plots) rc = mdl_report_fit_plots(plots, set, &r, fo.quantile, y1_max_n, (int)pf, &err);
    if (plots) plot_cleanup();
    if (rc) goto done;

    /* the report reaches stdout before the model file is written: a report that cannot be
     * delivered (closed pipe, full disk) must not leave a new model file behind */
    if (!(rep = open_memstream(&rep_text, &rep_len))) {
        rc = y1_errf(&err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    fprintf(rep, "%s -> %s\n", source, out);
    fprintf(rep, "CPU in seconds, maxRSS in GiB per instance; sigma = 1-sigma bootstrap (%d "
            "resamples); coverage = fraction of points at or below the model; q = %g\n\n",
            fo.nboot, fo.quantile);
    fprintf(rep, "%-22s %-6s %6s  %-11s %-22s %-22s %8s  %s\n", "task", "level", "points",
            "quantity", "model", "sigma (slope, icpt)", "coverage", "n range");
    for (size_t i = 0; i < mdl_set_count(set); i++) {
        const mdl_task *t = mdl_set_task(set, i);
        print_quantity(rep, "cpu_s", &t->cpu_s, 1, t);
        print_quantity(rep, "maxrss_gib", &t->maxrss_gib, 0, t);
    }
    if (plots) fprintf(rep, "\nplots written to %s/\n", plots);
    if (fclose(rep) != 0) {
        rep = NULL;
        rc = y1_errf(&err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    rep = NULL;
    if (fwrite(rep_text, 1, rep_len, stdout) != rep_len || fflush(stdout) != 0 ||
        ferror(stdout)) {
        rc = y1_errf(&err, Y1_EIO, "standard output: write error; %s not written", out);
        goto done;
    }
    if ((rc = mdl_set_save(set, out, &err))) goto done;
    for (size_t i = 0; i < mdl_set_count(set); i++) {
        const mdl_task *t = mdl_set_task(set, i);
        if (t->level == MDL_COADD && t->n_max < y1_max_n)
            fprintf(stderr, "y1est: warning: %s: fitted on n in [%g, %g]; Y1 coadds reach ~%g "
                    "visits, %.1fx the largest measured n: the model is extrapolated\n",
                    t->label, t->n_min, t->n_max, y1_max_n, y1_max_n / t->n_max);
    }
    if (parsl_tries)
        fprintf(stderr, "y1est: note: Parsl monitoring peaks are periodic samples of RSS: they "
                "underestimate the true peak memory (%ld of %ld tries had fewer than 3 "
                "samples)\n", parsl_few, parsl_tries);
done:
    if (rep) fclose(rep);
    free(rep_text);
    mdl_set_free(set);
    est_coadds_clear(&cd);
    mdl_records_clear(&r);
    return rc ? cli_fail(rc, &err) : 0;
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
    if (!strcmp(argv[1], "fit")) return models_fit(argc - 1, argv + 1);
    return cli_usage("models", "unknown models subcommand '%s'", argv[1]);
}
