/*
 * import-etsy.c - Etsy's "Sold Order Items" CSV (Shop Manager, Settings,
 * Options, Download Data: Order Items), one order at a time.
 *
 * One row per item.  Quirks: Price is a unit's price; the order's shipping,
 * sales tax and discounts are repeated on each of its rows (read from its
 * first); there is no order total, so the total is what the order adds up
 * to; Sale Date is a day written MM/DD/YY without a time; Ship Country is a
 * country's English name.  The orders-only file ("Sold Orders") lists no
 * items, so it is refused with a hint (import-stores.c).
 */
#include "app/import/import-etsy.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/csv-rec.h"
#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import.h"

enum col {
	E_DATE, E_ITEM, E_QTY, E_PRICE, E_DISCOUNT, E_SHIP_DISCOUNT,
	E_SHIPPING, E_TAX, E_CURRENCY, E_PAID, E_NAME, E_ADDR1, E_ADDR2,
	E_CITY, E_STATE, E_ZIP, E_COUNTRY, E_ORDER, E_SKU,
	E_COUNT
};

static const struct {
	const char *name;
	int required;
} cols[E_COUNT] = {
	[E_DATE] = { "Sale Date", 1 },        [E_ITEM] = { "Item Name", 1 },
	[E_QTY] = { "Quantity", 1 },          [E_PRICE] = { "Price", 1 },
	[E_DISCOUNT] = { "Discount Amount", 0 },
	[E_SHIP_DISCOUNT] = { "Shipping Discount", 0 },
	[E_SHIPPING] = { "Order Shipping", 0 },
	[E_TAX] = { "Order Sales Tax", 0 },   [E_CURRENCY] = { "Currency", 1 },
	[E_PAID] = { "Date Paid", 0 },        [E_NAME] = { "Ship Name", 1 },
	[E_ADDR1] = { "Ship Address1", 1 },   [E_ADDR2] = { "Ship Address2", 0 },
	[E_CITY] = { "Ship City", 1 },        [E_STATE] = { "Ship State", 0 },
	[E_ZIP] = { "Ship Zipcode", 0 },      [E_COUNTRY] = { "Ship Country", 1 },
	[E_ORDER] = { "Order ID", 1 },        [E_SKU] = { "SKU", 0 },
};

/* The countries Etsy names most; any two-letter code is taken as is. */
static const char *const countries[][2] = {
	{ "United States", "US" }, { "Canada", "CA" },
	{ "United Kingdom", "GB" }, { "Ireland", "IE" }, { "France", "FR" },
	{ "Germany", "DE" }, { "Italy", "IT" }, { "Spain", "ES" },
	{ "Portugal", "PT" }, { "Netherlands", "NL" }, { "The Netherlands", "NL" },
	{ "Belgium", "BE" }, { "Luxembourg", "LU" }, { "Switzerland", "CH" },
	{ "Austria", "AT" }, { "Denmark", "DK" }, { "Sweden", "SE" },
	{ "Norway", "NO" }, { "Finland", "FI" }, { "Iceland", "IS" },
	{ "Poland", "PL" }, { "Czech Republic", "CZ" }, { "Czechia", "CZ" },
	{ "Greece", "GR" }, { "Hungary", "HU" }, { "Romania", "RO" },
	{ "Australia", "AU" }, { "New Zealand", "NZ" }, { "Japan", "JP" },
	{ "China", "CN" }, { "Hong Kong", "HK" }, { "Taiwan", "TW" },
	{ "South Korea", "KR" }, { "Singapore", "SG" }, { "India", "IN" },
	{ "Israel", "IL" }, { "Mexico", "MX" }, { "Brazil", "BR" },
	{ "Argentina", "AR" }, { "Chile", "CL" }, { "South Africa", "ZA" },
	{ "United Arab Emirates", "AE" }, { "Turkey", "TR" },
};

const char *import_country_code(const char *name)
{
	size_t i;

	if (strlen(name) == 2 && name[0] >= 'A' && name[0] <= 'Z' &&
	    name[1] >= 'A' && name[1] <= 'Z')
		return name;
	for (i = 0; i < sizeof countries / sizeof countries[0]; i++)
		if (strcmp(name, countries[i][0]) == 0)
			return countries[i][1];
	return NULL;
}

