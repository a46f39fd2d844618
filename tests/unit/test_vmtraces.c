/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real kernel judges the simulator.  Every scenario the VM lab
 * recorded (tests/vm/traces/<scenario>/: scenario.scn plus one trace per
 * surviving node, from the example kernel module's dlm_lockspace_ops
 * callbacks) is replayed in the simulator, for several seeds, and each
 * node's recover_prep / recover_slot / recover_done stream since its last
 * join is compared with the kernel's event by event: order, slots,
 * nodeids, generations, our_slot and the slot tables.  Every recorded
 * trace must also keep the callback-ordering contract.
 *
 * TRACES_DIR is set by tests/meson.build.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dlmrecover.h"

#define NODES 33
#define EVMAX 256

/* One callback, the fields the kernel and the simulator must agree on. */
struct cbk {
	enum dlmr_event_type type;
	uint32_t nodeid;
	int slot;
	uint32_t generation;
	int our_slot;
	unsigned int num_slots;
	struct dlmr_slot slots[DLMR_SIM_NODES_MAX];
};

struct stream {
	unsigned int n;
	struct cbk ev[EVMAX];
};

static bool is_callback(enum dlmr_event_type t)
{
	return t == DLMR_EV_PREP || t == DLMR_EV_SLOT || t == DLMR_EV_DONE;
}

static void keep(struct stream *s, const struct dlmr_event *ev)
{
	struct cbk *c;

	assert_true(s->n < EVMAX);
	c = &s->ev[s->n++];
	memset(c, 0, sizeof(*c));
	c->type = ev->type;
	if (ev->type == DLMR_EV_SLOT) {
		c->nodeid = ev->nodeid;
		c->slot = ev->slot;
	} else if (ev->type == DLMR_EV_DONE) {
		c->generation = ev->generation;
		c->our_slot = ev->our_slot;
		assert_true(ev->num_slots <= DLMR_SIM_NODES_MAX);
		c->num_slots = ev->num_slots;
		memcpy(c->slots, ev->slots, ev->num_slots * sizeof(c->slots[0]));
	}
}

static void describe(const struct cbk *c, char *buf, size_t len)
{
	size_t off;

	switch (c->type) {
	case DLMR_EV_PREP:
		snprintf(buf, len, "prep");
		break;
	case DLMR_EV_SLOT:
		snprintf(buf, len, "slot nodeid %u slot %d", c->nodeid, c->slot);
		break;
	default:
		off = (size_t)snprintf(buf, len, "done gen %u our_slot %d [",
				       c->generation, c->our_slot);
		for (unsigned int i = 0; i < c->num_slots && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, " %u:%d",
						c->slots[i].nodeid,
						c->slots[i].slot);
		if (off < len)
			snprintf(buf + off, len - off, " ]");
		break;
	}
}

/* ---- the kernel's side ---------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Read nodeN.jsonl; every line must parse and keep the contract. */
static void read_kernel(const char *path, uint32_t node, struct stream *s)
{
	char *text = slurp(path), *line, *next, err[256];
	struct dlmr_event *ev = malloc(sizeof(*ev));
	struct dlmr_contract *c;
	unsigned int lineno = 0;

	assert_non_null(text);
	assert_non_null(ev);
	assert_int_equal(dlmr_contract_new(&c), 0);
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (dlmr_trace_parse(line, ev, err, sizeof(err)))
			fail_msg("%s:%u: %s", path, lineno, err);
		if (ev->node != node)
			fail_msg("%s:%u: node %u in node%u's trace", path,
				 lineno, ev->node, node);
		if (dlmr_contract_feed(c, ev) != 0)
			fail_msg("%s:%u: kernel trace breaks the contract: %s",
				 path, lineno, dlmr_contract_reason(c));
		if (is_callback(ev->type))
			keep(s, ev);
	}
	assert_true(s->n > 0);
	dlmr_contract_free(c);
	free(ev);
	free(text);
}

/* ---- the simulator's side --------------------------------------------- */

struct simrec {
	struct stream node[NODES];
};

static void on_event(const struct dlmr_event *ev, void *arg)
{
	struct simrec *r = arg;

	if (ev->node < 1 || ev->node >= NODES)
		return;
	/* a (re)joining node starts a new trace, as a booted VM does */
	if (ev->type == DLMR_EV_JOIN)
		r->node[ev->node].n = 0;
	if (is_callback(ev->type))
		keep(&r->node[ev->node], ev);
}

