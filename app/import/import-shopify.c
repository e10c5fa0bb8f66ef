/*
 * import-shopify.c - Shopify's "Export orders" CSV, one order at a time.
 *
 * The export has 79 columns today and had 47 before, so columns are found
 * by their header names, never their places, and columns not known here are
 * passed over.  One row per line item; the order's own columns (email,
 * money, addresses, notes) stand on its first row only, the later rows
 * carry the Name and the line item.  Money is decimal ("29.35"), times are
 * local with an offset ("2026-11-20 10:15:30 +0100"), a line item's SKU is
 * often empty, and a note may span lines inside its quotes.
 */
#include "app/import/import-shopify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import-rows.h"
#include "app/import/import-ship-to.h"
#include "app/import/import.h"

enum col {
	C_NAME, C_EMAIL, C_FINANCIAL, C_CURRENCY, C_SUBTOTAL, C_SHIPPING,
	C_TAXES, C_TOTAL, C_DISCOUNT, C_CREATED, C_QTY, C_ITEM, C_PRICE,
	C_SKU, C_REQUIRES, C_B_NAME, C_B_ADDR1, C_B_ADDR2, C_B_COMPANY,
	C_B_CITY, C_B_ZIP, C_B_PROVINCE, C_B_COUNTRY, C_B_PHONE, C_S_NAME,
	C_S_ADDR1, C_S_ADDR2, C_S_COMPANY, C_S_CITY, C_S_ZIP, C_S_PROVINCE,
	C_S_COUNTRY, C_S_PHONE, C_NOTES, C_CANCELLED, C_ID, C_REFUNDED,
	C_COUNT
};

static const struct import_col cols[C_COUNT] = {
	[C_NAME] = { "Name", 1 },            [C_EMAIL] = { "Email", 0 },
	[C_FINANCIAL] = { "Financial Status", 1 },
	[C_CURRENCY] = { "Currency", 1 },    [C_SUBTOTAL] = { "Subtotal", 0 },
	[C_SHIPPING] = { "Shipping", 1 },    [C_TAXES] = { "Taxes", 1 },
	[C_TOTAL] = { "Total", 1 },
	[C_DISCOUNT] = { "Discount Amount", 1 },
	[C_CREATED] = { "Created at", 1 },
	[C_QTY] = { "Lineitem quantity", 1 },
	[C_ITEM] = { "Lineitem name", 1 },
	[C_PRICE] = { "Lineitem price", 1 },
	[C_SKU] = { "Lineitem sku", 1 },
	[C_REQUIRES] = { "Lineitem requires shipping", 0 },
	[C_B_NAME] = { "Billing Name", 1 },
	[C_B_ADDR1] = { "Billing Address1", 1 },
	[C_B_ADDR2] = { "Billing Address2", 0 },
	[C_B_COMPANY] = { "Billing Company", 0 },
	[C_B_CITY] = { "Billing City", 1 },  [C_B_ZIP] = { "Billing Zip", 0 },
	[C_B_PROVINCE] = { "Billing Province", 0 },
	[C_B_COUNTRY] = { "Billing Country", 1 },
	[C_B_PHONE] = { "Billing Phone", 0 },
	[C_S_NAME] = { "Shipping Name", 1 },
	[C_S_ADDR1] = { "Shipping Address1", 1 },
	[C_S_ADDR2] = { "Shipping Address2", 0 },
	[C_S_COMPANY] = { "Shipping Company", 0 },
	[C_S_CITY] = { "Shipping City", 1 },
	[C_S_ZIP] = { "Shipping Zip", 0 },
	[C_S_PROVINCE] = { "Shipping Province", 0 },
	[C_S_COUNTRY] = { "Shipping Country", 1 },
	[C_S_PHONE] = { "Shipping Phone", 0 },
	[C_NOTES] = { "Notes", 0 },          [C_CANCELLED] = { "Cancelled at", 0 },
	[C_ID] = { "Id", 0 },
	[C_REFUNDED] = { "Refunded Amount", 0 },
};

struct import_shopify {
	struct import_rows rs;
};

/* Column k of the row being read. */
static const char *val(const struct import_rows *rs, enum col k)
{
	return import_rows_val(rs, k);
}

