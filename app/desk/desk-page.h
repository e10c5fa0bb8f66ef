/*
 * desk-page.h - the orders list as the screens will draw it at a million
 * orders: a window of rows read from the store around the selected order,
 * never the whole list in memory (issue 11).  A tab is a set of statuses
 * (and optionally orders with a return open); the sorts are desk.h's
 * (enum desk_sort_key) in exactly the order desk_filter and desk_sort
 * give, ties included; the search is the store's full-text index
 * (store-search.h), as desk_filter's.  Each tab's status is read by
 * keyset from its own index and the statuses merged here, a window's worth
 * each (storage/store-page.h).
 *
 * The selection is an order number: it survives reloads, tab, sort and
 * search changes, and an order changing status (the window then shows the
 * order that took its place).  Rows are borrowed until the next call on
 * the page.  Every call holds the store to read only for itself and never
 * waits (OD_E_BUSY while another command holds it).
 */
#ifndef OD_DESK_PAGE_H
#define OD_DESK_PAGE_H

#include <stddef.h>

#include "app/desk/desk.h"

struct desk_page;

/* What a tab shows: every condition holds. */
struct desk_page_tab {
	unsigned statuses;      /* 1u << status bits; 0: every status */
	int open_return;        /* only orders with a return open */
};

/* A page on the unlocked desk d (which must outlive it). */
enum od_code desk_page_new(struct desk *d, struct desk_page **out,
			   struct od_err *err);
void desk_page_free(struct desk_page *p);

/*
 * Chooses tab, sort, direction (newest_first reverses the placed order, as
 * desk_filter; other sorts ignore it, as desk_sort) and search (NULL or
 * ""), keeping the selection.  Bad search text gives OD_E_INPUT.
 */
enum od_code desk_page_set(struct desk_page *p, const struct desk_page_tab *t,
			   enum desk_sort_key sort, int newest_first,
			   const char *search, struct od_err *err);

/*
 * Reads the window: at most n rows with the selected order at row at (or
 * as near as the list's ends allow; the first order when none is
 * selected or the selection left the list: then the order after it).
 * With counts (else NULL), desk_page_counts' too (open_return 0), in the
 * same hold of the store: a key press reads the store once.
 */
enum od_code desk_page_window(struct desk_page *p, size_t n, size_t at,
			      size_t counts[ORDER_STATUS_COUNT + 1],
			      struct od_err *err);

/* The window's rows, row i of them (NULL past the end), the selection's. */
size_t desk_page_count(const struct desk_page *p);
const struct desk_row *desk_page_row(const struct desk_page *p, size_t i);
size_t desk_page_selected(const struct desk_page *p);

/*
 * Rows of the list before the selection (the screens' "row k of N" is
 * *before + 1), as the last desk_page_window left it; 0 with none.  A
 * count of each status's index up to the selection's key, no row read
 * out, costing as the rows before it (at 1M, some 40 ms at the end of
 * the All tab); kept across moves and home, so counted again only for a
 * new tab, sort, search or selection, or after the store changed.
 */
enum od_code desk_page_position(struct desk_page *p, size_t *before,
				struct od_err *err);

/*
 * Moves the selection by delta rows in the list (a page: the window's
 * height), stopping at its ends.  Done by the next desk_page_window, in
 * its hold of the store (one per key press); reads |delta| rows of an
 * index, never counts from the top.
 */
enum od_code desk_page_move(struct desk_page *p, long delta,
			    struct od_err *err);

/* Selects order number (desk_page_window shows it, or where it was). */
enum od_code desk_page_select(struct desk_page *p, const char *number,
			      struct od_err *err);

/* Selects the first (last: end) order of the list, at the next window. */
enum od_code desk_page_home(struct desk_page *p, int end, struct od_err *err);

/*
 * The tab bar's counts: orders of each status matching the search into
 * counts[0..ORDER_STATUS_COUNT - 1], all of them in counts[COUNT]; with
 * open_return, only orders with a return open.  No search: six rows the
 * store keeps; a search: one pass of its hits, or of the first of them
 * (desk_page_capped).
 */
enum od_code desk_page_counts(struct desk_page *p, int open_return,
			      size_t counts[ORDER_STATUS_COUNT + 1],
			      struct od_err *err);

/*
 * Whether the last counts (desk_page_counts, desk_page_window) were of a
 * search with more hits than the store counts at a key press
 * (STORE_PAGE_COUNT_MAX): each is then at least that many, shown as
 * "1,000+"; a search of a letter or two matches most of the shop.
 */
int desk_page_capped(const struct desk_page *p);

#endif
