/*
 * test-shopify-refunds.c - refunds in Shopify's order JSON (the body of
 * its order webhooks): the successful transactions of kind "refund" of
 * the order's refunds[] are what was given back (pending, failed and
 * other kinds are not), checked against the order; and, through the one
 * decision of app/import/import-update.c against a real store, a first
 * delivery signs the refund, a later one only the difference, and a
 * redelivery nothing.  Run from the top of the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/import/import-update.h"
#include "app/import/import-webhook.h"
#include "app/log/order.h"
#include "tests/unit/fixture-shop.h"

#define ORDER "tests/unit/data/shopify-order.json"

/* Shopify's sample order (#1001, USD, total 388.00), paid as status says,
 * with refunds (a JSON array, or NULL to leave the sample's []); the
 * body as Shopify would send it, the caller's. */
static char *body_with(const char *status, const char *refunds)
{
	json_error_t je;
	json_t *jo = json_load_file(ORDER, 0, &je), *r;
	char *s;

	assert_non_null(jo);
	json_object_set_new(jo, "financial_status", json_string(status));
	if (refunds != NULL) {
		r = json_loads(refunds, JSON_DECODE_ANY, &je);
		assert_non_null(r);
		json_object_set_new(jo, "refunds", r);
	}
	s = json_dumps(jo, JSON_COMPACT);
	assert_non_null(s);
	json_decref(jo);
	return s;
}

/* Reads body as Shopify's webhook does: its code; m and *o filled. */
static enum od_code read_body(const char *body, struct order **o,
			      struct import_meta *m, struct od_err *err)
{
	od_err_clear(err);
	return import_webhook_order(IMPORT_SHOPIFY, body, strlen(body), o, m,
				    err);
}

/* The refunded amount of status and refunds; the order must read. */
static long long refunded(const char *status, const char *refunds)
{
	struct import_meta m;
	struct od_err err;
	struct order *o = NULL;
	char *body = body_with(status, refunds);

	if (read_body(body, &o, &m, &err) != OD_OK)
		fail_msg("%s", err.msg);
	order_free(o);
	free(body);
	return m.refunded;
}

/* What refunds of that shape count (Shopify's REST refund resource). */
static void test_what_counts(void **state)
{
	(void)state;
	assert_int_equal(refunded("paid", NULL), 0);
	assert_int_equal(refunded("paid", "null"), 0);
	assert_int_equal(refunded("partially_refunded",
		"[{\"id\": 509562969, \"note\": \"it broke\","
		"  \"transactions\": [{\"kind\": \"refund\", \"status\": "
		"  \"success\", \"amount\": \"41.50\", \"currency\": \"USD\"}]},"
		" {\"id\": 509562970, \"transactions\": ["
		"  {\"kind\": \"refund\", \"status\": \"success\","
		"   \"amount\": \"10.00\", \"currency\": \"USD\"},"
		"  {\"kind\": \"refund\", \"status\": \"failure\","
		"   \"amount\": \"99.00\"},"
		"  {\"kind\": \"refund\", \"status\": \"pending\","
		"   \"amount\": \"77.00\"},"
		"  {\"kind\": \"sale\", \"status\": \"success\","
		"   \"amount\": \"388.00\"}]},"
		" {\"id\": 509562971, \"restock\": true, \"transactions\": []},"
		" {\"id\": 509562972}]"), 5150);
	/* The whole total may be refunded, to the cent. */
	assert_int_equal(refunded("refunded",
		"[{\"transactions\": [{\"kind\": \"refund\", \"status\": "
		"\"success\", \"amount\": \"388.00\"}]}]"), 38800);
}

/* Refunds the shop cannot take refuse the order, saying why. */
static void test_refused(void **state)
{
	static const struct {
		const char *refunds, *says;
	} bad[] = {
		{ "{}", "refunds: must be a list" },
		{ "[7]", "each must be an object" },
		{ "[{\"transactions\": 7}]", "transactions: must be a list" },
		{ "[{\"transactions\": [{\"kind\": \"refund\", \"amount\": "
		  "10}]}]", "amount must be a string" },
		{ "[{\"transactions\": [{\"kind\": \"refund\", \"amount\": "
		  "\"-1.00\"}]}]", "amount" },
		{ "[{\"transactions\": [{\"kind\": \"refund\", \"amount\": "
		  "\"1.005\"}]}]", "more decimals" },
		{ "[{\"transactions\": [{\"kind\": \"refund\", \"amount\": "
		  "\"10.00\", \"currency\": \"CAD\"}]}]", "orderdesk refund" },
		{ "[{\"transactions\": [{\"kind\": \"refund\", \"amount\": "
		  "\"200.00\"}]}, {\"transactions\": [{\"kind\": \"refund\", "
		  "\"amount\": \"188.01\"}]}]", "more than the order's total" },
	};
	struct import_meta m;
	struct od_err err;
	struct order *o;
	size_t i;
	char *body;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		body = body_with("paid", bad[i].refunds);
		o = NULL;
		assert_int_equal(read_body(body, &o, &m, &err), OD_E_INPUT);
		assert_null(o);
		if (strstr(err.msg, bad[i].says) == NULL ||
		    strstr(err.msg, "order 1001") == NULL)
			fail_msg("%s: %s", bad[i].refunds, err.msg);
		free(body);
	}
}

