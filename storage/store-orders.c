/* store-orders.c - orders, their items, shipments and notes. */
#include "storage/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "storage/store-internal.h"
#include "storage/store-page-counts.h"
#include "storage/store-page-counts.h"
#include "storage/store-search-add.h"
#include "storage/store-search.h"

#define SEARCH_MAX (256 * 1024)

static const char insert_sql[] =
	"INSERT INTO orders(number, placed_at, currency, customer, email, phone,"
	" ship_name, ship_lines, city, postcode, country, total, note, status,"
	" held_from, reason, nitems, search) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	" ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL, ?16, ?17)";
static const char insert_item_sql[] =
	"INSERT INTO items(order_no, pos, sku, name, qty, unit_price, shipped)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char exists_sql[] = "SELECT 1 FROM orders WHERE number = ?1";
/* The money columns come from the money table, 0 for an order without. */
#define ORDER_COLUMNS \
	"number, placed_at, currency, customer, email, phone, ship_name," \
	" ship_lines, city, postcode, country, total, note, status, held_from," \
	" reason, nitems, coalesce(shipping, 0), coalesce(tax, 0)," \
	" coalesce(discount, 0), coalesce(arrival, 0), coalesce(paid, 0)," \
	" coalesce(refunded, 0)"
#define ORDER_FROM " FROM orders LEFT JOIN money ON order_no = number"
static const char get_sql[] =
	"SELECT " ORDER_COLUMNS ORDER_FROM " WHERE number = ?1";
static const char get_items_sql[] =
	"SELECT sku, name, qty, unit_price, shipped FROM items"
	" WHERE order_no = ?1 ORDER BY pos";
static const char state_sql[] =
	"SELECT status, held_from,"
	" EXISTS(SELECT 1 FROM items WHERE order_no = ?1 AND shipped > 0)"
	" FROM orders WHERE number = ?1";
static const char set_state_sql[] =
	"UPDATE orders SET status = ?2, held_from = ?3, reason = ?4"
	" WHERE number = ?1";
static const char add_shipped_sql[] =
	"UPDATE items SET shipped = shipped + ?3"
	" WHERE order_no = ?1 AND sku = ?2";
static const char list_sql[] =
	"SELECT " ORDER_COLUMNS ORDER_FROM
	" WHERE (?1 < 0 OR status = ?1)"
	" ORDER BY placed_at, number";
/* The orders the full-text index finds (storage/store-search.h). */
static const char search_list_sql[] =
	"SELECT " ORDER_COLUMNS ORDER_FROM
	" WHERE number IN (SELECT d.number FROM order_fts"
	"   JOIN search_docs d ON d.id = order_fts.rowid"
	"   WHERE order_fts MATCH ?2)"
	"   AND (?1 < 0 OR status = ?1)"
	" ORDER BY placed_at, number";

/* Adds s ("" for NULL) and a newline to b. */
static enum od_code add_line(struct buf *b, const char *s, struct od_err *err)
{
	enum od_code rc = s != NULL ? buf_add(b, s, strlen(s), err) : OD_OK;

	return rc == OD_OK ? buf_add(b, "\n", 1, err) : rc;
}

/*
 * Builds the searchable text of an order.  Fields are joined by newlines,
 * which no field may contain, so a search never matches across two fields.
 */
enum od_code store_order_search_text(const struct order *o, struct buf *b,
				     struct od_err *err)
{
	const char *parts[5] = { o->number, o->customer_name, o->email,
				 o->phone, o->city };
	size_t i;
	enum od_code rc = OD_OK;

	/* Each field and a newline, copied: no format to read per field. */
	for (i = 0; i < 5 && rc == OD_OK; i++)
		rc = add_line(b, parts[i], err);
	for (i = 0; i < o->nitems && rc == OD_OK; i++) {
		rc = add_line(b, o->items[i].sku, err);
		if (rc == OD_OK)
			rc = add_line(b, o->items[i].name, err);
	}
	return rc;
}

