/* run.c: the main job's run (see run.h): reads the cadence or a workload file,
 * runs the footprint overlaps, loads models, platforms and products, and computes Tables 2-4. */
#include "estimator/run.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/y1_input.h"
#include "estimator/pipe_estimate.h"
#include "skymap/agg.h"
#include "skymap/dimcount.h"
#include "common/y1_grow.h"
#include "common/y1_progress.h"
#include "common/y1_sha256.h"

void est_run_opts_default(est_run_opts *o)
{
    memset(o, 0, sizeof *o);
    est_sel_init(&o->cs);
    o->footprint = SKY_FP_CIRCLE;
    o->radius_deg = 2.0;
    o->rotation = SKY_ROT_VISIT;
    o->overlap = SKY_OVERLAP_EXACT;
    o->seed = 42;
    o->tasks = "default";
    o->threads = 2;
}

/* A platform argument: an existing path, or a bare name in data/platforms/ ("perlmutter" or
 * "perlmutter.yaml"). */
int est_run_is_pipeline(const est_run_opts *o)
{
    return o->pipeline && strcmp(o->pipeline, "rtn028");
}

int est_run_resolve_platform(const char *arg, char *path, size_t n, y1_err *err)
{
    struct stat sb;
    if (stat(arg, &sb) == 0 && S_ISREG(sb.st_mode)) {
        snprintf(path, n, "%s", arg);
        return Y1_OK;
    }
    if (stat(arg, &sb) == 0 && strchr(arg, '/'))   /* a directory, FIFO or device */
        return y1_input_check(arg, "a platform YAML file", err);
    if (!strchr(arg, '/')) {
        /* the names the shipped files had before they said what they are */
        if (!strcmp(arg, "perlmutter-cpu") || !strcmp(arg, "perlmutter-cpu.yaml"))
            arg = "perlmutter-measured-isr";
        const char *ext = strstr(arg, ".yaml") ? "" : ".yaml";
        snprintf(path, n, "%s/platforms/%s%s", est_datadir(), arg, ext);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) return Y1_OK;
    }
    return y1_errf(err, Y1_EIO, "%s: no such platform file (looked in the current directory and "
                   "in %s/platforms/)", arg, est_datadir());
}

/* Collects the selected visits for the footprint step, and Table 1. */
typedef struct collect_ctx {
    sky_visit *v;
    size_t n, cap;
    int64_t per_band[Y1_NBANDS];
} collect_ctx;

static int collect_cb(const cad_visit *v, void *ud)
{
    collect_ctx *c = ud;
    /* a call a visit only when the array is full (millions of visits) */
    if (c->n == c->cap && y1_grow(&c->v, &c->cap, c->n + 1, sizeof *c->v, 65536))
        return Y1_ENOMEM;
    c->v[c->n++] = (sky_visit){v->id, v->ra_deg, v->dec_deg, v->rot_deg, v->band};
    c->per_band[v->band]++;
    return 0;
}

/* ud: the est_result whose Figure 1 pointings grow */
static int point_cb(const cad_visit *v, void *ud)
{
    est_result *r = ud;
    /* a class Figure 1 has no series for is not drawn (none exists) */
    if ((int)v->cls < 0 || (int)v->cls >= EST_NCLASS) return 0;
    est_points *p = &r->pointings[v->cls];
    if ((p->n == p->cap_ra && y1_grow(&p->ra, &p->cap_ra, p->n + 1, sizeof *p->ra, 65536)) ||
        (p->n == p->cap_dec && y1_grow(&p->dec, &p->cap_dec, p->n + 1, sizeof *p->dec, 65536)))
        return Y1_ENOMEM;
    p->ra[p->n] = (float)v->ra_deg;
    p->dec[p->n++] = (float)v->dec_deg;
    r->npointings++;
    return 0;
}

