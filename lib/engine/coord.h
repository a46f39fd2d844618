/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The coordinator's state (internal).  A plain struct with no pointers, so
 * the simulator and the explorer can embed, copy, compare and hash it.
 */
#ifndef DLMR_COORD_H
#define DLMR_COORD_H

#include "engine.h"

/* Journals the simulator uses at most; the public limit is larger. */
#define COORD_ACTQ_MAX (DLMR_JOURNALS_MAX + 32)

/* Planted bugs (cfg.mutant); names and descriptions in coord.c. */
enum coord_mutant {
	MUT_NONE = 0,
	MUT_UNBLOCK_EARLY,     /* unblock without the block/start check */
	MUT_CLEAR_BIT_EARLY,   /* clear lvb bits of unrecovered journals */
	MUT_MOUNTED_QUEUE,     /* mounted_lock EX without NOQUEUE */
	MUT_SKIP_FIRST_RECOVERY, /* first mounter skips other journals */
	MUT_IGNORE_LVB_BITS,   /* mounting node ignores set jid bits */
	MUT_RETRY_STALE_LVB,   /* mount retries without VALBLK */
	MUT_WORK_NOQUEUE,      /* control work: EX NOQUEUE, requeue on -EAGAIN */
	MUT_MAX
};

/* Proposed fixes (cfg.fixes bit 1 << id); names in coord.c. */
enum coord_fix {
	FIX_NONE = 0,
	FIX_WORK_RETRY_BUSY,   /* control work requeues itself on -EBUSY */
	FIX_FIRST_DONE_SERIAL, /* FIRST_MOUNT kept until first_done's locks */
	FIX_SLOT_CLEARS_RESULT, /* recover_slot forgets an old result */
	FIX_SLOT_FROM_TABLE,   /* slot < 1 resolved from the last done */
	FIX_WORK_CLEARS_OWN_BIT, /* the control work clears our own jid's bit */
	FIX_VALNOTVALID_RESUBMIT, /* DLM_SBF_VALNOTVALID: non-members' bits */
	FIX_KERNEL_SLOT,       /* the kernel's slot fix (the simulated DLM
				  reads it; the coordinator does not) */
	FIX_WORK_RETRY_RECOVERING, /* control work requeues itself when
				      gfs2_recover_set() finds JDF_RECOVERY */
	FIX_PREP_ACK,          /* late delivery: the DLM's recovery waits
				  for the listener's ack of prep (the
				  simulated DLM reads it; the coordinator
				  does not) */
	FIX_EVENTS_FIRST,      /* late delivery: the driver reads every
				  pending event before a lock completion
				  (the simulator reads it) */
	FIX_MAX
};

/* gfs2's DFL_* recovery flags (fs/gfs2/incore.h). */
enum coord_flag {
	CF_BLOCK_LOCKS = 1u << 0,
	CF_MOUNT_DONE = 1u << 1,
	CF_FIRST_MOUNT = 1u << 2,
	CF_FIRST_MOUNT_DONE = 1u << 3,
	CF_DLM_RECOVERY = 1u << 4,
	CF_UNMOUNT = 1u << 5,
};

/* Where the mount "thread" is (control_mount, init_journal, first_done). */
enum coord_mount_pc {
	MP_INIT = 0,      /* created; lockspace being joined */
	MP_CTRL_NL,       /* control_lock NL (new) outstanding */
	MP_MNT_NL,        /* mounted_lock NL (new) outstanding */
	MP_MNT_RENL,      /* restart: mounted_lock ->NL outstanding */
	MP_SLEEP,         /* restart: msleep(500) */
	MP_CTRL_EX,       /* control_lock ->EX NOQUEUE outstanding */
	MP_MNT_EX,        /* mounted_lock ->EX NOQUEUE outstanding */
	MP_MNT_PR,        /* mounted_lock ->PR NOQUEUE outstanding */
	MP_CTRL_NL2,      /* control_lock ->NL outstanding */
	MP_JWAIT,         /* control_mount() returned; the mount goes on to
			   * init_journal() later: the mount timer armed */
	MP_JLOCK,         /* own journal lock EX outstanding */
	MP_FIRST_RECOVER, /* first mounter recovering journal mp_jid */
	MP_OWN_RECOVER,   /* other mounter checking its own journal */
	MP_FIRST_WAIT,    /* control_first_done waiting for recover_done */
	MP_FIRST_WOKEN,   /* ... woken by recover_done: the mount timer armed */
	MP_FD_MNT,        /* first_done: mounted_lock ->PR outstanding */
	MP_FD_CTRL,       /* first_done: control_lock ->NL outstanding */
	MP_MOUNTED,       /* mount finished */
	MP_UNMOUNTING,    /* waiting for work and journal recoveries */
	MP_UNMOUNTED,
	MP_FAILED,
	MP_JWOKEN,        /* woken from gfs2_recover_journal(jd, true) (the
			   * journal of MP_FIRST_RECOVER or MP_OWN_RECOVER
			   * ended): the mount timer armed */
};

