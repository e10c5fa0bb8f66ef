/*
 * orders-table.c - the orders list's columns: their widths for the
 * window, the headings and one order's row (orders-table.h).
 */
#include "ui/orders-table.h"

#include <stdio.h>
#include <string.h>

#include "app/desk/desk-extra.h"
#include "lib/format.h"

#define CUSTOMER_MIN 14          /* below this, other columns give way */

static const int full[OC_COUNT] = { 10, 16, 0, 5, 16, 11, 4,
				    10, 16, 14, 4, 24, 15, 11 };

/* The extra columns' headings (from OC_CARRIER on). */
static const char *const extra_head[OC_COUNT - OC_CARRIER] = {
	"CARRIER", "TRACKING", "CITY", "CTRY", "EMAIL", "PHONE", "PAID",
};

/* The payment states in PAID's 11 columns. */
static const struct {
	const char *name, *shown;
} paid_short[] = {
	{ "cash on delivery", "COD" },
	{ "partially paid", "part paid" },
	{ "partially refunded", "part refund" },
};

/* The customer's width: what the other columns (and a space after each)
 * leave of the row, after the mark column. */
static int customer_room(const struct orders_table *t, int cols)
{
	int i, used = 1;

	for (i = 0; i < OC_COUNT; i++)
		if (i != OC_CUSTOMER && t->w[i] > 0)
			used += t->w[i] + 1;
	return cols - used - 1;
}

void orders_table_layout(struct orders_table *t, int cols, int with_sync,
			 int one_status, int held)
{
	unsigned shown = t->cols ? t->cols->shown : OC_DEFAULT;
	int i, x = 1, extra;

	memcpy(t->w, full, sizeof t->w);
	for (i = 0; i < OC_COUNT; i++)
		if ((OC_CHOOSABLE & (1u << i)) && !(shown & (1u << i)))
			t->w[i] = 0;
	t->w[OC_SYNC] = with_sync ? full[OC_SYNC] : 0;
	/* The Held tab's reason stands where STATUS is, chosen or not. */
	if (held)
		t->w[OC_STATUS] = full[OC_STATUS];
	t->reason = held;
	t->dropped = 0;
	/* Narrow windows: drop what is least needed first, the last extra
	 * column chosen before the others. */
	for (i = OC_COUNT - 1; i > OC_SYNC; i--)
		if (t->w[i] > 0 && customer_room(t, cols) < CUSTOMER_MIN) {
			t->w[i] = 0;
			t->dropped++;
		}
	if (customer_room(t, cols) < CUSTOMER_MIN && t->w[OC_ITEMS] > 0) {
		t->w[OC_ITEMS] = 0;
		t->dropped++;
	}
	if (customer_room(t, cols) < CUSTOMER_MIN && t->w[OC_PLACED] > 0)
		t->w[OC_PLACED] = 10;          /* the date without the time */
	if (customer_room(t, cols) < CUSTOMER_MIN && t->w[OC_TOTAL] > 0)
		t->w[OC_TOTAL] = 12;
	if (customer_room(t, cols) < CUSTOMER_MIN && one_status && !held)
		t->w[OC_STATUS] = 0;           /* the tab says it */
	t->w[OC_CUSTOMER] = customer_room(t, cols);
	if (t->w[OC_CUSTOMER] < 1)
		t->w[OC_CUSTOMER] = 1;
	/* The Held tab: every order is held, so the reason stands there. */
	if (held) {
		extra = t->w[OC_CUSTOMER] / 2;
		t->w[OC_CUSTOMER] -= extra;
		t->w[OC_STATUS] += extra;
	}
	for (i = 0; i < OC_COUNT; i++) {
		t->x[i] = x;
		if (t->w[i] > 0)
			x += t->w[i] + 1;
	}
}

