/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Traces: one event per line as a JSON object, written and read with json-c.
 * docs/trace-format.md is the reference of the schema.
 *
 * One table (event_specs) says which fields each event kind carries; the
 * writer and the reader both follow it, and both run the same range checks,
 * so that everything dlmr_trace_format() writes dlmr_trace_parse() reads
 * back to the same event, and the other way round.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

/* Fields, in the order in which they are written. */
enum trace_field {
	TF_STEP,
	TF_TIME_NS,
	TF_MONO_NS,
	TF_SEQ,
	TF_EVENT,
	TF_NODE,
	TF_LS,
	TF_NODEID,
	TF_SLOT,
	TF_RESYNC_SEQ,
	TF_STATE,
	TF_GENERATION,
	TF_OUR_SLOT,
	TF_SLOTS,
	TF_RESOURCE,
	TF_JID,
	TF_MODE,
	TF_FLAGS,
	TF_STATUS,
	TF_FIRST,
	TF_DETAIL,
	TF_COUNT
};

#define B(f) (1u << (f))

static const char *const field_names[TF_COUNT] = {
	[TF_STEP] = "step",
	[TF_TIME_NS] = "time_ns",
	[TF_MONO_NS] = "mono_ns",
	[TF_SEQ] = "seq",
	[TF_EVENT] = "event",
	[TF_NODE] = "node",
	[TF_LS] = "ls",
	[TF_NODEID] = "nodeid",
	[TF_SLOT] = "slot",
	[TF_RESYNC_SEQ] = "resync_seq",
	[TF_STATE] = "state",
	[TF_GENERATION] = "generation",
	[TF_OUR_SLOT] = "our_slot",
	[TF_SLOTS] = "slots",
	[TF_RESOURCE] = "resource",
	[TF_JID] = "jid",
	[TF_MODE] = "mode",
	[TF_FLAGS] = "flags",
	[TF_STATUS] = "status",
	[TF_FIRST] = "first",
	[TF_DETAIL] = "detail",
};

/*
 * Carried by every event; step, time_ns, mono_ns and seq only when nonzero, detail
 * (a free-text note) only when not empty.
 */
#define TF_ALWAYS (B(TF_EVENT) | B(TF_NODE) | B(TF_LS))
#define TF_IF_SET (B(TF_STEP) | B(TF_TIME_NS) | B(TF_MONO_NS) | B(TF_SEQ) | \
		   B(TF_DETAIL))
/* The snapshot of a resynced lost event: all present, or none. */
#define TF_SNAPSHOT (B(TF_RESYNC_SEQ) | B(TF_STATE) | B(TF_GENERATION) | \
		     B(TF_OUR_SLOT) | B(TF_SLOTS))
/* Lock events; "jid" only on journal locks. */
#define TF_LOCKOP (B(TF_RESOURCE) | B(TF_MODE) | B(TF_FLAGS))

/*
 * Optional fields are written when set: "jid" on journal locks, "mode" when
 * not DLMR_MODE_IV, "status" when nonzero.
 */
struct event_spec {
	unsigned int required; /* besides TF_ALWAYS */
	unsigned int optional; /* besides TF_IF_SET */
};

static const struct event_spec event_specs[DLMR_EV_TYPE_MAX] = {
	[DLMR_EV_SLOT] = { B(TF_NODEID) | B(TF_SLOT), 0 },
	[DLMR_EV_DONE] = { B(TF_GENERATION) | B(TF_OUR_SLOT) | B(TF_SLOTS), 0 },
	[DLMR_EV_LOCK] = { TF_LOCKOP, B(TF_JID) },
	[DLMR_EV_GRANT] = { TF_LOCKOP, B(TF_JID) },
	[DLMR_EV_AGAIN] = { TF_LOCKOP | B(TF_STATUS), B(TF_JID) },
	/* an unlock names the mode released, if known */
	[DLMR_EV_UNLOCK] = { B(TF_RESOURCE) | B(TF_FLAGS),
			     B(TF_MODE) | B(TF_JID) },
	[DLMR_EV_RECOVER] = { B(TF_JID), 0 },
	[DLMR_EV_RECOVERED] = { B(TF_JID) | B(TF_STATUS), 0 },
	[DLMR_EV_MOUNTED] = { B(TF_JID) | B(TF_FIRST), 0 },
	/* a failed mount ends with the error in "status" */
	[DLMR_EV_UNMOUNTED] = { 0, B(TF_STATUS) },
	[DLMR_EV_VIOLATION] = { B(TF_DETAIL), 0 },
	/* the number of events lost is in "seq"; absent: unknown (a socket
	 * overrun), "detail" says why; the snapshot of the resync, if any */
	[DLMR_EV_LOST] = { 0, B(TF_SEQ) | B(TF_DETAIL) | TF_SNAPSHOT },
};

