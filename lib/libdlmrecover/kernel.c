// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The client of the kernel's "dlm_recover" generic netlink family (the
 * series in kernel/patches/), with libmnl: lockspace queries, and recovery
 * events with per-lockspace sequence tracking.  A gap in a lockspace's
 * sequence numbers, a lockspace re-created behind our back or a socket
 * overrun (ENOBUFS) is reported as a DLMR_EV_LOST event, never passed over
 * in silence, and resynced at once from a fresh GET (or dump), which the
 * lost event carries; events the snapshot contains are then not delivered
 * (libevdev does the same after SYN_DROPPED).  The rules are in
 * include/dlmrecover.h (group kernel) and seq_check() below.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "dlm_recover.h"
#include "internal.h"

/* dumps of the lockspace list before dlmr_kernel_list() gives up on a
 * list that keeps changing (-EAGAIN) */
#define DLMR_KERNEL_DUMP_TRIES 5

struct dlmr_kernel {
	struct mnl_socket *nl;     /* requests */
	struct mnl_socket *ev;     /* events (after subscribe) */
	uint16_t family;
	uint32_t mcgrp;
	unsigned int seq;
	uint32_t our_nodeid;
	struct dlmr_ls_seq *ls;    /* sequence tracking per lockspace */
	size_t nls, capls;
	struct dlmr_event *q;      /* events parsed, not yet read */
	size_t qhead, qlen, qcap;
	/* the snapshots of a resync: dlmr_kernel_get(), dlmr_kernel_list()
	 * (tests replace them) */
	dlmr_kernel_get_fn get;
	dlmr_kernel_list_fn list;
	void *fake;                /* for the tests' get and list */
	struct dlmr_ls_info snap;  /* scratch for one resync */
	/* the sockets' buffers, KBUF_SIZE bytes each, in one allocation
	 * made with the sockets (dlmr_kernel_open()): the fake transport
	 * has none (its client was 135 KB, zeroed per fuzz input) */
	uint8_t *buf;              /* requests and replies (k->nl) */
	uint8_t *evbuf;            /* events (k->ev): a resync runs while
				    * the events in it are being parsed */
};

#define KBUF_SIZE 65536

/* Make room for one more element of @size bytes in *@v (doubling). */
static int grow(void **v, size_t len, size_t *cap, size_t size)
{
	size_t ncap;
	void *n;

	if (len < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	n = realloc(*v, ncap * size);
	if (!n)
		return -ENOMEM;
	*v = n;
	*cap = ncap;
	return 0;
}

/* ---- opening: resolve the family -------------------------------------- */

struct family_ctx {
	uint16_t id;
	uint32_t grp;
};

static int grp_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= CTRL_ATTR_MCAST_GRP_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct family_ctx *f = data;
	const struct nlattr *g;

	switch (mnl_attr_get_type(a)) {
	case CTRL_ATTR_FAMILY_ID:
		f->id = mnl_attr_get_u16(a);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested(g, a) {
			const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };

			mnl_attr_parse_nested(g, grp_cb, tb);
			if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
			    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
				    DLM_RECOVER_MCGRP_EVENTS))
				f->grp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		}
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

static struct nlmsghdr *genl_msg(struct dlmr_kernel *k, uint16_t type,
				 uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++k->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : DLM_RECOVER_GENL_VERSION;
	return nlh;
}

/*
 * Whether every message of @buf lies within its @len bytes.  mnl_cb_run()
 * cannot be given one that does not: its mnl_nlmsg_ok() compares
 * nlmsg_len with the bytes left as an int, so a length above INT_MAX
 * passes, and the next header is read from far outside the buffer.
 */
bool dlmr_nl_lengths_ok(const void *data, size_t len)
{
	const uint8_t *buf = data;

	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)buf;
		size_t n = nlh->nlmsg_len;

		if (n < sizeof(*nlh) || n > len)
			return false;
		n = MNL_ALIGN(n);
		if (n >= len)
			break;
		buf += n;
		len -= n;
	}
	return true;
}

/*
 * Send a request and run @cb on every reply; returns 0 or -errno.  With
 * @intr, *intr tells whether a reply of this dump (or its end) carried
 * NLM_F_DUMP_INTR: the list changed while it was being dumped.
 */
