/*
 * store-page-schema.h - what the paged order list needs of the schema
 * (store-page.h): an index per sort order the list offers, each led by
 * the status so that a tab is a range of it, and a count of orders per
 * status kept by the store's writes (store-page-counts.h), so that the tab
 * bar never counts rows.
 */
#ifndef OD_STORE_PAGE_SCHEMA_H
#define OD_STORE_PAGE_SCHEMA_H

#include <sqlite3.h>

#include "lib/err.h"

/*
 * Creates the indexes and the counts where the store lacks them (and
 * drops the counts' triggers of an older build), counting the orders
 * already there once (a store made before them gains them on open, in a
 * transaction of its own).  Called by store.c
 * before the store is handed out.
 */
enum od_code page_schema_ensure(sqlite3 *db, struct od_err *err);

/*
 * The index of the customer's (which 0) or the total's (1) order: whether
 * the store has it, and making it (a write: the store held to write).
 * Other values: always there.
 */
enum od_code page_sort_index_has(sqlite3 *db, int which, int *yes,
				 struct od_err *err);
enum od_code page_sort_index_make(sqlite3 *db, int which,
				  struct od_err *err);

#endif
