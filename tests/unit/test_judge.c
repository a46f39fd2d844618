/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The invariants judge (judge.c): S1-S5 rebuilt from trace events. */
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

struct fixture {
	struct dlmr_judge *j;
	struct dlmr_event ev;
	uint64_t line;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || dlmr_judge_new(&f->j))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dlmr_judge_free(f->j);
	free(f);
	return 0;
}

/* Feed one trace line (its line number: the count fed so far, file 7);
 * returns dlmr_judge_feed()'s result. */
static int feed(struct fixture *f, const char *json)
{
	char err[256];

	if (dlmr_trace_parse(json, &f->ev, err, sizeof(err)))
		fail_msg("bad test line %s: %s", json, err);
	return dlmr_judge_feed(f->j, &f->ev, 7, ++f->line);
}

/* Lines that must find nothing. */
static void quiet(struct fixture *f, const char *const *lines)
{
	for (; *lines; lines++) {
		int r = feed(f, *lines);

		if (r)
			fail_msg("%s: %d, expected 0 (%s)", *lines, r,
				 dlmr_judge_count(f->j) ?
				 dlmr_judge_violation(f->j, dlmr_judge_count(f->j) - 1)->detail : "");
	}
}

#define J(ev, node, rest) "{\"event\":\"" ev "\",\"node\":" #node ",\"ls\":\"gfs0\"" rest "}"
#define MOUNTED(node, jid) J("mounted", node, ",\"jid\":" #jid ",\"first\":false")
#define GRANT(node, res, mode) J("grant", node, ",\"resource\":\"" res "\",\"mode\":\"" mode "\",\"flags\":[]")
#define SLOT(node, failed, slot) J("slot", node, ",\"nodeid\":" #failed ",\"slot\":" #slot)
#define RECOVER(node, jid) J("recover", node, ",\"jid\":" #jid)
#define RECOVERED(node, jid, st) J("recovered", node, ",\"jid\":" #jid ",\"status\":" #st)

/* Three nodes up, mounted and unblocked: jid = node - 1 (lines 1-11);
 * then @more (may be NULL), none of which may find anything. */
static void three_mounted(struct fixture *f, const char *const *more)
{
	static const char *const lines[] = {
		J("join", 1, ""), J("join", 2, ""), J("join", 3, ""),
		J("block", 1, ""), GRANT(1, "mounted", "EX"),
		J("unblock", 1, ""), GRANT(1, "mounted", "PR"),
		J("first_done", 1, ""), J("mounted", 1, ",\"jid\":0,\"first\":true"),
		MOUNTED(2, 1), MOUNTED(3, 2), NULL,
	};

	quiet(f, lines);
	if (more)
		quiet(f, more);
}

static const struct dlmr_judge_violation *last(struct fixture *f)
{
	size_t n = dlmr_judge_count(f->j);

	assert_true(n > 0);
	return dlmr_judge_violation(f->j, n - 1);
}

static void test_args(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(dlmr_judge_new(NULL), -EINVAL);
	dlmr_judge_free(NULL);
	assert_int_equal(dlmr_judge_count(NULL), 0);
	assert_null(dlmr_judge_violation(NULL, 0));
	assert_null(dlmr_judge_violation(f->j, 0));
	assert_string_equal(dlmr_judge_reason(NULL), "");
	assert_int_equal(dlmr_judge_feed(NULL, &f->ev, 0, 1), -EINVAL);
	assert_int_equal(dlmr_judge_feed(f->j, NULL, 0, 1), -EINVAL);
	assert_int_equal(dlmr_judge_finish(NULL), -EINVAL);
	memset(&f->ev, 'x', sizeof(f->ev)); /* ls without its NUL */
	f->ev.type = DLMR_EV_JOIN;
	assert_int_equal(dlmr_judge_feed(f->j, &f->ev, 0, 1), -EINVAL);
	assert_int_equal(dlmr_judge_finish(f->j), 0);
	assert_int_equal(dlmr_judge_finish(f->j), -EINVAL);
	assert_int_equal(feed(f, J("join", 1, "")), -EINVAL);
}

