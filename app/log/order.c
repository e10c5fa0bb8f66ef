/*
 * order.c - checking orders (their statement form: order-statement.c).
 *
 * Orders come from outside (import files, storefronts) and their text ends
 * up signed, stored and shown on terminals, so every field is checked here
 * before anything else touches it.  Error messages name the order and the
 * field but quote only the order number and SKUs, and only after their
 * characters have been checked: the rest is customer data and may be
 * hostile (escape sequences, bidi overrides).
 */
#include "app/log/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

#define ORDER_EMAIL_MAX 254   /* RFC 5321 path limit */

static const char *const status_names[ORDER_STATUS_COUNT] = {
	[ORDER_NEW]       = "new",
	[ORDER_CONFIRMED] = "confirmed",
	[ORDER_HELD]      = "held",
	[ORDER_SHIPPED]   = "shipped",
	[ORDER_CANCELLED] = "cancelled",
	[ORDER_DELIVERED] = "delivered",
};

void order_free(struct order *o)
{
	/* One place knows which fields the record owns: storage/records.c. */
	record_order_free(o);
}

const char *order_status_name(enum order_status s)
{
	if ((unsigned)s >= ORDER_STATUS_COUNT)
		return NULL;
	return status_names[s];
}

enum od_code order_status_parse(const char *name, enum order_status *s,
				struct od_err *err)
{
	int i;

	for (i = 0; i < ORDER_STATUS_COUNT; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*s = (enum order_status)i;
			return OD_OK;
		}
	}
	return od_err_set(err, OD_E_USAGE,
			  "unknown order status; use new, confirmed, held, "
			  "shipped, delivered or cancelled");
}

/* Whether c is an ASCII letter or digit (not locale-dependent isalnum). */
static int is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/* Whether s is 1..max bytes, each alphanumeric or one of extra. */
static int token_ok(const char *s, size_t max, const char *extra)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		if (n >= max)
			return 0;
		if (!is_alnum(s[n]) && strchr(extra, s[n]) == NULL)
			return 0;
	}
	return n > 0;
}

/* Whether s is exactly n upper-case ASCII letters. */
static int upper_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return s[n] == '\0';
}

enum od_code order_number_check(const char *number, struct od_err *err)
{
	if (number == NULL || number[0] == '\0')
		return od_err_set(err, OD_E_INPUT, "order number: is missing");
	if (!token_ok(number, ORDER_NUMBER_MAX, "._-"))
		return od_err_set(err, OD_E_INPUT,
				  "order number: must be 1 to %d characters, "
				  "each a letter, a digit, '.', '_' or '-'",
				  ORDER_NUMBER_MAX);
	return OD_OK;
}

/* Reads n decimal digits at s into *v; 0 if any is not a digit. */
static int read_digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Whether s is YYYY-MM-DDTHH:MM:SSZ naming a real moment in 1970..9999. */
static int time_ok(const char *s)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, dim;

	if (s == NULL || strlen(s) != 20)
		return 0;
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return 0;
	if (!read_digits(s, 4, &y) || !read_digits(s + 5, 2, &mo) ||
	    !read_digits(s + 8, 2, &d) || !read_digits(s + 11, 2, &h) ||
	    !read_digits(s + 14, 2, &mi) || !read_digits(s + 17, 2, &se))
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59)
		return 0;
	dim = mdays[mo - 1];
	if (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	return d >= 1 && d <= dim;
}

/*
 * Checks one text field of o: present unless optional, no surrounding
 * space, then displayable UTF-8 within max bytes (lib/utf8.h).
 */
static enum od_code check_text(const struct order *o, const char *what,
			       const char *s, size_t max, int required,
			       struct od_err *err)
{
	struct od_err e;
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0) {
		if (!required)
			return OD_OK;
		return od_err_set(err, OD_E_INPUT, "order %s: %s: is required",
				  o->number, what);
	}
	if (s[0] == ' ' || s[n - 1] == ' ')
		return od_err_set(err, OD_E_INPUT,
				  "order %s: %s: starts or ends with a space",
				  o->number, what);
	od_err_clear(&e);
	if (utf8_check_text(what, s, n, max, 0, &e) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "order %s: %s", o->number,
				  e.msg);
	return OD_OK;
}

/* Orders item pointers by SKU, then by position, for finding repeats. */
static int item_cmp(const void *a, const void *b)
{
	const struct order_item *x = *(const struct order_item *const *)a;
	const struct order_item *y = *(const struct order_item *const *)b;
	int c = strcmp(x->sku, y->sku);

	if (c != 0)
		return c;
	return (x > y) - (x < y);
}

/* Checks the items one by one, then that no SKU appears twice. */
static enum od_code check_items(const struct order *o, struct od_err *err)
{
	const struct order_item *sorted[ORDER_MAX_ITEMS];
	const struct order_item *it;
	char what[ORDER_SKU_MAX + 48];
	enum od_code rc;
	size_t i;