static int transact(struct dlmr_kernel *k, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data, bool *intr)
{
	unsigned int portid = mnl_socket_get_portid(k->nl);
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int r;

	if (intr)
		*intr = false;
	if (mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(k->nl, k->buf, KBUF_SIZE);
		if (n < 0)
			return -errno;
		if (intr) {
			const struct nlmsghdr *m = (const void *)k->buf;
			int len = (int)n;

			for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len))
				if (m->nlmsg_seq == seq &&
				    (m->nlmsg_flags & NLM_F_DUMP_INTR))
					*intr = true;
		}
		if (!dlmr_nl_lengths_ok(k->buf, (size_t)n))
			return -EBADMSG;
		r = mnl_cb_run(k->buf, (size_t)n, seq, portid, cb, data);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static bool path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* Our nodeid: the configfs comms entry dlm_controld marked local. */
/* This node's nodeid: the configfs comms entry with local = 1 (also
 * klog.c). */
uint32_t dlmr_read_our_nodeid(void)
{
	const char *dir = "/sys/kernel/config/dlm/cluster/comms";
	DIR *d = opendir(dir);
	struct dirent *de;
	uint32_t id = 0;

	if (!d)
		return 0;
	while (!id && (de = readdir(d))) {
		char path[512];
		FILE *f;
		int local = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/local", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d", &local) == 1 && local == 1)
			id = (uint32_t)strtoul(de->d_name, NULL, 10);
		fclose(f);
	}
	closedir(d);
	return id;
}

DLMR_EXPORT int dlmr_kernel_open(struct dlmr_kernel **out)
{
	struct dlmr_kernel *k;
	struct family_ctx f = { 0 };
	struct nlmsghdr *nlh;
	int r;

	if (!out)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->buf = calloc(2, KBUF_SIZE);
	if (!k->buf) {
		free(k);
		return -ENOMEM;
	}
	k->evbuf = k->buf + KBUF_SIZE;
	k->get = dlmr_kernel_get;
	k->list = dlmr_kernel_list;
	k->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!k->nl || mnl_socket_bind(k->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		dlmr_kernel_close(k);
		return r;
	}
	nlh = genl_msg(k, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DLM_RECOVER_GENL_NAME);
	r = transact(k, nlh, family_cb, &f, NULL);
	if (r == -ENOENT || (!r && !f.id)) {
		/* no family: is there a DLM at all? */
		r = path_exists("/sys/kernel/dlm") || path_exists("/sys/module/dlm") ?
		    -EPROTONOSUPPORT : -ENODEV;
		dlmr_kernel_close(k);
		return r;
	}
	if (r) {
		dlmr_kernel_close(k);
		return r;
	}
	k->family = f.id;
	k->mcgrp = f.grp;
	k->our_nodeid = dlmr_read_our_nodeid();
	*out = k;
	return 0;
}

DLMR_EXPORT void dlmr_kernel_close(struct dlmr_kernel *k)
{
	if (!k)
		return;
	if (k->nl)
		mnl_socket_close(k->nl);
	if (k->ev)
		mnl_socket_close(k->ev);
	free(k->ls);
	free(k->q);
	free(k->buf);
	free(k);
}

