/*
 * desk-views.c - a person's saved views: named filters in the filter
 * language, kept in the store (storage/store-views.h) per person; saving
 * and deleting one, and finding one for `orderdesk list --view`.  Reading
 * them with the index is desk-views-load.c's.
 */
#include "app/desk/desk-tabs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "storage/store-views.h"

enum od_code desk_view_name_check(const char *name, struct od_err *err)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > DESK_VIEW_NAME_MAX)
		return od_err_set(err, OD_E_USAGE, "a view's name has 1 to %d "
				  "characters (late, big-orders)",
				  DESK_VIEW_NAME_MAX);
	for (i = 0; i < n; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' &&
		     c <= '9') || c == '-' || c == '_')))
			continue;
		return od_err_set(err, OD_E_USAGE, "view name `%s`: use a-z, "
				  "0-9, '-' and '_', a letter first "
				  "(late, big-orders)", name);
	}
	return OD_OK;
}

/* Writes (filter not NULL) or deletes the view, then reads them again. */
static enum od_code views_change(struct desk *d, const char *name,
				 const char *filter, struct od_err *err)
{
	struct store *s;
	enum od_code rc = desk_hold(d, SHOP_WRITE, err);
	int gone = 1;

	if (rc != OD_OK)
		return rc;
	s = d->sh->store;
	rc = store_begin(s, err);
	if (rc == OD_OK && filter != NULL)
		rc = store_view_put(s, d->sh->user, name, filter, err);
	else if (rc == OD_OK)
		rc = store_view_drop(s, d->sh->user, name, &gone, err);
	if (rc == OD_OK && !gone)
		rc = od_err_set(err, OD_E_NOTFOUND, "you have no view named "
				"%s; :views lists yours", name);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc == OD_OK)
		rc = desk_views_load(d, err);
	shop_release(d->sh);
	if (rc == OD_OK)
		desk_view_rebuild(d);
	return rc;
}

/* Whether name is one of the person's views already. */
static int view_known(const struct desk *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->views.n; i++)
		if (strcmp(d->views.v[i].name, name) == 0)
			return 1;
	return 0;
}

enum od_code desk_view_save(struct desk *d, const char *name,
			    const char *filter, struct od_err *err)
{
	struct order_filter *f = NULL;
	enum od_code rc;
	size_t terms;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = desk_view_name_check(name, err);
	if (rc == OD_OK)
		rc = order_filter_parse(filter, time(NULL), &f, err);
	terms = order_filter_terms(f);
	order_filter_free(f);
	if (rc != OD_OK)
		return rc;
	if (terms == 0)
		return od_err_set(err, OD_E_USAGE, "view %s: no filter to save;"
				  " :filter EXPR first, or :save NAME EXPR",
				  name);
	if (!view_known(d, name) && d->views.n == DESK_VIEWS_MAX)
		return od_err_set(err, OD_E_USAGE, "you have %d views, the "
				  "most; :unsave NAME deletes one",
				  DESK_VIEWS_MAX);
	return views_change(d, name, filter, err);
}

enum od_code desk_view_delete(struct desk *d, const char *name,
			      struct od_err *err)
{
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	return views_change(d, name, NULL, err);
}

/* For desk_view_find: the one wanted, and the names seen. */
struct view_look {
	const char *name;
	char *filter;
	size_t size;
	int found;
	char names[DESK_VIEWS_MAX * (DESK_VIEW_NAME_MAX + 2) + 1];
};

static enum od_code view_look(void *ctx, const char *name, const char *filter,
			      struct od_err *err)
{
	struct view_look *l = ctx;
	size_t used = strlen(l->names);

	(void)err;
	if (strcmp(name, l->name) == 0) {
		snprintf(l->filter, l->size, "%s", filter);
		l->found = 1;
	}
	snprintf(l->names + used, sizeof l->names - used, "%s%s",
		 used ? ", " : "", name);
	return OD_OK;
}

enum od_code desk_view_find(struct store *s, const char *person,
			    const char *name, char *filter, size_t size,
			    struct od_err *err)
{
	struct view_look l = { name, filter, size, 0, "" };
	enum od_code rc = store_view_each(s, person, view_look, &l, err);

	if (rc != OD_OK || l.found)
		return rc;
	if (l.names[0] == '\0')
		return od_err_set(err, OD_E_NOTFOUND, "%s has no saved views; "
				  "save one in the screens with :save NAME",
				  person);
	return od_err_set(err, OD_E_NOTFOUND, "%s has no view named %s; "
			  "theirs: %s", person, name, l.names);
}
