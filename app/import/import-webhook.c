/* import-webhook.c - one order from a webhook's body (import-webhook.h). */
#include "app/import/import-webhook.h"

#include <jansson.h>
#include <nettle/sha2.h>
#include <string.h>

#include "app/import/import-shopify-json.h"
#include "app/import/import-woo.h"

enum od_code import_webhook_order(enum import_source src, const char *body,
				  size_t len, struct order **out,
				  struct import_meta *meta,
				  struct od_err *err)
{
	struct sha256_ctx h;
	json_error_t je;
	enum od_code rc;
	json_t *jo;

	*out = NULL;
	memset(meta, 0, sizeof *meta);
	meta->source = src;
	if (src != IMPORT_WOOCOMMERCE && src != IMPORT_SHOPIFY)
		return od_err_set(err, OD_E_INTERNAL, "no webhook for source "
				  "%d", (int)src);
	sha256_init(&h);
	sha256_update(&h, len, (const uint8_t *)body);
	sha256_digest(&h, sizeof meta->sha256, meta->sha256);
	jo = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (jo == NULL)
		return od_err_set(err, OD_E_INPUT, "the body is not JSON "
				  "(line %d, column %d)", je.line, je.column);
	if (src == IMPORT_WOOCOMMERCE)
		rc = import_woo_order(jo, 1, out, meta, err);
	else
		rc = import_shopify_json_order(jo, out, meta, err);
	json_decref(jo);
	return rc;
}
