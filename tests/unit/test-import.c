/*
 * test-import.c - reading orders from JSON and CSV import files: the sample
 * file, the same orders as CSV, and inputs that must be refused.
 *
 * Run from the top of the tree (make check does): the sample is read from
 * assets/sample-orders.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/import/import.h"
#include "lib/buf.h"

#define SAMPLE_PATH  "assets/sample-orders.json"
#define SAMPLE_COUNT 300

/* Fails the test naming the table case, so a failure says which row. */
#define CHECK(cond, name)                                                \
	do {                                                             \
		if (!(cond)) {                                           \
			print_error("case \"%s\": %s\n", (name), #cond); \
			fail();                                          \
		}                                                        \
	} while (0)

/* A valid one-order file, the issue's example, to derive cases from. */
static const char base_json[] =
	"[{\"number\": \"1042\", \"placed_at\": \"2026-11-20T09:15:00Z\", "
	"\"currency\": \"CNY\",\n"
	"  \"customer\": {\"name\": \"王小明\", \"email\": \"wang@example.cn\", "
	"\"phone\": \"+86 138 0000 0000\"},\n"
	"  \"ship_to\": {\"name\": \"王小明\", \"lines\": [\"朝阳区建国路88号\"], "
	"\"city\": \"北京\", \"postcode\": \"100022\", \"country\": \"CN\"},\n"
	"  \"items\": [{\"sku\": \"TEA-001\", \"name\": \"龙井茶 250g\", "
	"\"qty\": 2, \"unit_price\": 12800}],\n"
	"  \"total\": 25600, \"note\": \"请周末送货\"}]\n";

/* The same order as CSV, with the header in the documented order. */
#define CSV_COLS "number,placed_at,currency,customer_name,customer_email," \
	"customer_phone,ship_name,ship_line1,ship_line2,ship_line3,"        \
	"ship_line4,ship_city,ship_postcode,ship_country,total,note,"       \
	"sku,item_name,qty,unit_price"
#define CSV_HEADER CSV_COLS "\n"
#define CSV_ORDER "1042,2026-11-20T09:15:00Z,CNY,王小明,wang@example.cn," \
	"+86 138 0000 0000,王小明,朝阳区建国路88号,,,,北京,100022,CN,"  \
	"25600,请周末送货"
#define CSV_ROW1 CSV_ORDER ",TEA-001,龙井茶 250g,2,12800\n"

/* Returns text with the one occurrence of find replaced (caller frees). */
static char *replace_once(const char *text, const char *find,
			  const char *repl)
{
	const char *at = strstr(text, find);
	size_t n1, n2, n3;
	char *out;

	assert_non_null(at);
	/* One occurrence only: a case must say exactly what it changes. */
	assert_null(strstr(at + 1, find));
	n1 = (size_t)(at - text);
	n2 = strlen(repl);
	n3 = strlen(at + strlen(find));
	out = malloc(n1 + n2 + n3 + 1);
	assert_non_null(out);
	memcpy(out, text, n1);
	memcpy(out + n1, repl, n2);
	memcpy(out + n1 + n2, at + strlen(find), n3 + 1);
	return out;
}

/* Whether a message is one printable line (no control bytes). */
static int msg_printable(const char *msg)
{
	const unsigned char *p;

	for (p = (const unsigned char *)msg; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return msg[0] != '\0';
}

/* Parses text; on failure checks the code, the words and the message. */
static void expect_refused(const char *name, const char *text, size_t len,
			   const char *const *words)
{
	struct order_list *l = (struct order_list *)1;
	struct od_err err;
	enum od_code rc;
	size_t i;

	od_err_clear(&err);
	rc = import_parse(text, len, &l, &err);
	if (rc == OD_OK)
		print_error("case \"%s\": accepted\n", name);
	CHECK(rc == OD_E_INPUT, name);
	CHECK(err.code == OD_E_INPUT, name);
	CHECK(l == NULL, name);
	CHECK(msg_printable(err.msg), name);
	/* jansson's "near '<token>'" would quote the file's text. */
	CHECK(strstr(err.msg, "near") == NULL, name);
	for (i = 0; words[i] != NULL; i++) {
		if (strstr(err.msg, words[i]) == NULL)
			print_error("case \"%s\": \"%s\" not in \"%s\"\n", name,
				    words[i], err.msg);
		CHECK(strstr(err.msg, words[i]) != NULL, name);
	}
}

/* Parses text, which must be accepted; returns the list. */
static struct order_list *expect_parsed(const char *text, size_t len)
{
	struct order_list *l = NULL;
	struct od_err err;

	od_err_clear(&err);
	if (import_parse(text, len, &l, &err) != OD_OK)
		print_error("refused: %s\n", err.msg);
	assert_int_equal(err.code, OD_OK);
	assert_non_null(l);
	return l;
}

/* Whether two strings are equal, NULL counting as "". */
static int str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Whether two orders hold the same data. */
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

/* Reads the sample file through import_read_file. */
static struct order_list *read_sample(void)
{
	struct order_list *l = NULL;
	struct od_err err;

	od_err_clear(&err);
	if (import_read_file(SAMPLE_PATH, &l, &err) != OD_OK)
		print_error("%s: %s (run from the top of the tree)\n",
			    SAMPLE_PATH, err.msg);
	assert_int_equal(err.code, OD_OK);
	assert_non_null(l);
	return l;
}

/* The committed sample parses: 300 orders numbered 1001.., each valid. */
static void test_sample_parses(void **state)
{
	struct order_list *l = read_sample();
	struct od_err err;
	char num[16];
	size_t i, cjk = 0, currencies = 0;
	const char *seen[16];

	assert_int_equal(l->count, SAMPLE_COUNT);
	for (i = 0; i < l->count; i++) {
		const struct order *o = l->orders[i];
		size_t k;

		snprintf(num, sizeof num, "%zu", 1001 + i);
		assert_string_equal(o->number, num);
		od_err_clear(&err);
		assert_int_equal(order_validate(o, &err), OD_OK);
		assert_true(o->nitems >= 1 && o->nitems <= 5);
		assert_int_equal(o->status, ORDER_NEW);
		/* CJK: a lead byte of U+3000..U+9FFF or Hangul. */
		if (strpbrk(o->customer_name, "\xe3\xe4\xe5\xe6\xe7\xe8\xe9"
			    "\xea\xeb\xec\xed") != NULL)
			cjk++;
		for (k = 0; k < currencies; k++)
			if (strcmp(seen[k], o->currency) == 0)
				break;
		if (k == currencies && currencies < 16)
			seen[currencies++] = o->currency;
	}
	/* The sample is meant to mix scripts and currencies. */
	assert_true(cjk > 50 && cjk < SAMPLE_COUNT - 50);
	assert_true(currencies >= 5);
	order_list_free(l);
}

/* The issue's example: every field lands where it belongs. */
static void test_json_fields(void **state)
{
	struct order_list *l = expect_parsed(base_json, strlen(base_json));
	const struct order *o;

	assert_int_equal(l->count, 1);
	o = l->orders[0];
	assert_string_equal(o->number, "1042");
	assert_string_equal(o->placed_at, "2026-11-20T09:15:00Z");
	assert_string_equal(o->currency, "CNY");
	assert_string_equal(o->customer_name, "王小明");
	assert_string_equal(o->email, "wang@example.cn");
	assert_string_equal(o->phone, "+86 138 0000 0000");
	assert_string_equal(o->ship_name, "王小明");
	assert_int_equal(o->nlines, 1);
	assert_string_equal(o->ship_lines[0], "朝阳区建国路88号");
	assert_string_equal(o->city, "北京");
	assert_string_equal(o->postcode, "100022");
	assert_string_equal(o->country, "CN");
	assert_int_equal(o->nitems, 1);
	assert_string_equal(o->items[0].sku, "TEA-001");
	assert_string_equal(o->items[0].name, "龙井茶 250g");
	assert_int_equal(o->items[0].qty, 2);
	assert_int_equal(o->items[0].unit_price, 12800);
	assert_int_equal(o->total, 25600);
	assert_string_equal(o->note, "请周末送货");
	order_list_free(l);
}

/* Shipping, tax, discount and payment, in JSON and CSV alike. */
static void test_money_fields(void **state)
{
	static const char *const bad_total[] = { "order 1042", "total 25600",
		"shipping 1500 + tax 500 - discount 100 = 27500", NULL };
	static const char *const bad_pay[] = { "order 1042", "payment",
		NULL };
	static const char *const bad_ship[] = { "order 1042", "shipping",
		"whole number", NULL };
	static const char csv[] =
		"number,placed_at,currency,customer_name,ship_name,ship_line1,"
		"ship_city,ship_country,shipping,tax,discount,total,payment,"
		"sku,item_name,qty,unit_price\n"
		"1042,2026-11-20T09:15:00Z,CNY,W,W,L,C,CN,1500,500,100,27500,"
		"cod,TEA-001,T,2,12800\n"
		"1043,2026-11-20T09:15:00Z,CNY,W,W,L,C,CN,,,,25600,,"
		"TEA-001,T,2,12800\n";
	char *text = replace_once(base_json, "\"total\": 25600",
				  "\"shipping\": 1500, \"tax\": 500, "
				  "\"discount\": 100, \"total\": 27500, "
				  "\"payment\": \"cod\"");
	struct order_list *l = expect_parsed(text, strlen(text));
	char *bad;

	assert_int_equal(l->orders[0]->shipping, 1500);
	assert_int_equal(l->orders[0]->tax, 500);
	assert_int_equal(l->orders[0]->discount, 100);
	assert_int_equal(l->orders[0]->arrival, ARRIVAL_COD);
	order_list_free(l);
	bad = replace_once(text, "27500", "25600");
	expect_refused("money total", bad, strlen(bad), bad_total);
	free(bad);
	bad = replace_once(text, "\"cod\"", "\"later\"");
	expect_refused("payment word", bad, strlen(bad), bad_pay);
	free(bad);
	bad = replace_once(text, "1500", "\"15.00\"");
	expect_refused("shipping as text", bad, strlen(bad), bad_ship);
	free(bad);
	free(text);
	l = expect_parsed(csv, strlen(csv));
	assert_int_equal(l->count, 2);
	assert_int_equal(l->orders[0]->shipping, 1500);
	assert_int_equal(l->orders[0]->discount, 100);
	assert_int_equal(l->orders[0]->arrival, ARRIVAL_COD);
	assert_int_equal(l->orders[1]->shipping, 0);
	assert_int_equal(l->orders[1]->arrival, ARRIVAL_UNPAID);
	order_list_free(l);
}

/* A file with no orders in either form is valid and empty. */
static void test_no_orders(void **state)
{
	static const char *const texts[] = { "[]", " [ ]\n", CSV_HEADER,
					     "\xef\xbb\xbf" CSV_COLS "\r\n\r\n" };
	struct order_list *l;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		l = expect_parsed(texts[i], strlen(texts[i]));
		assert_int_equal(l->count, 0);
		order_list_free(l);
	}
}

/* Accepted variations: trimming, null optionals, a BOM, an absent note. */
static void test_json_lenient_where_safe(void **state)
{
	struct order_list *l;
	char *t1, *t2, *t3;
	struct buf b;
	struct od_err err;

	/* Surrounding ASCII spaces are trimmed, inner ones kept. */
	t1 = replace_once(base_json, "\"name\": \"王小明\", \"email\"",
			  "\"name\": \"  王 小明 \", \"email\"");
	l = expect_parsed(t1, strlen(t1));
	assert_string_equal(l->orders[0]->customer_name, "王 小明");
	order_list_free(l);
	/* null and absent optional fields are "". */
	t2 = replace_once(t1, "\"note\": \"请周末送货\"", "\"note\": null");
	t3 = replace_once(t2, ", \"postcode\": \"100022\"", "");
	l = expect_parsed(t3, strlen(t3));
	assert_string_equal(l->orders[0]->note, "");
	assert_string_equal(l->orders[0]->postcode, "");
	order_list_free(l);
	/* A UTF-8 byte order mark is skipped. */
	buf_init(&b, 1 << 20);
	od_err_clear(&err);
	assert_int_equal(buf_adds(&b, "\xef\xbb\xbf", &err), OD_OK);
	assert_int_equal(buf_adds(&b, base_json, &err), OD_OK);
	l = expect_parsed(b.data, b.len);
	assert_int_equal(l->count, 1);
	order_list_free(l);
	buf_free(&b);
	free(t1);
	free(t2);
	free(t3);
}

/* One JSON case: a change to base_json (or raw text) and what to say. */
struct json_case {
	const char *name;
	const char *find;      /* NULL: use raw */
	const char *repl;
	const char *raw;
	const char *words[4];
};

static const struct json_case json_cases[] = {
	{ "not an array", NULL, NULL,
	  "{\"number\": \"1042\"}", { "array", NULL } },
	{ "array of strings", NULL, NULL,
	  "[\"1042\"]", { "order #1 in the file", "object", NULL } },
	{ "duplicate key", "\"currency\": \"CNY\",",
	  "\"currency\": \"CNY\", \"currency\": \"EUR\",",
	  NULL, { "duplicate", "line 1", NULL } },
	{ "duplicate key in customer", "\"phone\": \"+86 138 0000 0000\"",
	  "\"phone\": \"1\", \"phone\": \"2\"", NULL, { "duplicate", NULL } },
	{ "unknown key", "\"note\":", "\"notes\":", NULL,
	  { "order 1042: unknown field \"notes\"", NULL } },
	{ "unknown key in customer", "\"email\":", "\"emial\":", NULL,
	  { "order 1042: customer: unknown field \"emial\"", NULL } },
	{ "unknown key in item", "\"unit_price\":", "\"price\":", NULL,
	  { "item 1", "\"price\"", NULL } },
	{ "unknown key with an escape in its name", "\"note\":",
	  "\"no\\u001b[31mte\":", NULL, { "order 1042", "unknown field",
					  NULL } },
	{ "total as a string", "\"total\": 25600", "\"total\": \"25600\"",
	  NULL, { "order 1042", "total", "JSON integer", NULL } },
	{ "customer name as a number",
	  "\"name\": \"王小明\", \"email\"", "\"name\": 42, \"email\"", NULL,
	  { "customer.name", "JSON string", NULL } },
	{ "customer as a string", "\"customer\": {\"name\": \"王小明\", "
	  "\"email\": \"wang@example.cn\", \"phone\": \"+86 138 0000 0000\"}",
	  "\"customer\": \"王小明\"", NULL, { "customer", "object", NULL } },
	{ "qty 2.5", "\"qty\": 2,", "\"qty\": 2.5,", NULL,
	  { "item 1: qty", "JSON integer", NULL } },
	{ "qty 2.0", "\"qty\": 2,", "\"qty\": 2.0,", NULL,
	  { "item 1: qty", "JSON integer", NULL } },
	{ "qty 2e0", "\"qty\": 2,", "\"qty\": 2e0,", NULL,
	  { "qty", "JSON integer", NULL } },
	{ "qty as a string", "\"qty\": 2,", "\"qty\": \"2\",", NULL,
	  { "qty", "JSON integer", NULL } },
	{ "negative qty", "\"qty\": 2,", "\"qty\": -2,", NULL,
	  { "order 1042: item 1 (TEA-001)",
	    "quantity must be between 1 and 100000", NULL } },
	{ "qty 0", "\"qty\": 2,", "\"qty\": 0,", NULL,
	  { "item 1 (TEA-001)", "quantity must be between 1 and 100000",
	    NULL } },
	{ "huge qty", "\"qty\": 2,", "\"qty\": 100001,", NULL,
	  { "quantity must be between 1 and 100000", NULL } },
	{ "qty past 64 bits", "\"qty\": 2,",
	  "\"qty\": 99999999999999999999,", NULL, { "too large", NULL } },
	{ "negative price", "\"unit_price\": 12800", "\"unit_price\": -1",
	  NULL, { "item 1 (TEA-001)", "unit price", NULL } },
	{ "qty * price past 2^63", "\"qty\": 2, \"unit_price\": 12800",
	  "\"qty\": 3, \"unit_price\": 4611686018427387904", NULL,
	  { "item 1 (TEA-001)", "unit price must be between", NULL } },
	{ "total mismatch", "\"total\": 25600", "\"total\": 25601", NULL,
	  { "order 1042", "total 25601 does not match", "25600", NULL } },
	{ "negative total", "\"total\": 25600", "\"total\": -25600", NULL,
	  { "order 1042", "total must be between", NULL } },
	{ "missing city", "\"city\": \"北京\", ", "", NULL,
	  { "order 1042", "ship_to.city", "missing", NULL } },
	{ "missing items", "\"items\": [{\"sku\": \"TEA-001\", \"name\": "
	  "\"龙井茶 250g\", \"qty\": 2, \"unit_price\": 12800}],\n", "",
	  NULL, { "items", "missing", NULL } },
	{ "missing qty", "\"qty\": 2, ", "", NULL,
	  { "item 1: qty", "missing", NULL } },
	{ "missing number", "\"number\": \"1042\", ", "", NULL,
	  { "order #1 in the file", "number", "missing", NULL } },
	{ "number as a JSON number", "\"number\": \"1042\"",
	  "\"number\": 1042", NULL,
	  { "order #1 in the file", "JSON string", NULL } },
	{ "number with a space inside", "\"number\": \"1042\"",
	  "\"number\": \"10 42\"", NULL,
	  { "order #1 in the file", "order number", NULL } },
	{ "number with an escape", "\"number\": \"1042\"",
	  "\"number\": \"\\u001b[2J\"", NULL,
	  { "order #1 in the file", "order number", NULL } },
	{ "invalid UTF-8 in the file", "\"name\": \"王小明\", \"email\"",
	  "\"name\": \"\xff\xfe\", \"email\"", NULL, { "UTF-8", NULL } },
	{ "overlong UTF-8 in the file", "\"city\": \"北京\"",
	  "\"city\": \"\xc0\xaf\"", NULL, { "UTF-8", NULL } },
	{ "ESC [31m in customer name", "\"name\": \"王小明\", \"email\"",
	  "\"name\": \"王\\u001b[31m小明\", \"email\"", NULL,
	  { "order 1042", "customer name", "control character", NULL } },
	{ "C1 CSI in customer name", "\"name\": \"王小明\", \"email\"",
	  "\"name\": \"王\\u009b31m\", \"email\"", NULL,
	  { "order 1042", "customer name", "control character", NULL } },
	{ "bidi override in customer name", "\"name\": \"王小明\", \"email\"",
	  "\"name\": \"abc\\u202edef\", \"email\"", NULL,
	  { "order 1042", "customer name", "control character", NULL } },
	{ "newline in address", "[\"朝阳区建国路88号\"]",
	  "[\"朝阳区\\n建国路88号\"]", NULL,
	  { "order 1042", "address line 1", "control character", NULL } },
	{ "NUL escape in note", "\"note\": \"请周末送货\"",
	  "\"note\": \"a\\u0000b\"", NULL, { "\\u0000", NULL } },
	{ "empty items", "[{\"sku\": \"TEA-001\", \"name\": \"龙井茶 250g\", "
	  "\"qty\": 2, \"unit_price\": 12800}]", "[]", NULL,
	  { "order 1042", "no items", NULL } },
	{ "item not an object", "[{\"sku\": \"TEA-001\", \"name\": "
	  "\"龙井茶 250g\", \"qty\": 2, \"unit_price\": 12800}]",
	  "[\"TEA-001\"]", NULL, { "item 1", "object", NULL } },
	{ "duplicate SKU", "\"unit_price\": 12800}]",
	  "\"unit_price\": 12800}, {\"sku\": \"TEA-001\", \"name\": \"x\", "
	  "\"qty\": 1, \"unit_price\": 0}]", NULL,
	  { "order 1042", "item 2 (TEA-001)", "same SKU", NULL } },
	{ "bad SKU", "\"sku\": \"TEA-001\"", "\"sku\": \"TEA 001\"", NULL,
	  { "order 1042", "item 1", "SKU", NULL } },
	{ "no address lines", "[\"朝阳区建国路88号\"]", "[]", NULL,
	  { "ship_to.lines", NULL } },
	{ "five address lines", "[\"朝阳区建国路88号\"]",
	  "[\"a\", \"b\", \"c\", \"d\", \"e\"]", NULL,
	  { "ship_to.lines", "1 to 4", NULL } },
	{ "lower-case currency", "\"currency\": \"CNY\"",
	  "\"currency\": \"cny\"", NULL, { "order 1042", "currency", NULL } },
	{ "four-letter currency", "\"currency\": \"CNY\"",
	  "\"currency\": \"CNYX\"", NULL, { "currency", NULL } },
	{ "country name", "\"country\": \"CN\"", "\"country\": \"China\"",
	  NULL, { "ship_to.country", NULL } },
	{ "February 30", "2026-11-20T09:15:00Z", "2026-02-30T09:15:00Z",
	  NULL, { "order 1042", "placed_at", NULL } },
	{ "time without zone", "2026-11-20T09:15:00Z", "2026-11-20T09:15:00",
	  NULL, { "placed_at", NULL } },
	{ "email without @", "wang@example.cn", "wang.example.cn", NULL,
	  { "customer email", NULL } },
	{ "trailing garbage", "}]\n", "}] x\n", NULL,
	  { "trailing", NULL } },
	{ "second array", "}]\n", "}] []\n", NULL, { "trailing", NULL } },
	{ "syntax error", "\"currency\": \"CNY\",", "\"currency\": \"CNY\"",
	  NULL, { "JSON syntax error", "line 2", NULL } },
	{ "cut short", "\"total\": 25600, \"note\": \"请周末送货\"}]\n",
	  "\"total\": 25600, ", NULL, { "ends too early", NULL } },
	{ "only spaces", NULL, NULL, "  \n\t ", { "empty", NULL } },
	{ "nothing", NULL, NULL, "", { "empty", NULL } },
};

/* Every JSON case is refused with a message naming what is wrong. */
static void test_json_refused(void **state)
{
	size_t i;

	for (i = 0; i < sizeof json_cases / sizeof json_cases[0]; i++) {
		const struct json_case *c = &json_cases[i];
		char *text;

		if (c->find == NULL)
			text = strdup(c->raw);
		else
			text = replace_once(base_json, c->find, c->repl);
		assert_non_null(text);
		expect_refused(c->name, text, strlen(text), c->words);
		free(text);
	}
}

/* Builds a one-order file with n items of qty and price, total as given. */
static char *json_with_items(size_t n, long long qty, long long price,
			     long long total)
{
	struct buf b;
	struct od_err err;
	size_t i;

	buf_init(&b, 1 << 24);
	od_err_clear(&err);
	assert_int_equal(buf_adds(&b, "[{\"number\": \"7\", \"placed_at\": "
				  "\"2026-11-20T09:15:00Z\", \"currency\": "
				  "\"EUR\", \"customer\": {\"name\": \"A\"}, "
				  "\"ship_to\": {\"name\": \"A\", \"lines\": "
				  "[\"B\"], \"city\": \"C\", \"country\": "
				  "\"DE\"}, \"items\": [", &err), OD_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_addf(&b, &err, "%s{\"sku\": \"S%zu\", "
					  "\"name\": \"N\", \"qty\": %lld, "
					  "\"unit_price\": %lld}",
					  i ? ", " : "", i, qty, price), OD_OK);
	assert_int_equal(buf_addf(&b, &err, "], \"total\": %lld}]", total),
			 OD_OK);
	return buf_take(&b);
}

/* The item count is capped at 500; the sum of the items is overflow-safe. */
static void test_json_item_limits(void **state)
{
	static const char *const too_many[] = { "order 7", "501 items",
						"at most 500", NULL };
	static const char *const too_much[] = { "order 7", "add up to more",
						NULL };
	struct order_list *l;
	char *t;

	t = json_with_items(500, 1, 1, 500);
	l = expect_parsed(t, strlen(t));
	assert_int_equal(l->orders[0]->nitems, 500);
	order_list_free(l);
	free(t);

	t = json_with_items(501, 1, 1, 501);
	expect_refused("501 items", t, strlen(t), too_many);
	free(t);

	/* 500 * 100000 * 10^12 = 5 * 10^19 > 2^63: must not wrap around. */
	t = json_with_items(500, ORDER_MAX_QTY, ORDER_MAX_AMOUNT, 0);
	expect_refused("items past 2^63", t, strlen(t), too_much);
	free(t);
}

/* The base order as a bare object with another number (caller frees). */
static char *order_object(const char *quoted_number)
{
	char *t = replace_once(base_json, "\"1042\"", quoted_number);
	size_t n = strlen(t);

	/* "[{...}]\n" -> "{...}" */
	memmove(t, t + 1, n);
	t[n - 3] = '\0';
	return t;
}

/* Two orders with one number in one file are refused. */
static void test_json_duplicate_number(void **state)
{
	static const char *const words[] = { "order 1042", "appears twice",
					     "#1 and #3", NULL };
	char *a = order_object("\"1042\""), *b = order_object("\"1043\"");
	struct order_list *l;
	struct od_err err;
	struct buf t;

	buf_init(&t, 1 << 20);
	od_err_clear(&err);
	assert_int_equal(buf_addf(&t, &err, "[%s,\n%s]", a, b), OD_OK);
	l = expect_parsed(t.data, t.len);
	assert_int_equal(l->count, 2);
	order_list_free(l);
	buf_reset(&t);
	assert_int_equal(buf_addf(&t, &err, "[%s,\n%s,\n%s]", a, b, a), OD_OK);
	expect_refused("duplicate order number", t.data, t.len, words);
	buf_free(&t);
	free(a);
	free(b);
}

/* Writes one CSV field, quoted when needed (or always). */
static void csv_put(struct buf *b, const char *s, int first, int quote_all)
{
	struct od_err err;
	const char *p;

	od_err_clear(&err);
	if (!first)
		assert_int_equal(buf_adds(b, ",", &err), OD_OK);
	if (!quote_all && strpbrk(s, ",\"\r\n") == NULL) {
		assert_int_equal(buf_adds(b, s, &err), OD_OK);
		return;
	}
	assert_int_equal(buf_adds(b, "\"", &err), OD_OK);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			assert_int_equal(buf_adds(b, "\"", &err), OD_OK);
		assert_int_equal(buf_add(b, p, 1, &err), OD_OK);
	}
	assert_int_equal(buf_adds(b, "\"", &err), OD_OK);
}

