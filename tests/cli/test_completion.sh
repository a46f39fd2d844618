#!/bin/bash
# tools/dlmctl/completion/dlmctl: what bash completes for dlmctl, with the
# options read from dlmctl's own help.
# Usage: test_completion.sh DLMCTL COMPLETION
set -u
DLMCTL=$1
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1090
. "$2"

# comp WORDS...: COMPREPLY for the command line WORDS (the last one is
# the word being completed), one per line in $T/out
comp() {
	COMP_WORDS=("$DLMCTL" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_dlmctl "$DLMCTL" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort >"$T/out"
}
# is DESC WANT...: the completions are exactly WANT
is() {
	local d=$1
	shift
	if [ "$(cat "$T/out")" = "$(printf '%s\n' "$@" | sort)" ]; then ok; else
		bad "$d: got '$(paste -sd' ' "$T/out")', expected '$*'"
	fi
}

comp ""
is "commands" emulate explore help recover sim slots
comp s
is "commands with s" sim slots
comp recover ""
# no DLM on the test machine: watch and check only (lockspaces from sysfs)
[ -d /sys/kernel/dlm ] || { is "recover's subcommands" check watch; }
comp explore --no
is "explore --no..." --no-livelock --no-por --nodes
comp recover watch --
is "recover watch's long options" --count --help --json --klog --quiet --rcvbuf
comp recover check --inv
is "recover check --inv" --invariants
comp slots --k
is "slots --k" --klog
comp emulate --w
is "emulate --w" --write-ms
comp emulate x --source ""
is "emulate --source" cpg netlink
comp help re
is "help re" recover
comp --v
is "dlmctl --v" --version
# every long option of every command's help is offered
for c in sim explore slots recover "recover watch" "recover check" emulate; do
	# shellcheck disable=SC2086
	want=$("$DLMCTL" help $c | sed -n '/^Options:$/,/^$/p' | grep -oE -- '--[a-z-]+' | sort -u)
	# shellcheck disable=SC2086
	comp $c --
	got=$(grep -- '^--' "$T/out" | sort -u)
	[ "$want" = "$got" ] && ok || bad "$c: offered '$(echo $got)', help has '$(echo $want)'"
done
comp sim "$(dirname "$0")/../findings/slot-re"
is "sim completes scenario files" "$(dirname "$0")/../findings/slot-reset.scn"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
