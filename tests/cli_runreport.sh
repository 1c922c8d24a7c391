#!/bin/bash
# cli_runreport.sh: `y1est run-report` on the generated run (tests/gen_monitoring.c). Every
# expected figure is worked out from the generator's header, not from y1est's output.
# $1 = path of y1est (gen_monitoring is built next to it); cwd = repo root.
Y1EST=${1:?usage: cli_runreport.sh PATH/TO/y1est}
GEN=$(dirname "$Y1EST")/gen_monitoring
. "$(dirname "$0")/lib.sh"
for v in normal old-schema no-fail-cost empty backwards; do
    "$GEN" --out "$T/$v" --variant $v || { echo "generator failed ($v)"; exit 1; }
done
DB=$T/normal/monitoring.db
S=' +'   # column gap in the text tables

run 0 "run-report" -- "$Y1EST" run-report "$DB"
has out "2 runs, 42 task rows, 28 jobs" "14 rows in run 1 + 28 in run 2; 28 distinct hashes"
# run 1: 4 isr + 4 characterizeImage + 4 calibrate + 2 makeWarp rows, one more try for the
# calibrate retry (15), 13 exec_done, makeWarp 1 left running; it never completed
count 1 "run 1 row" "^${S}1 11111111-1111-4111-8111-111111111111 y1-fixture${S}2026-03-02 08:00:00 did not complete${S}[0-9.]+${S}14${S}15${S}13${S}0${S}0${S}0$"
# run 2: 28 rows; tries = makeWarp 1 + assembleCoadd 3+1 + detection 2+2 + deblend 1 +
# measure 2 + forcedPhotCoadd 2 = 14; exec_done 11, memo_done 13, failed 1, dep_fail 3
count 1 "run 2 row" "^${S}2 22222222-2222-4222-8222-222222222222 y1-fixture${S}2026-03-02 10:00:00 2026-03-02 [0-9:]+${S}[0-9.]+${S}28${S}14${S}11${S}13${S}1${S}3$"
has out "Jobs by status (28 jobs; task rows memoised in a restart: 13; jobs launched again after a restart: 1)" "memo and rerun counts"
count 1 "24 done" "^  done${S}24 "
count 1 "1 failed" "^  failed${S}1 "
count 1 "3 dep_fail" "^  dep_fail${S}3 "
count 1 "0 unfinished" "^  unfinished${S}0 "
# by label: jobs done failed dep_fail unfinished retried tries reruns
count 1 "isr" "^  isr${S}4${S}4${S}0${S}0${S}0${S}0${S}4${S}0$"
count 1 "calibrate: one retry, 5 tries" "^  calibrate${S}4${S}4${S}0${S}0${S}0${S}1${S}5${S}0$"
count 1 "makeWarp: rerun after the crash, 3 tries" "^  makeWarp${S}2${S}2${S}0${S}0${S}0${S}0${S}3${S}1$"
count 1 "assembleCoadd" "^  assembleCoadd${S}3${S}3${S}0${S}0${S}0${S}1${S}4${S}0$"
count 1 "detection: 1 failed after 2 tries" "^  detection${S}3${S}2${S}1${S}0${S}0${S}1${S}4${S}0$"
count 1 "deblend: 1 dep_fail" "^  deblend${S}2${S}1${S}0${S}1${S}0${S}0${S}1${S}0$"
count 1 "measure" "^  measure${S}3${S}2${S}0${S}1${S}0${S}0${S}2${S}0$"
count 1 "forcedPhotCoadd" "^  forcedPhotCoadd${S}3${S}2${S}0${S}1${S}0${S}0${S}2${S}0$"
count 1 "total" "^  total${S}28${S}24${S}1${S}3${S}0${S}3${S}29${S}1$"
has out "Failed tries (4)" "2 retryable failures + 2 of detection"
count 1 "calibrate failure" "fail_retryable MemoryError: std::bad_alloc$"
count 1 "worker lost" "fail_retryable parsl.executors.high_throughput.errors.WorkerLost: Task failure due to loss of worker 3 on host nid002$"
count 2 "detection failures" "(fail_retryable|failed)${S}RuntimeError: PSF determination failed$"
count 1 "detection retry row" "^${S}2${S}[0-9]+ detection${S}2${S}2${S}2.00 failed$"
count 2 "other retries" "(calibrate|assembleCoadd)${S}2${S}1${S}1.00 done$"

