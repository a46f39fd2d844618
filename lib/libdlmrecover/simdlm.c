/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * simdlm: a simulated DLM reproducing the grant, value block and recovery
 * rules of Linux 6.1 fs/dlm (lock.c, recover.c, recoverd.c), masters and
 * their failure included.  See simdlm.h for what is and is not modelled.
 *
 * Queues.  The kernel keeps three lists per rsb: granted, convert, wait.
 * Here a lock's place is derived from its fields:
 *   granted queue: grmode != IV and where != CONVERT
 *   convert queue: where == CONVERT (grmode held, rqmode wanted)
 *   wait queue:    where == WAIT (grmode IV)
 * FIFO order in the convert and wait queues (add_lkb appends at the tail)
 * is the 1-based rank, kept dense (1..n) so that equal DLM states are
 * equal bytes.  Deferred operations (submitted while stopped) have ranks
 * of their own, per resource, in submission order.
 */
#include <errno.h>
#include <string.h>

#include "simdlm.h"

_Static_assert(sizeof(struct simdlm_lock) == 14 + DLMR_LVB_SIZE,
	       "struct simdlm_lock must have no padding");
_Static_assert(sizeof(struct simdlm_res) ==
	       DLMR_LVB_SIZE + 5 + SIMDLM_NODES_MAX * sizeof(struct simdlm_lock),
	       "struct simdlm_res must have no padding");
_Static_assert(sizeof(struct simdlm) ==
	       2 * SIMDLM_NODES_MAX + 4 + SIMDLM_RES_MAX * sizeof(struct simdlm_res),
	       "struct simdlm must have no padding");

#define LKF_ALL ((unsigned int)(DLMR_LKF_NOQUEUE | DLMR_LKF_CONVERT | \
				     DLMR_LKF_VALBLK))

/*
 * fs/dlm/lock.c, __dlm_compat_matrix, without the UN and PD rows: 1 when a
 * lock granted in the row mode lets the column mode be granted.
 */
static const uint8_t compat_matrix[6][6] = {
	/* NL CR CW PR PW EX */
	{ 1, 1, 1, 1, 1, 1 },	/* NL */
	{ 1, 1, 1, 1, 1, 0 },	/* CR */
	{ 1, 1, 1, 0, 0, 0 },	/* CW */
	{ 1, 1, 0, 1, 0, 0 },	/* PR */
	{ 1, 1, 0, 0, 0, 0 },	/* PW */
	{ 1, 0, 0, 0, 0, 0 },	/* EX */
};

/*
 * fs/dlm/lock.c, dlm_lvb_operations[grmode + 1][rqmode + 1] without PD:
 * 1 value block returned to the caller, 0 written to the resource,
 * -1 nothing.  Row UN (index 0) is a new request.
 */
static const int8_t lvb_operations[7][6] = {
	/* NL  CR  CW  PR  PW  EX */
	{  1,  1,  1,  1,  1,  1 },	/* UN */
	{  1,  1,  1,  1,  1,  1 },	/* NL */
	{ -1,  1,  1,  1,  1,  1 },	/* CR */
	{ -1, -1,  1,  1,  1,  1 },	/* CW */
	{ -1, -1, -1,  1,  1,  1 },	/* PR */
	{  0,  0,  0,  0,  0,  1 },	/* PW */
	{  0,  0,  0,  0,  0,  0 },	/* EX */
};

static bool mode_valid(int mode)
{
	return mode >= DLMR_MODE_NL && mode <= DLMR_MODE_EX;
}

/* dlm_modes_compat(): IV (not granted / nothing requested) is compatible. */
static bool modes_compat(int gr, int rq)
{
	if (gr == DLMR_MODE_IV || rq == DLMR_MODE_IV)
		return true;
	return compat_matrix[gr][rq];
}

static bool args_ok(const struct simdlm *d, unsigned int res, uint32_t node)
{
	return d && res < SIMDLM_RES_MAX && node >= 1 &&
	       node <= SIMDLM_NODES_MAX;
}

static bool node_alive(const struct simdlm *d, unsigned int idx)
{
	return d->node[idx] == SIMDLM_NODE_MEMBER;
}

static void lock_clear(struct simdlm_lock *lk)
{
	memset(lk, 0, sizeof(*lk));
	lk->grmode = DLMR_MODE_IV;
	lk->rqmode = DLMR_MODE_IV;
	lk->prev_grmode = DLMR_MODE_IV;
}

/* A reply's copy of its operation (simdlm.h), forgotten. */
static void reply_clear(struct simdlm_lock *lk)
{
	lk->ast_flags &= (uint8_t)~SIMDLM_ASTF_REPLY;
	lk->rqmode = DLMR_MODE_IV;
	lk->rqflags = 0;
	lk->prev_grmode = DLMR_MODE_IV;
	lk->prev_lvbseq = 0;
}

/* A delivered, dropped or resent completion: nothing of it is left. */
static void ast_clear(struct simdlm_lock *lk)
{
	reply_clear(lk);
	lk->where = SIMDLM_AT_NONE;
	lk->op = SIMDLM_OP_NONE;
	lk->ast = SIMDLM_AST_NONE;
	lk->ast_flags = 0;
}

/* A lock the master knows about: granted, converting or waiting. */
static bool lock_on_master(const struct simdlm_lock *lk)
{
	return lk->grmode != DLMR_MODE_IV || lk->where == SIMDLM_AT_WAIT;
}

static unsigned int queue_len(const struct simdlm_res *r, uint8_t where)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIMDLM_NODES_MAX; i++)
		if (r->locks[i].where == where)
			n++;
	return n;
}

/* Renumber the ranks of @where's entries 1..n keeping their order (one
 * pass and a sort of the few entries: it runs on every dequeue). */
static void queue_compact(struct simdlm_res *r, uint8_t where)
{
	struct simdlm_lock *q[SIMDLM_NODES_MAX], *t;
	unsigned int i, n = 0, next = 1;
	uint8_t prev;

	for (i = 0; i < SIMDLM_NODES_MAX; i++) {
		struct simdlm_lock *lk = &r->locks[i];

		if (lk->where == where && lk->rank >= 1 &&
		    lk->rank <= SIMDLM_NODES_MAX)
			q[n++] = lk;
	}
	/* stable insertion sort by rank */
	for (i = 1; i < n; i++) {
		unsigned int j = i;

		t = q[i];
		for (; j > 0 && q[j - 1]->rank > t->rank; j--)
			q[j] = q[j - 1];
		q[j] = t;
	}
	for (i = 0, prev = 0; i < n; i++) {
		/* ranks are distinct; a duplicate keeps its rank */
		if (q[i]->rank == prev)
			continue;
		prev = q[i]->rank;
		q[i]->rank = (uint8_t)next++;
	}
}

