/*
 * test-store-numbers.c - order numbers from an index
 * (storage/store-numbers.h) on a real SQLite store: a prefix is taken
 * byte for byte (no case folding, '%', '_', '*', '[' themselves, a last
 * byte of 0xff), in byte order, both ways, as far as the limit, kept to
 * the scope's statuses and open returns; numbers by status; and no query
 * reads every order or sorts them (EXPLAIN QUERY PLAN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "storage/store-internal.h"
#include "storage/store-numbers.h"
#include "tests/unit/fixture-desk.h"

/* What a walk gave, joined by spaces. */
struct got {
	char text[4096];
	size_t n;
};

static enum od_code note(void *ctx, const char *number, struct od_err *err)
{
	struct got *g = ctx;
	size_t len = strlen(g->text);

	(void)err;
	snprintf(g->text + len, sizeof g->text - len, "%s%s", g->n ? " " : "",
		 number);
	g->n++;
	return OD_OK;
}

/* Order number of status straight into store s, as a fold writes it. */
static void put(struct store *s, const char *number, int status)
{
	struct order o;
	struct od_err err;

	fixture_desk_order(&o, number);
	o.status = (enum order_status)status;
	assert_int_equal(store_order_insert(s, &o, &err), OD_OK);
}

/* The numbers starting with prefix in scope (NULL: all), limit 100. */
static const char *walk(struct store *s, const char *prefix,
			const struct store_numbers_scope *scope, int backward,
			size_t limit)
{
	static struct got g;
	struct od_err err;

	memset(&g, 0, sizeof g);
	assert_int_equal(store_numbers_prefix(s, prefix, scope, backward,
					      limit, note, &g, &err), OD_OK);
	return g.text;
}

/* Numbers a LIKE, a GLOB or a case fold would mistake, and 0xff bytes. */
static const char *const odd[] = {
	"1", "10", "100", "1000", "1001", "101", "2", "A%1", "A_1", "AB",
	"Ab", "a*", "a1", "a[1", "Z0", "Z\xff", "Z\xff" "1", "Z\xff\xff",
	"[x", "\xff\xff", "\xff\xff" "1", NULL
};

static struct store *odd_store(void)
{
	struct store *s = NULL;
	struct od_err err;
	size_t i;

	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	for (i = 0; odd[i] != NULL; i++)
		put(s, odd[i], ORDER_NEW);
	return s;
}

static void test_prefix_edges(void **state)
{
	struct store *s = odd_store();

	(void)state;
	/* Every number, in byte order. */
	assert_string_equal(walk(s, "", NULL, 0, 100),
			    "1 10 100 1000 1001 101 2 A%1 AB A_1 Ab Z0 Z\xff "
			    "Z\xff" "1 Z\xff\xff [x a* a1 a[1 \xff\xff "
			    "\xff\xff" "1");
	assert_string_equal(walk(s, "10", NULL, 0, 100), "10 100 1000 1001 101");
	assert_string_equal(walk(s, "1001", NULL, 0, 100), "1001");
	assert_string_equal(walk(s, "10010", NULL, 0, 100), "");
	assert_string_equal(walk(s, "9", NULL, 0, 100), "");
	/* LIKE's wildcards and case folding: none of them. */
	assert_string_equal(walk(s, "A%", NULL, 0, 100), "A%1");
	assert_string_equal(walk(s, "A_", NULL, 0, 100), "A_1");
	assert_string_equal(walk(s, "%", NULL, 0, 100), "");
	assert_string_equal(walk(s, "_", NULL, 0, 100), "");
	assert_string_equal(walk(s, "A", NULL, 0, 100), "A%1 AB A_1 Ab");
	assert_string_equal(walk(s, "ab", NULL, 0, 100), "");
	/* GLOB's. */
	assert_string_equal(walk(s, "a*", NULL, 0, 100), "a*");
	assert_string_equal(walk(s, "*", NULL, 0, 100), "");
	assert_string_equal(walk(s, "a[", NULL, 0, 100), "a[1");
	assert_string_equal(walk(s, "[", NULL, 0, 100), "[x");
	/* A last byte of 0xff: the range ends at "[" ('Z' + 1), not at
	 * "Z\0" nor past every number. */
	assert_string_equal(walk(s, "Z\xff", NULL, 0, 100),
			    "Z\xff Z\xff" "1 Z\xff\xff");
	assert_string_equal(walk(s, "Z\xff\xff", NULL, 0, 100), "Z\xff\xff");
	assert_string_equal(walk(s, "Z", NULL, 0, 100),
			    "Z0 Z\xff Z\xff" "1 Z\xff\xff");
	/* All 0xff: no end to the range. */
	assert_string_equal(walk(s, "\xff", NULL, 0, 100),
			    "\xff\xff \xff\xff" "1");
	assert_string_equal(walk(s, "\xff\xff\xff", NULL, 0, 100), "");
	/* Backward, from the last. */
	assert_string_equal(walk(s, "10", NULL, 1, 100),
			    "101 1001 1000 100 10");
	store_close(s);
}

