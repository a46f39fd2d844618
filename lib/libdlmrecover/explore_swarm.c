// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swarm testing, dlmr_swarm() (`dlmctl explore --random`; map:
 * explore.c): random schedules with random fault injection.
 */

#include "explore.h"

#define SWARM_STEPS_MAX 4000

DLMR_EXPORT int dlmr_swarm(const struct dlmr_explore_config *cfg,
			   uint64_t runs, uint64_t seed,
			   dlmr_explore_progress_fn progress, void *arg,
			   struct dlmr_explore_stats *st, char **cex)
{
	struct dlmr_scenario *sc = NULL;
	struct sim *s = NULL;
	struct ctx x = { .cfg = cfg, .st = st, .swarm = true };
	struct xstate xs = { 0 }, root_xs = { 0 };
	struct step *steps = NULL, *path = NULL;
	uint8_t *root = NULL;
	size_t root_len;
	int ret;

	if (!cfg || !st || !cex || xp_bad_config(cfg))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	*cex = NULL;
	ret = xp_setup_root(cfg, &x, &sc, &s);
	steps = calloc(STEPS_MAX + 2 * DLMR_SIM_NODES_MAX, sizeof(*steps));
	path = calloc(SWARM_STEPS_MAX + 1, sizeof(*path));
	if (ret || !steps || !path) {
		ret = -ENOMEM;
		goto out;
	}
	root_len = xp_codec(s, &root_xs, NULL, true, NULL, false);
	root = malloc(root_len);
	if (!root) {
		ret = -ENOMEM;
		goto out;
	}
	xp_codec(s, &root_xs, root, true, NULL, false);

	for (uint64_t run = 0; run < runs && !st->violated; run++) {
		uint64_t rng = seed ^ (run * 0xd1342543de82ef95ull);
		/* Swarm testing varies the fault rate per run: one fault in
		 * about 16, 64, 256 or 1024 steps.  At a fixed rate nearly
		 * every run crashes a node within a hundred steps, and a
		 * crash often ends a livelock (the first mounter's crash
		 * frees the node that waits for it). */
		uint64_t every = 16ull << (2 * (sim_rng_next(&rng) % 4));
		size_t n = 0;

		xp_codec(s, &xs, root, false, NULL, false);
		s->violated = 0;
		x.detail[0] = '\0';
		x.res.violation[0] = '\0';
		for (;;) {
			unsigned int ksim = sim_enabled_steps(s, steps);
			unsigned int k = xp_transitions(s, &xs, cfg, steps);
			unsigned int faults = k - ksim;
			const struct step *pick;

			if (!ksim && (!faults || sim_rng_next(&rng) % 2)) {
				sim_check_quiescent(s, 0);
				if (s->violated)
					*cex = xp_write_scenario(&x, path, n, true,
								 0, NULL, 0);
				break;
			}
			if (n >= SWARM_STEPS_MAX) {
				snprintf(x.detail, sizeof(x.detail), "S5: no "
					 "quiescence within %d steps",
					 SWARM_STEPS_MAX);
				s->violated = 1;
				*cex = xp_write_scenario(&x, path, n, true, n,
							 NULL, 0);
				break;
			}
			/* a fault now and then, a protocol step otherwise */
			if (faults && (!ksim || sim_rng_next(&rng) % every == 0))
				pick = &steps[ksim + sim_rng_next(&rng) % faults];
			else
				pick = &steps[sim_rng_next(&rng) % ksim];
			if (pick->kind == SK_CRASH)
				xs.crashes++;
			if (pick->kind == SK_MOUNT)
				xs.rejoins++;
			path[n++] = *pick;
			sim_run_step(s, pick);
			st->transitions++;
			if (s->violated) {
				*cex = xp_write_scenario(&x, path, n, false, 0,
							 NULL, 0);
				break;
			}
		}
		st->runs++;
		if (s->violated) {
			st->violated = true;
			snprintf(st->violation, sizeof(st->violation), "%s",
				 xp_detail(&x));
			if (!*cex) {
				ret = -ENOMEM;
				goto out;
			}
			ret = 1;
		}
		if (progress && (st->runs & 0xff) == 0 && progress(st, arg)) {
			ret = -EINTR;
			goto out;
		}
	}
	st->complete = !st->violated;
out:
	free(root);
	free(path);
	free(steps);
	free(s);
	free(sc);
	return ret;
}
