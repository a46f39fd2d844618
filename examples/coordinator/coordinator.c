// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tutorial: drive the coordinator (gfs2's first-mounter and journal-
 * recovery protocol) by hand, for two nodes, against a lock table of our
 * own instead of the kernel DLM.
 *
 *   t=0      node 1 joins the lockspace and mounts
 *   t=100    node 2 joins and mounts (node 1 gets prep and done meanwhile:
 *            both its timers are armed then)
 *   ...      a cold start: one first mounter, the other waits for it
 *   quiet    node 2 crashes; node 1 gets prep, slot, done, replays
 *            node 2's journal, then unblocks
 *   quiet    node 1 unmounts
 *
 * Everything the coordinator asks for is carried out here: lock requests
 * (a table of modes, waiters and value blocks, as the DLM keeps them),
 * journal replays, timers.  Time is simulated: each pending answer has a
 * due time (a lock completion 1 ms, a replay 20 ms, a timer its timer_ms)
 * and the earliest is delivered first.  The rules the program follows are
 * those of include/dlmrecover.h, coordinator group: the join's done before
 * MOUNT, one answer per LOCK, RECOVER and TIMER, two timers per node and
 * one per journal (the recovery timer, per jid).
 *
 * Build:  cc coordinator.c $(pkg-config --cflags --libs dlmrecover)
 * Run:    ./a.out [SEED] [--one-timer] [--mutant=NAME]
 *
 * SEED (default 0: none) adds random delays to every answer and moves
 * node 2's join.  --one-timer makes the mistake the header warns of: one
 * timer per node, re-armed by the next request; node 1's mount then never
 * wakes up.  --mutant plants a protocol bug (`dlmctl explore --mutant
 * list`); mounted-queue and retry-stale-lvb show here.  Exit status 0 when
 * the outcome is gfs2's (checked in main()), 1 when it is not, 2 on a bad
 * argument.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlmrecover.h>

#define NODES 2
#define JOURNALS 2
#define NRES (2 + JOURNALS) /* control, mounted, journal 0, journal 1 */
#define QMAX 64
#define STEPS_MAX 10000

/* ---- the lock table ------------------------------------------------------ */

struct lock {
	int mode;          /* granted, DLMR_MODE_IV: none */
	int want;          /* waiting for this mode, DLMR_MODE_IV: not */
	unsigned int flags;
	unsigned int busy; /* requests outstanding: completions not fed (two
			    * at most, on the control lock: the mount thread's
			    * and the control work's share its lksb) */
	unsigned int last_due; /* due time of its last completion pushed */
	uint8_t lvb[DLMR_LVB_SIZE]; /* the lock's value buffer (an lksb's) */
};

struct resource {
	uint8_t lvb[DLMR_LVB_SIZE]; /* zeros until written */
	bool lvb_invalid;  /* DLM_SBF_VALNOTVALID: see crash() */
	struct lock lk[NODES + 1];
};

/* ---- what is pending, with its due time ---------------------------------- */

enum kind { P_COMPLETION, P_REPLAY, P_TIMER, P_JOIN };

struct pending {
	enum kind kind;
	unsigned long due;
	uint32_t node;
	int lock, jid, status, timer;
	bool lvb_invalid;
};

struct node {
	struct dlmr_coord *c;
	bool up, mounted, blocked, first, first_done, unmounted;
	int jid;
	/* DLMR_TIMER_MOUNT, DLMR_TIMER_WORK, then DLMR_TIMER_RECOVERY of
	 * journal j at 2 + j: one timer per id and per jid */
	bool armed[2 + JOURNALS];
};

static struct resource res[NRES];
static struct node nodes[NODES + 1];
static struct pending q[QMAX];
static unsigned int qlen;
static unsigned long now;
static uint64_t seed;
static bool one_timer;
static unsigned int mutant;
static struct dlmr_slot_table table;
/* journals written by a node that mounted, and not replayed since */
static bool dirty[JOURNALS];
/* dirty journals of crashed nodes: nobody may unblock while one is */
static bool orphan[JOURNALS];
static unsigned int replays[JOURNALS];
static uint32_t replayed_by[JOURNALS];
static int errors;

