/*
 * orders-slips.c - W and K on the orders list: the packing slips (W) or
 * the pick list (K) of the marked orders (or the selected one) as a PDF,
 * to a file the person names, as `orderdesk slip` and `picklist` write
 * them; the message says where it went.
 */
#include "ui/orders-view.h"

#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "app/desk/desk-slips.h"
#include "ui/ask-replace.h"

/* Where path is, said whole: the current directory before a relative one. */
static void where(const char *path, char *out, size_t size)
{
	char cwd[PATH_MAX];

	if (path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
		snprintf(out, size, "%s/%s", cwd, path);
	else
		snprintf(out, size, "%s", path);
}

/* The marked numbers, or the selected one; how many (0: none). */
static size_t chosen(struct orders_st *O, struct ui *u,
		     const char *numbers[DESK_BULK_MAX])
{
	const struct desk_row *r;
	size_t n = marks_count(&O->marks), i;

	for (i = 0; i < n && i < DESK_BULK_MAX; i++)
		numbers[i] = marks_get(&O->marks, i);
	if (n > 0)
		return i;
	r = orders_selected(O, u);
	if (r == NULL)
		return 0;
	numbers[0] = r->number;
	return 1;
}

/* Writes what key asks for to path; the message says what came of it. */
static void write_pdf(struct ui *u, int key, const char *const *numbers,
		      size_t n, const char *path, int force)
{
	char full[PATH_MAX + 1100];
	struct od_err err;
	size_t picked;
	enum od_code rc;

	where(path, full, sizeof full);
	if (key == 'K')
		rc = desk_picklist(u->desk, numbers, n, path, force, &picked,
				   &err);
	else
		rc = desk_slips(u->desk, numbers, n, path, force, &err);
	if (rc != OD_OK)
		ui_message(u, 1, "Not written: %s", err.msg);
	else if (key == 'K')
		ui_message(u, 0, "Wrote a pick list of %zu order%s to %.400s "
			   "(only you may read it).", picked,
			   picked == 1 ? "" : "s", full);
	else
		ui_message(u, 0, "Wrote %zu packing slip%s to %.400s (only you "
			   "may read it).", n, n == 1 ? "" : "s", full);
}

enum ui_next orders_slips(struct orders_st *O, struct ui *u, int key,
			  int kind)
{
	const char *numbers[DESK_BULK_MAX];
	char path[1024], title[96];
	struct ui_field f[1];
	time_t now = time(NULL);
	struct tm tm;
	size_t n = chosen(O, u, numbers);
	int force;

	if (n == 0) {
		ui_message(u, 1, "No order to print; mark some with Space.");
		return UI_DRAW;
	}
	localtime_r(&now, &tm);
	strftime(path, sizeof path, key == 'K' ? "pick-%Y%m%d-%H%M.pdf"
						: "slips-%Y%m%d-%H%M.pdf", &tm);
	f[0] = UI_TEXT("File", path, sizeof path);
	snprintf(title, sizeof title, "%s of %s%zu order%s (PDF)",
		 key == 'K' ? "Pick list" : "Packing slips",
		 marks_count(&O->marks) ? "the marked " : "", n,
		 n == 1 ? "" : "s");
	if (!dialog_form(u, title, f, 1))
		return UI_DRAW;
	if (path[0] == '\0') {
		ui_message(u, 1, "Not written: give the file a name.");
		return UI_DRAW;
	}
	force = access(path, F_OK) == 0;
	if (force && !ui_may_replace(u, path)) {
		ui_message(u, 0, "Not written: %.200s is kept as it was.",
			   path);
		return UI_DRAW;
	}
	write_pdf(u, key, numbers, n, path, force);
	return UI_DRAW;
}
