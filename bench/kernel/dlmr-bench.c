// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dlmr-bench: the VM lab's kernel benchmark helper (bench/kernel).
 *
 *   dlmr-bench latency [--count N] [--rcvbuf BYTES]
 *       Subscribe to the dlm_recover events (libdlmrecover), print
 *       "subscribed" on stderr, then one line per event received:
 *           LS SEQ EVENT TIME_NS RECV_NS
 *       TIME_NS is the kernel's CLOCK_REALTIME stamp of the event, RECV_NS
 *       clock_gettime(CLOCK_REALTIME) when dlmr_kernel_next_event() handed
 *       it over.  Stops after N events (0: on SIGTERM/SIGINT), then prints
 *       "events N lost L median_us M p99_us P max_us X" on stderr.
 *
 *   dlmr-bench time K 'CMD A...' 'CMD B...'
 *       After one untimed run of each, run A and B alternately, K times
 *       each (argv split on spaces, no shell, stdout and stderr to
 *       /dev/null; each must exit 0), timing fork to wait with
 *       CLOCK_MONOTONIC.  Prints
 *           A median_us M p90_us P | B median_us M p90_us P | ratio R
 *       with R = median(A) / median(B).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dlmrecover.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* the q-quantile (nearest rank) of n sorted values */
static uint64_t quantile(const uint64_t *v, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(q * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return v[i - 1];
}

static int latency(int argc, char **argv)
{
	unsigned long count = 0, rcvbuf = 0, n = 0, lost = 0;
	struct dlmr_kernel *k;
	struct dlmr_event ev;
	uint64_t *d = NULL;
	size_t cap = 0;
	int r;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--rcvbuf") && i + 1 < argc)
			rcvbuf = strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "dlmr-bench latency: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	r = dlmr_kernel_open(&k);
	if (!r)
		r = dlmr_kernel_subscribe(k, (int)rcvbuf);
	if (r) {
		fprintf(stderr, "dlmr-bench: %s\n", dlmr_kernel_strerror(r));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "subscribed\n");
	while (!stop && (!count || n < count)) {
		struct pollfd p = { .fd = dlmr_kernel_fd(k), .events = POLLIN };

		if (poll(&p, 1, 500) < 0 && errno != EINTR)
			break;
		while ((!count || n < count) && (r = dlmr_kernel_next_event(k, &ev)) == 1) {
			uint64_t t = now_ns(CLOCK_REALTIME);

			if (ev.type == DLMR_EV_LOST) {
				lost++;
				printf("%s - lost - -\n", ev.ls[0] ? ev.ls : "*");
				continue;
			}
			printf("%s %" PRIu64 " %s %" PRIu64 " %" PRIu64 "\n", ev.ls,
			       ev.seq, dlmr_event_name(ev.type), ev.time_ns, t);
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				d = realloc(d, cap * sizeof(*d));
				if (!d)
					return 1;
			}
			d[n++] = t > ev.time_ns ? t - ev.time_ns : 0;
		}
		if (r < 0) {
			fprintf(stderr, "dlmr-bench: %s\n", dlmr_kernel_strerror(r));
			return 1;
		}
	}
	qsort(d, n, sizeof(*d), cmp_u64);
	fprintf(stderr, "events %lu lost %lu median_us %.1f p99_us %.1f max_us %.1f\n",
		n, lost, quantile(d, n, 0.5) / 1e3, quantile(d, n, 0.99) / 1e3,
		n ? d[n - 1] / 1e3 : 0.0);
	free(d);
	dlmr_kernel_close(k);
	return 0;
}

/* split a command on spaces into a NULL-terminated argv (in place) */
static char **split(char *s)
{
	char **v = calloc(strlen(s) / 2 + 2, sizeof(*v));
	size_t n = 0;

	if (!v)
		exit(1);
	for (char *t = strtok(s, " "); t; t = strtok(NULL, " "))
		v[n++] = t;
	return v;
}

static uint64_t run_once(char **av)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	int st;
	pid_t p = fork();

	if (p < 0) {
		perror("fork");
		exit(1);
	}
	if (!p) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execvp(av[0], av);
		_exit(127);
	}
	if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "dlmr-bench time: '%s' failed (status %d)\n", av[0], st);
		exit(1);
	}
	return now_ns(CLOCK_MONOTONIC) - t0;
}

static int timecmp(int argc, char **argv)
{
	unsigned long k;
	uint64_t *a, *b;
	char **av, **bv;

	if (argc != 3 || !(k = strtoul(argv[0], NULL, 10))) {
		fprintf(stderr, "usage: dlmr-bench time K 'CMD A' 'CMD B'\n");
		return 2;
	}
	av = split(argv[1]);
	bv = split(argv[2]);
	a = calloc(k, sizeof(*a));
	b = calloc(k, sizeof(*b));
	if (!a || !b)
		return 1;
	/* one untimed run each: the first pays for cold caches */
	run_once(av);
	run_once(bv);
	for (unsigned long i = 0; i < k; i++) {
		a[i] = run_once(av);
		b[i] = run_once(bv);
	}
	qsort(a, k, sizeof(*a), cmp_u64);
	qsort(b, k, sizeof(*b), cmp_u64);
	printf("A median_us %.0f p90_us %.0f | B median_us %.0f p90_us %.0f | ratio %.2f\n",
	       quantile(a, k, 0.5) / 1e3, quantile(a, k, 0.9) / 1e3,
	       quantile(b, k, 0.5) / 1e3, quantile(b, k, 0.9) / 1e3,
	       (double)quantile(a, k, 0.5) / (double)quantile(b, k, 0.5));
	free(a);
	free(b);
	free(av);
	free(bv);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "latency"))
		return latency(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "time"))
		return timecmp(argc - 2, argv + 2);
	fprintf(stderr, "usage: dlmr-bench latency [--count N] [--rcvbuf BYTES]\n"
		"       dlmr-bench time K 'CMD A' 'CMD B'\n");
	return 2;
}
