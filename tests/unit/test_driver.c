// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The userspace driver (include/dlmrecover.h, group driver) against a
 * fake libdlm (one node: every request is granted unless told otherwise,
 * value blocks as the DLM moves them, completions through a pipe read by
 * the fake dlm_dispatch()) and a fake event source (a queue of events,
 * a snapshot).  What is checked: the join's done from the snapshot, the
 * mount, a failure's journal replayed from the directory with the kernel
 * consumer's checks, the order of finding 11 (every pending event before
 * a lock completion), dlm_ls_lock()'s own error as the completion, a
 * lost event resynced, the writer, the unmount.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libdlm.h>

#include "internal.h"
#include "jformat.h"

#define MAXQ 64
#define NRES 8

/* ---- the fake libdlm --------------------------------------------------- */

struct fres {
	char name[16];
	int mode; /* -1: none */
	uint32_t lkid;
	char lvb[DLMR_LVB_SIZE];
};

struct completion {
	struct dlm_lksb *lksb;
	void (*ast)(void *);
	void *astarg;
	int status;
};

struct fake {
	int pipe[2];
	struct completion q[MAXQ];
	unsigned int qh, qn;
	struct fres res[NRES];
	unsigned int nres;
	uint32_t next_lkid;
	void (*ast)(void *); /* the driver's AST, one for every lock */
	/* completions queued but not signalled on the fd yet (hold) */
	bool hold;
	unsigned int held;
	/* called by every dlm_ls_lock() taken, its completion queued */
	void (*on_lock)(struct fake *f, const char *name, uint32_t mode);
	int refuse;              /* dlm_ls_lock() returns this for ... */
	char refuse_name[16];    /* ... this resource */
	int create_err;
	bool released;
	/* the event source */
	struct dlmr_event ev[MAXQ];
	unsigned int eh, en;
	struct dlmr_ls_info snap;
	/* pushed into the source by the next dispatch, before the AST */
	bool inject;
	struct dlmr_event injected;
	/* the recover callback's */
	int asked[8];
	unsigned int nasked, nanswered;
	/* the trace */
	char log[256][48];
	unsigned int nlog;
	struct dlmr_event last[DLMR_EV_TYPE_MAX];
};

static struct fres *fres_of(struct fake *f, const char *name)
{
	for (unsigned int i = 0; i < f->nres; i++)
		if (!strcmp(f->res[i].name, name))
			return &f->res[i];
	assert_true(f->nres < NRES);
	snprintf(f->res[f->nres].name, sizeof(f->res[0].name), "%s", name);
	f->res[f->nres].mode = -1;
	return &f->res[f->nres++];
}

static void complete(struct fake *f, struct dlm_lksb *lksb,
		     void (*ast)(void *), void *astarg, int status)
{
	assert_true(f->qn < MAXQ);
	f->q[(f->qh + f->qn++) % MAXQ] = (struct completion){ lksb, ast,
							      astarg, status };
	if (f->hold)
		f->held++;
	else
		assert_int_equal(write(f->pipe[1], "x", 1), 1);
}

static void *f_create(const char *name, int *err, void *arg)
{
	struct fake *f = arg;

	(void)name;
	*err = f->create_err;
	return f->create_err ? NULL : f;
}

static int f_release(const char *name, void *ls, void *arg)
{
	struct fake *f = arg;

	(void)name;
	(void)ls;
	f->released = true;
	return 0;
}

static int f_fd(void *ls, void *arg)
{
	(void)ls;
	return ((struct fake *)arg)->pipe[0];
}

