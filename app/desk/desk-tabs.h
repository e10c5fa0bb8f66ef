/*
 * desk-tabs.h - what a tab of the orders list shows (issue 13: Unpaid, To
 * deliver, Returns beside the statuses) and a person's saved views (issue
 * 12: named filters, kept in the store, shown as tabs after the built-in
 * ones).  Everything a tab asks is in the index in memory: a row's status
 * and fact bits (desk.h), and one byte per row for whether each saved
 * view keeps it, worked out when the index is read.  Changing tabs and
 * counting them never reads the store.
 */
#ifndef OD_DESK_TABS_H
#define OD_DESK_TABS_H

#include "app/desk/desk.h"
#include "app/desk/order-filter.h"

struct store;

/* What one tab shows: every condition holds. */
struct desk_tab {
	unsigned statuses;      /* DESK_TAB_STATUS bits; 0: any status */
	unsigned facts;         /* DESK_FACT_* bits every order has */
	int view;               /* a saved view (desk_views) keeps it; -1:
				   no view */
};
#define DESK_TAB_STATUS(s) (1u << (s))

/*
 * desk_filter for a tab: the list shows what t keeps among the orders the
 * search and the :filter (desk_pick) keep.  A view past the person's
 * views keeps nothing.
 */
enum od_code desk_filter_tab(struct desk *d, const struct desk_tab *t,
			     const char *search, int newest_first,
			     struct od_err *err);

/*
 * Orders t would show, among those the search and the :filter keep: the
 * count beside a tab, from counters kept as the list is built (cheap for
 * every tab on every redraw).  A view is counted alone: a tab with a view
 * and statuses or facts too is not counted (0).
 */
size_t desk_count_tab(const struct desk *d, const struct desk_tab *t);

/* ---- saved views (desk-views.c) ---- */

#define DESK_VIEWS_MAX     8    /* per person: one bit each per row */
#define DESK_VIEW_NAME_MAX 24

/* One saved view: its name and its filter text. */
struct desk_view {
	char name[DESK_VIEW_NAME_MAX + 1];
	char filter[ORDER_FILTER_MAX + 1];
};

/*
 * The signed-in person's views, by name (borrowed; valid until the next
 * save, delete, reload or lock).  Read with the index, at unlock and
 * every reload.
 */
size_t desk_views(const struct desk *d, const struct desk_view **v);

/*
 * Whether name may name a view: 1 to DESK_VIEW_NAME_MAX of a-z, 0-9, '-'
 * and '_', a letter first.  OD_E_USAGE says what is wrong.
 */
enum od_code desk_view_name_check(const char *name, struct od_err *err);

/*
 * Saves filter (the filter language; it must parse and keep something
 * out: not empty) as the signed-in person's view name, replacing one of
 * that name, and shows it as a tab at once.  At most DESK_VIEWS_MAX.
 */
enum od_code desk_view_save(struct desk *d, const char *name,
			    const char *filter, struct od_err *err);

/* Deletes the person's view name; an unknown name gives OD_E_NOTFOUND. */
enum od_code desk_view_delete(struct desk *d, const char *name,
			      struct od_err *err);

/*
 * For `orderdesk list --view NAME`: person's view name's filter text from
 * the held store s into filter (size bytes).  An unknown name gives
 * OD_E_NOTFOUND naming the person's views.
 */
enum od_code desk_view_find(struct store *s, const char *person,
			    const char *name, char *filter, size_t size,
			    struct od_err *err);

#endif
