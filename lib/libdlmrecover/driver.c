// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The userspace driver: the coordinator (lib/engine) on a real userspace
 * lockspace.  Locks through libdlm (libdlm_lt: no threads; completions
 * read by dlm_dispatch() from the lockspace's device), recovery events
 * from the kernel series' netlink family (kernel.c), timers on a timerfd,
 * all three in one epoll set.  include/dlmrecover.h, group "driver", is
 * the contract; docs/findings.md, finding 11, the reason for the order in
 * which things are read: every pending event before a lock completion.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <libdlm.h>

#include "internal.h"
#include "jformat.h"

/* timers: mount, work, one recovery timer per journal, the writer */
#define T_WRITER(d) (2u + (d)->cfg.coord.journals)

struct drv_lock {
	struct dlmr_driver *d;
	int id;                 /* enum dlmr_lock_id */
	int jid;                /* journal locks; else -1 */
	char name[16];
	struct dlm_lksb lksb;
	char lvb[DLMR_LVB_SIZE];
	/* the requests in flight, oldest first: two at most, on the
	 * control lock only (include/dlmrecover.h, "The order of inputs",
	 * 4; its completions come in this order) */
	struct drv_req {
		int mode;
		unsigned int flags;
	} req[2];
	unsigned int inflight;
	bool unlocking;         /* an unlock in flight */
	bool deferred;          /* a request waits for that unlock */
	struct dlmr_action next;
};

struct dlmr_driver {
	struct dlmr_driver_config cfg;
	char ls_name[DLMR_LSNAME_MAX + 1];
	char *dir;
	struct dlmr_driver_dlm dlm;
	void *dlm_arg;
	struct dlmr_driver_source src;
	void *src_arg;
	struct dlmr_coord *coord;
	void *ls;
	int dlm_fd, epfd, tfd;
	uint32_t nodeid;
	uint64_t *deadline;     /* CLOCK_MONOTONIC ns, 0: not armed */
	struct drv_lock control, mounted, *journal;
	bool *recovering;       /* a recover callback not answered yet */
	/* what the events said */
	bool joined, in_window;
	uint64_t skip_seq;      /* the join's snapshot holds events up to it */
	struct dlmr_slot_table table; /* the last done's */
	/* what the coordinator said */
	bool mounted_done, blocked, finished, unmounting;
	int jid, fail_error;
	int error;              /* the first error: dispatch returns it */
	/* our journal */
	int jfd;
	bool hdr_dirty;
	uint64_t gen, seq, appends;
	unsigned int replays, lost;
	int depth;              /* feed() nesting */
};

/* ---- libdlm and the kernel client, the real ones --------------------- */

static void *real_create(const char *name, int *err, void *arg)
{
	void *ls;

	(void)arg;
	errno = 0;
	ls = dlm_create_lockspace(name, 0600);
	*err = ls ? 0 : (errno ? -errno : -EIO);
	return ls;
}

static int real_release(const char *name, void *ls, void *arg)
{
	(void)arg;
	return dlm_release_lockspace(name, ls, 1) ? -errno : 0;
}

static int real_fd(void *ls, void *arg)
{
	int fd;

	(void)arg;
	fd = dlm_ls_get_fd(ls);
	return fd < 0 ? -EBADF : fd;
}

static int real_lock(void *ls, uint32_t mode, struct dlm_lksb *lksb,
		     uint32_t flags, const char *name, void (*ast)(void *),
		     void *astarg, void *arg)
{
	(void)arg;
	if (dlm_ls_lock(ls, mode, lksb, flags, name,
			(unsigned int)strlen(name), 0, ast, astarg, NULL, NULL))
		return errno ? -errno : -EIO;
	return 0;
}

static int real_unlock(void *ls, uint32_t lkid, struct dlm_lksb *lksb,
		       void *astarg, void *arg)
{
	(void)arg;
	if (dlm_ls_unlock(ls, lkid, 0, lksb, astarg))
		return errno ? -errno : -EIO;
	return 0;
}

static int real_dispatch(int fd, void *arg)
{
	(void)arg;
	return dlm_dispatch(fd) < 0 ? (errno ? -errno : -EIO) : 0;
}

static const struct dlmr_driver_dlm real_dlm = {
	.create = real_create, .release = real_release, .fd = real_fd,
	.lock = real_lock, .unlock = real_unlock, .dispatch = real_dispatch,
};

static int k_fd(void *src) { return dlmr_kernel_fd(src); }
static int k_next(void *src, struct dlmr_event *ev)
{
	return dlmr_kernel_next_event(src, ev);
}
static int k_get(void *src, const char *ls, struct dlmr_ls_info *out)
{
	return dlmr_kernel_get(src, ls, out);
}
static uint32_t k_nodeid(void *src) { return dlmr_kernel_our_nodeid(src); }
static void k_close(void *src) { dlmr_kernel_close(src); }

static const struct dlmr_driver_source kernel_source = {
	.fd = k_fd, .next_event = k_next, .get = k_get,
	.our_nodeid = k_nodeid, .close = k_close,
};

/* ---- small things ------------------------------------------------------ */

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fail(struct dlmr_driver *d, int err)
{
	if (!d->error && err < 0)
		d->error = err;
}

/* An event of ours, in the trace schema, to the caller. */
static void trace(struct dlmr_driver *d, struct dlmr_event *ev)
{
	if (!d->cfg.trace)
		return;
	ev->node = d->nodeid;
	snprintf(ev->ls, sizeof(ev->ls), "%s", d->ls_name);
	if (!ev->time_ns)
		ev->time_ns = now_ns(CLOCK_REALTIME);
	d->cfg.trace(d->cfg.arg, ev);
}

static void ev_init(struct dlmr_event *ev, enum dlmr_event_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->jid = -1;
}

static void trace_lock(struct dlmr_driver *d, enum dlmr_event_type type,
		       const struct drv_lock *l, int mode, unsigned int flags,
		       int status)
{
	static const char *const res[] = { "control", "mounted", "journal" };
	struct dlmr_event ev;

	ev_init(&ev, type);
	ev.resource = res[l->id];
	ev.jid = l->jid;
	ev.mode = mode;
	ev.flags = flags;
	ev.status = status;
	trace(d, &ev);
}

static struct drv_lock *lock_of(struct dlmr_driver *d, int id, int jid)
{
	if (id == DLMR_LOCK_CONTROL)
		return &d->control;
	if (id == DLMR_LOCK_MOUNTED)
		return &d->mounted;
	if (id == DLMR_LOCK_JOURNAL && jid >= 0 &&
	    (unsigned int)jid < d->cfg.coord.journals)
		return &d->journal[jid];
	return NULL;
}

/* ---- the coordinator --------------------------------------------------- */

static void act(struct dlmr_driver *d, const struct dlmr_action *a);

/* Feed one input and carry out every action that follows. */
static void feed(struct dlmr_driver *d, const struct dlmr_input *in)
{
	struct dlmr_action a;
	int r = dlmr_coord_feed(d->coord, in);

	if (r)
		fail(d, r);
	d->depth++;
	while (!d->error && dlmr_coord_next(d->coord, &a) == 1)
		act(d, &a);
	d->depth--;
}

/*
 * dlm_ls_lock() refused a request at once: no completion will come, so
 * its error is the completion (include/dlmrecover.h, "The order of
 * inputs", 4).  The one place that decides it.
 */
static void lock_refused(struct dlmr_driver *d, struct drv_lock *l, int err)
{
	struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE, .lock = l->id,
				 .jid = l->jid, .status = err };
	struct drv_req q = l->req[--l->inflight];

	/* beside another request on the lock, whatever dlm_ls_lock() said
	 * is -EBUSY to the coordinator: that is how it tells the newer
	 * request's answer from the older's completion (gfs2 treats every
	 * error there alike) */
	if (l->inflight)
		in.status = -EBUSY;
	trace_lock(d, DLMR_EV_AGAIN, l, q.mode, q.flags, in.status);
	feed(d, &in);
}

