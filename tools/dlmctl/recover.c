// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl recover: recovery state and traces. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlmrecover.h>
#include <json-c/json.h>

#include "args.h"
#include "dlmctl.h"

static int recover_check(const char *path)
{
	struct dlmr_contract *c = NULL;
	struct dlmr_event *ev;
	char err[256];
	size_t len;
	char *text = dlmctl_read_file(path, &len);
	char *line, *next;
	unsigned long lineno = 0, events = 0, hazards = 0;
	int ret = DLMCTL_EXIT_OK;

	if (!text)
		return dlmctl_error(DLMCTL_EXIT_USAGE, "%s: %s", path,
				    strerror(errno));
	ev = malloc(sizeof(*ev));
	if (!ev || dlmr_contract_new(&c)) {
		free(ev);
		free(text);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	}
	for (line = text; line && *line && ret == DLMCTL_EXIT_OK; line = next) {
		int r;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strlen(line) == 0 && !next)
			break;
		if (line + strlen(line) < (next ? next - 1 : text + len)) {
			ret = dlmctl_error(DLMCTL_EXIT_USAGE,
					   "%s:%lu: NUL byte in line", path,
					   lineno);
			break;
		}
		r = dlmr_trace_parse(line, ev, err, sizeof(err));
		if (r) {
			ret = dlmctl_error(DLMCTL_EXIT_USAGE, "%s:%lu: %s", path,
					   lineno, err);
			break;
		}
		events++;
		r = dlmr_contract_feed(c, ev);
		if (r < 0) {
			ret = dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s:%lu: %s",
					   path, lineno, strerror(-r));
		} else if (r == 2) {
			/* a hazard: reported, and the check goes on */
			printf("%s:%lu: %s\n", path, lineno,
			       dlmr_contract_reason(c));
			hazards++;
		} else if (r > 0) {
			printf("%s:%lu: %s\n", path, lineno,
			       dlmr_contract_reason(c));
			ret = DLMCTL_EXIT_VIOLATION;
		}
	}
	if (ret == DLMCTL_EXIT_OK && !events) {
		/* nothing was checked: not "contract kept" */
		ret = dlmctl_error(DLMCTL_EXIT_USAGE, "%s: no events (an empty "
				   "trace)", path);
	} else if (ret == DLMCTL_EXIT_OK && hazards) {
		printf("%s: %lu events, contract kept but %lu hazard%s: "
		       "consumers of the slot misbehave\n", path, events,
		       hazards, hazards == 1 ? "" : "s");
		ret = DLMCTL_EXIT_VIOLATION;
	} else if (ret == DLMCTL_EXIT_OK) {
		printf("%s: %lu events, contract kept\n", path, events);
	}
	dlmr_contract_free(c);
	free(ev);
	free(text);
	return ret;
}

/* ---- recover check --invariants, recover check -j ------------------------ */

/* One line of a trace: where it is and its place in the merge. */
struct tline {
	char *text;
	unsigned long lineno;
	uint64_t time_ns, step;
	uint64_t key;      /* time_ns, or step */
	bool skip;         /* a violation event: not judged */
};

struct tfile {
	const char *path;
	char *text;
	struct tline *lines;
	size_t n;
	/* the contract's verdict */
	unsigned long events;
	unsigned long bad_line;          /* 0: contract kept */
	char bad_reason[256];
	size_t nhazards;
	struct hazard {
		unsigned long line;
		char reason[256];
	} *hazards;
};

struct check {
	struct tfile *f;
	size_t nf;
	bool by_step;      /* merged on step (simulator traces) */
	unsigned long events, ignored;
	struct dlmr_judge *judge;
	/* the merged order, for --svg: file and line index of each event */
	bool keep_order;
	size_t norder;
	struct place {
		size_t file, k;
	} *order;
	/* lost events: nodes not judged until their next join */
	size_t nlost;
	struct lost {
		size_t file;
		unsigned long line;
		uint32_t node;
		char ls[DLMR_LSNAME_MAX + 1];
	} *lost;
};

