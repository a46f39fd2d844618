/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The callback-ordering contract of Linux 6.1 fs/dlm (recover_prep/slot/done). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dlmrecover.h"

struct fixture {
	struct dlmr_contract *c;
	struct dlmr_event ev;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || dlmr_contract_new(&f->c))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dlmr_contract_free(f->c);
	free(f);
	return 0;
}

static struct dlmr_event *ev_init(struct fixture *f, enum dlmr_event_type t,
				  uint32_t node, const char *ls)
{
	memset(&f->ev, 0, sizeof(f->ev));
	f->ev.type = t;
	f->ev.node = node;
	strcpy(f->ev.ls, ls);
	f->ev.jid = -1;
	return &f->ev;
}

static int feed_prep(struct fixture *f, uint32_t node, const char *ls)
{
	return dlmr_contract_feed(f->c, ev_init(f, DLMR_EV_PREP, node, ls));
}

static int feed_slot(struct fixture *f, uint32_t node, const char *ls,
		     uint32_t nodeid, int slot)
{
	struct dlmr_event *ev = ev_init(f, DLMR_EV_SLOT, node, ls);

	ev->nodeid = nodeid;
	ev->slot = slot;
	return dlmr_contract_feed(f->c, ev);
}

/* A done with the table given as nodeid, slot, ..., 0. */
static int feed_done(struct fixture *f, uint32_t node, const char *ls,
		     uint32_t gen, int our_slot, ...)
{
	struct dlmr_event *ev = ev_init(f, DLMR_EV_DONE, node, ls);
	va_list ap;
	uint32_t id;

	ev->generation = gen;
	ev->our_slot = our_slot;
	va_start(ap, our_slot);
	while ((id = va_arg(ap, uint32_t))) {
		ev->slots[ev->num_slots].nodeid = id;
		ev->slots[ev->num_slots].slot = va_arg(ap, int);
		ev->num_slots++;
	}
	va_end(ap);
	return dlmr_contract_feed(f->c, ev);
}

#define DONE(f, node, gen, our, ...) \
	feed_done(f, node, "gfs0", gen, our, __VA_ARGS__, 0u)

#define OK(expr)                                                         \
	do {                                                             \
		int r_ = (expr);                                         \
		if (r_ != 0)                                             \
			fail_msg("%s: %d (%s)", #expr, r_,               \
				 dlmr_contract_reason(f->c));            \
		assert_string_equal(dlmr_contract_reason(f->c), "");    \
	} while (0)

/* @expr returns @want (1 a violation, 2 a hazard) with a one-line
 * reason that contains @text. */
#define FLAGGED(expr, want, text)                                        \
	do {                                                             \
		int r_ = (expr);                                         \
		const char *why_ = dlmr_contract_reason(f->c);           \
		if (r_ != (want))                                        \
			fail_msg("%s: %d, expected %d", #expr, r_, (want)); \
		if (!strstr(why_, text))                                 \
			fail_msg("%s: reason \"%s\" lacks \"%s\"", #expr,   \
				 why_, text);                            \
		assert_null(strchr(why_, '\n'));                         \
	} while (0)
#define VIOLATION(expr, text) FLAGGED(expr, 1, text)
#define HAZARD(expr, text) FLAGGED(expr, 2, text)

/* Node 2 joins first, then 1, then 3 (slots by join order); node 2's view. */
static void join_three(struct fixture *f)
{
	OK(DONE(f, 2, 1, 1, 2u, 1));
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 2, 1, 1u, 2, 2u, 1));
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 3, 1, 1u, 2, 2u, 1, 3u, 3));
}

static void test_new_free(void **state)
{
	(void)state;
	assert_int_equal(dlmr_contract_new(NULL), -EINVAL);
	dlmr_contract_free(NULL);
	assert_string_equal(dlmr_contract_reason(NULL), "");
}

