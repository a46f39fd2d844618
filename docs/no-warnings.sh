#!/bin/sh
# Run a documentation tool and fail if it fails or prints anything on
# stderr (groff, man and doxygen report warnings there).  Its stdout, the
# rendered output, is thrown away.
#
#   docs/no-warnings.sh COMMAND [ARGS...]
set -u
err=$(mktemp) || exit 99
trap 'rm -f "$err"' EXIT
"$@" >/dev/null 2>"$err"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
	cat "$err" >&2
	echo "no-warnings.sh: '$*' exited with $rc and the warnings above" >&2
	exit 1
fi
exit 0
