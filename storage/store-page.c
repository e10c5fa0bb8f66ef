/*
 * store-page.c - the orders list a page at a time (store-page.h): one
 * query per page, made from the sort's columns, walking the sort's index
 * from the key.
 */
#include "storage/store-page.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "storage/store-internal.h"
#include "storage/store-page-schema.h"

/* Each sort's index and its key's columns, in index order. */
static const struct {
	const char *index, *found_index;
	const char *cols[4];
} sorts[STORE_PAGE_SORTS] = {
	[STORE_PAGE_PLACED] = { "orders_status", "found_placed",
		{ "o.placed_at", "o.number" } },
	[STORE_PAGE_NUMBER] = { "page_number", "found_number",
		{ "length(CAST(o.number AS BLOB))", "o.number" } },
	[STORE_PAGE_CUSTOMER] = { "page_customer", "found_customer",
		{ "o.customer", "o.placed_at", "o.number" } },
	[STORE_PAGE_TOTAL] = { "page_total", "found_total",
		{ "o.currency", "-o.total", "o.placed_at", "o.number" } },
};

#define BRIEF_COLS "o.number, o.placed_at, o.customer, o.currency," \
	" o.total, o.nitems, o.status"
/*
 * The search's hits, ids of the full-text index read once per search
 * (store_page_hits); an order's id is in search_docs' index of numbers.
 */
#define SEARCH_IN " AND (SELECT d.id FROM search_docs d WHERE d.number =" \
	" o.number) IN temp.page_hits"
/*
 * A broad search's hits are not all read: each row asks the full-text
 * index whether it is one (a seek of its doclists to the row's id).
 */
#define SEARCH_EACH " AND EXISTS (SELECT 1 FROM order_fts f WHERE" \
	" order_fts MATCH ?8 AND f.rowid = (SELECT d.id FROM search_docs d" \
	" WHERE d.number = o.number))"
/* A return open (0) or received (1), not yet closed: returns are few, so
 * a page of them starts from them (CROSS JOIN keeps that order). */
#define RETURNS_FIRST "(SELECT DISTINCT order_no FROM returns" \
	" WHERE state < 2) r CROSS JOIN orders o ON o.number = r.order_no"
#define RETURN_IN " AND o.number IN (SELECT order_no FROM returns" \
	" WHERE state < 2)"