static void test_args(void **state)
{
	struct fixture *f = *state;
	struct dlmr_event *ev;

	assert_int_equal(dlmr_contract_feed(NULL, &f->ev), -EINVAL);
	assert_int_equal(dlmr_contract_feed(f->c, NULL), -EINVAL);
	ev = ev_init(f, DLMR_EV_DONE, 1, "gfs0");
	ev->num_slots = DLMR_SLOTS_MAX + 1;
	assert_int_equal(dlmr_contract_feed(f->c, ev), -EINVAL);
	ev = ev_init(f, DLMR_EV_PREP, 1, "gfs0");
	memset(ev->ls, 'a', sizeof(ev->ls));
	assert_int_equal(dlmr_contract_feed(f->c, ev), -EINVAL);
	assert_string_equal(dlmr_contract_reason(f->c), "");
}

/* Rule: the initial join gets done without prep. */
static void test_initial_join(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	VIOLATION(feed_prep(f, 1, "gfs0"),
		  "node 1 ls gfs0: prep before the initial done");
	/* validation goes on from the state after the event */
	OK(DONE(f, 1, 3, 2, 1u, 2, 2u, 1, 3u, 3));
}

/* Rule: the first callback is done; a slot before it is outside a window. */
static void test_slot_before_initial_done(void **state)
{
	struct fixture *f = *state;

	VIOLATION(feed_slot(f, 1, "gfs0", 2, 2),
		  "slot outside prep..done window (nodeid 2 slot 2)");
	OK(DONE(f, 1, 1, 1, 1u, 1));
}

/* Rule: prep only once per recovery (dlm_ls_stop). */
static void test_prep_once(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
	VIOLATION(feed_prep(f, 2, "gfs0"),
		  "prep repeated before done (last done generation 3)");
	/* the window goes on: 3 was already reported in it */
	VIOLATION(feed_slot(f, 2, "gfs0", 3, 3), "slot repeated in one recovery");
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1));
}

/* Rule: every done after the first follows a prep. */
static void test_done_needs_prep(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	VIOLATION(DONE(f, 2, 4, 1, 1u, 2, 2u, 1),
		  "done without prep (generation 4 after generation 3)");
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 5, 1, 1u, 2, 2u, 1));
}

/* A failure: prep, slot for the failed node with its slot, done. */
static void test_failure(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1));
	/* the node comes back and takes the lowest free slot */
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 5, 1, 1u, 2, 2u, 1, 3u, 3));
}

/*
 * A failure during an ongoing recovery restarts ls_recover without a
 * second prep; only the newly removed member gets a slot.
 */
static void test_failure_during_recovery(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
	/* 1 fails before done: restart, no prep, 3 is in ls_nodes_gone */
	OK(feed_slot(f, 2, "gfs0", 1, 2));
	OK(DONE(f, 2, 4, 1, 2u, 1));
}

/* Rule: slot only between prep and done. */
static void test_slot_outside_window(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	VIOLATION(feed_slot(f, 2, "gfs0", 3, 3),
		  "slot outside prep..done window (nodeid 3 slot 3)");
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
}

/* Rule: slot once per node per recovery (ls_nodes_gone). */
static void test_slot_once(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
	VIOLATION(feed_slot(f, 2, "gfs0", 3, 3),
		  "slot repeated in one recovery (nodeid 3 slot 3, first slot 3)");
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1));
	/* a new window starts clean */
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 1, 2));
}

/* Rule: never a slot for the observing node, nor for nodeid 0. */
static void test_slot_self(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	VIOLATION(feed_slot(f, 2, "gfs0", 2, 1),
		  "slot for the observing node (nodeid 2 slot 1)");
	VIOLATION(feed_slot(f, 2, "gfs0", 0, 1), "slot for nodeid 0 (slot 1)");
}

/* Rule: the slot is the one the node had in the last table. */
static void test_slot_value(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	VIOLATION(feed_slot(f, 2, "gfs0", 3, 2),
		  "slot 2 for nodeid 3, which had slot 3 (generation 3)");
	VIOLATION(feed_slot(f, 2, "gfs0", 1, -2),
		  "slot -2 for nodeid 1 (the kernel passes -1, 0 or a slot)");
}

