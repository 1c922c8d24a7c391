/* cmd_pipeline.c: 'y1est pipeline show', a pipeline file as tables (tasks in pipeline order,
 * dataset types), and with workload counts the per-task instances, core-weighted CPU and
 * node-days and the storage per dataset type (RTN-109's Tables 3-8 layout). md, csv or json. */
#include "estimator/cli/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/y1_sha256.h"
#include "estimator/pipe_workload.h"
#include "estimator/report/format.h"
#include "estimator/report/rtable.h"
#include "pipeline/pipeline.h"

#define FORMATS (EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) | EST_FMT_BIT(EST_FMT_JSON))

static const char usage[] =
    "usage: y1est pipeline show NAME|FILE [--format F] [--workload coadds.csv]\n"
    "                           [--count 'DIMENSIONS=N']... [--mem-per-core GIB]\n"
    "                           [--cores-per-node N] [--nodes N]\n"
    "\n"
    "Print a pipeline file, or a bare NAME (DATADIR/pipelines/NAME.yaml), one of:\n"
    "  {pipelines}\n"
    "(rtn028: the study's tasks and products; rtn109-w_2025_41: the LSSTCam DRP pipeline as\n"
    "RTN-109 costed it):\n"
    "per task in pipeline order its quantum dimensions and CPU (s) and memory (GiB) models,\n"
    "per dataset type its producing task, dimensions, mean size and kept / release flags.\n"
    "With counts, also per task: instances, CPU, core-weighted CPU (each job charged\n"
    "ceil(memory / mem-per-core) cores), node-days = core-weighted CPU / (cores-per-node x\n"
    "86,400) and their running sum; per dataset type: files, total and cumulative fraction.\n"
    "  --workload FILE     coadds.csv (written by `y1est --out`): visits, visit x detector,\n"
    "                      visit x tract x patch (the sum of n), patch x band, patch, tract,\n"
    "                      tract x band, band, and the histograms of n\n"
    "  --count 'D=N'       the count of dimensions D, e.g. 'visit x detector x tract=61040677'\n"
    "                      or healpix3=768 (repeatable; overrides the workload's)\n"
    "  --mem-per-core GIB  memory per charged core (default 4, RTN-109's Rubin data facility)\n"
    "  --cores-per-node N  cores per node for node-days (default 120, RTN-109)\n"
    "  --nodes N           also the shortest campaign on N nodes: node-days / N (RTN-109's\n"
    "                      bound: no wall-time overheads, perfect packing)\n"
    "  --format F          {formats} (default md; csv: tasks, a blank line, dataset types)\n"
    "Dimensions: {dimensions}.\n"
    "Exit codes: 0 ok, 1 bad input (pipeline file, workload, a count a task needs), 2 bad\n"
    "usage, 3 I/O.\n";

/* "92.06", "18.92 n + 84.86", "max(0, 0.1428 n - 0.4169)" */
static void model_text(char *buf, size_t n, const pipe_model *m, double scale)
{
    char lin[96];
    if (!m->is_linear) {
        snprintf(buf, n, "%.4g", m->intercept * scale);
        return;
    }
    snprintf(lin, sizeof lin, "%.4g n %c %.4g", m->slope * scale, m->intercept < 0 ? '-' : '+',
             fabs(m->intercept * scale));
    if (m->has_floor) snprintf(buf, n, "max(%.4g, %s)", m->floor * scale, lin);
    else snprintf(buf, n, "%s", lin);
}

