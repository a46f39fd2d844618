// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The CPG source's agreement on slot tables (lib/libdlmrecover/cpgsrc.c)
 * on a simulated CPG: one totally ordered log of confchgs and messages,
 * each delivered to the members of the configuration it falls in; every
 * node reads the log at its own pace (a sender may answer a confchg long
 * after later ones were delivered), and a message is appended to the log
 * when its sender sends it.  A failed node stops at once (its messages
 * already in the log stay: they were sent in its configuration).
 * Checked: every member that has read the whole log holds the same
 * table, with the kernel's slot rule, and got prep/slot/done as a member
 * of a lockspace would.
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

#include "internal.h"

#define NODES 5
#define LOGMAX 4096

struct item {
	bool conf;
	struct dlmr_cpg_member members[NODES], joined[NODES];
	uint32_t failed[NODES];
	size_t n, nj, nf;
	uint32_t msg[1024];
	size_t len;
};

struct node {
	struct dlmr_cpg_agree *a;
	bool up;
	size_t pos;         /* next item of the log to read */
	unsigned int preps, slots, dones;
	struct dlmr_event last_done;
};

struct bus {
	struct item *log;
	size_t n;
	uint32_t cur[NODES];  /* the configuration at the end of the log */
	size_t ncur;
	uint32_t pid[NODES + 1]; /* each node's process: a new one a join */
	struct node node[NODES + 1];
};

static int send_fn(void *arg, const void *buf, size_t len)
{
	struct bus *b = arg;
	struct item *it = &b->log[b->n++];

	assert_true(b->n < LOGMAX);
	memset(it, 0, sizeof(*it));
	assert_true(len <= sizeof(it->msg));
	memcpy(it->msg, buf, len);
	it->len = len;
	return 0;
}

