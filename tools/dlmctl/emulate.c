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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <dlmrecover.h>

#include "args.h"
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
	struct dlmctl_emulate_args a;
	struct dlmr_driver_config cfg = { .trace = print_event };
	struct dlmr_driver *d = NULL;
	struct dlmr_driver_status st;
	struct sigaction sa = { .sa_handler = on_signal };
	bool quiet;
	struct stat sb;
	time_t deadline = 0;
	int r;

	r = dlmctl_emulate_args(argc, argv, &a);
	if (r)
		return r;
	if (a.help)
		return dlmctl_help("emulate");
	cfg.lockspace = a.lockspace;
	cfg.journal_dir = a.dir;
	cfg.coord.journals = a.journals;
	cfg.coord.fixes = a.fixes;
	cfg.write_ms = a.write_ms;
	cfg.source = a.source;
	quiet = a.quiet;
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
