// SPDX-License-Identifier: GPL-2.0-or-later
/* dlmctl slots, dlmctl recover [LOCKSPACE], dlmctl recover watch: the
 * kernel's slots and recovery events, from the kernel patches' netlink
 * family, or from the kernel log without it (or with --klog). */
#include <errno.h>
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

#include "args.h"
#include "dlmctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * Where the data comes from: the dlm_recover family, or, when the kernel
 * lacks it (a stock DLM) or --klog asks for it, the kernel log
 * (include/dlmrecover.h, group klog).
 */
struct src {
	struct dlmr_kernel *k;
	struct dlmr_klog *l;
	bool fallback; /* the family is missing */
	bool boot;     /* a saved log: times are since boot */
};

/* What the kernel log cannot tell (include/dlmrecover.h, group klog). */
static const char *const klog_unknown[] = {
	"ops", "seq", "the slot the kernel gave recover_slot",
};

#define KLOG_NOTE "from the kernel log: callbacks, the kernel's event " \
	"numbers and the slot it gave recover_slot are not known"

static int src_open(struct src *s, bool klog, const char *file)
{
	int r;

	memset(s, 0, sizeof(*s));
	if (!klog) {
		r = dlmr_kernel_open(&s->k);
		if (!r)
			return 0;
		if (r != -EPROTONOSUPPORT)
			return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
					    dlmr_kernel_strerror(r));
		s->fallback = true;
	}
	s->boot = file != NULL;
	r = dlmr_klog_open(&s->l, file);
	if (r)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s%s%s%s",
				    s->fallback ? "no dlm_recover family, and "
				    "the kernel log fallback failed: " : "",
				    file ? file : "", file ? ": " : "",
				    file ? strerror(-r) : dlmr_klog_strerror(r));
	return 0;
}

static void src_close(struct src *s)
{
	dlmr_kernel_close(s->k);
	dlmr_klog_close(s->l);
}

static const char *src_strerror(const struct src *s, int r)
{
	return s->l ? dlmr_klog_strerror(r) : dlmr_kernel_strerror(r);
}

static int src_get(struct src *s, const char *ls, struct dlmr_ls_info *o)
{
	return s->l ? dlmr_klog_get(s->l, ls, o) : dlmr_kernel_get(s->k, ls, o);
}

static int src_list(struct src *s, struct dlmr_ls_info **o, size_t *n)
{
	return s->l ? dlmr_klog_list(s->l, o, n) : dlmr_kernel_list(s->k, o, n);
}

static uint32_t src_nodeid(const struct src *s)
{
	return s->l ? dlmr_klog_our_nodeid(s->l) : dlmr_kernel_our_nodeid(s->k);
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
static int collect(struct src *k, char **names, int n,
		   struct dlmr_ls_info **out, size_t *count)
{
	int r;

	if (!n) {
		r = src_list(k, out, count);
		if (r == -EAGAIN && !k->l)
			return dlmctl_error(DLMCTL_EXIT_RUNTIME,
					    "the lockspace list changed during each of 5 dumps; try again");
		return r ? dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
					src_strerror(k, r)) : 0;
	}
	*out = calloc((size_t)n, sizeof(**out));
	if (!*out)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	for (int i = 0; i < n; i++) {
		r = src_get(k, names[i], &(*out)[i]);
		if (r) {
			free(*out);
			*out = NULL;
			return dlmctl_error(r == -ENOENT || r == -ENAMETOOLONG ?
					    DLMCTL_EXIT_USAGE : DLMCTL_EXIT_RUNTIME,
					    "%s: %s", names[i],
					    r == -ENAMETOOLONG ?
					    "lockspace name longer than 64 characters" :
					    src_strerror(k, r));
		}
	}
	*count = (size_t)n;
	return 0;
}

static bool since_boot; /* set once by show(): a saved kernel log */

/* "2026-11-25 10:12:03.123 UTC", or "235.944 s after boot" */
static const char *wall_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;

	if (since_boot) {
		snprintf(buf, len, "%" PRIu64 ".%03u s after boot",
			 ns / 1000000000u, (unsigned int)(ns / 1000000u % 1000u));
		return buf;
	}
	if (!gmtime_r(&t, &tm) ||
	    !(n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm)))
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else
		snprintf(buf + n, len - n, ".%03u UTC",
			 (unsigned int)(ns / 1000000u % 1000u));
	return buf;
}

/* The last recovery line of dlmctl recover. */
/*
 * How long the recovery @l took: on the monotonic clock when the kernel
 * reports it (a step of the wall clock does not change it), else on the
 * wall clock (the kernel log); false if neither gives a duration.
 */
static bool last_duration(const struct dlmr_ls_last *l, uint64_t *took)
{
	if (l->start_mono_ns && l->done_mono_ns >= l->start_mono_ns) {
		*took = l->done_mono_ns - l->start_mono_ns;
		return true;
	}
	if (!l->start_mono_ns && !l->done_mono_ns && l->start_ns &&
	    l->done_ns >= l->start_ns) {
		*took = l->done_ns - l->start_ns;
		return true;
	}
	return false;
}