static void error(const char *what, uint32_t node)
{
	if (node)
		printf("t=%-5lu ERROR node %u: %s\n", now, node, what);
	else
		printf("t=%-5lu ERROR: %s\n", now, what);
	errors++;
}

/* xorshift64: the delays of a seeded run */
static unsigned long jitter(unsigned long max)
{
	if (!seed)
		return 0;
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned long)(seed % (max + 1));
}

/* Remove pending entry @i, keeping the others in order. */
static void drop(unsigned int i)
{
	memmove(&q[i], &q[i + 1], (qlen - i - 1) * sizeof(q[0]));
	qlen--;
}

static void push(struct pending p)
{
	if (qlen == QMAX) {
		error("too much pending", p.node);
		return;
	}
	q[qlen++] = p;
}

static unsigned int res_of(int lock, int jid)
{
	return lock == DLMR_LOCK_JOURNAL ? 2u + (unsigned int)jid :
	       (unsigned int)lock;
}

/* The DLM's compatibility of the modes the coordinator uses. */
static bool compatible(int held, int want)
{
	if (held == DLMR_MODE_IV || held == DLMR_MODE_NL ||
	    want == DLMR_MODE_NL)
		return true;
	return held == DLMR_MODE_PR && want == DLMR_MODE_PR;
}

static bool grantable(const struct resource *r, uint32_t node, int mode)
{
	for (uint32_t o = 1; o <= NODES; o++)
		if (o != node && !compatible(r->lk[o].mode, mode))
			return false;
	return true;
}

/*
 * A completion of @node's lock on @ri is on its way: after any earlier
 * one of the same lock (the DLM's callbacks for one lksb come in order).
 */
static void push_completion(unsigned int ri, uint32_t node, int status,
			    bool lvb_invalid)
{
	struct lock *l = &res[ri].lk[node];
	unsigned int due = now + 1 + jitter(5);

	if (due < l->last_due)
		due = l->last_due;
	l->last_due = due;
	push((struct pending){ .kind = P_COMPLETION, .node = node, .due = due,
		.lock = ri < 2 ? (int)ri : DLMR_LOCK_JOURNAL,
		.jid = ri < 2 ? -1 : (int)ri - 2, .status = status,
		.lvb_invalid = lvb_invalid });
}

/*
 * Grant the waiting request of @node: the value block moves as the DLM's
 * dlm_lvb_operations say (from PW or EX the lock writes it, otherwise it
 * reads it), and the completion is on its way.
 */
static void grant(unsigned int ri, uint32_t node)
{
	struct resource *r = &res[ri];
	struct lock *l = &r->lk[node];

	if (l->flags & DLMR_LKF_VALBLK) {
		if (l->mode >= DLMR_MODE_PW) {
			memcpy(r->lvb, l->lvb, DLMR_LVB_SIZE);
			r->lvb_invalid = false;
		} else {
			memcpy(l->lvb, r->lvb, DLMR_LVB_SIZE);
		}
	}
	l->mode = l->want;
	l->want = DLMR_MODE_IV;
	push_completion(ri, node, 0, r->lvb_invalid);
}

/* Grant whatever waits and can now be granted. */
static void wake(unsigned int ri)
{
	for (uint32_t o = 1; o <= NODES; o++) {
		struct lock *l = &res[ri].lk[o];

		if (l->want != DLMR_MODE_IV && grantable(&res[ri], o, l->want))
			grant(ri, o);
	}
}

