/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the simulated DLM (lib/libdlmrecover/simdlm.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simdlm.h"

#define NL DLMR_MODE_NL
#define CR DLMR_MODE_CR
#define CW DLMR_MODE_CW
#define PR DLMR_MODE_PR
#define PW DLMR_MODE_PW
#define EX DLMR_MODE_EX
#define IV DLMR_MODE_IV
#define NOQ DLMR_LKF_NOQUEUE
#define CVT DLMR_LKF_CONVERT
#define VAL DLMR_LKF_VALBLK

/* A fresh DLM with nodes 1..4 joined. */
static int setup(void **state)
{
	struct simdlm *d = malloc(sizeof(*d));
	uint32_t n;

	if (!d)
		return -1;
	simdlm_init(d);
	for (n = 1; n <= 4; n++)
		if (simdlm_join(d, n))
			return -1;
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void fill(uint8_t lvb[DLMR_LVB_SIZE], uint8_t v)
{
	memset(lvb, v, DLMR_LVB_SIZE);
}

/* Take the completion of (res, node), which must be pending. */
static struct simdlm_ast take(struct simdlm *d, unsigned int res,
			      uint32_t node)
{
	struct simdlm_ast a;

	assert_true(simdlm_ast_pending(d, res, node));
	assert_int_equal(simdlm_take_ast(d, res, node, &a), 0);
	assert_false(simdlm_ast_pending(d, res, node));
	return a;
}

/* Request and expect an immediate grant. */
static struct simdlm_ast granted(struct simdlm *d, unsigned int res,
				 uint32_t node, int mode, unsigned int flags,
				 const uint8_t *lvb)
{
	struct simdlm_ast a;

	assert_int_equal(simdlm_request(d, res, node, mode, flags, lvb), 0);
	a = take(d, res, node);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.mode, mode);
	assert_int_equal(simdlm_mode(d, res, node), mode);
	return a;
}

/* Request and expect it to be queued (no completion). */
static void queued(struct simdlm *d, unsigned int res, uint32_t node,
		   int mode, unsigned int flags)
{
	assert_int_equal(simdlm_request(d, res, node, mode, flags, NULL), 0);
	assert_false(simdlm_ast_pending(d, res, node));
	assert_true(simdlm_in_flight(d, res, node));
}

static void unlocked(struct simdlm *d, unsigned int res, uint32_t node,
		     const uint8_t *lvb)
{
	struct simdlm_ast a;

	assert_int_equal(simdlm_unlock(d, res, node, lvb), 0);
	a = take(d, res, node);
	assert_int_equal(a.status, -SIMDLM_EUNLOCK);
	assert_int_equal(a.mode, IV);
	assert_int_equal(simdlm_mode(d, res, node), IV);
}

/* Make @node the master of @res (the first request decided on it) and
 * leave it no lock: the rsb keeps its master while it is held. */
static void master_first(struct simdlm *d, unsigned int res, uint32_t node)
{
	granted(d, res, node, NL, 0, NULL);
	unlocked(d, res, node, NULL);
	assert_int_equal(simdlm_master(d, res, NULL), node);
}

/* Written out from __dlm_compat_matrix (fs/dlm/lock.c), not shared. */
static const int expect_compat[6][6] = {
	/* NL CR CW PR PW EX  requested; granted below */
	{ 1, 1, 1, 1, 1, 1 },	/* NL */
	{ 1, 1, 1, 1, 1, 0 },	/* CR */
	{ 1, 1, 1, 0, 0, 0 },	/* CW */
	{ 1, 1, 0, 1, 0, 0 },	/* PR */
	{ 1, 1, 0, 0, 0, 0 },	/* PW */
	{ 1, 0, 0, 0, 0, 0 },	/* EX */
};

static void test_compat_matrix(void **state)
{
	struct simdlm *d = *state;
	int gr, rq, checked = 0;

	for (gr = NL; gr <= EX; gr++) {
		for (rq = NL; rq <= EX; rq++) {
			struct simdlm_ast a;
			unsigned int res = (unsigned int)(gr * 6 + rq) % SIMDLM_RES_MAX;

			simdlm_init(d);
			assert_int_equal(simdlm_join(d, 1), 0);
			assert_int_equal(simdlm_join(d, 2), 0);
			granted(d, res, 1, gr, 0, NULL);
			assert_int_equal(simdlm_request(d, res, 2, rq, NOQ, NULL), 0);
			a = take(d, res, 2);
			if (expect_compat[gr][rq]) {
				assert_int_equal(a.status, 0);
				assert_int_equal(a.mode, rq);
			} else {
				assert_int_equal(a.status, -EAGAIN);
				assert_int_equal(a.mode, IV);
			}
			assert_int_equal(expect_compat[gr][rq],
					 expect_compat[rq][gr]);
			checked++;
		}
	}
	assert_int_equal(checked, 36);
}

static void test_convert_up_down(void **state)
{
	struct simdlm *d = *state;
	struct simdlm_ast a;

	granted(d, 0, 1, NL, 0, NULL);
	granted(d, 0, 1, EX, CVT, NULL);	/* alone: up at once */
	granted(d, 0, 1, PR, CVT, NULL);	/* down */
	granted(d, 0, 2, PR, 0, NULL);
	queued(d, 0, 1, EX, CVT);		/* PR->EX blocked by 2's PR */
	assert_int_equal(simdlm_mode(d, 0, 1), PR); /* keeps PR meanwhile */
	unlocked(d, 0, 2, NULL);
	a = take(d, 0, 1);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.mode, EX);

	/* a down-conversion is granted at once even with waiters */
	queued(d, 0, 3, PR, 0);
	granted(d, 0, 1, NL, CVT, NULL);
	a = take(d, 0, 3);			/* and it let the waiter in */
	assert_int_equal(a.mode, PR);
	granted(d, 0, 1, CR, CVT, NULL);	/* NL->CR up, compatible */
}

static void test_noqueue_again(void **state)
{
	struct simdlm *d = *state;
	struct simdlm_ast a;

	granted(d, 1, 1, EX, 0, NULL);
	assert_int_equal(simdlm_request(d, 1, 2, EX, NOQ, NULL), 0);
	a = take(d, 1, 2);
	assert_int_equal(a.status, -EAGAIN);
	assert_int_equal(simdlm_mode(d, 1, 2), IV);
	assert_false(simdlm_in_flight(d, 1, 2));

	/* a refused NOQUEUE conversion keeps the granted mode */
	unlocked(d, 1, 1, NULL);
	granted(d, 1, 1, PR, 0, NULL);
	granted(d, 1, 2, PR, 0, NULL);
	assert_int_equal(simdlm_request(d, 1, 2, EX, CVT | NOQ, NULL), 0);
	a = take(d, 1, 2);
	assert_int_equal(a.status, -EAGAIN);
	assert_int_equal(a.mode, PR);
	assert_int_equal(simdlm_mode(d, 1, 2), PR);

	/* NOQUEUE is refused behind a queue even if modes are compatible */
	queued(d, 1, 3, EX, 0);
	assert_int_equal(simdlm_request(d, 1, 4, PR, NOQ, NULL), 0);
	assert_int_equal(take(d, 1, 4).status, -EAGAIN);
}

