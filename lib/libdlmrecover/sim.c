// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The simulator: N nodes, each running the coordinator (coord.c) on the
 * simulated DLM (simdlm.c), a membership/recovery model of dlm_controld and
 * fs/dlm, a filesystem model (journals that get dirty while mounted), a
 * seeded scheduler and the invariants S1-S5.
 *
 * Every step picks one enabled transition with a seeded PRNG:
 *  - deliver the next queued recovery callback of a node;
 *  - deliver a pending lock completion (AST) to a node;
 *  - fire a coordinator timer of a node;
 *  - finish a journal replay a node was asked for;
 *  - advance the lockspace recovery (see below).
 * Scenario commands (mount, crash, leave) are applied between steps;
 * "wait" runs steps until none is enabled.
 *
 * The recovery model (fs/dlm/member.c, recoverd.c; dlm_controld):
 *  - a membership change stops the lockspace: every member whose lockspace
 *    is running gets recover_prep (dlm_ls_stop; a member whose recovery has
 *    not finished is not running and gets no second prep); a member that
 *    leaves cleanly gets it too, as it releases the lockspace, after its
 *    unmount and before it is gone (do_unmounted());
 *  - once every prep is delivered (dlm_controld waits for all stops),
 *    recovery starts: each surviving member gets recover_slot for every
 *    member that failed since its last recovery (not for one that left
 *    cleanly: the comm_seq check in dlm_lsop_recover_slot), with the
 *    slot the survivor's memb->slot holds (see below);
 *  - once those are delivered, the low node assigns slots
 *    (dlm_recover_members_wait -> dlm_slots_assign: generation + 1);
 *    a failure inside dlm_recover_members_wait() interrupts it after it
 *    reset every member's slot to -1 (the fault SK_CRASH_IN_WAIT,
 *    members_wait());
 *  - then lock recovery (simdlm_recover_begin) up to
 *    dlm_recover_done_wait(), and each member's own end after it, in any
 *    order (node_end(): its locking enabled, its waiting requests and
 *    those it masters decided, its callbacks resumed), which queues its
 *    recover_done, joiners included (their first callback);
 *  - a change before recover_done restarts recovery from the stop, without
 *    a second prep; if slots were already assigned, the restart assigns
 *    them again (generation + 2 in all).
 *  A change that happens while members' ends or done callbacks are still
 *  to come is processed once they are (dlm_controld handles one change at
 *  a time; the kernel would interrupt the members that have not ended,
 *  which get no done for that recovery: not modelled).
 *
 * The slot recover_slot reports (Linux 6.1 and 6.12 fs/dlm/member.c
 * dlm_lsop_recover_slot() passes memb->slot as it is), per survivor:
 *  - -1 if the survivor's dlm_recover_members_wait() (fs/dlm/recover.c)
 *    set it to -1 ("memb->slot = -1" for every member of ls_nodes, before
 *    the low node polls everybody's status) and was interrupted before
 *    dlm_slots_assign()/dlm_slots_copy_in() filled it again: the next
 *    dlm_recover_members() reports the departed member with -1;
 *  - 0 if the member was added to the survivor's ls_nodes by a recovery
 *    that has not completed (dlm_add_member() allocates it zeroed), or if
 *    the survivor itself is joining (every member is new to it);
 *  - else its slot in the last assignment.
 * The low node restores the slot of each member whose status it has read
 * (dlm_slot_save() in wait_status_all()); the model takes the case where
 * it had not read the failed member's, so that every survivor reports
 * -1 (the case measured in the VM lab, where the low node is the one that
 * fails: issue 19).  docs/findings.md, finding 7, is what gfs2 does then.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coord.h"
#include "scenario.h"
#include "simcore.h"

/* ---- events ------------------------------------------------------------- */

static const char *res_name(unsigned int res)
{
	if (res == RES_CONTROL)
		return "control";
	if (res == RES_MOUNTED)
		return "mounted";
	return "journal";
}

static void crash_node(struct sim *s, uint32_t id);
static void check_invariants(struct sim *s);

/*
 * A trigger crashes its nodes in the middle of a step, right after the
 * event: what held at that event must be checked before the crash
 * changes it, or a node that unblocks while a journal is unrecovered and
 * crashes at that very unblock ("crash 3 at unblock") would pass (found
 * by the invariants judge, judge.c, which checks after every event).
 */
static void trigger_crash(struct sim *s, uint32_t id)
{
	if (s->n[id].up && !s->violated)
		check_invariants(s);
	crash_node(s, id);
}

static void check_triggers(struct sim *s, const struct dlmr_event *ev)
{
	for (unsigned int t = 0; t < s->ntrig; t++) {
		struct sim_trigger *tr = &s->trig[t];

		if (!tr->armed || tr->in_wait || tr->at != ev->type)
			continue;
		if (tr->res != DLMR_SCEN_RES_ANY && ev->resource &&
		    strcmp(ev->resource, tr->res == DLMR_SCEN_RES_CONTROL ?
			   "control" : tr->res == DLMR_SCEN_RES_MOUNTED ?
			   "mounted" : "journal"))
			continue;
		if (tr->res != DLMR_SCEN_RES_ANY && !ev->resource)
			continue;
		if (tr->on) {
			if (ev->node != tr->on)
				continue;
			tr->armed = false;
			for (uint32_t id = 1; id <= s->sc->nodes; id++)
				if (tr->nodes & BIT(id))
					trigger_crash(s, id);
			tr->nodes = 0;
		} else {
			if (!(tr->nodes & BIT(ev->node)))
				continue;
			tr->nodes &= ~BIT(ev->node);
			if (!tr->nodes)
				tr->armed = false;
			trigger_crash(s, ev->node);
		}
	}
}

static void ev_init(struct sim *s, struct dlmr_event *ev,
		    enum dlmr_event_type type, uint32_t node)
{
	if (!s->fn && !s->ntrig) {
		/* nobody listens (the explorer): skip building it */
		ev->type = type;
		ev->node = node;
		ev->resource = NULL;
		return;
	}
	/* everything but the (large) slot table, which only done fills */
	memset(ev, 0, offsetof(struct dlmr_event, slots));
	memset(&ev->resource, 0,
	       sizeof(*ev) - offsetof(struct dlmr_event, resource));
	ev->type = type;
	ev->step = s->step;
	ev->node = node;
	ev->jid = -1;
	snprintf(ev->ls, sizeof(ev->ls), "%s", s->sc->ls);
}

static void emit(struct sim *s, struct dlmr_event *ev)
{
	if (s->fn)
		s->fn(ev, s->arg);
	check_triggers(s, ev);
}

static void emit_simple(struct sim *s, enum dlmr_event_type type,
			uint32_t node, int jid)
{
	struct dlmr_event ev;

	ev_init(s, &ev, type, node);
	ev.jid = jid;
	emit(s, &ev);
}

static void violation(struct sim *s, uint32_t node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void violation(struct sim *s, uint32_t node, const char *fmt, ...)
{
	struct dlmr_event ev;
	va_list ap;

	if (s->violated)
		return;
	s->violated = 1;
	ev_init(s, &ev, DLMR_EV_VIOLATION, node);
	va_start(ap, fmt);
	vsnprintf(ev.detail, sizeof(ev.detail), fmt, ap);
	va_end(ap);
	if (s->res)
		snprintf(s->res->violation, sizeof(s->res->violation), "%s",
			 ev.detail);
	if (s->fn)
		s->fn(&ev, s->arg);
}

/* ---- coordinator actions ------------------------------------------------ */

static void feed(struct sim *s, uint32_t id, const struct dlmr_input *in);

static unsigned int lock_res(const struct dlmr_action *a)
{
	if (a->lock == DLMR_LOCK_CONTROL)
		return RES_CONTROL;
	if (a->lock == DLMR_LOCK_MOUNTED)
		return RES_MOUNTED;
	return RES_JOURNAL0 + (unsigned int)a->jid;
}

static void lock_event(struct sim *s, enum dlmr_event_type type, uint32_t id,
		       unsigned int res, int mode, unsigned int flags, int status)
{
	struct dlmr_event ev;

	ev_init(s, &ev, type, id);
	ev.resource = res_name(res);
	ev.jid = res >= RES_JOURNAL0 ? (int)(res - RES_JOURNAL0) : -1;
	ev.mode = mode;
	ev.flags = flags;
	ev.status = status;
	emit(s, &ev);
}

static void do_unmounted(struct sim *s, uint32_t id);

/* The coordinator's name of resource @res, into a LOCK_DONE input. */
static void res_lock(unsigned int res, struct dlmr_input *in)
{
	in->lock = res == RES_CONTROL ? DLMR_LOCK_CONTROL :
		   res == RES_MOUNTED ? DLMR_LOCK_MOUNTED : DLMR_LOCK_JOURNAL;
	in->jid = res >= RES_JOURNAL0 ? (int)(res - RES_JOURNAL0) : -1;
}

/*
 * dlm_lock() of node @id's request on @res (mode n->req_mode[res]); a
 * synchronous failure (-EBUSY: the lock's other operation is on the
 * convert queue or awaits its reply, docs/step-order.md G) is the
 * request's completion, fed at once.  A caller that would block in
 * dlm_lock_recovery() with an operation on the lock in flight
 * (-EINPROGRESS from simdlm_request()) is held until its node's end of
 * recovery (node_end()), which calls dlm_lock() again: the lkb is looked
 * at only then.
 */
static void submit_request(struct sim *s, uint32_t id, unsigned int res,
			   unsigned int flags, const uint8_t *lvb)
{
	struct sim_node *n = &s->n[id];
	int mode = n->req_mode[res];
	int r = simdlm_request(&s->dlm, res, id, mode, flags, lvb);

	if (r == -EINPROGRESS) {
		if (lvb)
			simdlm_set_lvb(&s->dlm, res, id, lvb);
		n->held |= BIT(res);
		n->held_flags[res] = (uint8_t)flags;
		return;
	}
	if (r) {
		/* dlm_lock() failed synchronously */
		struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE,
					 .status = r };

		res_lock(res, &in);

		lock_event(s, DLMR_EV_AGAIN, id, res, mode, flags, r);
		feed(s, id, &in);
	}
}

/*
 * A new request on a lock whose unlock has not completed: in Linux 6.1
 * gfs2's glock layer queues the new holder behind the demotion in
 * progress (GLF_LOCK; do_promote() runs once the unlock's AST has come,
 * fs/gfs2/glock.c), and the engine's kernel module runs one operation at
 * a time, waiting for an unlock's completion (examples/kernel/journal.c
 * dj_run_op()): dlm_lock() is called only then.  The simulated DLM has
 * one lock per (resource, node) and answered -EBUSY, which the
 * coordinator took for a refusal.  The request is held until the
 * unlock's completion is taken (release_held()).  Returns whether it
 * was held.
 */
static bool hold_request(struct sim *s, uint32_t id, unsigned int res,
			 const struct dlmr_action *a)
{
	struct sim_node *n = &s->n[id];
	const struct simdlm_lock *lk = &s->dlm.res[res].locks[id - 1];

	if (lk->op != SIMDLM_OP_UNLOCK || a->write_lvb ||
	    (a->flags & DLMR_LKF_CONVERT))
		return false;
	n->held |= BIT(res);
	n->held_flags[res] = (uint8_t)a->flags;
	return true;
}

/* Node @id's unlock of @res completed, or its locking was enabled: its
 * held request goes now. */
static void release_held(struct sim *s, uint32_t id, unsigned int res)
{
	struct sim_node *n = &s->n[id];
	uint8_t flags = n->held_flags[res];

	if (!(n->held & BIT(res)))
		return;
	n->held &= ~BIT(res);
	n->held_flags[res] = 0;
	submit_request(s, id, res, flags, NULL);
}

/* Node @id enabled locking: the requests held in dlm_lock_recovery()
 * (submit_request()) go, in resource order; a request held behind an
 * unlock still waits for it. */
static void release_blocked(struct sim *s, uint32_t id)
{
	for (unsigned int res = 0; res < SIMDLM_RES_MAX; res++)
		if ((s->n[id].held & BIT(res)) &&
		    s->dlm.res[res].locks[id - 1].op != SIMDLM_OP_UNLOCK)
			release_held(s, id, res);
}

static void run_action(struct sim *s, uint32_t id, const struct dlmr_action *a)
{
	struct sim_node *n = &s->n[id];
	unsigned int res;

	switch (a->type) {
	case DLMR_ACT_LOCK: {
		bool beside;

		res = lock_res(a);
		lock_event(s, DLMR_EV_LOCK, id, res, a->mode, a->flags, 0);
		beside = simdlm_in_flight(&s->dlm, res, id);
		if (beside)
			n->req_mode0[res] = n->req_mode[res];
		n->req_mode[res] = (int8_t)a->mode;
		if (hold_request(s, id, res, a))
			break;
		submit_request(s, id, res, a->flags,
			       a->write_lvb ? a->lvb : NULL);
		/* taken beside the other thread's request (finding 12) */
		if (beside && res == RES_CONTROL &&
		    simdlm_ast_pending(&s->dlm, res, id) &&
		    simdlm_in_flight(&s->dlm, res, id))
			s->marks |= SIM_MARK_CTRL_BESIDE;
		break;
	}
	case DLMR_ACT_UNLOCK:
		res = lock_res(a);
		lock_event(s, DLMR_EV_UNLOCK, id, res, DLMR_MODE_IV, 0, 0);
		if (simdlm_unlock(&s->dlm, res, id, NULL) == 0 &&
		    simdlm_ast_pending(&s->dlm, res, id)) {
			struct simdlm_ast ast;

			simdlm_take_ast(&s->dlm, res, id, &ast);
		}
		break;
	case DLMR_ACT_RECOVER:
		for (uint32_t o = 1; o <= s->sc->nodes; o++)
			if (o != id && s->n[o].up && s->n[o].replay[a->jid])
				violation(s, id, "S2: journal %d recovered by "
					  "nodes %u and %u at once", a->jid,
					  o, id);
		n->replay[a->jid] = true;
		emit_simple(s, DLMR_EV_RECOVER, id, a->jid);
		break;
	case DLMR_ACT_BLOCK:
		emit_simple(s, DLMR_EV_BLOCK, id, -1);
		break;
	case DLMR_ACT_UNBLOCK:
		emit_simple(s, DLMR_EV_UNBLOCK, id, -1);
		break;
	case DLMR_ACT_MOUNTED: {
		struct dlmr_event ev;

		ev_init(s, &ev, DLMR_EV_MOUNTED, id);
		ev.jid = a->jid;
		ev.first = a->first;
		if (a->first && s->res) {
			if (s->res->cold_starts < DLMR_ARRAY_SIZE(s->res->first_mounter))
				s->res->first_mounter[s->res->cold_starts] = id;
			s->res->cold_starts++;
		}
		/* from now on it writes: its journal is dirty */
		s->mounted_inc |= BIT(id);
		s->dirty |= BIT(a->jid);
		s->orphan &= ~BIT(a->jid);
		s->jowner[a->jid] = id;
		emit(s, &ev);
		break;
	}
	case DLMR_ACT_FIRST_DONE:
		emit_simple(s, DLMR_EV_FIRST_DONE, id, a->jid);
		break;
	case DLMR_ACT_TIMER: {
		/* include/dlmrecover.h, "Timers": an armed timer is never
		 * asked for again, so a caller never has to re-arm one */
		unsigned int t = a->timer == DLMR_TIMER_RECOVERY ?
				 SIM_TIMER_RECOVERY0 + (unsigned int)a->jid :
				 (unsigned int)a->timer;

		if (t >= SIM_TIMERS)
			break;
		if (n->timer[t])
			violation(s, id, "coordinator: timer %s asked for while "
				  "armed", dlmr_timer_name(a->timer));
		n->timer[t] = true;
		if (a->timer == DLMR_TIMER_WORK)
			n->work_slow = a->timer_ms >= 1000;
		break;
	}
	case DLMR_ACT_UNMOUNTED:
		do_unmounted(s, id);
		break;
	case DLMR_ACT_FAILED: {
		struct dlmr_event ev;

		n->failed = true;
		ev_init(s, &ev, DLMR_EV_UNMOUNTED, id);
		ev.status = a->error;
		snprintf(ev.detail, sizeof(ev.detail), "mount failed: %s",
			 strerror(-a->error));
		emit(s, &ev);
		break;
	}
	}
}

static void feed(struct sim *s, uint32_t id, const struct dlmr_input *in)
{
	struct sim_node *n = &s->n[id];
	struct dlmr_action a;
	int r;

	if (!n->up)
		return;
	unsigned int writes = n->coord.lvb_writes;
	unsigned int rbusy = n->coord.recover_busy_errors;

	r = dlmr_coord_feed(&n->coord, in);
	if (r)
		violation(s, id, "coordinator rejected input %d: %s", in->type,
			  strerror(-r));
	if (n->coord.recover_busy_errors != rbusy)
		s->marks |= SIM_MARK_RECOVER_BUSY;
	/*
	 * gfs2's control lksb points at ls_control_lvb: what the
	 * coordinator writes there is in the lock's buffer at once, also
	 * when no request carries it (control_first_done() writes it
	 * before converting mounted_lock), where a recovery that rebuilds
	 * the value block reads it (pack_rcom_lock()).  The DLM's own
	 * writes to the buffer (a grant's read) are there already.
	 */
	if (n->coord.lvb_writes != writes)
		simdlm_set_lvb(&s->dlm, RES_CONTROL, id, n->coord.control_lvb);
	while (n->up && dlmr_coord_next(&n->coord, &a) == 1)
		run_action(s, id, &a);
}

/* ---- membership and recovery --------------------------------------------- */

static uint64_t target(const struct sim *s)
{
	uint64_t t = 0;

	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (s->n[id].up && s->n[id].in_ls)
			t |= BIT(id);
	return t;
}

static void queue_cb(struct sim *s, uint32_t id, uint8_t type, uint32_t nodeid,
		     int slot)
{
	struct sim_node *n = &s->n[id];

	if (n->cbq_len >= CBQ_MAX) {
		violation(s, id, "simulator: callback queue overflow");
		return;
	}
	n->cbq[n->cbq_len].type = type;
	n->cbq[n->cbq_len].nodeid = nodeid;
	n->cbq[n->cbq_len].slot = slot;
	n->cbq[n->cbq_len].stale = 0;
	n->cbq_len++;
}

static bool dones_pending(const struct sim *s)
{
	if (sim_late(s))
		return false; /* a recovery does not wait for a done event */
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		for (unsigned int i = 0; i < s->n[id].cbq_len; i++)
			if (s->n[id].cbq[i].type == DLMR_EV_DONE)
				return true;
	return false;
}

static bool cb_pending(const struct sim *s, uint8_t type)
{
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		for (unsigned int i = 0; i < s->n[id].cbq_len; i++)
			if (s->n[id].cbq[i].type == type)
				return true;
	return false;
}

/*
 * Late delivery (scenario "delivery late", dlmr_explore_config.delivery):
 * every node's coordinator stands for a userspace lockspace user, which
 * gets recover_prep, recover_slot and recover_done as events from the
 * kernel (the series' netlink events) instead of callbacks.  The DLM
 * sends them where it would call the callbacks, but waits for none of
 * them: its recovery goes past the stop without the preps read, past
 * dlm_recover_members() without the slots read, and a new membership
 * change starts a recovery with dones still unread.  The events stay in
 * order (the node's callback queue), and each done carries the table
 * and generation of the recovery that sent it (n->ldone).  Lock
 * completions are unchanged: the DLM decides and delivers them as it
 * does for any lock, so one granted after a recovery can come before
 * the prep, slot or done of that recovery.
 *
 * The property at stake is S1 as the kernel sees it: once the DLM has
 * enabled locking again after removing failed node o, another node's
 * locks may be granted what o held, so a mounted node that is not
 * blocked while o's journal is unrecovered is a violation whether or
 * not its coordinator has read the slot yet (n->dlm_failed; in-kernel
 * delivery makes the two the same, since the prep is read before the
 * recovery goes on).
 *
 * prep-ack (FIX_PREP_ACK) models the kernel op proposed for it: the
 * DLM's recovery of a lockspace with a listener does not go past its
 * stop until the listener has read the prep.  events-before-grants
 * (FIX_EVENTS_FIRST) models the driver-side one: before it hands a lock
 * completion to the coordinator, the driver reads every event already
 * sent (the series queues an event on the listener's socket when the
 * DLM sends it, before its recovery goes on): a completion is read only
 * with the node's queue empty, and a node with unread events acts on no
 * grant, so S1's late form does not apply to it.
 */
static bool late_events_first(const struct sim *s)
{
	return sim_late(s) && (s->sc->fixes & (1u << FIX_EVENTS_FIRST));
}

/* Whether node @id may read a lock completion as far as late delivery
 * goes (events-before-grants: not with events unread). */
static bool late_ast_ok(const struct sim *s, uint32_t id)
{
	return !late_events_first(s) || !s->n[id].cbq_len;
}
static bool late_waits(const struct sim *s, uint8_t type)
{
	return type == DLMR_EV_PREP &&
	       (s->sc->fixes & (1u << FIX_PREP_ACK));
}

/* Whether the recovery waits for a pending callback of @type. */
static bool cb_waits(const struct sim *s, uint8_t type)
{
	if (sim_late(s) && !late_waits(s, type))
		return false;
	return cb_pending(s, type);
}

/*
 * Node @id crashed again: the slot events about it that node @o has not
 * read are of its earlier life, and reading one does not tell @o of this
 * failure (S1 reads known_failed).  Only under late delivery can a node
 * hold such an event: the kernel's recovery waits for its slots.
 */
static void late_mark_stale(struct sim *s, uint32_t o, uint32_t id)
{
	struct sim_node *n = &s->n[o];

	if (!sim_late(s))
		return;
	for (unsigned int i = 0; i < n->cbq_len; i++)
		if (n->cbq[i].type == DLMR_EV_SLOT && n->cbq[i].nodeid == id)
			n->cbq[i].stale = 1;
}

/* node_end() under late delivery: the done event's table and
 * generation, kept until the event is read (deliver_cb()). */
static void late_queue_done(struct sim *s, uint32_t id)
{
	struct sim_node *n = &s->n[id];
	struct sim_ldone *d;

	n->running = true; /* the kernel's state, not what the node read */
	if (n->ldone_len >= SIM_LDONE_MAX) {
		violation(s, id, "simulator: more than %d recover_done "
			  "events unread", SIM_LDONE_MAX);
		return;
	}
	d = &n->ldone[n->ldone_len++];
	memset(d, 0, sizeof(*d));
	d->generation = s->slots.generation;
	d->num = (uint8_t)s->slots.num;
	for (unsigned int i = 0; i < s->slots.num && i < NMAX; i++) {
		d->s[i].nodeid = (uint8_t)s->slots.slots[i].nodeid;
		d->s[i].slot = (uint8_t)s->slots.slots[i].slot;
	}
}

/* deliver_cb() of a done under late delivery: the table it was sent
 * with, into @tab; its generation to @in. */
static void late_take_done(struct sim *s, uint32_t id,
			   struct dlmr_slot_table *tab, struct dlmr_input *in)
{
	struct sim_node *n = &s->n[id];
	const struct sim_ldone *d = &n->ldone[0];

	memset(tab, 0, sizeof(*tab));
	if (!n->ldone_len) {
		violation(s, id, "simulator: recover_done without its table");
		return;
	}
	tab->generation = d->generation;
	tab->num = d->num;
	for (unsigned int i = 0; i < d->num; i++) {
		tab->slots[i].nodeid = d->s[i].nodeid;
		tab->slots[i].slot = d->s[i].slot;
	}
	memmove(n->ldone, n->ldone + 1, (n->ldone_len - 1) * sizeof(*d));
	n->ldone_len--;
	in->slots = tab->slots;
	in->num_slots = tab->num;
	in->our_slot = dlmr_slots_slot(tab, id);
	in->generation = tab->generation;
}

/* dlm_ls_stop() on every member: prep where the lockspace was running */
static void start_stop(struct sim *s)
{
	uint64_t t = target(s);

	s->change_pending = false;
	simdlm_stop(&s->dlm);
	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		struct sim_node *n = &s->n[id];

		if (!(t & BIT(id)) || !n->running)
			continue;
		n->running = false;
		queue_cb(s, id, DLMR_EV_PREP, 0, 0);
	}
	s->phase = RP_STOP;
}

