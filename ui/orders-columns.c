/*
 * orders-columns.c - which columns the orders list shows, each person's
 * own (`=` chooses; kept in the store as the setting "columns", a comma-
 * separated list of names), and the extra columns' values for the rows on
 * screen: read once per page and kept until the list changes, so a
 * redraw reads nothing from the store.
 */
#include "ui/orders-view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-extra.h"
#include "app/desk/desk-prefs.h"

#define PREF_NAME "columns"
#define CACHE_MAX 1024            /* extras kept before starting over */
#define EXTRA_BITS (OC_CHOOSABLE & ~OC_DEFAULT)

/* The choosable columns in the chooser's order, with their names. */
static const struct {
	enum orders_col col;
	const char *name, *what;
} choosable[] = {
	{ OC_PLACED, "placed", "when the order was placed" },
	{ OC_ITEMS, "items", "how many items" },
	{ OC_TOTAL, "total", "the total and currency" },
	{ OC_STATUS, "status", "new, confirmed, 2/5 shipped..." },
	{ OC_CARRIER, "carrier", "the last parcel's carrier" },
	{ OC_TRACKING, "tracking", "the last parcel's tracking code" },
	{ OC_CITY, "city", "where it ships" },
	{ OC_COUNTRY, "country", "the country's code" },
	{ OC_EMAIL, "email", "the customer's e-mail" },
	{ OC_PHONE, "phone", "the customer's phone" },
	{ OC_PAID, "paid", "where the payment stands" },
};
#define NCHOOSABLE (sizeof choosable / sizeof *choosable)

/* The columns a setting's text names (unknown names are skipped). */
static unsigned parse(const char *text)
{
	unsigned shown = 0;
	size_t i, len;

	while (*text != '\0') {
		len = strcspn(text, ",");
		for (i = 0; i < NCHOOSABLE; i++)
			if (strlen(choosable[i].name) == len &&
			    strncmp(text, choosable[i].name, len) == 0)
				shown |= 1u << choosable[i].col;
		text += len + (text[len] == ',');
	}
	return shown;
}

/* The setting's text for shown ("placed,total,..."). */
static void unparse(unsigned shown, char *out, size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < NCHOOSABLE && len < size; i++)
		if (shown & (1u << choosable[i].col))
			len += (size_t)snprintf(out + len, size - len, "%s%s",
						len ? "," : "",
						choosable[i].name);
}

const struct orders_cols *orders_cols_ready(struct orders_cols *C,
					    struct ui *u)
{
	char text[256];
	struct od_err err;
	int found = 0;

	if (!desk_is_unlocked(u->desk) ||
	    strcmp(C->user, desk_user(u->desk)) == 0)
		return C;
	snprintf(C->user, sizeof C->user, "%s", desk_user(u->desk));
	C->shown = OC_DEFAULT;
	/* Unreadable now (another command holds the store): the defaults,
	 * said once; the person's come back at the next unlock. */
	if (desk_pref_get(u->desk, PREF_NAME, text, sizeof text, &found,
			  &err) != OD_OK)
		ui_message(u, 1, "Your columns could not be read (%s); the "
			   "usual ones show.", err.msg);
	else if (found)
		C->shown = parse(text);
	return C;
}

/* Forgets the extras read (wiped). */
static void forget(struct orders_cols *C)
{
	desk_extras_free(C->x, C->nx);
	C->x = NULL;
	C->nx = 0;
}

void orders_cols_drop(struct orders_cols *C)
{
	forget(C);
	C->user[0] = '\0';
	C->mark = -1;
}

/* Appends the extras of the n orders in numbers to C's. */
static void read_more(struct orders_cols *C, struct ui *u,
		      const char **numbers, size_t n)
{
	struct desk_extra *x = NULL, *all;
	struct od_err err;
	size_t nx = 0;

	/* Busy (an import): blank for now, read at a later redraw. */
	if (n == 0 || desk_extras(u->desk, numbers, n, &x, &nx, &err) != OD_OK)
		return;
	all = realloc(C->x, (C->nx + nx) * sizeof *all);
	if (all == NULL) {
		desk_extras_free(x, nx);
		return;
	}
	memcpy(all + C->nx, x, nx * sizeof *x);
	free(x);            /* the blocks now belong to all */
	C->x = all;
	C->nx += nx;
}

