/*
 * import-woo.c - a WooCommerce REST API v3 order (GET /wp-json/wc/v3/orders
 * and the order webhooks' body) as an orderdesk order; field by field in
 * assets/import-format.md, "WooCommerce".
 *
 * WooCommerce writes money as decimal strings ("29.35") except a line's
 * `price`, a JSON number; dates in UTC without a zone (date_created_gmt);
 * items without a SKU; one product on two lines.  Its `total` includes
 * shipping and tax, as orderdesk's does, so the figures map one to one:
 * items at their subtotal (before coupons), discount_total, shipping_total,
 * total_tax.  Unknown keys are ignored: the API adds them release by
 * release, and nothing of them is signed.
 */
#include "app/import/import-woo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import-ship-to.h"

/* The string at key of obj, "" when absent, null or not a string. */
static const char *jstr(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Money at v: a decimal string or a JSON number, in minor units. */
static enum od_code woo_money(const char *pfx, const char *label, json_t *v,
			      const char *currency, long long *minor,
			      struct od_err *err)
{
	char buf[64];

	*minor = 0;
	if (v == NULL || json_is_null(v))
		return OD_OK;
	if (json_is_string(v))
		return import_decimal(pfx, label, json_string_value(v),
				      currency, minor, err);
	if (json_is_integer(v) || json_is_real(v)) {
		double d = json_number_value(v);

		if (d < 0 || d > 1e12 || isnan(d))
			return od_err_set(err, OD_E_INPUT, "%s: %s: must be "
					  "an amount of 0 or more", pfx,
					  label);
		/* A double's shortest form, then read as the string is. */
		snprintf(buf, sizeof buf, "%.6f", d);
		return import_decimal(pfx, label, buf, currency, minor, err);
	}
	return od_err_set(err, OD_E_INPUT, "%s: %s: must be an amount, as a "
			  "string (\"29.35\") or a number", pfx, label);
}

/* "first last" of an address object, into *out. */
static enum od_code woo_name(json_t *a, char **out, struct od_err *err)
{
	char buf[2 * ORDER_TEXT_MAX + 2];

	snprintf(buf, sizeof buf, "%s %s", jstr(a, "first_name"),
		 jstr(a, "last_name"));
	if (strcmp(buf, " ") == 0)
		snprintf(buf, sizeof buf, "%s", jstr(a, "company"));
	return import_dup(buf, out, err);
}

/* The customer, from billing. */
static enum od_code woo_customer(json_t *jo, struct order *o,
				 struct od_err *err)
{
	json_t *b = json_object_get(jo, "billing");
	enum od_code rc;

	rc = woo_name(b, &o->customer_name, err);
	if (rc == OD_OK && o->customer_name[0] == '\0') {
		free(o->customer_name);
		rc = woo_name(json_object_get(jo, "shipping"),
			      &o->customer_name, err);
	}
	if (rc == OD_OK)
		rc = import_dup(jstr(b, "email"), &o->email, err);
	if (rc == OD_OK)
		rc = import_dup(jstr(b, "phone"), &o->phone, err);
	return rc;
}

/*
 * The ship-to, from shipping.  An order of downloads (virtual items) has
 * an empty shipping address and no shipping_lines, and gets no ship-to.
 * A store that ships to the billing address only ("Force shipping to the
 * customer billing address") leaves shipping empty with shipping_lines:
 * then billing stands in.  The state goes after the city: "San
 * Francisco, CA".
 */
static enum od_code woo_ship_to(json_t *jo, struct order *o,
				struct od_err *err)
{
	json_t *a = json_object_get(jo, "shipping");
	char city[2 * ORDER_TEXT_MAX + 3];
	const char *line;
	enum od_code rc;
	size_t i;

	if (import_ship_to_empty(jstr(a, "address_1"), jstr(a, "city"),
				 jstr(a, "country"))) {
		if (json_array_size(json_object_get(jo, "shipping_lines")) == 0)
			return import_ship_to_none(o, err);
		a = json_object_get(jo, "billing");
	}
	rc = woo_name(a, &o->ship_name, err);
	if (rc == OD_OK && o->ship_name[0] == '\0') {
		free(o->ship_name);
		rc = import_dup(o->customer_name, &o->ship_name, err);
	}
	for (i = 0; rc == OD_OK && i < 2; i++) {
		line = jstr(a, i == 0 ? "address_1" : "address_2");
		if (i > 0 && line[0] == '\0')
			break;
		rc = import_dup(line, &o->ship_lines[i], err);
		o->nlines = i + 1;
	}
	snprintf(city, sizeof city, jstr(a, "state")[0] != '\0' ? "%s, %s" :
		 "%s", jstr(a, "city"), jstr(a, "state"));
	if (rc == OD_OK)
		rc = import_dup(city, &o->city, err);
	if (rc == OD_OK)
		rc = import_dup(jstr(a, "postcode"), &o->postcode, err);
	if (rc == OD_OK)
		snprintf(o->country, sizeof o->country, "%.2s",
			 jstr(a, "country"));
	return rc;
}

/*
 * One line item: its unit price is `price` when price × quantity is the
 * line's subtotal, else the subtotal divided by the quantity (price is the
 * line's total after coupons, over its quantity, and may not be a whole
 * number of cents).
 */
static enum od_code woo_item(const char *pfx, json_t *li, size_t n,
			     struct order *o, struct od_err *err)
{
	struct order_item *it = &o->items[o->nitems];
	char where[PFX_MAX + 48];
	long long sub = 0, price = 0;
	json_t *q = json_object_get(li, "quantity");
	struct od_err e;
	enum od_code rc;

	snprintf(where, sizeof where, "%s: line_items[%zu]", pfx, n);
	if (!json_is_integer(q) || json_integer_value(q) < 1 ||
	    json_integer_value(q) > ORDER_MAX_QTY)
		return od_err_set(err, OD_E_INPUT, "%s: quantity: must be a "
				  "whole number from 1 to %d", where,
				  ORDER_MAX_QTY);
	it->qty = json_integer_value(q);
	rc = woo_money(where, "subtotal", json_object_get(li, "subtotal"),
		       o->currency, &sub, err);
	if (rc != OD_OK)
		return rc;
	/* A price of fractions of a cent is no unit price: use subtotal. */
	od_err_clear(&e);
	if (woo_money(where, "price", json_object_get(li, "price"),
		      o->currency, &price, &e) != OD_OK)
		price = -1;
	if (price >= 0 && price * it->qty == sub)
		it->unit_price = price;
	else if (sub % it->qty == 0)
		it->unit_price = sub / it->qty;
	else
		return od_err_set(err, OD_E_INPUT, "%s: subtotal is not the "
				  "quantity times a whole unit price; "
				  "orderdesk keeps a unit price per line",
				  where);
	rc = import_dup(jstr(li, "name"), &it->name, err);
	o->nitems++;
	if (rc == OD_OK)
		rc = import_item_sku(it, jstr(li, "sku"), err);
	return rc;
}

/* A fee line: an item of quantity 1, or a discount when negative. */
static enum od_code woo_fee(const char *pfx, json_t *fl, size_t n,
			    struct order *o, struct od_err *err)
{
	struct order_item *it = &o->items[o->nitems];
	char where[PFX_MAX + 48];
	const char *t = jstr(fl, "total");
	long long v;
	enum od_code rc;

	snprintf(where, sizeof where, "%s: fee_lines[%zu]", pfx, n);
	rc = import_decimal(where, "total", t[0] == '-' ? t + 1 : t,
			    o->currency, &v, err);
	if (rc != OD_OK || t[0] == '-') {
		o->discount += t[0] == '-' ? v : 0;
		return rc;
	}
	it->qty = 1;
	it->unit_price = v;
	rc = import_dup(jstr(fl, "name"), &it->name, err);
	o->nitems++;
	if (rc == OD_OK)
		rc = import_item_sku(it, NULL, err);
	return rc;
}

/* The items: line_items, then fee_lines. */
static enum od_code woo_items(const char *pfx, json_t *jo, struct order *o,
			      struct od_err *err)
{
	json_t *li = json_object_get(jo, "line_items");
	json_t *fl = json_object_get(jo, "fee_lines");
	size_t n = json_array_size(li) + json_array_size(fl), i;
	enum od_code rc = OD_OK;

	if (!json_is_array(li) || json_array_size(li) == 0)
		return od_err_set(err, OD_E_INPUT, "%s: line_items: must be "
				  "an array of at least one item", pfx);
	if (n > ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT, "%s: has more than %d "
				  "lines", pfx, ORDER_MAX_ITEMS);
	o->items = calloc(n, sizeof *o->items);
	if (o->items == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; rc == OD_OK && i < json_array_size(li); i++)
		rc = woo_item(pfx, json_array_get(li, i), i, o, err);
	for (i = 0; rc == OD_OK && i < json_array_size(fl); i++)
		rc = woo_fee(pfx, json_array_get(fl, i), i, o, err);
	if (rc == OD_OK)
		rc = import_merge_skus(o, err);
	return rc;
}

/*
 * status and date_paid to the payment the order arrived with, and whether
 * the storefront cancelled it.
 */
static enum od_code woo_status(const char *pfx, json_t *jo, struct order *o,
			       int *cancelled, struct od_err *err)
{
	static const char *const known[] = {
		"pending", "processing", "on-hold", "completed",
		"cancelled", "refunded", "failed",
	};
	const char *st = jstr(jo, "status");
	size_t i;
	int paid;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(st, known[i]) == 0)
			break;
	if (i == sizeof known / sizeof known[0])
		return od_err_set(err, OD_E_INPUT, "%s: status: must be one "
				  "of pending, processing, on-hold, "
				  "completed, cancelled, refunded, failed",
				  pfx);
	paid = jstr(jo, "date_paid_gmt")[0] != '\0' ||
	       jstr(jo, "date_paid")[0] != '\0' ||
	       strcmp(st, "processing") == 0 || strcmp(st, "completed") == 0;
	if (strcmp(jstr(jo, "payment_method"), "cod") == 0 &&
	    jstr(jo, "date_paid_gmt")[0] == '\0')
		o->arrival = ARRIVAL_COD;
	else
		o->arrival = paid ? ARRIVAL_PAID : ARRIVAL_UNPAID;
	*cancelled = strcmp(st, "cancelled") == 0;
	return OD_OK;
}

