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

struct order_list {
	struct order **orders;
	size_t count;
};

/* Frees the list and its orders; NULL is a no-op. */
void order_list_free(struct order_list *l);

/*
 * Parses data[0..len) as JSON (first non-space byte '[') or CSV (otherwise)
 * and validates every order, refusing duplicate numbers within the file.
 * On failure the message names the order (or CSV line) and the field.
 * On success *out is the caller's.
 */
enum od_code import_parse(const char *data, size_t len,
			  struct order_list **out, struct od_err *err);

/* Reads the file at path (at most IMPORT_MAX_BYTES) and parses it. */
enum od_code import_read_file(const char *path, struct order_list **out,
			      struct od_err *err);

#endif
