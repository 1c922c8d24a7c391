/* monitor.c: read a Parsl monitoring.db into est_mon: columns looked up by name, runs joined
 * into jobs by (workflow name, task hash), per-try CPU as the within-try delta of the cumulative
 * user + system time and peak RSS as the largest periodic sample (parsl-monitoring.md, s. 4). */
#include "estimator/monitor.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "common/y1_input.h"
#include "common/y1_time.h"

const char *est_mon_state_name(est_mon_state s)
{
    static const char *n[] = {"done", "failed", "dep_fail", "unfinished"};
    return s < EST_MON_NSTATES ? n[s] : "?";
}

int est_mon_parse_time(const char *s, double *out)
{
    return y1_time_parse(s, out);
}

void est_mon_format_time(double t, char *buf, size_t n)
{
    if (!isfinite(t)) {
        snprintf(buf, n, "-");
        return;
    }
    time_t s = (time_t)floor(t);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---- schema --------------------------------------------------------------------------- */

static int has_table(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND "
                           "name = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static int has_column(sqlite3 *db, const char *table, const char *col)
{
    char sql[128];
    sqlite3_stmt *st = NULL;
    int found = 0;
    snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 1);
        if (name && !strcmp((const char *)name, col)) found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

static void append(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "%s%s", l ? ", " : "", s);
}

/* Every table and column the reader needs, all missing ones named in one message. */
static int check_schema(sqlite3 *db, est_mon *m, int *has_cost, int *has_block, y1_err *err)
{
    static const char *need[] = {
        "workflow.run_id", "workflow.workflow_name", "workflow.time_began",
        "workflow.time_completed", "task.task_id", "task.run_id", "task.task_func_name",
        "task.task_hashsum", "task.task_time_invoked", "task.task_time_returned",
        "task.task_fail_count", "try.try_id", "try.task_id", "try.run_id", "try.hostname",
        "try.task_try_time_launched", "try.task_try_time_running", "try.task_try_time_returned",
        "try.task_fail_history", "status.task_id", "status.run_id", "status.try_id",
        "status.task_status_name", "status.timestamp", "resource.task_id", "resource.try_id",
        "resource.run_id", "resource.timestamp", "resource.psutil_process_time_user",
        "resource.psutil_process_time_system", "resource.psutil_process_memory_resident", NULL};
    char tables[200] = "", cols[400] = "";
    for (int i = 0; need[i]; i++) {
        char t[32];
        const char *dot = strchr(need[i], '.');
        snprintf(t, sizeof t, "%.*s", (int)(dot - need[i]), need[i]);
        if (!has_table(db, t)) {
            if (!strstr(tables, t)) append(tables, sizeof tables, t);
        } else if (!has_column(db, t, dot + 1)) append(cols, sizeof cols, need[i]);
    }
    if (tables[0] || cols[0]) {
        int old = !has_table(db, "try") && has_table(db, "task");
        return y1_errf(err, Y1_EINPUT, "%s: not the Parsl >= 1.1 monitoring schema: %s%s%s%s%s%s",
                       m->path, tables[0] ? "missing table " : "", tables,
                       tables[0] && cols[0] ? "; " : "", cols[0] ? "missing columns " : "", cols,
                       old ? " (a Parsl 1.0 or older file: per-try times lived in 'task' "
                             "then, and are not read)" : "");
    }
    *has_cost = has_column(db, "task", "task_fail_cost");
    *has_block = has_column(db, "try", "block_id");
    if (!*has_cost) append(m->missing, sizeof m->missing, "task.task_fail_cost");
    if (!*has_block) append(m->missing, sizeof m->missing, "try.block_id");
    if (!has_table(db, "node")) append(m->missing, sizeof m->missing, "node");
    return Y1_OK;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static void warnf(est_mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(est_mon *m, const char *fmt, ...)
{
    if (m->nwarn == sizeof m->warn / sizeof m->warn[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->warn[m->nwarn++], sizeof m->warn[0], fmt, ap);
    va_end(ap);
}

static char *dup_col(sqlite3_stmt *st, int c, int *nomem)
{
    const unsigned char *s = sqlite3_column_text(st, c);
    if (!s) return NULL;
    char *d = strdup((const char *)s);
    if (!d) *nomem = 1;
    return d;
}

/* A time column: NULL -> NAN; a bad string is an error naming where. */
static int time_col(const est_mon *m, sqlite3_stmt *st, int c, const char *where, double *out,
                    y1_err *err)
{
    if (sqlite3_column_type(st, c) == SQLITE_NULL) {
        *out = NAN;
        return Y1_OK;
    }
    const char *s = (const char *)sqlite3_column_text(st, c);
    if (est_mon_parse_time(s, out))
        return y1_errf(err, Y1_EINPUT, "%s: %s: %s is '%s', expected a time "
                       "'YYYY-MM-DD HH:MM:SS[.ffffff]'", m->path, where,
                       sqlite3_column_name(st, c), s ? s : "");
    return Y1_OK;
}

static int find_run(const est_mon *m, const char *run_id)
{
    for (size_t i = 0; run_id && i < m->nruns; i++)
        if (!strcmp(m->runs[i].run_id, run_id)) return (int)i;
    return -1;
}

static est_mon_task *find_task(est_mon *m, size_t run, long task_id)
{
    size_t lo = 0, hi = m->ntasks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const est_mon_task *t = &m->tasks[mid];
        if (t->run < run || (t->run == run && t->task_id < task_id)) lo = mid + 1;
        else hi = mid;
    }
    if (lo < m->ntasks && m->tasks[lo].run == run && m->tasks[lo].task_id == task_id)
        return &m->tasks[lo];
    return NULL;
}

static est_mon_try *find_try(est_mon_task *t, long try_id)
{
    for (size_t i = 0; i < t->ntries; i++)
        if (t->tries[i].try_id == try_id) return &t->tries[i];
    return NULL;
}

static int cmp_run(const void *a, const void *b)
{
    const est_mon_run *x = a, *y = b;
    if (x->began != y->began) return x->began < y->began ? -1 : 1;
    return strcmp(x->run_id, y->run_id);
}

static int cmp_task(const void *a, const void *b)
{
    const est_mon_task *x = a, *y = b;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    return (x->task_id > y->task_id) - (x->task_id < y->task_id);
}

static int prepare(sqlite3 *db, const est_mon *m, const char *sql, sqlite3_stmt **st, y1_err *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return y1_errf(err, Y1_EINPUT, "%s: %s", m->path, sqlite3_errmsg(db));
    return Y1_OK;
}

/* ---- the tables ------------------------------------------------------------------------- */

static int read_runs(sqlite3 *db, est_mon *m, y1_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, s, nomem = 0;
    size_t cap = 0;
    if ((rc = prepare(db, m, "SELECT run_id, workflow_name, time_began, time_completed FROM "
                      "workflow", &st, err)))
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->nruns == cap) {
            cap = cap ? 2 * cap : 8;
            est_mon_run *v = realloc(m->runs, cap * sizeof *v);
            if (!v) { nomem = 1; break; }
            m->runs = v;
        }
        est_mon_run *r = &m->runs[m->nruns];
        memset(r, 0, sizeof *r);
        r->run_id = dup_col(st, 0, &nomem);
        r->name = dup_col(st, 1, &nomem);
        m->nruns++;
        if (!r->run_id) {
            rc = nomem ? Y1_ENOMEM : y1_errf(err, Y1_EINPUT, "%s: a workflow row has no run_id",
                                             m->path);
            break;
        }
        if (!r->name && !(r->name = strdup(""))) nomem = 1;
        char where[200];
        snprintf(where, sizeof where, "workflow run %s", r->run_id);
        if ((rc = time_col(m, st, 2, where, &r->began, err)) ||
            (rc = time_col(m, st, 3, where, &r->completed, err)))
            break;
        if (isnan(r->began)) {
            rc = y1_errf(err, Y1_EINPUT, "%s: %s: time_began is NULL", m->path, where);
            break;
        }
    }
    sqlite3_finalize(st);
    if (nomem) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
    if (rc) return rc;
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        return y1_errf(err, Y1_EINPUT, "%s: %s", m->path, sqlite3_errmsg(db));
    if (m->nruns == 0) return y1_errf(err, Y1_EINPUT, "%s: no runs (the workflow table is empty)", m->path);
    qsort(m->runs, m->nruns, sizeof *m->runs, cmp_run);
    return Y1_OK;
}

static int read_tasks(sqlite3 *db, est_mon *m, int has_cost, y1_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, s = SQLITE_DONE, nomem = 0;
    size_t cap = 0;
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT run_id, task_id, task_func_name, task_hashsum, "
             "task_time_invoked, task_time_returned, task_fail_count, %s FROM task",
             has_cost ? "task_fail_cost" : "NULL");
    if ((rc = prepare(db, m, sql, &st, err))) return rc;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *run_id = (const char *)sqlite3_column_text(st, 0);
        long id = (long)sqlite3_column_int64(st, 1);
        int run = find_run(m, run_id);
        if (run < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: task %ld names run '%s', which the workflow table "
                         "lacks", m->path, id, run_id ? run_id : "NULL");
            break;
        }
        if (m->ntasks == cap) {
            cap = cap ? 2 * cap : 256;
            est_mon_task *v = realloc(m->tasks, cap * sizeof *v);
            if (!v) { nomem = 1; break; }
            m->tasks = v;
        }
        est_mon_task *t = &m->tasks[m->ntasks++];
        memset(t, 0, sizeof *t);
        t->run = (size_t)run;
        t->task_id = id;
        t->label = dup_col(st, 2, &nomem);
        t->hash = dup_col(st, 3, &nomem);
        if (t->hash && !t->hash[0]) {
            free(t->hash);
            t->hash = NULL;
        }
        t->fail_count = (long)sqlite3_column_int64(st, 6);
        t->fail_cost = sqlite3_column_type(st, 7) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 7);
        if (nomem) break;
        char where[200];
        snprintf(where, sizeof where, "run %s task %ld", run_id, id);
        if (!t->label || !t->label[0]) {
            rc = y1_errf(err, Y1_EINPUT, "%s: %s has no task_func_name", m->path, where);
            break;
        }
        if ((rc = time_col(m, st, 4, where, &t->invoked, err)) ||
            (rc = time_col(m, st, 5, where, &t->returned, err)))
            break;
        m->runs[run].ntasks++;
    }
    sqlite3_finalize(st);
    if (nomem) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
    if (rc) return rc;
    if (s != SQLITE_DONE) return y1_errf(err, Y1_EINPUT, "%s: %s", m->path, sqlite3_errmsg(db));
    if (m->ntasks) qsort(m->tasks, m->ntasks, sizeof *m->tasks, cmp_task);
    for (size_t i = 1; i < m->ntasks; i++)
        if (!cmp_task(&m->tasks[i - 1], &m->tasks[i]))
            return y1_errf(err, Y1_EINPUT, "%s: run %s has two rows for task %ld", m->path,
                           m->runs[m->tasks[i].run].run_id, m->tasks[i].task_id);
    return Y1_OK;
}