/* A number for md (4 significant digits), or "-" when unknown. */
static const char *num(char *buf, size_t n, double x)
{
    if (isnan(x)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.4g", x);
    return buf;
}

/* CSV cells: full precision, empty when unknown; text quoted when it holds a comma or quote. */
static void csv_num(double x, int last)
{
    if (!isnan(x)) printf("%.10g", x);
    fputs(last ? "\n" : ",", stdout);
}

static void csv_text(const char *s, int last)
{
    if (s && strpbrk(s, ",\"\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"') putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else if (s) {
        fputs(s, stdout);
    }
    fputs(last ? "\n" : ",", stdout);
}

static const char *src_of(const pipe_task *t) { return t->cpu.source ? t->cpu.source : t->source; }

static void print_md(const pipe_pipeline *p, const pipe_result *r, const pipe_conv *v,
                     long nodes)
{
    char dn[64], cpu[128], mem[128], a[32], b[32], c[32], d[32], e[32], id[600];
    y1_file_ident(p->path, id, sizeof id);   /* no machine paths in outputs */
    printf("# Pipeline %s\n\n%s\n\nFile: %s. Source: %s.\n\n", p->name,
           p->description ? p->description : "", id, p->source);
    printf("CPU models in seconds per instance (core-weighted where marked), memory in GiB; n = "
           "visits per coadd (patch x band) or per patch summed over bands (patch).");
    if (r)
        printf(" Core-weighted CPU charges each job ceil(memory / %g GiB) cores; node-days = "
               "core-weighted CPU / (%d x 86,400 s).", v->mem_per_core_gib, v->cores_per_node);
    printf("\n\n| # | task | dimensions | CPU (s) | memory (GiB) | statistic |");
    if (r) printf(" instances | CPU (h) | core-weighted CPU (h) | node-days | cumulative |");
    printf(" source |\n|---:|---|---|---|---|---|");
    if (r) printf("---:|---:|---:|---:|---:|");
    printf("---|\n");
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task *t = &p->tasks[i];
        model_text(cpu, sizeof cpu, &t->cpu, 1);
        if (t->cpu_weighted) strncat(cpu, " (core-weighted)", sizeof cpu - strlen(cpu) - 1);
        if (t->has_memory) model_text(mem, sizeof mem, &t->mem, 1);
        else snprintf(mem, sizeof mem, "-");
        printf("| %d | %s | %s | %s | %s | %s |", t->order, t->label,
               pipe_dim_format(t->dim, t->healpix_order, dn, sizeof dn), cpu, mem,
               t->cpu.statistic);
        if (r) {
            const pipe_task_result *x = &r->tasks[i];
            printf(" %.0f | %s | %s | %s | %s |", x->instances, num(a, sizeof a, x->cpu_s / 3600),
                   num(b, sizeof b, x->weighted_cpu_s / 3600), num(c, sizeof c, x->node_days),
                   num(d, sizeof d, x->cum_node_days));
        }
        printf(" %s |\n", src_of(t));
    }
    if (r)
        printf("\nTotal: %s CPU hours, %s core-weighted CPU hours, %s node-days.\n",
               num(a, sizeof a, r->cpu_s / 3600), num(b, sizeof b, r->weighted_cpu_s / 3600),
               num(c, sizeof c, r->node_days));
    if (r && nodes > 0)
        printf("Shortest campaign on %ld nodes: %s days (node-days / nodes).\n", nodes,
               num(a, sizeof a, r->node_days / (double)nodes));
    printf("\n| dataset type | task | dimensions | size (MB) | keep | release |");
    if (r) printf(" files | total (TB) | cumulative fraction |");
    printf("\n|---|---|---|---:|---|---|");
    if (r) printf("---:|---:|---:|");
    printf("\n");
    for (size_t k = 0; k < p->n_products; k++) {
        size_t i = r ? r->by_size[k] : k;   /* largest first, as RTN-109's storage tables */
        const pipe_product *pr = &p->products[i];
        printf("| %s | %s | %s | %s | %s | %s |", pr->dataset, p->tasks[pr->task].label,
               pipe_dim_format(pr->dim, pr->healpix_order, dn, sizeof dn),
               num(a, sizeof a, pr->size_bytes / 1e6), pr->keep ? "yes" : "no",
               pr->release ? "yes" : "no");
        if (r)
            printf(" %.0f | %s | %.3f |", r->products[i].count,
                   num(b, sizeof b, r->products[i].bytes / 1e12), r->products[i].cum_fraction);
        printf("\n");
    }
    if (r)
        printf("\nStorage: all %s PB, kept %s PB, release %s PB, raw %s PB.\n",
               num(a, sizeof a, r->all_bytes / 1e15), num(b, sizeof b, r->keep_bytes / 1e15),
               num(c, sizeof c, r->release_bytes / 1e15), num(e, sizeof e, r->raw_bytes / 1e15));
}

static void print_csv(const pipe_pipeline *p, const pipe_result *r)
{
    char dn[64];
    printf("order,task,dimensions,cpu_model,cpu_slope_s,cpu_intercept_s,cpu_floor_s,"
           "cpu_weighted,memory_model,memory_slope_gib,memory_intercept_gib,statistic");
    if (r) printf(",instances,cpu_s,core_weighted_cpu_s,node_days,cumulative_node_days");
    printf(",source\n");
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task *t = &p->tasks[i];
        printf("%d,", t->order);
        csv_text(t->label, 0);
        csv_text(pipe_dim_format(t->dim, t->healpix_order, dn, sizeof dn), 0);
        csv_text(t->cpu.is_linear ? "linear" : "constant", 0);
        csv_num(t->cpu.slope, 0);
        csv_num(t->cpu.intercept, 0);
        csv_num(t->cpu.has_floor ? t->cpu.floor : NAN, 0);
        csv_text(t->cpu_weighted ? "true" : "false", 0);
        csv_text(!t->has_memory ? "" : t->mem.is_linear ? "linear" : "constant", 0);
        csv_num(t->has_memory ? t->mem.slope : NAN, 0);
        csv_num(t->has_memory ? t->mem.intercept : NAN, 0);
        csv_text(t->cpu.statistic, 0);
        if (r) {
            const pipe_task_result *x = &r->tasks[i];
            csv_num(x->instances, 0);
            csv_num(x->cpu_s, 0);
            csv_num(x->weighted_cpu_s, 0);
            csv_num(x->node_days, 0);
            csv_num(x->cum_node_days, 0);
        }
        csv_text(src_of(t), 1);
    }
    printf("\ndataset,task,dimensions,size_bytes,keep,release");
    if (r) printf(",files,total_bytes,cumulative_fraction");
    printf(",source\n");
    for (size_t i = 0; i < p->n_products; i++) {
        const pipe_product *pr = &p->products[i];
        csv_text(pr->dataset, 0);
        csv_text(p->tasks[pr->task].label, 0);
        csv_text(pipe_dim_format(pr->dim, pr->healpix_order, dn, sizeof dn), 0);
        csv_num(pr->size_bytes, 0);
        csv_text(pr->keep ? "true" : "false", 0);
        csv_text(pr->release ? "true" : "false", 0);
        if (r) {
            csv_num(r->products[i].count, 0);
            csv_num(r->products[i].bytes, 0);
            csv_num(r->products[i].cum_fraction, 0);
        }
        csv_text(pr->source ? pr->source : "", 1);
    }
}

