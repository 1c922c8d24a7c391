#!/usr/bin/env bash
# cli_request.sh: `y1est request` on the hand-sized workload of tests/test_campaign.c (3 visits
# x 2 CCDs, coadds g(10) n=1, r(10) n=2, r(11) n=1, patches n=3 and n=1) with round models and
# a 4-core node of 10 GiB usable (tests/fixtures/request_*.yaml). Every expected value is worked
# out by hand in the comments.
# Usage: tests/cli_request.sh path/to/y1est   (run from the repository root)
set -u
Y1=${1:?usage: cli_request.sh path/to/y1est}
. "$(dirname "$0")/lib.sh"
F=tests/fixtures
W=(--workload "$F/campaign_small.csv" --models "$F/request_models.yaml"
   --products "$F/campaign_products.yaml" --nodes 1)
Q=(--platform "$F/request_platform.yaml" "${W[@]}")

expect 0 'usage: y1est request' -- "$Y1" request --help
expect 2 'no --platform given' -- "$Y1" request --nodes 1
expect 2 '--retry-quantile: ' -- "$Y1" request "${Q[@]}" --retry-quantile 0
expect 2 '--cpu-factor-range: expected A:B' -- "$Y1" request "${Q[@]}" --cpu-factor-range 1
expect 2 '--memory-multiplier: ' -- "$Y1" request "${Q[@]}" --memory-multiplier 1

# Study rule, node-hours = CPU h / jobs per node (4 cores; 10 GiB / maxRSS):
#   isr 6 CCD-visits x 600 s = 1 h / 4 = 0.250; makeWarp 4 warps x 1200 s = 1.333 h / 4 = 0.333
#   assembleCoadd (600 n + 600) s: 2 x 1200 + 1800 = 4200 s = 1.1667 h; its largest maxRSS is
#   1 + 2 = 3 GiB, so floor(10 / 3) = 3 jobs: 0.389; deblend 2 patches x 1800 s = 1 h / 4 = 0.250
#   total 1.2222, shares 20.5 / 27.3 / 31.8 / 20.5 %
# Retries at q = 0.5: n over the coadds is {1, 1, 2}, 2/3 >= 0.5 at n = 1, so requestMemory is
#   1 + 1 = 2 GiB; the n = 2 coadd (3 GiB) fails once at 2 GiB (4 jobs/node): 1800 s / 4 =
#   0.125 node-hours, then fits at 4 GiB. The other tasks have one memory: nothing fails.
run 0 "request, q = 0.5" -- "$Y1" request "${Q[@]}" --mc 0 --retry-quantile 0.5
has out '| isr | 0.250 | 20.5 % | 1.00 | 0 | 0.00 |' "isr row"
has out '| makeWarp | 0.333 | 27.3 % | 1.00 | 0 | 0.00 |' "makeWarp row"
has out '| assembleCoadd | 0.389 | 31.8 % | 2.00 | 1 | 0.125 |' "assembleCoadd row (retry)"
has out '| deblend | 0.250 | 20.5 % | 1.00 | 0 | 0.00 |' "deblend row"
has out 'retry contingency: +0.125 node-hours' "contingency line"
has out '- range: not computed (--mc 0)' "no range without a Monte Carlo"
has out 'Platform file: a hand-sized node for the request tests.' "platform description"
# Storage: raw 6 CCD-visits x 10 MB = 60 MB = 0.00006 TB in 6 files; kept: deblendedFlux 2 x
# 400 MB = 0.0008 TB in 2 files; written 6 x 100 + 4 x 200 + 3 x 300 + 2 x 400 MB = 3100 MB =
# 0.0031 TB in 6 + 4 + 3 + 2 = 15 files.
has out '| raw data ingested | 0.0000600 | 0.0000546 | 6 | before processing |' "raw row"
has out '| kept products (final) | 0.000800 | 0.000728 | 2 |' "kept row"
has out '| everything ever written | 0.00310 | 0.00282 | 15 |' "written row"
# Tiers: scratch holds raw + the working set: its final is raw + kept = 0.00086 TB in 8 files,
# and its peak at least that much, above the 0.0008 TB and 7-file quotas; project holds the kept
# 2 files against a 2-file quota (not above: fits); tape (raw + kept) has no quotas.
has out '| 0.000860 | 8 | 0.000800 | 7 | **EXCEEDS** | **EXCEEDS** |' "scratch tier"
has out '| project | kept | 0.000800 | 2 |' "project tier peak"
has out '| 0.000800 | 2 | 1.00 | 2 | fits | fits |' "project tier quotas"
has out '| tape | raw, kept | 0.000860 | 8 |' "tape tier"
has out '| none | none | no quota | no quota |' "tape without quotas"
has out 'quotas of scratch: test quotas' "quota source"

