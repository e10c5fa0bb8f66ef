/*
 * orders-page.c - the orders list as the store pages it (desk-page.h;
 * issue 11): for a tab of statuses (All, To deliver among them) or of
 * open returns, a window of rows around the selection read with the tab
 * bar's counts in one hold of the store once a draw, never the whole
 * list.  What the store has no paged form of stays with the desk's index
 * in memory (orders-list.c): Unpaid (a money fact), saved views and
 * :filter (the filter language runs in memory), the Held tab one reason
 * at a time.
 */
#include "ui/orders-view.h"

#include <string.h>

#include "app/desk/desk-pick.h"
#include "ui/orders-holds.h"

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
	O->paged = 0;
}

int orders_page_can(const struct orders_st *O, struct ui *u)
{
	struct desk_tab t = orders_tab_of(O->tab);

	if (O->page.p == NULL || desk_pick_text(u->desk)[0] != '\0' ||
	    !orders_tab_pages(&t))
		return 0;
	return !(orders_on_held(O) && holds_filter(&O->holds) >= 0);
}

/* The page's tab for the view's. */
static struct desk_page_tab page_tab(const struct orders_st *O)
{
	struct desk_tab t = orders_tab_of(O->tab);
	struct desk_page_tab pt = { t.statuses, t.facts == DESK_FACT_RETURN };

	return pt;
}

/* Page p to the view's tab, sort and search. */
static enum od_code page_to_view(struct desk_page *p,
				 const struct orders_st *O, struct od_err *err)
{
	struct desk_page_tab pt = page_tab(O);

	return desk_page_set(p, &pt, orders_sorts[O->sort].key, O->newest,
			     O->search, err);
}

/*
 * The selection by number (sel_number): found, the window keeps it;
 * gone from the store, the first order; the store busy (an import), the
 * next read tries again rather than lose the place.
 */
static enum od_code reselect(struct orders_st *O, struct od_err *err)
{
	enum od_code rc = desk_page_select(O->page.p, O->sel_number, err);

	O->page.reselect = rc == OD_E_BUSY;
	if (rc == OD_E_BUSY)
		return OD_OK;
	if (rc == OD_OK) {
		O->page.fit = 1;
		return OD_OK;
	}
	O->at = 0;
	return desk_page_home(O->page.p, 0, err);
}

enum od_code orders_page_set(struct orders_st *O, struct ui *u,
			     struct od_err *err)
{
	enum od_code rc = page_to_view(O->page.p, O, err);

	(void)u;
	if (rc != OD_OK)
		return rc;
	O->page.reselect = 0;
	if (O->sel_number[0] == '\0') {
		O->at = 0;
		return desk_page_home(O->page.p, 0, err);
	}
	return reselect(O, err);
}

int orders_page_read(struct orders_st *O, struct ui *u, size_t rows)
{
	struct orders_page *P = &O->page;
	size_t ret[ORDER_STATUS_COUNT + 1], before;
	struct od_err err;
	enum od_code rc = OD_OK;
	int capped;

	if (!desk_is_unlocked(u->desk))
		return -1;
	if (P->reselect)
		rc = reselect(O, &err);
	if (rc == OD_OK && !P->reselect)
		rc = desk_page_window(P->p, rows, O->at, P->counts, &err);
	/* Busy (an import holds the store): the last window and counts,
	 * said so, until the next key or redraw reads them. */
	if (rc != OD_OK || P->reselect) {
		if (rc == OD_E_BUSY || P->reselect)
			ui_message(u, 0, "Another command is using the store "
				   "(an import?); the list follows when it "
				   "is done.");
		else if (desk_is_unlocked(u->desk))
			ui_message(u, 1, "%s", err.msg);
		return -1;
	}
	O->at = desk_page_selected(P->p);
	capped = desk_page_capped(P->p);
	if (desk_page_counts(P->p, 1, ret, &err) == OD_OK)
		P->returns = ret[ORDER_STATUS_COUNT];
	P->capped = capped || desk_page_capped(P->p);
	P->ok = 1;
	/* The window is drawn even if its position is not known.  A broad
	 * search's is not counted: it would ask the full-text index row
	 * by row up to the selection (seconds at the end of 1M). */
	if (P->capped || desk_page_position(P->p, &before, &err) != OD_OK) {
		P->fit = 0;
		return 0;
	}
	P->before = before;
	/* A new list whose top holds the selection shows from its top, as
	 * the list in memory does. */
	if (P->fit && before < rows && before > O->at &&
	    desk_page_window(P->p, rows, before, NULL, &err) == OD_OK)
		O->at = desk_page_selected(P->p);
	P->fit = 0;
	return 0;
}

int orders_page_each(struct orders_st *O, struct ui *u, size_t max,
		     void (*fn)(void *ctx, const struct desk_row *r),
		     void *ctx)
{
	struct desk_page *walk = NULL;
	struct od_err err;
	enum od_code rc;
	size_t i;

	/* A page of its own from the top: the view's keeps its place. */
	rc = desk_page_new(u->desk, &walk, &err);
	if (rc == OD_OK)
		rc = page_to_view(walk, O, &err);
	if (rc == OD_OK)
		rc = desk_page_window(walk, max + 1, 0, NULL, &err);
	for (i = 0; rc == OD_OK && i < desk_page_count(walk); i++)
		fn(ctx, desk_page_row(walk, i));
	desk_page_free(walk);
	if (rc != OD_OK)
		ui_message(u, 1, "%s", err.msg);
	return rc == OD_OK ? 0 : -1;
}

size_t orders_page_tab_count(const struct orders_st *O, const struct ui *u,
			     const struct desk_tab *t, int *capped)
{
	const struct orders_page *P = &O->page;
	size_t n = 0;
	int s;

	*capped = 0;
	if (!O->paged || !P->ok || !orders_tab_pages(t))
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
