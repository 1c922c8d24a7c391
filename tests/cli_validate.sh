#!/bin/bash
# cli_validate.sh: `y1est validate` on the generated run (tests/gen_monitoring.c) against the
# RTN-028 estimate for its workload (tests/fixtures/validate_coadds.csv). Expected figures come
# from the generator's header and the model file by hand:
#   predicted CPU per job (models/rtn028-dc2-3828.yaml, minutes x 60, n = 1): isr 70.4473490665,
#   characterizeImage 135.2819647635, calibrate 83.134339253, makeWarp 210.317504871,
#   assembleCoadd 72.3231628126, detection 60.8207295875, measure 2472.29817722,
#   forcedPhotCoadd 2394.93302244, deblend 6351.9248545 s;
#   actual CPU of a label = model x factor x (jobs that succeeded), so the CPU ratio is
#   factor x succeeded / predicted jobs: isr 1.2 x 4/4, detection 1.1 x 2/3 = 0.733, ...
# $1 = path of y1est (gen_monitoring is built next to it); cwd = repo root.
Y1EST=${1:?usage: cli_validate.sh PATH/TO/y1est}
GEN=$(dirname "$Y1EST")/gen_monitoring
. "$(dirname "$0")/lib.sh"
for v in normal old-schema empty backwards unknown-label; do
    "$GEN" --out "$T/$v" --variant $v || { echo "generator failed ($v)"; exit 1; }
done
DB=$T/normal/monitoring.db
WL="--workload tests/fixtures/validate_coadds.csv"

run 0 "validate monitoring.db" -- "$Y1EST" validate --measured "$DB" $WL --plots "$T/plots"
# Table 1: predicted 4 CCD-visits (2 visits x 2 CCDs), 3 warps (sum of n), 3 coadds, 2 patches
has out "| isr | ccd | 4 | 4 | 1.000 | 4 | 0 |" "isr jobs"
has out "| makeWarp | warp | 3 | 2 | 0.667 | 2 | 0 |" "makeWarp: 2 of 3 predicted warps"
has out "| detection | coadd | 3 | 3 | 1.000 | 2 | 1 |" "detection: one failed job is still a job"
has out "| deblend | patch | 2 | 2 | 1.000 | 1 | 1 |" "deblend: one dep_fail"
has out "| total |  | 29 | 28 | 0.966 | 24 | 4 |" "jobs total: 28 / 29"
# Table 2, largest actual first: deblend 1.62 x 6351.92 = 10290.1 of 21455.0 (0.480)
has out "| deblend | 12703.8 | 10290.1 | 0.810 | 0.480 | 1.620 | 0.0 |" "deblend CPU row first"
has out "| measure | 7416.9 | 5537.9 | 0.747 | 0.738 | 1.120 | 0.0 |" "measure second, cumulative"
has out "| isr | 281.8 | 338.1 | 1.200 | 0.955 | 1.200 | 0.0 |" "isr CPU 1.2 x 281.79"
# failed tries: calibrate 83.13 / 2 = 41.6; makeWarp's lost try 30 s; detection 2 x 60.82 x 1.1 / 2
has out "| calibrate | 332.5 | 332.5 | 1.000 | 0.986 | 1.000 | 41.6 |" "calibrate retry CPU"
has out "| makeWarp | 631.0 | 336.5 | 0.533 | 0.970 | 0.800 | 30.0 |" "makeWarp lost try"
has out "| detection | 182.5 | 133.8 | 0.733 | 1.000 | 1.100 | 66.9 |" "detection failed tries"
# totals: sum of model x jobs = 29491.4 s predicted, sum of model x factor x done = 21455.0 s
has out "| total | 29491.4 | 21455.0 | 0.728 | 1.000 | - | 166.3 |" "CPU total"
# memory: isr peaks 2.0 2.2 2.4 3.0 -> p50 2.3, p95 2.4 + 0.85 x 0.6 = 2.91, 1 above 2.588
has out "| isr | 2.588 | 4 | 2.300 | 2.910 | 3.000 | 1 |" "isr memory"
# calibrate: 0.6 0.7 0.8 and job 3's max(0.85, 0.9): two above 0.788
has out "| calibrate | 0.788 | 4 | 0.750 | 0.885 | 0.900 | 2 |" "calibrate memory over tries"
has out "| deblend | 6.984 | 1 | 7.500 | 7.500 | 7.500 | 1 |" "deblend above its model"
# wall/CPU: w = 1.05 1.10 1.20 1.50 -> p32 at 0.96 of the way 1.05..1.10 = 1.098, p68 1.212
has out "| isr | 4 | 1.050 | 1.098 | 1.150 | 1.212 | 1.500 |" "isr wall/CPU percentiles"
has out "| assembleCoadd | 3 | 1.050 | 1.082 | 1.100 | 1.136 | 1.200 |" "assembleCoadd percentiles"
# verdicts at the default tolerance 0.15
has out "| isr | 1.200 | under-predicted | - |" "isr verdict"
has out "| characterizeImage | 0.900 | within tolerance | - |" "within"
has out "| detection | 0.733 | over-predicted | 1 of 3 jobs did not succeed: their CPU is not counted |" "over, with the note"
has out "| total | 0.728 | over-predicted | over the tasks measured |" "total verdict"
for f in validate_jobs validate_cpu validate_wall_cpu; do
    if [ -s "$T/plots/$f.png" ] && [ "$(head -c 4 "$T/plots/$f.png" | tail -c 3)" = "PNG" ]; then ok
    else bad "plot $f.png missing or not a PNG"; fi
