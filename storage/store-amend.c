/* store-amend.c - writing an amended ship-to or items over a stored order. */
#include "storage/store.h"

#include <sqlite3.h>

#include "lib/buf.h"
#include "storage/store-internal.h"

#define AMEND_TEXT_MAX (256 * 1024)

static const char ship_to_sql[] =
	"UPDATE orders SET ship_name = ?2, ship_lines = ?3, city = ?4,"
	" postcode = ?5, country = ?6, search = ?7 WHERE number = ?1";

enum od_code store_order_set_ship_to(struct store *s, const struct order *o,
				     struct od_err *err)
{
	struct buf search, lines;
	sqlite3_stmt *st;
	enum od_code rc;

	buf_init(&search, AMEND_TEXT_MAX);
	buf_init(&lines, AMEND_TEXT_MAX);
	rc = store_order_search_text(o, &search, err);
	if (rc == OD_OK)
		rc = store_order_join_lines(o, &lines, err);
	if (rc != OD_OK)
		goto out;
	st = store_stmt(s, ship_to_sql, err);
	if (st == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, o->number);
	store_bind_text(st, 2, o->ship_name ? o->ship_name : "");
	store_bind_text(st, 3, lines.data ? lines.data : "");
	store_bind_text(st, 4, o->city ? o->city : "");
	store_bind_text(st, 5, o->postcode ? o->postcode : "");
	store_bind_text(st, 6, o->country);
	store_bind_text(st, 7, search.data ? search.data : "");
	rc = store_step_done(s, st, "amending the order", err);
	if (rc == OD_OK && sqlite3_changes(s->db) == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "no order %s", o->number);
out:
	buf_free(&search);
	buf_free(&lines);
	return rc;
}

static const char qty_sql[] =
	"UPDATE items SET qty = ?3 WHERE order_no = ?1 AND sku = ?2";
static const char total_sql[] =
	"UPDATE orders SET total = ?2 WHERE number = ?1";

enum od_code store_order_set_qty(struct store *s, const char *number,
				 const char *sku, long long qty,
				 long long total, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, qty_sql, err);
	enum od_code rc;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	store_bind_text(st, 2, sku);
	sqlite3_bind_int64(st, 3, qty);
	rc = store_step_done(s, st, "amending the order's items", err);
	if (rc == OD_OK && sqlite3_changes(s->db) == 0)
		return od_err_set(err, OD_E_NOTFOUND, "order %s has no item %s",
				  number, sku);
	if (rc == OD_OK && (st = store_stmt(s, total_sql, err)) == NULL)
		rc = err->code;
	if (rc != OD_OK)
		return rc;
	store_bind_text(st, 1, number);
	sqlite3_bind_int64(st, 2, total);
	return store_step_done(s, st, "amending the order's total", err);
}

static const char add_item_sql[] =
	"INSERT INTO items(order_no, pos, sku, name, qty, unit_price, shipped)"
	" SELECT ?1, coalesce(max(pos), -1) + 1, ?2, ?3, ?4, ?5, 0"
	" FROM items WHERE order_no = ?1";
static const char remove_item_sql[] =
	"DELETE FROM items WHERE order_no = ?1 AND sku = ?2";
static const char count_sql[] =
	"UPDATE orders SET nitems = nitems + ?2, total = ?3 WHERE number = ?1";

/* Adds n to the order's item count and sets its total. */
static enum od_code set_count(struct store *s, const char *number, int n,
			      long long total, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, count_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	sqlite3_bind_int(st, 2, n);
	sqlite3_bind_int64(st, 3, total);
	return store_step_done(s, st, "amending the order's total", err);
}

enum od_code store_order_add_item(struct store *s, const char *number,
				  const struct order_item *it,
				  long long total, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, add_item_sql, err);
	enum od_code rc;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	store_bind_text(st, 2, it->sku);
	store_bind_text(st, 3, it->name);
	sqlite3_bind_int64(st, 4, it->qty);
	sqlite3_bind_int64(st, 5, it->unit_price);
	rc = store_step_done(s, st, "adding the order's item", err);
	return rc == OD_OK ? set_count(s, number, 1, total, err) : rc;
}

enum od_code store_order_remove_item(struct store *s, const char *number,
				     const char *sku, long long total,
				     struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, remove_item_sql, err);
	enum od_code rc;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	store_bind_text(st, 2, sku);
	rc = store_step_done(s, st, "taking out the order's item", err);
	if (rc == OD_OK && sqlite3_changes(s->db) == 0)
		return od_err_set(err, OD_E_NOTFOUND, "order %s has no item %s",
				  number, sku);
	return rc == OD_OK ? set_count(s, number, -1, total, err) : rc;
}
