/*
 * desk-views-load.c - reading a person's saved views (their settings
 * "view.NAME") with the index and marking which rows each keeps: one byte
 * a row holds a bit per view, so a view's tab costs what a status tab
 * costs.  Below desk.c and desk-index.c: it calls only the store and
 * desk-pick-mark.c.
 */
#include "app/desk/desk-tabs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"

void desk_views_drop(struct desk *d)
{
	free(d->views.keep);
	memset(&d->views, 0, sizeof d->views);
}

size_t desk_views(const struct desk *d, const struct desk_view **v)
{
	*v = d->views.v;
	return d->views.n;
}

/* For desk_views_each: the caller's callback, given names unprefixed. */
struct views_walk {
	store_pref_fn fn;
	void *ctx;
};

static enum od_code view_unprefix(void *ctx, const char *name,
				  const char *filter, struct od_err *err)
{
	const struct views_walk *w = ctx;

	return w->fn(w->ctx, name + strlen(DESK_VIEW_PREFIX), filter, err);
}

enum od_code desk_views_each(struct store *s, const char *person,
			     store_pref_fn fn, void *ctx, struct od_err *err)
{
	struct views_walk w = { fn, ctx };

	return store_pref_each(s, person, DESK_VIEW_PREFIX, view_unprefix, &w,
			       err);
}

/* Keeps one view read from the store (more than the most are ignored). */
static enum od_code view_add(void *ctx, const char *name, const char *filter,
			     struct od_err *err)
{
	struct desk_views_state *vs = ctx;

	(void)err;
	if (vs->n == DESK_VIEWS_MAX)
		return OD_OK;
	snprintf(vs->v[vs->n].name, sizeof vs->v[vs->n].name, "%s", name);
	snprintf(vs->v[vs->n].filter, sizeof vs->v[vs->n].filter, "%s",
		 filter);
	vs->n++;
	return OD_OK;
}

/* Sets bit v of keep for each row view v's filter keeps (store held). */
static enum od_code mark_view(struct desk *d, size_t v, struct od_err *err)
{
	uint8_t *one = NULL;
	size_t n = 0, i;
	struct od_err ignored;
	enum od_code rc;

	rc = desk_pick_mark(d->views.v[v].filter, d->rows, d->nrows,
			    d->sh->store, &one, &n, &ignored);
	/* A filter that no longer parses (a word of a newer version, say)
	 * keeps nothing; reading the store failing is an error. */
	if (rc == OD_E_USAGE)
		return OD_OK;
	if (rc != OD_OK)
		return od_err_set(err, rc, "%s", ignored.msg);
	for (i = 0; i < d->nrows; i++)
		if (one == NULL || one[i])
			d->views.keep[i] |= (uint8_t)(1u << v);
	free(one);
	return OD_OK;
}

enum od_code desk_views_names(struct desk *d, struct od_err *err)
{
	desk_views_drop(d);
	return desk_views_each(d->sh->store, d->sh->user, view_add, &d->views,
			       err);
}

enum od_code desk_views_load(struct desk *d, struct od_err *err)
{
	enum od_code rc = desk_views_names(d, err);
	size_t v;

	if (rc != OD_OK || d->views.n == 0)
		return rc;
	d->views.keep = calloc(d->nrows ? d->nrows : 1, 1);
	if (d->views.keep == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (v = 0; rc == OD_OK && v < d->views.n; v++)
		rc = mark_view(d, v, err);
	return rc;
}


/* Whether text keeps index row i, asked of the held store; -1 on error. */
static int keeps_row(struct desk *d, const char *text, size_t i)
{
	uint8_t *one = NULL;
	size_t n = 0;
	struct od_err ignored;
	int kept;

	if (desk_pick_mark(text, &d->rows[i], 1, d->sh->store, &one, &n,
			   &ignored) != OD_OK)
		return -1;
	kept = one == NULL || one[0];
	free(one);
	return kept;
}

void desk_views_refresh_row(struct desk *d, size_t i)
{
	struct desk_pick_state *p = &d->pick;
	size_t v;
	int kept;

	if (i >= d->nrows)
		return;
	for (v = 0; d->views.keep != NULL && v < d->views.n; v++) {
		kept = keeps_row(d, d->views.v[v].filter, i);
		if (kept >= 0)
			d->views.keep[i] = (uint8_t)((d->views.keep[i] &
						      ~(1u << v)) |
						     ((unsigned)kept << v));
	}
	if (p->keep != NULL && i < p->nkeep &&
	    (kept = keeps_row(d, p->text, i)) >= 0)
		p->keep[i] = (uint8_t)kept;
}
