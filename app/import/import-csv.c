/*
 * import-csv.c - orders from the CSV import format: a header, then one row
 * per item, an order's rows together (assets/import-format.md).
 *
 * Rows are read through the input's window, one order at a time, so a file
 * of any length is never held whole.  Every value and the number of rows
 * are capped.  Messages say which line and column, but never quote the
 * file's text, except order numbers, SKUs and column names whose
 * characters were checked.
 */
#include "app/import/import-internal.h"
#include "app/import/csv-rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import.h"
#include "app/log/money.h"
#include "lib/buf.h"

enum csv_col {
	COL_NUMBER, COL_PLACED_AT, COL_CURRENCY, COL_CUSTOMER_NAME,
	COL_CUSTOMER_EMAIL, COL_CUSTOMER_PHONE, COL_SHIP_NAME, COL_SHIP_LINE1,
	COL_SHIP_LINE2, COL_SHIP_LINE3, COL_SHIP_LINE4, COL_SHIP_CITY,
	COL_SHIP_POSTCODE, COL_SHIP_COUNTRY, COL_SHIPPING, COL_TAX,
	COL_DISCOUNT, COL_TOTAL, COL_PAYMENT, COL_NOTE,
	/* the rest are per item; those above are per order */
	COL_SKU, COL_ITEM_NAME, COL_QTY, COL_UNIT_PRICE,
	COL_COUNT
};

#define COL_FIRST_ITEM COL_SKU

static const struct {
	const char *name;
	int required;
} csv_cols[COL_COUNT] = {
	[COL_NUMBER]         = { "number", 1 },
	[COL_PLACED_AT]      = { "placed_at", 1 },
	[COL_CURRENCY]       = { "currency", 1 },
	[COL_CUSTOMER_NAME]  = { "customer_name", 1 },
	[COL_CUSTOMER_EMAIL] = { "customer_email", 0 },
	[COL_CUSTOMER_PHONE] = { "customer_phone", 0 },
	[COL_SHIP_NAME]      = { "ship_name", 1 },
	[COL_SHIP_LINE1]     = { "ship_line1", 1 },
	[COL_SHIP_LINE2]     = { "ship_line2", 0 },
	[COL_SHIP_LINE3]     = { "ship_line3", 0 },
	[COL_SHIP_LINE4]     = { "ship_line4", 0 },
	[COL_SHIP_CITY]      = { "ship_city", 1 },
	[COL_SHIP_POSTCODE]  = { "ship_postcode", 0 },
	[COL_SHIP_COUNTRY]   = { "ship_country", 1 },
	[COL_SHIPPING]       = { "shipping", 0 },
	[COL_TAX]            = { "tax", 0 },
	[COL_DISCOUNT]       = { "discount", 0 },
	[COL_TOTAL]          = { "total", 1 },
	[COL_PAYMENT]        = { "payment", 0 },
	[COL_NOTE]           = { "note", 0 },
	[COL_SKU]            = { "sku", 1 },
	[COL_ITEM_NAME]      = { "item_name", 1 },
	[COL_QTY]            = { "qty", 1 },
	[COL_UNIT_PRICE]     = { "unit_price", 1 },
};

#define CSV_MAX_FIELDS (COL_COUNT + 1)

/* What the header says: which field of a row holds each column. */
struct csv_map {
	int idx[COL_COUNT];   /* -1 when the column is absent */
	size_t ncols;
};

/* Reads the header and maps its column names. */
static enum od_code csv_header(struct csv *c, struct csv_record *r,
			       struct csv_map *m, struct od_err *err)
{
	enum od_code rc;
	char *name = NULL;
	size_t i;
	int got, k;

