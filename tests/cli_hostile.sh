#!/bin/bash
# cli_hostile.sh: what a hostile user can hand the command line (alias cycles, FIFOs, corrupt
# databases, disguised numbers, oversized files): exit codes and messages. $1 = path of y1est.
Y1EST=${1:?usage: cli_hostile.sh PATH/TO/y1est}
. "$(dirname "$0")/lib.sh"

# ---- task metadata whose alias points back into the node it anchors ----
mkdir -p "$T/tree/run/calibrate_metadata"
cat > "$T/tree/run/calibrate_metadata/cycle.yaml" <<'YAML'
--- !<lsst.daf.base.PropertySet>
- [calibrate, PropertySet, &a !<lsst.daf.base.PropertySet> [[sub, PropertySet, *a]]]
YAML
expect 1 "cycle.yaml:2:28: .*alias to itself" -- \
    "$Y1EST" models fit "$T/tree/run/calibrate_metadata/cycle.yaml" --out "$T/x.yaml"
expect 1 "cycle.yaml:2:28: .*alias to itself" -- "$Y1EST" models fit "$T/tree" --out "$T/x.yaml"
[ -e "$T/x.yaml" ] && bad "a failed fit wrote its --out file" || ok

# ---- numbers that used to be read silently wrong ----
cat > "$T/v.json" <<'JSON'
{"scalars": {}, "arrays": {}, "metadata": {"isr": {"scalars": {"__version__": "1"},
 "arrays": {"runEndCpuTime": [12.5], "runEndMaxResidentSetSize": [4831838208]}, "metadata": {}}}}
JSON
expect 1 "v.json: isr.__version__ must be a non-negative integer" -- \
    "$Y1EST" models fit "$T/v.json" --out "$T/x.yaml" --min-points 1
printf 'task,cpu_s,maxrss_gib,n_visits\nmeasure,10.5,1.25,4\nmeasure,11.5,1.5,5,7\n' > "$T/r.csv"
expect 1 "r.csv:3: 5 fields, but the header has 4 columns" -- \
    "$Y1EST" models fit "$T/r.csv" --out "$T/x.yaml"
printf 'task,cpu_s,maxrss_gib,n_visits\nmeasure,10.5,1.25,1e20\n' > "$T/r.csv"
expect 1 "r.csv:2:19: n_visits: 1e20 is out of range \\[0, 100000\\]" -- \
    "$Y1EST" models fit "$T/r.csv" --out "$T/x.yaml"
printf 'band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\000,9\n' > "$T/coadds.csv"
expect 1 "coadds.csv:2:10: NUL byte" -- \
    "$Y1EST" --platform perlmutter --workload "$T/coadds.csv"
printf 'band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\nr,1,2,3,4\ng,1,2,3,4\n' > "$T/coadds.csv"
expect 1 "coadds.csv:4: coadd band g tract 1 patch 2,3 appears twice \\(first on line 2\\)" -- \
    "$Y1EST" --platform perlmutter --workload "$T/coadds.csv"

# ---- a FIFO, a directory or a device where a file is expected: refused, never waited on ----
mkfifo "$T/in.yaml" "$T/in.csv" "$T/in.db"
to() { timeout 20 "$@"; }   # a reader that blocks exits 124 and fails the check
expect 3 "in.yaml: is a FIFO \(named pipe\), expected a platform YAML file" -- to "$Y1EST" --platform "$T/in.yaml"
expect 3 "in.yaml: is a FIFO" -- to "$Y1EST" models show "$T/in.yaml"
expect 3 "in.yaml: is a FIFO" -- to "$Y1EST" skymap tract 1 --skymap "$T/in.yaml"
expect 3 "in.db: is a FIFO \(named pipe\), expected an OpSim sqlite file" -- \
    to "$Y1EST" cadence summary --cadence "$T/in.db"
expect 3 "in.csv: is a FIFO" -- to "$Y1EST" --platform perlmutter --workload "$T/in.csv"
expect 3 "in.csv: is a FIFO" -- to "$Y1EST" models fit "$T/in.csv" --out "$T/x.yaml"
expect 3 "in.db: is a FIFO" -- to "$Y1EST" models fit "$T/in.db" --out "$T/x.yaml"
expect 3 "in.yaml: is a FIFO" -- to "$Y1EST" models fit "$T/in.yaml" --out "$T/x.yaml"
mkdir "$T/adir"
expect 3 "adir: is a directory, expected an OpSim sqlite file" -- \
    "$Y1EST" cadence summary --cadence "$T/adir"
expect 3 "adir: is a directory, expected a YAML file" -- "$Y1EST" models show "$T/adir"
expect 3 "/dev/null: is a device, expected" -- "$Y1EST" --platform /dev/null

# ---- a damaged cadence is bad input wherever the damage is found ----
mkdb "$T/good.db" <<'SQL'
CREATE TABLE observations (observationId INTEGER, fieldRA REAL, fieldDec REAL,
  observationStartMJD REAL, filter TEXT, night INTEGER);
