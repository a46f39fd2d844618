// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel-log reader (include/dlmrecover.h, group klog) on lines as
 * Linux 6.1 and 6.12 print them (taken from the VM lab's consoles). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dlmrecover.h"

/* node 1 of a 3-node cluster: joins, node 3 is killed, rejoins */
static const char *const life[] = {
	"[  145.100000] dlm: dlmrex: joining the lockspace group...",
	"[  145.262266] dlm: dlmrex: dlm_recover 1",
	"[  145.300000] dlm: dlmrex: add member 3",
	"[  145.407035] dlm: dlmrex: dlm_recover_members 3 nodes",
	"[  145.429992] dlm: dlmrex: generation 3 slots 3 1:1 2:2 3:3",
	"[  145.500000] dlm: dlmrex: dlm_recover_directory 0 out 2 messages",
	"[  145.918592] dlm: dlmrex: dlm_recover 1 generation 3 done: 488 ms",
	"[  145.918600] dlm: dlmrex: join complete",
	"[  146.000000] dlm: module verification failed: signature and/or required key missing - tainting kernel",
	"[  146.100000] dlm: closing connection to node 3",
	"[  150.000000] dlm: dlmrex: dlm_recover 3",
	"[  150.000100] dlm: dlmrex: remove member 3",
	"[  150.100000] dlm: dlmrex: dlm_recover_members 2 nodes",
	"[  150.200000] dlm: dlmrex: generation 4 slots 2 1:1 2:2",
	"[  150.400000] dlm: dlmrex: dlm_recover 3 generation 4 done: 400 ms",
};

static struct dlmr_klog *empty(void)
{
	struct dlmr_klog *k = NULL;

	assert_int_equal(dlmr_klog_open(&k, "/dev/null"), 0);
	assert_non_null(k);
	return k;
}

static void feed_all(struct dlmr_klog *k, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dlmr_klog_feed(k, v[i]), 0);
}

static void next(struct dlmr_klog *k, struct dlmr_event *ev,
		 enum dlmr_event_type type)
{
	assert_int_equal(dlmr_klog_next_event(k, ev), 1);
	assert_int_equal(ev->type, type);
	assert_string_equal(ev->ls, "dlmrex");
}

