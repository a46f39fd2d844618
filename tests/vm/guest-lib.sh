# Helpers the lab agent runs inside a VM (installed as /lab/lib.sh and
# sourced by /init).  Each prints what the host needs to parse; a failure
# returns non-zero with a one-line reason on stderr.  $NODE is set by /init.

EX_TRACE=/sys/kernel/debug/dlmr_example/dlmrex/trace
GFS=/sys/fs/gfs2/lab:gfs0/lock_module

# wait_for COND TENTHS: poll the shell condition every 0.1 s.
wait_for() {
	_n=$2
	until eval "$1"; do
		_n=$((_n - 1))
		[ "$_n" -le 0 ] && return 1
		sleep 0.1
	done
}

# Load the example module (joins lockspace dlmrex) and wait for its first
# recover_done.
lab_example_join() {
	insmod /lab/modules/dlmr_example.ko nodeid="$NODE" cluster=lab ||
		{ echo "insmod dlmr_example failed" >&2; return 1; }
	wait_for "grep -q '\"event\":\"done\"' $EX_TRACE" 600 ||
		{ echo "no recover_done in $EX_TRACE" >&2; return 1; }
	echo "LAB: node$NODE example joined" >/dev/console
}

lab_example_leave() {
	rmmod dlmr_example && echo "LAB: node$NODE example left" >/dev/console
}

lab_trace() { cat "$EX_TRACE"; }

# The series' recovery tracepoints (patch 0005).  lab_tp_start enables
# dlm_recover_prep, _slot and _done and empties the trace buffer;
# lab_tp_events LS prints LS's events since, one a line: "SEQ prep",
# "SEQ slot NODEID SLOT", "SEQ done GENERATION OUR_SLOT NUM_SLOTS".
TRACEFS=/sys/kernel/tracing
lab_tp_start() {
	[ -d "$TRACEFS/events" ] || mount -t tracefs nodev "$TRACEFS" ||
		{ echo "cannot mount tracefs on $TRACEFS" >&2; return 1; }
	for _e in prep slot done; do
		[ -d "$TRACEFS/events/dlm/dlm_recover_$_e" ] ||
			{ echo "no tracepoint dlm:dlm_recover_$_e" >&2; return 1; }
		echo 1 >"$TRACEFS/events/dlm/dlm_recover_$_e/enable" || return 1
	done
	echo >"$TRACEFS/trace"
}
lab_tp_events() {
	_id=$(cat "/sys/kernel/dlm/$1/id") || return 1
	sed -nE "s/.* dlm_recover_(prep|slot|done): ls_id=$_id seq=([0-9]+)(.*)/\2 \1\3/p" \
		"$TRACEFS/trace" | sed -E 's/ (nodeid|slot|generation|our_slot|num_slots)=/ /g'
}

# gfs2's decisions, key=value.
lab_gfs2() {
	for f in jid first first_done block recover_done recover_status; do
		echo "$f=$(cat "$GFS/$f")"
	done
}

lab_mount() {
	mount -t gfs2 /dev/vda /mnt || { echo "mount gfs2 failed" >&2; return 1; }
	echo "LAB: node$NODE mounted" >/dev/console
	lab_gfs2
}

lab_umount() {
	umount /mnt && echo "LAB: node$NODE unmounted" >/dev/console
}

# The gfs2 lockspace's last slot table from the kernel log:
# "dlm: gfs0: generation G slots N S:NODEID ..."
lab_gfs2_slots() { dmesg | grep 'dlm: gfs0: generation' | tail -n 1; }

# The patched dlm.ko's sysfs: "LS GENERATION OUR_SLOT ..." for each LS
# (/sys/kernel/dlm/<ls>/generation, our_slot; "- -" if LS is missing).
lab_dlm_sysfs() {
	_o=
	for _ls in "$@"; do
		_o="$_o $_ls $(cat "/sys/kernel/dlm/$_ls/generation" 2>/dev/null || echo -)"
		_o="$_o $(cat "/sys/kernel/dlm/$_ls/our_slot" 2>/dev/null || echo -)"
	done
	echo "${_o# }"
}

# lab_dlm_sysfs_wait WANT TENTHS LS...: wait until lab_dlm_sysfs LS...
# prints WANT (a done updates sysfs just after the kernel logs it), then
# print what it prints.
lab_dlm_sysfs_wait() {
	_w=$1 _t=$2
	shift 2
	_l="$*"
	wait_for '[ "$(lab_dlm_sysfs $_l)" = "$_w" ]' "$_t"
	lab_dlm_sysfs $_l
}