/* A membership change: start (or restart) recovery, or queue it. */
static void membership_changed(struct sim *s)
{
	if (s->phase == RP_NONE && (dones_pending(s) || s->ends)) {
		s->change_pending = true;
		return;
	}
	start_stop(s);
}

/*
 * memb->slot of member @r on node @id, as dlm_lsop_recover_slot() passes
 * it (the header comment says when it is -1 and 0).  Every completed
 * assignment (rec_members()) copies the slots in on every member, and
 * the table holds exactly the members of the last one.
 */
static int memb_slot(const struct sim *s, uint32_t id, uint32_t r)
{
	int slot;

	if (s->n[id].slot_reset & BIT(r))
		return -1;	/* dlm_recover_members_wait(): memb->slot = -1 */
	if (dlmr_slots_slot(&s->slots, id) < 0)
		return 0;	/* we are joining: every member is new to us */
	slot = dlmr_slots_slot(&s->slots, r);
	return slot < 0 ? 0 : slot; /* dlm_add_member(): kzalloc */
}

/*
 * The kernel's slot fix (fix kernel-slot-fix, kernel/patches/0001):
 * dlm_lsop_recover_slot() reports the slot member @r has in the last
 * slot table node @id completed (dlm_slots_remember(), called when
 * dlm_recover_members_wait() succeeds), and does not call recover_slot
 * at all when @r is in none ("recover_slot nodeid N not reported: no
 * slot assigned").  Every completed assignment (rec_members()) gives all
 * its members the same table, s->slots, so a node that took part in the
 * last one remembers s->slots, and a node that did not (it is joining)
 * remembers none.  Returns the slot, or 0: not reported.
 */
