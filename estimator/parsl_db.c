/* parsl_db.c: Parsl monitoring.db -> per-try records (CPU s as the within-try delta of the
 * cumulative user+system time, peak RSS bytes as the largest periodic sample). Rules from
 * ../shared/reference/parsl-monitoring.md section 4. */
#include "estimator/parsl_db.h"

#include "common/y1_input.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* sqlite's last error for a message: for a damaged file its generic words (its own message may
 * quote bytes of the damaged schema), else its message with non-printable bytes as '?'. */
static const char *sql_why(sqlite3 *db, char *buf, size_t n)
{
    int code = sqlite3_errcode(db) & 0xff;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        snprintf(buf, n, "the file is damaged or not a database (%s)", sqlite3_errstr(code));
    else {
        snprintf(buf, n, "%.200s", sqlite3_errmsg(db));
        for (char *p = buf; *p; p++)
            if (*p < 32 || *p > 126) *p = '?';
    }
    return buf;
}

/* Damage and wrong contents are bad input; I/O, locks and memory are system failures. */
static int sql_status(sqlite3 *db)
{
    int code = sqlite3_errcode(db) & 0xff;
    return code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_FULL ||
           code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_PERM ? Y1_EIO
         : code == SQLITE_NOMEM ? Y1_ENOMEM : Y1_EINPUT;
}

/* 1 if table has column col; 0 if not; minus the status on an SQL error (err set). */
static int has_column(sqlite3 *db, const char *path, const char *table, const char *col,
                      y1_err *err)
{
    char sql[128];
    sqlite3_stmt *st = NULL;
    int found = 0, rc;
    snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        char why[256];
        return -y1_errf(err, sql_status(db), "%s: not a readable SQLite database: %s", path,
                        sql_why(db, why, sizeof why));
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 1);
        if (name && !strcmp((const char *)name, col)) found = 1;
    }
    if (rc != SQLITE_DONE) {
        char why[256];
        found = -y1_errf(err, sql_status(db), "%s: %s", path, sql_why(db, why, sizeof why));
    }
    sqlite3_finalize(st);
    return found;
}

/* The per-try accumulator. */
typedef struct acc {
    char run_id[128], label[256];
    long long task_id, try_id;
    double cpu_min, cpu_max;  /* of user + system */
    double rss_max;           /* over rows seen before the current last one */
    double rss_last;          /* the latest row's RSS (excluded unless it is the only row) */
    long rows;
} acc;

static int flush(mdl_records *out, const char *path, acc *a, est_parsl_stats *stats, y1_err *err)
{
    if (a->rows == 0) return Y1_OK;
    char id[600];
    snprintf(id, sizeof id, "%s:%s:%lld:%lld", path, a->run_id, a->task_id, a->try_id);
    mdl_record rec = {0};
    rec.task = a->label;
    rec.data_id = id;
    rec.cpu_s = a->cpu_max - a->cpu_min;
    rec.maxrss_bytes = a->rows >= 2 ? a->rss_max : a->rss_last;
    rec.n_visits = NAN;
    int rc = mdl_records_push(out, &rec, err);
    if (!rc && stats) {
        stats->tries++;
        if (a->rows < 3) stats->few_samples++;
    }
    a->rows = 0;
    return rc;
}

