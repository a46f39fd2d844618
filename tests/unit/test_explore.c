/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The explorer: every planted bug is caught, with a counterexample that
 * the simulator replays to a violation; gfs2's protocol with the proposed
 * fixes first-done-serial and work-retry-recovering is clean at the same
 * bounds; and the findings on
 * gfs2's unmodified protocol (docs/findings.md) are reported and replay;
 * a livelock (retry-stale-lvb) is caught by the check that every state
 * reaches quiescence.
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

/* first-done-serial, and work-retry-recovering: without it the bounds
 * with a failure and three nodes, and (2,2,1), stop at finding 10 first
 * (test_finding10) */
static unsigned int fds_fixes(void)
{
	return fix_bit("first-done-serial") | fix_bit("work-retry-recovering");
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
		"skip-first-recovery", "retry-stale-lvb",
	};
	struct dlmr_explore_stats st;
	unsigned int n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		int r = explore(2, 1, 1, caught[i],
				fds_fixes(), &st);

		if (r != 1)
			fail_msg("mutant %s not caught at (2,1,1): %d", caught[i], r);
		assert_true(st.violated);
		assert_true(st.states > 1);
		/* retry-stale-lvb only livelocks: test_livelock */
		if (!strcmp(caught[i], "retry-stale-lvb"))
			assert_non_null(strstr(st.violation, "S5: livelock"));
	}
	/* every mutant the library has is covered here or below
	 * (ignore-lvb-bits: test_swarm; work-noqueue: test_fair_livelock) */
	while (dlmr_mutant_name(n + 1))
		n++;
	assert_int_equal(n, 7);
}

/*
 * Livelocks under weak fairness (dlmr_explore_config.fair): with the
 * mutant work-noqueue, a rebooted node's mount waits for the other
 * node's control work, whose NOQUEUE request can always come while the
 * mounting node holds the control lock.  Quiescence stays reachable
 * from every state, so the livelock check and the swarm pass it; the
 * fairness check finds the cycle, and the counterexample (a lasso: the
 * path, then "cycle N" and the cycle) replays to the same verdict.  The
 * same bound without the mutant has a fair cycle too (docs/findings.md,
 * finding 9); (2,1,0) has none.
 */
static void test_fair_livelock(void **state)
{
	struct dlmr_explore_config cfg = {
		.nodes = 2, .journals = 2, .failures = 1, .rejoins = 1,
		.fixes = fds_fixes(),
		.mutant = (unsigned int)dlmr_mutant_from_name("work-noqueue"),
	};
	struct dlmr_explore_stats st;
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	char *cex = NULL, err[256];

	(void)state;
	assert_non_null(res);
	/* caught by neither the livelock check nor the swarm */
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 0);
	assert_true(st.livelock_checked);
	assert_false(st.fair_checked);
	assert_int_equal(dlmr_swarm(&cfg, 20000, 1, NULL, NULL, &st, &cex), 0);
	/* the fairness check: a lasso */
	cfg.fair = true;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 1);
	assert_true(st.fair_checked);
	assert_int_equal(st.reduced, 0);	/* no POR */
	assert_true(st.fair_cycle > 0);
	assert_non_null(strstr(st.violation, "S5: fair livelock"));
	assert_non_null(strstr(cex, "\ncycle "));
	assert_int_equal(dlmr_scenario_parse(cex, "cex", &sc, err, sizeof(err)), 0);
	for (uint64_t seed = 1; seed <= 3; seed++) {
		assert_int_equal(dlmr_sim_run(sc, seed, NULL, NULL, res), 1);
		assert_non_null(strstr(res->violation, "S5: fair livelock"));
	}
	dlmr_scenario_free(sc);
	free(cex);
	/* fair and no_livelock do not go together */
	cfg.no_livelock = true;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	cfg.no_livelock = false;
	/* without the mutant: none at (2,1,0) */
	cfg.mutant = 0;
	cfg.rejoins = 0;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 0);
	assert_true(st.fair_checked);
	assert_int_equal(st.fair_cycle, 0);
	free(res);
}

