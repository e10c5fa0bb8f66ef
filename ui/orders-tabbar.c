/*
 * orders-tabbar.c - the orders list's tabs on row 0, each with its count
 * (the store's, or the index's for the tabs only it can count).  A narrow
 * window shortens the names; tabs that still do not fit scroll, the
 * chosen one always in sight, with ‹ › saying more are there.
 */
#include "ui/orders-view.h"

#include <stdio.h>

/*
 * Tab t's label, " Name 12 ", its name shortened from tab abbr on; "12+"
 * when a broad search's counts are of its first hits (desk_page_capped).
 */
static void label_of(const struct orders_st *O, const struct ui *u, int t,
		     int abbr_from, char *out, size_t size)
{
	int abbr = t >= abbr_from, capped;
	struct desk_tab tab = orders_tab_of(t);
	size_t n = orders_page_tab_count(O, u, &tab, &capped);
	char count[32];

	/* A count only the index in memory knows, not read yet (a big
	 * shop: desk_index_need): none rather than a wrong one. */
	if (!orders_index_counts(O, u) && !orders_tab_pages(&tab))
		count[0] = '\0';
	else
		snprintf(count, sizeof count, " %zu%s", n, capped ? "+" : "");
	snprintf(out, size, " %.*s%s ", abbr && t >= ORDERS_NBUILTIN ? 8 :
		 DESK_VIEW_NAME_MAX, orders_tab_name(u, t, abbr), count);
}

/* Columns tabs first..last take, one apart. */
static int span(const struct orders_st *O, const struct ui *u, int first,
		int last, int abbr_from)
{
	char label[64];
	int w = 0, t;

	for (t = first; t <= last; t++) {
		label_of(O, u, t, abbr_from, label, sizeof label);
		w += screen_width(label) + 1;
	}
	return w;
}

/* The first tab drawn: the one before stays if the chosen one fits. */
static int first_shown(struct orders_st *O, const struct ui *u, int abbr)
{
	int first = O->tab_first, room = u->cols - 4;

	if (first > O->tab)
		first = O->tab;
	while (first < O->tab && span(O, u, first, O->tab, abbr) > room)
		first++;
	/* Back to the start when everything from it fits. */
	if (span(O, u, 0, O->tab, abbr) <= room)
		first = 0;
	return first;
}

/*
 * From which tab on names are shortened: none if all fit; else the tabs
 * after the statuses, which keep their full names while they fit (All is
 * the last of them); else all.
 */
static int shorten_from(const struct orders_st *O, const struct ui *u, int n)
{
	int extra = ORDERS_TAB_ALL + 1;

	if (span(O, u, 0, n - 1, n) + 1 <= u->cols)
		return n;
	if (span(O, u, 0, ORDERS_TAB_ALL, n) + 3 <= u->cols)
		return extra;
	return 0;
}

void orders_tabs_draw(struct orders_st *O, struct ui *u)
{
	int n = (int)orders_ntabs(u), abbr, first, x, w, t;
	char label[64];

	abbr = shorten_from(O, u, n);
	first = O->tab_first = first_shown(O, u, abbr);
	screen_bar(u, 0, UI_TITLE);
	x = first > 0 ? 2 : 1;
	if (first > 0)
		screen_put(0, 0, 1, "‹", UI_TITLE);
	for (t = 0; t < first; t++)
		O->tab_x[t] = x;
	for (t = first; t < n; t++) {
		label_of(O, u, t, abbr, label, sizeof label);
		w = screen_width(label);
		O->tab_x[t] = x;
		/* Room for › while more tabs follow. */
		if (x + w > u->cols - (t + 1 < n ? 2 : 0))
			break;
		screen_put(0, x, w, label, t == O->tab ? UI_TAB : UI_TITLE);
		x += w + 1;
	}
	if (t < n)
		screen_put(0, u->cols - 1, 1, "›", UI_TITLE);
	for (; t <= n; t++)
		O->tab_x[t] = x;
}
