// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The invariants judge: S1-S5 of the simulator (sim.c check_invariants()
 * and sim_check_quiescent()), checked on traces instead of on the
 * simulator's state.
 *
 * The simulator reads its invariants from the coordinators and from its
 * filesystem model.  Everything they read is visible in the events the
 * coordinator's actions and the simulator's faults produce, and this file
 * rebuilds it from them, one field at a time:
 *
 *  simulator (sim.c)                   judge (from the events)
 *  n->up                               join .. crash / leave
 *  st.mounted (MP_MOUNTED, UNMOUNTING) mounted .. unmounted
 *  st.blocked (CF_BLOCK_LOCKS)         the last block / unblock (set_block()
 *                                      reports every change)
 *  st.jid of a mounted node            the jid of its mounted event
 *  first_mounting_now()                grant of mounted EX (mount_locks_done()
 *                                      makes it first, MP_JLOCK) .. completion
 *                                      of its mounted PR conversion (MP_FD_MNT
 *                                      left; the control NL request follows
 *                                      in the same step), or first_done,
 *                                      mounted, unmounted
 *  n->replay[j]                        recover .. recovered
 *  n->known_failed bit o               slot nodeid o on n; cleared when o
 *                                      crashes, and by n's join
 *  n->join_epoch, s->orphan_epoch[j]   the order of joins and crashes
 *  s->dirty bit j, s->jowner[j]        mounted jid j (owner: that node);
 *                                      clean again at the owner's unmounted
 *                                      or a recovered with status 1
 *  s->orphan bit j                     crash of the owner of a dirty journal;
 *                                      over at a recovered with status 1
 *  n->failed                           unmounted with a negative status
 *
 * One difference, on purpose: the simulator also ends an orphan when a
 * node mounts with its jid (that node replays its own journal at mount,
 * init_journal(), and the replay's recovered event has already ended it);
 * the judge only believes the recovered event, so a node that mounted on
 * an orphaned journal without replaying it breaks S1 here.
 *
 * The simulator checks at the end of each step; the judge after each
 * event.  A step's events are one node's (plus the crashes its events
 * trigger), so the states in between differ from the step's end only in
 * that node's progress through one atomic section of the coordinator.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* jids a trace may name: slot - 1 for slots 1..DLMR_SLOTS_MAX */
#define JIDS DLMR_SLOTS_MAX

struct keyref {
	uint32_t key;
	struct dlmr_judge_ref ref;
};

/* A small set of keys, each with the event that put it there. */
struct refset {
	struct keyref *v;
	size_t n, cap;
};

struct jnode {
	uint32_t id;
	bool up;
	bool unknown;   /* a lost event: not judged until the next join */
	bool mounted;
	bool blocked;
	bool first;     /* first mounting now */
	bool failed;    /* the mount failed */
	bool unmounted; /* unmounted cleanly, not left yet */
	int jid;        /* of its mounted event */
	uint64_t join_epoch;
	struct dlmr_judge_ref join, mounted_ref, block_ref, first_ref;
	struct refset told;   /* nodeids a slot event reported failed */
	struct refset replay; /* jids being replayed */
};

struct journal {
	bool dirty;
	uint32_t owner;
	struct dlmr_judge_ref dirty_ref;   /* the owner's mounted event */
	bool orphan;
	uint32_t orphan_owner;
	uint64_t orphan_epoch;
	struct dlmr_judge_ref orphan_mounted, orphan_crash;
};

/* A condition of S1, S3 or S4 that held after the last check. */
struct cond {
	unsigned int inv;
	uint32_t a, b;
	int c;
};

struct lspace {
	char name[DLMR_LSNAME_MAX + 1];
	struct jnode *nodes;  /* in nodeid order */
	size_t n, cap;
	uint64_t epoch;       /* counts joins and crashes */
	struct journal j[JIDS];
	struct cond *active;
	size_t nactive;
};

struct dlmr_judge {
	struct lspace **ls;
	size_t nls, capls;
	struct dlmr_judge_violation *v;
	size_t nv, capv;
	/* candidates of the check running now */
	struct cand {
		struct cond c;
		struct dlmr_judge_violation v;
	} *cand;
	size_t ncand, capcand;
	uint64_t fed;
	bool finished;
	char reason[256];
};

/* ---- small containers ---------------------------------------------------- */

/* @p (of *@cap entries of @size bytes) with room for @need entries: @p
 * itself, or moved (*@cap updated); NULL: out of memory (@p is kept). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 4;
	void *np;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	np = realloc(p, c * size);
	if (np)
		*cap = c;
	return np;
}

static struct keyref *refset_find(const struct refset *s, uint32_t key)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].key == key)
			return &s->v[i];
	return NULL;
}

static int refset_add(struct refset *s, uint32_t key,
		      const struct dlmr_judge_ref *ref)
{
	struct keyref *k = refset_find(s, key);

	if (k) {
		k->ref = *ref;
		return 0;
	}
	k = grow(s->v, &s->cap, s->n + 1, sizeof(s->v[0]));
	if (!k)
		return -ENOMEM;
	s->v = k;
	s->v[s->n].key = key;
	s->v[s->n].ref = *ref;
	s->n++;
	return 0;
}

static void refset_del(struct refset *s, uint32_t key)
{
	struct keyref *k = refset_find(s, key);

	if (k)
		*k = s->v[--s->n];
}

/* ---- the judge ------------------------------------------------------------ */

DLMR_EXPORT int dlmr_judge_new(struct dlmr_judge **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void node_release(struct jnode *n)
{
	free(n->told.v);
	free(n->replay.v);
}

DLMR_EXPORT void dlmr_judge_free(struct dlmr_judge *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->nls; i++) {
		struct lspace *l = j->ls[i];

		for (size_t k = 0; k < l->n; k++)
			node_release(&l->nodes[k]);
		free(l->nodes);
		free(l->active);
		free(l);
	}
	free(j->ls);
	free(j->v);
	free(j->cand);
	free(j);
}

DLMR_EXPORT size_t dlmr_judge_count(const struct dlmr_judge *j)
{
	return j ? j->nv : 0;
}

DLMR_EXPORT const struct dlmr_judge_violation *
dlmr_judge_violation(const struct dlmr_judge *j, size_t i)
{
	return j && i < j->nv ? &j->v[i] : NULL;
}

DLMR_EXPORT const char *dlmr_judge_reason(const struct dlmr_judge *j)
{
	return j ? j->reason : "";
}

static struct lspace *ls_get(struct dlmr_judge *j, const char *name)
{
	struct lspace *l, **nls;

	for (size_t i = 0; i < j->nls; i++)
		if (!strcmp(j->ls[i]->name, name))
			return j->ls[i];
	nls = grow(j->ls, &j->capls, j->nls + 1, sizeof(j->ls[0]));
	if (!nls)
		return NULL;
	j->ls = nls;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	snprintf(l->name, sizeof(l->name), "%s", name);
	j->ls[j->nls++] = l;
	return l;
}

static struct jnode *node_find(struct lspace *l, uint32_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->nodes[i].id == id)
			return &l->nodes[i];
	return NULL;
}

