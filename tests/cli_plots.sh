#!/usr/bin/env bash
# cli_plots.sh: --plot-format png|svg|pdf for the estimate's --out plots: the files are there
# with the right magic, a bad format is a usage error, PNG stays the default, the non-plot
# outputs do not depend on the format, and node_days switches to a log y axis when the largest
# bar is more than 20x the smallest (read from the PDF's Subject, the plot's y label). Then the
# campaign's, validate's and models fit's plots in the three formats; one colour per task
# and per product across the estimate's and the campaign's plots (read from the SVGs' fill
# colours, disk.svg's kept / scratch bars by their fill); the storage tiers' quota line on the
# campaign's volume plot.
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

# ---- the campaign's, validate's and models fit's plots in every format ----
CP="tests/fixtures/campaign_small.csv"
expect 2 "applies to the plots of --out" -- "$Y1" campaign --platform perlmutter --nodes 4 \
  --workload "$CP" --plot-format svg
expect 2 "expected png, svg or pdf, got 'gif'" -- "$Y1" campaign --platform perlmutter \
  --nodes 4 --workload "$CP" --out "$T/cbad" --plot-format gif
expect 2 "applies to the plots of --plots" -- "$Y1" models fit \
  tests/fixtures/models_records.csv --out "$T/m.yaml" --plot-format pdf
expect 2 "applies to the plots of --plots" -- "$Y1" validate --measured x.db --plot-format pdf
GEN=$(dirname "$Y1")/gen_monitoring
"$GEN" --out "$T/run" --variant normal >/dev/null || bad "gen_monitoring failed"
for f in png svg pdf; do
  run 0 "campaign --plot-format $f" -- "$Y1" campaign --platform perlmutter --nodes 4 \
    --workload "$CP" --walltime 12 --mc 4 --tradeoff 1,2 --out "$T/camp_$f" --plot-format $f
  run 0 "models fit --plot-format $f" -- "$Y1" models fit tests/fixtures/models_records.csv \
    --out "$T/fit_$f.yaml" --bootstrap 20 --plots "$T/fit_$f" --plot-format $f
  run 0 "validate --plot-format $f" -- "$Y1" validate --measured "$T/run/monitoring.db" \
    --workload tests/fixtures/validate_coadds.csv \
    --platform tests/fixtures/validate_platform.yaml --plots "$T/val_$f" --plot-format $f
done
for f in png svg pdf; do
  case $f in png) m=$png ;; svg) m='<?xml' ;; pdf) m='%PDF-' ;; esac
  for p in utilisation storage mc_makespan tradeoff; do magic "$T/camp_$f/$p.$f" "$m" "campaign"; done
  for p in calibrate_cpu calibrate_maxrss measure_cpu measure_maxrss; do
    magic "$T/fit_$f/$p.$f" "$m" "models fit"
  done
  for p in validate_jobs validate_cpu validate_wall_cpu validate_utilisation; do
    magic "$T/val_$f/$p.$f" "$m" "validate"
  done
  if [ "$f" != png ]; then
    ls "$T/camp_$f" "$T/fit_$f" "$T/val_$f" | grep -qE '\.png$' && bad "--plot-format $f also wrote PNGs" || ok
  fi