done
run 0 "tolerance 0.25" -- "$Y1EST" validate --measured "$DB" $WL --tolerance 0.25
has out "| assembleCoadd | 0.770 | within tolerance | - |" "0.77 is within 0.25"
has out "| detection | 0.733 | over-predicted |" "0.733 is not"

# the same run from its task metadata (only the 24 jobs that succeeded wrote one)
run 0 "metadata, --cpu run" -- "$Y1EST" validate --measured "$T/normal/metadata" $WL --cpu run
has out "| detection | coadd | 3 | 2 | 0.667 | 2 | 0 |" "metadata: failed jobs wrote none"
has out "| isr | 281.8 | 338.1 | 1.200 |" "run CPU = end - start"
has out "| detection | 1.132 | 2 | 0.950 | 0.995 | 1.000 | 0 |" "exact peaks 0.9, 1.0"
has out "| isr | 4 | 1.050 | 1.098 | 1.150 | 1.212 | 1.500 |" "wall/CPU from quantum endUtc - prepUtc"
mkdir -p "$T/badutc"
sed 's/"endUtc": \["[^"]*"\]/"endUtc": ["soon"]/' "$T/normal/metadata/isr_0.json" > "$T/badutc/isr_0.json"
run 1 "bad endUtc" -- "$Y1EST" validate --measured "$T/badutc" $WL
has err "isr_0.json: quantum.endUtc is 'soon', expected a UTC time" "bad Utc names file and key"
run 0 "metadata, --cpu absolute" -- "$Y1EST" validate --measured "$T/normal/metadata" $WL
# absolute CPU counts the 20 s before startCpuTime: 338.147 + 4 x 20 = 418.1
has out "| isr | 281.8 | 418.1 | 1.484 |" "absolute CPU"
run 0 "csv" -- "$Y1EST" validate --measured "$DB" $WL --format csv
has out "isr,281.8,338.1,1.200,0.955,1.200,0.0" "csv row"
run 0 "json" -- "$Y1EST" validate --measured "$DB" $WL --format json
has out '"tolerance": 0.15' "json tolerance"
has out '"verdict": "under-predicted"' "json verdict"

# --bps: isr requestMemory 2400 MB = 2.34375 GiB: 2.4 and 3.0 are above it
printf 'pipetask:\n  isr:\n    requestMemory: 2400\n    requestCpus: 1\n  calibrate:\n    requestCpus: 1\n' > "$T/bps.yaml"
run 0 "bps" -- "$Y1EST" validate --measured "$DB" $WL --bps "$T/bps.yaml"
has out "| isr | 2.588 | 4 | 2.300 | 2.910 | 3.000 | 1 | 2.344 | 2 |" "jobs above the request"
has out "| calibrate | 0.788 | 4 | 0.750 | 0.885 | 0.900 | 2 | - | - |" "no request for calibrate"
printf 'pipetask:\n  isr:\n    requestMemory: lots\n' > "$T/bps_bad.yaml"
run 1 "bad bps" -- "$Y1EST" validate --measured "$DB" $WL --bps "$T/bps_bad.yaml"
has err "bps_bad.yaml:3:20" "bad bps names line and column"