	for (k = 0; k < COL_COUNT; k++)
		m->idx[k] = -1;
	rc = csv_next(c, r, CSV_MAX_FIELDS, &got, err);
	if (rc != OD_OK)
		return rc;
	if (!got)
		return od_err_set(err, OD_E_INPUT,
				  "import file: no header row; the first "
				  "line must name the columns");
	for (i = 0; i < r->n; i++) {
		rc = import_copy_trimmed(&name, rec_field(r, i), r->len[i], err);
		if (rc != OD_OK)
			return rc;
		for (k = 0; k < COL_COUNT; k++)
			if (strcmp(name, csv_cols[k].name) == 0)
				break;
		if (k == COL_COUNT) {
			if (import_name_quotable(name))
				rc = od_err_set(err, OD_E_INPUT,
						"line %zu: unknown column "
						"\"%s\" in the header (see "
						"import-format.md)", r->line,
						name);
			else
				rc = od_err_set(err, OD_E_INPUT,
						"line %zu: header column %zu "
						"is not a known column name "
						"(see import-format.md)",
						r->line, i + 1);
		} else if (m->idx[k] != -1) {
			rc = od_err_set(err, OD_E_INPUT,
					"line %zu: column %s appears twice in "
					"the header", r->line,
					csv_cols[k].name);
		} else {
			m->idx[k] = (int)i;
		}
		free(name);
		name = NULL;
		if (rc != OD_OK)
			return rc;
	}
	for (k = 0; k < COL_COUNT; k++)
		if (csv_cols[k].required && m->idx[k] == -1)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: the header has no column "
					  "%s, which is required (missing "
					  "column)", r->line, csv_cols[k].name);
	m->ncols = r->n;
	return OD_OK;
}

/* The value of column k in r, "" when the header does not have it. */
static const char *col_value(const struct csv_map *m,
			     const struct csv_record *r, int k, size_t *len)
{
	if (m->idx[k] < 0) {
		*len = 0;
		return "";
	}
	*len = r->len[m->idx[k]];
	return rec_field(r, (size_t)m->idx[k]);
}

/* Copies column k (trimmed) into *dst. */
static enum od_code col_text(const struct csv_map *m,
			     const struct csv_record *r, int k, char **dst,
			     struct od_err *err)
{
	size_t len;
	const char *v = col_value(m, r, k, &len);

	return import_copy_trimmed(dst, v, len, err);
}

/*
 * Parses column k as a whole number: optional '-', then digits.  The range
 * is order_validate's business; this only keeps it within a long long.
 */
static enum od_code col_int(const char *pfx, const struct csv_map *m,
			    const struct csv_record *r, int k, long long *v,
			    struct od_err *err)
{
	size_t len, i = 0, digits = 0;
	const char *s = col_value(m, r, k, &len);
	int neg = 0;

	while (len > 0 && s[0] == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	*v = 0;
	for (; i < len; i++, digits++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		/* 18 digits always fit; more is out of every range anyway. */
		if (digits == 18)
			return od_err_set(err, OD_E_INPUT,
					  "%s: %s: the number is too large",
					  pfx, csv_cols[k].name);
		*v = *v * 10 + (s[i] - '0');
	}
	if (digits == 0 || i != len)
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a whole number such as 2 "
				  "(no decimal point, no thousands "
				  "separator)", pfx, csv_cols[k].name);
	if (neg)
		*v = -*v;
	return OD_OK;
}

/*
 * The money columns of an order's first row: shipping, tax and discount
 * (whole minor units; absent or empty means 0) and payment (unpaid,
 * authorized, paid or cod; absent or empty means unpaid).
 */
static enum od_code csv_money(const char *pfx, const struct csv_map *m,
			      const struct csv_record *r, struct order *o,
			      struct od_err *err)
{
	const int cols[] = { COL_SHIPPING, COL_TAX, COL_DISCOUNT };
	long long *dst[] = { &o->shipping, &o->tax, &o->discount };
	enum od_code rc = OD_OK;
	char *pay = NULL;
	size_t i, len;

	for (i = 0; i < 3 && rc == OD_OK; i++) {
		col_value(m, r, cols[i], &len);
		if (len > 0)
			rc = col_int(pfx, m, r, cols[i], dst[i], err);
	}
	if (rc == OD_OK)
		rc = col_text(m, r, COL_PAYMENT, &pay, err);
	if (rc == OD_OK && pay[0] != '\0' &&
	    money_arrival_parse(pay, &o->arrival, err) != OD_OK)
		rc = od_err_set(err, OD_E_INPUT,
				"%s: payment: must be unpaid, authorized, paid "
				"or cod", pfx);
	free(pay);
	return rc;
}

/* Whether columns a and b hold the same value, trimmed of spaces. */
static int same_trimmed(const char *a, size_t na, const char *b, size_t nb)
{
	while (na > 0 && *a == ' ') {
		a++;
		na--;
	}
	while (na > 0 && a[na - 1] == ' ')
		na--;
	while (nb > 0 && *b == ' ') {
		b++;
		nb--;
	}
	while (nb > 0 && b[nb - 1] == ' ')
		nb--;
	return na == nb && memcmp(a, b, na) == 0;
}

