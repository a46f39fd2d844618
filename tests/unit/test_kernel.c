/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel client without a kernel: GET replies and events crafted with
 * libmnl as the patched fs/dlm builds them (kernel/patches/), fed to the
 * parser and the sequence tracking; snapshots come from fakes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "dlm_recover.h"
#include "internal.h"

#include "genl_craft.h"

#define FAMILY CRAFT_FAMILY

static const int table2[] = { 1, 2, 2, 1 };

/* An event of lockspace @ls; a done carries table2 at @gen. */
static size_t event(uint8_t *buf, uint8_t cmd, const char *ls, uint64_t seq,
		    uint64_t time_ns, uint32_t gen)
{
	struct nlmsghdr *nlh = msg(buf, cmd, ls, seq, time_ns);

	if (cmd == DLM_RECOVER_CMD_SLOT) {
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_NODEID, 3);
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_SLOT, 3);
	}
	if (cmd == DLM_RECOVER_CMD_DONE)
		put_table(nlh, gen, 1, 2, table2);
	return nlh->nlmsg_len;
}

/* ---- GET replies --------------------------------------------------------- */

static void test_parse_reply(void **state)
{
	static const int failed[] = { 3, 3, 4, -1 };
	uint8_t buf[8192];
	struct nlmsghdr *nlh = msg(buf, DLM_RECOVER_CMD_GET, "gfs0", 25,
				   UINT64_C(1) << 40);
	struct dlmr_ls_info *in = calloc(1, sizeof(*in));
	struct nlattr *last;

	(void)state;
	assert_non_null(in);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_GENERATION, 4);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_OUR_SLOT, 1);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_MEMBERS, 2);
	put_slots(nlh, DLM_RECOVER_A_MEMBER, 1, table2);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_STATE, DLM_RECOVER_STATE_RUNNING);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_OPS, 1);
	last = mnl_attr_nest_start(nlh, DLM_RECOVER_A_LAST);
	put_slots(nlh, DLM_RECOVER_A_LAST_FAILED, 1, failed);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_LAST_START_NS, 1000);
	mnl_attr_put_u64(nlh, DLM_RECOVER_A_LAST_DONE_NS, 251000);
	mnl_attr_put_u64(nlh, DLM_RECOVER_A_LAST_START_MONO_NS, 11000);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_LAST_DONE_MONO_NS, 261000);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_LAST_GENERATION, 4);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_LAST_TRUNCATED, 5);
	put_slots(nlh, DLM_RECOVER_A_LAST_FAILED, 1, failed + 2);
	mnl_attr_nest_end(nlh, last);
	/* a repeated attribute's entries need not be adjacent */
	put_slots(nlh, DLM_RECOVER_A_MEMBER, 1, table2 + 2);

	assert_int_equal(dlmr_kernel_parse_info(nlh, in), 0);
	assert_string_equal(in->name, "gfs0");
	assert_int_equal(in->id, 0x1234);
	assert_int_equal(in->generation, 4);
	assert_int_equal(in->our_slot, 1);
	assert_int_equal(in->num_slots, 2);
	assert_int_equal(in->slots[1].nodeid, 2);
	assert_int_equal(in->slots[1].slot, 1);
	assert_int_equal(in->state, DLMR_LS_RUNNING);
	assert_int_equal(in->members, 2);
	assert_true(in->ops);
	assert_int_equal(in->seq, 25);
	assert_int_equal(in->time_ns, UINT64_C(1) << 40);
	assert_int_equal(in->mono_ns, MONO(UINT64_C(1) << 40));
	assert_true(in->last.known);
	assert_int_equal(in->last.start_ns, 1000);
	assert_int_equal(in->last.done_ns, 251000);
	assert_int_equal(in->last.start_mono_ns, 11000);
	assert_int_equal(in->last.done_mono_ns, 261000);
	assert_int_equal(in->last.generation, 4);
	assert_int_equal(in->last.num_failed, 2);
	assert_int_equal(in->last.failed[0].nodeid, 3);
	assert_int_equal(in->last.failed[0].slot, 3);
	assert_int_equal(in->last.failed[1].nodeid, 4);
	assert_int_equal(in->last.failed[1].slot, -1);
	assert_int_equal(in->last.failed_truncated, 5);

	/* a family without LAST (an early series): all zero, not known */
	nlh = msg(buf, DLM_RECOVER_CMD_GET, "gfs1", 3, 9);
	put_table(nlh, 1, 1, 2, table2);
	assert_int_equal(dlmr_kernel_parse_info(nlh, in), 0);
	assert_string_equal(in->name, "gfs1");
	assert_false(in->last.known);
	assert_int_equal(in->last.done_ns, 0);
	assert_int_equal(in->last.num_failed, 0);

	/* before the first recovery: known, all zero; a mis-sized
	 * attribute is ignored */
	nlh = msg(buf, DLM_RECOVER_CMD_GET, "gfs2", 0, 0);
	last = mnl_attr_nest_start(nlh, DLM_RECOVER_A_LAST);
	mnl_attr_put_u16(nlh, DLM_RECOVER_A_LAST_DONE_NS, 5);
	mnl_attr_nest_end(nlh, last);
	assert_int_equal(dlmr_kernel_parse_info(nlh, in), 0);
	assert_true(in->last.known);
	assert_int_equal(in->last.done_ns, 0);

	/* so is a mis-sized top-level one (read as far as it goes before) */
	nlh = msg(buf, DLM_RECOVER_CMD_GET, "gfs3", 0, 0);
	mnl_attr_put_u16(nlh, DLM_RECOVER_A_GENERATION, 7);
	mnl_attr_put_u8(nlh, DLM_RECOVER_A_STATE, DLM_RECOVER_STATE_RUNNING);
	assert_int_equal(dlmr_kernel_parse_info(nlh, in), 0);
	assert_string_equal(in->name, "gfs3");
	assert_int_equal(in->generation, 0);
	assert_int_equal(in->state, 0);
	assert_int_equal(in->id, 0x1234);
	free(in);
}

