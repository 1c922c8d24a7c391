#!/usr/bin/env bash
# fuzz/run.sh BUILD_DIR SECONDS [TARGET...]: run each libFuzzer target for SECONDS on a corpus
# seeded from the repository's own fixtures and data (see fuzz/README.md), and print per target
# the executions, the corpus size and what was found. Exit 1 if any target found a crash.
set -uo pipefail
B=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
SECS=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
cd "$(dirname "$0")/.."
TARGETS=${*:-platform products models skymap camera pipeline metadata_yaml metadata_json \
records coadds cadence parsl}
W="$B/fuzz-work"
mkdir -p "$W"

# seeds TARGET: the files (or built databases) a target starts from
seeds() {
  local t=$1 s="$W/seeds-$t"
  rm -rf "$s"; mkdir -p "$s"
  case $t in
    platform) cp data/platforms/*.yaml tests/fixtures/platform_*.yaml tests/fixtures/node_*.yaml \
                 tests/fixtures/campaign_platform.yaml "$s/" ;;
    products) cp data/products.yaml tests/fixtures/products_*.yaml \
                 tests/fixtures/campaign_products.yaml "$s/" ;;
    models)   cp models/*.yaml tests/fixtures/models_*.yaml tests/fixtures/campaign_models.yaml "$s/" ;;
    skymap)   cp data/skymaps/*.yaml "$s/"
              for f in tests/fixtures/skymap_*.yaml; do
                case $f in *camera*) ;; *) cp "$f" "$s/" ;; esac; done ;;
    camera)   cp data/cameras/*.yaml tests/fixtures/skymap_camera_bad.yaml "$s/" ;;
    pipeline) cp data/pipelines/*.yaml "$s/" ;;
    metadata_yaml) find tests/fixtures/models_md_tree tests/fixtures/models_md_bad \
                     -name '*.yaml' -exec cp {} "$s/" \; ;;
    metadata_json) find tests/fixtures/models_md_tree tests/fixtures/models_md_bad \
                     -name '*.json' -exec cp {} "$s/" \;
                   if "$B/gen_monitoring" --out "$W/gen" >/dev/null 2>&1; then
                     find "$W/gen/metadata" -name '*.json' | head -20 | xargs -r cp -t "$s/"; fi ;;
    records)  cp tests/fixtures/models_records*.csv tests/fixtures/models_ids*.csv \
                 tests/fixtures/models_parsl_ids.csv "$s/" ;;
    coadds)   cp tests/fixtures/models_coadds.csv tests/fixtures/campaign_small*.csv "$s/"
              if [ -f tests/fixtures/validate_coadds.csv ]; then
                cp tests/fixtures/validate_coadds.csv "$s/"; fi ;;
    cadence)  for f in oneline_v2.0.db imsim_small_opsim.db imsim_small_opsim_9683.db \
                       schedview_sample_opsim_2026-05-12.db; do
                cp "tests/data/opsim/$f" "$s/"; done
              "$B/sql_fixture" "$s/synthetic.db" < tests/fixtures/provenance_synthetic.sql ;;
    parsl)    "$B/sql_fixture" "$s/parsl.db" < tests/fixtures/models_parsl.sql
              "$B/sql_fixture" "$s/parsl_old.db" < tests/fixtures/models_parsl_old.sql
              if "$B/gen_monitoring" --out "$W/gen" >/dev/null 2>&1; then
                cp "$W/gen/monitoring.db" "$s/monitoring.db"; fi ;;
    *) echo "fuzz/run.sh: unknown target '$t'" >&2; return 1 ;;
  esac
}

found=0
printf '%-14s %8s %12s %8s  %s\n' target seconds executions corpus found
for t in $TARGETS; do
  bin="$B/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz/run.sh: $bin not built (make fuzz builds it)" >&2; exit 2; }
  seeds "$t" || exit 2
  corpus="$W/corpus-$t" crashes="$W/crashes-$t"
  mkdir -p "$corpus" "$crashes"
  # a sqlite seed is tens of KB: let the database targets grow that far, the text ones less
  case $t in cadence|parsl) maxlen=400000 ;; *) maxlen=65536 ;; esac
  "$bin" -max_total_time="$SECS" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
         -max_len=$maxlen -artifact_prefix="$crashes/" "$corpus" "$W/seeds-$t" \
         >"$W/log-$t.txt" 2>&1
  rc=$?
  execs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$W/log-$t.txt" | tail -1 | grep -o '[0-9]*$')
  n=$(ls "$crashes" | wc -l)
  what="nothing"
  if [ "$rc" -ne 0 ] || [ "$n" -gt 0 ]; then
    found=1
    what="$n input(s) in $crashes: $(grep -a -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error' "$W/log-$t.txt" | cut -c1-100)"
  fi
  printf '%-14s %8s %12s %8s  %s\n' "$t" "$SECS" "${execs:-?}" "$(ls "$corpus" | wc -l)" "$what"
done
exit $found
