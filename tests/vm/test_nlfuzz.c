// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The lab's netlink fuzzer without a kernel (tests/vm/nlfuzz.c): the
 * oracle on hand-made messages (what the kernel's netlink_rcv_skb(),
 * genetlink and strict attribute parse answer), the generator's
 * determinism, and that its batches reach every answer class and never
 * address another family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "dlm_recover.h"
#include "nlfuzz.h"

#define FAMILY 0x1a

static int failures;

#define CHECK(c)                                                          \
	do {                                                              \
		if (!(c)) {                                               \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,     \
				__LINE__, #c);                            \
			failures++;                                       \
		}                                                         \
	} while (0)

static const char *const exist[] = { "dlmrex", "gfs0" };
static struct nlfz_config cfg = {
	.family = FAMILY, .ctrl = GENL_ID_CTRL, .exist = exist, .nexist = 2,
	.churn = "fz",
};

static unsigned char buf[4096];
static size_t len;

static size_t msg(uint16_t type, uint16_t flags, uint8_t cmd,
		  uint16_t reserved)
{
	struct nlmsghdr h = { .nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
			      .nlmsg_type = type, .nlmsg_flags = flags,
			      .nlmsg_seq = 100 + (uint32_t)len };
	struct genlmsghdr g = { .cmd = cmd, .version = 1, .reserved = reserved };
	size_t at = len;

	memcpy(buf + len, &h, sizeof(h));
	memcpy(buf + len + NLMSG_HDRLEN, &g, sizeof(g));
	len += NLMSG_HDRLEN + GENL_HDRLEN;
	return at;
}

static void attr(size_t at, uint16_t type, const void *p, uint16_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };
	uint32_t l;

	memcpy(buf + len, &a, sizeof(a));
	memcpy(buf + len + NLA_HDRLEN, p, n);
	memset(buf + len + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	len += NLA_HDRLEN + NLA_ALIGN(n);
	l = (uint32_t)(len - at);
	memcpy(buf + at, &l, 4);
}

static void setlen(size_t at, uint32_t l)
{
	memcpy(buf + at, &l, 4);
}

static struct nlfz_expect ex[NLFZ_MAXMSG];

static int one(void)
{
	return nlfz_expect(&cfg, buf, len, ex, NLFZ_MAXMSG);
}

static void get(const char *name, uint16_t flags)
{
	size_t at;

	len = 0;
	at = msg(FAMILY, flags, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_LS_NAME, name, (uint16_t)(strlen(name) + 1));
}

static void test_oracle(void)
{
	char long65[66], long64[65];
	size_t at;
	uint32_t u = 7;

	get("dlmrex", NLM_F_REQUEST | NLM_F_ACK);
	CHECK(one() == 1 && ex[0].kind == NLFZ_DO && ex[0].ack && !ex[0].maybe &&
	      !strcmp(ex[0].name, "dlmrex") && ex[0].seq == 100);
	get("fz3", NLM_F_REQUEST);
	CHECK(one() == 1 && ex[0].kind == NLFZ_DO && !ex[0].ack && ex[0].maybe);
	get("nosuch", NLM_F_REQUEST);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == ENOENT);
	/* header checks, in the kernel's order */
	len = 0;
	msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_PREP, 1);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	len = 0;
	msg(FAMILY, NLM_F_REQUEST | NLM_F_ROOT, DLM_RECOVER_CMD_GET, 0);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	len = 0;
	msg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_DONE, 0);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EOPNOTSUPP);
	len = 0;
	msg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, DLM_RECOVER_CMD_GET, 0);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL &&
	      !strcmp(ex[0].why, "no LS_NAME"));
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	setlen(at, 18);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	/* the policy */
	get("dlmrex", NLM_F_REQUEST);
	attr(0, DLM_RECOVER_A_LAST, &u, 4);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	get("dlmrex", NLM_F_REQUEST);
	attr(0, DLM_RECOVER_A_MONO_NS, &u, 4);	/* a reply's attribute */
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	get("dlmrex", NLM_F_REQUEST);
	attr(0, 0, &u, 0);			/* type 0 */
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_LS_NAME | NLA_F_NESTED, "dlmrex", 7);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_LS_NAME | NLA_F_NET_BYTEORDER, "dlmrex", 7);
	CHECK(one() == 1 && ex[0].kind == NLFZ_DO);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_LS_NAME, "dlmrex", 6);	/* no NUL */
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_LS_NAME, "gfs0\0garbage", 12);	/* NUL inside */
	CHECK(one() == 1 && ex[0].kind == NLFZ_DO && !strcmp(ex[0].name, "gfs0"));
	memset(long65, 'a', 65);
	long65[65] = '\0';
	memset(long64, 'a', 64);
	long64[64] = '\0';
	/* 65 bytes and a NUL: no NUL in the first 65 bytes, EINVAL */
	get(long65, NLM_F_REQUEST);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	/* a NUL early, but more than 64 bytes not ending in one: ERANGE */
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	memcpy(long65, "gfs0", 5);
	attr(at, DLM_RECOVER_A_LS_NAME, long65, 65);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == ERANGE);
	memset(long65, 'a', 65);
	get(long64, NLM_F_REQUEST);
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == ENOENT);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_LS_NAME, long65, 65);	/* 65 bytes, no NUL */
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	/* two names: the last wins */
	get("nosuch", NLM_F_REQUEST);
	attr(0, DLM_RECOVER_A_LS_NAME, "gfs0", 5);
	CHECK(one() == 1 && ex[0].kind == NLFZ_DO && !strcmp(ex[0].name, "gfs0"));
	/* trailing bytes, an attribute past the end */
	get("dlmrex", NLM_F_REQUEST);
	setlen(0, (uint32_t)len + 4);
	memset(buf + len, 0, 4);
	len += 4;
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	get("dlmrex", NLM_F_REQUEST);
	buf[NLMSG_HDRLEN + GENL_HDRLEN] = 200;
	CHECK(one() == 1 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL);
	/* netlink_rcv_skb() */
	len = 0;
	msg(FAMILY, NLM_F_ACK, DLM_RECOVER_CMD_GET, 0);
	msg(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 0, 0);
	msg(NLMSG_DONE, NLM_F_REQUEST, 0, 0);
	msg(2000, NLM_F_REQUEST, 0, 0);
	CHECK(one() == 4 && ex[0].kind == NLFZ_ACK && ex[1].kind == NLFZ_ACK &&
	      ex[2].kind == NLFZ_NONE && ex[3].kind == NLFZ_ERROR &&
	      ex[3].err == ENOENT);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	setlen(at, 8);			/* the kernel stops there */
	CHECK(one() == 0);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_GET, 0);
	setlen(at, 400);		/* past the end: the same */
	CHECK(one() == 0);
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_PREP, 0);
	setlen(at, 21);			/* unaligned: the next at 24 */
	buf[len++] = 0xee;
	len += 3;
	msg(FAMILY, NLM_F_REQUEST, DLM_RECOVER_CMD_SLOT, 0);
	CHECK(one() == 2 && ex[0].err == EOPNOTSUPP && ex[1].err == EOPNOTSUPP &&
	      ex[1].seq == 124);
	/* dumps: one at a time per socket; 6.1 parses their attributes */
	len = 0;
	at = msg(FAMILY, NLM_F_REQUEST | NLM_F_DUMP, DLM_RECOVER_CMD_GET, 0);
	attr(at, DLM_RECOVER_A_SEQ, &u, 4);
	msg(FAMILY, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, DLM_RECOVER_CMD_GET, 0);
	CHECK(one() == 2 && ex[0].kind == NLFZ_DUMP && ex[1].kind == NLFZ_ERROR &&
	      ex[1].err == EBUSY);
	cfg.dump_parses = true;
	CHECK(one() == 2 && ex[0].kind == NLFZ_ERROR && ex[0].err == EINVAL &&
	      ex[1].kind == NLFZ_DUMP);
	cfg.dump_parses = false;
}

