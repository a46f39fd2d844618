// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cluster3 (dlm_controld + gfs_controld) and cluster4 (dlm_controld and
 * kernel callbacks) recovery after a node failure, as an explicit-state
 * model of the step lists in the cluster4 gfs_controld plan.  See
 * stacks.h and docs/stacks.md.
 *
 * A state is, per survivor, the set of steps taken (bits 0..nsteps-1)
 * and which daemons are dead (DEAD_BIT + actor).  Survivors are
 * interchangeable (no step names a particular survivor), so the explorer
 * keeps states sorted: one state stands for all its permutations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "stacks.h"

#define DLMR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define BIT(n) (1u << (n))
#define DEAD_BIT 12
#define DAEMONS (BIT(DLMR_ACTOR_DLM_CONTROLD) | BIT(DLMR_ACTOR_GFS_CONTROLD))
#define NSTACKS ((unsigned int)DLMR_STACK_NR)
#define DLMD DLMR_ACTOR_DLM_CONTROLD
#define GFSD DLMR_ACTOR_GFS_CONTROLD
#define DLMK DLMR_ACTOR_DLM_KERNEL

/*
 * cluster3.  Dependencies beyond the plan's order, each from the plan's
 * own words:
 * - "waits for <the other> kernel stop": both stops done, and the
 *   libdlmcontrol exchange needs both daemons (it is a request to
 *   dlm_controld's socket, answered by it; gfs_controld reports to it);
 * - "syncs state among all nodes": one message per survivor's daemon;
 *   the round is complete when every survivor's daemon has sent it;
 * - "starts dlm-kernel recovery" follows dlm_controld's sync round;
 * - "starts gfs-kernel recovery" follows gfs_controld's sync round and
 *   dlm recovery done, which needs every survivor's dlm-kernel started
 *   (dlm recovery is itself a barrier among the lockspace's members);
 * - "starts gfs-kernel" (block 0) follows its recovery.
 */
static const struct dlmr_stack_step cluster3_steps[] = {
	{ DLMD, DLMR_STEP_NOTICE, "dlm_controld sees nodedown", "libcpg",
	  0, 0, 0 },
	{ GFSD, DLMR_STEP_NOTICE, "gfs_controld sees nodedown", "libcpg",
	  0, 0, 0 },
	{ DLMD, DLMR_STEP_STOP, "dlm_controld stops dlm-kernel",
	  "sysfs control 0", BIT(0), 0, 0 },
	{ GFSD, DLMR_STEP_STOP, "gfs_controld stops gfs-kernel",
	  "sysfs block 1", BIT(1), 0, 0 },
	{ DLMD, DLMR_STEP_WAIT, "dlm_controld waits for gfs_controld kernel stop",
	  "libdlmcontrol", BIT(2) | BIT(3), 0, DAEMONS },
	{ GFSD, DLMR_STEP_WAIT, "gfs_controld waits for dlm_controld kernel stop",
	  "libdlmcontrol", BIT(2) | BIT(3), 0, DAEMONS },
	{ DLMD, DLMR_STEP_SYNC, "dlm_controld syncs state among all nodes",
	  "libcpg", BIT(4), 0, 0 },
	{ GFSD, DLMR_STEP_SYNC, "gfs_controld syncs state among all nodes",
	  "libcpg", BIT(5), 0, 0 },
	{ DLMD, DLMR_STEP_START, "dlm_controld starts dlm-kernel recovery",
	  "sysfs control 1", BIT(6), BIT(6), 0 },
	{ GFSD, DLMR_STEP_RECOVER, "gfs_controld starts gfs-kernel recovery",
	  "sysfs recover jid", BIT(7), BIT(7) | BIT(8), 0 },
	{ GFSD, DLMR_STEP_UNBLOCK, "gfs_controld starts gfs-kernel",
	  "sysfs block 0", BIT(9), 0, 0 },
};

/*
 * cluster4.  recover_prep runs inside dlm_controld's write of control 0
 * (dlm_ls_stop), so the sync follows it; recover_slot comes early in
 * dlm-kernel recovery (dlm_recover_members), recover_done at its end,
 * after every survivor's dlm-kernel has started.
 */
