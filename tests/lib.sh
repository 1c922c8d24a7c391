# lib.sh: the checks shared by the CLI test scripts (sourced, not run). Each script sets up
# $T (a scratch directory) before sourcing nothing else; the checks count into pass and fail,
# and `finish NAME` prints "NAME: N passed, N failed" and sets the exit status.
T=$(mktemp -d "${TMPDIR:-/tmp}/y1cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN -- command...: the exit code is CODE and stdout+stderr match the extended
# regex PATTERN (empty: no check)
expect() {
  local want=$1 pat=$2; shift 2; [ "$1" = "--" ] && shift
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -ne "$want" ]; then
    bad "exit $got, expected $want: $*"; sed 's/^/  | /' "$T/err" | head -5; return
  fi
  if [ -n "$pat" ] && ! grep -Eq -- "$pat" "$T/out" "$T/err"; then
    bad "output lacks /$pat/: $*"; sed 's/^/  | /' "$T/out" "$T/err" | head -8; return
  fi
  ok
}

# run CODE WHAT -- command...: check the exit code only, keep stdout and stderr in $T
run() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -eq "$want" ]; then ok
  else bad "$what: exit $got, expected $want"; sed 's/^/  stderr: /' "$T/err"; fi
}

# has out|err TEXT WHAT: the saved stream of the last run/expect contains TEXT (fixed string)
has() {
  if grep -qF -- "$2" "$T/$1"; then ok
  else bad "$3: $1 lacks '$2'"; sed 's/^/  /' "$T/$1" | head -5; fi
}

# count N WHAT REGEX: stdout of the last run has N lines matching REGEX
count() {
  local got; got=$(grep -cE -- "$3" "$T/out")
  if [ "$got" -eq "$1" ]; then ok
  else bad "$2: $got lines match '$3', expected $1"; fi
}

finish() {
  echo "${1:+$1: }$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
