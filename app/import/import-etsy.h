/*
 * import-etsy.h - Etsy's "Sold Order Items" CSV as orderdesk orders
 * (assets/import-format.md, "Etsy").  Not for other modules.
 */
#ifndef OD_IMPORT_ETSY_H
#define OD_IMPORT_ETSY_H

#include <stddef.h>

#include "app/import/import-input.h"
#include "app/log/order.h"
#include "lib/err.h"

struct import_etsy;

enum od_code import_etsy_new(struct import_input *in,
			     struct import_etsy **out, struct od_err *err);

/* As import_shopify_next (import-shopify.h). */
enum od_code import_etsy_next(struct import_etsy *s, struct order **out,
			      size_t *line, int *cancelled,
			      unsigned char sha256[32], struct od_err *err);

void import_etsy_free(struct import_etsy *s);

/* A country as Etsy names it ("United States") to its ISO code, or NULL. */
const char *import_country_code(const char *name);

/* What the file said of the order read last besides the order itself:
 * cancelled, refunded, the storefront's own id. */
const struct import_meta *import_etsy_said(const struct import_etsy *s);

#endif
