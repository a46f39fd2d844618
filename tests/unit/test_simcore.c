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
#include <errno.h>
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

/* A refusal of node 2's mounted_lock EX NOQUEUE by node 1 (its master)
 * is pending at node 2. */
static bool mounted_refusal_pending(const struct sim *s)
{
	const struct simdlm_lock *lk = &s->dlm.res[RES_MOUNTED].locks[1];

	return simdlm_master(&s->dlm, RES_MOUNTED, NULL) == 1 &&
	       lk->where == SIMDLM_AT_DONE && lk->ast == SIMDLM_AST_AGAIN;
}

/* Node 2's next mounted_lock completion: its status. */
static int next_mounted_status(struct sim *s)
{
	struct step *st = calloc(STEPS_MAX, sizeof(*st));
	int status = 1;

	assert_non_null(st);
	for (unsigned int i = 0; i < 10000 && status == 1; i++) {
		unsigned int k = sim_enabled_steps(s, st), j;

		for (j = 0; j < k; j++)
			if (st[j].kind == SK_AST && st[j].node == 2 &&
			    st[j].arg == RES_MOUNTED)
				break;
		if (j < k) {
			const struct simdlm_lock *lk =
				&s->dlm.res[RES_MOUNTED].locks[1];

			status = lk->ast == SIMDLM_AST_GRANTED ? 0 :
				 lk->ast == SIMDLM_AST_AGAIN ? -EAGAIN : -1;
			if (status == 0)
				assert_int_equal(lk->grmode, DLMR_MODE_EX);
		} else {
			assert_int_not_equal(k, 0);
		}
		sim_run_step(s, &st[j < k ? j : 0]);
		assert_int_equal(s->violated, 0);
	}
	free(st);
	return status;
}

/*
 * docs/step-order.md, L: node 1 (first mounter, master of the mounted
 * lock) refused node 2's mounted EX NOQUEUE and crashes before the reply
 * is delivered.  The crash is three steps now: the reply had arrived
 * (node 2 gets -EAGAIN, as in the model before), or it is lost and the
 * conversion resent: the new master (node 2 itself, node 1's EX purged)
 * grants it.  The model before had no way to grant it.
 */
static void test_resend_lost_reply(void **state)
{
	struct fixture *f = cold_start(2, 0);
	struct fixture *g = malloc(sizeof(*g));
	struct simdlm_ref opt[4];
	uint8_t before[DLMR_LVB_SIZE];

	(void)state;
	assert_non_null(g);
	run_until(&f->s, mounted_refusal_pending);
	assert_true(mounted_refusal_pending(&f->s));
	assert_int_equal(simdlm_resend_options(&f->s.dlm, 1, opt, 4), 1);
	assert_int_equal(opt[0].res, RES_MOUNTED);
	assert_int_equal(opt[0].node, 2);
	assert_int_equal(simdlm_resend_options(&f->s.dlm, 2, opt, 4), 0);
	memcpy(g, f, sizeof(*g));
	g->s.sc = &g->sc;
	memcpy(before, f->s.n[2].coord.control_lvb, DLMR_LVB_SIZE);

	/* delivered as decided */
	sim_run_step(&f->s, &(struct step){ SK_CRASH, 1, 0 });
	assert_int_equal(next_mounted_status(&f->s), -EAGAIN);
	/* resent: node 2 | RES_MOUNTED << 4 */
	assert_int_equal(sim_crash_resend(&g->s, 1, &(struct simdlm_ref){
		RES_CONTROL, 2 }, 1), -ENOENT);
	assert_true(g->s.n[1].up);
	sim_run_step(&g->s, &(struct step){ SK_CRASH, 1,
		     sim_resend_entry(2, RES_MOUNTED) << 8 });
	assert_false(g->s.n[1].up);
	assert_true(simdlm_in_flight(&g->s.dlm, RES_MOUNTED, 2));
	assert_false(simdlm_ast_pending(&g->s.dlm, RES_MOUNTED, 2));
	assert_int_equal(simdlm_mode(&g->s.dlm, RES_MOUNTED, 2), DLMR_MODE_NL);
	assert_memory_equal(g->s.n[2].coord.control_lvb, before, DLMR_LVB_SIZE);
	assert_int_equal(next_mounted_status(&g->s), 0);
	free(g);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lksb_buffer_shared),
		cmocka_unit_test(test_remaster_choice),
		cmocka_unit_test(test_resend_lost_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