/* The task a (run_id, task_id) row of try/status/resource belongs to, or an error. */
static int owner(est_mon *m, sqlite3_stmt *st, const char *table, est_mon_task **out, y1_err *err)
{
    const char *run_id = (const char *)sqlite3_column_text(st, 0);
    long id = (long)sqlite3_column_int64(st, 1);
    int run = find_run(m, run_id);
    est_mon_task *t = run < 0 ? NULL : find_task(m, (size_t)run, id);
    if (!t)
        return y1_errf(err, Y1_EINPUT, "%s: a %s row names run '%s' task %ld, which the task "
                       "table lacks", m->path, table, run_id ? run_id : "NULL", id);
    *out = t;
    return Y1_OK;
}

static int read_tries(sqlite3 *db, est_mon *m, int has_block, y1_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, s = SQLITE_DONE, nomem = 0;
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT run_id, task_id, try_id, hostname, %s, "
             "task_try_time_launched, task_try_time_running, task_try_time_returned, "
             "task_fail_history FROM try ORDER BY run_id, task_id, try_id",
             has_block ? "block_id" : "NULL");
    if ((rc = prepare(db, m, sql, &st, err))) return rc;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        est_mon_task *t;
        if ((rc = owner(m, st, "try", &t, err))) break;
        est_mon_try *v = realloc(t->tries, (t->ntries + 1) * sizeof *v);
        if (!v) { nomem = 1; break; }
        t->tries = v;
        est_mon_try *y = &v[t->ntries++];
        memset(y, 0, sizeof *y);
        y->try_id = (long)sqlite3_column_int64(st, 2);
        y->host = dup_col(st, 3, &nomem);
        y->block = dup_col(st, 4, &nomem);
        y->fail_history = dup_col(st, 8, &nomem);
        if (y->fail_history && !y->fail_history[0]) {
            free(y->fail_history);
            y->fail_history = NULL;
        }
        y->cpu_s = y->peak_rss_bytes = y->last_sample = NAN;
        if (nomem) break;
        char where[200];
        snprintf(where, sizeof where, "run %s task %ld try %ld", m->runs[t->run].run_id,
                 t->task_id, y->try_id);
        if ((rc = time_col(m, st, 5, where, &y->launched, err)) ||
            (rc = time_col(m, st, 6, where, &y->running, err)) ||
            (rc = time_col(m, st, 7, where, &y->returned, err)))
            break;
        m->runs[t->run].ntries++;
        /* the submit host stamps launched/returned, the worker running: skew shows here */
        if ((y->running < y->launched - 1e-3) || (y->returned < y->running)) {
            if (m->skewed_tries++ == 0)
                warnf(m, "run %d task %ld (%s) try %ld: %s %.1f s before it %s: the clocks of "
                      "the submit host and the worker disagree; wall times of such tries are "
                      "left out", (int)t->run + 1, t->task_id, t->label, y->try_id,
                      y->returned < y->running ? "returned" : "started running",
                      y->returned < y->running ? y->running - y->returned
                                               : y->launched - y->running,
                      y->returned < y->running ? "started running" : "was launched");
        }
    }
    sqlite3_finalize(st);
    if (nomem) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
    if (rc) return rc;
    if (s != SQLITE_DONE) return y1_errf(err, Y1_EINPUT, "%s: %s", m->path, sqlite3_errmsg(db));
    return Y1_OK;
}

