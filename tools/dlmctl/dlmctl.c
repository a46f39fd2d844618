// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlmctl: the DLM's slots and recovery callbacks for admins and developers.
 *
 * Exit codes (stable): 0 success / every invariant held; 1 an invariant or
 * contract violation was found; 2 usage or input error; 3 a runtime error
 * (out of memory, a kernel facility missing).
 */
#include <stdio.h>
#include <string.h>

#include <dlmrecover.h>

#include <json-c/json.h>

#include "dlmctl.h"

/* dlmctl help [COMMAND [SUBCOMMAND]] */
static int help(int argc, char **argv)
{
	char name[64];

	if (argc < 1)
		return dlmctl_usage_main(stdout);
	snprintf(name, sizeof(name), "%s%s%s", argv[0], argc > 1 ? " " : "",
		 argc > 1 ? argv[1] : "");
	if (argc > 2 || !dlmctl_cmd_find(name)) {
		fprintf(stderr, "dlmctl help: unknown command '%s'\n", name);
		dlmctl_usage_hint();
		return DLMCTL_EXIT_USAGE;
	}
	return dlmctl_help(name);
}

bool dlmctl_pretty;

int dlmctl_json_flags(int extra)
{
	return (dlmctl_pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
		JSON_C_TO_STRING_PLAIN) | extra;
}

int main(int argc, char **argv)
{
	const char *cmd;

	/* global options before the command: -p */
	while (argc > 1 && (!strcmp(argv[1], "-p") ||
			    !strcmp(argv[1], "--pretty"))) {
		dlmctl_pretty = true;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (argc < 2)
		return dlmctl_usage_error("no command given");
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return help(argc - 2, argv + 2);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("dlmctl %s (libdlmrecover %s)\n", DLMR_VERSION_STRING,
		       dlmr_version());
		return 0;
	}
	if (!strcmp(cmd, "sim") || !strcmp(cmd, "slots") ||
	    !strcmp(cmd, "explore") || !strcmp(cmd, "emulate"))
		dlmctl_cmd_start(cmd);
	if (!strcmp(cmd, "sim"))
		return dlmctl_sim(argc - 1, argv + 1);
	if (!strcmp(cmd, "slots"))
		return dlmctl_slots(argc - 1, argv + 1);
	if (!strcmp(cmd, "explore"))
		return dlmctl_explore(argc - 1, argv + 1);
	if (!strcmp(cmd, "emulate"))
		return dlmctl_emulate(argc - 1, argv + 1);
	if (!strcmp(cmd, "recover"))
		return dlmctl_recover(argc - 1, argv + 1);
	return dlmctl_usage_error("unknown command '%s'", cmd);
}
