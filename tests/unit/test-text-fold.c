/* test-text-fold.c - case and diacritic folding for search (lib/text-fold). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/text-fold.h"

struct fold_case {
	const char *name;
	const char *in;
	const char *out;
};

/* Written as escapes where the source would not show what is meant. */
static const struct fold_case cases[] = {
	{ "ascii upper", "MEI Chen", "mei chen" },
	{ "acute, upper", "GARC\xc3\x8d" "A", "garcia" },          /* GARCÍA */
	{ "acute, lower", "Jos\xc3\xa9 Garc\xc3\xad" "a", "jose garcia" },
	{ "umlaut", "M\xc3\x9cLLER", "muller" },                    /* MÜLLER */
	{ "decomposed input", "Mu\xcc\x88ller", "muller" },        /* u + U+0308 */
	{ "sharp s", "Stra\xc3\x9f" "e", "strasse" },               /* Straße */
	{ "capital sharp s", "STRA\xe1\xba\x9e" "E", "strasse" },   /* ẞ */
	{ "dotted capital I", "\xc4\xb0stanbul", "istanbul" },      /* İ */
	{ "dotless i stays", "\xc4\xb1", "\xc4\xb1" },              /* ı */
	{ "greek final sigma", "\xce\x9f\xce\x94\xce\xa5\xce\xa3\xce\xa3\xce\x95"
	  "\xce\xa5\xce\xa3", "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5"
	  "\xcf\x85\xcf\x83" },                                     /* ΟΔΥΣΣΕΥΣ */
	{ "greek final sigma lower", "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83"
	  "\xce\xb5\xcf\x85\xcf\x82", "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83"
	  "\xce\xb5\xcf\x85\xcf\x83" },                             /* οδυσσευς */
	{ "greek tonos", "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1",
	  "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1" },             /* Αθήνα */
	{ "cyrillic", "\xd0\x81\xd0\x96", "\xd0\xb5\xd0\xb6" },     /* ЁЖ -> еж */
	{ "ring upper", "\xc3\x85se", "ase" },                      /* Åse */
	{ "ring lower", "\xc3\xa5", "a" },                          /* å */
	{ "angstrom sign", "\xe2\x84\xab", "a" },                   /* Å U+212B */
	{ "o stroke stays", "S\xc3\xb8ren", "s\xc3\xb8ren" },       /* Søren */
	{ "O stroke folds case", "\xc3\x98", "\xc3\xb8" },          /* Ø -> ø */
	{ "vietnamese", "Nguy\xe1\xbb\x85n", "nguyen" },            /* Nguyễn */
	{ "cjk untouched", "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e",
	  "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e" },                 /* 王小明 */
	{ "kana voicing kept", "\xe3\x81\x8c", "\xe3\x81\x8c" },    /* が */
	{ "halfwidth kana", "\xef\xbd\xb6\xef\xbe\x9e", "\xe3\x82\xac" }, /* ｶﾞ -> ガ */
	{ "hangul whole", "\xea\xb9\x80", "\xea\xb9\x80" },         /* 김 */
	{ "fullwidth latin", "\xef\xbc\xa1\xef\xbc\xa2", "ab" },    /* ＡＢ */
	{ "ligature", "\xef\xac\x81ne", "fine" },                   /* ﬁne */
	{ "digits and email", "J.Garcia+1@Example.COM", "j.garcia+1@example.com" },
	{ "empty", "", "" },
	/* Line by line (an order's text is a field a line), as the whole. */
	{ "lines", "1001\nJOS\xc3\x89 Garc\xc3\xad" "a\nj@x.COM\n\nTEA-001\n",
	  "1001\njose garcia\nj@x.com\n\ntea-001\n" },
	{ "mark after a newline kept", "Caf\xc3\xa9\n\xcc\x81x",
	  "cafe\n\xcc\x81x" },
	{ "sigma before a newline", "\xce\x9f\xce\xa3\n\xce\xa3\xce\x91",
	  "\xce\xbf\xcf\x83\n\xcf\x83\xce\xb1" },
	{ "jamo across a newline", "\xe1\x84\x80\n\xe1\x85\xa1",
	  "\xe1\x84\x80\n\xe1\x85\xa1" },
	{ "grows between ascii lines",
	  "STRA\xc3\x9f" "E\nSTRASSE\n\xef\xac\x81ne\nFINE", "strasse\nstrasse\nfine\nfine" },
	{ "only newlines", "\n\n", "\n\n" },
};

static void test_cases(void **state)
{
	size_t i, len;
	char *out;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct od_err err = { 0 };
		enum od_code rc = text_fold(cases[i].in, strlen(cases[i].in),
					    &out, &len, &err);

		if (rc != OD_OK || strcmp(out, cases[i].out) != 0 ||
		    len != strlen(cases[i].out)) {
			print_error("case \"%s\": got \"%s\" (%s)\n",
				    cases[i].name, out ? out : "", err.msg);
			fail();
		}
		free(out);
	}
}

/* Folding folded text changes nothing: the index and the query agree. */
static void test_idempotent(void **state)
{
	size_t i, len, len2;
	char *once, *twice;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct od_err err = { 0 };

		assert_int_equal(text_fold(cases[i].in, strlen(cases[i].in),
					   &once, &len, &err), OD_OK);
		assert_int_equal(text_fold(once, len, &twice, &len2, &err),
				 OD_OK);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

static void test_invalid_refused(void **state)
{
	struct od_err err = { 0 };
	char *out = (char *)1;
	size_t len = 7;

	(void)state;
	assert_int_equal(text_fold("a\xc3", 2, &out, &len, &err), OD_E_INPUT);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.msg, "UTF-8"));
}

/*
 * An ASCII line folds to its lower case without libunistring: each ASCII
 * character folds alone as it does beside a letter that needs the whole
 * fold (c followed by U+00E9, whose fold is c's, then "e").
 */
static void test_ascii_as_unicode(void **state)
{
	char in[4], want[3], *fast, *slow;
	size_t len, len2;
	int c;

	(void)state;
	for (c = 1; c < 0x80; c++) {
		struct od_err err = { 0 };

		if (c == '\n')
			continue;
		snprintf(in, sizeof in, "%c\xc3\xa9", c);
		want[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		want[1] = 'e';
		want[2] = '\0';
		assert_int_equal(text_fold(in, 3, &slow, &len, &err), OD_OK);
		assert_int_equal(text_fold(in, 1, &fast, &len2, &err), OD_OK);
		assert_int_equal(len, 2);
		assert_memory_equal(slow, want, 3);
		assert_int_equal(len2, 1);
		assert_int_equal(fast[0], slow[0]);
		free(slow);
		free(fast);
	}
}

static void test_chars(void **state)
{
	(void)state;
	assert_int_equal(text_fold_chars("ss", 2), 2);
	assert_int_equal(text_fold_chars("\xe7\x8e\x8b\xe5\xb0\x8f", 6), 2);
	assert_int_equal(text_fold_chars("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_invalid_refused),
		cmocka_unit_test(test_ascii_as_unicode),
		cmocka_unit_test(test_chars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
