/* statement.c - the canonical statement text: one builder, one parser. */
#include "app/log/statement.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "app/log/log-key.h"
#include "app/log/witness-policy.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "lib/utf8.h"

#define STMT_KEY_PREFIX   "sha256:"
#define STMT_KEY_HEX      64
#define STMT_PUBKEY_LEN   32
#define STMT_MAX_ITEMS    500
#define STMT_SKU_MAX      64
#define STMT_MAX_QTY      100000ULL
#define STMT_MAX_PRICE    1000000000000ULL      /* 10^12 minor units */
#define STMT_MAX_TOTAL    1000000000000000ULL   /* 10^15 minor units */
#define STMT_SHOP_MAX     128
#define STMT_CARRIER_MAX  64
#define STMT_TRACKING_MAX 64
#define STMT_REFERENCE_MAX 128
#define STMT_MAX_SERIALS  500

struct field_spec {
	const char *name;
	unsigned min;          /* 0: optional, 1: required */
	unsigned max;          /* most lines of this field */
	size_t max_bytes;      /* for free text; 0 means STMT_VALUE_MAX */
	/*
	 * Checks one value v[0..n), NUL-terminated, already known to be
	 * non-empty UTF-8 text without control characters and at most
	 * STMT_VALUE_MAX bytes.  The message starts with the field name and
	 * never quotes the value.
	 */
	enum od_code (*check)(const struct field_spec *f, const char *v,
			      size_t n, struct od_err *err);
};

struct kind_spec {
	const char *name;
	int has_order;
	const struct field_spec *fields;   /* canonical order */
	size_t nfields;
};

/* Where a run of body fields stands: the spec of the last one and its run. */
struct seq {
	int cur;               /* index into the kind's fields, -1 before any */
	unsigned count;        /* lines of fields[cur] so far */
};

