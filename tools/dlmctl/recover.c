// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl recover: recovery state and traces. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlmrecover.h>

#include "dlmctl.h"

static int usage_recover(FILE *f)
{
	fputs("Usage: dlmctl recover [LOCKSPACE...] [-j]\n"
	      "       dlmctl recover watch [LOCKSPACE] [-j] [-q] [--count N] [--rcvbuf BYTES]\n"
	      "       dlmctl recover check TRACE\n"
	      "\n"
	      "  (no subcommand) generation, state, members, last event and last\n"
	      "                recovery (failed members, start, duration) of each\n"
	      "                lockspace, from the kernel (needs the kernel patches)\n"
	      "  watch         stream recovery events of every lockspace, one line\n"
	      "                each (-j: JSON Lines in the trace schema); says on\n"
	      "                stderr once it is subscribed (-q: not), and when\n"
	      "                events were lost and resynced; needs CAP_SYS_ADMIN\n"
	      "  check TRACE   validate a JSON Lines trace (dlmctl sim -j, the\n"
	      "                kernel example module)\n"
	      "                against the callback-ordering contract; - reads\n"
	      "                stdin.  Prints TRACE:LINE: reason for the first\n"
	      "                violation, and for every hazard: a slot event\n"
	      "                with slot -1 or 0, from a kernel without the\n"
	      "                slot fix (docs/findings.md, finding 7); watch\n"
	      "                warns of those on stderr (-j: in the event's\n"
	      "                detail)\n"
	      "\n"
	      "Exit status: 0 the trace keeps the contract; 1 a violation or\n"
	      "a hazard; 2 usage or input error (unreadable file, malformed\n"
	      "line).\n", f);
	return f == stderr ? DLMCTL_EXIT_USAGE : 0;
}

static int recover_check(const char *path)
{
	struct dlmr_contract *c = NULL;
	struct dlmr_event *ev;
	char err[256];
	size_t len;
	char *text = dlmctl_read_file(path, &len);
	char *line, *next;
	unsigned long lineno = 0, events = 0, hazards = 0;
	int ret = DLMCTL_EXIT_OK;

	if (!text)
		return dlmctl_error(DLMCTL_EXIT_USAGE, "%s: %s", path,
				    strerror(errno));
	ev = malloc(sizeof(*ev));
	if (!ev || dlmr_contract_new(&c)) {
		free(ev);
		free(text);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	}
	for (line = text; line && *line && ret == DLMCTL_EXIT_OK; line = next) {
		int r;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strlen(line) == 0 && !next)
			break;
		if (line + strlen(line) < (next ? next - 1 : text + len)) {
			ret = dlmctl_error(DLMCTL_EXIT_USAGE,
					   "%s:%lu: NUL byte in line", path,
					   lineno);
			break;
		}
		r = dlmr_trace_parse(line, ev, err, sizeof(err));
		if (r) {
			ret = dlmctl_error(DLMCTL_EXIT_USAGE, "%s:%lu: %s", path,
					   lineno, err);
			break;
		}
		events++;
		r = dlmr_contract_feed(c, ev);
		if (r < 0) {
			ret = dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s:%lu: %s",
					   path, lineno, strerror(-r));
		} else if (r == 2) {
			/* a hazard: reported, and the check goes on */
			printf("%s:%lu: %s\n", path, lineno,
			       dlmr_contract_reason(c));
			hazards++;
		} else if (r > 0) {
			printf("%s:%lu: %s\n", path, lineno,
			       dlmr_contract_reason(c));
			ret = DLMCTL_EXIT_VIOLATION;
		}
	}
	if (ret == DLMCTL_EXIT_OK && hazards) {
		printf("%s: %lu events, contract kept but %lu hazard%s: "
		       "consumers of the slot misbehave\n", path, events,
		       hazards, hazards == 1 ? "" : "s");
		ret = DLMCTL_EXIT_VIOLATION;
	} else if (ret == DLMCTL_EXIT_OK) {
		printf("%s: %lu events, contract kept\n", path, events);
	}
	dlmr_contract_free(c);
	free(ev);
	free(text);
	return ret;
}

int dlmctl_recover(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return argc >= 2 && (!strcmp(argv[1], "-h") ||
				     !strcmp(argv[1], "--help")) ?
		       usage_recover(stdout) :
		       dlmctl_recover_status(argc, argv);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage_recover(stdout);
	if (!strcmp(argv[1], "watch"))
		return dlmctl_recover_watch(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check")) {
		if (argc == 3 && (!strcmp(argv[2], "-h") ||
				  !strcmp(argv[2], "--help")))
			return usage_recover(stdout);
		if (argc != 3)
			return dlmctl_error(DLMCTL_EXIT_USAGE,
					    "recover check: expected one TRACE "
					    "argument");
		return recover_check(argv[2]);
	}
	/* dlmctl recover LOCKSPACE...: the kernel's state */
	return dlmctl_recover_status(argc, argv);
}
