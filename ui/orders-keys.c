/*
 * orders-keys.c - the orders view's keys: a table from key to handler,
 * each with the kind of statement the signed-in role must be allowed to
 * sign (ui_allowed says why not), and the search typed with /.
 */
#include "ui/orders-view.h"

#include <stdio.h>

#include "ui/clip.h"
#include "ui/orders-holds.h"
#include "ui/view-dashboard.h"

#define SEARCH_BURST_MS 15

const struct ui_keyhelp orders_keys[] = {
	{ "Enter", "open", -1 },
	{ "c", "confirm", STMT_ORDER_CONFIRM },
	{ "x", "cancel", STMT_ORDER_CANCEL },
	{ "a", "note", STMT_ORDER_NOTE },
	{ "s", "ship", STMT_SHIPMENT_CONFIRM },
	{ "Space", "mark", -1 },
	{ "A", "audit history", UI_OWNER_ONLY },
	{ "P", "people", UI_OWNER_ONLY },
	{ "H", "hold", STMT_ORDER_HOLD },
	{ "R", "release", STMT_ORDER_RELEASE },
	{ "S", "ship one after another", STMT_SHIPMENT_CONFIRM },
	{ "/", "search", -1 },
	{ "n N", "next, previous match", -1 },
	{ "Esc", "clear search, :filter", -1 },
	{ ":", "command line, :filter", -1 },
	{ "Tab", "status", -1 },
	{ "?", "help", -1 },
	{ "q", "quit", -1 },
	{ "j k ↑ ↓", "move", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G Home End", "first, last", -1 },
	{ "1-9 ← → h l", "tab: status, unpaid, returns, views", -1 },
	{ "z", "undo last hold/confirm (10 min)", STMT_ORDER_UNCONFIRM },
	{ "*", "mark all shown", -1 },
	{ "u", "unmark all", -1 },
	{ "o", "sort by the next column", -1 },
	{ "f", "Held tab: one reason at a time", -1 },
	{ "r", "reread the store", -1 },
	{ "C", "conflicts sync set aside", -1 },
	{ "M", "message history", -1 },
	{ "y", "copy number (OSC 52)", -1 },
	{ "=", "choose columns", -1 },
	{ "D", "dashboard", UI_OWNER_ONLY },
	{ "W", "packing slips of the marked (PDF)", -1 },
	{ "K", "pick list of the marked (PDF)", -1 },
	{ "L", "lock", -1 },
	{ "mouse", "click tab or row; wheel", -1 },
	{ NULL, NULL, -1 },
};

/* A key for the search text: 0 for one the editor does not take, -1 for
 * one that moved the cursor, 1 for one that changed the text. */
static int search_add(struct orders_st *O, int key)
{
	switch (line_edit_key(&O->ed, key)) {
	case LINE_EDIT_CHANGED:
		return 1;
	case LINE_EDIT_MOVED:
		return -1;
	default:
		return 0;
	}
}

/*
 * A key while typing a search: the list narrows at once.  Keys that come
 * in a burst (a paste, a barcode scanner) are taken together, so the
 * search runs once for them instead of once per character.
 */
static enum ui_next search_key(struct orders_st *O, struct ui *u, int key)
{
	int next, took, changed;

	if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER)) {
		O->searching = 0;
		return UI_DRAW;
	}
	if (key == UI_ESC) {
		O->searching = 0;
		O->search[0] = '\0';
		return orders_apply(O, u);
	}
	if ((took = search_add(O, key)) == 0)
		return UI_STAY;
	changed = took > 0;
	while ((next = screen_key(SEARCH_BURST_MS)) >= 0 &&
	       (took = search_add(O, next)) != 0)
		changed |= took > 0;
	if (changed) {
		O->sel = O->top = O->at = 0;
		O->sel_number[0] = '\0';
		(void)orders_apply(O, u);
	}
	/* A key that ended the burst and is not text (Enter, Esc, ...). */
	if (next >= 0)
		return search_key(O, u, next);
	return UI_DRAW;
}