/* ---- sequence rules ------------------------------------------------------ */

static void test_seq_rules(void **state)
{
	struct dlmr_ls_seq t = { .name = "gfs0" };
	uint64_t lost;

	(void)state;
	/* the first event seen is taken as it comes, whatever its number */
	assert_int_equal(dlmr_seq_check(&t, 17, 100, &lost), DLMR_SEQ_NEXT);
	assert_int_equal(dlmr_seq_check(&t, 18, 101, &lost), DLMR_SEQ_NEXT);
	/* a gap */
	assert_int_equal(dlmr_seq_check(&t, 21, 102, &lost), DLMR_SEQ_GAP);
	assert_int_equal(lost, 2);
	assert_int_equal(t.seq, 18);
	/* after a resync at seq 22 (time 105): what the snapshot holds is
	 * dropped, the next one continues */
	t.seq = 22;
	t.pending = true;
	t.snap_seq = 22;
	t.snap_mono = 105;
	assert_int_equal(dlmr_seq_check(&t, 21, 102, &lost), DLMR_SEQ_DUPLICATE);
	assert_int_equal(dlmr_seq_check(&t, 22, 105, &lost), DLMR_SEQ_DUPLICATE);
	assert_int_equal(dlmr_seq_check(&t, 23, 106, &lost), DLMR_SEQ_NEXT);
	assert_false(t.pending);
	/* gaps are measured from the snapshot */
	assert_int_equal(dlmr_seq_check(&t, 26, 107, &lost), DLMR_SEQ_GAP);
	assert_int_equal(lost, 2);
	/* released and created again: seq 1 starts over, nothing lost */
	assert_int_equal(dlmr_seq_check(&t, 1, 200, &lost), DLMR_SEQ_RESTART);
	assert_int_equal(lost, 0);
	assert_int_equal(dlmr_seq_check(&t, 2, 201, &lost), DLMR_SEQ_NEXT);
	/* re-created with its first events missed: not a duplicate, not
	 * taken as continuing */
	assert_int_equal(dlmr_seq_check(&t, 2, 300, &lost), DLMR_SEQ_RECREATED);
	assert_int_equal(lost, 1);
	/* while a snapshot is pending, a number it covers with a later
	 * time is a new instance too */
	t.seq = 9;
	t.pending = true;
	t.snap_seq = 9;
	t.snap_mono = 400;
	assert_int_equal(dlmr_seq_check(&t, 1, 500, &lost), DLMR_SEQ_RESTART);
	assert_false(t.pending);
}

