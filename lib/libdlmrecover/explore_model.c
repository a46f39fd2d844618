// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The model as the explorer sees it (map: explore.c): the root state,
 * the transitions (protocol steps and faults), the parent links, and
 * paths written as scenarios that `dlmctl sim` replays.
 */

#include "explore.h"

/* ---- the search ----------------------------------------------------------- */

/* The violation's text: the simulator writes it into x->res (events are
 * not built at all while exploring: nobody listens). */
const char *xp_detail(struct ctx *x)
{
	if (!x->detail[0])
		snprintf(x->detail, sizeof(x->detail), "%s", x->res.violation);
	return x->detail;
}

int xp_add_edge(struct ctx *x, uint32_t parent, const struct step *how)
{
	/* from 65,536 edges */
	struct edge *ne = grow(x->edges, &x->capedges, x->nedges < 1u << 16 ?
			       1u << 16 : x->nedges + 1, sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	x->edges = ne;
	x->edges[x->nedges].parent = parent;
	x->edges[x->nedges].how = *how;
	x->nedges++;
	return 0;
}

/*
 * The crashes of node @id that lose replies it had decided (simcore.h,
 * docs/step-order.md L): one per non-empty set of at most SIM_RESEND_MAX
 * of the completions simdlm_resend_options() lists (of the first 16), in
 * a fixed order.  Returns their number.
 */
static unsigned int crash_resends(const struct sim *s, uint32_t id,
				  struct step *st)
{
	struct simdlm_ref opt[16];
	unsigned int k = simdlm_resend_options(&s->dlm, id, opt, 16), n = 0;

	if (k > 16)
		k = 16;
	for (unsigned int m = 1; m < 1u << k; m++) {
		unsigned int arg = 0, sh = 8;

		if (__builtin_popcount(m) > SIM_RESEND_MAX)
			continue;
		for (unsigned int i = 0; i < k; i++)
			if (m & 1u << i) {
				arg |= sim_resend_entry(opt[i].node,
							opt[i].res) << sh;
				sh += 8;
			}
		st[n++] = (struct step){ SK_CRASH, id, arg };
	}
	return n;
}

unsigned int xp_transitions(const struct sim *s, const struct xstate *xs,
			    const struct dlmr_explore_config *cfg,
			    struct step *st)
{
	unsigned int k = sim_enabled_steps(s, st);

	bool in_wait = sim_in_wait_possible(s);

	for (uint32_t id = 1; id <= s->sc->nodes; id++) {
		if (s->n[id].up && xs->crashes < cfg->failures) {
			st[k++] = (struct step){ SK_CRASH, id, 0 };
			k += crash_resends(s, id, st + k);
			/* the recovery enters dlm_recover_members_wait() and
			 * the node fails inside it (simcore.h) */
			if (in_wait && (s->members & BIT(id)))
				st[k++] = (struct step){ SK_CRASH, id,
							 SK_CRASH_IN_WAIT };
		} else if (!s->n[id].up && xs->rejoins < cfg->rejoins &&
			 simdlm_node(&s->dlm, id) == SIMDLM_NODE_OUT)
			/* a rebooted node joins once its failure is
			 * processed (dlm_controld) */
			st[k++] = (struct step){ SK_MOUNT, id, 0 };
	}
	return k;
}

/* Append to a growing string. */
static void sadd(char **out, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void sadd(char **out, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!*out)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*out + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < *cap - *len)
			break;
		char *nb = realloc(*out, *cap * 2 + (size_t)n);

		if (!nb) {
			free(*out);
			*out = NULL;
			return;
		}
		*out = nb;
		*cap = *cap * 2 + (size_t)n;
	}
	*len += (size_t)n;
}

/* A step as a scenario line (without the newline). */
void sim_step_text(const struct step *p, char *buf, size_t n)
{
	switch (p->kind) {
	case SK_CB:
		snprintf(buf, n, "step callback %u", p->node);
		break;
	case SK_AST:
		if (p->arg >= RES_JOURNAL0)
			snprintf(buf, n, "step ast %u journal %u", p->node,
				 p->arg - RES_JOURNAL0);
		else
			snprintf(buf, n, "step ast %u %s", p->node,
				 p->arg == RES_CONTROL ? "control" : "mounted");
		break;
	case SK_TIMER:
		if (p->arg >= SIM_TIMER_RECOVERY0)
			snprintf(buf, n, "step timer %u recovery %u", p->node,
				 p->arg - SIM_TIMER_RECOVERY0);
		else
			snprintf(buf, n, "step timer %u %s", p->node,
				 p->arg == DLMR_TIMER_MOUNT ? "mount" : "work");
		break;
	case SK_REPLAY:
		snprintf(buf, n, "step replay %u %u", p->node, p->arg);
		break;
	case SK_REC:
		if (!p->arg)
			snprintf(buf, n, "step recovery");
		else if (!(p->arg >> 8))
			snprintf(buf, n, "step recovery master %u",
				 p->arg & 0xff);
		else
			snprintf(buf, n, "step recovery master %u lvb-from %u",
				 p->arg & 0xff, p->arg >> 8);
		break;
	case SK_END:
		snprintf(buf, n, "step end %u", p->node);
		break;
	case SK_CRASH:
		if (p->arg == SK_CRASH_IN_WAIT) {
			snprintf(buf, n, "crash %u in members-wait\nstep "
				 "recovery", p->node);
			break;
		}
		snprintf(buf, n, "crash %u", p->node);
		for (unsigned int a = p->arg >> 8; a; a >>= 8) {
			size_t l = strlen(buf);
			unsigned int res = (a >> 4) & 0xf;

			if (res >= RES_JOURNAL0)
				snprintf(buf + l, n - l, " resend %u journal %u",
					 a & 0xf, res - RES_JOURNAL0);
			else
				snprintf(buf + l, n - l, " resend %u %s",
					 a & 0xf, res == RES_CONTROL ?
					 "control" : "mounted");
		}
		break;
	default:
		snprintf(buf, n, "mount %u", p->node);
		break;
	}
}

