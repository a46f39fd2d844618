/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real kernel judges the simulator.
 *
 * The example module.  Every scenario the VM lab recorded
 * (tests/vm/traces/<scenario>/: scenario.scn plus one trace per surviving
 * node, from the example kernel module's dlm_lockspace_ops callbacks) is
 * replayed in the simulator, for several seeds, and each node's
 * recover_prep / recover_slot / recover_done stream since its last join
 * is compared with the kernel's event by event: order, slots, nodeids,
 * generations, our_slot and the slot tables.  Every recorded trace must
 * also keep the callback-ordering contract.
 *
 * The engine.  Every <scenario>/engine/ directory holds the engine's
 * (dlmr_journal.ko's) whole history on its cluster up to that scenario:
 * node<N>.b<BOOT>.jsonl (one boot of a node, from its join, host clock),
 * crash.jsonl (the lab's kills) and scenario.scn (the same steps for the
 * simulator).  The simulator runs scenario.scn (with the module's default
 * fix, slot-from-table) for ESEEDS seeds, and each run must agree with
 * the kernel's history under these projections, which do not depend on
 * scheduling (tests/vm/README.md, "The engine's traces"):
 *
 *  - boots: each node has as many boots in both, each ending the same
 *    way (crashed, left, or up).
 *  - streams: the module records lock and unlock when its ordered lock
 *    workqueue calls dlm_lock()/dlm_unlock(), later than the engine asked,
 *    and every other event as it happens; so "lock requests" (lock,
 *    unlock) and "events" (all the rest) are compared as two sequences.
 *  - recoveries: a boot splits at each prep into epochs (the first from
 *    its join); each epoch's prep/slot/done, with nodeids, slots,
 *    generations, our_slot and tables, are the same, in the same number.
 *    Not compared: the last epoch of a victim that died at a point the
 *    scenario does not fix (a trigger, or a crash not after a wait) and,
 *    in a run the mutant stopped at a violation, every node's last one.
 *  - (a) the mount: from join to mounted (or as far as the boot is
 *    compared), both streams exactly, except that of control_mount()'s
 *    attempts (each from control_lock EX NOQUEUE: refused, or told by
 *    the value block to wait, it sleeps 500 ms and tries again) only the
 *    last one counts, and callbacks after the join's done are left to the
 *    recoveries' check.  gfs2's 500 ms sleep "is not required but often
 *    avoids having to retry"; the simulator fires it at any time.  Also
 *    dropped: the control lock's events from the mount's first journal
 *    lock on (the kernel runs the control work the join's done queued
 *    at once, and it returns, the mount not being done; the simulator
 *    may run it late, while the mount checks its journal, or during a
 *    first mounter's control_first_done(), whose control conversion
 *    then fails with -EBUSY and is skipped, as in gfs2).
 *  - (b) every recovery after the mount, up to the unmount:
 *    - of a join or leave: both streams exactly, but the control work's
 *      VALBLK on its conversion to NL (only the first work to run after
 *      the recovery writes the value block); across the nodes exactly one
 *      work writes it, in both;
 *    - of a failure: one block, first; one unblock, followed by nothing
 *      but lock answers or clean replays (a journal lock asked for before:
 *      "Busy", or a journal another survivor replayed first); no journal
 *      but the failed nodes'; no mount; across the survivors each failed
 *      node's journal replayed dirty (recovered status 1) exactly once, in
 *      both.  Which survivor replays, and how often the control work runs,
 *      is scheduling.
 *  - a clean leave: from the unmount to leave, both streams exactly
 *    (unmounted, unlock of its journal, its own prep, block, leave).
 *  - (c) the end: every node crashed, left, or mounted with the same jid
 *    and first flag, blocked or not, in both.
 *  - S1 on the host clock: no survivor of a failure unblocks (by more
 *    than the clocks' uncertainty) before the last dirty replay of the
 *    failed nodes' journals, in the kernel; the simulator checks S1
 *    itself.  With a mutant (scenario "mutant NAME"), the kernel must
 *    break it and the simulator must report S1 in some seed (and nothing
 *    else in any); without, neither may.
 *  - the library's judge of S1-S5 (dlmr_judge_*, what dlmctl recover
 *    check --invariants runs) on the kernel's history merged on the host
 *    clock: no violation, but S1 alone with a mutant.
 *
 * TRACES_DIR is set by tests/meson.build.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dlmrecover.h"
#include "scenario.h"

#define NODES 33
#define EVMAX 256

/* One callback, the fields the kernel and the simulator must agree on. */
struct cbk {
	enum dlmr_event_type type;
	uint32_t nodeid;
	int slot;
	uint32_t generation;
	int our_slot;
	unsigned int num_slots;
	struct dlmr_slot slots[DLMR_SIM_NODES_MAX];
};

struct stream {
	unsigned int n;
	struct cbk ev[EVMAX];
};

static bool is_callback(enum dlmr_event_type t)
{
	return t == DLMR_EV_PREP || t == DLMR_EV_SLOT || t == DLMR_EV_DONE;
}

static void keep(struct stream *s, const struct dlmr_event *ev)
{
	struct cbk *c;

	assert_true(s->n < EVMAX);
	c = &s->ev[s->n++];
	memset(c, 0, sizeof(*c));
	c->type = ev->type;
	if (ev->type == DLMR_EV_SLOT) {
		c->nodeid = ev->nodeid;
		c->slot = ev->slot;
	} else if (ev->type == DLMR_EV_DONE) {
		c->generation = ev->generation;
		c->our_slot = ev->our_slot;
		assert_true(ev->num_slots <= DLMR_SIM_NODES_MAX);
		c->num_slots = ev->num_slots;
		memcpy(c->slots, ev->slots, ev->num_slots * sizeof(c->slots[0]));
	}
}

/* " gen G our_slot S [ nodeid:slot ... ]" */
static void done_text(char *buf, size_t len, uint32_t generation,
		      int our_slot, const struct dlmr_slot *slots,
		      unsigned int n)
{
	size_t off = (size_t)snprintf(buf, len, " gen %u our_slot %d [",
				      generation, our_slot);

	for (unsigned int i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, " %u:%d",
					slots[i].nodeid, slots[i].slot);
	if (off < len)
		snprintf(buf + off, len - off, " ]");
}

static void describe(const struct cbk *c, char *buf, size_t len)
{
	size_t off;

	switch (c->type) {
	case DLMR_EV_PREP:
		snprintf(buf, len, "prep");
		break;
	case DLMR_EV_SLOT:
		snprintf(buf, len, "slot nodeid %u slot %d", c->nodeid, c->slot);
		break;
	default:
		off = (size_t)snprintf(buf, len, "done");
		if (off < len)
			done_text(buf + off, len - off, c->generation,
				  c->our_slot, c->slots, c->num_slots);
		break;
	}
}

/* ---- the kernel's side ---------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct dlmr_scenario *load_scenario(const char *path)
{
	char *text = slurp(path), err[512];
	struct dlmr_scenario *sc;

	if (!text)
		fail_msg("%s: %s", path, strerror(errno));
	if (dlmr_scenario_parse(text, path, &sc, err, sizeof(err)))
		fail_msg("%s", err);
	free(text);
	return sc;
}

/*
 * Read one node's trace file: every line must parse, be the node's, and
 * keep the callback-ordering contract; @fn gets each event and its line.
 */
static void read_trace(const char *path, uint32_t node,
		       void (*fn)(const struct dlmr_event *ev,
				  unsigned int lineno, void *arg),
		       void *arg)
{
	char *text = slurp(path), *line, *next, err[256];
	struct dlmr_event *ev = malloc(sizeof(*ev));
	struct dlmr_contract *c;
	unsigned int lineno = 0;

	assert_non_null(text);
	assert_non_null(ev);
	assert_int_equal(dlmr_contract_new(&c), 0);
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (dlmr_trace_parse(line, ev, err, sizeof(err)))
			fail_msg("%s:%u: %s", path, lineno, err);
		if (ev->node != node)
			fail_msg("%s:%u: node %u in node%u's trace", path,
				 lineno, ev->node, node);
		if (dlmr_contract_feed(c, ev) != 0)
			fail_msg("%s:%u: kernel trace breaks the contract: %s",
				 path, lineno, dlmr_contract_reason(c));
		fn(ev, lineno, arg);
	}
	assert_true(lineno > 0);
	dlmr_contract_free(c);
	free(ev);
	free(text);
}

static void keep_callback(const struct dlmr_event *ev, unsigned int lineno,
			  void *arg)
{
	(void)lineno;
	if (is_callback(ev->type))
		keep(arg, ev);
}

/* Read nodeN.jsonl: its callbacks. */
static void read_kernel(const char *path, uint32_t node, struct stream *s)
{
	read_trace(path, node, keep_callback, s);
	assert_true(s->n > 0);
}

/* ---- the simulator's side --------------------------------------------- */

struct simrec {
	struct stream node[NODES];
};

static void on_event(const struct dlmr_event *ev, void *arg)
{
	struct simrec *r = arg;

	if (ev->node < 1 || ev->node >= NODES)
		return;
	/* a (re)joining node starts a new trace, as a booted VM does */
	if (ev->type == DLMR_EV_JOIN)
		r->node[ev->node].n = 0;
	if (is_callback(ev->type))
		keep(&r->node[ev->node], ev);
}

static void compare(const char *scen, uint64_t seed, uint32_t node,
		    const struct stream *k, const struct stream *s)
{
	char a[512], b[512];
	unsigned int i;

	for (i = 0; i < k->n && i < s->n; i++) {
		if (!memcmp(&k->ev[i], &s->ev[i], sizeof(k->ev[i])))
			continue;
		describe(&k->ev[i], a, sizeof(a));
		describe(&s->ev[i], b, sizeof(b));
		fail_msg("%s seed %llu node %u event %u: kernel '%s', "
			 "simulator '%s'", scen, (unsigned long long)seed,
			 node, i + 1, a, b);
	}
	if (k->n != s->n) {
		describe(i < k->n ? &k->ev[i] : &s->ev[i], a, sizeof(a));
		fail_msg("%s seed %llu node %u: kernel %u callbacks, simulator "
			 "%u (first extra: %s on the %s side)", scen,
			 (unsigned long long)seed, node, k->n, s->n, a,
			 i < k->n ? "kernel" : "simulator");
	}
}

static void replay_dir(const char *dir, const char *name)
{
	char path[4096];
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	struct simrec *rec = malloc(sizeof(*rec));
	struct stream *kern = calloc(NODES, sizeof(*kern));
	bool have[NODES] = { false };
	unsigned int nodes_with_trace = 0;

	assert_non_null(res);
	assert_non_null(rec);
	assert_non_null(kern);
	snprintf(path, sizeof(path), "%s/%s/scenario.scn", dir, name);
	sc = load_scenario(path);

	for (uint32_t n = 1; n < NODES; n++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/node%u.jsonl", dir, name, n);
		f = fopen(path, "r");
		if (!f)
			continue;
		fclose(f);
		read_kernel(path, n, &kern[n]);
		have[n] = true;
		nodes_with_trace++;
	}
	assert_true(nodes_with_trace >= 2);

	for (uint64_t seed = 1; seed <= 10; seed++) {
		int r;

		memset(rec, 0, sizeof(*rec));
		r = dlmr_sim_run(sc, seed, on_event, rec, res);
		if (r)
			fail_msg("%s seed %llu: simulation failed (%d): %s", name,
				 (unsigned long long)seed, r, res->violation);
		for (uint32_t n = 1; n < NODES; n++)
			if (have[n])
				compare(name, seed, n, &kern[n], &rec->node[n]);
	}
	dlmr_scenario_free(sc);
	free(kern);
	free(rec);
	free(res);
}

/* ==== the engine on the real DLM (<scenario>/engine/) ===================== */

#define EBOOTS 8          /* boots of one node in one history */
#define EFILES 16         /* node<N>.b<B>.jsonl: B = 1..EFILES */
#define ETABLE 8          /* slot table entries kept (the lab: <= 8 nodes) */
#define EEPOCHS 64        /* epochs of one boot */
#define EGENS 64          /* generations of one history */
#define ESEEDS 20         /* simulator runs per engine history */
/* the lab's host clock is good to about 125 us per node (labclock) */
#define CLOCK_SLACK_NS 1000000ull

/* One event as the projections see it: every field but detail, seq and
 * step; time_ns (the kernel's, host clock) is kept but never compared. */
struct pev {
	uint8_t type;       /* enum dlmr_event_type */
	uint8_t res;        /* 0, or 1 control, 2 mounted, 3 journal */
	uint8_t flags;      /* enum dlmr_lkf */
	uint8_t first;
	int8_t mode;
	uint8_t nslots;
	int16_t jid;
	int16_t slot;
	int16_t our_slot;
	int32_t status;
	uint32_t nodeid;
	uint32_t generation;
	struct dlmr_slot slots[ETABLE];
	uint64_t time_ns;
};

struct seq {
	struct pev *ev;
	unsigned int n, cap;
};

struct boot {
	struct seq s;
	bool crashed;       /* killed (kernel: crash.jsonl; simulator: crash) */
	bool left;          /* its last event is leave */
	bool cut;           /* crashed at a point scheduling decides */
};

/* One engine history: the kernel's (from the files) or one simulator run. */
struct ehist {
	unsigned int nboots[NODES];
	struct boot b[NODES][EBOOTS];
	bool violated;
	char violation[DLMR_DETAIL_MAX];
};

static bool is_lockop(unsigned int t)
{
	return t == DLMR_EV_LOCK || t == DLMR_EV_UNLOCK;
}

static bool is_lockev(unsigned int t)
{
	return t == DLMR_EV_LOCK || t == DLMR_EV_GRANT ||
	       t == DLMR_EV_AGAIN || t == DLMR_EV_UNLOCK;
}

static void seq_push(struct seq *q, const struct pev *p)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->ev = realloc(q->ev, q->cap * sizeof(*q->ev));
		assert_non_null(q->ev);
	}
	q->ev[q->n++] = *p;
}