/* Cold start, a crash, its journal replayed, the node back: clean. */
static void test_clean(void **state)
{
	struct fixture *f = *state;
	static const char *const lines[] = {
		J("crash", 3, ""),
		J("prep", 1, ""), J("block", 1, ""), J("prep", 2, ""),
		J("block", 2, ""), SLOT(1, 3, 3), SLOT(2, 3, 3),
		RECOVER(1, 2), RECOVERED(2, 2, 2) /* not its replay */,
		RECOVERED(1, 2, 1), J("unblock", 1, ""), J("unblock", 2, ""),
		J("join", 3, ""), J("block", 3, ""), J("unblock", 3, ""),
		GRANT(3, "mounted", "PR"), RECOVER(3, 2), RECOVERED(3, 2, 1),
		MOUNTED(3, 2),
		J("violation", 0, ",\"detail\":\"S9: not a fact\""), NULL,
	};

	three_mounted(f, lines);
	assert_int_equal(dlmr_judge_finish(f->j), 0);
	assert_int_equal(dlmr_judge_count(f->j), 0);
}

static void test_s1(void **state)
{
	struct fixture *f = *state;
	const struct dlmr_judge_violation *v;
	static const char *const before[] = {
		J("crash", 3, ""), J("block", 2, ""), SLOT(2, 3, 3), NULL,
	};

	/* node 1 is told nothing and joined before: not its concern */
	three_mounted(f, before);
	assert_int_equal(feed(f, J("unblock", 2, "")), 1);
	v = last(f);
	assert_int_equal(v->invariant, 1);
	assert_int_equal(v->node, 2);
	assert_int_equal(v->jid, 2);
	assert_string_equal(v->ls, "gfs0");
	assert_string_equal(v->detail, "S1: node 2 unblocked while journal 2 "
			    "of failed node 3 is unrecovered");
	assert_int_equal(v->at.line, 15);
	assert_int_equal(v->at.file, 7);
	assert_int_equal(v->at.type, DLMR_EV_UNBLOCK);
	/* what it rests on, oldest first */
	assert_int_equal(v->nrefs, 5);
	assert_int_equal(v->refs[0].type, DLMR_EV_MOUNTED);
	assert_int_equal(v->refs[0].node, 2);
	assert_int_equal(v->refs[1].type, DLMR_EV_MOUNTED);
	assert_int_equal(v->refs[1].node, 3);
	assert_int_equal(v->refs[1].jid, 2);
	assert_int_equal(v->refs[2].type, DLMR_EV_CRASH);
	assert_int_equal(v->refs[3].type, DLMR_EV_SLOT);
	assert_int_equal(v->refs[3].nodeid, 3);
	assert_int_equal(v->refs[4].type, DLMR_EV_UNBLOCK);
	/* reported once while it lasts; again once it starts again */
	assert_int_equal(feed(f, J("prep", 2, "")), 0);
	assert_int_equal(feed(f, J("block", 2, "")), 0);
	assert_int_equal(feed(f, J("unblock", 2, "")), 1);
	assert_int_equal(dlmr_judge_count(f->j), 2);
	/* over once replayed */
	assert_int_equal(feed(f, RECOVER(1, 2)), 0);
	assert_int_equal(feed(f, RECOVERED(1, 2, 1)), 0);
	assert_int_equal(dlmr_judge_finish(f->j), 0);
}

/* A node that joins after the journal was orphaned needs no slot. */
static void test_s1_joined_after(void **state)
{
	struct fixture *f = *state;
	static const char *const lines[] = {
		J("crash", 3, ""), J("crash", 2, ""), J("join", 2, ""),
		J("block", 2, ""), J("unblock", 2, ""), NULL,
	};

	three_mounted(f, lines);
	/* mounting on journal 2 without replaying it does not end it (the
	 * simulator's model lets the mount end it: judge.c says why not) */
	assert_int_equal(feed(f, MOUNTED(2, 2)), 2);
	assert_string_equal(dlmr_judge_violation(f->j, 0)->detail,
			    "S1: node 2 unblocked while journal 1 of failed "
			    "node 2 is unrecovered");
	assert_string_equal(dlmr_judge_violation(f->j, 1)->detail,
			    "S1: node 2 unblocked while journal 2 of failed "
			    "node 3 is unrecovered");
	assert_int_equal(dlmr_judge_violation(f->j, 1)->refs[2].type,
			 DLMR_EV_JOIN);
}