/* A node never seen before, kept in nodeid order; NULL: out of memory. */
static struct jnode *node_add(struct lspace *l, uint32_t id)
{
	struct jnode *nn = grow(l->nodes, &l->cap, l->n + 1, sizeof(*nn));
	size_t i = 0;

	if (!nn)
		return NULL;
	l->nodes = nn;
	while (i < l->n && l->nodes[i].id < id)
		i++;
	memmove(&l->nodes[i + 1], &l->nodes[i], (l->n - i) * sizeof(l->nodes[0]));
	l->n++;
	memset(&l->nodes[i], 0, sizeof(l->nodes[i]));
	l->nodes[i].id = id;
	l->nodes[i].jid = -1;
	return &l->nodes[i];
}

/* A new life: everything but the sets' memory forgotten. */
static void node_reset(struct jnode *n)
{
	struct refset told = n->told, replay = n->replay;
	uint32_t id = n->id;

	memset(n, 0, sizeof(*n));
	n->id = id;
	n->jid = -1;
	n->told = told;
	n->told.n = 0;
	n->replay = replay;
	n->replay.n = 0;
}

static bool judged(const struct jnode *n)
{
	return n->up && !n->unknown;
}

/* ---- checks ----------------------------------------------------------------- */

static void add_ref(struct dlmr_judge_violation *v,
		    const struct dlmr_judge_ref *r)
{
	if (!r->index || v->nrefs >= DLMR_JUDGE_REFS_MAX)
		return;
	for (unsigned int i = 0; i < v->nrefs; i++)
		if (v->refs[i].index == r->index)
			return;
	v->refs[v->nrefs++] = *r;
}

