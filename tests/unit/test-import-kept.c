/*
 * test-import-kept.c - the check pass's orders kept under a memory budget
 * (import-kept.h): kept in the file's order with their meta while they
 * fit, all freed at once past the budget, and the estimate of an order's
 * bytes growing with what it holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/import/import-kept.h"

#define ONE_ORDER(num)                                                      \
	"{\"number\":\"" num "\",\"placed_at\":\"2026-03-01T10:00:00Z\","   \
	"\"currency\":\"EUR\",\"customer\":{\"name\":\"Ann Lee\"},"          \
	"\"ship_to\":{\"name\":\"Ann Lee\",\"lines\":[\"1 Main St\"],"       \
	"\"city\":\"Riga\",\"country\":\"LV\"},\"total\":1000,"              \
	"\"items\":[{\"sku\":\"TEA-1\",\"name\":\"Tea\",\"qty\":1,"          \
	"\"unit_price\":1000}]}"

/* Order number num, parsed as the import parses it. */
static struct order *one(const char *json)
{
	struct import_reader *r;
	struct order *o = NULL, *end = NULL;
	struct od_err err;

	assert_int_equal(import_open_mem(json, strlen(json), &r, &err), OD_OK);
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_non_null(o);
	assert_int_equal(import_next(r, &end, &err), OD_OK);
	assert_null(end);
	import_close(r);
	return o;
}

static void kept_in_order_with_meta(void **state)
{
	struct import_kept *k;
	struct import_meta m;
	struct od_err err;

	(void)state;
	assert_int_equal(import_kept_new(1 << 20, &k, &err), OD_OK);
	memset(&m, 0, sizeof m);
	strcpy(m.source_id, "first");
	import_kept_add(k, one("[" ONE_ORDER("A-1") "]"), &m);
	strcpy(m.source_id, "second");
	m.cancelled = 1;
	import_kept_add(k, one("[" ONE_ORDER("A-2") "]"), &m);
	assert_true(import_kept_whole(k));
	assert_int_equal(import_kept_count(k), 2);
	assert_string_equal(import_kept_order(k, 0)->number, "A-1");
	assert_string_equal(import_kept_order(k, 1)->number, "A-2");
	assert_string_equal(import_kept_meta(k, 0)->source_id, "first");
	assert_string_equal(import_kept_meta(k, 1)->source_id, "second");
	assert_int_equal(import_kept_meta(k, 1)->cancelled, 1);
	import_kept_free(k);
}

/* Past the budget nothing is kept, and orders after it are not either
 * (the sanitizer build finds a leak of any order dropped). */
static void past_the_budget_gives_up(void **state)
{
	struct import_kept *k;
	struct import_meta m;
	struct od_err err;
	struct order *o;
	size_t each, first_array;

	(void)state;
	memset(&m, 0, sizeof m);
	o = one("[" ONE_ORDER("B-1") "]");
	each = import_kept_order_bytes(o);
	first_array = 1024 * (sizeof(struct order *) + sizeof m);
	/* Room for two orders and the array, not three. */
	assert_int_equal(import_kept_new(first_array + 2 * each + each / 2,
					 &k, &err), OD_OK);
	import_kept_add(k, o, &m);
	import_kept_add(k, one("[" ONE_ORDER("B-2") "]"), &m);
	assert_true(import_kept_whole(k));
	assert_int_equal(import_kept_count(k), 2);
	import_kept_add(k, one("[" ONE_ORDER("B-3") "]"), &m);
	assert_false(import_kept_whole(k));
	assert_int_equal(import_kept_count(k), 0);
	import_kept_add(k, one("[" ONE_ORDER("B-4") "]"), &m);
	assert_false(import_kept_whole(k));
	assert_int_equal(import_kept_count(k), 0);
	import_kept_free(k);
	import_kept_free(NULL);
}

static void estimate_grows_with_the_order(void **state)
{
	struct order *small, *big;

	(void)state;
	small = one("[" ONE_ORDER("C-1") "]");
	big = one("[{\"number\":\"C-2\",\"placed_at\":\"2026-03-01T10:00:00Z\","
		  "\"currency\":\"EUR\",\"customer\":{\"name\":\"Ann Lee\"},"
		  "\"note\":\"a long note, long enough to be seen in the "
		  "estimate of what the order holds on the heap\","
		  "\"total\":3000,\"items\":[{\"sku\":\"TEA-1\",\"name\":"
		  "\"Tea\",\"qty\":1,\"unit_price\":1000},{\"sku\":\"TEA-2\","
		  "\"name\":\"Green tea\",\"qty\":2,\"unit_price\":1000}]}]");
	assert_true(import_kept_order_bytes(small) > sizeof *small);
	assert_true(import_kept_order_bytes(big) >
		    import_kept_order_bytes(small) + 64);
	order_free(small);
	order_free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kept_in_order_with_meta),
		cmocka_unit_test(past_the_budget_gives_up),
		cmocka_unit_test(estimate_grows_with_the_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