static uint32_t dlm_flags_of(unsigned int f)
{
	return (f & DLMR_LKF_NOQUEUE ? LKF_NOQUEUE : 0) |
	       (f & DLMR_LKF_CONVERT ? LKF_CONVERT : 0) |
	       (f & DLMR_LKF_VALBLK ? LKF_VALBLK : 0);
}

static void ast(void *arg);

static void lock_request(struct dlmr_driver *d, struct drv_lock *l,
			 const struct dlmr_action *a)
{
	int r;

	if (l->unlocking) {
		/* the DLM would say -EBUSY: wait for our own unlock */
		l->deferred = true;
		l->next = *a;
		return;
	}
	if (l->inflight == 2) {
		fail(d, -EPROTO); /* the coordinator never asks a third */
		return;
	}
	if (a->write_lvb)
		memcpy(l->lvb, a->lvb, DLMR_LVB_SIZE);
	l->lksb.sb_lvbptr = (a->flags & DLMR_LKF_VALBLK) ? l->lvb : NULL;
	if (!(a->flags & DLMR_LKF_CONVERT))
		l->lksb.sb_lkid = 0;
	l->req[l->inflight++] = (struct drv_req){ a->mode, a->flags };
	trace_lock(d, DLMR_EV_LOCK, l, a->mode, a->flags, 0);
	r = d->dlm.lock(d->ls, (uint32_t)a->mode, &l->lksb,
			dlm_flags_of(a->flags), l->name, ast, l, d->dlm_arg);
	if (r)
		lock_refused(d, l, r);
}

