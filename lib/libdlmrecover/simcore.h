/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's state and steps (internal), shared by the scheduler
 * (sim.c) and the explorer (explore*.c): one copy of the model.
 */
#ifndef DLMR_SIMCORE_H
#define DLMR_SIMCORE_H

#include "coord.h"
#include "scenario.h"
#include "simdlm.h"

#define NMAX DLMR_SIM_NODES_MAX
#define CBQ_MAX 96
#define RES_CONTROL 0
#define RES_MOUNTED 1
#define RES_JOURNAL0 2
#define SIM_TIMER_RECOVERY0 2
#define SIM_TIMERS (SIM_TIMER_RECOVERY0 + NMAX)

enum rec_phase {
	RP_NONE = 0, /* no recovery */
	RP_STOP,     /* waiting for preps to be delivered */
	RP_SLOTS,    /* recover_slot callbacks being delivered */
	RP_MEMBERS,  /* slots to be assigned (transient: see members_wait()) */
	RP_LOCKS,    /* lock recovery, then done */
};

struct sim_cb {
	uint8_t type;    /* DLMR_EV_PREP/SLOT/DONE */
	uint32_t nodeid; /* SLOT */
	int slot;        /* SLOT */
	/* SLOT, late delivery only: node `nodeid` crashed again after the
	 * event was sent (an event of its earlier life; explore_encode.c
	 * codec_late()) */
	uint8_t stale;
};

/* Late delivery (sim.c, "Late delivery"): a recover_done event as the
 * kernel sent it, at the node's end of a recovery. */
#define SIM_LDONE_MAX 6
struct sim_ldone {
	uint32_t generation;
	uint8_t num;
	struct { uint8_t nodeid, slot; } s[NMAX];
};

struct sim_node {
	bool up;          /* running (not crashed, not powered off) */
	bool in_ls;       /* in the lockspace's target membership */
	bool running;     /* lockspace running (done since last prep) */
	bool joined;      /* first done delivered */
	bool mount_wanted;/* feed MOUNT after the first done */
	bool mount_fed;
	bool failed;      /* the mount failed */
	bool leaving;     /* unmount requested */
	/* the coordinator's timers: DLMR_TIMER_MOUNT, DLMR_TIMER_WORK, then
	 * DLMR_TIMER_RECOVERY of journal j at SIM_TIMER_RECOVERY0 + j (a
	 * step's arg, as timer_index() gives) */
	bool timer[SIM_TIMERS];
	/* the work timer was asked for with a delay of 1 s or more (a
	 * GAVEUP result's retry): read only by the seeded scheduler
	 * (sim_step()), not by the explorer, and not encoded */
	bool work_slow;
	unsigned int cbq_len;
	struct sim_cb cbq[CBQ_MAX];
	bool replay[NMAX];      /* journal replay asked for, not finished */
	uint64_t known_failed;  /* bit o: told (recover_slot) node o failed */
	/* bit o: this node's memb->slot of member o is -1: its
	 * dlm_recover_members_wait() reset it and was interrupted before
	 * the slots were assigned or copied in (sim.c members_wait()) */
	uint64_t slot_reset;
	uint64_t join_epoch;    /* sim epoch when it joined */
	int8_t req_mode[SIMDLM_RES_MAX]; /* mode of the last request */
	/* mode of the request before it, while its completion is still to
	 * come (a second request on the lock: docs/step-order.md, G); for
	 * the trace's events only, like req_mode outside held requests */
	int8_t req_mode0[SIMDLM_RES_MAX];
	/* late delivery only (zero otherwise; explore_encode.c codec_late()):
	 * bit o: this node's DLM has started a recovery that removed
	 * failed node o (recover_slot sent, read or not) */
	uint64_t dlm_failed;
	/* the recover_done events in cbq, oldest first, with their table */
	unsigned int ldone_len;
	struct sim_ldone ldone[SIM_LDONE_MAX];
	/* bit r: a request on resource r waits for this node's own unlock
	 * of it to complete (sim.c hold_request()), or, with another
	 * operation on the lock in flight, for this node's end of recovery
	 * (blocked in dlm_lock_recovery(): sim.c submit_request()); its
	 * mode is req_mode[r], its flags held_flags[r] */
	uint64_t held;
	uint8_t held_flags[SIMDLM_RES_MAX];
	struct dlmr_coord coord;
};

struct sim_trigger {
	enum dlmr_event_type at;
	enum dlmr_scen_res res;
	uint32_t on;
	uint64_t nodes;       /* nodes still to crash */
	unsigned int line;
	bool armed;
	bool in_wait;         /* "in members-wait": see members_wait() */
};