/* add_lkb(): append at the tail of @where. */
static void queue_add(struct simdlm_res *r, struct simdlm_lock *lk,
		      uint8_t where)
{
	unsigned int n = queue_len(r, where);

	lk->where = where;
	lk->rank = (uint8_t)(n + 1);
}

/* del_lkb(): leave the queue the lock is on. */
static void queue_del(struct simdlm_res *r, struct simdlm_lock *lk)
{
	uint8_t where = lk->where;

	lk->where = SIMDLM_AT_NONE;
	lk->rank = 0;
	queue_compact(r, where);
}

/* Index of the lock at @rank in queue @where, or -1. */
static int queue_at(const struct simdlm_res *r, uint8_t where,
		    unsigned int rank)
{
	unsigned int i;

	for (i = 0; i < SIMDLM_NODES_MAX; i++)
		if (r->locks[i].where == where && r->locks[i].rank == rank)
			return (int)i;
	return -1;
}

/*
 * _can_be_granted() for lock @idx of @r, without EXPEDITE, QUECVT and
 * NOORDER.  queue_conflict() on the granted and convert queues compares
 * every other lock's granted mode with our requested mode; locks on the
 * wait queue hold nothing.
 */
static bool can_be_granted(const struct simdlm_res *r, unsigned int idx,
			   bool now, bool recover)
{
	const struct simdlm_lock *lk = &r->locks[idx];
	bool conv = lk->grmode != DLMR_MODE_IV;
	unsigned int i;

	for (i = 0; i < SIMDLM_NODES_MAX; i++) {
		if (i == idx)
			continue;
		if (!modes_compat(r->locks[i].grmode, lk->rqmode))
			return false;
	}
	/* after a purge, conversions are granted regardless of order */
	if (conv && recover)
		return true;
	/* 6-3: an in-place conversion (no QUECVT) compatible with all */
	if (now && conv)
		return true;
	/* 6-3: from the convert queue, only the first */
	if (!now && conv)
		return lk->where == SIMDLM_AT_CONVERT && lk->rank == 1;
	/* 6-4: a new request only when nothing is queued */
	if (now)
		return queue_len(r, SIMDLM_AT_CONVERT) == 0 &&
		       queue_len(r, SIMDLM_AT_WAIT) == 0;
	/* 6-4: from the wait queue, only the first, convert queue empty */
	return queue_len(r, SIMDLM_AT_CONVERT) == 0 &&
	       lk->where == SIMDLM_AT_WAIT && lk->rank == 1;
}

/*
 * conversion_deadlock_detect() for a conversion arriving now (not on the
 * convert queue yet, so every queued conversion is "not ahead"): our
 * granted mode blocks a queued conversion that we would queue behind.
 */
static bool conversion_deadlock(const struct simdlm_res *r, unsigned int idx)
{
	const struct simdlm_lock *lk = &r->locks[idx];
	unsigned int i;

	for (i = 0; i < SIMDLM_NODES_MAX; i++) {
		const struct simdlm_lock *q = &r->locks[i];

		if (i == idx || q->where != SIMDLM_AT_CONVERT)
			continue;
		if (!modes_compat(lk->grmode, q->rqmode))
			return true;
	}
	return false;
}

/* queue_cast(): the completion the owner will see, if it is alive. */
static void queue_cast(struct simdlm *d, struct simdlm_res *r,
		       unsigned int idx, uint8_t code, uint8_t ast_flags)
{
	struct simdlm_lock *lk = &r->locks[idx];

	lk->rank = 0;
	lk->rqmode = DLMR_MODE_IV;
	if (lk->grmode == DLMR_MODE_IV)
		lk->exflags = 0;
	if (!node_alive(d, idx)) {
		/* the message to a removed node goes nowhere */
		lk->where = SIMDLM_AT_NONE;
		lk->op = SIMDLM_OP_NONE;
		return;
	}
	lk->where = SIMDLM_AT_DONE;
	lk->ast = code;
	lk->ast_flags = ast_flags;
}

/*
 * lkb_lvbseq comparisons, as recover_lvb() makes them ("(int)a - (int)b
 * >= 0", serial arithmetic), on 8 bits: exact while the sequence numbers
 * compared are less than 128 apart (the simulator checks that they stay
 * below 128, sim.c).
 */
static bool seq_ge(uint8_t a, uint8_t b)
{
	return (int8_t)(uint8_t)(a - b) >= 0;
}

/*
 * set_lvb_lock(): the value block transfer of a grant, from
 * dlm_lvb_operations[grmode][rqmode].  Returns the SIMDLM_ASTF_* flags.
 * The lock always has a buffer (lkb_lvbptr), as gfs2's locks do.  The
 * sequence numbers: a read gives the lock the resource's (set_lvb_lock(),
 * set_lvb_lock_pc() on the lock's node); a write increments the
 * resource's, and the lock learns it only if its node is the master (a
 * process copy's set_lvb_lock_pc() only acts on reads).
 */
static uint8_t set_lvb_lock(struct simdlm_res *r, unsigned int idx)
{
	struct simdlm_lock *lk = &r->locks[idx];
	int b = lvb_operations[lk->grmode + 1][lk->rqmode];
	bool valblk = lk->exflags & DLMR_LKF_VALBLK;
	uint8_t flags = 0;

	if (b == 1) {
		if (!valblk || !r->lvb_exists)
			return 0;
		memcpy(lk->lvb, r->lvb, DLMR_LVB_SIZE);
		lk->lvbseq = r->lvbseq;
		flags |= SIMDLM_ASTF_LVB_READ;
	} else if (b == 0) {
		if (!valblk)
			return 0;
		memcpy(r->lvb, lk->lvb, DLMR_LVB_SIZE);
		r->lvb_exists = 1;
		r->valnotvalid = 0;
		r->lvbseq++;
		if (r->master == idx + 1)
			lk->lvbseq = r->lvbseq;
	}
	/* also reached for b == -1, with or without VALBLK */
	if (r->valnotvalid)
		flags |= SIMDLM_ASTF_LVB_INVALID;
	return flags;
}

