/*
 * store-search-add.h - a new order's text into the full-text index
 * (storage/store-search-schema.c says why not by a trigger).  Not for use
 * outside storage/.
 */
#ifndef OD_STORE_SEARCH_ADD_H
#define OD_STORE_SEARCH_ADD_H

#include "lib/err.h"
#include "storage/store.h"

/*
 * Indexes the order number, just inserted with the searchable text search
 * (orders.search), in the caller's transaction: its folded text into
 * search_docs and order_fts, as the update trigger writes a changed one.
 */
enum od_code store_search_add(struct store *s, const char *number,
			      const char *search, struct od_err *err);

#endif
