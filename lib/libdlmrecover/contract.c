/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The callback-ordering contract: a validator of the order in which the
 * kernel DLM calls recover_prep, recover_slot and recover_done on one node
 * for one lockspace (struct dlm_lockspace_ops, include/linux/dlm.h).
 *
 * Every rule below cites the Linux 6.1 code it encodes.  In short, one
 * recovery of fs/dlm looks like this on every member:
 *
 *   dlm_ls_stop()          clears LSFL_RUNNING; calls recover_prep only if
 *                          it was set (fs/dlm/member.c)
 *   ls_recover()           (fs/dlm/recoverd.c)
 *     dlm_recover_members()  moves departed members to ls_nodes_gone and
 *                            calls recover_slot for each failed one
 *     dlm_recover_members_wait()  slots: dlm_slots_assign() on the lowest
 *                            nodeid, dlm_slots_copy_in() on the others
 *     ...lock recovery...; enable_locking() sets LSFL_RUNNING
 *   do_ls_recovery()       calls recover_done once ls_recover() returned 0
 *
 * A stop during ls_recover() makes it fail with -EINTR; the next start
 * runs ls_recover() again without a recover_prep (LSFL_RUNNING is already
 * clear) and without recover_slot for members already in ls_nodes_gone.
 * So the window between a prep and the next done may span several restarts.
 *
 * Known kernel corner cases that these rules report as violations, by
 * design (a lockspace user would have to cope with them):
 * - a stop after enable_locking() of a recovery that then fails with -EINTR
 *   in dlm_process_requestqueue() or dlm_recover_waiters_post() calls
 *   recover_prep a second time with no recover_done in between;
 *
 * Hazards (dlmr_contract_feed() returns 2, and validation goes on as if
 * the event were fine): what the kernel does, but lockspace users get
 * wrong.  A member of the last table that fails after
 * dlm_recover_members_wait() (fs/dlm/recover.c) set every memb->slot to
 * -1 and before dlm_slots_copy_in() filled them again is reported by the
 * restarted recovery with slot -1, and a member added by a recovery that
 * did not complete with slot 0 (dlm_add_member): gfs2's gdlm_recover_slot
 * skips the journal (jid -2) or writes before its arrays (jid -1), and
 * md-cluster faults (docs/findings.md, finding 7; dlmr_event_hazard()).
 * The series' kernel patch 0001 fixes both: the slot of the last slot
 * table, and no recover_slot for a member that was in none.
 *
 * Other corner cases reported as violations, by design:
 * - a member that is removed and re-added twice within one window gets two
 *   recover_slot calls; a member that leaves cleanly and rejoins within one
 *   window may come back with a different slot and no recover_slot.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum stream_state {
	/* no callback yet: the lockspace is being joined */
	ST_JOINING,
	/* between a done and the next prep: LSFL_RUNNING is set */
	ST_RUNNING,
	/* between a prep and the next done */
	ST_RECOVERY,
	/*
	 * the trace starts in the middle of the lockspace's life (its first
	 * event has a kernel sequence number above 1, e.g. dlmctl recover
	 * watch started on a running cluster): the state before it is
	 * unknown, so the first prep, slot or done is taken as it comes
	 */
	ST_MIDWAY,
};

/* The callbacks seen by one node for one lockspace. */
struct stream {
	uint32_t node;
	char ls[DLMR_LSNAME_MAX + 1];
	enum stream_state state;
	uint32_t generation;   /* of the last done, 0 before */
	int our_slot;          /* our_slot of the last done, 0 before */
	unsigned int num;      /* entries in table */
	struct dlmr_slot table[DLMR_SLOTS_MAX]; /* the last done's table */
	unsigned int num_gone; /* entries in gone */
	struct dlmr_slot gone[DLMR_SLOTS_MAX];  /* slot calls of this window */
	/*
	 * events of this window were lost (a lost event): members may have
	 * failed and been re-added unseen, so the table's slots are not
	 * compared at its done
	 */
	bool partial;
};