# lab_watch_start TAG [ARG...]: dlmctl recover watch ARG... (default
# -j TAG: the events of lockspace TAG; never -q) in the background, its
# output in /tmp/watch.TAG (stderr .err, pid .pid, exit status .rc once it
# ended); returns once it is subscribed: its stderr is exactly its
# readiness line, "dlmctl: recover watch: subscribed (lockspace LS)" or
# "(all lockspaces)", which dlmctl prints once its socket has joined the
# events group.
lab_watch_start() {
	_t=$1
	shift
	[ $# -gt 0 ] || set -- -j "$_t"
	_ls='' _skip=0
	for _a in "$@"; do
		if [ "$_skip" = 1 ]; then _skip=0; continue; fi
		case $_a in --rcvbuf | --count) _skip=1 ;; -*) ;; *) _ls=$_a ;; esac
	done
	if [ -n "$_ls" ]; then
		_want="dlmctl: recover watch: subscribed (lockspace $_ls)"
	else
		_want="dlmctl: recover watch: subscribed (all lockspaces)"
	fi
	_e=/tmp/watch.$_t.err
	rm -f "/tmp/watch.$_t" "$_e" "/tmp/watch.$_t.rc" "/tmp/watch.$_t.pid"
	(
		sh -c 'echo $$ >"/tmp/watch.$0.pid"; exec dlmctl recover watch "$@"' \
			"$_t" "$@" >"/tmp/watch.$_t" 2>"$_e"
		echo $? >"/tmp/watch.$_t.rc"
	) </dev/null &
	# from the kernel log (a stock dlm.ko), the line goes on: " no
	# dlm_recover family; from the kernel log: ..."
	wait_for "grep -qF '$_want' $_e || [ -s /tmp/watch.$_t.rc ]" 100 &&
		case $(cat "$_e") in
		"$_want" | "$_want no dlm_recover family; from the kernel log"*) ;;
		*) false ;;
		esac ||
		{ echo "dlmctl recover watch $*: stderr is not exactly '$_want' within 10 s: '$(cat "$_e")'$([ -s "/tmp/watch.$_t.rc" ] && echo ", exit $(cat "/tmp/watch.$_t.rc")")" >&2; return 1; }
}

