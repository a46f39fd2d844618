/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's model where the DLM and gfs2 meet (simcore.h, sim.c):
 * steps taken one by one, the state looked at between them.
 *  - gfs2's control lksb points at ls_control_lvb: what the coordinator
 *    writes there without a request is in the DLM's copy of the lock's
 *    buffer, where a recovery that rebuilds the value block reads it;
 *  - when the control lock's master fails, the recovery step offers
 *    every survivor as the new master (fs/dlm/recover.c
 *    dlm_recover_masters(), recover_lvb()), and the one taken is the
 *    master afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simcore.h"

struct fixture {
	struct dlmr_scenario sc;
	struct sim s;
};

/* A cold start of @nodes nodes, every node joining and mounting. */
static struct fixture *cold_start(unsigned int nodes, unsigned int fixes)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->sc.nodes = nodes;
	f->sc.journals = nodes;
	strcpy(f->sc.ls, "gfs0");
	f->sc.step_limit = 100000;
	f->sc.fixes = fixes;
	sim_setup(&f->s, &f->sc, 1, NULL, NULL, NULL);
	for (uint32_t id = 1; id <= nodes; id++)
		sim_run_step(&f->s, &(struct step){ SK_MOUNT, id, 0 });
	return f;
}

/* Take the first enabled step until @stop says so (or none is left). */
static void run_until(struct sim *s, bool (*stop)(const struct sim *))
{
	struct step *st = calloc(STEPS_MAX, sizeof(*st));

	assert_non_null(st);
	for (unsigned int i = 0; i < 10000 && !stop(s); i++) {
		unsigned int k = sim_enabled_steps(s, st);

		if (!k)
			break;
		sim_run_step(s, &st[0]);
		assert_int_equal(s->violated, 0);
	}
	free(st);
}

static bool first_done_converting(const struct sim *s)
{
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		if (s->n[id].up && s->n[id].coord.mp == MP_FD_MNT)
			return true;
	return false;
}

/*
 * control_first_done() writes its generation into ls_control_lvb and
 * converts mounted_lock first, control_lock after: meanwhile the first
 * mounter holds the control lock in EX with that buffer, which is what
 * the DLM's recovery would take (pack_rcom_lock() copies lkb_lvbptr).
 * Before the model kept the buffer, the lock's copy still held the value
 * read at the EX grant (generation 0).
 */
static void test_lksb_buffer_shared(void **state)
{
	struct fixture *f = cold_start(2, 0);
	struct sim *s = &f->s;
	uint32_t fm = 0;

	(void)state;
	run_until(s, first_done_converting);
	for (uint32_t id = 1; id <= 2; id++)
		if (s->n[id].coord.mp == MP_FD_MNT)
			fm = id;
	assert_int_not_equal(fm, 0);
	assert_int_equal(simdlm_mode(&s->dlm, RES_CONTROL, fm), DLMR_MODE_EX);
	assert_int_equal(s->n[fm].coord.control_lvb[0],
			 s->n[fm].coord.recover_start & 0xff);
	assert_int_not_equal(s->n[fm].coord.control_lvb[0], 0);
	assert_memory_equal(s->dlm.res[RES_CONTROL].locks[fm - 1].lvb,
			    s->n[fm].coord.control_lvb, DLMR_LVB_SIZE);
	free(f);
}

static bool quiet(const struct sim *s)
{
	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		struct dlmr_coord_status cs;

		dlmr_coord_status(&s->n[id].coord, &cs);
		if (!cs.mounted || cs.blocked)
			return false;
	}
	return s->phase == RP_NONE && !s->change_pending;
}

static bool in_lock_phase(const struct sim *s)
{
	return s->phase == RP_LOCKS;
}

/*
 * Three nodes mounted; the control lock's master crashes.  The lock
 * phase of the recovery is one step per survivor that may become the
 * master (the other two hold the control lock in NL), written
 * "step recovery master N"; each gives that master.  The old model had
 * one master that never failed, and one recovery step.
 */
static void test_remaster_choice(void **state)
{
	struct fixture *f = cold_start(3, 1u << FIX_FIRST_DONE_SERIAL);
	struct sim *s = &f->s;
	struct step *st = calloc(STEPS_MAX, sizeof(*st));
	uint32_t m, seen = 0;
	unsigned int k, nrec = 0;

	(void)state;
	assert_non_null(st);
	run_until(s, quiet);
	assert_true(quiet(s));
	m = simdlm_master(&s->dlm, RES_CONTROL, NULL);
	assert_true(m >= 1 && m <= 3);
	sim_run_step(s, &(struct step){ SK_CRASH, m, 0 });
	run_until(s, in_lock_phase);
	assert_int_equal(s->phase, RP_LOCKS);
	k = sim_enabled_steps(s, st);
	for (unsigned int i = 0; i < k; i++) {
		uint32_t to;

		if (st[i].kind != SK_REC)
			continue;
		nrec++;
		to = st[i].arg & 0xff;
		assert_true(to >= 1 && to <= 3 && to != m);
		seen |= 1u << to;
	}
	assert_int_equal(nrec, 2);
	assert_int_equal(seen, 0xe & ~(1u << m));
	/* the last option: its master, not the lowest */
	for (unsigned int i = k; i-- > 0;)
		if (st[i].kind == SK_REC) {
			sim_run_step(s, &st[i]);
			assert_int_equal(simdlm_master(&s->dlm, RES_CONTROL,
						       NULL),
					 st[i].arg & 0xff);
			break;
		}
	assert_int_equal(s->violated, 0);
	free(st);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lksb_buffer_shared),
		cmocka_unit_test(test_remaster_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
