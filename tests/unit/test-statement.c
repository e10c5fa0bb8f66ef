/* test-statement.c - the canonical statement text: build, parse, refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/statement.h"

/* Fails the test naming the table case, so a failure says which row. */
#define CHECK(cond, name)                                              \
	do {                                                           \
		if (!(cond)) {                                         \
			print_error("case \"%s\": %s\n", (name), #cond); \
			fail();                                        \
		}                                                      \
	} while (0)

#define ID_HEX   "0123456789abcdef0123456789abcdef"
#define KEY_FP   "sha256:00112233445566778899aabbccddeeff" \
		 "00112233445566778899aabbccddeeff"
#define PUBKEY   "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define TIME_STR "2026-11-22T10:31:07Z"

#define MAGIC    "orderdesk-statement/1\n"
#define ID       "id: " ID_HEX "\n"
#define KEY      "key: " KEY_FP "\n"
#define PREV_HEX "00112233445566778899aabbccddeeff " \
		 "0f1e2d3c4b5a69788796a5b4c3d2e1f0" \
		 "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define PREV     "prev: " PREV_HEX "\n"
#define TIME     "time: " TIME_STR "\n" PREV
/* The header of a kind with and without an "order:" line. */
#define HDR_O(kind) MAGIC ID "kind: " kind "\norder: 1042\nactor: mei\n" KEY TIME
#define HDR(kind)   MAGIC ID "kind: " kind "\nactor: mei\n" KEY TIME

/* The body of a valid order.placed statement, pieces to splice from. */
#define PLACED_HEAD "placed: 2026-11-21T08:00:00Z\ncurrency: CNY\n" \
	"customer: \xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\n"
#define PLACED_SHIP "ship-name: Wang Xiaoming\nship-line: 88 Nanjing Road\n" \
	"ship-city: Shanghai\nship-country: CN\n"
#define PLACED_TAIL "total: 5000\n"
#define PLACED_ITEM "item: TEA-01 2 2500 Green tea\n"
#define PLACED_OK HDR_O("order.placed") PLACED_HEAD PLACED_SHIP PLACED_ITEM \
	PLACED_TAIL

/* One valid text of every kind, and of the optional fields. */
static const char *const valid_texts[] = {
	HDR("shop.genesis") "shop: Tea House \xe8\x8c\xb6\xe9\xa4\xa8\n"
		"role: owner\npubkey: " PUBKEY "\n",
	HDR("user.add") "user: ana.b_2-x\nrole: staff\npubkey: " PUBKEY "\n",
	HDR("user.role") "user: ana\nrole: shopkeeper\n",
	HDR("user.revoke") "user: ana\n",
	PLACED_OK,
	HDR_O("order.placed") PLACED_HEAD
		"email: wang@example.cn\nphone: +86 21 5555 0100\n"
		"ship-name: Wang Xiaoming\nship-line: Flat 5\n"
		"ship-line: 88 Nanjing Road\nship-line: Huangpu\n"
		"ship-line: Building B\nship-city: Shanghai\n"
		"ship-postcode: 200001\nship-country: CN\n"
		"item: TEA-01 2 2500 Green tea \xe7\xbb\xbf\xe8\x8c\xb6\n"
		"item: a/b.c_d-e 100000 0 Free sample\n"
		"total: 1000000000000000\n"
		"note: Please gift-wrap \xf0\x9f\x8e\x81\n",
	HDR_O("order.confirm"),
	HDR_O("order.cancel") "reason: customer asked\n",
	HDR_O("order.hold") "reason: address check: unclear\n",
	HDR_O("order.release"),
	HDR_O("order.release") "reason: address confirmed\n",
	HDR_O("order.note") "text: Called the customer, e\xcc\x81t\xc3\xa9\n",
	HDR_O("shipment.confirm") "carrier: SF Express\n"
		"tracking: SF1234567890\nitem: TEA-01 2\n",
	MAGIC "id: ffffffffffffffffffffffffffffffff\nkind: order.note\n"
		"order: A.b_C-9\nactor: z\nkey: sha256:"
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n"
		"time: 2024-02-29T23:59:59Z\n"
		"prev: none\n"
		"text: x\n",
};

/* Parses text and returns the statement, failing the test if refused. */
static struct statement *parse_ok(const char *text, size_t len)
{
	struct statement *st = NULL;
	struct od_err err;

	od_err_clear(&err);
	if (statement_parse(text, len, &st, &err) != OD_OK) {
		print_error("refused: %s\n", err.msg);
		fail();
	}
	assert_non_null(st);
	return st;
}

/* Builds st into a fresh buffer, failing the test if refused. */
static void build_ok(const struct statement *st, struct buf *b)
{
	struct od_err err;

	buf_init(b, STMT_MAX_BYTES);
	if (statement_build(st, b, &err) != OD_OK) {
		print_error("build refused: %s\n", err.msg);
		fail();
	}
}

/* The two statements carry the same header and fields. */
static void assert_same(const struct statement *a, const struct statement *b)
{
	size_t i;

	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->order, b->order);
	assert_string_equal(a->actor, b->actor);
	assert_string_equal(a->key, b->key);
	assert_string_equal(a->time, b->time);
	assert_int_equal(a->nfields, b->nfields);
	for (i = 0; i < a->nfields; i++) {
		assert_string_equal(a->fields[i].name, b->fields[i].name);
		assert_string_equal(a->fields[i].value, b->fields[i].value);
	}
}

/* Every valid text parses, and building the result gives the same bytes. */
static void test_valid_texts_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < sizeof valid_texts / sizeof valid_texts[0]; i++) {
		const char *text = valid_texts[i];
		struct statement *st = parse_ok(text, strlen(text)), *st2;
		struct buf b;

		build_ok(st, &b);
		assert_int_equal(b.len, strlen(text));
		assert_memory_equal(b.data, text, b.len);
		st2 = parse_ok(b.data, b.len);
		assert_same(st, st2);
		statement_free(st2);
		statement_free(st);
		buf_free(&b);
	}
}

struct field_pair {
	const char *name;
	const char *value;
};

struct kind_case {
	enum stmt_kind kind;
	const char *order;
	struct field_pair fields[16];
};