static void test_fifo(void **state)
{
	struct simdlm *d = *state;

	granted(d, 2, 1, EX, 0, NULL);
	queued(d, 2, 3, EX, 0);
	queued(d, 2, 2, PR, 0);
	queued(d, 2, 4, PR, 0);
	unlocked(d, 2, 1, NULL);
	/* only the first waiter: node 3's EX */
	assert_int_equal(simdlm_pending(d, NULL, 0), 1);
	assert_int_equal(take(d, 2, 3).mode, EX);
	assert_true(simdlm_in_flight(d, 2, 2));
	assert_true(simdlm_in_flight(d, 2, 4));
	unlocked(d, 2, 3, NULL);
	/* then both PR waiters, in order */
	assert_int_equal(simdlm_pending(d, NULL, 0), 2);
	assert_int_equal(take(d, 2, 2).mode, PR);
	assert_int_equal(take(d, 2, 4).mode, PR);
}

static void test_no_queue_jumping(void **state)
{
	struct simdlm *d = *state;

	/* a new compatible request does not pass a queued one */
	granted(d, 3, 1, PR, 0, NULL);
	queued(d, 3, 2, EX, 0);
	queued(d, 3, 3, PR, 0);
	unlocked(d, 3, 1, NULL);
	assert_int_equal(take(d, 3, 2).mode, EX);
	assert_false(simdlm_ast_pending(d, 3, 3));
	unlocked(d, 3, 2, NULL);
	assert_int_equal(take(d, 3, 3).mode, PR);
}

static void test_conversions_first(void **state)
{
	struct simdlm *d = *state;

	granted(d, 4, 1, PR, 0, NULL);
	granted(d, 4, 2, PR, 0, NULL);
	queued(d, 4, 3, EX, 0);			/* waiting */
	queued(d, 4, 2, EX, CVT);		/* converting, queued later */
	unlocked(d, 4, 1, NULL);
	/* the conversion is granted before the earlier waiting request */
	assert_int_equal(simdlm_pending(d, NULL, 0), 1);
	assert_int_equal(take(d, 4, 2).mode, EX);
	unlocked(d, 4, 2, NULL);
	assert_int_equal(take(d, 4, 3).mode, EX);

	/* an in-place conversion compatible with all granted modes is
	 * granted at once, past waiters (no QUECVT) */
	unlocked(d, 4, 3, NULL);
	granted(d, 4, 1, NL, 0, NULL);
	granted(d, 4, 2, PR, 0, NULL);
	queued(d, 4, 3, EX, 0);
	granted(d, 4, 1, PR, CVT, NULL);
}

static void test_conversion_order_and_deadlock(void **state)
{
	struct simdlm *d = *state;
	struct simdlm_ast a;

	/* 6-3: only the first conversion can be granted from the queue */
	granted(d, 5, 1, EX, 0, NULL);
	granted(d, 5, 2, NL, 0, NULL);
	granted(d, 5, 3, NL, 0, NULL);
	queued(d, 5, 2, EX, CVT);
	queued(d, 5, 3, PR, CVT);
	/* a new request, even NL, queues behind conversions (6-4) */
	queued(d, 5, 4, NL, 0);
	unlocked(d, 5, 1, NULL);
	assert_int_equal(take(d, 5, 2).mode, EX);
	assert_false(simdlm_ast_pending(d, 5, 3));
	granted(d, 5, 2, NL, CVT, NULL);	/* down: lets 3, then 4 in */
	assert_int_equal(take(d, 5, 3).mode, PR);
	assert_int_equal(take(d, 5, 4).mode, NL);

	/* conversion deadlock: PR->EX queued, then the other PR->EX */
	granted(d, 6, 1, PR, 0, NULL);
	granted(d, 6, 2, PR, 0, NULL);
	queued(d, 6, 1, EX, CVT);
	assert_int_equal(simdlm_request(d, 6, 2, EX, CVT, NULL), 0);
	a = take(d, 6, 2);
	assert_int_equal(a.status, -EDEADLK);
	assert_int_equal(a.mode, PR);
	unlocked(d, 6, 2, NULL);
	assert_int_equal(take(d, 6, 1).mode, EX);
}

static void test_lvb_write_read(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE], b[DLMR_LVB_SIZE], res[DLMR_LVB_SIZE];
	struct simdlm_ast ast;
	bool valid;

	fill(a, 0xaa);
	fill(b, 0xbb);
	assert_int_equal(simdlm_res_lvb(d, 7, res, &valid), 0);
	ast = granted(d, 7, 1, EX, VAL, NULL);
	assert_false(ast.lvb_read);		/* no value block yet */
	assert_false(ast.lvb_invalid);
	ast = granted(d, 7, 1, NL, CVT | VAL, a);	/* EX->NL writes */
	assert_false(ast.lvb_read);
	assert_int_equal(simdlm_res_lvb(d, 7, res, &valid), 1);
	assert_memory_equal(res, a, DLMR_LVB_SIZE);
	assert_true(valid);

	ast = granted(d, 7, 2, PR, VAL, b);	/* read overwrites buffer */
	assert_true(ast.lvb_read);
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);
	unlocked(d, 7, 2, NULL);

	ast = granted(d, 7, 1, EX, CVT | VAL, NULL);	/* NL->EX reads */
	assert_true(ast.lvb_read);
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);

	/* unlock of EX with a value block writes it */
	unlocked(d, 7, 1, b);
	assert_int_equal(simdlm_res_lvb(d, 7, res, &valid), 1);
	assert_memory_equal(res, b, DLMR_LVB_SIZE);
	ast = granted(d, 7, 3, PR, VAL, NULL);
	assert_memory_equal(ast.lvb, b, DLMR_LVB_SIZE);

	/* unlock of PR with a value block does not */
	unlocked(d, 7, 3, a);
	simdlm_res_lvb(d, 7, res, NULL);
	assert_memory_equal(res, b, DLMR_LVB_SIZE);
}

static void test_lvb_needs_valblk(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE], c[DLMR_LVB_SIZE], res[DLMR_LVB_SIZE];
	struct simdlm_ast ast;

	fill(a, 0x11);
	fill(c, 0xcc);
	granted(d, 8, 1, EX, VAL, NULL);
	granted(d, 8, 1, NL, CVT | VAL, a);		/* writes a */
	granted(d, 8, 1, EX, CVT, NULL);
	granted(d, 8, 1, NL, CVT, c);		/* no VALBLK: no write */
	simdlm_res_lvb(d, 8, res, NULL);
	assert_memory_equal(res, a, DLMR_LVB_SIZE);

	/* no VALBLK: nothing read either, the buffer stays as written */
	ast = granted(d, 8, 2, PR, 0, c);
	assert_false(ast.lvb_read);
	assert_memory_equal(ast.lvb, c, DLMR_LVB_SIZE);

	/* PW->PW with VALBLK writes (dlm_lvb_operations row PW) */
	unlocked(d, 8, 2, NULL);
	granted(d, 8, 1, PW, CVT | VAL, NULL);
	granted(d, 8, 1, PW, CVT | VAL, c);
	simdlm_res_lvb(d, 8, res, NULL);
	assert_memory_equal(res, c, DLMR_LVB_SIZE);
}