static void hist_free(struct ehist *h)
{
	for (unsigned int n = 0; n < NODES; n++)
		for (unsigned int b = 0; b < EBOOTS; b++)
			free(h->b[n][b].s.ev);
	memset(h, 0, sizeof(*h));
}

static void pev_of(const struct dlmr_event *e, struct pev *p)
{
	memset(p, 0, sizeof(*p));
	p->type = (uint8_t)e->type;
	p->jid = -1;
	p->mode = DLMR_MODE_IV;
	p->time_ns = e->time_ns;
	if (is_lockev(e->type)) {
		assert_non_null(e->resource);
		p->res = !strcmp(e->resource, "control") ? 1 :
			 !strcmp(e->resource, "mounted") ? 2 : 3;
		if (p->res == 3)
			p->jid = (int16_t)e->jid;
		p->mode = (int8_t)e->mode;
		p->flags = (uint8_t)e->flags;
	}
	switch (e->type) {
	case DLMR_EV_SLOT:
		p->nodeid = e->nodeid;
		p->slot = (int16_t)e->slot;
		break;
	case DLMR_EV_DONE:
		if (e->num_slots > ETABLE)
			fail_msg("a done with %u slots: ETABLE is %d",
				 e->num_slots, ETABLE);
		p->generation = e->generation;
		p->our_slot = (int16_t)e->our_slot;
		p->nslots = (uint8_t)e->num_slots;
		memcpy(p->slots, e->slots, e->num_slots * sizeof(p->slots[0]));
		break;
	case DLMR_EV_AGAIN:
	case DLMR_EV_RECOVERED:
	case DLMR_EV_UNMOUNTED:
		p->status = e->status;
		if (e->type != DLMR_EV_RECOVERED)
			break;
		/* fall through */
	case DLMR_EV_RECOVER:
		p->jid = (int16_t)e->jid;
		break;
	case DLMR_EV_MOUNTED:
		p->jid = (int16_t)e->jid;
		p->first = e->first;
		break;
	default:
		break;
	}
}

