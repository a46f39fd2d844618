#!/bin/bash
# The VM lab: a real kernel-DLM cluster of qemu VMs (Debian's 6.1 kernel,
# or DLMR_KVER's; corosync, dlm_controld, gfs2 on a shared disk, the
# dlmr_example module, md-cluster).
#
#   tests/vm/lab.sh [--keep] [--nodes N] [--token MS] [--builddir DIR]
#                   [--results DIR | --results-root DIR] [--record]
#                   [--dlmctl FILE] [--labclock FILE] [--nlprobe FILE]
#                   [--bench-bin FILE]
#                   [SCENARIO...]
#
# SCENARIO: cold (a), kill (b), double (c), rejoin (d), leave (e), flood
# (f), bench (g), stock (h), slotbug (i), slotbug-stock (j), firstkill
# (k), mutant (l), lockbug (m), nlfuzz (n), lifebug (o); default all but
# bench, lockbug and lifebug.  cold/nlfuzz/kill/rejoin/leave/flood share one boot of N
# (default 3) nodes (nlfuzz right after cold: LAB_NLFUZZ messages per node
# and user, default 100000); double boots its own 4-node
# cluster; firstkill and mutant (the engine, dlmr_journal.ko) their own 3
# nodes; bench
# (bench/kernel/run) and stock (Debian's own dlm.ko) boot their own N
# nodes, slotbug (the series' dlm.ko) and slotbug-stock (Debian's) their
# own 3, lockbug (the series with its old locking planted, on the debug
# kernel: DLMR_KVER=6.12-debug) its own 3, lifebug (the debug kernel too)
# two clusters of 3: the series with slow lookups, then with the old error
# path of new_lockspace() as well.  Every scenario runs on either
# kernel line: each has its own copy of the whole series
# (scripts/kernel.sh series); on the debug kernel (scripts/debug-kernel.sh)
# too.
# After every scenario the nodes' kernel logs are scanned (klog-scan.sh,
# klog-allow.txt).  --record copies the normalised traces to
# tests/vm/traces/.  --keep leaves the
# last cluster running for a shell (see tests/vm/README.md) until Ctrl-C.
# --dlmctl: the dlmctl to put in the VMs (default
# build/tools/dlmctl/dlmctl); --labclock: tests/vm/labclock.c's binary
# (default build/tests/vm/labclock); --nlprobe: tests/vm/nlprobe.c's binary
# (default build/tests/vm/nlprobe); --bench-bin: the dlmr-bench for scenario
# bench (default build/bench/dlmr-bench).  Needs root, no KVM needed.
set -euo pipefail
# The whole script is one { } block: bash parses it before running it, so
# editing this file while a lab runs cannot derail that run.
{
HERE=$(cd "$(dirname "$0")" && pwd)

# tests/vm/lab.sh --cmd RESULTS NODE COMMAND: run COMMAND (busybox sh,
# with the helpers of tests/vm/guest-lib.sh) on a VM kept up by --keep.
if [ "${1:-}" = --cmd ]; then
	[ $# = 4 ] || { echo "usage: $0 --cmd RESULTS NODE COMMAND" >&2; exit 2; }
	id=c$$x$RANDOM
	# the newest cluster's log (main/ or double/)
	alog=$(ls -t "$2"/*/node"$3".agent.log | head -n 1)
	printf '%s %s\n' "$id" "$4" 1<>"$2/run/node$3.agt.in"
	for _ in $(seq 1200); do
		grep -q " @@END $id " "$alog" && break
		sleep 0.1
	done
	sed -n "/ @@BEGIN $id\$/,/ @@END $id /p" "$alog" |
		sed '1d;$d' | cut -d' ' -f2-
	exit 0
fi
REPO=$(cd "$HERE/../.." && pwd)
# the kernel under test: scripts/kernel.sh (the current Debian 6.1 kernel,
# or DLMR_KVER), checked and reported in the preflight below
KVER=
# MiB per VM (LAB_MEM): 640 since cold's dump_churn runs 29 lockspaces on
# node 1, each a CPG group whose IPC buffers corosync keeps in memory
MEM=${LAB_MEM:-640}
NODES=3
TOKEN=
KEEP=0
RECORD=0
BUILDDIR=$REPO/build-lab
DLMCTL=$REPO/build/tools/dlmctl/dlmctl
LABCLOCK=$REPO/build/tests/vm/labclock
NLPROBE=$REPO/build/tests/vm/nlprobe
BENCHBIN=$REPO/build/bench/dlmr-bench
FLOOD=${LAB_FLOOD:-150}
NLFUZZ=${LAB_NLFUZZ:-100000}
RESULTS=
RESROOT=$HERE/results
SCEN=()

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=1 ;;
	--record) RECORD=1 ;;
	--nodes) NODES=$2; shift ;;
	--token) TOKEN=$2; shift ;;
	--builddir) BUILDDIR=$2; shift ;;
	--dlmctl) DLMCTL=$2; shift ;;
	--labclock) LABCLOCK=$2; shift ;;
	--nlprobe) NLPROBE=$2; shift ;;
	--bench-bin) BENCHBIN=$2; shift ;;
	--results) RESULTS=$2; shift ;;
	--results-root) RESROOT=$2; shift ;;
	-h | --help) usage 0 ;;
	a | cold) SCEN+=(cold) ;;
	b | kill) SCEN+=(kill) ;;
	c | double) SCEN+=(double) ;;
	d | rejoin) SCEN+=(rejoin) ;;
	e | leave) SCEN+=(leave) ;;
	f | flood) SCEN+=(flood) ;;
	g | bench) SCEN+=(bench) ;;
	h | stock) SCEN+=(stock) ;;
	i | slotbug) SCEN+=(slotbug) ;;
	j | slotbug-stock) SCEN+=(slotbug-stock) ;;
	k | firstkill) SCEN+=(firstkill) ;;
	l | mutant) SCEN+=(mutant) ;;
	m | lockbug) SCEN+=(lockbug) ;;
	n | nlfuzz) SCEN+=(nlfuzz) ;;
	o | lifebug) SCEN+=(lifebug) ;;
	*) echo "lab.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#SCEN[@]} -eq 0 ] && SCEN=(cold nlfuzz kill rejoin leave flood double firstkill mutant stock slotbug-stock slotbug)
[[ $NODES =~ ^[0-9]+$ ]] && [ "$NODES" -ge 3 ] && [ "$NODES" -le 8 ] ||
	{ echo "lab.sh: --nodes must be 3..8" >&2; exit 2; }
want() { local s; for s in "${SCEN[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

mkdir -p "$BUILDDIR"
BUILDDIR=$(cd "$BUILDDIR" && pwd)
BUILD=$BUILDDIR/vm-lab
RES=${RESULTS:-$RESROOT/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$BUILD" "$RES"
RES=$(cd "$RES" && pwd)
T0=${EPOCHREALTIME/./}

# ---------------------------------------------------------------- logging

# now: seconds since the lab started, host clock, e.g. 12.345
now() {
	local d=$((${EPOCHREALTIME/./} - T0))
	printf '%d.%03d' $((d / 1000000)) $(((d / 1000) % 1000))
}
log() { echo "[$(now)] $*" | tee -a "$RES/lab.log" >&2; }
FAILED=0
fail() {
	FAILED=1
	echo "[$(now)] FAIL: $*" | tee -a "$RES/lab.log" "$RES/FAILED" >&2
	exit 1
}

# ------------------------------------------------------------- preflight

[ "$(id -u)" = 0 ] || fail "the lab needs root (netns, taps)"
for c in qemu-system-x86_64 ip mkfs.gfs2 modinfo cpio busybox corosync \
	dlm_controld dlm_tool make xz od; do
	command -v "$c" >/dev/null ||
		fail "'$c' not found: install the lab packages (scripts/deps.sh --lab)"
done
KVER=$("$REPO/scripts/kernel.sh" require 2>&1) || fail "${KVER#kernel.sh: }"
# /boot/vmlinuz-KVER, or the debug kernel's vmlinux (DLMR_KVER=6.12-debug)
KERNEL=$(DLMR_KVER=$KVER "$REPO/scripts/kernel.sh" image)
# every wait's timeout is multiplied by SLOW: LAB_SLOW, default 1, or 3 on
# the debug kernel (lockdep and KASAN slow the guests down under TCG); the
# corosync token (--token) is 1000 ms, or 5000 ms on the debug kernel (at
# 1000 its guests lost the token every few seconds on a loaded host)
DEBUGK=0
if DLMR_KVER=$KVER "$REPO/scripts/kernel.sh" debugdir >/dev/null 2>&1; then
	DEBUGK=1
	SLOW=${LAB_SLOW:-3}
	TOKEN=${TOKEN:-5000}
else
	SLOW=${LAB_SLOW:-1}
	TOKEN=${TOKEN:-1000}
fi
[[ $TOKEN =~ ^[1-9][0-9]{2,5}$ ]] || fail "--token '$TOKEN': milliseconds, 100 or more"
[[ $SLOW =~ ^[1-9][0-9]?$ ]] || fail "LAB_SLOW='$SLOW': a factor from 1 to 99"
# the kernel line's own series (kernel/patches/6.1 or 6.12)
SERIES=$(DLMR_KVER=$KVER "$REPO/scripts/kernel.sh" series)
[ -x "$DLMCTL" ] || fail "$DLMCTL missing: build it (ninja -C build) or pass --dlmctl"
grep -q 'recover watch' <<<"$("$DLMCTL" --help)" ||
	fail "$DLMCTL has no 'recover watch': rebuild it"
[ -x "$LABCLOCK" ] || fail "$LABCLOCK missing: build it (ninja -C build) or pass --labclock"
[ -x "$NLPROBE" ] || fail "$NLPROBE missing: build it (ninja -C build) or pass --nlprobe"
BINS=(--bin "$DLMCTL" --bin "$LABCLOCK" --bin "$NLPROBE")
if want bench; then
	[ -x "$BENCHBIN" ] || fail "$BENCHBIN missing: build it (ninja -C build) or pass --bench-bin"
	BINS+=(--bin "$BENCHBIN")
fi

# ----------------------------------------------------------- cleanup trap

NS=dlmrlab-$$-$RANDOM
declare -A QPID=() RPIDS=()
NS_UP=0
CL=main

stop_node() {
	local n=$1 p
	if [ -n "${QPID[$n]:-}" ]; then
		kill -9 "${QPID[$n]}" 2>/dev/null || true
		wait "${QPID[$n]}" 2>/dev/null || true
		unset "QPID[$n]"
	fi
	for p in ${RPIDS[$n]:-}; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	unset "RPIDS[$n]"
}

# --keep: leave the VMs up (after success or failure) until Ctrl-C.
keep_up() {
	local n
	trap 'KEEP=0' INT TERM
	echo "--keep: VMs up until Ctrl-C (results: $RES)"
	for n in $(echo "${!QPID[@]}" | tr ' ' '\n' | sort -n); do
		echo "  node$n: shell  socat -,raw,echo=0 UNIX-CONNECT:$RES/run/node$n.sock"
		echo "         agent  tests/vm/lab.sh --cmd $RES $n 'dmesg | tail'"
		echo "         qemu monitor  socat - UNIX-CONNECT:$RES/run/node$n.mon"
	done
	while [ "$KEEP" = 1 ]; do sleep 1; done
}

cleanup() {
	local rc=$? n f
	trap - EXIT INT TERM
	[ "$FAILED" = 1 ] && rc=1
	if [ "$rc" != 0 ]; then
		echo "lab.sh: FAILED; logs in $RES" >&2
		for f in "$RES"/*/node*.console.log; do
			[ -e "$f" ] || continue
			echo "---- last lines of $f" >&2
			tail -n 15 "$f" >&2
		done
		[ "$KEEP" = 1 ] && [ "$INTERRUPTED" = 0 ] && [ ${#QPID[@]} -gt 0 ] && keep_up
	fi
	for n in "${!QPID[@]}"; do stop_node "$n"; done
	for n in "${!RPIDS[@]}"; do stop_node "$n"; done
	[ -n "${CLOCKPID:-}" ] && kill "$CLOCKPID" 2>/dev/null
	[ "$NS_UP" = 1 ] && ip netns del "$NS" 2>/dev/null
	rm -f "$RES"/run/*.in "$RES"/run/*.out 2>/dev/null
	# the 256 MiB disks are kept only for a post-mortem
	[ "$rc" = 0 ] && rm -f "$RES"/*.img "$RES"/*.img.*
	exit "$rc"
}
trap cleanup EXIT
INTERRUPTED=0
trap 'INTERRUPTED=1; fail "interrupted"' INT TERM

# ------------------------------------------------------------------ build

# The patched dlm.ko (the line's series in kernel/patches, kernel/build.sh)
# replaces the stock one in the initramfs; the stock gfs2.ko loads on top.
# Rebuilt (20-40 s) only when it is missing or older than the series or
# build.sh.
DLMKO=$BUILD/dlm/dlm.ko
dlm_stale() {
	local f
	[ -s "$DLMKO" ] || return 0
	for f in "$SERIES"/*.patch "$REPO/kernel/build.sh" "$KERNEL"; do
		[ "$f" -nt "$DLMKO" ] && return 0
	done
	[ "$(modinfo -F vermagic "$DLMKO" | awk '{print $1}')" != "$KVER" ]
}
log "building the example module, the patched dlm.ko and the initramfs (kernel $KVER)"
if dlm_stale; then
	rm -f "$DLMKO"
	DLMR_KVER=$KVER "$REPO/kernel/build.sh" module "$BUILD/dlm" >"$BUILD/dlm.log" 2>&1 ||
		{ cat "$BUILD/dlm.log" >&2; fail "kernel/build.sh module failed"; }
	log "built the patched dlm.ko ($BUILD/dlm.log)"
fi
# The kernel's generic netlink CLI, tools/net/ynl/cli.py of
# linux-source-6.12 (on either line: 6.1 has none), with the spec the
# series under test carries: a second client, independent of
# libdlmrecover, whose answers must equal dlmctl's (ynl_get_check,
# ynl_events_check).
YNLDIR=$BUILD/ynl
YNLSRC=$(DLMR_KVER=6.12 "$REPO/scripts/kernel.sh" source)
if [ ! -f "$YNLDIR/cli.py" ]; then
	[ -f "$YNLSRC" ] || fail "$YNLSRC missing: the lab's ynl client comes from it (scripts/deps.sh --lab)"
	mkdir -p "$YNLDIR"
	tar -xJf "$YNLSRC" -C "$YNLDIR" --strip-components=4 \
		linux-source-6.12/tools/net/ynl/cli.py linux-source-6.12/tools/net/ynl/lib ||
		fail "cannot extract tools/net/ynl from $YNLSRC"
fi
cp "$BUILD/dlm/tree/Documentation/netlink/specs/dlm_recover.yaml" "$YNLDIR/" ||
	fail "the series under test has no Documentation/netlink/specs/dlm_recover.yaml"
"$REPO/examples/kernel/build.sh" "$BUILD/kmod" "$KVER" >"$BUILD/kmod.log" 2>&1 ||
	{ cat "$BUILD/kmod.log" >&2; fail "examples/kernel/build.sh failed"; }
"$HERE/mkinitramfs.sh" --module dlm="$DLMKO" "${BINS[@]}" --ynl "$YNLDIR" "$KVER" \
	"$BUILD/initramfs.cpio" \
	"$BUILD/kmod/dlmr_example.ko" "$BUILD/kmod/dlmr_journal.ko" || fail "mkinitramfs.sh failed"
INITRD=$BUILD/initramfs.cpio
# scenario lockbug: the series plus kernel/test-patches/LINE/old-locking.patch
if want lockbug; then
	OLDLOCK=$REPO/kernel/test-patches/$("$REPO/scripts/kernel.sh" line)/old-locking.patch
	[ -r "$OLDLOCK" ] || fail "lockbug: no $OLDLOCK for this kernel line"
	rm -f "$BUILD/dlm-lockbug/dlm.ko"
	DLMR_KVER=$KVER "$REPO/kernel/build.sh" module "$BUILD/dlm-lockbug" --plus "$OLDLOCK" \
		>"$BUILD/dlm-lockbug.log" 2>&1 ||
		{ cat "$BUILD/dlm-lockbug.log" >&2; fail "kernel/build.sh module --plus $OLDLOCK failed"; }
	"$HERE/mkinitramfs.sh" --module dlm="$BUILD/dlm-lockbug/dlm.ko" "${BINS[@]}" "$KVER" \
		"$BUILD/initramfs-lockbug.cpio" \
		"$BUILD/kmod/dlmr_example.ko" "$BUILD/kmod/dlmr_journal.ko" ||
		fail "mkinitramfs.sh (lockbug) failed"
fi
# scenario lifebug: the series plus kernel/test-patches/LINE/slow-lookup.patch
# (lifeok), and plus old-error-path.patch as well (lifebug)
if want lifebug; then
	TP=$REPO/kernel/test-patches/$("$REPO/scripts/kernel.sh" line)
	for v in lifeok lifebug; do
		plus=("$TP/slow-lookup.patch")
		[ "$v" = lifebug ] && plus+=("$TP/old-error-path.patch")
		for f in "${plus[@]}"; do
			[ -r "$f" ] || fail "lifebug: no $f for this kernel line"
		done
		rm -f "$BUILD/dlm-$v/dlm.ko"
		DLMR_KVER=$KVER "$REPO/kernel/build.sh" module "$BUILD/dlm-$v" --plus "${plus[@]}" \
			>"$BUILD/dlm-$v.log" 2>&1 ||
			{ cat "$BUILD/dlm-$v.log" >&2; fail "kernel/build.sh module --plus ${plus[*]} failed"; }
		"$HERE/mkinitramfs.sh" --module dlm="$BUILD/dlm-$v/dlm.ko" "${BINS[@]}" "$KVER" \
			"$BUILD/initramfs-$v.cpio" \
			"$BUILD/kmod/dlmr_example.ko" "$BUILD/kmod/dlmr_journal.ko" ||
			fail "mkinitramfs.sh ($v) failed"
	done
fi
# scenario stock: the same, with Debian's own dlm.ko
if want stock || want slotbug-stock; then
	"$HERE/mkinitramfs.sh" "${BINS[@]}" "$KVER" "$BUILD/initramfs-stock.cpio" \
		"$BUILD/kmod/dlmr_example.ko" "$BUILD/kmod/dlmr_journal.ko" ||
		fail "mkinitramfs.sh (stock) failed"
fi

# The kernel, decompressed: qemu boots the ELF vmlinux directly (PVH entry,
# CONFIG_PVH=y), which skips the bzImage's decompression, slow under TCG
# (one VM reaches /init in ~2 s instead of ~5.5 s).  The payload is xz
# (6.1) or zstd (6.12).  Falls back to the bzImage if it cannot be
# extracted.
VMLINUX=$BUILD/vmlinux-$KVER
# the debug kernel (scripts/debug-kernel.sh) is an ELF vmlinux already
[ "$(head -c 4 "$KERNEL" | od -An -c | tr -d ' ')" = 177ELF ] && VMLINUX=$KERNEL
# extract DECOMPRESSOR MAGIC: the ELF payload that starts at MAGIC
extract() {
	local off
	off=$(LC_ALL=C grep -abo -F "$2" "$KERNEL" | head -n 1 | cut -d: -f1 || true)
	[ -n "$off" ] || return 1
	tail -c +$((off + 1)) "$KERNEL" | "$1" -dcq >"$VMLINUX.tmp" 2>/dev/null || true
	if [ "$(head -c 4 "$VMLINUX.tmp" | od -An -c | tr -d ' ')" = 177ELF ]; then
		mv "$VMLINUX.tmp" "$VMLINUX"
		return 0
	fi
	rm -f "$VMLINUX.tmp"
	return 1
}
if [ "$VMLINUX" != "$KERNEL" ] &&
	{ [ ! -s "$VMLINUX" ] || [ "$KERNEL" -nt "$VMLINUX" ]; }; then
	rm -f "$VMLINUX"
	extract xz $'\xfd7zXZ\x00' || extract zstd $'\x28\xb5\x2f\xfd' || true
fi
if [ ! -s "$VMLINUX" ]; then
	log "could not extract vmlinux from $KERNEL: booting the bzImage (slower)"
	VMLINUX=$KERNEL
fi

# ---------------------------------------------------------------- network

ip netns add "$NS" || fail "ip netns add $NS"
NS_UP=1
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" link set br0 up
# the host's end of the bridge answers the VMs' clock probes (labclock)
ip -n "$NS" addr add 10.77.0.254/24 dev br0
ip netns exec "$NS" "$LABCLOCK" serve 10.77.0.254 7377 &
CLOCKPID=$!
log "network namespace $NS with bridge br0"

make_tap() {
	ip -n "$NS" link show "tap$1" >/dev/null 2>&1 && return
	ip -n "$NS" tuntap add dev "tap$1" mode tap
	ip -n "$NS" link set "tap$1" master br0
	ip -n "$NS" link set "tap$1" up
}

# ------------------------------------------------------------ the VMs

mkdir -p "$RES/run"
# Per node: a console (ttyS0) and an agent channel (ttyS1), both qemu
# "pipe" chardevs read by a reader that stamps every line with the host
# time since the lab started (one clock for all VMs); ttyS2 is a shell on a
# unix socket, the qemu monitor another.

# reader FIFO LOG: append FIFO's lines to LOG, each prefixed with now().
reader() {
	local line d
	while IFS= read -r line; do
		d=$((${EPOCHREALTIME/./} - T0))
		printf '%d.%03d %s\n' $((d / 1000000)) $(((d / 1000) % 1000)) \
			"${line%$'\r'}"
	done <"$1" >>"$2"
}

declare -A BOOTED=() BOOTN=()
start_node() { # NODE: launch (or relaunch) one VM
	local n=$1 r=$RES/run/node$1 c
	make_tap "$n"
	for c in con agt; do
		rm -f "$r.$c.in" "$r.$c.out"
		mkfifo "$r.$c.in" "$r.$c.out"
	done
	rm -f "$r.sock" "$r.mon"
	echo "===== boot at $(now)" >>"$RES/$CL/node$n.agent.log"
	# no_timer_check: under TCG on a loaded host the kernel's IO-APIC
	# timer check can fail and panic the boot ("IO-APIC + timer doesn't
	# work!", seen once in 40 boots); the check is for broken hardware
	ip netns exec "$NS" qemu-system-x86_64 -machine pc,accel=tcg -m "$MEM" \
		-smp 1 -nodefaults -no-user-config -display none -no-reboot \
		-kernel "$VMLINUX" -initrd "$INITRD" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check labnode=$n labnodes=$CN labtoken=$TOKEN labvotes=$CVOTES" \
		-chardev "pipe,id=con,path=$r.con" -serial chardev:con \
		-chardev "pipe,id=agt,path=$r.agt" -serial chardev:agt \
		-chardev "socket,id=sh,path=$r.sock,server=on,wait=off" \
		-serial chardev:sh \
		-monitor "unix:$r.mon,server=on,wait=off" \
		-netdev "tap,id=n0,ifname=tap$n,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=52:54:00:77:00:$(printf %02x "$n")" \
		-drive "file=$DISK,format=raw,if=none,id=d0,cache=none,file.locking=off" \
		-device virtio-blk-pci,drive=d0,share-rw=on \
		-drive "file=$DISK.md1,format=raw,if=none,id=d1,cache=none,file.locking=off" \
		-device virtio-blk-pci,drive=d1,share-rw=on \
		-drive "file=$DISK.md2,format=raw,if=none,id=d2,cache=none,file.locking=off" \
		-device virtio-blk-pci,drive=d2,share-rw=on \
		-drive "file=$DISK.jrnl,format=raw,if=none,id=d3,cache=none,file.locking=off" \
		-device virtio-blk-pci,drive=d3,share-rw=on \
		>"$RES/$CL/node$n.qemu.log" 2>&1 &
	QPID[$n]=$!
	reader "$r.con.out" "$RES/$CL/node$n.console.log" &
	RPIDS[$n]=$!
	reader "$r.agt.out" "$RES/$CL/node$n.agent.log" &
	RPIDS[$n]="${RPIDS[$n]} $!"
	BOOTED[$n]=$(now)
	BOOTN[$n]=$((${BOOTN[$n]:-0} + 1))
	echo "$(now) ===== qemu started (pid ${QPID[$n]})" >>"$RES/$CL/node$n.console.log"
}

kill_node() { # NODE: SIGKILL its qemu, as a power failure
	local n=$1 kt
	engine_before_kill "$n"
	kill -9 "${QPID[$n]}"
	kt=${EPOCHREALTIME/./}000
	engine_killed "$n" "$kt"
	emu_killed "$n" "$kt"
	KILLED_T[$n]=$(now)
	wait "${QPID[$n]}" 2>/dev/null || true
	unset "QPID[$n]"
	echo "$(now) ===== qemu killed (SIGKILL)" >>"$RES/$CL/node$n.console.log"
}

# ---------------------------------------------------------- the agent

# Commands go to the VM's ttyS1 as "ID COMMAND"; the reply is the lines
# between "@@BEGIN ID" and "@@END ID RC" in node<N>.agent.log.
CMDID=0
declare -A CMDOF=()
send() { # NODE COMMAND: queue a command, sets SENT to its id
	CMDID=$((CMDID + 1))
	SENT=$CMDID
	CMDOF[$SENT]="node$1: $2"
	# <>: O_RDWR never blocks, even if the VM is gone
	printf '%s %s\n' "$SENT" "$2" 1<>"$RES/run/node$1.agt.in"
}

# collect NODE ID TIMEOUT: wait for a reply; OUT = its output, OUT_T = the
# host time it arrived.  Fails the run on timeout, a dead VM or rc != 0;
# with SOFT=1 it returns 1 instead, the reason in WHY.
collect() {
	local n=$1 id=$2 deadline=$((SECONDS + $3 * SLOW)) log=$RES/$CL/node$1.agent.log end
	OUT= WHY=
	until end=$(grep -m1 "^[0-9.]* @@END $id " "$log"); do
		if ! { [ -n "${QPID[$n]:-}" ] && kill -0 "${QPID[$n]}" 2>/dev/null; }; then
			WHY="node$n died while running '${CMDOF[$id]}'"
		elif [ $SECONDS -ge $deadline ]; then
			WHY="timeout ($(($3 * SLOW)) s): '${CMDOF[$id]}'"
		fi
		if [ -n "$WHY" ]; then
			[ "${SOFT:-0}" = 1 ] && return 1
			fail "$WHY"
		fi
		sleep 0.1
	done
	OUT=$(sed -n "/^[0-9.]* @@BEGIN $id\$/,/^[0-9.]* @@END $id /p" "$log" |
		sed '1d;$d' | cut -d' ' -f2-)
	OUT_T=${end%% *}
	set -- $end
	[ "$4" = 0 ] && return 0
	WHY="${CMDOF[$id]} -> exit $4: $(echo "$OUT" | tail -n 3)"
	[ "${SOFT:-0}" = 1 ] && return 1
	fail "$WHY"
}

run() { send "$1" "$3"; collect "$1" "$SENT" "$2"; } # NODE TIMEOUT COMMAND
try() { SOFT=1 run "$@"; } # like run; returns 1 (reason in WHY) instead of failing


# log_wait KIND NODE REGEX SINCE TIMEOUT: the host time of the first line
# of node<N>.KIND.log (console, agent) stamped at or after SINCE that
# matches REGEX, in CW_T (and the line in CW_LINE).  SINCE matters: a
# rebooted node's logs still hold its earlier boots.
log_wait() {
	local k=$1 n=$2 re=$3 since=$4 deadline=$((SECONDS + $5 * SLOW))
	while :; do
		CW_LINE=$(awk -v s="$since" -v re="$re" \
			'$1 + 0 >= s + 0 && $0 ~ re { print; exit }' \
			"$RES/$CL/node$n.$k.log")
		[ -n "$CW_LINE" ] && break
		[ $SECONDS -ge $deadline ] &&
			fail "node$n: no $k line /$re/ after ${since}s within $(($5 * SLOW)) s"
		sleep 0.1
	done
	CW_T=${CW_LINE%% *}
}
console_wait() { log_wait console "$@"; } # NODE REGEX SINCE TIMEOUT
console_first() { # like console_wait, no waiting; "" if none
	awk -v s="$2" -v re="$1" '$1 + 0 >= s + 0 && $0 ~ re { print $1; exit }' \
		"$RES/$CL/node$3.console.log"
}

# ------------------------------------------------------- cluster control

boot_cluster() { # N VOTES NAME: fresh disk, N VMs, wait until dlm is ready
	CN=$1 CVOTES=$2 CL=$3
	EMOUNTED=() EJID=() EKILL_T=() EPARAMS= EPHASE=
	UMOUNTED=() UJID=() UKILL_T=()
	mkdir -p "$RES/$CL"
	local n j=$((CN > 3 ? CN : 3))
	DISK=$RES/$3.img
	rm -f "$DISK"
	truncate -s 256M "$DISK"
	# /dev/vdb and /dev/vdc: the clustered RAID1 of slotbug (unused elsewhere)
	rm -f "$DISK".md[12]
	truncate -s 64M "$DISK.md1" "$DISK.md2"
	# /dev/vdd: the journals of the engine's filesystem (dlmr_journal.ko)
	rm -f "$DISK.jrnl"
	truncate -s 16M "$DISK.jrnl"
	mkfs.gfs2 -O -p lock_dlm -t lab:gfs0 -j "$j" -J 16 "$DISK" \
		>"$RES/$3.mkfs.log" 2>&1 || fail "mkfs.gfs2 failed: $RES/$3.mkfs.log"
	log "$3: booting $CN VMs (token $TOKEN ms, votes $CVOTES, $j journals)"
	for n in $(seq 1 "$CN"); do start_node "$n"; done
	for n in $(seq 1 "$CN"); do wait_ready "$n"; done
	log "$3: all $CN nodes have quorum and dlm_controld"
	klog_selftest
}

# ------------------------------------------------------- kernel-log scan

# After every scenario, every node's console (what its kernel printed,
# at loglevel 7 from /init on, and the boot's warnings that /init
# replays) is scanned by klog-scan.sh from where the last scan of that
# file stopped: a WARNING, BUG, oops, KASAN/UBSAN/lockdep report, hung
# task or RCU stall fails the scenario, unless tests/vm/klog-allow.txt
# has an entry for it (with why it is not ours).  Allowed hits are listed
# in klog.allowed.
declare -A KLOG_FROM=()
# klog_scan: scan the current cluster's consoles from where the last scan
# stopped; KLOG_OUT = the unallowed hits; returns 1 if there are any.
# (Not in a $(...): it moves KLOG_FROM on.)
klog_scan() {
	local f args=() lines
	for f in "$RES/$CL"/node*.console.log; do
		[ -e "$f" ] || continue
		lines=$(wc -l <"$f")
		args+=("$f:${KLOG_FROM[$f]:-1}")
		# lines written during the scan are scanned again next time
		KLOG_FROM[$f]=$((lines + 1))
	done
	KLOG_OUT=$("$HERE/klog-scan.sh" --matched "$RES/klog.allowed" "${args[@]}" 2>&1)
}
klog_check() { # NAME
	local n
	klog_scan ||
		fail "$1: kernel trouble in a node's console (not in tests/vm/klog-allow.txt):"$'\n'"$(echo "$KLOG_OUT" | head -n 24)"
	log "$1: PASS: no kernel warning, BUG, oops or stall in the consoles ($(cut -f1 "$RES/klog.allowed" 2>/dev/null | sort -u | wc -l) allowed kinds of hit so far, klog.allowed)"
	# the debug kernel: a clean log means something only if lockdep was
	# still on (it turns itself off after its first report, or when it
	# runs out of room)
	[ "$DEBUGK" = 1 ] || return 0
	for n in $(echo "${!QPID[@]}" | tr ' ' '\n' | sort -n); do
		run "$n" 30 "awk '\$1 == \"debug_locks:\" { print \$2 }' /proc/lockdep_stats"
		[ "$OUT" = 1 ] ||
			fail "$1: node$n: lockdep is off (debug_locks '$OUT' in /proc/lockdep_stats): its checks no longer run"
	done
	log "$1: PASS: lockdep still on, on every node up"
}

# The scan on a real console, once per cluster: a WARNING written to
# node 1's /dev/kmsg must be flagged, and nothing else may be.
klog_selftest() {
	local f=$RES/$CL/node1.console.log t out line
	klog_check "$CL boot"
	t=$(now)
	run 1 10 "echo '<4>WARNING: dlmrlab klog-scan self-test' >/dev/kmsg"
	console_wait 1 "WARNING: dlmrlab klog-scan self-test" "$t" 10
	line=$(grep -n "WARNING: dlmrlab klog-scan self-test" "$f" | tail -n 1 | cut -d: -f1)
	out=$("$HERE/klog-scan.sh" "$f:${KLOG_FROM[$f]}" 2>&1) &&
		fail "klog-scan.sh did not flag a WARNING in $f (line $line)"
	[ "$(echo "$out" | grep -c '^/')" = 1 ] && grep -q "^$f:$line: .*self-test" <<<"$out" ||
		fail "klog-scan.sh self-test on $f: expected exactly line $line, got:"$'\n'"$out"
	KLOG_FROM[$f]=$((line + 1))
	log "$CL: PASS: the kernel-log scan flags a WARNING on a real console (node1 line $line)"
}

wait_ready() { # NODE: agent up and dlm_controld configured
	local n=$1 since=${BOOTED[$1]}
	console_wait "$n" "LAB: node$n dlm ready|FATAL|Kernel panic" "$since" 240
	case $CW_LINE in *FATAL* | *panic*) fail "node$n: $CW_LINE" ;; esac
	log_wait agent "$n" "@@READY $n\$" "$since" 60
	console_wait "$n" "LAB: node$n quorate" "$since" 1
	TQ[$n]=$CW_T
}

# The example module's trace on NODE: TRACE (raw) and its events as
# compact "prep", "slot:NODEID:SLOT", "done:GEN:OURSLOT:nodeid/slot,..."
get_trace() {
	run "$1" 30 lab_trace
	TRACE=$OUT
	EVENTS=$(compact_events "$TRACE")
}
compact_events() { # JSON Lines (trace schema) -> one compact event a line
	echo "$1" | sed -E \
		-e 's/.*"event":"prep".*/prep/' \
		-e 's/.*"event":"slot".*"nodeid":([0-9]+),"slot":(-?[0-9]+).*/slot:\1:\2/' \
		-e 's/.*"event":"done".*"generation":([0-9]+),"our_slot":([0-9]+),"slots":\[([^]]*)\].*/done:\1:\2:\3/' \
		-e 's/\{"nodeid":([0-9]+),"slot":([0-9]+)\}/\1\/\2/g'
}

# Last done of NODE's trace: LAST_GEN, LAST_OUR, LAST_TABLE ("1/3,2/2,3/1")
last_done() {
	get_trace "$1"
	local d
	d=$(echo "$EVENTS" | grep '^done:' | tail -n 1)
	[ -n "$d" ] || fail "node$1: no done event in its example trace"
	IFS=: read -r _ LAST_GEN LAST_OUR LAST_TABLE <<<"$d"
	NEV[$1]=$(echo "$EVENTS" | wc -l)
}

# Events of NODE after its first SKIP events, joined with spaces.
new_events() {
	get_trace "$1"
	NEW=$(echo "$EVENTS" | tail -n +$(($2 + 1)) | tr '\n' ' ')
	NEW=${NEW% }
}

# wait_gen NODE GEN: until NODE's example trace ends with a done of GEN
# (each member's recover_done runs on its own; the others may lag).
wait_gen() {
	run "$1" 60 "wait_for 'lab_trace | tail -n 1 | grep -q \"generation\\\":$2,\"' 600"
}

# expect_new NAME EVENTS TABLE NODES...: each node's events since its
# last_done are exactly EVENTS, then a done of generation EX_GEN + 1 with
# TABLE and the node's own slot.  Observations go to NAME.observed.
expect_new() {
	local name=$1 ev=$2 table=$3 n s want
	shift 3
	for n in "$@"; do
		wait_gen "$n" $((EX_GEN + 1))
		new_events "$n" "${NEV[$n]}"
		echo "node$n: $NEW" >>"$RES/$name.observed"
		s=$(slot_of "$table" "$n")
		want="$ev done:$((EX_GEN + 1)):$s:$table"
		[ "$NEW" = "$want" ] || fail "$name: node$n saw '$NEW', expected '$want'"
	done
}

slot_of() { # TABLE NODEID -> slot
	echo "$1" | tr , '\n' | awk -F/ -v n="$2" '$1 == n { print $2 }'
}
table_without() { # TABLE NODEID
	echo "$1" | tr , '\n' | awk -F/ -v n="$2" '$1 != n' | paste -sd,
}

# gfs2 state of NODE: GFS[jid], GFS[first], ... and GSLOT (its slot in
# gfs0 from the kernel's "generation G slots N S:ID" line).
declare -A GFS=()
gfs2_state() {
	local n=$1 kv line pair
	run "$n" 30 lab_gfs2
	for kv in $OUT; do GFS[${kv%%=*}]=${kv#*=}; done
	run "$n" 30 lab_gfs2_slots
	line=$OUT
	GLINE=$OUT
	GSLOT=
	for pair in $(echo "$line" | sed -E 's/.*slots [0-9]+ //'); do
		[ "${pair#*:}" = "$n" ] && GSLOT=${pair%%:*}
	done
	[ -n "$GSLOT" ] || fail "node$n: not in gfs0's slot line '$line'"
	GGEN=$(echo "$line" | sed -nE 's/.*dlm: gfs0: generation ([0-9]+) slots.*/\1/p')
	[ -n "$GGEN" ] || fail "node$n: no generation in gfs0's slot line '$line'"
}

# sysfs_check NAME SINCE NODES...: the patched dlm.ko's
# /sys/kernel/dlm/<ls>/generation and our_slot on each node.  dlmrex: the
# last done of the node's example trace (generation, our_slot).  gfs0: the
# kernel's last "dlm: gfs0: generation G slots" line and gfs2's jid + 1
# (= its slot in that line); G is the same on every node.  Each node's
# gfs0 recovery must have finished after SINCE (host time); sysfs changes
# just after the done is logged, so the guest waits up to 10 s for it.
sysfs_check() {
	local name=$1 since=$2 n ggen="" want
	shift 2
	for n in "$@"; do
		console_wait "$n" "dlm: gfs0: dlm_recover [0-9]+ generation [0-9]+ done" "$since" 60
		last_done "$n"
		gfs2_state "$n"
		[ "${GFS[jid]}" = $((GSLOT - 1)) ] ||
			fail "$name: node$n: gfs2 jid ${GFS[jid]} != slot $GSLOT - 1 in gfs0"
		[ -n "$ggen" ] || ggen=$GGEN
		[ "$GGEN" = "$ggen" ] ||
			fail "$name: node$n: gfs0 generation $GGEN in its kernel log, node$1's is $ggen"
		want="dlmrex $LAST_GEN $LAST_OUR gfs0 $GGEN $((GFS[jid] + 1))"
		run "$n" 30 "lab_dlm_sysfs_wait '$want' 100 dlmrex gfs0 && dlmctl slots -j dlmrex gfs0"
		local sys=${OUT%%$'\n'*}
		SLOTS_JSON[$n]=${OUT#*$'\n'}
		echo "$name node$n sysfs: $sys" >>"$RES/sysfs.observed"
		echo "$name node$n dlmctl slots -j: ${SLOTS_JSON[$n]}" >>"$RES/sysfs.observed"
		[ "$sys" = "$want" ] ||
			fail "$name: node$n: /sys/kernel/dlm says '$sys', expected '$want'"
		# dlmctl slots: dlmrex as in the example's last done, gfs0 as in the
		# kernel's slot line, this node's row jid = gfs2's jid
		local gtab
		gtab=$(echo "$GLINE" | sed -E 's/.*slots [0-9]+ //' | tr ' ' '\n' |
			awk -F: 'NF == 2 { print $2 "/" $1 }' | sort -n | paste -sd,)
		want="dlmrex $LAST_GEN $LAST_OUR $(sorted_table "$LAST_TABLE") $((LAST_OUR - 1))
gfs0 $GGEN $((GFS[jid] + 1)) $gtab ${GFS[jid]}"
		[ "$(slots_compact "${SLOTS_JSON[$n]}")" = "$want" ] ||
			fail "$name: node$n: dlmctl slots -j says '$(slots_compact "${SLOTS_JSON[$n]}" | paste -sd'|')', expected '$(echo "$want" | paste -sd'|')'"
		# the kernel-log fallback (--klog) reads the same from the
		# DLM's own lines
		run "$n" 30 "dlmctl slots -j --klog dlmrex gfs0"
		echo "$name node$n dlmctl slots -j --klog: $OUT" >>"$RES/sysfs.observed"
		[ "$(slots_compact "$OUT")" = "$want" ] ||
			fail "$name: node$n: dlmctl slots -j --klog says '$(slots_compact "$OUT" | paste -sd'|')', the family '$(echo "$want" | paste -sd'|')'"
		[ "$(grep -o '"source":"kernel-log"' <<<"$OUT" | wc -l)" = 2 ] ||
			fail "$name: node$n: dlmctl slots -j --klog does not say it read the kernel log: $OUT"
	done
	GFS0_GEN=$ggen
	log "$name: PASS: sysfs generation/our_slot and dlmctl slots of dlmrex and gfs0 on node(s) $* (gfs0 generation $ggen), the same with --klog"
}
declare -A SLOTS_JSON=()
GFS0_GEN=

sorted_table() { echo "$1" | tr , '\n' | sort -n | paste -sd,; } # TABLE

# dlmctl slots -j output -> per lockspace "LS GEN OUR_SLOT TABLE SELF_JID"
# (TABLE: nodeid/slot,... by nodeid; SELF_JID: the jid of this node's row)
slots_compact() {
	local l
	echo "$1" | sed 's/},{"ls"/}\n{"ls"/g' | while IFS= read -r l; do
		printf '%s %s %s %s %s\n' \
			"$(echo "$l" | sed -nE 's/^[[{]*"ls":"([^"]*)".*/\1/p')" \
			"$(echo "$l" | sed -nE 's/.*"generation":([0-9]+).*/\1/p')" \
			"$(echo "$l" | sed -nE 's/.*"our_slot":(-?[0-9]+).*/\1/p')" \
			"$(echo "$l" | grep -oE '"nodeid":[0-9]+,"slot":-?[0-9]+' |
				sed -E 's/"nodeid":([0-9]+),"slot":(-?[0-9]+)/\1\/\2/' | sort -n | paste -sd,)" \
			"$(echo "$l" | grep -oE '"jid":-?[0-9]+,"self":true' | sed -E 's/"jid":(-?[0-9]+).*/\1/')"
	done
}

# An unprivileged user (nobody, uid 65534) on NODE: dlmctl slots -j works
# and prints what root's printed (SLOTS_JSON); dlmctl recover watch is
# refused: exit 3 and one line that says permission denied.
unprivileged() { # NAME NODE
	local name=$1 n=$2
	run "$n" 30 "su -s /bin/sh -c 'id -u; dlmctl slots -j dlmrex gfs0; timeout 10 dlmctl recover watch -j dlmrex >/tmp/unpriv.out 2>/tmp/unpriv.err; echo rc=\$?; wc -l </tmp/unpriv.out; cat /tmp/unpriv.err' nobody"
	echo "$OUT" >"$RES/$name.unprivileged"
	local uid slots rc lines err
	{ read -r uid; read -r slots; read -r rc; read -r lines; err=$(cat); } <<<"$OUT"
	[ "$uid" = 65534 ] || fail "$name: su nobody: uid '$uid'"
	[ "$slots" = "${SLOTS_JSON[$n]}" ] ||
		fail "$name: node$n: dlmctl slots -j as nobody printed '$slots', as root '${SLOTS_JSON[$n]}'"
	[ "$rc" = rc=3 ] || fail "$name: node$n: dlmctl recover watch as nobody: $rc, expected exit 3"
	[ "$lines" = 0 ] || fail "$name: node$n: dlmctl recover watch as nobody printed $lines lines"
	[ "$(echo "$err" | wc -l)" = 1 ] && echo "$err" | grep -qi 'permission denied' ||
		fail "$name: node$n: dlmctl recover watch as nobody: stderr '$err', expected one line 'permission denied'"
	log "$name: PASS: as nobody on node$n dlmctl slots works, recover watch exits 3: $err"
}

# The family's request checks on NODE (tests/vm/nlprobe.c, "strict"):
# malformed headers and flags, a reply-only attribute, a missing name, an
# event command as a request, all refused with the expected errno and
# extack, as root and as nobody (GET is open to every user); the same
# answers for both.
strict_requests() { # NAME NODE
	local name=$1 n=$2 root nobody
	run "$n" 30 "nlprobe strict; echo rc=\$?"
	root=$OUT
	run "$n" 30 "su -s /bin/sh -c 'nlprobe strict; echo rc=\$?' nobody"
	nobody=$OUT
	printf 'root:\n%s\nnobody:\n%s\n' "$root" "$nobody" >"$RES/$name.nlprobe"
	[ "${root##*$'\n'}" = rc=0 ] ||
		fail "$name: node$n: nlprobe strict as root: $(grep -v ': ok:' <<<"$root" | paste -sd';')"
	[ "$nobody" = "$root" ] ||
		fail "$name: node$n: nlprobe strict as nobody answered otherwise than as root ($RES/$name.nlprobe)"
	log "$name: PASS: node$n refuses malformed requests as expected, as root and as nobody ($(grep -c ': ok:' <<<"$root") probes)"
}

# Dumps while the lockspace list changes (tests/vm/nlprobe.c, "dumps";
# guest-lib.sh, lab_dump_churn): on NODE, 24 lockspaces joined, then for
# 20 s slow dumps of all while another one joins and leaves; no dump may
# repeat or miss one of the 24, and some must be marked NLM_F_DUMP_INTR
# (kernel/README.md, "Netlink API": a dump resumes by serial number).
# 24: with the lab's own 5 lockspaces a dump then takes two parts (about
# 190 bytes a lockspace, 3.7 KiB a part); many more would not fit the
# VMs: every lockspace is a CPG group of dlm_controld's, and corosync's
# IPC buffers for 45 of them had it OOM-killed in 448 MiB.
dump_churn() { # NAME NODE
	local name=$1 n=$2 t0=$EPOCHREALTIME
	run "$n" 300 "lab_dump_churn 24 20"
	echo "$OUT" >"$RES/$name.dumps"
	timing "$name" "dump churn node$n" "$(ms "$t0" "$EPOCHREALTIME") ms (24 joins, 20 s of dumps, 24 leaves)"
	log "$name: PASS: node$n: $(grep '^dumps: [0-9]' <<<"$OUT"); $(grep '^churn:' <<<"$OUT")"
}

# The kernel's generic netlink CLI against dlmctl (tests/vm/ynl-compare.py):
# ynl_get_check NAME NODE: on NODE, ynl's dump of GET equals dlmctl
# recover -j field by field, and its GET of dlmrex and gfs0 equals the
# dump and dlmctl slots -j.  Saved in NAME.ynl-get.nodeN.
ynl_get_check() {
	local name=$1 n=$2 f r
	f=$RES/$name.ynl-get.node$n
	run "$n" 180 "lab_ynl_get dlmrex gfs0"
	echo "$OUT" >"$f"
	r=$(/usr/bin/python3 "$HERE/ynl-compare.py" get "$f" 2>&1) ||
		fail "$name: node$n: the ynl CLI and dlmctl differ ($f): $r"
	log "$name: PASS: node$n: ynl CLI vs dlmctl: $r"
}

# ynl_events_start NODES...: ynl --subscribe events on each node, before
# a failure; YFIRST[N]: the seq of the next dlmrex event on node N (its
# watch's last + 1)
ynl_events_start() {
	local n last
	for n in "$@"; do
		run "$n" 90 "lab_ynl_subscribe $YNL_SUB_S"
		run "$n" 10 "tail -n 1 /tmp/watch.dlmrex"
		last=$(echo "$OUT" | sed -nE 's/.*"seq":([0-9]+).*/\1/p')
		[ -n "$last" ] || fail "node$n: no seq in the dlmrex watch's last line '$OUT'"
		YFIRST[$n]=$((last + 1))
	done
}
declare -A YFIRST=()
YNL_SUB_S=60

# ynl_events_check NAME NODES...: what ynl received through the failure
# equals what the node's dlmctl recover watch -j dlmrex recorded, from
# YFIRST on, field by field; the last one a done.  Saved in
# NAME.ynl-events.nodeN.
ynl_events_check() {
	local name=$1 n f r
	shift
	for n in "$@"; do
		f=$RES/$name.ynl-events.node$n
		run "$n" $((YNL_SUB_S + 30)) "lab_ynl_events dlmrex $(((YNL_SUB_S + 20) * 10))"
		echo "$OUT" >"$f"
		r=$(/usr/bin/python3 "$HERE/ynl-compare.py" events "$f" dlmrex "${YFIRST[$n]}" 2>&1) ||
			fail "$name: node$n: the ynl CLI's events differ from dlmctl recover watch's ($f): $r"
		log "$name: PASS: node$n: ynl --subscribe vs dlmctl recover watch: $r"
	done
}

# tp_start NODES...: the series' recovery tracepoints (patch 0005)
# enabled on each node, its trace buffer empty, before a failure.
tp_start() { local n; for n in "$@"; do run "$n" 30 lab_tp_start; done; }

# tp_check NAME VICTIM:SLOT NODES...: since tp_start the tracepoints fired
# for dlmrex exactly the events the node's dlmctl recover watch -j got
# from the netlink family with the same sequence numbers (kind, nodeid and
# slot, generation, our slot, table size; the watch's file is
# watch_check's), among them a prep, the slot event of VICTIM:SLOT and a
# done.  Saved in NAME.tracepoints.nodeN.
tp_check() {
	local name=$1 vs=$2 n got want lo hi
	shift 2
	for n in "$@"; do
		run "$n" 30 "lab_tp_events dlmrex"
		got=$OUT
		echo "$got" >"$RES/$name.tracepoints.node$n"
		lo=$(echo "$got" | head -n 1 | cut -d' ' -f1)
		hi=$(echo "$got" | tail -n 1 | cut -d' ' -f1)
		{ [ -n "$lo" ] && echo "$got" | grep -q ' prep$' &&
			echo "$got" | grep -q " slot ${vs%:*} ${vs#*:}\$" &&
			echo "$got" | grep -q ' done '; } ||
			fail "$name: node$n: the recovery tracepoints fired '$(echo $got)' for dlmrex, expected a prep, slot ${vs%:*} ${vs#*:} and a done"
		want=$(watch_tp "$RES/traces/$name/node$n.watch.jsonl" "$lo" "$hi")
		[ "$got" = "$want" ] ||
			fail "$name: node$n: the recovery tracepoints fired '$(echo $got)', dlmctl recover watch got '$(echo $want)'"
		log "$name: PASS: node$n: tracepoints dlm_recover_prep/slot/done = the watch's events $lo..$hi ($(echo "$got" | awk '{ print $2 }' | paste -sd' '))"
	done
}

# watch_tp FILE LO HI: a watch's events with sequence numbers LO..HI, as
# lab_tp_events prints them
watch_tp() {
	awk -v lo="$2" -v hi="$3" '
	function num(f) {
		if (!match($0, "\"" f "\":-?[0-9]+")) return ""
		return substr($0, RSTART + length(f) + 3, RLENGTH - length(f) - 3)
	}
	{ s = num("seq"); if (s == "" || s + 0 < lo + 0 || s + 0 > hi + 0) next }
	/"event":"prep"/ { print s, "prep" }
	/"event":"slot"/ { print s, "slot", num("nodeid"), num("slot") }
	/"event":"done"/ { print s, "done", num("generation"), num("our_slot"), gsub(/"nodeid":/, "&") }
	' "$1"
}

# Normalised traces (time_ns dropped) of the nodes up, saved for SCENARIO.
declare -A UP=()
save_traces() {
	local s=$1 n d=$RES/traces/$1
	mkdir -p "$d"
	for n in $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n); do
		get_trace "$n"
		echo "$TRACE" | sed -E 's/,"time_ns":[0-9]+//' >"$d/node$n.jsonl"
		grep -h "dlm: gfs0: \|gfs2: fsid=lab:gfs0" "$RES/$CL/node$n.console.log" |
			cut -d' ' -f2- | sed -E 's/^\[ *[0-9.]+\] //' >"$d/node$n.gfs2.log" || true
	done
	for n in $(seq 1 "$CN"); do
		[ -n "${UP[$n]:-}" ] && continue
		rm -f "$d/node$n.jsonl"
	done
	esave_traces "$s"
}
# the engine's history so far (traces on the host clock, kills, steps) in
# traces/SCENARIO/engine/
esave_traces() {
	local d=$RES/traces/$1/engine
	[ -s "$(edir)/scenario.scn" ] || return 0
	mkdir -p "$d"
	cp "$(edir)"/scenario.scn "$d/"
	cp "$(edir)"/node*.b*.jsonl "$d/" 2>/dev/null || true
	rm -f "$d"/*.raw.jsonl
	if [ -s "$(edir)/crash.jsonl" ]; then cp "$(edir)/crash.jsonl" "$d/"; fi
	return 0
}

# ------------------------------------------------------------- timings

TIMINGS=$RES/timings.txt
timing() { printf '%-12s %-28s %s\n' "$1" "$2" "$3" >>"$TIMINGS"; }
declare -A TQ=() NEV=()

# ------------------------------------------------------------ scenarios

# a. cold start: join the example lockspace one node at a time, highest
# nodeid first (slots follow join order, not nodeid), then mount gfs2 in
# nodeid order; check slot tables, jid = slot - 1, one first mounter.
cold_start() { # NAME
	local name=$1 n ref="" firsts=0 order
	order=$(seq "$CN" -1 1 | paste -sd' ')
	# dlmctl recover watch -j dlmrex on every node from before its join
	# until the end of the cluster (watch_check after each scenario); a
	# trace that starts mid-way (a prep first) is one recover check rejects
	for n in $order; do run "$n" 30 "lab_watch_start dlmrex"; done
	for n in $order; do
		run "$n" 120 lab_example_join
		UP[$n]=1
		console_wait "$n" "LAB: node$n example joined" "${BOOTED[$n]}" 5
		timing "$name" "node$n boot>quorum>joined" \
			"$(ms "${BOOTED[$n]}" "${TQ[$n]}") / $(ms "${BOOTED[$n]}" "$CW_T") ms after launch"
	done
	for n in $(seq 1 "$CN"); do
		run "$n" 180 lab_mount
	done
	for n in $(seq 1 "$CN"); do
		last_done "$n"
		local t="$LAST_GEN:$LAST_TABLE"
		[ -z "$ref" ] && ref=$t
		[ "$t" = "$ref" ] ||
			fail "$name: node$n's slot table '$t' differs from '$ref'"
		[ "$(slot_of "$LAST_TABLE" "$n")" = "$LAST_OUR" ] ||
			fail "$name: node$n: our_slot $LAST_OUR not its slot in $LAST_TABLE"
		gfs2_state "$n"
		[ "${GFS[jid]}" = $((GSLOT - 1)) ] ||
			fail "$name: node$n: gfs2 jid ${GFS[jid]} != slot $GSLOT - 1 in gfs0"
		[ "${GFS[first]}" = 1 ] && firsts=$((firsts + 1))
		JID[$n]=${GFS[jid]}
		log "$name: node$n example slot $LAST_OUR (gen $LAST_GEN), gfs0 slot $GSLOT jid ${GFS[jid]} first ${GFS[first]}"
		echo "node$n example_slot=$LAST_OUR gfs0_slot=$GSLOT jid=${GFS[jid]} first=${GFS[first]}" \
			>>"$RES/$name.summary"
	done
	[ "$firsts" = 1 ] || fail "$name: $firsts nodes report first=1, expected exactly 1"
	# the engine's filesystem, mounted in the same order as gfs2: its
	# jid is slot - 1 in dlmrj, which must be gfs2's slot - 1 in gfs0
	escn_header
	for n in $(seq 1 "$CN"); do escn "mount $n" wait; done
	engine_mount "$name" $(seq 1 "$CN")
	for n in $(seq 1 "$CN"); do
		[ "${EJID[$n]}" = "${JID[$n]}" ] ||
			fail "$name: node$n: the engine's jid ${EJID[$n]} != gfs2's ${JID[$n]}"
		[ "$(jget "${ESTATUS[$n]}" first)" = "$([ "$n" = 1 ] && echo true || echo false)" ] ||
			fail "$name: node$n's engine: first $(jget "${ESTATUS[$n]}" first), expected only node1 (mounted first)"
	done
	engine_check "$name"
	[ "$name" = cold ] && emu_start "$name" $(seq 1 "$CN")
	md_start "$name"
	log "$name: PASS: the engine mounted on nodes 1-$CN: jids $(for n in $(seq 1 "$CN"); do printf '%s ' "${EJID[$n]}"; done)= gfs2's, node1 first mounter"
	EX_TABLE=$LAST_TABLE
	EX_GEN=$LAST_GEN
	sysfs_check "$name" 0 $(seq 1 "$CN")
	[ "$name" = cold ] && unprivileged "$name" 1
	[ "$name" = cold ] && strict_requests "$name" 1
	[ "$name" = cold ] && dump_churn "$name" 1
	ynl_get_check "$name" 1
	watch_check "$name" "$EX_GEN" peek $(seq 1 "$CN")
	# last recovery: the last join (node 1's own, its initial join, in
	# dlmrex; node CN's in gfs0), no failed member
	last_check "$name" - "${order##* }" - "$CN" $(seq 1 "$CN")
	log "$name: PASS: example table gen $EX_GEN [$EX_TABLE], jid = slot - 1, one first mounter"
	local scn=()
	for n in $order; do scn+=("mount $n" wait); done
	describe "$name" "example joined in order $order (one at a time); gfs2 mounted in order 1..$CN" "${scn[@]}"
	save_traces "$name"
}
declare -A JID=()

ms() { # FROM TO (seconds with 3 decimals) -> milliseconds
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'
}

# Scenario descriptions for a simulator replay: the steps since boot.
# steps.txt says what happened (host times); scenario.scn is the same in
# the simulator's scenario format (docs/scenario-format.md).
describe() { # SCENARIO TEXT [SCN-LINE...]
	local s=$1
	mkdir -p "$RES/traces/$s"
	printf '%s\n' "$2" >>"$RES/steps.txt"
	shift 2
	[ $# -gt 0 ] && printf '%s\n' "$@" >>"$RES/scenario.scn"
	cp "$RES/steps.txt" "$RES/traces/$s/steps.txt"
	cp "$RES/scenario.scn" "$RES/traces/$s/scenario.scn"
}

# Prepare a failure: pre-failure files on every node (synced, checksummed),
# writers running everywhere; VICTIMS also create files in /mnt/wdir, so
# they hold its directory lock when they die.
prepare_failure() { # NAME VICTIMS...
	local name=$1 n
	shift
	VICTIMS="$*"
	run 1 30 "mkdir -p /mnt/wdir /mnt/pre"
	: >"$RES/$name.pre.md5"
	for n in "${!UP[@]}"; do
		run "$n" 60 lab_write_pre
		echo "$OUT" >>"$RES/$name.pre.md5"
	done
	for n in "${!UP[@]}"; do run "$n" 30 lab_writer_start; done
	for n in "$@"; do
		run "$n" 30 '( i=0; while :; do i=$((i+1)); echo $i > /mnt/wdir/n$NODE.$i; usleep 50000; done ) </dev/null >/dev/null 2>&1 &'
	done
	for n in "$@"; do
		run "$n" 60 "wait_for '[ \$(ls /mnt/wdir | grep -c ^n$n) -ge 5 ] && [ \$(wc -l < /mnt/w.$n) -ge 25 ]' 600"
	done
}

# After a failure: survivors' probes, pre-failure files intact, writers
# stopped, the victims' torn lines counted.
verify_after_failure() { # NAME SURVIVORS
	local name=$1 n
	shift
	local lines
	lines=$(while read -r l; do printf "'%s' " "$l"; done <"$RES/$name.pre.md5")
	run "$1" 60 "printf '%s\\n' $lines >/tmp/pre.md5 && md5sum -c /tmp/pre.md5"
	log "$name: PASS: $(echo "$OUT" | grep -c ': OK$') files written before the failure are intact"
	for n in "$@"; do run "$n" 30 lab_writer_stop; done
	for n in $VICTIMS; do
		run "$1" 30 "echo \$(wc -l < /mnt/w.$n) \$(lab_check_writer_file $n)"
		log "$name: node$n's writer file after replay: $OUT (lines, malformed lines)"
	done
}

# b. SIGKILL one node while it writes: survivors see prep, slot, done;
# one survivor replays its journal; survivors write again; files intact.
kill_one() {
	local name=kill v=$CN n s surv=() base_gen=$EX_GEN tk
	for n in $(seq 1 $((CN - 1))); do surv+=("$n"); done
	prepare_failure "$name" "$v"
	run "$v" 30 lab_md_writer_start
	escn "crash $v" wait
	for n in "${surv[@]}"; do last_done "$n"; done
	local vslot vjid=${JID[$v]}
	vslot=$(slot_of "$EX_TABLE" "$v")
	# the victim's emulate traces now, not in kill_node: the ynl
	# subscriptions' 60 s windows have started there (run 4 of
	# tests/vm/README.md, "The userspace driver": node1's ended before
	# the kill)
	emu_before_kill "$v"
	ynl_events_start "${surv[@]}"
	tp_start "${surv[@]}"
	kill_node "$v"
	# (kill_node reads the engine's trace first: the kill is KILLED_T)
	tk=${KILLED_T[$v]}
	unset "UP[$v]"
	log "$name: killed node$v (example slot $vslot, gfs2 jid $vjid)"
	describe "$name" "at ${tk}s node$v killed (SIGKILL of its VM) while writing" "crash $v" wait
	after_failure "$name" "$tk" "$vjid" "${surv[@]}"
	expect_new "$name" "prep slot:$v:$vslot" "$(table_without "$EX_TABLE" "$v")" "${surv[@]}"
	watch_check "$name" $((base_gen + 1)) peek "${surv[@]}"
	tp_check "$name" "$v:$vslot" "${surv[@]}"
	replayed "$name" "$tk" "$vjid" "${surv[@]}"
	verify_after_failure "$name" "${surv[@]}"
	engine_after_kill "$name" "$v" "${surv[@]}"
	emu_after_kill "$name" "$v" "${surv[@]}"
	md_after_kill "$name" "$v" "${surv[@]}"
	sysfs_check "$name" "$tk" "${surv[@]}"
	last_check "$name" "$v/$vslot" "" "$v/$((vjid + 1))" "" "${surv[@]}"
	ynl_events_check "$name" "${surv[@]}"
	ynl_get_check "$name" 1
	EX_TABLE=$(table_without "$EX_TABLE" "$v")
	EX_GEN=$((base_gen + 1))
	log "$name: PASS: survivors saw prep, slot $v:$vslot, done gen $EX_GEN [$EX_TABLE]"
	save_traces "$name"
	VICTIM=$v
}
declare -A PROBE_T=()

# last_check NAME XFAILED XINIT GFAILED GINIT NODES...: patch 0003's last
# completed recovery, as dlmctl recover -j (and its text "last recovery:"
# line) reports it on each node, for dlmrex and gfs0.  dlmrex: exactly the
# recovery of the node's last done in its dlmrex watch (traces/NAME/
# nodeN.watch.jsonl, the same kernel clocks): generation, done_ns and
# done_mono_ns = the done's time_ns and mono_ns, start_ns and
# start_mono_ns = those of the first prep since the previous done (0
# without one: the initial join), duration_ns = done_mono_ns -
# start_mono_ns (null without a prep), failed = its slot events in order,
# failed_truncated 0; and the lockspace's time_ns and mono_ns (its last
# event) are that done's.  gfs0 (not watched): generation = the kernel's
# slot line (G of sysfs_check), time_ns = done_ns, mono_ns =
# done_mono_ns, the same prep/no-prep rule.  Expected
# per scenario: XFAILED / GFAILED the failed members ("nodeid/slot,...";
# "-" for none; gfs0's in any order), XINIT / GINIT the nodes whose last
# recovery is their own initial join (no prep).  Saved in last.observed.
last_check() {
	local name=$1 xf=$2 xi=" $3 " gf=$4 gi=" $5 " n w got want l
	local says="dlmrex = the watch's last (failed $2, initial join on: ${3:-none}), gfs0 generation $GFS0_GEN (failed $4, initial join on: ${5:-none})"
	shift 5
	for n in "$@"; do
		run "$n" 30 "dlmctl recover -j dlmrex gfs0 && dlmctl recover dlmrex gfs0"
		local json=${OUT%%$'\n'*} text=${OUT#*$'\n'}
		echo "$name node$n dlmctl recover -j: $json" >>"$RES/last.observed"
		echo "$text" | awk -v p="$name node$n dlmctl recover" \
			'/^[^ ]/ { cur = $1 } /^  last recovery:/ { sub(/^  /, ""); print p, cur, $0 }' >>"$RES/last.observed"
		got=$(recover_last "$json")
		# dlmrex: the watch's last recovery
		w=$(watch_last "$RES/traces/$name/node$n.watch.jsonl")
		local tl tm st dn sm dm du ge fa
		read -r tl st dn sm dm du ge fa <<<"$w"
		[ "$tl" = "$dn" ] ||
			fail "$name: node$n: the dlmrex watch does not end with a done: $w"
		echo "$name node$n dlmrex from the watch: start_ns $st done_ns $dn start_mono_ns $sm done_mono_ns $dm duration_ns $du generation $ge failed $fa" >>"$RES/last.observed"
		[ "$fa" = "$xf" ] ||
			fail "$name: node$n: the dlmrex watch's last recovery failed '$fa', expected '$xf'"
		case $xi in *" $n "*) [ "$st" = 0 ] ;; *) [ "$st" != 0 ] ;; esac ||
			fail "$name: node$n: the dlmrex watch's last recovery has start $st (initial joins expected on:$xi)"
		want="dlmrex $dn $dm $st $dn $sm $dm $du $ge $fa 0"
		l=$(echo "$got" | grep '^dlmrex ')
		[ "$l" = "$want" ] ||
			fail "$name: node$n: dlmctl recover -j dlmrex: 'ls time_ns mono_ns start done start_mono done_mono duration generation failed truncated' = '$l', the watch says '$want'"
		last_text "$name" "$n" dlmrex "$text" "$st" "$dn" "$ge" "$fa" "$du"
		# gfs0: the kernel's slot line, the same prep/no-prep rule
		l=$(echo "$got" | grep '^gfs0 ')
		read -r _ tl tm st dn sm dm du ge fa _ <<<"$l"
		case $gi in *" $n "*) w=0 ;; *) w=prep ;; esac
		[ "$tl" = "$dn" ] && [ "$tm" = "$dm" ] && [ "$dn" -gt 0 ] &&
			[ "$dm" -gt 0 ] && [ "$ge" = "$GFS0_GEN" ] &&
			[ "$(sorted_table "$fa")" = "$(sorted_table "$gf")" ] &&
			[ "$l" = "gfs0 $dn $dm $st $dn $sm $dm $du $ge $fa 0" ] &&
			if [ "$w" = 0 ]; then [ "$st" = 0 ] && [ "$sm" = 0 ] && [ "$du" = null ]
			else [ "$st" -gt 0 ] && [ "$sm" -gt 0 ] && [ "$du" = $((dm - sm)) ]; fi ||
			fail "$name: node$n: dlmctl recover -j gfs0: 'ls time_ns mono_ns start done start_mono done_mono duration generation failed truncated' = '$l', expected generation $GFS0_GEN, failed '$gf', time_ns = done, mono_ns = done_mono, $([ "$w" = 0 ] && echo "the initial join (starts 0, duration null)" || echo "a prep (duration = done_mono - start_mono)"), truncated 0"
		last_text "$name" "$n" gfs0 "$text" "$st" "$dn" "$ge" "$fa" "$du"
	done
	log "$name: PASS: dlmctl recover's last recovery on node(s) $*: $says"
}

# recover_last JSON: dlmctl recover -j -> per lockspace "LS TIME_NS
# MONO_NS START_NS DONE_NS START_MONO_NS DONE_MONO_NS DURATION_NS
# GENERATION FAILED TRUNCATED" (FAILED: nodeid/slot,... or -), or "LS
# TIME_NS MONO_NS null" without a last.
recover_last() {
	local l
	echo "$1" | sed 's/},{"ls"/}\n{"ls"/g' | while IFS= read -r l; do
		printf '%s %s %s\n' \
			"$(echo "$l" | sed -nE 's/^[[{]*"ls":"([^"]*)".*/\1/p')" \
			"$(echo "$l" | sed -nE 's/.*"time_ns":([0-9]+),"mono_ns":([0-9]+),"last":.*/\1 \2/p')" \
			"$(echo "$l" | sed -E 's/.*"last":null[]}]*$/null/; s/.*"last":\{"start_ns":([0-9]+),"done_ns":([0-9]+),"start_mono_ns":([0-9]+),"done_mono_ns":([0-9]+),"duration_ns":([0-9]+|null),"generation":([0-9]+),"failed":\[([^]]*)\],"failed_truncated":([0-9]+)\}[]}]*$/\1 \2 \3 \4 \5 \6 [\7] \8/; s/\[\]/-/; s/\{"nodeid":([0-9]+),"slot":(-?[0-9]+)\}/\1\/\2/g; s/[][]//g')"
	done
}

