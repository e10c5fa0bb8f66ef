/*
 * test-desk-page.c - the paged list (app/desk/desk-page.h on
 * storage/store-page.h) against the in-memory desk (desk_filter,
 * desk_sort) on a real encrypted shop of generated orders
 * (tests/tools/gen-orders, imported with the real binary), with orders
 * confirmed, held, cancelled and shipped, ties in every sort and numbers
 * of several lengths: every tab, sort and search gives exactly the same
 * orders in the same order, walked a page at a time both ways; the counts
 * agree; the selection survives a reload; and no query of a page or a
 * count reads every order (EXPLAIN QUERY PLAN).
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
#include "app/desk/desk-page.h"
#include "app/log/order.h"
#include "app/shop/shop.h"
#include "storage/store-internal.h"
#include "storage/store-page-schema.h"
#include "storage/store-page.h"
#include "storage/store-sync.h"

#define NGEN 1200
#define PASS "owner passphrase 1"
#define WIN 37

static char dir[64], store_dir[80];

/* Runs a shell command line; 0 when it succeeded. */
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Places order number at placed for customer (ties on purpose). */
static enum od_code place(struct shop *sh, const char *number,
			  const char *placed, const char *customer,
			  long long total, struct od_err *err)
{
	char *lines[1] = { "1 Main Street" };
	struct order_item item = { "TIE-1", "Tie tea", 1, 0, 0 };
	struct statement *st = NULL;
	struct order o;
	enum od_code rc;

	item.unit_price = total;
	memset(&o, 0, sizeof o);
	o.number = (char *)number;
	o.placed_at = (char *)placed;
	memcpy(o.currency, "EUR", 4);
	o.customer_name = (char *)customer;
	o.email = "";
	o.phone = "";
	o.ship_name = (char *)customer;
	o.ship_lines[0] = lines[0];
	o.nlines = 1;
	o.city = "Berlin";
	o.postcode = "";
	memcpy(o.country, "DE", 3);
	o.items = &item;
	o.nitems = 1;
	o.total = total;
	o.note = "";
	rc = shop_statement(sh, STMT_ORDER_PLACED, number, &st, err);
	if (rc == OD_OK)
		rc = order_to_statement(&o, st, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, NULL, err);
	statement_free(st);
	return rc;
}

/* Orders beside the generated ones: short and long numbers, and a placed
 * time, a customer and a total they share with each other. */
static int place_ties(void)
{
	static const char *const numbers[] = { "7", "99", "12345", "5",
					       "123456", "88" };
	struct shop *sh = NULL;
	struct od_err err;
	size_t i;

	if (shop_unlock(store_dir, "owner", PASS, strlen(PASS), SHOP_WRITE,
			&sh, &err) != OD_OK)
		return -1;
	for (i = 0; i < 6; i++)
		if (place(sh, numbers[i], i < 3 ? "2026-11-05T10:00:00Z" :
			  "2026-11-01T00:00:00Z", "Anna Müller", 4200,
			  &err) != OD_OK) {
			fprintf(stderr, "setup: %s\n", err.msg);
			shop_close(sh);
			return -1;
		}
	shop_close(sh);
	return 0;
}

/* Signs kind about number on desk d (reason text for a hold, cancel). */
static int act(struct desk *d, enum stmt_kind kind, const char *number)
{
	struct desk_act *a = NULL;
	struct od_err err;
	long long seq;
	int ship = kind == STMT_SHIPMENT_CONFIRM;

	if (desk_prepare(d, kind, number, ship ? NULL : "test", ship ? "DHL" :
			 NULL, ship ? "JD0001" : NULL, &a, &err) != OD_OK ||
	    desk_act_sign(d, a, &seq, &err) != OD_OK) {
		fprintf(stderr, "setup: %s: %s\n", number, err.msg);
		desk_act_free(a);
		return -1;
	}
	desk_act_free(a);
	return 0;
}

/* A desk unlocked as the owner. */
static struct desk *open_desk(void)
{
	struct desk *d = NULL;
	struct od_err err;

	assert_int_equal(desk_new(store_dir, &d, &err), OD_OK);
	if (desk_unlock(d, "owner", PASS, strlen(PASS), &err) != OD_OK)
		fail_msg("unlock: %s", err.msg);
	return d;
}

