#!/bin/sh
# Install the Debian 12 packages dlmrecover needs.  Idempotent: packages
# already present are not touched, and apt is not called at all when
# nothing is missing.
#
#   scripts/deps.sh          build + unit/simulator test dependencies
#   scripts/deps.sh --lab    also the VM lab (qemu, Debian kernel, corosync,
#                            dlm_controld, gfs2-utils, kernel source/headers)
set -eu

BUILD="build-essential meson ninja-build pkg-config libjson-c-dev
libcmocka-dev doxygen groff-base man-db valgrind libmnl-dev libcpg-dev
libdlm-dev python3 spin"
LAB="qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-source-6.1
busybox-static corosync dlm-controld gfs2-utils iproute2 kmod cpio xz-utils
zstd bc flex bison libelf-dev libssl-dev rsync patch perl"

pkgs=$BUILD
[ "${1:-}" = "--lab" ] && pkgs="$pkgs $LAB"

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
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