/* The "state" of a snapshot: enum dlmr_ls_state. */
static const char *const state_names[] = {
	[DLMR_LS_UNKNOWN] = "unknown", [DLMR_LS_RUNNING] = "running",
	[DLMR_LS_STOPPED] = "stopped", [DLMR_LS_RECOVERING] = "recovering",
};

static const char *const mode_names[] = {
	[DLMR_MODE_NL] = "NL", [DLMR_MODE_CR] = "CR", [DLMR_MODE_CW] = "CW",
	[DLMR_MODE_PR] = "PR", [DLMR_MODE_PW] = "PW", [DLMR_MODE_EX] = "EX",
};

static const struct {
	unsigned int bit;
	const char *name;
} flag_names[] = {
	{ DLMR_LKF_NOQUEUE, "NOQUEUE" },
	{ DLMR_LKF_CONVERT, "CONVERT" },
	{ DLMR_LKF_VALBLK, "VALBLK" },
};

#define FLAGS_ALL (DLMR_LKF_NOQUEUE | DLMR_LKF_CONVERT | DLMR_LKF_VALBLK)

/* The values of "resource"; parsed events point at these. */
static const char res_control[] = "control";
static const char res_mounted[] = "mounted";
static const char res_journal[] = "journal";
static const char *const resources[] = { res_control, res_mounted, res_journal };

