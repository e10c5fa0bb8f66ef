/*
 * orders-list.c - the list the orders view shows: the desk's index through
 * the tab, the search and the sort, and the selection kept across them.
 * The rows come from the desk's index in memory, so scrolling and tab
 * changes never go back to the store; only a changed search text runs a
 * query.
 */
#include "ui/orders-view.h"

#include <stdio.h>

#include "ui/orders-holds.h"

const struct orders_sort orders_sorts[ORDERS_NSORTS] = {
	{ DESK_SORT_PLACED, 0, "placed, oldest first" },
	{ DESK_SORT_PLACED, 1, "placed, newest first" },
	{ DESK_SORT_NUMBER, 0, "number" },
	{ DESK_SORT_CUSTOMER, 0, "customer" },
	{ DESK_SORT_TOTAL, 0, "total, highest first" },
	{ DESK_SORT_STATUS, 0, "status" },
};

size_t orders_list_rows(const struct ui *u)
{
	return u->rows > 5 ? (size_t)(u->rows - 4) : 1;
}

int orders_on_held(const struct orders_st *O)
{
	return O->tab == ORDERS_TAB_HELD;
}

size_t orders_count(struct orders_st *O, struct ui *u)
{
	if (!orders_on_held(O))
		return desk_count(u->desk);
	holds_load(&O->holds, u);
	return holds_count(&O->holds, u->desk);
}

const struct desk_row *orders_row(struct orders_st *O, struct ui *u, size_t i)
{
	return orders_on_held(O) ? holds_row(&O->holds, u->desk, i) :
	       desk_row(u->desk, i);
}

size_t orders_find(struct orders_st *O, struct ui *u, const char *number)
{
	return orders_on_held(O) ? holds_find(&O->holds, u->desk, number) :
	       desk_find(u->desk, number);
}

enum od_code orders_refilter(struct orders_st *O, struct ui *u,
			     struct od_err *err)
{
	struct desk_tab t;
	enum od_code rc;
	size_t n, at;

	/* A view deleted (here or by a reload) takes its tab with it. */
	if ((size_t)O->tab >= orders_ntabs(u))
		O->tab = ORDERS_TAB_ALL;
	t = orders_tab_of(O->tab);
	rc = desk_filter_tab(u->desk, &t, O->search, O->newest, err);
	n = orders_count(O, u);

	at = O->sel_number[0] ? orders_find(O, u, O->sel_number) : (size_t)-1;
	if (at != (size_t)-1)
		O->sel = at;
	if (O->sel >= n)
		O->sel = n ? n - 1 : 0;
	return rc;
}

void orders_note_selection(struct orders_st *O, struct ui *u)
{
	const struct desk_row *r = orders_row(O, u, O->sel);

	snprintf(O->sel_number, sizeof O->sel_number, "%s", r ? r->number : "");
}

void orders_sync_refresh(struct orders_st *O, struct ui *u)
{
	struct desk_sync *s = NULL;
	struct od_err err;

	if (!desk_is_unlocked(u->desk))
		return;
	if (desk_sync_read(u->desk, &s, &err) != OD_OK) {
		if (desk_is_unlocked(u->desk))
			ui_message(u, 1, "%s", err.msg);
		return;
	}
	desk_sync_free(O->sync);
	O->sync = s;
	holds_refresh(&O->holds);
	parcels_refresh(&O->parcels);
}

enum ui_next orders_apply(struct orders_st *O, struct ui *u)
{
	struct od_err err;

	if (orders_refilter(O, u, &err) != OD_OK)
		ui_message(u, 1, "%s", err.msg);
	return UI_DRAW;
}
