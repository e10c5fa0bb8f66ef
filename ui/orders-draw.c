/*
 * orders-draw.c - draws the orders view: the tabs (orders-tabs.c), the
 * table (orders-table.c) with the sort's arrow, and the count line or the
 * search being typed.
 */
#include "ui/orders-view.h"

#include "app/desk/desk-pick.h"

#include <stdio.h>
#include <string.h>

#include "ui/orders-holds.h"
#include "ui/orders-table.h"

/* Whether the list has a sync column: the store is attached to a backend. */
static int has_sync(const struct orders_st *O)
{
	return desk_sync_attached(O->sync);
}

/* The columns for this window and tab. */
static void layout(struct orders_st *O, const struct ui *u,
		   struct orders_table *t)
{
	orders_table_layout(t, u->cols, has_sync(O),
			    orders_tab_one_status(O),
			    orders_on_held(O));
}

/* A heading, with an arrow when the list is sorted by it. */
static const char *heading(struct orders_st *O, const char *name,
			   enum desk_sort_key key, char *out, size_t size)
{
	const char *arrow = orders_sorts[O->sort].key != key ? "" :
			    (orders_sorts[O->sort].newest ||
			     key == DESK_SORT_TOTAL) ? "↓" : "↑";

	snprintf(out, size, "%s%s", name, arrow);
	return out;
}

/* Draws one order's row, with its mark in the first column. */
static void draw_row(struct orders_st *O, struct ui *u,
		     const struct orders_table *t, int y,
		     const struct desk_row *r, int sel)
{
	const char *why = t->reason ? holds_reason(&O->holds, r->number) : NULL;
	int reached = desk_sync_reached(O->sync, r->number);
	char status[48];

	orders_table_row(t, y, r, sel, marks_has(&O->marks, r->number),
			 why ? why : parcels_status(&O->parcels, u, r, status,
						    sizeof status),
			 reached ? "yes" : "no", !reached);
}

void orders_draw(struct ui *u, void *st)
{
	struct orders_st *O = st;
	size_t rows = orders_list_rows(u), n, nwin, i;
	int capped;
	char line[DESK_SEARCH_MAX + 384], h[5][32], marked[48] = "";
	char held[192], at[32];
	struct orders_table t;
	const char *heads[OC_COUNT];

	t.cols = orders_cols_ready(&O->cols, u);
	layout(O, u, &t);
	/* The window first: the tabs' counts come with it. */
	orders_window(O, u, rows);
	n = orders_total(O, u, &capped);
	nwin = orders_win_count(O, u);
	orders_tabs_draw(O, u);
	heads[OC_NUMBER] = heading(O, "NUMBER", DESK_SORT_NUMBER, h[0], 32);
	heads[OC_PLACED] = heading(O, "PLACED", DESK_SORT_PLACED, h[1], 32);
	heads[OC_CUSTOMER] = heading(O, "CUSTOMER", DESK_SORT_CUSTOMER, h[2],
				     32);
	heads[OC_ITEMS] = "ITEMS";
	heads[OC_TOTAL] = heading(O, "TOTAL", DESK_SORT_TOTAL, h[3], 32);
	heads[OC_STATUS] = t.reason ? "REASON" :
			   heading(O, "STATUS", DESK_SORT_STATUS, h[4], 32);
	heads[OC_SYNC] = "SYNC";
	orders_table_head(&t, 1, heads);
	orders_cols_fetch(&O->cols, O, u, rows);
	for (i = 0; i < rows && i < nwin; i++)
		draw_row(O, u, &t, 2 + (int)i, orders_win_row(O, u, i),
			 i == orders_win_selected(O));
	if (nwin == 0)
		screen_put(3, 2, u->cols - 4, O->search[0] ?
			   "No order here matches the search." :
			   "No orders here.", UI_DIM);
	if (O->searching) {
		const char *shown;
		int col = line_edit_view(&O->ed, u->cols - 1, &shown);

		screen_put(u->rows - 2, 0, 1, "/", UI_NORMAL);
		screen_put(u->rows - 2, 1, u->cols - 1, shown, UI_NORMAL);
		screen_cursor(u->rows - 2, 1 + col);
	} else if (u->msg[0]) {
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
	} else {
		if (marks_count(&O->marks))
			snprintf(marked, sizeof marked, ", %zu marked",
				 marks_count(&O->marks));
		/* The Held tab: how many per reason, or the one shown. */
		held[0] = '\0';
		if (orders_on_held(O) && holds_filter(&O->holds) >= 0)
			snprintf(held, sizeof held, "only %s (f) │ ",
				 desk_hold_reasons[holds_filter(&O->holds)]);
		else if (orders_on_held(O))
			holds_counts(&O->holds, held, sizeof held);
		/* "k of N"; a broad search's k is not counted (capped). */
		at[0] = '\0';
		if (orders_before(O) != (size_t)-1)
			snprintf(at, sizeof at, "%zu of ",
				 nwin ? orders_before(O) + 1 : 0);
		snprintf(line, sizeof line, "%s%s%zu%s %s%s%s%s%s, by %s%s",
			 held, at, n, capped ? "+" : "",
			 n == 1 ? "order" : "orders",
			 O->search[0] ? " matching /" : "", O->search,
			 desk_pick_text(u->desk)[0] ? " │ filter " : "",
			 desk_pick_text(u->desk),
			 orders_sorts[O->sort].name, marked);
		screen_put(u->rows - 2, 1, u->cols - 2, line, UI_DIM);
	}
}