	if (o->nitems == 0 || o->items == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: has no items; an order needs at "
				  "least one", o->number);
	if (o->nitems > ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: has %zu items; at most %d are "
				  "allowed, split the order", o->number,
				  o->nitems, ORDER_MAX_ITEMS);
	for (i = 0; i < o->nitems; i++) {
		it = &o->items[i];
		if (!token_ok(it->sku, ORDER_SKU_MAX, "._/-"))
			return od_err_set(err, OD_E_INPUT,
					  "order %s: item %zu: SKU must be 1 "
					  "to %d characters, each a letter, a "
					  "digit, '.', '_', '/' or '-'",
					  o->number, i + 1, ORDER_SKU_MAX);
		/* The label names the item only in a message: built on a
		 * failure, not for every item of an import. */
		rc = check_text(o, "item name", it->name, ORDER_TEXT_MAX, 1,
				err);
		if (rc != OD_OK) {
			snprintf(what, sizeof what, "item %zu (%s) name",
				 i + 1, it->sku);
			return check_text(o, what, it->name, ORDER_TEXT_MAX, 1,
					  err);
		}
		if (it->qty < 1 || it->qty > ORDER_MAX_QTY)
			return od_err_set(err, OD_E_INPUT,
					  "order %s: item %zu (%s): quantity "
					  "must be between 1 and %d", o->number,
					  i + 1, it->sku, ORDER_MAX_QTY);
		if (it->unit_price < 0 || it->unit_price > ORDER_MAX_AMOUNT)
			return od_err_set(err, OD_E_INPUT,
					  "order %s: item %zu (%s): unit price "
					  "must be between 0 and %lld (minor "
					  "units)", o->number, i + 1, it->sku,
					  ORDER_MAX_AMOUNT);
		if (it->shipped < 0 || it->shipped > it->qty)
			return od_err_set(err, OD_E_INPUT,
					  "order %s: item %zu (%s): shipped "
					  "quantity must be between 0 and the "
					  "quantity ordered", o->number, i + 1,
					  it->sku);
		sorted[i] = it;
	}
	qsort(sorted, o->nitems, sizeof sorted[0], item_cmp);
	for (i = 1; i < o->nitems; i++) {
		if (strcmp(sorted[i - 1]->sku, sorted[i]->sku) != 0)
			continue;
		return od_err_set(err, OD_E_INPUT,
				  "order %s: item %zu (%s): the same SKU is "
				  "item %zu too; list each SKU once with its "
				  "whole quantity", o->number,
				  (size_t)(sorted[i] - o->items) + 1,
				  sorted[i]->sku,
				  (size_t)(sorted[i - 1] - o->items) + 1);
	}
	return OD_OK;
}

/* Checks that a charge (shipping, tax, discount) is in range. */
static enum od_code check_charge(const struct order *o, const char *what,
				 long long v, struct od_err *err)
{
	if (v < 0 || v > ORDER_MAX_AMOUNT)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: %s must be between 0 and %lld "
				  "(minor units)", o->number, what,
				  ORDER_MAX_AMOUNT);
	return OD_OK;
}

/*
 * Checks that the total is in range and equals the items plus shipping
 * and tax, less the discount.
 */
static enum od_code check_total(const struct order *o, struct od_err *err)
{
	long long sum = 0, line, due;
	enum od_code rc;
	size_t i;

	if (o->total < 0 || o->total > ORDER_MAX_AMOUNT)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: total must be between 0 and %lld "
				  "(minor units)", o->number, ORDER_MAX_AMOUNT);
	if ((rc = check_charge(o, "shipping", o->shipping, err)) != OD_OK ||
	    (rc = check_charge(o, "tax", o->tax, err)) != OD_OK ||
	    (rc = check_charge(o, "discount", o->discount, err)) != OD_OK)
		return rc;
	if ((unsigned)o->arrival >= ARRIVAL_COUNT)
		return od_err_set(err, OD_E_INPUT, "order %s: payment must be "
				  "unpaid, authorized, paid or cod", o->number);
	for (i = 0; i < o->nitems; i++) {
		/*
		 * The ranges checked above keep each product under 2^57, but
		 * the overflow checks stay: they are what makes the sum
		 * safe, not a comment about the limits.
		 */
		if (__builtin_mul_overflow(o->items[i].qty,
					   o->items[i].unit_price, &line) ||
		    __builtin_add_overflow(sum, line, &sum) ||
		    sum > ORDER_MAX_AMOUNT)
			return od_err_set(err, OD_E_INPUT,
					  "order %s: the items add up to more "
					  "than %lld (minor units); split the "
					  "order", o->number, ORDER_MAX_AMOUNT);
	}
	/* Each term is at most 10^12: no overflow. */
	due = sum + o->shipping + o->tax - o->discount;
	if (o->shipping == 0 && o->tax == 0 && o->discount == 0 &&
	    sum != o->total)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: total %lld does not match the sum "
				  "of the items (%lld)", o->number, o->total,
				  sum);
	if (due < 0)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: the discount (%lld) is more than "
				  "the items, shipping and tax (%lld)",
				  o->number, o->discount, due + o->discount);
	if (due != o->total)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: total %lld does not match items "
				  "%lld + shipping %lld + tax %lld - discount "
				  "%lld = %lld (minor units)", o->number,
				  o->total, sum, o->shipping, o->tax,
				  o->discount, due);
	return OD_OK;
}

