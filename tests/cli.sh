#!/usr/bin/env bash
# cli.sh: exit codes and messages of the y1est command (top level, cadence, estimate).
# Usage: tests/cli.sh path/to/y1est   (run from the repository root; real files in tests/data)
set -u
Y1=${1:?usage: cli.sh path/to/y1est}
OPSIM=tests/data/opsim
. "$(dirname "$0")/lib.sh"

expect 0 '^y1est [0-9]+\.[0-9]+' -- "$Y1" --version
expect 0 'usage: y1est' -- "$Y1" --help
expect 2 "unknown subcommand 'frobnicate'" -- "$Y1" frobnicate
expect 0 'usage: y1est cadence summary' -- "$Y1" cadence --help
expect 0 'usage: y1est cadence summary' -- "$Y1" cadence summary --help
expect 2 "unknown cadence command" -- "$Y1" cadence nope
expect 2 "try 'y1est cadence --help'" -- "$Y1" cadence summary --bogus

# Table 1 of the real first 10,000 visits (all programs: the file has no labels)
expect 0 '\| y \| 2827 \|' -- "$Y1" cadence summary --cadence "$OPSIM/baseline_10klines_2.0.db" --program all
expect 0 '^band,total,10000$' -- "$Y1" cadence summary --cadence "$OPSIM/baseline_10klines_2.0.db" --program all --format csv
expect 0 '"total": 10000' -- "$Y1" cadence summary --cadence "$OPSIM/baseline_10klines_2.0.db" --program all --format json
# ... but asking it for WFD is refused, not guessed
expect 1 "cannot select program 'wfd'" -- "$Y1" cadence summary --cadence "$OPSIM/baseline_10klines_2.0.db"
# imSim extract with the explicit WFD proposalId: the README's 13 Y1 (night < 365) visits.
# --years counts from the file's first night (14); nights 365..378 hold none of its rows.
expect 0 '^band,total,13$' -- "$Y1" cadence summary --cadence "$OPSIM/imsim_small_opsim_9683.db" --wfd-proposal-id 1 --format csv
# the other extract starts at night 26; with survey nights, Y1 is nights 0..364: 11 visits
expect 0 '^band,total,11$' -- "$Y1" cadence summary --cadence "$OPSIM/imsim_small_opsim.db" --wfd-proposal-id 1 --survey-nights --format csv
expect 0 'nights 0\.\.364' -- "$Y1" cadence summary --cadence "$OPSIM/imsim_small_opsim.db" --wfd-proposal-id 1 --survey-nights
# DDFs by note in a raw v2.0-era run
expect 0 '^band,total,503$' -- "$Y1" cadence summary --cadence "$OPSIM/roll_weight_rs_0.3_v2.0_0yrs.db" --program ddf --format csv

# bad input and bad usage
expect 3 'nope\.db: cannot open' -- "$Y1" cadence summary --cadence "$T/nope.db"
printf 'plain text, not sqlite, long enough to look like a header.........................\n' >"$T/text.db"
expect 1 'text\.db: not an OpSim sqlite database' -- "$Y1" cadence summary --cadence "$T/text.db"
mkdb "$T/empty.db" 'CREATE TABLE foo (a INTEGER);'
expect 1 'no visit table' -- "$Y1" cadence summary --cadence "$T/empty.db"
mkdb "$T/cols.db" 'CREATE TABLE observations (observationId INTEGER, fieldRA REAL);'
expect 1 'lacks required columns: fieldDec, band or filter, observationStartMJD' -- "$Y1" cadence summary --cadence "$T/cols.db"
expect 1 'empty selection' -- "$Y1" cadence summary --cadence "$OPSIM/baseline_10klines_2.0.db" --program all --nights 100:200
expect 2 '--years: 0 is out of range' -- "$Y1" cadence summary --years 0
expect 2 '--years: expected an integer' -- "$Y1" cadence summary --years abc
expect 2 '--nights: end 3 is before start 9' -- "$Y1" cadence summary --nights 9:3
expect 2 "--bands: unknown band 'q'" -- "$Y1" cadence summary --bands gq
expect 2 '--format: expected md, csv or json' -- "$Y1" cadence summary --format xml
expect 2 'synth needs --out' -- "$Y1" cadence synth

