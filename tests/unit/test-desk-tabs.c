/*
 * test-desk-tabs.c - what the list's tabs stand on: the facts the store
 * lists with each order in the index's one pass (paid, refunded, how it
 * arrived, an open return) and the bits a row keeps of them; what each
 * tab keeps and counts; a person's saved views in the store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/desk/desk-internal.h"
#include "app/desk/desk-tabs.h"
#include "storage/store-views.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *s;
	struct fixture_person owner, keeper, staff;
	struct od_err err;
};

/* A shop with orders 1 to 3 (total 250 each). */
static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	assert_int_equal(store_open_memory(&w->s, &w->err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_person_make(&w->keeper, "mei");
	fixture_person_make(&w->staff, "sam");
	fixture_shop_found(w->s, &w->owner, &w->keeper, &w->staff);
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

/* Briefs as listed, by order number 1..3 (index 0 unused). */
struct seen {
	struct order_brief b[4];
	uint8_t facts[4];
	int calls;
	int open, nopen;        /* the open returns' orders, as bits */
};

static enum od_code keep_open(void *ctx, const char *number,
			      const char *placed_at, struct od_err *err)
{
	struct seen *s = ctx;

	(void)err;
	assert_true(strncmp(placed_at, "2026-", 5) == 0);
	s->open |= 1 << atoi(number);
	s->nopen++;
	return OD_OK;
}

static enum od_code keep_brief(void *ctx, const struct order_brief *b,
			       struct od_err *err)
{
	struct seen *s = ctx;
	int n = atoi(b->number);

	(void)err;
	assert_true(n >= 1 && n <= 3);
	s->b[n] = *b;
	s->b[n].number = s->b[n].placed_at = s->b[n].customer_name = NULL;
	s->facts[n] = desk_row_facts(b);
	s->calls++;
	return OD_OK;
}

static void money(struct world *w, const char *number, int refund,
		  long long amount)
{
	static long long seq = 1000;
	struct payment_record r;

	memset(&r, 0, sizeof r);
	r.seq = ++seq;
	r.refund = refund;
	r.amount = amount;
	assert_int_equal(store_payment_add(w->s, number, &r, &w->err), OD_OK);
}

static void ret(struct world *w, const char *number, const char *rma,
		enum return_state state)
{
	struct return_record r;

	memset(&r, 0, sizeof r);
	r.rma = rma;
	r.seq = 2000;
	r.state = state;
	assert_int_equal(store_return_put(w->s, number, &r, &w->err), OD_OK);
}

/* Paid, partly paid, refunded; open and closed returns: the facts. */
static void test_brief_facts(void **state)
{
	struct world *w = *state;
	struct seen s;

	memset(&s, 0, sizeof s);
	assert_int_equal(store_order_brief_each(w->s, keep_brief, &s, &w->err),
			 OD_OK);
	assert_int_equal(s.calls, 3);
	/* No money row, no return: unpaid. */
	assert_int_equal(s.b[1].paid, 0);
	assert_int_equal(s.b[1].arrival, ARRIVAL_UNPAID);
	assert_int_equal(s.facts[1], DESK_FACT_UNPAID);

	money(w, "1", 0, 250);          /* paid in full */
	money(w, "2", 0, 50);           /* partly paid: still owed */
	money(w, "3", 0, 250);
	money(w, "3", 1, 250);          /* refunded */
	ret(w, "1", "1-R1", RETURN_ACCEPTED);   /* closed */
	ret(w, "2", "2-R1", RETURN_RECEIVED);   /* open, inspected */
	ret(w, "3", "3-R1", RETURN_OPEN);
	ret(w, "3", "3-R2", RETURN_OPEN);       /* listed once */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_order_brief_each(w->s, keep_brief, &s, &w->err),
			 OD_OK);
	assert_int_equal(s.b[1].paid, 250);
	assert_int_equal(s.facts[1], 0);
	assert_int_equal(s.b[2].paid, 50);
	assert_int_equal(s.facts[2], DESK_FACT_UNPAID);
	assert_int_equal(s.b[3].refunded, 250);
	assert_int_equal(s.facts[3], 0);
	/* The open returns come apart, each order once, with its time. */
	assert_int_equal(store_return_open_each(w->s, keep_open, &s, &w->err),
			 OD_OK);
	assert_int_equal(s.open, 1 << 2 | 1 << 3);
	assert_int_equal(s.nopen, 2);

	/* One order, by its key, says the same. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_order_brief_one(w->s, "2", keep_brief, &s,
					       &w->err), OD_OK);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.facts[2], DESK_FACT_UNPAID | DESK_FACT_RETURN);
	assert_int_equal(store_order_brief_one(w->s, "9", keep_brief, &s,
					       &w->err), OD_OK);
	assert_int_equal(s.calls, 1);
}

/* An authorized order is unpaid; cash on delivery is not. */
static void test_facts_arrival(void **state)
{
	struct order_brief b;

	(void)state;
	memset(&b, 0, sizeof b);
	b.total = 100;
	b.arrival = ARRIVAL_AUTHORIZED;
	assert_int_equal(desk_row_facts(&b), DESK_FACT_UNPAID);
	b.arrival = ARRIVAL_COD;
	assert_int_equal(desk_row_facts(&b), 0);
	b.arrival = ARRIVAL_PAID;
	b.paid = 100;
	assert_int_equal(desk_row_facts(&b), 0);
	b.open_return = 1;
	assert_int_equal(desk_row_facts(&b), DESK_FACT_RETURN);
}

/* A desk's index made by hand: statuses and facts, one view's marks. */
static void test_tab_counts(void **state)
{
	static const uint8_t status[] = { ORDER_NEW, ORDER_SHIPPED,
		ORDER_DELIVERED, ORDER_CANCELLED, ORDER_SHIPPED };
	static const uint8_t facts[] = { DESK_FACT_UNPAID, DESK_FACT_UNPAID,
		DESK_FACT_RETURN, DESK_FACT_UNPAID, 0 };
	struct desk_row rows[5];
	struct desk *d = calloc(1, sizeof *d);
	struct desk_tab shipped = { DESK_TAB_STATUS(ORDER_SHIPPED) |
				    DESK_TAB_STATUS(ORDER_DELIVERED), 0, -1 };
	struct desk_tab unpaid = { ~DESK_TAB_STATUS(ORDER_CANCELLED) &
				   ((1u << ORDER_STATUS_COUNT) - 1),
				   DESK_FACT_UNPAID, -1 };
	struct desk_tab returns = { 0, DESK_FACT_RETURN, -1 };
	struct desk_tab view0 = { 0, 0, 0 }, view1 = { 0, 0, 1 };
	size_t i;

	(void)state;
	assert_non_null(d);
	memset(rows, 0, sizeof rows);
	for (i = 0; i < 5; i++) {
		rows[i].number = "x";
		rows[i].status = status[i];
		rows[i].facts = facts[i];
	}
	d->rows = rows;
	d->nrows = 5;
	d->match = malloc(5);
	d->view = malloc(5 * sizeof *d->view);
	d->views.keep = calloc(5, 1);
	assert_non_null(d->match);
	assert_non_null(d->view);
	assert_non_null(d->views.keep);
	memset(d->match, 1, 5);
	d->views.n = 1;
	d->views.keep[1] = d->views.keep[4] = 1;
	d->tab = unpaid;
	desk_view_rebuild(d);
	assert_int_equal(desk_count(d), 2);          /* rows 0 and 1 */
	assert_int_equal(desk_count_tab(d, &unpaid), 2);
	assert_int_equal(desk_count_tab(d, &shipped), 3);
	assert_int_equal(desk_count_tab(d, &returns), 1);
	assert_int_equal(desk_count_tab(d, &view0), 2);
	/* A view the person no longer has keeps nothing. */
	assert_int_equal(desk_count_tab(d, &view1), 0);
	d->tab = view0;
	desk_view_rebuild(d);
	assert_int_equal(desk_count(d), 2);
	assert_ptr_equal(desk_row(d, 1), &rows[4]);
	d->tab = view1;
	desk_view_rebuild(d);
	assert_int_equal(desk_count(d), 0);
	/* The search keeps row 1 out of every count. */
	d->match[1] = 0;
	d->tab = shipped;
	desk_view_rebuild(d);
	assert_int_equal(desk_count(d), 2);
	assert_int_equal(desk_count_tab(d, &unpaid), 1);
	assert_int_equal(desk_count_tab(d, &view0), 1);
	free(d->match);
	free(d->view);
	free(d->views.keep);
	free(d);
}

/* Views are per person, replaced by name, dropped; find names them. */
static void test_views_store(void **state)
{
	struct world *w = *state;
	char filter[ORDER_FILTER_MAX + 1];
	int gone;

	assert_int_equal(store_view_put(w->s, "mei", "big", "total:>100",
					&w->err), OD_OK);
	assert_int_equal(store_view_put(w->s, "mei", "late", "placed:>2d",
					&w->err), OD_OK);
	assert_int_equal(store_view_put(w->s, "mei", "big", "total:>200",
					&w->err), OD_OK);
	assert_int_equal(desk_view_find(w->s, "mei", "big", filter,
					sizeof filter, &w->err), OD_OK);
	assert_string_equal(filter, "total:>200");
	assert_int_equal(desk_view_find(w->s, "sam", "big", filter,
					sizeof filter, &w->err),
			 OD_E_NOTFOUND);
	assert_string_equal(w->err.msg, "sam has no saved views; save one "
			    "in the screens with :save NAME");
	assert_int_equal(desk_view_find(w->s, "mei", "nope", filter,
					sizeof filter, &w->err),
			 OD_E_NOTFOUND);
	assert_string_equal(w->err.msg, "mei has no view named nope; "
			    "theirs: big, late");
	assert_int_equal(store_view_drop(w->s, "mei", "big", &gone, &w->err),
			 OD_OK);
	assert_int_equal(gone, 1);
	assert_int_equal(store_view_drop(w->s, "mei", "big", &gone, &w->err),
			 OD_OK);
	assert_int_equal(gone, 0);
}

static void test_view_names(void **state)
{
	struct od_err err;

	(void)state;
	assert_int_equal(desk_view_name_check("big-orders_2", &err), OD_OK);
	assert_int_equal(desk_view_name_check("", &err), OD_E_USAGE);
	assert_int_equal(desk_view_name_check("2big", &err), OD_E_USAGE);
	assert_int_equal(desk_view_name_check("Big", &err), OD_E_USAGE);
	assert_int_equal(desk_view_name_check("a b", &err), OD_E_USAGE);
	assert_int_equal(desk_view_name_check("abcdefghijklmnopqrstuvwxy",
					      &err), OD_E_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_brief_facts, setup,
						teardown),
		cmocka_unit_test(test_facts_arrival),
		cmocka_unit_test(test_tab_counts),
		cmocka_unit_test_setup_teardown(test_views_store, setup,
						teardown),
		cmocka_unit_test(test_view_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
