// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The explorer's canonical state encoding (map: explore.c), and the
 * reduced encoding: history no future step, invariant or replay reads
 * left out or normalised, unless dlmr_explore_config.full_encoding.
 */

#include "explore.h"

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
	io(c, kf, sizeof(*kf));  /* n->known_failed, see xp_codec() */
	io(c, je, sizeof(*je));  /* n->join_epoch, see xp_codec() */
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
size_t xp_codec(struct sim *s, struct xstate *x, uint8_t *buf, bool enc,
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

	return xp_codec(s, &xs, buf, true, NULL, false);
}