void orders_cols_fetch(struct orders_cols *C, struct orders_st *O,
		       struct ui *u, size_t rows)
{
	size_t n = orders_win_count(O, u), i, k = 0;
	long long mark = desk_index_mark(u->desk);
	const char **numbers, *number;

	if (!(C->shown & EXTRA_BITS) || !desk_is_unlocked(u->desk))
		return;
	if (n > rows)
		n = rows;
	if (mark != C->mark || mark < 0 || C->nx + n > CACHE_MAX)
		forget(C);
	C->mark = mark;
	numbers = malloc((n + 1) * sizeof *numbers);
	if (numbers == NULL)
		return;
	/* Only the window's rows not read yet: one read of the store. */
	for (i = 0; i < n; i++) {
		number = orders_win_row(O, u, i)->number;
		if (orders_cols_find(C, number) == NULL)
			numbers[k++] = number;
	}
	read_more(C, u, numbers, k);
	free(numbers);
}

/* Draws the chooser over the list, at cur. */
static void draw_chooser(struct ui *u, unsigned shown, size_t cur)
{
	int w = u->cols - 4 < 56 ? u->cols - 4 : 56;
	int h = (int)NCHOOSABLE + 5, x = (u->cols - w) / 2;
	int y = (u->rows - h) / 2;
	struct orders_cols chosen = { .shown = shown };
	struct orders_table t = { .cols = &chosen };
	char title[64];
	size_t i;

	ui_draw(u);
	snprintf(title, sizeof title, "Columns for %s", desk_user(u->desk));
	screen_box(y < 0 ? 0 : y, x, h, w, title);
	for (i = 0; i < NCHOOSABLE; i++)
		screen_putf(y + 1 + (int)i, x + 2, w - 4,
			    i == cur ? UI_SELECT : UI_NORMAL, "[%s] %-9s %s",
			    shown & (1u << choosable[i].col) ? "x" : " ",
			    choosable[i].name, choosable[i].what);
	/* What this window leaves out of them (the New tab's layout). */
	orders_table_layout(&t, u->cols, 0, 1, 0);
	if (t.dropped > 0)
		screen_putf(y + h - 3, x + 2, w - 4, UI_BAD, "%d of them do "
			    "not fit %d columns: the last chosen go", t.dropped,
			    u->cols);
	screen_put(y + h - 2, x + 2, w - 4, "Space show/hide  Enter keep  "
		   "Esc cancel", UI_DIM);
	screen_cursor(-1, 0);
	screen_flush();
}

/* Runs the chooser: the columns chosen, or -1 on Esc. */
static long long choose(struct ui *u, unsigned shown)
{
	size_t cur = 0;
	int key;

	while (!screen_signal()) {
		draw_chooser(u, shown, cur);
		key = screen_key(250);
		if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER))
			return shown;
		if (key == UI_ESC || key == 'q')
			return -1;
		if ((key == 'j' || key == UI_FN(KEY_DOWN)) &&
		    cur + 1 < NCHOOSABLE)
			cur++;
		else if ((key == 'k' || key == UI_FN(KEY_UP)) && cur > 0)
			cur--;
		else if (key == ' ' || key == 'x')
			shown ^= 1u << choosable[cur].col;
	}
	return -1;
}

enum ui_next orders_cols_choose(struct orders_st *O, struct ui *u, int key,
				int kind)
{
	struct orders_cols *C = &O->cols;
	char text[256];
	struct od_err err;
	long long got;

	(void)orders_cols_ready(C, u);
	got = choose(u, C->shown);
	u->last_key = ui_now_ms();
	if (got < 0) {
		ui_message(u, 0, "Columns unchanged.");
		return UI_DRAW;
	}
	C->shown = (unsigned)got;
	unparse(C->shown, text, sizeof text);
	if (desk_pref_set(u->desk, PREF_NAME, text, &err) != OD_OK)
		ui_message(u, 1, "Columns shown now, not kept: %s", err.msg);
	else
		ui_message(u, 0, "Columns kept for %s: %s.", desk_user(u->desk),
			   text[0] ? text : "number and customer only");
	return UI_DRAW;
}
