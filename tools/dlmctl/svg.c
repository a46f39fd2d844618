// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A recovery as an SVG sequence diagram: one lifeline per node, time
 * going down, every event a dot on its node's lifeline with a label
 * (callbacks, lock requests and answers, journal recoveries, block and
 * unblock, mounts), the failed node's lifeline pointing at the survivors'
 * `slot` callbacks, and violations as red bands.  Self-contained: no
 * script, no external resource; every event's full trace line is its
 * tooltip (<title>).  dlmctl sim --svg and dlmctl recover check --svg.
 *
 * The structure the tests rely on (tests/cli/test_svg.sh): one
 * <g class="lifeline" data-node="N"> per node, one <g class="ev ...">
 * per event, a violation as <g class="violation"> and its event as
 * class "ev ... at".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlmrecover.h>

#include "dlmctl.h"

#define LEFT_W 96       /* the clock column */
#define COL_W 150       /* a node's column */
#define ROW_H 16
#define CHAR_W 6.7      /* 11px monospace, for wrapping the notes */
#define HEAD_EVERY 40   /* the node names again every so many rows */
#define MIN_W 640

struct svg_ev {
	enum dlmr_event_type type;
	uint32_t node;
	uint32_t nodeid;        /* slot: the failed node */
	uint64_t key;           /* step or time_ns */
	uint32_t file;
	uint64_t line;
	int mark;               /* DLMCTL_SVG_AT, _REF, _HAZARD, or 0 */
	char label[DLMCTL_TEXT_MAX];
	char *tip;              /* the full trace line, and where it is */
	/* layout */
	size_t row;
};

struct svg_note {
	size_t after;           /* the events before it; SIZE_MAX: the end */
	size_t order;           /* insertion order, for a stable sort */
	int kind;               /* DLMCTL_SVG_VIOLATION, _WARNING */
	char *text;
	/* layout */
	size_t row, nlines;
};

/* A stretch of a node's lifeline in one state. */
struct svg_seg {
	size_t col;
	double y0, y1;
	int state;
	bool mounted, blocked;
};

enum { ST_UNSEEN, ST_UP, ST_DOWN };

struct dlmctl_svg {
	char *title;
	char *summary[8];
	size_t nsummary;
	struct svg_ev *ev;
	size_t nev;
	struct svg_note *note;
	size_t nnote;
	int err;
	/* layout */
	uint32_t *nodes;        /* the lifelines, sorted */
	size_t nnodes;
	bool by_time;
	uint64_t t0;
	size_t *heads;          /* rows holding the node names */
	size_t nheads;
	size_t rows;
	struct svg_seg *seg;
	size_t nseg;
	double top, legend_y;
	unsigned int width, height;
	size_t wrap;            /* characters per line of a note */
};

/* @arr of @n entries of @size bytes, one more at its end, zeroed: NULL
 * when out of memory (@arr is kept). */
static void *grow(void *arr, size_t n, size_t size)
{
	char *na = realloc(arr, (n + 1) * size);

	if (na)
		memset(na + n * size, 0, size);
	return na;
}

struct dlmctl_svg *dlmctl_svg_new(const char *title)
{
	struct dlmctl_svg *s = calloc(1, sizeof(*s));

	if (s && !(s->title = strdup(title))) {
		free(s);
		s = NULL;
	}
	return s;
}

void dlmctl_svg_free(struct dlmctl_svg *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nev; i++)
		free(s->ev[i].tip);
	for (size_t i = 0; i < s->nnote; i++)
		free(s->note[i].text);
	for (size_t i = 0; i < s->nsummary; i++)
		free(s->summary[i]);
	free(s->ev);
	free(s->note);
	free(s->title);
	free(s->nodes);
	free(s->heads);
	free(s->seg);
	free(s);
}

static int fail(struct dlmctl_svg *s, int e)
{
	if (!s->err)
		s->err = e;
	return e;
}

int dlmctl_svg_summary(struct dlmctl_svg *s, const char *text)
{
	if (s->nsummary == sizeof(s->summary) / sizeof(s->summary[0]))
		return 0;
	s->summary[s->nsummary] = strdup(text);
	if (!s->summary[s->nsummary])
		return fail(s, -ENOMEM);
	s->nsummary++;
	return 0;
}

