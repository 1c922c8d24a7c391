/* synth_fig2.c: the digitised RTN-028 Figure 2 (data/rtn028/fig2_digitized.csv), the shape target
 * of the synthetic cadence: per band, the fraction of coadds with exactly n visits; and the
 * Kolmogorov-Smirnov distance of a histogram of visits per coadd from it. */
#include "cadence/synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_num.h"

static const char FIG2_HEADER[] = "n_visits,u,g,r,i,z,y";

int cad_synth_fig2_read(const char *path, cad_synth_fig2 *out, y1_err *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(errno));
    cad_synth_fig2 *f = calloc(1, sizeof *f);
    int rc = Y1_OK, line = 0;
    char buf[512];
    if (!f) { rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path); goto done; }
    while (fgets(buf, sizeof buf, fp)) {
        line++;
        size_t len = strcspn(buf, "\r\n");
        if (buf[len] == '\0' && !feof(fp)) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%d:1: line longer than %zu characters", path, line,
                         sizeof buf - 2);
            goto done;
        }
        buf[len] = '\0';
        if (line == 1) {
            if (strcmp(buf, FIG2_HEADER)) {
                rc = y1_errf(err, Y1_EINPUT, "%s:1:1: expected the header '%s'", path, FIG2_HEADER);
                goto done;
            }
            continue;
        }
        /* seven fields: n_visits, then one fraction per band, each through the one parser */
        static const char *const name[7] = {"n_visits", "u", "g", "r", "i", "z", "y"};
        char *field[8];
        int nf = 0;
        for (char *p = buf, *tok; nf < 8 && (tok = strsep(&p, ",")); ) field[nf++] = tok;
        if (nf != 7) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: expected 7 comma-separated fields, got %s",
                         path, line, nf < 7 ? (int)len + 1 : (int)(field[7] - buf),
                         nf < 7 ? "fewer" : "more");
            goto done;
        }
        y1_err why;
        long n;
        int first = f->rows == 0; /* the first row may be n = 0 or n = 1 */
        if (y1_num_long(name[0], field[0], 0, CAD_SYNTH_FIG2_NMAX - 1, &n, &why)) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%d:1: %s", path, line, why.msg);
            goto done;
        }
        if (!(first ? n == 0 || n == 1 : n == f->rows)) {
            rc = y1_errf(err, Y1_EINPUT, "%s:%d:1: expected n_visits %s, got %ld", path, line,
                         first ? "0 or 1" : "one more than the row above", n);
            goto done;
        }
        for (int b = 0; b < 6; b++) {
            char *v = field[b + 1];
            size_t l = strlen(v);
            /* a flag for an interpolated or assumed bin: a value all the same */
            if (l && (v[l - 1] == '*' || v[l - 1] == 'a')) v[l - 1] = '\0';
            if (y1_num_double(name[b + 1], v, 0, 1, &f->frac[b][n], &why)) {
                rc = y1_errf(err, Y1_EINPUT, "%s:%d:%d: %s", path, line, (int)(v - buf) + 1,
                             why.msg);
                goto done;
            }
        }
        f->rows = (int)n + 1;
    }
    if (ferror(fp)) { rc = y1_errf(err, Y1_EIO, "%s: read error", path); goto done; }
    if (f->rows < 2) { rc = y1_errf(err, Y1_EINPUT, "%s:%d: no histogram rows", path, line); goto done; }
    for (int b = 0; b < 6; b++) {
        double s = 0;
        for (int n = 1; n < f->rows; n++) s += f->frac[b][n];
        if (!(s > 0)) {
            rc = y1_errf(err, Y1_EINPUT, "%s: band %c has no coadds", path, "ugrizy"[b]);
            goto done;
        }
    }
    *out = *f;
done:
    free(f);
    fclose(fp);
    return rc;
}

double cad_synth_fig2_mean(const cad_synth_fig2 *f, int band)
{
    double s = 0, sn = 0;
    for (int n = 1; n < f->rows; n++) {
        s += f->frac[band][n];
        sn += n * f->frac[band][n];
    }
    return sn / s;
}

int cad_synth_fig2_last(const cad_synth_fig2 *f, int band)
{
    int last = 0;
    for (int n = 1; n < f->rows; n++)
        if (f->frac[band][n] > 0) last = n;
    return last;
}

double cad_synth_fig2_ks(const cad_synth_fig2 *f, int band, const int64_t *count, int ncount)
{
    double sf = 0, sc = 0;
    for (int n = 1; n < f->rows; n++) sf += f->frac[band][n];
    for (int n = 1; n < ncount; n++) sc += (double)count[n];
    if (!(sc > 0)) return 1.0;
    double cf = 0, cc = 0, d = 0;
    int top = f->rows > ncount ? f->rows : ncount;
    for (int n = 1; n < top; n++) {
        if (n < f->rows) cf += f->frac[band][n] / sf;
        if (n < ncount) cc += (double)count[n] / sc;
        double x = cf > cc ? cf - cc : cc - cf;
        if (x > d) d = x;
    }
    return d;
}
