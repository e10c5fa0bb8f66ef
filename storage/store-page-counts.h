/*
 * store-page-counts.h - the orders per status the tab bar reads
 * (page_counts, store-page-schema.c), kept by the store's own writes of
 * orders in their transaction.  Not by triggers: any trigger on orders
 * makes SQLite open a statement journal for each write, and FTS5 then
 * flushes its pending terms at every statement (a third of an import's
 * CPU; store-search-add.h says the same of the search index).  Not for use
 * outside storage/.
 */
#ifndef OD_STORE_PAGE_COUNTS_H
#define OD_STORE_PAGE_COUNTS_H

#include "lib/err.h"
#include "storage/store.h"

/* One more order of status (just inserted). */
enum od_code page_count_added(struct store *s, int status,
			      struct od_err *err);

/*
 * Order number is about to take status (or, with status -1, to be
 * deleted): its old status loses it, the new one gains it.  Nothing for an
 * unknown number or an unchanged status.  Called before the write.
 */
enum od_code page_count_moving(struct store *s, const char *number,
			       int status, struct od_err *err);

#endif
