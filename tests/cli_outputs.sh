#!/usr/bin/env bash
# cli_outputs.sh: outputs appear whole or not at all. A kill at any rename of an --out commit
# leaves one run's complete set; SIGINT/SIGTERM remove the staging directory, a synth target's
# temp file and the embedded cadence in $TMPDIR; a later run removes the leftovers of dead
# processes (only names of our own making); concurrent runs into one --out end with one run's
# set; a report that cannot reach stdout commits nothing.
# Usage: tests/cli_outputs.sh path/to/y1est   (run from the repository root)
set -u
Y1=${1:?usage: cli_outputs.sh path/to/y1est}
. "$(dirname "$0")/lib.sh"

F=tests/fixtures
W=$F/campaign_small.csv
# LeakSanitizer cannot run under ptrace; the runs under strace are killed anyway
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
HAVE_STRACE=1
command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null || HAVE_STRACE=0

# same DIR REF: DIR holds exactly REF's files (names and bytes), plus notes.txt when REF has it
same() {
  [ "$(cd "$1" && ls -A | sort)" = "$(cd "$2" && ls -A | sort)" ] || return 1
  local f
  for f in "$2"/*; do cmp -s "$f" "$1/${f##*/}" || return 1; done
}
# a dead PID: a process that has exited (and was reaped)
dead_pid() { sh -c 'echo $$'; }
# leftovers of ours beside and inside DIR
leftovers() { ls -A "$(dirname "$1")" "$1" 2>/dev/null | grep -E 'y1est-(stage|old)|\.tmp\.' ; }

# ---- reference sets: perlmutter writes occupancy_perlmutter.png, cori-knl does not ----
P=(perlmutter cori-knl cori-haswell sdf-rome)
mkdir -p "$T/ref"
for p in "${P[@]}"; do
  run 0 "reference $p" -- "$Y1" --platform "$p" --workload "$W" --out "$T/ref/$p"
  echo mine > "$T/ref/$p/notes.txt"   # a file of the user's: every commit keeps it
done
[ -e "$T/ref/perlmutter/occupancy_perlmutter.png" ] && [ ! -e "$T/ref/cori-knl/occupancy_perlmutter.png" ] \
  && ok || bad "reference sets do not differ as expected"

# ---- (a) the commit is one swap: a SIGKILL at the k-th rename leaves A or B, never a mix ----
if [ "$HAVE_STRACE" = 1 ]; then
  mixed=0 nold=0 nnew=0
  for n in $(seq 1 16); do
    rm -rf "$T/d"; cp -a "$T/ref/perlmutter" "$T/d"
    strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
      -e inject=rename,renameat,renameat2:signal=SIGKILL:when=$n \
      "$Y1" --platform cori-knl --workload "$W" --out "$T/d" >/dev/null 2>&1
    if same "$T/d" "$T/ref/perlmutter"; then nold=$((nold + 1))
    elif same "$T/d" "$T/ref/cori-knl"; then nnew=$((nnew + 1))
    else mixed=$((mixed + 1)); echo "  kill at rename $n leaves: $(cd "$T/d" && ls -A | tr '\n' ' ')"; fi
  done
  [ "$mixed" = 0 ] && ok || bad "a kill during the --out commit left a mix of two runs ($mixed of 16)"
  # both states were reached: the sweep did cover the switch
  [ "$nold" -gt 0 ] && [ "$nnew" -gt 0 ] && ok || bad "kill sweep: $nold old, $nnew new states"
  # the killed runs' staging directories are removed by the next run (their PIDs are dead)
  run 0 "run after the kills" -- "$Y1" --platform cori-knl --workload "$W" --out "$T/d"
  same "$T/d" "$T/ref/cori-knl" && ok || bad "run after the kills: not the new set"
  [ -z "$(leftovers "$T/d")" ] && ok || bad "leftovers after a later run: $(leftovers "$T/d" | tr '\n' ' ')"
else
  skip "strace cannot trace here: the kill sweep over the --out commit was not run"
fi

