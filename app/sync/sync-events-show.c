/*
 * sync-events-show.c - the kept events summary read back and put in words
 * (sync-events.h): the banner's one line and the details' table.
 */
#include "app/sync/sync-events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/store.h"

#define COUNT_MAX 1000000000000LL
#define BANNER_ROWS 3

/* What a person reads for each kind, counted (events.h has the kinds). */
static const struct { const char *kind, *words; } phrases[] = {
	{ "cert-refused", "refused certificates" },
	{ "cert-revoked", "revoked certificates refused" },
	{ "handshake-refused", "refused handshakes" },
	{ "request-refused", "refused requests" },
	{ "join-wrong", "wrong join codes" },
	{ "join-burned", "burned join codes tried" },
	{ "join-limit", "joins over the limit" },
	{ "join-refused", "refused joins" },
	{ "statement-refused", "refused statements" },
	{ "statement-replayed", "replayed statements" },
	{ "limit-connections", "connection limits hit" },
	{ "limit-per-address", "per-address limits hit" },
	{ "limit-body", "oversized requests" },
	{ "limit-time", "requests cut for time" },
	{ "desk-revoked", "desks revoked" },
	{ "webhook-signature", "webhooks with a bad signature" },
	{ "events-dropped", "events dropped" },
	{ "unlock-failed", "failed-unlock reports" },
};

static const char *words(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (strcmp(phrases[i].kind, kind) == 0)
			return phrases[i].words;
	return kind;
}

/* A whole number member in [0, COUNT_MAX], or -1. */
static long long whole(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	long long n = json_is_integer(v) ? (long long)json_integer_value(v) :
		      -1;

	return n < 0 || n > COUNT_MAX ? -1 : n;
}

/* Copies s into out if it is 1..size-1 characters of allow (or empty, if
 * empty_ok); 0 if not. */
static int copy_plain(const char *s, const char *allow, int empty_ok,
		      char *out, size_t size)
{
	size_t n = s ? strlen(s) : size;

	if (n >= size || (n == 0 && !empty_ok) || strspn(s, allow) != n)
		return 0;
	memcpy(out, s, n + 1);
	return 1;
}

static int row_from(json_t *r, struct sync_events_row *row)
{
	row->count = whole(r, "count");
	row->first = whole(r, "first");
	row->last = whole(r, "last");
	return json_is_object(r) &&
	       copy_plain(json_string_value(json_object_get(r, "kind")),
			  "abcdefghijklmnopqrstuvwxyz-", 0, row->kind,
			  sizeof row->kind) &&
	       copy_plain(json_string_value(json_object_get(r, "address")),
			  "0123456789abcdefABCDEF.:", 1, row->addr,
			  sizeof row->addr) &&
	       row->count >= 0 && row->first >= 0 && row->last >= row->first;
}

enum od_code sync_events_from_json(struct json_t *o, long long fetched,
				   struct sync_events *ev, struct od_err *err)
{
	json_t *arr = json_object_get(o, "counts");
	size_t i;

	memset(ev, 0, sizeof *ev);
	ev->fetched = fetched;
	ev->window = whole(o, "window");
	ev->total = whole(o, "total");
	if (!json_is_array(arr) || json_array_size(arr) > SYNC_EVENTS_ROWS ||
	    ev->window <= 0 || ev->total < 0)
		goto bad;
	for (i = 0; i < json_array_size(arr); i++)
		if (!row_from(json_array_get(arr, i), &ev->rows[ev->n++]))
			goto bad;
	return OD_OK;
bad:
	memset(ev, 0, sizeof *ev);
	return od_err_set(err, OD_E_INPUT, "the backend's events summary is "
			  "not in the expected form; nothing was kept");
}

enum od_code sync_events_read(struct store *s, struct sync_events *ev,
			      struct od_err *err)
{
	char *text = NULL;
	json_t *o;
	enum od_code rc = store_meta_get(s, SYNC_EVENTS_META, &text, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "no summary of the "
				  "backend's security events yet: the owner's "
				  "desk fetches one at each sync");
	if (rc != OD_OK)
		return rc;
	o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	rc = sync_events_from_json(o, whole(o, "fetched"), ev, err);
	json_decref(o);
	return rc;
}

/* "24h", "90m", "7d", "45s": the window as short as it says exactly. */
static void span(long long s, char *out, size_t size)
{
	if (s % 86400 == 0 && s > 86400)
		snprintf(out, size, "%lldd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(out, size, "%lldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(out, size, "%lldm", s / 60);
	else
		snprintf(out, size, "%llds", s);
}

void sync_events_banner(const struct sync_events *ev, char *out,
			size_t size)
{
	char w[24];
	size_t i, len;

	span(ev->window, w, sizeof w);
	if (ev->n == 0) {
		snprintf(out, size, "backend: no security events in %s", w);
		return;
	}
	snprintf(out, size, "backend:");
	for (i = 0; i < ev->n && i < BANNER_ROWS; i++) {
		len = strlen(out);
		snprintf(out + len, size - len, "%s %lld %s%s%s", i ? "," : "",
			 ev->rows[i].count, words(ev->rows[i].kind),
			 ev->rows[i].addr[0] ? " from " : "",
			 ev->rows[i].addr);
	}
	len = strlen(out);
	snprintf(out + len, size - len, "%s in %s", ev->n > BANNER_ROWS ?
		 ", and more" : "", w);
}

static void stamp(long long when, char out[32])
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

enum od_code sync_events_text(const struct sync_events *ev, struct buf *b,
			      struct od_err *err)
{
	char w[24], at[32], first[32], last[32];
	enum od_code rc;
	size_t i;

	span(ev->window, w, sizeof w);
	stamp(ev->fetched, at);
	rc = buf_addf(b, err, "The backend's security events in the %s before "
		      "%s (fetched at a sync): %lld in all.\n", w, at,
		      ev->total);
	if (rc == OD_OK && ev->n > 0)
		rc = buf_addf(b, err, "\n%7s  %-18s %-16s %-23s %s\n", "COUNT",
			      "KIND", "ADDRESS", "FIRST", "LAST");
	for (i = 0; rc == OD_OK && i < ev->n; i++) {
		stamp(ev->rows[i].first, first);
		stamp(ev->rows[i].last, last);
		rc = buf_addf(b, err, "%7lld  %-18s %-16s %-23s %s\n",
			      ev->rows[i].count, ev->rows[i].kind,
			      ev->rows[i].addr[0] ? ev->rows[i].addr : "-",
			      first, last);
	}
	if (rc == OD_OK && (long long)ev->n < ev->total && ev->n ==
	    SYNC_EVENTS_ROWS)
		rc = buf_addf(b, err, "(the %d largest; `orderdeskd events` on "
			      "the backend lists them all)\n",
			      SYNC_EVENTS_ROWS);
	return rc;
}
