#!/bin/sh
# The kernel patch series (kernel/patches/LINE/) against Linux fs/dlm of
# the kernel under test (scripts/kernel.sh): check it, apply it, build the
# patched dlm.ko out of tree.
#
#   kernel/build.sh checkpatch OUTDIR  scripts/checkpatch.pl --strict on
#                                      every patch; any error, warning or
#                                      check fails
#   kernel/build.sh apply OUTDIR       the series applies cleanly (no fuzz,
#                                      no offset) to the pristine fs/dlm of
#                                      the line
#   kernel/build.sh module OUTDIR      apply, build OUTDIR/dlm.ko against
#                                      the kernel's build tree
#                                      (scripts/kernel.sh kdir), install the
#                                      uapi header as
#                                      OUTDIR/include/linux/dlm_recover.h
#                                      and OUTDIR/dlm_recover.h, and verify
#                                      vermagic and the export CRCs
#   kernel/build.sh verify OUTDIR      only the checks of 'module'
#   kernel/build.sh ynl OUTDIR [HEADER]
#                                      the netlink code the series carries
#                                      (uapi header, fs/dlm/recover_nl_gen.[ch])
#                                      is what kernel/ynl-gen.sh makes of
#                                      the series' spec, and HEADER (the
#                                      uapi header the library is built
#                                      with) is that header too
#   kernel/build.sh apply|module OUTDIR --plus PATCH...
#                                      the same with PATCH... applied
#                                      after the series, also with no
#                                      fuzz: a planted bug
#                                      (kernel/test-patches/LINE/, e.g.
#                                      the lab's scenario lockbug)
#
# The kernel (its ABI for the headers, vermagic and CRCs, its line for the
# linux-source tarball) is the one scripts/kernel.sh chooses: the current
# Debian 6.1 kernel unless DLMR_KVER says otherwise; NOT the running one.
# Each line has its own copy of the series, made against its fs/dlm
# (scripts/kernel.sh series: kernel/patches/6.12, the primary one, and
# kernel/patches/6.1, the backport); it must apply exactly.
# Needs scripts/deps.sh --lab.
#
# Out of tree, fs/dlm/ and include/trace/events/dlm.h sit side by side in
# OUTDIR/tree (the trace header includes ../../../fs/dlm/dlm_internal.h)
# and the build puts OUTDIR/tree/include and its uapi directory first on
# the include path (NOSTDINC_FLAGS).
set -eu
export LC_ALL=C

KERNEL_SH=$(cd "$(dirname "$0")/.." && pwd)/scripts/kernel.sh
LINE=$("$KERNEL_SH" line)
PATCHES=$("$KERNEL_SH" series)
LINUX_SOURCE=$("$KERNEL_SH" source)

die() {
	echo "kernel/build.sh: $*" >&2
	exit 1
}

# the ABI to build for, checked installed (headers, modules, source)
kernel() {
	KVER=$("$KERNEL_SH" require) || exit 1
	KDIR=$("$KERNEL_SH" kdir) || exit 1
	MODS=$("$KERNEL_SH" modroot)/lib/modules/$KVER
}

