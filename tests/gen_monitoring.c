/* gen_monitoring.c: writes a small Parsl monitoring.db (the current schema, Parsl >= 2024.03)
 * and LSST task-metadata JSON files for a made-up DRP run with KNOWN jobs, CPU, memory, wall
 * times, failures, retries and a restart, for the tests of `y1est run-report` and `validate`.
 * Times are whole microseconds; CPU in s; memory in bytes (GiB = 2^30 bytes in the tables).
 *
 * It shares no code with y1est's readers: it links only sqlite3 and writes the JSON by hand.
 *
 * usage: gen_monitoring --out DIR [--variant normal|old-schema|no-fail-cost|empty|backwards|
 *                                             unknown-label]
 * writes DIR/monitoring.db and (variant normal and unknown-label) DIR/metadata/<label>_<j>.json,
 * one per successful job.
 *
 * THE RUN (every number the tests check follows from this description):
 * - workload: tests/fixtures/validate_coadds.csv: 2 visits (g, r) of 2 CCDs, coadds g(10,0,0),
 *   r(10,0,0), r(10,1,0), each n = 1. The RTN-028 estimate predicts: isr, characterizeImage,
 *   calibrate 4 jobs each (2 x 2 CCD-visits); makeWarp 3 (sum of n); assembleCoadd, detection,
 *   measure, forcedPhotCoadd 3 (coadds); deblend 2 (patches).
 * - jobs actually planned (distinct task hashes): isr 4, characterizeImage 4, calibrate 4,
 *   makeWarp 2, assembleCoadd 3, detection 3, deblend 2, measure 3, forcedPhotCoadd 3: 28.
 * - workflow "y1-fixture", two runs. Run 1 (run_id 1111...) starts 2026-03-02 08:00:00 and does
 *   isr, characterizeImage, calibrate and makeWarp; it dies while makeWarp job 1 runs (no
 *   time_completed; that try has launched/running rows and no return). Run 2 (2222...) starts at
 *   10:00:00: the 13 tasks done in run 1 are memo_done (no try), makeWarp 1 and every later
 *   stage run. 42 task rows in all (14 in run 1, 28 in run 2).
 * - retries: calibrate job 3 (run 1): try 0 fails "MemoryError: std::bad_alloc", try 1 succeeds.
 *   assembleCoadd job 1 (run 2): try 0 fails "parsl.executors.high_throughput.errors.WorkerLost:
 *   Task failure due to loss of worker 3 on host nid002", try 1 succeeds. detection job 2: try 0
 *   and try 1 fail "RuntimeError: PSF determination failed" (the task ends failed), so deblend
 *   job 1, measure job 2 and forcedPhotCoadd job 2 (the r coadd of patch 10,1,0) end dep_fail
 *   with no try. Final status over the workflow: 24 exec_done, 1 failed, 3 dep_fail.
 * - CPU of a successful try: model_s x factor x (1 + d_k), model_s = the RTN-028 model at n = 1
 *   (models/rtn028-dc2-3828.yaml, minutes x 60), k = 0..S-1 over the label's S successful jobs,
 *   d_k = 0.1 (2k - (S-1)) / (S-1) (0 when S = 1), so the label's CPU sum is model x factor x S.
 *   Factors: isr 1.20, characterizeImage 0.90, calibrate 1.00, makeWarp 0.80, assembleCoadd
 *   0.77, detection 1.10, deblend 1.62, measure 1.12, forcedPhotCoadd 0.80. A failed try uses
 *   half the CPU of the model x factor; makeWarp 1's lost try in run 1 used 30 s.
 * - peak RSS of each job's successful try (GiB), in job order: isr 2.0 2.2 2.4 3.0;
 *   characterizeImage 0.5 0.6 0.7 0.8; calibrate 0.6 0.7 0.8 0.9 (its failed try 0: 0.85);
 *   makeWarp 2.5 3.5 (the lost try: 1.0); assembleCoadd 1.0 1.2 1.4 (failed try: 0.9);
 *   detection 0.9 1.0 and the failed job's tries 0.5, 0.6; deblend 7.5; measure 1.2 1.5;
 *   forcedPhotCoadd 1.3 1.4.
 * - wall time of a try = CPU x w, w = 1.05, 1.10, 1.20, 1.50 for jobs 0, 1, 2, 3 of a label.
 * - dispatch: 4 workers (2 on nid001, 2 on nid002, a 2-core 16 GiB node each, one block per
 *   run); a stage starts when the previous one has returned; each try goes to the worker free
 *   first, launched 1, 2, 3, 1, 2, 3, ... s after that worker's previous try returned (or the
 *   stage's start, or for a retry the failure, when later), running 0.5 s after launch.
 * - resource rows every 30 s: one at the start (CPU = the worker's cumulative 7.25 s, RSS
 *   0.05 GiB), one each 30 s while the try runs (CPU linear in time, RSS peaking at the middle
 *   row), one after the return (CPU 7.25 + cpu_s, RSS 0.1 GiB: children have exited).
 * - metadata JSON (v1, bytes) per successful job: quantum prepCpuTime 15.0, startCpuTime 20.0,
 *   endCpuTime 20 + cpu_s, endMaxResidentSetSize = the peak, prepUtc = the try's running time,
 *   endUtc = prep + wall; the task section's runEndCpuTime = 20 + cpu_s.
 * Variants: old-schema (Parsl 1.0: no try/block tables, no status.try_id or resource.try_id,
 * task_time_running etc. still in task); no-fail-cost (Parsl 1.1.0: task lacks task_fail_cost);
 * empty (one run with no tasks); backwards (run 2's assembleCoadd job 0 returns 40 s before it
 * started running: the submit host's clock is behind the worker's; detection job 0 starts
 * running 5 s before it was launched, in its try row and its status history: the worker's clock
 * is behind); unknown-label (adds 2
 * isolatedStarAssociation jobs, a label RTN-028's pipeline lacks, to run 2). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#define GIB 1073741824.0
#define S_US 1000000LL

enum outcome { OK, RETRY_OK, FAIL, DEPFAIL, CRASH_RERUN };

typedef struct spec {
    const char *label;
    int run;              /* 1: run 1 (then memo_done in run 2), 2: run 2 only */
    double model_s;       /* RTN-028 CPU model at n = 1, seconds */
    double factor;
    int jobs;
    double rss_gib[4];    /* successful try's peak per job (failed jobs: try 0 peak) */
    enum outcome out[4];
    double fail_rss_gib;  /* peak of a failed try (RETRY_OK, CRASH_RERUN: the lost try; FAIL: try 1) */
} spec;

