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

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/csv-rec.h"
#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import.h"

enum col {
	A_ORDER, A_PURCHASED, A_PAID, A_EMAIL, A_BUYER, A_PHONE, A_SKU,
	A_PRODUCT, A_QTY, A_CURRENCY, A_PRICE, A_TAX, A_SHIP, A_SHIP_TAX,
	A_PROMO, A_SHIP_PROMO, A_RECIPIENT, A_ADDR1, A_ADDR2, A_ADDR3, A_CITY,
	A_STATE, A_POSTCODE, A_COUNTRY, A_SHIP_PHONE, A_STATUS,
	A_COUNT
};

static const struct {
	const char *name;
	int required;
} cols[A_COUNT] = {
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
	struct csv c;
	struct csv_record r;
	int idx[A_COUNT];
	size_t ncols;
	int header_read;
	int row_pending;
	size_t rows;
};

static const char *val(const struct import_amazon *s, enum col k)
{
	return s->idx[k] < 0 ? "" : rec_field(&s->r, (size_t)s->idx[k]);
}

enum od_code import_amazon_new(struct import_input *in,
			       struct import_amazon **out, struct od_err *err)
{
	struct import_amazon *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	csv_init(&s->c, in, '\t');
	buf_init(&s->r.data, CSV_REC_MAX * (IMPORT_FIELD_MAX + 1));
	buf_init(&s->r.raw, CSV_REC_MAX * (IMPORT_FIELD_MAX + 2));
	s->r.keep_raw = 1;
	*out = s;
	return OD_OK;
}

void import_amazon_free(struct import_amazon *s)
{
	if (s == NULL)
		return;
	buf_free(&s->r.data);
	buf_free(&s->r.raw);
	free(s);
}

static enum od_code read_header(struct import_amazon *s, struct od_err *err)
{
	enum od_code rc;
	size_t i, k;
	int got;

	rc = csv_next(&s->c, &s->r, CSV_REC_MAX, &got, err);
	if (rc != OD_OK)
		return rc;
	for (k = 0; k < A_COUNT; k++)
		s->idx[k] = -1;
	for (i = 0; got && i < s->r.n; i++)
		for (k = 0; k < A_COUNT; k++)
			if (strcmp(rec_field(&s->r, i), cols[k].name) == 0 &&
			    s->idx[k] < 0)
				s->idx[k] = (int)i;
	for (k = 0; k < A_COUNT; k++)
		if (cols[k].required && s->idx[k] < 0)
			return od_err_set(err, OD_E_INPUT, "line 1: the Amazon "
					  "report has no column %s; download "
					  "the order report again",
					  cols[k].name);
	s->ncols = s->r.n;
	s->header_read = 1;
	return OD_OK;
}

static enum od_code next_row(struct import_amazon *s, int *got,
			     struct od_err *err)
{
	enum od_code rc;

	rc = csv_next(&s->c, &s->r, s->ncols, got, err);
	if (rc != OD_OK || !*got)
		return rc;
	if (++s->rows > IMPORT_MAX_ROWS)
		return od_err_set(err, OD_E_INPUT, "the import file has more "
				  "than %d rows; split it", IMPORT_MAX_ROWS);
	if (s->r.n != s->ncols)
		return od_err_set(err, OD_E_INPUT, "line %zu: %zu fields, "
				  "the header has %zu (wrong column count)",
				  s->r.line, s->r.n, s->ncols);
	return OD_OK;
}

/* Money in column k, 0 when empty; a leading '-' only where allowed. */
static enum od_code money(const struct import_amazon *s, const char *pfx,
			  enum col k, const char *currency, int minus,
			  long long *v, struct od_err *err)
{
	const char *t = val(s, k);

	*v = 0;
	if (minus && t[0] == '-')
		t++;
	if (t[0] == '\0')
		return OD_OK;
	return import_decimal(pfx, cols[k].name, t, currency, v, err);
}

/* The item of the row in r, and its share of shipping, tax, discount. */
static enum od_code add_row(const struct import_amazon *s, const char *pfx,
			    struct order *o, struct od_err *err)
{
	struct order_item *it;
	long long line = 0, v = 0, n;
	const char *q = val(s, A_QTY);
	enum od_code rc;
	char *end;

