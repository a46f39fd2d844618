/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nlfuzz: random and malformed requests to the dlm_recover generic netlink
 * family, and what the kernel must answer to each (tests/vm/nlprobe.c,
 * "nlprobe fuzz").  No sockets here: the generator makes a batch of
 * messages (one sendmsg) from a seeded PRNG, and the oracle walks the
 * batch's bytes the way the kernel does (netlink_rcv_skb(),
 * genl_rcv_msg(), genl_family_rcv_msg(), the strict attribute parse of
 * lib/nlattr.c, the family's doit/dumpit) and says, for every message the
 * kernel will see, which answer it must get.  Unit-tested without a kernel
 * (tests/vm/test_nlfuzz.c).
 */
#ifndef NLFUZZ_H
#define NLFUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NLFZ_MAXBATCH 4096	/* bytes of one batch (one sendmsg) */
#define NLFZ_MAXMSG 16		/* messages the kernel can see in a batch */

struct nlfz_rng {
	uint64_t s;
};

void nlfz_seed(struct nlfz_rng *r, uint64_t seed);
uint64_t nlfz_next(struct nlfz_rng *r);
uint32_t nlfz_below(struct nlfz_rng *r, uint32_t n);	/* 0..n-1 */

struct nlfz_config {
	uint16_t family;	/* the family's id */
	uint16_t ctrl;		/* GENL_ID_CTRL */
	/* Linux before 6.2 (one genl_ops for do and dump): a dump parses its
	 * attributes with the do policy; 6.2 and later (split ops, the dump
	 * without a policy) ignore them (kernel/README.md, "Two kernel
	 * lines") */
	bool dump_parses;
	/* lockspaces that exist for the whole run: a GET finds them, a
	 * (single-part) dump lists each exactly once */
	const char *const *exist;
	int nexist;
	/* lockspaces named PREFIX... may come and go (joins and leaves
	 * meanwhile): a GET finds them or gets ENOENT; NULL for none */
	const char *churn;
};

/* what the kernel must do with one message it sees */
enum nlfz_kind {
	NLFZ_NONE,		/* nothing: no answer at all */
	NLFZ_ACK,		/* an ack (NLMSG_ERROR with error 0), nothing else */
	NLFZ_ERROR,		/* NLMSG_ERROR with -err */
	NLFZ_DO,		/* one GET reply for name (then an ack if
				 * NLM_F_ACK); ENOENT instead if maybe */
	NLFZ_DUMP,		/* a dump of every lockspace, NLMSG_DONE 0 */
	NLFZ_CTRL_DUMP,		/* a dump of nlctrl, NLMSG_DONE 0 */
};

struct nlfz_expect {
	uint32_t seq;		/* the request's nlmsg_seq (answers carry it) */
	uint16_t type;
	uint16_t flags;
	enum nlfz_kind kind;
	int err;		/* NLFZ_ERROR: the positive errno */
	bool ack;		/* NLFZ_DO: an ack follows the reply */
	bool maybe;		/* NLFZ_DO: ENOENT is right too (churn) */
	char name[72];		/* NLFZ_DO: the name looked up */
	const char *why;	/* what decided it, for failure reports */
};

/* a batch: the bytes of one sendmsg */
struct nlfz_batch {
	unsigned char buf[NLFZ_MAXBATCH];
	size_t len;
	int nmsg;		/* messages the generator built */
	bool intact;		/* one unmutated request, no sanitizing */
};

/*
 * Make the next batch of random and malformed requests, their nlmsg_seq
 * from *seq on (moved on).  Every message the kernel will see in it is
 * addressed to the family, or is a control message (type < 16), or has a
 * type no family can have (>= 1024), or is an unmutated nlctrl request:
 * never another family's (running as root, that could change the
 * guest's networking).
 */
void nlfz_generate(struct nlfz_rng *r, const struct nlfz_config *cfg,
		   uint32_t *seq, struct nlfz_batch *b);

/*
 * The oracle: walk BUF as the kernel does and fill EXP with what each
 * message it sees must get, in order; returns how many (at most MAX).
 */
int nlfz_expect(const struct nlfz_config *cfg, const unsigned char *buf,
		size_t len, struct nlfz_expect *exp, int max);

/* the strict parse of a GET do's attributes against its policy (LS_NAME,
 * NLA_NUL_STRING of at most 64 bytes): 0, or the positive errno; the
 * name (what strlen() sees) in name */
int nlfz_parse_get(const unsigned char *attrs, int len, char *name,
		   size_t namesz, bool *has_name);

#endif
