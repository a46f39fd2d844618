// SPDX-License-Identifier: LGPL-2.1-or-later
/* The cluster3/cluster4 recovery model (stacks.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stacks.h"

/* The plan's lists, word for word. */
static const char *const plan3[][2] = {
	{ "dlm_controld sees nodedown", "libcpg" },
	{ "gfs_controld sees nodedown", "libcpg" },
	{ "dlm_controld stops dlm-kernel", "sysfs control 0" },
	{ "gfs_controld stops gfs-kernel", "sysfs block 1" },
	{ "dlm_controld waits for gfs_controld kernel stop", "libdlmcontrol" },
	{ "gfs_controld waits for dlm_controld kernel stop", "libdlmcontrol" },
	{ "dlm_controld syncs state among all nodes", "libcpg" },
	{ "gfs_controld syncs state among all nodes", "libcpg" },
	{ "dlm_controld starts dlm-kernel recovery", "sysfs control 1" },
	{ "gfs_controld starts gfs-kernel recovery", "sysfs recover jid" },
	{ "gfs_controld starts gfs-kernel", "sysfs block 0" },
};

static const char *const plan4[][2] = {
	{ "dlm_controld sees nodedown", "libcpg" },
	{ "dlm_controld stops dlm-kernel", "sysfs control 0" },
	{ "dlm-kernel stops gfs-kernel", "callback block 1" },
	{ "dlm_controld syncs state among all nodes", "libcpg" },
	{ "dlm_controld starts dlm-kernel recovery", "sysfs control 1" },
	{ "dlm-kernel starts gfs-kernel recovery", "callback recover jid" },
	{ "dlm-kernel starts gfs-kernel", "callback block 0" },
};

static void check_plan(enum dlmr_stack st, const char *const plan[][2],
		       unsigned int n)
{
	const struct dlmr_stack_desc *d = dlmr_stacks_desc(st);

	assert_non_null(d);
	assert_int_equal(d->nsteps, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_string_equal(d->steps[i].text, plan[i][0]);
		assert_string_equal(d->steps[i].via, plan[i][1]);
	}
}

static void test_plan_steps(void **state)
{
	(void)state;
	check_plan(DLMR_STACK_CLUSTER3, plan3, 11);
	check_plan(DLMR_STACK_CLUSTER4, plan4, 7);
	assert_null(dlmr_stacks_desc(DLMR_STACK_NR));
}

static void test_counts(void **state)
{
	struct dlmr_stack_counts c;

	(void)state;
	assert_int_equal(dlmr_stacks_counts(DLMR_STACK_CLUSTER3, 2, &c), 0);
	assert_int_equal(c.steps, 11);
	assert_int_equal(c.steps_total, 22);
	assert_int_equal(c.daemons, 2);
	assert_int_equal(c.rounds, 2);
	assert_int_equal(c.sysfs_writes, 5);
	assert_int_equal(c.callbacks, 0);
	assert_int_equal(dlmr_stacks_counts(DLMR_STACK_CLUSTER4, 7, &c), 0);
	assert_int_equal(c.steps, 7);
	assert_int_equal(c.steps_total, 49);
	assert_int_equal(c.daemons, 1);
	assert_int_equal(c.rounds, 1);
	assert_int_equal(c.sysfs_writes, 2);
	assert_int_equal(c.callbacks, 3);
	assert_int_equal(dlmr_stacks_counts(DLMR_STACK_NR, 2, &c), -EINVAL);
}

static void test_names(void **state)
{
	enum dlmr_stack st;

	(void)state;
	assert_int_equal(dlmr_stacks_from_name("cluster3", &st), 0);
	assert_int_equal(st, DLMR_STACK_CLUSTER3);
	assert_int_equal(dlmr_stacks_from_name("cluster4", &st), 0);
	assert_int_equal(st, DLMR_STACK_CLUSTER4);
	assert_int_equal(dlmr_stacks_from_name("cluster5", &st), -EINVAL);
	assert_int_equal(dlmr_stacks_from_name(NULL, &st), -EINVAL);
}

struct order {
	unsigned int n;
	unsigned int done[DLMR_STACKS_SURVIVORS_MAX];
	const struct dlmr_stack_desc *d;
};

/* Every survivor takes the plan's steps in the plan's order. */
static void on_step(unsigned int s, const struct dlmr_stack_step *step,
		    void *arg)
{
	struct order *o = arg;

	assert_true(s < DLMR_STACKS_SURVIVORS_MAX);
	assert_ptr_equal(step, &o->d->steps[o->done[s]]);
	o->done[s]++;
	o->n++;
}