USAGE="usage: build.sh checkpatch|apply|module|verify OUTDIR | build.sh apply|module OUTDIR --plus PATCH... | build.sh ynl OUTDIR [HEADER]"
[ $# -ge 2 ] || die "$USAGE"
cmd=$1
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
LIBHEADER=
# apply|module OUTDIR --plus PATCH...: after the series, apply PATCH...
# (test patches that plant a bug, kernel/test-patches/LINE/; never the
# series)
PLUS=
if [ $# -gt 2 ]; then
	case $cmd in
	ynl)
		[ $# -eq 3 ] || die "$USAGE"
		LIBHEADER=$3
		;;
	apply | module)
		[ "$3" = --plus ] && [ $# -ge 4 ] || die "$USAGE"
		shift 3
		for p in "$@"; do
			[ -r "$p" ] || die "--plus $p: no such patch"
			PLUS="$PLUS $(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
		done
		;;
	*) die "$USAGE" ;;
	esac
fi

# the line's series, in order (scripts/kernel.sh series), without its
# cover letter (0000-cover-letter.patch)
series() {
	ls "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '/0000-' ||
		die "no patches in $PATCHES"
}

# OUTDIR/pristine: the files the series touches and the checkpatch script,
# from the line's linux-source tarball (kernel/source.sh: extracted once
# for every caller)
pristine() {
	[ -f "$OUT/pristine/.done" ] && return 0
	s=$("$(dirname "$0")/source.sh" "$LINE") || exit 1
	rm -rf "$OUT/pristine"
	mkdir -p "$OUT/pristine/include/trace/events" "$OUT/pristine/scripts" \
		"$OUT/pristine/fs"
	cp -R "$s/fs/dlm" "$OUT/pristine/fs/" &&
		cp "$s/include/trace/events/dlm.h" "$OUT/pristine/include/trace/events/" &&
		cp "$s/MAINTAINERS" "$OUT/pristine/" &&
		cp "$s/scripts/checkpatch.pl" "$s/scripts/spelling.txt" \
			"$s/scripts/const_structs.checkpatch" "$OUT/pristine/scripts/" ||
		die "cannot copy fs/dlm from $s"
	touch "$OUT/pristine/.done"
}

# apply the series to a fresh copy of the pristine files in $1
apply_to() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$OUT/pristine" && tar -cf - fs include MAINTAINERS) |
		(cd "$1" && tar -xf -)
	for p in $(series) $PLUS; do
		# -F0: no fuzz; a rejected hunk is a failure, and so is an
		# offset one: each series is made against its line
		if ! out=$(patch -d "$1" -p1 -F0 -N --no-backup-if-mismatch \
				-r - <"$p" 2>&1) ||
		   echo "$out" | grep -Eq 'offset|fuzz|FAILED|reversed'; then
			echo "$out" >&2
			die "$(basename "$p") does not apply cleanly to $LINE fs/dlm"
		fi
	done
}

do_checkpatch() {
	pristine
	fail=0
	for p in $(series); do
		# --no-tree: only fs/dlm is extracted; spelling.txt and
		# const_structs.checkpatch are found next to the script.
		# --no-signoff: the committed series carries no identity;
		# kernel/export-series.sh signs it (tests/kernel/export.sh
		# checks the signed copy with the sign-off checks)
		if perl "$OUT/pristine/scripts/checkpatch.pl" --strict \
				--no-tree --no-color --no-signoff "$p"; then
			echo "checkpatch: $(basename "$p"): clean"
		else
			echo "checkpatch: $(basename "$p"): NOT clean" >&2
			fail=1
		fi
	done
	return $fail
}

do_apply() {
	pristine
	apply_to "$OUT/apply-check"
	echo "apply: $(series | wc -l) patches of $PATCHES${PLUS:+ and$PLUS} apply cleanly to $LINE fs/dlm ($(basename "$LINUX_SOURCE"))"
}

