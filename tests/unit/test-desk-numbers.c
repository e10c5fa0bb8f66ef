/*
 * test-desk-numbers.c - what the desk reads of order numbers from the
 * store, with its index of every order never read or dropped (issue 11):
 * the `:` line's Tab candidates (desk_numbers: a tab's statuses, byte
 * order, the first DESK_NUMBERS_MAX and the last; busy at once while
 * another command holds the store) and the Held tab's reasons
 * (desk_holds, the same with the index as without it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/desk/desk-internal.h"
#include "app/desk/desk-numbers.h"
#include "app/log/order.h"
#include "app/shop/shop.h"
#include "tests/unit/fixture-desk.h"

#define MEI_PASS FIXTURE_DESK_MEI_PASS
#define NSEVEN   205    /* orders 7000 to 7204: more than the bound */

static char dir[64];

/* Orders 3001 to 3006 and 7000 to 7204. */
static enum od_code place_orders(struct shop *sh, struct od_err *err)
{
	char number[16];
	enum od_code rc = OD_OK;
	int i;

	for (i = 1; i <= 6 && rc == OD_OK; i++) {
		snprintf(number, sizeof number, "%d", 3000 + i);
		rc = fixture_desk_place(sh, number, err);
	}
	for (i = 0; i < NSEVEN && rc == OD_OK; i++) {
		snprintf(number, sizeof number, "%d", 7000 + i);
		rc = fixture_desk_place(sh, number, err);
	}
	return rc;
}

static int setup(void **state)
{
	(void)state;
	return fixture_desk_shop(dir, sizeof dir, "test-desk-numbers",
				 "Numbers test", 0, place_orders);
}

static int teardown(void **state)
{
	(void)state;
	return fixture_desk_dir_remove(dir);
}

