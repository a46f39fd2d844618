// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Slots and recovery events read from the kernel log, for a DLM without
 * the dlm_recover family (a stock kernel).
 *
 * Every DLM since 3.3 logs, at KERN_INFO while configfs's log_info is on
 * (the default), what this file needs (fs/dlm, the same text on 6.1 and
 * 6.12):
 *
 *   dlm: LS: joining the lockspace group...      lockspace.c, new_lockspace
 *   dlm: LS: dlm_recover SEQ                     recoverd.c, ls_recover
 *   dlm: LS: remove member NODEID[ comm_seq..]   member.c, dlm_recover_members
 *   dlm: LS: dlm_recover_members N nodes         member.c
 *   dlm: LS: generation G slots N S:ID ...       member.c, log_slots
 *   dlm: LS: dlm_recover SEQ generation G done: T ms   recoverd.c
 *   dlm: LS: leaving the lockspace group...      lockspace.c, release
 *   dlm: LS: FUNC final free                     lockspace.c
 *
 * A recovery's recover_prep is dlm_ls_stop(), just before "dlm_recover
 * SEQ" (none for the joining node's first recovery); its recover_slot
 * calls come with "remove member", and its recover_done right after
 * "... done".  The slot of a removed member is the one it had in the
 * last table, as the series' patch 0001 reports it (a stock kernel may
 * give its recover_slot -1 or 0: docs/findings.md, finding 7).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct klog_ls {
	char name[DLMR_LSNAME_MAX + 1];
	bool joining;                     /* no recovery done yet */
	bool recovering;                  /* between dlm_recover and done */
	bool table;                       /* a table is known */
	uint32_t generation;
	unsigned int num_slots;
	struct dlmr_slot slots[DLMR_SLOTS_MAX];
	bool ptable;                      /* a table logged in this recovery */
	uint32_t pgeneration;
	unsigned int pnum_slots;
	struct dlmr_slot pslots[DLMR_SLOTS_MAX];
	uint32_t members, pmembers;
	struct dlmr_ls_last last, cur;    /* done; in progress */
	uint64_t seq, time_ns;            /* our events */
	bool gone;
};

struct dlmr_klog {
	int fd;                           /* /dev/kmsg, or -1 */
	bool live, subscribed;
	uint64_t boot_ns;                 /* realtime of the printk clock's 0 */
	uint32_t our_nodeid;
	struct klog_ls *ls;
	size_t nls, cap;
	struct dlmr_event *q;             /* pending events */
	size_t qhead, qlen, qcap;
	uint64_t lost;                    /* records the kernel overwrote */
	char *buf;                        /* one record */
};

#define KMSG_RECORD 8192

