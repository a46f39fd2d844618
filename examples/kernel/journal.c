// SPDX-License-Identifier: GPL-2.0
/*
 * dlmr_journal - a miniature cluster filesystem run by the dlmrecover
 * engine (lib/engine/coord.c: gfs2's first-mounter and journal-recovery
 * protocol, compiled into this module unchanged).
 *
 * The module joins a lockspace with a struct dlm_lockspace_ops and lets
 * the engine decide everything gfs2's lock_dlm.c decides: who is the first
 * mounter (the "mounted" lock), its own journal's lock, the "control" lock
 * and its value block (a generation and a bitmap of journals to recover),
 * which journals to recover and when, blocking and unblocking.  The module
 * only carries out what the engine asks for, with real dlm_lock() and
 * dlm_unlock() calls, and feeds it the DLM's real callbacks.
 *
 * Each node owns journal jid = slot - 1: a region of a shared disk
 * (dev=, default /dev/vdd) of jsize sectors.  Sector 0 is the journal's
 * header (clean or dirty, a generation), then one 512-byte record a
 * sector, checksummed and numbered 1, 2, 3...  While mounted and not
 * blocked the node appends a record every write_ms and syncs it; only
 * then it is durable, and the console says so ("durable jid J gen G seq
 * S").  Recovering a journal reads back and verifies every record of its
 * generation and marks it clean.
 *
 * Everything the protocol does is reported in the dlmrecover trace schema
 * (docs/trace-format.md), as JSON Lines, from
 *
 *	/sys/kernel/debug/dlmr_journal/<lockspace>/trace	the events
 *	/sys/kernel/debug/dlmr_journal/<lockspace>/status	one JSON object
 *	/sys/kernel/debug/dlmr_journal/<lockspace>/replays	one line a replay
 *	/sys/kernel/debug/dlmr_journal/<lockspace>/ctl		write "unmount"
 *
 * insmod returns once mounted (or fails with the mount's error).  Writing
 * "unmount" to ctl unmounts and leaves the lockspace cleanly but keeps the
 * files readable until rmmod.  See docs/tutorial-kernel-consumer.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dlm.h>
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "coord.h"
#include "jformat.h"	/* the journals' records and checks */

static char *lockspace = "dlmrj";
module_param(lockspace, charp, 0444);
MODULE_PARM_DESC(lockspace, "lockspace to join (default dlmrj)");

static char *cluster = "";
module_param(cluster, charp, 0444);
MODULE_PARM_DESC(cluster, "cluster name the DLM must run (empty: any)");

static int nodeid;
module_param(nodeid, int, 0444);
MODULE_PARM_DESC(nodeid, "this node's nodeid, reported in every event");

static unsigned int journals = 8;
module_param(journals, uint, 0444);
MODULE_PARM_DESC(journals, "journals on the disk (most slots), 1..16");

static char *dev = "/dev/vdd";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "the shared disk holding the journals");

static unsigned int jsize = 2048;
module_param(jsize, uint, 0444);
MODULE_PARM_DESC(jsize, "sectors per journal, header included (>= 2)");

static unsigned int write_ms = 50;
module_param(write_ms, uint, 0444);
MODULE_PARM_DESC(write_ms, "ms between two appended records (0: no writer)");

static unsigned int replay_delay_ms;
module_param(replay_delay_ms, uint, 0444);
MODULE_PARM_DESC(replay_delay_ms,
		 "lab only: sleep before each journal replay (0: gfs2's timing)");

static char *mutant = "";
module_param(mutant, charp, 0444);
MODULE_PARM_DESC(mutant, "a planted protocol bug of the engine (lab only)");

static char *fixes = "slot-from-table";
module_param(fixes, charp, 0444);
MODULE_PARM_DESC(fixes, "engine fixes, comma separated (\"\": gfs2's protocol)");

static unsigned int mount_timeout = 300;
module_param(mount_timeout, uint, 0444);
MODULE_PARM_DESC(mount_timeout, "seconds insmod waits for the mount");

#define DJ_SECTOR	JF_SECTOR
#define DJ_MAX_JOURNALS	16
#define DJ_MAX_SLOTS	16
#define DJ_RING		8192
#define DJ_OPQ		64

enum dj_ev {
	EV_JOIN, EV_LEAVE, EV_PREP, EV_SLOT, EV_DONE, EV_LOCK, EV_GRANT,
	EV_AGAIN, EV_UNLOCK, EV_RECOVER, EV_RECOVERED, EV_BLOCK, EV_UNBLOCK,
	EV_MOUNTED, EV_FIRST_DONE, EV_UNMOUNTED,
};

static const char * const ev_names[] = {
	"join", "leave", "prep", "slot", "done", "lock", "grant", "again",
	"unlock", "recover", "recovered", "block", "unblock", "mounted",
	"first_done", "unmounted",
};

struct dj_event {
	enum dj_ev type;
	u64 time_ns;		/* ktime_get_real_ns() */
	u64 seq;
	int nodeid, slot;	/* slot */
	u32 generation;		/* done */
	int our_slot, num_slots;
	struct dlm_slot slots[DJ_MAX_SLOTS];
	int lock, jid, mode;	/* lock events, recover(ed), mounted */
	unsigned int flags;
	int status;
	bool first;
	char detail[48];
};

