#!/bin/sh
# The files of a kernel line's source tarball (linux-source-LINE, the one
# scripts/kernel.sh names) that the kernel checks read, extracted once and
# shared: fs/dlm, include/trace/events/dlm.h, MAINTAINERS, checkpatch.pl
# with its data files and, from 6.12, the netlink generator
# (tools/net/ynl) and its schemas.  Prints the directory.
#
#   kernel/source.sh LINE
#
# The cache is DLMR_SRC_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/
# dlmrecover/linux-source; the meson tests set it in their build
# directory).  An entry is named after the tarball's size and time, so an
# updated linux-source package is extracted again (and the older entry of
# the line removed).  Each tar -xJf decompresses the whole tarball (about
# 10 s of CPU), so every caller sharing one extraction matters: the kernel
# suite made ten before.  Concurrent callers wait on a lock; the entry is
# complete when its .done exists.
set -eu
export LC_ALL=C

die() {
	echo "kernel/source.sh: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: source.sh LINE"
LINE=$1
case $LINE in
6.1 | 6.12) ;;
*) die "unknown kernel line '$LINE' (6.12 or 6.1)" ;;
esac
SRC=$(DLMR_KVER=$LINE "$(dirname "$0")/../scripts/kernel.sh" source)
[ -f "$SRC" ] ||
	die "$SRC missing (apt-get install linux-source-$LINE; scripts/deps.sh --lab)"
CACHE=${DLMR_SRC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlmrecover/linux-source}
mkdir -p "$CACHE" || die "cannot create $CACHE"
D=$CACHE/linux-source-$LINE-$(stat -c %s-%Y "$SRC")
if [ -f "$D/.done" ]; then
	echo "$D"
	exit 0
fi

T=linux-source-$LINE
set -- "$T/fs/dlm" "$T/include/trace/events/dlm.h" "$T/MAINTAINERS" \
	"$T/scripts/checkpatch.pl" "$T/scripts/spelling.txt" \
	"$T/scripts/const_structs.checkpatch"
if [ "$LINE" = 6.12 ]; then
	set -- "$@" "$T/tools/net/ynl/ynl-gen-c.py" "$T/tools/net/ynl/lib" \
		"$T/Documentation/netlink/genetlink.yaml" \
		"$T/Documentation/netlink/genetlink-c.yaml" \
		"$T/Documentation/netlink/genetlink-legacy.yaml"
fi
(
	flock 9
	if [ ! -f "$D/.done" ]; then
		rm -rf "$CACHE/linux-source-$LINE"-*
		mkdir -p "$D"
		tar -xJf "$SRC" -C "$D" --strip-components=1 "$@" ||
			{ rm -rf "$D"; exit 1; }
		touch "$D/.done"
	fi
) 9>"$CACHE/.lock-$LINE" || die "cannot extract the kernel files from $SRC"
echo "$D"