/* dlm_lock(): 0 when the request is under way, else the error at once. */
static int lm_request(uint32_t node, const struct dlmr_action *a)
{
	unsigned int ri = res_of(a->lock, a->jid);
	struct lock *l = &res[ri].lk[node];

	/* as the DLM's validate_lock_args(): busy while the request before
	 * waits in the queue; one decided at once (granted or refused here,
	 * where every decision is local) has only its completion on the way,
	 * and the new one goes on */
	if (l->want != DLMR_MODE_IV)
		return -EBUSY;
	if (!!(a->flags & DLMR_LKF_CONVERT) != (l->mode != DLMR_MODE_IV))
		return -EINVAL;
	if (a->write_lvb)
		memcpy(l->lvb, a->lvb, DLMR_LVB_SIZE);
	l->flags = a->flags;
	l->want = a->mode;
	l->busy++;
	if (grantable(&res[ri], node, a->mode)) {
		grant(ri, node);
		wake(ri); /* a conversion down may let others in */
	} else if (a->flags & DLMR_LKF_NOQUEUE) {
		l->want = DLMR_MODE_IV;
		push_completion(ri, node, -EAGAIN, false);
	}
	/* else it waits in the queue: wake() grants it */
	return 0;
}

static void lm_unlock(uint32_t node, int lock, int jid)
{
	unsigned int ri = res_of(lock, jid);

	res[ri].lk[node].mode = DLMR_MODE_IV;
	wake(ri);
}

/* ---- feeding the coordinator and carrying out its actions ---------------- */

static void act(uint32_t n, const struct dlmr_action *a);

static const char *mode_name(int mode)
{
	static const char *const names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };

	return mode >= 0 && mode <= 5 ? names[mode] : "IV";
}

/* Feed one input, then carry out every action it queued. */
static void feed(uint32_t n, const struct dlmr_input *in, const char *what)
{
	struct dlmr_action a;
	int r;

	printf("t=%-5lu node %u <- %s%s%s\n", now, n, dlmr_input_name(in->type),
	       what[0] ? " " : "", what);
	r = dlmr_coord_feed(nodes[n].c, in);
	if (r) {
		/* -EPROTO: this program broke a rule of the header */
		printf("t=%-5lu ERROR node %u: %s refused: %s\n", now, n,
		       dlmr_input_name(in->type), strerror(-r));
		errors++;
	}
	while (nodes[n].up && dlmr_coord_next(nodes[n].c, &a) == 1)
		act(n, &a);
}

/* The index of a timer in node::armed: the recovery timer is per jid. */
static int timer_slot(int timer, int jid)
{
	return timer == DLMR_TIMER_RECOVERY ? 2 + jid : timer;
}

static void arm(uint32_t n, int timer, int jid, unsigned int ms)
{
	int t = timer_slot(timer, jid);

	if (one_timer) {
		/* the mistake: one timer per node, re-armed for every
		 * request, so an armed timer of the other id is lost */
		for (unsigned int i = qlen; i-- > 0;)
			if (q[i].kind == P_TIMER && q[i].node == n)
				drop(i);
		memset(nodes[n].armed, 0, sizeof(nodes[n].armed));
	} else if (nodes[n].armed[t]) {
		/* include/dlmrecover.h, "Timers": never happens */
		error("a timer asked for while armed", n);
	}
	nodes[n].armed[t] = true;
	push((struct pending){ .kind = P_TIMER, .node = n, .timer = timer,
			       .jid = jid, .due = now + ms + jitter(50) });
}