/* One of the engine's locks: control, mounted, or a journal's. */
struct dj_lock {
	struct dj *dj;
	int id;			/* enum dlmr_lock_id */
	int jid;
	int mode;		/* mode asked for by the last operation */
	unsigned int flags;
	/* requests dlm_lock() took whose AST has not run (under dj->lock):
	 * two at most, on the control lock, whose lksb the engine's mount
	 * thread and control work share as gfs2's do (dlmrecover.h, "The
	 * order of inputs", 4) */
	unsigned int inflight;
	char name[16];
	struct dlm_lksb lksb;
	char lvb[DLMR_LVB_SIZE];
	struct completion unlocked;
};

struct dj_replay {
	struct dj *dj;
	int jid;
	struct work_struct work;
};

/* The engine's timers: mount, work, then one recovery timer per journal
 * (DLMR_TIMER_RECOVERY with its jid, the journal's recovery work item,
 * as gfs2 runs gfs2_recover_func() per journal on gfs_recovery_wq) */
#define DJ_TIMERS (2 + DJ_MAX_JOURNALS)

struct dj_timer {
	struct dj *dj;
	int id;
	int jid;	/* DLMR_TIMER_RECOVERY: the journal; else -1 */
	struct delayed_work work;
};

struct dj {
	spinlock_t lock;	/* the engine, the ring, the flags below */
	struct dlmr_coord *coord;
	dlm_lockspace_t *ls;
	struct file *disk;
	/* the event ring */
	struct dj_event *ring;
	u64 next_seq;
	/* lock operations the engine asked for, run by lock_work in order */
	struct dlmr_action opq[DJ_OPQ];
	unsigned int opq_head, opq_len;
	struct workqueue_struct *lock_wq, *work_wq;
	struct work_struct lock_work;
	struct dj_lock control, mounted, journal[DJ_MAX_JOURNALS];
	struct dj_replay replay[DJ_MAX_JOURNALS];
	struct dj_timer timer[DJ_TIMERS];
	struct delayed_work writer;
	/* state */
	bool mounted_done, blocked, unmounting, left;
	int jid;
	bool first;
	int mount_error;
	unsigned int feed_errors, io_errors, replays;
	u64 gen, durable_seq, appends;
	bool hdr_dirty;
	struct completion joined, mount_done, unmounted;
	struct dentry *dbg;
	char replay_log[DJ_MAX_JOURNALS * 4][160];
	unsigned int replay_n;
};

static struct dj *the_dj;

/* ---- events ----------------------------------------------------------- */

/* Claim the next ring entry; called with dj->lock held. */
static struct dj_event *ev_new(struct dj *dj, enum dj_ev type)
{
	struct dj_event *e = &dj->ring[(dj->next_seq - 1) % DJ_RING];

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->seq = dj->next_seq++;
	e->time_ns = ktime_get_real_ns();
	e->jid = -1;
	e->mode = DLMR_MODE_IV;
	return e;
}

static void ev_lock(struct dj *dj, enum dj_ev type, const struct dj_lock *l,
		    int mode, unsigned int flags, int status)
{
	struct dj_event *e = ev_new(dj, type);

	e->lock = l->id;
	e->jid = l->id == DLMR_LOCK_JOURNAL ? l->jid : -1;
	e->mode = mode;
	e->flags = flags;
	e->status = status;
}

static const char *mode_name(int mode)
{
	static const char * const names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };

	return mode >= 0 && mode < ARRAY_SIZE(names) ? names[mode] : NULL;
}

/* One JSON object, fields in the order docs/trace-format.md gives. */
static void ev_show(struct seq_file *m, const struct dj_event *e)
{
	static const char * const res[] = { "control", "mounted", "journal" };
	static const struct {
		unsigned int bit;
		const char *name;
	} flag_names[] = {	/* the trace's order */
		{ DLMR_LKF_NOQUEUE, "NOQUEUE" },
		{ DLMR_LKF_CONVERT, "CONVERT" },
		{ DLMR_LKF_VALBLK, "VALBLK" },
	};
	const char *sep;
	int i;

	seq_printf(m, "{\"time_ns\":%llu,\"seq\":%llu,\"event\":\"%s\",\"node\":%d,\"ls\":\"%s\"",
		   e->time_ns, e->seq, ev_names[e->type], nodeid, lockspace);
	switch (e->type) {
	case EV_SLOT:
		seq_printf(m, ",\"nodeid\":%d,\"slot\":%d", e->nodeid, e->slot);
		break;
	case EV_DONE:
		seq_printf(m, ",\"generation\":%u,\"our_slot\":%d,\"slots\":[",
			   e->generation, e->our_slot);
		for (i = 0; i < e->num_slots; i++)
			seq_printf(m, "%s{\"nodeid\":%d,\"slot\":%d}",
				   i ? "," : "", e->slots[i].nodeid,
				   e->slots[i].slot);
		seq_puts(m, "]");
		break;
	case EV_LOCK:
	case EV_GRANT:
	case EV_AGAIN:
	case EV_UNLOCK:
		seq_printf(m, ",\"resource\":\"%s\"", res[e->lock]);
		if (e->lock == DLMR_LOCK_JOURNAL)
			seq_printf(m, ",\"jid\":%d", e->jid);
		if (mode_name(e->mode))
			seq_printf(m, ",\"mode\":\"%s\"", mode_name(e->mode));
		seq_puts(m, ",\"flags\":[");
		for (i = 0, sep = ""; i < ARRAY_SIZE(flag_names); i++) {
			if (!(e->flags & flag_names[i].bit))
				continue;
			seq_printf(m, "%s\"%s\"", sep, flag_names[i].name);
			sep = ",";
		}
		seq_puts(m, "]");
		if (e->type == EV_AGAIN)
			seq_printf(m, ",\"status\":%d", e->status);
		break;
	case EV_RECOVER:
		seq_printf(m, ",\"jid\":%d", e->jid);
		break;
	case EV_RECOVERED:
		seq_printf(m, ",\"jid\":%d,\"status\":%d", e->jid, e->status);
		break;
	case EV_MOUNTED:
		seq_printf(m, ",\"jid\":%d,\"first\":%s", e->jid,
			   e->first ? "true" : "false");
		break;
	case EV_UNMOUNTED:
		if (e->status)
			seq_printf(m, ",\"status\":%d", e->status);
		break;
	default:
		break;
	}
	if (e->detail[0])
		seq_printf(m, ",\"detail\":\"%s\"", e->detail);
	seq_puts(m, "}\n");
}

