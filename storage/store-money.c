/*
 * store-money.c - an order's money beyond its total: shipping, tax,
 * discount, how it arrived, and the payments and refunds made since.
 */
#include "storage/store.h"

#include "storage/store-internal.h"

static const char money_insert_sql[] =
	"INSERT INTO money(order_no, shipping, tax, discount, arrival, paid,"
	" refunded) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 0)";
/* An order placed before money rows existed has none yet. */
static const char money_add_sql[] =
	"INSERT INTO money(order_no, shipping, tax, discount, arrival, paid,"
	" refunded) VALUES(?1, 0, 0, 0, 0, ?2, ?3)"
	" ON CONFLICT(order_no) DO UPDATE SET paid = paid + excluded.paid,"
	" refunded = refunded + excluded.refunded";
static const char payment_add_sql[] =
	"INSERT INTO payments(seq, order_no, refund, amount, actor, time,"
	" method, reason, items, reference)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char payment_each_sql[] =
	"SELECT seq, refund, amount, actor, time, method, reason, items,"
	" reference FROM payments WHERE order_no = ?1 ORDER BY seq";

enum od_code store_money_insert(struct store *s, const struct order *o,
				struct od_err *err)
{
	sqlite3_stmt *st;

	if (o->shipping == 0 && o->tax == 0 && o->discount == 0 &&
	    o->arrival == ARRIVAL_UNPAID && o->paid == 0)
		return OD_OK;
	st = store_stmt(s, money_insert_sql, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, o->number);
	sqlite3_bind_int64(st, 2, o->shipping);
	sqlite3_bind_int64(st, 3, o->tax);
	sqlite3_bind_int64(st, 4, o->discount);
	sqlite3_bind_int(st, 5, (int)o->arrival);
	sqlite3_bind_int64(st, 6, o->paid);
	return store_step_done(s, st, "writing the order's money", err);
}

static const char *nz(const char *v)
{
	return v != NULL ? v : "";
}

enum od_code store_payment_add(struct store *s, const char *number,
			       const struct payment_record *r,
			       struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, payment_add_sql, err);
	enum od_code rc;

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, r->seq);
	store_bind_text(st, 2, number);
	sqlite3_bind_int(st, 3, r->refund != 0);
	sqlite3_bind_int64(st, 4, r->amount);
	store_bind_text(st, 5, nz(r->actor));
	store_bind_text(st, 6, nz(r->time));
	store_bind_text(st, 7, nz(r->method));
	store_bind_text(st, 8, nz(r->reason));
	store_bind_text(st, 9, nz(r->items));
	store_bind_text(st, 10, nz(r->reference));
	rc = store_step_done(s, st, "recording the payment", err);
	if (rc != OD_OK)
		return rc;
	st = store_stmt(s, money_add_sql, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	sqlite3_bind_int64(st, 2, r->refund ? 0 : r->amount);
	sqlite3_bind_int64(st, 3, r->refund ? r->amount : 0);
	return store_step_done(s, st, "recording the payment", err);
}

enum od_code store_payment_each(struct store *s, const char *number,
				store_payment_cb cb, void *ctx,
				struct od_err *err)
{
	struct payment_record r;
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	/* Not cached: the callback may use the cache. */
	src = sqlite3_prepare_v2(s->db, payment_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	store_bind_text(st, 1, number);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		r.seq = sqlite3_column_int64(st, 0);
		r.refund = sqlite3_column_int(st, 1);
		r.amount = sqlite3_column_int64(st, 2);
		r.actor = store_col_text(st, 3);
		r.time = store_col_text(st, 4);
		r.method = store_col_text(st, 5);
		r.reason = store_col_text(st, 6);
		r.items = store_col_text(st, 7);
		r.reference = store_col_text(st, 8);
		rc = cb(ctx, &r, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the order's payments", err);
	sqlite3_finalize(st);
	return rc;
}
