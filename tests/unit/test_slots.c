/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Slot tables: the rule of fs/dlm/member.c dlm_slots_assign (Linux 6.1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dlmrecover.h"

/* Apply a membership given as a 0-terminated list of nodeids. */
static int change(struct dlmr_slot_table *t, const uint32_t *ids)
{
	struct dlmr_member m[DLMR_SLOTS_MAX + 1];
	size_t n = 0;

	while (ids[n]) {
		m[n].nodeid = ids[n];
		m[n].flags = 0;
		n++;
	}
	return dlmr_slots_change(t, m, n);
}

#define CHANGE(t, ...) change(t, (const uint32_t[]){ __VA_ARGS__, 0 })

/* Expect the table to be exactly these (nodeid, slot) pairs. */
static void expect_table(const struct dlmr_slot_table *t, uint32_t gen,
			 const struct dlmr_slot *want, unsigned int n)
{
	unsigned int i;

	assert_int_equal(t->generation, gen);
	assert_false(t->disabled);
	assert_int_equal(t->num, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(t->slots[i].nodeid, want[i].nodeid);
		assert_int_equal(t->slots[i].slot, want[i].slot);
	}
}

#define EXPECT(t, gen, ...)                                                  \
	do {                                                                 \
		const struct dlmr_slot w_[] = { __VA_ARGS__ };               \
		expect_table(t, gen, w_, sizeof(w_) / sizeof(w_[0]));        \
	} while (0)

static void test_init(void **state)
{
	struct dlmr_slot_table t;

	(void)state;
	memset(&t, 0xa5, sizeof(t));
	dlmr_slots_init(&t);
	assert_int_equal(t.generation, 0);
	assert_int_equal(t.num, 0);
	assert_false(t.disabled);
	assert_int_equal(dlmr_slots_slot(&t, 1), -ENOENT);
}

/*
 * One node per change, in every order of nodes 1, 2, 3: slots follow join
 * order, not nodeid (observed on the real kernel: node 2 joining first got
 * slot 1).
 */
static void test_join_orders(void **state)
{
	static const uint32_t orders[][3] = {
		{ 1, 2, 3 }, { 1, 3, 2 }, { 2, 1, 3 },
		{ 2, 3, 1 }, { 3, 1, 2 }, { 3, 2, 1 },
	};
	struct dlmr_slot_table t;
	struct dlmr_member m[3];
	size_t o, i;

	(void)state;
	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		dlmr_slots_init(&t);
		for (i = 0; i < 3; i++) {
			/* the membership so far: node orders[o][i] joins */
			m[i].nodeid = orders[o][i];
			m[i].flags = 0;
			assert_int_equal(dlmr_slots_change(&t, m, i + 1), 0);
			assert_int_equal(t.generation, i + 1);
		}
		for (i = 0; i < 3; i++) {
			assert_int_equal(t.slots[i].nodeid, i + 1);
			assert_int_equal(dlmr_slots_slot(&t, orders[o][i]),
					 (int)i + 1);
			assert_int_equal(dlmr_slots_jid(&t, orders[o][i]), (int)i);
		}
	}
}

/* Several new members in one change are visited in nodeid order. */
static void test_many_new_nodeid_order(void **state)
{
	struct dlmr_slot_table t;

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 7, 3, 5), 0);
	EXPECT(&t, 1, { 3, 1 }, { 5, 2 }, { 7, 3 });
	/* 4, 6 and 9 join together: free slots 4, 5, 6 in nodeid order */
	assert_int_equal(CHANGE(&t, 9, 7, 6, 5, 4, 3), 0);
	EXPECT(&t, 2, { 3, 1 }, { 4, 4 }, { 5, 2 }, { 6, 5 }, { 7, 3 },
	       { 9, 6 });
}

/* A failed node's slot is freed; new members fill the lowest gaps first. */
static void test_fail_and_rejoin_gaps(void **state)
{
	struct dlmr_slot_table t;

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 1, 2, 3, 4, 5), 0);
	EXPECT(&t, 1, { 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 }, { 5, 5 });
	/* 2 and 4 fail: gaps at 2 and 4, survivors keep theirs */
	assert_int_equal(CHANGE(&t, 1, 3, 5), 0);
	EXPECT(&t, 2, { 1, 1 }, { 3, 3 }, { 5, 5 });
	/* 4 rejoins alone: lowest free is 2, not its old 4 */
	assert_int_equal(CHANGE(&t, 1, 3, 4, 5), 0);
	EXPECT(&t, 3, { 1, 1 }, { 3, 3 }, { 4, 2 }, { 5, 5 });
	/* 2 and 6 join: 2 takes gap 4, 6 takes the next free, 6 */
	assert_int_equal(CHANGE(&t, 6, 5, 4, 3, 2, 1), 0);
	EXPECT(&t, 4, { 1, 1 }, { 2, 4 }, { 3, 3 }, { 4, 2 }, { 5, 5 },
	       { 6, 6 });
}