/* Writes the orders as CSV (the test's own writer, not gen-orders). */
static char *orders_to_csv(const struct order_list *l, const char *eol,
			   int quote_all)
{
	struct od_err err;
	struct buf b;
	char num[32];
	size_t i, j, k;

	buf_init(&b, 64u << 20);
	od_err_clear(&err);
	assert_int_equal(buf_addf(&b, &err, "%s%s", CSV_COLS, eol), OD_OK);
	for (i = 0; i < l->count; i++) {
		const struct order *o = l->orders[i];

		for (j = 0; j < o->nitems; j++) {
			csv_put(&b, o->number, 1, quote_all);
			csv_put(&b, o->placed_at, 0, quote_all);
			csv_put(&b, o->currency, 0, quote_all);
			csv_put(&b, o->customer_name, 0, quote_all);
			csv_put(&b, o->email, 0, quote_all);
			csv_put(&b, o->phone, 0, quote_all);
			csv_put(&b, o->ship_name, 0, quote_all);
			for (k = 0; k < ORDER_MAX_LINES; k++)
				csv_put(&b, k < o->nlines ? o->ship_lines[k] :
					"", 0, quote_all);
			csv_put(&b, o->city, 0, quote_all);
			csv_put(&b, o->postcode, 0, quote_all);
			csv_put(&b, o->country, 0, quote_all);
			snprintf(num, sizeof num, "%lld", o->total);
			csv_put(&b, num, 0, quote_all);
			csv_put(&b, o->note, 0, quote_all);
			csv_put(&b, o->items[j].sku, 0, quote_all);
			csv_put(&b, o->items[j].name, 0, quote_all);
			snprintf(num, sizeof num, "%lld", o->items[j].qty);
			csv_put(&b, num, 0, quote_all);
			snprintf(num, sizeof num, "%lld",
				 o->items[j].unit_price);
			csv_put(&b, num, 0, quote_all);
			assert_int_equal(buf_adds(&b, eol, &err), OD_OK);
		}
	}
	return buf_take(&b);
}

