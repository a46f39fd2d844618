/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event kinds and their trace names (the "event" field of a trace line). */
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