/* ---- the engine ------------------------------------------------------- */

static void dj_drain(struct dj *dj);

/* Feed one input and carry out what follows; called with dj->lock held. */
static void dj_feed(struct dj *dj, const struct dlmr_input *in)
{
	int error = dlmr_coord_feed(dj->coord, in);

	if (error) {
		/* the engine refused an input: a bug here or in the engine */
		dj->feed_errors++;
		pr_err("%s: engine refused input %d: %d\n", lockspace,
		       in->type, error);
	}
	dj_drain(dj);
}

static void dj_action(struct dj *dj, const struct dlmr_action *a)
{
	struct dj_event *e;

	switch (a->type) {
	case DLMR_ACT_LOCK:
	case DLMR_ACT_UNLOCK:
		if (dj->opq_len == DJ_OPQ) {
			dj->feed_errors++;
			pr_err("%s: lock operation queue full\n", lockspace);
			return;
		}
		dj->opq[(dj->opq_head + dj->opq_len++) % DJ_OPQ] = *a;
		queue_work(dj->lock_wq, &dj->lock_work);
		break;
	case DLMR_ACT_RECOVER:
		e = ev_new(dj, EV_RECOVER);
		e->jid = a->jid;
		queue_work(dj->work_wq, &dj->replay[a->jid].work);
		break;
	case DLMR_ACT_BLOCK:
	case DLMR_ACT_UNBLOCK:
		dj->blocked = a->type == DLMR_ACT_BLOCK;
		ev_new(dj, dj->blocked ? EV_BLOCK : EV_UNBLOCK);
		break;
	case DLMR_ACT_MOUNTED:
		e = ev_new(dj, EV_MOUNTED);
		e->jid = a->jid;
		e->first = a->first;
		dj->jid = a->jid;
		dj->first = a->first;
		dj->mounted_done = true;
		if (write_ms && a->jid >= 0)
			queue_delayed_work(dj->work_wq, &dj->writer, 0);
		complete(&dj->mount_done);
		pr_info("%s: mounted jid %d first %d\n", lockspace, a->jid,
			a->first);
		break;
	case DLMR_ACT_FIRST_DONE:
		ev_new(dj, EV_FIRST_DONE);
		pr_info("%s: first_done\n", lockspace);
		break;
	case DLMR_ACT_TIMER: {
		int t = a->timer == DLMR_TIMER_RECOVERY ? 2 + a->jid : a->timer;

		if (t < 0 || t >= DJ_TIMERS) {
			pr_err("%s: timer %d jid %d out of range\n", lockspace,
			       a->timer, a->jid);
			break;
		}
		queue_delayed_work(dj->work_wq, &dj->timer[t].work,
				   msecs_to_jiffies(a->timer_ms));
		break;
	}
	case DLMR_ACT_UNMOUNTED:
		ev_new(dj, EV_UNMOUNTED);
		complete(&dj->unmounted);
		break;
	case DLMR_ACT_FAILED:
		e = ev_new(dj, EV_UNMOUNTED);
		e->status = a->error;
		snprintf(e->detail, sizeof(e->detail), "mount failed");
		dj->mount_error = a->error;
		complete(&dj->mount_done);
		complete(&dj->unmounted);
		break;
	}
}

static void dj_drain(struct dj *dj)
{
	struct dlmr_action a;

	while (dlmr_coord_next(dj->coord, &a) == 1)
		dj_action(dj, &a);
}

static void dj_feed_locked(struct dj *dj, const struct dlmr_input *in)
{
	unsigned long irqf;

	spin_lock_irqsave(&dj->lock, irqf);
	dj_feed(dj, in);
	spin_unlock_irqrestore(&dj->lock, irqf);
}

/* ---- the DLM's callbacks ---------------------------------------------- */

/*
 * The DLM calls these from dlm_recoverd (or dlm_controld's write that
 * stops the lockspace); they feed the engine under a spinlock and never
 * call dlm_lock(), which would wait for the recovery they are part of.
 */
static void dj_recover_prep(void *arg)
{
	struct dj *dj = arg;
	struct dlmr_input in = { .type = DLMR_IN_PREP };
	unsigned long irqf;

	spin_lock_irqsave(&dj->lock, irqf);
	ev_new(dj, EV_PREP);
	dj_feed(dj, &in);
	spin_unlock_irqrestore(&dj->lock, irqf);
}

static void dj_recover_slot(void *arg, struct dlm_slot *slot)
{
	struct dj *dj = arg;
	struct dlmr_input in = { .type = DLMR_IN_SLOT, .nodeid = slot->nodeid,
				 .slot = slot->slot };
	struct dj_event *e;
	unsigned long irqf;

	spin_lock_irqsave(&dj->lock, irqf);
	e = ev_new(dj, EV_SLOT);
	e->nodeid = slot->nodeid;
	e->slot = slot->slot;
	dj_feed(dj, &in);
	spin_unlock_irqrestore(&dj->lock, irqf);
	pr_info("%s: recover_slot nodeid %d slot %d\n", lockspace,
		slot->nodeid, slot->slot);
}

