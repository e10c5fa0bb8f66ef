/*
 * test-import-update.c - the summary of an import of overlapping exports
 * (app/import/import-update.h): what each plan counts as, and the words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "app/import/import-update.h"

/* A plan of the given steps. */
static struct import_plan plan(size_t n, enum stmt_kind a, enum stmt_kind b)
{
	struct import_plan p;

	memset(&p, 0, sizeof p);
	p.n = n;
	p.steps[0] = a;
	p.steps[1] = b;
	return p;
}

static void test_the_issue_summary(void **state)
{
	struct import_tally t;
	struct import_plan here = plan(0, 0, 0);
	struct import_plan fresh = plan(2, STMT_ORDER_PLACED,
					STMT_ORDER_CANCEL);
	struct import_plan paid = plan(1, STMT_PAYMENT_RECEIVE, 0);
	struct import_plan cancelled = plan(1, STMT_ORDER_CANCEL, 0);
	char text[160];
	size_t i;

	(void)state;
	memset(&t, 0, sizeof t);
	for (i = 0; i < 312; i++)
		import_tally_add(&t, &fresh);
	for (i = 0; i < 1988; i++)
		import_tally_add(&t, &here);
	for (i = 0; i < 3; i++)
		import_tally_add(&t, &paid);
	import_tally_add(&t, &cancelled);
	import_tally_text(&t, text, sizeof text);
	assert_string_equal(text, "312 new, 1,988 already here, 4 updated "
			    "(3 paid, 1 cancelled)");
	/* A new order cancelled at once is new, not updated. */
	assert_int_equal(t.cancelled, 1);
	assert_int_equal(t.orders, 2304);
	assert_int_equal(t.statements, 312 * 2 + 4);
}

static void test_refunds_and_nothing_updated(void **state)
{
	struct import_tally t;
	struct import_plan refund = plan(2, STMT_PAYMENT_RECEIVE,
					 STMT_PAYMENT_REFUND);
	char text[160];

	(void)state;
	memset(&t, 0, sizeof t);
	import_tally_text(&t, text, sizeof text);
	assert_string_equal(text, "0 new, 0 already here, 0 updated");
	import_tally_add(&t, &refund);
	import_tally_text(&t, text, sizeof text);
	assert_string_equal(text, "0 new, 0 already here, 1 updated (1 paid, "
			    "1 refunded, 0 cancelled)");
	import_count_text(1000000, text, sizeof text);
	assert_string_equal(text, "1,000,000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_issue_summary),
		cmocka_unit_test(test_refunds_and_nothing_updated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