static void unlock(struct dlmr_driver *d, struct drv_lock *l)
{
	int r;

	trace_lock(d, DLMR_EV_UNLOCK, l, DLMR_MODE_IV, 0, 0);
	l->unlocking = true;
	r = d->dlm.unlock(d->ls, l->lksb.sb_lkid, &l->lksb, l, d->dlm_arg);
	if (r) {
		l->unlocking = false;
		fail(d, r);
	}
}

static void arm(struct dlmr_driver *d, unsigned int t, unsigned int ms)
{
	d->deadline[t] = now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000ull;
	if (!d->deadline[t])
		d->deadline[t] = 1;
}

static int replay(struct dlmr_driver *d, int jid);
static int journal_open(struct dlmr_driver *d, int jid, int flags);

static void act(struct dlmr_driver *d, const struct dlmr_action *a)
{
	struct drv_lock *l;
	struct dlmr_event ev;
	int r;

	switch (a->type) {
	case DLMR_ACT_LOCK:
	case DLMR_ACT_UNLOCK:
		l = lock_of(d, a->lock, a->jid);
		if (!l) {
			fail(d, -EPROTO);
			return;
		}
		if (a->type == DLMR_ACT_LOCK)
			lock_request(d, l, a);
		else
			unlock(d, l);
		break;
	case DLMR_ACT_RECOVER:
		ev_init(&ev, DLMR_EV_RECOVER);
		ev.jid = a->jid;
		trace(d, &ev);
		if (d->cfg.recover) {
			d->recovering[a->jid] = true;
			r = d->cfg.recover(d->cfg.arg, a->jid);
			if (r) {
				d->recovering[a->jid] = false;
				fail(d, r);
			}
		} else {
			fail(d, replay(d, a->jid));
		}
		break;
	case DLMR_ACT_BLOCK:
	case DLMR_ACT_UNBLOCK:
		d->blocked = a->type == DLMR_ACT_BLOCK;
		ev_init(&ev, d->blocked ? DLMR_EV_BLOCK : DLMR_EV_UNBLOCK);
		trace(d, &ev);
		break;
	case DLMR_ACT_MOUNTED:
		d->mounted_done = true;
		d->jid = a->jid;
		ev_init(&ev, DLMR_EV_MOUNTED);
		ev.jid = a->jid;
		ev.first = a->first;
		trace(d, &ev);
		if (d->cfg.write_ms && d->dir && a->jid >= 0) {
			d->jfd = journal_open(d, a->jid, O_RDWR | O_CREAT);
			if (d->jfd < 0)
				fail(d, d->jfd);
			else
				arm(d, T_WRITER(d), 0);
		}
		break;
	case DLMR_ACT_FIRST_DONE:
		ev_init(&ev, DLMR_EV_FIRST_DONE);
		trace(d, &ev);
		break;
	case DLMR_ACT_TIMER:
		if (a->timer == DLMR_TIMER_RECOVERY)
			arm(d, 2u + (unsigned int)a->jid, a->timer_ms);
		else
			arm(d, (unsigned int)a->timer, a->timer_ms);
		break;
	case DLMR_ACT_UNMOUNTED:
	case DLMR_ACT_FAILED:
		d->finished = true;
		ev_init(&ev, DLMR_EV_UNMOUNTED);
		if (a->type == DLMR_ACT_FAILED) {
			d->fail_error = a->error;
			ev.status = a->error;
			snprintf(ev.detail, sizeof(ev.detail), "mount failed");
		}
		trace(d, &ev);
		break;
	}
}

/* ---- lock completions ---------------------------------------------------- */

static int drain_events(struct dlmr_driver *d);