/* Statements made through the API, one per kind (fields end at NULL). */
static const struct kind_case kind_cases[] = {
	{ STMT_SHOP_GENESIS, NULL, {
		{ "shop", "Tea House" }, { "role", "owner" },
		{ "pubkey", PUBKEY } } },
	{ STMT_USER_ADD, NULL, {
		{ "user", "ana" }, { "role", "shopkeeper" },
		{ "pubkey", PUBKEY } } },
	{ STMT_USER_ROLE, NULL, { { "user", "ana" }, { "role", "owner" } } },
	{ STMT_USER_REVOKE, NULL, { { "user", "ana" } } },
	{ STMT_ORDER_PLACED, "1042", {
		{ "placed", "2026-11-21T08:00:00Z" }, { "currency", "JPY" },
		{ "customer", "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e" },
		{ "email", "taro@example.jp" },
		{ "ship-name", "Yamada Taro" },
		{ "ship-line", "1-2-3 Shibuya" }, { "ship-line", "Room 4" },
		{ "ship-city", "Tokyo" }, { "ship-postcode", "150-0002" },
		{ "ship-country", "JP" },
		{ "item", "MUG-7 1 1800 Mug \xe6\xb9\xaf\xe5\x91\x91" },
		{ "item", "TEA-01 3 0 Sample" },
		{ "total", "1800" }, { "note", "leave at door" } } },
	{ STMT_ORDER_CONFIRM, "1042", { { NULL, NULL } } },
	{ STMT_ORDER_CANCEL, "1042", { { "reason", "out of stock" } } },
	{ STMT_ORDER_HOLD, "W-9", { { "reason", "payment check" } } },
	{ STMT_ORDER_RELEASE, "W-9", { { NULL, NULL } } },
	{ STMT_ORDER_NOTE, "1042", { { "text", "gift" } } },
	{ STMT_SHIPMENT_CONFIRM, "1042", {
		{ "carrier", "Yamato" }, { "tracking", "1234-5678-9012" },
		{ "item", "MUG-7 1" }, { "item", "TEA-01 3" } } },
	{ STMT_USER_REKEY, NULL, { { "pubkey", PUBKEY } } },
	{ STMT_ORDER_PLACED, "1043", {
		{ "placed", "2026-11-21T08:00:00Z" }, { "currency", "EUR" },
		{ "customer", "Ana" }, { "ship-name", "Ana" },
		{ "ship-line", "Calle 1" }, { "ship-city", "Madrid" },
		{ "ship-country", "ES" }, { "item", "TEA-01 2 1000 Tea" },
		{ "shipping", "500" }, { "tax", "420" }, { "discount", "300" },
		{ "total", "2620" }, { "payment", "paid" } } },
	/* An imported order names its storefront and its bytes' hash. */
	{ STMT_ORDER_PLACED, "1001", {
		{ "placed", "2026-11-20T09:15:30Z" }, { "currency", "EUR" },
		{ "customer", "Ana" }, { "ship-name", "Ana" },
		{ "ship-line", "Calle 1" }, { "ship-city", "Madrid" },
		{ "ship-country", "ES" }, { "item", "TEA-01 2 1000 Tea" },
		{ "total", "2000" }, { "note", "gift" },
		{ "source", "shopify" },
		{ "source-hash", "sha256:370e8927efde6d03b1399f120196e39dfd0c4"
		  "5116ff097ef5a0623b9f9b8517b" } } },
	{ STMT_PAYMENT_RECEIVE, "1042", {
		{ "amount", "25600" }, { "method", "card" },
		{ "reference", "pi_3Nx 42" } } },
	{ STMT_PAYMENT_REFUND, "1042", {
		{ "amount", "2500" }, { "reason", "one mug broken" },
		{ "item", "MUG-7 1" }, { "reference", "re_9" } } },
	{ STMT_PAYMENT_REFUND, "1042", {
		{ "amount", "1" }, { "reason", "goodwill" } } },
	{ STMT_SHIPMENT_DELIVER, "1042", { { "tracking", "SF-1" } } },
	{ STMT_SHIPMENT_CONFIRM, "1042", {
		{ "carrier", "SF" }, { "tracking", "SF-2" },
		{ "item", "PHONE-1 2" }, { "serial", "PHONE-1 356938035643809" },
		{ "serial", "PHONE-1 356938035643810" } } },
	{ STMT_SHIPMENT_DELIVER, "1042", { { NULL, NULL } } },
	{ STMT_RETURN_OPEN, "1042", {
		{ "rma", "1042-R1" }, { "reason", "too small" },
		{ "item", "MUG-7 1" } } },
	{ STMT_RETURN_RECEIVE, "1042", {
		{ "rma", "1042-R1" }, { "condition", "wrong-item" },
		{ "item", "MUG-7 1 SN-9" }, { "item", "TEA-01 1" } } },
	{ STMT_RETURN_CLOSE, "1042", {
		{ "rma", "1042-R1" }, { "decision", "reject" },
		{ "reason", "not ours" } } },
	{ STMT_SHOP_CLOCK, NULL, { { "answers", "2036-11-22T10:31:07Z" } } },
	{ STMT_SHOP_WITNESSES, NULL, {
		{ "witness", "witness.example/w1+55bdbaea+BBKKjhL3lBIAQTod9iy"
			     "EfS/sJi8EekBObZ9v5CMMW6Ya" },
		{ "quorum", "1" } } },
	{ STMT_SHOP_LOG_KEY, NULL, {
		{ "log-key", "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsV"
			     "kmqq/LDE4izWy10TW" } } },
	{ STMT_ROLE_DEFINE, NULL, {
		{ "role", "packer" }, { "may", "ship" },
		{ "may", "return.accept-wrong-item" } } },
	{ STMT_ORDER_AMEND, "1042", {
		{ "was-ship-line", "88 Nanjing Road" },
		{ "ship-line", "88 Nanjing Road" }, { "ship-line", "Flat 3" },
		{ "was-ship-city", "Shanghai" }, { "ship-city", "Suzhou" } } },
	{ STMT_ORDER_UNCONFIRM, "1042", {
		{ "undoes", "5f0c9a0123456789abcdef0123456789" } } },
};

/* Makes a statement of the case's kind with a fixed id and time. */
static struct statement *make(const struct kind_case *c)
{
	struct statement *st = NULL;
	struct od_err err;
	size_t i;

	if (statement_new(c->kind, "mei", KEY_FP, c->order, &st, &err) !=
	    OD_OK) {
		print_error("new: %s\n", err.msg);
		fail();
	}
	assert_int_equal(statement_set_id(st, ID_HEX, &err), OD_OK);
	assert_int_equal(statement_set_time(st, TIME_STR, &err), OD_OK);
	for (i = 0; c->fields[i].name != NULL; i++) {
		if (statement_add(st, c->fields[i].name, c->fields[i].value,
				  &err) != OD_OK) {
			print_error("add %s: %s\n", c->fields[i].name,
				    err.msg);
			fail();
		}
	}
	return st;
}

/* build -> parse -> build is byte-identical for every kind, fields equal. */
static void test_round_trip_every_kind(void **state)
{
	int seen[STMT_KIND_COUNT] = { 0 };
	size_t i, k;

	for (i = 0; i < sizeof kind_cases / sizeof kind_cases[0]; i++) {
		const struct kind_case *c = &kind_cases[i];
		struct statement *st = make(c), *st2;
		struct buf b1, b2;

		build_ok(st, &b1);
		st2 = parse_ok(b1.data, b1.len);
		assert_same(st, st2);
		build_ok(st2, &b2);
		assert_int_equal(b1.len, b2.len);
		assert_memory_equal(b1.data, b2.data, b1.len);
		for (k = 0; c->fields[k].name != NULL; k++)
			assert_string_equal(st2->fields[k].value,
					    c->fields[k].value);
		assert_int_equal(st2->nfields, k);
		seen[c->kind] = 1;
		statement_free(st);
		statement_free(st2);
		buf_free(&b1);
		buf_free(&b2);
	}
	for (k = 0; k < STMT_KIND_COUNT; k++)
		assert_true(seen[k]);
}

/* The exact bytes of one statement: the format itself is fixed. */
static void test_golden_text(void **state)
{
	static const char want[] =
		"orderdesk-statement/1\n"
		"id: 0123456789abcdef0123456789abcdef\n"
		"kind: shipment.confirm\n"
		"order: 1042\n"
		"actor: mei\n"
		"key: " KEY_FP "\n"
		"time: 2026-11-22T10:31:07Z\n"
		"prev: none\n"
		"carrier: Yamato\n"
		"tracking: 1234-5678-9012\n"
		"item: MUG-7 1\n"
		"item: TEA-01 3\n";
	struct statement *st = make(&kind_cases[10]);
	struct buf b;
	struct od_err err;

	assert_int_equal(st->kind, STMT_SHIPMENT_CONFIRM);
	/* build appends: what was there stays. */
	buf_init(&b, STMT_MAX_BYTES * 2);
	assert_int_equal(buf_adds(&b, "X", &err), OD_OK);
	assert_int_equal(statement_build(st, &b, &err), OD_OK);
	assert_string_equal(b.data + 1, want);
	assert_int_equal(b.data[0], 'X');
	buf_free(&b);
	statement_free(st);
}

struct bad_case {
	const char *name;
	const char *text;
	size_t len;        /* 0: strlen(text) */
	const char *msg;   /* expected start of the message */
};

