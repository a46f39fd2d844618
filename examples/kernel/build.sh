#!/bin/sh
# Build dlmr_example.ko and dlmr_journal.ko out of tree for the lab's kernel.
#
#   examples/kernel/build.sh [OUTDIR] [KVER]
#
# The sources are copied to OUTDIR (default: build-lab/kmod at the top of
# the repository, git-ignored) so the source tree stays clean:
# dlmr_journal.ko is journal.c plus the engine, lib/engine/*.[ch] copied
# unchanged to OUTDIR/engine/ (with include/dlmrecover.h in
# OUTDIR/include/): the same files libdlmrecover is built from.  KVER
# defaults to the kernel the VM lab boots (scripts/kernel.sh kver: the
# current Debian 6.1 kernel, or DLMR_KVER), NOT the running kernel.  By
# hand, the same is:
#   make -C $(scripts/kernel.sh kdir) M=$PWD modules
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$SRC/../../build-lab/kmod}
KVER=${2:-$("$SRC/../../scripts/kernel.sh" kver)}
# the kernel's build tree: /lib/modules/KVER/build for a Debian kernel, the
# debug kernel's tree for 6.12-debug (scripts/kernel.sh kdir)
KDIR=$(DLMR_KVER=$KVER "$SRC/../../scripts/kernel.sh" kdir) || exit 1
[ -f "$KDIR/Makefile" ] || { echo "build.sh: $KDIR missing (apt-get install linux-headers-$KVER, or for the debug kernel scripts/debug-kernel.sh)" >&2; exit 1; }
TOP=$SRC/../..
mkdir -p "$OUT/engine" "$OUT/include"
OUT=$(cd "$OUT" && pwd) # kbuild's M= must be absolute
put() { cmp -s "$1" "$2" || cp "$1" "$2"; } # SRC DST: copy if different
for f in Kbuild dlmr_example.c journal.c; do put "$SRC/$f" "$OUT/$f"; done
for f in "$TOP"/lib/engine/*.[ch]; do put "$f" "$OUT/engine/${f##*/}"; done
put "$TOP/include/dlmrecover.h" "$OUT/include/dlmrecover.h"
# warnings are errors here: the engine must build clean as kernel code
make -s -C "$KDIR" M="$OUT" KCFLAGS=-Werror modules
