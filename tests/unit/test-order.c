/*
 * test-order.c - checking orders (order_validate), status names, and the
 * order.placed statement round trip: order -> statement text -> order.
 *
 * Run from the top of the tree (make check does): the round trip of the
 * sample reads assets/sample-orders.json.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/import/import.h"
#include "app/log/order.h"
#include "app/log/statement.h"
#include "lib/buf.h"

#define SAMPLE_PATH "assets/sample-orders.json"
#define KEY_FP "sha256:00112233445566778899aabbccddeeff" \
	       "00112233445566778899aabbccddeeff"

/* Text that must never come back in a message. */
#define HOSTILE "HOSTILE"

/* Fails the test naming the table case, so a failure says which row. */
#define CHECK(cond, name)                                                \
	do {                                                             \
		if (!(cond)) {                                           \
			print_error("case \"%s\": %s\n", (name), #cond); \
			fail();                                          \
		}                                                        \
	} while (0)

/* Replaces a string field with a copy of v (NULL allowed). */
static void set(char **field, const char *v)
{
	free(*field);
	*field = NULL;
	if (v != NULL) {
		*field = strdup(v);
		assert_non_null(*field);
	}
}

/* A valid order: CJK text, two address lines, two items. */
static struct order *make_order(void)
{
	struct order *o = calloc(1, sizeof *o);

	assert_non_null(o);
	set(&o->number, "1042");
	set(&o->placed_at, "2026-11-20T09:15:00Z");
	strcpy(o->currency, "CNY");
	set(&o->customer_name, "王小明");
	set(&o->email, "wang@example.cn");
	set(&o->phone, "+86 138 0000 0000");
	set(&o->ship_name, "王小明");
	set(&o->ship_lines[0], "朝阳区建国路88号");
	set(&o->ship_lines[1], "3号楼 1204室");
	o->nlines = 2;
	set(&o->city, "北京");
	set(&o->postcode, "100022");
	strcpy(o->country, "CN");
	o->items = calloc(2, sizeof *o->items);
	assert_non_null(o->items);
	o->nitems = 2;
	set(&o->items[0].sku, "TEA-001");
	set(&o->items[0].name, "龙井茶 250g");
	o->items[0].qty = 2;
	o->items[0].unit_price = 12800;
	set(&o->items[1].sku, "CUP/10.b_x");
	set(&o->items[1].name, "湯呑み, \"有田焼\"");
	o->items[1].qty = 1;
	o->items[1].unit_price = 0;
	o->total = 25600;
	set(&o->note, "请周末送货");
	return o;
}

/* Gives o n items SKU-0.., each qty x price, and the matching total. */
static void set_items(struct order *o, size_t n, long long qty,
		      long long price)
{
	char sku[32];
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		free(o->items[i].sku);
		free(o->items[i].name);
	}
	free(o->items);
	o->items = NULL;
	if (n > 0) {
		o->items = calloc(n, sizeof *o->items);
		assert_non_null(o->items);
	}
	o->nitems = n;
	for (i = 0; i < n; i++) {
		snprintf(sku, sizeof sku, "SKU-%zu", i);
		set(&o->items[i].sku, sku);
		set(&o->items[i].name, "Item");
		o->items[i].qty = qty;
		o->items[i].unit_price = price;
	}
	/* Wraps for the overflow case, which then sets its own total. */
	o->total = (long long)((unsigned long long)n * (unsigned long long)qty *
			       (unsigned long long)price);
}

