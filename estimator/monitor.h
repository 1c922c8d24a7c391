/* monitor.h: a whole Parsl monitoring.db (Parsl >= 1.1 schema) read into memory: runs, task
 * rows, tries with their CPU and sampled peak RSS, status histories, and the jobs (one logical
 * task across restarts, joined by workflow name and task hash). Times in seconds on the file's
 * own clocks (local time without a zone: only differences mean anything), CPU in s, memory in
 * bytes. Rules: ../shared/reference/parsl-monitoring.md sections 2-5. */
#ifndef EST_MONITOR_H
#define EST_MONITOR_H

#include <stddef.h>

#include "common/y1_err.h"

typedef struct est_mon_status {
    long try_id;
    char name[16];          /* pending, launched, running, running_ended, exec_done, ... */
    double t;               /* timestamp */
} est_mon_status;

typedef struct est_mon_try {
    long try_id;
    char *host, *block;     /* may be NULL */
    char *fail_history;     /* exception text, NULL when the try did not fail */
    double launched, running, returned; /* NAN when NULL (returned: lost in a crash) */
    double cpu_s;           /* max - min of user + system over its resource rows; NAN: no rows */
    double peak_rss_bytes;  /* largest RSS sample except the post-exit last row; NAN: no rows */
    long samples;           /* resource rows */
    double last_sample;     /* time of its last resource row; NAN: no rows */
    char state[16];         /* its last status ("" if none) */
} est_mon_try;

typedef struct est_mon_task {
    size_t run;             /* index into est_mon.runs */
    long task_id;
    char *label;            /* task_func_name: the BPS job label under ctrl_bps_parsl */
    char *hash;             /* task_hashsum; NULL when the file has none */
    double invoked, returned;
    long fail_count;
    double fail_cost;       /* NAN when the column is missing (Parsl 1.1.0) */
    char state[16];         /* its last status in this run (insertion order), "" if none */
    est_mon_try *tries;
    size_t ntries;
    est_mon_status *hist;   /* in insertion order */
    size_t nhist;
    size_t job;             /* index into est_mon.jobs */
} est_mon_task;

typedef enum est_mon_state { EST_MON_DONE = 0, EST_MON_FAILED, EST_MON_DEP_FAIL,
                             EST_MON_UNFINISHED, EST_MON_NSTATES } est_mon_state;

/* One logical task: the rows of every run with the same workflow name and task hash. */
typedef struct est_mon_job {
    const char *label;      /* borrowed from its first task row */
    size_t *tasks;          /* indices into est_mon.tasks, in run order */
    size_t ntasks;
    est_mon_state state;    /* done if exec_done (or memo_done) anywhere; else its last run's */
    int memo_only;          /* done only as memo_done: it ran in a run this file lacks */
    long ok_task;           /* the task row and try that succeeded, -1 if none */
    long ok_try;
    double cpu_s;           /* of the successful try; NAN if none or no samples */
    double wall_s;          /* returned - running of the successful try; NAN if unknown/negative */
    double peak_rss_bytes;  /* max over all its tries with samples; NAN if none */
    double retry_cpu_s;     /* CPU of its other tries (failed, lost in a crash) */
    long tries;             /* tries over all runs */
    int reruns;             /* runs after the first in which it was launched again */
} est_mon_job;

typedef struct est_mon_run {
    char *run_id, *name;    /* name: workflow_name ("" if NULL) */
    double began, completed;/* completed NAN: still running or crashed */
    long ntasks, ntries;
} est_mon_run;

typedef struct est_mon_node {
    size_t run;
    char *host;
    long cpu_count;
    double total_memory;    /* bytes */
} est_mon_node;

typedef struct est_mon {
    char *path;
    est_mon_run *runs;      /* sorted by time_began */
    size_t nruns;
    est_mon_task *tasks;    /* grouped by run, then task_id */
    size_t ntasks;
    est_mon_job *jobs;      /* in order of first appearance */
    size_t njobs;
    est_mon_node *nodes;
    size_t nnodes;
    char missing[400];      /* optional columns the file lacks, "table.column, ..."; "" if none */
    char warn[8][400];      /* things the reader noticed but could read past */
    size_t nwarn;
    long skewed_tries;      /* tries whose clocks go backwards (returned < running, ...) */
} est_mon;

/* Read the file (read-only). Given: path. Returned: *out (free with est_mon_free).
 * Returns Y1_OK; Y1_EIO if it cannot be opened; Y1_EINPUT for a file that is not a Parsl >= 1.1
 * monitoring DB (the message lists every missing table and column), has no run or no task at
 * all, a time stamp that is not "YYYY-MM-DD HH:MM:SS[.ffffff]", or NULL/negative samples.
 * Runs without tasks, clocks that go backwards and a missing task_fail_cost are warnings. */
int est_mon_open(est_mon **out, const char *path, y1_err *err);
void est_mon_free(est_mon *m); /* NULL is fine */

/* Name of a job state: "done", "failed", "dep_fail", "unfinished". */
const char *est_mon_state_name(est_mon_state s);

/* "2026-03-02 08:00:01.500000" -> seconds (as if UTC). Returns 0 and sets *out, -1 if bad. */
int est_mon_parse_time(const char *s, double *out);
/* seconds -> "2026-03-02 08:00:01" (whole seconds, rounded down), into buf. */
void est_mon_format_time(double t, char *buf, size_t n);

#endif