static int f_lock(void *ls, uint32_t mode, struct dlm_lksb *lksb,
		  uint32_t flags, const char *name, void (*ast)(void *),
		  void *astarg, void *arg)
{
	struct fake *f = arg;
	struct fres *r = fres_of(f, name);

	(void)ls;
	if (f->refuse && !strcmp(name, f->refuse_name))
		return f->refuse;
	if (!(flags & LKF_CONVERT)) {
		assert_int_equal(r->mode, -1); /* a new lock: none held */
		lksb->sb_lkid = ++f->next_lkid;
		r->lkid = lksb->sb_lkid;
	} else {
		assert_int_not_equal(r->mode, -1);
		assert_int_not_equal(lksb->sb_lkid, 0);
	}
	if (flags & LKF_VALBLK) {
		assert_non_null(lksb->sb_lvbptr);
		if (r->mode >= LKM_PWMODE)
			memcpy(r->lvb, lksb->sb_lvbptr, DLMR_LVB_SIZE);
		else
			memcpy(lksb->sb_lvbptr, r->lvb, DLMR_LVB_SIZE);
	}
	r->mode = (int)mode;
	f->ast = ast;
	lksb->sb_flags = 0;
	complete(f, lksb, ast, astarg, 0);
	if (f->on_lock)
		f->on_lock(f, name, mode);
	return 0;
}

static int f_unlock(void *ls, uint32_t lkid, struct dlm_lksb *lksb,
		    void *astarg, void *arg)
{
	struct fake *f = arg;

	(void)ls;
	assert_int_not_equal(lkid, 0);
	for (unsigned int i = 0; i < f->nres; i++) {
		if (f->res[i].lkid != lkid || f->res[i].mode == -1)
			continue;
		f->res[i].mode = -1;
		f->res[i].lkid = 0;
		/* libdlm passes EUNLOCK as it is, to the lock's AST */
		complete(f, lksb, NULL, astarg, EUNLOCK);
		return 0;
	}
	fail_msg("unlock of lock %u, not held", lkid);
	return -EINVAL;
}

static int f_dispatch(int fd, void *arg)
{
	struct fake *f = arg;
	struct completion c;
	char b;

	assert_int_equal(read(fd, &b, 1), 1);
	assert_true(f->qn > 0);
	c = f->q[f->qh];
	f->qh = (f->qh + 1) % MAXQ;
	f->qn--;
	if (f->inject) {
		/* an event sent before this completion, not read yet */
		f->inject = false;
		f->ev[(f->eh + f->en++) % MAXQ] = f->injected;
	}
	c.lksb->sb_status = c.status;
	f->ast(c.astarg);
	return 0;
}

static const struct dlmr_driver_dlm fake_dlm = {
	.create = f_create, .release = f_release, .fd = f_fd,
	.lock = f_lock, .unlock = f_unlock, .dispatch = f_dispatch,
};

/* ---- the fake source -------------------------------------------------- */

static int s_fd(void *src) { (void)src; return -EBADF; }

static int s_next(void *src, struct dlmr_event *ev)
{
	struct fake *f = src;

	if (!f->en)
		return 0;
	*ev = f->ev[f->eh];
	f->eh = (f->eh + 1) % MAXQ;
	f->en--;
	return 1;
}

static int s_get(void *src, const char *ls, struct dlmr_ls_info *out)
{
	struct fake *f = src;

	(void)ls;
	*out = f->snap;
	return 0;
}

static uint32_t s_nodeid(void *src) { (void)src; return 1; }

static const struct dlmr_driver_source fake_source = {
	.fd = s_fd, .next_event = s_next, .get = s_get,
	.our_nodeid = s_nodeid, .close = NULL,
};

static void push_event(struct fake *f, const struct dlmr_event *ev)
{
	assert_true(f->en < MAXQ);
	f->ev[(f->eh + f->en++) % MAXQ] = *ev;
}

/* ---- the trace ---------------------------------------------------------- */

static void on_trace(void *arg, const struct dlmr_event *ev)
{
	struct fake *f = arg;
	char line[1024];

	/* every event the driver reports is one the schema carries */
	assert_true(dlmr_trace_format(ev, line, sizeof(line)) > 0);
	assert_true(f->nlog < 256);
	snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%s%s%s",
		 dlmr_event_name(ev->type), ev->resource ? " " : "",
		 ev->resource ? ev->resource : "");
	f->last[ev->type] = *ev;
	if (getenv("TEST_DRIVER_TRACE"))
		fprintf(stderr, "%s\n", line);
}