/* jansson: NAN has no JSON spelling, so unknown numbers are null. */
static json_t *jnum(double x) { return isnan(x) ? json_null() : json_real(x); }

static json_t *jmodel(const pipe_model *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(m->is_linear ? "linear" : "constant"));
    if (m->is_linear) json_object_set_new(o, "slope", json_real(m->slope));
    json_object_set_new(o, m->is_linear ? "intercept" : "value", json_real(m->intercept));
    if (m->has_floor) json_object_set_new(o, "floor", json_real(m->floor));
    json_object_set_new(o, "statistic", json_string(m->statistic));
    return o;
}

static int print_json(const pipe_pipeline *p, const pipe_result *r, const pipe_conv *v,
                      long nodes, y1_err *err)
{
    char dn[64], id[600];
    json_t *root = json_object(), *tasks = json_array(), *prods = json_array();
    y1_file_ident(p->path, id, sizeof id);
    json_object_set_new(root, "name", json_string(p->name));
    json_object_set_new(root, "file", json_string(id));
    json_object_set_new(root, "source", json_string(p->source));
    if (p->description) json_object_set_new(root, "description", json_string(p->description));
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task *t = &p->tasks[i];
        json_t *o = json_object(), *cpu = jmodel(&t->cpu);
        json_object_set_new(o, "order", json_integer(t->order));
        json_object_set_new(o, "label", json_string(t->label));
        json_object_set_new(o, "dimensions",
                            json_string(pipe_dim_format(t->dim, t->healpix_order, dn, sizeof dn)));
        json_object_set_new(cpu, "unit", json_string("s"));
        json_object_set_new(cpu, "core_weighted", json_boolean(t->cpu_weighted));
        json_object_set_new(o, "cpu", cpu);
        if (t->has_memory) {
            json_t *mem = jmodel(&t->mem);
            json_object_set_new(mem, "unit", json_string("GiB"));
            json_object_set_new(o, "memory", mem);
        }
        json_object_set_new(o, "source", json_string(src_of(t)));
        if (r) {
            const pipe_task_result *x = &r->tasks[i];
            json_object_set_new(o, "instances", json_real(x->instances));
            json_object_set_new(o, "cpu_s", jnum(x->cpu_s));
            json_object_set_new(o, "core_weighted_cpu_s", json_real(x->weighted_cpu_s));
            json_object_set_new(o, "node_days", json_real(x->node_days));
            json_object_set_new(o, "cumulative_node_days", json_real(x->cum_node_days));
            json_object_set_new(o, "max_memory_gib", jnum(x->max_mem_gib));
            json_object_set_new(o, "from_mean_n", json_boolean(x->from_mean_n));
        }
        json_array_append_new(tasks, o);
    }
    for (size_t i = 0; i < p->n_products; i++) {
        const pipe_product *pr = &p->products[i];
        json_t *o = json_object();
        json_object_set_new(o, "dataset", json_string(pr->dataset));
        json_object_set_new(o, "task", json_string(p->tasks[pr->task].label));
        json_object_set_new(o, "dimensions", json_string(pipe_dim_format(pr->dim,
                            pr->healpix_order, dn, sizeof dn)));
        json_object_set_new(o, "size_bytes", json_real(pr->size_bytes));
        json_object_set_new(o, "keep", json_boolean(pr->keep));
        json_object_set_new(o, "release", json_boolean(pr->release));
        if (pr->source) json_object_set_new(o, "source", json_string(pr->source));
        if (r) {
            json_object_set_new(o, "files", json_real(r->products[i].count));
            json_object_set_new(o, "total_bytes", json_real(r->products[i].bytes));
            json_object_set_new(o, "cumulative_fraction", json_real(r->products[i].cum_fraction));
        }
        json_array_append_new(prods, o);
    }
    json_object_set_new(root, "tasks", tasks);
    json_object_set_new(root, "products", prods);
    if (r) {
        json_t *t = json_object();
        json_object_set_new(t, "mem_per_core_gib", json_real(v->mem_per_core_gib));
        json_object_set_new(t, "cores_per_node", json_integer(v->cores_per_node));
        json_object_set_new(t, "cpu_s", jnum(r->cpu_s));
        json_object_set_new(t, "core_weighted_cpu_s", json_real(r->weighted_cpu_s));
        json_object_set_new(t, "core_weighted_node_days", json_real(r->node_days));
        if (nodes > 0) {
            json_object_set_new(t, "nodes", json_integer(nodes));
            json_object_set_new(t, "min_campaign_days", json_real(r->node_days / (double)nodes));
        }
        json_object_set_new(t, "all_bytes", json_real(r->all_bytes));
        json_object_set_new(t, "keep_bytes", json_real(r->keep_bytes));
        json_object_set_new(t, "release_bytes", json_real(r->release_bytes));
        json_object_set_new(t, "raw_bytes", json_real(r->raw_bytes));
        json_object_set_new(root, "totals", t);
    }
    return est_json_write(stdout, root, "pipeline show", err);
}

