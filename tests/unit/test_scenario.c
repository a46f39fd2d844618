/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scenario parser: the default text, the example and bad files under
 * tests/scenarios (SCENARIO_DIR), every error message, and garbage.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario.h"

#define M(n) (UINT64_C(1) << (n))

struct want_cmd {
	enum dlmr_scen_op op;
	uint64_t nodes;
	enum dlmr_event_type at;
	enum dlmr_scen_res res;
	uint32_t on;
	unsigned int line;
};

struct want {
	const char *file;
	unsigned int nodes, journals;
	const char *ls;
	uint64_t seed;
	bool has_seed;
	uint64_t step_limit;
	unsigned int ncmds;
	struct want_cmd cmds[16];
};

#define MOUNT(m, l) { DLMR_SCEN_MOUNT, m, DLMR_EV_NONE, DLMR_SCEN_RES_ANY, 0, l }
#define WAIT(l) { DLMR_SCEN_WAIT, 0, DLMR_EV_NONE, DLMR_SCEN_RES_ANY, 0, l }
#define CRASH(m, l) { DLMR_SCEN_CRASH, m, DLMR_EV_NONE, DLMR_SCEN_RES_ANY, 0, l }
#define CRASH_AT(m, ev, res, on, l) { DLMR_SCEN_CRASH, m, ev, res, on, l }
#define LEAVE(m, l) { DLMR_SCEN_LEAVE, m, DLMR_EV_NONE, DLMR_SCEN_RES_ANY, 0, l }

static const struct want want_default = {
	"default", 3, 3, "gfs0", 1, true, DLMR_SCEN_STEP_LIMIT_DEFAULT, 6, {
		MOUNT(M(1) | M(2) | M(3), 7), WAIT(8), CRASH(M(2), 9), WAIT(10),
		MOUNT(M(2), 11), WAIT(12),
	},
};

static const struct want want_examples[] = {
	{ "crash-during-first-mount.scn", 3, 3, "gfs0", 1, true,
	  DLMR_SCEN_STEP_LIMIT_DEFAULT, 7, {
		MOUNT(M(1), 11),
		CRASH_AT(M(1), DLMR_EV_RECOVER, DLMR_SCEN_RES_ANY, 0, 12),
		WAIT(13), MOUNT(M(2) | M(3), 14), WAIT(15), MOUNT(M(1), 16),
		WAIT(17),
	} },
	{ "crash-during-journal-recovery.scn", 3, 3, "gfs0", 7, true,
	  DLMR_SCEN_STEP_LIMIT_DEFAULT, 7, {
		MOUNT(M(1) | M(2) | M(3), 10), WAIT(11),
		CRASH_AT(M(1) | M(3), DLMR_EV_RECOVER, DLMR_SCEN_RES_ANY, 0, 12),
		CRASH(M(2), 13), WAIT(14), MOUNT(M(1) | M(2) | M(3), 15),
		WAIT(16),
	} },
	{ "double-failure.scn", 3, 3, "gfs0", 3, true,
	  DLMR_SCEN_STEP_LIMIT_DEFAULT, 7, {
		MOUNT(M(1) | M(2) | M(3), 9), WAIT(10),
		CRASH_AT(M(3), DLMR_EV_PREP, DLMR_SCEN_RES_ANY, 1, 11),
		CRASH(M(2), 12), WAIT(13), MOUNT(M(2) | M(3), 14), WAIT(15),
	} },
	{ "clean-leave.scn", 3, 3, "clean0", 11, true, 50000, 12, {
		MOUNT(M(1) | M(2) | M(3), 10), WAIT(11), LEAVE(M(3), 12),
		WAIT(13), MOUNT(M(3), 14), WAIT(15),
		LEAVE(M(1) | M(2) | M(3), 16), WAIT(17), MOUNT(M(2), 18),
		WAIT(19), MOUNT(M(1) | M(3), 20), WAIT(21),
	} },
	{ "four-nodes.scn", 4, 4, "gfs4", 42, true,
	  DLMR_SCEN_STEP_LIMIT_DEFAULT, 13, {
		MOUNT(M(1) | M(2) | M(3) | M(4), 10), WAIT(11),
		CRASH(M(2) | M(4), 12), WAIT(13), MOUNT(M(2) | M(4), 14),
		WAIT(15),
		CRASH_AT(M(3), DLMR_EV_LOCK, DLMR_SCEN_RES_CONTROL, 4, 16),
		CRASH(M(1), 17), WAIT(18), MOUNT(M(1) | M(3), 19), WAIT(20),
		LEAVE(M(1), 21), WAIT(22),
	} },
};

