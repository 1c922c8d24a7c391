#!/usr/bin/env bash
# cli_install.sh: `cmake --install` of the build y1est came from into a temporary prefix; the
# installed copy, moved elsewhere and run from an unrelated directory, finds its data beside
# itself (never the source tree), honours Y1_DATADIR and --datadir; the man page renders; the
# bash completion completes; no arguments prints the usage; the progress line is terminal-only.
# Usage: tests/cli_install.sh path/to/y1est   (run from the repository root)
set -u
Y1=${1:?usage: cli_install.sh path/to/y1est}
. "$(dirname "$0")/lib.sh"
SRC=$(pwd)
BUILD=$(cd "$(dirname "$Y1")" && pwd)
F=$SRC/tests/fixtures
WORK=(--workload "$F/campaign_small.csv" --models "$F/campaign_models.yaml"
      --products "$F/campaign_products.yaml")

# -- install into a prefix, then move the whole prefix: only paths relative to the binary work
run 0 "cmake --install" -- cmake --install "$BUILD" --prefix "$T/prefix"
mv "$T/prefix" "$T/moved"
P=$T/moved
for f in bin/y1est share/y1est/platforms/perlmutter.yaml share/y1est/skymaps/dc2.yaml \
         share/y1est/cameras/lsstcam.yaml share/y1est/products.yaml \
         share/y1est/models/rtn028-dc2-3828.yaml share/man/man1/y1est.1 \
         share/bash-completion/completions/y1est; do
  if [ -f "$P/$f" ]; then ok; else bad "installed tree lacks $f"; fi
done
mkdir -p "$T/elsewhere"
cd "$T/elsewhere" || exit 1

# the installed binary with its own data: platform by bare name, the default models
expect 0 '\| Perlmutter \| 1 \| 128 \| 512 \| 10 \|' -- "$P/bin/y1est" --platform perlmutter "${WORK[@]}"
expect 0 'rtn028-dc2-3828' -- "$P/bin/y1est" models show
# take its data away: it must fail naming the installed data directory, not fall back to the
# source tree (which is still there and would give the same answer)
mv "$P/share/y1est" "$P/share/y1est.away"
expect 3 "moved/bin/\.\./share/y1est/platforms" -- "$P/bin/y1est" --platform perlmutter "${WORK[@]}"
# ... and Y1_DATADIR / --datadir point it at a data directory of the user's choice
cp -r "$P/share/y1est.away" "$T/mydata"
sed 's/^name: Perlmutter$/name: MySite/' "$T/mydata/platforms/perlmutter.yaml" >"$T/mydata/platforms/mysite.yaml"
expect 0 '\| MySite \| 1 \| 128 \|' -- env Y1_DATADIR="$T/mydata" "$P/bin/y1est" --platform mysite "${WORK[@]}"
expect 0 '\| MySite \| 1 \| 128 \|' -- "$P/bin/y1est" --platform mysite "${WORK[@]}" --datadir "$T/mydata"
expect 0 '\| MySite \| 1 \| 128 \|' -- "$P/bin/y1est" --datadir="$T/mydata" --platform mysite "${WORK[@]}"
# --datadir wins over Y1_DATADIR
expect 0 '\| MySite \|' -- env Y1_DATADIR="$T/nowhere" "$P/bin/y1est" --datadir "$T/mydata" --platform mysite "${WORK[@]}"
expect 2 'datadir needs a directory' -- "$P/bin/y1est" --platform mysite --datadir
# the Figure 2 overlay of visits_per_patch.png is read from the data directory by the figure's one reader:
# a bad value there is an error naming its place, a data directory without the file no overlay
sed '3s/^2,0.0205,0.0147,/2,0.0205,1.47,/' "$T/mydata/rtn028/fig2_digitized.csv" >"$T/fig2.csv"
mv "$T/fig2.csv" "$T/mydata/rtn028/fig2_digitized.csv"
expect 1 'fig2_digitized.csv:3:10: g: 1.47 is out of range \[0, 1\]' -- \
  "$P/bin/y1est" --datadir "$T/mydata" --platform mysite "${WORK[@]}" --out "$T/fig2bad"
