// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The explorer's partial-order reduction and its self-check,
 * dlmr_explore_config.por_check (map: explore.c).
 */

#include "explore.h"

/* ---- partial-order reduction ------------------------------------------------
 *
 * At a state s, when no fault is left and the recovery step is enabled
 * in STOP, SLOTS or MEMBERS, s is expanded with it alone (see
 * sim_por_rec_candidate(): no protocol step reads what it changes or
 * disables it, and it changes no sim_view).  Otherwise the lowest node i
 * whose enabled protocol steps A (all of them: steps of one node never
 * commute) pass the conditions below is expanded with A alone; otherwise
 * s is expanded fully.  Faults are not
 * in A: a crash or mount at s is explored after A's step, with which it
 * commutes (a crash of i itself erases the step: a down node's fields
 * are not encoded).
 *
 * For every a in A:
 *  - local: a changes nothing but node i's own fields (struct sim_node),
 *    and for an AST the completion it takes (compared byte for byte on
 *    the encodings, everything outside node i);
 *  - invisible: a changes nothing of node i that the invariants or other
 *    nodes' steps read (struct sim_view: up, mounted, jid, first
 *    mounter, journals it replays, ...); journal replays are never in A
 *    (another node recovering the same journal reads the flag: S2).
 *    blocked and known_failed are left out: only S1 of node i reads
 *    them, and no step of another node or fault can make S1 of node i
 *    true (a crash orphans a journal with a newer epoch than any join
 *    and clears the crashed node from known_failed), so whether a's
 *    state violates S1 is decided when a runs, wherever it runs;
 *  - C1, nothing outside A touches node i before a step of A runs
 *    (sim_por_candidate()): no lock request of i is queued or deferred
 *    (no other node's unlock or crash grants it: no new AST of i);
 *    recovery waits for i (a prep, slot or done queued to it; with an
 *    empty queue only when no fault is left and no change pending), so
 *    callbacks are queued to i only behind one that is already there,
 *    s->slots does not change before i's done, and the lockspace is not
 *    stopped or recovered under i's ASTs; while faults are left: i is
 *    not running (no prep for it), has no AST (a fault stops the
 *    lockspace), does not deliver a done (a crash of another node can
 *    remove the other pending dones, and then a fault stops the
 *    lockspace at once instead of waiting) nor a slot for a node that
 *    can crash again (the crash clears known_failed);
 *  - C3, the cycle proviso for a breadth-first search: no successor
 *    through A was found at this level or before, only new or found
 *    while expanding this level.  An edge of a cycle must go from a
 *    level to the same or an earlier one, so every cycle of the reduced
 *    graph has a fully expanded state.
 * A step of node i depends only on node i's fields, its completions and
 * (a done) s->slots, so being local and invisible at s, it is so at every
 * state reached from s by other steps.  With C0 (A is not empty), C1, C2
 * (invisible) and C3, every quiescent state (where S5 is checked) stays
 * reachable and every path of the full graph has a stutter-equivalent
 * one in the reduced graph, so a violation of S1-S4 is still found
 * (Peled 1994; Clarke, Grumberg, Peled, "Model Checking", ch. 10).  The
 * counterexample is the shortest in the reduced graph; no_por gives the
 * shortest of all.  cfg->por_check tests the argument on every reduced
 * expansion as the search runs (check_ample()).
 */

/* Run @st from the state encoded in @from into @out; 1 on a violation. */
static int run_from(struct ctx *x, const uint8_t *from, const struct step *st,
		    uint8_t *out, size_t *len, size_t *noff)
{
	struct xstate xs;

	xp_codec(x->s, &xs, (uint8_t *)from, false, NULL, x->cfg->full_encoding);
	x->s->violated = 0;
	if (st->kind == SK_CRASH)
		xs.crashes++;
	if (st->kind == SK_MOUNT)
		xs.rejoins++;
	sim_run_step(x->s, st);
	if (x->s->violated)
		return 1;
	*len = xp_codec(x->s, &xs, out, true, noff, x->cfg->full_encoding);
	return 0;
}

/* The successor through transition @t of the current state, once;
 * leaves x->s in it (when just run).  1 on a violation. */
int xp_successor(struct ctx *x, unsigned int t)
{
	if (!x->sstate[t]) {
		x->st->transitions++;
		x->sstate[t] = run_from(x, x->penc, &x->steps[t],
					x->sbuf + t * x->enc_max, &x->slen[t],
					x->noff) ? 2 : 1;
	}
	return x->sstate[t] == 2;
}

/* Whether encodings @a and @b agree outside node @id. */
static bool same_outside(const uint8_t *a, const size_t *aoff, size_t alen,
			 const uint8_t *b, const size_t *boff, size_t blen,
			 uint32_t id)
{
	size_t as = aoff[id - 1], bs = boff[id - 1], ae = aoff[id], be = boff[id];

	return as == bs && alen - ae == blen - be && !memcmp(a, b, as) &&
	       !memcmp(a + ae, b + be, alen - ae);
}

/* Node @id's protocol steps at the state decoded in x->s; for id 0 the
 * recovery step. */
