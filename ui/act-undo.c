/*
 * act-undo.c - z: undoes the person's own last action at this desk since
 * unlock by signing its inverse (app/desk/desk-undo.h), shown like every
 * statement before y.  What cannot be undone, or no longer can, is said
 * in one line before any dialog.
 */
#include "ui/view.h"

#include <stdio.h>

int ui_undo(struct ui *u)
{
	char what[96], title[128];
	struct desk_act *act = NULL;
	struct od_err err;
	long long seq = 0;
	int signed_it = 0;

	dialog_sign_warn("");
	if (desk_undo_prepare(u->desk, &act, what, sizeof what, &err) !=
	    OD_OK) {
		ui_message(u, err.code != OD_E_NOTFOUND, "%s", err.msg);
		return 0;
	}
	snprintf(title, sizeof title, "Undo %s", what);
	if (!dialog_sign(u, title, desk_act_text(act))) {
		ui_message(u, 0, "Nothing signed.");
	} else if (desk_undo_sign(u->desk, act, &seq, &err) != OD_OK) {
		ui_message(u, 1, "Not signed: %s", err.msg);
	} else {
		ui_message(u, 0, "Undone: %s, signed by %s (log entry %lld); "
			   "the log keeps both.", what, desk_user(u->desk),
			   seq);
		signed_it = 1;
	}
	desk_act_free(act);
	return signed_it;
}