static int add_note(struct dlmctl_svg *s, size_t after, int kind,
		    const char *text)
{
	struct svg_note *n = grow(s->note, s->nnote, sizeof(*n));

	if (!n)
		return fail(s, -ENOMEM);
	s->note = n;
	n += s->nnote;
	n->after = after;
	n->order = s->nnote;
	n->kind = kind;
	n->text = strdup(text);
	if (!n->text)
		return fail(s, -ENOMEM);
	s->nnote++;
	return 0;
}

int dlmctl_svg_event(struct dlmctl_svg *s, const struct dlmr_event *ev,
		     uint32_t file, uint64_t line, const char *where)
{
	char json[8192], text[DLMR_DETAIL_MAX + 64];
	struct svg_ev *e;
	int r;

	if (ev->type == DLMR_EV_VIOLATION) {
		/* the simulator's verdict, after the event it follows */
		snprintf(text, sizeof(text), "VIOLATION (node %u): %s",
			 ev->node, ev->detail);
		/* the node's event of the same step broke the invariant */
		for (size_t i = s->nev; i-- > 0 && s->ev[i].key == ev->step;)
			if (s->ev[i].node == ev->node) {
				s->ev[i].mark = DLMCTL_SVG_AT;
				break;
			}
		return add_note(s, s->nev, DLMCTL_SVG_VIOLATION, text);
	}
	e = grow(s->ev, s->nev, sizeof(*e));
	if (!e)
		return fail(s, -ENOMEM);
	s->ev = e;
	e += s->nev;
	e->type = ev->type;
	e->node = ev->node;
	e->nodeid = ev->type == DLMR_EV_SLOT ? ev->nodeid : 0;
	e->key = ev->time_ns ? ev->time_ns : ev->step;
	e->file = file;
	e->line = line;
	dlmctl_event_text(ev, e->label, sizeof(e->label), false);
	if (ev->type == DLMR_EV_LOST)
		snprintf(e->label, sizeof(e->label), "LOST events");
	r = dlmr_trace_format(ev, json, sizeof(json));
	if (r < 0)
		snprintf(json, sizeof(json), "(%s)", dlmr_event_name(ev->type) ?
			 dlmr_event_name(ev->type) : "?");
	if (asprintf(&e->tip, "%s%s%s", where ? where : "", where ? ": " : "",
		     json) < 0) {
		e->tip = NULL;
		return fail(s, -ENOMEM);
	}
	s->nev++;
	if (ev->time_ns)
		s->by_time = true;
	return 0;
}

static struct svg_ev *find_event(struct dlmctl_svg *s, uint32_t file,
				 uint64_t line)
{
	for (size_t i = 0; i < s->nev; i++)
		if (s->ev[i].file == file && s->ev[i].line == line)
			return &s->ev[i];
	return NULL;
}

int dlmctl_svg_mark(struct dlmctl_svg *s, uint32_t file, uint64_t line,
		    int mark)
{
	struct svg_ev *e = find_event(s, file, line);

	if (!e)
		return -ENOENT;
	/* the strongest mark stays: at over hazard over ref */
	if (!e->mark || mark == DLMCTL_SVG_AT ||
	    (mark == DLMCTL_SVG_HAZARD && e->mark == DLMCTL_SVG_REF))
		e->mark = mark;
	return 0;
}

int dlmctl_svg_note(struct dlmctl_svg *s, uint32_t file, uint64_t line,
		    int kind, const char *text)
{
	struct svg_ev *e = line ? find_event(s, file, line) : NULL;

	return add_note(s, e ? (size_t)(e - s->ev) + 1 : SIZE_MAX, kind,
			text);
}

