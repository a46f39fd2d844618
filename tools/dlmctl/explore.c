// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl explore: every recovery ordering up to a bound. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <dlmrecover.h>

#include "args.h"
#include "dlmctl.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
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

/* --mutant list, --fix list: the names with their descriptions, as text
 * or (@json) one JSON array of {"name", "description"} */
static int list_variants(const char *(*name)(unsigned int),
			 const char *(*desc)(unsigned int), bool json)
{
	json_object *a = json ? json_object_new_array() : NULL;

	for (unsigned int i = 1; name(i); i++) {
		json_object *o;

		if (!json) {
			printf("%-20s %s\n", name(i), desc(i));
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name(i)));
		json_object_object_add(o, "description",
				       json_object_new_string(desc(i)));
		json_object_array_add(a, o);
	}
	if (json) {
		puts(json_object_to_json_string_ext(a,
			dlmctl_json_flags(JSON_C_TO_STRING_NOSLASHESCAPE)));
		json_object_put(a);
	}
	return 0;
}

/*
 * What a summary claims, said in every summary (text and JSON): whether
 * the result covers every reachable state, the reductions that shaped
 * the search, and how visited states are stored.  The explorer keeps a
 * 64-bit hash of each state's encoding (hash compaction, explore.c):
 * two states with one hash would make it skip the second, and with n
 * states the probability of any such collision is at most
 * n (n - 1) / 2 / 2^64 (spin reports the same for its hash compaction).
 */
struct claims {
	bool complete;
	const char *why;       /* why not complete, or what complete means */
	bool por;              /* partial-order reduction */
	bool reduced_encoding; /* history nothing reads left out */
	const char *storage;   /* "hash-compaction" or "none" (the swarm) */
	double omission;       /* bound on P(a state omitted) */
};

static struct claims claims_of(const struct dlmr_explore_config *cfg,
			       const struct dlmr_explore_stats *st,
			       bool random, int r)
{
	struct claims c = { 0 };
	double n = (double)st->states;

	if (random) {
		c.why = "a swarm: random runs, not every state";
		c.storage = "none";
		return c;
	}
	c.complete = r >= 0 && st->complete;
	c.why = c.complete ? "every reachable state within the bounds" :
		r == 1 ? "stopped at the first violation" :
		r == -E2BIG ? "stopped by --max-states" :
		r == -EINTR ? "interrupted" :
		r == -EPROTO ? "stopped by the POR check" : "stopped by an error";
	c.por = !cfg->no_por;
	c.reduced_encoding = !cfg->full_encoding;
	c.storage = "hash-compaction";
	c.omission = n * (n - 1) / 2 / 18446744073709551616.0;
	return c;
}

static void claims_json(json_object *o, const struct claims *c)
{
	json_object_object_add(o, "complete", json_object_new_boolean(c->complete));
	json_object_object_add(o, "complete_detail", json_object_new_string(c->why));
	json_object_object_add(o, "reduced_encoding", json_object_new_boolean(c->reduced_encoding));
	json_object_object_add(o, "symmetry", json_object_new_string("none"));
	json_object_object_add(o, "storage", json_object_new_string(c->storage));
	if (strcmp(c->storage, "none")) {
		json_object_object_add(o, "hash_bits", json_object_new_int(64));
		json_object_object_add(o, "omission_probability", json_object_new_double(c->omission));
	}
}

static void claims_text(const struct claims *c, bool random)
{
	printf("  complete: %s (%s)\n", c->complete ? "yes" : "no", c->why);
	if (random) {
		printf("  reductions: none (random runs)\n"
		       "  storage: none (no state is stored)\n");
		return;
	}
	printf("  reductions: partial-order %s, reduced encoding %s, "
	       "symmetry none\n", c->por ? "on" : "off",
	       c->reduced_encoding ? "on" : "off");
	printf("  storage: 64-bit hash compaction, P(a state omitted) "
	       "<= %.1e\n", c->omission);
}

int dlmctl_explore(int argc, char **argv)
{
	struct dlmctl_explore_args a;
	struct dlmr_explore_config cfg;
	struct dlmr_explore_stats st = { 0 };
	struct prog prog = { 0 };
	const char *save;
	bool json, random;
	uint64_t runs, seed;
	char *cex = NULL;
	struct claims cl;
	double secs;
	int r;

	r = dlmctl_explore_args(argc, argv, &a);
	if (r || a.help)
		return r ? r : dlmctl_help("explore");
	if (a.list == DLMCTL_LIST_MUTANTS)
		return list_variants(dlmr_mutant_name, dlmr_mutant_description,
				     a.json);
	if (a.list == DLMCTL_LIST_FIXES)
		return list_variants(dlmr_fix_name, dlmr_fix_description,
				     a.json);
	cfg = a.cfg;
	save = a.save;
	json = a.json;
	random = a.random;
	runs = a.runs;
	seed = a.seed;

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
	cl = claims_of(&cfg, &st, random, r);

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
		claims_json(o, &cl);
		puts(json_object_to_json_string_ext(o, dlmctl_json_flags(0)));
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
		claims_text(&cl, true);
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
		claims_text(&cl, false);
		if (r == 1)
			printf("  replay: dlmctl sim %s\n", save);
	}
	if (r == 1)
		return DLMCTL_EXIT_VIOLATION;
	if (r == -EPROTO)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s (the path to that "
				    "state: %s)", st.violation, save);
	if (r < 0)
		return r == -EINVAL ? DLMCTL_EXIT_USAGE : DLMCTL_EXIT_RUNTIME;
	return 0;
}
