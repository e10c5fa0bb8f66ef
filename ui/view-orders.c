/*
 * view-orders.c - the home screen: the orders in a table, with a tab per
 * status and incremental search.  The rows come from the desk's index in
 * memory, so scrolling and tab changes never go back to the store; only a
 * changed search text runs a query.
 */
#include "ui/view.h"

#include <stdio.h>
#include <string.h>

#include "lib/format.h"
#include "ui/line-edit.h"
#include "ui/orders-holds.h"
#include "ui/orders-table.h"

#define NTABS 6
#define SEARCH_BURST_MS 15

/* Tab order: the order's life, then everything. */
static const int tab_status[NTABS] = {
	ORDER_NEW, ORDER_CONFIRMED, ORDER_HELD, ORDER_SHIPPED,
	ORDER_CANCELLED, -1,
};
static const char *const tab_name[NTABS] = {
	"New", "Confirmed", "Held", "Shipped", "Cancelled", "All",
};

static struct {
	int tab_x[NTABS + 1];  /* where each tab starts on row 0 */
	int tab;
	int tab_chosen;       /* the person picked a tab: keep it on unlock */
	size_t sel, top;
	int searching;
	char search[DESK_SEARCH_MAX + 1];
	struct line_edit ed;  /* over search, while searching */
	int newest;
	int sort;             /* index into sorts[] */
	struct desk_sync *sync;  /* NULL, or which orders reached the backend */
	char sel_number[STMT_ORDER_MAX + 1];
} O;

/* What o cycles through, and how the header and the count line say it. */
static const struct {
	enum desk_sort_key key;
	int newest;
	const char *name;
} sorts[] = {
	{ DESK_SORT_PLACED, 0, "placed, oldest first" },
	{ DESK_SORT_PLACED, 1, "placed, newest first" },
	{ DESK_SORT_NUMBER, 0, "number" },
	{ DESK_SORT_CUSTOMER, 0, "customer" },
	{ DESK_SORT_TOTAL, 0, "total, highest first" },
	{ DESK_SORT_STATUS, 0, "status" },
};
#define NSORTS (sizeof sorts / sizeof sorts[0])