/* The AST of every request, conversion and unlock (from dlm_dispatch()). */
static void ast(void *arg)
{
	struct drv_lock *l = arg;
	struct dlmr_driver *d = l->d;
	/* the kernel's status, negative; libdlm passes EUNLOCK as it is */
	int status = l->lksb.sb_status > 0 ? -l->lksb.sb_status :
		     l->lksb.sb_status;
	struct dlmr_input in = { .type = DLMR_IN_LOCK_DONE, .lock = l->id,
				 .jid = l->jid, .status = status };
	struct drv_req q;

	if (status == -EUNLOCK || status == -ECANCEL) {
		l->unlocking = false;
		if (l->deferred) {
			l->deferred = false;
			lock_request(d, l, &l->next);
		}
		return;
	}
	if (!l->inflight) {
		fail(d, -EPROTO);
		return;
	}
	/* docs/findings.md, finding 11, events-before-grants: a recovery
	 * that let this request through sent its prep before it re-enabled
	 * locking, so it is in the socket now: read it first */
	fail(d, drain_events(d));
	if (d->error)
		return;
	/* the oldest request's completion */
	q = l->req[0];
	l->req[0] = l->req[1];
	l->inflight--;
	if (!status && (q.flags & DLMR_LKF_VALBLK)) {
		in.lvb = (const uint8_t *)l->lvb;
		in.lvb_invalid = l->lksb.sb_flags & DLM_SBF_VALNOTVALID;
	}
	trace_lock(d, status ? DLMR_EV_AGAIN : DLMR_EV_GRANT, l, q.mode,
		   status ? q.flags : 0, status);
	feed(d, &in);
}

/* ---- recovery events ----------------------------------------------------- */

static void feed_done(struct dlmr_driver *d, uint32_t generation,
		      int our_slot, const struct dlmr_slot *slots,
		      unsigned int n)
{
	struct dlmr_input in = { .type = DLMR_IN_DONE, .slots = slots,
				 .num_slots = n, .our_slot = our_slot,
				 .generation = generation };
	struct dlmr_input mount = { .type = DLMR_IN_MOUNT };

	d->in_window = false;
	d->table.generation = generation;
	d->table.num = n;
	memcpy(d->table.slots, slots, n * sizeof(*slots));
	feed(d, &in);
	if (!d->joined) {
		/* MOUNT after the join's done, which gave us our journal */
		d->joined = true;
		if (!d->unmounting)
			feed(d, &mount);
	}
}

static void feed_prep(struct dlmr_driver *d)
{
	struct dlmr_input in = { .type = DLMR_IN_PREP };

	if (d->in_window || !d->joined)
		return;
	d->in_window = true;
	feed(d, &in);
}

static bool in_slots(const struct dlmr_slot *s, unsigned int n, uint32_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (s[i].nodeid == id)
			return true;
	return false;
}

/*
 * Events were lost (kernel.c has resynced: @ev carries the snapshot).
 * A finished recovery bumps the generation, so a running lockspace at
 * our last generation lost nothing we act on.  Otherwise the loss is a
 * prep (the coordinator blocks); every member of our last table that is
 * gone from the snapshot, or that its last recovery reports failed, is a
 * slot; a running lockspace's table is the done (else the done event
 * follows: events after the snapshot are delivered).
 */
