/*
 * test-noship.c - an order that needs no shipping (a gift card, a
 * download) has no ship-to at all: order.placed without ship- fields is
 * signed, read back and folded; half a ship-to is refused, in the order,
 * in the statement read back and in an amendment; such an order never
 * ships (the fold says to deliver it instead) and is delivered once
 * confirmed, without a parcel; a delivered one cannot be cancelled; the
 * pick list leaves it out.
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
#include "app/paper/pick.h"
#include "tests/unit/fixture-world.h"

/*
 * An order.placed by p for number: a gift card, with the ship- fields
 * given (name/value pairs, NULL-ended, in the kind's order) or none.
 */
static struct statement *gift_card(struct fixture_person *p,
				   const char *number,
				   const char *const *ship)
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_PLACED, number);

	fixture_add(st, "placed", "2026-11-20T09:15:00Z");
	fixture_add(st, "currency", "EUR");
	fixture_add(st, "customer", "Ana Ruiz");
	for (; ship != NULL && *ship != NULL; ship += 2)
		fixture_add(st, ship[0], ship[1]);
	fixture_add(st, "item", "GIFT-50 1 5000 Gift card 50");
	fixture_add(st, "total", "5000");
	return st;
}

static enum od_code place(struct fixture_world *w, const char *number,
			  const char *const *ship)
{
	return fixture_append(w->s, &w->keeper,
			      gift_card(&w->keeper, number, ship), NULL,
			      &w->err);
}

static enum od_code act(struct fixture_world *w, struct fixture_person *p,
			enum stmt_kind kind, const char *number,
			const char *const *fields)
{
	struct statement *st = fixture_stmt(p, kind, number);

	for (; fields != NULL && *fields != NULL; fields += 2)
		fixture_add(st, fields[0], fields[1]);
	return fixture_append(w->s, p, st, NULL, &w->err);
}

static const char *const parcel[] = {
	"carrier", "DHL", "tracking", "JD0001", "item", "GIFT-50 1", NULL,
};

/* Placed without a ship-to, stored without one, read back without one. */
static void test_placed_without_ship_to(void **state)
{
	struct fixture_world *w = *state;
	struct ledger_report rep;
	struct order *o = NULL;

	assert_int_equal(place(w, "G1", NULL), OD_OK);
	assert_int_equal(store_order_get(w->s, "G1", &o, &w->err), OD_OK);
	assert_false(order_has_ship_to(o));
	assert_int_equal(o->nlines, 0);
	assert_string_equal(o->ship_name, "");
	assert_string_equal(o->city, "");
	assert_string_equal(o->country, "");
	record_order_free(o);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.entries, 7);
}

/* Half a ship-to in a signed statement is refused when it is folded. */
static void test_half_ship_to_refused(void **state)
{
	static const char *const city_only[] = {
		"ship-city", "Madrid", NULL,
	};
	static const char *const no_country[] = {
		"ship-name", "Ana", "ship-line", "Calle 1", "ship-city",
		"Madrid", NULL,
	};
	static const char *const postcode_only[] = {
		"ship-postcode", "28001", NULL,
	};
	struct fixture_world *w = *state;

	assert_int_equal(place(w, "G2", city_only), OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "order G2: ship-to name: is "
			       "missing"));
	assert_non_null(strstr(w->err.msg, "needs no shipping"));
	assert_int_equal(place(w, "G2", no_country), OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "ship-to country: is missing"));
	assert_int_equal(place(w, "G2", postcode_only), OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "ship-to name: is missing"));
	assert_int_equal(store_order_get(w->s, "G2", &(struct order *){ NULL },
					 &w->err), OD_E_NOTFOUND);
}

/* Nothing ships for it, by anyone: the fold says to deliver it. */
static void test_ship_refused(void **state)
{
	struct fixture_world *w = *state;

	assert_int_equal(place(w, "G3", NULL), OD_OK);
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_CONFIRM, "G3", NULL),
			 OD_OK);
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_CONFIRM, "G3",
			     parcel), OD_E_STATE);
	assert_string_equal(w->err.msg, "order G3 needs no shipping; deliver "
			    "it: `orderdesk deliver G3`");
	assert_int_equal(act(w, &w->owner, STMT_SHIPMENT_CONFIRM, "G3",
			     parcel), OD_E_STATE);
	assert_int_equal(fixture_status(w->s, "G3"), ORDER_CONFIRMED);
	/* An order with a ship-to still ships. */
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_CONFIRM, "1", NULL),
			 OD_OK);
	{
		static const char *const a2[] = {
			"carrier", "DHL", "tracking", "JD0002", "item", "A 2",
			"item", "B 1", NULL,
		};

		assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_CONFIRM, "1",
				     a2), OD_OK);
	}
	assert_int_equal(fixture_status(w->s, "1"), ORDER_SHIPPED);
}