/* ---- layout ------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_note(const void *a, const void *b)
{
	const struct svg_note *x = a, *y = b;

	if (x->after != y->after)
		return x->after < y->after ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static size_t col_of(const struct dlmctl_svg *s, uint32_t node)
{
	const uint32_t *p = bsearch(&node, s->nodes, s->nnodes,
				    sizeof(*p), cmp_u32);

	return p ? (size_t)(p - s->nodes) : SIZE_MAX;
}

static double row_y(const struct dlmctl_svg *s, size_t row)
{
	return s->top + (double)row * ROW_H + ROW_H / 2.0;
}

static int node_x(size_t col)
{
	return LEFT_W + (int)col * COL_W + 12;
}

/* The lines of a note wrapped at @w characters, at spaces if it can. */
static size_t wrap_lines(const char *text, size_t w, size_t *starts,
			 size_t *lens, size_t max)
{
	size_t n = 0, len = strlen(text), pos = 0;

	while (pos < len && n < max) {
		size_t take = len - pos;

		if (take > w) {
			take = w;
			for (size_t k = w; k > w / 2; k--)
				if (text[pos + k] == ' ') {
					take = k;
					break;
				}
		}
		starts[n] = pos;
		lens[n++] = take;
		pos += take;
		while (text[pos] == ' ')
			pos++;
	}
	return n ? n : 1;
}

#define WRAP_MAX 16

struct life {
	int state;
	bool mounted, blocked;
	double since;
};

static int push_seg(struct dlmctl_svg *s, size_t col, const struct life *l,
		    double y)
{
	struct svg_seg *g;

	if (y <= l->since)
		return 0;
	g = grow(s->seg, s->nseg, sizeof(*g));
	if (!g)
		return -ENOMEM;
	s->seg = g;
	s->seg[s->nseg++] = (struct svg_seg){ .col = col, .y0 = l->since,
		.y1 = y, .state = l->state, .mounted = l->mounted,
		.blocked = l->blocked };
	return 0;
}

/* How event @e changes its node's lifeline. */
static void life_next(struct life *l, const struct svg_ev *e)
{
	if (l->state == ST_UNSEEN)
		l->state = ST_UP;
	switch (e->type) {
	case DLMR_EV_JOIN:
		*l = (struct life){ .state = ST_UP, .since = l->since };
		break;
	case DLMR_EV_CRASH:
	case DLMR_EV_LEAVE:
		*l = (struct life){ .state = ST_DOWN, .since = l->since };
		break;
	case DLMR_EV_MOUNTED:
		l->mounted = true;
		break;
	case DLMR_EV_UNMOUNTED:
		l->mounted = false;
		break;
	case DLMR_EV_BLOCK:
		l->blocked = true;
		break;
	case DLMR_EV_UNBLOCK:
		l->blocked = false;
		break;
	default:
		break;
	}
}

static bool head_due(const struct dlmctl_svg *s, size_t row)
{
	return !s->nheads || row - s->heads[s->nheads - 1] > HEAD_EVERY;
}

static int add_head(struct dlmctl_svg *s, size_t *row)
{
	size_t *h = grow(s->heads, s->nheads, sizeof(*h));

	if (!h)
		return -ENOMEM;
	s->heads = h;
	s->heads[s->nheads++] = (*row)++;
	return 0;
}

static size_t put_legend(FILE *f, const struct dlmctl_svg *s, double y);
static void put_text(FILE *f, const char *s, size_t n);

/* The title, wrapped (14px bold: about 8.5 pixels a character); @f
 * NULL: only measured.  Returns its lines. */
static size_t title_lines(const struct dlmctl_svg *s, FILE *f)
{
	size_t st[WRAP_MAX], ln[WRAP_MAX];
	size_t n = wrap_lines(s->title, (size_t)((s->width - 16) / 8.5), st,
			      ln, WRAP_MAX);

	for (size_t k = 0; f && k < n; k++) {
		fprintf(f, "<text class=\"title\" x=\"8\" y=\"%zu\">",
			20 + 20 * k);
		put_text(f, s->title + st[k], ln[k]);
		fputs("</text>\n", f);
	}
	return n;
}

