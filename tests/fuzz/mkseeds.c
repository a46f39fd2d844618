/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write the generated seeds of the fuzz corpora (tests/fuzz/README.md):
 * corpus/kernel (netlink events and GET replies as the series'
 * fs/dlm/recover_nl.c builds them, in fuzz_kernel.c's record form:
 * the messages tests/unit/test_kernel.c crafts, and the sequences of its
 * gap, re-creation and overrun tests), corpus/coord (byte programs of
 * fuzz_coord.c: a cold mount, a failure and its recovery, an unmount)
 * and corpus/dlmctl (argument vectors).
 *
 *   build/tests/fuzz/fuzz-mkseeds tests/fuzz/corpus
 *
 * The same bytes every run; the files are committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "dlm_recover.h"
#include "genl_craft.h"

struct out {
	uint8_t b[65536];
	size_t n;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > sizeof(o->b)) {
		fprintf(stderr, "mkseeds: seed too large\n");
		exit(1);
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

/* a record of fuzz_kernel.c: op, then LEN and the bytes */
static void rec(struct out *o, uint8_t op, const void *p, size_t n)
{
	put8(o, op);
	put8(o, (uint8_t)n);
	put8(o, (uint8_t)(n >> 8));
	put(o, p, n);
}

static const int table3[] = { 1, 1, 2, 2, 3, 3 };

/* append one event (or GET reply) message to @buf at *@len */
static void event(uint8_t *buf, size_t *len, uint8_t cmd, const char *ls,
		  uint64_t seq, uint32_t gen)
{
	struct nlmsghdr *nlh = msg(buf + *len, cmd, ls, seq, 1000 * seq);

	if (cmd == DLM_RECOVER_CMD_SLOT) {
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_NODEID, 3);
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_SLOT, 3);
	}
	if (cmd == DLM_RECOVER_CMD_DONE || cmd == DLM_RECOVER_CMD_GET) {
		put_table(nlh, gen, 1, 3, table3);
	}
	if (cmd == DLM_RECOVER_CMD_GET) {
		static const int failed[] = { 3, 3, 4, -1 };
		struct nlattr *last;

		mnl_attr_put_u32(nlh, DLM_RECOVER_A_STATE,
				 DLM_RECOVER_STATE_RUNNING);
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_OPS, 1);
		last = mnl_attr_nest_start(nlh, DLM_RECOVER_A_LAST);
		put_uint(nlh, DLM_RECOVER_A_LAST_START_NS, 1000);
		put_uint(nlh, DLM_RECOVER_A_LAST_DONE_NS, UINT64_C(1) << 40);
		put_uint(nlh, DLM_RECOVER_A_LAST_START_MONO_NS, MONO(1000));
		put_uint(nlh, DLM_RECOVER_A_LAST_DONE_MONO_NS,
			 MONO(UINT64_C(1) << 40));
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_LAST_GENERATION, gen);
		mnl_attr_put_u32(nlh, DLM_RECOVER_A_LAST_TRUNCATED, 0);
		put_slots(nlh, DLM_RECOVER_A_LAST_FAILED, 2, failed);
		mnl_attr_nest_end(nlh, last);
	}
	*len += nlh->nlmsg_len;
}

static void save(const char *dir, const char *name, const struct out *o)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(o->b, 1, o->n, f) != o->n || fclose(f)) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void kernel_seeds(const char *dir)
{
	static uint8_t buf[16384];
	static struct out o;
	size_t n;

	/* a recovery in order: join done, prep, slot, done */
	o.n = 0;
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 1, 1);
	event(buf, &n, DLM_RECOVER_CMD_PREP, "gfs0", 2, 0);
	event(buf, &n, DLM_RECOVER_CMD_SLOT, "gfs0", 3, 0);
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 4, 2);
	rec(&o, 0, buf, n);
	put8(&o, 3);
	save(dir, "seed-events", &o);

	/* a gap (2, 3 lost) resynced from a GET at seq 4 */
	o.n = 0;
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_GET, "gfs0", 4, 2);
	rec(&o, 2, buf, n);
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 1, 1);
	rec(&o, 0, buf, n);
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 4, 2);
	event(buf, &n, DLM_RECOVER_CMD_PREP, "gfs0", 5, 0);
	rec(&o, 0, buf, n);
	put8(&o, 3);
	save(dir, "seed-gap", &o);

	/* a lockspace re-created: 1, 2, 3, then 2 again; GET fails */
	o.n = 0;
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 1, 1);
	event(buf, &n, DLM_RECOVER_CMD_PREP, "gfs0", 2, 0);
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 3, 2);
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 2, 1);
	rec(&o, 6, NULL, 0);
	rec(&o, 0, buf, n);
	put8(&o, 3);
	save(dir, "seed-recreated", &o);

	/* two lockspaces, an overrun resynced from a dump of both */
	o.n = 0;
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 1, 1);
	event(buf, &n, DLM_RECOVER_CMD_DONE, "md0", 1, 1);
	rec(&o, 0, buf, n);
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_GET, "gfs0", 3, 2);
	event(buf, &n, DLM_RECOVER_CMD_GET, "md0", 2, 1);
	rec(&o, 2, buf, n);
	put8(&o, 1);
	n = 0;
	event(buf, &n, DLM_RECOVER_CMD_DONE, "gfs0", 3, 2);
	event(buf, &n, DLM_RECOVER_CMD_PREP, "md0", 3, 0);
	rec(&o, 0, buf, n);
	put8(&o, 3);
	save(dir, "seed-overrun", &o);
}

