// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * labclock: one clock for the lab's VMs.
 *
 * Every VM has its own CLOCK_REALTIME (set from a 1 s RTC at boot, then
 * free-running under TCG), so the traces of two nodes cannot be merged on
 * time_ns as they are.  The lab measures each VM's offset from the host's
 * clock at every check point, NTP-style over UDP (the host answers from
 * the lab's bridge), and rewrites each trace to host time before merging:
 *
 *   labclock serve ADDR PORT           answer probes (the host)
 *   labclock probe ADDR PORT [N]       N exchanges (default 64); prints
 *                                      "LOCAL_NS OFFSET_NS RTT_NS" of the
 *                                      fastest: OFFSET = local - host, known
 *                                      to within RTT / 2
 *   labclock normalise PROBES          stdin -> stdout: every "time_ns":T
 *                                      becomes T - offset(T), the offset
 *                                      interpolated between the PROBES
 *                                      lines ("LOCAL_NS OFFSET_NS ...")
 *
 * Exit status 0, or 1 with one line on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct pkt {
	uint64_t t1; /* client send */
	uint64_t t2; /* server receive */
	uint64_t t3; /* server send */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int die(const char *what)
{
	fprintf(stderr, "labclock: %s: %s\n", what, strerror(errno));
	return 1;
}

static int addr_of(const char *ip, const char *port, struct sockaddr_in *a)
{
	char *end;
	long p = strtol(port, &end, 10);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)p);
	if (*end || p <= 0 || p > 65535 || inet_pton(AF_INET, ip, &a->sin_addr) != 1) {
		fprintf(stderr, "labclock: bad address %s:%s\n", ip, port);
		return -1;
	}
	return 0;
}

static int serve(const char *ip, const char *port)
{
	struct sockaddr_in a, from;
	socklen_t fl;
	struct pkt p;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		return die("socket");
	if (addr_of(ip, port, &a))
		return 1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		return die("bind");
	for (;;) {
		fl = sizeof(from);
		if (recvfrom(s, &p, sizeof(p), 0, (struct sockaddr *)&from, &fl) !=
		    (ssize_t)sizeof(p))
			continue;
		p.t2 = (uint64_t)now_ns();
		p.t3 = (uint64_t)now_ns();
		sendto(s, &p, sizeof(p), 0, (struct sockaddr *)&from, fl);
	}
}

static int probe(const char *ip, const char *port, int n)
{
	struct sockaddr_in a;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	int64_t best_rtt = INT64_MAX, best_off = 0, best_local = 0;
	int s = socket(AF_INET, SOCK_DGRAM, 0), got = 0;

	if (s < 0)
		return die("socket");
	if (addr_of(ip, port, &a))
		return 1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		return die("connect");
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < n; i++) {
		struct pkt p = { .t1 = (uint64_t)now_ns() };
		int64_t t4, rtt, off;

		if (send(s, &p, sizeof(p), 0) != (ssize_t)sizeof(p))
			return die("send");
		for (;;) {
			struct pkt r;

			if (recv(s, &r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break; /* lost: try the next */
				return die("recv");
			}
			if (r.t1 != p.t1)
				continue; /* a late answer to an earlier probe */
			t4 = now_ns();
			rtt = (t4 - (int64_t)p.t1) - ((int64_t)r.t3 - (int64_t)r.t2);
			/* host - local at the middle of the exchange */
			off = (((int64_t)r.t2 - (int64_t)p.t1) +
			       ((int64_t)r.t3 - t4)) / 2;
			if (rtt < best_rtt) {
				best_rtt = rtt;
				best_off = -off;
				best_local = (int64_t)p.t1 + (t4 - (int64_t)p.t1) / 2;
			}
			got++;
			break;
		}
	}
	if (!got) {
		fprintf(stderr, "labclock: no answer from %s:%s\n", ip, port);
		return 1;
	}
	printf("%" PRId64 " %" PRId64 " %" PRId64 "\n", best_local, best_off,
	       best_rtt);
	return 0;
}

struct probe_pt {
	int64_t local, off;
};

static int cmp_pt(const void *a, const void *b)
{
	const struct probe_pt *x = a, *y = b;

	return (x->local > y->local) - (x->local < y->local);
}

static int64_t offset_at(const struct probe_pt *pt, size_t n, int64_t t)
{
	size_t i;

	if (t <= pt[0].local)
		return pt[0].off;
	for (i = 1; i < n; i++) {
		if (t <= pt[i].local) {
			const struct probe_pt *a = &pt[i - 1], *b = &pt[i];
			long double f = (long double)(t - a->local) /
					(long double)(b->local - a->local);

			return a->off + (int64_t)(f * (long double)(b->off - a->off));
		}
	}
	return pt[n - 1].off;
}

static int normalise(const char *file)
{
	FILE *f = fopen(file, "r");
	struct probe_pt *pt = NULL;
	size_t n = 0, cap = 0, len = 0;
	char *line = NULL;
	long lineno = 0;

	if (!f)
		return die(file);
	while (getline(&line, &cap, f) > 0) {
		int64_t l, o;

		lineno++;
		if (sscanf(line, "%" SCNd64 " %" SCNd64, &l, &o) != 2) {
			fprintf(stderr, "labclock: %s:%ld: expected LOCAL_NS OFFSET_NS\n",
				file, lineno);
			return 1;
		}
		if (n == len) {
			len = len ? 2 * len : 16;
			pt = realloc(pt, len * sizeof(*pt));
			if (!pt)
				return die("realloc");
		}
		pt[n].local = l;
		pt[n].off = o;
		n++;
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "labclock: %s: no probes\n", file);
		return 1;
	}
	qsort(pt, n, sizeof(*pt), cmp_pt);
	while (getline(&line, &cap, stdin) > 0) {
		const char *key = "\"time_ns\":";
		char *p = strstr(line, key), *end;
		int64_t t;

		if (!p) {
			fputs(line, stdout);
			continue;
		}
		p += strlen(key);
		t = strtoll(p, &end, 10);
		fwrite(line, 1, (size_t)(p - line), stdout);
		printf("%" PRId64, t - offset_at(pt, n, t));
		fputs(end, stdout);
	}
	free(line);
	free(pt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "probe"))
		return probe(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : 64);
	if (argc == 3 && !strcmp(argv[1], "normalise"))
		return normalise(argv[2]);
	fprintf(stderr, "usage: labclock serve ADDR PORT | probe ADDR PORT [N] | normalise PROBES\n");
	return 2;
}