/*
 * A member of the last table reported with slot -1 (an interrupted
 * dlm_recover_members_wait, docs/findings.md finding 7): a hazard, named
 * as such; validation goes on (the done that follows is checked, and a
 * second slot for the same node is still a repeat).
 */
static void test_slot_hazard(void **state)
{
	struct fixture *f = *state;
	char why[256];

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	HAZARD(feed_slot(f, 2, "gfs0", 1, -1),
	       "node 2 ls gfs0: nodeid 1 reported with slot -1: a kernel "
	       "without the slot fix (docs/findings.md, finding 7); gfs2 "
	       "would skip its journal (jid -2)");
	VIOLATION(feed_slot(f, 2, "gfs0", 1, -1), "slot repeated");
	HAZARD(feed_slot(f, 2, "gfs0", 3, 0), "nodeid 3 reported with slot 0");
	OK(DONE(f, 2, 4, 1, 2u, 1));
	VIOLATION(DONE(f, 2, 5, 1, 2u, 1), "done without prep");
	/* dlmr_event_hazard() on its own */
	f->ev.type = DLMR_EV_SLOT;
	f->ev.nodeid = 4;
	f->ev.slot = 0;
	assert_int_equal(dlmr_event_hazard(&f->ev, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "nodeid 4 reported with slot 0: a kernel "
			       "without the slot fix"));
	assert_non_null(strstr(why, "jid -1"));
	assert_int_equal(dlmr_event_hazard(&f->ev, NULL, 0), 1);
	f->ev.slot = 1;
	assert_int_equal(dlmr_event_hazard(&f->ev, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	f->ev.type = DLMR_EV_DONE;
	f->ev.slot = -1;
	assert_int_equal(dlmr_event_hazard(&f->ev, why, sizeof(why)), 0);
	assert_int_equal(dlmr_event_hazard(NULL, why, sizeof(why)), -EINVAL);
	assert_int_equal(dlmr_event_hazard(&f->ev, NULL, 4), -EINVAL);
}

/* A node added by an interrupted attempt and failed: nothing to compare. */
static void test_slot_unknown_node(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 4, 4));
	/* before it got one: slot 0 (dlm_add_member) or -1, both hazards */
	HAZARD(feed_slot(f, 2, "gfs0", 5, 0), "nodeid 5 reported with slot 0");
	HAZARD(feed_slot(f, 2, "gfs0", 6, -1), "nodeid 6 reported with slot -1");
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1, 3u, 3));
}

static void test_slot_limit(void **state)
{
	struct fixture *f = *state;
	uint32_t id;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	for (id = 100; id < 100 + DLMR_SLOTS_MAX; id++)
		OK(feed_slot(f, 2, "gfs0", id, 1));
	VIOLATION(feed_slot(f, 2, "gfs0", 1, 2), "more than 249 slots");
}

/* A clean leave: no slot, the node is gone from the next table. */
static void test_clean_leave(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1));
}

/* Removed and re-added in one cycle: in the next table, with a new slot. */
static void test_readded(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
	/* 1 leaves cleanly at the same time: 3 gets the lowest free, 2 */
	OK(DONE(f, 2, 4, 1, 2u, 1, 3u, 2));
}

/* Rule: generations strictly increase. */
static void test_generation(void **state)
{
	struct fixture *f = *state;

	VIOLATION(DONE(f, 1, 0, 1, 1u, 1),
		  "generation 0 not greater than previous 0");
	OK(feed_prep(f, 1, "gfs0"));
	OK(DONE(f, 1, 3, 1, 1u, 1, 2u, 2));
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(DONE(f, 1, 3, 1, 1u, 1),
		  "generation 3 not greater than previous 3");
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(DONE(f, 1, 2, 1, 1u, 1),
		  "generation 2 not greater than previous 3");
	OK(feed_prep(f, 1, "gfs0"));
	OK(DONE(f, 1, 7, 1, 1u, 1));
}

/* Rule: our_slot never changes once set (dlm_slots_copy_in). */
static void test_our_slot_fixed(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	VIOLATION(DONE(f, 2, 4, 3, 1u, 2, 2u, 3),
		  "our_slot changed from 1 to 3 (generation 4)");
}

