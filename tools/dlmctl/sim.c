// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl sim: run a scenario in the simulator and show what every node did. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dlmrecover.h>

#include "args.h"
#include "dlmctl.h"
#include "stacks.h"

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

/*
 * The timeline: one column per node, one row per step (more when a node
 * has several events in a step).  It is kept until the run ends, then
 * printed to fit the terminal: full cells (COLW) when they fit, else
 * narrower cells with the brief texts, and when even COLW_MIN does not
 * fit, the nodes in groups, one timeline after the other.
 */
#define COLW 20      /* a cell at full width */
#define COLW_MIN 12  /* the narrowest cell: a brief text */
#define STEPW 6      /* the step column */

struct tl_ev {
	uint64_t step;
	uint32_t node;         /* 0: a violation line */
	bool new_row;          /* starts a row */
	char text[DLMCTL_TEXT_MAX];
	char brief[DLMCTL_TEXT_MAX];
	char *line;            /* a violation line */
};

struct timeline {
	const struct dlmr_sim_result *res; /* nodes is set before any event */
	unsigned int nodes;
	bool json;
	struct dlmctl_svg *svg;
	int err;                /* out of memory */
	struct tl_ev *ev;
	size_t nev, cap;
	bool taken[DLMR_SIM_NODES_MAX + 1]; /* cells of the row being filled */
	bool row_open;
	uint64_t row_step;
	unsigned long events;
};

static void timeline_free(struct timeline *t)
{
	for (size_t i = 0; i < t->nev; i++)
		free(t->ev[i].line);
	free(t->ev);
	dlmctl_svg_free(t->svg);
}

static struct tl_ev *tl_add(struct timeline *t)
{
	if (t->nev == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct tl_ev *n = realloc(t->ev, cap * sizeof(*n));

		if (!n) {
			t->err = -ENOMEM;
			return NULL;
		}
		t->ev = n;
		t->cap = cap;
	}
	memset(&t->ev[t->nev], 0, sizeof(t->ev[0]));
	return &t->ev[t->nev++];
}

static void on_event(const struct dlmr_event *ev, void *arg)
{
	struct timeline *t = arg;
	struct tl_ev *e;
	char buf[512];

	if (!t->events++)
		t->nodes = t->res->nodes;
	if (t->svg && dlmctl_svg_event(t->svg, ev, 0, t->events, NULL))
		t->err = -ENOMEM;
	if (t->json) {
		int r = dlmr_trace_format(ev, buf, sizeof(buf));

		if (r < 0) {
			dlmctl_error(0, "cannot format event: %s", strerror(-r));
			return;
		}
		puts(buf);
		return;
	}
	if (ev->type != DLMR_EV_VIOLATION &&
	    (ev->node < 1 || ev->node > t->nodes))
		return;
	e = tl_add(t);
	if (!e)
		return;
	e->step = ev->step;
	if (ev->type == DLMR_EV_VIOLATION) {
		if (asprintf(&e->line, "VIOLATION (node %u): %s", ev->node,
			     ev->detail) < 0) {
			e->line = NULL;
			t->err = -ENOMEM;
		}
		t->row_open = false;
		return;
	}
	/* a new row per step, and a new row when a column is taken */
	if (t->row_open && (ev->step != t->row_step || t->taken[ev->node]))
		t->row_open = false;
	if (!t->row_open) {
		e->new_row = true;
		t->row_open = true;
		t->row_step = ev->step;
		memset(t->taken, 0, sizeof(t->taken));
	}
	t->taken[ev->node] = true;
	e->node = ev->node;
	dlmctl_event_text(ev, e->text, sizeof(e->text), false);
	dlmctl_event_text(ev, e->brief, sizeof(e->brief), true);
}

/* The terminal's width: COLUMNS, else stdout's if it is a terminal;
 * 0: unknown (no limit). */