/* Each file under bad/ and its one error, exactly. */
static const struct {
	const char *file;
	const char *msg;
} bad_files[] = {
	{ "unknown-command.scn",
	  "unknown-command.scn:4: unknown command 'crsh'" },
	{ "nodes-out-of-range.scn",
	  "nodes-out-of-range.scn:2: nodes: '40' out of range 1..32" },
	{ "command-before-nodes.scn",
	  "command-before-nodes.scn:2: mount: command before the 'nodes' line" },
	{ "header-after-command.scn",
	  "header-after-command.scn:4: journals: header line after the first command" },
	{ "header-twice.scn",
	  "header-twice.scn:4: seed: given twice (first on line 2)" },
	{ "node-out-of-range.scn",
	  "node-out-of-range.scn:2: mount: node '4' out of range 1..3" },
	{ "on-out-of-range.scn",
	  "on-out-of-range.scn:4: crash: on: node '9' out of range 1..3" },
	{ "duplicate-node.scn",
	  "duplicate-node.scn:2: mount: node 2 given twice" },
	{ "number-junk.scn",
	  "number-junk.scn:2: journals: '3x' is not a number" },
	{ "seed-overflow.scn",
	  "seed-overflow.scn:2: seed: '18446744073709551616' out of range 0..18446744073709551615" },
	{ "bad-lockspace.scn",
	  "bad-lockspace.scn:2: lockspace: bad character in 'gfs/0' (allowed: A-Z a-z 0-9 _ . -)" },
	{ "trigger-not-allowed.scn",
	  "trigger-not-allowed.scn:4: crash: event 'join' cannot be a trigger" },
	{ "unknown-event.scn",
	  "unknown-event.scn:4: crash: unknown event 'recovery'" },
	{ "resource-not-allowed.scn",
	  "resource-not-allowed.scn:4: crash: event 'prep' takes no resource (only lock, grant, again and unlock do)" },
	{ "unknown-resource.scn",
	  "unknown-resource.scn:4: crash: unknown resource 'data' (expected control, mounted or journal)" },
	{ "missing-nodes.scn", "missing-nodes.scn:4: crash: missing nodes" },
	{ "extra-argument.scn",
	  "extra-argument.scn:3: wait: unexpected argument '5'" },
	{ "no-commands.scn", "no-commands.scn:4: no commands" },
	{ "no-nodes.scn", "no-nodes.scn:2: missing 'nodes' line" },
	{ "on-without-at.scn",
	  "on-without-at.scn:4: crash: 'on NODE' needs 'at EVENT' before it" },
	{ "step-limit-zero.scn",
	  "step-limit-zero.scn:2: step-limit: '0' out of range 1..10000000" },
	{ "empty-range.scn", "empty-range.scn:2: mount: empty range '3-1'" },
	{ "line-too-long.scn",
	  "line-too-long.scn:3: line longer than 1024 characters" },
	{ "too-many-commands.scn",
	  "too-many-commands.scn:4099: too many commands (at most 4096)" },
};

static const char *scen_dir(void)
{
	const char *d = getenv("SCENARIO_DIR");

	if (!d)
		fail_msg("SCENARIO_DIR is not set (tests/meson.build sets it)");
	return d;
}

/* Whole file, NUL-terminated; *len excludes the NUL. */
static char *slurp(const char *dir, const char *file, size_t *len)
{
	char path[4096];
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	assert_non_null(buf);
	for (;;) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);

		n += r;
		if (r == 0)
			break;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static void check_want(const struct dlmr_scenario *s, const struct want *w)
{
	unsigned int i;

	assert_string_equal(s->name, w->file);
	assert_int_equal(s->nodes, w->nodes);
	assert_int_equal(s->journals, w->journals);
	assert_string_equal(s->ls, w->ls);
	assert_true(s->seed == w->seed);
	assert_true(dlmr_scenario_seed(s) == w->seed);
	assert_int_equal(s->has_seed, w->has_seed);
	assert_true(s->step_limit == w->step_limit);
	assert_int_equal(s->ncmds, w->ncmds);
	for (i = 0; i < w->ncmds; i++) {
		const struct dlmr_scen_cmd *c = &s->cmds[i];
		const struct want_cmd *e = &w->cmds[i];

		assert_int_equal(c->op, e->op);
		assert_true(c->nodes == e->nodes);
		assert_int_equal(c->at, e->at);
		assert_int_equal(c->at_res, e->res);
		assert_int_equal(c->on, e->on);
		assert_int_equal(c->line, e->line);
	}
}

static struct dlmr_scenario *parse_ok(const char *text, const char *name)
{
	struct dlmr_scenario *s = NULL;
	char err[512] = "";
	int rc = dlmr_scenario_parse(text, name, &s, err, sizeof(err));

	if (rc)
		fail_msg("parse of %s failed (%d): %s", name, rc, err);
	assert_non_null(s);
	assert_string_equal(err, "");
	return s;
}

static void expect_err_buf(const char *text, size_t len, const char *msg)
{
	struct dlmr_scenario *s = (struct dlmr_scenario *)&s;
	char err[512];

	memset(err, 'X', sizeof(err));
	assert_int_equal(dlmr_scenario_parse_buf(text, len, "t.scn", &s, err,
						 sizeof(err)), -EINVAL);
	assert_null(s);
	assert_string_equal(err, msg);
}

static void expect_err(const char *text, const char *msg)
{
	expect_err_buf(text, strlen(text), msg);
}

static void test_default(void **state)
{
	struct dlmr_scenario *s;

	(void)state;
	s = parse_ok(dlmr_scenario_default_text(), "default");
	check_want(s, &want_default);
	dlmr_scenario_free(s);
	assert_ptr_equal(dlmr_scenario_default_text(),
			 dlmr_scenario_default_text());
	assert_non_null(strstr(dlmr_scenario_default_text(),
			       "# dlmctl's built-in scenario"));
}

static void test_examples(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < DLMR_ARRAY_SIZE(want_examples); i++) {
		const struct want *w = &want_examples[i];
		struct dlmr_scenario *s;
		size_t len;
		char *text = slurp(scen_dir(), w->file, &len);

		s = parse_ok(text, w->file);
		check_want(s, w);
		dlmr_scenario_free(s);
		free(text);
	}
}

/* Every *.scn in the directory parses (examples) or is listed (bad/). */
static void test_all_files(void **state)
{
	char bad_dir[4096];
	struct dirent *de;
	unsigned int nexamples = 0, nbad = 0, i;
	DIR *d;

	(void)state;
	d = opendir(scen_dir());
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct dlmr_scenario *s;
		size_t len;
		char *text;

		if (!has_suffix(de->d_name, ".scn"))
			continue;
		text = slurp(scen_dir(), de->d_name, &len);
		s = parse_ok(text, de->d_name);
		dlmr_scenario_free(s);
		free(text);
		nexamples++;
	}
	closedir(d);
	assert_true(nexamples >= DLMR_ARRAY_SIZE(want_examples));

	snprintf(bad_dir, sizeof(bad_dir), "%s/bad", scen_dir());
	d = opendir(bad_dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!has_suffix(de->d_name, ".scn"))
			continue;
		for (i = 0; i < DLMR_ARRAY_SIZE(bad_files); i++)
			if (!strcmp(de->d_name, bad_files[i].file))
				break;
		if (i == DLMR_ARRAY_SIZE(bad_files))
			fail_msg("bad/%s has no expected message in test_scenario.c",
				 de->d_name);
		nbad++;
	}
	closedir(d);
	assert_int_equal(nbad, DLMR_ARRAY_SIZE(bad_files));
}