	rc = import_item_room(o, pfx, err);
	if (rc != OD_OK)
		return rc;
	it = &o->items[o->nitems];
	n = strtoll(q, &end, 10);
	if (q[0] < '0' || q[0] > '9' || *end != '\0' || n < 1 ||
	    n > ORDER_MAX_QTY)
		return od_err_set(err, OD_E_INPUT, "%s: quantity-purchased: "
				  "must be a whole number from 1 to %d", pfx,
				  ORDER_MAX_QTY);
	rc = money(s, pfx, A_PRICE, o->currency, 0, &line, err);
	if (rc == OD_OK && line % n != 0)
		rc = od_err_set(err, OD_E_INPUT, "%s: item-price (the line's "
				"total) is not quantity-purchased times a "
				"whole unit price", pfx);
	it->qty = n;
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
	o->nitems++;
	o->total += line;
	if (val(s, A_SKU)[0] != '\0')
		return import_dup(val(s, A_SKU), &it->sku, err);
	it->sku = malloc(ORDER_SKU_MAX + 1);
	if (it->sku == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_derive_sku(it->name, it->sku);
	return OD_OK;
}

/* The order's own columns, from its first row. */
static enum od_code order_columns(const struct import_amazon *s,
				  const char *pfx, struct order *o,
				  struct od_err *err)
{
	char when[21], city[2 * IMPORT_FIELD_MAX + 3];
	const char *st = val(s, A_STATE);
	enum od_code rc;
	size_t i;

	snprintf(o->currency, sizeof o->currency, "%.3s",
		 val(s, A_CURRENCY));
	snprintf(o->country, sizeof o->country, "%.2s", val(s, A_COUNTRY));
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
	if (rc == OD_OK)
		rc = import_dup("", &o->note, err);
	o->arrival = val(s, A_PAID)[0] != '\0' ? ARRIVAL_PAID :
		ARRIVAL_UNPAID;
	return rc;
}

/* Starts an order from its first row, in r. */
static enum od_code start(struct import_amazon *s, struct order **out,
			  int *cancelled, char *pfx, struct od_err *err)
{
	struct order *o;
	struct od_err e;
	enum od_code rc;

	o = *out = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = import_dup(val(s, A_ORDER), &o->number, err);
	od_err_clear(&e);
	if (rc == OD_OK && order_number_check(o->number, &e) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "line %zu: order-id: %s",
				  s->r.line, e.msg);
	if (rc != OD_OK)
		return rc;
	snprintf(pfx, PFX_MAX, "line %zu: order %s", s->r.line, o->number);
	*cancelled = strcmp(val(s, A_STATUS), "Cancelled") == 0;
	rc = order_columns(s, pfx, o, err);
	return rc == OD_OK ? add_row(s, pfx, o, err) : rc;
}

enum od_code import_amazon_next(struct import_amazon *s, struct order **out,
				size_t *line, int *cancelled,
				unsigned char sha256[32], struct od_err *err)
{
	struct sha256_ctx h;
	char pfx[PFX_MAX];
	struct order *o = NULL;
	enum od_code rc = OD_OK;
	int got = 1;

	*out = NULL;
	if (!s->header_read)
		rc = read_header(s, err);
	if (rc == OD_OK && !s->row_pending)
		rc = next_row(s, &got, err);
	if (rc != OD_OK || !got)
		return rc;
	s->row_pending = 0;
	*line = s->r.line;
	sha256_init(&h);
	sha256_update(&h, s->r.raw_n, (const uint8_t *)s->r.raw_p);
	rc = start(s, &o, cancelled, pfx, err);
	while (rc == OD_OK && (rc = next_row(s, &got, err)) == OD_OK && got) {
		if (strcmp(val(s, A_ORDER), o->number) != 0) {
			s->row_pending = 1;
			break;
		}
		sha256_update(&h, s->r.raw_n, (const uint8_t *)s->r.raw_p);
		snprintf(pfx, PFX_MAX, "line %zu: order %s", s->r.line,
			 o->number);
		rc = add_row(s, pfx, o, err);
	}
	sha256_digest(&h, SHA256_DIGEST_SIZE, sha256);
	/* The report has no total: the order's is what its rows add up to. */
	if (rc == OD_OK) {
		o->total += o->shipping + o->tax - o->discount;
		rc = import_merge_skus(o, err);
	}
	if (rc == OD_OK) {
		snprintf(pfx, PFX_MAX, "line %zu", *line);
		rc = import_validate(o, pfx, err);
	}
	if (rc != OD_OK) {
		order_free(o);
		return rc;
	}
	*out = o;
	return OD_OK;
}
