/*
 * test-rma.c - the order a return number names (app/shop/rma.c): all
 * before its last "-R", which must be followed by digits only; anything
 * else is refused in one line saying what a return number looks like, and
 * an order number that is not one as order numbers are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/order.h"
#include "app/shop/rma.h"

static void test_order_of(void **state)
{
	char order[ORDER_NUMBER_MAX + 1];
	struct od_err err;

	(void)state;
	assert_int_equal(shop_rma_order("1042-R1", order, sizeof order, &err),
			 OD_OK);
	assert_string_equal(order, "1042");
	assert_int_equal(shop_rma_order("A-R7-R12", order, sizeof order,
					&err), OD_OK);
	assert_string_equal(order, "A-R7");
}

static void test_refused(void **state)
{
	const char *const bad[] = { "1042", "-R1", "1042-R", "1042-R1x",
				    "1042-Rx", "" };
	char order[8];
	struct od_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(shop_rma_order(bad[i], order, sizeof order,
						&err), OD_E_USAGE);
		assert_string_equal(err.msg, "a return number looks like "
				    "1042-R1");
	}
	assert_int_equal(shop_rma_order("10 4-R1", order, sizeof order,
					&err), OD_E_INPUT);
	/* An order longer than the room for it. */
	assert_int_equal(shop_rma_order("12345678-R1", order, sizeof order,
					&err), OD_E_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_of),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