static const spec specs[] = {
    {"isr", 1, 70.447349066500002, 1.20, 4, {2.0, 2.2, 2.4, 3.0}, {OK, OK, OK, OK}, 0},
    {"characterizeImage", 1, 135.2819647635, 0.90, 4, {0.5, 0.6, 0.7, 0.8}, {OK, OK, OK, OK}, 0},
    {"calibrate", 1, 83.134339253000010, 1.00, 4, {0.6, 0.7, 0.8, 0.9},
     {OK, OK, OK, RETRY_OK}, 0.85},
    {"makeWarp", 1, 210.31750487100002, 0.80, 2, {2.5, 3.5}, {OK, CRASH_RERUN}, 1.0},
    {"assembleCoadd", 2, 72.323162812598771, 0.77, 3, {1.0, 1.2, 1.4}, {OK, RETRY_OK, OK}, 0.9},
    {"detection", 2, 60.820729587528372, 1.10, 3, {0.9, 1.0, 0.5}, {OK, OK, FAIL}, 0.6},
    {"deblend", 2, 6351.924854500000, 1.62, 2, {7.5, 0}, {OK, DEPFAIL}, 0},
    {"measure", 2, 2472.298177222275, 1.12, 3, {1.2, 1.5, 0}, {OK, OK, DEPFAIL}, 0},
    {"forcedPhotCoadd", 2, 2394.9330224391312, 0.80, 3, {1.3, 1.4, 0}, {OK, OK, DEPFAIL}, 0},
};
static const spec extra = {"isolatedStarAssociation", 2, 100.0, 1.0, 2, {0.4, 0.4}, {OK, OK}, 0};

static const char *RUN_ID[3] = {"", "11111111-1111-4111-8111-111111111111",
                                "22222222-2222-4222-8222-222222222222"};
