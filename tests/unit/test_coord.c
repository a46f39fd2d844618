/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the coordinator (lib/libdlmrecover/coord.c), driven by hand
 * through gfs2's protocol (fs/gfs2/lock_dlm.c, Linux 6.1).  Every expected
 * action is derived from the kernel code:
 *  - control_mount(): control NL VALBLK (new), mounted NL (new), restart:
 *    [mounted ->NL], msleep(500), control ->EX NOQUEUE VALBLK, mounted ->EX
 *    NOQUEUE, else mounted ->PR NOQUEUE, locks_done: lvb checks;
 *  - init_journal(): own journal EX; first mounter recovers journals
 *    0..J-1 (gfs2_recover_func: others under an EX NOQUEUE try-lock), then
 *    control_first_done(): mounted ->PR, control ->NL VALBLK writing
 *    (start_gen, no bits);
 *  - gfs2_control_func(): control ->EX VALBLK, propagate recover_submit[]
 *    and recover_result[] into the lvb, ->NL (VALBLK when writing), then
 *    gfs2_recover_set() for every set bit, or clear BLOCK_LOCKS.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dlmrecover.h"

#define NL DLMR_MODE_NL
#define PR DLMR_MODE_PR
#define EX DLMR_MODE_EX
#define NOQ DLMR_LKF_NOQUEUE
#define CVT DLMR_LKF_CONVERT
#define VAL DLMR_LKF_VALBLK
#define CTRL DLMR_LOCK_CONTROL
#define MNT DLMR_LOCK_MOUNTED
#define JRNL DLMR_LOCK_JOURNAL

/* ---- helpers ------------------------------------------------------------ */

static struct dlmr_coord *coord_new_fixes(unsigned int journals,
					  unsigned int fixes)
{
	struct dlmr_coord_config cfg = { .journals = journals, .fixes = fixes };
	struct dlmr_coord *c = NULL;

	assert_int_equal(dlmr_coord_new(&cfg, &c), 0);
	assert_non_null(c);
	return c;
}

static struct dlmr_coord *coord_new(unsigned int journals)
{
	struct dlmr_coord_config cfg = { .journals = journals };
	struct dlmr_coord *c = NULL;

	assert_int_equal(dlmr_coord_new(&cfg, &c), 0);
	assert_non_null(c);
	return c;
}

static void feed(struct dlmr_coord *c, const struct dlmr_input *in)
{
	assert_int_equal(dlmr_coord_feed(c, in), 0);
}

static struct dlmr_action next(struct dlmr_coord *c)
{
	struct dlmr_action a;

	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(dlmr_coord_next(c, &a), 1);
	return a;
}

static void expect_none(struct dlmr_coord *c)
{
	struct dlmr_action a;

	assert_int_equal(dlmr_coord_next(c, &a), 0);
}

static void expect_type(struct dlmr_coord *c, enum dlmr_action_type t)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, t);
}

/*
 * A LOCK action; lvb is the value block gfs2 has just written for it, or
 * NULL for none.  A control request with VALBLK always carries the
 * buffer (ls_control_lvb).
 */
static void expect_lock(struct dlmr_coord *c, int lock, int jid, int mode,
			unsigned int flags, const uint8_t *lvb)
{
	struct dlmr_action a = next(c);
	bool buf = lock == CTRL && (flags & DLMR_LKF_VALBLK);

	assert_int_equal(a.type, DLMR_ACT_LOCK);
	assert_int_equal(a.lock, lock);
	if (lock == JRNL)
		assert_int_equal(a.jid, jid);
	assert_int_equal(a.mode, mode);
	assert_int_equal(a.flags, flags);
	assert_int_equal(a.write_lvb, lvb != NULL || buf);
	if (lvb)
		assert_memory_equal(a.lvb, lvb, DLMR_LVB_SIZE);
}

static void expect_unlock(struct dlmr_coord *c, int lock, int jid)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, DLMR_ACT_UNLOCK);
	assert_int_equal(a.lock, lock);
	if (lock == JRNL)
		assert_int_equal(a.jid, jid);
}

static void expect_timer(struct dlmr_coord *c, int timer, unsigned int ms)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, DLMR_ACT_TIMER);
	assert_int_equal(a.timer, timer);
	assert_int_equal(a.timer_ms, ms);
}

static void expect_timer_jid(struct dlmr_coord *c, int timer, int jid,
			     unsigned int ms)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, DLMR_ACT_TIMER);
	assert_int_equal(a.timer, timer);
	assert_int_equal(a.jid, jid);
	assert_int_equal(a.timer_ms, ms);
}

static void expect_recover(struct dlmr_coord *c, int jid)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, DLMR_ACT_RECOVER);
	assert_int_equal(a.jid, jid);
}

static void expect_mounted(struct dlmr_coord *c, int jid, bool first)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, DLMR_ACT_MOUNTED);
	assert_int_equal(a.jid, jid);
	assert_int_equal(a.first, first);
}

static void expect_failed(struct dlmr_coord *c, int error)
{
	struct dlmr_action a = next(c);

	assert_int_equal(a.type, DLMR_ACT_FAILED);
	assert_int_equal(a.error, error);
}

static void lock_done(struct dlmr_coord *c, int lock, int jid, int status,
		      const uint8_t *lvb)
{
	struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE, .lock = lock,
				 .jid = jid, .status = status, .lvb = lvb };

	feed(c, &in);
}

static void grant(struct dlmr_coord *c, int lock)
{
	lock_done(c, lock, -1, 0, NULL);
}

static void grant_lvb(struct dlmr_coord *c, int lock, const uint8_t *lvb)
{
	lock_done(c, lock, -1, 0, lvb);
}

static void grant_journal(struct dlmr_coord *c, int jid, int status)
{
	lock_done(c, JRNL, jid, status, NULL);
}

static void fire(struct dlmr_coord *c, int timer)
{
	struct dlmr_input in = { .type = DLMR_IN_TIMER, .timer = timer };

	feed(c, &in);
}

static void fire_jid(struct dlmr_coord *c, int timer, int jid)
{
	struct dlmr_input in = { .type = DLMR_IN_TIMER, .timer = timer,
				 .jid = jid };

	feed(c, &in);
}

/*
 * The recovery work item of journal jid (gfs2_recover_func() on
 * gfs_recovery_wq) runs later, on its own: the recovery timer of that
 * jid, asked for last, then fired.  rec_start(): the work item starts
 * (queued by gfs2_recover_journal()); rec_end(): its last step after the
 * result was handed on (unlock, clear_bit(JDF_RECOVERY), wake_up_bit()).
 */
static void rec_step(struct dlmr_coord *c, int jid)
{
	expect_timer_jid(c, DLMR_TIMER_RECOVERY, jid, 0);
	expect_none(c);
	fire_jid(c, DLMR_TIMER_RECOVERY, jid);
}

#define rec_start rec_step
#define rec_end rec_step

static void journal_done(struct dlmr_coord *c, int jid, int result)
{
	struct dlmr_input in = { .type = DLMR_IN_JOURNAL_DONE, .jid = jid,
				 .result = result };

	feed(c, &in);
}

static void simple(struct dlmr_coord *c, enum dlmr_input_type t)
{
	struct dlmr_input in = { .type = t };

	feed(c, &in);
}

static void slot_cb(struct dlmr_coord *c, uint32_t nodeid, int slot)
{
	struct dlmr_input in = { .type = DLMR_IN_SLOT, .nodeid = nodeid,
				 .slot = slot };

	feed(c, &in);
}

/* recover_done with the table "node n has slot n" for the nodes in mask */
static void done_cb(struct dlmr_coord *c, uint32_t gen, int our_slot,
		    unsigned int mask)
{
	struct dlmr_slot s[8];
	unsigned int n = 0;
	struct dlmr_input in = { .type = DLMR_IN_DONE };

	for (int i = 1; i < 8; i++)
		if (mask & (1u << i))
			s[n++] = (struct dlmr_slot){ .nodeid = (uint32_t)i,
						     .slot = i };
	in.slots = s;
	in.num_slots = n;
	in.our_slot = our_slot;
	in.generation = gen;
	feed(c, &in);
}

static void lvb_make(uint8_t lvb[DLMR_LVB_SIZE], uint32_t gen,
		     const int *jids, size_t n)
{
	assert_int_equal(dlmr_lvb_encode(gen, jids, n, lvb), 0);
}

static struct dlmr_coord_status status(const struct dlmr_coord *c)
{
	struct dlmr_coord_status st;

	assert_int_equal(dlmr_coord_status(c, &st), 0);
	return st;
}

/*
 * The mount thread goes on, later, on its own: the mount timer at once
 * (control_mount() returned and the mount goes on to init_journal(); or
 * woken from gfs2_recover_journal(jd, true) by the end of a recovery).
 */
static void wake_mount(struct dlmr_coord *c)
{
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
}

/* The mount thread is to go on later (the mount timer asked for), but a
 * recover_prep comes first: woken, it waits for recover_done. */
