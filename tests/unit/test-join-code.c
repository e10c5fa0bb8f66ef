/*
 * test-join-code.c - one-time join codes: their format, what typing
 * forgives and what it refuses, the hash, expiry, use and the count of
 * wrong tries, and the record's text form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/join-code.h"

#define NOW 1800000000LL

/* A new code has five groups of four from Crockford's alphabet. */
static void test_format(void **state)
{
	char code[JOIN_CODE_LEN + 1], norm[JOIN_CODE_CHARS + 1];
	struct join_record rec;
	struct od_err err;
	int i;

	(void)state;
	assert_int_equal(join_code_new(NOW, 60, code, &rec, &err), OD_OK);
	assert_int_equal(strlen(code), JOIN_CODE_LEN);
	for (i = 0; i < JOIN_CODE_LEN; i++) {
		if (i % 5 == 4)
			assert_int_equal(code[i], '-');
		else
			assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ",
					       code[i]));
	}
	assert_int_equal(rec.expires, NOW + 60);
	assert_int_equal(rec.tries, 0);
	assert_int_equal(rec.used, 0);
	assert_int_equal(join_code_normalize(code, norm, &err), OD_OK);
	assert_int_equal(strlen(norm), JOIN_CODE_CHARS);
	assert_int_equal(join_code_check(&rec, norm, NOW, &err), OD_OK);
}

/* Two codes differ (80 random bits and more). */
static void test_random(void **state)
{
	char a[JOIN_CODE_LEN + 1], b[JOIN_CODE_LEN + 1];
	struct join_record ra, rb;
	struct od_err err;

	(void)state;
	assert_int_equal(join_code_new(NOW, 60, a, &ra, &err), OD_OK);
	assert_int_equal(join_code_new(NOW, 60, b, &rb, &err), OD_OK);
	assert_string_not_equal(a, b);
	assert_memory_not_equal(ra.hash, rb.hash, 32);
}

/* What typing forgives: case, spaces, dashes, O for 0, I and L for 1. */
static void test_normalize_forgives(void **state)
{
	static const struct { const char *typed, *norm; } cases[] = {
		{ "ABCD-EFGH-JKMN-PQRS-TVWX", "ABCDEFGHJKMNPQRSTVWX" },
		{ "abcd efgh jkmn pqrs tvwx", "ABCDEFGHJKMNPQRSTVWX" },
		{ "ABCDEFGHJKMNPQRSTVWX", "ABCDEFGHJKMNPQRSTVWX" },
		{ "O0Il-1111-2222-3333-4444", "0011111122223333" "4444" },
	};
	char norm[JOIN_CODE_CHARS + 1];
	struct od_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(join_code_normalize(cases[i].typed, norm,
						     &err), OD_OK);
		assert_string_equal(norm, cases[i].norm);
	}
}

/* What it refuses: wrong length, letters outside the alphabet, controls. */
static void test_normalize_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"ABCD-EFGH-JKMN-PQRS-TVW",          /* 19 */
		"ABCD-EFGH-JKMN-PQRS-TVWXY",        /* 21 */
		"ABCD-EFGH-JKMN-PQRS-TVWU",         /* U is not in it */
		"ABCD-EFGH-JKMN-PQRS-TV\nX",
		"ABCD_EFGH_JKMN_PQRS_TVWX",
		"ABCD-EFGH-JKMN-PQRS-TVW\xc3\xa9",
		"ABCDEFGHJKMNPQRSTVWXABCDEFGHJKMNPQRSTVWX",
	};
	char norm[JOIN_CODE_CHARS + 1];
	struct od_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(join_code_normalize(bad[i], norm, &err),
				 OD_E_INPUT);
		assert_non_null(strstr(err.msg, "groups of four"));
		assert_string_equal(norm, "");
	}
}

/* A wrong code counts a try; the fifth burns the code, even for the
 * right one after it. */
