/*
 * import-amazon.c - an Amazon Seller Central order report ("All Orders" or
 * "Unshipped Orders", tab-separated), one order at a time.
 *
 * One row per item, the order's columns repeated on every row.  Quirks:
 * item-price and item-tax are the LINE's totals (quantity × unit), not a
 * unit's; shipping-price and shipping-tax are per item row too and add up
 * to the order's; the report has no order total, so the total is what the
 * rows add up to; promotion discounts may be written negative.  Columns are
 * found by name: newer reports add columns, which are passed over.
 */
#include "app/import/import-amazon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import-rows.h"
#include "app/import/import-ship-to.h"
#include "app/import/import.h"

enum col {
	A_ORDER, A_PURCHASED, A_PAID, A_EMAIL, A_BUYER, A_PHONE, A_SKU,
	A_PRODUCT, A_QTY, A_CURRENCY, A_PRICE, A_TAX, A_SHIP, A_SHIP_TAX,
	A_PROMO, A_SHIP_PROMO, A_RECIPIENT, A_ADDR1, A_ADDR2, A_ADDR3, A_CITY,
	A_STATE, A_POSTCODE, A_COUNTRY, A_SHIP_PHONE, A_STATUS,
	A_COUNT
};

static const struct import_col cols[A_COUNT] = {
	[A_ORDER] = { "order-id", 1 },
	[A_PURCHASED] = { "purchase-date", 1 },
	[A_PAID] = { "payments-date", 0 },
	[A_EMAIL] = { "buyer-email", 0 },
	[A_BUYER] = { "buyer-name", 0 },
	[A_PHONE] = { "buyer-phone-number", 0 },
	[A_SKU] = { "sku", 1 },
	[A_PRODUCT] = { "product-name", 1 },
	[A_QTY] = { "quantity-purchased", 1 },
	[A_CURRENCY] = { "currency", 1 },
	[A_PRICE] = { "item-price", 1 },
	[A_TAX] = { "item-tax", 0 },
	[A_SHIP] = { "shipping-price", 0 },
	[A_SHIP_TAX] = { "shipping-tax", 0 },
	[A_PROMO] = { "item-promotion-discount", 0 },
	[A_SHIP_PROMO] = { "ship-promotion-discount", 0 },
	[A_RECIPIENT] = { "recipient-name", 1 },
	[A_ADDR1] = { "ship-address-1", 1 },
	[A_ADDR2] = { "ship-address-2", 0 },
	[A_ADDR3] = { "ship-address-3", 0 },
	[A_CITY] = { "ship-city", 1 },
	[A_STATE] = { "ship-state", 0 },
	[A_POSTCODE] = { "ship-postal-code", 0 },
	[A_COUNTRY] = { "ship-country", 1 },
	[A_SHIP_PHONE] = { "ship-phone-number", 0 },
	[A_STATUS] = { "order-status", 0 },
};

struct import_amazon {
	struct import_rows rs;
};

/* Column k of the row being read. */
static const char *val(const struct import_rows *s, enum col k)
{
	return import_rows_val(s, k);
}

/* Money in column k, 0 when empty; a leading '-' only where allowed. */
static enum od_code money(const struct import_rows *s, const char *pfx,
			  enum col k, const char *currency, int minus,
			  long long *v, struct od_err *err)
{
	return import_rows_money(s, pfx, k, currency, minus, v, err);
}

/* The item of the row, and its share of shipping, tax, discount. */
static enum od_code add_row(const struct import_rows *s, const char *pfx,
			    struct order *o, struct od_err *err)
{
	struct order_item *it;
	long long line = 0, v = 0, n;
	enum od_code rc;

	rc = import_rows_item(s, pfx, A_QTY, o, &it, err);
	if (rc != OD_OK)
		return rc;
	n = it->qty;
	rc = money(s, pfx, A_PRICE, o->currency, 0, &line, err);
	if (rc == OD_OK && line % n != 0)
		rc = od_err_set(err, OD_E_INPUT, "%s: item-price (the line's "
				"total) is not quantity-purchased times a "
				"whole unit price", pfx);
	it->unit_price = line / n;
	if (rc == OD_OK)
		rc = money(s, pfx, A_TAX, o->currency, 0, &v, err);
	o->tax += v;
	if (rc == OD_OK)
		rc = money(s, pfx, A_SHIP_TAX, o->currency, 0, &v, err);
	o->tax += v;
	if (rc == OD_OK)
		rc = money(s, pfx, A_SHIP, o->currency, 0, &v, err);
	o->shipping += v;
	if (rc == OD_OK)
		rc = money(s, pfx, A_PROMO, o->currency, 1, &v, err);
	o->discount += v;
	if (rc == OD_OK)
		rc = money(s, pfx, A_SHIP_PROMO, o->currency, 1, &v, err);
	o->discount += v;
	if (rc == OD_OK)
		rc = import_one_line(val(s, A_PRODUCT), &it->name, err);
	if (rc != OD_OK)
		return rc;
	o->total += line;
	return import_rows_item_done(s, A_SKU, o, it, err);
}

