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
#                                (the debug kernel: that it is built)
#   scripts/kernel.sh image      the kernel image the lab boots
#   scripts/kernel.sh modroot    the root its modules are installed under
#                                (MODROOT/lib/modules/KVER; / for Debian's)
#   scripts/kernel.sh kdir       the kernel build tree modules build against
#   scripts/kernel.sh debugdir   the debug kernel's cache directory
#                                (DLMR_DEBUG_KERNEL_DIR, default
#                                ~/.cache/dlmrecover/debug-kernel-LINE)
#
# The kernel under test: DLMR_KVER, if set, else line 6.1.  DLMR_KVER is
# either a line (6.1, 6.12: the ABI its meta-package depends on, i.e. what
# `apt-get install` of the line gave this machine) or an exact ABI
# (6.1.0-57-amd64, 6.12.118+deb12-amd64), whose line is read off it.
# Debian replaces ABIs with every kernel security update: never write one
# into a file, derive it here.
#
# 6.12-debug is not a Debian package but the lab's debug kernel (lockdep,
# KASAN, DEBUG_ATOMIC_SLEEP, DEBUG_LIST), built from the line's Debian
# linux-source by scripts/debug-kernel.sh with kernel/debug.config into
# the debugdir: its image is DEBUGDIR/vmlinux, its modules under
# DEBUGDIR/root/lib/modules/KVER, its build tree DEBUGDIR/linux; its KVER
# (e.g. 6.12.118-dlmr-debug) is read off that build.
set -eu

# name        image meta-package     headers meta-package     source package    ABI pattern          series
# (image and headers "-": built from the source, scripts/debug-kernel.sh)
LINES='
6.1         linux-image-amd64       linux-headers-amd64       linux-source-6.1  6.1.0-*-amd64        6.1
6.12        linux-image-6.12-amd64  linux-headers-6.12-amd64  linux-source-6.12 6.12.*-amd64         6.12
6.12-debug  -                       -                         linux-source-6.12 6.12.*-dlmr-debug    6.12
'

die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

want=${DLMR_KVER:-6.1}

# the table row of the chosen kernel: NAME IMAGE HEADERS SOURCE PATTERN
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
[ -n "$ROW" ] || die "DLMR_KVER='$want' is neither a known kernel nor an ABI of one ($(echo "$LINES" | awk 'NF { printf "%s%s", s, $1; s = ", " }'))"
# shellcheck disable=SC2086
set -- $ROW "$@"
# NAME: the row (6.1, 6.12, 6.12-debug); LINE: its kernel line, whose
# source and series it uses (6.12 for 6.12-debug)
NAME=$1 IMG=$2 HDR=$3 SRC=$4 LINE=$6
shift 6
# built from source (scripts/debug-kernel.sh), not a Debian package
DEBUG=0
[ "$IMG" = - ] && DEBUG=1
DEBUGDIR=${DLMR_DEBUG_KERNEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dlmrecover/debug-kernel-$LINE}

# the ABI: given, or the one the line's image meta-package depends on, or
# the debug kernel's release (written by scripts/debug-kernel.sh)
kver() {
	if [ "$want" != "$NAME" ]; then
		echo "$want"
		return
	fi
	if [ "$DEBUG" = 1 ]; then
		[ -s "$DEBUGDIR/kernel.release" ] ||
			die "the $NAME kernel is not built in $DEBUGDIR (build it: scripts/debug-kernel.sh)"
		cat "$DEBUGDIR/kernel.release"
		return
	fi
	dpkg-query -W -f='${Status}\n' "$IMG" 2>/dev/null | grep -q 'ok installed' ||
		die "$IMG is not installed, so the $LINE kernel is unknown (install: DLMR_KVER=$LINE scripts/deps.sh --lab, or apt-get install $IMG $HDR $SRC)"
	dep=$(dpkg-query -W -f='${Depends}' "$IMG" | tr ',' '\n' |
		sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n 1)
	[ -n "$dep" ] || die "cannot read the ABI off $IMG's dependencies"
	echo "$dep"
}

# the packages deps.sh --lab installs for the chosen kernel (for the debug
# kernel, the source it is built from)
packages() {
	if [ "$DEBUG" = 1 ]; then
		echo "$SRC"
	elif [ "$want" = "$NAME" ]; then
		echo "$IMG $HDR $SRC"
	else
		echo "linux-image-$want linux-headers-$want $SRC"
	fi
}

# where the image, the modules and the build tree of kernel $1 are
image() {
	if [ "$DEBUG" = 1 ]; then echo "$DEBUGDIR/vmlinux"; else echo "/boot/vmlinuz-$1"; fi
}
modroot() {
	if [ "$DEBUG" = 1 ]; then echo "$DEBUGDIR/root"; else echo /; fi
}
kdir() {
	if [ "$DEBUG" = 1 ]; then echo "$DEBUGDIR/linux"; else echo "/lib/modules/$1/build"; fi
}

cmd=${1:-}
case $cmd in
kver) kver ;;
line) echo "$LINE" ;;
source) echo "/usr/src/$SRC.tar.xz" ;;
packages)
	if [ "${2:-}" = --all ]; then
		echo "$LINES" | awk 'NF { for (i = 2; i <= 4; i++) if ($i != "-") print $i }' |
			sort -u | paste -sd' '
	else
		packages
	fi
	;;
series) echo "$(cd "$(dirname "$0")/.." && pwd)/kernel/patches/$LINE" ;;
image) k=$(kver) || exit 1; image "$k" ;;
modroot) modroot ;;
kdir) k=$(kver) || exit 1; kdir "$k" ;;
debugdir)
	[ "$DEBUG" = 1 ] || die "DLMR_KVER='$want' is a Debian kernel, not a debug kernel (DLMR_KVER=6.12-debug)"
	echo "$DEBUGDIR"
	;;
require)
	k=$(kver) || exit 1
	img=$(image "$k") mods=$(modroot)/lib/modules/$k kd=$(kdir "$k")
	if [ "$DEBUG" = 1 ]; then
		[ -r "$img" ] && [ -d "$mods/kernel" ] && [ -f "$kd/Module.symvers" ] ||
			die "the $NAME kernel $k is not (completely) built in $DEBUGDIR (build it: scripts/debug-kernel.sh)"
		echo "$k"
		exit 0
	fi
	missing=
	[ -r "$img" ] && [ -d "$mods/kernel" ] || missing="linux-image-$k"
	[ -f "$kd/Makefile" ] || missing="$missing linux-headers-$k"
	[ -f "/usr/src/$SRC.tar.xz" ] || missing="$missing $SRC"
	missing=${missing# }
	[ -z "$missing" ] ||
		die "kernel $k is not installed: missing $missing (install: apt-get install $missing)"
	echo "$k"
	;;
*) die "usage: kernel.sh kver|line|source|packages [--all]|series|image|modroot|kdir|debugdir|require" ;;
esac