static bool pev_same(const struct pev *a, const struct pev *b)
{
	return a->type == b->type && a->res == b->res &&
	       a->flags == b->flags && a->first == b->first &&
	       a->mode == b->mode && a->jid == b->jid && a->slot == b->slot &&
	       a->our_slot == b->our_slot && a->status == b->status &&
	       a->nodeid == b->nodeid && a->generation == b->generation &&
	       a->nslots == b->nslots &&
	       !memcmp(a->slots, b->slots, a->nslots * sizeof(a->slots[0]));
}

/* "grant control EX []", "recovered 2 status 1", "done gen 3 ..." */
static void pev_text(const struct pev *p, char *buf, size_t len)
{
	static const char *const res[] = { "", "control", "mounted", "journal" };
	static const char *const modes[] = { "NL", "CR", "CW", "PR", "PW", "EX" };
	const char *name = dlmr_event_name((enum dlmr_event_type)p->type);
	size_t off;

	off = (size_t)snprintf(buf, len, "%s", name ? name : "?");
	if (is_lockev(p->type)) {
		off += (size_t)snprintf(buf + off, len - off, " %s", res[p->res]);
		if (p->res == 3 && off < len)
			off += (size_t)snprintf(buf + off, len - off, " %d", p->jid);
		if (p->mode >= 0 && p->mode <= 5 && off < len)
			off += (size_t)snprintf(buf + off, len - off, " %s",
						modes[p->mode]);
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, " [%s%s%s]",
				p->flags & DLMR_LKF_NOQUEUE ? " NOQUEUE" : "",
				p->flags & DLMR_LKF_CONVERT ? " CONVERT" : "",
				p->flags & DLMR_LKF_VALBLK ? " VALBLK" : "");
	}
	if (off >= len)
		return;
	switch (p->type) {
	case DLMR_EV_SLOT:
		snprintf(buf + off, len - off, " nodeid %u slot %d", p->nodeid,
			 p->slot);
		break;
	case DLMR_EV_DONE:
		done_text(buf + off, len - off, p->generation, p->our_slot,
			  p->slots, p->nslots);
		break;
	case DLMR_EV_AGAIN:
	case DLMR_EV_UNMOUNTED:
		if (p->status)
			snprintf(buf + off, len - off, " status %d", p->status);
		break;
	case DLMR_EV_RECOVER:
		snprintf(buf + off, len - off, " %d", p->jid);
		break;
	case DLMR_EV_RECOVERED:
		snprintf(buf + off, len - off, " %d status %d", p->jid,
			 p->status);
		break;
	case DLMR_EV_MOUNTED:
		snprintf(buf + off, len - off, " jid %d first %d", p->jid,
			 p->first);
		break;
	default:
		break;
	}
}

/* ---- the two histories ------------------------------------------------- */

/* One engine boot's events: it starts with join, has no other, and every
 * event has a time (the host clock). */
struct engine_file {
	const char *path;
	struct boot *b;
};

static void keep_engine(const struct dlmr_event *ev, unsigned int lineno,
			void *arg)
{
	struct engine_file *f = arg;
	struct pev p;

	if ((lineno == 1) != (ev->type == DLMR_EV_JOIN))
		fail_msg("%s:%u: %s: a boot's trace has one join, first",
			 f->path, lineno, dlmr_event_name(ev->type));
	if (!ev->time_ns)
		fail_msg("%s:%u: no time_ns", f->path, lineno);
	pev_of(ev, &p);
	seq_push(&f->b->s, &p);
}

static void read_engine_file(const char *path, uint32_t node, struct boot *b)
{
	struct engine_file f = { path, b };

	read_trace(path, node, keep_engine, &f);
	b->left = b->s.ev[b->s.n - 1].type == DLMR_EV_LEAVE;
}

/* node<N>.b<B>.jsonl in boot order, then crash.jsonl (host clock): a
 * crash belongs to the victim's last boot that began before it. */
static void read_engine_kernel(const char *edir, struct ehist *h)
{
	char path[4096], err[256], *text, *line, *next;
	struct dlmr_event *ev = malloc(sizeof(*ev));
	unsigned int files = 0;

	assert_non_null(ev);
	for (uint32_t n = 1; n < NODES; n++) {
		for (unsigned int b = 1; b <= EFILES; b++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/node%u.b%u.jsonl", edir,
				 n, b);
			f = fopen(path, "r");
			if (!f)
				continue;
			fclose(f);
			if (h->nboots[n] == EBOOTS)
				fail_msg("%s: more than %d boots", path, EBOOTS);
			read_engine_file(path, n, &h->b[n][h->nboots[n]++]);
			files++;
		}
	}
	if (files < 2)
		fail_msg("%s: %u node traces, expected at least 2", edir, files);
	snprintf(path, sizeof(path), "%s/crash.jsonl", edir);
	text = slurp(path);
	for (line = text; line && *line; line = next) {
		struct boot *victim = NULL;
		uint32_t v;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (dlmr_trace_parse(line, ev, err, sizeof(err)))
			fail_msg("%s: %s", path, err);
		v = ev->node;
		if (ev->type != DLMR_EV_CRASH || v < 1 || v >= NODES)
			fail_msg("%s: not a crash of a node: %s", path, line);
		for (unsigned int b = 0; b < h->nboots[v]; b++)
			if (h->b[v][b].s.ev[0].time_ns <= ev->time_ns)
				victim = &h->b[v][b];
		if (!victim)
			fail_msg("%s: node %u crashed before any boot of it",
				 path, v);
		if (victim->s.ev[victim->s.n - 1].time_ns > ev->time_ns)
			fail_msg("%s: node %u's trace goes on after its crash",
				 path, v);
		victim->crashed = true;
	}
	free(text);
	free(ev);
}

static void on_engine_event(const struct dlmr_event *ev, void *arg)
{
	struct ehist *h = arg;
	uint32_t n = ev->node;
	struct boot *b;
	struct pev p;

	if (ev->type == DLMR_EV_VIOLATION) {
		if (!h->violated)
			snprintf(h->violation, sizeof(h->violation), "%s",
				 ev->detail);
		h->violated = true;
		return;
	}
	if (n < 1 || n >= NODES)
		return;
	if (ev->type == DLMR_EV_JOIN) {
		assert_true(h->nboots[n] < EBOOTS);
		h->nboots[n]++;
	}
	assert_true(h->nboots[n] > 0);
	b = &h->b[n][h->nboots[n] - 1];
	if (ev->type == DLMR_EV_CRASH) {
		b->crashed = true;
		return;
	}
	pev_of(ev, &p);
	seq_push(&b->s, &p);
	b->left = ev->type == DLMR_EV_LEAVE;
}

/* ---- projections ---------------------------------------------------------- */

/* Where one comparison stands, for the messages. */
struct ectx {
	const char *name;
	uint64_t seed;
	uint32_t node;
	unsigned int boot;
	/* figures for the summary line */
	unsigned int mounts, epochs, attempts_k_max, attempts_s_max;
};

/*
 * The mount attempts of control_mount(): each starts with control_lock EX
 * NOQUEUE; an attempt that fails (refused, or the value block says wait)
 * goes back to NL, sleeps 500 ms and tries again.  Only the last one
 * counts: drop the lock traffic of the others, from the first attempt to
 * the last one.  @ans: which stream (the answers, else the requests).
 */
static bool attempt_start(const struct pev *p, bool ans)
{
	if (p->res != 1 || p->mode != DLMR_MODE_EX)
		return false;
	if (ans)
		return p->type == DLMR_EV_GRANT || p->type == DLMR_EV_AGAIN;
	return p->type == DLMR_EV_LOCK && (p->flags & DLMR_LKF_NOQUEUE);
}

static unsigned int collapse(struct seq *q, bool ans)
{
	unsigned int first = q->n, last = q->n, k = 0, attempts = 0;

	for (unsigned int i = 0; i < q->n; i++) {
		if (!attempt_start(&q->ev[i], ans))
			continue;
		if (first == q->n)
			first = i;
		last = i;
		attempts++;
	}
	for (unsigned int i = 0; i < q->n; i++) {
		const struct pev *p = &q->ev[i];

		if (i >= first && i < last && is_lockev(p->type) &&
		    p->res != 3)
			continue;
		q->ev[k++] = *p;
	}
	q->n = k;
	return attempts;
}

