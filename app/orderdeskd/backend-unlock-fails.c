/*
 * backend-unlock-fails.c - POST /v1/unlock-failures: a desk reports the
 * failed unlocks of its store since its last report
 * (app/shop/unlock-fails.h), kept as an unlock-failed security event
 * naming the desk's certificate.
 *
 *   {"count": N, "first": UNIX_TIME, "last": UNIX_TIME}
 *     200 {"recorded": N}; anything else 400.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/orderdeskd/events.h"
#include "app/orderdeskd/routes.h"

#define COUNT_MAX 1000000000LL

/* A member that is a whole number in [lo, hi], or -1. */
static long long whole(json_t *o, const char *name, long long lo,
		       long long hi)
{
	json_t *v = json_object_get(o, name);
	long long n;

	if (!json_is_integer(v))
		return -1;
	n = (long long)json_integer_value(v);
	return n < lo || n > hi ? -1 : n;
}

/* "2026-12-07 14:05:09 UTC" */
static void utc(long long t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

unsigned backend_post_unlock_fails(const struct route_call *c)
{
	json_t *o = json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES, NULL);
	long long count, first, last, now = (long long)time(NULL) + 86400;
	char detail[160], a[32], b[32], *text;
	struct od_err err;
	unsigned status = 200;

	count = whole(o, "count", 1, COUNT_MAX);
	first = whole(o, "first", 0, now);
	last = whole(o, "last", 0, now);
	if (!json_is_object(o) || json_object_size(o) != 3 || count < 0 ||
	    first < 0 || last < first) {
		json_decref(o);
		return backend_reply_error(c->out, 400, "unlock failures are "
					   "{\"count\": N, \"first\": TIME, "
					   "\"last\": TIME}", c->note,
					   c->note_size);
	}
	json_decref(o);
	utc(first, a, sizeof a);
	utc(last, b, sizeof b);
	snprintf(detail, sizeof detail, "%lld failed unlock%s at the desk, "
		 "from %s to %s", count, count == 1 ? "" : "s", a, b);
	event_say(EVENT_UNLOCK_FAILED, NULL, NULL, detail);
	snprintf(c->note, c->note_size, "%lld failed unlocks reported",
		 count);
	o = json_pack("{s:I}", "recorded", (json_int_t)count);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	buf_reset(c->out);
	if (text == NULL || buf_adds(c->out, text, &err) != OD_OK)
		status = backend_reply_error(c->out, 500, "out of memory",
					     c->note, c->note_size);
	free(text);
	return status;
}
