/*
 * store-numbers.c - order numbers from an index (store-numbers.h): by
 * prefix, a range of the number's index; by status, the status index.
 */
#include "storage/store-numbers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store-internal.h"
#include "storage/store-page.h"

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

/*
 * A few orders' statuses (numbers_few): one status's index whole, its
 * numbers in the range kept.  orders_status (status, placed_at, number)
 * is the store's own, so always there; the number is its last column.
 */
#define STATUS_RANGE "SELECT number FROM orders INDEXED BY orders_status" \
	" WHERE status = ?1 AND number >= ?2"
static const char *const status_range_sql[2] = {
	STATUS_RANGE, STATUS_RANGE " AND number < ?3",
};

const char *store_numbers_prefix_sql(int backward, int bounded,
				     int open_return)
{
	return prefix_sql[!!backward][!!bounded][!!open_return];
}

const char *store_numbers_status_sql(void)
{
	return status_sql;
}

const char *store_numbers_few_sql(int bounded)
{
	return status_range_sql[!!bounded];
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

/* A prefix's range: from prefix (len bytes) to end (end_len; 0: none). */
struct range {
	const char *prefix;
	size_t len;
	char *end;
	size_t end_len;
};

/* Binds r to parameters at and at + 1 of st. */
static void bind_range(sqlite3_stmt *st, int at, const struct range *r)
{
	/* Bytes as they are: a typed prefix need not be UTF-8. */
	sqlite3_bind_text(st, at, r->prefix, (int)r->len, SQLITE_STATIC);
	if (r->end_len > 0)
		sqlite3_bind_text(st, at + 1, r->end, (int)r->end_len,
				  SQLITE_STATIC);
}

/* The range of the number's index, up to limit kept by scope. */
static enum od_code walk_range(struct store *s, const struct range *r,
			       const struct store_numbers_scope *scope,
			       int backward, size_t limit,
			       store_number_cb cb, void *ctx,
			       struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc = prepare(s, store_numbers_prefix_sql(backward,
				  r->end_len > 0, scope != NULL &&
				  scope->open_return), &st, err);

	if (rc != OD_OK)
		return rc;
	bind_range(st, 1, r);
	sqlite3_bind_int64(st, 3, scope != NULL ? scope->statuses : 0);
	sqlite3_bind_int64(st, 4, limit > (size_t)INT64_MAX ? INT64_MAX :
			   (sqlite3_int64)limit);
	return each_number(s, st, cb, ctx, "reading the order numbers", err);
}

/*
 * Whether the statuses' own orders are fewer than the range would walk
 * to find limit of them: the range holds some kept/all of them, spread,
 * so finds limit in about limit * all / kept rows; the status index
 * walks kept.  Either way at most about sqrt(limit * all) rows (some
 * 14,000 for 200 of a million), where the range alone walks them all for
 * a tab of a few held orders.  The counts are six rows the store keeps.
 */
static enum od_code numbers_few(struct store *s, unsigned statuses,
				size_t limit, int *few, struct od_err *err)
{
	size_t counts[ORDER_STATUS_COUNT], kept = 0, all = 0;
	enum od_code rc = store_page_counts(s, NULL, counts, NULL, err);
	int i;

	*few = 0;
	if (rc != OD_OK)
		return rc;
	for (i = 0; i < ORDER_STATUS_COUNT; i++) {
		all += counts[i];
		if (statuses & (1u << i))
			kept += counts[i];
	}
	*few = kept == 0 || (double)kept * kept < (double)limit * all;
	return OD_OK;
}

/* Numbers read whole, to be sorted. */
struct found {
	char **v;
	size_t n, cap;
};

static enum od_code found_add(void *ctx, const char *number,
			      struct od_err *err)
{
	struct found *f = ctx;
	char **v;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		v = realloc(f->v, f->cap * sizeof *v);
		if (v == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		f->v = v;
	}
	f->v[f->n] = strdup(number);
	if (f->v[f->n] == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	f->n++;
	return OD_OK;
}

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Each status's orders from its index, those in the range kept, sorted,
 * limit of them to cb (numbers_few: there are few).
 */
static enum od_code numbers_of_statuses(struct store *s,
					const struct range *r,
					unsigned statuses, int backward,
					size_t limit, store_number_cb cb,
					void *ctx, struct od_err *err)
{
	struct found f = { NULL, 0, 0 };
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	size_t i;
	int status;

	for (status = 0; status < ORDER_STATUS_COUNT && rc == OD_OK;
	     status++) {
		if (!(statuses & (1u << status)))
			continue;
		st = NULL;
		rc = prepare(s, status_range_sql[r->end_len > 0], &st, err);
		if (rc != OD_OK)
			break;
		sqlite3_bind_int(st, 1, status);
		bind_range(st, 2, r);
		rc = each_number(s, st, found_add, &f,
				 "reading the order numbers", err);
	}
	if (rc == OD_OK && f.n > 1)
		qsort(f.v, f.n, sizeof *f.v, by_bytes);
	for (i = 0; rc == OD_OK && i < f.n && i < limit; i++)
		rc = cb(ctx, f.v[backward ? f.n - 1 - i : i], err);
	for (i = 0; i < f.n; i++)
		free(f.v[i]);
	free(f.v);
	return rc;
}

enum od_code store_numbers_prefix(struct store *s, const char *prefix,
				  const struct store_numbers_scope *scope,
				  int backward, size_t limit,
				  store_number_cb cb, void *ctx,
				  struct od_err *err)
{
	struct range r = { prefix, strlen(prefix), NULL, 0 };
	enum od_code rc = OD_OK;
	int few = 0;

	if (limit == 0)
		return OD_OK;
	r.end = malloc(r.len + 1);
	if (r.end == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	r.end_len = range_end(prefix, r.len, r.end);
	/* Orders with a return open are few: the range asks each. */
	if (scope != NULL && scope->statuses != 0 && !scope->open_return)
		rc = numbers_few(s, scope->statuses, limit, &few, err);
	if (rc == OD_OK && few)
		rc = numbers_of_statuses(s, &r, scope->statuses, backward,
					 limit, cb, ctx, err);
	else if (rc == OD_OK)
		rc = walk_range(s, &r, scope, backward, limit, cb, ctx, err);
	free(r.end);
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