/*
 * The control lock once the mount is through control_mount(): the kernel
 * runs the control work that the join's done queued at once, and it
 * returns (no DFL_MOUNT_DONE yet, or DFL_FIRST_MOUNT), since a mount
 * takes 500 ms at least.  The simulator may fire it late: after
 * control_mount() set DFL_MOUNT_DONE it runs (control_lock EX, then NL)
 * while the mount checks its journal, and after the first mounter's
 * control_first_done() cleared DFL_FIRST_MOUNT it takes the control lock
 * from under it, whose conversion to NL then fails with -EBUSY and is
 * skipped (coord.c, "a place where a reader may disagree").  Drop the
 * control lock's events from the end of control_mount() on: in the lock
 * requests from its own journal lock, in the events from its unblock
 * (both come right after control_mount()'s last control lock event).
 */
static void drop_late_control(struct seq *q, bool evs)
{
	unsigned int k = 0;
	bool late = false;

	for (unsigned int i = 0; i < q->n; i++) {
		const struct pev *p = &q->ev[i];

		late |= evs ? p->type == DLMR_EV_UNBLOCK :
			      p->type == DLMR_EV_LOCK && p->res == 3;
		if (late && p->res == 1)
			continue;
		q->ev[k++] = *p;
	}
	q->n = k;
}

static void drop_work_runs(struct seq *ops, struct seq *evs)
{
	drop_late_control(ops, false);
	drop_late_control(evs, true);
}

/*
 * The two streams of events [from, to) of a boot.  The module records
 * lock and unlock when its ordered lock workqueue calls dlm_lock() and
 * dlm_unlock(), later than the engine asked; everything else (callbacks,
 * grants and refusals from the completion AST, the engine's other
 * actions) as it happens, under the lock that feeds the engine.  So the
 * order within each stream is the engine's, the interleaving of the two
 * is not: they are compared separately.  Stream "ops": lock, unlock;
 * stream "events": the rest.  @cb: keep prep/slot/done (else only the
 * first event's, the join's done, is kept).
 */
static void streams(const struct seq *q, unsigned int from, unsigned int to,
		    bool cb, struct seq *ops, struct seq *evs)
{
	bool done_seen = false;

	ops->n = evs->n = 0;
	for (unsigned int i = from; i < to; i++) {
		const struct pev *p = &q->ev[i];

		if (is_lockop(p->type)) {
			seq_push(ops, p);
			continue;
		}
		if (!cb && (p->type == DLMR_EV_PREP || p->type == DLMR_EV_SLOT ||
			    (p->type == DLMR_EV_DONE && done_seen)))
			continue;
		done_seen |= p->type == DLMR_EV_DONE;
		seq_push(evs, p);
	}
}

static void callbacks(const struct seq *q, unsigned int from, unsigned int to,
		      struct seq *out)
{
	out->n = 0;
	for (unsigned int i = from; i < to; i++) {
		unsigned int t = q->ev[i].type;

		if (t == DLMR_EV_PREP || t == DLMR_EV_SLOT || t == DLMR_EV_DONE)
			seq_push(out, &q->ev[i]);
	}
}

/* The control work's conversion to NL writes the value block (VALBLK)
 * only on the node whose work runs first after a recovery: which one is
 * scheduling, so the flag is not compared there (cross_node() counts the
 * writers instead). */
static void erase_work_valblk(struct seq *ops)
{
	for (unsigned int i = 0; i < ops->n; i++) {
		struct pev *p = &ops->ev[i];

		if (p->type == DLMR_EV_LOCK && p->res == 1 &&
		    p->mode == DLMR_MODE_NL)
			p->flags &= (uint8_t)~DLMR_LKF_VALBLK;
	}
}

static void same_seq(const struct ectx *c, const char *what,
		     const struct seq *k, const struct seq *s)
{
	char a[256], b[256];
	unsigned int i;

	for (i = 0; i < k->n && i < s->n; i++) {
		if (pev_same(&k->ev[i], &s->ev[i]))
			continue;
		pev_text(&k->ev[i], a, sizeof(a));
		pev_text(&s->ev[i], b, sizeof(b));
		fail_msg("engine %s seed %llu node %u boot %u, %s, event %u: "
			 "kernel '%s', simulator '%s'", c->name,
			 (unsigned long long)c->seed, c->node, c->boot, what,
			 i + 1, a, b);
	}
	if (k->n != s->n) {
		pev_text(i < k->n ? &k->ev[i] : &s->ev[i], a, sizeof(a));
		fail_msg("engine %s seed %llu node %u boot %u, %s: kernel %u "
			 "events, simulator %u (first extra: '%s' on the %s "
			 "side)", c->name, (unsigned long long)c->seed, c->node,
			 c->boot, what, k->n, s->n, a,
			 i < k->n ? "kernel" : "simulator");
	}
}

/* Epoch k of a boot: from its join (k = 0) or its k-th prep to the next
 * prep.  Returns the count; start[count] is the end of the boot. */
static unsigned int epochs(const struct seq *q, unsigned int *start)
{
	unsigned int ne = 1;

	start[0] = 0;
	for (unsigned int i = 1; i < q->n; i++) {
		if (q->ev[i].type != DLMR_EV_PREP)
			continue;
		assert_true(ne < EEPOCHS);
		start[ne++] = i;
	}
	start[ne] = q->n;
	return ne;
}

static int find_type(const struct seq *q, unsigned int from, unsigned int to,
		     unsigned int type)
{
	for (unsigned int i = from; i < to; i++)
		if (q->ev[i].type == type)
			return (int)i;
	return -1;
}

/* Where the unmount begins: unmounted, or the release of the node's own
 * journal lock, which comes first in the engine's order (the module
 * records the unlock later); -1 if none before @to. */
static int unmount_start(const struct seq *q, unsigned int to, int mounted)
{
	int u = find_type(q, 0, to, DLMR_EV_UNMOUNTED);

	if (mounted < 0)
		return u;
	for (int i = mounted; i < (u < 0 ? (int)to : u); i++)
		if (q->ev[i].type == DLMR_EV_UNLOCK && q->ev[i].res == 3 &&
		    q->ev[i].jid == q->ev[mounted].jid)
			return i;
	return u;
}

/* What one side shows of one recovery (generation) across its nodes. */
struct gen_view {
	bool failure;             /* some epoch of it had recover_slot */
	unsigned int epochs;      /* epochs of it compared */
	unsigned int writers;     /* epochs whose control work wrote the lvb */
	unsigned int dirty[DLMR_SIM_NODES_MAX]; /* dirty replays per jid */
	uint64_t victims;         /* jids of the failed nodes (slot - 1) */
	uint64_t first_unblock;   /* kernel: the earliest survivor unblock */
	uint64_t last_dirty;      /* kernel: the last dirty replay's time */
};

/*
 * A recovery of a failure, as the projection sees it.  After its
 * unblock a survivor may still see the answer to a journal lock it asked
 * for before ("again": its control work runs once more, 1 s later, and
 * finds nothing to do) or replay a journal another survivor replayed
 * first (clean): gfs2 allows both, and which survivor gets them is
 * scheduling.  Nothing else may follow the unblock.
 */
struct fail_view {
	bool block_first;         /* the first protocol event is block */
	bool late;                /* something else after the unblock */
	unsigned int blocks, unblocks;
	bool foreign_journal;     /* touched a journal of no failed node */
	bool mounted;             /* a mounted or first_done in it */
};

static void fail_view(const struct seq *q, unsigned int from, unsigned int to,
		      uint64_t victims, struct fail_view *v)
{
	bool seen = false, unblocked = false;

	memset(v, 0, sizeof(*v));
	for (unsigned int i = from; i < to; i++) {
		const struct pev *p = &q->ev[i];
		unsigned int t = p->type;

		if (p->jid >= 0 && t != DLMR_EV_MOUNTED &&
		    (p->jid >= 64 || !(victims & (1ull << p->jid))))
			v->foreign_journal = true;
		if (t == DLMR_EV_PREP || t == DLMR_EV_SLOT || t == DLMR_EV_DONE ||
		    is_lockop(t))
			continue;
		if (!seen)
			v->block_first = t == DLMR_EV_BLOCK;
		seen = true;
		v->blocks += t == DLMR_EV_BLOCK;
		v->unblocks += t == DLMR_EV_UNBLOCK;
		v->mounted |= t == DLMR_EV_MOUNTED || t == DLMR_EV_FIRST_DONE;
		if (unblocked && t != DLMR_EV_GRANT && t != DLMR_EV_AGAIN &&
		    t != DLMR_EV_RECOVER &&
		    !(t == DLMR_EV_RECOVERED && p->status == 0))
			v->late = true;
		unblocked |= t == DLMR_EV_UNBLOCK;
	}
}

