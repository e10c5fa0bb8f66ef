/*
 * test-import-woo.c - WooCommerce REST v3 orders: the documentation's own
 * example (tests/unit/data/woocommerce-v3-order.json, a copy of
 * ../shared/samples/), a file of our own with every quirk the adapter
 * handles (tests/unit/data/woo-quirks.json), and what must be refused.
 * Run from the top of the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/crypto.h>

#include "tests/unit/fixture-import.h"

#define SAMPLE "tests/unit/data/woocommerce-v3-order.json"
#define QUIRKS "tests/unit/data/woo-quirks.json"

/* Reads path whole (the test's own fixtures: small). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;

	assert_non_null(f);
	s = malloc(1 << 20);
	assert_non_null(s);
	*len = fread(s, 1, 1 << 20, f);
	fclose(f);
	return s;
}

static void test_sample(void **state)
{
	struct import_reader *r = fixture_import_open(SAMPLE, IMPORT_AUTO);
	const struct import_meta *m;
	unsigned char want[32];
	struct order *o;
	struct od_err err;
	size_t len;
	char *bytes;

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_non_null(o);
	m = import_last_meta(r);
	assert_int_equal(m->source, IMPORT_WOOCOMMERCE);
	assert_false(m->cancelled);
	assert_string_equal(o->number, "727");
	assert_string_equal(o->placed_at, "2017-03-22T19:28:02Z");
	assert_string_equal(o->currency, "USD");
	assert_string_equal(o->customer_name, "John Doe");
	assert_string_equal(o->email, "john.doe@example.com");
	assert_string_equal(o->ship_name, "John Doe");
	assert_int_equal(o->nlines, 1);
	assert_string_equal(o->ship_lines[0], "969 Market");
	assert_string_equal(o->city, "San Francisco, CA");
	assert_string_equal(o->postcode, "94103");
	assert_string_equal(o->country, "US");
	assert_int_equal(o->nitems, 2);
	/* An empty SKU gets one made from the name, the same every time. */
	assert_memory_equal(o->items[0].sku, "WOO-SINGLE-1-", 13);
	assert_int_equal(strlen(o->items[0].sku), 13 + 8);
	assert_int_equal(o->items[0].qty, 2);
	assert_int_equal(o->items[0].unit_price, 300);
	assert_string_equal(o->items[1].sku, "Bar3");
	assert_int_equal(o->items[1].unit_price, 1200);
	assert_int_equal(o->shipping, 1000);
	assert_int_equal(o->tax, 135);
	assert_int_equal(o->discount, 0);
	assert_int_equal(o->total, 2935);
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	/* The digest is of the object's own bytes: the file less its \n. */
	bytes = slurp(SAMPLE, &len);
	while (len > 0 && (bytes[len - 1] == '\n' || bytes[len - 1] == ' '))
		len--;
	gnutls_hash_fast(GNUTLS_DIG_SHA256, bytes, len, want);
	assert_memory_equal(m->sha256, want, 32);
	free(bytes);
	order_free(o);
	fixture_import_end(r);
}

