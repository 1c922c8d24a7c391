/* cmd_runreport.c: `y1est run-report monitoring.db`: what a Parsl run did, after wstat: the
 * runs in the file (restarts joined by workflow name and task hash), jobs by status and by
 * label, failed tries with their exception text, retries, and one task's history. */
#include "estimator/cli/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "estimator/monitor.h"
#include "estimator/report/format.h"
#include "estimator/report/rtable.h"

#define FORMATS (EST_FMT_BIT(EST_FMT_TEXT) | EST_FMT_BIT(EST_FMT_MD) | EST_FMT_BIT(EST_FMT_JSON))

static const char usage[] =
    "usage: y1est run-report MONITORING.db [--task ID [--run N]] [--format F]\n"
    "\n"
    "Reports a Parsl monitoring database (Parsl >= 1.1 schema, as ctrl_bps_parsl writes it):\n"
    "  runs       every run in the file, in start order, with its tasks and tries\n"
    "  jobs       a job is one task across restarts: the task rows of every run with the same\n"
    "             workflow name and task hash. Its status is done when any run finished it\n"
    "             (exec_done, or memo_done), else the status of its last run: failed,\n"
    "             dep_fail or unfinished (pending/launched/running when its run ended)\n"
    "  by label   jobs per label (task_func_name: the BPS job label) and status, jobs retried\n"
    "             (more than one try in a run), tries, and jobs launched again after a restart\n"
    "  failures   every failed try with its exception text (first line)\n"
    "  retries    every job with more than one try in a run: fail count and cost\n"
    "options:\n"
    "  --task ID    also the history of task ID (every run's rows of its job: status changes\n"
    "               and tries with host, times, CPU and sampled peak memory)\n"
    "  --run N      with --task: ID is a task id of run N (default: the last run that has it)\n"
    "  --format F   {formats} on stdout (default text)\n"
    "CPU in s (delta of the cumulative user+system time within a try), memory in GiB (largest\n"
    "periodic RSS sample: an underestimate of the true peak), times as the file stores them\n"
    "(local time of the host that wrote them).\n";

#define GIB 1073741824.0

typedef struct rep {
    const est_mon *m;
    est_tab runs, status, labels, fails, retries, hist, tries;
    int have_task;
    char task_title[300];
} rep;

static void fmt_num(char *b, size_t n, double v, int prec)
{
    if (isnan(v)) snprintf(b, n, "-");
    else snprintf(b, n, "%.*f", prec, v);
}

/* The first line of an exception text. */
static void first_line(char *b, size_t n, const char *s)
{
    if (!s) {
        snprintf(b, n, "-");
        return;
    }
    size_t l = strcspn(s, "\n");
    snprintf(b, n, "%.*s", (int)l, s);
}

static int build_runs(rep *R, y1_err *err)
{
    static const char *cols[] = {"#run", "run_id", "workflow", "began", "completed", "#hours",
                                 "#tasks", "#tries", "#exec_done", "#memo_done", "#failed",
                                 "#dep_fail", NULL};
    const est_mon *m = R->m;
    est_tab_init(&R->runs, "runs", "Runs (restarts of one workflow are joined by task hash)", cols);
    int rc = Y1_OK;
    for (size_t r = 0; r < m->nruns && !rc; r++) {
        const est_mon_run *x = &m->runs[r];
        long st[4] = {0};
        double last = x->began;
        for (size_t i = 0; i < m->ntasks; i++) {
            const est_mon_task *t = &m->tasks[i];
            if (t->run != r) continue;
            st[0] += !strcmp(t->state, "exec_done");
            st[1] += !strcmp(t->state, "memo_done");
            st[2] += !strcmp(t->state, "failed");
            st[3] += !strcmp(t->state, "dep_fail");
            for (size_t h = 0; h < t->nhist; h++) last = fmax(last, t->hist[h].t);
        }
        char b[40], c[40], h[32];
        est_mon_format_time(x->began, b, sizeof b);
        if (isnan(x->completed)) snprintf(c, sizeof c, "did not complete");
        else est_mon_format_time(x->completed, c, sizeof c);
        /* a run that never completed: its last status change bounds its length */
        fmt_num(h, sizeof h, ((isnan(x->completed) ? last : x->completed) - x->began) / 3600, 3);
        rc = est_tab_addf(&R->runs, err, "%zu", r + 1);
        if (!rc) rc = est_tab_add(&R->runs, x->run_id, err);
        if (!rc) rc = est_tab_add(&R->runs, x->name[0] ? x->name : "-", err);
        if (!rc) rc = est_tab_add(&R->runs, b, err);
        if (!rc) rc = est_tab_add(&R->runs, c, err);
        if (!rc) rc = est_tab_add(&R->runs, h, err);
        if (!rc) rc = est_tab_addf(&R->runs, err, "%ld", x->ntasks);
        if (!rc) rc = est_tab_addf(&R->runs, err, "%ld", x->ntries);
        for (int k = 0; k < 4 && !rc; k++) rc = est_tab_addf(&R->runs, err, "%ld", st[k]);
    }
    return rc;
}

