/*
 * store-extra.h - what the orders list's chosen columns show beyond the
 * index (storage/records.h's order_brief): e-mail, phone, city, country,
 * the last parcel's carrier and tracking code, and the money figures a
 * payment state is made of.  Read for the few orders a screen shows, each
 * by its key, never for the whole list.
 */
#ifndef OD_STORE_EXTRA_H
#define OD_STORE_EXTRA_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/records.h"
#include "storage/store.h"

/* One order's extra columns; the strings are borrowed for the callback. */
struct store_order_extra {
	const char *email, *phone, *city, *country;
	const char *carrier, *tracking;   /* the last parcel's, "" if none */
	long long total, paid, refunded;
	enum order_arrival arrival;
};

typedef enum od_code (*store_extra_fn)(void *ctx, const char *number,
				       const struct store_order_extra *x,
				       struct od_err *err);

/*
 * Calls fn for each of the n orders numbers names that the store has, in
 * that order (one not there is skipped); a code other than OD_OK from fn
 * stops and is returned.
 */
enum od_code store_order_extras(struct store *s, const char *const *numbers,
				size_t n, store_extra_fn fn, void *ctx,
				struct od_err *err);

#endif
