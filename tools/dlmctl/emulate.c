// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlmctl emulate LOCKSPACE --journals N --dir PATH: the coordinator
 * (gfs2's first-mounter and journal-recovery protocol) on a real
 * userspace lockspace, through the library's driver (include/
 * dlmrecover.h, group driver): it joins, prints every decision as a
 * JSON Lines trace as it happens, replays failed nodes' journals from
 * PATH, writes its own, and leaves cleanly on SIGTERM or SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <dlmrecover.h>

#include "dlmctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_event(void *arg, const struct dlmr_event *ev)
{
	char line[8192];

	(void)arg;
	if (dlmr_trace_format(ev, line, sizeof(line)) > 0)
		puts(line);
	else
		dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s event not written: out "
			     "of the trace schema's range",
			     dlmr_event_name(ev->type));
}

/* The one line for an error of dlmr_driver_new(). */
static const char *join_error(int r)
{
	switch (r) {
	case -EACCES:
		return "no permission on /dev/misc/dlm-control (creating a "
		       "lockspace needs root)";
	case -EPERM:
		return "permission denied: the kernel's recovery events and "
		       "creating a lockspace need CAP_SYS_ADMIN";
	case -ENOENT:
		return "no /dev/misc/dlm-control: is dlm_controld running?";
	case -ENOTCONN:
		return "corosync is not running (--source cpg needs its CPG)";
	case -ENODEV:
	case -EPROTONOSUPPORT:
		return dlmr_kernel_strerror(r);
	default:
		return strerror(-r);
	}
}

int dlmctl_emulate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "journals", required_argument, NULL, 'J' },
		{ "dir", required_argument, NULL, 'd' },
		{ "write-ms", required_argument, NULL, 'w' },
		{ "fix", required_argument, NULL, 'F' },
		{ "source", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dlmr_driver_config cfg = { .write_ms = 50,
					  .trace = print_event };
	struct dlmr_driver *d = NULL;
	struct dlmr_driver_status st;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long v;
	bool quiet = false;
	struct stat sb;
	time_t deadline = 0;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			if (dlmctl_parse_ulong("--journals", optarg, 1,
					       DLMR_JOURNALS_MAX, &v))
				return DLMCTL_EXIT_USAGE;
			cfg.coord.journals = (unsigned int)v;
			break;
		case 'd':
			cfg.journal_dir = optarg;
			break;
		case 'w':
			if (dlmctl_parse_ulong("--write-ms", optarg, 0, 60000,
					       &v))
				return DLMCTL_EXIT_USAGE;
			cfg.write_ms = (unsigned int)v;
			break;
		case 'F':
			r = dlmr_fix_from_name(optarg);
			if (r < 0)
				return dlmctl_usage_error("unknown fix '%s' "
							  "(dlmctl explore "
							  "--fix list)", optarg);
			cfg.coord.fixes |= 1u << r;
			break;
		case 's':
			if (!strcmp(optarg, "netlink"))
				cfg.source = DLMR_SOURCE_NETLINK;
			else if (!strcmp(optarg, "cpg"))
				cfg.source = DLMR_SOURCE_CPG;
			else
				return dlmctl_usage_error("--source: '%s' is "
							  "not netlink or cpg",
							  optarg);
			break;
		case 'j':
			break; /* JSON Lines is the only output */
		case 'q':
			quiet = true;
			break;
		case 'h':
			return dlmctl_help("emulate");
		default:
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (optind >= argc)
		return dlmctl_usage_error("no LOCKSPACE given");
	cfg.lockspace = argv[optind++];
	if (optind < argc)
		return dlmctl_usage_error("one LOCKSPACE only ('%s' too)",
					  argv[optind]);
	if (!cfg.lockspace[0] || strlen(cfg.lockspace) > DLMR_LSNAME_MAX)
		return dlmctl_usage_error("lockspace name empty or longer than "
					  "64 characters");
	if (!cfg.coord.journals)
		return dlmctl_usage_error("--journals N is required");
	if (!cfg.journal_dir)
		return dlmctl_usage_error("--dir PATH is required");
	if (stat(cfg.journal_dir, &sb) || !S_ISDIR(sb.st_mode))
		return dlmctl_usage_error("--dir %s: not a directory",
					  cfg.journal_dir);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = dlmr_driver_new(&cfg, &d);
	if (r)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s: %s",
				    cfg.lockspace, join_error(r));
	if (!quiet)
		fprintf(stderr, "dlmctl: emulate: joined %s\n", cfg.lockspace);
	for (;;) {
		struct pollfd p = { .fd = dlmr_driver_fd(d), .events = POLLIN };

		if (stop && !deadline) {
			/* leave: our journal clean, unmount, release */
			deadline = time(NULL) + 30;
			r = dlmr_driver_unmount(d);
			if (r)
				break;
		}
		if (deadline && time(NULL) > deadline) {
			r = -ETIMEDOUT;
			break;
		}
		if (poll(&p, 1, 500) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		r = dlmr_driver_dispatch(d);
		if (r)
			break;
	}
	dlmr_driver_status(d, &st);
	dlmr_driver_free(d); /* releases the lockspace: leave is traced */
	if (r < 0)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s: %s%s",
				    cfg.lockspace, r == -ETIMEDOUT ?
				    "the unmount did not end in 30 s" :
				    strerror(-r), r == -EPROTO ?
				    " (the coordinator refused an input: a "
				    "bug)" : "");
	if (st.error)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s: mount failed: %s",
				    cfg.lockspace, strerror(-st.error));
	if (!quiet)
		fprintf(stderr, "dlmctl: emulate: left %s: jid %d%s, %u "
			"journals replayed, %llu records written\n",
			cfg.lockspace, st.coord.jid,
			st.coord.first ? " (first mounter)" : "", st.replays,
			(unsigned long long)st.appends);
	return 0;
}
