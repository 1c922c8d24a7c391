/* bench_overlap.c: the visits x patches benchmark. Reads visits from an OpSim-format cadence
 * (e.g. y1est's synthetic baseline) or draws N random WFD-like pointings, runs the footprint
 * step (sky_agg_run) and prints one line: visits/s, wall time, peak RSS, warps per visit.
 * Times are wall-clock seconds (CLOCK_MONOTONIC); memory is the peak RSS of the process. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cadence/cadence.h"
#include "common/y1_grow.h"
#include "skymap/agg.h"
#include "skymap/skymap.h"

static const char usage[] =
    "usage: bench_overlap (--random N | --cadence DB [--years Y] [--program P])\n"
    "                     [--footprint circle|lsstcam] [--radius R] [--rotation rotskypos|random]\n"
    "                     [--threads T] [--check] [--skymap YAML] [--camera YAML] [--label L]\n"
    "                     [--overlap exact|bbox]\n"
    "Prints: label, footprint, sky map, rule, visits, threads, read s, overlap s, wall s,\n"
    "CPU s (user + system, the whole process so far; and of the overlap step), visits/s,\n"
    "warps/visit, coadds, patches, tracts, (tract, band) pairs, peak RSS MB. --check also runs\n"
    "1 thread and compares.\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the whole process (all threads) */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct vbuf {
    sky_visit *v;
    size_t n, cap;
} vbuf;

static int push(vbuf *b, sky_visit v)
{
    if (y1_grow(&b->v, &b->cap, b->n + 1, sizeof *b->v, 65536)) return Y1_ENOMEM;
    b->v[b->n++] = v;
    return 0;
}

static int from_cadence(const cad_visit *v, void *ud)
{
    double rot = isfinite(v->rot_deg) ? v->rot_deg : 0.0;
    return push(ud, (sky_visit){v->id, v->ra_deg, v->dec_deg, rot, v->band});
}

/* Progress for a person watching: only on a terminal, and only once a run passes 2 s. */
typedef struct prog {
    double t0;
    int shown;
} prog;

static void progress(void *ctx, size_t done, size_t total)
{
    prog *p = ctx;
    if (!isatty(2) || now_s() - p->t0 < 2.0) return;
    fprintf(stderr, "\rbench_overlap: %zu / %zu visits (%.0f%%)", done, total,
            total ? 100.0 * (double)done / (double)total : 100.0);
    p->shown = 1;
}

