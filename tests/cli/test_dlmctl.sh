#!/bin/sh
# End-to-end tests of the dlmctl command line: outputs, exit codes and
# error messages.  Usage: test_dlmctl.sh DLMCTL SCENARIO_DIR
# DLMCTL_WRAP, if set, runs every dlmctl under it (e.g. valgrind).
set -u
SCEN=$2
FINDINGS=$SCEN/../findings
. "$(dirname "$0")/lib.sh"

# --- the main job: the built-in scenario -------------------------------
expect 0 "sim default" -- "$DLMCTL" sim
has "$T/out" '^  step  node 1 +node 2 +node 3$' "timeline header"
has "$T/out" 'first mounter \(cold start 1\): node [123]$' "first mounter"
has "$T/out" 'CRASH' "crash shown"
has "$T/out" 'slot node2 s2' "recover_slot of node 2"
has "$T/out" 'done gen2' "done after the crash"
has "$T/out" 'journal 1 replayed by node [13] at step' "journal 1 replayed by a survivor"
has "$T/out" '^  node 2: mounted, jid 1$' "rejoin gets the lowest free slot"
has "$T/out" 'invariants S1-S5: held' "invariants held"
cp "$T/out" "$T/default1"
expect 0 "sim default again" -- "$DLMCTL" sim
if cmp -s "$T/out" "$T/default1"; then ok; else bad "same seed, different output"; fi
expect 0 "show-default" -- "$DLMCTL" sim --show-default
cp "$T/out" "$T/default.scn"
expect 0 "sim of the printed default" -- "$DLMCTL" sim "$T/default.scn"
sed 1,1d "$T/out" | grep -v '^summary' >"$T/a"
sed 1,1d "$T/default1" | grep -v '^summary' >"$T/b"
if cmp -s "$T/a" "$T/b"; then ok; else bad "file and built-in default differ"; fi

# --- JSON Lines and the contract checker -------------------------------
expect 0 "sim -j" -- "$DLMCTL" sim -j
cp "$T/out" "$T/trace.jsonl"
has "$T/trace.jsonl" '"event":"prep"' "json prep"
has "$T/trace.jsonl" '"event":"done".*"generation":2' "json done gen 2"
hasnot "$T/trace.jsonl" '^[^{]' "every line is an object"
expect 0 "recover check of sim -j" -- "$DLMCTL" recover check "$T/trace.jsonl"
has "$T/out" 'contract kept' "check says kept"
expect 0 "recover check from stdin" -- sh -c "\"$DLMCTL\" recover check - <\"$T/trace.jsonl\""
# drop node 1's first prep: its slot then falls outside a prep..done window
awk '/"event":"prep"/ && /"node":1,/ && !d { d = 1; next } { print }' \
	"$T/trace.jsonl" >"$T/noprep.jsonl"
expect 1 "check finds a slot without prep" -- "$DLMCTL" recover check "$T/noprep.jsonl"
has "$T/out" "^$T/noprep.jsonl:[0-9]+: " "violation names file:line"
printf '{"event":"done","node":1,"ls":"x","generation":1,"our_slot":1,"slots":[{"nodeid":1,"slot":1}]}\n{"event":"prep",\n' >"$T/broken.jsonl"
expect 2 "malformed json" -- "$DLMCTL" recover check "$T/broken.jsonl"
has "$T/err" "^dlmctl recover check: $T/broken.jsonl:2: " "malformed json names line 2"
oneline "$T/err" "malformed json"
printf '{"event":"explode","node":1,"ls":"x"}\n' >"$T/unknown.jsonl"
expect 2 "unknown event" -- "$DLMCTL" recover check "$T/unknown.jsonl"
has "$T/err" ":1: .*explode" "unknown event named"
expect 2 "missing trace" -- "$DLMCTL" recover check "$T/nope.jsonl"
has "$T/err" 'No such file' "missing trace message"
head -c 3000 /dev/urandom >"$T/garbage"
expect 2 "binary garbage trace" -- "$DLMCTL" recover check "$T/garbage"
: >"$T/empty"
expect 2 "empty trace" -- "$DLMCTL" recover check "$T/empty"
has "$T/err" "^dlmctl recover check: $T/empty: no events \\(an empty trace\\)$" "empty trace named"
oneline "$T/err" "empty trace"
expect 2 "empty trace, -j" -- "$DLMCTL" recover check -j "$T/empty"
expect 2 "empty trace among others" -- "$DLMCTL" recover check --invariants "$T/trace.jsonl" "$T/empty"

# slot -1 and 0 (docs/findings.md, finding 7): hazards, each reported
# with its line, the check goes on, exit 1
cat >"$T/hazard.jsonl" <<'EOT'
{"seq":1,"event":"done","node":2,"ls":"gfs0","generation":1,"our_slot":1,"slots":[{"nodeid":1,"slot":2},{"nodeid":2,"slot":1},{"nodeid":3,"slot":3}]}
{"seq":2,"event":"prep","node":2,"ls":"gfs0"}
{"seq":3,"event":"slot","node":2,"ls":"gfs0","nodeid":3,"slot":3}
{"seq":4,"event":"slot","node":2,"ls":"gfs0","nodeid":1,"slot":-1,"detail":"hazard: slot -1 from a kernel without the slot fix (docs/findings.md, finding 7)"}
{"seq":5,"event":"slot","node":2,"ls":"gfs0","nodeid":4,"slot":0}
{"seq":6,"event":"done","node":2,"ls":"gfs0","generation":2,"our_slot":1,"slots":[{"nodeid":2,"slot":1}]}
EOT
expect 1 "recover check: slot -1 and 0 are hazards" -- "$DLMCTL" recover check "$T/hazard.jsonl"
has "$T/out" "^$T/hazard.jsonl:4: node 2 ls gfs0: nodeid 1 reported with slot -1: a kernel without the slot fix \(docs/findings.md, finding 7\); gfs2 would skip its journal" "slot -1 hazard named"
has "$T/out" "^$T/hazard.jsonl:5: node 2 ls gfs0: nodeid 4 reported with slot 0: .*jid -1" "slot 0 hazard named"
has "$T/out" "6 events, contract kept but 2 hazards" "hazard summary"
grep -v '"slot":-1\|"slot":0' "$T/hazard.jsonl" >"$T/nohazard.jsonl"
expect 0 "recover check: the same without them" -- "$DLMCTL" recover check "$T/nohazard.jsonl"
# the simulator reproduces it: finding 7's counterexample, as a trace
expect 1 "sim -j of finding 7" -- "$DLMCTL" sim -j "$FINDINGS/slot-reset.scn"
cp "$T/out" "$T/f7.jsonl"
expect 1 "recover check of finding 7's trace" -- "$DLMCTL" recover check "$T/f7.jsonl"
has "$T/out" "node 2 ls gfs0: nodeid 1 reported with slot -1" "finding 7 hazard in the sim trace"
expect 0 "recover check --help mentions hazards" -- "$DLMCTL" recover check --help
has "$T/out" "hazard" "help: hazard"

