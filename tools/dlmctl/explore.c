// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl explore: every recovery ordering up to a bound. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <dlmrecover.h>

#include "dlmctl.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int usage_explore(FILE *f)
{
	fputs("Usage: dlmctl explore --nodes N [--failures F] [--rejoins R]\n"
	      "                      [--journals J] [--mutant NAME|list]\n"
	      "                      [--fix NAME|list]\n"
	      "                      [--max-states K] [--no-por] [--no-livelock]\n"
	      "                      [--fair] [--threads T] [--save FILE] [-j]\n"
	      "       dlmctl explore --random --nodes N [--runs K] [--seed S] ...\n"
	      "\n"
	      "Explore every reachable state of a simulated cluster of N nodes\n"
	      "(all mounting at once) with up to F crashes and R reboots\n"
	      "injected anywhere: every interleaving of callbacks, lock grants,\n"
	      "timers and journal replays.  Invariants S1-S5 are checked in\n"
	      "every state and, once the search is complete, that every state\n"
	      "can still reach quiescence (no livelock).  On a violation the\n"
	      "shortest path found is printed as a timeline and saved as a\n"
	      "scenario that `dlmctl sim FILE` replays.\n"
	      "\n"
	      "  --nodes N        1..8 (required)\n"
	      "  --failures F     crashes, 0..N (default 1)\n"
	      "  --rejoins R      reboots of crashed nodes, 0..8 (default 0)\n"
	      "  --journals J     1..8 (default N)\n"
	      "  --mutant NAME    plant a protocol bug; 'list' lists them\n"
	      "  --fix NAME       apply a proposed fix (repeatable); 'list'\n"
	      "  --max-states K   give up past K states (exit 3)\n"
	      "  --no-por         no partial-order reduction: every\n"
	      "                   interleaving, the true shortest counterexample\n"
	      "  --no-livelock    skip the livelock check: the explored graph\n"
	      "                   is not kept (less memory)\n"
	      "  --fair           also look for livelocks under weak fairness:\n"
	      "                   a cycle a fair scheduler may run for ever\n"
	      "                   (as spin -l -f); implies --no-por\n"
	      "  --threads T      expand states on T threads (1..256, default\n"
	      "                   1); the same result whatever T\n"
	      "  --save FILE      counterexample file (default\n"
	      "                   explore-counterexample.scn)\n"
	      "  --random         swarm mode: random schedules and faults\n"
	      "  --runs K         swarm runs (default 10000)\n"
	      "  --seed S         swarm seed (default 1)\n"
	      "  -j, --json       one JSON object with the summary\n"
	      "\n"
	      "Exit status: 0 no violation; 1 violation; 2 usage error;\n"
	      "3 interrupted, out of memory or over --max-states.\n", f);
	return f == stderr ? DLMCTL_EXIT_USAGE : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct prog {
	double start;
	bool tty;
	bool random;
};

static int on_progress(const struct dlmr_explore_stats *st, void *arg)
{
	struct prog *p = arg;
	double t = now() - p->start;

	if (p->tty && p->random)
		fprintf(stderr, "\r%" PRIu64 " runs, %.0f runs/s   ", st->runs,
			t > 0 ? (double)st->runs / t : 0.0);
	else if (p->tty)
		fprintf(stderr, "\r%" PRIu64 " states, %.0f states/s, frontier %"
			PRIu64 ", depth %u, %.1f MiB   ", st->states,
			t > 0 ? (double)st->states / t : 0.0, st->frontier,
			st->depth, (double)st->bytes / 1048576.0);
	return interrupted;
}

static int parse_range(const char *opt, const char *s, unsigned long min,
		       unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || *out < min ||
	    *out > max)
		return dlmctl_error(DLMCTL_EXIT_USAGE, "explore: %s: '%s' is not "
				    "a number in %lu..%lu", opt, s, min, max);
	return 0;
}

static int parse_uint(const char *opt, const char *s, unsigned long max,
		      unsigned long *out)
{
	return parse_range(opt, s, 0, max, out);
}

/*
 * --mutant NAME / --fix NAME: the id (> 0); or, for 'list', print the
 * names with their descriptions and return 0; or -(exit status) for an
 * unknown name.
 */
static int pick_variant(const char *opt, const char *arg,
			const char *(*name)(unsigned int),
			const char *(*desc)(unsigned int),
			int (*from_name)(const char *))
{
	int r;

	if (!strcmp(arg, "list")) {
		for (unsigned int i = 1; name(i); i++)
			printf("%-20s %s\n", name(i), desc(i));
		return 0;
	}
	r = from_name(arg);
	if (r < 0)
		return -dlmctl_error(DLMCTL_EXIT_USAGE, "explore: unknown %s "
				     "'%s' (--%s list)", opt, arg, opt);
	return r;
}