static const struct dlmr_stack_step cluster4_steps[] = {
	{ DLMD, DLMR_STEP_NOTICE, "dlm_controld sees nodedown", "libcpg",
	  0, 0, 0 },
	{ DLMD, DLMR_STEP_STOP, "dlm_controld stops dlm-kernel",
	  "sysfs control 0", BIT(0), 0, 0 },
	{ DLMK, DLMR_STEP_STOP, "dlm-kernel stops gfs-kernel",
	  "callback block 1", BIT(1), 0, 0 },
	{ DLMD, DLMR_STEP_SYNC, "dlm_controld syncs state among all nodes",
	  "libcpg", BIT(2), 0, 0 },
	{ DLMD, DLMR_STEP_START, "dlm_controld starts dlm-kernel recovery",
	  "sysfs control 1", BIT(3), BIT(3), 0 },
	{ DLMK, DLMR_STEP_RECOVER, "dlm-kernel starts gfs-kernel recovery",
	  "callback recover jid", BIT(4), 0, 0 },
	{ DLMK, DLMR_STEP_UNBLOCK, "dlm-kernel starts gfs-kernel",
	  "callback block 0", BIT(5), BIT(4), 0 },
};

static const struct dlmr_stack_desc stacks[DLMR_STACK_NR] = {
	[DLMR_STACK_CLUSTER3] = { "cluster3", "cluster3 dlm/gfs recovery",
				  DLMR_ARRAY_SIZE(cluster3_steps), cluster3_steps },
	[DLMR_STACK_CLUSTER4] = { "cluster4", "cluster4 dlm/gfs recovery",
				  DLMR_ARRAY_SIZE(cluster4_steps), cluster4_steps },
};

static const char *const actor_names[DLMR_ACTOR_NR] = {
	"dlm_controld", "gfs_controld", "dlm-kernel", "gfs-kernel",
};

const struct dlmr_stack_desc *dlmr_stacks_desc(enum dlmr_stack st)
{
	if ((unsigned int)st >= NSTACKS)
		return NULL;
	return &stacks[st];
}

int dlmr_stacks_from_name(const char *name, enum dlmr_stack *st)
{
	for (unsigned int i = 0; i < NSTACKS; i++) {
		if (name && !strcmp(name, stacks[i].name)) {
			*st = i;
			return 0;
		}
	}
	return -EINVAL;
}

static bool via_is(const struct dlmr_stack_step *s, const char *prefix)
{
	return !strncmp(s->via, prefix, strlen(prefix));
}

int dlmr_stacks_counts(enum dlmr_stack st, unsigned int survivors,
		       struct dlmr_stack_counts *c)
{
	const struct dlmr_stack_desc *d = dlmr_stacks_desc(st);
	unsigned int actors = 0;

	if (!d || !c)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < d->nsteps; i++) {
		const struct dlmr_stack_step *s = &d->steps[i];

		actors |= BIT(s->actor);
		c->rounds += s->kind == DLMR_STEP_SYNC;
		c->sysfs_writes += via_is(s, "sysfs");
		c->callbacks += via_is(s, "callback");
	}
	c->steps = d->nsteps;
	c->steps_total = d->nsteps * survivors;
	c->daemons = __builtin_popcount(actors & DAEMONS);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The model */

struct model {
	const struct dlmr_stack_desc *d;
	unsigned int n;                    /* survivors */
	uint16_t loc[DLMR_STACKS_SURVIVORS_MAX];
};

static bool alive(uint16_t loc, enum dlmr_actor a)
{
	return !(loc & BIT(DEAD_BIT + a));
}

static uint32_t all_mask(const struct dlmr_stack_desc *d)
{
	return BIT(d->nsteps) - 1;
}

static bool enabled(const struct model *m, unsigned int s, unsigned int i)
{
	const struct dlmr_stack_step *st = &m->d->steps[i];
	uint16_t l = m->loc[s];

	if ((l & BIT(i)) || !alive(l, st->actor) || (l & st->after) != st->after)
		return false;
	for (unsigned int a = 0; a < DLMR_ACTOR_NR; a++)
		if ((st->needs_alive & BIT(a)) && !alive(l, a))
			return false;
	for (unsigned int t = 0; t < m->n; t++)
		if ((m->loc[t] & st->after_all) != st->after_all)
			return false;
	return true;
}