static enum od_code check_text(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
static enum od_code check_role(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
static enum od_code check_owner_role(const struct field_spec *f,
				     const char *v, size_t n,
				     struct od_err *err);
static enum od_code check_pubkey(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_user(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
static enum od_code check_placed(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_currency(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err);
static enum od_code check_country(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err);
static enum od_code check_placed_item(const struct field_spec *f,
				      const char *v, size_t n,
				      struct od_err *err);
static enum od_code check_total(const struct field_spec *f, const char *v,
				size_t n, struct od_err *err);
static enum od_code check_tracking(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err);
static enum od_code check_ship_item(const struct field_spec *f, const char *v,
				    size_t n, struct od_err *err);
static enum od_code check_charge(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_serial(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_rma(const struct field_spec *f, const char *v,
			      size_t n, struct od_err *err);
static enum od_code check_condition(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err);
static enum od_code check_decision(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err);
static enum od_code check_return_item(const struct field_spec *f,
				      const char *v, size_t n,
				      struct od_err *err);
static enum od_code check_amount(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_payment(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err);
static enum od_code check_method(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_source(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
static enum od_code check_sha256(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);

static const struct field_spec genesis_fields[] = {
	{ "shop",   1, 1, STMT_SHOP_MAX, check_text },
	{ "role",   1, 1, 0, check_owner_role },
	{ "pubkey", 1, 1, 0, check_pubkey },
};

static const struct field_spec clock_fields[] = {
	{ "answers", 1, 1, 0, check_placed },   /* a time, like placed */
};

static const struct field_spec user_add_fields[] = {
	{ "user",   1, 1, 0, check_user },
	{ "role",   1, 1, 0, check_role },
	{ "pubkey", 1, 1, 0, check_pubkey },
};

static const struct field_spec user_role_fields[] = {
	{ "user", 1, 1, 0, check_user },
	{ "role", 1, 1, 0, check_role },
};

static const struct field_spec user_revoke_fields[] = {
	{ "user", 1, 1, 0, check_user },
};

static const struct field_spec user_rekey_fields[] = {
	{ "pubkey", 1, 1, 0, check_pubkey },
};

/* shop.witnesses: the checks are witness-policy.c's. */
static enum od_code check_witness_key(const struct field_spec *f,
				      const char *v, size_t n,
				      struct od_err *err)
{
	return policy_check_key(f->name, v, err);
}

static enum od_code check_quorum(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	return policy_check_quorum(f->name, v, err);
}

static enum od_code check_max_age(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err)
{
	return policy_check_max_age(f->name, v, err);
}

static const struct field_spec witnesses_fields[] = {
	{ "witness", 1, POLICY_WITNESSES_MAX, 0, check_witness_key },
	{ "quorum",  1, 1, 0, check_quorum },
	{ "max-age", 0, 1, 0, check_max_age },
};

/* shop.log-key: the check is log-key.c's. */
static enum od_code check_log_key(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err)
{
	return log_key_check(f->name, v, err);
}

static const struct field_spec log_key_fields[] = {
	{ "log-key", 1, 1, 0, check_log_key },
};

static const struct field_spec placed_fields[] = {
	{ "placed",        1, 1, 0, check_placed },
	{ "currency",      1, 1, 0, check_currency },
	{ "customer",      1, 1, 0, check_text },
	{ "email",         0, 1, 0, check_text },
	{ "phone",         0, 1, 0, check_text },
	{ "ship-name",     1, 1, 0, check_text },
	{ "ship-line",     1, 4, 0, check_text },
	{ "ship-city",     1, 1, 0, check_text },
	{ "ship-postcode", 0, 1, 0, check_text },
	{ "ship-country",  1, 1, 0, check_country },
	{ "item",          1, STMT_MAX_ITEMS, 0, check_placed_item },
	{ "shipping",      0, 1, 0, check_charge },
	{ "tax",           0, 1, 0, check_charge },
	{ "discount",      0, 1, 0, check_charge },
	{ "total",         1, 1, 0, check_total },
	{ "payment",       0, 1, 0, check_payment },
	{ "note",          0, 1, 0, check_text },
	{ "source",        0, 1, 0, check_source },
	{ "source-hash", 0, 1, 0, check_sha256 },
};

static const struct field_spec reason_fields[] = {
	{ "reason", 1, 1, 0, check_text },
};

static const struct field_spec release_fields[] = {
	{ "reason", 0, 1, 0, check_text },
};

static const struct field_spec note_fields[] = {
	{ "text", 1, 1, 0, check_text },
};

static const struct field_spec receive_fields[] = {
	{ "amount",    1, 1, 0, check_amount },
	{ "method",    1, 1, 0, check_method },
	{ "reference", 0, 1, STMT_REFERENCE_MAX, check_text },
};

static const struct field_spec refund_fields[] = {
	{ "amount",    1, 1, 0, check_amount },
	{ "reason",    1, 1, 0, check_text },
	{ "item",      0, STMT_MAX_ITEMS, 0, check_ship_item },
	{ "reference", 0, 1, STMT_REFERENCE_MAX, check_text },
};

static const struct field_spec return_open_fields[] = {
	{ "rma",    1, 1, 0, check_rma },
	{ "reason", 1, 1, 0, check_text },
	{ "item",   1, STMT_MAX_ITEMS, 0, check_ship_item },
};

static const struct field_spec return_receive_fields[] = {
	{ "rma",       1, 1, 0, check_rma },
	{ "condition", 1, 1, 0, check_condition },
	{ "item",      1, STMT_MAX_SERIALS, 0, check_return_item },
};

static const struct field_spec return_close_fields[] = {
	{ "rma",      1, 1, 0, check_rma },
	{ "decision", 1, 1, 0, check_decision },
	{ "reason",   0, 1, 0, check_text },
};

static const struct field_spec deliver_fields[] = {
	{ "tracking", 0, 1, 0, check_tracking },
};

static const struct field_spec shipment_fields[] = {
	{ "carrier",  1, 1, STMT_CARRIER_MAX, check_text },
	{ "tracking", 1, 1, 0, check_tracking },
	{ "item",     1, STMT_MAX_ITEMS, 0, check_ship_item },
	{ "serial",   0, STMT_MAX_SERIALS, 0, check_serial },
};

#define KIND(name, has_order, fields) \
	{ name, has_order, fields, sizeof fields / sizeof fields[0] }

/* Indexed by enum stmt_kind. */
static const struct kind_spec kinds[STMT_KIND_COUNT] = {
	[STMT_SHOP_GENESIS]     = KIND("shop.genesis", 0, genesis_fields),
	[STMT_SHOP_CLOCK]       = KIND("shop.clock", 0, clock_fields),
	[STMT_USER_ADD]         = KIND("user.add", 0, user_add_fields),
	[STMT_USER_ROLE]        = KIND("user.role", 0, user_role_fields),
	[STMT_USER_REVOKE]      = KIND("user.revoke", 0, user_revoke_fields),
	[STMT_USER_REKEY]       = KIND("user.rekey", 0, user_rekey_fields),
	[STMT_SHOP_WITNESSES]   = KIND("shop.witnesses", 0, witnesses_fields),
	[STMT_SHOP_LOG_KEY]     = KIND("shop.log-key", 0, log_key_fields),
	[STMT_ORDER_PLACED]     = KIND("order.placed", 1, placed_fields),
	[STMT_ORDER_CONFIRM]    = { "order.confirm", 1, NULL, 0 },
	[STMT_ORDER_CANCEL]     = KIND("order.cancel", 1, reason_fields),
	[STMT_ORDER_HOLD]       = KIND("order.hold", 1, reason_fields),
	[STMT_ORDER_RELEASE]    = KIND("order.release", 1, release_fields),
	[STMT_ORDER_NOTE]       = KIND("order.note", 1, note_fields),
	[STMT_SHIPMENT_CONFIRM] = KIND("shipment.confirm", 1, shipment_fields),
	[STMT_PAYMENT_RECEIVE]  = KIND("payment.receive", 1, receive_fields),
	[STMT_PAYMENT_REFUND]   = KIND("payment.refund", 1, refund_fields),
	[STMT_SHIPMENT_DELIVER] = KIND("shipment.deliver", 1, deliver_fields),
	[STMT_RETURN_OPEN]      = KIND("return.open", 1, return_open_fields),
	[STMT_RETURN_RECEIVE]   = KIND("return.receive", 1,
				       return_receive_fields),
	[STMT_RETURN_CLOSE]     = KIND("return.close", 1, return_close_fields),
};

/* The header lines after the magic, in order; "order" only for some kinds. */
static const char *const header_names[] = {
	"id", "kind", "order", "actor", "key", "time", "prev",
};

/* The kind's spec, or NULL for a value outside the enum. */
static const struct kind_spec *kind_spec(enum stmt_kind kind)
{
	if ((unsigned)kind >= STMT_KIND_COUNT)
		return NULL;
	return &kinds[kind];
}

/* Whether c is an ASCII decimal digit (not locale-dependent, unlike isdigit). */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether c is a lower-case ASCII letter. */
static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Whether c is an upper-case ASCII letter. */
static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Whether c is an ASCII letter or digit. */
static int is_alnum(char c)
{
	return is_digit(c) || is_lower(c) || is_upper(c);
}

/* Whether c is a lower-case hex digit (the only case we write). */
static int is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/*
 * Parses v[0..n) as a decimal without sign or leading zeros ("0" itself is
 * fine) that is at most max; 1 and *out on success, 0 otherwise.
 */
static int parse_decimal(const char *v, size_t n, unsigned long long max,
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
static int time_ok(const char *v, size_t n)
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
static int sku_ok(const char *v, size_t n)
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
static enum od_code check_name_value(const char *what, const char *v,
				     size_t n, struct od_err *err)
{
	if (!name_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be 1 to %d characters of a-z, 0-9, '.', '_' or '-', starting with a letter",
				  what, STMT_NAME_MAX);
	return OD_OK;
}

/* Checks an order number header value. */
static enum od_code check_order_value(const char *v, size_t n,
				      struct od_err *err)
{
	if (!order_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "order: must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_' or '-'",
				  STMT_ORDER_MAX);
	return OD_OK;
}

/* Checks an id header value. */
static enum od_code check_id_value(const char *v, size_t n,
				   struct od_err *err)
{
	if (!id_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "id: must be exactly %d lower-case hex digits",
				  STMT_ID_LEN);
	return OD_OK;
}

/* Whether v[0..n) names an entry: "none", or "ID DIGEST" in hex. */
static int prev_ok(const char *v, size_t n)
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
static enum od_code check_prev_value(const char *v, size_t n,
				     struct od_err *err)
{
	if (!prev_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "prev: must be \"none\" or an id and a SHA-256 in lower-case hex");
	return OD_OK;
}

/* Checks a key fingerprint header value. */
static enum od_code check_key_value(const char *v, size_t n,
				    struct od_err *err)
{
	if (!key_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "key: must be \"sha256:\" and %d lower-case hex digits",
				  STMT_KEY_HEX);
	return OD_OK;
}

/* Checks a time value (header "time" or body "placed"). */
static enum od_code check_time_value(const char *what, const char *v,
				     size_t n, struct od_err *err)
{
	if (!time_ok(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a real UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on",
				  what);
	return OD_OK;
}

/* Free text: no leading or trailing space, within the field's own limit. */
static enum od_code check_text(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	size_t max = f->max_bytes ? f->max_bytes : STMT_VALUE_MAX;
	enum od_code rc = utf8_check_text(f->name, v, n, max, 0, err);

	if (rc != OD_OK)
		return rc;
	/* A space at either end would be invisible in the signing dialog. */
	if (v[0] == ' ')
		return od_err_set(err, OD_E_INPUT, "%s: starts with a space",
				  f->name);
	if (v[n - 1] == ' ')
		return od_err_set(err, OD_E_INPUT, "%s: ends with a space",
				  f->name);
	return OD_OK;
}

/* One of the four roles. */
static enum od_code check_role(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	if (strcmp(v, "owner") != 0 && strcmp(v, "shopkeeper") != 0 &&
	    strcmp(v, "staff") != 0 && strcmp(v, "storefront") != 0)
		return od_err_set(err, OD_E_INPUT, "%s: must be owner, "
				  "shopkeeper, staff or storefront", f->name);
	return OD_OK;
}

/* The shop's founder is its owner, nothing else. */
static enum od_code check_owner_role(const struct field_spec *f,
				     const char *v, size_t n,
				     struct od_err *err)
{
	if (strcmp(v, "owner") != 0)
		return od_err_set(err, OD_E_INPUT, "%s: must be owner",
				  f->name);
	return OD_OK;
}

/* Canonical base64 of exactly 32 bytes (an Ed25519 public key). */
static enum od_code check_pubkey(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	uint8_t raw[STMT_PUBKEY_LEN];
	size_t len = 0;
	struct od_err inner;

	if (n != b64_encoded_len(STMT_PUBKEY_LEN) ||
	    b64_decode(f->name, v, n, raw, sizeof raw, &len, &inner) != OD_OK ||
	    len != STMT_PUBKEY_LEN)
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be the base64 of a %d-byte public key",
				  f->name, STMT_PUBKEY_LEN);
	return OD_OK;
}

/* A user name, as for actors. */
static enum od_code check_user(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	return check_name_value(f->name, v, n, err);
}

/* When the order was placed. */
static enum od_code check_placed(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	return check_time_value(f->name, v, n, err);
}

/* Whether v[0..n) is exactly n upper-case ASCII letters. */
static int all_upper(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_upper(v[i]))
			return 0;
	return 1;
}

/* ISO 4217: three upper-case letters. */
static enum od_code check_currency(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err)
{
	if (n != 3 || !all_upper(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be three upper-case letters (ISO 4217)",
				  f->name);
	return OD_OK;
}

/* ISO 3166 alpha-2: two upper-case letters. */
static enum od_code check_country(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err)
{
	if (n != 2 || !all_upper(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be two upper-case letters (ISO 3166)",
				  f->name);
	return OD_OK;
}

/*
 * Splits off the next space-separated word of v[*pos..n): its start and
 * length, leaving *pos after the space.  0 when no space follows.
 */
static int next_word(const char *v, size_t n, size_t *pos, const char **w,
		     size_t *wlen)
{
	const char *sp = memchr(v + *pos, ' ', n - *pos);

	if (sp == NULL)
		return 0;
	*w = v + *pos;
	*wlen = (size_t)(sp - *w);
	*pos = (size_t)(sp - v) + 1;
	return 1;
}

/* The message for a bad SKU (shared by both item kinds). */
static enum od_code bad_sku(const struct field_spec *f, struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT,
			  "%s: SKU must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', '/' or '-'",
			  f->name, STMT_SKU_MAX);
}

/* The message for a bad quantity (shared by both item kinds). */
static enum od_code bad_qty(const struct field_spec *f, struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT,
			  "%s: quantity must be a whole number from 1 to %llu without leading zeros",
			  f->name, STMT_MAX_QTY);
}

/* "SKU QTY UNIT_PRICE NAME": one line bought. */
static enum od_code check_placed_item(const struct field_spec *f,
				      const char *v, size_t n,
				      struct od_err *err)
{
	const char *w, *name;
	size_t wlen, pos = 0, name_len;
	unsigned long long x;

	if (!next_word(v, n, &pos, &w, &wlen))
		goto shape;
	if (!sku_ok(w, wlen))
		return bad_sku(f, err);
	if (!next_word(v, n, &pos, &w, &wlen))
		goto shape;
	if (!parse_decimal(w, wlen, STMT_MAX_QTY, &x) || x == 0)
		return bad_qty(f, err);
	if (!next_word(v, n, &pos, &w, &wlen))
		goto shape;
	if (!parse_decimal(w, wlen, STMT_MAX_PRICE, &x))
		return od_err_set(err, OD_E_INPUT,
				  "%s: unit price must be a whole number of minor units from 0 to %llu without leading zeros",
				  f->name, STMT_MAX_PRICE);
	name = v + pos;
	name_len = n - pos;
	if (name_len == 0)
		goto shape;
	if (name[0] == ' ' || name[name_len - 1] == ' ')
		return od_err_set(err, OD_E_INPUT,
				  "%s: the name starts or ends with a space",
				  f->name);
	return OD_OK;
shape:
	return od_err_set(err, OD_E_INPUT,
			  "%s: must be \"SKU QUANTITY UNIT_PRICE NAME\"",
			  f->name);
}

/* The order's total in minor units. */
static enum od_code check_total(const struct field_spec *f, const char *v,
				size_t n, struct od_err *err)
{
	unsigned long long x;

	if (!parse_decimal(v, n, STMT_MAX_TOTAL, &x))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a whole number of minor units from 0 to %llu without leading zeros",
				  f->name, STMT_MAX_TOTAL);
	return OD_OK;
}

/* "SKU SERIAL": a serial number (IMEI, batch) of something shipped. */
static enum od_code check_serial(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	const char *w;
	size_t wlen, pos = 0;

	if (!next_word(v, n, &pos, &w, &wlen))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be \"SKU SERIAL\"", f->name);
	if (!sku_ok(w, wlen))
		return bad_sku(f, err);
	/* The serial's alphabet is a SKU's: letters, digits, . _ / - */
	if (!sku_ok(v + pos, n - pos))
		return od_err_set(err, OD_E_INPUT,
				  "%s: the serial must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', '/' or '-'",
				  f->name, STMT_SKU_MAX);
	return OD_OK;
}

/* Shipping, tax or a discount: minor units, as a unit price. */
static enum od_code check_charge(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	unsigned long long x;

	if (!parse_decimal(v, n, STMT_MAX_PRICE, &x))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a whole number of minor units from 0 to %llu without leading zeros",
				  f->name, STMT_MAX_PRICE);
	return OD_OK;
}

/* Money received or refunded: more than nothing, at most a total. */
static enum od_code check_amount(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	unsigned long long x;

	if (!parse_decimal(v, n, STMT_MAX_TOTAL, &x) || x == 0)
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a whole number of minor units from 1 to %llu without leading zeros",
				  f->name, STMT_MAX_TOTAL);
	return OD_OK;
}

/* Whether v[0..n) is one of the words in list (NULL-terminated). */
static int one_of(const char *v, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(v, *list, n) == 0)
			return 1;
	return 0;
}

/* How an order arrived paid: authorized, paid or cash on delivery. */
static enum od_code check_payment(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err)
{
	static const char *const ok[] = { "authorized", "paid", "cod", NULL };

	if (!one_of(v, n, ok))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be authorized, paid or cod",
				  f->name);
	return OD_OK;
}

/* How money came: card, bank, cash, cod or other. */
static enum od_code check_method(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	static const char *const ok[] = { "card", "bank", "cash", "cod",
					  "other", NULL };

	if (!one_of(v, n, ok))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be card, bank, cash, cod or other",
				  f->name);
	return OD_OK;
}

/* A return's number: 1..40 of an order number's characters. */
static enum od_code check_rma(const struct field_spec *f, const char *v,
			      size_t n, struct od_err *err)
{
	if (n > STMT_ORDER_MAX + 8 || !sku_ok(v, n) || memchr(v, '/', n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a return number like 1042-R1",
				  f->name);
	return OD_OK;
}

/* What came back was: ok, damaged or the wrong item. */
static enum od_code check_condition(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err)
{
	static const char *const ok[] = { "ok", "damaged", "wrong-item",
					  NULL };

	if (!one_of(v, n, ok))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be ok, damaged or wrong-item",
				  f->name);
	return OD_OK;
}

/* How a return ends: accept or reject. */
static enum od_code check_decision(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err)
{
	static const char *const ok[] = { "accept", "reject", NULL };

	if (!one_of(v, n, ok))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be accept or reject", f->name);
	return OD_OK;
}

/* "SKU QTY" or "SKU QTY SERIAL": one line of what came back. */
static enum od_code check_return_item(const struct field_spec *f,
				      const char *v, size_t n,
				      struct od_err *err)
{
	const char *sp = memchr(v, ' ', n);
	const char *sp2 = sp != NULL ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - v))
				     : NULL;
	unsigned long long x;
	size_t qn;

	if (sp == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be \"SKU QUANTITY [SERIAL]\"",
				  f->name);
	if (!sku_ok(v, (size_t)(sp - v)))
		return bad_sku(f, err);
	qn = (sp2 != NULL ? (size_t)(sp2 - sp - 1) : n - (size_t)(sp + 1 - v));
	if (!parse_decimal(sp + 1, qn, STMT_MAX_QTY, &x) || x == 0)
		return bad_qty(f, err);
	if (sp2 != NULL && !sku_ok(sp2 + 1, n - (size_t)(sp2 + 1 - v)))
		return od_err_set(err, OD_E_INPUT,
				  "%s: the serial must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', '/' or '-'",
				  f->name, STMT_SKU_MAX);
	return OD_OK;
}

/* A carrier's tracking number: 1..64 of [A-Za-z0-9-]. */
static enum od_code check_tracking(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err)
{
	size_t i;

	if (n == 0 || n > STMT_TRACKING_MAX)
		goto bad;
	for (i = 0; i < n; i++)
		if (!is_alnum(v[i]) && v[i] != '-')
			goto bad;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT,
			  "%s: must be 1 to %d characters of A-Z, a-z, 0-9 or '-'",
			  f->name, STMT_TRACKING_MAX);
}

