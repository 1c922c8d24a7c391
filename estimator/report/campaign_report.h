/* campaign_report.h: what a campaign run produced (the options it ran with, the estimate,
 * the simulation, the trade-off, Monte Carlo and sweep rows) and its outputs. The command
 * (estimator/cli/cmd_campaign.c) fills a camp; this room turns it into text, JSON, CSV and PNG. */
#ifndef EST_CAMPAIGN_REPORT_H
#define EST_CAMPAIGN_REPORT_H

#include <stdio.h>

#include "estimator/campaign/campaign.h"
#include "estimator/estimate.h"
#include "estimator/report/format.h"
#include "estimator/report/report.h"
#include "estimator/run.h"

#define MAX_TRADE 32
#define MAX_SWEEP 64

typedef struct camp_args {
    est_run_opts eo;
    cmp_opts co;
    cmp_mc_opts mc;
    long mc_rot;
    long trade[MAX_TRADE];
    int ntrade;
    const char *sweep_name;   /* "radius" or "years", NULL = no sweep */
    double sweep_v[MAX_SWEEP];
    int nsweep;
    est_format format;        /* stdout: md or json */
    const char *out;
    int plot_format;          /* --out plots: 0 PNG, 1 SVG, 2 PDF (plot.h's plot_format) */
} camp_args;

/* One sweep point. */
typedef struct sweep_row {
    double value;
    int64_t visits;
    double study_nd, makespan_d, alloc_nd, all_pb, keep_pb, peak_pb;
    double q[3][2];           /* MC 5-95 % of study node-days, makespan, peak PB */
} sweep_row;

typedef struct trade_row {
    long regions;
    double makespan_d, peak_pb, alloc_nd;
} trade_row;

typedef struct camp {
    camp_args *a;
    est_result er;
    cmp_work *w;
    cmp_result cr;
    const mdl_task **tasks;
    size_t ntasks;
    double all_bytes, keep_bytes;
    trade_row trade[MAX_TRADE];
    int ntrade;
    cmp_mc_sample *mc;
    long nmc;
    sweep_row sweep[MAX_SWEEP];
    int nsweep;
} camp;

/* The Markdown report (campaign.md) to fp. */
void cmp_report_md(FILE *fp, const camp *C);
/* summary.json to fp. Y1_EIO when it cannot be written, Y1_ENOMEM. */
int  cmp_report_json(const camp *C, FILE *fp, y1_err *err);
/* Every file of --out DIR (CSV tables, plots, summary.json; campaign.md) through a staging
 * directory: all or none. */
int  cmp_report_outdir(const camp *C, const char *dir, y1_err *err);

#endif
