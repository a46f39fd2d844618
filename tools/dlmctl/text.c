// SPDX-License-Identifier: GPL-2.0-or-later
/* An event in a few words: the cells of dlmctl sim's timeline and the
 * labels of the SVG diagrams (svg.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dlmrecover.h>

#include "dlmctl.h"

static const char *mode_name(int mode)
{
	static const char *const names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };

	return mode >= 0 && mode <= 5 ? names[mode] : "--";
}

/* "lock ctl EX nq lvb"; @brief: "lk ctl EX" */
static void lock_text(const struct dlmr_event *ev, char *buf, size_t len,
		      const char *verb, bool brief)
{
	char res[16];
	bool unlock = ev->type == DLMR_EV_UNLOCK;

	if (ev->resource && !strcmp(ev->resource, "journal"))
		snprintf(res, sizeof(res), "j%d", ev->jid);
	else if (ev->resource && !strcmp(ev->resource, "control"))
		snprintf(res, sizeof(res), "ctl");
	else
		snprintf(res, sizeof(res), "mnt");
	snprintf(buf, len, "%s %s%s%s%s%s", verb, res, unlock ? "" : " ",
		 unlock ? "" : mode_name(ev->mode),
		 !brief && (ev->flags & DLMR_LKF_NOQUEUE) ? " nq" : "",
		 !brief && (ev->flags & DLMR_LKF_VALBLK) ? " lvb" : "");
}

void dlmctl_event_text(const struct dlmr_event *ev, char *buf, size_t len,
		       bool brief)
{
	switch (ev->type) {
	case DLMR_EV_PREP:
		snprintf(buf, len, "prep");
		break;
	case DLMR_EV_SLOT:
		snprintf(buf, len, brief ? "slot n%u s%d" : "slot node%u s%d",
			 ev->nodeid, ev->slot);
		break;
	case DLMR_EV_DONE:
		snprintf(buf, len, brief ? "done g%u s%d" : "done gen%u slot%d",
			 ev->generation, ev->our_slot);
		break;
	case DLMR_EV_JOIN:
		snprintf(buf, len, "join");
		break;
	case DLMR_EV_LEAVE:
		snprintf(buf, len, "leave");
		break;
	case DLMR_EV_CRASH:
		snprintf(buf, len, brief ? "CRASH" : "*** CRASH ***");
		break;
	case DLMR_EV_LOCK:
		lock_text(ev, buf, len, brief ? "lk" : "lock", brief);
		break;
	case DLMR_EV_GRANT:
		lock_text(ev, buf, len, brief ? "gr" : "grant", brief);
		break;
	case DLMR_EV_AGAIN:
		lock_text(ev, buf, len, ev->status == -EAGAIN ?
			  (brief ? "ag" : "again") : (brief ? "fl" : "fail"),
			  brief);
		break;
	case DLMR_EV_UNLOCK:
		lock_text(ev, buf, len, brief ? "ul" : "unlock", brief);
		break;
	case DLMR_EV_RECOVER:
		snprintf(buf, len, "%s j%d", brief ? "rec" : "recover", ev->jid);
		break;
	case DLMR_EV_RECOVERED:
		snprintf(buf, len, "%s j%d", ev->status ?
			 (brief ? "REPL" : "REPLAYED") : "clean", ev->jid);
		break;
	case DLMR_EV_BLOCK:
		snprintf(buf, len, "block");
		break;
	case DLMR_EV_UNBLOCK:
		snprintf(buf, len, "UNBLOCK");
		break;
	case DLMR_EV_MOUNTED:
		snprintf(buf, len, "%s%d%s", brief ? "MNT j" : "MOUNTED jid",
			 ev->jid, ev->first ? " 1st" : "");
		break;
	case DLMR_EV_FIRST_DONE:
		snprintf(buf, len, brief ? "1st_done" : "first_done");
		break;
	case DLMR_EV_UNMOUNTED:
		snprintf(buf, len, "%s", ev->status ?
			 (brief ? "MNT FAIL" : "MOUNT FAILED") :
			 (brief ? "unmnt" : "unmounted"));
		break;
	default:
		snprintf(buf, len, "%s", dlmr_event_name(ev->type) ?
			 dlmr_event_name(ev->type) : "?");
		break;
	}
}