/* "SKU QTY": one line shipped. */
static enum od_code check_ship_item(const struct field_spec *f, const char *v,
				    size_t n, struct od_err *err)
{
	const char *w;
	size_t wlen, pos = 0;
	unsigned long long x;

	if (!next_word(v, n, &pos, &w, &wlen))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be \"SKU QUANTITY\"", f->name);
	if (!sku_ok(w, wlen))
		return bad_sku(f, err);
	if (!parse_decimal(v + pos, n - pos, STMT_MAX_QTY, &x) || x == 0)
		return bad_qty(f, err);
	return OD_OK;
}

/*
 * Checks one NUL-terminated body value v of length n: first what every value
 * must be (UTF-8 text without control characters, not empty, within
 * STMT_VALUE_MAX), then the field's own rule.
 */
static enum od_code check_value(const struct field_spec *f, const char *v,
				size_t n, struct od_err *err)
{
	enum od_code rc = utf8_check_text(f->name, v, n, STMT_VALUE_MAX, 0,
					  err);

	if (rc != OD_OK)
		return rc;
	return f->check(f, v, n, err);
}

/* Whether name is one of the header lines (for a clearer message). */
static int is_header_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof header_names / sizeof header_names[0]; i++)
		if (strcmp(name, header_names[i]) == 0)
			return 1;
	return 0;
}

