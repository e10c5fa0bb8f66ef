/*
 * dialog-sign.c - the last word before a signature: the exact text of the
 * statement, every line of it as it will be signed, and y or n.  Long lines
 * (a note, the prev link) are wrapped, never cut, with each continuation
 * marked "↳" so that nothing added can be mistaken for the text.
 */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

#define SIGN_SEGS_MAX 20000

/* A piece of the statement that fits one row of the dialog. */
struct seg {
	const char *p;
	size_t len;
	int cont;            /* continues the line above */
};

/* Bytes of s[0..n) that fit in width columns, never splitting a char. */
static size_t fit(const char *s, size_t n, int width)
{
	size_t i = 0, len;
	unsigned cp;
	int used = 0, w;

	while (i < n) {
		len = utf8_decode(s + i, n - i, &cp);
		w = len ? utf8_cp_width(cp) : 1;
		if (len == 0 || cp < 0x20)
			w = 1;
		if (used + w > width)
			break;
		used += w;
		i += len ? len : 1;
	}
	return i ? i : (n ? 1 : 0);
}

/* Cuts text into rows of at most width columns (continuations width-2). */
static size_t wrap(const char *text, int width, struct seg *segs, size_t max)
{
	const char *p = text, *nl;
	size_t n = 0, left, take;
	int cont;

	while (*p && n < max) {
		nl = strchr(p, '\n');
		left = nl ? (size_t)(nl - p) : strlen(p);
		cont = 0;
		do {
			take = fit(p, left, cont ? width - 2 : width);
			segs[n].p = p;
			segs[n].len = take;
			segs[n].cont = cont;
			n++;
			p += take;
			left -= take;
			cont = 1;
		} while (left > 0 && n < max);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

/* The next dialog's warning; how the last one was answered. */
static char warning[UI_MSG_MAX];
static int skipped;

void dialog_sign_warn(const char *w)
{
	snprintf(warning, sizeof warning, "%s", w);
	skipped = 0;
}

int dialog_sign_skipped(void)
{
	return skipped;
}

/* Draws the dialog over the current screen. */
static void draw(struct ui *u, const char *title, const struct seg *segs,
		 size_t n, size_t top)
{
	/* 80 columns: 76 inside, the width of the key line. */
	int w = u->cols < 84 ? u->cols : 84;
	int room = u->rows - 8, h, x, y, i;
	char row[1024];

	if (room < 1)
		room = 1;
	h = (int)n < room ? (int)n + 6 : room + 6;
	x = (u->cols - w) / 2;
	y = (u->rows - h) / 2;
	ui_draw(u);
	screen_box(y, x, h, w, title);
	if (warning[0])
		screen_put(y + 1, x + 2, w - 4, warning, UI_BAD);
	else
		screen_put(y + 1, x + 2, w - 4, "You are about to sign "
			   "exactly this:", UI_NORMAL);
	for (i = 0; i < room && top + (size_t)i < n; i++) {
		const struct seg *s = &segs[top + (size_t)i];
		size_t len = s->len < sizeof row - 1 ? s->len : sizeof row - 1;

		memcpy(row, s->p, len);
		row[len] = '\0';
		if (s->cont) {
			screen_put(y + 3 + i, x + 2, 2, "↳", UI_DIM);
			screen_put(y + 3 + i, x + 4, w - 6, row, UI_NORMAL);
		} else {
			screen_put(y + 3 + i, x + 2, w - 4, row, UI_NORMAL);
		}
	}
	screen_put(y + h - 2, x + 2, w - 4, n > (size_t)room ?
		   "y sign (after the end)   n or Esc cancel   j k scroll" :
		   "y sign   n or Esc cancel", UI_HEAD);
	screen_flush();
}

int dialog_sign(struct ui *u, const char *title, const char *text)
{
	struct seg *segs = calloc(SIGN_SEGS_MAX, sizeof *segs);
	size_t n = 0, top = 0, room;
	int key, answer = -1, width = -1;

	skipped = 0;
	if (segs == NULL) {
		ui_message(u, 1, "out of memory; nothing signed");
		return 0;
	}
	while (answer < 0 && !screen_signal()) {
		if (screen_size(u)) {
			int w = u->cols < 84 ? u->cols : 84;

			if (w - 4 != width) {
				width = w - 4;
				n = wrap(text, width, segs, SIGN_SEGS_MAX);
			}
			draw(u, title, segs, n, top);
		} else {
			ui_draw(u);
		}
		if (n >= SIGN_SEGS_MAX) {
			/* Cannot be shown whole, so it is not signed. */
			ui_message(u, 1, "the statement is too long to show; "
				   "nothing signed");
			break;
		}
		room = u->rows > 9 ? (size_t)(u->rows - 8) : 1;
		key = screen_key(250);
		if (key < 0)
			continue;
		/* Nobody signs what they have not been shown: y first
		 * scrolls to the end of a long statement. */
		if ((key == 'y' || key == 'Y') && !screen_size(u))
			continue;   /* not while the statement is not shown */
		if ((key == 'y' || key == 'Y') && top + room < n)
			top = n - room;
		else if (key == 'y' || key == 'Y')
			answer = 1;
		else if (key == 'n' || key == 'N' || key == UI_ESC ||
			 key == 'q') {
			answer = 0;
			skipped = key == 'n' || key == 'N';
		}
		else if ((key == 'j' || key == UI_FN(KEY_DOWN)) &&
			 top + room < n)
			top++;
		else if ((key == 'k' || key == UI_FN(KEY_UP)) && top > 0)
			top--;
	}
	free(segs);
	warning[0] = '\0';
	u->last_key = ui_now_ms();
	return answer == 1;
}

int dialog_sign_act(struct ui *u, const char *title, const char *text,
		    struct desk_act *act, ui_signer sign, long long *seq,
		    struct od_err *err)
{
	enum od_code rc;

	*seq = 0;
	if (!dialog_sign(u, title, text)) {
		ui_message(u, 0, "Nothing signed.");
		return 0;
	}
	rc = (sign != NULL ? sign : desk_act_sign)(u->desk, act, seq, err);
	/* A revoke is signed before its key change: that can fail after. */
	if (rc != OD_OK && *seq == 0) {
		ui_message(u, 1, "Not signed: %s", err->msg);
		return 0;
	}
	err->code = rc;
	return 1;
}