/* refs oldest first (insertion sort: a handful of them) */
static void sort_refs(struct dlmr_judge_violation *v)
{
	for (unsigned int i = 1; i < v->nrefs; i++) {
		struct dlmr_judge_ref r = v->refs[i];
		unsigned int k = i;

		while (k && v->refs[k - 1].index > r.index) {
			v->refs[k] = v->refs[k - 1];
			k--;
		}
		v->refs[k] = r;
	}
}

/* A candidate violation of the current check, for condition @c; NULL:
 * out of memory. */
static __attribute__((format(printf, 5, 6))) struct dlmr_judge_violation *
candidate(struct dlmr_judge *j, const struct lspace *l,
	  const struct dlmr_judge_ref *at, struct cond c, const char *fmt, ...)
{
	struct cand *nc = grow(j->cand, &j->capcand, j->ncand + 1,
			       sizeof(*nc));
	struct dlmr_judge_violation *v;
	va_list ap;

	if (!nc)
		return NULL;
	j->cand = nc;
	j->cand[j->ncand].c = c;
	v = &j->cand[j->ncand++].v;
	memset(v, 0, sizeof(*v));
	v->invariant = c.inv;
	v->jid = -1;
	snprintf(v->ls, sizeof(v->ls), "%s", l->name);
	if (at)
		v->at = *at;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	return v;
}