static int layout(struct dlmctl_svg *s)
{
	struct life *life;
	bool *taken;
	size_t row = 0, ni = 0, cur_row = 0;
	bool row_open = false;
	uint64_t row_key = 0;
	int r = -ENOMEM;

	/* the lifelines: every node that has an event, in nodeid order */
	s->nodes = malloc((s->nev ? s->nev : 1) * sizeof(*s->nodes));
	if (!s->nodes)
		return -ENOMEM;
	for (size_t i = 0; i < s->nev; i++)
		s->nodes[i] = s->ev[i].node;
	qsort(s->nodes, s->nev, sizeof(*s->nodes), cmp_u32);
	for (size_t i = 0; i < s->nev; i++)
		if (!s->nnodes || s->nodes[s->nnodes - 1] != s->nodes[i])
			s->nodes[s->nnodes++] = s->nodes[i];
	s->t0 = UINT64_MAX;
	for (size_t i = 0; i < s->nev; i++)
		if (s->ev[i].key && s->ev[i].key < s->t0)
			s->t0 = s->ev[i].key;
	if (s->nnote)
		qsort(s->note, s->nnote, sizeof(*s->note), cmp_note);

	s->width = LEFT_W + (unsigned int)s->nnodes * COL_W + 12;
	if (s->width < MIN_W)
		s->width = MIN_W;
	s->wrap = (size_t)((s->width - 24) / CHAR_W);
	s->top = 12.0 + 20.0 * (double)title_lines(s, NULL);
	for (size_t i = 0; i < s->nsummary; i++) {
		size_t st[WRAP_MAX], ln[WRAP_MAX];

		s->top += ROW_H * (double)wrap_lines(s->summary[i], s->wrap,
						     st, ln, WRAP_MAX);
	}
	s->legend_y = s->top + 8;
	s->top = s->legend_y + ROW_H * (double)put_legend(NULL, s,
							  s->legend_y) + 4;

	life = calloc(s->nnodes + 1, sizeof(*life));
	taken = calloc(s->nnodes + 1, sizeof(*taken));
	if (!life || !taken)
		goto out;
	for (size_t c = 0; c < s->nnodes; c++)
		life[c].since = s->top;
	if (add_head(s, &row))
		goto out;
	for (size_t i = 0; i <= s->nev; i++) {
		/* the notes before event i */
		while (ni < s->nnote && (s->note[ni].after <= i ||
					 (i == s->nev))) {
			struct svg_note *n = &s->note[ni++];
			size_t st[WRAP_MAX], ln[WRAP_MAX];

			if (row_open)
				row = cur_row + 1;
			row_open = false;
			n->row = row;
			n->nlines = wrap_lines(n->text, s->wrap, st, ln,
					       WRAP_MAX);
			row += n->nlines;
		}
		if (i == s->nev)
			break;
		struct svg_ev *e = &s->ev[i];
		size_t c = col_of(s, e->node);

		if (row_open && (e->key != row_key || taken[c])) {
			row = cur_row + 1;
			row_open = false;
		}
		if (!row_open) {
			if (head_due(s, row) && add_head(s, &row))
				goto out;
			cur_row = row;
			row_key = e->key;
			memset(taken, 0, (s->nnodes + 1) * sizeof(*taken));
			row_open = true;
		}
		taken[c] = true;
		e->row = cur_row;
		{
			struct life next = life[c];
			double y = row_y(s, cur_row);

			life_next(&next, e);
			if (next.state != life[c].state ||
			    next.mounted != life[c].mounted ||
			    next.blocked != life[c].blocked) {
				if (push_seg(s, c, &life[c], y))
					goto out;
				next.since = y;
				life[c] = next;
			}
		}
	}
	if (row_open)
		row = cur_row + 1;
	s->rows = row + 1;  /* and the names at the bottom */
	for (size_t c = 0; c < s->nnodes; c++)
		if (push_seg(s, c, &life[c], row_y(s, row)))
			goto out;
	s->height = (unsigned int)(row_y(s, s->rows) + 8);
	r = 0;
out:
	free(life);
	free(taken);
	return r;
}

/* ---- output ------------------------------------------------------------- */

/* @s, at most @n bytes of it, as XML character data: markup escaped,
 * control characters and bytes outside ASCII replaced (always
 * well-formed, whatever a trace's detail holds). */