static int memb_slot_fixed(const struct sim *s, uint32_t id, uint32_t r)
{
	int slot;

	if (dlmr_slots_slot(&s->slots, id) < 0)
		return 0;
	slot = dlmr_slots_slot(&s->slots, r);
	return slot < 1 ? 0 : slot;
}

/* dlm_recover_members(): members removed get recover_slot if they failed */
static void rec_start(struct sim *s)
{
	uint64_t t = target(s);
	uint64_t removed = s->members & ~t;

	for (uint32_t r = 1; r <= s->sc->nodes; r++) {
		if (!(removed & BIT(r)))
			continue;
		if (s->crashed & BIT(r)) {
			bool kfix = s->sc->fixes & (1u << FIX_KERNEL_SLOT);

			for (uint32_t id = 1; id <= s->sc->nodes; id++) {
				int slot;

				if (!((s->members & t) & BIT(id)))
					continue;
				slot = kfix ? memb_slot_fixed(s, id, r) :
				       memb_slot(s, id, r);
				if (kfix && !slot)
					continue; /* not reported */
				queue_cb(s, id, DLMR_EV_SLOT, r, slot);
				if (sim_late(s))
					s->n[id].dlm_failed |= BIT(r);
			}
		}
		s->crashed &= ~BIT(r);
		/* its struct dlm_member is gone (ls_nodes_gone) */
		for (uint32_t id = 1; id <= s->sc->nodes; id++)
			s->n[id].slot_reset &= ~BIT(r);
	}
	/* members removed before they got a slot lose it; dropping them
	 * from the slot table happens at the assignment below */
	s->members = t;
	s->phase = RP_SLOTS;
	s->cb_suspended = true; /* ls_recover(): dlm_callback_suspend() */
}

