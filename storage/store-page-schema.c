/* store-page-schema.c - the paged list's indexes and per-status counts. */
#include "storage/store-page-schema.h"

#include "storage/vfs-crypt.h"

/*
 * orders_status (status, placed_at, number) already serves the placed
 * order.  Each index below ends with what breaks ties (placed, then
 * number: the list's order), so a key of its columns names one row and a
 * page starts exactly after the last row shown.  The number sorts as
 * people count ("999" before "1000"): by its length in bytes first.
 * Numbers come in rising, so this index costs an import little.
 */
static const char index_sql[] =
	"CREATE INDEX IF NOT EXISTS page_number ON orders(status,"
	"  length(CAST(number AS BLOB)), number);"
	/*
	 * For a search's counts: from the full-text index's ids to numbers
	 * and from numbers to statuses, without reading the rows, which hold
	 * every order's text.
	 */
	"CREATE INDEX IF NOT EXISTS page_docs ON search_docs(id, number);"
	"CREATE INDEX IF NOT EXISTS page_status ON orders(number, status);";

/*
 * The customer's and the total's orders are made when the list is first
 * sorted by them (page_sort_index_make): each costs every later import
 * some 5% of its CPU (new rows land all over them), which a shop that
 * never sorts so need not pay.  The total sorts highest first within a
 * currency: -total, ascending.
 */
static const char *const sort_index_sql[2] = {
	"CREATE INDEX IF NOT EXISTS page_customer ON orders(status, customer,"
	"  placed_at, number)",
	"CREATE INDEX IF NOT EXISTS page_total ON orders(status, currency,"
	"  -total, placed_at, number)",
};
static const char *const sort_index_name[2] = { "page_customer",
						"page_total" };

/*
 * Orders per status, a row for each from the start, kept by the store's
 * writes of orders in their own transaction (store-page-counts.h; no
 * trigger, which would cost every write a statement journal), so the tab
 * bar reads six rows.  The statuses are storage/records.h's, 0 to 5.
 */
static const char counts_sql[] =
	"CREATE TABLE page_counts(status INTEGER PRIMARY KEY, n INTEGER);"
	"INSERT INTO page_counts(status, n) VALUES(0, 0), (1, 0), (2, 0),"
	"  (3, 0), (4, 0), (5, 0);"
	"UPDATE page_counts SET n = c.n FROM (SELECT status, count(*) AS n"
	"  FROM orders GROUP BY status) c WHERE c.status = page_counts.status;";

/*
 * A store made while the counts were kept by triggers: they go, and the
 * counts (a row only for statuses seen) are made again.
 */
static const char triggers_gone_sql[] =
	"DROP TRIGGER IF EXISTS page_order_added;"
	"DROP TRIGGER IF EXISTS page_order_moved;"
	"DROP TRIGGER IF EXISTS page_order_gone;"
	"DROP TABLE IF EXISTS page_counts;";

/* Runs SQL text with no results. */
static enum od_code exec_sql(sqlite3 *db, const char *sql,
			     struct od_err *err)
{
	return vfs_crypt_error(sqlite3_exec(db, sql, NULL, NULL, NULL),
			       "making the list's indexes", err);
}

/* Whether the store has the object called name. */
static enum od_code has(sqlite3 *db, const char *name, int *yes,
			struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name = ?1", -1, &st, NULL);

	*yes = 0;
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		*yes = sqlite3_column_int(st, 0) > 0;
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return vfs_crypt_error(src, "reading the store", err);
}

/*
 * Whether everything here is made (the last index made, and the counts)
 * and nothing of old is left (the counts' triggers).
 */
static enum od_code has_all(sqlite3 *db, int *yes, int *counts,
			    int *trig, struct od_err *err)
{
	enum od_code rc = has(db, "page_status", yes, err);

	if (rc == OD_OK)
		rc = has(db, "page_counts", counts, err);
	if (rc == OD_OK)
		rc = has(db, "page_order_added", trig, err);
	*yes = *yes && *counts && !*trig;
	return rc;
}

enum od_code page_schema_ensure(sqlite3 *db, struct od_err *err)
{
	enum od_code rc;
	int yes, counts, trig, own = sqlite3_get_autocommit(db);

	rc = has_all(db, &yes, &counts, &trig, err);
	if (rc != OD_OK || yes)
		return rc;
	/* A new store's schema is made inside its own transaction. */
	if (own && (rc = exec_sql(db, "BEGIN IMMEDIATE", err)) != OD_OK)
		return rc;
	/* Another process may have made them while this one waited. */
	rc = has_all(db, &yes, &counts, &trig, err);
	if (rc == OD_OK && !yes)
		rc = exec_sql(db, index_sql, err);
	if (rc == OD_OK && trig) {
		rc = exec_sql(db, triggers_gone_sql, err);
		counts = 0;
	}
	if (rc == OD_OK && !counts)
		rc = exec_sql(db, counts_sql, err);
	if (own && rc == OD_OK)
		rc = exec_sql(db, "COMMIT", err);
	if (own && rc != OD_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

enum od_code page_sort_index_has(sqlite3 *db, int which, int *yes,
				 struct od_err *err)
{
	*yes = 1;
	if (which < 0 || which > 1)
		return OD_OK;
	return has(db, sort_index_name[which], yes, err);
}

enum od_code page_sort_index_make(sqlite3 *db, int which,
				  struct od_err *err)
{
	if (which < 0 || which > 1)
		return OD_OK;
	return exec_sql(db, sort_index_sql[which], err);
}