DLMR_EXPORT const char *dlmr_klog_strerror(int err)
{
	switch (err) {
	case -EPERM:
	case -EACCES:
		return "permission denied reading the kernel log (/dev/kmsg): "
		       "kernel.dmesg_restrict is set, it needs CAP_SYSLOG";
	case -ENOENT:
		return "no such lockspace";
	case -ENODEV:
		return "the DLM is not loaded (no /sys/kernel/dlm)";
	case -ENOTCONN:
		return "not subscribed";
	case -EOPNOTSUPP:
		return "the DLM's log_info is off (configfs cluster/log_info "
		       "is 0): it logs no slot tables";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

static struct klog_ls *find_ls(struct dlmr_klog *k, const char *name,
			       bool create)
{
	struct klog_ls *l;

	for (size_t i = 0; i < k->nls; i++)
		if (!strcmp(k->ls[i].name, name))
			return &k->ls[i];
	if (!create || strlen(name) > DLMR_LSNAME_MAX)
		return NULL;
	if (k->nls == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 8;

		l = realloc(k->ls, cap * sizeof(*l));
		if (!l)
			return NULL;
		k->ls = l;
		k->cap = cap;
	}
	l = &k->ls[k->nls++];
	memset(l, 0, sizeof(*l));
	strcpy(l->name, name);
	l->last.known = true;
	l->cur.known = true;
	return l;
}

static int push(struct dlmr_klog *k, const struct dlmr_event *ev)
{
	if (!k->subscribed)
		return 0;
	if (k->qhead + k->qlen == k->qcap) {
		if (k->qhead) {
			memmove(k->q, k->q + k->qhead, k->qlen * sizeof(*k->q));
			k->qhead = 0;
		} else {
			size_t cap = k->qcap ? 2 * k->qcap : 16;
			struct dlmr_event *q = realloc(k->q, cap * sizeof(*q));

			if (!q)
				return -ENOMEM;
			k->q = q;
			k->qcap = cap;
		}
	}
	k->q[k->qhead + k->qlen++] = *ev;
	return 0;
}

static void event_init(struct dlmr_klog *k, struct klog_ls *l,
		       struct dlmr_event *ev, enum dlmr_event_type type,
		       uint64_t time_ns)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->time_ns = time_ns;
	ev->seq = ++l->seq;
	ev->node = k->our_nodeid;
	ev->jid = -1;
	l->time_ns = time_ns;
	strcpy(ev->ls, l->name);
}

static int our_slot(const struct dlmr_klog *k, const struct dlmr_slot *s,
		    unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (k->our_nodeid && s[i].nodeid == k->our_nodeid)
			return s[i].slot;
	return 0;
}

/* "G slots N S:ID S:ID ..." (after "generation ") */
static bool parse_table(const char *p, uint32_t *gen, struct dlmr_slot *s,
			unsigned int *n)
{
	unsigned long g, num;
	char *e;

	g = strtoul(p, &e, 10);
	if (e == p || strncmp(e, " slots ", 7))
		return false;
	p = e + 7;
	num = strtoul(p, &e, 10);
	if (e == p || num > DLMR_SLOTS_MAX)
		return false;
	p = e;
	*n = 0;
	while (*p == ' ') {
		unsigned long sl, id;

		sl = strtoul(p + 1, &e, 10);
		if (e == p + 1 || *e != ':' || *n == DLMR_SLOTS_MAX)
			return false;
		p = e + 1;
		id = strtoul(p, &e, 10);
		if (e == p || !sl || sl > DLMR_SLOTS_MAX || !id ||
		    id > UINT32_MAX)
			return false;
		s[*n].slot = (int)sl;
		s[*n].nodeid = (uint32_t)id;
		(*n)++;
		p = e;
	}
	if (*p || *n != num)
		return false;
	/* the log lists the table in slot order; tables are kept sorted by
	 * nodeid (include/dlmrecover.h) */
	for (unsigned int i = 1; i < *n; i++)
		for (unsigned int j = i; j > 0 && s[j - 1].nodeid > s[j].nodeid; j--) {
			struct dlmr_slot t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	*gen = (uint32_t)g;
	return true;
}

/* What a "dlm: LS: MSG" line means for LS. */
static int on_message(struct dlmr_klog *k, const char *name, const char *m,
		      uint64_t t)
{
	struct klog_ls *l = find_ls(k, name, false);
	struct dlmr_event ev;
	unsigned long long seq;
	unsigned int gen, ms, v;
	int pos = 0;

	/* "dlm: " lines that are not a lockspace's (e.g. "dlm: module
	 * verification failed: ...") make no lockspace */
	if (!l && strncmp(m, "dlm_recover", 11) &&
	    strncmp(m, "joining the lockspace group", 27) &&
	    strncmp(m, "generation ", 11) && strncmp(m, "remove member ", 14))
		return 0;
	if (!l && !(l = find_ls(k, name, true)))
		return -ENOMEM;
	if (!strcmp(m, "joining the lockspace group...")) {
		memset(l, 0, sizeof(*l));
		strcpy(l->name, name);
		l->last.known = l->cur.known = true;
		l->joining = true;
		return 0;
	}
	if (!strcmp(m, "leaving the lockspace group...") ||
	    (strlen(m) > 11 && !strcmp(m + strlen(m) - 11, " final free"))) {
		l->gone = true;
		return 0;
	}
	if (sscanf(m, "dlm_recover %llu generation %u done: %u ms%n", &seq,
		   &gen, &ms, &pos) == 3 && !m[pos]) {
		if (l->ptable && l->pgeneration == gen) {
			l->table = true;
			l->num_slots = l->pnum_slots;
			memcpy(l->slots, l->pslots, sizeof(l->slots));
		} else {
			/* no table of this generation: not known */
			l->table = false;
			l->num_slots = 0;
		}
		l->generation = gen;
		l->members = l->pmembers;
		l->cur.done_ns = t;
		l->cur.generation = gen;
		l->last = l->cur;
		memset(&l->cur, 0, sizeof(l->cur));
		l->cur.known = true;
		l->recovering = l->joining = l->ptable = false;
		l->gone = false;
		event_init(k, l, &ev, DLMR_EV_DONE, t);
		ev.generation = gen;
		ev.num_slots = l->num_slots;
		memcpy(ev.slots, l->slots, sizeof(ev.slots));
		ev.our_slot = our_slot(k, l->slots, l->num_slots);
		return push(k, &ev);
	}
	if (sscanf(m, "dlm_recover %llu%n", &seq, &pos) == 1 && !m[pos]) {
		bool prep = !l->recovering && !l->joining;

		if (!l->recovering && !l->cur.start_ns)
			l->cur.start_ns = l->joining ? 0 : t;
		l->recovering = true;
		l->ptable = false;
		if (!prep)
			return 0;
		event_init(k, l, &ev, DLMR_EV_PREP, t);
		return push(k, &ev);
	}
	if (sscanf(m, "remove member %u%n", &v, &pos) == 1 &&
	    (!m[pos] || !strncmp(m + pos, " comm_seq ", 10))) {
		int slot = 0;

		for (unsigned int i = 0; i < l->num_slots; i++)
			if (l->slots[i].nodeid == v)
				slot = l->slots[i].slot;
		if (l->cur.num_failed < DLMR_SLOTS_MAX) {
			l->cur.failed[l->cur.num_failed].nodeid = v;
			l->cur.failed[l->cur.num_failed++].slot = slot;
		} else {
			l->cur.failed_truncated++;
		}
		event_init(k, l, &ev, DLMR_EV_SLOT, t);
		ev.nodeid = v;
		ev.slot = slot;
		return push(k, &ev);
	}
	if (sscanf(m, "dlm_recover_members %u nodes%n", &v, &pos) == 1 &&
	    !m[pos]) {
		l->pmembers = v;
		return 0;
	}
	if (!strncmp(m, "generation ", 11) &&
	    parse_table(m + 11, &l->pgeneration, l->pslots, &l->pnum_slots)) {
		l->ptable = true;
		return 0;
	}
	return 0;
}

/*
 * One line: a /dev/kmsg record ("6,SEQ,USEC,FLAGS;TEXT", continuation
 * lines " KEY=VALUE"), a dmesg line ("[ SEC.USEC] TEXT"), or the text
 * alone (time 0).
 */
DLMR_EXPORT int dlmr_klog_feed(struct dlmr_klog *k, const char *line)
{
	unsigned long long usec = 0;
	char name[DLMR_LSNAME_MAX + 2];
	const char *p = line, *c;
	size_t n;

	if (!k || !line)
		return -EINVAL;
	if (*p == ' ')
		return 0; /* a record's dictionary */
	if (isdigit((unsigned char)*p) && (c = strchr(p, ';'))) {
		unsigned int pri;
		unsigned long long s;

		if (sscanf(p, "%u,%llu,%llu", &pri, &s, &usec) != 3)
			return 0;
		p = c + 1;
	} else if (*p == '[') {
		unsigned long sec, us;
		int pos = 0;

		if (sscanf(p, "[ %lu.%lu]%n", &sec, &us, &pos) != 2 || !pos)
			return 0;
		usec = (unsigned long long)sec * 1000000u + us;
		p += pos;
		while (*p == ' ')
			p++;
	}
	if (strncmp(p, "dlm: ", 5))
		return 0;
	p += 5;
	c = strstr(p, ": ");
	if (!c)
		return 0;
	n = (size_t)(c - p);
	if (n > DLMR_LSNAME_MAX)
		return 0; /* not a lockspace's line, or not one of ours */
	memcpy(name, p, n);
	name[n] = '\0';
	{
		char msg[512];
		size_t m = strcspn(c + 2, "\n");

		if (m >= sizeof(msg))
			return 0;
		memcpy(msg, c + 2, m);
		msg[m] = '\0';
		return on_message(k, name, msg, k->boot_ns + usec * 1000u);
	}
}

/* Every record the kernel has, without blocking. */
static int read_records(struct dlmr_klog *k)
{
	for (;;) {
		ssize_t r = read(k->fd, k->buf, KMSG_RECORD - 1);

		if (r < 0 && errno == EPIPE) {
			k->lost++;
			if (k->subscribed) {
				for (size_t i = 0; i < k->nls; i++) {
					struct dlmr_event ev;
					int e;

					event_init(k, &k->ls[i], &ev,
						   DLMR_EV_LOST, 0);
					snprintf(ev.detail, sizeof(ev.detail),
						 "the kernel log overran: "
						 "records were overwritten "
						 "before they were read");
					e = push(k, &ev);
					if (e)
						return e;
				}
			}
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (r == 0)
			return 0;
		k->buf[r] = '\0';
		for (char *s = k->buf, *e; *s; s = e) {
			int rr;

			e = s + strcspn(s, "\n");
			if (*e)
				*e++ = '\0';
			rr = dlmr_klog_feed(k, s);
			if (rr)
				return rr;
		}
	}
}

static int log_info_off(void)
{
	FILE *f = fopen("/sys/kernel/config/dlm/cluster/log_info", "r");
	int v = 1;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &v) != 1)
		v = 1;
	fclose(f);
	return v == 0;
}

DLMR_EXPORT int dlmr_klog_open(struct dlmr_klog **out, const char *path)
{
	struct dlmr_klog *k;
	int r = 0;

	if (!out)
		return -EINVAL;
	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->fd = -1;
	if (!path) {
		struct timespec rt, mono;
		DIR *d = opendir("/sys/kernel/dlm");

		if (!d) {
			free(k);
			return -ENODEV;
		}
		closedir(d);
		if (log_info_off()) {
			free(k);
			return -EOPNOTSUPP;
		}
		k->buf = malloc(KMSG_RECORD);
		k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (!k->buf || k->fd < 0) {
			r = k->buf ? -errno : -ENOMEM;
			dlmr_klog_close(k);
			return r;
		}
		/* printk's clock is local_clock(), which runs as
		 * CLOCK_MONOTONIC does (not across a suspend) */
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		k->boot_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec -
			     ((uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec);
		k->live = true;
		k->our_nodeid = dlmr_read_our_nodeid();
		r = read_records(k);
	} else {
		FILE *f = fopen(path, "r");
		char *line = NULL;
		size_t cap = 0;

		if (!f) {
			r = -errno;
			free(k);
			return r;
		}
		while (!r && getline(&line, &cap, f) > 0)
			r = dlmr_klog_feed(k, line);
		free(line);
		fclose(f);
	}
	if (r) {
		dlmr_klog_close(k);
		return r;
	}
	*out = k;
	return 0;
}

DLMR_EXPORT void dlmr_klog_close(struct dlmr_klog *k)
{
	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	free(k->buf);
	free(k->ls);
	free(k->q);
	free(k);
}

DLMR_EXPORT uint32_t dlmr_klog_our_nodeid(const struct dlmr_klog *k)
{
	return k ? k->our_nodeid : 0;
}

DLMR_EXPORT int dlmr_klog_set_nodeid(struct dlmr_klog *k, uint32_t nodeid)
{
	if (!k)
		return -EINVAL;
	k->our_nodeid = nodeid;
	return 0;
}

static void fill(const struct dlmr_klog *k, const struct klog_ls *l,
		 struct dlmr_ls_info *o)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->name, l->name);
	if (k->live) {
		char path[128 + DLMR_LSNAME_MAX];
		FILE *f;
		unsigned int id;

		snprintf(path, sizeof(path), "/sys/kernel/dlm/%s/id", l->name);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%u", &id) == 1)
				o->id = id;
			fclose(f);
		}
	}
	o->generation = l->generation;
	o->num_slots = l->num_slots;
	memcpy(o->slots, l->slots, sizeof(o->slots));
	o->our_slot = our_slot(k, l->slots, l->num_slots);
	o->state = l->recovering || l->joining ? DLMR_LS_RECOVERING :
		   l->table || l->last.done_ns ? DLMR_LS_RUNNING :
		   DLMR_LS_UNKNOWN;
	o->members = l->members;
	o->seq = l->seq;
	o->time_ns = l->time_ns;
	o->last = l->last;
	o->last.known = l->last.done_ns != 0;
}

