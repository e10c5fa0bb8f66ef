/*
 * desk-page.c - the list as a window read from the store (desk-page.h):
 * the window around the selection, moves, the search and the counts, each
 * call in one hold of the store (rows: desk-page-rows.c).
 */
#include "app/desk/desk-page.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/desk/desk-page-internal.h"
#include "lib/utf8.h"
#include "storage/store-page.h"
#include "storage/store-search.h"

/*
 * Makes the search's query if it changed, and reads its hits into the
 * connection (held store): one pass of the hits whatever the call then
 * reads, and none while the search, the connection (kept open between
 * keys: shop_keep_store) and what it shows are as they were.
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
		p->hits_ok = 0;
	}
	if (p->hits_ok && p->hits_gen == p->d->sh->kept_gen)
		return OD_OK;
	p->mode = 0;
	p->hits_ok = 0;
	if (p->expr.len > 0)
		rc = store_page_hits(s, p->expr.data, &p->mode, &p->hits,
				     err);
	p->hits_ok = rc == OD_OK;
	p->hits_gen = p->d->sh->kept_gen;
	return rc;
}

/*
 * Makes the sort's index the first time it is asked for (the customer's
 * and the total's: store-page.h), letting go of the read hold to take the
 * store to write meanwhile (waiting, once: seconds at a million orders).
 */
static enum od_code index_ready(struct desk_page *p, struct od_err *err)
{
	struct desk *d = p->d;
	int flip, yes;
	enum store_page_sort sort = page_store_sort(p, &flip);
	enum od_code rc;

	if (p->indexed & (1u << sort))
		return OD_OK;
	rc = store_page_index_has(d->sh->store, sort, &yes, err);
	if (rc == OD_OK && !yes) {
		shop_release(d->sh);
		rc = desk_hold(d, SHOP_WRITE, err);
		if (rc == OD_OK)
			rc = store_page_index_make(d->sh->store, sort, err);
		if (d->sh != NULL)
			shop_release(d->sh);
		if (rc == OD_OK)
			rc = desk_hold_now(d, SHOP_READ, err);
	}
	if (rc == OD_OK)
		p->indexed |= 1u << sort;
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
	/* Every key reads: the store stays open between them. */
	if (!d->sh->keep)
		shop_keep_store(d->sh, 1);
	if (!was && (rc = desk_hold_now(d, SHOP_READ, err)) != OD_OK)
		return rc;
	rc = was ? OD_OK : index_ready(p, err);
	if (rc == OD_OK)
		rc = search_ready(p, err);
	if (rc == OD_OK)
		rc = fn(p, arg, err);
	if (!was && d->sh != NULL)
		shop_release(d->sh);
	return rc;
}

enum od_code page_held(struct desk_page *p, page_fn fn, void *arg,
		       struct od_err *err)
{
	return held(p, fn, arg, err);
}

/* Whether the kept position is the selection's in the store as it is. */
int page_pos_valid(const struct desk_page *p)
{
	return p->pos_ok && p->sel.text != NULL &&
	       p->pos_gen == p->d->sh->kept_gen &&
	       strcmp(p->pos_number, p->sel.r.number) == 0;
}

void page_pos_forget(struct desk_page *p)
{
	p->pos_ok = 0;
}

/* Held store: the gen is the store's as it is now. */
void page_pos_set(struct desk_page *p, size_t n)
{
	if (p->sel.text == NULL || p->d->sh == NULL) {
		p->pos_ok = 0;
		return;
	}
	p->pos = n;
	p->pos_ok = 1;
	p->pos_gen = p->d->sh->kept_gen;
	snprintf(p->pos_number, sizeof p->pos_number, "%s", p->sel.r.number);
}

/*
 * Held store, before the selection moves to the row delta away: the kept
 * position moved with it (1: page_pos_set it once the row is selected),
 * or forgotten (0).
 */
int page_pos_moved(struct desk_page *p, long delta)
{
	if (!page_pos_valid(p) || (delta < 0 && (size_t)-delta > p->pos)) {
		p->pos_ok = 0;
		return 0;
	}
	p->pos = delta < 0 ? p->pos - (size_t)-delta : p->pos + (size_t)delta;
	return 1;
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
	page_rows_free(&p->win);
	page_prow_free(&p->sel);
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
	page_pos_forget(p);
	return OD_OK;
}

/* The selection as the store has it now (status and all may change). */
static enum od_code sel_fresh(struct desk_page *p, struct od_err *err)
{
	struct rows one = { 0 };
	enum od_code rc = store_page_one(p->d->sh->store, p->sel.r.number,
					 page_rows_add, &one, err);

	if (rc == OD_OK && one.n == 1) {
		page_prow_free(&p->sel);
		p->sel = one.v[0];
		one.n = 0;
	}
	page_rows_free(&one);
	return rc;
}

/* Selects window row i (the first row when i is past the end). */
static enum od_code sel_row(struct desk_page *p, size_t i, struct od_err *err)
{
	struct order_brief b;

	if (p->win.n == 0) {
		page_prow_free(&p->sel);
		p->sel_row = 0;
		return OD_OK;
	}
	if (i >= p->win.n)
		i = p->win.n - 1;
	p->sel_row = i;
	if (p->sel.text != NULL && p->sel.text == p->win.v[i].text)
		return OD_OK;
	page_prow_key(&p->win.v[i], &b);
	b.nitems = p->win.v[i].r.nitems;
	return page_prow_set(&p->sel, &b, err);
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