do_verify() {
	kernel
	ko=$OUT/dlm.ko
	[ -f "$ko" ] || die "$ko missing: run build.sh module first"

	vm=$(modinfo -F vermagic "$ko" | awk '{print $1}')
	[ "$vm" = "$KVER" ] || die "vermagic '$vm', expected '$KVER'"
	echo "verify: vermagic $vm"

	# our exports and their CRCs against the stock module's
	stock=$KDIR/Module.symvers
	awk '$3 == "fs/dlm/dlm" { print $2, $1 }' "$stock" | sort >"$OUT/crc.stock"
	awk '{ print $2, $1 }' "$OUT/tree/fs/dlm/Module.symvers" | sort >"$OUT/crc.ours"
	[ -s "$OUT/crc.stock" ] || die "no fs/dlm/dlm exports in $stock"
	cmp -s "$OUT/crc.stock" "$OUT/crc.ours" || {
		diff "$OUT/crc.stock" "$OUT/crc.ours" >&2 || true
		die "export CRCs differ from the stock dlm.ko"
	}
	echo "verify: $(wc -l <"$OUT/crc.ours") exports, CRCs equal to the stock dlm.ko"

	# the dlm symbols the stock gfs2.ko imports, with the CRCs it expects
	gfs2=$(find "$MODS/kernel/fs/gfs2" -name 'gfs2.ko*' | head -n 1)
	[ -n "$gfs2" ] || die "no gfs2.ko under $MODS"
	case $gfs2 in
	*.ko) cp "$gfs2" "$OUT/gfs2.ko" ;;
	*.xz) xz -dc "$gfs2" >"$OUT/gfs2.ko" ;;
	*.zst) zstd -qdc "$gfs2" >"$OUT/gfs2.ko" ;;
	*) die "cannot read $gfs2" ;;
	esac
	modprobe --dump-modversions "$OUT/gfs2.ko" |
		awk '{ print $2, $1 }' | sort >"$OUT/crc.gfs2"
	used=$(join "$OUT/crc.gfs2" "$OUT/crc.ours" | wc -l)
	[ "$used" -gt 0 ] || die "gfs2.ko imports no dlm symbol?"
	bad=$(join "$OUT/crc.gfs2" "$OUT/crc.ours" | awk '$2 != $3')
	[ -z "$bad" ] || die "gfs2.ko expects other CRCs: $bad"
	echo "verify: gfs2.ko imports $used dlm symbols, CRCs match"
}

do_module() {
	kernel
	pristine
	apply_to "$OUT/tree"
	T=$OUT/tree
	make -s -C "$KDIR" M="$T/fs/dlm" \
		NOSTDINC_FLAGS="-nostdinc -I$T/include -I$T/include/uapi" \
		-j"$(nproc)" modules 2>&1 | grep -v '^Skipping BTF generation' || true
	[ -f "$T/fs/dlm/dlm.ko" ] || die "dlm.ko did not build"
	cp "$T/fs/dlm/dlm.ko" "$OUT/dlm.ko"
	# the uapi header (the netlink patch creates it)
	[ -f "$T/include/uapi/linux/dlm_recover.h" ] ||
		die "the series made no include/uapi/linux/dlm_recover.h"
	mkdir -p "$OUT/include/linux"
	cp "$T/include/uapi/linux/dlm_recover.h" "$OUT/include/linux/"
	cp "$T/include/uapi/linux/dlm_recover.h" "$OUT/dlm_recover.h"
	echo "module: $OUT/dlm.ko"
	do_verify
}

do_ynl() {
	pristine
	apply_to "$OUT/ynl-tree"
	"$(dirname "$0")/ynl-gen.sh" "$OUT/ynl-tree" "$LINE" "$OUT/ynl-gen"
	for f in include/uapi/linux/dlm_recover.h fs/dlm/recover_nl_gen.h \
		fs/dlm/recover_nl_gen.c; do
		[ -f "$OUT/ynl-tree/$f" ] || die "the series makes no $f"
		if ! cmp -s "$OUT/ynl-gen/$f" "$OUT/ynl-tree/$f"; then
			diff -u "$OUT/ynl-gen/$f" "$OUT/ynl-tree/$f" >&2 || true
			die "$f in the $LINE series is not what ynl-gen-c.py makes of Documentation/netlink/specs/dlm_recover.yaml (regenerate with kernel/ynl-gen.sh)"
		fi
		echo "ynl: $f: generated from the spec"
	done
	if [ -n "$LIBHEADER" ]; then
		[ -f "$LIBHEADER" ] || die "$LIBHEADER missing"
		if ! cmp -s "$OUT/ynl-gen/include/uapi/linux/dlm_recover.h" "$LIBHEADER"; then
			diff -u "$OUT/ynl-gen/include/uapi/linux/dlm_recover.h" "$LIBHEADER" >&2 || true
			die "$LIBHEADER (the library's uapi header) is not the one generated from the spec"
		fi
		echo "ynl: $LIBHEADER: the library's header is the generated one"
	fi
}

case $cmd in
checkpatch) do_checkpatch ;;
ynl) do_ynl ;;
apply) do_apply ;;
module) do_module ;;
verify) do_verify ;;
*) die "unknown command '$cmd'" ;;
esac