DLMR_EXPORT const char *dlmr_kernel_strerror(int err)
{
	switch (err) {
	case -ENODEV:
		return "the DLM is not loaded (no /sys/kernel/dlm, no dlm module)";
	case -EPROTONOSUPPORT:
		return "this kernel's DLM has no dlm_recover netlink family: the "
		       "dlmrecover kernel patches are missing (sysfs "
		       "/sys/kernel/dlm/<lockspace>/ offers only id, control, "
		       "event_done, nodir and recover_status)";
	case -ENOENT:
		return "no such lockspace";
	case -EPERM:
	case -EACCES:
		return "permission denied: recovery events need CAP_SYS_ADMIN";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

DLMR_EXPORT uint32_t dlmr_kernel_our_nodeid(const struct dlmr_kernel *k)
{
	return k ? k->our_nodeid : 0;
}

/* ---- parsing ------------------------------------------------------------ */

static int slot_attr_cb(const struct nlattr *a, void *data)
{
	struct dlmr_slot *s = data;

	if (mnl_attr_get_type(a) == DLM_RECOVER_A_SLOT_NODEID &&
	    !mnl_attr_validate(a, MNL_TYPE_U32))
		s->nodeid = mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == DLM_RECOVER_A_SLOT_SLOT &&
		 !mnl_attr_validate(a, MNL_TYPE_U32))
		s->slot = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/*
 * A slot table: the repeated (multi-attr) nests of type @type among the
 * attributes from @first to @end, each one entry (nodeid, slot), in
 * order; returns how many did not fit in @max.
 */
static unsigned int parse_slots(const struct nlattr *first, const void *end,
				uint16_t type, struct dlmr_slot *slots,
				unsigned int *num, unsigned int max)
{
	const struct nlattr *e;
	unsigned int over = 0;

	*num = 0;
	for (e = first; mnl_attr_ok(e, (const char *)end - (const char *)e);
	     e = mnl_attr_next(e)) {
		struct dlmr_slot s = { 0 };

		if (mnl_attr_get_type(e) != type ||
		    mnl_attr_validate(e, MNL_TYPE_NESTED))
			continue;
		mnl_attr_parse_nested(e, slot_attr_cb, &s);
		if (*num < max)
			slots[(*num)++] = s;
		else
			over++;
	}
	return over;
}

/* mnl_attr_parse*() callback: an attribute table of types 1..max */
struct attr_table {
	const struct nlattr **tb;
	int max;
};

static int table_cb(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;
	int type = mnl_attr_get_type(a);

	if (type > 0 && type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

/* @a's value into @v if @a is there with its type's size; an attribute
 * of the wrong size is ignored like a missing one */
static void get_u32(const struct nlattr *a, uint32_t *v)
{
	if (a && !mnl_attr_validate(a, MNL_TYPE_U32))
		*v = mnl_attr_get_u32(a);
}

/* a "uint" (NLA_UINT): four or eight bytes */
static void get_uint(const struct nlattr *a, uint64_t *v)
{
	if (a && mnl_attr_get_payload_len(a) == sizeof(uint32_t))
		*v = mnl_attr_get_u32(a);
	else if (a && mnl_attr_get_payload_len(a) == sizeof(uint64_t))
		*v = mnl_attr_get_u64(a);
}

/* DLM_RECOVER_A_LAST (patch 0003); attributes of a wrong size are
 * ignored, like missing ones */
static void parse_last(const struct nlattr *nest, struct dlmr_ls_last *l)
{
	const struct nlattr *tb[DLM_RECOVER_A_LAST_MAX + 1] = { 0 };
	struct attr_table t = { tb, DLM_RECOVER_A_LAST_MAX };

	l->known = true;
	mnl_attr_parse_nested(nest, table_cb, &t);
	get_uint(tb[DLM_RECOVER_A_LAST_START_NS], &l->start_ns);
	get_uint(tb[DLM_RECOVER_A_LAST_DONE_NS], &l->done_ns);
	get_uint(tb[DLM_RECOVER_A_LAST_START_MONO_NS], &l->start_mono_ns);
	get_uint(tb[DLM_RECOVER_A_LAST_DONE_MONO_NS], &l->done_mono_ns);
	get_u32(tb[DLM_RECOVER_A_LAST_GENERATION], &l->generation);
	get_u32(tb[DLM_RECOVER_A_LAST_TRUNCATED], &l->failed_truncated);
	l->failed_truncated += parse_slots(mnl_attr_get_payload(nest),
					   (const char *)nest +
					   mnl_attr_get_len(nest),
					   DLM_RECOVER_A_LAST_FAILED, l->failed,
					   &l->num_failed, DLMR_SLOTS_MAX);
}

/* @tb: the top-level attributes of the message @nlh */
static void parse_info(const struct nlmsghdr *nlh, const struct nlattr **tb,
		       struct dlmr_ls_info *in)
{
	const struct nlattr *first =
		mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));

	uint32_t our_slot = 0, state = 0, ops = 0;

	memset(in, 0, sizeof(*in));
	if (tb[DLM_RECOVER_A_LS_NAME] &&
	    !mnl_attr_validate(tb[DLM_RECOVER_A_LS_NAME], MNL_TYPE_NUL_STRING))
		snprintf(in->name, sizeof(in->name), "%s",
			 mnl_attr_get_str(tb[DLM_RECOVER_A_LS_NAME]));
	get_u32(tb[DLM_RECOVER_A_LS_ID], &in->id);
	get_u32(tb[DLM_RECOVER_A_GENERATION], &in->generation);
	get_u32(tb[DLM_RECOVER_A_OUR_SLOT], &our_slot);
	in->our_slot = (int)our_slot;
	parse_slots(first, mnl_nlmsg_get_payload_tail(nlh),
		    DLM_RECOVER_A_MEMBER, in->slots,
		    &in->num_slots, DLMR_SLOTS_MAX);
	get_u32(tb[DLM_RECOVER_A_STATE], &state);
	in->state = (int)state;
	get_u32(tb[DLM_RECOVER_A_MEMBERS], &in->members);
	get_u32(tb[DLM_RECOVER_A_OPS], &ops);
	in->ops = ops != 0;
	get_uint(tb[DLM_RECOVER_A_SEQ], &in->seq);
	get_uint(tb[DLM_RECOVER_A_TIME_NS], &in->time_ns);
	get_uint(tb[DLM_RECOVER_A_MONO_NS], &in->mono_ns);
	if (tb[DLM_RECOVER_A_LAST])
		parse_last(tb[DLM_RECOVER_A_LAST], &in->last);
}

/* A dlm_recover message's top-level attributes into @tb */
static int parse_top(const struct nlmsghdr *nlh,
		     const struct nlattr *tb[DLM_RECOVER_A_MAX + 1])
{
	struct attr_table t = { tb, DLM_RECOVER_A_MAX };

	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), table_cb, &t);
}

