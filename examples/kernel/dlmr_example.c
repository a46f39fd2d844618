// SPDX-License-Identifier: GPL-2.0
/*
 * dlmr_example - a tutorial consumer of the DLM's recovery callbacks.
 *
 * On load the module joins one lockspace with dlm_new_lockspace() and a
 * struct dlm_lockspace_ops, takes one PR lock and holds it until unload.
 * Every recovery callback the DLM makes is recorded in a small ring buffer
 * that userspace reads, as JSON Lines in the dlmrecover trace schema, from
 *
 *	/sys/kernel/debug/dlmr_example/<lockspace>/trace
 *
 * Parameters:
 *	lockspace=NAME	lockspace to join (default "dlmrex")
 *	cluster=NAME	cluster name the DLM must be running (default: none)
 *	nodeid=N	this node's nodeid, copied into the "node" key of
 *			every event (dlm_our_nodeid() is not exported)
 *
 * See docs/kernel-example.md for a walk-through.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dlm.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

static char *lockspace = "dlmrex";
module_param(lockspace, charp, 0444);
MODULE_PARM_DESC(lockspace, "lockspace to join");

static char *cluster = "";
module_param(cluster, charp, 0444);
MODULE_PARM_DESC(cluster, "cluster name to check (empty: none)");

static int nodeid;
module_param(nodeid, int, 0444);
MODULE_PARM_DESC(nodeid, "this node's nodeid, reported in every event");

/* The ring keeps the last DLMR_RING events; seq tells readers what fell out. */
#define DLMR_RING	64
#define DLMR_MAX_SLOTS	16

enum dlmr_type { DLMR_PREP, DLMR_SLOT, DLMR_DONE };

struct dlmr_rec {
	enum dlmr_type type;
	u64 time_ns;		/* ktime_get_real_ns() when the callback ran */
	u64 seq;		/* 1, 2, 3... per lockspace */
	struct dlm_slot failed;	/* DLMR_SLOT: the node that failed */
	u32 generation;		/* DLMR_DONE: the new slot table */
	int our_slot;
	int num_slots;
	struct dlm_slot slots[DLMR_MAX_SLOTS];
};

static struct dlmr_rec ring[DLMR_RING];
static u64 next_seq = 1;
static DEFINE_SPINLOCK(ring_lock);

static dlm_lockspace_t *ls;
static struct dlm_lksb lksb;
static DECLARE_COMPLETION(ast_done);
static struct dentry *dbg_root;

/* Claim the next ring entry; called with ring_lock held. */
static struct dlmr_rec *rec_new(enum dlmr_type type)
{
	struct dlmr_rec *r = &ring[(next_seq - 1) % DLMR_RING];

	memset(r, 0, sizeof(*r));
	r->type = type;
	r->seq = next_seq++;
	r->time_ns = ktime_get_real_ns();
	return r;
}

/*
 * The three callbacks.  The DLM calls them from its recovery thread
 * (recover_slot, recover_done) or from dlm_controld's write that stops
 * the lockspace (recover_prep).  They must not block for long: the DLM's
 * recovery waits for them.
 */

/* Recovery begins: a member joined, left or failed; locking is stopped. */
static void ex_recover_prep(void *arg)
{
	spin_lock(&ring_lock);
	rec_new(DLMR_PREP);
	spin_unlock(&ring_lock);
	pr_info("%s: recover_prep\n", lockspace);
}

/* A member failed (not called for a clean leave): its slot is free now. */
static void ex_recover_slot(void *arg, struct dlm_slot *slot)
{
	struct dlmr_rec *r;

	spin_lock(&ring_lock);
	r = rec_new(DLMR_SLOT);
	r->failed = *slot;
	spin_unlock(&ring_lock);
	pr_info("%s: recover_slot nodeid %d slot %d\n", lockspace,
		slot->nodeid, slot->slot);
}

/* Recovery is over: the new members and their slots (sorted by nodeid). */
static void ex_recover_done(void *arg, struct dlm_slot *slots, int num_slots,
			    int our_slot, u32 generation)
{
	struct dlmr_rec *r;

	spin_lock(&ring_lock);
	r = rec_new(DLMR_DONE);
	r->generation = generation;
	r->our_slot = our_slot;
	r->num_slots = min(num_slots, DLMR_MAX_SLOTS);
	memcpy(r->slots, slots, r->num_slots * sizeof(*slots));
	spin_unlock(&ring_lock);
	pr_info("%s: recover_done generation %u our_slot %d num_slots %d\n",
		lockspace, generation, our_slot, num_slots);
}