/* set_lvb_unlock(): a PW/EX holder with VALBLK writes on unlock. */
static void set_lvb_unlock(struct simdlm_res *r, struct simdlm_lock *lk)
{
	if (lk->grmode < DLMR_MODE_PW || !(lk->exflags & DLMR_LKF_VALBLK))
		return;
	memcpy(r->lvb, lk->lvb, DLMR_LVB_SIZE);
	r->lvb_exists = 1;
	r->valnotvalid = 0;
	r->lvbseq++;
}

/* grant_lock(): set_lvb_lock() then _grant_lock(), and the completion. */
static void grant_lock(struct simdlm *d, struct simdlm_res *r,
		       unsigned int idx)
{
	struct simdlm_lock *lk = &r->locks[idx];
	uint8_t where = lk->where;
	uint8_t flags = set_lvb_lock(r, idx);

	lk->grmode = lk->rqmode;
	queue_cast(d, r, idx, SIMDLM_AST_GRANTED, flags);
	if (where == SIMDLM_AT_CONVERT || where == SIMDLM_AT_WAIT)
		queue_compact(r, where);
}

/*
 * grant_pending_locks(): grant_pending_convert() (restarting after every
 * grant) then grant_pending_wait() (one pass in order).  Blocking ASTs
 * are not modelled.
 */
static void grant_pending_locks(struct simdlm *d, struct simdlm_res *r,
				bool recover)
{
	unsigned int rank;
	int idx;

restart:
	for (rank = 1; (idx = queue_at(r, SIMDLM_AT_CONVERT, rank)) >= 0;
	     rank++) {
		if (can_be_granted(r, (unsigned int)idx, false, recover)) {
			grant_lock(d, r, (unsigned int)idx);
			goto restart;
		}
	}
	/* granting the first makes the next one first: rank 1 again */
	while ((idx = queue_at(r, SIMDLM_AT_WAIT, 1)) >= 0 &&
	       can_be_granted(r, (unsigned int)idx, false, false))
		grant_lock(d, r, (unsigned int)idx);
}

/* do_request() and do_convert() with their _effects, for a decided lock. */
static void decide_lock(struct simdlm *d, struct simdlm_res *r,
			unsigned int idx)
{
	struct simdlm_lock *lk = &r->locks[idx];
	bool conv = lk->grmode != DLMR_MODE_IV;
	bool noqueue = lk->rqflags & DLMR_LKF_NOQUEUE;

	/* the first request decided on a resource makes its node the
	 * master (dlm_master_lookup(): the directory adds it) */
	if (!r->master)
		r->master = (uint8_t)(idx + 1);
	/* validate_lock_args(): lkb_exflags = args->flags */
	lk->exflags = lk->rqflags;
	lk->rqflags = 0;
	lk->where = SIMDLM_AT_NONE;
	lk->rank = 0;
	if (can_be_granted(r, idx, true, false)) {
		grant_lock(d, r, idx);
		/* do_convert_effects(): a conversion may unblock others */
		if (conv)
			grant_pending_locks(d, r, false);
		return;
	}
	if (conv && !noqueue && conversion_deadlock(r, idx)) {
		/* left on the granted queue (revert_lock) */
		queue_cast(d, r, idx, SIMDLM_AST_DEADLK, 0);
		return;
	}
	if (!noqueue) {
		queue_add(r, lk, conv ? SIMDLM_AT_CONVERT : SIMDLM_AT_WAIT);
		return;
	}
	queue_cast(d, r, idx, SIMDLM_AST_AGAIN, 0);
}

/* recover_convert_waiter(): PR <-> CW, which the kernel completes with a
 * stub reply and turns into a request at recovery (not modelled). */
static bool middle_conversion(int gr, int rq)
{
	return (gr == DLMR_MODE_PR && rq == DLMR_MODE_CW) ||
	       (gr == DLMR_MODE_CW && rq == DLMR_MODE_PR);
}

/*
 * decide_lock(), marking a completion that is the master's reply to
 * another node's request or up-conversion (rqmode >= grmode: the
 * operations dlm_recover_waiters_pre() resends when the master is
 * removed before the reply arrives; a down-conversion completes without
 * a reply, send_convert()), with what a resend restores.
 */
static void do_lock(struct simdlm *d, struct simdlm_res *r, unsigned int idx)
{
	struct simdlm_lock *lk = &r->locks[idx];
	int8_t prev = lk->grmode, rq = lk->rqmode;
	uint8_t seq = lk->lvbseq, flags = lk->rqflags;

	decide_lock(d, r, idx);
	if (lk->where != SIMDLM_AT_DONE || r->master == idx + 1 ||
	    (prev != DLMR_MODE_IV &&
	     (rq < prev || middle_conversion(prev, rq))))
		return;
	lk->ast_flags |= SIMDLM_ASTF_REPLY;
	lk->prev_grmode = prev;
	lk->prev_lvbseq = seq;
	lk->rqmode = rq;
	lk->rqflags = flags;
}

/* do_unlock() and do_unlock_effects(). */
static void do_unlock(struct simdlm *d, struct simdlm_res *r,
		      unsigned int idx)
{
	struct simdlm_lock *lk = &r->locks[idx];

	/* validate_unlock_args(): lkb_exflags |= args->flags */
	lk->exflags |= lk->rqflags;
	lk->rqflags = 0;
	lk->where = SIMDLM_AT_NONE;
	lk->rank = 0;
	set_lvb_unlock(r, lk);
	lk->grmode = DLMR_MODE_IV;
	queue_cast(d, r, idx, SIMDLM_AST_UNLOCKED, 0);
	grant_pending_locks(d, r, false);
}

/* Whether an operation of node @idx + 1 on @r waits for recovery: its
 * node has not enabled locking (dlm_lock_recovery()), or the resource's
 * master has not (the message waits in its requestqueue). */
static bool op_waits(const struct simdlm *d, const struct simdlm_res *r,
		     unsigned int idx)
{
	return d->stopped &&
	       (d->off[idx] || (r->master && r->master <= SIMDLM_NODES_MAX &&
				d->off[r->master - 1]));
}

