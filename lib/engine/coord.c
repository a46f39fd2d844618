// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The coordinator: gfs2's first-mounter and journal-recovery protocol
 * (fs/gfs2/lock_dlm.c, Linux 6.1) as a sans-I/O state machine.
 *
 * The kernel runs this protocol on three kinds of threads:
 *  - the mount thread: control_mount(), then init_journal() (take our own
 *    journal lock, recover every journal if first mounter, else check our
 *    own), then control_first_done() (first mounter only);
 *  - the control work, gfs2_control_func(), queued by gdlm_recover_done()
 *    and gdlm_recovery_result();
 *  - one journal recovery per journal, gfs2_recover_func().
 * Each wait of those threads (a lock completion, a sleep, a journal replay,
 * and a thread woken or handed on to run later: the mount timer at once,
 * docs/step-order.md) is an input here, and everything between two
 * waits is one atomic step,
 * exactly as the kernel's spin_lock(&ls->ls_recover_spin) sections make it.
 * The callbacks (gdlm_recover_prep/slot/done) are inputs that may arrive
 * between any two steps.
 *
 * Modelling choices, each a place where a reader may disagree:
 *  - The mount thread and the control work share the control lksb, as in
 *    the kernel.  gfs2_control_func() returns at once while DFL_MOUNT_DONE
 *    is clear or DFL_FIRST_MOUNT is set, which leaves one window where both
 *    use it: the work running while control_first_done() converts it.
 *    There, as in the kernel, the second dlm_lock() fails with -EBUSY
 *    (fs/dlm/lock.c validate_lock_args) and its caller logs and goes on.
 *  - msleep_interruptible(500) and queue_delayed_work() delays are timers
 *    the caller fires whenever it likes: the protocol must not depend on
 *    their length, and the simulator explores every order.
 *  - queue_delayed_work() on a work already pending does nothing, as in the
 *    kernel (so a 1 s GAVEUP delay is not shortened by a later queue(0)).
 *  - gfs2_recover_journal() on a journal whose recovery is already running
 *    returns -EBUSY and does nothing (JDF_RECOVERY); the same here.  The
 *    flag is set from the queueing of the journal's work item to that
 *    item's last step, after its result was handed on (JR_QUEUED ..
 *    JR_END_UNLOCK; docs/step-order.md, E and F2).
 */
#include "coord.h"

/* fs/gfs2/lock_dlm.c: "4 byte generation number + 4 byte unused" */
#define JID_BITMAP_OFFSET 8
/* fs/gfs2/lock_dlm.c set_recover_size(): arrays grow by this many jids */
#define RECOVER_SIZE_INC 16
/* control_mount(): lvb_gen 0xFFFFFFFF forces mount attempts to fail */
#define LVB_GEN_DISABLED 0xFFFFFFFFu

/* ---- control lock value block ---------------------------------------- */

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* test_bit_le()/__set_bit_le(): bit j is bit j%8 of byte j/8 */
static bool jid_bit(const uint8_t *lvb, int jid)
{
	return lvb[JID_BITMAP_OFFSET + jid / 8] & (1u << (jid % 8));
}

static void set_jid_bit(uint8_t *lvb, int jid, bool on)
{
	uint8_t m = (uint8_t)(1u << (jid % 8));

	if (on)
		lvb[JID_BITMAP_OFFSET + jid / 8] |= m;
	else
		lvb[JID_BITMAP_OFFSET + jid / 8] &= (uint8_t)~m;
}

static bool all_jid_bits_clear(const uint8_t *lvb)
{
	for (int i = JID_BITMAP_OFFSET; i < DLMR_LVB_SIZE; i++)
		if (lvb[i])
			return false;
	return true;
}

DLMR_EXPORT int dlmr_lvb_encode(uint32_t generation, const int *jids, size_t n,
				uint8_t lvb[DLMR_LVB_SIZE])
{
	if (!lvb || (n && !jids))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (jids[i] < 0 || jids[i] >= DLMR_JOURNALS_MAX)
			return -EINVAL;
	memset(lvb, 0, DLMR_LVB_SIZE);
	put_le32(lvb, generation);
	for (size_t i = 0; i < n; i++)
		set_jid_bit(lvb, jids[i], true);
	return 0;
}

DLMR_EXPORT int dlmr_lvb_decode(const uint8_t lvb[DLMR_LVB_SIZE],
				uint32_t *generation, int *jids, size_t max)
{
	int count = 0;

	if (!lvb)
		return -EINVAL;
	if (generation)
		*generation = get_le32(lvb);
	for (int j = 0; j < DLMR_JOURNALS_MAX; j++) {
		if (!jid_bit(lvb, j))
			continue;
		if (jids && (size_t)count < max)
			jids[count] = j;
		count++;
	}
	return count;
}

/*
 * control_lvb_write(): gfs2 writes ls_control_lvb, the control lksb's
 * buffer, from ls_lvb_bits (the generation already in place).  A caller
 * whose lksb buffer is not control_lvb itself copies it on each write
 * (dlmr_coord.lvb_writes counts them).
 */
static void control_lvb_write(struct dlmr_coord *c)
{
	memcpy(c->control_lvb, c->lvb_bits, DLMR_LVB_SIZE);
	c->lvb_writes++;
}

/* ---- actions ----------------------------------------------------------- */

static struct dlmr_action *push(struct dlmr_coord *c, enum dlmr_action_type t)
{
	struct dlmr_action *a;

	/* The queue holds more than one step can produce (every journal
	 * once, plus a handful); overflowing it is a bug in this file. */
	if (c->aq_len >= COORD_ACTQ_MAX)
		return NULL;
	a = &c->aq[(c->aq_head + c->aq_len) % COORD_ACTQ_MAX];
	c->aq_len++;
	memset(a, 0, sizeof(*a));
	a->type = t;
	a->jid = -1;
	return a;
}

static void act_lock(struct dlmr_coord *c, int lock, int jid, int mode,
		     unsigned int flags, const uint8_t *lvb)
{
	struct dlmr_action *a = push(c, DLMR_ACT_LOCK);

	if (lock == DLMR_LOCK_MOUNTED)
		c->mnt_busy = true;
	if (!a)
		return;
	a->lock = lock;
	a->jid = jid;
	a->mode = mode;
	a->flags = flags;
	/*
	 * gfs2's control lksb points at ls_control_lvb itself, so with
	 * VALBLK the DLM writes whatever that buffer holds when the lock
	 * converts from PW or EX (dlm_lvb_operations[EX][EX] is a write, as
	 * when the control work converts EX to EX in the first mounter's
	 * control_first_done() window): the buffer goes with every such
	 * request, not only where gfs2 has just filled it.
	 */
	if (!lvb && lock == DLMR_LOCK_CONTROL && (flags & DLMR_LKF_VALBLK))
		lvb = c->control_lvb;
	if (lvb) {
		a->write_lvb = true;
		memcpy(a->lvb, lvb, DLMR_LVB_SIZE);
	}
}

/*
 * A control lock request of the mount thread or of the control work.
 * Both use the one control lksb, as in gfs2, and neither waits for the
 * other: the DLM decides whether the second is -EBUSY (dlm_lock()'s own
 * answer, fed back as a LOCK_DONE; docs/step-order.md, G).  Who made
 * each request in flight is kept in order, for in_lock_done().
 */
static void ctrl_lock(struct dlmr_coord *c, uint8_t by, int mode,
		      unsigned int flags, const uint8_t *lvb)
{
	if (c->ctrl_n < sizeof(c->ctrl_by))
		c->ctrl_by[c->ctrl_n++] = by;
	act_lock(c, DLMR_LOCK_CONTROL, -1, mode, flags, lvb);
}

