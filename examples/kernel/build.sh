#!/bin/sh
# Build dlmr_example.ko out of tree for the lab's kernel.
#
#   examples/kernel/build.sh [OUTDIR] [KVER]
#
# The sources are copied to OUTDIR (default: build-lab/kmod at the top of
# the repository, git-ignored) so the source tree stays clean.  KVER
# defaults to the kernel the VM lab boots (scripts/kernel.sh kver: the
# current Debian 6.1 kernel, or DLMR_KVER), NOT the running kernel.  By
# hand, the same is:
#   make -C /lib/modules/$(scripts/kernel.sh kver)/build M=$PWD modules
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$SRC/../../build-lab/kmod}
KVER=${2:-$("$SRC/../../scripts/kernel.sh" kver)}
KDIR=/lib/modules/$KVER/build
[ -f "$KDIR/Makefile" ] || { echo "build.sh: $KDIR missing (apt-get install linux-headers-$KVER)" >&2; exit 1; }
mkdir -p "$OUT"
for f in Kbuild dlmr_example.c; do
	cmp -s "$SRC/$f" "$OUT/$f" || cp "$SRC/$f" "$OUT/$f"
done
make -s -C "$KDIR" M="$OUT" modules