static void fail_view_text(const struct fail_view *v, char *buf, size_t len)
{
	snprintf(buf, len, "%u block, %u unblock, block %sfirst%s%s%s",
		 v->blocks, v->unblocks, v->block_first ? "" : "NOT ",
		 v->late ? ", more than lock answers or clean replays after "
		 "the unblock" : "",
		 v->foreign_journal ? ", a journal of no failed node" : "",
		 v->mounted ? ", a mount" : "");
}

static bool fail_view_ok(const struct fail_view *v)
{
	return v->blocks == 1 && v->unblocks == 1 && v->block_first &&
	       !v->late && !v->foreign_journal && !v->mounted;
}

/* Scratch streams of one comparison. */
struct scratch {
	struct seq ko, ke, so, se;
};

static void scratch_free(struct scratch *w)
{
	free(w->ko.ev);
	free(w->ke.ev);
	free(w->so.ev);
	free(w->se.ev);
}

static void gen_note(struct gen_view *g, const struct seq *q, unsigned int from,
		     unsigned int to)
{
	for (unsigned int i = from; i < to; i++) {
		const struct pev *p = &q->ev[i];

		if (p->type == DLMR_EV_RECOVERED && p->status == 1 &&
		    p->jid >= 0 && p->jid < DLMR_SIM_NODES_MAX) {
			g->dirty[p->jid]++;
			if (p->time_ns > g->last_dirty)
				g->last_dirty = p->time_ns;
		}
		if (p->type == DLMR_EV_SLOT && p->slot >= 1)
			g->victims |= 1ull << (p->slot - 1);
	}
}

/*
 * One boot of one node, kernel against simulator.  @violated: the
 * simulator stopped at an invariant violation (the mutant), so the last
 * epoch of every boot is cut short and is not compared.  Fills the
 * generation views of both sides.
 */
static void compare_boot(struct ectx *c, const struct boot *kb,
			 const struct boot *sb, bool violated,
			 struct gen_view *gk, struct gen_view *gs,
			 struct scratch *w)
{
	unsigned int sk[EEPOCHS + 1], ss[EEPOCHS + 1], ek, es, kept;
	unsigned int limk, lims, endk, ends, a;
	int mk, ms, uk, us;
	const struct seq *qk = &kb->s, *qs = &sb->s;

	if (kb->crashed != sb->crashed)
		fail_msg("engine %s seed %llu node %u boot %u: %s in the "
			 "kernel, %s in the simulator", c->name,
			 (unsigned long long)c->seed, c->node, c->boot,
			 kb->crashed ? "crashed" : "not crashed",
			 sb->crashed ? "crashed" : "not crashed");
	ek = epochs(qk, sk);
	es = epochs(qs, ss);
	/*
	 * Every recovery the node went through, with its callbacks, but two
	 * that end at a point that depends on scheduling: the last one of a
	 * victim that did not die quiescent (crash_points()), if it began
	 * with a prep, and in a run stopped by a violation (the mutant) the
	 * last one of every node still up.
	 */
	if (violated && !kb->crashed && !kb->left) {
		if (es > ek || es + 1 < ek)
			fail_msg("engine %s seed %llu node %u boot %u: kernel %u "
				 "preps, simulator %u before its violation",
				 c->name, (unsigned long long)c->seed, c->node,
				 c->boot, ek - 1, es - 1);
		kept = es - 1;
	} else {
		if (ek != es)
			fail_msg("engine %s seed %llu node %u boot %u: kernel %u "
				 "preps, simulator %u", c->name,
				 (unsigned long long)c->seed, c->node, c->boot,
				 ek - 1, es - 1);
		kept = ek - (kb->cut && ek > 1 ? 1 : 0);
	}
	for (unsigned int e = 0; e < kept; e++) {
		callbacks(qk, sk[e], sk[e + 1], &w->ke);
		callbacks(qs, ss[e], ss[e + 1], &w->se);
		same_seq(c, "recovery callbacks", &w->ke, &w->se);
	}
	limk = sk[kept];
	lims = ss[kept];

	/* (a) the mount: join to mounted, failed attempts dropped */
	mk = find_type(qk, 0, limk, DLMR_EV_MOUNTED);
	ms = find_type(qs, 0, lims, DLMR_EV_MOUNTED);
	if ((mk < 0) != (ms < 0))
		fail_msg("engine %s seed %llu node %u boot %u: mounted in the "
			 "%s only", c->name, (unsigned long long)c->seed,
			 c->node, c->boot, mk >= 0 ? "kernel" : "simulator");
	endk = mk >= 0 ? (unsigned int)mk + 1 : limk;
	ends = ms >= 0 ? (unsigned int)ms + 1 : lims;
	streams(qk, 0, endk, false, &w->ko, &w->ke);
	streams(qs, 0, ends, false, &w->so, &w->se);
	drop_work_runs(&w->ko, &w->ke);
	drop_work_runs(&w->so, &w->se);
	a = collapse(&w->ke, true);
	if (a > c->attempts_k_max)
		c->attempts_k_max = a;
	a = collapse(&w->se, true);
	if (a > c->attempts_s_max)
		c->attempts_s_max = a;
	collapse(&w->ko, false);
	collapse(&w->so, false);
	same_seq(c, "mount (events)", &w->ke, &w->se);
	same_seq(c, "mount (lock requests)", &w->ko, &w->so);
	c->mounts += mk >= 0;

	/* (b) every recovery after the mount, up to an unmount */
	uk = unmount_start(qk, limk, mk);
	us = unmount_start(qs, lims, ms);
	if ((uk < 0) != (us < 0))
		fail_msg("engine %s seed %llu node %u boot %u: unmounted in "
			 "the %s only", c->name, (unsigned long long)c->seed,
			 c->node, c->boot, uk >= 0 ? "kernel" : "simulator");
	for (unsigned int e = 1; mk >= 0 && ms >= 0 && e < kept; e++) {
		unsigned int fk = sk[e], tk = sk[e + 1], fs = ss[e], ts = ss[e + 1];
		int dk = find_type(qk, fk, tk, DLMR_EV_DONE);
		int ds = find_type(qs, fs, ts, DLMR_EV_DONE);
		bool failure = find_type(qk, fk, tk, DLMR_EV_SLOT) >= 0;
		struct gen_view *vk, *vs;
		uint32_t gen;

		if (fk < (unsigned int)mk || fs < (unsigned int)ms ||
		    (uk >= 0 && fk >= (unsigned int)uk))
			continue; /* mounting, or the unmount's own recovery */
		if (uk >= 0 && tk > (unsigned int)uk)
			tk = (unsigned int)uk;
		if (us >= 0 && ts > (unsigned int)us)
			ts = (unsigned int)us;
		gen = dk >= 0 ? qk->ev[dk].generation : 0;
		assert_true(gen < EGENS);
		assert_true((dk < 0) == (ds < 0));
		vk = &gk[gen];
		vs = &gs[gen];
		c->epochs++;
		if (!failure) {
			/* a member joined or left: exactly as in the kernel,
			 * but for who writes the value block */
			streams(qk, fk, tk, true, &w->ko, &w->ke);
			streams(qs, fs, ts, true, &w->so, &w->se);
			for (unsigned int i = 0; i < w->ko.n; i++)
				vk->writers += w->ko.ev[i].res == 1 &&
					       w->ko.ev[i].mode == DLMR_MODE_NL &&
					       (w->ko.ev[i].flags & DLMR_LKF_VALBLK);
			for (unsigned int i = 0; i < w->so.n; i++)
				vs->writers += w->so.ev[i].res == 1 &&
					       w->so.ev[i].mode == DLMR_MODE_NL &&
					       (w->so.ev[i].flags & DLMR_LKF_VALBLK);
			erase_work_valblk(&w->ko);
			erase_work_valblk(&w->so);
			same_seq(c, "recovery of a join or leave (events)",
				 &w->ke, &w->se);
			same_seq(c, "recovery of a join or leave (lock requests)",
				 &w->ko, &w->so);
		} else {
			/* a member failed: blocked at once, unblocked last,
			 * no journal but the failed nodes'; which survivor
			 * replays, and how often the control work runs, is
			 * scheduling (cross_node() checks the replays) */
			struct fail_view fvk, fvs;
			char a[160], b[160];
			int u;

			vk->failure = vs->failure = true;
			gen_note(vk, qk, fk, tk);
			gen_note(vs, qs, fs, ts);
			fail_view(qk, fk, tk, vk->victims, &fvk);
			fail_view(qs, fs, ts, vs->victims, &fvs);
			fail_view_text(&fvk, a, sizeof(a));
			fail_view_text(&fvs, b, sizeof(b));
			if (!fail_view_ok(&fvk) || !fail_view_ok(&fvs))
				fail_msg("engine %s seed %llu node %u boot %u, "
					 "recovery of generation %u: kernel: %s; "
					 "simulator: %s", c->name,
					 (unsigned long long)c->seed, c->node,
					 c->boot, gen, a, b);
			for (u = (int)tk - 1; u >= (int)fk; u--)
				if (qk->ev[u].type == DLMR_EV_UNBLOCK)
					break;
			if (u >= (int)fk && (!vk->first_unblock ||
					     qk->ev[u].time_ns < vk->first_unblock))
				vk->first_unblock = qk->ev[u].time_ns;
		}
		vk->epochs++;
		vs->epochs++;
	}

