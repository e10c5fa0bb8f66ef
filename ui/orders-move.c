/*
 * orders-move.c - the orders view's keys that move the selection and
 * mark orders: by rows, pages and ends, tabs, the wheel and a click (two
 * open the order), the next match of a search, Space and *.  Each goes
 * through orders-list.c, so the list may be the store's pages or the
 * index in memory.
 */
#include "ui/orders-view.h"

#include <stdio.h>

enum ui_next orders_open_selected(struct orders_st *O, struct ui *u, int key,
				  int kind)
{
	const struct desk_row *r = orders_selected(O, u);

	if (r != NULL) {
		orders_note_selection(O, u);
		view_order_open(u, r->number);
	}
	return UI_DRAW;
}

enum ui_next orders_set_tab(struct orders_st *O, struct ui *u, int t)
{
	int n = (int)orders_ntabs(u);
	const struct desk_row *r = orders_selected(O, u);

	O->tab = (t + n) % n;
	O->tab_chosen = 1;
	orders_note_selection(O, u);
	/* The selected order stays selected if the new tab has it, else
	 * the new tab opens at its first order. */
	if (r != NULL && orders_tab_keeps(O->tab, r) == 0) {
		O->sel_number[0] = '\0';
		O->sel = O->top = O->at = 0;
	}
	return orders_apply(O, u);
}

enum ui_next orders_step(struct orders_st *O, struct ui *u, int key,
			 int kind)
{
	long page = (long)orders_list_rows(u);

	(void)kind;
	if (key == 'j' || key == UI_FN(KEY_DOWN))
		orders_move(O, u, 1, 0);
	else if (key == 'k' || key == UI_FN(KEY_UP))
		orders_move(O, u, -1, 0);
	else if (key == UI_FN(KEY_NPAGE))
		orders_move(O, u, page, 1);
	else if (key == UI_FN(KEY_PPAGE))
		orders_move(O, u, -page, 1);
	else
		orders_home(O, u, !(key == 'g' || key == UI_FN(KEY_HOME)));
	return UI_DRAW;
}

enum ui_next orders_mouse(struct orders_st *O, struct ui *u, int key,
			  int kind)
{
	MEVENT ev;
	int t;

	(void)key;
	(void)kind;
	if (getmouse(&ev) != OK)
		return UI_STAY;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		orders_move(O, u, ev.bstate & BUTTON4_PRESSED ? -3 : 3, 0);
		return UI_DRAW;
	}
	if (ev.y == 0) {
		for (t = 0; t < (int)orders_ntabs(u); t++)
			if (ev.x >= O->tab_x[t] && ev.x < O->tab_x[t + 1])
				return orders_set_tab(O, u, t);
		return UI_STAY;
	}
	if (ev.y < 2 || (size_t)(ev.y - 2) >= orders_list_rows(u) ||
	    (size_t)(ev.y - 2) >= orders_win_count(O, u))
		return UI_STAY;
	orders_pick_row(O, u, (size_t)(ev.y - 2));
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		return orders_open_selected(O, u, '\r', -1);
	return UI_DRAW;
}

/*
 * n and N after a search, less's way: the next or previous order it
 * matched (the list shows only those), round past either end.
 */
enum ui_next orders_next_match(struct orders_st *O, struct ui *u, int key,
			       int kind)
{
	char was[STMT_ORDER_MAX + 1];
	const struct desk_row *r;
	int dir = key == 'n' ? 1 : -1;

	(void)kind;
	if (O->search[0] == '\0') {
		ui_message(u, 1, "n, N: the next match; search with / first "
			   "(a adds a note).");
		return UI_DRAW;
	}
	if ((r = orders_selected(O, u)) == NULL) {
		ui_message(u, 1, "No order here matches /%s.", O->search);
		return UI_DRAW;
	}
	snprintf(was, sizeof was, "%s", r->number);
	/* A step that stays put was at an end: round to the other (the
	 * store busy: the step waits for the next read). */
	orders_move(O, u, dir, 0);
	if (orders_still(O, u, was) != 1)
		return UI_DRAW;
	orders_home(O, u, dir < 0);
	ui_message(u, 0, dir > 0 ? "Past the last match: back at the first." :
		   "Past the first match: on at the last.");
	return UI_DRAW;
}

/* Space: marks or unmarks the selected order and steps down. */
enum ui_next orders_mark(struct orders_st *O, struct ui *u, int key,
			 int kind)
{
	const struct desk_row *r = orders_selected(O, u);

	(void)key;
	(void)kind;
	if (r != NULL && marks_set(&O->marks, r->number,
				   !marks_has(&O->marks, r->number)))
		ui_message(u, 1, "At most %d orders can be marked.",
			   DESK_BULK_MAX);
	orders_move(O, u, 1, 0);
	return UI_DRAW;
}

/* What * marks, and whether one was past the bound. */
struct mark_walk {
	struct orders_st *O;
	int over;
};

static void mark_one(void *ctx, const struct desk_row *r)
{
	struct mark_walk *w = ctx;

	if (!w->over && marks_set(&w->O->marks, r->number, 1) != 0)
		w->over = 1;
}

/* *: marks every order the list shows (up to DESK_BULK_MAX). */
enum ui_next orders_mark_all(struct orders_st *O, struct ui *u, int key,
			     int kind)
{
	struct mark_walk w = { O, 0 };

	(void)key;
	(void)kind;
	if (orders_each(O, u, DESK_BULK_MAX, mark_one, &w) == 0 && w.over)
		ui_message(u, 1, "Marked the first %d; at most %d can be "
			   "marked.", DESK_BULK_MAX, DESK_BULK_MAX);
	return UI_DRAW;
}
