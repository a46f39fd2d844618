/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file dlmrecover.h
 * @brief libdlmrecover: the Linux DLM's slots and recovery callbacks,
 *        visible, reusable and testable.
 *
 * @mainpage libdlmrecover
 *
 * Since Linux 3.3 the kernel DLM assigns every lockspace member a **slot**
 * and calls three recovery callbacks on kernel lockspace users
 * (`struct dlm_lockspace_ops`): `recover_prep`, then `recover_slot` once per
 * failed member, then `recover_done` with the new slot table.  gfs2 builds
 * its journal ids (jid = slot - 1), its first-mounter decision and its
 * journal-recovery coordination on them (`fs/gfs2/lock_dlm.c`).
 *
 * This library gives any lockspace user the same machinery:
 *
 * - @ref slots "Slot tables": the kernel's slot assignment rule
 *   (`dlm_slots_assign`), lookup, diff and formatting.
 * - @ref events "Recovery events" and the @ref contract "callback-ordering
 *   contract": a validator that reports the first violation of the order
 *   the kernel guarantees.
 * - @ref trace "Traces": events as JSON Lines, one schema shared by the
 *   simulator, the kernel example module and `dlmctl recover watch`.
 * - @ref coord "The coordinator": gfs2's first-mounter and
 *   journal-recovery protocol as a sans-I/O state machine.
 * - @ref sim "The simulator": a deterministic N-node cluster running the
 *   coordinator on a simulated DLM, with fault injection and invariants.
 * - @ref judge "The invariants judge": the simulator's invariants S1-S5
 *   checked on recorded traces of real nodes.
 * - @ref driver "The userspace driver": the coordinator on a real
 *   userspace lockspace (libdlm), fed by the kernel's events or by
 *   corosync CPG membership.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure; no function keeps global mutable state; every object is
 * owned by the caller and may be used from one thread at a time.
 */
#ifndef DLMRECOVER_H
#define DLMRECOVER_H

#ifdef __KERNEL__
/* the engine (lib/engine) is built into kernel modules too */
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Library version, major. */
#define DLMR_VERSION_MAJOR 0
/** Library version, minor. */
#define DLMR_VERSION_MINOR 1

/**
 * @brief The library's version string, e.g. "0.1.0".
 * @return a static string; never NULL.
 */
const char *dlmr_version(void);

/**
 * @defgroup slots Slot tables
 * @brief The kernel DLM's slot assignment (`fs/dlm/member.c`,
 *        `dlm_slots_assign`), as a library.
 *
 * Rules (Linux 6.1): a member keeps the slot it has; members without a slot
 * are visited in nodeid order and each takes the lowest free slot (slots
 * start at 1); the new generation is the highest generation any member knows
 * plus one; one member that does not support slots disables slots for the
 * whole lockspace.  Slot tables are kept sorted by nodeid, as the kernel's
 * `ls_nodes` list and the `recover_done` array are.
 * @{
 */

/**
 * Most slots one lockspace can carry: the kernel's `max_slots`, the number
 * of `struct rcom_slot` that fit in one `DLM_MAX_APP_BUFSIZE` recovery
 * message after `struct dlm_rcom` and `struct rcom_config` (Linux 6.1:
 * (4096 - 24 - 48 - 32) / 16 = 249).
 */
#define DLMR_SLOTS_MAX 249

/** Longest lockspace name, without the terminating NUL (`DLM_LOCKSPACE_LEN`). */
#define DLMR_LSNAME_MAX 64

/** One member's slot: mirrors the kernel's `struct dlm_slot`. */
struct dlmr_slot {
	uint32_t nodeid; /**< cluster node id, > 0 */
	int slot;        /**< 1-based slot; jid = slot - 1 */
};

/** A lockspace's slot table after one membership change. */
struct dlmr_slot_table {
	uint32_t generation; /**< slot generation (0: never assigned) */
	bool disabled;       /**< a member without slot support disabled slots */
	unsigned int num;    /**< number of entries in @ref slots */
	struct dlmr_slot slots[DLMR_SLOTS_MAX]; /**< sorted by nodeid */
};

/** Member flags for dlmr_slots_change(). */
enum dlmr_member_flags {
	/** The member's DLM does not support slots (pre-3.3 protocol). */
	DLMR_MEMBER_NO_SLOTS = 1u << 0,
	/**
	 * The member left and came back within one membership change (the
	 * kernel's `node->new`): its old slot is released and it is assigned
	 * one like any new member.
	 */
	DLMR_MEMBER_READDED = 1u << 1,
};

/** One member of the new membership passed to dlmr_slots_change(). */
struct dlmr_member {
	uint32_t nodeid; /**< cluster node id, > 0 */
	unsigned int flags; /**< a set of @ref dlmr_member_flags */
};

/**
 * @brief Initialise an empty slot table (generation 0, no members).
 * @param t the table.
 */
void dlmr_slots_init(struct dlmr_slot_table *t);

/**
 * @brief Apply one membership change the way one kernel recovery does.
 *
 * Members of @p t absent from @p members are removed; members of @p members
 * absent from @p t are added and given the lowest free slots in nodeid
 * order; the generation becomes the old one plus one.
 *
 * @param t the table, updated in place only on success (and in the
 *        -EOPNOTSUPP case below).
 * @param members the complete new membership, in any order.
 * @param n number of entries in @p members (0 empties the table).
 * @retval 0 success.
 * @retval -EINVAL NULL arguments, a table with more than
 *         @ref DLMR_SLOTS_MAX entries or two entries sharing a slot, a
 *         nodeid of 0, or a duplicate nodeid.
 * @retval -E2BIG more than @ref DLMR_SLOTS_MAX members (checked before the
 *         members themselves).
 * @retval -EOPNOTSUPP a member has the flag @ref DLMR_MEMBER_NO_SLOTS; @p t is
 *         updated with `disabled` set, no slots and the generation kept,
 *         as the kernel does (`dlm_slots_assign` returns -1).  The next
 *         successful change clears `disabled`; as the table kept no slots,
 *         every member is then assigned one as if new (the kernel's members
 *         would remember their own `ls_slot`).
 */
int dlmr_slots_change(struct dlmr_slot_table *t,
		      const struct dlmr_member *members, size_t n);

/**
 * @brief Slot of a node.
 * @param t the table (NULL: no node is found).
 * @param nodeid the node.
 * @return the slot (>= 1), or -ENOENT if @p nodeid is not in @p t.
 */
int dlmr_slots_slot(const struct dlmr_slot_table *t, uint32_t nodeid);

/**
 * @brief Journal id of a node: its slot minus one (gfs2's rule).
 * @param t the table (NULL: no node is found).
 * @param nodeid the node.
 * @return the jid (>= 0), or -ENOENT if @p nodeid is not in @p t.
 */
int dlmr_slots_jid(const struct dlmr_slot_table *t, uint32_t nodeid);

/** What changed between two slot tables; see dlmr_slots_diff(). */
struct dlmr_slots_delta {
	unsigned int num_added;   /**< entries in @ref added */
	unsigned int num_removed; /**< entries in @ref removed */
	unsigned int num_moved;   /**< nodes whose slot changed (a kernel bug) */
	struct dlmr_slot added[DLMR_SLOTS_MAX];   /**< in new, not in old */
	struct dlmr_slot removed[DLMR_SLOTS_MAX]; /**< in old, not in new */
	struct dlmr_slot moved[DLMR_SLOTS_MAX];   /**< new slot of moved nodes */
};

/**
 * @brief Compare two generations of a slot table.
 * @param old_t the earlier table.
 * @param new_t the later table.
 * @param d receives the difference.
 * @retval 0 success. @retval -EINVAL a NULL argument.
 */
int dlmr_slots_diff(const struct dlmr_slot_table *old_t,
		    const struct dlmr_slot_table *new_t,
		    struct dlmr_slots_delta *d);

/**
 * @brief Format a table the way the kernel logs it:
 *        `generation G slots N S:NODEID ...` (slot:nodeid pairs).
 *
 * As `log_slots` in `fs/dlm/member.c`, the pairs are in slot order, e.g.
 * `generation 3 slots 3 1:2 2:1 3:3`; unlike the kernel's 128-byte line
 * the text is never cut short.  A disabled table prints `slots 0`.
 * @param t the table.
 * @param buf output buffer, always NUL-terminated when @p len > 0.
 * @param len size of @p buf.
 * @return the length of the full string (as snprintf), or -EINVAL (NULL
 *         table, NULL @p buf with @p len > 0, or two entries sharing a slot).
 */
int dlmr_slots_format(const struct dlmr_slot_table *t, char *buf, size_t len);

/** @} */

/**
 * @defgroup events Recovery events
 * @brief One event type for callbacks, lock operations and protocol
 *        decisions, shared by traces, the validator and the simulator.
 * @{
 */

/** Event kinds.  The string names are the `event` field of the trace schema. */
enum dlmr_event_type {
	DLMR_EV_NONE = 0, /**< no event: an unknown name, an unset field */
	/* the DLM's recovery callbacks (struct dlm_lockspace_ops) */
	DLMR_EV_PREP,      /**< "prep": recover_prep */
	DLMR_EV_SLOT,      /**< "slot": recover_slot(nodeid, slot) */
	DLMR_EV_DONE,      /**< "done": recover_done(slots, our_slot, generation) */
	/* membership, as the cluster sees it */
	DLMR_EV_JOIN,      /**< "join": node starts joining the lockspace */
	DLMR_EV_LEAVE,     /**< "leave": node leaves cleanly */
	DLMR_EV_CRASH,     /**< "crash": node fails */
	/* lock operations of the coordinator */
	DLMR_EV_LOCK,      /**< "lock": request or conversion */
	DLMR_EV_GRANT,     /**< "grant": request granted */
	DLMR_EV_AGAIN,     /**< "again": NOQUEUE request refused (-EAGAIN) */
	DLMR_EV_UNLOCK,    /**< "unlock" */
	/* protocol decisions */
	DLMR_EV_RECOVER,   /**< "recover": start recovering journal jid */
	DLMR_EV_RECOVERED, /**< "recovered": journal recovery result */
	DLMR_EV_BLOCK,     /**< "block": locking blocked */
	DLMR_EV_UNBLOCK,   /**< "unblock": locking unblocked */
	DLMR_EV_MOUNTED,   /**< "mounted": mount finished (jid, first) */
	DLMR_EV_FIRST_DONE,/**< "first_done": first-mount recovery finished */
	DLMR_EV_UNMOUNTED, /**< "unmounted" */
	DLMR_EV_VIOLATION, /**< "violation": an invariant failed (detail) */
	/* event stream housekeeping (kernel watch) */
	DLMR_EV_LOST,      /**< "lost": events were lost (count in seq), with
			    *   a fresh snapshot when resynced */
	DLMR_EV_TYPE_MAX   /**< number of kinds; not an event */
};

/** DLM lock modes, numbered as in `include/uapi/linux/dlmconstants.h`. */
enum dlmr_mode {
	DLMR_MODE_IV = -1, /**< invalid / not held */
	DLMR_MODE_NL = 0,  /**< null */
	DLMR_MODE_CR = 1,  /**< concurrent read */
	DLMR_MODE_CW = 2,  /**< concurrent write */
	DLMR_MODE_PR = 3,  /**< protected read */
	DLMR_MODE_PW = 4,  /**< protected write */
	DLMR_MODE_EX = 5,  /**< exclusive */
};

/** Lock request flags, a subset of the DLM's `DLM_LKF_*`. */
enum dlmr_lkf {
	DLMR_LKF_NOQUEUE = 0x00000001, /**< fail with -EAGAIN instead of waiting */
	DLMR_LKF_CONVERT = 0x00000004, /**< convert an existing lock */
	DLMR_LKF_VALBLK  = 0x00000008, /**< read/write the lock value block */
};

/** Size of the lock value block used by the coordinator (gfs2's `GDLM_LVB_SIZE`). */
#define DLMR_LVB_SIZE 32

/** Longest free-text detail carried by an event. */
#define DLMR_DETAIL_MAX 160

/**
 * One event.  Which fields are meaningful depends on @ref type; the others
 * are zero.  In JSON, fields that are not meaningful are omitted.
 */
