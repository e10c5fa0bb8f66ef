/*
 * import-shopify-json.c - a Shopify order object (REST Admin API, and the
 * body of its order webhooks) as an orderdesk order; field by field in
 * assets/import-format.md, "Shopify order JSON".
 *
 * The quirks are those of the CSV export (import-shopify.c) in another
 * shape: `name` "#1001" is the number the merchant knows (kept without the
 * '#', so a webhook and an export of one order agree), money is decimal
 * strings, `created_at` a local time with its offset, the same SKU may
 * stand on two lines (Shopify's own sample does), an item may have no
 * SKU, and an order without shipping has no shipping_address (and gets no
 * ship-to, as in the CSV).  Unknown keys are ignored.
 */
#include "app/import/import-shopify-json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import-ship-to.h"
#include "app/import/import-shopify-refunds.h"

/* The string at key of obj, "" when absent, null or not a string. */
static const char *jstr(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* A decimal string at key of obj in minor units; absent or null is 0. */
static enum od_code money(const char *pfx, json_t *obj, const char *key,
			  const char *currency, long long *v,
			  struct od_err *err)
{
	json_t *j = json_object_get(obj, key);

	*v = 0;
	if (j == NULL || json_is_null(j))
		return OD_OK;
	if (!json_is_string(j))
		return od_err_set(err, OD_E_INPUT, "%s: %s: must be an amount "
				  "as a string (\"29.35\")", pfx, key);
	return import_decimal(pfx, key, json_string_value(j), currency, v,
			      err);
}

/* "first last" of an address or customer, or its "name". */
static enum od_code person(json_t *a, char **out, struct od_err *err)
{
	char buf[2 * ORDER_TEXT_MAX + 2];

	if (jstr(a, "name")[0] != '\0')
		return import_dup(jstr(a, "name"), out, err);
	snprintf(buf, sizeof buf, "%s %s", jstr(a, "first_name"),
		 jstr(a, "last_name"));
	return import_dup(strcmp(buf, " ") == 0 ? jstr(a, "company") : buf,
			  out, err);
}

/* The customer: billing name, else the customer's; email and phone. */
static enum od_code customer(json_t *jo, struct order *o, struct od_err *err)
{
	json_t *b = json_object_get(jo, "billing_address");
	const char *email = jstr(jo, "email"), *phone = jstr(jo, "phone");
	enum od_code rc;

	rc = person(b, &o->customer_name, err);
	if (rc == OD_OK && o->customer_name[0] == '\0') {
		free(o->customer_name);
		rc = person(json_object_get(jo, "customer"),
			    &o->customer_name, err);
	}
	if (email[0] == '\0')
		email = jstr(jo, "contact_email");
	if (phone[0] == '\0')
		phone = jstr(b, "phone");
	if (rc == OD_OK)
		rc = import_dup(email, &o->email, err);
	if (rc == OD_OK)
		rc = import_dup(phone, &o->phone, err);
	return rc;
}

/* Whether a line item needs shipping (requires_shipping; absent: yes). */
static int needs_shipping(json_t *jo)
{
	json_t *li = json_object_get(jo, "line_items");
	size_t i;

	for (i = 0; i < json_array_size(li); i++)
		if (!json_is_false(json_object_get(json_array_get(li, i),
						   "requires_shipping")))
			return 1;
	return 0;
}

/*
 * The ship-to: shipping_address.  An order that needs no shipping (no
 * line requires it: a gift card, a download) has none, and gets none: the
 * billing address never stands in for it.
 */
static enum od_code ship_to(json_t *jo, struct order *o, struct od_err *err)
{
	json_t *a = json_object_get(jo, "shipping_address");
	char city[2 * ORDER_TEXT_MAX + 3];
	const char *prov;
	enum od_code rc;

	if (!needs_shipping(jo) ||
	    import_ship_to_empty(jstr(a, "address1"), jstr(a, "city"),
				 jstr(a, "country_code")))
		return import_ship_to_none(o, err);
	prov = jstr(a, "province_code")[0] != '\0' ?
	       jstr(a, "province_code") : jstr(a, "province");
	rc = person(a, &o->ship_name, err);
	if (rc == OD_OK && o->ship_name[0] == '\0') {
		free(o->ship_name);
		rc = import_dup(o->customer_name, &o->ship_name, err);
	}
	if (rc == OD_OK)
		rc = import_dup(jstr(a, "address1"), &o->ship_lines[0], err);
	o->nlines = 1;
	if (rc == OD_OK && jstr(a, "address2")[0] != '\0') {
		rc = import_dup(jstr(a, "address2"), &o->ship_lines[1], err);
		o->nlines = 2;
	}
	snprintf(city, sizeof city, prov[0] != '\0' ? "%s, %s" : "%s",
		 jstr(a, "city"), prov);
	if (rc == OD_OK)
		rc = import_dup(city, &o->city, err);
	if (rc == OD_OK)
		rc = import_dup(jstr(a, "zip"), &o->postcode, err);
	snprintf(o->country, sizeof o->country, "%.2s",
		 jstr(a, "country_code"));
	return rc;
}

/* One of line_items: quantity, price (per unit), sku or one derived. */
static enum od_code item(const char *pfx, json_t *li, size_t n,
			 struct order *o, struct od_err *err)
{
	struct order_item *it;
	char where[PFX_MAX + 48];
	json_t *q = json_object_get(li, "quantity");
	const char *name = jstr(li, "name");
	enum od_code rc;

	snprintf(where, sizeof where, "%s: line_items[%zu]", pfx, n);
	rc = import_item_room(o, pfx, err);
	if (rc != OD_OK)
		return rc;
	it = &o->items[o->nitems];
	if (!json_is_integer(q) || json_integer_value(q) < 1 ||
	    json_integer_value(q) > ORDER_MAX_QTY)
		return od_err_set(err, OD_E_INPUT, "%s: quantity: must be a "
				  "whole number from 1 to %d", where,
				  ORDER_MAX_QTY);
	it->qty = json_integer_value(q);
	rc = money(where, li, "price", o->currency, &it->unit_price, err);
	if (rc == OD_OK)
		rc = import_one_line(name[0] != '\0' ? name :
				     jstr(li, "title"), &it->name, err);
	if (rc != OD_OK)
		return rc;
	o->nitems++;
	return import_item_sku(it, jstr(li, "sku"), err);
}

/* The items; lines of one SKU made one (import_merge_skus). */
static enum od_code items(const char *pfx, json_t *jo, struct order *o,
			  struct od_err *err)
{
	json_t *li = json_object_get(jo, "line_items");
	enum od_code rc = OD_OK;
	size_t i;

	if (!json_is_array(li) || json_array_size(li) == 0)
		return od_err_set(err, OD_E_INPUT, "%s: line_items: must be "
				  "an array of at least one item", pfx);
	for (i = 0; rc == OD_OK && i < json_array_size(li); i++)
		rc = item(pfx, json_array_get(li, i), i, o, err);
	if (rc == OD_OK)
		rc = import_merge_skus(o, err);
	return rc;
}

/* Shipping: total_shipping_price_set's shop money, else shipping_lines. */
static enum od_code shipping(const char *pfx, json_t *jo, struct order *o,
			     struct od_err *err)
{
	json_t *set = json_object_get(json_object_get(jo,
				"total_shipping_price_set"), "shop_money");
	json_t *sl = json_object_get(jo, "shipping_lines");
	long long v;
	enum od_code rc = OD_OK;
	size_t i;

	if (set != NULL)
		return money(pfx, set, "amount", o->currency, &o->shipping,
			     err);
	o->shipping = 0;
	for (i = 0; rc == OD_OK && i < json_array_size(sl); i++) {
		rc = money(pfx, json_array_get(sl, i), "price", o->currency,
			   &v, err);
		o->shipping += v;
	}
	return rc;
}

/* financial_status to how the order arrived (as the CSV's column). */
static enum od_code financial(const char *pfx, json_t *jo, struct order *o,
			      struct od_err *err)
{
	static const char *const names[] = {
		"paid", "partially_refunded", "refunded", "authorized",
		"pending", "partially_paid", "voided", "expired", "",
	};
	const char *f = jstr(jo, "financial_status");
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(f, names[i]) == 0)
			break;
	if (i == sizeof names / sizeof names[0])
		return od_err_set(err, OD_E_INPUT, "%s: financial_status: must "
				  "be pending, authorized, paid, "
				  "partially_paid, partially_refunded, "
				  "refunded or voided", pfx);
	o->arrival = i < 3 ? ARRIVAL_PAID : i == 3 ? ARRIVAL_AUTHORIZED :
		     ARRIVAL_UNPAID;
	return OD_OK;
}