static int resync(struct dlmr_driver *d, const struct dlmr_event *ev)
{
	struct dlmr_ls_info *info;
	bool running = ev->state == DLMR_LS_RUNNING;
	int r;

	d->lost++;
	if (!ev->ls[0])
		return 0; /* one lost event per lockspace follows */
	if (!ev->resynced)
		return -ENOENT; /* no snapshot: the lockspace is gone */
	if (!d->joined) {
		if (running && ev->generation)
			feed_done(d, ev->generation, ev->our_slot, ev->slots,
				  ev->num_slots);
		return 0;
	}
	if (running && ev->generation <= d->table.generation)
		return 0;
	feed_prep(d);
	info = calloc(1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	r = d->src.get(d->src_arg, d->ls_name, info);
	if (r)
		info->last.known = false;
	for (unsigned int i = 0; i < d->table.num && !d->error; i++) {
		const struct dlmr_slot *o = &d->table.slots[i];
		bool failed = !in_slots(ev->slots, ev->num_slots, o->nodeid);

		if (info->last.known &&
		    info->last.generation == ev->generation &&
		    in_slots(info->last.failed, info->last.num_failed,
			     o->nodeid))
			failed = true;
		if (failed && o->nodeid != d->nodeid) {
			struct dlmr_input in = { .type = DLMR_IN_SLOT,
						 .nodeid = o->nodeid,
						 .slot = o->slot };

			feed(d, &in);
		}
	}
	free(info);
	if (running)
		feed_done(d, ev->generation, ev->our_slot, ev->slots,
			  ev->num_slots);
	return 0;
}

/* One event of the source: ours, or a loss that may concern us. */
static int take_event(struct dlmr_driver *d, struct dlmr_event *ev)
{
	bool ours = !strcmp(ev->ls, d->ls_name);
	struct dlmr_input in = { 0 };

	if (ev->type == DLMR_EV_LOST) {
		if (!ours && ev->ls[0])
			return 0;
		trace(d, ev);
		return resync(d, ev);
	}
	if (!ours || (ev->seq && ev->seq <= d->skip_seq))
		return 0;
	trace(d, ev);
	switch (ev->type) {
	case DLMR_EV_PREP:
		if (d->in_window)
			return 0; /* a loss already opened it */
		feed_prep(d);
		break;
	case DLMR_EV_SLOT:
		if (!d->joined)
			return 0;
		feed_prep(d);
		in.type = DLMR_IN_SLOT;
		in.nodeid = ev->nodeid;
		in.slot = ev->slot;
		feed(d, &in);
		break;
	case DLMR_EV_DONE:
		if (d->joined && ev->generation <= d->table.generation)
			return 0; /* a resync fed it already */
		feed_done(d, ev->generation, ev->our_slot, ev->slots,
			  ev->num_slots);
		break;
	default:
		break;
	}
	return 0;
}

static int drain_events(struct dlmr_driver *d)
{
	struct dlmr_event *ev = malloc(sizeof(*ev));
	int r;

	if (!ev)
		return -ENOMEM;
	while (!d->error && (r = d->src.next_event(d->src_arg, ev)) == 1) {
		r = take_event(d, ev);
		if (r)
			break;
	}
	free(ev);
	return r < 0 ? r : 0;
}

/* ---- journals ---------------------------------------------------------- */

static int journal_open(struct dlmr_driver *d, int jid, int flags)
{
	char path[PATH_MAX];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/journal%d", d->dir,
			     jid) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : fd;
}

static int sector_io(int fd, bool write, void *buf, uint64_t sector)
{
	off_t pos = (off_t)(sector * JF_SECTOR);
	ssize_t n = write ? pwrite(fd, buf, JF_SECTOR, pos) :
			    pread(fd, buf, JF_SECTOR, pos);

	if (n < 0)
		return -errno;
	if (n != JF_SECTOR) {
		if (write)
			return -EIO;
		/* past the end of the file: never written */
		memset((char *)buf + n, 0, JF_SECTOR - (size_t)n);
	}
	return write && fdatasync(fd) ? -errno : 0;
}

static int hdr_write(int fd, int jid, bool dirty, uint32_t node,
		     uint64_t gen)
{
	char buf[JF_SECTOR] = { 0 };

	jf_hdr_fill((struct jf_hdr *)buf, jid, dirty, node, gen);
	return sector_io(fd, true, buf, 0);
}

/*
 * Replay journal @jid from the directory, with the kernel consumer's
 * checks (jformat.h), mark it clean, answer the coordinator.  A missing
 * file was never written: clean.  An I/O error gives up (the control
 * work retries a second later).
 */
static int replay(struct dlmr_driver *d, int jid)
{
	struct dlmr_input in = { .type = DLMR_IN_JOURNAL_DONE, .jid = jid,
				 .result = DLMR_JOURNAL_SUCCESS };
	union { struct jf_hdr h; char b[JF_SECTOR]; } hdr = { 0 };
	union { struct jf_rec r; char b[JF_SECTOR]; } rec;
	uint64_t s, found = 0, bad = 0;
	struct dlmr_event ev;
	bool dirty = false;
	int fd, r = 0;

	fd = journal_open(d, jid, O_RDWR);
	if (fd >= 0) {
		r = sector_io(fd, false, hdr.b, 0);
		if (!r)
			jf_hdr_check(&hdr.h);
		dirty = !r && JF_U32(hdr.h.dirty);
		for (s = 1; dirty && !r; s++) {
			enum jf_verdict v;

			r = sector_io(fd, false, rec.b, s);
			if (r)
				break;
			v = jf_rec_check(&hdr.h, &rec.r, jid, s);
			if (v == JF_END)
				break;
			bad += v == JF_BAD;
			found++;
		}
		if (dirty && !r)
			r = hdr_write(fd, jid, false, JF_U32(hdr.h.node),
				      JF_U64(hdr.h.gen));
		close(fd);
	} else if (fd != -ENOENT) {
		r = fd;
	}
	ev_init(&ev, DLMR_EV_RECOVERED);
	ev.jid = jid;
	if (r) {
		in.result = DLMR_JOURNAL_GAVEUP;
		ev.status = r;
		snprintf(ev.detail, sizeof(ev.detail), "journal %d: %s", jid,
			 strerror(-r));
	} else if (dirty) {
		d->replays++;
		ev.status = 1;
		snprintf(ev.detail, sizeof(ev.detail),
			 "replayed %" PRIu64 " records of node %u gen %" PRIu64
			 " bad %" PRIu64, found, JF_U32(hdr.h.node),
			 JF_U64(hdr.h.gen), bad);
	} else {
		snprintf(ev.detail, sizeof(ev.detail), "clean");
	}
	trace(d, &ev);
	feed(d, &in);
	return 0;
}

