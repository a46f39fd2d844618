/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scenario files: a small line-based language describing what a simulated
 * cluster does (mount, wait, crash, leave).  docs/scenario-format.md is the
 * reference; this file only checks syntax and what can be checked without
 * running the cluster.  Every error is reported as one line,
 * "NAME:LINE: problem", and returns -EINVAL.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define SCEN_LINE_MAX 1024			/* characters, without '\n' */
#define SCEN_TOKENS_MAX (SCEN_LINE_MAX / 2 + 1)
#define SCEN_QUOTE_MAX 40			/* longest token quoted in errors */
#define SCEN_QUOTE_BUF (SCEN_QUOTE_MAX * 4 + 4)	/* each byte may be \xNN */
#define SCEN_SEP " \t\r"

static const char scen_default_text[] =
	"# dlmctl's built-in scenario: three nodes mount gfs2 (cold start), node 2\n"
	"# crashes while mounted, the survivors recover its journal, node 2 rejoins.\n"
	"nodes 3\n"
	"journals 3\n"
	"lockspace gfs0\n"
	"seed 1\n"
	"mount 1 2 3\n"
	"wait\n"
	"crash 2\n"
	"wait\n"
	"mount 2\n"
	"wait\n";

/* Header lines; each may be given once, before the first command. */
enum scen_hdr {
	HDR_NODES,
	HDR_JOURNALS,
	HDR_LOCKSPACE,
	HDR_SEED,
	HDR_STEP_LIMIT,
	HDR_MUTANT,
	HDR_DELIVERY,
	HDR_MAX
};

static const char *const hdr_names[HDR_MAX] = {
	[HDR_NODES] = "nodes",
	[HDR_JOURNALS] = "journals",
	[HDR_LOCKSPACE] = "lockspace",
	[HDR_SEED] = "seed",
	[HDR_STEP_LIMIT] = "step-limit",
	[HDR_MUTANT] = "mutant",
	[HDR_DELIVERY] = "delivery",
};

static const struct {
	const char *name;
	enum dlmr_scen_op op;
} cmd_names[] = {
	{ "mount", DLMR_SCEN_MOUNT },
	{ "wait", DLMR_SCEN_WAIT },
	{ "crash", DLMR_SCEN_CRASH },
	{ "leave", DLMR_SCEN_LEAVE },
	{ "step", DLMR_SCEN_STEP },
	{ "cycle", DLMR_SCEN_CYCLE },
};

/* Events a node emits while it runs, which may trigger a crash. */
static bool scen_is_trigger(enum dlmr_event_type type)
{
	switch (type) {
	case DLMR_EV_PREP:
	case DLMR_EV_SLOT:
	case DLMR_EV_DONE:
	case DLMR_EV_LOCK:
	case DLMR_EV_GRANT:
	case DLMR_EV_AGAIN:
	case DLMR_EV_UNLOCK:
	case DLMR_EV_RECOVER:
	case DLMR_EV_RECOVERED:
	case DLMR_EV_BLOCK:
	case DLMR_EV_UNBLOCK:
	case DLMR_EV_MOUNTED:
	case DLMR_EV_FIRST_DONE:
		return true;
	default:
		return false;
	}
}

/* Lock events, which may name a resource ("at lock:control"). */
static bool scen_takes_res(enum dlmr_event_type type)
{
	return type == DLMR_EV_LOCK || type == DLMR_EV_GRANT ||
	       type == DLMR_EV_AGAIN || type == DLMR_EV_UNLOCK;
}

static const struct {
	const char *name;
	enum dlmr_scen_res res;
} res_names[] = {
	{ "control", DLMR_SCEN_RES_CONTROL },
	{ "mounted", DLMR_SCEN_RES_MOUNTED },
	{ "journal", DLMR_SCEN_RES_JOURNAL },
};

