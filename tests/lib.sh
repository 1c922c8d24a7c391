# lib.sh: the checks shared by the CLI test scripts (sourced after the script has read its
# arguments; $1 is still the path of y1est). It makes $T (a scratch directory); the checks count
# into pass, fail and skip, and `finish NAME` prints "NAME: N passed, N failed, N skipped" and
# sets the exit status: 0, 1 on any failure, else 77 (ctest's SKIP_RETURN_CODE) when a check
# could not run, so ctest reports the script as skipped and the log gives the reason.
T=$(mktemp -d "${TMPDIR:-/tmp}/y1cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skipped=0 skip_reasons=

# the fixture builder built beside y1est (tests/sql_fixture.c): SQL text -> sqlite file
SQL_FIXTURE=${Y1_SQL_FIXTURE:-$(dirname "${1:-.}")/sql_fixture}

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# skip WHY: a check that cannot run here (never a silent pass)
skip() { skipped=$((skipped + 1)); skip_reasons="$skip_reasons
  skipped: $*"; echo "SKIP: $*"; }

# mkdb DB [SQL]: build a sqlite fixture from SQL text (argument or stdin); a failure is a FAIL
mkdb() {
  if "$SQL_FIXTURE" "$@" 2>"$T/mkdb.err"; then ok
  else bad "mkdb $1 (with $SQL_FIXTURE)"; sed 's/^/  | /' "$T/mkdb.err"; fi
}

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

# capture CODE WHAT FILE -- command...: as run, and keep stdout in FILE
capture() {
  local file=$3
  run "$1" "$2" -- "${@:5}"
  cp "$T/out" "$file"
}

# same FILE1 FILE2 WHAT: the two files are identical and not empty
same() {
  if [ -s "$1" ] && cmp -s "$1" "$2"; then ok
  else bad "$3: $1 and $2 differ or are empty"; fi
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
  echo "${1:+$1: }$pass passed, $fail failed, $skipped skipped$skip_reasons"
  [ "$fail" -eq 0 ] || return 1
  [ "$skipped" -eq 0 ] || return 77
}
