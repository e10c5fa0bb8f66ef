/*
 * desk-numbers.h - order numbers read from the store, not from the index
 * of every order in memory (issue 11: that index is read only when the
 * filter language or a saved view needs it): the `:` line's Tab
 * completion.  (The Held tab's reasons, desk_holds, read theirs from the
 * store too.)
 */
#ifndef OD_DESK_NUMBERS_H
#define OD_DESK_NUMBERS_H

#include <stddef.h>

#include "app/desk/desk-tabs.h"

/* More than the completion line shows (some 512 bytes of numbers). */
#define DESK_NUMBERS_MAX 200

/* The numbers that start with a prefix. */
struct desk_numbers {
	size_t n;               /* numbers in v */
	int more;               /* more start so than DESK_NUMBERS_MAX: v
				   holds the first DESK_NUMBERS_MAX, then
				   the last one (so the prefix every match
				   shares is the one v shares) */
	char v[DESK_NUMBERS_MAX + 1][STMT_ORDER_MAX + 1];
};

/*
 * The numbers that start with prefix (byte for byte; "" for all) among
 * the orders of tab t's statuses (with a return open, for a tab of
 * DESK_FACT_RETURN), in byte order; t NULL: the tab the list last chose
 * (desk_filter_tab).  What else narrows the list (the other facts, a
 * saved view, the search, the :filter) is not asked: the numbers are of
 * orders the tab could show.  Never waits: OD_E_BUSY at once while
 * another command holds the store, out->n then 0.  A range of the
 * number's index, whatever the shop's size.
 */
enum od_code desk_numbers(struct desk *d, const char *prefix,
			  const struct desk_tab *t, struct desk_numbers *out,
			  struct od_err *err);

#endif