static void act(uint32_t n, const struct dlmr_action *a)
{
	struct node *nd = &nodes[n];
	int r;

	printf("t=%-5lu node %u -> %s", now, n, dlmr_action_name(a->type));
	if (a->type == DLMR_ACT_LOCK || a->type == DLMR_ACT_UNLOCK)
		printf(" %s", dlmr_lock_name(a->lock));
	if (a->jid >= 0 && a->type != DLMR_ACT_UNMOUNTED)
		printf(" %d", a->jid);
	if (a->type == DLMR_ACT_LOCK)
		printf(" %s%s%s%s", mode_name(a->mode),
		       a->flags & DLMR_LKF_CONVERT ? " CONVERT" : "",
		       a->flags & DLMR_LKF_NOQUEUE ? " NOQUEUE" : "",
		       a->flags & DLMR_LKF_VALBLK ? " VALBLK" : "");
	if (a->type == DLMR_ACT_TIMER)
		printf(" %s %u ms", dlmr_timer_name(a->timer), a->timer_ms);
	if (a->type == DLMR_ACT_MOUNTED && a->first)
		printf(" (first mounter)");
	putchar('\n');

	switch (a->type) {
	case DLMR_ACT_LOCK:
		r = lm_request(n, a);
		if (r) {
			/* dlm_lock() refused at once: no completion will
			 * come, so its error is the completion */
			struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE,
				.lock = a->lock, .jid = a->jid, .status = r };

			feed(n, &in, strerror(-r));
		}
		break;
	case DLMR_ACT_UNLOCK:
		lm_unlock(n, a->lock, a->jid);
		break;
	case DLMR_ACT_RECOVER:
		push((struct pending){ .kind = P_REPLAY, .node = n,
				       .jid = a->jid, .due = now + 20 + jitter(40) });
		break;
	case DLMR_ACT_BLOCK:
		nd->blocked = true;
		break;
	case DLMR_ACT_UNBLOCK:
		/* invariant S1: not while a dead node's journal is dirty */
		for (int j = 0; j < JOURNALS; j++)
			if (orphan[j])
				error("unblocked before a dead node's journal "
				      "was replayed", n);
		nd->blocked = false;
		break;
	case DLMR_ACT_MOUNTED:
		/* S3: a second mounter waits for the first's first_done */
		for (uint32_t o = 1; o <= NODES; o++) {
			struct dlmr_coord_status st;

			if (o == n || !nodes[o].up ||
			    dlmr_coord_status(nodes[o].c, &st))
				continue;
			if (st.first && !st.first_done)
				error("mounted while the first mounter "
				      "recovers", n);
		}
		if (a->jid != dlmr_slots_jid(&table, n))
			error("mounted with another node's journal", n);
		nd->mounted = true;
		nd->first = a->first;
		nd->jid = a->jid;
		dirty[a->jid] = true; /* from now on it writes its journal */
		break;
	case DLMR_ACT_FIRST_DONE:
		nd->first_done = true;
		break;
	case DLMR_ACT_TIMER:
		arm(n, a->timer, a->jid, a->timer_ms);
		break;
	case DLMR_ACT_UNMOUNTED:
		nd->mounted = false;
		nd->unmounted = true;
		dirty[nd->jid] = false; /* a clean unmount */
		break;
	case DLMR_ACT_FAILED:
		error("mount failed", n);
		break;
	}
}

/* Deliver the slot table to @n as recover_done. */
static void done_to(uint32_t n)
{
	struct dlmr_input in = { .type = DLMR_IN_DONE, .slots = table.slots,
				 .num_slots = table.num,
				 .generation = table.generation,
				 .our_slot = dlmr_slots_slot(&table, n) };
	char what[64];

	snprintf(what, sizeof(what), "(generation %u, our slot %d)",
		 table.generation, in.our_slot);
	feed(n, &in, what);
}

/* The DLM's membership change: new slots, then the callbacks. */
static void members(const uint32_t *ids, size_t n)
{
	struct dlmr_member m[NODES];

	for (size_t i = 0; i < n; i++)
		m[i] = (struct dlmr_member){ .nodeid = ids[i] };
	if (dlmr_slots_change(&table, m, n))
		error("slot table", 0);
}

/* Node @n joins (a running member gets prep, every member done). */
static void join(uint32_t n)
{
	struct dlmr_coord_config cfg = { .journals = JOURNALS,
					  .mutant = mutant };
	uint32_t ids[NODES];
	size_t k = 0;
	struct dlmr_input prep = { .type = DLMR_IN_PREP };
	struct dlmr_input mount = { .type = DLMR_IN_MOUNT };

	/* the coordinator exists before dlm_new_lockspace(): the join's
	 * own recover_done is its first input */
	if (dlmr_coord_new(&cfg, &nodes[n].c)) {
		error("out of memory", n);
		return;
	}
	nodes[n].up = true;
	nodes[n].jid = -1;
	for (uint32_t o = 1; o <= NODES; o++)
		if (nodes[o].up)
			ids[k++] = o;
	members(ids, k);
	for (uint32_t o = 1; o <= NODES; o++)
		if (o != n && nodes[o].up)
			feed(o, &prep, "");
	for (uint32_t o = 1; o <= NODES; o++)
		if (nodes[o].up)
			done_to(o);
	/* MOUNT only after our first done, which gave us our journal */
	feed(n, &mount, "");
}