static int build_status(rep *R, y1_err *err)
{
    static const char *cols[] = {"status", "#jobs", "meaning", NULL};
    static const char *meaning[] = {
        "finished in some run (exec_done; memo_done: finished in an earlier run)",
        "failed in its last run after its retries", "not run: a task it depends on failed",
        "still pending, launched or running when its last run ended"};
    const est_mon *m = R->m;
    long n[EST_MON_NSTATES] = {0}, memo = 0, rerun = 0;
    for (size_t j = 0; j < m->njobs; j++) {
        n[m->jobs[j].state]++;
        rerun += m->jobs[j].reruns > 0;
    }
    for (size_t i = 0; i < m->ntasks; i++) memo += !strcmp(m->tasks[i].state, "memo_done");
    static char title[200];
    snprintf(title, sizeof title, "Jobs by status (%zu jobs; task rows memoised in a restart: "
             "%ld; jobs launched again after a restart: %ld)", m->njobs, memo, rerun);
    est_tab_init(&R->status, "jobs_by_status", title, cols);
    int rc = Y1_OK;
    for (int s = 0; s < EST_MON_NSTATES && !rc; s++) {
        rc = est_tab_add(&R->status, est_mon_state_name((est_mon_state)s), err);
        if (!rc) rc = est_tab_addf(&R->status, err, "%ld", n[s]);
        if (!rc) rc = est_tab_add(&R->status, meaning[s], err);
    }
    return rc;
}

typedef struct lab {
    const char *label;
    long jobs, st[EST_MON_NSTATES], retried, tries, reruns;
} lab;

static int build_labels(rep *R, y1_err *err)
{
    static const char *cols[] = {"label", "#jobs", "#done", "#failed", "#dep_fail",
                                 "#unfinished", "#retried", "#tries", "#reruns", NULL};
    const est_mon *m = R->m;
    lab *v = calloc(m->njobs + 1, sizeof *v), tot = {.label = "total"};
    size_t nl = 0;
    if (!v) return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (size_t j = 0; j < m->njobs; j++) {
        const est_mon_job *x = &m->jobs[j];
        size_t k = 0;
        while (k < nl && strcmp(v[k].label, x->label)) k++;
        if (k == nl) v[nl++].label = x->label;
        int retried = 0;
        for (size_t i = 0; i < x->ntasks; i++) retried |= m->tasks[x->tasks[i]].ntries > 1;
        lab *l[2] = {&v[k], &tot};
        for (int q = 0; q < 2; q++) {
            l[q]->jobs++;
            l[q]->st[x->state]++;
            l[q]->retried += retried;
            l[q]->tries += x->tries;
            l[q]->reruns += x->reruns > 0;
        }
    }
    est_tab_init(&R->labels, "labels", "Jobs by label (retried: more than one try in a run; "
                 "reruns: launched again after a restart)", cols);
    int rc = Y1_OK;
    v[nl++] = tot;
    for (size_t k = 0; k < nl && !rc; k++) {
        rc = est_tab_add(&R->labels, v[k].label, err);
        if (!rc) rc = est_tab_addf(&R->labels, err, "%ld", v[k].jobs);
        for (int s = 0; s < EST_MON_NSTATES && !rc; s++)
            rc = est_tab_addf(&R->labels, err, "%ld", v[k].st[s]);
        if (!rc) rc = est_tab_addf(&R->labels, err, "%ld", v[k].retried);
        if (!rc) rc = est_tab_addf(&R->labels, err, "%ld", v[k].tries);
        if (!rc) rc = est_tab_addf(&R->labels, err, "%ld", v[k].reruns);
    }
    free(v);
    return rc;
}

