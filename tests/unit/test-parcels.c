/*
 * test-parcels.c - delivery parcel by parcel and restocks in the fold: a
 * parcel delivered before the rest has shipped, the order delivered once
 * every item shipped and every parcel is, an unknown or delivered parcel
 * refused; deliver without a parcel taking a shipped order whole (older
 * logs); a restock of an accepted return, never more than came back, never
 * of a wrong-item return, never without accepting; and `audit verify`
 * replaying it all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *s;
	struct fixture_person owner, keeper, staff;
	struct od_err err;
};

static enum od_code sign(struct world *w, struct fixture_person *p,
			 struct statement *st)
{
	return fixture_append(w->s, p, st, NULL, &w->err);
}

static enum od_code ship(struct world *w, const char *tracking,
			 const char *item, const char *serial)
{
	struct statement *st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM,
					    "1");

	fixture_add(st, "carrier", "DHL");
	fixture_add(st, "tracking", tracking);
	fixture_add(st, "item", item);
	if (serial != NULL)
		fixture_add(st, "serial", serial);
	return sign(w, &w->staff, st);
}

static enum od_code deliver(struct world *w, const char *order,
			    const char *tracking)
{
	struct statement *st = fixture_stmt(&w->staff, STMT_SHIPMENT_DELIVER,
					    order);

	if (tracking != NULL)
		fixture_add(st, "tracking", tracking);
	return sign(w, &w->staff, st);
}

/* Order 1 (A x2, B x1) confirmed. */
static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	assert_int_equal(store_open_memory(&w->s, &w->err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_person_make(&w->keeper, "mei");
	fixture_person_make(&w->staff, "sam");
	fixture_shop_found(w->s, &w->owner, &w->keeper, &w->staff);
	assert_int_equal(sign(w, &w->keeper, fixture_stmt(&w->keeper,
			 STMT_ORDER_CONFIRM, "1")), OD_OK);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	store_close(w->s);
	fixture_person_free(&w->owner);
	fixture_person_free(&w->keeper);
	fixture_person_free(&w->staff);
	free(w);
	return 0;
}

/* Counts an order's parcels and the delivered ones. */
static enum od_code count_cb(void *ctx, const struct parcel_record *r,
			     struct od_err *err)
{
	size_t *n = ctx;

	(void)err;
	n[0]++;
	n[1] += r->delivered_seq != 0;
	return OD_OK;
}

static size_t delivered(struct world *w)
{
	size_t n[2] = { 0, 0 };

	assert_int_equal(store_parcel_each(w->s, "1", count_cb, n, &w->err),
			 OD_OK);
	return n[1];
}

/* Parcel by parcel: delivered when every item shipped, every parcel is. */
static void test_parcels(void **state)
{
	struct world *w = *state;
	struct ledger_report rep;

	assert_int_equal(deliver(w, "1", "P1"), OD_E_INPUT);
	assert_string_equal(w->err.msg, "order 1 has no parcel with tracking "
			    "P1; see `orderdesk show 1`");
	assert_int_equal(ship(w, "P1", "A 2", NULL), OD_OK);
	assert_int_equal(deliver(w, "1", NULL), OD_E_STATE);
	assert_int_equal(deliver(w, "1", "P1"), OD_OK);
	assert_int_equal(delivered(w), 1);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	assert_int_equal(deliver(w, "1", "P1"), OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1's parcel P1 was delivered "
			    "already (log entry 9)");
	assert_int_equal(ship(w, "P2", "B 1", NULL), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_SHIPPED);
	assert_int_equal(deliver(w, "1", "P9"), OD_E_INPUT);
	assert_int_equal(deliver(w, "1", "P2"), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_DELIVERED);
	assert_int_equal(delivered(w), 2);
	assert_int_equal(deliver(w, "1", NULL), OD_E_STATE);
	assert_int_equal(deliver(w, "2", "P1"), OD_E_INPUT);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

/* Without a parcel (older logs): a shipped order, each parcel left. */
static void test_whole(void **state)
{
	struct world *w = *state;

	assert_int_equal(ship(w, "P1", "A 2", NULL), OD_OK);
	assert_int_equal(deliver(w, "1", "P1"), OD_OK);
	assert_int_equal(ship(w, "P2", "B 1", NULL), OD_OK);
	assert_int_equal(deliver(w, "1", NULL), OD_OK);
	assert_int_equal(delivered(w), 2);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_DELIVERED);
}

static enum od_code ret(struct world *w, enum stmt_kind kind,
			const char *a, const char *b, const char *c)
{
	struct fixture_person *p = kind == STMT_RETURN_CLOSE ? &w->owner
							     : &w->keeper;
	struct statement *st = fixture_stmt(p, kind, "1");

	fixture_add(st, "rma", a);
	if (kind == STMT_RETURN_OPEN) {
		fixture_add(st, "reason", "no");
		fixture_add(st, "item", b);
	} else if (kind == STMT_RETURN_RECEIVE) {
		fixture_add(st, "condition", b);
		fixture_add(st, "item", c);
	} else {
		fixture_add(st, "decision", b);
		if (strcmp(b, "reject") == 0)
			fixture_add(st, "reason", "no");
		if (c != NULL)
			fixture_add(st, "restock", c);
	}
	return sign(w, p, st);
}

static enum od_code stock_cb(void *ctx, const struct stock_record *r,
			     struct od_err *err)
{
	long long *units = ctx;

	(void)err;
	if (strcmp(r->sku, "A") == 0)
		*units = r->units;
	return OD_OK;
}

static long long stock_a(struct world *w)
{
	long long units = 0;

	assert_int_equal(store_stock_each(w->s, stock_cb, &units, &w->err),
			 OD_OK);
	return units;
}

/* Restocked: what came back of an accepted return, no more. */
static void test_restock(void **state)
{
	struct world *w = *state;
	struct ledger_report rep;

	assert_int_equal(ship(w, "P1", "A 2", "A SN-1"), OD_OK);
	assert_int_equal(ret(w, STMT_RETURN_OPEN, "1-R1", "A 1", NULL), OD_OK);
	assert_int_equal(ret(w, STMT_RETURN_RECEIVE, "1-R1", "ok", "A 1 SN-1"),
			 OD_OK);
	assert_int_equal(ret(w, STMT_RETURN_CLOSE, "1-R1", "reject", "A 1"),
			 OD_E_INPUT);
	assert_int_equal(ret(w, STMT_RETURN_CLOSE, "1-R1", "accept", "A 2"),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "return 1-R1: 1 of A came back; at "
			    "most 1 can go back on the shelf");
	assert_int_equal(ret(w, STMT_RETURN_CLOSE, "1-R1", "accept", "B 1"),
			 OD_E_STATE);
	assert_int_equal(stock_a(w), 0);
	assert_int_equal(ret(w, STMT_RETURN_CLOSE, "1-R1", "accept", "A 1"),
			 OD_OK);
	assert_int_equal(stock_a(w), 1);
	/* SN-9 never shipped: wrong-item, and not back on the shelf. */
	assert_int_equal(ret(w, STMT_RETURN_OPEN, "1-R2", "A 1", NULL), OD_OK);
	assert_int_equal(ret(w, STMT_RETURN_RECEIVE, "1-R2", "ok", "A 1 SN-9"),
			 OD_OK);
	assert_int_equal(ret(w, STMT_RETURN_CLOSE, "1-R2", "accept", "A 1"),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "return 1-R2 came back wrong-item; "
			    "what came back is not what was sent and does not "
			    "go back on the shelf");
	assert_int_equal(ret(w, STMT_RETURN_CLOSE, "1-R2", "accept", NULL),
			 OD_OK);
	assert_int_equal(stock_a(w), 1);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parcels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restock, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