static int record(struct dlmr_judge *j, const struct dlmr_judge_violation *v)
{
	struct dlmr_judge_violation *nv = grow(j->v, &j->capv, j->nv + 1,
					       sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	j->v = nv;
	j->v[j->nv] = *v;
	sort_refs(&j->v[j->nv]);
	j->nv++;
	return 1;
}

static bool cond_eq(const struct cond *x, const struct cond *y)
{
	return x->inv == y->inv && x->a == y->a && x->b == y->b && x->c == y->c;
}

/* Report the candidates that did not hold after the last check; they
 * are the lockspace's conditions from now on.  Returns the new count. */
static int settle(struct dlmr_judge *j, struct lspace *l)
{
	int found = 0;

	for (size_t i = 0; i < j->ncand; i++) {
		bool old = false;

		for (size_t k = 0; k < l->nactive && !old; k++)
			old = cond_eq(&j->cand[i].c, &l->active[k]);
		if (old)
			continue;
		if (record(j, &j->cand[i].v) < 0) {
			j->ncand = 0;
			return -ENOMEM;
		}
		found++;
	}
	free(l->active);
	l->active = NULL;
	l->nactive = 0;
	if (j->ncand) {
		l->active = malloc(j->ncand * sizeof(l->active[0]));
		if (!l->active) {
			j->ncand = 0;
			return -ENOMEM;
		}
		for (size_t i = 0; i < j->ncand; i++)
			l->active[i] = j->cand[i].c;
		l->nactive = j->ncand;
	}
	j->ncand = 0;
	return found;
}

/* S1 of node @n: sim.c check_invariants() */
static int check_s1(struct dlmr_judge *j, struct lspace *l, struct jnode *n,
		    const struct dlmr_judge_ref *at)
{
	if (!n->mounted || n->blocked)
		return 0;
	for (int jid = 0; jid < JIDS; jid++) {
		const struct journal *jr = &l->j[jid];
		const struct keyref *told;
		struct dlmr_judge_violation *v;

		if (!jr->orphan)
			continue;
		told = refset_find(&n->told, jr->orphan_owner);
		if (!told && n->join_epoch <= jr->orphan_epoch)
			continue;
		v = candidate(j, l, at, (struct cond){ 1, n->id, jr->orphan_owner, jid },
			      "S1: node %u unblocked while journal %d of failed "
			      "node %u is unrecovered", n->id, jid,
			      jr->orphan_owner);
		if (!v)
			return -ENOMEM;
		v->node = n->id;
		v->jid = jid;
		add_ref(v, &jr->orphan_mounted);
		add_ref(v, &jr->orphan_crash);
		add_ref(v, told ? &told->ref : &n->join);
		add_ref(v, &n->mounted_ref);
		add_ref(v, &n->block_ref);
	}
	return 0;
}

/* S1, S4 and S3 in the order sim.c check_invariants() checks them */
static int find_state(struct dlmr_judge *j, struct lspace *l,
		      const struct dlmr_judge_ref *at)
{
	uint32_t holder[JIDS];
	struct jnode *first = NULL;
	int firsts = 0;

	memset(holder, 0, sizeof(holder));
	for (size_t i = 0; i < l->n; i++) {
		struct jnode *n = &l->nodes[i];

		if (!judged(n))
			continue;
		if (check_s1(j, l, n, at))
			return -ENOMEM;
		if (n->first) {
			firsts++;
			first = n;
		}
		if (n->mounted && n->jid >= 0 && n->jid < JIDS) {
			uint32_t h = holder[n->jid];

			if (h) {
				struct dlmr_judge_violation *v =
					candidate(j, l, at, (struct cond){ 4, h, n->id, n->jid },
						  "S4: nodes %u and %u both "
						  "mounted with jid %d", h,
						  n->id, n->jid);

				if (!v)
					return -ENOMEM;
				v->node = n->id;
				v->jid = n->jid;
				add_ref(v, &node_find(l, h)->mounted_ref);
				add_ref(v, &n->mounted_ref);
			}
			holder[n->jid] = n->id;
		}
	}
	if (firsts > 1) {
		struct dlmr_judge_violation *v =
			candidate(j, l, at, (struct cond){ 3, 0, 0, firsts },
				  "S3: %d nodes are first mounter at once",
				  firsts);

		if (!v)
			return -ENOMEM;
		v->node = first->id;
		for (size_t i = 0; i < l->n; i++)
			if (judged(&l->nodes[i]) && l->nodes[i].first)
				add_ref(v, &l->nodes[i].first_ref);
	} else if (firsts == 1) {
		for (size_t i = 0; i < l->n; i++) {
			struct jnode *n = &l->nodes[i];
			struct dlmr_judge_violation *v;

			if (n == first || !judged(n) || !n->mounted)
				continue;
			v = candidate(j, l, at, (struct cond){ 3, n->id, first->id, -1 },
				      "S3: node %u finished mounting before "
				      "first mounter %u's first_done", n->id,
				      first->id);
			if (!v)
				return -ENOMEM;
			v->node = n->id;
			add_ref(v, &first->first_ref);
			add_ref(v, &n->mounted_ref);
		}
	}
	return 0;
}

static int check_state(struct dlmr_judge *j, struct lspace *l,
		       const struct dlmr_judge_ref *at)
{
	if (find_state(j, l, at)) {
		j->ncand = 0;
		return -ENOMEM;
	}
	return settle(j, l);
}

/* S2: sim.c run_action(DLMR_ACT_RECOVER), before the replay starts */
static int check_s2(struct dlmr_judge *j, struct lspace *l, struct jnode *n,
		    int jid, const struct dlmr_judge_ref *at)
{
	int found = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct jnode *o = &l->nodes[i];
		const struct keyref *r;
		struct dlmr_judge_violation v;

		if (o == n || !judged(o))
			continue;
		r = refset_find(&o->replay, (uint32_t)jid);
		if (!r)
			continue;
		memset(&v, 0, sizeof(v));
		v.invariant = 2;
		v.node = n->id;
		v.jid = jid;
		snprintf(v.ls, sizeof(v.ls), "%s", l->name);
		snprintf(v.detail, sizeof(v.detail), "S2: journal %d recovered "
			 "by nodes %u and %u at once", jid, o->id, n->id);
		v.at = *at;
		add_ref(&v, &r->ref);
		if (record(j, &v) < 0)
			return -ENOMEM;
		found++;
	}
	return found;
}

/* ---- events ------------------------------------------------------------------ */