struct sim {
	const struct dlmr_scenario *sc;
	uint64_t rng;
	uint64_t step;
	dlmr_sim_event_fn fn;
	void *arg;
	struct dlmr_sim_result *res;
	int violated;

	struct simdlm dlm;
	struct dlmr_slot_table slots;
	enum rec_phase phase;
	bool change_pending;
	bool slots_assigned;    /* in this (possibly restarted) recovery */
	bool cb_suspended;      /* dlm_callback_suspend() .. _resume() */
	uint64_t ends;          /* members whose end of the lock recovery
				 * (SK_END) has not come yet */
	uint64_t members;       /* the lockspace's members (ls_nodes) */
	uint64_t crashed;       /* removed by failure, not yet reported */

	/* filesystem */
	uint64_t dirty;         /* journal j dirty */
	uint64_t mounted_inc;   /* node n mounted since it last joined */
	uint64_t orphan;        /* dirty and its writer is gone */
	uint32_t jowner[NMAX];  /* node that last wrote journal j */
	uint64_t orphan_epoch[NMAX]; /* sim epoch when it was orphaned */
	uint64_t epoch;         /* counts faults: crashes and joins */

	/* the explorer's bound on crashes (explore_encode.c codec_body()); the
	 * simulator leaves it at UINT_MAX */
	unsigned int crash_bound;

	/* what happened on the way, for the finding a violation matches
	 * (SIM_MARK_*; history only the end of dlmr_sim_run() reads: the
	 * explorer neither encodes nor reads it) */
	unsigned int marks;

	unsigned int ntrig;
	struct sim_trigger trig[DLMR_SCEN_CMDS_MAX];
	char runtime_err[DLMR_DETAIL_MAX];

	struct sim_node n[NMAX + 1];
};

#define BIT(n) (1ull << (n))

/* struct sim.marks */
#define SIM_MARK_SLOT_BAD     0x02 /* a recover_slot with slot < 1 */
#define SIM_MARK_VALNOTVALID  0x04 /* a control grant with VALNOTVALID */
#define SIM_MARK_STALE_RESULT 0x08 /* a journal orphaned while a node had
				      an unconsumed success for it */
#define SIM_MARK_LATE_S1      0x20 /* S1 through late delivery: the DLM
				      recovered, the coordinator not told
				      (finding 11) */
#define SIM_MARK_RECOVER_BUSY 0x10 /* gfs2_recover_set() -EBUSY after the
				      journal's result (finding 10) */
#define SIM_MARK_CTRL_BESIDE  0x40 /* the DLM took a control request while
				      the node's other one was in flight
				      (finding 12) */

/* What one step does.  SK_CRASH and SK_MOUNT are faults: the explorer and
 * scripted scenarios inject them; the scheduler never picks them.
 * SK_END is a node's own end of a lock recovery (sim.c node_end()).
 * SK_CRASH with arg SK_CRASH_IN_WAIT is the recovery step that enters
 * dlm_recover_members_wait() (every member's slot reset to -1) with the
 * node failing inside it, before the slots are assigned: the step is
 * enabled where the recovery step would assign the slots (sim.c
 * members_wait()). */
#define SK_CRASH_IN_WAIT 1
/*
 * SK_CRASH of a node (not SK_CRASH_IN_WAIT) may also say which replies
 * it had sent are lost with it (Linux 6.1 fs/dlm/lock.c
 * dlm_recover_waiters_pre(): the requests and up-conversions awaiting
 * them are resent to the new master after the recovery,
 * simdlm_resend()): arg bits 8.. hold up to SIM_RESEND_MAX of the
 * completions simdlm_resend_options() lists, 8 bits each, node | res << 4
 * (the explorer's bounds: at most 8 nodes, 10 resources).  The others are
 * delivered as decided (their replies had arrived).
 */
#define SIM_RESEND_MAX 3
static inline unsigned int sim_resend_entry(uint32_t node, unsigned int res)
{
	return (node & 0xfu) | (res & 0xfu) << 4;
}
enum step_kind { SK_CB, SK_AST, SK_TIMER, SK_REPLAY, SK_REC, SK_CRASH,
		 SK_MOUNT, SK_END };

struct step {
	uint8_t kind;
	uint32_t node;
	unsigned int arg;
};

/* The recovery step's choices (sim_rec_options()): one per new master
 * and tie winner, so at most 8 * 7 in the explorer (8 nodes at most);
 * a bigger simulated cluster gets the first 64. */
