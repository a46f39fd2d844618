// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The driver's second source of recovery events: corosync CPG membership
 * (the cluster3 path, for kernels without the series), as gfs_controld
 * took it.  One CPG group per lockspace, "dlmr:<lockspace>".
 *
 * A confchg is the recovery: to a member that has a table, a `prep`
 * (once per window, as the kernel's), a `slot` for each member that left
 * by failing (CPG_REASON_NODEDOWN or PROCDOWN, not LEAVE) with the slot
 * it had; then a `done` once the members agree on the new table.
 *
 * The agreement (slots and generation, the kernel's dlm_slots_assign()
 * rule, dlmr_slots_change()):
 *
 * - at each confchg one member is the *sender*: the lowest nodeid among
 *   the members that hold a table (those in the last accepted table's
 *   list and not joined since: every member of a confchg accepts its
 *   table, and holders know the same history).  A member without a
 *   table knows that only the members that were in the group when it
 *   joined (its elders) may hold one; when none of them is left, nobody
 *   does, and it sends a table founded anew (from no table): every such
 *   member sends the same message.  The sender computes
 *   the new table from the table it has accepted (its state right after
 *   every delivery before that confchg) and multicasts (AGREED order)
 *   the confchg's member list, the generation of the table it started
 *   from (base) and the new table;
 * - a member accepts the first table message delivered after its latest
 *   confchg whose member list is that confchg's and, unless the confchg
 *   was its own join, whose base is the generation it has accepted; the
 *   accepted table is the `done`.  Messages for older confchgs are
 *   ignored.
 *
 * Members are processes (nodeid and pid): a node's process that failed
 * and came back is another member, so no two confchgs that a table was
 * accepted between have the same member list with a member joining in
 * the later (a process joins once).
 *
 * Every member delivers the same messages in the same order after the
 * same confchg, and an old member's accepted table is the same as the
 * sender's was at that confchg (the same deliveries before it), so they
 * all accept the same message.  A joiner cannot check the base; it takes
 * the first message with its member list, which is the one the old
 * members take: a message with that member list and another base would
 * have to have been sent for an earlier confchg with the same members
 * and delivered after a later table was accepted, but one sender's
 * messages are delivered in the order it sent them, and a sender that
 * left had its messages delivered before the confchg that removed it
 * (extended virtual synchrony).  tests/unit/test_cpgsrc.c runs it on a
 * totally ordered bus with senders that answer late.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <corosync/cpg.h>

#include "internal.h"

#define MSG_MAGIC 0x47435244u /* "DRCG" */
#define MSG_VERSION 1u

/* A member: a process, nodeid << 32 | pid (a node's process that
 * failed and came back under the same nodeid is another member). */
static uint64_t key(uint32_t nodeid, uint32_t pid)
{
	return (uint64_t)nodeid << 32 | pid;
}

struct dlmr_cpg_agree {
	uint32_t nodeid, pid;
	char ls[DLMR_LSNAME_MAX + 1];
	bool accepted_any;      /* a table accepted: we hold one */
	/* without a table: the members that were in the group when we
	 * joined, the only ones that may hold one */
	uint64_t elders[DLMR_SLOTS_MAX];
	unsigned int nelders;
	/* joined since the last accepted table (a failed node back under
	 * the same nodeid is in that table, but holds nothing) */
	uint32_t fresh[DLMR_SLOTS_MAX];
	unsigned int nfresh;
	struct dlmr_slot_table table; /* the accepted one */
	/* the latest confchg, waiting for its table */
	bool waiting, joining, in_window;
	uint32_t base;
	uint64_t members[DLMR_SLOTS_MAX];
	unsigned int nmembers;
	/* events not read yet */
	struct dlmr_event *q;
	unsigned int qh, qn, qcap;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_keys(const uint64_t *v, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool in_list(const uint32_t *v, unsigned int n, uint32_t x)
{
	for (unsigned int i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

int dlmr_cpg_agree_new(uint32_t nodeid, uint32_t pid, const char *ls,
		       struct dlmr_cpg_agree **out)
{
	struct dlmr_cpg_agree *a;

	if (!out || !ls || !nodeid || strlen(ls) > DLMR_LSNAME_MAX)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->nodeid = nodeid;
	a->pid = pid;
	memcpy(a->ls, ls, strlen(ls) + 1);
	dlmr_slots_init(&a->table);
	*out = a;
	return 0;
}

void dlmr_cpg_agree_free(struct dlmr_cpg_agree *a)
{
	if (!a)
		return;
	free(a->q);
	free(a);
}

static struct dlmr_event *push(struct dlmr_cpg_agree *a,
			       enum dlmr_event_type type)
{
	struct dlmr_event *e;
	struct timespec ts;

	if (a->qh == a->qn)
		a->qh = a->qn = 0;
	if (a->qn == a->qcap) {
		unsigned int cap = a->qcap ? a->qcap * 2 : 8;
		struct dlmr_event *q = realloc(a->q, cap * sizeof(*q));

		if (!q)
			return NULL;
		a->q = q;
		a->qcap = cap;
	}
	e = &a->q[a->qn++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->jid = -1;
	e->node = a->nodeid;
	memcpy(e->ls, a->ls, sizeof(e->ls));
	clock_gettime(CLOCK_REALTIME, &ts);
	e->time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return e;
}

int dlmr_cpg_agree_next(struct dlmr_cpg_agree *a, struct dlmr_event *ev)
{
	if (!a || !ev)
		return -EINVAL;
	if (a->qh == a->qn)
		return 0;
	*ev = a->q[a->qh++];
	return 1;
}

const struct dlmr_slot_table *dlmr_cpg_agree_table(const struct dlmr_cpg_agree *a)
{
	return a && a->accepted_any && !a->waiting ? &a->table : NULL;
}

/* The message: u32 little-endian words (the hosts of one cluster share
 * their byte order in practice; the magic would show otherwise). */
static size_t msg_build(uint32_t *w, const uint64_t *members, unsigned int n,
			uint32_t base, const struct dlmr_slot_table *t)
{
	size_t k = 0;

	w[k++] = MSG_MAGIC;
	w[k++] = MSG_VERSION;
	w[k++] = base;
	w[k++] = t->generation;
	w[k++] = n;
	for (unsigned int i = 0; i < n; i++) {
		w[k++] = (uint32_t)(members[i] >> 32);
		w[k++] = (uint32_t)members[i];
	}
	w[k++] = t->num;
	for (unsigned int i = 0; i < t->num; i++) {
		w[k++] = t->slots[i].nodeid;
		w[k++] = (uint32_t)t->slots[i].slot;
	}
	return k * sizeof(*w);
}

#define MSG_MAX_WORDS (6 + 4 * DLMR_SLOTS_MAX)

int dlmr_cpg_agree_confchg(struct dlmr_cpg_agree *a,
			   const struct dlmr_cpg_member *members, size_t n,
			   const struct dlmr_cpg_member *joined, size_t nj,
			   const uint32_t *failed, size_t nf,
			   dlmr_cpg_send_fn send, void *arg)
{
	uint64_t sorted[DLMR_SLOTS_MAX], jk[DLMR_SLOTS_MAX];
	uint32_t sender = 0;
	bool us_joining;

	if (!a || !send || n > DLMR_SLOTS_MAX || nj > DLMR_SLOTS_MAX ||
	    (n && !members) || (nj && !joined) || (nf && !failed))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		sorted[i] = key(members[i].nodeid, members[i].pid);
	qsort(sorted, n, sizeof(*sorted), cmp_u64);
	for (size_t i = 0; i < nj; i++)
		jk[i] = key(joined[i].nodeid, joined[i].pid);
	us_joining = in_keys(jk, nj, key(a->nodeid, a->pid));
	if (!n) /* we left */
		return 0;
	if (us_joining && !a->accepted_any) {
		a->nelders = 0;
		for (size_t i = 0; i < n; i++)
			if (!in_keys(jk, nj, sorted[i]))
				a->elders[a->nelders++] = sorted[i];
	}
	for (size_t i = 0; i < nj && a->accepted_any; i++)
		if (a->nfresh < DLMR_SLOTS_MAX &&
		    !in_list(a->fresh, a->nfresh, joined[i].nodeid))
			a->fresh[a->nfresh++] = joined[i].nodeid;
	if (a->accepted_any) {
		/* the sender: the lowest holder */
		for (size_t i = 0; i < n && !sender; i++) {
			uint32_t id = (uint32_t)(sorted[i] >> 32);

			if (dlmr_slots_slot(&a->table, id) > 0 &&
			    !in_list(a->fresh, a->nfresh, id))
				sender = id;
		}
	} else if (us_joining || a->joining) {
		/* no elder left: nobody holds a table; every such member
		 * founds the group anew, all with the same message */
		unsigned int k = 0;

		for (unsigned int i = 0; i < a->nelders; i++)
			if (in_keys(sorted, n, a->elders[i]))
				a->elders[k++] = a->elders[i];
		a->nelders = k;
		if (!a->nelders)
			sender = a->nodeid;
	}
	if (a->accepted_any) {
		/* a member: the recovery's prep and slots now */
		if (!a->in_window && !push(a, DLMR_EV_PREP))
			return -ENOMEM;
		a->in_window = true;
		for (size_t i = 0; i < nf; i++) {
			int s = dlmr_slots_slot(&a->table, failed[i]);
			struct dlmr_event *e;

			if (s < 1)
				continue; /* never had a slot: nothing to recover */
			e = push(a, DLMR_EV_SLOT);
			if (!e)
				return -ENOMEM;
			e->nodeid = failed[i];
			e->slot = s;
		}
	} else if (!us_joining && !a->joining) {
		return 0; /* not our confchg yet */
	}
	a->waiting = true;
	a->joining = !a->accepted_any;
	a->base = a->table.generation;
	memcpy(a->members, sorted, n * sizeof(*sorted));
	a->nmembers = (unsigned int)n;
	if (sender == a->nodeid) {
		struct dlmr_member m[DLMR_SLOTS_MAX];
		struct dlmr_slot_table *t = malloc(sizeof(*t));
		uint32_t *w = malloc(MSG_MAX_WORDS * sizeof(*w));
		int r;

		if (!t || !w) {
			free(t);
			free(w);
			return -ENOMEM;
		}
		*t = a->table;
		for (size_t i = 0; i < n; i++)
			m[i] = (struct dlmr_member){
				.nodeid = (uint32_t)(sorted[i] >> 32) };
		r = dlmr_slots_change(t, m, n);
		if (!r)
			r = send(arg, w, msg_build(w, sorted, (unsigned int)n,
						   a->base, t));
		free(t);
		free(w);
		return r;
	}
	return 0;
}

int dlmr_cpg_agree_deliver(struct dlmr_cpg_agree *a, const void *buf,
			   size_t len)
{
	const uint32_t *w = buf;
	size_t words = len / sizeof(*w), k = 5;
	uint32_t n, ns;
	struct dlmr_event *e;

	if (!a || (len && !buf))
		return -EINVAL;
	if (len % sizeof(*w) || words < 6 || w[0] != MSG_MAGIC ||
	    w[1] != MSG_VERSION)
		return -EBADMSG;
	n = w[4];
	if (n > DLMR_SLOTS_MAX || words < 6 + 2 * (size_t)n)
		return -EBADMSG;
	ns = w[5 + 2 * n];
	if (ns > DLMR_SLOTS_MAX || words != 6 + 2 * (size_t)n + 2 * (size_t)ns)
		return -EBADMSG;
	if (!a->waiting || n != a->nmembers ||
	    (!a->joining && w[2] != a->base))
		return 0; /* another confchg's: not ours to take */
	for (uint32_t i = 0; i < n; i++)
		if (key(w[k + 2 * i], w[k + 2 * i + 1]) != a->members[i])
			return 0;
	k += 2 * n + 1;
	a->table.generation = w[3];
	a->table.disabled = false;
	a->table.num = ns;
	for (uint32_t i = 0; i < ns; i++, k += 2) {
		a->table.slots[i].nodeid = w[k];
		a->table.slots[i].slot = (int)w[k + 1];
	}
	a->waiting = a->joining = a->in_window = false;
	a->accepted_any = true;
	a->nfresh = 0;
	e = push(a, DLMR_EV_DONE);
	if (!e)
		return -ENOMEM;
	e->generation = a->table.generation;
	e->our_slot = dlmr_slots_slot(&a->table, a->nodeid);
	if (e->our_slot < 0)
		e->our_slot = 0;
	e->num_slots = a->table.num;
	memcpy(e->slots, a->table.slots, ns * sizeof(e->slots[0]));
	return 1;
}

/* ---- the source over libcpg ------------------------------------------ */

struct cpgsrc {
	cpg_handle_t h;
	struct cpg_name group;
	struct dlmr_cpg_agree *a;
	uint32_t nodeid;
	char ls[DLMR_LSNAME_MAX + 1];
	bool joined;
	int error;
};

static int cs_errno(cs_error_t e)
{
	switch (e) {
	case CS_OK:
		return 0;
	case CS_ERR_LIBRARY:
		return -ENOTCONN;
	case CS_ERR_ACCESS:
		return -EACCES;
	case CS_ERR_TRY_AGAIN:
		return -EAGAIN;
	case CS_ERR_NO_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static int cpg_send(void *arg, const void *buf, size_t len)
{
	struct cpgsrc *c = arg;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	cs_error_t e;

	for (int i = 0; i < 100; i++) {
		e = cpg_mcast_joined(c->h, CPG_TYPE_AGREED, &iov, 1);
		if (e != CS_ERR_TRY_AGAIN)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	return cs_errno(e);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *g,
		       uint32_t nodeid, uint32_t pid, void *msg, size_t len)
{
	struct cpgsrc *c = NULL;
	int r;

	(void)g;
	(void)nodeid;
	(void)pid;
	cpg_context_get(h, (void **)&c);
	r = dlmr_cpg_agree_deliver(c->a, msg, len);
	if (r < 0 && r != -EBADMSG && !c->error)
		c->error = r;
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *g,
		       const struct cpg_address *m, size_t nm,
		       const struct cpg_address *l, size_t nl,
		       const struct cpg_address *j, size_t nj)
{
	struct dlmr_cpg_member mem[DLMR_SLOTS_MAX], join[DLMR_SLOTS_MAX];
	uint32_t fail[DLMR_SLOTS_MAX];
	struct cpgsrc *c = NULL;
	size_t nf = 0;
	int r;

	(void)g;
	cpg_context_get(h, (void **)&c);
	if (nm > DLMR_SLOTS_MAX || nj > DLMR_SLOTS_MAX || nl > DLMR_SLOTS_MAX) {
		c->error = -E2BIG;
		return;
	}
	for (size_t i = 0; i < nm; i++)
		mem[i] = (struct dlmr_cpg_member){ m[i].nodeid, m[i].pid };
	for (size_t i = 0; i < nj; i++)
		join[i] = (struct dlmr_cpg_member){ j[i].nodeid, j[i].pid };
	for (size_t i = 0; i < nl; i++)
		if (l[i].reason == CPG_REASON_NODEDOWN ||
		    l[i].reason == CPG_REASON_PROCDOWN)
			fail[nf++] = l[i].nodeid;
	r = dlmr_cpg_agree_confchg(c->a, mem, nm, join, nj, fail, nf,
				   cpg_send, c);
	if (r < 0 && !c->error)
		c->error = r;
}

static int c_fd(void *src)
{
	struct cpgsrc *c = src;
	int fd;

	return cpg_fd_get(c->h, &fd) == CS_OK ? fd : -EBADF;
}

static int c_next(void *src, struct dlmr_event *ev)
{
	struct cpgsrc *c = src;
	int r = dlmr_cpg_agree_next(c->a, ev);
	cs_error_t e;

	if (r)
		return r;
	if (!c->joined)
		return 0;
	e = cpg_dispatch(c->h, CS_DISPATCH_ALL);
	if (e != CS_OK && e != CS_ERR_TRY_AGAIN)
		return cs_errno(e);
	if (c->error)
		return c->error;
	return dlmr_cpg_agree_next(c->a, ev);
}

static int c_get(void *src, const char *ls, struct dlmr_ls_info *out)
{
	struct cpgsrc *c = src;
	const struct dlmr_slot_table *t = dlmr_cpg_agree_table(c->a);

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", ls);
	out->state = t ? DLMR_LS_RUNNING : DLMR_LS_RECOVERING;
	if (t) {
		out->generation = t->generation;
		out->our_slot = dlmr_slots_slot(t, c->nodeid);
		out->num_slots = t->num;
		memcpy(out->slots, t->slots, t->num * sizeof(t->slots[0]));
	}
	return 0;
}

static uint32_t c_nodeid(void *src)
{
	return ((struct cpgsrc *)src)->nodeid;
}

static int c_join(void *src, const char *ls)
{
	struct cpgsrc *c = src;
	int r;

	(void)ls;
	r = cs_errno(cpg_join(c->h, &c->group));
	if (!r)
		c->joined = true;
	return r;
}

static void c_close(void *src)
{
	struct cpgsrc *c = src;

	if (c->joined)
		cpg_leave(c->h, &c->group);
	cpg_finalize(c->h);
	dlmr_cpg_agree_free(c->a);
	free(c);
}

const struct dlmr_driver_source dlmr_cpg_source = {
	.fd = c_fd, .next_event = c_next, .get = c_get,
	.our_nodeid = c_nodeid, .close = c_close, .join = c_join,
};

int dlmr_cpg_open(const char *ls, void **out)
{
	/* libcpg copies it: no state of ours outlives the call */
	cpg_callbacks_t cb = {
		.cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg,
	};
	struct cpgsrc *c = calloc(1, sizeof(*c));
	unsigned int nodeid = 0;
	int r;

	if (!c)
		return -ENOMEM;
	r = cs_errno(cpg_initialize(&c->h, &cb));
	if (r) {
		free(c);
		return r;
	}
	r = cs_errno(cpg_context_set(c->h, c));
	if (!r)
		r = cs_errno(cpg_local_get(c->h, &nodeid));
	if (!r)
		r = dlmr_cpg_agree_new(nodeid, (uint32_t)getpid(), ls, &c->a);
	if (r) {
		cpg_finalize(c->h);
		free(c);
		return r;
	}
	c->nodeid = nodeid;
	c->group.length = (uint32_t)snprintf(c->group.value,
					     sizeof(c->group.value),
					     "dlmr:%s", ls);
	*out = c;
	return 0;
}