# ---- (b) SIGTERM and SIGINT clean up, then kill the process with the same signal ----
if [ "$HAVE_STRACE" = 1 ]; then
  rm -rf "$T/d"; cp -a "$T/ref/perlmutter" "$T/d"
  strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=SIGTERM:when=3 \
    "$Y1" --platform cori-knl --workload "$W" --out "$T/d" >/dev/null 2>&1
  got=$?
  [ "$got" = 143 ] && ok || bad "SIGTERM during --out: exit $got, expected 143 (killed by SIGTERM)"
  same "$T/d" "$T/ref/perlmutter" && ok || bad "SIGTERM during --out changed the directory"
  [ -z "$(leftovers "$T/d")" ] && ok || bad "SIGTERM left: $(leftovers "$T/d" | tr '\n' ' ')"

  mkdir -p "$T/syn"
  strace -f -qq -o /dev/null -e trace=pwrite64 -e inject=pwrite64:signal=SIGINT:when=3 \
    "$Y1" cadence synth --out "$T/syn/s.db" >/dev/null 2>&1
  got=$?
  [ "$got" = 130 ] && ok || bad "SIGINT during synth: exit $got, expected 130"
  [ -z "$(ls -A "$T/syn")" ] && ok || bad "SIGINT during synth left: $(ls -A "$T/syn" | tr '\n' ' ')"

  mkdir -p "$T/tmp"
  # the temporary-file path (no cache), then the cache's own write
  Y1_CACHE_DIR=off TMPDIR="$T/tmp" strace -f -qq -o /dev/null -e trace=pwrite64 \
    -e inject=pwrite64:signal=SIGTERM:when=3 "$Y1" --platform perlmutter >/dev/null 2>&1
  got=$?
  [ "$got" = 143 ] && ok || bad "SIGTERM during the embedded synthesis: exit $got, expected 143"
  [ -z "$(ls -A "$T/tmp")" ] && ok || bad "SIGTERM left in \$TMPDIR: $(ls -A "$T/tmp" | tr '\n' ' ')"
  mkdir -p "$T/cache"
  Y1_CACHE_DIR="$T/cache" TMPDIR="$T/tmp" strace -f -qq -o /dev/null -e trace=pwrite64 \
    -e inject=pwrite64:signal=SIGTERM:when=3 "$Y1" --platform perlmutter >/dev/null 2>&1
  got=$?
  [ "$got" = 143 ] && ok || bad "SIGTERM while writing the cadence cache: exit $got, expected 143"
  [ -z "$(ls -A "$T/cache" "$T/tmp" | grep -v ':$' | grep -v '^$')" ] && ok \
    || bad "SIGTERM while writing the cache left: $(ls -A "$T/cache" "$T/tmp" | tr '\n' ' ')"
else
  skip "strace cannot trace here: the signal clean-up checks were not run"
fi

# ---- (b) a later run removes leftovers of dead processes, and nothing else ----
D=$(dead_pid)
rm -rf "$T/d"; cp -a "$T/ref/perlmutter" "$T/d"
mkdir "$T/.d.y1est-stage.$D" "$T/d/.y1est-stage.$D" "$T/.d.y1est-old.$D"
echo x > "$T/.d.y1est-stage.$D/table1.csv"
echo x > "$T/d/.y1est-stage.$D/report.md"
mkdir "$T/.d.y1est-stage.$$" "$T/.d.y1est-stage.1x"   # a live process's, and not our naming
run 0 "run over leftovers" -- "$Y1" --platform cori-knl --workload "$W" --out "$T/d"
for x in "$T/.d.y1est-stage.$D" "$T/d/.y1est-stage.$D" "$T/.d.y1est-old.$D"; do
  [ ! -e "$x" ] && ok || bad "leftover of dead PID $D not removed: $x"
done
for x in "$T/.d.y1est-stage.$$" "$T/.d.y1est-stage.1x"; do
  [ -e "$x" ] && ok || bad "removed what is not a dead process's leftover: $x"
