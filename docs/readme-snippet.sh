#!/bin/sh
# The README's "library in five calls" compiles as printed and runs:
# extract the first ```c block after that heading, build it against the
# library just built, run it, and expect "invariants S1-S5 held".
# Usage: readme-snippet.sh README CC INCLUDE_DIR LIBDLMRECOVER_SO
set -eu
README=$1 CC=$2 INC=$3 LIB=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
awk '/^## The library in five calls/ { s = 1 }
	s && /^```c$/ { c = 1; next }
	c && /^```$/ { exit }
	c' "$README" >"$T/five.c"
[ -s "$T/five.c" ] || { echo "no C block after '## The library in five calls'"; exit 1; }
"$CC" -std=c11 -Wall -Wextra -Werror -I"$INC" -o "$T/five" "$T/five.c" \
	"$LIB" -Wl,-rpath,"$(dirname "$LIB")"
"$T/five" >"$T/out"
tail -n 1 "$T/out"
[ "$(tail -n 1 "$T/out")" = "invariants S1-S5 held" ]
grep -q '^node 2: crash$' "$T/out"