/* Mutations that make make_order() invalid, one per case. */
static void m_number_space(struct order *o) { set(&o->number, "10 42"); }
static void m_number_empty(struct order *o) { set(&o->number, ""); }
static void m_number_null(struct order *o) { set(&o->number, NULL); }
static void m_number_long(struct order *o)
{
	set(&o->number, "123456789012345678901234567890123");
}
static void m_number_esc(struct order *o) { set(&o->number, "\x1b[2J"); }
static void m_feb30(struct order *o)
{
	set(&o->placed_at, "2026-02-30T09:15:00Z");
}
static void m_feb29_2027(struct order *o)
{
	set(&o->placed_at, "2027-02-29T09:15:00Z");
}
static void m_feb29_2100(struct order *o)
{
	set(&o->placed_at, "2100-02-29T09:15:00Z");
}
static void m_hour24(struct order *o)
{
	set(&o->placed_at, "2026-11-20T24:00:00Z");
}
static void m_year1969(struct order *o)
{
	set(&o->placed_at, "1969-12-31T23:59:59Z");
}
static void m_time_offset(struct order *o)
{
	set(&o->placed_at, "2026-11-20T09:15:00+01:00");
}
static void m_time_null(struct order *o) { set(&o->placed_at, NULL); }
static void m_currency_lower(struct order *o) { strcpy(o->currency, "cny"); }
static void m_currency_short(struct order *o) { strcpy(o->currency, "CN"); }
static void m_customer_empty(struct order *o)
{
	set(&o->customer_name, "");
}
static void m_customer_null(struct order *o)
{
	set(&o->customer_name, NULL);
}
static void m_customer_space(struct order *o)
{
	set(&o->customer_name, " 王小明");
}
static void m_customer_esc(struct order *o)
{
	set(&o->customer_name, "王" HOSTILE "\x1b[31m");
}
static void m_customer_c1(struct order *o)
{
	set(&o->customer_name, HOSTILE "\xc2\x9b" "31m");
}
static void m_customer_bidi(struct order *o)
{
	set(&o->customer_name, HOSTILE "\xe2\x80\xae" "cba");
}
static void m_customer_del(struct order *o)
{
	set(&o->customer_name, HOSTILE "\x7f");
}
static void m_customer_utf8(struct order *o)
{
	set(&o->customer_name, HOSTILE "\xc3\x28");
}
static void m_customer_surrogate(struct order *o)
{
	set(&o->customer_name, HOSTILE "\xed\xa0\x80");
}
static void m_customer_long(struct order *o)
{
	char s[ORDER_TEXT_MAX + 2];

	memset(s, 'a', ORDER_TEXT_MAX + 1);
	s[ORDER_TEXT_MAX + 1] = '\0';
	set(&o->customer_name, s);
}
static void m_email_no_at(struct order *o) { set(&o->email, "wang.example"); }
static void m_email_space(struct order *o) { set(&o->email, "wang @x.cn"); }
static void m_phone_tab(struct order *o) { set(&o->phone, "+86\t138"); }
static void m_ship_name_null(struct order *o) { set(&o->ship_name, NULL); }
static void m_no_lines(struct order *o)
{
	set(&o->ship_lines[0], NULL);
	set(&o->ship_lines[1], NULL);
	o->nlines = 0;
}
static void m_five_lines(struct order *o) { o->nlines = 5; }
static void m_line2_empty(struct order *o) { set(&o->ship_lines[1], ""); }
static void m_line2_newline(struct order *o)
{
	set(&o->ship_lines[1], HOSTILE "\nx");
}
static void m_city_null(struct order *o) { set(&o->city, NULL); }
static void m_postcode_trailing(struct order *o)
{
	set(&o->postcode, "100022 ");
}
static void m_country_lower(struct order *o) { strcpy(o->country, "cn"); }
static void m_country_short(struct order *o) { strcpy(o->country, "C"); }
static void m_no_items(struct order *o) { set_items(o, 0, 1, 1); }
static void m_501_items(struct order *o) { set_items(o, 501, 1, 1); }
static void m_sku_space(struct order *o) { set(&o->items[0].sku, "TEA 001"); }
static void m_sku_empty(struct order *o) { set(&o->items[0].sku, ""); }
static void m_sku_esc(struct order *o)
{
	set(&o->items[0].sku, HOSTILE "\x1b");
}
static void m_sku_long(struct order *o)
{
	char s[ORDER_SKU_MAX + 2];

	memset(s, 'S', ORDER_SKU_MAX + 1);
	s[ORDER_SKU_MAX + 1] = '\0';
	set(&o->items[0].sku, s);
}
static void m_item_name_empty(struct order *o)
{
	set(&o->items[0].name, "");
}
static void m_item_name_esc(struct order *o)
{
	set(&o->items[0].name, HOSTILE "\x1b]0;title\x07");
}
static void m_qty0(struct order *o) { o->items[0].qty = 0; }
static void m_qty_negative(struct order *o) { o->items[0].qty = -2; }
static void m_qty_huge(struct order *o) { o->items[0].qty = ORDER_MAX_QTY + 1; }
static void m_qty_max(struct order *o) { o->items[0].qty = LLONG_MAX; }
static void m_price_negative(struct order *o) { o->items[0].unit_price = -1; }
static void m_price_huge(struct order *o)
{
	o->items[0].unit_price = ORDER_MAX_AMOUNT + 1;
}
static void m_shipped_over(struct order *o) { o->items[0].shipped = 3; }
static void m_dup_sku(struct order *o) { set(&o->items[1].sku, "TEA-001"); }
static void m_total_off(struct order *o) { o->total = 25601; }
static void m_total_negative(struct order *o) { o->total = -1; }
static void m_sum_overflow(struct order *o)
{
	set_items(o, ORDER_MAX_ITEMS, ORDER_MAX_QTY, ORDER_MAX_AMOUNT);
	o->total = ORDER_MAX_AMOUNT;
}
static void m_sum_over_max(struct order *o)
{
	set_items(o, 2, 1, ORDER_MAX_AMOUNT);
	o->total = ORDER_MAX_AMOUNT;
}
static void m_note_esc(struct order *o) { set(&o->note, HOSTILE "\x1b[0m"); }

