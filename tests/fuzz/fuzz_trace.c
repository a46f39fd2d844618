/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz harness: the trace reader, the callback-ordering contract and the
 * invariants judge (what `dlmctl recover check [--invariants]` runs on a
 * JSON Lines trace, recorded by the simulator, by real kernels or by other
 * people's clusters).  The input is the trace's bytes, split into lines as
 * dlmctl splits them.  Properties:
 * - dlmr_trace_parse() returns 0 or -EINVAL, and an error is one
 *   non-empty line;
 * - an event it reads, dlmr_trace_format() writes, and reading that back
 *   and writing it again gives the same bytes (the schema's round trip);
 * - dlmr_contract_feed() returns 0, 1 or 2 on a parsed event, with a
 *   one-line reason exactly when 1 or 2;
 * - dlmr_judge_feed() returns a count or -EPROTO (with a one-line
 *   reason); the violations it counts are there, S1..S5, one line each.
 */
#include <errno.h>
#include <string.h>

#include <dlmrecover.h>

#include "fuzz.h"

#define LINE_MAX_FUZZ 8192

static void one_line(const char *s)
{
	FUZZ_CHECK(s && s[0] && !strchr(s, '\n'));
}

/* format(ev), parse it back, format again: the same bytes */
static void round_trip(const struct dlmr_event *ev)
{
	static char a[16384], b[16384], err[256];
	static struct dlmr_event back;
	int n = dlmr_trace_format(ev, a, sizeof(a)), m;

	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(dlmr_trace_parse(a, &back, err, sizeof(err)) == 0);
	m = dlmr_trace_format(&back, b, sizeof(b));
	FUZZ_CHECK(m == n && !memcmp(a, b, (size_t)n));
}

static void judge_violations(const struct dlmr_judge *j, size_t from)
{
	for (size_t i = from; i < dlmr_judge_count(j); i++) {
		const struct dlmr_judge_violation *v = dlmr_judge_violation(j, i);

		FUZZ_CHECK(v && v->invariant >= 1 && v->invariant <= 5);
		FUZZ_CHECK(v->nrefs <= DLMR_JUDGE_REFS_MAX);
		one_line(v->detail);
	}
	FUZZ_CHECK(!dlmr_judge_violation(j, dlmr_judge_count(j)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dlmr_event ev;
	static char line[LINE_MAX_FUZZ + 1];
	struct dlmr_contract *c = NULL;
	struct dlmr_judge *j = NULL;
	char err[256];
	size_t pos = 0, before;
	uint64_t lineno = 0;
	int r;

	FUZZ_CHECK(dlmr_contract_new(&c) == 0 && dlmr_judge_new(&j) == 0);
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;

		lineno++;
		if (n > LINE_MAX_FUZZ || memchr(data + pos, '\0', n)) {
			pos += n + 1; /* dlmctl stops at a NUL byte */
			continue;
		}
		memcpy(line, data + pos, n);
		line[n] = '\0';
		pos += n + 1;
		r = dlmr_trace_parse(line, &ev, err, sizeof(err));
		FUZZ_CHECK(r == 0 || r == -EINVAL);
		if (r) {
			one_line(err);
			continue;
		}
		round_trip(&ev);
		r = dlmr_contract_feed(c, &ev);
		FUZZ_CHECK(r >= 0 && r <= 2);
		if (r)
			one_line(dlmr_contract_reason(c));
		else
			FUZZ_CHECK(!dlmr_contract_reason(c)[0]);
		before = dlmr_judge_count(j);
		r = dlmr_judge_feed(j, &ev, (uint32_t)(lineno & 3), lineno);
		FUZZ_CHECK(r >= 0 || r == -EPROTO);
		if (r == -EPROTO)
			one_line(dlmr_judge_reason(j));
		else
			FUZZ_CHECK(dlmr_judge_count(j) == before + (size_t)r);
		judge_violations(j, before);
	}
	before = dlmr_judge_count(j);
	r = dlmr_judge_finish(j);
	FUZZ_CHECK(r >= 0 && dlmr_judge_count(j) == before + (size_t)r);
	judge_violations(j, before);
	FUZZ_CHECK(dlmr_judge_finish(j) == -EINVAL);
	dlmr_contract_free(c);
	dlmr_judge_free(j);
	return 0;
}