/* Signs kind about number as d's person, with reason text. */
static void sign(struct desk *d, enum stmt_kind kind, const char *number,
		 const char *text)
{
	struct desk_act *act = NULL;
	struct od_err err;
	long long seq;

	assert_int_equal(desk_prepare(d, kind, number, text, NULL, NULL, &act,
				      &err), OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
}

/* The numbers d gives for prefix on tab t, joined by spaces. */
static const char *numbers(struct desk *d, const char *prefix,
			   const struct desk_tab *t)
{
	static struct desk_numbers got;
	static char text[8192];
	struct od_err err;
	size_t i, len = 0;

	assert_int_equal(desk_numbers(d, prefix, t, &got, &err), OD_OK);
	text[0] = '\0';
	for (i = 0; i < got.n; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
					i ? " " : "", got.v[i]);
	return text;
}

static const struct desk_tab all_tab = { 0, 0, -1 };
static const struct desk_tab new_tab = { DESK_TAB_STATUS(ORDER_NEW), 0, -1 };
static const struct desk_tab held_tab = { DESK_TAB_STATUS(ORDER_HELD), 0,
					  -1 };

/*
 * The Held tab's reasons come from the store: the same with the index in
 * memory as with it dropped (it used to give none then).
 */
static void test_holds_without_index(void **state)
{
	struct desk *d = fixture_desk_open(dir, "mei", MEI_PASS);
	struct desk_holds *with = NULL, *without = NULL;
	struct od_err err;
	size_t i;

	(void)state;
	sign(d, STMT_ORDER_HOLD, "3004", "out of stock");
	sign(d, STMT_ORDER_HOLD, "3001", "incorrect address: no flat");
	sign(d, STMT_ORDER_HOLD, "7010", "customer asked to wait");
	sign(d, STMT_ORDER_CONFIRM, "3002", NULL);
	assert_int_equal(desk_holds(d, &with, &err), OD_OK);
	desk_index_free(d);
	assert_int_equal(desk_holds(d, &without, &err), OD_OK);
	assert_int_equal(without->n, 3);
	assert_int_equal(with->n, without->n);
	assert_memory_equal(with->count, without->count,
			    sizeof with->count);
	for (i = 0; i < without->n; i++) {
		assert_string_equal(with->h[i].number, without->h[i].number);
		assert_string_equal(with->h[i].reason, without->h[i].reason);
		assert_int_equal(with->h[i].kind, without->h[i].kind);
	}
	/* By number, byte order; each reason as signed, by kind. */
	assert_string_equal(without->h[0].number, "3001");
	assert_string_equal(without->h[1].number, "3004");
	assert_string_equal(without->h[2].number, "7010");
	assert_string_equal(desk_holds_find(without, "3004")->reason,
			    "out of stock");
	assert_int_equal(without->count[2], 1);
	assert_int_equal(without->count[3], 1);
	assert_int_equal(without->count[4], 1);
	assert_null(desk_holds_find(without, "3002"));
	desk_holds_free(with);
	desk_holds_free(without);
	desk_free(d);
}

/* Tab's candidates: the tab's statuses, byte order, bounded. */
static void test_numbers_of_a_tab(void **state)
{
	struct desk *d = fixture_desk_open(dir, "mei", MEI_PASS);
	struct desk_numbers got;
	struct od_err err;

	(void)state;
	/* 3001, 3004, 7010 held and 3002 confirmed by the test before. */
	desk_index_free(d);
	assert_string_equal(numbers(d, "300", &new_tab), "3003 3005 3006");
	assert_string_equal(numbers(d, "300", &held_tab), "3001 3004");
	assert_string_equal(numbers(d, "", &held_tab), "3001 3004 7010");
	assert_string_equal(numbers(d, "300", &all_tab),
			    "3001 3002 3003 3004 3005 3006");
	assert_string_equal(numbers(d, "720", &all_tab),
			    "7200 7201 7202 7203 7204");
	assert_string_equal(numbers(d, "9", &all_tab), "");
	assert_string_equal(numbers(d, "%", &all_tab), "");
	assert_string_equal(numbers(d, "_", &all_tab), "");
	/* More than the bound: the first ones, then the last. */
	assert_int_equal(desk_numbers(d, "7", &all_tab, &got, &err), OD_OK);
	assert_int_equal(got.more, 1);
	assert_int_equal(got.n, DESK_NUMBERS_MAX + 1);
	assert_string_equal(got.v[0], "7000");
	assert_string_equal(got.v[DESK_NUMBERS_MAX - 1], "7199");
	assert_string_equal(got.v[DESK_NUMBERS_MAX], "7204");
	assert_int_equal(desk_numbers(d, "", &all_tab, &got, &err), OD_OK);
	assert_int_equal(got.more, 1);
	assert_string_equal(got.v[0], "3001");
	assert_string_equal(got.v[DESK_NUMBERS_MAX], "7204");
	/* Of a tab: 7010 is held. */
	assert_int_equal(desk_numbers(d, "7", &new_tab, &got, &err), OD_OK);
	assert_int_equal(got.more, 1);
	assert_string_equal(got.v[DESK_NUMBERS_MAX - 1], "7200");
	assert_string_equal(got.v[DESK_NUMBERS_MAX], "7204");
	assert_int_equal(desk_numbers(d, "72", &new_tab, &got, &err), OD_OK);
	assert_int_equal(got.more, 0);
	assert_int_equal(got.n, 5);
	/* No tab given: the one the list last chose. */
	assert_int_equal(desk_filter_tab(d, &held_tab, NULL, 0, &err), OD_OK);
	desk_index_free(d);
	assert_string_equal(numbers(d, "30", NULL), "3001 3004");
	assert_true(desk_is_unlocked(d));
	desk_free(d);
}

/* The other command's lock, let go at the alarm. */
static int other_fd = -1;

static void let_go(int sig)
{
	(void)sig;
	flock(other_fd, LOCK_UN);
}

/*
 * A Tab while another command holds the store (its lock taken here, on a
 * file description of its own): busy at once, nothing offered.  The lock
 * goes at an alarm 5 s on: a Tab that waited for it would then get the
 * store, and the test sees that it waited.
 */
static void test_busy(void **state)
{
	struct sigaction sa;
	struct desk *d = fixture_desk_open(dir, "mei", MEI_PASS);
	struct desk_numbers got;
	struct od_err err;
	char path[128];

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = let_go;
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	snprintf(path, sizeof path, "%s/lock", dir);
	other_fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(other_fd >= 0);
	assert_int_equal(flock(other_fd, LOCK_EX), 0);
	got.n = 7;
	alarm(5);
	assert_int_equal(desk_numbers(d, "300", &all_tab, &got, &err),
			 OD_E_BUSY);
	alarm(0);
	assert_int_equal(got.n, 0);
	assert_true(desk_is_unlocked(d));
	close(other_fd);
	assert_string_equal(numbers(d, "3005", &all_tab), "3005");
	desk_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holds_without_index),
		cmocka_unit_test(test_numbers_of_a_tab),
		cmocka_unit_test(test_busy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