static void check_free(struct check *c)
{
	for (size_t i = 0; i < c->nf; i++) {
		free(c->f[i].text);
		free(c->f[i].lines);
		free(c->f[i].hazards);
	}
	free(c->f);
	free(c->lost);
	free(c->order);
	dlmr_judge_free(c->judge);
}

/* @arr of @n entries of @size bytes with one more at its end, zeroed:
 * @arr itself or moved; NULL: out of memory (@arr is kept). */
static void *append(void *arr, size_t n, size_t size)
{
	char *na = realloc(arr, (n + 1) * size);

	if (na)
		memset(na + n * size, 0, size);
	return na;
}

/* Read and parse every line of @f; keys are filled in later. */
static int load_file(struct tfile *f, struct dlmr_event *ev)
{
	char err[256];
	size_t len, cap = 0;
	char *line, *next;
	unsigned long lineno = 0;

	f->text = dlmctl_read_file(f->path, &len);
	if (!f->text)
		return dlmctl_error(DLMCTL_EXIT_USAGE, "%s: %s", f->path,
				    strerror(errno));
	for (line = f->text; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strlen(line) == 0 && !next)
			break;
		if (line + strlen(line) < (next ? next - 1 : f->text + len))
			return dlmctl_error(DLMCTL_EXIT_USAGE,
					    "%s:%lu: NUL byte in line", f->path,
					    lineno);
		if (dlmr_trace_parse(line, ev, err, sizeof(err)))
			return dlmctl_error(DLMCTL_EXIT_USAGE, "%s:%lu: %s",
					    f->path, lineno, err);
		if (f->n == cap) {
			struct tline *nl;

			cap = cap ? cap * 2 : 256;
			nl = realloc(f->lines, cap * sizeof(*nl));
			if (!nl)
				return dlmctl_error(DLMCTL_EXIT_RUNTIME,
						    "out of memory");
			f->lines = nl;
		}
		f->lines[f->n++] = (struct tline){
			.text = line, .lineno = lineno,
			.time_ns = ev->time_ns, .step = ev->step,
			.skip = ev->type == DLMR_EV_VIOLATION };
	}
	if (!f->n)
		return dlmctl_error(DLMCTL_EXIT_USAGE, "%s: no events (an empty "
				    "trace)", f->path);
	return DLMCTL_EXIT_OK;
}

static int no_clock(const struct tfile *f, const struct tline *t)
{
	return dlmctl_error(DLMCTL_EXIT_USAGE, "%s:%lu: no time_ns and no "
			    "step: --invariants merges the traces on time_ns "
			    "(simulator traces: on step)", f->path, t->lineno);
}

/*
 * The merge order: time_ns when any event has one, then every event
 * (but violation lines, which are not judged) must; else step, which the
 * simulator writes on every event after its first step (step 0 is
 * written by leaving the field out): an event without one must come
 * before any event with one in its file.  Without either on any event,
 * one trace is taken in its order, several have none to merge them in.
 */
static int merge_keys(struct check *c)
{
	const struct tfile *nf = NULL;
	const struct tline *nl = NULL;
	bool any_time = false, any_step = false;

	for (size_t i = 0; i < c->nf; i++)
		for (size_t k = 0; k < c->f[i].n; k++) {
			const struct tline *t = &c->f[i].lines[k];

			any_time |= t->time_ns != 0;
			any_step |= t->step != 0;
			if (!nl && !t->skip) {
				nf = &c->f[i];
				nl = t;
			}
		}
	c->by_step = !any_time;
	if (!any_time && !any_step && nl && c->nf > 1)
		return no_clock(nf, nl);
	for (size_t i = 0; i < c->nf; i++) {
		struct tfile *f = &c->f[i];
		bool stepped = false;

		for (size_t k = 0; k < f->n; k++) {
			struct tline *t = &f->lines[k];

			if (t->skip)
				continue;
			if (any_time && !t->time_ns)
				return dlmctl_error(DLMCTL_EXIT_USAGE,
					"%s:%lu: no time_ns: --invariants merges "
					"the traces on time_ns, which every "
					"event needs", f->path, t->lineno);
			if (any_time) {
				t->key = t->time_ns;
				continue;
			}
			if (!t->step && stepped)
				return no_clock(f, t);
			stepped |= t->step != 0;
			t->key = t->step;
		}
	}
	return DLMCTL_EXIT_OK;
}

