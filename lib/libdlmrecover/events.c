/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event kinds and their trace names (the "event" field of a trace line). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const event_names[DLMR_EV_TYPE_MAX] = {
	[DLMR_EV_PREP] = "prep",
	[DLMR_EV_SLOT] = "slot",
	[DLMR_EV_DONE] = "done",
	[DLMR_EV_JOIN] = "join",
	[DLMR_EV_LEAVE] = "leave",
	[DLMR_EV_CRASH] = "crash",
	[DLMR_EV_LOCK] = "lock",
	[DLMR_EV_GRANT] = "grant",
	[DLMR_EV_AGAIN] = "again",
	[DLMR_EV_UNLOCK] = "unlock",
	[DLMR_EV_RECOVER] = "recover",
	[DLMR_EV_RECOVERED] = "recovered",
	[DLMR_EV_BLOCK] = "block",
	[DLMR_EV_UNBLOCK] = "unblock",
	[DLMR_EV_MOUNTED] = "mounted",
	[DLMR_EV_FIRST_DONE] = "first_done",
	[DLMR_EV_UNMOUNTED] = "unmounted",
	[DLMR_EV_VIOLATION] = "violation",
	[DLMR_EV_LOST] = "lost",
};

DLMR_EXPORT const char *dlmr_event_name(enum dlmr_event_type type)
{
	if ((int)type <= DLMR_EV_NONE || type >= DLMR_EV_TYPE_MAX)
		return NULL;
	return event_names[type];
}

DLMR_EXPORT enum dlmr_event_type dlmr_event_from_name(const char *name)
{
	int i;

	if (!name)
		return DLMR_EV_NONE;
	for (i = DLMR_EV_NONE + 1; i < DLMR_EV_TYPE_MAX; i++) {
		if (event_names[i] && !strcmp(event_names[i], name))
			return (enum dlmr_event_type)i;
	}
	return DLMR_EV_NONE;
}

/*
 * A recover_slot with slot < 1: Linux 6.1 and 6.12 fs/dlm/member.c
 * dlm_lsop_recover_slot() passes memb->slot as it is, -1 after an
 * interrupted dlm_recover_members_wait() (fs/dlm/recover.c), 0 for a
 * member dlm_add_member() added in a recovery that did not complete.
 * gfs2 (fs/gfs2/lock_dlm.c gdlm_recover_slot) and md-cluster
 * (drivers/md/md-cluster.c recover_slot) use slot - 1 as an index.
 */
DLMR_EXPORT int dlmr_event_hazard(const struct dlmr_event *ev, char *buf,
				  size_t len)
{
	if (!ev || (!buf && len))
		return -EINVAL;
	if (len)
		buf[0] = '\0';
	if (ev->type != DLMR_EV_SLOT || ev->slot >= 1)
		return 0;
	if (len)
		snprintf(buf, len, "nodeid %u reported with slot %d: a kernel "
			 "without the slot fix (docs/findings.md, finding 7); "
			 "gfs2 would %s, md-cluster would fault", ev->nodeid,
			 ev->slot, ev->slot == 0 ?
			 "write before its recovery arrays (jid -1) and skip "
			 "its journal" : "skip its journal (jid -2)");
	return 1;
}
