#!/bin/bash
# cli_pipeline.sh: `y1est pipeline show`: tables, formats, costing on counts and on a workload,
# exit codes and messages. $1 = path of y1est; cwd = repo root. Expected numbers are computed
# here by hand (awk) from the published per-job figures and the model files' digits.
Y1EST=${1:?usage: cli_pipeline.sh PATH/TO/y1est}
. "$(dirname "$0")/lib.sh"

run 0 "help" -- "$Y1EST" pipeline show --help
has out "usage: y1est pipeline show NAME|FILE" "help on stdout"
run 2 "no subcommand" -- "$Y1EST" pipeline
has err "try 'y1est pipeline --help'" "usage hint"
run 2 "unknown subcommand" -- "$Y1EST" pipeline list
run 2 "no name" -- "$Y1EST" pipeline show
run 2 "bad format" -- "$Y1EST" pipeline show rtn028 --format xml
has err "--format: expected md, csv or json, got 'xml'" "format message"
run 2 "bad count" -- "$Y1EST" pipeline show rtn028 --count 'visit x foo=3'
has err "--count: unknown dimensions 'visit x foo'" "count message"
run 2 "count without =" -- "$Y1EST" pipeline show rtn028 --count 'visit'
run 2 "count not a number" -- "$Y1EST" pipeline show rtn028 --count 'visit=3x'
run 2 "mem per core 0" -- "$Y1EST" pipeline show rtn028 --mem-per-core 0
run 3 "unknown name" -- "$Y1EST" pipeline show no-such-pipeline
has err "known names: " "names listed"
has err "rtn109-w_2025_41" "the shipped file named"

# the definition alone
run 0 "show rtn028" -- "$Y1EST" pipeline show rtn028
has out "File: rtn028.yaml (sha256 " "the file by name and checksum"
grep -q "$PWD" "$T/out" && bad "a machine path in the output" || ok
has out "| 8 | measure | patch x band | 335.7 n + 2137 | 0.02719 n + 1.32 |" "measure's model in s (5.594 min x 60)"
has out "| deepCoadd_forced_src | forcedPhotCoadd | patch x band | 172.8 | yes | no |" "164.8 MiB = 172.8 MB"
run 0 "show rtn109" -- "$Y1EST" pipeline show rtn109-w_2025_41
has out "| 13 | gbdesHealpix3AstrometricFit | healpix3 x band |" "healpix dimension"
has out "max(0, 0.1428 n - 0.4169) (core-weighted)" "a floored line"
[ "$(grep -c '^| [0-9]* | ' "$T/out")" -eq 97 ] && ok || bad "97 task rows"

# RTN-109's DR1 counts: isr = 35,596,260 x 3.52e8 / 3,823,388 s = 3.2772e9 s = 316.1 node-days
DR1=(--count 'visit=188340' --count 'visit x detector=35596260'
     --count 'visit x detector x tract=61040677' --count 'visit x tract x patch=107391908'
     --count 'patch x band=7398852' --count 'patch=1285731' --count 'tract=13015'
     --count 'tract x band=74936' --count 'band=6' --count 'healpix3 x band=4608')
run 0 "rtn109 on DR1 counts" -- "$Y1EST" pipeline show rtn109-w_2025_41 "${DR1[@]}" --format csv
isr=$(awk -F, '$2 == "isr" {print $17}' "$T/out")
want=$(awk 'BEGIN {printf "%.1f", 35596260 * 3.52e8 / 3823388 / (120 * 86400)}')
[ "$(printf '%.1f' "$isr")" = "$want" ] && ok || bad "isr node-days $isr, expected $want"
has out "order,task,dimensions,cpu_model" "csv header"
run 2 "nodes 0" -- "$Y1EST" pipeline show rtn028 --nodes 0
run 1 "a count the pipeline needs is missing" -- "$Y1EST" pipeline show rtn109-w_2025_41 --count band=6
has err "task isr: the workload has no count of its dimensions (visit x detector)" "names task and dimension"

