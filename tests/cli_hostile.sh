#!/bin/bash
# cli_hostile.sh: what a hostile user can hand the command line (alias cycles, FIFOs, corrupt
# databases, disguised numbers, oversized files): exit codes and messages. $1 = path of y1est.
Y1EST=${1:?usage: cli_hostile.sh PATH/TO/y1est}
. "$(dirname "$0")/lib.sh"

# ---- task metadata whose alias points back into the node it anchors ----
mkdir -p "$T/tree/run/calibrate_metadata"
cat > "$T/tree/run/calibrate_metadata/cycle.yaml" <<'YAML'
--- !<lsst.daf.base.PropertySet>
- [calibrate, PropertySet, &a !<lsst.daf.base.PropertySet> [[sub, PropertySet, *a]]]
YAML
expect 1 "cycle.yaml:2:28: .*alias to itself" -- \
    "$Y1EST" models fit "$T/tree/run/calibrate_metadata/cycle.yaml" --out "$T/x.yaml"
expect 1 "cycle.yaml:2:28: .*alias to itself" -- "$Y1EST" models fit "$T/tree" --out "$T/x.yaml"
[ -e "$T/x.yaml" ] && bad "a failed fit wrote its --out file" || ok

# ---- numbers that used to be read silently wrong ----
cat > "$T/v.json" <<'JSON'
{"scalars": {}, "arrays": {}, "metadata": {"isr": {"scalars": {"__version__": "1"},
 "arrays": {"runEndCpuTime": [12.5], "runEndMaxResidentSetSize": [4831838208]}, "metadata": {}}}}
JSON
expect 1 "v.json: isr.__version__ must be a non-negative integer" -- \
    "$Y1EST" models fit "$T/v.json" --out "$T/x.yaml" --min-points 1
printf 'task,cpu_s,maxrss_gib,n_visits\nmeasure,10.5,1.25,4\nmeasure,11.5,1.5,5,7\n' > "$T/r.csv"
expect 1 "r.csv:3: 5 fields, but the header has 4 columns" -- \
    "$Y1EST" models fit "$T/r.csv" --out "$T/x.yaml"
printf 'task,cpu_s,maxrss_gib,n_visits\nmeasure,10.5,1.25,1e20\n' > "$T/r.csv"
expect 1 "r.csv:2: n_visits must be at most 100000" -- \
    "$Y1EST" models fit "$T/r.csv" --out "$T/x.yaml"
printf 'band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\000,9\n' > "$T/coadds.csv"
expect 1 "coadds.csv:2:10: NUL byte" -- \
    "$Y1EST" --platform perlmutter --workload "$T/coadds.csv"
printf 'band,tract,patch_x,patch_y,num_visits\ng,1,2,3,4\nr,1,2,3,4\ng,1,2,3,4\n' > "$T/coadds.csv"
expect 1 "coadds.csv:4: coadd band g tract 1 patch 2,3 appears twice \\(first on line 2\\)" -- \
    "$Y1EST" --platform perlmutter --workload "$T/coadds.csv"

finish cli_hostile
