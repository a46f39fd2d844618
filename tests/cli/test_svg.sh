#!/bin/sh
# dlmctl's SVG sequence diagrams (sim --svg, recover check --svg) by their
# structure, and the sim timeline against the terminal's width.
# Usage: test_svg.sh DLMCTL TESTS_DIR
# DLMCTL_WRAP, if set, runs every dlmctl under it (e.g. valgrind).
# The diagrams as a browser shows them: tests/render/test_render.sh.
set -u
TESTS=$2
SVGSTAT="python3 $TESTS/render/svgstat.py"
. "$(dirname "$0")/lib.sh"

# stat SVG: its structure (svgstat.py) in $T/stat; fails on bad XML
stat() {
	if $SVGSTAT "$1" >"$T/stat" 2>"$T/staterr"; then ok; else
		bad "$1: not well-formed: $(cat "$T/staterr")"; fi
}
# is KEY VALUE DESCRIPTION: key=value in $T/stat
is() {
	v=$(sed -n "s/^$1=//p" "$T/stat")
	if [ "$v" = "$2" ]; then ok; else bad "$3: $1 is '$v', expected '$2'"; fi
}

# --- sim --svg: the built-in scenario ------------------------------------
expect 0 "sim --svg" -- "$DLMCTL" sim --svg "$T/default.svg"
has "$T/out" 'invariants S1-S5: held' "sim --svg still prints the summary"
stat "$T/default.svg"
is nodes 3 "default"
is lifelines 3 "default: one lifeline per node"
is lifeline_nodes 1,2,3 "default: lifelines in nodeid order"
is event_nodes 1,2,3 "default: events on every lifeline"
expect 0 "sim -j" -- "$DLMCTL" sim -j
is events "$(grep -vc '"event":"violation"' "$T/out")" "default: an event per trace line"
is violations 0 "default: no violation"
is at 0 "default: nothing marked"
is scripts 0 "self-contained: no script"
is hrefs 0 "self-contained: no link to anything"
has "$T/default.svg" 'recover j1' "a journal recovery is drawn"
has "$T/default.svg" 'slot node2 s2' "the slot callback is drawn"
has "$T/default.svg" 'class="slotarrow"' "the failed node points at the slot callbacks"
has "$T/default.svg" 'UNBLOCK' "unblock is drawn"
has "$T/default.svg" 'MOUNTED jid' "mounted is drawn"
has "$T/default.svg" 'first_done' "first_done is drawn"
has "$T/default.svg" '<title>[^<]*"event":"grant"' "an event's trace line is its tooltip"
expect 0 "sim --svg again" -- "$DLMCTL" sim --svg "$T/again.svg"
if cmp -s "$T/default.svg" "$T/again.svg"; then ok; else bad "same run, different SVG"; fi

# --svg -: the diagram on stdout, instead of the timeline
expect 0 "sim --svg -" -- "$DLMCTL" sim --svg -
if cmp -s "$T/out" "$T/default.svg"; then ok; else bad "sim --svg - differs from sim --svg FILE"; fi

# --- a saved counterexample: the violation is marked ----------------------
expect 1 "sim finding --svg" -- "$DLMCTL" sim "$TESTS/findings/slot-reset.scn" --svg "$T/finding.svg"
has "$T/err" 'invariant violated: S1' "the violation is still reported"
stat "$T/finding.svg"
is lifelines 3 "finding: one lifeline per node"
is violations 1 "finding: the violation is a band"
is at 1 "finding: the event that broke S1 is marked"
has "$T/finding.svg" 'class="violation".*' "violation group"
has "$T/finding.svg" 'VIOLATION \(node 2\): S1: node 2 unblocked' "the violation's text"
has "$T/finding.svg" 'matches docs/findings.md, finding 7' "the finding it matches"
grep 'class="ev [a-z]* at"' "$T/finding.svg" >"$T/at"
has "$T/at" 'UNBLOCK' "the marked event is node 2's unblock"