/* The first @what logged at or after @from, or -1. */
static int find_from(const struct fake *f, const char *what, int from)
{
	for (unsigned int i = (unsigned int)from; i < f->nlog; i++)
		if (!strcmp(f->log[i], what))
			return (int)i;
	return -1;
}

static int find_log(const struct fake *f, const char *what)
{
	for (unsigned int i = 0; i < f->nlog; i++)
		if (!strcmp(f->log[i], what))
			return (int)i;
	return -1;
}

/* ---- set-up ---------------------------------------------------------- */

static char dir[64];

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(pipe2(f->pipe, O_NONBLOCK | O_CLOEXEC), 0);
	/* a two-node lockspace at generation 1: us (1, slot 1) and 2 */
	f->snap.state = DLMR_LS_RUNNING;
	f->snap.generation = 1;
	f->snap.our_slot = 1;
	f->snap.num_slots = 2;
	f->snap.slots[0] = (struct dlmr_slot){ 1, 1 };
	f->snap.slots[1] = (struct dlmr_slot){ 2, 2 };
	f->snap.seq = 3;
	return f;
}

static void fake_free(struct fake *f)
{
	close(f->pipe[0]);
	close(f->pipe[1]);
	free(f);
}

static struct dlmr_driver_config config(struct fake *f)
{
	struct dlmr_driver_config c = {
		.lockspace = "emu", .coord = { .journals = 2 },
		.journal_dir = dir, .trace = on_trace, .arg = f,
	};
	return c;
}

/* Dispatch until @done says so (at most 5 s): the last return. */
static int run_until(struct dlmr_driver *d, bool (*done)(struct dlmr_driver *))
{
	int r = 0;

	for (int i = 0; i < 500 && !done(d); i++) {
		struct pollfd p = { .fd = dlmr_driver_fd(d), .events = POLLIN };

		poll(&p, 1, 10);
		r = dlmr_driver_dispatch(d);
		if (r)
			break;
	}
	return r;
}

static bool mounted(struct dlmr_driver *d)
{
	struct dlmr_driver_status st;

	dlmr_driver_status(d, &st);
	return st.coord.mounted && !st.coord.blocked;
}

static bool never(struct dlmr_driver *d) { (void)d; return false; }

static struct dlmr_driver *mount(struct fake *f, struct dlmr_driver_config *c)
{
	struct dlmr_driver *d = NULL;

	assert_int_equal(dlmr_driver_new_with(c, &fake_dlm, f, &fake_source,
					      f, &d), 0);
	assert_int_equal(run_until(d, mounted), 0);
	assert_true(mounted(d));
	return d;
}

/* A dirty journal @jid of node @node, generation 7, @n records. */
static void write_journal(int jid, uint32_t node, unsigned int n)
{
	char path[128], buf[JF_SECTOR];
	int fd;

	snprintf(path, sizeof(path), "%s/journal%d", dir, jid);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	memset(buf, 0, sizeof(buf));
	jf_hdr_fill((struct jf_hdr *)buf, jid, true, node, 7);
	assert_int_equal(pwrite(fd, buf, JF_SECTOR, 0), JF_SECTOR);
	for (unsigned int s = 1; s <= n; s++) {
		struct jf_rec *r = (struct jf_rec *)buf;

		memset(buf, 0, sizeof(buf));
		snprintf(r->payload, sizeof(r->payload), "record %u", s);
		jf_rec_seal(r, jid, node, 7, s);
		assert_int_equal(pwrite(fd, buf, JF_SECTOR, s * JF_SECTOR),
				 JF_SECTOR);
	}
	close(fd);
}