static void test_run(void **state)
{
	(void)state;
	for (unsigned int st = 0; st < DLMR_STACK_NR; st++) {
		for (unsigned int n = 1; n <= DLMR_STACKS_SURVIVORS_MAX; n += 5) {
			struct order o = { .d = dlmr_stacks_desc(st) };
			int r = dlmr_stacks_run(st, n, on_step, &o);

			assert_int_equal(r, (int)(o.d->nsteps * n));
			assert_int_equal(o.n, o.d->nsteps * n);
			for (unsigned int s = 0; s < n; s++)
				assert_int_equal(o.done[s], o.d->nsteps);
		}
	}
	assert_int_equal(dlmr_stacks_run(DLMR_STACK_CLUSTER3, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(dlmr_stacks_run(DLMR_STACK_CLUSTER3, 32, NULL, NULL),
			 -EINVAL);
}

static void test_explore_bounds(void **state)
{
	struct dlmr_stack_explore_result x;

	(void)state;
	assert_int_equal(dlmr_stacks_explore(DLMR_STACK_CLUSTER3, 1, &x),
			 -EINVAL);
	assert_int_equal(dlmr_stacks_explore(DLMR_STACK_CLUSTER3, 9, &x),
			 -EINVAL);
	assert_int_equal(dlmr_stacks_explore(DLMR_STACK_NR, 3, &x), -EINVAL);
}

/* Without faults every interleaving ends with recovery complete. */
static void test_no_fault_completes(void **state)
{
	(void)state;
	for (unsigned int st = 0; st < DLMR_STACK_NR; st++) {
		for (unsigned int n = 2; n <= 5; n++) {
			struct dlmr_stack_explore_result x;

			assert_int_equal(dlmr_stacks_explore(st, n, &x), 0);
			assert_int_equal(x.survivors, n - 1);
			assert_true(x.always_completes);
			assert_true(x.ends >= 1);
			assert_true(x.states > 1);
			assert_true(x.states_faults > x.states);
		}
	}
}

static const struct dlmr_stack_death *
find_death(const struct dlmr_stack_explore_result *x, enum dlmr_actor a,
	   unsigned int before)
{
	for (unsigned int i = 0; i < x->ndeaths; i++)
		if (x->deaths[i].actor == a && x->deaths[i].before == before)
			return &x->deaths[i];
	return NULL;
}

/*
 * cluster3, as the exploration found it (docs/stacks.md): a death of
 * either daemon before its sync message stalls every survivor's gfs;
 * gfs_controld's death before "sysfs block 0" stalls its own node.
 */
static void test_deaths_cluster3(void **state)
{
	struct dlmr_stack_explore_result x;
	const struct dlmr_stack_death *dt;

	(void)state;
	for (unsigned int n = 2; n <= 4; n++) {
		unsigned int sv = n - 1;

		assert_int_equal(dlmr_stacks_explore(DLMR_STACK_CLUSTER3, n,
						     &x), 0);
		/*
		 * 5 dlm_controld + 6 gfs_controld points + 2 "after last";
		 * with one survivor gfs_controld's last step ends recovery,
		 * and nothing dies once recovery is complete.
		 */
		assert_int_equal(x.ndeaths, n == 2 ? 12 : 13);
		for (unsigned int i = 0; i <= 8; i++) {
			enum dlmr_actor a = i % 2 ? DLMR_ACTOR_GFS_CONTROLD :
						    DLMR_ACTOR_DLM_CONTROLD;

			dt = find_death(&x, a, i);
			assert_non_null(dt);
			assert_int_equal(dt->ends_stalled, dt->ends);
			assert_int_equal(dt->stalled_min, sv);
			assert_int_equal(dt->stalled_max, sv);
		}
		dt = find_death(&x, DLMR_ACTOR_GFS_CONTROLD, 10);
		assert_non_null(dt);
		assert_int_equal(dt->ends_stalled, dt->ends);
		assert_int_equal(dt->stalled_min, 1);
		assert_int_equal(dt->stalled_max, 1);
		dt = find_death(&x, DLMR_ACTOR_GFS_CONTROLD, 11);
		if (n > 2) {
			assert_non_null(dt);
			assert_int_equal(dt->ends_stalled, 0);
		}
		/* dlm_controld done, but gfs_controld may still need it */
		dt = find_death(&x, DLMR_ACTOR_DLM_CONTROLD, 11);
		assert_non_null(dt);
		assert_true(dt->ends_stalled > 0 && dt->ends_stalled < dt->ends);
	}
}

/* cluster4: only dlm_controld can die; before control 1 it stalls all. */
static void test_deaths_cluster4(void **state)
{
	struct dlmr_stack_explore_result x;
	const struct dlmr_stack_death *dt;
	static const unsigned int points[] = { 0, 1, 3, 4 };

	(void)state;
	for (unsigned int n = 2; n <= 5; n++) {
		assert_int_equal(dlmr_stacks_explore(DLMR_STACK_CLUSTER4, n,
						     &x), 0);
		assert_int_equal(x.ndeaths, 5);
		for (unsigned int i = 0; i < x.ndeaths; i++)
			assert_int_equal(x.deaths[i].actor,
					 DLMR_ACTOR_DLM_CONTROLD);
		for (unsigned int i = 0; i < 4; i++) {
			dt = find_death(&x, DLMR_ACTOR_DLM_CONTROLD, points[i]);
			assert_non_null(dt);
			assert_int_equal(dt->ends_stalled, dt->ends);
			assert_int_equal(dt->stalled_min, n - 1);
		}
		dt = find_death(&x, DLMR_ACTOR_DLM_CONTROLD, 7);
		assert_non_null(dt);
		assert_int_equal(dt->ends_stalled, 0);
	}
}

static void test_deterministic(void **state)
{
	struct dlmr_stack_explore_result *a = calloc(2, sizeof(*a));

	(void)state;
	assert_non_null(a);
	for (unsigned int st = 0; st < DLMR_STACK_NR; st++) {
		assert_int_equal(dlmr_stacks_explore(st, 4, &a[0]), 0);
		assert_int_equal(dlmr_stacks_explore(st, 4, &a[1]), 0);
		assert_memory_equal(&a[0], &a[1], sizeof(a[0]));
	}
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_steps),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_explore_bounds),
		cmocka_unit_test(test_no_fault_completes),
		cmocka_unit_test(test_deaths_cluster3),
		cmocka_unit_test(test_deaths_cluster4),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