	/* (c) a clean leave: its unmount, its own prep, leave */
	if (kb->left != sb->left)
		fail_msg("engine %s seed %llu node %u boot %u: left in the %s "
			 "only", c->name, (unsigned long long)c->seed, c->node,
			 c->boot, kb->left ? "kernel" : "simulator");
	if (kb->left && uk >= 0 && us >= 0) {
		streams(qk, (unsigned int)uk, qk->n, true, &w->ko, &w->ke);
		streams(qs, (unsigned int)us, qs->n, true, &w->so, &w->se);
		same_seq(c, "leave (events)", &w->ke, &w->se);
		same_seq(c, "leave (lock requests)", &w->ko, &w->so);
	}
}

/* The state a node ended in: "down", "left", or mounted/blocked. */
static void final_state(const struct ehist *h, uint32_t n, char *buf,
			size_t len)
{
	const struct boot *b;
	int jid = -2, first = 0, blocked = 0;

	if (!h->nboots[n]) {
		snprintf(buf, len, "never up");
		return;
	}
	b = &h->b[n][h->nboots[n] - 1];
	if (b->crashed || b->left) {
		snprintf(buf, len, "%s", b->crashed ? "crashed" : "left");
		return;
	}
	for (unsigned int i = 0; i < b->s.n; i++) {
		const struct pev *p = &b->s.ev[i];

		if (p->type == DLMR_EV_MOUNTED) {
			jid = p->jid;
			first = p->first;
		} else if (p->type == DLMR_EV_UNMOUNTED) {
			jid = -2;
		} else if (p->type == DLMR_EV_BLOCK ||
			   p->type == DLMR_EV_UNBLOCK) {
			blocked = p->type == DLMR_EV_BLOCK;
		}
	}
	if (jid == -2)
		snprintf(buf, len, "up, not mounted, %sblocked",
			 blocked ? "" : "not ");
	else
		snprintf(buf, len, "mounted jid %d first %d, %sblocked", jid,
			 first, blocked ? "" : "not ");
}

/* Every recovery seen on both sides: the same replays of failed nodes'
 * journals, and one value block writer for a join or leave. */
static void cross_node(const struct ectx *c, const struct gen_view *gk,
		       const struct gen_view *gs)
{
	for (unsigned int g = 0; g < EGENS; g++) {
		const struct gen_view *k = &gk[g], *s = &gs[g];

		if (!k->epochs || !s->epochs)
			continue;
		if (!k->failure) {
			if (k->writers != 1 || s->writers != 1)
				fail_msg("engine %s seed %llu, recovery of "
					 "generation %u: the value block written "
					 "by %u control works in the kernel, %u "
					 "in the simulator (expected one)",
					 c->name, (unsigned long long)c->seed, g,
					 k->writers, s->writers);
			continue;
		}
		for (unsigned int j = 0; j < DLMR_SIM_NODES_MAX; j++) {
			unsigned int want = (k->victims >> j) & 1;

			if (k->dirty[j] == want && s->dirty[j] == want)
				continue;
			fail_msg("engine %s seed %llu, recovery of generation %u "
				 "(failed jids 0x%llx): journal %u replayed dirty "
				 "%u times in the kernel, %u in the simulator "
				 "(expected %u)", c->name,
				 (unsigned long long)c->seed, g,
				 (unsigned long long)k->victims, j, k->dirty[j],
				 s->dirty[j], want);
		}
	}
}

/*
 * S1 on the kernel's clock, the one invariant the projections cannot
 * see per node: no survivor unblocks before the failed nodes' journals
 * are replayed (its unblock more than CLOCK_SLACK_NS before the last
 * dirty replay).  Returns the first generation where one did, 0 if none.
 */
static unsigned int kernel_early_unblock(const struct gen_view *gk)
{
	for (unsigned int g = 0; g < EGENS; g++) {
		const struct gen_view *k = &gk[g];

		if (!k->failure || !k->first_unblock)
			continue;
		if (!k->last_dirty ||
		    k->first_unblock + CLOCK_SLACK_NS < k->last_dirty)
			return g;
	}
	return 0;
}

/*
 * Which kernel victims died at a point the scenario does not fix: one
 * killed by a trigger ("crash N at EVENT"), or by a plain crash that does
 * not follow a wait (after a mount, leave or step, or another crash).  A
 * plain crash after a wait kills a quiescent node: its trace is complete.
 * The crashes of a node in the scenario are its crashed boots in order.
 */
static void crash_points(const struct dlmr_scenario *sc, struct ehist *k)
{
	unsigned int next[NODES] = { 0 };
	bool quiet = true;

	for (unsigned int i = 0; i < sc->ncmds; i++) {
		const struct dlmr_scen_cmd *cmd = &sc->cmds[i];
		bool trigger = cmd->at != DLMR_EV_NONE || cmd->in_wait;

		if (cmd->op == DLMR_SCEN_WAIT) {
			quiet = true;
			continue;
		}
		if (cmd->op != DLMR_SCEN_CRASH) {
			quiet = false;
			continue;
		}
		for (uint32_t n = 1; n < NODES; n++) {
			if (!(cmd->nodes & (1ull << n)))
				continue;
			while (next[n] < k->nboots[n] && !k->b[n][next[n]].crashed)
				next[n]++;
			if (next[n] == k->nboots[n])
				fail_msg("%s:%u: node %u crashes here, but no more "
					 "of its boots in the traces crashed",
					 sc->name, cmd->line, n);
			k->b[n][next[n]++].cut = trigger || !quiet;
		}
		if (!trigger)
			quiet = false;
	}
}

static bool readable(const char *path);

/* ---- the judge (dlmctl recover check --invariants) ---------------------- */

/* One trace file's lines, for the merge. */
struct jfile {
	char *text;
	char **line;
	uint64_t *time_ns;
	unsigned int n, pos;
};

static void jfile_read(const char *path, struct jfile *f,
		       struct dlmr_event *ev)
{
	char err[256], *l, *next;

	memset(f, 0, sizeof(*f));
	f->text = slurp(path);
	assert_non_null(f->text);
	for (l = f->text; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		f->line = realloc(f->line, (f->n + 1) * sizeof(*f->line));
		f->time_ns = realloc(f->time_ns, (f->n + 1) * sizeof(*f->time_ns));
		assert_non_null(f->line);
		assert_non_null(f->time_ns);
		if (dlmr_trace_parse(l, ev, err, sizeof(err)))
			fail_msg("%s:%u: %s", path, f->n + 1, err);
		f->line[f->n] = l;
		f->time_ns[f->n++] = ev->time_ns;
	}
}