static void test_quirks(void **state)
{
	struct import_reader *r = fixture_import_open(QUIRKS, IMPORT_AUTO);
	struct order *o;
	struct od_err err;

	(void)state;
	od_err_clear(&err);
	/* 801: cancelled, unpaid, a download (no shipping address, no
	 * shipping lines: no ship-to, billing does not stand in), one
	 * product on two lines, a coupon, a note of two lines. */
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_string_equal(o->number, "801");
	assert_true(import_last_meta(r)->cancelled);
	assert_int_equal(o->arrival, ARRIVAL_UNPAID);
	assert_string_equal(o->customer_name, "Ana Ruiz");
	assert_false(order_has_ship_to(o));
	assert_int_equal(o->nlines, 0);
	assert_string_equal(o->city, "");
	assert_int_equal(o->nitems, 1);
	assert_string_equal(o->items[0].sku, "EBOOK-TEA");
	assert_int_equal(o->items[0].qty, 2);
	assert_int_equal(o->items[0].unit_price, 1999);
	assert_int_equal(o->discount, 400);
	assert_int_equal(o->tax, 722);
	assert_int_equal(o->total, 4320);
	assert_string_equal(o->note, "Leave at the door / Ring twice");
	order_free(o);
	/* 802: yen without decimals, cash on delivery, one name at two
	 * prices, fees as items and a negative fee as a discount. */
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_string_equal(o->number, "802");
	assert_false(import_last_meta(r)->cancelled);
	assert_int_equal(o->arrival, ARRIVAL_COD);
	assert_string_equal(o->ship_name, "Hanako Yamada");
	assert_string_equal(o->city, "Shibuya-ku, Tokyo");
	assert_int_equal(o->nitems, 4);
	assert_memory_equal(o->items[0].sku, "SENCHA-100G-", 12);
	assert_int_equal(strlen(o->items[1].sku), strlen(o->items[0].sku) + 2);
	assert_memory_equal(o->items[1].sku, o->items[0].sku,
			    strlen(o->items[0].sku));
	assert_string_equal(o->items[1].sku + strlen(o->items[0].sku), "/2");
	assert_int_equal(o->items[1].unit_price, 1200);
	assert_memory_equal(o->items[3].sku, "HANDLING-", 9);
	assert_int_equal(o->shipping, 500);
	assert_int_equal(o->discount, 200);
	assert_int_equal(o->total, 2900);
	order_free(o);
	/* 803: a price of fractions of a cent; the subtotal gives it. */
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_string_equal(o->number, "803");
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	assert_int_equal(o->items[0].unit_price, 350);
	assert_int_equal(o->total, 1450);
	order_free(o);
	fixture_import_end(r);
}

/* The sample with one change; the reader's error for it. */
static enum od_code parse_changed(const char *find, const char *repl,
				  struct od_err *err)
{
	struct order_list *l = NULL;
	char *s, *t, *at;
	size_t len;
	enum od_code rc;

	s = slurp(SAMPLE, &len);
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
	free(s);
	return rc;
}

static void test_refused(void **state)
{
	struct import_reader *r;
	struct order *o;
	struct od_err err;

	(void)state;
	assert_int_equal(parse_changed("\"processing\"", "\"shipped\"", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order 727: status: must be one of"));
	assert_int_equal(parse_changed("\"29.35\"", "\"29,35\"", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "total: must be an amount"));
	assert_int_equal(parse_changed("\"29.35\"", "\"29.36\"", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "does not match"));
	assert_int_equal(parse_changed("\"10.00\"", "\"10.001\"", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "more decimals than USD"));
	assert_int_equal(parse_changed("\"2017-03-22T19:28:02\"",
				       "\"2017-03-22 19:28\"", &err),
			 OD_E_INPUT);
	assert_non_null(strstr(err.msg, "date_created_gmt"));
	assert_int_equal(parse_changed("\"subtotal\": \"12.00\"",
				       "\"subtotal\": \"12.01\"", &err),
			 OD_E_INPUT);
	/* CSV read as WooCommerce is refused, saying to check --from. */
	assert_int_equal(import_open_file("assets/sample-orders.json", &r,
					  &err), OD_OK);
	assert_int_equal(import_set_source(r, IMPORT_WOOCOMMERCE, &err),
			 OD_OK);
	assert_int_equal(import_next(r, &o, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "not a WooCommerce order"));
	import_close(r);
}

static void test_check_refuses_cancelled(void **state)
{
	struct import_reader *r = fixture_import_open(QUIRKS, IMPORT_AUTO);
	struct od_err err;
	size_t n;

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_check(r, &n, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order 801 was cancelled in "
				"woocommerce"));
	import_close(r);
}

static void test_lone_orderdesk_object(void **state)
{
	static const char one[] = "{\"number\": \"1\"}";
	struct order_list *l = NULL;
	struct od_err err;

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_parse(one, strlen(one), &l, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "not a single object"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_check_refuses_cancelled),
		cmocka_unit_test(test_lone_orderdesk_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