struct validate_case {
	const char *name;
	void (*mutate)(struct order *o);
	const char *words[4];
};

static const struct validate_case validate_cases[] = {
	{ "number with a space", m_number_space, { "order number", NULL } },
	{ "empty number", m_number_empty, { "order number", "missing", NULL } },
	{ "no number", m_number_null, { "order number", "missing", NULL } },
	{ "33-byte number", m_number_long, { "order number", "32", NULL } },
	{ "number with an escape", m_number_esc, { "order number", NULL } },
	{ "February 30", m_feb30, { "order 1042: placed_at", NULL } },
	{ "Feb 29 2027", m_feb29_2027, { "placed_at", NULL } },
	{ "Feb 29 2100", m_feb29_2100, { "placed_at", NULL } },
	{ "hour 24", m_hour24, { "placed_at", NULL } },
	{ "year 1969", m_year1969, { "placed_at", NULL } },
	{ "time with an offset", m_time_offset, { "placed_at", NULL } },
	{ "no time", m_time_null, { "placed_at", NULL } },
	{ "lower-case currency", m_currency_lower,
	  { "order 1042: currency", NULL } },
	{ "two-letter currency", m_currency_short, { "currency", NULL } },
	{ "empty customer", m_customer_empty,
	  { "order 1042: customer name: is required", NULL } },
	{ "no customer", m_customer_null, { "customer name", NULL } },
	{ "customer with a leading space", m_customer_space,
	  { "customer name", "space", NULL } },
	{ "ESC in customer", m_customer_esc,
	  { "order 1042: customer name", "control character at byte 11",
	    NULL } },
	{ "C1 CSI in customer", m_customer_c1,
	  { "customer name", "control character", NULL } },
	{ "bidi override in customer", m_customer_bidi,
	  { "customer name", "control character", NULL } },
	{ "DEL in customer", m_customer_del,
	  { "customer name", "control character", NULL } },
	{ "broken UTF-8 in customer", m_customer_utf8,
	  { "customer name", "UTF-8", NULL } },
	{ "surrogate in customer", m_customer_surrogate,
	  { "customer name", "UTF-8", NULL } },
	{ "513-byte customer", m_customer_long,
	  { "customer name", "longer than 512", NULL } },
	{ "email without @", m_email_no_at, { "customer email", NULL } },
	{ "email with a space", m_email_space, { "customer email", NULL } },
	{ "tab in phone", m_phone_tab,
	  { "customer phone", "control character", NULL } },
	{ "no ship-to name", m_ship_name_null, { "ship-to name", NULL } },
	{ "no address lines", m_no_lines, { "ship-to address: is missing",
					    "needs no shipping", NULL } },
	{ "five address lines", m_five_lines, { "ship-to address", NULL } },
	{ "empty address line 2", m_line2_empty,
	  { "ship-to address line 2", "required", NULL } },
	{ "newline in address line 2", m_line2_newline,
	  { "ship-to address line 2", "control character", NULL } },
	{ "no city", m_city_null, { "ship-to city", NULL } },
	{ "postcode with a trailing space", m_postcode_trailing,
	  { "ship-to postcode", "space", NULL } },
	{ "lower-case country", m_country_lower, { "ship-to country", NULL } },
	{ "one-letter country", m_country_short, { "ship-to country", NULL } },
	{ "no items", m_no_items, { "order 1042", "no items", NULL } },
	{ "501 items", m_501_items, { "501 items", "at most 500", NULL } },
	{ "SKU with a space", m_sku_space, { "order 1042: item 1: SKU",
					     NULL } },
	{ "empty SKU", m_sku_empty, { "item 1: SKU", NULL } },
	{ "SKU with an escape", m_sku_esc, { "item 1: SKU", NULL } },
	{ "65-byte SKU", m_sku_long, { "item 1: SKU", "64", NULL } },
	{ "empty item name", m_item_name_empty,
	  { "item 1 (TEA-001) name", "required", NULL } },
	{ "OSC in item name", m_item_name_esc,
	  { "item 1 (TEA-001) name", "control character", NULL } },
	{ "qty 0", m_qty0, { "order 1042: item 1 (TEA-001): quantity must be "
			     "between 1 and 100000", NULL } },
	{ "negative qty", m_qty_negative,
	  { "item 1 (TEA-001): quantity", NULL } },
	{ "qty 100001", m_qty_huge, { "item 1 (TEA-001): quantity", NULL } },
	{ "qty LLONG_MAX", m_qty_max, { "item 1 (TEA-001): quantity", NULL } },
	{ "negative price", m_price_negative,
	  { "item 1 (TEA-001): unit price", NULL } },
	{ "price past the maximum", m_price_huge,
	  { "item 1 (TEA-001): unit price", NULL } },
	{ "shipped more than ordered", m_shipped_over,
	  { "item 1 (TEA-001)", "shipped", NULL } },
	{ "duplicate SKU", m_dup_sku,
	  { "order 1042: item 2 (TEA-001)", "same SKU is item 1", NULL } },
	{ "total off by one", m_total_off,
	  { "order 1042: total 25601 does not match", "(25600)", NULL } },
	{ "negative total", m_total_negative,
	  { "total must be between", NULL } },
	{ "items past 2^63", m_sum_overflow, { "add up to more", NULL } },
	{ "items past the maximum", m_sum_over_max,
	  { "add up to more", NULL } },
	{ "ESC in note", m_note_esc, { "note", "control character", NULL } },
};

