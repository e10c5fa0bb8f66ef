/*
 * desk-index-need.c - when the desk reads its index in memory: at unlock
 * for a shop small enough that it costs the first screen little, else the
 * first time something asks what only it answers (desk_index_need).  The
 * orders list itself pages from the store (desk-page.h) either way.
 */
#include "app/desk/desk-index-need.h"
#include "app/desk/desk-internal.h"

#include <stdlib.h>

#include "storage/store-page.h"

/* Orders up to which the index is read at unlock. */
static size_t eager_max(void)
{
	const char *s = getenv("ORDERDESK_INDEX_EAGER");
	char *end;
	unsigned long long n;

	if (s == NULL || *s == '\0')
		return DESK_INDEX_EAGER;
	n = strtoull(s, &end, 10);
	return *end == '\0' ? (size_t)n : DESK_INDEX_EAGER;
}

enum od_code desk_index_start(struct desk *d, struct od_err *err)
{
	struct store_page_filter every = { 0 };
	size_t counts[ORDER_STATUS_COUNT], n = 0;
	enum od_code rc;
	int s;

	/* Six rows the store keeps: no walk of the orders to know. */
	rc = store_page_counts(d->sh->store, &every, counts, NULL, err);
	for (s = 0; rc == OD_OK && s < ORDER_STATUS_COUNT; s++)
		n += counts[s];
	if (rc != OD_OK)
		return rc;
	d->index_lazy = n > eager_max();
	if (!d->index_lazy)
		return desk_index_load(d, err);
	desk_index_free(d);
	desk_watch_note(d);
	return desk_views_names(d, err);
}

int desk_index_ready(const struct desk *d)
{
	return d->index_ready;
}

int desk_tab_note(struct desk *d, const struct desk_tab *t)
{
	d->tab = *t;
	return d->search[0] == '\0';
}

int desk_index_big(const struct desk *d)
{
	return d->index_lazy;
}

enum od_code desk_index_need(struct desk *d, struct od_err *err)
{
	enum od_code rc;

	if (d->index_ready || !desk_is_unlocked(d))
		return OD_OK;
	/* Never waits: a key while an import holds the store says so. */
	rc = desk_hold_now(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = desk_index_load(d, err);
	shop_release(d->sh);
	return rc;
}