rm "$T/mydata/rtn028/fig2_digitized.csv"
expect 0 '' -- "$P/bin/y1est" --datadir "$T/mydata" --platform mysite "${WORK[@]}" --out "$T/fig2none"
if [ -s "$T/fig2none/visits_per_patch.png" ]; then ok; else bad "no visits_per_patch.png without the digitised figure"; fi
mv "$P/share/y1est.away" "$P/share/y1est"

# -- no arguments: the usage on stderr, nothing on stdout, exit 2 (bad usage)
run 2 "no arguments" -- "$P/bin/y1est"
has err 'usage: y1est' "no-argument usage"
if [ -s "$T/out" ]; then bad "no arguments: stdout not empty"; else ok; fi

# -- the man page
if command -v man >/dev/null 2>&1; then
  expect 0 'y1est - estimate the computing' -- env MANWIDTH=100 man -l "$P/share/man/man1/y1est.1"
  has out 'EXIT STATUS' "man page sections"
elif command -v groff >/dev/null 2>&1; then
  expect 0 'EXIT STATUS' -- groff -man -Tutf8 "$P/share/man/man1/y1est.1"
else
  skip "neither man nor groff here to render the man page"
fi
# the page names every subcommand the usage names
for sub in $("$P/bin/y1est" --help | sed -nE 's/^(usage:)? *y1est ([a-z][a-z-]*).*/\2/p'); do
  if sed 's/\\-/-/g' "$P/share/man/man1/y1est.1" | grep -q "^\.B $sub"; then ok; else bad "man page lacks $sub"; fi
done

# -- bash completion: subcommands, second-level commands, options read from --help
complete_words() { # words... -> COMPREPLY of the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _y1est; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$P/share/bash-completion/completions/y1est" "$@"
}
expect 0 '^campaign$' -- complete_words "$P/bin/y1est" ca
has out 'cadence' "completion of 'ca'"
expect 0 '^estimate$' -- complete_words "$P/bin/y1est" e
expect 0 '^synth$' -- complete_words "$P/bin/y1est" cadence sy
expect 0 '^--mc-rotations$' -- complete_words "$P/bin/y1est" campaign --mc
expect 0 '^--footprint$' -- complete_words "$P/bin/y1est" --platform x --foot
expect 0 '^--quantile$' -- complete_words "$P/bin/y1est" models fit --qu
expect 0 '^lsstcam$' -- complete_words "$P/bin/y1est" --footprint l
# every option `estimate --help` lists completes
"$P/bin/y1est" estimate --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$T/opts"
complete_words "$P/bin/y1est" -- >"$T/comp" 2>/dev/null
complete_words "$P/bin/y1est" --p >>"$T/comp"
complete_words "$P/bin/y1est" --f >>"$T/comp"
if grep -qx -- '--platform' "$T/comp" && grep -qx -- '--footprint' "$T/comp" && grep -qx -- '--format' "$T/comp"; then ok
else bad "completion of --p/--f lacks --platform, --footprint or --format"; sed 's/^/  /' "$T/comp"; fi

# -- progress: nothing when stderr is not a terminal; a line on a terminal, none with --quiet
CAMP=(campaign --platform "$F/campaign_platform.yaml" --nodes 1 "${WORK[@]}" --resolution 0.5 --mc 3)
run 0 "campaign --mc 3, stderr to a file" -- "$P/bin/y1est" "${CAMP[@]}"
if grep -q 'Monte Carlo samples' "$T/err"; then bad "progress printed to a non-terminal"; else ok; fi
if command -v script >/dev/null 2>&1; then
  # script(1) gives the command a terminal; its transcript holds what the terminal showed
  script -qec "$(printf '%q ' "$P/bin/y1est" "${CAMP[@]}") >/dev/null" "$T/tty.log" >/dev/null 2>&1
  if grep -q 'y1est: Monte Carlo samples [0-9]*%' "$T/tty.log"; then ok
  else bad "no progress line on a terminal"; sed 's/^/  | /' "$T/tty.log" | head -5; fi
  script -qec "$(printf '%q ' "$P/bin/y1est" --quiet "${CAMP[@]}") >/dev/null" "$T/tty2.log" >/dev/null 2>&1
  if grep -q 'Monte Carlo samples' "$T/tty2.log"; then bad "progress line despite --quiet"; else ok; fi
else
  skip "script(1) is not installed: the terminal progress line cannot be checked"
fi

finish cli_install