static void test_snapshot(void **state)
{
	struct dlmr_klog *k = empty();
	struct dlmr_ls_info in;
	struct dlmr_ls_info *v;
	size_t n;

	(void)state;
	feed_all(k, life, sizeof(life) / sizeof(life[0]));
	assert_int_equal(dlmr_klog_set_nodeid(k, 2), 0);
	assert_int_equal(dlmr_klog_get(k, "dlmrex", &in), 0);
	assert_int_equal(in.generation, 4);
	assert_int_equal(in.num_slots, 2);
	assert_int_equal(in.slots[1].nodeid, 2);
	assert_int_equal(in.slots[1].slot, 2);
	assert_int_equal(in.our_slot, 2);
	assert_int_equal(in.members, 2);
	assert_int_equal(in.state, DLMR_LS_RUNNING);
	assert_false(in.ops);
	assert_true(in.last.known);
	assert_int_equal(in.last.generation, 4);
	assert_int_equal(in.last.num_failed, 1);
	assert_int_equal(in.last.failed[0].nodeid, 3);
	assert_int_equal(in.last.failed[0].slot, 3); /* from table 3 */
	assert_true(in.last.start_ns == 150000000000ull);
	assert_true(in.last.done_ns == 150400000000ull);
	/* the "module verification failed" line made no lockspace */
	assert_int_equal(dlmr_klog_list(k, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "dlmrex");
	free(v);
	assert_int_equal(dlmr_klog_get(k, "nope", &in), -ENOENT);
	dlmr_klog_close(k);
}

static void test_events(void **state)
{
	struct dlmr_klog *k = empty();
	struct dlmr_event ev;

	(void)state;
	assert_int_equal(dlmr_klog_next_event(k, &ev), -ENOTCONN);
	assert_int_equal(dlmr_klog_subscribe(k), 0);
	assert_int_equal(dlmr_klog_subscribe(k), -EALREADY);
	assert_int_equal(dlmr_klog_fd(k), -EBADF); /* not live */
	assert_int_equal(dlmr_klog_set_nodeid(k, 1), 0);
	feed_all(k, life, sizeof(life) / sizeof(life[0]));
	/* the join: no prep (the kernel calls none for the joining node) */
	next(k, &ev, DLMR_EV_DONE);
	assert_int_equal(ev.generation, 3);
	assert_int_equal(ev.our_slot, 1);
	assert_int_equal(ev.num_slots, 3);
	assert_int_equal(ev.node, 1);
	assert_int_equal(ev.seq, 1);
	next(k, &ev, DLMR_EV_PREP);
	assert_true(ev.time_ns == 150000000000ull);
	next(k, &ev, DLMR_EV_SLOT);
	assert_int_equal(ev.nodeid, 3);
	assert_int_equal(ev.slot, 3);
	next(k, &ev, DLMR_EV_DONE);
	assert_int_equal(ev.generation, 4);
	assert_int_equal(ev.num_slots, 2);
	assert_int_equal(ev.seq, 4);
	assert_int_equal(dlmr_klog_next_event(k, &ev), 0);
	dlmr_klog_close(k);
}

/* A recovery stopped by a second failure: one prep (dlm_ls_stop calls
 * recover_prep only when it clears LSFL_RUNNING), both slots, one done,
 * and the last recovery starts at the first. */
static void test_restarted(void **state)
{
	static const char *const more[] = {
		"6,2001,160000000,-;dlm: dlmrex: dlm_recover 5",
		" SUBSYSTEM=dlm",
		"6,2002,160000100,-;dlm: dlmrex: remove member 2 comm_seq 1 2",
		"6,2003,160100000,-;dlm: dlmrex: dlm_recover_members error -4",
		"6,2004,160200000,-;dlm: dlmrex: dlm_recover 7",
		"6,2005,160200100,-;dlm: dlmrex: remove member 4",
		"6,2006,160300000,-;dlm: dlmrex: dlm_recover_members 1 nodes",
		"6,2007,160400000,-;dlm: dlmrex: generation 6 slots 1 1:1",
		"6,2008,160500000,-;dlm: dlmrex: dlm_recover 7 generation 6 done: 300 ms",
	};
	struct dlmr_klog *k = empty();
	struct dlmr_event ev;
	struct dlmr_ls_info in;

	(void)state;
	feed_all(k, life, sizeof(life) / sizeof(life[0]));
	assert_int_equal(dlmr_klog_subscribe(k), 0);
	feed_all(k, more, sizeof(more) / sizeof(more[0]));
	next(k, &ev, DLMR_EV_PREP);
	next(k, &ev, DLMR_EV_SLOT);
	assert_int_equal(ev.nodeid, 2);
	assert_int_equal(ev.slot, 2);
	next(k, &ev, DLMR_EV_SLOT);
	assert_int_equal(ev.nodeid, 4);
	assert_int_equal(ev.slot, 0); /* in no table */
	next(k, &ev, DLMR_EV_DONE);
	assert_int_equal(ev.generation, 6);
	assert_int_equal(dlmr_klog_next_event(k, &ev), 0);
	assert_int_equal(dlmr_klog_get(k, "dlmrex", &in), 0);
	assert_int_equal(in.last.num_failed, 2);
	assert_true(in.last.start_ns == 160000000000ull);
	assert_true(in.last.done_ns == 160500000000ull);
	dlmr_klog_close(k);
}

/* Lines that cannot be trusted change nothing they cannot; a recovery
 * whose table is missing or malformed leaves the slots unknown. */
static void test_bad_lines(void **state)
{
	static const char *const bad[] = {
		"dlm: dlmrex: dlm_recover 9",
		"dlm: dlmrex: generation 7 slots 3 1:1 2:2", /* 2 of 3 */
		"dlm: dlmrex: generation 7 slots 1 0:1",      /* slot 0 */
		"dlm: dlmrex: generation x slots 1 1:1",
		"dlm: dlmrex: remove member",
		"[ garbage",
		"6,bad;dlm: dlmrex: dlm_recover 11",
		"dlm: 0123456789012345678901234567890123456789012345678901234567890123456789: dlm_recover 1",
		"",
		"dlm: dlmrex: dlm_recover 9 generation 7 done: 10 ms",
	};
	struct dlmr_klog *k = empty();
	struct dlmr_ls_info in, *v;
	size_t n;

	(void)state;
	feed_all(k, life, sizeof(life) / sizeof(life[0]));
	feed_all(k, bad, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(dlmr_klog_get(k, "dlmrex", &in), 0);
	assert_int_equal(in.generation, 7);
	assert_int_equal(in.num_slots, 0);
	assert_int_equal(in.our_slot, 0);
	assert_int_equal(dlmr_klog_list(k, &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(dlmr_klog_get(k, "0123456789012345678901234567890123456789012345678901234567890123456789", &in),
			 -ENAMETOOLONG);
	dlmr_klog_close(k);
}

static void test_leave_and_rejoin(void **state)
{
	struct dlmr_klog *k = empty();
	struct dlmr_ls_info in, *v = NULL;
	size_t n = 1;

	(void)state;
	feed_all(k, life, sizeof(life) / sizeof(life[0]));
	assert_int_equal(dlmr_klog_feed(k, "dlm: dlmrex: leaving the lockspace group..."), 0);
	assert_int_equal(dlmr_klog_get(k, "dlmrex", &in), -ENOENT);
	assert_int_equal(dlmr_klog_list(k, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	feed_all(k, life, 2);
	assert_int_equal(dlmr_klog_get(k, "dlmrex", &in), 0);
	assert_int_equal(in.state, DLMR_LS_RECOVERING);
	assert_int_equal(in.generation, 0);
	dlmr_klog_close(k);
}

static void test_file_and_errors(void **state)
{
	char path[] = "/tmp/test-klog-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct dlmr_klog *k = NULL;
	struct dlmr_ls_info in;
	struct dlmr_event ev;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t i = 0; i < sizeof(life) / sizeof(life[0]); i++)
		fprintf(f, "%s\n", life[i]);
	fclose(f);
	assert_int_equal(dlmr_klog_open(&k, path), 0);
	unlink(path);
	assert_int_equal(dlmr_klog_get(k, "dlmrex", &in), 0);
	assert_int_equal(in.generation, 4);
	assert_int_equal(dlmr_klog_our_nodeid(k), 0);
	assert_int_equal(in.our_slot, 0);
	dlmr_klog_close(k);

	assert_int_equal(dlmr_klog_open(&k, "/nonexistent/log"), -ENOENT);
	assert_null(k);
	assert_int_equal(dlmr_klog_open(NULL, NULL), -EINVAL);
	assert_int_equal(dlmr_klog_feed(NULL, "x"), -EINVAL);
	assert_int_equal(dlmr_klog_get(NULL, "x", &in), -EINVAL);
	assert_int_equal(dlmr_klog_next_event(NULL, &ev), -EINVAL);
	assert_int_equal(dlmr_klog_subscribe(NULL), -EINVAL);
	assert_int_equal(dlmr_klog_set_nodeid(NULL, 1), -EINVAL);
	assert_int_equal(dlmr_klog_fd(NULL), -EBADF);
	assert_int_equal(dlmr_klog_our_nodeid(NULL), 0);
	dlmr_klog_close(NULL);
	assert_non_null(strstr(dlmr_klog_strerror(-EPERM), "CAP_SYSLOG"));
	assert_non_null(strstr(dlmr_klog_strerror(-EOPNOTSUPP), "log_info"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_restarted),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_leave_and_rejoin),
		cmocka_unit_test(test_file_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
