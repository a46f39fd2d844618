/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Netlink messages of the "dlm_recover" family crafted with libmnl as the
 * patched fs/dlm builds them (kernel/patches/): the kernel client's unit
 * test (tests/unit/test_kernel.c) feeds them, and tests/fuzz/mkseeds.c
 * writes them as the fuzz corpus's seeds.  Include after libmnl, genetlink
 * and dlm_recover.h.
 */
#ifndef DLMR_TEST_GENL_CRAFT_H
#define DLMR_TEST_GENL_CRAFT_H

/* the family id the fake connections use (dlmr_kernel_fake()) */
#define CRAFT_FAMILY 0x1d

/* ---- crafting messages ------------------------------------------------- */

/* a "uint" (NLA_UINT) as the kernel puts it: four bytes if it fits */
static inline void put_uint(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	if (v <= UINT32_MAX)
		mnl_attr_put_u32(nlh, type, (uint32_t)v);
	else
		mnl_attr_put_u64(nlh, type, v);
}

/* the monotonic clock of a message whose wall clock is @time_ns */
#define MONO(time_ns) ((time_ns) + 1000000)

static inline struct nlmsghdr *msg(uint8_t *buf, uint8_t cmd, const char *ls,
				   uint64_t seq, uint64_t time_ns)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = CRAFT_FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DLM_RECOVER_GENL_VERSION;
	mnl_attr_put_strz(nlh, DLM_RECOVER_A_LS_NAME, ls);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_LS_ID, 0x1234);
	put_uint(nlh, DLM_RECOVER_A_SEQ, seq);
	put_uint(nlh, DLM_RECOVER_A_TIME_NS, time_ns);
	put_uint(nlh, DLM_RECOVER_A_MONO_NS, MONO(time_ns));
	return nlh;
}

/* one @type nest (MEMBER, LAST_FAILED: a repeated attribute) per nodeid,
 * slot pair */
static inline void put_slots(struct nlmsghdr *nlh, uint16_t type,
			     unsigned int n, const int *pairs)
{
	struct nlattr *e;

	for (unsigned int i = 0; i < n; i++) {
		e = mnl_attr_nest_start(nlh, type);
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_SLOT_NODEID,
				 (uint32_t)pairs[2 * i]);
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_SLOT_SLOT,
				 (uint32_t)pairs[2 * i + 1]);
		mnl_attr_nest_end(nlh, e);
	}
}

static inline void put_table(struct nlmsghdr *nlh, uint32_t gen, int our_slot,
			     unsigned int n, const int *pairs)
{
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_GENERATION, gen);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_OUR_SLOT, (uint32_t)our_slot);
	mnl_attr_put_u32(nlh, DLM_RECOVER_A_MEMBERS, n);
	put_slots(nlh, DLM_RECOVER_A_MEMBER, n, pairs);
}

#endif