/* fuzz_coord.c's ARBITRARY step: the fields in its order */
static void arb(struct out *o, uint8_t type, uint8_t nodeid, int8_t slot,
		uint8_t n, const int *pairs, int8_t our_slot, uint8_t gen)
{
	put8(o, 1);
	put8(o, type);
	put8(o, nodeid);
	put8(o, (uint8_t)slot);
	put8(o, n);
	for (unsigned int i = 0; i < n; i++) {
		put8(o, (uint8_t)pairs[2 * i]);
		put8(o, (uint8_t)pairs[2 * i + 1]);
	}
	put8(o, (uint8_t)our_slot);
	put8(o, gen);
	for (int i = 0; i < 7; i++) /* lock timer status lvb? inval jid res */
		put8(o, 0);
}

/* @n ANSWER steps: the first obligation, status 0, zero value blocks */
static void answers(struct out *o, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		put(o, "\0\0\0", 3);
}

static void coord_seeds(const char *dir)
{
	static struct out o;
	static const int one[] = { 1, 1 };

	/* one node: join, mount, mounted; unmount */
	o.n = 0;
	put(&o, "\0\0\0\0", 4);
	arb(&o, 4, 0, 0, 1, one, 1, 1);
	arb(&o, 1, 0, 0, 0, NULL, 0, 0);
	answers(&o, 40);
	arb(&o, 8, 0, 0, 0, NULL, 0, 0);
	answers(&o, 20);
	save(dir, "seed-cold", &o);

	/* three journals, node 1 of 3: mount, node 3 fails, recovery */
	o.n = 0;
	put(&o, "\x02\0\0\0", 4);
	arb(&o, 4, 0, 0, 3, table3, 1, 1);
	arb(&o, 1, 0, 0, 0, NULL, 0, 0);
	answers(&o, 40);
	arb(&o, 2, 0, 0, 0, NULL, 0, 0);
	arb(&o, 3, 3, 3, 0, NULL, 0, 0);
	arb(&o, 4, 0, 0, 2, table3, 1, 2);
	answers(&o, 60);
	save(dir, "seed-failure", &o);

	/* the same with every fix on */
	o.b[1] = 0xff;
	o.b[2] = 0xff;
	save(dir, "seed-failure-fixes", &o);
}

static void dlmctl_seeds(const char *dir)
{
	static const struct {
		const char *name;
		const char *text;
		size_t len;
	} s[] = {
#define S(n, t) { n, t, sizeof(t) - 1 }
		S("seed-numbers", "3\0" "18446744073709551615\0" "-1\0" "+2\0"
		  "0x10\0" " 7\0" "18446744073709551616\0" "4294967296"),
		S("seed-options", "--seed\0" "5\0" "-j\0" "--nodes=3\0" "-n"),
		S("seed-errors", "--svg\0" "--json=1\0" "-x\0" "--bogus\0"
		  "-jn"),
		S("seed-names", "sim\0" "recover check\0" "first-done-serial\0"
		  "unblock-early\0" "cluster3\0" "done\0" "lost"),
		/* every option of each command (tools/dlmctl/args.c), at most
		 * 16 arguments a seed (the harness's ARGS_MAX) */
		S("seed-sim", "--seed\0" "7\0" "--stack\0" "cluster3\0"
		  "--compare\0" "--nodes\0" "4\0" "--svg\0" "-\0"
		  "--delivery\0" "late\0" "--show-default\0" "-j\0" "a.scn"),
		S("seed-explore", "--nodes\0" "3\0" "--failures\0" "2\0"
		  "--rejoins\0" "1\0" "--journals\0" "3\0" "--mutant\0"
		  "clear-bit-early\0" "--fix\0" "first-done-serial\0" "--delivery\0"
		  "kernel\0" "--max-states\0" "100"),
		S("seed-explore-random", "--nodes=2\0" "--random\0" "--runs\0"
		  "5\0" "--seed\0" "9\0" "--save\0" "f.scn\0" "--no-por\0"
		  "--fix\0" "list\0" "--fair\0" "--threads\0" "2\0"
		  "--por-check\0" "1\0" "-j"),
		S("seed-show", "--klog=kmsg.txt\0" "--nodeid\0" "2\0" "-j\0"
		  "ls1\0" "--klog\0" "-h"),
		S("seed-watch", "--count\0" "3\0" "--rcvbuf\0" "65536\0" "-q\0"
		  "--klog\0" "-jq\0" "ls1"),
		S("seed-check", "--invariants\0" "--svg\0" "out.svg\0" "-j\0"
		  "a.jsonl\0" "b.jsonl"),
		S("seed-emulate", "--journals\0" "4\0" "--dir\0" "/tmp\0"
		  "--write-ms\0" "0\0" "--fix\0" "first-done-serial\0"
		  "--source\0" "cpg\0" "--source=netlink\0" "-jq\0"
		  "--json\0" "--quiet\0" "emu"),
#undef S
	};
	static struct out o;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		o.n = 0;
		put(&o, s[i].text, s[i].len);
		save(dir, s[i].name, &o);
	}
}

int main(int argc, char **argv)
{
	char d[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz-mkseeds CORPUS_DIR\n");
		return 2;
	}
	snprintf(d, sizeof(d), "%s/kernel", argv[1]);
	kernel_seeds(d);
	snprintf(d, sizeof(d), "%s/coord", argv[1]);
	coord_seeds(d);
	snprintf(d, sizeof(d), "%s/dlmctl", argv[1]);
	dlmctl_seeds(d);
	return 0;
}
