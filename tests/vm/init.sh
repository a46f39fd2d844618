#!/bin/sh
# /init of the VM lab's initramfs (busybox sh, PID 1).
#
# Kernel command line (set by tests/vm/lab.sh):
#   labnode=ID     this node's corosync nodeid (address 10.77.0.ID)
#   labnodes=N     cluster size (nodes 1..N)
#   labtoken=MS    corosync token timeout
#   labvotes=a,b.. quorum votes of nodes 1..N (default 1 each)
#
# Serial ports: ttyS0 console (kernel log + "LAB:" markers), ttyS1 the
# lab agent (commands from the host, one per line: "ID COMMAND"; replies
# "@@BEGIN ID", output, "@@END ID RC"), ttyS2 an interactive shell.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /dev/misc
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
# dlm_controld opens /dev/misc/dlm-control
mount -t devtmpfs misc /dev/misc
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug

mark() { echo "LAB: node$NODE $*" >/dev/console; }

for kv in $(cat /proc/cmdline); do
	case $kv in
	labnode=*) NODE=${kv#*=} ;;
	labnodes=*) NODES=${kv#*=} ;;
	labtoken=*) TOKEN=${kv#*=} ;;
	labvotes=*) VOTES=${kv#*=} ;;
	esac
done
: "${NODE:=1}" "${NODES:=3}" "${TOKEN:=1000}" "${VOTES:=}"
export NODE
hostname "node$NODE"
mark "init started"

# every kernel message on the console from here on (the boot is quiet);
# what the boot itself warned about is replayed there, for the lab's
# kernel-log scan (tests/vm/klog-scan.sh)
echo 7 >/proc/sys/kernel/printk
dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|panic|blocked for more than|stall' |
	sed 's/^/LAB: boot kernel log: /' >/dev/console
while read -r m; do
	insmod "/lab/modules/$m.ko" || mark "insmod $m failed"
done </lab/modules/load.order
mount -t configfs configfs /sys/kernel/config
mark "modules loaded"

ip link set lo up
ip link set eth0 up
ip addr add "10.77.0.$NODE/24" dev eth0

# corosync: knet, no crypto, one node{} per member.
{
	cat <<EOF
totem {
	version: 2
	cluster_name: lab
	transport: knet
	token: $TOKEN
	crypto_cipher: none
	crypto_hash: none
}
logging {
	to_stderr: yes
	to_syslog: no
	to_logfile: no
	timestamp: off
}
quorum {
	provider: corosync_votequorum
}
nodelist {
EOF
	i=1
	while [ "$i" -le "$NODES" ]; do
		v=1
		[ -n "$VOTES" ] && v=$(echo "$VOTES" | cut -d, -f"$i")
		cat <<EOF
	node {
		nodeid: $i
		name: node$i
		ring0_addr: 10.77.0.$i
		quorum_votes: ${v:-1}
	}
EOF
		i=$((i + 1))
	done
	echo "}"
} >/etc/corosync/corosync.conf

cat >/etc/dlm/dlm.conf <<EOF
enable_fencing=0
enable_startup_fencing=0
protocol=tcp
post_join_delay=0
EOF

corosync -f >/dev/console 2>&1 &
mark "corosync started"

# Wait for quorum, then dlm_controld, then the kernel's comms config
# (a lockspace created before that fails with -ENOTCONN).
n=0
until corosync-quorumtool -s 2>/dev/null | grep -q '^Quorate: *Yes'; do
	n=$((n + 1))
	[ $n -gt 600 ] && { mark "FATAL no quorum"; break; }
	sleep 0.2
done
mark "quorate"
dlm_controld --foreground 1 >/dev/console 2>&1 &
n=0
until [ "$(cat /sys/kernel/config/dlm/cluster/comms/"$NODE"/local 2>/dev/null)" = 1 ] &&
	[ -s /sys/kernel/config/dlm/cluster/comms/"$NODE"/addr_list ]; do
	n=$((n + 1))
	[ $n -gt 600 ] && { mark "FATAL dlm_controld not ready"; break; }
	sleep 0.1
done
mark "dlm ready"

# An interactive shell on ttyS2 (lab.sh --keep prints how to reach it).
(
	while :; do
		setsid sh -c 'exec sh -i </dev/ttyS2 >/dev/ttyS2 2>&1'
		sleep 1
	done
) &

. /lab/lib.sh

# The agent: run each command from the host, reply with its output.
stty -F /dev/ttyS1 raw -echo
exec 4</dev/ttyS1 5>/dev/ttyS1
echo "@@READY $NODE" >&5
while :; do
	IFS= read -r line <&4 || { sleep 1; continue; }
	id=${line%% *}
	cmd=${line#* }
	(eval "$cmd") >/tmp/agent.out 2>&1 </dev/null
	rc=$?
	{
		echo "@@BEGIN $id"
		cat /tmp/agent.out
		echo "@@END $id $rc"
	} >&5
done