static void test_limit(void **state)
{
	struct store *s = NULL;
	struct od_err err;
	char number[16];
	int i;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	for (i = 0; i < 250; i++) {
		snprintf(number, sizeof number, "N%03d", i);
		put(s, number, ORDER_NEW);
	}
	put(s, "M1", ORDER_NEW);
	put(s, "O1", ORDER_NEW);
	assert_string_equal(walk(s, "N", NULL, 0, 3), "N000 N001 N002");
	assert_string_equal(walk(s, "N", NULL, 1, 1), "N249");
	assert_string_equal(walk(s, "N", NULL, 0, 0), "");
	assert_string_equal(walk(s, "N24", NULL, 0, 100),
			    "N240 N241 N242 N243 N244 N245 N246 N247 N248 "
			    "N249");
	/* At the limit, and past every one that starts so. */
	assert_int_equal(strlen(walk(s, "N", NULL, 0, 200)), 200 * 5 - 1);
	assert_non_null(strstr(walk(s, "N", NULL, 0, 200), " N199"));
	assert_int_equal(strlen(walk(s, "N", NULL, 0, 1000)), 250 * 5 - 1);
	assert_int_equal(strlen(walk(s, "", NULL, 0, 1000)), 250 * 5 + 5);
	store_close(s);
}

/* The scope: statuses, and orders with a return open. */
static void test_scope(void **state)
{
	struct store *s = NULL;
	struct od_err err;
	struct store_numbers_scope held = { 1u << ORDER_HELD, 0 };
	struct store_numbers_scope new_held = {
		(1u << ORDER_NEW) | (1u << ORDER_HELD), 0 };
	struct store_numbers_scope returns = { 0, 1 };
	struct store_numbers_scope shipped_returns = { 1u << ORDER_SHIPPED, 1 };
	struct return_record r = { "5003-R1", 9, 0, "broken", "S 1", "", "",
				   "" };
	struct got g;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	put(s, "5001", ORDER_NEW);
	put(s, "5002", ORDER_HELD);
	put(s, "5003", ORDER_SHIPPED);
	put(s, "5004", ORDER_HELD);
	put(s, "5005", ORDER_DELIVERED);
	put(s, "6001", ORDER_HELD);
	assert_int_equal(store_return_put(s, "5003", &r, &err), OD_OK);
	r.rma = "5004-R1";
	assert_int_equal(store_return_put(s, "5004", &r, &err), OD_OK);
	r.rma = "5005-R1";
	r.state = 2;    /* closed */
	assert_int_equal(store_return_put(s, "5005", &r, &err), OD_OK);
	assert_string_equal(walk(s, "5", &held, 0, 100), "5002 5004");
	assert_string_equal(walk(s, "5", &held, 1, 1), "5004");
	assert_string_equal(walk(s, "", &held, 0, 100), "5002 5004 6001");
	assert_string_equal(walk(s, "500", &new_held, 0, 100),
			    "5001 5002 5004");
	assert_string_equal(walk(s, "5", &returns, 0, 100), "5003 5004");
	assert_string_equal(walk(s, "5", &returns, 1, 100), "5004 5003");
	assert_string_equal(walk(s, "5004", &returns, 0, 100), "5004");
	assert_string_equal(walk(s, "", &shipped_returns, 0, 100), "5003");
	assert_string_equal(walk(s, "6", &returns, 0, 100), "");

	memset(&g, 0, sizeof g);
	assert_int_equal(store_numbers_status(s, ORDER_HELD, note, &g, &err),
			 OD_OK);
	assert_int_equal(g.n, 3);
	assert_non_null(strstr(g.text, "5002"));
	assert_non_null(strstr(g.text, "5004"));
	assert_non_null(strstr(g.text, "6001"));
	memset(&g, 0, sizeof g);
	assert_int_equal(store_numbers_status(s, ORDER_CANCELLED, note, &g,
					      &err), OD_OK);
	assert_int_equal(g.n, 0);
	store_close(s);
}

/* Number i of test_agree's orders and its status: lengths 1 to 4, most
 * new, a few held, some confirmed. */
static void agree_order(int i, char *number, size_t size, int *status)
{
	snprintf(number, size, "%d", i % 4 == 0 ? i / 40 : i * 7 % 1013);
	*status = i % 97 == 5 ? ORDER_HELD : i % 5 == 1 ? ORDER_CONFIRMED :
		  ORDER_NEW;
}

#define NAGREE 400

/* One of test_agree's orders. */
struct placed {
	char number[16];
	int status;
};

/* The expected walk, worked out here from the orders as placed (sorted). */
static void expect_walk(const struct placed *o, size_t n, const char *prefix,
			unsigned statuses, int backward, size_t limit,
			char *out, size_t size)
{
	size_t i, k, len = 0, got = 0;

	out[0] = '\0';
	for (k = 0; k < n && got < limit; k++) {
		i = backward ? n - 1 - k : k;
		if (strncmp(o[i].number, prefix, strlen(prefix)) != 0 ||
		    (statuses && !(statuses & (1u << o[i].status))))
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					got++ ? " " : "", o[i].number);
	}
}

