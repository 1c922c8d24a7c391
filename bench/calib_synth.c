/* calib_synth.c: calibration report of the synthetic cadence against RTN-028 Figure 2. Writes a
 * synthetic cadence (or reads any OpSim file), takes its Y1 WFD visits, counts visits per
 * (band, tract, patch) on the DC2 sky map with the LSSTCam CCD footprint (or a circle), and prints
 * per band against the digitised Figure 2 (data/rtn028/fig2_digitized.csv, the one source of the
 * targets, means included): the mean visits per coadd, the Kolmogorov-Smirnov distance between
 * the distributions and the largest n. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cadence/cadence.h"
#include "common/y1_grow.h"
#include "cadence/synth.h"
#include "skymap/agg.h"
#include "skymap/skymap.h"

static const char usage[] =
    "usage: calib_synth [--cadence DB | --seed S --edge DEG --keep FILE] [--footprint lsstcam|circle]\n"
    "                   [--radius R] [--rotation random|rotskypos] [--threads T] [--fig2 CSV] [--hist]\n"
    "                   [--dump CSV]   (ra,dec,band,n of every coadd, the patch centre)\n"
    "                   [--counts CSV] (band,n,coadds: the histogram, to pool seeds)\n"
    "Without --cadence, writes a 1-year synthetic cadence (default seed and edge) to a temp file.\n";

#define NMAX CAD_SYNTH_FIG2_NMAX

typedef struct vbuf { sky_visit *v; size_t n, cap; } vbuf;

static int collect(const cad_visit *v, void *ud)
{
    vbuf *b = ud;
    if (y1_grow(&b->v, &b->cap, b->n + 1, sizeof *b->v, 65536)) return Y1_ENOMEM;
    b->v[b->n++] = (sky_visit){v->id, v->ra_deg, v->dec_deg, isfinite(v->rot_deg) ? v->rot_deg : 0, v->band};
    return 0;
}

int main(int argc, char **argv)
{
    const char *cadence = NULL, *keep = NULL, *dump = NULL, *counts = NULL, *fig2 = NULL, *fpkind = "lsstcam", *rotation = "random";
    double radius = 2.0, edge = CAD_SYNTH_WFD_EDGE_DEFAULT;
    unsigned long long seed = CAD_SYNTH_SEED_DEFAULT;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    int hist = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) { fputs(usage, stdout); return 0; }
        if (!strcmp(a, "--hist")) { hist = 1; continue; }
        if (!v) { fputs(usage, stderr); return 2; }
        if (!strcmp(a, "--cadence")) cadence = v;
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--edge")) edge = atof(v);
        else if (!strcmp(a, "--keep")) keep = v;
        else if (!strcmp(a, "--footprint")) fpkind = v;
        else if (!strcmp(a, "--radius")) radius = atof(v);
        else if (!strcmp(a, "--rotation")) rotation = v;
        else if (!strcmp(a, "--threads")) threads = atol(v);
        else if (!strcmp(a, "--fig2")) fig2 = v;
        else if (!strcmp(a, "--dump")) dump = v;
        else if (!strcmp(a, "--counts")) counts = v;
        else { fputs(usage, stderr); return 2; }
        i++;
    }
    if (threads < 1) threads = 1;
    char tmp[256] = "";
    if (!fig2) fig2 = Y1_DATADIR "/rtn028/fig2_digitized.csv";
    y1_err err = {{0}};
    int rc = 0;
    static cad_synth_fig2 ref;
    if ((rc = cad_synth_fig2_read(fig2, &ref, &err))) goto fail;

    if (!cadence) {
        cad_synth_opts o;
        cad_synth_opts_default(&o);
        o.seed = seed;
        o.wfd_edge_deg = edge;
        if (keep) cadence = keep;
        else {
            snprintf(tmp, sizeof tmp, "/tmp/calib_synth.%ld.db", (long)getpid());
            cadence = tmp;
        }
        if ((rc = cad_synth_write(cadence, &o, &err))) goto fail;
    }
    cad_db *db = NULL;
    if ((rc = cad_open(&db, cadence, &err))) goto fail;
    cad_selection sel;
    cad_selection_default(&sel);
    vbuf vis = {0};
    rc = cad_scan(db, &sel, collect, &vis, NULL, &err);
    cad_close(db);
    if (!keep && cadence == tmp) remove(tmp);
    if (rc) goto fail;

    sky_map *m = NULL;
    sky_footprint *fp = NULL;
    sky_agg *ag = NULL;
    if ((rc = sky_map_new(&m, Y1_DATADIR "/skymaps/dc2.yaml", &err))) goto fail;
    sky_fp_opts fo;
    sky_fp_opts_init(&fo);
    fo.kind = !strcmp(fpkind, "circle") ? SKY_FP_CIRCLE : SKY_FP_LSSTCAM;
    fo.radius_deg = radius;
    fo.rotation = !strcmp(rotation, "rotskypos") ? SKY_ROT_VISIT : SKY_ROT_RANDOM;
    fo.seed = 42;
    fo.camera_path = Y1_DATADIR "/cameras/lsstcam.yaml";
    if ((rc = sky_footprint_new(&fp, &fo, &err))) goto fail;
    if ((rc = sky_agg_run(&ag, m, fp, vis.v, vis.n, (int)threads, NULL, NULL, &err))) goto fail;

    const sky_totals *t = sky_agg_totals(ag);
    size_t nc = 0;
    const sky_coadd *cs = sky_agg_coadds(ag, &nc);
    static int64_t h[6][NMAX];
    int nmax[6] = {0};
    for (size_t i = 0; i < nc; i++) {
        unsigned n = cs[i].num_visits;
        h[cs[i].band][n < NMAX ? n : NMAX - 1]++;
        if ((int)n > nmax[cs[i].band]) nmax[cs[i].band] = (int)n;
    }
    if (dump) {
        FILE *df = fopen(dump, "w");
        if (!df) { fprintf(stderr, "calib_synth: cannot write %s\n", dump); return 3; }
        const sky_map_info *mi = sky_map_get_info(m);
        fprintf(df, "ra,dec,band,n\n");
        for (size_t i = 0; i < nc; i++) {
            double ra, dec;
            sky_pixel_to_sky(m, cs[i].tract, (cs[i].patch_x + 0.5) * mi->patch_inner_px,
                             (cs[i].patch_y + 0.5) * mi->patch_inner_px, &ra, &dec);
            fprintf(df, "%.3f,%.3f,%d,%u\n", ra, dec, cs[i].band, cs[i].num_visits);
        }
        if (fclose(df)) { fprintf(stderr, "calib_synth: cannot write %s\n", dump); return 3; }
    }
    if (counts) {
        FILE *cf = fopen(counts, "w");
        if (!cf) { fprintf(stderr, "calib_synth: cannot write %s\n", counts); return 3; }
        fprintf(cf, "band,n,coadds\n");
        for (int b = 0; b < 6; b++)
            for (int n = 1; n < NMAX; n++)
                if (h[b][n]) fprintf(cf, "%d,%d,%lld\n", b, n, (long long)h[b][n]);
        if (fclose(cf)) { fprintf(stderr, "calib_synth: cannot write %s\n", counts); return 3; }
    }
    printf("cadence %s, edge %g deg; footprint %s; Y1 WFD visits %zu\n", keep || !tmp[0] ? cadence :
           "(synthetic, temp)", edge, sky_footprint_describe(fp), vis.n);
    printf("warps/visit %.1f (RTN-028: ~279), coadds %lld (Table 2: 2.7 M), patches %lld (~460k)\n",
           (double)t->warps / (double)vis.n, (long long)t->coadds, (long long)t->patches);
    printf("band  visits  coadds   mean  fig2  ratio  p10  p50  p90    KS  max n  fig2 last  beyond\n");
    double worst = 0, worst_ks = 0;
    for (int b = 0; b < 6; b++) {
        const sky_band_stats *s = &t->band[b];
        double fm = cad_synth_fig2_mean(&ref, b), ks = cad_synth_fig2_ks(&ref, b, h[b], NMAX);
        double ratio = s->mean / fm;
        if (fabs(ratio - 1) > worst) worst = fabs(ratio - 1);
        if (ks > worst_ks) worst_ks = ks;
        int last = cad_synth_fig2_last(&ref, b);
        int64_t beyond = 0;
        for (int n = last + 1; n < NMAX; n++) beyond += h[b][n];
        printf("%c   %7lld %7lld  %5.2f %5.2f  %5.3f  %4.0f %4.0f %4.0f  %.3f  %5d  %9d  %6.4f\n",
               y1_band_letters[b], (long long)s->visits, (long long)s->coadds, s->mean, fm, ratio,
               s->p10, s->p50, s->p90, ks, nmax[b], last, (double)beyond / (double)s->coadds);
    }
    printf("worst mean deviation %.1f %%, worst KS %.3f\n", 100 * worst, worst_ks);
    if (hist) {
        printf("n   u: ours fig2   g: ours fig2   r: ours fig2   i: ours fig2   z: ours fig2   y: ours fig2\n");
        for (int n = 1; n < NMAX; n++) {
            int any = 0;
            for (int b = 0; b < 6; b++) any |= h[b][n] > 0 || (n < ref.rows && ref.frac[b][n] > 0);
            if (!any) continue;
            printf("%2d", n);
            for (int b = 0; b < 6; b++) {
                double tot = 0, rs = 0;
                for (int q = 1; q < NMAX; q++) tot += (double)h[b][q];
                for (int q = 1; q < ref.rows; q++) rs += ref.frac[b][q];
                printf("   %5.3f %5.3f", (double)h[b][n] / tot, n < ref.rows ? ref.frac[b][n] / rs : 0);
            }
            printf("\n");
        }
    }
    sky_agg_free(ag);
    sky_footprint_free(fp);
    sky_map_free(m);
    free(vis.v);
    return 0;
fail:
    fprintf(stderr, "calib_synth: %s\n", err.msg);
    return rc == Y1_EUSAGE ? 2 : rc == Y1_EINPUT ? 1 : 3;
}