/*
 * Returns straight into the store, as a fold writes them: open and
 * received on orders of every status (two on one order: listed once),
 * and closed ones, which the Returns tab leaves out.
 */
static int put_returns(struct desk *d)
{
	static const enum return_state states[] = { RETURN_OPEN,
		RETURN_RECEIVED, RETURN_ACCEPTED, RETURN_OPEN };
	struct return_record r;
	struct od_err err;
	char number[16], rma[24];
	enum od_code rc = desk_hold(d, SHOP_WRITE, &err);
	int i;

	for (i = 0; rc == OD_OK && i < 40; i++) {
		snprintf(number, sizeof number, "%d", 1004 + i * 11);
		snprintf(rma, sizeof rma, "%s-R1", number);
		memset(&r, 0, sizeof r);
		r.rma = rma;
		r.seq = 5000 + i;
		r.state = states[i % 4];
		rc = store_return_put(d->sh->store, number, &r, &err);
		if (rc == OD_OK && i % 7 == 0) {
			snprintf(rma, sizeof rma, "%s-R2", number);
			r.state = RETURN_OPEN;
			rc = store_return_put(d->sh->store, number, &r, &err);
		}
	}
	if (d->sh->store != NULL)
		shop_release(d->sh);
	if (rc != OD_OK)
		fprintf(stderr, "setup: returns: %s\n", err.msg);
	return rc == OD_OK ? 0 : -1;
}

/* Gives the generated orders every status (confirm before ship). */
static int set_statuses(void)
{
	struct desk *d = NULL;
	struct od_err err;
	char number[16];
	int i, bad = 0;

	if (desk_new(store_dir, &d, &err) != OD_OK ||
	    desk_unlock(d, "owner", PASS, strlen(PASS), &err) != OD_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		desk_free(d);
		return -1;
	}
	for (i = 0; i < 160 && !bad; i++) {
		snprintf(number, sizeof number, "%d", 1001 + i * 7);
		if (i % 5 == 0 || i % 5 == 3)
			bad = act(d, STMT_ORDER_CONFIRM, number);
		if (!bad && i % 5 == 1)
			bad = act(d, STMT_ORDER_HOLD, number);
		if (!bad && i % 5 == 2)
			bad = act(d, STMT_ORDER_CANCEL, number);
		if (!bad && i % 5 == 3)
			bad = act(d, STMT_SHIPMENT_CONFIRM, number);
	}
	if (!bad)
		bad = act(d, STMT_ORDER_HOLD, "99");
	if (!bad)
		bad = put_returns(d);
	desk_free(d);
	return bad;
}

static int setup(void **state)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test-desk-page.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(store_dir, sizeof store_dir, "%s/s", dir);
	if (run("printf '%%s\\n' '%s' > %s/pass", PASS, dir) != 0 ||
	    run("%s/tools/gen-orders %d 7 > %s/o.json", build, NGEN, dir) ||
	    run("%s/bin/orderdesk --store %s --passphrase-fd 3 init --owner"
		" owner --shop T > /dev/null 3< %s/pass", build, store_dir,
		dir) ||
	    run("%s/bin/orderdesk --store %s --passphrase-fd 3 import %s/o.json"
		" > /dev/null 3< %s/pass", build, store_dir, dir, dir)) {
		fprintf(stderr, "setup: gen-orders or orderdesk failed (run "
			"`make all` first)\n");
		return -1;
	}
	if (place_ties() != 0)
		return -1;
	return set_statuses();
}

static int teardown(void **state)
{
	(void)state;
	return run("rm -rf '%s'", dir) == 0 ? 0 : -1;
}

/* Order numbers, in order. */
struct list {
	char **v;
	size_t n;
};

static void list_add(struct list *l, const char *number)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
	assert_non_null(l->v);
	l->v[l->n] = strdup(number);
	assert_non_null(l->v[l->n]);
	l->n++;
}