# the campaign against the run, on the run's own nodes (2 hosts of 2 cores). Predicted: every
# stage fits in one wave of 4 cores, so the makespan is the sum of each stage's longest
# instance, 70.447 + 135.282 + 83.134 + 210.318 + 72.323 + 60.821 + 6351.925 + 2472.298 +
# 2394.933 = 11851.48 s = 3.292 h, and the busy core time is the predicted CPU, 29491.4 s =
# 8.192 h. Measured: dispatch is 0.5 s after launch for every try; 29 tries on 4 host slots in
# each of 2 runs give 29 - 8 = 21 chains.
run 0 "campaign" -- "$Y1EST" validate --measured "$DB" $WL --platform tests/fixtures/validate_platform.yaml --plots "$T/plots"
has out "| nodes (hosts) | 2 | 2 |" "hosts"
has out "| cores | 4 | 4 |" "cores from the node table"
has out "| dispatch latency p50, launched to running (s) | 0.500 | 0.000 |" "dispatch"
has out "| dispatch latency max (s) | 0.500 | 0.000 |" "dispatch max"
has out "| chains (tries that followed another on the same host slot) | 21 | - |" "chains"
count 1 "predicted makespan" "^\| makespan \(h\) \| [0-9.]+ \| 3.292 \|$"
count 1 "predicted busy core-hours" "^\| busy core-hours \| [0-9.]+ \| 8.192 \|$"
if [ -s "$T/plots/validate_utilisation.png" ]; then ok; else bad "validate_utilisation.png missing"; fi
if command -v sqlite3 >/dev/null; then
    # measured, with plain SQL: per run, the first launch to the last try end or sample; busy =
    # the tries' running-to-return times plus the lost try's 60 s
    q() { sqlite3 "$DB" "$1"; }
    mk=$(q "select printf('%.3f', sum(m)/3600.0) from (select (julianday(max(e))-julianday(min(l)))*86400 m from (select run_id, task_try_time_launched l, task_try_time_returned e from try union all select run_id, NULL, timestamp from resource) group by run_id)")
    busy=$(q "select printf('%.3f', (sum((julianday(task_try_time_returned)-julianday(task_try_time_running))*86400) + 60)/3600.0) from try where task_try_time_returned is not null")
    has out "| makespan (h) | $mk | 3.292 |" "measured makespan (SQL: $mk)"
    has out "| busy core-hours | $busy | 8.192 |" "measured busy core-hours (SQL: $busy)"
else
    skip "the sqlite3 program is not installed: the measured makespan is not cross-checked"
fi
run 0 "campaign on another machine" -- "$Y1EST" validate --measured "$DB" $WL
has err "the run's 2 hosts have 4 cores, Perlmutter's 2 nodes 256" "platform mismatch named"

# a saved estimate gives the same tables as running it
run 0 "estimate to json" -- "$Y1EST" estimate --platform perlmutter $WL --format json
cp "$T/out" "$T/summary.json"
run 0 "validate direct" -- "$Y1EST" validate --measured "$DB" $WL
sed -n '/^## Jobs/,/^## The campaign/p' "$T/out" | sed '$d' > "$T/direct.md"
run 0 "validate --estimate" -- "$Y1EST" validate --measured "$DB" --estimate "$T/summary.json"
sed -n '/^## Jobs/,$p' "$T/out" > "$T/saved.md"
same "$T/direct.md" "$T/saved.md" "summary.json gives the same tables"
has err "no campaign section with --estimate" "says what is left out"
run 2 "--estimate with estimate options" -- "$Y1EST" validate --measured "$DB" --estimate "$T/summary.json" $WL
has err "--estimate $T/summary.json replaces the estimate options (got --workload)" "names the option"
printf '{"tasks": [{"name": "isr"}]}\n' > "$T/sum_bad.json"
run 1 "bad summary" -- "$Y1EST" validate --measured "$DB" --estimate "$T/sum_bad.json"
has err "sum_bad.json: tasks[0]: expected name, level (strings), instances, cpu_hours, max_maxrss_gib (numbers)" "names the entry"

