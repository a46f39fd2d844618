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