static int read_status(sqlite3 *db, est_mon *m, y1_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, s = SQLITE_DONE;
    long backwards = 0;
    if ((rc = prepare(db, m, "SELECT run_id, task_id, try_id, task_status_name, timestamp FROM "
                      "status ORDER BY rowid", &st, err)))
        return rc;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        est_mon_task *t;
        if ((rc = owner(m, st, "status", &t, err))) break;
        est_mon_status *v = realloc(t->hist, (t->nhist + 1) * sizeof *v);
        if (!v) {
            rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
            break;
        }
        t->hist = v;
        est_mon_status *h = &v[t->nhist];
        h->try_id = (long)sqlite3_column_int64(st, 2);
        const char *name = (const char *)sqlite3_column_text(st, 3);
        snprintf(h->name, sizeof h->name, "%s", name ? name : "");
        char where[200];
        snprintf(where, sizeof where, "status of run %s task %ld", m->runs[t->run].run_id,
                 t->task_id);
        if ((rc = time_col(m, st, 4, where, &h->t, err))) break;
        if (isnan(h->t)) {
            rc = y1_errf(err, Y1_EINPUT, "%s: %s: timestamp is NULL", m->path, where);
            break;
        }
        if (t->nhist && h->t < t->hist[t->nhist - 1].t - 1e-3 && backwards++ == 0)
            warnf(m, "run %d task %ld (%s): status '%s' is stamped %.1f s before the '%s' "
                  "written ahead of it (clocks going backwards); the histories are kept in "
                  "the order Parsl wrote them", (int)t->run + 1, t->task_id, t->label, h->name,
                  t->hist[t->nhist - 1].t - h->t, t->hist[t->nhist - 1].name);
        t->nhist++;
        snprintf(t->state, sizeof t->state, "%s", h->name);
        est_mon_try *y = find_try(t, h->try_id);
        if (y) snprintf(y->state, sizeof y->state, "%s", h->name);
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    if (s != SQLITE_DONE) return y1_errf(err, Y1_EINPUT, "%s: %s", m->path, sqlite3_errmsg(db));
    return Y1_OK;
}

