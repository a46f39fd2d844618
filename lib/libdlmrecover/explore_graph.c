// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The explored graph and the checks made on it once the search is
 * complete (map: explore.c): livelock (every state reaches a quiescent
 * one) and, with cfg->fair, weakly fair non-progress cycles.
 */

#include "explore.h"

/* ---- the graph, for the livelock check ------------------------------------
 *
 * S5 is checked where no protocol step is enabled.  A livelock has no
 * such state: nodes retry (a mount sleeping and trying again, a work
 * queued again) forever and nothing ends it but another fault.  So when
 * a search is complete, every state must reach a quiescent state by
 * protocol steps alone (faults excluded: the cluster must settle
 * without another failure).  The explored graph is kept for that: the
 * successor ids of every state through its expanded protocol steps (in
 * the order states are expanded, which is their id order), and the
 * quiescent states.  Then a backward search from the quiescent states
 * marks every state that reaches one; the first state not marked (the
 * lowest id: the shallowest) is reported with its path.
 *
 * With partial-order reduction the graph is the reduced one, and the
 * verdict is the same (the tests compare them): an ample set keeps
 * every quiescent state reachable from each state it is used at
 * (persistent sets preserve deadlocks; Godefroid 1996, ch. 4), so a
 * state of the reduced graph that reaches none in it reaches none in
 * the full graph; and if a state of the full graph reaches none, then
 * moving its path's steps behind the ample steps taken instead (C1;
 * C3 makes every step of the path taken at a fully expanded state in
 * the end) reaches a state of the reduced graph that is a successor of
 * it by protocol steps, which reaches none either.
 */

/* A protocol step as 32 bits: kind, node, arg (16 bits: a recovery
 * step's choice is master | from << 8). */
static uint32_t step_code(const struct step *st)
{
	return (uint32_t)st->kind << 24 | (st->node & 0xff) << 16 |
	       (st->arg & 0xffff);
}

static struct step step_decode(uint32_t code)
{
	return (struct step){ (uint8_t)(code >> 24), (code >> 16) & 0xff,
			      code & 0xffff };
}

int graph_state(struct graph *g, uint32_t id, bool quiet)
{
	uint64_t *first;
	uint32_t *q;

	if (id != g->nfirst)
		return -EINVAL; /* not expanded in id order: cannot happen */
	first = grow(g->first, &g->capfirst, g->nfirst + 2, sizeof(*first));
	if (!first)
		return -ENOMEM;
	g->first = first;
	g->first[g->nfirst++] = g->nsucc;
	g->first[g->nfirst] = g->nsucc;
	if (quiet) {
		q = grow(g->quiet, &g->capquiet, g->nquiet + 1, sizeof(*q));
		if (!q)
			return -ENOMEM;
		g->quiet = q;
		g->quiet[g->nquiet++] = id;
	}
	return 0;
}

int graph_succ(struct graph *g, uint32_t to, const struct step *how,
	       bool labels)
{
	uint32_t *succ = grow(g->succ, &g->capsucc, g->nsucc + 1,
			      sizeof(*succ));

	if (!succ)
		return -ENOMEM;
	g->succ = succ;
	if (labels) {
		uint32_t *l = grow(g->label, &g->caplabel, g->nsucc + 1,
				   sizeof(*l));

		if (!l)
			return -ENOMEM;
		g->label = l;
		g->label[g->nsucc] = step_code(how);
	}
	g->succ[g->nsucc++] = to;
	g->first[g->nfirst] = g->nsucc;
	return 0;
}

size_t graph_bytes(const struct graph *g)
{
	return g->capfirst * sizeof(*g->first) +
	       g->capsucc * sizeof(*g->succ) +
	       g->caplabel * sizeof(*g->label) +
	       g->capquiet * sizeof(*g->quiet);
}

