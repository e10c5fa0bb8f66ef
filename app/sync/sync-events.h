/*
 * sync-events.h - the backend's security events summary on the owner's
 * desk: asked for at each sync when the person is an owner (POST
 * /v1/events/summary, app/orderdeskd/backend-events-summary.c, with a
 * request signed by their key: the backend answers an owner only), kept
 * in the desk's encrypted store with when it was fetched, and shown by
 * `orderdesk audit events` and the audit screen's banner.
 *
 * The answer is the backend's, so it is checked before it is kept: kinds
 * are short lowercase names, addresses IP literals, counts and times whole
 * numbers; anything else keeps nothing.  It holds no customer data (the
 * backend's events are cleaned) and no certificate names.
 */
#ifndef OD_SYNC_EVENTS_H
#define OD_SYNC_EVENTS_H

#include <stddef.h>

#include "app/shop/shop.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "net/tls-client.h"

#define SYNC_EVENTS_WINDOW 86400          /* seconds summarised: a day */
#define SYNC_EVENTS_ROWS   100            /* the backend's cap, too */
#define SYNC_EVENTS_EVERY  600            /* seconds between a sync's asks */
#define SYNC_EVENTS_META   "backend.events"

struct sync_events_row {
	char kind[32];
	char addr[48];          /* "" when the event had none */
	long long count, first, last;
};

struct sync_events {
	long long fetched;      /* when this desk got it (Unix seconds) */
	long long window;       /* seconds before the backend's now */
	long long total;        /* events in the window, all rows */
	size_t n;
	struct sync_events_row rows[SYNC_EVENTS_ROWS];   /* most first */
};

/*
 * Asks the backend over client (sh's store held for writing) for the last
 * SYNC_EVENTS_WINDOW's summary, as sh's person, and keeps it.  The backend
 * decides who may: a person who is not the owner gets its 403 (OD_E_AUTH,
 * with its reason); nothing kept changes on any failure.
 */
enum od_code sync_events_fetch(struct shop *sh, struct tls_client *client,
			       struct od_err *err);

/*
 * In a sync: sync_events_fetch if sh's person is an owner and the summary
 * kept is SYNC_EVENTS_EVERY old or more, else nothing.  The backend counts
 * its events under its one lock, and a flood makes that slow (a quarter
 * of a second over the 500,000 events it keeps at most): a desk syncing every few seconds
 * must not stall it each time.  Never fails the sync: the last summary
 * kept stays until the next.
 */
void sync_events_summary(struct shop *sh, struct tls_client *client);

/* Reads a summary from the backend's answer o (fetched: when); OD_E_INPUT
 * when it is not one (sync-events-show.c). */
struct json_t;
enum od_code sync_events_from_json(struct json_t *o, long long fetched,
				   struct sync_events *ev, struct od_err *err);

/* The kept summary (store held); OD_E_NOTFOUND before the first fetch. */
enum od_code sync_events_read(struct store *s, struct sync_events *ev,
			      struct od_err *err);

/*
 * One line for a glance: "backend: 37 refused handshakes from 203.0.113.9,
 * 5 wrong join codes in 24h" (the three largest), or "backend: no
 * security events in 24h".
 */
void sync_events_banner(const struct sync_events *ev, char *out,
			size_t size);

/* The whole summary as a table, for `orderdesk audit events` and the
 * screen's details. */
enum od_code sync_events_text(const struct sync_events *ev, struct buf *b,
			      struct od_err *err);

#endif