static void list_free(struct list *l)
{
	while (l->n > 0)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

/* What the in-memory desk lists for the tab, sort and search. */
/* In a tab's statuses: only orders with a return open (the Returns tab). */
#define RET (1u << 31)

static void expected(struct desk *d, unsigned statuses,
		     enum desk_sort_key sort, int newest, const char *search,
		     struct list *out)
{
	const struct desk_row *r;
	struct od_err err;
	size_t i;

	assert_int_equal(desk_sort(d, sort, &err), OD_OK);
	assert_int_equal(desk_filter(d, -1, search, newest, &err), OD_OK);
	for (i = 0; (r = desk_row(d, i)) != NULL; i++)
		if (((statuses & ~RET) == 0 || (statuses & (1u << r->status)))
		    && (!(statuses & RET) || (r->facts & DESK_FACT_RETURN)))
			list_add(out, r->number);
}

/* desk_page_position says n rows come before the selection. */
static void position_is(struct desk_page *p, size_t n)
{
	struct od_err err;
	size_t before = (size_t)-1;

	assert_int_equal(desk_page_position(p, &before, &err), OD_OK);
	if (before != n)
		fail_msg("position %zu, %zu rows before it", before, n);
}

/*
 * Walks the whole list a window at a time: forward from the first order,
 * page down by page down, or backward from the last, page up by page up
 * (then reversed into list order).
 */
static void walk(struct desk_page *p, int backward, size_t total,
		 struct list *out)
{
	const char *last = NULL;
	struct od_err err;
	size_t i, sel;
	int pages = 0;

	assert_int_equal(desk_page_home(p, backward, &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, backward ? WIN - 1 : 0,
					  NULL, &err), OD_OK);
	while (desk_page_count(p) > 0) {
		sel = desk_page_selected(p);
		if (last != NULL &&
		    strcmp(desk_page_row(p, sel)->number, last) == 0)
			break;
		/* The rows before the selection: forward, those listed;
		 * backward, the others but it (kept across the moves). */
		position_is(p, backward ? total - 1 - out->n : out->n);
		if (backward)
			for (i = sel + 1; i-- > 0;)
				list_add(out, desk_page_row(p, i)->number);
		else
			for (i = sel; i < desk_page_count(p); i++)
				list_add(out, desk_page_row(p, i)->number);
		last = out->v[out->n - 1];
		assert_true(++pages < 10000);
		assert_int_equal(desk_page_move(p, backward ? -WIN : WIN,
						&err), OD_OK);
		assert_int_equal(desk_page_window(p, WIN, backward ? WIN - 1 :
						  0, NULL, &err), OD_OK);
	}
	if (backward)
		for (i = 0; i < out->n / 2; i++) {
			char *t = out->v[i];

			out->v[i] = out->v[out->n - 1 - i];
			out->v[out->n - 1 - i] = t;
		}
}

static void lists_equal(const struct list *want, const struct list *got,
			const char *what)
{
	size_t i;

	for (i = 0; i < want->n && i < got->n; i++)
		if (strcmp(want->v[i], got->v[i]) != 0)
			fail_msg("%s: row %zu is %s, the desk has %s", what,
				 i, got->v[i], want->v[i]);
	if (want->n != got->n)
		fail_msg("%s: %zu rows, the desk has %zu", what, got->n,
			 want->n);
}

#define ST(s) (1u << (s))

static const unsigned tabs[] = {
	0, ST(ORDER_NEW), ST(ORDER_CONFIRMED), ST(ORDER_HELD),
	ST(ORDER_SHIPPED), ST(ORDER_CANCELLED), ST(ORDER_DELIVERED),
	ST(ORDER_SHIPPED) | ST(ORDER_DELIVERED), ST(ORDER_NEW) | ST(ORDER_HELD),
	RET, RET | ST(ORDER_NEW) | ST(ORDER_SHIPPED)
};

/* How many hits a search's counts count (test_search sets it). */
static size_t count_cap = STORE_PAGE_COUNT_MAX;
static size_t capped_seen;

/*
 * The counts are the in-memory desk's, or, capped, at most them and of
 * count_cap orders in all.
 */
static void counts_agree(struct desk *d, struct desk_page *p,
			 const size_t counts[ORDER_STATUS_COUNT + 1])
{
	int s, capped = desk_page_capped(p);

	for (s = -1; s < ORDER_STATUS_COUNT; s++)
		if (!capped)
			assert_int_equal(counts[s < 0 ? ORDER_STATUS_COUNT : s],
					 desk_count_status(d, s));
		else
			assert_true(counts[s < 0 ? ORDER_STATUS_COUNT : s] <=
				    desk_count_status(d, s));
	if (capped) {
		capped_seen++;
		assert_int_equal(counts[ORDER_STATUS_COUNT], count_cap);
		assert_true(desk_count_status(d, -1) > count_cap);
	}
}

/* One tab, sort and search, both ways, and its counts. */
static void compare(struct desk *d, struct desk_page *p, unsigned statuses,
		    enum desk_sort_key sort, int newest, const char *search)
{
	struct desk_page_tab t = { statuses & ~RET, (statuses & RET) != 0 };
	struct list want = { 0 }, fwd = { 0 }, back = { 0 };
	size_t counts[ORDER_STATUS_COUNT + 1];
	struct od_err err;
	char what[128];

	snprintf(what, sizeof what, "tab %#x sort %d%s search '%s'",
		 statuses, (int)sort, newest ? " newest first" : "",
		 search ? search : "");
	expected(d, statuses, sort, newest, search, &want);
	assert_int_equal(desk_page_set(p, &t, sort, newest, search, &err),
			 OD_OK);
	walk(p, 0, want.n, &fwd);
	lists_equal(&want, &fwd, what);
	walk(p, 1, want.n, &back);
	lists_equal(&want, &back, what);
	assert_int_equal(desk_page_counts(p, 0, counts, &err), OD_OK);
	counts_agree(d, p, counts);
	/* And with the window, in its hold. */
	memset(counts, 0xff, sizeof counts);
	assert_int_equal(desk_page_window(p, WIN, 0, counts, &err), OD_OK);
	counts_agree(d, p, counts);
	list_free(&want);
	list_free(&fwd);
	list_free(&back);
}

/* Every tab and sort, no search. */
static void test_every_tab_and_sort(void **state)
{
	struct desk *d = open_desk();
	struct desk_page *p = NULL;
	struct od_err err;
	size_t t;
	int k;

	(void)state;
	assert_int_equal(desk_page_new(d, &p, &err), OD_OK);
	for (t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
		for (k = 0; k < DESK_SORT_COUNT; k++)
			compare(d, p, tabs[t], (enum desk_sort_key)k, 0, NULL);
		compare(d, p, tabs[t], DESK_SORT_PLACED, 1, NULL);
	}
	desk_page_free(p);
	desk_free(d);
}

/* Searches, folded, through the full-text index, in a few tabs. */
static void test_search(void **state)
{
	static const char *const searches[] = { "MULLER", "王", "ber",
						"zzzqqq" };
	struct desk *d = open_desk();
	struct desk_page *p = NULL;
	struct od_err err;
	size_t i, t;
	int k, copy;

	(void)state;
	assert_int_equal(desk_page_new(d, &p, &err), OD_OK);
	/*
	 * The hits walked beside the tab's index, copied (few), then each
	 * row asked of the full-text index (over 10), counting only 5.
	 */
	for (copy = 0; copy < 3; copy++) {
		store_page_set_limits(copy == 1 ? -1 : 0, copy == 2 ? 10 : -1,
				      copy == 2 ? 5 : -1);
		count_cap = copy == 2 ? 5 : STORE_PAGE_COUNT_MAX;
		for (i = 0; i < sizeof searches / sizeof searches[0]; i++)
			for (t = 0; t < 4; t++)
				for (k = 0; k < DESK_SORT_COUNT; k++)
					compare(d, p, tabs[t * 10 / 3],
						(enum desk_sort_key)k, 0,
						searches[i]);
	}
	store_page_set_limits(-1, -1, -1);
	assert_true(capped_seen > 0);
	desk_page_free(p);
	desk_free(d);
}

/* The selection by number: kept at its row, kept across a change that
 * takes it off the tab (then the order after it), and at the ends. */
static void test_selection(void **state)
{
	struct desk *d = open_desk();
	struct desk_page *p = NULL;
	struct desk_page_tab t = { ST(ORDER_NEW), 0 };
	struct list want = { 0 };
	struct od_err err;
	size_t i, counts[ORDER_STATUS_COUNT + 1];

	(void)state;
	expected(d, t.statuses, DESK_SORT_CUSTOMER, 0, NULL, &want);
	assert_true(want.n > 200);
	assert_int_equal(desk_page_new(d, &p, &err), OD_OK);
	assert_int_equal(desk_page_set(p, &t, DESK_SORT_CUSTOMER, 0, NULL,
				       &err), OD_OK);
	assert_int_equal(desk_page_select(p, want.v[100], &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 10, NULL, &err), OD_OK);
	assert_int_equal(desk_page_count(p), WIN);
	assert_int_equal(desk_page_selected(p), 10);
	for (i = 0; i < WIN; i++)
		assert_string_equal(desk_page_row(p, i)->number,
				    want.v[90 + i]);
	/* Confirmed: off the New tab; the order after it is selected. */
	assert_int_equal(act(d, STMT_ORDER_CONFIRM, want.v[100]), 0);
	assert_int_equal(desk_page_window(p, WIN, 10, NULL, &err), OD_OK);
	assert_int_equal(desk_page_selected(p), 10);
	assert_string_equal(desk_page_row(p, 10)->number, want.v[101]);
	assert_string_equal(desk_page_row(p, 9)->number, want.v[99]);
	position_is(p, 100);
	/* An order before it leaves the tab: the kept position is not. */
	assert_int_equal(act(d, STMT_ORDER_CONFIRM, want.v[5]), 0);
	assert_int_equal(desk_page_window(p, WIN, 10, NULL, &err), OD_OK);
	position_is(p, 99);
	/* Near the start: as low as the list allows. */
	assert_int_equal(desk_page_select(p, want.v[3], &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 10, NULL, &err), OD_OK);
	assert_int_equal(desk_page_selected(p), 3);
	assert_string_equal(desk_page_row(p, 0)->number, want.v[0]);
	/* Near the end: the window is full, ending with the last order. */
	assert_int_equal(desk_page_select(p, want.v[want.n - 2], &err),
			 OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 10, NULL, &err), OD_OK);
	assert_int_equal(desk_page_count(p), WIN);
	assert_int_equal(desk_page_selected(p), WIN - 2);
	assert_string_equal(desk_page_row(p, WIN - 1)->number,
			    want.v[want.n - 1]);
	/* Selected at the window's top row, an order past the list's end
	 * (the last, confirmed): the window is the list's end, its new
	 * last order selected (the Held tab opened on a new order). */
	assert_int_equal(act(d, STMT_ORDER_CONFIRM, want.v[want.n - 1]), 0);
	assert_int_equal(desk_page_select(p, want.v[want.n - 1], &err),
			 OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 0, NULL, &err), OD_OK);
	assert_int_equal(desk_page_count(p), WIN);
	assert_int_equal(desk_page_selected(p), WIN - 1);
	assert_string_equal(desk_page_row(p, WIN - 1)->number,
			    want.v[want.n - 2]);
	/* G: the last order's position, from the counts the store keeps. */
	assert_int_equal(desk_page_counts(p, 0, counts, &err), OD_OK);
	assert_int_equal(counts[ORDER_NEW], want.n - 3);
	assert_int_equal(desk_page_home(p, 1, &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, WIN - 1, NULL, &err), OD_OK);
	assert_string_equal(desk_page_row(p, WIN - 1)->number,
			    want.v[want.n - 2]);
	position_is(p, want.n - 4);
	/* An order that is not there. */
	assert_int_equal(desk_page_select(p, "nope", &err), OD_E_NOTFOUND);
	list_free(&want);
	desk_page_free(p);
	desk_free(d);
}