/* Validates o (which must be refused) and checks the message. */
static void expect_invalid(const char *name, const struct order *o,
			   const char *const *words)
{
	struct od_err err;
	size_t i;

	od_err_clear(&err);
	CHECK(order_validate(o, &err) == OD_E_INPUT, name);
	CHECK(err.code == OD_E_INPUT, name);
	for (i = 0; words[i] != NULL; i++) {
		if (strstr(err.msg, words[i]) == NULL)
			print_error("case \"%s\": \"%s\" not in \"%s\"\n", name,
				    words[i], err.msg);
		CHECK(strstr(err.msg, words[i]) != NULL, name);
	}
	/* Hostile text is never quoted back, nor any control byte. */
	CHECK(strstr(err.msg, HOSTILE) == NULL, name);
	for (i = 0; err.msg[i] != '\0'; i++)
		CHECK((unsigned char)err.msg[i] >= 0x20 &&
		      err.msg[i] != 0x7f, name);
}

/* The base order is valid, and each mutation of it is refused. */
static void test_validate_refuses(void **state)
{
	struct od_err err;
	struct order *o;
	size_t i;

	o = make_order();
	od_err_clear(&err);
	assert_int_equal(order_validate(o, &err), OD_OK);
	order_free(o);
	for (i = 0; i < sizeof validate_cases / sizeof validate_cases[0];
	     i++) {
		o = make_order();
		validate_cases[i].mutate(o);
		expect_invalid(validate_cases[i].name, o,
			       validate_cases[i].words);
		/* "five address lines": the array has room for four. */
		if (o->nlines > ORDER_MAX_LINES)
			o->nlines = ORDER_MAX_LINES;
		order_free(o);
	}
}