/* a crash of @n: its dirty journal is orphaned (sim.c crash_node()) */
static void crash(struct lspace *l, struct jnode *n,
		  const struct dlmr_judge_ref *ref)
{
	n->up = false;
	l->epoch++;
	for (int jid = 0; jid < JIDS; jid++) {
		struct journal *jr = &l->j[jid];

		if (!jr->dirty || jr->owner != n->id)
			continue;
		jr->orphan = true;
		jr->orphan_owner = n->id;
		jr->orphan_epoch = l->epoch;
		jr->orphan_mounted = jr->dirty_ref;
		jr->orphan_crash = *ref;
	}
	/* the others must be told of this failure anew */
	for (size_t i = 0; i < l->n; i++)
		refset_del(&l->nodes[i].told, n->id);
}

static bool is_mounted_lock(const struct dlmr_event *ev)
{
	return ev->resource && !strcmp(ev->resource, "mounted");
}

/* One event of lockspace @l; returns new violations or -errno. */
static int feed_ls(struct dlmr_judge *j, struct lspace *l,
		   const struct dlmr_event *ev, const struct dlmr_judge_ref *ref)
{
	struct jnode *n = node_find(l, ev->node);
	int found = 0, r;

	switch (ev->type) {
	case DLMR_EV_JOIN:
		if (n && n->up && !n->unknown) {
			snprintf(j->reason, sizeof(j->reason), "node %u joins "
				 "lockspace %s again without a crash or leave",
				 ev->node, l->name);
			return -EPROTO;
		}
		if (!n && !(n = node_add(l, ev->node)))
			return -ENOMEM;
		node_reset(n);
		n->up = true;
		n->join_epoch = ++l->epoch;
		n->join = *ref;
		return check_state(j, l, ref);
	case DLMR_EV_CRASH:
		if (!n || !n->up)
			return 0;
		crash(l, n, ref);
		return check_state(j, l, ref);
	case DLMR_EV_LEAVE:
		if (!n || !n->up)
			return 0;
		n->up = false;
		return check_state(j, l, ref);
	case DLMR_EV_LOST:
		if (!n && !(n = node_add(l, ev->node)))
			return -ENOMEM;
		if (!n->up)
			return 0;
		n->unknown = true;
		return check_state(j, l, ref);
	default:
		break;
	}
	if (!n) {
		/* joined before the traces began */
		if (!(n = node_add(l, ev->node)))
			return -ENOMEM;
		n->up = true;
	}
	if (!judged(n))
		return 0; /* down, or its state is unknown */
	switch (ev->type) {
	case DLMR_EV_SLOT:
		if (refset_add(&n->told, ev->nodeid, ref))
			return -ENOMEM;
		break;
	case DLMR_EV_BLOCK:
	case DLMR_EV_UNBLOCK:
		n->blocked = ev->type == DLMR_EV_BLOCK;
		n->block_ref = *ref;
		break;
	case DLMR_EV_GRANT:
	case DLMR_EV_AGAIN:
		if (!is_mounted_lock(ev))
			break;
		if (ev->type == DLMR_EV_GRANT && ev->mode == DLMR_MODE_EX &&
		    !n->mounted) {
			n->first = true;
			n->first_ref = *ref;
		} else if (n->first && ev->mode == DLMR_MODE_PR) {
			n->first = false;
		}
		break;
	case DLMR_EV_FIRST_DONE:
		n->first = false;
		break;
	case DLMR_EV_MOUNTED:
		n->mounted = true;
		n->first = false;
		n->jid = ev->jid;
		n->mounted_ref = *ref;
		if (ev->jid >= 0 && ev->jid < JIDS) {
			struct journal *jr = &l->j[ev->jid];

			jr->dirty = true;
			jr->owner = n->id;
			jr->dirty_ref = *ref;
		}
		break;
	case DLMR_EV_UNMOUNTED:
		if (ev->status) {
			n->failed = true;
		} else {
			if (n->jid >= 0 && n->jid < JIDS &&
			    l->j[n->jid].owner == n->id)
				l->j[n->jid].dirty = false;
			n->unmounted = true;
		}
		n->mounted = false;
		n->first = false;
		break;
	case DLMR_EV_RECOVER:
		if (ev->jid < 0 || ev->jid >= JIDS)
			break;
		r = check_s2(j, l, n, ev->jid, ref);
		if (r < 0)
			return r;
		found += r;
		if (refset_add(&n->replay, (uint32_t)ev->jid, ref))
			return -ENOMEM;
		break;
	case DLMR_EV_RECOVERED:
		if (ev->jid < 0 || ev->jid >= JIDS)
			break;
		refset_del(&n->replay, (uint32_t)ev->jid);
		if (ev->status == DLMR_JOURNAL_SUCCESS) {
			l->j[ev->jid].dirty = false;
			l->j[ev->jid].orphan = false;
		}
		break;
	default:
		return 0; /* nothing the invariants read */
	}
	r = check_state(j, l, ref);
	return r < 0 ? r : found + r;
}

