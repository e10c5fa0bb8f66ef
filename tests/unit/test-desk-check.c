/*
 * test-desk-check.c - what the desk says before the first field: an
 * action checked by the fold in a transaction rolled back (nothing kept),
 * a person's role or revocation, who may sign a kind, a name's rule; and
 * holds by reason (desk-check.c, desk-hold.c).
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
#define SAM_PASS FIXTURE_DESK_SAM_PASS

static char dir[64];

static struct desk *open_as(const char *user, const char *pass)
{
	return fixture_desk_open(dir, user, pass);
}

static int setup(void **state)
{
	(void)state;
	return fixture_desk_shop(dir, sizeof dir, "test-desk-check",
				 "Check test", 1, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return fixture_desk_dir_remove(dir);
}

/* Entries in order number's history. */
static size_t history(struct desk *d, const char *number)
{
	struct desk_detail *dd = NULL;
	struct od_err err;
	size_t n;

	assert_int_equal(desk_detail(d, number, &dd, &err), OD_OK);
	n = dd->nevents;
	desk_detail_free(dd);
	return n;
}

static void test_act_checked_by_the_fold(void **state)
{
	struct desk *mei = open_as("mei", MEI_PASS);
	struct desk_act *act = NULL;
	struct od_err err;
	long long seq;

	(void)state;
	/* A new order cannot ship: said before any field. */
	assert_int_equal(desk_check_act(mei, STMT_SHIPMENT_CONFIRM, "3001",
					&err), OD_E_STATE);
	assert_non_null(strstr(err.msg, "order 3001 is new; only confirmed "
			       "orders can ship"));
	assert_int_equal(desk_check_act(mei, STMT_ORDER_RELEASE, "3001",
					&err), OD_E_STATE);
	assert_int_equal(desk_check_act(mei, STMT_ORDER_CONFIRM, "3001",
					&err), OD_OK);
	assert_int_equal(desk_check_act(mei, STMT_ORDER_HOLD, "3001", &err),
			 OD_OK);
	assert_int_equal(desk_check_act(mei, STMT_ORDER_NOTE, "3001", &err),
			 OD_OK);
	assert_int_equal(desk_check_act(mei, STMT_ORDER_CONFIRM, "9999",
					&err), OD_E_NOTFOUND);
	/* Checked, never kept: the order is as it was. */
	assert_int_equal(history(mei, "3001"), 1);
	assert_int_equal(desk_prepare(mei, STMT_ORDER_CONFIRM, "3002", NULL,
				      NULL, NULL, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(mei, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_int_equal(desk_check_act(mei, STMT_SHIPMENT_CONFIRM, "3002",
					&err), OD_OK);
	assert_int_equal(desk_check_act(mei, STMT_ORDER_CONFIRM, "3002",
					&err), OD_E_STATE);
	assert_int_equal(history(mei, "3002"), 2);
	desk_free(mei);
}

static void test_role_checked_too(void **state)
{
	struct desk *sam = open_as("sam", SAM_PASS);
	struct od_err err;
	char who[64];

	(void)state;
	assert_int_equal(desk_check_act(sam, STMT_ORDER_CONFIRM, "3001",
					&err), OD_E_DENIED);
	assert_int_equal(desk_check_act(sam, STMT_ORDER_NOTE, "3001", &err),
			 OD_OK);
	desk_who_may(STMT_ORDER_CONFIRM, who, sizeof who);
	assert_string_equal(who, "owner and shopkeeper");
	desk_who_may(STMT_ORDER_NOTE, who, sizeof who);
	assert_string_equal(who, "owner, shopkeeper and staff");
	desk_who_may(STMT_USER_ADD, who, sizeof who);
	assert_string_equal(who, "owner");
	desk_free(sam);
}

static void test_the_only_owner_is_kept(void **state)
{
	struct desk *owner = open_as("owner", OWNER_PASS);
	struct od_err err;

	(void)state;
	assert_int_equal(desk_check_user(owner, STMT_USER_REVOKE, "owner",
					 NULL, &err), OD_E_STATE);
	assert_non_null(strstr(err.msg, "only owner"));
	assert_int_equal(desk_check_user(owner, STMT_USER_ROLE, "owner",
					 "staff", &err), OD_E_STATE);
	assert_int_equal(desk_check_user(owner, STMT_USER_ROLE, "mei",
					 "owner", &err), OD_OK);
	assert_int_equal(desk_check_user(owner, STMT_USER_REVOKE, "sam", NULL,
					 &err), OD_OK);
	assert_int_equal(desk_check_user(owner, STMT_USER_ROLE, "nobody",
					 "staff", &err), OD_E_NOTFOUND);
	assert_int_equal(desk_check_person_name(owner, "Lee", &err),
			 OD_E_INPUT);
	assert_int_equal(desk_check_person_name(owner, "", &err), OD_E_INPUT);
	assert_int_equal(desk_check_person_name(owner, "lee.k", &err), OD_OK);
	desk_free(owner);
}

static void test_holds_by_reason(void **state)
{
	struct desk *mei = open_as("mei", MEI_PASS);
	struct desk_holds *h = NULL;
	struct desk_act *act = NULL;
	struct od_err err;
	char text[128];
	long long seq;

	(void)state;
	assert_int_equal(desk_hold_kind("incorrect address: no flat"), 2);
	assert_int_equal(desk_hold_kind("Out of stock"), 3);
	assert_int_equal(desk_hold_kind("awaiting payments"), 4);
	assert_int_equal(desk_hold_kind("customer asked to wait"), 4);
	assert_int_equal(desk_hold_kind(NULL), 4);
	desk_hold_text(1, "", text, sizeof text);
	assert_string_equal(text, "high risk of fraud");
	desk_hold_text(2, "no flat number", text, sizeof text);
	assert_string_equal(text, "incorrect address: no flat number");
	assert_int_equal(desk_prepare(mei, STMT_ORDER_HOLD, "3001", text, NULL,
				      NULL, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(mei, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_int_equal(desk_holds(mei, &h, &err), OD_OK);
	assert_int_equal(h->n, 1);
	assert_int_equal(h->count[2], 1);
	assert_string_equal(desk_holds_find(h, "3001")->reason, text);
	assert_null(desk_holds_find(h, "3002"));
	desk_holds_free(h);
	desk_free(mei);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_act_checked_by_the_fold),
		cmocka_unit_test(test_role_checked_too),
		cmocka_unit_test(test_the_only_owner_is_kept),
		cmocka_unit_test(test_holds_by_reason),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
