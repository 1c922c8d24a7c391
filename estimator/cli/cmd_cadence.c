/* cmd_cadence.c: `y1est cadence summary` (Table 1: visits per band and per program) and
 * `y1est cadence synth` (write the calibrated synthetic cadence). */
#include "estimator/cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cadence/synth.h"
#include "estimator/report/format.h"
#include "estimator/report/rtable.h"

#define FORMATS (EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) | EST_FMT_BIT(EST_FMT_JSON))

static const char cadence_usage[] =
    "usage: y1est cadence summary [--cadence DB] [selection] [--format F]\n"
    "       y1est cadence synth --out FILE.db [--years N] [--seed S]\n"
    "\n"
    "summary  prints Table 1 of the study for the selected visits: visits per band and the\n"
    "         total, then visits per program (WFD, Other, each DDF).\n"
    "synth    writes y1est's synthetic stand-in for OpSim baseline v2.0 (exact v2.0 schema;\n"
    "         Y1 counts per program and WFD per band equal RTN-028's Figure 1 and Table 1).\n"
    "\n" CLI_SEL_HELP
    "Output:\n"
    "  --format F            {formats} (default md)\n"
    "  -h, --help            this help\n";

static const char *class_name(cad_class c)
{
    switch (c) {
    case CAD_CLASS_WFD: return "WFD";
    case CAD_CLASS_DDF: return "DDF";
    case CAD_CLASS_OTHER: return "Other";
    default: return "unlabelled";
    }
}

/* Table 1 and the visits per program, described once: in CSV one table (a row per band, the
 * total, a row per program), in Markdown two (view 0 the bands, view 1 the programs). */
static const est_col summary_cols[] = {
    {{"kind", "%s", 0}, {{NULL, NULL, 0}, {NULL, NULL, 0}}, 0},
    {{"name", "%s", 0}, {{"band", "%s", 0}, {"program", "%s", 0}}, 0},
    {{NULL, NULL, 0}, {{NULL, NULL, 0}, {"class", "%s", 0}}, 0},
    {{"visits", "%lld", 0}, {{"visits", "%lld", 0}, {"visits", "%lld", 0}}, 1},
};

/* Render the summary table: CSV when v < 0, else Markdown view v (its rows). Y1_ENOMEM. */
static int summary_table(FILE *fp, cad_db *db, const cad_summary *s, int v, y1_err *err)
{
    est_dtab t;
    int rc = Y1_OK;
    est_dtab_init(&t, summary_cols, sizeof summary_cols / sizeof summary_cols[0]);
    for (int b = 0; b < Y1_NBANDS && !rc; b++)
        rc = est_dtab_row(&t, 0, (est_cell[]){EST_T("band"), EST_T(y1_band_name(b)), EST_NONE,
                                              EST_I(s->per_band[b])}, err);
    if (!rc)
        rc = est_dtab_row(&t, 0, (est_cell[]){EST_T("band"), EST_T("total"), EST_NONE,
                                              EST_I(s->total)}, err);
    for (int p = 0; p < cad_program_count(db) && !rc; p++)
        if (s->per_program[p])
            rc = est_dtab_row(&t, 1, (est_cell[]){
                EST_T("program"), EST_T(cad_program_name(db, p)),
                EST_T(class_name(cad_program_class(db, p))), EST_I(s->per_program[p])}, err);
    if (!rc) {
        if (v < 0) est_dtab_csv(fp, &t, -1);
        else est_dtab_md(fp, &t, v, v);
    }
    est_dtab_clear(&t);
    return rc;
}

/* Returns Y1_OK, Y1_ENOMEM, or est_json_write's status for JSON. */
static int print_summary(FILE *fp, est_format fmt, cad_db *db, const cad_selection *sel,
                         const cad_summary *s, const char *cadence_note, y1_err *err)
{
    char desc[400];
    int rc;
    cad_selection_desc(db, sel, desc, sizeof desc);
    char id[320];
    est_cadence_ident(db, strstr(cadence_note, "embedded") != NULL, id, sizeof id);
    if (fmt == EST_FMT_CSV) {
        /* a synthetic file says so before the table, whatever it is called */
        if (cad_synthetic(db))
            fprintf(fp, "# SYNTHETIC cadence (%s), not an OpSim run\n", cad_synthetic_desc(db));
        return summary_table(fp, db, s, -1, err);
    }
    if (fmt == EST_FMT_JSON) {
        json_t *root = json_object(), *visits = json_object(), *progs = json_array();
        json_object_set_new(root, "cadence", json_string(id));
        json_object_set_new(root, "synthetic", json_boolean(cad_synthetic(db)));
        if (cad_synthetic(db))
            json_object_set_new(root, "synthetic_by", json_string(cad_synthetic_desc(db)));
        json_object_set_new(root, "schema", json_string(cad_schema_desc(db)));
        json_object_set_new(root, "program_source", json_string(cad_program_source(db)));
        json_object_set_new(root, "selection", json_string(desc));
        for (int b = 0; b < Y1_NBANDS; b++) {
            char k[2] = {y1_band_letters[b], 0};
            json_object_set_new(visits, k, json_integer(s->per_band[b]));
        }
        json_object_set_new(visits, "total", json_integer(s->total));
        json_object_set_new(root, "visits", visits);
        for (int p = 0; p < cad_program_count(db); p++) {
            if (!s->per_program[p]) continue;
            json_t *o = json_object();
            json_object_set_new(o, "name", json_string(cad_program_name(db, p)));
            json_object_set_new(o, "class", json_string(class_name(cad_program_class(db, p))));
            json_object_set_new(o, "visits", json_integer(s->per_program[p]));
            json_array_append_new(progs, o);
        }
        json_object_set_new(root, "programs", progs);
        json_object_set_new(root, "first_night", json_integer(s->first_night));
        json_object_set_new(root, "last_night", json_integer(s->last_night));
        return est_json_write(fp, root, "cadence summary", err);
    }
    fprintf(fp, "# Table 1: visits per band\n\n");
    fprintf(fp, "- %s\n- schema: %s\n- programs from: %s\n- selection: %s\n", cadence_note,
            cad_schema_desc(db), cad_program_source(db), desc);
    fprintf(fp, "- selected nights: %d..%d\n\n", s->first_night, s->last_night);
    if ((rc = summary_table(fp, db, s, 0, err))) return rc;
    fprintf(fp, "\n## Visits per program\n\n");
    return summary_table(fp, db, s, 1, err);
}