static int by_number(const void *a, const void *b)
{
	return strcmp(((const struct placed *)a)->number,
		      ((const struct placed *)b)->number);
}

/* Places test_agree's orders in s (numbers once each) into o, sorted. */
static size_t agree_orders(struct store *s, struct placed *o)
{
	size_t n = 0, i, j;

	for (i = 0; i < NAGREE; i++) {
		agree_order((int)i, o[n].number, sizeof o[n].number,
			    &o[n].status);
		for (j = 0; j < n && strcmp(o[j].number, o[n].number); j++)
			;
		if (j == n) {
			put(s, o[n].number, o[n].status);
			n++;
		}
	}
	qsort(o, n, sizeof *o, by_number);
	return n;
}

/*
 * Both ways of a walk of statuses (their range of the number's index, or
 * a status's few orders whole, store-numbers.h) give what the orders as
 * placed say: new orders are most (the range), held ones few.
 */
static void test_agree(void **state)
{
	static struct placed o[NAGREE];
	const char *prefixes[] = { "", "1", "10", "2", "99", "1012", "5" };
	const unsigned scopes[] = { 0, 1u << ORDER_NEW, 1u << ORDER_HELD,
		(1u << ORDER_HELD) | (1u << ORDER_CONFIRMED),
		1u << ORDER_SHIPPED };
	const size_t limits[] = { 1, 2, 7, 201, 1000 };
	struct store_numbers_scope sc = { 0, 0 };
	struct store *s = NULL;
	struct od_err err;
	char want[8192];
	size_t n, p, c, l;
	int b;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	n = agree_orders(s, o);
	for (p = 0; p < sizeof prefixes / sizeof *prefixes; p++)
		for (c = 0; c < sizeof scopes / sizeof *scopes; c++)
			for (l = 0; l < sizeof limits / sizeof *limits; l++)
				for (b = 0; b < 2; b++) {
					sc.statuses = scopes[c];
					expect_walk(o, n, prefixes[p],
						    scopes[c], b, limits[l],
						    want, sizeof want);
					assert_string_equal(walk(s,
						prefixes[p], &sc, b,
						limits[l]), want);
				}
	store_close(s);
}

/* A callback's failure stops the walk and is what it returns. */
static enum od_code refuse(void *ctx, const char *number, struct od_err *err)
{
	(*(int *)ctx)++;
	(void)number;
	return od_err_set(err, OD_E_NOMEM, "out of memory");
}

static void test_stops(void **state)
{
	struct store *s = odd_store();
	struct od_err err;
	int calls = 0;

	(void)state;
	assert_int_equal(store_numbers_prefix(s, "1", NULL, 0, 100, refuse,
					      &calls, &err), OD_E_NOMEM);
	assert_int_equal(calls, 1);
	assert_int_equal(store_numbers_status(s, ORDER_NEW, refuse, &calls,
					      &err), OD_E_NOMEM);
	assert_int_equal(calls, 2);
	store_close(s);
}

/* Whether SQLite's plan for sql reads every order, or sorts them. */
static void plan_check(struct store *s, const char *sql, const char *index)
{
	char eqp[1200];
	sqlite3_stmt *st = NULL;
	const char *detail;
	int used = 0;

	snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(s->db, eqp, -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		detail = (const char *)sqlite3_column_text(st, 3);
		if (strstr(detail, "SCAN orders") != NULL)
			fail_msg("reads every order: %s\n  %s", detail, sql);
		if (strstr(detail, "TEMP B-TREE") != NULL)
			fail_msg("sorts the orders: %s\n  %s", detail, sql);
		if (strncmp(detail, "SEARCH orders USING ", 20) == 0 &&
		    strstr(detail, index) != NULL)
			used = 1;
	}
	sqlite3_finalize(st);
	if (!used)
		fail_msg("not a search of %s: %s", index, sql);
}

static void test_plans(void **state)
{
	struct store *s = odd_store();
	int back, bounded, ret;

	(void)state;
	for (back = 0; back < 2; back++)
		for (bounded = 0; bounded < 2; bounded++)
			for (ret = 0; ret < 2; ret++)
				/* Orders with a return open: the few
				 * returns' orders, each by its key. */
				plan_check(s, store_numbers_prefix_sql(back,
					   bounded, ret), ret ?
					   "PRIMARY KEY (number=?)" : bounded ?
					   "(number>? AND number<?)" :
					   "(number>?)");
	plan_check(s, store_numbers_status_sql(), "(status=?)");
	plan_check(s, store_numbers_few_sql(0), "orders_status (status=?)");
	plan_check(s, store_numbers_few_sql(1), "orders_status (status=?)");
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_edges),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_agree),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_plans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