static int build_failures(rep *R, y1_err *err)
{
    static const char *cols[] = {"#run", "#task", "#try", "label", "host", "state",
                                 "exception", NULL};
    static const char *rcols[] = {"#run", "#task", "label", "#tries", "#fail_count",
                                  "#fail_cost", "job status", NULL};
    const est_mon *m = R->m;
    int rc = Y1_OK;
    long nf = 0, nr = 0;
    for (size_t i = 0; i < m->ntasks; i++)
        for (size_t k = 0; k < m->tasks[i].ntries; k++) nf += m->tasks[i].tries[k].fail_history != NULL;
    for (size_t i = 0; i < m->ntasks; i++) nr += m->tasks[i].ntries > 1;
    static char ft[100], rt[100];
    snprintf(ft, sizeof ft, "Failed tries (%ld)", nf);
    snprintf(rt, sizeof rt, "Retries (%ld task rows with more than one try)", nr);
    est_tab_init(&R->fails, "failures", ft, cols);
    est_tab_init(&R->retries, "retries", rt, rcols);
    for (size_t i = 0; i < m->ntasks && !rc; i++) {
        const est_mon_task *t = &m->tasks[i];
        for (size_t k = 0; k < t->ntries && !rc; k++) {
            const est_mon_try *y = &t->tries[k];
            if (!y->fail_history) continue;
            char ex[600];
            first_line(ex, sizeof ex, y->fail_history);
            rc = est_tab_addf(&R->fails, err, "%zu", t->run + 1);
            if (!rc) rc = est_tab_addf(&R->fails, err, "%ld", t->task_id);
            if (!rc) rc = est_tab_addf(&R->fails, err, "%ld", y->try_id);
            if (!rc) rc = est_tab_add(&R->fails, t->label, err);
            if (!rc) rc = est_tab_add(&R->fails, y->host ? y->host : "-", err);
            if (!rc) rc = est_tab_add(&R->fails, y->state[0] ? y->state : "-", err);
            if (!rc) rc = est_tab_add(&R->fails, ex, err);
        }
        if (t->ntries > 1 && !rc) {
            char cost[32];
            fmt_num(cost, sizeof cost, t->fail_cost, 2);
            rc = est_tab_addf(&R->retries, err, "%zu", t->run + 1);
            if (!rc) rc = est_tab_addf(&R->retries, err, "%ld", t->task_id);
            if (!rc) rc = est_tab_add(&R->retries, t->label, err);
            if (!rc) rc = est_tab_addf(&R->retries, err, "%zu", t->ntries);
            if (!rc) rc = est_tab_addf(&R->retries, err, "%ld", t->fail_count);
            if (!rc) rc = est_tab_add(&R->retries, cost, err);
            if (!rc) rc = est_tab_add(&R->retries, est_mon_state_name(m->jobs[t->job].state), err);
        }
    }
    return rc;
}