static void dj_recover_done(void *arg, struct dlm_slot *slots, int num_slots,
			    int our_slot, u32 generation)
{
	struct dj *dj = arg;
	struct dlmr_slot table[DJ_MAX_SLOTS];
	struct dlmr_input in = { .type = DLMR_IN_DONE, .slots = table,
				 .our_slot = our_slot,
				 .generation = generation };
	struct dj_event *e;
	unsigned long irqf;
	int i, n = min(num_slots, DJ_MAX_SLOTS);

	for (i = 0; i < n; i++) {
		table[i].nodeid = slots[i].nodeid;
		table[i].slot = slots[i].slot;
	}
	in.num_slots = n;
	spin_lock_irqsave(&dj->lock, irqf);
	e = ev_new(dj, EV_DONE);
	e->generation = generation;
	e->our_slot = our_slot;
	e->num_slots = n;
	memcpy(e->slots, slots, n * sizeof(*slots));
	dj_feed(dj, &in);
	spin_unlock_irqrestore(&dj->lock, irqf);
	complete_all(&dj->joined);
	pr_info("%s: recover_done generation %u our_slot %d num_slots %d\n",
		lockspace, generation, our_slot, num_slots);
}

static const struct dlm_lockspace_ops dj_ops = {
	.recover_prep = dj_recover_prep,
	.recover_slot = dj_recover_slot,
	.recover_done = dj_recover_done,
};

/* ---- locks ------------------------------------------------------------ */

static struct dj_lock *dj_lock_of(struct dj *dj, int id, int jid)
{
	if (id == DLMR_LOCK_CONTROL)
		return &dj->control;
	if (id == DLMR_LOCK_MOUNTED)
		return &dj->mounted;
	return &dj->journal[jid];
}

/* Completion AST of every request, conversion and unlock. */
static void dj_ast(void *arg)
{
	struct dj_lock *l = arg;
	struct dj *dj = l->dj;
	int status = l->lksb.sb_status;
	struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE, .lock = l->id,
				 .jid = l->id == DLMR_LOCK_JOURNAL ? l->jid : -1,
				 .status = status };
	unsigned long irqf;

	if (status == -DLM_EUNLOCK || status == -DLM_ECANCEL) {
		complete(&l->unlocked);
		return;
	}
	if (l->flags & DLMR_LKF_VALBLK) {
		in.lvb = (const uint8_t *)l->lvb;
		in.lvb_invalid = l->lksb.sb_flags & DLM_SBF_VALNOTVALID;
	}
	spin_lock_irqsave(&dj->lock, irqf);
	l->inflight--;
	ev_lock(dj, status ? EV_AGAIN : EV_GRANT, l, l->mode, 0, status);
	dj_feed(dj, &in);
	spin_unlock_irqrestore(&dj->lock, irqf);
}

static u32 dlm_flags(unsigned int f)
{
	return (f & DLMR_LKF_NOQUEUE ? DLM_LKF_NOQUEUE : 0) |
	       (f & DLMR_LKF_CONVERT ? DLM_LKF_CONVERT : 0) |
	       (f & DLMR_LKF_VALBLK ? DLM_LKF_VALBLK : 0);
}

/* Run one lock operation; dlm_lock() may wait for a recovery to end. */
static void dj_run_op(struct dj *dj, const struct dlmr_action *a)
{
	struct dj_lock *l = dj_lock_of(dj, a->lock, a->jid);
	unsigned long irqf;
	int error;

	if (a->type == DLMR_ACT_UNLOCK) {
		spin_lock_irqsave(&dj->lock, irqf);
		ev_lock(dj, EV_UNLOCK, l, DLMR_MODE_IV, 0, 0);
		spin_unlock_irqrestore(&dj->lock, irqf);
		reinit_completion(&l->unlocked);
		error = dlm_unlock(dj->ls, l->lksb.sb_lkid, 0, &l->lksb, l);
		if (!error)
			wait_for_completion(&l->unlocked);
		else
			pr_err("%s: dlm_unlock %s: %d\n", lockspace, l->name,
			       error);
		return;
	}
	l->mode = a->mode;
	l->flags = a->flags;
	if (a->write_lvb)
		memcpy(l->lvb, a->lvb, DLMR_LVB_SIZE);
	l->lksb.sb_lvbptr = l->id == DLMR_LOCK_CONTROL ? l->lvb : NULL;
	spin_lock_irqsave(&dj->lock, irqf);
	ev_lock(dj, EV_LOCK, l, a->mode, a->flags, 0);
	/* counted before the call: its AST may run before dlm_lock()
	 * returns */
	l->inflight++;
	spin_unlock_irqrestore(&dj->lock, irqf);
	/* not waiting for a request in flight on this lksb: the DLM decides
	 * whether this one is busy (-EBUSY while that one is on the convert
	 * queue or awaits its master's reply) */
	error = dlm_lock(dj->ls, a->mode, &l->lksb, dlm_flags(a->flags),
			 l->name, strlen(l->name), 0, dj_ast, l, NULL);
	if (error) {
		/* refused at once (e.g. -EBUSY): no AST will follow */
		struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE,
					 .lock = l->id, .jid = a->jid,
					 .status = error };

		spin_lock_irqsave(&dj->lock, irqf);
		l->inflight--;
		/* with another request still in flight the engine matches
		 * -EBUSY to the newer and any other status to the older:
		 * this refusal is the newer's */
		if (l->inflight)
			in.status = -EBUSY;
		ev_lock(dj, EV_AGAIN, l, a->mode, a->flags, error);
		dj_feed(dj, &in);
		spin_unlock_irqrestore(&dj->lock, irqf);
	}
}