/* Node 1 writes @v and holds EX with VALBLK on @res; node 2 waits PR. */
static void ex_holder(struct simdlm *d, unsigned int res, const uint8_t *v)
{
	granted(d, res, 1, EX, VAL, NULL);
	granted(d, res, 1, NL, CVT | VAL, v);
	granted(d, res, 1, EX, CVT | VAL, NULL);
	queued(d, res, 2, PR, VAL);
}

static void test_inval_ex_failed(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE], b[DLMR_LVB_SIZE], res[DLMR_LVB_SIZE];
	struct simdlm_ast ast;
	bool valid;

	fill(a, 0xa1);
	fill(b, 0xb2);
	/* the master (node 4) stays: recover_lvb() case 1 */
	master_first(d, 9, 4);
	ex_holder(d, 9, a);
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_node(d, 1), SIMDLM_NODE_FAILED);
	/* the dead node's lock blocks until recovery */
	assert_false(simdlm_ast_pending(d, 9, 2));
	simdlm_stop(d);
	assert_int_equal(simdlm_recover(d), 1);
	assert_int_equal(simdlm_node(d, 1), SIMDLM_NODE_OUT);
	ast = take(d, 9, 2);
	assert_int_equal(ast.mode, PR);
	assert_true(ast.lvb_invalid);
	assert_true(ast.lvb_read);
	/* recover_lvb case 1 keeps the contents */
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);
	assert_int_equal(simdlm_res_lvb(d, 9, res, &valid), 1);
	assert_false(valid);

	/* still invalid for later readers, until a PW/EX holder writes */
	ast = granted(d, 9, 3, CR, VAL, NULL);
	assert_true(ast.lvb_invalid);
	ast = granted(d, 9, 3, NL, CVT, NULL);	/* CR->NL: -1, flag still */
	assert_true(ast.lvb_invalid);
	ast = granted(d, 9, 3, CR, CVT, NULL);	/* no VALBLK: no flag */
	assert_false(ast.lvb_invalid);
	unlocked(d, 9, 3, NULL);
	ast = granted(d, 9, 2, EX, CVT | VAL, NULL);
	assert_true(ast.lvb_invalid);
	ast = granted(d, 9, 2, NL, CVT | VAL, b);
	assert_false(ast.lvb_invalid);
	assert_int_equal(simdlm_res_lvb(d, 9, res, &valid), 1);
	assert_true(valid);
	ast = granted(d, 9, 4, PR, VAL, NULL);
	assert_false(ast.lvb_invalid);
	assert_memory_equal(ast.lvb, b, DLMR_LVB_SIZE);

	/* the node can come back after recovery */
	assert_int_equal(simdlm_join(d, 1), 0);
	assert_int_equal(simdlm_mode(d, 9, 1), IV);
}

static void test_no_inval_pr_failed(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE];
	struct simdlm_ast ast;
	bool valid;

	fill(a, 0x5a);
	granted(d, 10, 1, EX, VAL, NULL);
	granted(d, 10, 1, NL, CVT | VAL, a);
	ast = granted(d, 10, 2, PR, VAL, NULL);
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);
	granted(d, 10, 4, CR, VAL, NULL);
	queued(d, 10, 3, EX, VAL);
	/* PR and CR holders with VALBLK fail: no invalidation */
	assert_int_equal(simdlm_fail(d, 2), 0);
	assert_int_equal(simdlm_fail(d, 4), 0);
	assert_int_equal(simdlm_recover(d), 2);
	ast = take(d, 10, 3);
	assert_int_equal(ast.mode, EX);
	assert_false(ast.lvb_invalid);
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);
	assert_int_equal(simdlm_res_lvb(d, 10, NULL, &valid), 1);
	assert_true(valid);

	/* a PW holder without VALBLK fails: no invalidation either */
	granted(d, 10, 3, PW, CVT, NULL);
	assert_int_equal(simdlm_fail(d, 3), 0);
	assert_int_equal(simdlm_recover(d), 1);
	ast = granted(d, 10, 1, PR, CVT | VAL, NULL);
	assert_false(ast.lvb_invalid);
}

static void test_no_inval_clean_leave(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE], b[DLMR_LVB_SIZE];
	struct simdlm_ast ast;
	bool valid;

	fill(a, 0x77);
	fill(b, 0x88);
	/* the master (node 3) stays: test_remaster_clean_leave has the
	 * master leaving */
	master_first(d, 11, 3);
	master_first(d, 12, 3);
	/* the leaving node unlocks its EX (writing) before leaving */
	granted(d, 11, 1, EX, VAL, NULL);
	granted(d, 11, 2, NL, VAL, NULL);	/* keeps the rsb alive */
	unlocked(d, 11, 1, a);
	assert_int_equal(simdlm_leave(d, 1), 0);
	assert_int_equal(simdlm_node(d, 1), SIMDLM_NODE_LEFT);
	assert_int_equal(simdlm_join(d, 1), -EBUSY);
	assert_int_equal(simdlm_recover(d), 0);
	ast = granted(d, 11, 3, PR, VAL, NULL);
	assert_false(ast.lvb_invalid);
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);
	assert_int_equal(simdlm_res_lvb(d, 11, NULL, &valid), 1);
	assert_true(valid);

	/* leaving while still holding EX+VALBLK: purged like a failure
	 * (purge_dead_list does not tell them apart) */
	granted(d, 12, 4, EX, VAL, NULL);
	granted(d, 12, 4, NL, CVT | VAL, b);
	granted(d, 12, 4, EX, CVT | VAL, NULL);
	granted(d, 12, 2, NL, VAL, NULL);
	assert_int_equal(simdlm_leave(d, 4), 0);
	assert_int_equal(simdlm_recover(d), 1);
	ast = granted(d, 12, 3, PR, VAL, NULL);
	assert_true(ast.lvb_invalid);
}

static void test_toss_at_recovery(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE];
	struct simdlm_ast ast;

	fill(a, 0x42);
	/* value block of an unused resource survives until recovery */
	granted(d, 13, 1, EX, VAL, NULL);
	unlocked(d, 13, 1, a);
	ast = granted(d, 13, 2, PR, VAL, NULL);
	assert_memory_equal(ast.lvb, a, DLMR_LVB_SIZE);
	unlocked(d, 13, 2, NULL);
	/* dlm_clear_toss: gone after a recovery */
	assert_int_equal(simdlm_recover(d), 0);
	assert_int_equal(simdlm_res_lvb(d, 13, NULL, NULL), 0);
	ast = granted(d, 13, 2, PR, VAL, NULL);
	assert_false(ast.lvb_read);

	/* a held lock keeps it */
	granted(d, 14, 1, EX, VAL, NULL);
	granted(d, 14, 1, NL, CVT | VAL, a);
	assert_int_equal(simdlm_recover(d), 0);
	assert_int_equal(simdlm_res_lvb(d, 14, NULL, NULL), 1);

	/* EX holder fails on a value block never written: flag set but
	 * nothing to read, so no DLM_SBF_VALNOTVALID (set_lvb_lock) */
	granted(d, 15, 4, EX, VAL, NULL);
	granted(d, 15, 2, NL, 0, NULL);
	assert_int_equal(simdlm_fail(d, 4), 0);
	assert_int_equal(simdlm_recover(d), 1);
	ast = granted(d, 15, 3, PR, VAL, NULL);
	assert_false(ast.lvb_read);
	assert_false(ast.lvb_invalid);
}