/* The callback-ordering contract on each file, as recover check does. */
static int run_contract(struct tfile *f, struct dlmr_event *ev)
{
	struct dlmr_contract *ct;
	char err[256];

	if (dlmr_contract_new(&ct))
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	for (size_t k = 0; k < f->n && !f->bad_line; k++) {
		const struct tline *t = &f->lines[k];
		int r;

		dlmr_trace_parse(t->text, ev, err, sizeof(err));
		f->events++;
		r = dlmr_contract_feed(ct, ev);
		if (r < 0) {
			dlmr_contract_free(ct);
			return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s:%lu: %s",
					    f->path, t->lineno, strerror(-r));
		}
		if (r == 2) {
			struct hazard *h = append(f->hazards, f->nhazards,
						  sizeof(*h));

			if (!h) {
				dlmr_contract_free(ct);
				return dlmctl_error(DLMCTL_EXIT_RUNTIME,
						    "out of memory");
			}
			f->hazards = h;
			h += f->nhazards++;
			h->line = t->lineno;
			snprintf(h->reason, sizeof(h->reason), "%s",
				 dlmr_contract_reason(ct));
		} else if (r > 0) {
			f->bad_line = t->lineno;
			snprintf(f->bad_reason, sizeof(f->bad_reason), "%s",
				 dlmr_contract_reason(ct));
		}
	}
	dlmr_contract_free(ct);
	return DLMCTL_EXIT_OK;
}

/* Feed every event to the judge in the merged order: the file whose
 * next event has the lowest key, the first such file on a tie. */
static int run_judge(struct check *c, struct dlmr_event *ev)
{
	size_t *pos = calloc(c->nf, sizeof(*pos));
	char err[256];
	int r;

	if (!pos || dlmr_judge_new(&c->judge)) {
		free(pos);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	}
	for (;;) {
		size_t best = c->nf;
		const struct tline *t;

		for (size_t i = 0; i < c->nf; i++)
			if (pos[i] < c->f[i].n &&
			    (best == c->nf || c->f[i].lines[pos[i]].key <
			     c->f[best].lines[pos[best]].key))
				best = i;
		if (best == c->nf)
			break;
		t = &c->f[best].lines[pos[best]++];
		if (c->keep_order) {
			struct place *o = append(c->order, c->norder,
						 sizeof(*o));

			if (!o) {
				free(pos);
				return dlmctl_error(DLMCTL_EXIT_RUNTIME,
						    "out of memory");
			}
			c->order = o;
			c->order[c->norder++] = (struct place){
				best, pos[best] - 1 };
		}
		if (t->skip) {
			c->ignored++;
			continue;
		}
		c->events++;
		dlmr_trace_parse(t->text, ev, err, sizeof(err));
		if (ev->type == DLMR_EV_LOST) {
			struct lost *l = append(c->lost, c->nlost, sizeof(*l));

			if (!l) {
				free(pos);
				return dlmctl_error(DLMCTL_EXIT_RUNTIME,
						    "out of memory");
			}
			c->lost = l;
			l += c->nlost++;
			l->file = best;
			l->line = t->lineno;
			l->node = ev->node;
			snprintf(l->ls, sizeof(l->ls), "%s", ev->ls);
		}
		r = dlmr_judge_feed(c->judge, ev, (uint32_t)best, t->lineno);
		if (r == -EPROTO) {
			free(pos);
			return dlmctl_error(DLMCTL_EXIT_USAGE, "%s:%lu: %s",
					    c->f[best].path, t->lineno,
					    dlmr_judge_reason(c->judge));
		}
		if (r < 0) {
			free(pos);
			return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s:%lu: %s",
					    c->f[best].path, t->lineno,
					    strerror(-r));
		}
	}
	free(pos);
	r = dlmr_judge_finish(c->judge);
	if (r < 0)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s", strerror(-r));
	return DLMCTL_EXIT_OK;
}

