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

/* The reader's position in the input. */
struct csv {
	struct import_input *in;
	size_t line;          /* line number of the next byte, from 1 */
};

/*
 * One record: its fields, NUL-terminated, one after another in data.  A
 * header may have one column too many, so that it is named as unknown or
 * repeated rather than just counted.
 */
#define CSV_MAX_FIELDS (COL_COUNT + 1)

struct csv_record {
	size_t line;          /* the line it starts on */
	size_t n;
	size_t off[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];
	struct buf data;
};

/* Field i of r (as read, untrimmed). */
static const char *rec_field(const struct csv_record *r, size_t i)
{
	return r->data.data + r->off[i];
}

/* The next unread byte's address; good until the next fill. */
static const char *csv_at(const struct csv *c)
{
	return c->in->data + c->in->pos;
}

/* Sets *b to the next byte, or -1 at the end of the input. */
static enum od_code csv_peek(struct csv *c, int *b, struct od_err *err)
{
	enum od_code rc = import_input_fill(c->in, 1, err);

	if (rc != OD_OK)
		return rc;
	*b = import_input_avail(c->in) > 0 ? (unsigned char)*csv_at(c) : -1;
	return OD_OK;
}

/* Whether the reader is at a line end (LF or CRLF); *n its length. */
static enum od_code csv_eol(struct csv *c, int *yes, size_t *n,
			    struct od_err *err)
{
	enum od_code rc = import_input_fill(c->in, 2, err);
	size_t avail = import_input_avail(c->in);
	const char *p = csv_at(c);

	*yes = 0;
	if (rc != OD_OK)
		return rc;
	if (avail >= 1 && p[0] == '\n') {
		*n = 1;
		*yes = 1;
	} else if (avail >= 2 && p[0] == '\r' && p[1] == '\n') {
		*n = 2;
		*yes = 1;
	}
	return OD_OK;
}

/* Appends bytes to the field being read, within IMPORT_FIELD_MAX. */
static enum od_code csv_field_add(struct csv_record *r, size_t start,
				  const char *p, size_t n, int quoted,
				  size_t line, struct od_err *err)
{
	if (r->data.len - start + n > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: a field is longer than %d "
				  "bytes%s", line, IMPORT_FIELD_MAX,
				  quoted ? " (is a quote left open?)" : "");
	return buf_add(&r->data, p, n, err);
}

/*
 * Reads one quoted field (RFC 4180: "" stands for one quote), a window at a
 * time: a field may span many lines and reads.
 */
static enum od_code csv_quoted(struct csv *c, struct csv_record *r,
			       size_t start, struct od_err *err)
{
	struct import_input *in = c->in;
	size_t line0 = c->line, avail, n, i;
	const char *p, *q;
	enum od_code rc;
	int b;

	in->pos++;
	for (;;) {
		rc = import_input_fill(in, 1, err);
		if (rc != OD_OK)
			return rc;
		p = csv_at(c);
		avail = import_input_avail(in);
		q = memchr(p, '"', avail);
		n = q != NULL ? (size_t)(q - p) : avail;
		/* The size cap first: it bounds the work on a quote left open. */
		rc = csv_field_add(r, start, p, n, 1, line0, err);
		if (rc != OD_OK)
			return rc;
		for (i = 0; i < n; i++)
			if (p[i] == '\n')
				c->line++;
		in->pos += n;
		if (q == NULL) {
			if (in->eof)
				return od_err_set(err, OD_E_INPUT,
						  "line %zu: a quoted field is "
						  "never closed (unterminated "
						  "quote)", line0);
			continue;
		}
		in->pos++;
		rc = csv_peek(c, &b, err);
		if (rc != OD_OK)
			return rc;
		if (b != '"')
			return OD_OK;
		rc = csv_field_add(r, start, "\"", 1, 1, line0, err);
		if (rc != OD_OK)
			return rc;
		in->pos++;
	}
}

/*
 * Reads one unquoted field, up to a comma or line end.  A quote anywhere in
 * it is the error to give even past the size cap, as when the field was
 * read whole: past the cap the rest is scanned, not kept.
 */
static enum od_code csv_bare(struct csv *c, struct csv_record *r,
			     size_t start, struct od_err *err)
{
	struct import_input *in = c->in;
	size_t avail, lim, i, len = 0;
	const char *p;
	enum od_code rc;
	int stop = 0;

	while (!stop) {
		rc = import_input_fill(in, 2, err);
		if (rc != OD_OK)
			return rc;
		p = csv_at(c);
		avail = import_input_avail(in);
		if (avail == 0)
			break;
		/* A '\r' is looked at with the byte after it (CRLF). */
		lim = in->eof ? avail : avail - 1;
		for (i = 0; i < lim; i++) {
			if (p[i] == ',' || p[i] == '\n' ||
			    (p[i] == '\r' && i + 1 < avail && p[i + 1] == '\n')) {
				stop = 1;
				break;
			}
			if (p[i] == '"')
				return od_err_set(err, OD_E_INPUT,
						  "line %zu: a quote inside an "
						  "unquoted field; quote the "
						  "whole field and write the "
						  "quote as \"\"", c->line);
		}
		if (len + i <= IMPORT_FIELD_MAX) {
			rc = csv_field_add(r, start, p, i, 0, c->line, err);
			if (rc != OD_OK)
				return rc;
		}
		len += i;
		in->pos += i;
	}
	if (len > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: a field is longer than %d bytes",
				  c->line, IMPORT_FIELD_MAX);
	return OD_OK;
}

/*
 * Reads the next record into r, with at most max fields.  Empty lines are
 * skipped.  *got is 0 at the end of the input.
 */
static enum od_code csv_next(struct csv *c, struct csv_record *r, size_t max,
			     int *got, struct od_err *err)
{
	enum od_code rc;
	size_t start, n;
	int eol, b;

	*got = 0;
	for (;;) {
		rc = csv_eol(c, &eol, &n, err);
		if (rc != OD_OK)
			return rc;
		if (!eol)
			break;
		c->in->pos += n;
		c->line++;
	}
	rc = csv_peek(c, &b, err);
	if (rc != OD_OK || b == -1)
		return rc;
	r->line = c->line;
	r->n = 0;
	buf_reset(&r->data);
	for (;;) {
		if (r->n == max)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: more than %zu fields "
					  "(wrong column count)", r->line,
					  max);
		start = r->data.len;
		rc = csv_peek(c, &b, err);
		if (rc != OD_OK)
			return rc;
		if (b == '"')
			rc = csv_quoted(c, r, start, err);
		else
			rc = csv_bare(c, r, start, err);
		if (rc != OD_OK)
			return rc;
		r->off[r->n] = start;
		r->len[r->n] = r->data.len - start;
		r->n++;
		/* The NUL makes the field a C string; CSV data has no NUL. */
		rc = buf_add(&r->data, "", 1, err);
		if (rc == OD_OK)
			rc = csv_peek(c, &b, err);
		if (rc != OD_OK)
			return rc;
		if (b == -1)
			break;
		if (b == ',') {
			c->in->pos++;
			continue;
		}
		rc = csv_eol(c, &eol, &n, err);
		if (rc != OD_OK)
			return rc;
		if (eol) {
			c->in->pos += n;
			c->line++;
			break;
		}
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: text after a closing quote; "
				  "write a quote inside a quoted field as \"\"",
				  c->line);
	}
	*got = 1;
	return OD_OK;
}

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
	v = col_value(m, r, COL_SHIP_COUNTRY, &len);
	rc = import_copy_code(pfx, "ship_country", v, len, o->country, 2, err);
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
	cr->c.in = in;
	cr->c.line = 1;
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