int dlmr_kernel_parse_info(const struct nlmsghdr *nlh,
			   struct dlmr_ls_info *in)
{
	const struct nlattr *tb[DLM_RECOVER_A_MAX + 1] = { 0 };

	if (parse_top(nlh, tb) < 0)
		return -EINVAL;
	parse_info(nlh, tb, in);
	return 0;
}

struct list_ctx {
	struct dlmr_ls_info *v;
	size_t n, cap;
	int err;
};

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *l = data;

	if (grow((void **)&l->v, l->n, &l->cap, sizeof(*l->v))) {
		l->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	dlmr_kernel_parse_info(nlh, &l->v[l->n++]);
	return MNL_CB_OK;
}

DLMR_EXPORT int dlmr_kernel_get(struct dlmr_kernel *k, const char *ls,
				struct dlmr_ls_info *out)
{
	struct list_ctx l = { 0 };
	struct nlmsghdr *nlh;
	int r;

	if (!k || !ls || !out)
		return -EINVAL;
	if (strlen(ls) > DLMR_LSNAME_MAX)
		return -ENAMETOOLONG;
	nlh = genl_msg(k, k->family, DLM_RECOVER_CMD_GET, NLM_F_ACK);
	mnl_attr_put_strz(nlh, DLM_RECOVER_A_LS_NAME, ls);
	r = transact(k, nlh, info_cb, &l, NULL);
	if (!r && l.err)
		r = l.err;
	if (!r && l.n != 1)
		r = -ENOENT;
	if (!r)
		*out = l.v[0];
	free(l.v);
	return r;
}

DLMR_EXPORT int dlmr_kernel_list(struct dlmr_kernel *k,
				 struct dlmr_ls_info **out, size_t *n)
{
	struct list_ctx l = { 0 };
	struct nlmsghdr *nlh;
	bool intr = true;
	int r = 0;