# calibration loop: refit the visit-level tasks on the run's own metadata, validate again. A
# fitted CPU model is the 95th percentile of the jobs' CPU: for 4 jobs at (1 + d), d = -0.1,
# -0.033, 0.033, 0.1, that is 1 + 0.0333 + 0.85 x 0.0667 = 1.09 times the mean, so the ratio left
# is 1 / 1.09 = 0.917 per job; makeWarp keeps its job-count bias, 2 / (3 x 1.09) = 0.612, and
# deblend (one job measured, a model equal to it) 1 / 2 jobs = 0.500 with a per-job ratio of 1
M=$T/normal/metadata
run 0 "models fit" -- "$Y1EST" models fit $M/isr_*.json $M/characterizeImage_*.json $M/calibrate_*.json \
    $M/makeWarp_*.json $M/deblend_*.json --cpu run --min-points 1 --bootstrap 0 --out "$T/fitted.yaml"
run 0 "validate the refit" -- "$Y1EST" validate --measured "$DB" $WL --models "$T/fitted.yaml" \
    --tasks all --products tests/fixtures/validate_products.yaml
has out "| isr | 0.917 | within tolerance | - |" "isr after the refit (1.200 before)"
has out "| makeWarp | 550.2 | 336.5 | 0.612 | 0.972 | 0.917 | 30.0 |" "makeWarp: the job-count bias stays"
has out "| deblend | 20580.2 | 10290.1 | 0.500 | 0.873 | 1.000 | 0.0 |" "deblend"
has err "labels the pipeline lacks, not compared: assembleCoadd (3 jobs), detection (3 jobs), measure (3 jobs), forcedPhotCoadd (3 jobs)" "coadd tasks were not refitted"

# bad input
run 0 "labels the pipeline lacks" -- "$Y1EST" validate --measured "$T/unknown-label/monitoring.db" $WL
has err "warning: measured labels the pipeline lacks, not compared: isolatedStarAssociation (2 jobs)" "listed"
has out "labels the pipeline lacks (not compared): isolatedStarAssociation (2 jobs)" "in the report too"
run 0 "a task without measurements" -- "$Y1EST" validate --measured "$DB" $WL --tasks all
has err "tasks of the estimate without a measured job: templateGen, consolidateVisitSummary, skyCorrectionTask" "unmeasured tasks"
has out "| templateGen | - | not measured | - |" "unmeasured row"
printf 'task,cpu_s,maxrss_gib\nfoo,10,1\n' > "$T/foo.csv"
run 1 "nothing matches" -- "$Y1EST" validate --measured "$T/foo.csv" $WL
has err "no measured label is a task of the estimate: measured foo (1 job)" "no match"
run 1 "old schema" -- "$Y1EST" validate --measured "$T/old-schema/monitoring.db" $WL
has err "missing table try; missing columns task.task_time_invoked, status.try_id, resource.try_id" "schema"
run 1 "empty run" -- "$Y1EST" validate --measured "$T/empty/monitoring.db" $WL
has err "an empty run" "empty"
run 0 "clock skew" -- "$Y1EST" validate --measured "$T/backwards/monitoring.db" $WL
has err "returned 40.0 s before it started running" "skew warning"
has out "| assembleCoadd | 2 | 1.100 |" "the skewed try's wall time is left out"
run 2 "no input" -- "$Y1EST" validate $WL
run 2 "unknown format" -- "$Y1EST" validate --measured foo.txt $WL
run 2 "bad tolerance" -- "$Y1EST" validate --measured "$DB" $WL --tolerance 2
run 0 "help" -- "$Y1EST" validate --help
has out "usage: y1est validate" "help"
finish cli_validate
