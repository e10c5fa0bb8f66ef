/*
 * test-money.c - the money of an order in the fold: shipping, tax and
 * discount that must add up to the total, how an order arrived, payments
 * and refunds (never more than left to pay, never a refund beyond paid less
 * refunded, refund items the order has), who may, and that `audit verify`
 * replays it all; then the amounts people type.
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
#include "app/log/money.h"
#include "app/log/order.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *s;
	struct fixture_person owner, keeper, staff;
	struct od_err err;
};

/* A shop with an owner, a shopkeeper and staff, and orders 1 to 3
 * (CNY, items 2 x 100 + 1 x 50, total 250). */
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

/* Signs a payment.receive of amount (minor units) as p. */
static enum od_code pay(struct world *w, struct fixture_person *p,
			const char *order, const char *amount)
{
	struct statement *st = fixture_stmt(p, STMT_PAYMENT_RECEIVE, order);

	fixture_add(st, "amount", amount);
	fixture_add(st, "method", "card");
	return fixture_append(w->s, p, st, NULL, &w->err);
}

/* Signs a payment.refund as p, with up to two items (NULL for none). */
static enum od_code refund(struct world *w, struct fixture_person *p,
			   const char *order, const char *amount,
			   const char *item1, const char *item2)
{
	struct statement *st = fixture_stmt(p, STMT_PAYMENT_REFUND, order);

	fixture_add(st, "amount", amount);
	fixture_add(st, "reason", "broken in transit");
	if (item1 != NULL)
		fixture_add(st, "item", item1);
	if (item2 != NULL)
		fixture_add(st, "item", item2);
	return fixture_append(w->s, p, st, NULL, &w->err);
}

/* The order as the store has it now. */
static struct order *get(struct world *w, const char *number)
{
	struct order *o = NULL;

	assert_int_equal(store_order_get(w->s, number, &o, &w->err), OD_OK);
	return o;
}

static enum pay_state state_of(struct world *w, const char *number)
{
	struct order *o = get(w, number);
	enum pay_state ps = money_state(o);

	order_free(o);
	return ps;
}

/* An order.placed like fixture_order's with money fields; NULL: left out. */
static struct statement *placed(struct world *w, const char *number,
				const char *shipping, const char *tax,
				const char *discount, const char *total,
				const char *payment)
{
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_PLACED,
					    number);

	fixture_add(st, "placed", "2026-11-20T09:15:00Z");
	fixture_add(st, "currency", "EUR");
	fixture_add(st, "customer", "Ana");
	fixture_add(st, "ship-name", "Ana");
	fixture_add(st, "ship-line", "Calle Mayor 1");
	fixture_add(st, "ship-city", "Madrid");
	fixture_add(st, "ship-country", "ES");
	fixture_add(st, "item", "A 2 10000 Tea");
	if (shipping != NULL)
		fixture_add(st, "shipping", shipping);
	if (tax != NULL)
		fixture_add(st, "tax", tax);
	if (discount != NULL)
		fixture_add(st, "discount", discount);
	fixture_add(st, "total", total);
	if (payment != NULL)
		fixture_add(st, "payment", payment);
	return st;
}

static enum od_code place(struct world *w, struct statement *st)
{
	return fixture_append(w->s, &w->keeper, st, NULL, &w->err);
}

/* total = items + shipping + tax - discount, or the order is refused. */
static void test_total_adds_up(void **state)
{
	struct world *w = *state;
	struct order *o;

	assert_int_equal(place(w, placed(w, "M1", "1500", "4100", "1000",
					 "24600", NULL)), OD_OK);
	o = get(w, "M1");
	assert_int_equal(o->shipping, 1500);
	assert_int_equal(o->tax, 4100);
	assert_int_equal(o->discount, 1000);
	assert_int_equal(o->total, 24600);
	assert_int_equal(money_state(o), PAY_UNPAID);
	order_free(o);
	assert_int_equal(place(w, placed(w, "M2", "1500", "4100", "1000",
					 "24700", NULL)), OD_E_INPUT);
	assert_string_equal(w->err.msg,
			    "order M2: total 24700 does not match items 20000 "
			    "+ shipping 1500 + tax 4100 - discount 1000 = "
			    "24600 (minor units)");
	assert_int_equal(place(w, placed(w, "M3", NULL, NULL, "30000", "0",
					 NULL)), OD_E_INPUT);
	assert_string_equal(w->err.msg,
			    "order M3: the discount (30000) is more than the "
			    "items, shipping and tax (20000)");
	/* Without charges the message is the one it always was. */
	assert_int_equal(place(w, placed(w, "M4", NULL, NULL, NULL, "20001",
					 NULL)), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order M4: total 20001 does not "
			    "match the sum of the items (20000)");
	assert_int_equal(store_order_get(w->s, "M2", &o, &w->err),
			 OD_E_NOTFOUND);
}