	if (!k || !out || !n)
		return -EINVAL;
	/* a dump the lockspace list changed under (NLM_F_DUMP_INTR)
	 * neither skips nor repeats a lockspace, but is not one moment's
	 * list: dump again, a few times */
	for (int tries = 0; intr && tries < DLMR_KERNEL_DUMP_TRIES; tries++) {
		free(l.v);
		l = (struct list_ctx){ 0 };
		nlh = genl_msg(k, k->family, DLM_RECOVER_CMD_GET, NLM_F_DUMP);
		r = transact(k, nlh, info_cb, &l, &intr);
		if (!r && l.err)
			r = l.err;
		if (r)
			break;
	}
	if (!r && intr)
		r = -EAGAIN;
	if (r) {
		free(l.v);
		return r;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

/* ---- events --------------------------------------------------------------- */

DLMR_EXPORT int dlmr_kernel_subscribe(struct dlmr_kernel *k, int rcvbuf)
{
	int grp, r;

	if (!k)
		return -EINVAL;
	if (k->ev)
		return -EALREADY;
	if (!k->mcgrp)
		return -EPROTONOSUPPORT;
	k->ev = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!k->ev)
		return -errno;
	if (mnl_socket_bind(k->ev, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	if (rcvbuf > 0 &&
	    setsockopt(mnl_socket_get_fd(k->ev), SOL_SOCKET, SO_RCVBUF,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		goto fail;
	grp = (int)k->mcgrp;
	if (mnl_socket_setsockopt(k->ev, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0)
		goto fail;
	return 0;
fail:
	r = -errno;
	mnl_socket_close(k->ev);
	k->ev = NULL;
	return r;
}

DLMR_EXPORT int dlmr_kernel_fd(const struct dlmr_kernel *k)
{
	return k && k->ev ? mnl_socket_get_fd(k->ev) : -EBADF;
}

static struct dlmr_event *q_push(struct dlmr_kernel *k)
{
	struct dlmr_event *e;

	if (k->qhead == k->qlen) {
		k->qhead = 0;
		k->qlen = 0;
	}
	if (grow((void **)&k->q, k->qlen, &k->qcap, sizeof(*k->q)))
		return NULL;
	e = &k->q[k->qlen++];
	memset(e, 0, sizeof(*e));
	e->jid = -1;
	return e;
}

static struct dlmr_ls_seq *ls_find(struct dlmr_kernel *k, const char *name)
{
	for (size_t i = 0; i < k->nls; i++)
		if (!strcmp(k->ls[i].name, name))
			return &k->ls[i];
	if (grow((void **)&k->ls, k->nls, &k->capls, sizeof(*k->ls)))
		return NULL;
	memset(&k->ls[k->nls], 0, sizeof(k->ls[0]));
	snprintf(k->ls[k->nls].name, sizeof(k->ls[0].name), "%s", name);
	return &k->ls[k->nls++];
}

/*
 * Where an event with sequence number @seq and monotonic timestamp
 * @mono_ns stands
 * in its lockspace's stream @t (the rules: include/dlmrecover.h, group
 * kernel).  Within one instance of a lockspace the kernel numbers events
 * from 1 without gaps and sends them in that order (prep runs after
 * dlm_ls_stop() waited for dlm_recoverd to finish the previous recovery,
 * done included), so a number not above the last one is a new instance,
 * unless a snapshot already contains it.
 */
enum dlmr_seq_verdict dlmr_seq_check(struct dlmr_ls_seq *t, uint64_t seq,
				     uint64_t mono_ns, uint64_t *lost)
{
	*lost = 0;
	if (t->pending) {
		if (seq <= t->snap_seq && mono_ns <= t->snap_mono)
			return DLMR_SEQ_DUPLICATE;
		t->pending = false;
	}
	if (!t->known || seq == t->seq + 1) {
		t->seq = seq;
		t->known = true;
		return DLMR_SEQ_NEXT;
	}
	if (seq > t->seq + 1) {
		*lost = seq - t->seq - 1;
		return DLMR_SEQ_GAP;
	}
	if (seq == 1) {
		t->seq = 1;
		return DLMR_SEQ_RESTART;
	}
	*lost = seq - 1;
	return DLMR_SEQ_RECREATED;
}

/* The snapshot @in becomes @t's baseline: events it contains are dropped. */
static void seq_resynced(struct dlmr_ls_seq *t, const struct dlmr_ls_info *in)
{
	t->seq = in->seq;
	t->known = true;
	t->pending = true;
	t->snap_seq = in->seq;
	t->snap_mono = in->mono_ns;
}

/*
 * Queue a lost event for @ls: @count events lost (0: unknown), @why; with
 * the snapshot @snap if there is one, else the reason @err why not.
 */
static int lost(struct dlmr_kernel *k, const char *ls, uint64_t count,
		const char *why, const struct dlmr_ls_info *snap, int err)
{
	struct dlmr_event *e = q_push(k);

	if (!e)
		return -ENOMEM;
	e->type = DLMR_EV_LOST;
	e->node = k->our_nodeid;
	snprintf(e->ls, sizeof(e->ls), "%s", ls);
	e->seq = count;
	if (snap) {
		e->resynced = true;
		e->state = snap->state;
		e->resync_seq = snap->seq;
		e->time_ns = snap->time_ns;
		e->mono_ns = snap->mono_ns;
		e->generation = snap->generation;
		e->our_slot = snap->our_slot;
		e->num_slots = snap->num_slots;
		memcpy(e->slots, snap->slots,
		       snap->num_slots * sizeof(e->slots[0]));
		snprintf(e->detail, sizeof(e->detail), "%s", why);
	} else if (err) {
		snprintf(e->detail, sizeof(e->detail), "%s; not resynced: %s",
			 why, dlmr_kernel_strerror(err));
	} else {
		snprintf(e->detail, sizeof(e->detail), "%s", why);
	}
	return 0;
}

/* Events of @t were lost: report them and resync @t from a GET. */
static int resync(struct dlmr_kernel *k, struct dlmr_ls_seq *t,
		  uint64_t count, const char *why)
{
	int r = k->get(k, t->name, &k->snap);

	if (r) {
		/* no baseline: the next event is taken as it comes */
		t->seq = 0;
		t->known = false;
		t->pending = false;
		return lost(k, t->name, count, why, NULL, r);
	}
	seq_resynced(t, &k->snap);
	return lost(k, t->name, count, why, &k->snap, 0);
}

static int resync_all(struct dlmr_kernel *k, const char *why);

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dlmr_kernel *k = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[DLM_RECOVER_A_MAX + 1] = { 0 };
	struct dlmr_ls_info info;
	struct dlmr_event *e;
	struct dlmr_ls_seq *ls;
	char why[80]; /* "lockspace re-created (...at N)", N up to 20 digits */
	uint64_t count;
	uint32_t slot;
	int r = 0;

	if (nlh->nlmsg_type != k->family ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return MNL_CB_OK;
	if (g->cmd != DLM_RECOVER_CMD_PREP && g->cmd != DLM_RECOVER_CMD_SLOT &&
	    g->cmd != DLM_RECOVER_CMD_DONE)
		return MNL_CB_OK; /* not an event */
	parse_top(nlh, tb);
	parse_info(nlh, tb, &info);
	ls = ls_find(k, info.name);
	if (!ls) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	/* the kernel numbers events from 1: one without a number cannot
	 * be placed in the stream (after a resync to a lockspace without
	 * events, seq 0, it read as a re-creation with 2^64 - 1 events
	 * lost); the lockspace is resynced instead, its snapshot standing
	 * for the event */
	if (!info.seq) {
		r = resync(k, ls, 0, "an event without a sequence number");
		if (r) {
			errno = -r;
			return MNL_CB_ERROR;
		}
		return MNL_CB_OK;
	}
	switch (dlmr_seq_check(ls, info.seq, info.mono_ns, &count)) {
	case DLMR_SEQ_DUPLICATE:
		return MNL_CB_OK; /* the last snapshot contains it */
	case DLMR_SEQ_NEXT:
	case DLMR_SEQ_RESTART:
		break;
	case DLMR_SEQ_GAP:
		r = resync(k, ls, count, "sequence gap");
		break;
	case DLMR_SEQ_RECREATED:
		snprintf(why, sizeof(why), "lockspace re-created (sequence "
			 "restarted at %" PRIu64 ")", info.seq);
		r = resync(k, ls, count, why);
		break;
	}
	if (r) {
		errno = -r;
		return MNL_CB_ERROR;
	}
	/* after a resync: the snapshot normally contains this event; one
	 * older than the event leaves it the last one delivered */
	switch (dlmr_seq_check(ls, info.seq, info.mono_ns, &count)) {
	case DLMR_SEQ_DUPLICATE:
		return MNL_CB_OK;
	case DLMR_SEQ_GAP:
		ls->seq = info.seq;
		break;
	default:
		break;
	}

	e = q_push(k);
	if (!e) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	switch (g->cmd) {
	case DLM_RECOVER_CMD_PREP:
		e->type = DLMR_EV_PREP;
		break;
	case DLM_RECOVER_CMD_SLOT:
		e->type = DLMR_EV_SLOT;
		get_u32(tb[DLM_RECOVER_A_NODEID], &e->nodeid);
		slot = (uint32_t)e->slot;
		get_u32(tb[DLM_RECOVER_A_SLOT], &slot);
		e->slot = (int)slot;
		break;
	default:
		e->type = DLMR_EV_DONE;
		e->generation = info.generation;
		e->our_slot = info.our_slot;
		e->num_slots = info.num_slots;
		memcpy(e->slots, info.slots, info.num_slots * sizeof(e->slots[0]));
		break;
	}
	e->node = k->our_nodeid;
	snprintf(e->ls, sizeof(e->ls), "%s", info.name);
	e->seq = info.seq;
	e->time_ns = info.time_ns;
	e->mono_ns = info.mono_ns;
	return MNL_CB_OK;
}

int dlmr_kernel_feed(struct dlmr_kernel *k, const void *buf, size_t len)
{
	/* a datagram we cannot read held events: lost, as in an overrun */
	if (!dlmr_nl_lengths_ok(buf, len))
		return resync_all(k, "malformed netlink message (its events "
				  "unreadable)");
	if (mnl_cb_run(buf, len, 0, 0, event_cb, k) < 0 && errno != ESRCH)
		return errno ? -errno : -EIO;
	return 0;
}

/*
 * The socket overran (ENOBUFS): any lockspace may have lost events, how
 * many is unknown.  One dump resyncs them all.  A lockspace created (and
 * perhaps released) while the socket was full may be in no dump and was
 * never seen: first one lost event for all lockspaces (""), always.
 */
int dlmr_kernel_overrun(struct dlmr_kernel *k)
{
	return resync_all(k, "socket overrun (ENOBUFS)");
}

/* Events of any lockspace were lost (@why): resync them all from a dump. */
static int resync_all(struct dlmr_kernel *k, const char *why)
{
	struct dlmr_ls_info *v = NULL;
	struct dlmr_ls_seq *t;
	size_t n = 0, i, j;
	int r, err = k->list(k, &v, &n);

	r = lost(k, "", 0, why, NULL, err);
	if (r) {
		free(v);
		return r;
	}
	if (err) {
		for (i = 0; i < k->nls; i++) {
			k->ls[i].seq = 0;
			k->ls[i].known = false;
			k->ls[i].pending = false;
			r = lost(k, k->ls[i].name, 0, why, NULL, err);
			if (r)
				return r;
		}
		return 0;
	}
	/* watched lockspaces that no longer exist */
	for (i = 0; i < k->nls; i++) {
		for (j = 0; j < n && strcmp(v[j].name, k->ls[i].name); j++)
			;
		if (j < n)
			continue;
		k->ls[i].seq = 0;
		k->ls[i].known = false;
		k->ls[i].pending = false;
		r = lost(k, k->ls[i].name, 0, why, NULL, -ENOENT);
		if (r)
			goto out;
	}
	for (j = 0, r = 0; j < n && !r; j++) {
		t = ls_find(k, v[j].name);
		if (!t) {
			r = -ENOMEM;
			break;
		}
		seq_resynced(t, &v[j]);
		r = lost(k, v[j].name, 0, why, &v[j], 0);
	}
out:
	free(v);
	return r;
}

int dlmr_kernel_pop(struct dlmr_kernel *k, struct dlmr_event *ev)
{
	if (k->qhead == k->qlen)
		return 0;
	*ev = k->q[k->qhead++];
	return 1;
}

struct dlmr_kernel *dlmr_kernel_fake(uint16_t family, dlmr_kernel_get_fn get,
				     dlmr_kernel_list_fn list, void *arg)
{
	struct dlmr_kernel *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->family = family;
	k->get = get;
	k->list = list;
	k->fake = arg;
	return k;
}

void *dlmr_kernel_fake_arg(const struct dlmr_kernel *k)
{
	return k->fake;
}

DLMR_EXPORT int dlmr_kernel_next_event(struct dlmr_kernel *k,
				       struct dlmr_event *ev)
{
	ssize_t n;
	int r;

	if (!k || !ev)
		return -EINVAL;
	if (!k->ev)
		return -ENOTCONN;
	while (k->qhead == k->qlen) {
		n = recv(mnl_socket_get_fd(k->ev), k->evbuf, KBUF_SIZE, 0);
		if (n < 0 && errno == ENOBUFS) {
			r = dlmr_kernel_overrun(k);
			if (r)
				return r;
			continue;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		r = dlmr_kernel_feed(k, k->evbuf, (size_t)n);
		if (r)
			return r;
	}
	return dlmr_kernel_pop(k, ev);
}
