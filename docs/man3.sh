#!/bin/sh
# The library's man pages (section 3) from include/dlmrecover.h, by
# Doxygen's man output, named so that they cannot collide with another
# package's: each group of the header becomes dlmrecover_GROUP(3)
# (dlmrecover_sim, dlmrecover_judge, ...), the header itself
# dlmrecover(3), each structure dlmr_STRUCT(3); and each function the
# library exports (the version script) gets a page dlmr_FUNCTION(3) that
# is a link (.so) to its group's page (or, when a structure has the
# function's name, a SEE ALSO on the structure's page).  An exported
# function that no page documents is an error (the header's own page
# documents those in no group).
#
# Usage: man3.sh DOXYGEN DOXYFILE OUTDIR VERSION_SCRIPT
set -eu
DOXYGEN=$1 DOXYFILE=$2 OUT=$3 MAP=$4
RAW=$OUT.raw
rm -rf "$OUT" "$RAW"
mkdir -p "$OUT" "$RAW"
# the API reference's own configuration, with man pages instead of HTML
{ cat "$DOXYFILE"; printf '%s\n' "OUTPUT_DIRECTORY = \"$RAW\"" \
	GENERATE_HTML=NO GENERATE_MAN=YES MAN_OUTPUT=man MAN_EXTENSION=.3 \
	MAN_LINKS=NO; } | "$DOXYGEN" - >/dev/null
SRC=$RAW/man/man3

# page FILE NAME: FILE as page NAME (its .TH and NAME lines), without the
# date Doxygen stamps on it (the same sources give the same pages)
page() {
	sed -e "1s/^\.TH \"[^\"]*\" 3 \"[^\"]*\"/.TH \"$2\" 3 \"\"/" \
	    -e "/^\.SH NAME$/{n;s/^[^ ]* \\\\-/$2 \\\\-/;}" "$1" >"$OUT/$2.3"
}

for f in "$SRC"/*.3; do
	b=$(basename "$f" .3)
	case $b in
	dlmrecover.h) page "$f" dlmrecover ;;
	dlmr_*) page "$f" "$b" ;;
	*) page "$f" "dlmrecover_$b" ;;
	esac
done

# the exported functions: a link to the group page that documents each
sed -n 's/^[[:space:]]*\(dlmr_[a-z0-9_]*\);$/\1/p' "$MAP" | sort -u |
while read -r fn; do
	g=$(grep -l "^\.RI \".*\\\\fB$fn\\\\fP (" "$OUT"/dlmrecover_*.3 \
		"$OUT"/dlmrecover.3 | head -n 1)
	if [ -z "$g" ]; then
		echo "man3.sh: $fn: exported (libdlmrecover.map) but in no man page" >&2
		exit 1
	fi
	if [ -e "$OUT/$fn.3" ]; then
		# a structure of the same name (dlmr_coord_slot_stats): its
		# page points at the function's
		printf '.SH "SEE ALSO"\n\\fB%s\\fP(3), for the function %s()\n' \
			"$(basename "$g" .3)" "$fn" >>"$OUT/$fn.3"
		continue
	fi
	printf '.so man3/%s\n' "$(basename "$g")" >"$OUT/$fn.3"
done
rm -rf "$RAW"