static bool complete(const struct model *m)
{
	for (unsigned int s = 0; s < m->n; s++)
		if ((m->loc[s] & all_mask(m->d)) != all_mask(m->d))
			return false;
	return true;
}

/* The step that unblocks gfs-kernel: the end of a survivor's recovery. */
static unsigned int unblock_step(const struct dlmr_stack_desc *d)
{
	for (unsigned int i = 0; i < d->nsteps; i++)
		if (d->steps[i].kind == DLMR_STEP_UNBLOCK)
			return i;
	return d->nsteps - 1;
}

/* First step of @actor not taken by survivor @s (nsteps: none left). */
static unsigned int first_untaken(const struct model *m, unsigned int s,
				  enum dlmr_actor a)
{
	for (unsigned int i = 0; i < m->d->nsteps; i++)
		if (m->d->steps[i].actor == a && !(m->loc[s] & BIT(i)))
			return i;
	return m->d->nsteps;
}

int dlmr_stacks_run(enum dlmr_stack st, unsigned int survivors,
		    dlmr_stacks_step_fn fn, void *arg)
{
	struct model m = { .d = dlmr_stacks_desc(st), .n = survivors };
	int taken = 0;
	bool progress = true;

	if (!m.d || survivors < 1 || survivors > DLMR_STACKS_SURVIVORS_MAX)
		return -EINVAL;
	while (progress) {
		progress = false;
		for (unsigned int i = 0; i < m.d->nsteps && !progress; i++) {
			for (unsigned int s = 0; s < m.n; s++) {
				if (!enabled(&m, s, i))
					continue;
				m.loc[s] |= BIT(i);
				taken++;
				if (fn)
					fn(s, &m.d->steps[i], arg);
				progress = true;
				break;
			}
		}
	}
	return taken;
}

/* ------------------------------------------------------------------ */
/* Exhaustive exploration, survivors up to symmetry */

struct key {
	uint64_t w[2]; /* 7 survivors x 16 bits */
};

struct visited {
	struct key *keys;   /* in order of discovery: also the BFS queue */
	size_t n, cap;
	uint32_t *slots;    /* open addressing; index + 1, 0 empty */
	size_t nslots;
};

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

static struct key encode(const struct model *m)
{
	uint16_t v[DLMR_STACKS_EXPLORE_NODES_MAX] = { 0 };
	struct key k = { { 0, 0 } };

	memcpy(v, m->loc, m->n * sizeof(v[0]));
	qsort(v, m->n, sizeof(v[0]), cmp_u16);
	for (unsigned int s = 0; s < m->n; s++)
		k.w[s / 4] |= (uint64_t)v[s] << (16 * (s % 4));
	return k;
}

static void decode(struct model *m, struct key k)
{
	for (unsigned int s = 0; s < m->n; s++)
		m->loc[s] = (uint16_t)(k.w[s / 4] >> (16 * (s % 4)));
}

static size_t key_hash(struct key k)
{
	uint64_t h = k.w[0] * 0x9e3779b97f4a7c15ull;

	h ^= (k.w[1] + 0x632be59bd9b4e019ull) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 31;
	return (size_t)h;
}

static int visited_grow(struct visited *v)
{
	size_t ns = v->nslots ? v->nslots * 2 : 1024;
	uint32_t *slots = calloc(ns, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		size_t h = key_hash(v->keys[i]) & (ns - 1);

		while (slots[h])
			h = (h + 1) & (ns - 1);
		slots[h] = (uint32_t)(i + 1);
	}
	free(v->slots);
	v->slots = slots;
	v->nslots = ns;
	return 0;
}