/*
 * A livelock: with retry-stale-lvb a node that must wait for the others
 * retries for ever on the value block of its first try.  No state is
 * quiescent on that path (its sleep timer is always pending), so only
 * the check that every state reaches a quiescent state catches it; the
 * counterexample replays to S5 at its step limit.  The fixed protocol
 * passes the same check; an incomplete search does not claim it.
 */
static void test_livelock(void **state)
{
	struct dlmr_explore_stats st;
	unsigned int fds = fds_fixes();

	(void)state;
	assert_int_equal(explore(2, 1, 0, "retry-stale-lvb", fds, &st), 1);
	assert_non_null(strstr(st.violation, "S5: livelock"));
	assert_true(st.livelock_checked);
	assert_true(st.trapped > 0 && st.trapped < st.states);
	/* (2,1,1): test_mutants_caught; the fixed protocol passes the
	 * check: test_fixed_protocol_clean */
	{
		struct dlmr_explore_config cfg = {
			.nodes = 2, .journals = 2, .failures = 1,
			.mutant = (unsigned int)dlmr_mutant_from_name(
				"retry-stale-lvb"),
			.fixes = fds, .max_states = 1000,
		};
		char *cex = NULL;

		assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex),
				 -E2BIG);
		assert_false(st.livelock_checked);
		assert_null(cex);
	}
	/* no_livelock: the same search keeps no graph, so it holds less
	 * memory and does not see the livelock */
	{
		struct dlmr_explore_stats with;
		struct dlmr_explore_config cfg = {
			.nodes = 2, .journals = 2, .failures = 1,
			.mutant = (unsigned int)dlmr_mutant_from_name(
				"retry-stale-lvb"),
			.fixes = fds, .no_livelock = true,
		};
		char *cex = NULL;

		assert_int_equal(explore(2, 1, 0, "retry-stale-lvb", fds,
					 &with), 1);
		assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 0);
		assert_null(cex);
		assert_true(st.complete);
		assert_false(st.livelock_checked);
		assert_int_equal(st.states, with.states);
		assert_true(st.peak_bytes < with.peak_bytes);
	}
}

/* The swarm fails @what within @runs runs from @seed, with a
 * counterexample that the simulator replays to the same invariant;
 * returns that counterexample (the caller frees it). */
static char *swarm_replays(const struct dlmr_explore_config *cfg,
			   uint64_t runs, uint64_t seed, const char *what)
{
	struct dlmr_explore_stats st;
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	char *cex = NULL, err[256];

	assert_non_null(res);
	assert_int_equal(dlmr_swarm(cfg, runs, seed, NULL, NULL, &st, &cex), 1);
	assert_non_null(cex);
	if (!strstr(st.violation, what))
		fail_msg("swarm: '%s', expected '%s'", st.violation, what);
	assert_int_equal(dlmr_scenario_parse(cex, "cex", &sc, err, sizeof(err)), 0);
	assert_int_equal(dlmr_sim_run(sc, 1, NULL, NULL, res), 1);
	assert_memory_equal(res->violation, st.violation, 2);
	dlmr_scenario_free(sc);
	free(res);
	return cex;
}

/* (3,2,1) with first-done-serial: the bound the swarm tests run at */
static const struct dlmr_explore_config swarm_321 = {
	.nodes = 3, .journals = 3, .failures = 2, .rejoins = 1,
};

/* Swarm: random schedules find the three-node mutant; the counterexample
 * replays; the fixed protocol survives the same runs. */
static void test_swarm(void **state)
{
	struct dlmr_explore_config cfg = swarm_321;
	struct dlmr_explore_stats st;
	char *cex = NULL;

	(void)state;
	cfg.fixes = fds_fixes();
	cfg.mutant = (unsigned int)dlmr_mutant_from_name("ignore-lvb-bits");
	/* seed 2: since a crash may lose replies (more faults to draw
	 * from), seed 1 meets an S5 of the mutant first */
	free(swarm_replays(&cfg, 20000, 2, "S1"));
	/* same seed, same first failure */
	assert_int_equal(dlmr_swarm(&cfg, 20000, 2, NULL, NULL, &st, &cex), 1);
	free(cex);
	cex = NULL;
	/* a livelock at a cold start: found only by runs with few faults */
	cfg.nodes = cfg.journals = 2;
	cfg.failures = 1;
	cfg.rejoins = 0;
	cfg.mutant = (unsigned int)dlmr_mutant_from_name("retry-stale-lvb");
	free(swarm_replays(&cfg, 5000, 1, "no quiescence"));
	cfg.nodes = cfg.journals = 3;
	cfg.failures = 2;
	cfg.rejoins = 1;
	cfg.mutant = 0;
	cfg.fixes |= fix_bit("slot-from-table"); /* finding 7 */
	assert_int_equal(dlmr_swarm(&cfg, 3000, 1, NULL, NULL, &st, &cex), 0);
	assert_true(st.runs == 3000);
	assert_null(cex);
}