void orders_table_head(const struct orders_table *t, int y,
		       const char *const heads[OC_COUNT])
{
	int i;

	for (i = 0; i < OC_COUNT; i++) {
		if (t->w[i] == 0)
			continue;
		if (i >= OC_CARRIER)
			screen_put(y, t->x[i], t->w[i],
				   extra_head[i - OC_CARRIER], UI_HEAD);
		/* The total is right-aligned, over its figures. */
		else if (i == OC_TOTAL)
			screen_putf(y, t->x[i], t->w[i], UI_HEAD, "%*s%s",
				    t->w[i] - screen_width(heads[i]), "",
				    heads[i]);
		else
			screen_put(y, t->x[i], t->w[i], heads[i], UI_HEAD);
	}
}

const struct desk_extra *orders_cols_find(const struct orders_cols *C,
					  const char *number)
{
	size_t i;

	for (i = 0; i < C->nx; i++)
		if (strcmp(C->x[i].number, number) == 0)
			return &C->x[i];
	return NULL;
}

/* PAID's text: the payment state, shortened to fit. */
static const char *paid_text(const char *state)
{
	size_t i;

	for (i = 0; i < sizeof paid_short / sizeof *paid_short; i++)
		if (strcmp(state, paid_short[i].name) == 0)
			return paid_short[i].shown;
	return state;
}

/* Draws the extra columns of r (blank until read). */
static void row_extras(const struct orders_table *t, int y,
		       const struct desk_row *r, enum ui_attr a)
{
	const struct desk_extra *x;
	const char *cell[OC_COUNT - OC_CARRIER];
	int i;

	for (i = OC_CARRIER; i < OC_COUNT && t->w[i] == 0; i++)
		;
	if (i == OC_COUNT || t->cols == NULL)
		return;
	x = orders_cols_find(t->cols, r->number);
	if (x == NULL)
		return;
	cell[OC_CARRIER - OC_CARRIER] = x->carrier;
	cell[OC_TRACKING - OC_CARRIER] = x->tracking;
	cell[OC_CITY - OC_CARRIER] = x->city;
	cell[OC_COUNTRY - OC_CARRIER] = x->country;
	cell[OC_EMAIL - OC_CARRIER] = x->email;
	cell[OC_PHONE - OC_CARRIER] = x->phone;
	cell[OC_PAID - OC_CARRIER] = paid_text(x->paid);
	for (i = OC_CARRIER; i < OC_COUNT; i++)
		if (t->w[i] > 0)
			screen_put(y, t->x[i], t->w[i], cell[i - OC_CARRIER],
				   a);
}

void orders_table_row(const struct orders_table *t, int y,
		      const struct desk_row *r, int sel, int marked,
		      const char *status,
		      const char *sync, int sync_dim)
{
	enum ui_attr a = sel ? UI_SELECT : UI_NORMAL;
	char when[32], money[48], items[16];

	/* A narrow window shows the date alone. */
	if (t->w[OC_PLACED] >= 16)
		snprintf(when, sizeof when, "%.10s %.5s", r->placed,
			 strlen(r->placed) >= 16 ? r->placed + 11 : "");
	else
		snprintf(when, sizeof when, "%.10s", r->placed);
	format_money(r->total, r->currency, money, sizeof money);
	snprintf(items, sizeof items, "%5u", (unsigned)r->nitems);
	if (sel)
		screen_put(y, 0, COLS, "", a);
	if (marked)
		screen_put(y, 0, 1, "*", sel ? a : UI_GOOD);
	screen_put(y, t->x[OC_NUMBER], t->w[OC_NUMBER], r->number, a);
	screen_put(y, t->x[OC_PLACED], t->w[OC_PLACED], when, a);
	screen_put(y, t->x[OC_CUSTOMER], t->w[OC_CUSTOMER], r->customer, a);
	screen_put(y, t->x[OC_ITEMS], t->w[OC_ITEMS], items, a);
	screen_putf(y, t->x[OC_TOTAL], t->w[OC_TOTAL], a, "%*s",
		    t->w[OC_TOTAL], money);
	screen_put(y, t->x[OC_STATUS], t->w[OC_STATUS], status, a);
	screen_put(y, t->x[OC_SYNC], t->w[OC_SYNC], sync,
		   sel ? a : sync_dim ? UI_DIM : UI_NORMAL);
	row_extras(t, y, r, a);
}