#define SIM_REC_OPTIONS_MAX 64
#define STEPS_MAX (NMAX * (4 + SIMDLM_RES_MAX + NMAX) + 4 + SIM_REC_OPTIONS_MAX)


/* A step's actor, for weak fairness (explore_graph.c graph_fair(), sim.c
 * "cycle"): the step's identity, but one actor for the recovery's
 * choices. */
static inline uint32_t sim_actor(const struct step *st)
{
	if (st->kind == SK_REC)
		return (uint32_t)SK_REC << 24;
	return (uint32_t)st->kind << 24 | (st->node & 0xff) << 16 |
	       (st->arg & 0xffff);
}

/* @p as a scenario line, without the newline (explore_model.c). */
void sim_step_text(const struct step *p, char *buf, size_t n);

/* The explorer's reduced encoding of @s (explore_encode.c xp_codec()), to tell
 * whether two states are the same for the future; returns its length,
 * and writes it to @buf unless NULL. */
size_t sim_encode(struct sim *s, uint8_t *buf);

/* Set up an empty cluster for @sc (not owned). */
void sim_setup(struct sim *s, const struct dlmr_scenario *sc, uint64_t seed,
	       dlmr_sim_event_fn fn, void *arg, struct dlmr_sim_result *res);
/* Whether lock completions (ASTs) can be delivered to node @id now: see
 * sim.c. */
bool sim_asts_deliverable(const struct sim *s, uint32_t id);
/* The enabled scheduler steps, in a fixed order; returns the count. */
unsigned int sim_enabled_steps(const struct sim *s, struct step *st);
/* The arguments of the recovery step when it rebuilds the control
 * resource (its master was removed) and there is a choice: to @args, up
 * to @max; returns their number (0 or 1: no choice, the step's arg is 0). */
unsigned int sim_rec_options(const struct sim *s, unsigned int *args,
			     unsigned int max);
/* Whether the recovery's next step enters dlm_recover_members_wait()
 * (where SK_CRASH_IN_WAIT may be injected). */
bool sim_in_wait_possible(const struct sim *s);
/* Crash node @id with the replies of @rs (@n of them, each listed by
 * simdlm_resend_options() for @id) lost and resent: SK_CRASH with
 * sim_resend_entry()s, and "crash N resend ...".  -ENOENT, and no
 * crash, if one of them is not such a reply. */
int sim_crash_resend(struct sim *s, uint32_t id, const struct simdlm_ref *rs,
		     unsigned int n);
/* Run one step (faults included), then check S1-S4. */
void sim_run_step(struct sim *s, const struct step *st);
/* The scheduler's generator (splitmix64), shared with the swarm. */
uint64_t sim_rng_next(uint64_t *x);
/* S5 when no step is enabled: everybody mounted and unblocked, no
 * journal of a failed node left dirty.  @line is for the message. */
void sim_check_quiescent(struct sim *s, unsigned int line);

/* ---- partial-order reduction (explore_por.c) ---- */

/* What the invariants and the other nodes' steps read of node @id, but
 * blocked and known_failed (read by S1 of this node only; explore_por.c says
 * why that is enough): a step of that node that leaves this unchanged is
 * invisible. */
struct sim_view {
	uint64_t join_epoch;
	int32_t jid;
	uint8_t up, in_ls, mounted, first_mounting;
	uint8_t replay[NMAX];
};

void sim_node_view(const struct sim *s, uint32_t id, struct sim_view *v);
/*
 * Whether node @id's enabled steps may form an ample set on their own,
 * as far as the state shows (the explorer checks the rest by running
 * them): no other node's step, no recovery step and (with @faults) no
 * crash or reboot of another node can enable a new step of @id, disable
 * one or read what they change before one of them runs.  The argument
 * is in explore_por.c.
 */
bool sim_por_candidate(const struct sim *s, uint32_t id, bool faults);
/*
 * Whether the recovery step alone is an ample set: it is enabled, and
 * no fault is left.  In STOP, SLOTS and MEMBERS it reads and writes the
 * membership, the slot table and the tails of the callback queues, and
 * no protocol step reads those (a done reads the slot table, but no done
 * is pending in these phases) or can disable it (none queues a prep or
 * a slot).  Leaving STOP suspends the callbacks, which disables a
 * deliverable lock completion: then it is not an ample set.  It changes
 * no sim_view.
 */
bool sim_por_rec_candidate(const struct sim *s, bool faults);

/* Late delivery (DLMR_DELIVERY_LATE): sim.c. */
static inline bool sim_late(const struct sim *s)
{
	return s->sc->delivery == DLMR_DELIVERY_LATE;
}

#endif