static void dj_lock_work(struct work_struct *w)
{
	struct dj *dj = container_of(w, struct dj, lock_work);
	struct dlmr_action a;
	unsigned long irqf;

	for (;;) {
		spin_lock_irqsave(&dj->lock, irqf);
		if (!dj->opq_len) {
			spin_unlock_irqrestore(&dj->lock, irqf);
			return;
		}
		a = dj->opq[dj->opq_head];
		dj->opq_head = (dj->opq_head + 1) % DJ_OPQ;
		dj->opq_len--;
		spin_unlock_irqrestore(&dj->lock, irqf);
		dj_run_op(dj, &a);
	}
}

static void dj_timer_work(struct work_struct *w)
{
	struct dj_timer *t = container_of(to_delayed_work(w), struct dj_timer,
					  work);
	struct dlmr_input in = { .type = DLMR_IN_TIMER, .timer = t->id,
				 .jid = t->jid };

	dj_feed_locked(t->dj, &in);
}

/* ---- the disk ---------------------------------------------------------- */

static loff_t jpos(int jid, u64 sector)
{
	return ((loff_t)jid * jsize + sector) * DJ_SECTOR;
}

static int dj_io(struct dj *dj, bool write, void *buf, loff_t pos)
{
	loff_t p = pos;
	ssize_t n;

	if (write) {
		n = kernel_write(dj->disk, buf, DJ_SECTOR, &p);
		if (n == DJ_SECTOR)
			n = vfs_fsync_range(dj->disk, pos, pos + DJ_SECTOR - 1,
					    1) ?: DJ_SECTOR;
	} else {
		n = kernel_read(dj->disk, buf, DJ_SECTOR, &p);
	}
	if (n == DJ_SECTOR)
		return 0;
	dj->io_errors++;
	pr_err("%s: %s at %lld: %zd\n", lockspace, write ? "write" : "read",
	       pos, n);
	return n < 0 ? n : -EIO;
}

static int hdr_read(struct dj *dj, int jid, struct jf_hdr *h)
{
	u8 *buf = kzalloc(DJ_SECTOR, GFP_KERNEL);
	int error;

	if (!buf)
		return -ENOMEM;
	error = dj_io(dj, false, buf, jpos(jid, 0));
	memcpy(h, buf, sizeof(*h));
	kfree(buf);
	if (error)
		return error;
	jf_hdr_check(h);	/* never written: clean, gen 0 */
	return 0;
}

static int hdr_write(struct dj *dj, int jid, bool dirty, u64 gen)
{
	u8 *buf = kzalloc(DJ_SECTOR, GFP_KERNEL);
	struct jf_hdr *h = (struct jf_hdr *)buf;
	int error;

	if (!buf)
		return -ENOMEM;
	jf_hdr_fill(h, jid, dirty, nodeid, gen);
	error = dj_io(dj, true, buf, jpos(jid, 0));
	kfree(buf);
	return error;
}

/* Drop our cached copy of a journal: another node may have written it. */
static void dj_forget(struct dj *dj, int jid)
{
	vfs_fadvise(dj->disk, jpos(jid, 0), (loff_t)jsize * DJ_SECTOR,
		    POSIX_FADV_DONTNEED);
}

/*
 * Replay journal jid: verify every record of its generation, in order,
 * until the first sector that is not the next record (the end), then mark
 * the journal clean.  Records of another journal, node or generation
 * after the end would mean someone wrote to a journal needing recovery.
 */
static void dj_replay_work(struct work_struct *w)
{
	struct dj_replay *r = container_of(w, struct dj_replay, work);
	struct dj *dj = r->dj;
	struct dlmr_input in = { .type = DLMR_IN_JOURNAL_DONE, .jid = r->jid,
				 .result = DLMR_JOURNAL_SUCCESS };
	struct jf_rec *rec = kzalloc(DJ_SECTOR, GFP_KERNEL);
	u64 s, found = 0, bad = 0;
	struct dj_event *e;
	struct jf_hdr h = {};
	unsigned long irqf;
	bool dirty = false;
	int error;

	if (replay_delay_ms)
		msleep(replay_delay_ms);
	error = rec ? 0 : -ENOMEM;
	if (!error) {
		dj_forget(dj, r->jid);
		error = hdr_read(dj, r->jid, &h);
	}
	dirty = !error && le32_to_cpu(h.dirty);
	for (s = 1; dirty && s < jsize; s++) {
		enum jf_verdict v;

		error = dj_io(dj, false, rec, jpos(r->jid, s));
		if (error)
			break;
		v = jf_rec_check(&h, rec, r->jid, s);
		if (v == JF_END)
			break;	/* the end of this generation */
		if (v == JF_BAD)
			bad++;
		found++;
	}
	if (dirty && !error)
		error = hdr_write(dj, r->jid, false, le64_to_cpu(h.gen));
	kfree(rec);

	spin_lock_irqsave(&dj->lock, irqf);
	dj->replays++;
	snprintf(dj->replay_log[dj->replay_n++ % ARRAY_SIZE(dj->replay_log)],
		 sizeof(dj->replay_log[0]),
		 "{\"time_ns\":%llu,\"jid\":%d,\"owner\":%u,\"gen\":%llu,\"dirty\":%s,\"records\":%llu,\"bad\":%llu,\"error\":%d}",
		 ktime_get_real_ns(), r->jid, dirty ? le32_to_cpu(h.node) : 0,
		 dirty ? le64_to_cpu(h.gen) : 0, dirty ? "true" : "false",
		 found, bad, error);
	e = ev_new(dj, EV_RECOVERED);
	e->jid = r->jid;
	e->status = dirty ? 1 : 0;
	if (dirty)
		snprintf(e->detail, sizeof(e->detail), "replayed %llu records",
			 found);
	else
		strscpy(e->detail, "clean", sizeof(e->detail));
	dj_feed(dj, &in);
	spin_unlock_irqrestore(&dj->lock, irqf);
	pr_info("%s: jid=%d: %s %llu records gen %llu bad %llu error %d\n",
		lockspace, r->jid, dirty ? "replayed" : "clean", found,
		dirty ? le64_to_cpu(h.gen) : 0, bad, error);
}