static const double WALL_FACTOR[4] = {1.05, 1.10, 1.20, 1.50};
static const char *HOSTS[4] = {"nid001", "nid001", "nid002", "nid002"};

typedef struct gen {
    sqlite3 *db;
    const char *dir;
    const char *variant;
    int64_t worker_free[4];  /* microseconds */
    int dispatches;
    int next_task_id[3];
    int64_t crash_us;        /* run 1 ends here */
} gen;

static int is(const gen *g, const char *v) { return !strcmp(g->variant, v); }

static void die(const char *what, sqlite3 *db)
{
    fprintf(stderr, "gen_monitoring: %s%s%s\n", what, db ? ": " : "", db ? sqlite3_errmsg(db) : "");
    exit(3);
}

/* 2026-03-02 08:00:00 plus us microseconds, as Parsl writes it (local time, no zone) */
static void ts(char *buf, size_t n, int64_t us)
{
    struct tm base = {.tm_year = 126, .tm_mon = 2, .tm_mday = 2, .tm_hour = 8};
    time_t t0 = timegm(&base) + (time_t)(us / S_US);
    struct tm tm;
    gmtime_r(&t0, &tm);
    char full[128]; /* wide enough for any int fields; the stamp itself is 26 characters */
    snprintf(full, sizeof full, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(us % S_US));
    snprintf(buf, n, "%.26s", full);
}

static void exec_sql(gen *g, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(g->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "gen_monitoring: %s\n  in: %.200s\n", msg ? msg : "?", sql);
        exit(3);
    }
}

/* printf-style SQL with %Q quoting (sqlite3_mprintf) */
static void sqlf(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    if (!sql) die("out of memory", NULL);
    exec_sql(g, sql);
    sqlite3_free(sql);
}

