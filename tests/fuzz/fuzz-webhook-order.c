/*
 * fuzz-webhook-order.c - libFuzzer target for one order as a storefront's
 * webhook sends it (app/import/import-webhook.h): the body of a request
 * whose signature was right, so from a storefront, but parsed all the
 * same as hostile.
 *
 * The first byte picks WooCommerce or Shopify; the rest is the body.  An
 * order must pass order_validate and make an order.placed that builds; a
 * refusal is OD_E_INPUT or OD_E_NOMEM with a message holding no control
 * character and no order at all.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "app/import/import-update.h"
#include "app/import/import-webhook.h"
#include "app/log/order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_plan p = { { STMT_ORDER_PLACED }, 1, 0, 0, NULL };
	struct statement *st = NULL;
	struct import_meta m;
	struct order *o = NULL;
	const unsigned char *c;
	struct od_err err;
	struct buf text;

	if (size < 1)
		return 0;
	if (import_webhook_order(data[0] & 1 ? IMPORT_SHOPIFY :
				 IMPORT_WOOCOMMERCE, (const char *)data + 1,
				 size - 1, &o, &m, &err) != OD_OK) {
		if (o != NULL || (err.code != OD_E_INPUT &&
				  err.code != OD_E_NOMEM) || !err.msg[0])
			abort();
		for (c = (const unsigned char *)err.msg; *c; c++)
			if (*c < 0x20 || *c == 0x7f)
				abort();
		return 0;
	}
	if (order_validate(o, &err) != OD_OK ||
	    statement_new(STMT_ORDER_PLACED, "fuzz",
			  "sha256:0000000000000000000000000000000000000000"
			  "000000000000000000000000", o->number, &st,
			  &err) != OD_OK ||
	    import_plan_fill(o, &m, &p, 0, st, &err) != OD_OK)
		abort();
	buf_init(&text, STMT_MAX_BYTES);
	if (statement_build(st, &text, &err) != OD_OK &&
	    err.code != OD_E_INPUT)
		abort();
	buf_free(&text);
	statement_free(st);
	order_free(o);
	return 0;
}