/* Decide an operation now, or defer it while stopped (dlm_lock_recovery). */
static void submit(struct simdlm *d, struct simdlm_res *r, unsigned int idx)
{
	struct simdlm_lock *lk = &r->locks[idx];

	if (op_waits(d, r, idx)) {
		queue_add(r, lk, SIMDLM_AT_DEFERRED);
		return;
	}
	if (lk->op == SIMDLM_OP_LOCK)
		do_lock(d, r, idx);
	else
		do_unlock(d, r, idx);
}

void simdlm_init(struct simdlm *d)
{
	unsigned int r, n;

	if (!d)
		return;
	memset(d, 0, sizeof(*d));
	for (r = 0; r < SIMDLM_RES_MAX; r++)
		for (n = 0; n < SIMDLM_NODES_MAX; n++)
			lock_clear(&d->res[r].locks[n]);
}

int simdlm_join(struct simdlm *d, uint32_t node)
{
	if (!args_ok(d, 0, node))
		return -EINVAL;
	switch (d->node[node - 1]) {
	case SIMDLM_NODE_OUT:
		d->node[node - 1] = SIMDLM_NODE_MEMBER;
		return 0;
	case SIMDLM_NODE_MEMBER:
		return -EEXIST;
	default:
		return -EBUSY;
	}
}

/*
 * The node is gone: what it had not yet sent (deferred operations) and
 * what it had not yet received (completions) disappear; the master copies
 * of its locks stay until dlm_recover_purge().
 */
static int node_remove(struct simdlm *d, uint32_t node, uint8_t state)
{
	unsigned int idx = node - 1, ri;

	if (!args_ok(d, 0, node))
		return -EINVAL;
	if (d->node[idx] != SIMDLM_NODE_MEMBER)
		return -ENOTCONN;
	d->node[idx] = state;
	for (ri = 0; ri < SIMDLM_RES_MAX; ri++) {
		struct simdlm_res *r = &d->res[ri];
		struct simdlm_lock *lk = &r->locks[idx];

		if (lk->where == SIMDLM_AT_DEFERRED) {
			queue_del(r, lk);
			lk->op = SIMDLM_OP_NONE;
			lk->rqmode = DLMR_MODE_IV;
			lk->rqflags = 0;
			if (lk->grmode == DLMR_MODE_IV)
				lock_clear(lk);
		} else if (lk->where == SIMDLM_AT_DONE) {
			ast_clear(lk);
		}
		lk->ast0 = SIMDLM_AST_NONE;
		lk->ast0_flags = 0;
	}
	return 0;
}

int simdlm_leave(struct simdlm *d, uint32_t node)
{
	return node_remove(d, node, SIMDLM_NODE_LEFT);
}

int simdlm_fail(struct simdlm *d, uint32_t node)
{
	return node_remove(d, node, SIMDLM_NODE_FAILED);
}

static unsigned int nodes_used(const struct simdlm *d);

void simdlm_stop(struct simdlm *d)
{
	if (!d)
		return;
	d->stopped = 1;
	memset(d->off, 1, nodes_used(d));
}

/*
 * purge_dead_list(): drop the locks of removed nodes; a purged PW/EX lock
 * with VALBLK sets RSB_RECOVER_LVB_INVAL.  Returns the number purged;
 * *inval tells whether the value block must be invalidated.
 */
static int purge_dead(struct simdlm *d, struct simdlm_res *r, unsigned int nn,
		      bool *inval)
{
	unsigned int i;
	int count = 0;

	*inval = false;
	for (i = 0; i < nn; i++) {
		struct simdlm_lock *lk = &r->locks[i];

		if (d->node[i] != SIMDLM_NODE_FAILED &&
		    d->node[i] != SIMDLM_NODE_LEFT)
			continue;
		if (lock_on_master(lk)) {
			if ((lk->exflags & DLMR_LKF_VALBLK) &&
			    lk->grmode >= DLMR_MODE_PW)
				*inval = true;
			count++;
		}
		lock_clear(lk);
	}
	queue_compact(r, SIMDLM_AT_CONVERT);
	queue_compact(r, SIMDLM_AT_WAIT);
	return count;
}

/* Nothing to recover: no lock, no operation, no value block. */
static bool res_idle(const struct simdlm_res *r, unsigned int nn)
{
	if (r->lvb_exists || r->valnotvalid || r->master)
		return false;
	for (unsigned int i = 0; i < nn; i++)
		if (r->locks[i].grmode != DLMR_MODE_IV ||
		    r->locks[i].where != SIMDLM_AT_NONE)
			return false;
	return true;
}

static unsigned int nodes_used(const struct simdlm *d)
{
	return d->nnodes && d->nnodes <= SIMDLM_NODES_MAX ? d->nnodes :
	       SIMDLM_NODES_MAX;
}

static bool node_removed(const struct simdlm *d, unsigned int idx)
{
	return d->node[idx] == SIMDLM_NODE_FAILED ||
	       d->node[idx] == SIMDLM_NODE_LEFT;
}

/*
 * A lock recover_lvb() reads: a survivor's, on the grant or convert
 * queue (grmode held), with VALBLK in lkb_exflags.
 */
static bool lvb_lock(const struct simdlm *d, const struct simdlm_res *r,
		     unsigned int i)
{
	const struct simdlm_lock *lk = &r->locks[i];

	return node_alive(d, i) && lk->grmode != DLMR_MODE_IV &&
	       (lk->exflags & DLMR_LKF_VALBLK);
}

/*
 * recover_lvb() on a new master, its first pass: whether any lock has a
 * value block (*any), the index of a PW/EX one (*big, -1 if none: at
 * most one can be granted), and the highest sequence number (*top) and
 * whether a lock with it is on the convert queue (*top_conv: the convert
 * queue is read after the grant queue, and the last lock with the
 * highest number wins).
 */
static void lvb_scan(const struct simdlm *d, const struct simdlm_res *r,
		     unsigned int nn, bool *any, int *big, uint8_t *top,
		     bool *top_conv)
{
	*any = false;
	*big = -1;
	*top = 0;
	*top_conv = false;
	for (unsigned int i = 0; i < nn; i++) {
		const struct simdlm_lock *lk = &r->locks[i];

		if (!lvb_lock(d, r, i))
			continue;
		if (lk->grmode > DLMR_MODE_CR && *big < 0)
			*big = (int)i;
		if (!*any || !seq_ge(*top, lk->lvbseq))
			*top = lk->lvbseq;
		*any = true;
	}
	for (unsigned int i = 0; i < nn && *any; i++)
		if (lvb_lock(d, r, i) && r->locks[i].lvbseq == *top &&
		    r->locks[i].where == SIMDLM_AT_CONVERT)
			*top_conv = true;
}