/* Whether s is NULL or "". */
static int blank(const char *s)
{
	return s == NULL || s[0] == '\0';
}

int order_has_ship_to(const struct order *o)
{
	return !blank(o->ship_name) || o->nlines > 0 || !blank(o->city) ||
	       !blank(o->postcode) || o->country[0] != '\0';
}

/* A part missing from a ship-to that has others. */
static enum od_code partial(const struct order *o, const char *what,
			    struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT, "order %s: %s: is missing; a "
			  "ship-to needs a name, an address line, a city and "
			  "a country (an order that needs no shipping has "
			  "none of them)", o->number, what);
}

/* Half an address is a mistake to fix at the source, never a parcel to
 * guess at. */
enum od_code order_ship_to_check(const struct order *o, struct od_err *err)
{
	char what[48];
	enum od_code rc;
	size_t i;

	if (!order_has_ship_to(o))
		return OD_OK;
	if (blank(o->ship_name))
		return partial(o, "ship-to name", err);
	if (o->nlines == 0)
		return partial(o, "ship-to address", err);
	if (blank(o->city))
		return partial(o, "ship-to city", err);
	if (o->country[0] == '\0')
		return partial(o, "ship-to country", err);
	rc = check_text(o, "ship-to name", o->ship_name, ORDER_TEXT_MAX, 1,
			err);
	if (rc != OD_OK)
		return rc;
	if (o->nlines > ORDER_MAX_LINES)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: ship-to address: at most %d "
				  "lines", o->number, ORDER_MAX_LINES);
	for (i = 0; i < o->nlines; i++) {
		snprintf(what, sizeof what, "ship-to address line %zu", i + 1);
		rc = check_text(o, what, o->ship_lines[i], ORDER_TEXT_MAX, 1,
				err);
		if (rc != OD_OK)
			return rc;
	}
	rc = check_text(o, "ship-to city", o->city, ORDER_TEXT_MAX, 1, err);
	if (rc != OD_OK)
		return rc;
	rc = check_text(o, "ship-to postcode", o->postcode, ORDER_TEXT_MAX, 0,
			err);
	if (rc != OD_OK)
		return rc;
	if (!upper_ok(o->country, 2))
		return od_err_set(err, OD_E_INPUT,
				  "order %s: ship-to country: must be two "
				  "capital letters (ISO 3166, e.g. CN)",
				  o->number);
	return OD_OK;
}

enum od_code order_validate(const struct order *o, struct od_err *err)
{
	enum od_code rc;

	rc = order_number_check(o->number, err);
	if (rc != OD_OK)
		return rc;
	if (!time_ok(o->placed_at))
		return od_err_set(err, OD_E_INPUT,
				  "order %s: placed_at: must be a UTC time "
				  "like 2026-11-20T09:15:00Z (a real date, "
				  "year 1970 or later)", o->number);
	if (!upper_ok(o->currency, 3))
		return od_err_set(err, OD_E_INPUT,
				  "order %s: currency: must be three capital "
				  "letters (ISO 4217, e.g. EUR)", o->number);
	rc = check_text(o, "customer name", o->customer_name,
			ORDER_TEXT_MAX, 1, err);
	if (rc != OD_OK)
		return rc;
	rc = check_text(o, "customer email", o->email, ORDER_EMAIL_MAX, 0,
			err);
	if (rc != OD_OK)
		return rc;
	if (o->email != NULL && o->email[0] != '\0') {
		const char *at = strchr(o->email, '@');

		if (at == NULL || at == o->email || at[1] == '\0' ||
		    strchr(o->email, ' ') != NULL)
			return od_err_set(err, OD_E_INPUT,
					  "order %s: customer email: must "
					  "look like name@example.com",
					  o->number);
	}
	rc = check_text(o, "customer phone", o->phone, ORDER_TEXT_MAX, 0,
			err);
	if (rc != OD_OK)
		return rc;
	rc = order_ship_to_check(o, err);
	if (rc != OD_OK)
		return rc;
	rc = check_items(o, err);
	if (rc != OD_OK)
		return rc;
	rc = check_total(o, err);
	if (rc != OD_OK)
		return rc;
	return check_text(o, "note", o->note, ORDER_TEXT_MAX, 0, err);
}
