/*
 * webhook.h - storefronts' own webhooks, on the desks' listener without a
 * client certificate (as POST /v1/join):
 *
 *   POST /v1/webhooks/woocommerce/NAME   WooCommerce's order.created and
 *                                        order.updated
 *   POST /v1/webhooks/shopify/NAME       Shopify's orders/create,
 *                                        orders/updated, orders/paid,
 *                                        orders/cancelled
 *
 * NAME is a storefront of the backend (`orderdeskd storefront add`) with
 * a secret for that kind (--woocommerce-secret-fd / --shopify-secret-fd,
 * kept in the encrypted store, storage/store-hooks.h).  A request is
 * answered in this order, and nothing of its body is parsed before its
 * signature is right:
 *
 *   - an address over join_fails failures in JOIN_WINDOW_S: 429;
 *   - WooCommerce's creation ping (a form body "webhook_id=N" and no
 *     signature): 200 {"result": "ping"}, nothing changed;
 *   - X-WC-Webhook-Signature / X-Shopify-Hmac-SHA256 must be the base64
 *     of HMAC-SHA256(secret, the raw body), compared in constant time,
 *     under the current secret or, during a rotation, the old one; wrong,
 *     missing, or no secret set: 401, a "webhook-signature" security
 *     event, and a failure counted against the address;
 *   - a delivery id (X-WC-Webhook-Delivery-ID / X-Shopify-Webhook-Id)
 *     already applied: 200 {"result": "duplicate"}, nothing changed;
 *   - a topic other than the above: 200 {"result": "ignored"};
 *   - the body, one order (app/import/import-webhook.h), becomes the
 *     statements an import of it would make, signed with the storefront's
 *     key in one transaction with its delivery id: order.placed (naming
 *     the source and the body's SHA-256), payment.receive when it is paid
 *     and the shop has it unpaid, order.cancel when it is cancelled.  200
 *     {"result": "accepted", "order": N, "statements": K}, or
 *     {"result": "unchanged"}, or {"result": "refused", "reason": TEXT}
 *     for an order the shop cannot take (said as a "statement-refused"
 *     event: a storefront that got an error would retry it for days);
 *     503 when the owner has not approved the storefront yet (it retries).
 *
 * Bodies are capped at WEBHOOK_BODY_MAX by the server (413 before they
 * are read, counted against the address).
 */
#ifndef OD_WEBHOOK_H
#define OD_WEBHOOK_H

#include <stddef.h>

#include "app/import/import.h"
#include "app/orderdeskd/routes.h"

#define WEBHOOK_PREFIX    "/v1/webhooks/"
#define WEBHOOK_BODY_MAX  (1024 * 1024)

struct https_request;

/* The route (routes.c): POST under WEBHOOK_PREFIX. */
unsigned backend_post_webhook(const struct route_call *c);

/* Fills a's webhook headers from req, by its path (routes.c). */
void webhook_args_from(const struct https_request *req,
		       struct backend_args *a);

/* Whether path is a webhook's (under WEBHOOK_PREFIX). */
int webhook_path(const char *path);

/* What came of one order (webhook-apply.c). */
struct webhook_result {
	size_t statements;       /* signed and logged */
	char refused[256];       /* why the shop cannot take it, or "" */
};

/*
 * Brings the shop up to date with order o as storefront sf's webhook of
 * kind ("shopify", "woocommerce") says it, and records delivery (if not
 * NULL) in the same transaction.  An order the shop cannot take is
 * res->refused, with OD_OK and nothing changed; a storefront the owner
 * has not approved gives OD_E_DENIED or OD_E_NOTFOUND.
 */
enum od_code webhook_apply(struct backend *b, const char *sf,
			   const char *kind, const struct order *o,
			   const struct import_meta *m, const char *delivery,
			   struct webhook_result *res, struct od_err *err);

/*
 * `storefront add NAME` with --woocommerce-secret-fd N,
 * --shopify-secret-fd N or --drop-old (webhook-cmd.c): whether argv asks
 * for them, and doing it (making the storefront first if it is new).
 */
int webhook_cmd_wanted(int argc, char **argv);
enum od_code webhook_cmd_storefront(const char *dir, int argc, char **argv,
				    struct od_err *err);

#endif