/* The index of the kind's field called name, or -1. */
static int field_index(const struct kind_spec *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * Advances the canonical-order machine by one body line called name: refuses
 * a field the kind does not have, one out of order, one repeated too often,
 * and a required one skipped.  *out gets the field's spec.
 */
static enum od_code seq_step(const struct kind_spec *k, struct seq *s,
			     const char *name, const struct field_spec **out,
			     struct od_err *err)
{
	int j = field_index(k, name), i;

	if (j < 0) {
		/* The name is not echoed: it may be a mangled customer line. */
		if (is_header_name(name))
			return od_err_set(err, OD_E_INPUT,
					  "\"%s:\" belongs in the header, once, before the %s fields",
					  name, k->name);
		return od_err_set(err, OD_E_INPUT,
				  "unknown field for kind %s", k->name);
	}
	if (j < s->cur)
		return od_err_set(err, OD_E_INPUT,
				  "field \"%s\" is out of order (it comes before \"%s\")",
				  k->fields[j].name, k->fields[s->cur].name);
	if (j == s->cur) {
		if (s->count >= k->fields[j].max) {
			if (k->fields[j].max == 1)
				return od_err_set(err, OD_E_INPUT,
						  "field \"%s\" appears more than once",
						  k->fields[j].name);
			return od_err_set(err, OD_E_INPUT,
					  "field \"%s\" appears more than %u times",
					  k->fields[j].name,
					  k->fields[j].max);
		}
		s->count++;
	} else {
		if (s->cur >= 0 && s->count < k->fields[s->cur].min)
			return od_err_set(err, OD_E_INPUT,
					  "field \"%s\" needs at least %u lines",
					  k->fields[s->cur].name,
					  k->fields[s->cur].min);
		for (i = s->cur + 1; i < j; i++)
			if (k->fields[i].min > 0)
				return od_err_set(err, OD_E_INPUT,
						  "missing field \"%s\" (it comes before \"%s\")",
						  k->fields[i].name,
						  k->fields[j].name);
		s->cur = j;
		s->count = 1;
	}
	*out = &k->fields[j];
	return OD_OK;
}

/* Checks that no required field is missing after the last body line. */
static enum od_code seq_finish(const struct kind_spec *k, const struct seq *s,
			       struct od_err *err)
{
	int i;

	if (s->cur >= 0 && s->count < k->fields[s->cur].min)
		return od_err_set(err, OD_E_INPUT,
				  "field \"%s\" needs at least %u lines",
				  k->fields[s->cur].name,
				  k->fields[s->cur].min);
	for (i = s->cur + 1; i < (int)k->nfields; i++)
		if (k->fields[i].min > 0)
			return od_err_set(err, OD_E_INPUT,
					  "missing field \"%s\"",
					  k->fields[i].name);
	return OD_OK;
}

/* Sets err to inner's code and message behind "statement: ". */
static enum od_code with_prefix(struct od_err *err, const struct od_err *inner)
{
	return od_err_set(err, inner->code, "statement: %s", inner->msg);
}

/* Sets err to inner's code and message behind "statement line N: ". */
static enum od_code at_line(struct od_err *err, size_t line,
			    const struct od_err *inner)
{
	return od_err_set(err, inner->code, "statement line %zu: %s", line,
			  inner->msg);
}

/* Appends a field whose value (owned, checked) is handed over. */
static enum od_code fields_push(struct statement *st,
				const struct field_spec *f, char *value,
				struct od_err *err)
{
	struct stmt_field *p;

	if (st->nfields >= STMT_MAX_FIELDS) {
		secret_free_str(value);
		return od_err_set(err, OD_E_INPUT,
				  "more than %d body fields", STMT_MAX_FIELDS);
	}
	/* Exact size: the array is small and callers may have made it. */
	p = realloc(st->fields, (st->nfields + 1) * sizeof *p);
	if (p == NULL) {
		secret_free_str(value);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	st->fields = p;
	p[st->nfields].name = f->name;
	p[st->nfields].value = value;
	st->nfields++;
	return OD_OK;
}

/* A NUL-terminated copy of v[0..n), or NULL. */
static char *copy_bytes(const char *v, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, v, n);
		p[n] = '\0';
	}
	return p;
}

