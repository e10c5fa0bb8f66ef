/* store-returns.c - an order's returns (RMA): opened, received, closed,
 * and the units accepted returns put back on the shelf. */
#include "storage/store.h"

#include "storage/store-internal.h"

static const char return_put_sql[] =
	"INSERT OR REPLACE INTO returns(rma, order_no, seq, state, reason,"
	" items, condition, received, note)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char return_each_sql[] =
	"SELECT rma, seq, state, reason, items, condition, received, note"
	" FROM returns WHERE order_no = ?1 ORDER BY seq";

static const char *nz(const char *v)
{
	return v != NULL ? v : "";
}

enum od_code store_return_put(struct store *s, const char *number,
			      const struct return_record *r,
			      struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, return_put_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, r->rma);
	store_bind_text(st, 2, number);
	sqlite3_bind_int64(st, 3, r->seq);
	sqlite3_bind_int(st, 4, (int)r->state);
	store_bind_text(st, 5, nz(r->reason));
	store_bind_text(st, 6, nz(r->items));
	store_bind_text(st, 7, nz(r->condition));
	store_bind_text(st, 8, nz(r->received));
	store_bind_text(st, 9, nz(r->note));
	return store_step_done(s, st, "recording the return", err);
}

enum od_code store_return_each(struct store *s, const char *number,
			       store_return_cb cb, void *ctx,
			       struct od_err *err)
{
	struct return_record r;
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	/* Not cached: the callback may use the cache. */
	src = sqlite3_prepare_v2(s->db, return_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	store_bind_text(st, 1, number);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		r.rma = store_col_text(st, 0);
		r.seq = sqlite3_column_int64(st, 1);
		r.state = (enum return_state)sqlite3_column_int(st, 2);
		r.reason = store_col_text(st, 3);
		r.items = store_col_text(st, 4);
		r.condition = store_col_text(st, 5);
		r.received = store_col_text(st, 6);
		r.note = store_col_text(st, 7);
		if ((unsigned)r.state >= RETURN_STATE_COUNT) {
			rc = od_err_set(err, OD_E_TAMPERED,
					"return %s has an unknown state; the "
					"store is damaged", r.rma);
			break;
		}
		rc = cb(ctx, &r, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the order's returns", err);
	sqlite3_finalize(st);
	return rc;
}

static const char restock_add_sql[] =
	"INSERT INTO restocks(rma, sku, order_no, seq, qty)"
	" VALUES(?1, ?2, ?3, ?4, ?5)";
static const char stock_each_sql[] =
	"SELECT sku, sum(qty), count(*) FROM restocks GROUP BY sku"
	" ORDER BY sku";

enum od_code store_restock_add(struct store *s, const char *number,
			       const char *rma, long long seq,
			       const char *sku, long long qty,
			       struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, restock_add_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, rma);
	store_bind_text(st, 2, sku);
	store_bind_text(st, 3, number);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_int64(st, 5, qty);
	return store_step_done(s, st, "recording the restock", err);
}

enum od_code store_stock_each(struct store *s, store_stock_cb cb, void *ctx,
			      struct od_err *err)
{
	struct stock_record r;
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	src = sqlite3_prepare_v2(s->db, stock_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		r.sku = store_col_text(st, 0);
		r.units = sqlite3_column_int64(st, 1);
		r.returns = sqlite3_column_int64(st, 2);
		rc = cb(ctx, &r, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the restocked units", err);
	sqlite3_finalize(st);
	return rc;
}
