/*
 * test-desk-money.c - the screens' money and returns (desk-money*.c): the
 * statements made from what a dialog typed, signed as shown; an order's
 * payments, parcels and returns read back from its log; the refund a
 * return's close carries, signed in the close's transaction, both or
 * neither; and what the fold refuses, asked before the first field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/desk/desk.h"
#include "app/log/order.h"
#include "app/shop/shop.h"
#include "tests/unit/fixture-desk.h"

#define OWNER_PASS FIXTURE_DESK_OWNER_PASS
#define MEI_PASS FIXTURE_DESK_MEI_PASS

static char dir[64];

static struct desk *open_as(const char *user, const char *pass)
{
	return fixture_desk_open(dir, user, pass);
}

static int setup(void **state)
{
	(void)state;
	return fixture_desk_shop(dir, sizeof dir, "test-desk-money",
				 "Money test", 0, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return fixture_desk_dir_remove(dir);
}

/* Signs a prepared act; its code (the act freed). */
static enum od_code sign(struct desk *d, struct desk_act *act,
			 struct od_err *err)
{
	long long seq = 0;
	enum od_code rc = desk_act_sign(d, act, &seq, err);

	desk_act_free(act);
	return rc;
}

/* Prepares and signs kind about 3001 from f. */
static enum od_code money(struct desk *d, enum stmt_kind kind,
			  const struct desk_money_form *f,
			  struct od_err *err)
{
	struct desk_act *act = NULL;
	enum od_code rc = desk_prepare_money(d, kind, "3001", f, &act, err);

	return rc == OD_OK ? sign(d, act, err) : rc;
}

static struct desk_detail *detail(struct desk *d)
{
	struct desk_detail *dd = NULL;
	struct od_err err;

	assert_int_equal(desk_detail(d, "3001", &dd, &err), OD_OK);
	return dd;
}

/* 3001 confirmed and shipped whole, with a serial per unit. */
static void confirm_and_ship(struct desk *d)
{
	struct desk_act *act = NULL;
	struct od_err err;

	assert_int_equal(desk_prepare(d, STMT_ORDER_CONFIRM, "3001", NULL, NULL,
				      NULL, &act, &err), OD_OK);
	assert_int_equal(sign(d, act, &err), OD_OK);
	assert_int_equal(desk_prepare(d, STMT_SHIPMENT_CONFIRM, "3001", NULL,
				      "DHL", "T1", &act, &err), OD_OK);
	assert_int_equal(sign(d, act, &err), OD_OK);
}

static void test_pay_and_read_back(void **state)
{
	struct desk *d = open_as("owner", OWNER_PASS);
	struct desk_money_form f = { 0 };
	struct desk_detail *dd;
	struct od_err err;

	(void)state;
	/* Nothing paid: a refund is refused before the first field. */
	f.reason = "-";
	assert_int_equal(desk_check_money(d, STMT_PAYMENT_REFUND, "3001", &f,
					  &err), OD_E_STATE);
	assert_non_null(strstr(err.msg, "0.00 paid"));
	/* A shipment not yet made cannot be delivered. */
	assert_int_equal(desk_check_money(d, STMT_SHIPMENT_DELIVER, "3002", &f,
					  &err), OD_E_STATE);
	f.amount = "12.5.0";
	f.method = "card";
	assert_int_equal(money(d, STMT_PAYMENT_RECEIVE, &f, &err), OD_E_USAGE);
	f.amount = "9.00";
	f.reference = "pi_1";
	assert_int_equal(money(d, STMT_PAYMENT_RECEIVE, &f, &err), OD_OK);
	dd = detail(d);
	assert_int_equal(dd->money->npays, 1);
	assert_int_equal(dd->money->pays[0].amount, 900);
	assert_string_equal(dd->money->pays[0].method, "card");
	assert_string_equal(dd->money->pays[0].reference, "pi_1");
	assert_string_equal(dd->money->pays[0].actor, "owner");
	assert_string_equal(dd->money->state, "paid");
	desk_detail_free(dd);
	desk_free(d);
}

