/*
 * test-return.c - returns (RMA) in the fold: opened for shipped items
 * only and numbered in turn, received with a serial that must have shipped
 * (else marked wrong-item: the swapped-goods fraud), closed accepted or
 * rejected, accepting a wrong-item return the owner's, roles that may not,
 * and `audit verify` replaying it all.
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
#include "app/log/order.h"
#include "tests/unit/fixture-world.h"

/*
 * The shop of fixture_shop_found (order 1: A x2, B x1), order 1 confirmed
 * and A x2 shipped with serials SN-1 and SN-2.
 */
static int setup(void **state)
{
	struct fixture_world *w;

	fixture_world_setup(state);
	w = *state;
	fixture_world_confirm(w, "1");
	fixture_world_ship(w, "1", (const char *const[]){
		"item", "A 2", "serial", "A SN-1", "serial", "A SN-2", NULL });
	return 0;
}

static enum od_code open_return(struct fixture_world *w,
				struct fixture_person *p,
				const char *order, const char *rma,
				const char *item)
{
	struct statement *st = fixture_stmt(p, STMT_RETURN_OPEN, order);

	fixture_add(st, "rma", rma);
	fixture_add(st, "reason", "does not fit");
	fixture_add(st, "item", item);
	return fixture_world_sign(w, p, st);
}

static enum od_code receive(struct fixture_world *w, struct fixture_person *p,
			    const char *rma, const char *condition,
			    const char *item)
{
	struct statement *st = fixture_stmt(p, STMT_RETURN_RECEIVE, "1");

	fixture_add(st, "rma", rma);
	fixture_add(st, "condition", condition);
	fixture_add(st, "item", item);
	return fixture_world_sign(w, p, st);
}

static enum od_code close_return(struct fixture_world *w,
				 struct fixture_person *p,
				 const char *rma, const char *decision,
				 const char *reason)
{
	struct statement *st = fixture_stmt(p, STMT_RETURN_CLOSE, "1");

	fixture_add(st, "rma", rma);
	fixture_add(st, "decision", decision);
	if (reason != NULL)
		fixture_add(st, "reason", reason);
	return fixture_world_sign(w, p, st);
}

/* The stored condition, state and note of a return of order 1. */
struct seen {
	const char *rma;
	char condition[16];
	char note[128];
	int state;
};

static enum od_code seen_cb(void *ctx, const struct return_record *r,
			    struct od_err *err)
{
	struct seen *x = ctx;

	(void)err;
	if (strcmp(r->rma, x->rma) == 0) {
		snprintf(x->condition, sizeof x->condition, "%s", r->condition);
		snprintf(x->note, sizeof x->note, "%s", r->note);
		x->state = (int)r->state;
	}
	return OD_OK;
}

static struct seen look(struct fixture_world *w, const char *rma)
{
	struct seen x = { rma, "", "", -1 };

	assert_int_equal(store_return_each(w->s, "1", seen_cb, &x, &w->err),
			 OD_OK);
	return x;
}

/* Shipped items only, never more than shipped less returned; in turn. */
static void test_open(void **state)
{
	struct fixture_world *w = *state;

	assert_int_equal(open_return(w, &w->keeper, "1", "1-R1", "B 1"),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1: 0 of B shipped and 0 "
			    "already in returns; at most 0 can be returned");
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R1", "A 3"),
			 OD_E_STATE);
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R1", "Z 1"),
			 OD_E_INPUT);
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R2", "A 1"),
			 OD_E_EXISTS);
	assert_string_equal(w->err.msg, "order 1's next return is 1-R1, not "
			    "1-R2");
	assert_int_equal(open_return(w, &w->keeper, "1", "2-R1", "A 1"),
			 OD_E_INPUT);
	assert_int_equal(open_return(w, &w->staff, "1", "1-R1", "A 1"),
			 OD_E_DENIED);
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R1", "A 1"),
			 OD_OK);
	assert_int_equal(look(w, "1-R1").state, RETURN_OPEN);
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R2", "A 2"),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "order 1: 2 of A shipped and 1 "
			    "already in returns; at most 1 can be returned");
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R2", "A 1"),
			 OD_OK);
}

/* A serial that did not ship marks the return wrong-item by itself. */
static void test_receive(void **state)
{
	struct fixture_world *w = *state;
	struct seen x;

	assert_int_equal(open_return(w, &w->keeper, "1", "1-R1", "A 1"),
			 OD_OK);
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R2", "A 1"),
			 OD_OK);
	assert_int_equal(receive(w, &w->staff, "1-R1", "ok", "A 2"),
			 OD_E_STATE);
	assert_int_equal(receive(w, &w->staff, "1-R1", "ok", "A 1 SN-2"),
			 OD_OK);
	x = look(w, "1-R1");
	assert_string_equal(x.condition, "ok");
	assert_int_equal(x.state, RETURN_RECEIVED);
	assert_int_equal(receive(w, &w->staff, "1-R1", "ok", "A 1 SN-2"),
			 OD_E_STATE);
	/* SN-3 never left this shop: the buyer sent something else back. */
	assert_int_equal(receive(w, &w->staff, "1-R2", "ok", "A 1 SN-3"),
			 OD_OK);
	x = look(w, "1-R2");
	assert_string_equal(x.condition, "wrong-item");
	assert_string_equal(x.note, "serial SN-3 of A was never shipped in "
			    "order 1");
	assert_int_equal(receive(w, &w->staff, "1-R9", "ok", "A 1"),
			 OD_E_NOTFOUND);
}

/* Accepting a wrong-item return is the owner's; rejecting needs why. */
static void test_close(void **state)
{
	struct fixture_world *w = *state;
	struct ledger_report rep;

	assert_int_equal(open_return(w, &w->keeper, "1", "1-R1", "A 2"),
			 OD_OK);
	assert_int_equal(close_return(w, &w->keeper, "1-R1", "accept", NULL),
			 OD_E_STATE);
	assert_int_equal(receive(w, &w->staff, "1-R1", "ok", "A 1 SN-9"),
			 OD_OK);
	assert_int_equal(close_return(w, &w->keeper, "1-R1", "accept", NULL),
			 OD_E_DENIED);
	assert_string_equal(w->err.msg, "return 1-R1 was marked wrong-item; "
			    "accepting it is the owner's; ask the owner");
	assert_int_equal(close_return(w, &w->keeper, "1-R1", "reject", NULL),
			 OD_E_INPUT);
	assert_int_equal(close_return(w, &w->keeper, "1-R1", "reject",
				      "not what we sent"), OD_OK);
	assert_int_equal(look(w, "1-R1").state, RETURN_REJECTED);
	assert_int_equal(close_return(w, &w->owner, "1-R1", "accept", NULL),
			 OD_E_STATE);
	/* A rejected return gives its quantity back to return again. */
	assert_int_equal(open_return(w, &w->keeper, "1", "1-R2", "A 2"),
			 OD_OK);
	assert_int_equal(receive(w, &w->staff, "1-R2", "damaged", "A 1 SN-4"),
			 OD_OK);
	assert_int_equal(close_return(w, &w->owner, "1-R2", "accept", NULL),
			 OD_OK);
	assert_int_equal(look(w, "1-R2").state, RETURN_ACCEPTED);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup,
						fixture_world_teardown),
		cmocka_unit_test_setup_teardown(test_receive, setup,
						fixture_world_teardown),
		cmocka_unit_test_setup_teardown(test_close, setup,
						fixture_world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