# ---- the main job -------------------------------------------------------------------------
TENK="$OPSIM/baseline_10klines_2.0.db"
expect 0 'usage: y1est \[estimate\]' -- "$Y1" estimate --help
# the help texts' name lists come from the tables that own them: the footprints, rotations,
# overlap rules and formats from their enums, the sky maps and pipelines from the data
# directory, so a sky map added there is in the help without touching it
expect 0 '^  --footprint F         circle or lsstcam \(' -- "$Y1" estimate --help
expect 0 'lsstcam rotation: rotskypos or random \(' -- "$Y1" estimate --help
expect 0 '^  --overlap RULE        exact or bbox \(' -- "$Y1" estimate --help
expect 0 '^  --format F            md, csv or json on stdout' -- "$Y1" estimate --help
expect 0 '^  --format F   text, md or json on stdout' -- "$Y1" run-report --help
expect 0 'with --format csv: only table1, table2, table3 or table4, a plain' -- "$Y1" estimate --help
expect 0 '^  --plot-format F       the --out plots as png, svg or pdf \(' -- "$Y1" estimate --help
expect 0 '^  --plot-format F       the --out plots as png, svg or pdf \(' -- "$Y1" campaign --help
expect 0 '^  --plot-format F       the --plots as png, svg or pdf \(' -- "$Y1" models fit --help
expect 2 "--plot-format: expected png, svg or pdf, got 'gif'" -- "$Y1" --platform perlmutter --plot-format gif
# the dimension vocabulary of pipeline files, from the pipeline module's table, folded
expect 0 '^Dimensions: global, band, tract, tract x band, patch, patch x band, visit,$' -- "$Y1" pipeline show --help
expect 0 '^visit x tract x patch, healpixN or healpixN x band\.$' -- "$Y1" pipeline show --help
expect 2 '--table: expected table1, table2, table3 or table4, got .table5.' -- "$Y1" --platform perlmutter --format csv --table table5
mkdir -p "$T/dd/skymaps" "$T/dd/pipelines"
cp data/skymaps/dc2.yaml "$T/dd/skymaps/"
cp data/skymaps/dc2.yaml "$T/dd/skymaps/a_new_map.yaml"
cp data/pipelines/rtn028.yaml "$T/dd/pipelines/"
cp data/pipelines/rtn028.yaml "$T/dd/pipelines/zz-new.yaml"
expect 0 'per tract\): a_new_map or dc2$' -- "$Y1" --datadir "$T/dd" estimate --help
expect 0 '^ +rtn028 or zz-new$' -- "$Y1" --datadir "$T/dd" estimate --help
expect 0 'sky map \(a_new_map or dc2\)$' -- "$Y1" --datadir "$T/dd" --help
expect 0 '^  rtn028 or zz-new$' -- "$Y1" --datadir "$T/dd" pipeline show --help
expect 2 'no --platform given' -- "$Y1" --cadence "$TENK" --program all
expect 3 'nosuch: no such platform file' -- "$Y1" --platform nosuch --cadence "$TENK" --program all
expect 1 'platform_negcores.yaml:3:17: cores_per_node' -- "$Y1" --platform tests/fixtures/platform_negcores.yaml --cadence "$TENK" --program all
expect 1 'task deblend needs 6.98 GiB per instance but platform Small' -- "$Y1" --platform tests/fixtures/platform_small.yaml --cadence "$TENK" --program all
expect 2 '--footprint: expected circle or lsstcam' -- "$Y1" --platform perlmutter --footprint square
expect 2 '--radius: -1 is out of range' -- "$Y1" --platform perlmutter --radius -1
expect 2 '--radius applies to --footprint circle' -- "$Y1" --platform perlmutter --footprint lsstcam --radius 3
expect 2 '--radius: expected a finite number' -- "$Y1" --platform perlmutter --radius nan
expect 2 "--tasks: no task 'nosuch'" -- "$Y1" --platform perlmutter --cadence "$TENK" --program all --tasks isr,nosuch
expect 1 'products_badbasis.yaml:4:.*basis must name a level' -- "$Y1" --platform perlmutter --cadence "$TENK" --program all --products tests/fixtures/products_badbasis.yaml
sed 's/task: isr, /task: nosuchtask, /' data/products.yaml >"$T/pr.yaml"
expect 1 "pr.yaml:14: product postISRCCD: task 'nosuchtask' is not in the models" -- "$Y1" --platform perlmutter --cadence "$TENK" --program all --products "$T/pr.yaml"
# Tables 1-4 on the real 10k visits; every --out file is there
expect 0 '## Table 4' -- "$Y1" --platform perlmutter.yaml --cadence "$TENK" --program all --out "$T/res" --bps "$T/bps.yaml"
for f in table1.csv table2.csv table3.csv table4.csv report.md coadds.csv summary.json visits_per_patch.png pointings.png node_days.png disk.png; do
  if [ -s "$T/res/$f" ]; then ok; else bad "--out lacks $f"; fi
