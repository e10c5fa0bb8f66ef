/*
 * import-rows.c - the rows of one order, for the storefront files that
 * write one row per item (import-shopify.c, import-amazon.c,
 * import-etsy.c): what those three read alike, driven by each one's
 * column map and row hooks (import-rows.h).
 */
#include "app/import/import-rows.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"
#include "app/import/import-ship-to.h"
#include "app/import/import.h"

void import_rows_init(struct import_rows *rs, struct import_input *in,
		      const struct import_rows_source *src)
{
	memset(rs, 0, sizeof *rs);
	rs->src = src;
	csv_init(&rs->c, in, src->sep);
	buf_init(&rs->r.data, CSV_REC_MAX * (IMPORT_FIELD_MAX + 1));
	buf_init(&rs->r.raw, CSV_REC_MAX * src->raw_per_field);
	rs->r.keep_raw = 1;
}

void import_rows_release(struct import_rows *rs)
{
	buf_free(&rs->r.data);
	buf_free(&rs->r.raw);
}

const char *import_rows_val(const struct import_rows *rs, size_t k)
{
	return rs->idx[k] < 0 ? "" : rec_field(&rs->r, (size_t)rs->idx[k]);
}

/* Reads the header and finds the columns by name. */
static enum od_code read_header(struct import_rows *rs, struct od_err *err)
{
	const struct import_rows_source *src = rs->src;
	const char *q = src->quote_name ? "\"" : "";
	enum od_code rc;
	size_t i, k;
	int got;

	rc = csv_next(&rs->c, &rs->r, CSV_REC_MAX, &got, err);
	if (rc != OD_OK)
		return rc;
	if (!got && src->empty != NULL)
		return od_err_set(err, OD_E_INPUT, "%s", src->empty);
	for (k = 0; k < src->ncols; k++)
		rs->idx[k] = -1;
	for (i = 0; got && i < rs->r.n; i++)
		for (k = 0; k < src->ncols; k++)
			if (rs->idx[k] < 0 &&
			    strcmp(rec_field(&rs->r, i), src->cols[k].name) == 0)
				rs->idx[k] = (int)i;
	for (k = 0; k < src->ncols; k++)
		if (src->cols[k].required && rs->idx[k] < 0)
			return od_err_set(err, OD_E_INPUT,
					  "line 1: %s has no column %s%s%s; %s",
					  src->what, q, src->cols[k].name, q,
					  src->fix);
	rs->ncols = rs->r.n;
	rs->header_read = 1;
	return OD_OK;
}

/* Reads the next row into r; *got 0 at the end. */
static enum od_code next_row(struct import_rows *rs, int *got,
			     struct od_err *err)
{
	enum od_code rc;

	rc = csv_next(&rs->c, &rs->r, rs->ncols, got, err);
	if (rc != OD_OK || !*got)
		return rc;
	if (++rs->rows > IMPORT_MAX_ROWS)
		return od_err_set(err, OD_E_INPUT, "the import file has more "
				  "than %d rows; split it", IMPORT_MAX_ROWS);
	if (rs->r.n != rs->ncols)
		return od_err_set(err, OD_E_INPUT, "line %zu: %zu fields, "
				  "the header has %zu (wrong column count)",
				  rs->r.line, rs->r.n, rs->ncols);
	return OD_OK;
}

enum od_code import_rows_money(const struct import_rows *rs, const char *pfx,
			       size_t k, const char *currency, int minus,
			       long long *v, struct od_err *err)
{
	const char *t = import_rows_val(rs, k);

	*v = 0;
	if (minus && t[0] == '-')
		t++;
	if (t[0] == '\0')
		return OD_OK;
	return import_decimal(pfx, rs->src->cols[k].name, t, currency, v,
			      err);
}

enum od_code import_rows_item(const struct import_rows *rs, const char *pfx,
			      size_t qty, struct order *o,
			      struct order_item **it, struct od_err *err)
{
	const char *q = import_rows_val(rs, qty);
	enum od_code rc;
	char *end;
	long long n;

	rc = import_item_room(o, pfx, err);
	if (rc != OD_OK)
		return rc;
	*it = &o->items[o->nitems];
	n = strtoll(q, &end, 10);
	if (q[0] < '0' || q[0] > '9' || *end != '\0' || n < 1 ||
	    n > ORDER_MAX_QTY)
		return od_err_set(err, OD_E_INPUT, "%s: %s: must be a whole "
				  "number from 1 to %d", pfx,
				  rs->src->cols[qty].name, ORDER_MAX_QTY);
	(*it)->qty = n;
	return OD_OK;
}

