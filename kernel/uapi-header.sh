#!/bin/sh
# Print the uapi header include/uapi/linux/dlm_recover.h as the patch
# series leaves it, so userspace builds against exactly what the kernel
# side defines.
#
#   uapi-header.sh PATCH... [-- PATCH...]... > dlm_recover.h
#
# Each group of patches (groups separated by --) is one whole series in
# order, one per kernel line (kernel/patches/6.12, kernel/patches/6.1):
# one patch creates the header, later ones may change it; only the
# header's part of each patch is applied, with no fuzz (as kernel/build.sh
# applies the series).  Every series must leave the same header, byte for
# byte: the header of the first is printed, a difference fails.
set -eu
H=include/uapi/linux/dlm_recover.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

n=1
mkdir "$tmp/1"
for p in "$@"; do
	if [ "$p" = -- ]; then
		n=$((n + 1))
		mkdir "$tmp/$n"
		continue
	fi
	# the header's diff: from its "diff --git" line to the next file's
	# (or to the signature, "-- ")
	awk -v h="$H" '
		/^diff --git / { on = ($0 == "diff --git a/" h " b/" h) }
		/^-- $/ { on = 0 }
		on { print }
	' "$p" >"$tmp/part"
	[ -s "$tmp/part" ] || continue
	if ! patch -s -t -d "$tmp/$n" -p1 -F0 -N --no-backup-if-mismatch \
			-r - <"$tmp/part" >&2; then
		echo "uapi-header.sh: $p: the $H part does not apply" >&2
		exit 1
	fi
done

i=1
while [ "$i" -le "$n" ]; do
	if [ ! -f "$tmp/$i/$H" ]; then
		echo "uapi-header.sh: series $i: no patch creates $H" >&2
		exit 1
	fi
	if ! cmp -s "$tmp/1/$H" "$tmp/$i/$H"; then
		diff -u "$tmp/1/$H" "$tmp/$i/$H" >&2 || true
		echo "uapi-header.sh: series $i leaves another $H than series 1: the kernel lines must give userspace the same uapi" >&2
		exit 1
	fi
	i=$((i + 1))
done
cat "$tmp/1/$H"
