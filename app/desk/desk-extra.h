/*
 * desk-extra.h - what the orders list's chosen columns show beyond the
 * index's row (desk_row): e-mail, phone, city, country, the last parcel's
 * carrier and tracking code, and where the payment stands.  Read for the
 * orders a screen shows, in one store operation, and kept by the screen
 * until desk_index_mark changes (a redraw reads nothing).
 */
#ifndef OD_DESK_EXTRA_H
#define OD_DESK_EXTRA_H

#include "app/desk/desk.h"

/* One order's extra columns, the strings in one block with number. */
struct desk_extra {
	char *number;             /* the block: desk_extras_free frees it */
	const char *email, *phone, *city, *country, *carrier, *tracking;
	const char *paid;         /* "paid", "unpaid", ... (static) */
};

/*
 * Reads the extras of the n orders numbers names into *out (the caller's:
 * desk_extras_free), *nout of them, in the same order; an order the store
 * no longer has is left out.  While another command holds the store (an
 * import), OD_E_BUSY at once: a redraw does not wait for it.
 */
enum od_code desk_extras(struct desk *d, const char *const *numbers,
			 size_t n, struct desk_extra **out, size_t *nout,
			 struct od_err *err);

/* Wipes (they are customers' details) and frees n extras; NULL is a no-op. */
void desk_extras_free(struct desk_extra *x, size_t n);

/*
 * Changes whenever what the list shows may have changed: a statement
 * signed here, a reload, a lock.  -1 when unknown (then keep nothing).
 */
long long desk_index_mark(const struct desk *d);

#endif