static const struct bad_case bad_cases[] = {
	{ "empty", "", 0, "statement: is empty" },
	{ "missing magic", ID "kind: order.confirm\n", 0,
	  "statement line 1: not an orderdesk statement" },
	{ "other version", "orderdesk-statement/2\n" ID, 0,
	  "statement line 1: not an orderdesk statement" },
	{ "magic with space", "orderdesk-statement/1 \n" ID, 0,
	  "statement line 1: not an orderdesk statement" },
	{ "only magic", MAGIC, 0,
	  "statement line 2: the text ends before the \"id:\" line" },
	{ "crlf magic", "orderdesk-statement/1\r\n" ID, 0,
	  "statement line 1: ends in CR" },
	{ "crlf body", HDR_O("order.cancel") "reason: SECRET\r\n", 0,
	  "statement line 9: ends in CR" },
	{ "cr inside value", HDR_O("order.cancel") "reason: SEC\rRET\n", 0,
	  "statement line 9: reason: contains a control character at byte 4" },
	{ "trailing space", HDR_O("order.cancel") "reason: SECRET \n", 0,
	  "statement line 9: reason: ends with a space" },
	{ "leading space", HDR_O("order.cancel") "reason:  SECRET\n", 0,
	  "statement line 9: reason: starts with a space" },
	{ "only a space", HDR_O("order.cancel") "reason:  \n", 0,
	  "statement line 9: reason: starts with a space" },
	{ "empty value", HDR_O("order.cancel") "reason: \n", 0,
	  "statement line 9: reason: is empty" },
	{ "no space after colon", HDR_O("order.cancel") "reason:SECRET\n", 0,
	  "statement line 9: not a \"name: value\" line" },
	{ "no colon", HDR_O("order.cancel") "reason SECRET\n", 0,
	  "statement line 9: not a \"name: value\" line" },
	{ "upper-case name", HDR_O("order.cancel") "Reason: SECRET\n", 0,
	  "statement line 9: not a \"name: value\" line" },
	{ "space before colon", HDR_O("order.cancel") "reason : SECRET\n", 0,
	  "statement line 9: not a \"name: value\" line" },
	{ "header value trailing space", MAGIC "id: " ID_HEX " \n", 0,
	  "statement line 2: id: must be exactly 32" },
	{ "missing final newline", HDR_O("order.cancel") "reason: SECRET", 0,
	  "statement line 9: missing final newline" },
	{ "missing final newline in header",
	  MAGIC ID "kind: order.confirm", 0,
	  "statement line 3: missing final newline" },
	{ "extra blank line at end", HDR_O("order.cancel") "reason: x\n\n", 0,
	  "statement line 10: blank line" },
	{ "blank line after header", HDR_O("order.cancel") "\nreason: x\n", 0,
	  "statement line 9: blank line" },
	{ "blank line in header", MAGIC "\n" ID, 0,
	  "statement line 2: blank line" },
	{ "trailing bytes", HDR_O("order.confirm") "SECRET", 0,
	  "statement line 9: missing final newline" },
	{ "unknown kind", MAGIC ID "kind: order.explode\n", 0,
	  "statement line 3: unknown statement kind" },
	{ "kind case", MAGIC ID "kind: Order.confirm\n", 0,
	  "statement line 3: unknown statement kind" },
	{ "long kind", MAGIC ID "kind: order.confirmorder.confirmorder.confirm\n",
	  0, "statement line 3: unknown statement kind" },
	{ "unknown field", HDR_O("order.cancel") "colour: SECRET\n", 0,
	  "statement line 9: unknown field for kind order.cancel" },
	{ "field on kind without fields",
	  HDR_O("order.confirm") "reason: SECRET\n", 0,
	  "statement line 9: unknown field for kind order.confirm" },
	{ "field of another kind", HDR_O("order.cancel") "text: SECRET\n", 0,
	  "statement line 9: unknown field for kind order.cancel" },
	{ "header field in body", HDR_O("order.cancel") "reason: x\nactor: bob\n",
	  0, "statement line 10: \"actor:\" belongs in the header" },
	{ "field out of order", HDR_O("order.placed")
	  "currency: CNY\nplaced: 2026-11-21T08:00:00Z\n", 0,
	  "statement line 9: missing field \"placed\"" },
	{ "field out of order later", HDR_O("order.placed") PLACED_HEAD
	  PLACED_SHIP PLACED_ITEM PLACED_TAIL "currency: CNY\n", 0,
	  "statement line 18: field \"currency\" is out of order" },
	{ "optional field out of order", HDR_O("order.placed") PLACED_HEAD
	  "phone: 1\nemail: a@b\n", 0,
	  "statement line 13: field \"email\" is out of order" },
	{ "duplicate field", HDR_O("order.cancel")
	  "reason: a\nreason: b\n", 0,
	  "statement line 10: field \"reason\" appears more than once" },
	{ "duplicate optional", HDR_O("order.placed") PLACED_HEAD
	  "email: a@b\nemail: a@b\n", 0,
	  "statement line 13: field \"email\" appears more than once" },
	{ "duplicate total", PLACED_OK PLACED_TAIL, 0,
	  "statement line 18: field \"total\" appears more than once" },
	{ "five ship-lines", HDR_O("order.placed") PLACED_HEAD
	  "ship-name: W\nship-line: 1\nship-line: 2\nship-line: 3\n"
	  "ship-line: 4\nship-line: 5\n", 0,
	  "statement line 17: field \"ship-line\" appears more than 4 times" },
	{ "missing required at end", HDR_O("order.cancel"), 0,
	  "statement line 9: missing field \"reason\"" },
	{ "missing total", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  PLACED_ITEM, 0, "statement line 17: missing field \"total\"" },
	{ "missing items", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  PLACED_TAIL, 0,
	  "statement line 16: missing field \"item\" (it comes before \"total\")" },
	/* Half a ship-to passes here; order.c refuses it (test-noship). */
	{ "ship-line after ship-city", HDR_O("order.placed") PLACED_HEAD
	  "ship-name: W\nship-city: X\nship-line: Y\n", 0,
	  "statement line 14: field \"ship-line\" is out of order" },
	{ "order line on kind without", MAGIC ID "kind: user.revoke\n"
	  "order: 1042\nactor: mei\n" KEY TIME "user: ana\n", 0,
	  "statement line 4: kind user.revoke has no \"order:\" line" },
	{ "order line missing", MAGIC ID "kind: order.cancel\nactor: mei\n"
	  KEY TIME "reason: x\n", 0,
	  "statement line 4: kind order.cancel needs an \"order:\" line here" },
	{ "header out of order", MAGIC "kind: order.confirm\n" ID, 0,
	  "statement line 2: expected the \"id:\" line here" },
	{ "key before actor", MAGIC ID "kind: order.confirm\norder: 1\n" KEY,
	  0, "statement line 5: expected the \"actor:\" line here" },
	{ "duplicate id", MAGIC ID ID, 0,
	  "statement line 3: expected the \"kind:\" line here" },
	{ "header missing time", MAGIC ID "kind: user.revoke\nactor: mei\n"
	  KEY "user: ana\n", 0,
	  "statement line 6: expected the \"time:\" line here" },
	{ "header missing prev", MAGIC ID "kind: user.revoke\nactor: mei\n"
	  KEY "time: " TIME_STR "\nuser: ana\n", 0,
	  "statement line 7: expected the \"prev:\" line here" },
	{ "prev upper-case", MAGIC ID "kind: user.revoke\nactor: mei\n"
	  KEY "time: " TIME_STR "\nprev: 00112233445566778899aabbccddeeff "
	  "0F1E2D3C4B5A69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	  "\nuser: ana\n", 0,
	  "statement line 7: prev: must be \"none\" or an id and a SHA-256" },
	{ "prev without its id", MAGIC ID "kind: user.revoke\nactor: mei\n"
	  KEY "time: " TIME_STR "\nprev: 0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	  "0f1e2d3c4b5a69788796a5b4c3d2e1f0\nuser: ana\n", 0,
	  "statement line 7: prev: must be" },
	{ "prev None", MAGIC ID "kind: user.revoke\nactor: mei\n"
	  KEY "time: " TIME_STR "\nprev: None\nuser: ana\n", 0,
	  "statement line 7: prev: must be" },
	{ "prev short", MAGIC ID "kind: user.revoke\nactor: mei\n"
	  KEY "time: " TIME_STR "\nprev: 00\nuser: ana\n", 0,
	  "statement line 7: prev: must be" },
	{ "id upper-case", MAGIC "id: 0123456789ABCDEF0123456789abcdef\n", 0,
	  "statement line 2: id: must be exactly 32 lower-case hex digits" },
	{ "id short", MAGIC "id: 0123456789abcdef0123456789abcde\n", 0,
	  "statement line 2: id: must be" },
	{ "id long", MAGIC "id: 0123456789abcdef0123456789abcdef0\n", 0,
	  "statement line 2: id: must be" },
	{ "id not hex", MAGIC "id: 0123456789abcdef0123456789abcdeg\n", 0,
	  "statement line 2: id: must be" },
	{ "key sha1", MAGIC ID "kind: order.confirm\norder: 1\nactor: mei\n"
	  "key: sha1:00112233445566778899aabbccddeeff001122334455667788"
	  "99aabbccddeeff\n", 0, "statement line 6: key: must be" },
	{ "key upper-case", MAGIC ID "kind: order.confirm\norder: 1\nactor: mei\n"
	  "key: sha256:00112233445566778899AABBCCDDEEFF00112233445566778899"
	  "aabbccddeeff\n", 0, "statement line 6: key: must be" },
	{ "key short", MAGIC ID "kind: order.confirm\norder: 1\nactor: mei\n"
	  "key: sha256:00112233445566778899aabbccddeeff00112233445566778899"
	  "aabbccddeef\n", 0, "statement line 6: key: must be" },
	{ "actor upper-case", MAGIC ID "kind: order.confirm\norder: 1\n"
	  "actor: Mei\n", 0, "statement line 5: actor: must be" },
	{ "actor digit first", MAGIC ID "kind: order.confirm\norder: 1\n"
	  "actor: 1mei\n", 0, "statement line 5: actor: must be" },
	{ "actor 33 bytes", MAGIC ID "kind: order.confirm\norder: 1\n"
	  "actor: abcdefghijabcdefghijabcdefghijabc\n", 0,
	  "statement line 5: actor: must be" },
	{ "actor punctuation", MAGIC ID "kind: order.confirm\norder: 1\n"
	  "actor: mei!\n", 0, "statement line 5: actor: must be" },
	{ "order with space", MAGIC ID "kind: order.confirm\norder: 10 42\n",
	  0, "statement line 4: order: must be" },
	{ "order with hash", MAGIC ID "kind: order.confirm\norder: #1042\n",
	  0, "statement line 4: order: must be" },
	{ "order 33 bytes", MAGIC ID "kind: order.confirm\n"
	  "order: 123456789012345678901234567890123\n", 0,
	  "statement line 4: order: must be" },
	{ "esc sequence", HDR_O("order.cancel") "reason: SECRET\x1b[2J\n", 0,
	  "statement line 9: reason: contains a control character at byte 7" },
	{ "osc", HDR_O("order.note") "text: \x1b]0;SECRET\x07\n", 0,
	  "statement line 9: text: contains a control character at byte 1" },
	{ "tab", HDR_O("order.cancel") "reason: SECRET\tx\n", 0,
	  "statement line 9: reason: contains a control character" },
	{ "del", HDR_O("order.cancel") "reason: SECRET\x7f\n", 0,
	  "statement line 9: reason: contains a control character" },
	{ "c1 csi", HDR_O("order.cancel") "reason: SECRET\xc2\x9b" "2J\n", 0,
	  "statement line 9: reason: contains a control character at byte 7" },
	{ "bidi override", HDR_O("order.cancel") "reason: \xe2\x80\xaeSECRET\n",
	  0, "statement line 9: reason: contains a control character" },
	{ "bidi isolate", HDR_O("order.cancel") "reason: a\xe2\x81\xa6SECRET\n",
	  0, "statement line 9: reason: contains a control character" },
	{ "rlm", HDR_O("order.cancel") "reason: a\xe2\x80\x8fSECRET\n",
	  0, "statement line 9: reason: contains a control character" },
	{ "alm", HDR_O("order.cancel") "reason: a\xd8\x9cSECRET\n",
	  0, "statement line 9: reason: contains a control character" },
	{ "line separator", HDR_O("order.cancel") "reason: a\xe2\x80\xa8SECRET\n",
	  0, "statement line 9: reason: contains a control character" },
	{ "bom", HDR_O("order.cancel") "reason: \xef\xbb\xbfSECRET\n",
	  0, "statement line 9: reason: contains a control character" },
	{ "control in header", MAGIC ID "kind: order.confirm\norder: 1\n"
	  "actor: m\x1b\n", 0,
	  "statement line 5: actor: contains a control character at byte 2" },
	{ "invalid utf-8", HDR_O("order.cancel") "reason: SECRET\xff\n", 0,
	  "statement line 9: reason: is not valid UTF-8 at byte 7" },
	{ "latin-1", HDR_O("order.cancel") "reason: caf\xe9 SECRET\n", 0,
	  "statement line 9: reason: is not valid UTF-8 at byte 4" },
	{ "overlong", HDR_O("order.cancel") "reason: SECRET\xc0\xaf\n", 0,
	  "statement line 9: reason: is not valid UTF-8 at byte 7" },
	{ "overlong newline", HDR_O("order.cancel") "reason: a\xc0\x8a" "b\n", 0,
	  "statement line 9: reason: is not valid UTF-8 at byte 2" },
	{ "surrogate", HDR_O("order.cancel") "reason: \xed\xa0\x80SECRET\n", 0,
	  "statement line 9: reason: is not valid UTF-8 at byte 1" },
	{ "truncated before newline", HDR_O("order.cancel")
	  "reason: SECRET\xe7\x8e\n", 0,
	  "statement line 9: reason: is not valid UTF-8 at byte 7" },
	{ "invalid utf-8 in magic", "orderdesk-statement/1\xff\n", 0,
	  "statement line 1: not an orderdesk statement" },
	{ "nul in value", HDR_O("order.cancel") "reason: SEC\0RET\n",
	  sizeof(HDR_O("order.cancel") "reason: SEC\0RET\n") - 1,
	  "statement line 9: reason: contains a control character at byte 4" },
	{ "nul at end", HDR_O("order.confirm") "\0",
	  sizeof(HDR_O("order.confirm") "\0") - 1,
	  "statement line 9: missing final newline" },
	{ "nul in name", HDR_O("order.cancel") "rea\0son: x\n",
	  sizeof(HDR_O("order.cancel") "rea\0son: x\n") - 1,
	  "statement line 9: not a \"name: value\" line" },
	{ "nul in header", MAGIC "id: 0123456789abcdef\0" "0123456789abcdef\n",
	  sizeof(MAGIC "id: 0123456789abcdef\0" "0123456789abcdef\n") - 1,
	  "statement line 2: id: contains a control character at byte 17" },
	{ "qty 0", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 0 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "qty -1", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 -1 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "qty 01", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 01 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "qty +1", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 +1 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "qty 100001", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 100001 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "qty huge", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 99999999999999999999999 2500 Green tea\n" PLACED_TAIL,
	  0, "statement line 16: item: quantity must be" },
	{ "qty fullwidth digit", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 \xef\xbc\x91 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "price 01", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 01 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: unit price must be" },
	{ "price negative", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 -5 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: unit price must be" },
	{ "price decimal point", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 25.00 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: unit price must be" },
	{ "price over 10^12", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 1000000000001 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: unit price must be" },
	{ "sku with space", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA 01 2 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "sku with star", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA*01 2 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: SKU must be" },
	{ "sku non-ascii", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA\xc3\xa9 2 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: SKU must be" },
	{ "sku 65 bytes", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  " 2 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: SKU must be" },
	{ "item leading space", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item:  TEA-01 2 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: SKU must be" },
	{ "item double space", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01  2 2500 Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: quantity must be" },
	{ "item name leading space", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 2500  Green tea\n" PLACED_TAIL, 0,
	  "statement line 16: item: the name starts or ends with a space" },
	{ "item without name", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 2500\n" PLACED_TAIL, 0,
	  "statement line 16: item: must be \"SKU QUANTITY UNIT_PRICE NAME\"" },
	{ "item empty name", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01 2 2500 \n" PLACED_TAIL, 0,
	  "statement line 16: item: must be \"SKU QUANTITY UNIT_PRICE NAME\"" },
	{ "item sku only", HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
	  "item: TEA-01\n" PLACED_TAIL, 0,
	  "statement line 16: item: must be \"SKU QUANTITY UNIT_PRICE NAME\"" },
	{ "currency lower-case", HDR_O("order.placed")
	  "placed: 2026-11-21T08:00:00Z\ncurrency: cny\n", 0,
	  "statement line 10: currency: must be three upper-case letters" },
	{ "currency two letters", HDR_O("order.placed")
	  "placed: 2026-11-21T08:00:00Z\ncurrency: CN\n", 0,
	  "statement line 10: currency: must be" },
	{ "country three letters", HDR_O("order.placed") PLACED_HEAD
	  "ship-name: W\nship-line: 1\nship-city: X\nship-country: CHN\n", 0,
	  "statement line 15: ship-country: must be two upper-case letters" },
	{ "placed feb 29 2025", HDR_O("order.placed")
	  "placed: 2025-02-29T08:00:00Z\n", 0,
	  "statement line 9: placed: must be a real UTC time" },
	{ "genesis role staff", HDR("shop.genesis") "shop: T\nrole: staff\n", 0,
	  "statement line 9: role: must be owner" },
	{ "user.add role Admin", HDR("user.add") "user: ana\nrole: Admin\n", 0,
	  "statement line 9: role: a role's name is 1 to 15 of a-z" },
	{ "role.define shadows staff", HDR("role.define") "role: staff\n"
	  "may: ship\n", 0, "statement line 8: role: staff is a built-in "
	  "role and cannot be redefined; choose another name" },
	{ "role.define may fly", HDR("role.define") "role: packer\n"
	  "may: fly\n", 0, "statement line 9: may: no permission \"fly\"" },
	{ "role.define may nothing", HDR("role.define") "role: packer\n", 0,
	  "statement" },
	{ "user.role role case", HDR("user.role") "user: ana\nrole: Owner\n", 0,
	  "statement line 9: role: a role's name" },
	{ "user bad name", HDR("user.revoke") "user: Ana\n", 0,
	  "statement line 8: user: must be" },
	{ "pubkey pad bits", HDR("user.add") "user: ana\nrole: staff\n"
	  "pubkey: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n", 0,
	  "statement line 10: pubkey: must be the base64 of a 32-byte" },
	{ "pubkey 31 bytes", HDR("user.add") "user: ana\nrole: staff\n"
	  "pubkey: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", 0,
	  "statement line 10: pubkey: must be" },
	{ "pubkey 33 bytes", HDR("user.add") "user: ana\nrole: staff\n"
	  "pubkey: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\n", 0,
	  "statement line 10: pubkey: must be" },
	{ "pubkey url-safe", HDR("user.add") "user: ana\nrole: staff\n"
	  "pubkey: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-=\n", 0,
	  "statement line 10: pubkey: must be" },
	{ "shop 129 bytes", HDR("shop.genesis") "shop: "
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
	  0, "statement line 8: shop: is longer than 128 bytes" },
	{ "tracking with space", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: SF 123\n", 0,
	  "statement line 10: tracking: must be 1 to 64" },
	{ "tracking underscore", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: SF_123\n", 0, "statement line 10: tracking: must be" },
	{ "tracking 65 bytes", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: 12345678901234567890123456789012345678901234567890"
	  "123456789012345\n", 0, "statement line 10: tracking: must be" },
	{ "carrier 65 bytes", HDR_O("shipment.confirm") "carrier: "
	  "12345678901234567890123456789012345678901234567890123456789012345\n",
	  0, "statement line 9: carrier: is longer than 64 bytes" },
	{ "ship item with price", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: SF1\nitem: TEA-01 2 2500\n", 0,
	  "statement line 11: item: quantity must be" },
	{ "ship item qty 0", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: SF1\nitem: TEA-01 0\n", 0,
	  "statement line 11: item: quantity must be" },
	{ "ship item no qty", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: SF1\nitem: TEA-01\n", 0,
	  "statement line 11: item: must be \"SKU QUANTITY\"" },
	{ "ship item missing", HDR_O("shipment.confirm") "carrier: SF\n"
	  "tracking: SF1\n", 0, "statement line 11: missing field \"item\"" },
	{ "unconfirm names nothing", HDR_O("order.unconfirm"), 0,
	  "statement line 9: missing field \"undoes\"" },
	{ "unconfirm names no id", HDR_O("order.unconfirm")
	  "undoes: 5F0C9A0123456789ABCDEF0123456789\n", 0,
	  "statement line 9: undoes: must be a statement id" },
};

/* Header-value cases spliced at run time: time values that do not exist. */
static const char *const bad_times[] = {
	"2025-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2100-02-29T10:00:00Z",
	"1900-02-29T10:00:00Z", "2026-02-30T10:00:00Z", "2026-06-31T10:00:00Z",
	"2026-11-22T24:00:00Z", "2026-11-22T23:60:00Z", "2026-11-22T23:59:60Z",
	"2026-13-01T10:00:00Z", "2026-00-01T10:00:00Z", "2026-04-31T10:00:00Z",
	"2026-01-00T10:00:00Z", "2026-01-32T10:00:00Z", "1969-12-31T23:59:59Z",
	"2026-11-22 10:31:07Z", "2026-11-22T10:31:07", "2026-11-22t10:31:07z",
	"2026-11-22T10:31:07.5Z", "2026-11-22T10:31:07+00:00",
	"2026-1-22T10:31:07Z", "+026-11-22T10:31:07Z", "2026-11-22T10:31:0xZ",
};

/* Checks one refused text: the code, no statement, the message. */
static void expect_refused(const char *name, const char *text, size_t len,
			   const char *msg)
{
	struct statement *st = (struct statement *)1;
	struct od_err err;
	enum od_code rc;

	od_err_clear(&err);
	rc = statement_parse(text, len, &st, &err);
	if (rc != OD_E_INPUT || st != NULL || err.code != OD_E_INPUT ||
	    (msg != NULL && strncmp(err.msg, msg, strlen(msg)) != 0)) {
		print_error("case \"%s\": rc %d, message \"%s\", expected \"%s\"\n",
			    name, (int)rc, err.msg, msg ? msg : "(any)");
		fail();
	}
	/* Never echo the value. */
	CHECK(strstr(err.msg, "SECRET") == NULL, name);
	CHECK(strncmp(err.msg, "statement", 9) == 0, name);
}

/* The long table of texts that must be refused. */
static void test_refused_texts(void **state)
{
	size_t i;

	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];

		expect_refused(c->name, c->text,
			       c->len ? c->len : strlen(c->text), c->msg);
	}
}

/* Every time that does not exist is refused in the header and as placed. */
static void test_refused_times(void **state)
{
	char text[1024];
	size_t i;

	for (i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		snprintf(text, sizeof text,
			 MAGIC ID "kind: order.confirm\norder: 1\nactor: mei\n"
			 KEY "time: %s\n", bad_times[i]);
		expect_refused(bad_times[i], text, strlen(text),
			       "statement line 7: time: must be a real UTC time");
		snprintf(text, sizeof text,
			 HDR_O("order.placed") "placed: %s\n", bad_times[i]);
		expect_refused(bad_times[i], text, strlen(text),
			       "statement line 9: placed: must be a real UTC time");
	}
}

/* Totals: no leading zeros, no sign, at most 10^15. */
static void test_refused_totals(void **state)
{
	static const char *const bad[] = {
		"01", "-1", "+1", "1000000000000001", "1e3", "1 000", "0x10",
		"10000000000000000000000",
	};
	char text[2048];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text,
			 HDR_O("order.placed") PLACED_HEAD PLACED_SHIP
			 PLACED_ITEM "total: %s\n", bad[i]);
		expect_refused(bad[i], text, strlen(text),
			       "statement line 17: total: must be a whole number");
	}
}

/* Makes an order.placed text with n items (caller frees). */
static char *placed_with_items(size_t n, const char *name)
{
	struct buf b;
	struct od_err err;
	size_t i;

	buf_init(&b, 16 * 1024 * 1024);
	assert_int_equal(buf_adds(&b, HDR_O("order.placed") PLACED_HEAD
				  PLACED_SHIP, &err), OD_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_addf(&b, &err, "item: SKU-%zu 1 100 %s\n",
					  i, name), OD_OK);
	assert_int_equal(buf_addf(&b, &err, "total: %zu\n", n * 100), OD_OK);
	return buf_take(&b);
}

/* 500 items are fine; 501 are refused, as are 1101 lines. */
static void test_item_limits(void **state)
{
	char *text = placed_with_items(500, "Tea");
	struct statement *st = parse_ok(text, strlen(text));
	struct buf b;

	build_ok(st, &b);
	assert_string_equal(b.data, text);
	buf_free(&b);
	statement_free(st);
	free(text);

	text = placed_with_items(501, "Tea");
	expect_refused("501 items", text, strlen(text),
		       "statement line 516: field \"item\" appears more than 500 times");
	free(text);

	text = placed_with_items(STMT_MAX_FIELDS + 10, "Tea");
	expect_refused("too many lines", text, strlen(text), "statement line");
	free(text);
}

/* A text over 64 KiB is refused before anything else is looked at. */
static void test_size_cap(void **state)
{
	char name[1001];
	char *text;

	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	text = placed_with_items(80, name);
	assert_true(strlen(text) > STMT_MAX_BYTES);
	expect_refused("over 64 KiB", text, strlen(text),
		       "statement: is longer than 65536 bytes");
	/* Even a valid prefix with junk after it: the length alone decides. */
	expect_refused("length only", text, STMT_MAX_BYTES + 1,
		       "statement: is longer than 65536 bytes");
	free(text);
}

/*
 * Every single-byte change of a valid text is either refused or builds back
 * to exactly the changed bytes: the parser accepts only canonical text.
 */
static void test_mutations_stay_canonical(void **state)
{
	static const char subst[] = {
		'\0', ' ', '\n', '\r', '\t', 'A', 'z', '0', '9', ':', '-',
		'\x1b', '\x7f', (char)0x80, (char)0xc2, (char)0xff,
	};
	size_t t, i, k, accepted = 0, refused = 0;

	for (t = 0; t < sizeof valid_texts / sizeof valid_texts[0]; t++) {
		size_t len = strlen(valid_texts[t]);
		char *text = malloc(len + 1);

		assert_non_null(text);
		for (i = 0; i < len; i++) {
			for (k = 0; k < sizeof subst; k++) {
				struct statement *st = NULL;
				struct od_err err;
				struct buf b;

				memcpy(text, valid_texts[t], len + 1);
				if (text[i] == subst[k])
					continue;
				text[i] = subst[k];
				if (statement_parse(text, len, &st, &err) !=
				    OD_OK) {
					assert_int_equal(err.code, OD_E_INPUT);
					assert_null(st);
					refused++;
					continue;
				}
				build_ok(st, &b);
				assert_int_equal(b.len, len);
				assert_memory_equal(b.data, text, len);
				buf_free(&b);
				statement_free(st);
				accepted++;
			}
		}
		free(text);
	}
	/* Both outcomes happen, or the test proves nothing. */
	assert_true(accepted > 100);
	assert_true(refused > 1000);
}

/* statement_add refuses what the parser would, and says which field. */
static void test_add_refusals(void **state)
{
	struct statement *st = NULL;
	struct od_err err;

	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP, "1",
				       &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "colour", "red", &err), OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: unknown field for kind order.placed");
	assert_int_equal(statement_add(st, "currency", "CNY", &err),
			 OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: missing field \"placed\" (it comes before \"currency\")");
	assert_int_equal(statement_add(st, "placed", "2025-02-29T00:00:00Z",
				       &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "placed", "2024-02-29T00:00:00Z",
				       &err), OD_OK);
	assert_int_equal(statement_add(st, "placed", "2024-02-29T00:00:00Z",
				       &err), OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: field \"placed\" appears more than once");
	assert_int_equal(statement_add(st, "currency", "CNY", &err), OD_OK);
	assert_int_equal(statement_add(st, "customer", "a\x1b[2Jb", &err),
			 OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: customer: contains a control character at byte 2");
	assert_int_equal(statement_add(st, "customer", " Wang", &err),
			 OD_E_INPUT);
	assert_int_equal(statement_add(st, "customer", "Wang", &err), OD_OK);
	assert_int_equal(statement_add(st, "placed", "2024-02-29T00:00:00Z",
				       &err), OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: field \"placed\" is out of order (it comes before \"customer\")");
	assert_int_equal(statement_add(st, "phone", "1", &err), OD_OK);
	assert_int_equal(statement_add(st, "email", "a@b", &err), OD_E_INPUT);
	assert_int_equal(st->nfields, 4);
	assert_string_equal(statement_get(st, "customer"), "Wang");
	assert_string_equal(statement_get(st, "phone"), "1");
	assert_null(statement_get(st, "email"));
	statement_free(st);
}

/* The money fields take only what they say: amounts, methods, states. */
static void test_money_refusals(void **state)
{
	struct statement *st = NULL;
	struct od_err err;

	assert_int_equal(statement_new(STMT_PAYMENT_RECEIVE, "mei", KEY_FP,
				       "1", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "amount", "0", &err), OD_E_INPUT);
	assert_string_equal(err.msg, "statement: amount: must be a whole "
			    "number of minor units from 1 to "
			    "1000000000000000 without leading zeros");
	assert_int_equal(statement_add(st, "amount", "25.00", &err),
			 OD_E_INPUT);
	assert_int_equal(statement_add(st, "amount", "-5", &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "amount", "2500", &err), OD_OK);
	assert_int_equal(statement_add(st, "method", "bitcoin", &err),
			 OD_E_INPUT);
	assert_string_equal(err.msg, "statement: method: must be card, bank, "
			    "cash, cod or other");
	assert_int_equal(statement_add(st, "method", "cash", &err), OD_OK);
	statement_free(st);
	/* A refund needs its reason before any item. */
	assert_int_equal(statement_new(STMT_PAYMENT_REFUND, "mei", KEY_FP,
				       "1", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "amount", "1", &err), OD_OK);
	assert_int_equal(statement_add(st, "item", "TEA 1", &err),
			 OD_E_INPUT);
	assert_int_equal(statement_add(st, "reason", "late", &err), OD_OK);
	assert_int_equal(statement_add(st, "item", "TEA 0", &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "item", "TEA 1", &err), OD_OK);
	statement_free(st);
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP, "1",
				       &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "payment", "unpaid", &err),
			 OD_E_INPUT);
	statement_free(st);
	/* An imported order's source and hash, after its other fields. */
	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP, "1",
				       &st, &err), OD_OK);
	{
		static const char *const f[][2] = {
			{ "placed", "2026-11-20T09:15:30Z" },
			{ "currency", "EUR" }, { "customer", "Ana" },
			{ "ship-name", "Ana" }, { "ship-line", "C 1" },
			{ "ship-city", "M" }, { "ship-country", "ES" },
			{ "item", "TEA 1 100 Tea" }, { "total", "100" },
		};
		size_t i;

		for (i = 0; i < sizeof f / sizeof f[0]; i++)
			assert_int_equal(statement_add(st, f[i][0], f[i][1],
						       &err), OD_OK);
	}
	assert_int_equal(statement_add(st, "source", "magento", &err),
			 OD_E_INPUT);
	assert_string_equal(err.msg, "statement: source: must be "
			    "woocommerce, shopify, amazon or etsy");
	assert_int_equal(statement_add(st, "source", "etsy", &err), OD_OK);
	assert_int_equal(statement_add(st, "source-hash", "sha256:ABCD",
				       &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "source-hash", "sha256:"
				       "370E8927efde6d03b1399f120196e39dfd0c4"
				       "5116ff097ef5a0623b9f9b8517b", &err),
			 OD_E_INPUT);
	statement_free(st);
	assert_int_equal(statement_new(STMT_SHIPMENT_CONFIRM, "mei", KEY_FP,
				       "1", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "carrier", "SF", &err), OD_OK);
	assert_int_equal(statement_add(st, "tracking", "SF1", &err), OD_OK);
	assert_int_equal(statement_add(st, "serial", "A 1", &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "item", "A 1", &err), OD_OK);
	assert_int_equal(statement_add(st, "serial", "A", &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "serial", "A S N", &err),
			 OD_E_INPUT);
	assert_string_equal(err.msg, "statement: serial: the serial must be 1 "
			    "to 64 characters of A-Z, a-z, 0-9, '.', '_', '/' "
			    "or '-'");
	assert_int_equal(statement_add(st, "serial", "A SN-1", &err), OD_OK);
	statement_free(st);
	assert_int_equal(statement_new(STMT_RETURN_RECEIVE, "mei", KEY_FP,
				       "1", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "rma", "1 R1", &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "rma", "1-R1", &err), OD_OK);
	assert_int_equal(statement_add(st, "condition", "fine", &err),
			 OD_E_INPUT);
	assert_int_equal(statement_add(st, "condition", "ok", &err), OD_OK);
	assert_int_equal(statement_add(st, "item", "A 0", &err), OD_E_INPUT);
	assert_int_equal(statement_add(st, "item", "A 1 S N", &err),
			 OD_E_INPUT);
	assert_int_equal(statement_add(st, "item", "A 1 SN", &err), OD_OK);
	statement_free(st);
}

/* A builder missing a required field, or with a bad value, makes nothing. */
static void test_build_refusals(void **state)
{
	struct statement *st;
	struct buf b;
	struct od_err err;
	char *saved;
	size_t k;

	buf_init(&b, STMT_MAX_BYTES);
	assert_int_equal(buf_adds(&b, "keep", &err), OD_OK);

	/* Incomplete. */
	st = make(&(struct kind_case){ STMT_ORDER_CANCEL, "1", { { NULL, NULL } } });
	assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
	assert_string_equal(err.msg, "statement: missing field \"reason\"");
	statement_free(st);

	/* Every kind case with one thing broken in its public struct. */
	for (k = 0; k < sizeof kind_cases / sizeof kind_cases[0]; k++) {
		st = make(&kind_cases[k]);
		strcpy(st->time, "2025-02-29T10:00:00Z");
		assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
		strcpy(st->time, TIME_STR);
		strcpy(st->actor, "Mei");
		assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
		strcpy(st->actor, "mei");
		st->id[5] = 'G';
		assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
		st->id[5] = '5';
		st->key[7] = 'A';
		assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
		st->key[7] = '0';
		if (statement_kind_has_order(st->kind)) {
			strcpy(st->order, "");
			assert_int_equal(statement_build(st, &b, &err),
					 OD_E_INPUT);
			strcpy(st->order, "10 42");
			assert_int_equal(statement_build(st, &b, &err),
					 OD_E_INPUT);
			strcpy(st->order, "1042");
		} else {
			strcpy(st->order, "1042");
			assert_int_equal(statement_build(st, &b, &err),
					 OD_E_INPUT);
			strcpy(st->order, "");
		}
		st->kind = STMT_KIND_COUNT;
		assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
		st->kind = kind_cases[k].kind;
		if (st->nfields > 0) {
			saved = st->fields[0].value;
			st->fields[0].value = "bad\x1b[31m";
			assert_int_equal(statement_build(st, &b, &err),
					 OD_E_INPUT);
			assert_non_null(strstr(err.msg, "control character"));
			st->fields[0].value = saved;
			st->fields[0].name = "bogus";
			assert_int_equal(statement_build(st, &b, &err),
					 OD_E_INPUT);
			st->fields[0].name = kind_cases[k].fields[0].name;
		}
		/* Refusals left out alone; restored, st builds again. */
		assert_int_equal(b.len, 4);
		assert_int_equal(statement_build(st, &b, &err), OD_OK);
		b.len = 4;
		b.data[4] = '\0';
		statement_free(st);
	}
	assert_string_equal(b.data, "keep");
	buf_free(&b);
}

/* A statement over 64 KiB cannot be built, and out is left as it was. */
static void test_build_size_cap(void **state)
{
	struct statement *st = NULL;
	struct buf b;
	struct od_err err;
	char value[STMT_VALUE_MAX + 1];
	size_t i;

	assert_int_equal(statement_new(STMT_SHIPMENT_CONFIRM, "mei", KEY_FP,
				       "1", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "carrier", "SF", &err), OD_OK);
	assert_int_equal(statement_add(st, "tracking", "SF1", &err), OD_OK);
	for (i = 0; i < 100; i++) {
		snprintf(value, sizeof value, "%.*s%03zu 1", 60,
			 "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
			 i);
		assert_int_equal(statement_add(st, "item", value, &err),
				 OD_OK);
	}
	buf_init(&b, 1024 * 1024);
	assert_int_equal(statement_build(st, &b, &err), OD_OK);
	assert_true(b.len < STMT_MAX_BYTES);
	buf_reset(&b);
	statement_free(st);

	assert_int_equal(statement_new(STMT_ORDER_PLACED, "mei", KEY_FP, "1",
				       &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "placed", TIME_STR, &err), OD_OK);
	assert_int_equal(statement_add(st, "currency", "EUR", &err), OD_OK);
	assert_int_equal(statement_add(st, "customer", "C", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-name", "C", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-line", "L", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-city", "X", &err), OD_OK);
	assert_int_equal(statement_add(st, "ship-country", "DE", &err), OD_OK);
	for (i = 0; i < 80; i++) {
		int n = snprintf(value, sizeof value, "S%zu 1 1 ", i);

		memset(value + n, 'n', sizeof value - 1 - (size_t)n);
		value[sizeof value - 1] = '\0';
		assert_int_equal(statement_add(st, "item", value, &err),
				 OD_OK);
	}
	assert_int_equal(statement_add(st, "total", "80", &err), OD_OK);
	assert_int_equal(statement_build(st, &b, &err), OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: is longer than 65536 bytes (too many or too long items?)");
	assert_int_equal(b.len, 0);
	statement_free(st);
	buf_free(&b);
}

/* A value is at most STMT_VALUE_MAX bytes, however it arrives. */
static void test_value_cap(void **state)
{
	char value[STMT_VALUE_MAX + 2];
	char *text;
	struct statement *st = NULL;
	struct od_err err;
	size_t n;

	assert_int_equal(statement_new(STMT_ORDER_NOTE, "mei", KEY_FP, "1",
				       &st, &err), OD_OK);
	memset(value, 'n', STMT_VALUE_MAX + 1);
	value[STMT_VALUE_MAX + 1] = '\0';
	assert_int_equal(statement_add(st, "text", value, &err), OD_E_INPUT);
	assert_string_equal(err.msg,
			    "statement: text: is longer than 1024 bytes");
	value[STMT_VALUE_MAX] = '\0';
	assert_int_equal(statement_add(st, "text", value, &err), OD_OK);
	statement_free(st);

	/* The header, "text: ", 1025 bytes of 'n' and a newline. */
	n = strlen(HDR_O("order.note") "text: ");
	text = malloc(n + STMT_VALUE_MAX + 2);
	assert_non_null(text);
	memcpy(text, HDR_O("order.note") "text: ", n);
	memset(text + n, 'n', STMT_VALUE_MAX + 1);
	n += STMT_VALUE_MAX + 2;
	text[n - 1] = '\n';
	expect_refused("1025-byte value", text, n,
		       "statement line 9: text: is longer than 1024 bytes");
	text[n - 2] = '\n';
	st = parse_ok(text, n - 1);
	statement_free(st);
	free(text);
}

/* statement_new: valid header, random ids, refusals of bad arguments. */
static void test_new(void **state)
{
	struct statement *a = NULL, *b = NULL, *c = (struct statement *)1;
	struct od_err err;
	size_t i;

	assert_int_equal(statement_new(STMT_USER_REVOKE, "mei", KEY_FP, NULL,
				       &a, &err), OD_OK);
	assert_int_equal(statement_new(STMT_USER_REVOKE, "mei", KEY_FP, "",
				       &b, &err), OD_OK);
	assert_int_equal(strlen(a->id), STMT_ID_LEN);
	for (i = 0; i < STMT_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a->id[i]));
	assert_string_not_equal(a->id, b->id);
	assert_int_equal(strlen(a->time), STMT_TIME_LEN);
	/* The fresh time is accepted by the same rules as any other. */
	assert_int_equal(statement_set_time(b, a->time, &err), OD_OK);
	assert_string_equal(a->actor, "mei");
	assert_string_equal(a->key, KEY_FP);
	assert_string_equal(a->order, "");
	assert_int_equal(a->nfields, 0);
	statement_free(a);
	statement_free(b);

	assert_int_equal(statement_new(STMT_USER_REVOKE, "mei", KEY_FP, "1",
				       &c, &err), OD_E_INPUT);
	assert_null(c);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", KEY_FP, NULL,
				       &c, &err), OD_E_INPUT);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", KEY_FP, "",
				       &c, &err), OD_E_INPUT);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", KEY_FP,
				       "123456789012345678901234567890123",
				       &c, &err), OD_E_INPUT);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "Mei", KEY_FP, "1",
				       &c, &err), OD_E_INPUT);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM,
				       "abcdefghijabcdefghijabcdefghijabc",
				       KEY_FP, "1", &c, &err), OD_E_INPUT);
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", "sha256:00",
				       "1", &c, &err), OD_E_INPUT);
	assert_int_equal(statement_new(STMT_KIND_COUNT, "mei", KEY_FP, "1",
				       &c, &err), OD_E_INPUT);
	assert_null(c);
}