static void prep_before_wakeup(struct dlmr_coord *c)
{
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	simple(c, DLMR_IN_PREP);
	fire(c, DLMR_TIMER_MOUNT);
	expect_none(c);
	assert_false(status(c).mounted);
}

/* The recover_done the mount waits for, then its queued (idle) work. */
static void join(struct dlmr_coord *c, uint32_t gen, int our_slot,
		 unsigned int mask)
{
	done_cb(c, gen, our_slot, mask);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	/* gfs2_control_func() without DFL_MOUNT_DONE returns at once */
	fire(c, DLMR_TIMER_WORK);
	expect_none(c);
}

/* control_mount() up to the first control ->EX NOQUEUE request */
static void mount_to_ctrl_ex(struct dlmr_coord *c)
{
	simple(c, DLMR_IN_MOUNT);
	expect_type(c, DLMR_ACT_BLOCK);
	expect_lock(c, CTRL, -1, NL, VAL, NULL);
	expect_none(c);
	grant(c, CTRL);
	expect_lock(c, MNT, -1, NL, 0, NULL);
	expect_none(c);
	grant(c, MNT);
	expect_timer(c, DLMR_TIMER_MOUNT, 500);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
	expect_lock(c, CTRL, -1, EX, NOQ | CVT | VAL, NULL);
	expect_none(c);
}

/*
 * A first mounter with jid 0, joined at generation 1 with the nodes of
 * 'mask' (each with slot = nodeid), from the join to the recovery of its
 * own journal (RECOVER 0 asked, not answered).
 */
static void first_to_own_recover(struct dlmr_coord *c, unsigned int mask)
{
	uint8_t zero[DLMR_LVB_SIZE] = { 0 };
	struct dlmr_coord_status st;

	join(c, 1, 1, mask);
	st = status(c);
	assert_int_equal(st.jid, 0);
	assert_int_equal(st.recover_mount, 1);
	assert_int_equal(st.recover_start, 1);
	assert_int_equal(st.recover_block, 0);
	assert_false(st.mounted);

	mount_to_ctrl_ex(c);
	assert_true(status(c).blocked);
	grant_lvb(c, CTRL, zero);
	expect_lock(c, MNT, -1, EX, NOQ | CVT, NULL);
	expect_none(c);
	grant(c, MNT);
	/* locks_done, first mounter: clear BLOCK_LOCKS, keep both EX */
	expect_type(c, DLMR_ACT_UNBLOCK);
	/* init_journal(), later: sd_journal_gh, EX without TRY */
	wake_mount(c);
	expect_lock(c, JRNL, 0, EX, 0, NULL);
	expect_none(c);
	st = status(c);
	assert_true(st.first);
	assert_false(st.first_done);
	assert_false(st.blocked);
	assert_false(st.mounted);

	grant_journal(c, 0, 0);
	/* gfs2_recover_journal(): the work item runs later */
	rec_start(c, 0);
	/* our own journal: no lock of its own */
	expect_recover(c, 0);
	expect_none(c);
}

/* control_first_done(): mounted ->PR (no NOQUEUE), control ->NL writing
 * start_gen and an empty bitmap; then the mount is finished. */
static void expect_first_done(struct dlmr_coord *c, uint32_t start_gen)
{
	uint8_t fd_lvb[DLMR_LVB_SIZE];
	struct dlmr_coord_status st;

	expect_lock(c, MNT, -1, PR, CVT, NULL);
	expect_none(c);
	grant(c, MNT);
	lvb_make(fd_lvb, start_gen, NULL, 0);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, fd_lvb);
	expect_none(c);
	grant(c, CTRL);
	expect_type(c, DLMR_ACT_FIRST_DONE);
	expect_mounted(c, 0, true);
	expect_none(c);
	st = status(c);
	assert_true(st.first);
	assert_true(st.first_done);
	assert_true(st.mounted);
	assert_false(st.blocked);
}

/* The other journals' recovery by a first mounter: j from..to-1, each
 * after the mount thread is woken from the previous one's; then its
 * wake-up from the last. */
static void first_recover_others(struct dlmr_coord *c, int from, int to)
{
	for (int j = from; j < to; j++) {
		wake_mount(c);
		/* gfs2_recover_func(): LM_FLAG_TRY journal glock */
		rec_start(c, j);
		expect_lock(c, JRNL, j, EX, NOQ, NULL);
		expect_none(c);
		grant_journal(c, j, 0);
		expect_recover(c, j);
		expect_none(c);
		journal_done(c, j, DLMR_JOURNAL_SUCCESS);
		/* DFL_FIRST_MOUNT: recovery_result queues no work */
		rec_end(c, j);
		expect_unlock(c, JRNL, j);
	}
	wake_mount(c);
}

/* A whole first mount of 'journals' journals (see first_to_own_recover). */
static void first_mount(struct dlmr_coord *c, unsigned int journals,
			unsigned int mask)
{
	first_to_own_recover(c, mask);
	journal_done(c, 0, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 0);
	first_recover_others(c, 1, (int)journals);
	expect_first_done(c, 1);
}

/*
 * Second mounter: drive control_mount() from the control EX request to
 * the control ->NL grant, the control lock granted EX with 'lvb'.
 */
static void other_locks(struct dlmr_coord *c, const uint8_t *lvb)
{
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, MNT, -1, EX, NOQ | CVT, NULL);
	expect_none(c);
	/* somebody holds mounted PR: EX NOQUEUE is refused */
	lock_done(c, MNT, -1, -EAGAIN, NULL);
	expect_lock(c, MNT, -1, PR, NOQ | CVT, NULL);
	expect_none(c);
	grant(c, MNT);
	/* locks_done, not first: control ->NL, no VALBLK */
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	expect_none(c);
	grant(c, CTRL);
}

/* After other_locks(): "goto restart" (mounted ->NL, sleep, control EX,
 * its request carrying the buffer: 'lvb', or NULL not to check it) */
static void expect_restart_lvb(struct dlmr_coord *c, const uint8_t *lvb)
{
	expect_lock(c, MNT, -1, NL, CVT, NULL);
	expect_none(c);
	assert_false(status(c).mounted);
	assert_true(status(c).blocked);
	grant(c, MNT);
	expect_timer(c, DLMR_TIMER_MOUNT, 500);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
	expect_lock(c, CTRL, -1, EX, NOQ | CVT | VAL, lvb);
	expect_none(c);
}

static void expect_restart(struct dlmr_coord *c)
{
	expect_restart_lvb(c, NULL);
}

/* After other_locks() with a good lvb: unblock, own journal, mounted. */
static void expect_other_mounted(struct dlmr_coord *c, int jid)
{
	expect_type(c, DLMR_ACT_UNBLOCK);
	wake_mount(c);
	expect_lock(c, JRNL, jid, EX, 0, NULL);
	expect_none(c);
	grant_journal(c, jid, 0);
	/* gfs2_recover_journal(sd_jdesc): our journal, locked already */
	rec_start(c, jid);
	expect_recover(c, jid);
	expect_none(c);
	journal_done(c, jid, DLMR_JOURNAL_SUCCESS);
	/* own journal: no unlock, and recovery_result ignores it; the
	 * work item clears JDF_RECOVERY, and the mount thread, woken,
	 * then goes on */
	rec_end(c, jid);
	wake_mount(c);
	expect_mounted(c, jid, false);
	expect_none(c);
	assert_true(status(c).mounted);
	assert_false(status(c).first);
	assert_false(status(c).first_done);
	assert_false(status(c).blocked);
}

/* gfs2_control_func() runs (its timer fires) and asks for control EX. */
static void work_to_ex(struct dlmr_coord *c)
{
	fire(c, DLMR_TIMER_WORK);
	expect_lock(c, CTRL, -1, EX, CVT | VAL, NULL);
	expect_none(c);
}

/* ---- (a) first mounter ---------------------------------------------------- */

static void test_first_mounter(void **state)
{
	struct dlmr_coord *c = coord_new(3);

	(void)state;
	first_mount(c, 3, 1u << 1);
	dlmr_coord_free(c);
}

static void test_first_mounter_one_journal(void **state)
{
	struct dlmr_coord *c = coord_new(1);

	(void)state;
	first_mount(c, 1, 1u << 1);
	dlmr_coord_free(c);
}

/* A first mounter of two journals (node 1 alone), up to journal 1's
 * try-lock, asked for once the mount thread woke from journal 0's. */
static struct dlmr_coord *first_to_journal1_lock(void)
{
	struct dlmr_coord *c = coord_new(2);

	first_to_own_recover(c, 1u << 1);
	journal_done(c, 0, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 0);
	wake_mount(c);
	rec_start(c, 1);
	expect_lock(c, JRNL, 1, EX, NOQ, NULL);
	expect_none(c);
	return c;
}

/* A journal of a first-mount check given up on (try-lock failed) is
 * skipped: init_journal() goes on to the next one, no work is queued. */
