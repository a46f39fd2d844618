/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Traces: JSON Lines writing and strict reading (docs/trace-format.md). */
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

static struct dlmr_event *new_event(enum dlmr_event_type type)
{
	struct dlmr_event *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->type = type;
	ev->node = 1;
	strcpy(ev->ls, "gfs0");
	ev->jid = -1;
	return ev;
}

static void assert_event_equal(const struct dlmr_event *a,
			       const struct dlmr_event *b)
{
	unsigned int i;

	assert_int_equal(a->type, b->type);
	assert_int_equal(a->step, b->step);
	assert_int_equal(a->time_ns, b->time_ns);
	assert_int_equal(a->mono_ns, b->mono_ns);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->node, b->node);
	assert_string_equal(a->ls, b->ls);
	assert_int_equal(a->nodeid, b->nodeid);
	assert_int_equal(a->slot, b->slot);
	assert_int_equal(a->generation, b->generation);
	assert_int_equal(a->our_slot, b->our_slot);
	assert_int_equal(a->num_slots, b->num_slots);
	for (i = 0; i < a->num_slots; i++) {
		assert_int_equal(a->slots[i].nodeid, b->slots[i].nodeid);
		assert_int_equal(a->slots[i].slot, b->slots[i].slot);
	}
	if (a->resource || b->resource) {
		assert_non_null(a->resource);
		assert_non_null(b->resource);
		assert_string_equal(a->resource, b->resource);
	}
	assert_int_equal(a->jid, b->jid);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->first, b->first);
	assert_string_equal(a->detail, b->detail);
	assert_int_equal(a->resynced, b->resynced);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->resync_seq, b->resync_seq);
}