static const struct ui_keyhelp orders_keys[] = {
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
	{ "Esc", "clear search", -1 },
	{ "Tab", "status", -1 },
	{ "?", "help", -1 },
	{ "q", "quit", -1 },
	{ "j k ↑ ↓", "move", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G Home End", "first, last", -1 },
	{ "1-6 ← → h l", "status tab", -1 },
	{ "*", "mark all shown", -1 },
	{ "u", "unmark all", -1 },
	{ "o", "sort by the next column", -1 },
	{ "f", "Held tab: one reason at a time", -1 },
	{ "r", "reread the store", -1 },
	{ "C", "conflicts sync set aside", -1 },
	{ "M", "message history", -1 },
	{ "L", "lock", -1 },
	{ "mouse", "click tab or row; wheel", -1 },
	{ NULL, NULL, -1 },
};

/* Rows the list has on screen. */
static size_t list_rows(const struct ui *u)
{
	return u->rows > 5 ? (size_t)(u->rows - 4) : 1;
}

/* Whether the Held tab shows: it has a reason column. */
static int on_held(void)
{
	return tab_status[O.tab] == ORDER_HELD;
}

/* The list's rows: on the Held tab, those of the reason chosen with f. */
static size_t count(struct ui *u)
{
	if (!on_held())
		return desk_count(u->desk);
	holds_load(u);
	return holds_count(u->desk);
}

static const struct desk_row *row(struct ui *u, size_t i)
{
	return on_held() ? holds_row(u->desk, i) : desk_row(u->desk, i);
}

static size_t find(struct ui *u, const char *number)
{
	return on_held() ? holds_find(u->desk, number) :
	       desk_find(u->desk, number);
}

/* Applies the tab, search and sort to the desk's list. */
static enum od_code refilter(struct ui *u, struct od_err *err)
{
	enum od_code rc = desk_filter(u->desk, tab_status[O.tab], O.search,
				      O.newest, err);
	size_t n = count(u), at;

	at = O.sel_number[0] ? find(u, O.sel_number) : (size_t)-1;
	if (at != (size_t)-1)
		O.sel = at;
	if (O.sel >= n)
		O.sel = n ? n - 1 : 0;
	return rc;
}

/* Remembers which order is selected, to find it again after a filter. */
static void note_selection(struct ui *u)
{
	const struct desk_row *r = row(u, O.sel);

	snprintf(O.sel_number, sizeof O.sel_number, "%s", r ? r->number : "");
}

/* Short names for the tabs, when the full ones do not fit the window. */
static const char *const tab_short[NTABS] = {
	"New", "Conf", "Held", "Ship", "Canc", "All",
};

/* Draws the tabs with their counts. */
static void draw_tabs(struct ui *u)
{
	int x = 1, i, w, all = 1;
	const char *const *names = tab_name;
	char label[48];

	for (i = 0; i < NTABS; i++)
		all += (int)strlen(tab_name[i]) + 3 + snprintf(label,
			sizeof label, "%zu", desk_count_status(u->desk,
			tab_status[i]));
	if (all > u->cols)
		names = tab_short;
	screen_bar(u, 0, UI_TITLE);
	for (i = 0; i < NTABS; i++) {
		snprintf(label, sizeof label, " %s %zu ", names[i],
			 desk_count_status(u->desk, tab_status[i]));
		w = screen_width(label);
		O.tab_x[i] = x;
		if (x + w > u->cols)
			break;
		screen_put(0, x, w, label, i == O.tab ? UI_TAB : UI_TITLE);
		x += w + 1;
	}
	for (; i <= NTABS; i++)
		O.tab_x[i] = x;
}

/* Whether the list has a sync column: the store is attached to a backend. */
static int has_sync(void)
{
	return desk_sync_attached(O.sync);
}

/* The columns for this window and tab. */
static void layout(const struct ui *u, struct orders_table *t)
{
	orders_table_layout(t, u->cols, has_sync(), tab_status[O.tab] >= 0,
			    on_held());
}

/* Rereads which orders reached the backend; keeps the old view on error. */
static void sync_refresh(struct ui *u)
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
	desk_sync_free(O.sync);
	O.sync = s;
	holds_refresh(u);
	parcels_refresh();
}

/* A heading, with an arrow when the list is sorted by it. */
static const char *heading(const char *name, enum desk_sort_key key,
			   char *out, size_t size)
{
	const char *arrow = sorts[O.sort].key != key ? "" :
			    (sorts[O.sort].newest ||
			     key == DESK_SORT_TOTAL) ? "↓" : "↑";

	snprintf(out, size, "%s%s", name, arrow);
	return out;
}

/* Draws one order's row, with its mark in the first column. */
static void draw_row(struct ui *u, const struct orders_table *t, int y,
		     const struct desk_row *r, int sel)
{
	const char *why = t->reason ? holds_reason(r->number) : NULL;
	int reached = desk_sync_reached(O.sync, r->number);
	char status[48];

	orders_table_row(t, y, r, sel, why ? why :
			 parcels_status(u, r, status, sizeof status),
			 reached ? "yes" : "no", !reached);
}

