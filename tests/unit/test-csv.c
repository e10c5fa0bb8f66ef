/* test-csv.c - CSV fields and records: quoting and formula injection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/csv.h"

static void test_fields(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ NULL, "" },
		{ "plain", "plain" },
		{ "陳大文", "陳大文" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\rhere", "\"cr\rhere\"" },
		{ "=HYPERLINK(\"http://x\")",
		  "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "=1+2", "'=1+2" },
		{ "+49 30 1234", "'+49 30 1234" },
		{ "-2+3", "'-2+3" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tcmd", "\"'\tcmd\"" },
		{ "\r=1", "\"'\r'=1\"" },
		{ "a=1", "a=1" },
		{ "x-y", "x-y" },
		{ "'quoted", "'quoted" },
		/*
		 * A ';' or tab splits cells where it is the separator, and
		 * there our quotes do not hold: every cell start is guarded.
		 */
		{ "Bob;=1+1", "\"Bob;'=1+1\"" },
		{ "Bob;+cmd|' /C calc'!A0;", "\"Bob;'+cmd|' /C calc'!A0;\"" },
		{ "a\t@SUM(A1)", "\"a\t'@SUM(A1)\"" },
		{ "1,-5", "\"1,'-5\"" },
		{ "two\n=1", "\"two\n'=1\"" },
		{ "=1;2", "\"'=1;2\"" },
		{ "a; =1", "\"a; =1\"" },
		{ "x;\"y\"", "\"x;\"\"y\"\"\"" },
	};
	struct od_err err;
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_init(&b, 1024);
		assert_int_equal(csv_field(&b, cases[i].in, &err), OD_OK);
		assert_int_equal(buf_add(&b, "", 1, &err), OD_OK);
		if (strcmp(b.data, cases[i].out) != 0)
			fail_msg("case %zu: got [%s], want [%s]", i, b.data,
				 cases[i].out);
		buf_free(&b);
	}
}

static void test_cap(void **state)
{
	struct od_err err;
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_not_equal(csv_field(&b, "far too long for eight", &err),
			     OD_OK);
	buf_free(&b);
}

/* A record: fields joined by commas, CRLF, each one guarded. */
static void test_row(void **state)
{
	static const char *const f[] = { "1042", "Mug, \"blue\"", NULL,
		"=cmd|' /C calc'!A0", "-5" };
	struct od_err err;
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(csv_row(&b, f, 5, &err), OD_OK);
	assert_string_equal(b.data, "1042,\"Mug, \"\"blue\"\"\",,"
			    "'=cmd|' /C calc'!A0,'-5\r\n");
	buf_reset(&b);
	assert_int_equal(csv_row(&b, f, 0, &err), OD_OK);
	assert_string_equal(b.data, "\r\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
