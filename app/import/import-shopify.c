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

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/csv-rec.h"
#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import.h"

enum col {
	C_NAME, C_EMAIL, C_FINANCIAL, C_CURRENCY, C_SUBTOTAL, C_SHIPPING,
	C_TAXES, C_TOTAL, C_DISCOUNT, C_CREATED, C_QTY, C_ITEM, C_PRICE,
	C_SKU, C_REQUIRES, C_B_NAME, C_B_ADDR1, C_B_ADDR2, C_B_COMPANY,
	C_B_CITY, C_B_ZIP, C_B_PROVINCE, C_B_COUNTRY, C_B_PHONE, C_S_NAME,
	C_S_ADDR1, C_S_ADDR2, C_S_COMPANY, C_S_CITY, C_S_ZIP, C_S_PROVINCE,
	C_S_COUNTRY, C_S_PHONE, C_NOTES, C_CANCELLED, C_ID,
	C_COUNT
};

static const struct {
	const char *name;
	int required;
} cols[C_COUNT] = {
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
};

struct import_shopify {
	struct csv c;
	struct csv_record r;
	int idx[C_COUNT];          /* field of each column, -1 if absent */
	size_t ncols;
	int header_read;
	int row_pending;           /* r holds the next order's first row */
	size_t rows;
};

