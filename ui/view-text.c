/*
 * view-text.c - a page of text that wraps at the screen's width and
 * scrolls: the message history, an audit entry's whole statement.  Its
 * text is made by a fill function, again after an unlock (a lock drops it:
 * it names orders and people), and p shows it in $PAGER.
 */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "ui/wrap.h"

#define TEXT_MAX (4 * 1024 * 1024)

struct text_st {
	char title[128];
	view_text_fill fill;
	long long arg;
	struct buf text;
	size_t top;             /* the first row shown, at this width */
};

static const struct ui_keyhelp text_keys[] = {
	{ "Esc q ← h", "back", -1 },
	{ "p", "show in $PAGER", -1 },
	{ "j k ↑ ↓", "scroll", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G Home End", "top, bottom", -1 },
	{ "?", "help", -1 },
	{ "L", "lock", -1 },
	{ NULL, NULL, -1 },
};

static const struct ui_view view_text;

static void drop(struct ui *u, void *st)
{
	struct text_st *X = st;

	buf_free(&X->text);
}

static void text_free(void *st)
{
	struct text_st *X = st;

	buf_free(&X->text);
	free(X);
}

static enum od_code load(struct ui *u, void *st, struct od_err *err)
{
	struct text_st *X = st;
	enum od_code rc;

	buf_free(&X->text);
	buf_init(&X->text, TEXT_MAX);
	rc = X->fill(u, X->arg, &X->text, err);
	if (rc == OD_OK)
		rc = buf_add(&X->text, "", 1, err);
	if (rc != OD_OK)
		buf_free(&X->text);
	return rc;
}

/* The width text wraps at, and the rows it takes there. */
static int width(const struct ui *u)
{
	return u->cols > 2 ? u->cols - 2 : 1;
}

static size_t nrows(struct text_st *X, const struct ui *u)
{
	const char *p = X->text.data, *next;
	size_t n = 0;

	while (p != NULL) {
		(void)wrap_row(p, width(u), &next);
		n++;
		p = next;
	}
	return n;
}

static size_t page(const struct ui *u)
{
	return u->rows > 4 ? (size_t)(u->rows - 3) : 1;
}

int view_text_open(struct ui *u, const char *title, view_text_fill fill,
		   long long arg)
{
	struct text_st *X;
	struct od_err err;

	/* One text view at a time: a new one takes the place of the old. */
	if (u->depth > 0 && ui_top(u) == &view_text)
		ui_drop(u, u->depth - 1);
	X = calloc(1, sizeof *X);
	if (X == NULL) {
		ui_message(u, 1, "Out of memory: close a view and try again.");
		return 0;
	}
	snprintf(X->title, sizeof X->title, "%s", title);
	X->fill = fill;
	X->arg = arg;
	X->top = 0;
	if (load(u, X, &err) != OD_OK) {
		text_free(X);
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	return ui_push(u, &view_text, X) == 0;
}

static void text_draw(struct ui *u, void *st)
{
	struct text_st *X = st;
	const char *p = X->text.data, *next;
	char row[UI_MSG_MAX * 4];
	size_t i = 0, n, shown = 0;

	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · %s", X->title);
	while (p != NULL && shown < page(u)) {
		n = wrap_row(p, width(u), &next);
		if (i++ >= X->top) {
			if (n >= sizeof row)
				n = sizeof row - 1;
			memcpy(row, p, n);
			row[n] = '\0';
			screen_put(1 + (int)shown++, 1, width(u), row,
				   UI_NORMAL);
		}
		p = next;
	}
	if (u->msg[0])
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
}

static enum ui_next text_key(struct ui *u, void *st, int key)
{
	struct text_st *X = st;
	size_t n = nrows(X, u), last = n > page(u) ? n - page(u) : 0;

	u->msg[0] = '\0';
	switch (key) {
	case 'q':
	case 'h':
	case UI_ESC:
	case UI_FN(KEY_LEFT):
		drop(u, X);
		return UI_BACK;
	case 'j':
	case UI_FN(KEY_DOWN):
		X->top = X->top < last ? X->top + 1 : last;
		break;
	case 'k':
	case UI_FN(KEY_UP):
		X->top = X->top > 0 ? X->top - 1 : 0;
		break;
	case ' ':
	case UI_FN(KEY_NPAGE):
		X->top = X->top + page(u) < last ? X->top + page(u) : last;
		break;
	case UI_FN(KEY_PPAGE):
		X->top = X->top > page(u) ? X->top - page(u) : 0;
		break;
	case 'g':
	case UI_FN(KEY_HOME):
		X->top = 0;
		break;
	case 'G':
	case UI_FN(KEY_END):
		X->top = last;
		break;
	case 'p':
		ui_page(u, X->text.data);
		break;
	default:
		return ui_common_key(u, key);
	}
	return UI_DRAW;
}

static enum od_code fill_messages(struct ui *u, long long arg,
				  struct buf *b, struct od_err *err)
{
	return messages_text(b, err);
}

int view_messages_open(struct ui *u)
{
	return view_text_open(u, "messages, newest first", fill_messages, 0);
}

static const struct ui_view view_text = {
	"Text", text_draw, text_key, drop, load, text_keys, NULL, text_free,
};