struct dlmr_event {
	enum dlmr_event_type type; /**< the kind */
	uint64_t step;       /**< simulator step ("step"), 0 if none */
	uint64_t time_ns;    /**< kernel timestamp, ns ("time_ns"), 0 if none */
	/**
	 * the same moment on the kernel's CLOCK_MONOTONIC, ns ("mono_ns"), 0
	 * if none: for durations, which a step of the wall clock does not
	 * change
	 */
	uint64_t mono_ns;
	uint64_t seq;        /**< per-lockspace sequence number ("seq"), 0 if none */
	uint32_t node;       /**< nodeid of the node that observed it ("node") */
	char ls[DLMR_LSNAME_MAX + 1]; /**< lockspace name ("ls") */
	uint32_t nodeid;     /**< slot: the failed node ("nodeid") */
	int slot;            /**< slot: the failed node's slot ("slot") */
	uint32_t generation; /**< done: slot generation ("generation") */
	int our_slot;        /**< done: our slot ("our_slot") */
	unsigned int num_slots; /**< done: entries in @ref slots */
	struct dlmr_slot slots[DLMR_SLOTS_MAX]; /**< done: table ("slots") */
	const char *resource; /**< lock events: "control", "mounted", "journal" ("resource") */
	int jid;             /**< recover/recovered/mounted/journal locks ("jid"), -1 if none */
	int mode;            /**< lock events: an @ref dlmr_mode ("mode") */
	unsigned int flags;  /**< lock events: @ref dlmr_lkf set ("flags") */
	int status;          /**< again/recovered: result code ("status") */
	bool first;          /**< mounted: first mounter ("first") */
	char detail[DLMR_DETAIL_MAX]; /**< free text ("detail") */
	/**
	 * lost: the library took a fresh snapshot of the lockspace after the
	 * loss; it is in @ref state, @ref resync_seq, @ref generation,
	 * @ref our_slot and @ref slots (in a trace: these fields are present).
	 * Events up to @ref resync_seq are part of it and are not delivered.
	 */
	bool resynced;
	int state;           /**< lost, resynced: an @ref dlmr_ls_state ("state") */
	uint64_t resync_seq; /**< lost, resynced: the lockspace's sequence number
			       *   then ("resync_seq"), 0 if it had no event */
};

/**
 * @brief Name of an event kind as used in traces.
 * @param type the kind.
 * @return a static string, or NULL for an unknown value.
 */
const char *dlmr_event_name(enum dlmr_event_type type);

/**
 * @brief Event kind from its trace name.
 * @param name the name, e.g. "prep" (NULL gives DLMR_EV_NONE).
 * @return the kind, or DLMR_EV_NONE if @p name is unknown.
 */
enum dlmr_event_type dlmr_event_from_name(const char *name);

/**
 * @brief Whether an event is something the kernel does that lockspace
 *        users mishandle (a hazard), with a one-line explanation.
 *
 * Today one kind: a `slot` event with a slot below 1, which a kernel
 * without the slot fix passes to `recover_slot` for a member that failed
 * while `dlm_recover_members_wait()` had reset the slots (-1), or that
 * was added by a recovery that did not complete (0) (docs/findings.md,
 * finding 7).  gfs2 then skips the failed node's journal or writes
 * before its arrays, and md-cluster faults.  The text has the form
 * `nodeid N reported with slot S: a kernel without the slot fix
 * (docs/findings.md, finding 7); gfs2 would ...`.
 * @param ev the event.
 * @param buf receives the explanation, NUL-terminated when @p len > 0
 *        (may be NULL when @p len is 0).
 * @param len size of @p buf.
 * @retval 1 a hazard.
 * @retval 0 no hazard (@p buf is then "").
 * @retval -EINVAL @p ev is NULL, or @p buf is NULL with @p len > 0.
 */
int dlmr_event_hazard(const struct dlmr_event *ev, char *buf, size_t len);

/** @} */

/**
 * @defgroup trace Traces (JSON Lines)
 * @brief The one trace schema, written and read with json-c.
 *
 * One JSON object per line.  Always present: `event` (see
 * @ref dlmr_event_type), `node`, `ls`.  Present when meaningful: `step`,
 * `time_ns`, `mono_ns`, `seq`, `nodeid`, `slot`, `generation`, `our_slot`,
 * `slots` (an
 * array of `{"nodeid":N,"slot":S}` in nodeid order), `resource`, `jid`,
 * `mode` (a name: "NL", "CR", "CW", "PR", "PW", "EX"), `flags` (an array of
 * "NOQUEUE", "CONVERT", "VALBLK"), `status`, `first`, `detail`.
 * docs/trace-format.md is the full reference: which event carries which
 * field, types and ranges.
 *
 * Written fields come in one fixed order, so equal events give identical
 * bytes.  Reading is strict: a field the event kind does not carry, an
 * unknown field, a value out of range (a table slot outside 1..@ref
 * DLMR_SLOTS_MAX, a lockspace name longer than @ref DLMR_LSNAME_MAX, ...)
 * or an unknown name is an error; everything that dlmr_trace_format()
 * writes, dlmr_trace_parse() reads back to the same event.
 * @{
 */

/**
 * @brief Write one event as one JSON object (no newline).
 * @param ev the event.
 * @param buf output buffer.
 * @param len size of @p buf.
 * @return the string length, -ENOSPC if it and its NUL do not fit,
 *         -EINVAL for NULL arguments or an event that the schema cannot
 *         carry (unknown kind, value out of range, unknown resource or
 *         flag bits), -ENOMEM.
 */
int dlmr_trace_format(const struct dlmr_event *ev, char *buf, size_t len);

/**
 * @brief Parse one JSON Lines line into an event.
 *
 * Fields an event does not carry are zero, except `jid` (-1) and, on an
 * `unlock` without `mode`, `mode` (@ref DLMR_MODE_IV).  `resource` points
 * to a static string ("control", "mounted" or "journal").
 * @param line the line (a trailing newline is allowed).
 * @param ev receives the event.
 * @param err receives a one-line reason on failure (may be NULL).
 * @param errlen size of @p err.
 * @retval 0 success.
 * @retval -EINVAL malformed JSON, not an object, an unknown event, a
 *         missing, unknown, misplaced or mistyped field, a value out of
 *         range, an unknown resource, mode or flag; @p err says which
 *         field and why, in one line.
 * @retval -ENOMEM.
 */
int dlmr_trace_parse(const char *line, struct dlmr_event *ev,
		     char *err, size_t errlen);

/** @} */

/**
 * @defgroup contract The callback-ordering contract
 * @brief A validator of the order in which the kernel DLM calls
 *        `recover_prep`, `recover_slot` and `recover_done`.
 *
 * One validator follows any number of streams, one per (node, lockspace):
 * `node` is the observing node.  `join`, `leave` and `crash` events of a
 * node end its stream (a rejoin starts again with an initial `done`);
 * events of other kinds are ignored.  The rules, each from Linux 6.1
 * (lib/libdlmrecover/contract.c cites the code):
 * - the first callback of a stream is `done` (initial join: no `prep`)
 *   (a stream whose first event has a kernel `seq` above 1 started in the
 *   middle, e.g. a watch on a running cluster: its first prep, slot or
 *   done is taken as it comes, and the rules hold from there);
 * - `prep` is not repeated before the next `done` (`dlm_ls_stop` calls it
 *   only when it clears `LSFL_RUNNING`); a failure during a recovery
 *   restarts it without a second `prep`;
 * - every `done` but the initial one follows a `prep`;
 * - `slot` only between `prep` and `done`, once per node per window (a
 *   restarted recovery does not report members already removed), never
 *   for the observing node, with the slot the node had in the last table
 *   (a node absent from it is not checked);
 * - a `slot` with slot -1 or 0 is a **hazard** (dlmr_event_hazard()):
 *   a kernel without the slot fix passes it (docs/findings.md, finding
 *   7), and gfs2 then skips the failed node's journal; it is reported,
 *   and validation goes on as if it had come with the node's slot;
 * - `done` generations strictly increase; `our_slot` never changes once
 *   set; the table is in nodeid order with unique nodeids, unique slots
 *   >= 1, contains the observing node with `our_slot`, and keeps every
 *   surviving member's slot.  A node reported by `slot` may be in the
 *   next table only if it was removed and re-added in the same cycle
 *   (@ref DLMR_MEMBER_READDED); it may then have any free slot.
 *
 * Kernel streams (events with a `seq`): a `prep`, `slot` or `done` with
 * `seq` 1 on a stream already known starts it again (the lockspace was
 * released and created again under the same name: the kernel numbers each
 * instance's events from 1).  A `lost` event (dlmr_kernel_next_event())
 * resets its stream: with a snapshot (@ref dlmr_event::resynced), the
 * generation, our slot and table are the snapshot's; without one, nothing
 * is known.  Either way the next `prep`, `slot` or `done` is taken as it
 * comes, and the table's slots are not compared at the end of a window
 * with lost events.  A `lost` with lockspace "" resets every stream of its
 * node.
 * @{
 */

/** Opaque validator. */
struct dlmr_contract;

/**
 * @brief Create a validator.
 * @param out receives the validator.
 * @retval 0 success.
 * @retval -ENOMEM out of memory.
 * @retval -EINVAL @p out is NULL.
 */
int dlmr_contract_new(struct dlmr_contract **out);

/**
 * @brief Free a validator.
 * @param c the validator (NULL is allowed).
 */
void dlmr_contract_free(struct dlmr_contract *c);

/**
 * @brief Feed one event.
 * @param c the validator.
 * @param ev the event; kinds other than prep, slot, done, lost, join,
 *        leave and crash are ignored.
 * @retval 0 the event is consistent with everything seen so far.
 * @retval 1 a violation; dlmr_contract_reason() says which rule.  Later
 *         calls keep validating from the state after the event (a `done`
 *         is taken as the new table, a `prep` opens the window).
 * @retval 2 a hazard: the event is what a kernel without the slot fix
 *         does, but lockspace users mishandle it (a `slot` below 1);
 *         dlmr_contract_reason() says what, in the form of
 *         dlmr_event_hazard().  The event is otherwise taken as valid.
 * @retval -EINVAL NULL arguments, an unterminated lockspace name, or a
 *         `done` with more than @ref DLMR_SLOTS_MAX slots.
 * @retval -ENOMEM.
 */
int dlmr_contract_feed(struct dlmr_contract *c, const struct dlmr_event *ev);

/**
 * @brief The reason of the last violation, one line, without a newline.
 *
 * The form is `node N ls NAME: RULE (VALUES)`, e.g. `node 2 ls gfs0:
 * generation 3 not greater than previous 3`.
 * @param c the validator (NULL gives "").
 * @return a string owned by @p c, valid until the next call of
 *         dlmr_contract_feed(); "" if the last call found no violation.
 */
const char *dlmr_contract_reason(const struct dlmr_contract *c);

/** @} */

