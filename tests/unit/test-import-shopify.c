/*
 * test-import-shopify.c - Shopify's "Export orders" CSV: files of our own
 * with today's 79 columns and the older 47 (tests/unit/data/shopify-*.csv),
 * with every quirk the adapter handles, and what must be refused.  Run
 * from the top of the tree.
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

#define NEW79 "tests/unit/data/shopify-79.csv"
#define OLD47 "tests/unit/data/shopify-47.csv"

static void test_today(void **state)
{
	struct import_reader *r = fixture_import_open(NEW79, IMPORT_AUTO);
	struct order *o;

	(void)state;
	/* #1001: order columns on the first row only, an empty SKU, a
	 * local time, decimals, a discount, a note of two lines. */
	o = fixture_import_next(r);
	assert_int_equal(import_last_meta(r)->source, IMPORT_SHOPIFY);
	assert_false(import_last_meta(r)->cancelled);
	assert_string_equal(o->number, "1001");
	assert_string_equal(o->placed_at, "2026-11-20T09:15:30Z");
	assert_string_equal(o->currency, "EUR");
	assert_string_equal(o->customer_name, "Ana Ruiz");
	assert_string_equal(o->email, "ana@example.es");
	assert_string_equal(o->phone, "+34 600 000 000");
	assert_string_equal(o->city, "Madrid, M");
	assert_int_equal(o->nitems, 2);
	assert_string_equal(o->items[0].sku, "GREEN-TEA-100-G-86818F77");
	assert_int_equal(o->items[0].qty, 2);
	assert_int_equal(o->items[0].unit_price, 1000);
	assert_string_equal(o->items[1].sku, "MUG");
	assert_int_equal(o->items[1].unit_price, 850);
	assert_int_equal(o->shipping, 500);
	assert_int_equal(o->tax, 200);
	assert_int_equal(o->discount, 100);
	assert_int_equal(o->total, 3450);
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	assert_string_equal(o->note, "Please gift wrap / Thanks, Ana");
	order_free(o);
	/* #1002: the same SKU on two lines, pending, cancelled. */
	o = fixture_import_next(r);
	assert_string_equal(o->number, "1002");
	assert_true(import_last_meta(r)->cancelled);
	assert_int_equal(o->arrival, ARRIVAL_UNPAID);
	assert_int_equal(o->nitems, 1);
	assert_int_equal(o->items[0].qty, 3);
	order_free(o);
	/* #1003: a gift card, no ship-to (the billing address does not
	 * stand in); a time west of UTC that passes midnight. */
	o = fixture_import_next(r);
	assert_string_equal(o->number, "1003");
	assert_string_equal(o->placed_at, "2026-11-23T04:30:00Z");
	assert_int_equal(o->arrival, ARRIVAL_AUTHORIZED);
	assert_false(order_has_ship_to(o));
	assert_int_equal(o->nlines, 0);
	assert_string_equal(o->ship_name, "");
	assert_string_equal(o->country, "");
	assert_memory_equal(o->items[0].sku, "GIFT-CARD-50-", 13);
	order_free(o);
	/* #1004: taxes included in the prices; partially refunded. */
	o = fixture_import_next(r);
	assert_string_equal(o->number, "1004");
	assert_int_equal(o->tax, 0);
	assert_int_equal(o->total, 2420);
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	order_free(o);
	fixture_import_end(r);
}

static void test_older(void **state)
{
	struct import_reader *r = fixture_import_open(OLD47, IMPORT_SHOPIFY);
	struct order *o;
	char sku[80];

	(void)state;
	o = fixture_import_next(r);
	assert_string_equal(o->number, "2001");
	assert_string_equal(o->placed_at, "2020-05-01T01:00:00Z");
	assert_string_equal(o->customer_name, "王小明");
	/* A name with no ASCII letter still gets a SKU; the same name the
	 * same SKU, every time. */
	assert_memory_equal(o->items[0].sku, "250G-", 5);
	snprintf(sku, sizeof sku, "%s", o->items[0].sku);
	assert_memory_equal(o->items[1].sku, "TEA-CUP-", 8);
	assert_int_equal(o->total, 26600);
	order_free(o);
	o = fixture_import_next(r);
	assert_string_equal(o->items[0].name, "Mug, \"blue\"");
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	order_free(o);
	fixture_import_end(r);
	r = fixture_import_open(OLD47, IMPORT_AUTO);
	o = fixture_import_next(r);
	assert_string_equal(o->items[0].sku, sku);
	order_free(o);
	import_close(r);
}

/* The file at path with find replaced by repl: import_parse's verdict. */
static enum od_code parse_changed(const char *path, const char *find,
				  const char *repl, struct od_err *err)
{
	struct order_list *l = NULL;
	char s[16384], *t, *at;
	FILE *f = fopen(path, "rb");
	size_t len;
	enum od_code rc;

	assert_non_null(f);
	len = fread(s, 1, sizeof s - 1, f);
	fclose(f);
	s[len] = '\0';
	at = strstr(s, find);
	assert_non_null(at);
	t = malloc(len + strlen(repl) + 1);
	assert_non_null(t);
	sprintf(t, "%.*s%s%s", (int)(at - s), s, repl, at + strlen(find));
	od_err_clear(err);
	rc = import_parse(t, strlen(t), &l, err);
	order_list_free(l);
	free(t);
	return rc;
}

/* The same, read as `orderdesk import` reads: the stream's last word. */
static enum od_code stream_changed(const char *path, const char *find,
				   const char *repl, struct od_err *err)
{
	struct import_reader *r;
	struct order *o;
	char s[16384], *t, *at;
	FILE *f = fopen(path, "rb");
	size_t len;
	enum od_code rc;

	assert_non_null(f);
	len = fread(s, 1, sizeof s - 1, f);
	fclose(f);
	s[len] = '\0';
	at = strstr(s, find);
	assert_non_null(at);
	t = malloc(len + strlen(repl) + 1);
	assert_non_null(t);
	sprintf(t, "%.*s%s%s", (int)(at - s), s, repl, at + strlen(find));
	od_err_clear(err);
	assert_int_equal(import_open_mem(t, strlen(t), &r, err), OD_OK);
	while ((rc = import_next(r, &o, err)) == OD_OK && o != NULL)
		order_free(o);
	import_close(r);
	free(t);
	return rc;
}

static void test_refused(void **state)
{
	struct od_err err;

	(void)state;
	assert_int_equal(parse_changed(NEW79, "34.50", "34.60", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "line 2: order 1001: total 3460 "
				"does not match"));
	assert_int_equal(parse_changed(NEW79, "paid,2026", "settled,2026",
				       &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "Financial Status: must be"));
	assert_int_equal(parse_changed(NEW79, "2026-11-20 10:15:30 +0100",
				       "20/11/2026 10:15", &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order 1001: Created at: must be a "
				"time"));
	assert_int_equal(parse_changed(NEW79, ",Lineitem price,",
				       ",Lineitem cost,", &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "no column \"Lineitem price\""));
	assert_int_equal(parse_changed(NEW79, "\n#1001,,,", "\n#1001,,", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "wrong column count"));
	/* A line of the same order further down is a second order. */
	assert_int_equal(stream_changed(NEW79, "#1003,", "#1001,", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order 1001 appears twice"));
	/* A reader that only places orders refuses a cancelled one. */
	assert_int_equal(parse_changed(NEW79, "#1003,", "#1003,", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order 1002 was cancelled in "
				"shopify; import this file with `orderdesk "
				"import`"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_older),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