static bool journal_dirty(int jid)
{
	char path[128];
	union { struct jf_hdr h; char b[JF_SECTOR]; } u;
	int fd;

	snprintf(path, sizeof(path), "%s/journal%d", dir, jid);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, u.b, JF_SECTOR, 0), JF_SECTOR);
	close(fd);
	jf_hdr_check(&u.h);
	return JF_U32(u.h.dirty);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-driver.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* ---- the tests --------------------------------------------------------- */

/* The join's done from the snapshot, then the mount: first mounter,
 * jid 0, every journal recovered (missing files: clean). */
static void test_cold_mount(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d;
	struct dlmr_driver_status st;

	(void)state;
	d = mount(f, &c);
	assert_int_equal(dlmr_driver_status(d, &st), 0);
	assert_int_equal(st.coord.jid, 0);
	assert_true(st.coord.first);
	assert_int_equal(st.nodeid, 1);
	assert_true(find_log(f, "join") == 0);
	assert_true(find_log(f, "done") > 0);
	assert_string_equal(f->last[DLMR_EV_DONE].detail, "from a snapshot");
	assert_true(find_log(f, "mounted") > find_log(f, "done"));
	assert_true(f->last[DLMR_EV_MOUNTED].first);
	/* events the snapshot holds are not taken again */
	push_event(f, &(struct dlmr_event){ .type = DLMR_EV_DONE, .seq = 3,
		   .ls = "emu", .generation = 1, .our_slot = 1, .jid = -1 });
	assert_int_equal(dlmr_driver_dispatch(d), 0);
	for (unsigned int i = 0, n = 0; i < f->nlog; i++)
		assert_true(strcmp(f->log[i], "done") || ++n == 1);
	dlmr_driver_free(d);
	assert_true(f->released);
	assert_string_equal(f->log[f->nlog - 1], "leave");
	fake_free(f);
}

static void failure_events(struct fake *f, uint64_t seq)
{
	struct dlmr_event prep = { .type = DLMR_EV_PREP, .seq = seq,
				   .ls = "emu", .jid = -1 };
	struct dlmr_event slot = { .type = DLMR_EV_SLOT, .seq = seq + 1,
				   .ls = "emu", .nodeid = 2, .slot = 2,
				   .jid = -1 };
	struct dlmr_event done = { .type = DLMR_EV_DONE, .seq = seq + 2,
				   .ls = "emu", .generation = 2,
				   .our_slot = 1, .num_slots = 1, .jid = -1 };

	done.slots[0] = (struct dlmr_slot){ 1, 1 };
	push_event(f, &prep);
	push_event(f, &slot);
	push_event(f, &done);
}

static bool replayed(struct dlmr_driver *d)
{
	struct dlmr_driver_status st;

	dlmr_driver_status(d, &st);
	return st.replays > 0 && !st.coord.blocked;
}

/* Node 2 fails: prep, slot, done; its journal is replayed from the
 * directory (every record checked) and marked clean; we unblock. */
static void test_failure_replay(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d;
	struct dlmr_driver_status st;

	(void)state;
	int mark;

	d = mount(f, &c);
	mark = (int)f->nlog;
	write_journal(1, 2, 5);
	failure_events(f, 4);
	assert_int_equal(run_until(d, replayed), 0);
	assert_int_equal(dlmr_driver_status(d, &st), 0);
	assert_int_equal(st.replays, 1);
	assert_false(st.coord.blocked);
	assert_false(journal_dirty(1));
	assert_int_equal(f->last[DLMR_EV_RECOVERED].jid, 1);
	assert_int_equal(f->last[DLMR_EV_RECOVERED].status, 1);
	assert_string_equal(f->last[DLMR_EV_RECOVERED].detail,
			    "replayed 5 records of node 2 gen 7 bad 0");
	assert_true(find_from(f, "block", mark) > find_from(f, "prep", mark));
	assert_true(find_from(f, "unblock", mark) >
		    find_from(f, "recovered", mark));
	dlmr_driver_free(d);
	fake_free(f);
}

