/*
 * import-internal.h - what the parts of the import share: the reader
 * (import.c), one JSON order (import-json.c), the CSV rows (import-csv.c)
 * and the field helpers they all call (import-field.c, below them).  Not
 * for other modules: they use app/import/import.h.
 */
#ifndef OD_IMPORT_INTERNAL_H
#define OD_IMPORT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "app/import/import-input.h"
#include "app/import/json-array-stream.h"
#include "app/log/order.h"
#include "lib/err.h"

/* Long enough for "order #1000000 in the file" and "line N: order X". */
#define PFX_MAX 80

/* ---- import-field.c ---- */

/* Whether s is 1..32 bytes of [A-Za-z0-9_.-], safe to quote back. */
int import_name_quotable(const char *s);

/* Copies s[0..n) without surrounding ASCII spaces into a new string. */
enum od_code import_copy_trimmed(char **dst, const char *s, size_t n,
				 struct od_err *err);

/*
 * Stores a currency or country code (n letters) into dst[n + 1].  Only the
 * length is checked here; order_validate checks the letters.
 */
enum od_code import_copy_code(const char *pfx, const char *label,
			      const char *s, size_t len, char *dst, size_t n,
			      struct od_err *err);

/*
 * Runs order_validate and prefixes its message with line_pfx (if not NULL)
 * when it says something the message does not (the CSV line).
 */
enum od_code import_validate(struct order *o, const char *line_pfx,
			     struct od_err *err);

/*
 * For the readers that place orders and nothing else (import_check,
 * import_parse: orderdeskd's import and /v1/orders): an order the
 * storefront cancelled is refused, not placed as if it were live.
 */
struct import_meta;
enum od_code import_no_cancel(const struct import_meta *m,
			      const struct order *o, struct od_err *err);

/* ---- import-json.c ---- */

/*
 * Builds and validates the order jo, at position pos (from 1) of the array.
 * On success *out is the caller's.
 */
enum od_code import_json_order(json_t *jo, size_t pos, struct order **out,
			       struct od_err *err);

/* Turns a JSON syntax error into a message without the file's text. */
enum od_code import_json_error(const struct json_array_error *je,
			       struct od_err *err);

/* ---- import-csv.c ---- */

/* The CSV rows of an input, read one order at a time. */
struct import_csv;

/* Starts reading CSV from in's current position; *out is the caller's. */
enum od_code import_csv_new(struct import_input *in, struct import_csv **out,
			    struct od_err *err);

/*
 * Reads the header (first call) and the rows of the next order: *out is
 * that order (the caller's), not yet validated, and *line the line of its
 * first row; *out is NULL at the end of the file.  An order is complete
 * only when the next one starts, so its errors come in the order of the
 * file, as when the whole file was read first.
 */
enum od_code import_csv_next(struct import_csv *c, struct order **out,
			     size_t *line, struct od_err *err);

/* Frees the reader; NULL is a no-op. */
void import_csv_free(struct import_csv *c);

#endif