CREATE INDEX ix_mjd ON observations (observationStartMJD);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
INSERT INTO observations SELECT i, 10 + i * 0.01, -30.5, 60218.01 + i * 0.0001, 'g', 0 FROM n;
SQL
expect 0 "" -- "$Y1EST" cadence summary --cadence "$T/good.db" --program all
cp "$T/good.db" "$T/pages.db"
# 4000 bytes of 0xff into page 5 (a table page between the first and last rows)
head -c 4000 /dev/zero | tr '\0' '\377' |
    dd of="$T/pages.db" bs=1 seek=$((4 * 4096 + 16)) conv=notrunc status=none
expect 1 "pages.db: cannot read visits: the file is damaged" -- \
    "$Y1EST" cadence summary --cadence "$T/pages.db" --program all
cp "$T/good.db" "$T/schema.db"
at=$(grep -aboF 'CREATE TABLE observations' "$T/schema.db" | head -1 | cut -d: -f1)
printf '\001\376\200T\002' | dd of="$T/schema.db" bs=1 seek=$((at + 7)) conv=notrunc status=none
expect 1 "schema.db: not an OpSim sqlite database: the file is damaged" -- \
    "$Y1EST" cadence summary --cadence "$T/schema.db" --program all
if LC_ALL=C grep -q '[^ -~]' "$T/err"; then bad "damaged schema: raw bytes in the message"
else ok; fi

# ---- numbers in disguise, and small gaps ----
sed 's/^cores_per_node: 64/cores_per_node: "64"/' tests/fixtures/platform_small.yaml > "$T/q.yaml"
expect 1 "q.yaml:3:17: cores_per_node: expected an integer, got the quoted string '64'" -- \
    "$Y1EST" --platform "$T/q.yaml"
sed 's/^cores_per_node: 64/cores_per_node: !!str 64/' tests/fixtures/platform_small.yaml > "$T/q.yaml"
expect 1 "q.yaml:3:17: YAML tags \(tag:yaml.org,2002:str\) are not used" -- \
    "$Y1EST" --platform "$T/q.yaml"
sed 's/^patch_border_px: 100/patch_border_px: 4000/' data/skymaps/dc2.yaml > "$T/border.yaml"
expect 1 "border.yaml:15:1: patch_border_px \(4000\) must be smaller than patch_inner_px" -- \
    "$Y1EST" skymap tract 1 --skymap "$T/border.yaml"
sed 's/^num_rings: 120/num_rings: 3000/' data/skymaps/dc2.yaml > "$T/rings.yaml"
expect 1 "rings.yaml:7:12: num_rings: 3000 is out of range \[1, 1000\]" -- \
    "$Y1EST" skymap tract 1 --skymap "$T/rings.yaml"
expect 0 "5-95 % intervals" -- "$Y1EST" campaign --help
if grep -qF '%%' "$T/out"; then bad "campaign --help prints a literal %%"; else ok; fi

# ---- the campaign timeline is bounded: a 10^9 s task widens the bins, totals stay exact ----
F=tests/fixtures
sed 's/value: 1800}/value: 1e9}/' $F/campaign_models.yaml > "$T/long.yaml"
expect 0 "time bins widened from --bin 1 h to 8 h: the timeline holds at most 65536 bins" -- \
    "$Y1EST" campaign --platform $F/campaign_platform.yaml --nodes 2 --workload $F/campaign_small.csv \
    --models "$T/long.yaml" --products $F/campaign_products.yaml --out "$T/long"
rows=$(($(wc -l < "$T/long/timeline.csv") - 1))
if [ "$rows" -le 65536 ] && [ "$rows" -gt 30000 ]; then ok
else bad "timeline.csv has $rows bins, expected at most 65536 (about 2e9 s / 8 h)"; fi
# core-seconds per task summed over the 8-hour bins, against the models by hand: isr 6 x 600 s,
# makeWarp 4 x 1200 s, assembleCoadd 3 x (600 n + 600) s with n summing to 4, deblend 2 x 1e9 s
sums=$(awk -F, 'NR > 1 { for (i = 3; i <= 6; i++) s[i] += $i } END {
    printf "%.0f %.0f %.0f %.4g", s[3] * 28800, s[4] * 28800, s[5] * 28800, s[6] * 28800 }' \
    "$T/long/timeline.csv")
if [ "$sums" = "3600 4800 4200 2e+09" ]; then ok
else bad "busy core-seconds per task over the widened bins: $sums, expected 3600 4800 4200 2e+09"; fi

# ---- models fit whose report cannot reach stdout leaves no model file ----
if [ -w /dev/full ]; then
    expect 3 "standard output: write error; .*full.yaml not written" -- \
        sh -c '"$0" models fit tests/fixtures/models_records.csv --out "$1" --bootstrap 5 >/dev/full' \
        "$Y1EST" "$T/full.yaml"
    [ -e "$T/full.yaml" ] && bad "models fit wrote its --out file although stdout failed" || ok
else
    skip "no writable /dev/full to make stdout fail"
fi

finish cli_hostile
