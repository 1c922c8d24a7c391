#!/bin/bash
# cli_models.sh: exit codes and messages of `y1est models ...`. $1 = path of y1est; cwd = repo root.
Y1EST=${1:?usage: cli_models.sh PATH/TO/y1est}
FX=tests/fixtures
. "$(dirname "$0")/lib.sh"
TMP=$T

run 0 "models --help" -- "$Y1EST" models --help
has out "models show" "help text"
run 2 "models without subcommand" -- "$Y1EST" models
run 2 "unknown subcommand" -- "$Y1EST" models frobnicate
has err "y1est: unknown models subcommand 'frobnicate'" "usage message"
run 0 "models show default" -- "$Y1EST" models show
has out "rtn028-dc2-3828" "default set name"
has out "measure" "measure listed"
has out "335.7 n + 2137" "measure CPU in seconds"
run 0 "models show fixture" -- "$Y1EST" models show $FX/models_ok.yaml
has out "450 n + 1800" "hours converted to seconds"
run 1 "bad key" -- "$Y1EST" models show $FX/models_bad_key.yaml
has err "y1est: $FX/models_bad_key.yaml:9:5: unknown task key 'colour'" "bad key message"
run 1 "malformed YAML" -- "$Y1EST" models show $FX/models_bad_syntax.yaml
has err "models_bad_syntax.yaml:6:1: malformed YAML" "syntax message"
run 3 "missing file" -- "$Y1EST" models show $FX/no_such_file.yaml
has err "no_such_file.yaml: cannot open" "missing file message"
run 2 "show bad option" -- "$Y1EST" models show --frob
run 2 "show two files" -- "$Y1EST" models show a.yaml b.yaml

# ---- models fit: CSV ----
run 0 "fit --help" -- "$Y1EST" models fit --help
has out "--quantile" "fit help lists options"
run 0 "fit CSV" -- "$Y1EST" models fit $FX/models_records.csv --out "$TMP/csv.yaml" --bootstrap 20 --plots "$TMP/plots"
has out "calibrate" "report lists calibrate"
has out "88.62" "calibrate 95th percentile by hand: 83 + 0.75 x 7.5 = 88.625"
has out "200 n + 2200" "measure envelope through the top points (4, 3000) and (24, 7000)"
has err "warning: measure: fitted on n in [4, 24]" "extrapolation warning"
for f in calibrate_cpu calibrate_maxrss measure_cpu measure_maxrss; do
    if [ -s "$TMP/plots/$f.png" ] && [ "$(head -c 4 "$TMP/plots/$f.png" | tail -c 3)" = "PNG" ]; then ok
    else bad "plot $f.png missing or not a PNG"; fi
done
run 0 "show fitted file" -- "$Y1EST" models show "$TMP/csv.yaml"
has out "200 n + 2200" "fitted file loads back"
# byte-identical outputs for the same inputs
run 0 "fit CSV again" -- "$Y1EST" models fit $FX/models_records.csv --out "$TMP/csv2.yaml" --bootstrap 20 --name csv
if cmp -s "$TMP/csv.yaml" "$TMP/csv2.yaml"; then ok; else bad "fit output not reproducible"; fi

# ---- models fit: task metadata (YAML + JSON tree), both CPU conventions ----
run 0 "fit metadata absolute" -- "$Y1EST" models fit $FX/models_md_tree --out "$TMP/md.yaml" --min-points 1 --bootstrap 0 --cpu run
has out "calibrate              ccd         2" "metadata: 2 calibrate records"
has out "CPU definition 'run'" "metadata: CPU definition reported"
run 1 "metadata: isr has 1 record" -- "$Y1EST" models fit $FX/models_md_tree --out "$TMP/md.yaml" --min-points 3 --bootstrap 0
has err "task 'calibrate': 2 records, need at least 3" "too few points message"
run 1 "metadata with NaN CPU" -- "$Y1EST" models fit $FX/models_md_bad/nan_cpu.json --out "$TMP/x.yaml"
has err "y1est: $FX/models_md_bad/nan_cpu.json: isr.runEndCpuTime is NaN" "NaN CPU names file and key"
run 1 "malformed metadata YAML" -- "$Y1EST" models fit $FX/models_md_bad/malformed.yaml --out "$TMP/x.yaml"
has err "malformed.yaml:6:7: malformed YAML" "YAML line and column"
run 2 "bad --cpu" -- "$Y1EST" models fit $FX/models_md_tree --cpu wall --out "$TMP/x.yaml"

