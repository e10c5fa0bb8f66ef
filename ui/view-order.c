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

#include "lib/buf.h"
#include "lib/format.h"
#include "lib/secret.h"
#include "ui/clip.h"
#include "ui/cmdline-run.h"
#include "ui/wrap.h"

#define ORDER_LINE_MAX 2048
#define ORDER_LINES_MAX 5000

/* A line as laid out; a long one wraps, its next rows indented by hang
 * columns (-1: a table row, cut instead). */
struct line {
	char *text;
	enum ui_attr attr;
	int hang;
};

/* One row on the screen: a piece of a line at the width laid out. */
struct row {
	size_t line;
	size_t off, len;
	int indent;
};

struct order_st {
	char number[STMT_ORDER_MAX + 1];
	struct line *lines;
	size_t nlines;
	struct row *rows;       /* the lines wrapped at width */
	size_t nrows;
	int width;              /* 0: not wrapped yet */
	size_t top;             /* the first row shown */
};

static const struct ui_view view_order;

static const struct ui_keyhelp order_keys[] = {
	{ "c", "confirm", STMT_ORDER_CONFIRM },
	{ "x", "cancel", STMT_ORDER_CANCEL },
	{ "a", "note", STMT_ORDER_NOTE },
	{ "s", "ship", STMT_SHIPMENT_CONFIRM },
	{ "H", "hold", STMT_ORDER_HOLD },
	{ "R", "release", STMT_ORDER_RELEASE },
	{ "z", "undo last hold/confirm (10 min)", STMT_ORDER_UNCONFIRM },
	{ "y", "copy tracking (OSC 52)", -1 },
	{ ":", "command line", -1 },
	{ "Esc ← h", "back", -1 },
	{ "?", "help", -1 },
	{ "j k ↑ ↓", "scroll", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G Home End", "top, bottom", -1 },
	{ "q", "back", -1 },
	{ "p", "show in $PAGER", -1 },
	{ "M", "message history", -1 },
	{ "L", "lock", -1 },
	{ NULL, NULL, -1 },
};

/* Drops the laid-out lines (customer data) from memory. */
static void lines_free(struct order_st *V)
{
	size_t i;

	for (i = 0; i < V->nlines; i++) {
		secret_wipe(V->lines[i].text, strlen(V->lines[i].text));
		free(V->lines[i].text);
	}
	free(V->lines);
	V->lines = NULL;
	V->nlines = 0;
	free(V->rows);
	V->rows = NULL;
	V->nrows = 0;
	V->width = 0;
}

/* Adds one line; quietly stops at ORDER_LINES_MAX or without memory. */
static void add(struct order_st *V, enum ui_attr a, int hang,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(struct order_st *V, enum ui_attr a, int hang,
		const char *fmt, ...)
{
	struct line *bigger;
	char *text;
	va_list ap;
	int n;

	if (V->nlines >= ORDER_LINES_MAX)
		return;
	text = malloc(ORDER_LINE_MAX);
	if (text == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(text, ORDER_LINE_MAX, fmt, ap);
	va_end(ap);
	bigger = n < 0 ? NULL : realloc(V->lines,
					(V->nlines + 1) * sizeof *bigger);
	if (bigger == NULL) {
		free(text);
		return;
	}
	V->lines = bigger;
	V->lines[V->nlines].text = text;
	V->lines[V->nlines].attr = a;
	V->lines[V->nlines].hang = hang;
	V->nlines++;
}

/* Lays out the order's items and totals. */
static void layout_items(struct order_st *V, const struct order *o)
{
	char money[48];
	size_t i;

	add(V, UI_HEAD, -1, "Items                   qty       unit price  shipped");
	for (i = 0; i < o->nitems; i++) {
		format_money(o->items[i].unit_price, o->currency, money,
			     sizeof money);
		add(V, UI_NORMAL, -1, "  %-20s %5lld x %14s  %7lld  %s",
		    o->items[i].sku, o->items[i].qty, money,
		    o->items[i].shipped, o->items[i].name);
	}
	format_money(o->total, o->currency, money, sizeof money);
	add(V, UI_HEAD, -1, "Total %*s", 39, money);
}

/* Lays out the whole order from its detail. */
static void layout(struct order_st *V, const struct desk_detail *dd)
{
	const struct order *o = dd->order;
	size_t i;

	add(V, UI_HEAD, 4, "Order %s · %s%s%s · placed %s", o->number,
	    desk_status_name(o->status), o->reason ? ": " : "",
	    o->reason ? o->reason : "", o->placed_at);
	add(V, UI_NORMAL, 4, "%s", "");
	add(V, UI_NORMAL, 10, "Customer  %s", o->customer_name);
	if (o->email[0] || o->phone[0])
		add(V, UI_NORMAL, 10, "          %s  %s", o->email, o->phone);
	/* No address lines: no ship-to at all (all or none, order.c). */
	if (o->nlines == 0)   /* a gift card, a download */
		add(V, UI_NORMAL, 10, "Ship to   no shipping needed");
	else
		add(V, UI_NORMAL, 10, "Ship to   %s", o->ship_name);
	for (i = 0; i < o->nlines; i++)
		add(V, UI_NORMAL, 10, "          %s", o->ship_lines[i]);
	/* No postcode: the city starts where the lines above do. */
	if (o->nlines > 0)
		add(V, UI_NORMAL, 10, "          %s%s%s %s", o->postcode,
		    o->postcode[0] ? " " : "", o->city, o->country);
	if (o->note && o->note[0])
		add(V, UI_NORMAL, 10, "Note      %s", o->note);
	add(V, UI_NORMAL, 4, "%s", "");
	layout_items(V, o);
	add(V, UI_NORMAL, 4, "%s", "");
	add(V, UI_HEAD, 4, "Shipments");
	for (i = 0; i < dd->nshipments; i++)
		add(V, UI_NORMAL, 4, "  #%-6lld %s %s: %s",
		    dd->shipments[i].seq,
		    dd->shipments[i].carrier, dd->shipments[i].tracking,
		    dd->shipments[i].items);
	if (dd->nshipments == 0)
		add(V, UI_DIM, 4, "  none yet");
	add(V, UI_HEAD, 4, "Notes");
	for (i = 0; i < dd->nnotes; i++)
		add(V, UI_NORMAL, 4, "  %s %s: %s", dd->notes[i].time,
		    dd->notes[i].actor, dd->notes[i].text);
	if (dd->nnotes == 0)
		add(V, UI_DIM, 4, "  none");
	add(V, UI_HEAD, 4, "History (✓ signature checks)");
	for (i = 0; i < dd->nevents; i++) {
		const struct desk_event *e = &dd->events[i];
		int ok = e->sig_ok && e->chain_ok;

		add(V, ok ? UI_GOOD : UI_BAD, 4,
		    "  %s #%-6lld %s  %-16s %s%s%s%s  %s",
		    ok ? "✓" : "✗ NOT CHECKED", e->seq, e->time,
		    e->kind, e->actor, e->role[0] ? " (" : "", e->role,
		    e->role[0] ? ")" : "", e->detail ? e->detail : "");
	}
}

/* Reads the order again and lays it out. */
static enum od_code load(struct order_st *V, struct ui *u, struct od_err *err)
{
	struct desk_detail *dd = NULL;
	enum od_code rc = desk_detail(u->desk, V->number, &dd, err);

	lines_free(V);
	if (rc != OD_OK)
		return rc;
	layout(V, dd);
	desk_detail_free(dd);
	/* The top row is kept across a reload unless the text got shorter
	 * than it (order_draw wraps it at the width). */
	if (V->top >= V->nlines)
		V->top = 0;
	return OD_OK;
}

static void order_free(void *st)
{
	lines_free(st);
	free(st);
}

int view_order_open(struct ui *u, const char *number)
{
	struct order_st *V = calloc(1, sizeof *V);
	struct od_err err;

	if (V == NULL) {
		ui_message(u, 1, "Out of memory: close a view and try again.");
		return 0;
	}
	snprintf(V->number, sizeof V->number, "%s", number);
	if (load(V, u, &err) != OD_OK) {
		order_free(V);
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	return ui_push(u, &view_order, V) == 0;
}

/* Adds one screen row; quietly stops without memory. */
static void add_row(struct order_st *V, size_t line, size_t off,
		    size_t len, int indent)
{
	struct row *bigger = realloc(V->rows, (V->nrows + 1) * sizeof *bigger);

	if (bigger == NULL)
		return;
	V->rows = bigger;
	V->rows[V->nrows++] = (struct row){ line, off, len, indent };
}

/* Wraps the lines at the screen's width, once per width. */
static void wrap_lines(struct order_st *V, const struct ui *u)
{
	int width = u->cols > 2 ? u->cols - 2 : 1, hang, w;
	const char *p, *next;
	size_t i, n;

	if (V->width == width)
		return;
	free(V->rows);
	V->rows = NULL;
	V->nrows = 0;
	V->width = width;
	for (i = 0; i < V->nlines; i++) {
		p = V->lines[i].text;
		if (V->lines[i].hang < 0) {
			add_row(V, i, 0, strlen(p), 0);
			continue;
		}
		/* Too narrow to indent: the next rows start at the left. */
		hang = width - V->lines[i].hang >= 20 ? V->lines[i].hang : 0;
		n = wrap_row(p, width, &next);
		add_row(V, i, 0, n, 0);
		w = width - hang;
		while (next != NULL) {
			p = next;
			n = wrap_row(p, w, &next);
			add_row(V, i, (size_t)(p - V->lines[i].text), n, hang);
		}
	}
	if (V->top >= V->nrows)
		V->top = 0;
}

static size_t page(const struct ui *u)
{
	return u->rows > 4 ? (size_t)(u->rows - 3) : 1;
}

static void order_draw(struct ui *u, void *st)
{
	struct order_st *V = st;
	char text[ORDER_LINE_MAX + 64];
	const struct row *r;
	size_t i;

	wrap_lines(V, u);
	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · order %s",
		    V->number);
	for (i = 0; i < page(u) && V->top + i < V->nrows; i++) {
		r = &V->rows[V->top + i];
		snprintf(text, sizeof text, "%*s%.*s", r->indent, "",
			 (int)r->len, V->lines[r->line].text + r->off);
		screen_put(1 + (int)i, 1, u->cols - 2, text,
			   V->lines[r->line].attr);
	}
	if (u->msg[0])
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
}

/* The whole order, as laid out, in $PAGER. */
static void show_in_pager(struct order_st *V, struct ui *u)
{
	struct od_err err;
	enum od_code rc = OD_OK;
	struct buf b;
	size_t i;

	buf_init(&b, (size_t)ORDER_LINES_MAX * ORDER_LINE_MAX);
	for (i = 0; i < V->nlines && rc == OD_OK; i++)
		rc = buf_addf(&b, &err, "%s\n", V->lines[i].text);
	if (rc == OD_OK)
		rc = buf_add(&b, "", 1, &err);
	if (rc == OD_OK)
		ui_page(u, b.data);
	else
		ui_message(u, 1, "%s", err.msg);
	buf_free(&b);
}

/* act's kind for a command typed after `:` (cmdline.c), and for z. */
#define ACT_TYPED STMT_KIND_COUNT
#define ACT_UNDO (STMT_KIND_COUNT + 1)

/* Acts on this order (or as typed after `:`), then shows what changed. */
static enum ui_next act(struct order_st *V, struct ui *u, enum stmt_kind kind)
{
	char open[STMT_ORDER_MAX + 1];
	struct od_err err;
	int done = kind == ACT_TYPED ? cmdline_prompt(u, open)
		 : kind == ACT_UNDO ? ui_undo(u) : ui_act(u, kind, V->number);

	if (done == 2)
		view_order_open(u, open);
	if (done != 1)
		return UI_DRAW;
	/* The list below shows holds by reason: it reads them again. */
	u->wire->orders_refresh(u, 0);
	if (load(V, u, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return UI_DRAW;
	}
	/* Show the end of the history, where the new statement is. */
	wrap_lines(V, u);
	if (V->nrows > page(u))
		V->top = V->nrows - page(u);
	return UI_DRAW;
}

static enum ui_next order_key(struct ui *u, void *st, int key)
{
	struct order_st *V = st;
	size_t page = u->rows > 4 ? (size_t)(u->rows - 3) : 1, last;

	wrap_lines(V, u);
	last = V->nrows > page ? V->nrows - page : 0;
	u->msg[0] = '\0';
	switch (key) {
	case 'q':
	case 'h':
	case UI_ESC:
	case UI_FN(KEY_LEFT):
		lines_free(V);
		return UI_BACK;
	case 'j':
	case UI_FN(KEY_DOWN):
		if (V->top < last)
			V->top++;
		break;
	case 'k':
	case UI_FN(KEY_UP):
		if (V->top > 0)
			V->top--;
		break;
	case UI_FN(KEY_NPAGE):
	case ' ':
		V->top = V->top + page < last ? V->top + page : last;
		break;
	case UI_FN(KEY_PPAGE):
		V->top = V->top > page ? V->top - page : 0;
		break;
	case 'g':
	case UI_FN(KEY_HOME):
		V->top = 0;
		break;
	case 'G':
	case UI_FN(KEY_END):
		V->top = last;
		break;
	case UI_FN(KEY_MOUSE): {
		MEVENT ev;

		if (getmouse(&ev) != OK)
			return UI_STAY;
		if (ev.bstate & BUTTON4_PRESSED)
			V->top = V->top > 3 ? V->top - 3 : 0;
		else if (ev.bstate & BUTTON5_PRESSED)
			V->top = V->top + 3 < last ? V->top + 3 : last;
		else
			return UI_STAY;
		break;
	}
	case 'c':
		return act(V, u, STMT_ORDER_CONFIRM);
	case 'x':
		return act(V, u, STMT_ORDER_CANCEL);
	case 'a':
		return act(V, u, STMT_ORDER_NOTE);
	case 's':
		return act(V, u, STMT_SHIPMENT_CONFIRM);
	case 'H':
		return act(V, u, STMT_ORDER_HOLD);
	case 'R':
		return act(V, u, STMT_ORDER_RELEASE);
	case 'p':
		show_in_pager(V, u);
		break;
	case 'y':
		clip_copy_order(u, V->number, 1);
		break;
	case ':':
		return act(V, u, ACT_TYPED);
	case 'z':
		return act(V, u, ACT_UNDO);
	default:
		return ui_common_key(u, key);
	}
	return UI_DRAW;
}

static void order_lock(struct ui *u, void *st)
{
	struct order_st *V = st;

	lines_free(V);
}

static enum od_code order_unlock(struct ui *u, void *st, struct od_err *err)
{
	struct order_st *V = st;

	return load(V, u, err);
}

static const struct ui_view view_order = {
	"Order", order_draw, order_key, order_lock, order_unlock, order_keys,
	order_unlock, order_free,
};