static void put_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		default:
			fputc(c < 0x20 ? ' ' : c >= 0x7f ? '?' : c, f);
			break;
		}
	}
}

static const char *ev_class(const struct svg_ev *e)
{
	switch (e->type) {
	case DLMR_EV_PREP:
	case DLMR_EV_SLOT:
	case DLMR_EV_DONE:
		return "cb";
	case DLMR_EV_LOCK:
	case DLMR_EV_UNLOCK:
		return "lk";
	case DLMR_EV_GRANT:
		return "gr";
	case DLMR_EV_AGAIN:
		return "ag";
	case DLMR_EV_RECOVER:
	case DLMR_EV_RECOVERED:
		return "jr";
	case DLMR_EV_BLOCK:
	case DLMR_EV_UNBLOCK:
		return "bl";
	case DLMR_EV_MOUNTED:
	case DLMR_EV_FIRST_DONE:
	case DLMR_EV_UNMOUNTED:
		return "mt";
	case DLMR_EV_CRASH:
	case DLMR_EV_LOST:
		return "cr";
	default:
		return "mb";
	}
}

static const char style[] =
	"text{font-family:'DejaVu Sans Mono',monospace;font-size:11px;"
	"fill:#222}\n"
	".title{font-size:14px;font-weight:bold}\n"
	".ev text{paint-order:stroke;stroke:#fff;stroke-width:3px;"
	"stroke-linejoin:round}\n"
	".cb{fill:#1f5fbf}.lk{fill:#555}.gr{fill:#1a7f37}.ag{fill:#c26a00}\n"
	".jr{fill:#7b3fbf}.bl{fill:#a0522d}.mt{fill:#00707a;font-weight:bold}\n"
	".mb{fill:#000}.cr{fill:#c00000;font-weight:bold}\n"
	".lifeline line{stroke:#222;stroke-width:2}\n"
	".lifeline line.down{stroke:#999;stroke-width:1;stroke-dasharray:4 4}\n"
	".lifeline line.unseen{stroke:#bbb;stroke-width:1;stroke-dasharray:1 3}\n"
	".mounted{fill:#bfe8bf}.blocked{fill:#ffd59a}\n"
	".head rect{fill:#eef2fb;stroke:#222}.head text{font-weight:bold}\n"
	".clock{fill:#666}\n"
	".slotarrow{stroke:#1f5fbf;stroke-width:1;stroke-dasharray:3 2;"
	"fill:none}\n"
	".band{fill:#ffe0e0}.warnband{fill:#fff0d0}\n"
	".violation text{fill:#b00000;font-weight:bold}\n"
	".warning text{fill:#9a5000;font-weight:bold}\n"
	".at circle{stroke:#d00000;stroke-width:3}\n"
	".mark{fill:none;stroke-width:1.5}\n"
	".mark.at{stroke:#d00000}.mark.ref{stroke:#e08000;"
	"stroke-dasharray:3 2}.mark.hazard{stroke:#e08000}\n";

static void put_clock(FILE *f, const struct dlmctl_svg *s,
		      const struct svg_ev *e)
{
	double y = row_y(s, e->row) + 4;

	if (s->by_time && e->key >= s->t0 && s->t0 != UINT64_MAX)
		fprintf(f, "<text class=\"clock\" x=\"4\" y=\"%.1f\">+%.3f s"
			"</text>\n", y, (double)(e->key - s->t0) / 1e9);
	else if (!s->by_time && e->key)
		fprintf(f, "<text class=\"clock\" x=\"4\" y=\"%.1f\">step %"
			PRIu64 "</text>\n", y, e->key);
}

static void put_heads(FILE *f, const struct dlmctl_svg *s, double y)
{
	fputs("<g class=\"head\">\n", f);
	for (size_t c = 0; c < s->nnodes; c++) {
		int x = node_x(c);

		fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"14\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">node %"
			PRIu32 "</text>\n", x - 50, y - 7, 100, x, y + 4,
			s->nodes[c]);
	}
	fputs("</g>\n", f);
}