/* statement_set_time and statement_set_id check what they are given. */
static void test_set_time_and_id(void **state)
{
	static const char *const good[] = {
		"2024-02-29T00:00:00Z", "2000-02-29T12:00:00Z",
		"1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2026-04-30T23:59:59Z", "2026-12-31T00:00:00Z",
	};
	struct statement *st = NULL;
	struct od_err err;
	size_t i;

	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", KEY_FP, "1",
				       &st, &err), OD_OK);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		CHECK(statement_set_time(st, good[i], &err) == OD_OK, good[i]);
		CHECK(strcmp(st->time, good[i]) == 0, good[i]);
	}
	assert_int_equal(statement_set_time(st, TIME_STR, &err), OD_OK);
	for (i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		CHECK(statement_set_time(st, bad_times[i], &err) == OD_E_INPUT,
		      bad_times[i]);
		CHECK(strcmp(st->time, TIME_STR) == 0, bad_times[i]);
	}
	assert_int_equal(statement_set_time(st, "", &err), OD_E_INPUT);
	assert_int_equal(statement_set_time(st, NULL, &err), OD_E_INPUT);

	assert_int_equal(statement_set_id(st, ID_HEX, &err), OD_OK);
	assert_string_equal(st->id, ID_HEX);
	assert_int_equal(statement_set_id(st, "0123456789ABCDEF0123456789abcdef",
					  &err), OD_E_INPUT);
	assert_int_equal(statement_set_id(st, "0123456789abcdef", &err),
			 OD_E_INPUT);
	assert_int_equal(statement_set_id(st, ID_HEX "0", &err), OD_E_INPUT);
	assert_int_equal(statement_set_id(st, NULL, &err), OD_E_INPUT);
	assert_string_equal(st->id, ID_HEX);
	statement_free(st);
}

