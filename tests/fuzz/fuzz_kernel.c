/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz harness: the kernel client's netlink parsing and its sequence,
 * loss and resync state machine (lib/libdlmrecover/kernel.c), through the
 * fake transport of tests/unit/test_kernel.c: events come from
 * dlmr_kernel_feed(), snapshots (GET replies, parsed here with
 * dlmr_kernel_parse_info() as the client parses them) from a fake get and
 * list.
 *
 * The input is a sequence of records, each an op byte and, for ops that
 * carry bytes, a 16-bit little-endian length and that many bytes:
 *   op % 4 == 0  FEED LEN BYTES   received event messages
 *   op % 4 == 1  OVERRUN          the socket overran (ENOBUFS)
 *   op % 4 == 2  REPLY LEN BYTES  the snapshots get and list give from
 *                now on: the GET replies in BYTES (none parsed: they fail
 *                with -ENOENT; op bit 2 set: with -EIO)
 *   op % 4 == 3  POP              read every queued event
 * tests/fuzz/mkseeds.c writes the seeds of the corpus in this form.
 *
 * Properties, on every event read:
 * - its kind is prep, slot, done or lost; its lockspace name is
 *   terminated; a done's table fits;
 * - no event is lost in silence: within a lockspace, a delivered event's
 *   seq is 1 (a new instance), or the next after the last one delivered,
 *   or the next after the snapshot of the last lost event; only the first
 *   event seen of a lockspace, the first after a lost event without a
 *   snapshot, and the event right after the lost event its gap caused
 *   (newer than the snapshot) may have any seq;
 * - dlmctl recover watch can write it, or says it cannot:
 *   dlmr_trace_format() returns its length or -EINVAL (a value out of the
 *   schema's range), and the contract takes it (0, 1 or 2).
 */
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <dlmrecover.h>

#include "dlm_recover.h"
#include "fuzz.h"
#include "genl_craft.h" /* CRAFT_FAMILY */
#include "internal.h"

#define SNAP_MAX 8
#define LS_MAX 64

struct fake {
	struct dlmr_ls_info snap[SNAP_MAX];
	size_t n;
	int err;      /* when no snapshot parsed */
};

struct track {
	char name[DLMR_LSNAME_MAX + 1];
	uint64_t last; /* 0: unknown (any seq may come next) */
};

struct harness {
	struct fake fake;
	struct track t[LS_MAX];
	size_t nt;
	struct track *lost_before; /* the last event read: lost, of it */
	struct dlmr_contract *c;
	struct dlmr_event ev;
	char text[16384];
};

static int fake_get(struct dlmr_kernel *k, const char *ls,
		    struct dlmr_ls_info *out)
{
	struct fake *f = dlmr_kernel_fake_arg(k);

	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->snap[i].name, ls)) {
			*out = f->snap[i];
			return 0;
		}
	}
	return f->n ? -ENOENT : f->err;
}

static int fake_list(struct dlmr_kernel *k, struct dlmr_ls_info **out,
		     size_t *n)
{
	struct fake *f = dlmr_kernel_fake_arg(k);

	if (!f->n && f->err != -ENOENT)
		return f->err;
	*out = calloc(f->n ? f->n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, f->snap, f->n * sizeof(**out));
	*n = f->n;
	return 0;
}

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fake *f = data;

	if (f->n < SNAP_MAX && !dlmr_kernel_parse_info(nlh, &f->snap[f->n]))
		f->n++;
	return MNL_CB_OK;
}

static struct track *track(struct harness *h, const char *ls)
{
	for (size_t i = 0; i < h->nt; i++)
		if (!strcmp(h->t[i].name, ls))
			return &h->t[i];
	if (h->nt == LS_MAX)
		return NULL;
	snprintf(h->t[h->nt].name, sizeof(h->t[0].name), "%s", ls);
	h->t[h->nt].last = 0;
	return &h->t[h->nt++];
}