/* A rebooted node gets its old slot back when it is the lowest free one. */
static void test_rejoin_same_slot(void **state)
{
	struct dlmr_slot_table t;

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 1, 2, 3), 0);
	assert_int_equal(CHANGE(&t, 1, 3), 0);
	assert_int_equal(CHANGE(&t, 1, 2, 3), 0);
	EXPECT(&t, 3, { 1, 1 }, { 2, 2 }, { 3, 3 });
}

/* A clean leave frees the slot exactly like a failure does. */
static void test_clean_leave(void **state)
{
	struct dlmr_slot_table t;

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 4), 0);
	assert_int_equal(CHANGE(&t, 4, 8), 0);
	assert_int_equal(CHANGE(&t, 4, 8, 2), 0);
	EXPECT(&t, 3, { 2, 3 }, { 4, 1 }, { 8, 2 });
	assert_int_equal(CHANGE(&t, 2, 8), 0);
	EXPECT(&t, 4, { 2, 3 }, { 8, 2 });
	assert_int_equal(dlmr_slots_slot(&t, 4), -ENOENT);
	assert_int_equal(dlmr_slots_jid(&t, 4), -ENOENT);
	/* everyone leaves */
	assert_int_equal(dlmr_slots_change(&t, NULL, 0), 0);
	assert_int_equal(t.num, 0);
	assert_int_equal(t.generation, 5);
}

/* Removed and re-added in one change (node->new): a fresh slot. */
static void test_readded(void **state)
{
	struct dlmr_slot_table t;
	struct dlmr_member m[3] = {
		{ 1, 0 }, { 2, DLMR_MEMBER_READDED }, { 3, DLMR_MEMBER_READDED },
	};

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 3), 0);
	assert_int_equal(CHANGE(&t, 3, 2), 0);
	assert_int_equal(CHANGE(&t, 3, 2, 1), 0);
	EXPECT(&t, 3, { 1, 3 }, { 2, 2 }, { 3, 1 });
	/* 2 and 3 release slots 2 and 1 and are assigned in nodeid order */
	assert_int_equal(dlmr_slots_change(&t, m, 3), 0);
	EXPECT(&t, 4, { 1, 3 }, { 2, 1 }, { 3, 2 });
}

static void test_disabled(void **state)
{
	struct dlmr_slot_table t;
	struct dlmr_member m[3] = {
		{ 1, 0 }, { 2, DLMR_MEMBER_NO_SLOTS }, { 3, 0 },
	};

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 1, 3), 0);
	assert_int_equal(dlmr_slots_change(&t, m, 3), -EOPNOTSUPP);
	assert_true(t.disabled);
	assert_int_equal(t.num, 0);
	assert_int_equal(t.generation, 1);
	assert_int_equal(dlmr_slots_slot(&t, 1), -ENOENT);
	/* the old member leaves: slots come back, generation moves on */
	assert_int_equal(CHANGE(&t, 3, 1), 0);
	EXPECT(&t, 2, { 1, 1 }, { 3, 2 });
}

static void test_errors(void **state)
{
	struct dlmr_slot_table t;
	struct dlmr_member zero[2] = { { 1, 0 }, { 0, 0 } };
	struct dlmr_member dup[3] = { { 5, 0 }, { 1, 0 }, { 5, 0 } };

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(CHANGE(&t, 1, 2), 0);
	assert_int_equal(dlmr_slots_change(&t, zero, 2), -EINVAL);
	assert_int_equal(dlmr_slots_change(&t, dup, 3), -EINVAL);
	assert_int_equal(dlmr_slots_change(NULL, dup, 1), -EINVAL);
	assert_int_equal(dlmr_slots_change(&t, NULL, 1), -EINVAL);
	/* failed changes leave the table alone */
	EXPECT(&t, 1, { 1, 1 }, { 2, 2 });
	assert_int_equal(dlmr_slots_slot(NULL, 1), -ENOENT);
	assert_int_equal(dlmr_slots_diff(NULL, &t, NULL), -EINVAL);
	assert_int_equal(dlmr_slots_format(NULL, NULL, 0), -EINVAL);
}