/**
 * @defgroup coord The coordinator (gfs2's protocol, sans I/O)
 * @brief gfs2's first-mounter and journal-recovery protocol
 *        (`fs/gfs2/lock_dlm.c`, Linux 6.1) as a state machine.
 *
 * The coordinator does no I/O, keeps no clock and starts no thread.  The
 * caller feeds it inputs (recovery callbacks, lock completions, journal
 * recovery results, timer expiries) with dlmr_coord_feed() and carries out
 * the actions it asks for, read with dlmr_coord_next().  Two locks are used,
 * as in gfs2: the **control lock** (its value block holds the recovery
 * generation and the bitmap of journals needing recovery, see
 * dlmr_lvb_encode()) and the **mounted lock** (EX NOQUEUE decides the first
 * mounter; PR is held while mounted), plus one lock per journal (held EX by
 * its user; taken EX NOQUEUE to recover it, so two nodes never replay one
 * journal at once).
 *
 * `examples/coordinator/coordinator.c` drives two coordinators by hand
 * through a cold start and a failure, against a lock table of its own;
 * `docs/tutorial-kernel-consumer.md` runs the same engine on the kernel DLM.
 * dlmr_input_name(), dlmr_action_name(), dlmr_lock_name() and
 * dlmr_timer_name() name what is fed and asked for, for logs.
 *
 * ### The caller's loop
 *
 * One coordinator per node and lockspace.  Feed each input with
 * dlmr_coord_feed(), then call dlmr_coord_next() until it returns 0 and
 * carry out the actions in the order they come.  Feeding never sleeps and
 * never allocates (a DLM callback may feed under a spinlock), but the two
 * calls must not run concurrently on one coordinator.  An input may be fed
 * while actions are still queued, for instance a lock request's own error
 * from the loop that carries the actions out: its actions queue behind
 * them.  A return of -EPROTO means the caller broke one of the rules below;
 * log it (dlmr_input_name()): it is a bug, not a protocol event.
 *
 * ### The order of inputs
 *
 * 1. Create the coordinator before joining the lockspace
 *    (`dlm_new_lockspace()`): the join's own `recover_done` is its first
 *    input, and the kernel may call it before or **after**
 *    `dlm_new_lockspace()` returns (`dlm_recoverd` completes the join
 *    first and calls the callback next; docs/tutorial-kernel-consumer.md,
 *    step 2).
 * 2. That first @ref DLMR_IN_DONE gives the node its journal (jid =
 *    `our_slot` - 1).  Feed @ref DLMR_IN_MOUNT only after it, however late
 *    it comes: a MOUNT before it, or with a slot above
 *    dlmr_coord_config::journals, fails the mount at once
 *    (@ref DLMR_ACT_FAILED with -EINVAL), as a node without a journal.
 * 3. The recovery callbacks (@ref DLMR_IN_PREP, one @ref DLMR_IN_SLOT per
 *    failed member, @ref DLMR_IN_DONE) as the DLM calls them, between any
 *    two other inputs, from the join to the end.
 * 4. One answer to each action that asks for one, at any later time, in
 *    any order across actions:
 *    - to @ref DLMR_ACT_LOCK, one @ref DLMR_IN_LOCK_DONE with the same lock
 *      (and jid).  When the request itself fails (`dlm_lock()` returns an
 *      error, so no completion will come), feed that error as the
 *      completion's status, before you carry out the next action:
 *      -EAGAIN is a NOQUEUE refusal, anything else an
 *      error, handled as gfs2 does (the mount fails, the control work gives
 *      up until it is queued again, a journal recovery gives up).  Never
 *      drop it: the coordinator waits for exactly one completion per
 *      request.
 *    - **Two requests on the control lock.**  As in gfs2, the mount
 *      thread (`control_first_done()`) and the control work share the
 *      control lock's one `lksb`, and neither waits for the other: the
 *      coordinator may ask for a second control request while the first
 *      one's completion has not been fed (never a third, and never a
 *      second on the mounted lock or a journal lock).  Carry it out like
 *      any other, without waiting: the DLM decides.  Linux 6.1's
 *      `dlm_lock()` refuses it with -EBUSY while the first is on the
 *      convert queue or awaits its master's reply (`validate_lock_args()`
 *      in fs/dlm/lock.c), and takes it otherwise (the first granted at
 *      once, refused, or a down-conversion: only its callback is still
 *      queued); then both complete, in the order they were made, as the
 *      DLM's callbacks for one `lksb` come.  The matching rule: with two
 *      requests outstanding, a @ref DLMR_IN_LOCK_DONE with status -EBUSY
 *      answers the **newer** (-EBUSY is `dlm_lock()`'s own answer; the
 *      DLM never completes an operation with it), and any other answers
 *      the **older**.  So feed `dlm_lock()`'s -EBUSY as the completion of
 *      the request it refused, as for any synchronous error, and feed a
 *      synchronous error other than -EBUSY of a second request as -EBUSY
 *      too (gfs2 handles every error there alike: it logs it and goes
 *      on).  A caller that instead runs one operation per lock at a time
 *      (the second request issued only after the first's completion) also
 *      keeps this contract and never sees -EBUSY, but it makes the second
 *      thread wait where gfs2 does not (docs/step-order.md, G).
 *    - to @ref DLMR_ACT_RECOVER, one @ref DLMR_IN_JOURNAL_DONE.
 *    - to @ref DLMR_ACT_TIMER, one @ref DLMR_IN_TIMER of that timer.
 * 5. @ref DLMR_IN_UNMOUNT only after @ref DLMR_ACT_MOUNTED; then go on
 *    answering (a queued control work, a journal recovery in flight) until
 *    @ref DLMR_ACT_UNMOUNTED.
 *
 * ### Timers
 *
 * There are two per coordinator and one per journal, and **all can be
 * armed at once**: @ref DLMR_TIMER_MOUNT
 * (the mount's 500 ms sleep before it retries; with 0 ms, the mount
 * thread going on later, on its own: after `control_mount()`, after each
 * journal it recovers, after `recover_done` wakes `control_first_done()`;
 * and once mounted, a control work that waited for the mount's journal in
 * `gfs2_recover_set()` going on),
 * @ref DLMR_TIMER_WORK (the
 * control work, queued with a delay of 0 or 1000 ms) and, per journal,
 * @ref DLMR_TIMER_RECOVERY (that journal's recovery work item going on
 * later, 0 ms: dlmr_action::jid names the journal, and its expiry is fed
 * with the same dlmr_input::jid; gfs2 runs one work item per journal on
 * `gfs_recovery_wq`, so several are armed at once while a failed node's
 * journals are recovered).  The join's done
 * queues the work while the mount may be sleeping, for instance.  So keep
 * one timer per id (and per jid for @ref DLMR_TIMER_RECOVERY), two plus
 * one per journal per coordinator; a kernel caller may run the recovery
 * timer as a work item of its own per journal.  A timer is armed from its
 * @ref DLMR_ACT_TIMER until its expiry is fed, and the coordinator never
 * asks for a timer that is armed: there is never anything to re-arm,
 * shorten or replace (as `queue_delayed_work()` on a pending work does
 * nothing, gfs2's 1 s retry is not shortened by a later queue).  A caller
 * with one timer per node, re-armed by the second request, loses the first
 * expiry, and the coordinator then waits for ever: that looks exactly like
 * a protocol livelock.  dlmr_action::timer_ms is the delay the kernel uses;
 * the protocol does not depend on it (the simulator fires timers at any
 * moment, at once included).  An expiry of a timer that is not armed
 * returns -EPROTO.  Nothing is cancelled: after @ref DLMR_ACT_UNMOUNTED no
 * timer is armed, and after @ref DLMR_ACT_FAILED the coordinator is freed
 * with whatever is armed.
 *
 * ### Value blocks
 *
 * Only the control lock uses one (requests with @ref DLMR_LKF_VALBLK).
 * Give each lock its own 32-byte buffer (@ref DLMR_LVB_SIZE), as a DLM
 * `lksb` has.  Before a request with dlmr_action::write_lvb set, copy
 * dlmr_action::lvb into it.  The lock manager then does what the DLM's
 * `dlm_lvb_operations` do: a conversion from PW or EX (EX to EX included)
 * writes the buffer to the resource; any other grant reads the resource
 * into the buffer.  Pass the buffer as dlmr_input::lvb with the completion
 * of every VALBLK request that succeeded.  A resource never written holds
 * zeros: generation 0, no journal to recover.
 *
 * A completion without a value block (dlmr_input::lvb NULL, or a failed
 * request) leaves the coordinator's copy as it was, as the DLM leaves the
 * lksb's buffer: its `set_lvb_lock()` (fs/dlm/lock.c, 6.1 and 6.12) copies
 * the resource's block into `sb_lvbptr` only for a VALBLK grant that reads
 * one (`dlm_lvb_operations` 1) from a resource that has one, and a failed
 * request copies nothing.  gfs2's control lksb buffer is `ls_control_lvb`
 * itself, so gfs2 then reads the old contents: what it last read or wrote.
 *
 * A value block is **invalid** (dlmr_input::lvb_invalid, the DLM's
 * `DLM_SBF_VALNOTVALID`) when a recovery purged a PW or EX lock of a node
 * that failed (or left without unlocking) on that resource: that node may
 * have changed the block without writing it back.  The DLM keeps the old
 * contents and flags every grant until the next write.  The coordinator,
 * like gfs2, reads the flag but does not act on it: the contents are those
 * of the last write that completed.  A journal bit the failed node would
 * have cleared is recovered once more (the journal is clean by then), and a
 * failure it would have recorded the survivors record from their own
 * @ref DLMR_IN_SLOT inputs.  (The simulated DLM sets the flag this way, and
 * the explorer, crashing nodes at every step, finds no violation.)  A lock
 * manager that cannot tell may pass false.
 *
 * ### What the actions oblige the caller to do
 *
 * Each value of @ref dlmr_action_type says what to do and what to answer.
 * One `lksb` per lock (and per journal) suffices: the mounted lock and
 * each journal lock have at most one request outstanding, the control
 * lock at most two (the group's "The order of inputs", 4).
 * @{
 */

/** Most journals the control value block can describe: (32 - 8) * 8. */
#define DLMR_JOURNALS_MAX 192

/** The coordinator's locks. */
enum dlmr_lock_id {
	DLMR_LOCK_CONTROL = 0, /**< gfs2's control_lock (with LVB) */
	DLMR_LOCK_MOUNTED = 1, /**< gfs2's mounted_lock */
	DLMR_LOCK_JOURNAL = 2, /**< the lock of journal `jid` (gfs2's journal glock) */
};

/** The coordinator's timers; all can be armed at once (see the group's
 *  "Timers"). */
enum dlmr_timer_id {
	DLMR_TIMER_MOUNT = 0, /**< control_mount()'s 500 ms sleep before a retry, or (0 ms) the mount thread going on later, or (0 ms, once mounted) a control work that waited for the mount in gfs2_recover_set() going on ("mount") */
	DLMR_TIMER_WORK = 1,  /**< gfs2_control_func() queued, delay 0 or 1 s ("work") */
	/** One per journal, dlmr_action::jid / dlmr_input::jid: the journal's
	 *  recovery work item (gfs2_recover_func() queued on
	 *  `gfs_recovery_wq`, one per journal, running concurrently) goes on
	 *  later, 0 ms ("recovery").  Asked for when a recovery of that
	 *  journal starts (the work item runs: the journal lock's try-lock,
	 *  or our own journal's @ref DLMR_ACT_RECOVER) and again when it
	 *  ended (the work item's last step: the journal lock released and
	 *  the recovery's flag cleared).  A caller written for the two
	 *  timers before it must arm it too (docs/step-order.md, E). */
	DLMR_TIMER_RECOVERY = 2,
};

/** Journal recovery results, as gfs2's `LM_RD_*`. */
enum dlmr_journal_result {
	DLMR_JOURNAL_SUCCESS = 1, /**< journal clean or replayed */
	DLMR_JOURNAL_GAVEUP = 2,  /**< could not recover it (busy): the
				   *   control work retries 1 s later */
};

/** Inputs to the coordinator, in the order the group's text gives. */
enum dlmr_input_type {
	/** Start mounting ("mount"): only after the join's first
	 *  @ref DLMR_IN_DONE, which may come after `dlm_new_lockspace()`
	 *  returned; before it the mount fails (-EINVAL). */
	DLMR_IN_MOUNT = 1,
	DLMR_IN_PREP,        /**< `recover_prep` callback ("prep") */
	/** `recover_slot` callback ("slot"): nodeid, slot.  Slot -1 or 0, from
	 *  a kernel without the slot fix, is accepted; see
	 *  dlmr_coord_slot_stats(). */
	DLMR_IN_SLOT,
	/** `recover_done` callback ("done"): slots, num_slots, our_slot,
	 *  generation.  The first one, the join's, gives the jid.  A slot
	 *  without a generation (our_slot set, generation 0) is malformed:
	 *  the DLM gives generation 0 only with slots disabled (our_slot
	 *  0). */
	DLMR_IN_DONE,
	/** Completion of the outstanding request on a lock ("lock_done"):
	 *  lock, jid for a journal lock, status (0, -EAGAIN or another
	 *  -errno), and with VALBLK lvb and lvb_invalid.  Also the answer to
	 *  a request that `dlm_lock()` refused at once: its return value is
	 *  the status.  With two control requests outstanding, -EBUSY
	 *  answers the newer and any other status the older (the group's
	 *  "The order of inputs", 4). */
	DLMR_IN_LOCK_DONE,
	/** The answer to @ref DLMR_ACT_RECOVER ("journal_done"): jid and a
	 *  @ref dlmr_journal_result. */
	DLMR_IN_JOURNAL_DONE,
	/** The timer armed by a @ref DLMR_ACT_TIMER expired ("timer"): timer
	 *  (the id).  -EPROTO if that timer is not armed. */
	DLMR_IN_TIMER,
	/** Start unmounting ("unmount"): only after @ref DLMR_ACT_MOUNTED.  Go
	 *  on answering until @ref DLMR_ACT_UNMOUNTED. */
	DLMR_IN_UNMOUNT,
};

