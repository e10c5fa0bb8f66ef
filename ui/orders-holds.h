/*
 * orders-holds.h - the Held tab's reasons: each held order's reason, the
 * counts by reason, and a filter to one reason (f), which narrows the rows
 * the tab shows without another query.
 */
#ifndef OD_UI_ORDERS_HOLDS_H
#define OD_UI_ORDERS_HOLDS_H

#include "ui/view.h"

/* The orders view's part for the Held tab (in its state). */
struct holds {
	struct desk_holds *holds;
	int filter;               /* -1: every reason */
	size_t *shown;            /* with a filter: the desk's row numbers */
	size_t nshown, cap;
	int stale;                /* the list changed: read them again */
};

/* Nothing read yet, every reason shown. */
void holds_init(struct holds *H);

/* The list changed: the reasons are read again when next needed. */
void holds_refresh(struct holds *H);

/* Reads the held orders' reasons if the list changed since; keeps the old
 * ones on error (said on the message line). */
void holds_load(struct holds *H, struct ui *u);

/* Forgets them (on lock, and when the view goes). */
void holds_drop(struct holds *H);

/* Order number's hold reason, or NULL. */
const char *holds_reason(const struct holds *H, const char *number);

/* "held: awaiting payment 2 · other 1 │ ", or "" when none are held. */
void holds_counts(const struct holds *H, char *line, size_t size);

/* The reason the rows are narrowed to (a desk_hold_reasons index), or -1. */
int holds_filter(const struct holds *H);

/* The next reason to narrow to, round to none; returns it (or -1). */
int holds_filter_next(struct holds *H);

/*
 * The rows of the desk's list with the filter's reason, after the list
 * changed (refilter, a signed action): how many, and the i-th (NULL past
 * the end).  Without a filter, the desk's own.
 */
size_t holds_count(struct holds *H, struct desk *d);
const struct desk_row *holds_row(const struct holds *H, struct desk *d,
				 size_t i);
size_t holds_find(const struct holds *H, struct desk *d,
		  const char *number);

#endif
