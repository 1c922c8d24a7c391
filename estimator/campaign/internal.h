/* internal.h: what the campaign/ sources share and nobody else sees: the per-tract work. */
#ifndef EST_CAMPAIGN_INTERNAL_H
#define EST_CAMPAIGN_INTERNAL_H

#include "estimator/campaign/campaign.h"

struct cmp_work {
    size_t ntract;
    int32_t *tract_id;       /* ascending */
    int64_t *lvl;            /* lvl[t * 5 + level]: instances of each mdl_level in tract t */
    size_t *coff, *poff;     /* CSR offsets (ntract + 1) into the (n, count) lists below */
    int32_t *cn, *pn;        /* n of coadds / of patches (summed over bands), ascending */
    int64_t *cc, *pc;        /* how many coadds / patches of the tract have that n */
    est_workload w;
    int64_t *tract_bands;    /* distinct bands among each tract's coadds */
    /* a pipeline file's dimensions (cmp_work_set_counts): dimc[t * PIPE_DIM_COUNT + d] for the
     * dimensions split by tract; k holds the totals (global, band, healpix for whole tasks) */
    int have_k;
    pipe_counts k;
    int64_t *dimc;
};

#endif
