/* cli_common.c: small helpers shared by the subcommands: diagnostics, option numbers, the data
 * folder and the sky map names. */
#include "estimator/cli.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

const char *cli_datadir(void)
{
    const char *d = getenv("Y1_DATADIR");
    return (d && *d) ? d : Y1_DATADIR;
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
