/*
 * orders-list.c - the list the orders view shows, through the tab, the
 * search and the sort, and the selection kept across them.  Two sources
 * behind one set of calls: the store's pages (orders-page.c; issue 11),
 * a window of rows read once a draw, never the whole list, for every tab
 * of statuses or open returns; and the desk's index in memory for what
 * only it can answer (Unpaid, saved views, a :filter, the Held tab one
 * reason at a time).
 */
#include "ui/orders-view.h"

#include <stdio.h>
#include <string.h>

#include "ui/orders-holds.h"

size_t orders_list_rows(const struct ui *u)
{
	return u->rows > 5 ? (size_t)(u->rows - 4) : 1;
}

/* ---- the list in memory: row i of the whole list ---- */

static size_t mem_count(struct orders_st *O, struct ui *u)
{
	if (!orders_on_held(O))
		return desk_count(u->desk);
	holds_load(&O->holds, u);
	return holds_count(&O->holds, u->desk);
}

static const struct desk_row *mem_row(struct orders_st *O, struct ui *u,
				      size_t i)
{
	return orders_on_held(O) ? holds_row(&O->holds, u->desk, i) :
	       desk_row(u->desk, i);
}

static size_t mem_find(struct orders_st *O, struct ui *u, const char *number)
{
	return orders_on_held(O) ? holds_find(&O->holds, u->desk, number) :
	       desk_find(u->desk, number);
}

/* The selection kept in range of the list. */
static void mem_clamp(struct orders_st *O, struct ui *u)
{
	size_t n = mem_count(O, u);

	if (O->sel >= n)
		O->sel = n ? n - 1 : 0;
}

/*
 * Whether the index in memory is filtered for the list too.  A big shop's
 * paged list does not (a walk of every row, each key): only its tab is
 * noted (Tab's completion asks it), and the index's counts show only with
 * no search, counted again only if its last were of one.
 */
static int index_filter_needed(const struct orders_st *O, struct ui *u,
			       const struct desk_tab *t)
{
	if (!O->paged || !desk_index_big(u->desk))
		return 1;
	return !desk_tab_note(u->desk, t) && desk_index_ready(u->desk) &&
	       O->search[0] == '\0';
}

static enum od_code refilter_once(struct orders_st *O, struct ui *u,
				  struct od_err *err)
{
	struct desk_tab t;
	enum od_code rc;
	size_t at;

	/* A view deleted (here or by a reload) takes its tab with it. */
	if ((size_t)O->tab >= orders_ntabs(u))
		O->tab = ORDERS_TAB_ALL;
	t = orders_tab_of(O->tab);
	O->paged = orders_page_can(O, u);
	/* A big shop reads its index only for a tab pages cannot show. */
	rc = O->paged ? OD_OK : desk_index_need(u->desk, err);
	/* The index's counters give the counts of the tabs pages lack. */
	if (rc == OD_OK && index_filter_needed(O, u, &t))
		rc = desk_filter_tab(u->desk, &t, orders_index_counts(O, u) ?
				     O->search : NULL, O->newest, err);
	if (O->paged)
		return rc == OD_OK ? orders_page_set(O, u, err) : rc;
	at = O->sel_number[0] ? mem_find(O, u, O->sel_number) : (size_t)-1;
	if (at != (size_t)-1)
		O->sel = at;
	mem_clamp(O, u);
	return rc;
}

enum od_code orders_refilter(struct orders_st *O, struct ui *u,
			     struct od_err *err)
{
	struct od_err again;
	enum od_code rc = refilter_once(O, u, err);

	/* Text the search refuses (said in err) leaves no half-applied
	 * tab: the list shows it without the search. */
	if (rc == OD_E_INPUT && O->search[0] != '\0') {
		O->search[0] = '\0';
		(void)refilter_once(O, u, &again);
	}
	return rc;
}

const struct desk_row *orders_selected(struct orders_st *O, struct ui *u)
{
	if (O->paged)
		return desk_page_row(O->page.p, desk_page_selected(O->page.p));
	return mem_row(O, u, O->sel);
}