/* The sample's orders written as CSV (LF, CRLF, all quoted) parse equal. */
static void test_csv_equals_json(void **state)
{
	static const struct {
		const char *eol;
		int quote_all;
	} forms[] = { { "\n", 0 }, { "\r\n", 0 }, { "\r\n", 1 } };
	struct order_list *json = read_sample(), *csv;
	size_t f, i, quoted;
	char *text;

	for (f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		text = orders_to_csv(json, forms[f].eol, forms[f].quote_all);
		/* The sample must exercise quoting: commas and quotes. */
		quoted = 0;
		for (i = 0; text[i] != '\0'; i++)
			quoted += text[i] == '"';
		assert_true(quoted > 100);
		csv = expect_parsed(text, strlen(text));
		assert_int_equal(csv->count, json->count);
		for (i = 0; i < json->count; i++)
			assert_true(orders_equal(json->orders[i],
						 csv->orders[i]));
		order_list_free(csv);
		free(text);
	}
	order_list_free(json);
}

/* Quoted commas, doubled quotes, CRLF, and a header in another order. */
static void test_csv_quoting(void **state)
{
	static const char text[] =
		"sku , number,qty,unit_price,item_name,placed_at,currency,"
		"customer_name,ship_name,ship_line1,ship_line2,ship_city,"
		"ship_country,total\r\n"
		"A-1,77,1,100,\"Mug, \"\"blue\"\"\",2026-01-02T03:04:05Z,USD,"
		"\"Smith, John \"\"JJ\"\"\",\"Ann\",\"1 Main St, Apt 2\",,"
		"Springfield,US,350\r\n"
		"B-2,77,2,125,Plate,2026-01-02T03:04:05Z,USD,"
		"\"Smith, John \"\"JJ\"\"\",Ann,\"1 Main St, Apt 2\",\"\","
		"Springfield,US, 350 \r\n"
		"\r\n";
	struct order_list *l = expect_parsed(text, strlen(text));
	const struct order *o;

	assert_int_equal(l->count, 1);
	o = l->orders[0];
	assert_string_equal(o->number, "77");
	assert_string_equal(o->customer_name, "Smith, John \"JJ\"");
	assert_string_equal(o->ship_name, "Ann");
	assert_int_equal(o->nlines, 1);
	assert_string_equal(o->ship_lines[0], "1 Main St, Apt 2");
	assert_string_equal(o->email, "");
	assert_string_equal(o->note, "");
	assert_int_equal(o->nitems, 2);
	assert_string_equal(o->items[0].name, "Mug, \"blue\"");
	assert_string_equal(o->items[1].sku, "B-2");
	assert_int_equal(o->items[1].qty, 2);
	assert_int_equal(o->total, 350);
	order_list_free(l);
}