/* dlm_recover_members_wait(): the low nodeid assigns slots */
static void rec_members(struct sim *s)
{
	struct dlmr_member m[NMAX];
	size_t k = 0;
	int r;

	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (s->members & BIT(id))
			m[k++] = (struct dlmr_member){ .nodeid = id };
	r = dlmr_slots_change(&s->slots, m, k);
	if (r)
		violation(s, 0, "simulator: slot assignment failed: %s",
			  strerror(-r));
	/* dlm_slots_assign() / dlm_slots_copy_in(): every memb->slot set */
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		s->n[id].slot_reset = 0;
	s->slots_assigned = true;
	s->phase = RP_LOCKS;
}

bool sim_in_wait_possible(const struct sim *s)
{
	return s->phase == RP_SLOTS && s->members &&
	       !cb_waits(s, DLMR_EV_SLOT);
}

/*
 * The recovery enters dlm_recover_members_wait() (Linux 6.1 and 6.12
 * fs/dlm/recover.c) on every member: each resets memb->slot to -1 for
 * every member of its ls_nodes; the low node polls every member's status
 * (wait_status_all(), sleeps of 20, 40, ... ms) and the others wait for
 * it (wait_status_low()).  If the nodes in @crash fail meanwhile, the
 * recovery is interrupted (dlm_recovery_stopped(): "error -4") before
 * any slot is assigned or copied in, and the survivors keep -1 until a
 * later dlm_recover_members_wait() completes: the next
 * dlm_recover_members() (fs/dlm/member.c) reports a departed member with
 * slot -1 (dlm_lsop_recover_slot()).  The VM lab hit this window 24
 * times of 24 (issue 19).  With no failure the slots are assigned at
 * once (the window is not a state of its own: no protocol step reads
 * memb->slot, so a failure right after the reset stands for a failure
 * at any point of the window).
 */
static void members_wait(struct sim *s, uint64_t crash)
{
	uint64_t reset = 0;

	s->phase = RP_MEMBERS;
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (s->members & BIT(id) & ~crash)
			reset |= BIT(id);
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (reset & BIT(id))
			s->n[id].slot_reset = s->members;
	if (!crash) {
		rec_members(s);
		return;
	}
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (crash & BIT(id))
			crash_node(s, id);
}

/* Nodes of armed "crash NODES in members-wait" triggers, which fire now. */
static uint64_t in_wait_triggers(struct sim *s)
{
	uint64_t crash = 0;

	for (unsigned int t = 0; t < s->ntrig; t++) {
		struct sim_trigger *tr = &s->trig[t];

		if (!tr->armed || !tr->in_wait)
			continue;
		tr->armed = false;
		for (uint32_t id = 1; id <= s->sc->nodes; id++)
			if ((tr->nodes & BIT(id)) && s->n[id].up)
				crash |= BIT(id);
		tr->nodes = 0;
	}
	return crash;
}

/*
 * The recovery step's choice (struct step.arg of SK_REC in RP_LOCKS) for
 * the control resource when its master was removed: the new master and
 * the lock its value block is rebuilt from (simdlm.h, recover_lvb()), as
 * master | from << 8; 0 is the first option.  The other resources have
 * no value block: their new master is the lowest survivor that has them.
 */
unsigned int sim_rec_options(const struct sim *s, unsigned int *args,
			     unsigned int max)
{
	struct simdlm_remaster opt[SIM_REC_OPTIONS_MAX];
	unsigned int k = simdlm_remaster_options(&s->dlm, RES_CONTROL, opt,
						 SIM_REC_OPTIONS_MAX);

	if (k > SIM_REC_OPTIONS_MAX)
		k = SIM_REC_OPTIONS_MAX; /* more than 8 nodes: the first */
	for (unsigned int i = 0; i < k && i < max; i++)
		args[i] = opt[i].master | (unsigned int)opt[i].from << 8;
	return k;
}

/*
 * Lock recovery up to dlm_recover_done_wait(), the barrier every member
 * passes together (Linux 6.1 fs/dlm/recoverd.c ls_recover()); then each
 * member ends on its own (node_end()).
 */
static void rec_locks(struct sim *s, unsigned int arg)
{
	struct simdlm_remaster choice[SIMDLM_RES_MAX];

	memset(choice, 0, sizeof(choice));
	choice[RES_CONTROL].master = (uint8_t)(arg & 0xff);
	choice[RES_CONTROL].from = (uint8_t)(arg >> 8);
	if (simdlm_recover_begin(&s->dlm, choice) < 0) {
		violation(s, 0, "simulator: recovery choice %u is not open "
			  "here", arg);
		return;
	}
	/* read in STOP only; each node's callbacks resume at its end */
	s->cb_suspended = false;
	s->ends = 0;
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if ((s->members & BIT(id)) && s->n[id].up)
			s->ends |= BIT(id);
	s->phase = RP_NONE;
	s->slots_assigned = false;
}

/*
 * Node @id's end of the recovery, after the barrier (recoverd.c
 * ls_recover() from dlm_clear_members_gone() on, then do_ls_recovery()):
 * dlm_callback_resume(), enable_locking(), dlm_process_requestqueue(),
 * dlm_recover_waiters_post(), dlm_recover_grant() (simdlm_recover_end()),
 * then dlm_lsop_recover_done(): recover_done queued to the node.  Each
 * member's dlm_recoverd runs it on its own, in any order with the other
 * members' ends and with every node's other steps.
 */
static void node_end(struct sim *s, uint32_t id)
{
	s->ends &= ~BIT(id);
	simdlm_recover_end(&s->dlm, id);
	release_blocked(s, id);
	queue_cb(s, id, DLMR_EV_DONE, 0, 0);
	if (sim_late(s))
		late_queue_done(s, id);
}

static void crash_node(struct sim *s, uint32_t id)
{
	struct sim_node *n = &s->n[id];
	bool was_in = n->in_ls;

	if (!n->up)
		return;
	n->up = false;
	s->epoch++;
	emit_simple(s, DLMR_EV_CRASH, id, -1);
	/* its journal, if it was writing, is left dirty */
	for (unsigned int j = 0; j < s->sc->journals; j++) {
		if ((s->dirty & BIT(j)) && s->jowner[j] == id) {
			s->orphan |= BIT(j);
			s->orphan_epoch[j] = s->epoch;
			for (uint32_t o = 1; o <= s->sc->nodes; o++)
				if (o != id && s->n[o].up &&
				    s->n[o].coord.recover_result[j] ==
				    DLMR_JOURNAL_SUCCESS)
					s->marks |= SIM_MARK_STALE_RESULT;
		}
	}
	for (uint32_t o = 1; o <= s->sc->nodes; o++) {
		s->n[o].known_failed &= ~BIT(id);
		s->n[o].dlm_failed &= ~BIT(id);
		late_mark_stale(s, o, id);
	}
	n->in_ls = false;
	n->cbq_len = 0;
	n->ldone_len = 0;
	s->ends &= ~BIT(id);
	if (was_in) {
		simdlm_fail(&s->dlm, id);
		if (s->members & BIT(id))
			s->crashed |= BIT(id);
		membership_changed(s);
	}
}

/*
 * A crash that loses replies (docs/step-order.md, L): @id crashes, and
 * each reply it had decided for @rs, not yet delivered, is taken as lost
 * with it: the request goes back to the node's DLM and is sent again to
 * the new master once the recovery ends (simdlm_resend()).  Nothing was
 * copied into the lksb buffer, which is gfs2's ls_control_lvb for the
 * control lock: the coordinator's.
 */
int sim_crash_resend(struct sim *s, uint32_t id, const struct simdlm_ref *rs,
		     unsigned int n)
{
	struct simdlm_ref opt[SIMDLM_RES_MAX * SIMDLM_NODES_MAX];
	unsigned int k = simdlm_resend_options(&s->dlm, id, opt,
					       DLMR_ARRAY_SIZE(opt));

	for (unsigned int i = 0; i < n; i++) {
		unsigned int j = 0;

		while (j < k && (opt[j].res != rs[i].res ||
				 opt[j].node != rs[i].node))
			j++;
		if (j == k)
			return -ENOENT;
	}
	crash_node(s, id);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t o = rs[i].node;

		simdlm_resend(&s->dlm, rs[i].res, o,
			      rs[i].res == RES_CONTROL ?
			      s->n[o].coord.control_lvb : NULL);
	}
	return 0;
}

/* sim_crash_resend() for SK_CRASH's arg (simcore.h). */
static void crash_step(struct sim *s, uint32_t id, unsigned int arg)
{
	struct simdlm_ref rs[SIM_RESEND_MAX];
	unsigned int n = 0;

	for (arg >>= 8; arg && n < SIM_RESEND_MAX; arg >>= 8, n++)
		rs[n] = (struct simdlm_ref){ (arg >> 4) & 0xf, arg & 0xf };
	if (sim_crash_resend(s, id, rs, n))
		violation(s, id, "simulator: crash %u: a reply to resend is "
			  "not pending", id);
}

/*
 * The coordinator finished unmounting: leave the lockspace cleanly.
 *
 * dlm_release_lockspace() (Linux 6.1 fs/dlm/lockspace.c
 * release_lockspace()) sends the offline uevent and waits in
 * do_uevent(ls, 0) until dlm_controld has done the group change, and
 * dlm_controld stops the lockspace first (sysfs "control" 0:
 * dlm_control_store() -> dlm_ls_stop(), fs/dlm/member.c), which calls
 * recover_prep on the leaving node itself when its lockspace was running.
 * The VM lab's traces show it (the example's and the engine's: unmounted,
 * prep, block, leave); the model had the leaver vanish without a prep.
 */