static void act_unlock(struct dlmr_coord *c, int lock, int jid)
{
	struct dlmr_action *a = push(c, DLMR_ACT_UNLOCK);

	if (lock == DLMR_LOCK_CONTROL)
		c->control_mode = DLMR_MODE_IV;
	else if (lock == DLMR_LOCK_MOUNTED)
		c->mounted_mode = DLMR_MODE_IV;
	else
		c->journal_held[jid] = false;
	if (!a)
		return;
	a->lock = lock;
	a->jid = jid;
}

static void act_simple(struct dlmr_coord *c, enum dlmr_action_type t, int jid)
{
	struct dlmr_action *a = push(c, t);

	if (a)
		a->jid = jid;
}

static void act_timer_jid(struct dlmr_coord *c, int timer, int jid,
			  unsigned int ms)
{
	struct dlmr_action *a = push(c, DLMR_ACT_TIMER);

	if (!a)
		return;
	a->timer = timer;
	a->timer_ms = ms;
	a->jid = jid;
}

static void act_timer(struct dlmr_coord *c, int timer, unsigned int ms)
{
	act_timer_jid(c, timer, -1, ms);
}

/* DFL_BLOCK_LOCKS set/clear, reported as BLOCK/UNBLOCK on each change. */
static void set_block(struct dlmr_coord *c, bool on)
{
	bool was = c->flags & CF_BLOCK_LOCKS;

	if (on == was)
		return;
	if (on)
		c->flags |= CF_BLOCK_LOCKS;
	else
		c->flags &= ~CF_BLOCK_LOCKS;
	act_simple(c, on ? DLMR_ACT_BLOCK : DLMR_ACT_UNBLOCK, -1);
}

/* queue_delayed_work(gfs2_control_wq, &sdp->sd_control_work, delay) */
static void coord_queue_work(struct dlmr_coord *c, unsigned int ms)
{
	if (c->work_pending)
		return;
	c->work_pending = true;
	act_timer(c, DLMR_TIMER_WORK, ms);
}

/* ---- journal recovery (gfs2_recover_func) ----------------------------- */

/*
 * gfs2_recover_journal(jd, wait) (Linux 6.1 fs/gfs2/recovery.c 565-581):
 * test_and_set_bit(JDF_RECOVERY), else -EBUSY; then queue_work() of
 * gfs2_recover_func() on gfs_recovery_wq, which runs later, one work item
 * per journal, concurrently: the recovery timer of this jid, at once
 * (docs/step-order.md, E).  Returns -EBUSY if the journal's recovery is
 * still running (JR_QUEUED up to the end of its JR_END step).
 */
static int recover_journal(struct dlmr_coord *c, int jid)
{
	if (c->jrec[jid] != JR_IDLE)
		return -EBUSY; /* JDF_RECOVERY already set */
	c->jrec[jid] = JR_QUEUED;
	act_timer_jid(c, DLMR_TIMER_RECOVERY, jid, 0);
	return 0;
}

/*
 * gfs2_recover_func() starts (recovery.c 401-450): our own journal is
 * already locked by us (sd_journal_gh: "already locked for use"); any
 * other is taken with LM_FLAG_TRY (DLM_LKF_NOQUEUE) so that a journal in
 * use, or being recovered by another node, gives up ("jid=N: Busy").
 */
static void recover_work_start(struct dlmr_coord *c, int jid)
{
	if (jid == c->jid) {
		c->jrec[jid] = JR_REPLAY;
		act_simple(c, DLMR_ACT_RECOVER, jid);
		return;
	}
	c->jrec[jid] = JR_LOCK;
	act_lock(c, DLMR_LOCK_JOURNAL, jid, DLMR_MODE_EX, DLMR_LKF_NOQUEUE,
		 NULL);
}

static void first_recover_next(struct dlmr_coord *c);
static void mount_finished_journal(struct dlmr_coord *c);
static void maybe_unmounted(struct dlmr_coord *c);

/* gdlm_recovery_result() */
static void recovery_result(struct dlmr_coord *c, int jid, int result)
{
	/* don't care about the recovery of own journal during mount */
	if (jid == c->jid)
		return;
	if (c->flags & CF_FIRST_MOUNT)
		return;
	if (c->recover_size < (unsigned int)jid + 1)
		return; /* "recovery_result jid %d short size %d" */
	c->recover_result[jid] = (uint8_t)result;
	if (!(c->flags & CF_UNMOUNT))
		coord_queue_work(c, result == DLMR_JOURNAL_GAVEUP ? 1000 : 0);
}

/*
 * A journal recovery ended: the end of gfs2_recover_func() (Linux 6.1
 * fs/gfs2/recovery.c 536-562) in its order: gfs2_recovery_done() (RC
 * 279-295) hands the result on (gdlm_recovery_result(), lock_dlm.c
 * 1220-1262, which queues the control work under ls_recover_spin); then
 * the journal glock is released (@unlock: a journal we locked for this),
 * then JDF_RECOVERY is cleared and wake_up_bit() wakes the mount thread
 * if it waits for this journal in gfs2_recover_journal(jd, true)
 * (recovery.c 577-578).  The control work queued by the result may run
 * on another CPU before the rest (docs/step-order.md, F2): the rest is a
 * step of its own, the recovery timer of this jid again (JR_END,
 * recover_work_end()).
 */
static void journal_ended(struct dlmr_coord *c, int jid, int result,
			  bool unlock)
{
	recovery_result(c, jid, result);
	c->jrec[jid] = unlock ? JR_END_UNLOCK : JR_END;
	act_timer_jid(c, DLMR_TIMER_RECOVERY, jid, 0);
}

/* The work item's last step: the glock released, clear_bit(JDF_RECOVERY),
 * wake_up_bit() (recovery.c 538-541 or 548-553, then 560-562).  The woken
 * mount thread runs later, on its own: the mount timer at once
 * (MP_JWOKEN). */
static void recover_work_end(struct dlmr_coord *c, int jid)
{
	if (c->jrec[jid] == JR_END_UNLOCK)
		act_unlock(c, DLMR_LOCK_JOURNAL, jid);
	c->jrec[jid] = JR_IDLE;
	if ((c->mp == MP_FIRST_RECOVER && jid == c->mp_jid) ||
	    (c->mp == MP_OWN_RECOVER && jid == c->jid)) {
		c->mp = MP_JWOKEN;
		act_timer(c, DLMR_TIMER_MOUNT, 0);
	}
	maybe_unmounted(c);
}

/* The mount thread, woken after its journal's recovery, goes on:
 * init_journal()'s next journal (ops_fstype.c 825-846), or
 * gfs2_others_may_mount(), or the end of init_journal() (its own). */
static void mount_journal_woken(struct dlmr_coord *c)
{
	if (c->first) {
		c->mp_jid++;
		first_recover_next(c);
	} else {
		mount_finished_journal(c);
	}
}

/* ---- control work (gfs2_control_func) --------------------------------- */

static void work_start(struct dlmr_coord *c);

/* gfs2_control_func() returned; run it again if it was queued meanwhile */
static void work_return(struct dlmr_coord *c)
{
	c->wp = WP_IDLE;
	if (c->work_deferred) {
		c->work_deferred = false;
		c->work_pending = false;
		work_start(c);
	}
}

static void work_start(struct dlmr_coord *c)
{
	/* No MOUNT_DONE means we're still mounting; FIRST_MOUNT means
	 * control_mount()/control_first_done() handle recovery. */
	if (!(c->flags & CF_MOUNT_DONE) || (c->flags & CF_FIRST_MOUNT))
		return;
	c->w_block_gen = c->recover_block;
	c->w_start_gen = c->recover_start;
	/* Equal block_gen and start_gen: between recover_prep and
	 * recover_done; nothing to do until recover_done. */
	if (c->w_block_gen == c->w_start_gen)
		return;
	/* control_first_done() may have its conversion of the control lock
	 * in flight: the DLM decides whether this one is -EBUSY
	 * (lock_done_control()) */
	c->wp = WP_EX;
	ctrl_lock(c, CTRL_BY_WORK, DLMR_MODE_EX,
		 DLMR_LKF_CONVERT | DLMR_LKF_VALBLK |
		 (c->cfg.mutant == MUT_WORK_NOQUEUE ? DLMR_LKF_NOQUEUE : 0),
		 NULL);
}

