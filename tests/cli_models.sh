#!/bin/bash
# cli_models.sh: exit codes and messages of `y1est models ...`. $1 = path of y1est; cwd = repo root.
Y1EST=${1:?usage: cli_models.sh PATH/TO/y1est}
FX=tests/fixtures
TMP=$(mktemp -d /tmp/y1mdlcli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0; fail=0

# expect CODE DESCRIPTION -- command...: runs it, checks the exit code, keeps stdout/stderr
expect() {
    local want=$1 what=$2; shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?
    if [ "$got" -eq "$want" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  stderr: /' "$TMP/err"; fi
}
# has FILE TEXT DESCRIPTION: FILE (out|err) contains TEXT
has() {
    if grep -qF -- "$2" "$TMP/$1"; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: $3: $1 lacks '$2'"; sed 's/^/  /' "$TMP/$1" | head -5; fi
}

expect 0 "models --help" -- "$Y1EST" models --help
has out "models show" "help text"
expect 2 "models without subcommand" -- "$Y1EST" models
expect 2 "unknown subcommand" -- "$Y1EST" models frobnicate
has err "y1est: unknown models subcommand 'frobnicate'" "usage message"
expect 0 "models show default" -- "$Y1EST" models show
has out "rtn028-dc2-3828" "default set name"
has out "measure" "measure listed"
has out "335.7 n + 2137" "measure CPU in seconds"
expect 0 "models show fixture" -- "$Y1EST" models show $FX/models_ok.yaml
has out "450 n + 1800" "hours converted to seconds"
expect 1 "bad key" -- "$Y1EST" models show $FX/models_bad_key.yaml
has err "y1est: $FX/models_bad_key.yaml:9:5: unknown task key 'colour'" "bad key message"
expect 1 "malformed YAML" -- "$Y1EST" models show $FX/models_bad_syntax.yaml
has err "models_bad_syntax.yaml:6:1: malformed YAML" "syntax message"
expect 3 "missing file" -- "$Y1EST" models show $FX/no_such_file.yaml
has err "no_such_file.yaml: cannot open" "missing file message"
expect 2 "show bad option" -- "$Y1EST" models show --frob
expect 2 "show two files" -- "$Y1EST" models show a.yaml b.yaml

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
