/*
 * fuzz-statement.c - libFuzzer target for the statement parser.
 *
 * The property that makes signatures meaningful: any text the parser
 * accepts is canonical, so building the parsed statement gives back exactly
 * the same bytes, and making the same statement through the builder API
 * (statement_new, statement_add) gives them too.  A refusal must be a clean
 * OD_E_INPUT with a message and no statement.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/statement.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless b holds exactly data[0..size). */
static void expect_bytes(const struct buf *b, const uint8_t *data,
			 size_t size)
{
	if (b->len != size || memcmp(b->data, data, size) != 0)
		abort();
}

/* Remakes st through the builder API and checks it builds to the same text. */
static void rebuild_through_api(const struct statement *st,
				const uint8_t *data, size_t size)
{
	struct statement *again = NULL;
	struct od_err err;
	struct buf b;
	size_t i;

	if (statement_new(st->kind, st->actor, st->key,
			  statement_kind_has_order(st->kind) ? st->order : NULL,
			  &again, &err) != OD_OK ||
	    statement_set_id(again, st->id, &err) != OD_OK ||
	    statement_set_time(again, st->time, &err) != OD_OK ||
	    statement_set_prev(again, st->prev, &err) != OD_OK)
		abort();
	for (i = 0; i < st->nfields; i++)
		if (statement_add(again, st->fields[i].name,
				  st->fields[i].value, &err) != OD_OK)
			abort();
	buf_init(&b, STMT_MAX_BYTES);
	if (statement_build(again, &b, &err) != OD_OK)
		abort();
	expect_bytes(&b, data, size);
	buf_free(&b);
	statement_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct statement *st = NULL;
	struct od_err err;
	struct buf b;
	size_t i;

	od_err_clear(&err);
	if (statement_parse((const char *)data, size, &st, &err) != OD_OK) {
		if (st != NULL || err.code != OD_E_INPUT || err.msg[0] == '\0' ||
		    strncmp(err.msg, "statement", 9) != 0)
			abort();
		return 0;
	}
	/* Accepted text holds no control byte but the line ends. */
	for (i = 0; i < size; i++)
		if ((data[i] < 0x20 && data[i] != '\n') || data[i] == 0x7f)
			abort();
	buf_init(&b, STMT_MAX_BYTES);
	if (statement_build(st, &b, &err) != OD_OK)
		abort();
	expect_bytes(&b, data, size);
	buf_free(&b);
	rebuild_through_api(st, data, size);
	statement_free(st);
	return 0;
}