/* Column k of the row in r, "" when the header has no such column. */
static const char *val(const struct import_shopify *s, enum col k)
{
	return s->idx[k] < 0 ? "" : rec_field(&s->r, (size_t)s->idx[k]);
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

enum od_code import_shopify_new(struct import_input *in,
				struct import_shopify **out,
				struct od_err *err)
{
	struct import_shopify *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	csv_init(&s->c, in, ',');
	buf_init(&s->r.data, CSV_REC_MAX * (IMPORT_FIELD_MAX + 1));
	/* A quoted field's bytes are at most twice its value, and quotes. */
	buf_init(&s->r.raw, CSV_REC_MAX * (2 * IMPORT_FIELD_MAX + 4));
	s->r.keep_raw = 1;
	*out = s;
	return OD_OK;
}

void import_shopify_free(struct import_shopify *s)
{
	if (s == NULL)
		return;
	buf_free(&s->r.data);
	buf_free(&s->r.raw);
	free(s);
}

/* Reads the header and finds the columns by name. */
static enum od_code read_header(struct import_shopify *s, struct od_err *err)
{
	enum od_code rc;
	size_t i, k;
	int got;

	rc = csv_next(&s->c, &s->r, CSV_REC_MAX, &got, err);
	if (rc != OD_OK)
		return rc;
	if (!got)
		return od_err_set(err, OD_E_INPUT, "the import file is empty");
	for (k = 0; k < C_COUNT; k++)
		s->idx[k] = -1;
	for (i = 0; i < s->r.n; i++)
		for (k = 0; k < C_COUNT; k++)
			if (strcmp(rec_field(&s->r, i), cols[k].name) == 0 &&
			    s->idx[k] < 0)
				s->idx[k] = (int)i;
	for (k = 0; k < C_COUNT; k++)
		if (cols[k].required && s->idx[k] < 0)
			return od_err_set(err, OD_E_INPUT, "line 1: the "
					  "Shopify header has no column "
					  "\"%s\"; export the orders again "
					  "with all columns", cols[k].name);
	s->ncols = s->r.n;
	s->header_read = 1;
	return OD_OK;
}

/* Reads the next row into r; *got 0 at the end. */
static enum od_code next_row(struct import_shopify *s, int *got,
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

/* Money in column k of the row, in minor units. */
static enum od_code money(const struct import_shopify *s, const char *pfx,
			  enum col k, const char *currency, long long *v,
			  struct od_err *err)
{
	const char *t = val(s, k);

	*v = 0;
	if (t[0] == '\0')
		return OD_OK;
	return import_decimal(pfx, cols[k].name, t, currency, v, err);
}

/* The line item of the row in r, added to o. */
static enum od_code add_item(const struct import_shopify *s,
			     const char *pfx, struct order *o,
			     struct od_err *err)
{
	struct order_item *it;
	const char *q = val(s, C_QTY);
	char *end;
	long long n;
	enum od_code rc;

	rc = import_item_room(o, pfx, err);
	if (rc != OD_OK)
		return rc;
	it = &o->items[o->nitems];
	n = strtoll(q, &end, 10);
	if (q[0] < '0' || q[0] > '9' || *end != '\0' || n < 1 ||
	    n > ORDER_MAX_QTY)
		return od_err_set(err, OD_E_INPUT, "%s: Lineitem quantity: "
				  "must be a whole number from 1 to %d", pfx,
				  ORDER_MAX_QTY);
	it->qty = n;
	rc = money(s, pfx, C_PRICE, o->currency, &it->unit_price, err);
	if (rc == OD_OK)
		rc = import_one_line(val(s, C_ITEM), &it->name, err);
	if (rc != OD_OK)
		return rc;
	o->nitems++;
	if (val(s, C_SKU)[0] != '\0')
		return import_dup(val(s, C_SKU), &it->sku, err);
	it->sku = malloc(ORDER_SKU_MAX + 1);
	if (it->sku == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_derive_sku(it->name, it->sku);
	return OD_OK;
}

/*
 * One address: ship-to from the Shipping columns, or from the Billing
 * ones when it has none (a gift card, a download).  The province goes
 * after the city.
 */
static enum od_code address(const struct import_shopify *s, struct order *o,
			    struct od_err *err)
{
	int b = val(s, C_S_ADDR1)[0] == '\0';
	char city[2 * IMPORT_FIELD_MAX + 3];
	const char *prov = val(s, b ? C_B_PROVINCE : C_S_PROVINCE);
	enum od_code rc;

	rc = import_dup(val(s, b ? C_B_NAME : C_S_NAME), &o->ship_name, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, b ? C_B_ADDR1 : C_S_ADDR1),
				&o->ship_lines[0], err);
	o->nlines = 1;
	if (rc == OD_OK && val(s, b ? C_B_ADDR2 : C_S_ADDR2)[0] != '\0') {
		rc = import_dup(val(s, b ? C_B_ADDR2 : C_S_ADDR2),
				&o->ship_lines[1], err);
		o->nlines = 2;
	}
	snprintf(city, sizeof city, prov[0] != '\0' ? "%s, %s" : "%s",
		 val(s, b ? C_B_CITY : C_S_CITY), prov);
	if (rc == OD_OK)
		rc = import_dup(city, &o->city, err);
	if (rc == OD_OK)
		rc = import_dup(val(s, b ? C_B_ZIP : C_S_ZIP), &o->postcode,
				err);
	snprintf(o->country, sizeof o->country, "%.2s",
		 val(s, b ? C_B_COUNTRY : C_S_COUNTRY));
	return rc;
}

/* Financial Status to how the order arrived. */
static enum od_code financial(const struct import_shopify *s,
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
static enum od_code order_columns(const struct import_shopify *s,
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

/* Starts an order from its first row, in r. */
static enum od_code start(struct import_shopify *s, struct order **out,
			  int *cancelled, char *pfx, struct od_err *err)
{
	const char *name = val(s, C_NAME);
	struct order *o;
	struct od_err e;
	enum od_code rc;

	*out = NULL;
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	*out = o;
	/* "#1001": the number as the merchant knows it, without the '#'. */
	rc = import_dup(name[0] == '#' ? name + 1 : name, &o->number, err);
	od_err_clear(&e);
	if (rc == OD_OK && order_number_check(o->number, &e) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "line %zu: Name: %s",
				  s->r.line, e.msg);
	if (rc != OD_OK)
		return rc;
	snprintf(pfx, PFX_MAX, "line %zu: order %s", s->r.line, o->number);
	*cancelled = val(s, C_CANCELLED)[0] != '\0';
	rc = order_columns(s, pfx, o, err);
	return rc == OD_OK ? add_item(s, pfx, o, err) : rc;
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

/* Feeds the row in r, as read, to the order's digest. */
static enum od_code hash_row(struct import_shopify *s, struct sha256_ctx *h,
			     struct od_err *err)
{
	(void)err;
	sha256_update(h, s->r.raw_n, (const uint8_t *)s->r.raw_p);
	return OD_OK;
}

/* Reads the rest of the order begun in o: its rows up to the next one's. */
static enum od_code more_rows(struct import_shopify *s, struct order *o,
			      struct sha256_ctx *h, struct od_err *err)
{
	char pfx[PFX_MAX];
	enum od_code rc = OD_OK;
	const char *raw;
	int got;

	while (rc == OD_OK) {
		rc = next_row(s, &got, err);
		if (rc != OD_OK || !got)
			break;
		raw = val(s, C_NAME);
		if (strcmp(raw[0] == '#' ? raw + 1 : raw, o->number) != 0) {
			s->row_pending = 1;
			break;
		}
		snprintf(pfx, sizeof pfx, "line %zu: order %s", s->r.line,
			 o->number);
		rc = hash_row(s, h, err);
		if (rc == OD_OK)
			rc = add_item(s, pfx, o, err);
	}
	return rc;
}

enum od_code import_shopify_next(struct import_shopify *s, struct order **out,
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
	rc = hash_row(s, &h, err);
	if (rc == OD_OK)
		rc = start(s, &o, cancelled, pfx, err);
	if (rc == OD_OK)
		rc = more_rows(s, o, &h, err);
	sha256_digest(&h, SHA256_DIGEST_SIZE, sha256);
	if (rc == OD_OK)
		rc = import_merge_skus(o, err);
	if (rc == OD_OK) {
		taxes_included(o);
		snprintf(pfx, sizeof pfx, "line %zu", *line);
		rc = import_validate(o, pfx, err);
	}
	if (rc != OD_OK) {
		order_free(o);
		return rc;
	}
	*out = o;
	return OD_OK;
}