/* Rule: the table contains the observing node with our_slot. */
static void test_table_has_us(void **state)
{
	struct fixture *f = *state;

	VIOLATION(DONE(f, 1, 1, 1, 2u, 1),
		  "observing node 1 missing from table (our_slot 1)");
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(DONE(f, 1, 2, 2, 1u, 1, 2u, 2),
		  "our_slot 2 but table gives nodeid 1 slot 1");
}

/* Rule: unique nodeids in nodeid order, slots >= 1 and unique. */
static void test_table_form(void **state)
{
	struct fixture *f = *state;
	struct dlmr_event *ev;

	VIOLATION(DONE(f, 1, 1, 1, 1u, 1, 1u, 2),
		  "duplicate nodeid 1 in table");
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(DONE(f, 1, 2, 1, 3u, 2, 1u, 1),
		  "table not in nodeid order (nodeid 1 after 3)");
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(DONE(f, 1, 3, 1, 1u, 1, 2u, 0),
		  "slot 0 < 1 for nodeid 2 in table");
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(DONE(f, 1, 4, 1, 1u, 1, 2u, 2, 5u, 2),
		  "slot 2 held by nodeids 2 and 5");
	OK(feed_prep(f, 1, "gfs0"));
	ev = ev_init(f, DLMR_EV_DONE, 1, "gfs0");
	ev->generation = 5;
	ev->our_slot = 1;
	ev->num_slots = 2;
	ev->slots[0] = (struct dlmr_slot){ 0, 2 };
	ev->slots[1] = (struct dlmr_slot){ 1, 1 };
	VIOLATION(dlmr_contract_feed(f->c, ev), "table entry 0 has nodeid 0");
}

/* Rule: a surviving member keeps its slot (dlm_slots_assign). */
static void test_survivor_keeps_slot(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	VIOLATION(DONE(f, 2, 4, 1, 1u, 3, 2u, 1, 3u, 2),
		  "nodeid 1 slot changed from 2 to 3 (generation 4)");
}

/* Streams are per (node, lockspace); other events are ignored. */
static void test_streams(void **state)
{
	struct fixture *f = *state;
	struct dlmr_event *ev;

	/* node 1 in two lockspaces, with different slots */
	OK(feed_done(f, 1, "a", 1, 1, 1u, 1, 0u));
	OK(feed_done(f, 2, "a", 2, 2, 1u, 1, 2u, 2, 0u));
	OK(feed_done(f, 2, "b", 1, 1, 2u, 1, 0u));
	VIOLATION(feed_prep(f, 1, "b"),
		  "node 1 ls b: prep before the initial done");
	OK(feed_prep(f, 1, "a"));
	OK(feed_prep(f, 2, "a"));
	ev = ev_init(f, DLMR_EV_LOCK, 1, "a");
	ev->resource = "control";
	OK(dlmr_contract_feed(f->c, ev));
	OK(dlmr_contract_feed(f->c, ev_init(f, DLMR_EV_UNBLOCK, 2, "a")));
	OK(feed_done(f, 1, "a", 3, 1, 1u, 1, 2u, 2, 0u));
	OK(feed_done(f, 2, "a", 3, 2, 1u, 1, 2u, 2, 0u));
	VIOLATION(feed_done(f, 2, "b", 2, 1, 2u, 1, 0u), "node 2 ls b: done "
		  "without prep");
}

/* A node that crashes or leaves and rejoins starts a new stream. */
static void test_rejoin(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(DONE(f, 3, 3, 3, 1u, 2, 2u, 1, 3u, 3));
	OK(dlmr_contract_feed(f->c, ev_init(f, DLMR_EV_CRASH, 3, "gfs0")));
	OK(feed_prep(f, 2, "gfs0"));
	OK(feed_slot(f, 2, "gfs0", 3, 3));
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1));
	/* 3 rejoins: initial done, no prep */
	OK(dlmr_contract_feed(f->c, ev_init(f, DLMR_EV_JOIN, 3, "gfs0")));
	OK(DONE(f, 3, 5, 3, 1u, 2, 2u, 1, 3u, 3));
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 5, 1, 1u, 2, 2u, 1, 3u, 3));
	/* without the crash/join, the same sequence is a violation */
	OK(dlmr_contract_feed(f->c, ev_init(f, DLMR_EV_LEAVE, 3, "gfs0")));
	OK(DONE(f, 3, 6, 3, 1u, 2, 2u, 1, 3u, 3));
	VIOLATION(DONE(f, 3, 7, 3, 1u, 2, 2u, 1, 3u, 3), "done without prep");
}