static void test_first_mounter_busy_journal(void **state)
{
	struct dlmr_coord *c = first_to_journal1_lock();

	(void)state;
	grant_journal(c, 1, -EAGAIN);
	rec_end(c, 1);
	wake_mount(c);
	expect_first_done(c, 1);
	dlmr_coord_free(c);
}

/* control_first_done() between prep and done waits for recover_done
 * (wait_on_bit DFL_DLM_RECOVERY), then writes the new generation. */
static void test_first_done_waits_for_recovery(void **state)
{
	struct dlmr_coord *c = coord_new(2);

	(void)state;
	first_to_own_recover(c, 1u << 1);
	/* node 2 joins: prep during first-mount recovery blocks nothing */
	simple(c, DLMR_IN_PREP);
	expect_none(c);
	assert_false(status(c).blocked);
	assert_int_equal(status(c).recover_block, 1);
	journal_done(c, 0, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 0);
	first_recover_others(c, 1, 2);
	/* start_gen == block_gen: wait */
	expect_none(c);
	assert_false(status(c).mounted);
	done_cb(c, 2, 1, (1u << 1) | (1u << 2));
	/* gdlm_recover_done() queues the work, then wakes first_done: the
	 * mount thread runs on its own, later (the mount timer) */
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
	expect_first_done(c, 2);
	/* the work now runs: block_gen 1 != start_gen 2 -> control EX */
	work_to_ex(c);
	dlmr_coord_free(c);
}

/*
 * A recover_prep between recover_done and the moment the mount thread,
 * woken by it, runs again: DFL_DLM_RECOVERY is set again, so
 * wait_on_bit() goes on waiting and control_first_done() does nothing
 * until the next recover_done.  (The old model went on with
 * control_first_done() inside the recover_done callback itself, so this
 * order could not happen.)
 */
static void test_first_done_prep_before_wakeup(void **state)
{
	struct dlmr_coord *c = coord_new(2);

	(void)state;
	first_to_own_recover(c, 1u << 1);
	simple(c, DLMR_IN_PREP);
	journal_done(c, 0, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 0);
	first_recover_others(c, 1, 2);
	expect_none(c);
	done_cb(c, 2, 1, (1u << 1) | (1u << 2));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	/* a third node joins before the mount thread runs */
	prep_before_wakeup(c);
	done_cb(c, 3, 1, (1u << 1) | (1u << 2) | (1u << 3));
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
	expect_first_done(c, 3);
	dlmr_coord_free(c);
}

/*
 * F3 (docs/step-order.md): the end of the last journal's recovery wakes
 * the mount thread (wake_up_bit(JDF_RECOVERY), recovery.c 560-561); it
 * runs gfs2_others_may_mount() later, on its own.  A recover_prep in
 * between makes control_first_done() wait for recover_done.  (The old
 * model went on to control_first_done() inside the journal's end.)
 */
static void test_first_done_prep_after_last_journal(void **state)
{
	struct dlmr_coord *c = first_to_journal1_lock();

	(void)state;
	grant_journal(c, 1, 0);
	expect_recover(c, 1);
	journal_done(c, 1, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 1);
	expect_unlock(c, JRNL, 1);
	/* node 2 joins before the mount thread runs */
	prep_before_wakeup(c);
	done_cb(c, 2, 1, (1u << 1) | (1u << 2));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	wake_mount(c);
	expect_first_done(c, 2);
	dlmr_coord_free(c);
}

/*
 * G (docs/step-order.md): the first mounter in control_first_done(),
 * DFL_FIRST_MOUNT cleared and its mounted_lock ->PR in flight, when
 * node 2 joins: the control work is queued and may run beside the
 * mount thread, on the same control lksb.
 */
static struct dlmr_coord *first_done_node_2_joins(void)
{
	struct dlmr_coord *c = coord_new(2);

	first_to_own_recover(c, 1u << 1);
	journal_done(c, 0, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 0);
	first_recover_others(c, 1, 2);
	expect_lock(c, MNT, -1, PR, CVT, NULL);
	expect_none(c);
	simple(c, DLMR_IN_PREP);
	expect_type(c, DLMR_ACT_BLOCK);
	done_cb(c, 2, 1, (1u << 1) | (1u << 2));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	return c;
}

/* mounted_lock PR granted: control_first_done() asks for control NL,
 * with the block it wrote before the join's done came (generation 1) */
static void first_done_asks_nl(struct dlmr_coord *c)
{
	uint8_t lvb[DLMR_LVB_SIZE];

	grant(c, MNT);
	lvb_make(lvb, 1, NULL, 0);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, lvb);
	expect_none(c);
}

/* control_first_done() is over (its NL completed, or refused). */
static void expect_first_done_finished(struct dlmr_coord *c)
{
	expect_type(c, DLMR_ACT_FIRST_DONE);
	expect_mounted(c, 0, true);
	expect_none(c);
}

/* The work's EX granted with generation 1 in the block: it writes
 * generation 2, nothing to recover (node 2 joined), converts to NL and
 * unblocks. */
static void work_ex_writes_gen_2(struct dlmr_coord *c)
{
	uint8_t lvb[DLMR_LVB_SIZE];

	lvb_make(lvb, 1, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	lvb_make(lvb, 2, NULL, 0);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, lvb);
	expect_none(c);
	grant(c, CTRL);
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_none(c);
	assert_false(status(c).blocked);
}

/*
 * G: the coordinator no longer decides -EBUSY itself.  The control work
 * asks the DLM for control EX while control_first_done()'s EX -> NL
 * (a down-conversion: never busy in Linux 6.1) is in flight, and the
 * two completions come in the order of the requests: the mount
 * thread's first, then the work's.  (The model before answered the
 * work's request itself, with -EBUSY, and asked for nothing: finding 1.)
 */
static void test_work_ex_beside_first_done_nl(void **state)
{
	struct dlmr_coord *c = first_done_node_2_joins();

	(void)state;
	first_done_asks_nl(c);
	work_to_ex(c);
	/* the older completion: control_first_done()'s NL */
	grant(c, CTRL);
	expect_first_done_finished(c);
	assert_true(status(c).blocked);
	/* then the work's EX */
	work_ex_writes_gen_2(c);
	dlmr_coord_free(c);
}

/*
 * G, the other order: the work's EX is in flight (awaiting a remote
 * master's reply, or queued) when control_first_done() asks for NL, and
 * dlm_lock() refuses that with -EBUSY, fed as its LOCK_DONE.  -EBUSY is
 * never a completion's status, so it answers the newer request (the
 * mount thread's, which logs it and goes on), and the next completion
 * is the work's.
 */
static void test_first_done_nl_busy_beside_work_ex(void **state)
{
	struct dlmr_coord *c = first_done_node_2_joins();

	(void)state;
	work_to_ex(c);
	first_done_asks_nl(c);
	lock_done(c, CTRL, -1, -EBUSY, NULL);
	expect_first_done_finished(c);
	work_ex_writes_gen_2(c);
	/* a third completion has no request */
	assert_int_equal(dlmr_coord_feed(c, &(struct dlmr_input){
		.type = DLMR_IN_LOCK_DONE, .lock = CTRL }), -EPROTO);
	dlmr_coord_free(c);
}

/* ---- (b) second mounter ---------------------------------------------------- */

static struct dlmr_coord *second_start(void)
{
	struct dlmr_coord *c = coord_new(3);

	/* node 2 joins node 1's lockspace: generation 2, slot 2 */
	join(c, 2, 2, (1u << 1) | (1u << 2));
	assert_int_equal(status(c).jid, 1);
	assert_int_equal(status(c).recover_mount, 2);
	mount_to_ctrl_ex(c);
	return c;
}

static void test_second_mounter(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_other_mounted(c, 1);
	dlmr_coord_free(c);
}

/*
 * D (docs/step-order.md): control_mount() returns, and the mount reaches
 * init_journal()'s journal glock (ops_fstype.c 783-787) later.  With
 * DFL_MOUNT_DONE set, a node failure in between blocks locks and the
 * control work runs before our journal lock is asked for.  (The old
 * model asked for the journal lock in control_mount()'s last step.)
 */
static void test_journal_lock_after_mount_returns(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	/* node 1 fails before the mount thread gets to init_journal() */
	simple(c, DLMR_IN_PREP);
	expect_type(c, DLMR_ACT_BLOCK);
	slot_cb(c, 1, 1);
	done_cb(c, 3, 2, 1u << 2);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	work_to_ex(c);
	fire(c, DLMR_TIMER_MOUNT);
	expect_lock(c, JRNL, 1, EX, 0, NULL);
	expect_none(c);
	assert_true(status(c).blocked);
	dlmr_coord_free(c);
}

static void test_second_mounter_bits_set(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];
	int j2 = 2;

	(void)state;
	/* a journal still needs recovery: restart while any bit is set */
	lvb_make(lvb, 2, &j2, 1);
	other_locks(c, lvb);
	expect_restart(c);
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_other_mounted(c, 1);
	dlmr_coord_free(c);
}

