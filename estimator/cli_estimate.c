/* cli_estimate.c: the main job, `y1est [estimate] --platform P ...`: parses and checks every
 * option, then runs the pipeline cadence -> selection -> footprints -> workload -> models ->
 * Tables 2-4. Stages that are not built yet are named in the report, never faked. */
#include "estimator/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char estimate_usage[] =
    "usage: y1est [estimate] --platform P [--platform P2 ...] [options]\n"
    "\n"
    "Estimates the node-days, peak memory and disk volume needed to process the selected visits\n"
    "(default: first-year WFD of the embedded synthetic baseline v2.0 cadence), following RTN-028:\n"
    "Table 1 visits per band, Table 2 per-task CPU and memory, Table 3 node-days per platform,\n"
    "Table 4 disk volume.\n"
    "\n" CLI_SEL_HELP
    "Footprint and sky map:\n"
    "  --footprint F         circle (default) or lsstcam (189 science CCDs)\n"
    "  --radius DEG          circle radius in degrees (default 2.0)\n"
    "  --rotation R          lsstcam rotation: rotskypos (default, from the cadence) or random\n"
    "  --seed S              seed for --rotation random (default 42)\n"
    "  --skymap YAML         sky-map definition (default data/skymaps/dc2.yaml)\n"
    "  --workload CSV        coadds.csv (band,tract,patch_x,patch_y,num_visits) written by an\n"
    "                        earlier run: skips the cadence and footprint steps\n"
    "Models and platforms:\n"
    "  --platform P          platform YAML; a bare name is looked up in data/platforms/;\n"
    "                        repeat it, or give 'all' for every file there (required)\n"
    "  --models YAML         per-task resource models (default models/rtn028-dc2-3828.yaml)\n"
    "  --tasks T             default (the 9 tasks of Table 2), all, or a comma list of labels\n"
    "  --products YAML       data products for Table 4 (default data/products.yaml)\n"
    "Output:\n"
    "  --format F            md (default, a report), csv or json on stdout\n"
    "  --out DIR             write table1.csv..table4.csv, report.md, coadds.csv, summary.json\n"
    "                        and the PNG plots there (atomically)\n"
    "  --bps FILE            write a BPS requestMemory YAML for the workload's largest n\n"
    "  --threads N           threads for the footprint overlaps (default 2)\n"
    "  -h, --help            this help\n";

enum { O_PLATFORM = 1, O_FOOTPRINT, O_RADIUS, O_ROTATION, O_SEED, O_SKYMAP, O_WORKLOAD,
       O_MODELS, O_TASKS, O_PRODUCTS, O_FORMAT, O_OUT, O_BPS, O_THREADS };

typedef struct est_opts {
    cli_sel cs;
    const char *platforms[32];
    int n_platforms;
    const char *footprint;  /* circle | lsstcam */
    double radius_deg;
    const char *rotation;   /* rotskypos | random */
    long seed;
    const char *skymap, *workload, *models, *tasks, *products, *format, *out, *bps;
    long threads;
} est_opts;

/* A platform argument: an existing path, or a bare name in data/platforms/ ("perlmutter" or
 * "perlmutter.yaml"). */
static int resolve_platform(const char *arg, char *path, size_t n, y1_err *err)
{
    struct stat sb;
    if (stat(arg, &sb) == 0) {
        snprintf(path, n, "%s", arg);
        return Y1_OK;
    }
    if (!strchr(arg, '/')) {
        const char *ext = strstr(arg, ".yaml") ? "" : ".yaml";
        snprintf(path, n, "%s/platforms/%s%s", cli_datadir(), arg, ext);
        if (stat(path, &sb) == 0) return Y1_OK;
    }
    return y1_errf(err, Y1_EIO, "%s: no such platform file (looked in the current directory and "
                   "in %s/platforms/)", arg, cli_datadir());
}

