/* cmd_skymap.c: 'y1est skymap tract|find', for people checking a sky map and for the tests.
 * Prints tract geometry, or which tracts and patches hold a point and which patches a footprint
 * (circle or LSSTCam) touches there, as text or JSON (jansson). Angles in degrees. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "estimator/cli/cli.h"
#include "skymap/skymap.h"
#include "estimator/report/format.h"

static const char usage[] =
    "usage: y1est skymap tract ID [--format F] [--skymap NAME|YAML]\n"
    "       y1est skymap find RA DEC [--radius R | --footprint F [--rotation DEG]]\n"
    "                        [--overlap RULE] [--format F] [--skymap NAME|YAML]\n"
    "                        [--camera YAML]\n"
    "\n"
    "Inspect a rings sky map, a YAML file or a name in DATADIR/skymaps: {skymaps} (the\n"
    "default dc2 has 7 x 7 patches of 4000 px per tract, lsst_cells_v1 10 x 10 patches of\n"
    "3000 px, border 200 px, not clipped to the tract).\n"
    "  tract ID          centre, ring, inner RA/Dec range, pixel box, CRPIX and patch grid\n"
    "  find RA DEC       the tract that owns the point, every tract that contains it and the\n"
    "                    patch in each (RA in [0, 360], Dec in [-90, 90], degrees)\n"
    "  --radius R        also list the (tract, patch) pairs a circle of R deg touches\n"
    "  --footprint F     {footprints} (circle: radius 2 deg unless --radius; lsstcam: 189\n"
    "                    CCDs)\n"
    "  --rotation DEG    lsstcam: angle from north through east to the focal plane's +y (0)\n"
    "  --camera YAML     lsstcam focal plane (default DATADIR/cameras/lsstcam.yaml)\n"
    "  --overlap RULE    {overlaps}. exact (default): the footprint meets the patch's outer\n"
    "                    (border-included) sky polygon; bbox: the LSST stack's rule, the\n"
    "                    footprint's pixel box grown by the patch border against patch inner\n"
    "                    ranges\n"
    "  --format F        {formats} (default text)\n"
    "Exit codes: 0 ok, 1 bad input (coordinates, radius, tract, map file), 2 bad usage\n"
    "(including an unknown sky map name), 3 a file that cannot be read.\n";

typedef struct sm_opts {
    const char *pos[3];       /* positional arguments after the subcommand */
    int npos;
    const char *format, *skymap, *camera, *footprint, *radius, *rotation, *overlap;
    est_format fmt;           /* --format resolved: text (default) or json */
    int help;
} sm_opts;

/* Options may come anywhere; anything not starting with "--" is positional, so negative
 * numbers ("find 55 -30") need no quoting. */
static int parse(int argc, char **argv, sm_opts *o, y1_err *err)
{
    static const char *const names[] = {"format", "skymap", "camera", "footprint", "radius",
                                        "rotation", "overlap"};
    enum { NNAMES = sizeof names / sizeof names[0] };
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->help = 1;
            continue;
        }
        if (strncmp(a, "--", 2) || a[2] == '\0') {
            if (o->npos == 3) return y1_errf(err, Y1_EUSAGE, "unexpected argument '%s'", a);
            o->pos[o->npos++] = a;
            continue;
        }
        const char *eq = strchr(a, '='), *val = NULL;
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        int which = -1;
        for (int k = 0; k < NNAMES; k++)
            if (strlen(names[k]) == len && !strncmp(a + 2, names[k], len)) which = k;
        if (which < 0) return y1_errf(err, Y1_EUSAGE, "unknown option '%s'", a);
        if (eq) val = eq + 1;
        else if (i + 1 < argc) val = argv[++i];
        else return y1_errf(err, Y1_EUSAGE, "option '--%s' needs a value", names[which]);
        const char **slot[] = {&o->format, &o->skymap, &o->camera, &o->footprint, &o->radius,
                               &o->rotation, &o->overlap};
        *slot[which] = val;
    }
    o->fmt = EST_FMT_TEXT;
    int rc;
    if (o->format && (rc = est_format_parse(o->format, EST_FMT_BIT(EST_FMT_TEXT) |
                                            EST_FMT_BIT(EST_FMT_JSON), &o->fmt, err)))
        return rc;
    sky_overlap_rule rule;
    if (o->overlap && sky_overlap_rule_parse(o->overlap, &rule))
        return y1_errf(err, Y1_EUSAGE, "--overlap: expected %s, got '%s'",
                       sky_overlap_rule_list(), o->overlap);
    return Y1_OK;
}

static int print_json(json_t *j, y1_err *err)
{
    if (!j) return y1_errf(err, Y1_ENOMEM, "out of memory");
    int rc = json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(j);
    if (rc) return y1_errf(err, Y1_EIO, "cannot write to standard output");
    fputc('\n', stdout);
    return Y1_OK;
}

