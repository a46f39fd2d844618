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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "dlm_recover.h"

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

int main(int argc, char **argv)
{
	int one = 1;

	if (argc < 2 || (strcmp(argv[1], "strict") &&
			 ((strcmp(argv[1], "hammer") &&
			   strcmp(argv[1], "dumps")) || argc < 3 ||
			  atof(argv[2]) <= 0))) {
		fprintf(stderr, "usage: nlprobe strict | hammer SECONDS [NAME...] | dumps SECONDS NAME...\n");
		return 2;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0) {
		perror("nlprobe: netlink socket");
		return 2;
	}
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
	return strict();
}