static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    y1_progress("footprints (visits)", (double)done, (double)total);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* --platform all: every *.yaml in data/platforms/, in name order. */
static int load_platforms(const est_run_opts *o, est_result *r, y1_err *err)
{
    char paths[64][1024];
    int np = 0, rc;
    for (int i = 0; i < o->n_platforms; i++) {
        if (!strcmp(o->platforms[i], "all")) {
            char dir[512];
            char *names[64];
            int nn = 0;
            snprintf(dir, sizeof dir, "%s/platforms", est_datadir());
            DIR *d = opendir(dir);
            struct dirent *e;
            if (!d) return y1_errf(err, Y1_EIO, "%s: cannot list platforms: %s", dir, strerror(errno));
            while ((e = readdir(d)) && nn < 64) {
                size_t l = strlen(e->d_name);
                if (l > 5 && !strcmp(e->d_name + l - 5, ".yaml")) names[nn++] = strdup(e->d_name);
            }
            closedir(d);
            qsort(names, (size_t)nn, sizeof *names, cmp_str);
            for (int k = 0; k < nn; k++) {
                if (np < 64 && names[k]) snprintf(paths[np++], sizeof paths[0], "%s/%s", dir, names[k]);
                free(names[k]);
            }
        } else {
            if (np == 64) return y1_errf(err, Y1_EUSAGE, "--platform: at most 64 platforms");
            if ((rc = est_run_resolve_platform(o->platforms[i], paths[np], sizeof paths[np], err))) return rc;
            np++;
        }
    }
    r->plat = calloc((size_t)np + 1, sizeof *r->plat);
    if (!r->plat) return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (int i = 0; i < np; i++)
        if ((rc = est_platform_load(&r->plat[i], paths[i], err))) return rc;
    r->nplat = (size_t)np;
    return np ? Y1_OK : y1_errf(err, Y1_EIO, "%s/platforms: no platform files", est_datadir());
}

/* The footprint step: visits -> coadds with their n. */
static int run_footprints(const est_run_opts *o, collect_ctx *vis, est_result *r, const char *src,
                          sky_dim_counts *dc, int *have_dc, y1_err *err)
{
    sky_map *m = NULL;
    sky_footprint *fp = NULL;
    sky_agg *agg = NULL;
    sky_fp_opts fo;
    char skymap[600], camera[600];
    int rc;
    if (o->skymap) snprintf(skymap, sizeof skymap, "%s", o->skymap_path);
    else snprintf(skymap, sizeof skymap, "%s/skymaps/dc2.yaml", est_datadir());
    snprintf(camera, sizeof camera, "%s/cameras/lsstcam.yaml", est_datadir());
    sky_fp_opts_init(&fo);
    fo.kind = o->footprint;
    fo.radius_deg = o->radius_deg;
    fo.rotation = o->rotation;
    fo.seed = (uint64_t)o->seed;
    fo.camera_path = camera;
    fo.overlap = o->overlap;
    /* the detector set shapes the lsstcam footprint itself: warps and coadds from the CCDs
     * processed; a circle has no detectors */
    if (r->pipe && r->pipe->have_det && o->footprint == SKY_FP_LSSTCAM)
        fo.ccd_keep = r->pipe->det.keep;
    else if (r->pipe && r->pipe->have_det && r->pipe->det.n != SKY_MAX_DETECTORS)
        est_result_warn(r, "--detectors with the circle footprint sets the CCD-visits only: a "
                        "circle has no detectors, so its warps and coadds are the whole circle's "
                        "(use --footprint lsstcam)");
    if ((rc = sky_map_new(&m, skymap, err)) || (rc = sky_footprint_new(&fp, &fo, err))) goto done;
    y1_file_ident(skymap, r->skymap, sizeof r->skymap);
    snprintf(r->footprint, sizeof r->footprint, "%s", sky_footprint_describe(fp));
    /* progress only for a long run (the hook in main prints it on a terminal only) */
    int tty = vis->n > 300000;
    if ((rc = sky_agg_run(&agg, m, fp, vis->v, vis->n, (int)o->threads, tty ? progress : NULL,
                          NULL, err))) {
        /* the visit came from the cadence: say which file, and the way out for rotSkyPos */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        y1_errf(err, rc, "%s: %s%s", src, msg, strstr(msg, "rotSkyPos")
                ? " (pass --rotation random when the cadence has no usable rotSkyPos)" : "");
        goto done;
    }
    /* The 3.8 M coadds of a 10-year run are converted in the array they came in (both kinds
     * are 16 bytes), not copied into a second one: each is read whole before its place is
     * written, through memcpy, so that neither type's accesses can be reordered past the
     * other's. */
    size_t nc = 0;
    unsigned char *buf = (unsigned char *)sky_agg_take_coadds(agg, &nc);
    _Static_assert(sizeof(sky_coadd) == sizeof(est_coadd), "coadds converted in place");
    for (size_t i = 0; i < nc; i++) {
        sky_coadd s;
        memcpy(&s, buf + i * sizeof s, sizeof s);
        est_coadd e = {.tract = s.tract, .patch_x = s.patch_x, .patch_y = s.patch_y,
                       .band = s.band, .n = (int32_t)s.num_visits};
        memcpy(buf + i * sizeof e, &e, sizeof e);
    }
    est_coadds_adopt(&r->coadds, (est_coadd *)(void *)buf, nc);
    r->coadds.ccds_per_visit = sky_footprint_num_ccds(fp);
    /* CCD-tract and visit-tract overlaps cost a pass over every CCD: only for a pipeline
     * that has such tasks or dataset types */
    if (r->pipe && (est_pipe_uses(r->pipe->p, PIPE_DIM_VISIT_DETECTOR_TRACT, NULL) ||
                    est_pipe_uses(r->pipe->p, PIPE_DIM_VISIT_TRACT, NULL))) {
        if ((rc = sky_dim_count(m, fp, vis->v, vis->n, &r->pipe->det, (int)o->threads, dc, err))) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            y1_errf(err, rc, "%s: pipeline %s: %s", src, r->pipe->p->name, msg);
            goto done;
        }
        *have_dc = 1;
    }