/* The writer's tick: one record while mounted and not blocked. */
static void write_tick(struct dlmr_driver *d)
{
	union { struct jf_rec r; char b[JF_SECTOR]; } rec = { 0 };
	union { struct jf_hdr h; char b[JF_SECTOR]; } hdr;
	int r;

	/* as before a completion: a recovery's prep blocks us first */
	fail(d, drain_events(d));
	if (d->error || d->unmounting || d->jfd < 0)
		return;
	arm(d, T_WRITER(d), d->cfg.write_ms);
	if (d->blocked)
		return;
	if (!d->hdr_dirty) {
		/* a new generation: our first write of this mount */
		r = sector_io(d->jfd, false, hdr.b, 0);
		if (!r)
			jf_hdr_check(&hdr.h);
		if (!r) {
			d->gen = (JF_U64(hdr.h.gen) > d->gen ?
				  JF_U64(hdr.h.gen) : d->gen) + 1;
			r = hdr_write(d->jfd, d->jid, true, d->nodeid, d->gen);
		}
		if (r) {
			fail(d, r);
			return;
		}
		d->hdr_dirty = true;
		d->seq = 0;
	}
	snprintf(rec.r.payload, sizeof(rec.r.payload),
		 "node %u jid %d gen %" PRIu64 " seq %" PRIu64, d->nodeid,
		 d->jid, d->gen, d->seq + 1);
	jf_rec_seal(&rec.r, d->jid, d->nodeid, d->gen, d->seq + 1);
	r = sector_io(d->jfd, true, rec.b, d->seq + 1);
	if (r) {
		fail(d, r);
		return;
	}
	d->seq++;
	d->appends++;
}

/* ---- timers ------------------------------------------------------------ */

static int timers_fire(struct dlmr_driver *d)
{
	uint64_t buf, now;
	unsigned int nt = T_WRITER(d) + 1;
	bool again = true;

	if (read(d->tfd, &buf, sizeof(buf)) < 0 && errno != EAGAIN)
		return -errno;
	while (again && !d->error) {
		again = false;
		now = now_ns(CLOCK_MONOTONIC);
		for (unsigned int t = 0; t < nt && !d->error; t++) {
			struct dlmr_input in = { .type = DLMR_IN_TIMER };

			if (!d->deadline[t] || d->deadline[t] > now)
				continue;
			d->deadline[t] = 0;
			again = true;
			if (t == T_WRITER(d)) {
				write_tick(d);
				continue;
			}
			in.timer = t < 2 ? (int)t : DLMR_TIMER_RECOVERY;
			in.jid = t < 2 ? -1 : (int)t - 2;
			feed(d, &in);
		}
	}
	return 0;
}

static int timers_rearm(struct dlmr_driver *d)
{
	struct itimerspec its = { 0 };
	uint64_t first = 0;

	for (unsigned int t = 0; t <= T_WRITER(d); t++)
		if (d->deadline[t] && (!first || d->deadline[t] < first))
			first = d->deadline[t];
	its.it_value.tv_sec = (time_t)(first / 1000000000ull);
	its.it_value.tv_nsec = (long)(first % 1000000000ull);
	return timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL) ?
	       -errno : 0;
}

/* ---- the API ----------------------------------------------------------- */

static int dlm_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0);
}

DLMR_EXPORT int dlmr_driver_dispatch(struct dlmr_driver *d)
{
	int r;

	if (!d)
		return -EINVAL;
	if (d->error)
		return d->error;
	fail(d, drain_events(d));
	while (!d->error && d->dlm_fd >= 0 && (r = dlm_ready(d->dlm_fd)) > 0)
		fail(d, d->dlm.dispatch(d->dlm_fd, d->dlm_arg));
	if (!d->error)
		fail(d, timers_fire(d));
	if (!d->error)
		fail(d, timers_rearm(d));
	if (d->error)
		return d->error;
	return d->finished ? 1 : 0;
}