int import_shopify_looks(const char *head, size_t n)
{
	static const char mark[] = "Lineitem name";
	size_t i;

	for (i = 0; i + sizeof mark - 1 <= n && head[i] != '\n'; i++)
		if (memcmp(head + i, mark, sizeof mark - 1) == 0)
			return 1;
	return 0;
}

/* Money in column k of the row, in minor units. */
static enum od_code money(const struct import_rows *s, const char *pfx,
			  enum col k, const char *currency, long long *v,
			  struct od_err *err)
{
	return import_rows_money(s, pfx, k, currency, 0, v, err);
}

/* The line item of the row, added to o. */
static enum od_code add_item(const struct import_rows *s, const char *pfx,
			     struct order *o, struct od_err *err)
{
	struct order_item *it;
	enum od_code rc;

	rc = import_rows_item(s, pfx, C_QTY, o, &it, err);
	if (rc == OD_OK)
		rc = money(s, pfx, C_PRICE, o->currency, &it->unit_price, err);
	if (rc == OD_OK)
		rc = import_one_line(val(s, C_ITEM), &it->name, err);
	if (rc != OD_OK)
		return rc;
	return import_rows_item_done(s, C_SKU, o, it, err);
}

/*
 * The ship-to, from the Shipping columns.  An order that needs no shipping
 * (a gift card, a download) has them empty and gets no ship-to: the
 * billing address never stands in for it.  The province goes after the
 * city.
 */
static enum od_code address(const struct import_rows *s, struct order *o,
			    struct od_err *err)
{
	char city[2 * IMPORT_FIELD_MAX + 3];
	const char *prov = val(s, C_S_PROVINCE);
	enum od_code rc;

	if (import_ship_to_empty(val(s, C_S_ADDR1), val(s, C_S_CITY),
				 val(s, C_S_COUNTRY)))
		return import_ship_to_none(o, err);
	rc = import_dup(val(s, C_S_NAME), &o->ship_name, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, C_S_ADDR1), &o->ship_lines[0], err);
	o->nlines = 1;
	if (rc == OD_OK && val(s, C_S_ADDR2)[0] != '\0') {
		rc = import_dup(val(s, C_S_ADDR2), &o->ship_lines[1], err);
		o->nlines = 2;
	}
	snprintf(city, sizeof city, prov[0] != '\0' ? "%s, %s" : "%s",
		 val(s, C_S_CITY), prov);
	if (rc == OD_OK)
		rc = import_dup(city, &o->city, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, C_S_ZIP), &o->postcode, err);
	snprintf(o->country, sizeof o->country, "%.2s", val(s, C_S_COUNTRY));
	return rc;
}

/* "Lineitem requires shipping": only "false" says no (older exports have
 * no such column: every item ships). */
static int requires_shipping(const struct import_rows *s)
{
	return strcasecmp(val(s, C_REQUIRES), "false") != 0;
}

/* Financial Status to how the order arrived. */
static enum od_code financial(const struct import_rows *s,
			      const char *pfx, struct order *o,
			      struct od_err *err)
{
	static const char *const paid[] = {
		"paid", "partially_refunded", "refunded", NULL };
	static const char *const unpaid[] = {
		"pending", "partially_paid", "voided", "expired", "", NULL };
	const char *f = val(s, C_FINANCIAL);
	size_t i;

	for (i = 0; paid[i] != NULL; i++)
		if (strcmp(f, paid[i]) == 0) {
			o->arrival = ARRIVAL_PAID;
			return OD_OK;
		}
	for (i = 0; unpaid[i] != NULL; i++)
		if (strcmp(f, unpaid[i]) == 0) {
			o->arrival = ARRIVAL_UNPAID;
			return OD_OK;
		}
	if (strcmp(f, "authorized") == 0) {
		o->arrival = ARRIVAL_AUTHORIZED;
		return OD_OK;
	}
	return od_err_set(err, OD_E_INPUT, "%s: Financial Status: must be "
			  "pending, authorized, paid, partially_paid, "
			  "partially_refunded, refunded or voided", pfx);
}

/* The order's own columns, from its first row (in r). */
static enum od_code order_columns(const struct import_rows *s,
				  const char *pfx, struct order *o,
				  struct od_err *err)
{
	char when[21];
	enum od_code rc;

