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
};

#endif
