// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl slots, dlmctl recover [LOCKSPACE], dlmctl recover watch: the
 * kernel's slots and recovery events (needs the kernel patches). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <dlmrecover.h>

#include "dlmctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int open_kernel(struct dlmr_kernel **k)
{
	int r = dlmr_kernel_open(k);

	if (r)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
				    dlmr_kernel_strerror(r));
	return 0;
}

static const char *state_name(int s)
{
	switch (s) {
	case DLMR_LS_RUNNING:
		return "running";
	case DLMR_LS_STOPPED:
		return "stopped";
	case DLMR_LS_RECOVERING:
		return "recovering";
	default:
		return "unknown";
	}
}

/* The lockspaces named on the command line, or all of them. */
static int collect(struct dlmr_kernel *k, char **names, int n,
		   struct dlmr_ls_info **out, size_t *count)
{
	int r;

	if (!n) {
		r = dlmr_kernel_list(k, out, count);
		return r ? dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
					dlmr_kernel_strerror(r)) : 0;
	}
	*out = calloc((size_t)n, sizeof(**out));
	if (!*out)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	for (int i = 0; i < n; i++) {
		r = dlmr_kernel_get(k, names[i], &(*out)[i]);
		if (r) {
			free(*out);
			*out = NULL;
			return dlmctl_error(r == -ENOENT || r == -ENAMETOOLONG ?
					    DLMCTL_EXIT_USAGE : DLMCTL_EXIT_RUNTIME,
					    "%s: %s", names[i],
					    r == -ENAMETOOLONG ?
					    "lockspace name longer than 64 characters" :
					    dlmr_kernel_strerror(r));
		}
	}
	*count = (size_t)n;
	return 0;
}

/* "2026-11-25 10:12:03.123 UTC" */
static const char *wall_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t, &tm) ||
	    !(n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm)))
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else
		snprintf(buf + n, len - n, ".%03u UTC",
			 (unsigned int)(ns / 1000000u % 1000u));
	return buf;
}

/* The last recovery line of dlmctl recover. */
static void print_last(const struct dlmr_ls_last *l)
{
	char when[64];

	printf("  last recovery: ");
	if (!l->known) {
		printf("not reported (the kernel's dlm_recover family has "
		       "no LAST)\n");
		return;
	}
	if (!l->done_ns) {
		printf("none completed yet\n");
		return;
	}
	printf("generation %u, ", l->generation);
	if (l->start_ns && l->done_ns >= l->start_ns)
		printf("started %s, took %.3f s", wall_time(l->start_ns, when,
							    sizeof(when)),
		       (double)(l->done_ns - l->start_ns) / 1e9);
	else
		printf("initial join (no prep), done %s",
		       wall_time(l->done_ns, when, sizeof(when)));
	printf(", failed:");
	for (unsigned int i = 0; i < l->num_failed; i++)
		printf("%s nodeid %u slot %d", i ? "," : "",
		       l->failed[i].nodeid, l->failed[i].slot);
	if (!l->num_failed && !l->failed_truncated)
		printf(" none");
	if (l->failed_truncated)
		printf("%s %u more", l->num_failed ? " and" : "",
		       l->failed_truncated);
	putchar('\n');
}

static json_object *last_json(const struct dlmr_ls_last *l)
{
	json_object *o, *a;

	if (!l->known)
		return NULL;
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "start_ns", json_object_new_uint64(l->start_ns));
	json_object_object_add(o, "done_ns", json_object_new_uint64(l->done_ns));
	json_object_object_add(o, "duration_ns", l->start_ns && l->done_ns >= l->start_ns ?
			       json_object_new_uint64(l->done_ns - l->start_ns) : NULL);
	json_object_object_add(o, "generation", json_object_new_int64(l->generation));
	for (unsigned int i = 0; i < l->num_failed; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "nodeid", json_object_new_int64(l->failed[i].nodeid));
		json_object_object_add(f, "slot", json_object_new_int(l->failed[i].slot));
		json_object_array_add(a, f);
	}
	json_object_object_add(o, "failed", a);
	json_object_object_add(o, "failed_truncated",
			       json_object_new_int64(l->failed_truncated));
	return o;
}