/* Journal ids: gfs2 uses jid = slot - 1 (fs/gfs2/lock_dlm.c). */
#define JID_MAX (DLMR_SLOTS_MAX - 1)

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A short, printable, one-line copy of untrusted text for messages. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	if (s[i] && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

static bool has_jid(const struct dlmr_event *ev, unsigned int fields)
{
	/* "jid" is required on journal locks and absent on the others */
	if (event_specs[ev->type].optional & B(TF_JID))
		return ev->resource == res_journal ||
		       (ev->resource && !strcmp(ev->resource, res_journal));
	return fields & B(TF_JID);
}

static int check_int(const char *field, int64_t v, int64_t lo, int64_t hi,
		     char *err, size_t errlen)
{
	if (v < lo || v > hi)
		return fail(err, errlen,
			    "field \"%s\": value %" PRId64 " out of range %" PRId64
			    "..%" PRId64, field, v, lo, hi);
	return 0;
}

/*
 * Range checks shared by the writer and the reader, in field order.  The
 * event kind and the presence of fields are checked by the callers.
 */
static int event_check(const struct dlmr_event *ev, unsigned int fields,
		       char *err, size_t errlen)
{
	unsigned int i;
	int ret = 0;

	if (fields & B(TF_LS) && strnlen(ev->ls, sizeof(ev->ls)) > DLMR_LSNAME_MAX)
		return fail(err, errlen, "field \"ls\": longer than %d characters",
			    DLMR_LSNAME_MAX);
	if (fields & B(TF_NODEID))
		ret = check_int("nodeid", ev->nodeid, 1, UINT32_MAX, err, errlen);
	/*
	 * recover_slot passes memb->slot as it is: 0 for a member added by
	 * an interrupted recovery before it got a slot (dlm_add_member), -1
	 * after dlm_recover_members_wait reset it (fs/dlm/member.c,
	 * fs/dlm/recover.c).  The trace records it; the contract judges it.
	 */
	if (!ret && fields & B(TF_SLOT))
		ret = check_int("slot", ev->slot, -1, DLMR_SLOTS_MAX, err, errlen);
	if (!ret && fields & B(TF_STATE))
		ret = check_int("state", ev->state, DLMR_LS_UNKNOWN,
				DLMR_LS_RECOVERING, err, errlen);
	/* a snapshot before the first done has no slot yet */
	if (!ret && fields & B(TF_OUR_SLOT))
		ret = check_int("our_slot", ev->our_slot,
				ev->type == DLMR_EV_LOST ? 0 : 1,
				DLMR_SLOTS_MAX, err, errlen);
	if (!ret && fields & B(TF_SLOTS)) {
		if (ev->num_slots > DLMR_SLOTS_MAX)
			return fail(err, errlen,
				    "field \"slots\": %u entries, more than %d",
				    ev->num_slots, DLMR_SLOTS_MAX);
		for (i = 0; i < ev->num_slots && !ret; i++) {
			ret = check_int("slots[].nodeid", ev->slots[i].nodeid, 1,
					UINT32_MAX, err, errlen);
			if (!ret)
				ret = check_int("slots[].slot", ev->slots[i].slot,
						1, DLMR_SLOTS_MAX, err, errlen);
		}
	}
	if (!ret && fields & B(TF_JID))
		ret = check_int("jid", ev->jid,
				ev->type == DLMR_EV_MOUNTED ? -1 : 0, JID_MAX,
				err, errlen);
	if (!ret && fields & B(TF_MODE))
		ret = check_int("mode", ev->mode, DLMR_MODE_NL, DLMR_MODE_EX,
				err, errlen);
	if (!ret && fields & B(TF_FLAGS) && ev->flags & ~(unsigned int)FLAGS_ALL)
		return fail(err, errlen, "field \"flags\": unknown flag bits 0x%x",
			    ev->flags & ~(unsigned int)FLAGS_ALL);
	if (!ret && fields & B(TF_DETAIL) &&
	    strnlen(ev->detail, sizeof(ev->detail)) >= DLMR_DETAIL_MAX)
		return fail(err, errlen,
			    "field \"detail\": longer than %d characters",
			    DLMR_DETAIL_MAX - 1);
	return ret;
}

/* The fields an event carries when written. */
static unsigned int event_fields(const struct dlmr_event *ev)
{
	const struct event_spec *spec = &event_specs[ev->type];
	unsigned int f = TF_ALWAYS | spec->required;

	if (ev->step)
		f |= B(TF_STEP);
	if (ev->time_ns)
		f |= B(TF_TIME_NS);
	if (ev->mono_ns)
		f |= B(TF_MONO_NS);
	if (ev->seq)
		f |= B(TF_SEQ);
	if (ev->detail[0])
		f |= B(TF_DETAIL);
	if (has_jid(ev, f))
		f |= B(TF_JID);
	if ((spec->optional & B(TF_MODE)) && ev->mode != DLMR_MODE_IV)
		f |= B(TF_MODE);
	if ((spec->optional & B(TF_STATUS)) && ev->status)
		f |= B(TF_STATUS);
	if ((spec->optional & TF_SNAPSHOT) && ev->resynced)
		f |= TF_SNAPSHOT;
	return f;
}

static int add(struct json_object *obj, enum trace_field f,
	       struct json_object *val)
{
	if (!val || json_object_object_add(obj, field_names[f], val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *slots_to_json(const struct dlmr_event *ev)
{
	struct json_object *arr = json_object_new_array(), *o;
	unsigned int i;

	for (i = 0; arr && i < ev->num_slots; i++) {
		o = json_object_new_object();
		if (!o || add(o, TF_NODEID, json_object_new_int64(ev->slots[i].nodeid)) ||
		    add(o, TF_SLOT, json_object_new_int(ev->slots[i].slot)) ||
		    json_object_array_add(arr, o)) {
			json_object_put(o);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

static struct json_object *flags_to_json(unsigned int flags)
{
	struct json_object *arr = json_object_new_array(), *s;
	size_t i;

	for (i = 0; arr && i < DLMR_ARRAY_SIZE(flag_names); i++) {
		if (!(flags & flag_names[i].bit))
			continue;
		s = json_object_new_string(flag_names[i].name);
		if (!s || json_object_array_add(arr, s)) {
			json_object_put(s);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

static struct json_object *field_to_json(const struct dlmr_event *ev,
					 enum trace_field f)
{
	switch (f) {
	case TF_STEP:
		return json_object_new_uint64(ev->step);
	case TF_TIME_NS:
		return json_object_new_uint64(ev->time_ns);
	case TF_MONO_NS:
		return json_object_new_uint64(ev->mono_ns);
	case TF_SEQ:
		return json_object_new_uint64(ev->seq);
	case TF_EVENT:
		return json_object_new_string(dlmr_event_name(ev->type));
	case TF_NODE:
		return json_object_new_int64(ev->node);
	case TF_LS:
		return json_object_new_string(ev->ls);
	case TF_NODEID:
		return json_object_new_int64(ev->nodeid);
	case TF_SLOT:
		return json_object_new_int(ev->slot);
	case TF_RESYNC_SEQ:
		return json_object_new_uint64(ev->resync_seq);
	case TF_STATE:
		return json_object_new_string(state_names[ev->state]);
	case TF_GENERATION:
		return json_object_new_int64(ev->generation);
	case TF_OUR_SLOT:
		return json_object_new_int(ev->our_slot);
	case TF_SLOTS:
		return slots_to_json(ev);
	case TF_RESOURCE:
		return json_object_new_string(ev->resource);
	case TF_JID:
		return json_object_new_int(ev->jid);
	case TF_MODE:
		return json_object_new_string(mode_names[ev->mode]);
	case TF_FLAGS:
		return flags_to_json(ev->flags);
	case TF_STATUS:
		return json_object_new_int(ev->status);
	case TF_FIRST:
		return json_object_new_boolean(ev->first);
	case TF_DETAIL:
		return json_object_new_string(ev->detail);
	case TF_COUNT:
		break;
	}
	return NULL;
}

static const char *resource_lookup(const char *name)
{
	size_t i;

	for (i = 0; name && i < DLMR_ARRAY_SIZE(resources); i++) {
		if (!strcmp(resources[i], name))
			return resources[i];
	}
	return NULL;
}

DLMR_EXPORT int dlmr_trace_format(const struct dlmr_event *ev, char *buf,
				  size_t len)
{
	struct json_object *obj;
	const char *s;
	unsigned int fields;
	size_t n;
	int f, ret = 0;

	if (!ev || !buf || !dlmr_event_name(ev->type))
		return -EINVAL;
	if ((event_specs[ev->type].required & B(TF_RESOURCE)) &&
	    !resource_lookup(ev->resource))
		return -EINVAL;
	fields = event_fields(ev);
	if (event_check(ev, fields, NULL, 0))
		return -EINVAL;

	obj = json_object_new_object();
	if (!obj)
		return -ENOMEM;
	for (f = 0; f < TF_COUNT && !ret; f++) {
		if (fields & B(f))
			ret = add(obj, f, field_to_json(ev, f));
	}
	if (!ret) {
		s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
		n = s ? strlen(s) : 0;
		if (!s)
			ret = -ENOMEM;
		else if (n >= len || n > INT_MAX)
			ret = -ENOSPC;
		else
			memcpy(buf, s, n + 1);
	}
	json_object_put(obj);
	return ret ? ret : (int)n;
}

/* Reading. */

static int want_type(struct json_object *v, const char *field, json_type t,
		     char *err, size_t errlen)
{
	if (json_object_get_type(v) != t)
		return fail(err, errlen, "field \"%s\": expected %s, got %s",
			    field, json_type_to_name(t),
			    json_type_to_name(json_object_get_type(v)));
	return 0;
}

static int get_int(struct json_object *v, const char *field, int64_t lo,
		   int64_t hi, int64_t *out, char *err, size_t errlen)
{
	int ret = want_type(v, field, json_type_int, err, errlen);

	if (ret)
		return ret;
	*out = json_object_get_int64(v);
	return check_int(field, *out, lo, hi, err, errlen);
}

static int get_u64(struct json_object *v, const char *field, uint64_t *out,
		   char *err, size_t errlen)
{
	int ret = want_type(v, field, json_type_int, err, errlen);

	if (ret)
		return ret;
	if (json_object_get_int64(v) < 0)
		return fail(err, errlen, "field \"%s\": value %" PRId64
			    " out of range 0..%" PRIu64, field,
			    json_object_get_int64(v), UINT64_MAX);
	*out = json_object_get_uint64(v);
	return 0;
}

static int get_u32(struct json_object *v, const char *field, uint32_t lo,
		   uint32_t *out, char *err, size_t errlen)
{
	int64_t x;
	int ret = get_int(v, field, lo, UINT32_MAX, &x, err, errlen);

	if (!ret)
		*out = (uint32_t)x;
	return ret;
}

static int get_i32(struct json_object *v, const char *field, int *out,
		   char *err, size_t errlen)
{
	int64_t x;
	int ret = get_int(v, field, INT_MIN, INT_MAX, &x, err, errlen);

	if (!ret)
		*out = (int)x;
	return ret;
}

/* A string without embedded NULs, of at most @max characters. */
static int get_str(struct json_object *v, const char *field, size_t max,
		   const char **out, char *err, size_t errlen)
{
	int ret = want_type(v, field, json_type_string, err, errlen);
	size_t n;

	if (ret)
		return ret;
	*out = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (strlen(*out) != n)
		return fail(err, errlen, "field \"%s\": contains a NUL character",
			    field);
	if (n > max)
		return fail(err, errlen, "field \"%s\": longer than %zu characters",
			    field, max);
	return 0;
}

static int parse_slot_entry(struct json_object *o, unsigned int i,
			    struct dlmr_slot *slot, char *err, size_t errlen)
{
	struct json_object *nodeid = NULL, *s = NULL;
	char name[32];
	int ret;

	if (json_object_get_type(o) != json_type_object)
		return fail(err, errlen, "field \"slots\": entry %u is not an object",
			    i);
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "nodeid")) {
			nodeid = val;
		} else if (!strcmp(key, "slot")) {
			s = val;
		} else {
			return fail(err, errlen,
				    "field \"slots\": entry %u: unknown field \"%s\"",
				    i, printable(key, name, sizeof(name)));
		}
	}
	if (!nodeid || !s)
		return fail(err, errlen,
			    "field \"slots\": entry %u: missing field \"%s\"",
			    i, nodeid ? "slot" : "nodeid");
	ret = get_u32(nodeid, "slots[].nodeid", 1, &slot->nodeid, err, errlen);
	if (!ret)
		ret = get_i32(s, "slots[].slot", &slot->slot, err, errlen);
	return ret;
}

static int parse_slots(struct json_object *v, struct dlmr_event *ev,
		       char *err, size_t errlen)
{
	size_t i, n;
	int ret = want_type(v, "slots", json_type_array, err, errlen);

	if (ret)
		return ret;
	n = json_object_array_length(v);
	if (n > DLMR_SLOTS_MAX)
		return fail(err, errlen, "field \"slots\": %zu entries, more than %d",
			    n, DLMR_SLOTS_MAX);
	for (i = 0; i < n && !ret; i++)
		ret = parse_slot_entry(json_object_array_get_idx(v, i),
				       (unsigned int)i, &ev->slots[i], err, errlen);
	ev->num_slots = (unsigned int)n;
	return ret;
}

static int parse_flags(struct json_object *v, unsigned int *flags,
		       char *err, size_t errlen)
{
	char name[32];
	size_t i, j, n;
	int ret = want_type(v, "flags", json_type_array, err, errlen);

	if (ret)
		return ret;
	n = json_object_array_length(v);
	*flags = 0;
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *s;

		if (json_object_get_type(e) != json_type_string)
			return fail(err, errlen,
				    "field \"flags\": entry %zu is not a string", i);
		s = json_object_get_string(e);
		for (j = 0; j < DLMR_ARRAY_SIZE(flag_names); j++) {
			if (!strcmp(s, flag_names[j].name))
				break;
		}
		if (j == DLMR_ARRAY_SIZE(flag_names))
			return fail(err, errlen, "field \"flags\": unknown flag \"%s\"",
				    printable(s, name, sizeof(name)));
		if (*flags & flag_names[j].bit)
			return fail(err, errlen, "field \"flags\": duplicate flag \"%s\"",
				    flag_names[j].name);
		*flags |= flag_names[j].bit;
	}
	return 0;
}

/* A name from @names (@n of them) into its index: "mode", "state". */
static int parse_name(struct json_object *v, const char *field,
		      const char *const *names, int n, int *out, char *err,
		      size_t errlen)
{
	char name[32];
	const char *s;
	int i, ret = want_type(v, field, json_type_string, err, errlen);

	if (ret)
		return ret;
	s = json_object_get_string(v);
	for (i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return fail(err, errlen, "field \"%s\": unknown %s \"%s\"", field,
		    field, printable(s, name, sizeof(name)));
}

static int parse_field(enum trace_field f, struct json_object *v,
		       struct dlmr_event *ev, char *err, size_t errlen)
{
	const char *name = field_names[f], *s;
	char buf[32];
	int ret;

	switch (f) {
	case TF_STEP:
		return get_u64(v, name, &ev->step, err, errlen);
	case TF_TIME_NS:
		return get_u64(v, name, &ev->time_ns, err, errlen);
	case TF_MONO_NS:
		return get_u64(v, name, &ev->mono_ns, err, errlen);
	case TF_SEQ:
		return get_u64(v, name, &ev->seq, err, errlen);
	case TF_NODE:
		return get_u32(v, name, 0, &ev->node, err, errlen);
	case TF_LS:
		ret = get_str(v, name, DLMR_LSNAME_MAX, &s, err, errlen);
		if (!ret)
			strcpy(ev->ls, s);
		return ret;
	case TF_NODEID:
		return get_u32(v, name, 0, &ev->nodeid, err, errlen);
	case TF_SLOT:
		return get_i32(v, name, &ev->slot, err, errlen);
	case TF_RESYNC_SEQ:
		return get_u64(v, name, &ev->resync_seq, err, errlen);
	case TF_STATE:
		return parse_name(v, name, state_names,
				  (int)DLMR_ARRAY_SIZE(state_names), &ev->state,
				  err, errlen);
	case TF_GENERATION:
		return get_u32(v, name, 0, &ev->generation, err, errlen);
	case TF_OUR_SLOT:
		return get_i32(v, name, &ev->our_slot, err, errlen);
	case TF_SLOTS:
		return parse_slots(v, ev, err, errlen);
	case TF_RESOURCE:
		ret = get_str(v, name, SIZE_MAX, &s, err, errlen);
		if (ret)
			return ret;
		ev->resource = resource_lookup(s);
		if (!ev->resource)
			return fail(err, errlen,
				    "field \"resource\": unknown resource \"%s\"",
				    printable(s, buf, sizeof(buf)));
		return 0;
	case TF_JID:
		return get_i32(v, name, &ev->jid, err, errlen);
	case TF_MODE:
		return parse_name(v, name, mode_names,
				  (int)DLMR_ARRAY_SIZE(mode_names), &ev->mode,
				  err, errlen);
	case TF_FLAGS:
		return parse_flags(v, &ev->flags, err, errlen);
	case TF_STATUS:
		return get_i32(v, name, &ev->status, err, errlen);
	case TF_FIRST:
		ret = want_type(v, name, json_type_boolean, err, errlen);
		if (!ret)
			ev->first = json_object_get_boolean(v);
		return ret;
	case TF_DETAIL:
		ret = get_str(v, name, DLMR_DETAIL_MAX - 1, &s, err, errlen);
		if (!ret)
			strcpy(ev->detail, s);
		return ret;
	case TF_EVENT:
	case TF_COUNT:
		break;
	}
	return 0;
}

static int field_lookup(const char *key)
{
	int f;

	for (f = 0; f < TF_COUNT; f++) {
		if (!strcmp(field_names[f], key))
			return f;
	}
	return -1;
}

static int parse_object(struct json_object *obj, struct dlmr_event *ev,
			char *err, size_t errlen)
{
	struct json_object *v;
	const char *s, *ename;
	char buf[32];
	unsigned int seen = 0, allowed, required;
	int f, ret;

	if (!json_object_object_get_ex(obj, "event", &v))
		return fail(err, errlen, "missing field \"event\"");
	ret = want_type(v, "event", json_type_string, err, errlen);
	if (ret)
		return ret;
	s = json_object_get_string(v);
	ev->type = dlmr_event_from_name(s);
	if (ev->type == DLMR_EV_NONE)
		return fail(err, errlen, "field \"event\": unknown event \"%s\"",
			    printable(s, buf, sizeof(buf)));
	ename = dlmr_event_name(ev->type);
	required = TF_ALWAYS | event_specs[ev->type].required;
	allowed = required | TF_IF_SET | event_specs[ev->type].optional;

	/* an optional mode (unlock) that is absent: not known */
	if (event_specs[ev->type].optional & B(TF_MODE))
		ev->mode = DLMR_MODE_IV;

	json_object_object_foreach(obj, key, val) {
		f = field_lookup(key);
		if (f < 0)
			return fail(err, errlen, "unknown field \"%s\"",
				    printable(key, buf, sizeof(buf)));
		if (!(allowed & B(f)))
			return fail(err, errlen,
				    "field \"%s\" not allowed in a %s event",
				    key, ename);
		seen |= B(f);
		ret = parse_field(f, val, ev, err, errlen);
		if (ret)
			return ret;
	}
	for (f = 0; f < TF_COUNT; f++) {
		if ((required & B(f)) && !(seen & B(f)))
			return fail(err, errlen,
				    "missing field \"%s\" in a %s event",
				    field_names[f], ename);
	}
	/* a lost event's snapshot comes whole */
	if ((event_specs[ev->type].optional & TF_SNAPSHOT) &&
	    (seen & TF_SNAPSHOT)) {
		for (f = 0; f < TF_COUNT; f++) {
			if ((TF_SNAPSHOT & B(f)) && !(seen & B(f)))
				return fail(err, errlen, "missing field \"%s\" "
					    "in a lost event with a snapshot",
					    field_names[f]);
		}
		ev->resynced = true;
	}
	if (has_jid(ev, seen) != !!(seen & B(TF_JID)))
		return fail(err, errlen, seen & B(TF_JID) ?
			    "field \"jid\" not allowed on a %s lock" :
			    "missing field \"jid\" on a %s lock",
			    ev->resource);
	return event_check(ev, seen, err, errlen);
}

DLMR_EXPORT int dlmr_trace_parse(const char *line, struct dlmr_event *ev,
				 char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t len;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!line || !ev)
		return fail(err, errlen, "NULL argument");
	len = strlen(line);
	if (len >= INT_MAX)
		return fail(err, errlen, "line too long");

	memset(ev, 0, sizeof(*ev));
	ev->jid = -1;

	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* the terminating NUL is part of the input: it ends the text */
	obj = json_tokener_parse_ex(tok, line, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success) {
		ret = fail(err, errlen, "malformed JSON at offset %zu: %s",
			   json_tokener_get_parse_end(tok),
			   json_tokener_error_desc(jerr));
	} else if (json_object_get_type(obj) != json_type_object) {
		ret = fail(err, errlen, "not a JSON object (a %s)",
			   json_type_to_name(json_object_get_type(obj)));
	} else {
		ret = parse_object(obj, ev, err, errlen);
	}
	json_object_put(obj);
	json_tokener_free(tok);
	return ret;
}