static const struct dlm_lockspace_ops ex_ops = {
	.recover_prep = ex_recover_prep,
	.recover_slot = ex_recover_slot,
	.recover_done = ex_recover_done,
};

/* One JSON object per event, keys in the trace schema's order. */
static void rec_show(struct seq_file *m, const struct dlmr_rec *r)
{
	static const char * const names[] = { "prep", "slot", "done" };
	int i;

	seq_printf(m, "{\"event\":\"%s\",\"node\":%d,\"ls\":\"%s\"",
		   names[r->type], nodeid, lockspace);
	if (r->type == DLMR_SLOT)
		seq_printf(m, ",\"nodeid\":%d,\"slot\":%d",
			   r->failed.nodeid, r->failed.slot);
	if (r->type == DLMR_DONE) {
		seq_printf(m, ",\"generation\":%u,\"our_slot\":%d,\"slots\":[",
			   r->generation, r->our_slot);
		for (i = 0; i < r->num_slots; i++)
			seq_printf(m, "%s{\"nodeid\":%d,\"slot\":%d}",
				   i ? "," : "", r->slots[i].nodeid,
				   r->slots[i].slot);
		seq_puts(m, "]");
	}
	seq_printf(m, ",\"time_ns\":%llu,\"seq\":%llu}\n", r->time_ns, r->seq);
}

/* Reading is not destructive: every read shows the whole ring, oldest first. */
static int trace_show(struct seq_file *m, void *v)
{
	u64 s, first;

	spin_lock(&ring_lock);
	first = next_seq > DLMR_RING ? next_seq - DLMR_RING : 1;
	for (s = first; s < next_seq; s++)
		rec_show(m, &ring[(s - 1) % DLMR_RING]);
	spin_unlock(&ring_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(trace);

/* Completion AST for both the lock request and the unlock. */
static void ex_ast(void *arg)
{
	complete(&ast_done);
}

static int __init dlmr_example_init(void)
{
	struct dentry *dir;
	int ops_result = 0;
	int error;

	dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	dir = debugfs_create_dir(lockspace, dbg_root);
	debugfs_create_file("trace", 0444, dir, NULL, &trace_fops);

	/*
	 * Join.  This returns once the initial recovery is done, so the ring
	 * already holds the first recover_done (the join has no recover_prep).
	 * ops_result is -EOPNOTSUPP when dlm_controld did not enable
	 * recover_callbacks: the lockspace works but the ops are never called.
	 */
	error = dlm_new_lockspace(lockspace, cluster[0] ? cluster : NULL, 0, 0,
				  &ex_ops, NULL, &ops_result, &ls);
	if (error) {
		pr_err("%s: dlm_new_lockspace: %d\n", lockspace, error);
		goto fail;
	}
	if (ops_result)
		pr_warn("%s: no recovery callbacks: %d\n", lockspace, ops_result);

	/* Hold one PR lock; every node can hold it at the same time. */
	error = dlm_lock(ls, DLM_LOCK_PR, &lksb, 0, "example", 7, 0, ex_ast,
			 NULL, NULL);
	if (!error) {
		wait_for_completion(&ast_done);
		error = lksb.sb_status;
	}
	if (error) {
		pr_err("%s: dlm_lock: %d\n", lockspace, error);
		dlm_release_lockspace(ls, 2);
		goto fail;
	}
	pr_info("%s: joined, lock %x held\n", lockspace, lksb.sb_lkid);
	return 0;
fail:
	debugfs_remove_recursive(dbg_root);
	return error;
}

static void __exit dlmr_example_exit(void)
{
	/* A clean leave: the other members get recover_prep/done, no slot. */
	reinit_completion(&ast_done);
	if (!dlm_unlock(ls, lksb.sb_lkid, 0, &lksb, NULL))
		wait_for_completion(&ast_done);
	dlm_release_lockspace(ls, 2);
	debugfs_remove_recursive(dbg_root);
	pr_info("%s: left\n", lockspace);
}

module_init(dlmr_example_init);
module_exit(dlmr_example_exit);
MODULE_DESCRIPTION("Tutorial: record the DLM's recovery callbacks");
MODULE_LICENSE("GPL");
