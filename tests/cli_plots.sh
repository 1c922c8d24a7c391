#!/usr/bin/env bash
# cli_plots.sh: --plot-format png|svg|pdf for the estimate's --out plots: the files are there
# with the right magic, a bad format is a usage error, PNG stays the default, the non-plot
# outputs do not depend on the format, and node_days switches to a log y axis when the largest
# bar is more than 20x the smallest (read from the PDF's Subject, the plot's y label).
# Usage: tests/cli_plots.sh path/to/y1est   (run from the repository root)
set -u
Y1=${1:?usage: cli_plots.sh path/to/y1est}
. "$(dirname "$0")/lib.sh"

W=tests/fixtures/campaign_small.csv
PLOTS="visits_per_patch node_days disk occupancy_perlmutter"

# magic FILE PREFIX WHAT: FILE exists and its first bytes are PREFIX
magic() {
  if [ -s "$1" ] && [ "$(head -c ${#2} "$1")" = "$2" ]; then ok
  else bad "$3: $1 missing or does not start with '$2'"; fi
}
# utf16 TEXT: TEXT as the upper-case UTF-16BE hex cairo writes into a PDF's info strings
utf16() { local s=$1 i; for ((i = 0; i < ${#s}; i++)); do printf '00%02X' "'${s:i:1}"; done; }

# ---- usage errors: exit 2 with the reason ----
expect 2 "expected png, svg or pdf, got 'jpeg'" -- "$Y1" --platform perlmutter --workload "$W" \
  --out "$T/bad" --plot-format jpeg
[ ! -e "$T/bad" ] && ok || bad "a bad --plot-format still wrote $T/bad"
expect 2 "needs a value" -- "$Y1" --platform perlmutter --workload "$W" --out "$T/bad" --plot-format
expect 2 "applies to the plots of --out" -- "$Y1" --platform perlmutter --workload "$W" \
  --plot-format svg

# ---- each format: the plots with their magic, nothing of another format ----
run 0 "default (png)" -- "$Y1" --platform perlmutter --workload "$W" --out "$T/png"
cp "$T/out" "$T/png.stdout"
png=$(printf '\211PNG\r\n\032\n')
for p in $PLOTS; do magic "$T/png/$p.png" "$png" "default format"; done
for f in svg pdf; do
  run 0 "--plot-format $f" -- "$Y1" --platform perlmutter --workload "$W" --out "$T/$f" \
    --plot-format $f
  same "$T/png.stdout" "$T/out" "stdout with --plot-format $f"
  ls "$T/$f" | grep -qE '\.png$' && bad "--plot-format $f also wrote PNGs" || ok
  # the tables, report, coadds.csv and summary.json do not depend on the plot format
  for x in table1.csv table2.csv table3.csv table4.csv report.md coadds.csv summary.json; do
    same "$T/png/$x" "$T/$f/$x" "$x with --plot-format $f"
  done
done
for p in $PLOTS; do
  magic "$T/svg/$p.svg" '<?xml' "svg"
  grep -q '<svg ' "$T/svg/$p.svg" && ok || bad "$p.svg has no <svg element"
  magic "$T/pdf/$p.pdf" '%PDF-' "pdf"
  tail -c 8 "$T/pdf/$p.pdf" | grep -q '%%EOF' && ok || bad "$p.pdf is not finished (%%EOF)"
done
# same inputs, same bytes, in the vector formats too (no clock in the PDF)
run 0 "pdf again" -- "$Y1" --platform perlmutter --workload "$W" --out "$T/pdf2" --plot-format pdf
for p in $PLOTS; do same "$T/pdf/$p.pdf" "$T/pdf2/$p.pdf" "$p.pdf twice"; done
# a later run in another format replaces the plot set: one run's files, never a mix
run 0 "png over svg" -- "$Y1" --platform perlmutter --workload "$W" --out "$T/svg"
ls "$T/svg" | grep -qE '\.svg$' && bad "svg plots left beside the new png set" || ok

# ---- the log axis of node_days: the largest total over the smallest, against 20 ----
# RTN-028 Table 3: Cori-KNL ~200 k node-days against Perlmutter's ~7.6 k (about 26x, CPU factor
# 8 on 68-core nodes against 1 on 128): log. Perlmutter and SDF-Rome are both CPU factor 1 with
# the same packing (7.6 k each): linear, as is a single bar.
LOG=$(utf16 "log scale")
axis() { # axis NAME PLATFORMS...: node_days.pdf's y label says log scale (or not)
  local name=$1 want=$2; shift 2
  local args=() p
  for p in "$@"; do args+=(--platform "$p"); done
  run 0 "node_days $name" -- "$Y1" "${args[@]}" --out "$T/ax_$name" --plot-format pdf
  local got=linear
  grep -aq "/Subject <FEFF[0-9A-F]*$LOG" "$T/ax_$name/node_days.pdf" && got=log
  grep -aq "/Subject <FEFF" "$T/ax_$name/node_days.pdf" || got=no-subject
  [ "$got" = "$want" ] && ok || bad "node_days $name: y axis $got, expected $want"
}
axis knl log perlmutter cori-knl
axis rome linear perlmutter sdf-rome
axis one linear perlmutter

finish cli_plots
