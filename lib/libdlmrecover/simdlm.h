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
 *   until its completion is taken.  Another request on it meanwhile is
 *   -EBUSY exactly when Linux 6.1's validate_lock_args() says so (the
 *   lkb on the convert or wait queue, or awaiting a remote master's
 *   reply); otherwise (the first operation decided: granted, refused,
 *   or a down-conversion, never a reply) it is decided too and its
 *   completion is delivered after the first's (simdlm_request()).  An
 *   unlock meanwhile returns -EBUSY.
 * - Grants: the 6-mode compatibility matrix, conversions before waiting
 *   requests, FIFO queues, a new request never passes queued ones, an
 *   in-place conversion compatible with all granted modes is granted at
 *   once (no QUECVT), down-conversions always are, NOQUEUE gives -EAGAIN,
 *   a conversion that would create a conversion deadlock gives -EDEADLK
 *   (the lock keeps its granted mode).
 * - Value blocks: dlm_lvb_operations; RSB_VALNOTVALID, reported per grant
 *   as simdlm_ast.lvb_invalid (DLM_SBF_VALNOTVALID), and cleared by the
 *   next write.  Value block sequence numbers as set_lvb_lock(),
 *   set_lvb_lock_pc() and set_lvb_unlock() keep them: the resource's
 *   (res_lvbseq) grows by one per write; a lock's (lkb_lvbseq, the copy
 *   on the lock's own node) takes the resource's at every read, and at a
 *   write only if the lock's node is the master (a process copy learns
 *   nothing from a write's reply).  A resource with no lock at the start
 *   of a recovery loses its value block and its master (dlm_clear_toss).
 * - Masters: every resource has a master node, the first node whose
 *   request on it is decided (the directory makes the first to look it
 *   up the master, dlm_master_lookup()); it keeps it until the resource
 *   is freed at a recovery (above) or until the master is removed.
 * - Membership: a node that fails *or leaves* keeps its locks on the
 *   master until the next simdlm_recover(), which purges them
 *   (dlm_recover_purge treats both alike: gfs2 relies on it, "mounted_lock
 *   and control_lock will be purged in dlm recovery", gdlm_unmount).  To
 *   leave without invalidating a value block, unlock first.
 * - Recovery of value blocks (fs/dlm/recover.c recover_lvb(), run by
 *   dlm_recover_rsbs()):
 *   case 1, the master stays: a purged PW/EX lock with VALBLK sets
 *   RSB_VALNOTVALID, the contents are kept;
 *   case 2, the master was removed (dlm_recover_masters(): a surviving
 *   node with a lock on the resource becomes the new master, whichever
 *   asks the directory first) and the new master rebuilds the value
 *   block from the surviving locks on its grant and convert queues that
 *   have VALBLK in lkb_exflags (the flags of their last request): from a
 *   PW/EX lock if there is one (valid); otherwise from the lock with the
 *   highest lkb_lvbseq, the last such in queue order winning a tie, and
 *   RSB_VALNOTVALID is set (a value block can so go back to an older
 *   version); with no such lock the resource has no value block at all
 *   (the new master never had one: a later read copies nothing and sets
 *   no flag).  A lock's value block is its lksb buffer as it is at the
 *   recovery (pack_rcom_lock() copies lkb_lvbptr, which is sb_lvbptr):
 *   the caller keeps it current with simdlm_set_lvb().  Which survivor
 *   becomes master, and which lock wins a tie (the new master's own lock
 *   first, the others in the order their dlm_recover_locks() messages
 *   arrive), are left to the caller as a choice (simdlm_remaster_options(),
 *   simdlm_recover_with()) for resources whose value block is rebuilt; for
 *   the others the lowest nodeid becomes master.
 * - Recovery: simdlm_stop() (dlm_ls_stop) defers every request and unlock
 *   submitted until simdlm_recover(), or per node until
 *   simdlm_recover_end() (below); nothing is granted while stopped.
 *
 * Not modelled: blocking ASTs, cancel, QUECVT/EXPEDITE/NOORDER/ALTPR/
 * ALTCW/CONVDEADLK/IVVALBLK/PERSISTENT, the toss timer (an unused resource
 * keeps its value block and master until the next recovery), timeouts.
 * Around a master's failure: a completion it had decided is delivered as
 * decided (its reply had arrived), unless the caller says the reply was
 * lost with the master (simdlm_resend(): the kernel's
 * dlm_recover_waiters_pre() marks a request or up-conversion that awaits
 * a removed master's reply DLM_IFL_RESEND, and dlm_recover_waiters_post()
 * sends it again once locking is enabled: here it goes back to deferred
 * and is decided at the end of the recovery).  Not modelled: a grant
 * message of a queued operation lost with its master (the lock stays
 * queued on the process copy and the new master grants it again), a
 * queued reply (-EINPROGRESS) lost (the kernel resends the request, which
 * queues behind the rebuilt queues), middle conversions (PR<->CW, which
 * gfs2 never asks for), and an operation sent to a master that has failed
 * but whose failure has not stopped the lockspace yet (decided here as if
 * the master were alive; the kernel resends it too).  The new master
 * rebuilds the convert and wait queues in their old order (the kernel
 * appends the survivors' locks in message order).
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
/* the completion is the master's reply to a request or an up-conversion
 * from another node (decided when it arrived, not a later grant of a
 * queued one): lost with its master, it is resent (simdlm_resend()) */
#define SIMDLM_ASTF_REPLY       0x04

/**
 * One (resource, node) lock.  No lock: grmode == DLMR_MODE_IV and
 * where != SIMDLM_AT_WAIT (a queued new request exists but holds nothing).
 * All single bytes, so no padding.
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
	uint8_t lvbseq;    /* lkb_lvbseq of the lock's own copy */
	/* a reply (SIMDLM_ASTF_REPLY, where == DONE): the requester's
	 * grmode and lkb_lvbseq before the master's decision, which a
	 * resend (simdlm_resend()) restores; rqmode and rqflags keep the
	 * operation's.  DLMR_MODE_IV and 0 otherwise. */
	int8_t prev_grmode;
	uint8_t prev_lvbseq;
	/* an earlier completion of this lock still to be delivered, before
	 * the one of the operation in flight (enum simdlm_ast_code and its
	 * SIMDLM_ASTF_* flags; SIMDLM_AST_NONE: none): a second request
	 * that dlm_lock() accepted while the first's callback was queued
	 * (simdlm_request()).  Never a reply (a pending reply makes the
	 * second request -EBUSY). */
	uint8_t ast0;
	uint8_t ast0_flags;
	uint8_t lvb[DLMR_LVB_SIZE]; /* the lksb value block buffer */
};

/** One resource (the master's rsb). */
struct simdlm_res {
	uint8_t lvb[DLMR_LVB_SIZE]; /* res_lvbptr contents */
	uint8_t lvb_exists;  /* res_lvbptr != NULL */
	uint8_t valnotvalid; /* RSB_VALNOTVALID */
	uint8_t master;      /* the master's nodeid, 0 none (no rsb) */
	uint8_t lvbseq;      /* res_lvbseq */
	uint8_t recover_grant; /* RSB_RECOVER_GRANT: the master's end of
				* recovery grants what the purge unblocked */
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
	/* while stopped: node i+1 has not enabled locking yet (its end of
	 * recovery, simdlm_recover_end(), has not come) */
	uint8_t off[SIMDLM_NODES_MAX];
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
 * value block and master of resources without locks (dlm_clear_toss);
 * purge the locks of failed and left nodes (dlm_recover_purge); give a
 * new master to each resource whose master was removed
 * (dlm_recover_masters) and recover value blocks (recover_lvb, both
 * cases: see the header comment); those nodes become OUT; restart; grant
 * what the purge unblocked (dlm_recover_grant); then decide the deferred
 * operations, per resource in submission order.  Returns the number of
 * locks purged.  simdlm_recover() takes the first option of
 * simdlm_remaster_options() for every resource.
 */
int simdlm_recover(struct simdlm *d);

/*
 * What the next recovery leaves open for a resource whose master is
 * removed: which surviving node with a lock on it becomes the master,
 * and, where its value block is rebuilt from the lock with the highest
 * lkb_lvbseq and several have it, which of them is last in the queue.
 */
struct simdlm_remaster {
	uint8_t master;  /* nodeid of the new master */
	uint8_t from;    /* nodeid of the lock the value block is taken
			    from (recover_lvb()), 0 if none */
};

/*
 * The options for resource @res at the next recovery, in a fixed order
 * (masters ascending, then @from ascending): fills up to @max of @out
 * (may be NULL when @max is 0), returns their number; 0 if the resource
 * keeps its master or has no surviving lock.
 */
unsigned int simdlm_remaster_options(const struct simdlm *d, unsigned int res,
				     struct simdlm_remaster *out,
				     unsigned int max);

/*
 * simdlm_recover() with @choice[res] for every resource that has options
 * (an entry with master 0, or @choice NULL, takes the first option).
 * -EINVAL if a choice is not one of the resource's options (nothing is
 * done then).
 */
int simdlm_recover_with(struct simdlm *d,
			const struct simdlm_remaster choice[SIMDLM_RES_MAX]);

/*
 * simdlm_recover_with() in two halves, as ls_recover() runs on each node
 * (Linux 6.1 fs/dlm/recoverd.c): simdlm_recover_begin() is the part every
 * node does before dlm_recover_done_wait() (purge, masters, value
 * blocks, dlm_clear_members_gone()); locking stays off on every member.
 * simdlm_recover_end(@node) is that node's own end after the barrier:
 * enable_locking(), dlm_process_requestqueue(), dlm_recover_waiters_post()
 * and dlm_recover_grant(): the node's locking is on, the resources it
 * masters grant what the purge unblocked, and every deferred operation
 * whose node and whose resource's master are both on now is decided, per
 * resource in submission order.  An operation submitted meanwhile is
 * decided at once when its node and its resource's master are on, and
 * deferred otherwise (the caller blocked in dlm_lock_recovery(), or the
 * message waiting in the master's requestqueue).  The lockspace is
 * running again once every member has ended.
 */
int simdlm_recover_begin(struct simdlm *d,
			 const struct simdlm_remaster choice[SIMDLM_RES_MAX]);
int simdlm_recover_end(struct simdlm *d, uint32_t node);

/*
 * The lock's lksb buffer changed (the caller wrote sb_lvbptr): the DLM
 * reads it when it writes the value block and when a recovery rebuilds
 * it.  -EINVAL on bad arguments.
 */
int simdlm_set_lvb(struct simdlm *d, unsigned int res, uint32_t node,
		   const uint8_t lvb[DLMR_LVB_SIZE]);

/* The master of @res (0: none), and its res_lvbseq to *@seq if not NULL. */
uint32_t simdlm_master(const struct simdlm *d, unsigned int res,
		       unsigned int *seq);

/*
 * Request (no DLMR_LKF_CONVERT) or convert a lock.  @lvb, if not NULL, is
 * first copied into the lock's buffer (what the caller writes to
 * sb_lvbptr before dlm_lock()).  Decided at once unless stopped.
 *
 * With an operation already in flight on the lock, the answer is
 * dlm_lock()'s in Linux 6.1 (validate_lock_args(), fs/dlm/lock.c): -EBUSY
 * while the lkb is on the convert or wait queue, awaits a remote master's
 * reply (a pending SIMDLM_ASTF_REPLY completion, or an operation sent
 * while the master has not ended its recovery), or is being unlocked;
 * otherwise (decided at once: a grant, a NOQUEUE refusal, a
 * down-conversion, whose completion is only queued) the new operation
 * goes on, and its completion comes after the first's (struct
 * simdlm_lock.ast0; a third operation while two completions are pending
 * is -EBUSY, a limit of the model).  While the node's own locking is off
 * (stopped, its end of recovery not come), a caller would block in
 * dlm_lock_recovery() before it looks at the lkb: with an operation in
 * flight that is -EINPROGRESS (nothing done; the caller submits again
 * after simdlm_recover_end() of its node), without one the operation is
 * deferred as always.
 *
 * Returns 0 or:
 * -EINVAL bad res/node/mode/flags; -ENOTCONN node not a member;
 * -EBUSY as above; -EINPROGRESS as above; -ENOENT CONVERT without a
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

/*
 * Resending (Linux 6.1 fs/dlm/lock.c dlm_recover_waiters_pre(),
 * recover_convert_waiter(), dlm_recover_waiters_post()).  A completion
 * is resendable when it is a reply (SIMDLM_ASTF_REPLY) pending at a
 * member, on a resource whose master is @master, a node that failed or
 * left and awaits recovery: had the reply not arrived before the master
 * went, the request (or up-conversion) would be sent again to the new
 * master after the recovery.
 */
bool simdlm_resendable(const struct simdlm *d, unsigned int res,
		       uint32_t node, uint32_t master);
/*
 * The completions a removal of @master makes resendable (the same
 * before and after simdlm_fail()/simdlm_leave() of @master), in
 * ascending (res, node) order: fills up to @max of @out (may be NULL
 * when @max is 0), returns their number.
 */
unsigned int simdlm_resend_options(const struct simdlm *d, uint32_t master,
				   struct simdlm_ref *out, unsigned int max);
/*
 * The reply pending at (res, node) was lost with its master: the lock is
 * put back as it was before the master decided (its granted mode and
 * lkb_lvbseq; its lksb buffer is @lvb, if not NULL: what the caller has
 * there, as nothing was copied in), and the operation is deferred, to be
 * decided when the node and the resource's new master have ended their
 * recovery (simdlm_recover_end()), after the operations deferred before
 * it.  -EINVAL bad arguments, -ENOENT not resendable.
 */
int simdlm_resend(struct simdlm *d, unsigned int res, uint32_t node,
		  const uint8_t *lvb);

/* Whether (res, node) has a completion waiting to be delivered (one or
 * two: simdlm_take_ast() delivers the older first). */
bool simdlm_ast_pending(const struct simdlm *d, unsigned int res,
			uint32_t node);

/*
 * Deliver the pending completion of (res, node): fill @out and end the
 * in-flight operation; with two pending, the older (struct
 * simdlm_lock.ast0), and the operation in flight goes on.  Returns 0,
 * -EINVAL, or -ENOENT if none pending.
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