static void schema(gen *g)
{
    int old = is(g, "old-schema");
    /* column names and order as Parsl's db_manager.py at the version named in the header */
    sqlf(g, "CREATE TABLE workflow (run_id TEXT NOT NULL PRIMARY KEY, workflow_name TEXT, "
            "workflow_version TEXT, time_began DATETIME NOT NULL, time_completed DATETIME, "
            "host TEXT NOT NULL, user TEXT NOT NULL, rundir TEXT NOT NULL, "
            "tasks_failed_count INTEGER NOT NULL, tasks_completed_count INTEGER NOT NULL%s)",
         old ? ", workflow_duration FLOAT" : "");
    if (old)
        exec_sql(g, "CREATE TABLE task (task_id INTEGER NOT NULL, run_id TEXT NOT NULL, "
                    "task_executor TEXT NOT NULL, task_func_name TEXT NOT NULL, "
                    "task_depends TEXT, task_memoize TEXT NOT NULL, task_hashsum TEXT, "
                    "task_inputs TEXT, task_outputs TEXT, task_stdin TEXT, task_stdout TEXT, "
                    "task_stderr TEXT, task_time_submitted DATETIME, task_time_running DATETIME, "
                    "task_time_returned DATETIME, task_fail_count INTEGER NOT NULL, "
                    "task_fail_history TEXT, hostname TEXT, PRIMARY KEY (task_id, run_id))");
    else
        sqlf(g, "CREATE TABLE task (task_id INTEGER NOT NULL, run_id TEXT NOT NULL, "
                "task_depends TEXT, task_func_name TEXT NOT NULL, task_memoize TEXT NOT NULL, "
                "task_hashsum TEXT, task_inputs TEXT, task_outputs TEXT, task_stdin TEXT, "
                "task_stdout TEXT, task_stderr TEXT, task_time_invoked DATETIME, "
                "task_time_returned DATETIME, task_fail_count INTEGER NOT NULL%s, "
                "PRIMARY KEY (task_id, run_id))",
             is(g, "no-fail-cost") ? "" : ", task_fail_cost FLOAT NOT NULL");
    if (!old) {
        exec_sql(g, "CREATE TABLE try (try_id INTEGER NOT NULL, task_id INTEGER NOT NULL, "
                    "run_id TEXT NOT NULL, block_id TEXT, hostname TEXT, task_executor TEXT "
                    "NOT NULL, task_try_time_launched DATETIME, task_try_time_running DATETIME, "
                    "task_try_time_returned DATETIME, task_fail_history TEXT, task_joins TEXT, "
                    "PRIMARY KEY (try_id, task_id, run_id))");
        exec_sql(g, "CREATE TABLE status (task_id INTEGER NOT NULL, task_status_name TEXT NOT "
                    "NULL, timestamp DATETIME NOT NULL, run_id TEXT NOT NULL, try_id INTEGER "
                    "NOT NULL, PRIMARY KEY (task_id, run_id, task_status_name, timestamp))");
        exec_sql(g, "CREATE TABLE resource (try_id INTEGER NOT NULL, task_id INTEGER NOT NULL, "
                    "run_id TEXT NOT NULL, timestamp DATETIME NOT NULL, "
                    "resource_monitoring_interval FLOAT, psutil_process_pid INTEGER, "
                    "psutil_process_memory_percent FLOAT, psutil_process_children_count FLOAT, "
                    "psutil_process_time_user FLOAT, psutil_process_time_system FLOAT, "
                    "psutil_process_memory_virtual FLOAT, psutil_process_memory_resident FLOAT, "
                    "psutil_process_disk_read FLOAT, psutil_process_disk_write FLOAT, "
                    "psutil_process_status TEXT, psutil_cpu_num TEXT, "
                    "psutil_process_num_ctx_switches_voluntary FLOAT, "
                    "psutil_process_num_ctx_switches_involuntary FLOAT, "
                    "PRIMARY KEY (try_id, task_id, run_id, timestamp))");
        exec_sql(g, "CREATE TABLE node (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, run_id "
                    "TEXT NOT NULL, hostname TEXT NOT NULL, uid TEXT NOT NULL, block_id TEXT "
                    "NOT NULL, cpu_count INTEGER NOT NULL, total_memory INTEGER NOT NULL, active "
                    "BOOLEAN NOT NULL, worker_count INTEGER NOT NULL, python_v TEXT NOT NULL, "
                    "timestamp DATETIME NOT NULL, last_heartbeat DATETIME NOT NULL)");
        exec_sql(g, "CREATE TABLE block (run_id TEXT NOT NULL, executor_label TEXT NOT NULL, "
                    "block_id TEXT NOT NULL, job_id TEXT, timestamp DATETIME NOT NULL, status "
                    "TEXT NOT NULL, PRIMARY KEY (run_id, block_id, executor_label, timestamp))");
    } else {
        exec_sql(g, "CREATE TABLE status (task_id INTEGER NOT NULL, task_status_name TEXT NOT "
                    "NULL, timestamp DATETIME NOT NULL, run_id TEXT NOT NULL, hostname TEXT, "
                    "PRIMARY KEY (task_id, run_id, task_status_name, timestamp))");
        exec_sql(g, "CREATE TABLE resource (task_id INTEGER NOT NULL, timestamp DATETIME NOT "
                    "NULL, run_id TEXT NOT NULL, resource_monitoring_interval FLOAT, "
                    "psutil_process_pid INTEGER, psutil_process_cpu_percent FLOAT, "
                    "psutil_process_memory_percent FLOAT, psutil_process_children_count FLOAT, "
                    "psutil_process_time_user FLOAT, psutil_process_time_system FLOAT, "
                    "psutil_process_memory_virtual FLOAT, psutil_process_memory_resident FLOAT, "
                    "psutil_process_disk_read FLOAT, psutil_process_disk_write FLOAT, "
                    "psutil_process_status TEXT, PRIMARY KEY (task_id, run_id, timestamp))");
        exec_sql(g, "CREATE TABLE node (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, run_id "
                    "TEXT NOT NULL, hostname TEXT NOT NULL, cpu_count INTEGER NOT NULL, "
                    "total_memory INTEGER NOT NULL, active BOOLEAN NOT NULL, worker_count "
                    "INTEGER NOT NULL, python_v TEXT NOT NULL, reg_time DATETIME NOT NULL)");
    }
}

