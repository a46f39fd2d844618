#!/bin/sh
# dlmctl recover check --invariants: the judge of S1-S5 on traces.
#
# 1. Hand-written traces (tests/judge/clean3, and small ones below): a
#    clean 3-node run passes, each invariant fails where it should, and
#    malformed input gives one exact line on stderr and exit 2.
# 2. The judge is the simulator's judge: for every scenario of
#    tests/scenarios and tests/findings and the built-in one, with every
#    mutant (and none), over JUDGE_SEEDS seeds (default 5), and for the
#    explorer's counterexamples of tests/judge/scenarios, the
#    simulator's trace is split into one file per node (its violation
#    lines dropped; time_ns = the line's place in the trace, as if the
#    nodes' clocks were one), and the judge must find a violation
#    exactly when the simulator did, of the same invariant, in the same
#    simulator step (S1-S4) or at the end (S5); the unsplit trace,
#    merged on step, too (not the scenarios with 'delivery late': their
#    S1 rests on the DLM's state, which the traces do not carry).  The
#    same for JUDGE_RANDOM (default 200)
#    random scenarios of crashes (now, at an event, in members-wait),
#    reboots and leaves, with random mutants and fixes.
#
# Every run has a step limit of 4000 at most (a livelock's trace then has
# a few thousand events).
#
# Usage: test_judge.sh DLMCTL TESTS_DIR
# DLMCTL_WRAP, if set, runs the checks under it (e.g. valgrind): then
# the matrix runs one seed and 20 random scenarios (unless JUDGE_SEEDS
# and JUDGE_RANDOM say otherwise) and wraps only traces of up to 2000
# lines.
set -u
RAW=$1
TESTS=$2
CLEAN=$TESTS/judge/clean3
. "$(dirname "$0")/lib.sh"
stderr_is() { # EXACT-LINE DESCRIPTION: stderr is that one line
	if [ "$(cat "$T/err")" = "$1" ] && [ "$(wc -l <"$T/err")" -eq 1 ]; then ok; else
		bad "$2: stderr is not the one line '$1'"; sed 's/^/  | /' "$T/err" | head -5; fi
}

# --- hand-written traces ------------------------------------------------
# clean3: node 1 is the first mounter of a cold start, node 3 is killed
# (lab.jsonl: the lab's crash event), node 2 replays its journal, node 3
# reboots and mounts again (node3.boot2.jsonl: the same node, a new file)
mkdir "$T/c"
cp "$CLEAN"/*.jsonl "$T/c/"
C=$T/c
expect 0 "clean 3-node trace" -- "$DLMCTL" recover check --invariants \
	"$C/node1.jsonl" "$C/node2.jsonl" "$C/node3.jsonl" "$C/node3.boot2.jsonl" "$C/lab.jsonl"
has "$T/out" "^$C/node3.boot2.jsonl: 21 events, contract kept$" "contract per file"
has "$T/out" '^invariants: 149 events of 5 traces merged on time_ns: S1-S5 held$' "clean: held"
expect 0 "clean, files in another order" -- "$DLMCTL" recover check --invariants \
	"$C/lab.jsonl" "$C/node3.boot2.jsonl" "$C/node3.jsonl" "$C/node2.jsonl" "$C/node1.jsonl"
has "$T/out" 'S1-S5 held$' "clean in any order"
expect 0 "clean, -j" -- "$DLMCTL" recover check --invariants -j "$C"/*.jsonl
has "$T/out" '^\{"files":\[\{"file":"[^"]*/lab.jsonl","events":1,"contract":"kept","violation":null,"hazards":\[\]\}' "json files"
has "$T/out" '"invariants":\{"merged_on":"time_ns","events":149,"violation_lines_not_judged":0,"held":true,"violations":\[\],"lost":\[\]\}\}$' "json held"
expect 0 "recover check -j without --invariants" -- "$DLMCTL" recover check -j "$C/node1.jsonl"
has "$T/out" '"contract":"kept".*"invariants":null\}$' "json contract only"
# the whole clean trace is also one that a single file can hold
sort -t: -k2 -n "$C"/node*.jsonl "$C/lab.jsonl" >"$T/all.jsonl"
expect 0 "clean, one file" -- "$DLMCTL" recover check --invariants "$T/all.jsonl"