/* 1 added, 0 known, -ENOMEM. */
static int visited_add(struct visited *v, struct key k)
{
	size_t h;

	if ((v->n + 1) * 2 > v->nslots && visited_grow(v))
		return -ENOMEM;
	h = key_hash(k) & (v->nslots - 1);
	while (v->slots[h]) {
		const struct key *o = &v->keys[v->slots[h] - 1];

		if (o->w[0] == k.w[0] && o->w[1] == k.w[1])
			return 0;
		h = (h + 1) & (v->nslots - 1);
	}
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 1024;
		struct key *nk = realloc(v->keys, nc * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		v->keys = nk;
		v->cap = nc;
	}
	v->keys[v->n] = k;
	v->slots[h] = (uint32_t)(v->n + 1);
	v->n++;
	return 1;
}

static int push(struct visited *v, const struct model *m)
{
	int r = visited_add(v, encode(m));

	return r < 0 ? r : 0;
}

static bool any_dead(const struct model *m)
{
	for (unsigned int s = 0; s < m->n; s++)
		if (m->loc[s] >> DEAD_BIT)
			return true;
	return false;
}

static void record_end(const struct model *m,
		       struct dlmr_stack_explore_result *res, bool faults)
{
	unsigned int ub = unblock_step(m->d), blocked = 0;
	struct dlmr_stack_death *dt = NULL;
	bool done = complete(m);

	if (!faults) {
		res->ends++;
		if (!done)
			res->always_completes = false;
		return;
	}
	for (unsigned int s = 0; s < m->n; s++)
		blocked += !(m->loc[s] & BIT(ub));
	for (unsigned int s = 0; s < m->n && !dt; s++) {
		for (unsigned int a = 0; a < DLMR_ACTOR_NR && !dt; a++) {
			unsigned int before;

			if (alive(m->loc[s], a))
				continue;
			before = first_untaken(m, s, a);
			for (unsigned int i = 0; i < res->ndeaths; i++)
				if (res->deaths[i].actor == a &&
				    res->deaths[i].before == before)
					dt = &res->deaths[i];
			if (!dt && res->ndeaths < DLMR_STACKS_DEATHS_MAX) {
				dt = &res->deaths[res->ndeaths++];
				dt->actor = a;
				dt->before = before;
				dt->stalled_min = m->n;
			}
		}
	}
	if (!dt)
		return; /* a fault-free end: counted by the first pass */
	dt->ends++;
	if (!done)
		dt->ends_stalled++;
	if (blocked < dt->stalled_min)
		dt->stalled_min = blocked;
	if (blocked > dt->stalled_max)
		dt->stalled_max = blocked;
}

static int cmp_death(const void *a, const void *b)
{
	const struct dlmr_stack_death *x = a, *y = b;

	if (x->actor != y->actor)
		return (int)x->actor - (int)y->actor;
	return (int)x->before - (int)y->before;
}

static int explore_pass(const struct dlmr_stack_desc *d, unsigned int n,
			bool faults, struct dlmr_stack_explore_result *res,
			uint64_t *states)
{
	struct visited v = { 0 };
	struct model m = { .d = d, .n = n };
	uint32_t daemons = 0;
	int r;

	for (unsigned int i = 0; i < d->nsteps; i++)
		daemons |= BIT(d->steps[i].actor) & DAEMONS;
	r = push(&v, &m);
	for (size_t head = 0; !r && head < v.n; head++) {
		bool moved = false;

		decode(&m, v.keys[head]);
		for (unsigned int s = 0; s < n && !r; s++) {
			uint16_t l = m.loc[s];

			for (unsigned int i = 0; i < d->nsteps && !r; i++) {
				if (!enabled(&m, s, i))
					continue;
				m.loc[s] = l | BIT(i);
				r = push(&v, &m);
				m.loc[s] = l;
				moved = true;
			}
			/* a fault: one daemon of this survivor dies */
			for (unsigned int a = 0; faults && !r && !any_dead(&m) &&
			     !complete(&m) && a < DLMR_ACTOR_NR; a++) {
				if (!(daemons & BIT(a)))
					continue;
				m.loc[s] = l | BIT(DEAD_BIT + a);
				r = push(&v, &m);
				m.loc[s] = l;
			}
		}
		if (!r && !moved)
			record_end(&m, res, faults);
	}
	*states = v.n;
	free(v.keys);
	free(v.slots);
	return r;
}