/* Appends text to buf (size bytes, *len used), cut at the end. */
static void add(char *buf, size_t size, size_t *len, const char *text)
{
	int n = snprintf(buf + *len, size - *len, "%s", text);

	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

/* The sort's columns from first on, each followed by suffix, into buf. */
static void add_cols(char *buf, size_t size, size_t *len,
		     enum store_page_sort sort, int first, const char *suffix)
{
	int i;

	for (i = first; i < 4 && sorts[sort].cols[i] != NULL; i++) {
		add(buf, size, len, i > first ? ", " : "");
		add(buf, size, len, sorts[sort].cols[i]);
		add(buf, size, len, suffix);
	}
}

/* How many columns the sort's key has. */
static int ncols(enum store_page_sort sort)
{
	int n = 0;

	while (n < 4 && sorts[sort].cols[n] != NULL)
		n++;
	return n;
}

static void page_sql_as(enum store_page_sort sort, int backward, int level,
			const struct store_page_filter *f, int count,
			char *buf, size_t size);

/*
 * The query for one level of a page.  Rows after a key (a, b, c) are those
 * with a = ?2, b = ?3, c > ?4 (level 2), then a = ?2, b > ?3 (level 1), then
 * a > ?2 (level 0), each a plain range of the index: a row value over an
 * indexed expression (the number's length, -total) would only narrow the
 * index by its first column.  level -1: no key, from the first row.
 */
static void page_sql(enum store_page_sort sort, int backward, int level,
		     const struct store_page_filter *f, char *buf,
		     size_t size)
{
	page_sql_as(sort, backward, level, f, 0, buf, size);
}

/*
 * page_sql, or with count its rows counted: only the key's columns are
 * asked, so the index covers the count (asking a row's other columns cost
 * a seek of the table per row: 5.7 s at the end of 1M by customer).
 */
static void page_sql_as(enum store_page_sort sort, int backward, int level,
			const struct store_page_filter *f, int count,
			char *buf, size_t size)
{
	static const char *const params[4] = { "?2", "?3", "?4", "?5" };
	size_t len = 0;
	int i;

	buf[0] = '\0';
	add(buf, size, &len, count ? "SELECT count(*) FROM " :
	    "SELECT " BRIEF_COLS " FROM ");
	/* A search with few hits reads the copy of them, with its indexes. */
	if (f != NULL && f->every && sort == STORE_PAGE_PLACED &&
	    f->search != STORE_PAGE_FOUND) {
		/* Every column a row needs, in placed order. */
		add(buf, size, &len, "orders o INDEXED BY orders_list"
		    " WHERE ?1 IS NOT NULL");
	} else if (f != NULL && f->search == STORE_PAGE_FOUND) {
		add(buf, size, &len, "temp.page_found o INDEXED BY ");
		add(buf, size, &len, sorts[sort].found_index);
		add(buf, size, &len, " WHERE o.status = ?1");
	} else if (f != NULL && f->open_return) {
		/* Returns are few: each order found by its number from the
		 * returns table, then sorted, not a walk of the status's
		 * index past every order that has none. */
		add(buf, size, &len, RETURNS_FIRST " WHERE o.status = ?1");
	} else {
		add(buf, size, &len, "orders o INDEXED BY ");
		add(buf, size, &len, sorts[sort].index);
		add(buf, size, &len, " WHERE o.status = ?1");
	}
	for (i = 0; i <= level; i++) {
		add(buf, size, &len, " AND ");
		add(buf, size, &len, sorts[sort].cols[i]);
		add(buf, size, &len, i < level ? " = " :
		    backward ? " < " : " > ");
		add(buf, size, &len, params[i]);
	}
	if (f != NULL && f->search == STORE_PAGE_HITS)
		add(buf, size, &len, SEARCH_IN);
	if (f != NULL && f->search == STORE_PAGE_BROAD)
		add(buf, size, &len, SEARCH_EACH);
	if (f != NULL && f->open_return && f->search == STORE_PAGE_FOUND)
		add(buf, size, &len, RETURN_IN);
	if (count)
		return;
	/* Not by the columns held equal: SQLite would sort by the number's
	 * length rather than see it is one value. */
	add(buf, size, &len, " ORDER BY ");
	add_cols(buf, size, &len, sort, level > 0 ? level : 0,
		 backward ? " DESC" : "");
	add(buf, size, &len, " LIMIT ?9");
}

/* Which of the indexes made on demand sort needs (-1: none). */
static int on_demand(enum store_page_sort sort)
{
	return sort == STORE_PAGE_CUSTOMER ? 0 : sort == STORE_PAGE_TOTAL ?
	       1 : -1;
}

enum od_code store_page_index_has(struct store *s, enum store_page_sort sort,
				  int *yes, struct od_err *err)
{
	return page_sort_index_has(s->db, on_demand(sort), yes, err);
}

enum od_code store_page_index_make(struct store *s,
				   enum store_page_sort sort,
				   struct od_err *err)
{
	return page_sort_index_make(s->db, on_demand(sort), err);
}

void store_page_sql(enum store_page_sort sort, int backward, int level,
		    const struct store_page_filter *f, char *buf, size_t size)
{
	page_sql(sort, backward, level, f, buf, size);
}

int store_page_levels(enum store_page_sort sort)
{
	return (unsigned)sort < STORE_PAGE_SORTS ? ncols(sort) : 0;
}

/* Binds the key's columns the sort uses, from ?2 on. */
static void bind_key(sqlite3_stmt *st, enum store_page_sort sort,
		     const struct order_brief *k)
{
	int i = 2;

	switch (sort) {
	case STORE_PAGE_NUMBER:
		sqlite3_bind_int64(st, i++, (long long)strlen(k->number));
		store_bind_text(st, i, k->number);
		return;
	case STORE_PAGE_CUSTOMER:
		store_bind_text(st, i++, k->customer_name);
		break;
	case STORE_PAGE_TOTAL:
		store_bind_text(st, i++, k->currency);
		sqlite3_bind_int64(st, i++, -k->total);
		break;
	default:
		break;
	}
	store_bind_text(st, i++, k->placed_at);
	store_bind_text(st, i, k->number);
}

/* The brief of the current row of a query of BRIEF_COLS. */
static void brief_read(sqlite3_stmt *st, struct order_brief *b)
{
	const char *cur = store_col_text(st, 3);

	memset(b, 0, sizeof *b);
	b->number = store_col_text(st, 0);
	b->placed_at = store_col_text(st, 1);
	b->customer_name = store_col_text(st, 2);
	snprintf(b->currency, sizeof b->currency, "%s", cur);
	b->total = sqlite3_column_int64(st, 4);
	b->nitems = (size_t)sqlite3_column_int64(st, 5);
	b->status = (enum order_status)sqlite3_column_int(st, 6);
}

/* A page's walk: the rows still wanted and the caller's callback. */
struct walk {
	size_t left;
	store_brief_cb cb;
	void *ctx;
};

/* Steps st to its end, calling cb with each row; finalizes st. */
static enum od_code run_rows(struct store *s, sqlite3_stmt *st,
			     struct walk *w, struct od_err *err)
{
	struct order_brief b;
	enum od_code rc = OD_OK;
	int src;

	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		brief_read(st, &b);
		if (w->left > 0)
			w->left--;
		rc = w->cb(w->ctx, &b, err);
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the orders", err);
	sqlite3_finalize(st);
	return rc;
}

/* Binds a page's parameters (page_sql): limit -1 is no limit. */
static void bind_page(sqlite3_stmt *st, int status, enum store_page_sort sort,
		      const struct order_brief *key,
		      const struct store_page_filter *f, long long limit)
{
	sqlite3_bind_int(st, 1, status);
	if (key != NULL)
		bind_key(st, sort, key);
	if (f != NULL && f->search == STORE_PAGE_BROAD)
		store_bind_text(st, 8, f->expr);
	sqlite3_bind_int64(st, 9, limit);
}

/* Runs one level of a page (page_sql) for at most w->left rows. */
static enum od_code run_level(struct store *s, int status,
			      enum store_page_sort sort, int backward,
			      int level, const struct order_brief *key,
			      const struct store_page_filter *f,
			      struct walk *w, struct od_err *err)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	int src;

	page_sql(sort, backward, level, f, sql, sizeof sql);
	/* Prepared per page (tens of microseconds): too many shapes for the
	 * store's cache of statements. */
	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the orders", err);
	bind_page(st, status, sort, key, f, w->left > INT64_MAX ? INT64_MAX :
		  (long long)w->left);
	return run_rows(s, st, w, err);
}

