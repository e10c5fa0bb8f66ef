/*
 * test-unconfirm.c - order.unconfirm through the fold: a confirmation
 * taken back within ten minutes of it, by its statements' own times; not
 * after a parcel shipped, once cancelled or held, too late, by someone who
 * may not confirm, nor naming a confirmation that is not the latest; the
 * replay that `audit verify` runs, the redo after a sync, and the
 * backend's bound by its own clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "app/log/clock.h"
#include "app/log/fold-unconfirm.h"
#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "storage/store-sync.h"
#include "tests/unit/fixture-world.h"

struct world {
	struct fixture_world f;
	struct store *s;        /* f.s */
	struct fixture_person *owner, *keeper, *staff;
	time_t base;            /* after every entry of the fixture */
	struct od_err err;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	fixture_world_open(&w->f);
	w->s = w->f.s;
	w->owner = &w->f.owner;
	w->keeper = &w->f.keeper;
	w->staff = &w->f.staff;
	w->base = time(NULL) + 3600;
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	fixture_world_close(&w->f);
	free(w);
	return 0;
}

/* A statement of kind by p about order, dated at base + secs. */
static struct statement *at(struct world *w, struct fixture_person *p,
			    enum stmt_kind kind, const char *order,
			    long long secs)
{
	struct statement *st = fixture_stmt(p, kind, order);
	char when[21];

	clock_format(w->base + (time_t)secs, when);
	assert_int_equal(statement_set_time(st, when, &w->err), OD_OK);
	return st;
}

/* keeper confirms order at base + secs; id gets the confirmation's id. */
static void confirm(struct world *w, const char *order, long long secs,
		    char id[STMT_ID_LEN + 1])
{
	assert_int_equal(fixture_append(w->s, w->keeper,
					at(w, w->keeper, STMT_ORDER_CONFIRM,
					   order, secs), id, &w->err), OD_OK);
}

/* p takes back the confirmation id of order at base + secs. */
static enum od_code unconfirm(struct world *w, struct fixture_person *p,
			      const char *order, const char *id,
			      long long secs)
{
	struct statement *st = at(w, p, STMT_ORDER_UNCONFIRM, order, secs);

	fixture_add(st, "undoes", id);
	return fixture_append(w->s, p, st, NULL, &w->err);
}

/* Within ten minutes the order goes back to new, and may be confirmed
 * again; the exact tenth minute is still in time. */
static void test_in_time(void **state)
{
	struct world *w = *state;
	char id[STMT_ID_LEN + 1];

	confirm(w, "1", 0, id);
	assert_int_equal(unconfirm(w, w->keeper, "1", id, 300), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_NEW);
	confirm(w, "1", 400, id);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	assert_int_equal(unconfirm(w, w->owner, "1", id,
				   400 + FOLD_UNCONFIRM_WINDOW), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_NEW);
}

/* A second past the window is too late, by the statements' own times. */
static void test_too_late(void **state)
{
	struct world *w = *state;
	char id[STMT_ID_LEN + 1];

	confirm(w, "1", 0, id);
	assert_int_equal(unconfirm(w, w->keeper, "1", id,
				   FOLD_UNCONFIRM_WINDOW + 1), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "the limit is 10"));
	assert_non_null(strstr(w->err.msg, "cancel or hold it instead"));
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
}