/** One input.  Fields not used by @ref type are ignored. */
struct dlmr_input {
	enum dlmr_input_type type; /**< the kind */
	uint32_t nodeid;     /**< SLOT: failed node */
	int slot;            /**< SLOT: its slot */
	const struct dlmr_slot *slots; /**< DONE: the slot table (read during
					*   the call only) */
	unsigned int num_slots;        /**< DONE: entries in slots */
	int our_slot;        /**< DONE: our slot */
	uint32_t generation; /**< DONE: generation */
	int lock;            /**< LOCK_DONE: a @ref dlmr_lock_id */
	int timer;           /**< TIMER: a @ref dlmr_timer_id (with
			      *   @ref DLMR_TIMER_RECOVERY, jid too) */
	int status;          /**< LOCK_DONE: 0, -EAGAIN or another -errno (the
			      *   completion's, or `dlm_lock()`'s own return) */
	/** LOCK_DONE of a VALBLK request with status 0: the lock's value
	 *  buffer after the grant (read during the call only); NULL
	 *  otherwise. */
	const uint8_t *lvb;
	/** LOCK_DONE: the value block is invalid (`DLM_SBF_VALNOTVALID`: a
	 *  recovery purged a PW or EX lock of a failed node on it); the
	 *  coordinator, as gfs2, does not act on it. */
	bool lvb_invalid;
	int jid;             /**< JOURNAL_DONE, LOCK_DONE of a journal lock,
			      *   TIMER of @ref DLMR_TIMER_RECOVERY (the
			      *   journal's recovery timer): the journal */
	int result;          /**< JOURNAL_DONE: a @ref dlmr_journal_result */
};

/** Actions the coordinator asks for, and what each obliges the caller to
 *  do.  Only LOCK, RECOVER and TIMER are answered. */
enum dlmr_action_type {
	/** Request ("lock"): lock (for a journal, jid) in mode with flags.
	 *  Without @ref DLMR_LKF_CONVERT, create the lock; with it, convert
	 *  the lock held.  With @ref DLMR_LKF_NOQUEUE, refuse with -EAGAIN
	 *  rather than wait.  When write_lvb is set, copy lvb into the lock's
	 *  value buffer first.  Answer: exactly one @ref DLMR_IN_LOCK_DONE,
	 *  whenever the lock manager completes it, or at once with the error
	 *  when the request itself fails.  A control lock request may come
	 *  while the previous one is outstanding: do not wait for it (the
	 *  group's "The order of inputs", 4). */
	DLMR_ACT_LOCK = 1,
	/** Release ("unlock") lock (for a journal, jid).  No answer, but a
	 *  DLM unlock completes later: wait for its completion before the
	 *  next request on the same lock. */
	DLMR_ACT_UNLOCK,
	/** Recover ("recover") journal jid: its lock is held (our own
	 *  journal, or the journal lock just granted EX NOQUEUE).  Replay
	 *  it if dirty, then answer one @ref DLMR_IN_JOURNAL_DONE.  The
	 *  coordinator releases a journal lock it took for this itself. */
	DLMR_ACT_RECOVER,
	/** Block ("block"): start no new normal operation (gfs2 holds back
	 *  ordinary lock requests) until @ref DLMR_ACT_UNBLOCK.  No answer. */
	DLMR_ACT_BLOCK,
	/** Unblock ("unblock"): every journal of a failed node is recovered;
	 *  normal operation may resume.  No answer. */
	DLMR_ACT_UNBLOCK,
	/** The mount finished ("mounted"): the node owns journal jid and may
	 *  write it (once unblocked); first: it was the first mounter.  No
	 *  answer. */
	DLMR_ACT_MOUNTED,
	/** The first mounter has recovered every journal ("first_done"),
	 *  gfs2's others_may_mount: the other nodes learn it through the
	 *  control value block.  For information; no answer. */
	DLMR_ACT_FIRST_DONE,
	/** Arm ("timer") timer (for @ref DLMR_TIMER_RECOVERY, that of journal
	 *  jid) for about timer_ms milliseconds, then feed
	 *  @ref DLMR_IN_TIMER (with that jid).  All timers can be armed at
	 *  once; an armed one is never asked for again (the group's
	 *  "Timers"). */
	DLMR_ACT_TIMER,
	/** The unmount finished ("unmounted"): release the lockspace (that
	 *  purges the control and mounted locks) and free the coordinator.
	 *  No timer is armed any more. */
	DLMR_ACT_UNMOUNTED,
	/** The mount failed ("failed") with error (a negative errno): its
	 *  locks are released; release the lockspace and free the
	 *  coordinator, armed timers and all. */
	DLMR_ACT_FAILED,
};

/** One action. */
struct dlmr_action {
	enum dlmr_action_type type; /**< the kind */
	int lock;            /**< LOCK/UNLOCK: a @ref dlmr_lock_id */
	int mode;            /**< LOCK: a @ref dlmr_mode */
	unsigned int flags;  /**< LOCK: @ref dlmr_lkf set */
	/** LOCK: put @ref lvb in the lock's value buffer before dlm_lock().
	 * Set for every control lock request with VALBLK: gfs2's control
	 * lksb points at ls_control_lvb itself, so the DLM writes what that
	 * buffer holds whenever the lock converts from PW or EX (EX to EX
	 * included) and reads into it otherwise. */
	bool write_lvb;
	uint8_t lvb[DLMR_LVB_SIZE]; /**< LOCK: the value buffer's content */
	int jid;             /**< RECOVER, MOUNTED, journal LOCK/UNLOCK,
			       *   TIMER of @ref DLMR_TIMER_RECOVERY;
			       *   FIRST_DONE: our own jid.  (Read only the
			       *   fields listed for the action's type: the
			       *   others hold no meaning.) */
	bool first;          /**< MOUNTED: first mounter */
	int timer;           /**< TIMER: a @ref dlmr_timer_id */
	unsigned int timer_ms; /**< TIMER: delay the kernel would use */
	int error;           /**< FAILED: negative errno */
};

/** Coordinator settings. */
struct dlmr_coord_config {
	unsigned int journals; /**< journals in the filesystem, 1..DLMR_JOURNALS_MAX */
	bool spectator;        /**< never first mounter, no journal (gfs2 "spectator") */
	unsigned int mutant;   /**< 0: gfs2's protocol; else a planted bug, see dlmr_mutant_name() */
	unsigned int fixes;    /**< bit (1 << id): a proposed fix, see dlmr_fix_name() */
};

/**
 * @brief Name of a proposed fix for a finding of the explorer.
 *
 * gfs2's protocol is the default; a fix changes it where docs/findings.md
 * shows a violation, to show that the finding disappears.
 * @param id 1 .. the number of fixes.
 * @return a static name, or NULL if @p id is 0 or out of range.
 */
const char *dlmr_fix_name(unsigned int id);

/**
 * @brief One-line description of a fix.
 * @param id as for dlmr_fix_name().
 * @return a static string, or NULL if @p id is 0 or out of range.
 */
const char *dlmr_fix_description(unsigned int id);

/**
 * @brief Fix id from its name.
 * @param name a name returned by dlmr_fix_name().
 * @return the id (>= 1), or -ENOENT.
 */
int dlmr_fix_from_name(const char *name);

/**
 * @brief Name of a planted protocol bug ("mutant") of the coordinator.
 *
 * Mutants exist to prove that the simulator and the explorer catch real
 * protocol mistakes; each is a one-line departure from gfs2's protocol,
 * described by dlmr_mutant_description().  Mutant 0 is gfs2's protocol.
 * @param id 1 .. the number of mutants.
 * @return a static name, or NULL if @p id is 0 or out of range.
 */
const char *dlmr_mutant_name(unsigned int id);

/**
 * @brief One-line description of a mutant.
 * @param id as for dlmr_mutant_name().
 * @return a static string, or NULL if @p id is 0 or out of range.
 */
const char *dlmr_mutant_description(unsigned int id);

/**
 * @brief Mutant id from its name.
 * @param name a name returned by dlmr_mutant_name().
 * @return the id (>= 1), or -ENOENT.
 */
int dlmr_mutant_from_name(const char *name);

/** Opaque coordinator. */
struct dlmr_coord;

/**
 * @brief Create a coordinator for one node and one lockspace.
 * @param cfg the settings.
 * @param out receives the coordinator.
 * @retval 0 success.
 * @retval -EINVAL bad config, or a NULL argument.
 * @retval -ENOMEM out of memory.
 */
int dlmr_coord_new(const struct dlmr_coord_config *cfg, struct dlmr_coord **out);

/**
 * @brief Free a coordinator.
 * @param c the coordinator (NULL is allowed).
 */
void dlmr_coord_free(struct dlmr_coord *c);

/**
 * @brief Feed one input; queued actions are then read with dlmr_coord_next().
 * @param c the coordinator.
 * @param in the input.
 * @retval 0 accepted.
 * @retval -EINVAL malformed input (e.g. a jid out of range, a done with
 *         our_slot but generation 0).
 * @retval -EPROTO an input that the order of inputs (the group's text)
 *         excludes in the current state: a lock completion with no request
 *         outstanding on that lock, an expiry of a timer that is not armed,
 *         a journal result nobody asked for, a second MOUNT, an UNMOUNT
 *         before the mount finished.  A bug of the caller: log it.
 */
int dlmr_coord_feed(struct dlmr_coord *c, const struct dlmr_input *in);

/**
 * @brief Take the next queued action.
 *
 * Call it after every dlmr_coord_feed() until it returns 0, and carry out
 * the actions in this order (see @ref dlmr_action_type).
 * @param c the coordinator.
 * @param out receives the action.
 * @retval 1 @p out holds an action. @retval 0 none queued.
 */
int dlmr_coord_next(struct dlmr_coord *c, struct dlmr_action *out);

/**
 * @brief Name of an input kind, for logs.
 * @param type a @ref dlmr_input_type.
 * @return a static lowercase name ("mount", "prep", "slot", "done",
 *         "lock_done", "journal_done", "timer", "unmount"), or NULL if
 *         @p type is not one.
 */
const char *dlmr_input_name(enum dlmr_input_type type);

/**
 * @brief Name of an action kind, for logs.
 * @param type a @ref dlmr_action_type.
 * @return a static lowercase name ("lock", "unlock", "recover", "block",
 *         "unblock", "mounted", "first_done", "timer", "unmounted",
 *         "failed"), or NULL if @p type is not one.  The names of the
 *         actions that the simulator records are those of the trace's
 *         events (docs/trace-format.md).
 */
const char *dlmr_action_name(enum dlmr_action_type type);

/**
 * @brief Name of one of the coordinator's locks, for logs.
 * @param lock a @ref dlmr_lock_id.
 * @return "control", "mounted" or "journal" (the trace's resource
 *         names), or NULL if @p lock is not one.
 */
const char *dlmr_lock_name(int lock);

/**
 * @brief Name of one of the coordinator's timers, for logs.
 * @param timer a @ref dlmr_timer_id.
 * @return "mount", "work" or "recovery" (as in a scenario's `step timer
 *         N mount` or `step timer N recovery J`), or NULL if @p timer is
 *         not one.
 */
const char *dlmr_timer_name(int timer);

