/*
 * view-help.c - `?`: every key of the screen below, with what it does.
 * Keys the signed-in role may not use are left out, as they are everywhere.
 */
#include "ui/view.h"

static const struct ui_keyhelp help_keys[] = {
	{ "Esc q", "back", -1 },
	{ NULL, NULL, -1 },
};

static void help_draw(struct ui *u)
{
	const struct ui_view *v = ui_below(u);
	const struct ui_keyhelp *k;
	int y = 2;

	screen_bar(u, 0, UI_TITLE);
	screen_putf(0, 1, u->cols - 2, UI_TITLE, "orderdesk · keys of %s",
		    v ? v->name : "the desk");
	for (k = v ? v->keys : NULL; k != NULL && k->key != NULL; k++) {
		if (!ui_key_offered(u, k) || y >= u->rows - 2)
			continue;
		screen_put(y, 2, 16, k->key, UI_HEAD);
		screen_put(y, 19, u->cols - 21, k->what, UI_NORMAL);
		y++;
	}
	if (y < u->rows - 2)
		screen_put(y + 1, 2, u->cols - 4, "Every action is a statement "
			   "signed with your own key; the dialog shows it "
			   "before you say y.", UI_DIM);
}

static enum ui_next help_key(struct ui *u, int key)
{
	if (key == UI_ESC || key == 'q' || key == '?')
		return UI_BACK;
	return UI_STAY;
}

const struct ui_view view_help = {
	"Help", help_draw, help_key, NULL, NULL, help_keys,
};
