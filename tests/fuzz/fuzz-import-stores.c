/*
 * fuzz-import-stores.c - libFuzzer target for the storefronts' file
 * parsers: Shopify's CSV, Amazon's report, Etsy's items CSV and
 * WooCommerce's JSON, read as a stream the way `orderdesk import` reads
 * them.
 *
 * The first byte picks the source as --from would (auto, woocommerce,
 * shopify, amazon, etsy); the rest is the file.  Whatever the bytes, each
 * order handed out must pass order_validate and make an order.placed that
 * builds with its source, id and hash; what the file said besides (a
 * refund) must be within the order; and a refusal is OD_E_INPUT or
 * OD_E_NOMEM with a message holding no control character.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import-update.h"
#include "app/import/import.h"
#include "app/log/order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum import_source sources[] = {
	IMPORT_AUTO, IMPORT_WOOCOMMERCE, IMPORT_SHOPIFY, IMPORT_AMAZON,
	IMPORT_ETSY,
};

/* Aborts if the message could carry raw bytes to a terminal. */
static void check_message(const struct od_err *err)
{
	const unsigned char *p;

	if (err->msg[0] == '\0')
		abort();
	for (p = (const unsigned char *)err->msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

/* An accepted order makes the order.placed an import signs. */
static void check_order(const struct order *o, const struct import_meta *m)
{
	struct import_plan p = { { STMT_ORDER_PLACED }, 1, 0, 0, NULL };
	struct statement *st = NULL;
	struct od_err err;
	struct buf text;

	if (order_validate(o, &err) != OD_OK || m->refunded < 0 ||
	    m->refunded > o->total)
		abort();
	if (statement_new(STMT_ORDER_PLACED, "fuzz",
			  "sha256:0000000000000000000000000000000000000000"
			  "000000000000000000000000", o->number, &st,
			  &err) != OD_OK ||
	    import_plan_fill(o, m, &p, 0, st, &err) != OD_OK)
		abort();
	buf_init(&text, STMT_MAX_BYTES);
	/* Too big to sign is refused cleanly, never built wrong. */
	if (statement_build(st, &text, &err) != OD_OK &&
	    err.code != OD_E_INPUT)
		abort();
	buf_free(&text);
	statement_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_reader *in = NULL;
	struct order *o;
	struct od_err err;
	enum od_code rc;

	if (size < 2)
		return 0;
	rc = import_open_mem((const char *)data + 1, size - 1, &in, &err);
	if (rc == OD_OK)
		rc = import_set_source(in, sources[data[0] % 5], &err);
	while (rc == OD_OK && (rc = import_next(in, &o, &err)) == OD_OK &&
	       o != NULL) {
		check_order(o, import_last_meta(in));
		order_free(o);
	}
	import_close(in);
	if (rc != OD_OK) {
		if (rc != OD_E_INPUT && rc != OD_E_NOMEM)
			abort();
		check_message(&err);
	}
	return 0;
}