static void status(gen *g, int run, int task_id, int try_id, const char *name, int64_t us)
{
    char t[40];
    ts(t, sizeof t, us);
    if (is(g, "old-schema"))
        sqlf(g, "INSERT INTO status VALUES (%d, %Q, %Q, %Q, NULL)", task_id, name, t, RUN_ID[run]);
    else sqlf(g, "INSERT INTO status VALUES (%d, %Q, %Q, %Q, %d)", task_id, name, t, RUN_ID[run],
              try_id);
}

/* One try on the worker free first. Returns its return time (or -1 if lost in the crash).
 * cpu_s, rss_gib, wall_s describe the try; fail: exception text or NULL. */
static int64_t one_try(gen *g, int run, int task_id, int try_id, int64_t stage_start, double cpu_s,
                       double rss_gib, double wall_s, const char *fail, int lost, int skew,
                       int64_t *running_out)
{
    int w = 0;
    for (int i = 1; i < 4; i++)
        if (g->worker_free[i] < g->worker_free[w]) w = i;
    int64_t free_us = g->worker_free[w] > stage_start ? g->worker_free[w] : stage_start;
    int64_t launched = free_us + (1 + g->dispatches++ % 3) * S_US;
    /* skew 2: the worker's clock is 5.5 s behind, so "running" is stamped before "launched" */
    int64_t running = launched + (skew == 2 ? -5 * S_US : S_US / 2);
    int64_t wall_us = (int64_t)llround(wall_s * 1e6);
    int64_t returned = lost ? -1 : running + wall_us;
    if (lost) g->crash_us = running + wall_us; /* the run dies wall_s after this try started */
    char tl[40], tr[40], tt[40];
    ts(tl, sizeof tl, launched);
    ts(tr, sizeof tr, running);
    ts(tt, sizeof tt, returned >= 0 ? returned - (skew == 1 ? (int64_t)llround(wall_s * 1e6) + 40 * S_US : 0) : 0);
    if (!is(g, "old-schema"))
        sqlf(g, "INSERT INTO try VALUES (%d, %d, %Q, %Q, %Q, 'htex_drp', %Q, %Q, %Q, %Q, NULL)",
             try_id, task_id, RUN_ID[run], run == 1 ? "0" : "1", HOSTS[w], tl, tr,
             returned >= 0 ? tt : NULL, fail);
    status(g, run, task_id, try_id, "launched", launched);
    status(g, run, task_id, try_id, "running", running);
    if (!lost) {
        status(g, run, task_id, try_id, "running_ended", returned - S_US / 5);
        status(g, run, task_id, try_id, fail ? (try_id == 0 ? "fail_retryable" : "failed")
                                              : "exec_done", returned);
    }
    /* resource rows: start, every 30 s inside, and after the return (lost: up to the crash) */
    double base = 7.25;
    int64_t end = lost ? g->crash_us : returned;
    int nin = (int)((end - running - 1) / (30 * S_US)); /* rows strictly inside (0, wall) */
    int mid = (nin + 1) / 2;
    for (int k = 0; k <= nin + 1; k++) {
        int64_t t = k == nin + 1 ? end : running + (int64_t)k * 30 * S_US;
        double frac = (double)(t - running) / (double)wall_us;
        double cpu = base + (k == nin + 1 ? cpu_s : cpu_s * frac);
        double rss = k == 0 ? 0.05 : k == nin + 1 ? 0.1 : k == mid ? rss_gib
                   : rss_gib * (0.5 + 0.4 * (double)k / (nin + 1));
        char tk[40];
        ts(tk, sizeof tk, t);
        /* user 90 %, system 10 % of the cumulative CPU */
        if (is(g, "old-schema"))
            sqlf(g, "INSERT INTO resource VALUES (%d, %Q, %Q, 30, 4242, NULL, 1.0, 1, %.17g, "
                    "%.17g, %.17g, %.17g, 0, 0, 'running')", task_id, tk, RUN_ID[run],
                 0.9 * cpu, cpu - 0.9 * cpu, 2 * rss * GIB, rss * GIB);
        else
            sqlf(g, "INSERT INTO resource VALUES (%d, %d, %Q, %Q, 30, 4242, 1.0, 1, %.17g, "
                    "%.17g, %.17g, %.17g, 0, 0, 'running', '0', 10, 2)", try_id, task_id,
                 RUN_ID[run], tk, 0.9 * cpu, cpu - 0.9 * cpu, 2 * rss * GIB, rss * GIB);
    }
    if (lost) return -1;
    g->worker_free[w] = returned;
    *running_out = running;
    return returned;
}

