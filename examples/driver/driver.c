// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tutorial: gfs2's first-mounter and journal-recovery protocol on a real
 * userspace lockspace, with the library's driver (include/dlmrecover.h,
 * group driver).  The driver does the locking (libdlm), reads the
 * kernel's recovery events (the series' netlink family) and runs the
 * timers; this program owns the journals: it is asked to recover one
 * with a callback, and answers when done.  Here "recovering" journal J
 * is a line on stdout, answered at the next turn of the loop, as a real
 * consumer would answer when its replay thread (or its async I/O) ends.
 *
 * Build:  cc driver.c $(pkg-config --cflags --libs dlmrecover)
 * Run:    ./a.out LOCKSPACE JOURNALS       (as root, on a node of a
 *         cluster running dlm_controld and the patched dlm.ko)
 *
 * Stop it with SIGINT or SIGTERM: it unmounts and releases the
 * lockspace.  Exit status 0 on a clean leave, 1 on an error (one line
 * on stderr), 2 on bad arguments.  `dlmctl emulate` is the same loop
 * with the directory replayer and the trace on stdout.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlmrecover.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Journals asked for and not answered yet (at most one per journal). */
static int pending[DLMR_JOURNALS_MAX];
static unsigned int npending;

/* The driver asks: recover journal jid (its lock is held).  Start it;
 * answer later with dlmr_driver_journal_done(). */
static int recover(void *arg, int jid)
{
	(void)arg;
	printf("recover journal %d\n", jid);
	pending[npending++] = jid;
	return 0;
}

/* Every decision, in the trace schema; print a few of them. */
static void trace(void *arg, const struct dlmr_event *ev)
{
	(void)arg;
	switch (ev->type) {
	case DLMR_EV_DONE:
		printf("done: generation %u, our slot %d\n", ev->generation,
		       ev->our_slot);
		break;
	case DLMR_EV_SLOT:
		printf("node %u failed (slot %d)\n", ev->nodeid, ev->slot);
		break;
	case DLMR_EV_MOUNTED:
		printf("mounted: jid %d%s\n", ev->jid,
		       ev->first ? ", first mounter" : "");
		break;
	case DLMR_EV_BLOCK:
	case DLMR_EV_UNBLOCK:
	case DLMR_EV_UNMOUNTED:
		printf("%s\n", dlmr_event_name(ev->type));
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	struct dlmr_driver_config cfg = { .recover = recover, .trace = trace };
	struct sigaction sa = { .sa_handler = on_signal };
	struct dlmr_driver_status st;
	struct dlmr_driver *d;
	bool leaving = false;
	int r;

	if (argc != 3 || atoi(argv[2]) < 1 ||
	    atoi(argv[2]) > DLMR_JOURNALS_MAX) {
		fprintf(stderr, "usage: %s LOCKSPACE JOURNALS (1..%d)\n",
			argv[0], DLMR_JOURNALS_MAX);
		return 2;
	}
	cfg.lockspace = argv[1];
	cfg.coord.journals = (unsigned int)atoi(argv[2]);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* join: subscribe to the kernel's events, create the lockspace,
	 * take the join's done, start mounting */
	r = dlmr_driver_new(&cfg, &d);
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			r == -ENODEV || r == -EPROTONOSUPPORT ?
			dlmr_kernel_strerror(r) : strerror(-r));
		return 1;
	}
	/* one descriptor, no threads: poll it, dispatch, answer */
	do {
		struct pollfd p = { .fd = dlmr_driver_fd(d), .events = POLLIN };

		if (stop && !leaving) {
			leaving = true;
			r = dlmr_driver_unmount(d);
			if (r)
				break;
		}
		/* a turn of the loop: our "replays" are done */
		while (npending && !r)
			r = dlmr_driver_journal_done(d, pending[--npending],
						     DLMR_JOURNAL_SUCCESS);
		if (r)
			break;
		if (poll(&p, 1, npending ? 0 : 1000) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		r = dlmr_driver_dispatch(d);
	} while (r == 0);
	if (r == 1 && !dlmr_driver_status(d, &st) && st.error)
		r = st.error; /* finished: the mount failed */
	dlmr_driver_free(d); /* releases the lockspace */
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(-r));
		return 1;
	}
	return 0;
}