/*
 * valnotvalid-resubmit: the control lock's value block came back with
 * DLM_SBF_VALNOTVALID: its master failed and the DLM rebuilt it from a
 * lock that only read it (docs/findings.md, finding 8), so it may have
 * lost the bits of journals still to recover.  Set the bit of every
 * journal that no member of the last recover_done owns: recovering a
 * clean journal costs one look, and a live member's journal cannot be
 * recovered by others anyway.  Returns whether a bit was set.
 */
static bool resubmit_nonmembers(struct dlmr_coord *c)
{
	bool set = false;

	for (unsigned int j = 0; j < c->cfg.journals && j < c->recover_size;
	     j++) {
		bool owned = false;

		for (unsigned int i = 0; i < c->last_num; i++)
			owned |= c->last_slots[i].slot == (int)j + 1;
		if (owned || jid_bit(c->lvb_bits, (int)j))
			continue;
		set_jid_bit(c->lvb_bits, (int)j, true);
		set = true;
	}
	return set;
}

/* control_lock EX granted: propagate recover_submit[]/result[] to the lvb */
static void work_ex_granted(struct dlmr_coord *c, bool lvb_invalid)
{
	uint32_t block_gen = c->w_block_gen, start_gen = c->w_start_gen;
	uint32_t lvb_gen;
	bool write_lvb = false;
	unsigned int i;

	memcpy(c->lvb_bits, c->control_lvb, DLMR_LVB_SIZE);
	lvb_gen = get_le32(c->lvb_bits);

	if (block_gen != c->recover_block || start_gen != c->recover_start) {
		/* "recover generation %u block1 %u %u" */
		c->wp = WP_ABORT_NL;
		ctrl_lock(c, CTRL_BY_WORK, DLMR_MODE_NL,
			 DLMR_LKF_CONVERT, NULL);
		return;
	}

	if ((c->cfg.fixes & (1u << FIX_VALNOTVALID_RESUBMIT)) &&
	    lvb_invalid && lvb_gen <= start_gen && resubmit_nonmembers(c))
		write_lvb = true;

	/*
	 * work-clears-own-bit: a bit for our own jid while we are mounted
	 * is stale (a value block rebuilt from an older version after the
	 * control lock's master failed, docs/findings.md, finding 8): our
	 * own mount replayed that journal and we hold its lock, so nobody
	 * else could recover it and every node would wait for ever.
	 */
	if ((c->cfg.fixes & (1u << FIX_WORK_CLEARS_OWN_BIT)) &&
	    lvb_gen <= start_gen && c->jid >= 0 &&
	    (unsigned int)c->jid < c->recover_size &&
	    jid_bit(c->lvb_bits, c->jid)) {
		set_jid_bit(c->lvb_bits, c->jid, false);
		write_lvb = true;
	}

	if (lvb_gen <= start_gen) {
		/* clear lvb bits for jids we've successfully recovered */
		for (i = 0; i < c->recover_size; i++) {
			if (c->recover_result[i] != DLMR_JOURNAL_SUCCESS &&
			    c->cfg.mutant != MUT_CLEAR_BIT_EARLY)
				continue;
			c->recover_result[i] = 0;
			if (!jid_bit(c->lvb_bits, (int)i))
				continue;
			set_jid_bit(c->lvb_bits, (int)i, false);
			write_lvb = true;
		}
	}

	if (lvb_gen == start_gen) {
		/* failed slots before start_gen are already set in lvb */
		for (i = 0; i < c->recover_size; i++) {
			if (c->recover_submit[i] && c->recover_submit[i] < lvb_gen)
				c->recover_submit[i] = 0;
		}
	} else if (lvb_gen < start_gen) {
		/* failed slots before start_gen are not yet set in lvb */
		for (i = 0; i < c->recover_size; i++) {
			if (!c->recover_submit[i])
				continue;
			if (c->recover_submit[i] < start_gen) {
				c->recover_submit[i] = 0;
				set_jid_bit(c->lvb_bits, (int)i, true);
			}
		}
		/* even with no bits to set, write the latest generation */
		write_lvb = true;
	}
	/* else: we should be getting a recover_done() for lvb_gen soon */

	c->work_write_lvb = write_lvb;
	c->wp = WP_NL;
	if (write_lvb) {
		put_le32(c->lvb_bits, start_gen);
		control_lvb_write(c);
		ctrl_lock(c, CTRL_BY_WORK, DLMR_MODE_NL,
			 DLMR_LKF_CONVERT | DLMR_LKF_VALBLK, c->control_lvb);
	} else {
		ctrl_lock(c, CTRL_BY_WORK, DLMR_MODE_NL,
			 DLMR_LKF_CONVERT, NULL);
	}
}

/*
 * control_lock back in NL: recover what the lvb asks for, or unblock;
 * from jid @from on (0, or where the loop waited for sd_journal_ready).
 */
static void work_nl_loop(struct dlmr_coord *c, unsigned int from)
{
	int recover_set = 0;

	for (unsigned int i = from; i < c->recover_size; i++) {
		if (!jid_bit(c->lvb_bits, (int)i))
			continue;
		/* gfs2_recover_set() starts with
		 * wait_for_completion(&sdp->sd_journal_ready) (sys.c 494),
		 * completed once our own mount's init_journal() returned
		 * (ops_fstype.c 890-891): the work waits there, holding the
		 * work item, whatever the jid (docs/step-order.md, M) */
		if (!c->journal_ready) {
			c->wp = WP_JREADY;
			c->w_next = i;
			return;
		}
		/* gfs2_recover_set() (fs/gfs2/sys.c 488-519): our own
		 * journal is -EBUSY and a jid without a journal is -ENOENT;
		 * both still count as set, so locking stays blocked.  A
		 * journal whose recovery work item has not cleared
		 * JDF_RECOVERY yet is -EBUSY too (gfs2_recover_journal(),
		 * recovery.c 569-570), ignored by gfs2_control_func(): the
		 * work is not queued again (docs/step-order.md, F2);
		 * work-retry-recovering queues it again. */
		if ((int)i != c->jid && i < c->cfg.journals &&
		    (c->jrec[i] == JR_END || c->jrec[i] == JR_END_UNLOCK)) {
			/* its result came before this work ran: nothing
			 * else will queue the work for this journal */
			c->recover_busy_errors++;
			if ((c->cfg.fixes & (1u << FIX_WORK_RETRY_RECOVERING)) &&
			    !(c->flags & CF_UNMOUNT))
				coord_queue_work(c, 1000);
		} else if ((int)i != c->jid && i < c->cfg.journals) {
			/* -EBUSY while the item runs (its result will queue
			 * the work again) */
			recover_journal(c, (int)i);
		}
		recover_set++;
	}
	if (!recover_set &&
	    ((c->recover_block == c->w_block_gen &&
	      c->recover_start == c->w_start_gen) ||
	     c->cfg.mutant == MUT_UNBLOCK_EARLY)) {
		/* No more jid bits set in lvb, all recovery is done: unblock,
		 * unless a new recover_prep blocked locks again meanwhile. */
		set_block(c, false);
	}
	work_return(c);
}

static void work_nl_done(struct dlmr_coord *c)
{
	work_nl_loop(c, 0);
}

/*
 * complete(&sdp->sd_journal_ready) (ops_fstype.c 890-891, after
 * init_journal() returned): a control work waiting in gfs2_recover_set()
 * runs on later, on its own: the mount timer at once (the mount thread
 * has no other use for it once mounted).
 */
