/* test-cmdline.c - the `:` command line's words (ui/cmdline-parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/cmdline.h"

static struct cmdline c;
static char why[256];

static void test_acts(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("hold 1045 address check", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.verb, CMDLINE_ACT);
	assert_int_equal(c.kind, STMT_ORDER_HOLD);
	assert_string_equal(c.number, "1045");
	assert_string_equal(c.text, "address check");
	assert_int_equal(cmdline_parse("hold 1045 --reason \"out of stock\"",
				       &c, why, sizeof why), 0);
	assert_string_equal(c.text, "out of stock");
	assert_int_equal(cmdline_parse("  ship 1042 --carrier DHL --tracking "
				       "JD1 --item TEA-001:1 --item MUG-7", &c,
				       why, sizeof why), 0);
	assert_int_equal(c.kind, STMT_SHIPMENT_CONFIRM);
	assert_string_equal(c.carrier, "DHL");
	assert_string_equal(c.tracking, "JD1");
	assert_string_equal(c.text, "TEA-001:1, MUG-7");
	assert_int_equal(cmdline_parse("ship 1042 --carrier \"SF Express\" "
				       "--tracking SF1", &c, why, sizeof why),
			 0);
	assert_string_equal(c.carrier, "SF Express");
	assert_int_equal(cmdline_parse("confirm 1042", &c, why, sizeof why),
			 0);
	assert_int_equal(c.kind, STMT_ORDER_CONFIRM);
	assert_int_equal(cmdline_parse("unconfirm 1042", &c, why, sizeof why),
			 0);
	assert_int_equal(c.kind, STMT_ORDER_UNCONFIRM);
	assert_string_equal(c.number, "1042");
	assert_int_equal(cmdline_parse("release 1045", &c, why, sizeof why),
			 0);
	assert_string_equal(c.text, "");
	assert_int_equal(cmdline_parse("note 1042 gift wrap", &c, why,
				       sizeof why), 0);
	assert_string_equal(c.text, "gift wrap");
}

static void test_open_and_filter(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("1042", &c, why, sizeof why), 0);
	assert_int_equal(c.verb, CMDLINE_OPEN);
	assert_string_equal(c.number, "1042");
	assert_int_equal(cmdline_parse("filter status:held customer:\"a b\"",
				       &c, why, sizeof why), 0);
	assert_int_equal(c.verb, CMDLINE_FILTER);
	assert_string_equal(c.text, "status:held customer:\"a b\"");
	assert_int_equal(cmdline_parse("filter", &c, why, sizeof why), 0);
	assert_string_equal(c.text, "");
}

/* Several orders: a list, a range, and where the reason starts. */
static void test_many(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("hold 1045 1046 1050 address check", &c,
				       why, sizeof why), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.number, "1045");
	assert_string_equal(c.numbers[2], "1050");
	assert_string_equal(c.text, "address check");
	assert_int_equal(cmdline_parse("confirm 1001-1010 1042", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.n, 11);
	assert_string_equal(c.numbers[0], "1001");
	assert_string_equal(c.numbers[9], "1010");
	assert_string_equal(c.numbers[10], "1042");
	assert_int_equal(cmdline_parse("release 0998-1001", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.numbers[0], "0998");
	assert_string_equal(c.numbers[3], "1001");
	/* A reason starting with a number: after --reason, or on a verb
	 * that takes one order. */
	assert_int_equal(cmdline_parse("hold 1045 --reason 2 boxes", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.text, "2 boxes");
	assert_int_equal(cmdline_parse("note 1042 2 boxes", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.text, "2 boxes");
	/* The first word is any order number, one word after is a range
	 * only when both ends are digits. */
	assert_int_equal(cmdline_parse("hold A-1 1047-R1 x", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.text, "1047-R1 x");
}

static const struct {
	const char *line, *says;
} bad[] = {
	{ "hold 1045", "say why: hold NUMBER... REASON" },
	{ "cancel 1045 --reason", "say why: cancel NUMBER REASON" },
	{ "note 1042", "say why: note NUMBER TEXT" },
	{ "hold", ":hold needs an order number" },
	{ "hold 10/45 x", ":hold needs an order number" },
	{ "confirm 1042 soon", ":confirm takes order numbers only" },
	{ "hold 1045 1046", "say why: hold NUMBER... REASON" },
	{ "ship 1042 1043 --carrier A --tracking B", ":ship takes one order" },
	{ "cancel 1042-1044 oops", ":cancel takes one order" },
	{ "confirm 1-400", ":confirm: at most 300 orders" },
	{ "unconfirm 1042 now", ":unconfirm takes one order" },
	{ "unconfirm", ":unconfirm needs an order number" },
	{ "ship 1042 --carrier DHL", ":ship needs --carrier and --tracking" },
	{ "ship 1042 --tracking X --carrier", ":ship needs" },
	{ "ship 1042 --carrier A --tracking B --colour red", ":ship needs" },
	{ "frobnicate 1042", "unknown command" },
	{ "1042 1043", "unknown command" },
	{ "", "type a command" },
	{ "note 1042 \"open", "a quote is left open" },
};

static void test_refused(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		if (cmdline_parse(bad[i].line, &c, why, sizeof why) != -1 ||
		    strstr(why, bad[i].says) == NULL) {
			print_error("\"%s\": \"%s\"\n", bad[i].line, why);
			fail();
		}
	}
}

static void test_complete(void **state)
{
	static const char *const nums[] = { "1040", "1041", "1045", "2001" };
	char buf[64], list[128];

	(void)state;
	strcpy(buf, "ho");
	assert_int_equal(cmdline_complete(buf, sizeof buf, cmdline_verbs, 7,
					  list, sizeof list), 1);
	assert_string_equal(buf, "hold ");
	strcpy(buf, "c");
	assert_int_equal(cmdline_complete(buf, sizeof buf, cmdline_verbs, 7,
					  list, sizeof list), 2);
	assert_string_equal(buf, "c");          /* cancel, confirm */
	assert_string_equal(list, "cancel confirm");
	strcpy(buf, "hold 10");
	assert_false(cmdline_first_word(buf));
	assert_int_equal(cmdline_complete(buf, sizeof buf, nums, 4, list,
					  sizeof list), 3);
	assert_string_equal(buf, "hold 104");   /* the shared start */
	assert_string_equal(list, "1040 1041 1045");
	assert_true(cmdline_in_orders("hold 10"));
	assert_true(cmdline_in_orders("hold 1045 10"));
	assert_true(cmdline_in_orders("confirm 1001-1010 "));
	assert_false(cmdline_in_orders("hold 1045 address 10"));
	assert_false(cmdline_in_orders("note 1042 10"));
	assert_false(cmdline_in_orders("hold"));
	strcpy(buf, "hold 1045");
	assert_int_equal(cmdline_complete(buf, sizeof buf, nums, 4, list,
					  sizeof list), 1);
	assert_string_equal(buf, "hold 1045 ");
	strcpy(buf, "hold 9");
	assert_int_equal(cmdline_complete(buf, sizeof buf, nums, 4, list,
					  sizeof list), 0);
	assert_string_equal(buf, "hold 9");
	/* No room: the line is left as it is. */
	strcpy(buf, "hold 20");
	assert_int_equal(cmdline_complete(buf, 9, nums, 4, list, sizeof list),
			 1);
	assert_string_equal(buf, "hold 20");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acts),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_open_and_filter),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
