// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The search's phase A, the expansion of a batch of states, on one
 * thread or several (map: explore.c).
 */

#include "explore.h"

/* ---- the search: expansion (phase A) and merge (phase B) -----------------
 *
 * The states of a level are taken in batches.  Phase A expands each
 * state of the batch: decodes it, checks S5 where the protocol is idle,
 * picks the transitions (xp_ample()) and computes every successor with its
 * hash, up to the first violation; it only reads the visited sets.
 * Phase B then takes the expanded states in frontier order and does
 * what changes anything shared: the visited sets, the graph, parent
 * links, the next level, the statistics, and the first violation.
 *
 * With cfg->threads > 1, phase A runs on that many threads, each on a
 * contiguous part of the batch with its own simulator.  The result is
 * the same as with one thread, state ids and counterexample included:
 * phase B runs in the same order either way, and what phase A reads
 * of the visited sets (C3 in ample_set(): whether a successor was found
 * at an earlier level) does not depend on which states of this level
 * were merged before.
 */

int xp_worker_init(struct worker *w, const struct dlmr_explore_config *cfg,
		   const struct hset *seen, const struct hset *fresh,
		   size_t enc_max)
{
	size_t nt = STEPS_MAX + 2 * DLMR_SIM_NODES_MAX;

	w->x = (struct ctx){ .cfg = cfg, .st = &w->st };
	if (xp_setup_root(cfg, &w->x, &w->sc, &w->s))
		return -ENOMEM;
	w->x.s = w->s;
	w->x.seen = seen;
	w->x.fresh = fresh;
	w->x.enc_max = enc_max;
	w->x.steps = calloc(nt, sizeof(*w->x.steps));
	w->x.sbuf = malloc(nt * enc_max);
	w->x.slen = calloc(nt, sizeof(*w->x.slen));
	w->x.sstate = calloc(nt, 1);
	w->x.tmp = malloc(enc_max);
	w->dec = malloc(enc_max);
	w->sel = calloc(nt, sizeof(*w->sel));
	w->res = calloc(BATCH, sizeof(*w->res));
	if (!w->x.steps || !w->x.sbuf || !w->x.slen || !w->x.sstate ||
	    !w->x.tmp || !w->dec || !w->sel || !w->res)
		return -ENOMEM;
	return 0;
}

void xp_worker_free(struct worker *w)
{
	free(w->x.steps);
	free(w->x.sbuf);
	free(w->x.slen);
	free(w->x.sstate);
	free(w->x.tmp);
	free(w->dec);
	free(w->sel);
	free(w->res);
	free(w->succ);
	free(w->arena);
	free(w->s);
	free(w->sc);
}

static int add_succ(struct worker *w, const struct step *how,
		    const uint8_t *enc, size_t len)
{
	struct xsucc *sc = grow(w->succ, &w->capsucc, w->nsucc + 1,
				sizeof(*sc));
	uint8_t *ar;

	if (!sc)
		return -ENOMEM;
	w->succ = sc;
	ar = grow(w->arena, &w->cap, w->used + len < BYTES_MIN ? BYTES_MIN :
		  w->used + len, 1);
	if (!ar)
		return -ENOMEM;
	w->arena = ar;
	sc = &w->succ[w->nsucc++];
	sc->h = len ? hash_bytes(enc, len) : 0;
	sc->how = *how;
	sc->off = w->used;
	sc->len = len;
	memcpy(w->arena + w->used, enc, len);
	w->used += len;
	return 0;
}

/* Phase A for one frontier entry; 1 if it ends the search (a violation
 * or an error: the states after it are not needed), -ENOMEM. */
static int expand_one(struct worker *w, const uint8_t *e)
{
	struct ctx *x = &w->x;
	const struct dlmr_explore_config *cfg = x->cfg;
	struct sim *s = w->s;
	struct xres *r = &w->res[w->nres++];
	struct xstate xs = { 0 };
	uint64_t before = w->st.transitions;
	uint32_t id;
	unsigned int k, any_sim, nsel;
	size_t plen;

	memcpy(&id, e, 4);
	plen = xp_unsqueeze(e + 8, w->dec);
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->first = w->nsucc;
	xp_codec(s, &xs, w->dec, false, NULL, cfg->full_encoding);
	s->violated = 0;
	any_sim = sim_enabled_steps(s, x->steps);
	k = xp_transitions(s, &xs, cfg, x->steps);
	if (!any_sim) {
		/* terminal for the protocol: S5 */
		r->quiet = true;
		if (cfg->quiescent && cfg->full_encoding) {
			/* the reduced encoding's hash */
			plen = xp_codec(s, &xs, x->tmp, true, NULL, false);
			r->qhash = hash_bytes(x->tmp, plen);
		} else if (cfg->quiescent) {
			r->qhash = hash_bytes(w->dec, plen);
		}
		sim_check_quiescent(s, 0);
		if (s->violated) {
			r->qviol = true;
			return 1;
		}
	}
	x->penc = w->dec;
	x->xs = xs;
	x->k = k;
	x->ksim = any_sim;
	memset(x->sstate, 0, k);
	nsel = k;
	for (unsigned int t = 0; t < k; t++)
		w->sel[t] = t;
	if (!cfg->no_por && !cfg->fair && any_sim) {
		int a = xp_ample(x, w->sel, &nsel);

		if (a < 0) {
			r->err = a;
			r->ntrans = w->st.transitions - before;
			return 1;
		}
		r->reduced = a;
	}
	r->nsel = nsel;
	r->nok = nsel;
	for (unsigned int n = 0; n < nsel; n++) {
		unsigned int t = w->sel[n];
		int v = xp_successor(x, t);

		if (add_succ(w, &x->steps[t], x->sbuf + t * x->enc_max,
			     v ? 0 : x->slen[t])) {
			r->err = -ENOMEM;
			return -ENOMEM;
		}
		if (v) {
			r->nok = n;
			break;
		}
	}
	r->ntrans = w->st.transitions - before;
	return r->nok < r->nsel;
}

/* Phase A for a worker's part of the batch. */
void *xp_expand_part(void *arg)
{
	struct worker *w = arg;

	w->nres = w->nsucc = w->used = 0;
	w->err = 0;
	for (size_t i = 0; i < w->nin; i++) {
		int r = expand_one(w, w->in[i]);

		if (r < 0)
			w->err = r;
		if (r)
			break;
	}
	return NULL;
}