/* The figures: tax inside the prices (taxes_included) is not added. */
static enum od_code figures(const char *pfx, json_t *jo, struct order *o,
			    struct od_err *err)
{
	enum od_code rc;

	rc = shipping(pfx, jo, o, err);
	if (rc == OD_OK)
		rc = money(pfx, jo, "total_tax", o->currency, &o->tax, err);
	if (rc == OD_OK && json_is_true(json_object_get(jo, "taxes_included")))
		o->tax = 0;
	if (rc == OD_OK)
		rc = money(pfx, jo, "total_discounts", o->currency,
			   &o->discount, err);
	if (rc == OD_OK)
		rc = money(pfx, jo, "total_price", o->currency, &o->total,
			   err);
	return rc;
}

/* The number: name without its '#', else order_number. */
static enum od_code number(json_t *jo, struct order *o, struct od_err *err)
{
	const char *name = jstr(jo, "name");
	json_t *n = json_object_get(jo, "order_number");
	char buf[24];
	struct od_err e;
	enum od_code rc;

	if (name[0] == '\0' && json_is_integer(n)) {
		snprintf(buf, sizeof buf, "%lld",
			 (long long)json_integer_value(n));
		name = buf;
	}
	if (name[0] == '\0')
		return od_err_set(err, OD_E_INPUT, "the Shopify order has "
				  "neither a name nor an order_number");
	rc = import_dup(name[0] == '#' ? name + 1 : name, &o->number, err);
	od_err_clear(&e);
	if (rc == OD_OK && order_number_check(o->number, &e) != OD_OK)
		rc = od_err_set(err, OD_E_INPUT, "the Shopify order's name: %s",
				e.msg);
	return rc;
}