done
expect 0 'requestMemory' -- cat "$T/bps.yaml"
# a later run into the same --out removes what it does not make (no mixing of two runs)
cp -r "$T/res" "$T/res2"
expect 0 '' -- "$Y1" --platform cori-knl --workload "$T/res2/coadds.csv" --out "$T/res2"
if [ ! -e "$T/res2/pointings.png" ] && [ ! -e "$T/res2/occupancy_perlmutter.png" ] && [ -s "$T/res2/table3.csv" ]; then ok; else bad "stale outputs left in --out"; fi
# a workload file replays the same Tables 2-4 without the cadence
capture 0 "estimate from the cadence" "$T/a.csv" -- "$Y1" --platform perlmutter --cadence "$TENK" --program all --format csv
capture 0 "estimate from the workload" "$T/b.csv" -- "$Y1" --platform perlmutter --workload "$T/res/coadds.csv" --format csv
sed -n '/# Table 2/,$p' "$T/a.csv" >"$T/a2.csv"
sed -n '/# Table 2/,$p' "$T/b.csv" >"$T/b2.csv"
same "$T/a2.csv" "$T/b2.csv" "--workload replays Tables 2-4"
expect 0 'warning: --footprint, --seed ignored: --workload' -- "$Y1" --platform perlmutter --workload "$T/res/coadds.csv" --footprint lsstcam --seed 7
# JSON has the documented keys
expect 0 '"node_days_optimistic"' -- "$Y1" --platform perlmutter --workload "$T/res/coadds.csv" --format json
expect 0 '"all_tb"' -- "$Y1" --platform perlmutter --workload "$T/res/coadds.csv" --format json
# same inputs, same bytes
capture 0 "report, first run" "$T/r1.md" -- "$Y1" --platform all --workload "$T/res/coadds.csv"
capture 0 "report, second run" "$T/r2.md" -- "$Y1" --platform all --workload "$T/res/coadds.csv"
same "$T/r1.md" "$T/r2.md" "same inputs, same bytes"
# a failed run writes nothing into --out
expect 1 'task deblend needs' -- "$Y1" --platform tests/fixtures/platform_small.yaml --workload "$T/res/coadds.csv" --out "$T/failed"
if [ -z "$(ls -A "$T/failed" 2>/dev/null)" ]; then ok; else bad "failed run left files"; fi
# a report that cannot be written is an I/O failure
if [ -w /dev/full ]; then
  expect 3 'standard output: write error' -- sh -c "'$Y1' --platform perlmutter --workload '$T/res/coadds.csv' >/dev/full"
else
  skip "the write-error check needs /dev/full (Linux)"
fi
printf '# visits: 4\n# visits_g: 4\nband,tract,patch_x,patch_y,num_visits\ng,99999999,2,3,4\n' >"$T/badtract.csv"
expect 1 'badtract.csv: coadd tract 99999999 patch 2,3 is not in sky map DC2' -- "$Y1" --platform perlmutter --workload "$T/badtract.csv"
printf 'band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\n' >"$T/novisits.csv"
expect 1 "no '# visits:' line" -- "$Y1" --platform perlmutter --workload "$T/novisits.csv"

# the main job reads only the columns it uses: rotSkyPos for the lsstcam footprint turned by
# it, never the MJD when the file numbers its nights; a column not read is not required, and
# a bad value there is no error (Table 1 of `cadence summary` reads the MJD and refuses it)
mkdb "$T/norot.db" 'CREATE TABLE observations (observationId INTEGER, fieldRA REAL, fieldDec REAL, observationStartMJD REAL, filter TEXT, night INTEGER, proposalId INTEGER); INSERT INTO observations VALUES (1, 10.5, -30.25, 60218.1, "r", 0, 1), (2, 11.5, -30.75, NULL, "g", 0, 1), (3, 12.5, -31.25, 60219.2, "r", 1, 1);'
expect 0 '^\| total \| 3 \|$' -- "$Y1" --platform perlmutter --cadence "$T/norot.db" --program all
expect 1 'norot\.db: the visit table has no rotSkyPos column, which --footprint lsstcam turns each visit by \(pass --rotation random\)' -- "$Y1" --platform perlmutter --cadence "$T/norot.db" --program all --footprint lsstcam
expect 0 '' -- "$Y1" --platform perlmutter --cadence "$T/norot.db" --program all --footprint lsstcam --rotation random
expect 1 'observationId 2: observationStartMJD is NULL' -- "$Y1" cadence summary --cadence "$T/norot.db" --program all

finish cli