/** Observable coordinator state (gfs2's sysfs `lock_module` files). */
struct dlmr_coord_status {
	int jid;            /**< our jid, -1 before the first done */
	bool first;         /**< we were (are) the first mounter */
	bool first_done;    /**< first-mount recovery finished */
	bool blocked;       /**< locking blocked (gfs2 `block`) */
	bool mounted;       /**< mount finished */
	uint32_t recover_block; /**< generation at the last prep */
	uint32_t recover_start; /**< generation at the last done */
	uint32_t recover_mount; /**< generation of our first done */
};

/**
 * `recover_slot` callbacks with a slot below 1, as a kernel without the
 * slot fix passes them (docs/findings.md, finding 7): -1 for a member
 * that failed while `dlm_recover_members_wait()` had reset the slots
 * (Linux `fs/dlm/recover.c`), 0 for a member added by a recovery that
 * did not complete (`dlm_add_member()`).  gfs2 computes jid = slot - 1
 * and so skips the failed node's journal (jid -2) or writes before its
 * arrays (jid -1); the coordinator ignores such a callback, unless the
 * fix `slot-from-table` is on (dlmr_fix_name()): then the slot is taken
 * from the last `recover_done` table by nodeid, and a member absent from
 * that table, which never mounted, is ignored.
 */
struct dlmr_coord_slot_stats {
	unsigned int resolved; /**< callbacks resolved from the last table */
	unsigned int ignored;  /**< callbacks ignored (journal not recovered
				*   on their account) */
	uint32_t last_nodeid;  /**< nodeid of the last such callback, 0 if none */
	int last_slot;         /**< the slot it came with (-1 or 0) */
	int last_jid;          /**< the jid it was resolved to, -1 if ignored */
};

/**
 * @brief Count the `recover_slot` callbacks that came with a slot < 1.
 * @param c the coordinator.
 * @param st receives the counts since dlmr_coord_new().
 * @retval 0 success.
 * @retval -EINVAL a NULL argument.
 */
int dlmr_coord_slot_stats(const struct dlmr_coord *c,
			  struct dlmr_coord_slot_stats *st);

/**
 * @brief Read the coordinator's state.
 * @param c the coordinator.
 * @param st receives the state.
 * @retval 0 success.
 * @retval -EINVAL a NULL argument.
 */
int dlmr_coord_status(const struct dlmr_coord *c, struct dlmr_coord_status *st);

/**
 * @brief Encode gfs2's control lock value block.
 *
 * Layout (little-endian, 32 bytes): bytes 0-3 generation; bytes 4-7 unused
 * (zero); bytes 8-31 bitmap, bit j (byte 8 + j/8, bit j%8) set when journal
 * j needs recovery.
 * @param generation the generation.
 * @param jids journals needing recovery.
 * @param n entries in @p jids.
 * @param lvb receives the value block.
 * @retval 0 success.
 * @retval -EINVAL a jid < 0 or >= DLMR_JOURNALS_MAX, or a NULL argument.
 */
int dlmr_lvb_encode(uint32_t generation, const int *jids, size_t n,
		    uint8_t lvb[DLMR_LVB_SIZE]);

/**
 * @brief Decode gfs2's control lock value block.
 * @param lvb the value block.
 * @param generation receives the generation.
 * @param jids receives the journals needing recovery, ascending (may be NULL).
 * @param max room in @p jids.
 * @return the number of journals set (may exceed @p max).
 */
int dlmr_lvb_decode(const uint8_t lvb[DLMR_LVB_SIZE], uint32_t *generation,
		    int *jids, size_t max);

/** @} */

/**
 * @defgroup sim The simulator
 * @brief A deterministic N-node cluster (1 to @ref DLMR_SIM_NODES_MAX):
 *        a simulated DLM, each node running the coordinator, a seeded
 *        scheduler, fault injection and invariants S1-S5.
 *
 * Scenario files are described in docs/scenario-format.md.  The same
 * scenario and seed always produce the same events.
 * @{
 */

/** Most nodes in a simulated cluster. */
#define DLMR_SIM_NODES_MAX 32

/** Opaque parsed scenario. */
struct dlmr_scenario;

/**
 * @brief The built-in default scenario's text (3 nodes; cold start; a node
 *        crashes while mounted; recovery; rejoin).
 * @return a static string.
 */
const char *dlmr_scenario_default_text(void);

/**
 * @brief Parse a scenario.
 * @param text the scenario text.
 * @param name file name used in error messages ("file:line: problem").
 * @param out receives the scenario.
 * @param err receives a one-line error on failure (may be NULL).
 * @param errlen size of @p err.
 * @retval 0 success. @retval -EINVAL a syntax or semantic error (in @p err).
 * @retval -ENOMEM.
 */
int dlmr_scenario_parse(const char *text, const char *name,
			struct dlmr_scenario **out, char *err, size_t errlen);

/**
 * @brief Free a scenario.
 * @param s the scenario (NULL is allowed).
 */
void dlmr_scenario_free(struct dlmr_scenario *s);

/**
 * @brief The seed named in the scenario.
 * @param s the scenario.
 * @return its `seed` line's value, or 1 without one (or for NULL).
 */
uint64_t dlmr_scenario_seed(const struct dlmr_scenario *s);

/**
 * @brief Set how the scenario's coordinators get the recovery callbacks.
 *
 * Overrides the scenario's `delivery` line (docs/scenario-format.md).
 * @param s the scenario.
 * @param delivery a @ref dlmr_delivery.
 * @retval 0 set.
 * @retval -EINVAL @p s is NULL or @p delivery is not a @ref dlmr_delivery.
 */
int dlmr_scenario_set_delivery(struct dlmr_scenario *s, unsigned int delivery);

/**
 * @brief Called for every event a simulation produces, in order.
 * @param ev the event, valid during the call only.
 * @param arg the caller's pointer.
 */
typedef void (*dlmr_sim_event_fn)(const struct dlmr_event *ev, void *arg);

/** What a finished simulation decided; see dlmr_sim_run(). */
struct dlmr_sim_result {
	unsigned int nodes;  /**< nodes in the scenario */
	uint64_t steps;      /**< steps run */
	bool violated;       /**< an invariant failed */
	char violation[DLMR_DETAIL_MAX]; /**< which one and why */
	uint32_t first_mounter[8]; /**< nodeid of the first mounter of each cold start */
	unsigned int cold_starts;  /**< entries in first_mounter */
	int jid[DLMR_SIM_NODES_MAX + 1]; /**< final jid per nodeid (index), -1 if not mounted */
	bool alive[DLMR_SIM_NODES_MAX + 1]; /**< node up at the end */
	unsigned int recoveries; /**< journal recoveries that replayed a dirty journal */
	struct {
		int jid;         /**< the journal */
		uint32_t by;     /**< the node that replayed it */
		uint64_t step;   /**< when */
	} recovered[64];     /**< the first 64 replays */
	/** When `violated`: the finding of docs/findings.md the run
	 * matches by what happened on its way (S3: 3; a result older than the failure it cleared: 6;
	 * a recover_slot with slot -1 or 0: 7; a value block rebuilt after
	 * its master failed: 8; a fair livelock: 9; a control work that
	 * found a journal's recovery flag still set after its result: 10;
	 * S1 through late delivery: 11; an S5 after the DLM took a
	 * control request beside the other thread's: 12),
	 * 0 if none (and always with a mutant). */
	unsigned int finding;
};

/**
 * @brief Run a scenario to its end.
 * @param s the scenario.
 * @param seed the scheduler seed.
 * @param fn called for every event (may be NULL).
 * @param arg passed to @p fn.
 * @param res receives the result (may be NULL).
 * @retval 0 every invariant held.
 * @retval 1 an invariant failed (@p res says which).
 * @retval -ENOEXEC the scenario cannot run as written (e.g. mounting a
 *         node that is up, a crash trigger that never fired); @p res's
 *         `violation` says why.
 * @retval -ENOMEM out of memory.
 * @retval -EINVAL a NULL or invalid scenario.
 */
int dlmr_sim_run(const struct dlmr_scenario *s, uint64_t seed,
		 dlmr_sim_event_fn fn, void *arg, struct dlmr_sim_result *res);

/** @} */

/**
 * @defgroup judge The invariants judge
 * @brief Invariants S1-S5 of the simulator (dlmctl(8), INVARIANTS),
 *        checked on recorded traces: the simulator's, or real nodes'.
 *
 * The judge rebuilds what every node of every lockspace is doing from
 * its events alone, as the simulator's check_invariants() and
 * sim_check_quiescent() read it from the coordinators (lib/libdlmrecover/
 * sim.c), and checks S1-S4 after every event and S5 at the end.  Feed it
 * the events of all nodes merged into one order (dlmctl recover check
 * --invariants merges files on `time_ns`).  What it reads:
 * - `join`: a new life of the node (up, not mounted, not blocked, told
 *   of no failure); `crash`: the node is down, and the journal it had
 *   mounted with, if still dirty, is *orphaned* (`ls` "" on a crash
 *   concerns every lockspace); `leave`: the node is down;
 * - `mounted`: mounted with `jid`, whose journal is now dirty (written
 *   to); `unmounted`: not mounted any more; status 0: its journal is
 *   clean; a negative status: the mount failed (the node is left out of
 *   S5, as the simulator leaves out a failed mount);
 * - `block` / `unblock`: locking blocked (DFL_BLOCK_LOCKS);
 * - `slot` on node N for nodeid M: N was told M failed (S1);
 * - `grant` of the `mounted` lock in EX: the node is the *first mounter*
 *   (control_mount() got mounted_lock EX) until the completion (`grant`
 *   or `again`) of its `mounted` lock PR conversion in
 *   control_first_done(), which is followed at once by its `control` NL
 *   request (or until `first_done`, `mounted`, `unmounted`, a crash);
 * - `recover` / `recovered`: the node replays journal `jid`; a
 *   `recovered` with status 1 (DLMR_JOURNAL_SUCCESS) makes the journal
 *   clean and no longer orphaned;
 * - `lost`: the node's state is unknown until its next `join`; it is
 *   left out of every check meanwhile (`ls` "": in every lockspace);
 * - `violation` events (the simulator's own reports) are ignored, and so
 *   are the other kinds and the events of a node that is down.
 *
 * Invariants (the simulator's words and numbers):
 * - S1: no node is mounted and unblocked while a journal orphaned by a
 *   crashed node is unrecovered, if it was told of that crash by a
 *   `slot` event or joined after the journal was orphaned;
 * - S2: no `recover` of a journal another live node is replaying;
 * - S3: one first mounter at a time, and no other live node mounted
 *   while there is one;
 * - S4: live mounted nodes hold distinct jids;
 * - S5 (dlmr_judge_finish()): every live node whose mount did not fail
 *   is mounted and unblocked, and no orphaned journal is unrecovered
 *   while a node is up.
 *
 * A condition of S1, S3 or S4 is reported once when it starts to hold,
 * not again while it goes on.  A node seen without a `join` is taken as
 * joined before the traces began.
 * @{
 */

/** Most earlier events a violation names (dlmr_judge_violation::refs). */
#define DLMR_JUDGE_REFS_MAX 6

/** An event as the judge was fed it: where it came from and what it was. */
struct dlmr_judge_ref {
	uint64_t index;      /**< its place in the order fed, from 1; 0: none */
	uint32_t file;       /**< the caller's trace number (dlmr_judge_feed()) */
	uint64_t line;       /**< its line (the caller's numbering); 0: none */
	uint64_t time_ns;    /**< its `time_ns` (0 if none) */
	uint64_t step;       /**< its `step` (0 if none) */
	enum dlmr_event_type type; /**< its kind */
	uint32_t node;       /**< its `node` */
	uint32_t nodeid;     /**< slot: the failed node; else 0 */
	int jid;             /**< its `jid` (-1 if none) */
};

