/* dimcount.c: CCD-tract and visit-tract overlap counts, detector sets and the HEALPix pixel of
 * a point (skymap/dimcount.h). Angles in degrees; tracts by sky_find_all_tracts. */
#include "skymap/dimcount.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_num.h"
#include "skymap/sky_internal.h"

/* RTN-109's DP2 selection: the science detectors it excluded (17 of 189) */
static const int rtn109_dp2_drop[] = {0, 1, 19, 20, 27, 30, 65, 68, 120, 122, 123, 158, 161,
                                      168, 169, 187, 188};

int sky_detset_parse(sky_detset *out, const char *s, y1_err *err)
{
    sky_detset d;
    memset(d.keep, 1, sizeof d.keep);
    d.n = SKY_MAX_DETECTORS;
    if (!strcmp(s, "all")) {
        snprintf(d.name, sizeof d.name, "all %d", d.n);
    } else if (!strcmp(s, "rtn109-dp2")) {
        for (size_t i = 0; i < sizeof rtn109_dp2_drop / sizeof rtn109_dp2_drop[0]; i++)
            d.keep[rtn109_dp2_drop[i]] = 0;
        d.n -= (int)(sizeof rtn109_dp2_drop / sizeof rtn109_dp2_drop[0]);
        snprintf(d.name, sizeof d.name, "rtn109-dp2 (%d of 189)", d.n);
    } else if (s[0] == '-' && s[1]) {
        /* the ids after '-', each through the one number parser */
        char ids[SKY_MAX_DETECTORS * 4 + 1];
        if (strlen(s + 1) >= sizeof ids)
            return y1_errf(err, Y1_EUSAGE, "--detectors: more than %zu characters after '-'",
                           sizeof ids - 1);
        snprintf(ids, sizeof ids, "%s", s + 1);
        for (char *p = ids, *tok; (tok = strsep(&p, ",")); ) {
            long id;
            y1_err why;
            if (y1_num_long("--detectors", tok, 0, SKY_MAX_DETECTORS - 1, &id, &why))
                return y1_errf(err, Y1_EUSAGE, "%s (detector ids after '-', separated by "
                               "commas, in '%s')", why.msg, s);
            if (!d.keep[id])
                return y1_errf(err, Y1_EUSAGE, "--detectors: detector %ld listed twice in '%s'",
                               id, s);
            d.keep[id] = 0;
            d.n--;
        }
        if (d.n == 0) return y1_errf(err, Y1_EUSAGE, "--detectors: '%s' drops every detector", s);
        snprintf(d.name, sizeof d.name, "%d of 189 (without %.60s)", d.n, s + 1);
    } else {
        return y1_errf(err, Y1_EUSAGE, "--detectors: expected all, rtn109-dp2 or -ID,ID,... "
                       "(ids to drop), got '%s'", s);
    }
    *out = d;
    return Y1_OK;
}

typedef struct dc_work {
    const sky_map *m;
    const sky_footprint *fp;
    const sky_visit *v;
    size_t lo, hi;
    const sky_detset *det;
    sky_dim_counts c;
    int rc;
    y1_err err;
    pthread_t th;
} dc_work;

static int add_unique(int *set, int *n, int t)
{
    for (int i = 0; i < *n; i++)
        if (set[i] == t) return 0;
    set[(*n)++] = t;
    return 1;
}

static void *dc_worker(void *arg)
{
    dc_work *w = arg;
    /* a visit meets at most a few dozen tracts; a CCD at most 4 x SKY_MAX_FIND_ALL */
    int vis_t[4 * SKY_MAX_FIND_ALL * SKY_MAX_DETECTORS], ccd_t[4 * SKY_MAX_FIND_ALL];
    for (size_t i = w->lo; i < w->hi && !w->rc; i++) {
        const sky_visit *v = &w->v[i];
        double rot = sky_footprint_rotation(w->fp, v->id, v->rot_deg);
        int nv = 0;
        for (int k = 0; k < w->fp->nccd && !w->rc; k++) {
            if (w->det && !w->det->keep[k]) continue;
            double ra[4], dec[4];
            int nc = 0;
            if ((w->rc = sky_footprint_ccd_corners(w->fp, k, v->ra_deg, v->dec_deg, rot, ra, dec,
                                                   &w->err)))
                break;
            for (int q = 0; q < 4 && !w->rc; q++) {
                int t[SKY_MAX_FIND_ALL], nt = 0;
                if ((w->rc = sky_find_all_tracts(w->m, ra[q], dec[q], t, SKY_MAX_FIND_ALL, &nt,
                                                 &w->err)))
                    break;
                for (int j = 0; j < nt; j++)
                    if (add_unique(ccd_t, &nc, t[j])) add_unique(vis_t, &nv, t[j]);
            }
            w->c.visit_detector++;
            w->c.visit_detector_tract += nc;
        }
        w->c.visit_tract += nv;
        if (w->rc) {
            char msg[sizeof w->err.msg];
            snprintf(msg, sizeof msg, "%s", w->err.msg);
            y1_errf(&w->err, w->rc, "visit %lld (index %zu): %s", (long long)v->id, i, msg);
        }
    }
    return NULL;
}