/* Payments up to the total, then refunds up to what was paid. */
static void test_pay_then_refund(void **state)
{
	struct world *w = *state;
	struct order *o;

	assert_int_equal(state_of(w, "1"), PAY_UNPAID);
	assert_int_equal(pay(w, &w->keeper, "1", "100"), OD_OK);
	assert_int_equal(state_of(w, "1"), PAY_PARTLY_PAID);
	assert_int_equal(pay(w, &w->keeper, "1", "151"), OD_E_STATE);
	assert_string_equal(w->err.msg, "payment of 1.51 CNY refused: order "
			    "1's total is 2.50, 1.00 paid, 1.50 left to pay");
	assert_int_equal(pay(w, &w->keeper, "1", "150"), OD_OK);
	assert_int_equal(state_of(w, "1"), PAY_PAID);
	assert_int_equal(pay(w, &w->owner, "1", "1"), OD_E_STATE);
	assert_int_equal(refund(w, &w->owner, "1", "30", NULL, NULL), OD_OK);
	assert_int_equal(state_of(w, "1"), PAY_PARTLY_REFUNDED);
	assert_int_equal(refund(w, &w->owner, "1", "221", NULL, NULL),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "refund of 2.21 CNY refused: 2.50 "
			    "paid, 0.30 refunded, 2.20 left");
	assert_int_equal(refund(w, &w->owner, "1", "220", NULL, NULL), OD_OK);
	assert_int_equal(state_of(w, "1"), PAY_REFUNDED);
	assert_int_equal(refund(w, &w->owner, "1", "1", NULL, NULL),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "refund of 0.01 CNY refused: 2.50 "
			    "paid, 2.50 refunded, 0.00 left");
	o = get(w, "1");
	assert_int_equal(o->paid, 250);
	assert_int_equal(o->refunded, 250);
	order_free(o);
}

/* Nothing paid, nothing to refund; a cancelled order takes no money. */
static void test_illegal(void **state)
{
	struct world *w = *state;
	struct statement *st;

	assert_int_equal(refund(w, &w->owner, "2", "1", NULL, NULL),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "refund of 0.01 CNY refused: 0.00 "
			    "paid, 0.00 refunded, 0.00 left");
	assert_int_equal(pay(w, &w->keeper, "404", "1"), OD_E_NOTFOUND);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CANCEL, "2");
	fixture_add(st, "reason", "asked");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(pay(w, &w->keeper, "2", "1"), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 2 is cancelled; it cannot "
			    "take payments");
	assert_int_equal(state_of(w, "2"), PAY_UNPAID);
}

/* Refunds are the owner's; payments the shopkeeper's and the owner's. */
static void test_roles(void **state)
{
	struct world *w = *state;

	assert_int_equal(pay(w, &w->staff, "1", "100"), OD_E_DENIED);
	assert_string_equal(w->err.msg, "sam is staff and may not record "
			    "payments; ask a shopkeeper or the owner");
	assert_int_equal(pay(w, &w->owner, "1", "250"), OD_OK);
	assert_int_equal(refund(w, &w->keeper, "1", "10", NULL, NULL),
			 OD_E_DENIED);
	assert_string_equal(w->err.msg, "mei is shopkeeper and may not "
			    "refund money; ask the owner");
	assert_int_equal(refund(w, &w->staff, "1", "10", NULL, NULL),
			 OD_E_DENIED);
	assert_int_equal(state_of(w, "1"), PAY_PAID);
}

