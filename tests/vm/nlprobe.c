/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nlprobe: requests to the dlm_recover generic netlink family that no
 * well-behaved client (dlmctl, libdlmrecover) sends, and what the kernel
 * must answer.  Run in the VM lab (tests/vm/lab.sh puts it in the
 * initramfs), as root and as an unprivileged user.
 *
 *   nlprobe strict   one request per line below, its answer (errno and the
 *                    kernel's extack message) against the expected one;
 *                    exit 0 if every answer is the expected one, 1 if not,
 *                    2 if the family cannot be reached
 *   nlprobe hammer SECONDS [NAME...]
 *                    for SECONDS, as fast as it can: a dump of every
 *                    lockspace, then a GET of each NAME; every reply must
 *                    be a lockspace or ENOENT (a GET) and every dump end
 *                    cleanly.  Prints one summary line; exit 0, or 1 on
 *                    any other answer.  Run beside joins that fail
 *                    (guest-lib.sh, lab_joinfail): the lookups' lockspace
 *                    references race new_lockspace()'s error path.
 *   nlprobe dumps SECONDS NAME...
 *                    for SECONDS, dumps read slowly (a 4 KiB buffer, so
 *                    that a dump of a few dozen lockspaces comes in
 *                    several parts, and 2 ms between parts, while the
 *                    list is free to change); in every dump no lockspace
 *                    may appear twice and every NAME must appear.  Run
 *                    while another lockspace joins and leaves (lab.sh,
 *                    dump_churn): a dump resumed by list position skips
 *                    or repeats one, a dump resumed by serial number
 *                    does neither and marks the parts after a change
 *                    NLM_F_DUMP_INTR.  Prints one summary line; exit 1 on
 *                    a repeat, a missing NAME or an error, or when no
 *                    dump was marked (the check saw no change: it proved
 *                    nothing).
 *   nlprobe fuzz COUNT SEED [--churn PREFIX] [NAME...]
 *                    COUNT random and malformed messages (tests/vm/nlfuzz.c,
 *                    deterministic from SEED), in batches of 1-8 per send;
 *                    every answer read (poll, 5 s at most) and checked
 *                    against what the kernel must answer (nlfuzz.h, the
 *                    oracle): the right ack, errno, GET reply or dump, each
 *                    well-formed, nothing else.  NAMEs must exist (they
 *                    and every lockspace listed at the start must be found
 *                    throughout); lockspaces named PREFIX... may come and
 *                    go.  Prints one summary line with the answers per
 *                    class; exit 0, 1 on any wrong or malformed answer.
 *
 * What "strict" expects (kernel/README.md, "Netlink API"): the family's
 * resv_start_op is 0, so the genetlink core checks every request's header
 * (genlmsghdr.reserved must be 0, nlmsg_flags only REQUEST, ACK, ECHO,
 * DUMP) before the family sees it, and attributes strictly against the
 * policy.  With resv_start_op above every command (the series before this
 * check existed) reserved-get, flags-get and reserved-dump are answered
 * as if the header were clean, and fail here.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "dlm_recover.h"
#include "nlfuzz.h"

#define NOSUCH "nlprobe-no-such-lockspace"
#define BUFSZ 32768		/* a dump part is at most 32 KiB */

static struct mnl_socket *nl;
static uint16_t family;
static uint32_t seq;

/* what one request got back */
struct answer {
	int err;		/* 0, or the positive errno of NLMSG_ERROR/DONE */
	char msg[256];		/* the extack message, "" if none */
	int replies;		/* messages of the family */
};

static int extack_attr(const struct nlattr *a, void *data)
{
	struct answer *ans = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(ans->msg, sizeof(ans->msg), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* send NLH, read until its ACK, error or NLMSG_DONE; -1 on a socket error */
static int exchange(struct nlmsghdr *nlh, struct answer *ans)
{
	static char buf[BUFSZ];
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t n;

	memset(ans, 0, sizeof(*ans));
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		const struct nlmsghdr *r;
		int len;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		len = (int)n;
		for (r = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(r, len);
		     r = mnl_nlmsg_next(r, &len)) {
			if (r->nlmsg_seq != seq || r->nlmsg_pid != portid)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);

				ans->err = -e->error;
				/* NETLINK_CAP_ACK: no request copy, TLVs next */
				if (r->nlmsg_flags & NLM_F_ACK_TLVS)
					mnl_attr_parse(r, sizeof(*e), extack_attr,
						       ans);
				return 0;
			}
			if (r->nlmsg_type == NLMSG_DONE) {
				const int *e = mnl_nlmsg_get_payload(r);

				if (r->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					ans->err = -*e;
				return 0;
			}
			if (r->nlmsg_type == family)
				ans->replies++;
		}
	}
}

static struct nlmsghdr *request(char *buf, uint16_t type, uint16_t flags,
				uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
}

/* the family's id, or 0 */
static uint16_t resolve(void)
{
	static char buf[BUFSZ];
	struct nlmsghdr *nlh;
	uint16_t id = 0;
	ssize_t n;

	nlh = request(buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		      CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DLM_RECOVER_GENL_NAME);
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return 0;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, (size_t)n, seq,
				   mnl_socket_get_portid(nl), family_cb, &id);

		if (r <= MNL_CB_STOP)
			break;
	}
	return id;
}

static const char *errname(int err)
{
	switch (err) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	default: return strerror(err);
	}
}

/*
 * One probe: NAME, the request built by BUILD, the expected errno and
 * extack message ("" for any, NULL for none); a dump also wants at least
 * one reply (every boot of the lab has lockspaces).
 */