# a watch that lost events: the lost event's snapshot resets node 1's
# state for gfs0 (without it, the prep of seq 9 repeats the one of seq 5)
cat >"$T/lost.jsonl" <<'EOT'
{"time_ns":100,"seq":4,"event":"done","node":1,"ls":"gfs0","generation":2,"our_slot":1,"slots":[{"nodeid":1,"slot":1},{"nodeid":2,"slot":2},{"nodeid":3,"slot":3}]}
{"time_ns":200,"seq":5,"event":"prep","node":1,"ls":"gfs0"}
{"time_ns":800,"seq":2,"event":"lost","node":1,"ls":"gfs0","resync_seq":8,"state":"running","generation":3,"our_slot":1,"slots":[{"nodeid":1,"slot":1},{"nodeid":2,"slot":2}],"detail":"sequence gap"}
{"time_ns":900,"seq":9,"event":"prep","node":1,"ls":"gfs0"}
{"time_ns":950,"seq":10,"event":"slot","node":1,"ls":"gfs0","nodeid":2,"slot":2}
{"time_ns":990,"seq":11,"event":"done","node":1,"ls":"gfs0","generation":4,"our_slot":1,"slots":[{"nodeid":1,"slot":1}]}
EOT
expect 0 "recover check: a lost event resyncs" -- "$DLMCTL" recover check "$T/lost.jsonl"
has "$T/out" '6 events, contract kept' "lost trace kept"
grep -v '"lost"' "$T/lost.jsonl" >"$T/nolost.jsonl"
expect 1 "recover check: the same without the lost event" -- "$DLMCTL" recover check "$T/nolost.jsonl"
has "$T/out" 'nolost.jsonl:3: node 1 ls gfs0: prep repeated before done' "stale state found"
# the snapshot's generation counts
sed 's/"generation":4/"generation":3/' "$T/lost.jsonl" >"$T/lostgen.jsonl"
expect 1 "recover check: generation after a resync" -- "$DLMCTL" recover check "$T/lostgen.jsonl"
has "$T/out" 'lostgen.jsonl:6: .*generation 3 not greater than previous 3' "snapshot generation used"
# a lockspace released and created again: seq 1 starts a new stream
cat >"$T/recreated.jsonl" <<'EOT'
{"seq":1,"event":"done","node":1,"ls":"gfs0","generation":1,"our_slot":1,"slots":[{"nodeid":1,"slot":1}]}
{"seq":2,"event":"prep","node":1,"ls":"gfs0"}
{"seq":3,"event":"done","node":1,"ls":"gfs0","generation":2,"our_slot":1,"slots":[{"nodeid":1,"slot":1},{"nodeid":2,"slot":2}]}
{"seq":1,"event":"done","node":1,"ls":"gfs0","generation":1,"our_slot":2,"slots":[{"nodeid":1,"slot":2},{"nodeid":2,"slot":1}]}
EOT
expect 0 "recover check: re-created lockspace" -- "$DLMCTL" recover check "$T/recreated.jsonl"
printf '{"event":"lost","node":1,"ls":"gfs0","state":"running"}\n' >"$T/badlost.jsonl"
expect 2 "recover check: partial snapshot" -- "$DLMCTL" recover check "$T/badlost.jsonl"
has "$T/err" 'missing field "resync_seq" in a lost event with a snapshot' "partial snapshot named"
oneline "$T/err" "partial snapshot"

