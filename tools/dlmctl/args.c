// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each command's argument parsing (args.h has the pattern): the option
 * tables, numbers, ranges, names and the checks between arguments.  The
 * commands (sim.c, explore.c, kernel.c, recover.c) and the fuzz harness
 * tests/fuzz/fuzz_dlmctl.c call these.
 */
#include <getopt.h>
#include <limits.h>
#include <string.h>

#include "args.h"
#include "dlmctl.h"
#include "stacks.h"

/* --delivery MODE: DLMR_DELIVERY_* into *@out, or a usage error. */
static int parse_delivery(const char *s, int *out)
{
	if (!strcmp(s, "kernel"))
		*out = DLMR_DELIVERY_KERNEL;
	else if (!strcmp(s, "late"))
		*out = DLMR_DELIVERY_LATE;
	else
		return dlmctl_usage_error("--delivery: unknown mode '%s' "
					  "(kernel or late)", s);
	return 0;
}

/* A --OPT N in @min..@max as an unsigned int (the ranges fit). */
static int parse_uint(const char *opt, const char *s, unsigned long min,
		      unsigned long max, unsigned int *out)
{
	unsigned long v;

	if (dlmctl_parse_ulong(opt, s, min, max, &v))
		return DLMCTL_EXIT_USAGE;
	*out = (unsigned int)v;
	return 0;
}

int dlmctl_svg_usage(const char *file, bool json)
{
	if (file && !file[0])
		return dlmctl_usage_error("--svg: an empty file name");
	if (file && json && !strcmp(file, "-"))
		return dlmctl_usage_error("--svg - and -j both write on "
					  "stdout");
	return 0;
}

int dlmctl_sim_args(int argc, char **argv, struct dlmctl_sim_args *a)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "show-default", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "stack", required_argument, NULL, 'S' },
		{ "compare", no_argument, NULL, 'C' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "svg", required_argument, NULL, 'G' },
		{ "delivery", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	enum dlmr_stack stack;
	int c;

	*a = (struct dlmctl_sim_args){ .cmp_nodes = 3, .delivery = -1 };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (dlmctl_parse_u64("--seed", optarg, &a->seed))
				return DLMCTL_EXIT_USAGE;
			a->have_seed = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'D':
			a->show_default = true;
			return 0;
		case 'h':
			a->help = true;
			return 0;
		case 'S':
			if (dlmr_stacks_from_name(optarg, &stack))
				return dlmctl_usage_error("--stack: unknown stack "
							  "'%s' (cluster3 or "
							  "cluster4)", optarg);
			a->cluster3 = stack == DLMR_STACK_CLUSTER3;
			break;
		case 'G':
			a->svg = optarg;
			break;
		case 'L':
			if (parse_delivery(optarg, &a->delivery))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'C':
			a->compare = true;
			break;
		case 'n':
			if (parse_uint("--nodes", optarg, 2,
				       DLMR_STACKS_EXPLORE_NODES_MAX,
				       &a->cmp_nodes))
				return DLMCTL_EXIT_USAGE;
			break;
		default:
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (a->svg && (a->compare || a->cluster3))
		return dlmctl_usage_error("--svg draws the simulator's run "
					  "(--stack cluster4), not %s",
					  a->compare ? "--compare" :
					  "--stack cluster3");
	if (a->delivery >= 0 && (a->compare || a->cluster3))
		return dlmctl_usage_error("--delivery applies to the "
					  "simulator's run (--stack cluster4), "
					  "not %s", a->compare ? "--compare" :
					  "--stack cluster3");
	if (dlmctl_svg_usage(a->svg, a->json))
		return DLMCTL_EXIT_USAGE;
	if (a->compare) {
		if (optind < argc)
			return dlmctl_usage_error("--compare takes no scenario");
		return 0;
	}
	if (optind < argc)
		a->path = argv[optind++];
	if (optind < argc)
		return dlmctl_usage_error("unexpected argument '%s'",
					  argv[optind]);
	return 0;
}

/* --mutant NAME / --fix NAME: the id (> 0), 0 for 'list', or -2 (a usage
 * error, reported) for an unknown name. */
static int pick_variant(const char *opt, const char *arg,
			int (*from_name)(const char *))
{
	int r;

	if (!strcmp(arg, "list"))
		return 0;
	r = from_name(arg);
	if (r < 0)
		return -dlmctl_usage_error("unknown %s '%s' (--%s list)", opt,
					   arg, opt);
	return r;
}