/* The legend from @y on, wrapped at the diagram's width (@f NULL: only
 * measured); returns its lines. */
static size_t put_legend(FILE *f, const struct dlmctl_svg *s, double y)
{
	static const struct { const char *cls, *name; } items[] = {
		{ "cb", "callback" }, { "lk", "lock/unlock" },
		{ "gr", "grant" }, { "ag", "again" },
		{ "jr", "journal recovery" }, { "bl", "block" },
		{ "mt", "mount" }, { "cr", "crash/lost" },
		{ "mounted", "mounted" }, { "blocked", "blocked" },
	};
	size_t lines = 1;
	int x = 8;

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		int w = 24 + (int)((double)strlen(items[i].name) * CHAR_W);
		bool bar = i >= 8;

		if (x + w > (int)s->width) {
			x = 8;
			y += ROW_H;
			lines++;
		}
		if (f && bar)
			fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" "
				"width=\"8\" height=\"12\"/>", items[i].cls,
				x, y - 10);
		else if (f)
			fprintf(f, "<circle class=\"%s\" cx=\"%d\" "
				"cy=\"%.1f\" r=\"4\"/>", items[i].cls, x + 4,
				y - 4);
		if (f)
			fprintf(f, "<text class=\"%s\" x=\"%d\" y=\"%.1f\">"
				"%s</text>\n", bar ? "mb" : items[i].cls,
				x + 12, y, items[i].name);
		x += w;
	}
	return lines;
}

static void put_event(FILE *f, const struct dlmctl_svg *s,
		      const struct svg_ev *e)
{
	static const char *const marks[] = {
		[DLMCTL_SVG_AT] = "at", [DLMCTL_SVG_REF] = "ref",
		[DLMCTL_SVG_HAZARD] = "hazard",
	};
	size_t c = col_of(s, e->node);
	int x = node_x(c);
	double y = row_y(s, e->row);
	size_t from = e->nodeid ? col_of(s, e->nodeid) : SIZE_MAX;

	if (from != SIZE_MAX && from != c) {
		/* the failed node's lifeline to the survivor told of it */
		int x0 = node_x(from), x1 = from < c ? x - 5 : x + 5;

		fprintf(f, "<line class=\"slotarrow\" x1=\"%d\" y1=\"%.1f\" "
			"x2=\"%d\" y2=\"%.1f\" marker-end=\"url(#arrow)\"/>\n",
			x0, y, x1, y);
	}
	fprintf(f, "<g class=\"ev %s%s%s\" data-node=\"%" PRIu32 "\"><title>",
		ev_class(e), e->mark ? " " : "", e->mark ? marks[e->mark] : "",
		e->node);
	put_text(f, e->tip, SIZE_MAX);
	fprintf(f, "</title><circle class=\"%s\" cx=\"%d\" cy=\"%.1f\" "
		"r=\"3.5\"/><text class=\"%s\" x=\"%d\" y=\"%.1f\">",
		ev_class(e), x, y, ev_class(e), x + 7, y + 4);
	put_text(f, e->label, SIZE_MAX);
	fputs("</text>", f);
	if (e->mark)
		fprintf(f, "<rect class=\"mark %s\" x=\"%d\" y=\"%.1f\" "
			"width=\"%d\" height=\"%d\" rx=\"3\"/>", marks[e->mark],
			x - 6, y - ROW_H / 2.0 + 1, COL_W - 12, ROW_H - 2);
	fputs("</g>\n", f);
}

