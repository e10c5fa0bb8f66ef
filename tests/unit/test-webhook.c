/*
 * test-webhook.c - what a storefront's webhook is checked and read with:
 * the HMAC-SHA256 check (RFC 4231's vector, and one made by openssl over
 * a fixture: tests/unit/data/shopify-order.json.hmac), and a Shopify
 * order object as orders/create sends it (tests/unit/data/
 * shopify-order.json: the documentation's sample, its figures made to
 * add up); and what the store keeps of them (secrets through a rotation,
 * delivery ids and their expiry).  Run from the top of the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/import/import-webhook.h"
#include "app/keys/hmac.h"
#include "storage/store-hooks.h"

#define ORDER "tests/unit/data/shopify-order.json"
#define ORDER_HMAC "tests/unit/data/shopify-order.json.hmac"
#define KEY "shpss_1234abcd"

/* Reads path whole (the test's own fixtures: small). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;

	assert_non_null(f);
	s = calloc(1, 1 << 20);
	assert_non_null(s);
	*len = fread(s, 1, (1 << 20) - 1, f);
	fclose(f);
	return s;
}

/* RFC 4231, test case 2, in base64. */
static void test_hmac_rfc4231(void **state)
{
	const char *data = "what do ya want for nothing?";
	const uint8_t *key = (const uint8_t *)"Jefe";

	(void)state;
	assert_true(hmac_sha256_b64_ok(key, 4, data, strlen(data),
			"W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="));
	/* One bit off anywhere, a wrong key, a cut or long tag: no. */
	assert_false(hmac_sha256_b64_ok(key, 4, data, strlen(data),
			"W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEN="));
	assert_false(hmac_sha256_b64_ok(key, 3, data, strlen(data),
			"W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="));
	assert_false(hmac_sha256_b64_ok(key, 4, data, strlen(data),
			"W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM"));
	assert_false(hmac_sha256_b64_ok(key, 4, data, strlen(data),
			"W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=="));
	assert_false(hmac_sha256_b64_ok(key, 4, data, strlen(data), ""));
	assert_false(hmac_sha256_b64_ok(key, 4, data, strlen(data), NULL));
}

/* The tag openssl made over the fixture's exact bytes. */
static void test_hmac_openssl(void **state)
{
	size_t len, hlen;
	char *body = slurp(ORDER, &len), *h = slurp(ORDER_HMAC, &hlen);
	char *tag = strchr(h, '\n') + 1;

	(void)state;
	tag[strcspn(tag, "\n")] = '\0';
	assert_true(hmac_sha256_b64_ok((const uint8_t *)KEY, strlen(KEY), body,
				       len, tag));
	/* The body one byte shorter (its final newline): no. */
	assert_false(hmac_sha256_b64_ok((const uint8_t *)KEY, strlen(KEY),
					body, len - 1, tag));
	free(body);
	free(h);
}

/* Shopify's sample order: #1001, one SKU on two lines, decimals. */
static void test_shopify_order(void **state)
{
	struct import_meta m;
	struct od_err err;
	struct order *o;
	size_t len;
	char *body = slurp(ORDER, &len);

	(void)state;
	od_err_clear(&err);
	assert_int_equal(import_webhook_order(IMPORT_SHOPIFY, body, len, &o, &m,
					      &err), OD_OK);
	assert_int_equal(m.source, IMPORT_SHOPIFY);
	assert_false(m.cancelled);
	assert_string_equal(o->number, "1001");
	assert_string_equal(o->placed_at, "2026-11-20T15:15:30Z");
	assert_string_equal(o->customer_name, "Steve Shipper");
	assert_string_equal(o->email, "jon@example.com");
	assert_string_equal(o->phone, "555-555-SHIP");
	assert_string_equal(o->city, "Shippington, KY");
	assert_string_equal(o->country, "US");
	assert_int_equal(o->nitems, 1);
	assert_string_equal(o->items[0].sku, "IPOD2008PINK");
	assert_int_equal(o->items[0].qty, 2);
	assert_int_equal(o->items[0].unit_price, 19900);
	assert_int_equal(o->shipping, 1000);
	assert_int_equal(o->discount, 2000);
	assert_int_equal(o->total, 38800);
	assert_int_equal(o->arrival, ARRIVAL_UNPAID);
	assert_string_equal(o->note, "Leave at the back door. / Ring twice.");
	order_free(o);
	free(body);
}

/* Replaces the first from in s (of room 1 MiB) with to. */
static void edit(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from);

	assert_non_null(p);
	memmove(p + strlen(to), p + strlen(from), strlen(p + strlen(from)) + 1);
	memcpy(p, to, strlen(to));
}

