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
#include <stddef.h>

#include "lib/err.h"

/* Registers od_fold on db (every connection to a store, at open). */
enum od_code search_schema_register(sqlite3 *db, struct od_err *err);

/* Creates the index in a new store, inside the transaction that makes it. */
enum od_code search_schema_create(sqlite3 *db, struct od_err *err);

/*
 * Builds the index of a store that has none (made by an older orderdesk):
 * once, in its own transaction, from the orders it holds; and takes out
 * the insert triggers an older orderdesk made (store_search_add writes a
 * new order's text instead).  Does nothing when the index is as it should.
 */
enum od_code search_schema_upgrade(sqlite3 *db, struct od_err *err);

/*
 * s[0..n) folded for search as od_fold folds it (lib/text-fold.h; text
 * that is not UTF-8, never stored, is kept as it is): *out is the
 * caller's, NUL-terminated, *len bytes.  OD_OK or OD_E_NOMEM.
 */
enum od_code search_fold(const char *s, size_t n, char **out, size_t *len);

#endif
