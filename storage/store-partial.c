/* store-partial.c - confirmed orders partly shipped (store-partial.h). */
#include "storage/store-partial.h"

#include "storage/records.h"
#include "storage/store-internal.h"

#include <stdio.h>

static const char partial_sql[] =
	"SELECT o.number, sum(i.shipped), sum(i.qty)"
	" FROM orders o INDEXED BY orders_status"
	" JOIN items i ON i.order_no = o.number"
	" WHERE o.status = ?1 GROUP BY o.number"
	" HAVING sum(i.shipped) > 0 ORDER BY o.number";

enum od_code store_partial_each(struct store *s, store_partial_cb cb,
				void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	/* Not cached: the callback may use the cache. */
	src = sqlite3_prepare_v2(s->db, partial_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	sqlite3_bind_int(st, 1, ORDER_CONFIRMED);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(ctx, store_col_text(st, 0),
			sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2), err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading partly shipped orders", err);
	sqlite3_finalize(st);
	return rc;
}

/* A scan of the parcels: one per shipment, read when a parcel is signed. */
static const char tracking_sql[] =
	"SELECT order_no FROM shipments WHERE tracking = ?1"
	" AND order_no IS NOT ?2 ORDER BY seq DESC LIMIT 1";

enum od_code store_tracking_order(struct store *s, const char *tracking,
				  const char *not, char *number, size_t size,
				  struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	number[0] = '\0';
	src = sqlite3_prepare_v2(s->db, tracking_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	sqlite3_bind_text(st, 1, tracking, -1, SQLITE_STATIC);
	if (not != NULL)
		sqlite3_bind_text(st, 2, not, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		snprintf(number, size, "%s", store_col_text(st, 0));
	else if (src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the parcels", err);
	sqlite3_finalize(st);
	return rc;
}
