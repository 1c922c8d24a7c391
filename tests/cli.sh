#!/usr/bin/env bash
# cli.sh: exit codes and messages of the y1est command (top level, cadence, estimate).
# Usage: tests/cli.sh path/to/y1est   (run from the repository root; Y1_SHARED = ../shared)
set -u
Y1=${1:?usage: cli.sh path/to/y1est}
SHARED=${Y1_SHARED:-../shared}
OPSIM=$SHARED/data/opsim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# expect CODE PATTERN -- command...: exit code must be CODE and stderr+stdout must match PATTERN
expect() {
  local want=$1 pat=$2; shift 2; [ "$1" = "--" ] && shift
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: exit $got, expected $want: $*"; sed 's/^/  | /' "$T/err" | head -5; fail=$((fail+1)); return
  fi
  if [ -n "$pat" ] && ! grep -Eq -- "$pat" "$T/out" "$T/err"; then
    echo "FAIL: output lacks /$pat/: $*"; sed 's/^/  | /' "$T/out" "$T/err" | head -8; fail=$((fail+1)); return
  fi
  pass=$((pass+1))
}

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
# DDFs by note in a raw v2.0-era run
expect 0 '^band,total,503$' -- "$Y1" cadence summary --cadence "$OPSIM/roll_weight_rs_0.3_v2.0_0yrs.db" --program ddf --format csv

# bad input and bad usage
expect 3 'nope\.db: cannot open' -- "$Y1" cadence summary --cadence "$T/nope.db"
printf 'plain text, not sqlite, long enough to look like a header.........................\n' >"$T/text.db"
expect 1 'text\.db: not an OpSim sqlite database' -- "$Y1" cadence summary --cadence "$T/text.db"
sqlite3 "$T/empty.db" 'CREATE TABLE foo (a INTEGER);'
expect 1 'no visit table' -- "$Y1" cadence summary --cadence "$T/empty.db"
sqlite3 "$T/cols.db" 'CREATE TABLE observations (observationId INTEGER, fieldRA REAL);'
expect 1 'lacks required columns: fieldDec, band or filter, observationStartMJD' -- "$Y1" cadence summary --cadence "$T/cols.db"
expect 1 'empty selection' -- "$Y1" cadence summary --cadence "$OPSIM/baseline_10klines_2.0.db" --program all --nights 100:200
expect 2 '--years: 0 is out of range' -- "$Y1" cadence summary --years 0
expect 2 '--years: expected an integer' -- "$Y1" cadence summary --years abc
expect 2 '--nights: end 3 is before start 9' -- "$Y1" cadence summary --nights 9:3
expect 2 "--bands: unknown band 'q'" -- "$Y1" cadence summary --bands gq
expect 2 '--format: expected md, csv or json' -- "$Y1" cadence summary --format xml
expect 2 'synth needs --out' -- "$Y1" cadence synth

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