/* The writer: append one record a tick while mounted and not blocked. */
static void dj_writer_work(struct work_struct *w)
{
	struct dj *dj = container_of(to_delayed_work(w), struct dj, writer);
	struct jf_rec *rec;
	unsigned long irqf;
	bool go;
	u64 seq;
	int jid;

	spin_lock_irqsave(&dj->lock, irqf);
	go = dj->mounted_done && !dj->blocked && !dj->unmounting;
	jid = dj->jid;
	spin_unlock_irqrestore(&dj->lock, irqf);
	if (!go || jid < 0)
		goto again;
	if (!dj->hdr_dirty || dj->durable_seq + 1 >= jsize) {
		struct jf_hdr h;

		/*
		 * A new generation: at mount, or when the journal is full
		 * (everything in it is checkpointed: mark it clean first).
		 */
		if (dj->hdr_dirty && hdr_write(dj, jid, false, dj->gen))
			goto again;
		if (hdr_read(dj, jid, &h))
			goto again;
		dj->gen = max_t(u64, le64_to_cpu(h.gen), dj->gen) + 1;
		if (hdr_write(dj, jid, true, dj->gen))
			goto again;
		dj->hdr_dirty = true;
		dj->durable_seq = 0;
		pr_info("%s: journal %d generation %llu\n", lockspace, jid,
			dj->gen);
	}
	rec = kzalloc(DJ_SECTOR, GFP_KERNEL);
	if (!rec)
		goto again;
	seq = dj->durable_seq + 1;
	snprintf(rec->payload, sizeof(rec->payload), "node %d jid %d gen %llu seq %llu",
		 nodeid, jid, dj->gen, seq);
	jf_rec_seal(rec, jid, nodeid, dj->gen, seq);
	if (!dj_io(dj, true, rec, jpos(jid, seq))) {
		dj->durable_seq = seq;
		dj->appends++;
		pr_info("%s: durable jid %d gen %llu seq %llu\n", lockspace,
			jid, dj->gen, seq);
	}
	kfree(rec);
again:
	if (!READ_ONCE(dj->unmounting))
		queue_delayed_work(dj->work_wq, &dj->writer,
				   msecs_to_jiffies(write_ms));
}

/* ---- debugfs ----------------------------------------------------------- */

static void *trace_start(struct seq_file *m, loff_t *pos)
{
	struct dj *dj = m->private;
	u64 first = dj->next_seq > DJ_RING ? dj->next_seq - DJ_RING : 1;
	u64 s = first + *pos;

	return s < READ_ONCE(dj->next_seq) ? (void *)(uintptr_t)s : NULL;
}

static void *trace_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return trace_start(m, pos);
}

static void trace_stop(struct seq_file *m, void *v)
{
}

static int trace_show(struct seq_file *m, void *v)
{
	struct dj *dj = m->private;
	u64 s = (uintptr_t)v;
	struct dj_event e;
	unsigned long irqf;

	spin_lock_irqsave(&dj->lock, irqf);
	e = dj->ring[(s - 1) % DJ_RING];
	spin_unlock_irqrestore(&dj->lock, irqf);
	if (e.seq == s)		/* else overwritten meanwhile */
		ev_show(m, &e);
	return 0;
}

static const struct seq_operations trace_sops = {
	.start = trace_start,
	.next = trace_next,
	.stop = trace_stop,
	.show = trace_show,
};

static int trace_open(struct inode *inode, struct file *file)
{
	int error = seq_open(file, &trace_sops);

	if (!error)
		((struct seq_file *)file->private_data)->private =
			inode->i_private;
	return error;
}