static int parse_options(int argc, char **argv, est_opts *o, y1_err *err)
{
    static const struct option longopts[] = {
        CLI_SEL_LONGOPTS,
        {"platform", required_argument, NULL, O_PLATFORM},
        {"footprint", required_argument, NULL, O_FOOTPRINT},
        {"radius", required_argument, NULL, O_RADIUS},
        {"rotation", required_argument, NULL, O_ROTATION},
        {"seed", required_argument, NULL, O_SEED},
        {"skymap", required_argument, NULL, O_SKYMAP},
        {"workload", required_argument, NULL, O_WORKLOAD},
        {"models", required_argument, NULL, O_MODELS},
        {"tasks", required_argument, NULL, O_TASKS},
        {"products", required_argument, NULL, O_PRODUCTS},
        {"format", required_argument, NULL, O_FORMAT},
        {"out", required_argument, NULL, O_OUT},
        {"bps", required_argument, NULL, O_BPS},
        {"threads", required_argument, NULL, O_THREADS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, rc;
    memset(o, 0, sizeof *o);
    cli_sel_init(&o->cs);
    o->footprint = "circle";
    o->radius_deg = 2.0;
    o->rotation = "rotskypos";
    o->seed = 42;
    o->tasks = "default";
    o->format = "md";
    o->threads = 2;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c >= CLI_OPT_SEL && c < CLI_OPT_SEL_END) {
            if ((rc = cli_sel_option(&o->cs, c, optarg, err))) return rc;
            continue;
        }
        switch (c) {
        case 'h': return -1;
        case O_PLATFORM:
            if (o->n_platforms == 32) return y1_errf(err, Y1_EUSAGE, "--platform: at most 32");
            o->platforms[o->n_platforms++] = optarg;
            break;
        case O_FOOTPRINT:
            if (strcmp(optarg, "circle") && strcmp(optarg, "lsstcam"))
                return y1_errf(err, Y1_EUSAGE, "--footprint: expected circle or lsstcam, got '%s'",
                               optarg);
            o->footprint = optarg;
            break;
        case O_RADIUS:
            /* beyond ~10 deg a circle is not a camera any more, and tract tests get costly */
            if ((rc = cli_parse_double("--radius", optarg, 1e-6, 10.0, &o->radius_deg, err)))
                return rc;
            break;
        case O_ROTATION:
            if (strcmp(optarg, "rotskypos") && strcmp(optarg, "random"))
                return y1_errf(err, Y1_EUSAGE, "--rotation: expected rotskypos or random, got "
                               "'%s'", optarg);
            o->rotation = optarg;
            break;
        case O_SEED:
            if ((rc = cli_parse_long("--seed", optarg, 0, 2147483647L, &o->seed, err))) return rc;
            break;
        case O_SKYMAP: o->skymap = optarg; break;
        case O_WORKLOAD: o->workload = optarg; break;
        case O_MODELS: o->models = optarg; break;
        case O_TASKS: o->tasks = optarg; break;
        case O_PRODUCTS: o->products = optarg; break;
        case O_FORMAT:
            if (strcmp(optarg, "md") && strcmp(optarg, "csv") && strcmp(optarg, "json"))
                return y1_errf(err, Y1_EUSAGE, "--format: expected md, csv or json, got '%s'",
                               optarg);
            o->format = optarg;
            break;
        case O_OUT: o->out = optarg; break;
        case O_BPS: o->bps = optarg; break;
        case O_THREADS:
            if ((rc = cli_parse_long("--threads", optarg, 1, 64, &o->threads, err))) return rc;
            break;
        case ':': return y1_errf(err, Y1_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
        default: return y1_errf(err, Y1_EUSAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return y1_errf(err, Y1_EUSAGE, "unexpected argument '%s'", argv[optind]);
    if (o->n_platforms == 0)
        return y1_errf(err, Y1_EUSAGE, "no --platform given (e.g. --platform perlmutter.yaml, "
                       "or --platform all)");
    return Y1_OK;
}

typedef struct t1_ctx {
    int64_t per_band[CAD_NBANDS];
    int64_t total;
} t1_ctx;

static int t1_cb(const cad_visit *v, void *ud)
{
    t1_ctx *c = ud;
    c->per_band[v->band]++;
    c->total++;
    return 0;
}

int cli_estimate(int argc, char **argv)
{
    est_opts o;
    y1_err err = {{0}};
    int rc = parse_options(argc, argv, &o, &err);
    if (rc == -1) {
        fputs(estimate_usage, stdout);
        return 0;
    }
    if (rc) return cli_usage("estimate", "%s", err.msg);

    char plat_paths[32][512];
    for (int i = 0; i < o.n_platforms; i++)
        if ((rc = resolve_platform(o.platforms[i], plat_paths[i], sizeof plat_paths[i], &err)))
            return cli_fail(rc, &err);

    cad_db *db = NULL;
    char tmp[512] = "", note[512] = "";
    t1_ctx t1 = {{0}, 0};
    rc = cli_open_cadence(&o.cs, &db, tmp, sizeof tmp, note, sizeof note, &err);
    if (!rc) {
        if (cad_warning(db)) fprintf(stderr, "y1est: warning: %s\n", cad_warning(db));
        rc = cad_scan(db, &o.cs.sel, t1_cb, &t1, NULL, &err);
    }
    if (!rc && t1.total == 0) {
        char desc[400];
        cad_selection_desc(db, &o.cs.sel, desc, sizeof desc);
        rc = y1_errf(&err, Y1_EINPUT, "%s: empty selection: no visit matches %s", cad_path(db),
                     desc);
    }
    if (!rc) {
        char desc[400];
        cad_selection_desc(db, &o.cs.sel, desc, sizeof desc);
        printf("# y1est estimate\n\n- %s\n- selection: %s\n- programs from: %s\n\n", note, desc,
               cad_program_source(db));
        printf("## Table 1: visits per band\n\n| band | visits |\n|---|---:|\n");
        for (int b = 0; b < CAD_NBANDS; b++)
            printf("| %c | %lld |\n", CAD_BANDS[b], (long long)t1.per_band[b]);
        printf("| total | %lld |\n\n", (long long)t1.total);
        printf("Not built yet in this version: the footprint overlaps (warps, coadds), the task "
               "models and Tables 2-4 for platform(s)");
        for (int i = 0; i < o.n_platforms; i++) printf(" %s", plat_paths[i]);
        printf(".\n");
    }
    cad_close(db);
    if (tmp[0]) remove(tmp);
    return rc ? cli_fail(rc, &err) : 0;
}
