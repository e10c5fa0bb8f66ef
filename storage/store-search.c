/* store-search.c - the orders' full-text index (FTS5, trigrams, folded). */
#include "storage/store-search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text-fold.h"
#include "storage/store-internal.h"

/* The index's terms, for a query of one character (per connection). */
static const char terms_table_sql[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.order_fts_terms"
	" USING fts5vocab(main, order_fts, row)";
static const char terms_sql[] =
	"SELECT term FROM temp.order_fts_terms WHERE term >= ?1 AND term < ?2";
static const char ids_sql[] =
	"SELECT rowid FROM order_fts WHERE order_fts MATCH ?1";
static const char docs_sql[] =
	"SELECT d.id, o.placed_at, o.number FROM orders o INDEXED BY orders_list"
	" JOIN search_docs d ON d.number = o.number"
	" ORDER BY o.placed_at, o.number";

/* Runs SQL text with no results. */
static enum od_code exec_sql(struct store *s, const char *sql,
			     const char *what, struct od_err *err)
{
	int src = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (src != SQLITE_OK)
		return store_fail(s, src, what, err);
	return OD_OK;
}

/* Appends text as an FTS5 string: in double quotes, quotes doubled. */
static enum od_code add_phrase(struct buf *b, const char *pre,
			       const char *text, size_t n, struct od_err *err)
{
	enum od_code rc = buf_add(b, b->len ? " OR \"" : "\"",
				  b->len ? 5 : 1, err);
	size_t i;

	if (rc == OD_OK)
		rc = buf_adds(b, pre, err);
	for (i = 0; i < n && rc == OD_OK; i++)
		rc = buf_add(b, text[i] == '"' ? "\"\"" : &text[i],
			     text[i] == '"' ? 2 : 1, err);
	if (rc == OD_OK)
		rc = buf_add(b, "\"", 1, err);
	return rc;
}

/* Adds every indexed trigram that starts with pre + q, as phrases. */
static enum od_code add_terms(struct store *s, const char *pre,
			      const char *q, struct buf *expr,
			      struct od_err *err)
{
	char lo[16], hi[16];
	sqlite3_stmt *st = NULL;
	enum od_code rc = exec_sql(s, terms_table_sql, "searching", err);
	int src = SQLITE_DONE;

	if (rc != OD_OK)
		return rc;
	/* Past every UTF-8 sequence that can follow: 0xF5 starts none. */
	snprintf(lo, sizeof lo, "%s%s", pre, q);
	snprintf(hi, sizeof hi, "%s%s\xf5", pre, q);
	st = store_stmt(s, terms_sql, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, lo);
	store_bind_text(st, 2, hi);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_phrase(expr, "", store_col_text(st, 0),
				(size_t)sqlite3_column_bytes(st, 0), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "searching", err);
	sqlite3_reset(st);
	if (rc == OD_E_INPUT)
		rc = od_err_set(err, OD_E_INPUT, "one character matches too "
				"many words; type one more");
	return rc;
}

enum od_code store_search_expr(struct store *s, const char *text,
			       struct buf *expr, struct od_err *err)
{
	char *q = NULL;
	size_t len, chars;
	enum od_code rc;

	buf_reset(expr);
	if (strlen(text) > STORE_SEARCH_MAX)
		return od_err_set(err, OD_E_INPUT, "the search text is longer "
				  "than %d bytes; shorten it",
				  STORE_SEARCH_MAX);
	rc = text_fold(text, strlen(text), &q, &len, err);
	if (rc != OD_OK)
		return rc;
	chars = text_fold_chars(q, len);
	if (chars >= 3)
		rc = add_phrase(expr, "", q, len, err);
	else if (chars == 2) {
		rc = add_phrase(expr, "\n", q, len, err);
		if (rc == OD_OK)
			rc = add_phrase(expr, " ", q, len, err);
	} else if (chars == 1) {
		rc = add_terms(s, "\n", q, expr, err);
		if (rc == OD_OK)
			rc = add_terms(s, " ", q, expr, err);
	}
	free(q);
	return rc;
}

enum od_code store_search_ids(struct store *s, const char *text,
			      store_search_id_cb cb, void *ctx,
			      struct od_err *err)
{
	struct buf expr;
	sqlite3_stmt *st = NULL;
	enum od_code rc;
	int src = SQLITE_DONE;

	buf_init(&expr, STORE_SEARCH_EXPR_MAX);
	rc = store_search_expr(s, text, &expr, err);
	if (rc != OD_OK || expr.len == 0)
		goto out;
	st = store_stmt(s, ids_sql, err);
	if (st == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, expr.data);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx, sqlite3_column_int64(st, 0), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "searching", err);
	sqlite3_reset(st);
out:
	buf_free(&expr);
	return rc;
}

enum od_code store_search_id_each(struct store *s, store_search_doc_cb cb,
				  void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src = sqlite3_prepare_v2(s->db, docs_sql, -1, &st, NULL);

	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the search index", err);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx, sqlite3_column_int64(st, 0), store_col_text(st, 1),
			store_col_text(st, 2), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the search index", err);
	sqlite3_finalize(st);
	return rc;
}