static void metadata(gen *g, const char *label, int j, double cpu_s, double rss_gib,
                     int64_t running, double wall_s)
{
    char path[1024], t0[40], t1[40];
    snprintf(path, sizeof path, "%s/metadata", g->dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/metadata/%s_%d.json", g->dir, label, j);
    FILE *fp = fopen(path, "w");
    if (!fp) die("cannot write a metadata file", NULL);
    ts(t0, sizeof t0, running);
    ts(t1, sizeof t1, running + (int64_t)llround(wall_s * 1e6));
    t0[10] = t1[10] = 'T'; /* ISO-8601 UTC as the metadata writes it */
    long long rss = llround(rss_gib * GIB);
    fprintf(fp, "{\"scalars\": {}, \"arrays\": {}, \"metadata\": {\n"
            " \"%s\": {\"scalars\": {\"__version__\": 1}, \"arrays\": {"
            "\"runStartCpuTime\": [20.0], \"runEndCpuTime\": [%.17g], "
            "\"runEndMaxResidentSetSize\": [%lld]}, \"metadata\": {}},\n"
            " \"quantum\": {\"scalars\": {\"__version__\": 1}, \"arrays\": {"
            "\"prepUtc\": [\"%s+00:00\"], \"prepCpuTime\": [15.0], \"startCpuTime\": [20.0], "
            "\"endUtc\": [\"%s+00:00\"], \"endCpuTime\": [%.17g], "
            "\"endMaxResidentSetSize\": [%lld]}, \"metadata\": {}}}}\n",
            label, 20.0 + cpu_s, rss, t0, t1, 20.0 + cpu_s, rss);
    if (fclose(fp) != 0) die("cannot write a metadata file", NULL);
}

static void hash_of(char *buf, size_t n, const char *label, int j)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: any stable text id will do */
    for (const char *p = label; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ (unsigned)j) * 1099511628211ULL;
    snprintf(buf, n, "%016llx%016llx", (unsigned long long)h, (unsigned long long)~h);
}

static void task_row(gen *g, int run, int id, const char *label, const char *hash,
                     int64_t invoked, int64_t returned, int fails, const char *depends)
{
    char ti[40], tr[40];
    ts(ti, sizeof ti, invoked);
    ts(tr, sizeof tr, returned);
    if (is(g, "old-schema"))
        sqlf(g, "INSERT INTO task VALUES (%d, %Q, 'htex_drp', %Q, %Q, 'True', %Q, '', '', '', "
                "'%s_%d.stdout', '%s_%d.stderr', %Q, NULL, %Q, %d, NULL, 'nid001')", id,
             RUN_ID[run], label, depends, hash, label, id, label, id, ti,
             returned >= 0 ? tr : NULL, fails);
    else if (is(g, "no-fail-cost"))
        sqlf(g, "INSERT INTO task VALUES (%d, %Q, %Q, %Q, 'True', %Q, '', '', '', '%s_%d.stdout', "
                "'%s_%d.stderr', %Q, %Q, %d)", id, RUN_ID[run], depends, label, hash, label, id,
             label, id, ti, returned >= 0 ? tr : NULL, fails);
    else
        sqlf(g, "INSERT INTO task VALUES (%d, %Q, %Q, %Q, 'True', %Q, '', '', '', '%s_%d.stdout', "
                "'%s_%d.stderr', %Q, %Q, %d, %d)", id, RUN_ID[run], depends, label, hash, label,
             id, label, id, ti, returned >= 0 ? tr : NULL, fails, fails);
}