static void test_s2(void **state)
{
	struct fixture *f = *state;
	const struct dlmr_judge_violation *v;

	three_mounted(f, NULL);
	assert_int_equal(feed(f, J("crash", 3, "")), 0);
	assert_int_equal(feed(f, RECOVER(1, 2)), 0);
	assert_int_equal(feed(f, RECOVER(2, 2)), 1);
	v = last(f);
	assert_int_equal(v->invariant, 2);
	assert_string_equal(v->detail, "S2: journal 2 recovered by nodes 1 "
			    "and 2 at once");
	assert_int_equal(v->nrefs, 1);
	assert_int_equal(v->refs[0].type, DLMR_EV_RECOVER);
	assert_int_equal(v->refs[0].node, 1);
	/* one after the other is fine; a crashed replayer does not count */
	assert_int_equal(feed(f, RECOVERED(1, 2, 1)), 0);
	assert_int_equal(feed(f, RECOVERED(2, 2, 1)), 0);
	assert_int_equal(feed(f, RECOVER(2, 0)), 0);
	assert_int_equal(feed(f, J("crash", 2, "")), 0);
	assert_int_equal(feed(f, RECOVER(1, 0)), 0);
}

static void test_s3(void **state)
{
	struct fixture *f = *state;
	static const char *const lines[] = {
		J("join", 1, ""), J("join", 2, ""), J("join", 3, ""),
		MOUNTED(3, 2), NULL,
	};

	/* a first mounter while another node is mounted */
	quiet(f, lines);
	assert_int_equal(feed(f, GRANT(1, "mounted", "EX")), 1);
	assert_string_equal(last(f)->detail, "S3: node 3 finished mounting "
			    "before first mounter 1's first_done");
	assert_int_equal(last(f)->refs[0].type, DLMR_EV_MOUNTED);
	assert_int_equal(last(f)->refs[1].type, DLMR_EV_GRANT);
	/* two first mounters */
	assert_int_equal(feed(f, GRANT(2, "mounted", "EX")), 1);
	assert_string_equal(last(f)->detail, "S3: 2 nodes are first mounter "
			    "at once");
	assert_int_equal(last(f)->nrefs, 2);
	/* the PR conversion of control_first_done() ends it */
	assert_int_equal(feed(f, J("unmounted", 3, "")), 0);
	assert_int_equal(feed(f, GRANT(1, "mounted", "PR")), 0);
	assert_int_equal(feed(f, J("again", 2, ",\"resource\":\"mounted\","
				   "\"mode\":\"PR\",\"flags\":[],\"status\":-11")), 0);
	assert_int_equal(feed(f, MOUNTED(2, 1)), 0);
	assert_int_equal(feed(f, MOUNTED(1, 0)), 0);
	assert_int_equal(dlmr_judge_count(f->j), 2);
}

static void test_s4(void **state)
{
	struct fixture *f = *state;

	three_mounted(f, NULL);
	assert_int_equal(feed(f, J("crash", 3, "")), 0);
	assert_int_equal(feed(f, RECOVER(1, 2)), 0);
	assert_int_equal(feed(f, RECOVERED(1, 2, 1)), 0);
	assert_int_equal(feed(f, J("join", 3, "")), 0);
	assert_int_equal(feed(f, MOUNTED(3, 1)), 1);
	assert_string_equal(last(f)->detail, "S4: nodes 2 and 3 both mounted "
			    "with jid 1");
	assert_int_equal(last(f)->node, 3);
	assert_int_equal(last(f)->jid, 1);
	assert_int_equal(last(f)->nrefs, 2);
	assert_int_equal(feed(f, J("unmounted", 3, "")), 0);
	assert_int_equal(feed(f, J("leave", 3, "")), 0);
}

