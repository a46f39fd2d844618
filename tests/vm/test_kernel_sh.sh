#!/bin/sh
# scripts/kernel.sh's choice of the debug kernel (DLMR_KVER=6.12-debug,
# built by scripts/debug-kernel.sh), on a made-up debug directory: what it
# answers before and after a build, and its errors.  Needs no kernel
# package: nothing here asks dpkg.
set -u
KSH=${1:-$(dirname "$0")/../../scripts/kernel.sh}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export DLMR_DEBUG_KERNEL_DIR=$T/dbg
fails=0
n=0

# expect RC DESCRIPTION KVER ARGS...: DLMR_KVER=KVER kernel.sh ARGS...
# exits RC; its output (stdout and stderr) in $T/out
expect() {
	want=$1 what=$2 kv=$3
	shift 3
	n=$((n + 1))
	DLMR_KVER=$kv sh "$KSH" "$@" >"$T/out" 2>&1 && got=0 || got=$?
	if [ "$got" = "$want" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what: exit $got, expected $want"
		sed 's/^/#   /' "$T/out"
		fails=$((fails + 1))
	fi
}
is() { # TEXT: the last output is exactly TEXT
	n=$((n + 1))
	if [ "$(cat "$T/out")" = "$1" ]; then
		echo "ok $n - output is '$1'"
	else
		echo "not ok $n - output is '$(cat "$T/out")', expected '$1'"
		fails=$((fails + 1))
	fi
}
has() { # TEXT: the last output contains TEXT, on one line
	n=$((n + 1))
	if grep -qF -- "$1" "$T/out" && [ "$(wc -l <"$T/out")" = 1 ]; then
		echo "ok $n - one line with '$1'"
	else
		echo "not ok $n - expected one line with '$1', got:"
		sed 's/^/#   /' "$T/out"
		fails=$((fails + 1))
	fi
}

D=$T/dbg
expect 0 "debugdir of 6.12-debug" 6.12-debug debugdir
is "$D"
expect 0 "its line is 6.12" 6.12-debug line
is 6.12
expect 0 "its series is 6.12's" 6.12-debug series
is "$(cd "$(dirname "$KSH")/.." && pwd)/kernel/patches/6.12"
expect 0 "its source is linux-source-6.12" 6.12-debug source
is /usr/src/linux-source-6.12.tar.xz
expect 0 "deps.sh --lab installs its source only" 6.12-debug packages
is linux-source-6.12
expect 1 "kver before the build" 6.12-debug kver
has "scripts/debug-kernel.sh"
expect 1 "image before the build" 6.12-debug image
has "scripts/debug-kernel.sh"
expect 1 "require before the build" 6.12-debug require
has "scripts/debug-kernel.sh"

mkdir -p "$D/linux" "$D/root/lib/modules/6.12.99-dlmr-debug/kernel"
echo 6.12.99-dlmr-debug >"$D/kernel.release"
expect 0 "kver once built" 6.12-debug kver
is 6.12.99-dlmr-debug
expect 0 "image" 6.12-debug image
is "$D/vmlinux"
expect 0 "modroot" 6.12-debug modroot
is "$D/root"
expect 0 "kdir" 6.12-debug kdir
is "$D/linux"
expect 1 "require with no vmlinux and no Module.symvers" 6.12-debug require
has "not (completely) built"
: >"$D/vmlinux"
: >"$D/linux/Module.symvers"
expect 0 "require once complete" 6.12-debug require
is 6.12.99-dlmr-debug
expect 0 "its ABI chooses the same kernel" 6.12.99-dlmr-debug kdir
is "$D/linux"

expect 0 "a Debian ABI: /boot, /lib/modules" 6.12.1+deb12-amd64 image
is /boot/vmlinuz-6.12.1+deb12-amd64
expect 0 "a Debian ABI's modroot" 6.12.1+deb12-amd64 modroot
is /
expect 0 "a Debian ABI's kdir" 6.12.1+deb12-amd64 kdir
is /lib/modules/6.12.1+deb12-amd64/build
expect 1 "a Debian kernel has no debugdir" 6.12.1+deb12-amd64 debugdir
has "not a debug kernel"
expect 1 "an unknown kernel" 6.13-debug kver
has "6.1, 6.12, 6.12-debug"
expect 1 "an unknown command" 6.12-debug frobnicate
has "usage: kernel.sh"

echo "1..$n"
[ "$fails" = 0 ]