/*
 * Finding 11's order: a prep sent before a completion that is read in the
 * same dlm_dispatch() reaches the coordinator first (the driver drains
 * the event socket in the AST), so the grant finds it blocked.  Without
 * the drain the grant comes first.
 */
static void test_events_before_grants(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d = NULL;
	int prep, grant;

	(void)state;
	f->inject = true;
	f->injected = (struct dlmr_event){ .type = DLMR_EV_PREP, .seq = 4,
					   .ls = "emu", .jid = -1 };
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), 0);
	/* the mount's first request is under way; read its completion */
	assert_int_equal(dlmr_driver_dispatch(d), 0);
	prep = find_log(f, "prep");
	grant = find_log(f, "grant mounted");
	assert_true(prep > 0);
	assert_true(grant > 0);
	assert_true(prep < grant);
	assert_true(find_log(f, "block") < grant);
	dlmr_driver_free(d);
	fake_free(f);
}

/*
 * Two requests on the control lock (include/dlmrecover.h, "The order of
 * inputs", 4; docs/step-order.md, G): node 2 fails while our
 * control_first_done()'s PR conversion of the mounted lock is in
 * flight.  The events, read before that completion, queue the control
 * work, which converts the control lock to EX; the PR's completion then
 * has first_done convert it to NL, beside the EX.  The fake DLM takes
 * both, and their completions come in order: the EX's answers the older
 * request.  (The driver before counted one request per lock and failed
 * with -EPROTO at the second completion.)
 */
static struct fake *two_f; /* test_two_control_requests's */

/* node 2 fails while first_done's PR request on the mounted lock is in
 * flight: its events are in the socket before that completion */
static void fail_at_first_done_pr(struct fake *f, const char *name,
				  uint32_t mode)
{
	if (mode != LKM_PRMODE || strcmp(name, "mounted"))
		return;
	f->on_lock = NULL;
	write_journal(1, 2, 3);
	failure_events(f, 4);
	/* the PR's completion, and what comes after it, wait */
	f->hold = true;
	f->held = 1;
	assert_int_equal(read(f->pipe[0], &(char){ 0 }, 1), 1);
}

static void release(struct fake *f)
{
	f->hold = false;
	for (; f->held; f->held--)
		assert_int_equal(write(f->pipe[1], "x", 1), 1);
}

static bool work_asked_ex(struct dlmr_driver *d)
{
	(void)d;
	return find_from(two_f, "lock control", find_log(two_f, "prep")) > 0;
}

static bool recovered_jid1(struct dlmr_driver *d)
{
	struct dlmr_driver_status st;

	dlmr_driver_status(d, &st);
	return st.replays > 0 && !st.coord.blocked && st.coord.mounted;
}

/*
 * Two requests on the control lock (include/dlmrecover.h, "The order of
 * inputs", 4; docs/step-order.md, G): node 2 fails while our
 * control_first_done()'s PR conversion of the mounted lock is in
 * flight.  The events, read before that completion, queue the control
 * work, which converts the control lock to EX; the PR's completion then
 * has first_done convert it to NL, beside the EX.  The fake DLM takes
 * both, and their completions come in order: the EX's answers the older
 * request.  (The driver before counted one request per lock and failed
 * with -EPROTO at the second completion.)
 */
