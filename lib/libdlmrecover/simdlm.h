/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * simdlm: the simulated DLM used by the simulator and the explorer
 * (internal, not exported).
 *
 * The whole DLM is one plain struct with fixed-size arrays and no pointers:
 * copy it with memcpy, compare it with simdlm_equal() (memcmp) and hash it
 * with simdlm_hash().  Every byte, padding included, is defined: the struct
 * has no implicit padding and simdlm_init() zeroes it.  No randomness, no
 * clock, no allocation, no global state.
 *
 * Model (Linux 6.1 fs/dlm; the .c file cites the functions):
 *
 * - Nodes have ids 1..SIMDLM_NODES_MAX; resources are small ints
 *   0..SIMDLM_RES_MAX-1 chosen by the caller.  One lock per (resource,
 *   node), like gfs2's one lksb per lock: a new request (no CONVERT) needs
 *   no lock held, a CONVERT needs one.
 * - Modes and flags are the public enum dlmr_mode / enum dlmr_lkf (only
 *   NOQUEUE, CONVERT and VALBLK).  Each lock has its own value block
 *   buffer: the lksb's sb_lvbptr.  It persists across requests.
 * - Asynchrony: simdlm_request()/simdlm_unlock() decide at once what the
 *   DLM master would do (grant, refuse, queue), exactly as do_request(),
 *   do_convert() and do_unlock() do, and the result is a *pending
 *   completion* (the AST) that the caller delivers later, as a separate
 *   step, with simdlm_take_ast().  A lock is "in flight" from its request
 *   until its completion is taken; another request or unlock on it
 *   meanwhile returns -EBUSY.
 * - Grants: the 6-mode compatibility matrix, conversions before waiting
 *   requests, FIFO queues, a new request never passes queued ones, an
 *   in-place conversion compatible with all granted modes is granted at
 *   once (no QUECVT), down-conversions always are, NOQUEUE gives -EAGAIN,
 *   a conversion that would create a conversion deadlock gives -EDEADLK
 *   (the lock keeps its granted mode).
 * - Value blocks: dlm_lvb_operations; RSB_VALNOTVALID set when recovery
 *   purges a PW/EX VALBLK lock of a removed node (contents kept, not
 *   zeroed) and cleared by the next write; reported per grant as
 *   simdlm_ast.lvb_invalid (DLM_SBF_VALNOTVALID).  A resource with no lock
 *   at the start of a recovery loses its value block (dlm_clear_toss).
 * - Membership: a node that fails *or leaves* keeps its locks on the
 *   master until the next simdlm_recover(), which purges them
 *   (dlm_recover_purge treats both alike: gfs2 relies on it, "mounted_lock
 *   and control_lock will be purged in dlm recovery", gdlm_unmount).  To
 *   leave without invalidating a value block, unlock first.
 * - Recovery: simdlm_stop() (dlm_ls_stop) defers every request and unlock
 *   submitted until simdlm_recover(); nothing is granted while stopped.
 *
 * Not modelled: resource mastering and the directory (as if one master
 * that never fails, so recover_lvb's "new master" case 2 never happens),
 * blocking ASTs, cancel, QUECVT/EXPEDITE/NOORDER/ALTPR/ALTCW/CONVDEADLK/
 * IVVALBLK/PERSISTENT, lvb sequence numbers, the toss timer (an unused
 * resource keeps its value block until the next recovery), timeouts.
 */
#ifndef DLMR_SIMDLM_H
#define DLMR_SIMDLM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "internal.h"

/** Most nodes; node ids are 1..SIMDLM_NODES_MAX. */
#define SIMDLM_NODES_MAX 32
/** Most resources; resource ids are 0..SIMDLM_RES_MAX-1. */
#define SIMDLM_RES_MAX 40
/** The kernel's DLM_EUNLOCK: an unlock completes with -SIMDLM_EUNLOCK. */
#define SIMDLM_EUNLOCK 0x10002

/** Membership state of a node. */
enum simdlm_node_state {
	SIMDLM_NODE_OUT = 0,  /* not in the lockspace */
	SIMDLM_NODE_MEMBER,   /* member */
	SIMDLM_NODE_FAILED,   /* failed; locks purged at the next recovery */
	SIMDLM_NODE_LEFT,     /* left; locks purged at the next recovery */
};

/** What a lock's in-flight operation is (simdlm_lock.op). */
enum simdlm_op {
	SIMDLM_OP_NONE = 0,
	SIMDLM_OP_LOCK,       /* request or conversion */
	SIMDLM_OP_UNLOCK,
};

/** Where a lock's in-flight operation is (simdlm_lock.where). */
enum simdlm_where {
	SIMDLM_AT_NONE = 0,   /* no operation in flight */
	SIMDLM_AT_DEFERRED,   /* submitted while stopped, not yet decided */
	SIMDLM_AT_CONVERT,    /* on the convert queue (grmode held) */
	SIMDLM_AT_WAIT,       /* on the wait queue (new request) */
	SIMDLM_AT_DONE,       /* decided; completion pending */
};

/** Completion result codes as stored (simdlm_lock.ast). */
enum simdlm_ast_code {
	SIMDLM_AST_NONE = 0,
	SIMDLM_AST_GRANTED,   /* status 0 */
	SIMDLM_AST_AGAIN,     /* status -EAGAIN (NOQUEUE, not grantable) */
	SIMDLM_AST_DEADLK,    /* status -EDEADLK (conversion deadlock) */
	SIMDLM_AST_UNLOCKED,  /* status -SIMDLM_EUNLOCK */
};

/* simdlm_lock.ast_flags */
#define SIMDLM_ASTF_LVB_INVALID 0x01 /* DLM_SBF_VALNOTVALID */
#define SIMDLM_ASTF_LVB_READ    0x02 /* the resource's LVB was copied in */

/**
 * One (resource, node) lock.  No lock: grmode == DLMR_MODE_IV and
 * where != SIMDLM_AT_WAIT (a queued new request exists but holds nothing).
 * 41 bytes, all single bytes, so no padding.
 */
struct simdlm_lock {
	int8_t grmode;     /* granted mode, DLMR_MODE_IV if none */
	int8_t rqmode;     /* mode of the in-flight request, else IV */
	uint8_t op;        /* enum simdlm_op */
	uint8_t where;     /* enum simdlm_where */
	uint8_t rank;      /* 1-based FIFO position in its queue (CONVERT,
			      WAIT) or among the resource's DEFERRED ops */
	uint8_t exflags;   /* dlmr_lkf of the last decided request (lkb_exflags,
			      +VALBLK of an unlock) */
	uint8_t rqflags;   /* dlmr_lkf of the in-flight operation; it becomes
			      exflags when decided (validate_*_args run after
			      dlm_lock_recovery) */
	uint8_t ast;       /* enum simdlm_ast_code when where == DONE */
	uint8_t ast_flags; /* SIMDLM_ASTF_* when where == DONE */
	uint8_t lvb[DLMR_LVB_SIZE]; /* the lksb value block buffer */
};

/** One resource (the master's rsb). */
struct simdlm_res {
	uint8_t lvb[DLMR_LVB_SIZE]; /* res_lvbptr contents */
	uint8_t lvb_exists;  /* res_lvbptr != NULL */
	uint8_t valnotvalid; /* RSB_VALNOTVALID */
	uint8_t pad[2];      /* zero */
	struct simdlm_lock locks[SIMDLM_NODES_MAX]; /* index nodeid - 1 */
};

/** The whole simulated DLM. */
struct simdlm {
	uint8_t node[SIMDLM_NODES_MAX]; /* enum simdlm_node_state, index nodeid-1 */
	uint8_t stopped;     /* lockspace stopped for recovery */
	/* resources 0..nres-1 and nodes 1..nnodes are the only ones the
	 * caller uses (0: all): simdlm_recover() looks at no others */
	uint8_t nres, nnodes;
	uint8_t pad;         /* zero */
	struct simdlm_res res[SIMDLM_RES_MAX];
};

/** A completion, as delivered to the node by simdlm_take_ast(). */
struct simdlm_ast {
	int status;          /* 0, -EAGAIN, -EDEADLK or -SIMDLM_EUNLOCK */
	int mode;            /* the lock's granted mode now (IV: no lock) */
	bool lvb_invalid;    /* DLM_SBF_VALNOTVALID */
	bool lvb_read;       /* the resource value block was copied into lvb */
	uint8_t lvb[DLMR_LVB_SIZE]; /* the lksb buffer after the operation */
};

/** A (resource, node) pair, for simdlm_pending(). */
struct simdlm_ref {
	unsigned int res;
	uint32_t node;
};

/* Zero everything: no members, no locks, running. */
void simdlm_init(struct simdlm *d);

/*
 * Membership.  Return 0 or:
 * -EINVAL bad node; -EEXIST join of a member; -EBUSY join of a node whose
 * failure/leave awaits recovery; -ENOTCONN fail/leave of a non-member.
 * simdlm_fail()/simdlm_leave(): the node's pending completions and
 * deferred operations are dropped at once; its locks stay (and may still
 * block or even be granted) until simdlm_recover() purges them.
 */
int simdlm_join(struct simdlm *d, uint32_t node);
int simdlm_leave(struct simdlm *d, uint32_t node);
int simdlm_fail(struct simdlm *d, uint32_t node);

/* Stop the lockspace (dlm_ls_stop); idempotent. */
void simdlm_stop(struct simdlm *d);

/*
 * One recovery (ls_recover), stopping first if not stopped: forget the
 * value block of resources without locks (dlm_clear_toss); purge the locks
 * of failed and left nodes, marking the value block not valid where a
 * purged lock held PW/EX with VALBLK (dlm_recover_purge, recover_lvb);
 * those nodes become OUT; restart; grant what the purge unblocked
 * (dlm_recover_grant); then decide the deferred operations, per resource
 * in submission order.  Returns the number of locks purged.
 */
int simdlm_recover(struct simdlm *d);

/*
 * Request (no DLMR_LKF_CONVERT) or convert a lock.  @lvb, if not NULL, is
 * first copied into the lock's buffer (what the caller writes to
 * sb_lvbptr before dlm_lock()).  Decided at once unless stopped.
 * Returns 0 or:
 * -EINVAL bad res/node/mode/flags; -ENOTCONN node not a member;
 * -EBUSY an operation on this lock is in flight; -ENOENT CONVERT without a
 * lock; -EEXIST a new request while holding a lock.
 */
int simdlm_request(struct simdlm *d, unsigned int res, uint32_t node,
		   int mode, unsigned int flags, const uint8_t *lvb);

/*
 * Unlock (dlm_unlock).  @lvb, if not NULL, is copied into the buffer and
 * VALBLK is added (dlm_unlock with DLM_LKF_VALBLK); a PW/EX lock with
 * VALBLK writes the buffer to the resource (set_lvb_unlock).  Completes
 * with -SIMDLM_EUNLOCK.  Same errors as simdlm_request(), -ENOENT if no
 * lock is held.
 */
int simdlm_unlock(struct simdlm *d, unsigned int res, uint32_t node,
		  const uint8_t *lvb);

/* Whether (res, node) has a completion waiting to be delivered. */
bool simdlm_ast_pending(const struct simdlm *d, unsigned int res,
			uint32_t node);

/*
 * Deliver the pending completion of (res, node): fill @out and end the
 * in-flight operation.  Returns 0, -EINVAL, or -ENOENT if none pending.
 */
int simdlm_take_ast(struct simdlm *d, unsigned int res, uint32_t node,
		    struct simdlm_ast *out);

/*
 * All pending completions in ascending (res, node) order.  Fills up to
 * @max entries of @out (may be NULL when @max is 0); returns the total.
 */
unsigned int simdlm_pending(const struct simdlm *d, struct simdlm_ref *out,
			    unsigned int max);

/* Queries.  Out-of-range arguments give DLMR_MODE_IV / false / -EINVAL. */
int simdlm_mode(const struct simdlm *d, unsigned int res, uint32_t node);
bool simdlm_in_flight(const struct simdlm *d, unsigned int res,
		      uint32_t node);
/* The resource's value block; *valid is false under RSB_VALNOTVALID.
 * Returns 1 if the resource has a value block, 0 if not, -EINVAL. */
int simdlm_res_lvb(const struct simdlm *d, unsigned int res,
		   uint8_t lvb[DLMR_LVB_SIZE], bool *valid);
enum simdlm_node_state simdlm_node(const struct simdlm *d, uint32_t node);

/* State identity for the explorer. */
bool simdlm_equal(const struct simdlm *a, const struct simdlm *b);
uint64_t simdlm_hash(const struct simdlm *d);

/* Human-readable dump of the non-empty resources (debugging). */
void simdlm_dump(const struct simdlm *d, FILE *f);

#endif
