# Shared by the dlmctl command-line tests; sourced with the script's
# arguments, of which the first is the dlmctl to test.  Sets $T (a
# temporary directory, removed on exit), $DLMCTL (that dlmctl, run under
# $DLMCTL_WRAP if set, e.g. valgrind), the counters $pass and $fail, and
# the checks below.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${DLMCTL_WRAP:-}" "$1" >"$T/dlmctl"
chmod +x "$T/dlmctl"
DLMCTL=$T/dlmctl
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE DESCRIPTION -- CMD...: run CMD, stdout in $T/out, stderr in $T/err
expect() {
	code=$1; desc=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$code" ]; then ok; else
		bad "$desc: exit $rc, expected $code"; sed 's/^/  | /' "$T/err" | head -5; fi
}
has() { # FILE PATTERN DESCRIPTION
	if grep -Eq -- "$2" "$1"; then ok; else bad "$3: no /$2/ in $(basename "$1")"; fi
}
hasnot() {
	if grep -Eq -- "$2" "$1"; then bad "$3: unexpected /$2/"; else ok; fi
}
oneline() { # FILE DESCRIPTION: exactly one line on stderr
	n=$(wc -l <"$1")
	if [ "$n" -eq 1 ]; then ok; else bad "$2: $n lines on stderr"; fi
}
# usage_error FILE CMD DESCRIPTION: a usage error of `dlmctl CMD` on
# stderr: two lines, "dlmctl CMD: problem", then the one-line usage hint
usage_error() {
	n=$(wc -l <"$1")
	if [ "$n" -eq 2 ] && head -n 1 "$1" | grep -q "^dlmctl $2: " &&
	   tail -n 1 "$1" | grep -q "^Usage: dlmctl $2.* (all options: dlmctl help $2)$"; then
		ok
	else
		bad "$3: not a usage error of 'dlmctl $2' (the problem, then a usage hint):"
		sed 's/^/  | /' "$1" | head -5
	fi
}