/* "mounted node 3 jid 2", "slot node 2 nodeid 3", "grant node 1 mounted" */
static void ref_text(const struct dlmr_judge_ref *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s node %u", dlmr_event_name(r->type),
			 r->node);

	if (n < 0 || (size_t)n >= len)
		return;
	if (r->type == DLMR_EV_SLOT)
		snprintf(buf + n, len - (size_t)n, " nodeid %u", r->nodeid);
	else if (r->jid >= 0)
		snprintf(buf + n, len - (size_t)n, " jid %d", r->jid);
}

static void clock_text(const struct check *c, const struct dlmr_judge_ref *r,
		       char *buf, size_t len)
{
	snprintf(buf, len, "%s %" PRIu64, c->by_step ? "step" : "time_ns",
		 c->by_step ? r->step : r->time_ns);
}

static void print_human(const struct check *c, bool invariants)
{
	char what[96], when[48];

	for (size_t i = 0; i < c->nf; i++) {
		const struct tfile *f = &c->f[i];

		for (size_t h = 0; h < f->nhazards; h++)
			printf("%s:%lu: %s\n", f->path, f->hazards[h].line,
			       f->hazards[h].reason);
		if (f->bad_line)
			printf("%s:%lu: %s\n", f->path, f->bad_line,
			       f->bad_reason);
		else if (f->nhazards)
			printf("%s: %lu events, contract kept but %zu hazard%s: "
			       "consumers of the slot misbehave\n", f->path,
			       f->events, f->nhazards,
			       f->nhazards == 1 ? "" : "s");
		else
			printf("%s: %lu events, contract kept\n", f->path,
			       f->events);
	}
	if (!invariants)
		return;
	for (size_t i = 0; i < c->nlost; i++)
		printf("%s:%lu: node %u: events lost: not judged in %s until "
		       "its next join\n", c->f[c->lost[i].file].path,
		       c->lost[i].line, c->lost[i].node,
		       c->lost[i].ls[0] ? c->lost[i].ls : "any lockspace");
	for (size_t i = 0; i < dlmr_judge_count(c->judge); i++) {
		const struct dlmr_judge_violation *v =
			dlmr_judge_violation(c->judge, i);

		if (v->at.line) {
			clock_text(c, &v->at, when, sizeof(when));
			printf("%s:%" PRIu64 ": %s (ls %s, %s)\n",
			       c->f[v->at.file].path, v->at.line, v->detail,
			       v->ls, when);
		} else {
			printf("end of traces: %s (ls %s)\n", v->detail, v->ls);
		}
		for (unsigned int k = 0; k < v->nrefs; k++) {
			ref_text(&v->refs[k], what, sizeof(what));
			clock_text(c, &v->refs[k], when, sizeof(when));
			printf("  rests on %s:%" PRIu64 ": %s (%s)\n",
			       c->f[v->refs[k].file].path, v->refs[k].line,
			       what, when);
		}
	}
	printf("invariants: %lu events of %zu trace%s merged on %s", c->events,
	       c->nf, c->nf == 1 ? "" : "s", c->by_step ? "step" : "time_ns");
	if (c->ignored)
		printf(", %lu violation line%s not judged", c->ignored,
		       c->ignored == 1 ? "" : "s");
	if (dlmr_judge_count(c->judge))
		printf(": %zu violation%s of S1-S5\n",
		       dlmr_judge_count(c->judge),
		       dlmr_judge_count(c->judge) == 1 ? "" : "s");
	else
		printf(": S1-S5 held\n");
}