/* Joins address lines with newlines (which no line may contain). */
enum od_code store_order_join_lines(const struct order *o, struct buf *b,
			       struct od_err *err)
{
	size_t i;
	enum od_code rc = OD_OK;

	for (i = 0; i < o->nlines && rc == OD_OK; i++)
		rc = buf_addf(b, err, "%s%s", i ? "\n" : "", o->ship_lines[i]);
	return rc;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Refuses a second order with the same number. */
static enum od_code order_absent(struct store *s, const char *number,
				 struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, exists_sql, err);
	int src;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src == SQLITE_ROW)
		return od_err_set(err, OD_E_EXISTS,
				  "order %s already exists; order numbers "
				  "must be unique", number);
	if (src != SQLITE_DONE)
		return store_fail(s, src, "reading orders", err);
	return OD_OK;
}

enum od_code store_order_insert(struct store *s, const struct order *o,
				struct od_err *err)
{
	struct buf search, lines;
	sqlite3_stmt *st;
	enum od_code rc;
	size_t i;

	buf_init(&search, SEARCH_MAX);
	buf_init(&lines, SEARCH_MAX);
	rc = order_absent(s, o->number, err);
	if (rc == OD_OK)
		rc = store_order_search_text(o, &search, err);
	if (rc == OD_OK)
		rc = store_order_join_lines(o, &lines, err);
	if (rc != OD_OK)
		goto out;
	st = store_stmt(s, insert_sql, err);
	if (st == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, o->number);
	store_bind_text(st, 2, o->placed_at);
	store_bind_text(st, 3, o->currency);
	store_bind_text(st, 4, nz(o->customer_name));
	store_bind_text(st, 5, nz(o->email));
	store_bind_text(st, 6, nz(o->phone));
	store_bind_text(st, 7, nz(o->ship_name));
	store_bind_text(st, 8, nz(lines.data));
	store_bind_text(st, 9, nz(o->city));
	store_bind_text(st, 10, nz(o->postcode));
	store_bind_text(st, 11, o->country);
	sqlite3_bind_int64(st, 12, o->total);
	store_bind_text(st, 13, nz(o->note));
	sqlite3_bind_int(st, 14, (int)o->status);
	sqlite3_bind_int(st, 15, (int)o->held_from);
	sqlite3_bind_int64(st, 16, (sqlite3_int64)o->nitems);
	store_bind_text(st, 17, nz(search.data));
	rc = store_step_done(s, st, "writing the order", err);
	if (rc == OD_OK)
		rc = page_count_added(s, (int)o->status, err);
	if (rc == OD_OK)
		rc = store_search_add(s, o->number, nz(search.data), err);
	if (rc == OD_OK)
		rc = store_money_insert(s, o, err);
	for (i = 0; i < o->nitems && rc == OD_OK; i++) {
		st = store_stmt(s, insert_item_sql, err);
		if (st == NULL) {
			rc = err->code;
			break;
		}
		store_bind_text(st, 1, o->number);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		store_bind_text(st, 3, o->items[i].sku);
		store_bind_text(st, 4, nz(o->items[i].name));
		sqlite3_bind_int64(st, 5, o->items[i].qty);
		sqlite3_bind_int64(st, 6, o->items[i].unit_price);
		sqlite3_bind_int64(st, 7, o->items[i].shipped);
		rc = store_step_done(s, st, "writing the order's items", err);
	}
out:
	buf_free(&search);
	buf_free(&lines);
	return rc;
}

/* Copies a column into a new string; NULL on OOM. */
static char *col_dup(sqlite3_stmt *st, int i)
{
	return strdup(store_col_text(st, i));
}

/*
 * Splits the stored address lines (joined by newlines) into o->ship_lines,
 * pointing into text, which is modified in place.
 */