struct import_etsy {
	struct csv c;
	struct csv_record r;
	int idx[E_COUNT];
	size_t ncols;
	int header_read;
	int row_pending;
	size_t rows;
};

static const char *val(const struct import_etsy *s, enum col k)
{
	return s->idx[k] < 0 ? "" : rec_field(&s->r, (size_t)s->idx[k]);
}

enum od_code import_etsy_new(struct import_input *in,
			     struct import_etsy **out, struct od_err *err)
{
	struct import_etsy *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	csv_init(&s->c, in, ',');
	buf_init(&s->r.data, CSV_REC_MAX * (IMPORT_FIELD_MAX + 1));
	buf_init(&s->r.raw, CSV_REC_MAX * (2 * IMPORT_FIELD_MAX + 4));
	s->r.keep_raw = 1;
	*out = s;
	return OD_OK;
}

void import_etsy_free(struct import_etsy *s)
{
	if (s == NULL)
		return;
	buf_free(&s->r.data);
	buf_free(&s->r.raw);
	free(s);
}

static enum od_code read_header(struct import_etsy *s, struct od_err *err)
{
	enum od_code rc;
	size_t i, k;
	int got;

	rc = csv_next(&s->c, &s->r, CSV_REC_MAX, &got, err);
	if (rc != OD_OK)
		return rc;
	for (k = 0; k < E_COUNT; k++)
		s->idx[k] = -1;
	for (i = 0; got && i < s->r.n; i++)
		for (k = 0; k < E_COUNT; k++)
			if (strcmp(rec_field(&s->r, i), cols[k].name) == 0 &&
			    s->idx[k] < 0)
				s->idx[k] = (int)i;
	for (k = 0; k < E_COUNT; k++)
		if (cols[k].required && s->idx[k] < 0)
			return od_err_set(err, OD_E_INPUT, "line 1: the Etsy "
					  "file has no column \"%s\"; download "
					  "the Order Items again",
					  cols[k].name);
	s->ncols = s->r.n;
	s->header_read = 1;
	return OD_OK;
}

