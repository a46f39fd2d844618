// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The explorer: every reachable state of the simulated cluster, breadth
 * first, on the simulator's own model (simcore.h): the same coordinator,
 * simulated DLM, recovery model and invariants as `dlmctl sim`.
 *
 * A state is the simulator's state, encoded canonically (the fields that
 * matter, in a fixed order, for nodes 1..N, resources 0..J+1 and journals
 * 0..J-1 only).  History no future step, invariant or replay reads is
 * left out or normalised (hist_reduce(), gen_map(), codec_coord(),
 * codec_lock(), each with its argument); dlmr_explore_config's
 * full_encoding turns that off, for the self-check in the tests.  Transitions are every enabled scheduler step (callback
 * deliveries, lock completions, timers, journal replays, recovery
 * progress) plus faults: a crash of any live node while fewer than F
 * crashes happened, and a reboot-and-mount of a crashed node while fewer
 * than R happened.  The initial state has every node joining and mounting
 * at once (a cold start).
 *
 * Visited states are kept as 64-bit hashes of their encoding (hash
 * compaction): two different states with the same hash would make the
 * search skip one; with n states the chance of any such collision is
 * about n^2 / 2^65 (1e-7 for 2e6 states).  No symmetry reduction is done:
 * node identities are not interchangeable here, since slots are given in
 * nodeid order and the lowest nodeid runs slot assignment.
 *
 * The frontier is kept level by level (breadth first), so the first
 * violation found is at the smallest depth; its path is rebuilt from
 * parent links and written as a scenario of `step`, `crash` and `mount`
 * lines that `dlmctl sim` replays exactly.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simcore.h"

/* Coordinator arrays encoded (jids): recover_size stays 16 while slots
 * are at most 8, so entries past 16 are never touched. */
#define ARR 16

/* ---- canonical encoding ----------------------------------------------- */

struct codec {
	uint8_t *buf;  /* NULL: measure only */
	size_t pos;
	bool enc;
	bool collect;  /* gather gmin */
	uint32_t gmin; /* lowest generation held, see gen() */
	uint32_t shift;/* subtracted from every generation held */
	bool full;     /* dlmr_explore_config.full_encoding: encode everything */
	bool seq_dead; /* masters and value block sequence numbers are never
			  read again: see codec_body() */
};

static inline __attribute__((always_inline)) void
io(struct codec *c, void *field, size_t len)
{
	if (c->buf) {
		if (c->enc)
			memcpy(c->buf + c->pos, field, len);
		else
			memcpy(field, c->buf + c->pos, len);
	}
	c->pos += len;
}

#define F(x) io(c, &(x), sizeof(x))
#define A(x, n) io(c, (x), (n) * sizeof((x)[0]))

/*
 * Generations (recover_block, recover_start, recover_mount,
 * recover_submit[], w_block_gen, w_start_gen, the generation in the
 * first 4 bytes of the control lock's value blocks, s->slots.generation)
 * are encoded shifted down so that the lowest one held is 1.  0 means
 * "none" (never assigned, no submit, an empty value block) and stays 0;
 * 0xFFFFFFFF (a disabled lvb) stays too.  Every read of a generation is
 * ==, != or < between two of them or against 0 or 0xFFFFFFFF (coord.c),
 * and the only new ones are the slot table's generation + 1 (slots.c)
 * and copies; when nobody is left the table starts again at generation
 * 1, and then no node's coordinator is encoded and the control resource
 * has been purged with its value block.  f(0) = 0, f(g) = g - shift
 * keeps all of these, so the shifted state has the same future.
 */
#define GEN_DISABLED 0xFFFFFFFFu

static inline __attribute__((always_inline)) uint32_t
gen_map(struct codec *c, uint32_t g)
{
	if (!g || g == GEN_DISABLED)
		return g;
	if (c->collect && g < c->gmin)
		c->gmin = g;
	return g - c->shift;
}

static inline __attribute__((always_inline)) void
gen(struct codec *c, uint32_t *g)
{
	uint32_t t = gen_map(c, *g);

	io(c, c->enc ? &t : g, sizeof(*g));
}

/* a value block: generation (little endian), then jid bits */
static uint32_t get_gen(const uint8_t *lvb)
{
	return (uint32_t)lvb[0] | (uint32_t)lvb[1] << 8 |
	       (uint32_t)lvb[2] << 16 | (uint32_t)lvb[3] << 24;
}

static inline __attribute__((always_inline)) void lvb_gen(struct codec *c, uint8_t *lvb)
{
	size_t at = c->pos;

	io(c, lvb, DLMR_LVB_SIZE);
	/* the generation patched in the buffer, not in a copy read back
	 * whole (that stalls on store forwarding) */
	if (c->buf && c->enc) {
		uint32_t g = gen_map(c, get_gen(lvb));

		for (unsigned int b = 0; b < 4; b++)
			c->buf[at + b] = (uint8_t)(g >> (8 * b));
	}
}

struct xstate {
	uint8_t crashes;  /* faults used */
	uint8_t rejoins;
};

/* Whether w_block_gen and w_start_gen, lvb_bits are encoded: see below. */
static bool w_gens_live(const struct dlmr_coord *k, bool full)
{
	return full || k->wp == WP_EX || k->wp == WP_NL || k->wp == WP_JREADY;
}

static bool lvb_bits_live(const struct dlmr_coord *k, bool full)
{
	return full || k->wp == WP_NL || k->wp == WP_JREADY ||
	       k->mp == MP_CTRL_NL2;
}

/*
 * The jid-indexed arrays recover_submit, recover_result, journal_held and
 * jrec are encoded up to the last index where one of them is not zero
 * (its count first), and decoded as zero past it: most of their ARR
 * entries are zero (jids stay below the slot count), and the bytes not
 * written are bytes not hashed, compared or stored.
 */
static inline __attribute__((always_inline)) uint8_t
arr_hi(struct codec *c, const struct dlmr_coord *k)
{
	uint8_t hi = ARR;

	if (c->full)
		return hi;
	if (c->buf && !c->enc) {
		io(c, &hi, sizeof(hi));
		return hi;
	}
	while (hi && !k->recover_submit[hi - 1] && !k->recover_result[hi - 1] &&
	       !k->journal_held[hi - 1] && !k->jrec[hi - 1])
		hi--;
	io(c, &hi, sizeof(hi));
	return hi;
}

static inline __attribute__((always_inline)) void codec_coord(struct codec *c, struct dlmr_coord *k)
{
	uint8_t hi;

	F(k->flags);
	gen(c, &k->recover_block);
	gen(c, &k->recover_start);
	gen(c, &k->recover_mount);
	F(k->jid);
	F(k->first);
	F(k->recover_size);
	hi = arr_hi(c, k);
	for (unsigned int i = 0; i < hi; i++)
		gen(c, &k->recover_submit[i]);
	A(k->recover_result, hi);
	lvb_gen(c, k->control_lvb);
	F(k->control_mode);
	F(k->mounted_mode);
	A(k->journal_held, hi);
	F(k->ctrl_by);
	F(k->ctrl_n);
	F(k->mnt_busy);
	F(k->mp);
	F(k->mp_jid);
	F(k->wp);
	F(k->work_pending);
	F(k->work_deferred);
	F(k->journal_ready);
	/* w_next: read only when the wait ends (wp WP_JREADY) */
	if (c->full || k->wp == WP_JREADY)
		F(k->w_next);
	else if (c->buf && !c->enc)
		k->w_next = 0;
	/*
	 * Coordinator scratch, encoded only where it can still be read
	 * (unless c->full; decoded as zero elsewhere):
	 * - mp_error and work_write_lvb are written, never read (coord.c).
	 * - w_block_gen, w_start_gen: read only by work_ex_granted() and
	 *   work_nl_done(), the completions of wp WP_EX and WP_NL; wp
	 *   becomes WP_EX only in work_start(), right after both are
	 *   written, and WP_NL only from WP_EX.
	 * - lvb_bits: read by work_ex_granted() and mount_locks_done()
	 *   only after copying control_lvb over it, and otherwise only by
	 *   work_nl_done() (wp WP_NL, set in work_ex_granted() after the
	 *   copy) and mount_check_lvb() (the completion of mp MP_CTRL_NL2,
	 *   set in mount_locks_done() after the copy).
	 */
	if (c->full) {
		F(k->mp_error);
		F(k->work_write_lvb);
	} else if (c->buf && !c->enc) {
		k->mp_error = 0;
		k->work_write_lvb = false;
	}
	if (w_gens_live(k, c->full)) {
		gen(c, &k->w_block_gen);
		gen(c, &k->w_start_gen);
	} else if (c->buf && !c->enc) {
		k->w_block_gen = k->w_start_gen = 0;
	}
	if (lvb_bits_live(k, c->full))
		lvb_gen(c, k->lvb_bits);
	else if (c->buf && !c->enc)
		memset(k->lvb_bits, 0, DLMR_LVB_SIZE);
	A(k->jrec, hi);
	if (c->buf && !c->enc && hi < ARR) {
		memset(k->recover_submit + hi, 0,
		       (ARR - hi) * sizeof(k->recover_submit[0]));
		memset(k->recover_result + hi, 0, ARR - hi);
		memset(k->journal_held + hi, 0,
		       (ARR - hi) * sizeof(k->journal_held[0]));
		memset(k->jrec + hi, 0, ARR - hi);
	}
	/* slot-from-table's copy of the last done's table (empty without
	 * that fix); bad_slots is statistics, never read: not encoded */
	F(k->last_num);
	if (k->last_num <= DLMR_SLOTS_MAX)
		A(k->last_slots, k->last_num);
	F(k->cfg.journals);
	F(k->cfg.spectator);
	F(k->cfg.mutant);
	F(k->cfg.fixes);
}

/* The encoding of an up node is at most its fields' size: a node of
 * zeros is decoded from these (codec_node()). */
static const uint8_t zero_node[offsetof(struct sim_node, coord) +
			       offsetof(struct dlmr_coord, aq) + 64];

static inline __attribute__((always_inline)) void
codec_up_node(struct codec *c, struct sim_node *n, unsigned int j,
	      uint64_t *kf, uint64_t *je);

static inline __attribute__((always_inline)) void codec_node(struct codec *c, struct sim_node *n, unsigned int j,
		       uint64_t *kf, uint64_t *je)
{
	F(n->up);
	if (!n->up) {
		/* Nothing reads a down node's fields but up (mount_node()
		 * clears them all): leave them out, so that what a node
		 * did before it crashed does not tell states apart.  On
		 * decoding, every field an up node's decoding sets is
		 * zeroed, by decoding a node of zeros: the same fields
		 * are then left as they were as for an up node (the
		 * coordinator's action queue, cbq entries past cbq_len,
		 * ...), at a tenth of the cost of zeroing the whole node
		 * (2.7 KiB on every decoding; 12% of the search). */
		if (c->buf && !c->enc) {
			struct codec z = { .buf = (uint8_t *)zero_node,
					   .full = c->full };

			codec_up_node(&z, n, j, &n->known_failed,
				      &n->join_epoch);
			n->up = false;
		}
		return;
	}
	codec_up_node(c, n, j, kf, je);
}

static inline __attribute__((always_inline)) void
codec_up_node(struct codec *c, struct sim_node *n, unsigned int j,
	      uint64_t *kf, uint64_t *je)
{
	F(n->in_ls);
	F(n->running);
	F(n->joined);
	F(n->mount_wanted);
	F(n->mount_fed);
	F(n->failed);
	F(n->leaving);
	A(n->timer, SIM_TIMER_RECOVERY0 + j);
	F(n->cbq_len);
	for (unsigned int i = 0; i < n->cbq_len && i < CBQ_MAX; i++) {
		F(n->cbq[i].type);
		F(n->cbq[i].nodeid);
		F(n->cbq[i].slot);
	}
	A(n->replay, j);
	/* a request held behind the node's own unlock (sim.c
	 * hold_request()): its mode and flags */
	F(n->held);
	for (unsigned int r = 0; n->held && r < RES_JOURNAL0 + j; r++)
		if (n->held & BIT(r)) {
			F(n->req_mode[r]);
			F(n->held_flags[r]);
		}
	F(n->slot_reset);
	io(c, kf, sizeof(*kf));  /* n->known_failed, see codec() */
	io(c, je, sizeof(*je));  /* n->join_epoch, see codec() */
	codec_coord(c, &n->coord);
}

/*
 * History the encoding leaves out or normalises (hist_reduce()), unless
 * @full (dlmr_explore_config.full_encoding: the self-check).  Each
 * is future-equivalent: the state with the reduced value takes the same
 * steps, reaches the same (reduced) states and fails the same invariants.
 *
 * - Epochs (s->epoch, join_epoch, orphan_epoch).  The only read is S1's
 *   "join_epoch[n] > orphan_epoch[j]" for an up node n and an orphaned
 *   journal j; s->epoch is only incremented, and every new join or
 *   orphan epoch is ++s->epoch, greater than every epoch held.  So only
 *   the order between the join epochs of up nodes and the orphan epochs
 *   of orphaned journals matters: they are replaced by their rank in the
 *   merged order, where a run of epochs of the same kind gets one rank
 *   (two join epochs or two orphan epochs are never compared), and
 *   s->epoch, not encoded, becomes the highest rank on decoding (new
 *   epochs stay above every one held).  A down node's join_epoch is not
 *   encoded (codec_node()), nor the orphan epoch of a journal that is not
 *   orphaned: it is written (crash_node()) whenever the orphan bit is set.
 * - jowner[j] of a journal neither dirty nor orphaned: crash_node() and
 *   finish_replay() read it only if j is dirty, S1 and S5 only if j is
 *   orphaned, do_unmounted() only to clear j's dirty bit (already clear),
 *   and MOUNTED overwrites it when it sets the dirty bit.  Written as 0.
 * - known_failed bit o of every node: only S1 reads it, for o = jowner[j]
 *   of an orphaned journal j.  A journal gets orphaned with owner o only
 *   when o crashes, which clears bit o in every node in the same step,
 *   and an orphaned journal's owner changes only when the orphan bit is
 *   cleared (MOUNTED).  So a bit o where no orphaned journal has owner o
 *   is never read before being cleared: kept only for such owners.
 */