/* ---- events, losses and resyncs ----------------------------------------- */

struct fake {
	int err;                    /* what get and list return */
	struct dlmr_ls_info snap[3];
	size_t n;
	unsigned int gets, lists;
};

static int fake_get(struct dlmr_kernel *k, const char *ls,
		    struct dlmr_ls_info *out)
{
	struct fake *f = dlmr_kernel_fake_arg(k);

	f->gets++;
	if (f->err)
		return f->err;
	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->snap[i].name, ls)) {
			*out = f->snap[i];
			return 0;
		}
	}
	return -ENOENT;
}

static int fake_list(struct dlmr_kernel *k, struct dlmr_ls_info **out,
		     size_t *n)
{
	struct fake *f = dlmr_kernel_fake_arg(k);

	f->lists++;
	if (f->err)
		return f->err;
	*out = calloc(f->n ? f->n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, f->snap, f->n * sizeof(**out));
	*n = f->n;
	return 0;
}

static void snap(struct fake *f, const char *ls, uint64_t seq,
		 uint64_t time_ns, uint32_t gen)
{
	struct dlmr_ls_info *in = &f->snap[f->n++];

	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", ls);
	in->seq = seq;
	in->time_ns = time_ns;
	in->mono_ns = MONO(time_ns);
	in->generation = gen;
	in->our_slot = 1;
	in->state = DLMR_LS_RECOVERING;
	in->num_slots = 2;
	in->slots[0] = (struct dlmr_slot){ 1, 2 };
	in->slots[1] = (struct dlmr_slot){ 2, 1 };
}

struct fixture {
	struct fake fake;
	struct dlmr_kernel *k;
	struct dlmr_event ev;
	uint8_t buf[4096];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->k = dlmr_kernel_fake(FAMILY, fake_get, fake_list, &f->fake);
	if (!f->k)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dlmr_kernel_close(f->k);
	free(f);
	return 0;
}

static void feed(struct fixture *f, uint8_t cmd, const char *ls, uint64_t seq,
		 uint64_t time_ns)
{
	size_t n = event(f->buf, cmd, ls, seq, time_ns, (uint32_t)seq);

	assert_int_equal(dlmr_kernel_feed(f->k, f->buf, n), 0);
}

/* The next event is @type of @ls with @seq. */
static void next(struct fixture *f, enum dlmr_event_type type, const char *ls,
		 uint64_t seq)
{
	assert_int_equal(dlmr_kernel_pop(f->k, &f->ev), 1);
	assert_string_equal(dlmr_event_name(f->ev.type), dlmr_event_name(type));
	assert_string_equal(f->ev.ls, ls);
	assert_int_equal(f->ev.seq, seq);
}

static void none(struct fixture *f)
{
	assert_int_equal(dlmr_kernel_pop(f->k, &f->ev), 0);
}

static void test_events(void **state)
{
	struct fixture *f = *state;

	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 4, 40);
	next(f, DLMR_EV_DONE, "gfs0", 4);
	assert_int_equal(f->ev.generation, 4);
	assert_int_equal(f->ev.our_slot, 1);
	assert_int_equal(f->ev.num_slots, 2);
	assert_int_equal(f->ev.time_ns, 40);
	assert_int_equal(f->ev.mono_ns, MONO(40));
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 5, 50);
	feed(f, DLM_RECOVER_CMD_SLOT, "gfs0", 6, 60);
	next(f, DLMR_EV_PREP, "gfs0", 5);
	next(f, DLMR_EV_SLOT, "gfs0", 6);
	assert_int_equal(f->ev.nodeid, 3);
	assert_int_equal(f->ev.slot, 3);
	none(f);
	/* a request's reply on the event socket is not an event */
	msg(f->buf, DLM_RECOVER_CMD_GET, "gfs0", 7, 70);
	assert_int_equal(dlmr_kernel_feed(f->k, f->buf,
					  ((struct nlmsghdr *)f->buf)->nlmsg_len), 0);
	none(f);
	assert_int_equal(f->fake.gets + f->fake.lists, 0);
}