/** One violation of an invariant. */
struct dlmr_judge_violation {
	unsigned int invariant; /**< 1 to 5: S1 to S5 */
	uint32_t node;       /**< the node it is about (0: a journal, in S5) */
	int jid;             /**< the journal it is about, -1 if none */
	char ls[DLMR_LSNAME_MAX + 1]; /**< the lockspace */
	/** One line, e.g. "S1: node 2 unblocked while journal 2 of failed
	 *  node 3 is unrecovered"; the simulator's wording where it has one. */
	char detail[DLMR_DETAIL_MAX];
	/** The event after which it was found; at the end of the traces (S5)
	 *  a ref with line 0. */
	struct dlmr_judge_ref at;
	unsigned int nrefs;  /**< entries in @ref refs */
	/** The earlier events it rests on, oldest first (e.g. for S1: the
	 *  failed node's `mounted` and `crash`, the `slot` or `join` that makes
	 *  the node responsible, its `mounted` and its `unblock`). */
	struct dlmr_judge_ref refs[DLMR_JUDGE_REFS_MAX];
};

/** Opaque judge. */
struct dlmr_judge;

/**
 * @brief Create a judge.
 * @param out receives the judge.
 * @retval 0 success.
 * @retval -EINVAL @p out is NULL.
 * @retval -ENOMEM out of memory.
 */
int dlmr_judge_new(struct dlmr_judge **out);

/**
 * @brief Free a judge.
 * @param j the judge (NULL is allowed).
 */
void dlmr_judge_free(struct dlmr_judge *j);

/**
 * @brief Feed the next event, in the merged order of all nodes' traces.
 * @param j the judge.
 * @param ev the event.
 * @param file the caller's number of the trace it comes from (kept in
 *        dlmr_judge_ref::file).
 * @param line its line there (kept in dlmr_judge_ref::line).
 * @return the number of new violations (0 or more), read with
 *         dlmr_judge_violation().
 * @retval -EINVAL a NULL argument, an unterminated lockspace name, or a
 *         call after dlmr_judge_finish().
 * @retval -EPROTO the event contradicts the earlier ones: a `join` of a
 *         node that is up (no `crash` or `leave` since its last `join`);
 *         dlmr_judge_reason() says what.  The event is ignored.
 * @retval -ENOMEM out of memory.
 */
int dlmr_judge_feed(struct dlmr_judge *j, const struct dlmr_event *ev,
		    uint32_t file, uint64_t line);

/**
 * @brief The end of the traces: check S5.
 * @param j the judge.
 * @return the number of new violations (0 or more).
 * @retval -EINVAL @p j is NULL or was finished already.
 */
int dlmr_judge_finish(struct dlmr_judge *j);

/**
 * @brief How many violations were found so far.
 * @param j the judge (NULL gives 0).
 * @return the count.
 */
size_t dlmr_judge_count(const struct dlmr_judge *j);

/**
 * @brief A violation, in the order found.
 * @param j the judge.
 * @param i its index, below dlmr_judge_count().
 * @return the violation, owned by @p j and valid until it is freed; NULL
 *         for an index out of range or a NULL @p j.
 */
const struct dlmr_judge_violation *
dlmr_judge_violation(const struct dlmr_judge *j, size_t i);

/**
 * @brief Why the last dlmr_judge_feed() returned -EPROTO.
 * @param j the judge (NULL gives "").
 * @return one line without a newline, owned by @p j; "" if none.
 */
const char *dlmr_judge_reason(const struct dlmr_judge *j);

/** @} */

/**
 * @defgroup explore The explorer
 * @brief Every reachable state of the simulated cluster up to a number of
 *        failures and rejoins, checked against S1-S5, breadth first, on
 *        the simulator's own model.
 * @{
 */

/**
 * @brief Called by dlmr_explore() for every protocol-quiescent state.
 *
 * A state is protocol-quiescent when no protocol step is enabled (only
 * faults may be); S5 is checked there.  @p hash is the explorer's 64-bit
 * hash of the state's canonical encoding, the same whatever the options,
 * so the sets reported with and without partial-order reduction can be
 * compared.
 * @param hash the state's hash.
 * @param arg dlmr_explore_config.quiescent_arg.
 */
typedef void (*dlmr_explore_state_fn)(uint64_t hash, void *arg);

/**
 * How a node's coordinator receives the recovery callbacks, in the
 * simulator (scenario line `delivery kernel|late`, docs/scenario-format.md)
 * and the explorer (@ref dlmr_explore_config.delivery, `dlmctl explore
 * --delivery`).
 */
enum dlmr_delivery {
	/** In the kernel's callbacks (`dlm_lockspace_ops`), as gfs2: the
	 * DLM's recovery waits for recover_prep and recover_slot to
	 * return, and a recovery starts only after every recover_done. */
	DLMR_DELIVERY_KERNEL = 0,
	/** As events to a userspace listener (a userspace lockspace, the
	 * series' netlink events): in order, but at any time after the
	 * kernel acted; the DLM's recovery waits for none of them, and a
	 * lock completion granted after the recovery may come first.
	 * docs/findings.md, finding 11. */
	DLMR_DELIVERY_LATE = 1,
};

/** Bounds and options of an exploration; zero-initialise, then set. */
struct dlmr_explore_config {
	unsigned int nodes;    /**< cluster size, 1..8; all mount at once */
	unsigned int journals; /**< journals, 1..8 */
	unsigned int failures; /**< crashes injected at most, <= nodes */
	unsigned int rejoins;  /**< reboots of crashed nodes at most, <= 8 */
	unsigned int mutant;   /**< 0, or a planted bug (dlmr_mutant_name()) */
	unsigned int fixes;    /**< bit (1 << id) per fix (dlmr_fix_name()) */
	uint64_t max_states;   /**< stop with -E2BIG past this many; 0: no limit */
	/** Explore every interleaving: no partial-order reduction.  By
	 * default (false) a state whose lowest eligible node has only
	 * local, invisible steps is expanded with that node's steps alone
	 * (an ample set); see dlmctl(8), "Partial-order reduction". */
	bool no_por;
	/** 0, or check every reduced expansion while exploring, along
	 * sequences of up to this many other steps (1..4): each ample step
	 * commutes with them, stays enabled, enables or disables no step of
	 * its node and changes nothing the invariants read.  A failure
	 * stops the search with -EPROTO.  Slow: for tests. */
	unsigned int por_check;
	dlmr_explore_state_fn quiescent; /**< NULL, or called per quiescent state */
	void *quiescent_arg;   /**< passed to @ref quiescent */
	/** Self-check, for tests: encode states whole, without leaving
	 * out or normalising the history that cannot change the future
	 * (explore_encode.c, hist_reduce()).  Slower, more states; the same
	 * verdicts, and @ref quiescent still reports the reduced
	 * encoding's hashes, so both sets can be compared. */
	bool full_encoding;
	/** Leave out the livelock check: the explored graph is not kept
	 * (4 bytes per transition and per visited-set slot), and a
	 * complete search checks S1-S5 in every state but not that every
	 * state reaches a quiescent one (dlmr_explore_stats.livelock_checked
	 * stays false).  For searches that would not fit in memory
	 * otherwise. */
	bool no_livelock;
	/** dlmr_explore(): expand each level's states on this many
	 * threads (0 or 1: the calling thread alone; at most 256).  The
	 * result is the same whatever the count: states, transitions,
	 * verdict and counterexample. */
	unsigned int threads;
	/** Check for livelocks under weak fairness too (as spin -l -f):
	 * once the search is complete and every state can reach a
	 * quiescent one, look for a cycle of protocol steps that a
	 * weakly fair scheduler may run for ever (every step enabled all
	 * along it is taken in it): "S5: fair livelock", with a
	 * counterexample whose last lines are that cycle ("cycle N",
	 * docs/scenario-format.md).  Implies @ref no_por (the check needs
	 * the full graph); needs the livelock check. */
	bool fair;
	/** How each node's coordinator receives recover_prep, recover_slot
	 * and recover_done: a @ref dlmr_delivery (0: in the kernel's
	 * callbacks, as gfs2). */
	unsigned int delivery;
};

/** Progress and result of an exploration. */
struct dlmr_explore_stats {
	uint64_t states;       /**< distinct states found */
	uint64_t runs;         /**< dlmr_swarm(): runs finished */
	uint64_t transitions;  /**< transitions taken */
	uint64_t frontier;     /**< states waiting to be expanded */
	unsigned int depth;    /**< breadth-first level being expanded */
	unsigned int max_depth;/**< deepest level fully expanded */
	size_t bytes;          /**< memory held by the explorer now */
	size_t peak_bytes;     /**< most memory held */
	/** dlmr_explore(): the whole state space was explored, but for
	 * hash compaction: visited states are kept as 64-bit hashes of
	 * their encoding, so a collision (probability at most
	 * n (n - 1) / 2^65 for n states) would skip a state.
	 * dlmr_swarm(): every run was made and none failed (a swarm is
	 * never complete in the first sense). */
	bool complete;
	bool violated;         /**< an invariant failed */
	char violation[DLMR_DETAIL_MAX]; /**< which, and why; or why the
					      POR check failed (-EPROTO) */
	uint64_t reduced;      /**< states expanded with a reduced (ample) set */
	/** dlmr_explore(): the search was complete and the livelock check
	 * ran: every state reaches a quiescent state by protocol steps
	 * alone, or @ref violation says "S5: livelock" and @ref trapped
	 * counts the states that reach none. */
	bool livelock_checked;
	uint64_t trapped;      /**< states that reach no quiescent state */
	/** dlmr_explore() with dlmr_explore_config.fair: the check for
	 * weakly fair cycles ran (after a livelock check that found none). */
	bool fair_checked;
	uint64_t fair_cycle;   /**< steps in the fair cycle found, 0 if none */
};

/**
 * @brief Called now and then during dlmr_explore().
 * @param st the statistics so far.
 * @param arg the caller's pointer.
 * @return 0 to go on, non-zero to stop (dlmr_explore() returns -EINTR).
 */
typedef int (*dlmr_explore_progress_fn)(const struct dlmr_explore_stats *st,
					void *arg);

/**
 * @brief Explore every state reachable within the bounds.
 * @param cfg the bounds.
 * @param progress called periodically (may be NULL).
 * @param arg passed to @p progress.
 * @param st receives the statistics (also on errors and interruption).
 * @param cex on a violation, receives a scenario text (free() it) that
 *        dlmr_sim_run() and `dlmctl sim` replay to the same violation.
 * @retval 0 no state violates S1-S5, and every state reaches a quiescent
 *         state by protocol steps (st->livelock_checked).
 * @retval 1 a violation; @p cex holds the shortest path found (for a
 *         livelock, "S5: livelock", the path to the shallowest state that
 *         reaches no quiescent state, with a step limit past its end).
 * @retval -EINVAL bad bounds.
 * @retval -ENOMEM out of memory.
 * @retval -E2BIG more than cfg->max_states states.
 * @retval -EINTR @p progress asked to stop.
 * @retval -EPROTO cfg->por_check found a reduced expansion that is not
 *         sound; st->violation names the level, the steps and why, and
 *         @p cex holds the path to that state as a scenario.
 */
int dlmr_explore(const struct dlmr_explore_config *cfg,
		 dlmr_explore_progress_fn progress, void *arg,
		 struct dlmr_explore_stats *st, char **cex);

/**
 * @brief Swarm testing: random schedules with random fault injection.
 *
 * Each run starts from the same cold start as dlmr_explore(), takes
 * protocol steps at random and, now and then (at a rate drawn per run:
 * about one fault in 16, 64, 256 or 1024 steps), a crash or reboot within
 * the bounds, until the protocol has nothing left to do (then S5 is
 * checked) or 4000 steps pass (an S5 violation).  Run i uses a generator
 * seeded from @p seed and i, so the same call finds the same first failure.
 * @param cfg the bounds (max_states is ignored).
 * @param runs how many runs.
 * @param seed the seed.
 * @param progress called every 256 runs (may be NULL).
 * @param arg passed to @p progress.
 * @param st receives runs, transitions (steps) and the violation.
 * @param cex on a violation, a scenario text replaying the failing run.
 * @retval 0 no run violated S1-S5.
 * @retval 1 a violation.
 * @retval -EINVAL bad bounds.
 * @retval -ENOMEM out of memory.
 * @retval -EINTR @p progress asked to stop.
 */
