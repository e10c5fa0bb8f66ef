/*
 * test-backend-join.c - the POST /v1/join body as orderdeskd reads it
 * (backend_join_parse): the desk's own body reads back; any other shape,
 * a code that is no code and a desk name that is no certificate name (and
 * would make a path under desks/) are refused before anything is looked
 * up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/orderdeskd/backend-join.h"

#define CODE "\"code\": \"abcd-efgh-jkmn-pqrs-tvwo\""
#define REQ  "\"request\": \"PEM\""

static void test_join_parse(void **state)
{
	static const char good[] = "{" CODE ", " REQ ", \"desk\": \"desk-1\", "
				   "\"founding\": true}";
	struct backend_join_req req;
	struct od_err err;

	(void)state;
	assert_int_equal(backend_join_parse(good, strlen(good), &req, &err),
			 OD_OK);
	assert_string_equal(req.code, "ABCDEFGHJKMNPQRSTVW0");
	assert_string_equal(req.desk, "desk-1");
	assert_string_equal(req.request, "PEM");
	assert_int_equal(req.founding, 1);
	backend_join_req_clear(&req);
	assert_null(req.request);
	assert_int_equal(req.code[0], '\0');
}

static void test_join_parse_refuses(void **state)
{
	static const struct { const char *body; enum od_code rc; } bad[] = {
		{ "", OD_E_INPUT },
		{ "[]", OD_E_INPUT },
		{ "{" CODE ", " REQ ", \"desk\": \"d\"}", OD_E_INPUT },
		{ "{" CODE ", " REQ ", \"desk\": \"d\", \"founding\": 0}",
		  OD_E_INPUT },
		{ "{" CODE ", " REQ ", \"desk\": \"d\", \"founding\": false, "
		  "\"x\": 1}", OD_E_INPUT },
		{ "{" CODE ", " CODE ", " REQ ", \"desk\": \"d\", "
		  "\"founding\": false}", OD_E_INPUT },
		{ "{\"code\": \"ABCD\", " REQ ", \"desk\": \"d\", "
		  "\"founding\": false}", OD_E_AUTH },
		/* Names that would make paths: refused before any lstat. */
		{ "{" CODE ", " REQ ", \"desk\": \"../../etc\", "
		  "\"founding\": false}", OD_E_INPUT },
		{ "{" CODE ", " REQ ", \"desk\": \"a/b\", \"founding\": false}",
		  OD_E_INPUT },
		{ "{" CODE ", " REQ ", \"desk\": \"\", \"founding\": false}",
		  OD_E_INPUT },
		{ "{" CODE ", " REQ ", \"desk\": \"..\", \"founding\": false}",
		  OD_E_INPUT },
	};
	struct backend_join_req req;
	struct od_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(backend_join_parse(bad[i].body,
						    strlen(bad[i].body), &req,
						    &err), bad[i].rc);
		assert_null(req.request);
		assert_int_equal(req.desk[0], '\0');
		backend_join_req_clear(&req);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_parse),
		cmocka_unit_test(test_join_parse_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
