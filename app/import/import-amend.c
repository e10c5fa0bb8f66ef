/*
 * import-amend.c - an order edited in its storefront after it was placed
 * (an overlapping export or an orders/updated webhook whose items,
 * quantities or ship-to changed) becomes an order.amend, signed as the
 * storefront's other news is: the old value beside the new, as the desk's
 * own `orderdesk amend` writes it.  What an amendment cannot say (the
 * time, currency, shipping, tax, discount or a price changed) is refused
 * in words, as before.
 */
#include "app/import/import-amend.h"

#include <stdio.h>
#include <string.h>

#include "app/log/order.h"

/* The item of o with sku, or NULL; *twice when sku stands twice. */
static const struct order_item *item_of(const struct order *o,
					const char *sku, int *twice)
{
	const struct order_item *found = NULL;
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (strcmp(o->items[i].sku, sku) == 0) {
			if (found != NULL)
				*twice = 1;
			found = &o->items[i];
		}
	return found;
}

/* Whether a and b differ, NULL as "". */
static int differ(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* How many parts of have's ship-to o changes; -1 when it empties one
 * (an amendment gives each part a value). */
static int ship_to_changes(const struct order *have, const struct order *o)
{
	int n = 0;
	size_t i;

	n += differ(have->ship_name, o->ship_name);
	n += differ(have->city, o->city);
	n += differ(have->postcode, o->postcode);
	n += strcmp(have->country, o->country) != 0;
	n += have->nlines != o->nlines;
	for (i = 0; i < have->nlines && i < o->nlines; i++)
		n += differ(have->ship_lines[i], o->ship_lines[i]);
	if (n > 0 && (o->nlines == 0 || !o->ship_name || !o->ship_name[0] ||
		      !o->city || !o->city[0] || !o->country[0] ||
		      (differ(have->postcode, o->postcode) &&
		       (!o->postcode || !o->postcode[0]))))
		return -1;
	return n;
}

/* "order N is already in the shop with other ...: why; ..." */
#define OTHER "order %s is already in the shop with other items, figures " \
	"or time: "
#define ONLY "; orderdesk amends only items, quantities and the ship-to"

/* Refuses what an amendment cannot say; counts what it says in *n. */
static enum od_code amendable(const struct order *have, const struct order *o,
			      const char *src, int *n, struct od_err *err)
{
	const struct order_item *it;
	int twice = 0;
	size_t i;

	if (strcmp(have->placed_at, o->placed_at) != 0 ||
	    strcmp(have->currency, o->currency) != 0 ||
	    have->shipping != o->shipping || have->tax != o->tax ||
	    have->discount != o->discount)
		return od_err_set(err, OD_E_INPUT, OTHER "its time, currency, "
				  "shipping, tax or discount" ONLY " (is it "
				  "another storefront's order of the same "
				  "number?)", o->number);
	for (i = 0; i < o->nitems; i++) {
		it = item_of(have, o->items[i].sku, &twice);
		item_of(o, o->items[i].sku, &twice);
		if (twice)
			return od_err_set(err, OD_E_INPUT, OTHER "%s stands "
					  "on two lines in %s, which an "
					  "amendment cannot say", o->number,
					  o->items[i].sku, src);
		if (it != NULL && it->unit_price != o->items[i].unit_price)
			return od_err_set(err, OD_E_INPUT, OTHER "the price "
					  "of %s changed in %s" ONLY, o->number,
					  o->items[i].sku, src);
		*n += it == NULL || it->qty != o->items[i].qty;
	}
	for (i = 0; i < have->nitems; i++)
		*n += item_of(o, have->items[i].sku, &twice) == NULL;
	return OD_OK;
}

enum od_code import_amend_decide(struct store *s, const struct order *have,
				 const struct order *o, const char *src,
				 struct import_plan *p, struct od_err *err)
{
	int n = 0, ship = ship_to_changes(have, o), partly = 0;
	enum od_code rc = amendable(have, o, src, &n, err);
	size_t i;

	if (rc != OD_OK)
		return rc;
	if (n + ship == 0)
		return OD_OK;
	if (ship < 0)
		return od_err_set(err, OD_E_INPUT, OTHER "part of its ship-to "
				  "is empty in %s, which an amendment cannot "
				  "say", o->number, src);
	for (i = 0; i < have->nitems; i++)
		partly |= have->items[i].shipped > 0;
	if (partly || (have->status != ORDER_NEW &&
		       have->status != ORDER_CONFIRMED &&
		       have->status != ORDER_HELD))
		return od_err_set(err, OD_E_STATE, "order %s changed in %s "
				  "after it was %s here; orderdesk amends only "
				  "an order not yet shipped", o->number, src,
				  partly && have->status == ORDER_CONFIRMED
				  ? "partly shipped"
				  : order_status_name(have->status));
	p->steps[p->n++] = STMT_ORDER_AMEND;
	p->shop = s;
	return OD_OK;
}

/* FIELD's was-FIELD (when have had one) and FIELD, if they differ. */
static enum od_code part(struct statement *st, const char *field,
			 const char *old, const char *now, struct od_err *err)
{
	char was[32];
	enum od_code rc = OD_OK;

	if (!differ(old, now))
		return OD_OK;
	snprintf(was, sizeof was, "was-%s", field);
	if (old != NULL && old[0] != '\0')
		rc = statement_add(st, was, old, err);
	return rc == OD_OK ? statement_add(st, field, now, err) : rc;
}

/* The ship-to's parts that changed, old then new; lines as a whole. */
static enum od_code fill_ship_to(const struct order *have,
				 const struct order *o, struct statement *st,
				 struct od_err *err)
{
	enum od_code rc = part(st, "ship-name", have->ship_name, o->ship_name,
			       err);
	int lines = have->nlines != o->nlines;
	size_t i;

	for (i = 0; i < have->nlines && i < o->nlines; i++)
		lines |= differ(have->ship_lines[i], o->ship_lines[i]);
	for (i = 0; lines && rc == OD_OK && i < have->nlines; i++)
		rc = statement_add(st, "was-ship-line", have->ship_lines[i],
				   err);
	for (i = 0; lines && rc == OD_OK && i < o->nlines; i++)
		rc = statement_add(st, "ship-line", o->ship_lines[i], err);
	if (rc == OD_OK)
		rc = part(st, "ship-city", have->city, o->city, err);
	if (rc == OD_OK)
		rc = part(st, "ship-postcode", have->postcode, o->postcode, err);
	if (rc == OD_OK)
		rc = part(st, "ship-country", have->country, o->country, err);
	return rc;
}

/* Pass 0 the was-items, pass 1 the items: quantities changed, then
 * those taken out (0); pass 2 the items added. */
static enum od_code fill_pass(const struct order *have, const struct order *o,
			      int pass, struct statement *st, int *any,
			      struct od_err *err)
{
	static const char *const names[] = { "was-item", "item", "add-item" };
	const struct order_item *it;
	char v[1024];
	enum od_code rc = OD_OK;
	int twice = 0;
	size_t i;

	for (i = 0; i < o->nitems && rc == OD_OK; i++) {
		it = item_of(have, o->items[i].sku, &twice);
		if ((pass == 2) != (it == NULL) ||
		    (it != NULL && it->qty == o->items[i].qty))
			continue;
		if (pass == 2)
			snprintf(v, sizeof v, "%s %lld %lld %s",
				 o->items[i].sku, o->items[i].qty,
				 o->items[i].unit_price, o->items[i].name);
		else
			snprintf(v, sizeof v, "%s %lld", o->items[i].sku,
				 pass ? o->items[i].qty : it->qty);
		rc = statement_add(st, names[pass], v, err);
		*any = 1;
	}
	for (i = 0; pass < 2 && i < have->nitems && rc == OD_OK; i++) {
		if (item_of(o, have->items[i].sku, &twice) != NULL)
			continue;
		snprintf(v, sizeof v, "%s %lld", have->items[i].sku,
			 pass ? 0 : have->items[i].qty);
		rc = statement_add(st, names[pass], v, err);
		*any = 1;
	}
	return rc;
}

enum od_code import_amend_fill(struct store *s, const struct order *o,
			       struct statement *st, struct od_err *err)
{
	struct order *have = NULL;
	char total[24];
	int pass, any = 0;
	enum od_code rc = store_order_get(s, o->number, &have, err);

	if (rc == OD_OK)
		rc = fill_ship_to(have, o, st, err);
	for (pass = 0; pass < 3 && rc == OD_OK; pass++)
		rc = fill_pass(have, o, pass, st, &any, err);
	if (rc == OD_OK && any) {
		snprintf(total, sizeof total, "%lld", have->total);
		rc = statement_add(st, "was-total", total, err);
		snprintf(total, sizeof total, "%lld", o->total);
		if (rc == OD_OK)
			rc = statement_add(st, "total", total, err);
	}
	order_free(have);
	return rc;
}