int dlmr_stacks_explore(enum dlmr_stack st, unsigned int nodes,
			struct dlmr_stack_explore_result *res)
{
	const struct dlmr_stack_desc *d = dlmr_stacks_desc(st);
	int r;

	if (!d || !res || nodes < 2 || nodes > DLMR_STACKS_EXPLORE_NODES_MAX)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->nodes = nodes;
	res->survivors = nodes - 1;
	res->always_completes = true;
	r = explore_pass(d, nodes - 1, false, res, &res->states);
	if (!r)
		r = explore_pass(d, nodes - 1, true, res, &res->states_faults);
	if (!r && !res->ends)
		res->always_completes = false;
	qsort(res->deaths, res->ndeaths, sizeof(res->deaths[0]), cmp_death);
	return r;
}

/* ------------------------------------------------------------------ */
/* Reports */

#define PLAN_TEXT_W 48 /* the plan's column of "(via)" */
#define COL_W 68

static void plan_line(char *buf, size_t len, const struct dlmr_stack_step *s)
{
	snprintf(buf, len, ". %-*s(%s)", PLAN_TEXT_W, s->text, s->via);
}

static void daemon_list(const struct dlmr_stack_desc *d, char *buf,
			size_t len)
{
	uint32_t seen = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < d->nsteps && off < len; i++) {
		enum dlmr_actor a = d->steps[i].actor;

		if (!(BIT(a) & DAEMONS) || (seen & BIT(a)))
			continue;
		seen |= BIT(a);
		off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
				actor_names[a]);
	}
}

