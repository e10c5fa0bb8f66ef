/*
 * store-page.h - the orders list a page at a time, straight from the
 * store: the rows of one status after (or before) a row, in any sort the
 * list offers, by keyset (the sort's columns, then placed time and number,
 * compared as a row value against an index led by the status), narrowed
 * by the full-text search (store-search.h) and to orders with a return
 * open; and how many orders each status has.  Nothing here reads every
 * order: each page walks an index from the key for as many rows as asked
 * (store-page-schema.h makes the indexes and keeps the counts).
 */
#ifndef OD_STORE_PAGE_H
#define OD_STORE_PAGE_H

#include <stddef.h>

#include "storage/records.h"
#include "storage/store.h"

/* The sorts a page can follow (ties: placed time, then number). */
enum store_page_sort {
	STORE_PAGE_PLACED,      /* placed time, then number */
	STORE_PAGE_NUMBER,      /* the number's length in bytes, then it */
	STORE_PAGE_CUSTOMER,    /* customer name, byte order */
	STORE_PAGE_TOTAL,       /* currency A-Z, then highest total */
	STORE_PAGE_SORTS
};

/*
 * Whether sort's index is there (the customer's and the total's are made
 * the first time they are asked for: store_page_index_make, holding the
 * store to write; a page of a sort without its index fails).
 */
enum od_code store_page_index_has(struct store *s, enum store_page_sort sort,
				  int *yes, struct od_err *err);
enum od_code store_page_index_make(struct store *s,
				   enum store_page_sort sort,
				   struct od_err *err);

/* What narrows a page beside the status. */
struct store_page_filter {
	int search;             /* 0, or the mode the last
				   store_page_hits on this connection gave:
				   only its hits */
	int open_return;        /* only orders with a return open or
				   received, not yet closed */
	const char *expr;       /* the search's FTS5 query (for
				   STORE_PAGE_BROAD) */
	size_t hits;            /* how many hits store_page_hits read */
	int every;              /* every status at once, in placed order
				   (orders_list: one walk, no merge of
				   six); not with STORE_PAGE_FOUND */
};

/*
 * Calls cb for at most limit orders of status, in sort order after the
 * order at (not including) key, or with backward in reverse order before
 * it; key NULL starts at the first (last) order.  Only the key's columns
 * the sort uses are read: placed_at and number always, customer_name,
 * currency and total for those sorts.  Strings are borrowed for the call.
 */
enum od_code store_page_rows(struct store *s, int status,
			     enum store_page_sort sort, int backward,
			     const struct order_brief *key,
			     const struct store_page_filter *f, size_t limit,
			     store_brief_cb cb, void *ctx, struct od_err *err);

/*
 * How many rows store_page_rows would call cb for with no limit: the
 * orders of status after key (backward: before it; key NULL: all of
 * them).  Where the list's selection is ("row k of N"): a count of one
 * range of the sort's index per level of the key, reading no row out;
 * it walks the range, so it costs as the rows before the key (a broad
 * search asks the full-text index of each).
 */
enum od_code store_page_count(struct store *s, int status,
			      enum store_page_sort sort, int backward,
			      const struct order_brief *key,
			      const struct store_page_filter *f, size_t *n,
			      struct od_err *err);

/*
 * Reads the orders an FTS5 query (store_search_expr) finds into a table of
 * this connection's, once, for the pages and counts that follow with
 * search set to *mode, *hits to how many it read: one pass of the index's
 * hits, not one per query.  Up to STORE_PAGE_FOUND_MAX hits their rows
 * are copied too, with an index per sort (STORE_PAGE_FOUND): a page is
 * then a walk of those alone.  Up to STORE_PAGE_HITS_MAX
 * (STORE_PAGE_HITS): a page walks the tab's index, keeping the rows that
 * are hits.  More (STORE_PAGE_BROAD, a search of a letter or two): only
 * so many are read, and a page walks the tab's index asking the full-text
 * index of each row (hits are dense then); copying them all would cost
 * a key press as much as the orders they are.
 */
#define STORE_PAGE_HITS      1
#define STORE_PAGE_FOUND     2
#define STORE_PAGE_BROAD     3
#define STORE_PAGE_FOUND_MAX 1000
#define STORE_PAGE_HITS_MAX  100000
/* Counts of a search with more hits than this are of its first so many
 * (store_page_counts' *capped): at least, not exactly. */
#define STORE_PAGE_COUNT_MAX 1000
enum od_code store_page_hits(struct store *s, const char *expr, int *mode,
			     size_t *hits, struct od_err *err);

/* For tests: other limits than the three above (-1: the default). */
void store_page_set_limits(long found_max, long hits_max, long count_max);

/*
 * Orders per status into counts[ORDER_STATUS_COUNT] among those f keeps:
 * with no filter, six rows the store keeps; with a search, one pass of
 * its hits, or of the first STORE_PAGE_COUNT_MAX of them when it has more
 * (*capped set, else cleared; capped may be NULL); with open_return, one
 * of the open returns.
 */
enum od_code store_page_counts(struct store *s,
			       const struct store_page_filter *f,
			       size_t counts[ORDER_STATUS_COUNT],
			       int *capped, struct od_err *err);

/*
 * One order's brief by number (cb not called for an unknown number): where
 * a page keeps its selection after a reload.
 */
enum od_code store_page_one(struct store *s, const char *number,
			    store_brief_cb cb, void *ctx, struct od_err *err);

/*
 * The queries store_page_rows runs, for tests to ask SQLite's plan of
 * (EXPLAIN QUERY PLAN): one per level of the key, 0 to
 * store_page_levels(sort) - 1 (-1: no key), into buf of size bytes; and
 * the counts' query.
 */
int store_page_levels(enum store_page_sort sort);
void store_page_sql(enum store_page_sort sort, int backward, int level,
		    const struct store_page_filter *f, char *buf, size_t size);
void store_page_counts_sql(const struct store_page_filter *f, char *buf,
			   size_t size);

#endif
