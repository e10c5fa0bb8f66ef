/*
 * test-import-amazon.c - Amazon Seller Central's order report: a file of
 * our own (tests/unit/data/amazon-orders.txt, tab-separated, CRLF) with
 * the report's quirks, and what must be refused.  Run from the top of the
 * tree.
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

#define REPORT "tests/unit/data/amazon-orders.txt"

static void test_report(void **state)
{
	struct import_reader *r;
	struct order *o;
	struct od_err err;

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_open_file(REPORT, &r, &err), OD_OK);
	o = fixture_import_next(r);
	assert_int_equal(import_last_meta(r)->source, IMPORT_AMAZON);
	assert_false(import_last_meta(r)->cancelled);
	assert_string_equal(o->number, "112-0000001-0000001");
	assert_string_equal(o->placed_at, "2026-11-20T17:15:30Z");
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	assert_int_equal(o->nlines, 2);
	assert_string_equal(o->city, "Seattle, WA");
	assert_int_equal(o->nitems, 2);
	/* item-price is the line's total: 20.00 for two is 10.00 each. */
	assert_int_equal(o->items[0].qty, 2);
	assert_int_equal(o->items[0].unit_price, 1000);
	/* A quote is just a character in a tab-separated report. */
	assert_string_equal(o->items[0].name, "Tea \"Sencha\" 100g");
	assert_memory_equal(o->items[1].sku, "MUG-BLUE-", 9);
	assert_int_equal(o->shipping, 499);
	assert_int_equal(o->tax, 160 + 40 + 68);
	assert_int_equal(o->discount, 100);
	assert_int_equal(o->total, 2850 + 499 + 268 - 100);
	order_free(o);
	o = fixture_import_next(r);
	assert_true(import_last_meta(r)->cancelled);
	assert_int_equal(o->arrival, ARRIVAL_UNPAID);
	assert_string_equal(o->customer_name, "Lee Roe");
	assert_int_equal(o->items[0].unit_price, 1000);
	order_free(o);
	fixture_import_end(r);
}

static void test_refused(void **state)
{
	struct order_list *l = NULL;
	struct import_reader *r;
	struct od_err err;
	char s[8192], *at;
	FILE *f = fopen(REPORT, "rb");
	size_t len;

	(void)state;
	assert_non_null(f);
	len = fread(s, 1, sizeof s - 1, f);
	fclose(f);
	s[len] = '\0';
	/* 30.00 for three is whole; 31.00 is not. */
	at = strstr(s, "\t30.00\t");
	assert_non_null(at);
	memcpy(at, "\t31.00\t", 7);
	od_err_clear(&err);
	assert_int_equal(import_parse(s, len, &l, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "line 4: order 112-0000002-0000002: "
				"item-price (the line's total) is not"));
	memcpy(at, "\t30.00\t", 7);
	at = strstr(s, "quantity-purchased");
	memcpy(at, "quantity-purchasex", 18);
	assert_int_equal(import_open_mem(s, len, &r, &err), OD_OK);
	assert_int_equal(import_set_source(r, IMPORT_AMAZON, &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "is not an Amazon order report"));
	import_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