# lab_netlink PID: "RMEM DROPS" of PID's netlink socket that joined a
# multicast group (/proc/net/netlink: bytes queued, messages dropped).
lab_netlink() {
	for _fd in /proc/"$1"/fd/*; do
		_l=$(readlink "$_fd") || continue
		case $_l in socket:*) ;; *) continue ;; esac
		_i=${_l#socket:[}
		awk -v i="${_i%]}" '$NF == i && $4 != "00000000" { print $5, $9; f = 1 } END { exit !f }' \
			/proc/net/netlink && return 0
	done
	return 1
}

# lab_watch_wait TAG ERE TENTHS: until a line of /tmp/watch.TAG matches ERE.
lab_watch_wait() {
	wait_for "grep -qE '$2' /tmp/watch.$1" "$3" ||
		{ echo "dlmctl recover watch $1: no line /$2/ within $(($3 / 10)) s" >&2; return 1; }
}

# lab_watch_upto TAG GEN: once the watch TAG printed a done of generation
# GEN, print what it recorded (it keeps running).
lab_watch_upto() {
	lab_watch_wait "$1" "\"event\":\"done\".*\"generation\":$2," 100 && cat "/tmp/watch.$1"
}

# lab_watch_stop TAG: stop the watch TAG (SIGTERM), check that it exited
# 0, print what it recorded.
lab_watch_stop() {
	kill "$(cat "/tmp/watch.$1.pid")"
	wait_for "[ -s /tmp/watch.$1.rc ]" 50 ||
		{ echo "dlmctl recover watch $1 did not stop on SIGTERM" >&2; return 1; }
	[ "$(cat "/tmp/watch.$1.rc")" = 0 ] ||
		{ echo "dlmctl recover watch $1 exited $(cat "/tmp/watch.$1.rc"): $(cat "/tmp/watch.$1.err")" >&2; return 1; }
	cat "/tmp/watch.$1"
}

# The kernel's generic netlink CLI (/usr/bin/ynl: tools/net/ynl/cli.py
# with the series' spec, mkinitramfs.sh --ynl), a client independent of
# libdlmrecover.  lab_ynl_get LS...: the sections tests/vm/ynl-compare.py
# get compares: ynl's dump, dlmctl recover -j and slots -j, and ynl's do
# of each LS.
lab_ynl_get() {
	echo '== ynl dump'
	ynl --dump get --output-json || return 1
	echo '== dlmctl recover'
	dlmctl recover -j || return 1
	echo '== dlmctl slots'
	dlmctl slots -j || return 1
	for _l in "$@"; do
		echo "== ynl do $_l"
		ynl --do get --json "{\"ls-name\":\"$_l\"}" --output-json || return 1
	done
}

# lab_ynl_subscribe SECONDS: ynl --subscribe events --sleep SECONDS in the
# background (it prints what it received when the sleep ends), output in
# /tmp/ynl.events; returns once it has joined the group: cli.py subscribes
# before it sleeps, so once its python sleeps in clock_nanosleep (x86-64
# syscall 230) it is subscribed.  Python starts in seconds under TCG.
lab_ynl_subscribe() {
	rm -f /tmp/ynl.events
	ynl --subscribe events --sleep "$1" --output-json >/tmp/ynl.events 2>&1 &
	echo $! >/tmp/ynl.events.pid
	wait_for '[ "$(cut -d" " -f1 /proc/$(cat /tmp/ynl.events.pid)/syscall 2>/dev/null)" = 230 ]' 600 ||
		{ echo "ynl --subscribe: not subscribed within 60 s: $(cat /tmp/ynl.events)" >&2; return 1; }
}

# lab_ynl_events TAG TENTHS: once the subscription of lab_ynl_subscribe
# ended (within TENTHS), the sections tests/vm/ynl-compare.py events
# compares: what ynl received and what the watch TAG recorded.
lab_ynl_events() {
	wait_for '! kill -0 "$(cat /tmp/ynl.events.pid)" 2>/dev/null' "$2" ||
		{ echo "ynl --subscribe still running after $(($2 / 10)) s" >&2; return 1; }
	echo '== ynl events'
	cat /tmp/ynl.events
	echo '== watch'
	cat "/tmp/watch.$1"
}

# lab_flood PREFIX N: N lockspaces PREFIX1..PREFIXN, each joined and left
# with dlm_tool, one after the other.
lab_flood() {
	_i=1
	while [ "$_i" -le "$2" ]; do
		dlm_tool join "$1$_i" >/dev/null && dlm_tool leave "$1$_i" >/dev/null ||
			{ echo "join/leave of $1$_i failed" >&2; return 1; }
		_i=$((_i + 1))
	done
}

# lab_joinfail PREFIX N SECONDS: N joins (dlm_tool) of lockspaces
# PREFIX1..PREFIXN, one after the other, each made to fail in the
# kernel's new_lockspace() after the lockspace is listed: this shell
# answers the join's uevent with -1 in sysfs event_done, usually before
# dlm_controld does (a join dlm_controld answered first succeeds and is
# left again).  Meanwhile nlprobe hammer dumps every lockspace and GETs
# PREFIX1..PREFIXN for SECONDS, so its lockspace references race the
# failed joins' error path.  Prints nlprobe's summary and "joinfail: F
# failed, J joined"; fails if a join hangs (30 s) or nlprobe got an
# answer other than a lockspace or ENOENT.  For a --keep cluster (the
# lockspaces dlm_controld was left joining are not cleaned up).
lab_joinfail() {
	_names='' _i=1
	while [ "$_i" -le "$2" ]; do _names="$_names $1$_i"; _i=$((_i + 1)); done
	# shellcheck disable=SC2086
	nlprobe hammer "$3" $_names >/tmp/joinfail.hammer 2>&1 &
	_hp=$! _f=0 _j=0 _i=1
	while [ "$_i" -le "$2" ]; do
		_ls=$1$_i
		dlm_tool join "$_ls" >"/tmp/joinfail.$_i" 2>&1 &
		_jp=$!
		while [ ! -e "/sys/kernel/dlm/$_ls/event_done" ] &&
			kill -0 "$_jp" 2>/dev/null; do :; done
		echo -1 >"/sys/kernel/dlm/$_ls/event_done" 2>/dev/null
		wait_for "! kill -0 $_jp 2>/dev/null" 300 ||
			{ echo "dlm_tool join $_ls hangs" >&2; return 1; }
		if wait "$_jp"; then
			_j=$((_j + 1))
			dlm_tool leave "$_ls" >/dev/null
		else
			_f=$((_f + 1))
		fi
		_i=$((_i + 1))
	done
	wait "$_hp"
	_hrc=$?
	cat /tmp/joinfail.hammer
	echo "joinfail: $_f failed, $_j joined"
	[ "$_hrc" = 0 ]
}

# lab_nlfuzz COUNT SEED: nlprobe fuzz (tests/vm/nlprobe.c) as root (seed
# SEED) and as nobody (SEED + 1) at the same time, COUNT messages each,
# while lockspaces fz<NODE>-1..fz<NODE>-4 (what the fuzzer GETs as churned
# names) are joined and left (dlm_tool), two at a time, until both are
# done.  Prints each fuzzer's summary line (prefixed root: / nobody:) and
# "churn: J joins, L leaves, E failed"; fails if a fuzzer failed, the
# churn did not go round or a churned lockspace is left.
lab_nlfuzz() {
	_p=fz$NODE-
	rm -f /tmp/nlfuzz.stop
	(
		_j=0 _l=0 _e=0
		until [ -e /tmp/nlfuzz.stop ]; do
			for _k in 1 2 3 4; do
				if dlm_tool join "$_p$_k" >/dev/null 2>&1; then
					_j=$((_j + 1))
				else
					_e=$((_e + 1))
				fi
				_o=$(( (_k + 1) % 4 + 1 ))
				if [ -d "/sys/kernel/dlm/$_p$_o" ]; then
					if dlm_tool leave "$_p$_o" >/dev/null 2>&1; then
						_l=$((_l + 1))
					else
						_e=$((_e + 1))
					fi
				fi
			done
		done
		for _k in 1 2 3 4; do
			[ -d "/sys/kernel/dlm/$_p$_k" ] || continue
			if dlm_tool leave "$_p$_k" >/dev/null 2>&1; then
				_l=$((_l + 1))
			else
				_e=$((_e + 1))
			fi
		done
		echo "churn: $_j joins, $_l leaves, $_e failed"
	) >/tmp/nlfuzz.churn 2>&1 &
	_cp=$!
	nlprobe fuzz "$1" "$2" --churn "$_p" dlmrex gfs0 >/tmp/nlfuzz.root 2>&1 &
	_rp=$!
	su -s /bin/sh -c "nlprobe fuzz '$1' '$(($2 + 1))' --churn '$_p' dlmrex gfs0" \
		nobody >/tmp/nlfuzz.nobody 2>&1 &
	_np=$!
	wait "$_rp"
	_rrc=$?
	wait "$_np"
	_nrc=$?
	touch /tmp/nlfuzz.stop
	wait "$_cp"
	sed 's/^/root: /' /tmp/nlfuzz.root
	sed 's/^/nobody: /' /tmp/nlfuzz.nobody
	cat /tmp/nlfuzz.churn
	_left=$(ls /sys/kernel/dlm | grep "^$_p" | paste -sd' ')
	[ -z "$_left" ] || echo "churned lockspaces left: $_left"
	[ "$_rrc" = 0 ] && [ "$_nrc" = 0 ] && [ -z "$_left" ] &&
		grep -q '^churn: [1-9][0-9]* joins, [1-9][0-9]* leaves, 0 failed$' /tmp/nlfuzz.churn
}

# Files written and synced before a failure, with their checksums.
lab_write_pre() {
	mkdir -p /mnt/pre || return 1
	for k in 1 2 3 4; do
		dd if=/dev/urandom of="/mnt/pre/n$NODE.$k" bs=4k count=16 2>/dev/null ||
			return 1
	done
	sync
	md5sum /mnt/pre/n"$NODE".*
}

# A background writer: appends one line every 20 ms, syncs every 25 lines.
lab_writer_start() {
	(
		i=0
		while :; do
			i=$((i + 1))
			echo "node$NODE line $i" >>"/mnt/w.$NODE"
			[ $((i % 25)) = 0 ] && sync
			usleep 20000
		done
	) </dev/null >/dev/null 2>&1 &
	echo $! >/tmp/writer.pid
	wait_for "[ -s /mnt/w.$NODE ]" 100
}

lab_writer_stop() {
	kill "$(cat /tmp/writer.pid)" 2>/dev/null
	rm -f /tmp/writer.pid
	wc -l <"/mnt/w.$NODE"
}

# Write and sync one file: returns once gfs2 lets this node write.
lab_probe() {
	echo "node$NODE $(cat /proc/uptime)" >>"/mnt/probe.$NODE" && sync &&
		echo "LAB: node$NODE wrote" >/dev/console
}

# Lines of a writer file that are not "nodeN line K" (torn writes).
lab_check_writer_file() {
	grep -cv "^node$1 line [0-9]*\$" "/mnt/w.$1"
}

# Drop every TCP packet (the DLM's transport) to and from this node; its
# corosync (knet, UDP) keeps running.  iproute2's tc, not busybox's.
lab_drop_tcp() {
	/usr/sbin/tc qdisc add dev eth0 root handle 1: prio &&
	/usr/sbin/tc filter add dev eth0 parent 1: protocol ip prio 1 \
		u32 match ip protocol 6 0xff action drop &&
	/usr/sbin/tc qdisc add dev eth0 ingress &&
	/usr/sbin/tc filter add dev eth0 parent ffff: protocol ip prio 1 \
		u32 match ip protocol 6 0xff action drop &&
	echo "LAB: node$NODE drops TCP" >/dev/console
}

# lab_durable_start: in the background, create /mnt/d$NODE/f1, f2, ...
# (4-32 KiB of random data each), each fsynced (dd conv=fsync: gfs2
# flushes its log), and only then announce it on the console as
# "LAB: nodeN durable fI MD5": what the host saw announced must survive
# this node's death.
lab_durable_start() {
	mkdir -p "/mnt/d$NODE" || return 1
	(
		i=0
		while :; do
			i=$((i + 1))
			_f=/mnt/d$NODE/f$i
			dd if=/dev/urandom of="$_f" bs=4k count=$((1 + i % 8)) \
				conv=fsync 2>/dev/null || exit 1
			echo "LAB: node$NODE durable f$i $(md5sum <"$_f" | cut -d' ' -f1)" >/dev/console
			usleep 20000
		done
	) </dev/null >/dev/null 2>&1 &
	echo $! >/tmp/durable.pid
}

# lab_durable_check NODE MD5FILE: every "fI MD5" line of MD5FILE is
# /mnt/dNODE/fI with that md5; prints "N intact" or the bad ones.
lab_durable_check() {
	_ok=0 _bad=0
	while read -r _f _m; do
		_g=$(md5sum <"/mnt/d$1/$_f" 2>/dev/null | cut -d' ' -f1)
		if [ "$_g" = "$_m" ]; then
			_ok=$((_ok + 1))
		else
			_bad=$((_bad + 1))
			echo "d$1/$_f: md5 ${_g:-unreadable}, expected $_m" >&2
		fi
	done <"$2"
	echo "$_ok intact, $_bad bad"
	[ "$_bad" = 0 ]
}

# lab_churn: what a survivor does after a failure, allocating and freeing
# blocks: 40 files created, 20 of them unlinked, a 2 MiB file written,
# everything fsynced, then every directory read.
lab_churn() {
	mkdir -p "/mnt/c$NODE" || return 1
	for _i in $(seq 1 40); do
		dd if=/dev/urandom of="/mnt/c$NODE/c$_i" bs=4k count=4 2>/dev/null || return 1
	done
	sync || return 1
	for _i in $(seq 1 2 40); do rm "/mnt/c$NODE/c$_i" || return 1; done
	dd if=/dev/urandom of="/mnt/c$NODE/big" bs=64k count=32 conv=fsync 2>/dev/null || return 1
	sync && ls -lR /mnt >/dev/null || return 1
	echo "LAB: node$NODE churned" >/dev/console
}

# Clustered RAID1 (md-cluster) on /dev/vdb + /dev/vdc, as /dev/md0.
# lab_md_create UUID [NODES]: create it (this node first; NODES bitmap
# slots, default 3); lab_md_assemble: join
# it; lab_md_stop: leave it.  mdadm reads the cluster name from corosync.
lab_md_create() {
	mkdir -p /run/mdadm
	mdadm --create /dev/md0 --run --assume-clean --bitmap=clustered \
		--nodes="${2:-3}" --metadata=1.2 --raid-devices=2 --level=mirror \
		--bitmap-chunk=1M --uuid="$1" /dev/vdb /dev/vdc 2>&1 || return 1
	echo "LAB: node$NODE md created" >/dev/console
}
lab_md_assemble() {
	mkdir -p /run/mdadm
	mdadm -A /dev/md0 /dev/vdb /dev/vdc 2>&1 || return 1
	echo "LAB: node$NODE md assembled" >/dev/console
}
lab_md_stop() {
	mdadm --stop /dev/md0 2>&1 && echo "LAB: node$NODE md stopped" >/dev/console
}
# md's lockspace: named after the array's UUID (%pU)
lab_md_ls() {
	ls /sys/kernel/dlm | grep -E '^[0-9a-f]{8}-[0-9a-f]{4}-' | head -n 1
}

# ---- the engine's miniature filesystem (examples/kernel/dlmr_journal.ko)
# on /dev/vdd, lockspace dlmrj: docs/tutorial-kernel-consumer.md
DJ=/sys/kernel/debug/dlmr_journal/dlmrj
# lab_journal_mount [PARAM=VALUE...]: insmod returns once mounted (or the
# mount failed); the console says which
lab_journal_mount() {
	insmod /lab/modules/dlmr_journal.ko nodeid="$NODE" cluster=lab "$@" ||
		{ echo "insmod dlmr_journal failed: $(dmesg | grep dlmr_journal | tail -n 1)" >&2; return 1; }
	echo "LAB: node$NODE journal mounted" >/dev/console
	cat "$DJ/status"
}
# lab_journal_mount_bg [PARAM=VALUE...]: the same in the background (a
# mount that waits for another node); the console says when it returns
lab_journal_mount_bg() {
	( insmod /lab/modules/dlmr_journal.ko nodeid="$NODE" cluster=lab "$@" &&
		echo "LAB: node$NODE journal mounted" >/dev/console ||
		echo "LAB: node$NODE journal mount failed" >/dev/console
	) </dev/null >/dev/null 2>&1 &
}
lab_journal_trace() { cat "$DJ/trace"; }
lab_journal_status() { cat "$DJ/status"; }
lab_journal_replays() { cat "$DJ/replays"; }
# unmount and leave dlmrj; the debugfs files stay until lab_journal_rmmod
lab_journal_unmount() {
	echo unmount >"$DJ/ctl" && echo "LAB: node$NODE journal unmounted" >/dev/console
}
lab_journal_rmmod() { rmmod dlmr_journal; }

# ---- dlmctl emulate: the library's userspace driver (the same engine on
# a libdlm lockspace LS, fed by the kernel's netlink events or, with
# --source cpg, by corosync CPG), journals in /mnt/LS on gfs2 (shared by
# every node); its files /tmp/LS.*
# lab_emu_start LS [OPTION...]: start it in the background; wait until
# mounted; print its mounted event
lab_emu_start() {
	_ls=$1
	shift
	mkdir -p "/mnt/$_ls" || return 1
	rm -f "/tmp/$_ls.jsonl" "/tmp/$_ls.err" "/tmp/$_ls.pid"
	(
		dlmctl emulate "$_ls" --journals 8 --dir "/mnt/$_ls" --write-ms 500 \
			--fix slot-from-table "$@" >"/tmp/$_ls.jsonl" 2>"/tmp/$_ls.err" &
		echo $! >"/tmp/$_ls.pid"
		wait $!
		echo "LAB: node$NODE emulate $_ls exited $?" >/dev/console
	) </dev/null >/dev/null 2>&1 &
	wait_for "grep -q '\"event\":\"mounted\"' /tmp/$_ls.jsonl 2>/dev/null" 1200 ||
		{ echo "emulate $_ls did not mount: $(cat "/tmp/$_ls.err")" >&2; return 1; }
	echo "LAB: node$NODE emulate $_ls mounted" >/dev/console
	grep -m1 '"event":"mounted"' "/tmp/$_ls.jsonl"
}
lab_emu_trace() { cat "/tmp/$1.jsonl"; }
# lab_emu_wait_slot LS NODEID TENTHS: until it has read a slot event for NODEID
lab_emu_wait_slot() {
	wait_for "grep -q '\"event\":\"slot\",.*\"nodeid\":$2,' /tmp/$1.jsonl" "$3" ||
		{ echo "emulate $1 got no slot for node $2: $(tail -n 3 "/tmp/$1.jsonl")" >&2; return 1; }
}
# lab_emu_wait_unblocked LS TENTHS: its last block/unblock is an unblock
# (or none), and it still runs
lab_emu_wait_unblocked() {
	wait_for "[ \"\$(grep -oE '\"event\":\"(block|unblock)\"' /tmp/$1.jsonl | tail -n 1)\" != '\"event\":\"block\"' ]" "$2" ||
		{ echo "emulate $1 still blocked: $(tail -n 3 "/tmp/$1.jsonl")" >&2; return 1; }
	kill -0 "$(cat "/tmp/$1.pid")" || { echo "emulate $1 is gone: $(cat "/tmp/$1.err")" >&2; return 1; }
}
# lab_emu_stop LS: SIGTERM; it unmounts, releases LS and exits 0
lab_emu_stop() {
	kill -TERM "$(cat "/tmp/$1.pid")" &&
		wait_for "! kill -0 \$(cat /tmp/$1.pid) 2>/dev/null" 300 &&
		cat "/tmp/$1.err" && grep -q '"event":"leave"' "/tmp/$1.jsonl" &&
		! grep -q "dlmctl emulate: $1:" "/tmp/$1.err"
}
# This node's clock against the host's (tests/vm/labclock.c):
# "LOCAL_NS OFFSET_NS RTT_NS"
lab_clock() { labclock probe 10.77.0.254 7377 32; }
# lab_journal_wait_unblocked TENTHS: until the engine is mounted and
# not blocked
lab_journal_wait_unblocked() {
	wait_for 'grep -q "\"mounted\":true,.*\"blocked\":false" "$DJ/status"' "$1" ||
		{ echo "engine still blocked or not mounted: $(cat "$DJ/status")" >&2; return 1; }
}
# lab_journal_wait_event EVENT TENTHS: until the engine's trace has one
lab_journal_wait_event() {
	wait_for "grep -q '\"event\":\"$1\"' $DJ/trace 2>/dev/null" "$2" ||
		{ echo "no $1 event in $DJ/trace" >&2; return 1; }
}
# lab_md_writer_start: write random 4 KiB blocks of /dev/md0 every 50 ms
# (O_DIRECT), so this node's bitmap has dirty bits when it dies
lab_md_writer_start() {
	(
		while :; do
			dd if=/dev/urandom of=/dev/md0 bs=4k count=1 seek=$((RANDOM % 8192)) \
				oflag=direct conv=notrunc 2>/dev/null
			usleep 50000
		done
	) </dev/null >/dev/null 2>&1 &
}

# lab_dump_churn N SECONDS: N lockspaces dq1..dqN joined on this node
# (dlm_tool, ten at a time), then for SECONDS nlprobe dumps reads dumps
# of every lockspace slowly while lockspace dqc joins and leaves over
# and over: no dump may list a lockspace twice or miss one of dq1..dqN,
# and some must be marked NLM_F_DUMP_INTR (tests/vm/nlprobe.c).  Prints
# nlprobe's summary and "churn: C joins and leaves of dqc"; dq1..dqN are
# left after.  Fails if nlprobe does or a join fails.
lab_dump_churn() {
	_names='' _i=1
	while [ "$_i" -le "$1" ]; do
		dlm_tool join "dq$_i" >/dev/null &
		_names="$_names dq$_i"
		[ $((_i % 10)) = 0 ] && wait
		_i=$((_i + 1))
	done
	wait
	for _n in $_names; do
		[ -d "/sys/kernel/dlm/$_n" ] ||
			{ echo "dlm_tool join $_n failed" >&2; return 1; }
	done
	(
		_end=$(($(date +%s) + $2)) _c=0
		while [ "$(date +%s)" -lt "$_end" ]; do
			dlm_tool join dqc >/dev/null && dlm_tool leave dqc >/dev/null ||
				{ echo "churn: join/leave of dqc failed"; exit 1; }
			_c=$((_c + 1))
		done
		echo "churn: $_c joins and leaves of dqc"
	) >/tmp/churn.out 2>&1 &
	_cp=$!
	# shellcheck disable=SC2086
	nlprobe dumps "$2" $_names
	_rc=$?
	wait "$_cp" || _rc=1
	cat /tmp/churn.out
	for _n in $_names; do dlm_tool leave "$_n" >/dev/null & done
	wait
	return "$_rc"
}
