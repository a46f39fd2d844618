/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness: dlmctl's argument handling, where it parses numbers,
 * ranges and names: every command's own parser (tools/dlmctl/args.c:
 * dlmctl_sim_args(), dlmctl_explore_args(), dlmctl_show_args() for slots
 * and recover, dlmctl_watch_args(), dlmctl_check_args(),
 * dlmctl_emulate_args(): their getopt
 * tables, option errors, numbers and the checks between arguments), the
 * number parsers under them (tools/dlmctl/help.c: dlmctl_parse_ulong(),
 * dlmctl_parse_u64()) in the ranges the commands use, and the names the
 * commands look up (commands, mutants, fixes, stacks, event kinds).
 *
 * The input is an argument vector: strings separated by NUL bytes, given
 * to every command's parser.
 * Properties:
 * - a number is accepted exactly when it is decimal digits only (no sign,
 *   no space, no base prefix), fits, and lies in the range; then its value
 *   is the one the digits give; otherwise the answer is 2 (a usage error,
 *   its message on stderr);
 * - a parser answers 0 or 2 (a usage error), whatever the vector (no read
 *   outside it); what it accepts is in the command's ranges (--nodes,
 *   --failures <= --nodes, --threads, ...), a combination it accepts is
 *   one the command allows (--svg with --compare, --fair with
 *   --no-livelock, --nodeid without --klog=FILE are not), and the names
 *   and paths it returns are strings of the vector, lockspace names at
 *   most DLMR_LSNAME_MAX long;
 * - a name is found exactly when it is one of the names, and the name of
 *   what is found is that string.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include <dlmrecover.h>

#include "args.h"
#include "dlmctl.h"
#include "fuzz.h"
#include "stacks.h"

#define ARGS_MAX 16

/*
 * The usage errors go to stderr, thousands a second: while an input runs,
 * fd 2 is /dev/null, unless FUZZ_KEEP_STDERR is set (to read a crash's
 * report when replaying it).  libFuzzer's own output, between inputs,
 * still reaches stderr.
 */
static int null_fd = -1, saved_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (getenv("FUZZ_KEEP_STDERR"))
		return 0;
	null_fd = open("/dev/null", O_WRONLY);
	saved_fd = dup(2);
	if (null_fd < 0 || saved_fd < 0)
		abort();
	fuzz_report_fd = saved_fd;
	return 0;
}

static void quiet(bool on)
{
	if (null_fd < 0)
		return;
	fflush(stderr);
	if (dup2(on ? null_fd : saved_fd, 2) < 0)
		abort();
}

/* What the digits of @s give: true if @s is digits only and fits. */
static bool reference(const char *s, unsigned long long *v)
{
	*v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (*s < '0' || *s > '9')
			return false;
		if (*v > (ULLONG_MAX - d) / 10)
			return false;
		*v = *v * 10 + d;
	}
	return true;
}

static void numbers(const char *s)
{
	static const unsigned long range[][2] = {
		{ 0, ULONG_MAX }, { 1, 8 }, { 2, 32 }, { 1, UINT32_MAX },
		{ 0, INT_MAX }, { 1, ULONG_MAX },
	};
	unsigned long long ref;
	bool ok = reference(s, &ref);
	uint64_t v64 = 12345;
	int r;

	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		unsigned long v = 12345;
		bool in = ok && ref <= ULONG_MAX && ref >= range[i][0] &&
			  ref <= range[i][1];

		r = dlmctl_parse_ulong("--n", s, range[i][0], range[i][1], &v);
		FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
		FUZZ_CHECK((r == 0) == in);
		if (in)
			FUZZ_CHECK(v == ref);
	}
	r = dlmctl_parse_u64("--seed", s, &v64);
	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	FUZZ_CHECK((r == 0) == ok);
	if (ok)
		FUZZ_CHECK(v64 == ref);
}

static void names(const char *s)
{
	const struct dlmctl_cmd *cmd = dlmctl_cmd_find(s);
	enum dlmr_event_type t = dlmr_event_from_name(s);
	enum dlmr_stack st;
	int id;

	if (cmd)
		FUZZ_CHECK(!strcmp(cmd->name, s));
	id = dlmr_mutant_from_name(s);
	FUZZ_CHECK(id == -ENOENT ||
		   (id >= 1 && !strcmp(dlmr_mutant_name((unsigned int)id), s)));
	id = dlmr_fix_from_name(s);
	FUZZ_CHECK(id == -ENOENT ||
		   (id >= 1 && !strcmp(dlmr_fix_name((unsigned int)id), s)));
	if (t != DLMR_EV_NONE)
		FUZZ_CHECK(dlmr_event_name(t) && !strcmp(dlmr_event_name(t), s));
	if (!dlmr_stacks_from_name(s, &st))
		FUZZ_CHECK(!strcmp(s, "cluster3") || !strcmp(s, "cluster4"));
}

/* Does @s point to one of the @argc strings of @argv? */
static bool in_argv(const char *s, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (s == argv[i])
			return true;
	return false;
}

static void sim(int argc, char **argv)
{
	struct dlmctl_sim_args a;
	int r = dlmctl_sim_args(argc, argv, &a);

	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	if (r || a.help || a.show_default)
		return;
	FUZZ_CHECK(a.cmp_nodes >= 2 &&
		   a.cmp_nodes <= DLMR_STACKS_EXPLORE_NODES_MAX);
	FUZZ_CHECK(a.delivery == -1 || a.delivery == DLMR_DELIVERY_KERNEL ||
		   a.delivery == DLMR_DELIVERY_LATE);
	FUZZ_CHECK(!a.svg || (a.svg[0] && !a.compare && !a.cluster3 &&
			      !(a.json && !strcmp(a.svg, "-"))));
	FUZZ_CHECK(a.delivery == -1 || (!a.compare && !a.cluster3));
	FUZZ_CHECK(!a.path || (!a.compare && in_argv(a.path, argc, argv)));
}