enum od_code store_page_rows(struct store *s, int status,
			     enum store_page_sort sort, int backward,
			     const struct order_brief *key,
			     const struct store_page_filter *f, size_t limit,
			     store_brief_cb cb, void *ctx, struct od_err *err)
{
	struct walk w = { limit, cb, ctx };
	enum od_code rc = OD_OK;
	int level;

	if ((unsigned)sort >= STORE_PAGE_SORTS)
		return od_err_set(err, OD_E_USAGE, "unknown sort order");
	if (key == NULL)
		return limit ? run_level(s, status, sort, backward, -1, NULL,
					 f, &w, err) : OD_OK;
	/* The key's own ties first, then ever wider ranges. */
	for (level = ncols(sort) - 1; level >= 0 && rc == OD_OK; level--)
		if (w.left > 0)
			rc = run_level(s, status, sort, backward, level, key,
				       f, &w, err);
	return rc;
}

/* Adds to *n the rows one level of a page (page_sql) has, unlimited. */
static enum od_code count_level(struct store *s, int status,
				enum store_page_sort sort, int backward,
				int level, const struct order_brief *key,
				const struct store_page_filter *f, size_t *n,
				struct od_err *err)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	int src;

	/* The walk of the index the page would take, counted in SQLite:
	 * no row is read out. */
	page_sql_as(sort, backward, level, f, 1, sql, sizeof sql);
	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "counting the orders", err);
	bind_page(st, status, sort, key, f, -1);
	if ((src = sqlite3_step(st)) == SQLITE_ROW)
		*n += (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (src != SQLITE_ROW)
		return store_fail(s, src, "counting the orders", err);
	return OD_OK;
}