static int read_resource(sqlite3 *db, est_mon *m, y1_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, s = SQLITE_DONE;
    est_mon_try *cur = NULL;
    double cmin = 0, cmax = 0, rmax = 0, rlast = 0;
    if ((rc = prepare(db, m, "SELECT run_id, task_id, try_id, psutil_process_time_user, "
                      "psutil_process_time_system, psutil_process_memory_resident, timestamp FROM resource "
                      "ORDER BY run_id, task_id, try_id, timestamp", &st, err)))
        return rc;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        est_mon_task *t;
        if ((rc = owner(m, st, "resource", &t, err))) break;
        long try_id = (long)sqlite3_column_int64(st, 2);
        est_mon_try *y = find_try(t, try_id);
        if (!y) {
            rc = y1_errf(err, Y1_EINPUT, "%s: resource rows for run %s task %ld try %ld, which "
                         "the try table lacks", m->path, m->runs[t->run].run_id, t->task_id,
                         try_id);
            break;
        }
        for (int c = 3; c <= 5; c++)
            if (sqlite3_column_type(st, c) == SQLITE_NULL)
                rc = y1_errf(err, Y1_EINPUT, "%s: run %s task %ld try %ld: a resource row has "
                             "no %s", m->path, m->runs[t->run].run_id, t->task_id, try_id,
                             sqlite3_column_name(st, c));
        if (rc) break;
        double cpu = sqlite3_column_double(st, 3) + sqlite3_column_double(st, 4);
        double rss = sqlite3_column_double(st, 5);
        if (!isfinite(cpu) || cpu < 0 || !isfinite(rss) || rss < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: run %s task %ld try %ld: negative or non-finite "
                         "CPU (%g s) or RSS (%g bytes)", m->path, m->runs[t->run].run_id,
                         t->task_id, try_id, cpu, rss);
            break;
        }
        if (y != cur) {
            if (cur) {
                cur->cpu_s = cmax - cmin;
                cur->peak_rss_bytes = cur->samples >= 2 ? rmax : rlast;
            }
            cur = y;
            cmin = cmax = cpu;
            rmax = 0;
        } else {
            /* the previous last row is an inner row now: it counts for the peak */
            if (rlast > rmax) rmax = rlast;
            cmin = fmin(cmin, cpu);
            cmax = fmax(cmax, cpu);
        }
        rlast = rss;
        y->samples++;
        char where[200];
        snprintf(where, sizeof where, "resource row of run %s task %ld try %ld",
                 m->runs[t->run].run_id, t->task_id, try_id);
        if ((rc = time_col(m, st, 6, where, &y->last_sample, err))) break;
    }
    if (cur) {
        cur->cpu_s = cmax - cmin;
        cur->peak_rss_bytes = cur->samples >= 2 ? rmax : rlast;
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    if (s != SQLITE_DONE) return y1_errf(err, Y1_EINPUT, "%s: %s", m->path, sqlite3_errmsg(db));
    return Y1_OK;
}