static void test_two_control_requests(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d = NULL;
	struct dlmr_driver_status st;
	int pr, ex, nl, g1;

	(void)state;
	f->on_lock = fail_at_first_done_pr;
	two_f = f;
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), 0);
	/* the events read, the control work runs: EX */
	assert_int_equal(run_until(d, work_asked_ex), 0);
	assert_true(work_asked_ex(d));
	release(f);
	assert_int_equal(run_until(d, recovered_jid1), 0);
	assert_int_equal(dlmr_driver_status(d, &st), 0);
	assert_int_equal(st.error, 0);
	assert_true(recovered_jid1(d));
	assert_int_equal(f->last[DLMR_EV_RECOVERED].jid, 1);
	assert_int_equal(f->last[DLMR_EV_RECOVERED].status, 1);
	pr = find_log(f, "grant mounted");
	pr = find_from(f, "grant mounted", find_from(f, "grant mounted", pr + 1) + 1);
	ex = find_from(f, "lock control", find_log(f, "prep"));
	nl = find_from(f, "lock control", ex + 1);
	g1 = find_from(f, "grant control", ex);
	/* the work's EX after the prep, before first_done's PR was granted;
	 * first_done's NL beside it; the two grants after both requests */
	assert_true(find_log(f, "prep") > 0);
	assert_true(ex > 0 && ex < pr);
	assert_true(nl > pr);
	assert_true(g1 > nl);
	assert_true(find_from(f, "grant control", g1 + 1) > g1);
	dlmr_driver_free(d);
	fake_free(f);
}

/* dlm_ls_lock()'s own error is the completion: the mount fails. */
static void test_lock_refused(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d = NULL;
	struct dlmr_driver_status st;

	(void)state;
	f->refuse = -EINVAL;
	snprintf(f->refuse_name, sizeof(f->refuse_name), "mounted");
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), 0);
	assert_int_equal(run_until(d, never), 1);
	assert_int_equal(dlmr_driver_status(d, &st), 0);
	assert_true(st.finished);
	assert_int_equal(st.error, -EINVAL);
	assert_int_equal(f->last[DLMR_EV_AGAIN].status, -EINVAL);
	assert_string_equal(f->last[DLMR_EV_UNMOUNTED].detail, "mount failed");
	dlmr_driver_free(d);
	fake_free(f);
}

/* A loss: at our generation, nothing; with a newer generation without
 * node 2, a prep, node 2's slot and the snapshot's done. */
static void test_lost(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d;
	struct dlmr_driver_status st;
	struct dlmr_event lost = { .type = DLMR_EV_LOST, .ls = "emu",
				   .seq = 2, .resynced = true,
				   .state = DLMR_LS_RUNNING, .resync_seq = 5,
				   .generation = 1, .our_slot = 1,
				   .num_slots = 2, .jid = -1 };

	(void)state;
	int mark;

	d = mount(f, &c);
	mark = (int)f->nlog;
	lost.slots[0] = (struct dlmr_slot){ 1, 1 };
	lost.slots[1] = (struct dlmr_slot){ 2, 2 };
	push_event(f, &lost);
	assert_int_equal(dlmr_driver_dispatch(d), 0);
	assert_int_equal(find_from(f, "block", mark), -1);
	write_journal(1, 2, 3);
	lost.generation = 3;
	lost.num_slots = 1;
	push_event(f, &lost);
	/* another lockspace's loss is not ours */
	snprintf(lost.ls, sizeof(lost.ls), "other");
	push_event(f, &lost);
	assert_int_equal(run_until(d, replayed), 0);
	assert_int_equal(dlmr_driver_status(d, &st), 0);
	assert_int_equal(st.lost, 2);
	assert_int_equal(st.replays, 1);
	assert_int_equal(st.coord.recover_start, 3);
	assert_true(find_from(f, "block", mark) > 0);
	/* the lockspace gone: no snapshot */
	snprintf(lost.ls, sizeof(lost.ls), "emu");
	lost.resynced = false;
	push_event(f, &lost);
	assert_int_equal(dlmr_driver_dispatch(d), -ENOENT);
	dlmr_driver_free(d);
	fake_free(f);
}

static bool appended(struct dlmr_driver *d)
{
	struct dlmr_driver_status st;

	dlmr_driver_status(d, &st);
	return st.appends >= 3;
}

/* The writer appends to our journal while mounted; the unmount marks it
 * clean, unlocks, and a replay of it by another node would find it
 * clean. */
