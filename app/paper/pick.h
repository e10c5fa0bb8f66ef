/*
 * pick.h - a pick list: what a batch of orders still has to ship, by SKU.
 *
 * Plain data and no drawing (app/paper/paper.h draws it), so that the sums
 * are tested on their own.  Each order adds what is still to ship of each
 * item (ordered minus shipped); pick_finish sorts by SKU (bytewise, as the
 * shelves' labels are printed) and folds the entries of one SKU into one
 * line with the total and the orders that need it.
 */
#ifndef OD_PICK_H
#define OD_PICK_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/records.h"

/* The most entries (an order's item) one pick list takes. */
#define PICK_MAX_ENTRIES 200000

/* The strings of lines and needs live in the list's entries, until
 * pick_free. */

/* One order's need of a SKU. */
struct pick_need {
	const char *number;    /* the order's number */
	long long qty;         /* still to ship of this SKU in that order */
};

/* One SKU of the list. */
struct pick_line {
	const char *sku;
	const char *name;      /* the name the first order gave it */
	long long qty;         /* total still to ship */
	struct pick_need *needs;
	size_t nneeds;         /* the orders that need it, in the order added */
};

struct pick_entry;

struct pick_list {
	struct pick_entry *entries;  /* before pick_finish */
	size_t nentries, alloc;
	struct pick_line *lines;     /* after pick_finish, sorted by SKU */
	size_t nlines;
	size_t norders;              /* orders that added something */
};

/* Initialises an empty list. */
void pick_init(struct pick_list *pl);

/*
 * Adds what is still to ship of order o (items with nothing left add
 * nothing, nor does an order that needs no shipping); copies what it keeps.  Sets *added to the number of items that
 * still had something to ship.  OD_E_NOMEM, or OD_E_INPUT past
 * PICK_MAX_ENTRIES.  Not after pick_finish.
 */
enum od_code pick_add(struct pick_list *pl, const struct order *o,
		      size_t *added, struct od_err *err);

/* Sorts and folds the entries into lines (once, after the last pick_add). */
enum od_code pick_finish(struct pick_list *pl, struct od_err *err);

/* Frees everything the list holds; the list is empty again after it. */
void pick_free(struct pick_list *pl);

#endif
