# bench/synth_file.sh, sourced by bench/ratios.sh and bench/run.sh: the synthetic cadences the
# benchmarks read, kept in BUILD_DIR/bench/ and named by a digest of the generator's sources,
# so a changed generator is never measured on a file the old one wrote.
# synth_file BUILD_DIR YEARS: prints the path of the YEARS-year file, writing it once (and
# removing the files an older generator wrote).
synth_file() {
    local b=$1 years=$2 sv db
    sv=$(cat cadence/synth*.c cadence/synth*.h | sha256sum | cut -c1-12)
    db=$b/bench/synth$years-$sv.db
    mkdir -p "$b/bench"
    if [ ! -s "$db" ]; then
        echo "bench: writing the synthetic $years-year cadence to $db (once)" >&2
        rm -f "$b"/bench/synth"$years"-*.db "$b"/bench/synth"$years".db
        "$b/y1est" cadence synth --out "$db" --years "$years" >&2
    fi
    echo "$db"
}