static void test_stop_defers(void **state)
{
	struct simdlm *d = *state;
	struct simdlm_ast ast;

	granted(d, 16, 1, EX, 0, NULL);
	granted(d, 17, 2, PR, 0, NULL);
	simdlm_stop(d);
	simdlm_stop(d);				/* idempotent */
	assert_int_equal(simdlm_request(d, 16, 2, PR, NOQ, NULL), 0);
	assert_int_equal(simdlm_request(d, 18, 3, EX, 0, NULL), 0);
	assert_int_equal(simdlm_unlock(d, 16, 1, NULL), 0);
	assert_int_equal(simdlm_request(d, 17, 2, EX, CVT, NULL), 0);
	/* nothing is decided while stopped */
	assert_int_equal(simdlm_pending(d, NULL, 0), 0);
	assert_int_equal(simdlm_mode(d, 16, 1), EX);
	assert_int_equal(simdlm_mode(d, 18, 3), IV);
	/* a second caller blocks in dlm_lock_recovery() before it looks at
	 * the lkb: the caller submits it again after its node's end */
	assert_int_equal(simdlm_request(d, 18, 3, PR, 0, NULL), -EINPROGRESS);
	/* a node failing while stopped loses its deferred requests */
	assert_int_equal(simdlm_request(d, 16, 4, NL, 0, NULL), 0);
	assert_int_equal(simdlm_fail(d, 4), 0);

	assert_int_equal(simdlm_recover(d), 0);
	/* submission order: node 2's NOQUEUE PR came before node 1's unlock */
	ast = take(d, 16, 2);
	assert_int_equal(ast.status, -EAGAIN);
	assert_int_equal(take(d, 16, 1).status, -SIMDLM_EUNLOCK);
	assert_int_equal(take(d, 17, 2).mode, EX);
	assert_int_equal(take(d, 18, 3).mode, EX);
	assert_int_equal(simdlm_mode(d, 16, 4), IV);
	assert_int_equal(simdlm_pending(d, NULL, 0), 0);
}

static void test_busy_and_args(void **state)
{
	struct simdlm *d = *state;
	uint8_t lvb[DLMR_LVB_SIZE] = { 0 };

	granted(d, 19, 1, EX, 0, NULL);
	queued(d, 19, 2, EX, 0);
	assert_int_equal(simdlm_request(d, 19, 2, PR, CVT, NULL), -EBUSY);
	assert_int_equal(simdlm_unlock(d, 19, 2, NULL), -EBUSY);
	unlocked(d, 19, 1, NULL);
	/* granted but not delivered: still in flight for an unlock */
	assert_true(simdlm_ast_pending(d, 19, 2));
	assert_int_equal(simdlm_unlock(d, 19, 2, NULL), -EBUSY);
	take(d, 19, 2);
	granted(d, 19, 2, NL, CVT, NULL);

	assert_int_equal(simdlm_request(d, 19, 2, NL, 0, NULL), -EEXIST);
	assert_int_equal(simdlm_request(d, 19, 3, NL, CVT, NULL), -ENOENT);
	assert_int_equal(simdlm_unlock(d, 19, 3, NULL), -ENOENT);
	assert_int_equal(simdlm_take_ast(d, 19, 3, &(struct simdlm_ast){ 0 }),
			 -ENOENT);
	assert_int_equal(simdlm_request(d, SIMDLM_RES_MAX, 1, NL, 0, NULL), -EINVAL);
	assert_int_equal(simdlm_request(d, 0, 0, NL, 0, NULL), -EINVAL);
	assert_int_equal(simdlm_request(d, 0, SIMDLM_NODES_MAX + 1, NL, 0, NULL), -EINVAL);
	assert_int_equal(simdlm_request(d, 0, 1, IV, 0, NULL), -EINVAL);
	assert_int_equal(simdlm_request(d, 0, 1, EX + 1, 0, NULL), -EINVAL);
	assert_int_equal(simdlm_request(d, 0, 1, NL, 0x40, lvb), -EINVAL);
	assert_int_equal(simdlm_request(NULL, 0, 1, NL, 0, NULL), -EINVAL);
	assert_int_equal(simdlm_request(d, 0, 5, NL, 0, NULL), -ENOTCONN);
	assert_int_equal(simdlm_unlock(d, 0, 5, NULL), -ENOTCONN);
	assert_int_equal(simdlm_join(d, 1), -EEXIST);
	assert_int_equal(simdlm_join(d, 0), -EINVAL);
	assert_int_equal(simdlm_fail(d, 5), -ENOTCONN);
	assert_int_equal(simdlm_leave(d, 33), -EINVAL);
	assert_int_equal(simdlm_join(d, SIMDLM_NODES_MAX), 0);
	granted(d, SIMDLM_RES_MAX - 1, SIMDLM_NODES_MAX, EX, 0, NULL);
	assert_int_equal(simdlm_recover(NULL), -EINVAL);
}

/*
 * docs/step-order.md, G: dlm_lock() on an lkb whose operation's
 * completion is still queued is -EBUSY only while the lkb is on the
 * convert queue or awaits a remote master's reply (Linux 6.1
 * validate_lock_args()).  A down-conversion to a remote master awaits no
 * reply (send_convert()): a second request goes on, and the two
 * completions come in order.  (The model before answered -EBUSY until
 * the first completion was taken.)
 */
static void test_second_request_after_down_conversion(void **state)
{
	struct simdlm *d = *state;
	uint8_t lvb[DLMR_LVB_SIZE];
	struct simdlm_ast a;

	granted(d, 20, 1, NL, 0, NULL);		/* node 1 masters 20 */
	granted(d, 20, 2, NL, 0, NULL);
	granted(d, 20, 2, EX, CVT | VAL, NULL);
	fill(lvb, 7);
	/* EX -> NL writing the value block: granted at once, no reply */
	assert_int_equal(simdlm_request(d, 20, 2, NL, CVT | VAL, lvb), 0);
	assert_true(simdlm_ast_pending(d, 20, 2));
	/* the second request is not busy: NL -> EX, granted too */
	assert_int_equal(simdlm_request(d, 20, 2, EX, CVT | VAL, NULL), 0);
	assert_int_equal(simdlm_pending(d, NULL, 0), 1);
	assert_int_equal(simdlm_mode(d, 20, 2), EX);
	/* two completions, the older first */
	assert_true(simdlm_ast_pending(d, 20, 2));
	assert_int_equal(simdlm_take_ast(d, 20, 2, &a), 0);
	assert_int_equal(a.status, 0);
	assert_true(simdlm_in_flight(d, 20, 2));
	a = take(d, 20, 2);
	assert_int_equal(a.status, 0);
	assert_true(a.lvb_read);
	assert_int_equal(a.lvb[0], 7);
	assert_false(simdlm_in_flight(d, 20, 2));
	/* a NOQUEUE refusal leaves nothing queued either: not busy */
	granted(d, 20, 1, NL, CVT, NULL);
	assert_int_equal(simdlm_request(d, 20, 1, EX, CVT | NOQ, NULL), 0);
	assert_true(simdlm_ast_pending(d, 20, 1));
	assert_int_equal(simdlm_request(d, 20, 1, PR, CVT | NOQ, NULL), 0);
	assert_int_equal(simdlm_take_ast(d, 20, 1, &a), 0);
	assert_int_equal(a.status, -EAGAIN);
	assert_int_equal(take(d, 20, 1).status, -EAGAIN);
	/* a third while two completions are pending: the model's limit */
	assert_int_equal(simdlm_request(d, 20, 2, NL, CVT, NULL), 0);
	assert_int_equal(simdlm_request(d, 20, 2, NL, CVT, NULL), 0);
	assert_int_equal(simdlm_request(d, 20, 2, NL, CVT, NULL), -EBUSY);
}

