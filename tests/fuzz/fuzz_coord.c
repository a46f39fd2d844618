/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz harness: the coordinator (lib/engine/coord.c, gfs2's protocol
 * sans I/O), fed arbitrary sequences of inputs, as any driver (the
 * simulator, a kernel module, a userspace lock manager) may feed them.
 *
 * The harness keeps the caller's side of the contract in
 * include/dlmrecover.h (group coord) from the actions read: the lock
 * requests outstanding, the timers armed, the journal recoveries asked
 * for.  The input is a byte program: the first bytes give the
 * configuration (journals, spectator, mutant, fixes), then each step is
 * an op byte and its operands:
 *   op even: ANSWER one of the obligations outstanding (a lock
 *            completion with a status and a value block, a journal
 *            result, a timer expiry), chosen by the next byte;
 *   op odd:  an ARBITRARY input, every field from the next bytes (out of
 *            range values included);
 *   op bit 1: read the queued actions only after the next step (an input
 *            may be fed while actions are queued).
 * Properties:
 * - feed returns 0, -EINVAL or -EPROTO; a rejected input leaves the
 *   coordinator byte for byte as it was (it corrupts no later step);
 * - the answer to an outstanding obligation is accepted (until the
 *   coordinator reported failed or unmounted);
 * - an arbitrary completion of a lock with no request outstanding, an
 *   expiry of a timer not armed and a journal result nobody asked for
 *   are rejected;
 * - the actions keep the contract: valid lock, timer and journal ids; no
 *   second request on a lock with one outstanding, but for the control
 *   lock (the mount thread's and the control work's: two at most, the
 *   DLM answers the second, -EBUSY included); no timer asked for
 *   while armed; no recovery of a journal already being recovered; no
 *   timer armed after unmounted; the queue never overflows (it drops
 *   nothing).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "coord.h"
#include "fuzz.h"

struct model {
	unsigned int journals;
	/* lock requests outstanding: control (0..2), mounted, journal j
	 * (0..1); the flags last asked (VALBLK: a value block comes with
	 * the grant) */
	unsigned int lock_out[2 + DLMR_JOURNALS_MAX];
	unsigned int lock_flags[2 + DLMR_JOURNALS_MAX];
	bool timer[2 + DLMR_JOURNALS_MAX]; /* mount, work, recovery j */
	bool recover[DLMR_JOURNALS_MAX];
	/* answers fed before their action was read (an input may be fed
	 * while actions are queued): the obligation is met as it is read */
	unsigned int lock_credit[2 + DLMR_JOURNALS_MAX];
	unsigned int timer_credit[2 + DLMR_JOURNALS_MAX];
	unsigned int recover_credit[DLMR_JOURNALS_MAX];
	/* the outstanding ones, in the order answer() numbers them (locks,
	 * timers, recoveries, each by index): OBL_LOCK + i, OBL_TIMER + i,
	 * OBL_RECOVER + j, ascending.  Scanning the flags above for them at
	 * every step was most of this harness's time with 192 journals */
	uint16_t obl[3 * (2 + DLMR_JOURNALS_MAX)];
	unsigned int nobl;
	bool finished; /* FAILED or UNMOUNTED read */
	unsigned int queued; /* actions fed but not read, as we count them */
};

enum { OBL_LOCK = 0, OBL_TIMER = 256, OBL_RECOVER = 512 };

/* List obligation @id (OBL_*), in order. */
static void obl_insert(struct model *m, unsigned int id)
{
	unsigned int i = m->nobl;

	while (i && m->obl[i - 1] > id) {
		m->obl[i] = m->obl[i - 1];
		i--;
	}
	m->obl[i] = (uint16_t)id;
	m->nobl++;
}

/* Unlist obligation @id. */
static void obl_remove(struct model *m, unsigned int id)
{
	unsigned int i = 0;

	while (i < m->nobl && m->obl[i] != id)
		i++;
	FUZZ_CHECK(i < m->nobl);
	memmove(&m->obl[i], &m->obl[i + 1],
		(m->nobl - i - 1) * sizeof(m->obl[0]));
	m->nobl--;
}

/* Obligation @id outstanding now: *@flag set and @id listed. */
static void obl_add(struct model *m, bool *flag, unsigned int id)
{
	*flag = true;
	obl_insert(m, id);
}

/* Obligation @id met: *@flag cleared and @id unlisted. */
static void obl_del(struct model *m, bool *flag, unsigned int id)
{
	*flag = false;
	obl_remove(m, id);
}

/* FUZZ_TRACE=1: print every input, its result and the actions read */
static bool verbose;

