/*
 * test-store-dash.c - what the list's extra columns and the owner's
 * dashboard read from the store (storage/store-extra.c,
 * storage/store-dash.c), on an in-memory store with a fixture shop:
 * orders 1 to 3 placed on 2026-11-20 in CNY, order 1 confirmed and shipped
 * in two parcels (the last one's carrier is shown), order 2 unknown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "storage/store-dash.h"
#include "storage/store-extra.h"
#include "tests/unit/fixture-world.h"

/* What the callbacks saw, one after the other (the test's ctx unused). */
static char got[512];

/* Ships a parcel of order 1 with carrier and tracking. */
static void ship(struct fixture_world *w, const char *carrier,
		 const char *tracking, const char *item)
{
	struct statement *st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM,
					    "1");
	struct od_err err;

	fixture_add(st, "carrier", carrier);
	fixture_add(st, "tracking", tracking);
	fixture_add(st, "item", item);
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &err),
			 OD_OK);
}

/* Order 1 confirmed and shipped in two parcels, SF1 then JD2. */
static int setup(void **state)
{
	struct fixture_world *w;

	fixture_world_setup(state);
	w = *state;
	got[0] = '\0';
	fixture_world_confirm(w, "1");
	ship(w, "SF Express", "SF1", "A 1");
	ship(w, "DHL", "JD2", "A 1");
	return 0;
}

static enum od_code extra(void *ctx, const char *number,
			  const struct store_order_extra *x, struct od_err *err)
{
	size_t len = strlen(got);

	snprintf(got + len, sizeof got - len, "%s %s %s %s %s %lld/%lld;",
		 number, x->city, x->country, x->carrier[0] ? x->carrier : "-",
		 x->tracking[0] ? x->tracking : "-", x->paid, x->total);
	return OD_OK;
}

/* The last parcel's carrier; an order not there is left out. */
static void test_extras(void **state)
{
	struct fixture_world *w = *state;
	const char *numbers[] = { "1", "404", "2" };
	struct od_err err;

	assert_int_equal(store_order_extras(w->s, numbers, 3, extra, NULL,
					    &err), OD_OK);
	assert_string_equal(got, "1 北京 CN DHL JD2 0/250;"
			    "2 北京 CN - - 0/250;");
}

static enum od_code day(void *ctx, const char *d, const char *currency,
			long long n, long long total, struct od_err *err)
{
	size_t len = strlen(got);

	snprintf(got + len, sizeof got - len, "%s %s %lld %lld;", d,
		 currency, n, total);
	return OD_OK;
}

static enum od_code shipped(void *ctx, const char *placed, const char *when,
			    struct od_err *err)
{
	size_t len = strlen(got);

	snprintf(got + len, sizeof got - len, "%s>%.4s;", placed,
		 when);
	return OD_OK;
}

static enum od_code entry(void *ctx, const char *actor, const char *kind,
			  struct od_err *err)
{
	size_t len = strlen(got);

	snprintf(got + len, sizeof got - len, "%s %s;", actor, kind);
	return OD_OK;
}

static void test_dashboard(void **state)
{
	struct fixture_world *w = *state;
	char last[STORE_DASH_DATE_LEN + 1];
	struct od_err err;

	assert_int_equal(store_dash_last_day(w->s, last, &err), OD_OK);
	assert_string_equal(last, "2026-11-20");
	assert_int_equal(store_dash_days(w->s, "2026-11-07", day, NULL, &err),
			 OD_OK);
	assert_string_equal(got, "2026-11-20 CNY 3 750;");
	got[0] = '\0';
	assert_int_equal(store_dash_days(w->s, "2026-11-21", day, NULL, &err),
			 OD_OK);
	assert_string_equal(got, "");
	/* Order 1 once, with its first parcel's time (signed now). */
	assert_int_equal(store_dash_shipped(w->s, shipped, NULL, &err), OD_OK);
	assert_true(strncmp(got, "2026-11-20T09:15:00Z>20", 23) == 0);
	assert_ptr_equal(strchr(got, ';'), strrchr(got, ';'));
	/* Everything was signed now: the newest first, all of it. */
	got[0] = '\0';
	assert_int_equal(store_dash_since(w->s, "1970-01-01T00:00:00Z", entry,
					  NULL, &err), OD_OK);
	assert_true(strncmp(got, "sam shipment.confirm;sam shipment."
			    "confirm;mei order.confirm;", 58) == 0);
	got[0] = '\0';
	assert_int_equal(store_dash_since(w->s, "9999-01-01T00:00:00Z", entry,
					  NULL, &err), OD_OK);
	assert_string_equal(got, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_extras, setup,
						fixture_world_teardown),
		cmocka_unit_test_setup_teardown(test_dashboard, setup,
						fixture_world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
