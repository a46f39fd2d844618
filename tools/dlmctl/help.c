// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlmctl's help texts, one per command, and the errors every command
 * reports the same way: one line `dlmctl CMD: problem`, and for a usage
 * error a second line with the command's synopsis and where its help is.
 *
 * Each text's "Options:" section lists every option the command takes,
 * one per line starting with "  -", and docs/dlmctl.8 lists the same ones
 * under "Options of CMD": tests/cli/test_manpage.sh fails when the two
 * differ, or when a command here has no section there or the reverse.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlmctl.h"

/* The end of the help of slots and recover: the same options and exits */
#define KERNEL_QUERY_TAIL \
	"\n" \
	"Options:\n" \
	"  LOCKSPACE       a lockspace name (at most 64 characters)\n" \
	"  -j, --json      one JSON array with an object per lockspace\n" \
	"  --klog[=FILE]   read the kernel log (FILE: a saved one, dmesg or\n" \
	"                  /dev/kmsg lines; its times are since boot) even\n" \
	"                  if the family is there\n" \
	"  --nodeid N      with --klog=FILE: the node whose log it is (our\n" \
	"                  slot, this node's row), 1..4294967295\n" \
	"  -h, --help      this text\n" \
	"\n" \
	"Without the dlm_recover family (a stock kernel) the data comes from\n" \
	"the DLM's lines in the kernel log, said so in the output (JSON:\n" \
	"\"source\": \"kernel-log\" and \"unknown\", what it cannot tell);\n" \
	"reading it needs CAP_SYSLOG when kernel.dmesg_restrict is set.\n" \
	"\n" \
	"Exit status: 0 ok; 2 usage error or unknown lockspace; 3 the\n" \
	"kernel lacks the DLM, or its family and a readable log.\n"

