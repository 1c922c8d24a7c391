/* timeline.h: the campaign a Parsl run actually was (the desc-wfmon views of monitoring.db):
 * hosts and cores, makespan, busy core time and core utilisation over time, the dispatch
 * latency (launched -> running) and the inter-task latency on a worker (one try's end to the
 * next try's launch on the same host slot). Seconds; cores as counts. */
#ifndef EST_TIMELINE_H
#define EST_TIMELINE_H

#include <stddef.h>

#include "estimator/monitor.h"

typedef struct est_timeline {
    long hosts;             /* distinct hostnames of the tries */
    long cores;             /* sum over those hosts of the node table's cpu_count; 0 if unknown */
    double active_s;        /* sum over runs of (last end - first launch): restarts' gaps left out */
    double span_s;          /* first run's start to the last end, gaps included */
    double busy_core_s;     /* sum of (returned - running) over tries; a try lost in a crash
                               counts up to its last resource sample */
    double dispatch_s[4];   /* launched -> running: p0, p50, p95, max (NAN if none) */
    long ndispatch;
    double chain_s[4];      /* inter-task latency: p0, p50, p95, max (NAN if none) */
    long nchain, prompt;    /* chains, and those shorter than prompt_s */
    double prompt_s;        /* 10 s */
    double bin_s;
    size_t nbins;
    double *busy;           /* [nbins]: mean busy cores in each bin of the active timeline */
} est_timeline;

/* Build from m with bins of bin_s seconds (> 0) over the active timeline (runs laid end to end).
 * Host slots for the latency chains: the host's cpu_count in that run (1 if the node table
 * lacks it). Returns Y1_OK; Y1_EINPUT if no try has both a running and a return time;
 * Y1_ENOMEM. Free with est_timeline_clear. */
int est_timeline_build(est_timeline *out, const est_mon *m, double bin_s, y1_err *err);
void est_timeline_clear(est_timeline *t);

#endif
