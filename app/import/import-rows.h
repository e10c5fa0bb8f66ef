/*
 * import-rows.h - the rows of one order, for the storefront files that
 * write one row per item (Shopify, Amazon, Etsy): the columns found by
 * their header names, the rows of an order read up to the next order's,
 * its digest, its SKUs made one and its validation.  Each source gives its
 * column map and what its first row and each row add (import-rows.c).
 * Not for other modules.
 */
#ifndef OD_IMPORT_ROWS_H
#define OD_IMPORT_ROWS_H

#include <stddef.h>

#include "app/import/csv-rec.h"
#include "app/import/import-input.h"
#include "app/import/import.h"
#include "app/log/order.h"
#include "lib/err.h"

/* The most columns a source names. */
#define IMPORT_ROWS_COLS 40

/* A column a source reads, by its header name. */
struct import_col {
	const char *name;
	int required;
};

struct import_rows;

/* What one source's file looks like and what its rows mean. */
struct import_rows_source {
	char sep;                    /* ',' or '\t' */
	size_t raw_per_field;        /* bytes of raw record kept per field */
	const struct import_col *cols;
	size_t ncols;                /* <= IMPORT_ROWS_COLS */
	size_t key;                  /* the column naming the order */
	int strip_hash;              /* "#1001" is order 1001 */
	/* For a missing column: "line 1: WHAT has no column NAME; FIX". */
	const char *what, *fix;
	int quote_name;              /* NAME in double quotes */
	const char *empty;           /* the message for an empty file, or NULL */
	/*
	 * The order's own columns from its first row (o->number and pfx,
	 * "line N: order X", are set), and what the store says of it besides
	 * (said: cancelled, refunded, its own id; zeroed before).
	 */
	enum od_code (*first)(const struct import_rows *rs, const char *pfx,
			      struct order *o, struct import_meta *said,
			      struct od_err *err);
	/* What one row (the first too) adds to o: its item, its sums. */
	enum od_code (*row)(const struct import_rows *rs, const char *pfx,
			    struct order *o, struct od_err *err);
	/* After the last row and the SKUs made one: the totals; or NULL. */
	void (*finish)(struct order *o);
	/*
	 * Whether the row's item needs shipping, or NULL when every item
	 * does: an order none of whose items does gets no ship-to.
	 */
	int (*ships)(const struct import_rows *rs);
};

/* The reader; a source's own struct holds one. */
struct import_rows {
	const struct import_rows_source *src;
	struct csv c;
	struct csv_record r;
	int idx[IMPORT_ROWS_COLS];   /* field of each column, -1 if absent */
	size_t ncols;
	int header_read;
	int row_pending;             /* r holds the next order's first row */
	struct import_meta said;     /* what first said of the last order */
	size_t ships;                /* its rows whose item needs shipping */
	size_t rows;
};

/* Starts reading in's rows as src says. */
void import_rows_init(struct import_rows *rs, struct import_input *in,
		      const struct import_rows_source *src);

/* Frees what the reader holds (not rs itself). */
void import_rows_release(struct import_rows *rs);

/*
 * Reads the header (first call) and the rows of the next order: *out is
 * that order, validated, the caller's, or NULL at the end; *line the line
 * of its first row; sha256 the SHA-256 of its rows as they stand in the
 * file, line ends included.
 */
enum od_code import_rows_next(struct import_rows *rs, struct order **out,
			      size_t *line, int *cancelled,
			      unsigned char sha256[32], struct od_err *err);

/* Column k of the current row, "" when the header has no such column. */
const char *import_rows_val(const struct import_rows *rs, size_t k);

/*
 * Money in column k, in minor units, 0 when empty; with minus, a leading
 * '-' is dropped (a discount written negative).
 */
enum od_code import_rows_money(const struct import_rows *rs, const char *pfx,
			       size_t k, const char *currency, int minus,
			       long long *v, struct od_err *err);

/*
 * Starts the next item of o from the current row: room for it, and its
 * quantity from column qty (1..ORDER_MAX_QTY); *it is the item, not yet
 * counted in o->nitems.
 */
enum od_code import_rows_item(const struct import_rows *rs, const char *pfx,
			      size_t qty, struct order *o,
			      struct order_item **it, struct od_err *err);

/*
 * Ends the item *it (its name set): counts it in o, and its SKU from
 * column sku, or one made from its name when the store left it empty.
 */
enum od_code import_rows_item_done(const struct import_rows *rs, size_t sku,
				   struct order *o, struct order_item *it,
				   struct od_err *err);

#endif
