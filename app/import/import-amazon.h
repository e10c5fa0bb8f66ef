/*
 * import-amazon.h - an Amazon Seller Central order report (tab-separated)
 * as orderdesk orders (assets/import-format.md, "Amazon").  Not for other
 * modules.
 */
#ifndef OD_IMPORT_AMAZON_H
#define OD_IMPORT_AMAZON_H

#include <stddef.h>

#include "app/import/import-input.h"
#include "app/log/order.h"
#include "lib/err.h"

struct import_amazon;

enum od_code import_amazon_new(struct import_input *in,
			       struct import_amazon **out, struct od_err *err);

/* As import_shopify_next (import-shopify.h). */
enum od_code import_amazon_next(struct import_amazon *s, struct order **out,
				size_t *line, int *cancelled,
				unsigned char sha256[32], struct od_err *err);

void import_amazon_free(struct import_amazon *s);

/* What the file said of the order read last besides the order itself:
 * cancelled, refunded, the storefront's own id. */
const struct import_meta *import_amazon_said(const struct import_amazon *s);

#endif