/* Node @n crashes: the DLM purges its locks, the others recover. */
static void crash(uint32_t n)
{
	struct dlmr_input prep = { .type = DLMR_IN_PREP };
	struct dlmr_input slot = { .type = DLMR_IN_SLOT, .nodeid = n,
				   .slot = dlmr_slots_slot(&table, n) };
	uint32_t ids[NODES];
	size_t k = 0;
	char what[64];

	printf("t=%-5lu node %u crashes\n", now, n);
	nodes[n].up = false;
	dlmr_coord_free(nodes[n].c);
	nodes[n].c = NULL;
	for (unsigned int i = qlen; i-- > 0;)
		if (q[i].node == n)
			drop(i);
	if (nodes[n].mounted && dirty[nodes[n].jid])
		orphan[nodes[n].jid] = true;
	for (unsigned int ri = 0; ri < NRES; ri++) {
		struct lock *l = &res[ri].lk[n];

		/* dlm_recover_purge(): the holder may have changed the
		 * value block without writing it back */
		if (l->mode >= DLMR_MODE_PW && (l->flags & DLMR_LKF_VALBLK))
			res[ri].lvb_invalid = true;
		memset(l, 0, sizeof(*l));
		l->mode = l->want = DLMR_MODE_IV;
	}
	for (uint32_t o = 1; o <= NODES; o++)
		if (nodes[o].up)
			ids[k++] = o;
	snprintf(what, sizeof(what), "(nodeid %u, slot %d)", n, slot.slot);
	for (uint32_t o = 1; o <= NODES; o++) {
		if (!nodes[o].up)
			continue;
		feed(o, &prep, "");
		feed(o, &slot, what);
	}
	members(ids, k);
	for (uint32_t o = 1; o <= NODES; o++)
		if (nodes[o].up)
			done_to(o);
	for (unsigned int ri = 0; ri < NRES; ri++)
		wake(ri);
}

/* Deliver the earliest pending answer (the first pushed on a tie). */
static void step(void)
{
	unsigned int best = 0;
	struct pending p;

	for (unsigned int i = 1; i < qlen; i++)
		if (q[i].due < q[best].due)
			best = i;
	p = q[best];
	drop(best);
	if (p.due > now)
		now = p.due;

	switch (p.kind) {
	case P_JOIN:
		join(p.node);
		break;
	case P_COMPLETION: {
		struct lock *l = &res[res_of(p.lock, p.jid)].lk[p.node];
		struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE,
			.lock = p.lock, .jid = p.jid, .status = p.status,
			.lvb_invalid = p.lvb_invalid };
		char what[64];

		if (!l->busy)
			error("a completion with no request", p.node);
		l->busy--;
		/* with VALBLK, the value block the grant read */
		if (!p.status && (l->flags & DLMR_LKF_VALBLK))
			in.lvb = l->lvb;
		if (p.lock == DLMR_LOCK_JOURNAL)
			snprintf(what, sizeof(what), "journal %d: %s", p.jid,
				 p.status ? "refused" : "granted");
		else
			snprintf(what, sizeof(what), "%s: %s",
				 dlmr_lock_name(p.lock),
				 p.status ? "refused" : "granted");
		feed(p.node, &in, what);
		break;
	}
	case P_REPLAY: {
		struct dlmr_input in = { .type = DLMR_IN_JOURNAL_DONE,
			.jid = p.jid, .result = DLMR_JOURNAL_SUCCESS };
		bool was_dirty = dirty[p.jid];

		if (was_dirty) {
			dirty[p.jid] = false;
			orphan[p.jid] = false;
			replays[p.jid]++;
			replayed_by[p.jid] = p.node;
		}
		feed(p.node, &in, was_dirty ? "replayed" : "clean");
		break;
	}
	case P_TIMER: {
		struct dlmr_input in = { .type = DLMR_IN_TIMER,
					 .timer = p.timer, .jid = p.jid };

		nodes[p.node].armed[timer_slot(p.timer, p.jid)] = false;
		feed(p.node, &in, dlmr_timer_name(p.timer));
		break;
	}
	}
}

