/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Slot tables: the kernel DLM's slot assignment as a library.
 *
 * The rule is ported from Linux 6.1 fs/dlm/member.c, dlm_slots_assign(),
 * which runs on the lowest nodeid of the lockspace during every recovery
 * (fs/dlm/recover.c, dlm_recover_members_wait) and whose result the other
 * members copy in (dlm_slots_copy_in).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

DLMR_EXPORT void dlmr_slots_init(struct dlmr_slot_table *t)
{
	if (!t)
		return;
	memset(t, 0, sizeof(*t));
}

/* Index of @nodeid in the nodeid-sorted table, or -1. */
static int slots_find(const struct dlmr_slot_table *t, uint32_t nodeid)
{
	unsigned int lo = 0, hi = t->num;

	if (t->num > DLMR_SLOTS_MAX)
		return -1;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (t->slots[mid].nodeid == nodeid)
			return (int)mid;
		if (t->slots[mid].nodeid < nodeid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int member_cmp(const void *a, const void *b)
{
	const struct dlmr_member *x = a, *y = b;

	return (x->nodeid > y->nodeid) - (x->nodeid < y->nodeid);
}

DLMR_EXPORT int dlmr_slots_change(struct dlmr_slot_table *t,
				  const struct dlmr_member *members, size_t n)
{
	/* the new membership in nodeid order: the kernel's ls_nodes list,
	 * kept sorted by add_ordered_member() */
	struct dlmr_member sorted[DLMR_SLOTS_MAX];
	struct dlmr_slot next[DLMR_SLOTS_MAX];
	/* used[s - 1]: slot s is held; sized for the worst case in which
	 * the kernel's array_size = max + need reaches 2 * max_slots */
	bool used[2 * DLMR_SLOTS_MAX];
	bool disabled = false;
	size_t i;

	if (!t || (!members && n) || t->num > DLMR_SLOTS_MAX)
		return -EINVAL;
	/*
	 * dlm_slots_assign: "num_slots %d exceeds max_slots %d", where
	 * max_slots is how many struct rcom_slot fit in one recovery message.
	 * Checked first here: a table cannot hold more entries.
	 */
	if (n > DLMR_SLOTS_MAX)
		return -E2BIG;

	if (n) {
		memcpy(sorted, members, n * sizeof(*members));
		qsort(sorted, n, sizeof(*sorted), member_cmp);
	}
	for (i = 0; i < n; i++) {
		if (!sorted[i].nodeid)
			return -EINVAL;
		if (i && sorted[i].nodeid == sorted[i - 1].nodeid)
			return -EINVAL;
		/*
		 * dlm_slots_assign: "node doesn't support slots": a member
		 * whose rcom_config had no slot fields keeps memb->slot == -1
		 * and the whole assignment returns -1; ls_generation is not
		 * updated and recover_done reports no slots.
		 */
		if (sorted[i].flags & DLMR_MEMBER_NO_SLOTS)
			disabled = true;
	}
	if (disabled) {
		t->disabled = true;
		t->num = 0;
		return -EOPNOTSUPP;
	}

	memset(used, 0, sizeof(used));
	memset(next, 0, sizeof(next));

	/*
	 * dlm_slots_assign, first two passes: members keep the slot they
	 * have ("once slot is assigned it shouldn't change") and the used
	 * slots are marked.  A member that was removed and re-added within
	 * this change (node->new in dlm_recover_members) went through
	 * ls_nodes_gone and comes back with slot 0, like any new member.
	 */
	for (i = 0; i < n; i++) {
		int idx = slots_find(t, sorted[i].nodeid);
		int s;

		next[i].nodeid = sorted[i].nodeid;
		if (idx < 0 || (sorted[i].flags & DLMR_MEMBER_READDED))
			continue;
		s = t->slots[idx].slot;
		/* dlm_slots_assign: "invalid slot number %d" */
		if (s < 1 || s > (int)DLMR_ARRAY_SIZE(used) || used[s - 1])
			return -EINVAL;
		used[s - 1] = true;
		next[i].slot = s;
	}

	/*
	 * dlm_slots_assign, "assign new slots from unused offsets": members
	 * without a slot, visited in ls_nodes (nodeid) order, each take the
	 * lowest free slot.
	 */
	for (i = 0; i < n; i++) {
		size_t s;

		if (next[i].slot)
			continue;
		for (s = 0; s < DLMR_ARRAY_SIZE(used); s++) {
			if (!used[s])
				break;
		}
		/* cannot happen: n <= DLMR_SLOTS_MAX free slots exist */
		if (s == DLMR_ARRAY_SIZE(used))
			return -EINVAL;
		used[s] = true;
		next[i].slot = (int)s + 1;
	}

	/* dlm_slots_assign: gen = highest generation known + 1 */
	t->generation++;
	t->disabled = false;
	t->num = (unsigned int)n;
	if (n)
		memcpy(t->slots, next, n * sizeof(next[0]));
	return 0;
}

DLMR_EXPORT int dlmr_slots_slot(const struct dlmr_slot_table *t,
				uint32_t nodeid)
{
	int idx;

	if (!t)
		return -ENOENT;
	idx = slots_find(t, nodeid);
	if (idx < 0)
		return -ENOENT;
	return t->slots[idx].slot;
}

DLMR_EXPORT int dlmr_slots_jid(const struct dlmr_slot_table *t,
			       uint32_t nodeid)
{
	int slot = dlmr_slots_slot(t, nodeid);

	/* fs/gfs2/lock_dlm.c gdlm_recover_done: ls_jid = our_slot - 1 */
	if (slot < 0)
		return slot;
	return slot - 1;
}

DLMR_EXPORT int dlmr_slots_diff(const struct dlmr_slot_table *old_t,
				const struct dlmr_slot_table *new_t,
				struct dlmr_slots_delta *d)
{
	unsigned int i = 0, j = 0;

	if (!old_t || !new_t || !d || old_t->num > DLMR_SLOTS_MAX ||
	    new_t->num > DLMR_SLOTS_MAX)
		return -EINVAL;

	d->num_added = 0;
	d->num_removed = 0;
	d->num_moved = 0;

	/* both tables are sorted by nodeid: merge them */
	while (i < old_t->num || j < new_t->num) {
		const struct dlmr_slot *o = i < old_t->num ? &old_t->slots[i] : NULL;
		const struct dlmr_slot *w = j < new_t->num ? &new_t->slots[j] : NULL;

		if (o && (!w || o->nodeid < w->nodeid)) {
			d->removed[d->num_removed++] = *o;
			i++;
		} else if (w && (!o || w->nodeid < o->nodeid)) {
			d->added[d->num_added++] = *w;
			j++;
		} else {
			if (o->slot != w->slot)
				d->moved[d->num_moved++] = *w;
			i++;
			j++;
		}
	}
	return 0;
}

DLMR_EXPORT int dlmr_slots_format(const struct dlmr_slot_table *t, char *buf,
				  size_t len)
{
	/* nodeid per slot, to print in slot order */
	uint32_t by_slot[2 * DLMR_SLOTS_MAX];
	size_t pos;
	unsigned int i;
	int ret;

	if (!t || (!buf && len) || t->num > DLMR_SLOTS_MAX)
		return -EINVAL;

	/*
	 * fs/dlm/member.c log_slots: "generation %u slots %d" then " %d:%d"
	 * (slot:nodeid) for each entry of the slot-indexed ls_slots array,
	 * that is in slot order.  Unlike the kernel's 128-byte line the
	 * output is never cut short.
	 */
	memset(by_slot, 0, sizeof(by_slot));
	for (i = 0; i < t->num; i++) {
		int s = t->slots[i].slot;

		if (s < 1 || s > (int)DLMR_ARRAY_SIZE(by_slot) || by_slot[s - 1])
			return -EINVAL;
		by_slot[s - 1] = t->slots[i].nodeid;
	}

	ret = snprintf(buf, len, "generation %u slots %u", t->generation, t->num);
	if (ret < 0)
		return -EINVAL;
	pos = (size_t)ret;
	for (i = 0; i < DLMR_ARRAY_SIZE(by_slot); i++) {
		if (!by_slot[i])
			continue;
		ret = snprintf(pos < len ? buf + pos : NULL,
			       pos < len ? len - pos : 0,
			       " %u:%u", i + 1, by_slot[i]);
		if (ret < 0)
			return -EINVAL;
		pos += (size_t)ret;
	}
	if (pos > (size_t)0x7fffffff)
		return -EINVAL;
	return (int)pos;
}