/* Acts on the selected order with kind, if the role allows it. */
static enum ui_next act(struct orders_st *O, struct ui *u,
			enum stmt_kind kind)
{
	const struct desk_row *r = orders_selected(O, u);
	char number[STMT_ORDER_MAX + 1];

	if (r == NULL)
		return UI_STAY;
	snprintf(number, sizeof number, "%s", r->number);
	snprintf(O->sel_number, sizeof O->sel_number, "%s", number);
	if (ui_act(u, kind, number))
		orders_sync_refresh(O, u);
	/* The order may have left this tab: the window stays near where it
	 * was (orders_window). */
	return UI_DRAW;
}

/*
 * The shipping queue's fast path: ship the selected order, then the next
 * one the tab shows, and so on, until the person stops (Esc) or the tab is
 * empty.  The carrier stays filled in, so a barcode scanner's code and
 * Enter, then y, ship each parcel.
 */
static enum ui_next ship_run(struct orders_st *O, struct ui *u, int key,
			     int kind)
{
	const struct desk_row *r;
	char number[STMT_ORDER_MAX + 1];
	int shipped = 0, done;

	while ((r = orders_selected(O, u)) != NULL && !screen_signal()) {
		snprintf(number, sizeof number, "%s", r->number);
		done = ui_act(u, STMT_SHIPMENT_CONFIRM, number);
		if (!done && !dialog_sign_skipped())
			break;
		shipped += done;
		/* n skips this one: the run goes on with the next. */
		if (!done)
			ui_message(u, 0, "Skipped order %s (Esc ends the run).",
				   number);
		/* A shipped order leaves the Confirmed tab: the next one
		 * moves up to the selection.  On other tabs, step down. */
		if (orders_still(O, u, number) != 0 && !orders_next(O, u))
			break;
	}
	if (shipped > 0)
		orders_sync_refresh(O, u);
	if (shipped > 1 && !u->msg_bad) {
		char last[UI_MSG_MAX];

		snprintf(last, sizeof last, "%s", u->msg);
		ui_message(u, 0, "Shipped %d orders; the last: %.160s", shipped,
			   last);
	}
	return UI_DRAW;
}

/* Acts on the marked orders, then keeps the selection near where it was. */
static enum ui_next bulk(struct orders_st *O, struct ui *u,
			 enum stmt_kind kind)
{
	orders_note_selection(O, u);
	if (ui_act_bulk(u, &O->marks, kind))
		orders_sync_refresh(O, u);
	if (desk_is_unlocked(u->desk))
		(void)orders_refilter(O, u, &(struct od_err){ 0 });
	return UI_DRAW;
}

/* q: leaves the desk. */
static enum ui_next quit(struct orders_st *O, struct ui *u, int key, int kind)
{
	return UI_QUIT;
}

/* Tab l → next tab, Shift-Tab h ← the one before, 1-9 that one. */
static enum ui_next tab_key(struct orders_st *O, struct ui *u, int key,
			    int kind)
{
	if (key >= '1' && key <= '9')
		return orders_set_tab(O, u, key - '1');
	if (key == '\t' || key == 'l' || key == UI_FN(KEY_RIGHT))
		return orders_set_tab(O, u, O->tab + 1);
	return orders_set_tab(O, u, O->tab - 1);
}

/* /: a new search, as in less and vi. */
static enum ui_next search_start(struct orders_st *O, struct ui *u, int key,
				 int kind)
{
	O->searching = 1;
	O->search[0] = '\0';
	line_edit_init(&O->ed, O->search, sizeof O->search);
	orders_note_selection(O, u);
	return orders_apply(O, u);
}

/* Esc: clears the search. */
static enum ui_next search_clear(struct orders_st *O, struct ui *u, int key,
				 int kind)
{
	if (O->search[0] == '\0')
		return orders_filter_clear(O, u);
	O->search[0] = '\0';
	orders_note_selection(O, u);
	return orders_apply(O, u);
}