struct probe {
	const char *name;
	uint16_t flags;
	uint8_t cmd;
	uint8_t reserved;
	bool with_name;		/* DLM_RECOVER_A_LS_NAME = NOSUCH */
	int extra_attr;		/* a further attribute type, 0: none */
	int want_err;
	const char *want_msg;
};

static const struct probe probes[] = {
	{ "get-nosuch", NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_GET, 0,
	  true, 0, ENOENT, "no such lockspace" },
	{ "get-reserved", NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_GET, 1,
	  true, 0, EINVAL, "genlmsghdr.reserved field is not 0" },
	/* NLM_F_ROOT without NLM_F_MATCH: half of NLM_F_DUMP */
	{ "get-flags", NLM_F_REQUEST | NLM_F_ACK | NLM_F_ROOT,
	  DLM_RECOVER_CMD_GET, 0, true, 0, EINVAL,
	  "ambiguous or reserved bits set in nlmsg_flags" },
	{ "dump-reserved", NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
	  DLM_RECOVER_CMD_GET, 1, false, 0, EINVAL,
	  "genlmsghdr.reserved field is not 0" },
	{ "get-reply-attr", NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_GET, 0,
	  true, DLM_RECOVER_A_LAST, EINVAL, "Unknown attribute type" },
	{ "get-noname", NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_GET, 0,
	  false, 0, EINVAL, "" },
	{ "prep-request", NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_PREP, 0,
	  true, 0, EOPNOTSUPP, "" },
	{ "dump", NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, DLM_RECOVER_CMD_GET,
	  0, false, 0, 0, NULL },
};

static bool run_probe(const struct probe *p)
{
	static char buf[BUFSZ];
	struct nlmsghdr *nlh;
	bool dump = (p->flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct answer ans;
	bool ok;

	nlh = request(buf, family, p->flags, p->cmd, DLM_RECOVER_GENL_VERSION);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->reserved =
		p->reserved;
	if (p->with_name)
		mnl_attr_put_strz(nlh, DLM_RECOVER_A_LS_NAME, NOSUCH);
	if (p->extra_attr)
		mnl_attr_put_u32(nlh, (uint16_t)p->extra_attr, 0);
	if (exchange(nlh, &ans) < 0) {
		printf("%s: FAIL: socket: %s\n", p->name, strerror(errno));
		return false;
	}
	ok = ans.err == p->want_err &&
	     (!p->want_msg || !*p->want_msg || !strcmp(ans.msg, p->want_msg)) &&
	     (p->want_err || !dump || ans.replies > 0);
	printf("%s: %s: %s '%s'", p->name, ok ? "ok" : "FAIL",
	       errname(ans.err), ans.msg);
	if (dump)
		printf(", %d replies", ans.replies);
	if (!ok)
		printf(" (expected %s%s%s%s)", errname(p->want_err),
		       p->want_msg && *p->want_msg ? " '" : "",
		       p->want_msg && *p->want_msg ? p->want_msg : "",
		       p->want_msg && *p->want_msg ? "'" : "");
	printf("\n");
	return ok;
}

static int strict(void)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		bad += !run_probe(&probes[i]);
	return bad ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int hammer(double seconds, int nnames, char **names)
{
	static char buf[BUFSZ];
	long dumps = 0, listed = 0, gets = 0, found = 0, enoent = 0, bad = 0;
	double end = now() + seconds;
	struct nlmsghdr *nlh;
	struct answer ans;
	int i;

	while (now() < end) {
		nlh = request(buf, family, NLM_F_REQUEST | NLM_F_DUMP,
			      DLM_RECOVER_CMD_GET, DLM_RECOVER_GENL_VERSION);
		if (exchange(nlh, &ans) < 0 || ans.err) {
			if (!bad++)
				printf("hammer: dump: %s '%s'\n",
				       errname(ans.err ? ans.err : errno), ans.msg);
		} else {
			dumps++;
			listed += ans.replies;
		}
		for (i = 0; i < nnames; i++) {
			nlh = request(buf, family, NLM_F_REQUEST | NLM_F_ACK,
				      DLM_RECOVER_CMD_GET,
				      DLM_RECOVER_GENL_VERSION);
			mnl_attr_put_strz(nlh, DLM_RECOVER_A_LS_NAME, names[i]);
			gets++;
			if (exchange(nlh, &ans) == 0 && !ans.err &&
			    ans.replies == 1) {
				found++;
			} else if (ans.err == ENOENT) {
				enoent++;
			} else if (!bad++) {
				printf("hammer: get %s: %s '%s', %d replies\n",
				       names[i], errname(ans.err), ans.msg,
				       ans.replies);
			}
		}
	}
	printf("hammer: %ld dumps (%ld lockspaces listed), %ld gets (%ld found, %ld ENOENT), %ld other answers\n",
	       dumps, listed, gets, found, enoent, bad);
	return bad ? 1 : 0;
}

#define DUMP_MAX 512		/* lockspaces a dump may list here */
#define LSNAME_SIZE 65		/* a lockspace name (at most 64) and its NUL */

/* the lockspace name of a GET reply, "" if none */
static int name_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == DLM_RECOVER_A_LS_NAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(data, LSNAME_SIZE, "%s",
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/*
 * One slow dump on socket @s, which must never have read with a buffer
 * larger than 4 KiB (the kernel sizes a dump's parts by the largest read
 * of the socket so far); returns 0, or -1 with a line printed on an
 * error.
 */
static int slow_dump(struct mnl_socket *s, char names[][LSNAME_SIZE],
		     int *n, bool *intr, int *parts)
{
	static char buf[4096];
	const struct timespec pause = { 0, 2000000 };
	uint32_t portid = mnl_socket_get_portid(s);
	struct nlmsghdr *nlh;

	*n = 0;
	*intr = false;
	*parts = 0;
	nlh = request(buf, family, NLM_F_REQUEST | NLM_F_DUMP,
		      DLM_RECOVER_CMD_GET, DLM_RECOVER_GENL_VERSION);
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) {
		printf("dumps: send: %s\n", strerror(errno));
		return -1;
	}
	for (;;) {
		const struct nlmsghdr *r;
		ssize_t got;
		int len;

		got = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (got < 0) {
			/* ENOSPC: a part larger than buf (MSG_TRUNC) */
			printf("dumps: recv: %s\n", strerror(errno));
			return -1;
		}
		(*parts)++;
		len = (int)got;
		for (r = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(r, len);
		     r = mnl_nlmsg_next(r, &len)) {
			if (r->nlmsg_seq != seq || r->nlmsg_pid != portid)
				continue;
			if (r->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (r->nlmsg_type == NLMSG_DONE) {
				const int *e = mnl_nlmsg_get_payload(r);

				if (r->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *e) {
					printf("dumps: dump ended with %s\n",
					       errname(-*e));
					return -1;
				}
				return 0;
			}
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);

				printf("dumps: dump: %s\n", errname(-e->error));
				return -1;
			}
			if (r->nlmsg_type != family)
				continue;
			if (*n == DUMP_MAX) {
				printf("dumps: more than %d lockspaces\n", DUMP_MAX);
				return -1;
			}
			names[*n][0] = 0;
			mnl_attr_parse(r, sizeof(struct genlmsghdr), name_attr,
				       names[*n]);
			(*n)++;
		}
		nanosleep(&pause, NULL);
	}
}

