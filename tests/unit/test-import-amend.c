/*
 * test-import-amend.c - an order edited in its storefront becomes an
 * order.amend (app/import/import-amend.h): the decision against the shop
 * (amend, nothing, or refused in words), the statement it fills folded
 * like any amendment, signed as the storefront for its own orders only,
 * and the summary's "1 amended".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/import/import-update.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *s;
	struct fixture_person owner, keeper, staff, web;
	struct import_meta m;
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
	fixture_person_make(&w->web, "web");
	fixture_shop_found(w->s, &w->owner, &w->keeper, &w->staff);
	fixture_user_add(w->s, &w->owner, &w->web, "storefront");
	w->m.source = IMPORT_WOOCOMMERCE;
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
	fixture_person_free(&w->web);
	free(w);
	return 0;
}

/* The shop's order number, to edit as the storefront's file would. */
static struct order *shop_order(struct world *w, const char *number)
{
	struct order *o = NULL;

	assert_int_equal(store_order_get(w->s, number, &o, &w->err), OD_OK);
	return o;
}

/* Decides o and signs what it needs as p; returns the first failure. */
static enum od_code bring(struct world *w, struct fixture_person *p,
			  const struct order *o, struct import_plan *plan)
{
	struct statement *st;
	enum od_code rc = import_plan_decide(w->s, o, &w->m, plan, &w->err);
	size_t i;

	for (i = 0; rc == OD_OK && i < plan->n; i++) {
		st = fixture_stmt(p, plan->steps[i], o->number);
		rc = import_plan_fill(o, &w->m, plan, i, st, &w->err);
		if (rc != OD_OK) {
			statement_free(st);
			break;
		}
		rc = fixture_append(w->s, p, st, NULL, &w->err);
	}
	return rc;
}

/* Quantity, an item out, an item in and the city: one amendment. */
static void test_edited(void **state)
{
	struct world *w = *state;
	struct order *o = shop_order(w, "1"), *now;
	struct import_plan p;
	struct import_tally t;
	struct ledger_report rep;
	char text[160];

	assert_int_equal(bring(w, &w->keeper, o, &p), OD_OK);
	assert_int_equal(p.n, 0);
	o->items[0].qty = 3;                      /* A: 2 -> 3 */
	free(o->items[1].sku);                    /* B out, C in */
	free(o->items[1].name);
	o->items[1].sku = strdup("C");
	o->items[1].name = strdup("Cup of tea");
	o->items[1].unit_price = 70;
	o->total = 370;
	free(o->city);
	o->city = strdup("Suzhou");
	assert_int_equal(bring(w, &w->keeper, o, &p), OD_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.steps[0], STMT_ORDER_AMEND);
	now = shop_order(w, "1");
	assert_int_equal(now->nitems, 2);
	assert_string_equal(now->items[1].sku, "C");
	assert_int_equal(now->items[0].qty, 3);
	assert_int_equal(now->total, 370);
	assert_string_equal(now->city, "Suzhou");
	record_order_free(now);
	/* The same file again needs nothing. */
	assert_int_equal(bring(w, &w->keeper, o, &p), OD_OK);
	assert_int_equal(p.n, 0);
	memset(&t, 0, sizeof t);
	p.n = 1;
	p.steps[0] = STMT_ORDER_AMEND;
	import_tally_add(&t, &p);
	import_tally_text(&t, text, sizeof text);
	assert_string_equal(text, "0 new, 0 already here, 1 updated "
			    "(1 amended, 0 paid, 0 cancelled)");
	/* A price changed is not an amendment. */
	o->items[1].unit_price = 80;
	o->total = 380;
	assert_int_equal(bring(w, &w->keeper, o, &p), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1 is already in the shop with "
			    "other items, figures or time: the price of C "
			    "changed in woocommerce; orderdesk amends only "
			    "items, quantities and the ship-to");
	record_order_free(o);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

/* Signed as a storefront: its own orders only; never once shipped. */
static void test_storefront(void **state)
{
	struct world *w = *state;
	struct order *o = shop_order(w, "2");
	struct import_plan p;
	struct statement *st;

	o->items[0].qty = 1;
	o->total -= 100;
	assert_int_equal(bring(w, &w->web, o, &p), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "was not placed by storefront web"));
	free(o->number);
	o->number = strdup("9");
	assert_int_equal(bring(w, &w->web, o, &p), OD_OK);   /* placed */
	o->items[0].qty = 2;
	o->total += 100;
	assert_int_equal(bring(w, &w->web, o, &p), OD_OK);   /* amended */
	assert_int_equal(p.steps[0], STMT_ORDER_AMEND);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "9");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM, "9");
	fixture_add(st, "carrier", "DHL");
	fixture_add(st, "tracking", "D1");
	fixture_add(st, "item", "A 2");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
	o->items[0].qty = 1;
	o->total -= 100;
	assert_int_equal(bring(w, &w->web, o, &p), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 9 changed in woocommerce after "
			    "it was partly shipped here; orderdesk amends only "
			    "an order not yet shipped");
	record_order_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_storefront, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
