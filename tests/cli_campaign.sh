#!/usr/bin/env bash
# cli_campaign.sh: exit codes, messages and outputs of 'y1est campaign' on the hand-sized
# workload of tests/test_campaign.c (makespan 8400 s = 0.09722 days, peak 1.4e9 B).
# Usage: tests/cli_campaign.sh path/to/y1est   (run from the repository root)
set -u
Y1=${1:?usage: cli_campaign.sh path/to/y1est}
. "$(dirname "$0")/lib.sh"

F=tests/fixtures
WORK=(--workload $F/campaign_small.csv --models $F/campaign_models.yaml
      --products $F/campaign_products.yaml --resolution 0.5)
HAND=(--platform $F/campaign_platform.yaml "${WORK[@]}")

expect 0 'usage: y1est campaign' -- "$Y1" campaign --help
expect 2 'no --platform given' -- "$Y1" campaign --nodes 4
expect 2 'no --nodes given' -- "$Y1" campaign --platform perlmutter
expect 2 "try 'y1est campaign --help'" -- "$Y1" campaign --platform perlmutter
expect 2 '--nodes: 0 is out of range' -- "$Y1" campaign --platform perlmutter --nodes 0
expect 2 '--nodes: expected an integer' -- "$Y1" campaign --platform perlmutter --nodes many
expect 2 'one platform' -- "$Y1" campaign --platform perlmutter --platform cori-knl --nodes 4
expect 2 "one platform, not 'all'" -- "$Y1" campaign --platform all --nodes 4
expect 2 '--walltime: expected a finite number' -- "$Y1" campaign --platform perlmutter --nodes 4 --walltime x
expect 2 '--order: expected breadth or depth' -- "$Y1" campaign --platform perlmutter --nodes 4 --order sideways
expect 2 '--cpu-factor-range: expected A:B' -- "$Y1" campaign --platform perlmutter --nodes 4 --cpu-factor-range 0.5
expect 2 '--cpu-factor-range: end 0.5 is below start 1' -- "$Y1" campaign --platform perlmutter --nodes 4 --cpu-factor-range 1:0.5
expect 2 "--sweep: unknown parameter 'nights'" -- "$Y1" campaign --platform perlmutter --nodes 4 --sweep nights=1:3
expect 2 '--sweep: expected radius=A:B:STEP' -- "$Y1" campaign --platform perlmutter --nodes 4 --sweep radius=1:2
expect 2 '--sweep: 11 is out of range' -- "$Y1" campaign --platform perlmutter --nodes 4 --sweep years=1:11
expect 2 'cannot use --workload' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --sweep years=1:2
expect 2 '--mc-rotations needs --footprint lsstcam' -- "$Y1" campaign --platform perlmutter --nodes 4 --mc 4 --mc-rotations 2
expect 2 "unknown option '--bogus'" -- "$Y1" campaign --platform perlmutter --nodes 4 --bogus
expect 2 '--tradeoff: expected an integer' -- "$Y1" campaign --platform perlmutter --nodes 4 --tradeoff 1,x
expect 3 'nosuch: no such platform file' -- "$Y1" campaign --platform nosuch --nodes 4 --workload $F/campaign_small.csv
expect 1 'longer than the 0.40 h walltime' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --walltime 0.4
expect 1 'campaign_small_bad.csv:3: column band' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --workload $F/campaign_small_bad.csv

# the hand-worked run: makespan 8400 s, peak 1.4e9 B at 6000 s, kept 8e8 B
expect 0 '\| makespan \(days\) \| 0\.09722 \|' -- "$Y1" campaign "${HAND[@]}" --nodes 1
expect 0 '"makespan_days": 0\.09722222222' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --format json
expect 0 '"peak_scratch_pb": 1\.4e-0?6' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --format json
expect 0 '"critical_stage": "deblend"' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --format json
# walltime losses: 1800 core-s = 0.0104 node-days with 2 cores per node
expect 0 '"walltime": 0\.01041666' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --walltime 1 --format json
# two regions one at a time: 12600 s, peak 1.2e9 B
expect 0 '\| 2 \| 0\.15 \| 0 \| 0\.000 \|' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --tradeoff 1,2
# issue 6's node model from the platform's blocks (Perlmutter: SDF-Rome's curve, 2 s latency):
# isr + warp + assembleCoadd(n=2) + deblend = 5400 s of work in a row, each slowed by s(k_best)
expect 0 '128 jobs per node, each instance 2\.[0-9]+x slower \(occupancy\), \+ 2\.0 s' -- "$Y1" campaign "${WORK[@]}" --platform perlmutter --nodes 1 --node-model
# Monte Carlo: same seed, same bytes
capture 0 "MC, first run" "$T/a.json" -- "$Y1" campaign "${HAND[@]}" --nodes 1 --mc 30 --cpu-factor-range 0.5:1 --format json
has out '"monte_carlo"' "MC in the JSON"
capture 0 "MC, second run" "$T/b.json" -- "$Y1" campaign "${HAND[@]}" --nodes 1 --mc 30 --cpu-factor-range 0.5:1 --format json
same "$T/a.json" "$T/b.json" "MC reproducible"
expect 0 '\| makespan \(days\) \| 0\.09722 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --mc 30 --cpu-factor-range 0.5:1
# Monte Carlo of a pipeline file (test_hand's campaign as one): without a sigma or a range every
# sample is the nominal run (8400 s; RTN-028 rule 16200 CPU-s / 2 jobs per node = 0.09375
# node-days); the report says the file gives no sigmas; same seed, same bytes
PHAND=(--platform $F/campaign_platform.yaml --workload $F/campaign_small.csv --resolution 0.5
       --pipeline $F/campaign_pipe_hand.yaml --nodes 1)