static void compare(const char *scen, uint64_t seed, uint32_t node,
		    const struct stream *k, const struct stream *s)
{
	char a[512], b[512];
	unsigned int i;

	for (i = 0; i < k->n && i < s->n; i++) {
		if (!memcmp(&k->ev[i], &s->ev[i], sizeof(k->ev[i])))
			continue;
		describe(&k->ev[i], a, sizeof(a));
		describe(&s->ev[i], b, sizeof(b));
		fail_msg("%s seed %llu node %u event %u: kernel '%s', "
			 "simulator '%s'", scen, (unsigned long long)seed,
			 node, i + 1, a, b);
	}
	if (k->n != s->n) {
		describe(i < k->n ? &k->ev[i] : &s->ev[i], a, sizeof(a));
		fail_msg("%s seed %llu node %u: kernel %u callbacks, simulator "
			 "%u (first extra: %s on the %s side)", scen,
			 (unsigned long long)seed, node, k->n, s->n, a,
			 i < k->n ? "kernel" : "simulator");
	}
}

static void replay_dir(const char *dir, const char *name)
{
	char path[4096], err[512];
	struct dlmr_scenario *sc;
	struct dlmr_sim_result *res = malloc(sizeof(*res));
	struct simrec *rec = malloc(sizeof(*rec));
	struct stream *kern = calloc(NODES, sizeof(*kern));
	bool have[NODES] = { false };
	unsigned int nodes_with_trace = 0;
	char *text;

	assert_non_null(res);
	assert_non_null(rec);
	assert_non_null(kern);
	snprintf(path, sizeof(path), "%s/%s/scenario.scn", dir, name);
	text = slurp(path);
	if (!text)
		fail_msg("%s: %s", path, strerror(errno));
	if (dlmr_scenario_parse(text, path, &sc, err, sizeof(err)))
		fail_msg("%s", err);
	free(text);

	for (uint32_t n = 1; n < NODES; n++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/node%u.jsonl", dir, name, n);
		f = fopen(path, "r");
		if (!f)
			continue;
		fclose(f);
		read_kernel(path, n, &kern[n]);
		have[n] = true;
		nodes_with_trace++;
	}
	assert_true(nodes_with_trace >= 2);

	for (uint64_t seed = 1; seed <= 10; seed++) {
		int r;

		memset(rec, 0, sizeof(*rec));
		r = dlmr_sim_run(sc, seed, on_event, rec, res);
		if (r)
			fail_msg("%s seed %llu: simulation failed (%d): %s", name,
				 (unsigned long long)seed, r, res->violation);
		for (uint32_t n = 1; n < NODES; n++)
			if (have[n])
				compare(name, seed, n, &kern[n], &rec->node[n]);
	}
	dlmr_scenario_free(sc);
	free(kern);
	free(rec);
	free(res);
}

static void test_every_recorded_scenario(void **state)
{
	const char *dir = getenv("TRACES_DIR");
	struct dirent *de;
	unsigned int count = 0;
	DIR *d;

	(void)state;
	assert_non_null(dir);
	d = opendir(dir);
	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		print_message("replaying %s\n", de->d_name);
		replay_dir(dir, de->d_name);
		count++;
	}
	closedir(d);
	/* cold, kill, rejoin, leave, double-cold, double */
	assert_true(count >= 6);
}

/* The comparison itself must be able to fail: a kernel stream with one
 * generation changed is told apart from the simulator's. */
static void test_mismatch_detected(void **state)
{
	struct stream a = { 0 }, b = { 0 };
	struct dlmr_event ev;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.type = DLMR_EV_DONE;
	ev.generation = 1;
	ev.our_slot = 1;
	ev.num_slots = 1;
	ev.slots[0].nodeid = 1;
	ev.slots[0].slot = 1;
	keep(&a, &ev);
	ev.generation = 2;
	keep(&b, &ev);
	assert_memory_not_equal(&a.ev[0], &b.ev[0], sizeof(a.ev[0]));
	ev.generation = 1;
	memset(&b, 0, sizeof(b));
	keep(&b, &ev);
	assert_memory_equal(&a.ev[0], &b.ev[0], sizeof(a.ev[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mismatch_detected),
		cmocka_unit_test(test_every_recorded_scenario),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