/* --count 'D=N' into c. */
static int count_option(pipe_counts *c, const char *arg, y1_err *err)
{
    const char *eq = strrchr(arg, '=');
    char dim[128];
    pipe_dim d;
    int order;
    long n;
    if (!eq || (size_t)(eq - arg) >= sizeof dim)
        return y1_errf(err, Y1_EUSAGE, "--count: expected DIMENSIONS=N, got '%s'", arg);
    memcpy(dim, arg, (size_t)(eq - arg));
    dim[eq - arg] = 0;
    if (pipe_dim_parse(dim, &d, &order))
        return y1_errf(err, Y1_EUSAGE, "--count: unknown dimensions '%s'", dim);
    int rc = cli_parse_long("--count", eq + 1, 0, 1000000000000L, &n, err);
    if (rc) return rc;
    if (d == PIPE_DIM_HEALPIX) c->healpix[order] = n;
    else if (d == PIPE_DIM_HEALPIX_BAND) c->healpix_band[order] = n;
    else c->n[d] = n;
    /* a workload's histogram of n describes its own coadds or patches, not these */
    if (d == PIPE_DIM_PATCH_BAND) c->coadd_hist = NULL;
    if (d == PIPE_DIM_PATCH) c->patch_hist = NULL;
    return Y1_OK;
}