/* Kind names and the order-line rule, both ways. */
static void test_kinds(void **state)
{
	static const struct {
		enum stmt_kind kind;
		const char *name;
		int has_order;
	} want[] = {
		{ STMT_SHOP_GENESIS, "shop.genesis", 0 },
		{ STMT_SHOP_CLOCK, "shop.clock", 0 },
		{ STMT_USER_ADD, "user.add", 0 },
		{ STMT_USER_ROLE, "user.role", 0 },
		{ STMT_USER_REVOKE, "user.revoke", 0 },
		{ STMT_USER_REKEY, "user.rekey", 0 },
		{ STMT_SHOP_WITNESSES, "shop.witnesses", 0 },
		{ STMT_SHOP_LOG_KEY, "shop.log-key", 0 },
		{ STMT_ORDER_PLACED, "order.placed", 1 },
		{ STMT_ORDER_CONFIRM, "order.confirm", 1 },
		{ STMT_ORDER_CANCEL, "order.cancel", 1 },
		{ STMT_ORDER_HOLD, "order.hold", 1 },
		{ STMT_ORDER_RELEASE, "order.release", 1 },
		{ STMT_ORDER_NOTE, "order.note", 1 },
		{ STMT_SHIPMENT_CONFIRM, "shipment.confirm", 1 },
		{ STMT_PAYMENT_RECEIVE, "payment.receive", 1 },
		{ STMT_PAYMENT_REFUND, "payment.refund", 1 },
		{ STMT_SHIPMENT_DELIVER, "shipment.deliver", 1 },
		{ STMT_RETURN_OPEN, "return.open", 1 },
		{ STMT_RETURN_RECEIVE, "return.receive", 1 },
		{ STMT_RETURN_CLOSE, "return.close", 1 },
		{ STMT_ROLE_DEFINE, "role.define", 0 },
		{ STMT_ORDER_AMEND, "order.amend", 1 },
		{ STMT_ORDER_UNCONFIRM, "order.unconfirm", 1 },
	};
	enum stmt_kind k;
	struct od_err err;
	size_t i;

	assert_int_equal(sizeof want / sizeof want[0], STMT_KIND_COUNT);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_string_equal(statement_kind_name(want[i].kind),
				    want[i].name);
		assert_int_equal(statement_kind_has_order(want[i].kind),
				 want[i].has_order);
		k = STMT_KIND_COUNT;
		assert_int_equal(statement_kind_parse(want[i].name, &k, &err),
				 OD_OK);
		assert_int_equal(k, want[i].kind);
	}
	assert_null(statement_kind_name(STMT_KIND_COUNT));
	assert_int_equal(statement_kind_has_order(STMT_KIND_COUNT), 0);
	assert_int_equal(statement_kind_parse("order", &k, &err), OD_E_INPUT);
	assert_int_equal(statement_kind_parse("", &k, &err), OD_E_INPUT);
	assert_int_equal(statement_kind_parse("ORDER.CONFIRM", &k, &err),
			 OD_E_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_texts_round_trip),
		cmocka_unit_test(test_round_trip_every_kind),
		cmocka_unit_test(test_golden_text),
		cmocka_unit_test(test_refused_texts),
		cmocka_unit_test(test_refused_times),
		cmocka_unit_test(test_refused_totals),
		cmocka_unit_test(test_item_limits),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_mutations_stay_canonical),
		cmocka_unit_test(test_add_refusals),
		cmocka_unit_test(test_money_refusals),
		cmocka_unit_test(test_build_refusals),
		cmocka_unit_test(test_build_size_cap),
		cmocka_unit_test(test_value_cap),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_set_time_and_id),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