/* All jobs of one label in one run; returns when the stage's last try returned. */
static int64_t stage(gen *g, const spec *s, int run, int64_t start, int64_t *dep_fail_time)
{
    int S = 0, k = 0;
    for (int j = 0; j < s->jobs; j++) S += s->out[j] != FAIL && s->out[j] != DEPFAIL;
    int64_t last = start;
    for (int j = 0; j < s->jobs; j++) {
        char hash[40];
        hash_of(hash, sizeof hash, s->label, j);
        enum outcome o = s->out[j];
        double d = S > 1 ? 0.1 * (2.0 * k - (S - 1)) / (S - 1) : 0;
        double cpu = s->model_s * s->factor * (1 + d), wf = WALL_FACTOR[j % 4];
        int id = g->next_task_id[run]++;
        int64_t running = 0;
        if (run == 2 && s->run == 1 && o != CRASH_RERUN) {
            /* done in run 1: memoised in the restart, no try */
            task_row(g, run, id, s->label, hash, start, start, 0, "");
            status(g, run, id, 0, "pending", start);
            status(g, run, id, 0, "memo_done", start);
            k++;
            continue;
        }
        if (o == DEPFAIL) {
            /* its stage is reached after the failure: dep_fail is stamped then */
            int64_t tf = *dep_fail_time > start ? *dep_fail_time : start;
            task_row(g, run, id, s->label, hash, start, tf, 0, "");
            status(g, run, id, 0, "pending", start);
            status(g, run, id, 0, "dep_fail", tf);
            continue;
        }
        status(g, run, id, 0, "pending", start);
        if (run == 1 && o == CRASH_RERUN) {
            /* the run dies 60 s after this try started: its last sample is at the crash */
            one_try(g, run, id, 0, start, 30.0, s->fail_rss_gib, 60.0, NULL, 1, 0, &running);
            task_row(g, run, id, s->label, hash, start, -1, 0, "");
            return g->crash_us;
        }
        int64_t ret = 0;
        int fails = 0, try_id = 0;
        const char *exc = !strcmp(s->label, "calibrate") ? "MemoryError: std::bad_alloc"
            : !strcmp(s->label, "assembleCoadd")
            ? "parsl.executors.high_throughput.errors.WorkerLost: Task failure due to loss of "
              "worker 3 on host nid002"
            : "RuntimeError: PSF determination failed";
        if (o == RETRY_OK || o == FAIL) {
            double fc = 0.5 * s->model_s * s->factor;
            ret = one_try(g, run, id, try_id++, start, fc, o == FAIL ? s->rss_gib[j] : s->fail_rss_gib,
                          fc * wf, exc, 0, 0, &running);
            fails++;
            status(g, run, id, try_id, "pending", ret);
            if (o == FAIL) {
                ret = one_try(g, run, id, try_id++, ret, fc, s->fail_rss_gib, fc * wf, exc, 0, 0,
                              &running);
                fails++;
                *dep_fail_time = ret;
                task_row(g, run, id, s->label, hash, start, ret, fails, "");
                if (ret > last) last = ret;
                continue;
            }
        }
        int skew = !is(g, "backwards") ? 0 : !strcmp(s->label, "assembleCoadd") && j == 0 ? 1
                 : !strcmp(s->label, "detection") && j == 0 ? 2 : 0;
        /* a retry is launched after the failure it follows */
        ret = one_try(g, run, id, try_id, fails ? ret : start, cpu, s->rss_gib[j], cpu * wf, NULL, 0, skew,
                      &running);
        task_row(g, run, id, s->label, hash, start, ret, fails, "");
        if (ret > last) last = ret;
        if (!is(g, "old-schema") && !is(g, "no-fail-cost") && !is(g, "empty") &&
            !is(g, "backwards"))
            metadata(g, s->label, j, cpu, s->rss_gib[j], running, cpu * wf);
        k++;
    }
    return last;
}

