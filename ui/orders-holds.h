/*
 * orders-holds.h - the Held tab's reasons: each held order's reason, the
 * counts by reason, and a filter to one reason (f), which narrows the rows
 * the tab shows without another query.
 */
#ifndef OD_UI_ORDERS_HOLDS_H
#define OD_UI_ORDERS_HOLDS_H

#include "ui/view.h"

/* The list changed: the reasons are read again when next needed. */
void holds_refresh(struct ui *u);

/* Reads the held orders' reasons if the list changed since; keeps the old
 * ones on error (said on the message line). */
void holds_load(struct ui *u);

/* Forgets them (on lock). */
void holds_drop(void);

/* Order number's hold reason, or NULL. */
const char *holds_reason(const char *number);

/* "held: awaiting payment 2 · other 1 │ ", or "" when none are held. */
void holds_counts(char *line, size_t size);

/* The reason the rows are narrowed to (a desk_hold_reasons index), or -1. */
int holds_filter(void);

/* The next reason to narrow to, round to none; returns it (or -1). */
int holds_filter_next(void);

/*
 * The rows of the desk's list with the filter's reason, after the list
 * changed (refilter, a signed action): how many, and the i-th (NULL past
 * the end).  Without a filter, the desk's own.
 */
size_t holds_count(struct desk *d);
const struct desk_row *holds_row(struct desk *d, size_t i);
size_t holds_find(struct desk *d, const char *number);

#endif