void orders_note_selection(struct orders_st *O, struct ui *u)
{
	const struct desk_row *r = orders_selected(O, u);

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

int orders_index_counts(const struct orders_st *O, const struct ui *u)
{
	return desk_index_ready(u->desk) &&
	       (!O->paged || !desk_index_big(u->desk) || !O->search[0]);
}

/* ---- the window, either way ---- */

int orders_window(struct orders_st *O, struct ui *u, size_t rows)
{
	/* The Held tab's reasons, read again only after the list changed. */
	if (orders_on_held(O))
		holds_load(&O->holds, u);
	if (O->paged)
		return orders_page_read(O, u, rows);
	mem_clamp(O, u);
	if (O->sel < O->top)
		O->top = O->sel;
	if (O->sel >= O->top + rows)
		O->top = O->sel - rows + 1;
	O->at = O->sel - O->top;
	return 0;
}

size_t orders_win_count(struct orders_st *O, struct ui *u)
{
	size_t n, rows = orders_list_rows(u);

	if (O->paged)
		return desk_page_count(O->page.p);
	n = mem_count(O, u);
	return O->top >= n ? 0 : n - O->top < rows ? n - O->top : rows;
}

const struct desk_row *orders_win_row(struct orders_st *O, struct ui *u,
				      size_t i)
{
	return O->paged ? desk_page_row(O->page.p, i) :
	       mem_row(O, u, O->top + i);
}

size_t orders_win_selected(const struct orders_st *O)
{
	return O->paged ? desk_page_selected(O->page.p) : O->sel - O->top;
}

size_t orders_total(struct orders_st *O, struct ui *u, int *capped)
{
	struct desk_tab t = orders_tab_of(O->tab);

	*capped = 0;
	if (O->paged)
		return orders_page_tab_count(O, u, &t, capped);
	return mem_count(O, u);
}

size_t orders_before(const struct orders_st *O)
{
	if (!O->paged)
		return O->sel;
	return O->page.capped ? (size_t)-1 : O->page.before;
}

size_t orders_all(const struct orders_st *O, struct ui *u)
{
	if (!desk_index_ready(u->desk) ||
	    (O->paged && O->page.ok && !O->search[0]))
		return O->page.counts[ORDER_STATUS_COUNT];
	return desk_count_status(u->desk, -1);
}

/* ---- moving the selection ---- */

void orders_move(struct orders_st *O, struct ui *u, long delta, int keep_row)
{
	size_t n, rows = orders_list_rows(u);
	long at = (long)O->at + delta;

	if (O->paged) {
		(void)desk_page_move(O->page.p, delta, &(struct od_err){ 0 });
		if (!keep_row)
			O->at = at < 0 ? 0 : at >= (long)rows ? rows - 1 :
				(size_t)at;
		return;
	}
	n = mem_count(O, u);
	if (delta < 0)
		O->sel = O->sel > (size_t)-delta ? O->sel - (size_t)-delta : 0;
	else
		O->sel = O->sel + (size_t)delta < n ? O->sel + (size_t)delta :
			 (n ? n - 1 : 0);
	if (keep_row && delta < 0)
		O->top = O->top > (size_t)-delta ? O->top - (size_t)-delta : 0;
	else if (keep_row && O->top + (size_t)delta < n)
		O->top += (size_t)delta;
}

void orders_home(struct orders_st *O, struct ui *u, int end)
{
	size_t n;

	if (O->paged) {
		(void)desk_page_home(O->page.p, end, &(struct od_err){ 0 });
		O->at = end ? orders_list_rows(u) - 1 : 0;
		return;
	}
	n = mem_count(O, u);
	O->sel = end && n ? n - 1 : 0;
}

void orders_pick_row(struct orders_st *O, struct ui *u, size_t i)
{
	const struct desk_row *r = orders_win_row(O, u, i);
	struct od_err err;

	if (r == NULL)
		return;
	if (!O->paged) {
		O->sel = O->top + i;
		return;
	}
	if (desk_page_select(O->page.p, r->number, &err) == OD_OK)
		O->at = i;
	else
		ui_message(u, 1, "%s", err.msg);
}

/* The selected order's number into out ("" for none). */
static void selected_number(struct orders_st *O, struct ui *u,
			    char out[STMT_ORDER_MAX + 1])
{
	const struct desk_row *r = orders_selected(O, u);

	snprintf(out, STMT_ORDER_MAX + 1, "%s", r ? r->number : "");
}

int orders_next(struct orders_st *O, struct ui *u)
{
	char was[STMT_ORDER_MAX + 1], now[STMT_ORDER_MAX + 1];

	if (!O->paged) {
		if (O->sel + 1 >= mem_count(O, u))
			return 0;
		O->sel++;
		return 1;
	}
	selected_number(O, u, was);
	orders_move(O, u, 1, 0);
	if (orders_window(O, u, orders_list_rows(u)) != 0)
		return 0;
	selected_number(O, u, now);
	return now[0] != '\0' && strcmp(was, now) != 0;
}

int orders_still(struct orders_st *O, struct ui *u, const char *number)
{
	char now[STMT_ORDER_MAX + 1];

	if (!O->paged)
		return mem_find(O, u, number) == O->sel;
	if (orders_window(O, u, orders_list_rows(u)) != 0)
		return -1;
	selected_number(O, u, now);
	return strcmp(now, number) == 0;
}

int orders_each(struct orders_st *O, struct ui *u, size_t max,
		void (*fn)(void *ctx, const struct desk_row *r), void *ctx)
{
	size_t n, i;

	if (O->paged)
		return orders_page_each(O, u, max, fn, ctx);
	n = mem_count(O, u);
	for (i = 0; i < n && i <= max; i++)
		fn(ctx, mem_row(O, u, i));
	return 0;
}