struct input_bytes {
	const uint8_t *p;
	size_t n, pos;
};

static uint8_t byte(struct input_bytes *b)
{
	return b->pos < b->n ? b->p[b->pos++] : 0;
}

static int lock_index(int lock, int jid)
{
	return lock == DLMR_LOCK_JOURNAL ? 2 + jid : lock;
}

static int timer_index(int timer, int jid)
{
	return timer == DLMR_TIMER_RECOVERY ? 2 + jid : timer;
}

/* Read the queued actions, check them and record the obligations. */
static void drain(struct dlmr_coord *c, struct model *m)
{
	struct dlmr_action a;
	unsigned int n = 0;
	int i;

	while (dlmr_coord_next(c, &a)) {
		FUZZ_CHECK(++n <= COORD_ACTQ_MAX);
		if (verbose)
			fprintf(stderr, "  -> %s lock %d mode %d flags %#x jid %d "
				"timer %d error %d\n", dlmr_action_name(a.type),
				a.lock, a.mode, a.flags, a.jid, a.timer, a.error);
		switch (a.type) {
		case DLMR_ACT_LOCK:
		case DLMR_ACT_UNLOCK:
			FUZZ_CHECK(a.lock >= DLMR_LOCK_CONTROL &&
				   a.lock <= DLMR_LOCK_JOURNAL);
			if (a.lock == DLMR_LOCK_JOURNAL)
				FUZZ_CHECK(a.jid >= 0 &&
					   a.jid < (int)m->journals);
			if (a.type == DLMR_ACT_UNLOCK)
				break;
			FUZZ_CHECK(a.mode >= DLMR_MODE_NL &&
				   a.mode <= DLMR_MODE_EX);
			i = lock_index(a.lock, a.jid);
			FUZZ_CHECK(m->lock_out[i] <
				   (a.lock == DLMR_LOCK_CONTROL ? 2u : 1u));
			if (m->lock_credit[i]) {
				m->lock_credit[i]--;
				break;
			}
			if (m->lock_out[i]++ == 0)
				obl_insert(m, OBL_LOCK + (unsigned int)i);
			m->lock_flags[i] = a.flags;
			break;
		case DLMR_ACT_TIMER:
			FUZZ_CHECK(a.timer >= DLMR_TIMER_MOUNT &&
				   a.timer <= DLMR_TIMER_RECOVERY);
			if (a.timer == DLMR_TIMER_RECOVERY)
				FUZZ_CHECK(a.jid >= 0 &&
					   a.jid < (int)m->journals);
			i = timer_index(a.timer, a.jid);
			FUZZ_CHECK(!m->timer[i]);
			if (m->timer_credit[i])
				m->timer_credit[i]--;
			else
				obl_add(m, &m->timer[i],
					OBL_TIMER + (unsigned int)i);
			break;
		case DLMR_ACT_RECOVER:
			FUZZ_CHECK(a.jid >= 0 && a.jid < (int)m->journals);
			FUZZ_CHECK(!m->recover[a.jid]);
			if (m->recover_credit[a.jid])
				m->recover_credit[a.jid]--;
			else
				obl_add(m, &m->recover[a.jid],
					OBL_RECOVER + (unsigned int)a.jid);
			break;
		case DLMR_ACT_MOUNTED:
			FUZZ_CHECK(a.jid >= 0 && a.jid < (int)m->journals);
			break;
		case DLMR_ACT_UNMOUNTED:
			for (i = 0; i < 2 + (int)m->journals; i++)
				FUZZ_CHECK(!m->timer[i]);
			m->finished = true;
			break;
		case DLMR_ACT_FAILED:
			FUZZ_CHECK(a.error < 0);
			m->finished = true;
			break;
		case DLMR_ACT_BLOCK:
		case DLMR_ACT_UNBLOCK:
		case DLMR_ACT_FIRST_DONE:
			break;
		default:
			FUZZ_CHECK(!"unknown action");
		}
	}
	m->queued = 0;
}

/* The input answering obligation number @k (of those outstanding). */
static bool answer(struct model *m, struct input_bytes *b, unsigned int k,
		   struct dlmr_input *in, uint8_t *lvb)
{
	static const int status[] = { 0, -EAGAIN, -EIO, 0, -EBUSY };
	unsigned int id;
	int i;