static void explore(int argc, char **argv)
{
	struct dlmctl_explore_args a;
	const struct dlmr_explore_config *c = &a.cfg;
	int r = dlmctl_explore_args(argc, argv, &a);

	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	if (r || a.help || a.list)
		return;
	FUZZ_CHECK(c->nodes >= 1 && c->nodes <= 8);
	FUZZ_CHECK(c->failures <= c->nodes && c->rejoins <= 8);
	FUZZ_CHECK(c->journals >= 1 && c->journals <= 8);
	FUZZ_CHECK(c->threads <= 256 && c->por_check <= 4 && a.runs >= 1);
	FUZZ_CHECK(!(c->fair && c->no_livelock) && (!c->fair || c->no_por));
	FUZZ_CHECK(!c->mutant || dlmr_mutant_name(c->mutant));
	for (unsigned int i = 0; i < 32; i++)
		FUZZ_CHECK(!(c->fixes & 1u << i) || (i && dlmr_fix_name(i)));
	FUZZ_CHECK(c->delivery == DLMR_DELIVERY_KERNEL ||
		   c->delivery == DLMR_DELIVERY_LATE);
	FUZZ_CHECK(a.save != NULL);
}

static void show(int argc, char **argv)
{
	struct dlmctl_show_args a;
	int r = dlmctl_show_args(argc, argv, &a);

	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	if (r || a.help)
		return;
	FUZZ_CHECK(!a.file || (a.klog && a.file[0]));
	FUZZ_CHECK(!a.nodeid || a.file);
	FUZZ_CHECK(a.n_names >= 0 && a.n_names < argc);
	for (int i = 0; i < a.n_names; i++)
		FUZZ_CHECK(in_argv(a.names[i], argc, argv) &&
			   strlen(a.names[i]) <= DLMR_LSNAME_MAX);
}

static void watch(int argc, char **argv)
{
	struct dlmctl_watch_args a;
	int r = dlmctl_watch_args(argc, argv, &a);

	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	if (r || a.help)
		return;
	FUZZ_CHECK(a.rcvbuf >= 0);
	FUZZ_CHECK(!a.only || (in_argv(a.only, argc, argv) &&
			       strlen(a.only) <= DLMR_LSNAME_MAX));
}

static void check(int argc, char **argv)
{
	struct dlmctl_check_args a;
	int r = dlmctl_check_args(argc, argv, &a);

	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	if (r || a.help)
		return;
	FUZZ_CHECK(a.n_paths >= 1 && (a.n_paths == 1 || a.invariants));
	FUZZ_CHECK(!a.svg || (a.svg[0] && !(a.json && !strcmp(a.svg, "-"))));
	for (int i = 0; i < a.n_paths; i++)
		FUZZ_CHECK(in_argv(a.paths[i], argc, argv));
}

static void emulate(int argc, char **argv)
{
	struct dlmctl_emulate_args a;
	int r = dlmctl_emulate_args(argc, argv, &a);

	FUZZ_CHECK(r == 0 || r == DLMCTL_EXIT_USAGE);
	if (r || a.help)
		return;
	FUZZ_CHECK(a.journals >= 1 && a.journals <= DLMR_JOURNALS_MAX);
	FUZZ_CHECK(a.write_ms <= 60000);
	FUZZ_CHECK(a.source == DLMR_SOURCE_NETLINK ||
		   a.source == DLMR_SOURCE_CPG);
	for (unsigned int i = 0; i < 32; i++)
		FUZZ_CHECK(!(a.fixes & 1u << i) || dlmr_fix_name(i));
	FUZZ_CHECK(a.dir && in_argv(a.dir, argc, argv));
	FUZZ_CHECK(in_argv(a.lockspace, argc, argv) && a.lockspace[0] &&
		   strlen(a.lockspace) <= DLMR_LSNAME_MAX);
}

/*
 * Every command's own parser (tools/dlmctl/args.c) on the vector, each on
 * a copy of it (getopt_long() permutes the vector it reads), as command
 * @name (argv[0], and the name its errors carry).
 */
static void commands(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*parse)(int argc, char **argv);
	} cmds[] = {
		{ "sim", sim },
		{ "explore", explore },
		{ "slots", show },
		{ "recover watch", watch },
		{ "recover check", check },
		{ "emulate", emulate },
	};
	char *v[ARGS_MAX + 2];

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memcpy(v, argv, sizeof(*v) * ((size_t)argc + 1));
		v[0] = (char *)cmds[i].name;
		dlmctl_cmd_start(cmds[i].name);
		cmds[i].parse(argc, v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[ARGS_MAX + 2];
	int argc = 1;
	size_t pos = 0;

	FUZZ_CHECK(buf);
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* the first byte's low bit: numbers' errors with no command */
	dlmctl_cmd_start(size && data[0] & 1 ? "sim" : "");
	argv[0] = "dlmctl";
	while (pos <= size && argc <= ARGS_MAX) {
		argv[argc++] = buf + pos;
		pos += strlen(buf + pos) + 1;
	}
	argv[argc] = NULL;
	quiet(true);
	for (int i = 1; i < argc; i++) {
		numbers(argv[i]);
		names(argv[i]);
	}
	commands(argc, argv);
	quiet(false);
	free(buf);
	return 0;
}
