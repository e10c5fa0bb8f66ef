/* store-search-schema.c - the full-text index's schema and its fold. */
#include "storage/store-search-schema.h"

#include <stdlib.h>
#include <string.h>

#include "lib/text-fold.h"
#include "storage/vfs-crypt.h"

/*
 * The index.  search_docs keeps each order's folded text under an integer
 * id (FTS5 needs one; orders has none), with a newline before every field
 * so that "\nga" is a field that starts with "ga" (orders.search ends each
 * field with one already).  order_fts indexes it as trigrams: the text is
 * folded already, so its own case folding is off (case_sensitive 1).  The
 * triggers write a changed or deleted order's text in the same
 * transaction; a new order's is written beside it by store_order_insert
 * (store-search-add.c), not by a trigger: with any trigger on the insert,
 * each insert opens a statement journal, and SQLite 3.40's FTS5 writes
 * its pending terms to disk at every such savepoint, one segment per
 * order (and the merges they bring), where a transaction without one
 * writes them once at its commit: most of a pulled entry's cost.
 */
static const char schema_sql[] =
	"CREATE TABLE search_docs("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"
	"  text TEXT NOT NULL);"
	"CREATE VIRTUAL TABLE order_fts USING fts5(text,"
	"  content='search_docs', content_rowid='id',"
	"  tokenize='trigram case_sensitive 1');"
	"CREATE TRIGGER search_order_changed AFTER UPDATE OF number, search"
	"  ON orders BEGIN"
	"  UPDATE search_docs SET number = new.number,"
	"    text = char(10) || od_fold(new.search) WHERE number = old.number;"
	" END;"
	"CREATE TRIGGER search_order_gone AFTER DELETE ON orders BEGIN"
	"  DELETE FROM search_docs WHERE number = old.number;"
	" END;"
	"CREATE TRIGGER search_doc_changed AFTER UPDATE ON search_docs BEGIN"
	"  INSERT INTO order_fts(order_fts, rowid, text)"
	"    VALUES('delete', old.id, old.text);"
	"  INSERT INTO order_fts(rowid, text) VALUES(new.id, new.text);"
	" END;"
	"CREATE TRIGGER search_doc_gone AFTER DELETE ON search_docs BEGIN"
	"  INSERT INTO order_fts(order_fts, rowid, text)"
	"    VALUES('delete', old.id, old.text);"
	" END;";
/* In placed order, so that a migrated store's ids follow the listing. */
static const char backfill_sql[] =
	"INSERT INTO search_docs(number, text)"
	" SELECT number, char(10) || od_fold(search) FROM orders"
	" ORDER BY placed_at, number;"
	"INSERT INTO order_fts(order_fts) VALUES('rebuild')";
/* The insert triggers of a store made before store_search_add. */
static const char old_triggers_sql[] =
	"DROP TRIGGER IF EXISTS search_order_added;"
	"DROP TRIGGER IF EXISTS search_doc_added";

enum od_code search_fold(const char *s, size_t n, char **out, size_t *len)
{
	struct od_err err;
	enum od_code rc = text_fold(s, n, out, len, &err);

	/* Never stored (every field is checked first); kept as is. */
	if (rc == OD_E_INPUT) {
		*out = malloc(n + 1);
		if (*out == NULL)
			return OD_E_NOMEM;
		memcpy(*out, s, n);
		(*out)[n] = '\0';
		*len = n;
		rc = OD_OK;
	}
	return rc;
}

/* od_fold(text): text folded for search (lib/text-fold.h). */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	char *out;
	size_t len;

	(void)argc;
	if (s == NULL)
		sqlite3_result_null(ctx);
	else if (search_fold(s, (size_t)n, &out, &len) == OD_OK)
		sqlite3_result_text(ctx, out, (int)len, free);
	else
		sqlite3_result_error_nomem(ctx);
}

enum od_code search_schema_register(sqlite3 *db, struct od_err *err)
{
	int src = sqlite3_create_function_v2(db, "od_fold", 1,
		SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
		fold_fn, NULL, NULL, NULL);

	return vfs_crypt_error(src, "opening the store", err);
}

/* Runs SQL text with no results. */
static enum od_code exec_sql(sqlite3 *db, const char *sql, const char *what,
			     struct od_err *err)
{
	return vfs_crypt_error(sqlite3_exec(db, sql, NULL, NULL, NULL), what,
			       err);
}

enum od_code search_schema_create(sqlite3 *db, struct od_err *err)
{
	return exec_sql(db, schema_sql, "making the search index", err);
}

/*
 * What the store holds of the index: the index (has), and the insert
 * triggers an older orderdesk made (old), which store_search_add replaces.
 */
static enum od_code index_state(sqlite3 *db, int *has, int *old,
				struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(db, "SELECT sum(name = 'order_fts'),"
				     " sum(name IN ('search_order_added',"
				     " 'search_doc_added')) FROM sqlite_master",
				     -1, &st, NULL);

	*has = *old = 0;
	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		*has = sqlite3_column_int(st, 0) > 0;
		*old = sqlite3_column_int(st, 1) > 0;
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return vfs_crypt_error(src, "reading the store", err);
}

enum od_code search_schema_upgrade(sqlite3 *db, struct od_err *err)
{
	enum od_code rc;
	int has, old;

	rc = index_state(db, &has, &old, err);
	if (rc != OD_OK || (has && !old))
		return rc;
	/*
	 * Before the store is handed out (store_open): no transaction of its
	 * own is open, and the log's head record is not involved.
	 */
	rc = exec_sql(db, "BEGIN IMMEDIATE", "building the search index", err);
	if (rc != OD_OK)
		return rc;
	/* Another process may have done it while this one waited. */
	rc = index_state(db, &has, &old, err);
	if (rc == OD_OK && old)
		rc = exec_sql(db, old_triggers_sql, "upgrading the search "
			      "index", err);
	if (rc == OD_OK && !has) {
		rc = search_schema_create(db, err);
		if (rc == OD_OK)
			rc = exec_sql(db, backfill_sql,
				      "building the search index", err);
	}
	if (rc == OD_OK)
		rc = exec_sql(db, "COMMIT", "building the search index", err);
	if (rc != OD_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
