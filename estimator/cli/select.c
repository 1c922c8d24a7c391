/* select.c: parsing of the visit-selection options shared by `estimate` and
 * `cadence summary`, and opening of the cadence (given, or the embedded synthetic default). */
#include "estimator/cli/cli.h"
#include "cadence/synth.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int cli_sel_option(est_sel *cs, int code, const char *arg, y1_err *err)
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