static void split_lines(struct order *o, char *text)
{
	char *p = text, *nl;

	o->nlines = 0;
	if (*p == '\0')
		return;
	while (o->nlines < ORDER_MAX_LINES) {
		o->ship_lines[o->nlines++] = p;
		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

/*
 * Fills the summary part of o from a row of ORDER_COLUMNS.  Strings are
 * copies when owned is set, else borrowed from the row (for streaming).
 */
static enum od_code order_row(sqlite3_stmt *st, struct order *o, int owned,
			      char *lines_copy, struct od_err *err)
{
	char **str[] = { &o->number, &o->placed_at, NULL, &o->customer_name,
			 &o->email, &o->phone, &o->ship_name, NULL, &o->city,
			 &o->postcode };
	int i;

	for (i = 0; i < 10; i++) {
		if (str[i] == NULL)
			continue;
		*str[i] = owned ? col_dup(st, i) : (char *)store_col_text(st, i);
		if (*str[i] == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	snprintf(o->currency, sizeof o->currency, "%s", store_col_text(st, 2));
	split_lines(o, lines_copy);
	snprintf(o->country, sizeof o->country, "%s", store_col_text(st, 10));
	o->total = sqlite3_column_int64(st, 11);
	o->note = owned ? col_dup(st, 12) : (char *)store_col_text(st, 12);
	o->status = (enum order_status)sqlite3_column_int(st, 13);
	o->held_from = (enum order_status)sqlite3_column_int(st, 14);
	if (sqlite3_column_type(st, 15) != SQLITE_NULL)
		o->reason = owned ? col_dup(st, 15)
				  : (char *)store_col_text(st, 15);
	o->nitems = (size_t)sqlite3_column_int64(st, 16);
	o->shipping = sqlite3_column_int64(st, 17);
	o->tax = sqlite3_column_int64(st, 18);
	o->discount = sqlite3_column_int64(st, 19);
	o->arrival = (enum order_arrival)sqlite3_column_int(st, 20);
	o->paid = sqlite3_column_int64(st, 21);
	o->refunded = sqlite3_column_int64(st, 22);
	if (o->note == NULL || (sqlite3_column_type(st, 15) != SQLITE_NULL &&
				o->reason == NULL))
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if ((unsigned)o->status >= ORDER_STATUS_COUNT ||
	    (unsigned)o->held_from >= ORDER_STATUS_COUNT ||
	    (unsigned)o->arrival >= ARRIVAL_COUNT)
		return od_err_set(err, OD_E_TAMPERED,
				  "order %s has an unknown status; the store "
				  "is damaged", o->number);
	return OD_OK;
}

/* Reads the items of an order into o (owned copies). */
static enum od_code order_items(struct store *s, struct order *o,
				struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, get_items_sql, err);
	size_t n = 0, want = o->nitems;
	enum od_code rc = OD_OK;
	int src;

	if (st == NULL)
		return err->code;
	o->nitems = 0;
	o->items = calloc(want ? want : 1, sizeof *o->items);
	if (o->items == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	store_bind_text(st, 1, o->number);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct order_item *it = &o->items[n];

		if (n == want) {
			rc = od_err_set(err, OD_E_TAMPERED,
					"order %s has more items than recorded;"
					" the store is damaged", o->number);
			break;
		}
		it->sku = col_dup(st, 0);
		it->name = col_dup(st, 1);
		it->qty = sqlite3_column_int64(st, 2);
		it->unit_price = sqlite3_column_int64(st, 3);
		it->shipped = sqlite3_column_int64(st, 4);
		o->nitems = ++n;
		if (it->sku == NULL || it->name == NULL) {
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
			break;
		}
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the order's items", err);
	sqlite3_reset(st);
	if (rc == OD_OK && n != want)
		rc = od_err_set(err, OD_E_TAMPERED,
				"order %s is missing items; the store is "
				"damaged", o->number);
	return rc;
}

enum od_code store_order_get(struct store *s, const char *number,
			     struct order **out, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, get_sql, err);
	struct order *o = NULL;
	char *lines = NULL;
	enum od_code rc;
	int src;

	*out = NULL;
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		if (src == SQLITE_DONE)
			return od_err_set(err, OD_E_NOTFOUND,
					  "no order %s in this shop", number);
		return store_fail(s, src, "reading the order", err);
	}
	o = calloc(1, sizeof *o);
	lines = col_dup(st, 7);
	if (o == NULL || lines == NULL) {
		sqlite3_reset(st);
		free(o);
		free(lines);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	rc = order_row(st, o, 1, lines, err);
	sqlite3_reset(st);
	/* The address lines were split in place; give each its own copy. */
	if (rc == OD_OK) {
		size_t i;

		for (i = 0; i < o->nlines; i++) {
			o->ship_lines[i] = strdup(o->ship_lines[i]);
			if (o->ship_lines[i] == NULL) {
				o->nlines = i;
				rc = od_err_set(err, OD_E_NOMEM,
						"out of memory");
				break;
			}
		}
	}
	free(lines);
	if (rc == OD_OK)
		rc = order_items(s, o, err);
	if (rc != OD_OK) {
		record_order_free(o);
		return rc;
	}
	*out = o;
	return OD_OK;
}

enum od_code store_order_state(struct store *s, const char *number,
			       struct order_state *os, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, state_sql, err);
	enum od_code rc = OD_OK;
	int src;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		os->status = (enum order_status)sqlite3_column_int(st, 0);
		os->held_from = (enum order_status)sqlite3_column_int(st, 1);
		os->any_shipped = sqlite3_column_int(st, 2);
		if ((unsigned)os->status >= ORDER_STATUS_COUNT ||
		    (unsigned)os->held_from >= ORDER_STATUS_COUNT)
			rc = od_err_set(err, OD_E_TAMPERED,
					"order %s has an unknown status; the "
					"store is damaged", number);
	} else if (src == SQLITE_DONE) {
		rc = od_err_set(err, OD_E_NOTFOUND, "no order %s in this shop",
				number);
	} else {
		rc = store_fail(s, src, "reading the order", err);
	}
	sqlite3_reset(st);
	return rc;
}

enum od_code store_order_set_state(struct store *s, const char *number,
				   enum order_status status,
				   enum order_status held_from,
				   const char *reason, struct od_err *err)
{
	enum od_code rc = page_count_moving(s, number, (int)status, err);
	sqlite3_stmt *st = rc == OD_OK ? store_stmt(s, set_state_sql, err) :
			   NULL;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	sqlite3_bind_int(st, 2, (int)status);
	sqlite3_bind_int(st, 3, (int)held_from);
	if (reason != NULL)
		store_bind_text(st, 4, reason);
	return store_step_done(s, st, "updating the order", err);
}

enum od_code store_item_add_shipped(struct store *s, const char *number,
				    const char *sku, long long qty,
				    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, add_shipped_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	store_bind_text(st, 2, sku);
	sqlite3_bind_int64(st, 3, qty);
	return store_step_done(s, st, "updating the order's items", err);
}

/* Prepares a one-off walk (not cached: callbacks may use the cache). */
static enum od_code walk_prepare(struct store *s, const char *sql,
				 sqlite3_stmt **st, struct od_err *err)
{
	int src = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	return OD_OK;
}

enum od_code store_order_each(struct store *s, const struct store_filter *f,
			      store_order_cb cb, void *ctx,
			      struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	struct buf pattern;
	struct order o;
	/* An empty search is none. */
	const char *search = f->search && *f->search ? f->search : NULL;
	enum od_code rc = OD_OK;
	int src = SQLITE_DONE;

	buf_init(&pattern, STORE_SEARCH_EXPR_MAX);
	if (search != NULL) {
		rc = store_search_expr(s, search, &pattern, err);
		/* Nothing can match: no walk at all. */
		if (rc != OD_OK || pattern.len == 0)
			goto out;
	}
	rc = walk_prepare(s, search ? search_list_sql : list_sql, &st, err);
	if (rc != OD_OK)
		goto out;
	sqlite3_bind_int(st, 1, f->status);
	if (search != NULL)
		store_bind_text(st, 2, pattern.data);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		/* Address lines are not needed for a listing. */
		char none[1] = "";

		memset(&o, 0, sizeof o);
		rc = order_row(st, &o, 0, none, err);
		if (rc == OD_OK)
			rc = cb(ctx, &o, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "listing orders", err);
out:
	sqlite3_finalize(st);
	buf_free(&pattern);
	return rc;
}

/*
 * The listing's columns, and with them what the desk's tabs need of an
 * order's money (issue 13): a money row exists only for an order with
 * money to say, one probe of its primary key per order in the same scan.
 * Whether a return is open (state open or received) is asked per order
 * only for one order: for all, returns being few, store_return_open_each
 * lists them (an EXISTS per order cost as much as the money).
 */
#define BRIEF_COLS \
	"SELECT o.number, o.placed_at, o.customer, o.currency, o.total," \
	" o.nitems, o.status, m.arrival, m.paid, m.refunded,"
#define BRIEF_MONEY " LEFT JOIN money m ON m.order_no = o.number"
static const char brief_sql[] =
	BRIEF_COLS " 0 FROM orders o INDEXED BY orders_list" BRIEF_MONEY
	" ORDER BY o.placed_at, o.number";
/* One order by its primary key, not a scan of the listing's index. */
static const char brief_one_sql[] =
	BRIEF_COLS " EXISTS(SELECT 1 FROM returns r WHERE r.order_no ="
	" o.number AND r.state < 2) FROM orders o" BRIEF_MONEY
	" WHERE o.number = ?1";
static const char return_open_sql[] =
	"SELECT DISTINCT r.order_no, o.placed_at FROM returns r"
	" JOIN orders o ON o.number = r.order_no WHERE r.state < 2";

/* A text column of the current row, never NULL. */
static const char *column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (const char *)t : "";
}