# a hand-made workload: 10 visits x 189 CCDs; coadds g(100,1,1) n=3, g(100,1,2) n=4,
# r(100,1,1) n=5, r(101,0,0) n=2: 4 coadds, 3 patches, 14 warps
cat > "$T/coadds.csv" <<'CSV'
# visits: 10
# visits_g: 4
# visits_r: 6
# ccds_per_visit: 189
band,tract,patch_x,patch_y,num_visits
g,100,1,1,3
g,100,1,2,4
r,100,1,1,5
r,101,0,0,2
CSV
run 0 "rtn028 on a workload" -- "$Y1EST" pipeline show rtn028 --workload "$T/coadds.csv" --format csv
get() { awk -F, -v t="$1" -v c="$2" '$2 == t {print $c}' "$T/out"; }
near() {  # near GOT WANT WHAT: relative 1e-9
  awk -v g="$1" -v w="$2" 'BEGIN {exit !(g != "" && (g - w) <= 1e-9 * w && (w - g) <= 1e-9 * w)}' \
    && ok || bad "$3: $1, expected $2"
}
near "$(get isr 13)" 1890 "isr instances"
near "$(get isr 14)" "$(awk 'BEGIN {printf "%.12g", 1890 * 1.1741224844416667 * 60}')" "isr CPU s"
# assembleCoadd: sum over n = 3, 4, 5, 2 of 60 (0.6968721588197773 + 0.5085138880568688 n)
near "$(get assembleCoadd 14)" "$(awk 'BEGIN {printf "%.12g", 60 * (4 * 0.6968721588197773 + 14 * 0.5085138880568688)}')" "assembleCoadd CPU s"
# deblend: 3 patches, 6.98 GiB -> 2 cores of 4 GiB
near "$(get deblend 15)" "$(awk 'BEGIN {printf "%.12g", 3 * 105.86541424166667 * 60 * 2}')" "deblend core-weighted"
near "$(awk -F, '$1 == "deepCoadd_forced_src" {print $8}' "$T/out")" "$(awk 'BEGIN {printf "%.12g", 4 * 164.8 * 1048576}')" "forced_src bytes"
run 0 "rtn028 json" -- "$Y1EST" pipeline show rtn028 --workload "$T/coadds.csv" --format json
has out '"core_weighted_node_days":' "json totals"
has out '"label": "forcedPhotCoadd"' "json task"
run 0 "--count overrides the workload" -- "$Y1EST" pipeline show rtn028 --workload "$T/coadds.csv" --count 'visit x detector=1000' --format csv
near "$(get isr 13)" 1000 "isr instances overridden"
# overriding the coadds drops the workload's n histogram: the mean n is then warps / coadds =
# 14 / 7 = 2 for each of 7 coadds; detection CPU = 7 x 60 (0.912186257015771 + 2 x 0.1014925694430352)
run 0 "--count coadds" -- "$Y1EST" pipeline show rtn028 --workload "$T/coadds.csv" --count 'patch x band=7' --format csv
near "$(get detection 14)" "$(awk 'BEGIN {printf "%.12g", 7 * 60 * (0.912186257015771 + 2 * 0.1014925694430352)}')" "detection at the mean n"

# the workload's tracts (100, 101), tract x band (g100, r100, r101) and bands (g, r)
run 0 "rtn109 on a workload" -- "$Y1EST" pipeline show rtn109-w_2025_41 --workload "$T/coadds.csv" --count 'visit x detector x tract=2000' --count 'healpix3 x band=2' --format csv
near "$(get consolidateObject 13)" 2 "tracts"
near "$(get makeHealSparsePropertyMaps 13)" 3 "tract x band"
near "$(get consolidateHealSparsePropertyMaps 13)" 2 "bands"
near "$(get mergeObjectDetection 13)" 3 "patches"
near "$(get makeDirectWarp 13)" 14 "warps"

# the shortest campaign is the node-days over the nodes: deblend alone on 3 patches is
# 3 x 6351.92 s x 2 cores / (120 x 86,400) = 0.003676 node-days
run 0 "rtn028 on 3 nodes" -- "$Y1EST" pipeline show rtn028 --workload "$T/coadds.csv" --nodes 3 --format json
nd=$(grep -o '"core_weighted_node_days": [0-9.e+-]*' "$T/out" | awk '{print $2}')
days=$(grep -o '"min_campaign_days": [0-9.e+-]*' "$T/out" | awk '{print $2}')
near "$days" "$(awk -v n="$nd" 'BEGIN {printf "%.12g", n / 3}')" "node-days / 3"
awk -v n="$nd" 'BEGIN {exit !(n > 3 * 105.86541424166667 * 60 * 2 / (120 * 86400))}' && ok || bad "node-days $nd below deblend's"

# a bad pipeline file: file, line and column
sed 's/^    dimensions: patch x band$/    dimensions: patch x colour/' data/pipelines/rtn028.yaml > "$T/bad.yaml"
line=$(grep -n 'patch x colour' "$T/bad.yaml" | head -1 | cut -d: -f1)
run 1 "unknown dimension" -- "$Y1EST" pipeline show "$T/bad.yaml"
has err "$T/bad.yaml:$line:17: unknown dimensions 'patch x colour'" "file:line:column"

finish cli_pipeline