/* Whether the lockspace exists: in sysfs (live), or not released in the
 * log (a file). */
static bool exists(const struct dlmr_klog *k, const char *name)
{
	char path[128 + DLMR_LSNAME_MAX];

	if (!k->live)
		return true;
	snprintf(path, sizeof(path), "/sys/kernel/dlm/%s", name);
	return access(path, F_OK) == 0;
}

DLMR_EXPORT int dlmr_klog_get(struct dlmr_klog *k, const char *ls,
			      struct dlmr_ls_info *out)
{
	struct klog_ls *l, blank;
	int r;

	if (!k || !ls || !out)
		return -EINVAL;
	if (strlen(ls) > DLMR_LSNAME_MAX)
		return -ENAMETOOLONG;
	if (k->live && (r = read_records(k)))
		return r;
	l = find_ls(k, ls, false);
	if ((l && l->gone) || !exists(k, ls) || (!l && !k->live))
		return -ENOENT;
	if (!l) {
		/* in sysfs, nothing in the log: it wrapped or was cleared */
		memset(&blank, 0, sizeof(blank));
		strcpy(blank.name, ls);
		l = &blank;
	}
	fill(k, l, out);
	return 0;
}

DLMR_EXPORT int dlmr_klog_list(struct dlmr_klog *k, struct dlmr_ls_info **out,
			       size_t *n)
{
	struct dlmr_ls_info *v = NULL;
	size_t len = 0, cap = 0;
	int r = 0;

	if (!k || !out || !n)
		return -EINVAL;
	if (k->live) {
		DIR *d = opendir("/sys/kernel/dlm");
		struct dirent *de;

		if ((r = read_records(k)))
			return r;
		if (!d)
			return -ENODEV;
		while (!r && (de = readdir(d))) {
			if (de->d_name[0] == '.' ||
			    strlen(de->d_name) > DLMR_LSNAME_MAX)
				continue;
			if (len == cap) {
				struct dlmr_ls_info *nv;

				cap = cap ? 2 * cap : 8;
				nv = realloc(v, cap * sizeof(*nv));
				if (!nv) {
					r = -ENOMEM;
					break;
				}
				v = nv;
			}
			r = dlmr_klog_get(k, de->d_name, &v[len]);
			if (!r)
				len++;
			else if (r == -ENOENT)
				r = 0; /* left meanwhile */
		}
		closedir(d);
	} else {
		v = k->nls ? calloc(k->nls, sizeof(*v)) : NULL;
		if (k->nls && !v)
			return -ENOMEM;
		for (size_t i = 0; i < k->nls; i++)
			if (!k->ls[i].gone)
				fill(k, &k->ls[i], &v[len++]);
	}
	if (r) {
		free(v);
		return r;
	}
	if (!len) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = len;
	return 0;
}

DLMR_EXPORT int dlmr_klog_subscribe(struct dlmr_klog *k)
{
	if (!k)
		return -EINVAL;
	if (k->subscribed)
		return -EALREADY;
	k->subscribed = true;
	return 0;
}

DLMR_EXPORT int dlmr_klog_fd(const struct dlmr_klog *k)
{
	return k && k->live && k->subscribed ? k->fd : -EBADF;
}

DLMR_EXPORT int dlmr_klog_next_event(struct dlmr_klog *k, struct dlmr_event *ev)
{
	int r;

	if (!k || !ev)
		return -EINVAL;
	if (!k->subscribed)
		return -ENOTCONN;
	if (!k->qlen && k->live && (r = read_records(k)))
		return r;
	if (!k->qlen)
		return 0;
	*ev = k->q[k->qhead++];
	k->qlen--;
	if (!k->qlen)
		k->qhead = 0;
	return 1;
}
