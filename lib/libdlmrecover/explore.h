/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The explorer's internals, shared by its files (map: explore.c, at the
 * top): the state the search carries, the visited sets, the graph kept
 * for the livelock checks, the frontier, the expansion workers, and the
 * functions one file gives another.  Not part of the library's API.
 */
#ifndef DLMR_EXPLORE_H
#define DLMR_EXPLORE_H

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simcore.h"

/* Coordinator arrays encoded (jids): recover_size stays 16 while slots
 * are at most 8, so entries past 16 are never touched. */
#define ARR 16

struct xstate {
	uint8_t crashes;  /* faults used */
	uint8_t rejoins;
};

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* Four independent lanes over 32-byte blocks, so the multiplications
 * overlap instead of waiting for each other. */
static inline uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h0 = 0x9e3779b97f4a7c15ull ^ n, h1 = 0xc2b2ae3d27d4eb4full,
		 h2 = 0x165667b19e3779f9ull, h3 = 0x27d4eb2f165667c5ull, h;

	while (n >= 32) {
		uint64_t w[4];

		memcpy(w, p, 32);
		h0 = mix(h0, w[0]);
		h1 = mix(h1, w[1]);
		h2 = mix(h2, w[2]);
		h3 = mix(h3, w[3]);
		p += 32;
		n -= 32;
	}
	h = mix(mix(mix(h0, h1), h2), h3);
	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = mix(h, w);
		p += 8;
		n -= 8;
	}
	while (n--) {
		h = (h ^ *p++) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h ? h : 1; /* 0 marks an empty slot */
}


/* ---- visited set -------------------------------------------------------- */

struct hset {
	uint64_t *slot;
	uint32_t *ids;  /* the state id of each slot, if kept (see graph) */
	bool keep_ids;
	size_t cap, len;
};

static inline int hset_grow(struct hset *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 1u << 16;
	uint64_t *n = calloc(ncap, sizeof(*n));
	uint32_t *ni = h->keep_ids ? malloc(ncap * sizeof(*ni)) : NULL;

	if (!n || (h->keep_ids && !ni)) {
		free(n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++) {
		uint64_t v = h->slot[i];
		size_t k;

		if (!v)
			continue;
		for (k = v & (ncap - 1); n[k]; k = (k + 1) & (ncap - 1))
			;
		n[k] = v;
		if (ni)
			ni[k] = h->ids[i];
	}
	free(h->slot);
	free(h->ids);
	h->slot = n;
	h->ids = ni;
	h->cap = ncap;
	return 0;
}

/* 1 if added (with state id @id), 0 if present (its id to *@old if ids
 * are kept), -ENOMEM */
static inline int hset_add_id(struct hset *h, uint64_t v, uint32_t id, uint32_t *old)
{
	size_t k;

	if ((h->len + 1) * 2 > h->cap && hset_grow(h))
		return -ENOMEM;
	for (k = v & (h->cap - 1); h->slot[k]; k = (k + 1) & (h->cap - 1))
		if (h->slot[k] == v) {
			if (h->ids && old)
				*old = h->ids[k];
			return 0;
		}
	h->slot[k] = v;
	if (h->ids)
		h->ids[k] = id;
	h->len++;
	return 1;
}

static inline void hset_prefetch(const struct hset *h, uint64_t v)
{
	if (h->cap) {
		__builtin_prefetch(&h->slot[v & (h->cap - 1)], 0);
		if (h->ids)
			__builtin_prefetch(&h->ids[v & (h->cap - 1)], 1);
	}
}

static inline int hset_add(struct hset *h, uint64_t v)
{
	return hset_add_id(h, v, 0, NULL);
}

static inline size_t hset_bytes(const struct hset *h)
{
	return h->cap * (sizeof(*h->slot) + (h->keep_ids ? sizeof(*h->ids) : 0));
}

static inline bool hset_has(const struct hset *h, uint64_t v)
{
	if (!h->cap)
		return false;
	for (size_t k = v & (h->cap - 1); h->slot[k]; k = (k + 1) & (h->cap - 1))
		if (h->slot[k] == v)
			return true;
	return false;
}


struct graph {
	uint64_t *first;  /* state id -> its first successor in succ */
	uint32_t *succ;
	uint32_t *label;  /* with fairness (cfg->fair): each edge's step,
			     step_code(); NULL otherwise */
	uint32_t *quiet;  /* quiescent state ids */
	size_t nfirst, capfirst, nsucc, capsucc, caplabel, nquiet, capquiet;
};

/* Room for @need elements of @size in @p, whose capacity is *@cap: the
 * array (moved or not), or NULL with @p left as it was. */
static inline void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 1u << 12;
	void *n;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		return NULL;
	n = realloc(p, ncap * size);
	if (n)
		*cap = ncap;
	return n;
}

/* State @id is expanded next; its successors follow. */

/* Byte buffers (levels, successors) grow() from 1 MiB. */
#define BYTES_MIN ((size_t)1 << 20)

struct level {
	uint8_t *bytes;
	size_t used, cap;
	size_t n;
};

struct edge {
	uint32_t parent;
	struct step how;
};

struct ctx {
	const struct dlmr_explore_config *cfg;
	struct dlmr_explore_stats *st;
	char detail[DLMR_DETAIL_MAX];
	struct edge *edges;
	size_t nedges, capedges;
	bool swarm;
	struct dlmr_sim_result res;