/* Refund items: the order's SKUs, never more than ordered less refunded. */
static void test_refund_items(void **state)
{
	struct world *w = *state;

	assert_int_equal(pay(w, &w->keeper, "1", "250"), OD_OK);
	assert_int_equal(refund(w, &w->owner, "1", "10", "Z 1", NULL),
			 OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1 has no item Z");
	assert_int_equal(refund(w, &w->owner, "1", "10", "A 3", NULL),
			 OD_E_STATE);
	/* The same SKU twice in one refund counts both. */
	assert_int_equal(refund(w, &w->owner, "1", "10", "A 1", "A 2"),
			 OD_E_STATE);
	assert_int_equal(refund(w, &w->owner, "1", "100", "A 1", "B 1"),
			 OD_OK);
	assert_int_equal(refund(w, &w->owner, "1", "100", "A 2", NULL),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1: 2 of A were ordered and 1 "
			    "already refunded; at most 1 more can be");
	assert_int_equal(refund(w, &w->owner, "1", "100", "A 1", NULL),
			 OD_OK);
}

/* An order may arrive paid (refundable at once), authorized or COD. */
static void test_arrival(void **state)
{
	struct world *w = *state;
	struct order *o;

	assert_int_equal(place(w, placed(w, "P", NULL, NULL, NULL, "20000",
					 "paid")), OD_OK);
	o = get(w, "P");
	assert_int_equal(o->arrival, ARRIVAL_PAID);
	assert_int_equal(o->paid, 20000);
	assert_int_equal(money_state(o), PAY_PAID);
	order_free(o);
	assert_int_equal(pay(w, &w->keeper, "P", "1"), OD_E_STATE);
	assert_int_equal(refund(w, &w->owner, "P", "20000", NULL, NULL),
			 OD_OK);
	assert_int_equal(state_of(w, "P"), PAY_REFUNDED);
	assert_int_equal(place(w, placed(w, "C", NULL, NULL, NULL, "20000",
					 "cod")), OD_OK);
	assert_int_equal(state_of(w, "C"), PAY_COD);
	assert_int_equal(pay(w, &w->keeper, "C", "20000"), OD_OK);
	assert_int_equal(state_of(w, "C"), PAY_PAID);
	assert_int_equal(place(w, placed(w, "H", NULL, NULL, NULL, "20000",
					 "authorized")), OD_OK);
	assert_int_equal(state_of(w, "H"), PAY_AUTHORIZED);
	/* Authorized is not paid: nothing to refund yet. */
	assert_int_equal(refund(w, &w->owner, "H", "1", NULL, NULL),
			 OD_E_STATE);
}

/* `audit verify` replays payments and refunds and finds the same state. */
static void test_verify_replays_money(void **state)
{
	struct world *w = *state;
	struct ledger_report rep;

	assert_int_equal(place(w, placed(w, "M1", "1500", "4100", "1000",
					 "24600", "cod")), OD_OK);
	assert_int_equal(pay(w, &w->keeper, "M1", "24600"), OD_OK);
	assert_int_equal(refund(w, &w->owner, "M1", "500", "A 1", NULL),
			 OD_OK);
	assert_int_equal(pay(w, &w->keeper, "1", "50"), OD_OK);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.orders, 4);
}

/* An order signed before money fields existed folds as it always did. */
static void test_old_order_unchanged(void **state)
{
	struct world *w = *state;
	struct statement *st = fixture_order(&w->keeper, "OLD");
	struct buf text;
	struct order *o;

	buf_init(&text, 64 * 1024);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	/* No money line is added to an order without money. */
	assert_null(strstr(text.data, "shipping:"));
	assert_null(strstr(text.data, "payment:"));
	buf_free(&text);
	assert_int_equal(place(w, st), OD_OK);
	o = get(w, "OLD");
	assert_int_equal(o->total, 250);
	assert_int_equal(o->shipping + o->tax + o->discount + o->paid, 0);
	assert_int_equal(o->arrival, ARRIVAL_UNPAID);
	order_free(o);
}

/* Signs a shipment.deliver as p, naming a parcel if tracking is set. */
static enum od_code deliver(struct world *w, struct fixture_person *p,
			    const char *order, const char *tracking)
{
	struct statement *st = fixture_stmt(p, STMT_SHIPMENT_DELIVER, order);

	if (tracking != NULL)
		fixture_add(st, "tracking", tracking);
	return fixture_append(w->s, p, st, NULL, &w->err);
}

/* Delivered comes after shipped, only; then nothing undoes it. */
static void test_deliver(void **state)
{
	struct world *w = *state;
	struct statement *st;

	assert_int_equal(deliver(w, &w->staff, "1", NULL), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1 is new; only a shipped order "
			    "(every item shipped) can be delivered whole; "
			    "deliver a parcel with --parcel");
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM, "1");
	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF1");
	fixture_add(st, "item", "A 2");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
	/* Partly shipped: the parcel is delivered, the order not yet. */
	assert_int_equal(deliver(w, &w->staff, "1", "SF1"), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM, "1");
	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF2");
	fixture_add(st, "item", "B 1");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(deliver(w, &w->staff, "1", "SF9"), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1 has no parcel with tracking "
			    "SF9; see `orderdesk show 1`");
	assert_int_equal(fixture_status(w->s, "1"), ORDER_SHIPPED);
	assert_int_equal(deliver(w, &w->staff, "1", "SF2"), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_DELIVERED);
	assert_int_equal(deliver(w, &w->owner, "1", NULL), OD_E_STATE);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CANCEL, "1");
	fixture_add(st, "reason", "late");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_E_STATE);
	st = fixture_stmt(&w->keeper, STMT_ORDER_HOLD, "1");
	fixture_add(st, "reason", "check");
	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_E_STATE);
	/* Cash on delivery is collected after it. */
	assert_int_equal(pay(w, &w->keeper, "1", "250"), OD_OK);
}