/*
 * ... and an up-conversion that awaits a remote master's reply, or sits
 * on the convert queue, makes the second request -EBUSY (what the
 * control work's EX does to control_first_done()'s NL in gfs2).
 */
static void test_second_request_busy(void **state)
{
	struct simdlm *d = *state;

	granted(d, 21, 1, NL, 0, NULL);		/* node 1 masters 21 */
	granted(d, 21, 2, NL, 0, NULL);
	/* node 2's up-conversion, granted by node 1: a reply */
	assert_int_equal(simdlm_request(d, 21, 2, EX, CVT | VAL, NULL), 0);
	assert_true(simdlm_ast_pending(d, 21, 2));
	assert_int_equal(simdlm_request(d, 21, 2, NL, CVT | VAL, NULL), -EBUSY);
	take(d, 21, 2);
	granted(d, 21, 2, NL, CVT, NULL);
	/* on the master's own node the grant is local: no reply awaited */
	assert_int_equal(simdlm_request(d, 21, 1, PR, CVT, NULL), 0);
	assert_int_equal(simdlm_request(d, 21, 1, NL, CVT, NULL), 0);
	assert_int_equal(simdlm_take_ast(d, 21, 1, &(struct simdlm_ast){ 0 }), 0);
	take(d, 21, 1);
	/* an up-conversion on the convert queue is busy wherever it is */
	granted(d, 21, 1, PR, CVT, NULL);
	granted(d, 21, 2, PR, CVT, NULL);
	queued(d, 21, 1, EX, CVT);
	assert_int_equal(simdlm_request(d, 21, 1, NL, CVT, NULL), -EBUSY);
}

static void test_pending_order(void **state)
{
	struct simdlm *d = *state;
	struct simdlm_ref refs[8];

	assert_int_equal(simdlm_request(d, 21, 3, PR, 0, NULL), 0);
	assert_int_equal(simdlm_request(d, 20, 4, PR, 0, NULL), 0);
	assert_int_equal(simdlm_request(d, 21, 1, PR, 0, NULL), 0);
	assert_int_equal(simdlm_request(d, 20, 2, PR, 0, NULL), 0);
	assert_int_equal(simdlm_pending(d, refs, 3), 4);	/* total */
	assert_int_equal(refs[0].res, 20);
	assert_int_equal(refs[0].node, 2);
	assert_int_equal(refs[1].res, 20);
	assert_int_equal(refs[1].node, 4);
	assert_int_equal(refs[2].res, 21);
	assert_int_equal(refs[2].node, 1);
	assert_int_equal(simdlm_pending(d, refs, 8), 4);
	assert_int_equal(refs[3].res, 21);
	assert_int_equal(refs[3].node, 3);
	/* a failed node's completions are dropped */
	assert_int_equal(simdlm_fail(d, 3), 0);
	assert_int_equal(simdlm_pending(d, refs, 8), 3);
	assert_int_equal(simdlm_mode(d, 21, 3), PR);	/* held until purge */
}

/*
 * Convert queue: 2 NL->EX first (blocked by 1's CW and 4's CR), then
 * 3 NL->PR (blocked by 1's CW only).
 */
static void conv_setup(struct simdlm *d, unsigned int res)
{
	granted(d, res, 1, CW, 0, NULL);
	granted(d, res, 4, CR, 0, NULL);
	granted(d, res, 2, NL, 0, NULL);
	granted(d, res, 3, NL, 0, NULL);
	queued(d, res, 2, EX, CVT);
	queued(d, res, 3, PR, CVT);
}

static void test_recover_grants_unordered(void **state)
{
	struct simdlm *d = *state;

	conv_setup(d, 22);
	/* 23's master (node 4, with its CR) survives: no RECOVER_GRANT */
	master_first(d, 23, 4);
	conv_setup(d, 23);
	/* 23: node 1 unlocks: 3 is not first, so it keeps waiting (6-3) */
	unlocked(d, 23, 1, NULL);
	assert_int_equal(simdlm_pending(d, NULL, 0), 0);

	/* 22: node 1 dies; after the purge conversions ignore order
	 * (_can_be_granted with RSB_RECOVER_GRANT) */
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_recover(d), 1);
	assert_int_equal(take(d, 22, 3).mode, PR);
	assert_false(simdlm_ast_pending(d, 22, 2));
	assert_false(simdlm_ast_pending(d, 23, 3));
	assert_int_equal(simdlm_pending(d, NULL, 0), 0);
}

static void test_clone_equal(void **state)
{
	struct simdlm *d = *state;
	struct simdlm *c = malloc(sizeof(*c));
	struct simdlm *e = malloc(sizeof(*e));
	uint8_t a[DLMR_LVB_SIZE];

	assert_non_null(c);
	assert_non_null(e);
	fill(a, 0x3c);
	granted(d, 24, 1, EX, VAL, NULL);
	queued(d, 24, 2, PR, VAL);
	queued(d, 24, 3, PR, 0);
	memcpy(c, d, sizeof(*c));
	assert_true(simdlm_equal(c, d));
	assert_true(simdlm_hash(c) == simdlm_hash(d));

	/* the same step on both keeps them equal */
	assert_int_equal(simdlm_unlock(d, 24, 1, a), 0);
	assert_int_equal(simdlm_unlock(c, 24, 1, a), 0);
	assert_true(simdlm_equal(c, d));
	/* a different order of deliveries gives the same final state */
	take(d, 24, 1);
	take(d, 24, 2);
	take(c, 24, 2);
	take(c, 24, 1);
	assert_true(simdlm_equal(c, d));
	assert_true(simdlm_hash(c) == simdlm_hash(d));
	take(d, 24, 3);
	assert_false(simdlm_equal(c, d));
	assert_false(simdlm_hash(c) == simdlm_hash(d));

	/* queue ranks are canonical: {2 waits behind 3} after 3's grant
	 * equals a state where 2 queued alone */
	simdlm_init(c);
	simdlm_init(e);
	assert_true(simdlm_equal(c, e));
	simdlm_join(c, 1);
	simdlm_join(c, 2);
	simdlm_join(c, 3);
	memcpy(e, c, sizeof(*e));
	granted(c, 0, 1, EX, 0, NULL);
	queued(c, 0, 3, EX, 0);
	queued(c, 0, 2, EX, 0);
	unlocked(c, 0, 1, NULL);
	take(c, 0, 3);
	master_first(e, 0, 1);	/* the same master */
	granted(e, 0, 3, EX, 0, NULL);
	queued(e, 0, 2, EX, 0);
	assert_true(simdlm_equal(c, e));

	free(c);
	free(e);
}

