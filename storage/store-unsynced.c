/*
 * store-unsynced.c - the orders whose newest statements the backend has not
 * seen yet, for the desk's sync column.
 */
#include "storage/store.h"

#include "storage/store-internal.h"

static const char after_sql[] =
	"SELECT DISTINCT order_no FROM log WHERE seq > ?1 AND order_no <> ''";

enum od_code store_log_orders_after(struct store *s, long long seq,
				    void (*cb)(void *ctx, const char *number),
				    void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, after_sql, err);
	enum od_code rc = OD_OK;
	int src;

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, seq);
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		cb(ctx, store_col_text(st, 0));
	if (src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the log", err);
	sqlite3_reset(st);
	return rc;
}