DLMR_EXPORT int dlmr_judge_feed(struct dlmr_judge *j,
				const struct dlmr_event *ev, uint32_t file,
				uint64_t line)
{
	struct dlmr_judge_ref ref;
	int found = 0;

	if (!j || !ev || j->finished ||
	    !memchr(ev->ls, '\0', sizeof(ev->ls)))
		return -EINVAL;
	j->reason[0] = '\0';
	if (ev->type == DLMR_EV_VIOLATION || ev->type <= DLMR_EV_NONE ||
	    ev->type >= DLMR_EV_TYPE_MAX)
		return 0;
	memset(&ref, 0, sizeof(ref));
	ref.index = ++j->fed;
	ref.file = file;
	ref.line = line;
	ref.time_ns = ev->time_ns;
	ref.step = ev->step;
	ref.type = ev->type;
	ref.node = ev->node;
	ref.nodeid = ev->type == DLMR_EV_SLOT ? ev->nodeid : 0;
	ref.jid = ev->jid;
	if (!ev->ls[0] && (ev->type == DLMR_EV_CRASH ||
			   ev->type == DLMR_EV_LOST)) {
		/* every lockspace of the node */
		for (size_t i = 0; i < j->nls; i++) {
			int r = feed_ls(j, j->ls[i], ev, &ref);

			if (r < 0)
				return r;
			found += r;
		}
		return found;
	}
	{
		struct lspace *l = ls_get(j, ev->ls);

		if (!l)
			return -ENOMEM;
		return feed_ls(j, l, ev, &ref);
	}
}

/* S5: sim.c sim_check_quiescent(), at the end of the traces */
static int finish_ls(struct dlmr_judge *j, struct lspace *l)
{
	bool anyone = false;

	for (size_t i = 0; i < l->n; i++) {
		struct jnode *n = &l->nodes[i];
		struct dlmr_judge_violation *v;

		if (!judged(n) || n->failed)
			continue;
		anyone = true;
		if (n->unmounted || (n->mounted && !n->blocked))
			continue;
		v = candidate(j, l, NULL, (struct cond){ 5, n->id, 0, -1 }, "S5: "
			      "node %u is %s", n->id,
			      !n->mounted ? "not mounted" : "blocked");
		if (!v) {
			j->ncand = 0;
			return -ENOMEM;
		}
		v->node = n->id;
		add_ref(v, &n->join);
		add_ref(v, &n->mounted_ref);
		add_ref(v, &n->block_ref);
	}
	for (int jid = 0; jid < JIDS && anyone; jid++) {
		const struct journal *jr = &l->j[jid];
		struct dlmr_judge_violation *v;

		if (!jr->orphan)
			continue;
		v = candidate(j, l, NULL, (struct cond){ 5, 0, jr->orphan_owner, jid },
			      "S5: journal %d of failed node %u is unrecovered",
			      jid, jr->orphan_owner);
		if (!v) {
			j->ncand = 0;
			return -ENOMEM;
		}
		v->jid = jid;
		add_ref(v, &jr->orphan_mounted);
		add_ref(v, &jr->orphan_crash);
	}
	/* every one is new: S5 is checked once */
	free(l->active);
	l->active = NULL;
	l->nactive = 0;
	return settle(j, l);
}

DLMR_EXPORT int dlmr_judge_finish(struct dlmr_judge *j)
{
	int found = 0;

	if (!j || j->finished)
		return -EINVAL;
	j->finished = true;
	for (size_t i = 0; i < j->nls; i++) {
		int r = finish_ls(j, j->ls[i]);

		if (r < 0)
			return r;
		found += r;
	}
	return found;
}