/* The brief of the current row (strings borrowed from st). */
static void brief_read(sqlite3_stmt *st, struct order_brief *b)
{
	b->number = column_text(st, 0);
	b->placed_at = column_text(st, 1);
	b->customer_name = column_text(st, 2);
	snprintf(b->currency, sizeof b->currency, "%s", column_text(st, 3));
	b->total = sqlite3_column_int64(st, 4);
	b->nitems = (size_t)sqlite3_column_int64(st, 5);
	b->status = (enum order_status)sqlite3_column_int(st, 6);
	/* No money row: arrived unpaid, nothing paid or refunded. */
	b->arrival = (enum order_arrival)sqlite3_column_int(st, 7);
	b->paid = sqlite3_column_int64(st, 8);
	b->refunded = sqlite3_column_int64(st, 9);
	b->open_return = sqlite3_column_int(st, 10) != 0;
}

/* Runs sql (number bound as ?1 unless NULL), cb on each row. */
static enum od_code brief_walk(struct store *s, const char *sql,
			       const char *number, store_brief_cb cb,
			       void *ctx, struct od_err *err)
{
	struct order_brief b;
	sqlite3_stmt *st = NULL;
	enum od_code rc;
	int src = SQLITE_DONE;

	rc = walk_prepare(s, sql, &st, err);
	if (rc == OD_OK && number != NULL)
		store_bind_text(st, 1, number);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		brief_read(st, &b);
		rc = cb(ctx, &b, err);
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "listing orders", err);
	sqlite3_finalize(st);
	return rc;
}

enum od_code store_order_brief_each(struct store *s, store_brief_cb cb,
				    void *ctx, struct od_err *err)
{
	return brief_walk(s, brief_sql, NULL, cb, ctx, err);
}

enum od_code store_order_brief_one(struct store *s, const char *number,
				   store_brief_cb cb, void *ctx,
				   struct od_err *err)
{
	return brief_walk(s, brief_one_sql, number, cb, ctx, err);
}

enum od_code store_return_open_each(struct store *s, store_return_open_cb cb,
				    void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc;
	int src = SQLITE_DONE;

	rc = walk_prepare(s, return_open_sql, &st, err);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx, column_text(st, 0), column_text(st, 1), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "listing open returns", err);
	sqlite3_finalize(st);
	return rc;
}