/* The history of the job holding task `id` of run `run` (0 = the last run that has it). */
static int build_task(rep *R, long id, long run, y1_err *err)
{
    static const char *hcols[] = {"#run", "#task", "#try", "time", "status", NULL};
    static const char *tcols[] = {"#run", "#task", "#try", "host", "launched", "running",
                                  "returned", "#wall_s", "#cpu_s", "#peak_gib", "#samples",
                                  "state", "exception", NULL};
    const est_mon *m = R->m;
    const est_mon_task *t = NULL;
    for (size_t i = 0; i < m->ntasks; i++)
        if (m->tasks[i].task_id == id && (run == 0 || m->tasks[i].run + 1 == (size_t)run))
            t = &m->tasks[i]; /* tasks are in run order: the last match is the last run */
    if (!t) {
        if (run) return y1_errf(err, Y1_EINPUT, "%s: run %ld has no task %ld", m->path, run, id);
        return y1_errf(err, Y1_EINPUT, "%s: no run has a task %ld", m->path, id);
    }
    const est_mon_job *j = &m->jobs[t->job];
    snprintf(R->task_title, sizeof R->task_title, "History of task %ld of run %zu (%s, hash %s):"
             " job %s, rows in %zu run%s", id, t->run + 1, t->label, t->hash ? t->hash : "-",
             est_mon_state_name(j->state), j->ntasks, j->ntasks == 1 ? "" : "s");
    est_tab_init(&R->hist, "task_history", R->task_title, hcols);
    est_tab_init(&R->tries, "task_tries", "Its tries (CPU and peak from the resource samples)",
                 tcols);
    R->have_task = 1;
    int rc = Y1_OK;
    for (size_t k = 0; k < j->ntasks && !rc; k++) {
        const est_mon_task *x = &m->tasks[j->tasks[k]];
        for (size_t h = 0; h < x->nhist && !rc; h++) {
            char tb[40];
            est_mon_format_time(x->hist[h].t, tb, sizeof tb);
            /* keep the microseconds: several changes can fall in one second */
            double frac = x->hist[h].t - floor(x->hist[h].t);
            rc = est_tab_addf(&R->hist, err, "%zu", x->run + 1);
            if (!rc) rc = est_tab_addf(&R->hist, err, "%ld", x->task_id);
            if (!rc) rc = est_tab_addf(&R->hist, err, "%ld", x->hist[h].try_id);
            if (!rc) rc = est_tab_addf(&R->hist, err, "%s.%06ld", tb, lround(frac * 1e6) % 1000000);
            if (!rc) rc = est_tab_add(&R->hist, x->hist[h].name, err);
        }
        for (size_t i = 0; i < x->ntries && !rc; i++) {
            const est_mon_try *y = &x->tries[i];
            char a[40], b[40], c[40], w[32], cpu[32], pk[32], ex[600];
            est_mon_format_time(y->launched, a, sizeof a);
            est_mon_format_time(y->running, b, sizeof b);
            est_mon_format_time(y->returned, c, sizeof c);
            fmt_num(w, sizeof w, y->returned - y->running, 3);
            fmt_num(cpu, sizeof cpu, y->cpu_s, 3);
            fmt_num(pk, sizeof pk, y->peak_rss_bytes / GIB, 3);
            first_line(ex, sizeof ex, y->fail_history);
            rc = est_tab_addf(&R->tries, err, "%zu", x->run + 1);
            if (!rc) rc = est_tab_addf(&R->tries, err, "%ld", x->task_id);
            if (!rc) rc = est_tab_addf(&R->tries, err, "%ld", y->try_id);
            if (!rc) rc = est_tab_add(&R->tries, y->host ? y->host : "-", err);
            if (!rc) rc = est_tab_add(&R->tries, a, err);
            if (!rc) rc = est_tab_add(&R->tries, b, err);
            if (!rc) rc = est_tab_add(&R->tries, c, err);
            if (!rc) rc = est_tab_add(&R->tries, w, err);
            if (!rc) rc = est_tab_add(&R->tries, cpu, err);
            if (!rc) rc = est_tab_add(&R->tries, pk, err);
            if (!rc) rc = est_tab_addf(&R->tries, err, "%ld", y->samples);
            if (!rc) rc = est_tab_add(&R->tries, y->state[0] ? y->state : "-", err);
            if (!rc) rc = est_tab_add(&R->tries, ex, err);
        }
    }
    return rc;
}

static void rep_clear(rep *R)
{
    est_tab *all[] = {&R->runs, &R->status, &R->labels, &R->fails, &R->retries, &R->hist,
                      &R->tries};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) est_tab_clear(all[i]);
}

