/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz harness: the scenario parser (dlmr_scenario_parse_buf(), what
 * `dlmctl sim FILE` and the explorer's replays read).  The input is the
 * file's bytes.  Properties: the parser returns 0 or -EINVAL; an error is
 * one line `NAME:LINE: problem` with a line number within the text; a
 * parsed scenario stays within the limits the simulator indexes by
 * (nodes, journals, commands, node masks).
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "scenario.h"

static unsigned int count_lines(const uint8_t *data, size_t size)
{
	unsigned int n = 1;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n' && i + 1 < size)
			n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char name[] = "fuzz.scn";
	struct dlmr_scenario *s = NULL;
	char err[1024];
	int r = dlmr_scenario_parse_buf((const char *)data, size, name, &s,
					err, sizeof(err));

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r) {
		const char *p = err + strlen(name);
		char *end;
		unsigned long line;

		FUZZ_CHECK(!s);
		/* one line: NAME:LINE: problem */
		FUZZ_CHECK(!strncmp(err, name, strlen(name)) && *p == ':');
		line = strtoul(p + 1, &end, 10);
		FUZZ_CHECK(end != p + 1 && end[0] == ':' && end[1] == ' ' &&
			   end[2]);
		FUZZ_CHECK(line >= 1 && line <= count_lines(data, size));
		FUZZ_CHECK(!strchr(err, '\n'));
		FUZZ_CHECK(strlen(err) < sizeof(err) - 1);
		return 0;
	}
	FUZZ_CHECK(s);
	FUZZ_CHECK(s->nodes >= 1 && s->nodes <= DLMR_SIM_NODES_MAX);
	FUZZ_CHECK(s->journals >= 1 && s->journals <= DLMR_SIM_NODES_MAX);
	FUZZ_CHECK(s->ncmds >= 1 && s->ncmds <= DLMR_SCEN_CMDS_MAX);
	FUZZ_CHECK(memchr(s->ls, '\0', sizeof(s->ls)));
	for (unsigned int i = 0; i < s->ncmds; i++) {
		const struct dlmr_scen_cmd *c = &s->cmds[i];
		uint64_t all = ((UINT64_C(2) << s->nodes) - 1) & ~UINT64_C(1);

		FUZZ_CHECK((c->nodes & ~all) == 0);
		FUZZ_CHECK(c->on <= s->nodes);
		FUZZ_CHECK(c->line >= 1 && c->line <= count_lines(data, size));
		if (c->op == DLMR_SCEN_STEP)
			FUZZ_CHECK(c->nodes == 0 || !(c->nodes & (c->nodes - 1)) ||
				   c->step == DLMR_SCEN_STEP_RECOVERY);
	}
	dlmr_scenario_free(s);
	return 0;
}