# The default quantile 0.95 is reached only at n = 2: requestMemory 3 GiB, nothing fails
run 0 "request, q = 0.95" -- "$Y1" request "${Q[@]}" --mc 0
has out '| assembleCoadd | 0.389 | 31.8 % | 3.00 | 0 | 0.00 |' "no retries at q = 0.95"
# multiplier 1.2: attempts at 2 (4 jobs), 2.4 (floor(10/2.4) = 4 jobs) and 2.88 GiB (3 jobs)
# fail before 3.456 GiB fits: 0.5 h x (1/4 + 1/4 + 1/3) = 0.4167; with one retry only the
# first two: 0.25
run 0 "request, multiplier 1.2" -- "$Y1" request "${Q[@]}" --mc 0 --retry-quantile 0.5 --memory-multiplier 1.2
has out '| assembleCoadd | 0.389 | 31.8 % | 2.00 | 1 | 0.417 |' "three failed attempts"
run 0 "request, one retry" -- "$Y1" request "${Q[@]}" --mc 0 --retry-quantile 0.5 --memory-multiplier 1.2 --retries 1
has out '| assembleCoadd | 0.389 | 31.8 % | 2.00 | 1 | 0.250 |' "two failed attempts"

# CSV: one row, plain numbers; the recommended figure is nodes x campaign length x 24
run 0 "request csv" -- "$Y1" request "${Q[@]}" --mc 4 --retry-quantile 0.5 --format csv
count 2 "csv lines" '.'
if awk -F, 'NR == 2 { d = $3 - $2 * $8 * 24; exit !(d < 0.0015 && d > -0.0015 && $11 == "1.2222" && $7 == "0.1250" && $13 == 6 && $18 == 2 && $5 + 0 > 0 && $5 <= $6) }' "$T/out"
then ok; else bad "csv row: node_hours != nodes x days x 24, or study/retry/files/range wrong"; cat "$T/out"; fi
if grep -qE '[0-9]e[-+]?[0-9]' "$T/out"; then bad "csv has an exponent"; else ok; fi
# JSON: the tier flags
if command -v jq >/dev/null 2>&1; then
  run 0 "request json" -- "$Y1" request "${Q[@]}" --mc 0 --format json
  got=$(jq -r '.platforms[0].tiers | map("\(.tier):\(.exceeds_capacity):\(.exceeds_inodes)") | join(" ")' "$T/out")
  if [ "$got" = "scratch:true:true project:false:false tape:false:false" ]; then ok
  else bad "json tier flags: $got"; fi
  got=$(jq -r '.platforms[0] | "\(.study_node_hours * 10000 | round) \(.storage.written_files) \(.node_hours_p05)"' "$T/out")
  if [ "$got" = "12222 15 null" ]; then ok; else bad "json study/written/p05: $got"; fi
else
  skip "jq is not installed: the JSON tier flags cannot be read"
fi
# the Monte Carlo range brackets nothing absurd and the same seed gives the same bytes
run 0 "request mc" -- "$Y1" request "${Q[@]}" --mc 5 --format csv
cp "$T/out" "$T/mc1"
run 0 "request mc again" -- "$Y1" request "${Q[@]}" --mc 5 --format csv
same "$T/mc1" "$T/out" "Monte Carlo with a fixed seed"

# a platform without a storage block says so; the summary comes before the full report
run 0 "request without storage" -- "$Y1" request --platform "$F/campaign_platform.yaml" "${W[@]}" --mc 0
has out 'no storage block' "no tiers"
if awk '/^# y1est: allocation request/ { a = NR } /^# y1est: resource estimate/ { b = NR } END { exit !(a == 1 && b > a) }' "$T/out"
then ok; else bad "the summary is not at the top, above the report"; fi

# storage blocks are checked like the rest of the file
printf 'name: X\ncpu_factor: 1\ncores_per_node: 4\nmemory_per_node_gib: 12\nstorage:\n  tiers:\n    - name: s\n      holds: [raw, disk]\n' >"$T/p1.yaml"
expect 1 "p1\.yaml:8:20: 'holds' expects raw, working or kept, got 'disk'" -- "$Y1" request --platform "$T/p1.yaml" "${W[@]}"
printf 'name: X\ncpu_factor: 1\ncores_per_node: 4\nmemory_per_node_gib: 12\nstorage:\n  tiers:\n    - name: s\n      holds: [raw]\n      quota: 3\n' >"$T/p2.yaml"
expect 1 "p2\.yaml:9:7: unknown key 'quota'" -- "$Y1" request --platform "$T/p2.yaml" "${W[@]}"
printf 'name: X\ncpu_factor: 1\ncores_per_node: 4\nmemory_per_node_gib: 12\nstorage:\n  tiers:\n    - {name: s, holds: [raw]}\n    - {name: s, holds: [kept]}\n' >"$T/p3.yaml"
expect 1 "p3\.yaml:8:14: tier 's' given twice" -- "$Y1" request --platform "$T/p3.yaml" "${W[@]}"
printf 'name: X\ncpu_factor: 1\ncores_per_node: 4\nmemory_per_node_gib: 12\nstorage:\n  tiers:\n    - {name: s, holds: [raw], inodes: -1}\n' >"$T/p4.yaml"
expect 1 "p4\.yaml:7:39: inodes: -1 is out of range" -- "$Y1" request --platform "$T/p4.yaml" "${W[@]}"