static void test_gap_resync(void **state)
{
	struct fixture *f = *state;

	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 1, 10);
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 2, 20);
	next(f, DLMR_EV_DONE, "gfs0", 1);
	next(f, DLMR_EV_PREP, "gfs0", 2);
	/* 3 and 4 are lost; by the GET, 5 and 6 have happened */
	snap(&f->fake, "gfs0", 6, 60, 3);
	feed(f, DLM_RECOVER_CMD_SLOT, "gfs0", 5, 50);
	next(f, DLMR_EV_LOST, "gfs0", 2);
	assert_true(f->ev.resynced);
	assert_int_equal(f->ev.resync_seq, 6);
	assert_int_equal(f->ev.time_ns, 60);
	assert_int_equal(f->ev.state, DLMR_LS_RECOVERING);
	assert_int_equal(f->ev.generation, 3);
	assert_int_equal(f->ev.our_slot, 1);
	assert_int_equal(f->ev.num_slots, 2);
	assert_int_equal(f->ev.slots[0].nodeid, 1);
	assert_int_equal(f->ev.slots[0].slot, 2);
	assert_string_equal(f->ev.detail, "sequence gap");
	assert_int_equal(f->fake.gets, 1);
	/* 5, and 6 after it, are in the snapshot */
	none(f);
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 6, 60);
	none(f);
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 7, 70);
	next(f, DLMR_EV_PREP, "gfs0", 7);
	/* the lockspace is gone by the time of the GET: no snapshot, the
	 * event is delivered and the next one taken as it comes */
	f->fake.n = 0;
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 9, 90);
	next(f, DLMR_EV_LOST, "gfs0", 1);
	assert_false(f->ev.resynced);
	assert_string_equal(f->ev.detail, "sequence gap; not resynced: no such "
			    "lockspace");
	next(f, DLMR_EV_DONE, "gfs0", 9);
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 10, 100);
	next(f, DLMR_EV_PREP, "gfs0", 10);
	none(f);
	assert_int_equal(f->fake.gets, 2);
	/* an event without a sequence number (the kernel numbers from 1):
	 * a loss of unknown size and a resync, never a count of 2^64 - 1 */
	snap(&f->fake, "gfs0", 10, 100, 5);
	feed(f, DLM_RECOVER_CMD_SLOT, "gfs0", 0, 105);
	next(f, DLMR_EV_LOST, "gfs0", 0);
	assert_true(f->ev.resynced);
	assert_int_equal(f->ev.resync_seq, 10);
	assert_string_equal(f->ev.detail, "an event without a sequence number");
	feed(f, DLM_RECOVER_CMD_SLOT, "gfs0", 0, 106);
	next(f, DLMR_EV_LOST, "gfs0", 0);
	none(f);
	assert_int_equal(f->fake.gets, 4);
	/* other lockspaces are tracked apart */
	feed(f, DLM_RECOVER_CMD_DONE, "other", 30, 110);
	next(f, DLMR_EV_DONE, "other", 30);
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 11, 120);
	next(f, DLMR_EV_DONE, "gfs0", 11);
}