static unsigned int node_steps(const struct sim *s, uint32_t id,
			       struct step *out)
{
	struct step all[STEPS_MAX];
	unsigned int k = sim_enabled_steps(s, all), n = 0;

	for (unsigned int i = 0; i < k; i++)
		if (id ? all[i].node == id && all[i].kind != SK_REC :
		    all[i].kind == SK_REC)
			out[n++] = all[i];
	return n;
}

static bool step_eq(const struct step *a, const struct step *b)
{
	return a->kind == b->kind && a->node == b->node && a->arg == b->arg;
}

static int por_fail(struct ctx *x, unsigned int level, const struct step *a,
		    const struct step *b, const char *why)
{
	char sa[128], sb[128];
	int n;

	sim_step_text(a, sa, sizeof(sa));
	sim_step_text(b, sb, sizeof(sb));
	n = snprintf(x->st->violation, sizeof(x->st->violation), "POR check "
		     "failed, level %u +%u: '%s' vs '%s': ", x->st->depth, level,
		     sa, sb);
	if (n > 0 && (size_t)n < sizeof(x->st->violation))
		snprintf(x->st->violation + n, sizeof(x->st->violation) -
			 (size_t)n, "%s", why);
	return -EPROTO;
}

/* Every node's sim_view. */
static void views(const struct sim *s, struct sim_view *w)
{
	memset(w, 0, (NMAX + 1) * sizeof(*w));
	for (uint32_t id = 1; id <= s->sc->nodes; id++)
		sim_node_view(s, id, &w[id]);
}

/*
 * The POR check: with @v = @u·a, for every step b at @u that is not node
 * @id's, b·a and a·b lead to the same state, node @id has the same steps
 * A (@na of them) after b (@id 0: the recovery step), and a changes no
 * node's sim_view; or, if
 * b crashes node @id, b alone and a·b lead to the same state.  Then the
 * same from u·b, down to @depth other steps.
 */
static int check_ample(struct ctx *x, uint32_t id, const struct step *a,
		       const struct step *A, unsigned int na, const uint8_t *u,
		       const uint8_t *v, unsigned int level, unsigned int depth)
{
	size_t bsz = x->enc_max, ul, vl, al;
	uint8_t *ub = malloc(3 * bsz), *vb = ub + bsz, *uba = vb + bsz;
	struct step *U = calloc(2 * STEPS_MAX + 4 * NMAX, sizeof(*U));
	struct step *V = U + STEPS_MAX + 2 * NMAX;
	struct xstate xs;
	unsigned int nu, nv;
	int ret = 0;

	if (!ub || !U) {
		ret = -ENOMEM;
		goto out;
	}
	xp_codec(x->s, &xs, (uint8_t *)u, false, NULL, x->cfg->full_encoding);
	nu = xp_transitions(x->s, &xs, x->cfg, U);
	xp_codec(x->s, &xs, (uint8_t *)v, false, NULL, x->cfg->full_encoding);
	nv = xp_transitions(x->s, &xs, x->cfg, V);
	for (unsigned int i = 0; i < nu && !ret; i++) {
		const struct step *b = &U[i];
		struct sim_view w0[NMAX + 1], w1[NMAX + 1];
		struct step B[STEPS_MAX];
		bool found = false;
		unsigned int nb;

		if (b->node == id && b->kind != SK_CRASH && b->kind != SK_MOUNT)
			continue;
		if (run_from(x, u, b, ub, &ul, NULL))
			continue; /* b violates: the search finds it */
		for (unsigned int j = 0; j < nv; j++)
			found |= step_eq(b, &V[j]);
		if (!found) {
			ret = por_fail(x, level, a, b, "the ample step disables it");
			break;
		}
		if (run_from(x, v, b, vb, &vl, NULL)) {
			ret = por_fail(x, level, a, b, "violation after the ample "
				       "step only");
			break;
		}
		if (b->kind == SK_CRASH && b->node == id) {
			if (ul != vl || memcmp(ub, vb, ul))
				ret = por_fail(x, level, a, b, "the crash does not "
					       "erase the ample step");
			continue;
		}
		xp_codec(x->s, &xs, ub, false, NULL, x->cfg->full_encoding);
		nb = node_steps(x->s, id, B);
		views(x->s, w0);
		if (nb != na) {
			ret = por_fail(x, level, a, b, "it changes the node's "
				       "enabled steps");
			break;
		}
		for (unsigned int j = 0; j < nb; j++)
			if (!step_eq(&B[j], &A[j]))
				ret = por_fail(x, level, a, b, "it changes the "
					       "node's enabled steps");
		if (ret)
			break;
		if (run_from(x, ub, a, uba, &al, NULL)) {
			ret = por_fail(x, level, a, b, "violation when the ample "
				       "step comes second");
			break;
		}
		views(x->s, w1);
		if (memcmp(w0, w1, sizeof(w0))) {
			ret = por_fail(x, level, a, b, "the ample step is visible "
				       "after it");
			break;
		}
		if (al != vl || memcmp(uba, vb, al)) {
			ret = por_fail(x, level, a, b, "they do not commute");
			break;
		}
		if (level + 1 < depth)
			ret = check_ample(x, id, a, A, na, ub, vb, level + 1,
					  depth);
	}
out:
	free(U);
	free(ub);
	return ret;
}

