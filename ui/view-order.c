/*
 * view-order.c - everything about one order: items, totals, customer and
 * address, notes, shipments, and its history, each statement with a mark
 * that its signature checks.  The text is laid out into lines once per load
 * and scrolled; every line is drawn through screen_put.
 */
#include "ui/view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "lib/secret.h"

#define ORDER_LINE_MAX 2048
#define ORDER_LINES_MAX 5000

struct line {
	char *text;
	enum ui_attr attr;
};

static struct {
	char number[STMT_ORDER_MAX + 1];
	struct line *lines;
	size_t nlines;
	size_t top;
	enum ui_attr next_attr;
} V;

static const struct ui_keyhelp order_keys[] = {
	{ "c", "confirm", STMT_ORDER_CONFIRM },
	{ "x", "cancel", STMT_ORDER_CANCEL },
	{ "a", "note", STMT_ORDER_NOTE },
	{ "s", "ship", STMT_SHIPMENT_CONFIRM },
	{ "H", "hold", STMT_ORDER_HOLD },
	{ "R", "release", STMT_ORDER_RELEASE },
	{ "Esc ← h", "back", -1 },
	{ "?", "help", -1 },
	{ "j k ↑ ↓", "scroll", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G Home End", "top, bottom", -1 },
	{ "q", "back", -1 },
	{ "L", "lock", -1 },
	{ NULL, NULL, -1 },
};

/* Drops the laid-out lines (customer data) from memory. */
static void lines_free(void)
{
	size_t i;

	for (i = 0; i < V.nlines; i++) {
		secret_wipe(V.lines[i].text, strlen(V.lines[i].text));
		free(V.lines[i].text);
	}
	free(V.lines);
	V.lines = NULL;
	V.nlines = 0;
}

/* Adds one line; quietly stops at ORDER_LINES_MAX or without memory. */
static void add(enum ui_attr a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(enum ui_attr a, const char *fmt, ...)
{
	struct line *bigger;
	char *text;
	va_list ap;
	int n;

	if (V.nlines >= ORDER_LINES_MAX)
		return;
	text = malloc(ORDER_LINE_MAX);
	if (text == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(text, ORDER_LINE_MAX, fmt, ap);
	va_end(ap);
	bigger = n < 0 ? NULL : realloc(V.lines,
					(V.nlines + 1) * sizeof *bigger);
	if (bigger == NULL) {
		free(text);
		return;
	}
	V.lines = bigger;
	V.lines[V.nlines].text = text;
	V.lines[V.nlines].attr = a;
	V.nlines++;
}

/* Lays out the order's items and totals. */
static void layout_items(const struct order *o)
{
	char money[48];
	size_t i;

	add(UI_HEAD, "Items                   qty       unit price  shipped");
	for (i = 0; i < o->nitems; i++) {
		format_money(o->items[i].unit_price, o->currency, money,
			     sizeof money);
		add(UI_NORMAL, "  %-20s %5lld x %14s  %7lld  %s",
		    o->items[i].sku, o->items[i].qty, money,
		    o->items[i].shipped, o->items[i].name);
	}
	format_money(o->total, o->currency, money, sizeof money);
	add(UI_HEAD, "Total %*s", 39, money);
}

/* Lays out the whole order from its detail. */
static void layout(const struct desk_detail *dd)
{
	const struct order *o = dd->order;
	size_t i;

	add(UI_HEAD, "Order %s · %s%s%s · placed %s", o->number,
	    desk_status_name(o->status), o->reason ? ": " : "",
	    o->reason ? o->reason : "", o->placed_at);
	add(UI_NORMAL, "%s", "");
	add(UI_NORMAL, "Customer  %s", o->customer_name);
	if (o->email[0] || o->phone[0])
		add(UI_NORMAL, "          %s  %s", o->email, o->phone);
	add(UI_NORMAL, "Ship to   %s", o->ship_name);
	for (i = 0; i < o->nlines; i++)
		add(UI_NORMAL, "          %s", o->ship_lines[i]);
	add(UI_NORMAL, "          %s %s %s", o->postcode, o->city,
	    o->country);
	if (o->note && o->note[0])
		add(UI_NORMAL, "Note      %s", o->note);
	add(UI_NORMAL, "%s", "");
	layout_items(o);
	add(UI_NORMAL, "%s", "");
	add(UI_HEAD, "Shipments");
	for (i = 0; i < dd->nshipments; i++)
		add(UI_NORMAL, "  #%-6lld %s %s: %s", dd->shipments[i].seq,
		    dd->shipments[i].carrier, dd->shipments[i].tracking,
		    dd->shipments[i].items);
	if (dd->nshipments == 0)
		add(UI_DIM, "  none yet");
	add(UI_HEAD, "Notes");
	for (i = 0; i < dd->nnotes; i++)
		add(UI_NORMAL, "  %s %s: %s", dd->notes[i].time,
		    dd->notes[i].actor, dd->notes[i].text);
	if (dd->nnotes == 0)
		add(UI_DIM, "  none");
	add(UI_HEAD, "History (✓ signature checks)");
	for (i = 0; i < dd->nevents; i++) {
		const struct desk_event *e = &dd->events[i];
		int ok = e->sig_ok && e->chain_ok;

		add(ok ? UI_GOOD : UI_BAD,
		    "  %s #%-6lld %s  %-16s %s%s%s%s  %s",
		    ok ? "✓" : "✗ NOT CHECKED", e->seq, e->time,
		    e->kind, e->actor, e->role[0] ? " (" : "", e->role,
		    e->role[0] ? ")" : "", e->detail ? e->detail : "");
	}
}

/* Reads the order again and lays it out. */
static enum od_code load(struct ui *u, struct od_err *err)
{
	struct desk_detail *dd = NULL;
	enum od_code rc = desk_detail(u->desk, V.number, &dd, err);

	lines_free();
	if (rc != OD_OK)
		return rc;
	layout(dd);
	desk_detail_free(dd);
	if (V.top >= V.nlines)
		V.top = 0;
	return OD_OK;
}

int view_order_open(struct ui *u, const char *number)
{
	struct od_err err;

	snprintf(V.number, sizeof V.number, "%s", number);
	V.top = 0;
	if (load(u, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	ui_push(u, &view_order);
	return 1;
}

static void order_draw(struct ui *u)
{
	size_t rows = (size_t)(u->rows - 3), i;

	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · order %s",
		    V.number);
	for (i = 0; i < rows && V.top + i < V.nlines; i++)
		screen_put(1 + (int)i, 1, u->cols - 2, V.lines[V.top + i].text,
			   V.lines[V.top + i].attr);
	if (u->msg[0])
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
}

/* Acts on this order, then shows what changed. */
static enum ui_next act(struct ui *u, enum stmt_kind kind)
{
	struct od_err err;

	if (!ui_act(u, kind, V.number))
		return UI_DRAW;
	/* The list below shows holds by reason: it reads them again. */
	view_orders_refresh(u, 0);
	if (load(u, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return UI_DRAW;
	}
	/* Show the end of the history, where the new statement is. */
	if (V.nlines > (size_t)(u->rows - 3))
		V.top = V.nlines - (size_t)(u->rows - 3);
	return UI_DRAW;
}

static enum ui_next order_key(struct ui *u, int key)
{
	size_t page = (size_t)(u->rows - 3), last;

	last = V.nlines > page ? V.nlines - page : 0;
	u->msg[0] = '\0';
	switch (key) {
	case 'q':
	case 'h':
	case UI_ESC:
	case UI_FN(KEY_LEFT):
		lines_free();
		return UI_BACK;
	case 'j':
	case UI_FN(KEY_DOWN):
		if (V.top < last)
			V.top++;
		break;
	case 'k':
	case UI_FN(KEY_UP):
		if (V.top > 0)
			V.top--;
		break;
	case UI_FN(KEY_NPAGE):
	case ' ':
		V.top = V.top + page < last ? V.top + page : last;
		break;
	case UI_FN(KEY_PPAGE):
		V.top = V.top > page ? V.top - page : 0;
		break;
	case 'g':
	case UI_FN(KEY_HOME):
		V.top = 0;
		break;
	case 'G':
	case UI_FN(KEY_END):
		V.top = last;
		break;
	case UI_FN(KEY_MOUSE): {
		MEVENT ev;

		if (getmouse(&ev) != OK)
			return UI_STAY;
		if (ev.bstate & BUTTON4_PRESSED)
			V.top = V.top > 3 ? V.top - 3 : 0;
		else if (ev.bstate & BUTTON5_PRESSED)
			V.top = V.top + 3 < last ? V.top + 3 : last;
		else
			return UI_STAY;
		break;
	}
	case 'c':
		return act(u, STMT_ORDER_CONFIRM);
	case 'x':
		return act(u, STMT_ORDER_CANCEL);
	case 'a':
		return act(u, STMT_ORDER_NOTE);
	case 's':
		return act(u, STMT_SHIPMENT_CONFIRM);
	case 'H':
		return act(u, STMT_ORDER_HOLD);
	case 'R':
		return act(u, STMT_ORDER_RELEASE);
	default:
		return ui_common_key(u, key);
	}
	return UI_DRAW;
}

static void order_lock(struct ui *u)
{
	lines_free();
}

static enum od_code order_unlock(struct ui *u, struct od_err *err)
{
	return load(u, err);
}

const struct ui_view view_order = {
	"Order", order_draw, order_key, order_lock, order_unlock, order_keys,
	order_unlock,
};