# watch_last FILE: the last recovery in a watch's JSON Lines: "LAST_TIME
# START DONE START_MONO DONE_MONO DURATION GENERATION FAILED": LAST_TIME
# the time_ns of its last line; START and START_MONO the first prep's
# time_ns and mono_ns since the done before (0: none), DONE and
# DONE_MONO the done's, DURATION DONE_MONO - START_MONO or null, FAILED
# its slot events
# (nodeid/slot,... in order, or -).
watch_last() {
	awk '
	function num(f,   m) {
		if (!match($0, "\"" f "\":-?[0-9]+")) return ""
		return substr($0, RSTART + length(f) + 3, RLENGTH - length(f) - 3)
	}
	{ t = num("time_ns"); m = num("mono_ns") }
	/"event":"prep"/ { if (start == "") { start = t; smono = m } }
	/"event":"slot"/ { failed = failed (failed == "" ? "" : ",") num("nodeid") "/" num("slot") }
	/"event":"done"/ {
		ls = (start == "" ? 0 : start); lsm = (start == "" ? 0 : smono)
		ld = t; ldm = m; lg = num("generation")
		lf = (failed == "" ? "-" : failed); start = ""; failed = ""
	}
	END {
		if (ld == "") { print t, "no-done"; exit }
		print t, ls, ld, lsm, ldm, lg, lf
	}' "$1" | {
		read -r tl st dn sm dm ge fa
		if [ "$dn" = no-done ] || [ -z "$dn" ]; then echo "$tl - - - - - - -"; return; fi
		if [ "$st" = 0 ]; then du=null; else du=$((dm - sm)); fi
		echo "$tl $st $dn $sm $dm $du $ge $fa"
	}
}