/* Starts an order from its first row: the order-level columns. */
static enum od_code csv_order_start(const struct csv_map *m,
				    const struct csv_record *r,
				    struct order **out, struct od_err *err)
{
	char pfx[PFX_MAX];
	struct order *o;
	struct od_err e;
	enum od_code rc;
	size_t len;
	const char *v;
	int k;

	*out = NULL;
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = col_text(m, r, COL_NUMBER, &o->number, err);
	if (rc != OD_OK)
		goto out;
	od_err_clear(&e);
	if (order_number_check(o->number, &e) != OD_OK) {
		rc = od_err_set(err, OD_E_INPUT, "line %zu: %s", r->line,
				e.msg);
		goto out;
	}
	snprintf(pfx, sizeof pfx, "line %zu: order %s", r->line, o->number);
	v = col_value(m, r, COL_CURRENCY, &len);
	if ((rc = import_copy_code(pfx, "currency", v, len, o->currency, 3, err)) ||
	    (rc = col_text(m, r, COL_PLACED_AT, &o->placed_at, err)) ||
	    (rc = col_text(m, r, COL_CUSTOMER_NAME, &o->customer_name, err)) ||
	    (rc = col_text(m, r, COL_CUSTOMER_EMAIL, &o->email, err)) ||
	    (rc = col_text(m, r, COL_CUSTOMER_PHONE, &o->phone, err)) ||
	    (rc = col_text(m, r, COL_SHIP_NAME, &o->ship_name, err)) ||
	    (rc = col_text(m, r, COL_SHIP_CITY, &o->city, err)) ||
	    (rc = col_text(m, r, COL_SHIP_POSTCODE, &o->postcode, err)) ||
	    (rc = col_text(m, r, COL_NOTE, &o->note, err)) ||
	    (rc = col_int(pfx, m, r, COL_TOTAL, &o->total, err)) ||
	    (rc = csv_money(pfx, m, r, o, err)))
		goto out;
	/* Empty for an order that needs no shipping: no ship-to at all. */
	v = col_value(m, r, COL_SHIP_COUNTRY, &len);
	if (len > 0)
		rc = import_copy_code(pfx, "ship_country", v, len, o->country,
				      2, err);
	if (rc != OD_OK)
		goto out;
	/* Address lines fill from ship_line1 on; a gap is refused. */
	for (k = COL_SHIP_LINE1; k <= COL_SHIP_LINE4; k++) {
		char *line;

		rc = col_text(m, r, k, &line, err);
		if (rc != OD_OK)
			goto out;
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		if (o->nlines != (size_t)(k - COL_SHIP_LINE1)) {
			free(line);
			rc = od_err_set(err, OD_E_INPUT,
					"%s: %s is set but an earlier address "
					"line is empty; fill ship_line1 "
					"first", pfx, csv_cols[k].name);
			goto out;
		}
		o->ship_lines[o->nlines++] = line;
	}
	*out = o;
	o = NULL;
out:
	order_free(o);
	return rc;
}

/* Refuses a row whose order-level columns differ from the order's first. */
static enum od_code csv_order_agrees(const struct csv_map *m,
				     const struct csv_record *first,
				     const struct csv_record *r,
				     const char *number, struct od_err *err)
{
	const char *a, *b;
	size_t na, nb;
	int k;

	for (k = 0; k < COL_FIRST_ITEM; k++) {
		a = col_value(m, first, k, &na);
		b = col_value(m, r, k, &nb);
		if (!same_trimmed(a, na, b, nb))
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: order %s: %s differs "
					  "from the order's first row (line "
					  "%zu); order-level columns must "
					  "agree on every row of an order",
					  r->line, number, csv_cols[k].name,
					  first->line);
	}
	return OD_OK;
}