static int do_tract(const sky_map *m, const sm_opts *o, y1_err *err)
{
    long id;
    if (o->npos != 2) return y1_errf(err, Y1_EUSAGE, "skymap tract: expected one tract ID");
    int rc = cli_parse_long("tract ID", o->pos[1], -2147483647L, 2147483647L, &id, err);
    if (rc) return rc;
    sky_tract_info t;
    if ((rc = sky_tract_get(m, (int)id, &t, err))) return rc;
    const sky_map_info *in = sky_map_get_info(m);
    if (o->fmt == EST_FMT_JSON) {
        json_t *j = json_pack(
            "{s:s, s:i, s:i, s:i, s:f, s:f, s:{s:f, s:f, s:f, s:f}, s:{s:i, s:i}, s:[f, f], "
            "s:[i, i], s:i, s:i}",
            "skymap", in->name, "tract", t.id, "ring", t.ring, "index_in_ring", t.index_in_ring,
            "ra", t.ra_deg, "dec", t.dec_deg, "inner", "ra_min", t.ra_min_deg, "ra_max",
            t.ra_max_deg, "dec_min", t.dec_min_deg, "dec_max", t.dec_max_deg, "bbox", "width",
            in->tract_width_px, "height", in->tract_height_px, "crpix", in->crpix_x,
            in->crpix_y, "patch_grid", in->patches_x, in->patches_y, "patch_inner_px",
            in->patch_inner_px, "patch_border_px", in->patch_border_px);
        return print_json(j, err);
    }
    const char *where = t.ring < 0 ? " (south polar cap)"
                        : t.ring >= in->num_rings ? " (north polar cap)" : "";
    printf("skymap     %s\n", in->name);
    printf("tract      %d%s\n", t.id, where);
    if (*where) printf("ring       %d\n", t.ring);
    else
        printf("ring       %d (tract %d of %d in the ring)\n", t.ring, t.index_in_ring,
               sky_ring_num_tracts(m, t.ring));
    printf("centre     ra %.9f  dec %.9f  (deg)\n", t.ra_deg, t.dec_deg);
    printf("inner ra   %.9f .. %.9f  (deg%s)\n", t.ra_min_deg, t.ra_max_deg,
           t.ra_min_deg > t.ra_max_deg ? ", across RA 0" : "");
    printf("inner dec  %.9f .. %.9f  (deg)\n", t.dec_min_deg, t.dec_max_deg);
    printf("bbox       %d x %d px  [0, %d] x [0, %d]\n", in->tract_width_px,
           in->tract_height_px, in->tract_width_px - 1, in->tract_height_px - 1);
    printf("crpix      %.1f %.1f  (0-based; FITS %.1f %.1f)\n", in->crpix_x, in->crpix_y,
           in->crpix_x + 1, in->crpix_y + 1);
    printf("patches    %d x %d  (inner %d px, border %d px; patch (0,0) at high RA, low Dec)\n",
           in->patches_x, in->patches_y, in->patch_inner_px, in->patch_border_px);
    return Y1_OK;
}

