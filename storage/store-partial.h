/*
 * store-partial.h - the confirmed orders that have shipped some of their
 * items, for the list's "2/5 shipped" (storage/store-partial.c).
 */
#ifndef OD_STORE_PARTIAL_H
#define OD_STORE_PARTIAL_H

#include "storage/store.h"

typedef enum od_code (*store_partial_cb)(void *ctx, const char *number,
					 long long shipped, long long total,
					 struct od_err *err);

/*
 * Calls cb for each confirmed order with some units shipped, by number:
 * units shipped so far and ordered.  Reads the confirmed orders through
 * the status index and their items by key, nothing else.
 */
enum od_code store_partial_each(struct store *s, store_partial_cb cb,
				void *ctx, struct od_err *err);

/*
 * The order (into number, "" for none) of the newest parcel signed with
 * tracking code tracking, other than order not (NULL: any): the scanner
 * flow warns before a code is used twice.
 */
enum od_code store_tracking_order(struct store *s, const char *tracking,
				  const char *not, char *number, size_t size,
				  struct od_err *err);

#endif