static json_object *json_ref(const struct check *c,
			     const struct dlmr_judge_ref *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "file",
			       json_object_new_string(c->f[r->file].path));
	json_object_object_add(o, "line", json_object_new_uint64(r->line));
	json_object_object_add(o, c->by_step ? "step" : "time_ns",
			       json_object_new_uint64(c->by_step ? r->step :
						      r->time_ns));
	json_object_object_add(o, "event",
			       json_object_new_string(dlmr_event_name(r->type)));
	json_object_object_add(o, "node", json_object_new_int64(r->node));
	if (r->type == DLMR_EV_SLOT)
		json_object_object_add(o, "nodeid",
				       json_object_new_int64(r->nodeid));
	else if (r->jid >= 0)
		json_object_object_add(o, "jid", json_object_new_int(r->jid));
	return o;
}

static void print_json(const struct check *c, bool invariants)
{
	json_object *o = json_object_new_object();
	json_object *files = json_object_new_array();

	for (size_t i = 0; i < c->nf; i++) {
		const struct tfile *f = &c->f[i];
		json_object *fo = json_object_new_object();
		json_object *hz = json_object_new_array();

		json_object_object_add(fo, "file", json_object_new_string(f->path));
		json_object_object_add(fo, "events", json_object_new_uint64(f->events));
		json_object_object_add(fo, "contract", json_object_new_string(
			f->bad_line ? "violated" : f->nhazards ? "hazards" : "kept"));
		if (f->bad_line) {
			json_object *b = json_object_new_object();

			json_object_object_add(b, "line", json_object_new_uint64(f->bad_line));
			json_object_object_add(b, "reason", json_object_new_string(f->bad_reason));
			json_object_object_add(fo, "violation", b);
		} else {
			json_object_object_add(fo, "violation", NULL);
		}
		for (size_t h = 0; h < f->nhazards; h++) {
			json_object *b = json_object_new_object();

			json_object_object_add(b, "line", json_object_new_uint64(f->hazards[h].line));
			json_object_object_add(b, "reason", json_object_new_string(f->hazards[h].reason));
			json_object_array_add(hz, b);
		}
		json_object_object_add(fo, "hazards", hz);
		json_object_array_add(files, fo);
	}
	json_object_object_add(o, "files", files);
	if (invariants) {
		json_object *inv = json_object_new_object();
		json_object *vs = json_object_new_array();
		json_object *lost = json_object_new_array();

		json_object_object_add(inv, "merged_on", json_object_new_string(
			c->by_step ? "step" : "time_ns"));
		json_object_object_add(inv, "events", json_object_new_uint64(c->events));
		json_object_object_add(inv, "violation_lines_not_judged",
				       json_object_new_uint64(c->ignored));
		json_object_object_add(inv, "held", json_object_new_boolean(
			!dlmr_judge_count(c->judge)));
		for (size_t i = 0; i < dlmr_judge_count(c->judge); i++) {
			const struct dlmr_judge_violation *v =
				dlmr_judge_violation(c->judge, i);
			json_object *vo = json_object_new_object();
			json_object *refs = json_object_new_array();
			char name[8];

			snprintf(name, sizeof(name), "S%u", v->invariant);
			json_object_object_add(vo, "invariant", json_object_new_string(name));
			json_object_object_add(vo, "ls", json_object_new_string(v->ls));
			json_object_object_add(vo, "node", v->node ?
				json_object_new_int64(v->node) : NULL);
			json_object_object_add(vo, "jid", v->jid >= 0 ?
				json_object_new_int(v->jid) : NULL);
			json_object_object_add(vo, "detail", json_object_new_string(v->detail));
			json_object_object_add(vo, "at", v->at.line ?
				json_ref(c, &v->at) : NULL);
			for (unsigned int k = 0; k < v->nrefs; k++)
				json_object_array_add(refs, json_ref(c, &v->refs[k]));
			json_object_object_add(vo, "rests_on", refs);
			json_object_array_add(vs, vo);
		}
		json_object_object_add(inv, "violations", vs);
		for (size_t i = 0; i < c->nlost; i++) {
			json_object *lo = json_object_new_object();

			json_object_object_add(lo, "file", json_object_new_string(
				c->f[c->lost[i].file].path));
			json_object_object_add(lo, "line", json_object_new_uint64(c->lost[i].line));
			json_object_object_add(lo, "node", json_object_new_int64(c->lost[i].node));
			json_object_object_add(lo, "ls", json_object_new_string(c->lost[i].ls));
			json_object_array_add(lost, lo);
		}
		json_object_object_add(inv, "lost", lost);
		json_object_object_add(o, "invariants", inv);
	} else {
		json_object_object_add(o, "invariants", NULL);
	}
	puts(json_object_to_json_string_ext(o,
			dlmctl_json_flags(JSON_C_TO_STRING_NOSLASHESCAPE)));
	json_object_put(o);
}

