#!/bin/sh
# The committed series carries no author: kernel/patches/LINE/*.patch are
# `git format-patch` output without the "From:" header and without the
# author's Signed-off-by.  Whoever sends the series signs it with their
# own git identity when exporting it:
#
#   kernel/export-series.sh export LINE OUTDIR
#       copy the series of LINE (6.12 or 6.1; the cover letter 0000 too)
#       to OUTDIR with "From: NAME <EMAIL>" and, in every patch but the
#       cover letter, "Signed-off-by: NAME <EMAIL>" as the last trailer,
#       NAME and EMAIL being `git config user.name` and `user.email`;
#       the cover letter's shortlog line "@SUBMITTER@ (N):" gets NAME.
#       Fails with one line if either is unset or EMAIL is a reserved
#       placeholder domain (example.*, *.invalid, *.test, *.localhost,
#       *.example, localhost).  OUTDIR is then ready for
#       `git send-email` or `git am`.
#
#   kernel/export-series.sh strip PATCH...
#       the reverse, for committing a series made with `git format-patch`:
#       removes the "From:" header and the Signed-off-by of that same
#       identity, in place.
set -eu
export LC_ALL=C

die() {
	echo "kernel/export-series.sh: $*" >&2
	exit 1
}

usage="usage: export-series.sh export LINE OUTDIR | strip PATCH..."
[ $# -ge 1 ] || die "$usage"
cmd=$1
shift

# a placeholder or reserved address (RFC 2606, RFC 6761)
placeholder() {
	domain=$(echo "${1##*@}" | tr 'A-Z' 'a-z')
	case $1 in
	*@*) ;;
	*) return 0 ;;
	esac
	case $domain in
	'' | localhost | *.localhost | *.invalid | *.test | *.example | \
		example.com | example.org | example.net | *.example.com | \
		*.example.org | *.example.net) return 0 ;;
	esac
	return 1
}

do_export() {
	[ $# -eq 2 ] || die "$usage"
	line=$1
	dir=$(cd "$(dirname "$0")" && pwd)/patches/$line
	[ -d "$dir" ] || die "no series for kernel line '$line' ($(ls "$(dirname "$0")/patches" | paste -sd' '))"
	name=$(git config user.name || true)
	email=$(git config user.email || true)
	[ -n "$name" ] && [ -n "$email" ] ||
		die "git config user.name and user.email must be set: the patches are signed with your own identity (git config --global user.name 'Your Name'; git config --global user.email you@your.domain)"
	if placeholder "$email"; then
		die "user.email '$email' is not a real address: the series must be signed with your own"
	fi
	ident="$name <$email>"
	mkdir -p "$2"
	n=0
	for p in "$dir"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -f "$p" ] || die "no patches in $dir"
		if grep -q '^From: ' "$p"; then
			die "$(basename "$p") already has a From: header: the committed series must carry no identity (export-series.sh strip)"
		fi
		cover=0
		case $(basename "$p") in 0000-*) cover=1 ;; esac
		# From: after the mbox "From <sha> ..." line; the sign-off
		# after the message's last line, before the "---" separator
		awk -v id="$ident" -v name="$name" -v cover=$cover '
			NR == 1 { print; print "From: " id; next }
			# the cover letter'"'"'s shortlog: "@SUBMITTER@ (N):"
			cover && /^@SUBMITTER@ \([0-9]+\):$/ {
				sub(/^@SUBMITTER@/, name)
			}
			!sep && /^---$/ {
				if (!cover) {
					# the last paragraph holds the trailers
					if (!trailers) print ""
					print "Signed-off-by: " id
				}
				sep = 1
			}
			!sep && NF { trailers = /^[A-Za-z-]+: / }
			!sep && !NF { trailers = 0 }
			{ print }
		' "$p" >"$2/$(basename "$p")"
		grep -q "^From: $ident\$" "$2/$(basename "$p")" ||
			die "$(basename "$p"): cannot add the From: header"
		! grep -q '@SUBMITTER@' "$2/$(basename "$p")" ||
			die "$(basename "$p"): @SUBMITTER@ left outside the cover letter's shortlog"
		n=$((n + 1))
	done
	echo "export-series: $n patches of $line signed by $ident in $2"
}

do_strip() {
	[ $# -ge 1 ] || die "$usage"
	for p in "$@"; do
		[ -f "$p" ] || die "$p: no such file"
		# the From: header may be folded over two lines
		ident=$(awk '
			/^From: / { s = substr($0, 7); getline n
				if (n ~ /^[ \t]/) { sub(/^[ \t]+/, " ", n); s = s n }
				print s; exit }
			/^$/ { exit }
		' "$p")
		[ -n "$ident" ] || die "$p: no From: header to strip"
		awk -v id="$ident" '
			!body && /^From: / { skip = 1; next }
			skip && /^[ \t]/ { next }
			{ skip = 0 }
			!body && /^$/ { body = 1 }
			body && !sep && $0 == "Signed-off-by: " id { drop = 1; next }
			# blank lines are kept back: those right before the
			# "---" separator (before the dropped sign-off) go
			body && !sep && /^---$/ { sep = 1; held = "" }
			body && !sep && !NF { held = held "\n"; next }
			body && !sep && held != "" { printf "%s", held; held = "" }
			{ print }
		' "$p" >"$p.strip"
		mv "$p.strip" "$p"
		echo "export-series: stripped $ident from $(basename "$p")"
	done
}

case $cmd in
export) do_export "$@" ;;
strip) do_strip "$@" ;;
*) die "$usage" ;;
esac