static void test_bad_files(void **state)
{
	char bad_dir[4096];
	unsigned int i;

	(void)state;
	snprintf(bad_dir, sizeof(bad_dir), "%s/bad", scen_dir());
	for (i = 0; i < DLMR_ARRAY_SIZE(bad_files); i++) {
		struct dlmr_scenario *s = NULL;
		char err[512] = "";
		size_t len;
		char *text = slurp(bad_dir, bad_files[i].file, &len);

		assert_int_equal(dlmr_scenario_parse_buf(text, len,
							 bad_files[i].file, &s,
							 err, sizeof(err)),
				 -EINVAL);
		assert_null(s);
		assert_string_equal(err, bad_files[i].msg);
		/* the NUL-terminated entry point says the same */
		err[0] = '\0';
		assert_int_equal(dlmr_scenario_parse(text, bad_files[i].file,
						     &s, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, bad_files[i].msg);
		free(text);
	}
}

static void test_defaults(void **state)
{
	struct dlmr_scenario *s;

	(void)state;
	s = parse_ok("nodes 5\nmount all\n", "d.scn");
	assert_int_equal(s->nodes, 5);
	assert_int_equal(s->journals, 5);
	assert_string_equal(s->ls, "gfs0");
	assert_true(s->seed == 1);
	assert_false(s->has_seed);
	assert_true(dlmr_scenario_seed(s) == 1);
	assert_true(s->step_limit == DLMR_SCEN_STEP_LIMIT_DEFAULT);
	assert_int_equal(s->ncmds, 1);
	assert_int_equal(s->cmds[0].op, DLMR_SCEN_MOUNT);
	assert_true(s->cmds[0].nodes == (M(1) | M(2) | M(3) | M(4) | M(5)));
	assert_int_equal(s->cmds[0].line, 2);
	dlmr_scenario_free(s);

	/* headers in any order before the first command; journals < nodes */
	s = parse_ok("seed 0\n\tstep-limit 10000000 # max\njournals 2\nnodes 4\nwait\n",
		     "d.scn");
	assert_int_equal(s->nodes, 4);
	assert_int_equal(s->journals, 2);
	assert_true(s->seed == 0);
	assert_true(s->has_seed);
	assert_true(s->step_limit == 10000000);
	dlmr_scenario_free(s);

	/* delivery: kernel by default (above), late, and the override */
	s = parse_ok("nodes 2\ndelivery late\nmount all\n", "d.scn");
	assert_int_equal(s->delivery, DLMR_DELIVERY_LATE);
	assert_int_equal(dlmr_scenario_set_delivery(s, DLMR_DELIVERY_KERNEL), 0);
	assert_int_equal(s->delivery, DLMR_DELIVERY_KERNEL);
	assert_int_equal(dlmr_scenario_set_delivery(s, DLMR_DELIVERY_LATE + 1),
			 -EINVAL);
	assert_int_equal(s->delivery, DLMR_DELIVERY_KERNEL);
	dlmr_scenario_free(s);
	s = parse_ok("nodes 2\ndelivery kernel\nmount all\n", "d.scn");
	assert_int_equal(s->delivery, DLMR_DELIVERY_KERNEL);
	dlmr_scenario_free(s);
	assert_int_equal(dlmr_scenario_set_delivery(NULL, 0), -EINVAL);

	assert_true(dlmr_scenario_seed(NULL) == 1);
	dlmr_scenario_free(NULL);
}

static void test_accepts(void **state)
{
	struct dlmr_scenario *s;
	static char text[(DLMR_SCEN_CMDS_MAX + 8) * 8];
	char *p;
	int i;

	(void)state;
	/* limits, CRLF, tabs, comments glued to tokens, no final newline */
	s = parse_ok("nodes 32\r\njournals 32\r\nseed 18446744073709551615\r\n"
		     "lockspace a-Z_0.9\r\n"
		     "mount\t1-16 17 18-32#comment\r\n"
		     "crash 32 1 at first_done on 32\n"
		     "crash 5-6 at unlock:journal\n"
		     "crash 7 at again:mounted on 3\n"
		     "crash 8 at grant\n"
		     "leave 2-2 4\n   \n#\nwait",
		     "ok.scn");
	assert_int_equal(s->nodes, 32);
	assert_int_equal(s->delivery, DLMR_DELIVERY_KERNEL);
	assert_true(s->seed == UINT64_MAX);
	assert_string_equal(s->ls, "a-Z_0.9");
	assert_int_equal(s->ncmds, 7);
	assert_true(s->cmds[0].nodes == (UINT64_C(0xffffffff) << 1));
	assert_true(s->cmds[1].nodes == (M(1) | M(32)));
	assert_int_equal(s->cmds[1].at, DLMR_EV_FIRST_DONE);
	assert_int_equal(s->cmds[1].on, 32);
	assert_true(s->cmds[2].nodes == (M(5) | M(6)));
	assert_int_equal(s->cmds[2].at, DLMR_EV_UNLOCK);
	assert_int_equal(s->cmds[2].at_res, DLMR_SCEN_RES_JOURNAL);
	assert_int_equal(s->cmds[2].on, 0);
	assert_int_equal(s->cmds[3].at, DLMR_EV_AGAIN);
	assert_int_equal(s->cmds[3].at_res, DLMR_SCEN_RES_MOUNTED);
	assert_int_equal(s->cmds[3].on, 3);
	assert_int_equal(s->cmds[4].at, DLMR_EV_GRANT);
	assert_int_equal(s->cmds[4].at_res, DLMR_SCEN_RES_ANY);
	assert_int_equal(s->cmds[5].op, DLMR_SCEN_LEAVE);
	assert_true(s->cmds[5].nodes == (M(2) | M(4)));
	assert_int_equal(s->cmds[6].op, DLMR_SCEN_WAIT);
	assert_int_equal(s->cmds[6].line, 13);
	dlmr_scenario_free(s);

	/* every trigger event */
	{
		static const struct {
			const char *name;
			enum dlmr_event_type ev;
		} evs[] = {
			{ "prep", DLMR_EV_PREP }, { "slot", DLMR_EV_SLOT },
			{ "done", DLMR_EV_DONE }, { "lock", DLMR_EV_LOCK },
			{ "grant", DLMR_EV_GRANT }, { "again", DLMR_EV_AGAIN },
			{ "unlock", DLMR_EV_UNLOCK },
			{ "recover", DLMR_EV_RECOVER },
			{ "recovered", DLMR_EV_RECOVERED },
			{ "block", DLMR_EV_BLOCK }, { "unblock", DLMR_EV_UNBLOCK },
			{ "mounted", DLMR_EV_MOUNTED },
			{ "first_done", DLMR_EV_FIRST_DONE },
		};
		unsigned int k;

		for (k = 0; k < DLMR_ARRAY_SIZE(evs); k++) {
			snprintf(text, sizeof(text), "nodes 2\ncrash 2 at %s on 1\n",
				 evs[k].name);
			s = parse_ok(text, "ev.scn");
			assert_int_equal(s->cmds[0].at, evs[k].ev);
			assert_int_equal(s->cmds[0].on, 1);
			dlmr_scenario_free(s);
		}
	}

	/* exactly DLMR_SCEN_CMDS_MAX commands */
	p = text + sprintf(text, "nodes 1\n");
	for (i = 0; i < DLMR_SCEN_CMDS_MAX; i++)
		p += sprintf(p, "wait\n");
	s = parse_ok(text, "max.scn");
	assert_int_equal(s->ncmds, DLMR_SCEN_CMDS_MAX);
	assert_int_equal(s->cmds[DLMR_SCEN_CMDS_MAX - 1].line,
			 DLMR_SCEN_CMDS_MAX + 1);
	dlmr_scenario_free(s);

	/* a line of exactly 1024 characters; a 64-character lockspace */
	p = text + sprintf(text, "nodes 1\nlockspace ");
	for (i = 0; i < DLMR_LSNAME_MAX; i++)
		*p++ = 'L';
	*p++ = '\n';
	p += sprintf(p, "wait");
	for (i = 4; i < 1024; i++)
		*p++ = ' ';
	strcpy(p, "\n");
	s = parse_ok(text, "long.scn");
	assert_int_equal(strlen(s->ls), DLMR_LSNAME_MAX);
	dlmr_scenario_free(s);

	/* leading zeros are decimal */
	s = parse_ok("nodes 010\nmount 09\n", "z.scn");
	assert_int_equal(s->nodes, 10);
	assert_true(s->cmds[0].nodes == M(9));
	dlmr_scenario_free(s);
}

static void test_errors(void **state)
{
	static char text[(DLMR_SCEN_CMDS_MAX + 8) * 8];
	char want[128];
	char *p;
	int i;

	(void)state;
	/* structure */
	expect_err("", "t.scn:1: missing 'nodes' line");
	expect_err("# only a comment\n\n", "t.scn:2: missing 'nodes' line");
	expect_err("nodes 2\n", "t.scn:1: no commands");
	expect_err("wait\n", "t.scn:1: wait: command before the 'nodes' line");
	expect_err("nodes 2\nwait\nnodes 3\n",
		   "t.scn:3: nodes: header line after the first command");
	expect_err("nodes 2\nlockspace a\nlockspace a\nwait\n",
		   "t.scn:3: lockspace: given twice (first on line 2)");
	expect_err("nodes 2\nmount 1\nwiat\n", "t.scn:3: unknown command 'wiat'");
	expect_err("nodes 2\nMount 1\n", "t.scn:2: unknown command 'Mount'");
	expect_err("nodes 2\nmount 1 # fine\n wait ## fine\n-\n",
		   "t.scn:4: unknown command '-'");

	/* delivery (late delivery, docs/scenario-format.md) */
	expect_err("nodes 2\ndelivery soon\nwait\n",
		   "t.scn:2: delivery: unknown mode 'soon' (kernel or late)");
	expect_err("nodes 2\ndelivery late\ndelivery late\nwait\n",
		   "t.scn:3: delivery: given twice (first on line 2)");
	expect_err("nodes 2\nwait\ndelivery late\n",
		   "t.scn:3: delivery: header line after the first command");
	expect_err("nodes 2\ndelivery\nwait\n",
		   "t.scn:2: delivery: missing value");
	/* arguments */
	expect_err("nodes\n", "t.scn:1: nodes: missing value");
	expect_err("nodes 2 3\n", "t.scn:1: nodes: unexpected argument '3'");
	expect_err("nodes 2\nseed\n", "t.scn:2: seed: missing value");
	expect_err("nodes 2\nstep-limit 1 x\n",
		   "t.scn:2: step-limit: unexpected argument 'x'");
	expect_err("nodes 2\nmount\n", "t.scn:2: mount: missing nodes");
	expect_err("nodes 2\nleave\n", "t.scn:2: leave: missing nodes");
	expect_err("nodes 2\nwait all\n", "t.scn:2: wait: unexpected argument 'all'");
	expect_err("nodes 2\ncrash at prep\n", "t.scn:2: crash: missing nodes");
	expect_err("nodes 2\ncrash 1 at\n", "t.scn:2: crash: 'at' needs an event");
	expect_err("nodes 2\ncrash 1 at prep on\n", "t.scn:2: crash: 'on' needs a node");
	expect_err("nodes 2\ncrash 1 at prep on 2 1\n",
		   "t.scn:2: crash: unexpected argument '1'");
	expect_err("nodes 2\ncrash 1 at prep at done\n",
		   "t.scn:2: crash: unexpected argument 'at'");
	expect_err("nodes 2\ncrash 1 at prep on 1 on 2\n",
		   "t.scn:2: crash: unexpected argument 'on'");
	expect_err("nodes 2\nmount 1 at prep\n",
		   "t.scn:2: mount: 'at' is only allowed with crash");
	expect_err("nodes 2\nleave 1 on 2\n",
		   "t.scn:2: leave: 'on' is only allowed with crash");

	/* numbers */
	expect_err("nodes 0\n", "t.scn:1: nodes: '0' out of range 1..32");
	expect_err("nodes 33\n", "t.scn:1: nodes: '33' out of range 1..32");
	expect_err("nodes -1\n", "t.scn:1: nodes: '-1' is not a number");
	expect_err("nodes +1\n", "t.scn:1: nodes: '+1' is not a number");
	expect_err("nodes 0x3\n", "t.scn:1: nodes: '0x3' is not a number");
	expect_err("nodes 99999999999999999999999\n",
		   "t.scn:1: nodes: '99999999999999999999999' out of range 1..32");
	expect_err("journals 0\n", "t.scn:1: journals: '0' out of range 1..32");
	expect_err("journals 33\n", "t.scn:1: journals: '33' out of range 1..32");
	expect_err("seed 1.5\n", "t.scn:1: seed: '1.5' is not a number");
	expect_err("seed 99999999999999999999\n",
		   "t.scn:1: seed: '99999999999999999999' out of range 0..18446744073709551615");
	expect_err("step-limit 10000001\n",
		   "t.scn:1: step-limit: '10000001' out of range 1..10000000");
	expect_err("step-limit 1e6\n", "t.scn:1: step-limit: '1e6' is not a number");

	/* nodes */
	expect_err("nodes 3\nmount 0\n", "t.scn:2: mount: node '0' out of range 1..3");
	expect_err("nodes 3\nmount 2-4\n", "t.scn:2: mount: node '2-4' out of range 1..3");
	expect_err("nodes 3\nmount 0-2\n", "t.scn:2: mount: node '0-2' out of range 1..3");
	expect_err("nodes 3\nmount 18446744073709551617\n",
		   "t.scn:2: mount: node '18446744073709551617' out of range 1..3");
	expect_err("nodes 3\nmount x\n",
		   "t.scn:2: mount: bad node 'x' (expected a nodeid, A-B or all)");
	expect_err("nodes 3\nmount 1,2\n",
		   "t.scn:2: mount: bad node '1,2' (expected a nodeid, A-B or all)");
	expect_err("nodes 3\nmount -2\n",
		   "t.scn:2: mount: bad node '-2' (expected a nodeid, A-B or all)");
	expect_err("nodes 3\nmount 2-\n",
		   "t.scn:2: mount: bad node '2-' (expected a nodeid, A-B or all)");
	expect_err("nodes 3\nmount 1-2-3\n",
		   "t.scn:2: mount: bad node '1-2-3' (expected a nodeid, A-B or all)");
	expect_err("nodes 3\nmount ALL\n",
		   "t.scn:2: mount: bad node 'ALL' (expected a nodeid, A-B or all)");
	expect_err("nodes 3\nmount 3-2\n", "t.scn:2: mount: empty range '3-2'");
	expect_err("nodes 3\nmount 1 1\n", "t.scn:2: mount: node 1 given twice");
	expect_err("nodes 3\nleave all 3\n", "t.scn:2: leave: node 3 given twice");
	expect_err("nodes 3\nleave all all\n", "t.scn:2: leave: node 1 given twice");
	expect_err("nodes 3\ncrash 2-3 1-2\n", "t.scn:2: crash: node 2 given twice");
	expect_err("nodes 3\ncrash 1 at prep on 0\n",
		   "t.scn:2: crash: on: node '0' out of range 1..3");
	expect_err("nodes 3\ncrash 1 at prep on all\n",
		   "t.scn:2: crash: on: bad node 'all' (expected one nodeid)");
	expect_err("nodes 3\ncrash 1 at prep on 1-2\n",
		   "t.scn:2: crash: on: bad node '1-2' (expected one nodeid)");

	/* triggers */
	expect_err("nodes 3\ncrash 1 at Prep\n", "t.scn:2: crash: unknown event 'Prep'");
	expect_err("nodes 3\ncrash 1 at :control\n", "t.scn:2: crash: unknown event ''");
	expect_err("nodes 3\ncrash 1 at none\n", "t.scn:2: crash: unknown event 'none'");
	expect_err("nodes 3\ncrash 1 at leave\n",
		   "t.scn:2: crash: event 'leave' cannot be a trigger");
	expect_err("nodes 3\ncrash 1 at crash\n",
		   "t.scn:2: crash: event 'crash' cannot be a trigger");
	expect_err("nodes 3\ncrash 1 at unmounted\n",
		   "t.scn:2: crash: event 'unmounted' cannot be a trigger");
	expect_err("nodes 3\ncrash 1 at violation\n",
		   "t.scn:2: crash: event 'violation' cannot be a trigger");
	expect_err("nodes 3\ncrash 1 at lost:control\n",
		   "t.scn:2: crash: event 'lost' cannot be a trigger");
	expect_err("nodes 3\ncrash 1 at mounted:mounted\n",
		   "t.scn:2: crash: event 'mounted' takes no resource (only lock, grant, again and unlock do)");
	expect_err("nodes 3\ncrash 1 at lock:\n",
		   "t.scn:2: crash: unknown resource '' (expected control, mounted or journal)");
	expect_err("nodes 3\ncrash 1 at lock:control:x\n",
		   "t.scn:2: crash: unknown resource 'control:x' (expected control, mounted or journal)");
	expect_err("nodes 3\ncrash 1 on 2 at prep\n",
		   "t.scn:2: crash: 'on NODE' needs 'at EVENT' before it");

	/* lockspace */
	expect_err("lockspace gfs 0\n", "t.scn:1: lockspace: unexpected argument '0'");
	expect_err("lockspace g:fs\n",
		   "t.scn:1: lockspace: bad character in 'g:fs' (allowed: A-Z a-z 0-9 _ . -)");
	p = text + sprintf(text, "lockspace ");
	for (i = 0; i < DLMR_LSNAME_MAX + 1; i++)
		*p++ = 'a';
	strcpy(p, "\n");
	expect_err(text, "t.scn:1: lockspace: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' longer than 64 characters");

	/* too many commands */
	p = text + sprintf(text, "nodes 1\n");
	for (i = 0; i <= DLMR_SCEN_CMDS_MAX; i++)
		p += sprintf(p, "wait\n");
	snprintf(want, sizeof(want), "t.scn:%d: too many commands (at most %d)",
		 DLMR_SCEN_CMDS_MAX + 2, DLMR_SCEN_CMDS_MAX);
	expect_err(text, want);

	/* long lines: 1025 characters, comment or not, last line or not */
	p = text + sprintf(text, "nodes 1\nwait\n");
	memset(p, '#', 1025);
	p[1025] = '\0';
	expect_err(text, "t.scn:3: line longer than 1024 characters");
	p[1024] = '\n';
	p[1025] = 'w';
	p[1026] = '\0';
	expect_err(text, "t.scn:4: unknown command 'w'");

	/* NUL bytes */
	expect_err_buf("nodes 1\nwait\0\n", 14, "t.scn:2: NUL byte in the text");
	expect_err_buf("nodes 1\nwait\n\0", 14, "t.scn:3: NUL byte in the text");
	expect_err_buf("\0", 1, "t.scn:1: NUL byte in the text");

	/* unprintable bytes and long tokens are escaped and cut in messages */
	expect_err("nodes 1\n\x01\xff" "a\n", "t.scn:2: unknown command '\\x01\\xffa'");
	expect_err("nodes 1\nwait\x0b\n", "t.scn:2: unknown command 'wait\\x0b'");
	expect_err("nodes 1\nmount 1 at\n", "t.scn:2: mount: 'at' is only allowed with crash");
	/* crash NODES in members-wait (docs/findings.md, finding 7) */
	expect_err("nodes 2\ncrash 1 in\n", "t.scn:2: crash: 'in' needs a window");
	expect_err("nodes 2\ncrash 1 in slots\n",
		   "t.scn:2: crash: unknown window 'slots' (expected members-wait)");
	expect_err("nodes 2\ncrash 1 in members-wait on 2\n",
		   "t.scn:2: crash: unexpected argument 'on'");
	expect_err("nodes 2\nleave 1 in members-wait\n",
		   "t.scn:2: leave: 'in' is only allowed with crash");
	/* crash N resend NODE LOCK (docs/step-order.md, L) */
	expect_err("nodes 3\ncrash 1 2 resend 3 control\n",
		   "t.scn:2: crash: 'resend' needs one crashing node");
	expect_err("nodes 3\ncrash 1 resend 1 control\n",
		   "t.scn:2: crash: resend: node 1 is the one crashing");
	expect_err("nodes 3\ncrash 1 resend 2\n",
		   "t.scn:2: crash: 'resend' needs a node and a lock (control, mounted or journal J)");
	expect_err("nodes 3\ncrash 1 resend 2 journal\n",
		   "t.scn:2: crash: resend: unknown lock 'journal' (control, mounted or journal J)");
	expect_err("nodes 3\njournals 3\ncrash 1 resend 2 journal 3\n",
		   "t.scn:3: crash: resend journal: '3' out of range 0..2");
	expect_err("nodes 3\ncrash 1 resend 2 lock\n",
		   "t.scn:2: crash: resend: unknown lock 'lock' (control, mounted or journal J)");
	expect_err("nodes 3\ncrash 1 resend 2 control resend 2 control\n",
		   "t.scn:2: crash: resend: given twice");
	expect_err("nodes 3\ncrash 1 resend 2 control at prep\n",
		   "t.scn:2: crash: unexpected argument 'at'");
	expect_err("nodes 3\ncrash 1 at prep resend 2 control\n",
		   "t.scn:2: crash: unexpected argument 'resend'");
	expect_err("nodes 1\n0123456789012345678901234567890123456789X\n",
		   "t.scn:2: unknown command '0123456789012345678901234567890123456789...'");
	expect_err("nodes 1\n0123456789012345678901234567890123456789\n",
		   "t.scn:2: unknown command '0123456789012345678901234567890123456789'");
}

/* "crash N resend NODE LOCK ...": the replies lost with N. */
static void test_crash_resend(void **state)
{
	struct dlmr_scenario *s;

	(void)state;
	s = parse_ok("nodes 3\nmount all\ncrash 1 resend 2 mounted resend 3 "
		     "journal 2 resend 3 control\ncrash 2\n", "t.scn");
	assert_int_equal(s->ncmds, 3);
	assert_int_equal(s->cmds[1].op, DLMR_SCEN_CRASH);
	assert_int_equal(s->cmds[1].at, DLMR_EV_NONE);
	assert_int_equal(s->cmds[1].nresend, 3);
	assert_int_equal(s->cmds[1].resend_node[0], 2);
	assert_int_equal(s->cmds[1].resend_res[0], 1);
	assert_int_equal(s->cmds[1].resend_node[1], 3);
	assert_int_equal(s->cmds[1].resend_res[1], 4);
	assert_int_equal(s->cmds[1].resend_res[2], 0);
	assert_int_equal(s->cmds[2].nresend, 0);
	dlmr_scenario_free(s);
}

/* "crash NODES in members-wait" arms a trigger of its own kind. */
static void test_in_members_wait(void **state)
{
	struct dlmr_scenario *s;

	(void)state;
	s = parse_ok("nodes 3\nmount all\ncrash 1 3 in members-wait\n"
		     "crash 2\n", "t.scn");
	assert_int_equal(s->ncmds, 3);
	assert_int_equal(s->cmds[1].op, DLMR_SCEN_CRASH);
	assert_true(s->cmds[1].in_wait);
	assert_int_equal(s->cmds[1].nodes, (1u << 1) | (1u << 3));
	assert_int_equal(s->cmds[1].at, DLMR_EV_NONE);
	assert_false(s->cmds[2].in_wait);
	dlmr_scenario_free(s);
}

/* "step recovery master N [lvb-from M]": the lock recovery's choice
 * when the control lock's master was removed (N | M << 8). */
static void test_step_recovery_choice(void **state)
{
	struct dlmr_scenario *s;

	(void)state;
	s = parse_ok("nodes 3\nmount all\nstep recovery\n"
		     "step recovery master 2\n"
		     "step recovery master 3 lvb-from 1\n", "t.scn");
	assert_int_equal(s->ncmds, 4);
	assert_int_equal(s->cmds[1].step, DLMR_SCEN_STEP_RECOVERY);
	assert_int_equal(s->cmds[1].step_arg, 0);
	assert_int_equal(s->cmds[2].step_arg, 2);
	assert_int_equal(s->cmds[3].step_arg, 3 | 1 << 8);
	dlmr_scenario_free(s);
	expect_err("nodes 3\nstep recovery 2\n",
		   "t.scn:2: step recovery: unexpected argument '2'");
	expect_err("nodes 3\nstep recovery master\n",
		   "t.scn:2: step recovery: missing argument");
	expect_err("nodes 3\nstep recovery master 4\n",
		   "t.scn:2: step recovery: master: node '4' out of range 1..3");
	expect_err("nodes 3\nstep recovery master 1-2\n",
		   "t.scn:2: step recovery: master: bad node '1-2' (expected one nodeid)");
	expect_err("nodes 3\nstep recovery master 1 from 2\n",
		   "t.scn:2: step recovery: unexpected argument 'from'");
	expect_err("nodes 3\nstep recovery master 1 lvb-from\n",
		   "t.scn:2: step recovery: missing argument");
	expect_err("nodes 3\nstep recovery master 1 lvb-from 0\n",
		   "t.scn:2: step recovery: lvb-from: node '0' out of range 1..3");
	expect_err("nodes 3\nstep recovery master 1 lvb-from 2 x\n",
		   "t.scn:2: step recovery: unexpected argument 'x'");
}

/* "cycle N": the next N step lines are a lasso's cycle. */
static void test_cycle(void **state)
{
	struct dlmr_scenario *s;

	(void)state;
	s = parse_ok("nodes 2\nmount all\ncycle 2\nstep callback 1\n"
		     "step timer 2 work\n", "t.scn");
	assert_int_equal(s->ncmds, 4);
	assert_int_equal(s->cmds[1].op, DLMR_SCEN_CYCLE);
	assert_int_equal(s->cmds[1].step_arg, 2);
	dlmr_scenario_free(s);
	expect_err("nodes 2\ncycle\n",
		   "t.scn:2: cycle: missing number of steps");
	expect_err("nodes 2\ncycle 1 2\n",
		   "t.scn:2: cycle: unexpected argument '2'");
	expect_err("nodes 2\ncycle 0\n",
		   "t.scn:2: cycle: '0' out of range 1..4095");
	expect_err("nodes 2\ncycle x\n",
		   "t.scn:2: cycle: 'x' is not a number");
	expect_err("nodes 2\nmount all\ncycle 2\nstep callback 1\n",
		   "t.scn:3: cycle: the 2 commands after it must be step lines");
	expect_err("nodes 2\ncycle 2\nstep callback 1\nwait\n",
		   "t.scn:2: cycle: the 2 commands after it must be step lines");
}

static void test_arguments(void **state)
{
	struct dlmr_scenario *s = NULL;
	char err[64];
	char big[600];
	int i;

	(void)state;
	/* NULL arguments */
	assert_int_equal(dlmr_scenario_parse(NULL, "n", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "n: NULL text or result pointer");
	assert_int_equal(dlmr_scenario_parse("nodes 1\nwait\n", "n", NULL, err,
					     sizeof(err)), -EINVAL);
	assert_int_equal(dlmr_scenario_parse(NULL, NULL, NULL, NULL, 0), -EINVAL);

	/* no name */
	assert_int_equal(dlmr_scenario_parse("x", NULL, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "<scenario>:1: unknown command 'x'");
	s = parse_ok("nodes 1\nwait\n", NULL);
	assert_string_equal(s->name, "<scenario>");
	dlmr_scenario_free(s);

	/* err NULL, errlen 0, 1, short: no overflow, always terminated */
	assert_int_equal(dlmr_scenario_parse("x", "n", &s, NULL, 0), -EINVAL);
	assert_null(s);
	err[0] = 'Z';
	assert_int_equal(dlmr_scenario_parse("x", "n", &s, err, 0), -EINVAL);
	assert_int_equal(err[0], 'Z');
	assert_int_equal(dlmr_scenario_parse("x", "n", &s, err, 1), -EINVAL);
	assert_string_equal(err, "");
	memset(err, 'Z', sizeof(err));
	assert_int_equal(dlmr_scenario_parse("x", "n", &s, err, 8), -EINVAL);
	assert_string_equal(err, "n:1: un");
	assert_int_equal(err[8], 'Z');

	/* success clears err */
	strcpy(err, "stale");
	assert_int_equal(dlmr_scenario_parse("nodes 1\nwait\n", "n", &s, err,
					     sizeof(err)), 0);
	assert_string_equal(err, "");
	dlmr_scenario_free(s);

	/* a name with a newline stays on one line; a long name is cut */
	assert_int_equal(dlmr_scenario_parse("x", "a\nb", &s, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "a\\x0ab:1: unknown command 'x'");
	for (i = 0; i < (int)sizeof(big) - 1; i++)
		big[i] = 'n';
	big[sizeof(big) - 1] = '\0';
	s = parse_ok("nodes 1\nwait\n", big);
	assert_int_equal(strlen(s->name), sizeof(s->name) - 1);
	dlmr_scenario_free(s);
}

/* xorshift64*: a fixed sequence, so failures reproduce. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * UINT64_C(2685821657736338717);
}

/* Parse anything: never crash, and keep the result contract. */
static void parse_any(const char *text, size_t len)
{
	struct dlmr_scenario *s = (struct dlmr_scenario *)&s;
	char err[256];
	unsigned int i;
	int rc;

	memset(err, 'X', sizeof(err));
	rc = dlmr_scenario_parse_buf(text, len, "f", &s, err, sizeof(err));
	if (rc) {
		assert_int_equal(rc, -EINVAL);
		assert_null(s);
		assert_true(strlen(err) > 3 && strlen(err) < sizeof(err));
		assert_true(!strncmp(err, "f:", 2));
		for (i = 0; err[i]; i++)
			assert_true(err[i] >= 0x20 && err[i] < 0x7f);
		return;
	}
	assert_non_null(s);
	assert_true(s->nodes >= 1 && s->nodes <= DLMR_SIM_NODES_MAX);
	assert_true(s->journals >= 1 && s->journals <= DLMR_SIM_NODES_MAX);
	assert_true(s->ls[0] && strlen(s->ls) <= DLMR_LSNAME_MAX);
	assert_true(s->step_limit >= 1 && s->step_limit <= 10000000);
	assert_true(s->ncmds >= 1 && s->ncmds <= DLMR_SCEN_CMDS_MAX);
	for (i = 0; i < s->ncmds; i++) {
		const struct dlmr_scen_cmd *c = &s->cmds[i];
		uint64_t all = ((UINT64_C(2) << s->nodes) - 1) & ~UINT64_C(1);

		assert_true(c->op >= DLMR_SCEN_MOUNT && c->op <= DLMR_SCEN_LEAVE);
		assert_true((c->nodes & ~all) == 0);
		assert_true(c->op == DLMR_SCEN_WAIT ? c->nodes == 0 : c->nodes != 0);
		assert_true(c->on <= s->nodes);
		assert_true(c->at == DLMR_EV_NONE || c->op == DLMR_SCEN_CRASH);
		assert_true(c->at_res == DLMR_SCEN_RES_ANY ||
			    c->at == DLMR_EV_LOCK || c->at == DLMR_EV_GRANT ||
			    c->at == DLMR_EV_AGAIN || c->at == DLMR_EV_UNLOCK);
		assert_true(c->line >= 1 && (i == 0 || c->line > s->cmds[i - 1].line));
	}
	dlmr_scenario_free(s);
}

static const char *const words[] = {
	"nodes", "journals", "lockspace", "seed", "step-limit", "mount",
	"wait", "crash", "leave", "at", "on", "all", "1", "2", "3", "32", "33",
	"1-3", "3-1", "0", "prep", "lock:control", "grant:journal", "join",
	"first_done", "#", "\n", "\n", "\n", " ", " ", "\t", "\r", "-", ":",
	"18446744073709551616", "gfs0", "\0",
};

static void test_fuzz(void **state)
{
	static char buf[8192];
	uint64_t x = 0x9e3779b97f4a7c15u;
	unsigned int iter, k;
	size_t len, i;

	(void)state;
	/* random bytes */
	for (iter = 0; iter < 20000; iter++) {
		len = rnd(&x) % 300;
		for (i = 0; i < len; i++)
			buf[i] = (char)rnd(&x);
		parse_any(buf, len);
	}
	/* random sentences of the language's own words */
	for (iter = 0; iter < 50000; iter++) {
		unsigned int n = (unsigned int)(rnd(&x) % 40);

		len = 0;
		for (k = 0; k < n; k++) {
			const char *w = words[rnd(&x) % DLMR_ARRAY_SIZE(words)];
			size_t wl = *w ? strlen(w) : 1;

			memcpy(buf + len, w, wl);
			len += wl;
			if (rnd(&x) % 3)
				buf[len++] = rnd(&x) % 4 ? ' ' : '\n';
		}
		if (iter % 2) {
			/* start from a valid header so commands get checked */
			memmove(buf + 8, buf, len);
			memcpy(buf, "nodes 3\n", 8);
			len += 8;
		}
		parse_any(buf, len);
	}
	/* every truncation and many mutations of every valid text */
	{
		const char *texts[DLMR_ARRAY_SIZE(want_examples) + 1];
		char *owned[DLMR_ARRAY_SIZE(want_examples)];
		size_t tl;

		texts[0] = dlmr_scenario_default_text();
		for (k = 0; k < DLMR_ARRAY_SIZE(want_examples); k++) {
			owned[k] = slurp(scen_dir(), want_examples[k].file, &tl);
			texts[k + 1] = owned[k];
		}
		for (k = 0; k < DLMR_ARRAY_SIZE(texts); k++) {
			tl = strlen(texts[k]);
			assert_true(tl < sizeof(buf));
			for (len = 0; len <= tl; len++)
				parse_any(texts[k], len);
			for (iter = 0; iter < 2000; iter++) {
				memcpy(buf, texts[k], tl);
				for (i = 0; i < 1 + rnd(&x) % 4; i++)
					buf[rnd(&x) % tl] = (char)rnd(&x);
				parse_any(buf, tl);
			}
		}
		for (k = 0; k < DLMR_ARRAY_SIZE(want_examples); k++)
			free(owned[k]);
	}
	/* long lines around the limit, with and without tokens */
	for (iter = 0; iter < 200; iter++) {
		size_t n = 1000 + rnd(&x) % 60;

		len = (size_t)sprintf(buf, "nodes 2\n");
		for (i = 0; i < n; i++)
			buf[len + i] = rnd(&x) % 2 ? ' ' : "0123456789at-"[rnd(&x) % 13];
		len += n;
		parse_any(buf, len);
	}
	/* one huge line and many short ones */
	memset(buf, 'a', sizeof(buf));
	parse_any(buf, sizeof(buf));
	memset(buf, ' ', sizeof(buf));
	parse_any(buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i % 2 ? '\n' : 'x';
	parse_any(buf, sizeof(buf));
	memset(buf, '\n', sizeof(buf));
	parse_any(buf, sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_all_files),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_in_members_wait),
		cmocka_unit_test(test_crash_resend),
		cmocka_unit_test(test_step_recovery_choice),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