/* Format, check the text, parse, compare, format again: same bytes. */
static void round_trip(const struct dlmr_event *ev, const char *want)
{
	struct dlmr_event *back = calloc(1, sizeof(*back));
	char buf[8192], buf2[8192], err[256];
	int n;

	assert_non_null(back);
	n = dlmr_trace_format(ev, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	if (want)
		assert_string_equal(buf, want);
	strcat(buf, "\n"); /* a trailing newline is allowed */
	assert_int_equal(dlmr_trace_parse(buf, back, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_event_equal(ev, back);
	assert_int_equal(dlmr_trace_format(back, buf2, sizeof(buf2)), n);
	buf[n] = '\0';
	assert_string_equal(buf, buf2);
	free(back);
}

static void test_event_names(void **state)
{
	int i;

	(void)state;
	assert_null(dlmr_event_name(DLMR_EV_NONE));
	assert_null(dlmr_event_name(DLMR_EV_TYPE_MAX));
	assert_null(dlmr_event_name((enum dlmr_event_type)-3));
	assert_string_equal(dlmr_event_name(DLMR_EV_PREP), "prep");
	assert_string_equal(dlmr_event_name(DLMR_EV_FIRST_DONE), "first_done");
	assert_string_equal(dlmr_event_name(DLMR_EV_LOST), "lost");
	for (i = DLMR_EV_NONE + 1; i < DLMR_EV_TYPE_MAX; i++) {
		const char *name = dlmr_event_name((enum dlmr_event_type)i);

		assert_non_null(name);
		assert_int_equal(dlmr_event_from_name(name), i);
	}
	assert_int_equal(dlmr_event_from_name("recovered"), DLMR_EV_RECOVERED);
	assert_int_equal(dlmr_event_from_name("Prep"), DLMR_EV_NONE);
	assert_int_equal(dlmr_event_from_name(""), DLMR_EV_NONE);
	assert_int_equal(dlmr_event_from_name(NULL), DLMR_EV_NONE);
}

/* Events with no fields of their own. */
static void test_plain_events(void **state)
{
	static const struct {
		enum dlmr_event_type type;
		const char *want;
	} cases[] = {
		{ DLMR_EV_PREP, "{\"event\":\"prep\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_JOIN, "{\"event\":\"join\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_LEAVE, "{\"event\":\"leave\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_CRASH, "{\"event\":\"crash\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_BLOCK, "{\"event\":\"block\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_UNBLOCK, "{\"event\":\"unblock\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_FIRST_DONE,
		  "{\"event\":\"first_done\",\"node\":1,\"ls\":\"gfs0\"}" },
		{ DLMR_EV_UNMOUNTED,
		  "{\"event\":\"unmounted\",\"node\":1,\"ls\":\"gfs0\"}" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dlmr_event *ev = new_event(cases[i].type);
		char buf[256];

		round_trip(ev, cases[i].want);
		/* fields that do not belong to the kind are not written */
		ev->slot = 4;
		ev->nodeid = 2;
		ev->first = true;
		ev->generation = 3;
		assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)),
				 (int)strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
		free(ev);
	}
}

static void test_step_time_seq(void **state)
{
	struct dlmr_event *ev = new_event(DLMR_EV_PREP);

	(void)state;
	ev->step = 42;
	ev->time_ns = UINT64_MAX;
	ev->mono_ns = 12345;
	ev->seq = 7;
	ev->node = UINT32_MAX;
	round_trip(ev, "{\"step\":42,\"time_ns\":18446744073709551615,"
		   "\"mono_ns\":12345,\"seq\":7,\"event\":\"prep\",\"node\":4294967295,"
		   "\"ls\":\"gfs0\"}");
	free(ev);
}

static void test_slot_done(void **state)
{
	struct dlmr_event *ev = new_event(DLMR_EV_SLOT);
	unsigned int i;

	(void)state;
	ev->nodeid = 3;
	ev->slot = 2;
	round_trip(ev, "{\"event\":\"slot\",\"node\":1,\"ls\":\"gfs0\","
		   "\"nodeid\":3,\"slot\":2}");
	/* what the kernel passes for members that had no slot yet */
	ev->slot = 0;
	round_trip(ev, NULL);
	ev->slot = -1;
	round_trip(ev, "{\"event\":\"slot\",\"node\":1,\"ls\":\"gfs0\","
		   "\"nodeid\":3,\"slot\":-1}");
	free(ev);

	ev = new_event(DLMR_EV_DONE);
	ev->generation = 4;
	ev->our_slot = 1;
	ev->num_slots = 2;
	ev->slots[0] = (struct dlmr_slot){ 1, 1 };
	ev->slots[1] = (struct dlmr_slot){ 2, 3 };
	round_trip(ev, "{\"event\":\"done\",\"node\":1,\"ls\":\"gfs0\","
		   "\"generation\":4,\"our_slot\":1,\"slots\":[{\"nodeid\":1,"
		   "\"slot\":1},{\"nodeid\":2,\"slot\":3}]}");
	/* the largest table */
	ev->num_slots = DLMR_SLOTS_MAX;
	for (i = 0; i < DLMR_SLOTS_MAX; i++)
		ev->slots[i] = (struct dlmr_slot){ i + 1, (int)i + 1 };
	round_trip(ev, NULL);
	free(ev);
}

static void test_lock_events(void **state)
{
	struct dlmr_event *ev = new_event(DLMR_EV_LOCK);

	(void)state;
	ev->resource = "mounted";
	ev->mode = DLMR_MODE_EX;
	ev->flags = DLMR_LKF_VALBLK | DLMR_LKF_NOQUEUE;
	round_trip(ev, "{\"event\":\"lock\",\"node\":1,\"ls\":\"gfs0\","
		   "\"resource\":\"mounted\",\"mode\":\"EX\","
		   "\"flags\":[\"NOQUEUE\",\"VALBLK\"]}");

	ev->type = DLMR_EV_GRANT;
	ev->resource = "journal";
	ev->jid = 2;
	ev->mode = DLMR_MODE_NL;
	ev->flags = 0;
	round_trip(ev, "{\"event\":\"grant\",\"node\":1,\"ls\":\"gfs0\","
		   "\"resource\":\"journal\",\"jid\":2,\"mode\":\"NL\","
		   "\"flags\":[]}");

	ev->type = DLMR_EV_AGAIN;
	ev->resource = "control";
	ev->jid = -1;
	ev->mode = DLMR_MODE_PR;
	ev->flags = DLMR_LKF_NOQUEUE | DLMR_LKF_CONVERT | DLMR_LKF_VALBLK;
	ev->status = -11;
	round_trip(ev, "{\"event\":\"again\",\"node\":1,\"ls\":\"gfs0\","
		   "\"resource\":\"control\",\"mode\":\"PR\",\"flags\":"
		   "[\"NOQUEUE\",\"CONVERT\",\"VALBLK\"],\"status\":-11}");

	ev->type = DLMR_EV_UNLOCK;
	ev->status = 0;
	ev->flags = DLMR_LKF_VALBLK;
	ev->mode = DLMR_MODE_IV;
	round_trip(ev, "{\"event\":\"unlock\",\"node\":1,\"ls\":\"gfs0\","
		   "\"resource\":\"control\",\"flags\":[\"VALBLK\"]}");
	ev->mode = DLMR_MODE_CW;
	round_trip(ev, "{\"event\":\"unlock\",\"node\":1,\"ls\":\"gfs0\","
		   "\"resource\":\"control\",\"mode\":\"CW\","
		   "\"flags\":[\"VALBLK\"]}");
	ev->mode = DLMR_MODE_CR;
	round_trip(ev, NULL);
	free(ev);
}

static void test_protocol_events(void **state)
{
	struct dlmr_event *ev = new_event(DLMR_EV_RECOVER);

	(void)state;
	ev->jid = 0;
	round_trip(ev, "{\"event\":\"recover\",\"node\":1,\"ls\":\"gfs0\","
		   "\"jid\":0}");
	ev->type = DLMR_EV_RECOVERED;
	ev->jid = 5;
	ev->status = 2;
	round_trip(ev, "{\"event\":\"recovered\",\"node\":1,\"ls\":\"gfs0\","
		   "\"jid\":5,\"status\":2}");
	/* a note on any event */
	strcpy(ev->detail, "replayed");
	round_trip(ev, "{\"event\":\"recovered\",\"node\":1,\"ls\":\"gfs0\","
		   "\"jid\":5,\"status\":2,\"detail\":\"replayed\"}");
	ev->detail[0] = '\0';
	ev->type = DLMR_EV_MOUNTED;
	ev->status = 0;
	ev->jid = 1;
	ev->first = true;
	round_trip(ev, "{\"event\":\"mounted\",\"node\":1,\"ls\":\"gfs0\","
		   "\"jid\":1,\"first\":true}");
	ev->jid = -1; /* a spectator has no journal */
	ev->first = false;
	round_trip(ev, NULL);
	free(ev);

	ev = new_event(DLMR_EV_VIOLATION);
	ev->step = 9;
	strcpy(ev->detail, "S1: two nodes \"recover\" jid 1\tat once/\\");
	round_trip(ev, "{\"step\":9,\"event\":\"violation\",\"node\":1,"
		   "\"ls\":\"gfs0\",\"detail\":\"S1: two nodes \\\"recover\\\""
		   " jid 1\\tat once/\\\\\"}");
	memset(ev->detail, 'x', DLMR_DETAIL_MAX - 1);
	ev->detail[DLMR_DETAIL_MAX - 1] = '\0';
	round_trip(ev, NULL);
	free(ev);

	/* a failed mount: unmounted with the error */
	ev = new_event(DLMR_EV_UNMOUNTED);
	ev->status = -5;
	strcpy(ev->detail, "mount failed: Input/output error");
	round_trip(ev, "{\"event\":\"unmounted\",\"node\":1,\"ls\":\"gfs0\","
		   "\"status\":-5,\"detail\":\"mount failed: Input/output "
		   "error\"}");
	free(ev);

	ev = new_event(DLMR_EV_LOST);
	ev->seq = 12;
	round_trip(ev, "{\"seq\":12,\"event\":\"lost\",\"node\":1,"
		   "\"ls\":\"gfs0\"}");
	free(ev);

	/* a socket overrun: the count is unknown, the detail says why */
	ev = new_event(DLMR_EV_LOST);
	snprintf(ev->detail, sizeof(ev->detail), "socket overrun (ENOBUFS)");
	round_trip(ev, "{\"event\":\"lost\",\"node\":1,\"ls\":\"gfs0\","
		   "\"detail\":\"socket overrun (ENOBUFS)\"}");
	free(ev);

	/* resynced: the snapshot comes whole, after the count */
	ev = new_event(DLMR_EV_LOST);
	ev->seq = 3;
	ev->time_ns = 99;
	ev->resynced = true;
	ev->state = DLMR_LS_RUNNING;
	ev->resync_seq = 25;
	ev->generation = 4;
	ev->our_slot = 1;
	ev->num_slots = 2;
	ev->slots[0] = (struct dlmr_slot){ 1, 2 };
	ev->slots[1] = (struct dlmr_slot){ 2, 1 };
	strcpy(ev->detail, "sequence gap");
	round_trip(ev, "{\"time_ns\":99,\"seq\":3,\"event\":\"lost\","
		   "\"node\":1,\"ls\":\"gfs0\",\"resync_seq\":25,"
		   "\"state\":\"running\",\"generation\":4,\"our_slot\":1,"
		   "\"slots\":[{\"nodeid\":1,\"slot\":2},{\"nodeid\":2,"
		   "\"slot\":1}],\"detail\":\"sequence gap\"}");
	/* a snapshot before the first done: seq 0, no slot, empty table */
	memset(ev->slots, 0, sizeof(ev->slots));
	ev->seq = 0;
	ev->time_ns = 0;
	ev->state = DLMR_LS_RECOVERING;
	ev->resync_seq = 0;
	ev->generation = 0;
	ev->our_slot = 0;
	ev->num_slots = 0;
	strcpy(ev->detail, "socket overrun (ENOBUFS)");
	round_trip(ev, "{\"event\":\"lost\",\"node\":1,\"ls\":\"gfs0\","
		   "\"resync_seq\":0,\"state\":\"recovering\","
		   "\"generation\":0,\"our_slot\":0,\"slots\":[],"
		   "\"detail\":\"socket overrun (ENOBUFS)\"}");
	ev->state = DLMR_LS_STOPPED;
	round_trip(ev, NULL);
	ev->state = DLMR_LS_UNKNOWN;
	round_trip(ev, NULL);
	/* out of range: not written */
	ev->state = 4;
	assert_int_equal(dlmr_trace_format(ev, (char[512]){ 0 }, 512), -EINVAL);
	free(ev);
}

static void test_ls_names(void **state)
{
	struct dlmr_event *ev = new_event(DLMR_EV_PREP);

	(void)state;
	memset(ev->ls, 'a', DLMR_LSNAME_MAX);
	ev->ls[DLMR_LSNAME_MAX] = '\0';
	round_trip(ev, NULL);
	ev->ls[0] = '\0';
	ev->node = 0;
	round_trip(ev, "{\"event\":\"prep\",\"node\":0,\"ls\":\"\"}");
	free(ev);
}

static void test_format_errors(void **state)
{
	struct dlmr_event *ev = new_event(DLMR_EV_LOCK);
	char buf[256];

	(void)state;
	ev->resource = "control";
	ev->mode = DLMR_MODE_EX;
	assert_true(dlmr_trace_format(ev, buf, sizeof(buf)) > 0);
	/* -ENOSPC: exactly one byte short of the terminating NUL */
	assert_int_equal(dlmr_trace_format(ev, buf, strlen(buf)), -ENOSPC);
	assert_int_equal(dlmr_trace_format(ev, buf, strlen(buf) + 1),
			 (int)strlen(buf));
	assert_int_equal(dlmr_trace_format(NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(dlmr_trace_format(ev, NULL, 0), -EINVAL);

	ev->resource = "bitmap";
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->resource = NULL;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->resource = "control";
	ev->mode = 6;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->mode = DLMR_MODE_IV;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->mode = DLMR_MODE_EX;
	ev->flags = 0x2;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->flags = 0;
	ev->resource = "journal";
	ev->jid = -1; /* journal locks need a jid */
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);

	ev->type = DLMR_EV_NONE;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->type = DLMR_EV_TYPE_MAX;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->type = DLMR_EV_SLOT;
	ev->nodeid = 2;
	ev->slot = -2;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->slot = 1;
	ev->nodeid = 0;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	ev->type = DLMR_EV_DONE;
	ev->our_slot = 1;
	ev->num_slots = DLMR_SLOTS_MAX + 1;
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	/* a lost event without a count (unknown) is valid */
	ev->type = DLMR_EV_LOST;
	ev->seq = 0;
	assert_true(dlmr_trace_format(ev, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "\"seq\""));
	ev->type = DLMR_EV_PREP;
	memset(ev->ls, 'a', sizeof(ev->ls)); /* not terminated */
	assert_int_equal(dlmr_trace_format(ev, buf, sizeof(buf)), -EINVAL);
	free(ev);
}

/* One bad line: -EINVAL and a one-line reason containing @reason. */
static void bad(const char *line, const char *reason)
{
	struct dlmr_event *ev = calloc(1, sizeof(*ev));
	char err[256];

	assert_non_null(ev);
	memset(err, 'z', sizeof(err));
	assert_int_equal(dlmr_trace_parse(line, ev, err, sizeof(err)), -EINVAL);
	if (!strstr(err, reason))
		fail_msg("line %s: reason \"%s\" lacks \"%s\"", line, err, reason);
	assert_null(strchr(err, '\n'));
	free(ev);
}

#define HEAD "\"node\":1,\"ls\":\"gfs0\""

static void test_parse_errors(void **state)
{
	struct dlmr_event ev;
	char big[8192];
	size_t i;
	int n;

	(void)state;
	/* malformed JSON, or more than one value */
	bad("{\"event\":\"prep\",", "malformed JSON");
	bad("", "malformed JSON");
	bad("{\"event\":\"prep\"," HEAD "} {}", "malformed JSON");
	bad("{\"event\":\"prep\"," HEAD ",}", "malformed JSON");
	/* not an object */
	bad("[1,2]", "not a JSON object");
	bad("\"prep\"", "not a JSON object");
	/* the event field */
	bad("{" HEAD "}", "missing field \"event\"");
	bad("{\"event\":3," HEAD "}", "field \"event\": expected string");
	bad("{\"event\":\"reboot\"," HEAD "}", "unknown event \"reboot\"");
	bad("{\"event\":\"PREP\"," HEAD "}", "unknown event \"PREP\"");
	/* missing fields */
	bad("{\"event\":\"prep\",\"node\":1}", "missing field \"ls\"");
	bad("{\"event\":\"prep\",\"ls\":\"gfs0\"}", "missing field \"node\"");
	bad("{\"event\":\"slot\"," HEAD ",\"nodeid\":2}",
	    "missing field \"slot\" in a slot event");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1}",
	    "missing field \"slots\"");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"flags\":[]}", "missing field \"mode\"");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"journal\","
	    "\"mode\":\"EX\",\"flags\":[]}", "missing field \"jid\" on a journal lock");
	bad("{\"event\":\"violation\"," HEAD "}", "missing field \"detail\"");
	bad("{\"event\":\"lost\"," HEAD ",\"state\":\"running\"}",
	    "missing field \"resync_seq\" in a lost event with a snapshot");
	bad("{\"event\":\"lost\"," HEAD ",\"resync_seq\":3,"
	    "\"state\":\"running\",\"generation\":1,\"our_slot\":1}",
	    "missing field \"slots\" in a lost event with a snapshot");
	bad("{\"event\":\"lost\"," HEAD ",\"resync_seq\":3,"
	    "\"state\":\"asleep\",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[]}", "field \"state\": unknown state \"asleep\"");
	bad("{\"event\":\"lost\"," HEAD ",\"resync_seq\":-1,"
	    "\"state\":\"running\",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[]}", "field \"resync_seq\": value -1 out of range");
	bad("{\"event\":\"lost\"," HEAD ",\"resync_seq\":3,"
	    "\"state\":\"running\",\"generation\":1,\"our_slot\":-1,"
	    "\"slots\":[]}", "field \"our_slot\": value -1 out of range 0..");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[],\"state\":\"running\"}",
	    "field \"state\" not allowed in a done event");
	bad("{\"event\":\"prep\"," HEAD ",\"resync_seq\":1}",
	    "field \"resync_seq\" not allowed in a prep event");
	/* unknown and misplaced fields */
	bad("{\"event\":\"prep\"," HEAD ",\"colour\":1}",
	    "unknown field \"colour\"");
	bad("{\"event\":\"prep\"," HEAD ",\"slot\":1}",
	    "field \"slot\" not allowed in a prep event");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\",\"jid\":1,"
	    "\"mode\":\"EX\",\"flags\":[]}",
	    "field \"jid\" not allowed on a control lock");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[{\"nodeid\":1,\"slot\":1,\"jid\":0}]}",
	    "entry 0: unknown field \"jid\"");
	/* wrong types */
	bad("{\"event\":\"prep\",\"node\":\"1\",\"ls\":\"gfs0\"}",
	    "field \"node\": expected int, got string");
	bad("{\"event\":\"prep\",\"node\":1.5,\"ls\":\"gfs0\"}",
	    "field \"node\": expected int, got double");
	bad("{\"event\":\"prep\",\"node\":1,\"ls\":7}",
	    "field \"ls\": expected string");
	bad("{\"event\":\"slot\"," HEAD ",\"nodeid\":2,\"slot\":true}",
	    "field \"slot\": expected int, got boolean");
	bad("{\"event\":\"mounted\"," HEAD ",\"jid\":1,\"first\":1}",
	    "field \"first\": expected boolean");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":{}}", "field \"slots\": expected array");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[[1,1]]}", "entry 0 is not an object");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[{\"nodeid\":1}]}", "entry 0: missing field \"slot\"");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"mode\":5,\"flags\":[]}", "field \"mode\": expected string");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"mode\":\"EX\",\"flags\":\"VALBLK\"}",
	    "field \"flags\": expected array");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"mode\":\"EX\",\"flags\":[8]}", "entry 0 is not a string");
	bad("{\"event\":\"violation\"," HEAD ",\"detail\":null}",
	    "field \"detail\": expected string, got null");
	/* out of range */
	bad("{\"event\":\"slot\"," HEAD ",\"nodeid\":2,\"slot\":-2}",
	    "field \"slot\": value -2 out of range -1..249");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[{\"nodeid\":1,\"slot\":0}]}",
	    "field \"slots[].slot\": value 0 out of range 1..249");
	bad("{\"event\":\"block\"," HEAD ",\"status\":1}",
	    "field \"status\" not allowed in a block event");
	bad("{\"event\":\"slot\"," HEAD ",\"nodeid\":2,\"slot\":250}",
	    "field \"slot\": value 250 out of range");
	bad("{\"event\":\"slot\"," HEAD ",\"nodeid\":0,\"slot\":1}",
	    "field \"nodeid\": value 0 out of range");
	bad("{\"event\":\"prep\",\"node\":4294967296,\"ls\":\"gfs0\"}",
	    "field \"node\": value 4294967296 out of range");
	bad("{\"event\":\"prep\",\"node\":-1,\"ls\":\"gfs0\"}",
	    "field \"node\": value -1 out of range");
	bad("{\"step\":-1,\"event\":\"prep\"," HEAD "}",
	    "field \"step\": value -1 out of range");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":0,"
	    "\"slots\":[]}", "field \"our_slot\": value 0 out of range");
	bad("{\"event\":\"done\"," HEAD ",\"generation\":1,\"our_slot\":1,"
	    "\"slots\":[{\"nodeid\":1,\"slot\":-1}]}",
	    "field \"slots[].slot\": value -1 out of range");
	bad("{\"event\":\"recover\"," HEAD ",\"jid\":-1}",
	    "field \"jid\": value -1 out of range 0..248");
	bad("{\"event\":\"mounted\"," HEAD ",\"jid\":-2,\"first\":false}",
	    "field \"jid\": value -2 out of range -1..248");
	bad("{\"event\":\"prep\",\"node\":1,\"ls\":\""
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	    "field \"ls\": longer than 64 characters");
	bad("{\"event\":\"prep\",\"node\":1,\"ls\":\"a\\u0000b\"}",
	    "field \"ls\": contains a NUL character");
	/* too many slots */
	n = snprintf(big, sizeof(big), "{\"event\":\"done\"," HEAD
		     ",\"generation\":1,\"our_slot\":1,\"slots\":[");
	for (i = 0; i < DLMR_SLOTS_MAX + 1; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n,
			      "%s{\"nodeid\":%zu,\"slot\":1}", i ? "," : "",
			      i + 1);
	snprintf(big + n, sizeof(big) - (size_t)n, "]}");
	bad(big, "field \"slots\": 250 entries, more than 249");
	/* unknown names */
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"bitmap\","
	    "\"mode\":\"EX\",\"flags\":[]}", "unknown resource \"bitmap\"");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"mode\":\"IV\",\"flags\":[]}", "unknown mode \"IV\"");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"mode\":\"EX\",\"flags\":[\"PERSISTENT\"]}",
	    "unknown flag \"PERSISTENT\"");
	bad("{\"event\":\"lock\"," HEAD ",\"resource\":\"control\","
	    "\"mode\":\"EX\",\"flags\":[\"VALBLK\",\"VALBLK\"]}",
	    "duplicate flag \"VALBLK\"");
	/* control characters in names are not copied into the reason */
	bad("{\"event\":\"pr\\nep\"," HEAD "}", "unknown event \"pr?ep\"");

	/* NULL arguments and a NULL err buffer */
	assert_int_equal(dlmr_trace_parse(NULL, &ev, NULL, 0), -EINVAL);
	assert_int_equal(dlmr_trace_parse("{}", NULL, NULL, 0), -EINVAL);
	assert_int_equal(dlmr_trace_parse("{}", &ev, NULL, 0), -EINVAL);
}