static void orders_draw(struct ui *u)
{
	size_t n = count(u), rows = list_rows(u), i;
	char line[DESK_SEARCH_MAX + 384], h[5][32], marked[48] = "";
	char held[192];
	struct orders_table t;
	const char *heads[OC_COUNT];

	layout(u, &t);
	draw_tabs(u);
	heads[OC_NUMBER] = heading("NUMBER", DESK_SORT_NUMBER, h[0], 32);
	heads[OC_PLACED] = heading("PLACED", DESK_SORT_PLACED, h[1], 32);
	heads[OC_CUSTOMER] = heading("CUSTOMER", DESK_SORT_CUSTOMER, h[2], 32);
	heads[OC_ITEMS] = "ITEMS";
	heads[OC_TOTAL] = heading("TOTAL", DESK_SORT_TOTAL, h[3], 32);
	heads[OC_STATUS] = t.reason ? "REASON" :
			   heading("STATUS", DESK_SORT_STATUS, h[4], 32);
	heads[OC_SYNC] = "SYNC";
	orders_table_head(&t, 1, heads);
	if (O.sel < O.top)
		O.top = O.sel;
	if (O.sel >= O.top + rows)
		O.top = O.sel - rows + 1;
	for (i = 0; i < rows && O.top + i < n; i++)
		draw_row(u, &t, 2 + (int)i, row(u, O.top + i),
			 O.top + i == O.sel);
	if (n == 0)
		screen_put(3, 2, u->cols - 4, O.search[0] ?
			   "No order here matches the search." :
			   "No orders here.", UI_DIM);
	if (O.searching) {
		const char *shown;
		int col = line_edit_view(&O.ed, u->cols - 1, &shown);

		screen_put(u->rows - 2, 0, 1, "/", UI_NORMAL);
		screen_put(u->rows - 2, 1, u->cols - 1, shown, UI_NORMAL);
		screen_cursor(u->rows - 2, 1 + col);
	} else if (u->msg[0]) {
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
	} else {
		if (marks_count())
			snprintf(marked, sizeof marked, ", %zu marked",
				 marks_count());
		/* The Held tab: how many per reason, or the one shown. */
		held[0] = '\0';
		if (on_held() && holds_filter() >= 0)
			snprintf(held, sizeof held, "only %s (f) │ ",
				 desk_hold_reasons[holds_filter()]);
		else if (on_held())
			holds_counts(held, sizeof held);
		snprintf(line, sizeof line, "%s%zu of %zu %s%s%s, by %s%s",
			 held, n ? O.sel + 1 : 0, n,
			 n == 1 ? "order" : "orders",
			 O.search[0] ? " matching /" : "", O.search,
			 sorts[O.sort].name, marked);
		screen_put(u->rows - 2, 1, u->cols - 2, line, UI_DIM);
	}
}

/* Runs the filter and reports a failure on the message line. */
static enum ui_next apply(struct ui *u)
{
	struct od_err err;

	if (refilter(u, &err) != OD_OK)
		ui_message(u, 1, "%s", err.msg);
	return UI_DRAW;
}

/* A key for the search text: 0 for one the editor does not take, -1 for
 * one that moved the cursor, 1 for one that changed the text. */
static int search_add(int key)
{
	switch (line_edit_key(&O.ed, key)) {
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
static enum ui_next search_key(struct ui *u, int key)
{
	int next, took, changed;

	if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER)) {
		O.searching = 0;
		return UI_DRAW;
	}
	if (key == UI_ESC) {
		O.searching = 0;
		O.search[0] = '\0';
		return apply(u);
	}
	if ((took = search_add(key)) == 0)
		return UI_STAY;
	changed = took > 0;
	while ((next = screen_key(SEARCH_BURST_MS)) >= 0 &&
	       (took = search_add(next)) != 0)
		changed |= took > 0;
	if (changed) {
		O.sel = 0;
		O.sel_number[0] = '\0';
		(void)apply(u);
	}
	/* A key that ended the burst and is not text (Enter, Esc, ...). */
	if (next >= 0)
		return search_key(u, next);
	return UI_DRAW;
}

/* Acts on the selected order with kind, if the role allows it. */
static enum ui_next act(struct ui *u, enum stmt_kind kind)
{
	const struct desk_row *r = row(u, O.sel);
	char number[STMT_ORDER_MAX + 1];

	if (!ui_allowed(u, kind))
		return UI_DRAW;
	if (r == NULL)
		return UI_STAY;
	snprintf(number, sizeof number, "%s", r->number);
	snprintf(O.sel_number, sizeof O.sel_number, "%s", number);
	if (ui_act(u, kind, number))
		sync_refresh(u);
	/* The order may have left this tab: stay near where it was. */
	if (O.sel >= count(u))
		O.sel = count(u) ? count(u) - 1 : 0;
	return UI_DRAW;
}