static enum od_code next_row(struct import_etsy *s, int *got,
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

static enum od_code money(const struct import_etsy *s, const char *pfx,
			  enum col k, const char *currency, long long *v,
			  struct od_err *err)
{
	const char *t = val(s, k);

	*v = 0;
	if (t[0] == '\0')
		return OD_OK;
	return import_decimal(pfx, cols[k].name, t, currency, v, err);
}

/* Sale Date: MM/DD/YY or MM/DD/YYYY (a day), or an ISO time. */
static enum od_code sale_date(const struct import_etsy *s, const char *pfx,
			      struct order *o, struct od_err *err)
{
	const char *d = val(s, E_DATE);
	unsigned m, day, y;
	char iso[32], when[21];
	int used = 0;
	enum od_code rc;

	if (sscanf(d, "%2u/%2u/%4u%n", &m, &day, &y, &used) == 3 &&
	    d[used] == '\0') {
		snprintf(iso, sizeof iso, "%04u-%02u-%02u 00:00:00Z",
			 y < 100 ? 2000 + y : y, m, day);
		d = iso;
	}
	rc = import_utc_time(pfx, "Sale Date", d, when, err);
	return rc == OD_OK ? import_dup(when, &o->placed_at, err) : rc;
}

/* The item of the row in r. */
static enum od_code add_item(const struct import_etsy *s, const char *pfx,
			     struct order *o, struct od_err *err)
{
	struct order_item *it;
	const char *q = val(s, E_QTY);
	long long n;
	enum od_code rc;
	char *end;

	rc = import_item_room(o, pfx, err);
	if (rc != OD_OK)
		return rc;
	it = &o->items[o->nitems];
	n = strtoll(q, &end, 10);
	if (q[0] < '0' || q[0] > '9' || *end != '\0' || n < 1 ||
	    n > ORDER_MAX_QTY)
		return od_err_set(err, OD_E_INPUT, "%s: Quantity: must be a "
				  "whole number from 1 to %d", pfx,
				  ORDER_MAX_QTY);
	it->qty = n;
	rc = money(s, pfx, E_PRICE, o->currency, &it->unit_price, err);
	if (rc == OD_OK)
		rc = import_one_line(val(s, E_ITEM), &it->name, err);
	if (rc != OD_OK)
		return rc;
	o->nitems++;
	o->total += it->qty * it->unit_price;
	if (val(s, E_SKU)[0] != '\0')
		return import_dup(val(s, E_SKU), &it->sku, err);
	it->sku = malloc(ORDER_SKU_MAX + 1);
	if (it->sku == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_derive_sku(it->name, it->sku);
	return OD_OK;
}

/* The order's own columns, from its first row. */
static enum od_code order_columns(const struct import_etsy *s,
				  const char *pfx, struct order *o,
				  struct od_err *err)
{
	char city[2 * IMPORT_FIELD_MAX + 3];
	const char *st = val(s, E_STATE), *cc;
	long long sd = 0;
	enum od_code rc;

	snprintf(o->currency, sizeof o->currency, "%.3s", val(s, E_CURRENCY));
	cc = import_country_code(val(s, E_COUNTRY));
	if (cc == NULL)
		return od_err_set(err, OD_E_INPUT, "%s: Ship Country: not a "
				  "country orderdesk knows by name; write its "
				  "two-letter code (ISO 3166, e.g. FR)", pfx);
	memcpy(o->country, cc, 3);
	rc = sale_date(s, pfx, o, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, E_NAME), &o->customer_name, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, E_NAME), &o->ship_name, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, E_ADDR1), &o->ship_lines[o->nlines++],
				err);
	if (rc == OD_OK && val(s, E_ADDR2)[0] != '\0')
		rc = import_dup(val(s, E_ADDR2), &o->ship_lines[o->nlines++],
				err);
	snprintf(city, sizeof city, st[0] != '\0' ? "%s, %s" : "%s",
		 val(s, E_CITY), st);
	if (rc == OD_OK)
		rc = import_dup(city, &o->city, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, E_ZIP), &o->postcode, err);
	if (rc == OD_OK)
		rc = money(s, pfx, E_SHIPPING, o->currency, &o->shipping, err);
	if (rc == OD_OK)
		rc = money(s, pfx, E_TAX, o->currency, &o->tax, err);
	if (rc == OD_OK)
		rc = money(s, pfx, E_DISCOUNT, o->currency, &o->discount, err);
	if (rc == OD_OK)
		rc = money(s, pfx, E_SHIP_DISCOUNT, o->currency, &sd, err);
	o->discount += sd;
	o->arrival = val(s, E_PAID)[0] != '\0' ? ARRIVAL_PAID :
		ARRIVAL_UNPAID;
	return rc;
}

static enum od_code start(struct import_etsy *s, struct order **out,
			  char *pfx, struct od_err *err)
{
	struct order *o;
	struct od_err e;
	enum od_code rc;

	o = *out = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = import_dup(val(s, E_ORDER), &o->number, err);
	od_err_clear(&e);
	if (rc == OD_OK && order_number_check(o->number, &e) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "line %zu: Order ID: %s",
				  s->r.line, e.msg);
	if (rc == OD_OK)
		rc = import_dup("", &o->note, err);
	if (rc != OD_OK)
		return rc;
	snprintf(pfx, PFX_MAX, "line %zu: order %s", s->r.line, o->number);
	rc = order_columns(s, pfx, o, err);
	return rc == OD_OK ? add_item(s, pfx, o, err) : rc;
}

enum od_code import_etsy_next(struct import_etsy *s, struct order **out,
			      size_t *line, int *cancelled,
			      unsigned char sha256[32], struct od_err *err)
{
	struct sha256_ctx h;
	char pfx[PFX_MAX];
	struct order *o = NULL;
	enum od_code rc = OD_OK;
	int got = 1;

	*out = NULL;
	*cancelled = 0;
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
	rc = start(s, &o, pfx, err);
	while (rc == OD_OK && (rc = next_row(s, &got, err)) == OD_OK && got) {
		if (strcmp(val(s, E_ORDER), o->number) != 0) {
			s->row_pending = 1;
			break;
		}
		sha256_update(&h, s->r.raw_n, (const uint8_t *)s->r.raw_p);
		snprintf(pfx, PFX_MAX, "line %zu: order %s", s->r.line,
			 o->number);
		rc = add_item(s, pfx, o, err);
	}
	sha256_digest(&h, SHA256_DIGEST_SIZE, sha256);
	/* The file has no total: the order's is what it adds up to. */
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
