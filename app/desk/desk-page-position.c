/*
 * desk-page-position.c - where the paged list's selection is: how many
 * rows come before it (desk_page_position), counted by the store per
 * status of the tab from the selection's key back to the list's start,
 * as desk-page-rows.c's page_fetch reads them, so the two agree; the
 * count is kept across moves (desk-page.c: a move knows how many rows it
 * went), so only a new list, selection or store is counted again.
 */
#include "app/desk/desk-page-internal.h"

#include "app/desk/desk-internal.h"


/* The rows before the selection into *(size_t *)arg (held store). */
static enum od_code position(struct desk_page *p, void *arg,
			     struct od_err *err)
{
	size_t *before = arg, n;
	struct store_page_filter f = { p->mode, p->tab.open_return,
				       p->expr.data, p->hits, 0 };
	struct store *st = p->d->sh->store;
	struct order_brief kb, *k;
	enum od_code rc = OD_OK;
	int flip, s, ks;
	enum store_page_sort sort = page_store_sort(p, &flip);

	*before = 0;
	if (p->none || p->sel.text == NULL)
		return OD_OK;
	page_prow_key(&p->sel, &kb);
	ks = (int)p->sel.r.status;
	/* Before, in the list's order: the store's backward unless the
	 * list runs newest first. */
	if ((f.every = page_every(p)) != 0)
		return store_page_count(st, -1, sort, !flip, &kb, &f, before,
					err);
	for (s = 0; s < ORDER_STATUS_COUNT && rc == OD_OK; s++) {
		if (p->tab.statuses && !(p->tab.statuses & (1u << s)))
			continue;
		k = &kb;
		/* By status first: an earlier status is before it whole. */
		if (p->sort == DESK_SORT_STATUS && s != ks) {
			if (s > ks)
				continue;
			k = NULL;
		}
		rc = store_page_count(st, s, sort, !flip, k, &f, &n, err);
		*before += rc == OD_OK ? n : 0;
	}
	return rc;
}

/* The kept position, or counted and kept (held store). */
static enum od_code kept(struct desk_page *p, void *arg, struct od_err *err)
{
	enum od_code rc;

	if (page_pos_valid(p)) {
		*(size_t *)arg = p->pos;
		return OD_OK;
	}
	rc = position(p, arg, err);
	if (rc == OD_OK && p->sel.text != NULL)
		page_pos_set(p, *(size_t *)arg);
	return rc;
}

enum od_code desk_page_position(struct desk_page *p, size_t *before,
				struct od_err *err)
{
	*before = 0;
	return page_held(p, kept, before, err);
}
