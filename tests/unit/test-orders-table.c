/*
 * test-orders-table.c - the orders list's layout (ui/orders-table.c): the
 * columns a person chose, and which give way in a narrow window (the
 * extra ones first, the last chosen first, then ITEMS), the customer
 * keeping its room.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ui/orders-table.h"

#define EXTRAS ((1u << OC_CARRIER) | (1u << OC_TRACKING) | (1u << OC_CITY) | \
		(1u << OC_PAID))

static void test_default(void **state)
{
	struct orders_table t = { .cols = NULL };

	(void)state;
	orders_table_layout(&t, 80, 0, 0, 0);
	assert_int_equal(t.dropped, 0);
	assert_true(t.w[OC_ITEMS] > 0 && t.w[OC_PLACED] == 16);
	assert_int_equal(t.w[OC_CARRIER], 0);
	assert_true(t.w[OC_CUSTOMER] >= 14);
}

static void test_chosen_wide(void **state)
{
	struct orders_cols c = { .shown = OC_DEFAULT | EXTRAS };
	struct orders_table t = { .cols = &c };

	(void)state;
	orders_table_layout(&t, 160, 0, 0, 0);
	assert_int_equal(t.dropped, 0);
	assert_true(t.w[OC_CARRIER] > 0 && t.w[OC_PAID] > 0);
	assert_int_equal(t.w[OC_EMAIL], 0);
	/* In table order, after STATUS. */
	assert_true(t.x[OC_CARRIER] > t.x[OC_STATUS]);
	assert_true(t.x[OC_PAID] + t.w[OC_PAID] <= 160);
}

static void test_narrow_drops(void **state)
{
	struct orders_cols c = { .shown = OC_DEFAULT | EXTRAS };
	struct orders_table t = { .cols = &c };

	(void)state;
	/* 100 columns: the last chosen (PAID, CITY) go, CARRIER stays. */
	orders_table_layout(&t, 110, 0, 0, 0);
	assert_int_equal(t.w[OC_PAID], 0);
	assert_true(t.w[OC_CARRIER] > 0);
	assert_true(t.dropped >= 1);
	assert_true(t.w[OC_CUSTOMER] >= 14);
	/* 60 columns on a status's tab: every extra and ITEMS go (and
	 * STATUS, which the tab says). */
	orders_table_layout(&t, 60, 0, 1, 0);
	assert_int_equal(t.dropped, 5);
	assert_int_equal(t.w[OC_CARRIER] + t.w[OC_TRACKING] + t.w[OC_CITY] +
			 t.w[OC_PAID] + t.w[OC_ITEMS], 0);
	assert_true(t.w[OC_CUSTOMER] >= 14);
}

static void test_hidden_and_held(void **state)
{
	struct orders_cols c = { .shown = 1u << OC_TOTAL };
	struct orders_table t = { .cols = &c };

	(void)state;
	orders_table_layout(&t, 80, 0, 0, 0);
	assert_int_equal(t.w[OC_PLACED] + t.w[OC_ITEMS] + t.w[OC_STATUS], 0);
	assert_true(t.w[OC_TOTAL] > 0 && t.w[OC_NUMBER] > 0);
	/* The Held tab's reason stands where STATUS is, chosen or not. */
	orders_table_layout(&t, 80, 0, 1, 1);
	assert_true(t.w[OC_STATUS] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_chosen_wide),
		cmocka_unit_test(test_narrow_drops),
		cmocka_unit_test(test_hidden_and_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
