#!/bin/bash
# cli_pipeline_estimate.sh: the estimate with a pipeline file (--pipeline, --detectors, --nodes):
# structural invariants that follow from the definitions, not from earlier output: instances
# are the dimension counts, isr = visits x detectors, dropping 17 detectors removes at least
# 17 CCD-tract overlaps per visit, totals are the sums and node-days scale with the cores per
# node, the RTN-028 convention on the rtn028 file equals the default estimate, the bbox rule
# never has fewer warps than the exact one for a circle. $1 = path of y1est; cwd = repo root.
Y1EST=${1:?usage: cli_pipeline_estimate.sh PATH/TO/y1est}
. "$(dirname "$0")/lib.sh"

# a small slice (one night, every program) keeps the suite fast
SEL=(--platform perlmutter --nights 0:0 --program all)
CELLS=(--pipeline rtn109-w_2025_41 --skymap lsst_cells_v1 --footprint lsstcam)
# rel A B: |A - B| <= 1e-9 max(|A|, |B|)
rel() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a;
  if (b > m) m = b; if (-b > m) m = -b; exit !(d <= 1e-9 * m) }'; }

capture 0 "rtn109 on the cells map, json" "$T/all.json" -- "$Y1EST" "${SEL[@]}" "${CELLS[@]}" \
  --format json --nodes 110 --out "$T/o"
V=$(jq '.visits.total' "$T/all.json")
[ "$V" -gt 50 ] && ok || bad "visits selected: $V"
ISR=$(jq '.tasks[] | select(.name == "isr") | .instances' "$T/all.json")
[ "$ISR" = "$((V * 189))" ] && ok || bad "isr jobs $ISR != visits $V x 189"
# every task's instances are the count of its dimensions
jq -e '.dimension_counts as $c | [.tasks[] | .instances == $c[.dimensions]] | all' "$T/all.json" \
  >/dev/null && ok || bad "a task's instances differ from its dimension count"
# a CCD's corners lie in at least one tract; a visit's tracts are at most its CCDs' tracts
jq -e '.dimension_counts | .["visit x detector x tract"] >= .["visit x detector"] and
       .["visit x detector x tract"] <= 4 * 11 * .["visit x detector"]' "$T/all.json" \
  >/dev/null && ok || bad "CCD-tract overlaps outside [CCD-visits, 44 x CCD-visits]"
jq -e '[.tasks[] | select(.dimensions == "healpix3 x band")] | length == 1' "$T/all.json" >/dev/null \
  && ok || bad "the healpix3 x band task"
jq -e '.dimension_counts["healpix3 x band"] >= 1 and .dimension_counts["healpix3 x band"] <= 768 * 6
       and .dimension_counts["healpix3 x band"] <= .dimension_counts["tract x band"]' "$T/all.json" \
  >/dev/null && ok || bad "healpix3 x band outside [1, min(4608, tract x band)]"
# isr's core-weighted CPU: the file's per-job value (92.06494 s) x its jobs
rel "$(jq '.tasks[] | select(.name == "isr") | .core_weighted_cpu_s' "$T/all.json")" \
    "$(awk -v n="$ISR" 'BEGIN { printf "%.10g", n * 92.06494 }')" && ok || bad "isr CPU = jobs x 92.06494 s"
SUM=$(jq '[.tasks[].core_weighted_cpu_s] | add' "$T/all.json")
REF=$(jq '.rtn109_reference.core_weighted_cpu_s' "$T/all.json")
rel "$SUM" "$REF" && ok || bad "task CPU sum $SUM != total $REF"
# node-days = core-weighted CPU / (cores x 86,400): 120 cores at RTN-109, 128 on Perlmutter
rel "$(jq '.rtn109_reference.core_weighted_node_days' "$T/all.json")" \
    "$(awk -v s="$SUM" 'BEGIN { printf "%.12g", s / (120 * 86400) }')" && ok || bad "reference node-days"
rel "$(jq '.platforms[0].core_weighted_node_days' "$T/all.json")" \
    "$(awk -v s="$SUM" 'BEGIN { printf "%.12g", s / (128 * 86400) }')" && ok || bad "Perlmutter node-days"
jq -e '.tasks[-1].cum_node_days == .rtn109_reference.core_weighted_node_days' "$T/all.json" \
  >/dev/null && ok || bad "cumulative node-days end at the total"
jq -e '.platforms[0].node_days == null' "$T/all.json" >/dev/null && ok \
  || bad "RTN-028 convention must be null for core-weighted-only CPU"
