/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two recovery stacks of the cluster4 gfs_controld plan, side by side
 * (internal; see docs/stacks.md).
 *
 * A small explicit-state model of ONE recovery after a node failure:
 * every survivor runs the plan's step list (cluster3: 11 steps of
 * dlm_controld, gfs_controld and the kernels; cluster4: 7 steps of
 * dlm_controld and dlm-kernel callbacks into gfs-kernel).  Steps are
 * actions with local dependencies (same survivor) and round dependencies
 * (a CPG message round completes only when every survivor's daemon has
 * sent its message).  A daemon process may die; a dead daemon takes no
 * further step.  dlmr_stacks_explore() visits every interleaving.
 *
 * Pure C, no global mutable state; uses only the public API, libc and
 * json-c so that dlmctl can build it in.
 */
#ifndef DLMR_STACKS_H
#define DLMR_STACKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <dlmrecover.h>

#define DLMR_STACKS_STEPS_MAX 16
#define DLMR_STACKS_SURVIVORS_MAX 31  /* dlmr_stacks_run() */
#define DLMR_STACKS_EXPLORE_NODES_MAX 8 /* dlmr_stacks_explore(): N */

enum dlmr_stack {
	DLMR_STACK_CLUSTER3 = 0,
	DLMR_STACK_CLUSTER4,
	DLMR_STACK_NR,
};

/* Who takes a step.  Only the daemons can die. */
enum dlmr_actor {
	DLMR_ACTOR_DLM_CONTROLD = 0,
	DLMR_ACTOR_GFS_CONTROLD,
	DLMR_ACTOR_DLM_KERNEL,
	DLMR_ACTOR_GFS_KERNEL,
	DLMR_ACTOR_NR,
};

enum dlmr_step_kind {
	DLMR_STEP_NOTICE = 1, /* sees nodedown */
	DLMR_STEP_STOP,       /* stops a kernel */
	DLMR_STEP_WAIT,       /* waits for the other daemon */
	DLMR_STEP_SYNC,       /* sends its message of a CPG round */
	DLMR_STEP_START,      /* starts a kernel's recovery */
	DLMR_STEP_RECOVER,    /* gfs-kernel recovery of the jid */
	DLMR_STEP_UNBLOCK,    /* gfs-kernel unblocked */
};

struct dlmr_stack_step {
	enum dlmr_actor actor;
	enum dlmr_step_kind kind;
	const char *text;      /* as the plan words it */
	const char *via;       /* "libcpg", "sysfs control 0", ... */
	uint32_t after;        /* steps of the same survivor done before */
	uint32_t after_all;    /* steps every survivor has done before */
	uint32_t needs_alive;  /* actors (bit) that must be alive to take it */
};

struct dlmr_stack_desc {
	const char *name;      /* "cluster3", "cluster4" */
	const char *title;     /* "cluster3 dlm/gfs recovery" */
	unsigned int nsteps;
	const struct dlmr_stack_step *steps;
};

/* The static description of a stack; NULL for a bad value. */
const struct dlmr_stack_desc *dlmr_stacks_desc(enum dlmr_stack st);
/* From "cluster3"/"cluster4"; -EINVAL for anything else. */
int dlmr_stacks_from_name(const char *name, enum dlmr_stack *st);

/* Counts per recovery (derived from the step table, not stored). */
struct dlmr_stack_counts {
	unsigned int steps;        /* per survivor */
	unsigned int steps_total;  /* all survivors */
	unsigned int daemons;      /* distinct daemon processes per node */
	unsigned int rounds;       /* CPG message rounds */
	unsigned int sysfs_writes; /* per survivor */
	unsigned int callbacks;    /* dlm-kernel -> gfs-kernel, per survivor */
};

int dlmr_stacks_counts(enum dlmr_stack st, unsigned int survivors,
		       struct dlmr_stack_counts *c);

/* What one daemon's death at one point of its step chain led to. */
struct dlmr_stack_death {
	enum dlmr_actor actor;
	unsigned int before;       /* index of its first step not taken */
	unsigned int ends;         /* terminal states reached */
	unsigned int ends_stalled; /* ... of which are stalls */
	unsigned int stalled_min;  /* survivors left with gfs blocked */
	unsigned int stalled_max;
};

#define DLMR_STACKS_DEATHS_MAX (2 * DLMR_STACKS_STEPS_MAX)

struct dlmr_stack_explore_result {
	unsigned int nodes, survivors;
	uint64_t states;            /* without faults */
	uint64_t ends;              /* terminal states without faults */
	bool always_completes;      /* every fault-free end completes */
	uint64_t states_faults;     /* with at most one daemon death */
	unsigned int ndeaths;
	struct dlmr_stack_death deaths[DLMR_STACKS_DEATHS_MAX];
};

/*
 * Explore every interleaving of one recovery in an @nodes-node cluster
 * (one node failed; @nodes - 1 survivors, which are symmetric: states are
 * kept up to a permutation of survivors).  Once without faults, once with
 * at most one daemon death anywhere.
 * Returns 0, -EINVAL (bad stack or nodes outside 2..8), -ENOMEM.
 */
int dlmr_stacks_explore(enum dlmr_stack st, unsigned int nodes,
			struct dlmr_stack_explore_result *res);

/* One step taken in a deterministic run. */
typedef void (*dlmr_stacks_step_fn)(unsigned int survivor,
				    const struct dlmr_stack_step *step,
				    void *arg);

/*
 * Run one recovery with @survivors survivors (1..31) with a fixed
 * schedule: always the enabled step with the lowest (step, survivor).
 * Returns the number of steps taken, or -EINVAL.
 */
int dlmr_stacks_run(enum dlmr_stack st, unsigned int survivors,
		    dlmr_stacks_step_fn fn, void *arg);

/* `dlmctl sim --compare`: the text or (@json) JSON report on @f. */
int dlmr_stacks_compare(FILE *f, unsigned int nodes, bool json);

/*
 * `dlmctl sim --stack cluster3 SCENARIO`: run the scenario in the
 * simulator, and for every recovery it performs (crashes at one step)
 * print the cluster3 steps of every survivor, as text or (@json) as one
 * JSON object.  Returns what dlmr_sim_run() returned; @res as there.
 */
int dlmr_stacks_scenario(FILE *f, const struct dlmr_scenario *sc,
			 uint64_t seed, struct dlmr_sim_result *res, bool json);

#endif