static void test_recreated(void **state)
{
	struct fixture *f = *state;

	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 1, 10);
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 2, 20);
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 3, 30);
	/* released, created again: its initial done is seq 1 */
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 1, 40);
	next(f, DLMR_EV_DONE, "gfs0", 1);
	next(f, DLMR_EV_PREP, "gfs0", 2);
	next(f, DLMR_EV_DONE, "gfs0", 3);
	next(f, DLMR_EV_DONE, "gfs0", 1);
	none(f);
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 2, 50);
	next(f, DLMR_EV_PREP, "gfs0", 2);
	/* again, but its event 1 was missed: 2 is not taken as continuing */
	snap(&f->fake, "gfs0", 2, 60, 1);
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 2, 60);
	next(f, DLMR_EV_LOST, "gfs0", 1);
	assert_true(f->ev.resynced);
	assert_int_equal(f->ev.resync_seq, 2);
	assert_string_equal(f->ev.detail, "lockspace re-created (sequence "
			    "restarted at 2)");
	none(f);
	assert_int_equal(f->fake.gets, 1);
}

static void test_overrun(void **state)
{
	struct fixture *f = *state;

	feed(f, DLM_RECOVER_CMD_DONE, "a", 1, 10);
	feed(f, DLM_RECOVER_CMD_DONE, "gone", 1, 10);
	next(f, DLMR_EV_DONE, "a", 1);
	next(f, DLMR_EV_DONE, "gone", 1);
	snap(&f->fake, "a", 10, 100, 5);
	snap(&f->fake, "b", 3, 30, 2);
	assert_int_equal(dlmr_kernel_overrun(f->k), 0);
	assert_int_equal(f->fake.lists, 1);
	assert_int_equal(f->fake.gets, 0);
	/* first for all lockspaces: one created and released meanwhile is
	 * in no dump */
	next(f, DLMR_EV_LOST, "", 0);
	assert_false(f->ev.resynced);
	assert_string_equal(f->ev.detail, "socket overrun (ENOBUFS)");
	next(f, DLMR_EV_LOST, "gone", 0);
	assert_false(f->ev.resynced);
	assert_string_equal(f->ev.detail, "socket overrun (ENOBUFS); not "
			    "resynced: no such lockspace");
	next(f, DLMR_EV_LOST, "a", 0);
	assert_true(f->ev.resynced);
	assert_int_equal(f->ev.resync_seq, 10);
	assert_int_equal(f->ev.generation, 5);
	assert_string_equal(f->ev.detail, "socket overrun (ENOBUFS)");
	next(f, DLMR_EV_LOST, "b", 0);
	assert_true(f->ev.resynced);
	assert_int_equal(f->ev.resync_seq, 3);
	none(f);
	/* what was still queued in the socket is in the snapshots */
	feed(f, DLM_RECOVER_CMD_PREP, "a", 9, 90);
	feed(f, DLM_RECOVER_CMD_DONE, "b", 3, 30);
	none(f);
	feed(f, DLM_RECOVER_CMD_DONE, "a", 11, 110);
	feed(f, DLM_RECOVER_CMD_PREP, "b", 4, 40);
	feed(f, DLM_RECOVER_CMD_DONE, "gone", 1, 50);
	next(f, DLMR_EV_DONE, "a", 11);
	next(f, DLMR_EV_PREP, "b", 4);
	next(f, DLMR_EV_DONE, "gone", 1);
	none(f);
	/* the dump fails: every lockspace lost, unknown, no baseline */
	f->fake.err = -ENOMEM;
	assert_int_equal(dlmr_kernel_overrun(f->k), 0);
	next(f, DLMR_EV_LOST, "", 0);
	next(f, DLMR_EV_LOST, "a", 0);
	assert_false(f->ev.resynced);
	assert_string_equal(f->ev.detail, "socket overrun (ENOBUFS); not "
			    "resynced: Cannot allocate memory");
	next(f, DLMR_EV_LOST, "gone", 0);
	next(f, DLMR_EV_LOST, "b", 0);
	none(f);
	feed(f, DLM_RECOVER_CMD_PREP, "a", 40, 400);
	next(f, DLMR_EV_PREP, "a", 40);
}