/* Where gfs2_control_func() is. */
enum coord_work_pc {
	WP_IDLE = 0,
	WP_EX,            /* control_lock ->EX (VALBLK) outstanding */
	WP_ABORT_NL,      /* generation changed: control_lock ->NL outstanding */
	WP_NL,            /* control_lock ->NL (VALBLK if writing) outstanding */
	WP_JREADY,        /* in gfs2_recover_set(): wait_for_completion(
			   * &sd_journal_ready) until our mount's
			   * init_journal() returned; then the mount timer
			   * resumes the loop at jid w_next (M) */
};

/* Who made a control lock request (dlmr_coord.ctrl_by). */
enum coord_ctrl_by {
	CTRL_BY_MOUNT = 1, /* the mount thread (control_mount(),
			    * control_first_done()) */
	CTRL_BY_WORK = 2,  /* gfs2_control_func() */
};

/* Per-journal recovery (gfs2_recover_func) state. */
enum coord_jrec {
	JR_IDLE = 0,
	JR_LOCK,          /* journal lock EX NOQUEUE outstanding */
	JR_REPLAY,        /* RECOVER asked; waiting for JOURNAL_DONE */
	JR_QUEUED,        /* gfs2_recover_journal(): JDF_RECOVERY set, the
			   * work item queued on gfs_recovery_wq (the
			   * recovery timer of this jid armed); it runs later */
	JR_END,           /* the result handed on (the control work queued);
			   * JDF_RECOVERY still set until the work item's last
			   * step (the recovery timer armed) */
	JR_END_UNLOCK,    /* as JR_END, and the journal lock we took for the
			   * recovery still to release in that step */
};

struct dlmr_coord {
	struct dlmr_coord_config cfg;
	unsigned int flags;          /* enum coord_flag */
	uint32_t recover_block;      /* ls_recover_block */
	uint32_t recover_start;      /* ls_recover_start */
	uint32_t recover_mount;      /* ls_recover_mount */
	int jid;                     /* ls_jid, -1 before the first done */
	bool first;                  /* ls_first */
	unsigned int recover_size;   /* ls_recover_size */
	uint32_t recover_submit[DLMR_JOURNALS_MAX];
	uint8_t recover_result[DLMR_JOURNALS_MAX];
	uint8_t control_lvb[DLMR_LVB_SIZE]; /* the control lksb's lvb */
	uint8_t lvb_bits[DLMR_LVB_SIZE];    /* ls_lvb_bits */
	int control_mode;            /* mode we hold (DLMR_MODE_IV: none) */
	int mounted_mode;
	bool journal_held[DLMR_JOURNALS_MAX]; /* we hold journal lock j */
	/* control lock requests in flight, oldest first (at most one per
	 * thread): who made each, CTRL_BY_*; ctrl_n of them */
	uint8_t ctrl_by[2];
	uint8_t ctrl_n;
	bool mnt_busy;               /* a mounted lock request in flight */
	/* mount thread */
	enum coord_mount_pc mp;
	int mp_jid;                  /* MP_FIRST_RECOVER: current journal */
	int mp_error;
	/* control work */
	enum coord_work_pc wp;
	bool work_pending;           /* queued (timer asked for) */
	bool work_deferred;          /* queued again while running */
	bool work_write_lvb;
	unsigned int w_next;         /* WP_JREADY: the jid the loop waits at */
	bool journal_ready;          /* sd_journal_ready completed */
	uint32_t w_block_gen, w_start_gen;
	/* journal recoveries */
	uint8_t jrec[DLMR_JOURNALS_MAX]; /* enum coord_jrec */
	/* slot-from-table: the table of the last recover_done (kept only
	 * with that fix) */
	unsigned int last_num;
	struct dlmr_slot last_slots[DLMR_SLOTS_MAX];
	/* recover_slot with slot < 1 (statistics, never read by the
	 * protocol: the explorer does not encode them) */
	struct dlmr_coord_slot_stats bad_slots;
	/* times gfs2 wrote control_lvb itself (control_lvb_write()), for a
	 * caller that keeps its own lksb buffer in step; never read by the
	 * protocol, not encoded */
	unsigned int lvb_writes;
	/* times a control_lock() call failed with -EBUSY (dlm_lock()'s
	 * answer: the lksb in use by the other thread, docs/findings.md,
	 * finding 1); statistics, never read by the protocol, not encoded */
	unsigned int ctrl_busy_errors;
	/* times gfs2_recover_set() was -EBUSY for a journal whose recovery
	 * work item had handed its result on and not yet cleared
	 * JDF_RECOVERY (docs/findings.md, finding 10); statistics, never
	 * read by the protocol, not encoded */
	unsigned int recover_busy_errors;
	/* action queue */
	unsigned int aq_head, aq_len;
	struct dlmr_action aq[COORD_ACTQ_MAX];
};

/* Initialise a coordinator in place (the simulator embeds them). */
int dlmr_coord_init(struct dlmr_coord *c, const struct dlmr_coord_config *cfg);

#endif