/* Values at the edge of each range are accepted. */
static void test_validate_limits(void **state)
{
	char text[ORDER_TEXT_MAX + 1];
	struct od_err err;
	struct order *o;
	size_t i;

	o = make_order();
	set(&o->number, "A-1.b_2345678901234567890123456"); /* 32 bytes */
	set(&o->placed_at, "2028-02-29T23:59:59Z");
	set(&o->email, NULL);
	set(&o->phone, "");
	set(&o->postcode, NULL);
	set(&o->note, NULL);
	set(&o->ship_lines[2], "c");
	set(&o->ship_lines[3], "d");
	o->nlines = 4;
	/* 170 three-byte characters and two bytes: exactly 512. */
	for (i = 0; i < 170; i++)
		memcpy(text + 3 * i, "王", 3);
	memcpy(text + 510, "ab", 3);
	set(&o->customer_name, text);
	set(&o->items[0].sku, "S234567890123456789012345678901234567890"
	    "123456789012345678901234");                    /* 64 bytes */
	o->items[0].qty = ORDER_MAX_QTY;
	o->items[0].unit_price = 0;
	o->items[0].shipped = ORDER_MAX_QTY;
	o->items[1].qty = 1;
	o->items[1].unit_price = ORDER_MAX_AMOUNT;
	o->total = ORDER_MAX_AMOUNT;
	od_err_clear(&err);
	if (order_validate(o, &err) != OD_OK)
		print_error("%s\n", err.msg);
	assert_int_equal(err.code, OD_OK);
	set_items(o, ORDER_MAX_ITEMS, 1, 100);
	assert_int_equal(order_validate(o, &err), OD_OK);
	order_free(o);
}

/* order_number_check on its own. */
static void test_number_check(void **state)
{
	static const char *const good[] = { "1", "1042", "A-1.b_2",
					    "WEB.2026-000017" };
	static const char *const bad[] = { "", "10 42", "10/42", "订单1",
					   "1042\n", "-\x1b" };
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		od_err_clear(&err);
		CHECK(order_number_check(good[i], &err) == OD_OK, good[i]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		od_err_clear(&err);
		CHECK(order_number_check(bad[i], &err) == OD_E_INPUT, bad[i]);
		CHECK(strstr(err.msg, "order number") != NULL, bad[i]);
	}
	od_err_clear(&err);
	assert_int_equal(order_number_check(NULL, &err), OD_E_INPUT);
}

/* Status names go both ways; unknown ones are refused. */
static void test_status_names(void **state)
{
	static const char *const names[ORDER_STATUS_COUNT] = {
		"new", "confirmed", "held", "shipped", "cancelled", "delivered"
	};
	enum order_status s;
	struct od_err err;
	int i;

	for (i = 0; i < ORDER_STATUS_COUNT; i++) {
		assert_string_equal(order_status_name((enum order_status)i),
				    names[i]);
		od_err_clear(&err);
		assert_int_equal(order_status_parse(names[i], &s, &err), OD_OK);
		assert_int_equal(s, i);
	}
	assert_null(order_status_name(ORDER_STATUS_COUNT));
	od_err_clear(&err);
	assert_int_equal(order_status_parse("Shipped", &s, &err), OD_E_USAGE);
	assert_non_null(strstr(err.msg, "unknown order status"));
	assert_int_equal(order_status_parse("", &s, &err), OD_E_USAGE);
}