/*
 * Expand with the @nt transitions @T (of node @id; 0: recovery), already
 * run, unless the cycle proviso C3 forbids it: 1 if so, 0 if not, or
 * -EPROTO from the POR check.
 */
static int ample_set(struct ctx *x, uint32_t id, const unsigned int *T,
		     unsigned int nt, unsigned int *sel, unsigned int *nsel)
{
	struct step A[STEPS_MAX];

	for (unsigned int i = 0; i < nt; i++) {
		uint64_t h = hash_bytes(x->sbuf + T[i] * x->enc_max,
					x->slen[T[i]]);

		/* C3: found at this level or before */
		if (hset_has(x->seen, h) && !hset_has(x->fresh, h))
			return 0;
		A[i] = x->steps[T[i]];
	}
	for (unsigned int i = 0; i < nt && x->cfg->por_check; i++) {
		int r = check_ample(x, id, &A[i], A, nt, x->penc,
				    x->sbuf + T[i] * x->enc_max, 0,
				    x->cfg->por_check);

		if (r)
			return r;
	}
	memcpy(sel, T, nt * sizeof(T[0]));
	*nsel = nt;
	return 1;
}

/*
 * Pick the transitions to expand the current state with: the indices
 * into x->steps go to @sel.  Returns 1 if reduced, 0 if all, -errno.
 */
int xp_ample(struct ctx *x, unsigned int *sel, unsigned int *nsel)
{
	const struct dlmr_explore_config *cfg = x->cfg;
	bool faults = x->xs.crashes < cfg->failures ||
		      x->xs.rejoins < cfg->rejoins;
	size_t boff[NMAX + 1], toff[NMAX + 1], blen;
	struct xstate xs = x->xs; /* the AST case encodes with it */
	/* x->s holds the state until a step runs (then "moved") */
	bool moved = false, rec, any;
	struct sim_view v0[NMAX + 1];
	uint64_t cand = 0;

	/* the cheap conditions first, at this state: most states have no
	 * candidate (a fault is left), and then nothing is encoded */
	rec = x->ksim && x->steps[x->ksim - 1].kind == SK_REC &&
	      sim_por_rec_candidate(x->s, faults);
	any = rec;
	for (uint32_t id = 1; id <= x->s->sc->nodes; id++)
		if (sim_por_candidate(x->s, id, faults)) {
			cand |= BIT(id);
			any = true;
		}
	if (!any)
		return 0;
	blen = xp_codec(x->s, &xs, NULL, true, boff, x->cfg->full_encoding);
	views(x->s, v0);
	if (rec) {
		unsigned int t = x->ksim - 1;
		struct sim_view v1[NMAX + 1];
		int r;

		moved = true;
		if (xp_successor(x, t))
			return 0;
		views(x->s, v1);
		if (!memcmp(v0, v1, sizeof(v0))) {
			r = ample_set(x, 0, &t, 1, sel, nsel);
			if (r)
				return r;
		}
	}
	for (uint32_t id = 1; id <= x->s->sc->nodes; id++) {
		unsigned int T[STEPS_MAX], nt = 0;
		bool ok = true;

		for (unsigned int t = 0; t < x->ksim; t++)
			if (x->steps[t].node == id && x->steps[t].kind != SK_REC)
				T[nt++] = t;
		if (!nt || !(cand & BIT(id)))
			continue;
		for (unsigned int i = 0; i < nt && ok; i++) {
			const struct step *a = &x->steps[T[i]];
			const uint8_t *base = x->penc;
			const size_t *bo = boff;
			struct sim_view v1;
			size_t tlen = blen;

			if (a->kind == SK_REPLAY) {
				ok = false;
				break;
			}
			if (a->kind == SK_AST) {
				/* the completion it takes is node i's */
				struct simdlm_ast ast;

				if (moved)
					xp_codec(x->s, &xs, (uint8_t *)x->penc,
						 false, NULL, x->cfg->full_encoding);
				simdlm_take_ast(&x->s->dlm, a->arg, id, &ast);
				tlen = xp_codec(x->s, &xs, x->tmp, true, toff, x->cfg->full_encoding);
				base = x->tmp;
				bo = toff;
			}
			/* each node's steps are run here first: x->s and
			 * x->noff are the successor's now */
			moved = true;
			if (x->sstate[T[i]] == 1) /* run before: decode it */
				xp_codec(x->s, &xs, x->sbuf + T[i] * x->enc_max,
					 false, x->noff, x->cfg->full_encoding);
			else if (xp_successor(x, T[i]))
				return 0; /* expand fully: it is reported */
			sim_node_view(x->s, id, &v1);
			ok = !memcmp(&v0[id], &v1, sizeof(v1)) &&
			     same_outside(base, bo, tlen,
					  x->sbuf + T[i] * x->enc_max, x->noff,
					  x->slen[T[i]], id);
		}
		if (!ok)
			continue;
		return ample_set(x, id, T, nt, sel, nsel);
	}
	return 0;
}