const char *statement_kind_name(enum stmt_kind kind)
{
	const struct kind_spec *k = kind_spec(kind);

	return k ? k->name : NULL;
}

enum od_code statement_kind_parse(const char *name, enum stmt_kind *kind,
				  struct od_err *err)
{
	int i;

	for (i = 0; i < STMT_KIND_COUNT; i++) {
		if (strcmp(name, kinds[i].name) == 0) {
			*kind = (enum stmt_kind)i;
			return OD_OK;
		}
	}
	return od_err_set(err, OD_E_INPUT,
			  "unknown statement kind (expected order.placed, order.confirm, shipment.confirm, ...)");
}

int statement_kind_has_order(enum stmt_kind kind)
{
	const struct kind_spec *k = kind_spec(kind);

	return k ? k->has_order : 0;
}

enum od_code statement_set_time(struct statement *st, const char *time_str,
				struct od_err *err)
{
	struct od_err inner;

	if (time_str == NULL ||
	    check_time_value("time", time_str, strlen(time_str), &inner) != OD_OK)
		return od_err_set(err, OD_E_INPUT,
				  "statement: time must be a real UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on");
	memcpy(st->time, time_str, STMT_TIME_LEN + 1);
	return OD_OK;
}

enum od_code statement_set_id(struct statement *st, const char *id,
			      struct od_err *err)
{
	struct od_err inner;

	if (id == NULL)
		return od_err_set(err, OD_E_INPUT, "statement: id is missing");
	if (check_id_value(id, strlen(id), &inner) != OD_OK)
		return with_prefix(err, &inner);
	memcpy(st->id, id, STMT_ID_LEN + 1);
	return OD_OK;
}

enum od_code statement_set_prev(struct statement *st, const char *prev,
				struct od_err *err)
{
	if (prev == NULL || !prev_ok(prev, strlen(prev)))
		return od_err_set(err, OD_E_INPUT,
				  "statement: prev must be \"none\" or an id and a SHA-256 in lower-case hex");
	memcpy(st->prev, prev, strlen(prev) + 1);
	return OD_OK;
}

/* Fills st->time with the current UTC time. */
static enum od_code set_time_now(struct statement *st, struct od_err *err)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL ||
	    strftime(st->time, sizeof st->time, "%Y-%m-%dT%H:%M:%SZ", &tm) !=
	    STMT_TIME_LEN || !time_ok(st->time, STMT_TIME_LEN))
		return od_err_set(err, OD_E_INTERNAL,
				  "statement: the system clock gives no usable UTC time; check the date settings");
	return OD_OK;
}

/* Fills st->id with 128 fresh random bits in hex. */
static enum od_code set_random_id(struct statement *st, struct od_err *err)
{
	uint8_t raw[STMT_ID_LEN / 2];
	struct timespec now;
	uint64_t ms;
	int grc, i;