static int read_nodes(sqlite3 *db, est_mon *m, y1_err *err)
{
    if (!has_table(db, "node") || !has_column(db, "node", "cpu_count") ||
        !has_column(db, "node", "total_memory") || !has_column(db, "node", "hostname"))
        return Y1_OK;
    sqlite3_stmt *st = NULL;
    int rc, s, nomem = 0;
    if ((rc = prepare(db, m, "SELECT run_id, hostname, MAX(cpu_count), MAX(total_memory) FROM "
                      "node GROUP BY run_id, hostname ORDER BY run_id, hostname", &st, err)))
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int run = find_run(m, (const char *)sqlite3_column_text(st, 0));
        if (run < 0) continue; /* a node of a run the workflow table lacks: nothing to join */
        est_mon_node *v = realloc(m->nodes, (m->nnodes + 1) * sizeof *v);
        if (!v) { nomem = 1; break; }
        m->nodes = v;
        est_mon_node *n = &v[m->nnodes++];
        n->run = (size_t)run;
        n->host = dup_col(st, 1, &nomem);
        n->cpu_count = (long)sqlite3_column_int64(st, 2);
        n->total_memory = sqlite3_column_double(st, 3);
        if (nomem) break;
    }
    sqlite3_finalize(st);
    if (nomem) return y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
    return Y1_OK;
}