static void do_unmounted(struct sim *s, uint32_t id)
{
	struct sim_node *n = &s->n[id];
	int jid = n->coord.jid;

	if (jid >= 0 && s->jowner[jid] == id)
		s->dirty &= ~BIT(jid);
	emit_simple(s, DLMR_EV_UNMOUNTED, id, jid);
	if (n->running) {
		struct dlmr_input in = { .type = DLMR_IN_PREP };

		n->running = false;
		emit_simple(s, DLMR_EV_PREP, id, -1);
		if (!n->up)
			return; /* a trigger crashed it at this prep */
		feed(s, id, &in);
	}
	emit_simple(s, DLMR_EV_LEAVE, id, -1);
	n->in_ls = false;
	n->up = false;   /* powered off until mounted again */
	n->cbq_len = 0;
	n->ldone_len = 0;
	simdlm_leave(&s->dlm, id);
	membership_changed(s);
}

static int mount_node(struct sim *s, uint32_t id)
{
	struct sim_node *n = &s->n[id];
	struct dlmr_coord_config cfg = { .journals = s->sc->journals,
					  .mutant = s->sc->mutant,
					  .fixes = s->sc->fixes };

	if (n->up)
		return -EALREADY;
	memset(n, 0, sizeof(*n));
	dlmr_coord_init(&n->coord, &cfg);
	n->up = true;
	n->in_ls = true;
	n->mount_wanted = true;
	n->join_epoch = ++s->epoch;
	s->mounted_inc &= ~BIT(id);
	emit_simple(s, DLMR_EV_JOIN, id, -1);
	if (simdlm_join(&s->dlm, id))
		violation(s, id, "simulator: node %u cannot join the DLM", id);
	membership_changed(s);
	return 0;
}

/* ---- steps ---------------------------------------------------------------- */

/*
 * Lock completions reach the coordinator through the DLM's callback
 * workqueue.  dlm_ls_stop() (recover_prep) stops locking but not that
 * workqueue: a completion already decided is still delivered, before or
 * after recover_prep, until ls_recover() calls dlm_callback_suspend(),
 * which flushes it, before recover_slot (Linux 6.1 fs/dlm/member.c,
 * recoverd.c).  From then on completions wait for dlm_callback_resume()
 * at the end of a recovery that completes; a recovery restarted by a new
 * failure stays suspended.  A completion can also come after recovery
 * (its reply was still in flight to the stopped node: dlm_recv saves it
 * on the requestqueue), so a pending one may wait either way: STOP with
 * callbacks not suspended, or after lock recovery.
 */
bool sim_asts_deliverable(const struct sim *s, uint32_t id)
{
	return !s->dlm.stopped || !s->dlm.off[id - 1] ||
	       (s->phase == RP_STOP && !s->cb_suspended);
}

/* Whether node @id has a lock completion it may take now. */
static bool ast_deliverable_to(const struct sim *s, uint32_t id)
{
	if (!s->n[id].up || !sim_asts_deliverable(s, id))
		return false;
	for (unsigned int r = 0; r < RES_JOURNAL0 + s->sc->journals; r++)
		if (simdlm_ast_pending(&s->dlm, r, id))
			return true;
	return false;
}

unsigned int sim_enabled_steps(const struct sim *s, struct step *st)
{
	unsigned int k = 0;

	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		const struct sim_node *n = &s->n[id];

		if (!n->up)
			continue;
		if (n->cbq_len)
			st[k++] = (struct step){ SK_CB, id, 0 };
		if (s->ends & BIT(id))
			st[k++] = (struct step){ SK_END, id, 0 };
		if (sim_asts_deliverable(s, id) && late_ast_ok(s, id))
			for (unsigned int r = 0; r < RES_JOURNAL0 + s->sc->journals; r++)
				if (simdlm_ast_pending(&s->dlm, r, id))
					st[k++] = (struct step){ SK_AST, id, r };
		for (unsigned int t = 0;
		     t < SIM_TIMER_RECOVERY0 + s->sc->journals; t++)
			if (n->timer[t])
				st[k++] = (struct step){ SK_TIMER, id, t };
		for (unsigned int j = 0; j < s->sc->journals; j++)
			if (n->replay[j])
				st[k++] = (struct step){ SK_REPLAY, id, j };
	}
	switch (s->phase) {
	case RP_NONE:
		if (s->change_pending && !dones_pending(s) && !s->ends)
			st[k++] = (struct step){ SK_REC, 0, 0 };
		break;
	case RP_STOP:
		if (!cb_waits(s, DLMR_EV_PREP))
			st[k++] = (struct step){ SK_REC, 0, 0 };
		break;
	case RP_SLOTS:
		if (!cb_waits(s, DLMR_EV_SLOT))
			st[k++] = (struct step){ SK_REC, 0, 0 };
		break;
	case RP_MEMBERS:
		st[k++] = (struct step){ SK_REC, 0, 0 };
		break;
	case RP_LOCKS: {
		/* one step per way the DLM may rebuild the control lock's
		 * master and value block (sim_rec_options()) */
		unsigned int args[SIM_REC_OPTIONS_MAX];
		unsigned int n = sim_rec_options(s, args, SIM_REC_OPTIONS_MAX);

		if (n <= 1)
			st[k++] = (struct step){ SK_REC, 0, 0 };
		for (unsigned int i = 0; n > 1 && i < n; i++)
			st[k++] = (struct step){ SK_REC, 0, args[i] };
		break;
	}
	}
	return k;
}

/*
 * slot-from-table ignores a failed member that is not in its last done
 * table, on the grounds that such a member never mounted: it gets its
 * jid from its own first done, and every survivor processes that done
 * before the next recovery (a change waits for pending dones).  Checked
 * here: the member must not have mounted since it last joined (a journal
 * it left dirty in an earlier life was reported then, with its slot).
 * A node that has no
 * table yet (it is joining: no done) ignores every such member; that is
 * not checked here, as the node is not mounted and the mounted ones
 * recover the journal (S1-S5 check that).
 */
static void check_slot_ignored(struct sim *s, uint32_t id, uint32_t r,
			       unsigned int ignored_before)
{
	struct dlmr_coord_slot_stats st;

	if (!s->n[id].up || !(s->sc->fixes & (1u << FIX_SLOT_FROM_TABLE)) ||
	    !s->n[id].coord.last_num ||
	    dlmr_coord_slot_stats(&s->n[id].coord, &st) ||
	    st.ignored == ignored_before)
		return;
	if (s->mounted_inc & BIT(r))
		violation(s, id, "slot-from-table: node %u ignored failed node "
			  "%u (no slot in its last done table), which had "
			  "mounted", id, r);
}

static void deliver_cb(struct sim *s, uint32_t id)
{
	struct sim_node *n = &s->n[id];
	struct sim_cb cb = n->cbq[0];
	struct dlmr_input in = { 0 };
	struct dlmr_event ev;
	struct dlmr_slot_table late_tab;

	memmove(n->cbq, n->cbq + 1, (n->cbq_len - 1) * sizeof(n->cbq[0]));
	n->cbq_len--;
	ev_init(s, &ev, cb.type, id);
	switch (cb.type) {
	case DLMR_EV_PREP:
		in.type = DLMR_IN_PREP;
		break;
	case DLMR_EV_SLOT:
		in.type = DLMR_IN_SLOT;
		in.nodeid = cb.nodeid;
		in.slot = cb.slot;
		ev.nodeid = cb.nodeid;
		ev.slot = cb.slot;
		if (!cb.stale)
			n->known_failed |= BIT(cb.nodeid);
		break;
	case DLMR_EV_DONE:
		in.type = DLMR_IN_DONE;
		if (sim_late(s)) {
			late_take_done(s, id, &late_tab, &in);
		} else {
			in.slots = s->slots.slots;
			in.num_slots = s->slots.num;
			in.our_slot = dlmr_slots_slot(&s->slots, id);
			in.generation = s->slots.generation;
			n->running = true;
		}
		ev.generation = in.generation;
		ev.our_slot = in.our_slot;
		ev.num_slots = in.num_slots;
		memcpy(ev.slots, in.slots, in.num_slots * sizeof(ev.slots[0]));
		break;
	}
	emit(s, &ev);
	if (!n->up)
		return; /* a trigger crashed it at this very callback */
	if (cb.type == DLMR_EV_SLOT && cb.slot < 1) {
		/* gfs2 would compute jid -2 or -1: coord.c in_slot() */
		s->marks |= SIM_MARK_SLOT_BAD;
		struct dlmr_coord_slot_stats before;

		dlmr_coord_slot_stats(&n->coord, &before);
		feed(s, id, &in);
		check_slot_ignored(s, id, cb.nodeid, before.ignored);
	} else {
		feed(s, id, &in);
	}
	if (cb.type == DLMR_EV_DONE && !n->joined) {
		n->joined = true;
		if (n->mount_wanted && !n->mount_fed && n->up) {
			struct dlmr_input m = { .type = DLMR_IN_MOUNT };

			n->mount_fed = true;
			feed(s, id, &m);
		}
	}
}