# every kernel trace the VM lab recorded keeps the contract
for f in "$SCEN"/../vm/traces/*/node*.jsonl; do
	expect 0 "recover check $f" -- "$DLMCTL" recover check "$f"
	has "$T/out" 'contract kept' "kernel trace $f"
done

# --- scenario files and errors -----------------------------------------
for f in "$SCEN"/*.scn; do
	expect 0 "sim $(basename "$f")" -- "$DLMCTL" sim "$f"
done
for f in "$SCEN"/bad/*.scn; do
	expect 2 "bad scenario $(basename "$f")" -- "$DLMCTL" sim "$f"
	has "$T/err" "^dlmctl sim: $f:[0-9]+: " "$(basename "$f") error names file:line"
	oneline "$T/err" "$(basename "$f")"
done
# ast-after-prep.scn (above) delivers a completion after recover_prep;
# once recovery has left STOP (ls_recover suspends callbacks) it waits
sed -n '1,16p' "$SCEN/ast-after-prep.scn" >"$T/flush.scn"
printf 'step callback 2\nstep recovery\nstep ast 2 control\n' >>"$T/flush.scn"
expect 2 "no completion between the flush and recovery's end" -- "$DLMCTL" sim "$T/flush.scn"
has "$T/err" "flush.scn:19: step: that step is not enabled here" "completion held after the flush"
# resend-lost-reply.scn (above): node 1 crashes before its refusal of
# node 2's mounted EX NOQUEUE reaches node 2; resent (docs/step-order.md,
# L), the new master grants it; as a plain crash the refusal arrives
R=$SCEN/resend-lost-reply.scn
expect 0 "resend: a lost reply" -- "$DLMCTL" sim -j "$R"
hasnot "$T/out" '"event":"again","node":2,"ls":"gfs0","resource":"mounted"' "resend: no refusal"
has "$T/out" '"event":"grant","node":2,"ls":"gfs0","resource":"mounted","mode":"EX"' "resend: granted by the new master"
sed 's/^crash 1 resend 2 mounted$/crash 1/' "$R" >"$T/arrived.scn"
expect 0 "resend: the reply arrived" -- "$DLMCTL" sim -j "$T/arrived.scn"
has "$T/out" '"event":"again","node":2,"ls":"gfs0","resource":"mounted"' "arrived: the refusal"
sed 's/^crash 1 resend 2 mounted$/crash 1 resend 2 control/' "$R" >"$T/noresend.scn"
expect 2 "resend: not a pending reply" -- "$DLMCTL" sim "$T/noresend.scn"
has "$T/err" "noresend.scn:[0-9]+: crash: resend: not a reply of node 1 pending here" "resend: refused when none"
oneline "$T/err" "resend: not a pending reply"
# journal-after-own-unlock.scn (above): node 1 asks for journal 1's lock
# while its own unlock of it waits for the recovery: held until the
# unlock completes, then granted (the model before answered -EBUSY)
expect 0 "journal lock after our own unlock" -- "$DLMCTL" sim -j "$SCEN/journal-after-own-unlock.scn"
hasnot "$T/out" '"event":"again","node":1,"ls":"gfs0","resource":"journal"' "own unlock: no refusal"
grep '"resource":"journal","jid":1' "$T/out" | grep -o '"event":"[a-z]*"' | tr -d '\n' >"$T/j1"
has "$T/j1" '^"event":"lock""event":"grant""event":"unlock""event":"lock""event":"grant""event":"unlock"$' "own unlock: the second lock of journal 1 granted after the unlock"
# finding 7 with the kernel's slot fix modelled (kernel/patches/0001):
# node 1 is reported with its slot and journal 0 is replayed
sed 's/^fix first-done-serial$/&\nfix kernel-slot-fix/' "$FINDINGS/slot-reset.scn" >"$T/f7k.scn"
expect 0 "finding 7 with kernel-slot-fix" -- "$DLMCTL" sim "$T/f7k.scn"
has "$T/out" "journal 0 replayed by node 2" "kernel-slot-fix: journal 0 replayed"
hasnot "$T/out" "slot node1 s-1" "kernel-slot-fix: no slot -1"
# docs/findings.md, finding 6, and its fix on the very same steps
F6=$SCEN/../findings/stale-result.scn
expect 1 "finding 6 replays" -- "$DLMCTL" sim "$F6"
has "$T/err" "S1: node 2 unblocked while journal 2 of failed node 3 is unrecovered" "finding 6 is S1"
sed 's/^fix first-done-serial$/&\nfix slot-clears-result/' "$F6" >"$T/f6fix.scn"
expect 0 "finding 6 with slot-clears-result" -- "$DLMCTL" sim "$T/f6fix.scn"
has "$T/out" "journal 2 replayed by node 4" "finding 6 fixed: journal 2 replayed"
# docs/findings.md, finding 8: the control lock's master fails and its
# value block goes back to a mounting node's older read; each consequence
# and its fix on the very same steps
F8S=$SCEN/../findings/lvb-rollback-stale-bit.scn
F8L=$SCEN/../findings/lvb-rollback-lost-bit.scn
expect 1 "finding 8, stale bit, replays" -- "$DLMCTL" sim "$F8S"
has "$T/err" "S5: line [0-9]*: no quiescence within the step limit" "finding 8 stale bit: nobody unblocks"
has "$T/out" "node 2: up, not mounted" "finding 8 stale bit: node 2 never mounts"
sed 's/^fix first-done-serial$/&\nfix work-clears-own-bit/' "$F8S" >"$T/f8s.scn"
expect 0 "finding 8, stale bit, with work-clears-own-bit" -- "$DLMCTL" sim "$T/f8s.scn"
has "$T/out" "node 2: mounted, jid 1" "finding 8 stale bit fixed: node 2 mounts"
expect 1 "finding 8, lost bit, replays" -- "$DLMCTL" sim "$F8L"
has "$T/err" "S1: node 2 unblocked while journal 0 of failed node 1 is unrecovered" "finding 8 lost bit is S1"
sed 's/^fix first-done-serial$/&\nfix valnotvalid-resubmit/' "$F8L" >"$T/f8l.scn"
expect 0 "finding 8, lost bit, with valnotvalid-resubmit" -- "$DLMCTL" sim "$T/f8l.scn"
has "$T/out" "journal 0 replayed by node 2" "finding 8 lost bit fixed: journal 0 replayed"
# (c): the same with the journal's slot taken by a joining node, which
# valnotvalid-resubmit does not close (the journal has an owner)
F8J=$SCEN/../findings/lvb-rollback-lost-bit-joiner.scn
expect 1 "finding 8, lost bit of a joiner's journal, replays" -- "$DLMCTL" sim "$F8J"
has "$T/err" "S1: node 1 unblocked while journal 1 of failed node 2 is unrecovered" "finding 8 (c) is S1"
sed 's/^fix first-done-serial$/&\nfix valnotvalid-resubmit\nfix work-clears-own-bit/' "$F8J" >"$T/f8j.scn"
expect 1 "finding 8 (c): not closed by the two fixes" -- "$DLMCTL" sim "$T/f8j.scn"
# livelocks under weak fairness: work-noqueue is caught only by --fair,
# as a lasso ("cycle N") that dlmctl sim replays; a cycle that does not
# close or is not fair is a scenario error
expect 0 "work-noqueue passes the livelock check" -- "$DLMCTL" explore \
	--nodes 2 --failures 1 --rejoins 1 --fix first-done-serial \
	--fix work-retry-recovering --mutant work-noqueue -j
has "$T/out" '"fair_checked":false' "no fairness check by default"
expect 1 "work-noqueue caught by --fair" -- "$DLMCTL" explore --nodes 2 \
	--failures 1 --rejoins 1 --fix first-done-serial \
	--fix work-retry-recovering \
	--mutant work-noqueue --fair --save "$T/fair.scn" -j
has "$T/out" '"violation":"S5: fair livelock: a weakly fair cycle of [0-9]+ steps' "fair livelock in JSON"
has "$T/out" '"por":false' "--fair implies --no-por"
has "$T/out" '"fair_cycle":[1-9]' "fair_cycle in JSON"
has "$T/fair.scn" '^cycle [0-9]+$' "the counterexample is a lasso"
expect 1 "fair livelock replays" -- "$DLMCTL" sim "$T/fair.scn"
has "$T/err" "S5: fair livelock: the [0-9]+ steps after line [0-9]+ come back to their state" "fair livelock replay"
n=$(sed -n 's/^cycle //p' "$T/fair.scn")
sed '$d' "$T/fair.scn" | sed "s/^cycle $n\$/cycle $((n - 1))/" >"$T/open.scn"
expect 2 "a cycle that does not close" -- "$DLMCTL" sim "$T/open.scn"
has "$T/err" "open.scn:[0-9]+: cycle: the $((n - 1)) steps after it do not come back to the state they started from" "open cycle"
sed '/^cycle/,$d' "$T/fair.scn" >"$T/unfair.scn"
awk 'c { if ($0 ~ /^step (ast|timer) 1 /) { k++; l[k] = $0 }; next }
     /^cycle/ { c = 1; next } END { print "cycle " k; for (i = 1; i <= k; i++) print l[i] }' \
	"$T/fair.scn" >>"$T/unfair.scn"
expect 2 "a cycle that is not weakly fair" -- "$DLMCTL" sim "$T/unfair.scn"
has "$T/err" "unfair.scn:[0-9]+: cycle: 'step timer 2 work' is enabled all along it and never taken: not weakly fair" "unfair cycle"
expect 2 "--fair with --no-livelock" -- "$DLMCTL" explore --nodes 2 --fair --no-livelock
# every summary says whether it is complete, the reductions and the
# state storage (issue 18): a whole search, one cut by --max-states, one
# stopped at its first violation, --no-por, and the swarm
expect 0 "a complete search" -- "$DLMCTL" explore --nodes 1 --failures 1
has "$T/out" '^  complete: yes \(every reachable state within the bounds\)$' "complete search: complete"
has "$T/out" '^  reductions: partial-order on, reduced encoding on, symmetry none$' "complete search: reductions"
has "$T/out" '^  storage: 64-bit hash compaction, P\(a state omitted\) <= [0-9]\.[0-9]e-[0-9]+$' "complete search: storage"
expect 0 "a complete search -j" -- "$DLMCTL" explore --nodes 1 --failures 1 -j
has "$T/out" '"complete":true,"complete_detail":"every reachable state within the bounds","reduced_encoding":true,"symmetry":"none","storage":"hash-compaction","hash_bits":64,"omission_probability":[0-9.]+e-[0-9]+}$' "complete search: JSON"
expect 3 "a search cut by --max-states" -- "$DLMCTL" explore --nodes 2 --max-states 50
has "$T/out" '^  complete: no \(stopped by --max-states\)$' "--max-states: not complete"
expect 3 "a search cut by --max-states -j" -- "$DLMCTL" explore --nodes 2 --max-states 50 -j
has "$T/out" '"result":"incomplete",.*"complete":false,"complete_detail":"stopped by --max-states"' "--max-states: not complete in JSON"
expect 1 "a search stopped at a violation" -- "$DLMCTL" explore --nodes 2 --failures 0 --no-por --save "$T/v.scn"
has "$T/out" '^  complete: no \(stopped at the first violation\)$' "violation: not complete"
has "$T/out" '^  reductions: partial-order off, reduced encoding on, symmetry none$' "--no-por: reduction off"
expect 0 "the swarm" -- "$DLMCTL" explore --random --runs 10 --nodes 2
has "$T/out" '^  complete: no \(a swarm: random runs, not every state\)$' "swarm: not complete"
has "$T/out" '^  storage: none \(no state is stored\)$' "swarm: no storage"
expect 0 "the swarm -j" -- "$DLMCTL" explore --random --runs 10 --nodes 2 -j
has "$T/out" '"complete":false,.*"storage":"none"}$' "swarm: JSON"
hasnot "$T/out" 'omission_probability' "swarm: no omission probability"
# docs/findings.md, finding 9: two mounting nodes starve each other
expect 1 "finding 9 replays" -- "$DLMCTL" sim "$SCEN/../findings/mount-starvation.scn"
has "$T/err" "S5: fair livelock: the 16 steps after line [0-9]+ come back" "finding 9 is a fair livelock"
# a violation names the finding it matches (dlmr_sim_result.finding)
for f in stale-result:6 slot-reset:7 lvb-rollback-stale-bit:8 \
	 lvb-rollback-lost-bit:8 lvb-rollback-lost-bit-joiner:8 mount-starvation:9 \
	 recovering-busy:10 recovering-busy-pending:10 recovering-busy-rejoin:10 \
	 lvb-rollback-resent:8 lvb-rollback-lost-bit-resent:8 late-delivery:11 \
	 first-done-nl-between:12; do
	expect 1 "finding ${f#*:} replays (${f%:*})" -- "$DLMCTL" sim "$SCEN/../findings/${f%:*}.scn"
	has "$T/err" "^dlmctl sim: this is docs/findings.md, finding ${f#*:}: " "${f%:*} named as finding ${f#*:}"
	has "$T/out" "^  matches docs/findings.md, finding ${f#*:}: " "${f%:*} in the summary"
done
# finding 1's counterexample (the model before docs/step-order.md G): the
# control work's EX goes to the DLM beside control_first_done()'s
# down-conversion, both complete in order, and node 1 unblocks
expect 0 "finding 1's path holds since G" -- "$DLMCTL" sim "$SCEN/../findings/first-done-busy.scn"
has "$T/out" "node 1: mounted, jid 0" "finding 1's path: node 1 mounted"
has "$T/out" "invariants S1-S5: held" "finding 1's path: invariants held"
# finding 10 and its fix: the same steps are clean with work-retry-recovering
for f in recovering-busy recovering-busy-pending recovering-busy-rejoin; do
	{ echo "fix work-retry-recovering"; cat "$SCEN/../findings/$f.scn"; } >"$T/$f-fixed.scn"
	expect 0 "finding 10 closed by work-retry-recovering ($f)" -- "$DLMCTL" sim "$T/$f-fixed.scn"
done
# finding 11 (late delivery): events-before-grants holds on the same
# steps; with prep-ack, or the kernel's callbacks, the recovery cannot
# go past its stop while the prep is unread
F11="$SCEN/../findings/late-delivery.scn"
{ echo "fix events-before-grants"; cat "$F11"; } >"$T/f11-events.scn"
expect 0 "finding 11 closed by events-before-grants" -- "$DLMCTL" sim "$T/f11-events.scn"
has "$T/out" "journal 0 replayed by node 2" "events-before-grants: journal 0 replayed"
{ echo "fix prep-ack"; cat "$F11"; } >"$T/f11-ack.scn"
expect 2 "finding 11's steps under prep-ack" -- "$DLMCTL" sim "$T/f11-ack.scn"
has "$T/err" "f11-ack.scn:[0-9]+: step: that step is not enabled here" "prep-ack: the recovery waits for the prep"
expect 2 "finding 11's steps with the kernel's callbacks" -- "$DLMCTL" sim --delivery kernel "$F11"
has "$T/err" "late-delivery.scn:[0-9]+: step: that step is not enabled here" "--delivery kernel: the recovery waits for the prep"
# the explorer finds it (each fix clean at (2,1,0): test_explore
# test_finding11_late_delivery)
expect 1 "explore --delivery late finds finding 11" -- "$DLMCTL" explore --nodes 2 \
	--fix first-done-serial --fix work-retry-recovering --delivery late --save "$T/f11.scn"
has "$T/f11.scn" "^delivery late$" "the counterexample keeps the delivery mode"
expect 1 "finding 11 counterexample replays" -- "$DLMCTL" sim "$T/f11.scn"
has "$T/err" "^dlmctl sim: this is docs/findings.md, finding 11: " "explorer's late-delivery path named as finding 11"
# finding 8 (a) through a resent request: the same steps settle when the
# reply had arrived, and with work-clears-own-bit
F8R=$SCEN/../findings/lvb-rollback-resent.scn
sed 's/^crash 3 resend 2 control$/crash 3/' "$F8R" >"$T/f8arrived.scn"
expect 0 "finding 8 through a resend: not when the reply arrived" -- "$DLMCTL" sim "$T/f8arrived.scn"
sed 's/^fix work-retry-recovering$/&\nfix work-clears-own-bit/' "$F8R" >"$T/f8rfix.scn"
expect 0 "finding 8 through a resend: closed by work-clears-own-bit" -- "$DLMCTL" sim "$T/f8rfix.scn"
sed 's/^fix work-retry-recovering$/&\nfix valnotvalid-resubmit/' \
	"$SCEN/../findings/lvb-rollback-lost-bit-resent.scn" >"$T/f8lfix.scn"
expect 0 "finding 8 (b) through a resend: closed by valnotvalid-resubmit" -- "$DLMCTL" sim "$T/f8lfix.scn"
expect 1 "a mutant's violation is no finding" -- "$DLMCTL" sim "$T/fair.scn"
hasnot "$T/err" "this is docs/findings.md" "mutant: no finding named"
# a master that is not one of the recovery's options
awk '/^step recovery master 2 lvb-from 4$/ { print "step recovery master 1"; next } { print }' \
	"$F8L" >"$T/f8bad.scn"
expect 2 "a recovery choice that is not open" -- "$DLMCTL" sim "$T/f8bad.scn"
has "$T/err" "f8bad.scn:[0-9]*: step: that step is not enabled here" "recovery choice not open"
expect 2 "missing scenario" -- "$DLMCTL" sim "$T/nope.scn"
has "$T/err" "nope.scn: No such file" "missing scenario message"
expect 2 "binary scenario" -- "$DLMCTL" sim "$T/garbage"
printf 'nodes 3\nmount 1 2 3\nwait\nmount 1\n' >"$T/twice.scn"
expect 2 "mount of a node that is up" -- "$DLMCTL" sim "$T/twice.scn"
has "$T/err" "twice.scn:4: mount: node 1 is already up" "runtime scenario error"

# --- kernel commands on a kernel without the patched DLM ------------------
# (the real kernel is tested in the VM lab; here: the errors are clear)
for cmd in "slots" "recover" "recover watch -j" "slots gfs0"; do
	# shellcheck disable=SC2086
	expect 3 "dlmctl $cmd without the patched DLM" -- "$DLMCTL" $cmd
	has "$T/err" "^dlmctl (slots|recover|recover watch): (the DLM is not loaded|this kernel's DLM has no dlm_recover netlink family)" "dlmctl $cmd names what is missing"
	oneline "$T/err" "dlmctl $cmd"
done
long=$(printf '%070d' 0)
expect 2 "slots: too long a lockspace name" -- "$DLMCTL" slots "$long"
has "$T/err" "longer than 64 characters" "long name named"
expect 2 "recover watch: bad --count" -- "$DLMCTL" recover watch --count x
expect 2 "recover watch: two lockspaces" -- "$DLMCTL" recover watch a b
expect 2 "recover watch: unknown option" -- "$DLMCTL" recover watch --loud
# the readiness line comes only once subscribed: not on a failure
for q in "" "-q" "--quiet"; do
	# shellcheck disable=SC2086
	expect 3 "recover watch $q without the patched DLM" -- "$DLMCTL" recover watch $q gfs0
	hasnot "$T/err" "subscribed" "recover watch $q: no readiness line"
	oneline "$T/err" "recover watch $q"
done
expect 0 "recover watch help" -- "$DLMCTL" recover watch --help
has "$T/out" '\[-q\]' "recover watch help mentions -q"
expect 0 "recover help" -- "$DLMCTL" recover --help
has "$T/out" 'recover watch' "recover help mentions watch"

# --- emulate: its usage errors, and a kernel without the patched DLM -----
mkdir "$T/j"
expect 2 "emulate: no lockspace" -- "$DLMCTL" emulate --journals 3 --dir "$T/j"
usage_error "$T/err" emulate "emulate without a lockspace"
expect 2 "emulate: unknown option" -- "$DLMCTL" emulate ls --journals 3 --dir "$T/j" --loud
has "$T/err" "unknown option '--loud'" "emulate names the unknown option"
# (each dlmctl here runs under valgrind in check.sh's valgrind-cli stage,
# about 0.7 s each: the cases are few)
for n in 0 x; do
	expect 2 "emulate: --journals $n" -- "$DLMCTL" emulate ls --journals "$n" --dir "$T/j"
	has "$T/err" "^dlmctl emulate: --journals: '$n' is not a number in 1\.\.192" "emulate --journals $n named"
done
expect 2 "emulate: no --journals" -- "$DLMCTL" emulate ls --dir "$T/j"
has "$T/err" "--journals N is required" "emulate without --journals"
expect 2 "emulate: no --dir" -- "$DLMCTL" emulate ls --journals 3
has "$T/err" "--dir PATH is required" "emulate without --dir"
expect 2 "emulate: --dir not a directory" -- "$DLMCTL" emulate ls --journals 3 --dir "$T/j/none"
has "$T/err" "not a directory" "emulate --dir missing"
expect 2 "emulate: too long a lockspace name" -- "$DLMCTL" emulate "$long" --journals 3 --dir "$T/j"
has "$T/err" "longer than 64 characters" "emulate: long name named"
expect 2 "emulate: unknown source" -- "$DLMCTL" emulate ls --journals 3 --dir "$T/j" --source carrier-pigeon
has "$T/err" "--source: 'carrier-pigeon' is not netlink or cpg" "emulate: unknown source named"
expect 2 "emulate: unknown fix" -- "$DLMCTL" emulate ls --journals 3 --dir "$T/j" --fix nope
has "$T/err" "unknown fix 'nope'" "emulate: unknown fix named"
expect 3 "emulate without the patched DLM" -- "$DLMCTL" emulate ls --journals 3 --dir "$T/j"
has "$T/err" "^dlmctl emulate: ls: (the DLM is not loaded|this kernel's DLM has no dlm_recover netlink family)" "emulate names what is missing"
oneline "$T/err" "emulate without the patched DLM"
hasnot "$T/out" "." "emulate: nothing on stdout when it cannot join"
expect 0 "emulate help" -- "$DLMCTL" emulate --help
has "$T/out" "events-before-grants|finding 11" "emulate help names finding 11"

# --- options and usage ---------------------------------------------------
expect 2 "bad seed" -- "$DLMCTL" sim --seed 12x
has "$T/err" "seed: '12x'" "bad seed named"
expect 2 "negative seed" -- "$DLMCTL" sim --seed -1
expect 0 "seed 7" -- "$DLMCTL" sim --seed 7
has "$T/out" 'seed 7,' "seed shown"
expect 2 "extra argument" -- "$DLMCTL" sim a b
expect 2 "unknown option" -- "$DLMCTL" sim --frobnicate
expect 2 "no command" -- "$DLMCTL"
expect 2 "unknown command" -- "$DLMCTL" frobnicate
has "$T/err" "unknown command 'frobnicate'" "unknown command named"
expect 0 "help" -- "$DLMCTL" --help
has "$T/out" 'Usage: dlmctl' "usage text"
expect 0 "sim help" -- "$DLMCTL" sim --help
has "$T/out" 'Usage: dlmctl sim' "sim usage"
expect 0 "version" -- "$DLMCTL" --version
has "$T/out" '^dlmctl [0-9]+\.[0-9]+\.[0-9]+' "version"
expect 2 "recover check without trace" -- "$DLMCTL" recover check

# --- one CLI: help, usage errors, ranges (issue 17) ----------------------
# tests/cli/test_manpage.sh compares every command's help with dlmctl(8)
for c in sim explore slots recover "recover watch" "recover check"; do
	# shellcheck disable=SC2086
	expect 0 "dlmctl help $c" -- "$DLMCTL" help $c
	has "$T/out" "^Usage: dlmctl $c" "dlmctl help $c: the usage of $c"
done
expect 0 "dlmctl help" -- "$DLMCTL" help
has "$T/out" '^  recover check ' "dlmctl help lists recover check"
expect 2 "dlmctl help of an unknown command" -- "$DLMCTL" help frobnicate
has "$T/err" "^dlmctl help: unknown command 'frobnicate'$" "help: unknown command named"
expect 2 "no command: a hint, not the whole help" -- "$DLMCTL"
has "$T/err" '^dlmctl: no command given$' "no command said"
has "$T/err" '^Usage: dlmctl \[--version\] \[--help\] \[-p\] COMMAND \[ARGS\] \(commands: dlmctl help\)$' "main usage hint"
n=$(wc -l <"$T/err")
if [ "$n" -eq 2 ]; then ok; else bad "no command: $n lines on stderr"; fi
expect 2 "unknown command: a hint" -- "$DLMCTL" frobnicate
n=$(wc -l <"$T/err")
if [ "$n" -eq 2 ]; then ok; else bad "unknown command: $n lines on stderr"; fi
# usage_error: exit 2, then the problem and the command's one-line usage
uerr() { # CMD PATTERN DESCRIPTION -- ARGS...
	ucmd=$1; upat=$2; udesc=$3; shift 4
	expect 2 "$udesc" -- "$DLMCTL" "$@"
	has "$T/err" "^dlmctl $ucmd: $upat\$" "$udesc: the problem"
	usage_error "$T/err" "$ucmd" "$udesc"
}
uerr sim "unknown option '--frobnicate'" "sim: unknown option" -- sim --frobnicate
uerr sim "unknown option '-x'" "sim: unknown short option" -- sim -x
uerr sim "option '--seed' needs an argument" "sim: --seed without a value" -- sim --seed
uerr sim "option '--json' takes no argument" "sim: --json=1" -- sim --json=1
uerr sim "--seed: '12x' is not a number in 0\\.\\.2\\^64-1" "sim: bad seed" -- sim --seed 12x
uerr sim "--nodes: '1' is not a number in 2\\.\\.8" "sim: --nodes 1" -- sim --compare --nodes 1
# strtoul() skips blanks and takes a sign after them: " -1" was
# accepted as 2^64-1 (found by tests/fuzz/fuzz_dlmctl.c)
uerr sim "--seed: ' -1' is not a number in 0\\.\\.2\\^64-1" "sim: --seed ' -1'" -- sim --seed ' -1'
uerr sim "--seed: ' 7' is not a number in 0\\.\\.2\\^64-1" "sim: --seed ' 7'" -- sim --seed ' 7'
uerr "recover watch" "--count: ' -1' is not a number, 0 or more" "recover watch: --count ' -1'" -- recover watch --count ' -1'
uerr explore "--nodes: ' 2' is not a number in 1\\.\\.8" "explore: --nodes ' 2'" -- explore --nodes ' 2'
uerr sim "unexpected argument 'b'" "sim: two scenarios" -- sim a b
uerr explore "--nodes: '0' is not a number in 1\\.\\.8" "explore: --nodes 0" -- explore --nodes 0
uerr explore "--nodes: 'abc' is not a number in 1\\.\\.8" "explore: --nodes abc" -- explore --nodes abc
uerr explore "--nodes N \\(1\\.\\.8\\) is required" "explore: no --nodes" -- explore
uerr explore "--journals: '0' is not a number in 1\\.\\.8" "explore: --journals 0" -- explore --nodes 2 --journals 0
uerr explore "--failures 3 exceeds --nodes 2 \\(0\\.\\.N\\)" "explore: too many failures" -- explore --nodes 2 --failures 3
uerr explore "--runs: '0' is not a number, 1 or more" "explore: --runs 0" -- explore --random --nodes 2 --runs 0
uerr explore "--max-states: '-1' is not a number, 1 or more" "explore: --max-states -1" -- explore --nodes 2 --max-states -1
uerr explore "--threads: '0' is not a number in 1\\.\\.256" "explore: --threads 0" -- explore --nodes 2 --threads 0
uerr explore "unknown mutant 'nope' \\(--mutant list\\)" "explore: unknown mutant" -- explore --nodes 2 --mutant nope
uerr explore "--delivery: unknown mode 'soon' \\(kernel or late\\)" "explore: bad --delivery" -- explore --nodes 2 --delivery soon
uerr sim "--delivery: unknown mode 'soon' \\(kernel or late\\)" "sim: bad --delivery" -- sim --delivery soon
uerr sim "--delivery applies to the simulator's run \\(--stack cluster4\\), not --compare" "sim: --delivery with --compare" -- sim --compare --delivery late
uerr slots "unknown option '--count'" "slots: a watch option" -- slots --count 3
uerr recover "unknown option '--frobnicate'" "recover: unknown option" -- recover --frobnicate
uerr "recover watch" "--count: 'x' is not a number, 0 or more" "recover watch: bad --count" -- recover watch --count x
uerr "recover watch" "--rcvbuf: '2147483648' is not a number in 0\\.\\.2147483647" "recover watch: --rcvbuf too big" -- recover watch --rcvbuf 2147483648
uerr "recover watch" "one LOCKSPACE at most" "recover watch: two lockspaces" -- recover watch a b
uerr "recover check" "expected one TRACE argument" "recover check: no trace" -- recover check
# -j on every command: --mutant list and --fix list too
expect 0 "explore --mutant list -j" -- "$DLMCTL" explore --mutant list -j
has "$T/out" '^\[\{"name":"unblock-early","description":"gfs2_control_func\(\) unblocks' "mutant list json"
expect 0 "explore -j --fix list" -- "$DLMCTL" explore -j --fix list
has "$T/out" '"name":"slot-from-table"' "fix list json"
expect 0 "explore --fix list" -- "$DLMCTL" explore --fix list
has "$T/out" '^work-retry-busy +gfs2_control_func' "fix list text"

# --- sim --compare / --stack (docs/stacks.md) ---------------------------
expect 0 "compare" -- "$DLMCTL" sim --compare
has "$T/out" '^cluster3 dlm/gfs recovery +cluster4 dlm/gfs recovery$' "compare header"
has "$T/out" '^\. dlm_controld waits for gfs_controld kernel stop \(libdlmcontrol\) +\. dlm_controld starts dlm-kernel recovery +\(sysfs control 1\)$' "compare side by side"
has "$T/out" '^steps: 11 per survivor, 22 in all +steps: 7 per survivor, 14 in all$' "compare steps"
has "$T/out" '^CPG message rounds: 2 +CPG message rounds: 1$' "compare rounds"
has "$T/out" 'recovery always completes: yes' "compare no-fault result"
has "$T/out" 'gfs_controld dies before step 8 \(libcpg\) +STALL +gfs blocked on 2 of 2' "compare cluster3 death"
expect 0 "compare json" -- "$DLMCTL" sim --compare --nodes 4 -j
has "$T/out" '^\{"nodes":4,"survivors":3,"stacks":\[' "compare json"
has "$T/out" '"cpg_rounds":1' "compare json rounds"
expect 2 "compare nodes 9" -- "$DLMCTL" sim --compare --nodes 9
has "$T/err" "nodes: '9'" "compare bad nodes named"
expect 2 "compare with scenario" -- "$DLMCTL" sim --compare x.scn
expect 0 "stack cluster3" -- "$DLMCTL" sim --stack cluster3
has "$T/out" '^recovery 1 \(step [0-9]+\): failed node 2; survivors node 1 node 3$' "cluster3 recovery"
has "$T/out" '^  node 3 +\. gfs_controld starts gfs-kernel +\(sysfs block 0\)$' "cluster3 last step"
has "$T/out" '22 steps \(11 per survivor\), 2 daemons per node, 2 CPG rounds' "cluster3 counts"
expect 0 "stack cluster4" -- "$DLMCTL" sim --stack cluster4
has "$T/out" '^  step  node 1 +node 2 +node 3$' "cluster4 is the timeline"
expect 2 "unknown stack" -- "$DLMCTL" sim --stack cluster5
has "$T/err" "unknown stack 'cluster5'" "unknown stack named"
usage_error "$T/err" "sim" "unknown stack"
# -j on every command (issue 17, item 5): cluster3 too
expect 0 "cluster3 json" -- "$DLMCTL" sim --stack cluster3 -j
has "$T/out" '^\{"stack":"cluster3","seed":1,"recoveries":\[\{"step":[0-9]+,"failed":\[2\],"survivors":\[1,3\],"steps":\[\{"node":1,"actor":"dlm_controld",' "cluster3 json"
has "$T/out" '"steps_total":22,"steps_per_survivor":11,"daemons":2,"cpg_rounds":2\}\]\}$' "cluster3 json counts"
n=$(wc -l <"$T/out")
if [ "$n" -eq 1 ]; then ok; else bad "cluster3 json: $n lines"; fi

# The kernel-log fallback on a saved log (tests/klog: node 1's lines of
# lockspace dlmrex from a 6.1 lab run: join, node 3 killed and back,
# node 2 leaving)
KLOG=$(dirname "$0")/../klog/node1-dlmrex.dmesg
expect 0 "slots --klog=FILE" -- "$DLMCTL" slots --klog="$KLOG"
has "$T/out" '^\(from the kernel log' "slots --klog: says where the data came from"
has "$T/out" '^dlmrex: generation 6, our slot 0$' "slots --klog: the last generation"
has "$T/out" '^  1        3     2 *$' "slots --klog: node 1's slot 3"
has "$T/out" '^  3        1     0 *$' "slots --klog: node 3's slot 1"
expect 0 "slots --klog=FILE -j" -- "$DLMCTL" slots -j --klog="$KLOG"
has "$T/out" '"source":"kernel-log","unknown":\["ops","seq"' "slots -j --klog: source and unknown"
expect 0 "recover --klog=FILE" -- "$DLMCTL" recover --klog="$KLOG" dlmrex
has "$T/out" 'last recovery: generation 6, started 235.944 s after boot, took 0.408 s, failed: nodeid 2 slot 2$' "recover --klog: the last recovery"
has "$T/out" 'callbacks not known' "recover --klog: callbacks not known"
expect 2 "recover --klog: unknown lockspace" -- "$DLMCTL" recover --klog="$KLOG" nope
oneline "$T/err" "recover --klog: unknown lockspace"
expect 3 "slots --klog: missing file" -- "$DLMCTL" slots --klog="$T/nope.log"
has "$T/err" 'nope.log: No such file or directory' "slots --klog: names the missing file"
expect 2 "slots --klog=: empty name" -- "$DLMCTL" slots --klog=
expect 0 "slots --klog=FILE --nodeid 1" -- "$DLMCTL" slots --klog="$KLOG" --nodeid 1
has "$T/out" '^dlmrex: generation 6, our slot 3$' "slots --klog --nodeid: our slot"
has "$T/out" '^  1        3     2    <- this node$' "slots --klog --nodeid: this node's row"
expect 0 "slots --klog=FILE -j --nodeid 1" -- "$DLMCTL" slots -j --klog="$KLOG" --nodeid 1
has "$T/out" '"slots":\[\{"nodeid":1,"slot":3,"jid":2,"self":true\},\{"nodeid":3,"slot":1' "slots -j --klog: the table in nodeid order"
hasnot "$T/out" '"node \(a saved log' "slots -j --klog --nodeid: the node is known"
expect 0 "-p slots -j" -- "$DLMCTL" -p slots -j --klog="$KLOG" --nodeid 1
[ "$(wc -l <"$T/out")" -gt 10 ] && ok || bad "-p: JSON not indented"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" && ok || bad "-p: not JSON"
cp "$T/out" "$T/pretty"
expect 0 "slots -j (plain)" -- "$DLMCTL" slots -j --klog="$KLOG" --nodeid 1
[ "$(wc -l <"$T/out")" = 1 ] && ok || bad "without -p: not one line"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$T/out" "$T/pretty" &&
	ok || bad "-p: not the same JSON as without"
expect 0 "--pretty explore --mutant list -j" -- "$DLMCTL" --pretty explore --mutant list -j
has "$T/out" '^    "name": "' "--pretty explore --mutant list -j: indented"
expect 2 "-p alone" -- "$DLMCTL" -p
expect 2 "--nodeid without --klog=FILE" -- "$DLMCTL" slots --nodeid 1
expect 2 "--nodeid 0" -- "$DLMCTL" slots --klog="$KLOG" --nodeid 0
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