/* Adds the item on row r to o. */
static enum od_code csv_add_item(const struct csv_map *m,
				 const struct csv_record *r, struct order *o,
				 size_t *alloc, struct od_err *err)
{
	char pfx[PFX_MAX];
	struct order_item *items, *it;
	enum od_code rc;
	size_t n;

	snprintf(pfx, sizeof pfx, "line %zu: order %s", r->line, o->number);
	if (o->nitems == ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT,
				  "%s: has more than %d items; split the "
				  "order", pfx, ORDER_MAX_ITEMS);
	if (o->nitems == *alloc) {
		n = *alloc ? *alloc * 2 : 8;
		if (n > ORDER_MAX_ITEMS)
			n = ORDER_MAX_ITEMS;
		items = realloc(o->items, n * sizeof *items);
		if (items == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		o->items = items;
		*alloc = n;
	}
	it = &o->items[o->nitems++];
	memset(it, 0, sizeof *it);
	if ((rc = col_text(m, r, COL_SKU, &it->sku, err)) ||
	    (rc = col_text(m, r, COL_ITEM_NAME, &it->name, err)) ||
	    (rc = col_int(pfx, m, r, COL_QTY, &it->qty, err)) ||
	    (rc = col_int(pfx, m, r, COL_UNIT_PRICE, &it->unit_price, err)))
		return rc;
	return OD_OK;
}

/* The CSV rows of an input and the order being read from them. */
struct import_csv {
	struct csv c;
	struct csv_map m;
	int header_read;
	struct csv_record first;   /* the current order's first row */
	struct csv_record r;       /* the row being read */
	struct order *o;           /* the order being read, or NULL */
	size_t o_line;             /* its first line */
	size_t alloc;              /* its items allocated */
	size_t rows;
	int start_pending;         /* first starts an order not yet begun */
};

enum od_code import_csv_new(struct import_input *in, struct import_csv **out,
			    struct od_err *err)
{
	struct import_csv *cr;

	*out = NULL;
	cr = calloc(1, sizeof *cr);
	if (cr == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	csv_init(&cr->c, in, ',');
	buf_init(&cr->first.data, CSV_MAX_FIELDS * (IMPORT_FIELD_MAX + 1));
	buf_init(&cr->r.data, CSV_MAX_FIELDS * (IMPORT_FIELD_MAX + 1));
	*out = cr;
	return OD_OK;
}

/* Starts an order from the row in first, with that row's item. */
static enum od_code start_order(struct import_csv *cr, struct od_err *err)
{
	enum od_code rc;

	cr->alloc = 0;
	cr->o_line = cr->first.line;
	rc = csv_order_start(&cr->m, &cr->first, &cr->o, err);
	if (rc == OD_OK)
		rc = csv_add_item(&cr->m, &cr->first, cr->o, &cr->alloc, err);
	return rc;
}

enum od_code import_csv_next(struct import_csv *cr, struct order **out,
			     size_t *line, struct od_err *err)
{
	struct csv_record tmp;
	const char *num;
	enum od_code rc;
	size_t nlen;
	int got;

	*out = NULL;
	*line = 0;
	if (!cr->header_read) {
		rc = csv_header(&cr->c, &cr->r, &cr->m, err);
		if (rc != OD_OK)
			return rc;
		cr->header_read = 1;
	}
	if (cr->start_pending) {
		cr->start_pending = 0;
		rc = start_order(cr, err);
		if (rc != OD_OK)
			return rc;
	}
	for (;;) {
		rc = csv_next(&cr->c, &cr->r, cr->m.ncols, &got, err);
		if (rc != OD_OK)
			return rc;
		if (!got)
			break;
		if (cr->r.n != cr->m.ncols)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: %zu field(s), but the "
					  "header has %zu columns (wrong column "
					  "count)",
					  cr->r.line, cr->r.n, cr->m.ncols);
		if (++cr->rows > IMPORT_MAX_ROWS)
			return od_err_set(err, OD_E_INPUT,
					  "the import file has more than %d "
					  "rows; split it into smaller files",
					  IMPORT_MAX_ROWS);
		num = col_value(&cr->m, &cr->r, COL_NUMBER, &nlen);
		if (cr->o != NULL && same_trimmed(num, nlen, cr->o->number,
						  strlen(cr->o->number))) {
			rc = csv_order_agrees(&cr->m, &cr->first, &cr->r,
					      cr->o->number, err);
			if (rc == OD_OK)
				rc = csv_add_item(&cr->m, &cr->r, cr->o,
						  &cr->alloc, err);
			if (rc != OD_OK)
				return rc;
			continue;
		}
		/* Keep the first row to compare the others with. */
		tmp = cr->first;
		cr->first = cr->r;
		cr->r = tmp;
		if (cr->o == NULL) {
			rc = start_order(cr, err);
			if (rc != OD_OK)
				return rc;
			continue;
		}
		/*
		 * The order before is complete.  It is handed out first and
		 * this one begun on the next call, so that the order before
		 * is checked before this row is, as in the file.
		 */
		break;
	}
	*out = cr->o;
	*line = cr->o_line;
	cr->o = NULL;
	cr->start_pending = got;
	return OD_OK;
}

void import_csv_free(struct import_csv *cr)
{
	if (cr == NULL)
		return;
	order_free(cr->o);
	buf_free(&cr->first.data);
	buf_free(&cr->r.data);
	free(cr);
}