/* Paid, cancelled, no SKU, no shipping address: what each becomes. */
static void test_shopify_quirks(void **state)
{
	struct import_meta m;
	struct od_err err;
	struct order *o;
	size_t len;
	char *body = slurp(ORDER, &len);

	(void)state;
	edit(body, "\"pending\"", "\"paid\"");
	edit(body, "\"cancelled_at\": null",
	     "\"cancelled_at\": \"2026-11-21T09:00:00-05:00\"");
	edit(body, "\"sku\": \"IPOD2008PINK\"", "\"sku\": \"\"");
	edit(body, "\"shipping_address\"", "\"no_shipping_address\"");
	edit(body, "\"address1\": \"123 Shipping Street\"",
	     "\"address1\": \"1 Billing Road\"");
	assert_int_equal(import_webhook_order(IMPORT_SHOPIFY, body,
					      strlen(body), &o, &m, &err),
			 OD_OK);
	assert_true(m.cancelled);
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	assert_int_equal(o->nitems, 2);
	assert_memory_equal(o->items[0].sku, "IPOD-NANO-8GB-", 14);
	assert_int_equal(o->nlines, 0);   /* no shipping_address: none */
	order_free(o);
	/* Figures that do not add up are refused, naming the order. */
	edit(body, "\"388.00\"", "\"403.00\"");
	assert_int_not_equal(import_webhook_order(IMPORT_SHOPIFY, body,
						  strlen(body), &o, &m, &err),
			     OD_OK);
	assert_non_null(strstr(err.msg, "1001"));
	/* Not JSON, and a WooCommerce body sent as Shopify's. */
	assert_int_equal(import_webhook_order(IMPORT_SHOPIFY, "webhook_id=7", 12,
					      &o, &m, &err), OD_E_INPUT);
	assert_int_equal(import_webhook_order(IMPORT_SHOPIFY, "{\"id\": 1}", 9,
					      &o, &m, &err), OD_E_INPUT);
	free(body);
}

/* Sets sf's shopify secret to text; keep_old as store_hook_secret_set. */
static void set_secret(struct store *s, const char *text, int keep_old)
{
	struct od_err err;

	assert_int_equal(store_hook_secret_set(s, "web", "shopify",
					       (const uint8_t *)text,
					       strlen(text), keep_old, &err),
			 OD_OK);
}

/* A rotation keeps the old secret until it is dropped; kinds apart. */
static void test_store_secrets(void **state)
{
	struct store_hook_secrets sec;
	struct store *s;
	struct od_err err;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	assert_int_equal(store_hook_secrets_get(s, "web", "shopify", &sec,
						&err), OD_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "--shopify-secret-fd"));
	set_secret(s, "one", 1);
	assert_int_equal(store_hook_secrets_get(s, "web", "shopify", &sec,
						&err), OD_OK);
	assert_memory_equal(sec.cur, "one", 3);
	assert_int_equal(sec.cur_len, 3);
	assert_int_equal(sec.old_len, 0);
	set_secret(s, "two!", 1);
	assert_int_equal(store_hook_secrets_get(s, "web", "shopify", &sec,
						&err), OD_OK);
	assert_int_equal(sec.cur_len, 4);
	assert_memory_equal(sec.cur, "two!", 4);
	assert_int_equal(sec.old_len, 3);
	assert_memory_equal(sec.old, "one", 3);
	assert_int_equal(store_hook_secrets_get(s, "web", "woocommerce", &sec,
						&err), OD_E_NOTFOUND);
	assert_int_equal(store_hook_drop_old(s, "web", "shopify", &err), OD_OK);
	assert_int_equal(store_hook_secrets_get(s, "web", "shopify", &sec,
						&err), OD_OK);
	assert_int_equal(sec.old_len, 0);
	/* Set outright (not kept): no old one either. */
	set_secret(s, "three", 1);
	set_secret(s, "four", 0);
	assert_int_equal(store_hook_secrets_get(s, "web", "shopify", &sec,
						&err), OD_OK);
	assert_int_equal(sec.old_len, 0);
	assert_int_not_equal(store_hook_secret_set(s, "web", "shopify",
				(const uint8_t *)"", 0, 1, &err), OD_OK);
	store_close(s);
}

/* Delivery ids: per storefront and kind, forgotten after 30 days. */
static void test_store_deliveries(void **state)
{
	const long long now = 1800000000LL;
	struct store *s;
	struct od_err err;
	int seen = -1;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	assert_int_equal(store_hook_seen(s, "web", "shopify", "a", &seen, &err),
			 OD_OK);
	assert_false(seen);
	assert_int_equal(store_begin(s, &err), OD_OK);
	assert_int_equal(store_hook_mark(s, "web", "shopify", "a", now, &err),
			 OD_OK);
	assert_int_equal(store_commit(s, &err), OD_OK);
	assert_int_equal(store_hook_seen(s, "web", "shopify", "a", &seen, &err),
			 OD_OK);
	assert_true(seen);
	assert_int_equal(store_hook_seen(s, "web", "woocommerce", "a", &seen,
					 &err), OD_OK);
	assert_false(seen);
	assert_int_equal(store_hook_seen(s, "shop2", "shopify", "a", &seen,
					 &err), OD_OK);
	assert_false(seen);
	/* A mark 30 days and a second later forgets it. */
	assert_int_equal(store_begin(s, &err), OD_OK);
	assert_int_equal(store_hook_mark(s, "web", "shopify", "b",
					 now + STORE_HOOK_KEEP_S + 1, &err),
			 OD_OK);
	assert_int_equal(store_commit(s, &err), OD_OK);
	assert_int_equal(store_hook_seen(s, "web", "shopify", "a", &seen, &err),
			 OD_OK);
	assert_false(seen);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_openssl),
		cmocka_unit_test(test_shopify_order),
		cmocka_unit_test(test_shopify_quirks),
		cmocka_unit_test(test_store_secrets),
		cmocka_unit_test(test_store_deliveries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