static void deliver_ast(struct sim *s, uint32_t id, unsigned int res)
{
	struct simdlm_ast ast;
	struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE };
	int mode;

	simdlm_take_ast(&s->dlm, res, id, &ast);
	if (ast.status == -SIMDLM_EUNLOCK) {
		release_held(s, id, res);
		return;
	}
	/* the older of two completions: another request on the lock is in
	 * flight, or held in dlm_lock_recovery() */
	mode = simdlm_in_flight(&s->dlm, res, id) ||
	       (s->n[id].held & BIT(res)) ? s->n[id].req_mode0[res] :
					    s->n[id].req_mode[res];
	lock_event(s, ast.status ? DLMR_EV_AGAIN : DLMR_EV_GRANT, id, res,
		   mode, 0, ast.status);
	if (!s->n[id].up)
		return;
	res_lock(res, &in);
	in.status = ast.status;
	in.lvb = ast.lvb_read ? ast.lvb : NULL;
	in.lvb_invalid = ast.lvb_invalid;
	if (res == RES_CONTROL && ast.lvb_invalid && ast.lvb_read)
		s->marks |= SIM_MARK_VALNOTVALID;
	feed(s, id, &in);
}

static void finish_replay(struct sim *s, uint32_t id, unsigned int j)
{
	struct dlmr_input in = { .type = DLMR_IN_JOURNAL_DONE, .jid = (int)j,
				 .result = DLMR_JOURNAL_SUCCESS };
	struct dlmr_event ev;
	bool replayed = s->dirty & BIT(j);

	s->n[id].replay[j] = false;
	if (replayed && s->jowner[j] == id && !(s->orphan & BIT(j))) {
		/* our own live journal: nothing to replay */
		replayed = false;
	}
	if (replayed) {
		s->dirty &= ~BIT(j);
		s->orphan &= ~BIT(j);
		if (s->res) {
			unsigned int k = s->res->recoveries;

			if (k < DLMR_ARRAY_SIZE(s->res->recovered)) {
				s->res->recovered[k].jid = (int)j;
				s->res->recovered[k].by = id;
				s->res->recovered[k].step = s->step;
			}
			s->res->recoveries++;
		}
	}
	ev_init(s, &ev, DLMR_EV_RECOVERED, id);
	ev.jid = (int)j;
	ev.status = replayed ? 1 : 0;
	snprintf(ev.detail, sizeof(ev.detail), "%s",
		 replayed ? "replayed" : "clean");
	emit(s, &ev);
	feed(s, id, &in);
}

void sim_run_step(struct sim *s, const struct step *st)
{
	switch (st->kind) {
	case SK_CB:
		deliver_cb(s, st->node);
		break;
	case SK_AST:
		deliver_ast(s, st->node, st->arg);
		break;
	case SK_TIMER: {
		struct dlmr_input in = { .type = DLMR_IN_TIMER,
					 .timer = (int)st->arg };

		if (st->arg >= SIM_TIMER_RECOVERY0) {
			in.timer = DLMR_TIMER_RECOVERY;
			in.jid = (int)(st->arg - SIM_TIMER_RECOVERY0);
		}

		s->n[st->node].timer[st->arg] = false;
		feed(s, st->node, &in);
		break;
	}
	case SK_REPLAY:
		finish_replay(s, st->node, st->arg);
		break;
	case SK_CRASH:
		if (st->arg == SK_CRASH_IN_WAIT)
			members_wait(s, BIT(st->node));
		else
			crash_step(s, st->node, st->arg);
		break;
	case SK_MOUNT:
		mount_node(s, st->node);
		break;
	case SK_END:
		node_end(s, st->node);
		break;
	case SK_REC:
		switch (s->phase) {
		case RP_NONE:
			start_stop(s);
			break;
		case RP_STOP:
			rec_start(s);
			break;
		case RP_SLOTS:
			s->phase = RP_MEMBERS;
			if (!s->members) {
				/* nobody left: purge and stop; the lockspace
				 * is released everywhere, so a new one starts
				 * again at generation 1 */
				simdlm_recover(&s->dlm);
				dlmr_slots_init(&s->slots);
				s->cb_suspended = false;
				s->phase = RP_NONE;
				break;
			}
			members_wait(s, in_wait_triggers(s));
			break;
		case RP_MEMBERS:
			rec_members(s);
			break;
		case RP_LOCKS:
			rec_locks(s, st->arg);
			break;
		}
		break;
	}
	check_invariants(s);
}

/* ---- invariants ------------------------------------------------------------ */

/*
 * S3's "first mounter": from the grant of mounted_lock EX until it lets
 * the others mount (control_lock EX -> NL in control_first_done()): it
 * holds control_lock EX and recovers every journal meanwhile.
 */
static bool first_mounting_now(const struct dlmr_coord *c)
{
	if (!c->first)
		return false;
	switch (c->mp) {
	case MP_JWAIT:
	case MP_JLOCK:
	case MP_FIRST_RECOVER:
	case MP_JWOKEN:
	case MP_FIRST_WAIT:
	case MP_FIRST_WOKEN:
	case MP_FD_MNT:
		return true;
	default:
		return false;
	}
}

/*
 * S1 as the kernel sees it under late delivery ("Late delivery" above):
 * node @id's DLM removed failed node @o and enables locking again, and
 * its coordinator has not been told.
 */
static bool late_s1(struct sim *s, uint32_t id, uint32_t o)
{
	if (!sim_late(s) || !(s->n[id].dlm_failed & BIT(o)) ||
	    (s->dlm.stopped && s->dlm.off[id - 1]) ||
	    (late_events_first(s) && s->n[id].cbq_len))
		return false;
	s->marks |= SIM_MARK_LATE_S1;
	return true;
}

static void check_invariants(struct sim *s)
{
	int first_mounting = 0;
	uint32_t fm = 0;
	uint32_t jid_holder[NMAX];
	const struct simdlm_res *ctl = &s->dlm.res[RES_CONTROL];

	/* simdlm compares lkb_lvbseq on 8 bits (seq_ge()): exact below 128 */
	if (ctl->lvbseq >= 128)
		violation(s, 0, "simulator: the control lock's value block "
			  "was written 128 times: past the model's sequence "
			  "numbers");

	memset(jid_holder, 0, sizeof(jid_holder));
	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		struct sim_node *n = &s->n[id];
		struct dlmr_coord_status st;

		if (!n->up)
			continue;
		dlmr_coord_status(&n->coord, &st);
		/* S1: not active while a journal of a failed node it knows
		 * of is unrecovered */
		if (st.mounted && !st.blocked) {
			for (unsigned int j = 0; j < s->sc->journals; j++) {
				uint32_t o = s->jowner[j];

				if (!(s->orphan & BIT(j)))
					continue;
				if ((n->known_failed & BIT(o)) ||
				    n->join_epoch > s->orphan_epoch[j])
					violation(s, id, "S1: node %u unblocked "
						  "while journal %u of failed "
						  "node %u is unrecovered",
						  id, j, o);
				else if (late_s1(s, id, o))
					violation(s, id, "S1: node %u unblocked "
						  "while journal %u of failed "
						  "node %u is unrecovered, its "
						  "DLM locking again (late "
						  "delivery: the prep or slot "
						  "event not read)", id, j, o);
			}
		}
		if (first_mounting_now(&n->coord)) {
			first_mounting++;
			fm = id;
		}
		/* S4: live mounted nodes hold distinct jids */
		if (st.mounted && st.jid >= 0 && st.jid < NMAX) {
			if (jid_holder[st.jid])
				violation(s, id, "S4: nodes %u and %u both "
					  "mounted with jid %d",
					  jid_holder[st.jid], id, st.jid);
			jid_holder[st.jid] = id;
		}
	}
	/* S3: one first mounter at a time, nobody else mounted meanwhile */
	if (first_mounting > 1)
		violation(s, fm, "S3: %d nodes are first mounter at once",
			  first_mounting);
	if (first_mounting == 1) {
		for (uint32_t id = 1; id <= s->sc->nodes; id++) {
			struct dlmr_coord_status st;

			if (id == fm || !s->n[id].up)
				continue;
			dlmr_coord_status(&s->n[id].coord, &st);
			if (st.mounted)
				violation(s, id, "S3: node %u finished mounting "
					  "before first mounter %u's first_done",
					  id, fm);
		}
	}
}

/* S5, checked when no step is enabled */
void sim_check_quiescent(struct sim *s, unsigned int line)
{
	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		struct sim_node *n = &s->n[id];
		struct dlmr_coord_status st;

		if (!n->up || n->failed)
			continue;
		dlmr_coord_status(&n->coord, &st);
		if (n->mount_wanted && (!st.mounted || st.blocked)) {
			violation(s, id, "S5: line %u: cluster idle but node %u "
				  "is %s", line, id,
				  !st.mounted ? "not mounted" : "blocked");
			return;
		}
	}
	for (unsigned int j = 0; j < s->sc->journals; j++) {
		if (s->orphan & BIT(j)) {
			bool anyone = false;

			for (uint32_t id = 1; id <= s->sc->nodes; id++)
				if (s->n[id].up && !s->n[id].failed)
					anyone = true;
			if (anyone) {
				violation(s, 0, "S5: line %u: cluster idle but "
					  "journal %u of failed node %u is "
					  "unrecovered", line, j, s->jowner[j]);
				return;
			}
		}
	}
}

/* ---- partial-order reduction ----------------------------------------------- */

void sim_node_view(const struct sim *s, uint32_t id, struct sim_view *v)
{
	const struct sim_node *n = &s->n[id];
	struct dlmr_coord_status st;

	memset(v, 0, sizeof(*v));
	v->up = n->up;
	if (!n->up)
		return; /* nothing else of a down node is read */
	dlmr_coord_status(&n->coord, &st);
	v->join_epoch = n->join_epoch;
	v->jid = st.jid;
	v->in_ls = n->in_ls;
	v->mounted = st.mounted;
	v->first_mounting = first_mounting_now(&n->coord);
	for (unsigned int j = 0; j < s->sc->journals && j < NMAX; j++)
		v->replay[j] = n->replay[j];
}