done:
    sky_agg_free(agg);
    sky_footprint_free(fp);
    sky_map_free(m);
    return rc;
}

/* A workload's tracts and patches must exist in the sky map (DC2: 18,938 tracts of 7 x 7,
 * lsst_cells_v1: of 10 x 10). */
static int check_workload_ids(const est_run_opts *o, const est_coadds *c, const char *path,
                              y1_err *err)
{
    sky_map *m = NULL;
    char skymap[600];
    int rc;
    if (o->skymap) snprintf(skymap, sizeof skymap, "%s", o->skymap_path);
    else snprintf(skymap, sizeof skymap, "%s/skymaps/dc2.yaml", est_datadir());
    if ((rc = sky_map_new(&m, skymap, err))) return rc;
    const sky_map_info *info = sky_map_get_info(m);
    for (size_t i = 0; i < c->n && !rc; i++)
        if (c->v[i].tract >= info->num_tracts || c->v[i].patch_x >= info->patches_x ||
            c->v[i].patch_y >= info->patches_y)
            rc = y1_errf(err, Y1_EINPUT, "%s: coadd tract %d patch %d,%d is not in sky map %s "
                         "(%d tracts of %d x %d patches)", path, c->v[i].tract, c->v[i].patch_x,
                         c->v[i].patch_y, info->name, info->num_tracts, info->patches_x,
                         info->patches_y);
    sky_map_free(m);
    return rc;
}

/* The pipeline's estimate over the coadds: the workload, HEALPix pixels from the sky map's
 * tract centres, and pipe_compute per platform. */
static int pipe_finish(const est_run_opts *o, est_result *r, const sky_dim_counts *dc, y1_err *err)
{
    sky_map *m = NULL;
    char skymap[600];
    int rc;
    if (o->skymap) snprintf(skymap, sizeof skymap, "%s", o->skymap_path);
    else snprintf(skymap, sizeof skymap, "%s/skymaps/dc2.yaml", est_datadir());
    if ((rc = est_workload_from_coadds(&r->w, &r->coadds, err))) return rc;
    if ((rc = sky_map_new(&m, skymap, err))) return rc;
    rc = est_pipe_compute(r->pipe, &r->coadds, &r->w, dc, m, r->plat, r->nplat, err);
    if (rc == Y1_EINPUT && !dc && strstr(err->msg, "x detector x tract")) {
        /* a coadds file has no CCDs: say where the count comes from */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        y1_errf(err, rc, "%s; CCD-tract overlaps come from the cadence with --footprint lsstcam%s",
                msg, o->workload ? ", not from a --workload file" : "");
    }
    sky_map_free(m);
    return rc;
}