/* Whether lock @i is one of those that can win recover_lvb()'s tie. */
static bool lvb_top(const struct simdlm *d, const struct simdlm_res *r,
		    unsigned int i, uint8_t top, bool top_conv)
{
	return lvb_lock(d, r, i) && r->locks[i].lvbseq == top &&
	       (r->locks[i].where == SIMDLM_AT_CONVERT) == top_conv;
}

static unsigned int remaster_options(const struct simdlm *d, unsigned int ri,
				     struct simdlm_remaster *out,
				     unsigned int max)
{
	const struct simdlm_res *r = &d->res[ri];
	unsigned int nn = nodes_used(d), n = 0;
	bool any, top_conv;
	uint8_t top;
	int big;

	if (!r->master || r->master > nn || !node_removed(d, r->master - 1))
		return 0;
	lvb_scan(d, r, nn, &any, &big, &top, &top_conv);
	/* dlm_recover_masters(): any survivor with the resource */
	for (unsigned int m = 0; m < nn; m++) {
		unsigned int ntop = 0;

		if (!node_alive(d, m) || !lock_on_master(&r->locks[m]))
			continue;
		if (!any || big >= 0) {
			if (out && n < max)
				out[n] = (struct simdlm_remaster){
					(uint8_t)(m + 1), 0 };
			n++;
			continue;
		}
		for (unsigned int w = 0; w < nn; w++)
			ntop += lvb_top(d, r, w, top, top_conv);
		for (unsigned int w = 0; w < nn; w++) {
			/* the new master's own lock is first on its queue:
			 * any other with the same number comes after it */
			if (!lvb_top(d, r, w, top, top_conv) ||
			    (w == m && ntop > 1))
				continue;
			if (out && n < max)
				out[n] = (struct simdlm_remaster){
					(uint8_t)(m + 1), (uint8_t)(w + 1) };
			n++;
		}
	}
	return n;
}

unsigned int simdlm_remaster_options(const struct simdlm *d, unsigned int res,
				     struct simdlm_remaster *out,
				     unsigned int max)
{
	if (!d || res >= SIMDLM_RES_MAX)
		return 0;
	return remaster_options(d, res, out, max);
}

/*
 * recover_lvb() on the new master, case 2, after the purge (header
 * comment): from the PW/EX lock, else from the chosen lock with the
 * highest sequence number (RSB_VALNOTVALID), else no value block.
 */
static void recover_lvb_new(const struct simdlm *d, struct simdlm_res *r,
			    unsigned int nn, unsigned int from)
{
	bool any, top_conv;
	uint8_t top;
	int big;

	lvb_scan(d, r, nn, &any, &big, &top, &top_conv);
	if (!any) {
		/* the new master's rsb never had a res_lvbptr */
		memset(r->lvb, 0, sizeof(r->lvb));
		r->lvb_exists = 0;
		r->valnotvalid = 0;
		r->lvbseq = 0;
		return;
	}
	if (big < 0)
		big = (int)from - 1;	/* checked by the caller */
	r->valnotvalid = r->locks[big].grmode <= DLMR_MODE_CR;
	memcpy(r->lvb, r->locks[big].lvb, DLMR_LVB_SIZE);
	r->lvbseq = r->locks[big].lvbseq;
	r->lvb_exists = 1;
}

static void end_nodes(struct simdlm *d, bool all, uint64_t mask);

/*
 * dlm_recover_waiters_pre() has run: a reply of the removed master still
 * pending here had arrived (the caller did not resend it); it is a plain
 * completion from now on.
 */
static void replies_arrived(struct simdlm_res *r, unsigned int nn)
{
	for (unsigned int i = 0; i < nn; i++) {
		struct simdlm_lock *lk = &r->locks[i];

		if (lk->where == SIMDLM_AT_DONE &&
		    (lk->ast_flags & SIMDLM_ASTF_REPLY))
			reply_clear(lk);
	}
}

int simdlm_recover(struct simdlm *d)
{
	return simdlm_recover_with(d, NULL);
}

int simdlm_recover_with(struct simdlm *d,
			const struct simdlm_remaster choice[SIMDLM_RES_MAX])
{
	int total = simdlm_recover_begin(d, choice);

	if (total < 0)
		return total;
	end_nodes(d, true, 0);
	return total;
}