static const struct dlmctl_cmd cmds[] = {
	{ "sim",
	  "dlmctl sim [SCENARIO] [--seed N] [-j] [--svg FILE]",
	  "Usage: dlmctl sim [SCENARIO] [--seed N] [-j|--json] [--svg FILE]\n"
	  "                  [--delivery kernel|late]\n"
	  "       dlmctl sim --show-default\n"
	  "       dlmctl sim --stack cluster3|cluster4 [SCENARIO] [--seed N] [-j]\n"
	  "       dlmctl sim --compare [--nodes N] [-j]\n"
	  "\n"
	  "Simulate a cluster of nodes running gfs2's first-mounter and\n"
	  "journal-recovery protocol on a simulated DLM, and print a timeline\n"
	  "(one column per node, one row per step) and a summary.  Without\n"
	  "SCENARIO, the built-in scenario runs: three nodes mount, node 2\n"
	  "crashes, the survivors recover its journal, node 2 rejoins.  The\n"
	  "timeline fits the terminal (COLUMNS, else its width): narrower\n"
	  "cells with shorter texts, then the nodes in groups.  --svg draws\n"
	  "the run as a sequence diagram for a browser.\n"
	  "\n"
	  "Options:\n"
	  "  SCENARIO        scenario file (docs/scenario-format.md); - for stdin\n"
	  "  --seed N        scheduler seed, 0..2^64-1 (default: the\n"
	  "                  scenario's, else 1)\n"
	  "  -j, --json      JSON Lines, one event per line\n"
	  "                  (docs/trace-format.md); with --stack cluster3 or\n"
	  "                  --compare, one JSON object\n"
	  "  --delivery M    kernel or late: overrides the scenario's\n"
	  "                  'delivery' line (how coordinators get\n"
	  "                  prep/slot/done; docs/scenario-format.md)\n"
	  "  --show-default  print the built-in scenario and exit\n"
	  "  --stack S       cluster4 (default: the timeline above) or cluster3:\n"
	  "                  every recovery of the scenario in the cluster3\n"
	  "                  steps of dlm_controld + gfs_controld, per survivor\n"
	  "  --compare       the two stacks' recovery steps side by side, and\n"
	  "                  every interleaving explored with a daemon death\n"
	  "  --nodes N       --compare: nodes before the failure, 2..8\n"
	  "                  (default 3)\n"
	  "  --svg FILE      also draw the run as an SVG sequence diagram:\n"
	  "                  a lifeline per node, every event, the violation\n"
	  "                  in red; - writes it on stdout instead of the\n"
	  "                  timeline and the summary\n"
	  "  -h, --help      this text\n"
	  "\n"
	  "Exit status: 0 every invariant held; 1 an invariant failed (the\n"
	  "replay command is printed); 2 usage or scenario error; 3 --svg\n"
	  "FILE cannot be written.\n" },
	{ "explore",
	  "dlmctl explore --nodes N [--failures F] [--rejoins R] [-j]",
	  "Usage: dlmctl explore --nodes N [--failures F] [--rejoins R]\n"
	  "                      [--journals J] [--mutant NAME|list]\n"
	  "                      [--fix NAME|list] [--max-states K] [--no-por]\n"
	  "                      [--delivery kernel|late]\n"
	  "                      [--no-livelock] [--fair] [--threads T]\n"
	  "                      [--save FILE] [-j]\n"
	  "       dlmctl explore --random --nodes N [--runs K] [--seed S] ...\n"
	  "\n"
	  "Explore every reachable state of a simulated cluster of N nodes\n"
	  "(all mounting at once) with up to F crashes and R reboots\n"
	  "injected anywhere: every interleaving of callbacks, lock grants,\n"
	  "timers and journal replays.  Invariants S1-S5 are checked in\n"
	  "every state and, once the search is complete, that every state\n"
	  "can still reach quiescence (no livelock).  On a violation the\n"
	  "shortest path found is printed as a timeline and saved as a\n"
	  "scenario that `dlmctl sim FILE` replays.  Every summary says\n"
	  "whether the result is complete (every reachable state visited:\n"
	  "not stopped early, not a swarm), the reductions used, and how\n"
	  "states are stored (64-bit hash compaction, with a bound on the\n"
	  "probability that a state was omitted): dlmctl(8).\n"
	  "\n"
	  "Options:\n"
	  "  --nodes N        1..8 (required)\n"
	  "  --failures F     crashes, 0..N (default 1)\n"
	  "  --rejoins R      reboots of crashed nodes, 0..8 (default 0)\n"
	  "  --journals J     1..8 (default N)\n"
	  "  --mutant NAME    plant a protocol bug; 'list' lists them\n"
	  "  --fix NAME       apply a proposed fix (repeatable); 'list' lists\n"
	  "                   them\n"
	  "  --delivery MODE  how coordinators get prep/slot/done: kernel\n"
	  "                   (callbacks, default) or late (events to a\n"
	  "                   userspace listener, read at any time after\n"
	  "                   the kernel acted: docs/findings.md, finding 11)\n"
	  "  --max-states K   give up past K states, 1 or more (exit 3;\n"
	  "                   default: no limit)\n"
	  "  --no-por         no partial-order reduction: every\n"
	  "                   interleaving, the true shortest counterexample\n"
	  "  --no-livelock    skip the livelock check: the explored graph\n"
	  "                   is not kept (less memory)\n"
	  "  --fair           also look for livelocks under weak fairness:\n"
	  "                   a cycle a fair scheduler may run for ever\n"
	  "                   (as spin -l -f); implies --no-por\n"
	  "  --threads T      expand states on T threads, 1..256 (default\n"
	  "                   1); the same result whatever T\n"
	  "  --save FILE      counterexample file (default\n"
	  "                   explore-counterexample.scn)\n"
	  "  --random         swarm mode: random schedules and faults\n"
	  "  --runs K         swarm runs, 1 or more (default 10000)\n"
	  "  --seed S         swarm seed, 0..2^64-1 (default 1)\n"
	  "  --por-check D    test option: check every reduced expansion\n"
	  "                   along up to D other steps, 1..4\n"
	  "  -j, --json       one JSON object with the summary (with 'list':\n"
	  "                   a JSON array of names and descriptions)\n"
	  "  -h, --help       this text\n"
	  "\n"
	  "Exit status: 0 no violation; 1 violation; 2 usage error;\n"
	  "3 interrupted, out of memory or over --max-states.\n" },
	{ "slots",
	  "dlmctl slots [LOCKSPACE...] [-j] [--klog[=FILE] [--nodeid N]]",
	  "Usage: dlmctl slots [LOCKSPACE...] [-j|--json] [--klog[=FILE] [--nodeid N]]\n"
	  "\n"
	  "The slot table of each lockspace (all of them without arguments) as\n"
	  "the kernel DLM holds it: nodeid, slot and jid (slot - 1) of every\n"
	  "member, this node's row marked, and the slot generation.  From the\n"
	  "kernel patches (kernel/README.md; no privilege), else the kernel log.\n"
	  KERNEL_QUERY_TAIL },
	{ "recover",
	  "dlmctl recover [LOCKSPACE...] [-j] [--klog[=FILE] [--nodeid N]]",
	  "Usage: dlmctl recover [LOCKSPACE...] [-j|--json] [--klog[=FILE] [--nodeid N]]\n"
	  "       dlmctl recover watch [LOCKSPACE] [-j] [-q] [--count N] [--rcvbuf BYTES] [--klog]\n"
	  "       dlmctl recover check [--invariants] [-j] TRACE...\n"
	  "\n"
	  "Generation, state, members, last event and last recovery (failed\n"
	  "members, start, duration on the kernel's monotonic clock) of each\n"
	  "lockspace (all of them without arguments), from the kernel patches\n"
	  "(kernel/README.md; no privilege), else the kernel log.  `watch`\n"
	  "streams the kernel's recovery events, `check` checks recorded\n"
	  "traces: dlmctl help recover watch, dlmctl help recover check.\n"
	  KERNEL_QUERY_TAIL },
	{ "recover watch",
	  "dlmctl recover watch [LOCKSPACE] [-j] [-q] [--count N] [--rcvbuf BYTES] [--klog]",
	  "Usage: dlmctl recover watch [LOCKSPACE] [-j] [-q] [--count N] [--rcvbuf BYTES] [--klog]\n"
	  "\n"
	  "Stream the recovery events of every lockspace (or of LOCKSPACE) as\n"
	  "the kernel reports them, one line each.  Once subscribed, says so\n"
	  "on stderr; says there too when events were lost, and resyncs from\n"
	  "a fresh query.  Needs the kernel patches and CAP_SYS_ADMIN; without\n"
	  "the family (or with --klog), follows the DLM's lines in the kernel\n"
	  "log instead (CAP_SYSLOG if kernel.dmesg_restrict is set): event\n"
	  "numbers are this command's own, losses cannot be resynced.\n"
	  "\n"
	  "Options:\n"
	  "  LOCKSPACE       only this lockspace\n"
	  "  -j, --json      JSON Lines in the trace schema\n"
	  "                  (docs/trace-format.md), for `dlmctl recover check`\n"
	  "  -q, --quiet     no 'subscribed' line on stderr\n"
	  "  --count N       stop after N events (0, the default: never)\n"
	  "  --rcvbuf BYTES  the socket's receive buffer, 0..2147483647 (0, the\n"
	  "                  default: the system's)\n"
	  "  --klog          follow the kernel log even if the family is there\n"
	  "  -h, --help      this text\n"
	  "\n"
	  "Exit status: 0 ok (stopped by --count, SIGINT or SIGTERM); 2 usage\n"
	  "error; 3 the kernel lacks the DLM or its dlm_recover family, or\n"
	  "permission denied.\n" },
	{ "recover check",
	  "dlmctl recover check [--invariants] [-j] [--svg FILE] TRACE...",
	  "Usage: dlmctl recover check [-j] [--svg FILE] TRACE\n"
	  "       dlmctl recover check --invariants [-j] [--svg FILE] TRACE...\n"
	  "\n"
	  "Check a JSON Lines trace (dlmctl sim -j, dlmctl recover watch -j,\n"
	  "the kernel example modules) against the callback-ordering contract\n"
	  "of the kernel DLM.  Prints TRACE:LINE: reason for the first\n"
	  "violation, and for every hazard: a slot event with slot -1 or 0,\n"
	  "from a kernel without the slot fix (docs/findings.md, finding 7).\n"
	  "`dlmctl recover check --invariants TRACE...` also judges the\n"
	  "traces, merged, against the invariants S1-S5 the simulator checks.\n"
	  "An empty trace is an input error.\n"
	  "\n"
	  "Options:\n"
	  "  TRACE           a trace file; - reads stdin\n"
	  "  --invariants    the same on each TRACE, then invariants S1-S5 on\n"
	  "                  all of them merged on time_ns (one trace per\n"
	  "                  node, e.g. the kernel module's, plus the lab's\n"
	  "                  crash events; simulator traces: on step): prints\n"
	  "                  TRACE:LINE: SN: what, and the events it rests on\n"
	  "  -j, --json      one JSON object instead of the lines\n"
	  "  --svg FILE      also draw the traces (with --invariants: merged)\n"
	  "                  as an SVG sequence diagram, a lifeline per node,\n"
	  "                  the violations in red and the events they rest\n"
	  "                  on outlined; - writes it on stdout instead of\n"
	  "                  the lines\n"
	  "  -h, --help      this text\n"
	  "\n"
	  "Exit status: 0 the trace keeps the contract (and the invariants);\n"
	  "1 a violation or a hazard; 2 usage or input error (unreadable or\n"
	  "empty file, malformed line, an event without time_ns); 3 --svg\n"
	  "FILE cannot be written.\n" },
	{ "emulate",
	  "dlmctl emulate LOCKSPACE --journals N --dir PATH [--source netlink|cpg] [--write-ms MS] [--fix NAME] [-q]",
	  "Usage: dlmctl emulate LOCKSPACE --journals N --dir PATH\n"
	  "                      [--source netlink|cpg] [--write-ms MS]\n"
	  "                      [--fix NAME]... [-j] [-q]\n"
	  "\n"
	  "Run gfs2's first-mounter and journal-recovery protocol (the\n"
	  "library's coordinator, the code the kernel example module runs) on\n"
	  "a real userspace lockspace: join LOCKSPACE through libdlm, take the\n"
	  "kernel's recovery events from the series' netlink family (or,\n"
	  "with --source cpg, from corosync CPG membership), print\n"
	  "every event and decision (join, prep, slot, done, lock, grant,\n"
	  "mounted with its jid and whether it is the first mounter, recover,\n"
	  "recovered, block, unblock, ...) as JSON Lines in the trace schema\n"
	  "(docs/trace-format.md) as it happens, replay failed nodes'\n"
	  "journals from PATH (files journal0, journal1, ..., the kernel\n"
	  "example's records and checks: docs/kernel-example.md), and append\n"
	  "records to its own journal while mounted and unblocked.  SIGTERM\n"
	  "or SIGINT: mark the journal clean, unmount, release the lockspace.\n"
	  "A lock completion is never acted on before every pending recovery\n"
	  "event is read (docs/findings.md, finding 11).\n"
	  "\n"
	  "Options:\n"
	  "  LOCKSPACE       the lockspace (at most 64 characters)\n"
	  "  --journals N    journals of the filesystem emulated, 1..192\n"
	  "  --dir PATH      the directory of the journal files (shared by\n"
	  "                  every node: a shared disk's filesystem, or one\n"
	  "                  the lab provides)\n"
	  "  --source S      netlink (default: the series' events) or cpg\n"
	  "                  (corosync CPG group dlmr:LOCKSPACE, any kernel;\n"
	  "                  the members agree on the slots)\n"
	  "  --write-ms MS   append a record every MS ms, 0..60000 (default\n"
	  "                  50; 0: never)\n"
	  "  --fix NAME      run the coordinator with a proposed fix\n"
	  "                  (dlmctl explore --fix list); repeatable\n"
	  "  -j, --json      JSON Lines (the only output; accepted)\n"
	  "  -q, --quiet     no 'joined' and 'left' lines on stderr\n"
	  "  -h, --help      this text\n"
	  "\n"
	  "Needs root (CAP_SYS_ADMIN: the events; /dev/misc/dlm-control),\n"
	  "dlm_controld, and a kernel with the series (kernel/README.md), or\n"
	  "corosync with --source cpg.\n"
	  "\n"
	  "Exit status: 0 left cleanly; 2 usage error; 3 runtime error (no\n"
	  "permission, no DLM or family, no corosync, the mount failed, an I/O\n"
	  "error).\n" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* The command running, for the prefix of its errors. */
static const struct dlmctl_cmd *current;

const struct dlmctl_cmd *dlmctl_cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

const struct dlmctl_cmd *dlmctl_cmd_start(const char *name)
{
	current = dlmctl_cmd_find(name);
	return current;
}

int dlmctl_help(const char *name)
{
	const struct dlmctl_cmd *c = dlmctl_cmd_find(name);

	if (!c)
		return DLMCTL_EXIT_USAGE;
	fputs(c->help, stdout);
	return 0;
}

static void verror(const char *fmt, va_list ap)
{
	if (current)
		fprintf(stderr, "dlmctl %s: ", current->name);
	else
		fputs("dlmctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int dlmctl_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return code;
}

void dlmctl_usage_hint(void)
{
	if (current)
		fprintf(stderr, "Usage: %s (all options: dlmctl help %s)\n",
			current->synopsis, current->name);
	else
		fputs("Usage: dlmctl [--version] [--help] [-p] COMMAND [ARGS] "
		      "(commands: dlmctl help)\n", stderr);
}

int dlmctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	dlmctl_usage_hint();
	return DLMCTL_EXIT_USAGE;
}

int dlmctl_getopt_error(char **argv, int c)
{
	/* getopt_long() with ":" first in the option string and opterr 0:
	 * ':' a missing argument, '?' an unknown option; optopt is the short
	 * option, or the long option's value, or 0 for an unknown long one */
	const char *arg = argv[optind - 1];

	const char *eq = strchr(arg, '=');

	if (c == ':')
		return dlmctl_usage_error("option '%s' needs an argument", arg);
	if (optopt && arg[0] == '-' && arg[1] == '-' && eq)
		return dlmctl_usage_error("option '%.*s' takes no argument",
					  (int)(eq - arg), arg);
	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		return dlmctl_usage_error("unknown option '-%c'", optopt);
	return dlmctl_usage_error("unknown option '%s'", arg);
}

int dlmctl_parse_ulong(const char *opt, const char *s, unsigned long min,
		       unsigned long max, unsigned long *out)
{
	char *end;

	/* strtoul() skips leading blanks and takes a sign after them (" -1"
	 * is ULONG_MAX): digits only, from the first character */
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (!errno && s[0] >= '0' && s[0] <= '9' && !*end &&
	    *out >= min && *out <= max)
		return 0;
	if (max == ULONG_MAX)
		return dlmctl_usage_error("%s: '%s' is not a number, %lu or more",
					  opt, s, min);
	return dlmctl_usage_error("%s: '%s' is not a number in %lu..%lu", opt,
				  s, min, max);
}

int dlmctl_parse_u64(const char *opt, const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || s[0] < '0' || s[0] > '9' || *end)
		return dlmctl_usage_error("%s: '%s' is not a number in "
					  "0..2^64-1", opt, s);
	*out = v;
	return 0;
}

int dlmctl_usage_main(FILE *f)
{
	fputs("Usage: dlmctl [--version] [--help] [-p] COMMAND [ARGS]\n"
	      "       dlmctl help [COMMAND]\n"
	      "\n"
	      "The Linux DLM's slots and recovery callbacks, simulated, explored\n"
	      "and read from the kernel.\n"
	      "\n"
	      "Commands (dlmctl help COMMAND, or COMMAND --help, for each):\n"
	      "  sim              simulate a cluster running gfs2's recovery\n"
	      "                   protocol (default: the built-in 3-node\n"
	      "                   scenario)\n"
	      "  explore          explore every recovery ordering up to the\n"
	      "                   bounds, or random ones (--random)\n"
	      "  slots            the slot table of each lockspace (kernel)\n"
	      "  recover          generation and recovery state of each\n"
	      "                   lockspace (kernel)\n"
	      "  recover watch    stream the kernel's recovery events\n"
	      "  recover check    check traces against the callback-ordering\n"
	      "                   contract and, with --invariants, S1-S5\n"
	      "  emulate          run the recovery protocol on a real\n"
	      "                   userspace lockspace (libdlm, kernel events)\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help       this text (also: dlmctl help)\n"
	      "  -V, --version    the versions of dlmctl and of the library\n"
	      "  -p, --pretty     before COMMAND: indent the JSON document of -j\n"
	      "                   (slots, recover, explore, recover check; the\n"
	      "                   JSON Lines of sim and recover watch stay one\n"
	      "                   object a line)\n"
	      "\n"
	      "Every command takes -j (JSON).  Exit status: 0 ok, 1 violation\n"
	      "found, 2 usage or input error, 3 runtime error.  See dlmctl(8).\n",
	      f);
	return f == stderr ? DLMCTL_EXIT_USAGE : 0;
}