/*
 * After a complete search of @n states: how many cannot reach a
 * quiescent state (to *@trapped) and the lowest id of them (to *@first);
 * *@bytes gets the memory it took.  -ENOMEM, or -EINVAL if a state was
 * never expanded (cannot happen).
 */
int graph_livelock(const struct graph *g, size_t n, uint64_t *trapped,
		   uint32_t *first, size_t *bytes)
{
	uint64_t *rfirst = calloc(n + 1, sizeof(*rfirst));
	uint32_t *rsucc = malloc((g->nsucc ? g->nsucc : 1) * sizeof(*rsucc));
	uint32_t *queue = malloc((n ? n : 1) * sizeof(*queue));
	uint8_t *good = calloc(n ? n : 1, 1);
	size_t head = 0, tail = 0;
	int ret = 0;

	*bytes = (n + 1) * sizeof(*rfirst) + g->nsucc * sizeof(*rsucc) +
		 n * (sizeof(*queue) + 1);
	if (!rfirst || !rsucc || !queue || !good) {
		ret = -ENOMEM;
		goto out;
	}
	if (g->nfirst != n) {
		ret = -EINVAL; /* a state never expanded: cannot happen */
		goto out;
	}
	/* predecessors, by counting */
	for (size_t e = 0; e < g->nsucc; e++)
		rfirst[g->succ[e] + 1]++;
	for (size_t v = 0; v < n; v++)
		rfirst[v + 1] += rfirst[v];
	for (size_t u = 0; u < n; u++)
		for (uint64_t e = g->first[u]; e < g->first[u + 1]; e++)
			rsucc[rfirst[g->succ[e]]++] = (uint32_t)u;
	for (size_t v = n; v > 0; v--)
		rfirst[v] = rfirst[v - 1];
	rfirst[0] = 0;
	for (size_t q = 0; q < g->nquiet; q++) {
		good[g->quiet[q]] = 1;
		queue[tail++] = g->quiet[q];
	}
	while (head < tail) {
		uint32_t v = queue[head++];

		for (uint64_t e = rfirst[v]; e < rfirst[v + 1]; e++)
			if (!good[rsucc[e]]) {
				good[rsucc[e]] = 1;
				queue[tail++] = rsucc[e];
			}
	}
	*trapped = n - tail;
	*first = 0;
	for (size_t v = 0; v < n; v++)
		if (!good[v]) {
			*first = (uint32_t)v;
			break;
		}
out:
	free(rfirst);
	free(rsucc);
	free(queue);
	free(good);
	return ret;
}

/* ---- weak fairness: non-progress cycles (cfg->fair) ---------------------
 *
 * The livelock check above asks whether every state can still reach a
 * quiescent state.  A cycle that can be left, but need not be, passes
 * it: a retry that always comes at the wrong moment, two nodes undoing
 * each other.  Under weak fairness (spin -l -f) a run is fair when every
 * actor that is enabled from some point on for ever takes a step; an
 * actor is a step's identity (a node's callback queue, one lock's
 * completion, a timer, a journal replay, the recovery; the recovery's
 * choice of master is one actor).  No cycle of protocol steps reaches a
 * quiescent state (none has a protocol successor), so a weakly fair
 * cycle is a run that never settles although the scheduler is fair.
 *
 * A strongly connected component C of the graph of protocol steps holds
 * a weakly fair cycle if and only if every actor enabled in every state
 * of C takes a step that stays in C: then a walk through all of C's
 * edges is fair; otherwise such an actor is enabled all along any cycle
 * in C and never taken in it.  The search finds the components (Tarjan),
 * takes the fair one with the shallowest state, and builds a short fair
 * cycle through that state: a shortest cycle, then for each actor
 * enabled all along it and not taken, a detour (within C) to a step of
 * that actor or to a state where it is not enabled, and back.
 *
 * The graph must be the full one: partial-order reduction leaves steps
 * out at reduced states, and a cycle fair in the reduced graph might
 * not be fair in the full one (and the reverse).  cfg->fair turns the
 * reduction off.
 */