/*
 * The ship-to: recipient, address lines, city with its state, postcode,
 * country.  An order that needs no shipping has them empty and gets none.
 */
static enum od_code ship_to(const struct import_rows *s, struct order *o,
			    struct od_err *err)
{
	char city[2 * IMPORT_FIELD_MAX + 3];
	const char *st = val(s, A_STATE);
	enum od_code rc;
	size_t i;

	if (import_ship_to_empty(val(s, A_ADDR1), val(s, A_CITY),
				 val(s, A_COUNTRY)))
		return import_ship_to_none(o, err);
	snprintf(o->country, sizeof o->country, "%.2s", val(s, A_COUNTRY));
	rc = import_dup(val(s, A_RECIPIENT), &o->ship_name, err);
	for (i = 0; rc == OD_OK && i < 3; i++) {
		const char *l = val(s, (enum col)(A_ADDR1 + i));

		if (i > 0 && l[0] == '\0')
			continue;
		rc = import_dup(l, &o->ship_lines[o->nlines++], err);
	}
	snprintf(city, sizeof city, st[0] != '\0' ? "%s, %s" : "%s",
		 val(s, A_CITY), st);
	if (rc == OD_OK)
		rc = import_dup(city, &o->city, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, A_POSTCODE), &o->postcode, err);
	return rc;
}

/* The order's own columns, from its first row. */
static enum od_code order_columns(const struct import_rows *s,
				  const char *pfx, struct order *o,
				  struct od_err *err)
{
	char when[21];
	enum od_code rc;

	snprintf(o->currency, sizeof o->currency, "%.3s",
		 val(s, A_CURRENCY));
	rc = import_utc_time(pfx, "purchase-date", val(s, A_PURCHASED), when,
			     err);
	if (rc == OD_OK)
		rc = import_dup(when, &o->placed_at, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, A_BUYER)[0] != '\0' ? val(s, A_BUYER) :
				val(s, A_RECIPIENT), &o->customer_name, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, A_EMAIL), &o->email, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, A_PHONE)[0] != '\0' ? val(s, A_PHONE) :
				val(s, A_SHIP_PHONE), &o->phone, err);
	if (rc == OD_OK)
		rc = ship_to(s, o, err);
	if (rc == OD_OK)
		rc = import_dup("", &o->note, err);
	o->arrival = val(s, A_PAID)[0] != '\0' ? ARRIVAL_PAID :
		ARRIVAL_UNPAID;
	return rc;
}

/* The order's columns from its first row, and whether it was cancelled. */
static enum od_code first_row(const struct import_rows *s, const char *pfx,
			      struct order *o, struct import_meta *said,
			      struct od_err *err)
{
	said->cancelled = strcmp(val(s, A_STATUS), "Cancelled") == 0;
	return order_columns(s, pfx, o, err);
}

/* The report has no total: the order's is what its rows add up to. */
static void add_up(struct order *o)
{
	o->total += o->shipping + o->tax - o->discount;
}

/* Amazon's report: tab-separated, the order's columns on every row. */
static const struct import_rows_source amazon = {
	.sep = '\t',
	.raw_per_field = IMPORT_FIELD_MAX + 2,
	.cols = cols, .ncols = A_COUNT, .key = A_ORDER,
	.what = "the Amazon report",
	.fix = "download the order report again",
	.first = first_row, .row = add_row, .finish = add_up,
};

enum od_code import_amazon_new(struct import_input *in,
			       struct import_amazon **out, struct od_err *err)
{
	struct import_amazon *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_rows_init(&s->rs, in, &amazon);
	*out = s;
	return OD_OK;
}

void import_amazon_free(struct import_amazon *s)
{
	if (s == NULL)
		return;
	import_rows_release(&s->rs);
	free(s);
}

enum od_code import_amazon_next(struct import_amazon *s, struct order **out,
				size_t *line, int *cancelled,
				unsigned char sha256[32], struct od_err *err)
{
	return import_rows_next(&s->rs, out, line, cancelled, sha256, err);
}

const struct import_meta *import_amazon_said(const struct import_amazon *s)
{
	return &s->rs.said;
}
