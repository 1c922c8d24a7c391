#!/bin/bash
# bench/run.sh BUILD_DIR: the visits x patches benchmark (README "Benchmark"). Runs the footprint
# step on y1est's synthetic 10-year cadence (made once with `y1est cadence synth --years 10`,
# kept in BUILD_DIR/bench/) for Y1 WFD and for all 10 years and programs, with the circle and the
# lsstcam footprints, and on random WFD-like pointings; then the DC2 and lsst_cells_v1 sky maps
# side by side (footprint step and the whole `y1est` run), and the exact against the
# bounding-box overlap rule. Each line: visits/s, wall time (read + overlap), peak RSS of that
# run. Use a Release build: `make bench` does.
set -euo pipefail
B=${1:?usage: bench/run.sh BUILD_DIR}
cd "$(dirname "$0")/.."
T=${BENCH_THREADS:-2}
. bench/synth_file.sh
DB=$(synth_file "$B" 10)
DB1=$(synth_file "$B" 1)
# the speed targets first: ratios to a bare read of the file (bench/ratios.sh)
./bench/ratios.sh "$B"
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); threads $T"
# Y1 WFD from a 1-year file (what `y1est` reads fastest) and from the 10-year file
for fp in circle lsstcam; do
    "$B/bench_overlap" --cadence "$DB1" --years 1 --program wfd --footprint "$fp" --threads "$T" \
        --label "Y1 WFD, 1-year file" --check
done
for fp in circle lsstcam; do
    "$B/bench_overlap" --cadence "$DB" --years 1 --program wfd --footprint "$fp" --threads "$T" \
        --label "Y1 WFD, 10-year file"
done
for fp in circle lsstcam; do
    "$B/bench_overlap" --cadence "$DB" --years 10 --program all --footprint "$fp" --threads "$T" \
        --label "10 years, all programs"
done
for fp in circle lsstcam; do
    "$B/bench_overlap" --random 175000 --footprint "$fp" --threads "$T" --label "random 175k"
done

# The two sky maps side by side: Y1 WFD, circle, exact rule, alternating so that a busy machine
# slows both alike. The cells map has about twice the patches of DC2 (10 x 10 of 3000 px per
# tract against 7 x 7 of 4000 px); its target is at most 1.5x DC2's time.
CELLS=data/skymaps/lsst_cells_v1.yaml DC2=data/skymaps/dc2.yaml
for rep in 1 2 3; do
    for map in "$DC2" "$CELLS"; do
        "$B/bench_overlap" --cadence "$DB1" --years 1 --program wfd --footprint circle \
            --skymap "$map" --threads "$T" --label "Y1 WFD, maps #$rep"
    done
done
# the whole main job (cadence, overlaps, models, tables, plots), default output to /dev/null
# (wall, and user + system CPU, which a loaded machine disturbs less)
TIMEFORMAT="%R %U %S"
for rep in 1 2 3; do
    for map in dc2 lsst_cells_v1; do
        s=$( { time "$B/y1est" --platform perlmutter --skymap "$map" >/dev/null; } 2>&1 )
        read -r wall usr sys <<<"$s"
        echo "y1est --platform perlmutter --skymap $map (#$rep): wall $wall s  cpu $(awk -v a="$usr" -v b="$sys" 'BEGIN { print a + b }') s"
    done
done
# The overlap rules on the same visits: exact (the default) against the LSST stack's bounding box
for prog in wfd all; do
    for fp in circle lsstcam; do
        for ov in exact bbox; do
            "$B/bench_overlap" --cadence "$DB1" --years 1 --program "$prog" --footprint "$fp" \
                --skymap "$CELLS" --overlap "$ov" --threads "$T" --label "Y1 $prog, rules"
        done
    done
done