/* Whether two strings are equal, NULL counting as "". */
static int str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Whether two orders hold the same data (the state aside). */
static int orders_equal(const struct order *a, const struct order *b)
{
	size_t i;

	if (!str_eq(a->number, b->number) ||
	    !str_eq(a->placed_at, b->placed_at) ||
	    strcmp(a->currency, b->currency) != 0 ||
	    !str_eq(a->customer_name, b->customer_name) ||
	    !str_eq(a->email, b->email) || !str_eq(a->phone, b->phone) ||
	    !str_eq(a->ship_name, b->ship_name) || a->nlines != b->nlines ||
	    !str_eq(a->city, b->city) || !str_eq(a->postcode, b->postcode) ||
	    strcmp(a->country, b->country) != 0 || a->nitems != b->nitems ||
	    a->total != b->total || !str_eq(a->note, b->note))
		return 0;
	for (i = 0; i < a->nlines; i++)
		if (!str_eq(a->ship_lines[i], b->ship_lines[i]))
			return 0;
	for (i = 0; i < a->nitems; i++)
		if (!str_eq(a->items[i].sku, b->items[i].sku) ||
		    !str_eq(a->items[i].name, b->items[i].name) ||
		    a->items[i].qty != b->items[i].qty ||
		    a->items[i].unit_price != b->items[i].unit_price)
			return 0;
	return 1;
}

/*
 * Turns o into statement text and back: order_to_statement, build, parse,
 * order_from_statement.  Returns the rebuilt order; *text gets the text.
 */
static struct order *round_trip(const struct order *o, char **text)
{
	struct statement *st = NULL, *parsed = NULL;
	struct order *back = NULL;
	struct od_err err;
	struct buf b;

	buf_init(&b, STMT_MAX_BYTES);
	od_err_clear(&err);
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP,
				       o->number, &st, &err), OD_OK);
	if (order_to_statement(o, st, &err) != OD_OK)
		print_error("order %s: %s\n", o->number, err.msg);
	assert_int_equal(err.code, OD_OK);
	if (statement_build(st, &b, &err) != OD_OK)
		print_error("order %s: %s\n", o->number, err.msg);
	assert_int_equal(err.code, OD_OK);
	assert_int_equal(statement_parse(b.data, b.len, &parsed, &err), OD_OK);
	if (order_from_statement(parsed, &back, &err) != OD_OK)
		print_error("order %s: %s\n", o->number, err.msg);
	assert_int_equal(err.code, OD_OK);
	assert_non_null(back);
	assert_int_equal(back->status, ORDER_NEW);
	statement_free(st);
	statement_free(parsed);
	*text = buf_take(&b);
	return back;
}

/* The body is exactly the canonical fields, and the order comes back. */
static void test_statement_round_trip(void **state)
{
	static const char body[] =
		"placed: 2026-11-20T09:15:00Z\n"
		"currency: CNY\n"
		"customer: 王小明\n"
		"email: wang@example.cn\n"
		"phone: +86 138 0000 0000\n"
		"ship-name: 王小明\n"
		"ship-line: 朝阳区建国路88号\n"
		"ship-line: 3号楼 1204室\n"
		"ship-city: 北京\n"
		"ship-postcode: 100022\n"
		"ship-country: CN\n"
		"item: TEA-001 2 12800 龙井茶 250g\n"
		"item: CUP/10.b_x 1 0 湯呑み, \"有田焼\"\n"
		"total: 25600\n"
		"note: 请周末送货\n";
	struct order *o = make_order(), *back;
	char *text;
	size_t n;

	back = round_trip(o, &text);
	n = strlen(text);
	assert_true(n > strlen(body));
	assert_string_equal(text + n - strlen(body), body);
	assert_non_null(strstr(text, "\norder: 1042\n"));
	assert_true(orders_equal(o, back));
	free(text);
	order_free(back);

	/* Empty optional fields are left out, and come back as "". */
	set(&o->email, "");
	set(&o->phone, NULL);
	set(&o->postcode, "");
	set(&o->note, "");
	back = round_trip(o, &text);
	assert_null(strstr(text, "email:"));
	assert_null(strstr(text, "phone:"));
	assert_null(strstr(text, "ship-postcode:"));
	assert_null(strstr(text, "note:"));
	assert_true(orders_equal(o, back));
	assert_string_equal(back->email, "");
	assert_string_equal(back->note, "");
	free(text);
	order_free(back);
	order_free(o);
}

