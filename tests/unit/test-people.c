/*
 * test-people.c - reading a person's key bundle and a people list entry
 * (app/log/people.c): exactly the form people_bundle_make writes, nothing
 * else.  The bundles' key slot part is read by storage/keyslot.c (see
 * test-keyslot.c); here only its first line matters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/log/people.h"

#define SLOT "user: mei\nkdf: argon2id 3 65536 1\n"

/* A well-formed header reads; its time and user come out. */
static void test_bundle_read(void **state)
{
	struct people_bundle pb;
	struct od_err err;
	const char *text = PEOPLE_MAGIC "\ntime: 1763870000123\n" SLOT;

	(void)state;
	assert_int_equal(people_bundle_read(text, &pb, &err), OD_OK);
	assert_int_equal(pb.time_ms, 1763870000123LL);
	assert_string_equal(pb.user, "mei");
	assert_ptr_equal(pb.slot, strstr(text, "user: "));
}

/*
 * fuzz-people found "time: 0001053177254" taken: strtoll read leading
 * zeros, a sign and spaces, so one time had many texts; it also saturated
 * a huge time at LLONG_MAX, a bundle no later one could replace and whose
 * time + 1 (people_outbox_add) overflows.
 */
static void test_bundle_time_strict(void **state)
{
	static const char *const bad[] = {
		"+1763870000123", " 1763870000123", "01763870000123",
		"-5", "0", "", "99999999999999999999",
		"9223372036854775807", "1000000000000000", "12 ",
		"1763870000123x",
	};
	char text[256];
	struct people_bundle pb;
	struct od_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "%s\ntime: %s\n" SLOT,
			 PEOPLE_MAGIC, bad[i]);
		assert_int_equal(people_bundle_read(text, &pb, &err),
				 OD_E_INPUT);
		assert_null(pb.slot);
		assert_int_equal(pb.time_ms, 0);
	}
	snprintf(text, sizeof text, "%s\ntime: 999999999999999\n" SLOT,
		 PEOPLE_MAGIC);
	assert_int_equal(people_bundle_read(text, &pb, &err), OD_OK);
	assert_int_equal(pb.time_ms, 999999999999999LL);
}

/* An entry is {"bundle", "signature"} and nothing more. */
static void test_entry_read(void **state)
{
	static const char *const bad[] = {
		"[]", "{}", "{\"bundle\": \"x\"}",
		"{\"bundle\": 1, \"signature\": \"s\"}",
		"{\"bundle\": \"B\", \"signature\": \"s\", \"more\": 1}",
		"{\"bundle\": \"B\", \"sig\": \"s\"}",
	};
	const char *text, *sig;
	struct people_bundle pb;
	struct od_err err;
	json_t *e;
	size_t i;

	(void)state;
	e = json_pack("{s:s, s:s}", "bundle",
		      PEOPLE_MAGIC "\ntime: 5\n" SLOT, "signature", "c2ln");
	assert_non_null(e);
	assert_int_equal(people_entry_read(e, &text, &sig, &pb, &err), OD_OK);
	assert_string_equal(sig, "c2ln");
	assert_int_equal(pb.time_ms, 5);
	json_decref(e);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e = json_loads(bad[i], 0, NULL);
		assert_non_null(e);
		assert_int_equal(people_entry_read(e, &text, &sig, &pb, &err),
				 OD_E_INPUT);
		assert_null(text);
		assert_null(pb.slot);
		json_decref(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle_read),
		cmocka_unit_test(test_bundle_time_strict),
		cmocka_unit_test(test_entry_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