static void test_upper_bound(void **state)
{
	struct dlmr_slot_table *t = malloc(sizeof(*t));
	struct dlmr_member m[DLMR_SLOTS_MAX + 1];
	unsigned int i;

	(void)state;
	assert_non_null(t);
	assert_int_equal(DLMR_SLOTS_MAX, 249);
	dlmr_slots_init(t);
	/* nodeids given in reverse: slots still go by nodeid */
	for (i = 0; i < DLMR_SLOTS_MAX + 1; i++) {
		m[i].nodeid = 1000 - i;
		m[i].flags = 0;
	}
	assert_int_equal(dlmr_slots_change(t, m, DLMR_SLOTS_MAX + 1), -E2BIG);
	assert_int_equal(t->num, 0);
	assert_int_equal(t->generation, 0);
	assert_int_equal(dlmr_slots_change(t, m + 1, DLMR_SLOTS_MAX), 0);
	assert_int_equal(t->num, DLMR_SLOTS_MAX);
	assert_int_equal(dlmr_slots_slot(t, 1000 - DLMR_SLOTS_MAX), 1);
	assert_int_equal(dlmr_slots_slot(t, 999), DLMR_SLOTS_MAX);
	/* one more node is too many, even when one is replaced */
	assert_int_equal(dlmr_slots_change(t, m, DLMR_SLOTS_MAX + 1), -E2BIG);
	m[1].nodeid = 5000; /* 999 fails, 5000 joins: takes slot 249 */
	assert_int_equal(dlmr_slots_change(t, m + 1, DLMR_SLOTS_MAX), 0);
	assert_int_equal(dlmr_slots_slot(t, 5000), DLMR_SLOTS_MAX);
	assert_int_equal(dlmr_slots_slot(t, 999), -ENOENT);
	assert_int_equal(t->generation, 2);
	free(t);
}

static void test_diff(void **state)
{
	struct dlmr_slot_table a, b;
	struct dlmr_slots_delta *d = malloc(sizeof(*d));

	(void)state;
	assert_non_null(d);
	dlmr_slots_init(&a);
	assert_int_equal(CHANGE(&a, 1, 2, 3, 4), 0);
	b = a;
	assert_int_equal(CHANGE(&b, 1, 3, 4, 6), 0);
	assert_int_equal(dlmr_slots_diff(&a, &b, d), 0);
	assert_int_equal(d->num_added, 1);
	assert_int_equal(d->added[0].nodeid, 6);
	assert_int_equal(d->added[0].slot, 2);
	assert_int_equal(d->num_removed, 1);
	assert_int_equal(d->removed[0].nodeid, 2);
	assert_int_equal(d->removed[0].slot, 2);
	assert_int_equal(d->num_moved, 0);

	/* a moved slot (a kernel bug) is reported with its new value */
	b.slots[0].slot = 9;
	assert_int_equal(dlmr_slots_diff(&a, &b, d), 0);
	assert_int_equal(d->num_moved, 1);
	assert_int_equal(d->moved[0].nodeid, 1);
	assert_int_equal(d->moved[0].slot, 9);

	/* from empty: all added; to empty: all removed */
	dlmr_slots_init(&b);
	assert_int_equal(dlmr_slots_diff(&b, &a, d), 0);
	assert_int_equal(d->num_added, 4);
	assert_int_equal(d->num_removed, 0);
	assert_int_equal(d->added[3].nodeid, 4);
	assert_int_equal(dlmr_slots_diff(&a, &b, d), 0);
	assert_int_equal(d->num_added, 0);
	assert_int_equal(d->num_removed, 4);
	assert_int_equal(d->removed[0].nodeid, 1);
	free(d);
}

static void test_format(void **state)
{
	struct dlmr_slot_table t;
	char buf[128], small[12];

	(void)state;
	dlmr_slots_init(&t);
	assert_int_equal(dlmr_slots_format(&t, buf, sizeof(buf)), 20);
	assert_string_equal(buf, "generation 0 slots 0");
	assert_int_equal(CHANGE(&t, 2), 0);
	assert_int_equal(CHANGE(&t, 2, 1), 0);
	assert_int_equal(CHANGE(&t, 3, 2, 1), 0);
	/* slot:nodeid pairs in slot order, as log_slots prints them */
	assert_int_equal(dlmr_slots_format(&t, buf, sizeof(buf)), 32);
	assert_string_equal(buf, "generation 3 slots 3 1:2 2:1 3:3");
	/* truncated like snprintf, returning the full length */
	assert_int_equal(dlmr_slots_format(&t, small, sizeof(small)), 32);
	assert_string_equal(small, "generation ");
	assert_int_equal(dlmr_slots_format(&t, NULL, 0), 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_join_orders),
		cmocka_unit_test(test_many_new_nodeid_order),
		cmocka_unit_test(test_fail_and_rejoin_gaps),
		cmocka_unit_test(test_rejoin_same_slot),
		cmocka_unit_test(test_clean_leave),
		cmocka_unit_test(test_readded),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_upper_bound),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
