// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlmctl: the DLM's slots and recovery callbacks for admins and developers.
 *
 * Exit codes (stable): 0 success / every invariant held; 1 an invariant or
 * contract violation was found; 2 usage or input error; 3 a runtime error
 * (out of memory, a kernel facility missing).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlmrecover.h>

#include "dlmctl.h"

static int usage_main(FILE *f)
{
	fputs("Usage: dlmctl [--version] [--help] COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  sim [SCENARIO] [--seed N] [-j]   simulate a cluster running gfs2's\n"
	      "                                   recovery protocol (default: the\n"
	      "                                   built-in 3-node scenario)\n"
	      "  explore --nodes N [--failures F] [--rejoins R] [--mutant NAME]\n"
	      "                                   explore every recovery ordering\n"
	      "                                   up to the bounds\n"
	      "  slots [LOCKSPACE...] [-j]        slot table of each lockspace (kernel)\n"
	      "  recover [LOCKSPACE...] [-j]      generation and recovery state (kernel)\n"
	      "  recover watch [LOCKSPACE] [-j]   stream recovery events (kernel)\n"
	      "  recover check TRACE              validate a JSON Lines trace against\n"
	      "                                   the callback-ordering contract\n"
	      "  recover check --invariants TRACE...\n"
	      "                                   and the nodes' traces, merged,\n"
	      "                                   against invariants S1-S5\n"
	      "\n"
	      "Exit status: 0 ok, 1 violation found, 2 usage or input error,\n"
	      "3 runtime error.  See dlmctl(8).\n", f);
	return f == stderr ? DLMCTL_EXIT_USAGE : 0;
}

int dlmctl_error(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("dlmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return usage_main(stderr);
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage_main(stdout);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("dlmctl %s (libdlmrecover %s)\n", DLMR_VERSION_STRING,
		       dlmr_version());
		return 0;
	}
	if (!strcmp(cmd, "sim"))
		return dlmctl_sim(argc - 1, argv + 1);
	if (!strcmp(cmd, "slots"))
		return dlmctl_slots(argc - 1, argv + 1);
	if (!strcmp(cmd, "explore"))
		return dlmctl_explore(argc - 1, argv + 1);
	if (!strcmp(cmd, "recover"))
		return dlmctl_recover(argc - 1, argv + 1);
	dlmctl_error(DLMCTL_EXIT_USAGE, "unknown command '%s'", cmd);
	return usage_main(stderr);
}