bool sim_por_candidate(const struct sim *s, uint32_t id, bool faults)
{
	const struct sim_node *n = &s->n[id];
	bool prep = false, slot = false, done = false;
	unsigned int nres = RES_JOURNAL0 + s->sc->journals;

	/* the arguments below rest on the recovery waiting for the
	 * callbacks: none under late delivery (explored in full) */
	if (!n->up || sim_late(s))
		return false;
	/* a node's end of recovery decides other nodes' deferred requests
	 * and grants their queued ones */
	if (s->ends)
		return false;
	/* a queued request is granted (a new AST) by other nodes' unlocks,
	 * a deferred one by recovery; both change its queue rank */
	for (unsigned int r = 0; r < nres; r++) {
		uint8_t w = s->dlm.res[r].locks[id - 1].where;

		if (w == SIMDLM_AT_WAIT || w == SIMDLM_AT_CONVERT ||
		    w == SIMDLM_AT_DEFERRED)
			return false;
	}
	for (unsigned int i = 0; i < n->cbq_len; i++) {
		prep |= n->cbq[i].type == DLMR_EV_PREP;
		slot |= n->cbq[i].type == DLMR_EV_SLOT;
		done |= n->cbq[i].type == DLMR_EV_DONE;
	}
	/* Recovery (SK_REC) must wait for this node: while it holds a prep
	 * (phase STOP), a slot (SLOTS; a fault restarts at STOP, which
	 * comes back to SLOTS and waits again) or a done (NONE; faults are
	 * deferred while dones are pending).  Only recovery and faults
	 * queue callbacks, so with an empty queue nothing may restart it. */
	if (prep) {
		if (s->phase != RP_STOP)
			return false;
	} else if (slot) {
		if (s->phase != RP_SLOTS)
			return false;
	} else if (done) {
		if (s->phase != RP_NONE)
			return false;
	} else if (faults || s->phase != RP_NONE || s->change_pending) {
		return false;
	}
	if (!faults)
		return true;
	/* A crash or mount of another node stops the lockspace (an AST is
	 * disabled, at once or when recovery leaves STOP, or restarted
	 * with callbacks suspended), queues a prep to a running node, and
	 * clears the
	 * known_failed bit a slot callback sets; a fault waits for the
	 * pending dones, but a crash may remove all the others (found by
	 * the explorer's POR check at (2,2,1)). */
	if (n->running)
		return false;
	if (ast_deliverable_to(s, id))
		return false;
	if (n->cbq_len) {
		const struct sim_cb *h = &n->cbq[0];

		if (h->type == DLMR_EV_SLOT && h->nodeid >= 1 &&
		    h->nodeid <= s->sc->nodes && s->n[h->nodeid].up)
			return false;
		if (h->type == DLMR_EV_DONE)
			return false;
	}
	return true;
}

bool sim_por_rec_candidate(const struct sim *s, bool faults)
{
	/* A fault restarts recovery at STOP; lock recovery (LOCKS) decides
	 * requests nodes made meanwhile; a stop (NONE) disables ASTs, and
	 * so does leaving STOP (the callbacks are suspended). */
	if (faults || sim_late(s))
		return false;
	switch (s->phase) {
	case RP_STOP:
		for (uint32_t id = 1; id <= s->sc->nodes; id++)
			if (ast_deliverable_to(s, id))
				return false;
		return !cb_pending(s, DLMR_EV_PREP);
	case RP_SLOTS:
		return s->members && !cb_pending(s, DLMR_EV_SLOT);
	case RP_MEMBERS:
		return true;
	default:
		return false;
	}
}