static int dumps(double seconds, int nnames, char **want)
{
	static char names[DUMP_MAX][LSNAME_SIZE];
	long total = 0, multi = 0, marked = 0, twice = 0, missing = 0;
	long bad = 0, listed = 0;
	double end = now() + seconds;
	struct mnl_socket *s;
	bool intr;
	int n, parts, i, j;

	/* a socket of its own: nl read the family's id with a large buffer */
	s = mnl_socket_open(NETLINK_GENERIC);
	if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlprobe: netlink socket");
		return 2;
	}
	while (now() < end) {
		if (slow_dump(s, names, &n, &intr, &parts) < 0) {
			bad++;
			break;
		}
		total++;
		listed += n;
		multi += parts > 2;	/* the last part may be DONE alone */
		marked += intr;
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (!strcmp(names[i], names[j])) {
					if (!twice++)
						printf("dumps: dump %ld lists %s twice%s\n",
						       total, names[i],
						       intr ? " (marked)" : "");
				}
		for (i = 0; i < nnames; i++) {
			for (j = 0; j < n && strcmp(want[i], names[j]); j++)
				;
			if (j == n && !missing++)
				printf("dumps: dump %ld misses %s%s\n", total,
				       want[i], intr ? " (marked)" : "");
		}
	}
	mnl_socket_close(s);
	printf("dumps: %ld dumps (%ld lockspaces listed, %ld in several parts, %ld marked NLM_F_DUMP_INTR), %ld repeats, %ld missing, %ld errors\n",
	       total, listed, multi, marked, twice, missing, bad);
	if (!marked && !twice && !missing && !bad)
		printf("dumps: no dump was marked: the list did not change during one, nothing shown\n");
	return twice || missing || bad || !marked ? 1 : 0;
}

/* ------------------------------------------------------------- fuzz */

#define MAXNAMES 64
#define WAIT_MS 20000		/* no answer this long: a hang */

static struct {
	long msgs, sends, seen, none, ack, reply, churn_found, churn_enoent;
	long dumps, listed, multipart, ctrl_dumps, errs[256], other, wrong;
} st;
static long batchno;
static const struct nlfz_batch *cur;

static void hexdump(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x%s", p[i], i + 1 == n || i % 32 == 31 ? "\n" : " ");
}

static void wrong(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void wrong(const char *fmt, ...)
{
	va_list ap;

	if (st.wrong++ < 10) {
		printf("fuzz: FAIL: batch %ld: ", batchno);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		if (cur && st.wrong == 1) {
			printf("fuzz: the batch (%zu bytes):\n", cur->len);
			hexdump(cur->buf, cur->len);
		}
	}
}

/* attributes in [p, p + len): each whole, each type 1..max at most once
 * (but @multi, a repeated attribute), nothing left over; tb[type] the
 * attribute (the last @multi) */
static const char *walk(const unsigned char *p, int len, int max, int multi,
			const struct nlattr **tb)
{
	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return "an attribute's length";
		if (t == 0 || t > max)
			return "an unknown attribute";
		if (tb[t] && t != multi)
			return "an attribute twice";
		tb[t] = a;
		p += NLA_ALIGN(a->nla_len);
		len -= NLA_ALIGN(a->nla_len);
	}
	return len ? "bytes after the attributes" : NULL;
}

static int plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static const unsigned char *pdata(const struct nlattr *a)
{
	return (const unsigned char *)a + NLA_HDRLEN;
}

/* a "uint" (NLA_UINT): four or eight bytes */
static bool is_uint(const struct nlattr *a)
{
	return a && (plen(a) == 4 || plen(a) == 8);
}

/* the slot table in [p, p + len) (walk() checked the attributes): each
 * @type attribute a nest of a u32 SLOT_NODEID and an s32 SLOT_SLOT */