int est_parsl_read(mdl_records *out, const char *path, est_parsl_stats *stats, y1_err *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = Y1_OK, s;
    char why[256];
    size_t n0 = out->n;
    acc a;
    memset(&a, 0, sizeof a);
    if (stats) memset(stats, 0, sizeof *stats);
    if ((rc = y1_input_check(path, "a Parsl monitoring.db file", err))) goto done;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "sqlite3");
        goto done;
    }
    static const struct { const char *table, *col; } need[] = {
        {"try", "try_id"}, {"task", "task_func_name"}, {"task", "task_id"}, {"task", "run_id"},
        {"resource", "task_id"}, {"resource", "try_id"}, {"resource", "run_id"},
        {"resource", "timestamp"}, {"resource", "psutil_process_time_user"},
        {"resource", "psutil_process_time_system"}, {"resource", "psutil_process_memory_resident"}};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        int h = has_column(db, path, need[i].table, need[i].col, err);
        if (h < 0) { rc = -h; goto done; }
        if (!h) {
            rc = y1_errf(err, Y1_EINPUT, "%s: table '%s' has no column '%s'%s", path,
                         need[i].table, need[i].col,
                         !strcmp(need[i].table, "try") ? " (no try table: Parsl older than 1.1 "
                         "is not supported)" : " (not a Parsl monitoring database?)");
            goto done;
        }
    }
    const char *sql =
        "SELECT r.run_id, r.task_id, r.try_id, t.task_func_name,"
        " r.psutil_process_time_user, r.psutil_process_time_system,"
        " r.psutil_process_memory_resident"
        " FROM resource AS r JOIN task AS t ON t.task_id = r.task_id AND t.run_id = r.run_id"
        " ORDER BY r.run_id, r.task_id, r.try_id, r.timestamp";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = y1_errf(err, sql_status(db), "%s: %s", path, sql_why(db, why, sizeof why));
        goto done;
    }
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *run = (const char *)sqlite3_column_text(st, 0);
        long long task = sqlite3_column_int64(st, 1), try_id = sqlite3_column_int64(st, 2);
        const char *label = (const char *)sqlite3_column_text(st, 3);
        /* sqlite reads text as 0: a number column holding text would pass as a zero */
        for (int c = 1; c <= 6; c++) {
            int t = sqlite3_column_type(st, c);
            if (c == 3 || t == SQLITE_INTEGER || (t == SQLITE_FLOAT && c >= 4)) continue;
            static const char *const col[] = {"", "task_id", "try_id", "",
                "psutil_process_time_user", "psutil_process_time_system",
                "psutil_process_memory_resident"};
            rc = y1_errf(err, Y1_EINPUT, "%s: run %s task %lld try %lld: a resource row has %s "
                         "%s, expected %s", path, run ? run : "?", task, try_id,
                         t == SQLITE_NULL ? "no" : t == SQLITE_TEXT ? "text in" : "a blob in",
                         col[c], c >= 4 ? "a number" : "an integer");
            goto done;
        }
        double cpu = sqlite3_column_double(st, 4) + sqlite3_column_double(st, 5);
        double rss = sqlite3_column_double(st, 6);
        if (!run || !label || !*label) {
            rc = y1_errf(err, Y1_EINPUT, "%s: task %lld has no run_id or task_func_name", path, task);
            goto done;
        }
        if (!isfinite(cpu) || cpu < 0 || !isfinite(rss) || rss < 0) {
            rc = y1_errf(err, Y1_EINPUT, "%s: run %s task %lld try %lld: negative or non-finite "
                         "CPU (%g s) or RSS (%g bytes)", path, run, task, try_id, cpu, rss);
            goto done;
        }
        if (a.rows && (strcmp(a.run_id, run) || a.task_id != task || a.try_id != try_id))
            if ((rc = flush(out, path, &a, stats, err))) goto done;
        if (a.rows == 0) {
            snprintf(a.run_id, sizeof a.run_id, "%s", run);
            snprintf(a.label, sizeof a.label, "%s", label);
            a.task_id = task;
            a.try_id = try_id;
            a.cpu_min = a.cpu_max = cpu;
            a.rss_max = 0;
        } else {
            /* the previous last row is now an inner row: it counts for the peak */
            if (a.rss_last > a.rss_max) a.rss_max = a.rss_last;
            if (cpu < a.cpu_min) a.cpu_min = cpu;
            if (cpu > a.cpu_max) a.cpu_max = cpu;
        }
        a.rss_last = rss;
        a.rows++;
    }
    if (s != SQLITE_DONE) {
        rc = y1_errf(err, sql_status(db), "%s: %s", path, sql_why(db, why, sizeof why));
        goto done;
    }
    if ((rc = flush(out, path, &a, stats, err))) goto done;
    if (out->n == n0) {
        rc = y1_errf(err, Y1_EINPUT, "%s: no resource rows (was resource monitoring on?)", path);
        goto done;
    }
    mdl_records_note_definition(out, "parsl-try");
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
