/*
 * test-pick.c - the sums of a pick list (app/paper/pick.h): what is still
 * to ship of each SKU over a batch of orders, sorted by SKU, with the
 * orders that need it; shipped quantities taken off, an order naming a
 * SKU twice counted once with both quantities, and the cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/paper/pick.h"

/* An order made of items only: all the sums look at. */
static struct order mk(const char *number, struct order_item *items,
		       size_t n)
{
	struct order o;

	memset(&o, 0, sizeof o);
	o.number = (char *)number;
	o.ship_lines[0] = (char *)"1 Main St";   /* it ships */
	o.nlines = 1;
	o.items = items;
	o.nitems = n;
	return o;
}

static void add(struct pick_list *pl, const struct order *o, size_t want)
{
	struct od_err err;
	size_t added = 99;

	assert_int_equal(pick_add(pl, o, &added, &err), OD_OK);
	assert_int_equal(added, want);
}

static void test_pick_sums(void **state)
{
	struct order_item a2[] = { { "MUG", "Mug", 3, 100, 0 } };
	struct order_item a1[] = { { "TEA", "Sencha 緑茶", 2, 100, 0 },
				   { "MUG", "Mug (blue)", 1, 100, 0 } };
	struct order_item a3[] = { { "ZED", "Zed", 1, 100, 1 },
				   { "MUG", "Mug", 5, 100, 2 } };
	struct order_item a4[] = { { "CUP", "Cup", 1, 100, 0 },
				   { "MUG", "Mug", 1, 100, 0 },
				   { "CUP", "Cup", 2, 100, 0 } };
	struct order_item a5[] = { { "TEA", "Tea", 4, 100, 4 } };
	struct order o[] = { mk("A-2", a2, 1), mk("A-1", a1, 2),
			     mk("A-3", a3, 2), mk("A-4", a4, 3),
			     mk("A-5", a5, 1) };
	const struct pick_line *l;
	struct pick_list pl;
	struct od_err err;

	(void)state;
	pick_init(&pl);
	add(&pl, &o[0], 1);
	add(&pl, &o[1], 2);
	add(&pl, &o[2], 1);   /* ZED all shipped; 3 MUG left */
	add(&pl, &o[3], 3);
	add(&pl, &o[4], 0);   /* nothing left at all */
	assert_int_equal(pl.norders, 4);
	assert_int_equal(pick_finish(&pl, &err), OD_OK);
	assert_int_equal(pl.nlines, 3);

	l = &pl.lines[0];
	assert_string_equal(l->sku, "CUP");
	assert_int_equal(l->qty, 3);
	assert_int_equal(l->nneeds, 1);   /* A-4 named CUP twice */
	assert_string_equal(l->needs[0].number, "A-4");
	assert_int_equal(l->needs[0].qty, 3);

	l = &pl.lines[1];
	assert_string_equal(l->sku, "MUG");
	assert_string_equal(l->name, "Mug");   /* the first order's name */
	assert_int_equal(l->qty, 3 + 1 + 3 + 1);
	assert_int_equal(l->nneeds, 4);
	assert_string_equal(l->needs[0].number, "A-2");
	assert_int_equal(l->needs[0].qty, 3);
	assert_string_equal(l->needs[1].number, "A-1");
	assert_int_equal(l->needs[1].qty, 1);
	assert_string_equal(l->needs[2].number, "A-3");
	assert_int_equal(l->needs[2].qty, 3);
	assert_string_equal(l->needs[3].number, "A-4");

	l = &pl.lines[2];
	assert_string_equal(l->sku, "TEA");
	assert_string_equal(l->name, "Sencha 緑茶");
	assert_int_equal(l->qty, 2);
	assert_int_equal(l->nneeds, 1);
	pick_free(&pl);
	assert_int_equal(pl.nlines, 0);
	assert_null(pl.lines);
}

/* Bytewise, as labels sort: upper case before lower, "A-10" before "A-9". */
static void test_pick_sorts_bytewise(void **state)
{
	struct order_item it[] = { { "a-1", "x", 1, 0, 0 },
				   { "A-9", "x", 1, 0, 0 },
				   { "B-2", "x", 1, 0, 0 },
				   { "A-10", "x", 1, 0, 0 } };
	struct order o = mk("N-1", it, 4);
	struct pick_list pl;
	struct od_err err;

	(void)state;
	pick_init(&pl);
	add(&pl, &o, 4);
	assert_int_equal(pick_finish(&pl, &err), OD_OK);
	assert_int_equal(pl.nlines, 4);
	assert_string_equal(pl.lines[0].sku, "A-10");
	assert_string_equal(pl.lines[1].sku, "A-9");
	assert_string_equal(pl.lines[2].sku, "B-2");
	assert_string_equal(pl.lines[3].sku, "a-1");
	pick_free(&pl);
}

static void test_pick_empty(void **state)
{
	struct pick_list pl;
	struct od_err err;

	(void)state;
	pick_init(&pl);
	assert_int_equal(pick_finish(&pl, &err), OD_OK);
	assert_int_equal(pl.nlines, 0);
	assert_int_equal(pl.norders, 0);
	pick_free(&pl);
}

/* Past PICK_MAX_ENTRIES the list refuses with a line, not more memory. */
static void test_pick_cap(void **state)
{
	struct order_item it[] = { { "S", "x", 1, 0, 0 } };
	struct order o = mk("N-1", it, 1);
	struct pick_list pl;
	struct od_err err;
	size_t i, added;

	(void)state;
	pick_init(&pl);
	for (i = 0; i < PICK_MAX_ENTRIES; i++)
		assert_int_equal(pick_add(&pl, &o, &added, &err), OD_OK);
	assert_int_equal(pick_add(&pl, &o, &added, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "pick fewer orders"));
	assert_int_equal(pick_finish(&pl, &err), OD_OK);
	assert_int_equal(pl.nlines, 1);
	assert_int_equal(pl.lines[0].qty, PICK_MAX_ENTRIES);
	assert_int_equal(pl.lines[0].nneeds, 1);
	pick_free(&pl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_sums),
		cmocka_unit_test(test_pick_sorts_bytewise),
		cmocka_unit_test(test_pick_empty),
		cmocka_unit_test(test_pick_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
