/*
 * test-events.c - the security event log: fields cleaned of quoted data,
 * the server's log lines read as events, and the store's table listing
 * and counting them (app/orderdeskd/events.h, storage/store-events.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "app/orderdeskd/events.h"
#include "app/orderdeskd/events-cmd.h"
#include "storage/store-events.h"

static void test_clean(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain reason", "plain reason" },
		{ "the backend's log", "the backend's log" },
		{ "customer \"Zebulon Markerfield\" refused",
		  "customer (...) refused" },
		{ "name 'Zebulon' is bad", "name (...) is bad" },
		{ "use `orderdesk sync' now", "use (...) now" },
		{ "open \"to the end", "open (...)" },
		{ "two\nlines\tand\x01 more", "two lines and more" },
		{ "caf\xc3\xa9", "caf" },
	};
	char out[200];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		event_clean_detail(out, sizeof out, cases[i].in);
		assert_string_equal(out, cases[i].out);
	}
	/* Cut to fit, never past the buffer. */
	event_clean_detail(out, 8, "a long reason indeed");
	assert_true(strlen(out) < 8);
}

static void test_kinds(void **state)
{
	int k;

	for (k = 0; k < EVENT_KINDS; k++)
		assert_int_equal(event_kind_parse(event_kind_name(k)), k);
	assert_int_equal(event_kind_parse("nonsense"), -1);
	assert_int_equal(events_parse_age("24h"), 86400);
	assert_int_equal(events_parse_age("7d"), 7 * 86400);
	assert_int_equal(events_parse_age("90s"), 90);
	assert_int_equal(events_parse_age("30m"), 1800);
	assert_int_equal(events_parse_age("24"), 0);
	assert_int_equal(events_parse_age("-1h"), 0);
	assert_int_equal(events_parse_age("1hh"), 0);
	assert_int_equal(events_parse_age("yesterday"), 0);
}

struct seen {
	char lines[32][400];
	int n;
};

static enum od_code collect(void *ctx, const struct store_event *e,
			    struct od_err *err)
{
	struct seen *s = ctx;

	if (s->n < 32)
		snprintf(s->lines[s->n++], sizeof s->lines[0], "%s|%s|%s|%s",
			 e->kind, e->addr, e->name, e->detail);
	return OD_OK;
}

static enum od_code count_cb(void *ctx, const struct store_event_count *c,
			     struct od_err *err)
{
	struct seen *s = ctx;

	if (s->n < 32)
		snprintf(s->lines[s->n++], sizeof s->lines[0], "%lld %s %s",
			 c->count, c->kind, c->addr);
	return OD_OK;
}

/* The server's lines become events with their address; others do not. */
static void test_from_log(void **state)
{
	struct store *s = NULL;
	struct od_err err;
	struct seen seen;

	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	memset(&seen, 0, sizeof seen);
	/* A store made before events has none, and no table. */
	assert_int_equal(store_events_each(s, 0, NULL, collect, &seen, &err),
			 OD_OK);
	assert_int_equal(seen.n, 0);
	event_from_log("refused a certificate from 10.0.0.7: \"intruder\" "
		       "(not signed by the shop CA)");
	event_from_log("Error: received handshake message out of context.");
	event_from_log("Error: received handshake message out of context.");
	event_from_log("refused a request: 503 too many connections from "
		       "this address: try again shortly (from 10.0.0.8)");
	event_from_log("refused a request: 503 too many connections: try "
		       "again shortly (from 10.0.0.9)");
	event_from_log("refused a request: 413 the request body is too "
		       "large (from ::1)");
	event_from_log("refused a request: 408 too slow (from 10.0.0.1)");
	event_from_log("refused a request: 401 no certificate (from "
		       "evil; rm -rf)");
	event_revoked("0a1b", "spare");
	event_from_log("refused a request: 403 this certificate may not "
		       "connect (from 10.0.0.2)");
	event_from_log("listening on 127.0.0.1:8443");
	event_from_log("desk-1 GET /v1/log: 200, 3 entries");
	events_request("10.0.0.3", "desk-1");
	event_statement("abc", "entry 3 already has this id with other "
			"content or another signature");
	event_statement("abd", "the signature of statement abd by "
			"\"Zebulon\" does not check");
	events_request(NULL, NULL);
	event_join("10.0.0.4", 429, "too many failed joins");
	event_join("10.0.0.4", 200, "joined");
	events_flush(s);
	assert_int_equal(store_events_each(s, 0, NULL, collect, &seen, &err),
			 OD_OK);
	assert_int_equal(seen.n, 11);
	assert_string_equal(seen.lines[0], "cert-refused|10.0.0.7|intruder|"
			    "the handshake refused its certificate: not "
			    "signed by the shop CA");
	/* The first handshake line was the refused certificate's: one
	 * event of the two. */
	assert_string_equal(seen.lines[1], "handshake-refused|||Error: "
			    "received handshake message out of context.");
	assert_string_equal(seen.lines[2], "limit-per-address|10.0.0.8||503 "
			    "too many connections from this address: try "
			    "again shortly");
	assert_true(strncmp(seen.lines[3], "limit-connections|10.0.0.9|",
			    27) == 0);
	assert_true(strncmp(seen.lines[4], "limit-body|::1|", 15) == 0);
	assert_true(strncmp(seen.lines[5], "limit-time|10.0.0.1|", 20) == 0);
	/* Not an address: none. */
	assert_true(strncmp(seen.lines[6], "request-refused|||401", 21) == 0);
	assert_string_equal(seen.lines[7], "cert-revoked|10.0.0.2|spare|"
			    "revoked certificate, serial 0a1b");
	assert_true(strncmp(seen.lines[8], "statement-replayed|10.0.0.3|"
			    "desk-1|statement abc: entry 3", 46) == 0);
	assert_string_equal(seen.lines[9], "statement-refused|10.0.0.3|desk-1|"
			    "statement abd: the signature of statement abd by "
			    "(...) does not check");
	assert_true(strncmp(seen.lines[10], "join-limit|10.0.0.4||429", 24) ==
		    0);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_events_each(s, 0, "limit-body", collect, &seen,
					   &err), OD_OK);
	assert_int_equal(seen.n, 1);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_events_each(s, (long long)time(NULL) + 60,
					   NULL, collect, &seen, &err), OD_OK);
	assert_int_equal(seen.n, 0);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_events_count(s, 0, NULL, count_cb, &seen,
					    &err), OD_OK);
	assert_string_equal(seen.lines[0], "1 cert-refused 10.0.0.7");
	store_close(s);
}

/* A queue overflowing keeps what fits and counts the rest. */
static void test_dropped(void **state)
{
	struct store *s = NULL;
	struct od_err err;
	struct seen seen;
	int i;

	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	for (i = 0; i < EVENTS_QUEUE + 5; i++)
		event_say(EVENT_LIMIT_BODY, "10.0.0.5", "", "413");
	events_flush(s);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_events_count(s, 0, NULL, count_cb, &seen,
					    &err), OD_OK);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.lines[0], "1024 limit-body 10.0.0.5");
	assert_string_equal(seen.lines[1], "1 events-dropped ");
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_events_each(s, 0, "events-dropped", collect,
					   &seen, &err), OD_OK);
	assert_string_equal(seen.lines[0], "events-dropped|||5 events lost: "
			    "too many at once");
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_from_log),
		cmocka_unit_test(test_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
