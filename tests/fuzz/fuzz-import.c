/*
 * fuzz-import.c - libFuzzer target for the import parsers (JSON and CSV).
 *
 * Import files come from outside.  Whatever the bytes, import_parse must
 * either refuse them with OD_E_INPUT (or OD_E_NOMEM) and a message holding
 * no control character, or return orders that each pass order_validate and
 * turn into a statement that builds: what is accepted can be signed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import.h"
#include "app/log/order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

/* Every accepted order must make a statement that builds. */
static void check_order(const struct order *o)
{
	struct statement *st = NULL;
	struct od_err err;
	struct buf text;

	if (order_validate(o, &err) != OD_OK)
		abort();
	if (statement_new(STMT_ORDER_PLACED, "fuzz",
			  "sha256:0000000000000000000000000000000000000000"
			  "000000000000000000000000", o->number, &st,
			  &err) != OD_OK ||
	    order_to_statement(o, st, &err) != OD_OK)
		abort();
	buf_init(&text, STMT_MAX_BYTES);
	/* An order with many long items may be too big to sign: refused
	 * cleanly, never built wrong. */
	if (statement_build(st, &text, &err) != OD_OK &&
	    err.code != OD_E_INPUT)
		abort();
	buf_free(&text);
	statement_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct order_list *list = NULL;
	struct od_err err;
	size_t i;

	if (import_parse((const char *)data, size, &list, &err) != OD_OK) {
		if (list != NULL || (err.code != OD_E_INPUT &&
				     err.code != OD_E_NOMEM))
			abort();
		check_message(&err);
		return 0;
	}
	for (i = 0; i < list->count; i++)
		check_order(list->orders[i]);
	order_list_free(list);
	return 0;
}