# last_text NAME NODE LS TEXT START DONE GEN FAILED DURATION: dlmctl
# recover's "last recovery:" line of LS says the same as its -j.
last_text() {
	local name=$1 n=$2 ls=$3 st=$5 dn=$6 ge=$7 fa=$8 du=$9 line want f
	line=$(echo "$4" | awk -v ls="$ls" '/^[^ ]/ { cur = $1 } cur == ls ":" && /^  last recovery:/')
	if [ "$fa" = - ]; then
		f=" none"
	else
		f=$(echo "$fa" | tr , '\n' | awk -F/ '{ printf "%s nodeid %s slot %s", (NR > 1 ? "," : ""), $1, $2 }')
	fi
	if [ "$st" = 0 ]; then
		want="  last recovery: generation $ge, initial join (no prep), done $(wall_ns "$dn"), failed:$f"
	else
		want="  last recovery: generation $ge, started $(wall_ns "$st"), took $(awk -v d="$du" 'BEGIN { printf "%.3f", d / 1e9 }') s, failed:$f"
	fi
	[ "$line" = "$want" ] ||
		fail "$name: node$n: dlmctl recover $ls says '$line', expected '$want'"
}
wall_ns() { # NS -> "2026-11-25 10:12:03.123 UTC", as dlmctl prints it
	printf '%s.%03d UTC' "$(date -u -d "@$(($1 / 1000000000))" '+%Y-%m-%d %H:%M:%S')" \
		$(($1 / 1000000 % 1000))
}

