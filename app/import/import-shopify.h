/*
 * import-shopify.h - Shopify's "Export orders" CSV as orderdesk orders
 * (assets/import-format.md, "Shopify").  Not for other modules.
 */
#ifndef OD_IMPORT_SHOPIFY_H
#define OD_IMPORT_SHOPIFY_H

#include <stddef.h>

#include "app/import/import-input.h"
#include "app/log/order.h"
#include "lib/err.h"

struct import_shopify;

/* Starts reading at in's current position; *out is the caller's. */
enum od_code import_shopify_new(struct import_input *in,
				struct import_shopify **out,
				struct od_err *err);

/*
 * Reads the header (first call) and the rows of the next order: *out is
 * that order, validated, the caller's, or NULL at the end; *line the line
 * of its first row; *cancelled whether Shopify cancelled it; sha256 the
 * SHA-256 of its rows as they stand in the file, line ends included.
 */
enum od_code import_shopify_next(struct import_shopify *s, struct order **out,
				 size_t *line, int *cancelled,
				 unsigned char sha256[32], struct od_err *err);

/* Frees the reader; NULL is a no-op. */
void import_shopify_free(struct import_shopify *s);

/* Whether a header line (its first bytes) is Shopify's. */
int import_shopify_looks(const char *head, size_t n);

/* What the file said of the order read last besides the order itself:
 * cancelled, refunded, the storefront's own id. */
const struct import_meta *import_shopify_said(const struct import_shopify *s);

#endif