	/*
	 * 48 bits of milliseconds, then 80 random bits: still unguessable and
	 * unique, but ids made one after another sort together, so the log's
	 * unique index grows at its end instead of at a random page for every
	 * statement (it halves the pages a bulk confirmation writes).
	 */
	clock_gettime(CLOCK_REALTIME, &now);
	ms = (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
	for (i = 0; i < 6; i++)
		raw[i] = (uint8_t)(ms >> (40 - 8 * i));
	grc = gnutls_rnd(GNUTLS_RND_NONCE, raw + 6, sizeof raw - 6);
	if (grc < 0)
		return od_err_set(err, OD_E_CRYPTO,
				  "statement: no random id: %s",
				  gnutls_strerror(grc));
	hex_encode(raw, sizeof raw, st->id);
	return OD_OK;
}

enum od_code statement_new(enum stmt_kind kind, const char *actor,
			   const char *key, const char *order,
			   struct statement **out, struct od_err *err)
{
	const struct kind_spec *k = kind_spec(kind);
	struct statement *st = NULL;
	struct od_err inner;
	enum od_code rc;

	*out = NULL;
	if (k == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "statement: invalid kind %d", (int)kind);
	if (actor == NULL || key == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "statement: actor and key are required");
	if (check_name_value("actor", actor, strlen(actor), &inner) != OD_OK ||
	    check_key_value(key, strlen(key), &inner) != OD_OK)
		return with_prefix(err, &inner);
	if (k->has_order) {
		if (order == NULL || order[0] == '\0')
			return od_err_set(err, OD_E_INPUT,
					  "statement: kind %s needs an order number",
					  k->name);
		if (check_order_value(order, strlen(order), &inner) != OD_OK)
			return with_prefix(err, &inner);
	} else if (order != NULL && order[0] != '\0') {
		return od_err_set(err, OD_E_INPUT,
				  "statement: kind %s has no order number",
				  k->name);
	}

	st = calloc(1, sizeof *st);
	if (st == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	st->kind = kind;
	strcpy(st->actor, actor);
	strcpy(st->key, key);
	if (k->has_order)
		strcpy(st->order, order);
	/* The ledger chains it when it signs; until then, the genesis value. */
	strcpy(st->prev, "none");
	rc = set_random_id(st, err);
	if (rc != OD_OK)
		goto out;
	rc = set_time_now(st, err);
	if (rc != OD_OK)
		goto out;
	*out = st;
	st = NULL;
out:
	statement_free(st);
	return rc;
}

void statement_free(struct statement *st)
{
	size_t i;

	if (st == NULL)
		return;
	/* Values carry customer names and addresses: wipe, not just free. */
	for (i = 0; i < st->nfields; i++)
		secret_free_str(st->fields[i].value);
	free(st->fields);
	free(st);
}

/*
 * Where the run of body fields in st stands, rebuilt from its tail: the
 * last field's spec and how many lines of it end the list.
 */
static enum od_code seq_of(const struct kind_spec *k,
			   const struct statement *st, struct seq *s,
			   struct od_err *err)
{
	const char *last;
	size_t i;

	s->cur = -1;
	s->count = 0;
	if (st->nfields == 0)
		return OD_OK;
	if (st->fields == NULL || st->fields[st->nfields - 1].name == NULL)
		return od_err_set(err, OD_E_INPUT, "damaged field list");
	last = st->fields[st->nfields - 1].name;
	s->cur = field_index(k, last);
	if (s->cur < 0)
		return od_err_set(err, OD_E_INPUT,
				  "unknown field for kind %s", k->name);
	for (i = st->nfields; i > 0; i--) {
		const char *name = st->fields[i - 1].name;

		if (name == NULL || strcmp(name, last) != 0)
			break;
		s->count++;
	}
	return OD_OK;
}

enum od_code statement_add(struct statement *st, const char *name,
			   const char *value, struct od_err *err)
{
	const struct kind_spec *k = kind_spec(st->kind);
	const struct field_spec *f;
	struct od_err inner;
	struct seq s;
	char *copy;

	if (k == NULL)
		return od_err_set(err, OD_E_INPUT, "statement: invalid kind");
	if (name == NULL || value == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "statement: field name and value are required");
	if (seq_of(k, st, &s, &inner) != OD_OK ||
	    seq_step(k, &s, name, &f, &inner) != OD_OK ||
	    check_value(f, value, strlen(value), &inner) != OD_OK)
		return with_prefix(err, &inner);
	copy = copy_bytes(value, strlen(value));
	if (copy == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (fields_push(st, f, copy, &inner) != OD_OK)
		return with_prefix(err, &inner);
	return OD_OK;
}

const char *statement_get(const struct statement *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nfields; i++)
		if (st->fields[i].name != NULL &&
		    strcmp(st->fields[i].name, name) == 0)
			return st->fields[i].value;
	return NULL;
}

/* The length of a fixed-size header string, or size if it has no NUL. */
#define FIXED_LEN(field) strnlen((field), sizeof(field))

/*
 * Checks everything in st as the parser would: the header values, every
 * body value and the canonical order and completeness of the body.  The
 * struct is public, so nothing in it is trusted.
 */
static enum od_code statement_check(const struct statement *st,
				    struct od_err *err)
{
	const struct kind_spec *k = kind_spec(st->kind);
	const struct field_spec *f;
	struct seq s = { -1, 0 };
	enum od_code rc;
	size_t i;

