#!/bin/sh
# Build the VM lab's debug kernel: Linux 6.12 from Debian's linux-source
# with lockdep (PROVE_LOCKING), KASAN, DEBUG_ATOMIC_SLEEP and DEBUG_LIST,
# configured by kernel/debug.config on top of `make allnoconfig`.
#
#   scripts/debug-kernel.sh [--force]
#
# One command, cached: the output goes to the debug kernel's directory
# (DLMR_KVER=6.12-debug scripts/kernel.sh debugdir; default
# ~/.cache/dlmrecover/debug-kernel-6.12, or DLMR_DEBUG_KERNEL_DIR), shared
# by every clone of the repository:
#
#   DIR/linux/                 the configured, built source tree (the
#                              build tree out-of-tree modules use)
#   DIR/vmlinux                the image the lab boots (ELF, PVH entry)
#   DIR/root/lib/modules/KVER  its modules (make modules_install)
#   DIR/kernel.release         KVER, e.g. 6.12.118-dlmr-debug
#   DIR/build.log, build.time  the last build's output and duration
#
# It is rebuilt only when something it was made from changed: the source
# package (re-extracted), kernel/debug.config (reconfigured, then an
# incremental build), or this script; --force rebuilds anyway.  Then
# `DLMR_KVER=6.12-debug tests/vm/lab.sh` boots it with the series'
# dlm.ko (tests/vm/README.md, "The debug kernel").
#
# The build runs at nice 10 with DLMR_JOBS jobs (default: the number of
# CPUs).  Two builds of the same directory wait for each other (flock).
# Needs the lab packages (scripts/deps.sh --lab: gcc, make, flex, bison,
# bc, libelf-dev, libssl-dev, linux-source-6.12).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
KSH=$REPO/scripts/kernel.sh
FRAG=$REPO/kernel/debug.config
export DLMR_KVER=6.12-debug

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}

FORCE=0
case ${1:-} in
"") ;;
--force) FORCE=1 ;;
*) die "usage: debug-kernel.sh [--force]" ;;
esac
[ $# -le 1 ] || die "usage: debug-kernel.sh [--force]"

DIR=$("$KSH" debugdir) || exit 1
SRC=$("$KSH" source) || exit 1
LINE=$("$KSH" line) || exit 1
JOBS=${DLMR_JOBS:-$(nproc)}
case $JOBS in '' | *[!0-9]* | 0) die "DLMR_JOBS='$JOBS' is not a number of jobs" ;; esac
[ -r "$FRAG" ] || die "$FRAG missing"
[ -r "$SRC" ] || die "$SRC missing (install: scripts/deps.sh --lab, or apt-get install linux-source-$LINE)"
for c in make gcc flex bison bc perl xz depmod sha256sum flock; do
	command -v "$c" >/dev/null || die "'$c' not found (install the lab packages: scripts/deps.sh --lab)"
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
exec 9>"$DIR/.lock"
flock 9

# what the build is made from: the source package (its version, or the
# tarball's size and time if it is not a package), the fragment, this
# script
srcid=$(dpkg-query -W -f='${Package} ${Version}' "linux-source-$LINE" 2>/dev/null ||
	stat -c '%n %s %Y' "$SRC")
cfgid=$(cat "$FRAG" "$0" | sha256sum | cut -d' ' -f1)
T=$DIR/linux

if [ "$FORCE" = 0 ] && [ -f "$DIR/.built" ] &&
	[ "$(cat "$DIR/.built")" = "$srcid $cfgid" ] &&
	KVER=$("$KSH" require 2>/dev/null); then
	echo "debug-kernel.sh: $KVER is up to date in $DIR"
	exit 0
fi
rm -f "$DIR/.built"

# the source tree, extracted again when the package changed
if [ ! -f "$T/.dlmr-source" ] || [ "$(cat "$T/.dlmr-source")" != "$srcid" ]; then
	echo "debug-kernel.sh: extracting $SRC ($srcid)"
	rm -rf "$T" "$DIR/extract"
	mkdir -p "$DIR/extract"
	tar -xJf "$SRC" -C "$DIR/extract" || die "cannot extract $SRC"
	top=$(ls "$DIR/extract")
	[ -f "$DIR/extract/$top/Makefile" ] || die "no kernel tree in $SRC"
	mv "$DIR/extract/$top" "$T"
	rmdir "$DIR/extract"
	echo "$srcid" >"$T/.dlmr-source"
fi

START=$(date +%s)
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
LOG=$DIR/build.log
: >"$LOG"
# kmake ARGS...: make in the tree, niced, output to the log; on failure
# the log's last lines and one line naming the step
kmake() {
	if ! nice -n 10 make -C "$T" -j"$JOBS" LOCALVERSION= "$@" >>"$LOG" 2>&1; then
		tail -n 30 "$LOG" >&2
		die "make $* failed (log: $LOG)"
	fi
}

# the config: allnoconfig + the fragment, then every line of the fragment
# checked against the result (a symbol the fragment sets that Kconfig
# turned off, e.g. for a missing dependency, is an error)
echo "debug-kernel.sh: configuring (allnoconfig + $FRAG)"
kmake allnoconfig
(cd "$T" && KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m .config "$FRAG") >>"$LOG" 2>&1 ||
	die "merge_config.sh failed (log: $LOG)"
kmake olddefconfig
bad=$(awk '
	NR == FNR {
		if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) want[$0] = 1
		else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) off[$2] = 1
		next
	}
	/^CONFIG_/ { have[$0] = 1; split($0, kv, "="); set[kv[1]] = 1 }
	END {
		for (w in want) if (!(w in have)) printf "%s%s", s, w, s = " "
		for (o in off) if (o in set) printf "%s%s off", s, o, s = " "
	}' "$FRAG" "$T/.config")
[ -z "$bad" ] || die "kernel/debug.config does not hold in the built .config: $bad"

echo "debug-kernel.sh: building vmlinux and modules (make -j$JOBS at nice 10; log: $LOG)"
kmake vmlinux modules
KVER=$(cat "$T/include/config/kernel.release")
case $KVER in
6.*-dlmr-debug) ;;
*) die "unexpected kernel release '$KVER' (CONFIG_LOCALVERSION?)" ;;
esac
rm -rf "$DIR/root"
kmake modules_install INSTALL_MOD_PATH="$DIR/root" DEPMOD=depmod
cp "$T/vmlinux" "$DIR/vmlinux"
echo "$KVER" >"$DIR/kernel.release"
END=$(date +%s)
echo "$((END - START)) s, make -j$JOBS on $(nproc) CPUs, load average $LOAD0 at the start, $(cut -d' ' -f1 /proc/loadavg) at the end, $(date -u +%FT%TZ)" >"$DIR/build.time"
"$KSH" require >/dev/null || die "the build is incomplete"
echo "$srcid $cfgid" >"$DIR/.built"
echo "debug-kernel.sh: built $KVER in $((END - START)) s ($DIR)"
