/*
 * import-shopify-refunds.h - the money a Shopify order object (its REST
 * Admin API and its order webhooks) says was refunded: the sum of its
 * refunds' successful transactions of kind "refund"
 * (assets/import-format.md, "Shopify order JSON").  For
 * import-shopify-json.c only.
 */
#ifndef OD_IMPORT_SHOPIFY_REFUNDS_H
#define OD_IMPORT_SHOPIFY_REFUNDS_H

#include <jansson.h>

#include "app/log/order.h"
#include "lib/err.h"

/*
 * Adds up what order jo (already read into o: its currency and total)
 * says was given back, into *out (0 without refunds).  A refund in
 * another currency than o's, an amount that is not a decimal string, or
 * refunds adding up to more than o's total give OD_E_INPUT, prefixed
 * with pfx.
 */
enum od_code import_shopify_refunds(const char *pfx, json_t *jo,
				    const struct order *o, long long *out,
				    struct od_err *err);

#endif
