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

finish cli_hostile