static void test_fixed_protocol_clean(void **state)
{
	struct dlmr_explore_stats st;

	(void)state;
	assert_int_equal(explore(2, 1, 0, NULL, fds_fixes(), &st), 0);
	assert_true(st.complete);
	assert_false(st.violated);
	assert_true(st.states > 1000);
	assert_int_equal(explore(2, 1, 1, NULL, fds_fixes(), &st), 0);
	assert_true(st.complete);
	assert_true(st.livelock_checked);
	assert_int_equal(st.trapped, 0);
}

/*
 * docs/findings.md, finding 10 (a node blocked: its control work ran
 * between a journal recovery's result and clear_bit(JDF_RECOVERY),
 * gfs2_recover_set() was -EBUSY and nothing queued the work again).
 * With first-done-serial alone, (2,1,0) found it through a try-lock the
 * simulated DLM refused while our own unlock was in flight: since
 * requests wait for that unlock, (2,1,0) is clean, with
 * work-retry-recovering too (test_fixed_protocol_clean).  The model
 * before the journal's work item had steps of its own (docs/step-order.md,
 * E, F2) was clean here too.
 */
/*
 * Explore @cfg: a violation of invariant @inv whose text has @what, and
 * whose counterexample the simulator replays as finding @finding.
 * Returns the parsed counterexample (to free).
 */
static struct dlmr_scenario *expect_finding(const struct dlmr_explore_config *cfg,
					    const char *inv, const char *what,
					    unsigned int finding)
{
	struct dlmr_explore_stats st;
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	char *cex = NULL, err[256];

	assert_non_null(res);
	assert_int_equal(dlmr_explore(cfg, NULL, NULL, &st, &cex), 1);
	assert_non_null(strstr(st.violation, inv));
	assert_non_null(strstr(st.violation, what));
	assert_non_null(cex);
	assert_int_equal(dlmr_scenario_parse(cex, "cex", &sc, err, sizeof(err)), 0);
	assert_int_equal(dlmr_sim_run(sc, 1, NULL, NULL, res), 1);
	assert_int_equal(res->finding, finding);
	free(res);
	free(cex);
	return sc;
}

static void test_finding10(void **state)
{
	struct dlmr_explore_config cfg = {
		.nodes = 2, .journals = 2, .failures = 1,
		.fixes = fix_bit("first-done-serial"),
	};
	struct dlmr_explore_stats st;
	char *cex = NULL;

	(void)state;
	/* (2,1,0): the path found here rested on the simulated DLM's
	 * -EBUSY for a try-lock while our own unlock of that journal was
	 * in flight; a request waits for that unlock now (sim.c
	 * hold_request()), as gfs2's glock layer makes it, and the bound is
	 * clean (the model before failed here with finding 10) */
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 0);
	assert_true(st.complete);
	assert_null(cex);
	/* finding 10 itself: at three nodes another node holds the
	 * journal lock (tests/findings/recovering-busy.scn, the explorer's
	 * (3,1,0) counterexample); at two, the work item's own earlier
	 * result (recovering-busy-rejoin.scn, from (2,2,1)): the CLI test
	 * replays both */
	cfg.fixes |= fix_bit("work-retry-recovering");
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 0);
	assert_true(st.complete);
	assert_null(cex);
}

/*
 * docs/findings.md, finding 11: under late delivery (a userspace
 * lockspace's events) gfs2's protocol, clean at (2,1,0) with its fixes
 * when the kernel calls it, fails S1 as the kernel sees it; the replay
 * names finding 11; the kernel op prep-ack and the driver rule
 * events-before-grants each make it clean there, and the encoding of
 * the late state is exact (the full encoding gives the same verdict).
 */