static void journal_ready(struct dlmr_coord *c)
{
	c->journal_ready = true;
	if (c->wp == WP_JREADY)
		act_timer(c, DLMR_TIMER_MOUNT, 0);
}

/* ---- mount thread ------------------------------------------------------ */

static void mount_fail(struct dlmr_coord *c, int error)
{
	struct dlmr_action *a;

	/* fail: mounted_unlock(); control_unlock(); */
	if (c->mounted_mode != DLMR_MODE_IV)
		act_unlock(c, DLMR_LOCK_MOUNTED, -1);
	if (c->control_mode != DLMR_MODE_IV)
		act_unlock(c, DLMR_LOCK_CONTROL, -1);
	c->mp = MP_FAILED;
	c->mp_error = error;
	a = push(c, DLMR_ACT_FAILED);
	if (a)
		a->error = error;
}

/* "restart:" in control_mount() */
static void mount_restart(struct dlmr_coord *c)
{
	if (c->mounted_mode != DLMR_MODE_NL) {
		c->mp = MP_MNT_RENL;
		act_lock(c, DLMR_LOCK_MOUNTED, -1, DLMR_MODE_NL,
			 DLMR_LKF_CONVERT, NULL);
		return;
	}
	/* msleep_interruptible(500): others need to do some work first */
	c->mp = MP_SLEEP;
	act_timer(c, DLMR_TIMER_MOUNT, 500);
}

/*
 * control_mount() returned: gdlm_mount() returns (lock_dlm.c 1327-1334)
 * and the mount goes on through fill_super() (init_locking(),
 * init_sb(), ...) to init_journal(), which takes our own journal glock
 * (ops_fstype.c 783-787) much later: a step of its own, the mount timer
 * at once (MP_JWAIT; mount_take_journal()).
 */
static void mount_control_done(struct dlmr_coord *c)
{
	c->mp = MP_JWAIT;
	act_timer(c, DLMR_TIMER_MOUNT, 0);
}

/* init_journal(): take our own journal lock (sd_journal_gh, EX, NOEXP) */
static void mount_take_journal(struct dlmr_coord *c)
{
	if (c->cfg.spectator) {
		mount_finished_journal(c);
		return;
	}
	c->mp = MP_JLOCK;
	act_lock(c, DLMR_LOCK_JOURNAL, c->jid, DLMR_MODE_EX, 0, NULL);
}

/* "locks_done:" in control_mount() */
static void mount_locks_done(struct dlmr_coord *c)
{
	uint32_t lvb_gen;

	memcpy(c->lvb_bits, c->control_lvb, DLMR_LVB_SIZE);
	lvb_gen = get_le32(c->lvb_bits);
	if (lvb_gen == LVB_GEN_DISABLED) {
		mount_fail(c, -EINVAL);
		return;
	}
	if (c->mounted_mode == DLMR_MODE_EX) {
		/* first mounter, keep both EX while doing first recovery */
		set_block(c, false);
		c->flags |= CF_MOUNT_DONE | CF_FIRST_MOUNT;
		c->first = true;
		mount_control_done(c);
		return;
	}
	c->mp = MP_CTRL_NL2;
	ctrl_lock(c, CTRL_BY_MOUNT, DLMR_MODE_NL, DLMR_LKF_CONVERT, NULL);
}

/* control_lock back to NL: may we finish mounting? */
static void mount_check_lvb(struct dlmr_coord *c)
{
	uint32_t lvb_gen = get_le32(c->lvb_bits);

	/* journals need recovery: wait until all are clear */
	if (!all_jid_bits_clear(c->lvb_bits) &&
	    c->cfg.mutant != MUT_IGNORE_LVB_BITS) {
		mount_restart(c);
		return;
	}
	/* wait for mounted nodes to update the lvb to our generation */
	if (lvb_gen < c->recover_mount) {
		mount_restart(c);
		return;
	}
	/* wait for the lvb to reach the latest recovery generation */
	if (lvb_gen != c->recover_start) {
		mount_restart(c);
		return;
	}
	/* dlm recovery in progress, wait for it to finish */
	if (c->recover_block == c->recover_start) {
		mount_restart(c);
		return;
	}
	set_block(c, false);
	c->flags |= CF_MOUNT_DONE;
	memset(c->recover_submit, 0, sizeof(c->recover_submit));
	memset(c->recover_result, 0, sizeof(c->recover_result));
	mount_control_done(c);
}

/* init_journal(): first mounter recovers every journal, one at a time */
/* control_first_done(): "clear_bit(DFL_FIRST_MOUNT) ... memset" */
static void first_mount_over(struct dlmr_coord *c)
{
	c->flags &= ~CF_FIRST_MOUNT;
	c->flags |= CF_FIRST_MOUNT_DONE;
	memset(c->recover_submit, 0, sizeof(c->recover_submit));
	memset(c->recover_result, 0, sizeof(c->recover_result));
}

/* first-done-serial: the end of control_first_done() */
static void first_mount_over_serial(struct dlmr_coord *c)
{
	c->flags &= ~CF_FIRST_MOUNT;
	c->flags |= CF_FIRST_MOUNT_DONE;
	if (!(c->flags & CF_UNMOUNT))
		coord_queue_work(c, 0);
}

static void first_recover_next(struct dlmr_coord *c)
{
	if (c->cfg.mutant == MUT_SKIP_FIRST_RECOVERY && c->mp_jid != c->jid &&
	    c->mp_jid < (int)c->cfg.journals) {
		c->mp_jid++;
		first_recover_next(c);
		return;
	}
	if (c->mp_jid < (int)c->cfg.journals) {
		c->mp = MP_FIRST_RECOVER;
		recover_journal(c, c->mp_jid);
		/* already running (cannot happen at first mount): skip it */
		if (c->jrec[c->mp_jid] == JR_IDLE) {
			c->mp_jid++;
			first_recover_next(c);
		}
		return;
	}
	/* gfs2_others_may_mount() -> control_first_done() */
	c->mp = MP_FIRST_WAIT;
	if (c->recover_start != c->recover_block) {
		/* not between recover_prep and recover_done */
		if (!(c->cfg.fixes & (1u << FIX_FIRST_DONE_SERIAL))) {
			first_mount_over(c);
		} else {
			/* forget failures of nodes that never mounted, but
			 * keep DFL_FIRST_MOUNT until the conversions are done */
			memset(c->recover_submit, 0, sizeof(c->recover_submit));
			memset(c->recover_result, 0, sizeof(c->recover_result));
		}
		memset(c->lvb_bits, 0, DLMR_LVB_SIZE);
		put_le32(c->lvb_bits, c->recover_start);
		control_lvb_write(c);
		c->mp = MP_FD_MNT;
		act_lock(c, DLMR_LOCK_MOUNTED, -1, DLMR_MODE_PR,
			 DLMR_LKF_CONVERT, NULL);
	}
	/* else: wait_on_bit(DFL_DLM_RECOVERY), resumed by recover_done */
}

/* The mount thread's journal work is over: the filesystem is mounted. */
static void mount_finished_journal(struct dlmr_coord *c)
{
	struct dlmr_action *a;

	if (c->first) {
		c->mp_jid = 0;
		first_recover_next(c);
		return;
	}
	c->mp = MP_MOUNTED;
	a = push(c, DLMR_ACT_MOUNTED);
	if (a) {
		a->jid = c->jid;
		a->first = false;
	}
	journal_ready(c);
	maybe_unmounted(c);
}

static void mount_own_journal_locked(struct dlmr_coord *c)
{
	c->journal_held[c->jid] = true;
	if (c->first) {
		c->mp_jid = 0;
		first_recover_next(c);
		return;
	}
	/* not first: gfs2_recover_journal(sdp->sd_jdesc, true) */
	c->mp = MP_OWN_RECOVER;
	recover_journal(c, c->jid);
}