/* ---- jobs --------------------------------------------------------------------------------- */

static const est_mon *sort_ctx; /* qsort has no context argument; set only around the call */

static int cmp_job_key(const void *a, const void *b)
{
    const est_mon_task *x = &sort_ctx->tasks[*(const size_t *)a];
    const est_mon_task *y = &sort_ctx->tasks[*(const size_t *)b];
    int c = strcmp(sort_ctx->runs[x->run].name, sort_ctx->runs[y->run].name);
    if (c) return c;
    if (!x->hash || !y->hash) {
        /* without a hash a row is its own job */
        if (x->hash || y->hash) return x->hash ? -1 : 1;
        return cmp_task(x, y);
    }
    if ((c = strcmp(x->hash, y->hash))) return c;
    return cmp_task(x, y);
}

static int same_job(const est_mon *m, const est_mon_task *x, const est_mon_task *y)
{
    return x->hash && y->hash && !strcmp(x->hash, y->hash) &&
           !strcmp(m->runs[x->run].name, m->runs[y->run].name);
}

static void job_summary(est_mon *m, est_mon_job *j)
{
    j->ok_task = j->ok_try = -1;
    j->cpu_s = j->wall_s = j->peak_rss_bytes = NAN;
    j->retry_cpu_s = 0;
    int launched_runs = 0, memo = 0;
    const est_mon_task *last = &m->tasks[j->tasks[j->ntasks - 1]];
    for (size_t k = 0; k < j->ntasks; k++) {
        est_mon_task *t = &m->tasks[j->tasks[k]];
        t->job = (size_t)(j - m->jobs);
        launched_runs += t->ntries > 0;
        if (!strcmp(t->state, "memo_done")) memo = 1;
        for (size_t i = 0; i < t->ntries; i++) {
            const est_mon_try *y = &t->tries[i];
            j->tries++;
            if (!isnan(y->peak_rss_bytes) &&
                (isnan(j->peak_rss_bytes) || y->peak_rss_bytes > j->peak_rss_bytes))
                j->peak_rss_bytes = y->peak_rss_bytes;
            if (!strcmp(y->state, "exec_done") && j->ok_task < 0) {
                j->ok_task = (long)j->tasks[k];
                j->ok_try = (long)i;
                j->cpu_s = y->cpu_s;
                j->wall_s = y->returned >= y->running ? y->returned - y->running : NAN;
            } else if (!isnan(y->cpu_s)) j->retry_cpu_s += y->cpu_s;
        }
    }
    j->reruns = launched_runs > 1 ? launched_runs - 1 : 0;
    if (j->ok_task >= 0) j->state = EST_MON_DONE;
    else if (memo) {
        j->state = EST_MON_DONE;
        j->memo_only = 1;
    } else if (!strcmp(last->state, "failed")) j->state = EST_MON_FAILED;
    else if (!strcmp(last->state, "dep_fail")) j->state = EST_MON_DEP_FAIL;
    else j->state = EST_MON_UNFINISHED;
}

static int cmp_job_first(const void *a, const void *b)
{
    size_t x = ((const est_mon_job *)a)->tasks[0], y = ((const est_mon_job *)b)->tasks[0];
    return (x > y) - (x < y);
}

