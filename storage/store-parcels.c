/* store-parcels.c - each parcel of an order and whether it was delivered. */
#include "storage/store.h"

#include "storage/store-internal.h"

static const char delivered_sql[] =
	"INSERT INTO deliveries(ship_seq, order_no, seq, time)"
	" VALUES(?1, ?2, ?3, ?4)";
static const char parcel_each_sql[] =
	"SELECT s.seq, s.carrier, s.tracking, s.items, coalesce(d.seq, 0),"
	" coalesce(d.time, '') FROM shipments s LEFT JOIN deliveries d"
	" ON d.ship_seq = s.seq WHERE s.order_no = ?1 ORDER BY s.seq";

enum od_code store_parcel_delivered(struct store *s, const char *number,
				    long long ship_seq, long long seq,
				    const char *time, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, delivered_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, ship_seq);
	store_bind_text(st, 2, number);
	sqlite3_bind_int64(st, 3, seq);
	store_bind_text(st, 4, time);
	return store_step_done(s, st, "recording the delivery", err);
}

enum od_code store_parcel_each(struct store *s, const char *number,
			       store_parcel_cb cb, void *ctx,
			       struct od_err *err)
{
	struct parcel_record r;
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	/* Not cached: the callback may write (a delivery of each parcel). */
	src = sqlite3_prepare_v2(s->db, parcel_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	store_bind_text(st, 1, number);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		r.ship_seq = sqlite3_column_int64(st, 0);
		r.carrier = store_col_text(st, 1);
		r.tracking = store_col_text(st, 2);
		r.items = store_col_text(st, 3);
		r.delivered_seq = sqlite3_column_int64(st, 4);
		r.delivered_at = store_col_text(st, 5);
		rc = cb(ctx, &r, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the order's parcels", err);
	sqlite3_finalize(st);
	return rc;
}
