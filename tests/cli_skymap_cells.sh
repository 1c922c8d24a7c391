#!/bin/bash
# cli_skymap_cells.sh: the lsst_cells_v1 sky map and the --overlap rule on the command line:
# answers, exit codes and messages. $1 = path of y1est; cwd = repo root. Expected numbers come
# from shared/reference/skymap-cells.md and skymap.md, not from y1est.
Y1EST=${1:?usage: cli_skymap_cells.sh PATH/TO/y1est}
FX=tests/fixtures
. "$(dirname "$0")/lib.sh"

# tract 3828 on the cells map: the DC2 tract, 10 x 10 patches of 3000 px, CRPIX 14999
run 0 "cells tract" -- "$Y1EST" skymap tract 3828 --skymap lsst_cells_v1
has out "skymap     lsst_cells_v1" "map named"
has out "ring       35 (tract 31 of 197" "same ring and index as DC2"
has out "ra 56.649746193  dec -36.446280992" "same centre as DC2"
has out "30000 x 30000 px" "tract box"
has out "crpix      14999.0 14999.0" "crpix"
has out "10 x 10  (inner 3000 px, border 200 px" "patch grid"
run 0 "cells tract json" -- "$Y1EST" skymap tract 9813 --skymap lsst_cells_v1 --format json
has out '"patch_grid":[10,10]' "json grid"
has out '"crpix":[14999.0,14999.0]' "json crpix"
has out '"ra":150.2479338842975' "COSMOS tract centre RA"
run 0 "name case" -- "$Y1EST" skymap tract 3828 --skymap DC2
has out "28000 x 28000 px" "DC2 by name"
run 0 "map by file" -- "$Y1EST" skymap tract 3828 --skymap data/skymaps/lsst_cells_v1.yaml
has out "30000 x 30000 px" "cells by file"

# the done-when line: the (tract, patch) pairs of a 2-deg circle, as JSON; tract 4638 lies wholly
# inside the circle at (55, -30), so all 100 of its patches are listed
run 0 "cells find json" -- "$Y1EST" skymap find 55 -30 --skymap lsst_cells_v1 --radius 2 --format json
has out '"skymap":"lsst_cells_v1"' "map in json"
has out '"overlap":"exact"' "exact rule is the default"
got=$(grep -oE '\[4638,[0-9],[0-9]\]' "$T/out" | sort -u | wc -l)
[ "$got" -eq 100 ] && ok || bad "whole tract 4638: $got distinct patches, expected 100"
n_exact=$(grep -oE '"num_patches":[0-9]+' "$T/out" | cut -d: -f2)
run 0 "cells find bbox" -- "$Y1EST" skymap find 55 -30 --skymap lsst_cells_v1 --radius 2 --overlap bbox --format json
has out '"overlap":"bbox"' "bbox named"
n_bbox=$(grep -oE '"num_patches":[0-9]+' "$T/out" | cut -d: -f2)
# a circle's pixel box holds the circle: more pairs, never fewer
[ -n "$n_exact" ] && [ -n "$n_bbox" ] && [ "$n_bbox" -gt "$n_exact" ] && ok \
    || bad "bbox pairs ($n_bbox) should exceed exact pairs ($n_exact)"
run 0 "cells lsstcam bbox" -- "$Y1EST" skymap find 55 -30 --skymap lsst_cells_v1 --footprint lsstcam --rotation 30 --overlap bbox
has out "lsstcam, 189 CCDs, rotation 30 deg, bounding-box rule" "footprint and rule named"

# bad usage (2), bad file (1), unreadable file (3)
run 2 "unknown map name" -- "$Y1EST" skymap tract 1 --skymap lsst_cells_v9
has err "unknown sky map 'lsst_cells_v9' (known: dc2, lsst_cells_v1" "names the known maps"
has err "try 'y1est skymap --help'" "usage hint"
run 2 "bad overlap" -- "$Y1EST" skymap find 55 -30 --radius 2 --overlap fuzzy
has err "--overlap: expected exact or bbox, got 'fuzzy'" "overlap message"
run 2 "overlap without footprint" -- "$Y1EST" skymap find 55 -30 --overlap bbox
run 1 "malformed map file" -- "$Y1EST" skymap tract 1 --skymap $FX/skymap_cells.yaml
has err "skymap_cells.yaml:11:1: 'patch_inner_px' does not apply to tract_builder cells" "file:line:col"
run 3 "missing map file" -- "$Y1EST" skymap tract 1 --skymap $FX/no_such_map.yaml
has err "no_such_map.yaml: cannot open" "missing file named"

# the main job: a short selection runs on the cells map; --skymap dc2 changes nothing
run 2 "estimate unknown map" -- "$Y1EST" --platform perlmutter --skymap hexagons
has err "unknown sky map 'hexagons'" "estimate names the map"
run 2 "estimate bad overlap" -- "$Y1EST" --platform perlmutter --overlap sometimes
run 0 "estimate default" -- "$Y1EST" --platform perlmutter --nights 0:1
cp "$T/out" "$T/default.md"
run 0 "estimate dc2 by name" -- "$Y1EST" --platform perlmutter --nights 0:1 --skymap dc2
cmp -s "$T/out" "$T/default.md" && ok || bad "--skymap dc2 changed the default report"
run 0 "estimate cells bbox" -- "$Y1EST" --platform perlmutter --nights 0:1 --skymap lsst_cells_v1 --overlap bbox
has out "lsst_cells_v1.yaml" "cells map in the report"
has out "bounding-box rule" "rule in the report"

# a workload with patch 9 exists on the cells map, not on DC2 (7 x 7)
printf '# visits: 2\nband,tract,patch_x,patch_y,num_visits\nr,3828,9,9,2\nr,3828,0,0,1\n' > "$T/w.csv"
run 1 "patch 9 on DC2" -- "$Y1EST" --platform perlmutter --workload "$T/w.csv"
has err "coadd tract 3828 patch 9,9 is not in sky map DC2" "workload checked against DC2"
run 0 "patch 9 on cells" -- "$Y1EST" --platform perlmutter --workload "$T/w.csv" --skymap lsst_cells_v1

finish cli_skymap_cells
