/*
 * view-conflicts.c - `C`: the statements signed here that sync set aside
 * because the backend's log had moved on (another desk cancelled the order
 * this one confirmed), newest first.  Each says which order, what was
 * refused, who refused it and why, and what the shop's log says now; the
 * orders already follow the backend.  Leaving the screen marks them as
 * shown.
 */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

#define DETAIL_ROWS 6        /* the selected conflict, wrapped */
#define LINE_MAX_BYTES 1024  /* one wrapped row: 16 bytes a column */

struct conflicts_st {
	struct desk_conflicts *c;
	size_t sel, top;
};

static const struct ui_view view_conflicts;

static const struct ui_keyhelp conflicts_keys[] = {
	{ "Enter", "open the order", -1 },
	{ "Esc", "back (marks them as seen)", -1 },
	{ "?", "help", -1 },
	{ "j k ↑ ↓", "move", -1 },
	{ "PgUp PgDn", "page", -1 },
	{ "g G", "newest, oldest", -1 },
	{ "M", "message history", -1 },
	{ "L", "lock", -1 },
	{ NULL, NULL, -1 },
};

/* Reads the conflicts again, keeping the selection where it can. */
static enum od_code load(struct conflicts_st *K, struct ui *u,
			 struct od_err *err)
{
	struct desk_conflicts *c = NULL;
	enum od_code rc = desk_conflicts(u->desk, &c, err);

	if (rc != OD_OK)
		return rc;
	desk_conflicts_free(K->c);
	K->c = c;
	if (K->sel >= c->n)
		K->sel = c->n ? c->n - 1 : 0;
	return OD_OK;
}

static void conflicts_free(void *st)
{
	struct conflicts_st *K = st;

	desk_conflicts_free(K->c);
	free(K);
}

int view_conflicts_open(struct ui *u)
{
	struct conflicts_st *K = calloc(1, sizeof *K);
	struct od_err err;

	if (K == NULL) {
		ui_message(u, 1, "Out of memory: close a view and try again.");
		return 0;
	}
	if (load(K, u, &err) != OD_OK) {
		conflicts_free(K);
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	return ui_push(u, &view_conflicts, K) == 0;
}

/* Rows the list has: what the detail box and the bars leave. */
static size_t list_rows(const struct ui *u)
{
	int n = u->rows - 4 - DETAIL_ROWS - 1;

	return n > 1 ? (size_t)n : 1;
}

/*
 * The bytes of text that fill at most width columns, broken after a space
 * when one is there; *skip is how many bytes to step over to the next row.
 * Counts columns as format_fit shows them (a control character is one '?').
 */
static size_t wrap(const char *text, int width, size_t *skip)
{
	size_t n = strlen(text), i = 0, len, space = 0;
	unsigned cp;
	int cols = 0, w;

	while (i < n) {
		len = utf8_decode(text + i, n - i, &cp);
		w = len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 1 :
		    utf8_cp_width(cp);
		if (len == 0)
			len = 1;
		if (cols + w > width)
			break;
		if (cp == ' ')
			space = i;
		cols += w;
		i += len;
	}
	if (i < n && space > 0) {
		*skip = space + 1;
		return space;
	}
	*skip = i;
	return i;
}

/* Draws text wrapped into rows y .. y + rows - 1 at x, width columns. */
static void draw_wrapped(int y, int x, int width, int rows, const char *text,
			 enum ui_attr a)
{
	char row[LINE_MAX_BYTES];
	size_t len, skip;
	int r;

	for (r = 0; r < rows && *text; r++) {
		len = wrap(text, width, &skip);
		if (len >= sizeof row)
			len = sizeof row - 1;
		if (skip == 0)
			break;
		/* The last row shows that more was cut. */
		if (r == rows - 1 && text[skip] != '\0') {
			screen_put(y + r, x, width, text, a);
			break;
		}
		memcpy(row, text, len);
		row[len] = '\0';
		screen_put(y + r, x, width, row, a);
		text += skip;
	}
}

/* A conflict's sentence without its "conflict: " start, for the list. */
static const char *sentence(const struct desk_conflict *k)
{
	static const char start[] = "conflict: ";

	return strncmp(k->line, start, sizeof start - 1) == 0 ?
	       k->line + sizeof start - 1 : k->line;
}

static void conflicts_draw(struct ui *u, void *st)
{
	struct conflicts_st *K = st;
	size_t n = K->c ? K->c->n : 0, rows = list_rows(u), i;
	const struct desk_conflict *k;
	enum ui_attr a;
	int y, box;

	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · conflicts · "
		    "%zu, newest first%s", n,
		    K->c && K->c->total > (long long)n ?
		    " (the oldest are left out)" : "");
	screen_put(1, 1, u->cols - 2, "Signed here, then set aside: the "
		   "shop's log had moved on. The orders follow it.", UI_HEAD);
	if (K->sel < K->top)
		K->top = K->sel;
	if (K->sel >= K->top + rows)
		K->top = K->sel - rows + 1;
	for (i = 0; i < rows && K->top + i < n; i++) {
		k = &K->c->c[K->top + i];
		y = 2 + (int)i;
		a = K->top + i == K->sel ? UI_SELECT : k->acked ? UI_NORMAL :
		    UI_BAD;
		if (a == UI_SELECT)
			screen_bar(u, y, a);
		screen_put(y, 1, 5, k->acked ? "" : "new", a);
		screen_put(y, 7, 20, k->at, a);
		screen_put(y, 28, u->cols - 29, sentence(k), a);
	}
	if (n == 0)
		screen_put(3, 2, u->cols - 4, "No conflicts: every statement "
			   "signed here reached the backend or still waits.",
			   UI_DIM);
	box = u->rows - 3 - DETAIL_ROWS;
	if (n > 0 && K->sel < n) {
		k = &K->c->c[K->sel];
		screen_putf(box, 1, u->cols - 2, UI_HEAD, "#%lld, set aside "
			    "at %s:", k->n, k->at);
		draw_wrapped(box + 1, 2, u->cols - 4, DETAIL_ROWS - 1, k->line,
			     UI_NORMAL);
	}
	if (u->msg[0])
		screen_put(u->rows - 2, 1, u->cols - 2, u->msg,
			   u->msg_bad ? UI_BAD : UI_GOOD);
}