/*
 * The shipping queue's fast path: ship the selected order, then the next
 * one the tab shows, and so on, until the person stops (Esc) or the tab is
 * empty.  The carrier stays filled in, so a barcode scanner's code and
 * Enter, then y, ship each parcel.
 */
static enum ui_next ship_run(struct ui *u)
{
	const struct desk_row *r;
	char number[STMT_ORDER_MAX + 1];
	int shipped = 0;

	if (!ui_allowed(u, STMT_SHIPMENT_CONFIRM))
		return UI_DRAW;
	while ((r = row(u, O.sel)) != NULL && !screen_signal()) {
		snprintf(number, sizeof number, "%s", r->number);
		if (!ui_act(u, STMT_SHIPMENT_CONFIRM, number))
			break;
		shipped++;
		/* A shipped order leaves the Confirmed tab: the next one
		 * moves up to the selection.  On other tabs, step down. */
		if (find(u, number) == O.sel &&
		    O.sel + 1 >= count(u))
			break;
		if (find(u, number) == O.sel)
			O.sel++;
	}
	if (shipped > 0)
		sync_refresh(u);
	if (shipped > 1 && !u->msg_bad) {
		char last[UI_MSG_MAX];

		snprintf(last, sizeof last, "%s", u->msg);
		ui_message(u, 0, "Shipped %d orders; the last: %.160s", shipped,
			   last);
	}
	if (O.sel >= count(u))
		O.sel = count(u) ? count(u) - 1 : 0;
	return UI_DRAW;
}

/* Marks every order the list shows (up to DESK_BULK_MAX). */
static enum ui_next mark_all(struct ui *u)
{
	size_t n = count(u), i;

	for (i = 0; i < n; i++) {
		if (marks_set(row(u, i)->number, 1) != 0) {
			ui_message(u, 1, "Marked the first %d; at most %d can "
				   "be marked.", DESK_BULK_MAX,
				   DESK_BULK_MAX);
			break;
		}
	}
	return UI_DRAW;
}

/* Acts on the marked orders, then keeps the selection near where it was. */
static enum ui_next bulk(struct ui *u, enum stmt_kind kind)
{
	if (!ui_allowed(u, kind))
		return UI_DRAW;
	note_selection(u);
	if (ui_act_bulk(u, kind))
		sync_refresh(u);
	if (desk_is_unlocked(u->desk))
		(void)refilter(u, &(struct od_err){ 0 });
	return UI_DRAW;
}

static enum ui_next set_tab(struct ui *u, int t);
static enum ui_next orders_key(struct ui *u, int key);

/* A click picks a tab or a row (twice opens it); the wheel scrolls. */
static enum ui_next mouse(struct ui *u)
{
	size_t n = count(u), row;
	MEVENT ev;
	int t;

	if (getmouse(&ev) != OK)
		return UI_STAY;
	if (ev.bstate & BUTTON4_PRESSED) {
		O.sel = O.sel > 3 ? O.sel - 3 : 0;
		return UI_DRAW;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		O.sel = O.sel + 3 < n ? O.sel + 3 : (n ? n - 1 : 0);
		return UI_DRAW;
	}
	if (ev.y == 0) {
		for (t = 0; t < NTABS; t++)
			if (ev.x >= O.tab_x[t] && ev.x < O.tab_x[t + 1])
				return set_tab(u, t);
		return UI_STAY;
	}
	if (ev.y < 2 || (size_t)(ev.y - 2) >= list_rows(u))
		return UI_STAY;
	row = O.top + (size_t)(ev.y - 2);
	if (row >= n)
		return UI_STAY;
	O.sel = row;
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		return orders_key(u, '\r');
	return UI_DRAW;
}