/*
 * A control grant that brings no value block (dlmr_input::lvb NULL) keeps
 * the buffer as it was: the DLM's set_lvb_lock() copies the resource's
 * block into the lksb's sb_lvbptr only for a grant with VALBLK that reads
 * one (dlm_lvb_operations 1) from a resource that has one; otherwise it
 * leaves gfs2's ls_control_lvb alone.  So the mount decides on the old
 * contents (journal 2 still to recover: restart), and the next VALBLK
 * request carries them.
 */
static void test_second_mounter_no_lvb_copied(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];
	int j2 = 2;

	(void)state;
	lvb_make(lvb, 2, &j2, 1);
	other_locks(c, lvb);
	expect_restart_lvb(c, lvb);
	other_locks(c, NULL);
	/* the buffer still holds what the first grant read */
	expect_restart_lvb(c, lvb);
	dlmr_coord_free(c);
}

static void test_second_mounter_old_generation(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	/* lvb_gen 1 < mount_gen 2: mounted nodes have not caught up */
	lvb_make(lvb, 1, NULL, 0);
	other_locks(c, lvb);
	expect_restart(c);
	/* and again: the wait repeats as long as needed */
	other_locks(c, lvb);
	expect_restart(c);
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_other_mounted(c, 1);
	dlmr_coord_free(c);
}

static void test_second_mounter_start_moved(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	/* another recovery completed (gen 3) while we mount */
	simple(c, DLMR_IN_PREP);
	expect_none(c); /* not MOUNT_DONE: BLOCK_LOCKS already set */
	done_cb(c, 3, 2, (1u << 1) | (1u << 2) | (1u << 3));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	/* lvb_gen 2 >= mount_gen 2 but != start_gen 3 */
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_restart(c);
	fire(c, DLMR_TIMER_WORK); /* still mounting: returns at once */
	expect_none(c);
	lvb_make(lvb, 3, NULL, 0);
	other_locks(c, lvb);
	expect_other_mounted(c, 1);
	assert_int_equal(status(c).recover_mount, 2);
	assert_int_equal(status(c).recover_start, 3);
	dlmr_coord_free(c);
}

static void test_second_mounter_recovery_running(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	/* a prep: recover_block == recover_start == 2 */
	simple(c, DLMR_IN_PREP);
	expect_none(c);
	assert_int_equal(status(c).recover_block, 2);
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_restart(c);
	/* still no done: restart again, even with a perfect lvb */
	other_locks(c, lvb);
	expect_restart(c);
	done_cb(c, 3, 2, (1u << 1) | (1u << 2));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	lvb_make(lvb, 3, NULL, 0);
	other_locks(c, lvb);
	expect_other_mounted(c, 1);
	dlmr_coord_free(c);
}

/* control EX refused (the first mounter holds it): restart, mounted
 * stays NL so no mounted conversion, just the sleep. */
static void test_second_mounter_control_busy(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	lock_done(c, CTRL, -1, -EAGAIN, NULL);
	expect_timer(c, DLMR_TIMER_MOUNT, 500);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
	expect_lock(c, CTRL, -1, EX, NOQ | CVT | VAL, NULL);
	expect_none(c);
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	expect_other_mounted(c, 1);
	dlmr_coord_free(c);
}

/* ---- (c)-(e) recovery on a mounted node ---------------------------------- */

/* Node 1, first mounter of a cluster {1, 2} (gen 1), mounted; node 2
 * crashes: prep, slot(2, 2), done(gen 2).  Leaves the work queued. */
static void mounted_node_crash_of_2_on(struct dlmr_coord *c)
{
	first_mount(c, 3, (1u << 1) | (1u << 2));
	simple(c, DLMR_IN_PREP);
	expect_type(c, DLMR_ACT_BLOCK);
	expect_none(c);
	assert_true(status(c).blocked);
	assert_int_equal(status(c).recover_block, 1);
	slot_cb(c, 2, 2);
	expect_none(c);
	done_cb(c, 2, 1, 1u << 1);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	assert_int_equal(status(c).recover_start, 2);
	assert_true(status(c).blocked);
}

static struct dlmr_coord *mounted_node_crash_of_2(void)
{
	struct dlmr_coord *c = coord_new(3);

	mounted_node_crash_of_2_on(c);
	return c;
}

/*
 * The work holds control EX; the lvb read says generation old_gen with no
 * bits: it writes new_gen with the bit of jid set (recover_submit[] before
 * start_gen), converts to NL and asks for journal jid's try-lock.
 */
static void work_sets_bit(struct dlmr_coord *c, uint32_t old_gen,
			  uint32_t new_gen, int jid)
{
	uint8_t old[DLMR_LVB_SIZE], lvb[DLMR_LVB_SIZE];

	lvb_make(old, old_gen, NULL, 0);
	grant_lvb(c, CTRL, old);
	lvb_make(lvb, new_gen, &jid, 1);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, lvb);
	expect_none(c);
	grant(c, CTRL);
	/* gfs2_recover_set(jid): the work item queued, its try-lock later */
	rec_start(c, jid);
	expect_lock(c, JRNL, jid, EX, NOQ, NULL);
	expect_none(c);
}

static void test_mounted_recovery(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t lvb[DLMR_LVB_SIZE];
	int j1 = 1;

	(void)state;
	work_to_ex(c);
	/* the lvb as first_done wrote it: gen 1, no bits; lvb_gen 1 <
	 * start_gen 2: set the bit of jid 1 (submitted at gen 1) */
	work_sets_bit(c, 1, 2, 1);
	assert_true(status(c).blocked);
	grant_journal(c, 1, 0);
	expect_recover(c, 1);
	expect_none(c);
	journal_done(c, 1, DLMR_JOURNAL_SUCCESS);
	/* gfs2_recover_func(): gfs2_recovery_done() first, whose
	 * recovery_result(SUCCESS) queues the work at once, then the
	 * journal glock released (the old model unlocked first), in the
	 * work item's last step */
	expect_timer(c, DLMR_TIMER_WORK, 0);
	rec_end(c, 1);
	expect_unlock(c, JRNL, 1);
	expect_none(c);
	work_to_ex(c);
	lvb_make(lvb, 2, &j1, 1);
	grant_lvb(c, CTRL, lvb);
	/* clear the bit of the journal we recovered */
	lvb_make(lvb, 2, NULL, 0);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, lvb);
	expect_none(c);
	grant(c, CTRL);
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_none(c);
	assert_false(status(c).blocked);
	assert_true(status(c).mounted);
	dlmr_coord_free(c);
}

/* Another node won the race: it wrote the lvb and recovered the journal
 * before we got the control lock; we write nothing and unblock. */
static void test_mounted_recovery_done_elsewhere(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	work_to_ex(c);
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	expect_none(c);
	grant(c, CTRL);
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_none(c);
	dlmr_coord_free(c);
}

/* The other survivor wrote gen 2 + bit 1 already: we recover too. */
static void test_mounted_recovery_bit_from_other(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t lvb[DLMR_LVB_SIZE];
	int j1 = 1;

	(void)state;
	work_to_ex(c);
	lvb_make(lvb, 2, &j1, 1);
	grant_lvb(c, CTRL, lvb);
	/* lvb_gen == start_gen: nothing to write */
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	grant(c, CTRL);
	rec_start(c, 1);
	expect_lock(c, JRNL, 1, EX, NOQ, NULL);
	expect_none(c);
	dlmr_coord_free(c);
}

/* (d) the journal is busy (the other survivor recovers it): GAVEUP,
 * retry after 1 s, the bit stays set and we try again. */
static void test_mounted_recovery_gaveup(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t lvb[DLMR_LVB_SIZE];
	int j1 = 1;

	(void)state;
	work_to_ex(c);
	work_sets_bit(c, 1, 2, 1);
	grant_journal(c, 1, -EAGAIN);
	/* "jid=1: Busy": LM_RD_GAVEUP, queue_delayed_work(HZ); nothing
	 * to unlock; JDF_RECOVERY cleared in the work item's last step */
	expect_timer(c, DLMR_TIMER_WORK, 1000);
	rec_end(c, 1);
	expect_none(c);
	assert_true(status(c).blocked);
	work_to_ex(c);
	lvb_make(lvb, 2, &j1, 1);
	grant_lvb(c, CTRL, lvb);
	/* GAVEUP clears nothing; lvb_gen == start_gen writes nothing */
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	grant(c, CTRL);
	rec_start(c, 1);
	expect_lock(c, JRNL, 1, EX, NOQ, NULL);
	expect_none(c);
	assert_true(status(c).blocked);
	dlmr_coord_free(c);
}