static int build_jobs(est_mon *m, y1_err *err)
{
    size_t *idx = malloc((m->ntasks + 1) * sizeof *idx);
    m->jobs = calloc(m->ntasks + 1, sizeof *m->jobs);
    if (!idx || !m->jobs) {
        free(idx);
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
    }
    long nohash = 0;
    for (size_t i = 0; i < m->ntasks; i++) {
        idx[i] = i;
        nohash += m->tasks[i].hash == NULL;
    }
    sort_ctx = m;
    qsort(idx, m->ntasks, sizeof *idx, cmp_job_key);
    sort_ctx = NULL;
    for (size_t i = 0; i < m->ntasks;) {
        size_t e = i + 1;
        while (e < m->ntasks && same_job(m, &m->tasks[idx[i]], &m->tasks[idx[e]])) e++;
        est_mon_job *j = &m->jobs[m->njobs++];
        j->tasks = malloc((e - i) * sizeof *j->tasks);
        if (!j->tasks) {
            free(idx);
            return y1_errf(err, Y1_ENOMEM, "%s: out of memory", m->path);
        }
        memcpy(j->tasks, idx + i, (e - i) * sizeof *idx);
        j->ntasks = e - i;
        j->label = m->tasks[idx[i]].label;
        for (size_t k = 1; k < j->ntasks; k++)
            if (strcmp(m->tasks[j->tasks[k]].label, j->label)) {
                warnf(m, "task hash %.16s... is shared by labels %s and %s; joined as one job",
                      m->tasks[idx[i]].hash, j->label, m->tasks[j->tasks[k]].label);
                break;
            }
        i = e;
    }
    free(idx);
    /* jobs in the order their first row appears (run, then task id) */
    qsort(m->jobs, m->njobs, sizeof *m->jobs, cmp_job_first);
    for (size_t k = 0; k < m->njobs; k++) job_summary(m, &m->jobs[k]);
    if (nohash && m->nruns > 1)
        warnf(m, "%ld task rows have no task_hashsum: those are not joined across restarts",
              nohash);
    return Y1_OK;
}

/* ---- open / free -------------------------------------------------------------------------- */

int est_mon_open(est_mon **out, const char *path, y1_err *err)
{
    sqlite3 *db = NULL;
    int rc, has_cost = 0, has_block = 0;
    est_mon *m = calloc(1, sizeof *m);
    if (!m || !(m->path = strdup(path))) {
        free(m);
        return y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
    }
    /* a FIFO would block sqlite's open; a directory would read as "disk I/O error" */
    if ((rc = y1_input_check(path, "a Parsl monitoring.db file", err))) goto done;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "sqlite3");
        goto done;
    }
    /* a file that is not SQLite fails here, on its first read */
    if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
        rc = y1_errf(err, Y1_EINPUT, "%s: not an SQLite database: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if ((rc = check_schema(db, m, &has_cost, &has_block, err)) || (rc = read_runs(db, m, err)) ||
        (rc = read_tasks(db, m, has_cost, err)) || (rc = read_tries(db, m, has_block, err)) ||
        (rc = read_status(db, m, err)) || (rc = read_resource(db, m, err)) ||
        (rc = read_nodes(db, m, err)))
        goto done;
    if (m->ntasks == 0) {
        rc = y1_errf(err, Y1_EINPUT, "%s: an empty run: the %zu run%s in the file recorded no "
                     "task", path, m->nruns, m->nruns == 1 ? "" : "s");
        goto done;
    }
    for (size_t r = 0; r < m->nruns; r++)
        if (m->runs[r].ntasks == 0)
            warnf(m, "run %zu (%s) recorded no task", r + 1, m->runs[r].run_id);
    if (!has_cost)
        warnf(m, "task.task_fail_cost is missing (a Parsl 1.1.0 file): retry costs are not shown");
    if ((rc = build_jobs(m, err))) goto done;
    *out = m;
    m = NULL;
done:
    sqlite3_close(db);
    est_mon_free(m);
    return rc;
}

void est_mon_free(est_mon *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nruns; i++) {
        free(m->runs[i].run_id);
        free(m->runs[i].name);
    }
    for (size_t i = 0; i < m->ntasks; i++) {
        est_mon_task *t = &m->tasks[i];
        for (size_t k = 0; k < t->ntries; k++) {
            free(t->tries[k].host);
            free(t->tries[k].block);
            free(t->tries[k].fail_history);
        }
        free(t->tries);
        free(t->hist);
        free(t->label);
        free(t->hash);
    }
    for (size_t i = 0; i < m->njobs; i++) free(m->jobs[i].tasks);
    for (size_t i = 0; i < m->nnodes; i++) free(m->nodes[i].host);
    free(m->runs);
    free(m->tasks);
    free(m->jobs);
    free(m->nodes);
    free(m->path);
    free(m);
}
