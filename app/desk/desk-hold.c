/*
 * desk-hold.c - holds as the desk shows them: Shopify's fixed reasons
 * (awaiting payment, high risk of fraud, incorrect address, out of stock,
 * other), the reason text the desk signs for one, and which held orders
 * fall under which reason.  The statement is the CLI's: order.hold with a
 * free-text reason (`orderdesk hold N --reason TEXT`); the desk writes
 * "REASON" or "REASON: DETAILS", and a reason written any other way (from
 * the command line) counts as "other".
 */
#include "app/desk/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/desk/desk-internal.h"
#include "storage/store-numbers.h"
#include "storage/store.h"

const char *const desk_hold_reasons[DESK_HOLD_REASONS + 1] = {
	"awaiting payment", "high risk of fraud", "incorrect address",
	"out of stock", "other", NULL,
};

size_t desk_hold_kind(const char *reason)
{
	size_t i, n;

	for (i = 0; reason != NULL && i + 1 < DESK_HOLD_REASONS; i++) {
		n = strlen(desk_hold_reasons[i]);
		if (strncasecmp(reason, desk_hold_reasons[i], n) == 0 &&
		    (reason[n] == '\0' || reason[n] == ':'))
			return i;
	}
	return DESK_HOLD_REASONS - 1;
}

void desk_hold_text(size_t kind, const char *details, char *out,
		    size_t size)
{
	if (kind >= DESK_HOLD_REASONS)
		kind = DESK_HOLD_REASONS - 1;
	if (details != NULL && details[0] != '\0')
		snprintf(out, size, "%s: %s", desk_hold_reasons[kind],
			 details);
	else
		snprintf(out, size, "%s", desk_hold_reasons[kind]);
}

/* Adds held order o, with its reason, to h. */
static enum od_code hold_add(struct desk_holds *h, const struct order *o,
			     struct od_err *err)
{
	struct desk_held *x;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;

		x = realloc(h->h, cap * sizeof *x);
		if (x == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		h->h = x;
		h->cap = cap;
	}
	x = &h->h[h->n];
	snprintf(x->number, sizeof x->number, "%s", o->number);
	x->reason = strdup(o->reason ? o->reason : "");
	if (x->reason == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	x->kind = desk_hold_kind(x->reason);
	h->count[x->kind]++;
	h->n++;
	return OD_OK;
}

static int by_number(const void *a, const void *b)
{
	return strcmp(((const struct desk_held *)a)->number,
		      ((const struct desk_held *)b)->number);
}

/* The held orders' numbers, as the store lists them. */
struct held_numbers {
	char (*v)[STMT_ORDER_MAX + 1];
	size_t n, cap;
};

static enum od_code held_number(void *ctx, const char *number,
				struct od_err *err)
{
	struct held_numbers *hn = ctx;
	char (*v)[STMT_ORDER_MAX + 1];

	if (hn->n == hn->cap) {
		hn->cap = hn->cap ? hn->cap * 2 : 64;
		v = realloc(hn->v, hn->cap * sizeof *v);
		if (v == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		hn->v = v;
	}
	snprintf(hn->v[hn->n++], sizeof hn->v[0], "%s", number);
	return OD_OK;
}

/*
 * The held orders come from the store's status index (not from the index
 * of every order in memory, which the desk may not have read), then each
 * one's reason from its row: the cost is the held orders', whatever the
 * shop's size.
 */
static enum od_code read_holds(struct desk *d, struct desk_holds *h,
			       struct od_err *err)
{
	struct store *s = desk_shop(d)->store;
	struct held_numbers hn = { NULL, 0, 0 };
	struct order *o;
	enum od_code rc;
	size_t i;

	rc = store_numbers_status(s, ORDER_HELD, held_number, &hn, err);
	for (i = 0; i < hn.n && rc == OD_OK; i++) {
		o = NULL;
		rc = store_order_get(s, hn.v[i], &o, err);
		/* Released between the two reads: not held now. */
		if (rc == OD_E_NOTFOUND ||
		    (rc == OD_OK && o->status != ORDER_HELD))
			rc = OD_OK;
		else if (rc == OD_OK)
			rc = hold_add(h, o, err);
		record_order_free(o);
	}
	free(hn.v);
	if (rc == OD_OK && h->n > 1)
		qsort(h->h, h->n, sizeof *h->h, by_number);
	return rc;
}

enum od_code desk_holds(struct desk *d, struct desk_holds **out,
			struct od_err *err)
{
	struct desk_holds *h;
	enum od_code rc;

	*out = NULL;
	h = calloc(1, sizeof *h);
	if (h == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = read_holds(d, h, err);
		shop_release(desk_shop(d));
	}
	if (rc != OD_OK) {
		desk_holds_free(h);
		return rc;
	}
	*out = h;
	return OD_OK;
}

const struct desk_held *desk_holds_find(const struct desk_holds *h,
					const char *number)
{
	size_t lo = 0, hi = h ? h->n : 0, mid;
	int c;

	/* By number, byte order, as read_holds sorts them. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(h->h[mid].number, number);
		if (c == 0)
			return &h->h[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void desk_holds_free(struct desk_holds *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		free(h->h[i].reason);
	free(h->h);
	free(h);
}