static void test_parcel_delivery_and_return(void **state)
{
	struct desk *d = open_as("owner", OWNER_PASS);
	struct desk_money_form f = { 0 };
	struct desk_detail *dd;
	struct od_err err;
	char items[64];

	(void)state;
	confirm_and_ship(d);
	f.tracking = "T1";
	assert_int_equal(money(d, STMT_SHIPMENT_DELIVER, &f, &err), OD_OK);
	assert_int_equal(desk_returnable(d, "3001", items, sizeof items, &err),
			 OD_OK);
	assert_string_equal(items, "TEA-1 2");
	memset(&f, 0, sizeof f);
	f.items = "TEA-1:1";
	f.reason = "leaking";
	assert_int_equal(money(d, STMT_RETURN_OPEN, &f, &err), OD_OK);
	assert_int_equal(desk_returnable(d, "3001", items, sizeof items, &err),
			 OD_OK);
	assert_string_equal(items, "TEA-1 1");
	memset(&f, 0, sizeof f);
	f.rma = "3001-R1";
	f.condition = "damaged";
	f.items = " TEA-1  1 ";
	assert_int_equal(money(d, STMT_RETURN_RECEIVE, &f, &err), OD_OK);
	dd = detail(d);
	assert_int_equal(dd->money->nparcels, 1);
	assert_string_equal(dd->money->parcels[0].tracking, "T1");
	assert_true(dd->money->parcels[0].delivered > 0);
	assert_string_equal(dd->money->parcels[0].delivered_by, "owner");
	assert_int_equal(dd->money->nreturns, 1);
	assert_string_equal(dd->money->returns[0].rma, "3001-R1");
	assert_int_equal(dd->money->returns[0].state, RETURN_RECEIVED);
	assert_string_equal(dd->money->returns[0].condition, "damaged");
	assert_string_equal(dd->money->returns[0].inspected_by, "owner");
	desk_detail_free(dd);
	desk_free(d);
}

static void test_close_with_refund_both_or_neither(void **state)
{
	struct desk *d = open_as("owner", OWNER_PASS);
	struct desk *mei = open_as("mei", MEI_PASS);
	struct desk_money_form f = { 0 };
	struct desk_detail *dd;
	struct desk_act *act = NULL;
	struct od_err err;
	size_t before;

	(void)state;
	/* A shopkeeper may not refund: said before the first field. */
	f.reason = "-";
	assert_int_equal(desk_check_money(mei, STMT_PAYMENT_REFUND, "3001", &f,
					  &err), OD_E_DENIED);
	dd = detail(d);
	before = dd->nevents;
	desk_detail_free(dd);
	f.rma = "3001-R1";
	f.decision = "accept";
	f.reason = NULL;
	f.refund = "20.00";     /* beyond the 9.00 paid */
	assert_int_equal(desk_prepare_money(d, STMT_RETURN_CLOSE, "3001", &f,
					    &act, &err), OD_OK);
	assert_non_null(strstr(desk_act_also_text(act),
			       "reason: return 3001-R1 accepted"));
	assert_int_not_equal(sign(d, act, &err), OD_OK);
	assert_non_null(strstr(err.msg, "refund of 20.00 EUR refused"));
	dd = detail(d);
	assert_int_equal(dd->nevents, before);
	assert_int_equal(dd->money->returns[0].state, RETURN_RECEIVED);
	desk_detail_free(dd);
	f.refund = "4.50";
	assert_int_equal(money(d, STMT_RETURN_CLOSE, &f, &err), OD_OK);
	dd = detail(d);
	assert_int_equal(dd->nevents, before + 2);
	assert_int_equal(dd->money->returns[0].state, RETURN_ACCEPTED);
	assert_int_equal(dd->money->returns[0].closed + 1,
			 dd->events[dd->nevents - 1].seq);
	assert_int_equal(dd->money->npays, 2);
	assert_int_equal(dd->money->pays[1].refund, 1);
	assert_int_equal(dd->money->pays[1].amount, 450);
	assert_string_equal(dd->money->pays[1].rma, "3001-R1");
	/* Both signed and checked: the refund names the close as signed. */
	assert_int_equal(dd->nunchecked, 0);
	desk_detail_free(dd);
	desk_free(mei);
	desk_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pay_and_read_back),
		cmocka_unit_test(test_parcel_delivery_and_return),
		cmocka_unit_test(test_close_with_refund_both_or_neither),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