/* The actor a step belongs to (fairness is per actor). */
static uint32_t actor(uint32_t code)
{
	struct step st = step_decode(code);

	return sim_actor(&st);
}

/* Tarjan's strongly connected components, iteratively: comp[v] for
 * every state; returns their number, or -ENOMEM. */
static long graph_scc(const struct graph *g, uint32_t n, uint32_t *comp)
{
	uint32_t *idx = calloc(n ? n : 1, sizeof(*idx));
	uint32_t *low = malloc((n ? n : 1) * sizeof(*low));
	uint32_t *stk = malloc((n ? n : 1) * sizeof(*stk));
	uint32_t *cv = malloc((n ? n : 1) * sizeof(*cv));
	uint64_t *ce = malloc((n ? n : 1) * sizeof(*ce));
	uint8_t *on = calloc(n ? n : 1, 1);
	uint32_t next = 1, sp = 0, csp = 0;
	long nc = 0;

	if (!idx || !low || !stk || !cv || !ce || !on) {
		nc = -ENOMEM;
		goto out;
	}
	for (uint32_t r = 0; r < n; r++) {
		if (idx[r])
			continue;
		idx[r] = low[r] = next++;
		stk[sp++] = r;
		on[r] = 1;
		cv[csp] = r;
		ce[csp++] = g->first[r];
		while (csp) {
			uint32_t v = cv[csp - 1];
			uint64_t e = ce[csp - 1];

			if (e < g->first[v + 1]) {
				uint32_t w = g->succ[e];

				ce[csp - 1]++;
				if (!idx[w]) {
					idx[w] = low[w] = next++;
					stk[sp++] = w;
					on[w] = 1;
					cv[csp] = w;
					ce[csp++] = g->first[w];
				} else if (on[w] && idx[w] < low[v]) {
					low[v] = idx[w];
				}
				continue;
			}
			if (low[v] == idx[v]) {
				uint32_t x;

				do {
					x = stk[--sp];
					on[x] = 0;
					comp[x] = (uint32_t)nc;
				} while (x != v);
				nc++;
			}
			if (--csp) {
				uint32_t u = cv[csp - 1];

				if (low[v] < low[u])
					low[u] = low[v];
			}
		}
	}
out:
	free(idx);
	free(low);
	free(stk);
	free(cv);
	free(ce);
	free(on);
	return nc;
}

struct lab {
	uint32_t actor;
	uint32_t state;
	bool inside;  /* the edge stays in the component */
};

static int cmp_lab(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;

	if (x->actor != y->actor)
		return x->actor < y->actor ? -1 : 1;
	return x->state < y->state ? -1 : x->state > y->state;
}

/*
 * The out-edges of @states (@m of them, sorted, distinct) as (actor,
 * state) sorted; *@k gets their number.  @c is the component edges must
 * stay in to count as inside (UINT32_MAX: none do).
 */
static struct lab *labels_of(const struct graph *g, const uint32_t *comp,
			     const uint32_t *states, size_t m, uint32_t c,
			     size_t *k)
{
	size_t ne = 0, i = 0;
	struct lab *l;

	for (size_t j = 0; j < m; j++)
		ne += g->first[states[j] + 1] - g->first[states[j]];
	l = malloc((ne ? ne : 1) * sizeof(*l));
	if (!l)
		return NULL;
	for (size_t j = 0; j < m; j++)
		for (uint64_t e = g->first[states[j]];
		     e < g->first[states[j] + 1]; e++)
			l[i++] = (struct lab){ actor(g->label[e]), states[j],
					       c != UINT32_MAX &&
					       comp[g->succ[e]] == c };
	qsort(l, ne, sizeof(*l), cmp_lab);
	*k = ne;
	return l;
}

/*
 * Actors enabled in every one of the @m states the labels @l (@k of
 * them) come from: calls @fn for each with whether one of its edges
 * stays inside; stops and returns @fn's first non-zero value.
 */