static void test_writer_unmount(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d;

	(void)state;
	c.write_ms = 1;
	d = mount(f, &c);
	assert_int_equal(run_until(d, appended), 0);
	assert_true(journal_dirty(0));
	assert_int_equal(dlmr_driver_unmount(d), 0);
	assert_false(journal_dirty(0));
	assert_int_equal(run_until(d, never), 1);
	assert_true(find_log(f, "unmounted") > 0);
	assert_true(find_log(f, "unlock journal") > 0);
	dlmr_driver_free(d);
	fake_free(f);
}

static void test_errors(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d = NULL;

	(void)state;
	assert_int_equal(dlmr_driver_new(NULL, &d), -EINVAL);
	c.lockspace = "a-name-longer-than-sixty-four-bytes-is-refused-by-the-dlm-xxxxxxxxx";
	assert_int_equal(dlmr_driver_new(&c, &d), -ENAMETOOLONG);
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), -ENAMETOOLONG);
	c = config(f);
	c.journal_dir = NULL;
	assert_int_equal(dlmr_driver_new(&c, &d), -EINVAL);
	c = config(f);
	c.coord.journals = 0;
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), -EINVAL);
	c = config(f);
	f->create_err = -EACCES;
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), -EACCES);
	assert_null(d);
	assert_int_equal(dlmr_driver_dispatch(NULL), -EINVAL);
	assert_int_equal(dlmr_driver_fd(NULL), -EINVAL);
	assert_int_equal(dlmr_driver_unmount(NULL), -EINVAL);
	dlmr_driver_free(NULL);
	fake_free(f);
}

/* A recover callback of the caller's: journals asked for, answered
 * later by the loop below. */
static int recover_cb(void *arg, int jid)
{
	struct fake *f = arg;

	assert_true(f->nasked < 8);
	f->asked[f->nasked++] = jid;
	return 0;
}

/* Dispatch, answering every recovery asked for, until @done. */
static void run_answering(struct fake *f, struct dlmr_driver *d,
			  bool (*done)(struct dlmr_driver *))
{
	for (int i = 0; i < 500 && !done(d); i++) {
		struct pollfd p = { .fd = dlmr_driver_fd(d), .events = POLLIN };

		poll(&p, 1, 10);
		assert_int_equal(dlmr_driver_dispatch(d), 0);
		while (f->nanswered < f->nasked)
			assert_int_equal(dlmr_driver_journal_done(d,
				f->asked[f->nanswered++],
				DLMR_JOURNAL_SUCCESS), 0);
	}
	assert_true(done(d));
}

static void test_recover_callback(void **state)
{
	struct fake *f = fake_new();
	struct dlmr_driver_config c = config(f);
	struct dlmr_driver *d = NULL;
	unsigned int before;

	(void)state;
	c.recover = recover_cb;
	c.journal_dir = NULL;
	assert_int_equal(dlmr_driver_new_with(&c, &fake_dlm, f, &fake_source,
					      f, &d), 0);
	/* the first mounter recovers every journal: 0 and 1 */
	run_answering(f, d, mounted);
	assert_int_equal(f->nasked, 2);
	before = f->nasked;
	failure_events(f, 4);
	for (int i = 0; i < 100 && f->nasked == before; i++) {
		struct pollfd p = { .fd = dlmr_driver_fd(d), .events = POLLIN };

		poll(&p, 1, 10);
		assert_int_equal(dlmr_driver_dispatch(d), 0);
	}
	assert_int_equal(f->nasked, before + 1);
	assert_int_equal(f->asked[before], 1);
	assert_false(mounted(d)); /* blocked until the answer */
	/* an answer nobody asked for */
	assert_int_equal(dlmr_driver_journal_done(d, 0, DLMR_JOURNAL_SUCCESS),
			 -EPROTO);
	run_answering(f, d, mounted);
	dlmr_driver_free(d);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_mount),
		cmocka_unit_test(test_failure_replay),
		cmocka_unit_test(test_events_before_grants),
		cmocka_unit_test(test_two_control_requests),
		cmocka_unit_test(test_lock_refused),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_writer_unmount),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_recover_callback),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
