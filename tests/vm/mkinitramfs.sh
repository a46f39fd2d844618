#!/bin/bash
# Build the VM lab's initramfs.
#
#   tests/vm/mkinitramfs.sh [--module NAME=FILE.ko]... [--bin FILE]...
#                           [--ynl DIR] KVER OUT.cpio [EXTRA.ko...]
#
# Contents: busybox-static (all applets), corosync + tools, dlm_controld,
# dlm_tool, a few gfs2 tools, their shared libraries (resolved with ldd),
# the kernel modules the lab needs for kernel KVER in dependency order
# (modinfo -F depends), the EXTRA modules (loaded by the lab, not at boot),
# and tests/vm/init.sh as /init.  --module NAME=FILE.ko puts FILE in place
# of the stock module NAME (the lab: the patched dlm.ko of kernel/); its
# vermagic must be KVER and its dependencies are read from FILE.  --bin
# FILE adds a program of this project (the lab: dlmctl) as
# /usr/bin/<name>; the libraries ldd finds outside /lib and /usr/lib (its
# build tree's libdlmrecover) go to /usr/lib/x86_64-linux-gnu.  --ynl
# DIR adds the kernel's generic netlink CLI, DIR/cli.py and DIR/lib/ (from
# tools/net/ynl of linux-source-6.12) with DIR/dlm_recover.yaml, as
# /usr/bin/ynl (cli.py --spec dlm_recover.yaml --no-schema), and what it
# runs on: Debian's python3 binary with its libraries and only the
# modules it loads (about 1.5 MB of the standard library's 54), with
# python3-yaml.  Not compressed: under TCG the kernel
# unpacks a plain cpio faster than a gzipped one.
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }
declare -A REPLACE=()
OWNBINS=()
YNL=
while :; do
	case ${1:-} in
	--module)
		[ $# -ge 2 ] && [[ $2 == ?*=?* ]] || die "--module needs NAME=FILE.ko"
		REPLACE[${2%%=*}]=${2#*=}
		shift 2 ;;
	--bin)
		[ $# -ge 2 ] && [ -x "$2" ] || die "--bin ${2:-}: not an executable"
		OWNBINS+=("$2")
		shift 2 ;;
	--ynl)
		[ $# -ge 2 ] && [ -f "$2/cli.py" ] && [ -d "$2/lib" ] &&
			[ -f "$2/dlm_recover.yaml" ] ||
			die "--ynl ${2:-}: needs cli.py, lib/ and dlm_recover.yaml"
		YNL=$2
		shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || die "usage: $0 [--module NAME=FILE.ko]... [--bin FILE]... [--ynl DIR] KVER OUT.cpio [EXTRA.ko...]"
KVER=$1 OUT=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
# the modules of KVER: /lib/modules/KVER, or the debug kernel's
# (scripts/kernel.sh modroot)
MODROOT=$(DLMR_KVER=$KVER "$HERE/../../scripts/kernel.sh" modroot) || exit 1
MODDIR=$MODROOT/lib/modules/$KVER
mi() { modinfo -b "$MODROOT" -k "$KVER" "$@"; }

# Modules loaded at boot; their dependencies are added and ordered below.
# crc32c_generic first: libcrc32c only soft-depends on it.
# sch_prio..act_gact: tc drops a node's DLM traffic (scenario double).
# md-mod..md-cluster: clustered RAID1 (scenario slotbug).
WANT="crc32c_generic virtio_pci virtio_net virtio_blk configfs dlm gfs2
sch_prio sch_ingress cls_u32 act_gact md-mod raid1 md-cluster"
BINS="/bin/busybox /usr/sbin/corosync /usr/sbin/corosync-cfgtool
/usr/sbin/corosync-cmapctl /usr/sbin/corosync-quorumtool
/usr/sbin/corosync-cpgtool /usr/sbin/dlm_controld /usr/sbin/dlm_tool
/usr/sbin/tunegfs2 /usr/sbin/gfs2_edit /usr/sbin/tc /usr/sbin/mdadm"
# mdadm dlopen()s these (cluster name from corosync's cmap, a userspace
# lockspace for the clustered bitmap): ldd does not list them
DLOPEN="libcmap.so.4 libdlm_lt.so.3"

for b in $BINS; do [ -x "$b" ] || die "$b missing (run scripts/deps.sh --lab)"; done
[ -d "$MODDIR/kernel" ] || die "$MODDIR missing (linux-image for $KVER)"
for m in "${!REPLACE[@]}"; do
	f=${REPLACE[$m]}
	[ -f "$f" ] || die "--module $m: $f missing"
	[ "$(modinfo -F name "$f")" = "$m" ] || die "--module $m: $f is not module $m"
	v=$(modinfo -F vermagic "$f" | awk '{print $1}')
	[ "$v" = "$KVER" ] || die "--module $m: $f has vermagic '$v', not $KVER"
done
command -v cpio >/dev/null || die "cpio missing"

ROOT=$(mktemp -d "${OUT%/*}/initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
chmod 755 "$ROOT" # mktemp's 0700 would be the guest's / (nobody runs dlmctl)

mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,etc/corosync,etc/dlm,proc,sys,dev,run,tmp,mnt,var/lib/corosync,var/log/cluster,lab/modules}
ln -s ../run "$ROOT/var/run"

# Binaries and the libraries they need, at their host paths.
copy_with_libs() {
	local f=$1 lib
	mkdir -p "$ROOT$(dirname "$f")"
	cp -L "$f" "$ROOT$f"
	for lib in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		[ -e "$ROOT$lib" ] && continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}
for b in $BINS; do copy_with_libs "$b"; done
for l in $DLOPEN; do
	# (awk reads to the end: exiting early would SIGPIPE ldconfig, and
	# pipefail would end this script without a word)
	f=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ && !f { print $NF; f = 1 }')
	[ -n "$f" ] || die "$l missing (run scripts/deps.sh --lab)"
	copy_with_libs "$f"
done
for b in "${OWNBINS[@]}"; do
	cp -L "$b" "$ROOT/usr/bin/"
	for lib in $(ldd "$b" | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		case $lib in
		/lib/* | /lib64/* | /usr/lib/*) dst=$lib ;;
		*) dst=/usr/lib/x86_64-linux-gnu/${lib##*/} ;;
		esac
		[ -e "$ROOT$dst" ] && continue
		mkdir -p "$ROOT$(dirname "$dst")"
		cp -L "$lib" "$ROOT$dst"
	done
	ldd "$b" | grep -q 'not found' && die "$b: a library is missing: $(ldd "$b" | grep 'not found')"
done
if [ -n "$YNL" ]; then
	PY=/usr/bin/python3.11
	STD=/usr/lib/python3.11
	YAML=/usr/lib/python3/dist-packages/yaml
	[ -x "$PY" ] && [ -f "$STD/os.py" ] || die "$PY missing (apt-get install python3)"
	[ -d "$YAML" ] || die "$YAML missing (scripts/deps.sh --lab: python3-yaml)"
	copy_with_libs "$PY"
	ln -s python3.11 "$ROOT/usr/bin/python3"
	mkdir -p "$ROOT$STD" "$ROOT/usr/lib/python3/dist-packages" "$ROOT/usr/share/ynl"
	# the modules cli.py, its library and a traceback load, as this
	# python imports them (all their imports are at the top: running
	# cli.py up to its first netlink request loads them all)
	mods=$(cd "$YNL" && PYTHONPATH=/usr/lib/python3/dist-packages "$PY" -S -c '
import sys
sys.path.insert(0, ".")
sys.argv = ["cli.py", "--spec", "dlm_recover.yaml", "--no-schema", "--list-ops"]
import traceback, linecache, tokenize
try:
    exec(compile(open("cli.py").read(), "cli.py", "exec"), {"__name__": "__main__"})
except BaseException:
    pass
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f:
        print(f)
') || die "--ynl: cannot list the modules cli.py loads"
	n=0
	for f in $mods; do
		case $f in
		"$STD"/* | /usr/lib/python3/dist-packages/*) ;;
		*) continue ;;
		esac
		mkdir -p "$ROOT$(dirname "$f")"
		cp "$f" "$ROOT$f"
		n=$((n + 1))
	done
	[ -f "$ROOT$STD/os.py" ] && [ -f "$ROOT/usr/lib/python3/dist-packages/yaml/__init__.py" ] ||
		die "--ynl: the module list lacks os or yaml ($n files)"
	# the platform library directory python looks for at startup
	mkdir -p "$ROOT$STD/lib-dynload"
	for so in "$ROOT$STD"/lib-dynload/*.so "$ROOT/usr/lib/python3/dist-packages/yaml"/*.so; do
		for lib in $(ldd "$so" 2>/dev/null | awk '/=> \//{print $3}'); do
			[ -e "$ROOT$lib" ] && continue
			mkdir -p "$ROOT$(dirname "$lib")"
			cp -L "$lib" "$ROOT$lib"
		done
	done
	find "$ROOT/usr/lib/python3.11" "$ROOT/usr/lib/python3" -name __pycache__ -prune -exec rm -rf {} +
	cp -r "$YNL/cli.py" "$YNL/lib" "$YNL/dlm_recover.yaml" "$ROOT/usr/share/ynl/"
	# -S: no site module (no site-packages to look for); yaml by path
	cat >"$ROOT/usr/bin/ynl" <<'YNL'
#!/bin/sh
PYTHONPATH=/usr/lib/python3/dist-packages PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 -S \
	/usr/share/ynl/cli.py --spec /usr/share/ynl/dlm_recover.yaml --no-schema "$@"
YNL
	chmod 755 "$ROOT/usr/bin/ynl"
fi
for a in $(/bin/busybox --list); do
	[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
done
# nobody: the lab's unprivileged user (su -s /bin/sh -c CMD nobody)
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOT/etc/group"

# Kernel modules in dependency order: a depth-first walk of modinfo's
# "depends" field, each module emitted after its dependencies.
declare -A seen=()
ORDER=()
visit() {
	local m=$1 d
	[ -n "${seen[$m]:-}" ] && return
	seen[$m]=1
	# built into this kernel (6.12: virtio_pci): nothing to load
	[ "$(mi -F filename "$m" 2>/dev/null)" = "(builtin)" ] && return
	for d in $(mi -F depends "${REPLACE[$m]:-$m}" | tr , ' '); do visit "$d"; done
	ORDER+=("$m")
}
for m in $WANT; do visit "$m"; done
for m in "${ORDER[@]}"; do
	f=${REPLACE[$m]:-$(mi -F filename "$m")}
	case $f in
	*.ko) cp "$f" "$ROOT/lab/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$ROOT/lab/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$ROOT/lab/modules/$m.ko" ;;
	*) die "module $m: unexpected file '$f'" ;;
	esac
	echo "$m"
done >"$ROOT/lab/modules/load.order"

for ko in "$@"; do cp "$ko" "$ROOT/lab/modules/"; done

cp "$HERE/init.sh" "$ROOT/init"
cp "$HERE/guest-lib.sh" "$ROOT/lab/lib.sh"
chmod 755 "$ROOT/init"

(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
