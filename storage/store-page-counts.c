/* store-page-counts.c - orders per status, kept by the store's writes. */
#include "storage/store-page-counts.h"

#include "storage/store-internal.h"

/*
 * A row per status exists from the schema on (store-page-schema.c), so
 * each is a plain UPDATE of one row by its key: no constraint to check,
 * so no statement journal either.
 */
static const char added_sql[] =
	"UPDATE page_counts SET n = n + 1 WHERE status = ?1";
static const char moving_sql[] =
	"UPDATE page_counts SET n = n + (page_counts.status = ?2)"
	"  - (page_counts.status = o.status)"
	" FROM (SELECT status FROM orders WHERE number = ?1) o"
	" WHERE o.status IS NOT ?2 AND page_counts.status IN (o.status, ?2)";

enum od_code page_count_added(struct store *s, int status,
			      struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, added_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int(st, 1, status);
	return store_step_done(s, st, "counting the orders", err);
}

enum od_code page_count_moving(struct store *s, const char *number,
			       int status, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, moving_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, number);
	sqlite3_bind_int(st, 2, status);
	return store_step_done(s, st, "counting the orders", err);
}
