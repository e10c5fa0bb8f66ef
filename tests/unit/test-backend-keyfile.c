/*
 * test-backend-keyfile.c - the one reader of backend.key's text
 * (app/orderdeskd/backend-keyfile.h): the exact form parses into both
 * keys; every other form (short, long, another magic, no sign line, a
 * bad hex digit, no final newline) is refused whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/orderdeskd/backend-keyfile.h"

#define DATA_HEX "000102030405060708090a0b0c0d0e0f" \
		 "101112131415161718191a1b1c1d1e1f"
#define SIGN_HEX "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" \
		 "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
#define GOOD "orderdeskd-key/1\ndata: " DATA_HEX "\nsign: " SIGN_HEX "\n"

static void test_good_text_gives_both_keys(void **state)
{
	uint8_t k[STORE_KEY_LEN], s[SIGKEY_SEED_LEN];

	(void)state;
	assert_int_equal(strlen(GOOD), BACKEND_KEY_TEXT_LEN);
	assert_int_equal(backend_key_parse(GOOD, strlen(GOOD), k, s), 0);
	assert_int_equal(k[0], 0x00);
	assert_int_equal(k[31], 0x1f);
	assert_int_equal(s[0], 0xa0);
	assert_int_equal(s[31], 0xbf);
	assert_int_equal(backend_key_parse(GOOD, strlen(GOOD), NULL, NULL), 0);
}

/* Changes one byte of the good text at i to c and expects a refusal. */
static void refused_with(size_t i, char c)
{
	char t[sizeof GOOD];
	uint8_t k[STORE_KEY_LEN];

	memcpy(t, GOOD, sizeof GOOD);
	t[i] = c;
	assert_int_equal(backend_key_parse(t, strlen(GOOD), k, NULL), -1);
}

static void test_every_other_form_is_refused(void **state)
{
	(void)state;
	assert_int_equal(backend_key_parse(GOOD, strlen(GOOD) - 1, NULL,
					   NULL), -1);
	refused_with(0, 'O');                       /* another magic */
	refused_with(23 + 64 + 1, 'S');             /* "\nSign: " */
	refused_with(23 + 5, 'g');                  /* data hex */
	refused_with(23 + 64 + 7 + 3, 'x');         /* sign hex */
	refused_with(strlen(GOOD) - 1, ' ');        /* no final newline */
}

static void test_read_names_the_file(void **state)
{
	char path[] = "/tmp/od-test-keyfile.XXXXXX";
	uint8_t k[STORE_KEY_LEN];
	struct od_err err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, GOOD, strlen(GOOD)), (ssize_t)strlen(GOOD));
	assert_int_equal(backend_key_read(path, k, NULL, &err), OD_OK);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(backend_key_read(path, k, NULL, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "is not a backend.key file"));
	unlink(path);
	assert_int_equal(backend_key_read(path, k, NULL, &err), OD_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "the key file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_text_gives_both_keys),
		cmocka_unit_test(test_every_other_form_is_refused),
		cmocka_unit_test(test_read_names_the_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