static void test_finding11_late_delivery(void **state)
{
	struct dlmr_explore_config cfg = {
		.nodes = 2, .journals = 2, .failures = 1,
		.fixes = fds_fixes(), .delivery = DLMR_DELIVERY_LATE,
	};
	struct dlmr_explore_stats st, full;
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	char *cex = NULL;

	(void)state;
	assert_non_null(res);
	sc = expect_finding(&cfg, "S1: ", "late delivery", 11);
	/* the counterexample keeps the mode: the same steps cannot be
	 * taken with the kernel's callbacks (the recovery waits for the
	 * prep) */
	assert_int_equal(dlmr_sim_run(sc, 1, NULL, NULL, res), 1);
	assert_int_equal(dlmr_scenario_set_delivery(sc, DLMR_DELIVERY_KERNEL), 0);
	assert_int_equal(dlmr_sim_run(sc, 1, NULL, NULL, res), -ENOEXEC);
	dlmr_scenario_free(sc);

	/* (the kernel's callbacks are clean here: test_fixed_protocol_clean) */
	for (int f = 0; f < 2; f++) {
		cfg.fixes = fds_fixes() | fix_bit(f ? "events-before-grants" :
						  "prep-ack");
		assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), 0);
		assert_true(st.complete);
		assert_true(st.livelock_checked);
		assert_null(cex);
	}
	/* the late state's encoding is exact: the whole state gives the
	 * same verdict (events-before-grants: every late field is live) */
	cfg.full_encoding = true;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &full, &cex), 0);
	assert_true(full.complete);
	assert_true(full.states >= st.states);
	/* a delivery mode that does not exist */
	cfg.delivery = DLMR_DELIVERY_LATE + 1;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	free(res);
}

/* docs/findings.md, finding 3: work-retry-busy alone is not enough; the
 * control work converting EX to EX in control_first_done()'s window
 * writes the buffer gfs2 just filled, so it needs no fault at all */
static void test_finding_work_retry_not_enough(void **state)
{
	struct dlmr_explore_stats st;

	(void)state;
	assert_int_equal(explore(2, 0, 0, NULL, fix_bit("work-retry-busy"), &st), 1);
	assert_non_null(strstr(st.violation, "S3"));
	assert_int_equal(explore(2, 1, 1, NULL, fix_bit("work-retry-busy"), &st), 1);
	assert_non_null(strstr(st.violation, "S3"));
	assert_int_equal(explore(2, 0, 0, NULL, fds_fixes(), &st), 0);
}

/*
 * docs/findings.md, finding 1, withdrawn (docs/step-order.md G): since
 * the DLM decides -EBUSY, the control work's EX beside
 * control_first_done()'s down-conversion is not refused, and the first
 * violation at (2,1,0) is finding 3 (S3); the model before stopped at
 * finding 1's S5 there.  (tests/findings/first-done-busy.scn, finding
 * 1's old counterexample, holds: test_dlmctl.sh.)
 */
static void test_finding_first_done_busy(void **state)
{
	struct dlmr_explore_stats st;

	(void)state;
	assert_int_equal(explore(2, 1, 0, NULL, 0, &st), 1);
	assert_non_null(strstr(st.violation, "S3"));
}

/* ---- partial-order reduction ----------------------------------------- */

struct hashes {
	uint64_t *v;
	size_t n, cap;
};

static void collect(uint64_t hash, void *arg)
{
	struct hashes *h = arg;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->v = realloc(h->v, h->cap * sizeof(*h->v));
		assert_non_null(h->v);
	}
	h->v[h->n++] = hash;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop duplicates (a state is reported once anyway). */
static void normalise(struct hashes *h)
{
	size_t k = 0;

	qsort(h->v, h->n, sizeof(*h->v), cmp_u64);
	for (size_t i = 0; i < h->n; i++)
		if (!k || h->v[k - 1] != h->v[i])
			h->v[k++] = h->v[i];
	h->n = k;
}

/* Both runs gave @rf: on a violation the same invariant and a
 * counterexample @cex that replays; on a clean run the same set of
 * quiescent states. */