static int do_find(const sky_map *m, const sm_opts *o, y1_err *err)
{
    double ra, dec, radius = 2.0, rot = 0.0;
    int rc;
    if (o->npos != 3) return y1_errf(err, Y1_EUSAGE, "skymap find: expected RA and DEC");
    /* any finite number parses; the range is the library's check, reported as bad input */
    if ((rc = cli_parse_double("RA", o->pos[1], -DBL_MAX, DBL_MAX, &ra, err)) ||
        (rc = cli_parse_double("DEC", o->pos[2], -DBL_MAX, DBL_MAX, &dec, err)))
        return rc;
    if (o->radius && (rc = cli_parse_double("--radius", o->radius, -DBL_MAX, DBL_MAX, &radius,
                                            err)))
        return rc;
    if (o->rotation &&
        (rc = cli_parse_double("--rotation", o->rotation, -DBL_MAX, DBL_MAX, &rot, err)))
        return rc;
    sky_fp_kind kind = SKY_FP_CIRCLE;
    if (o->footprint && sky_fp_kind_parse(o->footprint, &kind))
        return y1_errf(err, Y1_EUSAGE, "--footprint: expected %s, got '%s'", sky_fp_kind_list(),
                       o->footprint);
    int lsstcam = kind == SKY_FP_LSSTCAM;
    if (lsstcam && o->radius)
        return y1_errf(err, Y1_EUSAGE, "--radius applies to the circle footprint, not lsstcam");
    if (o->rotation && !lsstcam)
        return y1_errf(err, Y1_EUSAGE, "--rotation applies to --footprint lsstcam only");
    sky_overlap_rule rule = SKY_OVERLAP_EXACT;
    if (o->overlap) sky_overlap_rule_parse(o->overlap, &rule);  /* checked in parse() */
    if (o->overlap && !o->radius && !o->footprint)
        return y1_errf(err, Y1_EUSAGE, "--overlap applies to a footprint (--radius or "
                       "--footprint)");

    int owner, all[SKY_MAX_FIND_ALL], nall, px[SKY_MAX_FIND_ALL], py[SKY_MAX_FIND_ALL];
    if ((rc = sky_find_tract(m, ra, dec, &owner, err)) ||
        (rc = sky_find_all_tracts(m, ra, dec, all, SKY_MAX_FIND_ALL, &nall, err)))
        return rc;
    for (int i = 0; i < nall; i++)
        if ((rc = sky_find_patch(m, all[i], ra, dec, &px[i], &py[i], err))) return rc;

    sky_footprint *fp = NULL;
    sky_hits h = {0};
    char camera[1024];
    if (o->radius || o->footprint) {
        sky_fp_opts fo;
        sky_fp_opts_init(&fo);
        fo.kind = kind;
        fo.radius_deg = radius;
        fo.overlap = rule;
        snprintf(camera, sizeof camera, "%s/cameras/lsstcam.yaml", est_datadir());
        fo.camera_path = o->camera ? o->camera : camera;
        if ((rc = sky_footprint_new(&fp, &fo, err)) ||
            (rc = sky_footprint_patches(m, fp, ra, dec, rot, &h, err)))
            goto done;
    }
    if (o->fmt == EST_FMT_JSON) {
        json_t *j = json_pack("{s:f, s:f, s:i, s:[]}", "ra", ra, "dec", dec, "tract", owner,
                              "tracts");
        json_t *tp = json_array();
        if (!j || !tp) {
            json_decref(j);
            json_decref(tp);
            rc = y1_errf(err, Y1_ENOMEM, "out of memory");
            goto done;
        }
        json_t *ts = json_object_get(j, "tracts");
        for (int i = 0; i < nall; i++) {
            json_array_append_new(ts, json_integer(all[i]));
            json_array_append_new(tp, json_pack("[i, i, i]", all[i], px[i], py[i]));
        }
        json_object_set_new(j, "tract_patches", tp);
        if (fp) {
            json_t *ps = json_array();
            for (size_t i = 0; ps && i < h.n; i++)
                json_array_append_new(ps, json_pack("[i, i, i]", h.v[i].tract, h.v[i].patch_x,
                                                    h.v[i].patch_y));
            json_object_set_new(j, "skymap", json_string(sky_map_get_info(m)->name));
            json_object_set_new(j, "footprint", json_string(sky_fp_kind_name(kind)));
            json_object_set_new(j, "overlap", json_string(sky_overlap_rule_name(rule)));
            json_object_set_new(j, lsstcam ? "rotation" : "radius",
                                json_real(lsstcam ? rot : radius));
            json_object_set_new(j, "num_patches", json_integer((json_int_t)h.n));
            json_object_set_new(j, "patches", ps ? ps : json_null());
        }
        rc = print_json(j, err);
        goto done;
    }
    printf("point      ra %.9f  dec %.9f  (deg)\n", ra, dec);
    printf("tract      %d  (owner)\n", owner);
    printf("tracts    ");
    for (int i = 0; i < nall; i++) printf(" %d", all[i]);
    printf("\n");
    for (int i = 0; i < nall; i++)
        printf("patch      tract %d  patch %d,%d\n", all[i], px[i], py[i]);
    if (fp) {
        if (lsstcam)
            printf("footprint  lsstcam, %d CCDs, rotation %g deg%s", sky_footprint_num_ccds(fp),
                   rot, rule == SKY_OVERLAP_BBOX ? ", bounding-box rule" : "");
        else
            printf("footprint  %s", sky_footprint_describe(fp));
        printf("\npatches    %zu (tract patch_x patch_y)\n", h.n);
        for (size_t i = 0; i < h.n; i++)
            printf("  %d %d %d\n", h.v[i].tract, h.v[i].patch_x, h.v[i].patch_y);
    }
done:
    sky_hits_free(&h);
    sky_footprint_free(fp);
    return rc;
}

int cli_skymap(int argc, char **argv)
{
    sm_opts o;
    y1_err err = {{0}};
    int rc = parse(argc - 1, argv + 1, &o, &err);
    if (rc) return cli_usage("skymap", "%s", err.msg);
    if (o.help) {
        cli_help(stdout, usage, EST_FMT_BIT(EST_FMT_TEXT) | EST_FMT_BIT(EST_FMT_JSON));
        return 0;
    }
    if (o.npos == 0) return cli_usage("skymap", "skymap: expected a subcommand (tract or find)");
    const char *sub = o.pos[0];
    if (strcmp(sub, "tract") && strcmp(sub, "find"))
        return cli_usage("skymap", "skymap: unknown subcommand '%s'", sub);
    char path[1024];
    if ((rc = est_skymap_path(o.skymap, path, sizeof path, &err)))
        return cli_usage("skymap", "%s", err.msg);
    sky_map *m = NULL;
    if ((rc = sky_map_new(&m, path, &err))) return cli_fail(rc, &err);
    rc = !strcmp(sub, "tract") ? do_tract(m, &o, &err) : do_find(m, &o, &err);
    sky_map_free(m);
    if (rc == Y1_EUSAGE) return cli_usage("skymap", "%s", err.msg);
    return rc ? cli_fail(rc, &err) : 0;
}