static int same(const sky_agg *a, const sky_agg *b)
{
    size_t na, nb;
    const sky_coadd *x = sky_agg_coadds(a, &na), *y = sky_agg_coadds(b, &nb);
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (x[i].band != y[i].band || x[i].tract != y[i].tract ||
            x[i].patch_x != y[i].patch_x || x[i].patch_y != y[i].patch_y ||
            x[i].num_visits != y[i].num_visits)
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    const char *cadence = NULL, *program = "wfd", *fpname = "circle", *rotname = "rotskypos";
    const char *skymap = Y1_DATADIR "/skymaps/dc2.yaml", *camera = Y1_DATADIR "/cameras/lsstcam.yaml";
    const char *label = NULL, *overlap = "exact";
    long nrandom = 0, years = 1, threads = 2;
    double radius = 2.0;
    int check = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--check")) {
            check = 1;
            used = 0;
        } else if (!val) {
            fprintf(stderr, "bench_overlap: bad option '%s'\n%s", a, usage);
            return 2;
        } else if (!strcmp(a, "--random")) nrandom = atol(val);
        else if (!strcmp(a, "--cadence")) cadence = val;
        else if (!strcmp(a, "--years")) years = atol(val);
        else if (!strcmp(a, "--program")) program = val;
        else if (!strcmp(a, "--footprint")) fpname = val;
        else if (!strcmp(a, "--radius")) radius = atof(val);
        else if (!strcmp(a, "--rotation")) rotname = val;
        else if (!strcmp(a, "--threads")) threads = atol(val);
        else if (!strcmp(a, "--skymap")) skymap = val;
        else if (!strcmp(a, "--camera")) camera = val;
        else if (!strcmp(a, "--label")) label = val;
        else if (!strcmp(a, "--overlap")) overlap = val;
        else {
            fprintf(stderr, "bench_overlap: unknown option '%s'\n%s", a, usage);
            return 2;
        }
        i += used;
    }
    if ((nrandom <= 0) == (cadence == NULL) || threads < 1 ||
        (strcmp(overlap, "exact") && strcmp(overlap, "bbox"))) {
        fputs(usage, stderr);
        return 2;
    }

    y1_err err = {{0}};
    int rc = 0;
    vbuf vis = {0};
    double t0 = now_s();
    if (cadence) {
        cad_db *db = NULL;
        cad_selection sel;
        cad_selection_default(&sel);
        sel.years = (int)years;
        sel.program = program;
        if ((rc = cad_open(&db, cadence, &err)) ||
            (rc = cad_scan(db, &sel, from_cadence, &vis, NULL, &err))) {
            cad_close(db);
            goto fail;
        }
        cad_close(db);
    } else {
        /* uniform over the sphere between Dec -70 and +15 (the WFD range), fixed seed */
        uint64_t s = 0x5eed2385ULL;
        double zlo = sin(-70.0 * M_PI / 180.0), zhi = sin(15.0 * M_PI / 180.0);
        for (long i = 0; i < nrandom; i++) {
            double u[4];
            for (int k = 0; k < 4; k++) {
                s = s * 6364136223846793005ULL + 1442695040888963407ULL;
                u[k] = (double)(s >> 11) * 0x1.0p-53;
            }
            sky_visit v = {i, 360.0 * u[0], asin(zlo + (zhi - zlo) * u[1]) * 180.0 / M_PI,
                           360.0 * u[2], (int)(6.0 * u[3])};
            if (push(&vis, v)) {
                rc = y1_errf(&err, Y1_ENOMEM, "out of memory");
                goto fail;
            }
        }
    }
    double t_read = now_s() - t0;

    sky_map *m = NULL;
    sky_footprint *fp = NULL;
    sky_fp_opts fo;
    sky_fp_opts_init(&fo);
    fo.kind = strcmp(fpname, "lsstcam") ? SKY_FP_CIRCLE : SKY_FP_LSSTCAM;
    fo.radius_deg = radius;
    fo.rotation = strcmp(rotname, "random") ? SKY_ROT_VISIT : SKY_ROT_RANDOM;
    fo.seed = 1;
    fo.camera_path = camera;
    fo.overlap = strcmp(overlap, "bbox") ? SKY_OVERLAP_EXACT : SKY_OVERLAP_BBOX;
    if ((rc = sky_map_new(&m, skymap, &err)) || (rc = sky_footprint_new(&fp, &fo, &err)))
        goto fail;
    sky_agg *a = NULL, *b = NULL;
    prog p = {now_s(), 0};
    double t1 = now_s(), c1 = cpu_s();
    rc = sky_agg_run(&a, m, fp, vis.v, vis.n, (int)threads, progress, &p, &err);
    double t_overlap = now_s() - t1, c_overlap = cpu_s() - c1;
    if (p.shown) fputc('\n', stderr);
    if (rc) goto fail;
    double wall = now_s() - t0;
    const sky_totals *t = sky_agg_totals(a);
    /* distinct tracts and (tract, band): the coadds are sorted by (band, tract, patch) */
    size_t nc, ntb = 0, ntr = 0;
    const sky_coadd *c = sky_agg_coadds(a, &nc);
    int nt = sky_map_get_info(m)->num_tracts;
    unsigned char *seen = calloc((size_t)nt, 1);
    for (size_t i = 0; i < nc; i++) {
        ntb += i == 0 || c[i].band != c[i - 1].band || c[i].tract != c[i - 1].tract;
        if (seen && !seen[c[i].tract]) seen[c[i].tract] = 1, ntr++;
    }
    free(seen);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                 (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    printf("%-22s %-8s %-13s %-5s %9zu visits  %ld thr  read %6.3f s  overlap %6.3f s  "
           "wall %6.3f s  cpu %6.3f s (overlap %6.3f s)  %9.0f visits/s  %6.1f warps/visit  %8lld coadds  %7lld patches  "
           "%6zu tracts  %6zu tract-bands  peak RSS %5.0f MB\n",
           label ? label : (cadence ? "cadence" : "random"), fpname,
           sky_map_get_info(m)->name, overlap, vis.n, threads, t_read,
           t_overlap, wall, cpu, c_overlap, t_overlap > 0 ? (double)vis.n / t_overlap : 0.0,
           vis.n ? (double)t->warps / (double)vis.n : 0.0, (long long)t->coadds,
           (long long)t->patches, ntr, ntb, (double)ru.ru_maxrss / 1024.0);
    if (check) {
        if ((rc = sky_agg_run(&b, m, fp, vis.v, vis.n, 1, NULL, NULL, &err))) goto fail;
        printf("%-22s 1 thread vs %ld: %s\n", "", threads, same(a, b) ? "identical" : "DIFFERENT");
        if (!same(a, b)) rc = 1;
    }
    sky_agg_free(a);
    sky_agg_free(b);
    sky_footprint_free(fp);
    sky_map_free(m);
    free(vis.v);
    return rc ? 1 : 0;
fail:
    fprintf(stderr, "bench_overlap: %s\n", err.msg);
    free(vis.v);
    return rc == Y1_EUSAGE ? 2 : rc == Y1_EINPUT ? 1 : 3;
}