static void same_outcome(int rf, const struct dlmr_explore_stats *full,
			 const struct dlmr_explore_stats *red, const char *cex,
			 struct hashes *hf, struct hashes *hr)
{
	if (rf == 1) {
		struct dlmr_scenario *sc;
		struct dlmr_sim_result *res = malloc(sizeof(*res));
		char err[256];

		/* the same invariant; the counterexample replays */
		assert_memory_equal(full->violation, red->violation, 2);
		assert_int_equal(strstr(full->violation, "livelock") != NULL,
				 strstr(red->violation, "livelock") != NULL);
		assert_non_null(res);
		assert_int_equal(dlmr_scenario_parse(cex, "cex", &sc, err,
						     sizeof(err)), 0);
		assert_int_equal(dlmr_sim_run(sc, 1, NULL, NULL, res), 1);
		assert_memory_equal(res->violation, red->violation, 2);
		dlmr_scenario_free(sc);
		free(res);
	} else {
		assert_int_equal(rf, 0);
		assert_true(full->livelock_checked && red->livelock_checked);
		normalise(hf);
		normalise(hr);
		assert_true(hf->n > 0);
		assert_int_equal(hf->n, hr->n);
		assert_memory_equal(hf->v, hr->v, hf->n * sizeof(*hf->v));
	}
}

/* A configuration for the bounds, @mutant (or NULL) and @fixes, with no
 * POR; the quiescent states go to collect(). */
static struct dlmr_explore_config bounds(unsigned int nodes,
					 unsigned int failures,
					 unsigned int rejoins,
					 const char *mutant, unsigned int fixes)
{
	struct dlmr_explore_config cfg = {
		.nodes = nodes, .journals = nodes, .failures = failures,
		.rejoins = rejoins, .fixes = fixes, .max_states = 30000000,
		.no_por = true, .quiescent = collect,
	};

	if (mutant)
		cfg.mutant = (unsigned int)dlmr_mutant_from_name(mutant);
	return cfg;
}

/*
 * Explores with @full, then with @red (a reduction of it): the same
 * result, no more states in the reduced run, and same_outcome().  A
 * failed por_check of the reduced run fails the test with its message.
 * @red_stats gets the reduced run's figures.  Returns the result.
 */
static int same_as_full(struct dlmr_explore_config *full,
			struct dlmr_explore_config *red,
			struct dlmr_explore_stats *red_stats)
{
	struct dlmr_explore_stats fs;
	struct hashes hf = { 0 }, hr = { 0 };
	char *cex = NULL;
	int rf, rr;

	full->quiescent_arg = &hf;
	rf = dlmr_explore(full, NULL, NULL, &fs, &cex);
	free(cex);
	cex = NULL;
	red->quiescent_arg = &hr;
	rr = dlmr_explore(red, NULL, NULL, red_stats, &cex);
	if (rr == -EPROTO)
		fail_msg("(%u,%u,%u): %s", red->nodes, red->failures,
			 red->rejoins, red_stats->violation);
	assert_int_equal(rf, rr);
	assert_true(red_stats->states <= fs.states);
	same_outcome(rf, &fs, red_stats, cex, &hf, &hr);
	free(cex);
	free(hf.v);
	free(hr.v);
	return rf;
}

/*
 * With and without POR: the same verdict, the same invariant, and on a
 * clean run the same set of quiescent states (every deadlock preserved);
 * the reduced run checks every reduced expansion (por_check) and
 * replays its counterexample.  Returns the explore() result.
 */
static int por_same(unsigned int nodes, unsigned int failures,
		    unsigned int rejoins, const char *mutant, unsigned int fixes,
		    unsigned int check)
{
	struct dlmr_explore_config full = bounds(nodes, failures, rejoins,
						 mutant, fixes);
	struct dlmr_explore_config red = full;
	struct dlmr_explore_stats st;
	int r;

	red.no_por = false;
	red.por_check = check;
	r = same_as_full(&full, &red, &st);
	assert_true(st.reduced > 0);
	return r;
}