/* ---- masters and their failure (recover_lvb() case 2) ---------------- */

/* The first request decided makes the master; a deferred one only when
 * it is decided; an unused resource loses its master at a recovery. */
static void test_master_first_requester(void **state)
{
	struct simdlm *d = *state;

	assert_int_equal(simdlm_master(d, 30, NULL), 0);
	granted(d, 30, 3, NL, 0, NULL);
	granted(d, 30, 1, EX, 0, NULL);
	assert_int_equal(simdlm_master(d, 30, NULL), 3);
	simdlm_stop(d);
	assert_int_equal(simdlm_request(d, 31, 2, EX, 0, NULL), 0);
	assert_int_equal(simdlm_master(d, 31, NULL), 0);
	assert_int_equal(simdlm_recover(d), 0);
	assert_int_equal(simdlm_master(d, 31, NULL), 2);
	take(d, 31, 2);
	/* dlm_clear_toss(): unused at the start of a recovery */
	unlocked(d, 30, 3, NULL);
	unlocked(d, 30, 1, NULL);
	assert_int_equal(simdlm_master(d, 30, NULL), 3);
	assert_int_equal(simdlm_recover(d), 0);
	assert_int_equal(simdlm_master(d, 30, NULL), 0);
	assert_int_equal(simdlm_master(d, 31, NULL), 2);
}

/* The master fails while another node holds EX with VALBLK: the new
 * master takes that lock's value block and it stays valid. */
static void test_remaster_from_ex(void **state)
{
	struct simdlm *d = *state;
	uint8_t a[DLMR_LVB_SIZE], b[DLMR_LVB_SIZE], res[DLMR_LVB_SIZE];
	struct simdlm_remaster opt[4];
	struct simdlm_ast ast;
	bool valid;

	fill(a, 0x11);
	fill(b, 0x22);
	master_first(d, 32, 1);
	granted(d, 32, 1, NL, VAL, NULL);
	granted(d, 32, 2, EX, VAL, NULL);
	granted(d, 32, 2, NL, CVT | VAL, a);	/* write: seq 1 */
	granted(d, 32, 2, EX, CVT | VAL, NULL);	/* read a */
	/* node 2 changes its buffer without a request (gfs2 writes
	 * ls_control_lvb): the rebuild reads the lksb as it is */
	assert_int_equal(simdlm_set_lvb(d, 32, 2, b), 0);
	granted(d, 32, 3, NL, VAL, NULL);
	assert_int_equal(simdlm_fail(d, 1), 0);
	/* nodes 2 and 3 may become master; the EX lock decides the lvb */
	assert_int_equal(simdlm_remaster_options(d, 32, opt, 4), 2);
	assert_int_equal(opt[0].master, 2);
	assert_int_equal(opt[0].from, 0);
	assert_int_equal(opt[1].master, 3);
	assert_int_equal(simdlm_recover(d), 1);
	assert_int_equal(simdlm_master(d, 32, NULL), 2);
	assert_int_equal(simdlm_res_lvb(d, 32, res, &valid), 1);
	assert_true(valid);
	assert_memory_equal(res, b, DLMR_LVB_SIZE);
	granted(d, 32, 2, NL, CVT, NULL);	/* no VALBLK: no write */
	ast = granted(d, 32, 3, PR, CVT | VAL, NULL);
	assert_true(ast.lvb_read);
	assert_false(ast.lvb_invalid);
	assert_memory_equal(ast.lvb, b, DLMR_LVB_SIZE);
}

/*
 * The master wrote last and fails: only NL locks with VALBLK survive, the
 * one that read last (highest lkb_lvbseq) gives the value block, which
 * goes back to the older version it read, with RSB_VALNOTVALID; a
 * reader gets both; the next write clears the flag.  A lock without
 * VALBLK in its last request does not count.
 */
static void test_remaster_rollback(void **state)
{
	struct simdlm *d = *state;
	uint8_t v1[DLMR_LVB_SIZE], v2[DLMR_LVB_SIZE], v3[DLMR_LVB_SIZE];
	uint8_t res[DLMR_LVB_SIZE];
	unsigned int seq;
	struct simdlm_ast ast;
	bool valid;

	fill(v1, 0x01);
	fill(v2, 0x02);
	fill(v3, 0x03);
	/* node 1, the master, writes v1 then v2 (seq 1, 2); node 2 read v1
	 * (seq 1) with VALBLK; node 3 read v2 but its last request had no
	 * VALBLK */
	granted(d, 33, 1, EX, VAL, NULL);
	granted(d, 33, 1, NL, CVT | VAL, v1);
	ast = granted(d, 33, 2, NL, VAL, NULL);
	assert_memory_equal(ast.lvb, v1, DLMR_LVB_SIZE);
	assert_int_equal(d->res[33].locks[1].lvbseq, 1);
	granted(d, 33, 1, EX, CVT | VAL, NULL);
	granted(d, 33, 1, NL, CVT | VAL, v2);
	/* the master's own lock learns the sequence of its write */
	assert_int_equal(simdlm_master(d, 33, &seq), 1);
	assert_int_equal(seq, 2);
	assert_int_equal(d->res[33].locks[0].lvbseq, 2);
	ast = granted(d, 33, 3, NL, VAL, NULL);
	assert_memory_equal(ast.lvb, v2, DLMR_LVB_SIZE);
	granted(d, 33, 3, NL, CVT, NULL);
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_recover(d), 1);
	assert_int_equal(simdlm_res_lvb(d, 33, res, &valid), 1);
	assert_false(valid);
	assert_memory_equal(res, v1, DLMR_LVB_SIZE);	/* rolled back */
	simdlm_master(d, 33, &seq);
	assert_int_equal(seq, 1);
	ast = granted(d, 33, 3, EX, CVT | VAL, NULL);
	assert_true(ast.lvb_read);
	assert_true(ast.lvb_invalid);		/* DLM_SBF_VALNOTVALID */
	assert_memory_equal(ast.lvb, v1, DLMR_LVB_SIZE);
	ast = granted(d, 33, 3, NL, CVT | VAL, v3);
	assert_false(ast.lvb_invalid);
	assert_int_equal(simdlm_res_lvb(d, 33, res, &valid), 1);
	assert_true(valid);
	assert_memory_equal(res, v3, DLMR_LVB_SIZE);
}

/* No surviving lock has VALBLK: the new master has no value block, and a
 * reader gets nothing copied and no flag (set_lvb_lock() returns before
 * both): it keeps its own buffer. */
