/*
 * import.h - reading orders from the import formats (README, "Importing
 * orders"): a JSON array of orders, or CSV with the same fields flattened.
 * Input is hostile until proven otherwise: sizes are capped, every field is
 * checked (order_validate), and nothing is half-imported by this module.
 *
 * A file is read as a stream (struct import_reader), one order at a time,
 * so memory stays flat in the number of orders: a caller that must not act
 * on a bad file reads it once to check it (import_check), then again to
 * use it, and treats any error on the way as the failure of the whole.
 */
#ifndef OD_IMPORT_H
#define OD_IMPORT_H

#include <stddef.h>

#include "app/log/order.h"
#include "lib/err.h"

/* Only what is held whole: a pipe's bytes, import_open_mem's. */
#define IMPORT_MAX_BYTES  (256L * 1024 * 1024)
#define IMPORT_MAX_ORDERS 1000000
#define IMPORT_MAX_ROWS   5000000    /* CSV item rows */
#define IMPORT_FIELD_MAX  4096       /* any one value as read, bytes */

struct order_list {
	struct order **orders;
	size_t count;
};

/* Where a file's orders come from: the format of its bytes. */
enum import_source {
	IMPORT_AUTO,           /* told by the file's first bytes or header */
	IMPORT_ORDERDESK,      /* orderdesk's own JSON or CSV */
	IMPORT_WOOCOMMERCE,    /* WooCommerce REST v3 order JSON */
	IMPORT_SHOPIFY,        /* Shopify's "Export orders" CSV */
	IMPORT_AMAZON,         /* Amazon Seller Central order report */
	IMPORT_ETSY,           /* Etsy's "Sold Order Items" CSV */
	IMPORT_SOURCE_COUNT
};

/* What the file said of the order import_next handed out last. */
struct import_meta {
	enum import_source source;
	int cancelled;                 /* the storefront cancelled it */
	long long refunded;            /* what the storefront gave back */
	char source_id[24];            /* the storefront's own id, or "" */
	unsigned char sha256[32];      /* of the exact bytes it came from */
};

/*
 * "orderdesk", "woocommerce"... to a source; OD_E_USAGE naming the
 * choices for anything else.
 */
enum od_code import_source_parse(const char *name, enum import_source *out,
				 struct od_err *err);

/* The name of a source ("woocommerce"), or NULL out of range. */
const char *import_source_name(enum import_source s);

/* An import file being read, one order at a time. */
struct import_reader;

/*
 * Opens the file at path for reading.  A missing file gives OD_E_NOTFOUND,
 * a read failure OD_E_IO, and a file that is empty OD_E_INPUT.  A regular
 * file is read in a bounded window, whatever its length; anything else (a
 * pipe) is read whole first, since it cannot be read twice, and refused
 * past the whole-file cap (IMPORT_MAX_BYTES).  *out is the caller's
 * (import_close).
 */
enum od_code import_open_file(const char *path, struct import_reader **out,
			      struct od_err *err);

/*
 * For tests: lowers the cap on bytes held whole (IMPORT_MAX_BYTES; 0 puts
 * it back), so that a test file can pass it without being 256 MiB.
 */
void import_set_whole_cap(size_t bytes);

/*
 * Opens len bytes at data, which must outlive the reader, as an import
 * file.  Fails as import_open_file does for an empty or too large file.
 */
enum od_code import_open_mem(const char *data, size_t len,
			     struct import_reader **out, struct od_err *err);

/*
 * Reads the next order: *out is the caller's, or NULL once the whole file
 * has been read and found good.  An order handed out is valid in itself,
 * but the file is good only when the end comes without an error: a caller
 * undoes what it did with the orders on any error.  The error is the one
 * that reading the whole file first would give (a JSON syntax error beats
 * a bad order earlier in the file; a bad order beats a repeated number),
 * with the same words (see import_parse).  After an error or the end,
 * every call gives the same again.
 */
enum od_code import_next(struct import_reader *r, struct order **out,
			 struct od_err *err);

/*
 * Reads the whole file, checking every order, then starts again from its
 * first byte, ready for import_next; *count gets the number of orders.
 */
enum od_code import_check(struct import_reader *r, size_t *count,
			  struct od_err *err);

/*
 * Reads the file as from source s (IMPORT_AUTO: told by its first bytes),
 * starting again from its first byte.  A file that is not of that source
 * fails at import_next, saying so.
 */
enum od_code import_set_source(struct import_reader *r, enum import_source s,
			       struct od_err *err);

/* What the file said of the order import_next handed out last. */
const struct import_meta *import_last_meta(const struct import_reader *r);

/* Closes the reader; NULL is a no-op. */
void import_close(struct import_reader *r);

/* Frees the list and its orders; NULL is a no-op. */
void order_list_free(struct order_list *l);

/*
 * Parses data[0..len) whole, into a list: the orders of import_next, for
 * callers that want them all at once (a request body).  data[0..len) is
 * read as JSON (first non-space byte '[' or '{') or CSV
 * (otherwise), after an optional UTF-8 byte order mark, and validates every
 * order, refusing duplicate numbers within the file.  Text values are
 * trimmed of surrounding ASCII spaces; nothing else is changed.  The formats
 * are written down in assets/import-format.md.  On failure (OD_E_INPUT, or
 * OD_E_NOMEM) the message names the order (or CSV line) and the field, and
 * never quotes the file's text except order numbers, SKUs and column names
 * whose characters are known safe.  On success *out is the caller's.
 */
enum od_code import_parse(const char *data, size_t len,
			  struct order_list **out, struct od_err *err);

/*
 * Reads the file at path (as import_open_file) and parses it whole, as
 * import_parse does.  A missing file gives OD_E_NOTFOUND, a read failure
 * OD_E_IO.
 */
enum od_code import_read_file(const char *path, struct order_list **out,
			      struct od_err *err);

#endif