enum od_code import_shopify_json_order(json_t *jo, struct order **out,
				       struct import_meta *m,
				       struct od_err *err)
{
	char pfx[PFX_MAX], when[21], id[24] = "";
	struct order *o;
	enum od_code rc;

	*out = NULL;
	m->cancelled = 0;
	m->refunded = 0;
	m->source_id[0] = '\0';
	if (!json_is_object(jo) || json_object_get(jo, "line_items") == NULL)
		return od_err_set(err, OD_E_INPUT, "the body is not a Shopify "
				  "order (an object with line_items)");
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = number(jo, o, err);
	if (rc != OD_OK)
		goto out;
	snprintf(pfx, sizeof pfx, "order %s", o->number);
	snprintf(o->currency, sizeof o->currency, "%.3s",
		 jstr(jo, "currency"));
	if ((rc = import_utc_time(pfx, "created_at", jstr(jo, "created_at"),
				  when, err)) != OD_OK ||
	    (rc = import_dup(when, &o->placed_at, err)) != OD_OK ||
	    (rc = customer(jo, o, err)) != OD_OK ||
	    (rc = ship_to(jo, o, err)) != OD_OK ||
	    (rc = items(pfx, jo, o, err)) != OD_OK ||
	    (rc = figures(pfx, jo, o, err)) != OD_OK ||
	    (rc = financial(pfx, jo, o, err)) != OD_OK ||
	    (rc = import_one_line(jstr(jo, "note"), &o->note, err)) != OD_OK ||
	    (rc = import_validate(o, NULL, err)) != OD_OK)
		goto out;
	if (json_is_integer(json_object_get(jo, "id")))
		snprintf(id, sizeof id, "%lld", (long long)json_integer_value(
			 json_object_get(jo, "id")));
	rc = import_source_id(pfx, "id", id, m, err);
	if (rc == OD_OK)
		rc = import_shopify_refunds(pfx, jo, o, &m->refunded, err);
	if (rc != OD_OK)
		goto out;
	m->cancelled = jstr(jo, "cancelled_at")[0] != '\0';
	*out = o;
	o = NULL;
out:
	order_free(o);
	return rc;
}