/* The diagram of the traces in the order they were judged (one trace
 * without --invariants: in its order), every verdict on it. */
static int svg_draw(struct check *c, struct dlmr_event *ev, bool invariants,
		    const char *file)
{
	char text[DLMR_DETAIL_MAX + PATH_MAX + 128], err[256];
	size_t n = invariants ? c->norder : c->f[0].n;
	struct dlmctl_svg *s;
	int len, r;

	len = snprintf(text, sizeof(text), "dlmctl recover check%s",
		       invariants ? " --invariants" : "");
	for (size_t i = 0; i < c->nf && len >= 0 &&
	     (size_t)len < sizeof(text); i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, " %s",
				c->f[i].path);
	s = dlmctl_svg_new(text);
	if (!s)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t fi = invariants ? c->order[i].file : 0;
		const struct tline *t = &c->f[fi].lines[invariants ?
							 c->order[i].k : i];

		dlmr_trace_parse(t->text, ev, err, sizeof(err));
		snprintf(text, sizeof(text), "%s:%lu", c->f[fi].path,
			 t->lineno);
		dlmctl_svg_event(s, ev, (uint32_t)fi, t->lineno, text);
	}
	/* the verdicts: the contract's, per trace, then S1-S5 */
	for (size_t i = 0; i < c->nf; i++) {
		const struct tfile *f = &c->f[i];

		for (size_t h = 0; h < f->nhazards; h++) {
			dlmctl_svg_mark(s, (uint32_t)i, f->hazards[h].line,
					DLMCTL_SVG_HAZARD);
			snprintf(text, sizeof(text), "hazard, %s:%lu: %s",
				 f->path, f->hazards[h].line,
				 f->hazards[h].reason);
			dlmctl_svg_note(s, (uint32_t)i, f->hazards[h].line,
					DLMCTL_SVG_WARNING, text);
		}
		if (f->bad_line) {
			dlmctl_svg_mark(s, (uint32_t)i, f->bad_line,
					DLMCTL_SVG_AT);
			snprintf(text, sizeof(text), "CONTRACT VIOLATED, %s:%lu: "
				 "%s", f->path, f->bad_line, f->bad_reason);
			dlmctl_svg_note(s, (uint32_t)i, f->bad_line,
					DLMCTL_SVG_VIOLATION, text);
		}
		snprintf(text, sizeof(text), "%s: %lu events, %s", f->path,
			 f->events, f->bad_line ? "contract violated" :
			 f->nhazards ? "contract kept, with hazards" :
			 "contract kept");
		dlmctl_svg_summary(s, text);
	}
	for (size_t i = 0; invariants && i < c->nlost; i++) {
		snprintf(text, sizeof(text), "node %u: events lost: not "
			 "judged in %s until its next join", c->lost[i].node,
			 c->lost[i].ls[0] ? c->lost[i].ls : "any lockspace");
		dlmctl_svg_note(s, (uint32_t)c->lost[i].file, c->lost[i].line,
				DLMCTL_SVG_WARNING, text);
	}
	for (size_t i = 0; invariants && i < dlmr_judge_count(c->judge); i++) {
		const struct dlmr_judge_violation *v =
			dlmr_judge_violation(c->judge, i);

		for (unsigned int k = 0; k < v->nrefs; k++)
			dlmctl_svg_mark(s, v->refs[k].file, v->refs[k].line,
					DLMCTL_SVG_REF);
		if (v->at.line)
			dlmctl_svg_mark(s, v->at.file, v->at.line,
					DLMCTL_SVG_AT);
		snprintf(text, sizeof(text), "VIOLATION %s (ls %s)", v->detail,
			 v->ls);
		dlmctl_svg_note(s, v->at.file, v->at.line, DLMCTL_SVG_VIOLATION,
				text);
	}
	if (invariants) {
		snprintf(text, sizeof(text), "invariants: %lu events of %zu "
			 "trace%s merged on %s: %s", c->events, c->nf,
			 c->nf == 1 ? "" : "s", c->by_step ? "step" : "time_ns",
			 dlmr_judge_count(c->judge) ? "S1-S5 violated" :
			 "S1-S5 held");
		dlmctl_svg_summary(s, text);
	}
	r = dlmctl_svg_write(s, file);
	dlmctl_svg_free(s);
	if (r)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s: %s", file,
				    strerror(-r));
	return DLMCTL_EXIT_OK;
}

