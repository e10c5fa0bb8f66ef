/*
 * store-numbers.c - order numbers from an index (store-numbers.h): by
 * prefix, a range of the number's index; by status, the status index.
 */
#include "storage/store-numbers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store-internal.h"

/*
 * A prefix is a range, not LIKE (which folds case, and whose '%' and '_'
 * would need escaping) nor GLOB ('*', '?', '['): number >= prefix and
 * number < the prefix with its last byte one up.  The status is in the
 * index page_status (number, status), so the scope asks no row.
 */
#define SEL  "SELECT number FROM orders WHERE number >= ?1"
#define END  " AND number < ?2"
#define KEEP " AND (?3 = 0 OR (?3 >> status) & 1)"
/* A return open (0) or received (1), not yet closed: returns are few. */
#define RET  " AND number IN (SELECT order_no FROM returns WHERE state < 2)"
#define UP   " ORDER BY number LIMIT ?4"
#define DOWN " ORDER BY number DESC LIMIT ?4"

/* [backward][bounded][open_return] */
static const char *const prefix_sql[2][2][2] = {
	{ { SEL KEEP UP, SEL KEEP RET UP },
	  { SEL END KEEP UP, SEL END KEEP RET UP } },
	{ { SEL KEEP DOWN, SEL KEEP RET DOWN },
	  { SEL END KEEP DOWN, SEL END KEEP RET DOWN } },
};

static const char status_sql[] = "SELECT number FROM orders WHERE status = ?1";

const char *store_numbers_prefix_sql(int backward, int bounded,
				     int open_return)
{
	return prefix_sql[!!backward][!!bounded][!!open_return];
}

const char *store_numbers_status_sql(void)
{
	return status_sql;
}

/*
 * The first string past every one that starts with prefix (len bytes)
 * into end: the prefix with its last byte one up, trailing 0xff bytes
 * dropped first (nothing is past "a\xff..." but "b").  0 when there is
 * none (an empty prefix, or all 0xff): the range has no end.
 */
static size_t range_end(const char *prefix, size_t len, char *end)
{
	memcpy(end, prefix, len);
	while (len > 0 && (unsigned char)end[len - 1] == 0xff)
		len--;
	if (len > 0)
		end[len - 1] = (char)((unsigned char)end[len - 1] + 1);
	return len;
}

/*
 * Steps st to its end, calling cb with each row's number, and finalizes
 * it.  Prepared per call, not kept in the store's cache (sized for the
 * queries of every operation): a Tab or the Held tab is not every key.
 */
static enum od_code each_number(struct store *s, sqlite3_stmt *st,
				store_number_cb cb, void *ctx,
				const char *what, struct od_err *err)
{
	enum od_code rc = OD_OK;
	int src = SQLITE_DONE;

	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = cb(ctx, store_col_text(st, 0), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, what, err);
	sqlite3_finalize(st);
	return rc;
}

/* Prepares sql into *st; OD_OK or what failed. */
static enum od_code prepare(struct store *s, const char *sql,
			    sqlite3_stmt **st, struct od_err *err)
{
	int src = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return src == SQLITE_OK ? OD_OK :
	       store_fail(s, src, "reading the order numbers", err);
}

enum od_code store_numbers_prefix(struct store *s, const char *prefix,
				  const struct store_numbers_scope *scope,
				  int backward, size_t limit,
				  store_number_cb cb, void *ctx,
				  struct od_err *err)
{
	size_t len = strlen(prefix), end_len;
	char *end;
	sqlite3_stmt *st = NULL;
	enum od_code rc;

	if (limit == 0)
		return OD_OK;
	end = malloc(len + 1);
	if (end == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	end_len = range_end(prefix, len, end);
	rc = prepare(s, store_numbers_prefix_sql(backward, end_len > 0,
		     scope != NULL && scope->open_return), &st, err);
	if (rc != OD_OK) {
		free(end);
		return rc;
	}
	/* Bytes as they are: a typed prefix need not be UTF-8. */
	sqlite3_bind_text(st, 1, prefix, (int)len, SQLITE_STATIC);
	if (end_len > 0)
		sqlite3_bind_text(st, 2, end, (int)end_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, scope != NULL ? scope->statuses : 0);
	sqlite3_bind_int64(st, 4, limit > (size_t)INT64_MAX ? INT64_MAX :
			   (sqlite3_int64)limit);
	rc = each_number(s, st, cb, ctx, "reading the order numbers", err);
	free(end);
	return rc;
}

enum od_code store_numbers_status(struct store *s, int status,
				  store_number_cb cb, void *ctx,
				  struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc = prepare(s, status_sql, &st, err);

	if (rc != OD_OK)
		return rc;
	sqlite3_bind_int(st, 1, status);
	return each_number(s, st, cb, ctx, "reading the orders by status",
			   err);
}