/* Whether SQLite's plan for sql reads every order, or sorts them. */
static void plan_check(struct store *s, const char *sql, int sorted_ok)
{
	char eqp[1200];
	sqlite3_stmt *st = NULL;
	const char *detail;
	/* Returns are few: a page of them starts from them, sorted after. */
	int returns = strstr(sql, "FROM returns") != NULL &&
		      strstr(sql, "temp.page_found") == NULL;
	int by_number = 0;

	snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(s->db, eqp, -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		detail = (const char *)sqlite3_column_text(st, 3);
		by_number |= strncmp(detail, "SEARCH o USING", 14) == 0 &&
			     strstr(detail, "(number=?") != NULL;
		if (returns && strstr(detail, "TEMP B-TREE") != NULL)
			continue;
		/* The copy of a search's few hits may be read whole. */
		if (strstr(sql, "FROM temp.page_found o") != NULL)
			continue;
		/* Every status from the first order in placed order: the
		 * list's index from its start, as far as LIMIT. */
		if (strcmp(detail, "SCAN o USING COVERING INDEX orders_list")
		    == 0 && strstr(sql, "orders_list WHERE ?1 IS NOT NULL")
		    != NULL && strstr(sql, "AND o.placed_at") == NULL &&
		    strstr(sql, " LIMIT ?9") != NULL)
			continue;
		if (strcmp(detail, "SCAN o") == 0 ||
		    strncmp(detail, "SCAN o ", 7) == 0 ||
		    strstr(detail, "SCAN orders") != NULL)
			fail_msg("reads every order: %s\n  %s", detail, sql);
		if (!sorted_ok && strstr(detail, "TEMP B-TREE") != NULL)
			fail_msg("sorts the orders: %s\n  %s", detail, sql);
	}
	sqlite3_finalize(st);
	if (returns && !by_number)
		fail_msg("open returns not looked up by number:\n  %s", sql);
}