static void test_remaster_no_valblk(void **state)
{
	struct simdlm *d = *state;
	uint8_t v1[DLMR_LVB_SIZE], mine[DLMR_LVB_SIZE];
	struct simdlm_ast ast;

	fill(v1, 0x31);
	fill(mine, 0x7e);
	granted(d, 34, 1, EX, VAL, NULL);
	granted(d, 34, 1, NL, CVT | VAL, v1);
	granted(d, 34, 2, NL, VAL, NULL);
	granted(d, 34, 2, EX, CVT | VAL, NULL);
	granted(d, 34, 2, NL, CVT, NULL);
	assert_int_equal(simdlm_set_lvb(d, 34, 2, mine), 0);
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_recover(d), 1);
	assert_int_equal(simdlm_master(d, 34, NULL), 2);
	assert_int_equal(simdlm_res_lvb(d, 34, NULL, NULL), 0);
	ast = granted(d, 34, 2, EX, CVT | VAL, NULL);
	assert_false(ast.lvb_read);
	assert_false(ast.lvb_invalid);
	assert_memory_equal(ast.lvb, mine, DLMR_LVB_SIZE);
}

/*
 * Two survivors read at the same sequence number and hold different
 * buffers: which one the new master takes is the order of the
 * recovery messages.  The new master's own lock is first on its queue,
 * so it loses the tie; a lock on the convert queue wins over the grant
 * queue.  Every open choice is an option; another is refused.
 */
static void test_remaster_tie(void **state)
{
	struct simdlm *d = *state;
	uint8_t v1[DLMR_LVB_SIZE], b2[DLMR_LVB_SIZE], b3[DLMR_LVB_SIZE];
	uint8_t res[DLMR_LVB_SIZE];
	struct simdlm_remaster opt[8], bad[SIMDLM_RES_MAX];
	struct simdlm *c = malloc(sizeof(*c));

	assert_non_null(c);
	fill(v1, 0x41);
	fill(b2, 0x42);
	fill(b3, 0x43);
	granted(d, 35, 1, EX, VAL, NULL);
	granted(d, 35, 1, NL, CVT | VAL, v1);
	granted(d, 35, 2, NL, VAL, NULL);	/* seq 1 */
	granted(d, 35, 3, NL, VAL, NULL);	/* seq 1 */
	assert_int_equal(simdlm_set_lvb(d, 35, 2, b2), 0);
	assert_int_equal(simdlm_set_lvb(d, 35, 3, b3), 0);
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_remaster_options(d, 35, opt, 8), 2);
	/* master 2: node 3's lock comes after its own; and the reverse */
	assert_int_equal(opt[0].master, 2);
	assert_int_equal(opt[0].from, 3);
	assert_int_equal(opt[1].master, 3);
	assert_int_equal(opt[1].from, 2);
	memcpy(c, d, sizeof(*c));
	memset(bad, 0, sizeof(bad));
	bad[35] = (struct simdlm_remaster){ 2, 2 };
	assert_int_equal(simdlm_recover_with(c, bad), -EINVAL);
	assert_true(simdlm_equal(c, d));	/* nothing done */
	bad[35] = opt[1];
	assert_int_equal(simdlm_recover_with(c, bad), 1);
	assert_int_equal(simdlm_master(c, 35, NULL), 3);
	simdlm_res_lvb(c, 35, res, NULL);
	assert_memory_equal(res, b2, DLMR_LVB_SIZE);
	assert_int_equal(simdlm_recover(d), 1);	/* the first option */
	assert_int_equal(simdlm_master(d, 35, NULL), 2);
	simdlm_res_lvb(d, 35, res, NULL);
	assert_memory_equal(res, b3, DLMR_LVB_SIZE);

	/* the convert queue is read after the grant queue */
	simdlm_init(c);
	for (uint32_t n = 1; n <= 4; n++)
		simdlm_join(c, n);
	granted(c, 36, 1, EX, VAL, NULL);
	granted(c, 36, 1, NL, CVT | VAL, v1);
	granted(c, 36, 2, NL, VAL, NULL);
	granted(c, 36, 3, NL, VAL, NULL);
	granted(c, 36, 4, PR, 0, NULL);
	granted(c, 36, 1, PR, CVT, NULL);
	queued(c, 36, 3, EX, CVT | VAL);	/* seq 1, convert queue */
	assert_int_equal(simdlm_fail(c, 1), 0);
	assert_int_equal(simdlm_remaster_options(c, 36, opt, 8), 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(opt[i].from, 3);
	free(c);
}

/* A clean leave of the master is a removal too: the value block a
 * leaving master wrote last goes back to what a survivor read. */
static void test_remaster_clean_leave(void **state)
{
	struct simdlm *d = *state;
	uint8_t v1[DLMR_LVB_SIZE], v2[DLMR_LVB_SIZE], res[DLMR_LVB_SIZE];
	bool valid;

	fill(v1, 0x51);
	fill(v2, 0x52);
	granted(d, 37, 1, EX, VAL, NULL);
	granted(d, 37, 1, NL, CVT | VAL, v1);
	granted(d, 37, 2, NL, VAL, NULL);
	granted(d, 37, 1, EX, CVT | VAL, NULL);
	unlocked(d, 37, 1, v2);			/* written on unlock */
	assert_int_equal(simdlm_leave(d, 1), 0);
	assert_int_equal(simdlm_recover(d), 0);
	assert_int_equal(simdlm_master(d, 37, NULL), 2);
	assert_int_equal(simdlm_res_lvb(d, 37, res, &valid), 1);
	assert_false(valid);
	assert_memory_equal(res, v1, DLMR_LVB_SIZE);
}

/*
 * Sequence numbers restart when a new master has no value block: a lock
 * that kept an older, higher number through requests that read nothing
 * then beats a lock that read the newer value at a later remaster
 * (recover_lvb() compares the numbers, not their age).
 */
static void test_remaster_stale_seq(void **state)
{
	struct simdlm *d = *state;
	uint8_t v[DLMR_LVB_SIZE], w[DLMR_LVB_SIZE], x[DLMR_LVB_SIZE];
	uint8_t res[DLMR_LVB_SIZE];

	fill(v, 0x61);
	fill(w, 0x62);
	fill(x, 0x63);
	granted(d, 38, 1, EX, VAL, NULL);
	granted(d, 38, 1, NL, CVT | VAL, v);
	granted(d, 38, 1, EX, CVT | VAL, NULL);
	granted(d, 38, 1, NL, CVT | VAL, v);	/* seq 2 */
	granted(d, 38, 2, NL, VAL, NULL);	/* 2 reads at seq 2 */
	granted(d, 38, 2, EX, CVT | VAL, NULL);
	granted(d, 38, 2, NL, CVT, NULL);	/* no VALBLK now */
	granted(d, 38, 3, NL, 0, NULL);
	/* master 1 fails: nobody has VALBLK, no value block */
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_recover_with(d, (struct simdlm_remaster[
		SIMDLM_RES_MAX]){ [38] = { 3, 0 } }), 1);
	assert_int_equal(simdlm_master(d, 38, NULL), 3);
	/* node 2 takes EX (reads nothing: it keeps seq 2) and writes w */
	granted(d, 38, 2, EX, CVT | VAL, NULL);
	granted(d, 38, 2, NL, CVT | VAL, w);	/* res seq 1 */
	assert_int_equal(d->res[38].locks[1].lvbseq, 2);
	/* node 3 reads w (seq 1), writes x (seq 2, its own: it is master) */
	granted(d, 38, 3, EX, CVT | VAL, NULL);
	assert_int_equal(d->res[38].locks[2].lvbseq, 1);
	granted(d, 38, 3, NL, CVT | VAL, x);
	assert_int_equal(d->res[38].locks[2].lvbseq, 2);
	/* node 4 reads x at seq 2 */
	granted(d, 38, 4, NL, VAL, NULL);
	/* master 3 fails: 2 (seq 2, buffer w) and 4 (seq 2, x) tie */
	assert_int_equal(simdlm_fail(d, 3), 0);
	assert_int_equal(simdlm_recover_with(d, (struct simdlm_remaster[
		SIMDLM_RES_MAX]){ [38] = { 4, 2 } }), 1);
	simdlm_res_lvb(d, 38, res, NULL);
	assert_memory_equal(res, w, DLMR_LVB_SIZE);	/* older than x */
}