static void first_done_finished(struct dlmr_coord *c)
{
	struct dlmr_action *a;

	if (c->cfg.fixes & (1u << FIX_FIRST_DONE_SERIAL)) {
		/* the control lksb is ours until here: only now may the
		 * control work run, and it must, for any recovery that
		 * happened while first_done converted the locks */
		first_mount_over_serial(c);
	}
	act_simple(c, DLMR_ACT_FIRST_DONE, c->jid);
	c->mp = MP_MOUNTED;
	a = push(c, DLMR_ACT_MOUNTED);
	if (a) {
		a->jid = c->jid;
		a->first = true;
	}
	journal_ready(c);
	maybe_unmounted(c);
}

/* ---- unmount ----------------------------------------------------------- */

static bool journals_idle(const struct dlmr_coord *c)
{
	for (unsigned int j = 0; j < c->cfg.journals; j++)
		if (c->jrec[j] != JR_IDLE)
			return false;
	return true;
}

/* gdlm_unmount(): flush the control work, then release; the lockspace
 * release purges control_lock and mounted_lock. */
static void maybe_unmounted(struct dlmr_coord *c)
{
	if (!(c->flags & CF_UNMOUNT) || c->mp != MP_UNMOUNTING)
		return;
	if (c->wp != WP_IDLE || c->work_pending || !journals_idle(c))
		return;
	if (c->jid >= 0 && c->journal_held[c->jid])
		act_unlock(c, DLMR_LOCK_JOURNAL, c->jid);
	c->mp = MP_UNMOUNTED;
	act_simple(c, DLMR_ACT_UNMOUNTED, c->jid);
}

/* ---- inputs ------------------------------------------------------------ */

/* gdlm_recover_prep() */
static void in_prep(struct dlmr_coord *c)
{
	bool fd_serial = (c->cfg.fixes & (1u << FIX_FIRST_DONE_SERIAL)) &&
			 (c->mp == MP_FD_MNT || c->mp == MP_FD_CTRL);

	c->recover_block = c->recover_start;
	c->flags |= CF_DLM_RECOVERY;
	/* first-done-serial: during first_done's conversions others may
	 * already have mounted, so a recovery blocks us as if mounted */
	if (!(c->flags & CF_MOUNT_DONE) ||
	    ((c->flags & CF_FIRST_MOUNT) && !fd_serial))
		return;
	set_block(c, true);
}

/* The slot of @nodeid in the last recover_done's table, 0 if absent. */
static int last_table_slot(const struct dlmr_coord *c, uint32_t nodeid)
{
	for (unsigned int i = 0; i < c->last_num; i++)
		if (c->last_slots[i].nodeid == nodeid)
			return c->last_slots[i].slot;
	return 0;
}

/*
 * A recover_slot with slot -1 or 0 (docs/findings.md, finding 7): the
 * kernel passes memb->slot, which dlm_recover_members_wait() reset to -1
 * in a recovery that was interrupted, or which is 0 for a member added by
 * a recovery that has not completed.  gfs2 computes jid = slot - 1: -2 is
 * rejected by its size check ("recover_slot jid -2 ... short size") and
 * -1 passes it and writes ls_recover_submit[-1], before the array (not
 * modelled: the coordinator ignores both), so the failed node's journal
 * is not recovered.  slot-from-table takes the slot the member had in the
 * last recover_done's table instead (slots never change while a member
 * stays); a member absent from it never had a slot we completed a
 * recovery with, so it never mounted (a node mounts after its first
 * done, which every survivor processes before the next recovery): it is
 * ignored.  With no table at all we are joining: not mounted, and the
 * mounted nodes recover the journal.  Returns the slot to use, or 0 to
 * ignore the callback.
 */
static int bad_slot(struct dlmr_coord *c, uint32_t nodeid, int slot)
{
	struct dlmr_coord_slot_stats *st = &c->bad_slots;
	int resolved = 0;

	if (c->cfg.fixes & (1u << FIX_SLOT_FROM_TABLE))
		resolved = last_table_slot(c, nodeid);
	st->last_nodeid = nodeid;
	st->last_slot = slot;
	st->last_jid = resolved - 1;
	if (resolved < 1)
		st->ignored++;
	else
		st->resolved++;
	return resolved;
}

/* gdlm_recover_slot() */
static void in_slot(struct dlmr_coord *c, uint32_t nodeid, int slot)
{
	int jid;

	if (slot < 1) {
		slot = bad_slot(c, nodeid, slot);
		if (slot < 1)
			return;
	}
	jid = slot - 1;

	if (c->recover_size < (unsigned int)jid + 1)
		return; /* "recover_slot jid %d gen %u short size %d" */
	c->recover_submit[jid] = c->recover_block;
	/* slot-clears-result: a result of an earlier recovery of this jid
	 * that no control work consumed must not clear the new failure's
	 * lvb bit (docs/findings.md, finding 6) */
	if (c->cfg.fixes & (1u << FIX_SLOT_CLEARS_RESULT))
		c->recover_result[jid] = 0;
}

/* set_recover_size() */
static void set_recover_size(struct dlmr_coord *c, const struct dlmr_slot *s,
			     unsigned int n)
{
	int max_jid = 0;

	for (unsigned int i = 0; i < n; i++)
		if (max_jid < s[i].slot - 1)
			max_jid = s[i].slot - 1;
	while (c->recover_size < (unsigned int)max_jid + 1 &&
	       c->recover_size + RECOVER_SIZE_INC <= DLMR_JOURNALS_MAX)
		c->recover_size += RECOVER_SIZE_INC;
}

/* gdlm_recover_done() */
static void in_done(struct dlmr_coord *c, const struct dlmr_input *in)
{
	set_recover_size(c, in->slots, in->num_slots);
	if (c->cfg.fixes & ((1u << FIX_SLOT_FROM_TABLE) |
			    (1u << FIX_VALNOTVALID_RESUBMIT))) {
		c->last_num = in->num_slots;
		if (in->num_slots)
			memcpy(c->last_slots, in->slots,
			       in->num_slots * sizeof(in->slots[0]));
	}
	c->recover_start = in->generation;
	if (!c->recover_mount) {
		c->recover_mount = in->generation;
		c->jid = in->our_slot - 1;
	}
	if (!(c->flags & CF_UNMOUNT))
		coord_queue_work(c, 0);
	c->flags &= ~CF_DLM_RECOVERY;
	/*
	 * wake_up_bit(DFL_DLM_RECOVERY): the mount thread, waiting in
	 * control_first_done(), runs again later, on its own (a step of
	 * its own: the mount timer, at once); if a recover_prep sets the
	 * bit again before it runs, wait_on_bit() goes on waiting.
	 */
	if (c->mp == MP_FIRST_WAIT) {
		/* a second wake-up before it runs is the same wake-up: the
		 * timer is asked for once (MP_FIRST_WOKEN) */
		c->mp = MP_FIRST_WOKEN;
		act_timer(c, DLMR_TIMER_MOUNT, 0);
	}
}