static void run_rows(gen *g, int run, int64_t began, int64_t completed, int failed, int done)
{
    char tb[40], tc[40];
    ts(tb, sizeof tb, began);
    ts(tc, sizeof tc, completed);
    if (is(g, "old-schema"))
        sqlf(g, "INSERT INTO workflow VALUES (%Q, 'y1-fixture', '1', %Q, %Q, 'login01', 'desc', "
                "'runinfo/%03d', %d, %d, NULL)", RUN_ID[run], tb, completed >= 0 ? tc : NULL,
             run - 1, failed, done);
    else
        sqlf(g, "INSERT INTO workflow VALUES (%Q, 'y1-fixture', '1', %Q, %Q, 'login01', 'desc', "
                "'runinfo/%03d', %d, %d)", RUN_ID[run], tb, completed >= 0 ? tc : NULL, run - 1,
             failed, done);
    for (int n = 0; n < 2; n++) {
        if (is(g, "old-schema")) {
            sqlf(g, "INSERT INTO node (run_id, hostname, cpu_count, total_memory, active, "
                    "worker_count, python_v, reg_time) VALUES (%Q, %Q, 2, %lld, 1, 2, '3.7', %Q)",
                 RUN_ID[run], n ? "nid002" : "nid001", (long long)(16 * GIB), tb);
            continue;
        }
        sqlf(g, "INSERT INTO node (run_id, hostname, uid, block_id, cpu_count, total_memory, "
                "active, worker_count, python_v, timestamp, last_heartbeat) VALUES (%Q, %Q, "
                "'mgr%d%d', %Q, 2, %lld, 1, 2, '3.11', %Q, %Q)", RUN_ID[run],
             n ? "nid002" : "nid001", run, n, run == 1 ? "0" : "1", (long long)(16 * GIB), tb, tb);
    }
    if (is(g, "old-schema")) return;
    sqlf(g, "INSERT INTO block VALUES (%Q, 'htex_drp', %Q, '%d', %Q, 'RUNNING')", RUN_ID[run],
         run == 1 ? "0" : "1", 4200 + run, tb);
    if (completed >= 0)
        sqlf(g, "INSERT INTO block VALUES (%Q, 'htex_drp', %Q, '%d', %Q, 'COMPLETED')",
             RUN_ID[run], run == 1 ? "0" : "1", 4200 + run, tc);
}

int main(int argc, char **argv)
{
    gen g = {0};
    g.variant = "normal";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc) g.dir = argv[++i];
        else if (!strcmp(argv[i], "--variant") && i + 1 < argc) g.variant = argv[++i];
        else {
            fprintf(stderr, "usage: gen_monitoring --out DIR [--variant normal|old-schema|"
                    "no-fail-cost|empty|backwards|unknown-label]\n");
            return 2;
        }
    }
    static const char *variants[] = {"normal", "old-schema", "no-fail-cost", "empty",
                                     "backwards", "unknown-label"};
    int known = 0;
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) known |= is(&g, variants[i]);
    if (!g.dir || !known) {
        fprintf(stderr, "gen_monitoring: need --out DIR and a known --variant\n");
        return 2;
    }
    mkdir(g.dir, 0777);
    char path[1024];
    snprintf(path, sizeof path, "%s/monitoring.db", g.dir);
    remove(path);
    if (sqlite3_open(path, &g.db) != SQLITE_OK) die("cannot create monitoring.db", g.db);
    schema(&g);
    exec_sql(&g, "BEGIN");
    if (is(&g, "empty")) {
        run_rows(&g, 1, 0, 5 * S_US, 0, 0);
        exec_sql(&g, "COMMIT");
        sqlite3_close(g.db);
        return 0;
    }
    size_t ns = sizeof specs / sizeof *specs;
    int64_t t = 0, dep_fail = 0;
    /* run 1: the visit-level stages, until the crash in makeWarp */
    for (size_t i = 0; i < ns && specs[i].run == 1; i++) t = stage(&g, &specs[i], 1, t, &dep_fail);
    run_rows(&g, 1, 0, -1, 0, 13);
    /* run 2 at 10:00:00: every task again, the finished ones memoised */
    int64_t t2 = 2 * 3600 * S_US;
    for (int w = 0; w < 4; w++) g.worker_free[w] = t2;
    for (size_t i = 0; i < ns; i++) {
        t2 = stage(&g, &specs[i], 2, t2, &dep_fail);
        if (is(&g, "unknown-label") && !strcmp(specs[i].label, "makeWarp"))
            t2 = stage(&g, &extra, 2, t2, &dep_fail);
    }
    run_rows(&g, 2, 2 * 3600 * S_US, t2 + 10 * S_US, 4, is(&g, "unknown-label") ? 26 : 24);
    exec_sql(&g, "COMMIT");
    if (sqlite3_close(g.db) != SQLITE_OK) die("cannot close monitoring.db", g.db);
    return 0;
}
