/* workload.h: the coadds of a selection, each (band, tract, patch) with its number of visits n,
 * plus the visit totals, and their exchange file coadds.csv (this is its only reader and
 * writer; every command that takes the file reads it here). From this the Table 2-4 workload
 * (histograms of n per coadd and per patch) is derived. */
#ifndef EST_WORKLOAD_H
#define EST_WORKLOAD_H

#include <stdint.h>

#include "common/y1_band.h"
#include "estimator/tables.h"

typedef struct est_coadd {
    int32_t tract;
    int16_t patch_x, patch_y;
    int8_t band;           /* 0..5, the index of common/y1_band.h */
    int32_t n;             /* visits in this coadd, >= 1 */
} est_coadd;

/* Where a workload came from, as recorded in coadds.csv: identities (file name with size or a
 * short checksum), never machine paths. Empty strings: not recorded. */
typedef struct est_provenance {
    char cadence[300];     /* e.g. "baseline_v2.0_10yrs.db (742711296 bytes)" */
    int synthetic;         /* 1 synthetic, 0 not, -1 not recorded */
    char synth_desc[200];  /* for synthetic cadences: "y1est cadence synth, synth-1, seed 42, ..." */
    char selection[400];
    char footprint[200];
    char skymap[200];      /* e.g. "dc2.yaml (sha256 0123456789ab)" */
} est_provenance;

typedef struct est_coadds {
    est_coadd *v;          /* sorted by (band, tract, patch_x, patch_y) */
    size_t n, cap;
    int64_t visits;        /* selected visits; -1 when unknown (a coadds.csv without the line) */
    int64_t visits_per_band[Y1_NBANDS];
    int ccds_per_visit;    /* 189 for LSSTCam */
    est_provenance prov;
} est_coadds;

void est_coadds_init(est_coadds *c);
void est_coadds_clear(est_coadds *c);
int  est_coadds_push(est_coadds *c, int band, int tract, int px, int py, int n, y1_err *err);
/* v[0..n-1] (malloc'd, sorted as above) become c's coadds, replacing any it had; c owns v. */
void est_coadds_adopt(est_coadds *c, est_coadd *v, size_t n);

/* Read coadds.csv: header `band,tract,patch_x,patch_y,num_visits`, band as a letter, n >= 1;
 * optional leading comment lines `# visits: N`, `# visits_<band>: N`, `# ccds_per_visit: N`
 * and the provenance `# cadence: ...`, `# synthetic: yes (...)|no`, `# selection: ...`,
 * `# footprint: ...`, `# skymap: ...` (written by est_coadds_write). Errors name file:line.
 * Duplicated coadds and duplicated header keys are errors. */
int est_coadds_read(est_coadds *out, const char *path, y1_err *err);
/* Write it (atomically), with the visit lines when visits are known and the provenance lines
 * that are recorded. */
int est_coadds_write(const est_coadds *c, const char *path, y1_err *err);

/* Build the histogram workload: coadds and their n, patches with n summed over bands,
 * warps = sum of n (each warp is one visit on one patch, and a visit has one band). */
int est_workload_from_coadds(est_workload *w, const est_coadds *c, y1_err *err);

/* Per-band statistics of n over that band's coadds. */
typedef struct est_nstats {
    int64_t coadds;
    double mean;
    int q05, median, q95, max;
} est_nstats;
/* out[b] for every band b, in one pass over the coadds (all zero for a band without coadds).
 * Return: Y1_OK or Y1_ENOMEM. */
int est_coadds_nstats_all(const est_coadds *c, est_nstats out[Y1_NBANDS], y1_err *err);

#endif