static void print_last(const struct dlmr_ls_last *l, bool klog)
{
	char when[64], when2[64];
	uint64_t took;

	printf("  last recovery: ");
	if (!l->known && klog) {
		printf("none in the kernel log\n");
		return;
	}
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
	if (l->start_ns && last_duration(l, &took))
		printf("started %s, took %.3f s", wall_time(l->start_ns, when,
							    sizeof(when)),
		       (double)took / 1e9);
	else if (l->start_ns)
		printf("started %s, done %s", wall_time(l->start_ns, when,
							sizeof(when)),
		       wall_time(l->done_ns, when2, sizeof(when2)));
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
	uint64_t took;

	if (!l->known)
		return NULL;
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "start_ns", json_object_new_uint64(l->start_ns));
	json_object_object_add(o, "done_ns", json_object_new_uint64(l->done_ns));
	json_object_object_add(o, "start_mono_ns", json_object_new_uint64(l->start_mono_ns));
	json_object_object_add(o, "done_mono_ns", json_object_new_uint64(l->done_mono_ns));
	json_object_object_add(o, "duration_ns", l->start_ns && last_duration(l, &took) ?
			       json_object_new_uint64(took) : NULL);
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
			      bool slots, bool klog)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ls", json_object_new_string(in->name));
	json_object_object_add(o, "source", json_object_new_string(
			       klog ? "kernel-log" : "netlink"));
	if (klog) {
		json_object *u = json_object_new_array();

		for (size_t i = 0; i < sizeof(klog_unknown) /
		     sizeof(klog_unknown[0]); i++)
			json_object_array_add(u, json_object_new_string(
					      klog_unknown[i]));
		if (!in->num_slots && !in->generation)
			json_object_array_add(u, json_object_new_string(
				"slots (not in the kernel log: it wrapped or "
				"was cleared)"));
		if (!in->id)
			json_object_array_add(u, json_object_new_string("id"));
		if (!me)
			json_object_array_add(u, json_object_new_string(
				"node (a saved log: --nodeid N)"));
		json_object_object_add(o, "unknown", u);
	}
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
		json_object_object_add(o, "mono_ns", json_object_new_int64((int64_t)in->mono_ns));
		json_object_object_add(o, "last", last_json(&in->last));
	}
	return o;
}

static int show(int argc, char **argv, bool slots)
{
	struct dlmctl_show_args a;
	struct src k;
	struct dlmr_ls_info *v = NULL;
	size_t n = 0;
	uint32_t me;
	int r;

	r = dlmctl_show_args(argc, argv, &a);
	if (r || a.help)
		return r ? r : dlmctl_help(slots ? "slots" : "recover");
	r = src_open(&k, a.klog, a.file);
	if (r)
		return r;
	if (a.nodeid)
		dlmr_klog_set_nodeid(k.l, a.nodeid);
	since_boot = k.boot;
	r = collect(&k, a.names, a.n_names, &v, &n);
	me = src_nodeid(&k);
	if (r) {
		src_close(&k);
		return r;
	}
	if (a.json) {
		json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, info_json(&v[i], me, slots,
							   k.l != NULL));
		puts(json_object_to_json_string_ext(arr, dlmctl_json_flags(0)));
		json_object_put(arr);
	} else {
		if (k.l)
			printf("(%s%s)\n", k.fallback ? "this kernel's DLM has "
			       "no dlm_recover family; " : "", KLOG_NOTE);
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
				       "last event #%" PRIu64 "%s\n",
				       state_name(v[i].state), v[i].members,
				       k.l ? "not known" : v[i].ops ?
				       "registered" : "none", v[i].seq,
				       k.l ? " (counted in the log)" : "");
				print_last(&v[i].last, k.l != NULL);
			}
		}
		if (!n)
			printf("no lockspaces\n");
	}
	free(v);
	src_close(&k);
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

/* dlmctl recover watch [LOCKSPACE] [-j] [-q] [--count N] [--rcvbuf BYTES]
 * [--klog] */
int dlmctl_recover_watch(int argc, char **argv)
{
	struct dlmctl_watch_args a;
	struct src k;
	struct dlmr_event *ev;
	const char *only;
	unsigned long count, seen = 0;
	bool json;
	char line[8192];
	int r;

	r = dlmctl_watch_args(argc, argv, &a);
	if (r || a.help)
		return r ? r : dlmctl_help("recover watch");
	only = a.only;
	count = a.count;
	json = a.json;
	ev = malloc(sizeof(*ev));
	if (!ev)
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "out of memory");
	r = src_open(&k, a.klog, NULL);
	if (r) {
		free(ev);
		return r;
	}
	r = k.l ? dlmr_klog_subscribe(k.l) :
	    dlmr_kernel_subscribe(k.k, a.rcvbuf);
	if (r) {
		src_close(&k);
		free(ev);
		return dlmctl_error(DLMCTL_EXIT_RUNTIME, "%s",
				    src_strerror(&k, r));
	}
	/* the socket is in the group: scripts may start the cluster now */
	if (!a.quiet)
		fprintf(stderr, "dlmctl: recover watch: subscribed (%s%s)%s%s%s\n",
			only ? "lockspace " : "all lockspaces", only ? only : "",
			k.l ? " " : "", k.fallback ? "no dlm_recover family; " :
			"", k.l ? KLOG_NOTE : "");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop && (!count || seen < count)) {
		struct pollfd p = {
			.fd = k.l ? dlmr_klog_fd(k.l) : dlmr_kernel_fd(k.k),
			.events = POLLIN,
		};

		if (poll(&p, 1, 500) < 0 && errno != EINTR)
			break;
		while ((r = k.l ? dlmr_klog_next_event(k.l, ev) :
			    dlmr_kernel_next_event(k.k, ev)) == 1) {
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
				char when[64];

				printf("%s %s #%" PRIu64 " %s", ev->time_ns ?
				       wall_time(ev->time_ns, when, sizeof(when)) :
				       "(no time)", ev->ls, ev->seq,
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
				     src_strerror(&k, r));
			break;
		}
	}
	src_close(&k);
	free(ev);
	return r < 0 ? DLMCTL_EXIT_RUNTIME : 0;
}