static int lock_done_control(struct dlmr_coord *c, const struct dlmr_input *in,
			     uint8_t by, int mode_requested)
{
	if (!in->status)
		c->control_mode = mode_requested;
	if (in->lvb && !in->status)
		memcpy(c->control_lvb, in->lvb, DLMR_LVB_SIZE);
	/* dlm_lock() refused it: the other thread's operation on the lksb
	 * was still on the convert queue or awaited its reply
	 * (validate_lock_args()): "control lock ... error -16" */
	if (in->status == -EBUSY)
		c->ctrl_busy_errors++;

	if (by == CTRL_BY_WORK) {
		switch (c->wp) {
		case WP_EX:
			if (in->status == -EBUSY &&
			    (c->cfg.fixes & (1u << FIX_WORK_RETRY_BUSY))) {
				work_return(c);
				coord_queue_work(c, 0);
				break;
			}
			if (in->status == -EAGAIN &&
			    c->cfg.mutant == MUT_WORK_NOQUEUE) {
				/* the mutant tries again later */
				work_return(c);
				if (!(c->flags & CF_UNMOUNT))
					coord_queue_work(c, 100);
				break;
			}
			if (in->status) {
				work_return(c); /* "control lock EX error" */
				break;
			}
			work_ex_granted(c, in->lvb_invalid);
			break;
		case WP_ABORT_NL:
			work_return(c);
			break;
		case WP_NL:
			if (in->status) {
				work_return(c);
				break;
			}
			work_nl_done(c);
			break;
		default:
			return -EPROTO;
		}
		maybe_unmounted(c);
		return 0;
	}

	switch (c->mp) {
	case MP_CTRL_NL:
		if (in->status) {
			mount_fail(c, in->status);
			break;
		}
		c->mp = MP_MNT_NL;
		act_lock(c, DLMR_LOCK_MOUNTED, -1, DLMR_MODE_NL, 0, NULL);
		break;
	case MP_CTRL_EX:
		if (in->status == -EAGAIN) {
			mount_restart(c);
		} else if (in->status) {
			mount_fail(c, in->status);
		} else if (c->cfg.spectator) {
			mount_locks_done(c);
		} else {
			c->mp = MP_MNT_EX;
			act_lock(c, DLMR_LOCK_MOUNTED, -1, DLMR_MODE_EX,
				 DLMR_LKF_CONVERT |
				 (c->cfg.mutant == MUT_MOUNTED_QUEUE ?
				  0 : DLMR_LKF_NOQUEUE), NULL);
		}
		break;
	case MP_CTRL_NL2:
		if (in->status) {
			mount_fail(c, in->status);
			break;
		}
		mount_check_lvb(c);
		break;
	case MP_FD_CTRL:
		/* errors are logged and ignored by control_first_done() */
		first_done_finished(c);
		break;
	default:
		return -EPROTO;
	}
	return 0;
}

static int lock_done_mounted(struct dlmr_coord *c, const struct dlmr_input *in,
			     int mode_requested)
{
	if (!in->status)
		c->mounted_mode = mode_requested;

	switch (c->mp) {
	case MP_MNT_NL:
		if (in->status) {
			act_unlock(c, DLMR_LOCK_CONTROL, -1);
			mount_fail(c, in->status);
			break;
		}
		mount_restart(c);
		break;
	case MP_MNT_RENL:
		if (in->status) {
			mount_fail(c, in->status);
			break;
		}
		c->mp = MP_SLEEP;
		act_timer(c, DLMR_TIMER_MOUNT, 500);
		break;
	case MP_MNT_EX:
		if (!in->status) {
			mount_locks_done(c);
		} else if (in->status == -EAGAIN) {
			c->mp = MP_MNT_PR;
			act_lock(c, DLMR_LOCK_MOUNTED, -1, DLMR_MODE_PR,
				 DLMR_LKF_CONVERT | DLMR_LKF_NOQUEUE, NULL);
		} else {
			mount_fail(c, in->status);
		}
		break;
	case MP_MNT_PR:
		/* "not even -EAGAIN should happen here" */
		if (in->status)
			mount_fail(c, in->status);
		else
			mount_locks_done(c);
		break;
	case MP_FD_MNT:
		/* control_first_done(): then control_lock NL, writing lvb.
		 * If the control work has the lock in flight, the DLM may
		 * refuse it with -EBUSY; the error is logged and ignored
		 * (MP_FD_CTRL). */
		c->mp = MP_FD_CTRL;
		ctrl_lock(c, CTRL_BY_MOUNT, DLMR_MODE_NL,
			 DLMR_LKF_CONVERT | DLMR_LKF_VALBLK, c->control_lvb);
		break;
	default:
		return -EPROTO;
	}
	return 0;
}

static int lock_done_journal(struct dlmr_coord *c, const struct dlmr_input *in)
{
	int jid = in->jid;

	if (c->mp == MP_JLOCK && jid == c->jid && c->jrec[jid] == JR_IDLE) {
		if (in->status) {
			mount_fail(c, in->status);
			return 0;
		}
		mount_own_journal_locked(c);
		return 0;
	}
	if (c->jrec[jid] != JR_LOCK)
		return -EPROTO;
	if (in->status) {
		/* GLR_TRYFAILED: "jid=%u: Busy" -> LM_RD_GAVEUP */
		journal_ended(c, jid, DLMR_JOURNAL_GAVEUP, false);
		return 0;
	}
	c->journal_held[jid] = true;
	c->jrec[jid] = JR_REPLAY;
	act_simple(c, DLMR_ACT_RECOVER, jid);
	return 0;
}

static int in_lock_done(struct dlmr_coord *c, const struct dlmr_input *in)
{
	uint8_t by;
	int mode;

	if (in->status > 0)
		return -EINVAL;
	switch (in->lock) {
	case DLMR_LOCK_CONTROL:
		if (!c->ctrl_n)
			return -EPROTO;
		/* Completions come in the order of the requests; -EBUSY is
		 * dlm_lock()'s own answer, never a completion's, so with
		 * two in flight it answers the newer (dlmrecover.h,
		 * DLMR_IN_LOCK_DONE). */
		if (c->ctrl_n == 2 && in->status == -EBUSY) {
			by = c->ctrl_by[1];
		} else {
			by = c->ctrl_by[0];
			c->ctrl_by[0] = c->ctrl_by[1];
		}
		c->ctrl_by[1] = 0;
		c->ctrl_n--;
		/* the mode asked for: the state machine knows it from
		 * where the requester waits */
		if (by == CTRL_BY_WORK)
			mode = c->wp == WP_EX ? DLMR_MODE_EX : DLMR_MODE_NL;
		else
			mode = c->mp == MP_CTRL_EX ? DLMR_MODE_EX :
						     DLMR_MODE_NL;
		return lock_done_control(c, in, by, mode);
	case DLMR_LOCK_MOUNTED:
		if (!c->mnt_busy)
			return -EPROTO;
		c->mnt_busy = false;
		switch (c->mp) {
		case MP_MNT_EX:
			mode = DLMR_MODE_EX;
			break;
		case MP_MNT_PR:
		case MP_FD_MNT:
			mode = DLMR_MODE_PR;
			break;
		default:
			mode = DLMR_MODE_NL;
			break;
		}
		return lock_done_mounted(c, in, mode);
	case DLMR_LOCK_JOURNAL:
		if (in->jid < 0 || in->jid >= (int)c->cfg.journals)
			return -EINVAL;
		return lock_done_journal(c, in);
	default:
		return -EINVAL;
	}
}

/* The recovery timer of @jid: gfs2_recover_func()'s work item runs. */
static int in_timer_recovery(struct dlmr_coord *c, int jid)
{
	if (jid < 0 || jid >= (int)c->cfg.journals)
		return -EINVAL;
	switch (c->jrec[jid]) {
	case JR_QUEUED:
		recover_work_start(c, jid);
		return 0;
	case JR_END:
	case JR_END_UNLOCK:
		recover_work_end(c, jid);
		return 0;
	default:
		return -EPROTO;
	}
}