struct hist {
	uint32_t jowner[NMAX];
	uint64_t orphan_epoch[NMAX];
	uint64_t join_epoch[NMAX + 1];
	uint64_t known_failed[NMAX + 1];
};

static void hist_reduce(const struct sim *s, struct hist *h, bool full)
{
	unsigned int nn = s->sc->nodes, nj = s->sc->journals, ne = 0;
	uint64_t live = 0;
	struct ep { uint64_t v; uint64_t *to; bool join; } e[2 * NMAX + 1], t;

	/* only entries 0..nj-1 and 1..nn are encoded: no memset */
	for (unsigned int j = 0; j < nj; j++) {
		h->jowner[j] = s->jowner[j];
		h->orphan_epoch[j] = s->orphan_epoch[j];
	}
	for (uint32_t id = 1; id <= nn; id++) {
		h->join_epoch[id] = s->n[id].join_epoch;
		h->known_failed[id] = s->n[id].known_failed;
	}
	if (full)
		return;
	for (unsigned int j = 0; j < nj; j++) {
		if (!((s->dirty | s->orphan) & BIT(j)))
			h->jowner[j] = 0;
		if (s->orphan & BIT(j)) {
			live |= BIT(s->jowner[j]);
			e[ne++] = (struct ep){ s->orphan_epoch[j],
					       &h->orphan_epoch[j], false };
		} else {
			h->orphan_epoch[j] = 0;
		}
	}
	for (uint32_t id = 1; id <= nn; id++) {
		h->known_failed[id] &= live;
		if (s->n[id].up)
			e[ne++] = (struct ep){ s->n[id].join_epoch,
					       &h->join_epoch[id], true };
	}
	/* insertion sort by epoch, then ranks */
	for (unsigned int a = 1; a < ne; a++) {
		t = e[a];
		unsigned int b = a;

		for (; b > 0 && e[b - 1].v > t.v; b--)
			e[b] = e[b - 1];
		e[b] = t;
	}
	for (unsigned int a = 0, r = 0; a < ne; a++) {
		if (a && e[a].join != e[a - 1].join)
			r++;
		*e[a].to = r;
	}
}

static void hist_restore(struct sim *s, const struct hist *h, bool full)
{
	unsigned int nn = s->sc->nodes, nj = s->sc->journals;
	uint64_t top = 0;

	for (unsigned int j = 0; j < nj; j++) {
		s->jowner[j] = h->jowner[j];
		s->orphan_epoch[j] = h->orphan_epoch[j];
		if (h->orphan_epoch[j] > top)
			top = h->orphan_epoch[j];
	}
	for (uint32_t id = 1; id <= nn; id++) {
		if (!s->n[id].up)
			continue; /* cleared by codec_node() */
		s->n[id].join_epoch = h->join_epoch[id];
		s->n[id].known_failed = h->known_failed[id];
		if (h->join_epoch[id] > top)
			top = h->join_epoch[id];
	}
	if (!full)
		s->epoch = top;
}

/*
 * A lock of the simulated DLM.  Of its exflags (lkb_exflags, the flags of
 * the last decided request) only VALBLK is ever read (set_lvb_lock() at
 * the grant of the request they were decided with, set_lvb_unlock(),
 * purge_dead() and recover_lvb() for a lock that holds a mode), so only
 * that bit is encoded.  A lock that holds nothing and has no decided
 * request queued (grmode IV, where NONE or DONE: its grant already ran)
 * reads neither its exflags nor its lvbseq before a new request, which
 * sets both (simdlm_request() and do_lock()): they are not encoded.
 * (unless c->full; decoded as 0.)
 */
/*
 * What a pending reply keeps for a resend (simdlm.h: the REPLY flag,
 * prev_grmode, prev_lvbseq, rqmode and rqflags) is read only by a crash
 * of its master (simdlm_resend()) and cleared at its delivery: with no
 * crash left (c->seq_dead) it is encoded as a completion without it.
 */
static inline __attribute__((always_inline)) void
codec_reply_dead(struct codec *c, const struct simdlm_lock *lk)
{
	size_t at = c->pos - offsetof(struct simdlm_lock, lvb);

	if (lk->where != SIMDLM_AT_DONE ||
	    !(lk->ast_flags & SIMDLM_ASTF_REPLY))
		return;
	c->buf[at + offsetof(struct simdlm_lock, ast_flags)] &=
		(uint8_t)~SIMDLM_ASTF_REPLY;
	c->buf[at + offsetof(struct simdlm_lock, prev_grmode)] =
		(uint8_t)DLMR_MODE_IV;
	c->buf[at + offsetof(struct simdlm_lock, prev_lvbseq)] = 0;
	c->buf[at + offsetof(struct simdlm_lock, rqmode)] =
		(uint8_t)DLMR_MODE_IV;
	c->buf[at + offsetof(struct simdlm_lock, rqflags)] = 0;
}

static inline __attribute__((always_inline)) void codec_lock(struct codec *c, struct simdlm_lock *lk)
{
	bool dead = !c->full && lk->grmode == DLMR_MODE_IV &&
		    (lk->where == SIMDLM_AT_NONE || lk->where == SIMDLM_AT_DONE);
	size_t at = c->pos + offsetof(struct simdlm_lock, exflags);
	size_t sq = c->pos + offsetof(struct simdlm_lock, lvbseq);

	/* straight into the buffer: a copy patched bytewise and read back
	 * whole stalls on store forwarding */
	io(c, lk, offsetof(struct simdlm_lock, lvb));
	if (c->buf && c->enc && !c->full) {
		c->buf[at] &= DLMR_LKF_VALBLK;
		if (dead)
			c->buf[at] = c->buf[sq] = 0;
		if (c->seq_dead) {
			c->buf[sq] = 0;
			codec_reply_dead(c, lk);
		}
	}
}

static bool lvb_zero(const uint8_t *lvb)
{
	uint64_t w[DLMR_LVB_SIZE / 8];

	memcpy(w, lvb, DLMR_LVB_SIZE);
	return !(w[0] | w[1] | w[2] | w[3]);
}

/*
 * A resource's value blocks (its own and its locks' buffers) are encoded
 * after a flag that says whether any of them holds a non-zero byte; if
 * none does they are left out and decoded as zeros.  Only the control
 * lock is ever requested with VALBLK, so the others' are always left
 * out.
 */
static inline __attribute__((always_inline)) void
codec_lvbs(struct codec *c, struct simdlm_res *res, unsigned int nn, bool gens)
{
	uint8_t any = 1;

	if (c->full) {
		;
	} else if (c->buf && !c->enc) {
		F(any);
	} else {
		any = !lvb_zero(res->lvb);
		for (unsigned int i = 0; i < nn && !any; i++)
			any = !lvb_zero(res->locks[i].lvb);
		F(any);
	}
	if (!any) {
		if (c->buf && !c->enc) {
			memset(res->lvb, 0, DLMR_LVB_SIZE);
			for (unsigned int i = 0; i < nn; i++)
				memset(res->locks[i].lvb, 0, DLMR_LVB_SIZE);
		}
		return;
	}
	if (gens) {
		lvb_gen(c, res->lvb);
		for (unsigned int i = 0; i < nn; i++)
			lvb_gen(c, res->locks[i].lvb);
	} else {
		A(res->lvb, DLMR_LVB_SIZE);
		for (unsigned int i = 0; i < nn; i++)
			A(res->locks[i].lvb, DLMR_LVB_SIZE);
	}
}

/*
 * Late delivery's state (sim.c, "Late delivery"), for every node: up or
 * down (a crash clears it, mount_node() zeroes it).  Encoded whole; the
 * done events' generations shifted as the others (gen()).  Nothing when
 * the callbacks are the kernel's: the fields stay 0 there.
 */
static inline __attribute__((always_inline)) void
codec_late(struct codec *c, struct sim *s)
{
	if (!sim_late(s))
		return;
	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		struct sim_node *n = &s->n[id];

		F(n->dlm_failed);
		for (unsigned int i = 0; i < n->cbq_len && i < CBQ_MAX; i++)
			F(n->cbq[i].stale);
		F(n->ldone_len);
		for (unsigned int i = 0; i < n->ldone_len &&
		     i < SIM_LDONE_MAX; i++) {
			gen(c, &n->ldone[i].generation);
			F(n->ldone[i].num);
			A(n->ldone[i].s, n->ldone[i].num < NMAX ?
			  n->ldone[i].num : NMAX);
		}
	}
}

static inline __attribute__((always_inline)) void codec_body(struct codec *c, struct sim *s, struct xstate *x,
		       struct hist *h, size_t *noff)
{
	unsigned int nn = s->sc->nodes, j = s->sc->journals;

	F(x->crashes);
	F(x->rejoins);
	F(s->phase);
	F(s->change_pending);
	F(s->slots_assigned);
	F(s->cb_suspended);
	F(s->ends);
	F(s->members);
	F(s->crashed);
	F(s->dirty);
	F(s->orphan);
	/* read only by slot-from-table's check (sim.c check_slot_ignored) */
	if (s->sc->fixes & (1u << FIX_SLOT_FROM_TABLE))
		F(s->mounted_inc);
	else if (c->buf && !c->enc)
		s->mounted_inc = 0;
	A(h->jowner, j);
	A(h->orphan_epoch, j);
	if (c->full)
		F(s->epoch);
	gen(c, &s->slots.generation);
	F(s->slots.disabled);
	F(s->slots.num);
	A(s->slots.slots, s->slots.num);
	for (uint32_t id = 1; id <= nn; id++) {
		if (noff)
			noff[id - 1] = c->pos;
		codec_node(c, &s->n[id], j, &h->known_failed[id],
			   &h->join_epoch[id]);
	}
	if (noff)
		noff[nn] = c->pos;
	codec_late(c, s);
	A(s->dlm.node, nn);
	F(s->dlm.stopped);
	A(s->dlm.off, nn);
	/*
	 * Value block sequence numbers are read only when a recovery gives
	 * a resource a new master (recover_lvb(), case 2), and for those a
	 * master's own lock keeps (which only that reads).  A master is
	 * removed only by a crash here (the explorer has no clean leave):
	 * with no crash left and no removed node awaiting recovery, none of
	 * them is ever read again, and they are not encoded (decoded as 0).
	 * Masters are always encoded: at every stop (a reboot's join too)
	 * an operation waits for its resource's master to end its recovery
	 * (simdlm.c op_waits()).
	 */
	c->seq_dead = !c->full && x->crashes >= s->crash_bound;
	for (unsigned int i = 0; i < nn && c->seq_dead; i++)
		if (s->dlm.node[i] == SIMDLM_NODE_FAILED ||
		    s->dlm.node[i] == SIMDLM_NODE_LEFT)
			c->seq_dead = false;
	for (unsigned int r = 0; r < RES_JOURNAL0 + j; r++) {
		struct simdlm_res *res = &s->dlm.res[r];

		F(res->lvb_exists);
		F(res->valnotvalid);
		F(res->recover_grant);
		F(res->master);
		if (!c->seq_dead)
			F(res->lvbseq);
		else if (c->buf && !c->enc)
			res->lvbseq = 0;
		for (unsigned int i = 0; i < nn; i++)
			codec_lock(c, &res->locks[i]);
		/* the control lock's value blocks hold generations */
		codec_lvbs(c, res, nn, r == RES_CONTROL);
	}
}

/* nothing but padding after sim_node.coord and after dlmr_coord.aq */
_Static_assert(offsetof(struct sim_node, coord) + sizeof(struct dlmr_coord) +
	       _Alignof(struct sim_node) > sizeof(struct sim_node) &&
	       offsetof(struct dlmr_coord, aq) +
	       COORD_ACTQ_MAX * sizeof(struct dlmr_action) +
	       _Alignof(struct dlmr_coord) > sizeof(struct dlmr_coord),
	       "codec_node() zeroes a down node up to the coordinator's "
	       "action queue, which must come last");

_Static_assert(sizeof(struct simdlm_lock) ==
	       offsetof(struct simdlm_lock, lvb) + DLMR_LVB_SIZE &&
	       offsetof(struct simdlm_lock, lvbseq) <
	       offsetof(struct simdlm_lock, lvb) &&
	       offsetof(struct simdlm_lock, prev_lvbseq) <
	       offsetof(struct simdlm_lock, lvb),
	       "codec_lock() encodes a lock's fields, all before its lvb");

/* The lowest generation codec_body() encodes (gen_map()), UINT32_MAX if
 * none: the same fields under the same conditions, for the reduced
 * encoding (the only one that shifts generations). */