enum od_code store_page_count(struct store *s, int status,
			      enum store_page_sort sort, int backward,
			      const struct order_brief *key,
			      const struct store_page_filter *f, size_t *n,
			      struct od_err *err)
{
	enum od_code rc = OD_OK;
	int level;

	*n = 0;
	if ((unsigned)sort >= STORE_PAGE_SORTS)
		return od_err_set(err, OD_E_USAGE, "unknown sort order");
	if (key == NULL)
		return count_level(s, status, sort, backward, -1, NULL, f, n,
				   err);
	for (level = ncols(sort) - 1; level >= 0 && rc == OD_OK; level--)
		rc = count_level(s, status, sort, backward, level, key, f, n,
				 err);
	return rc;
}

void store_page_counts_sql(const struct store_page_filter *f, char *buf,
			   size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (f == NULL || (!f->search && !f->open_return)) {
		add(buf, size, &len, "SELECT status, n FROM page_counts");
		return;
	}
	if (f->search == STORE_PAGE_FOUND)
		add(buf, size, &len, "SELECT o.status, count(*) FROM"
		    " temp.page_found o WHERE 1");
	else if (f->search)
		/* At most count_max of them (?1): store_page_counts. */
		add(buf, size, &len, "SELECT o.status, count(*) FROM"
		    " (SELECT id FROM temp.page_hits LIMIT ?1) h"
		    " CROSS JOIN search_docs d INDEXED BY"
		    " page_docs ON d.id = h.id CROSS JOIN orders o INDEXED BY"
		    " page_status ON o.number = d.number WHERE 1");
	else
		add(buf, size, &len, "SELECT o.status, count(*) FROM orders o"
		    " WHERE 1");
	if (f->open_return)
		add(buf, size, &len, RETURN_IN);
	add(buf, size, &len, " GROUP BY o.status");
}

static long found_max = STORE_PAGE_FOUND_MAX;
static long hits_max = STORE_PAGE_HITS_MAX;
static long count_max = STORE_PAGE_COUNT_MAX;

void store_page_set_limits(long found, long hits, long count)
{
	found_max = found >= 0 ? found : STORE_PAGE_FOUND_MAX;
	hits_max = hits >= 0 ? hits : STORE_PAGE_HITS_MAX;
	count_max = count >= 0 ? count : STORE_PAGE_COUNT_MAX;
}

enum od_code store_page_counts(struct store *s,
			       const struct store_page_filter *f,
			       size_t counts[ORDER_STATUS_COUNT],
			       int *capped, struct od_err *err)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int src, status, some = f != NULL && (f->search == STORE_PAGE_HITS ||
					      f->search == STORE_PAGE_BROAD);
	long long n;

	memset(counts, 0, ORDER_STATUS_COUNT * sizeof *counts);
	/* A broad search's hits were not all read. */
	if (capped != NULL)
		*capped = some && (f->hits > (size_t)count_max ||
				   f->search == STORE_PAGE_BROAD);
	store_page_counts_sql(f, sql, sizeof sql);
	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "counting the orders", err);
	if (some)
		sqlite3_bind_int64(st, 1, count_max);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		status = sqlite3_column_int(st, 0);
		n = sqlite3_column_int64(st, 1);
		if (status >= 0 && status < ORDER_STATUS_COUNT && n > 0)
			counts[status] = (size_t)n;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return store_fail(s, src, "counting the orders", err);
	return OD_OK;
}