/* Key order in the input does not matter; output order is fixed. */
static void test_parse_any_order(void **state)
{
	struct dlmr_event ev;
	char err[128], buf[256];
	const char *want;

	(void)state;
	assert_int_equal(dlmr_trace_parse(
		" {\"slot\":2,\"ls\":\"x\",\"nodeid\":3,\"node\":2,"
		"\"event\":\"slot\",\"step\":5}\r\n", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, DLMR_EV_SLOT);
	assert_int_equal(ev.node, 2);
	assert_int_equal(ev.nodeid, 3);
	assert_int_equal(ev.slot, 2);
	assert_int_equal(ev.step, 5);
	assert_int_equal(ev.jid, -1);
	assert_null(ev.resource);
	want = "{\"step\":5,\"event\":\"slot\",\"node\":2,\"ls\":\"x\","
	       "\"nodeid\":3,\"slot\":2}";
	assert_int_equal(dlmr_trace_format(&ev, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);

	/* parsed resources point at the library's constants */
	assert_int_equal(dlmr_trace_parse(
		"{\"event\":\"grant\",\"node\":2,\"ls\":\"x\",\"flags\":[],"
		"\"mode\":\"PR\",\"resource\":\"mounted\"}", &ev, err,
		sizeof(err)), 0);
	assert_string_equal(ev.resource, "mounted");
	assert_int_equal(ev.mode, DLMR_MODE_PR);
	assert_int_equal(ev.jid, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_names),
		cmocka_unit_test(test_plain_events),
		cmocka_unit_test(test_step_time_seq),
		cmocka_unit_test(test_slot_done),
		cmocka_unit_test(test_lock_events),
		cmocka_unit_test(test_protocol_events),
		cmocka_unit_test(test_ls_names),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_any_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