/*
 * E (docs/step-order.md): gfs2_recover_set() only queues the journal's
 * work item (gfs2_recover_journal(), recovery.c 565-581); its try-lock of
 * the journal glock (recovery.c 424-431) runs later, on gfs_recovery_wq.
 * A recover_prep can come in between, and a second gfs2_recover_set() of
 * the same journal meanwhile is -EBUSY (JDF_RECOVERY already set).  (The
 * old model asked for the journal lock in the control work's own step.)
 */
static void test_recovery_work_item_starts_later(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t old[DLMR_LVB_SIZE], lvb[DLMR_LVB_SIZE];
	int j1 = 1;

	(void)state;
	work_to_ex(c);
	lvb_make(old, 1, NULL, 0);
	grant_lvb(c, CTRL, old);
	lvb_make(lvb, 2, &j1, 1);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, lvb);
	expect_none(c);
	grant(c, CTRL);
	/* the work item queued: a timer of journal 1, no lock yet */
	expect_timer_jid(c, DLMR_TIMER_RECOVERY, 1, 0);
	expect_none(c);
	/* a prep before the work item runs changes nothing of it */
	simple(c, DLMR_IN_PREP);
	expect_none(c);
	fire_jid(c, DLMR_TIMER_RECOVERY, 1);
	expect_lock(c, JRNL, 1, EX, NOQ, NULL);
	expect_none(c);
	/* a timer of a journal whose work item is not queued: -EPROTO;
	 * a jid out of range: -EINVAL */
	{
		struct dlmr_input in = { .type = DLMR_IN_TIMER,
					 .timer = DLMR_TIMER_RECOVERY,
					 .jid = 0 };

		assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
		in.jid = 1;
		assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
		in.jid = 3;
		assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
		in.jid = -1;
		assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	}
	dlmr_coord_free(c);
}

/*
 * F2 (docs/step-order.md): a recovery that gave up (the try-lock refused,
 * LM_RD_GAVEUP) queues the control work (gdlm_recovery_result(),
 * lock_dlm.c 1220-1262) before its work item clears JDF_RECOVERY
 * (recovery.c 560-562).  If the control work runs in between and the
 * journal's bit is still set, gfs2_recover_set() is -EBUSY (recovery.c
 * 569-570) and gfs2_control_func() (lock_dlm.c 770-782) returns with
 * recover_set > 0: nothing queues the work again, locks stay blocked.
 * (The old model cleared JDF_RECOVERY in the step of the result, so the
 * work could not run in the window.)  work-retry-recovering queues the
 * work again.
 */
static void gaveup_then_work_in_window(struct dlmr_coord *c)
{
	uint8_t lvb[DLMR_LVB_SIZE];
	int j1 = 1;

	work_to_ex(c);
	work_sets_bit(c, 1, 2, 1);
	grant_journal(c, 1, -EAGAIN);
	expect_timer(c, DLMR_TIMER_WORK, 1000);
	/* the work item's last step is asked for, not yet run */
	expect_timer_jid(c, DLMR_TIMER_RECOVERY, 1, 0);
	expect_none(c);
	/* the control work runs first: the bit is still set */
	work_to_ex(c);
	lvb_make(lvb, 2, &j1, 1);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	expect_none(c);
	grant(c, CTRL);
}

static void test_gaveup_work_before_clear_bit(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();

	(void)state;
	gaveup_then_work_in_window(c);
	/* gfs2_recover_set(1): -EBUSY, no work item, no work queued */
	expect_none(c);
	fire_jid(c, DLMR_TIMER_RECOVERY, 1);
	/* JDF_RECOVERY cleared: nothing else happens, for ever */
	expect_none(c);
	assert_true(status(c).blocked);
	dlmr_coord_free(c);
}

static void test_gaveup_work_before_clear_bit_fixed(void **state)
{
	int fix = dlmr_fix_from_name("work-retry-recovering");
	struct dlmr_coord *c;
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	assert_true(fix > 0);
	c = coord_new_fixes(3, 1u << fix);
	mounted_node_crash_of_2_on(c);
	gaveup_then_work_in_window(c);
	/* -EBUSY: the work queued again (1 s) */
	expect_timer(c, DLMR_TIMER_WORK, 1000);
	expect_none(c);
	fire_jid(c, DLMR_TIMER_RECOVERY, 1);
	expect_none(c);
	/* the other node recovered journal 1 and cleared its bit */
	work_to_ex(c);
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	grant(c, CTRL);
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_none(c);
	assert_false(status(c).blocked);
	dlmr_coord_free(c);
}

/*
 * M (docs/step-order.md): gfs2_recover_set() starts with
 * wait_for_completion(&sdp->sd_journal_ready) (sys.c 494), completed
 * only once our own mount's init_journal() returned (ops_fstype.c
 * 890-891).  A second mounter whose control_mount() is done, but not
 * init_journal(), runs its control work after a failure: the work finds
 * the failed node's bit and waits in gfs2_recover_set(), holding the work
 * item (a queued run waits behind it), until the mount is finished; then
 * it goes on, later (the mount timer), and queues the journal's recovery.
 * (The old model queued the recovery at once.)
 */
static void test_recover_set_waits_for_journal_ready(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE], old[DLMR_LVB_SIZE];
	int j2 = 2;

	(void)state;
	lvb_make(lvb, 2, NULL, 0);
	other_locks(c, lvb);
	/* control_mount() done: MOUNT_DONE, the mount goes on later */
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	/* node 3 (slot 3) fails before init_journal() */
	simple(c, DLMR_IN_PREP);
	expect_type(c, DLMR_ACT_BLOCK);
	slot_cb(c, 3, 3);
	done_cb(c, 3, 2, (1u << 1) | (1u << 2));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	work_to_ex(c);
	lvb_make(old, 2, NULL, 0);
	grant_lvb(c, CTRL, old);
	lvb_make(lvb, 3, &j2, 1);
	expect_lock(c, CTRL, -1, NL, CVT | VAL, lvb);
	grant(c, CTRL);
	/* gfs2_recover_set(2) waits for sd_journal_ready: nothing yet */
	expect_none(c);
	/* queued again meanwhile: it waits behind the running work */
	done_cb(c, 4, 2, (1u << 1) | (1u << 2));
	expect_timer(c, DLMR_TIMER_WORK, 0);
	fire(c, DLMR_TIMER_WORK);
	expect_none(c);
	/* the mount thread: own journal, recovered, mounted */
	fire(c, DLMR_TIMER_MOUNT);
	expect_lock(c, JRNL, 1, EX, 0, NULL);
	grant_journal(c, 1, 0);
	rec_start(c, 1);
	expect_recover(c, 1);
	journal_done(c, 1, DLMR_JOURNAL_SUCCESS);
	rec_end(c, 1);
	wake_mount(c);
	expect_mounted(c, 1, false);
	/* complete(&sd_journal_ready): the work goes on later */
	expect_timer(c, DLMR_TIMER_MOUNT, 0);
	expect_none(c);
	fire(c, DLMR_TIMER_MOUNT);
	/* journal 2's work item queued; the work returns and its queued
	 * run starts at once: control EX */
	expect_timer_jid(c, DLMR_TIMER_RECOVERY, 2, 0);
	expect_lock(c, CTRL, -1, EX, CVT | VAL, NULL);
	expect_none(c);
	fire_jid(c, DLMR_TIMER_RECOVERY, 2);
	expect_lock(c, JRNL, 2, EX, NOQ, NULL);
	expect_none(c);
	assert_true(status(c).blocked);
	dlmr_coord_free(c);
}

/* (e) a prep while the work waits for control EX: it aborts with NL (no
 * VALBLK) and leaves locks blocked; the next done restarts the work. */
static void test_prep_aborts_work(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t old[DLMR_LVB_SIZE];

	(void)state;
	work_to_ex(c);
	simple(c, DLMR_IN_PREP); /* already blocked: no second BLOCK */
	expect_none(c);
	assert_int_equal(status(c).recover_block, 2);
	lvb_make(old, 1, NULL, 0);
	grant_lvb(c, CTRL, old);
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	expect_none(c);
	grant(c, CTRL);
	expect_none(c);
	assert_true(status(c).blocked);
	/* gen 3: the submit of jid 1 at gen 1 was never written */
	done_cb(c, 3, 1, 1u << 1);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	work_to_ex(c);
	work_sets_bit(c, 1, 3, 1);
	dlmr_coord_free(c);
}

/* A prep after the work's EX but before its NL completes: no unblock. */
static void test_prep_before_nl_keeps_block(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	work_to_ex(c);
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	simple(c, DLMR_IN_PREP);
	expect_none(c);
	grant(c, CTRL);
	/* "recover generation 2 block2": BLOCK_LOCKS stays */
	expect_none(c);
	assert_true(status(c).blocked);
	dlmr_coord_free(c);
}