# storage: the release subset is the sum of its types
rel "$(jq '.storage.release_tb' "$T/all.json")" "$(jq '[.storage.types[] | select(.release) | .tb] | add' "$T/all.json")" \
  && ok || bad "release total"

# RTN-109's DP2 detector set: 172 of 189
capture 0 "rtn109-dp2 detectors" "$T/dp2.json" -- "$Y1EST" "${SEL[@]}" "${CELLS[@]}" --detectors rtn109-dp2 --format json
[ "$(jq '.tasks[] | select(.name == "isr") | .instances' "$T/dp2.json")" = "$((V * 172))" ] && ok \
  || bad "isr jobs with rtn109-dp2 != visits x 172"
# each dropped CCD had at least one tract in every visit
A=$(jq '.dimension_counts["visit x detector x tract"]' "$T/all.json")
D=$(jq '.dimension_counts["visit x detector x tract"]' "$T/dp2.json")
[ $((A - D)) -ge $((17 * V)) ] && ok || bad "CCD-tract overlaps: all $A - dp2 $D < 17 x $V"
capture 0 "two dropped detectors" "$T/two.json" -- "$Y1EST" "${SEL[@]}" "${CELLS[@]}" --detectors -0,188 --format json
[ "$(jq '.tasks[] | select(.name == "isr") | .instances' "$T/two.json")" = "$((V * 187))" ] && ok \
  || bad "isr jobs with -0,188 != visits x 187"

# --out: the tables, report and summary.json (= the json on stdout)
for f in table1.csv table2.csv table3.csv table4.csv dimensions.csv report.md summary.json coadds.csv; do
  [ -s "$T/o/$f" ] && ok || bad "--out lacks $f"
done
same "$T/all.json" "$T/o/summary.json" "summary.json is the json report"
rel "$(jq '.platforms[0].shortest_campaign_days' "$T/all.json")" \
    "$(jq '.platforms[0].core_weighted_node_days / 110' "$T/all.json")" && ok || bad "shortest campaign on 110 nodes"
# a coadds file has no CCDs: the CCD-tract tasks cannot be costed from it
expect 1 "forcedPhotObjectDetector.*not from a --workload file" -- "$Y1EST" --platform perlmutter \
  --pipeline rtn109-w_2025_41 --skymap lsst_cells_v1 --workload "$T/o/coadds.csv"
# md: the four tables and both conventions by name; --nodes gives the shortest campaign
cp "$T/o/report.md" "$T/out"
for t in "## Table 1: visits per band" "## Table 2: per-task requirements in pipeline order" \
         "## Table 3: node-days per platform, both conventions (shortest campaign on 110 nodes" \
         "RTN-028 node-days (jobs per node by memory)" "RTN-109 node-days (core-weighted)" \
         "## Table 4: storage per dataset type, largest first" "| release |"; do
  has out "$t" "md: $t"
done
[ "$(grep -c '^| [0-9]* | [a-zA-Z0-9]* | [a-z0-9 ]* | [0-9]* |' "$T/out")" -eq 97 ] && ok || bad "97 task rows"

# the rtn028 file through the pipeline path: RTN-028's convention equals the default estimate
capture 0 "default estimate" "$T/def.json" -- "$Y1EST" --platform perlmutter --nights 0:0 --format json
capture 0 "rtn028 file" "$T/r28.json" -- "$Y1EST" --platform perlmutter --nights 0:0 \
  --pipeline data/pipelines/rtn028.yaml --format json
rel "$(jq '.platforms[0].node_days' "$T/r28.json")" "$(jq '.platforms[0].node_days' "$T/def.json")" \
  && ok || bad "rtn028 file's RTN-028 node-days differ from the default estimate"
