// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The explorer: every reachable state of the simulated cluster, breadth
 * first, on the simulator's own model (simcore.h): the same coordinator,
 * simulated DLM, recovery model and invariants as `dlmctl sim`.
 *
 * A state is the simulator's state, encoded canonically (the fields that
 * matter, in a fixed order, for nodes 1..N, resources 0..J+1 and journals
 * 0..J-1 only).  History no future step, invariant or replay reads is
 * left out or normalised (hist_reduce(), gen_map(), codec_coord(),
 * codec_lock(), each with its argument); dlmr_explore_config's
 * full_encoding turns that off, for the self-check in the tests.  Transitions are every enabled scheduler step (callback
 * deliveries, lock completions, timers, journal replays, recovery
 * progress) plus faults: a crash of any live node while fewer than F
 * crashes happened, and a reboot-and-mount of a crashed node while fewer
 * than R happened.  The initial state has every node joining and mounting
 * at once (a cold start).
 *
 * Visited states are kept as 64-bit hashes of their encoding (hash
 * compaction): two different states with the same hash would make the
 * search skip one; with n states the chance of any such collision is
 * about n^2 / 2^65 (1e-7 for 2e6 states).  No symmetry reduction is done:
 * node identities are not interchangeable here, since slots are given in
 * nodeid order and the lowest nodeid runs slot assignment.
 *
 * The frontier is kept level by level (breadth first), so the first
 * violation found is at the smallest depth; its path is rebuilt from
 * parent links and written as a scenario of `step`, `crash` and `mount`
 * lines that `dlmctl sim` replays exactly.
 *
 * The explorer's files, one concern each:
 *
 *   explore.c          this map; the breadth-first search (dlmr_explore()):
 *                      the frontier, phase B (the merge), the livelock and
 *                      fairness verdicts and their counterexamples
 *   explore.h          what the files share (internal, not API)
 *   explore_encode.c   the canonical state encoding and the reduced one
 *                      (hist_reduce(), gen_map(); cfg->full_encoding)
 *   explore_por.c      the partial-order reduction (xp_ample()) and its
 *                      self-check (cfg->por_check)
 *   explore_threads.c  phase A: expanding a batch of states, on
 *                      cfg->threads threads
 *   explore_graph.c    the explored graph; the livelock check and the
 *                      weak-fairness check (cfg->fair) on it
 *   explore_model.c    the root state, the transitions (protocol steps
 *                      and faults), parent links, paths as scenarios
 *   explore_swarm.c    swarm testing, dlmr_swarm() (--random)
 *
 * The visited sets (hash compaction, below) are small inline functions
 * in explore.h, next to the hash.
 */

#include "explore.h"

/* A livelock's scenario: `dlmctl sim` runs this many steps past its
 * path without reaching quiescence (S5 at the step limit): it never
 * can, so a few rounds of the loop are enough to show it. */
#define LIVELOCK_WAIT 200

/* ---- frontier: one level of encoded states ------------------------------- */


/*
 * Frontier states are stored with their zero bytes squeezed out (most of
 * an encoding is zero): the length (2 bytes, little endian), then for
 * each 8-byte word of the encoding a mask of its non-zero bytes (bit i:
 * byte lane i of the word's value), then those bytes; a word with no
 * zero byte as its 8 bytes.  Word by word, with no branch per byte run.
 */
static inline __attribute__((always_inline)) unsigned int nz_mask(uint64_t v)
{
	const uint64_t lo7 = 0x7F7F7F7F7F7F7F7Full;
	/* the top bit of each non-zero byte, then gathered into one byte */
	uint64_t t = (((v & lo7) + lo7) | v) & ~lo7;

	return (unsigned int)((((t >> 7) & 0x0101010101010101ull) *
			       0x0102040810204080ull) >> 56);
}

static size_t squeeze(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 2;

	out[0] = (uint8_t)n;
	out[1] = (uint8_t)(n >> 8);
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = 0;
		unsigned int m;

		memcpy(&v, in + i, n - i < 8 ? n - i : 8);
		m = nz_mask(v);
		out[o++] = (uint8_t)m;
		if (m == 0xFF) {
			memcpy(out + o, &v, 8);
			o += 8;
			continue;
		}
		for (; m; m &= m - 1)
			out[o++] = (uint8_t)(v >> (8 * __builtin_ctz(m)));
	}
	return o;
}

