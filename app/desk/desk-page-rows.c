/*
 * desk-page-rows.c - the paged list's rows: copies of what the store
 * gives, each status of a tab read by keyset and merged in the desk's
 * order (the same as desk-index.c's sort_cmp, ties included).
 */
#include "app/desk/desk-page-internal.h"

#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "storage/store-page.h"

void page_prow_free(struct prow *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

void page_rows_clear(struct rows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		page_prow_free(&rs->v[i]);
	rs->n = 0;
}

/* Copies brief b into r; OD_E_NOMEM when out of memory. */
enum od_code page_prow_set(struct prow *r, const struct order_brief *b,
			     struct od_err *err)
{
	size_t ln = strlen(b->number) + 1, lp = strlen(b->placed_at) + 1;
	size_t lc = strlen(b->customer_name) + 1;
	char *t = malloc(ln + lp + lc);

	if (t == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(t, b->number, ln);
	memcpy(t + ln, b->placed_at, lp);
	memcpy(t + ln + lp, b->customer_name, lc);
	free(r->text);
	r->text = t;
	r->r.number = t;
	r->r.placed = t + ln;
	r->r.customer = t + ln + lp;
	r->r.total = b->total;
	r->r.nitems = (uint32_t)b->nitems;
	memcpy(r->r.currency, b->currency, sizeof r->r.currency);
	r->r.status = (uint8_t)b->status;
	return OD_OK;
}

/* The brief of row r, to give the store as a key. */
void page_prow_key(const struct prow *r, struct order_brief *b)
{
	memset(b, 0, sizeof *b);
	b->number = r->r.number;
	b->placed_at = r->r.placed;
	b->customer_name = r->r.customer;
	memcpy(b->currency, r->r.currency, sizeof b->currency);
	b->total = r->r.total;
	b->status = (enum order_status)r->r.status;
}

enum od_code page_rows_add(void *ctx, const struct order_brief *b,
			     struct od_err *err)
{
	struct rows *rs = ctx;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct prow *v = realloc(rs->v, cap * sizeof *v);

		if (v == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		rs->v = v;
		rs->cap = cap;
	}
	memset(&rs->v[rs->n], 0, sizeof rs->v[rs->n]);
	rs->n++;
	return page_prow_set(&rs->v[rs->n - 1], b, err);
}

/* "999" before "1000", as desk_sort: by length, then bytes. */
static int number_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la != lb ? (la < lb ? -1 : 1) : strcmp(a, b);
}

/* Rows a and b in the desk's order (desk-index.c's sort_cmp). */
static int list_cmp(const struct desk_page *p, const struct desk_row *a,
		    const struct desk_row *b)
{
	int c = 0;

	switch (p->sort) {
	case DESK_SORT_NUMBER:
		return number_cmp(a->number, b->number);
	case DESK_SORT_CUSTOMER:
		c = strcmp(a->customer, b->customer);
		break;
	case DESK_SORT_TOTAL:
		c = strcmp(a->currency, b->currency);
		if (c == 0 && a->total != b->total)
			c = a->total > b->total ? -1 : 1;
		break;
	case DESK_SORT_STATUS:
		c = (int)a->status - (int)b->status;
		break;
	default:
		break;
	}
	if (c == 0 && (c = strcmp(a->placed, b->placed)) == 0)
		c = strcmp(a->number, b->number);
	if (p->sort == DESK_SORT_PLACED && p->newest_first)
		c = -c;
	return c;
}

static int prow_cmp(const void *a, const void *b, void *ctx)
{
	return list_cmp(ctx, &((const struct prow *)a)->r,
			&((const struct prow *)b)->r);
}

/* The store's sort, and whether the list's forward is its backward. */
enum store_page_sort page_store_sort(const struct desk_page *p, int *flip)
{
	*flip = 0;
	switch (p->sort) {
	case DESK_SORT_NUMBER:
		return STORE_PAGE_NUMBER;
	case DESK_SORT_CUSTOMER:
		return STORE_PAGE_CUSTOMER;
	case DESK_SORT_TOTAL:
		return STORE_PAGE_TOTAL;
	case DESK_SORT_PLACED:
		*flip = p->newest_first;
		return STORE_PAGE_PLACED;
	default:
		return STORE_PAGE_PLACED;   /* each status by placed order */
	}
}

int page_every(const struct desk_page *p)
{
	return !p->tab.statuses && !p->tab.open_return &&
	       p->sort == DESK_SORT_PLACED && p->mode != STORE_PAGE_FOUND;
}

/*
 * Up to limit rows of the list after key (backward: before it, nearest
 * first; key NULL: from the list's start or end) into out, in that order:
 * limit from each status of the tab, merged (held store).
 */
enum od_code page_fetch(struct desk_page *p, int backward,
			const struct prow *key, size_t limit, struct rows *out,
			struct od_err *err)
{
	struct store_page_filter f = { p->mode, p->tab.open_return,
				       p->expr.data, p->hits, 0 };
	struct order_brief kb, *k;
	enum od_code rc = OD_OK;
	int flip, s, ks = key != NULL ? key->r.status : -1;
	enum store_page_sort sort = page_store_sort(p, &flip);

	page_rows_clear(out);
	if (p->none || limit == 0)
		return OD_OK;
	if (key != NULL)
		page_prow_key(key, &kb);
	/* Every status in placed order: one walk of the store's list. */
	f.every = page_every(p);
	if (f.every)
		rc = store_page_rows(p->d->sh->store, -1, sort,
				     backward != flip, key != NULL ? &kb : NULL,
				     &f, limit, page_rows_add, out, err);
	for (s = 0; !f.every && s < ORDER_STATUS_COUNT && rc == OD_OK; s++) {
		if (p->tab.statuses && !(p->tab.statuses & (1u << s)))
			continue;
		k = key != NULL ? &kb : NULL;
		/* By status first: the key's status alone is cut by it. */
		if (p->sort == DESK_SORT_STATUS && key != NULL && s != ks) {
			if ((s < ks) != backward)
				continue;
			k = NULL;
		}
		rc = store_page_rows(p->d->sh->store, s, sort,
				     backward != flip, k, &f, limit,
				     page_rows_add, out, err);
	}
	if (rc != OD_OK) {
		page_rows_clear(out);
		return rc;
	}
	if (out->n > 1)
		qsort_r(out->v, out->n, sizeof *out->v, prow_cmp, p);
	if (backward) {
		size_t i;

		for (i = 0; i < out->n / 2; i++) {
			struct prow t = out->v[i];

			out->v[i] = out->v[out->n - 1 - i];
			out->v[out->n - 1 - i] = t;
		}
	}
	while (out->n > limit)
		page_prow_free(&out->v[--out->n]);
	return OD_OK;
}

/* Moves src's row i to the end of dst (which has room). */
void page_rows_take(struct rows *dst, struct rows *src, size_t i)
{
	dst->v[dst->n++] = src->v[i];
	memset(&src->v[i], 0, sizeof src->v[i]);
}

void page_rows_free(struct rows *rs)
{
	page_rows_clear(rs);
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}

/* Makes room for n rows in rs (empty). */
enum od_code page_rows_room(struct rows *rs, size_t n, struct od_err *err)
{
	struct prow *v;

	page_rows_clear(rs);
	if (n <= rs->cap)
		return OD_OK;
	v = realloc(rs->v, n * sizeof *v);
	if (v == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rs->v = v;
	rs->cap = n;
	return OD_OK;
}