/*
 * What body needs against s (owner signing, as the backend signs for its
 * storefront); signs it and returns the plan.
 */
static struct import_plan deliver(struct store *s, struct fixture_person *p,
				  const char *body)
{
	struct import_meta m;
	struct import_plan plan;
	struct statement *st;
	struct od_err err;
	struct order *o = NULL;
	size_t i;

	if (read_body(body, &o, &m, &err) != OD_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(import_plan_decide(s, o, &m, &plan, &err), OD_OK);
	for (i = 0; i < plan.n; i++) {
		st = fixture_stmt(p, plan.steps[i], o->number);
		assert_int_equal(import_plan_fill(o, &m, &plan, i, st, &err),
				 OD_OK);
		if (fixture_append(s, p, st, NULL, &err) != OD_OK)
			fail_msg("%s", err.msg);
	}
	order_free(o);
	return plan;
}

/* The order's refunded total in s. */
static long long refunded_in(struct store *s)
{
	struct order *o = NULL;
	struct od_err err;
	long long v;

	assert_int_equal(store_order_get(s, "1001", &o, &err), OD_OK);
	v = o->refunded;
	order_free(o);
	return v;
}

/*
 * Delivers status and refunds to s; it must sign n statements: the last a
 * refund of refund (if not 0), else the first order.placed; leaving the
 * order refunded in all.
 */
static void expect(struct store *s, struct fixture_person *p,
		   const char *status, const char *refunds, size_t n,
		   long long refund, long long all)
{
	char *body = body_with(status, refunds);
	struct import_plan plan = deliver(s, p, body);

	free(body);
	assert_int_equal(plan.n, n);
	if (refund > 0) {
		assert_int_equal(plan.steps[n - 1], STMT_PAYMENT_REFUND);
		assert_int_equal(plan.refund, refund);
	} else if (n > 0) {
		assert_int_equal(plan.steps[0], STMT_ORDER_PLACED);
	}
	assert_int_equal(refunded_in(s), all);
}

/* orders/updated after each refund: the difference only, once. */
static void test_later_deliveries(void **state)
{
	const char *one = "[{\"transactions\": [{\"kind\": \"refund\", "
			  "\"status\": \"success\", \"amount\": \"41.50\"}]}]";
	const char *two = "[{\"transactions\": [{\"kind\": \"refund\", "
			  "\"status\": \"success\", \"amount\": \"41.50\"}]},"
			  " {\"transactions\": [{\"kind\": \"refund\", "
			  "\"status\": \"pending\", \"amount\": \"5.00\"}, "
			  "{\"kind\": \"refund\", \"status\": \"success\", "
			  "\"amount\": \"8.50\"}]}]";
	const char *part = "partially_refunded";
	struct fixture_person owner;
	struct store *s = NULL;
	struct od_err err;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	fixture_person_make(&owner, "olivia");
	fixture_genesis(s, &owner);
	/* orders/create, paid: placed (paid in full), nothing refunded. */
	expect(s, &owner, "paid", NULL, 1, 0, 0);
	/* orders/updated after a refund of 41.50, then the same body again
	 * (a redelivery under a new id): nothing more. */
	expect(s, &owner, part, one, 1, 4150, 4150);
	expect(s, &owner, part, one, 0, 0, 4150);
	/* A second refund, 8.50 succeeded and 5.00 pending: 8.50 more. */
	expect(s, &owner, part, two, 1, 850, 5000);
	expect(s, &owner, part, two, 0, 0, 5000);
	/* An older delivery arriving late (only the first refund): nothing
	 * is taken back. */
	expect(s, &owner, part, one, 0, 0, 5000);
	fixture_person_free(&owner);
	store_close(s);
}

/* A first delivery already refunded: placed, paid, refunded, in order. */
static void test_first_delivery_refunded(void **state)
{
	struct fixture_person owner;
	struct import_plan p;
	struct store *s = NULL;
	struct od_err err;
	char *body = body_with("refunded", "[{\"transactions\": [{\"kind\": "
			       "\"refund\", \"status\": \"success\", "
			       "\"amount\": \"388.00\"}]}]");

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	fixture_person_make(&owner, "olivia");
	fixture_genesis(s, &owner);
	p = deliver(s, &owner, body);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.steps[0], STMT_ORDER_PLACED);
	assert_int_equal(p.steps[1], STMT_PAYMENT_REFUND);
	assert_int_equal(refunded_in(s), 38800);
	free(body);
	fixture_person_free(&owner);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_counts),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_later_deliveries),
		cmocka_unit_test(test_first_delivery_refunded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