/* Leaving: what was listed counts as seen. */
static enum ui_next leave(struct conflicts_st *K, struct ui *u)
{
	struct od_err err;

	if (K->c != NULL && K->c->n > 0 &&
	    desk_conflicts_ack(u->desk, &err) != OD_OK &&
	    desk_is_unlocked(u->desk))
		ui_message(u, 1, "%s", err.msg);
	desk_conflicts_free(K->c);
	K->c = NULL;
	return UI_BACK;
}

static enum ui_next conflicts_key(struct ui *u, void *st, int key)
{
	struct conflicts_st *K = st;
	size_t n = K->c ? K->c->n : 0, page = list_rows(u);

	u->msg[0] = '\0';
	switch (key) {
	case UI_ESC:
	case 'q':
		return leave(K, u);
	case 'j':
	case UI_FN(KEY_DOWN):
		if (K->sel + 1 < n)
			K->sel++;
		break;
	case 'k':
	case UI_FN(KEY_UP):
		if (K->sel > 0)
			K->sel--;
		break;
	case UI_FN(KEY_NPAGE):
		K->sel = K->sel + page < n ? K->sel + page : (n ? n - 1 : 0);
		break;
	case UI_FN(KEY_PPAGE):
		K->sel = K->sel > page ? K->sel - page : 0;
		break;
	case 'g':
	case UI_FN(KEY_HOME):
		K->sel = 0;
		break;
	case 'G':
	case UI_FN(KEY_END):
		K->sel = n ? n - 1 : 0;
		break;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		if (K->sel < n && K->c->c[K->sel].order[0])
			view_order_open(u, K->c->c[K->sel].order);
		break;
	default:
		return ui_common_key(u, key);
	}
	return UI_DRAW;
}

/* The sentences name customers' orders: not kept past a lock. */
static void conflicts_lock(struct ui *u, void *st)
{
	struct conflicts_st *K = st;

	desk_conflicts_free(K->c);
	K->c = NULL;
}

static enum od_code conflicts_unlock(struct ui *u, void *st, struct od_err *err)
{
	struct conflicts_st *K = st;

	return load(K, u, err);
}

static const struct ui_view view_conflicts = {
	"Conflicts", conflicts_draw, conflicts_key, conflicts_lock,
	conflicts_unlock, conflicts_keys, conflicts_unlock, conflicts_free,
};
