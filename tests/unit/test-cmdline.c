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

static const struct {
	const char *line, *says;
} bad[] = {
	{ "hold 1045", "say why: hold NUMBER REASON" },
	{ "cancel 1045 --reason", "say why: cancel NUMBER REASON" },
	{ "note 1042", "say why: note NUMBER TEXT" },
	{ "hold", ":hold needs an order number" },
	{ "hold 10/45 x", ":hold needs an order number" },
	{ "confirm 1042 1043", ":confirm takes one order" },
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
		cmocka_unit_test(test_open_and_filter),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
