#!/bin/bash
# cli_gen_monitoring.sh: the fixture generator (tests/gen_monitoring.c) writes the run its header
# describes. Checked with plain SQL through the sqlite3 shell, not with y1est's readers.
# $1 = path of y1est (the generator is built next to it); cwd = repo root.
Y1EST=${1:?usage: cli_gen_monitoring.sh PATH/TO/y1est}
GEN=$(dirname "$Y1EST")/gen_monitoring
. "$(dirname "$0")/lib.sh"
if ! command -v sqlite3 >/dev/null; then
    skip "the sqlite3 program is not installed (make deps installs it): these checks query the file with it"
    finish cli_gen_monitoring; exit $?
fi

run 0 "generate" -- "$GEN" --out "$T/n"
DB=$T/n/monitoring.db
q() { sqlite3 "$DB" "$1"; }
eqv() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', expected '$3'"; fi; }

eqv "runs" "$(q "select count(*), count(distinct workflow_name) from workflow")" "2|1"
eqv "run 1 has no end" "$(q "select count(*) from workflow where time_completed is null")" "1"
eqv "task rows per run" "$(q "select group_concat(n) from (select count(*) n from task group by run_id order by run_id)")" "14,28"
# 28 distinct jobs (task hashes), per label as the header lists them
eqv "distinct jobs" "$(q "select count(distinct task_hashsum) from task")" "28"
eqv "jobs per label" "$(q "select group_concat(task_func_name || '=' || n, ' ') from (select task_func_name, count(distinct task_hashsum) n from task group by 1 order by 1)")" \
    "assembleCoadd=3 calibrate=4 characterizeImage=4 deblend=2 detection=3 forcedPhotCoadd=3 isr=4 makeWarp=2 measure=3"
eqv "memo_done in run 2" "$(q "select count(*) from status where task_status_name='memo_done'")" "13"
eqv "final states" "$(q "select group_concat(task_status_name || '=' || n, ' ') from (select task_status_name, count(*) n from status where task_status_name in ('exec_done','failed','dep_fail') group by 1 order by 1)")" \
    "dep_fail=3 exec_done=24 failed=1"
eqv "tries" "$(q "select count(*) from try")" "29"
eqv "failed tries with text" "$(q "select count(*) from try where task_fail_history like '%Error%' or task_fail_history like '%WorkerLost%'")" "4"
# isr: CPU sum over successful tries = 70.4473490665 x 1.20 x 4 = 338.147 s
eqv "isr CPU" "$(q "select printf('%.3f', sum(c)) from (select max(psutil_process_time_user+psutil_process_time_system)-min(psutil_process_time_user+psutil_process_time_system) c from resource r join task t using (task_id, run_id) where t.task_func_name='isr' group by r.run_id, r.task_id, r.try_id)")" "338.147"
# the lost makeWarp try in run 1: 30 s of CPU, peak 1.0 GiB among rows before the last
eqv "lost try" "$(q "select printf('%.1f', max(psutil_process_time_user+psutil_process_time_system)-min(psutil_process_time_user+psutil_process_time_system)) from resource r join try y using (task_id, run_id, try_id) where y.task_try_time_returned is null")" "30.0"
eqv "metadata files" "$(ls "$T/n/metadata" | wc -l)" "24"
# a try's wall time: isr job 0 = 70.4473490665 x 1.2 x 0.9 x 1.05 = 79.887 s
eqv "isr 0 wall" "$(q "select printf('%.3f', (julianday(task_try_time_returned)-julianday(task_try_time_running))*86400) from try join task using (task_id, run_id) where task_func_name='isr' and task_id=0")" "79.887"

run 0 "old schema" -- "$GEN" --out "$T/o" --variant old-schema
eqv "old schema has no try table" "$(sqlite3 "$T/o/monitoring.db" "select count(*) from sqlite_master where name='try'")" "0"
run 2 "unknown variant" -- "$GEN" --out "$T/x" --variant frob
finish cli_gen_monitoring