/* Switches to tab t. */
static enum ui_next set_tab(struct ui *u, int t)
{
	O.tab = (t + NTABS) % NTABS;
	O.tab_chosen = 1;
	note_selection(u);
	return apply(u);
}

/* The keys that act on orders or open another screen; the rest common. */
static enum ui_next action_key(struct ui *u, int key)
{
	int many = marks_count() > 0;

	switch (key) {
	case 'c':
		return many ? bulk(u, STMT_ORDER_CONFIRM) :
		       act(u, STMT_ORDER_CONFIRM);
	case 'x':
		return act(u, STMT_ORDER_CANCEL);
	case 'a':
		return act(u, STMT_ORDER_NOTE);
	case 's':
		return many ? bulk(u, STMT_SHIPMENT_CONFIRM) :
		       act(u, STMT_SHIPMENT_CONFIRM);
	case 'H':
		return many ? bulk(u, STMT_ORDER_HOLD) :
		       act(u, STMT_ORDER_HOLD);
	case 'R':
		return many ? bulk(u, STMT_ORDER_RELEASE) :
		       act(u, STMT_ORDER_RELEASE);
	case 'S':
		return ship_run(u);
	case 'f':
		if (!on_held()) {
			ui_message(u, 0, "f shows the Held tab one reason at "
				   "a time; 3 opens it.");
			return UI_DRAW;
		}
		(void)holds_filter_next();
		O.sel = O.top = 0;
		O.sel_number[0] = '\0';
		return UI_DRAW;
	case 'A':
	case 'P':
		if (desk_role(u->desk) != ROLE_OWNER)
			ui_message(u, 1, "Only an owner sees the %s.",
				   key == 'A' ? "audit history" : "people");
		else if (key == 'A')
			view_audit_open(u);
		else
			view_people_open(u);
		return UI_DRAW;
	case 'C':
		view_conflicts_open(u);
		return UI_DRAW;
	default:
		return ui_common_key(u, key);
	}
}

/*
 * n and N after a search, less's way: the next or previous order it
 * matched (the list shows only those), round past either end.
 */
static enum ui_next next_match(struct ui *u, int dir)
{
	size_t n = count(u);

	if (O.search[0] == '\0') {
		ui_message(u, 1, "n, N: the next match; search with / first "
			   "(a adds a note).");
		return UI_DRAW;
	}
	if (n == 0) {
		ui_message(u, 1, "No order here matches /%s.", O.search);
		return UI_DRAW;
	}
	if (dir > 0 && O.sel + 1 < n) {
		O.sel++;
	} else if (dir > 0) {
		O.sel = 0;
		ui_message(u, 0, "Past the last match: back at the first.");
	} else if (O.sel > 0) {
		O.sel--;
	} else {
		O.sel = n - 1;
		ui_message(u, 0, "Past the first match: on at the last.");
	}
	return UI_DRAW;
}

static enum ui_next orders_key(struct ui *u, int key)
{
	size_t n = count(u), page = list_rows(u);
	const struct desk_row *r;
	struct od_err err;