# the shipped Perlmutter files: descriptions in the report, NERSC's quotas, the old name
run 0 "estimate on both Perlmutter files" -- "$Y1" --platform perlmutter --platform perlmutter-cpu "${W[@]:0:6}"
has out '| Perlmutter-measured-ISR | 0.5 | 128 |' "perlmutter-cpu still names the measured file"
has out 'platform: Perlmutter, perlmutter.yaml (sha256 ' "main platform line"
has out "CPU factor 1 (RTN-028 Table 3) and SDF-Rome's ISR occupancy curve borrowed" "perlmutter description"
run 0 "request on Perlmutter" -- "$Y1" request --platform perlmutter "${W[@]}" --mc 0
has out '| scratch | raw, working |' "NERSC scratch tier"
has out 'NERSC docs: Perlmutter scratch default quota 20 TB, 10 M inodes per user' "scratch source"
has out 'Community File System default 20 TB, 20 M inodes per project' "cfs source"

# --bps per ctrl_bps: requestMemory in MiB at the quantile of n. q = 0.5: assembleCoadd at
# n = 1, 1 + 1 = 2 GiB = 2048 MiB, and its n = 2 coadd (3 GiB) exceeds it: 1 of 3; the
# constant tasks 1 GiB = 1024 MiB. Default q = 1: the largest n, 3 GiB = 3072 MiB.
E=(--platform "$F/request_platform.yaml" "${W[@]:0:6}")
run 0 "bps at q = 0.5" -- "$Y1" "${E[@]}" --bps "$T/b1.yaml" --bps-quantile 0.5 --bps-multiplier 2 --bps-retries 3
tr '\n' '~' <"$T/b1.yaml" >"$T/b1.flat"
if grep -qF '  assembleCoadd:~    requestMemory: 2048~    requestCpus: 1~' "$T/b1.flat" &&
   grep -qF '  isr:~    requestMemory: 1024~    requestCpus: 1~' "$T/b1.flat" &&
   grep -qF '~memoryMultiplier: 2~numberOfRetries: 3~pipetask:~' "$T/b1.flat" &&
   grep -qF '#   assembleCoadd: 1 of 3 instances (33.3 %) exceed 2048 MiB' "$T/b1.yaml" &&
   grep -qF '0.5 quantile' "$T/b1.yaml"; then ok
else bad "bps file at q = 0.5"; cat "$T/b1.yaml"; fi
run 0 "bps at the largest n" -- "$Y1" "${E[@]}" --bps "$T/b2.yaml"
tr '\n' '~' <"$T/b2.yaml" >"$T/b2.flat"
if grep -qF '  assembleCoadd:~    requestMemory: 3072~' "$T/b2.flat" && ! grep -q 'memoryMultiplier\|numberOfRetries\|exceed' "$T/b2.yaml"
then ok; else bad "bps file at the largest n"; cat "$T/b2.yaml"; fi
expect 2 '--bps-quantile: ' -- "$Y1" "${E[@]}" --bps "$T/b3.yaml" --bps-quantile 1.5

# --format csv --table: one plain table. Table 2 on the hand workload: assembleCoadd 3 coadds,
# (1200 + 1200 + 1800) s = 1.16667 h, maxRSS max 3, mean (2 + 2 + 3) / 3 = 2.33333 GiB.
# Table 4: deepCoadd 300 MB x 3 coadds = 900000000 bytes = 9e8 / 2^40 = 0.000818545 TiB.
run 0 "csv table2" -- "$Y1" "${E[@]}" --format csv --table table2
has out 'assembleCoadd,coadd,3,1.16667,3,2.33333,2' "table2 row, plain numbers"
count 5 "table2: header and 4 tasks, nothing else" '.'
run 0 "csv table4" -- "$Y1" "${E[@]}" --format csv --table table4
has out 'assembleCoadd,deepCoadd,300,MB,coadd,3,900000000,0.000818545,false' "table4 row"
run 0 "csv, all tables" -- "$Y1" "${E[@]}" --format csv
if grep -qE '[0-9][eE][-+]?[0-9]' "$T/out"; then bad "an exponent in the csv"; grep -E '[0-9][eE][-+]?[0-9]' "$T/out" | head -3; else ok; fi
expect 2 "--table: expected table1, table2, table3 or table4, got 'table9'" -- "$Y1" "${E[@]}" --format csv --table table9
expect 2 '--table needs --format csv' -- "$Y1" "${E[@]}" --table table2

finish cli_request