/* One CSV case: the whole text and what the message must say. */
struct csv_case {
	const char *name;
	const char *text;
	const char *words[4];
};

static const struct csv_case csv_cases[] = {
	{ "missing header column",
	  "number,placed_at,currency,customer_name,ship_name,ship_line1,"
	  "ship_city,ship_country,total,sku,item_name,unit_price\n"
	  "1,2026-11-20T09:15:00Z,EUR,A,A,B,C,DE,5,S,N,5\n",
	  { "line 1", "no column qty", NULL } },
	{ "unknown header column", CSV_COLS ",colour\n",
	  { "line 1", "unknown column \"colour\"", NULL } },
	{ "header column with an escape", CSV_COLS ",\x1b[2J\n",
	  { "line 1", "column 21", "not a known column", NULL } },
	{ "row with one field", CSV_HEADER "x\n",
	  { "line 2", "wrong column count", NULL } },
	{ "misspelt header column",
	  "number,placed_at,currency,customer_name,ship_name,ship_line1,"
	  "ship_city,ship_country,total,sku,item_name,quantity,unit_price\n",
	  { "line 1", "unknown column \"quantity\"", NULL } },
	{ "repeated header column",
	  "number,number,placed_at\n", { "number appears twice", NULL } },
	{ "unterminated quote", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,\"王小明,wang@example.cn,,王小明,"
	  "a,,,,b,,CN,5,,S,N,1,5\n", { "line 2", "never closed", NULL } },
	{ "quote inside a bare field", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,Wang \"X\",,,W,a,,,,b,,CN,5,,S,N,1,"
	  "5\n", { "line 2", "quote inside", NULL } },
	{ "text after a closing quote", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,\"Wang\"X,,,W,a,,,,b,,CN,5,,S,N,1,"
	  "5\n", { "line 2", "after a closing quote", NULL } },
	{ "disagreeing order-level field", CSV_HEADER CSV_ROW1
	  "1042,2026-11-20T09:15:00Z,CNY,王小明,wang@example.cn,"
	  "+86 138 0000 0000,王小明,朝阳区建国路88号,,,,上海,100022,CN,"
	  "25600,请周末送货,TEA-002,x,1,0\n",
	  { "line 3", "order 1042", "ship_city differs", NULL } },
	{ "too few fields", CSV_HEADER CSV_ORDER ",TEA-001,龙井茶,2\n",
	  { "line 2", "19 field(s)", "wrong column count", NULL } },
	{ "too many fields", CSV_HEADER CSV_ORDER ",TEA-001,龙井茶,2,12800,"
	  "9\n", { "line 2", "wrong column count", NULL } },
	{ "qty 2.5", CSV_HEADER CSV_ORDER ",TEA-001,龙井茶 250g,2.5,12800\n",
	  { "line 2", "order 1042", "qty", NULL } },
	{ "negative qty", CSV_HEADER CSV_ORDER ",TEA-001,龙井茶,-2,12800\n",
	  { "line 2", "quantity must be between 1 and 100000", NULL } },
	{ "total mismatch", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,王小明,,,王小明,a,,,,北京,,CN,"
	  "25601,,TEA-001,龙井茶,2,12800\n",
	  { "line 2", "order 1042", "does not match", NULL } },
	{ "gap in address lines", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,王小明,,,王小明,a,,c,,北京,,CN,"
	  "25600,,TEA-001,龙井茶,2,12800\n", { "ship_line3", NULL } },
	{ "order rows apart", CSV_HEADER CSV_ROW1
	  "1043,2026-11-20T09:15:00Z,CNY,A,,,A,a,,,,b,,CN,5,,S,N,1,5\n"
	  CSV_ORDER ",TEA-002,x,1,0\n",
	  { "order 1042 appears twice", "lines 2 and 4", NULL } },
	{ "duplicate SKU", CSV_HEADER CSV_ROW1
	  CSV_ORDER ",TEA-001,x,1,0\n",
	  { "line 2", "item 2 (TEA-001)", "same SKU", NULL } },
	{ "newline in a quoted name", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,\"王\n小明\",,,王小明,a,,,,北京,,CN,"
	  "25600,,TEA-001,龙井茶,2,12800\n",
	  { "line 2", "customer name", "control character", NULL } },
	{ "escape sequence in a name", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,王\x1b[31m小明,,,王小明,a,,,,北京,,"
	  "CN,25600,,TEA-001,龙井茶,2,12800\n",
	  { "order 1042", "customer name", "control character", NULL } },
	{ "invalid UTF-8", CSV_HEADER
	  "1042,2026-11-20T09:15:00Z,CNY,\xff\xfe,,,王小明,a,,,,北京,,"
	  "CN,25600,,TEA-001,龙井茶,2,12800\n",
	  { "customer name", "UTF-8", NULL } },
	{ "bad order number", CSV_HEADER
	  "10/42,2026-11-20T09:15:00Z,CNY,A,,,A,a,,,,b,,CN,5,,S,N,1,5\n",
	  { "line 2", "order number", NULL } },
	{ "missing order number", CSV_HEADER
	  ",2026-11-20T09:15:00Z,CNY,A,,,A,a,,,,b,,CN,5,,S,N,1,5\n",
	  { "line 2", "order number", "missing", NULL } },
};

/* Every CSV case is refused with a message naming the line and the field. */
static void test_csv_refused(void **state)
{
	static const char *const nul_words[] = { "NUL", NULL };
	static const char nul_text[] = CSV_HEADER "1042\0,x\n";
	size_t i;

	for (i = 0; i < sizeof csv_cases / sizeof csv_cases[0]; i++)
		expect_refused(csv_cases[i].name, csv_cases[i].text,
			       strlen(csv_cases[i].text), csv_cases[i].words);
	expect_refused("NUL byte", nul_text, sizeof nul_text - 1, nul_words);
}

/* Caps: a field, even inside a quote left open; items per order. */
static void test_csv_limits(void **state)
{
	static const char *const long_words[] = { "line 2",
						  "longer than 4096", NULL };
	static const char *const item_words[] = { "line 502", "order 9",
						  "more than 500 items",
						  NULL };
	struct order_list *l;
	struct od_err err;
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	od_err_clear(&err);
	assert_int_equal(buf_adds(&b, CSV_HEADER "1042,\"", &err), OD_OK);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_adds(&b, "abcdefgh", &err), OD_OK);
	expect_refused("open quote to the end", b.data, b.len, long_words);

	/* 500 rows of one order are fine, the 501st is refused. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, CSV_HEADER, &err), OD_OK);
	for (i = 0; i < 500; i++)
		assert_int_equal(buf_addf(&b, &err, "9,2026-11-20T09:15:00Z,"
					  "EUR,A,,,A,a,,,,b,,DE,500,,S%zu,N,"
					  "1,1\n", i), OD_OK);
	l = expect_parsed(b.data, b.len);
	assert_int_equal(l->orders[0]->nitems, 500);
	order_list_free(l);
	assert_int_equal(buf_adds(&b, "9,2026-11-20T09:15:00Z,EUR,A,,,A,a,,,,"
				  "b,,DE,500,,S500,N,1,1\n", &err), OD_OK);
	expect_refused("501 rows of one order", b.data, b.len, item_words);
	buf_free(&b);
}

/* import_read_file: a missing file, a directory, a file too large. */
static void test_read_file_errors(void **state)
{
	char path[] = "/tmp/test-import-XXXXXX";
	struct order_list *l = (struct order_list *)1;
	struct od_err err;
	int fd;

	od_err_clear(&err);
	assert_int_equal(import_read_file("/nonexistent/orders.json", &l, &err),
			 OD_E_NOTFOUND);
	assert_null(l);
	assert_non_null(strstr(err.msg, "cannot open"));

	od_err_clear(&err);
	assert_int_not_equal(import_read_file("/tmp", &l, &err), OD_OK);
	assert_null(l);
	assert_non_null(strstr(err.msg, "directory"));

	/* A sparse file over the cap on whole reads is streamed, not
	 * refused for its length: its NUL bytes refuse it. */
	import_set_whole_cap(1 << 20);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (2 << 20) + 1), 0);
	close(fd);
	od_err_clear(&err);
	assert_int_equal(import_read_file(path, &l, &err), OD_E_INPUT);
	assert_null(l);
	assert_null(strstr(err.msg, "larger than"));
	unlink(path);
	import_set_whole_cap(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_parses),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_money_fields),
		cmocka_unit_test(test_no_orders),
		cmocka_unit_test(test_json_lenient_where_safe),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_json_item_limits),
		cmocka_unit_test(test_json_duplicate_number),
		cmocka_unit_test(test_csv_equals_json),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_refused),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_read_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