	/* dlmr_explore(): the state being expanded and its successors */
	struct sim *s;
	const struct hset *seen;
	const struct hset *fresh; /* states found while expanding this level */
	const uint8_t *penc;     /* its encoding */
	struct xstate xs;
	struct step *steps;      /* its transitions, protocol steps first */
	unsigned int k, ksim;
	size_t enc_max;
	uint8_t *sbuf;           /* successor t at sbuf + t * enc_max */
	size_t *slen;
	uint8_t *sstate;         /* per successor: 0 not run, 1 run, 2 violated */
	uint8_t *tmp;            /* enc_max */
	size_t noff[NMAX + 1];   /* node offsets in the last encoding */
};


/* One expanded state. */
struct xres {
	uint32_t id;
	bool quiet;          /* no protocol step: S5 checked */
	bool qviol;          /* ... and violated */
	bool reduced;        /* expanded with an ample set */
	int err;             /* from xp_ample(): -EPROTO or -ENOMEM */
	uint64_t qhash;      /* for cfg->quiescent */
	uint64_t ntrans;     /* transitions it took */
	unsigned int nsel;   /* transitions selected */
	unsigned int nok;    /* the first one that violates, or nsel */
	size_t first;        /* its first successor in worker.succ */
};

/* One successor: its encoding is worker.arena + off. */
struct xsucc {
	uint64_t h;
	struct step how;
	size_t off;
	size_t len;
};

struct worker {
	struct ctx x;
	struct dlmr_explore_stats st; /* transitions; por_fail() text */
	struct dlmr_scenario *sc;
	struct sim *s;
	uint8_t *dec;
	unsigned int *sel;
	/* this batch: its entries in the level, and what they gave */
	const uint8_t *const *in;
	size_t nin;
	struct xres *res;
	size_t nres;
	struct xsucc *succ;
	size_t nsucc, capsucc;
	uint8_t *arena;
	size_t used, cap;
	int err;             /* -ENOMEM */
	pthread_t thr;
};

/* States per thread and batch: one thread takes few, so that the
 * successors it keeps for phase B stay in its cache (1024 costs 10%);
 * threads take more, to spread the cost of starting them (128 left
 * little gain on 2 cores). */
#define BATCH_ONE 128
#define BATCH 1024

/* explore_encode.c: encode @s (with @x's fault counts) into @buf (NULL:
 * measure only), or with !@enc decode @buf into @s and @x; the length.
 * @noff, if not NULL, receives each node's offset; @full: no reduced
 * encoding (dlmr_explore_config.full_encoding). */
size_t xp_codec(struct sim *s, struct xstate *x, uint8_t *buf, bool enc,
		size_t *noff, bool full);

/* explore_graph.c: the explored graph and the checks on it */
int graph_state(struct graph *g, uint32_t id, bool quiet);
int graph_succ(struct graph *g, uint32_t to, const struct step *how,
	       bool labels);
size_t graph_bytes(const struct graph *g);
int graph_livelock(const struct graph *g, size_t n, uint64_t *trapped,
		   uint32_t *first, size_t *bytes);
int graph_fair(const struct graph *g, size_t n, uint32_t *entry,
	       struct step **cyc, size_t *len, uint64_t *size,
	       size_t *bytes);

/* explore_model.c: the root state, the transitions, parent links,
 * paths written as scenarios */
const char *xp_detail(struct ctx *x);
int xp_add_edge(struct ctx *x, uint32_t parent, const struct step *how);
unsigned int xp_transitions(const struct sim *s, const struct xstate *xs,
			    const struct dlmr_explore_config *cfg,
			    struct step *st);
char *xp_write_scenario(struct ctx *x, const struct step *path,
			size_t n, bool terminal, size_t limit,
			const struct step *cyc, size_t ncyc);
char *xp_counterexample_cycle(struct ctx *x, uint32_t last,
			      const struct step *final, bool terminal,
			      size_t wait_steps, const struct step *cyc,
			      size_t ncyc);
char *xp_counterexample(struct ctx *x, uint32_t last,
			const struct step *final, bool terminal,
			size_t wait_steps);
bool xp_bad_config(const struct dlmr_explore_config *cfg);
int xp_setup_root(const struct dlmr_explore_config *cfg, struct ctx *x,
		  struct dlmr_scenario **scp, struct sim **sp);

/* explore_por.c: the transitions to expand at x->s, an ample set or all
 * of them (their indexes into x->steps in @sel, *@nsel of them) */
int xp_ample(struct ctx *x, unsigned int *sel, unsigned int *nsel);
/* The successor through transition @t of x->s's state, computed once;
 * leaves x->s in it (when just run).  1 on a violation. */
int xp_successor(struct ctx *x, unsigned int t);

/* explore.c: the frontier */
size_t xp_unsqueeze(const uint8_t *in, uint8_t *out);

/* explore_threads.c: phase A */
int xp_worker_init(struct worker *w, const struct dlmr_explore_config *cfg,
		   const struct hset *seen, const struct hset *fresh,
		   size_t enc_max);
void xp_worker_free(struct worker *w);
void *xp_expand_part(void *arg);

#endif
