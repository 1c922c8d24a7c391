/* parsl_db.h: per-try CPU time and sampled peak RSS from a Parsl monitoring database
 * (monitoring.db, Parsl >= 1.1 schema), as models/ records. Lives in estimator/ because it is
 * the part of the models feature that needs sqlite3. CPU in seconds, memory in bytes. */
#ifndef Y1_PARSL_DB_H
#define Y1_PARSL_DB_H

#include "common/y1_err.h"
#include "models/models.h"

typedef struct est_parsl_stats {
    long tries;          /* records added: one per (run_id, task_id, try_id) with samples */
    long few_samples;    /* tries with fewer than 3 resource rows: their peak is a lower bound */
} est_parsl_stats;

/* Read db_path read-only and append one record per try: task = task.task_func_name,
 * data_id = "<db>:<run_id>:<task_id>:<try_id>", cpu_s = max - min of the cumulative
 * psutil_process_time_user + _system over the try's rows, maxrss_bytes = the largest
 * psutil_process_memory_resident over its rows except the last one (taken after the app's
 * children exited) when there are at least 2 rows. n_visits stays unknown: give it with
 * mdl_apply_ids, ids "<run_id>:<task_id>:<try_id>" (matched as a suffix of the data id).
 * Sampled RSS is an instantaneous sum between samples: it underestimates the true peak.
 * Returns Y1_OK; Y1_EIO if the file cannot be opened; Y1_EINPUT for a file that is not a
 * monitoring DB, lacks the try table (Parsl < 1.1) or a needed column, holds NULL/negative
 * samples, or has no resource rows. stats may be NULL. */
int est_parsl_read(mdl_records *out, const char *db_path, est_parsl_stats *stats, y1_err *err);

#endif