/* One parcel shipped, and the confirmation stands. */
static void test_after_shipping(void **state)
{
	struct world *w = *state;
	char id[STMT_ID_LEN + 1];
	struct statement *st;

	confirm(w, "1", 0, id);
	st = at(w, w->staff, STMT_SHIPMENT_CONFIRM, "1", 60);
	fixture_add(st, "carrier", "DHL");
	fixture_add(st, "tracking", "JD1");
	fixture_add(st, "item", "A 1");
	assert_int_equal(fixture_append(w->s, w->staff, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	assert_int_equal(unconfirm(w, w->keeper, "1", id, 120), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "has shipped parcels"));
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
}

/* Cancelled, or on hold: refused, each saying so. */
static void test_cancelled_or_held(void **state)
{
	struct world *w = *state;
	char id1[STMT_ID_LEN + 1], id2[STMT_ID_LEN + 1];
	struct statement *st;

	confirm(w, "1", 0, id1);
	st = at(w, w->keeper, STMT_ORDER_CANCEL, "1", 10);
	fixture_add(st, "reason", "customer asked");
	assert_int_equal(fixture_append(w->s, w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(unconfirm(w, w->keeper, "1", id1, 20), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "order 1 is cancelled"));
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CANCELLED);

	confirm(w, "2", 30, id2);
	st = at(w, w->keeper, STMT_ORDER_HOLD, "2", 40);
	fixture_add(st, "reason", "address check");
	assert_int_equal(fixture_append(w->s, w->keeper, st, NULL, &w->err),
			 OD_OK);
	assert_int_equal(unconfirm(w, w->keeper, "2", id2, 50), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "on hold; release it first"));
	assert_int_equal(fixture_status(w->s, "2"), ORDER_HELD);
}

/* Who may not confirm may not take a confirmation back either; a role
 * the owner defines with confirm may. */
static void test_roles(void **state)
{
	struct world *w = *state;
	struct fixture_person clerk, picker;
	char id[STMT_ID_LEN + 1];
	struct statement *st;

	st = fixture_stmt(w->owner, STMT_ROLE_DEFINE, NULL);
	fixture_add(st, "role", "clerk");
	fixture_add(st, "may", "confirm");
	assert_int_equal(fixture_append(w->s, w->owner, st, NULL, &w->err),
			 OD_OK);
	st = fixture_stmt(w->owner, STMT_ROLE_DEFINE, NULL);
	fixture_add(st, "role", "picker");
	fixture_add(st, "may", "hold");
	assert_int_equal(fixture_append(w->s, w->owner, st, NULL, &w->err),
			 OD_OK);
	fixture_person_make(&clerk, "cleo");
	fixture_user_add(w->s, w->owner, &clerk, "clerk");
	fixture_person_make(&picker, "pia");
	fixture_user_add(w->s, w->owner, &picker, "picker");

	confirm(w, "1", 0, id);
	assert_int_equal(unconfirm(w, w->staff, "1", id, 10), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg,
			       "sam is staff and may not take back "
			       "confirmations"));
	assert_int_equal(unconfirm(w, &picker, "1", id, 20), OD_E_DENIED);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	assert_int_equal(unconfirm(w, &clerk, "1", id, 30), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_NEW);
	fixture_person_free(&clerk);
	fixture_person_free(&picker);
}

/* Only the latest confirmation, of that order, can be named; a new order
 * has none. */
static void test_names_the_latest(void **state)
{
	struct world *w = *state;
	char first[STMT_ID_LEN + 1], second[STMT_ID_LEN + 1];
	char other[STMT_ID_LEN + 1];

	assert_int_equal(unconfirm(w, w->keeper, "3", "0123456789abcdef"
				   "0123456789abcdef", 0), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "order 3 is new"));
	confirm(w, "1", 0, first);
	assert_int_equal(unconfirm(w, w->keeper, "1", first, 10), OD_OK);
	confirm(w, "1", 20, second);
	assert_int_equal(unconfirm(w, w->keeper, "1", first, 30), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "not order 1's latest"));
	confirm(w, "2", 40, other);
	assert_int_equal(unconfirm(w, w->keeper, "1", other, 50), OD_E_STATE);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	assert_int_equal(unconfirm(w, w->keeper, "1", second, 60), OD_OK);
}

