#!/bin/sh
# tests/vm/ynl-compare.py on made-up outputs of the ynl CLI and dlmctl:
# equal answers pass, every kind of difference fails with MISMATCH, bad
# input is a usage error (exit 2).  Runs without VMs.
#
#   test_ynl_compare.sh YNL-COMPARE.PY
set -eu
C=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PY=/usr/bin/python3
bad=0
expect() { # WANT-RC DESCRIPTION ARGS...
	want=$1 what=$2
	shift 2
	rc=0
	out=$("$PY" "$C" "$@" 2>&1) || rc=$?
	if [ "$rc" = "$want" ]; then
		echo "ok: $what: $out"
	else
		echo "FAIL: $what: exit $rc (want $want): $out"
		bad=1
	fi
}

ydump='[{"ls-name": "a", "ls-id": 7, "generation": 2, "our-slot": 1, "member": [{"nodeid": 2, "slot": 2}, {"nodeid": 1, "slot": 1}], "state": "running", "members": 2, "ops": 1, "seq": 3, "time-ns": 99, "mono-ns": 1099, "last": {"start-ns": 50, "done-ns": 99, "start-mono-ns": 1050, "done-mono-ns": 1099, "generation": 2, "failed": [{"nodeid": 3, "slot": 3}], "truncated": 0}}]'
ydo='{"ls-name": "a", "ls-id": 7, "generation": 2, "our-slot": 1, "member": [{"nodeid": 2, "slot": 2}, {"nodeid": 1, "slot": 1}], "state": "running", "members": 2, "ops": 1, "seq": 3, "time-ns": 99, "mono-ns": 1099, "last": {"start-ns": 50, "done-ns": 99, "start-mono-ns": 1050, "done-mono-ns": 1099, "generation": 2, "failed": [{"nodeid": 3, "slot": 3}], "truncated": 0}}'
drec='[{"ls":"a","id":7,"generation":2,"our_slot":1,"node":1,"state":"running","members":2,"ops":true,"seq":3,"time_ns":99,"mono_ns":1099,"last":{"start_ns":50,"done_ns":99,"start_mono_ns":1050,"done_mono_ns":1099,"duration_ns":49,"generation":2,"failed":[{"nodeid":3,"slot":3}],"failed_truncated":0}}]'
dslots='[{"ls":"a","id":7,"generation":2,"our_slot":1,"node":1,"slots":[{"nodeid":1,"slot":1,"jid":0,"self":true},{"nodeid":2,"slot":2,"jid":1,"self":false}]}]'
get() { printf '== ynl dump\n%s\n== dlmctl recover\n%s\n== dlmctl slots\n%s\n== ynl do a\n%s\n' "$1" "$2" "$3" "$4" >"$T/get"; }

get "$ydump" "$drec" "$dslots" "$ydo"
expect 0 "get: the same answers" get "$T/get"
get "$ydump" "$(echo "$drec" | sed 's/"seq":3/"seq":4/')" "$dslots" "$ydo"
expect 1 "get: another seq" get "$T/get"
get "$ydump" "$(echo "$drec" | sed 's/"done_mono_ns":1099/"done_mono_ns":1098/')" "$dslots" "$ydo"
expect 1 "get: another monotonic done time" get "$T/get"
get "$ydump" "$(echo "$drec" | sed 's/"failed":\[[^]]*\]/"failed":[]/')" "$dslots" "$ydo"
expect 1 "get: another failed list" get "$T/get"
get "$ydump" "$drec" "$(echo "$dslots" | sed 's/"nodeid":2,"slot":2/"nodeid":2,"slot":3/')" "$ydo"
expect 1 "get: another slot table" get "$T/get"
get "$ydump" "$(echo "$drec" | sed 's/"state":"running"/"state":"stopped"/')" "$dslots" "$ydo"
expect 1 "get: another state" get "$T/get"
get "$ydump" "$(echo "$drec" | sed 's/^\[/[{"ls":"b"},/')" "$dslots" "$ydo"
expect 1 "get: a lockspace ynl did not list" get "$T/get"
get "$ydump" "$drec" "$dslots" "$(echo "$ydo" | sed 's/"seq": 3/"seq": 5/')"
expect 1 "get: a do that is not its dump entry" get "$T/get"
get "$ydump" "$drec" "$dslots" 'Traceback (most recent call last):'
expect 2 "get: ynl failed (no JSON)" get "$T/get"

ev='[{"name": "prep", "msg": {"ls-name": "a", "ls-id": 7, "seq": 4, "time-ns": 100, "mono-ns": 1100}}, {"name": "prep", "msg": {"ls-name": "b", "ls-id": 8, "seq": 9, "time-ns": 100}}, {"name": "slot", "msg": {"ls-name": "a", "ls-id": 7, "seq": 5, "time-ns": 101, "mono-ns": 1101, "nodeid": 3, "slot": 3}}, {"name": "done", "msg": {"ls-name": "a", "ls-id": 7, "seq": 6, "time-ns": 102, "mono-ns": 1102, "generation": 3, "our-slot": 1, "members": 2, "member": [{"nodeid": 1, "slot": 1}, {"nodeid": 2, "slot": 2}]}}]'
watch='{"time_ns":99,"seq":3,"event":"done","node":1,"ls":"a","generation":2,"our_slot":1,"slots":[{"nodeid":1,"slot":1},{"nodeid":2,"slot":2},{"nodeid":3,"slot":3}]}
{"time_ns":100,"mono_ns":1100,"seq":4,"event":"prep","node":1,"ls":"a"}
{"time_ns":101,"mono_ns":1101,"seq":5,"event":"slot","node":1,"ls":"a","nodeid":3,"slot":3}
{"time_ns":102,"mono_ns":1102,"seq":6,"event":"done","node":1,"ls":"a","generation":3,"our_slot":1,"slots":[{"nodeid":2,"slot":2},{"nodeid":1,"slot":1}]}'
events() { printf '== ynl events\n%s\n== watch\n%s\n' "$1" "$2" >"$T/ev"; }

events "$ev" "$watch"
expect 0 "events: the same events" events "$T/ev" a 4
expect 1 "events: ynl started late (seq 4, not 3)" events "$T/ev" a 3
expect 1 "events: none of that lockspace" events "$T/ev" c 1
events "$ev" "$(echo "$watch" | sed 's/"nodeid":3,"slot":3}$/"nodeid":3,"slot":2}/')"
expect 1 "events: another slot in the slot event" events "$T/ev" a 4
events "$ev" "$(echo "$watch" | sed 's/"time_ns":101/"time_ns":111/')"
expect 1 "events: another time" events "$T/ev" a 4
events "$ev" "$(echo "$watch" | sed 's/"mono_ns":1101/"mono_ns":1111/')"
expect 1 "events: another monotonic time" events "$T/ev" a 4
events "$(echo "$ev" | sed 's/"seq": 5/"seq": 7/')" "$watch"
expect 1 "events: a gap in ynl's numbers" events "$T/ev" a 4
events "$(echo "$ev" | sed 's/, {"name": "done".*$/]/')" "$watch"
expect 1 "events: ynl's last event not a done" events "$T/ev" a 4
expect 2 "usage" events "$T/ev" a
expect 2 "FIRSTSEQ not a number" events "$T/ev" a x
expect 2 "no such file" get "$T/nosuch"
exit $bad
