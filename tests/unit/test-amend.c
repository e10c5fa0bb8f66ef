/*
 * test-amend.c - order.amend in the fold: a corrected ship-to before
 * shipping, each old value checked against the order's; refused when the
 * old value is stale, nothing changes, a part is half given, the order has
 * shipped or is cancelled, or the signer's role may not amend; and
 * `audit verify` replaying it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *s;
	struct fixture_person owner, keeper, staff;
	struct od_err err;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	assert_int_equal(store_open_memory(&w->s, &w->err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_person_make(&w->keeper, "mei");
	fixture_person_make(&w->staff, "sam");
	fixture_shop_found(w->s, &w->owner, &w->keeper, &w->staff);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	store_close(w->s);
	fixture_person_free(&w->owner);
	fixture_person_free(&w->keeper);
	fixture_person_free(&w->staff);
	free(w);
	return 0;
}

/*
 * p amends order number: fields are name/value pairs, NULL-ended, in the
 * kind's order.
 */
static enum od_code amend(struct world *w, struct fixture_person *p,
			  const char *number, const char *const *fields)
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_AMEND, number);

	for (; *fields; fields += 2)
		fixture_add(st, fields[0], fields[1]);
	return fixture_append(w->s, p, st, NULL, &w->err);
}

static enum od_code simple(struct world *w, struct fixture_person *p,
			   enum stmt_kind kind, const char *number,
			   const char *reason)
{
	struct statement *st = fixture_stmt(p, kind, number);

	if (reason != NULL)
		fixture_add(st, "reason", reason);
	return fixture_append(w->s, p, st, NULL, &w->err);
}

static const char *const to_suzhou[] = {
	"was-ship-line", "朝阳区建国路88号", "ship-line", "平江路1号",
	"ship-line", "3楼", "was-ship-city", "北京", "ship-city", "苏州",
	"ship-postcode", "215000", NULL,
};

/* A new order takes a new address; the stored order is the amended one. */
static void test_amend_address(void **state)
{
	struct world *w = *state;
	struct ledger_report rep;
	struct order *o = NULL;

	assert_int_equal(amend(w, &w->keeper, "1", to_suzhou), OD_OK);
	assert_int_equal(store_order_get(w->s, "1", &o, &w->err), OD_OK);
	assert_string_equal(o->city, "苏州");
	assert_string_equal(o->postcode, "215000");
	assert_int_equal(o->nlines, 2);
	assert_string_equal(o->ship_lines[0], "平江路1号");
	assert_string_equal(o->ship_lines[1], "3楼");
	assert_string_equal(o->ship_name, "王小明");
	record_order_free(o);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.entries, 7);
}

/* The old value must be the order's now: the same amendment twice is stale. */
static void test_stale_old_value(void **state)
{
	static const char *const city_again[] = {
		"was-ship-city", "北京", "ship-city", "上海", NULL,
	};
	static const char *const same[] = {
		"was-ship-city", "北京", "ship-city", "北京", NULL,
	};
	static const char *const half[] = {
		"was-ship-city", "北京", NULL,
	};
	static const char *const no_was[] = { "ship-city", "上海", NULL };
	static const char *const nothing[] = { NULL };
	struct world *w = *state;

	assert_int_equal(amend(w, &w->keeper, "1", same), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1's ship-city is already "
			    "\"北京\"");
	assert_int_equal(amend(w, &w->keeper, "1", half), OD_E_INPUT);
	assert_string_equal(w->err.msg, "was-ship-city without ship-city");
	assert_int_equal(amend(w, &w->keeper, "1", no_was), OD_E_STATE);
	assert_int_equal(amend(w, &w->keeper, "1", nothing), OD_E_INPUT);
	assert_string_equal(w->err.msg, "an amendment needs a new value");
	assert_int_equal(amend(w, &w->keeper, "1", to_suzhou), OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", city_again), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1's ship-city is \"苏州\", not "
			    "\"北京\" as the amendment says; amend what it is "
			    "now");
	assert_int_equal(amend(w, &w->keeper, "1", to_suzhou), OD_E_STATE);
	assert_int_equal(amend(w, &w->keeper, "9", city_again),
			 OD_E_NOTFOUND);
}

/* Not after anything shipped, not on a cancelled order, not by staff. */
static void test_amend_refused(void **state)
{
	struct world *w = *state;
	struct statement *st;

	assert_int_equal(amend(w, &w->staff, "1", to_suzhou), OD_E_DENIED);
	assert_string_equal(w->err.msg, "sam is staff and may not amend "
			    "orders; ask a shopkeeper or the owner");
	assert_int_equal(simple(w, &w->keeper, STMT_ORDER_CANCEL, "2",
				"asked"), OD_OK);
	assert_int_equal(amend(w, &w->keeper, "2", to_suzhou), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 2 is cancelled; only an order "
			    "not yet shipped can be amended");
	assert_int_equal(simple(w, &w->keeper, STMT_ORDER_CONFIRM, "1", NULL),
			 OD_OK);
	st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM, "1");
	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF1");
	fixture_add(st, "item", "A 1");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", to_suzhou), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 has shipped parcels; it "
			    "cannot be amended");
}

/* A held order can still be corrected. */
static void test_amend_held(void **state)
{
	struct world *w = *state;

	assert_int_equal(simple(w, &w->keeper, STMT_ORDER_HOLD, "3",
				"address?"), OD_OK);
	assert_int_equal(amend(w, &w->owner, "3", to_suzhou), OD_OK);
	assert_int_equal(fixture_status(w->s, "3"), ORDER_HELD);
}

/* Quantities: old and new, the totals before and after, never below what
 * was paid, not once refunded. */