/*
 * Issue 13 (docs/step-order.md, L): a reply lost with its master.  Node 1
 * masters resource 34 and holds it EX; node 2's NOQUEUE EX request is
 * refused (-EAGAIN), and so is node 3's NOQUEUE NL -> EX conversion.  Node 1
 * fails before either reply is delivered.  Delivered as decided, both
 * see -EAGAIN; resent, both go back to the DLM, node 3's lock keeps NL
 * (its process copy never changed), and after the recovery the new
 * master (node 3, the survivor with a lock) decides them again, in
 * resend order: node 3's conversion is granted (node 1's EX was purged)
 * and node 2's request is refused.
 */
static void test_resend_lost_reply(void **state)
{
	struct simdlm *d = *state;
	struct simdlm_ref opt[4];
	struct simdlm_ast a;

	granted(d, 34, 1, EX, 0, NULL);
	granted(d, 34, 3, NL, 0, NULL);
	assert_int_equal(simdlm_request(d, 34, 2, EX, NOQ, NULL), 0);
	assert_int_equal(simdlm_request(d, 34, 3, EX, CVT | NOQ, NULL), 0);
	assert_true(simdlm_ast_pending(d, 34, 2));
	assert_true(simdlm_ast_pending(d, 34, 3));
	/* the master's own operations are not replies; a removal of a node
	 * that masters nothing makes nothing resendable */
	assert_int_equal(simdlm_resend_options(d, 4, opt, 4), 0);
	assert_int_equal(simdlm_resend_options(d, 1, opt, 4), 2);
	assert_int_equal(opt[0].res, 34);
	assert_int_equal(opt[0].node, 2);
	assert_int_equal(opt[1].node, 3);
	/* not before the master is removed */
	assert_false(simdlm_resendable(d, 34, 2, 1));
	assert_int_equal(simdlm_resend(d, 34, 2, NULL), -ENOENT);
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_resend_options(d, 1, opt, 4), 2);
	assert_true(simdlm_resendable(d, 34, 2, 1));
	assert_int_equal(simdlm_resend(d, 34, 3, NULL), 0);
	assert_int_equal(simdlm_resend(d, 34, 2, NULL), 0);
	assert_int_equal(simdlm_resend(d, 34, 2, NULL), -ENOENT);
	assert_false(simdlm_ast_pending(d, 34, 2));
	assert_true(simdlm_in_flight(d, 34, 2));
	assert_int_equal(simdlm_mode(d, 34, 3), NL);
	assert_int_equal(simdlm_recover(d), 1);
	a = take(d, 34, 3);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.mode, EX);
	a = take(d, 34, 2);
	assert_int_equal(a.status, -EAGAIN);
	assert_int_equal(a.mode, IV);
	assert_int_equal(simdlm_master(d, 34, NULL), 3);
}

/* A resent conversion's process copy is as before the request: its value
 * block sequence number and buffer count in recover_lvb(); a
 * down-conversion is no reply (send_convert() completes it at once). */
static void test_resend_restores_copy(void **state)
{
	struct simdlm *d = *state;
	uint8_t v1[DLMR_LVB_SIZE], v2[DLMR_LVB_SIZE], mine[DLMR_LVB_SIZE];
	uint8_t res[DLMR_LVB_SIZE];
	struct simdlm_ref opt[4];
	struct simdlm_ast a;
	bool valid;

	fill(v1, 0x11);
	fill(v2, 0x22);
	fill(mine, 0x33);
	granted(d, 35, 1, EX, VAL, NULL);
	granted(d, 35, 1, NL, CVT | VAL, v1);		/* seq 1 */
	a = granted(d, 35, 2, NL, VAL, NULL);		/* node 2 reads v1 */
	assert_memory_equal(a.lvb, v1, DLMR_LVB_SIZE);
	granted(d, 35, 1, EX, CVT | VAL, NULL);
	granted(d, 35, 1, NL, CVT | VAL, v2);		/* seq 2 */
	assert_int_equal(simdlm_set_lvb(d, 35, 2, mine), 0);
	/* node 2's NL -> EX reads v2 (seq 2), reply not delivered */
	assert_int_equal(simdlm_request(d, 35, 2, EX, CVT | VAL, NULL), 0);
	assert_int_equal(d->res[35].locks[1].lvbseq, 2);
	granted(d, 35, 3, NL, VAL, NULL);		/* node 3 reads v2 */
	assert_int_equal(simdlm_set_lvb(d, 35, 3, v2), 0);
	granted(d, 35, 3, NL, CVT, NULL);		/* down: no VALBLK */
	assert_int_equal(simdlm_resend_options(d, 1, opt, 4), 1);
	assert_int_equal(simdlm_fail(d, 1), 0);
	assert_int_equal(simdlm_resend(d, 35, 2, mine), 0);
	assert_int_equal(d->res[35].locks[1].lvbseq, 1);
	assert_int_equal(simdlm_mode(d, 35, 2), NL);
	/* rebuilt from node 2's NL copy (seq 1: its buffer, not v2) */
	assert_int_equal(simdlm_recover(d), 1);
	assert_int_equal(simdlm_res_lvb(d, 35, res, &valid), 1);
	assert_false(valid);
	assert_memory_equal(res, mine, DLMR_LVB_SIZE);
	a = take(d, 35, 2);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.mode, EX);
	assert_true(a.lvb_read);
	assert_true(a.lvb_invalid);
	assert_memory_equal(a.lvb, mine, DLMR_LVB_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compat_matrix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_up_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noqueue_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_queue_jumping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversions_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversion_order_and_deadlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lvb_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lvb_needs_valblk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inval_ex_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_inval_pr_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_inval_clean_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_toss_at_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_defers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_request_after_down_conversion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_request_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_grants_unordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_equal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_first_requester, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remaster_from_ex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remaster_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remaster_no_valblk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remaster_tie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remaster_clean_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remaster_stale_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resend_lost_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resend_restores_copy, setup, teardown),
	};

	return cmocka_run_group_tests_name("simdlm", tests, NULL, NULL);
}