DLMR_EXPORT int dlmr_driver_fd(const struct dlmr_driver *d)
{
	return d ? d->epfd : -EINVAL;
}

DLMR_EXPORT int dlmr_driver_journal_done(struct dlmr_driver *d, int jid,
					 int result)
{
	struct dlmr_input in = { .type = DLMR_IN_JOURNAL_DONE, .jid = jid,
				 .result = result };

	if (!d)
		return -EINVAL;
	if (jid < 0 || (unsigned int)jid >= d->cfg.coord.journals ||
	    !d->recovering[jid])
		return -EPROTO;
	d->recovering[jid] = false;
	feed(d, &in);
	if (!d->error)
		fail(d, timers_rearm(d));
	return d->error;
}

DLMR_EXPORT int dlmr_driver_unmount(struct dlmr_driver *d)
{
	struct dlmr_input in = { .type = DLMR_IN_UNMOUNT };
	int r = 0;

	if (!d)
		return -EINVAL;
	if (d->unmounting || d->finished)
		return 0;
	d->unmounting = true;
	d->deadline[T_WRITER(d)] = 0;
	if (d->jfd >= 0 && d->hdr_dirty) {
		r = hdr_write(d->jfd, d->jid, false, d->nodeid, d->gen);
		if (!r)
			d->hdr_dirty = false;
	}
	if (!d->mounted_done) {
		d->finished = true; /* nothing mounted: leave at once */
		return r;
	}
	feed(d, &in);
	if (!d->error)
		fail(d, timers_rearm(d));
	return r ? r : d->error;
}

DLMR_EXPORT int dlmr_driver_status(const struct dlmr_driver *d,
				   struct dlmr_driver_status *st)
{
	if (!d || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	dlmr_coord_status(d->coord, &st->coord);
	st->nodeid = d->nodeid;
	st->finished = d->finished;
	st->error = d->fail_error;
	st->replays = d->replays;
	st->lost = d->lost;
	st->appends = d->appends;
	return 0;
}

DLMR_EXPORT void dlmr_driver_free(struct dlmr_driver *d)
{
	if (!d)
		return;
	if (d->ls) {
		struct dlmr_event ev;

		d->dlm.release(d->ls_name, d->ls, d->dlm_arg);
		ev_init(&ev, DLMR_EV_LEAVE);
		trace(d, &ev);
	}
	if (d->jfd >= 0)
		close(d->jfd);
	if (d->tfd >= 0)
		close(d->tfd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->src.close && d->src_arg)
		d->src.close(d->src_arg);
	dlmr_coord_free(d->coord);
	free(d->deadline);
	free(d->journal);
	free(d->recovering);
	free(d->dir);
	free(d);
}

static void lock_init(struct dlmr_driver *d, struct drv_lock *l, int id,
		      int jid)
{
	l->d = d;
	l->id = id;
	l->jid = jid;
	if (id == DLMR_LOCK_CONTROL)
		snprintf(l->name, sizeof(l->name), "control");
	else if (id == DLMR_LOCK_MOUNTED)
		snprintf(l->name, sizeof(l->name), "mounted");
	else
		snprintf(l->name, sizeof(l->name), "journal%d", jid);
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event e = { .events = EPOLLIN };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) ? -errno : 0;
}

/* Join: the lockspace, then the join's done (an event, or the snapshot
 * when the event came before we listened), then MOUNT. */
