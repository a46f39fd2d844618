#!/bin/sh
# Generate the netlink code of the dlm_recover family from its YAML spec
# with the kernel's own generator, tools/net/ynl/ynl-gen-c.py of Linux
# 6.12 (linux-source-6.12), for one kernel line.
#
#   kernel/ynl-gen.sh TREE LINE OUTDIR
#
# TREE is a kernel tree with the series applied (it has
# Documentation/netlink/specs/dlm_recover.yaml); the generated files are
# written under OUTDIR with their paths in the tree:
#
#   include/uapi/linux/dlm_recover.h   the uapi header (--mode uapi)
#   fs/dlm/recover_nl_gen.h            policy, ops table, handlers
#   fs/dlm/recover_nl_gen.c            (--mode kernel)
#
# LINE 6.12 renders the spec as it is (split do/dump ops,
# struct genl_split_ops).  LINE 6.1 renders the same spec with
# "kernel-policy: per-op" (a genetlink-legacy rendering): split ops came
# in 6.2, so 6.1 gets one struct genl_ops for do and dump with the do
# policy.  The uapi header is the same for both (kernel/README.md).
#
# The generator and the schemas come from the 6.12 source tarball
# (kernel/source.sh).  Needs python3-yaml and
# python3-jsonschema (scripts/deps.sh --lab); runs Debian's python3.
set -eu
export LC_ALL=C

die() {
	echo "kernel/ynl-gen.sh: $*" >&2
	exit 1
}

[ $# -eq 3 ] || die "usage: ynl-gen.sh TREE LINE OUTDIR"
TREE=$1 LINE=$2
mkdir -p "$3"
OUT=$(cd "$3" && pwd)
SPEC=Documentation/netlink/specs/dlm_recover.yaml
[ -f "$TREE/$SPEC" ] || die "$TREE has no $SPEC"
case $LINE in
6.12 | 6.1) ;;
*) die "unknown kernel line '$LINE' (6.12 or 6.1)" ;;
esac

PY=/usr/bin/python3
[ -x "$PY" ] || die "$PY missing (apt-get install python3; scripts/deps.sh)"
"$PY" -c 'import yaml, jsonschema' 2>/dev/null ||
	die "python3-yaml and python3-jsonschema are needed (scripts/deps.sh --lab)"

# the generator, its library and the schemas, from the 6.12 source
# (kernel/source.sh: extracted once for every caller)
Y=$("$(dirname "$0")/source.sh" 6.12) || exit 1

# The generator finds the kernel's root by a MAINTAINERS file above the
# spec (without one it searches for ever) and names the spec by its path
# from there: a tree of its own with the schemas beside the spec.
W=$OUT/.spec
rm -rf "$W"
mkdir -p "$W/Documentation/netlink/specs"
: >"$W/MAINTAINERS"
cp "$Y"/Documentation/netlink/*.yaml "$W/Documentation/netlink/"
if [ "$LINE" = 6.1 ]; then
	grep -q '^protocol: genetlink-c$' "$TREE/$SPEC" ||
		die "$SPEC: expected 'protocol: genetlink-c'"
	sed 's/^protocol: genetlink-c$/protocol: genetlink-legacy\nkernel-policy: per-op/' \
		"$TREE/$SPEC" >"$W/$SPEC"
else
	cp "$TREE/$SPEC" "$W/$SPEC"
fi

mkdir -p "$OUT/include/uapi/linux" "$OUT/fs/dlm"
gen() {
	# the generator prints a traceback and exits 0 when it cannot write
	rm -f "$OUT/$3"
	# (no __pycache__ written into the shared extraction)
	(cd "$W" && PYTHONDONTWRITEBYTECODE=1 "$PY" \
		"$Y/tools/net/ynl/ynl-gen-c.py" --spec "$SPEC" \
		--mode "$1" "$2" -o "$OUT/$3") ||
		die "ynl-gen-c.py --mode $1 $2 failed"
	[ -s "$OUT/$3" ] || die "ynl-gen-c.py wrote no $3"
}
gen uapi --header include/uapi/linux/dlm_recover.h
gen kernel --header fs/dlm/recover_nl_gen.h
gen kernel --source fs/dlm/recover_nl_gen.c
echo "ynl-gen: $SPEC -> include/uapi/linux/dlm_recover.h fs/dlm/recover_nl_gen.[ch] ($LINE) in $OUT"