/* The work queued twice while running runs once more, after. */
static void test_work_queued_while_running(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	work_to_ex(c);
	/* a second done while the work runs queues it again */
	simple(c, DLMR_IN_PREP);
	done_cb(c, 3, 1, 1u << 1);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	fire(c, DLMR_TIMER_WORK); /* deferred: the work is running */
	expect_none(c);
	/* its timer is not armed any more: a second expiry is refused
	 * (tests/fuzz/corpus/coord/finding-work-expiry-twice) */
	assert_int_equal(dlmr_coord_feed(c, &(struct dlmr_input){
		.type = DLMR_IN_TIMER, .timer = DLMR_TIMER_WORK }), -EPROTO);
	expect_none(c);
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	/* generations moved: abort */
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	expect_none(c);
	grant(c, CTRL);
	/* ... and the deferred instance runs now */
	expect_lock(c, CTRL, -1, EX, CVT | VAL, NULL);
	expect_none(c);
	dlmr_coord_free(c);
}

/* ---- (f) lvb_gen 0xFFFFFFFF ------------------------------------------------ */

static void test_lvb_disabled_first(void **state)
{
	struct dlmr_coord *c = coord_new(3);
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	join(c, 1, 1, 1u << 1);
	mount_to_ctrl_ex(c);
	lvb_make(lvb, 0xFFFFFFFFu, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, MNT, -1, EX, NOQ | CVT, NULL);
	grant(c, MNT);
	/* fail: mounted_unlock(); control_unlock(); */
	expect_unlock(c, MNT, -1);
	expect_unlock(c, CTRL, -1);
	expect_failed(c, -EINVAL);
	expect_none(c);
	assert_false(status(c).mounted);
	assert_false(status(c).first);
	dlmr_coord_free(c);
}

static void test_lvb_disabled_other(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	lvb_make(lvb, 0xFFFFFFFFu, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, MNT, -1, EX, NOQ | CVT, NULL);
	lock_done(c, MNT, -1, -EAGAIN, NULL);
	expect_lock(c, MNT, -1, PR, NOQ | CVT, NULL);
	grant(c, MNT);
	expect_unlock(c, MNT, -1);
	expect_unlock(c, CTRL, -1);
	expect_failed(c, -EINVAL);
	expect_none(c);
	/* a failed mount cannot be unmounted */
	{
		struct dlmr_input in = { .type = DLMR_IN_UNMOUNT };

		assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	}
	dlmr_coord_free(c);
}

/* mounted PR refused too ("not even -EAGAIN should happen here") */
static void test_mounted_pr_error_fails(void **state)
{
	struct dlmr_coord *c = second_start();
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, MNT, -1, EX, NOQ | CVT, NULL);
	lock_done(c, MNT, -1, -EAGAIN, NULL);
	expect_lock(c, MNT, -1, PR, NOQ | CVT, NULL);
	lock_done(c, MNT, -1, -EAGAIN, NULL);
	expect_unlock(c, MNT, -1);
	expect_unlock(c, CTRL, -1);
	expect_failed(c, -EAGAIN);
	expect_none(c);
	dlmr_coord_free(c);
}

/* ---- (g) API errors and unmount ------------------------------------------- */

static void test_new_errors(void **state)
{
	struct dlmr_coord_config cfg = { .journals = 0 };
	struct dlmr_coord *c = (struct dlmr_coord *)&cfg;

	(void)state;
	assert_int_equal(dlmr_coord_new(&cfg, &c), -EINVAL);
	cfg.journals = DLMR_JOURNALS_MAX + 1;
	assert_int_equal(dlmr_coord_new(&cfg, &c), -EINVAL);
	assert_int_equal(dlmr_coord_new(NULL, &c), -EINVAL);
	cfg.journals = 3;
	assert_int_equal(dlmr_coord_new(&cfg, NULL), -EINVAL);
	cfg.journals = DLMR_JOURNALS_MAX;
	c = NULL;
	assert_int_equal(dlmr_coord_new(&cfg, &c), 0);
	assert_non_null(c);
	dlmr_coord_free(c);
	dlmr_coord_free(NULL);
}

static void test_fresh_status_and_nulls(void **state)
{
	struct dlmr_coord *c = coord_new(3);
	struct dlmr_coord_status st;
	struct dlmr_action a;
	struct dlmr_input in = { .type = DLMR_IN_PREP };

	(void)state;
	st = status(c);
	assert_int_equal(st.jid, -1);
	assert_false(st.first);
	assert_false(st.first_done);
	assert_false(st.blocked);
	assert_false(st.mounted);
	assert_int_equal(st.recover_block, 0);
	assert_int_equal(st.recover_start, 0);
	assert_int_equal(st.recover_mount, 0);
	assert_int_equal(dlmr_coord_status(NULL, &st), -EINVAL);
	assert_int_equal(dlmr_coord_status(c, NULL), -EINVAL);
	assert_int_equal(dlmr_coord_feed(NULL, &in), -EINVAL);
	assert_int_equal(dlmr_coord_feed(c, NULL), -EINVAL);
	assert_int_equal(dlmr_coord_next(NULL, &a), 0);
	assert_int_equal(dlmr_coord_next(c, NULL), 0);
	in.type = (enum dlmr_input_type)99;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	expect_none(c);
	dlmr_coord_free(c);
}

/* Feed a recover_slot; the stats after it. */
static struct dlmr_coord_slot_stats slot_in(struct dlmr_coord *c,
					    uint32_t nodeid, int slot)
{
	struct dlmr_input in = { .type = DLMR_IN_SLOT, .nodeid = nodeid,
				 .slot = slot };
	struct dlmr_coord_slot_stats st;

	assert_int_equal(dlmr_coord_feed(c, &in), 0);
	assert_int_equal(dlmr_coord_slot_stats(c, &st), 0);
	return st;
}

/*
 * recover_slot with slot -1 or 0 (docs/findings.md, finding 7): gfs2's
 * protocol ignores it; slot-from-table takes the slot of the last done's
 * table, and ignores a member absent from it.
 */
static void test_slot_below_one(void **state)
{
	const struct dlmr_slot table[] = { { 1, 1 }, { 2, 2 } };
	struct dlmr_input done = { .type = DLMR_IN_DONE, .slots = table,
				   .num_slots = 2, .our_slot = 1,
				   .generation = 1 };
	struct dlmr_input prep = { .type = DLMR_IN_PREP };
	struct dlmr_coord_slot_stats st;
	int fix = dlmr_fix_from_name("slot-from-table");

	(void)state;
	assert_true(fix > 0);
	assert_non_null(strstr(dlmr_fix_description((unsigned int)fix),
			       "last recover_done"));
	for (int with = 0; with < 2; with++) {
		struct dlmr_coord_config cfg = { .journals = 3,
			.fixes = with ? 1u << fix : 0 };
		struct dlmr_coord *c;

		assert_int_equal(dlmr_coord_new(&cfg, &c), 0);
		assert_int_equal(dlmr_coord_slot_stats(c, &st), 0);
		assert_int_equal(st.resolved + st.ignored + st.last_nodeid, 0);
		assert_int_equal(dlmr_coord_feed(c, &done), 0);
		assert_int_equal(dlmr_coord_feed(c, &prep), 0);
		st = slot_in(c, 2, -1);
		assert_int_equal(st.last_nodeid, 2);
		assert_int_equal(st.last_slot, -1);
		assert_int_equal(st.resolved, with ? 1 : 0);
		assert_int_equal(st.ignored, with ? 0 : 1);
		assert_int_equal(st.last_jid, with ? 1 : -1);
		/* never in a completed table: ignored either way */
		st = slot_in(c, 3, 0);
		assert_int_equal(st.last_nodeid, 3);
		assert_int_equal(st.last_slot, 0);
		assert_int_equal(st.last_jid, -1);
		assert_int_equal(st.ignored, with ? 1 : 2);
		/* a valid slot is not counted */
		st = slot_in(c, 2, 2);
		assert_int_equal(st.resolved + st.ignored, 2);
		assert_int_equal(dlmr_coord_slot_stats(NULL, &st), -EINVAL);
		assert_int_equal(dlmr_coord_slot_stats(c, NULL), -EINVAL);
		dlmr_coord_free(c);
	}
}