static int join(struct dlmr_driver *d)
{
	struct dlmr_ls_info *info;
	struct dlmr_event ev;
	int r, fd;

	ev_init(&ev, DLMR_EV_JOIN);
	trace(d, &ev);
	d->ls = d->dlm.create(d->ls_name, &r, d->dlm_arg);
	if (!d->ls)
		return r ? r : -EIO;
	d->dlm_fd = d->dlm.fd(d->ls, d->dlm_arg);
	if (d->dlm_fd < 0)
		return d->dlm_fd;
	r = epoll_add(d->epfd, d->dlm_fd);
	if (r)
		return r;
	if (d->src.join && (r = d->src.join(d->src_arg, d->ls_name)))
		return r;
	fd = d->src.fd(d->src_arg);
	if (fd >= 0 && (r = epoll_add(d->epfd, fd)))
		return r;
	r = drain_events(d);
	if (r || d->error || d->joined)
		return r ? r : d->error;
	info = calloc(1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	r = d->src.get(d->src_arg, d->ls_name, info);
	if (!r && info->state == DLMR_LS_RUNNING && info->generation) {
		/* the join's done was sent before we listened: the
		 * snapshot holds it and every event up to info->seq */
		ev_init(&ev, DLMR_EV_DONE);
		ev.seq = info->seq;
		ev.generation = info->generation;
		ev.our_slot = info->our_slot;
		ev.num_slots = info->num_slots;
		memcpy(ev.slots, info->slots,
		       info->num_slots * sizeof(info->slots[0]));
		snprintf(ev.detail, sizeof(ev.detail), "from a snapshot");
		d->skip_seq = info->seq;
		trace(d, &ev);
		feed_done(d, info->generation, info->our_slot, info->slots,
			  info->num_slots);
	}
	free(info);
	/* else: stopped or recovering, the done event follows */
	return r == -ENOENT ? 0 : r;
}

int dlmr_driver_new_with(const struct dlmr_driver_config *cfg,
			 const struct dlmr_driver_dlm *dlm, void *dlm_arg,
			 const struct dlmr_driver_source *source, void *src,
			 struct dlmr_driver **out)
{
	struct dlmr_driver *d;
	unsigned int nj;
	int r;

	if (!cfg || !dlm || !source || !out || !cfg->lockspace ||
	    !cfg->lockspace[0] || (!cfg->recover && !cfg->journal_dir)) {
		if (source && source->close && src)
			source->close(src);
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		if (source->close && src)
			source->close(src);
		return -ENOMEM;
	}
	d->src = *source;
	d->src_arg = src;
	d->dlm = *dlm;
	d->dlm_arg = dlm_arg;
	d->cfg = *cfg;
	d->dlm_fd = d->epfd = d->tfd = d->jfd = -1;
	d->jid = -1;
	r = -ENAMETOOLONG;
	if (strlen(cfg->lockspace) > DLMR_LSNAME_MAX)
		goto out;
	snprintf(d->ls_name, sizeof(d->ls_name), "%s", cfg->lockspace);
	d->cfg.lockspace = d->ls_name;
	r = dlmr_coord_new(&cfg->coord, &d->coord);
	if (r)
		goto out;
	r = -ENOMEM;
	nj = cfg->coord.journals;
	d->deadline = calloc(nj + 3, sizeof(*d->deadline));
	d->journal = calloc(nj, sizeof(*d->journal));
	d->recovering = calloc(nj, sizeof(*d->recovering));
	if (cfg->journal_dir && !(d->dir = strdup(cfg->journal_dir)))
		goto out;
	if (!d->deadline || !d->journal || !d->recovering)
		goto out;
	d->cfg.journal_dir = d->dir;
	lock_init(d, &d->control, DLMR_LOCK_CONTROL, -1);
	lock_init(d, &d->mounted, DLMR_LOCK_MOUNTED, -1);
	for (unsigned int j = 0; j < nj; j++)
		lock_init(d, &d->journal[j], DLMR_LOCK_JOURNAL, (int)j);
	d->nodeid = d->src.our_nodeid(d->src_arg);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->epfd < 0 || d->tfd < 0) {
		r = -errno;
		goto out;
	}
	r = epoll_add(d->epfd, d->tfd);
	if (!r)
		r = join(d);
	if (!r)
		r = timers_rearm(d);
	if (!r && d->error)
		r = d->error;
out:
	if (r) {
		dlmr_driver_free(d);
		return r;
	}
	*out = d;
	return 0;
}

DLMR_EXPORT int dlmr_driver_new(const struct dlmr_driver_config *cfg,
				struct dlmr_driver **out)
{
	struct dlmr_kernel *k;
	void *c;
	int r;

	if (!cfg || !out)
		return -EINVAL;
	if (!cfg->lockspace || !cfg->lockspace[0] ||
	    (!cfg->recover && !cfg->journal_dir))
		return -EINVAL;
	if (strlen(cfg->lockspace) > DLMR_LSNAME_MAX)
		return -ENAMETOOLONG;
	if (cfg->source == DLMR_SOURCE_CPG) {
		r = dlmr_cpg_open(cfg->lockspace, &c);
		if (r)
			return r;
		return dlmr_driver_new_with(cfg, &real_dlm, NULL,
					    &dlmr_cpg_source, c, out);
	}
	if (cfg->source != DLMR_SOURCE_NETLINK)
		return -EINVAL;
	r = dlmr_kernel_open(&k);
	if (r)
		return r;
	r = dlmr_kernel_subscribe(k, 0);
	if (r) {
		dlmr_kernel_close(k);
		return r;
	}
	return dlmr_driver_new_with(cfg, &real_dlm, NULL, &kernel_source, k,
				    out);
}