/* fold_unconfirm_last finds the latest entry of a kind before a seq. */
static void test_last_of_kind(void **state)
{
	struct world *w = *state;
	char first[STMT_ID_LEN + 1], second[STMT_ID_LEN + 1];
	struct fold_last c;
	uint8_t hash[32];
	long long head;

	confirm(w, "1", 0, first);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(unconfirm(w, w->keeper, "1", first, 10), OD_OK);
	confirm(w, "1", 20, second);
	assert_int_equal(fold_unconfirm_last(w->s, "1", STMT_ORDER_CONFIRM, 0,
					     &c, &w->err), OD_OK);
	assert_string_equal(c.id, second);
	assert_string_equal(c.actor, "mei");
	assert_int_equal(fold_unconfirm_last(w->s, "1", STMT_ORDER_CONFIRM,
					     head + 1, &c, &w->err), OD_OK);
	assert_string_equal(c.id, first);
	assert_int_equal(c.seq, head);
	assert_int_equal(fold_unconfirm_last(w->s, "1", STMT_ORDER_CONFIRM,
					     head, &c, &w->err),
			 OD_E_NOTFOUND);
	assert_int_equal(fold_unconfirm_last(w->s, "2", STMT_ORDER_HOLD, 0,
					     &c, &w->err), OD_E_NOTFOUND);
}

/* Folds one log entry again, as a sync's rebase does (fold_redo). */
static enum od_code redo_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc = statement_parse(r->statement, r->statement_len, &st,
					  err);

	if (rc == OD_OK)
		rc = fold_redo(ctx, st, r->seq, err);
	statement_free(st);
	return rc;
}

/* audit verify's replay takes the log with a confirmation taken back,
 * and folding the order again from its entries (a sync's rebase) gives
 * the same state: new, then confirmed again, then new. */
static void test_replay_and_redo(void **state)
{
	struct world *w = *state;
	struct ledger_report rep;
	struct store *scratch = NULL;
	char id[STMT_ID_LEN + 1];

	confirm(w, "1", 0, id);
	assert_int_equal(unconfirm(w, w->keeper, "1", id, 30), OD_OK);
	confirm(w, "2", 40, id);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.orders, 3);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_NEW);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_order_forget(w->s, "1", &w->err), OD_OK);
	assert_int_equal(store_log_each(w->s, "1", redo_cb, w->s, &w->err),
			 OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_NEW);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	/* The order folded from its own entries on a store without the log,
	 * as the desk checks an order's rows (desk-order.c). */
	assert_int_equal(store_open_memory(&scratch, &w->err), OD_OK);
	assert_int_equal(store_log_each(w->s, "1", redo_cb, scratch, &w->err),
			 OD_OK);
	assert_int_equal(fixture_status(scratch, "1"), ORDER_NEW);
	store_close(scratch);
}

/* The backend's bound by its own clock: within the window and the skew
 * of the confirmation it names, not later; other kinds pass. */
static void test_backend_bound(void **state)
{
	struct world *w = *state;
	char id[STMT_ID_LEN + 1];
	struct statement *st;
	time_t limit = FOLD_UNCONFIRM_WINDOW + CLOCK_SKEW_SECONDS;

	confirm(w, "1", 0, id);
	st = at(w, w->keeper, STMT_ORDER_UNCONFIRM, "1", 60);
	fixture_add(st, "undoes", id);
	assert_int_equal(fold_unconfirm_fresh(w->s, st, w->base + 60,
					      &w->err), OD_OK);
	assert_int_equal(fold_unconfirm_fresh(w->s, st, w->base + limit,
					      &w->err), OD_OK);
	assert_int_equal(fold_unconfirm_fresh(w->s, st, w->base + limit + 1,
					      &w->err), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "by the backend's clock"));
	assert_non_null(strstr(w->err.msg, "order 1 stays confirmed"));
	statement_free(st);
	st = at(w, w->keeper, STMT_ORDER_CONFIRM, "2", 60);
	assert_int_equal(fold_unconfirm_fresh(w->s, st, w->base + 3 * limit,
					      &w->err), OD_OK);
	statement_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_late, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_after_shipping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cancelled_or_held, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_the_latest, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_last_of_kind, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_replay_and_redo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_bound, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