enum od_code import_rows_item_done(const struct import_rows *rs, size_t sku,
				   struct order *o, struct order_item *it,
				   struct od_err *err)
{
	const char *s = import_rows_val(rs, sku);

	o->nitems++;
	return import_item_sku(it, s, err);
}

/* The order number in the key column of the current row. */
static const char *row_number(const struct import_rows *rs)
{
	const char *v = import_rows_val(rs, rs->src->key);

	return rs->src->strip_hash && v[0] == '#' ? v + 1 : v;
}

/*
 * "line N: order X" into pfx, for the messages of a row's checks; by hand,
 * as snprintf's cost showed for every row of a large export.
 */
static void where(char pfx[PFX_MAX], size_t line, const char *number)
{
	char digits[24];
	size_t n = 0, k = 5, len = strlen(number);

	memcpy(pfx, "line ", 5);
	do
		digits[n++] = (char)('0' + line % 10);
	while ((line /= 10) > 0);
	while (n > 0)
		pfx[k++] = digits[--n];
	if (len > PFX_MAX - k - 9)
		len = PFX_MAX - k - 9;
	memcpy(pfx + k, ": order ", 8);
	memcpy(pfx + k + 8, number, len);
	pfx[k + 8 + len] = '\0';
}

/* What the row in r adds to o, and whether its item needs shipping. */
static enum od_code add_row(struct import_rows *rs, const char *pfx,
			    struct order *o, struct od_err *err)
{
	enum od_code rc = rs->src->row(rs, pfx, o, err);

	if (rc == OD_OK && (rs->src->ships == NULL || rs->src->ships(rs)))
		rs->ships++;
	return rc;
}

/* Starts an order from its first row, in r. */
static enum od_code start(struct import_rows *rs, struct order **out,
			  int *cancelled, char *pfx, struct od_err *err)
{
	const struct import_rows_source *src = rs->src;
	struct order *o;
	struct od_err e;
	enum od_code rc;

	o = *out = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = import_dup(row_number(rs), &o->number, err);
	od_err_clear(&e);
	if (rc == OD_OK && order_number_check(o->number, &e) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "line %zu: %s: %s",
				  rs->r.line, src->cols[src->key].name, e.msg);
	if (rc != OD_OK)
		return rc;
	where(pfx, rs->r.line, o->number);
	memset(&rs->said, 0, sizeof rs->said);
	rs->ships = 0;
	rc = src->first(rs, pfx, o, &rs->said, err);
	*cancelled = rs->said.cancelled;
	return rc == OD_OK ? add_row(rs, pfx, o, err) : rc;
}

/* Reads the rest of the order begun in o: its rows up to the next one's. */
static enum od_code more_rows(struct import_rows *rs, struct order *o,
			      struct sha256_ctx *h, struct od_err *err)
{
	char pfx[PFX_MAX];
	enum od_code rc;
	int got;

	while ((rc = next_row(rs, &got, err)) == OD_OK && got) {
		if (strcmp(row_number(rs), o->number) != 0) {
			rs->row_pending = 1;
			break;
		}
		sha256_update(h, rs->r.raw_n, (const uint8_t *)rs->r.raw_p);
		where(pfx, rs->r.line, o->number);
		rc = add_row(rs, pfx, o, err);
		if (rc != OD_OK)
			break;
	}
	return rc;
}

enum od_code import_rows_next(struct import_rows *rs, struct order **out,
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
	if (!rs->header_read)
		rc = read_header(rs, err);
	if (rc == OD_OK && !rs->row_pending)
		rc = next_row(rs, &got, err);
	if (rc != OD_OK || !got)
		return rc;
	rs->row_pending = 0;
	*line = rs->r.line;
	sha256_init(&h);
	sha256_update(&h, rs->r.raw_n, (const uint8_t *)rs->r.raw_p);
	rc = start(rs, &o, cancelled, pfx, err);
	if (rc == OD_OK)
		rc = more_rows(rs, o, &h, err);
	sha256_digest(&h, SHA256_DIGEST_SIZE, sha256);
	if (rc == OD_OK)
		rc = import_merge_skus(o, err);
	if (rc == OD_OK && rs->src->finish != NULL)
		rs->src->finish(o);
	/* No item needs shipping: no ship-to, whatever the file gave. */
	if (rc == OD_OK && rs->ships == 0)
		rc = import_ship_to_none(o, err);
	/* The checks pass nearly always: "line N" only for a message. */
	if (rc == OD_OK && order_validate(o, err) != OD_OK) {
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