static void test_generator(bool dump_parses)
{
	static struct nlfz_batch a, b;
	struct nlfz_rng r1, r2;
	uint32_t s1 = 1, s2 = 1;
	long kinds[6] = { 0 }, errs[256] = { 0 }, msgs = 0, seen = 0, most = 0;
	int i, j, n;

	cfg.dump_parses = dump_parses;
	nlfz_seed(&r1, 42);
	nlfz_seed(&r2, 42);
	for (i = 0; i < 200000; i++) {
		nlfz_generate(&r1, &cfg, &s1, &a);
		nlfz_generate(&r2, &cfg, &s2, &b);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len) || a.nmsg != b.nmsg) {
			CHECK(!"the same seed made another batch");
			break;
		}
		msgs += a.nmsg;
		n = nlfz_expect(&cfg, a.buf, a.len, ex, NLFZ_MAXMSG);
		CHECK(n < NLFZ_MAXMSG);
		seen += n;
		if (n > most)
			most = n;
		for (j = 0; j < n; j++) {
			kinds[ex[j].kind]++;
			if (ex[j].kind == NLFZ_ERROR) {
				CHECK(ex[j].err > 0 && ex[j].err < 256);
				if (ex[j].err > 0 && ex[j].err < 256)
					errs[ex[j].err]++;
			}
			/* never another family's request */
			CHECK(!(ex[j].flags & NLM_F_REQUEST) || ex[j].type < NLMSG_MIN_TYPE ||
			      ex[j].type >= 1024 || ex[j].type == FAMILY ||
			      (a.intact && ex[j].type == GENL_ID_CTRL));
		}
	}
	printf("generator (dump_parses %d): %ld messages, %ld seen by the kernel (at most %ld a batch): "
	       "none %ld ack %ld do %ld dump %ld ctrl-dump %ld; ENOENT %ld EINVAL %ld ERANGE %ld EOPNOTSUPP %ld EBUSY %ld\n",
	       dump_parses, msgs, seen, most, kinds[NLFZ_NONE], kinds[NLFZ_ACK],
	       kinds[NLFZ_DO], kinds[NLFZ_DUMP], kinds[NLFZ_CTRL_DUMP],
	       errs[ENOENT], errs[EINVAL], errs[ERANGE], errs[EOPNOTSUPP], errs[EBUSY]);
	/* every answer class, often enough to mean something */
	for (j = 0; j < 6; j++)
		CHECK(kinds[j] > 100);
	CHECK(errs[ENOENT] > 1000 && errs[EINVAL] > 1000 && errs[ERANGE] > 100 &&
	      errs[EOPNOTSUPP] > 1000 && errs[EBUSY] > 100);
	/* another seed, other batches */
	nlfz_seed(&r2, 43);
	s2 = 1;
	nlfz_generate(&r2, &cfg, &s2, &b);
	nlfz_seed(&r1, 42);
	s1 = 1;
	nlfz_generate(&r1, &cfg, &s1, &a);
	CHECK(a.len != b.len || memcmp(a.buf, b.buf, a.len));
	cfg.dump_parses = false;
}

int main(void)
{
	test_oracle();
	test_generator(false);
	test_generator(true);
	if (failures)
		fprintf(stderr, "test_nlfuzz: %d checks failed\n", failures);
	return failures ? 1 : 0;
}
