/*
 * test-wrap.c - long text broken into rows for the screen (after a space
 * when it can, wide characters two columns, never a split character) and
 * made safe for a pager.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/wrap.h"

/* The rows of s at width, joined by '|'. */
static void rows(const char *s, int width, char *out, size_t size)
{
	const char *p = s, *next;
	size_t n, used = 0;

	out[0] = '\0';
	while (p != NULL) {
		n = wrap_row(p, width, &next);
		assert_true(used + n + 2 < size);
		if (used > 0)
			out[used++] = '|';
		memcpy(out + used, p, n);
		used += n;
		out[used] = '\0';
		assert_true(next == NULL || next > p);
		p = next;
	}
}

static void test_breaks_after_a_space(void **state)
{
	char out[256];

	(void)state;
	rows("leave it with the neighbour please", 12, out, sizeof out);
	assert_string_equal(out, "leave it|with the|neighbour|please");
	rows("short", 12, out, sizeof out);
	assert_string_equal(out, "short");
	rows("", 12, out, sizeof out);
	assert_string_equal(out, "");
}

static void test_a_long_word_is_cut(void **state)
{
	char out[256];

	(void)state;
	rows("abcdefghijkl mn", 5, out, sizeof out);
	assert_string_equal(out, "abcde|fghij|kl mn");
}

static void test_newlines_start_rows(void **state)
{
	char out[256];

	(void)state;
	rows("kind: order.hold\norder: 1001\n", 40, out, sizeof out);
	assert_string_equal(out, "kind: order.hold|order: 1001|");
}

static void test_wide_characters_count_two(void **state)
{
	char out[256];

	(void)state;
	/* Five CJK characters are ten columns: four fit in nine. */
	rows("홍삼정홍삼", 9, out, sizeof out);
	assert_string_equal(out, "홍삼정홍|삼");
	/* A row always takes one character, even wider than the width. */
	rows("홍삼", 1, out, sizeof out);
	assert_string_equal(out, "홍|삼");
	rows("Straße Grüße", 8, out, sizeof out);
	assert_string_equal(out, "Straße|Grüße");
}

static void test_clean_for_a_pager(void **state)
{
	struct buf b;
	struct od_err err;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(wrap_clean(&b, "Evil\x1b[31mRed\nok\t\xff é",
				    &err), OD_OK);
	assert_int_equal(buf_add(&b, "", 1, &err), OD_OK);
	assert_string_equal(b.data, "Evil?[31mRed\nok?? é");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breaks_after_a_space),
		cmocka_unit_test(test_a_long_word_is_cut),
		cmocka_unit_test(test_newlines_start_rows),
		cmocka_unit_test(test_wide_characters_count_two),
		cmocka_unit_test(test_clean_for_a_pager),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
