/* store-search-schema.c - the full-text index's schema and its fold. */
#include "storage/store-search-schema.h"

#include <stdlib.h>

#include "lib/text-fold.h"
#include "storage/vfs-crypt.h"

/*
 * The index.  search_docs keeps each order's folded text under an integer
 * id (FTS5 needs one; orders has none), with a newline before every field
 * so that "\nga" is a field that starts with "ga" (orders.search ends each
 * field with one already).  order_fts indexes it as trigrams: the text is
 * folded already, so its own case folding is off (case_sensitive 1).  The
 * triggers are the only writers: an order written by any path is indexed
 * in the same transaction.
 */
static const char schema_sql[] =
	"CREATE TABLE search_docs("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"
	"  text TEXT NOT NULL);"
	"CREATE VIRTUAL TABLE order_fts USING fts5(text,"
	"  content='search_docs', content_rowid='id',"
	"  tokenize='trigram case_sensitive 1');"
	"CREATE TRIGGER search_order_added AFTER INSERT ON orders BEGIN"
	"  INSERT INTO search_docs(number, text)"
	"    VALUES(new.number, char(10) || od_fold(new.search));"
	" END;"
	"CREATE TRIGGER search_order_changed AFTER UPDATE OF number, search"
	"  ON orders BEGIN"
	"  UPDATE search_docs SET number = new.number,"
	"    text = char(10) || od_fold(new.search) WHERE number = old.number;"
	" END;"
	"CREATE TRIGGER search_order_gone AFTER DELETE ON orders BEGIN"
	"  DELETE FROM search_docs WHERE number = old.number;"
	" END;"
	"CREATE TRIGGER search_doc_added AFTER INSERT ON search_docs BEGIN"
	"  INSERT INTO order_fts(rowid, text) VALUES(new.id, new.text);"
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
	" ORDER BY placed_at, number";
/* od_fold(text): text folded for search (lib/text-fold.h). */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	struct od_err err;
	char *out;
	size_t len;

	(void)argc;
	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	switch (text_fold(s, (size_t)n, &out, &len, &err)) {
	case OD_OK:
		sqlite3_result_text(ctx, out, (int)len, free);
		break;
	case OD_E_INPUT:
		/* Never stored (every field is checked first); kept as is. */
		sqlite3_result_value(ctx, argv[0]);
		break;
	default:
		sqlite3_result_error_nomem(ctx);
		break;
	}
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

/* Whether the store has the index. */
static enum od_code has_index(sqlite3 *db, int *yes, struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name = 'order_fts'", -1, &st,
				     NULL);

	*yes = 0;
	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		*yes = sqlite3_column_int(st, 0) > 0;
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return vfs_crypt_error(src, "reading the store", err);
}

enum od_code search_schema_upgrade(sqlite3 *db, struct od_err *err)
{
	enum od_code rc;
	int yes;

	rc = has_index(db, &yes, err);
	if (rc != OD_OK || yes)
		return rc;
	/*
	 * Before the store is handed out (store_open): no transaction of its
	 * own is open, and the log's head record is not involved.
	 */
	rc = exec_sql(db, "BEGIN IMMEDIATE", "building the search index", err);
	if (rc != OD_OK)
		return rc;
	/* Another process may have built it while this one waited. */
	rc = has_index(db, &yes, err);
	if (rc == OD_OK && !yes) {
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