static void test_amend_items(void **state)
{
	static const char *const a3[] = {
		"was-item", "A 2", "item", "A 3",
		"was-total", "250", "total", "350", NULL,
	};
	static const char *const bad_total[] = {
		"was-total", "350", "total", "150", NULL,
	};
	static const char *const a1_wrong[] = {
		"was-item", "A 3", "item", "A 1",
		"was-total", "350", "total", "999", NULL,
	};
	static const char *const a1[] = {
		"was-item", "A 3", "item", "A 1",
		"was-total", "350", "total", "150", NULL,
	};
	static const char *const stale[] = {
		"was-item", "A 2", "item", "A 1",
		"was-total", "250", "total", "150", NULL,
	};
	static const char *const other_sku[] = {
		"was-item", "A 3", "item", "B 1",
		"was-total", "350", "total", "350", NULL,
	};
	struct world *w = *state;
	struct statement *st;
	struct order *o = NULL;

	assert_int_equal(amend(w, &w->keeper, "1", a3), OD_OK);
	assert_int_equal(store_order_get(w->s, "1", &o, &w->err), OD_OK);
	assert_int_equal(o->items[0].qty, 3);
	assert_int_equal(o->total, 350);
	record_order_free(o);
	assert_int_equal(amend(w, &w->keeper, "1", stale), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 has 3 of A, not 2 as the "
			    "amendment says; amend what it is now");
	assert_int_equal(amend(w, &w->keeper, "1", bad_total), OD_E_INPUT);
	assert_int_equal(amend(w, &w->keeper, "1", a1_wrong), OD_E_INPUT);
	assert_int_equal(amend(w, &w->keeper, "1", other_sku), OD_E_INPUT);
	st = fixture_stmt(&w->keeper, STMT_PAYMENT_RECEIVE, "1");
	fixture_add(st, "amount", "300");
	fixture_add(st, "method", "card");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", a1), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "the new total"));
	st = fixture_stmt(&w->owner, STMT_PAYMENT_REFUND, "1");
	fixture_add(st, "amount", "200");
	fixture_add(st, "reason", "fewer");
	assert_int_equal(fixture_append(w->s, &w->owner, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", a1), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 has refunds; its items "
			    "cannot be amended");
}

/* Whether a search for text finds order 1. */
static enum od_code find_one(void *ctx, const struct order *o,
			     struct od_err *err)
{
	(void)err;
	*(int *)ctx |= strcmp(o->number, "1") == 0;
	return OD_OK;
}

static int finds_order_1(struct world *w, const char *text)
{
	struct store_filter f = { -1, text };
	int found = 0;

	assert_int_equal(store_order_each(w->s, &f, find_one, &found,
					  &w->err), OD_OK);
	return found;
}

/* Items added and taken out, the total with them; never none left. */
static void test_add_remove(void **state)
{
	static const char *const add_c[] = {
		"add-item", "C 1 50 Cup of tea", "was-total", "250",
		"total", "300", NULL,
	};
	static const char *const add_a[] = {
		"add-item", "A 1 100 A again", "was-total", "300",
		"total", "400", NULL,
	};
	static const char *const out_b[] = {
		"was-item", "B 1", "item", "B 0",
		"was-total", "300", "total", "250", NULL,
	};
	static const char *const out_all[] = {
		"was-item", "A 2", "was-item", "C 1", "item", "A 0",
		"item", "C 0", "was-total", "250", "total", "0", NULL,
	};
	static const char *const out_c[] = {
		"was-item", "C 1", "item", "C 0",
		"was-total", "250", "total", "200", NULL,
	};
	static const char *const add_d[] = {
		"add-item", "D 1 10 Spoon", "was-total", "250",
		"total", "260", NULL,
	};
	struct world *w = *state;
	struct ledger_report rep;
	struct statement *st;
	struct order *o = NULL;

	assert_int_equal(amend(w, &w->keeper, "1", add_c), OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", add_a), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 has A already; change its "
			    "quantity instead");
	assert_int_equal(amend(w, &w->keeper, "1", out_b), OD_OK);
	assert_int_equal(store_order_get(w->s, "1", &o, &w->err), OD_OK);
	assert_int_equal(o->nitems, 2);
	assert_string_equal(o->items[0].sku, "A");
	assert_string_equal(o->items[1].sku, "C");
	assert_string_equal(o->items[1].name, "Cup of tea");
	assert_int_equal(o->items[1].unit_price, 50);
	assert_int_equal(o->total, 250);
	record_order_free(o);
	/* The search text follows: "Cup of tea" in, B's "Cup" (a line of
	 * its own in the search text) out. */
	assert_true(finds_order_1(w, "Cup of tea"));
	assert_false(finds_order_1(w, "Cup\n"));
	assert_int_equal(amend(w, &w->keeper, "1", out_all), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 would have no items left; "
			    "cancel it instead");
	st = fixture_stmt(&w->keeper, STMT_PAYMENT_RECEIVE, "1");
	fixture_add(st, "amount", "250");
	fixture_add(st, "method", "card");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", out_c), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 has 2.50 CNY paid; the new "
			    "total 2.00 CNY is less: refund first");
	assert_int_equal(simple(w, &w->keeper, STMT_ORDER_CONFIRM, "1", NULL),
			 OD_OK);
	st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM, "1");
	fixture_add(st, "carrier", "DHL");
	fixture_add(st, "tracking", "D1");
	fixture_add(st, "item", "A 2");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(amend(w, &w->keeper, "1", add_d), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 has shipped parcels; it "
			    "cannot be amended");
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_amend_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_old_value, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_amend_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_amend_held, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_amend_items, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_add_remove, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