/* recover check [--invariants] [-j] [--svg FILE] TRACE...: everything
 * read first */
static int recover_check_all(char **paths, size_t n, bool invariants,
			     bool json, const char *svg)
{
	struct check c = { 0 };
	struct dlmr_event *ev = malloc(sizeof(*ev));
	int ret = DLMCTL_EXIT_OK;

	c.f = calloc(n, sizeof(*c.f));
	if (!ev || !c.f) {
		free(ev);
		free(c.f);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	}
	c.nf = n;
	c.keep_order = svg != NULL;
	for (size_t i = 0; i < n && ret == DLMCTL_EXIT_OK; i++) {
		c.f[i].path = paths[i];
		ret = load_file(&c.f[i], ev);
	}
	if (ret == DLMCTL_EXIT_OK && invariants)
		ret = merge_keys(&c);
	for (size_t i = 0; i < n && ret == DLMCTL_EXIT_OK; i++)
		ret = run_contract(&c.f[i], ev);
	if (ret == DLMCTL_EXIT_OK && invariants)
		ret = run_judge(&c, ev);
	if (ret == DLMCTL_EXIT_OK && svg)
		ret = svg_draw(&c, ev, invariants, svg);
	if (ret == DLMCTL_EXIT_OK) {
		if (json)
			print_json(&c, invariants);
		else if (!svg || strcmp(svg, "-"))
			print_human(&c, invariants);
		for (size_t i = 0; i < n; i++)
			if (c.f[i].bad_line || c.f[i].nhazards)
				ret = DLMCTL_EXIT_VIOLATION;
		if (invariants && dlmr_judge_count(c.judge))
			ret = DLMCTL_EXIT_VIOLATION;
	}
	free(ev);
	check_free(&c);
	return ret;
}

static int recover_check_cmd(int argc, char **argv)
{
	struct dlmctl_check_args a;
	int r;

	r = dlmctl_check_args(argc, argv, &a);
	if (r || a.help)
		return r ? r : dlmctl_help("recover check");
	if (!a.invariants && !a.json && !a.svg)
		return recover_check(a.paths[0]);
	return recover_check_all(a.paths, (size_t)a.n_paths, a.invariants,
				 a.json, a.svg);
}

int dlmctl_recover(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "watch")) {
		dlmctl_cmd_start("recover watch");
		return dlmctl_recover_watch(argc - 1, argv + 1);
	}
	if (argc >= 2 && !strcmp(argv[1], "check")) {
		dlmctl_cmd_start("recover check");
		return recover_check_cmd(argc - 1, argv + 1);
	}
	/* dlmctl recover [LOCKSPACE...]: the kernel's state */
	dlmctl_cmd_start("recover");
	return dlmctl_recover_status(argc, argv);
}