static unsigned int term_width(void)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;

	if (c && *c) {
		char *end;
		unsigned long v = strtoul(c, &end, 10);

		if (!*end && v > 0 && v < 100000)
			return (unsigned int)v;
	}
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
	    ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* Nodes @lo..@hi of a row, @w characters a cell, without trailing
 * blanks. */
static void print_cells(unsigned int lo, unsigned int hi, unsigned int w,
			const char *const cells[])
{
	unsigned int last = 0;

	for (unsigned int n = lo; n <= hi; n++)
		if (cells[n])
			last = n;
	for (unsigned int n = lo; n <= last; n++)
		printf("  %-*.*s", n == last ? 0 : (int)w, (int)w,
		       cells[n] ? cells[n] : "");
	putchar('\n');
}

/* The rows of the timeline that have a cell in nodes @lo..@hi, and the
 * violation lines; brief texts in cells narrower than COLW. */
static void print_group(const struct timeline *t, unsigned int lo,
			unsigned int hi, unsigned int w)
{
	const char *cells[DLMR_SIM_NODES_MAX + 1] = { NULL };
	char names[DLMR_SIM_NODES_MAX + 1][16];
	bool any = false, printed = false;
	uint64_t step = 0, printed_step = 0;

	printf("%*s", STEPW, "step");
	for (unsigned int n = lo; n <= hi; n++) {
		snprintf(names[n], sizeof(names[n]), "node %u", n);
		cells[n] = names[n];
	}
	print_cells(lo, hi, w, cells);
	memset(cells, 0, sizeof(cells));
	for (size_t i = 0; i <= t->nev; i++) {
		const struct tl_ev *e = i < t->nev ? &t->ev[i] : NULL;

		if (!e || e->new_row || e->line) {
			if (any) {
				if (printed && printed_step == step)
					printf("%*s", STEPW, "");
				else
					printf("%*" PRIu64, STEPW, step);
				printed = true;
				printed_step = step;
				print_cells(lo, hi, w, cells);
			}
			memset(cells, 0, sizeof(cells));
			any = false;
		}
		if (!e)
			break;
		if (e->line) {
			printf("%*" PRIu64 "  %s\n", STEPW, e->step, e->line);
			continue;
		}
		step = e->step;
		if (e->node >= lo && e->node <= hi) {
			cells[e->node] = w < COLW ? e->brief : e->text;
			any = true;
		}
	}
}

static void print_timeline(const struct timeline *t, unsigned int width)
{
	unsigned int nodes = t->nodes, per = nodes, groups = 1, w = COLW;

	if (!t->nev || !nodes)
		return;
	if (width && STEPW + nodes * (2 + COLW) > width) {
		/* the fewest groups of nodes that fit at COLW_MIN, then
		 * cells as wide as the width allows for that group size */
		unsigned int fit = width > STEPW ?
			(width - STEPW) / (2 + COLW_MIN) : 0;

		if (fit < 1)
			fit = 1;
		groups = (nodes + fit - 1) / fit;
		per = (nodes + groups - 1) / groups;
		w = (width > STEPW ? width - STEPW : 0) / per;
		w = w > 2 ? w - 2 : 0;
		if (w < COLW_MIN)
			w = COLW_MIN;
		if (w > COLW)
			w = COLW;
	}
	for (unsigned int g = 0; g < groups; g++) {
		unsigned int lo = 1 + g * per;
		unsigned int hi = lo + per - 1 > nodes ? nodes : lo + per - 1;

		if (lo > nodes)
			break;
		if (groups > 1)
			printf("%snodes %u-%u of %u:\n", g ? "\n" : "", lo, hi,
			       nodes);
		print_group(t, lo, hi, w);
	}
}

