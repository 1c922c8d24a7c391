/* report.h: the outputs of the main job (Markdown, CSV, JSON, the --out directory with its
 * plots, the BPS memory file) and the node plots. Only this room draws (report/plot.h). */
#ifndef EST_REPORT_H
#define EST_REPORT_H

#include <stdio.h>

#include "estimator/estimate.h"

/* Outputs. The report goes to fp; est_write_outdir writes every file into dir through a
 * staging directory and renames them into place only when all succeeded. Each returns Y1_OK,
 * Y1_ENOMEM (a table could not be built) or, for JSON, Y1_EIO. */
int  est_report_md(FILE *fp, const est_result *r, y1_err *err);
/* The report's warning about synthetic inputs (a Markdown quote), or nothing for real ones. */
void est_synthetic_banner(FILE *fp, const est_result *r);
int  est_report_csv(FILE *fp, const est_result *r, y1_err *err);
/* One table as a plain CSV file: name is table1..table4 (as the --out files). Returns Y1_OK,
 * Y1_ENOMEM, or Y1_EUSAGE for another name (nothing written). */
int  est_report_csv_table(FILE *fp, const est_result *r, const char *name, y1_err *err);
/* Whether name is one of those tables; all of them as "table1, table2, table3 or table4". */
int  est_report_table_known(const char *name);
const char *est_report_table_list(void);
int  est_report_json(FILE *fp, const est_result *r, y1_err *err);
int  est_write_outdir(const est_result *r, const char *dir, y1_err *err);
/* The same outputs for a pipeline file's estimate (r->pipe set): Tables 1-4 of the pipeline
 * (per task in pipeline order, node-days under both conventions, storage per dataset type),
 * summary.json with each task's instances and core_weighted_cpu_s and each platform's
 * node_days beside core_weighted_node_days; the --out directory holds table1-4.csv,
 * dimensions.csv, report.md, summary.json and coadds.csv. */
void est_pipe_report_md(FILE *fp, const est_result *r);
void est_pipe_report_csv(FILE *fp, const est_result *r);
int  est_pipe_report_json(FILE *fp, const est_result *r, y1_err *err);
int  est_pipe_write_outdir(const est_result *r, const char *dir, y1_err *err);

/* The BPS settings file (ctrl_bps `pipetask: LABEL:` keys): requestMemory in MiB (BPS's "MB")
 * of each task's maxRSS model at the quantile of the workload's n, requestCpus, and optionally
 * memoryMultiplier and numberOfRetries; a header says how each value was derived. */
typedef struct est_bps_opts {
    double quantile;          /* 0 < q <= 1; 1: the largest n (nothing exceeds its request) */
    double memory_multiplier; /* written when > 1 */
    long retries;             /* numberOfRetries, written when >= 0 */
} est_bps_opts;
void est_report_bps(FILE *fp, const est_result *r, const est_bps_opts *o);
/* The same for a pipeline file (r->pipe): its tasks in pipeline order; a task without a
 * memory model gets requestCpus only, and the header says so. */
void est_pipe_report_bps(FILE *fp, const est_result *r, const est_bps_opts *o);

/* Throughput against k (one-job units) for k = 1..cores, the linear extrapolation and the
 * measured points, with a mark at the peak: the shape of the study's Figure 5.
 * Returns Y1_EINPUT if p has no occupancy block; plot_scatter's statuses otherwise. */
int est_node_plot_occupancy(const est_platform *p, const char *png_path, y1_err *err);

/* The plots of a models fit into dir (made if needed): per task a histogram of each quantity
 * with its quantile (visit level, the study's Figure 3) or the scatter against n with the
 * envelope and its bootstrap band (coadd level, Figure 4), the points in the task's colour
 * drawn over the line. q is the fit quantile, y1_max_n the x range to reach; fmt 0 PNG, 1 SVG,
 * 2 PDF (plot.h's plot_format). */
int mdl_report_fit_plots(const char *dir, const mdl_set *set, const mdl_records *r, double q,
                         double y1_max_n, int fmt, y1_err *err);

#endif