static int pipeline_show(int argc, char **argv)
{
    enum { O_FORMAT = 1, O_WORKLOAD, O_COUNT, O_MEM, O_CORES, O_NODES };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"format", required_argument, NULL, O_FORMAT},
        {"workload", required_argument, NULL, O_WORKLOAD},
        {"count", required_argument, NULL, O_COUNT},
        {"mem-per-core", required_argument, NULL, O_MEM},
        {"cores-per-node", required_argument, NULL, O_CORES},
        {"nodes", required_argument, NULL, O_NODES}, {NULL, 0, NULL, 0}};
    const char *workload = NULL, *counts[64];
    est_format format = EST_FMT_MD;
    int ncounts = 0, c, rc = Y1_OK, code = 0;
    long nodes = 0;
    pipe_conv v;
    y1_err err = {{0}};
    pipe_conv_rtn109(&v);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        long cores;
        switch (c) {
        case 'h': cli_help(stdout, usage, FORMATS); return 0;
        case O_FORMAT:
            if (est_format_parse(optarg, FORMATS, &format, &err))
                return cli_usage("pipeline show", "%s", err.msg);
            break;
        case O_WORKLOAD: workload = optarg; break;
        case O_COUNT:
            if (ncounts == 64) return cli_usage("pipeline show", "at most 64 --count options");
            counts[ncounts++] = optarg;
            break;
        case O_MEM:
            if ((rc = cli_parse_double("--mem-per-core", optarg, 0.001, 1e6, &v.mem_per_core_gib,
                                       &err)))
                return cli_usage("pipeline show", "%s", err.msg);
            break;
        case O_CORES:
            if ((rc = cli_parse_long("--cores-per-node", optarg, 1, 1000000, &cores, &err)))
                return cli_usage("pipeline show", "%s", err.msg);
            v.cores_per_node = (int)cores;
            break;
        case O_NODES:
            if ((rc = cli_parse_long("--nodes", optarg, 1, 100000000, &nodes, &err)))
                return cli_usage("pipeline show", "%s", err.msg);
            break;
        default:
            return cli_usage("pipeline show", "unknown option or missing value '%s'",
                             argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return cli_usage("pipeline show", "expected one pipeline NAME or FILE");

    pipe_pipeline *p = NULL;
    est_coadds co;
    est_workload w;
    pipe_counts k;
    pipe_result r;
    int have_w = 0, have_r = 0;
    est_coadds_init(&co);
    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    pipe_counts_init(&k);
    if ((rc = pipe_load(&p, argv[optind], est_datadir(), &err))) goto done;
    if (workload) {
        if ((rc = est_coadds_read(&co, workload, &err)) ||
            (rc = est_workload_from_coadds(&w, &co, &err)))
            goto done;
        have_w = 1;
        if ((rc = est_pipe_counts(&k, &co, &w, &err))) goto done;
    }
    for (int i = 0; i < ncounts; i++)
        if ((rc = count_option(&k, counts[i], &err))) goto done;
    if (workload || ncounts) {
        if ((rc = pipe_compute(p, &k, &v, &r, &err))) goto done;
        have_r = 1;
    }
    if (format == EST_FMT_MD) print_md(p, have_r ? &r : NULL, &v, nodes);
    else if (format == EST_FMT_CSV) print_csv(p, have_r ? &r : NULL);
    else rc = print_json(p, have_r ? &r : NULL, &v, nodes, &err);
done:
    if (rc) code = rc == Y1_EUSAGE ? cli_usage("pipeline show", "%s", err.msg) : cli_fail(rc, &err);
    pipe_result_clear(&r);
    if (have_w) est_workload_clear(&w);
    est_coadds_clear(&co);
    pipe_free(p);
    return code;
}

int cli_pipeline(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        if (argc < 2) return cli_usage("pipeline", "expected a subcommand: show");
        cli_help(stdout, usage, FORMATS);
        return 0;
    }
    if (!strcmp(argv[1], "show")) return pipeline_show(argc - 1, argv + 1);
    return cli_usage("pipeline", "unknown subcommand '%s' (expected show)", argv[1]);
}
