/* statement-value.c - the header values (id, order, actor, key, time,
 * prev) and the words inside body values: what each may be. */
#include "app/log/statement-spec.h"

#include <string.h>

/*
 * Parses v[0..n) as a decimal without sign or leading zeros ("0" itself is
 * fine) that is at most max; 1 and *out on success, 0 otherwise.
 */
int stmt_parse_decimal(const char *v, size_t n, unsigned long long max,
		       unsigned long long *out)
{
	unsigned long long x = 0;
	size_t i;

	/* 19 digits cannot overflow 64 bits; every max here is far smaller. */
	if (n == 0 || n > 19 || (v[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i]))
			return 0;
		x = x * 10 + (unsigned long long)(v[i] - '0');
	}
	if (x > max)
		return 0;
	*out = x;
	return 1;
}

/* Whether v[0..n) is a user name: 1..32 of [a-z0-9._-], a letter first. */
static int name_ok(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > STMT_NAME_MAX || !is_lower(v[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_lower(v[i]) && !is_digit(v[i]) && v[i] != '.' &&
		    v[i] != '_' && v[i] != '-')
			return 0;
	return 1;
}

/* Whether v[0..n) is an order number: 1..32 of [A-Za-z0-9._-]. */
static int order_ok(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > STMT_ORDER_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(v[i]) && v[i] != '.' && v[i] != '_' &&
		    v[i] != '-')
			return 0;
	return 1;
}

/* Whether v[0..n) is a statement id: exactly 32 lower-case hex digits. */
static int id_ok(const char *v, size_t n)
{
	size_t i;

	if (n != STMT_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_lower_hex(v[i]))
			return 0;
	return 1;
}

/* Whether v[0..n) is a key fingerprint: "sha256:" and 64 lower-case hex. */
static int key_ok(const char *v, size_t n)
{
	size_t plen = sizeof STMT_KEY_PREFIX - 1, i;

	if (n != plen + STMT_KEY_HEX || memcmp(v, STMT_KEY_PREFIX, plen) != 0)
		return 0;
	for (i = plen; i < n; i++)
		if (!is_lower_hex(v[i]))
			return 0;
	return 1;
}

/* Reads the digits v[0..n) as a number (the caller knows they are digits). */
static int digits_value(const char *v, size_t n)
{
	int x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		x = x * 10 + (v[i] - '0');
	return x;
}

/*
 * Whether v[0..n) is a UTC time "YYYY-MM-DDTHH:MM:SSZ" that exists: the
 * month's real length (Gregorian leap years), hours 0-23, no leap seconds.
 * Years before 1970 are refused: no order predates the Unix epoch, and a
 * time_t conversion elsewhere must not go negative.
 */
int stmt_time_ok(const char *v, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int year, month, day, leap, dim;
	size_t i;

	if (n != STMT_TIME_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		if (shape[i] == 'd' ? !is_digit(v[i]) : v[i] != shape[i])
			return 0;
	}
	year = digits_value(v, 4);
	month = digits_value(v + 5, 2);
	day = digits_value(v + 8, 2);
	if (year < 1970 || month < 1 || month > 12 || day < 1)
		return 0;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	dim = mdays[month - 1] + (month == 2 && leap);
	if (day > dim)
		return 0;
	return digits_value(v + 11, 2) <= 23 && digits_value(v + 14, 2) <= 59 &&
	       digits_value(v + 17, 2) <= 59;
}

/* Whether v[0..n) is a SKU: 1..64 of [A-Za-z0-9._/-]. */
int stmt_sku_ok(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > STMT_SKU_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(v[i]) && v[i] != '.' && v[i] != '_' &&
		    v[i] != '/' && v[i] != '-')
			return 0;
	return 1;
}

/* Header value checks, shared by new, set, build and parse. */
enum od_code stmt_check_name_value(const char *what, const char *v,
				   size_t n, struct od_err *err)
{
	if (!name_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be 1 to %d characters of a-z, 0-9, '.', '_' or '-', starting with a letter",
				  what, STMT_NAME_MAX);
	return OD_OK;
}

/* Checks an order number header value. */
enum od_code stmt_check_order_value(const char *v, size_t n,
				    struct od_err *err)
{
	if (!order_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "order: must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_' or '-'",
				  STMT_ORDER_MAX);
	return OD_OK;
}

/* Checks an id header value. */
enum od_code stmt_check_id_value(const char *v, size_t n,
				 struct od_err *err)
{
	if (!id_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "id: must be exactly %d lower-case hex digits",
				  STMT_ID_LEN);
	return OD_OK;
}

/* Whether v[0..n) names an entry: "none", or "ID DIGEST" in hex. */
int stmt_prev_ok(const char *v, size_t n)
{
	size_t i;

	if (n == 4 && memcmp(v, "none", 4) == 0)
		return 1;
	if (n != STMT_PREV_LEN || v[STMT_ID_LEN] != ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (i != STMT_ID_LEN && !is_lower_hex(v[i]))
			return 0;
	return 1;
}

/* Checks a prev header value. */
enum od_code stmt_check_prev_value(const char *v, size_t n,
				   struct od_err *err)
{
	if (!stmt_prev_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "prev: must be \"none\" or an id and a SHA-256 in lower-case hex");
	return OD_OK;
}

/* Checks a key fingerprint header value. */
enum od_code stmt_check_key_value(const char *v, size_t n,
				  struct od_err *err)
{
	if (!key_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "key: must be \"sha256:\" and %d lower-case hex digits",
				  STMT_KEY_HEX);
	return OD_OK;
}

/* Checks a time value (header "time" or body "placed"). */
enum od_code stmt_check_time_value(const char *what, const char *v,
				   size_t n, struct od_err *err)
{
	if (!stmt_time_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a real UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on",
				  what);
	return OD_OK;
}
