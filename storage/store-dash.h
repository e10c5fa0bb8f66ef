/*
 * store-dash.h - what the owner's dashboard reads (app/desk/desk-dashboard.c):
 * orders and revenue per day and currency, when each shipped order was
 * placed and first shipped, and what each person signed since a moment.
 * Each a query the store answers from its indexes or the log's newest end.
 */
#ifndef OD_STORE_DASH_H
#define OD_STORE_DASH_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/store.h"

#define STORE_DASH_DATE_LEN 10             /* YYYY-MM-DD */

/* The newest order's day into day ("" when there is none). */
enum od_code store_dash_last_day(struct store *s,
				 char day[STORE_DASH_DATE_LEN + 1],
				 struct od_err *err);

/* Called with the orders of one day (YYYY-MM-DD) in one currency. */
typedef enum od_code (*store_dash_day_fn)(void *ctx, const char *day,
					  const char *currency, long long n,
					  long long total, struct od_err *err);

/* Calls fn for each day from first on (YYYY-MM-DD) and currency. */
enum od_code store_dash_days(struct store *s, const char *first,
			     store_dash_day_fn fn, void *ctx,
			     struct od_err *err);

/* Called with a shipped order's placed_at and its first parcel's time. */
typedef enum od_code (*store_dash_ship_fn)(void *ctx, const char *placed,
					   const char *shipped,
					   struct od_err *err);

/* Calls fn for each order with a parcel. */
enum od_code store_dash_shipped(struct store *s, store_dash_ship_fn fn,
				void *ctx, struct od_err *err);

/* Called with one entry of the log: who signed what kind, when. */
typedef enum od_code (*store_dash_entry_fn)(void *ctx, const char *actor,
					    const char *kind,
					    struct od_err *err);

/*
 * Calls fn for each log entry signed at since (YYYY-MM-DDTHH:MM:SSZ) or
 * later, walking from the newest back until STORE_DASH_OLDER entries in a
 * row are older (an entry synced late may sit after older ones).
 */
#define STORE_DASH_OLDER 256
enum od_code store_dash_since(struct store *s, const char *since,
			      store_dash_entry_fn fn, void *ctx,
			      struct od_err *err);

#endif