# one task's history: calibrate job 3 is task 11 of run 1 (ids count isr 0-3, characterizeImage
# 4-7, calibrate 8-11); try 0 failed at half the model (83.134339253 / 2 = 41.567 s, 0.85 GiB),
# try 1 used 83.134339253 x 1.1 = 91.448 s for 91.448 x 1.5 = 137.172 s, peak 0.9 GiB;
# samples: one at the start, one each 30 s inside, one after the return (4 and 6)
run 0 "task history" -- "$Y1EST" run-report "$DB" --task 11 --run 1
has out "History of task 11 of run 1 (calibrate, hash" "history title"
has out "job done, rows in 2 runs" "memo row of run 2 joined"
count 1 "try 0" "^${S}1${S}11${S}0 nid00[12] .* 62.351${S}41.567${S}0.850${S}4 fail_retryable MemoryError"
count 1 "try 1" "^${S}1${S}11${S}1 nid00[12] .* 137.172${S}91.448${S}0.900${S}6 exec_done${S}-$"
count 1 "memo_done in run 2" "^${S}2${S}11${S}0 2026-03-02 10:00:00.000000 memo_done$"
count 5 "try 1 status changes" "^${S}1${S}11${S}1 2026-"
run 0 "task of the last run" -- "$Y1EST" run-report "$DB" --task 13
has out "History of task 13 of run 2 (makeWarp" "default run is the last"
has out "rows in 2 runs" "makeWarp 1: lost in run 1, rerun in run 2"
count 1 "lost try" "^${S}1${S}13${S}0 .* - +- +30.000${S}1.000${S}3 running${S}-$"

run 0 "md" -- "$Y1EST" run-report "$DB" --format md
has out "| detection | 3 | 2 | 1 | 0 | 0 | 1 | 4 | 0 |" "md by-label row"
run 0 "json" -- "$Y1EST" run-report "$DB" --format json
has out '"jobs": 28,' "json job count"
has out '"dep_fail": 3,' "json status count"

# bad input
run 1 "old schema" -- "$Y1EST" run-report "$T/old-schema/monitoring.db"
has err "not the Parsl >= 1.1 monitoring schema: missing table try; missing columns task.task_time_invoked, status.try_id, resource.try_id" "names what is missing"
run 0 "no fail cost" -- "$Y1EST" run-report "$T/no-fail-cost/monitoring.db"
has err "warning: $T/no-fail-cost/monitoring.db: task.task_fail_cost is missing" "Parsl 1.1.0 warning"
count 1 "fail cost shown as unknown" "detection${S}2${S}2${S}- failed$"
run 1 "empty run" -- "$Y1EST" run-report "$T/empty/monitoring.db"
has err "an empty run: the 1 run in the file recorded no task" "empty message"
run 0 "clock skew" -- "$Y1EST" run-report "$T/backwards/monitoring.db"
has err "try 0: returned 40.0 s before it started running" "skew warning"
has err "status 'running' is stamped 5.0 s before the 'launched' written ahead of it" "status history going backwards"
has err "2 tries in all have clocks going backwards" "both skewed tries counted"
run 1 "no such task" -- "$Y1EST" run-report "$DB" --task 99
has err "no run has a task 99" "unknown task"
run 1 "not a database" -- "$Y1EST" run-report tests/lib.sh
has err "tests/lib.sh: not an SQLite database" "not sqlite"
run 3 "missing file" -- "$Y1EST" run-report "$T/nope.db"
run 2 "no file" -- "$Y1EST" run-report
run 2 "bad format" -- "$Y1EST" run-report "$DB" --format html
run 2 "--run without --task" -- "$Y1EST" run-report "$DB" --run 1
run 0 "help" -- "$Y1EST" run-report --help
has out "usage: y1est run-report" "help"
finish cli_runreport
