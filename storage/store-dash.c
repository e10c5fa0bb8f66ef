/* store-dash.c - the owner's dashboard's queries (store-dash.h). */
#include "storage/store-dash.h"

#include <stdio.h>
#include <string.h>

#include "storage/store-internal.h"

static const char last_sql[] =
	"SELECT coalesce(substr(max(placed_at), 1, 10), '') FROM orders";
/* orders_list covers placed_at, currency and total: no order is read. */
static const char days_sql[] =
	"SELECT substr(placed_at, 1, 10) AS day, currency, count(*),"
	" sum(total) FROM orders WHERE placed_at >= ?1"
	" GROUP BY day, currency ORDER BY day, currency";
static const char shipped_sql[] =
	"SELECT o.placed_at, l.time FROM"
	" (SELECT order_no, min(seq) AS seq FROM shipments GROUP BY order_no)"
	" AS f JOIN log l ON l.seq = f.seq"
	" JOIN orders o ON o.number = f.order_no";
static const char since_sql[] =
	"SELECT actor, kind, time FROM log ORDER BY seq DESC";

enum od_code store_dash_last_day(struct store *s,
				 char day[STORE_DASH_DATE_LEN + 1],
				 struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, last_sql, err);
	int src = SQLITE_DONE;

	day[0] = '\0';
	if (st == NULL)
		return err->code;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		snprintf(day, STORE_DASH_DATE_LEN + 1, "%s",
			 store_col_text(st, 0));
	sqlite3_reset(st);
	return src == SQLITE_ROW ? OD_OK :
	       store_fail(s, src, "reading the newest order", err);
}

enum od_code store_dash_days(struct store *s, const char *first,
			     store_dash_day_fn fn, void *ctx,
			     struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, days_sql, err);
	enum od_code rc = OD_OK;
	int src = SQLITE_DONE;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, first);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(ctx, store_col_text(st, 0), store_col_text(st, 1),
			sqlite3_column_int64(st, 2),
			sqlite3_column_int64(st, 3), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the orders per day", err);
	sqlite3_reset(st);
	return rc;
}

enum od_code store_dash_shipped(struct store *s, store_dash_ship_fn fn,
				void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, shipped_sql, err);
	enum od_code rc = OD_OK;
	int src = SQLITE_DONE;

	if (st == NULL)
		return err->code;
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(ctx, store_col_text(st, 0), store_col_text(st, 1),
			err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the parcels", err);
	sqlite3_reset(st);
	return rc;
}

enum od_code store_dash_since(struct store *s, const char *since,
			      store_dash_entry_fn fn, void *ctx,
			      struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, since_sql, err);
	enum od_code rc = OD_OK;
	int src = SQLITE_DONE, older = 0;

	if (st == NULL)
		return err->code;
	while (rc == OD_OK && older < STORE_DASH_OLDER &&
	       (src = sqlite3_step(st)) == SQLITE_ROW) {
		if (strcmp(store_col_text(st, 2), since) < 0) {
			older++;
			continue;
		}
		older = 0;
		rc = fn(ctx, store_col_text(st, 0), store_col_text(st, 1),
			err);
	}
	if (rc == OD_OK && older < STORE_DASH_OLDER && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the log", err);
	sqlite3_reset(st);
	return rc;
}