enum od_code store_page_one(struct store *s, const char *number,
			    store_brief_cb cb, void *ctx, struct od_err *err)
{
	struct walk w = { 1, cb, ctx };
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(s->db, "SELECT " BRIEF_COLS
				     " FROM orders o WHERE o.number = ?1", -1,
				     &st, NULL);

	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the order", err);
	store_bind_text(st, 1, number);
	return run_rows(s, st, &w, err);
}

/* The hits of one search, for the pages and counts after it. */
static const char hits_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS page_hits(id INTEGER PRIMARY KEY);"
	"DELETE FROM temp.page_hits;";
static const char hits_fill_sql[] =
	"INSERT INTO temp.page_hits SELECT rowid FROM order_fts"
	" WHERE order_fts MATCH ?1 LIMIT ?2";
/* Few hits: their rows copied once, with an index per sort. */
static const char found_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS page_found(number TEXT PRIMARY KEY,"
	"  placed_at TEXT, customer TEXT, currency TEXT, total INTEGER,"
	"  nitems INTEGER, status INTEGER) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS temp.found_placed ON page_found(status,"
	"  placed_at, number);"
	"CREATE INDEX IF NOT EXISTS temp.found_number ON page_found(status,"
	"  length(CAST(number AS BLOB)), number);"
	"CREATE INDEX IF NOT EXISTS temp.found_customer ON page_found(status,"
	"  customer, placed_at, number);"
	"CREATE INDEX IF NOT EXISTS temp.found_total ON page_found(status,"
	"  currency, -total, placed_at, number);"
	"DELETE FROM temp.page_found;";
static const char found_fill_sql[] =
	"INSERT INTO temp.page_found SELECT " BRIEF_COLS " FROM"
	" temp.page_hits h CROSS JOIN search_docs d INDEXED BY page_docs"
	" ON d.id = h.id CROSS JOIN orders o ON o.number = d.number";

/* Runs one statement of sql, binding text to ?1 if not NULL, and ?2
 * to limit (hits_max + 1: more than that is broad). */
static int run_one(sqlite3 *db, const char *sql, const char *text)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (src == SQLITE_OK && text != NULL)
		src = sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (src == SQLITE_OK && text != NULL)
		src = sqlite3_bind_int64(st, 2, hits_max + 1);
	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_DONE)
		src = SQLITE_OK;
	sqlite3_finalize(st);
	return src;
}

enum od_code store_page_hits(struct store *s, const char *expr, int *mode,
			     size_t *hits, struct od_err *err)
{
	int src = sqlite3_exec(s->db, hits_sql, NULL, NULL, NULL);

	*mode = STORE_PAGE_HITS;
	*hits = 0;
	if (src == SQLITE_OK)
		src = run_one(s->db, hits_fill_sql, expr);
	if (src == SQLITE_OK)
		*hits = (size_t)sqlite3_changes(s->db);
	if (src == SQLITE_OK && *hits > (size_t)hits_max)
		*mode = STORE_PAGE_BROAD;
	if (src == SQLITE_OK && *hits <= (size_t)found_max) {
		src = sqlite3_exec(s->db, found_sql, NULL, NULL, NULL);
		if (src == SQLITE_OK)
			src = run_one(s->db, found_fill_sql, NULL);
		*mode = STORE_PAGE_FOUND;
	}
	if (src != SQLITE_OK)
		return store_fail(s, src, "searching", err);
	return OD_OK;
}
