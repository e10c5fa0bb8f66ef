/*
 * view-help.c - `?`: every key of the screen below, with what it does.
 * Keys the signed-in role may not use are left out, as they are everywhere.
 */
#include "ui/view.h"

static const struct ui_keyhelp help_keys[] = {
	{ "Esc q", "back", -1 },
	{ NULL, NULL, -1 },
};

static void help_draw(struct ui *u, void *st)
{
	const struct ui_view *v = ui_below(u);
	const struct ui_keyhelp *k;
	int y = 2, n = 0, room = u->rows - 4, col = 0, x, kw, ww;

	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · keys of %s",
		    v ? v->name : "the desk");
	for (k = v ? v->keys : NULL; k != NULL && k->key != NULL; k++)
		n += ui_key_offered(u, k);
	/* More keys than rows: two columns, so that every key is shown. */
	kw = n > room ? 12 : 16;
	ww = n > room ? u->cols / 2 - kw - 3 : u->cols - kw - 5;
	for (k = v ? v->keys : NULL; k != NULL && k->key != NULL; k++) {
		if (!ui_key_offered(u, k))
			continue;
		if (y >= 2 + room) {
			if (col == 1 || n <= room)
				break;
			col = 1;
			y = 2;
		}
		x = col ? u->cols / 2 : 0;
		screen_put(y, x + 2, kw, k->key, UI_HEAD);
		screen_put(y, x + 3 + kw, ww, k->what, UI_NORMAL);
		y++;
	}
	if (n <= room && y < u->rows - 2)
		screen_put(y + 1, 2, u->cols - 4, "Every action is a statement "
			   "signed with your own key; the dialog shows it "
			   "before you say y.", UI_DIM);
}

static enum ui_next help_key(struct ui *u, void *st, int key)
{
	if (key == UI_ESC || key == 'q' || key == '?')
		return UI_BACK;
	return UI_STAY;
}

const struct ui_view view_help = {
	"Help", help_draw, help_key, NULL, NULL, help_keys, NULL, NULL,
};