# ---- models fit: Parsl monitoring.db built from SQL text ----
mkdb "$TMP/monitoring.db" < $FX/models_parsl.sql
run 0 "fit Parsl DB" -- "$Y1EST" models fit "$TMP/monitoring.db" --ids $FX/models_parsl_ids.csv --min-points 3 --bootstrap 0 --out "$TMP/parsl.yaml"
# calibrate tries: CPU 63, 32, 18.5, 31, 0 s -> 95%: 32 + 0.8 x 31 = 56.8 s;
# peaks 2.5, 1.2, 3.0, 1.5, 0.9 GB -> 2.9e9 B = 2.701 GiB; measure CPU = 300 n + 1000
has out "56.8" "Parsl CPU quantile"
has out "2.701" "Parsl RSS quantile (last post-exit sample dropped)"
has out "300 n + 1000" "Parsl envelope with n from --ids"
has err "underestimate the true peak" "sampled-peak note"
run 1 "Parsl coadd task without n" -- "$Y1EST" models fit "$TMP/monitoring.db" --min-points 3 --out "$TMP/x.yaml"
has err "task 'measure' is coadd-level but 4 of its 4 records have no n_visits" "missing n message"
mkdb "$TMP/old.db" < $FX/models_parsl_old.sql
run 1 "Parsl 1.0 DB refused" -- "$Y1EST" models fit "$TMP/old.db" --out "$TMP/x.yaml"
has err "Parsl older than 1.1" "old schema message"
mkdb "$TMP/empty.db" "CREATE TABLE x (a);"
run 1 "not a monitoring DB" -- "$Y1EST" models fit "$TMP/empty.db" --out "$TMP/x.yaml"
run 3 "missing DB" -- "$Y1EST" models fit "$TMP/nope.db" --out "$TMP/x.yaml"

# ---- models fit: usage and input errors ----
run 2 "fit without --out" -- "$Y1EST" models fit $FX/models_records.csv
run 2 "fit without input" -- "$Y1EST" models fit --out "$TMP/x.yaml"
run 2 "fit unknown format" -- "$Y1EST" models fit README.md --out "$TMP/x.yaml"
run 2 "fit bad quantile" -- "$Y1EST" models fit $FX/models_records.csv --quantile 1.5 --out "$TMP/x.yaml"
run 2 "fit bad option" -- "$Y1EST" models fit $FX/models_records.csv --frob --out "$TMP/x.yaml"
run 1 "fit NaN CSV" -- "$Y1EST" models fit $FX/models_records_nan.csv --out "$TMP/x.yaml"
has err "y1est: $FX/models_records_nan.csv:2:11: cpu_s: expected a finite number" "CSV NaN message"
run 1 "fit empty CSV" -- "$Y1EST" models fit $FX/models_records_empty.csv --out "$TMP/x.yaml"
run 3 "fit missing CSV" -- "$Y1EST" models fit $FX/nope.csv --out "$TMP/x.yaml"
run 3 "fit unwritable out" -- "$Y1EST" models fit $FX/models_records.csv --out /nonexistent-dir/m.yaml
if [ ! -e "$TMP/x.yaml" ]; then ok; else bad "failed fit left an output"; fi
# coadd ids joined with coadds.csv
run 0 "fit with --coadds" -- "$Y1EST" models fit $FX/models_records_coadd.csv --coadds $FX/models_coadds.csv --min-points 1 --level deblend=patch --bootstrap 0 --out "$TMP/cd.yaml"
has out "measure" "coadds join"

# a repeated key would silently override the first: refused with file:line:col
run 1 "duplicate key" -- "$Y1EST" models show tests/fixtures/models_bad_dupkey.yaml
has err "models_bad_dupkey.yaml:7:50: duplicate key 'value'" "duplicate key message"

finish cli_models