# --- 32 nodes (one run, for time under valgrind: the timeline in 80
# columns is checked below) --------------------------------------------------
expect 0 "sim 32 nodes --svg" -- env COLUMNS=80 "$DLMCTL" sim "$TESTS/render/32-nodes.scn" --svg "$T/32.svg"
cp "$T/out" "$T/32.txt"
stat "$T/32.svg"
is lifelines 32 "32 nodes: one lifeline per node"
is lifeline_nodes "$(seq -s, 1 32)" "32 nodes: lifelines 1..32"
w=$(sed -n 's/^width=//p' "$T/stat")
[ "$w" -le 5000 ] && ok || bad "32 nodes: $w pixels wide"

# --- recover check --svg: real traces, the judge's verdict ---------------
MUT=$TESTS/vm/traces/mutant/engine
expect 1 "recover check --invariants --svg" -- "$DLMCTL" recover check --invariants --svg "$T/mutant.svg" "$MUT/crash.jsonl" "$MUT"/node*.jsonl
has "$T/out" 'S1: node 2 unblocked' "the report is still printed"
stat "$T/mutant.svg"
is lifelines 3 "mutant traces: one lifeline per node"
is events "$(cat "$MUT"/*.jsonl | grep -c .)" "mutant traces: every event"
is violations 1 "mutant traces: the judge's violation"
is at 1 "mutant traces: the event at fault"
is ref 4 "mutant traces: the events it rests on"
has "$T/mutant.svg" 'node2.b3.jsonl:38: ' "an event's file and line in its tooltip"
has "$T/mutant.svg" '\+[0-9]+\.[0-9]{3} s<' "time since the first event"
KILL=$TESTS/vm/traces/kill
expect 0 "recover check --invariants --svg, S1-S5 held" -- "$DLMCTL" recover check --invariants --svg "$T/kill.svg" "$KILL"/engine/*.jsonl
stat "$T/kill.svg"
is lifelines 3 "kill traces: one lifeline per node"
is violations 0 "kill traces: no violation"
expect 0 "recover check --svg, one trace" -- "$DLMCTL" recover check --svg "$T/one.svg" "$KILL/node1.jsonl"
has "$T/out" 'contract kept' "one trace: the report"
stat "$T/one.svg"
is lifelines 1 "one trace: one lifeline"
expect 0 "recover check --svg -" -- "$DLMCTL" recover check --svg - "$KILL/node1.jsonl"
has "$T/out" '^<\?xml ' "--svg -: the diagram on stdout"
hasnot "$T/out" '^[^<].*contract kept' "--svg -: no report on stdout"
# a contract violation and a hazard, marked
"$DLMCTL" sim -j >"$T/trace.jsonl"
awk '/"event":"prep"/ && /"node":1,/ && !d { d = 1; next } { print }' \
	"$T/trace.jsonl" >"$T/noprep.jsonl"
expect 1 "recover check --svg, contract violated" -- "$DLMCTL" recover check --svg "$T/noprep.svg" "$T/noprep.jsonl"
stat "$T/noprep.svg"
is violations 1 "contract: the violation"
is at 1 "contract: the event at fault"
printf '%s\n' '{"seq":1,"event":"done","node":2,"ls":"gfs0","generation":1,"our_slot":1,"slots":[{"nodeid":1,"slot":2},{"nodeid":2,"slot":1}]}' \
	'{"seq":2,"event":"prep","node":2,"ls":"gfs0"}' \
	'{"seq":3,"event":"slot","node":2,"ls":"gfs0","nodeid":1,"slot":-1}' \
	'{"seq":4,"event":"done","node":2,"ls":"gfs0","generation":2,"our_slot":1,"slots":[{"nodeid":2,"slot":1}]}' >"$T/hazard.jsonl"
expect 1 "recover check --svg, a hazard" -- "$DLMCTL" recover check --svg "$T/hazard.svg" "$T/hazard.jsonl"
has "$T/out" 'contract kept but 1 hazard' "hazard: the report"
stat "$T/hazard.svg"
is warnings 1 "hazard: a warning band"
is hazard 1 "hazard: the event marked"
# whatever a trace holds, the SVG is well-formed
printf '%s\n' '{"event":"join","node":1,"ls":"x","step":1}' \
	'{"event":"violation","node":1,"ls":"x","step":2,"detail":"a<b & \"c\" ]]> \u00e9 \u0001"}' >"$T/odd.jsonl"
expect 0 "recover check --svg, markup in a detail" -- "$DLMCTL" recover check --svg "$T/odd.svg" "$T/odd.jsonl"
stat "$T/odd.svg"
has "$T/odd.svg" 'a&lt;b &amp; "c" ]]&gt;' "markup escaped"

# --- errors ---------------------------------------------------------------
expect 2 "sim --svg - -j" -- "$DLMCTL" sim --svg - -j
usage_error "$T/err" sim "sim --svg - -j"
expect 2 "sim --svg ''" -- "$DLMCTL" sim --svg ''
usage_error "$T/err" sim "sim --svg ''"
expect 2 "sim --svg without a file" -- "$DLMCTL" sim --svg
usage_error "$T/err" sim "sim --svg"
expect 2 "sim --compare --svg" -- "$DLMCTL" sim --compare --svg "$T/x.svg"
usage_error "$T/err" sim "sim --compare --svg"
expect 3 "sim --svg into a missing directory" -- "$DLMCTL" sim --svg "$T/no/such/x.svg"
has "$T/err" "^dlmctl sim: $T/no/such/x.svg: No such file or directory$" "unwritable --svg named"
oneline "$T/err" "unwritable --svg"
expect 2 "recover check --svg - -j" -- "$DLMCTL" recover check --svg - -j "$KILL/node1.jsonl"
usage_error "$T/err" "recover check" "recover check --svg - -j"
expect 2 "recover check --svg, two traces" -- "$DLMCTL" recover check --svg "$T/x.svg" "$KILL/node1.jsonl" "$KILL/node2.jsonl"
usage_error "$T/err" "recover check" "two traces without --invariants"
expect 3 "recover check --svg into a missing directory" -- "$DLMCTL" recover check --svg "$T/no/x.svg" "$KILL/node1.jsonl"
has "$T/err" "^dlmctl recover check: $T/no/x.svg: No such file or directory$" "unwritable --svg named"
oneline "$T/err" "recover check: unwritable --svg"
[ ! -e "$T/x.svg" ] && ok || bad "an SVG written despite a usage error"

# --- the timeline fits the terminal ----------------------------------------
# widest LIMIT FILE DESCRIPTION: the timeline's lines (up to the summary)
# are at most LIMIT characters wide
widest() {
	n=$(awk '/^summary:/ { exit } { if (length($0) > m) m = length($0) } END { print m + 0 }' "$2")
	if [ "$n" -le "$1" ]; then ok; else bad "$3: a line of $n characters, more than $1"; fi
}
expect 0 "sim, no terminal" -- env -u COLUMNS "$DLMCTL" sim
cp "$T/out" "$T/wide.txt"
has "$T/wide.txt" '^  step  node 1                node 2                node 3$' "no terminal: full columns"
expect 0 "sim, COLUMNS=80" -- env COLUMNS=80 "$DLMCTL" sim
if cmp -s "$T/out" "$T/wide.txt"; then ok; else bad "3 nodes fit 80 columns as they are"; fi
expect 0 "sim, COLUMNS=50" -- env COLUMNS=50 "$DLMCTL" sim
widest 50 "$T/out" "COLUMNS=50"
has "$T/out" '^  step  node 1 +node 2 +node 3$' "COLUMNS=50: the three columns"
has "$T/out" 'done g2 s' "COLUMNS=50: brief texts"
has "$T/out" 'invariants S1-S5: held' "COLUMNS=50: the summary"
widest 80 "$T/32.txt" "32 nodes, COLUMNS=80"
has "$T/32.txt" '^nodes 1-5 of 32:$' "32 nodes, COLUMNS=80: in groups of 5"
has "$T/32.txt" '^nodes 31-32 of 32:$' "32 nodes, COLUMNS=80: the last group"
has "$T/32.txt" 'node 32$' "32 nodes, COLUMNS=80: the last node"
has "$T/32.txt" 'CRASH' "32 nodes, COLUMNS=80: the crash"
has "$T/32.txt" 'invariants S1-S5: held' "32 nodes, COLUMNS=80: the summary"
expect 0 "sim, COLUMNS=abc" -- env COLUMNS=abc "$DLMCTL" sim
if cmp -s "$T/out" "$T/wide.txt"; then ok; else bad "COLUMNS=abc is ignored"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
