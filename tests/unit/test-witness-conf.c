/*
 * test-witness-conf.c - orderdeskd.conf's witness lines
 * (app/orderdeskd/witness-conf.h): the optional CA file and timeout=SECONDS
 * in either order, the default timeout, and the lines refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/cosignature.h"
#include "app/orderdeskd/witness-conf.h"

/* A witness key in its text form, into out. */
static void witness_key(char *out, size_t size)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	struct note_verifier w;
	struct od_err err;
	struct buf b;

	memset(pub, 7, sizeof pub);
	buf_init(&b, 4096);
	assert_int_equal(cosigner_make("witness.example/w1", pub, &w, &err),
			 OD_OK);
	assert_int_equal(cosigner_text(&w, &b, &err), OD_OK);
	snprintf(out, size, "%s", b.data);
	buf_free(&b);
}

/* Parses "KEY rest" into a fresh conf; the status. */
static enum od_code line(const char *rest, struct witness_conf *wc,
			 struct od_err *err)
{
	char key[256], value[2048];

	witness_key(key, sizeof key);
	snprintf(value, sizeof value, "%s %s", key, rest);
	memset(wc, 0, sizeof *wc);
	return witness_conf_line(wc, value, 7, err);
}

static void test_timeout_and_ca_either_order(void **state)
{
	struct witness_conf wc;
	struct od_err err;

	(void)state;
	assert_int_equal(line("https://w.example:8443", &wc, &err), OD_OK);
	assert_int_equal(wc.w[0].timeout_s, 0);
	assert_string_equal(wc.w[0].ca_file, "");
	assert_string_equal(wc.w[0].url, "https://w.example:8443/add-checkpoint");
	assert_int_equal(line("https://w.example /etc/w/ca.pem timeout=120",
			      &wc, &err), OD_OK);
	assert_int_equal(wc.w[0].timeout_s, 120);
	assert_string_equal(wc.w[0].ca_file, "/etc/w/ca.pem");
	assert_int_equal(line("https://w.example timeout=600 /etc/w/ca.pem",
			      &wc, &err), OD_OK);
	assert_int_equal(wc.w[0].timeout_s, 600);
	assert_string_equal(wc.w[0].ca_file, "/etc/w/ca.pem");
	assert_int_equal(line("https://w.example timeout=1", &wc, &err), OD_OK);
	assert_int_equal(wc.w[0].timeout_s, 1);
	assert_string_equal(wc.w[0].ca_file, "");
}

static void test_bad_timeouts_refused(void **state)
{
	static const char *const bad[] = {
		"https://w.example timeout=0", "https://w.example timeout=601",
		"https://w.example timeout=", "https://w.example timeout=5s",
		"https://w.example timeout=-5", "https://w.example timeout=abc",
	};
	struct witness_conf wc;
	struct od_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(line(bad[i], &wc, &err), OD_E_INPUT);
		assert_non_null(strstr(err.msg, "line 7: timeout="));
		assert_non_null(strstr(err.msg, "whole seconds from 1 to 600"));
		assert_int_equal(wc.n, 0);
	}
}

static void test_too_many_words_refused(void **state)
{
	struct witness_conf wc;
	struct od_err err;

	(void)state;
	assert_int_equal(line("https://w.example ca.pem timeout=9 more", &wc,
			      &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "four words at most"));
	assert_int_equal(wc.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_and_ca_either_order),
		cmocka_unit_test(test_bad_timeouts_refused),
		cmocka_unit_test(test_too_many_words_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