	page_rows_clear(&p->win);
	if (rc == OD_OK && wa->counts != NULL)
		rc = count(p, &(struct count_args){ 0, wa->counts }, err);
	if (rc != OD_OK)
		return rc;
	if (p->sel.text == NULL) {
		rc = page_fetch(p, 0, NULL, n, &p->win, err);
		if (rc == OD_OK)
			rc = sel_row(p, 0, err);
		return rc;
	}
	rc = sel_fresh(p, err);
	if (rc == OD_OK)
		rc = page_fetch(p, 1, &p->sel, at ? at : 1, &before, err);
	keep = at ? before.n : 0;
	from = before.n ? &before.v[0] : NULL;
	if (rc == OD_OK)
		rc = page_fetch(p, 0, from, n - keep, &after, err);
	if (rc == OD_OK && keep + after.n < n && keep == at) {
		/* Nothing kept or read after: the selection left the list
		 * past its end, which then ends the window. */
		from = keep ? &before.v[keep - 1] : after.n ? &after.v[0] :
		       &p->sel;
		rc = page_fetch(p, 1, from, n - keep - after.n, &more, err);
	}
	if (rc == OD_OK)
		rc = page_rows_room(&p->win, more.n + keep + after.n, err);
	if (rc == OD_OK) {
		for (i = more.n; i-- > 0;)
			page_rows_take(&p->win, &more, i);
		for (i = keep; i-- > 0;)
			page_rows_take(&p->win, &before, i);
		for (i = 0; i < after.n; i++)
			page_rows_take(&p->win, &after, i);
		/* Where the selection is, or the order after where it was. */
		for (i = 0; i < p->win.n; i++)
			if (strcmp(p->win.v[i].r.number, p->sel.r.number) == 0)
				break;
		rc = sel_row(p, i < p->win.n ? i : more.n + keep, err);
	}
	page_rows_free(&before);
	page_rows_free(&after);
	page_rows_free(&more);
	return rc;
}

enum od_code desk_page_window(struct desk_page *p, size_t n, size_t at,
			      size_t counts[ORDER_STATUS_COUNT + 1],
			      struct od_err *err)
{
	struct window_args wa = { n, at, counts };

	if (n == 0) {
		page_rows_clear(&p->win);
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

int desk_page_capped(const struct desk_page *p)
{
	return p->capped;
}

/* Makes the last of rows the selection, if there is one. */
static enum od_code sel_last(struct desk_page *p, struct rows *rs)
{
	if (rs->n > 0) {
		page_prow_free(&p->sel);
		p->sel = rs->v[rs->n - 1];
		rs->n--;
	}
	page_rows_free(rs);
	return OD_OK;
}

/* Moves the selection by *(long *)arg rows (held store). */
static enum od_code move(struct desk_page *p, void *arg, struct od_err *err)
{
	long delta = *(long *)arg;
	struct rows rs = { 0 };
	enum od_code rc;
	int kept;

	if (p->sel.text == NULL)
		rc = page_fetch(p, delta < 0, NULL, 1, &rs, err);
	else
		rc = page_fetch(p, delta < 0, &p->sel,
			   (size_t)(delta < 0 ? -delta : delta), &rs, err);
	if (rc != OD_OK) {
		page_rows_free(&rs);
		return rc;
	}
	/* The selection moves as many rows as were read. */
	kept = p->sel.text != NULL && rs.n > 0 &&
	       page_pos_moved(p, delta < 0 ? -(long)rs.n : (long)rs.n);
	if (p->sel.text == NULL && rs.n > 0)
		page_pos_forget(p);
	rc = sel_last(p, &rs);
	if (kept)
		page_pos_set(p, p->pos);
	return rc;
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

/*
 * The last order's position: the tab's count less one, from the counts
 * the store keeps (a count of the rows before it walks the whole list:
 * a second at 1M, cold); a search counted only so far, a count after
 * all (desk_page_position).
 */
static enum od_code pos_at_end(struct desk_page *p, struct od_err *err)
{
	size_t counts[ORDER_STATUS_COUNT + 1], n = 0;
	struct count_args a = { p->tab.open_return, counts };
	enum od_code rc = count(p, &a, err);
	int s;

	page_pos_forget(p);
	if (rc != OD_OK || p->capped || p->sel.text == NULL)
		return rc;
	for (s = 0; s < ORDER_STATUS_COUNT; s++)
		if (p->tab.statuses == 0 || (p->tab.statuses & (1u << s)))
			n += counts[s];
	if (n > 0)
		page_pos_set(p, n - 1);
	return OD_OK;
}

/* Selects the first or last order (held store). */
static enum od_code home(struct desk_page *p, void *arg, struct od_err *err)
{
	struct rows rs = { 0 };
	enum od_code rc = page_fetch(p, *(int *)arg, NULL, 1, &rs, err);

	if (rc != OD_OK) {
		page_rows_free(&rs);
		return rc;
	}
	rc = sel_last(p, &rs);
	/* The first order has none before it; the last, all but itself. */
	if (rc == OD_OK && *(int *)arg)
		rc = pos_at_end(p, err);
	else if (rc == OD_OK)
		page_pos_set(p, 0);
	return rc;
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
	enum od_code rc = store_page_one(p->d->sh->store, arg, page_rows_add,
					 &rs, err);

	if (rc == OD_OK && rs.n == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "no order %s",
				(const char *)arg);
	if (rc != OD_OK) {
		page_rows_free(&rs);
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
	struct store_page_filter f = { p->mode, a->open_return, p->expr.data,
				       p->hits, 0 };
	enum od_code rc;
	size_t s;

	memset(a->counts, 0, (ORDER_STATUS_COUNT + 1) * sizeof *a->counts);
	p->capped = 0;
	if (p->none)
		return OD_OK;
	rc = store_page_counts(p->d->sh->store, &f, a->counts, &p->capped,
			       err);
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
