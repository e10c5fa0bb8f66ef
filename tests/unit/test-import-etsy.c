/*
 * test-import-etsy.c - Etsy's "Sold Order Items" CSV: a file of our own
 * (tests/unit/data/etsy-order-items.csv) with the file's quirks, and the
 * orders-only file (etsy-orders.csv), refused with a hint.  Run from the
 * top of the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture-import.h"

#define ITEMS  "tests/unit/data/etsy-order-items.csv"
#define ORDERS "tests/unit/data/etsy-orders.csv"

static void test_items(void **state)
{
	struct import_reader *r;
	struct order *o;
	struct od_err err;

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_open_file(ITEMS, &r, &err), OD_OK);
	o = fixture_import_next(r);
	assert_int_equal(import_last_meta(r)->source, IMPORT_ETSY);
	assert_string_equal(o->number, "2950000001");
	assert_string_equal(o->placed_at, "2026-11-20T00:00:00Z");
	assert_string_equal(o->country, "US");
	assert_string_equal(o->city, "Albany, NY");
	assert_int_equal(o->nlines, 2);
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	assert_int_equal(o->nitems, 2);
	assert_memory_equal(o->items[0].sku, "HANDMADE-MUG-", 13);
	/* Price is a unit's: two napkin sets at 18.50. */
	assert_int_equal(o->items[1].qty, 2);
	assert_int_equal(o->items[1].unit_price, 1850);
	/* Shipping and tax stand on each row, counted once. */
	assert_int_equal(o->shipping, 600);
	assert_int_equal(o->tax, 510);
	assert_int_equal(o->discount, 400);
	assert_int_equal(o->total, 6810);
	order_free(o);
	o = fixture_import_next(r);
	assert_string_equal(o->placed_at, "2026-11-21T00:00:00Z");
	assert_string_equal(o->country, "DE");
	assert_string_equal(o->currency, "EUR");
	assert_int_equal(o->arrival, ARRIVAL_UNPAID);
	assert_int_equal(o->total, 1650);
	order_free(o);
	fixture_import_end(r);
}

static void test_refused(void **state)
{
	struct import_reader *r = NULL;
	struct order_list *l = NULL;
	struct od_err err;
	char s[8192], *at;
	FILE *f = fopen(ITEMS, "rb");
	size_t len;

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_open_file(ORDERS, &r, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "is Etsy's Sold Orders file"));
	assert_non_null(strstr(err.msg, "download \"Order Items\""));
	assert_non_null(f);
	len = fread(s, 1, sizeof s - 1, f);
	fclose(f);
	s[len] = '\0';
	at = strstr(s, "Germany");
	memmove(at + 8, at + 7, len - (size_t)(at + 7 - s) + 1);
	memcpy(at, "Germania", 8);
	assert_int_equal(import_parse(s, len + 1, &l, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order 2950000002: Ship Country: not "
				"a country orderdesk knows"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
