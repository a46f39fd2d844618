#!/bin/sh
# docs/dlmctl.8 cannot drift from dlmctl's help, nor the help from the
# sources.  Usage: test_manpage.sh DLMCTL MANPAGE TOOLS_DIR
#
#  - the commands of `dlmctl help` are those with a section under
#    COMMANDS in the man page (.SS "dlmctl CMD ...") and an "Options of
#    CMD" section under OPTIONS, no more and no fewer;
#  - each command's options in its help ("Options:", lines starting with
#    "  -") are those of its "Options of CMD" section (the .TP tags), and
#    dlmctl's own those of "Global options";
#  - `dlmctl help CMD` and `dlmctl CMD --help` print the same text;
#  - every long option in the command's getopt table (TOOLS_DIR/*.c) is in
#    its help, and the reverse.
set -u
MAN=$2
TOOLS=$3
. "$(dirname "$0")/lib.sh"

# words: one per line, sorted, unique
words() { tr ' ' '\n' | sed '/^$/d' | sort -u; }

# same LIST1 LIST2 WHAT: the two lists (one word a line) are equal
same() {
	if [ "$1" = "$2" ]; then ok; else
		bad "$3"
		printf '%s\n' "$1" >"$T/a"; printf '%s\n' "$2" >"$T/b"
		diff "$T/a" "$T/b" | sed -n 's/^[<>]/  &/p'
	fi
}

# help_options TEXT: the options of a help text's "Options:" section
help_options() {
	printf '%s\n' "$1" | sed -n '/^Options:$/,/^$/p' | grep '^  -' |
		sed 's/^  //; s/  .*//' | tr ',' '\n' |
		sed 's/^ *//; s/ .*//; s/\[*=.*//' | words
}

# The man page with roff's \- as plain -.
sed 's/\\-/-/g' "$MAN" >"$T/man"

# man_section TITLE: the lines of the .SS section TITLE, up to the next
man_section() {
	awk -v t=".SS \"$1\"" '$0 == t { on = 1; next }
		/^\.S[SH] / { on = 0 } on' "$T/man"
}

# man_options TITLE: the options in the .TP tags of section TITLE
man_options() {
	man_section "$1" | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
		grep -oE '(^|[ "])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ "]//' | words
}

# --- the commands --------------------------------------------------------
expect 0 "dlmctl help" -- "$DLMCTL" help
cp "$T/out" "$T/main"
cmds=$(sed -n '/^Commands/,/^$/p' "$T/main" | grep '^  [a-z]' |
	sed 's/^  //; s/  .*//' | sort)
[ -n "$cmds" ] && ok || bad "no commands in dlmctl help"
man_cmds=$(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH / { on = 0 }
	on && /^\.SS "dlmctl / { sub(/^\.SS "dlmctl /, ""); n = split($0, w, " ");
	c = ""; for (i = 1; i <= n && w[i] ~ /^[a-z]+$/; i++) c = c (c ? " " : "") w[i];
	print c }' "$T/man" | sort -u)
same "$cmds" "$man_cmds" "commands of 'dlmctl help' (<) against the man page's COMMANDS sections (>)"
opt_cmds=$(sed -n 's/^\.SS "Options of \(.*\)"$/\1/p' "$T/man" | sort)
same "$cmds" "$opt_cmds" "commands of 'dlmctl help' (<) against the man page's 'Options of' sections (>)"

# --- dlmctl's own options ----------------------------------------------------
same "$(help_options "$(cat "$T/main")")" "$(man_options "Global options")" \
	"options of 'dlmctl help' (<) against the man page's Global options (>)"

# --- each command ------------------------------------------------------------
# getopt_long tables: function -> long options (awk over the sources)
awk 'FNR == 1 { fn = "" }
	/^(static )?int [a-z_]+\(/ { fn = $0; sub(/\(.*/, "", fn); sub(/.* /, "", fn) }
	/\{ "[a-z-]+", (no|required|optional)_argument/ { o = $0; sub(/.*\{ "/, "", o);
		sub(/".*/, "", o); print fn, "--" o }' "$TOOLS"/*.c >"$T/getopt"
# the function that parses each command's options (tools/dlmctl/args.c)
source_fn() {
	case $1 in
	sim) echo dlmctl_sim_args ;;
	explore) echo dlmctl_explore_args ;;
	slots|recover) echo dlmctl_show_args ;;
	"recover watch") echo dlmctl_watch_args ;;
	"recover check") echo dlmctl_check_args ;;
	emulate) echo dlmctl_emulate_args ;;
	*) echo "?" ;;
	esac
}

printf '%s\n' "$cmds" >"$T/cmds"
while read -r c; do
	# shellcheck disable=SC2086
	expect 0 "dlmctl help $c" -- "$DLMCTL" help $c
	cp "$T/out" "$T/help"
	# shellcheck disable=SC2086
	expect 0 "dlmctl $c --help" -- "$DLMCTL" $c --help
	if cmp -s "$T/out" "$T/help"; then ok; else bad "dlmctl help $c and dlmctl $c --help differ"; fi
	has "$T/help" "^Usage: dlmctl $c" "dlmctl help $c: its usage"
	has "$T/help" '^Options:$' "dlmctl help $c: its options"
	has "$T/help" '^Exit status' "dlmctl help $c: its exit status"
	hopts=$(help_options "$(cat "$T/help")")
	same "$hopts" "$(man_options "Options of $c")" \
		"options of 'dlmctl help $c' (<) against the man page's 'Options of $c' (>)"
	fn=$(source_fn "$c")
	[ "$fn" != "?" ] && ok || bad "'$c': no getopt table known to this test"
	same "$(printf '%s\n' "$hopts" | grep -- '^--')" \
		"$(awk -v f="$fn" '$1 == f { print $2 }' "$T/getopt" | words)" \
		"long options of 'dlmctl help $c' (<) against the getopt table of $fn() (>)"
done <"$T/cmds"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
