/*
 * import-shopify-json.h - a Shopify order as its Admin REST API and its
 * order webhooks (orders/create, orders/updated, orders/paid,
 * orders/cancelled) send it, as an orderdesk order
 * (assets/import-format.md, "Shopify order JSON").  Not for other
 * modules: they use app/import/import-webhook.h.
 */
#ifndef OD_IMPORT_SHOPIFY_JSON_H
#define OD_IMPORT_SHOPIFY_JSON_H

#include <jansson.h>

#include "app/import/import.h"
#include "app/log/order.h"
#include "lib/err.h"

/*
 * Builds and validates the order jo.  m gets whether Shopify cancelled
 * it (cancelled_at set) and its id; its source and hash are the
 * caller's.  On success *out is the caller's.
 */
enum od_code import_shopify_json_order(json_t *jo, struct order **out,
				       struct import_meta *m,
				       struct od_err *err);

#endif
