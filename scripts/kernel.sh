#!/bin/sh
# The one place that decides which kernel the project builds for and the
# VM lab boots.  Everything kernel-specific (kernel/build.sh, the example
# module, tests/vm/lab.sh, bench/kernel/run, scripts/deps.sh --lab) asks
# this script; no other file names a Debian kernel ABI.
#
#   scripts/kernel.sh kver       the ABI, e.g. 6.1.0-57-amd64
#   scripts/kernel.sh line       the kernel line, e.g. 6.1
#   scripts/kernel.sh source     the linux-source tarball of the line
#   scripts/kernel.sh packages   what scripts/deps.sh --lab installs for it
#                 packages --all  the same for every line of the table
#   scripts/kernel.sh series     the directory of the line's patch series,
#                                kernel/patches/LINE: each line has its
#                                own copy of the whole series, made
#                                against that line's fs/dlm (applies with
#                                no offset and no fuzz)
#   scripts/kernel.sh require    check that the ABI's image, modules,
#                                headers and the line's source are
#                                installed; else one line naming the
#                                missing packages and the install command
#
# The kernel under test: DLMR_KVER, if set, else line 6.1.  DLMR_KVER is
# either a line (6.1, 6.12: the ABI its meta-package depends on, i.e. what
# `apt-get install` of the line gave this machine) or an exact ABI
# (6.1.0-57-amd64, 6.12.118+deb12-amd64), whose line is read off it.
# Debian replaces ABIs with every kernel security update: never write one
# into a file, derive it here.
set -eu

# line  image meta-package     headers meta-package     source package    ABI pattern    series
LINES='
6.1   linux-image-amd64       linux-headers-amd64       linux-source-6.1  6.1.0-*-amd64  6.1
6.12  linux-image-6.12-amd64  linux-headers-6.12-amd64  linux-source-6.12 6.12.*-amd64   6.12
'

die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

want=${DLMR_KVER:-6.1}

# the table row of the chosen line: LINE IMAGE HEADERS SOURCE PATTERN
# SERIES
row() {
	echo "$LINES" | while read -r l img hdr src pat rest; do
		[ -n "$l" ] || continue
		# shellcheck disable=SC2254
		case $want in
		"$l") echo "$l $img $hdr $src $pat $rest" ;;
		$pat) echo "$l $img $hdr $src $pat $rest" ;;
		esac
	done | head -n 1
}
ROW=$(row)
[ -n "$ROW" ] || die "DLMR_KVER='$want' is neither a known line nor an ABI of one ($(echo "$LINES" | awk 'NF { printf "%s%s", s, $1; s = ", " }'))"
# shellcheck disable=SC2086
set -- $ROW "$@"
LINE=$1 IMG=$2 HDR=$3 SRC=$4 SERIES=$6
shift 6

# the ABI: given, or the one the line's image meta-package depends on
kver() {
	if [ "$want" != "$LINE" ]; then
		echo "$want"
		return
	fi
	dpkg-query -W -f='${Status}\n' "$IMG" 2>/dev/null | grep -q 'ok installed' ||
		die "$IMG is not installed, so the $LINE kernel is unknown (install: DLMR_KVER=$LINE scripts/deps.sh --lab, or apt-get install $IMG $HDR $SRC)"
	dep=$(dpkg-query -W -f='${Depends}' "$IMG" | tr ',' '\n' |
		sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n 1)
	[ -n "$dep" ] || die "cannot read the ABI off $IMG's dependencies"
	echo "$dep"
}

# the packages deps.sh --lab installs for the chosen kernel
packages() {
	if [ "$want" = "$LINE" ]; then
		echo "$IMG $HDR $SRC"
	else
		echo "linux-image-$want linux-headers-$want $SRC"
	fi
}

cmd=${1:-}
case $cmd in
kver) kver ;;
line) echo "$LINE" ;;
source) echo "/usr/src/$SRC.tar.xz" ;;
packages)
	if [ "${2:-}" = --all ]; then
		echo "$LINES" | awk 'NF { print $2, $3, $4 }' | paste -sd' '
	else
		packages
	fi
	;;
series) echo "$(cd "$(dirname "$0")/.." && pwd)/kernel/patches/$SERIES" ;;
require)
	k=$(kver)
	missing=
	[ -r "/boot/vmlinuz-$k" ] && [ -d "/lib/modules/$k/kernel" ] ||
		missing="linux-image-$k"
	[ -f "/lib/modules/$k/build/Makefile" ] ||
		missing="$missing linux-headers-$k"
	[ -f "/usr/src/$SRC.tar.xz" ] || missing="$missing $SRC"
	missing=${missing# }
	[ -z "$missing" ] ||
		die "kernel $k is not installed: missing $missing (install: apt-get install $missing)"
	echo "$k"
	;;
*) die "usage: kernel.sh kver|line|source|packages [--all]|series|require" ;;
esac