/* A watch started on a running lockspace: its first event has a kernel
 * sequence number above 1, and may be a prep, a slot or a done. */
static void test_midway(void **state)
{
	struct fixture *f = *state;
	struct dlmr_event *ev;

	ev = ev_init(f, DLMR_EV_PREP, 1, "gfs0");
	ev->seq = 7;
	OK(dlmr_contract_feed(f->c, ev));
	OK(feed_slot(f, 1, "gfs0", 2u, 2));
	OK(DONE(f, 1, 4, 1, 1u, 1, 3u, 3));
	/* from there on the rules hold */
	VIOLATION(DONE(f, 1, 5, 1, 1u, 1, 3u, 3), "done without prep");

	ev = ev_init(f, DLMR_EV_SLOT, 2, "gfs0");
	ev->seq = 3;
	ev->nodeid = 3;
	ev->slot = 3;
	OK(dlmr_contract_feed(f->c, ev));

	/* seq 1 is the lockspace's first event: the initial-join rule holds */
	ev = ev_init(f, DLMR_EV_PREP, 3, "gfs0");
	ev->seq = 1;
	VIOLATION(dlmr_contract_feed(f->c, ev), "prep before the initial done");
}

/* Feed @ev with kernel sequence number @seq. */
static int with_seq(struct fixture *f, uint64_t seq)
{
	f->ev.seq = seq;
	return dlmr_contract_feed(f->c, &f->ev);
}

static int lost(struct fixture *f, uint32_t node, const char *ls, bool snap,
		uint32_t gen, int our_slot, ...)
{
	struct dlmr_event *ev = ev_init(f, DLMR_EV_LOST, node, ls);
	va_list ap;
	uint32_t id;

	strcpy(ev->detail, "sequence gap");
	ev->seq = 2;
	ev->resynced = snap;
	if (snap) {
		ev->state = DLMR_LS_RUNNING;
		ev->resync_seq = 9;
		ev->generation = gen;
		ev->our_slot = our_slot;
	}
	va_start(ap, our_slot);
	while (snap && (id = va_arg(ap, uint32_t))) {
		ev->slots[ev->num_slots].nodeid = id;
		ev->slots[ev->num_slots].slot = va_arg(ap, int);
		ev->num_slots++;
	}
	va_end(ap);
	return dlmr_contract_feed(f->c, ev);
}

/* A lost event resets its stream from the snapshot it carries. */
static void test_lost_resync(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(feed_prep(f, 2, "gfs0"));
	/* lost: node 3's slot and the done of generation 4, then a new prep;
	 * the snapshot holds generation 4 without node 3 */
	OK(lost(f, 2, "gfs0", true, 4, 1, 1u, 2, 2u, 1, 0u));
	/* without the reset: "prep repeated before done" */
	OK(feed_prep(f, 2, "gfs0"));
	/* the snapshot's generation counts */
	VIOLATION(DONE(f, 2, 4, 1, 1u, 2, 2u, 1), "generation 4 not greater "
		  "than previous 4");
	OK(feed_prep(f, 2, "gfs0"));
	/* and its table: node 1 keeps slot 2 */
	VIOLATION(DONE(f, 2, 6, 1, 1u, 3, 2u, 1), "nodeid 1 slot changed "
		  "from 2 to 3");
	/* another lockspace's stream is not touched */
	OK(feed_done(f, 2, "other", 1, 1, 2u, 1, 0u));
	ev_init(f, DLMR_EV_PREP, 2, "other");
	OK(dlmr_contract_feed(f->c, &f->ev));
	OK(lost(f, 2, "gfs0", true, 7, 1, 1u, 2, 2u, 1, 0u));
	ev_init(f, DLMR_EV_PREP, 2, "other");
	VIOLATION(dlmr_contract_feed(f->c, &f->ev), "prep repeated before done");
}