	snprintf(o->currency, sizeof o->currency, "%.3s",
		 val(s, C_CURRENCY));
	rc = import_utc_time(pfx, "Created at", val(s, C_CREATED), when, err);
	if (rc == OD_OK)
		rc = import_dup(when, &o->placed_at, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, C_B_NAME)[0] != '\0' ?
				val(s, C_B_NAME) : val(s, C_S_NAME),
				&o->customer_name, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, C_EMAIL), &o->email, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, C_B_PHONE)[0] != '\0' ?
				val(s, C_B_PHONE) : val(s, C_S_PHONE),
				&o->phone, err);
	if (rc == OD_OK)
		rc = address(s, o, err);
	if (rc == OD_OK)
		rc = money(s, pfx, C_SHIPPING, o->currency, &o->shipping, err);
	if (rc == OD_OK)
		rc = money(s, pfx, C_TAXES, o->currency, &o->tax, err);
	if (rc == OD_OK)
		rc = money(s, pfx, C_DISCOUNT, o->currency, &o->discount, err);
	if (rc == OD_OK)
		rc = money(s, pfx, C_TOTAL, o->currency, &o->total, err);
	if (rc == OD_OK)
		rc = financial(s, pfx, o, err);
	if (rc == OD_OK)
		rc = import_one_line(val(s, C_NOTES), &o->note, err);
	return rc;
}

/* The order's columns from its first row, and whether it was cancelled. */
static enum od_code first_row(const struct import_rows *s, const char *pfx,
			      struct order *o, struct import_meta *said,
			      struct od_err *err)
{
	enum od_code rc;

	said->cancelled = val(s, C_CANCELLED)[0] != '\0';
	rc = order_columns(s, pfx, o, err);
	if (rc == OD_OK)
		rc = import_source_id(pfx, "Id", val(s, C_ID), said, err);
	if (rc == OD_OK && val(s, C_REFUNDED)[0] != '\0')
		rc = money(s, pfx, C_REFUNDED, o->currency, &said->refunded,
			   err);
	if (rc == OD_OK && said->refunded > o->total)
		rc = od_err_set(err, OD_E_INPUT, "%s: Refunded Amount is more "
				"than the order's Total", pfx);
	return rc;
}

/*
 * Taxes included in the prices (Shopify's setting for most of Europe)
 * are in Total once, through the prices: when the figures add up only so,
 * the tax is taken as inside the prices and not added again.
 */
static void taxes_included(struct order *o)
{
	long long items = 0;
	size_t i;

	for (i = 0; i < o->nitems; i++)
		items += o->items[i].qty * o->items[i].unit_price;
	if (items + o->shipping + o->tax - o->discount != o->total &&
	    items + o->shipping - o->discount == o->total)
		o->tax = 0;
}

/* Shopify's file: its Name on every row ("#1001"), the rest on the first. */
static const struct import_rows_source shopify = {
	.sep = ',',
	/* A quoted field's bytes are at most twice its value, and quotes. */
	.raw_per_field = 2 * IMPORT_FIELD_MAX + 4,
	.cols = cols, .ncols = C_COUNT, .key = C_NAME, .strip_hash = 1,
	.what = "the Shopify header",
	.fix = "export the orders again with all columns",
	.quote_name = 1, .empty = "the import file is empty",
	.first = first_row, .row = add_item, .finish = taxes_included,
	.ships = requires_shipping,
};

enum od_code import_shopify_next(struct import_shopify *s, struct order **out,
				 size_t *line, int *cancelled,
				 unsigned char sha256[32], struct od_err *err)
{
	return import_rows_next(&s->rs, out, line, cancelled, sha256, err);
}

enum od_code import_shopify_new(struct import_input *in,
				struct import_shopify **out,
				struct od_err *err)
{
	struct import_shopify *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_rows_init(&s->rs, in, &shopify);
	*out = s;
	return OD_OK;
}

void import_shopify_free(struct import_shopify *s)
{
	if (s == NULL)
		return;
	import_rows_release(&s->rs);
	free(s);
}

const struct import_meta *import_shopify_said(const struct import_shopify *s)
{
	return &s->rs.said;
}