static int cmd_summary(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_SEL_LONGOPTS,
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    est_sel cs;
    est_format fmt = EST_FMT_MD;
    y1_err err = {{0}};
    int c, rc;
    est_sel_init(&cs);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h') { cli_help(stdout, cadence_usage, FORMATS); return 0; }
        if (c == 'f') {
            if (est_format_parse(optarg, EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_CSV) |
                                 EST_FMT_BIT(EST_FMT_JSON), &fmt, &err))
                return cli_usage("cadence", "%s", err.msg);
        } else if (c >= CLI_OPT_SEL && c < CLI_OPT_SEL_END) {
            if ((rc = cli_sel_option(&cs, c, optarg, &err))) return cli_usage("cadence", "%s", err.msg);
        } else if (c == ':') {
            return cli_usage("cadence", "option '%s' needs a value", argv[optind - 1]);
        } else {
            return cli_usage("cadence", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage("cadence", "unexpected argument '%s'", argv[optind]);

    cad_db *db = NULL;
    cad_summary s = {0};
    char tmp[512], note[512];
    rc = est_open_cadence(&cs, &db, tmp, sizeof tmp, note, sizeof note, &err);
    if (!rc) {
        if (cad_warning(db)) fprintf(stderr, "y1est: warning: %s\n", cad_warning(db));
        rc = cad_summarize(db, &cs.sel, &s, &err);
    }
    if (!rc && s.total == 0) {
        char desc[400];
        cad_selection_desc(db, &cs.sel, desc, sizeof desc);
        rc = y1_errf(&err, Y1_EINPUT, "%s: empty selection: no visit matches %s", cad_path(db),
                     desc);
    }
    if (!rc) rc = print_summary(stdout, fmt, db, &cs.sel, &s, note, &err);
    cad_summary_clear(&s);
    cad_close(db);
    est_close_cadence_tmp(tmp);
    return rc ? cli_fail(rc, &err) : 0;
}

static int cmd_synth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"years", required_argument, NULL, 'y'},
        {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL;
    long years = 1, seed = -1;
    y1_err err = {{0}};
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cli_help(stdout, cadence_usage, FORMATS); return 0;
        case 'o': out = optarg; break;
        case 'y':
            if ((rc = cli_parse_long("--years", optarg, 1, 10, &years, &err)))
                return cli_usage("cadence", "%s", err.msg);
            break;
        case 's':
            if ((rc = cli_parse_long("--seed", optarg, 0, 2147483647L, &seed, &err)))
                return cli_usage("cadence", "%s", err.msg);
            break;
        case ':': return cli_usage("cadence", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage("cadence", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage("cadence", "unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage("cadence", "synth needs --out FILE.db");
    cad_synth_opts o;
    cad_synth_opts_default(&o);
    o.years = (int)years;
    if (seed >= 0) o.seed = (uint64_t)seed;
    if ((rc = cad_synth_write(out, &o, &err))) return cli_fail(rc, &err);
    fprintf(stderr, "y1est: wrote %s (synthetic baseline v2.0 stand-in, %ld year%s, seed %llu)\n",
            out, years, years > 1 ? "s" : "", (unsigned long long)o.seed);
    return 0;
}

int cli_cadence(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cli_help(argc < 2 ? stderr : stdout, cadence_usage, FORMATS);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "summary")) return cmd_summary(argc - 1, argv + 1);
    if (!strcmp(argv[1], "synth")) return cmd_synth(argc - 1, argv + 1);
    return cli_usage("cadence", "unknown cadence command '%s' (expected summary or synth)", argv[1]);
}