/* The squeezed encoding at @in into @out; returns its length. */
size_t xp_unsqueeze(const uint8_t *in, uint8_t *out)
{
	size_t n = (size_t)in[0] | (size_t)in[1] << 8, o = 2;

	for (size_t i = 0; i < n; i += 8) {
		unsigned int m = in[o++];
		uint64_t v = 0;

		if (m == 0xFF) {
			memcpy(&v, in + o, 8);
			o += 8;
		} else {
			for (; m; m &= m - 1)
				v |= (uint64_t)in[o++] << (8 * __builtin_ctz(m));
		}
		memcpy(out + i, &v, n - i < 8 ? n - i : 8);
	}
	return n;
}

static int level_push(struct level *l, const uint8_t *enc, size_t len,
		      uint32_t id)
{
	size_t need = sizeof(uint32_t) + sizeof(uint32_t) + len;

	uint8_t *nb = grow(l->bytes, &l->cap, l->used + need < BYTES_MIN ?
			   BYTES_MIN : l->used + need, 1);

	if (!nb)
		return -ENOMEM;
	l->bytes = nb;
	memcpy(l->bytes + l->used, &id, sizeof(id));
	memcpy(l->bytes + l->used + 4, &(uint32_t){ (uint32_t)len }, 4);
	memcpy(l->bytes + l->used + 8, enc, len);
	l->used += 8 + len;
	l->n++;
	return 0;
}


/* What phase B changes: the search's shared state. */
struct merge {
	const struct dlmr_explore_config *cfg;
	struct dlmr_explore_stats *st;
	struct ctx *x;           /* parent links, the violation's text */
	struct hset *seen, *fresh;
	struct graph *g;
	struct level *next;
	uint8_t *sq;             /* squeeze() buffer */
	char **cex;
};

/* Memory the search holds, with @cur the level being expanded. */
static size_t held_bytes(const struct merge *m, const struct level *cur)
{
	return hset_bytes(m->seen) + graph_bytes(m->g) +
	       m->x->capedges * sizeof(struct edge) + cur->cap + m->next->cap;
}

/* Phase B for successor @su of state @id: 1 if new, 0 if found before,
 * -ENOMEM, -E2BIG past cfg->max_states. */
static int merge_succ(struct merge *m, uint32_t id, const struct xsucc *su,
		      const uint8_t *arena)
{
	uint32_t to = (uint32_t)m->x->nedges;
	int a = hset_add_id(m->seen, su->h, to, &to);

	if (a > 0 && !m->cfg->no_por && !m->cfg->fair &&
	    hset_add(m->fresh, su->h) < 0)
		return -ENOMEM;
	/* protocol steps only: see the graph */
	if (a >= 0 && !m->cfg->no_livelock && su->how.kind != SK_CRASH &&
	    su->how.kind != SK_MOUNT &&
	    graph_succ(m->g, to, &su->how, m->cfg->fair))
		return -ENOMEM;
	if (a <= 0)
		return a;
	/* states are kept squeezed */
	if (m->x->nedges >= UINT32_MAX - 1 || xp_add_edge(m->x, id, &su->how) ||
	    level_push(m->next, m->sq, squeeze(arena + su->off, su->len, m->sq),
		       (uint32_t)(m->x->nedges - 1)))
		return -ENOMEM;
	m->st->states++;
	if (m->cfg->max_states && m->st->states >= m->cfg->max_states)
		return -E2BIG;
	return 1;
}

/* Phase B for state @r of worker @wk: 0, 1 on a violation (the search
 * stops; *m->cex is its counterexample), -errno. */
static int merge_state(struct merge *m, struct worker *wk,
		       const struct xres *r)
{
	const struct dlmr_explore_config *cfg = m->cfg;
	struct dlmr_explore_stats *st = m->st;

	if (!cfg->no_livelock && graph_state(m->g, r->id, r->quiet))
		return -ENOMEM;
	if (r->quiet && cfg->quiescent)
		cfg->quiescent(r->qhash, cfg->quiescent_arg);
	if (r->qviol) {
		st->violated = true;
		snprintf(m->x->detail, sizeof(m->x->detail), "%s",
			 xp_detail(&wk->x));
		*m->cex = xp_counterexample(m->x, r->id, NULL, true, 0);
		return 1;
	}
	st->transitions += r->ntrans;
	if (r->err) {
		if (r->err == -EPROTO) {
			memcpy(st->violation, wk->st.violation,
			       sizeof(st->violation));
			*m->cex = xp_counterexample(m->x, r->id, NULL, false, 0);
		}
		return r->err;
	}
	st->reduced += r->reduced;
	for (unsigned int n = 0; n < r->nsel && n < r->nok; n++)
		hset_prefetch(m->seen, wk->succ[r->first + n].h);
	for (unsigned int n = 0; n < r->nsel; n++) {
		const struct xsucc *su = &wk->succ[r->first + n];
		int a;

		if (n == r->nok) {
			st->violated = true;
			snprintf(m->x->detail, sizeof(m->x->detail), "%s",
				 xp_detail(&wk->x));
			*m->cex = xp_counterexample(m->x, r->id, &su->how, false,
						    0);
			return 1;
		}
		a = merge_succ(m, r->id, su, wk->arena);
		if (a < 0)
			return a;
	}
	return 0;
}

