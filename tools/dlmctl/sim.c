// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl sim: run a scenario in the simulator and show what every node did. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dlmrecover.h>

#include "dlmctl.h"
#include "stacks.h"

#define COLW 20

char *dlmctl_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 4096, n = 0;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t r;

		if (n + 1 >= cap) {
			char *nb;

			if (cap > ((size_t)64 << 20)) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				int e = errno ? errno : EIO;

				free(buf);
				buf = NULL;
				errno = e;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

struct timeline {
	const struct dlmr_sim_result *res; /* nodes is set before any event */
	unsigned int nodes;
	bool json;
	uint64_t row_step;
	char cells[DLMR_SIM_NODES_MAX + 1][COLW + 1];
	bool row_used;
	bool printed_any;
	uint64_t printed_step;
	unsigned long events;
};

static const char *mode_name(int mode)
{
	static const char *const names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };

	return mode >= 0 && mode <= 5 ? names[mode] : "--";
}

static void lock_text(const struct dlmr_event *ev, char *buf, size_t len,
		      const char *verb)
{
	char res[16];

	if (ev->resource && !strcmp(ev->resource, "journal"))
		snprintf(res, sizeof(res), "j%d", ev->jid);
	else if (ev->resource && !strcmp(ev->resource, "control"))
		snprintf(res, sizeof(res), "ctl");
	else
		snprintf(res, sizeof(res), "mnt");
	snprintf(buf, len, "%s %s%s%s%s%s", verb, res,
		 ev->type == DLMR_EV_UNLOCK ? "" : " ",
		 ev->type == DLMR_EV_UNLOCK ? "" : mode_name(ev->mode),
		 (ev->flags & DLMR_LKF_NOQUEUE) ? " nq" : "",
		 (ev->flags & DLMR_LKF_VALBLK) ? " lvb" : "");
}

/* A cell of the timeline: the event in at most COLW characters. */
static void cell_text(const struct dlmr_event *ev, char *buf, size_t len)
{
	switch (ev->type) {
	case DLMR_EV_PREP:
		snprintf(buf, len, "prep");
		break;
	case DLMR_EV_SLOT:
		snprintf(buf, len, "slot node%u s%d", ev->nodeid, ev->slot);
		break;
	case DLMR_EV_DONE:
		snprintf(buf, len, "done gen%u slot%d", ev->generation,
			 ev->our_slot);
		break;
	case DLMR_EV_JOIN:
		snprintf(buf, len, "join");
		break;
	case DLMR_EV_LEAVE:
		snprintf(buf, len, "leave");
		break;
	case DLMR_EV_CRASH:
		snprintf(buf, len, "*** CRASH ***");
		break;
	case DLMR_EV_LOCK:
		lock_text(ev, buf, len, "lock");
		break;
	case DLMR_EV_GRANT:
		lock_text(ev, buf, len, "grant");
		break;
	case DLMR_EV_AGAIN:
		lock_text(ev, buf, len, ev->status == -EAGAIN ? "again" : "fail");
		break;
	case DLMR_EV_UNLOCK:
		lock_text(ev, buf, len, "unlock");
		break;
	case DLMR_EV_RECOVER:
		snprintf(buf, len, "recover j%d", ev->jid);
		break;
	case DLMR_EV_RECOVERED:
		snprintf(buf, len, "%s j%d", ev->status ? "REPLAYED" : "clean",
			 ev->jid);
		break;
	case DLMR_EV_BLOCK:
		snprintf(buf, len, "block");
		break;
	case DLMR_EV_UNBLOCK:
		snprintf(buf, len, "UNBLOCK");
		break;
	case DLMR_EV_MOUNTED:
		snprintf(buf, len, "MOUNTED jid%d%s", ev->jid,
			 ev->first ? " 1st" : "");
		break;
	case DLMR_EV_FIRST_DONE:
		snprintf(buf, len, "first_done");
		break;
	case DLMR_EV_UNMOUNTED:
		snprintf(buf, len, "%s", ev->status ? "MOUNT FAILED" : "unmounted");
		break;
	default:
		snprintf(buf, len, "%s", dlmr_event_name(ev->type) ?
			 dlmr_event_name(ev->type) : "?");
		break;
	}
}