static void test_feed_errors(void **state)
{
	struct dlmr_coord *c = coord_new(3);
	struct dlmr_input in;
	struct dlmr_slot s = { .nodeid = 1, .slot = 1 };

	(void)state;
	/* lock completions with nothing outstanding */
	in = (struct dlmr_input){ .type = DLMR_IN_LOCK_DONE, .lock = CTRL };
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	in.lock = MNT;
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	in.lock = JRNL;
	in.jid = 0;
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	in.jid = 3; /* out of range */
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.jid = -1;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.lock = 7;
	in.jid = 0;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	/* journal results */
	in = (struct dlmr_input){ .type = DLMR_IN_JOURNAL_DONE, .jid = 0,
				  .result = DLMR_JOURNAL_SUCCESS };
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	in.jid = 3;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.jid = -1;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.jid = 0;
	in.result = 0;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.result = 3;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	/* timers nobody asked for */
	in = (struct dlmr_input){ .type = DLMR_IN_TIMER,
				  .timer = DLMR_TIMER_MOUNT };
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	in.timer = DLMR_TIMER_WORK;
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	in.timer = 5;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	/* unmount before mounted */
	in = (struct dlmr_input){ .type = DLMR_IN_UNMOUNT };
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	/* malformed callbacks */
	in = (struct dlmr_input){ .type = DLMR_IN_SLOT, .nodeid = 2, .slot = -2 };
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.slot = DLMR_SLOTS_MAX + 1;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in = (struct dlmr_input){ .type = DLMR_IN_DONE, .num_slots = 1,
				  .slots = NULL, .our_slot = 1,
				  .generation = 1 };
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	in.slots = &s;
	in.num_slots = DLMR_SLOTS_MAX + 1;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	/* a slot without a generation (tests/fuzz/corpus/coord/
	 * finding-jid-minus-one: then a done with slot 0 made the jid -1
	 * under the mount, and it asked for journal lock -1) */
	in.num_slots = 1;
	in.generation = 0;
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	/* none of that changed anything */
	expect_none(c);
	assert_int_equal(status(c).jid, -1);
	assert_int_equal(status(c).recover_start, 0);

	join(c, 1, 1, 1u << 1);
	/* a positive lock status is malformed */
	simple(c, DLMR_IN_MOUNT);
	expect_type(c, DLMR_ACT_BLOCK);
	expect_lock(c, CTRL, -1, NL, VAL, NULL);
	in = (struct dlmr_input){ .type = DLMR_IN_LOCK_DONE, .lock = CTRL,
				  .status = 1 };
	assert_int_equal(dlmr_coord_feed(c, &in), -EINVAL);
	/* mount twice */
	in = (struct dlmr_input){ .type = DLMR_IN_MOUNT };
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	/* the mounted lock is not outstanding, the control lock is */
	in = (struct dlmr_input){ .type = DLMR_IN_LOCK_DONE, .lock = MNT };
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	expect_none(c);
	grant(c, CTRL);
	expect_lock(c, MNT, -1, NL, 0, NULL);
	/* the control lock is no longer outstanding */
	in.lock = CTRL;
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	expect_none(c);
	dlmr_coord_free(c);
}

/* MOUNT without a slot (no done yet, or slots disabled) fails at once. */
static void test_mount_without_jid(void **state)
{
	struct dlmr_coord *c = coord_new(3);

	(void)state;
	simple(c, DLMR_IN_MOUNT);
	expect_failed(c, -EINVAL);
	expect_none(c);
	dlmr_coord_free(c);

	/* slot 4 with three journals: jid 3 does not exist */
	c = coord_new(3);
	join(c, 1, 4, 0xfu << 1);
	assert_int_equal(status(c).jid, 3);
	simple(c, DLMR_IN_MOUNT);
	expect_failed(c, -EINVAL);
	expect_none(c);
	dlmr_coord_free(c);
}

static void test_unmount(void **state)
{
	struct dlmr_coord *c = coord_new(2);
	struct dlmr_input in = { .type = DLMR_IN_UNMOUNT };

	(void)state;
	first_mount(c, 2, 1u << 1);
	feed(c, &in);
	expect_unlock(c, JRNL, 0);
	{
		struct dlmr_action a = next(c);

		assert_int_equal(a.type, DLMR_ACT_UNMOUNTED);
		assert_int_equal(a.jid, 0);
	}
	expect_none(c);
	assert_false(status(c).mounted);
	assert_int_equal(dlmr_coord_feed(c, &in), -EPROTO);
	dlmr_coord_free(c);
}

/* gdlm_unmount(): flush_delayed_work() first; DFL_UNMOUNT stops queueing */
static void test_unmount_flushes_work(void **state)
{
	struct dlmr_coord *c = mounted_node_crash_of_2();
	struct dlmr_input in = { .type = DLMR_IN_UNMOUNT };
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	/* the work is pending (queued by done) */
	feed(c, &in);
	expect_none(c);
	assert_true(status(c).mounted);
	work_to_ex(c);
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	expect_lock(c, CTRL, -1, NL, CVT, NULL);
	grant(c, CTRL);
	expect_type(c, DLMR_ACT_UNBLOCK);
	expect_unlock(c, JRNL, 0);
	expect_type(c, DLMR_ACT_UNMOUNTED);
	expect_none(c);
	/* after DFL_UNMOUNT, recover_done queues no work */
	done_cb(c, 3, 1, 1u << 1);
	expect_none(c);
	dlmr_coord_free(c);
}

/* ---- the rules of include/dlmrecover.h's coordinator group ------------------ */

/*
 * "Timers": both can be armed at once.  The join's done queues the work;
 * its expiry is held back while the mount sleeps, and the two fire in
 * either order.
 */
static void two_timers(bool work_first)
{
	struct dlmr_coord *c = coord_new(3);
	uint8_t zero[DLMR_LVB_SIZE] = { 0 };

	done_cb(c, 1, 1, 1u << 1);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	expect_none(c);
	simple(c, DLMR_IN_MOUNT);
	expect_type(c, DLMR_ACT_BLOCK);
	expect_lock(c, CTRL, -1, NL, VAL, NULL);
	grant(c, CTRL);
	expect_lock(c, MNT, -1, NL, 0, NULL);
	grant(c, MNT);
	/* the work timer is still armed: the mount's is asked for anyway */
	expect_timer(c, DLMR_TIMER_MOUNT, 500);
	expect_none(c);
	if (work_first) {
		fire(c, DLMR_TIMER_WORK);
		expect_none(c); /* not mounted yet: the work returns */
	}
	fire(c, DLMR_TIMER_MOUNT);
	expect_lock(c, CTRL, -1, EX, NOQ | CVT | VAL, NULL);
	expect_none(c);
	if (!work_first) {
		fire(c, DLMR_TIMER_WORK);
		expect_none(c);
	}
	grant_lvb(c, CTRL, zero);
	expect_lock(c, MNT, -1, EX, NOQ | CVT, NULL);
	grant(c, MNT);
	expect_type(c, DLMR_ACT_UNBLOCK);
	wake_mount(c);
	expect_lock(c, JRNL, 0, EX, 0, NULL);
	expect_none(c);
	assert_true(status(c).first);
	dlmr_coord_free(c);
}

static void test_two_timers_armed(void **state)
{
	(void)state;
	two_timers(false);
	two_timers(true);
}

/*
 * "The order of inputs", 4: a request that dlm_lock() refuses at once is
 * answered with its error as the completion's status.
 */
static void test_request_error_is_a_completion(void **state)
{
	struct dlmr_coord *c = coord_new(3);
	uint8_t lvb[DLMR_LVB_SIZE];

	(void)state;
	/* the mount's first request: the mount fails with that error */
	join(c, 1, 1, 1u << 1);
	simple(c, DLMR_IN_MOUNT);
	expect_type(c, DLMR_ACT_BLOCK);
	expect_lock(c, CTRL, -1, NL, VAL, NULL);
	lock_done(c, CTRL, -1, -ENOMEM, NULL);
	expect_failed(c, -ENOMEM);
	expect_none(c);
	dlmr_coord_free(c);

	/* the control work's: it gives up until queued again (gfs2 logs
	 * "control lock EX error"), and the next done queues it */
	c = mounted_node_crash_of_2();
	work_to_ex(c);
	lock_done(c, CTRL, -1, -EBUSY, NULL);
	expect_none(c);
	assert_true(status(c).blocked);
	simple(c, DLMR_IN_PREP);
	done_cb(c, 3, 1, 1u << 1);
	expect_timer(c, DLMR_TIMER_WORK, 0);
	work_to_ex(c);
	lvb_make(lvb, 2, NULL, 0);
	grant_lvb(c, CTRL, lvb);
	dlmr_coord_free(c);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(dlmr_input_name(DLMR_IN_MOUNT), "mount");
	assert_string_equal(dlmr_input_name(DLMR_IN_LOCK_DONE), "lock_done");
	assert_string_equal(dlmr_input_name(DLMR_IN_JOURNAL_DONE),
			    "journal_done");
	assert_string_equal(dlmr_input_name(DLMR_IN_UNMOUNT), "unmount");
	assert_null(dlmr_input_name((enum dlmr_input_type)0));
	assert_null(dlmr_input_name((enum dlmr_input_type)(DLMR_IN_UNMOUNT + 1)));
	assert_null(dlmr_input_name((enum dlmr_input_type)-1));
	assert_string_equal(dlmr_action_name(DLMR_ACT_LOCK), "lock");
	assert_string_equal(dlmr_action_name(DLMR_ACT_FIRST_DONE), "first_done");
	assert_string_equal(dlmr_action_name(DLMR_ACT_FAILED), "failed");
	assert_null(dlmr_action_name((enum dlmr_action_type)0));
	assert_null(dlmr_action_name((enum dlmr_action_type)(DLMR_ACT_FAILED + 1)));
	/* the simulator's trace names the recorded actions the same way */
	for (int t = DLMR_ACT_LOCK; t <= DLMR_ACT_FAILED; t++) {
		assert_non_null(dlmr_action_name((enum dlmr_action_type)t));
		if (t != DLMR_ACT_TIMER && t != DLMR_ACT_FAILED)
			assert_int_not_equal(dlmr_event_from_name(
				dlmr_action_name((enum dlmr_action_type)t)),
				DLMR_EV_NONE);
	}
	for (int t = DLMR_IN_MOUNT; t <= DLMR_IN_UNMOUNT; t++)
		assert_non_null(dlmr_input_name((enum dlmr_input_type)t));
	assert_string_equal(dlmr_lock_name(CTRL), "control");
	assert_string_equal(dlmr_lock_name(MNT), "mounted");
	assert_string_equal(dlmr_lock_name(JRNL), "journal");
	assert_null(dlmr_lock_name(3));
	assert_null(dlmr_lock_name(-1));
	assert_string_equal(dlmr_timer_name(DLMR_TIMER_MOUNT), "mount");
	assert_string_equal(dlmr_timer_name(DLMR_TIMER_WORK), "work");
	assert_string_equal(dlmr_timer_name(DLMR_TIMER_RECOVERY), "recovery");
	assert_null(dlmr_timer_name(3));
	assert_null(dlmr_timer_name(-1));
}