static uint32_t always_enabled(const struct lab *l, size_t k, size_t m,
			       uint32_t (*fn)(uint32_t actor, bool inside,
					      void *arg), void *arg)
{
	for (size_t i = 0; i < k;) {
		size_t j = i, states = 0;
		bool inside = false;

		for (; j < k && l[j].actor == l[i].actor; j++) {
			if (j == i || l[j].state != l[j - 1].state)
				states++;
			inside |= l[j].inside;
		}
		if (states == m) {
			uint32_t r = fn(l[i].actor, inside, arg);

			if (r)
				return r;
		}
		i = j;
	}
	return 0;
}

/* always_enabled() callbacks */
static uint32_t leaves_only(uint32_t a, bool inside, void *arg)
{
	(void)a;
	(void)arg;
	return inside ? 0 : 1;
}

struct untaken {
	const uint32_t *taken;  /* actors the walk takes, sorted */
	size_t ntaken;
};

static uint32_t not_taken(uint32_t a, bool inside, void *arg)
{
	const struct untaken *u = arg;
	size_t lo = 0, hi = u->ntaken;

	(void)inside;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (u->taken[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < u->ntaken && u->taken[lo] == a)
		return 0;
	return a | 0x80000000u; /* never 0: SK_CB is kind 0 */
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Breadth-first search scratch over the states of one component. */
#define BFS_NONE UINT32_MAX        /* not reached */
#define BFS_SRC (UINT32_MAX - 1)   /* a source */
struct bfs {
	uint32_t *pstate; /* the state a state was reached from, or above */
	uint64_t *pedge;  /* and by which edge */
	uint32_t *queue;
	uint32_t nq;
};

/*
 * A shortest path within component @c from the states @src (@ns) to a
 * target: an edge into @to if @to is not UINT32_MAX; else an edge of
 * actor @want (staying in @c) or a state where @want is not enabled.
 * Returns the path's edges to *@path (the caller frees; *@len of them)
 * and its first state to *@from, or -ENOENT / -ENOMEM.
 */
static int bfs_path(const struct graph *g, const uint32_t *comp, uint32_t c,
		    struct bfs *b, const uint32_t *src, size_t ns, uint32_t to,
		    uint32_t want, uint64_t **path, size_t *len, uint32_t *from)
{
	uint64_t hit = UINT64_MAX;
	uint32_t end = UINT32_MAX;
	int ret = -ENOENT;

	b->nq = 0;
	for (size_t i = 0; i < ns; i++) {
		if (b->pstate[src[i]] != BFS_NONE)
			continue;
		b->pstate[src[i]] = BFS_SRC;
		b->queue[b->nq++] = src[i];
	}
	for (uint32_t h = 0; h < b->nq && end == UINT32_MAX; h++) {
		uint32_t v = b->queue[h];
		bool enabled = false;

		for (uint64_t e = g->first[v]; e < g->first[v + 1]; e++) {
			uint32_t w = g->succ[e];

			if (comp[w] != c)
				continue;
			if (to != UINT32_MAX ? w == to :
			    actor(g->label[e]) == want) {
				hit = e;
				end = v;
				break;
			}
		}
		if (end != UINT32_MAX)
			break;
		if (to == UINT32_MAX && b->pstate[v] != BFS_SRC) {
			for (uint64_t e = g->first[v]; e < g->first[v + 1]; e++)
				enabled |= actor(g->label[e]) == want;
			if (!enabled) {
				end = v;
				break;
			}
		}
		for (uint64_t e = g->first[v]; e < g->first[v + 1]; e++) {
			uint32_t w = g->succ[e];

			if (comp[w] != c || b->pstate[w] != BFS_NONE)
				continue;
			b->pstate[w] = v;
			b->pedge[w] = e;
			b->queue[b->nq++] = w;
		}
	}
	if (end != UINT32_MAX) {
		size_t n = hit != UINT64_MAX ? 1 : 0, k;
		uint32_t v;
		uint64_t *p;

		for (v = end; b->pstate[v] != BFS_SRC; v = b->pstate[v])
			n++;
		p = malloc((n ? n : 1) * sizeof(*p));
		if (!p) {
			ret = -ENOMEM;
		} else {
			k = n;
			if (hit != UINT64_MAX)
				p[--k] = hit;
			for (v = end; b->pstate[v] != BFS_SRC; v = b->pstate[v])
				p[--k] = b->pedge[v];
			*path = p;
			*len = n;
			*from = v;
			ret = 0;
		}
	}
	for (uint32_t i = 0; i < b->nq; i++)
		b->pstate[b->queue[i]] = BFS_NONE;
	return ret;
}

/* The states a closed walk from @start through @walk (@n edges) visits,
 * sorted and distinct, to *@st (*@m of them). */
static int walk_states(const struct graph *g, uint32_t start,
		       const uint64_t *walk, size_t n, uint32_t **st,
		       size_t *m)
{
	uint32_t *v = malloc((n + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	v[0] = start;
	for (size_t i = 0; i < n; i++)
		v[i + 1] = g->succ[walk[i]];
	qsort(v, n + 1, sizeof(*v), cmp_u32);
	for (size_t i = 0; i <= n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*st = v;
	*m = k;
	return 0;
}

/*
 * A weakly fair cycle through @e in component @c: its edges to *@cyc
 * (*@len of them; the caller frees).  @c holds one (graph_fair()).
 */
static int fair_cycle(const struct graph *g, const uint32_t *comp, uint32_t c,
		      uint32_t e, struct bfs *b, uint64_t **cyc, size_t *len)
{
	uint64_t *w = NULL, *p = NULL, *q = NULL;
	size_t n = 0, np, nq;
	uint32_t from;
	int r;

	/* a shortest cycle through e */
	r = bfs_path(g, comp, c, b, &e, 1, e, 0, &w, &n, &from);
	if (r)
		return r;
	for (;;) {
		uint32_t *st = NULL, *taken = NULL, want, at;
		struct lab *l;
		size_t m, k, pos;
		struct untaken u;

		r = walk_states(g, e, w, n, &st, &m);
		taken = malloc((n ? n : 1) * sizeof(*taken));
		l = r ? NULL : labels_of(g, comp, st, m, UINT32_MAX, &k);
		if (r || !taken || !l) {
			free(st);
			free(taken);
			free(l);
			free(w);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			taken[i] = actor(g->label[w[i]]);
		qsort(taken, n, sizeof(*taken), cmp_u32);
		u = (struct untaken){ taken, n };
		want = always_enabled(l, k, m, not_taken, &u);
		free(l);
		free(taken);
		if (!want) {
			free(st);
			*cyc = w;
			*len = n;
			return 0;
		}
		want &= 0x7fffffffu;
		/* a detour from the walk to a step of that actor or a state
		 * where it is not enabled, then back to where it left */
		r = bfs_path(g, comp, c, b, st, m, UINT32_MAX, want, &p, &np,
			     &from);
		free(st);
		if (r) {
			free(w);
			return r;
		}
		at = np ? g->succ[p[np - 1]] : from;
		r = at == from ? (q = NULL, nq = 0, 0) :
		    bfs_path(g, comp, c, b, &at, 1, from, 0, &q, &nq, &at);
		if (r) {
			free(p);
			free(w);
			return r;
		}
		/* splice it in where the walk is at @from */
		for (pos = 0; pos < n && (pos ? g->succ[w[pos - 1]] : e) != from;
		     pos++)
			;
		{
			uint64_t *nw = malloc((n + np + nq) * sizeof(*nw));

			if (!nw) {
				free(p);
				free(q);
				free(w);
				return -ENOMEM;
			}
			memcpy(nw, w, pos * sizeof(*w));
			memcpy(nw + pos, p, np * sizeof(*p));
			memcpy(nw + pos + np, q, nq * sizeof(*q));
			memcpy(nw + pos + np + nq, w + pos,
			       (n - pos) * sizeof(*w));
			free(w);
			w = nw;
			n += np + nq;
		}
		free(p);
		free(q);
		p = q = NULL;
	}
}

/*
 * After a complete search of @n states (with edge labels): whether a
 * weakly fair cycle exists; if so the shallowest state on one to *@entry
 * and the cycle's steps to *@cyc (*@len), the component's size to
 * *@size.  Returns 1 if found, 0 if not, -ENOMEM.  *@bytes: memory used.
 */
int graph_fair(const struct graph *g, size_t n, uint32_t *entry,
	       struct step **cyc, size_t *len, uint64_t *size,
	       size_t *bytes)
{
	uint32_t *comp = malloc((n ? n : 1) * sizeof(*comp));
	uint32_t *start = NULL, *order = NULL, best = UINT32_MAX, bestc = 0;
	struct bfs b = { 0 };
	long nc;
	int ret = 0;

	*bytes = n * (3 * sizeof(uint32_t) + sizeof(uint64_t)) * 2;
	if (!comp)
		return -ENOMEM;
	nc = graph_scc(g, (uint32_t)n, comp);
	if (nc < 0) {
		free(comp);
		return (int)nc;
	}
	start = calloc((size_t)nc + 1, sizeof(*start));
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!start || !order) {
		ret = -ENOMEM;
		goto out;
	}
	/* states grouped by component, in id order within each */
	for (size_t v = 0; v < n; v++)
		start[comp[v] + 1]++;
	for (long c = 0; c < nc; c++)
		start[c + 1] += start[c];
	{
		uint32_t *at = malloc(((size_t)nc + 1) * sizeof(*at));

		if (!at) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(at, start, ((size_t)nc + 1) * sizeof(*at));
		for (size_t v = 0; v < n; v++)
			order[at[comp[v]]++] = (uint32_t)v;
		free(at);
	}
	for (long c = 0; c < nc; c++) {
		const uint32_t *st = order + start[c];
		size_t m = start[c + 1] - start[c], k;
		bool self = false;
		struct lab *l;

		if (m == 1) {
			for (uint64_t e = g->first[st[0]];
			     e < g->first[st[0] + 1]; e++)
				self |= g->succ[e] == st[0];
			if (!self)
				continue;
		}
		if (st[0] >= best)
			continue;
		l = labels_of(g, comp, st, m, (uint32_t)c, &k);
		if (!l) {
			ret = -ENOMEM;
			goto out;
		}
		if (!always_enabled(l, k, m, leaves_only, NULL)) {
			best = st[0];
			bestc = (uint32_t)c;
		}
		free(l);
	}
	if (best == UINT32_MAX)
		goto out;
	b.pstate = malloc(n * sizeof(*b.pstate));
	b.pedge = malloc(n * sizeof(*b.pedge));
	b.queue = malloc(n * sizeof(*b.queue));
	if (!b.pstate || !b.pedge || !b.queue) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t v = 0; v < n; v++)
		b.pstate[v] = BFS_NONE;
	{
		uint64_t *w = NULL;
		size_t nw = 0;

		ret = fair_cycle(g, comp, bestc, best, &b, &w, &nw);
		if (ret)
			goto out;
		*cyc = malloc((nw ? nw : 1) * sizeof(**cyc));
		if (!*cyc) {
			free(w);
			ret = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < nw; i++)
			(*cyc)[i] = step_decode(g->label[w[i]]);
		free(w);
		*len = nw;
		*entry = best;
		*size = start[bestc + 1] - start[bestc];
		ret = 1;
	}
out:
	free(b.pstate);
	free(b.pedge);
	free(b.queue);
	free(comp);
	free(start);
	free(order);
	return ret;
}