for task in isr makeWarp assembleCoadd; do
  [ "$(jq ".tasks[] | select(.name == \"$task\") | .instances" "$T/r28.json")" = \
    "$(jq ".tasks[] | select(.name == \"$task\") | .instances | floor" "$T/def.json")" ] && ok \
    || bad "$task instances differ"
done
# --pipeline rtn028 is the default estimate itself
capture 0 "--pipeline rtn028" "$T/named.json" -- "$Y1EST" --platform perlmutter --nights 0:0 \
  --pipeline rtn028 --format json
same "$T/def.json" "$T/named.json" "--pipeline rtn028 prints the default estimate"

# a pipeline of warps only, with the circle: every exact pair is a bbox pair
cat > "$T/warps.yaml" <<'YAML'
y1est_pipeline: 1
name: warps-only
description: "one warp task"
source: "test fixture"
tasks:
  - label: makeWarp
    order: 1
    dimensions: visit x tract x patch
    source: "fixture"
    cpu: {model: constant, unit: s, value: 100, statistic: mean}
    memory: {model: constant, unit: GiB, value: 3, statistic: mean}
products:
  - {dataset: warp, task: makeWarp, size: 80, unit: MB, keep: false, release: false}
YAML
capture 0 "warps, exact" "$T/ex.json" -- "$Y1EST" "${SEL[@]}" --pipeline "$T/warps.yaml" --skymap lsst_cells_v1 --format json
capture 0 "warps, bbox" "$T/bb.json" -- "$Y1EST" "${SEL[@]}" --pipeline "$T/warps.yaml" --skymap lsst_cells_v1 --overlap bbox --format json
E=$(jq '.tasks[0].instances' "$T/ex.json"); B=$(jq '.tasks[0].instances' "$T/bb.json")
[ "$E" -gt 0 ] && [ "$B" -ge "$E" ] && ok || bad "warps bbox $B < exact $E"
# 100 s per warp, 3 GiB: Perlmutter packs min(128, floor(502 / 3)) = 128 jobs per node
rel "$(jq '.platforms[0].node_days' "$T/ex.json")" \
    "$(awk -v n="$E" 'BEGIN { printf "%.12g", n * 100 / 3600 / 128 / 24 }')" && ok || bad "warps' RTN-028 node-days"
# 3 GiB on 3.92 GiB per core: one core per job
rel "$(jq '.platforms[0].core_weighted_node_days' "$T/ex.json")" \
    "$(awk -v n="$E" 'BEGIN { printf "%.12g", n * 100 / (128 * 86400) }')" && ok || bad "warps' core-weighted node-days"
# the detector set shapes the lsstcam footprint (warps only, so no CCD-tract pass). Raft R22
# (ids 90..98) is a hole of about 3 x 4,092 px = 41' on a side; a cells patch with its border is
# 3,400 px = 11.3' (half-diagonal 8.0' at any rotation) on a 10' grid, so some patch has its
# middle within 7.1' of the hole's centre and lies wholly inside it (7.1' + 8.0' < 20.5'):
# dropping R22 loses at least one warp per visit, and dropping R22 alone keeps at least one.
# A subset of the CCDs touches a subset of the patches, so by the union bound the warps lost
# are at most the warps of R22 alone.
LC=(--pipeline "$T/warps.yaml" --skymap lsst_cells_v1 --footprint lsstcam --format json)
R22=$(seq -s, 90 98)
NOT22=$(seq 0 188 | awk '$1 < 90 || $1 > 98' | paste -sd,)
W() { jq '.dimension_counts["visit x tract x patch"]' "$1"; }
capture 0 "warps, every CCD" "$T/wa.json" -- "$Y1EST" "${SEL[@]}" "${LC[@]}"
capture 0 "warps, without R22" "$T/wn.json" -- "$Y1EST" "${SEL[@]}" "${LC[@]}" --detectors "-$R22"
capture 0 "warps, R22 only" "$T/wr.json" -- "$Y1EST" "${SEL[@]}" "${LC[@]}" --detectors "-$NOT22"
WA=$(W "$T/wa.json") WN=$(W "$T/wn.json") WR=$(W "$T/wr.json")
[ $((WA - WN)) -ge "$V" ] && ok || bad "dropping R22 lost $((WA - WN)) warps, fewer than the $V visits"
[ "$WR" -ge "$V" ] && ok || bad "R22 alone has $WR warps, fewer than the $V visits"
[ $((WA - WN)) -le "$WR" ] && ok || bad "warps lost $((WA - WN)) > R22's own $WR (union bound)"
jq -e '.provenance.footprint | test("lsstcam, 180 of 189 CCDs")' "$T/wn.json" >/dev/null && ok \
  || bad "the footprint does not name the CCDs in use"
capture 0 "warps, rtn109-dp2" "$T/wd.json" -- "$Y1EST" "${SEL[@]}" "${LC[@]}" --detectors rtn109-dp2
[ "$(W "$T/wd.json")" -lt "$WA" ] && ok || bad "rtn109-dp2 does not lower the warps"
# and on the whole RTN-109 pipeline: fewer warps, no more coadds (both counts are in its file)
jq -e --slurpfile a "$T/all.json" '.dimension_counts as $d | $a[0].dimension_counts as $e |
  $d["patch x band"] > 0 and $d["patch x band"] <= $e["patch x band"] and
  $d["visit x tract x patch"] < $e["visit x tract x patch"]' "$T/dp2.json" >/dev/null && ok \
  || bad "rtn109-dp2: more coadds or no fewer warps than every CCD"
capture 0 "warps, bbox, every CCD" "$T/ba.json" -- "$Y1EST" "${SEL[@]}" "${LC[@]}" --overlap bbox
capture 0 "warps, bbox, without R22" "$T/bn.json" -- "$Y1EST" "${SEL[@]}" "${LC[@]}" --overlap bbox --detectors "-$R22"
[ $(($(W "$T/ba.json") - $(W "$T/bn.json"))) -ge "$V" ] && ok || bad "bbox: dropping R22 lost fewer warps than visits"
# the circle has no detectors: a warning, and the circle's warps
run 0 "circle with --detectors" -- "$Y1EST" "${SEL[@]}" --pipeline "$T/warps.yaml" --skymap lsst_cells_v1 \
  --detectors "-$R22" --format json
has err "a circle has no detectors" "circle --detectors warning"

# a visit x tract task needs CCDs: the circle has none
sed 's/dimensions: visit x tract x patch/dimensions: visit x tract/' "$T/warps.yaml" > "$T/vt.yaml"
expect 1 "need the lsstcam footprint" -- "$Y1EST" "${SEL[@]}" --pipeline "$T/vt.yaml"

# the campaign of the pipeline file: every task in the file's order, the busy core time equal
# to the estimate's core-weighted node-days (the pipeline module's sum, computed apart from the
# simulation's buckets), and the makespan no shorter than core-weighted node-days / nodes
capture 0 "rtn109 campaign, json" "$T/camp.json" -- "$Y1EST" campaign "${SEL[@]}" "${CELLS[@]}" \
  --nodes 2 --format json --out "$T/camp"
CW=$(jq '.platforms[0].core_weighted_node_days' "$T/all.json")
jq -e --argjson cw "$CW" '.summary.node_days_core_weighted == $cw' "$T/camp.json" >/dev/null \
  && ok || bad "the campaign's core-weighted node-days differ from the estimate's $CW"
rel "$(jq '[.stages[].busy_node_days] | add' "$T/camp.json")" "$CW" && ok \
  || bad "busy node-days != core-weighted node-days $CW"
jq -e --argjson cw "$CW" '.summary.makespan_days >= $cw / 2 * (1 - 1e-12)' "$T/camp.json" \
  >/dev/null && ok || bad "makespan below core-weighted node-days / 2 nodes"
[ "$(jq -c '[.stages[].task]' "$T/camp.json")" = "$(jq -c '[.tasks[].name]' "$T/all.json")" ] \
  && ok || bad "campaign stages are not the pipeline's tasks in order"
jq -e '.summary.node_days_rtn028 == null and .summary.core_weighted_stages == 97' "$T/camp.json" \
  >/dev/null && ok || bad "rtn109 campaign: no RTN-028 figure, 97 weighted tasks"
grep -q "ASSUMPTION: 97 of 97 tasks give only core-weighted CPU" "$T/camp/campaign.md" && ok \
  || bad "campaign.md does not state the core-weighted assumption"
grep -q "The pipeline file gives no raw dataset" "$T/camp/campaign.md" && ok \
  || bad "campaign.md counts raw inputs the rtn109 file does not give"
# what the campaign keeps is the release subset the estimate totals apart (the file marks its
# Table 4 types release, none keep); every task after the first lists no inputs, so the last
# one may read everything: the intermediates' peak is all the rest
RT=$(jq '.storage.release_tb' "$T/all.json")
AT=$(jq '.storage.all_tb' "$T/all.json")
rel "$(jq '.summary.final_kept_pb * 1000' "$T/camp.json")" "$RT" && ok \
  || bad "campaign's final kept volume is not the estimate's release subset $RT TB"
rel "$(jq '.summary.peak_intermediates_pb * 1000' "$T/camp.json")" "$(awk -v a="$AT" -v r="$RT" 'BEGIN { printf "%.12g", a - r }')" \
  && ok || bad "intermediates' peak is not all products but the release subset"
grep -q "^- storage: kept at the end: the 19 of 37 dataset types marked keep or release.*96 tasks list no inputs" \
  "$T/camp/campaign.md" && ok || bad "campaign.md does not state what is kept and when intermediates go"
expect 2 "tasks over the whole sky \(first: makeInitialVisitDetectorTable\)" -- \
  "$Y1EST" campaign "${SEL[@]}" "${CELLS[@]}" --nodes 2 --regions 2
# the same for --tradeoff, whose message names --tradeoff (not --regions)
expect 2 "--tradeoff 4 needs every task split by tract.*first: makeInitialVisitDetectorTable" -- \
  "$Y1EST" campaign "${SEL[@]}" "${CELLS[@]}" --nodes 2 --tradeoff 1,4

# --bps for a pipeline file: RTN-109's file has no memory model, so every entry carries
# requestCpus only and the header says why
run 0 "rtn109 --bps" -- "$Y1EST" "${SEL[@]}" "${CELLS[@]}" --bps "$T/b109.yaml"
grep -q "^# NO MEMORY MODEL for 97 of 97 tasks" "$T/b109.yaml" && ok || bad "bps header: no memory model"
[ "$(grep -c '^    requestCpus: 1$' "$T/b109.yaml")" = 97 ] && ok || bad "bps: 97 requestCpus"
# every RTN-109 model is core-weighted: the header says the charge is not a request for cores
grep -q "^# 97 of 97 tasks have core-weighted CPU models" "$T/b109.yaml" && ok || bad "bps header: core-weighted"
grep -q '^    requestMemory' "$T/b109.yaml" && bad "bps: a requestMemory without a memory model" || ok
[ "$(grep -E '^  [A-Za-z0-9]+:$' "$T/b109.yaml" | tr -d ' :')" = "$(jq -r '.tasks[].name' "$T/all.json")" ] \
  && ok || bad "bps labels are not the pipeline's tasks in order"
# the rtn028 file through the pipeline path asks what the default estimate (the model file)
# asks, task for task, at a quantile below the largest n
run 0 "default --bps" -- "$Y1EST" --platform perlmutter --nights 0:30 --bps "$T/b028.yaml" --bps-quantile 0.8
run 0 "rtn028 file --bps" -- "$Y1EST" --platform perlmutter --nights 0:30 --pipeline data/pipelines/rtn028.yaml \
  --bps "$T/b028p.yaml" --bps-quantile 0.8
entries() { awk '/^  [A-Za-z]/ { l = $1 } /requestMemory/ { print l, $2 }' "$1" | sort; }
[ -n "$(entries "$T/b028.yaml")" ] && [ "$(entries "$T/b028.yaml")" = "$(entries "$T/b028p.yaml")" ] \
  && ok || bad "rtn028 file's requestMemory differs from the default estimate's"
[ "$(grep -c 'instances (.*) exceed' "$T/b028p.yaml")" -ge 1 ] && \
  [ "$(grep 'exceed' "$T/b028.yaml" | sort)" = "$(grep 'exceed' "$T/b028p.yaml" | sort)" ] \
  && ok || bad "rtn028 file's instances above the request differ from the default estimate's"

# refusals
expect 2 "validate compares a run with the default rtn028 estimate only \(its rows are the model" -- \
  "$Y1EST" validate --measured "$T/none.csv" --pipeline rtn109-w_2025_41
expect 2 "the request summary is built for the default rtn028 pipeline only" -- \
  "$Y1EST" request --platform perlmutter --pipeline rtn109-w_2025_41
expect 2 "--sweep runs with the default rtn028 pipeline only" -- \
  "$Y1EST" campaign --platform perlmutter --nodes 10 --pipeline rtn109-w_2025_41 --sweep years=1:2
expect 2 "--mc-rotations runs with the default rtn028 pipeline only" -- \
  "$Y1EST" campaign --platform perlmutter --nodes 10 --pipeline rtn109-w_2025_41 --footprint lsstcam \
  --mc 3 --mc-rotations 2
expect 2 "--table selects a table of the default rtn028 estimate" -- \
  "$Y1EST" --platform perlmutter --pipeline rtn109-w_2025_41 --format csv --table table2 --bps "$T/b.yaml"
expect 2 "--detectors applies to a pipeline file" -- "$Y1EST" --platform perlmutter --detectors rtn109-dp2
expect 2 "--nodes applies to a pipeline file" -- "$Y1EST" --platform perlmutter --nodes 3
expect 2 "189 is out of range \\[0, 188\\]" -- "$Y1EST" --platform perlmutter --pipeline rtn109-w_2025_41 --detectors -189
expect 2 "detector 3 listed twice" -- "$Y1EST" --platform perlmutter --pipeline rtn109-w_2025_41 --detectors -3,3
expect 2 "expected all, rtn109-dp2" -- "$Y1EST" --platform perlmutter --pipeline rtn109-w_2025_41 --detectors dp3
expect 2 "carries its own models" -- "$Y1EST" --platform perlmutter --pipeline rtn109-w_2025_41 --tasks all
expect 3 "no-such-pipeline" -- "$Y1EST" --platform perlmutter --pipeline no-such-pipeline
[ -e "$T/b.yaml" ] && bad "a refused --bps wrote its file" || ok

finish cli_pipeline_estimate