	if (k == NULL)
		return od_err_set(err, OD_E_INPUT, "invalid kind");
	rc = check_id_value(st->id, FIXED_LEN(st->id), err);
	if (rc != OD_OK)
		return rc;
	if (k->has_order) {
		rc = check_order_value(st->order, FIXED_LEN(st->order), err);
		if (rc != OD_OK)
			return rc;
	} else if (st->order[0] != '\0') {
		return od_err_set(err, OD_E_INPUT,
				  "kind %s has no order number",
				  k->name);
	}
	rc = check_name_value("actor", st->actor, FIXED_LEN(st->actor), err);
	if (rc != OD_OK)
		return rc;
	rc = check_key_value(st->key, FIXED_LEN(st->key), err);
	if (rc != OD_OK)
		return rc;
	rc = check_time_value("time", st->time, FIXED_LEN(st->time), err);
	if (rc != OD_OK)
		return rc;
	rc = check_prev_value(st->prev, FIXED_LEN(st->prev), err);
	if (rc != OD_OK)
		return rc;
	if (st->nfields > STMT_MAX_FIELDS)
		return od_err_set(err, OD_E_INPUT, "more than %d body fields",
				  STMT_MAX_FIELDS);
	if (st->nfields > 0 && st->fields == NULL)
		return od_err_set(err, OD_E_INPUT, "damaged field list");
	for (i = 0; i < st->nfields; i++) {
		const struct stmt_field *fl = &st->fields[i];

		if (fl->name == NULL || fl->value == NULL)
			return od_err_set(err, OD_E_INPUT,
					  "damaged field list");
		rc = seq_step(k, &s, fl->name, &f, err);
		if (rc != OD_OK)
			return rc;
		rc = check_value(f, fl->value, strlen(fl->value), err);
		if (rc != OD_OK)
			return rc;
	}
	return seq_finish(k, &s, err);
}

/* Appends "name: value\n" to b. */
static enum od_code add_line(struct buf *b, const char *name,
			     const char *value, struct od_err *err)
{
	enum od_code rc = buf_adds(b, name, err);

	if (rc == OD_OK)
		rc = buf_add(b, ": ", 2, err);
	if (rc == OD_OK)
		rc = buf_adds(b, value, err);
	if (rc == OD_OK)
		rc = buf_add(b, "\n", 1, err);
	return rc;
}

enum od_code statement_build(const struct statement *st, struct buf *out,
			     struct od_err *err)
{
	struct buf b;
	struct od_err inner;
	enum od_code rc;
	size_t i;

	buf_init(&b, STMT_MAX_BYTES);
	rc = statement_check(st, &inner);
	if (rc != OD_OK) {
		with_prefix(err, &inner);
		goto out;
	}
	rc = buf_adds(&b, STMT_MAGIC "\n", &inner);
	if (rc == OD_OK)
		rc = add_line(&b, "id", st->id, &inner);
	if (rc == OD_OK)
		rc = add_line(&b, "kind", statement_kind_name(st->kind),
			      &inner);
	if (rc == OD_OK && statement_kind_has_order(st->kind))
		rc = add_line(&b, "order", st->order, &inner);
	if (rc == OD_OK)
		rc = add_line(&b, "actor", st->actor, &inner);
	if (rc == OD_OK)
		rc = add_line(&b, "key", st->key, &inner);
	if (rc == OD_OK)
		rc = add_line(&b, "time", st->time, &inner);
	if (rc == OD_OK)
		rc = add_line(&b, "prev", st->prev, &inner);
	for (i = 0; rc == OD_OK && i < st->nfields; i++)
		rc = add_line(&b, st->fields[i].name, st->fields[i].value,
			      &inner);
	if (rc == OD_E_INPUT) {
		/* The only way buf_add refuses input here is the cap. */
		od_err_set(err, OD_E_INPUT,
			   "statement: is longer than %d bytes (too many or too long items?)",
			   STMT_MAX_BYTES);
		goto out;
	}
	if (rc != OD_OK) {
		*err = inner;
		goto out;
	}
	rc = buf_add(out, b.data, b.len, err);
out:
	buf_free(&b);
	return rc;
}

/* One line of the text being parsed, without its newline. */
struct line {
	const char *p;
	size_t len;
	size_t no;             /* counted from 1 */
};

/*
 * Takes the next line of text[*pos..len) into *ln.  Returns 0 at the end of
 * the text, 1 for a line, or -1 (err set) for a line the builder would not
 * write: without a final newline, blank, or ending in CR.
 */
static int next_line(const char *text, size_t len, size_t *pos,
		     struct line *ln, struct od_err *err)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	ln->no++;
	ln->p = text + *pos;
	nl = memchr(ln->p, '\n', len - *pos);
	if (nl == NULL) {
		od_err_set(err, OD_E_INPUT,
			   "statement line %zu: missing final newline", ln->no);
		return -1;
	}
	ln->len = (size_t)(nl - ln->p);
	*pos += ln->len + 1;
	if (ln->len == 0) {
		od_err_set(err, OD_E_INPUT, "statement line %zu: blank line",
			   ln->no);
		return -1;
	}
	if (ln->p[ln->len - 1] == '\r') {
		od_err_set(err, OD_E_INPUT,
			   "statement line %zu: ends in CR (CRLF line endings are not allowed)",
			   ln->no);
		return -1;
	}
	return 1;
}

/*
 * Splits a line into name (copied into name[], NUL-terminated) and value.
 * The name must be 1..31 of [a-z-], then ": ", then the value (checked by
 * the caller).  Returns 0 when the line has no such shape.
 */
static int split_line(const struct line *ln, char name[32], const char **v,
		      size_t *vlen)
{
	size_t i;

	for (i = 0; i < ln->len && i < 31; i++) {
		char c = ln->p[i];

		if (c == ':')
			break;
		if (!is_lower(c) && c != '-')
			return 0;
		name[i] = c;
	}
	if (i == 0 || i + 1 >= ln->len || ln->p[i] != ':' ||
	    ln->p[i + 1] != ' ')
		return 0;
	name[i] = '\0';
	*v = ln->p + i + 2;
	*vlen = ln->len - i - 2;
	return 1;
}

/* Parses the magic and header lines into st; the body follows at *pos. */
static enum od_code parse_header(const char *text, size_t len, size_t *pos,
				 struct line *ln, struct statement *st,
				 struct od_err *err)
{
	const struct kind_spec *k = NULL;
	struct od_err inner;
	char name[32], kind_name[32];
	const char *v;
	size_t vlen, h;
	int got;