/* Every page's and count's query walks an index from its key. */
static void test_plans(void **state)
{
	/* Each mode with and without returns, then every status at once. */
	struct store_page_filter fs[14] = {
		{ 0, 0, NULL, 0, 0 }, { STORE_PAGE_HITS, 0, NULL, 0, 0 },
		{ STORE_PAGE_FOUND, 0, NULL, 0, 0 },
		{ STORE_PAGE_BROAD, 0, "\"abc\"", 0, 0 },
		{ 0, 1, NULL, 0, 0 }, { STORE_PAGE_HITS, 1, NULL, 0, 0 },
		{ STORE_PAGE_FOUND, 1, NULL, 0, 0 },
		{ STORE_PAGE_BROAD, 1, "\"abc\"", 0, 0 },
		{ 0, 0, NULL, 0, 1 }, { STORE_PAGE_HITS, 0, NULL, 0, 1 },
		{ STORE_PAGE_BROAD, 0, "\"abc\"", 0, 1 },
		{ 0, 1, NULL, 0, 1 }, { STORE_PAGE_HITS, 1, NULL, 0, 1 },
		{ STORE_PAGE_BROAD, 1, "\"abc\"", 0, 1 }
	};
	size_t hits;
	struct store *s = NULL;
	struct od_err err;
	char sql[1024];
	int sort, back, level, f, mode, have;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	/* The customer's and total's indexes wait for their first use. */
	for (sort = 0; sort < STORE_PAGE_SORTS; sort++) {
		assert_int_equal(store_page_index_has(s, sort, &have, &err),
				 OD_OK);
		assert_int_equal(have, sort != STORE_PAGE_CUSTOMER &&
				 sort != STORE_PAGE_TOTAL);
		assert_int_equal(store_page_index_make(s, sort, &err), OD_OK);
		assert_int_equal(store_page_index_has(s, sort, &have, &err),
				 OD_OK);
		assert_int_equal(have, 1);
	}
	assert_int_equal(store_page_hits(s, "\"abc\"", &mode, &hits, &err),
			 OD_OK);
	assert_int_equal(mode, STORE_PAGE_FOUND);
	for (f = 0; f < 14; f++) {
		for (sort = 0; sort < STORE_PAGE_SORTS; sort++)
			for (back = 0; back < 2; back++)
				for (level = -1; level <
				     store_page_levels(sort); level++) {
					store_page_sql(sort, back, level,
						       &fs[f], sql,
						       sizeof sql);
					/* A search's few hits may be sorted. */
					plan_check(s, sql, 0);
				}
		store_page_counts_sql(&fs[f], sql, sizeof sql);
		plan_check(s, sql, 1);
	}
	store_close(s);
}

