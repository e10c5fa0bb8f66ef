/*
 * orders-views.c - saved views on the orders list (issue 12): `:save NAME
 * [EXPR]` keeps the :filter (or EXPR) under a name, shown as a tab after
 * the built-in ones with its count; `:views` lists them; `:unsave [NAME]`
 * deletes one (the shown view's tab without a name).  They are the
 * signed-in person's, kept in the store across sessions (desk-tabs.h).
 */
#include "ui/orders-view.h"

#include <stdio.h>
#include <string.h>

#include "app/desk/desk-pick.h"

/* The word after the command, into name; the rest (trimmed) in *rest. */
static void split(const char *args, char *name, size_t size,
		  const char **rest)
{
	size_t n;

	args += strspn(args, " ");
	n = strcspn(args, " ");
	/* A name too long is cut, still too long: the check says so. */
	snprintf(name, size, "%.*s", (int)(n < size ? n : size - 1), args);
	*rest = args + n + strspn(args + n, " ");
}

/* The tab of view name, or -1. */
static int tab_of(struct ui *u, const char *name)
{
	const struct desk_view *v;
	size_t n = desk_views(u->desk, &v), i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return ORDERS_NBUILTIN + (int)i;
	return -1;
}

/* :save NAME [EXPR]: the :filter, or EXPR, as a view; its tab opens. */
static void save(struct orders_st *O, struct ui *u, const char *args)
{
	char name[DESK_VIEW_NAME_MAX + 8], expr[ORDER_FILTER_MAX + 1];
	const char *rest;
	struct od_err err;
	int own = 0;

	split(args, name, sizeof name, &rest);
	if (name[0] == '\0') {
		ui_message(u, 1, ":save NAME saves the :filter as a view; "
			   ":save NAME EXPR saves EXPR");
		return;
	}
	own = rest[0] == '\0';
	if (strlen(rest) >= sizeof expr) {
		ui_message(u, 1, "filter: at most %d bytes", ORDER_FILTER_MAX);
		return;
	}
	snprintf(expr, sizeof expr, "%s", own ? desk_pick_text(u->desk) : rest);
	orders_note_selection(O, u);
	if (desk_view_save(u->desk, name, expr, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return;
	}
	/* The :filter is now the view's tab: shown there alone. */
	if (own)
		(void)desk_pick(u->desk, "", &err);
	O->tab = tab_of(u, name);
	O->tab_chosen = 1;
	(void)orders_apply(O, u);
	if (!u->msg_bad || !u->msg[0])
		ui_message(u, 0, "Saved view %s (%s), tab %d; :unsave %s "
			   "deletes it.", name, expr, O->tab + 1, name);
}

/* :unsave [NAME]: deletes a view (without a name, the one shown). */
static void unsave(struct orders_st *O, struct ui *u, const char *args)
{
	char name[DESK_VIEW_NAME_MAX + 8];
	const struct desk_view *v;
	const char *rest;
	struct od_err err;

	split(args, name, sizeof name, &rest);
	if (name[0] == '\0' && O->tab >= ORDERS_NBUILTIN &&
	    (size_t)(O->tab - ORDERS_NBUILTIN) < desk_views(u->desk, &v))
		snprintf(name, sizeof name, "%s",
			 v[O->tab - ORDERS_NBUILTIN].name);
	if (name[0] == '\0') {
		ui_message(u, 1, ":unsave NAME deletes a view (:views lists "
			   "them)");
		return;
	}
	orders_note_selection(O, u);
	if (desk_view_delete(u->desk, name, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return;
	}
	(void)orders_apply(O, u);
	if (!u->msg_bad || !u->msg[0])
		ui_message(u, 0, "Deleted view %s.", name);
}

/* :views: the person's views, with their filters. */
static void list(struct ui *u)
{
	char line[UI_MSG_MAX];
	const struct desk_view *v;
	size_t n = desk_views(u->desk, &v), i, used;

	if (n == 0) {
		ui_message(u, 0, "No saved views; :filter EXPR, then :save "
			   "NAME.");
		return;
	}
	used = (size_t)snprintf(line, sizeof line, "Views:");
	for (i = 0; i < n && used < sizeof line; i++)
		used += (size_t)snprintf(line + used, sizeof line - used,
					 " %s (%s)%s", v[i].name, v[i].filter,
					 i + 1 < n ? "," : ".");
	if (used < sizeof line)
		snprintf(line + used, sizeof line - used,
			 " :unsave NAME deletes one.");
	ui_message(u, 0, "%s", line);
}

int orders_views_command(struct orders_st *O, struct ui *u, const char *line)
{
	const char *p = line + strspn(line, " ");
	size_t n = strcspn(p, " ");

	if (n == 4 && strncmp(p, "save", 4) == 0)
		save(O, u, p + n);
	else if (n == 6 && strncmp(p, "unsave", 6) == 0)
		unsave(O, u, p + n);
	else if (n == 5 && strncmp(p, "views", 5) == 0 && p[n + strspn(p + n,
		 " ")] == '\0')
		list(u);
	else
		return 0;
	return 1;
}