	if (O.searching)
		return search_key(u, key);
	u->msg[0] = '\0';
	switch (key) {
	case 'q':
		return UI_QUIT;
	case 'j':
	case UI_FN(KEY_DOWN):
		if (O.sel + 1 < n)
			O.sel++;
		break;
	case 'k':
	case UI_FN(KEY_UP):
		if (O.sel > 0)
			O.sel--;
		break;
	case UI_FN(KEY_NPAGE):
		O.sel = O.sel + page < n ? O.sel + page : (n ? n - 1 : 0);
		O.top = O.top + page < n ? O.top + page : O.top;
		break;
	case UI_FN(KEY_PPAGE):
		O.sel = O.sel > page ? O.sel - page : 0;
		O.top = O.top > page ? O.top - page : 0;
		break;
	case 'g':
	case UI_FN(KEY_HOME):
		O.sel = 0;
		break;
	case 'G':
	case UI_FN(KEY_END):
		O.sel = n ? n - 1 : 0;
		break;
	case '\t':
	case 'l':
	case UI_FN(KEY_RIGHT):
		return set_tab(u, O.tab + 1);
	case UI_FN(KEY_BTAB):
	case 'h':
	case UI_FN(KEY_LEFT):
		return set_tab(u, O.tab - 1);
	case '1': case '2': case '3': case '4': case '5': case '6':
		return set_tab(u, key - '1');
	case '/':
		/* A new search, as in less and vi. */
		O.searching = 1;
		O.search[0] = '\0';
		line_edit_init(&O.ed, O.search, sizeof O.search);
		note_selection(u);
		return apply(u);
	case UI_ESC:
		if (O.search[0] == '\0')
			return UI_STAY;
		O.search[0] = '\0';
		note_selection(u);
		return apply(u);
	case 'o':
		O.sort = (O.sort + 1) % (int)NSORTS;
		O.newest = sorts[O.sort].newest;
		/* A new order starts at its top, as a sorted column does. */
		O.sel = 0;
		O.sel_number[0] = '\0';
		if (desk_sort(u->desk, sorts[O.sort].key, &err) != OD_OK) {
			ui_message(u, 1, "%s", err.msg);
			return UI_DRAW;
		}
		return apply(u);
	case ' ':
		r = row(u, O.sel);
		if (r != NULL && marks_set(r->number, !marks_has(r->number)))
			ui_message(u, 1, "At most %d orders can be marked.",
				   DESK_BULK_MAX);
		if (O.sel + 1 < n)
			O.sel++;
		break;
	case '*':
		return mark_all(u);
	case 'u':
		marks_clear();
		break;
	case 'r':
		note_selection(u);
		if (desk_reload(u->desk, &err) != OD_OK) {
			/* A changed key locks the desk instead (ui.c). */
			if (desk_is_unlocked(u->desk))
				ui_fatal(u, &err);
			return UI_DRAW;
		}
		(void)apply(u);
		sync_refresh(u);
		ui_message(u, 0, "Reread %zu orders from the store.",
			   desk_count_status(u->desk, -1));
		return UI_DRAW;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		r = row(u, O.sel);
		if (r != NULL) {
			note_selection(u);
			view_order_open(u, r->number);
		}
		return UI_DRAW;
	case 'n':
		return next_match(u, 1);
	case 'N':
		return next_match(u, -1);
	case UI_FN(KEY_MOUSE):
		return mouse(u);
	default:
		return action_key(u, key);
	}
	return UI_DRAW;
}

void view_orders_refresh(struct ui *u, int reload)
{
	struct od_err err;

	if (!desk_is_unlocked(u->desk))
		return;
	if (reload) {
		note_selection(u);
		if (desk_reload(u->desk, &err) != OD_OK) {
			/* A changed key locks the desk instead (ui.c). */
			if (desk_is_unlocked(u->desk))
				ui_message(u, 1, "%s", err.msg);
			return;
		}
		(void)apply(u);
	}
	sync_refresh(u);
}

/* Forgets nothing but the position: the desk drops the rows. */
static void orders_lock(struct ui *u)
{
	note_selection(u);
	O.searching = 0;
	/* Marks are for this session of work, not past a lock. */
	marks_clear();
	desk_sync_free(O.sync);
	O.sync = NULL;
	holds_drop();
	parcels_drop();
}

/* After unlocking: the same tab, search and order as before. */
static enum od_code orders_unlock(struct ui *u, struct od_err *err)
{
	enum od_code rc;

	if (!O.tab_chosen)
		O.tab = desk_role(u->desk) == ROLE_STAFF ? 1 : 0;
	rc = desk_sort(u->desk, sorts[O.sort].key, err);
	if (rc == OD_OK)
		rc = refilter(u, err);
	if (rc == OD_OK)
		sync_refresh(u);
	return rc;
}

const struct ui_view view_orders = {
	"Orders", orders_draw, orders_key, orders_lock, orders_unlock,
	/* Its news come through view_orders_refresh, with the sync column. */
	orders_keys, NULL,
};
