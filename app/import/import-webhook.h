/*
 * import-webhook.h - one order as a storefront's webhook sends it: a
 * WooCommerce order (import-woo.c) or a Shopify one
 * (import-shopify-json.c), read from the request's body whole.  For
 * orderdeskd's webhook routes (app/orderdeskd/webhook.h).
 */
#ifndef OD_IMPORT_WEBHOOK_H
#define OD_IMPORT_WEBHOOK_H

#include <stddef.h>

#include "app/import/import.h"
#include "app/log/order.h"
#include "lib/err.h"

/*
 * Reads body[0..len) as one order of src (IMPORT_WOOCOMMERCE or
 * IMPORT_SHOPIFY), validated.  meta gets the source, whether the
 * storefront cancelled the order and the SHA-256 of the body.  A body
 * that is not such an order gives OD_E_INPUT saying what is wrong,
 * without quoting it.  On success *out is the caller's.
 */
enum od_code import_webhook_order(enum import_source src, const char *body,
				  size_t len, struct order **out,
				  struct import_meta *meta,
				  struct od_err *err);

#endif
