/* pipe_workload.h: a workload (coadds.csv, or the estimate's coadds) as the dimension counts of
 * pipeline files (pipeline/pipeline.h). Counts are instances; nothing else is derived. */
#ifndef EST_PIPE_WORKLOAD_H
#define EST_PIPE_WORKLOAD_H

#include "estimator/workload.h"
#include "pipeline/pipeline.h"

/* Fill out from the coadds c and their histogram workload w (est_workload_from_coadds):
 * visits and visit x detector (visits x ccds_per_visit) when c knows its visits, warps
 * (visit x tract x patch = the sum of n), coadds (patch x band), patches, tracts, tract x band
 * and bands (the distinct values among the coadds), and the histograms of n, borrowed from w
 * (keep w alive while out is used). Everything else stays unknown (-1): CCD-tract and
 * visit-tract overlaps and healpix pixels are not in a coadds table. Y1_ENOMEM only. */
int est_pipe_counts(pipe_counts *out, const est_coadds *c, const est_workload *w, y1_err *err);

#endif