static uint32_t gen_min(const struct sim *s)
{
	struct codec m = { .collect = true, .gmin = UINT32_MAX };
	const struct simdlm_res *r = &s->dlm.res[RES_CONTROL];

	gen_map(&m, s->slots.generation);
	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		const struct dlmr_coord *k = &s->n[id].coord;

		if (!s->n[id].up)
			continue;
		gen_map(&m, k->recover_block);
		gen_map(&m, k->recover_start);
		gen_map(&m, k->recover_mount);
		/* gen_map() over the array, in a loop the compiler can
		 * vectorise: g - 1 takes 0 and GEN_DISABLED above every
		 * other generation */
		uint32_t mm = UINT32_MAX;

		for (unsigned int i = 0; i < ARR; i++) {
			uint32_t v = k->recover_submit[i] - 1u;

			mm = v < mm ? v : mm;
		}
		if (mm < GEN_DISABLED - 1 && mm + 1 < m.gmin)
			m.gmin = mm + 1;
		gen_map(&m, get_gen(k->control_lvb));
		if (w_gens_live(k, false)) {
			gen_map(&m, k->w_block_gen);
			gen_map(&m, k->w_start_gen);
		}
		if (lvb_bits_live(k, false))
			gen_map(&m, get_gen(k->lvb_bits));
	}
	gen_map(&m, get_gen(r->lvb));
	for (unsigned int i = 0; i < s->sc->nodes; i++)
		gen_map(&m, get_gen(r->locks[i].lvb));
	/* late delivery: the generations of the done events not read yet
	 * (codec_late()); without them a done older than every other
	 * generation held was shifted to 0, "none" */
	if (sim_late(s))
		for (uint32_t id = 1; id <= s->sc->nodes; id++)
			for (unsigned int i = 0; i < s->n[id].ldone_len &&
			     i < SIM_LDONE_MAX; i++)
				gen_map(&m, s->n[id].ldone[i].generation);
	return m.gmin;
}

/* Encode (enc) or decode the state of @s; returns the length.  If @noff
 * is not NULL, node id's bytes are noff[id - 1] .. noff[id] - 1.  @full:
 * encode everything (dlmr_explore_config.full_encoding, the self-check);
 * a state must be decoded with the @full it was encoded with. */
static size_t codec(struct sim *s, struct xstate *x, uint8_t *buf, bool enc,
		    size_t *noff, bool full)
{
	uint32_t shift = 0;
	struct hist h;

	if (enc) {
		hist_reduce(s, &h, full);
		if (buf && !full) {
			uint32_t m = gen_min(s);

			if (m != UINT32_MAX)
				shift = m - 1;
		}
	}
	/* Three copies of codec_body(), each with buf and enc known, so
	 * that the compiler folds io()'s branches away. */
	if (!buf) {
		struct codec c = { .enc = true, .full = full };

		codec_body(&c, s, x, &h, noff);
		return c.pos;
	}
	if (enc) {
		struct codec c = { .buf = buf, .enc = true, .full = full,
				   .shift = shift };

		codec_body(&c, s, x, &h, noff);
		return c.pos;
	}
	{
		struct codec c = { .buf = buf, .full = full };

		codec_body(&c, s, x, &h, noff);
		hist_restore(s, &h, full);
		return c.pos;
	}
}

size_t sim_encode(struct sim *s, uint8_t *buf)
{
	struct xstate xs = { 0 };

	return codec(s, &xs, buf, true, NULL, false);
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* Four independent lanes over 32-byte blocks, so the multiplications
 * overlap instead of waiting for each other. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h0 = 0x9e3779b97f4a7c15ull ^ n, h1 = 0xc2b2ae3d27d4eb4full,
		 h2 = 0x165667b19e3779f9ull, h3 = 0x27d4eb2f165667c5ull, h;

	while (n >= 32) {
		uint64_t w[4];

		memcpy(w, p, 32);
		h0 = mix(h0, w[0]);
		h1 = mix(h1, w[1]);
		h2 = mix(h2, w[2]);
		h3 = mix(h3, w[3]);
		p += 32;
		n -= 32;
	}
	h = mix(mix(mix(h0, h1), h2), h3);
	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = mix(h, w);
		p += 8;
		n -= 8;
	}
	while (n--) {
		h = (h ^ *p++) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h ? h : 1; /* 0 marks an empty slot */
}

/* ---- visited set -------------------------------------------------------- */

struct hset {
	uint64_t *slot;
	uint32_t *ids;  /* the state id of each slot, if kept (see graph) */
	bool keep_ids;
	size_t cap, len;
};