/* Counts one status of s. */
static size_t count_of(struct store *s, int status)
{
	size_t counts[ORDER_STATUS_COUNT];
	struct od_err err;

	assert_int_equal(store_page_counts(s, NULL, counts, NULL, &err),
			 OD_OK);
	return counts[status];
}

#define RAW_ORDER(n, st) "INSERT INTO orders VALUES('" n "'," \
	"'2026-11-01T00:00:00Z','EUR','c','','','','','','','DE',100,''," \
	#st ",0,NULL,1,'x');"

/* Order number of status straight into store s, as a fold writes it. */
static void put(struct store *s, const char *number, int status)
{
	struct order_item item = { "S", "n", 1, 100, 0 };
	struct order o;
	struct od_err err;

	memset(&o, 0, sizeof o);
	o.number = (char *)number;
	o.placed_at = "2026-11-01T00:00:00Z";
	memcpy(o.currency, "EUR", 4);
	memcpy(o.country, "DE", 3);
	o.items = &item;
	o.nitems = 1;
	o.total = 100;
	o.status = (enum order_status)status;
	assert_int_equal(store_order_insert(s, &o, &err), OD_OK);
}

/*
 * A store made before the counts gains them, counted, and one made while
 * triggers kept them loses the triggers (no statement journal for an
 * order's write); the store's writes keep them: an order placed, moved,
 * moved to where it is, forgotten, an unknown one moved, all forgotten.
 */
