/*
 * test-format.c - money in the currency's own way, terminal columns that
 * line up with CJK text and never split a character, CSV quoting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/format.h"

static void test_money(void **state)
{
	static const struct {
		long long minor;
		const char *cur, *want;
	} cases[] = {
		{ 25600, "CNY", "256.00 CNY" },
		{ 5, "EUR", "0.05 EUR" },
		{ 1200, "JPY", "1200 JPY" },
		{ 1250, "KWD", "1.250 KWD" },
		{ -199, "USD", "-1.99 USD" },
		{ 0, "KRW", "0 KRW" },
	};
	char out[48];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		format_money(cases[i].minor, cases[i].cur, out, sizeof out);
		assert_string_equal(out, cases[i].want);
	}
}

/* Every code of the two lists, and nothing that merely looks like one. */
static void test_currency_exponent(void **state)
{
	static const char *const zero[] = { "BIF", "CLP", "DJF", "GNF", "ISK",
		"JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
		"XOF", "XPF" };
	static const char *const three[] = { "BHD", "IQD", "JOD", "KWD",
		"LYD", "OMR", "TND" };
	static const char *const two[] = { "USD", "EUR", "CNY", "GBP", "",
		"JP", "JPYX", "jpy", "F C", "IF ", " CL", "XO", "BHD ", "DJ" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof zero / sizeof *zero; i++)
		assert_int_equal(format_currency_exponent(zero[i]), 0);
	for (i = 0; i < sizeof three / sizeof *three; i++)
		assert_int_equal(format_currency_exponent(three[i]), 3);
	for (i = 0; i < sizeof two / sizeof *two; i++)
		assert_int_equal(format_currency_exponent(two[i]), 2);
}

/* Fits s into width columns and returns the text. */
static char *fit(struct buf *b, const char *s, int width)
{
	struct od_err err;

	buf_reset(b);
	assert_int_equal(format_fit(b, s, width, &err), OD_OK);
	return b->data;
}

static void test_fit(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_string_equal(fit(&b, "Anna", 6), "Anna  ");
	assert_string_equal(fit(&b, "Anna", 4), "Anna");
	assert_string_equal(fit(&b, "Annabelle", 6), "Annab\xe2\x80\xa6");
	/* 王小明 is six columns: it fits six exactly and pads to eight. */
	assert_string_equal(fit(&b, "王小明", 6), "王小明");
	assert_string_equal(fit(&b, "王小明", 8), "王小明  ");
	/* Cut to five: two wide characters, the ellipsis, no half character. */
	assert_string_equal(fit(&b, "王小明", 5), "王小\xe2\x80\xa6");
	assert_string_equal(fit(&b, "王小明", 4), "王\xe2\x80\xa6 ");
	/* Anything unprintable is shown as "?", never sent raw. */
	assert_string_equal(fit(&b, "a\x1b[31mb", 8), "a?[31mb ");
	assert_string_equal(fit(&b, "\xff\xfe", 3), "?? ");
	assert_string_equal(fit(&b, "e\xcc\x81", 2), "e\xcc\x81 ");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_currency_exponent),
		cmocka_unit_test(test_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