int simdlm_recover_begin(struct simdlm *d,
			 const struct simdlm_remaster choice[SIMDLM_RES_MAX])
{
	bool purged[SIMDLM_RES_MAX];
	struct simdlm_remaster pick[SIMDLM_RES_MAX];
	unsigned int ri, i, nr, nn;
	int total = 0;

	if (!d)
		return -EINVAL;
	nr = d->nres && d->nres <= SIMDLM_RES_MAX ? d->nres : SIMDLM_RES_MAX;
	nn = nodes_used(d);

	/* the choices, all checked before anything changes */
	for (ri = 0; ri < nr; ri++) {
		struct simdlm_remaster opt[SIMDLM_NODES_MAX * SIMDLM_NODES_MAX];
		unsigned int k = remaster_options(d, ri, opt,
						  DLMR_ARRAY_SIZE(opt));

		pick[ri] = (struct simdlm_remaster){ 0, 0 };
		if (!k)
			continue;
		pick[ri] = opt[0];
		if (!choice || !choice[ri].master)
			continue;
		for (i = 0; i < k; i++)
			if (opt[i].master == choice[ri].master &&
			    opt[i].from == choice[ri].from)
				break;
		if (i == k)
			return -EINVAL;
		pick[ri] = opt[i];
	}
	simdlm_stop(d);

	for (ri = 0; ri < nr; ri++) {
		struct simdlm_res *r = &d->res[ri];
		bool used = false, inval, new_master;
		int n;

		purged[ri] = false;
		if (res_idle(r, nn))
			continue;	/* the explorer's hot path */

		if (r->master && r->master <= nn &&
		    node_removed(d, r->master - 1))
			replies_arrived(r, nn);

		/*
		 * ls_recover() -> dlm_clear_toss(): an rsb without any lkb
		 * sits on the toss list and is freed with its value block,
		 * RSB_VALNOTVALID and its master.  Deferred operations have
		 * not reached the master, so they do not count.
		 */
		for (i = 0; i < nn; i++)
			used |= lock_on_master(&r->locks[i]);
		if (!used) {
			memset(r->lvb, 0, sizeof(r->lvb));
			r->lvb_exists = 0;
			r->valnotvalid = 0;
			r->lvbseq = 0;
			r->master = 0;
		}
		new_master = r->master && r->master <= nn &&
			     node_removed(d, r->master - 1);

		/* dlm_recover_purge() (only when nodes were removed) */
		n = purge_dead(d, r, nn, &inval);
		total += n;
		/* RSB_RECOVER_GRANT, set by purge_dead_list() */
		purged[ri] = n > 0;
		if (new_master && !pick[ri].master) {
			/* no survivor has it: nobody rebuilds the rsb */
			memset(r->lvb, 0, sizeof(r->lvb));
			r->lvb_exists = 0;
			r->valnotvalid = 0;
			r->lvbseq = 0;
			r->master = 0;
		} else if (new_master) {
			/* dlm_recover_masters(), dlm_recover_locks(), then
			 * dlm_recover_rsbs(): recover_lvb() case 2 and
			 * recover_grant() */
			r->master = pick[ri].master;
			recover_lvb_new(d, r, nn, pick[ri].from);
			purged[ri] |= queue_len(r, SIMDLM_AT_CONVERT) ||
				      queue_len(r, SIMDLM_AT_WAIT);
		} else if (inval) {
			/*
			 * recover_lvb(), case 1 (we are an old master):
			 * RSB_VALNOTVALID is set and the contents are kept;
			 * they are neither zeroed nor rebuilt.
			 */
			r->valnotvalid = 1;
		}
	}

	/* dlm_clear_members_gone() */
	for (i = 0; i < nn; i++)
		if (node_removed(d, i))
			d->node[i] = SIMDLM_NODE_OUT;

	for (ri = 0; ri < nr; ri++)
		d->res[ri].recover_grant = purged[ri];
	return total;
}

/*
 * The end of recovery of the nodes in @mask (@all: every node):
 * enable_locking() lets blocked callers in and dlm_recover_grant() grants
 * what the purge unblocked on the resources the node masters; the kernel
 * runs them concurrently.  We grant first, then decide the deferred
 * operations that may go now, of each resource in submission order.
 */
static void end_nodes(struct simdlm *d, bool all, uint64_t mask)
{
	unsigned int ri, i, nr, nn;
	bool any_off = false;

	nr = d->nres && d->nres <= SIMDLM_RES_MAX ? d->nres : SIMDLM_RES_MAX;
	nn = nodes_used(d);
	for (i = 0; i < nn; i++) {
		if (all || (mask & (1ull << i)))
			d->off[i] = 0;
		if (d->off[i] && d->node[i] == SIMDLM_NODE_MEMBER)
			any_off = true;
	}
	if (!any_off) {
		d->stopped = 0;
		memset(d->off, 0, sizeof(d->off));
	}
	for (ri = 0; ri < nr; ri++) {
		struct simdlm_res *r = &d->res[ri];

		if (!r->recover_grant ||
		    (d->stopped && r->master && r->master <= nn &&
		     d->off[r->master - 1]))
			continue;
		r->recover_grant = 0;
		grant_pending_locks(d, r, true);
	}
	for (ri = 0; ri < nr; ri++) {
		struct simdlm_res *r = &d->res[ri];
		unsigned int rank = 1;
		int idx;

		if (res_idle(r, nn))
			continue;
		while ((idx = queue_at(r, SIMDLM_AT_DEFERRED, rank)) >= 0) {
			if (op_waits(d, r, (unsigned int)idx)) {
				rank++;
				continue;
			}
			queue_del(r, &r->locks[idx]);
			submit(d, r, (unsigned int)idx);
		}
	}
}

int simdlm_recover_end(struct simdlm *d, uint32_t node)
{
	if (!args_ok(d, 0, node))
		return -EINVAL;
	end_nodes(d, false, 1ull << (node - 1));
	return 0;
}

int simdlm_set_lvb(struct simdlm *d, unsigned int res, uint32_t node,
		   const uint8_t lvb[DLMR_LVB_SIZE])
{
	if (!args_ok(d, res, node) || !lvb)
		return -EINVAL;
	memcpy(d->res[res].locks[node - 1].lvb, lvb, DLMR_LVB_SIZE);
	return 0;
}

uint32_t simdlm_master(const struct simdlm *d, unsigned int res,
		       unsigned int *seq)
{
	if (!d || res >= SIMDLM_RES_MAX)
		return 0;
	if (seq)
		*seq = d->res[res].lvbseq;
	return d->res[res].master;
}

/* The lock a member may start an operation on, or the errno why not. */
static int lock_for_op(struct simdlm *d, unsigned int res, uint32_t node,
		       struct simdlm_lock **lkp)
{
	struct simdlm_lock *lk;

	if (!args_ok(d, res, node))
		return -EINVAL;
	if (!node_alive(d, node - 1))
		return -ENOTCONN;
	lk = &d->res[res].locks[node - 1];
	*lkp = lk;
	if (lk->op != SIMDLM_OP_NONE)
		return -EBUSY;
	return 0;
}

/*
 * A request on a lock whose operation is in flight (simdlm.h,
 * simdlm_request()).  Linux 6.1: dlm_lock() waits in
 * dlm_lock_recovery() (fs/dlm/lock.c 3442, 205-208) before it looks at
 * the lkb; then validate_lock_args() (2868-2905), under lock_rsb() with
 * the conversion (convert_lock() 3361-3369), is -EBUSY if the lkb is not
 * granted (on the convert queue: "lkb_status != DLM_LKSTS_GRANTED") or
 * awaits a reply ("lkb_wait_type"), and clear otherwise.  A local
 * master's decision (do_convert() 3122-3160) and a down-conversion to a
 * remote one (send_convert() 3704-3711: completed at once, no reply
 * awaited) leave only the callback queued.  Returns 0 when the new
 * operation may go on (the pending completion kept as ast0), or the
 * errno.
 */
