// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tutorial: run the built-in scenario in the simulator and watch the
 * recovery callbacks the way a lockspace user (gfs2, md-cluster, ...)
 * receives them, validating their order with the contract checker.
 *
 * Build:  cc simulate.c $(pkg-config --cflags --libs dlmrecover)
 * Run:    ./a.out [SEED]
 */
#include <stdio.h>
#include <stdlib.h>

#include <dlmrecover.h>

struct watch {
	struct dlmr_contract *contract;
	unsigned int callbacks;
	int violations;
};

/* Called for every simulated event, in order. */
static void on_event(const struct dlmr_event *ev, void *arg)
{
	struct watch *w = arg;

	/* The contract follows each (node, lockspace) stream; join, leave
	 * and crash events end a node's stream, so feed it everything. */
	if (dlmr_contract_feed(w->contract, ev) == 1) {
		printf("  contract violated: %s\n",
		       dlmr_contract_reason(w->contract));
		w->violations++;
	}

	switch (ev->type) {
	case DLMR_EV_PREP:
		/* recover_prep: the DLM stopped; gfs2 blocks locking here */
		printf("node %u: recover_prep\n", ev->node);
		break;
	case DLMR_EV_SLOT:
		/* recover_slot: a member failed; its journal (slot - 1) needs
		 * recovery once locking works again */
		printf("node %u: recover_slot nodeid %u slot %d (jid %d)\n",
		       ev->node, ev->nodeid, ev->slot, ev->slot - 1);
		break;
	case DLMR_EV_DONE:
		/* recover_done: lock recovery finished; the slot table */
		printf("node %u: recover_done generation %u our_slot %d, %u "
		       "members\n", ev->node, ev->generation, ev->our_slot,
		       ev->num_slots);
		break;
	case DLMR_EV_MOUNTED:
		printf("node %u: mounted with jid %d%s\n", ev->node, ev->jid,
		       ev->first ? " (first mounter)" : "");
		return;
	case DLMR_EV_CRASH:
		printf("node %u: crashed\n", ev->node);
		return;
	default:
		return;
	}
	w->callbacks++;
}

int main(int argc, char **argv)
{
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	struct watch w = { 0 };
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	char err[256];
	int r;

	if (!res || dlmr_contract_new(&w.contract))
		return 3;
	r = dlmr_scenario_parse(dlmr_scenario_default_text(), "default", &sc,
				err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	r = dlmr_sim_run(sc, seed, on_event, &w, res);
	printf("%u callbacks, %d contract violations, invariants %s\n",
	       w.callbacks, w.violations, r == 0 ? "held" : res->violation);
	dlmr_scenario_free(sc);
	dlmr_contract_free(w.contract);
	free(res);
	return r == 0 && w.violations == 0 && w.callbacks > 0 ? 0 : 1;
}
