/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness: dlmctl's argument handling (tools/dlmctl/help.c), where it
 * parses numbers, ranges and names: dlmctl_parse_ulong() (every numeric
 * option: --nodes, --max-states, --nodeid, --count, ...),
 * dlmctl_parse_u64() (--seed), the option errors of every command's
 * getopt_long() loop (dlmctl_getopt_error()), and the names the commands
 * look up (commands, mutants, fixes, stacks, event kinds).
 *
 * The input is an argument vector: strings separated by NUL bytes.
 * Properties:
 * - a number is accepted exactly when it is decimal digits only (no sign,
 *   no space, no base prefix), fits, and lies in the range; then its value
 *   is the one the digits give; otherwise the answer is 2 (a usage error,
 *   its message on stderr);
 * - an option error is answered 2, whatever the vector (no read outside
 *   it);
 * - a name is found exactly when it is one of the names, and the name of
 *   what is found is that string.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>

#include <dlmrecover.h>

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

/* A command's option loop, as tools/dlmctl runs it. */
static void options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "svg", required_argument, NULL, 'G' },
		{ "klog", optional_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	uint64_t seed;
	int c;

	/* 0, not dlmctl's 1: glibc then forgets the rest of a cluster of
	 * short options the last input stopped in (a pointer into a buffer
	 * freed since); dlmctl parses once per process */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jhn:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			dlmctl_parse_u64("--seed", optarg, &seed);
			break;
		case 'n':
			dlmctl_parse_ulong("--nodes", optarg, 1, 8, &v);
			break;
		case 'j':
		case 'h':
		case 'G':
		case 'K':
			break;
		default:
			FUZZ_CHECK(dlmctl_getopt_error(argv, c) ==
				   DLMCTL_EXIT_USAGE);
			return;
		}
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
	dlmctl_cmd_start(size && data[0] & 1 ? "sim" : "");
	argv[0] = "sim";
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
	options(argc, argv);
	quiet(false);
	free(buf);
	return 0;
}