/* Events lost mid-window: a member may have been re-added unseen. */
static void test_lost_partial_window(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(lost(f, 2, "gfs0", true, 3, 1, 1u, 2, 2u, 1, 3u, 3));
	/* node 3 failed and came back with slot 4 in the lost part */
	OK(DONE(f, 2, 4, 1, 1u, 2, 2u, 1, 3u, 4));
	/* a whole window seen again: slots are compared again */
	OK(feed_prep(f, 2, "gfs0"));
	VIOLATION(DONE(f, 2, 5, 1, 1u, 2, 2u, 1, 3u, 3), "nodeid 3 slot "
		  "changed from 4 to 3");
}

/* Without a snapshot nothing is known; lockspace "" means all of them. */
static void test_lost_no_snapshot(void **state)
{
	struct fixture *f = *state;

	join_three(f);
	OK(lost(f, 2, "gfs0", false, 0, 0));
	/* a re-created lockspace: generation 1 again, another slot */
	OK(DONE(f, 2, 1, 2, 1u, 1, 2u, 2));
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 1, 1, 1, 1u, 1));
	OK(lost(f, 2, "", false, 0, 0));
	/* node 2's stream was reset, node 1's not */
	OK(feed_prep(f, 2, "gfs0"));
	OK(DONE(f, 2, 1, 1, 2u, 1));
	OK(feed_prep(f, 1, "gfs0"));
	VIOLATION(feed_prep(f, 1, "gfs0"), "prep repeated before done");
}

/* The kernel numbers each instance of a lockspace from 1. */
static void test_seq_restart(void **state)
{
	struct fixture *f = *state;

	ev_init(f, DLMR_EV_DONE, 2, "gfs0");
	f->ev.generation = 5;
	f->ev.our_slot = 1;
	f->ev.num_slots = 1;
	f->ev.slots[0] = (struct dlmr_slot){ 2, 1 };
	OK(with_seq(f, 1));
	OK(feed_prep(f, 2, "gfs0"));
	f->ev.type = DLMR_EV_DONE;
	f->ev.generation = 6;
	f->ev.num_slots = 1;
	f->ev.our_slot = 1;
	f->ev.slots[0] = (struct dlmr_slot){ 2, 1 };
	OK(with_seq(f, 3));
	/* released and created again: seq 1, generation 1, a new slot */
	f->ev.generation = 1;
	f->ev.our_slot = 2;
	f->ev.slots[0] = (struct dlmr_slot){ 2, 2 };
	OK(with_seq(f, 1));
	/* but not without seq: a simulated trace */
	f->ev.seq = 0;
	VIOLATION(dlmr_contract_feed(f->c, &f->ev), "done without prep");
	/* and a restarted instance starts with a done */
	ev_init(f, DLMR_EV_PREP, 2, "gfs0");
	VIOLATION(with_seq(f, 1), "prep before the initial done");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_free),
		T(test_args),
		T(test_initial_join),
		T(test_midway),
		T(test_slot_before_initial_done),
		T(test_prep_once),
		T(test_done_needs_prep),
		T(test_failure),
		T(test_failure_during_recovery),
		T(test_slot_outside_window),
		T(test_slot_once),
		T(test_slot_self),
		T(test_slot_value),
		T(test_slot_hazard),
		T(test_slot_unknown_node),
		T(test_slot_limit),
		T(test_clean_leave),
		T(test_readded),
		T(test_generation),
		T(test_our_slot_fixed),
		T(test_table_has_us),
		T(test_table_form),
		T(test_survivor_keeps_slot),
		T(test_streams),
		T(test_rejoin),
		T(test_lost_resync),
		T(test_lost_partial_window),
		T(test_lost_no_snapshot),
		T(test_seq_restart),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
