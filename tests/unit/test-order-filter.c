/* test-order-filter.c - the filter language (app/desk/order-filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/desk/order-filter.h"
#include "app/log/money.h"
#include "storage/records.h"

/* 2026-12-07T12:00:00Z, the clock every test parses at. */
#define NOW ((time_t)1796644800)

static const char *const skus[] = { "TEA-001", "MUG-7" };
static const char *const carriers[] = { "DHL Express" };

/* Mei's order: held, placed three days before NOW, 120.50 EUR. */
static const struct filter_order mei = {
	"1042", "2026-12-04T12:00:00Z", "Jos\xc3\xa9 Garc\xc3\xad" "a", "EUR",
	12050, ORDER_HELD, skus, 2, carriers, 1, PAY_UNPAID, 0,
};
/* A yen order placed ten hours before NOW, nothing shipped. */
static const struct filter_order yen = {
	"1043", "2026-12-07T02:00:00Z", "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e",
	"JPY", 100, ORDER_NEW, NULL, 0, NULL, 0, PAY_UNPAID, 0,
};

/* Parses text (which must parse) and matches it against o. */
static int hits(const char *text, const struct filter_order *o)
{
	struct od_err err = { 0 };
	struct order_filter *f = NULL;
	int m;

	if (order_filter_parse(text, NOW, &f, &err) != OD_OK) {
		print_error("filter \"%s\" refused: %s\n", text, err.msg);
		fail();
	}
	m = order_filter_match(f, o, 0);
	order_filter_free(f);
	return m;
}

static void test_terms(void **state)
{
	(void)state;
	assert_true(hits("", &mei));
	assert_true(hits("  status:held  ", &mei));
	assert_false(hits("status:held", &yen));
	assert_true(hits("customer:GARCIA", &mei));       /* folded */
	assert_true(hits("customer:\"jos\xc3\xa9 garc\"", &mei));
	assert_true(hits("customer:\xe7\x8e\x8b", &yen)); /* 王 */
	assert_false(hits("customer:\xe7\x8e\x8b", &mei));
	assert_true(hits("placed:<7d", &mei));
	assert_false(hits("placed:<2d", &mei));
	assert_true(hits("placed:>2d", &mei));
	assert_true(hits("placed:=2d", &mei));   /* [3d, 2d) ago */
	assert_false(hits("placed:=3d", &mei));
	assert_true(hits("placed:<12h", &yen));
	assert_false(hits("placed:<9h", &yen));
	assert_true(hits("placed:7d", &mei));             /* within */
	assert_true(hits("placed:2026-12-04", &mei));
	assert_true(hits("placed:<2026-12-05", &mei));
	assert_false(hits("placed:>2026-12-04", &mei));
	assert_true(hits("total:>100", &mei));            /* 120.50 EUR */
	assert_true(hits("total:=120.5", &mei));
	assert_true(hits("total:>=120.50", &mei));
	assert_false(hits("total:>120.50", &mei));
	assert_true(hits("total:=100", &yen));            /* 100 JPY */
	assert_false(hits("total:>100", &yen));
	assert_false(hits("total:=100.5", &yen));
	assert_true(hits("sku:TEA-*", &mei));
	assert_true(hits("sku:mug-?", &mei));             /* folded */
	assert_false(hits("sku:TEA-*", &yen));
	assert_true(hits("carrier:dhl", &mei));
	assert_false(hits("carrier:dhl", &yen));
	/* ANDed. */
	assert_true(hits("status:held customer:garcia placed:<7d total:>100 "
			 "sku:TEA-* carrier:dhl", &mei));
	assert_false(hits("status:held customer:garcia carrier:ups", &mei));
}

/* Terms that need SKUs or carriers are skipped on the cheap pass. */
static void test_cheap_and_wants(void **state)
{
	struct od_err err = { 0 };
	struct order_filter *f = NULL;

	(void)state;
	assert_int_equal(order_filter_parse("status:new sku:X-*", NOW, &f,
					    &err), OD_OK);
	assert_int_equal(order_filter_terms(f), 2);
	assert_true(order_filter_wants_items(f));
	assert_false(order_filter_wants_parcels(f));
	assert_true(order_filter_match(f, &yen, 1));
	assert_false(order_filter_match(f, &yen, 0));
	order_filter_free(f);
}