done
for d in camp_svg fit_svg val_svg; do
  for x in "$T/$d"/*.svg; do grep -q '<svg ' "$x" && ok || bad "$x has no <svg element"; done
done
for d in camp_pdf fit_pdf val_pdf; do
  for x in "$T/$d"/*.pdf; do tail -c 8 "$x" | grep -q '%%EOF' && ok || bad "$x is not finished"; done
done
# the campaign's tables and report do not depend on the plot format
for x in campaign.md summary.json timeline.csv storage.csv mc.csv; do
  same "$T/camp_png/$x" "$T/camp_svg/$x" "campaign $x with --plot-format svg"
done

# ---- one colour per task: the same fill in the estimate's and the campaign's plots ----
# svgrgb RRGGBB: the colour as cairo writes it into an SVG, rgb(R%,G%,B%), each channel
# c / 255 x 100 to 6 decimals without trailing zeros
svgrgb() {
  local h=$1 out="" i v
  for i in 0 2 4; do
    v=$(awk -v c=$((16#${h:i:2})) 'BEGIN { s = sprintf("%.6f", c / 255 * 100);
      sub(/0+$/, "", s); sub(/\.$/, "", s); print s }')
    out="$out${out:+,}$v%"
  done
  echo "rgb($out)"
}
# measure is RTN-028's 8th task; in a plot of only calibrate and measure it is the 2nd series,
# so a colour by series position would differ between the two plots. The palette's measure is
# olive bcbd22 (Tableau's, the 9th of tab10 with the grey left out), calibrate green 2ca02c.
run 0 "estimate with two tasks" -- "$Y1" --platform perlmutter --workload "$W" \
  --tasks calibrate,measure --out "$T/two" --plot-format svg
for task in measure:bcbd22 calibrate:2ca02c; do
  c=$(svgrgb "${task#*:}")
  grep -qF "fill:$c;" "$T/two/node_days.svg" && ok || bad "node_days.svg: ${task%%:*} not $c"
  grep -qF "fill:$c;" "$T/camp_svg/utilisation.svg" && ok \
    || bad "utilisation.svg: ${task%%:*} not $c"
done
# the box plot of validate in the task colours too (isr, the first task: 1f77b4)
grep -qF "$(svgrgb 1f77b4)" "$T/val_svg/validate_wall_cpu.svg" && ok || bad "validate boxes not in task colours"

# ---- one colour per product: disk.svg's bars and the campaign volume plot's legend ----
# The palette's product colours (data/products.yaml order): the writing task's Tableau 10
# colour, the task's other product the light shade of the same Tableau 20 pair (calibrate:
# calexp 2ca02c, src 98df8a; makeWarp: d62728, ff9896; assembleCoadd: nImage c5b0d5, deepCoadd
# 9467bd). Kept (RTN-028 Table 4): calexp, src, deepCoadd_nImage, deepCoadd_calexp,
# deepCoadd_forced_src, and raw. "raw" is no RTN-028 product: FNV-1a("raw") = 0x43ff12f1, 1
# mod 20, the hashed list's second colour, Tableau 20's light blue aec7e8.
PROD="postISRCCD:1f77b4:scratch icExp:ff7f0e:scratch calexp:2ca02c:kept src:98df8a:kept
deepCoadd_directWarp:d62728:scratch deepCoadd_psfMatchedWarp:ff9896:scratch
deepCoadd_nImage:c5b0d5:kept deepCoadd:9467bd:scratch deepCoadd_calexp:8c564b:kept
deepCoadd_deblendedFlux:e377c2:scratch deepCoadd_meas:bcbd22:scratch
deepCoadd_forced_src:17becf:kept raw:aec7e8:kept"
h=2166136261
for b in 114 97 119; do h=$(( (h ^ b) * 16777619 & 0xffffffff )); done # r a w
[ $h -eq $((0x43ff12f1)) ] && [ $((h % 20)) -eq 1 ] && ok || bad "FNV-1a(raw) is $h"
# fills FILE OPACITY...: the coloured fills of FILE in drawing order with those opacities
# (white, the legend's background, and black, the text, left out)
fills() {
  local f=$1 alt; shift
  alt=$(IFS='|'; echo "$*"); alt=${alt//./\\.}
  grep -oE "fill:rgb\([^)]*\);fill-opacity:($alt);" "$f" | grep -v 'rgb(100%,100%,100%)' \
    | grep -v 'rgb(0%,0%,0%)'
}
# disk.svg draws one bar per product in category order: kept ones solid (opacity 0.85), the
# scratch ones hatched over a 0.3 tint of the colour
want_disk="" want_leg=""
for e in $PROD; do
  IFS=: read -r name rgb kind <<<"$e"
  a=0.85; [ "$kind" = scratch ] && a=0.3
  want_disk+="fill:$(svgrgb "$rgb");fill-opacity:$a;"$'\n'
  [ "$name" = raw ] || want_leg+="fill:$(svgrgb "$rgb");fill-opacity:0.6;"$'\n'
done
run 0 "estimate, svg plots" -- "$Y1" --platform perlmutter --workload "$W" --out "$T/disk" \
  --plot-format svg
got=$(fills "$T/disk/disk.svg" 0.85 0.3 | head -13)
[ "$got"$'\n' = "$want_disk" ] && ok || bad "disk.svg bars: got
$got
expected
$want_disk"
# the legend: a grey swatch solid (kept) and a grey hatched one (scratch), then raw's
g=$(svgrgb 7f7f7f)
got=$(fills "$T/disk/disk.svg" 0.6 0.3 | tail -3 | tr '\n' ' ')
[ "$got" = "fill:$g;fill-opacity:0.6; fill:$g;fill-opacity:0.3; fill:$(svgrgb aec7e8);fill-opacity:0.6; " ] \
  && ok || bad "disk.svg legend swatches: $got"
# with only calibrate and measure run, their products keep their colours: calexp, src (kept),
# deepCoadd_meas (scratch), then raw; a colour by bar position would shift
got=$(fills "$T/two/disk.svg" 0.85 0.3 | head -4 | tr '\n' ' ')
want=$(for c in 2ca02c:0.85 98df8a:0.85 bcbd22:0.3 aec7e8:0.85; do
  printf 'fill:%s;fill-opacity:%s; ' "$(svgrgb "${c%:*}")" "${c#*:}"; done)
[ "$got" = "$want" ] && ok || bad "two-task disk.svg bars: $got, expected $want"
# the occupancy curve is the platform's, applied to every task: none of the task or product
# colours in its plot (it had isr's blue for the fit and makeWarp's red for the points)
for c in 1f77b4 ff7f0e 2ca02c d62728 9467bd 8c564b e377c2 bcbd22 17becf 98df8a ff9896 c5b0d5; do
  grep -qF "$(svgrgb $c)" "$T/disk/occupancy_perlmutter.svg" \
    && bad "occupancy_perlmutter.svg draws in task/product colour $c" || ok
done
# the campaign's volume plot names the same 12 products in its legend in the same colours
got=$(fills "$T/camp_svg/storage.svg" 0.6)
[ "$got"$'\n' = "$want_leg" ] && ok || bad "storage.svg legend: got
$got
expected
$want_leg"

# ---- the quota line: perlmutter's scratch and cfs tiers (20 TB) on the volume plot, drawn
# in b00020; a platform without a storage block has none ----
q=$(svgrgb b00020)
grep -qF "stroke:$q;" "$T/camp_svg/storage.svg" && ok || bad "storage.svg: no quota line ($q)"
run 0 "campaign without storage tiers" -- "$Y1" campaign --platform sdf-rome --nodes 4 \
  --workload "$CP" --out "$T/camp_rome" --plot-format svg
grep -qF "stroke:$q;" "$T/camp_rome/storage.svg" && bad "sdf-rome has no tiers but a quota line" || ok

finish cli_plots
