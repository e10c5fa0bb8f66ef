/*
 * store-events.h - the backend's security events, kept in its store.
 *
 * One row per event: when, what kind, from which address and which
 * certificate name, and a short detail.  The caller (app/orderdeskd/
 * events.h) decides what goes in; nothing here knows the kinds.  The
 * table is made on first use (a store made before it has none), and holds
 * at most STORE_EVENTS_MAX rows: past that the oldest go, so a flood of
 * refusals cannot fill the disk.
 */
#ifndef OD_STORE_EVENTS_H
#define OD_STORE_EVENTS_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/store.h"

#define STORE_EVENTS_MAX 500000

struct store_event {
	long long id;          /* set by store_events_each */
	long long time;        /* Unix seconds */
	const char *kind;      /* "join-wrong", ... */
	const char *addr;      /* the peer's address, "" if none */
	const char *name;      /* the certificate's name, "" if none */
	const char *detail;    /* "" if none */
};

/* Keeps the n events of evs, in one transaction (not inside another). */
enum od_code store_events_add(struct store *s, const struct store_event *evs,
			      size_t n, struct od_err *err);

typedef enum od_code (*store_event_fn)(void *ctx, const struct store_event *e,
				       struct od_err *err);

/*
 * Calls cb with each event at or after since, oldest first; kind (NULL:
 * any) narrows them.  A store without the table has none.
 */
enum od_code store_events_each(struct store *s, long long since,
			       const char *kind, store_event_fn cb, void *ctx,
			       struct od_err *err);

/* One line of a summary: how many events of a kind from an address. */
struct store_event_count {
	const char *kind, *addr;
	long long count, first, last;   /* first and last: Unix seconds */
};

typedef enum od_code (*store_count_fn)(void *ctx,
				       const struct store_event_count *c,
				       struct od_err *err);

/* Calls cb per kind and address since since (kind narrows), most first. */
enum od_code store_events_count(struct store *s, long long since,
				const char *kind, store_count_fn cb, void *ctx,
				struct od_err *err);

#endif
