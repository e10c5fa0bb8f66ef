/*
 * test-refund-rma.c - a refund tied to a return (payment.refund's rma, as
 * `return close --accept --refund` signs it): only for a return of the
 * order that was accepted, never more than paid and not yet refunded, the
 * owner's unless a role is given refunds, and replayed by audit verify.
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
#include "tests/unit/fixture-world.h"

/* Order 1 (total 250) confirmed, paid, shipped whole; return 1-R1 of one
 * A opened and received; order 2 confirmed. */
static int setup(void **state)
{
	struct fixture_world *w;
	struct statement *st;

	fixture_world_setup(state);
	w = *state;
	fixture_world_confirm(w, "1");
	st = fixture_stmt(&w->keeper, STMT_PAYMENT_RECEIVE, "1");
	fixture_add(st, "amount", "250");
	fixture_add(st, "method", "card");
	assert_int_equal(fixture_world_sign(w, &w->keeper, st), OD_OK);
	fixture_world_ship(w, "1", (const char *const[]){
		"item", "A 2", "item", "B 1", NULL });
	st = fixture_stmt(&w->keeper, STMT_RETURN_OPEN, "1");
	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "reason", "too small");
	fixture_add(st, "item", "A 1");
	assert_int_equal(fixture_world_sign(w, &w->keeper, st), OD_OK);
	st = fixture_stmt(&w->staff, STMT_RETURN_RECEIVE, "1");
	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "condition", "ok");
	fixture_add(st, "item", "A 1");
	assert_int_equal(fixture_world_sign(w, &w->staff, st), OD_OK);
	return 0;
}

static enum od_code refund(struct fixture_world *w, struct fixture_person *p,
			   const char *order, const char *amount,
			   const char *rma)
{
	struct statement *st = fixture_stmt(p, STMT_PAYMENT_REFUND, order);

	fixture_add(st, "amount", amount);
	fixture_add(st, "reason", "return accepted");
	fixture_add(st, "rma", rma);
	return fixture_world_sign(w, p, st);
}

static enum od_code close_accept(struct fixture_world *w,
				 struct fixture_person *p)
{
	struct statement *st = fixture_stmt(p, STMT_RETURN_CLOSE, "1");

	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "decision", "accept");
	return fixture_world_sign(w, p, st);
}

static void test_refund_needs_the_return_accepted(void **state)
{
	struct fixture_world *w = *state;
	struct ledger_report rep;

	assert_int_equal(refund(w, &w->owner, "1", "100", "1-R1"),
			 OD_E_STATE);
	assert_string_equal(w->err.msg, "return 1-R1 is not accepted; a "
			    "refund for it comes with accepting it");
	assert_int_equal(refund(w, &w->owner, "1", "100", "1-R2"),
			 OD_E_NOTFOUND);
	assert_string_equal(w->err.msg, "order 1 has no return 1-R2");
	assert_int_equal(close_accept(w, &w->keeper), OD_OK);
	assert_int_equal(refund(w, &w->owner, "2", "100", "1-R1"),
			 OD_E_NOTFOUND);
	assert_int_equal(refund(w, &w->keeper, "1", "100", "1-R1"),
			 OD_E_DENIED);
	assert_int_equal(refund(w, &w->owner, "1", "251", "1-R1"),
			 OD_E_STATE);
	assert_int_equal(refund(w, &w->owner, "1", "100", "1-R1"), OD_OK);
	assert_int_equal(refund(w, &w->owner, "1", "151", "1-R1"),
			 OD_E_STATE);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_refund_needs_the_return_accepted, setup,
			fixture_world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
