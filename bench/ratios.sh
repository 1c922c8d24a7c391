#!/bin/bash
# bench/ratios.sh BUILD_DIR: the speed targets (README "Measured figures"). The floor is a bare
# read of the five columns the main job needs from every row of the 10-year synthetic cadence
# (bench_floor, sqlite3 only); beside it, in the same run and alternating so that a busy
# machine slows all alike: the main job with --out (Y1 WFD from the 10-year file, circle), the
# 10-year all-program run with --out, the same with --footprint lsstcam, and the main job on
# the embedded default against the same run on a prepared file. CPU seconds (user + system),
# the median of BENCH_REPS runs (default 5), each as a ratio to the floor. Then the peak RSS of
# the 10-year lsstcam run and whether 1 and 2 threads give identical outputs.
set -euo pipefail
B=${1:?usage: bench/ratios.sh BUILD_DIR}
cd "$(dirname "$0")/.."
N=${BENCH_REPS:-5}
. bench/synth_file.sh
DB=$(synth_file "$B" 10)
W=$(mktemp -d "${TMPDIR:-/tmp}/y1bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
# the embedded default's cache lives in the scratch dir: the first run fills it, untimed
export Y1_CACHE_DIR=$W/cache Y1_DATADIR=${Y1_DATADIR:-$PWD/data}
Y="$B/y1est --quiet --platform perlmutter"
"$B/y1est" --quiet --platform perlmutter --out "$W/warm" >/dev/null 2>"$W/warm.err" ||
    { cat "$W/warm.err" >&2; exit 1; }
PREP=$(ls "$W"/cache/synth-*.db)

# cpu CMD...: user + system seconds of one run of CMD (output to /dev/null)
cpu() {
    local TIMEFORMAT="%U %S" s
    s=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
    awk -v s="$s" 'BEGIN { split(s, a, " "); printf "%.3f", a[1] + a[2] }'
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
least() { tr ' ' '\n' | grep . | sort -g | head -1; }

declare -A T
jobs=(floor main all10 cam10 default prepared)
for ((r = 1; r <= N; r++)); do
    T[floor]+=" $(cpu "$B/bench_floor" "$DB")"
    T[main]+=" $(cpu $Y --cadence "$DB" --out "$W/main")"
    T[all10]+=" $(cpu $Y --cadence "$DB" --years 10 --program all --out "$W/all10")"
    T[cam10]+=" $(cpu $Y --cadence "$DB" --years 10 --program all --footprint lsstcam --out "$W/cam10")"
    T[default]+=" $(cpu $Y --out "$W/default")"
    T[prepared]+=" $(cpu $Y --cadence "$PREP" --out "$W/prepared")"
    echo "bench: round $r of $N done" >&2
done
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load average" \
     "$(cut -d' ' -f1-3 /proc/loadavg); CPU s = user + system, median of $N"
floor=$(echo "${T[floor]}" | median)
floor_least=$(echo "${T[floor]}" | least)
# the ratio of medians is the measure; the ratio of the least runs beside it: on a shared
# machine whose neighbours slow the short floor more than the long jobs, the medians' ratio
# reads low, and the least runs are the nearest to an undisturbed machine
row() { # label job target reference-median reference-least
    local m ref lm lref
    m=$(echo "${T[$2]}" | median)
    lm=$(echo "${T[$2]}" | least)
    ref=${4:-$floor}
    lref=${5:-$floor_least}
    awk -v l="$1" -v m="$m" -v f="$ref" -v lm="$lm" -v lf="$lref" -v t="$3" -v all="${T[$2]}" \
        'BEGIN { r = m / f; printf "%-52s cpu %7.3f s  %5.2fx  (target <= %s: %s; least runs %.2fx)  runs:%s\n", l, m, r, t, r <= t ? "met" : "NOT met", lm / lf, all }'
}
printf "%-52s cpu %7.3f s  1.00x  runs:%s\n" "floor: bare read of 5 columns, 10-year file" "$floor" "${T[floor]}"
row "main job, Y1 WFD of the 10-year file, circle, --out" main 1.5
row "10 years, all programs, circle, --out" all10 4
row "10 years, all programs, lsstcam, --out" cam10 8
prep=$(echo "${T[prepared]}" | median)
prep_least=$(echo "${T[prepared]}" | least)
row "main job on the embedded default / on a prepared file" default 1.3 "$prep" "$prep_least"

# peak RSS of the 10-year lsstcam run (GNU time if present, else the shell's getrusage)
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$W/rss" $Y --cadence "$DB" --years 10 --program all \
        --footprint lsstcam --out "$W/cam10" >/dev/null 2>&1
    echo "peak RSS, 10 years, lsstcam: $(($(tail -1 "$W/rss") / 1024)) MB (target < 400 MB)"
else
    echo "peak RSS: not measured (no /usr/bin/time; Debian package 'time')"
fi
# 1 and 2 threads: every --out file identical
same=yes
for args in "--cadence $DB" "--cadence $DB --years 10 --program all --footprint lsstcam"; do
    $Y $args --threads 1 --out "$W/t1" >/dev/null 2>&1
    $Y $args --threads 2 --out "$W/t2" >/dev/null 2>&1
    for f in "$W"/t1/*; do cmp -s "$f" "$W/t2/${f##*/}" || { same=no; echo "differs: ${f##*/} ($args)"; }; done
done
echo "outputs identical with 1 and 2 threads: $same"