/* Run until nothing is pending: then a request still waiting waits for
 * ever (a deadlock). */
static void run(void)
{
	for (unsigned int i = 0; i < STEPS_MAX; i++) {
		if (!qlen)
			break;
		step();
	}
	if (qlen)
		error("no end in sight (a livelock)", 0);
	for (unsigned int ri = 0; ri < NRES; ri++) {
		for (uint32_t o = 1; o <= NODES; o++) {
			char what[96];

			if (!nodes[o].up || res[ri].lk[o].want == DLMR_MODE_IV)
				continue;
			snprintf(what, sizeof(what), "its %s lock request "
				 "waits for ever (a deadlock)",
				 dlmr_lock_name(ri < 2 ? (int)ri :
						DLMR_LOCK_JOURNAL));
			error(what, o);
		}
	}
}

static void check(bool ok, const char *what)
{
	printf("check: %s: %s\n", what, ok ? "ok" : "WRONG");
	if (!ok)
		errors++;
}

int main(int argc, char **argv)
{
	struct dlmr_input unmount = { .type = DLMR_IN_UNMOUNT };
	uint32_t gen;
	int jids[JOURNALS];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--one-timer"))
			one_timer = true;
		else if (!strncmp(argv[i], "--mutant=", 9))
			mutant = (unsigned int)dlmr_mutant_from_name(argv[i] + 9);
		else if (argv[i][0] >= '0' && argv[i][0] <= '9')
			seed = strtoull(argv[i], NULL, 0);
		else
			mutant = DLMR_JOURNALS_MAX; /* no such option */
		if (mutant > 100) {
			fprintf(stderr, "usage: %s [SEED] [--one-timer] "
				"[--mutant=NAME]\n", argv[0]);
			return 2;
		}
	}
	if (seed)
		seed = seed * 0x9e3779b97f4a7c15ull + 1;
	dlmr_slots_init(&table);
	for (unsigned int ri = 0; ri < NRES; ri++)
		for (uint32_t o = 0; o <= NODES; o++)
			res[ri].lk[o].mode = res[ri].lk[o].want = DLMR_MODE_IV;

	/* the cold start: node 1 at once, node 2 a little later */
	push((struct pending){ .kind = P_JOIN, .node = 1, .due = 0 });
	push((struct pending){ .kind = P_JOIN, .node = 2,
			       .due = seed ? jitter(600) : 100 });
	run();
	check(nodes[1].mounted && nodes[2].mounted, "both nodes mounted");
	check(nodes[1].first + nodes[2].first == 1, "one first mounter");
	check(nodes[1].jid == 0 && nodes[2].jid == 1,
	      "node N has journal N-1 (slot N)");
	check(!nodes[1].blocked && !nodes[2].blocked, "both unblocked");

	/* node 2 fails while mounted */
	crash(2);
	run();
	check(replays[1] == 1 && replayed_by[1] == 1,
	      "node 1 replayed node 2's journal, once");
	check(nodes[1].mounted && !nodes[1].blocked, "node 1 unblocked");
	check(dlmr_lvb_decode(res[DLMR_LOCK_CONTROL].lvb, &gen, jids,
			      JOURNALS) == 0 && gen == table.generation,
	      "control value block: this generation, no journal to recover");

	/* node 1 unmounts; it answers until UNMOUNTED */
	if (nodes[1].mounted)
		feed(1, &unmount, "");
	run();
	check(nodes[1].unmounted, "node 1 unmounted");

	check(errors == 0, "no errors");
	dlmr_coord_free(nodes[1].c);
	return errors ? 1 : 0;
}