/* The columns of one row, padded to COLW, without trailing blanks. */
static void print_cells(unsigned int nodes,
			const char cells[][COLW + 1])
{
	unsigned int last = 0;

	for (unsigned int n = 1; n <= nodes; n++)
		if (cells[n][0])
			last = n;
	for (unsigned int n = 1; n <= last; n++)
		printf("  %-*s", n == last ? 0 : COLW, cells[n]);
	putchar('\n');
}

static void flush_row(struct timeline *t)
{
	if (!t->row_used)
		return;
	if (t->printed_step == t->row_step && t->printed_any)
		printf("%6s", "");
	else
		printf("%6" PRIu64, t->row_step);
	t->printed_step = t->row_step;
	t->printed_any = true;
	print_cells(t->nodes, t->cells);
	memset(t->cells, 0, sizeof(t->cells));
	t->row_used = false;
}

static void header_row(const struct timeline *t)
{
	char h[DLMR_SIM_NODES_MAX + 1][COLW + 1];

	printf("%6s", "step");
	for (unsigned int n = 1; n <= t->nodes; n++)
		snprintf(h[n], sizeof(h[n]), "node %u", n);
	print_cells(t->nodes, h);
}

static void on_event(const struct dlmr_event *ev, void *arg)
{
	struct timeline *t = arg;
	char buf[512];

	if (!t->events++) {
		t->nodes = t->res->nodes;
		if (!t->json)
			header_row(t);
	}
	if (t->json) {
		int r = dlmr_trace_format(ev, buf, sizeof(buf));

		if (r < 0) {
			dlmctl_error(0, "cannot format event: %s", strerror(-r));
			return;
		}
		puts(buf);
		return;
	}
	if (ev->type == DLMR_EV_VIOLATION) {
		flush_row(t);
		printf("%6" PRIu64 "  VIOLATION (node %u): %s\n", ev->step,
		       ev->node, ev->detail);
		return;
	}
	/* a new row per step, and a new row when a column is taken */
	if (t->row_used && (ev->step != t->row_step ||
			    (ev->node <= t->nodes && t->cells[ev->node][0])))
		flush_row(t);
	t->row_step = ev->step;
	if (ev->node >= 1 && ev->node <= t->nodes) {
		cell_text(ev, buf, sizeof(buf));
		buf[COLW] = '\0';
		memcpy(t->cells[ev->node], buf, strlen(buf) + 1);
		t->row_used = true;
	}
}

/* The findings of docs/findings.md a run can match (dlmr_sim_result). */
static const char *finding_title(unsigned int n)
{
	static const char *const titles[] = {
		[1] = "the control work loses a race with "
		      "control_first_done() (-EBUSY) and gives up",
		[3] = "the control work converts the control lock under "
		      "control_first_done()",
		[6] = "an unconsumed journal result clears the bit of a later "
		      "failure of the same journal",
		[7] = "the kernel reports a failed node with slot -1 or 0 and "
		      "gfs2 skips its journal",
		[8] = "the control lock's master failed and its value block "
		      "went back to an older version",
		[9] = "two mounting nodes keep each other from mounting "
		      "(weak fairness)",
	};

	return n < sizeof(titles) / sizeof(titles[0]) ? titles[n] : NULL;
}

static void print_summary(const char *scen_name, uint64_t seed,
			  const struct dlmr_sim_result *r, int ret)
{
	printf("\nsummary: scenario %s, seed %" PRIu64 ", %" PRIu64 " steps\n",
	       scen_name, seed, r->steps);
	for (unsigned int i = 0; i < r->cold_starts && i < 8; i++)
		printf("  first mounter (cold start %u): node %u\n", i + 1,
		       r->first_mounter[i]);
	for (unsigned int n = 1; n <= r->nodes; n++) {
		if (!r->alive[n])
			printf("  node %u: down\n", n);
		else if (r->jid[n] >= 0)
			printf("  node %u: mounted, jid %d\n", n, r->jid[n]);
		else
			printf("  node %u: up, not mounted\n", n);
	}
	if (!r->recoveries)
		printf("  journals replayed: none\n");
	for (unsigned int i = 0; i < r->recoveries && i < 64; i++)
		printf("  journal %d replayed by node %u at step %" PRIu64 "\n",
		       r->recovered[i].jid, r->recovered[i].by,
		       r->recovered[i].step);
	if (ret == 0)
		printf("  invariants S1-S5: held\n");
	else
		printf("  invariant violated: %s\n", r->violation);
	if (ret && finding_title(r->finding))
		printf("  matches docs/findings.md, finding %u: %s\n",
		       r->finding, finding_title(r->finding));
}