DLMR_EXPORT int dlmr_explore(const struct dlmr_explore_config *cfg,
			     dlmr_explore_progress_fn progress, void *arg,
			     struct dlmr_explore_stats *st, char **cex)
{
	struct dlmr_scenario *sc = NULL;
	struct sim *s = NULL;
	struct level cur = { 0 }, next = { 0 };
	struct hset seen = { 0 }, fresh = { 0 };
	struct graph g = { 0 };
	struct ctx x = { .cfg = cfg, .st = st };
	uint8_t *enc = NULL, *sq = NULL;
	const uint8_t **in = NULL;
	struct worker *w = NULL;
	unsigned int nw = 0;
	size_t enc_max, batch;
	struct xstate xs = { 0 };
	struct merge m = { .cfg = cfg, .st = st, .x = &x, .seen = &seen,
			   .fresh = &fresh, .g = &g, .next = &next, .cex = cex };
	int ret = 0;

	if (!cfg || !st || !cex || xp_bad_config(cfg))
		return -EINVAL;
	seen.keep_ids = !cfg->no_livelock; /* the graph's successor ids */
	memset(st, 0, sizeof(*st));
	*cex = NULL;
	ret = xp_setup_root(cfg, &x, &sc, &s);
	if (ret) {
		ret = -ENOMEM;
		goto out;
	}
	enc_max = xp_codec(s, &xs, NULL, true, NULL, cfg->full_encoding) + (CBQ_MAX * 9 + 64 + ARR * 7) * cfg->nodes +
		  DLMR_SLOTS_MAX * 8 +
		  /* slot-from-table: each node's copy of the table */
		  (size_t)cfg->nodes * cfg->nodes * sizeof(struct dlmr_slot);
	if (enc_max > UINT16_MAX) { /* squeeze() stores it in 2 bytes */
		ret = -EINVAL;
		goto out;
	}
	nw = cfg->threads > 1 ? cfg->threads : 1;
	batch = (size_t)nw * (nw > 1 ? BATCH : BATCH_ONE); /* states */
	enc = malloc(enc_max);
	sq = malloc(2 * enc_max); /* worst case 9 bytes for every 8, + 2 */
	m.sq = sq;
	in = calloc((size_t)nw * BATCH, sizeof(*in));
	w = calloc(nw, sizeof(*w));
	if (!enc || !sq || !in || !w) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < nw; i++) {
		if (xp_worker_init(&w[i], cfg, &seen, &fresh, enc_max)) {
			nw = i + 1;
			ret = -ENOMEM;
			goto out;
		}
	}
	{
		size_t len = xp_codec(s, &xs, enc, true, NULL,
				      cfg->full_encoding);
		struct step none = { 0 };

		if (hset_add_id(&seen, hash_bytes(enc, len), 0, NULL) < 0 ||
		    xp_add_edge(&x, 0, &none) ||
		    level_push(&cur, sq, squeeze(enc, len, sq), 0)) {
			ret = -ENOMEM;
			goto out;
		}
		st->states = 1;
	}

	while (cur.n && !st->violated) {
		size_t off = 0, done = 0;

		st->depth++;
		while (done < cur.n && !st->violated) {
			size_t nb = cur.n - done, per, at = 0;
			unsigned int used = nw;

			if (nb > batch)
				nb = batch;
			for (size_t i = 0; i < nb; i++) {
				uint32_t len;

				in[i] = cur.bytes + off;
				memcpy(&len, cur.bytes + off + 4, 4);
				off += 8 + len;
			}
			per = (nb + nw - 1) / nw;
			for (unsigned int i = 0; i < nw; i++) {
				w[i].in = in + at;
				w[i].nin = at < nb ? (nb - at < per ? nb - at : per) : 0;
				at += w[i].nin;
			}
			/* phase A */
			for (unsigned int i = 1; i < nw; i++)
				if (pthread_create(&w[i].thr, NULL, xp_expand_part,
						   &w[i])) {
					used = i;
					break;
				}
			xp_expand_part(&w[0]);
			for (unsigned int i = 1; i < used; i++)
				pthread_join(w[i].thr, NULL);
			for (unsigned int i = used; i < nw; i++)
				xp_expand_part(&w[i]); /* no thread: here */
			/* phase B, in frontier order */
			for (unsigned int i = 0; i < nw && !st->violated; i++) {
				struct worker *wk = &w[i];

				for (size_t j = 0; j < wk->nres; j++) {
					uint64_t t0 = st->transitions;

					done++;
					ret = merge_state(&m, wk, &wk->res[j]);
					if (ret < 0)
						goto out;
					if (ret) { /* st->violated */
						ret = 0;
						break;
					}
					st->frontier = cur.n - done + next.n;
					st->bytes = held_bytes(&m, &cur);
					if (st->bytes > st->peak_bytes)
						st->peak_bytes = st->bytes;
					if (progress &&
					    (st->transitions >> 14) != (t0 >> 14) &&
					    progress(st, arg)) {
						ret = -EINTR;
						goto out;
					}
				}
				if (wk->err && !st->violated) {
					ret = wk->err;
					goto out;
				}
			}
		}
		if (st->violated)
			break;
		st->max_depth = st->depth;
		/* next level becomes current */
		free(cur.bytes);
		cur = next;
		memset(&next, 0, sizeof(next));
		if (fresh.cap)
			memset(fresh.slot, 0, fresh.cap * sizeof(fresh.slot[0]));
		fresh.len = 0;
	}
	if (!st->violated && cfg->no_livelock) {
		st->complete = true;
	} else if (!st->violated) {
		uint64_t trapped;
		uint32_t first;
		size_t lb;

		st->complete = true;
		ret = graph_livelock(&g, x.nedges, &trapped, &first, &lb);
		if (hset_bytes(&seen) + graph_bytes(&g) + lb > st->peak_bytes)
			st->peak_bytes = hset_bytes(&seen) + graph_bytes(&g) + lb;
		if (ret)
			goto out;
		st->livelock_checked = true;
		st->trapped = trapped;
		if (trapped) {
			st->violated = true;
			snprintf(x.detail, sizeof(x.detail), "S5: livelock: no "
				 "quiescent state is reachable from here by "
				 "protocol steps (%" PRIu64 " of %" PRIu64
				 " states are so)", trapped, st->states);
			*cex = xp_counterexample(&x, first, NULL, true,
						 LIVELOCK_WAIT);
		} else if (cfg->fair) {
			struct step *cyc = NULL;
			uint64_t csize = 0;
			uint32_t entry = 0;
			size_t clen = 0;
			int f = graph_fair(&g, x.nedges, &entry, &cyc, &clen,
					   &csize, &lb);

			if (hset_bytes(&seen) + graph_bytes(&g) + lb >
			    st->peak_bytes)
				st->peak_bytes = hset_bytes(&seen) +
						 graph_bytes(&g) + lb;
			if (f < 0) {
				ret = f;
				goto out;
			}
			st->fair_checked = true;
			if (f) {
				st->violated = true;
				st->fair_cycle = clen;
				snprintf(x.detail, sizeof(x.detail), "S5: fair "
					 "livelock: a weakly fair cycle of %zu "
					 "steps never settles (%" PRIu64
					 " states can run so for ever)", clen,
					 csize);
				*cex = xp_counterexample_cycle(&x, entry, NULL,
							       false, 0, cyc,
							       clen);
			}
			free(cyc);
		}
	}
	if (st->violated) {
		snprintf(st->violation, sizeof(st->violation), "%s", xp_detail(&x));
		if (!*cex)
			ret = -ENOMEM;
		else
			ret = 1;
	}
out:
	st->bytes = held_bytes(&m, &cur);
	if (st->bytes > st->peak_bytes)
		st->peak_bytes = st->bytes;
	free(cur.bytes);
	free(next.bytes);
	free(seen.slot);
	free(seen.ids);
	free(fresh.slot);
	free(g.first);
	free(g.succ);
	free(g.label);
	free(g.quiet);
	free(x.edges);
	free(enc);
	free(sq);
	free(in);
	for (unsigned int i = 0; w && i < nw; i++)
		xp_worker_free(&w[i]);
	free(w);
	free(s);
	free(sc);
	return ret;
}