int dlmctl_explore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nodes", required_argument, NULL, 'n' },
		{ "failures", required_argument, NULL, 'f' },
		{ "rejoins", required_argument, NULL, 'r' },
		{ "journals", required_argument, NULL, 'J' },
		{ "mutant", required_argument, NULL, 'm' },
		{ "fix", required_argument, NULL, 'F' },
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
	struct dlmr_explore_config cfg = { .failures = 1 };
	struct dlmr_explore_stats st;
	struct prog prog = { 0 };
	const char *save = "explore-counterexample.scn";
	bool json = false, random = false;
	uint64_t runs = 10000, seed = 1;
	char *cex = NULL;
	unsigned long v;
	double secs;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint("--nodes", optarg, 8, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.nodes = (unsigned int)v;
			break;
		case 'f':
			if (parse_uint("--failures", optarg, 8, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.failures = (unsigned int)v;
			break;
		case 'r':
			if (parse_uint("--rejoins", optarg, 8, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.rejoins = (unsigned int)v;
			break;
		case 'J':
			if (parse_uint("--journals", optarg, 8, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.journals = (unsigned int)v;
			break;
		case 'M':
			if (parse_uint("--max-states", optarg, ULONG_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.max_states = v;
			break;
		case 'm':
			r = pick_variant("mutant", optarg, dlmr_mutant_name,
					 dlmr_mutant_description,
					 dlmr_mutant_from_name);
			if (r <= 0)
				return -r;
			cfg.mutant = (unsigned int)r;
			break;
		case 'F':
			r = pick_variant("fix", optarg, dlmr_fix_name,
					 dlmr_fix_description, dlmr_fix_from_name);
			if (r <= 0)
				return -r;
			cfg.fixes |= 1u << r;
			break;
		case 's':
			save = optarg;
			break;
		case 'R':
			random = true;
			break;
		case 'k':
			if (parse_uint("--runs", optarg, ULONG_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			runs = v;
			break;
		case 'S':
			if (parse_uint("--seed", optarg, ULONG_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			seed = v;
			break;
		case 'j':
			json = true;
			break;
		case 'P':
			cfg.no_por = true;
			break;
		case 'L':
			cfg.no_livelock = true;
			break;
		case 'W':
			cfg.fair = true;
			cfg.no_por = true;
			break;
		case 'T':
			if (parse_range("--threads", optarg, 1, 256, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.threads = (unsigned int)v;
			break;
		case 'C':
			if (parse_uint("--por-check", optarg, 4, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.por_check = (unsigned int)v;
			break;
		case 'h':
			return usage_explore(stdout);
		default:
			return usage_explore(stderr);
		}
	}
	if (optind < argc)
		return dlmctl_error(DLMCTL_EXIT_USAGE,
				    "explore: unexpected argument '%s'",
				    argv[optind]);
	if (!cfg.nodes)
		return dlmctl_error(DLMCTL_EXIT_USAGE,
				    "explore: --nodes N (1..8) is required");
	if (!cfg.journals)
		cfg.journals = cfg.nodes;
	if (cfg.failures > cfg.nodes)
		return dlmctl_error(DLMCTL_EXIT_USAGE,
				    "explore: --failures %u exceeds --nodes %u",
				    cfg.failures, cfg.nodes);

	prog.tty = isatty(STDERR_FILENO);
	prog.start = now();
	signal(SIGINT, on_sigint);
	prog.random = random;
	if (random)
		r = dlmr_swarm(&cfg, runs, seed, on_progress, &prog, &st, &cex);
	else
		r = dlmr_explore(&cfg, on_progress, &prog, &st, &cex);
	signal(SIGINT, SIG_DFL);
	secs = now() - prog.start;
	if (prog.tty)
		fputs("\r\033[K", stderr);

	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "nodes", json_object_new_int((int)cfg.nodes));
		json_object_object_add(o, "journals", json_object_new_int((int)cfg.journals));
		json_object_object_add(o, "failures", json_object_new_int((int)cfg.failures));
		json_object_object_add(o, "rejoins", json_object_new_int((int)cfg.rejoins));
		json_object_object_add(o, "mutant", cfg.mutant ?
			json_object_new_string(dlmr_mutant_name(cfg.mutant)) : NULL);
		if (random) {
			json_object_object_add(o, "runs", json_object_new_int64((int64_t)st.runs));
			json_object_object_add(o, "runs_per_second", json_object_new_double(secs > 0 ? (double)st.runs / secs : 0));
			json_object_object_add(o, "seed", json_object_new_int64((int64_t)seed));
		}
		json_object_object_add(o, "por", json_object_new_boolean(!cfg.no_por && !random));
		if (!random)
			json_object_object_add(o, "threads", json_object_new_int(cfg.threads ? (int)cfg.threads : 1));
		json_object_object_add(o, "states", json_object_new_int64((int64_t)st.states));
		if (!random) {
			json_object_object_add(o, "reduced", json_object_new_int64((int64_t)st.reduced));
			json_object_object_add(o, "livelock_checked", json_object_new_boolean(st.livelock_checked));
			json_object_object_add(o, "fair_checked", json_object_new_boolean(st.fair_checked));
		}
		json_object_object_add(o, "transitions", json_object_new_int64((int64_t)st.transitions));
		json_object_object_add(o, "max_depth", json_object_new_int((int)st.max_depth));
		json_object_object_add(o, "seconds", json_object_new_double(secs));
		json_object_object_add(o, "peak_bytes", json_object_new_int64((int64_t)st.peak_bytes));
		json_object_object_add(o, "result", json_object_new_string(
			r == 1 ? "violation" : r == 0 ? "clean" :
			r == -EINTR ? "interrupted" : r == -EPROTO ?
			"por-check-failed" : "incomplete"));
		if (r == 1) {
			json_object_object_add(o, "violation", json_object_new_string(st.violation));
			json_object_object_add(o, "counterexample", json_object_new_string(save));
			if (st.trapped)
				json_object_object_add(o, "trapped", json_object_new_int64((int64_t)st.trapped));
			if (st.fair_cycle)
				json_object_object_add(o, "fair_cycle", json_object_new_int64((int64_t)st.fair_cycle));
		}
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	}
	if (r == 1 || (r == -EPROTO && cex)) {
		FILE *f = fopen(save, "w");

		if (!f || fputs(cex, f) < 0 || fclose(f)) {
			free(cex);
			return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s: %s", save,
					    strerror(errno));
		}
		free(cex);
		if (!json && r == 1) {
			char *sargv[] = { "sim", (char *)save, NULL };

			printf("violation: %s\ncounterexample (%s):\n\n",
			       st.violation, save);
			fflush(stdout);
			dlmctl_sim(2, sargv);
		}
	}
	if (!json && random) {
		printf("\nexplore --random: nodes %u, journals %u, failures %u, "
		       "rejoins %u%s%s, seed %" PRIu64 "\n  runs %" PRIu64
		       ", steps %" PRIu64 ", %.2f s, %.0f runs/s\n  result: %s\n",
		       cfg.nodes, cfg.journals, cfg.failures, cfg.rejoins,
		       cfg.mutant ? ", mutant " : "",
		       cfg.mutant ? dlmr_mutant_name(cfg.mutant) : "", seed,
		       st.runs, st.transitions, secs,
		       secs > 0 ? (double)st.runs / secs : 0.0,
		       r == 1 ? "violation" : r == 0 ? "no violation" :
		       r == -EINTR ? "interrupted" : strerror(-r));
		if (r == 1)
			printf("  replay: dlmctl sim %s\n", save);
	} else if (!json) {
		printf("\nexplore: nodes %u, journals %u, failures %u, rejoins %u%s%s%s\n"
		       "  states %" PRIu64 " (%" PRIu64 " expanded reduced), "
		       "transitions %" PRIu64 ", max depth %u,"
		       " %.2f s, peak memory %.1f MiB\n  result: %s\n",
		       cfg.nodes, cfg.journals, cfg.failures, cfg.rejoins,
		       cfg.mutant ? ", mutant " : "",
		       cfg.mutant ? dlmr_mutant_name(cfg.mutant) : "",
		       cfg.no_por ? ", no POR" : "",
		       st.states, st.reduced, st.transitions, st.max_depth, secs,
		       (double)st.peak_bytes / 1048576.0,
		       r == 1 ? "violation" : r == 0 && !st.livelock_checked ?
		       "clean (every state; livelock not checked)" :
		       r == 0 && st.fair_checked ?
		       "clean (every state; every state reaches quiescence; "
		       "no weakly fair cycle)" : r == 0 ?
		       "clean (every state; every state reaches quiescence)" :
		       r == -EINTR ? "interrupted" : r == -EPROTO ?
		       "POR check failed" : r == -E2BIG ?
		       "incomplete (--max-states)" : strerror(-r));
		if (r == 1)
			printf("  replay: dlmctl sim %s\n", save);
	}
	if (r == 1)
		return DLMCTL_EXIT_VIOLATION;
	if (r == -EPROTO)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "explore: %s (the path "
				    "to that state: %s)", st.violation, save);
	if (r < 0)
		return r == -EINVAL ? DLMCTL_EXIT_USAGE : DLMCTL_EXIT_RUNTIME;
	return 0;
}