/* Ships order 1 (A x2, B x1) as staff with the given serials. */
static enum od_code ship_serials(struct world *w, const char *s1,
				 const char *s2, const char *s3)
{
	const char *serials[] = { s1, s2, s3 };
	struct statement *st;
	size_t i;

	st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM, "1");
	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF1");
	fixture_add(st, "item", "A 2");
	fixture_add(st, "item", "B 1");
	for (i = 0; i < 3; i++)
		if (serials[i] != NULL)
			fixture_add(st, "serial", serials[i]);
	return fixture_append(w->s, &w->staff, st, NULL, &w->err);
}

/* Copies the items of the order's one parcel. */
static enum od_code parcel_items(void *ctx, const struct shipment_record *r,
				 struct od_err *err)
{
	(void)err;
	snprintf(ctx, 128, "%s", r->items);
	return OD_OK;
}

/* Serials: an item of the parcel, one a unit at most, never twice. */
static void test_serials(void **state)
{
	struct world *w = *state;
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					    "1");
	char items[128] = "";

	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(ship_serials(w, "C X1", NULL, NULL), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1: a serial names C, which this "
			    "parcel does not hold");
	assert_int_equal(ship_serials(w, "B X1", "B X2", NULL), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1: more serials for B than the "
			    "1 shipped in this parcel");
	assert_int_equal(ship_serials(w, "A X1", "A X1", NULL), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1: serial X1 of A is given "
			    "twice");
	/* Nothing of the refused parcels shipped. */
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	assert_int_equal(ship_serials(w, "A X1", "B Y1", "A X2"), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_SHIPPED);
	assert_int_equal(store_shipment_each(w->s, "1", parcel_items, items,
					     &w->err), OD_OK);
	assert_string_equal(items, "A 2 [X1 X2], B 1 [Y1]");
}

/* Ships one unit of A of order 2 as staff with the serial given. */
static enum od_code ship_one(struct world *w, const char *tracking,
			     const char *serial)
{
	struct statement *st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM,
					    "2");

	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", tracking);
	fixture_add(st, "item", "A 1");
	fixture_add(st, "serial", serial);
	return fixture_append(w->s, &w->staff, st, NULL, &w->err);
}

/* One unit leaves once: a serial of an earlier parcel is refused. */
static void test_serial_once(void **state)
{
	struct world *w = *state;
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					    "2");

	assert_int_equal(fixture_append(w->s, &w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(ship_one(w, "SF1", "A X1"), OD_OK);
	assert_int_equal(ship_one(w, "SF2", "A X1"), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 2: serial X1 of A has shipped "
			    "already, in an earlier parcel");
	/* A serial that is a prefix of one shipped is another serial. */
	assert_int_equal(ship_one(w, "SF2", "A X"), OD_OK);
}

/* Amounts as people type them, in the currency's own minor unit. */
static void test_money_parse(void **state)
{
	struct od_err err;
	long long v = 0;

	assert_int_equal(money_parse("256.00", "EUR", &v, &err), OD_OK);
	assert_int_equal(v, 25600);
	assert_int_equal(money_parse("256", "EUR", &v, &err), OD_OK);
	assert_int_equal(v, 25600);
	assert_int_equal(money_parse("0.5", "EUR", &v, &err), OD_OK);
	assert_int_equal(v, 50);
	assert_int_equal(money_parse("1200", "JPY", &v, &err), OD_OK);
	assert_int_equal(v, 1200);
	assert_int_equal(money_parse("1.250", "KWD", &v, &err), OD_OK);
	assert_int_equal(v, 1250);
	assert_int_equal(money_parse("12.5", "JPY", &v, &err), OD_E_USAGE);
	assert_int_equal(money_parse("1.001", "EUR", &v, &err), OD_E_USAGE);
	assert_string_equal(err.msg, "amount: EUR has 2 decimals; give at "
			    "most 2");
	assert_int_equal(money_parse("-5", "EUR", &v, &err), OD_E_USAGE);
	assert_int_equal(money_parse("1,5", "EUR", &v, &err), OD_E_USAGE);
	assert_int_equal(money_parse("", "EUR", &v, &err), OD_E_USAGE);
	assert_int_equal(money_parse("5.", "EUR", &v, &err), OD_E_USAGE);
	assert_int_equal(money_parse("0.00", "EUR", &v, &err), OD_E_USAGE);
	assert_int_equal(money_parse("99999999999999999999", "EUR", &v, &err),
			 OD_E_USAGE);
	assert_int_equal(money_parse("10000000000.01", "EUR", &v, &err),
			 OD_E_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_total_adds_up, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pay_then_refund, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_illegal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refund_items, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_arrival, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_replays_money,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_order_unchanged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_deliver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_serials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_serial_once, setup,
						teardown),
		cmocka_unit_test(test_money_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