# S1: node 2 does not replay journal 2 of failed node 3, and unblocks
mkdir "$T/s1"
cp "$C"/*.jsonl "$T/s1/"
grep -v '"event":"recover[ed]*","node":2,"ls":"gfs0","jid":2' "$C/node2.jsonl" >"$T/s1/node2.jsonl"
expect 1 "S1" -- "$DLMCTL" recover check --invariants "$T/s1"/node*.jsonl "$T/s1/lab.jsonl"
has "$T/out" "^$T/s1/node2.jsonl:39: S1: node 2 unblocked while journal 2 of failed node 3 is unrecovered \(ls gfs0, time_ns 1764066725904000000\)$" "S1 named with its event"
has "$T/out" "^  rests on $T/s1/node3.jsonl:23: mounted node 3 jid 2 \(time_ns 1764066720741000000\)$" "S1 rests on the mount of the failed node"
has "$T/out" "^  rests on $T/s1/lab.jsonl:1: crash node 3 \(time_ns 1764066725000000000\)$" "S1 rests on the crash"
has "$T/out" "^  rests on $T/s1/node2.jsonl:26: slot node 2 nodeid 3 " "S1 rests on the slot callback"
has "$T/out" "^$T/s1/node1.jsonl:47: S1: node 1 unblocked while journal 2 of failed node 3" "S1 of node 1 too"
has "$T/out" ': 4 violations of S1-S5$' "S1 count (each unblock once)"
expect 1 "S1 -j" -- "$DLMCTL" recover check --invariants -j "$T/s1"/*.jsonl
has "$T/out" '"violations":\[\{"invariant":"S1","ls":"gfs0","node":2,"jid":2,"detail":"S1: node 2 unblocked while journal 2 of failed node 3 is unrecovered","at":\{"file":"[^"]*/s1/node2.jsonl","line":39,"time_ns":1764066725904000000,"event":"unblock","node":2\},"rests_on":\[\{"file":"[^"]*node2.jsonl","line":23,' "S1 json"

# S5: node 2's last unblock is missing; and (s5b) nobody replays journal 2
mkdir "$T/s5" "$T/s5b"
cp "$C"/*.jsonl "$T/s5/"
sed '$d' "$C/node2.jsonl" >"$T/s5/node2.jsonl"
expect 1 "S5 blocked" -- "$DLMCTL" recover check --invariants "$T/s5"/*.jsonl
has "$T/out" '^end of traces: S5: node 2 is blocked \(ls gfs0\)$' "S5 blocked named"
has "$T/out" "^  rests on $T/s5/node2.jsonl:43: block node 2 " "S5 rests on the block"
cp "$T/s1"/node1.jsonl "$T/s1"/node2.jsonl "$T/s1"/node3.jsonl "$T/s1/lab.jsonl" "$T/s5b/"
expect 1 "S5 journal" -- "$DLMCTL" recover check --invariants "$T/s5b"/*.jsonl
has "$T/out" '^end of traces: S5: journal 2 of failed node 3 is unrecovered \(ls gfs0\)$' "S5 journal named"
has "$T/out" '^invariants: .*: 5 violations of S1-S5$' "S5b: each of 4 unblocks S1, S5 once"

# S2: two nodes replay journal 3 at once
cat >"$T/s2a.jsonl" <<'EOT'
{"time_ns":100,"event":"join","node":1,"ls":"gfs0"}
{"time_ns":400,"event":"recover","node":1,"ls":"gfs0","jid":3}
{"time_ns":600,"event":"recovered","node":1,"ls":"gfs0","jid":3,"status":1}
EOT
cat >"$T/s2b.jsonl" <<'EOT'
{"time_ns":200,"event":"join","node":2,"ls":"gfs0"}
{"time_ns":500,"event":"recover","node":2,"ls":"gfs0","jid":3}
{"time_ns":700,"event":"recovered","node":2,"ls":"gfs0","jid":3,"status":1}
{"time_ns":800,"event":"mounted","node":2,"ls":"gfs0","jid":1,"first":false}
EOT
expect 1 "S2" -- "$DLMCTL" recover check --invariants "$T/s2a.jsonl" "$T/s2b.jsonl"
has "$T/out" "^$T/s2b.jsonl:2: S2: journal 3 recovered by nodes 1 and 2 at once \(ls gfs0, time_ns 500\)$" "S2 named"
has "$T/out" "^  rests on $T/s2a.jsonl:2: recover node 1 jid 3 \(time_ns 400\)$" "S2 rests on the other replay"
has "$T/out" '^end of traces: S5: node 1 is not mounted' "S2 trace: node 1 never mounts"

# S3: node 2 finishes mounting while node 1 is the first mounter
cat >"$T/s3a.jsonl" <<'EOT'
{"time_ns":100,"event":"join","node":1,"ls":"gfs0"}
{"time_ns":300,"event":"grant","node":1,"ls":"gfs0","resource":"mounted","mode":"EX","flags":[]}
{"time_ns":600,"event":"grant","node":1,"ls":"gfs0","resource":"mounted","mode":"PR","flags":[]}
{"time_ns":700,"event":"first_done","node":1,"ls":"gfs0"}
{"time_ns":701,"event":"mounted","node":1,"ls":"gfs0","jid":0,"first":true}
EOT
cat >"$T/s3b.jsonl" <<'EOT'
{"time_ns":200,"event":"join","node":2,"ls":"gfs0"}
{"time_ns":500,"event":"mounted","node":2,"ls":"gfs0","jid":1,"first":false}
EOT
expect 1 "S3" -- "$DLMCTL" recover check --invariants "$T/s3a.jsonl" "$T/s3b.jsonl"
has "$T/out" "^$T/s3b.jsonl:2: S3: node 2 finished mounting before first mounter 1's first_done \(ls gfs0, time_ns 500\)$" "S3 named"
has "$T/out" "^  rests on $T/s3a.jsonl:2: grant node 1 \(time_ns 300\)$" "S3 rests on the EX grant"
has "$T/out" ': 1 violation of S1-S5$' "S3 alone"
# the same mount after the PR conversion is fine
sed 's/"time_ns":500/"time_ns":650/' "$T/s3b.jsonl" >"$T/s3c.jsonl"
expect 0 "S3 kept" -- "$DLMCTL" recover check --invariants "$T/s3a.jsonl" "$T/s3c.jsonl"

# S4: two live nodes mounted with jid 1
cat >"$T/s4.jsonl" <<'EOT'
{"time_ns":100,"event":"join","node":1,"ls":"gfs0"}
{"time_ns":200,"event":"join","node":2,"ls":"gfs0"}
{"time_ns":300,"event":"mounted","node":1,"ls":"gfs0","jid":1,"first":false}
{"time_ns":400,"event":"mounted","node":2,"ls":"gfs0","jid":1,"first":false}
EOT
expect 1 "S4" -- "$DLMCTL" recover check --invariants "$T/s4.jsonl"
has "$T/out" "^$T/s4.jsonl:4: S4: nodes 1 and 2 both mounted with jid 1 \(ls gfs0, time_ns 400\)$" "S4 named"

# violation lines (the simulator's own) are not judged, and need no clock
{ cat "$T/s4.jsonl"; printf '{"step":9,"event":"violation","node":0,"ls":"gfs0","detail":"S4: x"}\n'; } >"$T/s4v.jsonl"
expect 1 "violation lines not judged" -- "$DLMCTL" recover check --invariants "$T/s4v.jsonl"
has "$T/out" ', 1 violation line not judged: 1 violation of S1-S5$' "violation line counted"
# lost events: the node is not judged until it joins again
{ sed -n 1,3p "$T/s4.jsonl"; printf '{"time_ns":350,"event":"lost","node":2,"ls":"gfs0","detail":"sequence gap"}\n'; sed -n 4p "$T/s4.jsonl"; } >"$T/lost.jsonl"
expect 0 "lost events" -- "$DLMCTL" recover check --invariants "$T/lost.jsonl"
has "$T/out" "^$T/lost.jsonl:4: node 2: events lost: not judged in gfs0 until its next join$" "lost named"

# simulator traces (no time_ns) merge on step
"$RAW" sim -j >"$T/sim.jsonl"
expect 0 "simulator trace" -- "$DLMCTL" recover check --invariants "$T/sim.jsonl"
has "$T/out" '^invariants: 187 events of 1 trace merged on step: S1-S5 held$' "merged on step"

# --- malformed input: one line on stderr, exit 2 ---------------------------
sed '3s/"time_ns":[0-9]*,//' "$C/node2.jsonl" >"$T/notime.jsonl"
expect 2 "an event without time_ns" -- "$DLMCTL" recover check --invariants "$C/node1.jsonl" "$T/notime.jsonl"
stderr_is "dlmctl recover check: $T/notime.jsonl:3: no time_ns: --invariants merges the traces on time_ns, which every event needs" "missing time_ns"
# without time_ns, every event after the first with a step needs one
sed '9s/"step":[0-9]*,//' "$T/sim.jsonl" >"$T/nostep.jsonl"
expect 2 "no time_ns, no step" -- "$DLMCTL" recover check --invariants "$T/nostep.jsonl"
stderr_is "dlmctl recover check: $T/nostep.jsonl:9: no time_ns and no step: --invariants merges the traces on time_ns (simulator traces: on step)" "no clock"
# no clock at all: one trace is judged in its order, several cannot be
sed 's/"time_ns":[0-9]*,//' "$T/s4.jsonl" >"$T/noclock.jsonl"
expect 1 "no clock, one trace" -- "$DLMCTL" recover check --invariants "$T/noclock.jsonl"
has "$T/out" '^invariants: 4 events of 1 trace merged on step: 1 violation of S1-S5$' "no clock, one trace judged"
expect 2 "no clock, two traces" -- "$DLMCTL" recover check --invariants "$T/noclock.jsonl" "$T/noclock.jsonl"
stderr_is "dlmctl recover check: $T/noclock.jsonl:1: no time_ns and no step: --invariants merges the traces on time_ns (simulator traces: on step)" "no clock, two traces"
{ head -2 "$C/node1.jsonl"; printf '{"time_ns":1764066720100000001,"event":"reboot","node":1,"ls":"gfs0"}\n'; } >"$T/unknown.jsonl"
expect 2 "unknown event" -- "$DLMCTL" recover check --invariants "$C/node2.jsonl" "$T/unknown.jsonl"
stderr_is "dlmctl recover check: $T/unknown.jsonl:3: field \"event\": unknown event \"reboot\"" "unknown event"
hasnot "$T/out" . "nothing on stdout before an input error"
expect 2 "missing file" -- "$DLMCTL" recover check --invariants "$C/node1.jsonl" "$T/nope.jsonl"
stderr_is "dlmctl recover check: $T/nope.jsonl: No such file or directory" "missing file"
expect 2 "a directory" -- "$DLMCTL" recover check --invariants "$C"
stderr_is "dlmctl recover check: $C: Is a directory" "directory"
printf '{"time_ns":1,"event":"join","node":1,"ls":"gfs0"}\n{"time_ns":2,"event":"join","node":1,"ls":"gfs0"}\n' >"$T/join2.jsonl"
expect 2 "join without crash or leave" -- "$DLMCTL" recover check --invariants "$T/join2.jsonl"
stderr_is "dlmctl recover check: $T/join2.jsonl:2: node 1 joins lockspace gfs0 again without a crash or leave" "join twice"
expect 2 "several traces need --invariants" -- "$DLMCTL" recover check "$C/node1.jsonl" "$C/node2.jsonl"
usage_error "$T/err" "recover check" "several traces"
has "$T/err" "^dlmctl recover check: expected one TRACE argument \\(several need --invariants\\)$" "several traces named"
expect 2 "--invariants without a trace" -- "$DLMCTL" recover check --invariants
usage_error "$T/err" "recover check" "no trace"
has "$T/err" "^dlmctl recover check: expected one TRACE argument or more$" "no trace named"
expect 2 "unknown option" -- "$DLMCTL" recover check --frobnicate "$C/node1.jsonl"
usage_error "$T/err" "recover check" "unknown option"
expect 0 "help" -- "$DLMCTL" recover check --help
has "$T/out" 'check --invariants TRACE' "help names --invariants"

# --- the simulator's verdicts --------------------------------------------
# a violation at the very event a crash trigger fires on counts
expect 1 "sim: S1 at a crash trigger's event" -- "$RAW" sim "$TESTS/judge/scenarios/crash-at-unblock.scn"
has "$T/err" 'invariant violated: S1: node 3 unblocked while journal 1 of failed node 2 is unrecovered' "S1 before the triggered crash"

# split_nodes TRACE DIR: one file per node, violation lines dropped, time_ns =
# 1000 * the line's number in TRACE
split_nodes() {
	rm -rf "$2"
	mkdir "$2"
	awk -v d="$2" '/"event":"violation"/ { next }
		{ match($0, /"node":[0-9]+/); n = substr($0, RSTART + 7, RLENGTH - 7)
		  l = $0; sub(/^\{/, "{\"time_ns\":" NR * 1000 ",", l)
		  print l > (d "/node" n ".jsonl") }' "$1"
}
# verdict OUT: "SN@STEP" (step of the first violation's event, via
# STEPOF for time_ns) or "SN@end" or "none"
verdict() {
	v=$(sed -n 's/.*"violations":\[{"invariant":"\(S[0-9]\)"[^{]*"at":\(null\|{[^}]*}\).*/\1 \2/p' "$1")
	[ -n "$v" ] || { echo none; return; }
	inv=${v%% *}
	at=${v#* }
	case $at in
	null) echo "$inv@end" ;;
	*'"time_ns":'*)
		ns=$(echo "$at" | sed 's/.*"time_ns":\([0-9]*\).*/\1/')
		echo "$inv@$(sed -n "$((ns / 1000))p" "$2" | sed -n 's/.*"step":\([0-9]*\).*/\1/p')" ;;
	*) echo "$inv@$(echo "$at" | sed 's/.*"step":\([0-9]*\).*/\1/')" ;;
	esac
}
SEEDS=${JUDGE_SEEDS:-5}
[ -n "${DLMCTL_WRAP:-}" ] && SEEDS=${JUDGE_SEEDS:-1}
MUTANTS=$("$RAW" explore --mutant list | awk '{ print $1 }')
runs=0; agree=0; with=0; skipped=0; disagree=0
"$RAW" sim --show-default >"$T/default.scn"
# judge SCENARIO-FILE LABEL SEED MUST-RUN
judge() {
	"$RAW" sim "$1" --seed "$3" -j >"$T/trace" 2>"$T/simerr"
	rc=$?
	if [ "$rc" -eq 2 ] && ! grep -q 'crash trigger never fired' "$T/simerr"; then
		# a scripted step the mutant does not enable, a reboot of a
		# node that is up: no complete run
		skipped=$((skipped + 1))
		[ "$4" = yes ] && bad "$2 seed $3: $(head -1 "$T/simerr")"
		return
	fi
	runs=$((runs + 1))
	sim=none
	if [ "$rc" -eq 1 ]; then
		sim=$(grep '"event":"violation"' "$T/trace" | head -1 |
			sed 's/.*"step":\([0-9]*\).*"detail":"\(S[0-9]\)[:"].*/\2@\1/')
		case $sim in S5@*) sim=S5@end ;; esac
	fi
	case $sim in none|S[1-5]@*) ;; *)
		if grep -q '"detail":"simulator: node [0-9]* cannot join the DLM"' "$T/trace"; then
			# a reboot before the DLM purged the node's
			# failure: the simulator cannot run it
			runs=$((runs - 1))
			skipped=$((skipped + 1))
			return
		fi
		bad "$2 seed $3: the simulator's violation is not S1-S5: $(grep '"event":"violation"' "$T/trace" | head -1)"
		return ;;
	esac
	split_nodes "$T/trace" "$T/nodes"
	w=$DLMCTL
	[ -n "${DLMCTL_WRAP:-}" ] && [ "$(wc -l <"$T/trace")" -gt 2000 ] && w=$RAW
	"$w" recover check --invariants -j "$T/nodes"/*.jsonl >"$T/jout" 2>"$T/jerr"
	jrc=$?
	got=$(verdict "$T/jout" "$T/trace")
	if [ -z "${DLMCTL_WRAP:-}" ]; then
		"$RAW" recover check --invariants -j "$T/trace" >"$T/wout" 2>>"$T/jerr"
		whole=$(verdict "$T/wout" "$T/trace")
	else
		whole=$got
	fi
	# nothing on stderr: under DLMCTL_WRAP, valgrind's reports go there
	if [ "$got" = "$sim" ] && [ "$whole" = "$sim" ] && [ "$jrc" -le 1 ] &&
		[ ! -s "$T/jerr" ]; then
		agree=$((agree + 1))
		[ "$sim" = none ] || with=$((with + 1))
		ok
	else
		disagree=$((disagree + 1))
		bad "$2 seed $3: simulator $sim, judge $got (per node), $whole (one trace), exit $jrc"
		sed 's/^/  | /' "$T/jerr" | head -3
	fi
}
# the scenario with mutant @2 ("none": as it is), and a step limit of
# LIMIT at most: a mutant's livelock then gives a trace of some thousand
# events, not tens of thousands
LIMIT=4000
with_mutant() { # SCENARIO MUTANT
	[ "$2" = none ] || echo "mutant $2"
	grep -q '^step-limit' "$1" || echo "step-limit $LIMIT"
	awk -v m="$LIMIT" '/^step-limit / && $2 > m { $2 = m } { print }' "$1"
}
for scn in "$T/default.scn" "$TESTS"/scenarios/*.scn "$TESTS"/findings/*.scn; do
	# late delivery (docs/findings.md, finding 11): S1's late form rests
	# on the DLM's own state (its recovery ended on the node), which no
	# event of the node's trace carries: not the judge's to see
	grep -q '^delivery late' "$scn" && continue
	for mut in none $MUTANTS; do
		with_mutant "$scn" "$mut" >"$T/s.scn"
		seed=1
		while [ "$seed" -le "$SEEDS" ]; do
			judge "$T/s.scn" "$(basename "$scn") mutant $mut" "$seed" no
			seed=$((seed + 1))
		done
	done
done
for scn in "$TESTS"/judge/scenarios/*.scn; do
	seed=1
	while [ "$seed" -le "$SEEDS" ]; do
		with_mutant "$scn" none >"$T/s.scn"
		judge "$T/s.scn" "$(basename "$scn")" "$seed" yes
		seed=$((seed + 1))
	done
done
# random scenario number @1 (a deterministic generator: the same on
# every awk): 2 to 4 nodes, maybe a mutant and fixes, all mount, then
# crashes (now, at an event, in members-wait), reboots, clean leaves
random_scenario() {
	awk -v n="$1" -v muts="$MUTANTS" -v fixes="$FIXES" '
	function rnd(k) { x = (x * 16807) % 2147483647; return x % k }
	function pick(list,   a, c) { c = split(list, a, " "); return a[1 + rnd(c)] }
	BEGIN {
		x = 7919 * n + 1; rnd(1)
		nodes = 2 + rnd(3)
		print "nodes " nodes
		if (rnd(2)) print "mutant " pick(muts)
		c = split(fixes, f, " ")
		for (i = 1; i <= c; i++) if (rnd(10) < 3) print "fix " f[i]
		printf "mount 1-%d\n", nodes
		for (i = 1; i <= nodes; i++) up[i] = 1
		evs = "prep slot done lock grant again unlock recover recovered block unblock mounted first_done lock:control grant:mounted lock:journal"
		cmds = 1 + rnd(6)
		for (k = 0; k < cmds; k++) {
			id = 1 + rnd(nodes)
			what = rnd(10)
			if (up[id] && what < 5) {
				up[id] = 0
				how = rnd(10)
				if (how < 4) print "crash " id
				else if (how < 9) print "crash " id " at " pick(evs) (rnd(2) ? " on " 1 + rnd(nodes) : "")
				else print "crash " id " in members-wait"
			} else if (!up[id] && what < 8) {
				print "mount " id; up[id] = 1
			} else if (up[id] && what < 9) {
				print "wait"; print "leave " id; up[id] = 0
			}
			if (rnd(10) < 7) print "wait"
		}
	}'
}
FIXES=$("$RAW" explore --fix list | awk '{ print $1 }')
RANDOM_RUNS=${JUDGE_RANDOM:-200}
[ -n "${DLMCTL_WRAP:-}" ] && RANDOM_RUNS=${JUDGE_RANDOM:-20}
i=1
while [ "$i" -le "$RANDOM_RUNS" ]; do
	random_scenario "$i" >"$T/r.scn"
	with_mutant "$T/r.scn" none >"$T/s.scn"
	judge "$T/s.scn" "random scenario $i" $((i % 7 + 1)) no
	i=$((i + 1))
done
echo "judge vs simulator: $runs runs, $agree agree ($with with a violation), $disagree disagree, $skipped not run (a scenario that cannot run as written)"
[ "$with" -gt 0 ] && [ "$agree" -gt "$with" ] && ok || bad "the matrix must have clean runs and violations"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