int est_run(const est_run_opts *o_, est_result *r, int want_pointings, y1_err *err_)
{
    const est_run_opts o = *o_;
    int rc;
    cad_db *db = NULL;
    y1_err *err = err_;
    collect_ctx vis = {0};
    char tmp[512] = "", note[512] = "", path[512];
    sky_dim_counts dc;
    int have_dc = 0;
    if ((rc = load_platforms(&o, r, err))) goto done;
    if (est_run_is_pipeline(&o)) {
        if ((rc = est_pipe_new(&r->pipe, o.pipeline, est_datadir(), err))) goto done;
        if (o.detectors) {
            if ((rc = sky_detset_parse(&r->pipe->det, o.detectors, err))) goto done;
            r->pipe->have_det = 1;
        }
    }
    snprintf(r->fig2_reference, sizeof r->fig2_reference, "%s/rtn028/fig2_digitized.csv",
             est_datadir());
    snprintf(path, sizeof path, "%s", o.models ? o.models : "");
    if (!o.models) snprintf(path, sizeof path, "%s", est_default_models());
    if (r->pipe) {
        /* a pipeline file carries its own models and dataset types */
        snprintf(r->models, sizeof r->models, "pipeline %s", r->pipe->ident);
        snprintf(r->products, sizeof r->products, "pipeline %s", r->pipe->ident);
    } else {
        if ((rc = mdl_set_load(&r->model_set, path, err))) goto done;
        char id[320];
        y1_file_ident(path, id, sizeof id);
        snprintf(r->models, sizeof r->models, "%s, %s", mdl_set_name(r->model_set), id);
        snprintf(path, sizeof path, "%s", o.products ? o.products : "");
        if (!o.products) snprintf(path, sizeof path, "%s/products.yaml", est_datadir());
        if ((rc = est_products_load(&r->prod, path, err))) goto done;
        y1_file_ident(path, r->products, sizeof r->products);
    }

    if (o.workload) {
        if ((rc = est_coadds_read(&r->coadds, o.workload, err))) goto done;
        if ((rc = check_workload_ids(&o, &r->coadds, o.workload, err))) goto done;
        /* what the workload file says made it: a replay reports the same provenance */
        const est_provenance *pv = &r->coadds.prov;
        snprintf(r->footprint, sizeof r->footprint, "%s%s", pv->footprint[0] ? pv->footprint :
                 "not recorded", " (as recorded in the workload file)");
        snprintf(r->skymap, sizeof r->skymap, "%s%s", pv->skymap[0] ? pv->skymap :
                 "not recorded", " (as recorded in the workload file)");
        snprintf(r->selection, sizeof r->selection, "%s", pv->selection);
        r->synthetic = pv->synthetic;
    }
    if (!o.workload || r->coadds.visits < 0 || o.cs.cadence) {
        /* the cadence: Table 1, and the visits for the footprint step */
        if (o.workload && !o.cs.cadence && r->coadds.visits < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: no '# visits:' line, so the CCD-visit count is "
                         "unknown; pass --cadence with the same selection", o.workload);
            goto done;
        }
        if ((rc = est_open_cadence(&o.cs, &db, tmp, sizeof tmp, note, sizeof note, err))) goto done;
        /* the caller prints: the run itself says nothing */
        if (cad_warning(db)) est_result_warn(r, cad_warning(db));
        /* synthetic by the file's own mark; a workload made from a synthetic cadence stays so */
        if (cad_synthetic(db)) r->synthetic = 1;
        else if (!o.workload) r->synthetic = 0;
        /* Figure 1 shows every program of the selected nights: read in the same pass, unless
         * a WFD override changes the programs (the figure shows the file's own labels) */
        int overrides = o.cs.sel.n_wfd_ids > 0 || o.cs.sel.wfd_note;
        /* the run never uses the MJD, and rotSkyPos only to turn the lsstcam footprint: the
         * columns not read are not checked either */
        int use_rot = !o.workload && o.footprint == SKY_FP_LSSTCAM && o.rotation == SKY_ROT_VISIT;
        if (use_rot && !cad_has_rotation(db)) {
            rc = y1_errf(err, Y1_EINPUT, "%s: the visit table has no rotSkyPos column, which "
                         "--footprint lsstcam turns each visit by (pass --rotation random)",
                         cad_path(db));
            goto done;
        }
        cad_selection sel = o.cs.sel;
        sel.skip = CAD_SKIP_MJD | (use_rot ? 0u : CAD_SKIP_ROT);
        if (want_pointings && !overrides)
            rc = cad_scan_nights(db, &sel, collect_cb, &vis, point_cb, r, NULL, err);
        else
            rc = cad_scan(db, &sel, collect_cb, &vis, NULL, err);
        if (rc == Y1_ENOMEM) y1_errf(err, rc, "out of memory reading visits");
        if (rc) goto done;
        cad_selection_desc(db, &o.cs.sel, r->selection, sizeof r->selection);
        snprintf(r->programs, sizeof r->programs, "%s", cad_program_source(db));
        snprintf(r->cadence, sizeof r->cadence, "%s", note);
        if (vis.n == 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: empty selection: no visit matches %s", cad_path(db),
                         r->selection);
            goto done;
        }
        memcpy(r->visits_per_band, vis.per_band, sizeof r->visits_per_band);
        r->visits = (int64_t)vis.n;
        if (want_pointings && overrides) {
            cad_selection all = sel;
            all.program = "all";
            all.wfd_ids = NULL;
            all.n_wfd_ids = 0;
            all.wfd_note = NULL;
            all.band_mask = 0;
            if ((rc = cad_scan(db, &all, point_cb, r, NULL, err))) goto done;
        }
    }
    if (o.workload) {
        const est_provenance *pv = &r->coadds.prov;
        char wid[320];
        y1_file_ident(o.workload, wid, sizeof wid);
        snprintf(r->cadence + strlen(r->cadence), sizeof r->cadence - strlen(r->cadence),
                 "%sworkload: %s, made from: %s%s%s%s", r->cadence[0] ? "; " : "", wid,
                 pv->cadence[0] ? pv->cadence : "(not recorded)",
                 pv->synthetic == 1 ? ", SYNTHETIC (" : "", pv->synthetic == 1 ? pv->synth_desc : "",
                 pv->synthetic == 1 ? ")" : "");
        if (r->coadds.visits < 0) {
            r->coadds.visits = r->visits;
            memcpy(r->coadds.visits_per_band, r->visits_per_band, sizeof r->visits_per_band);
        } else if (!r->visits) {
            r->visits = r->coadds.visits;
            memcpy(r->visits_per_band, r->coadds.visits_per_band, sizeof r->visits_per_band);
        }
    } else {
        if ((rc = run_footprints(&o, &vis, r, cad_path(db), &dc, &have_dc, err))) goto done;
        est_provenance *pv = &r->coadds.prov;
        est_cadence_ident(db, o.cs.cadence == NULL, pv->cadence, sizeof pv->cadence);
        pv->synthetic = cad_synthetic(db);
        snprintf(pv->synth_desc, sizeof pv->synth_desc, "%s", cad_synthetic_desc(db));
        snprintf(pv->selection, sizeof pv->selection, "%s", r->selection);
        snprintf(pv->footprint, sizeof pv->footprint, "%.190s", r->footprint);
        snprintf(pv->skymap, sizeof pv->skymap, "%.190s", r->skymap);
        r->coadds.visits = r->visits;
        memcpy(r->coadds.visits_per_band, r->visits_per_band, sizeof r->visits_per_band);
    }
    /* the coadds are final: their n statistics once, for every report */
    if ((rc = est_coadds_nstats_all(&r->coadds, r->nstats, err))) goto done;
    r->have_nstats = 1;
    if (r->pipe) rc = pipe_finish(&o, r, have_dc ? &dc : NULL, err);
    else rc = est_compute(r, o.tasks, err);
done:
    free(vis.v);
    cad_close(db);
    est_close_cadence_tmp(tmp);
    return rc;
}