/* date_created_gmt ("2017-03-22T19:28:02", UTC without a zone) + "Z". */
static enum od_code woo_placed(const char *pfx, json_t *jo, struct order *o,
			       struct od_err *err)
{
	const char *d = jstr(jo, "date_created_gmt");
	char buf[32];

	if (strlen(d) != 19 && !(strlen(d) == 20 && d[19] == 'Z'))
		return od_err_set(err, OD_E_INPUT, "%s: date_created_gmt: "
				  "must be a time YYYY-MM-DDTHH:MM:SS", pfx);
	snprintf(buf, sizeof buf, "%.19sZ", d);
	return import_dup(buf, &o->placed_at, err);
}

/* The money: shipping, tax, discount and total; fees were added. */
static enum od_code woo_totals(const char *pfx, json_t *jo, struct order *o,
			       struct od_err *err)
{
	long long discount = 0;
	enum od_code rc;

	rc = woo_money(pfx, "shipping_total",
		       json_object_get(jo, "shipping_total"), o->currency,
		       &o->shipping, err);
	if (rc == OD_OK)
		rc = woo_money(pfx, "total_tax",
			       json_object_get(jo, "total_tax"), o->currency,
			       &o->tax, err);
	if (rc == OD_OK)
		rc = woo_money(pfx, "discount_total",
			       json_object_get(jo, "discount_total"),
			       o->currency, &discount, err);
	o->discount += discount;
	if (rc == OD_OK)
		rc = woo_money(pfx, "total", json_object_get(jo, "total"),
			       o->currency, &o->total, err);
	return rc;
}