/* Column text for the counts; @row 0..4; "" past the end. */
static void count_line(char *buf, size_t len, enum dlmr_stack st,
		       unsigned int survivors, unsigned int row)
{
	const struct dlmr_stack_desc *d = dlmr_stacks_desc(st);
	struct dlmr_stack_counts c;
	char names[64];

	dlmr_stacks_counts(st, survivors, &c);
	daemon_list(d, names, sizeof(names));
	switch (row) {
	case 0:
		snprintf(buf, len, "steps: %u per survivor, %u in all",
			 c.steps, c.steps_total);
		break;
	case 1:
		snprintf(buf, len, "daemons: %u (%s)", c.daemons, names);
		break;
	case 2:
		snprintf(buf, len, "CPG message rounds: %u", c.rounds);
		break;
	case 3:
		snprintf(buf, len, "sysfs writes: %u per survivor",
			 c.sysfs_writes);
		break;
	case 4:
		snprintf(buf, len, "kernel callbacks: %u per survivor",
			 c.callbacks);
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

static const char *death_outcome(const struct dlmr_stack_death *dt)
{
	if (!dt->ends_stalled)
		return "completes";
	return dt->ends_stalled == dt->ends ? "STALL" : "may stall";
}

static void death_point(const struct dlmr_stack_desc *d,
			const struct dlmr_stack_death *dt, char *buf,
			size_t len)
{
	if (dt->before >= d->nsteps)
		snprintf(buf, len, "%s dies after its last step",
			 actor_names[dt->actor]);
	else
		snprintf(buf, len, "%s dies before step %u (%s)",
			 actor_names[dt->actor], dt->before + 1,
			 d->steps[dt->before].via);
}

static void print_explore(FILE *f, enum dlmr_stack st,
			  const struct dlmr_stack_explore_result *x)
{
	const struct dlmr_stack_desc *d = dlmr_stacks_desc(st);

	fprintf(f, "%s: %llu states without faults, recovery always "
		"completes: %s\n", d->name, (unsigned long long)x->states,
		x->always_completes ? "yes" : "NO");
	fprintf(f, "%*s  %llu states with one daemon death:\n",
		(int)strlen(d->name), "", (unsigned long long)x->states_faults);
	for (unsigned int i = 0; i < x->ndeaths; i++) {
		const struct dlmr_stack_death *dt = &x->deaths[i];
		char what[96];

		death_point(d, dt, what, sizeof(what));
		fprintf(f, "  %-52s %-9s", what, death_outcome(dt));
		if (dt->stalled_max == dt->stalled_min)
			fprintf(f, " gfs blocked on %u of %u survivors\n",
				dt->stalled_max, x->survivors);
		else
			fprintf(f, " gfs blocked on %u..%u of %u survivors\n",
				dt->stalled_min, dt->stalled_max,
				x->survivors);
	}
}

static void print_compare(FILE *f, unsigned int nodes,
			  const struct dlmr_stack_explore_result *x)
{
	const struct dlmr_stack_desc *l = dlmr_stacks_desc(DLMR_STACK_CLUSTER3);
	const struct dlmr_stack_desc *r = dlmr_stacks_desc(DLMR_STACK_CLUSTER4);
	unsigned int rows = l->nsteps > r->nsteps ? l->nsteps : r->nsteps;
	char a[128], b[128];

	fprintf(f, "One recovery after a node failure: %u nodes, %u "
		"survivors\n\n", nodes, nodes - 1);
	fprintf(f, "%-*s%s\n", COL_W, l->title, r->title);
	for (unsigned int i = 0; i < rows; i++) {
		a[0] = b[0] = '\0';
		if (i < l->nsteps)
			plan_line(a, sizeof(a), &l->steps[i]);
		if (i < r->nsteps)
			plan_line(b, sizeof(b), &r->steps[i]);
		if (b[0])
			fprintf(f, "%-*s%s\n", COL_W, a, b);
		else
			fprintf(f, "%s\n", a);
	}
	fputc('\n', f);
	for (unsigned int row = 0; row < 5; row++) {
		count_line(a, sizeof(a), DLMR_STACK_CLUSTER3, nodes - 1, row);
		count_line(b, sizeof(b), DLMR_STACK_CLUSTER4, nodes - 1, row);
		fprintf(f, "%-*s%s\n", COL_W, a, b);
	}
	fprintf(f, "\nDaemon deaths: every interleaving of the steps of all "
		"survivors, with at most\none daemon process dying on one "
		"survivor at any point (survivors are\nsymmetric; a dead "
		"daemon sends nothing and nobody times out):\n\n");
	for (unsigned int s = 0; s < NSTACKS; s++) {
		print_explore(f, s, &x[s]);
		if (s + 1 < NSTACKS)
			fputc('\n', f);
	}
}

static json_object *json_stack(enum dlmr_stack st, unsigned int survivors,
			       const struct dlmr_stack_explore_result *x)
{
	const struct dlmr_stack_desc *d = dlmr_stacks_desc(st);
	json_object *o = json_object_new_object();
	json_object *steps = json_object_new_array();
	json_object *counts = json_object_new_object();
	json_object *ex = json_object_new_object();
	json_object *deaths = json_object_new_array();
	struct dlmr_stack_counts c;

	dlmr_stacks_counts(st, survivors, &c);
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "title", json_object_new_string(d->title));
	for (unsigned int i = 0; i < d->nsteps; i++) {
		json_object *s = json_object_new_object();

		json_object_object_add(s, "actor", json_object_new_string(
					       actor_names[d->steps[i].actor]));
		json_object_object_add(s, "text",
				       json_object_new_string(d->steps[i].text));
		json_object_object_add(s, "via",
				       json_object_new_string(d->steps[i].via));
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	json_object_object_add(counts, "steps_per_survivor",
			       json_object_new_int(c.steps));
	json_object_object_add(counts, "steps_total",
			       json_object_new_int(c.steps_total));
	json_object_object_add(counts, "daemons", json_object_new_int(c.daemons));
	json_object_object_add(counts, "cpg_rounds",
			       json_object_new_int(c.rounds));
	json_object_object_add(counts, "sysfs_writes_per_survivor",
			       json_object_new_int(c.sysfs_writes));
	json_object_object_add(counts, "callbacks_per_survivor",
			       json_object_new_int(c.callbacks));
	json_object_object_add(o, "counts", counts);
	json_object_object_add(ex, "states",
			       json_object_new_int64((int64_t)x->states));
	json_object_object_add(ex, "always_completes",
			       json_object_new_boolean(x->always_completes));
	json_object_object_add(ex, "states_one_death",
			       json_object_new_int64((int64_t)x->states_faults));
	for (unsigned int i = 0; i < x->ndeaths; i++) {
		const struct dlmr_stack_death *dt = &x->deaths[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "daemon", json_object_new_string(
					       actor_names[dt->actor]));
		json_object_object_add(j, "before_step", dt->before < d->nsteps ?
				       json_object_new_int(dt->before + 1) : NULL);
		json_object_object_add(j, "outcome", json_object_new_string(
					       death_outcome(dt)));
		json_object_object_add(j, "ends", json_object_new_int(dt->ends));
		json_object_object_add(j, "ends_stalled",
				       json_object_new_int(dt->ends_stalled));
		json_object_object_add(j, "gfs_blocked_min",
				       json_object_new_int(dt->stalled_min));
		json_object_object_add(j, "gfs_blocked_max",
				       json_object_new_int(dt->stalled_max));
		json_object_array_add(deaths, j);
	}
	json_object_object_add(ex, "deaths", deaths);
	json_object_object_add(o, "explore", ex);
	return o;
}

int dlmr_stacks_compare(FILE *f, unsigned int nodes, bool json)
{
	struct dlmr_stack_explore_result *x;
	int r = 0;

	if (nodes < 2 || nodes > DLMR_STACKS_EXPLORE_NODES_MAX)
		return -EINVAL;
	x = calloc(NSTACKS, sizeof(*x));
	if (!x)
		return -ENOMEM;
	for (unsigned int s = 0; s < NSTACKS && !r; s++)
		r = dlmr_stacks_explore(s, nodes, &x[s]);
	if (!r && json) {
		json_object *o = json_object_new_object();
		json_object *arr = json_object_new_array();

		json_object_object_add(o, "nodes", json_object_new_int(nodes));
		json_object_object_add(o, "survivors",
				       json_object_new_int(nodes - 1));
		for (unsigned int s = 0; s < NSTACKS; s++)
			json_object_array_add(arr, json_stack(s, nodes - 1, &x[s]));
		json_object_object_add(o, "stacks", arr);
		fprintf(f, "%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (!r) {
		print_compare(f, nodes, x);
	}
	free(x);
	return r;
}

/* ------------------------------------------------------------------ */
/* A scenario's recoveries under cluster3 */

struct scen_track {
	FILE *f;
	json_object *json;  /* the recoveries, with -j; NULL: text */
	json_object *cur;   /* the recovery being printed, with -j */
	uint64_t members;  /* bit n: nodeid n in the lockspace */
	uint64_t failed;   /* crashes of the pending recovery */
	uint64_t step;     /* its simulator step */
	bool pending;
	unsigned int recoveries;
	uint32_t ids[DLMR_STACKS_SURVIVORS_MAX]; /* survivor index -> nodeid */
};

static void scen_step(unsigned int s, const struct dlmr_stack_step *step,
		      void *arg)
{
	const struct scen_track *t = arg;
	char line[128];

	if (t->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "node", json_object_new_int64(t->ids[s]));
		json_object_object_add(o, "actor", json_object_new_string(
					       actor_names[step->actor]));
		json_object_object_add(o, "text", json_object_new_string(step->text));
		json_object_object_add(o, "via", json_object_new_string(step->via));
		json_object_array_add(json_object_object_get(t->cur, "steps"), o);
		return;
	}
	plan_line(line, sizeof(line), step);
	fprintf(t->f, "  node %-3u %s\n", t->ids[s], line);
}

/* -j: one recovery's object, before its steps: step, failed, survivors */
static void scen_json_start(struct scen_track *t, unsigned int n)
{
	json_object *o = json_object_new_object();
	json_object *failed = json_object_new_array();
	json_object *surv = json_object_new_array();

	json_object_object_add(o, "step", json_object_new_int64((int64_t)t->step));
	for (unsigned int id = 1; id < 64; id++)
		if (t->failed & (1ull << id))
			json_object_array_add(failed, json_object_new_int64(id));
	for (unsigned int i = 0; i < n; i++)
		json_object_array_add(surv, json_object_new_int64(t->ids[i]));
	json_object_object_add(o, "failed", failed);
	json_object_object_add(o, "survivors", surv);
	json_object_object_add(o, "steps", json_object_new_array());
	json_object_array_add(t->json, o);
	t->cur = o;
}

static void scen_flush(struct scen_track *t)
{
	struct dlmr_stack_counts c;
	unsigned int n = 0;
	int taken;

	if (!t->pending)
		return;
	t->pending = false;
	t->recoveries++;
	for (unsigned int id = 1; id < 64; id++) {
		if (!(t->members & (1ull << id)) ||
		    n == DLMR_STACKS_SURVIVORS_MAX)
			continue;
		t->ids[n++] = id;
	}
	if (t->json) {
		scen_json_start(t, n);
	} else {
		fprintf(t->f, "recovery %u (step %llu): failed", t->recoveries,
			(unsigned long long)t->step);
		for (unsigned int id = 1; id < 64; id++)
			if (t->failed & (1ull << id))
				fprintf(t->f, " node %u", id);
		fprintf(t->f, "; survivors");
		for (unsigned int i = 0; i < n; i++)
			fprintf(t->f, " node %u", t->ids[i]);
		fprintf(t->f, "%s\n", n ? "" : " none: nothing to recover");
	}
	if (!n)
		return;
	taken = dlmr_stacks_run(DLMR_STACK_CLUSTER3, n, scen_step, t);
	dlmr_stacks_counts(DLMR_STACK_CLUSTER3, n, &c);
	if (t->json) {
		json_object_object_add(t->cur, "steps_total",
				       json_object_new_int(taken));
		json_object_object_add(t->cur, "steps_per_survivor",
				       json_object_new_int(c.steps));
		json_object_object_add(t->cur, "daemons",
				       json_object_new_int(c.daemons));
		json_object_object_add(t->cur, "cpg_rounds",
				       json_object_new_int(c.rounds));
		return;
	}
	fprintf(t->f, "  %d steps (%u per survivor), %u daemons per node, "
		"%u CPG rounds\n\n", taken, c.steps, c.daemons, c.rounds);
}

static void scen_event(const struct dlmr_event *ev, void *arg)
{
	struct scen_track *t = arg;
	uint64_t bit = ev->node < 64 ? 1ull << ev->node : 0;

	if (t->pending && (ev->type != DLMR_EV_CRASH || ev->step != t->step))
		scen_flush(t);
	switch (ev->type) {
	case DLMR_EV_JOIN:
		t->members |= bit;
		break;
	case DLMR_EV_LEAVE:
		t->members &= ~bit;
		break;
	case DLMR_EV_CRASH:
		if (!(t->members & bit))
			break;
		t->members &= ~bit;
		t->failed = t->pending ? t->failed | bit : bit;
		t->step = ev->step;
		t->pending = true;
		break;
	default:
		break;
	}
}

int dlmr_stacks_scenario(FILE *f, const struct dlmr_scenario *sc,
			 uint64_t seed, struct dlmr_sim_result *res, bool json)
{
	struct scen_track t = { .f = f };
	int r;

	if (json) {
		t.json = json_object_new_array();
		if (!t.json)
			return -ENOMEM;
	} else {
		fprintf(f, "cluster3: dlm_controld + gfs_controld; the "
			"scenario's failures as the simulator\nran them, each "
			"recovery in the plan's steps (one fixed "
			"interleaving)\n\n");
	}
	r = dlmr_sim_run(sc, seed, scen_event, &t, res);
	scen_flush(&t);
	if (r >= 0 && json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "stack", json_object_new_string("cluster3"));
		json_object_object_add(o, "seed", json_object_new_uint64(seed));
		json_object_object_add(o, "recoveries", t.json);
		t.json = NULL;
		fprintf(f, "%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (r >= 0) {
		fprintf(f, "summary: seed %llu, %u recover%s under cluster3\n",
			(unsigned long long)seed, t.recoveries,
			t.recoveries == 1 ? "y" : "ies");
	}
	json_object_put(t.json);
	return r;
}