static const struct file_operations trace_fops = {
	.owner = THIS_MODULE,
	.open = trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

static int status_show(struct seq_file *m, void *v)
{
	struct dj *dj = m->private;
	struct dlmr_coord_status st;
	unsigned int feed_errors, io_errors, replays;
	bool blocked, left;
	unsigned long irqf;

	spin_lock_irqsave(&dj->lock, irqf);
	dlmr_coord_status(dj->coord, &st);
	blocked = dj->blocked;
	left = dj->left;
	feed_errors = dj->feed_errors;
	io_errors = dj->io_errors;
	replays = dj->replays;
	spin_unlock_irqrestore(&dj->lock, irqf);
	seq_printf(m, "{\"node\":%d,\"ls\":\"%s\",\"mounted\":%s,\"jid\":%d,\"first\":%s,\"first_done\":%s,\"blocked\":%s,\"left\":%s,",
		   nodeid, lockspace, st.mounted ? "true" : "false", st.jid,
		   st.first ? "true" : "false",
		   st.first_done ? "true" : "false", blocked ? "true" : "false",
		   left ? "true" : "false");
	seq_printf(m, "\"gen\":%llu,\"durable_seq\":%llu,\"appends\":%llu,\"replays\":%u,\"feed_errors\":%u,\"io_errors\":%u,\"mutant\":\"%s\",\"fixes\":\"%s\"}\n",
		   READ_ONCE(dj->gen), READ_ONCE(dj->durable_seq),
		   READ_ONCE(dj->appends), replays, feed_errors, io_errors,
		   mutant, fixes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

static int replays_show(struct seq_file *m, void *v)
{
	struct dj *dj = m->private;
	unsigned int i, n, first;

	n = READ_ONCE(dj->replay_n);
	first = n > ARRAY_SIZE(dj->replay_log) ? n - ARRAY_SIZE(dj->replay_log) : 0;
	for (i = first; i < n; i++)
		seq_printf(m, "%s\n",
			   dj->replay_log[i % ARRAY_SIZE(dj->replay_log)]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(replays);

static void dj_unmount(struct dj *dj);

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	struct dj *dj = file->private_data;
	char buf[16];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (strcmp(strim(buf), "unmount"))
		return -EINVAL;
	dj_unmount(dj);
	return len;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = ctl_write,
	.llseek = noop_llseek,
};

/* ---- mount and unmount -------------------------------------------------- */

static int parse_fixes(unsigned int *out)
{
	char *s, *p, *name;
	int id;

	*out = 0;
	s = kstrdup(fixes, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	p = s;
	while ((name = strsep(&p, ",")) != NULL) {
		if (!*name)
			continue;
		id = dlmr_fix_from_name(name);
		if (id < 0) {
			pr_err("unknown fix \"%s\"\n", name);
			kfree(s);
			return -EINVAL;
		}
		*out |= 1u << id;
	}
	kfree(s);
	return 0;
}

static DEFINE_MUTEX(unmount_mutex);

/* Stop writing, mark our journal clean, let the engine unmount, leave. */
static void dj_unmount(struct dj *dj)
{
	struct dlmr_input in = { .type = DLMR_IN_UNMOUNT };
	unsigned long irqf;
	int error, i;

	mutex_lock(&unmount_mutex);
	if (dj->left)
		goto out;
	WRITE_ONCE(dj->unmounting, true);
	cancel_delayed_work_sync(&dj->writer);
	if (dj->hdr_dirty && !hdr_write(dj, dj->jid, false, dj->gen))
		dj->hdr_dirty = false;
	if (dj->mounted_done) {
		dj_feed_locked(dj, &in);
		if (!wait_for_completion_timeout(&dj->unmounted, 60 * HZ))
			pr_err("%s: unmount timed out\n", lockspace);
	}
	flush_workqueue(dj->lock_wq);
	flush_workqueue(dj->work_wq);
	for (i = 0; i < DJ_TIMERS; i++)
		cancel_delayed_work_sync(&dj->timer[i].work);
	error = dlm_release_lockspace(dj->ls, 2);
	if (error)
		pr_err("%s: dlm_release_lockspace: %d\n", lockspace, error);
	spin_lock_irqsave(&dj->lock, irqf);
	dj->left = true;
	ev_new(dj, EV_LEAVE);
	spin_unlock_irqrestore(&dj->lock, irqf);
	pr_info("%s: left\n", lockspace);
out:
	mutex_unlock(&unmount_mutex);
}

static void dj_init_lock(struct dj *dj, struct dj_lock *l, int id, int jid)
{
	l->dj = dj;
	l->id = id;
	l->jid = jid;
	init_completion(&l->unlocked);
	if (id == DLMR_LOCK_CONTROL)
		strscpy(l->name, "control", sizeof(l->name));
	else if (id == DLMR_LOCK_MOUNTED)
		strscpy(l->name, "mounted", sizeof(l->name));
	else
		snprintf(l->name, sizeof(l->name), "journal%d", jid);
}

static void dj_free(struct dj *dj)
{
	int i;

	WRITE_ONCE(dj->unmounting, true);
	cancel_delayed_work_sync(&dj->writer);
	for (i = 0; i < DJ_TIMERS; i++)
		cancel_delayed_work_sync(&dj->timer[i].work);
	if (dj->lock_wq)
		destroy_workqueue(dj->lock_wq);
	if (dj->work_wq)
		destroy_workqueue(dj->work_wq);
	if (dj->disk)
		filp_close(dj->disk, NULL);
	debugfs_remove_recursive(dj->dbg);
	dlmr_coord_free(dj->coord);
	vfree(dj->ring);
	kfree(dj);
}

static int __init dj_init(void)
{
	struct dlmr_coord_config cfg = { .journals = journals };
	struct dlmr_input in = { .type = DLMR_IN_MOUNT };
	struct dentry *dir;
	unsigned long irqf;
	int i, error, ops_result = 0;
	struct dj *dj;

	if (!journals || journals > DJ_MAX_JOURNALS || jsize < 2) {
		pr_err("journals must be 1..%d and jsize >= 2\n",
		       DJ_MAX_JOURNALS);
		return -EINVAL;
	}
	if (mutant[0]) {
		error = dlmr_mutant_from_name(mutant);
		if (error < 0) {
			pr_err("unknown mutant \"%s\"\n", mutant);
			return -EINVAL;
		}
		cfg.mutant = error;
		pr_warn("%s: running mutant %s: a planted bug, for the lab only\n",
			lockspace, mutant);
	}
	error = parse_fixes(&cfg.fixes);
	if (error)
		return error;

	dj = kzalloc(sizeof(*dj), GFP_KERNEL);
	if (!dj)
		return -ENOMEM;
	spin_lock_init(&dj->lock);
	dj->next_seq = 1;
	dj->jid = -1;
	init_completion(&dj->joined);
	init_completion(&dj->mount_done);
	init_completion(&dj->unmounted);
	INIT_WORK(&dj->lock_work, dj_lock_work);
	INIT_DELAYED_WORK(&dj->writer, dj_writer_work);
	dj_init_lock(dj, &dj->control, DLMR_LOCK_CONTROL, -1);
	dj_init_lock(dj, &dj->mounted, DLMR_LOCK_MOUNTED, -1);
	for (i = 0; i < DJ_MAX_JOURNALS; i++) {
		dj_init_lock(dj, &dj->journal[i], DLMR_LOCK_JOURNAL, i);
		dj->replay[i].dj = dj;
		dj->replay[i].jid = i;
		INIT_WORK(&dj->replay[i].work, dj_replay_work);
	}
	for (i = 0; i < DJ_TIMERS; i++) {
		dj->timer[i].dj = dj;
		dj->timer[i].id = i < 2 ? i : DLMR_TIMER_RECOVERY;
		dj->timer[i].jid = i < 2 ? -1 : i - 2;
		INIT_DELAYED_WORK(&dj->timer[i].work, dj_timer_work);
	}
	error = -ENOMEM;
	dj->ring = vzalloc(DJ_RING * sizeof(*dj->ring));
	dj->lock_wq = alloc_ordered_workqueue("dlmr_journal_lock", 0);
	dj->work_wq = alloc_workqueue("dlmr_journal", WQ_UNBOUND, 0);
	if (!dj->ring || !dj->lock_wq || !dj->work_wq)
		goto fail;
	error = dlmr_coord_new(&cfg, &dj->coord);
	if (error)
		goto fail;
	dj->disk = filp_open(dev, O_RDWR | O_LARGEFILE, 0);
	if (IS_ERR(dj->disk)) {
		error = PTR_ERR(dj->disk);
		dj->disk = NULL;
		pr_err("%s: open %s: %d\n", lockspace, dev, error);
		goto fail;
	}

	dj->dbg = debugfs_create_dir(KBUILD_MODNAME, NULL);
	dir = debugfs_create_dir(lockspace, dj->dbg);
	debugfs_create_file("trace", 0444, dir, dj, &trace_fops);
	debugfs_create_file("status", 0444, dir, dj, &status_fops);
	debugfs_create_file("replays", 0444, dir, dj, &replays_fops);
	debugfs_create_file("ctl", 0200, dir, dj, &ctl_fops);

	spin_lock_irqsave(&dj->lock, irqf);
	ev_new(dj, EV_JOIN);
	spin_unlock_irqrestore(&dj->lock, irqf);
	/*
	 * gdlm_mount(): join, then mount.  The engine starts a mount only
	 * after the join's recover_done, which can come after
	 * dlm_new_lockspace() returns: dlm_recoverd completes
	 * ls_recovery_done, which new_lockspace() waits for, and only then
	 * calls recover_done (do_ls_recovery(), fs/dlm/recoverd.c, 6.1 and
	 * 6.12).  gfs2 starts control_mount() before it and waits for its
	 * jid later (wait_on_journal()).
	 */
	error = dlm_new_lockspace(lockspace, cluster[0] ? cluster : NULL,
				  DLM_LSFL_NEWEXCL, DLMR_LVB_SIZE, &dj_ops, dj,
				  &ops_result, &dj->ls);
	if (error) {
		pr_err("%s: dlm_new_lockspace: %d\n", lockspace, error);
		goto fail;
	}
	if (ops_result) {
		pr_err("%s: no recovery callbacks (%d): dlm_controld must enable them\n",
		       lockspace, ops_result);
		error = -EOPNOTSUPP;
		goto fail_ls;
	}
	if (!wait_for_completion_timeout(&dj->joined, 60 * HZ)) {
		pr_err("%s: no recover_done 60 s after the join\n", lockspace);
		error = -ETIMEDOUT;
		goto fail_ls;
	}
	the_dj = dj;
	dj_feed_locked(dj, &in);
	if (!wait_for_completion_timeout(&dj->mount_done, mount_timeout * HZ)) {
		pr_err("%s: not mounted after %u s\n", lockspace,
		       mount_timeout);
		dj_unmount(dj);
		the_dj = NULL;
		dj_free(dj);
		return -ETIMEDOUT;
	}
	if (dj->mount_error) {
		error = dj->mount_error;
		pr_err("%s: mount failed: %d\n", lockspace, error);
		dj_unmount(dj);
		the_dj = NULL;
		dj_free(dj);
		return error;
	}
	return 0;
fail_ls:
	dlm_release_lockspace(dj->ls, 2);
fail:
	dj_free(dj);
	return error;
}

static void __exit dj_exit(void)
{
	dj_unmount(the_dj);
	dj_free(the_dj);
}

module_init(dj_init);
module_exit(dj_exit);
MODULE_DESCRIPTION("A miniature cluster filesystem run by the dlmrecover engine");
MODULE_LICENSE("GPL");
