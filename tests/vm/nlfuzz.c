// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nlfuzz: the generator of random and malformed requests to the
 * dlm_recover family and the oracle of their answers (nlfuzz.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "dlm_recover.h"
#include "nlfuzz.h"

/* ------------------------------------------------------------- the PRNG */

/* splitmix64: one u64 of state, every seed fine */
void nlfz_seed(struct nlfz_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t nlfz_next(struct nlfz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t nlfz_below(struct nlfz_rng *r, uint32_t n)
{
	return n ? (uint32_t)(nlfz_next(r) % n) : 0;
}

static bool chance(struct nlfz_rng *r, unsigned int percent)
{
	return nlfz_below(r, 100) < percent;
}

/* ------------------------------------------------------------ the oracle */

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

int nlfz_parse_get(const unsigned char *attrs, int len, char *name,
		   size_t namesz, bool *has_name)
{
	const unsigned char *p = attrs;
	int rem = len;

	*has_name = false;
	if (namesz)
		name[0] = '\0';
	/* nla_for_each_attr(): nla_ok(), nla_next() */
	while (rem >= NLA_HDRLEN) {
		uint16_t nla_len = get16(p), nla_type = get16(p + 2);
		uint16_t type = nla_type & NLA_TYPE_MASK;
		int attrlen = nla_len - NLA_HDRLEN, minlen, slen;
		const unsigned char *data = p + NLA_HDRLEN;

		if (nla_len < NLA_HDRLEN || nla_len > rem)
			break;
		/* __nla_validate_parse(), NL_VALIDATE_MAXTYPE: the policy's
		 * only attribute is the first one; type 0 has no policy
		 * entry (NLA_UNSPEC), refused with NL_VALIDATE_UNSPEC */
		if (type != DLM_RECOVER_A_LS_NAME)
			return EINVAL;
		/* NL_VALIDATE_NESTED: "NLA_F_NESTED not expected" */
		if (nla_type & NLA_F_NESTED)
			return EINVAL;
		/* NLA_NUL_STRING, .len = 64 */
		minlen = attrlen < 65 ? attrlen : 65;
		if (!minlen || !memchr(data, '\0', (size_t)minlen))
			return EINVAL;
		slen = attrlen;
		if (data[slen - 1] == '\0')
			slen--;
		if (slen > 64)
			return ERANGE;
		/* the last one wins (tb[type] is overwritten) */
		*has_name = true;
		if (namesz)
			snprintf(name, namesz, "%s", (const char *)data);
		rem -= NLA_ALIGN(nla_len);
		p += NLA_ALIGN(nla_len);
	}
	/* NL_VALIDATE_TRAILING: "bytes leftover after parsing attributes" */
	if (rem > 0)
		return EINVAL;
	return 0;
}

static bool churn_name(const struct nlfz_config *cfg, const char *name)
{
	return cfg->churn && *cfg->churn &&
	       !strncmp(name, cfg->churn, strlen(cfg->churn));
}

static bool exist_name(const struct nlfz_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nexist; i++)
		if (!strcmp(cfg->exist[i], name))
			return true;
	return false;
}

static void set_error(struct nlfz_expect *e, int err, const char *why)
{
	e->kind = NLFZ_ERROR;
	e->err = err;
	e->why = why;
}

int nlfz_expect(const struct nlfz_config *cfg, const unsigned char *buf,
		size_t len, struct nlfz_expect *exp, int max)
{
	bool dump_running = false;
	size_t off = 0;
	int n = 0;

	/* netlink_rcv_skb() */
	while (len - off >= NLMSG_HDRLEN && n < max) {
		const unsigned char *h = buf + off;
		uint32_t mlen = get32(h);
		struct nlfz_expect *e = &exp[n++];
		uint16_t f;
		size_t step;

		memset(e, 0, sizeof(*e));
		if (mlen < NLMSG_HDRLEN || len - off < mlen) {
			/* the kernel stops here: no answer, for the rest neither */
			n--;
			break;
		}
		e->type = get16(h + 4);
		e->flags = get16(h + 6);
		e->seq = get32(h + 8);
		if (!(e->flags & NLM_F_REQUEST) || e->type < NLMSG_MIN_TYPE) {
			e->kind = e->flags & NLM_F_ACK ? NLFZ_ACK : NLFZ_NONE;
			e->why = e->flags & NLM_F_REQUEST ? "control message" :
				 "no NLM_F_REQUEST";
		} else if (e->type == cfg->ctrl && cfg->ctrl) {
			/* only unmutated nlctrl dumps (nlfz_generate) */
			if (dump_running) {
				set_error(e, EBUSY, "nlctrl dump while a dump runs");
			} else {
				e->kind = NLFZ_CTRL_DUMP;
				e->why = "nlctrl policy dump";
				dump_running = true;
			}
		} else if (e->type != cfg->family) {
			/* genl_family_find_byid(): ids are below 1024
			 * (GENL_MAX_ID); nlfz_generate() makes no other */
			if (e->type >= 1024)
				set_error(e, ENOENT, "no such family");
			else
				set_error(e, -1, "another family (a generator bug)");
		} else if (mlen < NLMSG_HDRLEN + GENL_HDRLEN) {
			set_error(e, EINVAL, "shorter than its genlmsghdr");
		} else if (get16(h + NLMSG_HDRLEN + 2)) {
			/* genl_header_check(), resv_start_op 0 */
			set_error(e, EINVAL, "genlmsghdr.reserved");
		} else if ((f = (e->flags & NLM_F_DUMP) == NLM_F_DUMP ?
			    e->flags & ~NLM_F_DUMP : e->flags) &
			   ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
			set_error(e, EINVAL, "reserved nlmsg_flags");
		} else if (h[NLMSG_HDRLEN] != DLM_RECOVER_CMD_GET) {
			set_error(e, EOPNOTSUPP, "a command the family does not serve");
		} else {
			const unsigned char *attrs = h + NLMSG_HDRLEN + GENL_HDRLEN;
			int alen = (int)mlen - NLMSG_HDRLEN - GENL_HDRLEN;
			bool has_name;
			int err;

			err = nlfz_parse_get(attrs, alen, e->name, sizeof(e->name),
					     &has_name);
			if ((e->flags & NLM_F_DUMP) == NLM_F_DUMP) {
				/* __netlink_dump_start() refuses a second dump
				 * before genl_start() parses anything */
				if (dump_running) {
					set_error(e, EBUSY, "dump while a dump runs");
				} else if (cfg->dump_parses && err) {
					set_error(e, err, "dump attributes (do policy)");
				} else {
					e->kind = NLFZ_DUMP;
					e->why = "dump";
					/* it has lockspaces to list (nexist > 0):
					 * it ends only when its reader reads */
					dump_running = true;
				}
				e->name[0] = '\0';
			} else if (err) {
				set_error(e, err, "attribute refused by the policy");
			} else if (!has_name) {
				set_error(e, EINVAL, "no LS_NAME");
			} else if (exist_name(cfg, e->name)) {
				e->kind = NLFZ_DO;
				e->ack = e->flags & NLM_F_ACK;
				e->why = "GET of a lockspace that exists";
			} else if (churn_name(cfg, e->name)) {
				e->kind = NLFZ_DO;
				e->ack = e->flags & NLM_F_ACK;
				e->maybe = true;
				e->why = "GET of a lockspace joining and leaving";
			} else {
				set_error(e, ENOENT, "GET of no lockspace");
			}
		}
		step = NLMSG_ALIGN(mlen);
		off += step > len - off ? len - off : step;
	}
	return n;
}

/* --------------------------------------------------------- the generator */

struct out {
	unsigned char *buf;
	size_t len, cap;
};

static bool room(struct out *o, size_t n)
{
	return o->len + n <= o->cap;
}

static void put_bytes(struct out *o, const void *p, size_t n)
{
	if (!room(o, n))
		return;
	if (n)	/* p may be NULL then (an empty attribute) */
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void put_random(struct nlfz_rng *r, struct out *o, size_t n)
{
	while (n-- && room(o, 1))
		o->buf[o->len++] = (unsigned char)nlfz_next(r);
}

static void pad4(struct nlfz_rng *r, struct out *o, bool garbage)
{
	while (o->len % 4 && room(o, 1))
		o->buf[o->len++] = garbage ? (unsigned char)nlfz_next(r) : 0;
}

/* start an attribute: its header; returns its offset (for attr_end) */
static size_t attr_start(struct out *o, uint16_t type)
{
	size_t at = o->len;
	unsigned char h[NLA_HDRLEN] = { 0 };

	if (!room(o, NLA_HDRLEN))
		return (size_t)-1;
	put16(h + 2, type);
	put_bytes(o, h, sizeof(h));
	return at;
}

static void attr_end(struct nlfz_rng *r, struct out *o, size_t at)
{
	if (at == (size_t)-1)
		return;
	put16(o->buf + at, (uint16_t)(o->len - at));
	pad4(r, o, chance(r, 5));
}

static void attr(struct nlfz_rng *r, struct out *o, uint16_t type,
		 const void *p, size_t n)
{
	size_t at = attr_start(o, type);

	if (at == (size_t)-1 || !room(o, n + 4)) {
		if (at != (size_t)-1)
			o->len = at;
		return;
	}
	put_bytes(o, p, n);
	attr_end(r, o, at);
}

static void attr_u32(struct nlfz_rng *r, struct out *o, uint16_t type,
		     uint32_t v)
{
	attr(r, o, type, &v, sizeof(v));
}

static void attr_u64(struct nlfz_rng *r, struct out *o, uint16_t type,
		     uint64_t v)
{
	attr(r, o, type, &v, sizeof(v));
}

/* a lockspace name: one that exists, one joining and leaving, none */
static void pick_name(struct nlfz_rng *r, const struct nlfz_config *cfg,
		      char *name, size_t sz)
{
	unsigned int i, n;

	switch (nlfz_below(r, 8)) {
	case 0:
	case 1:
	case 2:
		if (cfg->nexist) {
			snprintf(name, sz, "%s",
				 cfg->exist[nlfz_below(r, (uint32_t)cfg->nexist)]);
			break;
		}
		/* fall through */
	case 3:
		if (cfg->churn && *cfg->churn) {
			snprintf(name, sz, "%s%u", cfg->churn, 1 + nlfz_below(r, 4));
			break;
		}
		/* fall through */
	case 4:
		snprintf(name, sz, "nlfz-nosuch-%u", nlfz_below(r, 1000));
		break;
	case 5:
		/* 64 (the longest name) or 65 bytes (one too many) */
		n = 63 + nlfz_below(r, 3);
		for (i = 0; i < n && i + 1 < sz; i++)
			name[i] = (char)('a' + i % 26);
		name[i] = '\0';
		break;
	case 6:
		name[0] = '\0';
		break;
	default:
		/* random printable, from '~' (no lockspace of the lab) */
		n = 1 + nlfz_below(r, 70);
		name[0] = '~';
		for (i = 1; i < n && i + 1 < sz; i++)
			name[i] = (char)(33 + nlfz_below(r, 94));
		name[i] = '\0';
		break;
	}
}

/* LS_NAME, well-formed or not */
static void gen_name_attr(struct nlfz_rng *r, const struct nlfz_config *cfg,
			  struct out *o)
{
	uint16_t type = DLM_RECOVER_A_LS_NAME;
	char name[96];
	size_t n, at;

	pick_name(r, cfg, name, sizeof(name));
	n = strlen(name);
	if (chance(r, 8))
		type |= NLA_F_NESTED;
	if (chance(r, 8))
		type |= NLA_F_NET_BYTEORDER;
	at = attr_start(o, type);
	if (at == (size_t)-1)
		return;
	switch (nlfz_below(r, 12)) {
	case 0:		/* no NUL */
		put_bytes(o, name, n);
		break;
	case 1:		/* a NUL inside: the kernel looks up the part before */
		put_bytes(o, name, n);
		if (n)
			o->buf[o->len - 1 - nlfz_below(r, (uint32_t)n)] = '\0';
		put_bytes(o, "", 1);
		break;
	case 2:		/* bytes after the NUL */
		put_bytes(o, name, n + 1);
		put_random(r, o, 1 + nlfz_below(r, 80));
		break;
	case 3:		/* nothing at all */
		break;
	default:
		put_bytes(o, name, n + 1);
		break;
	}
	attr_end(r, o, at);
}

static uint16_t random_type(struct nlfz_rng *r)
{
	uint16_t t;

	switch (nlfz_below(r, 6)) {
	case 0:
		t = 0;
		break;
	case 1:
		t = (uint16_t)nlfz_next(r);
		break;
	case 2:
		t = (uint16_t)(DLM_RECOVER_A_MAX + 1 + nlfz_below(r, 20));
		break;
	default:
		t = (uint16_t)nlfz_below(r, DLM_RECOVER_A_MAX + 1);
		break;
	}
	if (chance(r, 10))
		t |= NLA_F_NESTED;
	if (chance(r, 5))
		t |= NLA_F_NET_BYTEORDER;
	return t;
}

static void gen_garbage_attrs(struct nlfz_rng *r, struct out *o, int depth);

/* one random attribute: wrong types and lengths, garbage nests */
static void gen_random_attr(struct nlfz_rng *r, struct out *o, int depth)
{
	static const unsigned int lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 12, 16 };
	uint16_t type = random_type(r);
	size_t at;

	if (depth < 4 && chance(r, 20)) {
		/* a nest of garbage */
		at = attr_start(o, type | (chance(r, 80) ? NLA_F_NESTED : 0));
		if (at == (size_t)-1)
			return;
		gen_garbage_attrs(r, o, depth + 1);
		attr_end(r, o, at);
		return;
	}
	at = attr_start(o, type);
	if (at == (size_t)-1)
		return;
	if (chance(r, 70))
		put_random(r, o, lens[nlfz_below(r, 10)]);
	else
		put_random(r, o, nlfz_below(r, 100));
	attr_end(r, o, at);
}

static void mutate_attr_len(struct nlfz_rng *r, struct out *o, size_t at)
{
	if (at == (size_t)-1 || at + NLA_HDRLEN > o->len)
		return;
	switch (nlfz_below(r, 3)) {
	case 0:		/* shorter than its header */
		put16(o->buf + at, (uint16_t)nlfz_below(r, NLA_HDRLEN));
		break;
	case 1:		/* past the end */
		put16(o->buf + at, (uint16_t)(o->len - at + 1 + nlfz_below(r, 64)));
		break;
	default:	/* shorter: its tail reads as more attributes */
		put16(o->buf + at,
		      (uint16_t)(NLA_HDRLEN + nlfz_below(r, (uint32_t)(o->len - at))));
		break;
	}
}

static void gen_garbage_attrs(struct nlfz_rng *r, struct out *o, int depth)
{
	int i, n = (int)nlfz_below(r, 5);
	size_t last = (size_t)-1;

	for (i = 0; i < n; i++) {
		last = o->len;
		gen_random_attr(r, o, depth);
	}
	if (n && chance(r, 10))
		mutate_attr_len(r, o, last);
}

/* a slot table: repeated @type nests (MEMBER or LAST_FAILED) */
static void gen_slot_list(struct nlfz_rng *r, struct out *o, uint16_t type)
{
	size_t e;
	int i, n = (int)nlfz_below(r, 4);

	for (i = 0; i < n; i++) {
		e = attr_start(o, type | NLA_F_NESTED);
		attr_u32(r, o, DLM_RECOVER_A_SLOT_NODEID, 1 + nlfz_below(r, 4));
		attr_u32(r, o, DLM_RECOVER_A_SLOT_SLOT, nlfz_below(r, 5) - 1);
		attr_end(r, o, e);
	}
}

/* a "uint": four or eight bytes */
static void attr_uint(struct nlfz_rng *r, struct out *o, uint16_t type)
{
	if (chance(r, 50))
		attr_u32(r, o, type, (uint32_t)nlfz_next(r));
	else
		attr_u64(r, o, type, nlfz_next(r));
}

/* what a GET reply or an event carries, sent back as a request */
static void gen_reply_attrs(struct nlfz_rng *r, const struct nlfz_config *cfg,
			    struct out *o)
{
	uint32_t u32v = nlfz_below(r, 5);
	size_t last;

	gen_name_attr(r, cfg, o);
	attr_u32(r, o, DLM_RECOVER_A_LS_ID, (uint32_t)nlfz_next(r));
	attr_u32(r, o, DLM_RECOVER_A_GENERATION, nlfz_below(r, 10));
	attr_u32(r, o, DLM_RECOVER_A_OUR_SLOT, nlfz_below(r, 5));
	attr_u32(r, o, DLM_RECOVER_A_MEMBERS, nlfz_below(r, 5));
	gen_slot_list(r, o, DLM_RECOVER_A_MEMBER);
	attr_u32(r, o, DLM_RECOVER_A_STATE, u32v);
	attr_u32(r, o, DLM_RECOVER_A_OPS, u32v);
	attr_uint(r, o, DLM_RECOVER_A_SEQ);
	attr_uint(r, o, DLM_RECOVER_A_TIME_NS);
	attr_uint(r, o, DLM_RECOVER_A_MONO_NS);
	if (chance(r, 50)) {
		attr_u32(r, o, DLM_RECOVER_A_NODEID, nlfz_below(r, 5));
		attr_u32(r, o, DLM_RECOVER_A_SLOT, nlfz_below(r, 5));
	}
	last = attr_start(o, DLM_RECOVER_A_LAST | NLA_F_NESTED);
	attr_uint(r, o, DLM_RECOVER_A_LAST_START_NS);
	attr_uint(r, o, DLM_RECOVER_A_LAST_DONE_NS);
	attr_uint(r, o, DLM_RECOVER_A_LAST_START_MONO_NS);
	attr_uint(r, o, DLM_RECOVER_A_LAST_DONE_MONO_NS);
	attr_u32(r, o, DLM_RECOVER_A_LAST_GENERATION, nlfz_below(r, 10));
	gen_slot_list(r, o, DLM_RECOVER_A_LAST_FAILED);
	attr_u32(r, o, DLM_RECOVER_A_LAST_TRUNCATED, nlfz_below(r, 3));
	attr_end(r, o, last);
	if (chance(r, 20))	/* type 0: no attribute has it */
		attr(r, o, 0, NULL, 0);
}

static uint16_t mutate_flags(struct nlfz_rng *r, uint16_t flags)
{
	static const uint16_t odd[] = {
		NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
		NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND,
		NLM_F_NONREC, NLM_F_CAPPED, NLM_F_ACK_TLVS, NLM_F_MULTI,
		NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED, 0x4000, 0x8000,
	};

	switch (nlfz_below(r, 6)) {
	case 0:
		return flags ^ (uint16_t)(1u << nlfz_below(r, 16));
	case 1:
		return (uint16_t)nlfz_next(r);
	case 2:
		return flags & ~NLM_F_REQUEST;
	case 3:		/* half of NLM_F_DUMP */
		return (flags & ~NLM_F_DUMP) |
		       (chance(r, 50) ? NLM_F_ROOT : NLM_F_MATCH);
	default:
		return flags | odd[nlfz_below(r, 16)];
	}
}

/* one message, its nlmsg_seq *seq (moved on) */
static void gen_msg(struct nlfz_rng *r, const struct nlfz_config *cfg,
		    uint32_t *seq, struct out *o)
{
	size_t start = o->len, body;
	struct nlmsghdr h = { 0 };
	struct genlmsghdr g = { .version = DLM_RECOVER_GENL_VERSION };
	unsigned int base = nlfz_below(r, 100);
	bool mutate = chance(r, 25);
	uint32_t mlen;

	if (!room(o, NLMSG_HDRLEN + GENL_HDRLEN))
		return;
	h.nlmsg_type = cfg->family;
	h.nlmsg_seq = (*seq)++;
	g.cmd = DLM_RECOVER_CMD_GET;
	if (base < 35) {			/* GET do */
		h.nlmsg_flags = NLM_F_REQUEST | (chance(r, 70) ? NLM_F_ACK : 0);
	} else if (base < 55) {			/* GET dump */
		h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP |
				(chance(r, 50) ? NLM_F_ACK : 0);
	} else if (base < 70) {			/* reply or event as request */
		static const uint8_t cmds[] = {
			DLM_RECOVER_CMD_GET, DLM_RECOVER_CMD_PREP,
			DLM_RECOVER_CMD_SLOT, DLM_RECOVER_CMD_DONE,
		};

		h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				(chance(r, 30) ? NLM_F_DUMP : 0);
		g.cmd = cmds[nlfz_below(r, 4)];
	} else if (base < 80) {			/* unknown command */
		h.nlmsg_flags = NLM_F_REQUEST | (chance(r, 50) ? NLM_F_ACK : 0) |
				(chance(r, 30) ? NLM_F_DUMP : 0);
		g.cmd = chance(r, 30) ? 0 :
			(uint8_t)(DLM_RECOVER_CMD_MAX + 1 + nlfz_below(r, 255 - DLM_RECOVER_CMD_MAX));
	} else if (base < 86) {			/* control message types */
		h.nlmsg_type = (uint16_t)nlfz_below(r, NLMSG_MIN_TYPE);
		h.nlmsg_flags = (uint16_t)nlfz_next(r);
	} else if (base < 91) {			/* no such family */
		h.nlmsg_type = (uint16_t)(1024 + nlfz_below(r, 65536 - 1024));
		h.nlmsg_flags = NLM_F_REQUEST | (chance(r, 50) ? NLM_F_ACK : 0);
	} else {				/* random header, random body */
		h.nlmsg_type = chance(r, 50) ? cfg->family : (uint16_t)nlfz_next(r);
		h.nlmsg_flags = (uint16_t)nlfz_next(r);
		g.cmd = (uint8_t)nlfz_next(r);
		g.version = (uint8_t)nlfz_next(r);
		g.reserved = chance(r, 50) ? 0 : (uint16_t)nlfz_next(r);
	}
	if (mutate) {
		h.nlmsg_flags = mutate_flags(r, h.nlmsg_flags);
		switch (nlfz_below(r, 5)) {
		case 0:
			g.version = (uint8_t)nlfz_next(r);
			break;
		case 1:
			g.reserved = (uint16_t)(1 + nlfz_below(r, 0xffff));
			break;
		case 2:
			g.cmd = (uint8_t)nlfz_next(r);
			break;
		default:
			break;
		}
	}
	if (chance(r, 5))
		h.nlmsg_pid = (uint32_t)nlfz_next(r);
	put_bytes(o, &h, sizeof(h));
	put_bytes(o, &g, sizeof(g));
	body = o->len;

	/* attributes */
	if (base < 35) {
		if (chance(r, 15))
			gen_garbage_attrs(r, o, 0);
		if (chance(r, 92))
			gen_name_attr(r, cfg, o);
		if (chance(r, 10))
			gen_name_attr(r, cfg, o);	/* twice: the last wins */
		if (chance(r, 15))
			gen_garbage_attrs(r, o, 0);
	} else if (base < 55) {
		if (chance(r, 25))
			gen_name_attr(r, cfg, o);
		if (chance(r, 20))
			gen_garbage_attrs(r, o, 0);
	} else if (base < 70) {
		gen_reply_attrs(r, cfg, o);
	} else if (base < 91) {
		gen_garbage_attrs(r, o, 0);
	} else {
		put_random(r, o, nlfz_below(r, 120));
	}

	/* lengths */
	mlen = (uint32_t)(o->len - start);
	if (chance(r, 12)) {
		switch (nlfz_below(r, 6)) {
		case 0:		/* cut anywhere, even in the genlmsghdr */
			mlen = NLMSG_HDRLEN + nlfz_below(r, mlen - NLMSG_HDRLEN);
			o->len = start + mlen;
			break;
		case 1:		/* cut in the attributes */
			if (o->len > body) {
				mlen = (uint32_t)(body - start) +
				       nlfz_below(r, (uint32_t)(o->len - body));
				o->len = start + mlen;
			}
			break;
		case 2:		/* 1-3 bytes more: unaligned, trailing */
			put_random(r, o, 1 + nlfz_below(r, 3));
			mlen = (uint32_t)(o->len - start);
			break;
		case 3:		/* longer than it is: reads into the next */
			mlen += 1 + nlfz_below(r, 200);
			break;
		case 4:		/* shorter than a header: the kernel stops */
			mlen = nlfz_below(r, NLMSG_HDRLEN);
			break;
		default:	/* an attribute's length wrong */
			if (o->len >= body + NLA_HDRLEN)
				mutate_attr_len(r, o, body);
			break;
		}
	}
	put32(o->buf + start, mlen);
	/* what NLMSG_ALIGN skips: zeros, or garbage */
	pad4(r, o, chance(r, 10));
}

/* nlctrl: the family's policy (a dump), unmutated */
static void gen_ctrl_policy(const struct nlfz_config *cfg, uint32_t *seq,
			    struct out *o)
{
	struct nlmsghdr h = {
		.nlmsg_type = cfg->ctrl,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = (*seq)++,
	};
	struct genlmsghdr g = { .cmd = CTRL_CMD_GETPOLICY, .version = 2 };
	unsigned char a[8] = { 0 };

	h.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + sizeof(a);
	put16(a, 6);
	put16(a + 2, CTRL_ATTR_FAMILY_ID);
	put16(a + 4, cfg->family);
	put_bytes(o, &h, sizeof(h));
	put_bytes(o, &g, sizeof(g));
	put_bytes(o, a, sizeof(a));
}

/*
 * Every message the kernel will see, walked as it walks them: one with
 * NLM_F_REQUEST and a type from 16 to 1023 that is not the family's could
 * be another family's (garbage read as a header, a random type) and is
 * made the family's.
 */
static void sanitize(const struct nlfz_config *cfg, unsigned char *buf,
		     size_t len)
{
	size_t off = 0, step;

	while (len - off >= NLMSG_HDRLEN) {
		unsigned char *h = buf + off;
		uint32_t mlen = get32(h);
		uint16_t type = get16(h + 4), flags = get16(h + 6);

		if (mlen < NLMSG_HDRLEN || len - off < mlen)
			break;
		if ((flags & NLM_F_REQUEST) && type >= NLMSG_MIN_TYPE &&
		    type < 1024 && type != cfg->family)
			put16(h + 4, cfg->family);
		step = NLMSG_ALIGN(mlen);
		off += step > len - off ? len - off : step;
	}
}

void nlfz_generate(struct nlfz_rng *r, const struct nlfz_config *cfg,
		   uint32_t *seq, struct nlfz_batch *b)
{
	struct out o = { .buf = b->buf, .cap = sizeof(b->buf) };
	unsigned int k = nlfz_below(r, 100);
	int i, n;

	memset(b, 0, sizeof(*b));
	o.buf = b->buf;
	if (cfg->ctrl && chance(r, 1)) {
		gen_ctrl_policy(cfg, seq, &o);
		b->len = o.len;
		b->nmsg = 1;
		b->intact = true;
		return;
	}
	n = k < 50 ? 1 : k < 80 ? 2 + (int)nlfz_below(r, 2) :
		4 + (int)nlfz_below(r, 5);
	/* each message below 500 bytes (120 random body bytes, 6 levels of
	 * nests at most): 8 fit with room */
	o.cap = sizeof(b->buf) - 64;
	for (i = 0; i < n; i++) {
		size_t before = o.len;

		gen_msg(r, cfg, seq, &o);
		if (o.len > before)
			b->nmsg++;
	}
	o.cap = sizeof(b->buf);
	/* the end: junk too short for a header (skipped), or read as one */
	if (chance(r, 5))
		put_random(r, &o, 1 + nlfz_below(r, 40));
	b->len = o.len;
	sanitize(cfg, b->buf, b->len);
}
