#!/bin/sh
# Install as a packager would (meson install --destdir into a temporary
# directory) and check the layout, then use what was installed as a user
# would: build a program with nothing but pkg-config (PKG_CONFIG_PATH
# into the destdir, PKG_CONFIG_SYSROOT_DIR the destdir) and run it, run
# the installed dlmctl, read the installed man pages.
# Usage: test_install.sh MESON BUILD_DIR CC SOURCE_DIR DOCS PREFIX BINDIR
#                        INCLUDEDIR LIBDIR MANDIR DATADIR
# (DOCS: true when the API reference and man3 pages are built, -Ddocs)
set -u
MESON=$1 BUILD=$2 CC=$3 SRC=$4 DOCS=$5 PREFIX=$6
BINDIR=$PREFIX/$7 INCDIR=$PREFIX/$8 LIBDIR=$PREFIX/$9
shift 9
MANDIR=$PREFIX/$1 DATADIR=$PREFIX/$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/dest
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
file() { # PATH DESCRIPTION: PATH exists in the destdir
	if [ -e "$D$1" ]; then ok; else bad "$2: no $1"; fi
}
nofile() {
	if [ -e "$D$1" ]; then bad "$2: $1 installed"; else ok; fi
}

if "$MESON" install -C "$BUILD" --destdir "$D" --no-rebuild --quiet \
	>"$T/install.log" 2>&1; then ok; else
	bad "meson install --destdir failed"; cat "$T/install.log"
	echo "$pass passed, $fail failed"; exit 1
fi

# --- the layout ----------------------------------------------------------
file "$BINDIR/dlmctl" "dlmctl in bin (most commands need no privilege)"
nofile "$PREFIX/sbin/dlmctl" "dlmctl not in sbin"
file "$INCDIR/dlmrecover.h" "the header"
file "$INCDIR/dlmrecover/dlm_recover.h" "the uapi header under the project's directory"
nofile "$INCDIR/linux" "nothing in the system's linux/ headers"
file "$LIBDIR/libdlmrecover.so.0" "the library"
file "$LIBDIR/libdlmrecover.so" "the library's link"
file "$LIBDIR/pkgconfig/dlmrecover.pc" "the .pc file"
file "$MANDIR/man8/dlmctl.8" "dlmctl(8)"
file "$DATADIR/bash-completion/completions/dlmctl" "bash completion, where bash-completion looks"
outside=$(find "$D" -type f | grep -v "^$D$PREFIX/" | head -3)
[ -z "$outside" ] && ok || bad "installed outside the prefix: $outside"
if [ "$DOCS" = true ]; then
	file "$DATADIR/doc/dlmrecover/html/index.html" "the HTML API reference"
	grep -q 'libdlmrecover' "$D$DATADIR/doc/dlmrecover/html/index.html" 2>/dev/null &&
		ok || bad "the HTML API reference's index names no libdlmrecover"
	file "$MANDIR/man3/dlmrecover.3" "dlmrecover(3)"
	for fn in $(sed -n 's/^[[:space:]]*\(dlmr_[a-z0-9_]*\);$/\1/p' \
			"$SRC/lib/libdlmrecover/libdlmrecover.map"); do
		file "$MANDIR/man3/$fn.3" "a man page for the exported $fn()"
	done
	other=$(ls "$D$MANDIR/man3" | grep -v '^dlmr' | head -3)
	[ -z "$other" ] && ok || bad "man3 pages not named dlmr* (another package's names): $other"
	export LC_ALL=C.UTF-8
	for p in dlmrecover dlmr_sim_run dlmr_judge_feed dlmctl; do
		MANPATH=$D$MANDIR man --warnings -E UTF-8 -P cat "$p" \
			>"$T/man" 2>"$T/manerr"
		if [ -s "$T/man" ] && [ ! -s "$T/manerr" ]; then ok; else
			bad "man $p from the destdir: $(head -3 "$T/manerr")"; fi
	done
	MANPATH=$D$MANDIR man -P cat dlmr_sim_run 2>/dev/null |
		grep -q 'dlmr_sim_run (const struct dlmr_scenario' && ok ||
		bad "man dlmr_sim_run does not show dlmr_sim_run()"
fi

# --- pkg-config: what a user's build sees --------------------------------
export PKG_CONFIG_PATH="$D$LIBDIR/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
cflags=$(pkg-config --cflags dlmrecover) && ok || bad "pkg-config --cflags dlmrecover"
libs=$(pkg-config --libs dlmrecover) && ok || bad "pkg-config --libs dlmrecover"
cflags=$(echo $cflags) libs=$(echo $libs) # without pkg-config's trailing blank
case $cflags in
*json*|*mnl*) bad "json-c's or libmnl's include path in users' cflags: $cflags" ;;
*) ok ;;
esac
[ "$cflags" = "-I$D$INCDIR" ] && ok || bad "cflags '$cflags', expected '-I$D$INCDIR'"
case $libs in
*-ljson-c*) bad "json-c in a dynamic link: $libs" ;;
*) ok ;;
esac
case $(pkg-config --libs --static dlmrecover) in
*-ljson-c*-lmnl*) ok ;;
*) bad "pkg-config --libs --static dlmrecover lacks json-c and libmnl" ;;
esac

# --- a program built against the installed library -----------------------
# shellcheck disable=SC2086
if "$CC" -std=c11 -Wall -Wextra -Werror -pedantic -o "$T/hello" \
	"$SRC/tests/install/hello.c" $cflags $libs -Wl,-rpath,"$D$LIBDIR" \
	2>"$T/cc.log"; then ok; else bad "building hello.c with pkg-config's flags:"; cat "$T/cc.log"; fi
if "$T/hello" >"$T/out" 2>&1; then ok; else bad "hello exits $?: $(cat "$T/out")"; fi
grep -q '^libdlmrecover .*, netlink family dlm_recover v1: invariants S1-S5 held$' "$T/out" &&
	ok || bad "hello says: $(cat "$T/out")"
ldd "$T/hello" | grep -q "libdlmrecover.so.0 => $D$LIBDIR/" && ok ||
	bad "hello is not linked to the installed library: $(ldd "$T/hello" | grep dlmrecover)"

# --- the installed dlmctl ----------------------------------------------
LD_LIBRARY_PATH=$D$LIBDIR "$D$BINDIR/dlmctl" --version >"$T/out" 2>&1 &&
	grep -q '^dlmctl .* (libdlmrecover ' "$T/out" && ok ||
	bad "installed dlmctl --version: $(cat "$T/out")"
LD_LIBRARY_PATH=$D$LIBDIR "$D$BINDIR/dlmctl" sim >"$T/out" 2>&1 &&
	grep -q 'invariants S1-S5: held' "$T/out" && ok ||
	bad "installed dlmctl sim: $(tail -3 "$T/out")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
