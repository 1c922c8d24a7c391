#!/usr/bin/env bash
# cli_provenance.sh: a synthetic cadence is reported as synthetic by its own mark (the info row
# `y1est cadence synth` writes), whatever the file is called; coadds.csv records where the
# workload came from and a --workload replay carries it into the report and summary.json; no
# output holds a path of the machine (file names and checksums only).
# Usage: tests/cli_provenance.sh path/to/y1est   (run from the repository root)
set -u
Y1=${1:?usage: cli_provenance.sh path/to/y1est}
. "$(dirname "$0")/lib.sh"
SRC=$(pwd)
F=tests/fixtures
PLAT=(--platform "$F/campaign_platform.yaml")

# the same three visits, once with the synthetic mark under the real baseline's name, once
# without any info table (a "real" file)
mkdb "$T/baseline_v2.0_10yrs.db" <"$F/provenance_synthetic.sql"
grep -v "^INSERT INTO info\|^CREATE TABLE info" "$F/provenance_synthetic.sql" | mkdb "$T/real.db"
SYN=$T/baseline_v2.0_10yrs.db
size=$(stat -c %s "$SYN")

# -- every reader says SYNTHETIC by the mark
expect 0 'baseline_v2\.0_10yrs\.db \([0-9]+ bytes\): SYNTHETIC, written by y1est cadence synth, synth-1, seed 7' \
  -- "$Y1" cadence summary --cadence "$SYN"
expect 0 '"synthetic": true' -- "$Y1" cadence summary --cadence "$SYN" --format json
has out '"synthetic_by": "y1est cadence synth, synth-1, seed 7, years 1"' "cadence summary json"
expect 0 '^# SYNTHETIC cadence' -- "$Y1" cadence summary --cadence "$SYN" --format csv
expect 0 '"synthetic": false' -- "$Y1" cadence summary --cadence "$T/real.db" --format json
if grep -q SYNTHETIC "$T/out"; then bad "a real file reported synthetic"; else ok; fi

# -- the estimate from the synthetic file, and coadds.csv's provenance lines
run 0 "estimate on the synthetic file" -- "$Y1" "${PLAT[@]}" --cadence "$SYN" --out "$T/o1"
has out "SYNTHETIC stand-in" "estimate banner"
if grep -qx "# cadence: baseline_v2.0_10yrs.db ($size bytes)" "$T/o1/coadds.csv"; then ok
else bad "coadds.csv lacks '# cadence: baseline_v2.0_10yrs.db ($size bytes)'"; head -14 "$T/o1/coadds.csv"; fi
for line in '# synthetic: yes (y1est cadence synth, synth-1, seed 7, years 1)' \
            '# footprint: circle, radius 2 deg' \
            '# selection: nights 0..364 (first 1 year: night - first night < floor(365.25 x 1)), program wfd, bands ugrizy; NOTE: the file ends at night 12'; do
  if grep -qxF -- "$line" "$T/o1/coadds.csv"; then ok; else bad "coadds.csv lacks '$line'"; fi
done
# the sky map by name and the first 12 hex digits of its SHA-256, as sha256sum computes it
if command -v sha256sum >/dev/null 2>&1; then
  want="# skymap: dc2.yaml (sha256 $(sha256sum data/skymaps/dc2.yaml | cut -c1-12))"
  if grep -qxF -- "$want" "$T/o1/coadds.csv"; then ok; else bad "coadds.csv lacks '$want'"; fi
else
  skip "sha256sum is not installed: the sky map's checksum cannot be checked independently"
fi
expect 0 '"synthetic_cadence": true' -- cat "$T/o1/summary.json"

# -- a replay carries it all: banner, the cadence it was made from, summary.json, coadds.csv
run 0 "replay of the synthetic workload" -- "$Y1" "${PLAT[@]}" --workload "$T/o1/coadds.csv" --out "$T/o2"
has out "SYNTHETIC stand-in" "replay banner"
has out "made from: baseline_v2.0_10yrs.db ($size bytes), SYNTHETIC (y1est cadence synth, synth-1, seed 7, years 1)" "replay cadence line"
has out "footprint: circle, radius 2 deg (as recorded in the workload file)" "replay footprint"
expect 0 '"synthetic_cadence": true' -- cat "$T/o2/summary.json"
expect 0 '^# synthetic: yes \(y1est cadence synth' -- cat "$T/o2/coadds.csv"
# ... and the campaign on the replay says so too
run 0 "campaign on the replay" -- "$Y1" campaign "${PLAT[@]}" --nodes 2 --workload "$T/o2/coadds.csv" --out "$T/c1"
has out "SYNTHETIC stand-in" "campaign banner"
expect 0 '"synthetic_cadence": true' -- cat "$T/c1/summary.json"