static int second_op(const struct simdlm *d, struct simdlm_lock *lk,
		     unsigned int idx)
{
	if (lk->op != SIMDLM_OP_LOCK)
		return -EBUSY;		/* an unlock in flight */
	if (d->stopped && d->off[idx])
		return -EINPROGRESS;	/* blocked in dlm_lock_recovery() */
	if (lk->where != SIMDLM_AT_DONE ||
	    (lk->ast_flags & SIMDLM_ASTF_REPLY) ||
	    lk->ast0 != SIMDLM_AST_NONE)
		return -EBUSY;
	lk->ast0 = lk->ast;
	lk->ast0_flags = lk->ast_flags;
	lk->where = SIMDLM_AT_NONE;
	lk->op = SIMDLM_OP_NONE;
	lk->ast = SIMDLM_AST_NONE;
	lk->ast_flags = 0;
	return 0;
}

int simdlm_request(struct simdlm *d, unsigned int res, uint32_t node,
		   int mode, unsigned int flags, const uint8_t *lvb)
{
	struct simdlm_lock *lk;
	int err;

	if (!mode_valid(mode) || (flags & ~LKF_ALL))
		return -EINVAL;
	err = lock_for_op(d, res, node, &lk);
	if (err == -EBUSY)
		err = second_op(d, lk, node - 1);
	if (err)
		return err;
	if ((flags & DLMR_LKF_CONVERT) && lk->grmode == DLMR_MODE_IV)
		return -ENOENT;
	if (!(flags & DLMR_LKF_CONVERT) && lk->grmode != DLMR_MODE_IV)
		return -EEXIST;

	/* the caller fills sb_lvbptr before calling dlm_lock() */
	if (lvb)
		memcpy(lk->lvb, lvb, DLMR_LVB_SIZE);
	/* a new request gets a new lkb (create_lkb(): lkb_lvbseq 0) */
	if (!(flags & DLMR_LKF_CONVERT))
		lk->lvbseq = 0;
	lk->rqflags = (uint8_t)flags;
	lk->rqmode = (int8_t)mode;
	lk->op = SIMDLM_OP_LOCK;
	submit(d, &d->res[res], node - 1);
	return 0;
}

int simdlm_unlock(struct simdlm *d, unsigned int res, uint32_t node,
		  const uint8_t *lvb)
{
	struct simdlm_lock *lk;
	int err;

	err = lock_for_op(d, res, node, &lk);
	if (err)
		return err;
	if (lk->grmode == DLMR_MODE_IV)
		return -ENOENT;

	if (lvb) {
		memcpy(lk->lvb, lvb, DLMR_LVB_SIZE);
		lk->rqflags = DLMR_LKF_VALBLK;
	}
	lk->op = SIMDLM_OP_UNLOCK;
	submit(d, &d->res[res], node - 1);
	return 0;
}

bool simdlm_ast_pending(const struct simdlm *d, unsigned int res,
			uint32_t node)
{
	if (!args_ok(d, res, node))
		return false;
	return d->res[res].locks[node - 1].where == SIMDLM_AT_DONE ||
	       d->res[res].locks[node - 1].ast0 != SIMDLM_AST_NONE;
}

/* The status a completion code stands for. */
static int ast_status(uint8_t code)
{
	switch (code) {
	case SIMDLM_AST_AGAIN:
		return -EAGAIN;
	case SIMDLM_AST_DEADLK:
		return -EDEADLK;
	case SIMDLM_AST_UNLOCKED:
		return -SIMDLM_EUNLOCK;
	default:
		return 0;
	}
}

int simdlm_take_ast(struct simdlm *d, unsigned int res, uint32_t node,
		    struct simdlm_ast *out)
{
	struct simdlm_lock *lk;

	if (!args_ok(d, res, node) || !out)
		return -EINVAL;
	lk = &d->res[res].locks[node - 1];
	memset(out, 0, sizeof(*out));
	if (lk->ast0 != SIMDLM_AST_NONE) {
		/* the older of two: the lksb buffer as it is now, as the
		 * kernel's callback reads it */
		out->status = ast_status(lk->ast0);
		out->mode = lk->grmode;
		out->lvb_invalid = lk->ast0_flags & SIMDLM_ASTF_LVB_INVALID;
		out->lvb_read = lk->ast0_flags & SIMDLM_ASTF_LVB_READ;
		memcpy(out->lvb, lk->lvb, DLMR_LVB_SIZE);
		lk->ast0 = SIMDLM_AST_NONE;
		lk->ast0_flags = 0;
		return 0;
	}
	if (lk->where != SIMDLM_AT_DONE)
		return -ENOENT;

	out->status = ast_status(lk->ast);
	out->mode = lk->grmode;
	out->lvb_invalid = lk->ast_flags & SIMDLM_ASTF_LVB_INVALID;
	out->lvb_read = lk->ast_flags & SIMDLM_ASTF_LVB_READ;
	memcpy(out->lvb, lk->lvb, DLMR_LVB_SIZE);
	ast_clear(lk);
	return 0;
}

/* A reply of @master pending at member @node on @res. */
static bool reply_pending(const struct simdlm *d, unsigned int res,
			  uint32_t node, uint32_t master)
{
	const struct simdlm_res *r;
	const struct simdlm_lock *lk;

	if (!args_ok(d, res, node) || master < 1 ||
	    master > SIMDLM_NODES_MAX || node == master)
		return false;
	r = &d->res[res];
	lk = &r->locks[node - 1];
	return node_alive(d, node - 1) && lk->where == SIMDLM_AT_DONE &&
	       (lk->ast_flags & SIMDLM_ASTF_REPLY) && r->master == master;
}

bool simdlm_resendable(const struct simdlm *d, unsigned int res,
		       uint32_t node, uint32_t master)
{
	return reply_pending(d, res, node, master) &&
	       node_removed(d, master - 1);
}

unsigned int simdlm_resend_options(const struct simdlm *d, uint32_t master,
				   struct simdlm_ref *out, unsigned int max)
{
	unsigned int ri, i, n = 0, nn, nr;

	if (!d)
		return 0;
	nn = nodes_used(d);
	nr = d->nres && d->nres <= SIMDLM_RES_MAX ? d->nres : SIMDLM_RES_MAX;
	for (ri = 0; ri < nr; ri++) {
		if (d->res[ri].master != master)
			continue;
		for (i = 1; i <= nn; i++) {
			if (!reply_pending(d, ri, i, master))
				continue;
			if (out && n < max)
				out[n] = (struct simdlm_ref){ ri, i };
			n++;
		}
	}
	return n;
}

