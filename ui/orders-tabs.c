/*
 * orders-tabs.c - what the orders list's tabs show: the statuses, then
 * what money and parcels ask (Unpaid, To deliver, Returns; issue 13),
 * then the person's saved views (issue 12); and the sorts o cycles
 * through.  Drawn by orders-tabbar.c.
 */
#include "ui/orders-view.h"

#include <stdio.h>
#include <string.h>

#define ST(s) DESK_TAB_STATUS(ORDER_##s)
#define NOT_CANCELLED (ST(NEW) | ST(CONFIRMED) | ST(HELD) | ST(SHIPPED) | \
		       ST(DELIVERED))

struct tabdef {
	const char *name, *abbr;
	struct desk_tab tab;
};

/* The order's life, everything, then what is still to do about money,
 * parcels and returns. */
static const struct tabdef builtin[ORDERS_NBUILTIN] = {
	{ "New", "New", { ST(NEW), 0, -1 } },
	{ "Confirmed", "Conf", { ST(CONFIRMED), 0, -1 } },
	{ "Held", "Held", { ST(HELD), 0, -1 } },
	/* Every order that left, delivered or not. */
	{ "Shipped", "Ship", { ST(SHIPPED) | ST(DELIVERED), 0, -1 } },
	{ "Cancelled", "Canc", { ST(CANCELLED), 0, -1 } },
	{ "All", "All", { 0, 0, -1 } },
	{ "Unpaid", "Unpd", { NOT_CANCELLED, DESK_FACT_UNPAID, -1 } },
	{ "To deliver", "Dlv", { ST(SHIPPED), 0, -1 } },
	{ "Returns", "Ret", { 0, DESK_FACT_RETURN, -1 } },
};

const struct orders_sort orders_sorts[ORDERS_NSORTS] = {
	{ DESK_SORT_PLACED, 0, "placed, oldest first" },
	{ DESK_SORT_PLACED, 1, "placed, newest first" },
	{ DESK_SORT_NUMBER, 0, "number" },
	{ DESK_SORT_CUSTOMER, 0, "customer" },
	{ DESK_SORT_TOTAL, 0, "total, highest first" },
	{ DESK_SORT_STATUS, 0, "status" },
};

size_t orders_ntabs(const struct ui *u)
{
	const struct desk_view *v;

	return ORDERS_NBUILTIN + desk_views(u->desk, &v);
}

struct desk_tab orders_tab_of(int t)
{
	struct desk_tab view = { 0, 0, t - ORDERS_NBUILTIN };

	return t < ORDERS_NBUILTIN ? builtin[t].tab : view;
}

int orders_tab_pages(const struct desk_tab *t)
{
	return t->view < 0 && (t->facts == 0 ||
			       (t->facts == DESK_FACT_RETURN &&
				t->statuses == 0));
}

int orders_tab_keeps(int t, const struct desk_row *r)
{
	struct desk_tab tab = orders_tab_of(t);

	/* A view's filter, and facts (a row read from the store's pages
	 * has none), are not asked here. */
	if (tab.view >= 0 || tab.facts != 0)
		return -1;
	return tab.statuses == 0 ||
	       (tab.statuses & DESK_TAB_STATUS(r->status)) != 0;
}

int orders_tab_one_status(const struct orders_st *O)
{
	struct desk_tab t = orders_tab_of(O->tab);

	return t.view < 0 && t.facts == 0 && t.statuses != 0 &&
	       (t.statuses & (t.statuses - 1)) == 0;
}

int orders_on_held(const struct orders_st *O)
{
	return O->tab == ORDERS_TAB_HELD;
}

const char *orders_tab_name(const struct ui *u, int t, int abbr)
{
	const struct desk_view *v;

	if (t < ORDERS_NBUILTIN)
		return abbr ? builtin[t].abbr : builtin[t].name;
	(void)desk_views(u->desk, &v);
	return v[t - ORDERS_NBUILTIN].name;
}
