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
#include <poll.h>
#include <pthread.h>
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

/* Another command's hold on the store: the lock, let go when told to. */
struct other_hold {
	int lock_fd;
	int wake[2];
};

/* Lets go when told, or after 20 s: a Tab that waited would then get
 * the store, and the test sees that it waited. */
static void *let_go(void *arg)
{
	struct other_hold *h = arg;
	struct pollfd p = { h->wake[0], POLLIN, 0 };

	(void)poll(&p, 1, 20000);
	flock(h->lock_fd, LOCK_UN);
	return NULL;
}

/* A Tab while another command holds the store: busy at once, nothing. */
static void test_busy(void **state)
{
	struct desk *d = fixture_desk_open(dir, "mei", MEI_PASS);
	struct desk_numbers got;
	struct other_hold h;
	struct od_err err;
	char path[128];
	pthread_t t;

	(void)state;
	snprintf(path, sizeof path, "%s/lock", dir);
	h.lock_fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(h.lock_fd >= 0);
	assert_int_equal(pipe(h.wake), 0);
	assert_int_equal(flock(h.lock_fd, LOCK_EX), 0);
	assert_int_equal(pthread_create(&t, NULL, let_go, &h), 0);
	got.n = 7;
	assert_int_equal(desk_numbers(d, "300", &all_tab, &got, &err),
			 OD_E_BUSY);
	assert_int_equal(got.n, 0);
	assert_true(desk_is_unlocked(d));
	assert_int_equal(write(h.wake[1], "x", 1), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(h.wake[0]);
	close(h.wake[1]);
	close(h.lock_fd);
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