static void test_tries(void **state)
{
	char code[JOIN_CODE_LEN + 1], norm[JOIN_CODE_CHARS + 1];
	char wrong[JOIN_CODE_CHARS + 1];
	struct join_record rec;
	struct od_err err;
	unsigned i;

	(void)state;
	assert_int_equal(join_code_new(NOW, 60, code, &rec, &err), OD_OK);
	assert_int_equal(join_code_normalize(code, norm, &err), OD_OK);
	memcpy(wrong, norm, sizeof wrong);
	wrong[JOIN_CODE_CHARS - 1] = wrong[JOIN_CODE_CHARS - 1] == 'A' ?
				     'B' : 'A';
	for (i = 1; i <= JOIN_CODE_TRIES; i++) {
		assert_int_equal(join_code_check(&rec, wrong, NOW, &err),
				 OD_E_AUTH);
		assert_non_null(strstr(err.msg, "wrong join code"));
		assert_int_equal(rec.tries, i);
	}
	assert_int_equal(join_code_check(&rec, norm, NOW, &err), OD_E_AUTH);
	assert_non_null(strstr(err.msg, "burned"));
	assert_int_equal(rec.tries, JOIN_CODE_TRIES);
}

/* Expiry is exclusive of the last second; a used code stays used. */
static void test_expiry_and_use(void **state)
{
	char code[JOIN_CODE_LEN + 1], norm[JOIN_CODE_CHARS + 1];
	struct join_record rec;
	struct od_err err;

	(void)state;
	assert_int_equal(join_code_new(NOW, 10, code, &rec, &err), OD_OK);
	assert_int_equal(join_code_normalize(code, norm, &err), OD_OK);
	assert_int_equal(join_code_check(&rec, norm, NOW + 9, &err), OD_OK);
	assert_int_equal(join_code_check(&rec, norm, NOW + 10, &err),
			 OD_E_AUTH);
	assert_non_null(strstr(err.msg, "expired"));
	assert_int_equal(rec.tries, 0);
	rec.used = 1;
	assert_int_equal(join_code_check(&rec, norm, NOW, &err), OD_E_AUTH);
	assert_non_null(strstr(err.msg, "already used"));
	assert_int_equal(join_code_new(NOW, 0, code, &rec, &err), OD_E_USAGE);
	assert_int_equal(join_code_new(NOW, JOIN_CODE_TTL_MAX + 1, code, &rec,
				       &err), OD_E_USAGE);
}

/* The record's text round-trips, holds no code, and refuses edits. */
static void test_record(void **state)
{
	static const char *const bad[] = {
		"",
		"v2 0000000000000000000000000000000000000000000000000000000000000000 1 0 0",
		"v1 000000000000000000000000000000000000000000000000000000000000000 1 0 0",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 1 0 2",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 1 0 0 ",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 -1 0 0",
		"v1 zz00000000000000000000000000000000000000000000000000000000000000 1 0 0",
		/* sscanf read each as a record that join_record_format never
		 * writes.  fuzz-join-code found the first: "%64s %lld" took
		 * the hash and the expiry with no space between; "-1" tries
		 * read as 4294967295. */
		"v1 00000000000000000000000000000000000000000000000000000000000000000000 3 1",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 1 -1 0",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 +1 0 0",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 01 0 0",
		"v1 0000000000000000000000000000000000000000000000000000000000000000  1 0 0",
		"v1 0000000000000000000000000000000000000000000000000000000000000000\t1 0 0",
		"v1  0000000000000000000000000000000000000000000000000000000000000000 1 0 0",
		"v1 ABCDEF0000000000000000000000000000000000000000000000000000000000 1 0 0",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 1 0 00",
		"v1 0000000000000000000000000000000000000000000000000000000000000000 99999999999999999999 0 0",
	};
	char code[JOIN_CODE_LEN + 1], norm[JOIN_CODE_CHARS + 1];
	char text[JOIN_RECORD_MAX];
	struct join_record rec, back;
	struct od_err err;
	size_t i;

	(void)state;
	assert_int_equal(join_code_new(NOW, 3600, code, &rec, &err), OD_OK);
	assert_int_equal(join_code_normalize(code, norm, &err), OD_OK);
	rec.tries = 3;
	join_record_format(&rec, text);
	assert_null(strstr(text, norm));
	assert_null(strstr(text, code));
	assert_int_equal(join_record_parse(text, &back, &err), OD_OK);
	assert_memory_equal(back.hash, rec.hash, 32);
	assert_int_equal(back.expires, NOW + 3600);
	assert_int_equal(back.tries, 3);
	assert_int_equal(back.used, 0);
	assert_int_equal(join_code_check(&back, norm, NOW, &err), OD_OK);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(join_record_parse(bad[i], &back, &err),
				 OD_E_TAMPERED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_normalize_forgives),
		cmocka_unit_test(test_normalize_refuses),
		cmocka_unit_test(test_tries),
		cmocka_unit_test(test_expiry_and_use),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