int dlmr_swarm(const struct dlmr_explore_config *cfg, uint64_t runs,
	       uint64_t seed, dlmr_explore_progress_fn progress, void *arg,
	       struct dlmr_explore_stats *st, char **cex);

/** @} */

/**
 * @defgroup kernel The kernel's recovery state and events
 * @brief The client of the "dlm_recover" generic netlink family that the
 *        project's kernel patches (kernel/patches/) add to fs/dlm.
 *
 * Queries need no privilege; events need CAP_SYS_ADMIN (kernel/README.md).
 * Every event carries its lockspace's sequence number, from 1 for each
 * instance of a lockspace.  A loss is never passed over in silence, and
 * the library resyncs by itself, the way libevdev does after SYN_DROPPED:
 *
 * - a gap in a lockspace's sequence numbers: a @ref DLMR_EV_LOST event for
 *   that lockspace, `seq` = the number lost, carrying a fresh snapshot
 *   (@ref dlmr_event::resynced; state, generation, our slot, slot table and
 *   the lockspace's sequence number then, @ref dlmr_event::resync_seq) taken
 *   with a GET of that lockspace;
 * - a socket overrun (`ENOBUFS`): the count is unknown (`seq` 0); first one
 *   lost event for all lockspaces (lockspace "", no snapshot: a lockspace
 *   created, or created and released, while the socket was full may be in
 *   no dump and was never seen), then one lost event per lockspace, each
 *   with its snapshot from one dump of every lockspace; a lockspace watched
 *   before and gone from the dump gets a lost event without a snapshot;
 * - an event without a sequence number (the kernel numbers from 1) cannot
 *   be placed: a lost event of unknown count (detail "an event without a
 *   sequence number") and a resync stand for it;
 * - events the snapshot already contains (sequence number up to
 *   `resync_seq`, monotonic timestamp up to the snapshot's) are not
 *   delivered: the snapshot replaces them; the next event delivered is
 *   `resync_seq` + 1, and gaps are measured from there;
 * - a lockspace released and created again under the same name numbers its
 *   events from 1 again.  Within one instance the kernel sends a lockspace's
 *   events in sequence order, so an event whose number is not above the last
 *   one seen (and is not part of a snapshot) starts a new instance: number 1
 *   is delivered as the new instance's first event (nothing was lost);
 *   a higher number N means the new instance's first N - 1 events were
 *   missed: a lost event (`seq` N - 1, detail "lockspace re-created") and
 *   a resync.  A callback-ordering contract (dlmr_contract_feed()) starts a
 *   new stream at sequence number 1 too;
 * - if the snapshot cannot be taken (the lockspace is gone: `ENOENT`), the
 *   lost event has none (@ref dlmr_event::resynced false, the reason in its
 *   detail) and the next event of that lockspace is taken as it comes.
 *
 * The first event seen of a lockspace is taken as it comes, whatever its
 * number: events from before the subscription are not losses.
 * @{
 */

/** Lockspace states, as the kernel reports them. */
enum dlmr_ls_state {
	DLMR_LS_UNKNOWN = 0,    /**< not reported */
	DLMR_LS_RUNNING = 1,    /**< locking enabled */
	DLMR_LS_STOPPED = 2,    /**< stopped, waiting for a start */
	DLMR_LS_RECOVERING = 3, /**< recovery started, not done */
};

/**
 * The last completed recovery of a lockspace (the kernel series' `LAST`): when its
 * `recover_prep` and `recover_done` points were, the generation it set and
 * the members its `recover_slot` points reported failed.
 */
struct dlmr_ls_last {
	/**
	 * The kernel reports it.  False on a kernel whose family has no `LAST`:
	 * everything below is then zero.
	 */
	bool known;
	uint64_t start_ns;     /**< CLOCK_REALTIME ns of its prep (for a recovery
				 *   restarted by a further failure, the first
				 *   one); 0 for the initial join, which has none */
	uint64_t done_ns;      /**< CLOCK_REALTIME ns of its done; 0: no recovery
				 *   completed yet (all fields are then 0) */
	uint64_t start_mono_ns; /**< CLOCK_MONOTONIC ns of the same prep (0 as
				 *   @ref start_ns) */
	uint64_t done_mono_ns; /**< CLOCK_MONOTONIC ns of its done: the
				 *   recovery took done_mono_ns - start_mono_ns */
	uint32_t generation;   /**< the slot generation it set */
	unsigned int num_failed; /**< entries in @ref failed */
	/**
	 * The failed members (nodeid, slot as `recover_slot` got it: 0 or -1
	 * for a member that had no slot yet), in the order reported.
	 */
	struct dlmr_slot failed[DLMR_SLOTS_MAX];
	unsigned int failed_truncated; /**< failed members not in @ref failed
					 *   (the kernel keeps 32) */
};

/** One lockspace, as dlmr_kernel_get() and dlmr_kernel_list() see it. */
struct dlmr_ls_info {
	char name[DLMR_LSNAME_MAX + 1]; /**< lockspace name */
	uint32_t id;           /**< global lockspace id */
	uint32_t generation;   /**< slot generation of the last recovery done */
	int our_slot;          /**< our slot, 0 if none */
	unsigned int num_slots;/**< entries in @ref slots */
	struct dlmr_slot slots[DLMR_SLOTS_MAX]; /**< the slot table */
	int state;             /**< an @ref dlmr_ls_state */
	uint32_t members;      /**< members at the last recovery done */
	bool ops;              /**< a kernel user registered recovery callbacks */
	uint64_t seq;          /**< sequence number of the last event */
	uint64_t time_ns;      /**< CLOCK_REALTIME of the last event */
	uint64_t mono_ns;      /**< CLOCK_MONOTONIC of the last event */
	struct dlmr_ls_last last; /**< the last completed recovery */
};

/** Opaque connection to the kernel. */
struct dlmr_kernel;

/**
 * @brief Connect to the kernel's dlm_recover family.
 * @param out receives the connection.
 * @retval 0 success.
 * @retval -ENODEV the DLM is not loaded.
 * @retval -EPROTONOSUPPORT the DLM is loaded but lacks the family (the
 *         kernel patches are missing).
 * @retval -ENOMEM out of memory.
 * @retval -EINVAL @p out is NULL.
 */
int dlmr_kernel_open(struct dlmr_kernel **out);

/** @brief Close a connection (NULL is allowed). @param k the connection. */
void dlmr_kernel_close(struct dlmr_kernel *k);

/**
 * @brief A one-line explanation of an error of this group.
 * @param err a negative errno returned by a dlmr_kernel_*() function.
 * @return a static string.
 */
const char *dlmr_kernel_strerror(int err);

/**
 * @brief This node's nodeid, from dlm_controld's configfs entries.
 * @param k the connection.
 * @return the nodeid, or 0 if unknown.
 */
uint32_t dlmr_kernel_our_nodeid(const struct dlmr_kernel *k);

/**
 * @brief One lockspace's slots and state.
 * @param k the connection.
 * @param ls the lockspace name.
 * @param out receives the state.
 * @retval 0 success.
 * @retval -ENOENT no such lockspace.
 * @retval -ENAMETOOLONG @p ls is longer than @ref DLMR_LSNAME_MAX.
 * @retval -EINVAL a NULL argument.
 */
int dlmr_kernel_get(struct dlmr_kernel *k, const char *ls,
		    struct dlmr_ls_info *out);

/**
 * @brief Every lockspace's slots and state.
 *
 * One dump of the family, oldest lockspace first.  The kernel resumes a
 * dump by a serial number each lockspace gets when it joins, so a
 * lockspace that joins or leaves meanwhile makes it neither skip nor
 * repeat another; it marks the replies after such a change
 * (NLM_F_DUMP_INTR), and then this function dumps again, up to five
 * times in all, so that the list it returns was the kernel's at one
 * moment.
 * @param k the connection.
 * @param out receives an array to free() (NULL when @p n is 0).
 * @param n receives the number of entries.
 * @retval 0 success. @retval -ENOMEM out of memory. @retval -EINVAL.
 * @retval -EAGAIN the list changed during each of five dumps in a row.
 */
int dlmr_kernel_list(struct dlmr_kernel *k, struct dlmr_ls_info **out,
		     size_t *n);

/**
 * @brief Subscribe to the recovery events of every lockspace.
 * @param k the connection.
 * @param rcvbuf socket receive buffer in bytes, 0 for the default.
 * @retval 0 success.
 * @retval -EPERM the caller lacks CAP_SYS_ADMIN.
 * @retval -EALREADY already subscribed.
 * @retval -EINVAL @p k is NULL.
 */
int dlmr_kernel_subscribe(struct dlmr_kernel *k, int rcvbuf);

/**
 * @brief The pollable descriptor of the event socket (POLLIN: call
 *        dlmr_kernel_next_event() until it returns 0).
 * @param k the connection.
 * @return the descriptor, or -EBADF before dlmr_kernel_subscribe().
 */
int dlmr_kernel_fd(const struct dlmr_kernel *k);

/**
 * @brief The next event, without blocking.
 *
 * Events are "prep", "slot" and "done" in the trace schema (node is this
 * node's nodeid), or "lost" when events were lost: then the library has
 * already resynced that lockspace (see @ref kernel), and the lost event
 * carries the snapshot (@ref dlmr_event::resynced).  Resyncing makes a
 * request to the kernel from within this call.
 * @param k the connection.
 * @param ev receives the event.
 * @retval 1 @p ev holds an event.
 * @retval 0 none pending.
 * @retval -ENOTCONN not subscribed.
 * @retval -EINVAL a NULL argument.
 */
int dlmr_kernel_next_event(struct dlmr_kernel *k, struct dlmr_event *ev);

/** @} */

/**
 * @defgroup klog Slots and recovery events from the kernel log (stock kernels)
 *
 * A DLM without the dlm_recover family (Debian's own dlm.ko, any kernel
 * without the series) still logs every recovery at KERN_INFO while
 * configfs's `cluster/log_info` is on, its default: `dlm: LS: dlm_recover
 * N`, `remove member ID`, `generation G slots N S:ID ...`, `dlm_recover N
 * generation G done: T ms` (fs/dlm/recoverd.c, member.c; the same text
 * on 6.1 and 6.12).  This group reads them from `/dev/kmsg` (or a saved
 * log) and gives the same structures as the @ref kernel group, with what
 * the log cannot tell:
 *
 * - the lockspaces are those of `/sys/kernel/dlm`; one whose lines the
 *   log no longer holds (it wrapped, or was cleared) has generation 0,
 *   no slots and state @ref DLMR_LS_UNKNOWN;
 * - dlmr_ls_info::ops is always false (not known), dlmr_ls_info::seq and
 *   the events' dlmr_event::seq count what this instance read, not the
 *   kernel's events;
 * - times are printk's clock (`local_clock()`, as CLOCK_MONOTONIC) moved
 *   to CLOCK_REALTIME when the instance is opened; from a saved log they
 *   are nanoseconds since boot; dlmr_event::mono_ns and the other
 *   CLOCK_MONOTONIC fields are 0 (printk's clock is not that clock);
 * - the slot of a failed member is the one it had in the last table, as
 *   the series' patch 0001 reports it; the stock kernel may have told its
 *   callbacks -1 or 0 (docs/findings.md, finding 7);
 * - a `prep` event stands for `dlm_recover N`, logged just after the
 *   kernel's recover_prep; `done` for the line logged just before its
 *   recover_done;
 * - reading `/dev/kmsg` needs CAP_SYSLOG when `kernel.dmesg_restrict` is
 *   set (Debian's default); records the kernel overwrote before they were
 *   read give a `lost` event per lockspace (never resynced: the log cannot
 *   be read again).
 * @{
 */

/** Opaque reader of the kernel log. */
struct dlmr_klog;

/**
 * @brief Read the kernel log.
 * @param out receives the reader.
 * @param path NULL: the running kernel's `/dev/kmsg` (every record it
 *        still holds is read now, then new ones as they come); else a
 *        saved log to read once: `/dev/kmsg` records, `dmesg` lines
 *        (`[ SEC.USEC] dlm: ...`) or bare lines, one per line.
 * @retval 0 success.
 * @retval -ENODEV (live) the DLM is not loaded.
 * @retval -EOPNOTSUPP (live) configfs's `cluster/log_info` is 0.
 * @retval -EPERM (live) reading the log needs CAP_SYSLOG.
 * @retval -ENOMEM out of memory. @retval -EINVAL @p out is NULL.
 * @return or another negative errno from opening @p path.
 */