	if (k >= m->nobl)
		return false;
	id = m->obl[k];
	if (id < OBL_TIMER) {
		i = (int)(id - OBL_LOCK);
		in->type = DLMR_IN_LOCK_DONE;
		in->lock = i < 2 ? i : DLMR_LOCK_JOURNAL;
		in->jid = i < 2 ? -1 : i - 2;
		in->status = status[byte(b) % 5];
		if (!in->status && (m->lock_flags[i] & DLMR_LKF_VALBLK)) {
			for (int j = 0; j < DLMR_LVB_SIZE; j++)
				lvb[j] = byte(b);
			in->lvb = lvb;
			in->lvb_invalid = byte(b) & 1;
		}
	} else if (id < OBL_RECOVER) {
		i = (int)(id - OBL_TIMER);
		in->type = DLMR_IN_TIMER;
		in->timer = i < 2 ? i : DLMR_TIMER_RECOVERY;
		in->jid = i < 2 ? -1 : i - 2;
	} else {
		in->type = DLMR_IN_JOURNAL_DONE;
		in->jid = (int)(id - OBL_RECOVER);
		in->result = byte(b) & 1 ? DLMR_JOURNAL_GAVEUP :
			DLMR_JOURNAL_SUCCESS;
	}
	return true;
}

static unsigned int obligations(const struct model *m)
{
	return m->nobl;
}

/* Every field from the input, out-of-range values included. */
static void arbitrary(struct input_bytes *b, struct dlmr_input *in,
		      struct dlmr_slot *slots, uint8_t *lvb)
{
	static const int status[] = { 0, -EAGAIN, -EIO, 1, -EINVAL, 0 };
	unsigned int n;

	in->type = (enum dlmr_input_type)(byte(b) % 10);
	in->nodeid = byte(b);
	in->slot = (int8_t)byte(b);
	n = byte(b) % 6;
	for (unsigned int i = 0; i < n; i++) {
		slots[i].nodeid = byte(b);
		slots[i].slot = (int8_t)byte(b);
	}
	in->slots = n ? slots : NULL;
	in->num_slots = n;
	in->our_slot = (int8_t)byte(b);
	in->generation = byte(b);
	in->lock = (int)(byte(b) % 5) - 1;
	in->timer = (int)(byte(b) % 5) - 1;
	in->status = status[byte(b) % 6];
	if (byte(b) & 1) {
		for (int j = 0; j < DLMR_LVB_SIZE; j++)
			lvb[j] = byte(b);
		in->lvb = lvb;
	}
	in->lvb_invalid = byte(b) & 1;
	in->jid = (int8_t)byte(b) % 12;
	in->result = byte(b) % 4;
}

/* Must the coordinator reject @in, by what the model knows? */
static bool must_reject(const struct model *m, const struct dlmr_input *in)
{
	bool jid_ok = in->jid >= 0 && in->jid < (int)m->journals;

	switch (in->type) {
	case DLMR_IN_LOCK_DONE:
		if (in->lock == DLMR_LOCK_CONTROL || in->lock == DLMR_LOCK_MOUNTED)
			return !m->lock_out[in->lock];
		if (in->lock == DLMR_LOCK_JOURNAL)
			return !jid_ok || !m->lock_out[2 + in->jid];
		return true;
	case DLMR_IN_TIMER:
		if (in->timer == DLMR_TIMER_MOUNT || in->timer == DLMR_TIMER_WORK)
			return !m->timer[in->timer];
		if (in->timer == DLMR_TIMER_RECOVERY)
			return !jid_ok || !m->timer[2 + in->jid];
		return true;
	case DLMR_IN_JOURNAL_DONE:
		return !jid_ok || !m->recover[in->jid];
	case DLMR_IN_MOUNT:
	case DLMR_IN_PREP:
	case DLMR_IN_SLOT:
	case DLMR_IN_DONE:
	case DLMR_IN_UNMOUNT:
		return false;
	default:
		return true;
	}
}

/* An accepted input answered an obligation: it is met (or, not read
 * yet, it will be as it is read). */
static void meet(struct model *m, bool *out, unsigned int *credit,
		 unsigned int id)
{
	if (*out)
		obl_del(m, out, id);
	else
		(*credit)++;
}

static void met(struct model *m, const struct dlmr_input *in)
{
	int i;

	switch (in->type) {
	case DLMR_IN_LOCK_DONE:
		i = lock_index(in->lock, in->jid);
		if (!m->lock_out[i])
			m->lock_credit[i]++;
		else if (--m->lock_out[i] == 0)
			obl_remove(m, OBL_LOCK + (unsigned int)i);
		break;
	case DLMR_IN_TIMER:
		i = timer_index(in->timer, in->jid);
		meet(m, &m->timer[i], &m->timer_credit[i],
		     OBL_TIMER + (unsigned int)i);
		break;
	case DLMR_IN_JOURNAL_DONE:
		meet(m, &m->recover[in->jid], &m->recover_credit[in->jid],
		     OBL_RECOVER + (unsigned int)in->jid);
		break;
	default:
		break;
	}
}