static json_object *info_json(const struct dlmr_ls_info *in, uint32_t me,
			      bool slots)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ls", json_object_new_string(in->name));
	json_object_object_add(o, "id", json_object_new_int64(in->id));
	json_object_object_add(o, "generation", json_object_new_int64(in->generation));
	json_object_object_add(o, "our_slot", json_object_new_int(in->our_slot));
	json_object_object_add(o, "node", json_object_new_int64(me));
	if (slots) {
		json_object *a = json_object_new_array();

		for (unsigned int i = 0; i < in->num_slots; i++) {
			json_object *s = json_object_new_object();

			json_object_object_add(s, "nodeid", json_object_new_int64(in->slots[i].nodeid));
			json_object_object_add(s, "slot", json_object_new_int(in->slots[i].slot));
			json_object_object_add(s, "jid", json_object_new_int(in->slots[i].slot - 1));
			json_object_object_add(s, "self", json_object_new_boolean(in->slots[i].nodeid == me));
			json_object_array_add(a, s);
		}
		json_object_object_add(o, "slots", a);
	} else {
		json_object_object_add(o, "state", json_object_new_string(state_name(in->state)));
		json_object_object_add(o, "members", json_object_new_int64(in->members));
		json_object_object_add(o, "ops", json_object_new_boolean(in->ops));
		json_object_object_add(o, "seq", json_object_new_int64((int64_t)in->seq));
		json_object_object_add(o, "time_ns", json_object_new_int64((int64_t)in->time_ns));
		json_object_object_add(o, "last", last_json(&in->last));
	}
	return o;
}

static int show(int argc, char **argv, bool slots)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dlmr_kernel *k = NULL;
	struct dlmr_ls_info *v = NULL;
	size_t n = 0;
	bool json = false;
	uint32_t me;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h')
			return dlmctl_help(slots ? "slots" : "recover");
		else
			return dlmctl_getopt_error(argv, c);
	}
	for (int i = optind; i < argc; i++)
		if (strlen(argv[i]) > DLMR_LSNAME_MAX)
			return dlmctl_usage_error("%.70s...: lockspace name "
						  "longer than %d characters",
						  argv[i], DLMR_LSNAME_MAX);
	r = open_kernel(&k);
	if (r)
		return r;
	r = collect(k, argv + optind, argc - optind, &v, &n);
	me = dlmr_kernel_our_nodeid(k);
	if (r) {
		dlmr_kernel_close(k);
		return r;
	}
	if (json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, info_json(&v[i], me, slots));
		puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
		json_object_put(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%s%s: generation %u, our slot %d\n", i ? "\n" : "",
			       v[i].name, v[i].generation, v[i].our_slot);
			if (slots) {
				printf("  %-8s %-5s %-4s\n", "nodeid", "slot", "jid");
				for (unsigned int s = 0; s < v[i].num_slots; s++)
					printf("  %-8u %-5d %-4d%s\n",
					       v[i].slots[s].nodeid,
					       v[i].slots[s].slot,
					       v[i].slots[s].slot - 1,
					       v[i].slots[s].nodeid == me ?
					       " <- this node" : "");
			} else {
				printf("  state %s, %u members, callbacks %s, "
				       "last event #%" PRIu64 "\n",
				       state_name(v[i].state), v[i].members,
				       v[i].ops ? "registered" : "none",
				       v[i].seq);
				print_last(&v[i].last);
			}
		}
		if (!n)
			printf("no lockspaces\n");
	}
	free(v);
	dlmr_kernel_close(k);
	return 0;
}

int dlmctl_slots(int argc, char **argv)
{
	return show(argc, argv, true);
}

int dlmctl_recover_status(int argc, char **argv)
{
	return show(argc, argv, false);
}

/* The notice of a lost event, one line on stderr. */
static void print_lost(const struct dlmr_event *ev)
{
	fprintf(stderr, "dlmctl: recover watch: %s: lost ",
		ev->ls[0] ? ev->ls : "all lockspaces");
	if (ev->seq)
		fprintf(stderr, "%" PRIu64 " event%s", ev->seq,
			ev->seq == 1 ? "" : "s");
	else
		fprintf(stderr, "an unknown number of events");
	fprintf(stderr, " (%s)", ev->detail);
	if (ev->resynced)
		fprintf(stderr, ", resynced at generation %u, seq %" PRIu64,
			ev->generation, ev->resync_seq);
	fputc('\n', stderr);
}

