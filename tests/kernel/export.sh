#!/bin/sh
# kernel/export-series.sh signs the committed series with the submitter's
# own git identity and with nothing else:
#   - without user.name/user.email it fails with one line and writes
#     nothing; with a placeholder address (.invalid, example.com) too;
#   - the committed patches carry no From: and no Signed-off-by;
#   - with an identity, every patch gets exactly that From: and (but the
#     cover letter) that Signed-off-by, the export differs from the
#     committed patch by those lines only, each line's signed series is
#     checkpatch --strict clean with the sign-off checks, and the 6.12
#     one applies with git am to the pristine tree, authored by it.
#
#   tests/kernel/export.sh OUTDIR
set -eu
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
x=$top/kernel/export-series.sh
[ $# -eq 1 ] || { echo "usage: export.sh OUTDIR" >&2; exit 2; }
rm -rf "$1"
mkdir -p "$1"
W=$(cd "$1" && pwd)
fail() {
	echo "export.sh: FAIL: $*" >&2
	exit 1
}

# the kernel files (kernel/source.sh), cached where the caller's HOME
# says, before HOME is replaced below
export DLMR_SRC_CACHE="${DLMR_SRC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlmrecover/linux-source}"

# a git of our own: no system or user configuration leaks in
export HOME="$W/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$W/gitconfig"
mkdir -p "$HOME"
: >"$GIT_CONFIG_GLOBAL"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL || true

# the committed series: no identity at all
for p in "$top"/kernel/patches/*/0*.patch; do
	! grep -q '^From: \|^Signed-off-by: ' "$p" ||
		fail "$(basename "$p") carries an identity: $(grep -m1 '^From: \|^Signed-off-by: ' "$p")"
done
echo "ok: the committed patches carry no From: and no Signed-off-by"

# no identity: one line, non-zero, nothing written
if out=$("$x" export 6.12 "$W/none" 2>&1); then
	fail "export without an identity succeeded"
fi
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "not one line: $out"
echo "$out" | grep -q 'user.name and user.email must be set' || fail "unclear: $out"
[ -z "$(ls "$W/none" 2>/dev/null)" ] || fail "export without an identity wrote patches"
echo "ok: no identity: $out"

git config --global user.name 'Test Submitter'
git config --global user.email 'dev@dlmrecover.invalid'
if out=$("$x" export 6.12 "$W/placeholder" 2>&1); then
	fail "export with a .invalid address succeeded"
fi
echo "$out" | grep -q 'not a real address' || fail "unclear: $out"
git config --global user.email 'someone@example.com'
"$x" export 6.12 "$W/placeholder" 2>/dev/null && fail "export with example.com succeeded"
echo "ok: placeholder addresses refused: $out"

if out=$("$x" export 6.13 "$W/none" 2>&1); then
	fail "export of an unknown line succeeded"
fi
echo "ok: unknown line: $out"

id='Test Submitter <submitter@dlmrecover-tests.org>'
git config --global user.email 'submitter@dlmrecover-tests.org'
for l in 6.12 6.1; do
	"$x" export "$l" "$W/$l"
	for p in "$top"/kernel/patches/$l/0*.patch; do
		b=$(basename "$p")
		e=$W/$l/$b
		[ -f "$e" ] || fail "$l: $b not exported"
		[ "$(grep -c "^From: $id\$" "$e")" -eq 1 ] || fail "$l/$b: no From: $id"
		n=$(grep -c "^Signed-off-by: $id\$" "$e" || true)
		case $b in
		0000-*) [ "$n" -eq 0 ] || fail "$l/$b: a cover letter is not signed off"
			grep -q '^Test Submitter ([0-9]*):$' "$e" ||
				fail "$l/$b: the shortlog does not name the submitter" ;;
		*) [ "$n" -eq 1 ] || fail "$l/$b: $n Signed-off-by lines, want 1" ;;
		esac
		# the export adds the identity lines (and a blank line before a
		# first trailer), nothing else
		extra=$(diff "$p" "$e" | grep '^[<>]' |
			grep -v "^> From: $id\$" | grep -v "^> Signed-off-by: $id\$" |
			grep -v '^> $' | grep -v '^< @SUBMITTER@ ([0-9]*):$' |
			grep -v '^> Test Submitter ([0-9]*):$' || true)
		[ -z "$extra" ] || fail "$l/$b: the export changed more than the identity: $extra"
	done
	echo "ok: $l: $(ls "$W/$l" | wc -l) patches signed by $id"
done

# checkpatch --strict with its sign-off checks, each line with its own
# script; git am of the 6.12 series onto the pristine files
for l in 6.12 6.1; do
	s=$("$top/kernel/source.sh" "$l") || fail "kernel/source.sh $l"
	for e in "$W/$l"/0*.patch; do
		case $(basename "$e") in 0000-*) continue ;; esac
		perl "$s/scripts/checkpatch.pl" --strict --no-tree \
			--no-color -q "$e" >"$W/cp.out" 2>&1 ||
			{ cat "$W/cp.out" >&2; fail "$l/$(basename "$e"): checkpatch"; }
	done
	echo "ok: $l: the signed series is checkpatch --strict clean"
done

s=$("$top/kernel/source.sh" 6.12) || fail "kernel/source.sh 6.12"
g=$W/git
mkdir -p "$g/fs" "$g/include/trace/events"
cp -R "$s/fs/dlm" "$g/fs/"
cp "$s/include/trace/events/dlm.h" "$g/include/trace/events/"
cp "$s/MAINTAINERS" "$g/"
(
	cd "$g"
	git init -q .
	git add -A
	git -c user.name=base -c user.email=base@dlmrecover-tests.org commit -qm base
	for e in "$W/6.12"/0*.patch; do
		case $(basename "$e") in 0000-*) continue ;; esac
		git am -q "$e" || fail "git am $(basename "$e")"
	done
	a=$(git log --format='%an <%ae>' HEAD~1..HEAD)
	[ "$a" = "$id" ] || fail "git am: author '$a'"
	echo "ok: 6.12: git am applies the $(($(git rev-list --count HEAD) - 1)) signed patches, authored by $a"
)
