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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import-rows.h"
#include "app/import/import-ship-to.h"
#include "app/import/import.h"

enum col {
	E_DATE, E_ITEM, E_QTY, E_PRICE, E_DISCOUNT, E_SHIP_DISCOUNT,
	E_SHIPPING, E_TAX, E_CURRENCY, E_PAID, E_NAME, E_ADDR1, E_ADDR2,
	E_CITY, E_STATE, E_ZIP, E_COUNTRY, E_ORDER, E_SKU, E_BUYER,
	E_COUNT
};

static const struct import_col cols[E_COUNT] = {
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
	[E_BUYER] = { "Buyer", 0 },
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
	struct import_rows rs;
};

/* Column k of the row being read. */
static const char *val(const struct import_rows *s, enum col k)
{
	return import_rows_val(s, k);
}

/* Money in column k, 0 when empty. */
static enum od_code money(const struct import_rows *s, const char *pfx,
			  enum col k, const char *currency, long long *v,
			  struct od_err *err)
{
	return import_rows_money(s, pfx, k, currency, 0, v, err);
}

/* Sale Date: MM/DD/YY or MM/DD/YYYY (a day), or an ISO time. */
static enum od_code sale_date(const struct import_rows *s, const char *pfx,
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

/* The item of the row. */
static enum od_code add_item(const struct import_rows *s, const char *pfx,
			     struct order *o, struct od_err *err)
{
	struct order_item *it;
	enum od_code rc;

	rc = import_rows_item(s, pfx, E_QTY, o, &it, err);
	if (rc == OD_OK)
		rc = money(s, pfx, E_PRICE, o->currency, &it->unit_price, err);
	if (rc == OD_OK)
		rc = import_one_line(val(s, E_ITEM), &it->name, err);
	if (rc != OD_OK)
		return rc;
	o->total += it->qty * it->unit_price;
	return import_rows_item_done(s, E_SKU, o, it, err);
}

/*
 * The ship-to: Ship Name, the address lines, the city with its state, the
 * zipcode and the country by name.  A download (no shipping needed) has
 * them empty and gets none.
 */
static enum od_code ship_to(const struct import_rows *s, const char *pfx,
			    struct order *o, struct od_err *err)
{
	char city[2 * IMPORT_FIELD_MAX + 3];
	const char *st = val(s, E_STATE), *cc;
	enum od_code rc;

	if (import_ship_to_empty(val(s, E_ADDR1), val(s, E_CITY),
				 val(s, E_COUNTRY)))
		return import_ship_to_none(o, err);
	cc = import_country_code(val(s, E_COUNTRY));
	if (cc == NULL)
		return od_err_set(err, OD_E_INPUT, "%s: Ship Country: not a "
				  "country orderdesk knows by name; write its "
				  "two-letter code (ISO 3166, e.g. FR)", pfx);
	memcpy(o->country, cc, 3);
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
	return rc;
}

/* The order's own columns, from its first row. */
static enum od_code order_columns(const struct import_rows *s,
				  const char *pfx, struct order *o,
				  struct od_err *err)
{
	long long sd = 0;
	enum od_code rc;

	snprintf(o->currency, sizeof o->currency, "%.3s", val(s, E_CURRENCY));
	rc = sale_date(s, pfx, o, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, E_NAME)[0] != '\0' ? val(s, E_NAME) :
				val(s, E_BUYER), &o->customer_name, err);
	if (rc == OD_OK)
		rc = ship_to(s, pfx, o, err);
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

/* The order's columns from its first row (Etsy cancels nothing here). */
static enum od_code first_row(const struct import_rows *s, const char *pfx,
			      struct order *o, struct import_meta *said,
			      struct od_err *err)
{
	enum od_code rc = import_dup("", &o->note, err);

	return rc == OD_OK ? order_columns(s, pfx, o, err) : rc;
}

/* The file has no total: the order's is what it adds up to. */
static void add_up(struct order *o)
{
	o->total += o->shipping + o->tax - o->discount;
}

/* Etsy's Order Items: one row per item, the order's columns on each. */
static const struct import_rows_source etsy = {
	.sep = ',',
	.raw_per_field = 2 * IMPORT_FIELD_MAX + 4,
	.cols = cols, .ncols = E_COUNT, .key = E_ORDER,
	.what = "the Etsy file",
	.fix = "download the Order Items again",
	.quote_name = 1,
	.first = first_row, .row = add_item, .finish = add_up,
};

enum od_code import_etsy_new(struct import_input *in,
			     struct import_etsy **out, struct od_err *err)
{
	struct import_etsy *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_rows_init(&s->rs, in, &etsy);
	*out = s;
	return OD_OK;
}

void import_etsy_free(struct import_etsy *s)
{
	if (s == NULL)
		return;
	import_rows_release(&s->rs);
	free(s);
}

enum od_code import_etsy_next(struct import_etsy *s, struct order **out,
			      size_t *line, int *cancelled,
			      unsigned char sha256[32], struct od_err *err)
{
	return import_rows_next(&s->rs, out, line, cancelled, sha256, err);
}

const struct import_meta *import_etsy_said(const struct import_etsy *s)
{
	return &s->rs.said;
}
