/*
 * backend-events-summary.c - POST /v1/events/summary: the security events
 * summary (counts per kind and address, first and last seen) for the
 * shop's owner, as `orderdeskd events --summary` prints it.
 *
 * Any desk's certificate reaches the route, so the owner proves who asks
 * as for an invite (backend-invite.c): a text signed by their key,
 *   orderdesk-events/1\nactor: NAME\nkey: FP\ntime: T\nwindow: SECONDS\n
 * checked against the log's people (an active owner, that key), within
 * JOIN_INVITE_SKEW of the backend's clock.  A replay inside that time
 * only reads the summary again, over the desk's own connection: no nonce
 * is kept.  Body {"request", "signature"}; 200
 *   {"window": S, "now": T, "total": N,
 *    "counts": [{"kind", "address", "count", "first", "last"}, ...]}
 * most first, EVENTS_SUMMARY_ROWS at most (total counts them all).  The
 * events hold no customer data (events.h cleans them); the certificate
 * names stay out too: the summary is kinds and addresses.
 */
#include "app/orderdeskd/backend-internal.h"
#include "app/orderdeskd/backend-owner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/wire.h"
#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "storage/store-events.h"

#define EVENTS_SUMMARY_ROWS 100
#define WINDOW_MAX (31LL * 86400)

/* A whole number in [lo, hi] from s, or -1. */
static long long number(const char *s, long long lo, long long hi)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *end != '\0' || end == s || v < lo || v > hi ? -1 : v;
}

/* Checks the signed request; 0 (and *window) or the HTTP status. */
static unsigned check_request(struct backend *b, const char *text,
			      const char *sig_b64, long long *window,
			      struct od_err *err)
{
	char actor[40], fp[80], when[24], win[24];
	const char *p = text;
	long long t, now = (long long)time(NULL);

	if (strncmp(p, WIRE_EVENTS_MAGIC "\n", sizeof WIRE_EVENTS_MAGIC) != 0)
		goto bad;
	p += sizeof WIRE_EVENTS_MAGIC;
	if (!backend_line_value(&p, "actor", actor, sizeof actor) ||
	    !backend_line_value(&p, "key", fp, sizeof fp) ||
	    !backend_line_value(&p, "time", when, sizeof when) ||
	    !backend_line_value(&p, "window", win, sizeof win) || *p != '\0' ||
	    (t = number(when, 0, now + 86400)) < 0 ||
	    (*window = number(win, 1, WINDOW_MAX)) < 0)
		goto bad;
	return backend_owner_signed(b, actor, fp, t, text, sig_b64,
				    "read the backend's security events",
				    "the request", err);
bad:
	od_err_set(err, OD_E_INPUT, "an events request is not in the expected "
		   "form (a window of 1 s to 31 days)");
	return 400;
}

/* Adds one summary line to the answer (ctx), EVENTS_SUMMARY_ROWS at most. */
static enum od_code add_count(void *ctx, const struct store_event_count *c,
			      struct od_err *err)
{
	json_t *o = ctx, *arr = json_object_get(o, "counts");
	json_int_t total = json_integer_value(json_object_get(o, "total"));

	json_object_set_new(o, "total", json_integer(total + c->count));
	if (json_array_size(arr) >= EVENTS_SUMMARY_ROWS)
		return OD_OK;
	if (json_array_append_new(arr, json_pack("{s:s,s:s,s:I,s:I,s:I}",
			"kind", c->kind, "address", c->addr, "count",
			(json_int_t)c->count, "first", (json_int_t)c->first,
			"last", (json_int_t)c->last)) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

unsigned backend_post_events_summary(const struct route_call *c)
{
	static const char *const names[] = { "request", "signature" };
	json_t *o = backend_parse_strings(c->body, c->len, names, 2, 0), *ans;
	long long window = 0, now = (long long)time(NULL);
	struct od_err err;
	unsigned status;

	if (o == NULL)
		return backend_reply_error(c->out, 400, "an events request is "
					   "{\"request\", \"signature\"}, both "
					   "strings", c->note, c->note_size);
	status = check_request(c->b, json_string_value(json_object_get(o,
					"request")),
			       json_string_value(json_object_get(o,
					"signature")), &window, &err);
	json_decref(o);
	if (status != 0)
		return backend_reply_error(c->out, status, err.msg, c->note,
					   c->note_size);
	ans = json_pack("{s:I,s:I,s:I,s:[]}", "window", (json_int_t)window,
			"now", (json_int_t)now, "total", (json_int_t)0,
			"counts");
	if (ans == NULL)
		return backend_reply_error(c->out, 500, "out of memory",
					   c->note, c->note_size);
	if (store_events_count(backend_store(c->b), now - window, NULL,
			       add_count, ans, &err) != OD_OK) {
		json_decref(ans);
		return backend_reply_error(c->out, 500, err.msg, c->note,
					   c->note_size);
	}
	snprintf(c->note, c->note_size, "events summary for the owner: %lld",
		 (long long)json_integer_value(json_object_get(ans, "total")));
	return backend_reply_json(c->out, ans);
}