static void test_s5(void **state)
{
	struct fixture *f = *state;
	static const char *const lines[] = {
		J("crash", 3, ""), J("block", 1, ""), J("join", 4, ""),
		J("join", 5, ""), J("unmounted", 5, ",\"status\":-5"), NULL,
	};

	three_mounted(f, lines);
	assert_int_equal(dlmr_judge_finish(f->j), 3);
	assert_string_equal(dlmr_judge_violation(f->j, 0)->detail,
			    "S5: node 1 is blocked");
	assert_int_equal(dlmr_judge_violation(f->j, 0)->at.line, 0);
	assert_string_equal(dlmr_judge_violation(f->j, 1)->detail,
			    "S5: node 4 is not mounted");
	assert_string_equal(dlmr_judge_violation(f->j, 2)->detail,
			    "S5: journal 2 of failed node 3 is unrecovered");
	assert_int_equal(dlmr_judge_violation(f->j, 2)->invariant, 5);
	assert_int_equal(dlmr_judge_violation(f->j, 2)->node, 0);
}

/* Nobody up: an orphaned journal waits for the next mount. */
static void test_s5_nobody(void **state)
{
	struct fixture *f = *state;
	static const char *const lines[] = {
		J("crash", 3, ""), J("unmounted", 1, ""), J("leave", 1, ""),
		J("unmounted", 2, ""), NULL,
	};

	three_mounted(f, lines);
	assert_int_equal(dlmr_judge_finish(f->j), 1);
	assert_int_equal(feed(f, J("leave", 2, "")), -EINVAL);
	assert_string_equal(last(f)->detail,
			    "S5: journal 2 of failed node 3 is unrecovered");
}

static void test_join_twice(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, J("join", 1, "")), 0);
	assert_int_equal(feed(f, J("join", 1, "")), -EPROTO);
	assert_string_equal(dlmr_judge_reason(f->j), "node 1 joins lockspace "
			    "gfs0 again without a crash or leave");
	assert_int_equal(feed(f, J("crash", 1, "")), 0);
	assert_string_equal(dlmr_judge_reason(f->j), "");
	assert_int_equal(feed(f, J("join", 1, "")), 0);
}

/* A lost event: its node is not judged until it joins again. */
static void test_lost(void **state)
{
	struct fixture *f = *state;

	three_mounted(f, NULL);
	assert_int_equal(feed(f, J("crash", 3, "")), 0);
	assert_int_equal(feed(f, J("lost", 2, ",\"detail\":\"gap\"")), 0);
	assert_int_equal(feed(f, SLOT(2, 3, 3)), 0);
	assert_int_equal(feed(f, MOUNTED(2, 2)), 0);
	assert_int_equal(feed(f, J("block", 2, "")), 0);
	/* node 1 still has to replay journal 2; node 2 is not judged */
	assert_int_equal(dlmr_judge_finish(f->j), 1);
	assert_string_equal(last(f)->detail,
			    "S5: journal 2 of failed node 3 is unrecovered");
}

/* Lockspaces are judged apart; a crash with ls "" is one of every one. */
static void test_lockspaces(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, J("join", 1, "")), 0);
	assert_int_equal(feed(f, MOUNTED(1, 0)), 0);
	assert_int_equal(feed(f, "{\"event\":\"join\",\"node\":2,\"ls\":\"md0\"}"), 0);
	assert_int_equal(feed(f, "{\"event\":\"mounted\",\"node\":2,\"ls\":\"md0\","
			      "\"jid\":0,\"first\":true}"), 0);
	assert_int_equal(feed(f, "{\"event\":\"crash\",\"node\":1,\"ls\":\"\"}"), 0);
	assert_int_equal(feed(f, "{\"event\":\"crash\",\"node\":2,\"ls\":\"\"}"), 0);
	assert_int_equal(feed(f, J("join", 2, "")), 0);
	assert_int_equal(feed(f, MOUNTED(2, 1)), 1);
	assert_string_equal(last(f)->ls, "gfs0");
	assert_string_equal(last(f)->detail, "S1: node 2 unblocked while "
			    "journal 0 of failed node 1 is unrecovered");
}

/* A node first seen by another event joined before the traces began. */
static void test_implicit_join(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, MOUNTED(1, 0)), 0);
	assert_int_equal(feed(f, MOUNTED(2, 0)), 1);
	assert_int_equal(last(f)->invariant, 4);
	assert_int_equal(last(f)->refs[0].line, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_args),
		T(test_clean),
		T(test_s1),
		T(test_s1_joined_after),
		T(test_s2),
		T(test_s3),
		T(test_s4),
		T(test_s5),
		T(test_s5_nobody),
		T(test_join_twice),
		T(test_lost),
		T(test_lockspaces),
		T(test_implicit_join),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
