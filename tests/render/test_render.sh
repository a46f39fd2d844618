#!/bin/sh
# dlmctl's SVG diagrams as a browser shows them: each is rendered by
# headless Chromium to a PNG, and pnglines finds the lifelines in the
# picture, which must be one per node, where the SVG puts them; a
# violation's red band must show.  A control: the same diagram without
# its lifelines must show none (the checker can tell).
# Usage: test_render.sh DLMCTL CHROMIUM PNGLINES TESTS_DIR
# (CHROMIUM empty: not installed; scripts/deps.sh installs Debian's.)
set -u
CHROMIUM=$2
PNGLINES=$3
TESTS=$4
. "$(dirname "$0")/../cli/lib.sh"

if [ -z "$CHROMIUM" ]; then
	echo "chromium not found: scripts/deps.sh installs it (Debian's chromium)"
	exit 1
fi
export HOME="$T" # Chromium's profile and caches, not the user's

# render SVG PNG [MAXH]: a screenshot of the top of the diagram, at most
# MAXH (default 3000) pixels of it
render() {
	w=$(sed -n 's/^<svg [^>]* width="\([0-9]*\)".*/\1/p' "$1")
	h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$1")
	[ "$h" -gt "${3:-3000}" ] && h=${3:-3000}
	rm -f "$2"
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --no-first-run --disable-extensions \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$T/profile" \
		--window-size="$w,$h" --screenshot="$2" "file://$1" \
		>"$T/chromium.log" 2>&1
	if [ -s "$2" ]; then ok; else
		bad "chromium made no screenshot of $1"; tail -5 "$T/chromium.log"; fi
}

# lifelines SVG PNG DESCRIPTION: the picture shows the SVG's lifelines
lifelines() {
	"$PNGLINES" "$2" >"$T/png" || { bad "$3: pnglines failed"; return; }
	want=$(grep -o '<g class="lifeline" data-node="[0-9]*">' "$1" | wc -l)
	xs=$(awk '/<g class="lifeline"/ { getline; sub(/.* x1="/, ""); sub(/".*/, ""); printf "%s%s", s, $0; s = "," }' "$1")
	got=$(sed -n 's/^lines=//p' "$T/png")
	gotx=$(sed -n 's/^x=//p' "$T/png")
	if [ "$got" = "$want" ]; then ok; else
		bad "$3: the screenshot shows $got lifelines, the SVG has $want"; fi
	if [ "$gotx" = "$xs" ]; then ok; else
		bad "$3: lifelines at x=$gotx in the screenshot, at x=$xs in the SVG"; fi
}
band() { # PNG MIN DESCRIPTION: at least MIN rows of the violation band
	b=$(sed -n 's/^band_rows=//p' "$T/png")
	if [ "${b:-0}" -ge "$2" ]; then ok; else bad "$3: $b rows of the violation band"; fi
}

start=$(date +%s)
expect 0 "sim --svg" -- "$DLMCTL" sim --svg "$T/default.svg"
render "$T/default.svg" "$T/default.png"
lifelines "$T/default.svg" "$T/default.png" "the built-in scenario"
[ "$(sed -n 's/^band_rows=//p' "$T/png")" = 0 ] && ok || bad "a violation band without a violation"

expect 1 "sim of a finding --svg" -- "$DLMCTL" sim "$TESTS/findings/slot-reset.scn" --svg "$T/finding.svg"
render "$T/finding.svg" "$T/finding.png"
lifelines "$T/finding.svg" "$T/finding.png" "finding 7's counterexample"
band "$T/finding.png" 1 "finding 7's counterexample"

MUT=$TESTS/vm/traces/mutant/engine
expect 1 "recover check --invariants --svg" -- "$DLMCTL" recover check --invariants --svg "$T/mutant.svg" "$MUT"/*.jsonl
render "$T/mutant.svg" "$T/mutant.png"
lifelines "$T/mutant.svg" "$T/mutant.png" "the lab's mutant traces"

expect 0 "sim 32 nodes --svg" -- "$DLMCTL" sim "$TESTS/render/32-nodes.scn" --svg "$T/32.svg"
render "$T/32.svg" "$T/32.png" 1200 # every node joins at the top
lifelines "$T/32.svg" "$T/32.png" "32 nodes"
[ "$got" = 32 ] && ok || bad "32 nodes: $got lifelines"

# the control: without its lifelines, the picture shows none
sed '/<g class="lifeline"/,/<\/g>/d' "$T/default.svg" >"$T/nolines.svg"
render "$T/nolines.svg" "$T/nolines.png" 1200
"$PNGLINES" "$T/nolines.png" >"$T/png"
[ "$(sed -n 's/^lines=//p' "$T/png")" = 0 ] && ok ||
	bad "the checker sees lifelines where there are none: $(cat "$T/png")"

echo "render: $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
