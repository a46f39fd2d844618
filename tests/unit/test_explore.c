/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The explorer: every planted bug is caught, with a counterexample that
 * the simulator replays to a violation; gfs2's protocol with the proposed
 * fix first-done-serial is clean at the same bounds; and the findings on
 * gfs2's unmodified protocol (docs/findings.md) are reported and replay.
 * ignore-lvb-bits needs three nodes: the swarm finds it here, and the
 * 'explore' suite proves the exhaustive search finds it too.
 */
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

static unsigned int fix_bit(const char *name)
{
	int id = dlmr_fix_from_name(name);

	assert_true(id > 0);
	return 1u << id;
}

/* Explore; on a violation, replay the counterexample in the simulator. */
static int explore(unsigned int nodes, unsigned int failures,
		   unsigned int rejoins, const char *mutant, unsigned int fixes,
		   struct dlmr_explore_stats *st)
{
	struct dlmr_explore_config cfg = {
		.nodes = nodes, .journals = nodes, .failures = failures,
		.rejoins = rejoins, .fixes = fixes,
		.max_states = 5000000,
	};
	char *cex = NULL;
	int r;

	if (mutant) {
		r = dlmr_mutant_from_name(mutant);
		assert_true(r > 0);
		cfg.mutant = (unsigned int)r;
	}
	r = dlmr_explore(&cfg, NULL, NULL, st, &cex);
	if (r == 1) {
		struct dlmr_scenario *sc;
		struct dlmr_sim_result *res = malloc(sizeof(*res));
		char err[256];

		assert_non_null(cex);
		assert_non_null(res);
		if (dlmr_scenario_parse(cex, "cex", &sc, err, sizeof(err)))
			fail_msg("counterexample does not parse: %s\n%s", err, cex);
		/* replayed by the simulator, whatever the seed */
		for (uint64_t seed = 1; seed <= 3; seed++) {
			assert_int_equal(dlmr_sim_run(sc, seed, NULL, NULL, res), 1);
			/* the same invariant fails */
			assert_memory_equal(res->violation, st->violation, 2);
		}
		dlmr_scenario_free(sc);
		free(res);
		free(cex);
	} else {
		assert_null(cex);
	}
	return r;
}

static void test_mutants_caught(void **state)
{
	static const char *const caught[] = {
		"unblock-early", "clear-bit-early", "mounted-queue",
		"skip-first-recovery",
	};
	struct dlmr_explore_stats st;
	unsigned int n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		int r = explore(2, 1, 1, caught[i],
				fix_bit("first-done-serial"), &st);

		if (r != 1)
			fail_msg("mutant %s not caught at (2,1,1): %d", caught[i], r);
		assert_true(st.violated);
		assert_true(st.states > 1);
	}
	/* every mutant the library has is covered here or below */
	while (dlmr_mutant_name(n + 1))
		n++;
	assert_int_equal(n, 5);
}

/* Swarm: random schedules find the three-node mutant; the counterexample
 * replays; the fixed protocol survives the same runs. */
static void test_swarm(void **state)
{
	struct dlmr_explore_config cfg = {
		.nodes = 3, .journals = 3, .failures = 2, .rejoins = 1,
		.fixes = fix_bit("first-done-serial"),
	};
	struct dlmr_explore_stats st;
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	char *cex = NULL, err[256];

	(void)state;
	assert_non_null(res);
	cfg.mutant = (unsigned int)dlmr_mutant_from_name("ignore-lvb-bits");
	assert_int_equal(dlmr_swarm(&cfg, 20000, 1, NULL, NULL, &st, &cex), 1);
	assert_non_null(cex);
	assert_non_null(strstr(st.violation, "S1"));
	assert_int_equal(dlmr_scenario_parse(cex, "cex", &sc, err, sizeof(err)), 0);
	assert_int_equal(dlmr_sim_run(sc, 1, NULL, NULL, res), 1);
	assert_memory_equal(res->violation, "S1", 2);
	dlmr_scenario_free(sc);
	free(cex);
	cex = NULL;
	/* same seed, same first failure */
	assert_int_equal(dlmr_swarm(&cfg, 20000, 1, NULL, NULL, &st, &cex), 1);
	free(cex);
	cex = NULL;
	cfg.mutant = 0;
	assert_int_equal(dlmr_swarm(&cfg, 3000, 1, NULL, NULL, &st, &cex), 0);
	assert_true(st.runs == 3000);
	assert_null(cex);
	free(res);
}

static void test_fixed_protocol_clean(void **state)
{
	struct dlmr_explore_stats st;

	(void)state;
	assert_int_equal(explore(2, 1, 0, NULL, fix_bit("first-done-serial"), &st), 0);
	assert_true(st.complete);
	assert_false(st.violated);
	assert_true(st.states > 1000);
	assert_int_equal(explore(2, 1, 1, NULL, fix_bit("first-done-serial"), &st), 0);
	assert_true(st.complete);
}

/* docs/findings.md, finding 3: work-retry-busy alone is not enough */
static void test_finding_work_retry_not_enough(void **state)
{
	struct dlmr_explore_stats st;

	(void)state;
	assert_int_equal(explore(2, 1, 0, NULL, fix_bit("work-retry-busy"), &st), 0);
	assert_int_equal(explore(2, 1, 1, NULL, fix_bit("work-retry-busy"), &st), 1);
	assert_non_null(strstr(st.violation, "S3"));
}

/* docs/findings.md, finding 1: reported on gfs2's protocol, S5 */
static void test_finding_first_done_busy(void **state)
{
	struct dlmr_explore_stats st;

	(void)state;
	assert_int_equal(explore(2, 1, 0, NULL, 0, &st), 1);
	assert_non_null(strstr(st.violation, "S5"));
	assert_non_null(strstr(st.violation, "blocked"));
}

static void test_bad_bounds(void **state)
{
	struct dlmr_explore_config cfg = { .nodes = 9, .journals = 1 };
	struct dlmr_explore_stats st;
	char *cex = NULL;

	(void)state;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	cfg.nodes = 2;
	cfg.journals = 2;
	cfg.failures = 3;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	cfg.failures = 1;
	cfg.mutant = 99;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	cfg.mutant = 0;
	cfg.max_states = 10;
	cfg.fixes = fix_bit("first-done-serial");
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -E2BIG);
	cfg.fixes = 1u << 30;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	assert_null(cex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_bounds),
		cmocka_unit_test(test_finding_first_done_busy),
		cmocka_unit_test(test_fixed_protocol_clean),
		cmocka_unit_test(test_finding_work_retry_not_enough),
		cmocka_unit_test(test_mutants_caught),
		cmocka_unit_test(test_swarm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