expect 0 '\| makespan \(days\) \| 0\.09722 \| 0\.09722 \| 0\.09722 \| 0\.09722 \|' -- "$Y1" campaign "${PHAND[@]}" --mc 5
has out '| node-days (RTN-028 rule) | 0.09375 | 0.09375 | 0.09375 | 0.09375 |' "pipeline MC, RTN-028 rule"
has out "the pipeline file's models give none, see --model-sigma" "pipeline MC names the missing sigmas"
expect 0 'else 0\.1 x \|value\| \(the pipeline file gives none\); cpu_factor ~ Uniform\[0\.5, 1\]' -- \
  "$Y1" campaign "${PHAND[@]}" --mc 5 --model-sigma 0.1 --cpu-factor-range 0.5:1
capture 0 "pipeline MC, first run" "$T/pa.json" -- "$Y1" campaign "${PHAND[@]}" --mc 20 --model-sigma 0.1 --cpu-factor-range 0.5:1 --format json
capture 0 "pipeline MC, second run" "$T/pb.json" -- "$Y1" campaign "${PHAND[@]}" --mc 20 --model-sigma 0.1 --cpu-factor-range 0.5:1 --format json
same "$T/pa.json" "$T/pb.json" "pipeline MC reproducible"
grep -q '"monte_carlo"' "$T/pa.json" && ok || bad "pipeline MC: no monte_carlo in the JSON"
# the core-weighted file of test_pipe_barrier at a resolution below every instance: 7200 s x the
# cpu_factor drawn in [0.5, 1], so every sample within 3600..7200 s; no RTN-028 figure: null
capture 0 "pipeline MC, core-weighted" "$T/pc.json" -- "$Y1" campaign --platform $F/campaign_platform.yaml \
  --workload $F/campaign_small.csv --resolution 0.05 --pipeline $F/campaign_pipe_barrier.yaml --nodes 1 \
  --mc 20 --cpu-factor-range 0.5:1 --format json
jq -e '.monte_carlo | (.node_days_rtn028 | has("q05")) and .node_days_rtn028.q05 == null and .makespan_days.q05 >= 3600/86400 - 1e-12
       and .makespan_days.q95 <= 7200/86400 + 1e-12 and .makespan_days.q95 > .makespan_days.q05' \
  "$T/pc.json" >/dev/null && ok || bad "pipeline MC, core-weighted: intervals"
# --out: every file, and the report is the stdout report
expect 0 '' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --mc 10 --tradeoff 1,2 --out "$T/res"
for f in campaign.md summary.json timeline.csv storage.csv stages.csv mc.csv tradeoff.csv utilisation.png storage.png mc_makespan.png tradeoff.png; do
  if [ -s "$T/res/$f" ]; then ok; else bad "--out lacks $f"; fi
done
if cmp -s "$T/res/campaign.md" "$T/out"; then ok; else bad "campaign.md differs from stdout"; fi
expect 0 '^0\.125000,0,0,0,0\.0008,0\.0008$' -- tail -1 "$T/res/storage.csv"
# a radius sweep on the first night of the real 10k-visit extract: three rows, node-days and
# volume grow with the radius, and the plots are there
TENK=tests/data/opsim/baseline_10klines_2.0.db
expect 0 '' -- "$Y1" campaign --platform perlmutter --nodes 100 --cadence "$TENK" --program all --nights 0:0 --sweep radius=1.8:2.0:0.1 --out "$T/sw"
if awk -F, 'NR > 1 { n++; if (NR > 2 && ($3 <= nd || $10 <= pb)) bad = 1; nd = $3; pb = $10 }
            END { exit !(n == 3 && !bad) }' "$T/sw/sweep.csv"; then ok; else bad "sweep.csv: not 3 rows growing with the radius"; sed 's/^/  | /' "$T/sw/sweep.csv"; fi
for f in sweep_node_days.png sweep_pb.png; do
  if [ -s "$T/sw/$f" ]; then ok; else bad "sweep lacks $f"; fi
done
expect 3 'cannot create directory' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --out /proc/nope/dir

# a second run into the same --out without --mc removes the first run's Monte Carlo outputs
expect 0 '' -- "$Y1" campaign "${HAND[@]}" --nodes 1 --out "$T/res"
if [ ! -e "$T/res/mc.csv" ] && [ ! -e "$T/res/tradeoff.csv" ] && [ -s "$T/res/campaign.md" ] && [ -z "$(ls -A "$T/res" | grep "^\.y1est-stage")" ]; then ok; else bad "stale campaign outputs"; fi

finish cli_campaign