static bool in(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* The configuration an item falls in: its own (a confchg) or the last
 * confchg's before it. */
static bool for_node(const struct bus *b, size_t i, uint32_t x)
{
	for (size_t k = i + 1; k-- > 0;) {
		if (!b->log[k].conf)
			continue;
		for (size_t j = 0; j < b->log[k].n; j++)
			if (b->log[k].members[j].nodeid == x &&
			    b->log[k].members[j].pid == b->pid[x])
				return true;
		return false;
	}
	return false;
}

/* Node @x reads one item of the log: 1, or 0 if none is left. */
static int step(struct bus *b, uint32_t x)
{
	struct node *nd = &b->node[x];
	struct dlmr_event ev;
	struct item *it;

	while (nd->up && nd->pos < b->n && !for_node(b, nd->pos, x))
		nd->pos++;
	if (!nd->up || nd->pos >= b->n)
		return 0;
	it = &b->log[nd->pos++];
	if (it->conf)
		assert_int_equal(dlmr_cpg_agree_confchg(nd->a, it->members,
			it->n, it->joined, it->nj, it->failed, it->nf,
			send_fn, b), 0);
	else
		assert_true(dlmr_cpg_agree_deliver(nd->a, it->msg,
						   it->len) >= 0);
	while (dlmr_cpg_agree_next(nd->a, &ev) == 1) {
		assert_int_equal(ev.node, x);
		assert_string_equal(ev.ls, "ls");
		if (ev.type == DLMR_EV_PREP)
			nd->preps++;
		else if (ev.type == DLMR_EV_SLOT)
			nd->slots++;
		else if (ev.type == DLMR_EV_DONE) {
			nd->dones++;
			nd->last_done = ev;
		}
	}
	return 1;
}

static void conf(struct bus *b, const uint32_t *members, size_t n,
		 const uint32_t *joined, size_t nj, const uint32_t *failed,
		 size_t nf)
{
	struct item *it = &b->log[b->n++];

	assert_true(b->n < LOGMAX);
	memset(it, 0, sizeof(*it));
	it->conf = true;
	for (size_t i = 0; i < n; i++)
		it->members[i] = (struct dlmr_cpg_member){ members[i],
							   b->pid[members[i]] };
	for (size_t i = 0; i < nj; i++)
		it->joined[i] = (struct dlmr_cpg_member){ joined[i],
							  b->pid[joined[i]] };
	if (nf)
		memcpy(it->failed, failed, nf * sizeof(*failed));
	it->n = n;
	it->nj = nj;
	it->nf = nf;
	memcpy(b->cur, members, n * sizeof(*members));
	b->ncur = n;
}

static struct bus *bus_new(void)
{
	struct bus *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->log = calloc(LOGMAX, sizeof(*b->log));
	assert_non_null(b->log);
	return b;
}

static void bus_free(struct bus *b)
{
	for (uint32_t x = 1; x <= NODES; x++)
		dlmr_cpg_agree_free(b->node[x].a);
	free(b->log);
	free(b);
}

/* Node @x joins the group (a new process: a new agreement state). */
static void join(struct bus *b, uint32_t x)
{
	uint32_t m[NODES];
	size_t n = b->ncur;

	memcpy(m, b->cur, n * sizeof(*m));
	m[n++] = x;
	dlmr_cpg_agree_free(b->node[x].a);
	memset(&b->node[x], 0, sizeof(b->node[x]));
	b->pid[x]++;
	assert_int_equal(dlmr_cpg_agree_new(x, b->pid[x], "ls", &b->node[x].a),
			 0);
	b->node[x].up = true;
	b->node[x].pos = b->n;
	conf(b, m, n, &x, 1, NULL, 0);
}

/* Node @x fails (NODEDOWN): it stops reading at once. */
static void fail_node(struct bus *b, uint32_t x)
{
	uint32_t m[NODES];
	size_t n = 0;

	for (size_t i = 0; i < b->ncur; i++)
		if (b->cur[i] != x)
			m[n++] = b->cur[i];
	b->node[x].up = false;
	conf(b, m, n, NULL, 0, &x, 1);
}

/* Everyone reads everything (senders' messages included). */
static void settle(struct bus *b)
{
	bool any = true;

	while (any) {
		any = false;
		for (uint32_t x = 1; x <= NODES; x++)
			while (step(b, x))
				any = true;
	}
}

/* Every member holds the same table: the members, unique slots >= 1. */
static const struct dlmr_slot_table *agreed(struct bus *b)
{
	const struct dlmr_slot_table *ref = NULL;

	for (size_t i = 0; i < b->ncur; i++) {
		const struct dlmr_slot_table *t =
			dlmr_cpg_agree_table(b->node[b->cur[i]].a);

		assert_non_null(t);
		if (!ref)
			ref = t;
		assert_int_equal(t->generation, ref->generation);
		assert_int_equal(t->num, ref->num);
		assert_memory_equal(t->slots, ref->slots,
				    t->num * sizeof(t->slots[0]));
	}
	assert_non_null(ref);
	assert_int_equal(ref->num, b->ncur);
	for (unsigned int i = 0; i < ref->num; i++) {
		assert_true(in(b->cur, b->ncur, ref->slots[i].nodeid));
		assert_true(ref->slots[i].slot >= 1);
		for (unsigned int j = 0; j < i; j++)
			assert_int_not_equal(ref->slots[i].slot,
					     ref->slots[j].slot);
	}
	return ref;
}

static void test_cold_and_failure(void **state)
{
	struct bus *b = bus_new();
	const struct dlmr_slot_table *t;

	(void)state;
	join(b, 3); /* slots follow join order, as the kernel's */
	settle(b);
	join(b, 1);
	settle(b);
	join(b, 2);
	settle(b);
	t = agreed(b);
	assert_int_equal(t->generation, 3);
	assert_int_equal(dlmr_slots_slot(t, 3), 1);
	assert_int_equal(dlmr_slots_slot(t, 1), 2);
	assert_int_equal(dlmr_slots_slot(t, 2), 3);
	/* the joins: a done each, the old members a prep each, no slot */
	assert_int_equal(b->node[3].dones, 3);
	assert_int_equal(b->node[3].preps, 2);
	assert_int_equal(b->node[2].dones, 1);
	assert_int_equal(b->node[2].preps, 0);
	assert_int_equal(b->node[3].slots, 0);
	/* node 1 fails: prep, slot 1:2, done without it */
	fail_node(b, 1);
	settle(b);
	t = agreed(b);
	assert_int_equal(t->generation, 4);
	assert_int_equal(b->node[3].slots, 1);
	assert_int_equal(b->node[2].slots, 1);
	assert_int_equal(b->node[2].last_done.our_slot, 3);
	assert_int_equal(b->node[3].last_done.num_slots, 2);
	bus_free(b);
}

/* Every confchg is in the log before anyone reads: the senders answer
 * late, and their answers to older confchgs are ignored. */
static void test_late_senders(void **state)
{
	struct bus *b = bus_new();

	(void)state;
	join(b, 2);
	join(b, 4);
	join(b, 1);
	settle(b);
	agreed(b);
	fail_node(b, 1);
	join(b, 1); /* back before anyone read the failure */
	join(b, 3);
	settle(b);
	agreed(b);
	/* the survivors got one slot event for node 1 */
	assert_int_equal(b->node[2].slots, 1);
	assert_int_equal(b->node[4].slots, 1);
	bus_free(b);
}

/* Random histories: joins and failures at random points, nodes reading
 * at random paces; whenever everyone has read everything, the members
 * agree. */
static void test_random(void **state)
{
	(void)state;
	for (unsigned int seed = 1; seed <= 400; seed++) {
		struct bus *b = bus_new();

		srand(seed);
		for (int op = 0; op < 40; op++) {
			uint32_t x = 1 + (uint32_t)rand() % NODES;
			int r = rand() % 10;

			if (r < 3 && !in(b->cur, b->ncur, x)) {
				join(b, x);
				if (getenv("CPG_DEBUG"))
					printf("seed %u: join %u\n", seed, x);
			} else if (r < 4 && b->ncur > 1 && in(b->cur, b->ncur, x)) {
				fail_node(b, x);
				if (getenv("CPG_DEBUG"))
					printf("seed %u: fail %u\n", seed, x);
			} else {
				step(b, x);
			}
			if (rand() % 8 == 0 && b->ncur) {
				settle(b);
				if (getenv("CPG_DEBUG"))
					printf("seed %u: settled\n", seed);
				agreed(b);
			}
		}
		settle(b);
		if (b->ncur)
			agreed(b);
		bus_free(b);
	}
}

static void test_bad_input(void **state)
{
	struct dlmr_cpg_agree *a;
	uint32_t junk[4] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(dlmr_cpg_agree_new(0, 1, "ls", &a), -EINVAL);
	assert_int_equal(dlmr_cpg_agree_new(1, 1, "ls", &a), 0);
	assert_int_equal(dlmr_cpg_agree_deliver(a, junk, sizeof(junk)),
			 -EBADMSG);
	assert_int_equal(dlmr_cpg_agree_deliver(a, junk, 3), -EBADMSG);
	{
		/* magic, version, base, gen, n = 1, member (nodeid, pid),
		 * ns = 1, slot (nodeid, slot) */
		uint32_t m[10] = { 0x47435244u, 1, 0, 1, 1, 1, 1, 1, 1, 1 };

		assert_int_equal(dlmr_cpg_agree_deliver(a, m, sizeof(m)), 0);
		/* one word short, a member count past the end,
		 * more slots than the table holds, another version */
		assert_int_equal(dlmr_cpg_agree_deliver(a, m, 9 * 4), -EBADMSG);
		m[4] = 3;
		assert_int_equal(dlmr_cpg_agree_deliver(a, m, sizeof(m)), -EBADMSG);
		m[4] = 1000;
		assert_int_equal(dlmr_cpg_agree_deliver(a, m, sizeof(m)), -EBADMSG);
		m[4] = 1;
		m[7] = DLMR_SLOTS_MAX + 1;
		assert_int_equal(dlmr_cpg_agree_deliver(a, m, sizeof(m)), -EBADMSG);
		m[7] = 1;
		m[1] = 2;
		assert_int_equal(dlmr_cpg_agree_deliver(a, m, sizeof(m)), -EBADMSG);
	}
	assert_null(dlmr_cpg_agree_table(a));
	dlmr_cpg_agree_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_and_failure),
		cmocka_unit_test(test_late_senders),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
