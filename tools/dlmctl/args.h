/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each command's argument parsing (args.c): its getopt_long() table, the
 * numbers, ranges and names its options take and the checks between its
 * arguments, apart from what the command does with them.  The command
 * calls its parser first; tests/fuzz/fuzz_dlmctl.c calls the same parsers
 * with fuzzed vectors, so what the fuzzer tries is dlmctl's own code.
 *
 * The pattern, for a command NAME (a new command follows it):
 *
 *	struct dlmctl_NAME_args { ...; bool help; };
 *	int dlmctl_NAME_args(int argc, char **argv, struct dlmctl_NAME_args *a);
 *
 * @argc/@argv are the command's (argv[0] its name).  The parser fills *@a
 * (defaults first) and answers 0, the command to run with *@a, or
 * DLMCTL_EXIT_USAGE (2), a usage error it has reported on stderr (one line
 * `dlmctl NAME: problem` and the usage hint).  It writes nothing on stdout:
 * for -h it sets a->help and stops reading options (as getopt's loop did),
 * and the command prints its help.  It starts getopt afresh (optind 0, so
 * glibc forgets any vector read before) and keeps no state of its own.
 */
#ifndef DLMCTL_ARGS_H
#define DLMCTL_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include <dlmrecover.h>

/* dlmctl sim */
struct dlmctl_sim_args {
	bool help;              /* -h: print the help, nothing else */
	bool show_default;      /* --show-default: print it, nothing else */
	bool json;              /* -j */
	bool have_seed;         /* --seed given */
	uint64_t seed;          /* --seed N */
	bool cluster3;          /* --stack cluster3 */
	bool compare;           /* --compare */
	unsigned int cmp_nodes; /* --nodes N: 2..DLMR_STACKS_EXPLORE_NODES_MAX */
	int delivery;           /* --delivery: DLMR_DELIVERY_*, -1 not given */
	const char *svg;        /* --svg FILE, NULL: none */
	const char *path;       /* SCENARIO, NULL: the built-in one */
};
int dlmctl_sim_args(int argc, char **argv, struct dlmctl_sim_args *a);

/* dlmctl explore */
enum dlmctl_explore_list {
	DLMCTL_LIST_NONE = 0,
	DLMCTL_LIST_MUTANTS,    /* --mutant list */
	DLMCTL_LIST_FIXES,      /* --fix list */
};
struct dlmctl_explore_args {
	bool help;
	bool json;
	bool random;            /* --random */
	/* --mutant list / --fix list (the last one given): list them, with
	 * -j as JSON; the checks of the bounds are not made */
	enum dlmctl_explore_list list;
	uint64_t runs, seed;    /* --runs (1 or more), --seed */
	const char *save;       /* --save FILE */
	struct dlmr_explore_config cfg; /* nodes set, journals defaulted */
};
int dlmctl_explore_args(int argc, char **argv, struct dlmctl_explore_args *a);

/* dlmctl slots, dlmctl recover (status) */
struct dlmctl_show_args {
	bool help;
	bool json;
	bool klog;              /* --klog[=FILE] */
	const char *file;       /* FILE of --klog=FILE, NULL: live */
	uint32_t nodeid;        /* --nodeid N (only with FILE), 0: not given */
	char **names;           /* LOCKSPACE...: each at most DLMR_LSNAME_MAX */
	int n_names;
};
int dlmctl_show_args(int argc, char **argv, struct dlmctl_show_args *a);

/* dlmctl recover watch */
struct dlmctl_watch_args {
	bool help;
	bool json, quiet, klog; /* -j, -q, --klog */
	unsigned long count;    /* --count N, 0: no limit */
	int rcvbuf;             /* --rcvbuf BYTES, 0: the default */
	const char *only;       /* LOCKSPACE, NULL: all */
};
int dlmctl_watch_args(int argc, char **argv, struct dlmctl_watch_args *a);

/* dlmctl recover check */
struct dlmctl_check_args {
	bool help;
	bool invariants, json;  /* --invariants, -j */
	const char *svg;        /* --svg FILE, NULL: none */
	char **paths;           /* TRACE...: one, or more with --invariants */
	int n_paths;
};
int dlmctl_check_args(int argc, char **argv, struct dlmctl_check_args *a);

/* dlmctl emulate */
struct dlmctl_emulate_args {
	bool help;
	bool quiet;             /* -q (-j: JSON Lines, the only output) */
	const char *lockspace;  /* LOCKSPACE: 1..DLMR_LSNAME_MAX characters */
	const char *dir;        /* --dir PATH (required; the command checks
				 * that it is a directory) */
	unsigned int journals;  /* --journals N: 1..DLMR_JOURNALS_MAX
				 * (required) */
	unsigned int write_ms;  /* --write-ms MS: 0..60000, default 50 */
	unsigned int fixes;     /* --fix NAME (repeatable): 1u << its id */
	int source;             /* --source: a dlmr_driver_source_id (default
				 * netlink) */
};
int dlmctl_emulate_args(int argc, char **argv, struct dlmctl_emulate_args *a);

#endif