	got = next_line(text, len, pos, ln, err);
	if (got < 0)
		return err->code;
	if (got == 0 || ln->len != sizeof STMT_MAGIC - 1 ||
	    memcmp(ln->p, STMT_MAGIC, ln->len) != 0)
		return od_err_set(err, OD_E_INPUT,
				  "statement line 1: not an orderdesk statement (the first line must be \"%s\")",
				  STMT_MAGIC);
	for (h = 0; h < sizeof header_names / sizeof header_names[0]; h++) {
		const char *want = header_names[h];

		if (strcmp(want, "order") == 0 && !k->has_order)
			continue;
		got = next_line(text, len, pos, ln, err);
		if (got < 0)
			return err->code;
		if (got == 0)
			return od_err_set(err, OD_E_INPUT,
					  "statement line %zu: the text ends before the \"%s:\" line",
					  ln->no + 1, want);
		if (!split_line(ln, name, &v, &vlen))
			return od_err_set(err, OD_E_INPUT,
					  "statement line %zu: expected \"%s: value\"",
					  ln->no, want);
		if (strcmp(name, want) != 0) {
			if (strcmp(want, "order") == 0)
				return od_err_set(err, OD_E_INPUT,
						  "statement line %zu: kind %s needs an \"order:\" line here",
						  ln->no, k->name);
			if (strcmp(name, "order") == 0 && k != NULL)
				return od_err_set(err, OD_E_INPUT,
						  "statement line %zu: kind %s has no \"order:\" line",
						  ln->no, k->name);
			return od_err_set(err, OD_E_INPUT,
					  "statement line %zu: expected the \"%s:\" line here",
					  ln->no, want);
		}
		if (utf8_check_text(want, v, vlen, STMT_VALUE_MAX, 0,
				    &inner) != OD_OK)
			return at_line(err, ln->no, &inner);
		/* h indexes header_names: id, kind, order, actor, key, time,
		 * prev. */
		switch (h) {
		case 0:
			if (check_id_value(v, vlen, &inner) != OD_OK)
				return at_line(err, ln->no, &inner);
			memcpy(st->id, v, vlen);
			st->id[vlen] = '\0';
			break;
		case 1:
			if (vlen >= sizeof kind_name)
				goto bad_kind;
			memcpy(kind_name, v, vlen);
			kind_name[vlen] = '\0';
			if (statement_kind_parse(kind_name, &st->kind,
						 &inner) != OD_OK)
				goto bad_kind;
			k = kind_spec(st->kind);
			break;
		case 2:
			if (check_order_value(v, vlen, &inner) != OD_OK)
				return at_line(err, ln->no, &inner);
			memcpy(st->order, v, vlen);
			st->order[vlen] = '\0';
			break;
		case 3:
			if (check_name_value("actor", v, vlen, &inner) != OD_OK)
				return at_line(err, ln->no, &inner);
			memcpy(st->actor, v, vlen);
			st->actor[vlen] = '\0';
			break;
		case 4:
			if (check_key_value(v, vlen, &inner) != OD_OK)
				return at_line(err, ln->no, &inner);
			memcpy(st->key, v, vlen);
			st->key[vlen] = '\0';
			break;
		case 5:
			if (check_time_value("time", v, vlen, &inner) != OD_OK)
				return at_line(err, ln->no, &inner);
			memcpy(st->time, v, vlen);
			st->time[vlen] = '\0';
			break;
		default:
			if (check_prev_value(v, vlen, &inner) != OD_OK)
				return at_line(err, ln->no, &inner);
			memcpy(st->prev, v, vlen);
			st->prev[vlen] = '\0';
			break;
		}
	}
	return OD_OK;
bad_kind:
	return od_err_set(err, OD_E_INPUT,
			  "statement line %zu: unknown statement kind",
			  ln->no);
}

enum od_code statement_parse(const char *text, size_t len,
			     struct statement **out, struct od_err *err)
{
	struct statement *st = NULL;
	const struct kind_spec *k;
	const struct field_spec *f;
	struct seq s = { -1, 0 };
	struct line ln = { NULL, 0, 0 };
	struct od_err inner;
	size_t pos = 0, vlen, body = 0;
	const char *v;
	char name[32], *copy;
	enum od_code rc = OD_E_INPUT;
	int got;

	*out = NULL;
	if (len == 0 || text == NULL)
		return od_err_set(err, OD_E_INPUT, "statement: is empty");
	if (len > STMT_MAX_BYTES)
		return od_err_set(err, OD_E_INPUT,
				  "statement: is longer than %d bytes",
				  STMT_MAX_BYTES);
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = parse_header(text, len, &pos, &ln, st, err);
	if (rc != OD_OK)
		goto out;
	k = kind_spec(st->kind);
	while ((got = next_line(text, len, &pos, &ln, err)) > 0) {
		if (++body > STMT_MAX_FIELDS) {
			rc = od_err_set(err, OD_E_INPUT,
					"statement line %zu: more than %d body fields",
					ln.no, STMT_MAX_FIELDS);
			goto out;
		}
		if (!split_line(&ln, name, &v, &vlen)) {
			rc = od_err_set(err, OD_E_INPUT,
					"statement line %zu: not a \"name: value\" line",
					ln.no);
			goto out;
		}
		/* Check the raw bytes before copying: a NUL would hide the rest. */
		rc = seq_step(k, &s, name, &f, &inner);
		if (rc == OD_OK)
			rc = utf8_check_text(f->name, v, vlen, STMT_VALUE_MAX,
					     0, &inner);
		if (rc != OD_OK) {
			at_line(err, ln.no, &inner);
			goto out;
		}
		copy = copy_bytes(v, vlen);
		if (copy == NULL) {
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
			goto out;
		}
		rc = f->check(f, copy, vlen, &inner);
		if (rc != OD_OK) {
			secret_free_str(copy);
			at_line(err, ln.no, &inner);
			goto out;
		}
		rc = fields_push(st, f, copy, &inner);
		if (rc != OD_OK) {
			at_line(err, ln.no, &inner);
			goto out;
		}
	}
	if (got < 0) {
		rc = err->code;
		goto out;
	}
	/* A missing last field is reported where it should have been. */
	rc = seq_finish(k, &s, &inner);
	if (rc != OD_OK) {
		at_line(err, ln.no + 1, &inner);
		goto out;
	}
	*out = st;
	st = NULL;
out:
	statement_free(st);
	return rc;
}

/* The storefront an imported order came from. */
static enum od_code check_source(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	static const char *const ok[] = { "woocommerce", "shopify", "amazon",
					  "etsy", NULL };

	if (!one_of(v, n, ok))
		return od_err_set(err, OD_E_INPUT, "%s: must be woocommerce, "
				  "shopify, amazon or etsy", f->name);
	return OD_OK;
}

/* "sha256:" and a SHA-256 in lower-case hex. */
static enum od_code check_sha256(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	size_t i = 7;

	if (n != 7 + 64 || memcmp(v, "sha256:", 7) != 0)
		i = 0;
	for (; i > 0 && i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'f')))
			break;
	if (i != n)
		return od_err_set(err, OD_E_INPUT, "%s: must be \"sha256:\" "
				  "and 64 lower-case hex digits", f->name);
	return OD_OK;
}