/*
 * The library's judge of S1-S5 on the kernel's history: every node's
 * trace and the crashes merged on the host clock (each file in its own
 * order, the first file on a tie, as dlmctl recover check --invariants
 * merges them).  Returns the violations; *only_s1: all of them are S1.
 */
static size_t judge_kernel(const char *edir, bool *only_s1)
{
	struct jfile *f = calloc(NODES * EFILES + 1, sizeof(*f));
	struct dlmr_event *ev = malloc(sizeof(*ev));
	struct dlmr_judge *j;
	char path[4096], err[256];
	unsigned int nf = 0;
	size_t count;

	assert_non_null(f);
	assert_non_null(ev);
	for (uint32_t n = 1; n < NODES; n++)
		for (unsigned int b = 1; b <= EFILES; b++) {
			snprintf(path, sizeof(path), "%s/node%u.b%u.jsonl", edir,
				 n, b);
			if (readable(path))
				jfile_read(path, &f[nf++], ev);
		}
	snprintf(path, sizeof(path), "%s/crash.jsonl", edir);
	if (readable(path))
		jfile_read(path, &f[nf++], ev);
	assert_int_equal(dlmr_judge_new(&j), 0);
	for (;;) {
		unsigned int best = nf;

		for (unsigned int i = 0; i < nf; i++)
			if (f[i].pos < f[i].n &&
			    (best == nf || f[i].time_ns[f[i].pos] <
			     f[best].time_ns[f[best].pos]))
				best = i;
		if (best == nf)
			break;
		if (dlmr_trace_parse(f[best].line[f[best].pos], ev, err,
				     sizeof(err)))
			fail_msg("%s", err);
		if (dlmr_judge_feed(j, ev, best, f[best].pos + 1) < 0)
			fail_msg("%s: the judge refused an event: %s", edir,
				 dlmr_judge_reason(j));
		f[best].pos++;
	}
	assert_true(dlmr_judge_finish(j) >= 0);
	count = dlmr_judge_count(j);
	*only_s1 = true;
	for (size_t i = 0; i < count; i++) {
		const struct dlmr_judge_violation *v = dlmr_judge_violation(j, i);

		print_message("%s: the judge: %s\n", edir, v->detail);
		*only_s1 &= v->invariant == 1;
	}
	dlmr_judge_free(j);
	for (unsigned int i = 0; i < nf; i++) {
		free(f[i].text);
		free(f[i].line);
		free(f[i].time_ns);
	}
	free(f);
	free(ev);
	return count;
}

/* Every boot of every node of @k against @s, then the final states and
 * the recoveries across nodes (not after a violation). */
static void compare_hist(struct ectx *c, const struct ehist *k,
			 const struct ehist *s, bool violated,
			 struct gen_view *gk, struct gen_view *gs,
			 struct scratch *w)
{
	char fk[96], fs[96];

	memset(gk, 0, EGENS * sizeof(*gk));
	memset(gs, 0, EGENS * sizeof(*gs));
	for (uint32_t n = 1; n < NODES; n++) {
		if (k->nboots[n] != s->nboots[n])
			fail_msg("engine %s seed %llu node %u: %u boots in the "
				 "kernel, %u in the simulator", c->name,
				 (unsigned long long)c->seed, n, k->nboots[n],
				 s->nboots[n]);
		c->node = n;
		for (unsigned int b = 0; b < k->nboots[n]; b++) {
			c->boot = b + 1;
			compare_boot(c, &k->b[n][b], &s->b[n][b], violated, gk,
				     gs, w);
		}
		if (violated)
			continue;
		final_state(k, n, fk, sizeof(fk));
		final_state(s, n, fs, sizeof(fs));
		if (strcmp(fk, fs))
			fail_msg("engine %s seed %llu node %u at the end: kernel "
				 "%s, simulator %s", c->name,
				 (unsigned long long)c->seed, n, fk, fs);
	}
	if (!violated)
		cross_node(c, gk, gs);
}

static void replay_engine(const char *dir, const char *name)
{
	char path[4096], edir[2048], self[512];
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	struct ehist *kern = calloc(1, sizeof(*kern));
	struct ehist *sim = calloc(1, sizeof(*sim));
	struct gen_view *gk = calloc(EGENS, sizeof(*gk));
	struct gen_view *gs = calloc(EGENS, sizeof(*gs));
	struct scratch w = { 0 };
	struct ectx c = { .name = name };
	unsigned int early, s1_seeds = 0;
	bool mutant;

	assert_non_null(res);
	assert_non_null(kern);
	assert_non_null(sim);
	assert_non_null(gk);
	assert_non_null(gs);
	snprintf(edir, sizeof(edir), "%s/%s/engine", dir, name);
	snprintf(path, sizeof(path), "%s/scenario.scn", edir);
	sc = load_scenario(path);
	mutant = sc->mutant != 0;
	/* the module's default fix (its status line: "fixes":
	 * "slot-from-table"), whether the scenario names it or not */
	assert_true(dlmr_fix_from_name("slot-from-table") > 0);
	sc->fixes |= 1u << dlmr_fix_from_name("slot-from-table");
	read_engine_kernel(edir, kern);
	crash_points(sc, kern);

	/* the kernel against itself (seed 0 in messages): its own recoveries
	 * have the shape the projections expect, and its clock says whether
	 * a survivor unblocked early */
	snprintf(self, sizeof(self), "%s (the kernel's history alone)", name);
	c.name = self;
	compare_hist(&c, kern, kern, false, gk, gs, &w);
	early = kernel_early_unblock(gk);
	c.name = name;
	c.mounts = c.epochs = 0;

	for (uint64_t seed = 1; seed <= ESEEDS; seed++) {
		int r;

		c.seed = seed;
		r = dlmr_sim_run(sc, seed, on_engine_event, sim, res);
		if (r < 0 || (r && !mutant))
			fail_msg("engine %s seed %llu: simulation failed (%d): %s",
				 name, (unsigned long long)seed, r,
				 res->violation);
		if (r && strncmp(res->violation, "S1:", 3))
			fail_msg("engine %s seed %llu: the mutant broke %s, "
				 "expected S1", name, (unsigned long long)seed,
				 res->violation);
		s1_seeds += r != 0;
		compare_hist(&c, kern, sim, r != 0, gk, gs, &w);
		hist_free(sim);
	}
	/* the library's judge on the real run: S1 for the mutant, nothing
	 * else anywhere */
	{
		bool only_s1;
		size_t v = judge_kernel(edir, &only_s1);

		if (mutant ? !v || !only_s1 : v != 0)
			fail_msg("engine %s: the judge found %zu violation%s "
				 "(%s) in the kernel's history; expected %s",
				 name, v, v == 1 ? "" : "s",
				 only_s1 ? "S1 only" : "not only S1",
				 mutant ? "S1" : "none");
	}
	/* the real run and the simulator agree on S1: the mutant breaks it
	 * in both (in some schedules of the simulator), nothing else does */
	if (mutant && (!early || !s1_seeds))
		fail_msg("engine %s (mutant): a survivor unblocked early in the "
			 "kernel: %s; S1 in the simulator in %u of %d seeds; "
			 "expected both", name, early ? "yes" : "no", s1_seeds,
			 ESEEDS);
	if (!mutant && early)
		fail_msg("engine %s: in the kernel, a survivor unblocked before "
			 "the failed nodes' journals were replayed (recovery of "
			 "generation %u)", name, early);
	print_message("engine %s: %d seeds, each %u mounts and %u recoveries "
		      "after them compared; control_mount attempts: kernel up "
		      "to %u, simulator up to %u\n", name, ESEEDS,
		      c.mounts / ESEEDS, c.epochs / ESEEDS, c.attempts_k_max,
		      c.attempts_s_max);
	if (mutant)
		print_message("engine %s: the mutant: a survivor unblocks early "
			      "in the kernel (generation %u), S1 in the "
			      "simulator in %u of %d seeds\n", name, early,
			      s1_seeds, ESEEDS);
	scratch_free(&w);
	hist_free(kern);
	dlmr_scenario_free(sc);
	free(kern);
	free(sim);
	free(gk);
	free(gs);
	free(res);
}

static bool readable(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f)
		fclose(f);
	return f != NULL;
}