/*
 * The coordinator's state, for "a rejected input leaves it byte for byte
 * unchanged": every byte of it but what nothing reads, the free places of
 * the action queue and of the slot table (past last_num).  The struct is
 * 19.6 KB, most of it the queue's 224 places: copying all of it before
 * every step was 84% of this harness's time (callgrind); the state that
 * counts is about 1.6 KB.
 */
struct state {
	size_t len;
	uint8_t b[sizeof(struct dlmr_coord)];
};

static void put(struct state *s, const void *p, size_t n)
{
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static void state_of(const struct dlmr_coord *c, struct state *s)
{
	const uint8_t *base = (const uint8_t *)c;
	size_t slots = offsetof(struct dlmr_coord, last_slots),
	       tail = offsetof(struct dlmr_coord, bad_slots),
	       aq = offsetof(struct dlmr_coord, aq);

	s->len = 0;
	put(s, base, slots);
	put(s, c->last_slots,
	    (c->last_num < DLMR_SLOTS_MAX ? c->last_num : DLMR_SLOTS_MAX) *
	    sizeof(c->last_slots[0]));
	put(s, base + tail, aq - tail);
	for (unsigned int i = 0; i < c->aq_len && i < COORD_ACTQ_MAX; i++)
		put(s, &c->aq[(c->aq_head + i) % COORD_ACTQ_MAX],
		    sizeof(c->aq[0]));
}

static bool state_same(const struct dlmr_coord *c, const struct state *s,
		       struct state *scratch)
{
	state_of(c, scratch);
	return scratch->len == s->len && !memcmp(scratch->b, s->b, s->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input_bytes b = { data, size, 0 };
	struct dlmr_coord_config cfg = { 0 };
	struct dlmr_coord *c;
	struct state *before, *after;
	struct dlmr_slot slots[8];
	uint8_t lvb[DLMR_LVB_SIZE];
	struct model *m = calloc(1, sizeof(*m));
	unsigned int steps = 0;
	uint8_t x;

	FUZZ_CHECK(m);
	verbose = getenv("FUZZ_TRACE");
	x = byte(&b);
	cfg.journals = x == 255 ? DLMR_JOURNALS_MAX : 1 + x % 8;
	x = byte(&b);
	cfg.spectator = x & 1;
	cfg.fixes = ((unsigned int)x << 8 | byte(&b)) &
		    (((1u << FIX_MAX) - 1) & ~1u);
	cfg.mutant = byte(&b) % MUT_MAX;
	m->journals = cfg.journals;
	before = malloc(sizeof(*before));
	after = malloc(sizeof(*after));
	FUZZ_CHECK(before && after && dlmr_coord_new(&cfg, &c) == 0);
	/* steps are bounded by the input's length: each takes a byte */
	while (b.pos < b.n && steps++ < 100000) {
		struct dlmr_input in = { 0 };
		bool valid_answer = false, reject;
		int r;

		x = byte(&b);
		if (!(x & 1)) {
			unsigned int n = obligations(m);

			if (!n)
				continue;
			valid_answer = answer(m, &b, byte(&b) % n, &in, lvb);
			FUZZ_CHECK(valid_answer);
		} else {
			arbitrary(&b, &in, slots, lvb);
		}
		/* with actions unread, the model does not know them yet */
		reject = !m->queued && must_reject(m, &in);
		state_of(c, before);
		r = dlmr_coord_feed(c, &in);
		if (verbose)
			fprintf(stderr, "%s%s nodeid %u slot %d slots %u our_slot %d "
				"gen %u lock %d timer %d status %d lvb %s jid %d "
				"result %d: %d\n", valid_answer ? "answer " : "",
				dlmr_input_name(in.type) ? dlmr_input_name(in.type) :
				"?", in.nodeid, in.slot, in.num_slots, in.our_slot,
				in.generation, in.lock, in.timer, in.status,
				in.lvb ? "yes" : "no", in.jid, in.result, r);
		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EPROTO);
		/* push() drops an action when the queue is full: never
		 * reach it */
		FUZZ_CHECK(c->aq_len < COORD_ACTQ_MAX);
		if (r) {
			FUZZ_CHECK(state_same(c, before, after));
			FUZZ_CHECK(!valid_answer || m->finished);
		} else {
			FUZZ_CHECK(!reject);
			met(m, &in);
		}
		if (!(x & 2) || ++m->queued > 4)
			drain(c, m);
	}
	drain(c, m);
	dlmr_coord_free(c);
	free(before);
	free(after);
	free(m);
	return 0;
}