int dlmctl_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "show-default", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "stack", required_argument, NULL, 'S' },
		{ "compare", no_argument, NULL, 'C' },
		{ "nodes", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	enum dlmr_stack stack = DLMR_STACK_CLUSTER4;
	bool compare = false;
	unsigned int cmp_nodes = 3;
	struct dlmr_scenario *sc = NULL;
	struct dlmr_sim_result *res;
	struct timeline *tl;
	const char *path = NULL;
	char err[512];
	uint64_t seed = 0;
	bool have_seed = false, json = false;
	char *text = NULL;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 's': {
			char *end;

			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    optarg[0] == '+')
				return dlmctl_usage_error("--seed: '%s' is not a "
							  "number in 0..2^64-1",
							  optarg);
			have_seed = true;
			break;
		}
		case 'j':
			json = true;
			break;
		case 'D':
			fputs(dlmr_scenario_default_text(), stdout);
			return 0;
		case 'h':
			return dlmctl_help("sim");
		case 'S':
			if (dlmr_stacks_from_name(optarg, &stack))
				return dlmctl_usage_error("--stack: unknown stack "
							  "'%s' (cluster3 or "
							  "cluster4)", optarg);
			break;
		case 'C':
			compare = true;
			break;
		case 'n': {
			unsigned long v;

			if (dlmctl_parse_ulong("--nodes", optarg, 2,
					       DLMR_STACKS_EXPLORE_NODES_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			cmp_nodes = (unsigned int)v;
			break;
		}
		default:
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (compare) {
		if (optind < argc)
			return dlmctl_usage_error("--compare takes no scenario");
		r = dlmr_stacks_compare(stdout, cmp_nodes, json);
		return r ? dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
					strerror(-r)) : 0;
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return dlmctl_usage_error("unexpected argument '%s'",
					  argv[optind]);

	if (path) {
		size_t len;

		text = dlmctl_read_file(path, &len);
		if (!text)
			return dlmctl_error(DLMCTL_EXIT_USAGE, "%s: %s", path,
					    strerror(errno));
		if (strlen(text) != len) {
			free(text);
			return dlmctl_error(DLMCTL_EXIT_USAGE,
					    "%s: NUL byte in the scenario", path);
		}
	}
	r = dlmr_scenario_parse(text ? text : dlmr_scenario_default_text(),
				path ? path : "<default>", &sc, err, sizeof(err));
	free(text);
	if (r)
		return dlmctl_error(DLMCTL_EXIT_USAGE, "%s", err[0] ? err :
				    strerror(-r));
	if (!have_seed)
		seed = dlmr_scenario_seed(sc);

	tl = calloc(1, sizeof(*tl));
	res = calloc(1, sizeof(*res));
	if (!tl || !res) {
		free(tl);
		free(res);
		dlmr_scenario_free(sc);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	}
	tl->json = json;
	tl->res = res;
	if (stack == DLMR_STACK_CLUSTER3) {
		r = dlmr_stacks_scenario(stdout, sc, seed, res, json);
		json = true; /* no cluster4 timeline or summary */
	} else {
		r = dlmr_sim_run(sc, seed, on_event, tl, res);
	}
	if (!json)
		flush_row(tl);
	if (r < 0 && r != -ENOEXEC) {
		dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s", strerror(-r));
		r = DLMCTL_EXIT_RUNTIME;
	} else if (r == -ENOEXEC) {
		/* a scenario that cannot run as written */
		fflush(stdout);
		dlmctl_error(DLMCTL_EXIT_USAGE, "%s", res->violation);
		r = DLMCTL_EXIT_USAGE;
	} else {
		if (!json)
			print_summary(path ? path : "<default>", seed, res, r);
		if (r) {
			fflush(stdout);
			dlmctl_error(0, "invariant violated: %s",
				     res->violation);
			if (finding_title(res->finding))
				dlmctl_error(0, "this is docs/findings.md, "
					     "finding %u: %s", res->finding,
					     finding_title(res->finding));
			dlmctl_error(0, "replay with: dlmctl sim %s%s--seed %"
				     PRIu64, path ? path : "", path ? " " : "",
				     seed);
			r = DLMCTL_EXIT_VIOLATION;
		}
	}
	dlmr_scenario_free(sc);
	free(tl);
	free(res);
	fflush(stdout);
	return r;
}