static void test_por_preserves_quiescent_states(void **state)
{
	unsigned int fds = fds_fixes();

	(void)state;
	assert_int_equal(por_same(2, 1, 0, NULL, fds, 3), 0);
	assert_int_equal(por_same(2, 1, 1, NULL, fds, 1), 0);
	/* gfs2's unmodified protocol: the same findings */
	assert_int_equal(por_same(2, 1, 0, NULL, 0, 2), 1);
	assert_int_equal(por_same(2, 1, 1, NULL, 0, 2), 1);
	assert_int_equal(por_same(2, 1, 1, NULL, fix_bit("work-retry-busy"), 1), 1);
}

/* The same at larger bounds: EXPLORE_LARGE=1, in the 'explore' suite. */
static void test_por_large(void **state)
{
	unsigned int fds = fds_fixes();

	(void)state;
	assert_int_equal(por_same(2, 2, 1, NULL, fds, 1), 0);
	assert_int_equal(por_same(3, 1, 0, NULL, fds, 0), 0);
	assert_int_equal(por_same(3, 1, 0, "ignore-lvb-bits", fds, 0), 1);
}

/* Every mutant is still caught with POR, and replays. */
static void test_por_mutants(void **state)
{
	unsigned int fds = fds_fixes();

	(void)state;
	for (unsigned int m = 1; dlmr_mutant_name(m); m++) {
		const char *name = dlmr_mutant_name(m);

		if (!strcmp(name, "ignore-lvb-bits"))
			continue; /* three nodes: the 'explore' suite */
		/* caught only under fairness, which turns POR off */
		assert_int_equal(por_same(2, 1, 1, name, fds, 1),
				 strcmp(name, "work-noqueue") ? 1 : 0);
	}
}

/* ---- history left out of the encoding ------------------------------- */

/*
 * With the whole state encoded (full_encoding) and with history left out
 * (the default): the same verdict and invariant, a counterexample that
 * replays, and on a clean run the same set of quiescent states projected
 * onto the reduced encoding (the callback reports the reduced hash in
 * both runs).  No POR in either, so only the encoding differs; no more
 * states in the reduced run.  Returns the explore() result.
 */
static int reduce_same(unsigned int nodes, unsigned int failures,
		       unsigned int rejoins, const char *mutant,
		       unsigned int fixes)
{
	struct dlmr_explore_config full = bounds(nodes, failures, rejoins,
						 mutant, fixes);
	struct dlmr_explore_config red = full;
	struct dlmr_explore_stats st;

	full.full_encoding = true;
	return same_as_full(&full, &red, &st);
}

/* Late delivery (finding 11): the same with and without the reduced
 * encoding, whose generation shift must cover the dones not read yet
 * (explore.c gen_min(); without them such a done was shifted to 0) */
static void late_reduce_same(void)
{
	struct dlmr_explore_config full, red;
	struct dlmr_explore_stats st;

	full = bounds(2, 1, 1, NULL, fds_fixes() | fix_bit("events-before-grants"));
	full.delivery = DLMR_DELIVERY_LATE;
	red = full;
	full.full_encoding = true;
	assert_int_equal(same_as_full(&full, &red, &st), 0);
}

static void test_reduced_encoding(void **state)
{
	unsigned int fds = fds_fixes();

	(void)state;
	assert_int_equal(reduce_same(2, 1, 0, NULL, fds), 0);
	assert_int_equal(reduce_same(2, 1, 1, NULL, fds), 0);
	assert_int_equal(reduce_same(2, 2, 1, NULL, fds), 0);
	assert_int_equal(reduce_same(2, 1, 0, NULL, 0), 1);
	assert_int_equal(reduce_same(2, 1, 1, NULL, 0), 1);
	assert_int_equal(reduce_same(2, 1, 1, NULL, fix_bit("work-retry-busy")), 1);
	late_reduce_same();
}

/* Every mutant is caught the same with and without the reduced
 * encoding (the longest test here: natively only, see scripts/check.sh) */
static void test_reduced_mutants(void **state)
{
	unsigned int fds = fds_fixes();

	(void)state;
	for (unsigned int m = 1; dlmr_mutant_name(m); m++) {
		const char *name = dlmr_mutant_name(m);

		if (!strcmp(name, "ignore-lvb-bits"))
			continue; /* three nodes: test_reduced_large */
		/* work-noqueue: caught only under fairness */
		assert_int_equal(reduce_same(2, 1, 1, name, fds),
				 strcmp(name, "work-noqueue") ? 1 : 0);
	}
}