struct dlmr_contract {
	struct stream **streams;
	size_t num, cap;
	char reason[256];
};

DLMR_EXPORT int dlmr_contract_new(struct dlmr_contract **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

DLMR_EXPORT void dlmr_contract_free(struct dlmr_contract *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->num; i++)
		free(c->streams[i]);
	free(c->streams);
	free(c);
}

DLMR_EXPORT const char *dlmr_contract_reason(const struct dlmr_contract *c)
{
	return c ? c->reason : "";
}

static int violation(struct dlmr_contract *c, const struct stream *s,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int violation(struct dlmr_contract *c, const struct stream *s,
		     const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->reason, sizeof(c->reason), "node %u ls %s: ",
		     s->node, s->ls);
	if (n < 0 || (size_t)n >= sizeof(c->reason))
		return 1;
	va_start(ap, fmt);
	vsnprintf(c->reason + n, sizeof(c->reason) - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

static size_t stream_index(const struct dlmr_contract *c,
			   const struct dlmr_event *ev)
{
	size_t i;

	for (i = 0; i < c->num; i++) {
		if (c->streams[i]->node == ev->node &&
		    !strcmp(c->streams[i]->ls, ev->ls))
			return i;
	}
	return i;
}

static struct stream *stream_get(struct dlmr_contract *c,
				 const struct dlmr_event *ev)
{
	size_t i = stream_index(c, ev);
	struct stream *s;

	if (i < c->num)
		return c->streams[i];
	if (c->num == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct stream **p = realloc(c->streams, cap * sizeof(*p));

		if (!p)
			return NULL;
		c->streams = p;
		c->cap = cap;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->node = ev->node;
	strcpy(s->ls, ev->ls);
	s->state = ev->seq > 1 ? ST_MIDWAY : ST_JOINING;
	c->streams[c->num++] = s;
	return s;
}

/* Forget everything about @s: a new stream in @state. */
static void stream_reset(struct stream *s, enum stream_state state)
{
	uint32_t node = s->node;
	char ls[sizeof(s->ls)];

	strcpy(ls, s->ls);
	memset(s, 0, sizeof(*s));
	s->node = node;
	strcpy(s->ls, ls);
	s->state = state;
}

/*
 * A lost event (dlmctl recover watch; lib/libdlmrecover/kernel.c): the
 * events between the last one seen and the snapshot are unknown.  With a
 * snapshot, the stream goes on from it: its generation, our slot and table
 * are those of the last done before it, whose callbacks were before the
 * lost ones.  Its state is not used: the kernel reads LSFL_RUNNING for it
 * outside the lock that numbers the events, so a prep or a done may be
 * numbered after the snapshot yet already show in its state.  The next
 * prep, slot or done is taken as it comes (ST_MIDWAY), and the window it
 * opens or continues is partial.  Without a snapshot nothing is known.
 * A lost event for lockspace "" (an overrun before any event) concerns
 * every lockspace of its node.
 */
static int stream_lost(struct dlmr_contract *c, const struct dlmr_event *ev)
{
	struct stream *s;
	size_t i;

	if (!ev->ls[0]) {
		for (i = 0; i < c->num; i++) {
			if (c->streams[i]->node != ev->node)
				continue;
			stream_reset(c->streams[i], ST_MIDWAY);
			c->streams[i]->partial = true;
		}
		return 0;
	}
	s = stream_get(c, ev);
	if (!s)
		return -ENOMEM;
	stream_reset(s, ST_MIDWAY);
	s->partial = true;
	if (!ev->resynced)
		return 0;
	s->generation = ev->generation;
	s->our_slot = ev->our_slot > 0 ? ev->our_slot : 0;
	s->num = ev->num_slots;
	memcpy(s->table, ev->slots, ev->num_slots * sizeof(ev->slots[0]));
	return 0;
}

/*
 * The observing node joins, leaves or fails: its lockspace instance ends
 * (fs/dlm/lockspace.c release_lockspace; a new_lockspace starts with
 * ls_slot 0 and generation 0).  A rejoin starts again with an initial done.
 */
static void stream_end(struct dlmr_contract *c, const struct dlmr_event *ev)
{
	size_t i = stream_index(c, ev);

	if (i == c->num)
		return;
	free(c->streams[i]);
	c->streams[i] = c->streams[--c->num];
}

static const struct dlmr_slot *slot_find(const struct dlmr_slot *t,
					 unsigned int n, uint32_t nodeid)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (t[i].nodeid == nodeid)
			return &t[i];
	}
	return NULL;
}

static int check_prep(struct dlmr_contract *c, struct stream *s)
{
	enum stream_state was = s->state;

	/* a new window: no member has been reported failed in it yet */
	if (was != ST_RECOVERY) {
		s->num_gone = 0;
		s->partial = false;
	}
	s->state = ST_RECOVERY;

	/*
	 * fs/dlm/lockspace.c new_lockspace leaves LSFL_RUNNING clear until
	 * the first recovery's enable_locking() (fs/dlm/recoverd.c), so the
	 * dlm_ls_stop() of a joining lockspace calls no recover_prep: the
	 * initial join gets a recover_done without a recover_prep.
	 */
	if (was == ST_JOINING)
		return violation(c, s, "prep before the initial done "
				 "(the initial join has no prep)");
	/*
	 * fs/dlm/member.c dlm_ls_stop: "call recover_prep ops only once and
	 * not multiple times for each possible dlm_ls_stop() when recovery
	 * is already stopped" -- only the stop that clears LSFL_RUNNING
	 * calls it, and only enable_locking() of a recovery that then
	 * reaches recover_done sets it again.
	 */
	if (was == ST_RECOVERY)
		return violation(c, s, "prep repeated before done "
				 "(last done generation %u)", s->generation);
	return 0;
}

static int check_slot(struct dlmr_contract *c, struct stream *s,
		      const struct dlmr_event *ev)
{
	const struct dlmr_slot *had, *gone;

	/*
	 * fs/dlm/member.c dlm_recover_members calls dlm_lsop_recover_slot
	 * from ls_recover (fs/dlm/recoverd.c), which only runs after a
	 * dlm_ls_stop: inside the prep..done window.  A recover_slot before
	 * the first done is outside it too (the initial join has no prep).
	 */
	if (s->state == ST_MIDWAY)
		s->state = ST_RECOVERY; /* its prep came before the trace */
	if (s->state != ST_RECOVERY)
		return violation(c, s, "slot outside prep..done window "
				 "(nodeid %u slot %d)", ev->nodeid, ev->slot);
	if (!ev->nodeid)
		return violation(c, s, "slot for nodeid 0 (slot %d)", ev->slot);
	/*
	 * dlm_recover_members only removes members that are no longer in the
	 * lockspace's configuration; the observing node is always in it.
	 */
	if (ev->nodeid == s->node)
		return violation(c, s, "slot for the observing node "
				 "(nodeid %u slot %d)", ev->nodeid, ev->slot);
	/*
	 * dlm_recover_members moves a removed member to ls_nodes_gone, which
	 * only dlm_clear_members_gone() empties at the end of a successful
	 * ls_recover: a restarted recovery counts it as "prev removed member"
	 * and does not call recover_slot for it again.
	 */
	gone = slot_find(s->gone, s->num_gone, ev->nodeid);
	if (gone)
		return violation(c, s, "slot repeated in one recovery "
				 "(nodeid %u slot %d, first slot %d)",
				 ev->nodeid, ev->slot, gone->slot);
	/* at most max_slots members (dlm_slots_assign) can fail at once */
	if (s->num_gone == DLMR_SLOTS_MAX)
		return violation(c, s, "more than %d slots in one recovery "
				 "(nodeid %u slot %d)", DLMR_SLOTS_MAX,
				 ev->nodeid, ev->slot);
	s->gone[s->num_gone].nodeid = ev->nodeid;
	s->gone[s->num_gone].slot = ev->slot;
	s->num_gone++;

	/*
	 * dlm_lsop_recover_slot passes memb->slot as it is: -1 after an
	 * interrupted dlm_recover_members_wait(), 0 for a member added by a
	 * recovery that did not complete (dlm_add_member).  No other value
	 * below 1 exists.
	 */
	if (ev->slot < -1)
		return violation(c, s, "slot %d for nodeid %u (the kernel "
				 "passes -1, 0 or a slot)", ev->slot,
				 ev->nodeid);
	if (ev->slot < 1) {
		char why[200];

		dlmr_event_hazard(ev, why, sizeof(why));
		violation(c, s, "%s", why);
		return 2;
	}

	/*
	 * dlm_lsop_recover_slot passes memb->slot, which dlm_slots_copy_in /
	 * dlm_slots_assign set during the last completed recovery: the slot
	 * the node had in the last done table.  A node not in that table was
	 * added by an interrupted attempt of this window: nothing to compare,
	 * and its slot may be 0 (dlm_add_member) or -1.
	 */
	had = slot_find(s->table, s->num, ev->nodeid);
	if (had && had->slot != ev->slot)
		return violation(c, s, "slot %d for nodeid %u, which had slot %d "
				 "(generation %u)", ev->slot, ev->nodeid,
				 had->slot, s->generation);
	return 0;
}

/* The table of a done: the kernel's ls_nodes with their slots. */
static int check_table(struct dlmr_contract *c, struct stream *s,
		       const struct dlmr_event *ev)
{
	const struct dlmr_slot *t = ev->slots;
	unsigned int i, j;

	for (i = 0; i < ev->num_slots; i++) {
		if (!t[i].nodeid)
			return violation(c, s, "table entry %u has nodeid 0", i);
		/*
		 * fs/dlm/member.c dlm_lsop_recover_done walks ls_nodes, which
		 * add_ordered_member keeps sorted by nodeid, each member once.
		 */
		if (i && t[i].nodeid == t[i - 1].nodeid)
			return violation(c, s, "duplicate nodeid %u in table",
					 t[i].nodeid);
		if (i && t[i].nodeid < t[i - 1].nodeid)
			return violation(c, s, "table not in nodeid order "
					 "(nodeid %u after %u)",
					 t[i].nodeid, t[i - 1].nodeid);
		/*
		 * dlm_slots_copy_in: "nodeid %d no slot" fails the recovery,
		 * and dlm_slots_assign gives slots from 1 in a slot-indexed
		 * array, so no two members share one.
		 */
		if (t[i].slot < 1)
			return violation(c, s, "slot %d < 1 for nodeid %u in table",
					 t[i].slot, t[i].nodeid);
		for (j = 0; j < i; j++) {
			if (t[j].slot == t[i].slot)
				return violation(c, s, "slot %d held by nodeids "
						 "%u and %u", t[i].slot,
						 t[j].nodeid, t[i].nodeid);
		}
	}
	return 0;
}

static int check_done(struct dlmr_contract *c, struct stream *s,
		      const struct dlmr_event *ev)
{
	const struct dlmr_slot *me, *old, *now;
	unsigned int i;

	/*
	 * fs/dlm/recoverd.c do_ls_recovery calls dlm_lsop_recover_done after
	 * each successful ls_recover; every recovery but the first one
	 * follows a dlm_ls_stop of a running lockspace, which called
	 * recover_prep (fs/dlm/member.c dlm_ls_stop).
	 */
	if (s->state == ST_RUNNING)
		return violation(c, s, "done without prep (generation %u after "
				 "generation %u)", ev->generation, s->generation);
	if (check_table(c, s, ev))
		return 1;
	/*
	 * dlm_lsop_recover_done passes ls->ls_slot, and the observing node
	 * is in its own ls_nodes with that slot (dlm_slots_assign /
	 * dlm_slots_copy_in set both from the same entry).
	 */
	me = slot_find(ev->slots, ev->num_slots, s->node);
	if (!me)
		return violation(c, s, "observing node %u missing from table "
				 "(our_slot %d)", s->node, ev->our_slot);
	if (me->slot != ev->our_slot)
		return violation(c, s, "our_slot %d but table gives nodeid %u "
				 "slot %d", ev->our_slot, s->node, me->slot);
	/*
	 * dlm_slots_assign: gen = highest member generation + 1;
	 * dlm_slots_copy_in logs "gen %u old %u" when the copied generation
	 * is not newer than ls_generation.
	 */
	if (ev->generation <= s->generation)
		return violation(c, s, "generation %u not greater than "
				 "previous %u", ev->generation, s->generation);
	/* dlm_slots_copy_in: "our slot changed" fails the recovery */
	if (s->our_slot && ev->our_slot != s->our_slot)
		return violation(c, s, "our_slot changed from %d to %d "
				 "(generation %u)", s->our_slot, ev->our_slot,
				 ev->generation);
	/*
	 * dlm_slots_assign: "once slot is assigned it shouldn't change" --
	 * every member still in ls_nodes keeps its slot.  A member reported
	 * by recover_slot in this window went through ls_nodes_gone; if it
	 * is in the new table it was removed and re-added in one cycle
	 * (dlm_recover_members, node->new) and got a fresh slot.  In a
	 * window with lost events that may have happened unseen.
	 */
	for (i = 0; i < s->num && !s->partial; i++) {
		old = &s->table[i];
		if (slot_find(s->gone, s->num_gone, old->nodeid))
			continue;
		now = slot_find(ev->slots, ev->num_slots, old->nodeid);
		if (now && now->slot != old->slot)
			return violation(c, s, "nodeid %u slot changed from %d "
					 "to %d (generation %u)", old->nodeid,
					 old->slot, now->slot, ev->generation);
	}
	return 0;
}

/* The state after a done, whether or not it was a violation. */
static void apply_done(struct stream *s, const struct dlmr_event *ev)
{
	s->state = ST_RUNNING;
	s->generation = ev->generation;
	if (ev->our_slot > 0)
		s->our_slot = ev->our_slot;
	s->num = ev->num_slots;
	memcpy(s->table, ev->slots, ev->num_slots * sizeof(ev->slots[0]));
	s->num_gone = 0;
	s->partial = false;
}

DLMR_EXPORT int dlmr_contract_feed(struct dlmr_contract *c,
				   const struct dlmr_event *ev)
{
	struct stream *s;
	bool exists;
	int ret;

	if (!c || !ev)
		return -EINVAL;
	c->reason[0] = '\0';

	switch (ev->type) {
	case DLMR_EV_PREP:
	case DLMR_EV_SLOT:
	case DLMR_EV_DONE:
		break;
	case DLMR_EV_LOST:
		break;
	case DLMR_EV_JOIN:
	case DLMR_EV_LEAVE:
	case DLMR_EV_CRASH:
		stream_end(c, ev);
		return 0;
	default:
		return 0;
	}
	if (strnlen(ev->ls, sizeof(ev->ls)) > DLMR_LSNAME_MAX ||
	    ev->num_slots > DLMR_SLOTS_MAX)
		return -EINVAL;
	if (ev->type == DLMR_EV_LOST)
		return stream_lost(c, ev);

	exists = stream_index(c, ev) < c->num;
	s = stream_get(c, ev);
	if (!s)
		return -ENOMEM;
	/*
	 * The kernel numbers a lockspace's events from 1 (fs/dlm/member.c
	 * with the dlmrecover patches): seq 1 on a known stream is a new
	 * instance of the lockspace, released and created again under the
	 * same name, which starts with an initial done.
	 */
	if (exists && ev->seq == 1)
		stream_reset(s, ST_JOINING);

	switch (ev->type) {
	case DLMR_EV_PREP:
		return check_prep(c, s);
	case DLMR_EV_SLOT:
		return check_slot(c, s, ev);
	default:
		ret = check_done(c, s, ev);
		apply_done(s, ev);
		return ret;
	}
}
