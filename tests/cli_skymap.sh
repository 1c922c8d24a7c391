#!/bin/bash
# cli_skymap.sh: answers, exit codes and messages of `y1est skymap ...`. $1 = path of y1est;
# cwd = repo root. Expected numbers come from shared/reference/skymap.md, not from y1est.
Y1EST=${1:?usage: cli_skymap.sh PATH/TO/y1est}
FX=tests/fixtures
. "$(dirname "$0")/lib.sh"
TMP=$T

run 0 "help" -- "$Y1EST" skymap --help
has out "usage: y1est skymap tract ID" "help text on stdout"
run 0 "help after subcommand" -- "$Y1EST" skymap find --help

# tract 3828 (section 3 and 5 of the spec)
run 0 "tract 3828" -- "$Y1EST" skymap tract 3828
has out "ring       35 (tract 31 of 197" "ring and index"
has out "ra 56.649746193  dec -36.446280992" "centre"
has out "28000 x 28000 px" "bbox"
has out "crpix      13999.0 13999.0" "crpix"
has out "7 x 7" "patch grid"
run 0 "tract json" -- "$Y1EST" skymap tract 9813 --format json
has out '"tract":9813' "json tract"
has out '"ra":150.2479338842975' "COSMOS tract centre RA"
has out '"crpix":[13999.0,13999.0]' "json crpix"
run 0 "south cap" -- "$Y1EST" skymap tract 0
has out "south polar cap" "cap named"
run 1 "unknown tract" -- "$Y1EST" skymap tract 18938
has err "y1est: tract 18938 does not exist in sky map DC2 (0..18937)" "unknown tract message"
run 2 "tract not a number" -- "$Y1EST" skymap tract abc
has err "try 'y1est skymap --help'" "usage hint"
run 2 "tract without id" -- "$Y1EST" skymap tract

# find: the equator at RA 180 is in four tracts (section 7)
run 0 "find 180 0" -- "$Y1EST" skymap find 180 0
has out "tracts     9347 9348 9590 9591" "the four tracts"
count 4 "a patch per tract" '^patch      tract'
run 0 "find json" -- "$Y1EST" skymap find 180 0 --format=json
has out '"tracts":[9347,9348,9590,9591]' "json tracts"
# the 2-deg circle at (55, -30): 327 pairs, all 49 of tract 4638 (section 11)
run 0 "circle" -- "$Y1EST" skymap find 55 -30 --radius 2
has out "patches    327" "327 pairs"
count 49 "whole tract 4638" '^  4638 [0-6] [0-6]$'
run 0 "circle default radius" -- "$Y1EST" skymap find 55 -30 --footprint circle --format json
has out '"num_patches":327' "json count"
has out '[4638,6,6]' "json pair"
run 0 "lsstcam" -- "$Y1EST" skymap find 55 -30 --footprint lsstcam --rotation 30
has out "lsstcam, 189 CCDs, rotation 30 deg" "footprint named"
has out "patch      tract 4638  patch 1,5" "patch under the boresight"
has out "  4638 1 5" "boresight patch hit"

# bad input: exit 1 with a clear message
run 1 "RA out of range" -- "$Y1EST" skymap find 361 0
has err "y1est: RA 361 deg is out of range [0, 360]" "RA message"
run 1 "Dec out of range" -- "$Y1EST" skymap find 10 -91
has err "Dec -91 deg is out of range [-90, 90]" "Dec message"
run 1 "negative radius" -- "$Y1EST" skymap find 10 10 --radius -1
has err "radius -1 deg must be in (0, 30]" "radius message"
run 1 "malformed sky map" -- "$Y1EST" skymap tract 1 --skymap $FX/skymap_syntax.yaml
has err "skymap_syntax.yaml:5:" "file:line"
run 1 "bad sky map value" -- "$Y1EST" skymap find 1 1 --skymap $FX/skymap_bad_value.yaml
has err "skymap_bad_value.yaml:5:12: num_rings: -3 is out of range" "file:line:col"
run 3 "missing sky map" -- "$Y1EST" skymap tract 1 --skymap $FX/no_such_skymap.yaml
has err "no_such_skymap.yaml: cannot open" "missing file"
run 1 "bad camera" -- "$Y1EST" skymap find 1 1 --footprint lsstcam --camera $FX/skymap_camera_bad.yaml
has err "skymap_camera_bad.yaml:4:21:" "camera file:line:col"
run 0 "another map" -- "$Y1EST" skymap tract 1 --skymap $FX/skymap_coarse.yaml
has out "54000 x 54000 px" "coarse map box"

# bad usage: exit 2
run 2 "no subcommand" -- "$Y1EST" skymap
run 2 "unknown subcommand" -- "$Y1EST" skymap frob
has err "unknown subcommand 'frob'" "subcommand message"
run 2 "find one number" -- "$Y1EST" skymap find 10
run 2 "find not a number" -- "$Y1EST" skymap find ten 10
run 2 "unknown option" -- "$Y1EST" skymap find 10 10 --radious 2
has err "unknown option '--radious'" "option message"
run 2 "bad format" -- "$Y1EST" skymap tract 1 --format xml
run 2 "radius with lsstcam" -- "$Y1EST" skymap find 10 10 --footprint lsstcam --radius 2
run 2 "rotation without lsstcam" -- "$Y1EST" skymap find 10 10 --rotation 5
run 2 "unknown footprint" -- "$Y1EST" skymap find 10 10 --footprint hexagon
run 2 "missing value" -- "$Y1EST" skymap find 10 10 --radius

# same inputs, same bytes
capture 0 "find, first run" "$TMP/a" -- "$Y1EST" skymap find 55 -30 --footprint lsstcam --rotation 12.5 --format json
capture 0 "find, second run" "$TMP/b" -- "$Y1EST" skymap find 55 -30 --footprint lsstcam --rotation 12.5 --format json
same "$TMP/a" "$TMP/b" "same inputs, same bytes"

finish cli_skymap