/*
 * A slot event with slot < 1 (docs/findings.md, finding 7): a warning
 * line on stderr; with -j the explanation also goes into the event's
 * detail (docs/trace-format.md), unless it carries one already.
 */
static void print_hazard(struct dlmr_event *ev, bool json)
{
	char why[256];

	if (dlmr_event_hazard(ev, why, sizeof(why)) != 1)
		return;
	fprintf(stderr, "dlmctl: recover watch: warning: %s #%" PRIu64
		": node %u: %s\n", ev->ls, ev->seq, ev->node, why);
	if (json && !ev->detail[0])
		snprintf(ev->detail, sizeof(ev->detail), "hazard: slot %d from "
			 "a kernel without the slot fix (docs/findings.md, "
			 "finding 7)", ev->slot);
}

/* dlmctl recover watch [LOCKSPACE] [-j] [-q] [--count N] [--rcvbuf BYTES] */
int dlmctl_recover_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dlmr_kernel *k = NULL;
	struct dlmr_event *ev = malloc(sizeof(*ev));
	const char *only = NULL;
	unsigned long count = 0, seen = 0, rcvbuf = 0;
	bool json = false, quiet = false;
	char line[8192];
	int c, r;

	if (!ev)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'c':
			if (dlmctl_parse_ulong("--count", optarg, 0, ULONG_MAX,
					       &count)) {
				free(ev);
				return DLMCTL_EXIT_USAGE;
			}
			break;
		case 'r':
			if (dlmctl_parse_ulong("--rcvbuf", optarg, 0, INT_MAX,
					       &rcvbuf)) {
				free(ev);
				return DLMCTL_EXIT_USAGE;
			}
			break;
		case 'h':
			free(ev);
			return dlmctl_help("recover watch");
		default:
			free(ev);
			return dlmctl_getopt_error(argv, c);
		}
	}
	if (optind < argc)
		only = argv[optind++];
	if (optind < argc || (only && strlen(only) > DLMR_LSNAME_MAX)) {
		free(ev);
		return dlmctl_usage_error("%s", optind < argc ?
					  "one LOCKSPACE at most" :
					  "lockspace name longer than 64 "
					  "characters");
	}
	r = open_kernel(&k);
	if (r) {
		free(ev);
		return r;
	}
	r = dlmr_kernel_subscribe(k, (int)rcvbuf);
	if (r) {
		dlmr_kernel_close(k);
		free(ev);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
				    dlmr_kernel_strerror(r));
	}
	/* the socket is in the group: scripts may start the cluster now */
	if (!quiet)
		fprintf(stderr, "dlmctl: recover watch: subscribed (%s%s)\n",
			only ? "lockspace " : "all lockspaces", only ? only : "");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop && (!count || seen < count)) {
		struct pollfd p = { .fd = dlmr_kernel_fd(k), .events = POLLIN };

		if (poll(&p, 1, 500) < 0 && errno != EINTR)
			break;
		while ((r = dlmr_kernel_next_event(k, ev)) == 1) {
			if (only && ev->ls[0] && strcmp(ev->ls, only))
				continue;
			if (ev->type == DLMR_EV_LOST)
				print_lost(ev);
			print_hazard(ev, json);
			if (json) {
				if (dlmr_trace_format(ev, line, sizeof(line)) > 0)
					puts(line);
				else
					dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s #%"
						     PRIu64 ": %s event not "
						     "written: out of the trace "
						     "schema's range", ev->ls,
						     ev->seq, dlmr_event_name(
						     ev->type));
			} else if (ev->type != DLMR_EV_LOST) {
				printf("%s #%" PRIu64 " %s", ev->ls, ev->seq,
				       dlmr_event_name(ev->type));
				if (ev->type == DLMR_EV_SLOT)
					printf(" nodeid %u slot %d", ev->nodeid,
					       ev->slot);
				if (ev->type == DLMR_EV_DONE)
					printf(" generation %u our_slot %d, %u "
					       "members", ev->generation,
					       ev->our_slot, ev->num_slots);
				putchar('\n');
			}
			if (ev->type != DLMR_EV_LOST && count && ++seen >= count)
				break;
		}
		if (r < 0) {
			dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
				     dlmr_kernel_strerror(r));
			break;
		}
	}
	dlmr_kernel_close(k);
	free(ev);
	return r < 0 ? DLMCTL_EXIT_RUNTIME : 0;
}