/*
 * refunds ([{"total": "-10.00"}, ...], the amounts given back, negative)
 * into m->refunded, and the order's id into m->source_id.
 */
static enum od_code woo_refunds(const char *pfx, json_t *jo,
				const struct order *o, struct import_meta *m,
				struct od_err *err)
{
	json_t *refunds = json_object_get(jo, "refunds"), *r, *id;
	long long one;
	enum od_code rc = OD_OK;
	const char *t;
	char buf[24];
	size_t i;

	id = json_object_get(jo, "id");
	if (json_is_integer(id)) {
		snprintf(buf, sizeof buf, "%lld",
			 (long long)json_integer_value(id));
		rc = import_source_id(pfx, "id", buf, m, err);
	}
	if (rc != OD_OK || refunds == NULL || json_is_null(refunds))
		return rc;
	if (!json_is_array(refunds))
		return od_err_set(err, OD_E_INPUT, "%s: refunds: must be a list",
				  pfx);
	json_array_foreach(refunds, i, r) {
		t = json_is_object(r) ? jstr(r, "total") : "";
		rc = import_decimal(pfx, "refunds' total", t[0] == '-' ? t + 1 : t,
				    o->currency, &one, err);
		if (rc != OD_OK)
			return rc;
		m->refunded += one;
	}
	if (m->refunded > o->total)
		return od_err_set(err, OD_E_INPUT, "%s: refunds: more than the "
				  "order's total", pfx);
	return OD_OK;
}

