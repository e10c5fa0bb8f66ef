/*
 * desk-index.c - the order index kept compact in memory: rows in a string
 * arena, the status filter, the search through the store's full-text
 * index, and the sort orders the list can show.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "storage/store-search.h"
#include "storage/store.h"

/* Adds one order to the index. */
static enum od_code index_add(void *ctx, const struct order_brief *o,
			      struct od_err *err)
{
	struct desk *d = ctx;
	struct desk_row *r;

	if (d->nrows == d->arows) {
		size_t n = d->arows ? d->arows * 2 : 1024;
		struct desk_row *bigger;

		if (n > UINT32_MAX)
			return od_err_set(err, OD_E_INPUT, "too many orders "
					  "for the desk to list");
		bigger = realloc(d->rows, n * sizeof *bigger);
		if (bigger == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		d->rows = bigger;
		d->arows = n;
	}
	r = &d->rows[d->nrows];
	memset(r, 0, sizeof *r);
	r->number = desk_arena_dup(d, o->number);
	r->placed = desk_arena_dup(d, o->placed_at);
	r->customer = desk_arena_dup(d, o->customer_name);
	if (r->number == NULL || r->placed == NULL || r->customer == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	r->total = o->total;
	r->nitems = (uint32_t)o->nitems;
	memcpy(r->currency, o->currency, sizeof r->currency);
	r->status = (uint8_t)o->status;
	r->facts = desk_row_facts(o);
	r->pay = desk_row_pay(o);
	d->nrows++;
	return OD_OK;
}

enum od_code desk_reload(struct desk *d, struct od_err *err)
{
	enum od_code rc = desk_hold(d, SHOP_READ, err);

	if (rc != OD_OK)
		return rc;
	/* A big shop's index is dropped, read again when next needed: its
	 * views and the log's head are what the screens need now. */
	if (d->index_lazy) {
		desk_index_free(d);
		desk_watch_note(d);
		rc = desk_views_names(d, err);
	} else {
		rc = desk_index_load(d, err);
	}
	shop_release(d->sh);
	return rc;
}

static size_t row_of(const struct desk *d, const char *placed,
		     const char *number);

/* Marks the row of an order with a return open. */
static enum od_code mark_return(void *ctx, const char *number,
				const char *placed, struct od_err *err)
{
	struct desk *d = ctx;
	size_t i = row_of(d, placed, number);

	(void)err;
	if (i != (size_t)-1)
		d->rows[i].facts |= DESK_FACT_RETURN;
	return OD_OK;
}

/* Reads the whole order index from the held store. */
enum od_code desk_index_load(struct desk *d, struct od_err *err)
{
	char search[DESK_SEARCH_MAX + 1];
	enum od_code rc;

	desk_index_free(d);
	desk_watch_note(d);
	rc = store_order_brief_each(d->sh->store, index_add, d, err);
	if (rc == OD_OK)
		rc = store_return_open_each(d->sh->store, mark_return, d, err);
	if (rc == OD_OK) {
		d->match = malloc(d->nrows ? d->nrows : 1);
		d->view = malloc((d->nrows ? d->nrows : 1) * sizeof *d->view);
		if (d->match == NULL || d->view == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	if (rc == OD_OK) {
		/* The marks are new: forget the old search so it runs again. */
		memcpy(search, d->search, sizeof search);
		d->search[0] = '\0';
		rc = desk_pick_rerun(&d->pick, d->rows, d->nrows,
				     d->sh->store, err);
		if (rc == OD_OK)
			rc = desk_views_load(d, err);
		if (rc == OD_OK)
			rc = desk_filter_tab(d, &d->tab, search,
					     d->newest_first, err);
	}
	if (rc != OD_OK)
		desk_index_free(d);
	d->index_ready = rc == OD_OK;
	return rc;
}

/* Orders rows as the store does: by placed time, then number. */
static int row_cmp(const char *placed, const char *number,
		   const struct desk_row *r)
{
	int c = strcmp(placed, r->placed);

	return c ? c : strcmp(number, r->number);
}

/* The row of the order placed at placed with number, or (size_t)-1. */
static size_t row_of(const struct desk *d, const char *placed,
		     const char *number)
{
	size_t lo = 0, hi = d->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = row_cmp(placed, number, &d->rows[mid]);

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

/* Grows id_row to cover id (new entries: not listed); 0 when out of memory. */
static int ids_cover(struct desk *d, size_t id)
{
	size_t n = d->nid ? d->nid : 1024;
	uint32_t *bigger;

	if (id < d->nid)
		return 1;
	while (n <= id)
		n *= 2;
	bigger = realloc(d->id_row, n * sizeof *bigger);
	if (bigger == NULL)
		return 0;
	memset(bigger + d->nid, 0, (n - d->nid) * sizeof *bigger);
	d->id_row = bigger;
	d->nid = n;
	return 1;
}

/*
 * Notes which row holds the order the store's search index calls id.  The
 * index lists orders as the rows are kept (placed, then number), so the
 * k-th is row k unless orders were placed since the rows were read; those
 * are looked up, and orders the rows do not have are left out (listed at
 * the next reload).
 */
static enum od_code ids_add(void *ctx, long long id, const char *placed,
			    const char *number, struct od_err *err)
{
	struct desk *d = ctx;
	size_t k = d->ids_seen++, row;

	if (id <= 0 || id >= UINT32_MAX)
		return OD_OK;
	if (k < d->nrows && strcmp(d->rows[k].number, number) == 0 &&
	    strcmp(d->rows[k].placed, placed) == 0)
		row = k;
	else
		row = row_of(d, placed, number);
	if (row == (size_t)-1)
		return OD_OK;
	if (!ids_cover(d, (size_t)id))
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	d->id_row[id] = (uint32_t)(row + 1);
	return OD_OK;
}

/*
 * Runs fn on the store, holding it to read unless a caller (desk_reload)
 * holds it already.  A key press must not wait: while another command
 * holds the store (an import in another terminal), OD_E_BUSY at once.
 */
static enum od_code with_store(struct desk *d,
			       enum od_code (*fn)(struct desk *,
						  struct od_err *),
			       struct od_err *err)
{
	int held = d->sh->store != NULL;
	enum od_code rc;

	if (!held && (rc = desk_hold_now(d, SHOP_READ, err)) != OD_OK)
		return rc;
	rc = fn(d, err);
	if (!held)
		shop_release(d->sh);
	return rc;
}

/* Reads the search ids of the listed orders (held store). */
static enum od_code ids_read(struct desk *d, struct od_err *err)
{
	enum od_code rc;

	d->ids_seen = 0;
	if (!ids_cover(d, d->nrows))
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = store_search_id_each(d->sh->store, ids_add, d, err);
	if (rc != OD_OK) {
		free(d->id_row);
		d->id_row = NULL;
		d->nid = 0;
	}
	return rc;
}

/*
 * Maps the store's search ids to rows, the first time a search needs it:
 * one walk of an index, 4 bytes an order (the text stays in the store).
 */
static enum od_code ids_build(struct desk *d, struct od_err *err)
{
	if (d->id_row != NULL)
		return OD_OK;
	return with_store(d, ids_read, err);
}

enum od_code desk_search_ready(struct desk *d, struct od_err *err)
{
	enum od_code rc;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	/* Called on every idle tick: a walk that failed is not repeated;
	 * an index not read (desk_index_need) needs none. */
	if (d->ids_failed || !d->index_ready)
		return OD_OK;
	rc = ids_build(d, err);
	/* Busy: the next idle tick tries again. */
	if (rc == OD_E_BUSY)
		return OD_OK;
	if (rc != OD_OK && d->sh != NULL)
		d->ids_failed = 1;
	return rc;
}

/* Marks the row of one order the search found. */
static enum od_code search_hit(void *ctx, long long id, struct od_err *err)
{
	struct desk *d = ctx;

	(void)err;
	if (id > 0 && (size_t)id < d->nid && d->id_row[id] != 0)
		d->match[d->id_row[id] - 1] = 1;
	return OD_OK;
}

/* Marks the rows d->search finds in the store's index (held store). */
static enum od_code search_run(struct desk *d, struct od_err *err)
{
	if (d->nrows)
		memset(d->match, 0, d->nrows);
	return store_search_ids(d->sh->store, d->search, search_hit, d, err);
}

/*
 * Marks the rows whose order matches search, as `orderdesk list --search`
 * finds them: the store's full-text index answers (storage/store-search.h),
 * folded for case and diacritics, never a walk of every order's text.
 */
static enum od_code mark_search(struct desk *d, const char *search,
				size_t len, struct od_err *err)
{
	enum od_code rc = ids_build(d, err);

	memcpy(d->search, search, len + 1);
	if (rc == OD_OK)
		rc = with_store(d, search_run, err);
	return rc;
}

/* Compares rows *a and *b by the desk's sort key; ties by placed order. */
static int sort_cmp(const void *a, const void *b, void *ctx)
{
	const struct desk *d = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct desk_row *x = &d->rows[ia], *y = &d->rows[ib];
	size_t lx, ly;
	int c = 0;

	switch (d->sort) {
	case DESK_SORT_NUMBER:
		/* "999" before "1000", as people count. */
		lx = strlen(x->number);
		ly = strlen(y->number);
		c = lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->number,
							   y->number);
		break;
	case DESK_SORT_CUSTOMER:
		c = strcmp(x->customer, y->customer);
		break;
	case DESK_SORT_TOTAL:
		/* 100 JPY is not more than 50 EUR: currencies apart, each
		 * highest first. */
		c = strcmp(x->currency, y->currency);
		if (c == 0 && x->total != y->total)
			c = x->total > y->total ? -1 : 1;
		break;
	case DESK_SORT_STATUS:
		c = (int)x->status - (int)y->status;
		break;
	default:
		break;
	}
	return c ? c : (ia < ib ? -1 : ia > ib);
}

/* Makes d->perm for the sort key if it is missing; 0 when out of memory. */
static int sort_ready(struct desk *d)
{
	size_t i;

	if (d->perm != NULL)
		return 1;
	d->perm = malloc((d->nrows ? d->nrows : 1) * sizeof *d->perm);
	if (d->perm == NULL)
		return 0;
	for (i = 0; i < d->nrows; i++)
		d->perm[i] = (uint32_t)i;
	qsort_r(d->perm, d->nrows, sizeof *d->perm, sort_cmp, d);
	return 1;
}

/* Rebuilds the view from the match marks and the status. */
static void build_view(struct desk *d)
{
	size_t i, k;
	int by_key = d->sort != DESK_SORT_PLACED && sort_ready(d);

	memset(d->counts, 0, sizeof d->counts);
	desk_tab_tally_reset(d);
	d->nview = 0;
	for (k = 0; k < d->nrows; k++) {
		if (by_key)
			i = d->perm[k];
		else
			i = d->newest_first ? d->nrows - 1 - k : k;
		if (!d->match[i] || !desk_pick_keeps(&d->pick, i))
			continue;
		d->counts[d->rows[i].status]++;
		d->counts[ORDER_STATUS_COUNT]++;
		desk_tab_tally(d, i);
		if (desk_tab_keeps(d, &d->tab, i))
			d->view[d->nview++] = (uint32_t)i;
	}
}

enum od_code desk_filter(struct desk *d, int status, const char *search,
			 int newest_first, struct od_err *err)
{
	struct desk_tab t = { 0, 0, -1 };

	if (status < -1 || status >= ORDER_STATUS_COUNT)
		return od_err_set(err, OD_E_USAGE, "unknown order status");
	if (status >= 0)
		t.statuses = DESK_TAB_STATUS(status);
	return desk_filter_tab(d, &t, search, newest_first, err);
}

enum od_code desk_filter_tab(struct desk *d, const struct desk_tab *t,
			     const char *search, int newest_first,
			     struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t len = search ? strlen(search) : 0;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (len > 0) {
		rc = utf8_check_text("search text", search, len,
				     DESK_SEARCH_MAX, 0, err);
		if (rc != OD_OK)
			return rc;
	}
	d->tab = *t;
	d->newest_first = newest_first;
	/* Only a changed search is asked of the index again. */
	if (len == 0) {
		if (d->nrows)
			memset(d->match, 1, d->nrows);
		d->search[0] = '\0';
	} else if (strcmp(search, d->search) != 0) {
		rc = mark_search(d, search, len, err);
		if (rc != OD_OK && d->sh == NULL)
			return rc;   /* locked itself: no index left */
		if (rc != OD_OK) {
			memset(d->match, 1, d->nrows);
			d->search[0] = '\0';
			build_view(d);
			return rc;
		}
	}
	build_view(d);
	return OD_OK;
}

enum od_code desk_sort(struct desk *d, enum desk_sort_key key,
		       struct od_err *err)
{
	if (key >= DESK_SORT_COUNT)
		return od_err_set(err, OD_E_USAGE, "unknown sort order");
	if (key != d->sort) {
		free(d->perm);
		d->perm = NULL;
		d->sort = key;
	}
	if (d->sh == NULL)
		return OD_OK;   /* kept for the next unlock */
	if (key != DESK_SORT_PLACED && !sort_ready(d)) {
		d->sort = DESK_SORT_PLACED;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	build_view(d);
	return OD_OK;
}

size_t desk_count(const struct desk *d)
{
	return d->nview;
}

const struct desk_row *desk_row(const struct desk *d, size_t i)
{
	return i < d->nview ? &d->rows[d->view[i]] : NULL;
}

size_t desk_count_status(const struct desk *d, int status)
{
	if (status < 0 || status >= ORDER_STATUS_COUNT)
		return d->counts[ORDER_STATUS_COUNT];
	return d->counts[status];
}

size_t desk_find(const struct desk *d, const char *number)
{
	size_t i;

	for (i = 0; i < d->nview; i++)
		if (strcmp(d->rows[d->view[i]].number, number) == 0)
			return i;
	return (size_t)-1;
}


/* Puts one order's status and facts, as the store lists them, in its row. */
static enum od_code row_update(void *ctx, const struct order_brief *b,
			       struct od_err *err)
{
	struct desk *d = ctx;
	size_t i = row_of(d, b->placed_at, b->number);

	(void)err;
	/* One placed since the index was read shows at the next reload. */
	if (i == (size_t)-1)
		return OD_OK;
	d->rows[i].status = (uint8_t)b->status;
	d->rows[i].facts = desk_row_facts(b);
	d->rows[i].pay = desk_row_pay(b);
	desk_views_refresh_row(d, i);
	return OD_OK;
}

/* Rereads one order's status and facts into the index after it changed. */
void desk_row_refresh(struct desk *d, const char *number)
{
	struct od_err ignored;

	if (store_order_brief_one(d->sh->store, number, row_update, d,
				  &ignored) != OD_OK)
		return;
	if (d->sort == DESK_SORT_STATUS) {
		free(d->perm);
		d->perm = NULL;
	}
	build_view(d);
}

/* For desk-hold.c: the index's orders of one status, whatever the list
 * shows, without a walk of the store. */
size_t desk_index_with_status(const struct desk *d, int status,
			      const char **numbers, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < d->nrows; i++) {
		if (d->rows[i].status != status)
			continue;
		if (n < max)
			numbers[n] = d->rows[i].number;
		n++;
	}
	return n;
}

/* For desk-pick.c, which keeps the filter language's choice. */
struct desk_pick_state *desk_pick_state(struct desk *d)
{
	return &d->pick;
}

const struct desk_row *desk_index_rows(const struct desk *d, size_t *n)
{
	*n = d->nrows;
	return d->rows;
}

void desk_view_rebuild(struct desk *d)
{
	build_view(d);
}
