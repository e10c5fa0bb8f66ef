/*
 * store-search-schema.h - the full-text index's tables, triggers and SQL
 * function (storage/store-search.h says what it is for).  Called by
 * store.c when a store is made or opened, on its bare connection: below
 * the store's own helpers, so that store.c and the queries of
 * store-search.c do not call each other.  Not for use outside storage/.
 */
#ifndef OD_STORE_SEARCH_SCHEMA_H
#define OD_STORE_SEARCH_SCHEMA_H

#include <sqlite3.h>

#include "lib/err.h"

/* Registers od_fold on db (every connection to a store, at open). */
enum od_code search_schema_register(sqlite3 *db, struct od_err *err);

/* Creates the index in a new store, inside the transaction that makes it. */
enum od_code search_schema_create(sqlite3 *db, struct od_err *err);

/*
 * Builds the index of a store that has none (made by an older orderdesk):
 * once, in its own transaction, from the orders it holds.  Does nothing
 * when the index is there.
 */
enum od_code search_schema_upgrade(sqlite3 *db, struct od_err *err);

#endif