uint64_t sim_rng_next(uint64_t *x)
{
	/* splitmix64 */
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Whether step @st is a work timer of 1 s or more whose node still has a
 * journal's recovery work item to run (its recovery timer armed). */
static bool slow_before_fast(const struct sim *s, const struct step *st)
{
	const struct sim_node *n = &s->n[st->node];

	if (st->kind != SK_TIMER || st->arg != DLMR_TIMER_WORK || !n->work_slow)
		return false;
	for (unsigned int j = 0; j < s->sc->journals; j++)
		if (n->timer[SIM_TIMER_RECOVERY0 + j])
			return true;
	return false;
}

/*
 * One scheduler step; returns false when nothing is enabled.  The seeded
 * scheduler fires timers at any moment, with one exception of timing: a
 * control work queued with gfs2's 1 s GAVEUP delay does not run while a
 * journal recovery work item of the same node has its next step (0 ms,
 * a few instructions: the recovery timer) still to run.  Without it,
 * random runs meet docs/findings.md finding 10 (which needs a work item
 * delayed past 1 s, or the work pending already) in every few seeds;
 * the explorer, the swarm and scripted steps take every order.
 */
static bool sim_step(struct sim *s)
{
	static const unsigned int max = STEPS_MAX;
	struct step st[STEPS_MAX];
	unsigned int k = sim_enabled_steps(s, st), keep = 0;

	(void)max;
	if (!k)
		return false;
	for (unsigned int i = 0; i < k; i++)
		if (!slow_before_fast(s, &st[i]))
			st[keep++] = st[i];
	if (keep)
		k = keep;
	s->step++;
	sim_run_step(s, &st[sim_rng_next(&s->rng) % k]);
	return true;
}

static int run_wait(struct sim *s, unsigned int line)
{
	while (!s->violated) {
		if (s->step >= s->sc->step_limit) {
			violation(s, 0, "S5: line %u: no quiescence within the "
				  "step limit of %" PRIu64 " steps", line,
				  s->sc->step_limit);
			return 1;
		}
		if (!sim_step(s))
			break;
	}
	if (!s->violated)
		sim_check_quiescent(s, line);
	return s->violated;
}

/* A scenario that cannot run as written: "file:line: problem". */
static int runtime_error(struct sim *s, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int runtime_error(struct sim *s, unsigned int line, const char *fmt, ...)
{
	int n = snprintf(s->runtime_err, sizeof(s->runtime_err), "%.100s:%u: ",
			 s->sc->name, line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->runtime_err + n, sizeof(s->runtime_err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A "step" line: run exactly that step, which must be enabled (to
 * *@ran if not NULL). */
static int run_scripted(struct sim *s, const struct dlmr_scen_cmd *cmd,
			struct step *ran)
{
	static const uint8_t kind[] = {
		[DLMR_SCEN_STEP_CALLBACK] = SK_CB, [DLMR_SCEN_STEP_AST] = SK_AST,
		[DLMR_SCEN_STEP_TIMER] = SK_TIMER,
		[DLMR_SCEN_STEP_REPLAY] = SK_REPLAY,
		[DLMR_SCEN_STEP_RECOVERY] = SK_REC,
		[DLMR_SCEN_STEP_END] = SK_END,
	};
	struct step st[STEPS_MAX];
	unsigned int k = sim_enabled_steps(s, st);
	uint32_t node = 0;

	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (cmd->nodes & BIT(id))
			node = id;
	for (unsigned int i = 0; i < k; i++) {
		struct step run = st[i];

		if (st[i].kind != kind[cmd->step] || st[i].node != node ||
		    (st[i].kind != SK_CB && st[i].kind != SK_REC &&
		     st[i].kind != SK_END && st[i].arg != cmd->step_arg))
			continue;
		if (st[i].kind == SK_REC && cmd->step_arg) {
			/* "master N [lvb-from M]": one of the options */
			unsigned int args[SIM_REC_OPTIONS_MAX], n, j;

			n = sim_rec_options(s, args, SIM_REC_OPTIONS_MAX);
			for (j = 0; j < n && args[j] != cmd->step_arg; j++)
				;
			if (j == n)
				break;
			run.arg = cmd->step_arg;
		}
		s->step++;
		sim_run_step(s, &run);
		if (ran)
			*ran = run;
		return 0;
	}
	return runtime_error(s, cmd->line, "step: that step is not enabled "
			     "here");
}

/* "crash N resend NODE LOCK ...": the crash, with those replies lost. */
static int crash_resend_cmd(struct sim *s, const struct dlmr_scen_cmd *cmd)
{
	struct simdlm_ref rs[DLMR_SCEN_RESEND_MAX];
	uint32_t id = (uint32_t)__builtin_ctzll(cmd->nodes);

	for (unsigned int i = 0; i < cmd->nresend; i++)
		rs[i] = (struct simdlm_ref){ cmd->resend_res[i],
					     cmd->resend_node[i] };
	if (!s->n[id].up)
		return runtime_error(s, cmd->line, "crash: resend: node %u is "
				     "not up", id);
	if (sim_crash_resend(s, id, rs, cmd->nresend))
		return runtime_error(s, cmd->line, "crash: resend: not a reply "
				     "of node %u pending here (a request or "
				     "up-conversion it decided for another "
				     "node, not yet delivered)", id);
	return 0;
}

static int cmp_actor(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * "cycle N" at command *@ci: the next N step lines, run, must come back
 * to the state they started from (the explorer's encoding: the same
 * future), and every actor enabled in every state along them must take
 * a step among them (weak fairness).  Then the run can go round for
 * ever without reaching quiescence although the scheduler is fair:
 * S5.  *@ci is left at the cycle's last step.  Returns 0 (a violation
 * or not) or -1 (a runtime error).
 */
static int run_cycle(struct sim *s, unsigned int *ci)
{
	const struct dlmr_scen_cmd *cyc = &s->sc->cmds[*ci];
	unsigned int n = cyc->step_arg, na = 0, nt = 0;
	size_t len = sim_encode(s, NULL);
	uint8_t *before = malloc(len), *after = NULL;
	struct step *st = calloc(STEPS_MAX, sizeof(*st));
	uint32_t *always = calloc(STEPS_MAX, sizeof(*always));
	uint32_t *taken = calloc(n ? n : 1, sizeof(*taken));
	int ret = 0;

	if (!before || !st || !always || !taken) {
		ret = runtime_error(s, cyc->line, "cycle: out of memory");
		goto out;
	}
	sim_encode(s, before);
	for (unsigned int k = 1; k <= n && !s->violated; k++) {
		const struct dlmr_scen_cmd *cmd = &s->sc->cmds[*ci + k];
		unsigned int ne = sim_enabled_steps(s, st), keep = 0;
		uint32_t *now = calloc(ne ? ne : 1, sizeof(*now));
		struct step ran;

		if (!now) {
			ret = runtime_error(s, cyc->line, "cycle: out of "
					    "memory");
			goto out;
		}
		for (unsigned int i = 0; i < ne; i++)
			now[i] = sim_actor(&st[i]);
		qsort(now, ne, sizeof(*now), cmp_actor);
		if (k == 1) {
			memcpy(always, now, ne * sizeof(*now));
			na = ne;
		}
		/* always := always ∩ now */
		for (unsigned int i = 0, j = 0; i < na; i++) {
			while (j < ne && now[j] < always[i])
				j++;
			if (j < ne && now[j] == always[i])
				always[keep++] = always[i];
		}
		na = keep;
		free(now);
		if (run_scripted(s, cmd, &ran)) {
			ret = -1;
			goto out;
		}
		taken[nt++] = sim_actor(&ran);
	}
	*ci += n;
	if (s->violated)
		goto out;
	/* the encoding's length varies with the state: compare it first */
	if (sim_encode(s, NULL) == len) {
		after = malloc(len);
		if (!after) {
			ret = runtime_error(s, cyc->line, "cycle: out of "
					    "memory");
			goto out;
		}
		sim_encode(s, after);
	}
	if (!after || memcmp(before, after, len)) {
		ret = runtime_error(s, cyc->line, "cycle: the %u steps after "
				    "it do not come back to the state they "
				    "started from", n);
		goto out;
	}
	qsort(taken, nt, sizeof(*taken), cmp_actor);
	for (unsigned int i = 0, j = 0; i < na; i++) {
		while (j < nt && taken[j] < always[i])
			j++;
		if (j == nt || taken[j] != always[i]) {
			struct step x = { (uint8_t)(always[i] >> 24),
					  (always[i] >> 16) & 0xff,
					  always[i] & 0xffff };
			char text[64];

			sim_step_text(&x, text, sizeof(text));
			ret = runtime_error(s, cyc->line, "cycle: '%s' is "
					    "enabled all along it and never "
					    "taken: not weakly fair", text);
			goto out;
		}
	}
	violation(s, 0, "S5: fair livelock: the %u steps after line %u "
		  "come back to their state and take every step enabled all "
		  "along: a fair run that never settles", n, cyc->line);
out:
	free(before);
	free(after);
	free(st);
	free(always);
	free(taken);
	return ret;
}

void sim_setup(struct sim *s, const struct dlmr_scenario *sc, uint64_t seed,
	       dlmr_sim_event_fn fn, void *arg, struct dlmr_sim_result *res)
{
	s->sc = sc;
	s->rng = seed;
	s->fn = fn;
	s->arg = arg;
	s->res = res;
	if (res) {
		memset(res, 0, sizeof(*res));
		res->nodes = sc->nodes;
	}
	s->crash_bound = UINT_MAX;
	simdlm_init(&s->dlm);
	s->dlm.nres = (uint8_t)(RES_JOURNAL0 + sc->journals);
	s->dlm.nnodes = (uint8_t)sc->nodes;
	dlmr_slots_init(&s->slots);
}

/*
 * The finding of docs/findings.md a violation matches, from its
 * invariant and what happened on the way (struct sim.marks); 0 if none
 * or with a mutant (a planted bug is no finding).
 */
static unsigned int sim_finding(const struct sim *s, const char *v)
{
	if (s->sc->mutant)
		return 0;
	if (!strncmp(v, "S3", 2))
		return 3;
	if (!strncmp(v, "S1", 2)) {
		if (s->marks & SIM_MARK_LATE_S1)
			return 11;
		if (s->marks & SIM_MARK_SLOT_BAD)
			return 7;
		if (s->marks & SIM_MARK_VALNOTVALID)
			return 8;
		if (s->marks & SIM_MARK_STALE_RESULT)
			return 6;
		return 0;
	}
	if (!strncmp(v, "S5: fair livelock", 17))
		return 9;
	if (!strncmp(v, "S5", 2)) {
		/* (finding 1, a control work given -EBUSY by the model,
		 * is withdrawn: docs/step-order.md, G) */
		/* gfs2_recover_set() -EBUSY in a journal recovery's last
		 * window: nothing queues the work again, and the cluster
		 * goes idle with the node blocked (finding 10); a node
		 * that retries for ever is not that */
		if ((s->marks & SIM_MARK_RECOVER_BUSY) &&
		    strstr(v, "cluster idle"))
			return 10;
		/* a value block rebuilt after its master failed (finding
		 * 8 (a)) */
		if (s->marks & SIM_MARK_VALNOTVALID)
			return 8;
		/* control_first_done()'s NL taken between the control
		 * work's EX and its NL: the work's write lost (finding 12) */
		if (s->marks & SIM_MARK_CTRL_BESIDE)
			return 12;
	}
	return 0;
}

DLMR_EXPORT int dlmr_sim_run(const struct dlmr_scenario *sc, uint64_t seed,
			     dlmr_sim_event_fn fn, void *arg,
			     struct dlmr_sim_result *res)
{
	struct sim *s;
	int ret = 0;

	if (!sc || !sc->nodes || sc->nodes > NMAX || !sc->journals ||
	    sc->journals > NMAX)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	sim_setup(s, sc, seed, fn, arg, res);

	for (unsigned int c = 0; c < sc->ncmds && !s->violated; c++) {
		const struct dlmr_scen_cmd *cmd = &sc->cmds[c];

		switch (cmd->op) {
		case DLMR_SCEN_MOUNT:
			for (uint32_t id = 1; id <= sc->nodes; id++) {
				if (!(cmd->nodes & BIT(id)))
					continue;
				if (mount_node(s, id)) {
					runtime_error(s, cmd->line, "mount: node "
						      "%u is already up", id);
					goto out;
				}
			}
			break;
		case DLMR_SCEN_WAIT:
			run_wait(s, cmd->line);
			break;
		case DLMR_SCEN_CRASH:
			if (cmd->nresend) {
				if (crash_resend_cmd(s, cmd))
					goto out;
				break;
			}
			if (cmd->at == DLMR_EV_NONE && !cmd->in_wait) {
				for (uint32_t id = 1; id <= sc->nodes; id++)
					if (cmd->nodes & BIT(id))
						crash_node(s, id);
				break;
			}
			s->trig[s->ntrig++] = (struct sim_trigger){
				.at = cmd->at, .res = cmd->at_res,
				.on = cmd->on, .nodes = cmd->nodes,
				.line = cmd->line, .armed = true,
				.in_wait = cmd->in_wait };
			break;
		case DLMR_SCEN_STEP:
			if (run_scripted(s, cmd, NULL))
				goto out;
			break;
		case DLMR_SCEN_CYCLE:
			if (run_cycle(s, &c))
				goto out;
			break;
		case DLMR_SCEN_LEAVE:
			for (uint32_t id = 1; id <= sc->nodes; id++) {
				struct dlmr_input in = { .type = DLMR_IN_UNMOUNT };
				struct dlmr_coord_status st;

				if (!(cmd->nodes & BIT(id)))
					continue;
				dlmr_coord_status(&s->n[id].coord, &st);
				if (!s->n[id].up || !st.mounted) {
					runtime_error(s, cmd->line, "leave: node "
						      "%u is not mounted", id);
					goto out;
				}
				s->n[id].leaving = true;
				feed(s, id, &in);
			}
			break;
		}
	}
	/* the scenario ends with the cluster left to settle */
	if (!s->violated)
		run_wait(s, sc->ncmds ? sc->cmds[sc->ncmds - 1].line : 0);
	for (unsigned int t = 0; t < s->ntrig && !s->violated; t++) {
		if (s->trig[t].armed) {
			runtime_error(s, s->trig[t].line, "crash trigger never "
				      "fired");
			break;
		}
	}
out:
	if (res) {
		res->steps = s->step;
		res->violated = s->violated;
		for (uint32_t id = 1; id <= sc->nodes; id++) {
			struct dlmr_coord_status st;

			dlmr_coord_status(&s->n[id].coord, &st);
			res->alive[id] = s->n[id].up;
			res->jid[id] = s->n[id].up && st.mounted ? st.jid : -1;
		}
		if (s->runtime_err[0] && !s->violated)
			snprintf(res->violation, sizeof(res->violation), "%s",
				 s->runtime_err);
		if (s->violated)
			res->finding = sim_finding(s, res->violation);
	}
	if (s->violated)
		ret = 1;
	else if (s->runtime_err[0])
		ret = -ENOEXEC;
	free(s);
	return ret;
}
