/*
 * dialog-form.c - a small form over the current screen: a reason, a note,
 * a carrier and a tracking number.  Text is kept as UTF-8 and shown through
 * screen_put like everything else.
 */
#include "ui/view.h"

#include <string.h>

#include "lib/utf8.h"

/* Appends code point cp to f's value as UTF-8 if it fits. */
static void field_add(struct ui_field *f, int cp)
{
	char enc[4];
	size_t n = utf8_encode((unsigned)cp, enc), len = strlen(f->value);

	if (len + n + 1 > f->cap)
		return;
	memcpy(f->value + len, enc, n);
	f->value[len + n] = '\0';
}

/* Removes the last whole character of f's value. */
static void field_back(struct ui_field *f)
{
	size_t len = strlen(f->value);

	while (len > 0 && ((unsigned char)f->value[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	f->value[len] = '\0';
}

/* Draws the form with the cursor in field cur. */
static void draw(struct ui *u, const char *title, struct ui_field *f,
		 size_t n, size_t cur)
{
	int w = u->cols - 4 < 70 ? u->cols - 4 : 70;
	int h = (int)n * 2 + 5, x = (u->cols - w) / 2, y = (u->rows - h) / 2;
	int lw = 10, vw = w - lw - 6, cy = 0, cx = 0, tw;
	size_t i;
	const char *shown;

	ui_draw(u);
	screen_box(y, x, h, w, title);
	for (i = 0; i < n; i++) {
		int fy = y + 2 + (int)i * 2;

		screen_put(fy, x + 2, lw, f[i].label, UI_HEAD);
		/* Show the end of a long value, where the typing is. */
		shown = f[i].value;
		while (screen_width(shown) >= vw && *shown) {
			shown++;
			while ((*shown & 0xc0) == 0x80)
				shown++;
		}
		/* Echo off: not even the length of a passphrase shows. */
		if (f[i].hidden)
			shown = "";
		screen_put(fy, x + 3 + lw, vw, shown, UI_SELECT);
		if (i == cur) {
			tw = screen_width(shown);
			cy = fy;
			cx = x + 3 + lw + (tw < vw ? tw : vw - 1);
		}
	}
	screen_put(y + h - 2, x + 2, w - 4, "Enter next/accept   Tab move   "
		   "Esc cancel", UI_DIM);
	screen_cursor(cy, cx);
	screen_flush();
}

int dialog_form(struct ui *u, const char *title, struct ui_field *f,
		size_t n)
{
	size_t cur = 0;
	int key, answer = -1;

	/* Start where there is something to type (a remembered carrier). */
	while (cur + 1 < n && f[cur].value[0] != '\0')
		cur++;

	while (answer < 0 && !screen_signal()) {
		if (screen_size(u))
			draw(u, title, f, n, cur);
		else
			ui_draw(u);
		key = screen_key(250);
		if (key < 0)
			continue;
		if (key == UI_ESC) {
			answer = 0;
		} else if (key == '\r' || key == '\n' ||
			   key == UI_FN(KEY_ENTER)) {
			if (cur + 1 < n)
				cur++;
			else
				answer = 1;
		} else if (key == '\t' || key == UI_FN(KEY_DOWN)) {
			cur = (cur + 1) % n;
		} else if (key == UI_FN(KEY_BTAB) || key == UI_FN(KEY_UP)) {
			cur = (cur + n - 1) % n;
		} else if (key == UI_FN(KEY_BACKSPACE) || key == 127 ||
			   key == 8) {
			field_back(&f[cur]);
		} else if (key == UI_CTRL('u')) {
			f[cur].value[0] = '\0';
		} else if (key >= 0x20 && key < 0x110000 && key != 0x7f) {
			field_add(&f[cur], key);
		}
	}
	screen_cursor(-1, 0);
	u->last_key = ui_now_ms();
	return answer == 1;
}
