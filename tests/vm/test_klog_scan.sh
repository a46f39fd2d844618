#!/bin/sh
# tests/vm/klog-scan.sh on made-up console logs: what it must flag, what
# the allowlist lets through, and a bad allowlist.  (The lab also proves
# the scan on a real console at every boot: a WARNING written to
# /dev/kmsg must be flagged.)
set -u
SCAN=${1:-$(dirname "$0")/klog-scan.sh}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
n=0

# expect RC DESCRIPTION ARGS...: klog-scan.sh ARGS... exits RC
expect() {
	want=$1 what=$2
	shift 2
	n=$((n + 1))
	sh "$SCAN" "$@" >"$T/out" 2>&1 && got=0 || got=$?
	if [ "$got" = "$want" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what: exit $got, expected $want"
		sed 's/^/#   /' "$T/out"
		fails=$((fails + 1))
	fi
}
has() { # TEXT: the last output contains TEXT
	n=$((n + 1))
	if grep -qF -- "$1" "$T/out"; then
		echo "ok $n - output has '$1'"
	else
		echo "not ok $n - output lacks '$1'"
		sed 's/^/#   /' "$T/out"
		fails=$((fails + 1))
	fi
}

clean='10.001 [    3.1] dlm: gfs0: joining the lockspace group...
10.002 [    3.2] gfs2: fsid=lab:gfs0.0: jid=1: Looking at journal...
10.003 [    3.3] dlm: gfs0: dlm_recover 3 generation 4 done: 120 ms'
rq='10.100 [    4.0] ------------[ cut here ]------------
10.101 [    4.0] memcpy: detected field-spanning write (size 95) of single field "&e->request" at fs/dlm/requestqueue.c:47 (size 88)
10.102 [    4.0] WARNING: CPU: 0 PID: 191 at fs/dlm/requestqueue.c:47 dlm_add_requestqueue+0xe7/0xf0 [dlm]
10.103 [    4.0] ---[ end trace 0000000000000000 ]---'

printf '%s\n' "$clean" >"$T/clean.log"
expect 0 "a clean log passes" "$T/clean.log"

printf '%s\n%s\n' "$clean" "$rq" >"$T/rq.log"
expect 0 "the allowlisted requestqueue.c:47 warning passes" \
	--matched "$T/matched" "$T/rq.log"
n=$((n + 1))
if grep -q 'requestqueue.*rq.log:6$' "$T/matched"; then
	echo "ok $n - --matched names the entry and the line"
else
	echo "not ok $n - --matched: $(cat "$T/matched")"
	fails=$((fails + 1))
fi

# the same warning one line further on is not the allowlisted one
sed 's/requestqueue.c:47 dlm_add/requestqueue.c:48 dlm_add/' "$T/rq.log" >"$T/rq48.log"
expect 1 "a warning at another line of the same file fails" "$T/rq48.log"
has "rq48.log:6: "

for hit in \
	'WARNING: CPU: 0 PID: 9 at fs/dlm/lock.c:1 f+0x1/0x2 [dlm]' \
	'BUG: sleeping function called from invalid context at mm/slab.h:1' \
	'kernel BUG at fs/gfs2/inode.c:728!' \
	'general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP' \
	'Oops: 0000 [#1] PREEMPT SMP NOPTI' \
	'BUG: KASAN: slab-out-of-bounds in gdlm_recover_slot+0x1/0x2 [gfs2]' \
	'UBSAN: array-index-out-of-bounds in fs/gfs2/lock_dlm.c:1' \
	'WARNING: possible circular locking dependency detected' \
	'INFO: task dlm_recoverd:123 blocked for more than 120 seconds.' \
	'rcu: INFO: rcu_preempt self-detected stall on CPU' \
	'Kernel panic - not syncing: Fatal exception' \
	'gfs2: fsid=lab:gfs0.1: about to withdraw this file system'; do
	printf '%s\n10.200 [    5.0] %s\n10.201 [    5.0] Call Trace:\n' "$clean" "$hit" >"$T/hit.log"
	expect 1 "flagged: $hit" "$T/hit.log"
	has "hit.log:4: 10.200 [    5.0] $hit"
	has "    10.201 [    5.0] Call Trace:"
done

# LOG:FROM: lines before FROM are not scanned (the lab's per-scenario scan)
printf '%s\n10.200 [    5.0] WARNING: CPU: 0 PID: 9 at x.c:1 f+0x1/0x2\n%s\n' "$clean" "$clean" >"$T/from.log"
expect 1 "from line 1 the warning is seen" "$T/from.log:1"
expect 0 "from line 5 it is not" "$T/from.log:5"

# a bad allowlist is a usage error, not a pass
printf 'pattern: foo\n' >"$T/nowhy.txt"
expect 2 "an allowlist pattern without its why" --allow "$T/nowhy.txt" "$T/clean.log"
has "has no why"
printf 'why: because\n' >"$T/nopat.txt"
expect 2 "a why without a pattern" --allow "$T/nopat.txt" "$T/clean.log"
expect 2 "a missing log" "$T/none.log"

echo "1..$n"
echo "$((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