/* The scenario text that replays @path (then "wait" if @terminal, or
 * the lasso's cycle @cyc of @ncyc steps as "cycle N" if @ncyc). */
char *xp_write_scenario(struct ctx *x, const struct step *path,
			size_t n, bool terminal, size_t limit,
			const struct step *cyc, size_t ncyc)
{
	const struct dlmr_explore_config *cfg = x->cfg;
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	out[0] = '\0';
	sadd(&out, &len, &cap, "# Counterexample found by: dlmctl explore%s "
	     "--nodes %u --failures %u --rejoins %u%s%s\n# %s\nnodes %u\n"
	     "journals %u\n", x->swarm ? " --random" : "",
	     cfg->nodes, cfg->failures, cfg->rejoins,
	     cfg->mutant ? " --mutant " : "",
	     cfg->mutant ? dlmr_mutant_name(cfg->mutant) : "", xp_detail(x),
	     cfg->nodes, cfg->journals);
	if (cfg->mutant)
		sadd(&out, &len, &cap, "mutant %s\n", dlmr_mutant_name(cfg->mutant));
	for (unsigned int f = 1; dlmr_fix_name(f); f++)
		if (cfg->fixes & (1u << f))
			sadd(&out, &len, &cap, "fix %s\n", dlmr_fix_name(f));
	if (cfg->delivery == DLMR_DELIVERY_LATE)
		sadd(&out, &len, &cap, "delivery late\n");
	if (limit)
		sadd(&out, &len, &cap, "step-limit %zu\n", limit);
	sadd(&out, &len, &cap, "mount 1-%u\n", cfg->nodes);
	for (size_t i = 0; i < n; i++) {
		char line[128];

		sim_step_text(&path[i], line, sizeof(line));
		sadd(&out, &len, &cap, "%s\n", line);
	}
	if (ncyc)
		sadd(&out, &len, &cap, "cycle %zu\n", ncyc);
	for (size_t i = 0; i < ncyc; i++) {
		char line[128];

		sim_step_text(&cyc[i], line, sizeof(line));
		sadd(&out, &len, &cap, "%s\n", line);
	}
	if (terminal)
		sadd(&out, &len, &cap, "wait\n");
	return out;
}

/* The path to state @last (then @final), from the parent links; with
 * @wait_steps, a step limit that many steps past its end (a livelock). */
char *xp_counterexample_cycle(struct ctx *x, uint32_t last,
			      const struct step *final, bool terminal,
			      size_t wait_steps, const struct step *cyc,
			      size_t ncyc)
{
	size_t depth = 0, k;
	struct step *path;
	uint32_t id;
	char *out;

	for (id = last; id; id = x->edges[id].parent)
		depth++;
	path = calloc(depth + 1, sizeof(*path));
	if (!path)
		return NULL;
	k = depth;
	if (final)
		path[k] = *final;
	for (id = last; id; id = x->edges[id].parent)
		path[--k] = x->edges[id].how;
	out = xp_write_scenario(x, path, depth + (final ? 1 : 0), terminal,
				wait_steps ? depth + wait_steps : 0, cyc, ncyc);
	free(path);
	return out;
}

char *xp_counterexample(struct ctx *x, uint32_t last,
			const struct step *final, bool terminal,
			size_t wait_steps)
{
	return xp_counterexample_cycle(x, last, final, terminal, wait_steps,
				       NULL, 0);
}

bool xp_bad_config(const struct dlmr_explore_config *cfg)
{
	if (cfg->fair && cfg->no_livelock)
		return true;
	if (!cfg->nodes || cfg->nodes > 8 || !cfg->journals ||
	    cfg->journals > 8 || cfg->failures > cfg->nodes ||
	    cfg->rejoins > 8 || cfg->por_check > 4 || cfg->threads > 256 ||
	    (cfg->mutant && !dlmr_mutant_name(cfg->mutant)) ||
	    cfg->delivery > DLMR_DELIVERY_LATE)
		return true;
	for (unsigned int f = 0; f < 32; f++)
		if ((cfg->fixes & (1u << f)) && !dlmr_fix_name(f))
			return true;
	return false;
}

/* The scenario and the initial state: every node joins and mounts. */
int xp_setup_root(const struct dlmr_explore_config *cfg, struct ctx *x,
		  struct dlmr_scenario **scp, struct sim **sp)
{
	struct dlmr_scenario *sc = calloc(1, sizeof(*sc));
	struct sim *s = calloc(1, sizeof(*s));

	*scp = sc;
	*sp = s;
	if (!sc || !s)
		return -ENOMEM;
	snprintf(sc->name, sizeof(sc->name), "explore");
	sc->nodes = cfg->nodes;
	sc->journals = cfg->journals;
	snprintf(sc->ls, sizeof(sc->ls), "gfs0");
	sc->seed = 1;
	sc->step_limit = UINT64_MAX;
	sc->mutant = cfg->mutant;
	sc->fixes = cfg->fixes;
	sc->delivery = cfg->delivery;
	sim_setup(s, sc, 1, NULL, NULL, &x->res);
	s->crash_bound = cfg->failures;
	for (uint32_t id = 1; id <= cfg->nodes; id++)
		sim_run_step(s, &(struct step){ SK_MOUNT, id, 0 });
	s->epoch = 0;
	for (uint32_t id = 1; id <= cfg->nodes; id++)
		s->n[id].join_epoch = 0;
	return 0;
}