# -- a real file stays real through a replay; a workload without the lines is UNKNOWN, not real
run 0 "estimate on the real file" -- "$Y1" "${PLAT[@]}" --cadence "$T/real.db" --out "$T/r1"
expect 0 '^# synthetic: no$' -- cat "$T/r1/coadds.csv"
run 0 "replay of the real workload" -- "$Y1" "${PLAT[@]}" --workload "$T/r1/coadds.csv" --out "$T/r2"
if grep -q 'SYNTHETIC\|UNKNOWN' "$T/out"; then bad "real replay flagged"; else ok; fi
expect 0 '"synthetic_cadence": false' -- cat "$T/r2/summary.json"
run 0 "replay of a workload without provenance" -- "$Y1" "${PLAT[@]}" --workload "$F/campaign_small.csv" --out "$T/u1"
has out "synthetic inputs is UNKNOWN" "unknown provenance said"
expect 0 '"synthetic_cadence": null' -- cat "$T/u1/summary.json"

# -- no output holds a machine path: neither the scratch directory nor the source tree
for d in o1 o2 c1 r1 r2 u1; do
  if grep -rlF -e "$T" -e "$SRC" "$T/$d" >"$T/paths"; then bad "$d: machine path in $(cat "$T/paths")"; else ok; fi
done
"$Y1" "${PLAT[@]}" --cadence "$SYN" --format json >"$T/j" 2>/dev/null
"$Y1" "${PLAT[@]}" --cadence "$SYN" --format csv >>"$T/j" 2>/dev/null
"$Y1" cadence summary --cadence "$SYN" --format json >>"$T/j" 2>/dev/null
if grep -qF -e "$T" -e "$SRC" "$T/j"; then bad "a machine path on stdout (json/csv)"; grep -F -e "$T" -e "$SRC" "$T/j" | head -3; else ok; fi

# -- a bad synthetic line is bad input, named by file and line
sed 's/^# synthetic: yes.*/# synthetic: maybe/' "$T/o1/coadds.csv" >"$T/bad.csv"
expect 1 'bad\.csv:10: .# synthetic:. expects .yes \(\.\.\.\). or .no., got .maybe.' -- "$Y1" "${PLAT[@]}" --workload "$T/bad.csv"
sed 's/^\(# cadence: .*\)$/\1\n\1/' "$T/o1/coadds.csv" >"$T/dup.csv"
expect 1 "dup\.csv:10: '# cadence:' given twice" -- "$Y1" "${PLAT[@]}" --workload "$T/dup.csv"

# -- the embedded default's cache: written once, then read with the same outputs; a damaged
# cached file is written again, never read as it is
export Y1_CACHE_DIR=$T/cache
run 0 "default job, empty cache" -- "$Y1" "${PLAT[@]}" --out "$T/d1"
c=$(ls "$T"/cache/synth-*.db 2>/dev/null | head -1)
if [ -n "$c" ] && [ "$(stat -c %s "$c")" -gt 1000000 ]; then ok
else bad "no cached synthetic cadence in $T/cache"; c=$T/cache/none; fi
run 0 "default job, from the cache" -- "$Y1" "${PLAT[@]}" --out "$T/d2"
truncate -s 4096 "$c"
run 0 "default job, damaged cache" -- "$Y1" "${PLAT[@]}" --out "$T/d3"
for f in "$T"/d1/*.csv "$T"/d1/report.md "$T"/d1/summary.json; do
  for d in d2 d3; do
    if cmp -s "$f" "$T/$d/${f##*/}"; then ok; else bad "$d/${f##*/} differs from the first run's"; fi
  done
done
if [ "$(stat -c %s "$c" 2>/dev/null || echo 0)" -gt 1000000 ]; then ok
else bad "the damaged cache file was not written again"; fi
unset Y1_CACHE_DIR

finish cli_provenance