struct scen_parser {
	struct dlmr_scenario *s;
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
	unsigned int hdr_line[HDR_MAX];	/* line of each header, 0: not seen */
	char *tok[SCEN_TOKENS_MAX];
	unsigned int ntok;
	char quote[2][SCEN_QUOTE_BUF];	/* room for two quoted tokens */
};

/*
 * Copy @in to @out, printable ASCII as is and every other byte as \xNN,
 * stopping after @max input bytes with "...".  Keeps messages one line.
 */
static void scen_escape(const char *in, size_t max, char *out, size_t outlen)
{
	size_t o = 0, i;

	for (i = 0; in[i] && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)in[i];

		if (i == max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/* A token made printable and short, for messages; @slot is 0 or 1. */
static const char *scen_q(struct scen_parser *p, int slot, const char *tok)
{
	scen_escape(tok, SCEN_QUOTE_MAX, p->quote[slot], sizeof(p->quote[slot]));
	return p->quote[slot];
}

__attribute__((format(printf, 2, 3)))
static int scen_error(struct scen_parser *p, const char *fmt, ...)
{
	char name[sizeof(p->s->name) * 4 + 4];
	char msg[512];
	va_list ap;

	if (!p->err || !p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scen_escape(p->name, sizeof(p->s->name) - 1, name, sizeof(name));
	snprintf(p->err, p->errlen, "%s:%u: %s", name, p->line, msg);
	return -EINVAL;
}

/* Decimal digits only: no sign, no spaces, no base prefix. */
static int scen_u64(const char *str, uint64_t *val)
{
	uint64_t v = 0;

	if (!*str)
		return -EINVAL;
	for (; *str; str++) {
		unsigned int d;

		if (*str < '0' || *str > '9')
			return -EINVAL;
		d = (unsigned int)(*str - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*val = v;
	return 0;
}

/* The value of header @kw: a number in min..max. */
static int scen_number(struct scen_parser *p, const char *kw, const char *tok,
		       uint64_t min, uint64_t max, uint64_t *val)
{
	int rc = scen_u64(tok, val);

	if (rc == -EINVAL)
		return scen_error(p, "%s: '%s' is not a number", kw,
				  scen_q(p, 0, tok));
	if (rc == -ERANGE || *val < min || *val > max)
		return scen_error(p, "%s: '%s' out of range %llu..%llu", kw,
				  scen_q(p, 0, tok), (unsigned long long)min,
				  (unsigned long long)max);
	return 0;
}

static int scen_lockspace(struct scen_parser *p, const char *tok)
{
	size_t i, n = strlen(tok);

	if (n > DLMR_LSNAME_MAX)
		return scen_error(p, "lockspace: '%s' longer than %d characters",
				  scen_q(p, 0, tok), DLMR_LSNAME_MAX);
	for (i = 0; i < n; i++) {
		char c = tok[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')
			continue;
		return scen_error(p, "lockspace: bad character in '%s' (allowed: A-Z a-z 0-9 _ . -)",
				  scen_q(p, 0, tok));
	}
	memcpy(p->s->ls, tok, n + 1);
	return 0;
}

static int scen_header(struct scen_parser *p, enum scen_hdr h)
{
	struct dlmr_scenario *s = p->s;
	const char *kw = hdr_names[h];
	uint64_t v = 0;
	int rc = 0;

	if (s->ncmds)
		return scen_error(p, "%s: header line after the first command", kw);
	if (p->hdr_line[h])
		return scen_error(p, "%s: given twice (first on line %u)", kw,
				  p->hdr_line[h]);
	if (p->ntok < 2)
		return scen_error(p, "%s: missing value", kw);
	if (p->ntok > 2)
		return scen_error(p, "%s: unexpected argument '%s'", kw,
				  scen_q(p, 0, p->tok[2]));

	switch (h) {
	case HDR_NODES:
		rc = scen_number(p, kw, p->tok[1], 1, DLMR_SIM_NODES_MAX, &v);
		s->nodes = (unsigned int)v;
		break;
	case HDR_JOURNALS:
		rc = scen_number(p, kw, p->tok[1], 1, DLMR_SIM_NODES_MAX, &v);
		s->journals = (unsigned int)v;
		break;
	case HDR_LOCKSPACE:
		rc = scen_lockspace(p, p->tok[1]);
		break;
	case HDR_SEED:
		rc = scen_number(p, kw, p->tok[1], 0, UINT64_MAX, &s->seed);
		s->has_seed = true;
		break;
	case HDR_STEP_LIMIT:
		rc = scen_number(p, kw, p->tok[1], 1, 10000000, &s->step_limit);
		break;
	case HDR_MUTANT: {
		int id = dlmr_mutant_from_name(p->tok[1]);

		if (id < 0)
			rc = scen_error(p, "mutant: unknown mutant '%s' (see "
					"dlmctl explore --mutant list)",
					scen_q(p, 0, p->tok[1]));
		else
			s->mutant = (unsigned int)id;
		break;
	}
	case HDR_DELIVERY:
		if (!strcmp(p->tok[1], "kernel"))
			s->delivery = DLMR_DELIVERY_KERNEL;
		else if (!strcmp(p->tok[1], "late"))
			s->delivery = DLMR_DELIVERY_LATE;
		else
			rc = scen_error(p, "delivery: unknown mode '%s' "
					"(kernel or late)",
					scen_q(p, 0, p->tok[1]));
		break;
	case HDR_MAX:
		break;
	}
	if (rc)
		return rc;
	p->hdr_line[h] = p->line;
	return 0;
}

/* One nodeid, 1..nodes; @what prefixes messages ("crash: on"). */
static int scen_nodeid(struct scen_parser *p, const char *what,
		       const char *tok, unsigned int *id)
{
	uint64_t v = 0;
	int rc = scen_u64(tok, &v);

	if (rc == -EINVAL)
		return scen_error(p, "%s: bad node '%s' (expected one nodeid)",
				  what, scen_q(p, 0, tok));
	if (rc == -ERANGE || v < 1 || v > p->s->nodes)
		return scen_error(p, "%s: node '%s' out of range 1..%u", what,
				  scen_q(p, 0, tok), p->s->nodes);
	*id = (unsigned int)v;
	return 0;
}

/* Nodes a..b as a mask (1 <= a <= b <= 32). */
static uint64_t scen_mask(unsigned int a, unsigned int b)
{
	return ((UINT64_C(2) << b) - 1) & ~((UINT64_C(1) << a) - 1);
}

/* One NODES element: a nodeid, a range A-B or "all". */
static int scen_node_elem(struct scen_parser *p, const char *kw,
			  const char *tok, uint64_t *bits)
{
	unsigned int nodes = p->s->nodes;
	const char *dash = strchr(tok, '-');
	uint64_t a = 0, b = 0;
	int ra, rb;

	if (!strcmp(tok, "all")) {
		*bits = scen_mask(1, nodes);
		return 0;
	}
	if (!dash) {
		ra = scen_u64(tok, &a);
		b = a;
		rb = ra;
	} else {
		char first[SCEN_LINE_MAX + 1];
		size_t n = (size_t)(dash - tok);

		memcpy(first, tok, n);
		first[n] = '\0';
		ra = scen_u64(first, &a);
		rb = scen_u64(dash + 1, &b);
	}
	if (ra == -EINVAL || rb == -EINVAL)
		return scen_error(p, "%s: bad node '%s' (expected a nodeid, A-B or all)",
				  kw, scen_q(p, 0, tok));
	if (ra || rb || a < 1 || a > nodes || b < 1 || b > nodes)
		return scen_error(p, "%s: node '%s' out of range 1..%u", kw,
				  scen_q(p, 0, tok), nodes);
	if (a > b)
		return scen_error(p, "%s: empty range '%s'", kw, scen_q(p, 0, tok));
	*bits = scen_mask((unsigned int)a, (unsigned int)b);
	return 0;
}

/* NODES from token *i on; for crash, stops at "at", "on" or "in". */
static int scen_nodes(struct scen_parser *p, unsigned int *i,
		      struct dlmr_scen_cmd *cmd)
{
	const char *kw = p->tok[0];
	uint64_t bits = 0;
	int rc;

	for (; *i < p->ntok; (*i)++) {
		const char *tok = p->tok[*i];

		if (!strcmp(tok, "at") || !strcmp(tok, "on") ||
		    !strcmp(tok, "in") || !strcmp(tok, "resend")) {
			if (cmd->op == DLMR_SCEN_CRASH)
				break;
			return scen_error(p, "%s: '%s' is only allowed with crash",
					  kw, tok);
		}
		rc = scen_node_elem(p, kw, tok, &bits);
		if (rc)
			return rc;
		if (cmd->nodes & bits)
			return scen_error(p, "%s: node %d given twice", kw,
					  __builtin_ctzll(cmd->nodes & bits));
		cmd->nodes |= bits;
	}
	if (!cmd->nodes)
		return scen_error(p, "%s: missing nodes", kw);
	return 0;
}

/* "at EVENT[:RES] [on NODE]" from token *i on (which is "at" or "on"). */
static int scen_trigger(struct scen_parser *p, unsigned int *i,
			struct dlmr_scen_cmd *cmd)
{
	char ev[SCEN_LINE_MAX + 1];
	const char *res = NULL;
	enum dlmr_event_type type;
	char *colon;
	size_t k;
	int rc;

	if (!strcmp(p->tok[*i], "in")) {
		/* "in members-wait": inside dlm_recover_members_wait() */
		if (++(*i) >= p->ntok)
			return scen_error(p, "crash: 'in' needs a window");
		if (strcmp(p->tok[*i], "members-wait"))
			return scen_error(p, "crash: unknown window '%s' (expected members-wait)",
					  scen_q(p, 0, p->tok[*i]));
		cmd->in_wait = true;
		(*i)++;
		return 0;
	}
	if (strcmp(p->tok[*i], "at"))
		return scen_error(p, "crash: 'on NODE' needs 'at EVENT' before it");
	if (++(*i) >= p->ntok)
		return scen_error(p, "crash: 'at' needs an event");
	snprintf(ev, sizeof(ev), "%s", p->tok[*i]);
	colon = strchr(ev, ':');
	if (colon) {
		*colon = '\0';
		res = colon + 1;
	}
	type = dlmr_event_from_name(ev);
	if (type == DLMR_EV_NONE)
		return scen_error(p, "crash: unknown event '%s'", scen_q(p, 0, ev));
	if (!scen_is_trigger(type))
		return scen_error(p, "crash: event '%s' cannot be a trigger", ev);
	cmd->at = type;
	if (res) {
		if (!scen_takes_res(type))
			return scen_error(p, "crash: event '%s' takes no resource (only lock, grant, again and unlock do)",
					  ev);
		for (k = 0; k < DLMR_ARRAY_SIZE(res_names); k++)
			if (!strcmp(res, res_names[k].name))
				break;
		if (k == DLMR_ARRAY_SIZE(res_names))
			return scen_error(p, "crash: unknown resource '%s' (expected control, mounted or journal)",
					  scen_q(p, 0, res));
		cmd->at_res = res_names[k].res;
	}
	(*i)++;

	if (*i < p->ntok && !strcmp(p->tok[*i], "on")) {
		unsigned int on;

		if (++(*i) >= p->ntok)
			return scen_error(p, "crash: 'on' needs a node");
		rc = scen_nodeid(p, "crash: on", p->tok[*i], &on);
		if (rc)
			return rc;
		cmd->on = on;
		(*i)++;
	}
	return 0;
}

/*
 * "resend NODE control|mounted|journal J" groups from token *i on (which
 * is "resend"), after "crash N": the replies N had sent to those locks
 * are lost with it (sim_crash_resend()).
 */
static int scen_resend(struct scen_parser *p, unsigned int *i,
		       struct dlmr_scen_cmd *cmd)
{
	while (*i < p->ntok && !strcmp(p->tok[*i], "resend")) {
		unsigned int node, res;
		uint64_t v = 0;
		int rc;

		if (__builtin_popcountll(cmd->nodes) != 1)
			return scen_error(p, "crash: 'resend' needs one crashing "
					  "node");
		if (cmd->nresend == DLMR_SCEN_RESEND_MAX)
			return scen_error(p, "crash: more than %d 'resend'",
					  DLMR_SCEN_RESEND_MAX);
		if (*i + 2 >= p->ntok)
			return scen_error(p, "crash: 'resend' needs a node and "
					  "a lock (control, mounted or "
					  "journal J)");
		rc = scen_nodeid(p, "crash: resend", p->tok[*i + 1], &node);
		if (rc)
			return rc;
		if (cmd->nodes & 1ull << node)
			return scen_error(p, "crash: resend: node %u is the one "
					  "crashing", node);
		if (!strcmp(p->tok[*i + 2], "control")) {
			res = 0;
		} else if (!strcmp(p->tok[*i + 2], "mounted")) {
			res = 1;
		} else if (!strcmp(p->tok[*i + 2], "journal") &&
			   *i + 3 < p->ntok) {
			rc = scen_number(p, "crash: resend journal",
					 p->tok[*i + 3], 0,
					 p->s->journals - 1, &v);
			if (rc)
				return rc;
			res = 2 + (unsigned int)v;
			(*i)++;
		} else {
			return scen_error(p, "crash: resend: unknown lock '%s' "
					  "(control, mounted or journal J)",
					  scen_q(p, 0, p->tok[*i + 2]));
		}
		for (unsigned int k = 0; k < cmd->nresend; k++)
			if (cmd->resend_node[k] == node &&
			    cmd->resend_res[k] == res)
				return scen_error(p, "crash: resend: given "
						  "twice");
		cmd->resend_node[cmd->nresend] = (uint8_t)node;
		cmd->resend_res[cmd->nresend++] = (uint8_t)res;
		*i += 3;
	}
	return 0;
}

/*
 * "step recovery master N [lvb-from M]": the lock recovery that rebuilds
 * the control lock with node N as its new master and its value block
 * from node M's lock (step_arg = N | M << 8).
 */
static int scen_recovery_choice(struct scen_parser *p, struct dlmr_scen_cmd *cmd)
{
	unsigned int master = 0, from = 0;
	int rc;

	if (strcmp(p->tok[2], "master"))
		return scen_error(p, "step recovery: unexpected argument '%s'",
				  scen_q(p, 0, p->tok[2]));
	if (p->ntok < 4)
		return scen_error(p, "step recovery: missing argument");
	rc = scen_nodeid(p, "step recovery: master", p->tok[3], &master);
	if (rc)
		return rc;
	if (p->ntok > 4) {
		if (strcmp(p->tok[4], "lvb-from"))
			return scen_error(p, "step recovery: unexpected "
					  "argument '%s'",
					  scen_q(p, 0, p->tok[4]));
		if (p->ntok < 6)
			return scen_error(p, "step recovery: missing argument");
		rc = scen_nodeid(p, "step recovery: lvb-from", p->tok[5],
				 &from);
		if (rc)
			return rc;
		if (p->ntok > 6)
			return scen_error(p, "step recovery: unexpected "
					  "argument '%s'",
					  scen_q(p, 0, p->tok[6]));
	}
	cmd->step_arg = master | from << 8;
	return 0;
}

/* "step KIND [NODE [ARGS]]": one exact scheduler step */
static int scen_step(struct scen_parser *p, struct dlmr_scen_cmd *cmd)
{
	static const char *const kinds[] = {
		[DLMR_SCEN_STEP_CALLBACK] = "callback",
		[DLMR_SCEN_STEP_AST] = "ast",
		[DLMR_SCEN_STEP_TIMER] = "timer",
		[DLMR_SCEN_STEP_REPLAY] = "replay",
		[DLMR_SCEN_STEP_RECOVERY] = "recovery",
		[DLMR_SCEN_STEP_END] = "end",
	};
	static const unsigned int nargs[] = {
		[DLMR_SCEN_STEP_CALLBACK] = 1, [DLMR_SCEN_STEP_AST] = 2,
		[DLMR_SCEN_STEP_TIMER] = 2, [DLMR_SCEN_STEP_REPLAY] = 2,
		[DLMR_SCEN_STEP_RECOVERY] = 0, [DLMR_SCEN_STEP_END] = 1,
	};
	unsigned int k, node = 0, want;
	uint64_t v = 0;
	int rc;

	if (p->ntok < 2)
		return scen_error(p, "step: missing kind (callback, ast, timer, "
				  "replay, recovery or end)");
	for (k = 1; k < DLMR_ARRAY_SIZE(kinds); k++)
		if (!strcmp(p->tok[1], kinds[k]))
			break;
	if (k == DLMR_ARRAY_SIZE(kinds))
		return scen_error(p, "step: unknown kind '%s' (callback, ast, "
				  "timer, replay, recovery or end)",
				  scen_q(p, 0, p->tok[1]));
	cmd->step = (enum dlmr_scen_step)k;
	want = 2 + nargs[k] + (k == DLMR_SCEN_STEP_AST &&
			       p->ntok > 4 ? 1 : 0);
	if (k == DLMR_SCEN_STEP_AST && p->ntok >= 4 &&
	    !strcmp(p->tok[3], "journal"))
		want = 5;
	if (k == DLMR_SCEN_STEP_TIMER && p->ntok >= 4 &&
	    !strcmp(p->tok[3], "recovery"))
		want = 5;
	if (k == DLMR_SCEN_STEP_RECOVERY && p->ntok > 2)
		return scen_recovery_choice(p, cmd);
	if (p->ntok < want)
		return scen_error(p, "step %s: missing argument", kinds[k]);
	if (p->ntok > want)
		return scen_error(p, "step %s: unexpected argument '%s'",
				  kinds[k], scen_q(p, 0, p->tok[want]));
	if (k == DLMR_SCEN_STEP_RECOVERY)
		return 0;
	rc = scen_nodeid(p, "step", p->tok[2], &node);
	if (rc)
		return rc;
	cmd->nodes = 1ull << node;
	switch (k) {
	case DLMR_SCEN_STEP_AST:
		if (!strcmp(p->tok[3], "control")) {
			cmd->step_arg = 0;
		} else if (!strcmp(p->tok[3], "mounted")) {
			cmd->step_arg = 1;
		} else if (!strcmp(p->tok[3], "journal") && want == 5) {
			rc = scen_number(p, "step ast journal", p->tok[4], 0,
					 p->s->journals - 1, &v);
			cmd->step_arg = 2 + (unsigned int)v;
		} else {
			return scen_error(p, "step ast: unknown lock '%s' "
					  "(control, mounted or journal J)",
					  scen_q(p, 0, p->tok[3]));
		}
		break;
	case DLMR_SCEN_STEP_TIMER:
		if (!strcmp(p->tok[3], "mount"))
			cmd->step_arg = DLMR_TIMER_MOUNT;
		else if (!strcmp(p->tok[3], "work"))
			cmd->step_arg = DLMR_TIMER_WORK;
		else if (!strcmp(p->tok[3], "recovery") && want == 5) {
			/* the recovery work item of journal J */
			rc = scen_number(p, "step timer recovery", p->tok[4], 0,
					 p->s->journals - 1, &v);
			cmd->step_arg = 2 + (unsigned int)v;
		} else
			return scen_error(p, "step timer: unknown timer '%s' "
					  "(mount, work or recovery J)",
					  scen_q(p, 0, p->tok[3]));
		break;
	case DLMR_SCEN_STEP_REPLAY:
		rc = scen_number(p, "step replay", p->tok[3], 0,
				 p->s->journals - 1, &v);
		cmd->step_arg = (unsigned int)v;
		break;
	default:
		break;
	}
	return rc;
}

static int scen_command(struct scen_parser *p, enum dlmr_scen_op op)
{
	struct dlmr_scenario *s = p->s;
	const char *kw = p->tok[0];
	struct dlmr_scen_cmd cmd = {
		.op = op,
		.at = DLMR_EV_NONE,
		.at_res = DLMR_SCEN_RES_ANY,
		.line = p->line,
	};
	unsigned int i = 1;
	int rc;

	if (!p->hdr_line[HDR_NODES])
		return scen_error(p, "%s: command before the 'nodes' line", kw);
	if (s->ncmds >= DLMR_SCEN_CMDS_MAX)
		return scen_error(p, "too many commands (at most %d)",
				  DLMR_SCEN_CMDS_MAX);
	if (op == DLMR_SCEN_STEP) {
		rc = scen_step(p, &cmd);
		if (rc)
			return rc;
		s->cmds[s->ncmds++] = cmd;
		return 0;
	}
	if (op == DLMR_SCEN_CYCLE) {
		/* "cycle N": the next N commands, step lines, are a cycle */
		uint64_t v = 0;

		if (p->ntok < 2)
			return scen_error(p, "cycle: missing number of steps");
		if (p->ntok > 2)
			return scen_error(p, "cycle: unexpected argument '%s'",
					  scen_q(p, 0, p->tok[2]));
		rc = scen_number(p, "cycle", p->tok[1], 1,
				 DLMR_SCEN_CMDS_MAX - 1, &v);
		if (rc)
			return rc;
		cmd.step_arg = (unsigned int)v;
		s->cmds[s->ncmds++] = cmd;
		return 0;
	}
	if (op != DLMR_SCEN_WAIT) {
		rc = scen_nodes(p, &i, &cmd);
		if (rc)
			return rc;
	}
	if (op == DLMR_SCEN_CRASH && i < p->ntok &&
	    !strcmp(p->tok[i], "resend")) {
		rc = scen_resend(p, &i, &cmd);
		if (rc)
			return rc;
	} else if (op == DLMR_SCEN_CRASH && i < p->ntok) {
		rc = scen_trigger(p, &i, &cmd);
		if (rc)
			return rc;
	}
	if (i < p->ntok)
		return scen_error(p, "%s: unexpected argument '%s'", kw,
				  scen_q(p, 0, p->tok[i]));
	s->cmds[s->ncmds++] = cmd;
	return 0;
}

/* One line, NUL-terminated, without its '\n'; modified in place. */
static int scen_line(struct scen_parser *p, char *buf)
{
	char *hash = strchr(buf, '#');
	char *save = NULL, *t;
	size_t k;

	if (hash)
		*hash = '\0';
	p->ntok = 0;
	for (t = strtok_r(buf, SCEN_SEP, &save); t;
	     t = strtok_r(NULL, SCEN_SEP, &save))
		p->tok[p->ntok++] = t;	/* at most SCEN_TOKENS_MAX by length */
	if (!p->ntok)
		return 0;

	if (!strcmp(p->tok[0], "fix")) {
		int id;

		if (p->s->ncmds)
			return scen_error(p, "fix: header line after the first "
					  "command");
		if (p->ntok != 2)
			return scen_error(p, "fix: expected one fix name");
		id = dlmr_fix_from_name(p->tok[1]);
		if (id < 0)
			return scen_error(p, "fix: unknown fix '%s' (see dlmctl "
					  "explore --fix list)",
					  scen_q(p, 0, p->tok[1]));
		p->s->fixes |= 1u << id;
		return 0;
	}
	for (k = 0; k < HDR_MAX; k++)
		if (!strcmp(p->tok[0], hdr_names[k]))
			return scen_header(p, (enum scen_hdr)k);
	for (k = 0; k < DLMR_ARRAY_SIZE(cmd_names); k++)
		if (!strcmp(p->tok[0], cmd_names[k].name))
			return scen_command(p, cmd_names[k].op);
	return scen_error(p, "unknown command '%s'", scen_q(p, 0, p->tok[0]));
}

static int scen_parse(struct scen_parser *p, const char *text, size_t len)
{
	struct dlmr_scenario *s = p->s;
	char buf[SCEN_LINE_MAX + 1];
	size_t pos = 0;
	int rc;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		if (p->line < UINT_MAX)
			p->line++;
		if (memchr(text + pos, '\0', n))
			return scen_error(p, "NUL byte in the text");
		if (n > SCEN_LINE_MAX)
			return scen_error(p, "line longer than %d characters",
					  SCEN_LINE_MAX);
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		rc = scen_line(p, buf);
		if (rc)
			return rc;
		pos += n + 1;
	}
	if (!p->line)
		p->line = 1;
	if (!p->hdr_line[HDR_NODES])
		return scen_error(p, "missing 'nodes' line");
	if (!s->ncmds)
		return scen_error(p, "no commands");
	for (unsigned int i = 0; i < s->ncmds; i++) {
		const struct dlmr_scen_cmd *c = &s->cmds[i];
		unsigned int k = 1;

		if (c->op != DLMR_SCEN_CYCLE)
			continue;
		while (k <= c->step_arg && i + k < s->ncmds &&
		       s->cmds[i + k].op == DLMR_SCEN_STEP)
			k++;
		if (k <= c->step_arg) {
			p->line = c->line;
			return scen_error(p, "cycle: the %u commands after it "
					  "must be step lines", c->step_arg);
		}
	}
	if (!p->hdr_line[HDR_JOURNALS])
		s->journals = s->nodes;
	return 0;
}

DLMR_EXPORT const char *dlmr_scenario_default_text(void)
{
	return scen_default_text;
}

int dlmr_scenario_parse_buf(const char *text, size_t len, const char *name,
			    struct dlmr_scenario **out, char *err, size_t errlen)
{
	struct scen_parser *p;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!name)
		name = "<scenario>";
	if (out)
		*out = NULL;
	if (!text || !out) {
		if (err && errlen)
			snprintf(err, errlen, "%s: NULL text or result pointer",
				 name);
		return -EINVAL;
	}

	p = calloc(1, sizeof(*p));
	if (p)
		p->s = calloc(1, sizeof(*p->s));
	if (!p || !p->s) {
		free(p);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	snprintf(p->s->name, sizeof(p->s->name), "%s", name);
	snprintf(p->s->ls, sizeof(p->s->ls), "gfs0");
	p->s->seed = 1;
	p->s->step_limit = DLMR_SCEN_STEP_LIMIT_DEFAULT;

	rc = scen_parse(p, text, len);
	if (rc)
		free(p->s);
	else
		*out = p->s;
	free(p);
	return rc;
}

DLMR_EXPORT int dlmr_scenario_parse(const char *text, const char *name,
				    struct dlmr_scenario **out, char *err,
				    size_t errlen)
{
	return dlmr_scenario_parse_buf(text, text ? strlen(text) : 0, name,
				       out, err, errlen);
}

DLMR_EXPORT void dlmr_scenario_free(struct dlmr_scenario *s)
{
	free(s);
}

DLMR_EXPORT uint64_t dlmr_scenario_seed(const struct dlmr_scenario *s)
{
	return s ? s->seed : 1;
}

DLMR_EXPORT int dlmr_scenario_set_delivery(struct dlmr_scenario *s,
					   unsigned int delivery)
{
	if (!s || delivery > DLMR_DELIVERY_LATE)
		return -EINVAL;
	s->delivery = delivery;
	return 0;
}