static int in_timer(struct dlmr_coord *c, int timer, int jid)
{
	if (timer == DLMR_TIMER_RECOVERY)
		return in_timer_recovery(c, jid);
	if (timer == DLMR_TIMER_MOUNT && c->mp == MP_FIRST_WOKEN) {
		/* woken from wait_on_bit(DFL_DLM_RECOVERY): a recover_prep
		 * since recover_done keeps it waiting; else "goto restart" */
		c->mp = MP_FIRST_WAIT;
		if (!(c->flags & CF_DLM_RECOVERY))
			first_recover_next(c);
		return 0;
	}
	if (timer == DLMR_TIMER_MOUNT && c->wp == WP_JREADY &&
	    c->journal_ready) {
		/* the control work, woken in gfs2_recover_set(), goes on */
		c->wp = WP_NL;
		work_nl_loop(c, c->w_next);
		maybe_unmounted(c);
		return 0;
	}
	if (timer == DLMR_TIMER_MOUNT && c->mp == MP_JWAIT) {
		mount_take_journal(c);
		return 0;
	}
	if (timer == DLMR_TIMER_MOUNT && c->mp == MP_JWOKEN) {
		mount_journal_woken(c);
		return 0;
	}
	if (timer == DLMR_TIMER_MOUNT) {
		if (c->mp != MP_SLEEP)
			return -EPROTO;
		c->mp = MP_CTRL_EX;
		ctrl_lock(c, CTRL_BY_MOUNT, DLMR_MODE_EX,
			 DLMR_LKF_CONVERT | DLMR_LKF_NOQUEUE |
			 (c->cfg.mutant == MUT_RETRY_STALE_LVB ?
			  0 : DLMR_LKF_VALBLK), NULL);
		return 0;
	}
	if (timer != DLMR_TIMER_WORK)
		return -EINVAL;
	if (!c->work_pending)
		return -EPROTO;
	/* A work item never runs twice at once: queued while running, it
	 * runs again when the running instance returns. */
	if (c->wp != WP_IDLE) {
		/* its expiry came already: no timer is armed until the
		 * deferred instance ran (work_pending stays set) */
		if (c->work_deferred)
			return -EPROTO;
		c->work_deferred = true;
		return 0;
	}
	c->work_pending = false;
	work_start(c);
	maybe_unmounted(c);
	return 0;
}

static int in_journal_done(struct dlmr_coord *c, const struct dlmr_input *in)
{
	int jid = in->jid;

	if (jid < 0 || jid >= (int)c->cfg.journals)
		return -EINVAL;
	if (in->result != DLMR_JOURNAL_SUCCESS &&
	    in->result != DLMR_JOURNAL_GAVEUP)
		return -EINVAL;
	if (c->jrec[jid] != JR_REPLAY)
		return -EPROTO;
	/* gfs2_recover_func(): the result, then the journal lock released,
	 * unless it is ours */
	journal_ended(c, jid, in->result, jid != c->jid);
	return 0;
}

static int in_unmount(struct dlmr_coord *c)
{
	if (c->mp != MP_MOUNTED)
		return -EPROTO;
	c->flags |= CF_UNMOUNT;
	c->mp = MP_UNMOUNTING;
	/* flush_delayed_work(): a pending work runs now; the caller's
	 * timer delivers it. */
	maybe_unmounted(c);
	return 0;
}

DLMR_EXPORT int dlmr_coord_feed(struct dlmr_coord *c, const struct dlmr_input *in)
{
	if (!c || !in)
		return -EINVAL;
	switch (in->type) {
	case DLMR_IN_MOUNT:
		if (c->mp != MP_INIT)
			return -EPROTO;
		if (c->jid < 0 || c->jid >= (int)c->cfg.journals) {
			/* no slot (slots disabled) or more members than
			 * journals: gfs2 fails the mount later, in
			 * init_journal() ("can't mount journal #%u") */
			mount_fail(c, -EINVAL);
			return 0;
		}
		/* control_mount() */
		set_block(c, true);
		c->mp = MP_CTRL_NL;
		ctrl_lock(c, CTRL_BY_MOUNT, DLMR_MODE_NL,
			 DLMR_LKF_VALBLK, NULL);
		return 0;
	case DLMR_IN_PREP:
		in_prep(c);
		return 0;
	case DLMR_IN_SLOT:
		/* -1 and 0 are what unfixed kernels pass: see bad_slot() */
		if (in->slot < -1 || in->slot > DLMR_SLOTS_MAX)
			return -EINVAL;
		in_slot(c, in->nodeid, in->slot);
		return 0;
	case DLMR_IN_DONE:
		if (in->num_slots > DLMR_SLOTS_MAX || (in->num_slots && !in->slots))
			return -EINVAL;
		/* a slot comes with a generation (dlm_slots_assign(): 1 or
		 * more); generation 0 is slots disabled, our_slot 0.  Else
		 * the jid, taken from the dones until one has a generation,
		 * could change under a mount (to -1: journal lock -1) */
		if (!in->generation && in->our_slot)
			return -EINVAL;
		in_done(c, in);
		return 0;
	case DLMR_IN_LOCK_DONE:
		return in_lock_done(c, in);
	case DLMR_IN_JOURNAL_DONE:
		return in_journal_done(c, in);
	case DLMR_IN_TIMER:
		return in_timer(c, in->timer, in->jid);
	case DLMR_IN_UNMOUNT:
		return in_unmount(c);
	default:
		return -EINVAL;
	}
}

DLMR_EXPORT int dlmr_coord_next(struct dlmr_coord *c, struct dlmr_action *out)
{
	if (!c || !out || !c->aq_len)
		return 0;
	*out = c->aq[c->aq_head];
	c->aq_head = (c->aq_head + 1) % COORD_ACTQ_MAX;
	c->aq_len--;
	return 1;
}

/* ---- names, for logs ------------------------------------------------------ */

static const char *const input_names[] = {
	[DLMR_IN_MOUNT] = "mount",
	[DLMR_IN_PREP] = "prep",
	[DLMR_IN_SLOT] = "slot",
	[DLMR_IN_DONE] = "done",
	[DLMR_IN_LOCK_DONE] = "lock_done",
	[DLMR_IN_JOURNAL_DONE] = "journal_done",
	[DLMR_IN_TIMER] = "timer",
	[DLMR_IN_UNMOUNT] = "unmount",
};

static const char *const action_names[] = {
	[DLMR_ACT_LOCK] = "lock",
	[DLMR_ACT_UNLOCK] = "unlock",
	[DLMR_ACT_RECOVER] = "recover",
	[DLMR_ACT_BLOCK] = "block",
	[DLMR_ACT_UNBLOCK] = "unblock",
	[DLMR_ACT_MOUNTED] = "mounted",
	[DLMR_ACT_FIRST_DONE] = "first_done",
	[DLMR_ACT_TIMER] = "timer",
	[DLMR_ACT_UNMOUNTED] = "unmounted",
	[DLMR_ACT_FAILED] = "failed",
};

static const char *const lock_names[] = {
	[DLMR_LOCK_CONTROL] = "control",
	[DLMR_LOCK_MOUNTED] = "mounted",
	[DLMR_LOCK_JOURNAL] = "journal",
};

static const char *const timer_names[] = {
	[DLMR_TIMER_MOUNT] = "mount",
	[DLMR_TIMER_WORK] = "work",
	[DLMR_TIMER_RECOVERY] = "recovery",
};

/* Entry @i of a table of @n names, NULL outside it or where it has none. */
static const char *name_of(const char *const *t, unsigned int n, long i)
{
	return i >= 0 && i < (long)n ? t[i] : NULL;
}

#define NAME_OF(t, i) name_of((t), sizeof(t) / sizeof((t)[0]), (long)(i))

DLMR_EXPORT const char *dlmr_input_name(enum dlmr_input_type type)
{
	return NAME_OF(input_names, type);
}

DLMR_EXPORT const char *dlmr_action_name(enum dlmr_action_type type)
{
	return NAME_OF(action_names, type);
}

DLMR_EXPORT const char *dlmr_lock_name(int lock)
{
	return NAME_OF(lock_names, lock);
}

DLMR_EXPORT const char *dlmr_timer_name(int timer)
{
	return NAME_OF(timer_names, timer);
}

/* ---- mutants ------------------------------------------------------------ */

/* A planted bug or a proposed fix: its name and one-line description. */
struct variant {
	const char *name;
	const char *desc;
};