int dlmctl_explore_args(int argc, char **argv, struct dlmctl_explore_args *a)
{
	static const struct option opts[] = {
		{ "nodes", required_argument, NULL, 'n' },
		{ "failures", required_argument, NULL, 'f' },
		{ "rejoins", required_argument, NULL, 'r' },
		{ "journals", required_argument, NULL, 'J' },
		{ "mutant", required_argument, NULL, 'm' },
		{ "fix", required_argument, NULL, 'F' },
		{ "delivery", required_argument, NULL, 'D' },
		{ "max-states", required_argument, NULL, 'M' },
		{ "save", required_argument, NULL, 's' },
		{ "random", no_argument, NULL, 'R' },
		{ "runs", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-por", no_argument, NULL, 'P' },
		{ "no-livelock", no_argument, NULL, 'L' },
		{ "fair", no_argument, NULL, 'W' },
		{ "threads", required_argument, NULL, 'T' },
		{ "por-check", required_argument, NULL, 'C' }, /* tests */
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dlmr_explore_config *cfg = &a->cfg;
	unsigned long v;
	int c, r, delivery = 0;

	*a = (struct dlmctl_explore_args){
		.cfg = { .failures = 1 },
		.save = "explore-counterexample.scn",
		.runs = 10000,
		.seed = 1,
	};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint("--nodes", optarg, 1, 8, &cfg->nodes))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'f':
			if (parse_uint("--failures", optarg, 0, 8,
				       &cfg->failures))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'r':
			if (parse_uint("--rejoins", optarg, 0, 8, &cfg->rejoins))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'J':
			if (parse_uint("--journals", optarg, 1, 8,
				       &cfg->journals))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'M':
			if (dlmctl_parse_ulong("--max-states", optarg, 1,
					       ULONG_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			cfg->max_states = v;
			break;
		case 'm':
			r = pick_variant("mutant", optarg, dlmr_mutant_from_name);
			if (r < 0)
				return -r;
			if (!r)
				a->list = DLMCTL_LIST_MUTANTS;
			cfg->mutant = (unsigned int)r;
			break;
		case 'F':
			r = pick_variant("fix", optarg, dlmr_fix_from_name);
			if (r < 0)
				return -r;
			if (!r)
				a->list = DLMCTL_LIST_FIXES;
			cfg->fixes |= r ? 1u << r : 0;
			break;
		case 'D':
			if (parse_delivery(optarg, &delivery))
				return DLMCTL_EXIT_USAGE;
			cfg->delivery = (unsigned int)delivery;
			break;
		case 's':
			a->save = optarg;
			break;
		case 'R':
			a->random = true;
			break;
		case 'k':
			if (dlmctl_parse_ulong("--runs", optarg, 1, ULONG_MAX,
					       &v))
				return DLMCTL_EXIT_USAGE;
			a->runs = v;
			break;
		case 'S':
			if (dlmctl_parse_ulong("--seed", optarg, 0, ULONG_MAX,
					       &v))
				return DLMCTL_EXIT_USAGE;
			a->seed = v;
			break;
		case 'j':
			a->json = true;
			break;
		case 'P':
			cfg->no_por = true;
			break;
		case 'L':
			cfg->no_livelock = true;
			break;
		case 'W':
			cfg->fair = true;
			cfg->no_por = true;
			break;
		case 'T':
			if (parse_uint("--threads", optarg, 1, 256,
				       &cfg->threads))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'C':
			if (parse_uint("--por-check", optarg, 1, 4,
				       &cfg->por_check))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'h':
			a->help = true;
			return 0;
		default:
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (optind < argc)
		return dlmctl_usage_error("unexpected argument '%s'",
					  argv[optind]);
	if (a->list)
		return 0;
	if (!cfg->nodes)
		return dlmctl_usage_error("--nodes N (1..8) is required");
	if (!cfg->journals)
		cfg->journals = cfg->nodes;
	if (cfg->failures > cfg->nodes)
		return dlmctl_usage_error("--failures %u exceeds --nodes %u "
					  "(0..N)", cfg->failures, cfg->nodes);
	if (cfg->fair && cfg->no_livelock)
		return dlmctl_usage_error("--fair checks livelocks: it cannot "
					  "be used with --no-livelock");
	return 0;
}

int dlmctl_show_args(int argc, char **argv, struct dlmctl_show_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "klog", optional_argument, NULL, 'k' },
		{ "nodeid", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long nodeid;
	int c;

	*a = (struct dlmctl_show_args){ 0 };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		if (c == 'j') {
			a->json = true;
		} else if (c == 'k') {
			a->klog = true;
			a->file = optarg;
			if (a->file && !*a->file)
				return dlmctl_usage_error("--klog=FILE: empty "
							  "file name");
		} else if (c == 'n') {
			if (dlmctl_parse_ulong("--nodeid", optarg, 1, UINT32_MAX,
					       &nodeid))
				return DLMCTL_EXIT_USAGE;
			a->nodeid = (uint32_t)nodeid;
		} else if (c == 'h') {
			a->help = true;
			return 0;
		} else {
			return dlmctl_getopt_error(argv, c);
		}
	}
	for (int i = optind; i < argc; i++)
		if (strlen(argv[i]) > DLMR_LSNAME_MAX)
			return dlmctl_usage_error("%.70s...: lockspace name "
						  "longer than %d characters",
						  argv[i], DLMR_LSNAME_MAX);
	if (a->nodeid && !a->file)
		return dlmctl_usage_error("--nodeid N goes with --klog=FILE (a "
					  "saved log); live, the nodeid is "
					  "dlm_controld's");
	a->names = argv + optind;
	a->n_names = argc - optind;
	return 0;
}

int dlmctl_watch_args(int argc, char **argv, struct dlmctl_watch_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "klog", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long rcvbuf;
	int c;

	*a = (struct dlmctl_watch_args){ 0 };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			a->json = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'k':
			a->klog = true;
			break;
		case 'c':
			if (dlmctl_parse_ulong("--count", optarg, 0, ULONG_MAX,
					       &a->count))
				return DLMCTL_EXIT_USAGE;
			break;
		case 'r':
			if (dlmctl_parse_ulong("--rcvbuf", optarg, 0, INT_MAX,
					       &rcvbuf))
				return DLMCTL_EXIT_USAGE;
			a->rcvbuf = (int)rcvbuf;
			break;
		case 'h':
			a->help = true;
			return 0;
		default:
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (optind < argc)
		a->only = argv[optind++];
	if (optind < argc)
		return dlmctl_usage_error("one LOCKSPACE at most");
	if (a->only && strlen(a->only) > DLMR_LSNAME_MAX)
		return dlmctl_usage_error("lockspace name longer than 64 "
					  "characters");
	return 0;
}

int dlmctl_check_args(int argc, char **argv, struct dlmctl_check_args *a)
{
	static const struct option opts[] = {
		{ "invariants", no_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "svg", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	*a = (struct dlmctl_check_args){ 0 };
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			a->invariants = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			a->help = true;
			return 0;
		case 'G':
			a->svg = optarg;
			break;
		default:
			return dlmctl_getopt_error(argv, o);
		}
	}
	if (optind >= argc)
		return dlmctl_usage_error("expected %s", a->invariants ?
					  "one TRACE argument or more" :
					  "one TRACE argument");
	if (!a->invariants && argc - optind != 1)
		return dlmctl_usage_error("expected one TRACE argument "
					  "(several need --invariants)");
	if (dlmctl_svg_usage(a->svg, a->json))
		return DLMCTL_EXIT_USAGE;
	a->paths = argv + optind;
	a->n_paths = argc - optind;
	return 0;
}

int dlmctl_emulate_args(int argc, char **argv, struct dlmctl_emulate_args *a)
{
	static const struct option opts[] = {
		{ "journals", required_argument, NULL, 'J' },
		{ "dir", required_argument, NULL, 'd' },
		{ "write-ms", required_argument, NULL, 'w' },
		{ "fix", required_argument, NULL, 'F' },
		{ "source", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c, r;

	*a = (struct dlmctl_emulate_args){ .write_ms = 50,
					   .source = DLMR_SOURCE_NETLINK };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			if (dlmctl_parse_ulong("--journals", optarg, 1,
					       DLMR_JOURNALS_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			a->journals = (unsigned int)v;
			break;
		case 'd':
			a->dir = optarg;
			break;
		case 'w':
			if (dlmctl_parse_ulong("--write-ms", optarg, 0, 60000,
					       &v))
				return DLMCTL_EXIT_USAGE;
			a->write_ms = (unsigned int)v;
			break;
		case 'F':
			r = dlmr_fix_from_name(optarg);
			if (r < 0)
				return dlmctl_usage_error("unknown fix '%s' "
							  "(dlmctl explore "
							  "--fix list)", optarg);
			a->fixes |= 1u << r;
			break;
		case 's':
			if (!strcmp(optarg, "netlink"))
				a->source = DLMR_SOURCE_NETLINK;
			else if (!strcmp(optarg, "cpg"))
				a->source = DLMR_SOURCE_CPG;
			else
				return dlmctl_usage_error("--source: '%s' is "
							  "not netlink or cpg",
							  optarg);
			break;
		case 'j':
			break; /* JSON Lines is the only output */
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			a->help = true;
			return 0;
		default:
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (optind >= argc)
		return dlmctl_usage_error("no LOCKSPACE given");
	a->lockspace = argv[optind++];
	if (optind < argc)
		return dlmctl_usage_error("one LOCKSPACE only ('%s' too)",
					  argv[optind]);
	if (!a->lockspace[0] || strlen(a->lockspace) > DLMR_LSNAME_MAX)
		return dlmctl_usage_error("lockspace name empty or longer than "
					  "64 characters");
	if (!a->journals)
		return dlmctl_usage_error("--journals N is required");
	if (!a->dir)
		return dlmctl_usage_error("--dir PATH is required");
	return 0;
}