/* The findings of docs/findings.md a run can match (dlmr_sim_result). */
static const char *finding_title(unsigned int n)
{
	static const char *const titles[] = {
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
		[10] = "the control work runs before a journal recovery "
		       "clears JDF_RECOVERY: gfs2_recover_set() -EBUSY, and "
		       "nothing queues the work again",
		[11] = "late delivery: the DLM recovered from a failure "
		       "before the coordinator read the prep, and it stays "
		       "unblocked",
		[12] = "control_first_done()'s NL conversion comes between "
		       "the control work's EX and its NL, and the work's "
		       "value block never reaches the resource",
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

/* The diagram of the run, with its verdict, to @file: @ret (the run's
 * result), or -EIO once the error is reported, or -ENOMEM. */
static int write_svg(struct dlmctl_svg *svg, const char *file,
		     const char *path, uint64_t seed,
		     const struct dlmr_sim_result *res, int ret)
{
	char line[DLMR_DETAIL_MAX + 160];
	int r;

	snprintf(line, sizeof(line), "scenario %s, seed %" PRIu64 ", %" PRIu64
		 " steps, %u nodes", path ? path : "<default>", seed,
		 res->steps, res->nodes);
	dlmctl_svg_summary(svg, line);
	if (ret == 0)
		snprintf(line, sizeof(line), "invariants S1-S5: held");
	else
		snprintf(line, sizeof(line), "invariant violated: %s",
			 res->violation);
	dlmctl_svg_summary(svg, line);
	if (ret && finding_title(res->finding)) {
		snprintf(line, sizeof(line), "matches docs/findings.md, "
			 "finding %u: %s", res->finding,
			 finding_title(res->finding));
		dlmctl_svg_summary(svg, line);
	}
	r = dlmctl_svg_write(svg, file);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		fflush(stdout);
		dlmctl_error(0, "%s: %s", file, strerror(-r));
		return -EIO;
	}
	return ret;
}

int dlmctl_sim(int argc, char **argv)
{
	struct dlmctl_sim_args a;
	struct dlmr_scenario *sc = NULL;
	struct dlmr_sim_result *res;
	struct timeline *tl;
	const char *path, *svg;
	char err[512];
	uint64_t seed;
	bool json;
	char *text = NULL;
	int r;

	r = dlmctl_sim_args(argc, argv, &a);
	if (r || a.help)
		return r ? r : dlmctl_help("sim");
	if (a.show_default) {
		fputs(dlmr_scenario_default_text(), stdout);
		return 0;
	}
	if (a.compare) {
		r = dlmr_stacks_compare(stdout, a.cmp_nodes, a.json);
		return r ? dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
					strerror(-r)) : 0;
	}
	path = a.path;
	svg = a.svg;
	json = a.json;
	seed = a.seed;

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
	if (!a.have_seed)
		seed = dlmr_scenario_seed(sc);
	if (a.delivery >= 0)
		dlmr_scenario_set_delivery(sc, (unsigned int)a.delivery);

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
	if (svg) {
		char title[PATH_MAX + 64];

		snprintf(title, sizeof(title), "dlmctl sim %s%s--seed %" PRIu64,
			 path ? path : "", path ? " " : "", seed);
		tl->svg = dlmctl_svg_new(title);
		if (!tl->svg)
			tl->err = -ENOMEM;
		if (!strcmp(svg, "-"))
			json = true; /* no timeline or summary on stdout */
	}
	if (a.cluster3) {
		r = dlmr_stacks_scenario(stdout, sc, seed, res, json);
		json = true; /* no cluster4 timeline or summary */
	} else {
		r = dlmr_sim_run(sc, seed, on_event, tl, res);
	}
	if (r >= 0 && tl->err)
		r = tl->err;
	if (!json && r >= 0)
		print_timeline(tl, term_width());
	if (r >= 0 && svg)
		r = write_svg(tl->svg, svg, path, seed, res, r);
	if (r == -EIO) {
		r = DLMCTL_EXIT_RUNTIME; /* reported */
	} else if (r < 0 && r != -ENOEXEC) {
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
	timeline_free(tl);
	free(tl);
	free(res);
	fflush(stdout);
	return r;
}