/* An order's money, delivery and returns (issue 13). */
static void test_life(void **state)
{
	struct filter_order o = yen;

	(void)state;
	o.pay = PAY_UNPAID;
	assert_true(hits("paid:unpaid", &o));
	assert_true(hits("paid:no", &o));
	assert_false(hits("paid:paid", &o));
	assert_true(hits("paid:paid,unpaid", &o));
	o.pay = PAY_PAID;
	assert_true(hits("paid:paid", &o));
	assert_false(hits("paid:no", &o));
	assert_false(hits("paid:unpaid", &o));
	o.pay = PAY_PARTLY_PAID;
	assert_true(hits("paid:partly", &o));
	assert_true(hits("paid:no", &o));
	o.pay = PAY_COD;
	assert_true(hits("paid:cod", &o));
	assert_false(hits("paid:no", &o));            /* collected later */
	o.pay = PAY_AUTHORIZED;
	assert_true(hits("paid:authorized", &o));
	assert_true(hits("paid:no", &o));
	o.pay = PAY_PARTLY_REFUNDED;
	assert_true(hits("paid:partly-refunded", &o));
	assert_false(hits("paid:refunded", &o));
	o.pay = PAY_REFUNDED;
	assert_true(hits("paid:refunded", &o));

	o.status = ORDER_DELIVERED;
	assert_true(hits("delivered:yes", &o));
	assert_false(hits("delivered:no", &o));
	o.status = ORDER_SHIPPED;
	assert_true(hits("delivered:no", &o));
	assert_false(hits("delivered:yes", &o));
	o.status = ORDER_NEW;                         /* not even shipped */
	assert_false(hits("delivered:no", &o));

	o.returns = FILTER_RETURN_OPEN;
	assert_true(hits("return:open", &o));
	assert_false(hits("return:closed", &o));
	assert_false(hits("return:none", &o));
	o.returns = FILTER_RETURN_CLOSED;
	assert_true(hits("return:closed", &o));
	assert_true(hits("return:open,closed", &o));
	assert_false(hits("return:none", &o));
	o.returns = FILTER_RETURN_NONE;
	assert_true(hits("return:none", &o));
	assert_false(hits("return:open", &o));
	o.returns = 0;                                /* not read: no match */
	assert_false(hits("return:none", &o));
	assert_false(hits("return:open", &o));
}

/* The index knows open returns; closed or none needs the store. */
static void test_returns_wanted(void **state)
{
	struct od_err err = { 0 };
	struct order_filter *f = NULL;
	struct filter_order o = yen;

	(void)state;
	assert_int_equal(order_filter_parse("return:open", NOW, &f, &err),
			 OD_OK);
	o.returns = FILTER_RETURN_NONE | FILTER_RETURN_CLOSED;
	assert_false(order_filter_wants_returns(f, &o));
	assert_false(order_filter_match(f, &o, 1));
	o.returns = FILTER_RETURN_OPEN;
	assert_true(order_filter_match(f, &o, 1));
	order_filter_free(f);
	assert_int_equal(order_filter_parse("return:none status:new", NOW, &f,
					    &err), OD_OK);
	o.returns = FILTER_RETURN_NONE | FILTER_RETURN_CLOSED;
	assert_true(order_filter_wants_returns(f, &o));
	assert_true(order_filter_match(f, &o, 1));    /* skipped on cheap */
	assert_false(order_filter_match(f, &o, 0));
	o.returns = FILTER_RETURN_OPEN;               /* decided: no */
	assert_false(order_filter_wants_returns(f, &o));
	assert_false(order_filter_match(f, &o, 1));
	order_filter_free(f);
}

struct bad_case {
	const char *text;
	const char *says;     /* part of the one-line message */
};

static const struct bad_case bad[] = {
	{ "status:lost", "filter term `status:lost`: expects a status" },
	{ "colour:red", "filter term `colour:red`: expects FIELD:VALUE" },
	{ "garcia", "filter term `garcia`: expects FIELD:VALUE" },
	{ "placed:<7w", "filter term `placed:<7w`: expects <, > or = and "
	  "days or hours" },
	{ "placed:2026-1-4", "filter term `placed:2026-1-4`: expects" },
	{ "total:>abc", "filter term `total:>abc`: expects an amount" },
	{ "total:>1.2345", "at most 3 decimals" },
	{ "sku:", "filter term `sku:`: expects a SKU" },
	{ "customer:", "filter term `customer:`: expects text" },
	{ "carrier:", "filter term `carrier:`: expects text" },
	{ "status:held customer:\"open", "a quote is left open" },
	{ "status:new a b c d e f g h i j k l m n o p",
	  "filter term `a`: expects FIELD:VALUE" },
	{ "status:held \x01", "control character" },
	{ "paid:maybe", "filter term `paid:maybe`: expects unpaid, authorized" },
	{ "paid:", "filter term `paid:`: expects unpaid" },
	{ "paid:paid,", "filter term `paid:paid,`: expects unpaid" },
	{ "delivered:yes,no", "filter term `delivered:yes,no`: expects yes" },
	{ "delivered:1", "filter term `delivered:1`: expects yes or no" },
	{ "return:pending", "filter term `return:pending`: expects open" },
};

static void test_malformed(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct od_err err = { 0 };
		struct order_filter *f = (struct order_filter *)1;
		enum od_code rc = order_filter_parse(bad[i].text, NOW, &f,
						     &err);

		if (rc == OD_OK || f != NULL || strstr(err.msg, bad[i].says)
		    == NULL || strchr(err.msg, '\n') != NULL) {
			print_error("\"%s\": got %d \"%s\"\n", bad[i].text,
				    (int)rc, err.msg);
			fail();
		}
	}
}

static void test_too_many_terms(void **state)
{
	struct od_err err = { 0 };
	struct order_filter *f = NULL;
	char text[512] = "";
	int i;

	(void)state;
	for (i = 0; i < 17; i++)
		strcat(text, "status:new ");
	assert_int_equal(order_filter_parse(text, NOW, &f, &err), OD_E_USAGE);
	assert_non_null(strstr(err.msg, "at most 16 terms"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_cheap_and_wants),
		cmocka_unit_test(test_life),
		cmocka_unit_test(test_returns_wanted),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_terms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
