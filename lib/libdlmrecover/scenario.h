/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsed scenario (internal).  The text format is documented in
 * docs/scenario-format.md; dlmr_scenario_parse() fills this.
 */
#ifndef DLMR_SCENARIO_H
#define DLMR_SCENARIO_H

#include "internal.h"

#define DLMR_SCEN_CMDS_MAX 4096 /* counterexamples are long */
#define DLMR_SCEN_STEP_LIMIT_DEFAULT 20000
#define DLMR_SCEN_RESEND_MAX 8 /* "resend" groups on one crash line */

enum dlmr_scen_op {
	DLMR_SCEN_MOUNT = 1, /* "mount NODES": join + mount, concurrently */
	DLMR_SCEN_WAIT,      /* "wait": run until quiescent */
	DLMR_SCEN_CRASH,     /* "crash NODES [at EVENT[:RESOURCE] [on NODE] | in members-wait]" */
	DLMR_SCEN_LEAVE,     /* "leave NODES": clean unmount, leave lockspace */
	DLMR_SCEN_STEP,      /* "step KIND ...": one exact scheduler step */
	DLMR_SCEN_CYCLE,     /* "cycle N": the next N step lines are a weakly
				fair cycle (a lasso's loop, sim.c run_cycle()) */
};

/* The scheduler steps a "step" line names (counterexamples replay them). */
enum dlmr_scen_step {
	DLMR_SCEN_STEP_CALLBACK = 1, /* step callback NODE */
	DLMR_SCEN_STEP_AST,          /* step ast NODE control|mounted|journal J */
	DLMR_SCEN_STEP_TIMER,        /* step timer NODE mount|work|recovery J */
	DLMR_SCEN_STEP_REPLAY,       /* step replay NODE J */
	DLMR_SCEN_STEP_RECOVERY,     /* step recovery */
	DLMR_SCEN_STEP_END,          /* step end NODE */
};

/* Resource qualifier of a trigger ("at lock:control"). */
enum dlmr_scen_res {
	DLMR_SCEN_RES_ANY = 0,
	DLMR_SCEN_RES_CONTROL,
	DLMR_SCEN_RES_MOUNTED,
	DLMR_SCEN_RES_JOURNAL,
};

struct dlmr_scen_cmd {
	enum dlmr_scen_op op;
	uint64_t nodes;      /* bit n set: nodeid n (1..32) */
	/* CRASH with a trigger: fire when node `on` emits event `at` */
	enum dlmr_event_type at;   /* DLMR_EV_NONE: crash at once */
	enum dlmr_scen_res at_res; /* resource qualifier for lock events */
	uint32_t on;               /* 0: each crashed node itself */
	/* CRASH "in members-wait": fire when the recovery enters
	 * dlm_recover_members_wait (slots reset to -1), before it assigns */
	bool in_wait;
	/* CRASH at once of one node: the replies it had sent that are lost
	 * with it and resent ("resend NODE LOCK", sim_crash_resend()):
	 * requester nodes and resources (0 control, 1 mounted, 2 + j) */
	unsigned int nresend;
	uint8_t resend_node[DLMR_SCEN_RESEND_MAX];
	uint8_t resend_res[DLMR_SCEN_RESEND_MAX];
	/* STEP: which step; the node is the one bit of `nodes` */
	enum dlmr_scen_step step;
	unsigned int step_arg;     /* AST: resource (0 control, 1 mounted,
				      2 + j journal j); TIMER: timer id,
				      2 + j the recovery timer of journal j;
				      REPLAY: journal; RECOVERY: master |
				      from << 8; CYCLE: its step count */
	unsigned int line;         /* source line, for messages */
};

struct dlmr_scenario {
	char name[256];            /* file name given to the parser */
	unsigned int nodes;        /* 1..DLMR_SIM_NODES_MAX */
	unsigned int journals;     /* 1..DLMR_SIM_NODES_MAX; default nodes */
	char ls[DLMR_LSNAME_MAX + 1]; /* lockspace name; default "gfs0" */
	uint64_t seed;             /* default 1 */
	bool has_seed;
	uint64_t step_limit;       /* default DLMR_SCEN_STEP_LIMIT_DEFAULT */
	unsigned int mutant;       /* "mutant NAME": a planted bug; 0 none */
	unsigned int fixes;        /* "fix NAME" lines: bit 1 << id */
	/* "delivery kernel|late": how the coordinators get prep/slot/done
	 * (enum dlmr_delivery; sim.c, "Late delivery") */
	unsigned int delivery;
	unsigned int ncmds;
	struct dlmr_scen_cmd cmds[DLMR_SCEN_CMDS_MAX];
};

/*
 * dlmr_scenario_parse() on a buffer of @len bytes that need not be
 * NUL-terminated, so that a NUL byte read from a file is reported as an
 * error instead of silently ending the text.
 */
int dlmr_scenario_parse_buf(const char *text, size_t len, const char *name,
			    struct dlmr_scenario **out, char *err, size_t errlen);

#endif