/* Delivered once confirmed, without a parcel; then never cancelled. */
static void test_deliver(void **state)
{
	static const char *const tracking[] = { "tracking", "JD0001", NULL };
	static const char *const reason[] = { "reason", "changed mind", NULL };
	struct fixture_world *w = *state;
	struct ledger_report rep;

	assert_int_equal(place(w, "G4", NULL), OD_OK);
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_DELIVER, "G4", NULL),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "confirm it"));
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_CONFIRM, "G4", NULL),
			 OD_OK);
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_HOLD, "G4", reason),
			 OD_OK);
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_DELIVER, "G4", NULL),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "release it"));
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_RELEASE, "G4", NULL),
			 OD_OK);
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_DELIVER, "G4",
			     tracking), OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "without --parcel"));
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_DELIVER, "G4", NULL),
			 OD_OK);
	assert_int_equal(fixture_status(w->s, "G4"), ORDER_DELIVERED);
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_DELIVER, "G4", NULL),
			 OD_E_STATE);
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_CANCEL, "G4", reason),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "is delivered"));
	assert_int_equal(fixture_status(w->s, "G4"), ORDER_DELIVERED);
	/* An order that ships is delivered only once shipped, as before. */
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_CONFIRM, "2", NULL),
			 OD_OK);
	assert_int_equal(act(w, &w->staff, STMT_SHIPMENT_DELIVER, "2", NULL),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "only a shipped order"));
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

/* An amendment gives a whole ship-to or none; never half of one. */
static void test_amend_all_or_none(void **state)
{
	static const char *const city[] = { "ship-city", "Madrid", NULL };
	static const char *const whole[] = {
		"ship-name", "Ana Ruiz", "ship-line", "Calle 1", "ship-city",
		"Madrid", "ship-country", "ES", NULL,
	};
	struct fixture_world *w = *state;
	struct order *o = NULL;

	assert_int_equal(place(w, "G5", NULL), OD_OK);
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_AMEND, "G5", city),
			 OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "ship-to name: is missing"));
	assert_int_equal(act(w, &w->keeper, STMT_ORDER_AMEND, "G5", whole),
			 OD_OK);
	assert_int_equal(store_order_get(w->s, "G5", &o, &w->err), OD_OK);
	assert_true(order_has_ship_to(o));
	assert_string_equal(o->country, "ES");
	record_order_free(o);
}

/* The order itself: no ship-to is valid and round-trips; half is not. */
static void test_order_round_trip(void **state)
{
	struct statement *st = NULL, *parsed = NULL;
	struct order o, *back = NULL;
	struct order_item it = { "GIFT-50", "Gift card", 1, 5000, 0 };
	struct od_err err;
	struct buf b;

	(void)state;
	memset(&o, 0, sizeof o);
	o.number = "G6";
	o.placed_at = "2026-11-20T09:15:00Z";
	strcpy(o.currency, "EUR");
	o.customer_name = "Ana";
	o.items = &it;
	o.nitems = 1;
	o.total = 5000;
	od_err_clear(&err);
	assert_int_equal(order_validate(&o, &err), OD_OK);
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei",
				       "sha256:" "0000000000000000000000000000"
				       "000000000000000000000000000000000000",
				       "G6", &st, &err), OD_OK);
	assert_int_equal(order_to_statement(&o, st, &err), OD_OK);
	buf_init(&b, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &b, &err), OD_OK);
	assert_null(strstr(b.data, "ship-"));
	assert_int_equal(statement_parse(b.data, b.len, &parsed, &err), OD_OK);
	assert_int_equal(order_from_statement(parsed, &back, &err), OD_OK);
	assert_false(order_has_ship_to(back));
	order_free(back);
	statement_free(parsed);
	statement_free(st);
	buf_free(&b);
	/* A country alone is half a ship-to. */
	strcpy(o.country, "ES");
	assert_int_equal(order_validate(&o, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "order G6: ship-to name: is missing"));
}

/* The pick list leaves out an order that needs no shipping. */
static void test_pick_leaves_out(void **state)
{
	struct order_item it = { "GIFT-50", "Gift card", 1, 5000, 0 };
	char *line = "Calle 1";
	struct order o;
	struct pick_list pl;
	struct od_err err;
	size_t added = 9;

	(void)state;
	memset(&o, 0, sizeof o);
	o.number = "G7";
	o.items = &it;
	o.nitems = 1;
	pick_init(&pl);
	assert_int_equal(pick_add(&pl, &o, &added, &err), OD_OK);
	assert_int_equal(added, 0);
	assert_int_equal(pl.norders, 0);
	o.ship_lines[0] = line;
	o.nlines = 1;
	assert_int_equal(pick_add(&pl, &o, &added, &err), OD_OK);
	assert_int_equal(added, 1);
	assert_int_equal(pl.norders, 1);
	pick_free(&pl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_WORLD_TEST(test_placed_without_ship_to),
		FIXTURE_WORLD_TEST(test_half_ship_to_refused),
		FIXTURE_WORLD_TEST(test_ship_refused),
		FIXTURE_WORLD_TEST(test_deliver),
		FIXTURE_WORLD_TEST(test_amend_all_or_none),
		cmocka_unit_test(test_order_round_trip),
		cmocka_unit_test(test_pick_leaves_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