int dlmr_klog_open(struct dlmr_klog **out, const char *path);

/** @brief Free a reader (NULL is allowed). @param k the reader. */
void dlmr_klog_close(struct dlmr_klog *k);

/**
 * @brief A one-line explanation of an error of this group.
 * @param err a negative errno returned by a dlmr_klog_*() function.
 * @return a static string.
 */
const char *dlmr_klog_strerror(int err);

/**
 * @brief Feed one line, as read from the log (the functions above do it;
 *        for tests and for logs read some other way).  Lines that are not
 *        the DLM's are ignored.
 * @param k the reader.
 * @param line a `/dev/kmsg` record, a `dmesg` line or the bare text.
 * @retval 0 success.
 * @retval -ENOMEM out of memory.
 * @retval -EINVAL a NULL argument.
 */
int dlmr_klog_feed(struct dlmr_klog *k, const char *line);

/**
 * @brief This node's nodeid (dlm_controld's configfs entries; 0 from a
 *        saved log unless set).
 * @param k the reader.
 * @return the nodeid, or 0 if unknown.
 */
uint32_t dlmr_klog_our_nodeid(const struct dlmr_klog *k);

/**
 * @brief Set the nodeid our_slot is computed for (a saved log).
 * @param k the reader. @param nodeid the nodeid.
 * @retval 0 success. @retval -EINVAL @p k is NULL.
 */
int dlmr_klog_set_nodeid(struct dlmr_klog *k, uint32_t nodeid);

/**
 * @brief One lockspace as the log shows it (see the group for what it
 *        cannot know).  Live, the log is read up to now first.
 * @param k the reader. @param ls the lockspace. @param out receives it.
 * @retval 0 success.
 * @retval -ENOENT no such lockspace (live: not in `/sys/kernel/dlm`).
 * @retval -ENAMETOOLONG @p ls is longer than @ref DLMR_LSNAME_MAX.
 * @retval -EINVAL a NULL argument.
 */
int dlmr_klog_get(struct dlmr_klog *k, const char *ls,
		  struct dlmr_ls_info *out);

/**
 * @brief Every lockspace (live: those of `/sys/kernel/dlm`).
 * @param k the reader.
 * @param out receives an array to free() (NULL when @p n is 0).
 * @param n receives the number of entries.
 * @retval 0 success.
 * @retval -ENOMEM out of memory.
 * @retval -EINVAL a NULL argument.
 * @return or a negative errno from reading `/dev/kmsg`.
 */
int dlmr_klog_list(struct dlmr_klog *k, struct dlmr_ls_info **out,
		   size_t *n);

/**
 * @brief Turn events on: the lines read from now on give "prep", "slot",
 *        "done" (and "lost") events; what was read before gave none.
 * @param k the reader.
 * @retval 0 success.
 * @retval -EALREADY already subscribed.
 * @retval -EINVAL @p k is NULL.
 */
int dlmr_klog_subscribe(struct dlmr_klog *k);

/**
 * @brief The pollable descriptor (`/dev/kmsg`; POLLIN: call
 *        dlmr_klog_next_event() until it returns 0).
 * @param k the reader.
 * @return the descriptor, or -EBADF for a saved log or before
 *         dlmr_klog_subscribe().
 */
int dlmr_klog_fd(const struct dlmr_klog *k);

/**
 * @brief The next event, without blocking.
 * @param k the reader. @param ev receives the event.
 * @retval 1 @p ev holds an event. @retval 0 none pending.
 * @retval -ENOTCONN not subscribed. @retval -EINVAL a NULL argument.
 */
int dlmr_klog_next_event(struct dlmr_klog *k, struct dlmr_event *ev);

/** @} */

/**
 * @defgroup driver The userspace driver (libdlm and the kernel's events)
 * @brief The coordinator (@ref coord) run on a real userspace lockspace:
 *        its locks through libdlm, its recovery callbacks from the kernel
 *        series' netlink events (@ref kernel).
 *
 * Userspace lockspaces get no recovery callbacks; with the series they
 * get the same prep, slot and done as events, after the fact (the kernel
 * does not wait for a listener).  docs/findings.md, finding 11: gfs2's
 * protocol is then unsafe unless the consumer reads every pending event
 * before it acts on a lock completion (the fix `events-before-grants`,
 * clean in the explorer).  The driver does exactly that: before it hands
 * a completion to the coordinator, and before its journal writer writes,
 * it reads the event socket dry.  The series sends an event from the
 * DLM's own context before the recovery re-enables locking, so the
 * recovery's `prep` is in the socket before any grant that recovery
 * allowed.  A loss (`lost`, see @ref kernel) is taken as a `prep` (the
 * coordinator blocks), the members of the last table missing from the
 * fresh snapshot (and those the snapshot's last recovery reports failed)
 * as `slot`s, and a snapshot of a finished recovery as its `done`.
 *
 * With @ref DLMR_SOURCE_CPG the events come from corosync CPG membership
 * instead (any kernel): a confchg is the prep and the failed members'
 * slots, and the slot table the members agree on is the done; the same
 * reading order holds for the CPG descriptor.
 *
 * One pollable descriptor (an epoll set of the DLM device, the event
 * socket or CPG descriptor and a timerfd for the coordinator's timers),
 * no threads: poll
 * dlmr_driver_fd() for POLLIN and call dlmr_driver_dispatch().  Journals:
 * a callback of the caller's (answered with dlmr_driver_journal_done()),
 * or a directory of journal files in the examples' format
 * (docs/kernel-example.md; file `journalJID`), which the driver replays
 * itself and, with dlmr_driver_config::write_ms, writes while mounted
 * and unblocked, as the kernel example does.  `dlmctl emulate` runs it.
 * @{
 */

/** Opaque driver. */
struct dlmr_driver;

/** Where the driver takes prep, slot and done from. */
enum dlmr_driver_source_id {
	/** the series' netlink events (@ref kernel): the cluster4 path */
	DLMR_SOURCE_NETLINK = 0,
	/**
	 * corosync CPG membership of group `dlmr:LOCKSPACE` (the cluster3
	 * path, any kernel): a confchg gives `prep` and a `slot` per member
	 * that failed (not one that left), and the members agree on the
	 * slot table, which is the `done` (lib/libdlmrecover/cpgsrc.c
	 * describes the agreement; docs/tutorial-userspace-driver.md what
	 * it does and does not guarantee).  Generations are the group's,
	 * not the kernel's.
	 */
	DLMR_SOURCE_CPG = 1,
};

/** Driver settings. */
struct dlmr_driver_config {
	/** a @ref dlmr_driver_source_id (0: netlink) */
	int source;
	/** the userspace lockspace to create or join (at most
	 *  @ref DLMR_LSNAME_MAX bytes) */
	const char *lockspace;
	/** the coordinator's settings (journals, fixes, ...) */
	struct dlmr_coord_config coord;
	/**
	 * Recover journal @p jid (@ref DLMR_ACT_RECOVER): start it and
	 * return 0, then answer with dlmr_driver_journal_done(); or return
	 * a negative errno, which dlmr_driver_dispatch() returns.  NULL: the
	 * directory replayer (@ref journal_dir).
	 */
	int (*recover)(void *arg, int jid);
	/** the directory of journal files `journalJID` (replayed when
	 *  @ref recover is NULL; a missing file is a clean journal) */
	const char *journal_dir;
	/** > 0: append a record to our own journal (in @ref journal_dir)
	 *  every write_ms milliseconds while mounted and not blocked */
	unsigned int write_ms;
	/** every decision and event in the trace schema, as it happens
	 *  (may be NULL); @p ev is valid during the call only */
	void (*trace)(void *arg, const struct dlmr_event *ev);
	void *arg; /**< passed to @ref recover and @ref trace */
};

/**
 * @brief Join a userspace lockspace and start mounting.
 *
 * Subscribes to the kernel's events, creates (or joins) the lockspace with
 * libdlm, and feeds the coordinator the join's `done` (from the event, or
 * from a snapshot when the join's event came before the subscription),
 * then MOUNT.
 * @param cfg the settings.
 * @param out receives the driver.
 * @retval 0 success.
 * @retval -EINVAL a NULL argument, no lockspace, a bad coordinator
 *         setting, neither @ref dlmr_driver_config::recover nor
 *         @ref dlmr_driver_config::journal_dir.
 * @retval -ENAMETOOLONG the lockspace name is too long.
 * @retval -ENODEV no DLM; -EPROTONOSUPPORT a DLM without the series'
 *         family (dlmr_kernel_open()).
 * @retval -EPERM subscribing needs CAP_SYS_ADMIN.
 * @retval -ENOTCONN (@ref DLMR_SOURCE_CPG) corosync is not running.
 * @retval -EACCES no permission on `/dev/misc/dlm-control`; -ENOENT no
 *         such device (dlm_controld not running).
 * @return or another negative errno of libdlm, epoll or timerfd.
 */
int dlmr_driver_new(const struct dlmr_driver_config *cfg,
		    struct dlmr_driver **out);

/**
 * @brief The pollable descriptor: POLLIN means dlmr_driver_dispatch()
 *        has work.
 * @param d the driver.
 * @return the descriptor, or -EINVAL for NULL.
 */
int dlmr_driver_fd(const struct dlmr_driver *d);

/**
 * @brief Do what is ready, without blocking: read every pending event,
 *        then lock completions, then expired timers.
 * @param d the driver.
 * @retval 0 running.
 * @retval 1 finished: the unmount ended (@ref DLMR_ACT_UNMOUNTED) or
 *         the mount failed (@ref DLMR_ACT_FAILED; dlmr_driver_status()).
 * @retval -EPROTO the coordinator refused an input (a bug of the driver).
 * @retval -ENOENT the lockspace vanished from the kernel.
 * @return or another negative errno (libdlm, the event socket, the
 *         recover callback, the journal files).  The driver is then
 *         unusable: free it.
 */
int dlmr_driver_dispatch(struct dlmr_driver *d);

/**
 * @brief Answer a @ref dlmr_driver_config::recover call.
 * @param d the driver. @param jid the journal.
 * @param result a @ref dlmr_journal_result.
 * @retval 0 success. @retval -EINVAL a NULL driver.
 * @retval -EPROTO no recovery of @p jid was asked for.
 */
int dlmr_driver_journal_done(struct dlmr_driver *d, int jid, int result);

/**
 * @brief Start leaving: mark our journal clean, unmount; then dispatch
 *        until dlmr_driver_dispatch() returns 1.  Before the mount ended
 *        there is nothing to unmount: the driver is finished at once
 *        (freeing it releases the lockspace, which purges its locks).
 * @param d the driver.
 * @retval 0 success (also when already leaving).
 * @retval -EINVAL a NULL driver.
 * @return or a negative errno writing our journal's header.
 */
int dlmr_driver_unmount(struct dlmr_driver *d);

/** What the driver has done so far. */
struct dlmr_driver_status {
	struct dlmr_coord_status coord; /**< the coordinator's state */
	uint32_t nodeid;     /**< this node (the kernel's), 0 if unknown */
	bool finished;       /**< unmounted or failed */
	int error;           /**< @ref DLMR_ACT_FAILED's error, else 0 */
	unsigned int replays; /**< journals replayed dirty by this node */
	unsigned int lost;   /**< `lost` events taken as a prep */
	uint64_t appends;    /**< records appended to our journal */
};

/**
 * @brief Read the driver's state.
 * @param d the driver. @param st receives it.
 * @retval 0 success. @retval -EINVAL a NULL argument.
 */
int dlmr_driver_status(const struct dlmr_driver *d,
		       struct dlmr_driver_status *st);

/**
 * @brief Release the lockspace (purging our locks, whatever their
 *        state), close everything, free the driver.
 * @param d the driver (NULL is allowed).
 */
void dlmr_driver_free(struct dlmr_driver *d);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* DLMRECOVER_H */