/*
 * dlm_recover_waiters_pre() flags the lkb DLM_IFL_RESEND; the process
 * copy was never changed by the lost reply (its grmode, lkb_lvbseq and
 * lksb buffer are as before the request; lkb_exflags were set when the
 * request was validated); dlm_recover_waiters_post() runs
 * _request_lock()/_convert_lock() again after enable_locking().
 */
int simdlm_resend(struct simdlm *d, unsigned int res, uint32_t node,
		  const uint8_t *lvb)
{
	struct simdlm_res *r;
	struct simdlm_lock *lk;
	int8_t rq;
	uint8_t flags;

	if (!args_ok(d, res, node))
		return -EINVAL;
	r = &d->res[res];
	lk = &r->locks[node - 1];
	if (!simdlm_resendable(d, res, node, r->master))
		return -ENOENT;
	rq = lk->rqmode;
	flags = lk->rqflags;
	lk->grmode = lk->prev_grmode;
	lk->lvbseq = lk->prev_lvbseq;
	if (lk->grmode == DLMR_MODE_IV)
		lk->exflags = 0;	/* a new lkb: set at its decision */
	if (lvb)
		memcpy(lk->lvb, lvb, DLMR_LVB_SIZE);
	ast_clear(lk);
	lk->op = SIMDLM_OP_LOCK;
	lk->rqmode = rq;
	lk->rqflags = flags;
	queue_add(r, lk, SIMDLM_AT_DEFERRED);
	return 0;
}

unsigned int simdlm_pending(const struct simdlm *d, struct simdlm_ref *out,
			    unsigned int max)
{
	unsigned int ri, i, n = 0;

	if (!d)
		return 0;
	for (ri = 0; ri < SIMDLM_RES_MAX; ri++) {
		for (i = 0; i < SIMDLM_NODES_MAX; i++) {
			if (d->res[ri].locks[i].where != SIMDLM_AT_DONE &&
			    d->res[ri].locks[i].ast0 == SIMDLM_AST_NONE)
				continue;
			if (out && n < max) {
				out[n].res = ri;
				out[n].node = i + 1;
			}
			n++;
		}
	}
	return n;
}

int simdlm_mode(const struct simdlm *d, unsigned int res, uint32_t node)
{
	if (!args_ok(d, res, node))
		return DLMR_MODE_IV;
	return d->res[res].locks[node - 1].grmode;
}

bool simdlm_in_flight(const struct simdlm *d, unsigned int res,
		      uint32_t node)
{
	if (!args_ok(d, res, node))
		return false;
	return d->res[res].locks[node - 1].op != SIMDLM_OP_NONE;
}

int simdlm_res_lvb(const struct simdlm *d, unsigned int res,
		   uint8_t lvb[DLMR_LVB_SIZE], bool *valid)
{
	const struct simdlm_res *r;

	if (!d || res >= SIMDLM_RES_MAX)
		return -EINVAL;
	r = &d->res[res];
	if (lvb)
		memcpy(lvb, r->lvb, DLMR_LVB_SIZE);
	if (valid)
		*valid = !r->valnotvalid;
	return r->lvb_exists ? 1 : 0;
}

enum simdlm_node_state simdlm_node(const struct simdlm *d, uint32_t node)
{
	if (!args_ok(d, 0, node))
		return SIMDLM_NODE_OUT;
	return (enum simdlm_node_state)d->node[node - 1];
}

bool simdlm_equal(const struct simdlm *a, const struct simdlm *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* FNV-1a, 64 bits, over every byte. */
uint64_t simdlm_hash(const struct simdlm *d)
{
	const uint8_t *p = (const uint8_t *)d;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < sizeof(*d); i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static const char *mode_name(int mode)
{
	static const char *const names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };

	return mode_valid(mode) ? names[mode] : "IV";
}

void simdlm_dump(const struct simdlm *d, FILE *f)
{
	static const char *const where_names[] = {
		"", "deferred", "convert", "wait", "done",
	};
	unsigned int ri, i, j;

	if (!d || !f)
		return;
	fprintf(f, "simdlm%s members:", d->stopped ? " (stopped)" : "");
	for (i = 0; i < SIMDLM_NODES_MAX; i++)
		if (d->node[i] != SIMDLM_NODE_OUT)
			fprintf(f, " %u%s", i + 1,
				d->node[i] == SIMDLM_NODE_MEMBER ? "" :
				d->node[i] == SIMDLM_NODE_FAILED ? "(failed)" :
				"(left)");
	fputc('\n', f);
	for (ri = 0; ri < SIMDLM_RES_MAX; ri++) {
		const struct simdlm_res *r = &d->res[ri];
		bool any = r->lvb_exists;

		for (i = 0; i < SIMDLM_NODES_MAX; i++)
			any |= r->locks[i].grmode != DLMR_MODE_IV ||
			       r->locks[i].op != SIMDLM_OP_NONE;
		if (!any)
			continue;
		fprintf(f, "  res %u master %u lvb", ri, r->master);
		if (!r->lvb_exists) {
			fputs(" none", f);
		} else {
			fputc(' ', f);
			for (j = 0; j < DLMR_LVB_SIZE; j++)
				fprintf(f, "%02x", r->lvb[j]);
			fprintf(f, " seq %u", r->lvbseq);
			if (r->valnotvalid)
				fputs(" NOTVALID", f);
		}
		fputc('\n', f);
		for (i = 0; i < SIMDLM_NODES_MAX; i++) {
			const struct simdlm_lock *lk = &r->locks[i];

			if (lk->grmode == DLMR_MODE_IV &&
			    lk->op == SIMDLM_OP_NONE)
				continue;
			fprintf(f, "    node %u gr %s", i + 1,
				mode_name(lk->grmode));
			if (lk->op == SIMDLM_OP_UNLOCK)
				fputs(" unlock", f);
			else if (lk->op == SIMDLM_OP_LOCK &&
				 lk->where != SIMDLM_AT_DONE)
				fprintf(f, " rq %s", mode_name(lk->rqmode));
			if (lk->where < DLMR_ARRAY_SIZE(where_names) &&
			    lk->where != SIMDLM_AT_NONE)
				fprintf(f, " %s", where_names[lk->where]);
			if (lk->rank)
				fprintf(f, " #%u", lk->rank);
			if (lk->exflags & DLMR_LKF_VALBLK)
				fprintf(f, " valblk seq %u", lk->lvbseq);
			fputc('\n', f);
		}
	}
}