# watch_check NAME GEN peek|stop NODES...: the dlmctl recover watch -j
# dlmrex that was started on each node before it joined (cold_start,
# rejoin) saw exactly the events the example module saw (all of them, in
# order: slot, nodeid, generation, our_slot, slot table, seq), up to the
# done of GEN, and dlmctl recover check accepts it.  stop: then stop it
# (SIGTERM, exit 0) and check again what it recorded until then.
watch_check() {
	local name=$1 gen=$2 mode=$3 n
	shift 3
	mkdir -p "$RES/traces/$name"
	for n in "$@"; do
		new_events "$n" 0
		run "$n" 30 "lab_watch_upto dlmrex $gen"
		watch_same "$name" "$n" "$OUT" "$NEW" "$TRACE"
		run "$n" 30 "dlmctl recover check /tmp/watch.dlmrex"
		watch_err "$name" "$n"
		if [ "$mode" = stop ]; then
			run "$n" 30 "lab_watch_stop dlmrex"
			watch_same "$name" "$n" "$OUT" "$NEW" "$TRACE"
		fi
	done
	local how=
	[ "$mode" = stop ] && how="; stopped, exit 0"
	log "$name: PASS: dlmctl recover watch -j dlmrex on node(s) $* saw the example's events up to generation $gen; recover check accepts them; stderr: the readiness line only$how"
}

# watch_same NAME NODE WATCH EVENTS TRACE: the watch's JSON Lines WATCH
# are the example's TRACE (compact EVENTS, space-separated) with the same
# seq numbers; saved in traces/NAME/nodeN.watch.jsonl.
watch_same() {
	local name=$1 n=$2 w
	echo "$3" >"$RES/traces/$name/node$n.watch.jsonl"
	w=$(compact_events "$3" | paste -sd' ')
	echo "node$n watch: $w" >>"$RES/$name.observed"
	[ "$w" = "$4" ] ||
		fail "$name: node$n: dlmctl recover watch saw '$w', the example '$4'"
	# the kernel's per-lockspace seq numbers are the example's too
	[ "$(seq_of "$3")" = "$(seq_of "$5")" ] ||
		fail "$name: node$n: watch seq $(seq_of "$3"), the example's $(seq_of "$5")"
}

# watch_err NAME NODE: the dlmrex watch's stderr is its readiness line
# and nothing else (no loss notice)
watch_err() {
	run "$2" 30 "cat /tmp/watch.dlmrex.err"
	[ "$OUT" = "dlmctl: recover watch: subscribed (lockspace dlmrex)" ] ||
		fail "$1: node$2: dlmctl recover watch -j dlmrex said on stderr '$OUT', expected only its readiness line"
}

seq_of() { echo "$1" | sed -nE 's/.*"seq":([0-9]+).*/\1/p' | paste -sd,; } # JSONL

# Exactly which survivor replayed journal JID ("jid=J: Journal replayed").
# replayers SINCE JID NODES...: " nodeN ..." for each NODE whose console
# has logged journal JID replayed since SINCE; empty if none has
replayers() {
	local since=$1 j=$2 n
	shift 2
	for n in "$@"; do
		[ -n "$(console_first "jid=$j: Journal replayed|jid=$j: Done" "$since" "$n")" ] &&
			printf ' node%s' "$n"
	done
	return 0
}
replayed() { # NAME SINCE JID SURVIVORS...
	local name=$1 since=$2 j=$3 who
	shift 3
	who=$(replayers "$since" "$j" "$@")
	[ -n "$who" ] || fail "$name: no survivor replayed journal $j"
	log "$name: journal $j replayed by:$who"
}

# after_failure NAME KILLTIME JID SURVIVORS...: each survivor writes a
# file in /mnt/wdir (whose lock a victim held), which returns once gfs2
# has recovered; then the timings.
after_failure() {
	local name=$1 tk=$2 j=$3 n
	shift 3
	local -A ids=()
	for n in "$@"; do send "$n" lab_probe; ids[$n]=$SENT; done
	for n in "$@"; do collect "$n" "${ids[$n]}" 240; PROBE_T[$n]=$OUT_T; done
	failure_timings "$name" "$tk" "$j" "$@"
}

# Failure timings from the survivors' consoles (host clock): membership
# change, the example's recover_done, gfs0's recovery done, journal
# replayed, first write afterwards.
failure_timings() { # NAME KILLTIME JID SURVIVORS...
	local name=$1 tk=$2 j=$3 n t
	shift 3
	for n in "$@"; do
		console_wait "$n" "A new membership" "$tk" 60
		timing "$name" "node$n membership change" "$(ms "$tk" "$CW_T") ms after kill"
		console_wait "$n" "dlmr_example: dlmrex: recover_done" "$tk" 60
		timing "$name" "node$n dlmrex recover_done" "$(ms "$tk" "$CW_T") ms"
		console_wait "$n" "dlm: gfs0: dlm_recover [0-9]+ generation [0-9]+ done" "$tk" 60
		timing "$name" "node$n gfs0 recover done" "$(ms "$tk" "$CW_T") ms"
		t=$(console_first "jid=$j: Journal replayed" "$tk" "$n")
		[ -n "$t" ] && timing "$name" "node$n journal $j replayed" "$(ms "$tk" "$t") ms"
		timing "$name" "node$n writes again" "$(ms "$tk" "${PROBE_T[$n]}") ms"
	done
}

# ------------------------------------------- the engine on the real DLM
#
# examples/kernel/dlmr_journal.ko runs the engine (lib/engine: gfs2's
# protocol) on the real DLM, lockspace dlmrj, journals on /dev/vdd,
# beside gfs2 (gfs0) and the example (dlmrex).  At every check point each
# engine node's trace is taken between two clock probes (labclock: the
# node's offset from the host clock, to within half a round trip),
# rewritten to the host's clock and merged with the lab's crash events
# (host clock, taken as the VM is killed); dlmctl recover check
# --invariants judges the whole history (S1-S5, docs/dlmctl.8).  After a
# kill the data is checked: the last record the victim announced durable
# before the kill is found by exactly one survivor's replay, every record
# verified.
declare -A EMOUNTED=() ESTATUS=() EJID=() EKILL_T=()
CLOCK_MAX_RTT=0
EPARAMS=
EPHASE=

# a cluster's engine files; EPHASE starts a new history (the judge reads
# one history); EKIND=emu: those of dlmctl emulate (below)
edir() { echo "$RES/$CL/${EKIND:-engine}${EPHASE:+-$EPHASE}"; }
jget() { # JSON KEY -> the value (strings without quotes)
	sed -nE "s/.*\"$2\":(\"([^\"]*)\"|([^,}]*)).*/\2\3/p" <<<"$1"
}

# The engine's steps as a simulator scenario (docs/scenario-format.md):
# scenario.scn in the cluster's engine directory, saved with the traces.
escn_header() {
	mkdir -p "$(edir)"
	cat >"$(edir)/scenario.scn" <<EOF
# The engine (examples/kernel/dlmr_journal.ko) on a real cluster (Linux
# $KVER), recorded by tests/vm/lab.sh: node<N>.b<BOOT>.jsonl are each
# node's trace on the host clock, crash.jsonl the lab's kills.
nodes $CN
journals 8
lockspace dlmrj
fix slot-from-table
EOF
}
escn() { printf '%s\n' "$@" >>"$(edir)/scenario.scn"; }

# firstkill's steps as they happened, pinned with step lines, since the
# simulator's generations must be the kernel's (tests/vm/README.md, "The
# engine's traces against the simulator"): node 1 alone, up to the
# journal it was recovering when nodes 2 and 3 joined; the joins as the
# kernel ran them; each refused the control lock once; the kill; the
# retries, the first mounter's first (its request was in flight).  The
# one join pattern seen so far: node 3's join interrupted node 2's
# recovery after its slot assignment (node 1 got one prep, and every
# next done generation + 2).  Another pattern gets the approximate steps,
# which the fixture test rejects.
first_done_gen() { # TRACE
	grep -m1 '"event":"done"' "$1" | sed -nE 's/.*"generation":([0-9]+).*/\1/p'
}
escn_firstkill() { # FIRST-MOUNTER
	local d x=$1 y g1 g2 g3 preps k j
	d=$(edir)
	y=$((5 - x))
	g1=$(first_done_gen "$d/node1.b${BOOTN[1]}.jsonl")
	g2=$(first_done_gen "$d/node2.b${BOOTN[2]}.jsonl")
	g3=$(first_done_gen "$d/node3.b${BOOTN[3]}.jsonl")
	preps=$(grep -c '"event":"prep"' "$d/node1.b${BOOTN[1]}.jsonl")
	k=$(awk '/"event":"prep"/ { exit } /"event":"recovered"/ { k++ } END { print k + 0 }' \
		"$d/node1.b${BOOTN[1]}.jsonl")
	if [ "$g2" != $((g1 + 1)) ] || [ "$g3" != $((g2 + 1)) ] || [ "$preps" != 2 ]; then
		log "firstkill: joins not seen before (first done generations $g1 $g2 $g3, node1 $preps preps): scenario.scn is approximate"
		escn "# approximate: join pattern $g1 $g2 $g3, $preps preps on node 1" \
			"crash 1 at again on 3" "mount 1" "mount 2 3" wait
		return 0
	fi
	escn "# node 1 first mounter, recovering journal $k (replays delayed);" \
		"# node 2 joins (generation $g2) and is refused, then node 3" \
		"# (generation $g3); node 1 killed; node $x's retry first" \
		"mount 1" "step recovery" "step recovery" "step recovery" \
		"step callback 1" "step ast 1 control" "step ast 1 mounted" \
		"step timer 1 mount" "step ast 1 control" "step ast 1 mounted" \
		"step ast 1 journal 0"
	for ((j = 0; j < k; j++)); do
		escn "step replay 1 $j" "step ast 1 journal $((j + 1))"
	done
	escn "mount 2" "step callback 1" "step recovery" "step recovery" \
		"step recovery" "step callback 1" "step callback 2" \
		"step ast 2 control" "step ast 2 mounted" "step timer 2 mount" \
		"step ast 2 control" \
		"mount 3" "step callback 1" "step callback 2" "step recovery" \
		"step recovery" "step recovery" "step callback 1" \
		"step callback 2" "step callback 3" \
		"step ast 3 control" "step ast 3 mounted" "step timer 3 mount" \
		"step ast 3 control" \
		"crash 1" "step timer $x mount" "step timer $y mount" wait
}

# engine_collect NODE: its trace, status and replays, as node<N>.b<BOOT>.*
# (raw.jsonl: its own clock; clock: the probes around the reading)
engine_collect() {
	local n=$1 d rtt
	d=$(edir)
	mkdir -p "$d"
	local b=$d/node$n.b${BOOTN[$n]}
	run "$n" 60 'lab_clock && lab_journal_status && { lab_journal_replays | sed "s/^/R /"; } && { lab_journal_trace | sed "s/^/T /"; } && lab_clock'
	ESTATUS[$n]=$(sed -n 2p <<<"$OUT")
	sed -n 's/^R //p' <<<"$OUT" >"$b.replays"
	probes_and_trace "$b"
}
# probes_and_trace B: from OUT (a clock probe, lines, "T " trace lines, a
# clock probe), B.clock gets the probes and B.raw.jsonl the trace
probes_and_trace() {
	local rtt
	sed -n '1p;$p' <<<"$OUT" >>"$1.clock"
	sed -n 's/^T //p' <<<"$OUT" >"$1.raw.jsonl"
	for rtt in $(sed -n '1p;$p' <<<"$OUT" | awk '{ print $3 }'); do
		[ "$rtt" -gt "$CLOCK_MAX_RTT" ] && CLOCK_MAX_RTT=$rtt
	done
	return 0
}

# engine_mount NAME NODES...: mount one node at a time (insmod returns
# once mounted), EPARAMS passed to the module
engine_mount() {
	local name=$1 n st
	shift
	for n in "$@"; do
		run "$n" 300 "lab_journal_mount $EPARAMS"
		st=$(sed -n '$p' <<<"$OUT")
		EMOUNTED[$n]=1
		EJID[$n]=$(jget "$st" jid)
		ESTATUS[$n]=$st
		log "$name: node$n's engine mounted: $st"
	done
}

# engine_status_ok NAME NODE: mounted, not blocked, no refused input, no
# I/O error (from the last engine_collect)
engine_status_ok() {
	local st=${ESTATUS[$2]}
	[ "$(jget "$st" mounted)" = true ] && [ "$(jget "$st" blocked)" = false ] &&
		[ "$(jget "$st" feed_errors)" = 0 ] && [ "$(jget "$st" io_errors)" = 0 ] ||
		fail "$1: node$2's engine: $st (expected mounted, not blocked, no feed or I/O error)"
}

