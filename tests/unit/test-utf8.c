/* test-utf8.c - strict decoding, refused characters and column widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/utf8.h"

/* Fails the test naming the table case, so a failure says which row. */
#define CHECK(cond, name)                                              \
	do {                                                           \
		if (!(cond)) {                                         \
			print_error("case \"%s\": %s\n", (name), #cond); \
			fail();                                        \
		}                                                      \
	} while (0)

struct decode_case {
	const char *name;
	const char *s;
	size_t n;
	size_t len;      /* expected length, 0 for refused */
	unsigned cp;
};

static const struct decode_case decode_cases[] = {
	{ "ascii", "A", 1, 1, 0x41 },
	{ "nul", "\0", 1, 1, 0x00 },
	{ "del", "\x7f", 1, 1, 0x7F },
	{ "2-byte min", "\xc2\x80", 2, 2, 0x80 },
	{ "2-byte max", "\xdf\xbf", 2, 2, 0x7FF },
	{ "3-byte min", "\xe0\xa0\x80", 3, 3, 0x800 },
	{ "wang", "\xe7\x8e\x8b", 3, 3, 0x738B },
	{ "before surrogates", "\xed\x9f\xbf", 3, 3, 0xD7FF },
	{ "after surrogates", "\xee\x80\x80", 3, 3, 0xE000 },
	{ "replacement char", "\xef\xbf\xbd", 3, 3, 0xFFFD },
	{ "4-byte min", "\xf0\x90\x80\x80", 4, 4, 0x10000 },
	{ "emoji", "\xf0\x9f\x98\x80", 4, 4, 0x1F600 },
	{ "max", "\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF },
	{ "trailing bytes ignored", "\xc3\xa9zz", 4, 2, 0xE9 },

	{ "empty", "", 0, 0, 0 },
	{ "lone continuation", "\x80", 1, 0, 0 },
	{ "lone continuation bf", "\xbf", 1, 0, 0 },
	{ "overlong slash c0", "\xc0\xaf", 2, 0, 0 },
	{ "overlong c1", "\xc1\xbf", 2, 0, 0 },
	{ "overlong 3-byte", "\xe0\x80\xaf", 3, 0, 0 },
	{ "overlong 3-byte max", "\xe0\x9f\xbf", 3, 0, 0 },
	{ "overlong 4-byte", "\xf0\x80\x80\xaf", 4, 0, 0 },
	{ "overlong 4-byte max", "\xf0\x8f\xbf\xbf", 4, 0, 0 },
	{ "surrogate high", "\xed\xa0\x80", 3, 0, 0 },
	{ "surrogate low", "\xed\xbf\xbf", 3, 0, 0 },
	{ "past 10FFFF", "\xf4\x90\x80\x80", 4, 0, 0 },
	{ "f5", "\xf5\x80\x80\x80", 4, 0, 0 },
	{ "f8 5-byte", "\xf8\x88\x80\x80\x80", 5, 0, 0 },
	{ "fe", "\xfe", 1, 0, 0 },
	{ "ff", "\xff", 1, 0, 0 },
	{ "truncated 2", "\xc3", 1, 0, 0 },
	{ "truncated 3", "\xe7\x8e", 2, 0, 0 },
	{ "truncated 4", "\xf0\x9f\x98", 3, 0, 0 },
	{ "n cuts sequence", "\xe7\x8e\x8b", 2, 0, 0 },
	{ "bad continuation 2", "\xc3\x41", 2, 0, 0 },
	{ "bad continuation 3", "\xe7\x41\x8b", 3, 0, 0 },
	{ "bad continuation 4", "\xf0\x9f\x98\xc0", 4, 0, 0 },
};

/* Every valid sequence decodes to its code point; every invalid one to 0. */
static void test_decode(void **state)
{
	size_t i;

	for (i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
		const struct decode_case *c = &decode_cases[i];
		unsigned cp = 0xDEADBEEF;
		size_t len = utf8_decode(c->s, c->n, &cp);

		CHECK(len == c->len, c->name);
		if (c->len != 0)
			CHECK(cp == c->cp, c->name);
	}
}

/* Every scalar value decodes back from its own encoding, nothing else. */
static void test_decode_all_scalars(void **state)
{
	unsigned cp, got;
	char s[4];
	size_t n;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (cp < 0x80) {
			s[0] = (char)cp;
			n = 1;
		} else if (cp < 0x800) {
			s[0] = (char)(0xC0 | cp >> 6);
			s[1] = (char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			s[0] = (char)(0xE0 | cp >> 12);
			s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
			s[2] = (char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			s[0] = (char)(0xF0 | cp >> 18);
			s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
			s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
			s[3] = (char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		got = 0xFFFFFFFF;
		assert_int_equal(utf8_decode(s, n, &got), n);
		assert_int_equal(got, cp);
		/* One byte short is always refused. */
		assert_int_equal(utf8_decode(s, n - 1, &got), 0);
	}
}

struct text_case {
	const char *name;
	const char *s;
	size_t n;          /* 0: strlen(s) */
	size_t max;
	int allow_empty;
	const char *msg;   /* NULL: accepted */
};

static const struct text_case text_cases[] = {
	{ "ascii", "Hello, world", 0, 100, 0, NULL },
	{ "spaces inside", "a b  c", 0, 100, 0, NULL },
	{ "chinese", "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", 0, 100, 0, NULL },
	{ "latin-1 letters", "Zo\xc3\xab M\xc3\xbcller", 0, 100, 0, NULL },
	{ "combining acute", "e\xcc\x81", 0, 100, 0, NULL },
	{ "arabic", "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", 0, 100, 0, NULL },
	{ "emoji", "\xf0\x9f\x93\xa6 box", 0, 100, 0, NULL },
	{ "fullwidth", "\xef\xbc\xa1\xef\xbc\xa2", 0, 100, 0, NULL },
	{ "no-break space", "a\xc2\xa0" "b", 0, 100, 0, NULL },
	{ "zero-width joiner", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
	  0, 100, 0, NULL },
	{ "exactly max", "abcde", 0, 5, 0, NULL },
	{ "empty allowed", "", 0, 5, 1, NULL },
	{ "U+00A0 after C1", "\xc2\xa0", 0, 5, 0, NULL },
	{ "U+2027 before LS", "\xe2\x80\xa7", 0, 5, 0, NULL },
	{ "U+202F after bidi", "\xe2\x80\xaf", 0, 5, 0, NULL },
	{ "U+2065 before isolates", "\xe2\x81\xa5", 0, 5, 0, NULL },
	{ "U+206A after isolates", "\xe2\x81\xaa", 0, 5, 0, NULL },

	{ "empty", "", 0, 5, 0, "f: is empty" },
	{ "too long", "abcdef", 0, 5, 0, "f: is longer than 5 bytes" },
	{ "too long multibyte", "\xe7\x8e\x8b\xe7\x8e\x8b", 0, 5, 0,
	  "f: is longer than 5 bytes" },
	{ "nul", "a\0b", 3, 100, 0,
	  "f: contains a control character at byte 2" },
	{ "tab", "a\tb", 0, 100, 0,
	  "f: contains a control character at byte 2" },
	{ "newline", "ab\n", 0, 100, 0,
	  "f: contains a control character at byte 3" },
	{ "cr", "\rab", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "esc sequence", "red\x1b[31mtext", 0, 100, 0,
	  "f: contains a control character at byte 4" },
	{ "osc title", "\x1b]0;owned\x07", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "0x1f", "a\x1f", 0, 100, 0,
	  "f: contains a control character at byte 2" },
	{ "del", "ab\x7f", 0, 100, 0,
	  "f: contains a control character at byte 3" },
	{ "c1 csi", "a\xc2\x9b" "2J", 0, 100, 0,
	  "f: contains a control character at byte 2" },
	{ "c1 first", "\xc2\x80", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "c1 nel", "\xc2\x85", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "c1 last", "\xc2\x9f", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "line separator", "a\xe2\x80\xa8", 0, 100, 0,
	  "f: contains a control character at byte 2" },
	{ "paragraph separator", "a\xe2\x80\xa9", 0, 100, 0,
	  "f: contains a control character at byte 2" },
	{ "LRE", "\xe2\x80\xaa", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "RLO", "abc\xe2\x80\xae", 0, 100, 0,
	  "f: contains a control character at byte 4" },
	{ "LRI", "\xe2\x81\xa6", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "PDI", "\xe2\x81\xa9", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "LRM", "\xe2\x80\x8e", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "RLM", "\xe2\x80\x8f", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "ALM", "\xd8\x9c", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "BOM", "\xef\xbb\xbf" "abc", 0, 100, 0,
	  "f: contains a control character at byte 1" },
	{ "invalid ff", "ab\xff", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 3" },
	{ "overlong", "\xc0\xaf", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 1" },
	{ "overlong nul", "a\xc0\x80", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 2" },
	{ "surrogate", "\xed\xa0\x80", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 1" },
	{ "past max", "\xf4\x90\x80\x80", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 1" },
	{ "truncated at end", "ab\xe7\x8e", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 3" },
	{ "lone continuation", "\xe7\x8e\x8b\x8b", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 4" },
	{ "latin-1 not utf-8", "caf\xe9", 0, 100, 0,
	  "f: is not valid UTF-8 at byte 4" },
};

/* The table above: exact messages for refusals, OD_OK for the rest. */
static void test_check_text(void **state)
{
	size_t i;

	for (i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
		const struct text_case *c = &text_cases[i];
		struct od_err err;
		size_t n = c->n ? c->n : strlen(c->s);
		enum od_code rc;

		od_err_clear(&err);
		rc = utf8_check_text("f", c->s, n, c->max, c->allow_empty,
				     &err);
		if (c->msg == NULL) {
			CHECK(rc == OD_OK, c->name);
			CHECK(err.code == OD_OK, c->name);
		} else {
			CHECK(rc == OD_E_INPUT, c->name);
			CHECK(err.code == OD_E_INPUT, c->name);
			CHECK(strcmp(err.msg, c->msg) == 0, c->name);
		}
	}
}

/* A refusal names the field and the byte but never quotes the text. */
static void test_message_hides_text(void **state)
{
	static const char text[] = "Zhang Wei, 12 Secret Road\x1b[2J";
	struct od_err err;

	assert_int_equal(utf8_check_text("ship-line", text, strlen(text), 1024,
					 0, &err), OD_E_INPUT);
	assert_string_equal(err.msg,
			    "ship-line: contains a control character at byte 26");
	assert_null(strstr(err.msg, "Secret"));
	assert_null(strstr(err.msg, "Zhang"));
}

/* Only n bytes are looked at: a control character past n is not seen. */
static void test_check_text_respects_n(void **state)
{
	struct od_err err;

	assert_int_equal(utf8_check_text("f", "abc\x1b", 3, 10, 0, &err),
			 OD_OK);
	assert_int_equal(utf8_check_text("f", "abc\x1b", 4, 10, 0, &err),
			 OD_E_INPUT);
}

struct width_case {
	unsigned cp;
	int width;
};

static const struct width_case width_cases[] = {
	{ 'A', 1 }, { ' ', 1 }, { '~', 1 }, { 0xE9, 1 }, { 0x410, 1 },
	{ 0x5D0, 1 }, { 0x627, 1 }, { 0x2014, 1 }, { 0x20AC, 1 },
	{ 0x738B, 2 },   /* wang */
	{ 0x4E00, 2 }, { 0x9FFF, 2 }, { 0x3400, 2 },
	{ 0x0301, 0 },   /* combining acute */
	{ 0x0300, 0 }, { 0x036F, 0 }, { 0x0591, 0 }, { 0x064B, 0 },
	{ 0x093C, 0 }, { 0x0E31, 0 }, { 0x1AB0, 0 }, { 0x1DC0, 0 },
	{ 0x20D0, 0 }, { 0xFE20, 0 }, { 0xFE0F, 0 }, { 0xE0100, 0 },
	{ 0x200B, 0 }, { 0x200D, 0 }, { 0x2060, 0 },
	{ 0xFF21, 2 },   /* fullwidth A */
	{ 0xFF01, 2 }, { 0xFF60, 2 }, { 0xFF61, 1 }, { 0xFFE0, 2 },
	{ 0x3000, 2 }, { 0x3001, 2 }, { 0x3042, 2 }, { 0x30A2, 2 },
	{ 0x3099, 0 }, { 0x302A, 0 }, { 0x303F, 1 },
	{ 0x1100, 2 }, { 0x1160, 0 }, { 0xAC00, 2 }, { 0xD7A3, 2 },
	{ 0xD7B0, 0 }, { 0xF900, 2 }, { 0xFE30, 2 }, { 0x3300, 2 },
	{ 0x1F300, 2 }, { 0x1F600, 2 }, { 0x1F64F, 2 }, { 0x1F650, 1 },
	{ 0x1F900, 2 }, { 0x1F9FF, 2 }, { 0x1F680, 2 },
	{ 0x20000, 2 }, { 0x2FFFD, 2 }, { 0x30000, 2 },
	{ 0x1B, 0 }, { 0x7F, 0 }, { 0x9B, 0 }, { 0x202E, 0 }, { 0xFEFF, 0 },
};

/* Columns per code point, including the edges of the ranges. */
static void test_widths(void **state)
{
	size_t i;

	for (i = 0; i < sizeof width_cases / sizeof width_cases[0]; i++) {
		if (utf8_cp_width(width_cases[i].cp) != width_cases[i].width) {
			print_error("U+%04X: width %d, expected %d\n",
				    width_cases[i].cp,
				    utf8_cp_width(width_cases[i].cp),
				    width_cases[i].width);
			fail();
		}
	}
}

/* Encoding is the inverse of decoding, at every length boundary. */
static void test_encode_round_trip(void **state)
{
	static const struct {
		unsigned cp;
		size_t len;
		const char *bytes;
	} cases[] = {
		{ 0x41, 1, "A" },
		{ 0x7f, 1, "\x7f" },
		{ 0x80, 2, "\xc2\x80" },
		{ 0x7ff, 2, "\xdf\xbf" },
		{ 0x800, 3, "\xe0\xa0\x80" },
		{ 0x738b, 3, "\xe7\x8e\x8b" },          /* 王 */
		{ 0xffff, 3, "\xef\xbf\xbf" },
		{ 0x10000, 4, "\xf0\x90\x80\x80" },
		{ 0x1f381, 4, "\xf0\x9f\x8e\x81" },
		{ 0x10ffff, 4, "\xf4\x8f\xbf\xbf" },
	};
	char out[4];
	unsigned back;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		n = utf8_encode(cases[i].cp, out);
		assert_int_equal(n, cases[i].len);
		assert_memory_equal(out, cases[i].bytes, n);
		assert_int_equal(utf8_decode(out, n, &back), n);
		assert_int_equal(back, cases[i].cp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_all_scalars),
		cmocka_unit_test(test_check_text),
		cmocka_unit_test(test_message_hides_text),
		cmocka_unit_test(test_check_text_respects_n),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_encode_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