static void test_overrun_nothing_known(void **state)
{
	struct fixture *f = *state;

	/* no lockspace, none seen: still said, for all lockspaces */
	assert_int_equal(dlmr_kernel_overrun(f->k), 0);
	next(f, DLMR_EV_LOST, "", 0);
	assert_false(f->ev.resynced);
	none(f);
	f->fake.err = -ENOMEM;
	assert_int_equal(dlmr_kernel_overrun(f->k), 0);
	next(f, DLMR_EV_LOST, "", 0);
	none(f);
}

/*
 * A resync to a snapshot of a lockspace without events (seq 0): its next
 * event is 1, and any other is a gap.  The tracking took seq 0 for "not
 * known" and delivered event 4 as if nothing was missed
 * (tests/fuzz/corpus/kernel/finding-snapshot-seq-0).
 */
static void test_resync_to_seq_0(void **state)
{
	struct fixture *f = *state;

	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 1, 10);
	next(f, DLMR_EV_DONE, "gfs0", 1);
	/* re-created, and the GET finds it before its first event */
	snap(&f->fake, "gfs0", 0, 0, 0);
	feed(f, DLM_RECOVER_CMD_DONE, "gfs0", 3, 20);
	next(f, DLMR_EV_LOST, "gfs0", 1);
	assert_true(f->ev.resynced);
	assert_int_equal(f->ev.resync_seq, 0);
	/* 3 is newer than the snapshot: delivered, and the last one */
	next(f, DLMR_EV_DONE, "gfs0", 3);
	none(f);
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 4, 30);
	next(f, DLMR_EV_PREP, "gfs0", 4);
	none(f);
	f->fake.n = 0;
	snap(&f->fake, "gfs0", 0, 0, 0);
	assert_int_equal(dlmr_kernel_overrun(f->k), 0);
	next(f, DLMR_EV_LOST, "", 0);
	next(f, DLMR_EV_LOST, "gfs0", 0);
	assert_int_equal(f->ev.resync_seq, 0);
	none(f);
	/* events 1 to 3 of the instance the dump saw empty were missed */
	feed(f, DLM_RECOVER_CMD_PREP, "gfs0", 4, 40);
	next(f, DLMR_EV_LOST, "gfs0", 3);
}

/*
 * A datagram whose second message claims 0x98009800 bytes (above
 * INT_MAX): mnl_cb_run() took it (its length check is an int's) and read
 * the next header from far outside the buffer (tests/fuzz/corpus/kernel/
 * finding-nlmsg-len).  Now nothing of it is read, and its events are
 * lost, said as after an overrun; so is a message too short for its
 * generic netlink header, which is ignored.
 */
static void test_malformed_datagram(void **state)
{
	struct fixture *f = *state;
	size_t n = event(f->buf, DLM_RECOVER_CMD_DONE, "gfs0", 1, 10, 1);
	struct nlmsghdr *bad = (struct nlmsghdr *)(f->buf + n);

	memset(bad, 0, 2 * sizeof(*bad));
	bad->nlmsg_len = 0x98009800u;
	bad->nlmsg_type = FAMILY;
	snap(&f->fake, "gfs0", 1, 10, 1);
	assert_int_equal(dlmr_kernel_feed(f->k, f->buf, n + 2 * sizeof(*bad)),
			 0);
	next(f, DLMR_EV_LOST, "", 0);
	assert_string_equal(f->ev.detail, "malformed netlink message (its "
			    "events unreadable)");
	next(f, DLMR_EV_LOST, "gfs0", 0);
	assert_true(f->ev.resynced);
	none(f);
	/* a message of our family with no room for its genlmsghdr */
	bad = (struct nlmsghdr *)f->buf;
	memset(bad, 0, sizeof(*bad));
	bad->nlmsg_len = sizeof(*bad);
	bad->nlmsg_type = FAMILY;
	assert_int_equal(dlmr_kernel_feed(f->k, f->buf, sizeof(*bad)), 0);
	none(f);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_reply),
		cmocka_unit_test(test_seq_rules),
		T(test_events),
		T(test_gap_resync),
		T(test_recreated),
		T(test_overrun),
		T(test_overrun_nothing_known),
		T(test_malformed_datagram),
		T(test_resync_to_seq_0),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