# engine_judge NAME [EXPECT]: the merged traces against S1-S5; EXPECT
# (a regex) makes it an expected failure: the judge must exit 1 saying it
engine_judge() {
	local name=$1 want=${2:-} d f files=() rc=0 out
	d=$(edir)
	for f in "$d"/node*.raw.jsonl; do
		[ -e "$f" ] || continue
		"$LABCLOCK" normalise "${f%.raw.jsonl}.clock" <"$f" >"${f%.raw.jsonl}.jsonl" ||
			fail "$name: labclock normalise $f failed"
		files+=("${f%.raw.jsonl}.jsonl")
	done
	[ -s "$d/crash.jsonl" ] && files+=("$d/crash.jsonl")
	out=$("$DLMCTL" recover check --invariants "${files[@]}" 2>&1) || rc=$?
	printf '%s\n' "$out" >"$RES/$name${EKIND:+.$EKIND}.judge"
	if [ -z "$want" ]; then
		[ "$rc" = 0 ] ||
			fail "$name: the engine's traces break the invariants (dlmctl recover check --invariants: exit $rc, $RES/$name.judge):"$'\n'"$(sed -n 1,12p <<<"$out")"
		log "$name: PASS: dlmctl recover check --invariants accepts the ${EKIND:-engine}'s real traces (${#files[@]} files; clock probes within $((CLOCK_MAX_RTT / 2000)) us)"
	else
		[ "$rc" = 1 ] && grep -qE "$want" <<<"$out" ||
			fail "$name: EXPECTED FAILURE MISSING: the judge should report /$want/, it exited $rc:"$'\n'"$(sed -n 1,12p <<<"$out")"
		log "$name: PASS (expected failure): the judge reports: $(grep -m1 -E "$want" <<<"$out")"
	fi
}

# engine_check NAME: every engine node collected, healthy, judged
engine_check() {
	local n
	for n in $(echo "${!EMOUNTED[@]}" | tr ' ' '\n' | sort -n); do
		engine_collect "$n"
		engine_status_ok "$1" "$n"
	done
	engine_judge "$1"
}

# Called by kill_node: the victim's trace just before, the crash after.
engine_before_kill() {
	[ -n "${EMOUNTED[$1]:-}" ] && engine_collect "$1"
	return 0
}
engine_killed() {
	[ -n "${EMOUNTED[$1]:-}" ] || return 0
	printf '{"time_ns":%s,"event":"crash","node":%s,"ls":"dlmrj"}\n' \
		"$2" "$1" >>"$(edir)/crash.jsonl"
	EKILL_T[$1]=$(now)
	unset "EMOUNTED[$1]"
}

# ns_since_kill NS VICTIM -> ms from the victim's crash event to NS
ms_since_kill() {
	local k
	k=$(sed -nE "s/\\{\"time_ns\":([0-9]+),\"event\":\"crash\",\"node\":$2,.*/\\1/p" "$(edir)/crash.jsonl" | tail -n 1)
	echo $((($1 - k) / 1000000))
}

# engine_after_kill NAME "VICTIMS" SURVIVORS...: every survivor is told
# (recover_slot) and unblocks again; the journal of each victim is
# replayed by exactly one survivor, who finds every record the victim
# announced durable before the kill; the invariants hold; timings.
engine_after_kill() {
	local name=$1 victims=$2 n v
	shift 2
	for n in "$@"; do
		for v in $victims; do
			console_wait "$n" "dlmr_journal: dlmrj: recover_slot nodeid $v " "${EKILL_T[$v]}" 120
		done
		run "$n" 300 "lab_journal_wait_unblocked 3000"
	done
	engine_check "$name"
	local d line j g sq hits r rec
	d=$(edir)
	for v in $victims; do
		line=$(awk -v a="${BOOTED[$v]}" -v t="${EKILL_T[$v]}" \
			'$1 + 0 >= a + 0 && $1 + 0 <= t + 0 && /dlmr_journal: dlmrj: durable jid/' \
			"$RES/$CL/node$v.console.log" | tail -n 1)
		[ -n "$line" ] || fail "$name: node$v announced no durable record before it was killed"
		read -r j g sq <<<"$(sed -E 's/.*durable jid ([0-9]+) gen ([0-9]+) seq ([0-9]+).*/\1 \2 \3/' <<<"$line")"
		[ "$j" = "${EJID[$v]}" ] || fail "$name: node$v wrote journal $j, its jid is ${EJID[$v]}"
		hits=$(for n in "$@"; do
			sed "s/^/node$n /" "$d/node$n.b${BOOTN[$n]}.replays" |
				grep -E "\"jid\":$j,\"owner\":[0-9]+,\"gen\":$g,\"dirty\":true" || true
		done)
		[ "$(grep -c . <<<"$hits")" = 1 ] ||
			fail "$name: node$v's journal $j gen $g: expected exactly one replay by a survivor, got:"$'\n'"${hits:-none}"
		r=${hits%% *}
		rec=$(jget "$hits" records)
		[ "$(jget "$hits" owner)" = "$v" ] && [ "$(jget "$hits" bad)" = 0 ] &&
			[ "$(jget "$hits" error)" = 0 ] && [ "$rec" -ge "$sq" ] ||
			fail "$name: node$v's journal $j (seq $sq durable before the kill): $r's replay: ${hits#* }"
		log "$name: PASS: node$v's engine journal $j gen $g: record $sq was durable before the kill; $r alone replayed it: $rec records, all verified"
		# timings on the host clock (the merged traces)
		local t
		t=$(grep -h "\"event\":\"recovered\",.*\"jid\":$j," "$d/${r}.b${BOOTN[${r#node}]}.jsonl" | tail -n 1 |
			sed -nE 's/.*"time_ns":([0-9]+).*/\1/p')
		timing "$name" "$r engine journal $j replayed" "$(ms_since_kill "$t" "$v") ms after node$v's kill"
		for n in "$@"; do
			t=$(awk -v v="$v" '/"event":"slot"/ && $0 ~ "\"nodeid\":" v "," { s = 1 }
				s && /"event":"unblock"/ { print; exit }' "$d/node$n.b${BOOTN[$n]}.jsonl" |
				sed -nE 's/.*"time_ns":([0-9]+).*/\1/p')
			[ -n "$t" ] && timing "$name" "node$n engine writes again" "$(ms_since_kill "$t" "$v") ms after node$v's kill"
		done
	done
}

# ------------------------------ the userspace driver (dlmctl emulate)
#
# The same engine through the library's driver (include/dlmrecover.h,
# group driver), twice on every node: dlmctl emulate on libdlm
# lockspace emu fed by the series' netlink events, and on emuc fed by
# corosync CPG (--source cpg); journals in /mnt/emu, /mnt/emuc on gfs2.
# cold starts both on nodes 1..N in order after gfs2 (jid = gfs2's,
# node 1 alone first mounter) and judges each one's merged traces as the
# engine's; kill checks that exactly one survivor replayed the victim's
# journal (its records all verified), judges again, then stops every
# survivor's emulates with SIGTERM (a clean leave: unmounted, leave,
# exit 0).  EMU_KINDS: the lockspaces, each its history (EKIND);
# LAB_EMU_KINDS overrides it.
EMU_KINDS=${LAB_EMU_KINDS-emu emuc} # LAB_EMU_KINDS="": none, "emu": netlink only
declare -A UMOUNTED=() UJID=() UKILL_T=()
emu_args() { [ "$1" = emuc ] && echo "--source cpg"; return 0; } # KIND
emu_src() { [ "$1" = emuc ] && echo "CPG" || echo "netlink"; } # KIND

emu_collect() { # KIND NODE: its trace between two clock probes
	local k=$1 n=$2 d
	d=$(EKIND=$k edir)
	mkdir -p "$d"
	run "$n" 60 "lab_clock && { lab_emu_trace $k | sed 's/^/T /'; } && lab_clock"
	probes_and_trace "$d/node$n.b${BOOTN[$n]}"
}

emu_judge() { # KIND NAME: every emulate of KIND collected, the merged traces judged
	local k=$1 n
	for n in $(seq 1 "$CN"); do
		[ -n "${UMOUNTED[$k:$n]:-}" ] && emu_collect "$k" "$n"
	done
	EKIND=$k engine_judge "$2"
}

emu_start() { # NAME NODES...: each kind, one node at a time, each until mounted
	local name=$1 k n first t0
	shift
	for k in $EMU_KINDS; do
		t0=$(now)
		for n in "$@"; do
			run "$n" 150 "lab_emu_start $k $(emu_args "$k")"
			UMOUNTED[$k:$n]=1
			UJID[$k:$n]=$(jget "$(sed -n '$p' <<<"$OUT")" jid)
			first=$(jget "$(sed -n '$p' <<<"$OUT")" first)
			[ "${UJID[$k:$n]}" = "${JID[$n]}" ] ||
				fail "$name: node$n: emulate $k's jid ${UJID[$k:$n]} != gfs2's ${JID[$n]}"
			[ "$first" = "$([ "$n" = "$1" ] && echo true || echo false)" ] ||
				fail "$name: node$n's emulate $k: first $first, expected only node$1 (mounted first)"
		done
		timing "$name" "emulate $k mounted on $#" "$(ms "$t0" "$(now)") ms (one at a time, $(emu_src "$k"))"
		emu_judge "$k" "$name"
		log "$name: PASS: dlmctl emulate $k ($(emu_src "$k")) mounted on nodes $*: jids $(for n in "$@"; do printf '%s ' "${UJID[$k:$n]}"; done)= gfs2's, node$1 first mounter"
	done
}

emu_before_kill() { # NODE (kill_one, before the kill)
	local k
	for k in $EMU_KINDS; do
		[ -n "${UMOUNTED[$k:$1]:-}" ] && emu_collect "$k" "$1"
	done
	return 0
}
emu_killed() { # NODE KILLTIME_NS (kill_node)
	local k d
	for k in $EMU_KINDS; do
		[ -n "${UMOUNTED[$k:$1]:-}" ] || continue
		d=$(EKIND=$k edir)
		printf '{"time_ns":%s,"event":"crash","node":%s,"ls":"%s"}\n' \
			"$2" "$1" "$k" >>"$d/crash.jsonl"
		UKILL_T[$k:$1]=$(now)
		unset "UMOUNTED[$k:$1]"
	done
}

