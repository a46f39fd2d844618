#!/bin/sh
# Install the Debian 12 packages dlmrecover needs.  Idempotent: packages
# already present are not touched, and apt is not called at all when
# nothing is missing.
#
#   scripts/deps.sh          build + unit/simulator test dependencies
#                            (chromium, fonts-dejavu-core, libpng-dev: the
#                            render test screenshots dlmctl's SVG diagrams
#                            in headless Chromium and reads the PNG back;
#                            clang, libclang-rt-14-dev: libFuzzer, for the
#                            fuzz harnesses of tests/fuzz and bench/fuzz)
#   scripts/deps.sh --lab    also the VM lab (qemu, corosync, dlm_controld,
#                            gfs2-utils, mdadm, ...) and the kernels under
#                            test: image, headers and source of every line
#                            of scripts/kernel.sh (6.1, 6.12), or of the
#                            one DLMR_KVER names
#
# apt waits for a dpkg/apt lock held by someone else (a fresh machine's
# unattended upgrades) for up to DEPS_LOCK_WAIT seconds (default 600).
set -eu
cd "$(dirname "$0")/.."

BUILD="build-essential meson ninja-build pkg-config libjson-c-dev
libcmocka-dev doxygen groff-base man-db valgrind libmnl-dev libcpg-dev
libdlm-dev python3 spin chromium fonts-dejavu-core libpng-dev clang
libclang-rt-14-dev"
LAB="qemu-system-x86 busybox-static corosync dlm-controld gfs2-utils mdadm
iproute2 kmod cpio xz-utils zstd bc flex bison libelf-dev libssl-dev rsync
python3-yaml python3-jsonschema
patch perl"

pkgs=$BUILD
if [ "${1:-}" = "--lab" ]; then
	if [ -n "${DLMR_KVER:-}" ]; then
		# linux-source-6.12 for any line: its tools/net/ynl generates
		# the netlink code and is the lab's second client
		pkgs="$pkgs $LAB $(scripts/kernel.sh packages) linux-source-6.12"
	else
		pkgs="$pkgs $LAB $(scripts/kernel.sh packages --all)"
	fi
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
WAIT=${DEPS_LOCK_WAIT:-600}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# apt ARGS...: apt-get, retried while another process holds its lock
apt() {
	start=$(date +%s)
	while :; do
		if apt-get -o DPkg::Lock::Timeout=60 "$@" >"$LOG" 2>&1; then
			return 0
		fi
		if ! grep -q 'Could not get lock\|Unable to lock\|Unable to acquire' "$LOG"; then
			cat "$LOG" >&2
			echo "deps.sh: apt-get $* failed" >&2
			exit 1
		fi
		if [ $(($(date +%s) - start)) -ge "$WAIT" ]; then
			grep -m1 'lock' "$LOG" >&2
			echo "deps.sh: apt's lock still held after ${WAIT} s (DEPS_LOCK_WAIT)" >&2
			exit 1
		fi
		echo "deps.sh: waiting for apt's lock: $(grep -m1 'lock' "$LOG")" >&2
		sleep 5
	done
}
apt update -qq
# shellcheck disable=SC2086
apt install -y -qq --no-install-recommends $missing
