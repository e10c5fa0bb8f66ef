/* store-extra.c - the orders list's extra columns, by order (store-extra.h). */
#include "storage/store-extra.h"

#include "storage/store-internal.h"

/* One order by its key: the money row and the last parcel by theirs. */
static const char extra_sql[] =
	"SELECT o.email, o.phone, o.city, o.country, o.total,"
	" coalesce(m.arrival, 0), coalesce(m.paid, 0),"
	" coalesce(m.refunded, 0),"
	" coalesce((SELECT carrier FROM shipments WHERE order_no = o.number"
	"  ORDER BY seq DESC LIMIT 1), ''),"
	" coalesce((SELECT tracking FROM shipments WHERE order_no = o.number"
	"  ORDER BY seq DESC LIMIT 1), '')"
	" FROM orders o LEFT JOIN money m ON m.order_no = o.number"
	" WHERE o.number = ?1";

/* Reads one order's row of st into x. */
static void read_row(sqlite3_stmt *st, struct store_order_extra *x)
{
	int arrival = sqlite3_column_int(st, 5);

	x->email = store_col_text(st, 0);
	x->phone = store_col_text(st, 1);
	x->city = store_col_text(st, 2);
	x->country = store_col_text(st, 3);
	x->total = sqlite3_column_int64(st, 4);
	x->arrival = arrival >= 0 && arrival < ARRIVAL_COUNT ?
		     (enum order_arrival)arrival : ARRIVAL_UNPAID;
	x->paid = sqlite3_column_int64(st, 6);
	x->refunded = sqlite3_column_int64(st, 7);
	x->carrier = store_col_text(st, 8);
	x->tracking = store_col_text(st, 9);
}

enum od_code store_order_extras(struct store *s, const char *const *numbers,
				size_t n, store_extra_fn fn, void *ctx,
				struct od_err *err)
{
	struct store_order_extra x;
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	size_t i;
	int src;

	for (i = 0; i < n && rc == OD_OK; i++) {
		st = store_stmt(s, extra_sql, err);
		if (st == NULL)
			return err->code;
		store_bind_text(st, 1, numbers[i]);
		src = sqlite3_step(st);
		if (src == SQLITE_ROW) {
			read_row(st, &x);
			rc = fn(ctx, numbers[i], &x, err);
		} else if (src != SQLITE_DONE) {
			rc = store_fail(s, src, "reading the orders' columns",
					err);
		}
		sqlite3_reset(st);
	}
	return rc;
}
