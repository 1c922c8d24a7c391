/* source.h: where the run's inputs come from: the data directory and its default files, sky
 * maps by name, the cadence to read (given, or the embedded synthetic stand-in) and how the
 * outputs name it. Used by the run and by the commands; nothing here prints. */
#ifndef EST_SOURCE_H
#define EST_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "cadence/cadence.h"
#include "common/y1_err.h"

/* The data directory (platforms/, skymaps/, cameras/, products.yaml, rtn028/): --datadir, else
 * $Y1_DATADIR, else data/ of the source tree for a binary of the build tree, else
 * <bindir>/../share/y1est (installed). Borrowed string. */
const char *est_datadir(void);
/* The sky map file of a --skymap argument, into path (size n). NULL: the default map,
 * DATADIR/skymaps/dc2.yaml. An argument holding a '/' or ending in .yaml is a file, used as
 * given (sky_map_new reports a missing one). Anything else is a map name, looked up without
 * regard to case as DATADIR/skymaps/NAME.yaml ("dc2", "lsst_cells_v1"). Returns Y1_EUSAGE for
 * an unknown name, listing the known ones. */
int est_skymap_path(const char *arg, char *path, size_t n, y1_err *err);
/* The sky map names (DATADIR/skymaps/NAME.yaml), sorted and joined as y1_list_join does with
 * last before the final one; returns how many. For messages and help texts. */
size_t est_skymap_names(char *out, size_t n, const char *last);
void est_set_datadir(const char *dir); /* --datadir (main) */
/* The default model file: <datadir>/models/rtn028-dc2-3828.yaml when it exists (installed),
 * else <datadir>/../models/... (source tree). Borrowed string. */
const char *est_default_models(void);

/* The visit selection and the cadence it applies to (the command line fills it). */
typedef struct est_sel {
    const char *cadence;      /* NULL: the embedded synthetic default */
    cad_selection sel;
    int64_t wfd_ids[16];
} est_sel;

void est_sel_init(est_sel *cs);

/* The cadence's identity for outputs: "name.db (N bytes)", or "embedded synthetic cadence" when
 * embedded (the default written to a temporary file); never a path. */
void est_cadence_ident(const cad_db *db, int embedded, char *buf, size_t n);

/* Open the cadence to read: cs->cadence, or the embedded synthetic default written to a temp
 * file "$TMPDIR/y1est-synth.<pid>.XXXXXX" (its path goes into tmp_path, size n, to be removed
 * by the caller with est_close_cadence_tmp; "" otherwise; a signal removes it too).
 * note (size nn) receives a sentence for the report saying which cadence is used. */
void est_close_cadence_tmp(char *tmp_path); /* remove and forget it; "" is fine */
int est_open_cadence(const est_sel *cs, cad_db **db, char *tmp_path, size_t n, char *note,
                     size_t nn, y1_err *err);

#endif
