#!/bin/sh
# Print the uapi header include/uapi/linux/dlm_recover.h as the patch
# series leaves it, so userspace builds against exactly what the kernel
# side defines.  Usage: uapi-header.sh PATCH... > dlm_recover.h, with the
# whole series in order: one patch creates the header, later ones may
# change it; only the header's part of each patch is applied, with no
# fuzz (as kernel/build.sh applies the series).
set -eu
H=include/uapi/linux/dlm_recover.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for p in "$@"; do
	# the header's diff: from its "diff --git" line to the next file's
	# (or to the signature, "-- ")
	awk -v h="$H" '
		/^diff --git / { on = ($0 == "diff --git a/" h " b/" h) }
		/^-- $/ { on = 0 }
		on { print }
	' "$p" >"$tmp/part"
	[ -s "$tmp/part" ] || continue
	if ! patch -s -t -d "$tmp" -p1 -F0 -N --no-backup-if-mismatch -r - \
			<"$tmp/part" >&2; then
		echo "uapi-header.sh: $p: the $H part does not apply" >&2
		exit 1
	fi
done
if [ ! -f "$tmp/$H" ]; then
	echo "uapi-header.sh: no patch creates $H" >&2
	exit 1
fi
cat "$tmp/$H"
