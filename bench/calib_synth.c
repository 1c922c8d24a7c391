/* calib_synth.c: calibration report of the synthetic cadence against RTN-028 Figure 2. Writes a
 * synthetic cadence (or reads any OpSim file), takes its Y1 WFD visits, counts visits per
 * (band, tract, patch) on the DC2 sky map with the LSSTCam CCD footprint (or a circle), and prints
 * per band: the mean visits per patch against Figure 2's, and the histogram distance (half the
 * L1 distance between the normalised histograms, 0 = identical, 1 = disjoint) against the
 * digitised figure (shared/data/opsim/rtn028/fig2_digitized.csv). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cadence/cadence.h"
#include "cadence/synth.h"
#include "skymap/agg.h"
#include "skymap/skymap.h"

static const char usage[] =
    "usage: calib_synth [--cadence DB | --seed S --edge DEG --keep FILE] [--footprint lsstcam|circle]\n"
    "                   [--radius R] [--rotation random|rotskypos] [--threads T] [--fig2 CSV] [--hist]\n"
    "Without --cadence, writes a 1-year synthetic cadence (default seed and edge) to a temp file.\n";

#define NMAX 64

typedef struct vbuf { sky_visit *v; size_t n, cap; } vbuf;

static int collect(const cad_visit *v, void *ud)
{
    vbuf *b = ud;
    if (b->n == b->cap) {
        size_t c = b->cap ? 2 * b->cap : 65536;
        sky_visit *q = realloc(b->v, c * sizeof *q);
        if (!q) return Y1_ENOMEM;
        b->v = q;
        b->cap = c;
    }
    b->v[b->n++] = (sky_visit){v->id, v->ra_deg, v->dec_deg, isfinite(v->rot_deg) ? v->rot_deg : 0, v->band};
    return 0;
}

/* fig2_digitized.csv: "n_visits,u,g,r,i,z,y", values may carry a '*' or 'a' suffix. */
static int read_fig2(const char *path, double h[6][NMAX])
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    memset(h, 0, sizeof(double) * 6 * NMAX);
    if (!fgets(line, sizeof line, f)) { fclose(f); return -1; }
    while (fgets(line, sizeof line, f)) {
        char *p = line, *e;
        long n = strtol(p, &e, 10);
        if (e == p || n < 0 || n >= NMAX) continue;
        p = e;
        for (int b = 0; b < 6; b++) {
            if (*p == ',') p++;
            h[b][n] = strtod(p, &e);
            p = e;
            while (*p && *p != ',' && *p != '\n') p++;
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cadence = NULL, *keep = NULL, *fig2 = NULL, *fpkind = "lsstcam", *rotation = "random";
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
        else { fputs(usage, stderr); return 2; }
        i++;
    }
    if (threads < 1) threads = 1;
    char fig2_def[1024], tmp[256];
    const char *shared = getenv("Y1_SHARED");
    snprintf(fig2_def, sizeof fig2_def, "%s/data/opsim/rtn028/fig2_digitized.csv",
             shared && *shared ? shared : Y1_DATADIR "/../../shared");
    if (!fig2) fig2 = fig2_def;
    double ref[6][NMAX];
    if (read_fig2(fig2, ref)) { fprintf(stderr, "calib_synth: cannot read %s\n", fig2); return 3; }

    y1_err err = {{0}};
    int rc = 0;
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
    static double h[6][NMAX];
    for (size_t i = 0; i < nc; i++) {
        unsigned n = cs[i].num_visits;
        h[cs[i].band][n < NMAX ? n : NMAX - 1] += 1;
    }
    static const double fig2_mean[6] = {6.95, 9.13, 21.8, 24.8, 19.9, 25.2};
    printf("cadence %s, edge %g deg; footprint %s; Y1 WFD visits %zu\n", keep || !tmp[0] ? cadence :
           "(synthetic, temp)", edge, sky_footprint_describe(fp), vis.n);
    printf("warps/visit %.1f (RTN-028: ~279), coadds %lld (Table 2: 2.7 M), patches %lld (~460k)\n",
           (double)t->warps / (double)vis.n, (long long)t->coadds, (long long)t->patches);
    printf("band  visits  coadds   mean  fig2  ratio  p10  p50  p90  hist-dist\n");
    double worst = 0;
    for (int b = 0; b < 6; b++) {
        const sky_band_stats *s = &t->band[b];
        double tot = 0, d = 0;
        for (int n = 1; n < NMAX; n++) tot += h[b][n];
        double rs = 0;
        for (int n = 1; n < NMAX; n++) rs += ref[b][n];
        for (int n = 1; n < NMAX; n++) d += fabs(h[b][n] / tot - ref[b][n] / rs);
        double ratio = s->mean / fig2_mean[b];
        if (fabs(ratio - 1) > worst) worst = fabs(ratio - 1);
        printf("%c   %7lld %7lld  %5.2f %5.2f  %5.3f  %4.0f %4.0f %4.0f  %.3f\n", y1_band_letters[b],
               (long long)s->visits, (long long)s->coadds, s->mean, fig2_mean[b], ratio, s->p10,
               s->p50, s->p90, d / 2);
    }
    printf("worst mean deviation %.1f %%\n", 100 * worst);
    if (hist) {
        printf("n   u: ours fig2   g: ours fig2   r: ours fig2   i: ours fig2   z: ours fig2   y: ours fig2\n");
        for (int n = 1; n < 50; n++) {
            printf("%2d", n);
            for (int b = 0; b < 6; b++) {
                double tot = 0, rs = 0;
                for (int q = 1; q < NMAX; q++) { tot += h[b][q]; rs += ref[b][q]; }
                printf("   %5.3f %5.3f", h[b][n] / tot, ref[b][n] / rs);
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