static const char *slot_list(const unsigned char *p, int len, int type,
			     int *count)
{
	*count = 0;
	while (len >= NLA_HDRLEN) {
		const struct nlattr *e = (const struct nlattr *)p, *tb[3];
		const char *why;

		p += NLA_ALIGN(e->nla_len);
		len -= NLA_ALIGN(e->nla_len);
		if ((e->nla_type & NLA_TYPE_MASK) != type)
			continue;
		if (!(e->nla_type & NLA_F_NESTED))
			return "a slot table entry without NLA_F_NESTED";
		why = walk(pdata(e), plen(e), DLM_RECOVER_A_SLOT_MAX, 0, tb);
		if (why)
			return why;
		if (!tb[DLM_RECOVER_A_SLOT_NODEID] || !tb[DLM_RECOVER_A_SLOT_SLOT] ||
		    plen(tb[DLM_RECOVER_A_SLOT_NODEID]) != 4 ||
		    plen(tb[DLM_RECOVER_A_SLOT_SLOT]) != 4)
			return "a slot entry without a u32 nodeid and an s32 slot";
		(*count)++;
	}
	return NULL;
}

/* a GET reply (do or dump part): well-formed, every attribute; its name */
static const char *check_ls(const struct nlmsghdr *a, char *name, size_t sz)
{
	static const int size[DLM_RECOVER_A_MAX + 1] = {
		[DLM_RECOVER_A_LS_ID] = 4, [DLM_RECOVER_A_GENERATION] = 4,
		[DLM_RECOVER_A_OUR_SLOT] = 4, [DLM_RECOVER_A_MEMBERS] = 4,
		[DLM_RECOVER_A_STATE] = 4, [DLM_RECOVER_A_OPS] = 4,
	};
	const struct nlattr *tb[DLM_RECOVER_A_MAX + 1];
	const struct nlattr *lt[DLM_RECOVER_A_LAST_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(a);
	const unsigned char *attrs = (const unsigned char *)g + GENL_HDRLEN;
	int alen = (int)a->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const char *why;
	int t, n, nlen;
	uint32_t v, members;

	if (a->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return "a reply shorter than its genlmsghdr";
	if (g->cmd != DLM_RECOVER_CMD_GET || g->version != DLM_RECOVER_GENL_VERSION ||
	    g->reserved)
		return "a reply's genlmsghdr (cmd, version, reserved)";
	why = walk(attrs, alen, DLM_RECOVER_A_MAX, DLM_RECOVER_A_MEMBER, tb);
	if (why)
		return why;
	for (t = 1; t <= DLM_RECOVER_A_MAX; t++) {
		bool nest = t == DLM_RECOVER_A_MEMBER || t == DLM_RECOVER_A_LAST;

		if (t == DLM_RECOVER_A_NODEID || t == DLM_RECOVER_A_SLOT) {
			if (tb[t])
				return "an event's attribute in a GET reply";
			continue;
		}
		if (t == DLM_RECOVER_A_MEMBER)
			continue; /* none when there are no members: below */
		if (!tb[t])
			return "an attribute missing";
		if (!nest != !(tb[t]->nla_type & NLA_F_NESTED))
			return "NLA_F_NESTED wrong";
		if (size[t] && plen(tb[t]) != size[t])
			return "an attribute of the wrong size";
	}
	if (!is_uint(tb[DLM_RECOVER_A_SEQ]) || !is_uint(tb[DLM_RECOVER_A_TIME_NS]) ||
	    !is_uint(tb[DLM_RECOVER_A_MONO_NS]))
		return "SEQ, TIME_NS or MONO_NS not a uint of 4 or 8 bytes";
	nlen = plen(tb[DLM_RECOVER_A_LS_NAME]);
	if (nlen < 2 || nlen > 64 + 1 ||
	    pdata(tb[DLM_RECOVER_A_LS_NAME])[nlen - 1] ||
	    (int)strlen((const char *)pdata(tb[DLM_RECOVER_A_LS_NAME])) != nlen - 1)
		return "LS_NAME not a NUL-terminated name of 1-64 bytes";
	snprintf(name, sz, "%s", (const char *)pdata(tb[DLM_RECOVER_A_LS_NAME]));
	memcpy(&v, pdata(tb[DLM_RECOVER_A_STATE]), 4);
	if (v < DLM_RECOVER_STATE_RUNNING || v > DLM_RECOVER_STATE_RECOVERING)
		return "STATE out of range";
	memcpy(&v, pdata(tb[DLM_RECOVER_A_OPS]), 4);
	if (v > 1)
		return "OPS neither 0 nor 1";
	why = slot_list(attrs, alen, DLM_RECOVER_A_MEMBER, &n);
	if (why)
		return why;
	memcpy(&members, pdata(tb[DLM_RECOVER_A_MEMBERS]), 4);
	if (members != (uint32_t)n)
		return "MEMBERS is not the number of MEMBER entries";
	why = walk(pdata(tb[DLM_RECOVER_A_LAST]), plen(tb[DLM_RECOVER_A_LAST]),
		   DLM_RECOVER_A_LAST_MAX, DLM_RECOVER_A_LAST_FAILED, lt);
	if (why)
		return why;
	if (!is_uint(lt[DLM_RECOVER_A_LAST_START_NS]) ||
	    !is_uint(lt[DLM_RECOVER_A_LAST_DONE_NS]) ||
	    !is_uint(lt[DLM_RECOVER_A_LAST_START_MONO_NS]) ||
	    !is_uint(lt[DLM_RECOVER_A_LAST_DONE_MONO_NS]) ||
	    !lt[DLM_RECOVER_A_LAST_GENERATION] || plen(lt[DLM_RECOVER_A_LAST_GENERATION]) != 4 ||
	    !lt[DLM_RECOVER_A_LAST_TRUNCATED] || plen(lt[DLM_RECOVER_A_LAST_TRUNCATED]) != 4)
		return "LAST without its attributes";
	why = slot_list(pdata(tb[DLM_RECOVER_A_LAST]), plen(tb[DLM_RECOVER_A_LAST]),
			DLM_RECOVER_A_LAST_FAILED, &n);
	if (why)
		return why;
	if (n > 32)
		return "LAST_FAILED with more than 32 entries";
	return NULL;
}

/* extack TLVs after an error or DONE: whole, a NUL-terminated message */
static const char *check_tlvs(const struct nlmsghdr *a, size_t off)
{
	/* any type: a newer kernel may know more than these headers */
	const struct nlattr *tb[64];
	const char *why;

	if (!(a->nlmsg_flags & NLM_F_ACK_TLVS))
		return a->nlmsg_len == NLMSG_ALIGN(off) || a->nlmsg_len == off ?
		       NULL : "bytes after an error without NLM_F_ACK_TLVS";
	if (a->nlmsg_len < off)
		return "an error shorter than its header";
	why = walk((const unsigned char *)a + NLMSG_ALIGN(off),
		   (int)a->nlmsg_len - (int)NLMSG_ALIGN(off), 63, 0, tb);
	if (why)
		return why;
	if (tb[NLMSGERR_ATTR_MSG] &&
	    (plen(tb[NLMSGERR_ATTR_MSG]) < 1 ||
	     pdata(tb[NLMSGERR_ATTR_MSG])[plen(tb[NLMSGERR_ATTR_MSG]) - 1]))
		return "an extack message without its NUL";
	return NULL;
}

/* an NLMSG_ERROR answering E: well-formed; its errno in *err */
static const char *check_error(const struct nlmsghdr *a,
			       const struct nlfz_expect *e, int *err)
{
	const struct nlmsgerr *m = mnl_nlmsg_get_payload(a);

	if (a->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return "an error shorter than struct nlmsgerr";
	if (m->error > 0 || m->error < -4095)
		return "an error's errno out of range";
	*err = -m->error;
	/* NETLINK_CAP_ACK: the request's header, not its payload */
	if (!(a->nlmsg_flags & NLM_F_CAPPED))
		return "an error without NLM_F_CAPPED (NETLINK_CAP_ACK is on)";
	if (m->msg.nlmsg_seq != e->seq || m->msg.nlmsg_type != e->type ||
	    m->msg.nlmsg_flags != e->flags)
		return "an error quoting another request's header";
	return check_tlvs(a, NLMSG_HDRLEN + sizeof(*m));
}

/* one request of a batch and what it got so far */
struct pend {
	struct nlfz_expect e;
	int state;		/* 0 waiting, 1 reply in (ack due), 2 done */
	int parts;		/* dump: datagrams with replies */
	int seen[MAXNAMES];	/* dump: how often each existing name */
	long datagram;		/* dump: the last datagram with a reply */
	bool sentinel;		/* ours, not the batch's: not counted */
};

static const char *kind_name(const struct nlfz_expect *e)
{
	static char b[64];

	switch (e->kind) {
	case NLFZ_NONE: return "no answer";
	case NLFZ_ACK: return "an ack";
	case NLFZ_DO: return e->maybe ? "a GET reply or ENOENT" : "a GET reply";
	case NLFZ_DUMP: return "a dump";
	case NLFZ_CTRL_DUMP: return "an nlctrl dump";
	case NLFZ_ERROR:
		snprintf(b, sizeof(b), "error %s", e->err > 0 ? errname(e->err) : "?");
		return b;
	}
	return "?";
}

static void answer_desc(const struct nlmsghdr *a, char *b, size_t sz)
{
	if (a->nlmsg_type == NLMSG_ERROR &&
	    a->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
		const struct nlmsgerr *m = mnl_nlmsg_get_payload(a);

		snprintf(b, sz, "NLMSG_ERROR %s (seq %u)",
			 m->error ? errname(-m->error) : "0 (ack)", a->nlmsg_seq);
	} else {
		snprintf(b, sz, "type %u flags 0x%x seq %u len %u",
			 a->nlmsg_type, a->nlmsg_flags, a->nlmsg_seq, a->nlmsg_len);
	}
}

static struct nlfz_config fcfg;
static uint32_t portid;

static void count_err(int err)
{
	if (err > 0 && err < 256)
		st.errs[err]++;
	else
		st.other++;
}

/* a dump's end (NLMSG_DONE): error 0; a single-part dump listed every
 * existing lockspace exactly once */
static void dump_done(struct pend *p, const struct nlmsghdr *a)
{
	const char *why;
	int i;

	if (a->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) {
		wrong("%s: NLMSG_DONE shorter than its errno", p->e.why);
	} else if (*(const int *)mnl_nlmsg_get_payload(a)) {
		wrong("%s: NLMSG_DONE with error %d", p->e.why,
		      *(const int *)mnl_nlmsg_get_payload(a));
	} else if ((why = check_tlvs(a, NLMSG_HDRLEN + sizeof(int)))) {
		wrong("%s: NLMSG_DONE: %s", p->e.why, why);
	} else if (!(a->nlmsg_flags & NLM_F_MULTI)) {
		wrong("%s: NLMSG_DONE without NLM_F_MULTI", p->e.why);
	}
	p->state = 2;
	if (p->e.kind == NLFZ_CTRL_DUMP) {
		st.ctrl_dumps++;
		return;
	}
	st.dumps++;
	if (p->parts > 1)
		st.multipart++;
	for (i = 0; i < fcfg.nexist; i++) {
		if (p->seen[i] == 1 || (p->parts > 1 && p->seen[i] <= 2))
			continue;
		wrong("%s: lockspace %s listed %d times (%d parts)", p->e.why,
		      fcfg.exist[i], p->seen[i], p->parts);
	}
}

/* a reply of a dump */
static void dump_reply(struct pend *p, const struct nlmsghdr *a, long dgram)
{
	char name[80];
	const char *why;
	int i;

	if (dgram != p->datagram) {
		p->parts++;
		p->datagram = dgram;
	}
	if (p->e.kind == NLFZ_CTRL_DUMP) {
		if (a->nlmsg_type != fcfg.ctrl)
			wrong("nlctrl dump: a reply of type %u", a->nlmsg_type);
		return;
	}
	if (a->nlmsg_type != fcfg.family) {
		wrong("dump: a reply of type %u", a->nlmsg_type);
		return;
	}
	why = check_ls(a, name, sizeof(name));
	if (why) {
		wrong("dump: a malformed reply: %s", why);
		return;
	}
	st.listed++;
	for (i = 0; i < fcfg.nexist; i++)
		if (!strcmp(fcfg.exist[i], name))
			break;
	if (i < fcfg.nexist)
		p->seen[i]++;
	else if (!fcfg.churn || strncmp(name, fcfg.churn, strlen(fcfg.churn)))
		wrong("dump: lists lockspace '%s', neither existing nor churned", name);
}

/* the next answer of a request that is not an open dump's */
static void answer(struct pend *p, const struct nlmsghdr *a, long dgram)
{
	char desc[96], name[80];
	const char *why;
	int err;

	answer_desc(a, desc, sizeof(desc));
	switch (p->e.kind) {
	case NLFZ_NONE:
		break;
	case NLFZ_ACK:
	case NLFZ_ERROR:
		if (a->nlmsg_type != NLMSG_ERROR)
			break;
		if ((why = check_error(a, &p->e, &err))) {
			wrong("%s: %s", p->e.why, why);
			p->state = 2;
			return;
		}
		if (err != (p->e.kind == NLFZ_ACK ? 0 : p->e.err))
			break;
		if (p->sentinel)
			;
		else if (err)
			count_err(err);
		else
			st.ack++;
		p->state = 2;
		return;
	case NLFZ_DO:
		if (p->state == 1) {
			if (a->nlmsg_type != NLMSG_ERROR || check_error(a, &p->e, &err) ||
			    err)
				break;
			p->state = 2;
			return;
		}
		if (a->nlmsg_type == NLMSG_ERROR && p->e.maybe &&
		    !check_error(a, &p->e, &err) && err == ENOENT) {
			st.churn_enoent++;
			p->state = 2;
			return;
		}
		if (a->nlmsg_type != fcfg.family || (a->nlmsg_flags & NLM_F_MULTI))
			break;
		if ((why = check_ls(a, name, sizeof(name)))) {
			wrong("%s '%s': a malformed reply: %s", p->e.why, p->e.name, why);
		} else if (strcmp(name, p->e.name)) {
			wrong("%s '%s': the reply is lockspace '%s'", p->e.why,
			      p->e.name, name);
		}
		if (p->e.maybe)
			st.churn_found++;
		else
			st.reply++;
		p->state = p->e.ack ? 1 : 2;
		return;
	case NLFZ_DUMP:
	case NLFZ_CTRL_DUMP:
		if (!(a->nlmsg_flags & NLM_F_MULTI) || a->nlmsg_type == NLMSG_ERROR)
			break;
		/* its first part: open (state 1) until its NLMSG_DONE */
		p->state = 1;
		if (a->nlmsg_type == NLMSG_DONE)
			dump_done(p, a);
		else
			dump_reply(p, a, dgram);
		return;
	}
	wrong("%s (%s) wanted %s%s, got %s", p->e.why, p->e.name[0] ? p->e.name : "-",
	      kind_name(&p->e), p->state == 1 ? " (its ack)" : "", desc);
	p->state = 2;
}

static const char SENTINEL[] = "nlfz-nosuch-sentinel";

/*
 * Send batch B, then a GET of no lockspace (ENOENT), the sentinel: the
 * kernel answers a send's requests before it returns, so once the
 * sentinel's answer is in, every request of B has all its answers in but
 * the rest of a dump (which goes on as it is read): read that to its end.
 */
static int run_batch(const struct nlfz_batch *b)
{
	static struct pend pend[NLFZ_MAXMSG + 1];
	static struct nlfz_expect ex[NLFZ_MAXMSG];
	static char rbuf[65536];
	char sbuf[256];
	struct nlmsghdr *nlh;
	int n, i, next = 0, dump = -1;
	long dgram = 0;

	n = nlfz_expect(&fcfg, b->buf, b->len, ex, NLFZ_MAXMSG);
	if (n == NLFZ_MAXMSG) {
		wrong("the generator made a batch of %d or more requests", n);
		return -1;
	}
	memset(pend, 0, sizeof(pend));
	for (i = 0; i < n; i++) {
		pend[i].e = ex[i];
		pend[i].datagram = -1;
		if (ex[i].kind == NLFZ_NONE) {
			pend[i].state = 2;
			st.none++;
		}
		if (ex[i].kind == NLFZ_ERROR && ex[i].err < 0) {
			wrong("oracle: %s", ex[i].why);
			return -1;
		}
	}
	nlh = request(sbuf, fcfg.family, NLM_F_REQUEST | NLM_F_ACK,
		      DLM_RECOVER_CMD_GET, DLM_RECOVER_GENL_VERSION);
	mnl_attr_put_strz(nlh, DLM_RECOVER_A_LS_NAME, SENTINEL);
	nlh->nlmsg_seq = ++seq;
	pend[n].e.seq = seq;
	pend[n].e.type = nlh->nlmsg_type;
	pend[n].e.flags = nlh->nlmsg_flags;
	pend[n].e.kind = NLFZ_ERROR;
	pend[n].e.err = ENOENT;
	pend[n].e.why = "the sentinel (GET of no lockspace)";
	pend[n].sentinel = true;
	snprintf(pend[n].e.name, sizeof(pend[n].e.name), "%s", SENTINEL);

	st.sends++;
	st.seen += n;
	if (b->len && mnl_socket_sendto(nl, b->buf, b->len) < 0) {
		wrong("send of %zu bytes: %s", b->len, strerror(errno));
		return -1;
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		wrong("send of the sentinel: %s", strerror(errno));
		return -1;
	}
	while (pend[n].state != 2 || dump >= 0) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		const struct nlmsghdr *a;
		ssize_t got;
		int len;

		if (poll(&pfd, 1, WAIT_MS) != 1) {
			wrong("no answer within %d s (waiting for %s)", WAIT_MS / 1000,
			      pend[n].state == 2 ? "the end of a dump" :
			      "the sentinel's answer");
			return -1;
		}
		got = recv(pfd.fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			wrong("recv: %s", strerror(errno));
			return -1;
		}
		dgram++;
		len = (int)got;
		for (a = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(a, len);
		     a = mnl_nlmsg_next(a, &len)) {
			char desc[96];

			if (a->nlmsg_pid != portid) {
				wrong("an answer to port %u, not %u", a->nlmsg_pid, portid);
				continue;
			}
			/* the rest of the open dump */
			if (dump >= 0 && a->nlmsg_seq == pend[dump].e.seq &&
			    ((a->nlmsg_flags & NLM_F_MULTI) || a->nlmsg_type == NLMSG_DONE)) {
				if (a->nlmsg_type == NLMSG_DONE)
					dump_done(&pend[dump], a);
				else
					dump_reply(&pend[dump], a, dgram);
				if (pend[dump].state == 2)
					dump = -1;
				continue;
			}
			/* else the next answer, in the order of the requests */
			while (next <= n && pend[next].state == 2)
				next++;
			answer_desc(a, desc, sizeof(desc));
			if (next > n) {
				wrong("an answer after the sentinel's: %s", desc);
				continue;
			}
			if (a->nlmsg_seq != pend[next].e.seq) {
				wrong("%s (%s) wanted %s%s, got %s: none, or out of order",
				      pend[next].e.why,
				      pend[next].e.name[0] ? pend[next].e.name : "-",
				      kind_name(&pend[next].e),
				      pend[next].state == 1 ? " (its ack)" : "", desc);
				return -1;
			}
			answer(&pend[next], a, dgram);
			if ((pend[next].e.kind == NLFZ_DUMP ||
			     pend[next].e.kind == NLFZ_CTRL_DUMP) &&
			    pend[next].state == 1) {
				/* its first part: the rest comes as it is read */
				if (dump >= 0) {
					wrong("two dumps running on one socket");
					return -1;
				}
				dump = next++;
			}
		}
		if (len > 0)
			wrong("%d bytes of a datagram that are no message", len);
	}
	return st.wrong ? -1 : 0;
}

/* the lockspaces a dump lists now; -1 if it fails */
static int list_names(char names[][80], int max)
{
	static char buf[65536];
	struct nlmsghdr *nlh;
	int n = 0, i;
	bool done = false;

	nlh = request(buf, family, NLM_F_REQUEST | NLM_F_DUMP,
		      DLM_RECOVER_CMD_GET, DLM_RECOVER_GENL_VERSION);
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while (!done) {
		const struct nlmsghdr *a;
		ssize_t got = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int len = (int)got;

		if (got < 0)
			return -1;
		for (a = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(a, len);
		     a = mnl_nlmsg_next(a, &len)) {
			if (a->nlmsg_seq != seq)
				continue;
			if (a->nlmsg_type == NLMSG_DONE || a->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (a->nlmsg_type != family || n >= max ||
			    check_ls(a, names[n], sizeof(names[n])))
				continue;
			/* a lockspace created between a dump's parts moves
			 * the others on: one can be listed twice */
			for (i = 0; i < n && strcmp(names[i], names[n]); i++)
				;
			if (i == n)
				n++;
		}
	}
	return n;
}

static int fuzz(long count, uint64_t seedv, const char *churn, int nnames,
		char **names)
{
	static char now_names[MAXNAMES][80], exist_buf[MAXNAMES][80];
	static const char *exist[MAXNAMES];
	static struct nlfz_batch b;
	struct nlfz_rng rng;
	struct utsname u;
	int maj = 0, min = 0, i, j, n, nexist = 0, rc = 0;
	uint32_t fseq = 1u << 20;	/* the generator's, apart from ours */
	double t0, t;

	uname(&u);
	if (sscanf(u.release, "%d.%d", &maj, &min) != 2) {
		fprintf(stderr, "nlprobe: fuzz: kernel release '%s'?\n", u.release);
		return 2;
	}
	/* the lockspaces there now, but the churned ones, must stay */
	n = list_names(now_names, MAXNAMES);
	if (n < 0) {
		fprintf(stderr, "nlprobe: fuzz: the first dump failed: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (churn && !strncmp(now_names[i], churn, strlen(churn)))
			continue;
		memcpy(exist_buf[nexist], now_names[i], sizeof(exist_buf[nexist]));
		exist[nexist] = exist_buf[nexist];
		nexist++;
	}
	for (i = 0; i < nnames; i++) {
		for (j = 0; j < nexist && strcmp(exist[j], names[i]); j++)
			;
		if (j == nexist) {
			fprintf(stderr, "nlprobe: fuzz: no lockspace %s\n", names[i]);
			return 2;
		}
	}
	if (!nexist) {
		fprintf(stderr, "nlprobe: fuzz: needs a lockspace that stays (there is none but churned ones)\n");
		return 2;
	}
	fcfg.family = family;
	fcfg.ctrl = GENL_ID_CTRL;
	fcfg.dump_parses = maj < 6 || (maj == 6 && min < 2);
	fcfg.exist = exist;
	fcfg.nexist = nexist;
	fcfg.churn = churn;
	portid = mnl_socket_get_portid(nl);

	nlfz_seed(&rng, seedv);
	t0 = now();
	while (st.msgs < count) {
		batchno++;
		nlfz_generate(&rng, &fcfg, &fseq, &b);
		cur = &b;
		st.msgs += b.nmsg;
		if (run_batch(&b) < 0) {
			rc = 1;
			break;
		}
	}
	cur = NULL;
	t = now() - t0;
	for (i = 1; i < 256; i++)
		if (i != ENOENT && i != EINVAL && i != ERANGE && i != EOPNOTSUPP &&
		    i != EBUSY)
			st.other += st.errs[i];
	/* afterwards: every lockspace that was to stay is listed and found */
	if (!rc) {
		n = list_names(now_names, MAXNAMES);
		for (i = 0; i < nexist; i++) {
			static char buf[BUFSZ];
			struct nlmsghdr *nlh;
			struct answer ans;

			for (j = 0; j < n && strcmp(now_names[j], exist[i]); j++)
				;
			if (j == n)
				wrong("after: a dump does not list %s", exist[i]);
			nlh = request(buf, family, NLM_F_REQUEST | NLM_F_ACK,
				      DLM_RECOVER_CMD_GET, DLM_RECOVER_GENL_VERSION);
			mnl_attr_put_strz(nlh, DLM_RECOVER_A_LS_NAME, exist[i]);
			if (exchange(nlh, &ans) < 0 || ans.err || ans.replies != 1)
				wrong("after: GET %s: %s, %d replies", exist[i],
				      errname(ans.err), ans.replies);
		}
		if (st.wrong)
			rc = 1;
	}
	printf("fuzz: seed %llu, %s %s: %ld messages in %ld sends (%ld seen by the kernel) in %.1f s, %.0f/s; "
	       "answers: none %ld, ack %ld, GET reply %ld, churned GET %ld found %ld ENOENT, "
	       "dump %ld (%ld lockspaces, %ld multi-part), nlctrl dump %ld, "
	       "ENOENT %ld, EINVAL %ld, ERANGE %ld, EOPNOTSUPP %ld, EBUSY %ld, other %ld; "
	       "%d lockspaces kept; wrong %ld\n",
	       (unsigned long long)seedv, u.release, getuid() ? "user" : "root",
	       st.msgs, st.sends, st.seen, t, t > 0 ? st.msgs / t : 0.0,
	       st.none, st.ack, st.reply, st.churn_found, st.churn_enoent,
	       st.dumps, st.listed, st.multipart, st.ctrl_dumps,
	       st.errs[ENOENT], st.errs[EINVAL], st.errs[ERANGE],
	       st.errs[EOPNOTSUPP], st.errs[EBUSY],
	       st.other, nexist, st.wrong);
	if (rc)
		printf("fuzz: FAILED at batch %ld: replay with nlprobe fuzz %ld %llu\n",
		       batchno, count, (unsigned long long)seedv);
	return rc;
}

static bool number(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !*end && !errno && *v <= max;
}

int main(int argc, char **argv)
{
	unsigned long long count = 0, fseed = 0;
	const char *churn = NULL;
	int one = 1, rcvbuf = 1 << 20, first = 4;

	if (argc < 2 || (strcmp(argv[1], "strict") && strcmp(argv[1], "hammer") &&
			 strcmp(argv[1], "dumps") && strcmp(argv[1], "fuzz"))) {
		fprintf(stderr, "usage: nlprobe strict | hammer SECONDS [NAME...] | dumps SECONDS NAME... | fuzz COUNT SEED [--churn PREFIX] [NAME...]\n");
		return 2;
	}
	if ((!strcmp(argv[1], "hammer") || !strcmp(argv[1], "dumps")) &&
	    (argc < 3 || atof(argv[2]) <= 0)) {
		fprintf(stderr, "nlprobe: %s: SECONDS must be a number above 0\n",
			argv[1]);
		return 2;
	}
	if (!strcmp(argv[1], "fuzz")) {
		if (argc < 4 || !number(argv[2], 1000000000ULL, &count) || !count ||
		    !number(argv[3], UINT64_MAX, &fseed)) {
			fprintf(stderr, "nlprobe: fuzz: COUNT (1..1000000000) and SEED (0..2^64-1) wanted, decimal\n");
			return 2;
		}
		if (argc > 4 && !strcmp(argv[4], "--churn")) {
			if (argc < 6 || !*argv[5]) {
				fprintf(stderr, "nlprobe: fuzz: --churn wants a PREFIX\n");
				return 2;
			}
			churn = argv[5];
			first = 6;
		}
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0) {
		perror("nlprobe: netlink socket");
		return 2;
	}
	/* room for a batch's answers (capped by rmem_max: fine) */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	family = resolve();
	if (!family) {
		fprintf(stderr, "nlprobe: no generic netlink family %s\n",
			DLM_RECOVER_GENL_NAME);
		return 2;
	}
	if (!strcmp(argv[1], "hammer"))
		return hammer(atof(argv[2]), argc - 3, argv + 3);
	if (!strcmp(argv[1], "dumps"))
		return dumps(atof(argv[2]), argc - 3, argv + 3);
	if (!strcmp(argv[1], "fuzz"))
		return fuzz((long)count, fseed, churn, argc - first, argv + first);
	return strict();
}