/* o: sorts by the next column. */
static enum ui_next sort_next(struct orders_st *O, struct ui *u, int key,
			      int kind)
{
	struct od_err err;

	O->sort = (O->sort + 1) % (int)ORDERS_NSORTS;
	O->newest = orders_sorts[O->sort].newest;
	/* A new order starts at its top, as a sorted column does. */
	O->sel = O->top = O->at = 0;
	O->sel_number[0] = '\0';
	if (desk_sort(u->desk, orders_sorts[O->sort].key, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return UI_DRAW;
	}
	/* The store's first sort by customer or total makes its index
	 * (seconds at a million orders, once): said while the next draw
	 * reads the list, gone as soon as it is drawn. */
	if (O->paged) {
		screen_putf(u->rows - 2, 1, u->cols - 2, UI_DIM,
			    "Sorting by %s...", orders_sorts[O->sort].name);
		screen_flush();
	}
	return orders_apply(O, u);
}

/* u: unmarks all. */
static enum ui_next unmark_all(struct orders_st *O, struct ui *u, int key,
			       int kind)
{
	marks_clear(&O->marks);
	return UI_DRAW;
}

/* r: rereads the store. */
static enum ui_next reread(struct orders_st *O, struct ui *u, int key,
			   int kind)
{
	struct od_err err;

	orders_note_selection(O, u);
	if (desk_reload(u->desk, &err) != OD_OK) {
		/* A changed key locks the desk instead (ui.c). */
		if (desk_is_unlocked(u->desk))
			ui_fatal(u, &err);
		return UI_DRAW;
	}
	(void)orders_apply(O, u);
	orders_sync_refresh(O, u);
	ui_message(u, 0, "Reread %zu orders from the store.",
		   orders_all(O, u));
	return UI_DRAW;
}

/* x a: acts on the selected order. */
static enum ui_next act_one(struct orders_st *O, struct ui *u, int key,
			    int kind)
{
	return act(O, u, (enum stmt_kind)kind);
}

/* c s H R: acts on the marked orders when there are, else the selected. */
static enum ui_next act_many(struct orders_st *O, struct ui *u, int key,
			     int kind)
{
	if (marks_count(&O->marks) > 0)
		return bulk(O, u, (enum stmt_kind)kind);
	return act(O, u, (enum stmt_kind)kind);
}

/* z: undoes the person's own last action, wherever it was (act-undo.c). */
static enum ui_next undo(struct orders_st *O, struct ui *u, int key, int kind)
{
	orders_note_selection(O, u);
	if (ui_undo(u))
		orders_sync_refresh(O, u);
	if (desk_is_unlocked(u->desk))
		(void)orders_refilter(O, u, &(struct od_err){ 0 });
	return UI_DRAW;
}

/* f: the Held tab one reason at a time. */
static enum ui_next held_filter(struct orders_st *O, struct ui *u, int key,
				int kind)
{
	if (!orders_on_held(O)) {
		ui_message(u, 0, "f shows the Held tab one reason at a time; "
			   "3 opens it.");
		return UI_DRAW;
	}
	(void)holds_filter_next(&O->holds);
	O->sel = O->top = O->at = 0;
	O->sel_number[0] = '\0';
	/* One reason at a time is the index's; every reason, the pages'. */
	return orders_apply(O, u);
}

/* A P: the audit history or the people, owners only. */
static enum ui_next owner_view(struct orders_st *O, struct ui *u, int key,
			       int kind)
{
	if (desk_role(u->desk) != ROLE_OWNER)
		ui_message(u, 1, "Only an owner sees the %s.",
			   key == 'A' ? "audit history" : "people");
	else if (key == 'A')
		view_audit_open(u);
	else
		view_people_open(u);
	return UI_DRAW;
}

/* C: the conflicts sync set aside. */
static enum ui_next conflicts(struct orders_st *O, struct ui *u, int key,
			      int kind)
{
	view_conflicts_open(u);
	return UI_DRAW;
}

/* y: copies the selected order's number to the clipboard (clip.c). */
static enum ui_next copy_number(struct orders_st *O, struct ui *u, int key,
				int kind)
{
	const struct desk_row *r = orders_selected(O, u);

	if (r != NULL)
		clip_copy_order(u, r->number, 0);
	return UI_DRAW;
}

/* Each key's handler and the kind of statement the role must be allowed
 * to sign for it (-1: any role); keys not here have the common meaning. */
static const struct {
	int key;
	enum ui_next (*fn)(struct orders_st *O, struct ui *u, int key,
			   int kind);
	int kind;
} keymap[] = {
	{ 'q', quit, -1 },
	{ 'j', orders_step, -1 }, { UI_FN(KEY_DOWN), orders_step, -1 },
	{ 'k', orders_step, -1 }, { UI_FN(KEY_UP), orders_step, -1 },
	{ UI_FN(KEY_NPAGE), orders_step, -1 },
	{ UI_FN(KEY_PPAGE), orders_step, -1 },
	{ 'g', orders_step, -1 }, { UI_FN(KEY_HOME), orders_step, -1 },
	{ 'G', orders_step, -1 }, { UI_FN(KEY_END), orders_step, -1 },
	{ '\t', tab_key, -1 }, { 'l', tab_key, -1 },
	{ UI_FN(KEY_RIGHT), tab_key, -1 }, { UI_FN(KEY_BTAB), tab_key, -1 },
	{ 'h', tab_key, -1 }, { UI_FN(KEY_LEFT), tab_key, -1 },
	{ '1', tab_key, -1 }, { '2', tab_key, -1 }, { '3', tab_key, -1 },
	{ '4', tab_key, -1 }, { '5', tab_key, -1 }, { '6', tab_key, -1 },
	{ '7', tab_key, -1 }, { '8', tab_key, -1 }, { '9', tab_key, -1 },
	{ '/', search_start, -1 }, { UI_ESC, search_clear, -1 },
	{ 'n', orders_next_match, -1 }, { 'N', orders_next_match, -1 },
	{ 'o', sort_next, -1 },
	{ ' ', orders_mark, -1 }, { '*', orders_mark_all, -1 }, { 'u', unmark_all, -1 },
	{ 'r', reread, -1 },
	{ '\r', orders_open_selected, -1 }, { '\n', orders_open_selected, -1 },
	{ UI_FN(KEY_ENTER), orders_open_selected, -1 },
	{ UI_FN(KEY_MOUSE), orders_mouse, -1 },
	{ 'c', act_many, STMT_ORDER_CONFIRM },
	{ 'x', act_one, STMT_ORDER_CANCEL },
	{ 'a', act_one, STMT_ORDER_NOTE },
	{ 's', act_many, STMT_SHIPMENT_CONFIRM },
	{ 'H', act_many, STMT_ORDER_HOLD },
	{ 'R', act_many, STMT_ORDER_RELEASE },
	{ 'S', ship_run, STMT_SHIPMENT_CONFIRM },
	{ 'z', undo, -1 },
	{ 'f', held_filter, -1 },
	{ 'A', owner_view, -1 }, { 'P', owner_view, -1 },
	{ 'C', conflicts, -1 },
	{ 'y', copy_number, -1 },
	{ 'W', orders_slips, -1 }, { 'K', orders_slips, -1 },
	{ ':', orders_command, -1 },
	{ '=', orders_cols_choose, -1 },
	{ 'D', dashboard_key, -1 },
};

enum ui_next orders_key(struct ui *u, void *st, int key)
{
	struct orders_st *O = st;
	size_t i;

	if (O->searching)
		return search_key(O, u, key);
	u->msg[0] = '\0';
	for (i = 0; i < sizeof keymap / sizeof keymap[0]; i++) {
		if (keymap[i].key != key)
			continue;
		/* The role's refusal, said in one line (ui_allowed). */
		if (keymap[i].kind >= 0 &&
		    !ui_allowed(u, (enum stmt_kind)keymap[i].kind))
			return UI_DRAW;
		return keymap[i].fn(O, u, key, keymap[i].kind);
	}
	return ui_common_key(u, key);
}