static bool exists(const char *dir, const char *name, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, file);
	return readable(path);
}

static void test_every_recorded_scenario(void **state)
{
	const char *dir = getenv("TRACES_DIR");
	struct dirent *de;
	unsigned int count = 0, engines = 0;
	DIR *d;

	(void)state;
	assert_non_null(dir);
	d = opendir(dir);
	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (exists(dir, de->d_name, "scenario.scn")) {
			print_message("replaying %s\n", de->d_name);
			replay_dir(dir, de->d_name);
			count++;
		}
		if (exists(dir, de->d_name, "engine/scenario.scn")) {
			replay_engine(dir, de->d_name);
			engines++;
		}
	}
	closedir(d);
	/* cold, kill, rejoin, leave, double-cold, double */
	assert_true(count >= 6);
	/* the same and firstkill, mutant */
	assert_true(engines >= 8);
}

/* The comparison itself must be able to fail: a kernel stream with one
 * generation changed is told apart from the simulator's. */
static void test_mismatch_detected(void **state)
{
	struct stream a = { 0 }, b = { 0 };
	struct dlmr_event ev;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.type = DLMR_EV_DONE;
	ev.generation = 1;
	ev.our_slot = 1;
	ev.num_slots = 1;
	ev.slots[0].nodeid = 1;
	ev.slots[0].slot = 1;
	keep(&a, &ev);
	ev.generation = 2;
	keep(&b, &ev);
	assert_memory_not_equal(&a.ev[0], &b.ev[0], sizeof(a.ev[0]));
	ev.generation = 1;
	memset(&b, 0, sizeof(b));
	keep(&b, &ev);
	assert_memory_equal(&a.ev[0], &b.ev[0], sizeof(a.ev[0]));
}

/* One trace line into a sequence, for the projection tests. */
static void push_line(struct seq *q, const char *line)
{
	struct dlmr_event *ev = malloc(sizeof(*ev));
	char err[256];
	struct pev p;

	assert_non_null(ev);
	if (dlmr_trace_parse(line, ev, err, sizeof(err)))
		fail_msg("%s: %s", line, err);
	pev_of(ev, &p);
	seq_push(q, &p);
	free(ev);
}

#define L(ev) "{\"event\":\"" ev "\",\"node\":2,\"ls\":\"x\""
#define CTL(ev, mode, fl) L(ev) ",\"resource\":\"control\",\"mode\":\"" mode \
	"\",\"flags\":[" fl "]"
#define MNT(ev, mode, fl) L(ev) ",\"resource\":\"mounted\",\"mode\":\"" mode \
	"\",\"flags\":[" fl "]"
#define JNL(ev, fl) L(ev) ",\"resource\":\"journal\",\"jid\":1,\"mode\":\"EX\"," \
	"\"flags\":[" fl "]"

/* The projections drop what they must and nothing else: a refused
 * attempt of control_mount() goes, the last one stays; a changed flag,
 * mode or status is seen; only the control work's VALBLK is erased. */
static void test_engine_projections(void **state)
{
	static const char *const one[] = {
		L("join") "}",
		CTL("grant", "NL", "") "}",
		MNT("grant", "NL", "") "}",
		CTL("grant", "EX", "") "}",
		MNT("again", "EX", "") ",\"status\":-11}",
		MNT("grant", "PR", "") "}",
		CTL("grant", "NL", "") "}",
		L("unblock") "}",
		L("mounted") ",\"jid\":1,\"first\":false}",
	};
	/* two attempts refused (the control lock, then the value block
	 * said wait), inserted before the last one */
	static const char *const failed[] = {
		CTL("again", "EX", "") ",\"status\":-11}",
		CTL("grant", "EX", "") "}",
		MNT("again", "EX", "") ",\"status\":-11}",
		MNT("grant", "PR", "") "}",
		CTL("grant", "NL", "") "}",
		MNT("grant", "NL", "") "}",
	};
	struct seq a = { 0 }, b = { 0 }, ops = { 0 }, evs = { 0 };
	struct ectx c = { .name = "test" };

	(void)state;
	for (size_t i = 0; i < DLMR_ARRAY_SIZE(one); i++)
		push_line(&a, one[i]);
	for (size_t i = 0; i < DLMR_ARRAY_SIZE(one); i++) {
		if (i == 3)
			for (size_t j = 0; j < DLMR_ARRAY_SIZE(failed); j++)
				push_line(&b, failed[j]);
		push_line(&b, one[i]);
	}
	assert_int_equal(collapse(&a, true), 1);
	assert_int_equal(collapse(&b, true), 3);
	same_seq(&c, "collapsed", &a, &b);
	/* a different answer in the last attempt is a difference */
	b.ev[4].type = DLMR_EV_GRANT;
	assert_false(pev_same(&a.ev[4], &b.ev[4]));
	b.ev[4].type = DLMR_EV_AGAIN;
	b.ev[4].status = -16;
	assert_false(pev_same(&a.ev[4], &b.ev[4]));
	b.ev[4].status = -11;
	assert_true(pev_same(&a.ev[4], &b.ev[4]));
	free(b.ev);
	memset(&b, 0, sizeof(b));

	/* a control work run after the mount took its journal lock goes too
	 * (before the attempts are collapsed: its EX grant is no attempt);
	 * @a gets the journal grant alone, @b the run after it too */
	free(a.ev);
	memset(&a, 0, sizeof(a));
	for (size_t i = 0; i < DLMR_ARRAY_SIZE(one); i++) {
		if (i == DLMR_ARRAY_SIZE(one) - 1) {
			push_line(&a, JNL("grant", "") "}");
			push_line(&b, JNL("grant", "") "}");
			push_line(&b, CTL("grant", "EX", "") "}");
			push_line(&b, CTL("grant", "NL", "") "}");
		}
		push_line(&a, one[i]);
		push_line(&b, one[i]);
	}
	push_line(&ops, CTL("lock", "NL", "\"CONVERT\"") "}");
	push_line(&ops, JNL("lock", "") "}");
	push_line(&ops, CTL("lock", "EX", "\"CONVERT\",\"VALBLK\"") "}");
	push_line(&ops, CTL("lock", "NL", "\"CONVERT\"") "}");
	drop_work_runs(&ops, &b);
	assert_int_equal(collapse(&b, true), 1);
	same_seq(&c, "work dropped", &a, &b);
	assert_int_equal(ops.n, 2);
	assert_int_equal(ops.ev[1].res, 3);
	free(b.ev);
	memset(&b, 0, sizeof(b));
	ops.n = 0;

	/* the streams: lock requests apart, callbacks after the join's
	 * done dropped from a mount; VALBLK erased on NL requests only */
	push_line(&b, L("join") "}");
	push_line(&b, L("done") ",\"generation\":2,\"our_slot\":2,\"slots\":"
		  "[{\"nodeid\":1,\"slot\":1},{\"nodeid\":2,\"slot\":2}]}");
	push_line(&b, CTL("lock", "EX", "\"CONVERT\",\"VALBLK\"") "}");
	push_line(&b, L("prep") "}");
	push_line(&b, CTL("lock", "NL", "\"CONVERT\",\"VALBLK\"") "}");
	push_line(&b, L("unlock") ",\"resource\":\"journal\",\"jid\":3,"
		  "\"flags\":[]}");
	streams(&b, 0, b.n, false, &ops, &evs);
	assert_int_equal(evs.n, 2);
	assert_int_equal(evs.ev[1].type, DLMR_EV_DONE);
	assert_int_equal(evs.ev[1].nslots, 2);
	assert_int_equal(ops.n, 3);
	erase_work_valblk(&ops);
	assert_int_equal(ops.ev[0].flags, DLMR_LKF_CONVERT | DLMR_LKF_VALBLK);
	assert_int_equal(ops.ev[1].flags, DLMR_LKF_CONVERT);
	assert_int_equal(ops.ev[2].jid, 3);
	streams(&b, 0, b.n, true, &ops, &evs);
	assert_int_equal(evs.n, 3);
	free(a.ev);
	free(b.ev);
	free(ops.ev);
	free(evs.ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mismatch_detected),
		cmocka_unit_test(test_engine_projections),
		cmocka_unit_test(test_every_recorded_scenario),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
