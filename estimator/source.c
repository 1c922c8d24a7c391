/* source.c: where the run's inputs come from: the data directory and its default files, sky
 * maps by name, the cadence to read (given, or the embedded synthetic stand-in, cached or written to
 * a temporary file) and how reports name it. Nothing here prints. */
#include "estimator/source.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "cadence/synth.h"
#include "common/y1_list.h"
#include "common/y1_out.h"
#include "common/y1_sha256.h"

static char datadir_given[PATH_MAX]; /* --datadir, or "" */

void est_set_datadir(const char *dir)
{
    snprintf(datadir_given, sizeof datadir_given, "%s", dir);
}

/* The directory of the running binary (from /proc/self/exe), or "" when unknown. */
static void exe_dir(char *buf, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    buf[0] = '\0';
    if (len <= 0) return;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = '\0';
    snprintf(buf, n, "%s", exe[0] ? exe : "/");
}

/* Where the data are, in this order: --datadir, $Y1_DATADIR, then by where the binary is: a
 * binary of the build tree (its directory is the one CMake built it in) reads the source
 * tree's data/, any other (installed, moved) reads <bindir>/../share/y1est (Y1_REL_DATADIR),
 * so an installed copy never depends on the source tree it was built from. */
const char *est_datadir(void)
{
    static char found[PATH_MAX + 64];
    if (datadir_given[0]) return datadir_given;
    const char *d = getenv("Y1_DATADIR");
    if (d && *d) return d;
    if (found[0]) return found;
    char dir[PATH_MAX], real_dir[PATH_MAX], real_build[PATH_MAX];
    exe_dir(dir, sizeof dir);
    if (dir[0] && realpath(dir, real_dir) && realpath(Y1_BUILD_DIR, real_build) &&
        !strcmp(real_dir, real_build))
        snprintf(found, sizeof found, "%s", Y1_SOURCE_DATADIR);
    else if (dir[0])
        snprintf(found, sizeof found, "%s/%s", dir, Y1_REL_DATADIR);
    else /* no /proc: the documented layout under the default prefix */
        snprintf(found, sizeof found, "/usr/local/share/y1est");
    return found;
}

const char *est_default_models(void)
{
    /* installed: <datadir>/models/; source tree: models/ beside data/ */
    static char path[PATH_MAX + 128];
    struct stat st;
    snprintf(path, sizeof path, "%s/models/rtn028-dc2-3828.yaml", est_datadir());
    if (stat(path, &st) == 0) return path;
    snprintf(path, sizeof path, "%s/../models/rtn028-dc2-3828.yaml", est_datadir());
    return path;
}

/* "dc2, lsst_cells_v1": the maps in DATADIR/skymaps, sorted */
size_t est_skymap_names(char *out, size_t n, const char *last)
{
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/skymaps", est_datadir());
    return y1_list_yaml(out, n, dir, last);
}

int est_skymap_path(const char *arg, char *path, size_t n, y1_err *err)
{
    size_t l = arg ? strlen(arg) : 0;
    if (!arg) {
        snprintf(path, n, "%s/skymaps/dc2.yaml", est_datadir());
        return Y1_OK;
    }
    if (strchr(arg, '/') || (l > 5 && !strcmp(arg + l - 5, ".yaml"))) {
        snprintf(path, n, "%s", arg);
        return Y1_OK;
    }
    char name[128];
    int ok = l > 0 && l < sizeof name;
    for (size_t i = 0; ok && i < l; i++) {
        unsigned char c = (unsigned char)arg[i];
        ok = isalnum(c) || c == '_' || c == '-' || c == '.';
        name[i] = (char)tolower(c);
    }
    struct stat sb;
    if (ok) {
        name[l] = '\0';
        snprintf(path, n, "%s/skymaps/%s.yaml", est_datadir(), name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) return Y1_OK;
    }
    char known[400];
    est_skymap_names(known, sizeof known, ", ");
    return y1_errf(err, Y1_EUSAGE, "--skymap: unknown sky map '%s' (known: %s; or give a sky "
                   "map YAML file)", arg, known[0] ? known : "none found");
}

void est_sel_init(est_sel *cs)
{
    memset(cs, 0, sizeof *cs);
    cad_selection_default(&cs->sel);
}

void est_close_cadence_tmp(char *tmp_path)
{
    if (!tmp_path[0]) return;
    remove(tmp_path);
    y1_tmp_untrack(tmp_path);
    tmp_path[0] = '\0';
}

/* The embedded default's cache. The synthetic cadence is a pure function of its options and
 * of the program that writes it, so the one-year file (75 MB; longer ones are not kept) is
 * kept under a name holding the algorithm version, seed, years and the executable's checksum,
 * in $Y1_CACHE_DIR, else $XDG_CACHE_HOME/y1est, else $HOME/.cache/y1est (Y1_CACHE_DIR=off:
 * none). Written atomically (temp file and rename), so concurrent runs are safe; at most
 * SYNTH_KEEP files are kept (a Debug and a Release build each have their own). Any failure
 * here only means no cache: the caller writes a temporary file as before. */
enum { SYNTH_KEEP = 3 };