done
rmdir "$T/.d.y1est-stage.$$" "$T/.d.y1est-stage.1x"
same "$T/d" "$T/ref/cori-knl" && ok || bad "run over leftovers: not the new set"
if [ "$HAVE_STRACE" = 1 ]; then
  mkdir -p "$T/syn2" "$T/tmp2"
  echo x > "$T/syn2/s.db.tmp.$D"; echo x > "$T/syn2/s.db.tmp.$$"; echo x > "$T/syn2/t.db.tmp.$D"
  echo x > "$T/tmp2/y1est-synth.$D.abcdef"; echo x > "$T/tmp2/y1est-synth.$D.abcdef.tmp.$D"
  echo x > "$T/tmp2/y1est-synth.$$.abcdef"; echo x > "$T/tmp2/y1est-synth-abcdef"
  # killed at once after opening: the sweep happens at open
  strace -f -qq -o /dev/null -e trace=pwrite64 -e inject=pwrite64:signal=SIGKILL:when=1 \
    "$Y1" cadence synth --out "$T/syn2/s.db" >/dev/null 2>&1
  Y1_CACHE_DIR=off TMPDIR="$T/tmp2" strace -f -qq -o /dev/null -e trace=pwrite64 \
    -e inject=pwrite64:signal=SIGKILL:when=1 "$Y1" --platform perlmutter >/dev/null 2>&1
  [ ! -e "$T/syn2/s.db.tmp.$D" ] && ok || bad "synth left a dead process's s.db.tmp.$D"
  [ -e "$T/syn2/s.db.tmp.$$" ] && [ -e "$T/syn2/t.db.tmp.$D" ] && ok \
    || bad "synth removed a live process's temp file or another target's"
  [ ! -e "$T/tmp2/y1est-synth.$D.abcdef" ] && [ ! -e "$T/tmp2/y1est-synth.$D.abcdef.tmp.$D" ] && ok \
    || bad "the embedded cadence's leftovers of a dead process stay in \$TMPDIR"
  [ -e "$T/tmp2/y1est-synth.$$.abcdef" ] && [ -e "$T/tmp2/y1est-synth-abcdef" ] && ok \
    || bad "removed from \$TMPDIR what is not a dead process's leftover"
else
  skip "strace cannot trace here: the synth leftover sweeps were not run"
fi

# ---- (c) four runs into one --out at once end with one run's whole set ----
for round in 1 2 3; do
  rm -rf "$T/c"; cp -a "$T/ref/perlmutter" "$T/c"
  pids=
  for p in "${P[@]}"; do
    "$Y1" --platform "$p" --workload "$W" --out "$T/c" >/dev/null 2>"$T/c.$p.err" & pids="$pids $!"
  done
  codes=
  for pid in $pids; do wait "$pid"; codes="$codes$?"; done
  [ "$codes" = 0000 ] && ok || bad "round $round: concurrent runs exited $codes"
  one=0
  for p in "${P[@]}"; do same "$T/c" "$T/ref/$p" && one=1; done
  [ "$one" = 1 ] && ok || bad "round $round: four runs left a mix: $(cd "$T/c" && ls -A | tr '\n' ' ')"
  [ -z "$(leftovers "$T/c")" ] && ok || bad "round $round: leftovers $(leftovers "$T/c" | tr '\n' ' ')"
done

# ---- (d) a report that cannot reach stdout commits no output ----
if [ -w /dev/full ]; then
  printf 'task,cpu_s,maxrss_gib,n_visits\nisr,10.5,1.25,1\nisr,11.5,1.5,1\nisr,12.5,1.75,1\n' > "$T/r.csv"
  "$Y1" models fit "$T/r.csv" --out "$T/fit.yaml" --min-points 1 >/dev/full 2>"$T/err"; got=$?
  [ "$got" = 3 ] && ok || bad "models fit to /dev/full: exit $got, expected 3"
  grep -q 'standard output: write error' "$T/err" && ok || bad "models fit: no stdout message"
  [ -z "$(ls "$T" | grep fit.yaml)" ] && ok || bad "models fit wrote --out although stdout failed"
  "$Y1" --platform perlmutter --workload "$W" --out "$T/full" >/dev/full 2>/dev/null; got=$?
  [ "$got" = 3 ] && [ ! -e "$T/full" ] && ok || bad "estimate to /dev/full: exit $got, --out made"
  "$Y1" campaign --platform $F/campaign_platform.yaml --workload "$W" --models $F/campaign_models.yaml \
    --products $F/campaign_products.yaml --nodes 1 --out "$T/cfull" >/dev/full 2>/dev/null; got=$?
  [ "$got" = 3 ] && [ ! -e "$T/cfull" ] && ok || bad "campaign to /dev/full: exit $got, --out made"
  # the control: the same fit with a working stdout writes its file
  expect 0 '' -- "$Y1" models fit "$T/r.csv" --out "$T/fit.yaml" --min-points 1
  [ -s "$T/fit.yaml" ] && ok || bad "models fit did not write fit.yaml"
else
  skip "/dev/full is missing: the stdout-failure checks were not run"
fi

finish cli_outputs
