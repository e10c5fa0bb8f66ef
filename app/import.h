/*
 * import.h - reading orders from the import formats (README, "Importing
 * orders"): a JSON array of orders, or CSV with the same fields flattened.
 * Input is hostile until proven otherwise: sizes are capped, every field is
 * checked (order_validate), and nothing is half-imported by this module: it
 * parses the whole file or fails.
 */
#ifndef OD_IMPORT_H
#define OD_IMPORT_H

#include <stddef.h>

#include "app/order.h"
#include "lib/err.h"

#define IMPORT_MAX_BYTES  (256L * 1024 * 1024)
#define IMPORT_MAX_ORDERS 1000000
#define IMPORT_MAX_ROWS   5000000    /* CSV item rows */
#define IMPORT_FIELD_MAX  4096       /* any one value as read, bytes */

struct order_list {
	struct order **orders;
	size_t count;
};

/* Frees the list and its orders; NULL is a no-op. */
void order_list_free(struct order_list *l);

/*
 * Parses data[0..len) as JSON (first non-space byte '[' or '{') or CSV
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
 * Reads the file at path (at most IMPORT_MAX_BYTES) and parses it.  A
 * missing file gives OD_E_NOTFOUND, a read failure OD_E_IO.
 */
enum od_code import_read_file(const char *path, struct order_list **out,
			      struct od_err *err);

#endif
