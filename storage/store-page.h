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

/* What narrows a page beside the status. */
struct store_page_filter {
	int search;             /* 0, or the mode the last
				   store_page_hits on this connection gave:
				   only its hits */
	int open_return;        /* only orders with a return open or
				   received, not yet closed */
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
 * Reads the orders an FTS5 query (store_search_expr) finds into a table of
 * this connection's, once, for the pages and counts that follow with
 * search set to *mode: one pass of the index's hits, not one per query.
 * Up to STORE_PAGE_FOUND_MAX hits their rows are copied too, with an index
 * per sort (STORE_PAGE_FOUND): a page is then a walk of those alone.
 * More (STORE_PAGE_HITS): a page walks the tab's index, keeping the rows
 * that are hits, which are then dense; the counts join every hit.
 */
#define STORE_PAGE_HITS      1
#define STORE_PAGE_FOUND     2
#define STORE_PAGE_FOUND_MAX 1000
enum od_code store_page_hits(struct store *s, const char *expr, int *mode,
			     struct od_err *err);

/* For tests: copy up to n hits instead (-1: STORE_PAGE_FOUND_MAX again). */
void store_page_set_found_max(long n);

/*
 * Orders per status into counts[ORDER_STATUS_COUNT] among those f keeps:
 * with no filter, six rows the triggers keep; with a search, one pass of
 * its hits; with open_return, one of the open returns.
 */
enum od_code store_page_counts(struct store *s,
			       const struct store_page_filter *f,
			       size_t counts[ORDER_STATUS_COUNT],
			       struct od_err *err);

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
