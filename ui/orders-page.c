/*
 * orders-page.c - the orders list as the store pages it (desk-page.h;
 * issue 11), wired in a step at a time.  Wired: the tab bar's counts, read
 * from the counts the store keeps (a search: one pass of its hits) once a
 * draw, for the status tabs, All, To deliver and Returns.  Still from the
 * desk's index in memory, read whole at unlock: Unpaid (a money fact the
 * store has no paged form of), saved views and :filter (the filter
 * language runs in memory), every count while the store is busy, and the
 * list itself: rows, selection, moves, marks, the Held tab's reasons,
 * columns, completion (the map of each use and what it needs is in the
 * message of the commit that added desk_page_position).
 */
#include "ui/orders-view.h"

#include <string.h>

#include "app/desk/desk-pick.h"

void orders_page_open(struct orders_st *O, struct ui *u)
{
	struct od_err err;

	orders_page_close(O);
	if (desk_page_new(u->desk, &O->page.p, &err) != OD_OK)
		O->page.p = NULL;
}

void orders_page_close(struct orders_st *O)
{
	desk_page_free(O->page.p);
	memset(&O->page, 0, sizeof O->page);
}

void orders_page_read(struct orders_st *O, struct ui *u)
{
	struct orders_page *P = &O->page;
	struct desk_page_tab every = { 0, 0 };
	size_t ret[ORDER_STATUS_COUNT + 1];
	struct od_err err;
	int capped;

	P->ok = 0;
	/* The filter language has no paged form yet. */
	if (P->p == NULL || !desk_is_unlocked(u->desk) ||
	    desk_pick_text(u->desk)[0] != '\0')
		return;
	if (desk_page_set(P->p, &every, DESK_SORT_PLACED, 0, O->search,
			  &err) != OD_OK ||
	    desk_page_counts(P->p, 1, ret, &err) != OD_OK)
		return;
	capped = desk_page_capped(P->p);
	if (desk_page_counts(P->p, 0, P->counts, &err) != OD_OK)
		return;
	P->returns = ret[ORDER_STATUS_COUNT];
	P->capped = capped || desk_page_capped(P->p);
	P->ok = 1;
}

size_t orders_page_tab_count(const struct orders_st *O, const struct ui *u,
			     const struct desk_tab *t, int *capped)
{
	const struct orders_page *P = &O->page;
	size_t n = 0;
	int s;

	*capped = 0;
	if (!P->ok || t->view >= 0 || (t->facts != 0 &&
	    (t->facts != DESK_FACT_RETURN || t->statuses != 0)))
		return desk_count_tab(u->desk, t);
	*capped = P->capped;
	if (t->facts == DESK_FACT_RETURN)
		return P->returns;
	if (t->statuses == 0)
		return P->counts[ORDER_STATUS_COUNT];
	for (s = 0; s < ORDER_STATUS_COUNT; s++)
		if (t->statuses & DESK_TAB_STATUS(s))
			n += P->counts[s];
	return n;
}