static void test_counts_kept(void **state)
{
	struct store *s = NULL;
	struct od_err err;
	int trig = -1;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	put(s, "1", 2);
	put(s, "2", 2);
	put(s, "3", 0);
	assert_int_equal(sqlite3_exec(s->db, "DROP TABLE page_counts;"
				      "CREATE TABLE page_counts(status INTEGER"
				      "  PRIMARY KEY, n INTEGER NOT NULL);"
				      "CREATE TRIGGER page_order_added AFTER"
				      "  INSERT ON orders BEGIN SELECT 1; END;",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(page_schema_ensure(s->db, &err), OD_OK);
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT count(*) FROM"
					    " sqlite_master WHERE type ="
					    " 'trigger' AND tbl_name ="
					    " 'orders' AND name LIKE 'page%'",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	trig = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(trig, 0);
	assert_int_equal(count_of(s, 2), 2);
	assert_int_equal(count_of(s, 0), 1);
	put(s, "4", 0);
	assert_int_equal(store_order_set_state(s, "1", ORDER_SHIPPED,
					       ORDER_NEW, NULL, &err), OD_OK);
	assert_int_equal(store_order_set_state(s, "4", ORDER_NEW, ORDER_NEW,
					       NULL, &err), OD_OK);
	assert_int_equal(store_order_set_state(s, "9", ORDER_NEW, ORDER_NEW,
					       NULL, &err), OD_OK);
	assert_int_equal(store_order_forget(s, "3", &err), OD_OK);
	assert_int_equal(count_of(s, 0), 1);
	assert_int_equal(count_of(s, 2), 1);
	assert_int_equal(count_of(s, 3), 1);
	assert_int_equal(store_state_forget(s, &err), OD_OK);
	assert_int_equal(count_of(s, 0) + count_of(s, 2) + count_of(s, 3), 0);
	put(s, "5", 3);
	assert_int_equal(count_of(s, 3), 1);
	store_close(s);
}

/*
 * The store stays open between a page's keys (shop_keep_store), and still
 * shows what another connection wrote meanwhile: a search that found
 * nothing finds the order placed since, and the counts follow.
 */
static void test_kept_store(void **state)
{
	struct desk *d = open_desk();
	struct desk_page *p = NULL;
	struct desk_page_tab all = { 0, 0 };
	struct shop *other = NULL;
	size_t counts[ORDER_STATUS_COUNT + 1], before;
	struct od_err err;

	(void)state;
	assert_int_equal(desk_page_new(d, &p, &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 0, counts, &err), OD_OK);
	before = counts[ORDER_STATUS_COUNT];
	assert_int_equal(desk_page_set(p, &all, DESK_SORT_PLACED, 0, "zyxw",
				       &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 0, counts, &err), OD_OK);
	assert_int_equal(desk_page_count(p), 0);
	assert_non_null(desk_shop(d)->kept);
	assert_null(desk_shop(d)->store);
	assert_int_equal(shop_unlock(store_dir, "owner", PASS, strlen(PASS),
				     SHOP_WRITE, &other, &err), OD_OK);
	assert_int_equal(place(other, "77777", "2026-11-09T00:00:00Z",
			       "Zyxwv Quist", 100, &err), OD_OK);
	shop_close(other);
	/* The same search, its hits read again: another wrote. */
	assert_int_equal(desk_page_window(p, WIN, 0, counts, &err), OD_OK);
	assert_int_equal(desk_page_count(p), 1);
	assert_string_equal(desk_page_row(p, 0)->number, "77777");
	assert_int_equal(desk_page_set(p, &all, DESK_SORT_PLACED, 0, NULL,
				       &err), OD_OK);
	assert_int_equal(desk_page_window(p, WIN, 0, counts, &err), OD_OK);
	assert_int_equal(counts[ORDER_STATUS_COUNT], before + 1);
	desk_page_free(p);
	desk_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_counts_kept),
		cmocka_unit_test(test_every_tab_and_sort),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_kept_store),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
