/* util.c: small helpers shared by the subcommands: diagnostics, option numbers, the data
 * folder and the sky map names. */
#include "estimator/cli/cli.h"
#include "estimator/estimate.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/y1_num.h"

int cli_fail(int status, const y1_err *err)
{
    fprintf(stderr, "y1est: %s\n", err->msg);
    return y1_exit_code(status);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("y1est: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry 'y1est %s%s--help'\n", cmd ? cmd : "", cmd && *cmd ? " " : "");
    return 2;
}

/* An option value is parsed as any number is (common/y1_num.h); a bad one is bad usage. */
int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out,
                     y1_err *err)
{
    return y1_num_double(opt, s, lo, hi, out, err) ? Y1_EUSAGE : Y1_OK;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, y1_err *err)
{
    return y1_num_long(opt, s, lo, hi, out, err) ? Y1_EUSAGE : Y1_OK;
}

static char datadir_given[PATH_MAX]; /* --datadir, or "" */

void cli_set_datadir(const char *dir)
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
const char *cli_datadir(void)
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

const char *cli_default_models(void)
{
    /* installed: <datadir>/models/; source tree: models/ beside data/ */
    static char path[PATH_MAX + 128];
    struct stat st;
    snprintf(path, sizeof path, "%s/models/rtn028-dc2-3828.yaml", cli_datadir());
    if (stat(path, &st) == 0) return path;
    snprintf(path, sizeof path, "%s/../models/rtn028-dc2-3828.yaml", cli_datadir());
    return path;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "dc2, lsst_cells_v1": the maps in DATADIR/skymaps, sorted */
static void known_skymaps(char *out, size_t n)
{
    char dir[1024], *names[64];
    int k = 0;
    out[0] = '\0';
    snprintf(dir, sizeof dir, "%s/skymaps", cli_datadir());
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while (k < 64 && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 5 && e->d_name[0] != '.' && !strcmp(e->d_name + l - 5, ".yaml") &&
            (names[k] = strndup(e->d_name, l - 5)))
            k++;
    }
    closedir(d);
    qsort(names, (size_t)k, sizeof *names, cmp_name);
    for (int i = 0; i < k; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
}

int cli_skymap_path(const char *arg, char *path, size_t n, y1_err *err)
{
    size_t l = arg ? strlen(arg) : 0;
    if (!arg) {
        snprintf(path, n, "%s/skymaps/dc2.yaml", cli_datadir());
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
        snprintf(path, n, "%s/skymaps/%s.yaml", cli_datadir(), name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) return Y1_OK;
    }
    char known[400];
    known_skymaps(known, sizeof known);
    return y1_errf(err, Y1_EUSAGE, "--skymap: unknown sky map '%s' (known: %s; or give a sky "
                   "map YAML file)", arg, known[0] ? known : "none found");
}

void cli_print_warnings(const est_result *r)
{
    const char *p = r->warnings;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "y1est: warning: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}