static int hset_grow(struct hset *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 1u << 16;
	uint64_t *n = calloc(ncap, sizeof(*n));
	uint32_t *ni = h->keep_ids ? malloc(ncap * sizeof(*ni)) : NULL;

	if (!n || (h->keep_ids && !ni)) {
		free(n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++) {
		uint64_t v = h->slot[i];
		size_t k;

		if (!v)
			continue;
		for (k = v & (ncap - 1); n[k]; k = (k + 1) & (ncap - 1))
			;
		n[k] = v;
		if (ni)
			ni[k] = h->ids[i];
	}
	free(h->slot);
	free(h->ids);
	h->slot = n;
	h->ids = ni;
	h->cap = ncap;
	return 0;
}

/* 1 if added (with state id @id), 0 if present (its id to *@old if ids
 * are kept), -ENOMEM */
static int hset_add_id(struct hset *h, uint64_t v, uint32_t id, uint32_t *old)
{
	size_t k;

	if ((h->len + 1) * 2 > h->cap && hset_grow(h))
		return -ENOMEM;
	for (k = v & (h->cap - 1); h->slot[k]; k = (k + 1) & (h->cap - 1))
		if (h->slot[k] == v) {
			if (h->ids && old)
				*old = h->ids[k];
			return 0;
		}
	h->slot[k] = v;
	if (h->ids)
		h->ids[k] = id;
	h->len++;
	return 1;
}

static inline void hset_prefetch(const struct hset *h, uint64_t v)
{
	if (h->cap) {
		__builtin_prefetch(&h->slot[v & (h->cap - 1)], 0);
		if (h->ids)
			__builtin_prefetch(&h->ids[v & (h->cap - 1)], 1);
	}
}

static int hset_add(struct hset *h, uint64_t v)
{
	return hset_add_id(h, v, 0, NULL);
}

static size_t hset_bytes(const struct hset *h)
{
	return h->cap * (sizeof(*h->slot) + (h->keep_ids ? sizeof(*h->ids) : 0));
}

static bool hset_has(const struct hset *h, uint64_t v)
{
	if (!h->cap)
		return false;
	for (size_t k = v & (h->cap - 1); h->slot[k]; k = (k + 1) & (h->cap - 1))
		if (h->slot[k] == v)
			return true;
	return false;
}

/* ---- the graph, for the livelock check ------------------------------------
 *
 * S5 is checked where no protocol step is enabled.  A livelock has no
 * such state: nodes retry (a mount sleeping and trying again, a work
 * queued again) forever and nothing ends it but another fault.  So when
 * a search is complete, every state must reach a quiescent state by
 * protocol steps alone (faults excluded: the cluster must settle
 * without another failure).  The explored graph is kept for that: the
 * successor ids of every state through its expanded protocol steps (in
 * the order states are expanded, which is their id order), and the
 * quiescent states.  Then a backward search from the quiescent states
 * marks every state that reaches one; the first state not marked (the
 * lowest id: the shallowest) is reported with its path.
 *
 * With partial-order reduction the graph is the reduced one, and the
 * verdict is the same (the tests compare them): an ample set keeps
 * every quiescent state reachable from each state it is used at
 * (persistent sets preserve deadlocks; Godefroid 1996, ch. 4), so a
 * state of the reduced graph that reaches none in it reaches none in
 * the full graph; and if a state of the full graph reaches none, then
 * moving its path's steps behind the ample steps taken instead (C1;
 * C3 makes every step of the path taken at a fully expanded state in
 * the end) reaches a state of the reduced graph that is a successor of
 * it by protocol steps, which reaches none either.
 */
struct graph {
	uint64_t *first;  /* state id -> its first successor in succ */
	uint32_t *succ;
	uint32_t *label;  /* with fairness (cfg->fair): each edge's step,
			     step_code(); NULL otherwise */
	uint32_t *quiet;  /* quiescent state ids */
	size_t nfirst, capfirst, nsucc, capsucc, caplabel, nquiet, capquiet;
};

/* A protocol step as 32 bits: kind, node, arg (16 bits: a recovery
 * step's choice is master | from << 8). */
static uint32_t step_code(const struct step *st)
{
	return (uint32_t)st->kind << 24 | (st->node & 0xff) << 16 |
	       (st->arg & 0xffff);
}

static struct step step_decode(uint32_t code)
{
	return (struct step){ (uint8_t)(code >> 24), (code >> 16) & 0xff,
			      code & 0xffff };
}

/* Room for @need elements of @size in @p, whose capacity is *@cap: the
 * array (moved or not), or NULL with @p left as it was. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 1u << 12;
	void *n;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		return NULL;
	n = realloc(p, ncap * size);
	if (n)
		*cap = ncap;
	return n;
}

/* State @id is expanded next; its successors follow. */
static int graph_state(struct graph *g, uint32_t id, bool quiet)
{
	uint64_t *first;
	uint32_t *q;

	if (id != g->nfirst)
		return -EINVAL; /* not expanded in id order: cannot happen */
	first = grow(g->first, &g->capfirst, g->nfirst + 2, sizeof(*first));
	if (!first)
		return -ENOMEM;
	g->first = first;
	g->first[g->nfirst++] = g->nsucc;
	g->first[g->nfirst] = g->nsucc;
	if (quiet) {
		q = grow(g->quiet, &g->capquiet, g->nquiet + 1, sizeof(*q));
		if (!q)
			return -ENOMEM;
		g->quiet = q;
		g->quiet[g->nquiet++] = id;
	}
	return 0;
}

static int graph_succ(struct graph *g, uint32_t to, const struct step *how,
		      bool labels)
{
	uint32_t *succ = grow(g->succ, &g->capsucc, g->nsucc + 1,
			      sizeof(*succ));

	if (!succ)
		return -ENOMEM;
	g->succ = succ;
	if (labels) {
		uint32_t *l = grow(g->label, &g->caplabel, g->nsucc + 1,
				   sizeof(*l));

		if (!l)
			return -ENOMEM;
		g->label = l;
		g->label[g->nsucc] = step_code(how);
	}
	g->succ[g->nsucc++] = to;
	g->first[g->nfirst] = g->nsucc;
	return 0;
}

static size_t graph_bytes(const struct graph *g)
{
	return g->capfirst * sizeof(*g->first) +
	       g->capsucc * sizeof(*g->succ) +
	       g->caplabel * sizeof(*g->label) +
	       g->capquiet * sizeof(*g->quiet);
}

/*
 * After a complete search of @n states: how many cannot reach a
 * quiescent state (to *@trapped) and the lowest id of them (to *@first);
 * *@bytes gets the memory it took.  -ENOMEM, or -EINVAL if a state was
 * never expanded (cannot happen).
 */
static int graph_livelock(const struct graph *g, size_t n, uint64_t *trapped,
			  uint32_t *first, size_t *bytes)
{
	uint64_t *rfirst = calloc(n + 1, sizeof(*rfirst));
	uint32_t *rsucc = malloc((g->nsucc ? g->nsucc : 1) * sizeof(*rsucc));
	uint32_t *queue = malloc((n ? n : 1) * sizeof(*queue));
	uint8_t *good = calloc(n ? n : 1, 1);
	size_t head = 0, tail = 0;
	int ret = 0;

	*bytes = (n + 1) * sizeof(*rfirst) + g->nsucc * sizeof(*rsucc) +
		 n * (sizeof(*queue) + 1);
	if (!rfirst || !rsucc || !queue || !good) {
		ret = -ENOMEM;
		goto out;
	}
	if (g->nfirst != n) {
		ret = -EINVAL; /* a state never expanded: cannot happen */
		goto out;
	}
	/* predecessors, by counting */
	for (size_t e = 0; e < g->nsucc; e++)
		rfirst[g->succ[e] + 1]++;
	for (size_t v = 0; v < n; v++)
		rfirst[v + 1] += rfirst[v];
	for (size_t u = 0; u < n; u++)
		for (uint64_t e = g->first[u]; e < g->first[u + 1]; e++)
			rsucc[rfirst[g->succ[e]]++] = (uint32_t)u;
	for (size_t v = n; v > 0; v--)
		rfirst[v] = rfirst[v - 1];
	rfirst[0] = 0;
	for (size_t q = 0; q < g->nquiet; q++) {
		good[g->quiet[q]] = 1;
		queue[tail++] = g->quiet[q];
	}
	while (head < tail) {
		uint32_t v = queue[head++];

		for (uint64_t e = rfirst[v]; e < rfirst[v + 1]; e++)
			if (!good[rsucc[e]]) {
				good[rsucc[e]] = 1;
				queue[tail++] = rsucc[e];
			}
	}
	*trapped = n - tail;
	*first = 0;
	for (size_t v = 0; v < n; v++)
		if (!good[v]) {
			*first = (uint32_t)v;
			break;
		}
out:
	free(rfirst);
	free(rsucc);
	free(queue);
	free(good);
	return ret;
}

/* ---- weak fairness: non-progress cycles (cfg->fair) ---------------------
 *
 * The livelock check above asks whether every state can still reach a
 * quiescent state.  A cycle that can be left, but need not be, passes
 * it: a retry that always comes at the wrong moment, two nodes undoing
 * each other.  Under weak fairness (spin -l -f) a run is fair when every
 * actor that is enabled from some point on for ever takes a step; an
 * actor is a step's identity (a node's callback queue, one lock's
 * completion, a timer, a journal replay, the recovery; the recovery's
 * choice of master is one actor).  No cycle of protocol steps reaches a
 * quiescent state (none has a protocol successor), so a weakly fair
 * cycle is a run that never settles although the scheduler is fair.
 *
 * A strongly connected component C of the graph of protocol steps holds
 * a weakly fair cycle if and only if every actor enabled in every state
 * of C takes a step that stays in C: then a walk through all of C's
 * edges is fair; otherwise such an actor is enabled all along any cycle
 * in C and never taken in it.  The search finds the components (Tarjan),
 * takes the fair one with the shallowest state, and builds a short fair
 * cycle through that state: a shortest cycle, then for each actor
 * enabled all along it and not taken, a detour (within C) to a step of
 * that actor or to a state where it is not enabled, and back.
 *
 * The graph must be the full one: partial-order reduction leaves steps
 * out at reduced states, and a cycle fair in the reduced graph might
 * not be fair in the full one (and the reverse).  cfg->fair turns the
 * reduction off.
 */

/* The actor a step belongs to (fairness is per actor). */
static uint32_t actor(uint32_t code)
{
	struct step st = step_decode(code);

	return sim_actor(&st);
}

/* Tarjan's strongly connected components, iteratively: comp[v] for
 * every state; returns their number, or -ENOMEM. */
static long graph_scc(const struct graph *g, uint32_t n, uint32_t *comp)
{
	uint32_t *idx = calloc(n ? n : 1, sizeof(*idx));
	uint32_t *low = malloc((n ? n : 1) * sizeof(*low));
	uint32_t *stk = malloc((n ? n : 1) * sizeof(*stk));
	uint32_t *cv = malloc((n ? n : 1) * sizeof(*cv));
	uint64_t *ce = malloc((n ? n : 1) * sizeof(*ce));
	uint8_t *on = calloc(n ? n : 1, 1);
	uint32_t next = 1, sp = 0, csp = 0;
	long nc = 0;

	if (!idx || !low || !stk || !cv || !ce || !on) {
		nc = -ENOMEM;
		goto out;
	}
	for (uint32_t r = 0; r < n; r++) {
		if (idx[r])
			continue;
		idx[r] = low[r] = next++;
		stk[sp++] = r;
		on[r] = 1;
		cv[csp] = r;
		ce[csp++] = g->first[r];
		while (csp) {
			uint32_t v = cv[csp - 1];
			uint64_t e = ce[csp - 1];

			if (e < g->first[v + 1]) {
				uint32_t w = g->succ[e];

				ce[csp - 1]++;
				if (!idx[w]) {
					idx[w] = low[w] = next++;
					stk[sp++] = w;
					on[w] = 1;
					cv[csp] = w;
					ce[csp++] = g->first[w];
				} else if (on[w] && idx[w] < low[v]) {
					low[v] = idx[w];
				}
				continue;
			}
			if (low[v] == idx[v]) {
				uint32_t x;

				do {
					x = stk[--sp];
					on[x] = 0;
					comp[x] = (uint32_t)nc;
				} while (x != v);
				nc++;
			}
			if (--csp) {
				uint32_t u = cv[csp - 1];

				if (low[v] < low[u])
					low[u] = low[v];
			}
		}
	}
out:
	free(idx);
	free(low);
	free(stk);
	free(cv);
	free(ce);
	free(on);
	return nc;
}

struct lab {
	uint32_t actor;
	uint32_t state;
	bool inside;  /* the edge stays in the component */
};

static int cmp_lab(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;

	if (x->actor != y->actor)
		return x->actor < y->actor ? -1 : 1;
	return x->state < y->state ? -1 : x->state > y->state;
}

/*
 * The out-edges of @states (@m of them, sorted, distinct) as (actor,
 * state) sorted; *@k gets their number.  @c is the component edges must
 * stay in to count as inside (UINT32_MAX: none do).
 */
static struct lab *labels_of(const struct graph *g, const uint32_t *comp,
			     const uint32_t *states, size_t m, uint32_t c,
			     size_t *k)
{
	size_t ne = 0, i = 0;
	struct lab *l;

	for (size_t j = 0; j < m; j++)
		ne += g->first[states[j] + 1] - g->first[states[j]];
	l = malloc((ne ? ne : 1) * sizeof(*l));
	if (!l)
		return NULL;
	for (size_t j = 0; j < m; j++)
		for (uint64_t e = g->first[states[j]];
		     e < g->first[states[j] + 1]; e++)
			l[i++] = (struct lab){ actor(g->label[e]), states[j],
					       c != UINT32_MAX &&
					       comp[g->succ[e]] == c };
	qsort(l, ne, sizeof(*l), cmp_lab);
	*k = ne;
	return l;
}

/*
 * Actors enabled in every one of the @m states the labels @l (@k of
 * them) come from: calls @fn for each with whether one of its edges
 * stays inside; stops and returns @fn's first non-zero value.
 */
static uint32_t always_enabled(const struct lab *l, size_t k, size_t m,
			       uint32_t (*fn)(uint32_t actor, bool inside,
					      void *arg), void *arg)
{
	for (size_t i = 0; i < k;) {
		size_t j = i, states = 0;
		bool inside = false;

		for (; j < k && l[j].actor == l[i].actor; j++) {
			if (j == i || l[j].state != l[j - 1].state)
				states++;
			inside |= l[j].inside;
		}
		if (states == m) {
			uint32_t r = fn(l[i].actor, inside, arg);

			if (r)
				return r;
		}
		i = j;
	}
	return 0;
}

/* always_enabled() callbacks */
static uint32_t leaves_only(uint32_t a, bool inside, void *arg)
{
	(void)a;
	(void)arg;
	return inside ? 0 : 1;
}

struct untaken {
	const uint32_t *taken;  /* actors the walk takes, sorted */
	size_t ntaken;
};

static uint32_t not_taken(uint32_t a, bool inside, void *arg)
{
	const struct untaken *u = arg;
	size_t lo = 0, hi = u->ntaken;

	(void)inside;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (u->taken[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < u->ntaken && u->taken[lo] == a)
		return 0;
	return a | 0x80000000u; /* never 0: SK_CB is kind 0 */
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Breadth-first search scratch over the states of one component. */
#define BFS_NONE UINT32_MAX        /* not reached */
#define BFS_SRC (UINT32_MAX - 1)   /* a source */
struct bfs {
	uint32_t *pstate; /* the state a state was reached from, or above */
	uint64_t *pedge;  /* and by which edge */
	uint32_t *queue;
	uint32_t nq;
};

/*
 * A shortest path within component @c from the states @src (@ns) to a
 * target: an edge into @to if @to is not UINT32_MAX; else an edge of
 * actor @want (staying in @c) or a state where @want is not enabled.
 * Returns the path's edges to *@path (the caller frees; *@len of them)
 * and its first state to *@from, or -ENOENT / -ENOMEM.
 */
static int bfs_path(const struct graph *g, const uint32_t *comp, uint32_t c,
		    struct bfs *b, const uint32_t *src, size_t ns, uint32_t to,
		    uint32_t want, uint64_t **path, size_t *len, uint32_t *from)
{
	uint64_t hit = UINT64_MAX;
	uint32_t end = UINT32_MAX;
	int ret = -ENOENT;

	b->nq = 0;
	for (size_t i = 0; i < ns; i++) {
		if (b->pstate[src[i]] != BFS_NONE)
			continue;
		b->pstate[src[i]] = BFS_SRC;
		b->queue[b->nq++] = src[i];
	}
	for (uint32_t h = 0; h < b->nq && end == UINT32_MAX; h++) {
		uint32_t v = b->queue[h];
		bool enabled = false;

		for (uint64_t e = g->first[v]; e < g->first[v + 1]; e++) {
			uint32_t w = g->succ[e];

			if (comp[w] != c)
				continue;
			if (to != UINT32_MAX ? w == to :
			    actor(g->label[e]) == want) {
				hit = e;
				end = v;
				break;
			}
		}
		if (end != UINT32_MAX)
			break;
		if (to == UINT32_MAX && b->pstate[v] != BFS_SRC) {
			for (uint64_t e = g->first[v]; e < g->first[v + 1]; e++)
				enabled |= actor(g->label[e]) == want;
			if (!enabled) {
				end = v;
				break;
			}
		}
		for (uint64_t e = g->first[v]; e < g->first[v + 1]; e++) {
			uint32_t w = g->succ[e];

			if (comp[w] != c || b->pstate[w] != BFS_NONE)
				continue;
			b->pstate[w] = v;
			b->pedge[w] = e;
			b->queue[b->nq++] = w;
		}
	}
	if (end != UINT32_MAX) {
		size_t n = hit != UINT64_MAX ? 1 : 0, k;
		uint32_t v;
		uint64_t *p;

		for (v = end; b->pstate[v] != BFS_SRC; v = b->pstate[v])
			n++;
		p = malloc((n ? n : 1) * sizeof(*p));
		if (!p) {
			ret = -ENOMEM;
		} else {
			k = n;
			if (hit != UINT64_MAX)
				p[--k] = hit;
			for (v = end; b->pstate[v] != BFS_SRC; v = b->pstate[v])
				p[--k] = b->pedge[v];
			*path = p;
			*len = n;
			*from = v;
			ret = 0;
		}
	}
	for (uint32_t i = 0; i < b->nq; i++)
		b->pstate[b->queue[i]] = BFS_NONE;
	return ret;
}

/* The states a closed walk from @start through @walk (@n edges) visits,
 * sorted and distinct, to *@st (*@m of them). */
static int walk_states(const struct graph *g, uint32_t start,
		       const uint64_t *walk, size_t n, uint32_t **st,
		       size_t *m)
{
	uint32_t *v = malloc((n + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	v[0] = start;
	for (size_t i = 0; i < n; i++)
		v[i + 1] = g->succ[walk[i]];
	qsort(v, n + 1, sizeof(*v), cmp_u32);
	for (size_t i = 0; i <= n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*st = v;
	*m = k;
	return 0;
}

/*
 * A weakly fair cycle through @e in component @c: its edges to *@cyc
 * (*@len of them; the caller frees).  @c holds one (graph_fair()).
 */
static int fair_cycle(const struct graph *g, const uint32_t *comp, uint32_t c,
		      uint32_t e, struct bfs *b, uint64_t **cyc, size_t *len)
{
	uint64_t *w = NULL, *p = NULL, *q = NULL;
	size_t n = 0, np, nq;
	uint32_t from;
	int r;

	/* a shortest cycle through e */
	r = bfs_path(g, comp, c, b, &e, 1, e, 0, &w, &n, &from);
	if (r)
		return r;
	for (;;) {
		uint32_t *st = NULL, *taken = NULL, want, at;
		struct lab *l;
		size_t m, k, pos;
		struct untaken u;

		r = walk_states(g, e, w, n, &st, &m);
		taken = malloc((n ? n : 1) * sizeof(*taken));
		l = r ? NULL : labels_of(g, comp, st, m, UINT32_MAX, &k);
		if (r || !taken || !l) {
			free(st);
			free(taken);
			free(l);
			free(w);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			taken[i] = actor(g->label[w[i]]);
		qsort(taken, n, sizeof(*taken), cmp_u32);
		u = (struct untaken){ taken, n };
		want = always_enabled(l, k, m, not_taken, &u);
		free(l);
		free(taken);
		if (!want) {
			free(st);
			*cyc = w;
			*len = n;
			return 0;
		}
		want &= 0x7fffffffu;
		/* a detour from the walk to a step of that actor or a state
		 * where it is not enabled, then back to where it left */
		r = bfs_path(g, comp, c, b, st, m, UINT32_MAX, want, &p, &np,
			     &from);
		free(st);
		if (r) {
			free(w);
			return r;
		}
		at = np ? g->succ[p[np - 1]] : from;
		r = at == from ? (q = NULL, nq = 0, 0) :
		    bfs_path(g, comp, c, b, &at, 1, from, 0, &q, &nq, &at);
		if (r) {
			free(p);
			free(w);
			return r;
		}
		/* splice it in where the walk is at @from */
		for (pos = 0; pos < n && (pos ? g->succ[w[pos - 1]] : e) != from;
		     pos++)
			;
		{
			uint64_t *nw = malloc((n + np + nq) * sizeof(*nw));

			if (!nw) {
				free(p);
				free(q);
				free(w);
				return -ENOMEM;
			}
			memcpy(nw, w, pos * sizeof(*w));
			memcpy(nw + pos, p, np * sizeof(*p));
			memcpy(nw + pos + np, q, nq * sizeof(*q));
			memcpy(nw + pos + np + nq, w + pos,
			       (n - pos) * sizeof(*w));
			free(w);
			w = nw;
			n += np + nq;
		}
		free(p);
		free(q);
		p = q = NULL;
	}
}

/*
 * After a complete search of @n states (with edge labels): whether a
 * weakly fair cycle exists; if so the shallowest state on one to *@entry
 * and the cycle's steps to *@cyc (*@len), the component's size to
 * *@size.  Returns 1 if found, 0 if not, -ENOMEM.  *@bytes: memory used.
 */
static int graph_fair(const struct graph *g, size_t n, uint32_t *entry,
		      struct step **cyc, size_t *len, uint64_t *size,
		      size_t *bytes)
{
	uint32_t *comp = malloc((n ? n : 1) * sizeof(*comp));
	uint32_t *start = NULL, *order = NULL, best = UINT32_MAX, bestc = 0;
	struct bfs b = { 0 };
	long nc;
	int ret = 0;

	*bytes = n * (3 * sizeof(uint32_t) + sizeof(uint64_t)) * 2;
	if (!comp)
		return -ENOMEM;
	nc = graph_scc(g, (uint32_t)n, comp);
	if (nc < 0) {
		free(comp);
		return (int)nc;
	}
	start = calloc((size_t)nc + 1, sizeof(*start));
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!start || !order) {
		ret = -ENOMEM;
		goto out;
	}
	/* states grouped by component, in id order within each */
	for (size_t v = 0; v < n; v++)
		start[comp[v] + 1]++;
	for (long c = 0; c < nc; c++)
		start[c + 1] += start[c];
	{
		uint32_t *at = malloc(((size_t)nc + 1) * sizeof(*at));

		if (!at) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(at, start, ((size_t)nc + 1) * sizeof(*at));
		for (size_t v = 0; v < n; v++)
			order[at[comp[v]]++] = (uint32_t)v;
		free(at);
	}
	for (long c = 0; c < nc; c++) {
		const uint32_t *st = order + start[c];
		size_t m = start[c + 1] - start[c], k;
		bool self = false;
		struct lab *l;

		if (m == 1) {
			for (uint64_t e = g->first[st[0]];
			     e < g->first[st[0] + 1]; e++)
				self |= g->succ[e] == st[0];
			if (!self)
				continue;
		}
		if (st[0] >= best)
			continue;
		l = labels_of(g, comp, st, m, (uint32_t)c, &k);
		if (!l) {
			ret = -ENOMEM;
			goto out;
		}
		if (!always_enabled(l, k, m, leaves_only, NULL)) {
			best = st[0];
			bestc = (uint32_t)c;
		}
		free(l);
	}
	if (best == UINT32_MAX)
		goto out;
	b.pstate = malloc(n * sizeof(*b.pstate));
	b.pedge = malloc(n * sizeof(*b.pedge));
	b.queue = malloc(n * sizeof(*b.queue));
	if (!b.pstate || !b.pedge || !b.queue) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t v = 0; v < n; v++)
		b.pstate[v] = BFS_NONE;
	{
		uint64_t *w = NULL;
		size_t nw = 0;

		ret = fair_cycle(g, comp, bestc, best, &b, &w, &nw);
		if (ret)
			goto out;
		*cyc = malloc((nw ? nw : 1) * sizeof(**cyc));
		if (!*cyc) {
			free(w);
			ret = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < nw; i++)
			(*cyc)[i] = step_decode(g->label[w[i]]);
		free(w);
		*len = nw;
		*entry = best;
		*size = start[bestc + 1] - start[bestc];
		ret = 1;
	}
out:
	free(b.pstate);
	free(b.pedge);
	free(b.queue);
	free(comp);
	free(start);
	free(order);
	return ret;
}

/* ---- frontier: one level of encoded states ------------------------------- */

struct level {
	uint8_t *bytes;
	size_t used, cap;
	size_t n;
};

/*
 * Frontier states are stored with their zero bytes squeezed out (most of
 * an encoding is zero): the length (2 bytes, little endian), then for
 * each 8-byte word of the encoding a mask of its non-zero bytes (bit i:
 * byte lane i of the word's value), then those bytes; a word with no
 * zero byte as its 8 bytes.  Word by word, with no branch per byte run.
 */
static inline __attribute__((always_inline)) unsigned int nz_mask(uint64_t v)
{
	const uint64_t lo7 = 0x7F7F7F7F7F7F7F7Full;
	/* the top bit of each non-zero byte, then gathered into one byte */
	uint64_t t = (((v & lo7) + lo7) | v) & ~lo7;

	return (unsigned int)((((t >> 7) & 0x0101010101010101ull) *
			       0x0102040810204080ull) >> 56);
}

static size_t squeeze(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 2;

	out[0] = (uint8_t)n;
	out[1] = (uint8_t)(n >> 8);
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = 0;
		unsigned int m;

		memcpy(&v, in + i, n - i < 8 ? n - i : 8);
		m = nz_mask(v);
		out[o++] = (uint8_t)m;
		if (m == 0xFF) {
			memcpy(out + o, &v, 8);
			o += 8;
			continue;
		}
		for (; m; m &= m - 1)
			out[o++] = (uint8_t)(v >> (8 * __builtin_ctz(m)));
	}
	return o;
}

/* The squeezed encoding at @in into @out; returns its length. */
static size_t unsqueeze(const uint8_t *in, uint8_t *out)
{
	size_t n = (size_t)in[0] | (size_t)in[1] << 8, o = 2;

	for (size_t i = 0; i < n; i += 8) {
		unsigned int m = in[o++];
		uint64_t v = 0;

		if (m == 0xFF) {
			memcpy(&v, in + o, 8);
			o += 8;
		} else {
			for (; m; m &= m - 1)
				v |= (uint64_t)in[o++] << (8 * __builtin_ctz(m));
		}
		memcpy(out + i, &v, n - i < 8 ? n - i : 8);
	}
	return n;
}

/* Byte buffers (levels, successors) grow() from 1 MiB. */
#define BYTES_MIN ((size_t)1 << 20)

static int level_push(struct level *l, const uint8_t *enc, size_t len,
		      uint32_t id)
{
	size_t need = sizeof(uint32_t) + sizeof(uint32_t) + len;

	uint8_t *nb = grow(l->bytes, &l->cap, l->used + need < BYTES_MIN ?
			   BYTES_MIN : l->used + need, 1);

	if (!nb)
		return -ENOMEM;
	l->bytes = nb;
	memcpy(l->bytes + l->used, &id, sizeof(id));
	memcpy(l->bytes + l->used + 4, &(uint32_t){ (uint32_t)len }, 4);
	memcpy(l->bytes + l->used + 8, enc, len);
	l->used += 8 + len;
	l->n++;
	return 0;
}

/* ---- the search ----------------------------------------------------------- */

struct edge {
	uint32_t parent;
	struct step how;
};

struct ctx {
	const struct dlmr_explore_config *cfg;
	struct dlmr_explore_stats *st;
	char detail[DLMR_DETAIL_MAX];
	struct edge *edges;
	size_t nedges, capedges;
	bool swarm;
	struct dlmr_sim_result res;

	/* dlmr_explore(): the state being expanded and its successors */
	struct sim *s;
	const struct hset *seen;
	const struct hset *fresh; /* states found while expanding this level */
	const uint8_t *penc;     /* its encoding */
	struct xstate xs;
	struct step *steps;      /* its transitions, protocol steps first */
	unsigned int k, ksim;
	size_t enc_max;
	uint8_t *sbuf;           /* successor t at sbuf + t * enc_max */
	size_t *slen;
	uint8_t *sstate;         /* per successor: 0 not run, 1 run, 2 violated */
	uint8_t *tmp;            /* enc_max */
	size_t noff[NMAX + 1];   /* node offsets in the last encoding */
};

/* The violation's text: the simulator writes it into x->res (events are
 * not built at all while exploring: nobody listens). */
static const char *detail(struct ctx *x)
{
	if (!x->detail[0])
		snprintf(x->detail, sizeof(x->detail), "%s", x->res.violation);
	return x->detail;
}

static int add_edge(struct ctx *x, uint32_t parent, const struct step *how)
{
	/* from 65,536 edges */
	struct edge *ne = grow(x->edges, &x->capedges, x->nedges < 1u << 16 ?
			       1u << 16 : x->nedges + 1, sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	x->edges = ne;
	x->edges[x->nedges].parent = parent;
	x->edges[x->nedges].how = *how;
	x->nedges++;
	return 0;
}

/*
 * The crashes of node @id that lose replies it had decided (simcore.h,
 * docs/step-order.md L): one per non-empty set of at most SIM_RESEND_MAX
 * of the completions simdlm_resend_options() lists (of the first 16), in
 * a fixed order.  Returns their number.
 */
static unsigned int crash_resends(const struct sim *s, uint32_t id,
				  struct step *st)
{
	struct simdlm_ref opt[16];
	unsigned int k = simdlm_resend_options(&s->dlm, id, opt, 16), n = 0;

	if (k > 16)
		k = 16;
	for (unsigned int m = 1; m < 1u << k; m++) {
		unsigned int arg = 0, sh = 8;

		if (__builtin_popcount(m) > SIM_RESEND_MAX)
			continue;
		for (unsigned int i = 0; i < k; i++)
			if (m & 1u << i) {
				arg |= sim_resend_entry(opt[i].node,
							opt[i].res) << sh;
				sh += 8;
			}
		st[n++] = (struct step){ SK_CRASH, id, arg };
	}
	return n;
}

static unsigned int transitions(const struct sim *s, const struct xstate *xs,
				const struct dlmr_explore_config *cfg,
				struct step *st)
{
	unsigned int k = sim_enabled_steps(s, st);

	bool in_wait = sim_in_wait_possible(s);

	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		if (s->n[id].up && xs->crashes < cfg->failures) {
			st[k++] = (struct step){ SK_CRASH, id, 0 };
			k += crash_resends(s, id, st + k);
			/* the recovery enters dlm_recover_members_wait() and
			 * the node fails inside it (simcore.h) */
			if (in_wait && (s->members & BIT(id)))
				st[k++] = (struct step){ SK_CRASH, id,
							 SK_CRASH_IN_WAIT };
		} else if (!s->n[id].up && xs->rejoins < cfg->rejoins &&
			 simdlm_node(&s->dlm, id) == SIMDLM_NODE_OUT)
			/* a rebooted node joins once its failure is
			 * processed (dlm_controld) */
			st[k++] = (struct step){ SK_MOUNT, id, 0 };
	}
	return k;
}

/* Append to a growing string. */
static void sadd(char **out, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void sadd(char **out, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!*out)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*out + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < *cap - *len)
			break;
		char *nb = realloc(*out, *cap * 2 + (size_t)n);

		if (!nb) {
			free(*out);
			*out = NULL;
			return;
		}
		*out = nb;
		*cap = *cap * 2 + (size_t)n;
	}
	*len += (size_t)n;
}

/* A step as a scenario line (without the newline). */
void sim_step_text(const struct step *p, char *buf, size_t n)
{
	switch (p->kind) {
	case SK_CB:
		snprintf(buf, n, "step callback %u", p->node);
		break;
	case SK_AST:
		if (p->arg >= RES_JOURNAL0)
			snprintf(buf, n, "step ast %u journal %u", p->node,
				 p->arg - RES_JOURNAL0);
		else
			snprintf(buf, n, "step ast %u %s", p->node,
				 p->arg == RES_CONTROL ? "control" : "mounted");
		break;
	case SK_TIMER:
		if (p->arg >= SIM_TIMER_RECOVERY0)
			snprintf(buf, n, "step timer %u recovery %u", p->node,
				 p->arg - SIM_TIMER_RECOVERY0);
		else
			snprintf(buf, n, "step timer %u %s", p->node,
				 p->arg == DLMR_TIMER_MOUNT ? "mount" : "work");
		break;
	case SK_REPLAY:
		snprintf(buf, n, "step replay %u %u", p->node, p->arg);
		break;
	case SK_REC:
		if (!p->arg)
			snprintf(buf, n, "step recovery");
		else if (!(p->arg >> 8))
			snprintf(buf, n, "step recovery master %u",
				 p->arg & 0xff);
		else
			snprintf(buf, n, "step recovery master %u lvb-from %u",
				 p->arg & 0xff, p->arg >> 8);
		break;
	case SK_END:
		snprintf(buf, n, "step end %u", p->node);
		break;
	case SK_CRASH:
		if (p->arg == SK_CRASH_IN_WAIT) {
			snprintf(buf, n, "crash %u in members-wait\nstep "
				 "recovery", p->node);
			break;
		}
		snprintf(buf, n, "crash %u", p->node);
		for (unsigned int a = p->arg >> 8; a; a >>= 8) {
			size_t l = strlen(buf);
			unsigned int res = (a >> 4) & 0xf;

			if (res >= RES_JOURNAL0)
				snprintf(buf + l, n - l, " resend %u journal %u",
					 a & 0xf, res - RES_JOURNAL0);
			else
				snprintf(buf + l, n - l, " resend %u %s",
					 a & 0xf, res == RES_CONTROL ?
					 "control" : "mounted");
		}
		break;
	default:
		snprintf(buf, n, "mount %u", p->node);
		break;
	}
}

/* The scenario text that replays @path (then "wait" if @terminal, or
 * the lasso's cycle @cyc of @ncyc steps as "cycle N" if @ncyc). */
static char *write_scenario(struct ctx *x, const struct step *path,
			    size_t n, bool terminal, size_t limit,
			    const struct step *cyc, size_t ncyc)
{
	const struct dlmr_explore_config *cfg = x->cfg;
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	out[0] = '\0';
	sadd(&out, &len, &cap, "# Counterexample found by: dlmctl explore%s "
	     "--nodes %u --failures %u --rejoins %u%s%s\n# %s\nnodes %u\n"
	     "journals %u\n", x->swarm ? " --random" : "",
	     cfg->nodes, cfg->failures, cfg->rejoins,
	     cfg->mutant ? " --mutant " : "",
	     cfg->mutant ? dlmr_mutant_name(cfg->mutant) : "", detail(x),
	     cfg->nodes, cfg->journals);
	if (cfg->mutant)
		sadd(&out, &len, &cap, "mutant %s\n", dlmr_mutant_name(cfg->mutant));
	for (unsigned int f = 1; dlmr_fix_name(f); f++)
		if (cfg->fixes & (1u << f))
			sadd(&out, &len, &cap, "fix %s\n", dlmr_fix_name(f));
	if (cfg->delivery == DLMR_DELIVERY_LATE)
		sadd(&out, &len, &cap, "delivery late\n");
	if (limit)
		sadd(&out, &len, &cap, "step-limit %zu\n", limit);
	sadd(&out, &len, &cap, "mount 1-%u\n", cfg->nodes);
	for (size_t i = 0; i < n; i++) {
		char line[128];

		sim_step_text(&path[i], line, sizeof(line));
		sadd(&out, &len, &cap, "%s\n", line);
	}
	if (ncyc)
		sadd(&out, &len, &cap, "cycle %zu\n", ncyc);
	for (size_t i = 0; i < ncyc; i++) {
		char line[128];

		sim_step_text(&cyc[i], line, sizeof(line));
		sadd(&out, &len, &cap, "%s\n", line);
	}
	if (terminal)
		sadd(&out, &len, &cap, "wait\n");
	return out;
}

/* The path to state @last (then @final), from the parent links; with
 * @wait_steps, a step limit that many steps past its end (a livelock). */
static char *counterexample_cycle(struct ctx *x, uint32_t last,
				  const struct step *final, bool terminal,
				  size_t wait_steps, const struct step *cyc,
				  size_t ncyc)
{
	size_t depth = 0, k;
	struct step *path;
	uint32_t id;
	char *out;

	for (id = last; id; id = x->edges[id].parent)
		depth++;
	path = calloc(depth + 1, sizeof(*path));
	if (!path)
		return NULL;
	k = depth;
	if (final)
		path[k] = *final;
	for (id = last; id; id = x->edges[id].parent)
		path[--k] = x->edges[id].how;
	out = write_scenario(x, path, depth + (final ? 1 : 0), terminal,
			     wait_steps ? depth + wait_steps : 0, cyc, ncyc);
	free(path);
	return out;
}

static char *counterexample(struct ctx *x, uint32_t last,
			    const struct step *final, bool terminal,
			    size_t wait_steps)
{
	return counterexample_cycle(x, last, final, terminal, wait_steps,
				    NULL, 0);
}

/* ---- partial-order reduction ------------------------------------------------
 *
 * At a state s, when no fault is left and the recovery step is enabled
 * in STOP, SLOTS or MEMBERS, s is expanded with it alone (see
 * sim_por_rec_candidate(): no protocol step reads what it changes or
 * disables it, and it changes no sim_view).  Otherwise the lowest node i
 * whose enabled protocol steps A (all of them: steps of one node never
 * commute) pass the conditions below is expanded with A alone; otherwise
 * s is expanded fully.  Faults are not
 * in A: a crash or mount at s is explored after A's step, with which it
 * commutes (a crash of i itself erases the step: a down node's fields
 * are not encoded).
 *
 * For every a in A:
 *  - local: a changes nothing but node i's own fields (struct sim_node),
 *    and for an AST the completion it takes (compared byte for byte on
 *    the encodings, everything outside node i);
 *  - invisible: a changes nothing of node i that the invariants or other
 *    nodes' steps read (struct sim_view: up, mounted, jid, first
 *    mounter, journals it replays, ...); journal replays are never in A
 *    (another node recovering the same journal reads the flag: S2).
 *    blocked and known_failed are left out: only S1 of node i reads
 *    them, and no step of another node or fault can make S1 of node i
 *    true (a crash orphans a journal with a newer epoch than any join
 *    and clears the crashed node from known_failed), so whether a's
 *    state violates S1 is decided when a runs, wherever it runs;
 *  - C1, nothing outside A touches node i before a step of A runs
 *    (sim_por_candidate()): no lock request of i is queued or deferred
 *    (no other node's unlock or crash grants it: no new AST of i);
 *    recovery waits for i (a prep, slot or done queued to it; with an
 *    empty queue only when no fault is left and no change pending), so
 *    callbacks are queued to i only behind one that is already there,
 *    s->slots does not change before i's done, and the lockspace is not
 *    stopped or recovered under i's ASTs; while faults are left: i is
 *    not running (no prep for it), has no AST (a fault stops the
 *    lockspace), does not deliver a done (a crash of another node can
 *    remove the other pending dones, and then a fault stops the
 *    lockspace at once instead of waiting) nor a slot for a node that
 *    can crash again (the crash clears known_failed);
 *  - C3, the cycle proviso for a breadth-first search: no successor
 *    through A was found at this level or before, only new or found
 *    while expanding this level.  An edge of a cycle must go from a
 *    level to the same or an earlier one, so every cycle of the reduced
 *    graph has a fully expanded state.
 * A step of node i depends only on node i's fields, its completions and
 * (a done) s->slots, so being local and invisible at s, it is so at every
 * state reached from s by other steps.  With C0 (A is not empty), C1, C2
 * (invisible) and C3, every quiescent state (where S5 is checked) stays
 * reachable and every path of the full graph has a stutter-equivalent
 * one in the reduced graph, so a violation of S1-S4 is still found
 * (Peled 1994; Clarke, Grumberg, Peled, "Model Checking", ch. 10).  The
 * counterexample is the shortest in the reduced graph; no_por gives the
 * shortest of all.  cfg->por_check tests the argument on every reduced
 * expansion as the search runs (check_ample()).
 */

/* Run @st from the state encoded in @from into @out; 1 on a violation. */
static int run_from(struct ctx *x, const uint8_t *from, const struct step *st,
		    uint8_t *out, size_t *len, size_t *noff)
{
	struct xstate xs;

	codec(x->s, &xs, (uint8_t *)from, false, NULL, x->cfg->full_encoding);
	x->s->violated = 0;
	if (st->kind == SK_CRASH)
		xs.crashes++;
	if (st->kind == SK_MOUNT)
		xs.rejoins++;
	sim_run_step(x->s, st);
	if (x->s->violated)
		return 1;
	*len = codec(x->s, &xs, out, true, noff, x->cfg->full_encoding);
	return 0;
}

/* The successor through transition @t of the current state, once;
 * leaves x->s in it (when just run).  1 on a violation. */
static int successor(struct ctx *x, unsigned int t)
{
	if (!x->sstate[t]) {
		x->st->transitions++;
		x->sstate[t] = run_from(x, x->penc, &x->steps[t],
					x->sbuf + t * x->enc_max, &x->slen[t],
					x->noff) ? 2 : 1;
	}
	return x->sstate[t] == 2;
}

/* Whether encodings @a and @b agree outside node @id. */
static bool same_outside(const uint8_t *a, const size_t *aoff, size_t alen,
			 const uint8_t *b, const size_t *boff, size_t blen,
			 uint32_t id)
{
	size_t as = aoff[id - 1], bs = boff[id - 1], ae = aoff[id], be = boff[id];

	return as == bs && alen - ae == blen - be && !memcmp(a, b, as) &&
	       !memcmp(a + ae, b + be, alen - ae);
}

/* Node @id's protocol steps at the state decoded in x->s; for id 0 the
 * recovery step. */
static unsigned int node_steps(const struct sim *s, uint32_t id,
			       struct step *out)
{
	struct step all[STEPS_MAX];
	unsigned int k = sim_enabled_steps(s, all), n = 0;

	for (unsigned int i = 0; i < k; i++)
		if (id ? all[i].node == id && all[i].kind != SK_REC :
		    all[i].kind == SK_REC)
			out[n++] = all[i];
	return n;
}

static bool step_eq(const struct step *a, const struct step *b)
{
	return a->kind == b->kind && a->node == b->node && a->arg == b->arg;
}

static int por_fail(struct ctx *x, unsigned int level, const struct step *a,
		    const struct step *b, const char *why)
{
	char sa[128], sb[128];
	int n;

	sim_step_text(a, sa, sizeof(sa));
	sim_step_text(b, sb, sizeof(sb));
	n = snprintf(x->st->violation, sizeof(x->st->violation), "POR check "
		     "failed, level %u +%u: '%s' vs '%s': ", x->st->depth, level,
		     sa, sb);
	if (n > 0 && (size_t)n < sizeof(x->st->violation))
		snprintf(x->st->violation + n, sizeof(x->st->violation) -
			 (size_t)n, "%s", why);
	return -EPROTO;
}

/* Every node's sim_view. */
static void views(const struct sim *s, struct sim_view *w)
{
	memset(w, 0, (NMAX + 1) * sizeof(*w));
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		sim_node_view(s, id, &w[id]);
}

/*
 * The POR check: with @v = @u·a, for every step b at @u that is not node
 * @id's, b·a and a·b lead to the same state, node @id has the same steps
 * A (@na of them) after b (@id 0: the recovery step), and a changes no
 * node's sim_view; or, if
 * b crashes node @id, b alone and a·b lead to the same state.  Then the
 * same from u·b, down to @depth other steps.
 */
static int check_ample(struct ctx *x, uint32_t id, const struct step *a,
		       const struct step *A, unsigned int na, const uint8_t *u,
		       const uint8_t *v, unsigned int level, unsigned int depth)
{
	size_t bsz = x->enc_max, ul, vl, al;
	uint8_t *ub = malloc(3 * bsz), *vb = ub + bsz, *uba = vb + bsz;
	struct step *U = calloc(2 * STEPS_MAX + 4 * NMAX, sizeof(*U));
	struct step *V = U + STEPS_MAX + 2 * NMAX;
	struct xstate xs;
	unsigned int nu, nv;
	int ret = 0;

	if (!ub || !U) {
		ret = -ENOMEM;
		goto out;
	}
	codec(x->s, &xs, (uint8_t *)u, false, NULL, x->cfg->full_encoding);
	nu = transitions(x->s, &xs, x->cfg, U);
	codec(x->s, &xs, (uint8_t *)v, false, NULL, x->cfg->full_encoding);
	nv = transitions(x->s, &xs, x->cfg, V);
	for (unsigned int i = 0; i < nu && !ret; i++) {
		const struct step *b = &U[i];
		struct sim_view w0[NMAX + 1], w1[NMAX + 1];
		struct step B[STEPS_MAX];
		bool found = false;
		unsigned int nb;

		if (b->node == id && b->kind != SK_CRASH && b->kind != SK_MOUNT)
			continue;
		if (run_from(x, u, b, ub, &ul, NULL))
			continue; /* b violates: the search finds it */
		for (unsigned int j = 0; j < nv; j++)
			found |= step_eq(b, &V[j]);
		if (!found) {
			ret = por_fail(x, level, a, b, "the ample step disables it");
			break;
		}
		if (run_from(x, v, b, vb, &vl, NULL)) {
			ret = por_fail(x, level, a, b, "violation after the ample "
				       "step only");
			break;
		}
		if (b->kind == SK_CRASH && b->node == id) {
			if (ul != vl || memcmp(ub, vb, ul))
				ret = por_fail(x, level, a, b, "the crash does not "
					       "erase the ample step");
			continue;
		}
		codec(x->s, &xs, ub, false, NULL, x->cfg->full_encoding);
		nb = node_steps(x->s, id, B);
		views(x->s, w0);
		if (nb != na) {
			ret = por_fail(x, level, a, b, "it changes the node's "
				       "enabled steps");
			break;
		}
		for (unsigned int j = 0; j < nb; j++)
			if (!step_eq(&B[j], &A[j]))
				ret = por_fail(x, level, a, b, "it changes the "
					       "node's enabled steps");
		if (ret)
			break;
		if (run_from(x, ub, a, uba, &al, NULL)) {
			ret = por_fail(x, level, a, b, "violation when the ample "
				       "step comes second");
			break;
		}
		views(x->s, w1);
		if (memcmp(w0, w1, sizeof(w0))) {
			ret = por_fail(x, level, a, b, "the ample step is visible "
				       "after it");
			break;
		}
		if (al != vl || memcmp(uba, vb, al)) {
			ret = por_fail(x, level, a, b, "they do not commute");
			break;
		}
		if (level + 1 < depth)
			ret = check_ample(x, id, a, A, na, ub, vb, level + 1,
					  depth);
	}
out:
	free(U);
	free(ub);
	return ret;
}

/*
 * Expand with the @nt transitions @T (of node @id; 0: recovery), already
 * run, unless the cycle proviso C3 forbids it: 1 if so, 0 if not, or
 * -EPROTO from the POR check.
 */
static int ample_set(struct ctx *x, uint32_t id, const unsigned int *T,
		     unsigned int nt, unsigned int *sel, unsigned int *nsel)
{
	struct step A[STEPS_MAX];

	for (unsigned int i = 0; i < nt; i++) {
		uint64_t h = hash_bytes(x->sbuf + T[i] * x->enc_max,
					x->slen[T[i]]);

		/* C3: found at this level or before */
		if (hset_has(x->seen, h) && !hset_has(x->fresh, h))
			return 0;
		A[i] = x->steps[T[i]];
	}
	for (unsigned int i = 0; i < nt && x->cfg->por_check; i++) {
		int r = check_ample(x, id, &A[i], A, nt, x->penc,
				    x->sbuf + T[i] * x->enc_max, 0,
				    x->cfg->por_check);

		if (r)
			return r;
	}
	memcpy(sel, T, nt * sizeof(T[0]));
	*nsel = nt;
	return 1;
}

/*
 * Pick the transitions to expand the current state with: the indices
 * into x->steps go to @sel.  Returns 1 if reduced, 0 if all, -errno.
 */
static int ample(struct ctx *x, unsigned int *sel, unsigned int *nsel)
{
	const struct dlmr_explore_config *cfg = x->cfg;
	bool faults = x->xs.crashes < cfg->failures ||
		      x->xs.rejoins < cfg->rejoins;
	size_t boff[NMAX + 1], toff[NMAX + 1], blen;
	struct xstate xs = x->xs; /* the AST case encodes with it */
	/* x->s holds the state until a step runs (then "moved") */
	bool moved = false, rec, any;
	struct sim_view v0[NMAX + 1];
	uint64_t cand = 0;

	/* the cheap conditions first, at this state: most states have no
	 * candidate (a fault is left), and then nothing is encoded */
	rec = x->ksim && x->steps[x->ksim - 1].kind == SK_REC &&
	      sim_por_rec_candidate(x->s, faults);
	any = rec;
	for (uint32_t id = 1; id <= x->s->sc->nodes; id++)
		if (sim_por_candidate(x->s, id, faults)) {
			cand |= BIT(id);
			any = true;
		}
	if (!any)
		return 0;
	blen = codec(x->s, &xs, NULL, true, boff, x->cfg->full_encoding);
	views(x->s, v0);
	if (rec) {
		unsigned int t = x->ksim - 1;
		struct sim_view v1[NMAX + 1];
		int r;

		moved = true;
		if (successor(x, t))
			return 0;
		views(x->s, v1);
		if (!memcmp(v0, v1, sizeof(v0))) {
			r = ample_set(x, 0, &t, 1, sel, nsel);
			if (r)
				return r;
		}
	}
	for (uint32_t id = 1; id <= x->s->sc->nodes; id++) {
		unsigned int T[STEPS_MAX], nt = 0;
		bool ok = true;

		for (unsigned int t = 0; t < x->ksim; t++)
			if (x->steps[t].node == id && x->steps[t].kind != SK_REC)
				T[nt++] = t;
		if (!nt || !(cand & BIT(id)))
			continue;
		for (unsigned int i = 0; i < nt && ok; i++) {
			const struct step *a = &x->steps[T[i]];
			const uint8_t *base = x->penc;
			const size_t *bo = boff;
			struct sim_view v1;
			size_t tlen = blen;

			if (a->kind == SK_REPLAY) {
				ok = false;
				break;
			}
			if (a->kind == SK_AST) {
				/* the completion it takes is node i's */
				struct simdlm_ast ast;

				if (moved)
					codec(x->s, &xs, (uint8_t *)x->penc,
					      false, NULL, x->cfg->full_encoding);
				simdlm_take_ast(&x->s->dlm, a->arg, id, &ast);
				tlen = codec(x->s, &xs, x->tmp, true, toff, x->cfg->full_encoding);
				base = x->tmp;
				bo = toff;
			}
			/* each node's steps are run here first: x->s and
			 * x->noff are the successor's now */
			moved = true;
			if (x->sstate[T[i]] == 1) /* run before: decode it */
				codec(x->s, &xs, x->sbuf + T[i] * x->enc_max,
				      false, x->noff, x->cfg->full_encoding);
			else if (successor(x, T[i]))
				return 0; /* expand fully: it is reported */
			sim_node_view(x->s, id, &v1);
			ok = !memcmp(&v0[id], &v1, sizeof(v1)) &&
			     same_outside(base, bo, tlen,
					  x->sbuf + T[i] * x->enc_max, x->noff,
					  x->slen[T[i]], id);
		}
		if (!ok)
			continue;
		return ample_set(x, id, T, nt, sel, nsel);
	}
	return 0;
}

static bool bad_config(const struct dlmr_explore_config *cfg)
{
	if (cfg->fair && cfg->no_livelock)
		return true;
	if (!cfg->nodes || cfg->nodes > 8 || !cfg->journals ||
	    cfg->journals > 8 || cfg->failures > cfg->nodes ||
	    cfg->rejoins > 8 || cfg->por_check > 4 || cfg->threads > 256 ||
	    (cfg->mutant && !dlmr_mutant_name(cfg->mutant)) ||
	    cfg->delivery > DLMR_DELIVERY_LATE)
		return true;
	for (unsigned int f = 0; f < 32; f++)
		if ((cfg->fixes & (1u << f)) && !dlmr_fix_name(f))
			return true;
	return false;
}

/* The scenario and the initial state: every node joins and mounts. */
static int setup_root(const struct dlmr_explore_config *cfg, struct ctx *x,
		      struct dlmr_scenario **scp, struct sim **sp)
{
	struct dlmr_scenario *sc = calloc(1, sizeof(*sc));
	struct sim *s = calloc(1, sizeof(*s));

	*scp = sc;
	*sp = s;
	if (!sc || !s)
		return -ENOMEM;
	snprintf(sc->name, sizeof(sc->name), "explore");
	sc->nodes = cfg->nodes;
	sc->journals = cfg->journals;
	snprintf(sc->ls, sizeof(sc->ls), "gfs0");
	sc->seed = 1;
	sc->step_limit = UINT64_MAX;
	sc->mutant = cfg->mutant;
	sc->fixes = cfg->fixes;
	sc->delivery = cfg->delivery;
	sim_setup(s, sc, 1, NULL, NULL, &x->res);
	s->crash_bound = cfg->failures;
	for (uint32_t id = 1; id <= cfg->nodes; id++)
		sim_run_step(s, &(struct step){ SK_MOUNT, id, 0 });
	s->epoch = 0;
	for (uint32_t id = 1; id <= cfg->nodes; id++)
		s->n[id].join_epoch = 0;
	return 0;
}

#define SWARM_STEPS_MAX 4000
/* A livelock's scenario: `dlmctl sim` runs this many steps past its
 * path without reaching quiescence (S5 at the step limit): it never
 * can, so a few rounds of the loop are enough to show it. */
#define LIVELOCK_WAIT 200

DLMR_EXPORT int dlmr_swarm(const struct dlmr_explore_config *cfg,
			   uint64_t runs, uint64_t seed,
			   dlmr_explore_progress_fn progress, void *arg,
			   struct dlmr_explore_stats *st, char **cex)
{
	struct dlmr_scenario *sc = NULL;
	struct sim *s = NULL;
	struct ctx x = { .cfg = cfg, .st = st, .swarm = true };
	struct xstate xs = { 0 }, root_xs = { 0 };
	struct step *steps = NULL, *path = NULL;
	uint8_t *root = NULL;
	size_t root_len;
	int ret;

	if (!cfg || !st || !cex || bad_config(cfg))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	*cex = NULL;
	ret = setup_root(cfg, &x, &sc, &s);
	steps = calloc(STEPS_MAX + 2 * DLMR_SIM_NODES_MAX, sizeof(*steps));
	path = calloc(SWARM_STEPS_MAX + 1, sizeof(*path));
	if (ret || !steps || !path) {
		ret = -ENOMEM;
		goto out;
	}
	root_len = codec(s, &root_xs, NULL, true, NULL, false);
	root = malloc(root_len);
	if (!root) {
		ret = -ENOMEM;
		goto out;
	}
	codec(s, &root_xs, root, true, NULL, false);

	for (uint64_t run = 0; run < runs && !st->violated; run++) {
		uint64_t rng = seed ^ (run * 0xd1342543de82ef95ull);
		/* Swarm testing varies the fault rate per run: one fault in
		 * about 16, 64, 256 or 1024 steps.  At a fixed rate nearly
		 * every run crashes a node within a hundred steps, and a
		 * crash often ends a livelock (the first mounter's crash
		 * frees the node that waits for it). */
		uint64_t every = 16ull << (2 * (sim_rng_next(&rng) % 4));
		size_t n = 0;

		codec(s, &xs, root, false, NULL, false);
		s->violated = 0;
		x.detail[0] = '\0';
		x.res.violation[0] = '\0';
		for (;;) {
			unsigned int ksim = sim_enabled_steps(s, steps);
			unsigned int k = transitions(s, &xs, cfg, steps);
			unsigned int faults = k - ksim;
			const struct step *pick;

			if (!ksim && (!faults || sim_rng_next(&rng) % 2)) {
				sim_check_quiescent(s, 0);
				if (s->violated)
					*cex = write_scenario(&x, path, n, true,
							      0, NULL, 0);
				break;
			}
			if (n >= SWARM_STEPS_MAX) {
				snprintf(x.detail, sizeof(x.detail), "S5: no "
					 "quiescence within %d steps",
					 SWARM_STEPS_MAX);
				s->violated = 1;
				*cex = write_scenario(&x, path, n, true, n,
						      NULL, 0);
				break;
			}
			/* a fault now and then, a protocol step otherwise */
			if (faults && (!ksim || sim_rng_next(&rng) % every == 0))
				pick = &steps[ksim + sim_rng_next(&rng) % faults];
			else
				pick = &steps[sim_rng_next(&rng) % ksim];
			if (pick->kind == SK_CRASH)
				xs.crashes++;
			if (pick->kind == SK_MOUNT)
				xs.rejoins++;
			path[n++] = *pick;
			sim_run_step(s, pick);
			st->transitions++;
			if (s->violated) {
				*cex = write_scenario(&x, path, n, false, 0,
						      NULL, 0);
				break;
			}
		}
		st->runs++;
		if (s->violated) {
			st->violated = true;
			snprintf(st->violation, sizeof(st->violation), "%s",
				 detail(&x));
			if (!*cex) {
				ret = -ENOMEM;
				goto out;
			}
			ret = 1;
		}
		if (progress && (st->runs & 0xff) == 0 && progress(st, arg)) {
			ret = -EINTR;
			goto out;
		}
	}
	st->complete = !st->violated;
out:
	free(root);
	free(path);
	free(steps);
	free(s);
	free(sc);
	return ret;
}

/* ---- the search: expansion (phase A) and merge (phase B) -----------------
 *
 * The states of a level are taken in batches.  Phase A expands each
 * state of the batch: decodes it, checks S5 where the protocol is idle,
 * picks the transitions (ample()) and computes every successor with its
 * hash, up to the first violation; it only reads the visited sets.
 * Phase B then takes the expanded states in frontier order and does
 * what changes anything shared: the visited sets, the graph, parent
 * links, the next level, the statistics, and the first violation.
 *
 * With cfg->threads > 1, phase A runs on that many threads, each on a
 * contiguous part of the batch with its own simulator.  The result is
 * the same as with one thread, state ids and counterexample included:
 * phase B runs in the same order either way, and what phase A reads
 * of the visited sets (C3 in ample_set(): whether a successor was found
 * at an earlier level) does not depend on which states of this level
 * were merged before.
 */

/* One expanded state. */
struct xres {
	uint32_t id;
	bool quiet;          /* no protocol step: S5 checked */
	bool qviol;          /* ... and violated */
	bool reduced;        /* expanded with an ample set */
	int err;             /* from ample(): -EPROTO or -ENOMEM */
	uint64_t qhash;      /* for cfg->quiescent */
	uint64_t ntrans;     /* transitions it took */
	unsigned int nsel;   /* transitions selected */
	unsigned int nok;    /* the first one that violates, or nsel */
	size_t first;        /* its first successor in worker.succ */
};

/* One successor: its encoding is worker.arena + off. */
struct xsucc {
	uint64_t h;
	struct step how;
	size_t off;
	size_t len;
};

struct worker {
	struct ctx x;
	struct dlmr_explore_stats st; /* transitions; por_fail() text */
	struct dlmr_scenario *sc;
	struct sim *s;
	uint8_t *dec;
	unsigned int *sel;
	/* this batch: its entries in the level, and what they gave */
	const uint8_t *const *in;
	size_t nin;
	struct xres *res;
	size_t nres;
	struct xsucc *succ;
	size_t nsucc, capsucc;
	uint8_t *arena;
	size_t used, cap;
	int err;             /* -ENOMEM */
	pthread_t thr;
};

/* States per thread and batch: one thread takes few, so that the
 * successors it keeps for phase B stay in its cache (1024 costs 10%);
 * threads take more, to spread the cost of starting them (128 left
 * little gain on 2 cores). */
#define BATCH_ONE 128
#define BATCH 1024

static int worker_init(struct worker *w, const struct dlmr_explore_config *cfg,
		       const struct hset *seen, const struct hset *fresh,
		       size_t enc_max)
{
	size_t nt = STEPS_MAX + 2 * DLMR_SIM_NODES_MAX;

	w->x = (struct ctx){ .cfg = cfg, .st = &w->st };
	if (setup_root(cfg, &w->x, &w->sc, &w->s))
		return -ENOMEM;
	w->x.s = w->s;
	w->x.seen = seen;
	w->x.fresh = fresh;
	w->x.enc_max = enc_max;
	w->x.steps = calloc(nt, sizeof(*w->x.steps));
	w->x.sbuf = malloc(nt * enc_max);
	w->x.slen = calloc(nt, sizeof(*w->x.slen));
	w->x.sstate = calloc(nt, 1);
	w->x.tmp = malloc(enc_max);
	w->dec = malloc(enc_max);
	w->sel = calloc(nt, sizeof(*w->sel));
	w->res = calloc(BATCH, sizeof(*w->res));
	if (!w->x.steps || !w->x.sbuf || !w->x.slen || !w->x.sstate ||
	    !w->x.tmp || !w->dec || !w->sel || !w->res)
		return -ENOMEM;
	return 0;
}

static void worker_free(struct worker *w)
{
	free(w->x.steps);
	free(w->x.sbuf);
	free(w->x.slen);
	free(w->x.sstate);
	free(w->x.tmp);
	free(w->dec);
	free(w->sel);
	free(w->res);
	free(w->succ);
	free(w->arena);
	free(w->s);
	free(w->sc);
}

static int add_succ(struct worker *w, const struct step *how,
		    const uint8_t *enc, size_t len)
{
	struct xsucc *sc = grow(w->succ, &w->capsucc, w->nsucc + 1,
				sizeof(*sc));
	uint8_t *ar;

	if (!sc)
		return -ENOMEM;
	w->succ = sc;
	ar = grow(w->arena, &w->cap, w->used + len < BYTES_MIN ? BYTES_MIN :
		  w->used + len, 1);
	if (!ar)
		return -ENOMEM;
	w->arena = ar;
	sc = &w->succ[w->nsucc++];
	sc->h = len ? hash_bytes(enc, len) : 0;
	sc->how = *how;
	sc->off = w->used;
	sc->len = len;
	memcpy(w->arena + w->used, enc, len);
	w->used += len;
	return 0;
}

/* Phase A for one frontier entry; 1 if it ends the search (a violation
 * or an error: the states after it are not needed), -ENOMEM. */
static int expand_one(struct worker *w, const uint8_t *e)
{
	struct ctx *x = &w->x;
	const struct dlmr_explore_config *cfg = x->cfg;
	struct sim *s = w->s;
	struct xres *r = &w->res[w->nres++];
	struct xstate xs = { 0 };
	uint64_t before = w->st.transitions;
	uint32_t id;
	unsigned int k, any_sim, nsel;
	size_t plen;

	memcpy(&id, e, 4);
	plen = unsqueeze(e + 8, w->dec);
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->first = w->nsucc;
	codec(s, &xs, w->dec, false, NULL, cfg->full_encoding);
	s->violated = 0;
	any_sim = sim_enabled_steps(s, x->steps);
	k = transitions(s, &xs, cfg, x->steps);
	if (!any_sim) {
		/* terminal for the protocol: S5 */
		r->quiet = true;
		if (cfg->quiescent && cfg->full_encoding) {
			/* the reduced encoding's hash */
			plen = codec(s, &xs, x->tmp, true, NULL, false);
			r->qhash = hash_bytes(x->tmp, plen);
		} else if (cfg->quiescent) {
			r->qhash = hash_bytes(w->dec, plen);
		}
		sim_check_quiescent(s, 0);
		if (s->violated) {
			r->qviol = true;
			return 1;
		}
	}
	x->penc = w->dec;
	x->xs = xs;
	x->k = k;
	x->ksim = any_sim;
	memset(x->sstate, 0, k);
	nsel = k;
	for (unsigned int t = 0; t < k; t++)
		w->sel[t] = t;
	if (!cfg->no_por && !cfg->fair && any_sim) {
		int a = ample(x, w->sel, &nsel);

		if (a < 0) {
			r->err = a;
			r->ntrans = w->st.transitions - before;
			return 1;
		}
		r->reduced = a;
	}
	r->nsel = nsel;
	r->nok = nsel;
	for (unsigned int n = 0; n < nsel; n++) {
		unsigned int t = w->sel[n];
		int v = successor(x, t);

		if (add_succ(w, &x->steps[t], x->sbuf + t * x->enc_max,
			     v ? 0 : x->slen[t])) {
			r->err = -ENOMEM;
			return -ENOMEM;
		}
		if (v) {
			r->nok = n;
			break;
		}
	}
	r->ntrans = w->st.transitions - before;
	return r->nok < r->nsel;
}

/* Phase A for a worker's part of the batch. */
static void *expand_part(void *arg)
{
	struct worker *w = arg;

	w->nres = w->nsucc = w->used = 0;
	w->err = 0;
	for (size_t i = 0; i < w->nin; i++) {
		int r = expand_one(w, w->in[i]);

		if (r < 0)
			w->err = r;
		if (r)
			break;
	}
	return NULL;
}

/* What phase B changes: the search's shared state. */
struct merge {
	const struct dlmr_explore_config *cfg;
	struct dlmr_explore_stats *st;
	struct ctx *x;           /* parent links, the violation's text */
	struct hset *seen, *fresh;
	struct graph *g;
	struct level *next;
	uint8_t *sq;             /* squeeze() buffer */
	char **cex;
};

/* Memory the search holds, with @cur the level being expanded. */
static size_t held_bytes(const struct merge *m, const struct level *cur)
{
	return hset_bytes(m->seen) + graph_bytes(m->g) +
	       m->x->capedges * sizeof(struct edge) + cur->cap + m->next->cap;
}

/* Phase B for successor @su of state @id: 1 if new, 0 if found before,
 * -ENOMEM, -E2BIG past cfg->max_states. */
static int merge_succ(struct merge *m, uint32_t id, const struct xsucc *su,
		      const uint8_t *arena)
{
	uint32_t to = (uint32_t)m->x->nedges;
	int a = hset_add_id(m->seen, su->h, to, &to);

	if (a > 0 && !m->cfg->no_por && !m->cfg->fair &&
	    hset_add(m->fresh, su->h) < 0)
		return -ENOMEM;
	/* protocol steps only: see the graph */
	if (a >= 0 && !m->cfg->no_livelock && su->how.kind != SK_CRASH &&
	    su->how.kind != SK_MOUNT &&
	    graph_succ(m->g, to, &su->how, m->cfg->fair))
		return -ENOMEM;
	if (a <= 0)
		return a;
	/* states are kept squeezed */
	if (m->x->nedges >= UINT32_MAX - 1 || add_edge(m->x, id, &su->how) ||
	    level_push(m->next, m->sq, squeeze(arena + su->off, su->len, m->sq),
		       (uint32_t)(m->x->nedges - 1)))
		return -ENOMEM;
	m->st->states++;
	if (m->cfg->max_states && m->st->states >= m->cfg->max_states)
		return -E2BIG;
	return 1;
}

/* Phase B for state @r of worker @wk: 0, 1 on a violation (the search
 * stops; *m->cex is its counterexample), -errno. */
static int merge_state(struct merge *m, struct worker *wk,
		       const struct xres *r)
{
	const struct dlmr_explore_config *cfg = m->cfg;
	struct dlmr_explore_stats *st = m->st;

	if (!cfg->no_livelock && graph_state(m->g, r->id, r->quiet))
		return -ENOMEM;
	if (r->quiet && cfg->quiescent)
		cfg->quiescent(r->qhash, cfg->quiescent_arg);
	if (r->qviol) {
		st->violated = true;
		snprintf(m->x->detail, sizeof(m->x->detail), "%s",
			 detail(&wk->x));
		*m->cex = counterexample(m->x, r->id, NULL, true, 0);
		return 1;
	}
	st->transitions += r->ntrans;
	if (r->err) {
		if (r->err == -EPROTO) {
			memcpy(st->violation, wk->st.violation,
			       sizeof(st->violation));
			*m->cex = counterexample(m->x, r->id, NULL, false, 0);
		}
		return r->err;
	}
	st->reduced += r->reduced;
	for (unsigned int n = 0; n < r->nsel && n < r->nok; n++)
		hset_prefetch(m->seen, wk->succ[r->first + n].h);
	for (unsigned int n = 0; n < r->nsel; n++) {
		const struct xsucc *su = &wk->succ[r->first + n];
		int a;

		if (n == r->nok) {
			st->violated = true;
			snprintf(m->x->detail, sizeof(m->x->detail), "%s",
				 detail(&wk->x));
			*m->cex = counterexample(m->x, r->id, &su->how, false,
						 0);
			return 1;
		}
		a = merge_succ(m, r->id, su, wk->arena);
		if (a < 0)
			return a;
	}
	return 0;
}

DLMR_EXPORT int dlmr_explore(const struct dlmr_explore_config *cfg,
			     dlmr_explore_progress_fn progress, void *arg,
			     struct dlmr_explore_stats *st, char **cex)
{
	struct dlmr_scenario *sc = NULL;
	struct sim *s = NULL;
	struct level cur = { 0 }, next = { 0 };
	struct hset seen = { 0 }, fresh = { 0 };
	struct graph g = { 0 };
	struct ctx x = { .cfg = cfg, .st = st };
	uint8_t *enc = NULL, *sq = NULL;
	const uint8_t **in = NULL;
	struct worker *w = NULL;
	unsigned int nw = 0;
	size_t enc_max, batch;
	struct xstate xs = { 0 };
	struct merge m = { .cfg = cfg, .st = st, .x = &x, .seen = &seen,
			   .fresh = &fresh, .g = &g, .next = &next, .cex = cex };
	int ret = 0;

	if (!cfg || !st || !cex || bad_config(cfg))
		return -EINVAL;
	seen.keep_ids = !cfg->no_livelock; /* the graph's successor ids */
	memset(st, 0, sizeof(*st));
	*cex = NULL;
	ret = setup_root(cfg, &x, &sc, &s);
	if (ret) {
		ret = -ENOMEM;
		goto out;
	}
	enc_max = codec(s, &xs, NULL, true, NULL, cfg->full_encoding) + (CBQ_MAX * 9 + 64 + ARR * 7) * cfg->nodes +
		  DLMR_SLOTS_MAX * 8 +
		  /* slot-from-table: each node's copy of the table */
		  (size_t)cfg->nodes * cfg->nodes * sizeof(struct dlmr_slot);
	if (enc_max > UINT16_MAX) { /* squeeze() stores it in 2 bytes */
		ret = -EINVAL;
		goto out;
	}
	nw = cfg->threads > 1 ? cfg->threads : 1;
	batch = (size_t)nw * (nw > 1 ? BATCH : BATCH_ONE); /* states */
	enc = malloc(enc_max);
	sq = malloc(2 * enc_max); /* worst case 9 bytes for every 8, + 2 */
	m.sq = sq;
	in = calloc((size_t)nw * BATCH, sizeof(*in));
	w = calloc(nw, sizeof(*w));
	if (!enc || !sq || !in || !w) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < nw; i++) {
		if (worker_init(&w[i], cfg, &seen, &fresh, enc_max)) {
			nw = i + 1;
			ret = -ENOMEM;
			goto out;
		}
	}
	{
		size_t len = codec(s, &xs, enc, true, NULL,
				   cfg->full_encoding);
		struct step none = { 0 };

		if (hset_add_id(&seen, hash_bytes(enc, len), 0, NULL) < 0 ||
		    add_edge(&x, 0, &none) ||
		    level_push(&cur, sq, squeeze(enc, len, sq), 0)) {
			ret = -ENOMEM;
			goto out;
		}
		st->states = 1;
	}

	while (cur.n && !st->violated) {
		size_t off = 0, done = 0;

		st->depth++;
		while (done < cur.n && !st->violated) {
			size_t nb = cur.n - done, per, at = 0;
			unsigned int used = nw;

			if (nb > batch)
				nb = batch;
			for (size_t i = 0; i < nb; i++) {
				uint32_t len;

				in[i] = cur.bytes + off;
				memcpy(&len, cur.bytes + off + 4, 4);
				off += 8 + len;
			}
			per = (nb + nw - 1) / nw;
			for (unsigned int i = 0; i < nw; i++) {
				w[i].in = in + at;
				w[i].nin = at < nb ? (nb - at < per ? nb - at : per) : 0;
				at += w[i].nin;
			}
			/* phase A */
			for (unsigned int i = 1; i < nw; i++)
				if (pthread_create(&w[i].thr, NULL, expand_part,
						   &w[i])) {
					used = i;
					break;
				}
			expand_part(&w[0]);
			for (unsigned int i = 1; i < used; i++)
				pthread_join(w[i].thr, NULL);
			for (unsigned int i = used; i < nw; i++)
				expand_part(&w[i]); /* no thread: here */
			/* phase B, in frontier order */
			for (unsigned int i = 0; i < nw && !st->violated; i++) {
				struct worker *wk = &w[i];

				for (size_t j = 0; j < wk->nres; j++) {
					uint64_t t0 = st->transitions;

					done++;
					ret = merge_state(&m, wk, &wk->res[j]);
					if (ret < 0)
						goto out;
					if (ret) { /* st->violated */
						ret = 0;
						break;
					}
					st->frontier = cur.n - done + next.n;
					st->bytes = held_bytes(&m, &cur);
					if (st->bytes > st->peak_bytes)
						st->peak_bytes = st->bytes;
					if (progress &&
					    (st->transitions >> 14) != (t0 >> 14) &&
					    progress(st, arg)) {
						ret = -EINTR;
						goto out;
					}
				}
				if (wk->err && !st->violated) {
					ret = wk->err;
					goto out;
				}
			}
		}
		if (st->violated)
			break;
		st->max_depth = st->depth;
		/* next level becomes current */
		free(cur.bytes);
		cur = next;
		memset(&next, 0, sizeof(next));
		if (fresh.cap)
			memset(fresh.slot, 0, fresh.cap * sizeof(fresh.slot[0]));
		fresh.len = 0;
	}
	if (!st->violated && cfg->no_livelock) {
		st->complete = true;
	} else if (!st->violated) {
		uint64_t trapped;
		uint32_t first;
		size_t lb;

		st->complete = true;
		ret = graph_livelock(&g, x.nedges, &trapped, &first, &lb);
		if (hset_bytes(&seen) + graph_bytes(&g) + lb > st->peak_bytes)
			st->peak_bytes = hset_bytes(&seen) + graph_bytes(&g) + lb;
		if (ret)
			goto out;
		st->livelock_checked = true;
		st->trapped = trapped;
		if (trapped) {
			st->violated = true;
			snprintf(x.detail, sizeof(x.detail), "S5: livelock: no "
				 "quiescent state is reachable from here by "
				 "protocol steps (%" PRIu64 " of %" PRIu64
				 " states are so)", trapped, st->states);
			*cex = counterexample(&x, first, NULL, true,
					      LIVELOCK_WAIT);
		} else if (cfg->fair) {
			struct step *cyc = NULL;
			uint64_t csize = 0;
			uint32_t entry = 0;
			size_t clen = 0;
			int f = graph_fair(&g, x.nedges, &entry, &cyc, &clen,
					   &csize, &lb);

			if (hset_bytes(&seen) + graph_bytes(&g) + lb >
			    st->peak_bytes)
				st->peak_bytes = hset_bytes(&seen) +
						 graph_bytes(&g) + lb;
			if (f < 0) {
				ret = f;
				goto out;
			}
			st->fair_checked = true;
			if (f) {
				st->violated = true;
				st->fair_cycle = clen;
				snprintf(x.detail, sizeof(x.detail), "S5: fair "
					 "livelock: a weakly fair cycle of %zu "
					 "steps never settles (%" PRIu64
					 " states can run so for ever)", clen,
					 csize);
				*cex = counterexample_cycle(&x, entry, NULL,
							    false, 0, cyc,
							    clen);
			}
			free(cyc);
		}
	}
	if (st->violated) {
		snprintf(st->violation, sizeof(st->violation), "%s", detail(&x));
		if (!*cex)
			ret = -ENOMEM;
		else
			ret = 1;
	}
out:
	st->bytes = held_bytes(&m, &cur);
	if (st->bytes > st->peak_bytes)
		st->peak_bytes = st->bytes;
	free(cur.bytes);
	free(next.bytes);
	free(seen.slot);
	free(seen.ids);
	free(fresh.slot);
	free(g.first);
	free(g.succ);
	free(g.label);
	free(g.quiet);
	free(x.edges);
	free(enc);
	free(sq);
	free(in);
	for (unsigned int i = 0; w && i < nw; i++)
		worker_free(&w[i]);
	free(w);
	free(s);
	free(sc);
	return ret;
}