static void put_note(FILE *f, const struct dlmctl_svg *s,
		     const struct svg_note *n)
{
	size_t st[WRAP_MAX], ln[WRAP_MAX];
	size_t lines = wrap_lines(n->text, s->wrap, st, ln, WRAP_MAX);
	bool bad = n->kind == DLMCTL_SVG_VIOLATION;

	fprintf(f, "<g class=\"%s\"><rect class=\"%s\" x=\"0\" y=\"%.1f\" "
		"width=\"%u\" height=\"%zu\"/>\n", bad ? "violation" : "warning",
		bad ? "band" : "warnband", row_y(s, n->row) - ROW_H / 2.0,
		s->width, lines * ROW_H);
	for (size_t k = 0; k < lines; k++) {
		fprintf(f, "<text x=\"8\" y=\"%.1f\">", row_y(s, n->row + k) + 4);
		put_text(f, n->text + st[k], ln[k]);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

static void put_svg(FILE *f, const struct dlmctl_svg *s)
{
	uint64_t last_key = UINT64_MAX;
	double y;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		"data-nodes=\"%zu\" data-events=\"%zu\">\n<title>",
		s->width, s->height, s->width, s->height, s->nnodes, s->nev);
	put_text(f, s->title, SIZE_MAX);
	fprintf(f, "</title>\n<style>\n%s</style>\n<defs><marker id=\"arrow\" "
		"viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" "
		"markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" "
		"fill=\"#1f5fbf\"/></marker></defs>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
		"", style);
	y = 12.0 + 20.0 * (double)title_lines(s, f);
	for (size_t i = 0; i < s->nsummary; i++) {
		size_t st[WRAP_MAX], ln[WRAP_MAX];
		size_t n = wrap_lines(s->summary[i], s->wrap, st, ln, WRAP_MAX);

		for (size_t k = 0; k < n; k++) {
			y += ROW_H;
			fprintf(f, "<text x=\"8\" y=\"%.1f\">", y - 6);
			put_text(f, s->summary[i] + st[k], ln[k]);
			fputs("</text>\n", f);
		}
	}
	put_legend(f, s, s->legend_y + 8);

	/* under everything: the rows of violating events, the states */
	for (size_t i = 0; i < s->nev; i++)
		if (s->ev[i].mark == DLMCTL_SVG_AT)
			fprintf(f, "<rect class=\"band\" x=\"0\" y=\"%.1f\" "
				"width=\"%u\" height=\"%d\"/>\n",
				row_y(s, s->ev[i].row) - ROW_H / 2.0, s->width,
				ROW_H);
	for (size_t i = 0; i < s->nseg; i++) {
		const struct svg_seg *g = &s->seg[i];

		if (g->state == ST_UP && (g->mounted || g->blocked))
			fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" "
				"width=\"8\" height=\"%.1f\"/>\n",
				g->blocked ? "blocked" : "mounted",
				node_x(g->col) - 4, g->y0, g->y1 - g->y0);
	}
	for (size_t c = 0; c < s->nnodes; c++) {
		fprintf(f, "<g class=\"lifeline\" data-node=\"%" PRIu32 "\">\n",
			s->nodes[c]);
		for (size_t i = 0; i < s->nseg; i++) {
			const struct svg_seg *g = &s->seg[i];

			if (g->col != c)
				continue;
			fprintf(f, "<line%s x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
				"y2=\"%.1f\"/>\n", g->state == ST_DOWN ?
				" class=\"down\"" : g->state == ST_UNSEEN ?
				" class=\"unseen\"" : "", node_x(c), g->y0,
				node_x(c), g->y1);
		}
		fputs("</g>\n", f);
	}
	for (size_t h = 0; h < s->nheads; h++)
		put_heads(f, s, row_y(s, s->heads[h]));
	put_heads(f, s, row_y(s, s->rows - 1));
	for (size_t i = 0; i < s->nev; i++) {
		if (s->ev[i].key != last_key)
			put_clock(f, s, &s->ev[i]);
		last_key = s->ev[i].key;
		put_event(f, s, &s->ev[i]);
	}
	for (size_t i = 0; i < s->nnote; i++)
		put_note(f, s, &s->note[i]);
	fputs("</svg>\n", f);
}

int dlmctl_svg_write(struct dlmctl_svg *s, const char *path)
{
	FILE *f;
	int r;

	if (s->err)
		return s->err;
	r = layout(s);
	if (r)
		return r;
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f)
		return -errno;
	put_svg(f, s);
	if (f == stdout)
		r = fflush(f) || ferror(f) ? -(errno ? errno : EIO) : 0;
	else
		r = ferror(f) | fclose(f) ? -(errno ? errno : EIO) : 0;
	return r;
}
