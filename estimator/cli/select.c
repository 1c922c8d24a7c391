/* select.c: parsing of the visit-selection options shared by `estimate` and
 * `cadence summary`, and opening of the cadence (given, or the embedded synthetic default). */
#include "estimator/cli/cli.h"
#include "cadence/synth.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_sel_init(cli_sel *cs)
{
    memset(cs, 0, sizeof *cs);
    cad_selection_default(&cs->sel);
}

static int parse_nights(const char *arg, cad_selection *sel, y1_err *err)
{
    long a, b;
    char buf[64];
    const char *colon = strchr(arg, ':');
    if (!colon || (size_t)(colon - arg) >= sizeof buf)
        return y1_errf(err, Y1_EUSAGE, "--nights: expected A:B (e.g. 0:364), got '%s'", arg);
    memcpy(buf, arg, (size_t)(colon - arg));
    buf[colon - arg] = '\0';
    int rc = cli_parse_long("--nights", buf, 0, 100000, &a, err);
    if (!rc) rc = cli_parse_long("--nights", colon + 1, 0, 100000, &b, err);
    if (rc) return rc;
    if (b < a) return y1_errf(err, Y1_EUSAGE, "--nights: end %ld is before start %ld", b, a);
    sel->use_nights = 1;
    sel->night_lo = (int)a;
    sel->night_hi = (int)b;
    return Y1_OK;
}

int cli_sel_option(cli_sel *cs, int code, const char *arg, y1_err *err)
{
    long v;
    int rc;
    switch (code) {
    case CLI_OPT_CADENCE:
        cs->cadence = arg;
        return Y1_OK;
    case CLI_OPT_YEARS:
        if ((rc = cli_parse_long("--years", arg, 1, 10, &v, err))) return rc;
        cs->sel.years = (int)v;
        cs->sel.use_nights = 0;
        return Y1_OK;
    case CLI_OPT_NIGHTS:
        return parse_nights(arg, &cs->sel, err);
    case CLI_OPT_PROGRAM:
        if (!*arg) return y1_errf(err, Y1_EUSAGE, "--program: empty value");
        cs->sel.program = arg;
        return Y1_OK;
    case CLI_OPT_BANDS:
        return cad_parse_bands(arg, &cs->sel.band_mask, err);
    case CLI_OPT_WFD_ID: {
        char *copy = strdup(arg), *save = NULL;
        int n = 0;
        rc = Y1_OK;
        if (!copy) return y1_errf(err, Y1_ENOMEM, "out of memory");
        for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
            if (n == 16) { rc = y1_errf(err, Y1_EUSAGE, "--wfd-proposal-id: at most 16 ids"); break; }
            if (!(rc = cli_parse_long("--wfd-proposal-id", t, 0, 1000000, &v, err)))
                cs->wfd_ids[n++] = v;
        }
        free(copy);
        if (!rc && n == 0) rc = y1_errf(err, Y1_EUSAGE, "--wfd-proposal-id: no id given");
        if (rc) return rc;
        cs->sel.wfd_ids = cs->wfd_ids;
        cs->sel.n_wfd_ids = n;
        return Y1_OK;
    }
    case CLI_OPT_NIGHT_ZERO:
        cs->sel.relative_nights = 0;
        return Y1_OK;
    case CLI_OPT_WFD_NOTE:
        if (!*arg) return y1_errf(err, Y1_EUSAGE, "--wfd-note: empty pattern");
        cs->sel.wfd_note = arg;
        return Y1_OK;
    default:
        return y1_errf(err, Y1_EUSAGE, "internal: unknown selection option %d", code);
    }
}


void cli_cadence_ident(const cad_db *db, int embedded, char *buf, size_t n)
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

int cli_open_cadence(const cli_sel *cs, cad_db **db, char *tmp_path, size_t n, char *note,
                     size_t nn, y1_err *err)
{
    tmp_path[0] = '\0';
    if (cs->cadence) {
        int rc = cad_open(db, cs->cadence, err);
        if (rc) return rc;
        /* the file's name and size, never its path; a synthetic file says so, whatever its name */
        char id[320];
        cli_cadence_ident(*db, 0, id, sizeof id);
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
    snprintf(tmp_path, n, "%s/y1est-synth-XXXXXX", dir && *dir ? dir : "/tmp");
    if ((fd = mkstemp(tmp_path)) < 0) {
        int rc = y1_errf(err, Y1_EIO, "%s: cannot create a temporary file: %m", tmp_path);
        tmp_path[0] = '\0';
        return rc;
    }
    close(fd);
    int rc = cad_synth_write(tmp_path, &o, err);
    if (!rc) rc = cad_open(db, tmp_path, err);
    if (rc) {
        remove(tmp_path);
        tmp_path[0] = '\0';
        return rc;
    }
    snprintf(note, nn, "cadence: the embedded SYNTHETIC stand-in for baseline v2.0 (y1est cadence "
             "synth, seed %llu, %d year%s), calibrated to RTN-028's Table 1 and Figure 1; for real "
             "numbers pass --cadence baseline_v2.0_10yrs.db", (unsigned long long)o.seed, o.years,
             o.years > 1 ? "s" : "");
    return Y1_OK;
}
