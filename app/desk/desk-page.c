/*
 * desk-page.c - the list as a window read from the store (desk-page.h):
 * each status of the tab read by keyset, merged here in the desk's order.
 */
#include "app/desk/desk-page.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "lib/buf.h"
#include "lib/utf8.h"
#include "storage/store-page.h"
#include "storage/store-search.h"

/* A row with its own copy of its text. */
struct prow {
	struct desk_row r;
	char *text;              /* number, placed, customer, each ended */
};

/* Rows read, in list order. */
struct rows {
	struct prow *v;
	size_t n, cap;
};

struct desk_page {
	struct desk *d;
	struct desk_page_tab tab;
	enum desk_sort_key sort;
	int newest_first;
	char search[DESK_SEARCH_MAX + 1];
	struct buf expr;         /* the search's FTS5 query */
	int stale;               /* expr is still to be made from search */
	int none;                /* the search can match nothing */
	int mode;                /* how the hits are read (store-page.h) */
	int home;                /* to do at the next window: go to the
				    start (1) or end (2) */
	long move;               /* and then move by so many rows */
	struct rows win;         /* the window */
	struct prow sel;         /* the selection (text NULL: none) */
	size_t sel_row;
};

static void prow_free(struct prow *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

static void rows_clear(struct rows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		prow_free(&rs->v[i]);
	rs->n = 0;
}

/* Copies brief b into r; OD_E_NOMEM when out of memory. */
static enum od_code prow_set(struct prow *r, const struct order_brief *b,
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
static void prow_key(const struct prow *r, struct order_brief *b)
{
	memset(b, 0, sizeof *b);
	b->number = r->r.number;
	b->placed_at = r->r.placed;
	b->customer_name = r->r.customer;
	memcpy(b->currency, r->r.currency, sizeof b->currency);
	b->total = r->r.total;
	b->status = (enum order_status)r->r.status;
}

static enum od_code rows_add(void *ctx, const struct order_brief *b,
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
	return prow_set(&rs->v[rs->n - 1], b, err);
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
static enum store_page_sort store_sort(const struct desk_page *p, int *flip)
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

/*
 * Up to limit rows of the list after key (backward: before it, nearest
 * first; key NULL: from the list's start or end) into out, in that order:
 * limit from each status of the tab, merged (held store).
 */
static enum od_code fetch(struct desk_page *p, int backward,
			  const struct prow *key, size_t limit,
			  struct rows *out, struct od_err *err)
{
	struct store_page_filter f = { p->mode, p->tab.open_return };
	struct order_brief kb, *k;
	enum od_code rc = OD_OK;
	int flip, s, ks = key != NULL ? key->r.status : -1;
	enum store_page_sort sort = store_sort(p, &flip);

	rows_clear(out);
	if (p->none || limit == 0)
		return OD_OK;
	if (key != NULL)
		prow_key(key, &kb);
	for (s = 0; s < ORDER_STATUS_COUNT && rc == OD_OK; s++) {
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
				     backward != flip, k, &f, limit, rows_add,
				     out, err);
	}
	if (rc != OD_OK) {
		rows_clear(out);
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
		prow_free(&out->v[--out->n]);
	return OD_OK;
}

/* Moves src's row i to the end of dst (which has room). */
static void rows_take(struct rows *dst, struct rows *src, size_t i)
{
	dst->v[dst->n++] = src->v[i];
	memset(&src->v[i], 0, sizeof src->v[i]);
}

static void rows_free(struct rows *rs)
{
	rows_clear(rs);
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}

/* Makes room for n rows in rs (empty). */
static enum od_code rows_room(struct rows *rs, size_t n, struct od_err *err)
{
	struct prow *v;

	rows_clear(rs);
	if (n <= rs->cap)
		return OD_OK;
	v = realloc(rs->v, n * sizeof *v);
	if (v == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rs->v = v;
	rs->cap = n;
	return OD_OK;
}

/*
 * Makes the search's query if it changed, and reads its hits into the
 * connection (held store): the connection is new at every hold, so once
 * per call, one pass of the hits whatever the call then reads.
 */
static enum od_code search_ready(struct desk_page *p, struct od_err *err)
{
	struct store *s = p->d->sh->store;
	enum od_code rc = OD_OK;

	if (p->stale) {
		rc = store_search_expr(s, p->search, &p->expr, err);
		if (rc != OD_OK)
			return rc;
		p->none = p->search[0] != '\0' && p->expr.len == 0;
		p->stale = 0;
	}
	p->mode = 0;
	if (p->expr.len > 0)
		rc = store_page_hits(s, p->expr.data, &p->mode, err);
	return rc;
}

/* Runs fn holding the store to read, never waiting for it. */
static enum od_code held(struct desk_page *p,
			 enum od_code (*fn)(struct desk_page *, void *,
					    struct od_err *),
			 void *arg, struct od_err *err)
{
	struct desk *d = p->d;
	int was = d->sh != NULL && d->sh->store != NULL;
	enum od_code rc;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (!was && (rc = desk_hold_now(d, SHOP_READ, err)) != OD_OK)
		return rc;
	rc = search_ready(p, err);
	if (rc == OD_OK)
		rc = fn(p, arg, err);
	if (!was && d->sh != NULL)
		shop_release(d->sh);
	return rc;
}

enum od_code desk_page_new(struct desk *d, struct desk_page **out,
			   struct od_err *err)
{
	struct desk_page *p = calloc(1, sizeof *p);

	*out = NULL;
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	p->d = d;
	buf_init(&p->expr, STORE_SEARCH_EXPR_MAX);
	*out = p;
	return OD_OK;
}

void desk_page_free(struct desk_page *p)
{
	if (p == NULL)
		return;
	rows_free(&p->win);
	prow_free(&p->sel);
	buf_free(&p->expr);
	free(p);
}

enum od_code desk_page_set(struct desk_page *p, const struct desk_page_tab *t,
			   enum desk_sort_key sort, int newest_first,
			   const char *search, struct od_err *err)
{
	const char *text = search != NULL ? search : "";
	enum od_code rc;

	if ((unsigned)sort >= DESK_SORT_COUNT)
		return od_err_set(err, OD_E_USAGE, "unknown sort order");
	if (text[0] != '\0') {
		rc = utf8_check_text("search text", text, strlen(text),
				     DESK_SEARCH_MAX, 0, err);
		if (rc != OD_OK)
			return rc;
	}
	if (strcmp(text, p->search) != 0) {
		/* Asked of the index at the next read, in its hold. */
		snprintf(p->search, sizeof p->search, "%s", text);
		buf_reset(&p->expr);
		p->stale = 1;
		p->none = 0;
	}
	p->tab = *t;
	p->sort = sort;
	p->newest_first = newest_first;
	return OD_OK;
}

/* The selection as the store has it now (status and all may change). */
static enum od_code sel_fresh(struct desk_page *p, struct od_err *err)
{
	struct rows one = { 0 };
	enum od_code rc = store_page_one(p->d->sh->store, p->sel.r.number,
					 rows_add, &one, err);

	if (rc == OD_OK && one.n == 1) {
		prow_free(&p->sel);
		p->sel = one.v[0];
		one.n = 0;
	}
	rows_free(&one);
	return rc;
}

/* Selects window row i (the first row when i is past the end). */
static enum od_code sel_row(struct desk_page *p, size_t i, struct od_err *err)
{
	struct order_brief b;

	if (p->win.n == 0) {
		prow_free(&p->sel);
		p->sel_row = 0;
		return OD_OK;
	}
	if (i >= p->win.n)
		i = p->win.n - 1;
	p->sel_row = i;
	if (p->sel.text != NULL && p->sel.text == p->win.v[i].text)
		return OD_OK;
	prow_key(&p->win.v[i], &b);
	b.nitems = p->win.v[i].r.nitems;
	return prow_set(&p->sel, &b, err);
}

static enum od_code move(struct desk_page *p, void *arg, struct od_err *err);
static enum od_code count(struct desk_page *p, void *arg,
			  struct od_err *err);

/* The counts' arguments (count). */
struct count_args {
	int open_return;
	size_t *counts;
};
static enum od_code home(struct desk_page *p, void *arg, struct od_err *err);

/* What desk_page_home and desk_page_move left to do (held store). */
static enum od_code pending(struct desk_page *p, struct od_err *err)
{
	enum od_code rc = OD_OK;
	int end = p->home == 2;

	if (p->home)
		rc = home(p, &end, err);
	p->home = 0;
	if (rc == OD_OK && p->move != 0)
		rc = move(p, &p->move, err);
	p->move = 0;
	return rc;
}

/* The window's arguments. */
struct window_args {
	size_t n, at;
	size_t *counts;          /* or NULL */
};

/*
 * The window around the selection: up to at rows before it (read
 * backward, nearest first), then the list from the nearest of them on
 * (the selection itself if it is still in the list), then more before if
 * the list ended first (held store).
 */
static enum od_code window(struct desk_page *p, void *arg,
			   struct od_err *err)
{
	const struct window_args *wa = arg;
	size_t n = wa->n, at = wa->at < n ? wa->at : n - 1, keep, i;
	struct rows before = { 0 }, after = { 0 }, more = { 0 };
	const struct prow *from;
	enum od_code rc = pending(p, err);

	rows_clear(&p->win);
	if (rc == OD_OK && wa->counts != NULL)
		rc = count(p, &(struct count_args){ 0, wa->counts }, err);
	if (rc != OD_OK)
		return rc;
	if (p->sel.text == NULL) {
		rc = fetch(p, 0, NULL, n, &p->win, err);
		if (rc == OD_OK)
			rc = sel_row(p, 0, err);
		return rc;
	}
	rc = sel_fresh(p, err);
	if (rc == OD_OK)
		rc = fetch(p, 1, &p->sel, at ? at : 1, &before, err);
	keep = at ? before.n : 0;
	from = before.n ? &before.v[0] : NULL;
	if (rc == OD_OK)
		rc = fetch(p, 0, from, n - keep, &after, err);
	if (rc == OD_OK && keep + after.n < n && keep == at) {
		from = keep ? &before.v[keep - 1] : after.n ? &after.v[0] :
		       NULL;
		if (from != NULL)
			rc = fetch(p, 1, from, n - keep - after.n, &more, err);
	}
	if (rc == OD_OK)
		rc = rows_room(&p->win, more.n + keep + after.n, err);
	if (rc == OD_OK) {
		for (i = more.n; i-- > 0;)
			rows_take(&p->win, &more, i);
		for (i = keep; i-- > 0;)
			rows_take(&p->win, &before, i);
		for (i = 0; i < after.n; i++)
			rows_take(&p->win, &after, i);
		/* Where the selection is, or the order after where it was. */
		for (i = 0; i < p->win.n; i++)
			if (strcmp(p->win.v[i].r.number, p->sel.r.number) == 0)
				break;
		rc = sel_row(p, i < p->win.n ? i : more.n + keep, err);
	}
	rows_free(&before);
	rows_free(&after);
	rows_free(&more);
	return rc;
}

enum od_code desk_page_window(struct desk_page *p, size_t n, size_t at,
			      size_t counts[ORDER_STATUS_COUNT + 1],
			      struct od_err *err)
{
	struct window_args wa = { n, at, counts };

	if (n == 0) {
		rows_clear(&p->win);
		return counts != NULL ? desk_page_counts(p, 0, counts, err) :
		       OD_OK;
	}
	return held(p, window, &wa, err);
}

size_t desk_page_count(const struct desk_page *p)
{
	return p->win.n;
}

const struct desk_row *desk_page_row(const struct desk_page *p, size_t i)
{
	return i < p->win.n ? &p->win.v[i].r : NULL;
}

size_t desk_page_selected(const struct desk_page *p)
{
	return p->sel_row;
}

/* Makes the last of rows the selection, if there is one. */
static enum od_code sel_last(struct desk_page *p, struct rows *rs)
{
	if (rs->n > 0) {
		prow_free(&p->sel);
		p->sel = rs->v[rs->n - 1];
		rs->n--;
	}
	rows_free(rs);
	return OD_OK;
}

/* Moves the selection by *(long *)arg rows (held store). */
static enum od_code move(struct desk_page *p, void *arg, struct od_err *err)
{
	long delta = *(long *)arg;
	struct rows rs = { 0 };
	enum od_code rc;

	if (p->sel.text == NULL)
		rc = fetch(p, delta < 0, NULL, 1, &rs, err);
	else
		rc = fetch(p, delta < 0, &p->sel,
			   (size_t)(delta < 0 ? -delta : delta), &rs, err);
	if (rc != OD_OK) {
		rows_free(&rs);
		return rc;
	}
	return sel_last(p, &rs);
}

enum od_code desk_page_move(struct desk_page *p, long delta,
			    struct od_err *err)
{
	(void)err;
	/* Done by the next window, in its hold: one per key press. */
	if (delta > 0)
		p->move = p->move > LONG_MAX - delta ? LONG_MAX :
			  p->move + delta;
	else if (delta < 0)
		p->move = p->move < LONG_MIN + 1 - delta ? LONG_MIN + 1 :
			  p->move + delta;
	return OD_OK;
}

/* Selects the first or last order (held store). */
static enum od_code home(struct desk_page *p, void *arg, struct od_err *err)
{
	struct rows rs = { 0 };
	enum od_code rc = fetch(p, *(int *)arg, NULL, 1, &rs, err);

	if (rc != OD_OK) {
		rows_free(&rs);
		return rc;
	}
	return sel_last(p, &rs);
}

enum od_code desk_page_home(struct desk_page *p, int end, struct od_err *err)
{
	(void)err;
	p->home = end ? 2 : 1;
	p->move = 0;
	return OD_OK;
}

/* Selects the order *arg names (held store). */
static enum od_code select_number(struct desk_page *p, void *arg,
				  struct od_err *err)
{
	struct rows rs = { 0 };
	enum od_code rc = store_page_one(p->d->sh->store, arg, rows_add, &rs,
					 err);

	if (rc == OD_OK && rs.n == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "no order %s",
				(const char *)arg);
	if (rc != OD_OK) {
		rows_free(&rs);
		return rc;
	}
	return sel_last(p, &rs);
}

enum od_code desk_page_select(struct desk_page *p, const char *number,
			      struct od_err *err)
{
	return held(p, select_number, (void *)number, err);
}

/* The counts (held store); arg is struct count_args. */
static enum od_code count(struct desk_page *p, void *arg, struct od_err *err)
{
	struct count_args *a = arg;
	struct store_page_filter f = { p->mode, a->open_return };
	enum od_code rc;
	size_t s;

	memset(a->counts, 0, (ORDER_STATUS_COUNT + 1) * sizeof *a->counts);
	if (p->none)
		return OD_OK;
	rc = store_page_counts(p->d->sh->store, &f, a->counts, err);
	for (s = 0; rc == OD_OK && s < ORDER_STATUS_COUNT; s++)
		a->counts[ORDER_STATUS_COUNT] += a->counts[s];
	return rc;
}

enum od_code desk_page_counts(struct desk_page *p, int open_return,
			      size_t counts[ORDER_STATUS_COUNT + 1],
			      struct od_err *err)
{
	struct count_args a = { open_return, counts };

	return held(p, count, &a, err);
}