emu_after_kill() { # NAME VICTIM SURVIVORS...
	local name=$1 v=$2 k
	shift 2
	for k in $EMU_KINDS; do
		[ -n "${UKILL_T[$k:$v]:-}" ] && emu_after_kill1 "$k" "$name" "$v" "$@"
	done
	return 0
}
emu_after_kill1() { # KIND NAME VICTIM SURVIVORS...
	local k=$1 name=$2 v=$3 n d j hits r t c
	shift 3
	j=${UJID[$k:$v]}
	for n in "$@"; do
		run "$n" 300 "lab_emu_wait_slot $k $v 1200 && lab_emu_wait_unblocked $k 3000"
	done
	emu_judge "$k" "$name"
	d=$(EKIND=$k edir)
	hits=$(for n in "$@"; do
		grep -h "\"event\":\"recovered\",.*\"jid\":$j,\"status\":1," "$d/node$n.b${BOOTN[$n]}.jsonl" |
			sed "s/^/node$n /" || true
	done)
	[ "$(grep -c . <<<"$hits")" = 1 ] ||
		fail "$name: node$v's emulate $k journal $j: expected exactly one replay by a survivor, got:"$'\n'"${hits:-none}"
	r=${hits%% *}
	grep -qE "\"detail\":\"replayed [1-9][0-9]* records of node $v gen [0-9]+ bad 0\"" <<<"$hits" ||
		fail "$name: node$v's emulate $k journal $j: $r's replay: ${hits#* }"
	c=$(sed -nE "s/\\{\"time_ns\":([0-9]+),\"event\":\"crash\",\"node\":$v,.*/\\1/p" "$d/crash.jsonl" | tail -n 1)
	t=$(jget "${hits#* }" time_ns)
	timing "$name" "$r emulate $k journal $j replayed" "$(((t - c) / 1000000)) ms after node$v's kill ($(emu_src "$k"))"
	for n in "$@"; do
		# the done that removed the victim, as the survivor's driver read it
		t=$(awk -v v="$v" '/"event":"slot"/ && $0 ~ "\"nodeid\":" v "," { s = 1 }
			s && /"event":"done"/ { print; exit }' "$d/node$n.b${BOOTN[$n]}.jsonl" |
			sed -nE 's/.*"time_ns":([0-9]+).*/\1/p')
		[ -n "$t" ] && timing "$name" "node$n emulate $k done" "$(((t - c) / 1000000)) ms after node$v's kill ($(emu_src "$k"))"
	done
	log "$name: PASS: node$v's emulate $k ($(emu_src "$k")) journal $j replayed by $r alone: $(jget "${hits#* }" detail)"
	# a clean leave on SIGTERM: unmounted, the lockspace released, exit 0
	for n in "$@"; do
		run "$n" 60 "lab_emu_stop $k"
		emu_collect "$k" "$n"
		grep -q '"event":"unmounted"' "$d/node$n.b${BOOTN[$n]}.raw.jsonl" &&
			tail -n 1 "$d/node$n.b${BOOTN[$n]}.raw.jsonl" | grep -q '"event":"leave"' ||
			fail "$name: node$n's emulate $k did not unmount and leave on SIGTERM"
	done
	EKIND=$k engine_judge "$name"
	for n in "$@"; do unset "UMOUNTED[$k:$n]"; done
	log "$name: PASS: every survivor's emulate $k left cleanly on SIGTERM (unmounted, released, exit 0); the judge accepts the merged traces"
}

# ------------------------------------------- md-cluster beside the others
#
# A clustered RAID1 (/dev/md0 on /dev/vdb + /dev/vdc, md-cluster) in the
# main and double clusters, beside gfs2, the example and the engine.  Node
# 1 creates it (CN bitmap slots), the others assemble it, each with a
# dlmctl recover watch -j of md's lockspace (named after the array's UUID,
# so known before the join) started before.  At every check point, on
# every node: md-cluster's own slot (its "Joined cluster LS slot N" line;
# md's bitmap slot is N - 1) = dlmctl slots -j's our_slot for md's
# lockspace = the watch's last done, and the watch's trace passes dlmctl
# recover check.  After a kill: each survivor's md logs "CLUSTER Node V/S down.
# My slot: M" with S the victim's md slot and M its own, its watch has the
# same slot event, and a survivor resyncs what the victim's bitmap had
# dirty (the victim wrote to the array until it died).
MDUUID=5eed0101:5eed0102:5eed0103:5eed0104
MDLS=
declare -A MDSLOT=() KILLED_T=()
md_ls_of() { local u=${1//:/}; echo "${u:0:8}-${u:8:4}-${u:12:4}-${u:16:4}-${u:20:12}"; }

md_start() { # NAME
	local name=$1 n
	MDLS=$(md_ls_of "$MDUUID")
	for n in $(seq 1 "$CN"); do run "$n" 30 "lab_watch_start $MDLS"; done
	run 1 120 "lab_md_create $MDUUID $CN"
	for n in $(seq 2 "$CN"); do run "$n" 120 lab_md_assemble; done
	run 1 10 lab_md_ls
	[ "$OUT" = "$MDLS" ] ||
		fail "$name: md's lockspace is '$OUT', expected $MDLS (from --uuid $MDUUID)"
	md_check "$name" $(seq 1 "$CN")
}

# md_check NAME NODES...
md_check() {
	local name=$1 n line s our w
	shift
	for n in "$@"; do
		console_wait "$n" "md-cluster: Joined cluster $MDLS slot [0-9]+" "${BOOTED[$n]}" 30
		line=$(awk -v s="${BOOTED[$n]}" -v re="md-cluster: Joined cluster $MDLS slot [0-9]+" \
			'$1 + 0 >= s + 0 && $0 ~ re' "$RES/$CL/node$n.console.log" | tail -n 1)
		s=$(sed -nE 's/.* slot ([0-9]+).*/\1/p' <<<"$line")
		run "$n" 30 "dlmctl slots -j $MDLS"
		our=$(sed -nE 's/.*"our_slot":(-?[0-9]+).*/\1/p' <<<"$OUT")
		run "$n" 30 "grep '\"event\":\"done\"' /tmp/watch.$MDLS | tail -n 1"
		w=$(sed -nE 's/.*"our_slot":(-?[0-9]+).*/\1/p' <<<"$OUT")
		[ -n "$s" ] && [ "$s" = "$our" ] && [ "$s" = "$w" ] ||
			fail "$name: node$n: md-cluster says slot '$s', dlmctl slots -j $MDLS our_slot '$our', its watch's last done '$w'"
		run "$n" 30 "dlmctl recover check /tmp/watch.$MDLS"
		MDSLOT[$n]=$s
	done
	log "$name: PASS: md-cluster's own slot = dlmctl slots' our_slot = its watch's on node(s) $* ($(for n in "$@"; do printf 'node%s:%s ' "$n" "${MDSLOT[$n]}"; done| sed 's/ $//')); recover check accepts the watches"
}

# md_after_kill NAME "VICTIMS" SURVIVORS...
md_after_kill() {
	local name=$1 victims=$2 n v t first= tf=
	shift 2
	for n in "$@"; do
		for v in $victims; do
			console_wait "$n" "md-cluster: [^ ]+ Node $v/-?[0-9]+ down" "${KILLED_T[$v]}" 120
			[[ $CW_LINE == *"Node $v/${MDSLOT[$v]} down. My slot: ${MDSLOT[$n]}."* ]] ||
				fail "$name: node$n's md-cluster logged '${CW_LINE#* }'; expected Node $v/${MDSLOT[$v]} down, My slot: ${MDSLOT[$n]}"
			timing "$name" "node$n md: node$v down" "$(ms "${KILLED_T[$v]}" "$CW_T") ms after node$v's kill"
			run "$n" 60 "lab_watch_wait $MDLS '\"event\":\"slot\".*\"nodeid\":$v,\"slot\":${MDSLOT[$v]}}' 300"
		done
	done
	# the victims' dirty bitmaps merged (md_bitmap_copy_from_slot), then
	# resynced by the survivor that merged them
	local deadline=$((SECONDS + 60 * SLOW))
	while [ -z "$first" ]; do
		for n in "$@"; do
			t=$(console_first "md: resync of RAID array md0" "${KILLED_T[${victims%% *}]}" "$n")
			[ -n "$t" ] && { first=node$n; tf=$t; break; }
		done
		[ -n "$first" ] && break
		[ $SECONDS -ge $deadline ] &&
			fail "$name: no survivor resynced md0 within 60 s: node(s) $victims' dirty bitmap was not merged"
		sleep 0.5
	done
	timing "$name" "$first md bitmap merged" "$(ms "${KILLED_T[${victims%% *}]}" "$tf") ms after the kill (resync started)"
	log "$name: PASS: every survivor's md-cluster reported node(s) $victims down with their slots, as its watch did; $first merged the dirty bitmap and resyncs"
	md_check "$name" "$@"
}

# d. the killed node reboots and rejoins: lowest free slot (its old one),
# jid = slot - 1, first = 0; the others see prep and done, no slot.
rejoin() {
	local name=rejoin v=${VICTIM:?} n s exp
	for n in "${!UP[@]}"; do last_done "$n"; done
	local others=("${!UP[@]}")
	# the kernel gives the lowest free slot
	exp=$(for s in $(seq 1 "$CN"); do
		echo "$EX_TABLE" | tr , '\n' | grep -q "/$s\$" || { echo "$s"; break; }; done)
	local tb
	tb=$(now)
	describe "$name" "at ${tb}s node$v rebooted; it joins the example lockspace, then mounts gfs2" "mount $v" wait
	start_node "$v"
	wait_ready "$v"
	# the rejoined node's watch starts before its join, as in cold_start
	run "$v" 30 "lab_watch_start dlmrex"
	run "$v" 120 lab_example_join
	UP[$v]=1
	console_wait "$v" "LAB: node$v example joined" "$tb" 5
	timing "$name" "node$v boot>quorum>joined" \
		"$(ms "$tb" "${TQ[$v]}") / $(ms "$tb" "$CW_T") ms after launch"
	run "$v" 180 lab_mount
	last_done "$v"
	[ "$LAST_OUR" = "$exp" ] || fail "$name: node$v got slot $LAST_OUR, expected $exp"
	local table=$LAST_TABLE
	expect_new "$name" prep "$table" "${others[@]}"
	gfs2_state "$v"
	[ "${GFS[jid]}" = $((GSLOT - 1)) ] ||
		fail "$name: node$v: gfs2 jid ${GFS[jid]} != gfs0 slot $GSLOT - 1"
	[ "${GFS[first]}" = 0 ] || fail "$name: node$v: first=${GFS[first]}, expected 0"
	JID[$v]=${GFS[jid]}
	# the engine: its old slot again, so gfs2's jid; its own journal was
	# replayed by a survivor, so it finds it clean
	escn "mount $v" wait
	engine_mount "$name" "$v"
	[ "${EJID[$v]}" = "${JID[$v]}" ] && [ "$(jget "${ESTATUS[$v]}" first)" = false ] ||
		fail "$name: node$v's engine: ${ESTATUS[$v]}; expected jid ${JID[$v]} (gfs2's), first false"
	engine_check "$name"
	run "$v" 30 "lab_watch_start $MDLS"
	run "$v" 120 lab_md_assemble
	md_check "$name" $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	EX_TABLE=$table
	EX_GEN=$((EX_GEN + 1))
	log "$name: PASS: node$v example slot $LAST_OUR, gfs0 slot $GSLOT jid ${GFS[jid]} first 0; others saw prep, done"
	sysfs_check "$name" "$tb" $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	watch_check "$name" "$EX_GEN" peek $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	# the rejoiner's last recovery is its initial join, the others' its join
	last_check "$name" - "$v" - "$v" $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	save_traces "$name"
}

# e. a clean unmount and leave on node 2: the others see prep and done
# only (no slot: the DLM tells a clean leave from a failure).
leave() {
	local name=leave v=2 n s
	for n in "${!UP[@]}"; do last_done "$n"; done
	local tl
	# the leaver's example trace is gone with the module: taken before
	new_events "$v" 0
	local vnew=$NEW vtrace=$TRACE vseq
	vseq=$(seq_of "$TRACE" | tr , '\n' | tail -n 1)
	tl=$(now)
	describe "$name" "at ${tl}s node$v unmounted gfs2 and left the example lockspace (rmmod)" "leave $v" wait
	run "$v" 120 lab_umount
	run "$v" 120 lab_example_leave
	# the engine unmounts and leaves dlmrj: its trace ends with leave
	escn "leave $v" wait
	run "$v" 120 lab_journal_unmount
	engine_collect "$v"
	[ "$(jget "${ESTATUS[$v]}" left)" = true ] && [ "$(jget "${ESTATUS[$v]}" feed_errors)" = 0 ] ||
		fail "$name: node$v's engine after unmount: ${ESTATUS[$v]}"
	run "$v" 30 lab_journal_rmmod
	unset "EMOUNTED[$v]"
	run "$v" 60 lab_md_stop
	unset "UP[$v]"
	local table
	table=$(table_without "$EX_TABLE" "$v")
	expect_new "$name" prep "$table" "${!UP[@]}"
	watch_check "$name" "$((EX_GEN + 1))" peek $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	# The leaver's watch: its example's whole trace, then the prep of its
	# own leave (dlm_controld stops the lockspace before the release; the
	# example's recover_prep ran too, but its trace went with rmmod).
	run "$v" 30 "lab_watch_wait dlmrex '\"seq\":$((vseq + 1)),\"event\":\"prep\"' 100 && lab_watch_stop dlmrex"
	mkdir -p "$RES/traces/$name"
	watch_same "$name" "$v" "$OUT" "$vnew prep" "$vtrace
{\"seq\":$((vseq + 1))}"
	run "$v" 30 "dlmctl recover check /tmp/watch.dlmrex"
	watch_err "$name" "$v"
	log "$name: PASS: node$v's dlmctl recover watch -j dlmrex saw its example's events, then the prep (seq $((vseq + 1))) of its leave; recover check accepts them; stopped, exit 0"
	sysfs_check "$name" "$tl" $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	last_check "$name" - "" - "" $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	# node v left both lockspaces: their sysfs directories are gone
	run "$v" 30 "wait_for '[ -z \"\$(ls /sys/kernel/dlm)\" ]' 100; ls /sys/kernel/dlm"
	[ -z "$OUT" ] || fail "$name: node$v still has /sys/kernel/dlm/{$OUT}"
	EX_TABLE=$table
	EX_GEN=$((EX_GEN + 1))
	log "$name: PASS: the others saw prep, done gen $EX_GEN [$EX_TABLE], no slot"
	# the engine's survivors: a clean leave is no failure (no slot, no
	# recovery), the invariants hold
	engine_check "$name"
	for n in "${!EMOUNTED[@]}"; do
		! grep -q "\"event\":\"slot\",\"node\":$n,\"ls\":\"dlmrj\",\"nodeid\":$v," \
			"$(edir)/node$n.b${BOOTN[$n]}.jsonl" ||
			fail "$name: node$n's engine got recover_slot for node$v, which left cleanly"
		run "$n" 30 "grep -c '\"event\":\"slot\".*\"nodeid\":$v,' /tmp/watch.$MDLS || true"
		[ "$OUT" = 0 ] || fail "$name: node$n's watch of md's lockspace has a slot event for node$v, which left cleanly"
	done
	md_check "$name" $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	save_traces "$name"
}

# c. a second failure during the recovery of the first (4 nodes; node 1
# has 2 votes so nodes 1+2 keep quorum, 3 of 5).  Node 4's DLM traffic
# (TCP) is dropped inside node 4 (tc) just before node 3 is killed, so the survivors'
# recovery of node 3, which includes node 4, is certainly still running
# (waiting for node 4) when node 4 is killed.
double() {
	local name=double a=3 b=4 n s surv=() base_gen=$EX_GEN ta tb
	for n in $(seq 1 "$CN"); do [ "$n" != $a ] && [ "$n" != $b ] && surv+=("$n"); done
	prepare_failure "$name" "$a" "$b"
	for n in "$a" "$b"; do run "$n" 30 lab_md_writer_start; done
	escn "crash $b at slot on 1" "crash $a" wait
	for n in "${surv[@]}"; do last_done "$n"; done
	local sa sb
	sa=$(slot_of "$EX_TABLE" "$a")
	sb=$(slot_of "$EX_TABLE" "$b")
	run "$b" 30 lab_drop_tcp
	kill_node "$a"
	ta=${KILLED_T[$a]}
	unset "UP[$a]"
	log "$name: node$b's TCP dropped, node$a killed"
	# the survivors' kernel recovery of node a starts (with b still a member)
	console_wait 1 "dlm: dlmrex: dlm_recover [0-9]+$" "$ta" 60
	console_wait 1 "dlm: gfs0: dlm_recover [0-9]+$" "$ta" 60
	kill_node "$b"
	tb=${KILLED_T[$b]}
	unset "UP[$b]"
	log "$name: node$b killed during the recovery of node$a"
	timing "$name" "node$b killed" "$(ms "$ta" "$tb") ms after node$a"
	describe "$name" "at ${ta}s node$b's DLM TCP traffic dropped and node$a killed; at ${tb}s, once node1's kernel started recovering dlmrex and gfs0 (with node$b still a member), node$b killed" \
		"crash $b at slot on 1	# node1's recover_slot for node$a: its recovery is running" "crash $a" wait
	after_failure "$name" "$ta" "${JID[$a]}" "${surv[@]}"
	local table
	table=$(table_without "$(table_without "$EX_TABLE" "$a")" "$b")
	# What the kernel did (Linux 6.1, observed in the lab and asserted):
	# ONE prep (the lockspace stays stopped across the interrupted
	# recovery), slot for node a (first recovery, before it blocked), slot
	# for node b (the restarted recovery), ONE done, generation + 1.
	expect_new "$name" "prep slot:$a:$sa slot:$b:$sb" "$table" "${surv[@]}"
	watch_check "$name" $((base_gen + 1)) stop "${surv[@]}"
	for n in "${surv[@]}"; do
		grep -q "dlm: dlmrex: .*interrupted" "$RES/$CL/node$n.console.log" ||
			grep -q "dlm: dlmrex: .*error -4" "$RES/$CL/node$n.console.log" ||
			log "$name: note: node$n's console shows no interrupted dlmrex recovery"
	done
	replayed "$name" "$ta" "${JID[$a]}" "${surv[@]}"
	replayed "$name" "$ta" "${JID[$b]}" "${surv[@]}"
	verify_after_failure "$name" "${surv[@]}"
	engine_after_kill "$name" "$a $b" "${surv[@]}"
	md_after_kill "$name" "$a $b" "${surv[@]}"
	sysfs_check "$name" "$ta" "${surv[@]}"
	# one recovery (the first prep) that reported both
	last_check "$name" "$a/$sa,$b/$sb" "" "$a/$((JID[$a] + 1)),$b/$((JID[$b] + 1))" "" "${surv[@]}"
	EX_TABLE=$table
	EX_GEN=$((base_gen + 1))
	log "$name: PASS: survivors saw one prep, slots $a then $b, one done gen $EX_GEN [$EX_TABLE]"
	save_traces "$name"
}

# f. loss is detected, never silent: on node 1, two dlmctl recover watch
# -j of every lockspace, a control one with a big buffer (16 MiB) and a
# small one (--rcvbuf 4096).  Both see a warm-up lockspace (flw: join,
# leave), then the small one is stopped (SIGSTOP) while FLOOD lockspaces
# fl1..flFLOOD are joined and left (dlm_tool), continued (SIGCONT), and
# both see flw again (re-created: its seq restarts at 1) and a last one
# (flend).
flood() {
	local name=flood n=1 t0 t1 d=$RES/flood
	mkdir -p "$d"
	run $n 30 "echo 16777216 >/proc/sys/net/core/rmem_max"
	run $n 30 "lab_watch_start fbig -j --rcvbuf 16777216"
	run $n 30 "lab_watch_start fsmall -j --rcvbuf 4096"
	run $n 60 "dlm_tool join flw >/dev/null && dlm_tool leave flw >/dev/null && lab_watch_wait fsmall '$(flood_ere flw)' 100"
	run $n 30 "kill -STOP \$(cat /tmp/watch.fsmall.pid)"
	t0=$(now)
	run $n 600 "lab_flood fl $FLOOD"
	t1=$OUT_T
	timing "$name" "$FLOOD joins+leaves" "$(ms "$t0" "$t1") ms"
	# continue the small watch; once its socket is drained (Rmem 0), the
	# events of flw, re-created, and of a last lockspace reach it again
	run $n 30 "p=\$(cat /tmp/watch.fsmall.pid); kill -CONT \$p; wait_for '[ \"\$(lab_netlink \$p | cut -d\" \" -f1)\" = 0 ]' 300 && lab_netlink \$p"
	local drops=${OUT#* }
	run $n 60 "dlm_tool join flw >/dev/null && dlm_tool leave flw >/dev/null && dlm_tool join flend >/dev/null && dlm_tool leave flend >/dev/null && lab_watch_wait fsmall '$(flood_ere flend)' 100 && lab_watch_wait fbig '$(flood_ere flend)' 100"
	run $n 30 "lab_watch_stop fbig"
	local big=$OUT
	# stderr: its readiness line, nothing else
	run $n 30 "cat /tmp/watch.fbig.err"
	[ "$OUT" = "$READY_ALL" ] ||
		fail "$name: the control watch (big buffer) said on stderr '$OUT', expected only '$READY_ALL'"
	run $n 30 "lab_watch_stop fsmall"
	local small=$OUT
	run $n 30 "cat /tmp/watch.fsmall.err"
	local notices=$OUT
	echo "$big" >"$d/node$n.big.jsonl"
	echo "$small" >"$d/node$n.small.jsonl"
	echo "$notices" >"$d/node$n.small.err"
	# the control: every event, in lockspace order: done (seq 1) at the
	# join, prep (seq 2) at the leave, for flw, fl1..flN, flw, flend; no
	# loss (a re-created name is not one)
	local want got
	want=$(for l in flw $(seq -f "fl%g" 1 "$FLOOD") flw flend; do
		echo "1 done $l"; echo "2 prep $l"; done)
	got=$(echo "$big" | sed -E 's/.*"seq":([0-9]+),"event":"([a-z]+)","node":[0-9]+,"ls":"([^"]*)".*/\1 \2 \3/')
	[ "$got" = "$want" ] ||
		fail "$name: the control watch (big buffer) did not see exactly done, prep of flw, fl1..fl$FLOOD, flw, flend: $(diff <(echo "$want") <(echo "$got") | head -n 5 | paste -sd' ')"
	local total
	total=$(echo "$big" | wc -l)
	# the small one: what it got is the control's lines (same order)...
	local recvd lost
	recvd=$(echo "$small" | grep -cv '"event":"lost"' || true)
	lost=$(echo "$small" | grep -c '"event":"lost"' || true)
	[ -z "$(echo "$small" | grep -v '"event":"lost"' | grep -vxF -f <(echo "$big"))" ] ||
		fail "$name: the small watch printed events the control did not"
	[ "$(echo "$small" | grep -v '"event":"lost"' | grep -xF -f - <(echo "$big"))" = \
		"$(echo "$small" | grep -v '"event":"lost"')" ] ||
		fail "$name: the small watch's events are not in the control's order"
	# ...including both flw's (before the stop, after the drain) and flend
	[ "$(echo "$small" | grep -v '"event":"lost"' | grep -Ec '"ls":"(flw|flend)"')" = 6 ] ||
		fail "$name: the small watch did not get the 6 events of flw, flw again and flend"
	# ...it reported the loss (lost lines, one stderr notice each)...
	[ "$lost" -ge 1 ] || fail "$name: the small watch lost $((total - recvd)) events and reported no loss"
	# (stderr: its readiness line first, then only the notices)
	[ "$(echo "$notices" | head -n 1)" = "$READY_ALL" ] ||
		fail "$name: the small watch's stderr does not start with '$READY_ALL': $notices"
	[ "$(echo "$notices" | tail -n +2 | grep -c ' lost ')" = "$lost" ] &&
		[ "$(echo "$notices" | tail -n +2 | wc -l)" = "$lost" ] ||
		fail "$name: $lost lost lines but stderr says: $notices"
	# ...the kernel's drop counter accounts for every event it did not get
	[ $((recvd + drops)) = "$total" ] ||
		fail "$name: the small watch got $recvd events, its socket dropped $drops, the kernel sent $total"
	# ...and every event it missed is covered by a lost line for its
	# lockspace (or for all: ls "") between the lockspace's events it got
	# before and after it: never a silent loss
	local silent
	silent=$(flood_uncovered "$big" "$small")
	[ -z "$silent" ] ||
		fail "$name: events lost without a loss notice for their lockspace: $(echo "$silent" | head -n 5 | paste -sd' ') ($(echo "$silent" | wc -l) in all)"
	echo "control: $total events, no loss; small (--rcvbuf 4096, stopped during the flood): $recvd received, $drops dropped by the kernel, $lost lost lines: $(echo "$small" | grep '"event":"lost"' | paste -sd' ')" \
		>"$RES/$name.observed"
	timing "$name" "events sent / received" "$total / $recvd by the stopped watch ($drops dropped, $lost lost notices)"
	log "$name: PASS: $FLOOD lockspaces joined and left in $(ms "$t0" "$t1") ms: the control watch saw all $total events, no loss; the stopped one (--rcvbuf 4096) got $recvd, the kernel dropped $drops, and it reported the loss ($lost lost lines), none silent"
}

# bench_time WHAT 'CMD A' 'CMD B': dlmr-bench time on node 1 ($k runs)
bench_time() {
	run $n 600 "dlmr-bench time $k '$2' '$3'"
	echo "(a) $1, $k runs each, interleaved: A = $2, B = $3: $OUT" >>"$out"
	log "$name: $1: A = $2, B = $3: $OUT"
}

# the readiness line of dlmctl recover watch (without a lockspace)
READY_ALL="dlmctl: recover watch: subscribed (all lockspaces)"

# the ERE of a lockspace's prep at its leave (seq 2) in a watch's output
flood_ere() { echo "\"seq\":2,\"event\":\"prep\",\"node\":[0-9]+,\"ls\":\"$1\""; }

# flood_uncovered ALL GOT: the events "LS SEQ" of ALL (JSON Lines) missing
# from GOT with no lost line for LS or "" in GOT after GOT's last event of
# LS with a lower seq and before its first with a higher one.
flood_uncovered() {
	awk '
	function field(l, f,   m) {
		if (match(l, "\"" f "\":\"?[^\",]*")) {
			m = substr(l, RSTART + length(f) + 3, RLENGTH - length(f) - 3)
			sub(/^"/, "", m)
			return m
		}
		return ""
	}
	FNR == NR { all[++na] = $0; next }
	{
		i = FNR
		ls = field($0, "ls")
		if ($0 ~ /"event":"lost"/) { lostat[i] = ls; next }
		got[ls, field($0, "seq")] = i
	}
	END {
		ng = FNR
		for (a = 1; a <= na; a++) {
			ls = field(all[a], "ls"); s = field(all[a], "seq") + 0
			if ((ls, s) in got) continue
			lo = 0; hi = ng + 1
			for (k = s - 1; k >= 1; k--) if ((ls, k) in got) { lo = got[ls, k]; break }
			for (k = s + 1; k <= s + 1000; k++) if ((ls, k) in got) { hi = got[ls, k]; break }
			ok = 0
			for (j = lo + 1; j < hi; j++)
				if ((j in lostat) && (lostat[j] == ls || lostat[j] == "")) { ok = 1; break }
			if (!ok) print ls, s
		}
	}' <(echo "$1") <(echo "$2")
}

# g. bench (bench/kernel/run): on node 1, (a) the wall time of dlmctl slots -j
# against dlm_tool ls on the same lockspaces (1, then 20), BENCH_K runs
# each, interleaved; (b) the delay from an event's kernel time_ns
# (CLOCK_REALTIME) to its arrival in a libdlmrecover watcher (dlmr-bench
# latency) over BENCH_CYCLES lockspace joins and leaves (2 events each).
bench() {
	local name=bench n=1 k=${LAB_BENCH_K:-50} cyc=${LAB_BENCH_CYCLES:-150} ls i
	local out=$RES/bench.txt
	{
		echo "host: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(qemu-system-x86_64 --version | head -n 1)"
		echo "guest: TCG, 1 vCPU, $MEM MiB, Linux $KVER; $CN-node cluster"
		[ -r /proc/loadavg ] && echo "host load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$out"
	run $n 60 "dlm_tool join bl1 >/dev/null"
	for ls in 1 20; do
		if [ "$ls" = 20 ]; then
			run $n 120 "for i in \$(seq 2 20); do dlm_tool join bl\$i >/dev/null || exit 1; done"
		fi
		run $n 30 "[ \$(dlm_tool ls | grep -c '^name') = $ls ] && [ \$(dlmctl slots -j | grep -o '\"ls\"' | wc -l) = $ls ]"
		bench_time "$ls lockspace(s)" 'dlmctl slots -j' 'dlm_tool ls'
	done
	# where dlmctl's time goes: starting it at all, and exec alone
	bench_time "20 lockspaces" 'dlmctl --version' 'dlmctl slots -j'
	bench_time "exec baseline" '/bin/true' 'dlm_tool ls'
	# both programs started and nothing else: the dynamic loader and libc
	bench_time "start only" 'dlm_tool -h' 'dlmctl --version'
	run $n 30 "dlmr-bench latency --count $((2 * cyc)) >/tmp/lat 2>/tmp/lat.err & wait_for 'grep -q subscribed /tmp/lat.err' 100"
	run $n 600 "lab_flood lat $cyc && wait_for '[ \$(wc -l </tmp/lat) -ge $((2 * cyc)) ]' 100 && wait_for 'grep -q ^events /tmp/lat.err' 50 && grep ^events /tmp/lat.err"
	echo "(b) $cyc joins and leaves (dlm_tool), time_ns to arrival in dlmr-bench latency: $OUT" >>"$out"
	log "$name: event delivery (kernel time_ns to arrival, CLOCK_REALTIME): $OUT"
	run $n 30 "cat /tmp/lat"
	echo "$OUT" >"$RES/bench.latency"
	echo
	cat "$out"
}

# h. stock: Debian's own dlm.ko (nothing of kernel/patches), the cold
# start and the kill of a and b without what needs the series (dlmctl):
# the baseline of the kernel-log allowlist.  Every allowed hit that the
# patched module's clusters of this run showed must show here too, or the
# allowlist's "not ours" is not proven; and no hit may be new.
stock() {
	local name=stock n v=$CN tk surv=() e
	for n in $(seq 1 $((CN - 1))); do surv+=("$n"); done
	local vjid
	for n in $(seq "$CN" -1 1); do run "$n" 120 lab_example_join; UP[$n]=1; done
	# the stock module: the lockspace is in sysfs, patch 0004's
	# generation is not
	try 1 10 "[ -d /sys/kernel/dlm/dlmrex ] && ! [ -e /sys/kernel/dlm/dlmrex/generation ]" ||
		fail "$name: not the stock dlm.ko (or node1 did not answer: $WHY)"
	# dlmctl on the stock module: recover watch of gfs0 from before the
	# mounts, from the kernel log (the family is missing)
	for n in $(seq 1 "$CN"); do
		run "$n" 30 "lab_watch_start kgfs -j gfs0"
		run "$n" 30 "lab_watch_start kgfsh gfs0" # human-mode
	done
	for n in $(seq 1 "$CN"); do run "$n" 180 lab_mount; done
	# shellcheck disable=SC2046
	stock_klog "$name" slots $(seq 1 "$CN")
	run "$v" 10 "cat /sys/fs/gfs2/lab:gfs0/lock_module/jid"
	vjid=$OUT
	prepare_failure "$name" "$v"
	tk=$(now)
	kill_node "$v"
	unset "UP[$v]"
	log "$name: killed node$v (gfs2 jid $vjid), stock dlm.ko"
	after_failure "$name" "$tk" "$vjid" "${surv[@]}"
	replayed "$name" "$tk" "$vjid" "${surv[@]}"
	verify_after_failure "$name" "${surv[@]}"
	stock_klog "$name" "$v/$((vjid + 1))" "${surv[@]}"
	klog_check "$name"
	# the allowed hits of the patched clusters (main, double), by entry
	while IFS= read -r e; do
		grep -qF "$e	$RES/stock/" "$RES/klog.allowed" ||
			fail "$name: allowed hit '$e' was seen with the patched dlm.ko but not with the stock one: is it ours?"
		log "$name: PASS: '$e' happens with Debian's own dlm.ko too"
	done < <(grep -v "	$RES/stock/" "$RES/klog.allowed" 2>/dev/null | cut -f1 | sort -u)
	log "$name: PASS: stock dlm.ko: journal $vjid replayed, files intact, kernel log as allowed"
}

# stock_klog NAME slots|VICTIM/SLOT NODES...: dlmctl on Debian's own
# dlm.ko falls back to the kernel log.  On each node: dlmctl slots -j gfs0
# says so (source kernel-log) and gives the kernel's own slot line of gfs0
# and gfs2's jid; with VICTIM/SLOT (after a kill) also: the watch started
# before the mounts (tag kgfs) saw the kill as prep, slot VICTIM SLOT,
# done of the line's generation, and dlmctl recover check accepts it.
stock_klog() {
	local name=$1 what=$2 n want gtab w
	shift 2
	mkdir -p "$RES/traces/$name"
	for n in "$@"; do
		gfs2_state "$n"
		[ "${GFS[jid]}" = $((GSLOT - 1)) ] ||
			fail "$name: node$n: gfs2 jid ${GFS[jid]} != gfs0 slot $GSLOT - 1"
		gtab=$(echo "$GLINE" | sed -E 's/.*slots [0-9]+ //' | tr ' ' '\n' |
			awk -F: 'NF == 2 { print $2 "/" $1 }' | sort -n | paste -sd,)
		want="gfs0 $GGEN $GSLOT $gtab ${GFS[jid]}"
		run "$n" 30 "dlmctl slots -j gfs0"
		echo "$name node$n dlmctl slots -j (stock): $OUT" >>"$RES/$name.observed"
		grep -q '"source":"kernel-log"' <<<"$OUT" ||
			fail "$name: node$n: dlmctl slots -j on the stock dlm.ko does not say it read the kernel log: $OUT"
		[ "$(slots_compact "$OUT")" = "$want" ] ||
			fail "$name: node$n: dlmctl slots -j (kernel log) says '$(slots_compact "$OUT")', the kernel's line and gfs2 '$want'"
		[ "$what" = slots ] && continue
		run "$n" 30 "lab_watch_upto kgfs $GGEN"
		echo "$OUT" >"$RES/traces/$name/node$n.klog-watch.jsonl"
		w=$(echo "$OUT" | awk '/"event":"prep"/ { p = NR } END { print p + 0 }')
		w=$(compact_events "$(echo "$OUT" | tail -n +"$((w > 0 ? w : 1))")" | paste -sd' ')
		echo "node$n klog watch from the last prep: $w" >>"$RES/$name.observed"
		case $w in
		"prep slot:${what%/*}:${what#*/} done:$GGEN:"*) ;;
		*) fail "$name: node$n: dlmctl recover watch (kernel log) saw '$w' for the kill, expected prep, slot ${what%/*} ${what#*/}, done $GGEN" ;;
		esac
		run "$n" 30 "dlmctl recover check /tmp/watch.kgfs"
		# the human-mode watch: the same slot event, with its time
		run "$n" 30 "cat /tmp/watch.kgfsh"
		echo "node$n klog watch (human): $(echo "$OUT" | paste -sd'|')" >>"$RES/$name.observed"
		grep -qE "^20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8}\.[0-9]{3} UTC gfs0 #[0-9]+ slot nodeid ${what%/*} slot ${what#*/}\$" <<<"$OUT" ||
			fail "$name: node$n: the human-mode dlmctl recover watch printed no timed slot line for node ${what%/*}: $(echo "$OUT" | tail -n 3 | paste -sd'|')"
	done
	if [ "$what" = slots ]; then
		log "$name: PASS: dlmctl slots on the stock dlm.ko, from the kernel log, = the kernel's gfs0 line and gfs2's jid on node(s) $*"
	else
		log "$name: PASS: dlmctl recover watch on the stock dlm.ko, from the kernel log, saw prep, slot ${what%/*} ${what#*/}, done $GGEN on node(s) $*; recover check accepts it"
	fi
}

# put_lines NODE FILE GUESTFILE: copy a host file of simple lines (no
# quotes) to the guest through the agent, 20 lines a command; soft (try).
put_lines() {
	local n=$1 cmd="rm -f $3" k=0 line
	while IFS= read -r line; do
		cmd="$cmd; echo '$line' >>$3"
		k=$((k + 1))
		if [ $((k % 20)) = 0 ]; then try "$n" 30 "$cmd" || return 1; cmd=:; fi
	done <"$2"
	try "$n" 30 "$cmd"
}

# i. slotbug / j. slotbug-stock: the kernel DLM reports a failed member
# with slot -1 (docs/findings.md, finding 7).  dlm_recover_members_wait()
# sets every member's slot to -1 before the low node has assigned the new
# table; a member that dies inside that window is reported to
# recover_slot with slot -1 by the next recovery, and gfs2 (jid = slot -
# 1) skips its journal.  Here: gfs2 mounted on nodes 1-3 (node 1, the
# lowest nodeid, is the low node that assigns slots); node 1 writes files,
# each fsynced before the console announces it as durable; node 3
# unmounts (then mounts, on a retry), which starts a recovery of gfs0 on
# the others; the host freezes node 1 (SIGSTOP of its qemu) the moment
# node 2's console shows "dlm: gfs0: dlm_recover_members", and kills it
# once node 2 has shown no new slot table 0.4 s later (the window was
# hit; on a miss node 1 is thawed and the trigger retried, 3 times at
# most).  Then the survivors recover, allocate and free blocks
# (lab_churn), every announced file is read back, node 1 reboots and
# mounts, all unmount, and fsck.gfs2 -n checks the disk.  What went wrong
# is collected, not fatal: slotbug (EXPECT safe, the series' dlm.ko with
# patch 0001) fails on any of it; slotbug-stock (EXPECT bug, Debian's own
# dlm.ko) is the expected failure: it fails if the journal IS replayed
# (a kernel that fixed it: time to say so).
# freeze_in_window WHAT LS VICTIM WATCHED TRIGGERER CMD1 CMD2 [KEY]: run
# CMD1 on TRIGGERER, which starts a recovery of LS on the others, and
# freeze VICTIM (SIGSTOP of its qemu) the moment WATCHED's console shows
# "dlm: LS: dlm_recover_members" (or the ERE KEY, e.g. a joiner's "add
# member" line, before its ping_members); 0.4 s later (less than the
# token timeout),
# if WATCHED has logged no new slot table, the window was hit: VICTIM
# stays frozen, FZ_TRIG is the trigger's command id, FZ_CMD the command.
# Otherwise VICTIM is thawed, the trigger completes and the other
# command (CMD2, then CMD1 again) is tried, 3 times in all.  Each attempt
# is one line of slotbug.hits.
freeze_in_window() {
	local what=$1 ls=$2 v=$3 s=$4 t=$5 cmd=$6 other=$7 attempt tr tm tf
	local key=${8:-"dlm: $ls: dlm_recover_members [0-9]+ nodes"}
	local f=$RES/$CL/node$s.console.log fifo=$RES/run/freeze.fifo
	for attempt in 1 2 3; do
		tr=$(now)
		rm -f "$RES/$CL/freeze.t" "$fifo"
		mkfifo "$fifo"
		# (not a pipeline: that would wait for tail, and pipefail)
		(
			tail -n 0 -F "$f" >"$fifo" 2>/dev/null &
			tp=$!
			grep -m1 -qE "$key" <"$fifo"
			kill -STOP "${QPID[$v]}"
			now >"$RES/$CL/freeze.t"
			kill "$tp" 2>/dev/null
		) &
		send "$t" "$cmd"
		FZ_TRIG=$SENT FZ_CMD=$cmd
		for _ in $(seq 600); do [ -s "$RES/$CL/freeze.t" ] && break; sleep 0.05; done
		[ -s "$RES/$CL/freeze.t" ] || fail "$what: node$s never logged /$key/"
		tf=$(cat "$RES/$CL/freeze.t")
		sleep 0.4
		console_wait "$s" "$key" "$tr" 5
		tm=$CW_T
		if [ -z "$(console_first "dlm: $ls: generation [0-9]+ slots" "$tm" "$s")" ]; then
			echo "$what attempt=$attempt trigger=$cmd freeze_ms=$(ms "$tm" "$tf") hit" >>"$RES/slotbug.hits"
			log "$what: attempt $attempt ($cmd on node$t): node$v frozen $(ms "$tm" "$tf") ms after node$s's /$key/ line; no new slot table on node$s: in the window"
			return 0
		fi
		echo "$what attempt=$attempt trigger=$cmd freeze_ms=$(ms "$tm" "$tf") missed" >>"$RES/slotbug.hits"
		log "$what: attempt $attempt ($cmd on node$t): node$v frozen $(ms "$tm" "$tf") ms after node$s's /$key/ line, but node$s already had the new table: missed, thawed"
		kill -CONT "${QPID[$v]}"
		collect "$t" "$FZ_TRIG" 180
		cmd=$other other=$FZ_CMD
		sleep 2
	done
	fail "$what: the freeze missed the window 3 times: nothing shown"
}

# slotbug's second part, the example module (lockspace dlmrex, its
# callbacks traced), on the same cluster, twice.  Nodes 1-3 load it, node
# 1 first (the low nodeid), node 3 leaves, then joins again, and node 1
# is frozen in the window of that join's recovery and killed:
#  -1: frozen when node 2 logs dlm_recover_members (slots reset to -1);
#   0: (node 1 rebooted and back) frozen when node 3, joining, logs "add
#      member 1", before its ping_members: node 1 was never given a slot
#      in node 3's lockspace.
# Node 2 must report node 1 with the slot of its last table (the kernel
# without the fix: -1), node 3, joining, must not report it at all (it
# never had a table with it; without the fix: slot -1 or 0).  Adds to
# slotbug's bad[].
slotbug_example() {
	local n vslot tk ev phase key
	for n in 1 2 3; do
		try "$n" 120 lab_example_join || { bad+=("node$n: example join: $WHY"); return; }
	done
	for phase in -1 0; do
		if [ "$phase" = 0 ]; then
			start_node "$v"
			wait_ready "$v"
			try "$v" 120 lab_example_join || { bad+=("node$v: example join after reboot: $WHY"); return; }
			key="dlm: dlmrex: add member $v\$"
			n=$t
		else
			key="dlm: dlmrex: dlm_recover_members [0-9]+ nodes"
			n=$s
		fi
		try "$t" 60 lab_example_leave || { bad+=("node$t: example leave: $WHY"); return; }
		get_trace "$s"
		vslot=$(echo "$EVENTS" | grep '^done:' | tail -n 1 | tr ':,' '\n\n' | sed -n "s|^$v/||p")
		freeze_in_window "$name dlmrex $phase" dlmrex "$v" "$n" "$t" \
			lab_example_join lab_example_leave "$key"
		tk=$(now)
		kill_node "$v"
		unset "UP[$v]"
		SOFT=1 collect "$t" "$FZ_TRIG" 240 || bad+=("node$t's ${FZ_CMD}: $WHY")
		console_wait "$s" "dlmr_example: dlmrex: recover_done" "$tk" 90
		# node 2: exactly one slot event for node 1, with its slot
		get_trace "$s"
		ev=$(echo "$EVENTS" | { grep "^slot:$v:" || true; } | tail -n 1)
		echo "$name example $phase: node$s had node$v at slot $vslot; its recover_slot: ${ev:-none}" >>"$RES/$name.summary"
		[ "$ev" = "slot:$v:$vslot" ] ||
			bad+=("window $phase: node$s's example: node$v reported as '${ev:-nothing}', its slot was $vslot ($(kernel_said "$s"))")
		# node 3, joining when node 1 failed
		if [ "$FZ_CMD" = lab_example_join ]; then
			get_trace "$t"
			ev=$(echo "$EVENTS" | { grep "^slot:$v:" || true; } | paste -sd' ')
			echo "$name example $phase: node$t (joining) reported node$v as: ${ev:-nothing}" >>"$RES/$name.summary"
			[ -z "$ev" ] || bad+=("window $phase: node$t's example (joining): node$v reported as '$ev', a slot it was never given ($(kernel_said "$t"))")
		fi
		log "$name: example, window $phase: $(grep "$name example $phase:" "$RES/$name.summary" | sed "s/^$name example $phase: //" | paste -sd';')"
	done
}
# slotbug's third part, md-cluster (clustered RAID1 on two more shared
# disks; its lockspace is named after the array's UUID): node 1 (rebooted)
# creates the array, nodes 2 and 3 assemble it, node 3 stops it and
# assembles it again, and node 1 is frozen when node 2 logs
# dlm_recover_members for md's lockspace, then killed.  md-cluster takes
# bitmap slot = dlm slot - 1 (__recover_slot: set_bit(slot - 1,
# &cinfo->recovery_map)).  Node 2 must log "Node 1/S down" with S node
# 1's slot ("md-cluster: Joined cluster ... slot S" on node 1), fault
# nowhere (the kernel-log scan) and write to the array afterwards.  Adds
# to slotbug's bad[].
slotbug_md() {
	local n vslot tk line mdls uuid=5eed0001:5eed0002:5eed0003:5eed0004 tb
	tb=$(now)
	start_node "$v"
	wait_ready "$v"
	try "$v" 120 "lab_md_create $uuid" || { bad+=("node$v: md create: $WHY"); return; }
	for n in "$s" "$t"; do
		try "$n" 120 lab_md_assemble || { bad+=("node$n: md assemble: $WHY"); return; }
	done
	try "$v" 10 lab_md_ls && mdls=$OUT
	[ -n "$mdls" ] || { bad+=("node$v: no md lockspace in /sys/kernel/dlm"); return; }
	console_wait "$v" "md-cluster: Joined cluster .* slot [0-9]+" "$tb" 30
	vslot=$(echo "$CW_LINE" | sed -nE 's/.* slot ([0-9]+).*/\1/p')
	try "$t" 60 lab_md_stop || { bad+=("node$t: md stop: $WHY"); return; }
	freeze_in_window "$name md" "$mdls" "$v" "$s" "$t" lab_md_assemble lab_md_stop
	tk=$(now)
	kill_node "$v"
	unset "UP[$v]"
	# (short waits: without the fix node 2 faults and md hangs)
	SOFT=1 collect "$t" "$FZ_TRIG" 30 || bad+=("md: node$t's ${FZ_CMD}: $WHY")
	line=
	for _ in $(seq 300); do
		line=$(awk -v s="$tk" -v re="md-cluster: .*Node $v/-?[0-9]+ down" \
			'$1 + 0 >= s + 0 && $0 ~ re { print; exit }' "$RES/$CL/node$s.console.log")
		[ -n "$line" ] && break
		sleep 0.1
	done
	echo "$name md: node$v had slot $vslot; node$s: ${line#* }" >>"$RES/$name.summary"
	log "$name: md: node$v had slot $vslot; node$s logged: ${line#* }"
	case $line in
	*"Node $v/$vslot down"*) ;;
	"") bad+=("md: node$s never logged node$v down") ;;
	*) bad+=("md: node$s: ${line#* } (node$v's slot was $vslot)") ;;
	esac
	try "$s" 20 "dd if=/dev/zero of=/dev/md0 bs=64k count=16 oflag=direct 2>&1" ||
		bad+=("md: node$s cannot write to the array after node$v's death: $WHY")
}

kernel_said() { # NODE: its last recover_slot line for node $v, and the dlm's
	grep -ohE "dlmr_example: dlmrex: recover_slot nodeid $v slot -?[0-9]+|dlm: dlmrex: recover_slot nodeid $v .*" \
		"$RES/$CL/node$1.console.log" | tail -n 2 | paste -sd';' || true
}

slotbug() { # NAME EXPECT(safe|bug)
	local name=$1 expect=$2 v=1 s=2 t=3 n vjid tk
	local dur=$RES/$name.durable
	local -a bad=()
	for n in 1 2 3; do run "$n" 180 lab_mount; UP[$n]=1; done
	run "$v" 10 "cat /sys/fs/gfs2/lab:gfs0/lock_module/jid"
	vjid=$OUT
	run "$v" 10 lab_durable_start
	console_wait "$v" "LAB: node$v durable f20 " "${BOOTED[$v]}" 120
	freeze_in_window "$name gfs0" gfs0 "$v" "$s" "$t" lab_umount lab_mount
	tk=$(now)
	kill_node "$v"
	unset "UP[$v]"
	SOFT=1 collect "$t" "$FZ_TRIG" 240 || bad+=("node$t's ${FZ_CMD}: $WHY")
	[ "$FZ_CMD" = lab_umount ] && unset "UP[$t]"
	sed -nE "s/^[0-9.]+ LAB: node$v durable (f[0-9]+) ([0-9a-f]+)\r?$/\1 \2/p" \
		"$RES/$CL/node$v.console.log" >"$dur"
	log "$name: killed node$v (gfs2 jid $vjid) after $(wc -l <"$dur") durable files"
	# what the survivors' gfs2 did
	local surv=()
	for n in "${!UP[@]}"; do surv+=("$n"); done
	for n in "${surv[@]}"; do
		console_wait "$n" "dlm: gfs0: dlm_recover [0-9]+ generation [0-9]+ done" "$tk" 90
		local sl
		sl=$(awk -v s="$tk" '$1 + 0 >= s + 0 && /recover_slot jid -?[0-9]+ .*short size/ && n++ < 3' \
			"$RES/$CL/node$n.console.log")
		[ -n "$sl" ] && bad+=("node$n's gfs2: ${sl#* }")
	done
	local who=""
	for _ in $(seq 300); do
		who=$(replayers "$tk" "$vjid" "${surv[@]}")
		[ -n "$who" ] && break
		sleep 0.1
	done
	[ -n "$who" ] && log "$name: journal $vjid (node$v's) replayed by:$who" ||
		bad+=("journal $vjid (node$v's) was never replayed")
	# the survivors allocate and free, then read every durable file back
	for n in "${surv[@]}"; do
		try "$n" 180 lab_churn || bad+=("node$n: lab_churn: $WHY")
	done
	n=${surv[0]}
	put_lines "$n" "$dur" /tmp/d.md5 && try "$n" 120 "lab_durable_check $v /tmp/d.md5" ||
		bad+=("node$n reads node$v's durable files: $(echo "${OUT:-$WHY}" | tail -n 1)")
	log "$name: node$n reads node$v's $(wc -l <"$dur") durable files: $(echo "${OUT:-$WHY}" | tail -n 1)"
	# node 1 comes back and mounts (replaying whatever is left in its journal)
	local tb
	tb=$(now)
	start_node "$v"
	wait_ready "$v"
	if try "$v" 240 lab_mount; then
		UP[$v]=1
		put_lines "$v" "$dur" /tmp/d.md5 && try "$v" 120 "lab_durable_check $v /tmp/d.md5" ||
			bad+=("node$v reads its durable files after its reboot: $(echo "${OUT:-$WHY}" | tail -n 1)")
	else
		bad+=("node$v's mount after its reboot: $WHY")
	fi
	for n in $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n); do
		try "$n" 120 lab_umount || bad+=("node$n: umount: $WHY")
	done
	# unmounted everywhere: the disk as gfs2's own checker sees it
	local fsck rc
	fsck=$(fsck.gfs2 -n "$DISK" 2>&1) && rc=0 || rc=$?
	echo "$fsck" >"$RES/$name.fsck.log"
	[ "$rc" = 0 ] || bad+=("fsck.gfs2 -n: rc $rc: $(echo "$fsck" | awk 'tolower($0) ~ /error|bad|invalid|inconsistent|not fixed/ && n++ < 2' | tr '\n' ' ')")
	slotbug_example
	slotbug_md
	# the kernel logs: what the scan finds is part of the verdict
	klog_scan || bad+=("kernel log: $(echo "$KLOG_OUT" | { grep '^/' || true; } | head -n 3 | sed "s|$RES/||")")
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
	printf '%s\n' "${bad[@]}" >"$RES/$name.bad"
	if [ "$expect" = safe ]; then
		[ ${#bad[@]} = 0 ] || fail "$name: with the fix:"$'\n'"$(printf '  %s\n' "${bad[@]}")"
		log "$name: PASS: node$v's journal replayed, its $(wc -l <"$dur") durable files intact, churn ok, fsck clean, kernel log clean"
	else
		printf '%s\n' "${bad[@]}" | grep -q "was never replayed" ||
			fail "$name: UNEXPECTED PASS: Debian's dlm.ko no longer skips the journal of a member that died in the slot window (fixed upstream?): update docs/findings.md and this expected failure. Seen: ${bad[*]:-nothing wrong}"
		log "$name: XFAIL as expected on Debian's dlm.ko:"$'\n'"$(printf '  %s\n' "${bad[@]}")"
	fi
}

# k. the engine's first mounter killed before its first_done.  Node 1
# mounts first, each of its journal recoveries started 1.5 s late
# (replay_delay_ms: a window of 8 x 1.5 s before first_done); once it
# recovers (so holds the mounted lock EX), nodes 2 and 3 start mounting
# and are refused (again); node 1 is killed.  Exactly one of nodes 2 and 3
# becomes first mounter, and the other mounts after its first_done; the
# invariants hold on the merged traces.
firstkill() {
	local name=firstkill n tk firsts=0 nf=
	escn_header
	run 1 30 "lab_journal_mount_bg replay_delay_ms=1500"
	EMOUNTED[1]=1
	run 1 120 "lab_journal_wait_event recover 1200"
	# one at a time, each joining in its own recovery and refused once
	# before the next starts: the order the recorded steps replay
	for n in 2 3; do
		run "$n" 30 lab_journal_mount_bg
		EMOUNTED[$n]=1
		run "$n" 120 "lab_journal_wait_event again 1200"
	done
	tk=$(now)
	kill_node 1
	unset "UP[1]"
	log "$name: node1 killed while first mounter (recovering journals; nodes 2 and 3 waiting)"
	for n in 2 3; do
		console_wait "$n" "LAB: node$n journal mount" "$tk" 240
		case $CW_LINE in *failed*) fail "$name: node$n: $CW_LINE" ;; esac
	done
	grep -q '"event":"first_done"' "$(edir)/node1.b${BOOTN[1]}.raw.jsonl" &&
		fail "$name: node1 reached first_done before it was killed: the window was missed"
	engine_check "$name"
	for n in 2 3; do
		EJID[$n]=$(jget "${ESTATUS[$n]}" jid)
		[ "$(jget "${ESTATUS[$n]}" first)" = true ] && { firsts=$((firsts + 1)); nf=$n; }
	done
	[ "$firsts" = 1 ] || fail "$name: $firsts of nodes 2, 3 report first mounter, expected exactly 1"
	escn_firstkill "$nf"
	local t d
	d=$(edir)
	t=$(grep -h '"event":"first_done"' "$d/node$nf.b${BOOTN[$nf]}.jsonl" | sed -nE 's/.*"time_ns":([0-9]+).*/\1/p')
	timing "$name" "node$nf engine first_done" "$(ms_since_kill "$t" 1) ms after node1's kill"
	for n in 2 3; do
		t=$(grep -h '"event":"mounted"' "$d/node$n.b${BOOTN[$n]}.jsonl" | sed -nE 's/.*"time_ns":([0-9]+).*/\1/p')
		timing "$name" "node$n engine mounted" "$(ms_since_kill "$t" 1) ms after node1's kill"
	done
	log "$name: PASS: node$nf took over as first mounter, both mounted (jids ${EJID[2]}, ${EJID[3]})"
	esave_traces "$name"
}

# l. a planted bug must show on the real cluster.  Every engine leaves;
# node 1 (killed by firstkill) boots again; nodes 1-3 mount the module
# with mutant=clear-bit-early (the control work clears a journal's
# value-block bit before the journal is recovered) and
# replay_delay_ms=1000; node 3 is killed while writing.  The survivor
# whose control work runs second reads no bit and unblocks while node 3's
# journal is unrecovered: dlmctl recover check --invariants must report
# S1.  An expected failure, passed when the judge catches it.
# (unblock-early, the obvious choice, shows only when a recover_prep
# arrives while the control work runs.)
mutant() {
	local name=mutant n got= deadline
	for n in $(echo "${!EMOUNTED[@]}" | tr ' ' '\n' | sort -n); do
		run "$n" 120 lab_journal_unmount
		run "$n" 30 lab_journal_rmmod
		unset "EMOUNTED[$n]"
	done
	EPHASE=mutant
	escn_header
	escn "mutant clear-bit-early" "mount 1" wait "mount 2" wait "mount 3" wait "crash 3" wait
	for n in 1 2 3; do
		[ -n "${UP[$n]:-}" ] && continue
		start_node "$n"
		wait_ready "$n"
		run "$n" 180 lab_mount
		UP[$n]=1
	done
	EPARAMS="mutant=clear-bit-early replay_delay_ms=1000"
	engine_mount "$name" 1 2 3
	console_wait 3 "dlmr_journal: dlmrj: durable jid ${EJID[3]} gen [0-9]+ seq 5[^0-9]*\$" "${BOOTED[3]}" 60
	kill_node 3
	unset "UP[3]"
	for n in 1 2; do
		console_wait "$n" "dlmr_journal: dlmrj: recover_slot nodeid 3 " "${EKILL_T[3]}" 120
		run "$n" 300 "lab_journal_wait_unblocked 3000"
	done
	# the replay ends (1 s late) on one of them
	deadline=$((SECONDS + 120 * SLOW))
	until [ -n "$got" ]; do
		for n in 1 2; do
			run "$n" 30 lab_journal_replays
			grep -q "\"jid\":${EJID[3]},\"owner\":3," <<<"$OUT" && got=$n
		done
		[ -n "$got" ] && break
		[ $SECONDS -ge $deadline ] && fail "$name: no survivor replayed node3's journal within 120 s"
		sleep 1
	done
	for n in 1 2; do engine_collect "$n"; done
	engine_judge "$name" "S1"
	esave_traces "$name"
	EPARAMS=
}

# m. The series' old locking on 6.12 (issue 14, item 1), planted by
# kernel/test-patches/6.12/old-locking.patch: the netlink lookups take
# lslist_lock and ls_recover_lock with plain spin_lock(), while 6.12's
# fs/dlm takes both in softirq context (dlm_find_lockspace_global() and
# rcom.c, from lowcomms' WQ_BH work).  An expected failure, on a kernel
# with lockdep only (the debug kernel, DLMR_KVER=6.12-debug): the example
# joins on nodes 3, 2, 1 (DLM messages, so both locks are taken in
# softirq), then every node asks the family (dlmctl slots and recover,
# nlprobe strict: GET and dump, so both are taken with softirqs on).
# lockdep must report an inconsistent lock state naming one of the two
# locks and a function of the family's path, and the kernel-log scan must
# fail on it; the scenario passes when both happen.  lockbug.report: the
# report as the consoles show it; lockbug.klog: the scan's output.
lockbug() {
	local n f t rep=$RES/lockbug.report
	run 1 10 "if [ -e /proc/lockdep ]; then echo lockdep; else echo none; fi"
	[ "$OUT" = lockdep ] ||
		fail "lockbug: kernel $KVER has no lockdep (no /proc/lockdep): run it on the debug kernel (scripts/debug-kernel.sh; DLMR_KVER=6.12-debug)"
	for n in 3 2 1; do run "$n" 180 lab_example_join; done
	t=$(now)
	for n in 1 2 3; do
		run "$n" 60 "dlmctl slots -j dlmrex >/dev/null; dlmctl recover dlmrex >/dev/null; nlprobe strict >/dev/null; echo asked"
	done
	# lockdep prints its report while the request runs; the console
	# reader may still be writing it
	for n in 1 2 3; do
		f=$RES/$CL/node$n.console.log
		grep -q 'inconsistent lock state' "$f" && { console_wait "$n" 'other info that might help|stack backtrace' "$t" 60; break; }
	done
	: >"$rep"
	for n in 1 2 3; do
		f=$RES/$CL/node$n.console.log
		# each report, from its title on (its stack traces included)
		awk -v f="node$n" '/inconsistent lock state/ { p = 1 } p { print f ": " $0; if (++k > 90) exit }' "$f" >>"$rep"
	done
	if klog_scan; then
		fail "lockbug: the kernel-log scan found nothing: lockdep did not report the planted plain spin_lock()"
	fi
	echo "$KLOG_OUT" >"$RES/lockbug.klog"
	grep -q 'inconsistent lock state' <<<"$KLOG_OUT" ||
		fail "lockbug: the scan failed, but not on lockdep's inconsistent lock state:"$'\n'"$(head -n 12 <<<"$KLOG_OUT")"
	grep -Eq 'inconsistent \{(IN-SOFTIRQ-W|SOFTIRQ-ON-W)\} -> \{(IN-SOFTIRQ-W|SOFTIRQ-ON-W)\} usage' "$rep" ||
		fail "lockbug: no softirq usage conflict in the report ($rep)"
	grep -Eq '\((&?lslist_lock|&ls->ls_recover_lock)\)' "$rep" ||
		fail "lockbug: the report names neither lslist_lock nor ls_recover_lock ($rep)"
	grep -Eq 'dlm_find_lockspace_(name|nth)\+|ls_state\+|dlm_recover_nl' "$rep" ||
		fail "lockbug: the report shows none of the family's functions ($rep)"
	log "lockbug: PASS (expected failure): lockdep reported the planted locking, the kernel-log scan failed on it:"
	grep -E 'inconsistent|\((&?lslist_lock|&ls->ls_recover_lock)\)' "$rep" | head -n 8 |
		while IFS= read -r l; do log "  $l"; done
}

# n. Netlink fuzzing (issue 14): on every node at once, nlprobe fuzz
# (tests/vm/nlprobe.c, nlfuzz.c) as root and as nobody at the same time,
# NLFUZZ messages each (LAB_NLFUZZ, default 100000): random and malformed
# requests, each answer checked against what the kernel must answer,
# while lockspaces fz<N>-1..4 are joined and left on that node
# (guest-lib.sh, lab_nlfuzz).  Then the family must still answer
# correctly: sysfs and dlmctl slots -j of dlmrex and gfs0 as cold's
# sysfs_check found them as the lab expects, nlprobe strict as root and
# as nobody, the dlmrex watch without a loss notice; the
# kernel-log scan follows (klog_check).  Seeds: LAB_NLFUZZ_SEED (default
# the clock), node N root SEED + 2N, nobody SEED + 2N + 1; a failure
# prints the command that replays its messages.  nlfuzz.summary: each
# fuzzer's summary line; nlfuzz.nodeN: the node's whole output.
nlfuzz() {
	local name=nlfuzz n seed=${LAB_NLFUZZ_SEED:-$(date +%s)} t0 out who line
	local -A before=() ids=()
	[[ $seed =~ ^[0-9]{1,18}$ ]] || fail "LAB_NLFUZZ_SEED='$seed': a number"
	# what cold checked (sysfs_check): sysfs and dlmctl slots -j of dlmrex
	# and gfs0, as the lab expects them
	for n in $(seq 1 "$CN"); do
		run "$n" 30 "lab_dlm_sysfs dlmrex gfs0; dlmctl slots -j dlmrex gfs0"
		before[$n]=$OUT
		[ "${OUT#*$'\n'}" = "${SLOTS_JSON[$n]}" ] ||
			fail "$name: node$n: dlmctl slots -j says '${OUT#*$'\n'}', cold's check '${SLOTS_JSON[$n]}'"
	done
	log "$name: $NLFUZZ messages as root and as nobody on each of nodes 1-$CN at once, lockspaces joining and leaving meanwhile (LAB_NLFUZZ_SEED=$seed)"
	t0=$(now)
	for n in $(seq 1 "$CN"); do
		send "$n" "lab_nlfuzz $NLFUZZ $((seed + 2 * n))"
		ids[$n]=$SENT
	done
	: >"$RES/$name.summary"
	for n in $(seq 1 "$CN"); do
		SOFT=1 collect "$n" "${ids[$n]}" $((120 + NLFUZZ / 100)) && out=ok || out=$WHY
		echo "$OUT" >"$RES/$name.node$n"
		grep -E '^(root|nobody): fuzz: seed|^churn:' "$RES/$name.node$n" |
			sed "s/^/node$n /" >>"$RES/$name.summary"
		[ "$out" = ok ] ||
			fail "$name: node$n: $(grep -E 'FAIL|left|churn:|^[a-z]*: nlprobe' "$RES/$name.node$n" | head -n 8 | paste -sd'|') ($RES/$name.node$n; $out)"
		for who in root nobody; do
			line=$(grep "^$who: fuzz: seed" "$RES/$name.node$n") ||
				fail "$name: node$n: no summary line of the $who fuzzer ($RES/$name.node$n)"
			[[ $line =~ \ ([0-9]+)\ messages\ in\ .*\ in\ ([0-9.]+)\ s,\ ([0-9]+)/s.*\ wrong\ 0$ ]] ||
				fail "$name: node$n: the $who fuzzer's summary: $line"
			[ "${BASH_REMATCH[1]}" -ge "$NLFUZZ" ] ||
				fail "$name: node$n: the $who fuzzer sent ${BASH_REMATCH[1]} messages, fewer than $NLFUZZ"
			timing "$name" "node$n $who" "${BASH_REMATCH[1]} messages in ${BASH_REMATCH[2]} s (${BASH_REMATCH[3]}/s)"
		done
		timing "$name" "node$n churn" "$(grep '^churn:' "$RES/$name.node$n" | sed 's/^churn: //')"
	done
	timing "$name" "all nodes" "$(ms "$t0" "$(now)") ms"
	log "$name: PASS: every node answered $NLFUZZ fuzzed messages as root and as nobody as the oracle says, lockspaces joined and left meanwhile ($RES/$name.summary):"
	while IFS= read -r line; do log "  $line"; done <"$RES/$name.summary"
	# the family still answers as it should: sysfs and dlmctl slots -j as
	# cold checked them (not sysfs_check again: the churn's kernel lines
	# have pushed gfs0's slot line out of dmesg's ring buffer)
	for n in $(seq 1 "$CN"); do
		run "$n" 30 "lab_dlm_sysfs dlmrex gfs0; dlmctl slots -j dlmrex gfs0"
		echo "$name node$n sysfs, dlmctl slots -j: $OUT" >>"$RES/sysfs.observed"
		[ "$OUT" = "${before[$n]}" ] ||
			fail "$name: node$n: sysfs and dlmctl slots -j say '$(echo "$OUT" | paste -sd'|')' after the fuzzing, '$(echo "${before[$n]}" | paste -sd'|')' before"
		strict_requests "$name.node$n" "$n"
		watch_err "$name" "$n"
	done
	log "$name: PASS: afterwards sysfs and dlmctl slots -j of dlmrex and gfs0 as cold checked them, nlprobe strict as expected (root and nobody), the dlmrex watches without a loss notice"
}

# o. The lifetime fix of patch 0003 (kernel/README.md, "Lifetime"), on a
# kernel with KASAN (the debug kernel, DLMR_KVER=6.12-debug).  lifebug
# NAME safe|bug, on a cluster whose dlm.ko is the series plus
# kernel/test-patches/LINE/slow-lookup.patch (GET and dump hold their
# lockspace reference 20 ms longer), and for bug old-error-path.patch as
# well (new_lockspace()'s error path frees the lockspace without waiting
# for references, as before the fix): on node 1, lab_joinfail makes 20
# joins fail after their lockspace is listed while nlprobe hammer GETs and
# dumps them.  safe: every join returns, nlprobe got only lockspaces and
# ENOENT and found some of the joining ones (their references raced the
# error path), and the kernel-log scan stays clean.  bug (an expected
# failure): KASAN must report a use-after-free whose access is in the
# family's path and whose free is new_lockspace()'s, and the scan must
# fail on it.  NAME.joinfail: what lab_joinfail printed; NAME.report: the
# KASAN report.
lifebug() { # NAME safe|bug
	local name=$1 mode=$2 t out f rep=$RES/$1.report found failed
	grep -q '^CONFIG_KASAN=y' "$(DLMR_KVER=$KVER "$REPO/scripts/kernel.sh" kdir)/.config" 2>/dev/null ||
		fail "$name: kernel $KVER has no KASAN: run it on the debug kernel (scripts/debug-kernel.sh; DLMR_KVER=6.12-debug)"
	t=$(now)
	if try 1 300 "lab_joinfail jf 20 60"; then out=ok; else out=$WHY; fi
	echo "$OUT" >"$RES/$name.joinfail"
	found=$(sed -nE 's/.* gets \(([0-9]+) found.*/\1/p' "$RES/$name.joinfail")
	failed=$(sed -nE 's/^joinfail: ([0-9]+) failed.*/\1/p' "$RES/$name.joinfail")
	log "$name: lab_joinfail on node1: $(grep -E '^(hammer|joinfail):' "$RES/$name.joinfail" | paste -sd'; ') ($out)"
	if [ "$mode" = safe ]; then
		[ "$out" = ok ] || fail "$name: lab_joinfail jf 20 60 on node1: $out"
		[ "${failed:-0}" -ge 1 ] ||
			fail "$name: no join failed on the error path ($RES/$name.joinfail)"
		[ "${found:-0}" -ge 1 ] ||
			fail "$name: nlprobe hammer never found a joining lockspace: no reference raced the error path ($RES/$name.joinfail)"
		log "$name: PASS: $failed joins failed after their lockspace was listed, nlprobe held references to joining lockspaces $found times, every answer a lockspace or ENOENT"
		return 0
	fi
	# bug: KASAN's report on node 1's console, to its closing line
	console_wait 1 'BUG: KASAN: [a-z-]*use-after-free' "$t" 120
	console_wait 1 '==========' "$CW_T" 60
	f=$RES/$CL/node1.console.log
	awk -v s="$t" '$1 + 0 >= s + 0 && /BUG: KASAN: / { p = 1 } p { print; if (++k > 200 || (k > 3 && /==========/)) exit }' "$f" >"$rep"
	if klog_scan; then
		fail "$name: the kernel-log scan found nothing, though KASAN reported ($rep)"
	fi
	echo "$KLOG_OUT" >"$RES/$name.klog"
	grep -q 'KASAN' <<<"$KLOG_OUT" ||
		fail "$name: the scan failed, but not on KASAN's report:"$'\n'"$(head -n 12 <<<"$KLOG_OUT")"
	# the access (the report's first stack) in the family's path, the
	# free by new_lockspace()
	awk '/Allocated by task/ { exit } { print }' "$rep" |
		grep -Eq '(fill_ls|ls_state|put_common|ls_msg_size|dlm_recover_nl_get_(doit|dumpit)|dlm_put_lockspace)\+' ||
		fail "$name: KASAN's use-after-free is not in the family's path ($rep): $(grep -m1 'BUG: KASAN' "$rep")"
	awk '/Freed by task/ { p = 1 } /The buggy address/ { p = 0 } p' "$rep" | grep -q 'new_lockspace' ||
		fail "$name: the memory was not freed by new_lockspace() ($rep)"
	log "$name: PASS (expected failure): KASAN reported the old error path's use-after-free, the kernel-log scan failed on it:"
	grep -E 'BUG: KASAN|Read of size|Write of size|Freed by task' "$rep" | head -n 4 |
		while IFS= read -r l; do log "  $l"; done
}

scn_header() {
	cat >"$RES/scenario.scn" <<EOF
# Recorded by tests/vm/lab.sh on a real cluster (Linux $KVER): see
# steps.txt for what happened when, node<N>.jsonl for what each node's
# dlmr_example saw, node<N>.gfs2.log for gfs2 and its lockspace gfs0.
nodes $CN
journals $((CN > 3 ? CN : 3))
lockspace dlmrex
EOF
}

# ------------------------------------------------------------------- main

: >"$TIMINGS"
: >"$RES/steps.txt"
log "results in $RES; scenarios: ${SCEN[*]}"

if want cold || want kill || want rejoin || want leave || want flood || want nlfuzz; then
	boot_cluster "$NODES" "$(printf '1%.0s,' $(seq 1 "$NODES") | sed 's/,$//')" main
	if want cold || want kill || want rejoin || want leave || want nlfuzz; then
		scn_header
		describe cold "cluster main: $CN nodes, votes $CVOTES, token $TOKEN ms"
		cold_start cold
		klog_check cold
		last=cold
		if want nlfuzz; then nlfuzz; klog_check nlfuzz; fi
		if want kill || want rejoin; then kill_one; klog_check kill; last=kill; fi
		if want rejoin; then rejoin; klog_check rejoin; last=rejoin; fi
		if want leave; then leave; klog_check leave; last=leave; fi
	fi
	if want flood; then flood; klog_check flood; fi
	# the end of the main cluster: every dlmrex watch still running is
	# stopped (exit 0) and checked once more
	if [ -n "${last:-}" ]; then
		watch_check "$last" "$EX_GEN" stop $(echo "${!UP[@]}" | tr ' ' '\n' | sort -n)
	fi
	# stopped when another cluster follows (its VMs reuse the taps);
	# else left to the exit trap (--keep keeps them up)
	if want double || want firstkill || want mutant || want stock ||
		want slotbug-stock || want slotbug || want bench; then
		for n in $(seq 1 "$CN"); do stop_node "$n"; done
		UP=()
	fi
fi
if want double; then
	: >"$RES/steps.txt"
	# 4 nodes (or N), node 1 with enough votes that nodes 1 and 2 keep quorum
	dn=$((NODES > 4 ? NODES : 4))
	boot_cluster "$dn" "$((dn - 2)),$(printf '1%.0s,' $(seq 2 "$dn") | sed 's/,$//')" double
	scn_header
	describe double "cluster double: $CN nodes, votes $CVOTES, token $TOKEN ms"
	cold_start double-cold
	klog_check double-cold
	double
	klog_check double
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
fi
if want firstkill || want mutant; then
	# the engine's own cluster, gfs2 mounted beside it on every node
	boot_cluster 3 1,1,1 engine
	for n in 1 2 3; do run "$n" 180 lab_mount; UP[$n]=1; done
	if want firstkill; then firstkill; klog_check firstkill; fi
	if want mutant; then mutant; klog_check mutant; fi
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
fi
if want stock; then
	INITRD=$BUILD/initramfs-stock.cpio
	boot_cluster "$NODES" "$(printf '1%.0s,' $(seq 1 "$NODES") | sed 's/,$//')" stock
	stock
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
	INITRD=$BUILD/initramfs.cpio
fi
if want slotbug-stock; then
	INITRD=$BUILD/initramfs-stock.cpio
	boot_cluster 3 1,1,1 slotbug-stock
	slotbug slotbug-stock bug
	INITRD=$BUILD/initramfs.cpio
fi
if want slotbug; then
	boot_cluster 3 1,1,1 slotbug
	slotbug slotbug safe
fi
if want lockbug; then
	INITRD=$BUILD/initramfs-lockbug.cpio
	boot_cluster 3 1,1,1 lockbug
	lockbug
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
	INITRD=$BUILD/initramfs.cpio
fi
if want lifebug; then
	# the series (with slow lookups): clean
	INITRD=$BUILD/initramfs-lifeok.cpio
	boot_cluster 3 1,1,1 lifeok
	lifebug lifeok safe
	klog_check lifeok
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
	# the old error path: KASAN's use-after-free
	INITRD=$BUILD/initramfs-lifebug.cpio
	boot_cluster 3 1,1,1 lifebug
	lifebug lifebug bug
	for n in $(seq 1 "$CN"); do stop_node "$n"; done
	UP=()
	INITRD=$BUILD/initramfs.cpio
fi
if want bench; then
	boot_cluster "$NODES" "$(printf '1%.0s,' $(seq 1 "$NODES") | sed 's/,$//')" bench
	bench
	klog_check bench
fi

if [ "$RECORD" = 1 ]; then
	rm -rf "$HERE/traces"
	cp -r "$RES/traces" "$HERE/traces"
	log "traces recorded in $HERE/traces"
fi

echo
echo "Timings (host clock, ms):"
cat "$TIMINGS"
WALL=$(now)
log "all scenarios passed (${SCEN[*]}) in ${WALL}s; results in $RES"

[ "$KEEP" = 1 ] && keep_up
exit 0
}
