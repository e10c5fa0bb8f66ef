/*
 * test-sync-events.c - the backend's events summary as the owner's desk
 * reads it (app/sync/sync-events-show.c): a hostile backend's answer is
 * refused whole (escapes, names that are no IP address, negative or
 * reversed counts, too many rows), and a good one is put in words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/sync/sync-events.h"

static struct sync_events ev;

/* Reads text as an answer fetched at 1000. */
static enum od_code from(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	struct od_err err;
	enum od_code rc;

	assert_non_null(o);
	rc = sync_events_from_json(o, 1000, &ev, &err);
	json_decref(o);
	return rc;
}

#define ROW(kind, addr, n) "{\"kind\":\"" kind "\",\"address\":\"" addr \
	"\",\"count\":" #n ",\"first\":10,\"last\":20}"

static void test_a_good_answer(void **state)
{
	(void)state;
	assert_int_equal(from("{\"window\":86400,\"now\":5,\"total\":42,"
			      "\"counts\":[" ROW("handshake-refused",
			      "203.0.113.9", 37) "," ROW("join-wrong", "", 5)
			      "]}"), OD_OK);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.fetched, 1000);
	assert_int_equal(ev.total, 42);
	assert_string_equal(ev.rows[0].addr, "203.0.113.9");
	assert_int_equal(ev.rows[1].count, 5);
}

static void test_hostile_answers_keep_nothing(void **state)
{
	static const char *const bad[] = {
		"{\"window\":86400,\"total\":1,\"counts\":[" ROW(
			"join\\u001b[2J", "1.2.3.4", 1) "]}",
		"{\"window\":86400,\"total\":1,\"counts\":[" ROW(
			"join-wrong", "evil.example", 1) "]}",
		"{\"window\":86400,\"total\":1,\"counts\":[" ROW(
			"join-wrong", "1.2.3.4", -1) "]}",
		"{\"window\":86400,\"total\":1,\"counts\":[{\"kind\":"
			"\"join-wrong\",\"address\":\"\",\"count\":1,"
			"\"first\":30,\"last\":20}]}",
		"{\"window\":0,\"total\":0,\"counts\":[]}",
		"{\"window\":86400,\"total\":0}",
		"{\"window\":86400,\"total\":1,\"counts\":[" ROW(
			"Customer Name", "", 1) "]}",
	};
	char many[16384];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(from(bad[i]), OD_E_INPUT);
		assert_int_equal(ev.n, 0);
	}
	strcpy(many, "{\"window\":60,\"total\":101,\"counts\":[");
	for (i = 0; i <= SYNC_EVENTS_ROWS; i++)
		strcat(many, i ? "," ROW("limit-body", "::1", 1) :
		       ROW("limit-body", "::1", 1));
	strcat(many, "]}");
	assert_int_equal(from(many), OD_E_INPUT);
}

static void test_the_banner(void **state)
{
	char line[256];

	(void)state;
	assert_int_equal(from("{\"window\":86400,\"total\":42,\"counts\":["
			      ROW("handshake-refused", "203.0.113.9", 37) ","
			      ROW("join-wrong", "", 5) "]}"), OD_OK);
	sync_events_banner(&ev, line, sizeof line);
	assert_string_equal(line, "backend: 37 refused handshakes from "
			    "203.0.113.9, 5 wrong join codes in 24h");
	assert_int_equal(from("{\"window\":5400,\"total\":0,\"counts\":[]}"),
			 OD_OK);
	sync_events_banner(&ev, line, sizeof line);
	assert_string_equal(line, "backend: no security events in 90m");
	assert_int_equal(from("{\"window\":86400,\"total\":4,\"counts\":["
			      ROW("limit-body", "::1", 1) ","
			      ROW("limit-time", "::1", 1) ","
			      ROW("join-limit", "::1", 1) ","
			      ROW("some-new-kind", "::1", 1) "]}"), OD_OK);
	sync_events_banner(&ev, line, sizeof line);
	assert_string_equal(line, "backend: 1 oversized requests from ::1, 1 "
			    "requests cut for time from ::1, 1 joins over the "
			    "limit from ::1, and more in 24h");
}

static void test_the_table(void **state)
{
	struct buf b;
	struct od_err err;

	(void)state;
	assert_int_equal(from("{\"window\":604800,\"total\":37,\"counts\":["
			      ROW("handshake-refused", "203.0.113.9", 37)
			      "]}"), OD_OK);
	buf_init(&b, 4096);
	assert_int_equal(sync_events_text(&ev, &b, &err), OD_OK);
	assert_non_null(strstr(b.data, "in the 7d before 1970-01-01 00:16:40 "
			       "UTC (fetched at a sync): 37 in all."));
	assert_non_null(strstr(b.data, "     37  handshake-refused  "
			       "203.0.113.9      1970-01-01 00:00:10 UTC "
			       "1970-01-01 00:00:20 UTC\n"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_good_answer),
		cmocka_unit_test(test_hostile_answers_keep_nothing),
		cmocka_unit_test(test_the_banner),
		cmocka_unit_test(test_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