/* ---- LVB encoding ------------------------------------------------------------ */

static void test_lvb_layout(void **state)
{
	uint8_t lvb[DLMR_LVB_SIZE], want[DLMR_LVB_SIZE];
	int jids[] = { 0, 9, 17, 191 };

	(void)state;
	memset(lvb, 0xee, sizeof(lvb));
	assert_int_equal(dlmr_lvb_encode(0x11223344u, jids, 4, lvb), 0);
	memset(want, 0, sizeof(want));
	want[0] = 0x44;
	want[1] = 0x33;
	want[2] = 0x22;
	want[3] = 0x11;
	want[8 + 0] = 0x01;       /* jid 0 */
	want[8 + 1] = 0x02;       /* jid 9: byte 9, bit 1 */
	want[8 + 2] = 0x02;       /* jid 17: byte 10, bit 1 */
	want[8 + 23] = 0x80;      /* jid 191: byte 31, bit 7 */
	assert_memory_equal(lvb, want, DLMR_LVB_SIZE);

	/* no jids: generation only, bytes 4-31 zero */
	memset(lvb, 0xee, sizeof(lvb));
	assert_int_equal(dlmr_lvb_encode(7, NULL, 0, lvb), 0);
	memset(want, 0, sizeof(want));
	want[0] = 7;
	assert_memory_equal(lvb, want, DLMR_LVB_SIZE);

	/* every jid: generation 0xFFFFFFFF, bitmap all ones */
	{
		int all[DLMR_JOURNALS_MAX];

		for (int j = 0; j < DLMR_JOURNALS_MAX; j++)
			all[j] = DLMR_JOURNALS_MAX - 1 - j;
		assert_int_equal(dlmr_lvb_encode(0xFFFFFFFFu, all,
						 DLMR_JOURNALS_MAX, lvb), 0);
		memset(want, 0xff, sizeof(want));
		memset(want + 4, 0, 4);
		assert_memory_equal(lvb, want, DLMR_LVB_SIZE);
	}
}

static void test_lvb_round_trip(void **state)
{
	uint8_t lvb[DLMR_LVB_SIZE];
	int in[] = { 150, 3, 64, 3, 0, 127 }; /* unsorted, one duplicate */
	int out[8];
	uint32_t gen = 0;

	(void)state;
	assert_int_equal(dlmr_lvb_encode(0xdeadbeefu, in, 6, lvb), 0);
	memset(out, 0x7f, sizeof(out));
	assert_int_equal(dlmr_lvb_decode(lvb, &gen, out, 8), 5);
	assert_int_equal(gen, 0xdeadbeefu);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[2], 64);
	assert_int_equal(out[3], 127);
	assert_int_equal(out[4], 150);
	assert_int_equal(out[5], 0x7f7f7f7f); /* untouched */

	/* room for two: the count is still five, only two written */
	memset(out, 0x7f, sizeof(out));
	assert_int_equal(dlmr_lvb_decode(lvb, NULL, out, 2), 5);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[2], 0x7f7f7f7f);
	assert_int_equal(dlmr_lvb_decode(lvb, &gen, NULL, 0), 5);

	/* decode ignores bytes 4-7 (unused) */
	lvb[4] = 0xff;
	lvb[7] = 0x01;
	gen = 0;
	assert_int_equal(dlmr_lvb_decode(lvb, &gen, out, 8), 5);
	assert_int_equal(gen, 0xdeadbeefu);

	/* every single jid round-trips */
	for (int j = 0; j < DLMR_JOURNALS_MAX; j++) {
		assert_int_equal(dlmr_lvb_encode((uint32_t)j, &j, 1, lvb), 0);
		assert_int_equal(lvb[8 + j / 8], 1u << (j % 8));
		assert_int_equal(dlmr_lvb_decode(lvb, &gen, out, 1), 1);
		assert_int_equal(out[0], j);
		assert_int_equal(gen, (uint32_t)j);
	}
}

static void test_lvb_errors(void **state)
{
	uint8_t lvb[DLMR_LVB_SIZE], before[DLMR_LVB_SIZE];
	int bad[] = { 1, DLMR_JOURNALS_MAX };
	int neg = -1;
	int big = 1000;

	(void)state;
	memset(lvb, 0xab, sizeof(lvb));
	memcpy(before, lvb, sizeof(lvb));
	assert_int_equal(dlmr_lvb_encode(1, bad, 2, lvb), -EINVAL);
	assert_int_equal(dlmr_lvb_encode(1, &neg, 1, lvb), -EINVAL);
	assert_int_equal(dlmr_lvb_encode(1, &big, 1, lvb), -EINVAL);
	assert_int_equal(dlmr_lvb_encode(1, NULL, 1, lvb), -EINVAL);
	assert_int_equal(dlmr_lvb_encode(1, NULL, 0, NULL), -EINVAL);
	/* a failed encode leaves the buffer alone */
	assert_memory_equal(lvb, before, DLMR_LVB_SIZE);
	assert_int_equal(dlmr_lvb_decode(NULL, NULL, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_mounter),
		cmocka_unit_test(test_first_mounter_one_journal),
		cmocka_unit_test(test_first_mounter_busy_journal),
		cmocka_unit_test(test_first_done_waits_for_recovery),
		cmocka_unit_test(test_first_done_prep_before_wakeup),
		cmocka_unit_test(test_first_done_prep_after_last_journal),
		cmocka_unit_test(test_second_mounter),
		cmocka_unit_test(test_journal_lock_after_mount_returns),
		cmocka_unit_test(test_second_mounter_bits_set),
		cmocka_unit_test(test_second_mounter_no_lvb_copied),
		cmocka_unit_test(test_second_mounter_old_generation),
		cmocka_unit_test(test_second_mounter_start_moved),
		cmocka_unit_test(test_second_mounter_recovery_running),
		cmocka_unit_test(test_second_mounter_control_busy),
		cmocka_unit_test(test_work_ex_beside_first_done_nl),
		cmocka_unit_test(test_first_done_nl_busy_beside_work_ex),
		cmocka_unit_test(test_mounted_recovery),
		cmocka_unit_test(test_mounted_recovery_done_elsewhere),
		cmocka_unit_test(test_mounted_recovery_bit_from_other),
		cmocka_unit_test(test_mounted_recovery_gaveup),
		cmocka_unit_test(test_recovery_work_item_starts_later),
		cmocka_unit_test(test_gaveup_work_before_clear_bit),
		cmocka_unit_test(test_gaveup_work_before_clear_bit_fixed),
		cmocka_unit_test(test_recover_set_waits_for_journal_ready),
		cmocka_unit_test(test_prep_aborts_work),
		cmocka_unit_test(test_prep_before_nl_keeps_block),
		cmocka_unit_test(test_work_queued_while_running),
		cmocka_unit_test(test_lvb_disabled_first),
		cmocka_unit_test(test_lvb_disabled_other),
		cmocka_unit_test(test_mounted_pr_error_fails),
		cmocka_unit_test(test_new_errors),
		cmocka_unit_test(test_fresh_status_and_nulls),
		cmocka_unit_test(test_feed_errors),
		cmocka_unit_test(test_slot_below_one),
		cmocka_unit_test(test_mount_without_jid),
		cmocka_unit_test(test_unmount),
		cmocka_unit_test(test_unmount_flushes_work),
		cmocka_unit_test(test_two_timers_armed),
		cmocka_unit_test(test_request_error_is_a_completion),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lvb_layout),
		cmocka_unit_test(test_lvb_round_trip),
		cmocka_unit_test(test_lvb_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