/* An invalid order is never turned into a statement. */
static void test_to_statement_refuses(void **state)
{
	struct order *o = make_order();
	struct statement *st = NULL;
	struct od_err err;

	od_err_clear(&err);
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP,
				       "1042", &st, &err), OD_OK);
	o->total = 1;
	assert_int_equal(order_to_statement(o, st, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "does not match"));
	assert_int_equal(st->nfields, 0);
	statement_free(st);

	/* A statement for another order number is a caller's bug. */
	o->total = 25600;
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP,
				       "1043", &st, &err), OD_OK);
	assert_int_equal(order_to_statement(o, st, &err), OD_E_INTERNAL);
	assert_int_equal(st->nfields, 0);
	statement_free(st);
	order_free(o);
}

/* A well-formed statement that order_validate refuses, or the wrong kind. */
static void test_from_statement_refuses(void **state)
{
	struct statement *st = NULL;
	struct order *o = (struct order *)1;
	struct od_err err;

	od_err_clear(&err);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", KEY_FP,
				       "1042", &st, &err), OD_OK);
	assert_int_equal(order_from_statement(st, &o, &err), OD_E_INPUT);
	assert_null(o);
	assert_non_null(strstr(err.msg, "order.placed"));
	statement_free(st);

	/* The statement module does not add amounts up; this module does. */
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP,
				       "1042", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "placed", "2026-11-20T09:15:00Z",
				       &err), OD_OK);
	assert_int_equal(statement_add(st, "currency", "CNY", &err), OD_OK);
	assert_int_equal(statement_add(st, "customer", "A", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-name", "A", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-line", "B", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-city", "C", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-country", "CN", &err), OD_OK);
	assert_int_equal(statement_add(st, "item", "S-1 2 100 Tea", &err),
			 OD_OK);
	assert_int_equal(statement_add(st, "item", "S-1 1 100 Tea again",
				       &err), OD_OK);
	assert_int_equal(statement_add(st, "total", "300", &err), OD_OK);
	o = (struct order *)1;
	assert_int_equal(order_from_statement(st, &o, &err), OD_E_INPUT);
	assert_null(o);
	assert_non_null(strstr(err.msg, "order 1042: item 2 (S-1)"));
	statement_free(st);
}

/* Every sample order survives order -> statement text -> order intact. */
static void test_sample_round_trip(void **state)
{
	struct order_list *l = NULL;
	struct order *back;
	struct od_err err;
	char *text;
	size_t i;

	od_err_clear(&err);
	if (import_read_file(SAMPLE_PATH, &l, &err) != OD_OK)
		print_error("%s: %s (run from the top of the tree)\n",
			    SAMPLE_PATH, err.msg);
	assert_int_equal(err.code, OD_OK);
	assert_int_equal(l->count, 300);
	for (i = 0; i < l->count; i++) {
		back = round_trip(l->orders[i], &text);
		if (!orders_equal(l->orders[i], back))
			print_error("order %s differs\n", back->number);
		assert_true(orders_equal(l->orders[i], back));
		free(text);
		order_free(back);
	}
	order_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_refuses),
		cmocka_unit_test(test_validate_limits),
		cmocka_unit_test(test_number_check),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_statement_round_trip),
		cmocka_unit_test(test_to_statement_refuses),
		cmocka_unit_test(test_from_statement_refuses),
		cmocka_unit_test(test_sample_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