enum od_code import_woo_order(json_t *jo, size_t pos, struct order **out,
			      struct import_meta *m, struct od_err *err)
{
	char pfx[PFX_MAX];
	struct order *o;
	struct od_err e;
	enum od_code rc;
	json_t *num;

	*out = NULL;
	m->cancelled = 0;
	m->refunded = 0;
	m->source_id[0] = '\0';
	snprintf(pfx, sizeof pfx, "order #%zu in the file", pos);
	if (!import_woo_looks(jo))
		return od_err_set(err, OD_E_INPUT, "%s: is not a WooCommerce "
				  "order (an object with line_items); check "
				  "--from", pfx);
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	num = json_object_get(jo, "number");
	if (json_is_string(num))
		rc = import_dup(json_string_value(num), &o->number, err);
	else if (json_is_integer(json_object_get(jo, "id")))
		rc = (o->number = malloc(24)) == NULL ?
			od_err_set(err, OD_E_NOMEM, "out of memory") :
			(snprintf(o->number, 24, "%lld", (long long)
				  json_integer_value(json_object_get(jo,
								     "id"))),
			 OD_OK);
	else
		rc = od_err_set(err, OD_E_INPUT, "%s: has neither a number "
				"nor an id", pfx);
	od_err_clear(&e);
	if (rc == OD_OK && order_number_check(o->number, &e) != OD_OK)
		rc = od_err_set(err, OD_E_INPUT, "%s: %s", pfx, e.msg);
	if (rc != OD_OK)
		goto out;
	snprintf(pfx, sizeof pfx, "order %s", o->number);
	snprintf(o->currency, sizeof o->currency, "%.3s",
		 jstr(jo, "currency"));
	if ((rc = woo_placed(pfx, jo, o, err)) != OD_OK ||
	    (rc = woo_customer(jo, o, err)) != OD_OK ||
	    (rc = woo_ship_to(jo, o, err)) != OD_OK ||
	    (rc = woo_items(pfx, jo, o, err)) != OD_OK ||
	    (rc = woo_totals(pfx, jo, o, err)) != OD_OK ||
	    (rc = woo_status(pfx, jo, o, &m->cancelled, err)) != OD_OK ||
	    (rc = woo_refunds(pfx, jo, o, m, err)) != OD_OK ||
	    (rc = import_one_line(jstr(jo, "customer_note"), &o->note,
				  err)) != OD_OK ||
	    (rc = import_validate(o, NULL, err)) != OD_OK)
		goto out;
	*out = o;
	o = NULL;
out:
	order_free(o);
	return rc;
}

int import_woo_looks(json_t *jo)
{
	return json_is_object(jo) &&
	       json_object_get(jo, "line_items") != NULL;
}