/* The same at larger bounds: EXPLORE_LARGE=1, in the 'explore' suite. */
static void test_reduced_large(void **state)
{
	unsigned int fds = fds_fixes();

	(void)state;
	assert_int_equal(reduce_same(3, 1, 0, NULL, fds), 0);
	assert_int_equal(reduce_same(3, 1, 0, "ignore-lvb-bits", fds), 1);
}

/*
 * docs/findings.md, finding 6, as the swarm found it: at (4,2,1) with
 * first-done-serial, seed 2, run 12,984 fails S1 and replays; with
 * slot-clears-result as well the same runs are clean.  In the 'explore'
 * suite (EXPLORE_LARGE=1): about a second.
 */
static void test_swarm_finding6(void **state)
{
	struct dlmr_explore_config cfg = {
		.nodes = 4, .journals = 4, .failures = 2, .rejoins = 1,
		/* slot-from-table: else finding 7 comes first; the fixes
		 * of finding 8 (the control lock's master fails), else it
		 * does */
		.fixes = fds_fixes() |
			 fix_bit("slot-from-table") |
			 fix_bit("work-clears-own-bit") |
			 fix_bit("valnotvalid-resubmit"),
	};
	struct dlmr_explore_stats st;
	char *cex = NULL;

	(void)state;
	free(swarm_replays(&cfg, 15000, 2, "S1: node 2 unblocked while journal 2 "
			   "of failed node 3"));
	cfg.fixes |= fix_bit("slot-clears-result");
	assert_int_equal(dlmr_swarm(&cfg, 15000, 2, NULL, NULL, &st, &cex), 0);
	assert_null(cex);
}

/*
 * docs/findings.md, finding 7: the kernel reports a node that failed
 * inside dlm_recover_members_wait() with slot -1, and gfs2 skips its
 * journal (S1).  The swarm finds it at (3,2,1) within 200 runs (the
 * exhaustive search at (3,2,0) is in tests/cli/test_explore.sh), its
 * counterexample has the fault, and slot-from-table removes it.
 */
static void test_swarm_finding7(void **state)
{
	struct dlmr_explore_config cfg = swarm_321;
	struct dlmr_explore_stats st;
	char *cex;

	(void)state;
	cfg.fixes = fds_fixes();
	cex = swarm_replays(&cfg, 200, 1, "S1");
	assert_non_null(strstr(cex, "in members-wait\nstep recovery\n"));
	free(cex);
	cex = NULL;
	cfg.fixes |= fix_bit("slot-from-table");
	assert_int_equal(dlmr_swarm(&cfg, 5000, 1, NULL, NULL, &st, &cex), 0);
	assert_null(cex);
}

/*
 * Threads: the same search on 1 and on 3 threads gives the same result,
 * exactly: return value, statistics, violation text, counterexample and
 * the quiescent states in the order they were reported.
 */
static void same_with_threads(struct dlmr_explore_config cfg)
{
	struct dlmr_explore_stats a, b;
	struct hashes ha = { 0 }, hb = { 0 };
	char *ca = NULL, *cb = NULL;
	int ra, rb;

	cfg.quiescent = collect;
	cfg.threads = 1;
	cfg.quiescent_arg = &ha;
	ra = dlmr_explore(&cfg, NULL, NULL, &a, &ca);
	cfg.threads = 3;
	cfg.quiescent_arg = &hb;
	rb = dlmr_explore(&cfg, NULL, NULL, &b, &cb);
	assert_int_equal(ra, rb);
	assert_int_equal(a.states, b.states);
	assert_int_equal(a.transitions, b.transitions);
	assert_int_equal(a.reduced, b.reduced);
	assert_int_equal(a.max_depth, b.max_depth);
	assert_int_equal(a.violated, b.violated);
	assert_int_equal(a.complete, b.complete);
	assert_int_equal(a.livelock_checked, b.livelock_checked);
	assert_int_equal(a.trapped, b.trapped);
	assert_string_equal(a.violation, b.violation);
	assert_int_equal(ca == NULL, cb == NULL);
	if (ca)
		assert_string_equal(ca, cb);
	assert_int_equal(ha.n, hb.n);
	if (ha.n)
		assert_memory_equal(ha.v, hb.v, ha.n * sizeof(*ha.v));
	free(ca);
	free(cb);
	free(ha.v);
	free(hb.v);
}

