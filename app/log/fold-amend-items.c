/*
 * fold-amend-items.c - the items of an order.amend: a quantity changed
 * (was-item "SKU OLD", item "SKU NEW"), an item taken out (NEW 0) or one
 * added (add-item "SKU QTY PRICE NAME", a SKU the order does not have),
 * with the total before and after.  An order keeps at least one item and
 * never falls below what was paid for it.
 */
#include "app/log/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"
#include "lib/format.h"

/* Reads "SKU QTY" (the statement module checked its form). */
static void split_item(const char *v, char *sku, size_t cap, long long *qty)
{
	size_t n = strcspn(v, " ");

	snprintf(sku, cap, "%.*s", (int)n, v);
	*qty = strtoll(v + n, NULL, 10);
}

/* The item of o with sku, or NULL. */
static struct order_item *item_of(struct order *o, const char *sku)
{
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (strcmp(o->items[i].sku, sku) == 0)
			return &o->items[i];
	return NULL;
}

/* Checks one was-item/item pair against o and sets the new quantity. */
static enum od_code amend_item(struct order *o, const char *was,
			       const char *now, struct od_err *err)
{
	char sku[ORDER_SKU_MAX + 1], sku2[ORDER_SKU_MAX + 1];
	long long old, qty;
	struct order_item *it;

	split_item(was, sku, sizeof sku, &old);
	split_item(now, sku2, sizeof sku2, &qty);
	if (strcmp(sku, sku2) != 0)
		return od_err_set(err, OD_E_INPUT, "was-item %s and item %s "
				  "are not the same SKU", sku, sku2);
	if ((it = item_of(o, sku)) == NULL)
		return od_err_set(err, OD_E_NOTFOUND, "order %s has no item "
				  "%s", o->number, sku);
	if (it->qty != old)
		return od_err_set(err, OD_E_STATE, "order %s has %lld of %s, "
				  "not %lld as the amendment says; amend what "
				  "it is now", o->number, it->qty, sku, old);
	if (qty == old)
		return od_err_set(err, OD_E_INPUT, "order %s already has %lld "
				  "of %s", o->number, qty, sku);
	it->qty = qty;
	return OD_OK;
}

/* Appends the add-item "SKU QTY PRICE NAME" v to o's items. */
static enum od_code add_item(struct order *o, const char *v,
			     struct od_err *err)
{
	struct order_item it, *grown;
	char sku[ORDER_SKU_MAX + 1];
	char *end;
	size_t n = strcspn(v, " ");

	snprintf(sku, sizeof sku, "%.*s", (int)n, v);
	if (item_of(o, sku) != NULL)
		return od_err_set(err, OD_E_STATE, "order %s has %s already; "
				  "change its quantity instead", o->number,
				  sku);
	memset(&it, 0, sizeof it);
	it.qty = strtoll(v + n + 1, &end, 10);
	it.unit_price = strtoll(end + 1, &end, 10);
	it.sku = strdup(sku);
	it.name = strdup(end + 1);
	grown = realloc(o->items, (o->nitems + 1) * sizeof *o->items);
	if (it.sku == NULL || it.name == NULL || grown == NULL) {
		free(it.sku);
		free(it.name);
		if (grown != NULL)
			o->items = grown;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	o->items = grown;
	o->items[o->nitems++] = it;
	return OD_OK;
}

/* The total the items, shipping, tax and discount of o make. */
static long long items_total(const struct order *o)
{
	long long t = o->shipping + o->tax - o->discount;
	size_t i;

	for (i = 0; i < o->nitems; i++)
		t += o->items[i].qty * o->items[i].unit_price;
	return t;
}

/* Checks the totals the amendment gives, an item left, no more paid. */
static enum od_code check_total(const struct statement *st,
				const struct order *o, long long old,
				long long now, struct od_err *err)
{
	const char *was = statement_get(st, "was-total");
	const char *v = statement_get(st, "total");
	char a[48], b[48];
	size_t i, left = 0;

	format_money(now, o->currency, a, sizeof a);
	if (was == NULL || v == NULL || strtoll(was, NULL, 10) != old ||
	    strtoll(v, NULL, 10) != now)
		return od_err_set(err, OD_E_INPUT, "an amendment of items "
				  "gives the total before (%lld) and after "
				  "(%lld)", old, now);
	for (i = 0; i < o->nitems; i++)
		left += o->items[i].qty > 0;
	if (left == 0)
		return od_err_set(err, OD_E_STATE, "order %s would have no "
				  "items left; cancel it instead", o->number);
	if (o->paid - o->refunded > now) {
		format_money(o->paid - o->refunded, o->currency, b, sizeof b);
		return od_err_set(err, OD_E_STATE, "order %s has %s paid; the "
				  "new total %s is less: refund first",
				  o->number, b, a);
	}
	return OD_OK;
}

/* Writes o's items as amended: quantities, items out, items added. */
static enum od_code store_items(struct store *s, struct order *o,
				size_t before, struct od_err *err)
{
	long long total = items_total(o);
	enum od_code rc = OD_OK;
	size_t i, k = 0;

	for (i = 0; i < o->nitems && rc == OD_OK; i++) {
		if (i >= before)
			rc = store_order_add_item(s, o->number, &o->items[i],
						  total, err);
		else if (o->items[i].qty == 0)
			rc = store_order_remove_item(s, o->number,
						     o->items[i].sku, total,
						     err);
		else
			rc = store_order_set_qty(s, o->number,
						 o->items[i].sku,
						 o->items[i].qty, total, err);
	}
	/* The order in memory as stored, for its search text. */
	for (i = 0; i < o->nitems; i++) {
		if (o->items[i].qty > 0) {
			o->items[k++] = o->items[i];
			continue;
		}
		free(o->items[i].sku);
		free(o->items[i].name);
	}
	o->nitems = k;
	return rc;
}

enum od_code fold_amend_items(struct store *s, const struct statement *st,
			      struct order *o, int *changed,
			      struct od_err *err)
{
	const char *was[STMT_MAX_FIELDS], *now[STMT_MAX_FIELDS];
	size_t i, nwas = 0, nnow = 0, before = o->nitems;
	long long old = o->total;
	int added = 0;
	enum od_code rc = OD_OK;

	for (i = 0; i < st->nfields; i++) {
		if (strcmp(st->fields[i].name, "was-item") == 0)
			was[nwas++] = st->fields[i].value;
		else if (strcmp(st->fields[i].name, "item") == 0)
			now[nnow++] = st->fields[i].value;
		else if (strcmp(st->fields[i].name, "add-item") == 0)
			added++;
	}
	if (nwas != nnow)
		return od_err_set(err, OD_E_INPUT, "each item needs its "
				  "was-item");
	if (nnow == 0 && added == 0)
		return statement_get(st, "total") || statement_get(st,
								   "was-total")
		       ? od_err_set(err, OD_E_INPUT, "a total changes only "
				    "with items") : OD_OK;
	if (o->refunded > 0)
		return od_err_set(err, OD_E_STATE, "order %s has refunds; its "
				  "items cannot be amended", o->number);
	for (i = 0; i < nnow && rc == OD_OK; i++)
		rc = amend_item(o, was[i], now[i], err);
	for (i = 0; i < st->nfields && rc == OD_OK; i++)
		if (strcmp(st->fields[i].name, "add-item") == 0)
			rc = add_item(o, st->fields[i].value, err);
	if (rc == OD_OK)
		rc = check_total(st, o, old, items_total(o), err);
	if (rc == OD_OK)
		rc = store_items(s, o, before, err);
	if (rc == OD_OK)
		(*changed)++;
	return rc;
}