static const struct variant mutants[MUT_MAX] = {
	[MUT_UNBLOCK_EARLY] = { "unblock-early",
		"gfs2_control_func() unblocks without checking that no "
		"recover_prep/recover_done came while it worked" },
	[MUT_CLEAR_BIT_EARLY] = { "clear-bit-early",
		"gfs2_control_func() clears a journal's lvb bit before that "
		"journal is recovered" },
	[MUT_MOUNTED_QUEUE] = { "mounted-queue",
		"control_mount() takes mounted_lock EX without NOQUEUE" },
	[MUT_SKIP_FIRST_RECOVERY] = { "skip-first-recovery",
		"the first mounter recovers only its own journal, not every "
		"journal" },
	[MUT_IGNORE_LVB_BITS] = { "ignore-lvb-bits",
		"control_mount() finishes although jid bits are set in the "
		"control lvb" },
	[MUT_WORK_NOQUEUE] = { "work-noqueue",
		"gfs2_control_func() asks for the control lock with "
		"DLM_LKF_NOQUEUE and, when refused, queues itself again "
		"(a retry that can always come while another node holds "
		"the lock)" },
	[MUT_RETRY_STALE_LVB] = { "retry-stale-lvb",
		"control_mount() retries after its sleep without "
		"DLM_LKF_VALBLK, so it rereads the value block of its first "
		"try" },
};

static const struct variant fixes[FIX_MAX] = {
	[FIX_WORK_RETRY_BUSY] = { "work-retry-busy",
		"gfs2_control_func() queues itself again when control_lock "
		"fails with -EBUSY instead of giving up" },
	[FIX_FIRST_DONE_SERIAL] = { "first-done-serial",
		"control_first_done() keeps DFL_FIRST_MOUNT until its two "
		"conversions are done, then queues the control work, so the "
		"two never share the control lksb" },
	[FIX_SLOT_CLEARS_RESULT] = { "slot-clears-result",
		"gdlm_recover_slot() clears ls_recover_result[jid] with the new "
		"failure, so an unconsumed result of an earlier recovery of that "
		"journal cannot clear the new failure's lvb bit" },
	[FIX_WORK_CLEARS_OWN_BIT] = { "work-clears-own-bit",
		"gfs2_control_func() clears the lvb bit of its own jid (a "
		"mounted node's journal needs no recovery by others: a bit "
		"for it is a stale one brought back by the value block's "
		"recovery after the control lock's master failed)" },
	[FIX_VALNOTVALID_RESUBMIT] = { "valnotvalid-resubmit",
		"gfs2_control_func() honours DLM_SBF_VALNOTVALID on the "
		"control lock: the value block was rebuilt from a lock that "
		"only read it, so it sets the bit of every journal no member "
		"of the last recover_done owns" },
	[FIX_KERNEL_SLOT] = { "kernel-slot-fix",
		"not gfs2's but the kernel's (kernel/patches/0001): the DLM "
		"reports a failed member with the slot it has in the last slot "
		"table this node completed, and not at all if it is in none "
		"(never -1 or 0)" },
	[FIX_WORK_RETRY_RECOVERING] = { "work-retry-recovering",
		"gfs2_control_func() queues itself again (1 s) when "
		"gfs2_recover_set() returns -EBUSY for a journal whose "
		"recovery work item has not cleared JDF_RECOVERY yet, "
		"instead of leaving the retry to nobody" },
	[FIX_PREP_ACK] = { "prep-ack",
		"not gfs2's but the kernel's, for late delivery (a userspace "
		"lockspace's listener): the DLM's recovery does not go past "
		"its stop (dlm_recover_members(), locking still stopped) "
		"until the listener has acknowledged the recover_prep event" },
	[FIX_EVENTS_FIRST] = { "events-before-grants",
		"not gfs2's but a userspace driver's, for late delivery: "
		"before it hands a lock completion to the engine, the driver "
		"reads every recovery event the kernel has sent (the series "
		"queues each event to the listener's socket before the "
		"recovery goes on, so all of a recovery's events are there "
		"before any grant that recovery allows)" },
	[FIX_SLOT_FROM_TABLE] = { "slot-from-table",
		"gdlm_recover_slot() resolves a slot < 1 (an unfixed kernel's "
		"-1 or 0) from the last recover_done's table by nodeid, and "
		"ignores a member absent from it (it never mounted)" },
};

/* Entry @id (1..n-1) of a table, NULL out of range. */
static const struct variant *variant(const struct variant *t, unsigned int n,
				     unsigned int id)
{
	return id && id < n ? &t[id] : NULL;
}

static int variant_from_name(const struct variant *t, unsigned int n,
			     const char *name)
{
	for (unsigned int id = 1; name && id < n; id++)
		if (!strcmp(name, t[id].name))
			return (int)id;
	return -ENOENT;
}

DLMR_EXPORT const char *dlmr_fix_name(unsigned int id)
{
	const struct variant *v = variant(fixes, FIX_MAX, id);

	return v ? v->name : NULL;
}

DLMR_EXPORT const char *dlmr_fix_description(unsigned int id)
{
	const struct variant *v = variant(fixes, FIX_MAX, id);

	return v ? v->desc : NULL;
}

DLMR_EXPORT int dlmr_fix_from_name(const char *name)
{
	return variant_from_name(fixes, FIX_MAX, name);
}

DLMR_EXPORT const char *dlmr_mutant_name(unsigned int id)
{
	const struct variant *v = variant(mutants, MUT_MAX, id);

	return v ? v->name : NULL;
}

DLMR_EXPORT const char *dlmr_mutant_description(unsigned int id)
{
	const struct variant *v = variant(mutants, MUT_MAX, id);

	return v ? v->desc : NULL;
}

DLMR_EXPORT int dlmr_mutant_from_name(const char *name)
{
	return variant_from_name(mutants, MUT_MAX, name);
}

int dlmr_coord_init(struct dlmr_coord *c, const struct dlmr_coord_config *cfg)
{
	if (!c || !cfg || !cfg->journals || cfg->journals > DLMR_JOURNALS_MAX ||
	    cfg->mutant >= MUT_MAX || cfg->fixes >> FIX_MAX)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->jid = -1;
	c->control_mode = DLMR_MODE_IV;
	c->mounted_mode = DLMR_MODE_IV;
	/* gdlm_mount(): set_recover_size(sdp, NULL, 0) */
	c->recover_size = RECOVER_SIZE_INC;
	return 0;
}

DLMR_EXPORT int dlmr_coord_new(const struct dlmr_coord_config *cfg,
			       struct dlmr_coord **out)
{
	struct dlmr_coord *c;
	int r;

	if (!out)
		return -EINVAL;
	c = ENGINE_ZALLOC(sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = dlmr_coord_init(c, cfg);
	if (r) {
		ENGINE_FREE(c);
		return r;
	}
	*out = c;
	return 0;
}

DLMR_EXPORT void dlmr_coord_free(struct dlmr_coord *c)
{
	ENGINE_FREE(c);
}

DLMR_EXPORT int dlmr_coord_slot_stats(const struct dlmr_coord *c,
				      struct dlmr_coord_slot_stats *st)
{
	if (!c || !st)
		return -EINVAL;
	*st = c->bad_slots;
	return 0;
}

DLMR_EXPORT int dlmr_coord_status(const struct dlmr_coord *c,
				  struct dlmr_coord_status *st)
{
	if (!c || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->jid = c->jid;
	st->first = c->first;
	st->first_done = c->flags & CF_FIRST_MOUNT_DONE;
	st->blocked = c->flags & CF_BLOCK_LOCKS;
	st->mounted = c->mp == MP_MOUNTED || c->mp == MP_UNMOUNTING;
	st->recover_block = c->recover_block;
	st->recover_start = c->recover_start;
	st->recover_mount = c->recover_mount;
	return 0;
}