static void test_threads(void **state)
{
	unsigned int fds = fds_fixes();
	struct dlmr_explore_config c;
	const char *m;

	(void)state;
	/* clean, with the livelock check; and without POR */
	c = bounds(2, 1, 1, NULL, fds);
	c.no_por = false;
	same_with_threads(c);
	c.no_por = true;
	same_with_threads(c);
	/* findings of the unmodified protocol, with and without POR */
	c = bounds(2, 1, 0, NULL, 0);
	same_with_threads(c);
	c.no_por = false;
	same_with_threads(c);
	/* every mutant: a violation on a transition, at quiescence or a
	 * livelock */
	for (unsigned int i = 1; (m = dlmr_mutant_name(i)); i++) {
		c = bounds(2, 1, 0, m, fds);
		c.no_por = false;
		same_with_threads(c);
	}
	/* stopped at --max-states, and the POR check on every expansion */
	c = bounds(2, 1, 1, NULL, fds);
	c.no_por = false;
	c.max_states = 5000;
	same_with_threads(c);
	c = bounds(2, 1, 0, NULL, fds);
	c.no_por = false;
	c.por_check = 2;
	same_with_threads(c);
	/* more threads than the machine or the first levels have states */
	c = bounds(2, 0, 0, NULL, fds);
	c.threads = 64;
	{
		struct dlmr_explore_stats st;
		char *cex = NULL;

		c.quiescent = NULL;
		assert_int_equal(dlmr_explore(&c, NULL, NULL, &st, &cex), 0);
		assert_true(st.complete && st.states > 0);
	}
	c.threads = 257;
	{
		struct dlmr_explore_stats st;
		char *cex = NULL;

		assert_int_equal(dlmr_explore(&c, NULL, NULL, &st, &cex),
				 -EINVAL);
	}
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
	cfg.fixes = fds_fixes();
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -E2BIG);
	cfg.fixes = 1u << 30;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	cfg.fixes = 0;
	cfg.por_check = 5;
	assert_int_equal(dlmr_explore(&cfg, NULL, NULL, &st, &cex), -EINVAL);
	assert_null(cex);
}

/* Whether @name is one of the comma-separated names in @list. */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_bounds),
		cmocka_unit_test(test_finding_first_done_busy),
		cmocka_unit_test(test_fixed_protocol_clean),
		cmocka_unit_test(test_finding10),
		cmocka_unit_test(test_finding11_late_delivery),
		cmocka_unit_test(test_finding_work_retry_not_enough),
		cmocka_unit_test(test_mutants_caught),
		cmocka_unit_test(test_livelock),
		cmocka_unit_test(test_fair_livelock),
		cmocka_unit_test(test_por_preserves_quiescent_states),
		cmocka_unit_test(test_por_mutants),
		cmocka_unit_test(test_reduced_encoding),
		cmocka_unit_test(test_reduced_mutants),
		cmocka_unit_test(test_swarm),
		cmocka_unit_test(test_threads),
	};

	const struct CMUnitTest large[] = {
		cmocka_unit_test(test_por_large),
		cmocka_unit_test(test_reduced_large),
		cmocka_unit_test(test_swarm_finding6),
		cmocka_unit_test(test_swarm_finding7),
	};

	const char *skip = getenv("EXPLORE_SKIP");
	size_t n = 0;

	/* EXPLORE_FILTER: only the tests matching it (scripts/check.sh
	 * runs test_threads under ThreadSanitizer); EXPLORE_SKIP: a
	 * comma-separated list of tests to leave out (check.sh leaves the
	 * longest out under valgrind: they run natively and under
	 * ASan+UBSan) */
	if (getenv("EXPLORE_FILTER"))
		cmocka_set_test_filter(getenv("EXPLORE_FILTER"));
	if (getenv("EXPLORE_LARGE"))
		return cmocka_run_group_tests(large, NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!skip || !listed(skip, tests[i].name))
			tests[n++] = tests[i];
	return _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
}