int sky_dim_count(const sky_map *m, const sky_footprint *fp, const sky_visit *visits, size_t n,
                  const sky_detset *det, int threads, sky_dim_counts *out, y1_err *err)
{
    if (fp->kind != SKY_FP_LSSTCAM)
        return y1_errf(err, Y1_EINPUT, "CCD-tract and visit-tract overlaps need the lsstcam "
                       "footprint (--footprint lsstcam); a circle has no detectors");
    if (threads < 1) threads = 1;
    if ((size_t)threads > n) threads = n ? (int)n : 1;
    dc_work *wk = calloc((size_t)threads, sizeof *wk);
    if (!wk) return y1_errf(err, Y1_ENOMEM, "dimension counts: out of memory");
    for (int t = 0; t < threads; t++)
        wk[t] = (dc_work){m, fp, visits, n * (size_t)t / (size_t)threads,
                          n * (size_t)(t + 1) / (size_t)threads, det, {0, 0, 0}, 0, {{0}}, 0};
    int started = 0, rc = Y1_OK;
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&wk[t].th, NULL, dc_worker, &wk[t])) {
            rc = y1_errf(err, Y1_EIO, "dimension counts: cannot start a thread");
            break;
        }
        started++;
    }
    if (!rc) dc_worker(&wk[0]);
    for (int t = 1; t <= started; t++) pthread_join(wk[t].th, NULL);
    sky_dim_counts c = {0, 0, 0};
    for (int t = 0; t < threads && !rc; t++) {
        /* the first failing chunk in visit order names its visit */
        if (wk[t].rc) {
            rc = wk[t].rc;
            *err = wk[t].err;
            break;
        }
        c.visit_detector += wk[t].c.visit_detector;
        c.visit_detector_tract += wk[t].c.visit_detector_tract;
        c.visit_tract += wk[t].c.visit_tract;
    }
    free(wk);
    if (!rc) *out = c;
    return rc;
}

int64_t sky_healpix_nest(int order, double ra_deg, double dec_deg)
{
    /* Gorski et al. 2005, section 4: z = cos(theta), phi in quarter turns tt in [0, 4); the
     * equatorial zone |z| <= 2/3 and the polar caps; then the face's (ix, iy) bit-interleaved */
    const int64_t nside = (int64_t)1 << order;
    double z = sin(dec_deg * M_PI / 180.0), za = fabs(z);
    double tt = fmod(ra_deg, 360.0);
    if (tt < 0) tt += 360.0;
    tt /= 90.0;
    if (tt >= 4.0) tt = 0.0;
    int64_t face, ix, iy;
    if (za <= 2.0 / 3.0) {
        double t1 = (double)nside * (0.5 + tt), t2 = (double)nside * z * 0.75;
        int64_t jp = (int64_t)(t1 - t2), jm = (int64_t)(t1 + t2);
        int64_t ifp = jp / nside, ifm = jm / nside;
        face = ifp == ifm ? (ifp | 4) : (ifp < ifm ? ifp : ifm + 8);
        ix = jm & (nside - 1);
        iy = nside - (jp & (nside - 1)) - 1;
    } else {
        int ntt = (int)tt;
        if (ntt >= 4) ntt = 3;
        double tp = tt - ntt, tmp = (double)nside * sqrt(3.0 * (1.0 - za));
        int64_t jp = (int64_t)(tp * tmp), jm = (int64_t)((1.0 - tp) * tmp);
        if (jp > nside - 1) jp = nside - 1;
        if (jm > nside - 1) jm = nside - 1;
        if (z >= 0) {
            face = ntt;
            ix = nside - jm - 1;
            iy = nside - jp - 1;
        } else {
            face = ntt + 8;
            ix = jp;
            iy = jm;
        }
    }
    int64_t ipf = 0;
    for (int b = 0; b < order; b++)
        ipf |= ((ix >> b & 1) << (2 * b)) | ((iy >> b & 1) << (2 * b + 1));
    return face * nside * nside + ipf;
}