static int emit(const rep *R, est_format format, y1_err *err)
{
    const est_tab *all[] = {&R->runs, &R->status, &R->labels, &R->fails, &R->retries,
                            &R->hist, &R->tries};
    size_t n = R->have_task ? 7 : 5;
    const est_mon *m = R->m;
    if (format == EST_FMT_JSON) {
        json_t *o = json_object(), *w = json_array();
        int bad = !o || !w || json_object_set_new(o, "file", json_string(m->path)) ||
                  json_object_set_new(o, "runs_in_file", json_integer((json_int_t)m->nruns)) ||
                  json_object_set_new(o, "task_rows", json_integer((json_int_t)m->ntasks)) ||
                  json_object_set_new(o, "jobs", json_integer((json_int_t)m->njobs)) ||
                  json_object_set_new(o, "missing_optional_columns", json_string(m->missing));
        for (size_t i = 0; i < m->nwarn && !bad; i++) bad = json_array_append_new(w, json_string(m->warn[i]));
        if (!bad) bad = json_object_set(o, "warnings", w);
        for (size_t i = 0; i < n && !bad; i++) {
            json_t *t = est_tab_json(all[i]);
            bad = !t || json_object_set_new(o, all[i]->key, t);
        }
        json_decref(w);
        if (bad) {
            json_decref(o);
            o = NULL; /* est_json_write: out of memory */
        }
        return est_json_write(stdout, o, "run-report", err);
    }
    int md = format == EST_FMT_MD;
    if (md) printf("# y1est: run report\n\n- file: %s\n- %zu runs, %zu task rows, %zu jobs\n",
                   m->path, m->nruns, m->ntasks, m->njobs);
    else printf("run report: %s\n%zu runs, %zu task rows, %zu jobs\n", m->path, m->nruns,
                m->ntasks, m->njobs);
    if (m->missing[0]) printf("%sabsent optional columns: %s\n", md ? "- " : "", m->missing);
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        if (md) est_tab_md(stdout, all[i]);
        else {
            est_tab_text(stdout, all[i]);
            if (i + 1 < n) printf("\n");
        }
    }
    return Y1_OK;
}

int cli_runreport(int argc, char **argv)
{
    enum { O_TASK = 1, O_RUN, O_FORMAT, O_HELP };
    static const struct option opts[] = {
        {"task", required_argument, NULL, O_TASK}, {"run", required_argument, NULL, O_RUN},
        {"format", required_argument, NULL, O_FORMAT}, {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    est_format format = EST_FMT_TEXT;
    long task = -1, run = 0;
    y1_err err = {{0}};
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case O_TASK:
            if (cli_parse_long("--task", optarg, 0, 2147483647L, &task, &err))
                return cli_usage("run-report", "%s", err.msg);
            break;
        case O_RUN:
            if (cli_parse_long("--run", optarg, 1, 1000000, &run, &err))
                return cli_usage("run-report", "%s", err.msg);
            break;
        case O_FORMAT:
            if (est_format_parse(optarg, FORMATS, &format, &err))
                return cli_usage("run-report", "%s", err.msg);
            break;
        case 'h':
        case O_HELP: cli_help(stdout, usage, FORMATS); return 0;
        case ':': return cli_usage("run-report", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage("run-report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1) return cli_usage("run-report", "expected one monitoring.db");
    if (run && task < 0) return cli_usage("run-report", "--run needs --task");
    est_mon *m = NULL;
    rep R;
    memset(&R, 0, sizeof R);
    if ((rc = est_mon_open(&m, argv[optind], &err))) return cli_fail(rc, &err);
    R.m = m;
    for (size_t i = 0; i < m->nwarn; i++) fprintf(stderr, "y1est: warning: %s: %s\n", m->path, m->warn[i]);
    if (m->skewed_tries > 1)
        fprintf(stderr, "y1est: warning: %s: %ld tries in all have clocks going backwards\n",
                m->path, m->skewed_tries);
    if (!(rc = build_runs(&R, &err)) && !(rc = build_status(&R, &err)) &&
        !(rc = build_labels(&R, &err)) && !(rc = build_failures(&R, &err)) &&
        (task < 0 || !(rc = build_task(&R, task, run, &err))))
        rc = emit(&R, format, &err);
    rep_clear(&R);
    est_mon_free(m);
    return rc ? cli_fail(rc, &err) : 0;
}
