/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the library's modules; not installed. */
#ifndef DLMR_INTERNAL_H
#define DLMR_INTERNAL_H

#include "dlmrecover.h"

#ifndef DLMR_EXPORT
#define DLMR_EXPORT __attribute__((visibility("default")))
#endif
#define DLMR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- kernel.c: internals the unit tests drive --------------------------- */

struct nlmsghdr;

/* Sequence tracking of one lockspace's events. */
struct dlmr_ls_seq {
	char name[DLMR_LSNAME_MAX + 1];
	uint64_t seq;       /* last event delivered or resynced to (0: a
			     * snapshot of a lockspace without events) */
	bool known;         /* seq is known: else the next event is taken
			     * as it comes (first seen, or not resynced) */
	bool pending;       /* resynced: events the snapshot holds may follow */
	uint64_t snap_seq;  /* the snapshot's seq and CLOCK_MONOTONIC ns */
	uint64_t snap_mono;
};

enum dlmr_seq_verdict {
	DLMR_SEQ_NEXT,       /* the next event (or the first one seen) */
	DLMR_SEQ_DUPLICATE,  /* the last snapshot contains it: drop it */
	DLMR_SEQ_GAP,        /* events before it were lost: resync */
	DLMR_SEQ_RESTART,    /* seq 1 of a re-created lockspace: deliver */
	DLMR_SEQ_RECREATED,  /* a re-created lockspace, its first events
			      * lost: resync */
};

enum dlmr_seq_verdict dlmr_seq_check(struct dlmr_ls_seq *t, uint64_t seq,
				     uint64_t mono_ns, uint64_t *lost);

typedef int (*dlmr_kernel_get_fn)(struct dlmr_kernel *k, const char *ls,
				  struct dlmr_ls_info *out);
typedef int (*dlmr_kernel_list_fn)(struct dlmr_kernel *k,
				   struct dlmr_ls_info **out, size_t *n);

/* A GET reply (or a dump part) into @in. */
/* This node's nodeid from dlm_controld's configfs entries, 0 if none. */
uint32_t dlmr_read_our_nodeid(void);
int dlmr_kernel_parse_info(const struct nlmsghdr *nlh,
			   struct dlmr_ls_info *in);
/* A connection without sockets: events come from dlmr_kernel_feed(),
 * snapshots from @get and @list; free it with dlmr_kernel_close(). */
struct dlmr_kernel *dlmr_kernel_fake(uint16_t family, dlmr_kernel_get_fn get,
				     dlmr_kernel_list_fn list, void *arg);
void *dlmr_kernel_fake_arg(const struct dlmr_kernel *k);
/* Whether every netlink message of @data lies within its @len bytes
 * (what mnl_cb_run() cannot be given otherwise). */
bool dlmr_nl_lengths_ok(const void *data, size_t len);
/* Parse received event messages into the queue; 0 or -errno. */
int dlmr_kernel_feed(struct dlmr_kernel *k, const void *buf, size_t len);
/* What dlmr_kernel_next_event() does on ENOBUFS. */
int dlmr_kernel_overrun(struct dlmr_kernel *k);
/* The next queued event: 1, or 0 if none. */
int dlmr_kernel_pop(struct dlmr_kernel *k, struct dlmr_event *ev);

/* ---- driver.c: what the driver calls, so the unit tests can fake it ---- */

struct dlm_lksb;

/* libdlm's calls (libdlm_lt), returning 0 or a negative errno. */
struct dlmr_driver_dlm {
	/* dlm_create_lockspace(); NULL and *err on failure */
	void *(*create)(const char *name, int *err, void *arg);
	int (*release)(const char *name, void *ls, void *arg);
	int (*fd)(void *ls, void *arg);
	int (*lock)(void *ls, uint32_t mode, struct dlm_lksb *lksb,
		    uint32_t flags, const char *name, void (*ast)(void *),
		    void *astarg, void *arg);
	int (*unlock)(void *ls, uint32_t lkid, struct dlm_lksb *lksb,
		      void *astarg, void *arg);
	/* dlm_dispatch(): one completion's AST */
	int (*dispatch)(int fd, void *arg);
};

/* Where the recovery events come from (the kernel client's calls). */
struct dlmr_driver_source {
	int (*fd)(void *src);                 /* pollable, or < 0: none */
	int (*next_event)(void *src, struct dlmr_event *ev); /* 1, 0, -errno */
	int (*get)(void *src, const char *ls, struct dlmr_ls_info *out);
	uint32_t (*our_nodeid)(void *src);
	void (*close)(void *src);
	/* after the lockspace is created (may be NULL) */
	int (*join)(void *src, const char *ls);
};

/* ---- cpgsrc.c: corosync CPG as the source, and its agreement ---------- */

struct dlmr_cpg_agree;
struct dlmr_cpg_member {
	uint32_t nodeid, pid;
};
typedef int (*dlmr_cpg_send_fn)(void *arg, const void *buf, size_t len);
/* Our process: @nodeid, @pid (any number unique to this process). */
int dlmr_cpg_agree_new(uint32_t nodeid, uint32_t pid, const char *ls,
		       struct dlmr_cpg_agree **out);
void dlmr_cpg_agree_free(struct dlmr_cpg_agree *a);
/* A confchg (@failed: nodeids that left with NODEDOWN or PROCDOWN);
 * @send multicasts our table message when we are the sender. */
int dlmr_cpg_agree_confchg(struct dlmr_cpg_agree *a,
			   const struct dlmr_cpg_member *members, size_t n,
			   const struct dlmr_cpg_member *joined, size_t nj,
			   const uint32_t *failed, size_t nf,
			   dlmr_cpg_send_fn send, void *arg);
/* A delivered message: 1 accepted (a done queued), 0 not ours,
 * -EBADMSG malformed. */
int dlmr_cpg_agree_deliver(struct dlmr_cpg_agree *a, const void *buf,
			   size_t len);
int dlmr_cpg_agree_next(struct dlmr_cpg_agree *a, struct dlmr_event *ev);
/* The accepted table, NULL while none or while waiting for one. */
const struct dlmr_slot_table *dlmr_cpg_agree_table(const struct dlmr_cpg_agree *a);
extern const struct dlmr_driver_source dlmr_cpg_source;
int dlmr_cpg_open(const char *ls, void **out);

/* dlmr_driver_new() with both faked; @dlm_arg and @src are passed to
 * their functions, @src closed by dlmr_driver_free() (or on failure). */
int dlmr_driver_new_with(const struct dlmr_driver_config *cfg,
			 const struct dlmr_driver_dlm *dlm, void *dlm_arg,
			 const struct dlmr_driver_source *source, void *src,
			 struct dlmr_driver **out);

#endif