static int cache_dir(char *dir, size_t n)
{
    const char *e = getenv("Y1_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (e && !strcmp(e, "off")) return -1;
    if (e && *e) snprintf(dir, n, "%s", e);
    else if (x && *x) snprintf(dir, n, "%s/y1est", x);
    else if (h && *h) {
        char base[900];
        snprintf(base, sizeof base, "%s/.cache", h);
        if (mkdir(base, 0755) && errno != EEXIST) return -1;
        snprintf(dir, n, "%s/y1est", base);
    } else return -1;
    if (mkdir(dir, 0755) && errno != EEXIST) return -1;
    return 0;
}

/* Remove all but the SYNTH_KEEP most recently used synth-*.db files of the cache dir. */
static void cache_prune(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct { char name[256]; time_t t; } f[64];
    int nf = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nf < 64) {
        size_t l = strlen(e->d_name);
        char p[1400];
        struct stat sb;
        if (strncmp(e->d_name, "synth-", 6) || l < 4 || strcmp(e->d_name + l - 3, ".db") ||
            l >= sizeof f[0].name)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &sb)) continue;
        snprintf(f[nf].name, sizeof f[nf].name, "%s", e->d_name);
        f[nf++].t = sb.st_mtime;
    }
    closedir(d);
    for (int k = SYNTH_KEEP; k < nf; k++) {
        /* drop the oldest until SYNTH_KEEP remain */
        int old = 0;
        for (int i = 1; i < nf; i++)
            if (f[i].t < f[old].t) old = i;
        char p[1400];
        snprintf(p, sizeof p, "%s/%s", dir, f[old].name);
        remove(p);
        f[old].t = (time_t)1 << 62;
    }
}

static int open_cached(const cad_synth_opts *o, cad_db **db)
{
    char dir[1024], path[1400], exe[65], want[120];
    y1_err e;
    if (o->years != 1 || cache_dir(dir, sizeof dir)) return -1;
    if (y1_sha256_file("/proc/self/exe", exe, NULL, &e)) return -1;
    snprintf(path, sizeof path, "%s/synth-%s-seed%llu-years%d-%.16s.db", dir, CAD_SYNTH_VERSION,
             (unsigned long long)o->seed, o->years, exe);
    snprintf(want, sizeof want, "y1est cadence synth, %s, seed %llu, years %d", CAD_SYNTH_VERSION,
             (unsigned long long)o->seed, o->years);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        /* the file says what wrote it; anything else (truncated, replaced) is written again */
        if (cad_open(db, path, &e) == Y1_OK && cad_synthetic(*db) &&
            !strcmp(cad_synthetic_desc(*db), want)) {
            utime(path, NULL); /* most recently used, for cache_prune */
            return Y1_OK;
        }
        cad_close(*db);
        *db = NULL;
        remove(path);
    }
    if (cad_synth_write(path, o, &e)) return -1;
    cache_prune(dir);
    if (cad_open(db, path, &e) == Y1_OK) return Y1_OK;
    cad_close(*db);
    *db = NULL;
    return -1;
}

int est_open_cadence(const est_sel *cs, cad_db **db, char *tmp_path, size_t n, char *note,
                     size_t nn, y1_err *err)
{
    tmp_path[0] = '\0';
    if (cs->cadence) {
        int rc = cad_open(db, cs->cadence, err);
        if (rc) return rc;
        /* the file's name and size, never its path; a synthetic file says so, whatever its name */
        char id[320];
        est_cadence_ident(*db, 0, id, sizeof id);
        if (cad_synthetic(*db))
            snprintf(note, nn, "cadence: %s: SYNTHETIC, written by %s, not an OpSim run; for real "
                     "numbers pass --cadence baseline_v2.0_10yrs.db", id, cad_synthetic_desc(*db));
        else
            snprintf(note, nn, "cadence: %s", id);
        return Y1_OK;
    }
    const char *dir = getenv("TMPDIR");
    int fd;
    cad_synth_opts o;
    cad_synth_opts_default(&o);
    /* the default job reads at most the requested years; generate only those */
    o.years = cs->sel.use_nights ? (cs->sel.night_hi / 365 + 1) : cs->sel.years;
    if (o.years < 1) o.years = 1;
    if (o.years > 10) o.years = 10;
    snprintf(note, nn, "cadence: the embedded SYNTHETIC stand-in for baseline v2.0 (y1est cadence "
             "synth, seed %llu, %d year%s), calibrated to RTN-028's Table 1 and Figures 1 and 2; for real "
             "numbers pass --cadence baseline_v2.0_10yrs.db", (unsigned long long)o.seed, o.years,
             o.years > 1 ? "s" : "");
    /* the name carries our PID, so a later run can tell a dead process's leftover (and the
     * file and its ".tmp.<pid>" sibling are removed on SIGINT/SIGTERM meanwhile); the sweep
     * runs before the cache is asked, so a cache hit still clears them */
    if (!dir || !*dir) dir = "/tmp";
    y1_tmp_sweep(dir, "y1est-synth.", ".??????");
    y1_tmp_sweep(dir, "y1est-synth.", ".??????.tmp.[0-9]*");
    if (open_cached(&o, db) == Y1_OK) return Y1_OK;
    snprintf(tmp_path, n, "%s/y1est-synth.%ld.XXXXXX", dir, (long)getpid());
    if ((fd = mkstemp(tmp_path)) < 0) {
        int rc = y1_errf(err, Y1_EIO, "%s: cannot create a temporary file: %m", tmp_path);
        tmp_path[0] = '\0';
        return rc;
    }
    close(fd);
    int rc = y1_tmp_track(tmp_path, 0, err);
    if (!rc) rc = cad_synth_write(tmp_path, &o, err);
    if (!rc) rc = cad_open(db, tmp_path, err);
    if (rc) {
        est_close_cadence_tmp(tmp_path);
        return rc;
    }
    return Y1_OK;
}

void est_cadence_ident(const cad_db *db, int embedded, char *buf, size_t n)
{
    const char *path = cad_path(db);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    /* the embedded default lives in a temporary file whose name means nothing */
    if (embedded)
        snprintf(buf, n, "embedded synthetic cadence");
    else if (cad_size_bytes(db) >= 0)
        snprintf(buf, n, "%s (%lld bytes)", base, (long long)cad_size_bytes(db));
    else
        snprintf(buf, n, "%s", base);
}