static void check_event(struct harness *h)
{
	const struct dlmr_event *ev = &h->ev;
	struct track *t = NULL;
	int r;

	if (getenv("FUZZ_TRACE"))
		fprintf(stderr, "%s ls '%s' seq %llu resynced %d resync_seq %llu "
			"time %llu detail '%s'\n", dlmr_event_name(ev->type),
			ev->ls, (unsigned long long)ev->seq, ev->resynced,
			(unsigned long long)ev->resync_seq,
			(unsigned long long)ev->time_ns, ev->detail);
	FUZZ_CHECK(ev->type == DLMR_EV_PREP || ev->type == DLMR_EV_SLOT ||
		   ev->type == DLMR_EV_DONE || ev->type == DLMR_EV_LOST);
	FUZZ_CHECK(memchr(ev->ls, '\0', sizeof(ev->ls)));
	FUZZ_CHECK(ev->num_slots <= DLMR_SLOTS_MAX);
	if (ev->type == DLMR_EV_LOST && !ev->ls[0]) {
		for (size_t i = 0; i < h->nt; i++)
			h->t[i].last = 0;
	} else if ((t = track(h, ev->ls))) {
		if (ev->type == DLMR_EV_LOST) {
			t->last = ev->resynced ? ev->resync_seq : 0;
			if (ev->resynced && !t->last)
				t->last = UINT64_MAX; /* none yet: 1 next */
		} else {
			/* the event whose gap the lost event just before it
			 * reported may be newer than the snapshot */
			FUZZ_CHECK(ev->seq == 1 || !t->last ||
				   (t->last != UINT64_MAX &&
				    ev->seq == t->last + 1) ||
				   h->lost_before == t);
			t->last = ev->seq;
		}
	}
	/* a gap's lost event, not an overrun's: the event follows it */
	h->lost_before = ev->type == DLMR_EV_LOST && ev->ls[0] &&
			 (!strncmp(ev->detail, "sequence gap", 12) ||
			  !strncmp(ev->detail, "lockspace re-created", 20)) ?
			 t : NULL;
	/* a table out of the schema's range (a kernel's bug) is said so by
	 * dlmctl recover watch -j, not written: -EINVAL, nothing else */
	r = dlmr_trace_format(ev, h->text, sizeof(h->text));
	FUZZ_CHECK(r > 0 || r == -EINVAL);
	r = dlmr_contract_feed(h->c, ev);
	FUZZ_CHECK(r >= 0 && r <= 2);
}

/* the record's bytes in an allocation of their own exact size */
static uint8_t *take(const uint8_t *data, size_t size, size_t *pos,
		     size_t *len)
{
	uint8_t *b;

	*len = 0;
	if (*pos + 2 <= size) {
		*len = (size_t)data[*pos] | (size_t)data[*pos + 1] << 8;
		*pos += 2;
	}
	if (*len > size - *pos)
		*len = size - *pos;
	b = malloc(*len ? *len : 1);
	FUZZ_CHECK(b);
	memcpy(b, data + *pos, *len);
	*pos += *len;
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct dlmr_kernel *k;
	size_t pos = 0, len;
	uint8_t *b;
	int r;

	FUZZ_CHECK(h && !dlmr_contract_new(&h->c));
	h->fake.err = -ENOENT;
	k = dlmr_kernel_fake(CRAFT_FAMILY, fake_get, fake_list, &h->fake);
	FUZZ_CHECK(k);
	while (pos < size) {
		uint8_t op = data[pos++];

		switch (op % 4) {
		case 0:
			b = take(data, size, &pos, &len);
			r = dlmr_kernel_feed(k, b, len);
			FUZZ_CHECK(r <= 0);
			free(b);
			break;
		case 1:
			r = dlmr_kernel_overrun(k);
			FUZZ_CHECK(r == 0);
			break;
		case 2:
			b = take(data, size, &pos, &len);
			h->fake.n = 0;
			h->fake.err = op & 4 ? -EIO : -ENOENT;
			/* as the client's requests check their replies */
			if (dlmr_nl_lengths_ok(b, len))
				mnl_cb_run(b, len, 0, 0, reply_cb, &h->fake);
			free(b);
			break;
		default:
			while (dlmr_kernel_pop(k, &h->ev))
				check_event(h);
			break;
		}
	}
	while (dlmr_kernel_pop(k, &h->ev))
		check_event(h);
	dlmr_kernel_close(k);
	dlmr_contract_free(h->c);
	free(h);
	return 0;
}
