/* statement-field.c - the rule of each body field (items, money, roles,
 * returns...): one check per field, named in the kind table. */
#include "app/log/statement-spec.h"

#include <stdint.h>
#include <string.h>

#include "lib/encode.h"
#include "lib/utf8.h"


/* Free text: no leading or trailing space, within the field's own limit. */
enum od_code stmt_check_text(const struct field_spec *f, const char *v,
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

/* One of the four roles, or the name of one the owner defines. */
enum od_code stmt_check_role(const struct field_spec *f, const char *v,
			     size_t n, struct od_err *err)
{
	/* Or one the owner defined (the fold checks it was, by then). */
	if (strcmp(v, "owner") != 0 && strcmp(v, "shopkeeper") != 0 &&
	    strcmp(v, "staff") != 0 && strcmp(v, "storefront") != 0)
		return stmt_check_role_define(f, v, n, err);
	return OD_OK;
}

/* The shop's founder is its owner, nothing else. */
enum od_code stmt_check_owner_role(const struct field_spec *f,
				   const char *v, size_t n,
				   struct od_err *err)
{
	if (strcmp(v, "owner") != 0)
		return od_err_set(err, OD_E_INPUT, "%s: must be owner",
				  f->name);
	return OD_OK;
}

/* Canonical base64 of exactly 32 bytes (an Ed25519 public key). */
enum od_code stmt_check_pubkey(const struct field_spec *f, const char *v,
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
enum od_code stmt_check_user(const struct field_spec *f, const char *v,
			     size_t n, struct od_err *err)
{
	return stmt_check_name_value(f->name, v, n, err);
}

/* When the order was placed. */
enum od_code stmt_check_placed(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	return stmt_check_time_value(f->name, v, n, err);
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
enum od_code stmt_check_currency(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	if (n != 3 || !all_upper(v, n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be three upper-case letters (ISO 4217)",
				  f->name);
	return OD_OK;
}

/* ISO 3166 alpha-2: two upper-case letters. */
enum od_code stmt_check_country(const struct field_spec *f, const char *v,
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
enum od_code stmt_check_placed_item(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err)
{
	const char *w, *name;
	size_t wlen, pos = 0, name_len;
	unsigned long long x;

	if (!next_word(v, n, &pos, &w, &wlen))
		goto shape;
	if (!stmt_sku_ok(w, wlen))
		return bad_sku(f, err);
	if (!next_word(v, n, &pos, &w, &wlen))
		goto shape;
	if (!stmt_parse_decimal(w, wlen, STMT_MAX_QTY, &x) || x == 0)
		return bad_qty(f, err);
	if (!next_word(v, n, &pos, &w, &wlen))
		goto shape;
	if (!stmt_parse_decimal(w, wlen, STMT_MAX_PRICE, &x))
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
enum od_code stmt_check_total(const struct field_spec *f, const char *v,
			      size_t n, struct od_err *err)
{
	unsigned long long x;

	if (!stmt_parse_decimal(v, n, STMT_MAX_TOTAL, &x))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a whole number of minor units from 0 to %llu without leading zeros",
				  f->name, STMT_MAX_TOTAL);
	return OD_OK;
}

/* "SKU SERIAL": a serial number (IMEI, batch) of something shipped. */
enum od_code stmt_check_serial(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	const char *w;
	size_t wlen, pos = 0;

	if (!next_word(v, n, &pos, &w, &wlen))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be \"SKU SERIAL\"", f->name);
	if (!stmt_sku_ok(w, wlen))
		return bad_sku(f, err);
	/* The serial's alphabet is a SKU's: letters, digits, . _ / - */
	if (!stmt_sku_ok(v + pos, n - pos))
		return od_err_set(err, OD_E_INPUT,
				  "%s: the serial must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', '/' or '-'",
				  f->name, STMT_SKU_MAX);
	return OD_OK;
}

/* Shipping, tax or a discount: minor units, as a unit price. */
enum od_code stmt_check_charge(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	unsigned long long x;

	if (!stmt_parse_decimal(v, n, STMT_MAX_PRICE, &x))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a whole number of minor units from 0 to %llu without leading zeros",
				  f->name, STMT_MAX_PRICE);
	return OD_OK;
}

/* Money received or refunded: more than nothing, at most a total. */
enum od_code stmt_check_amount(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err)
{
	unsigned long long x;

	if (!stmt_parse_decimal(v, n, STMT_MAX_TOTAL, &x) || x == 0)
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
enum od_code stmt_check_payment(const struct field_spec *f, const char *v,
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
enum od_code stmt_check_method(const struct field_spec *f, const char *v,
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
enum od_code stmt_check_rma(const struct field_spec *f, const char *v,
			    size_t n, struct od_err *err)
{
	if (n > STMT_ORDER_MAX + 8 || !stmt_sku_ok(v, n) || memchr(v, '/', n))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a return number like 1042-R1",
				  f->name);
	return OD_OK;
}

/* What came back was: ok, damaged or the wrong item. */
enum od_code stmt_check_condition(const struct field_spec *f,
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
enum od_code stmt_check_decision(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	static const char *const ok[] = { "accept", "reject", NULL };

	if (!one_of(v, n, ok))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be accept or reject", f->name);
	return OD_OK;
}

/* "SKU QTY" or "SKU QTY SERIAL": one line of what came back. */
enum od_code stmt_check_return_item(const struct field_spec *f,
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
	if (!stmt_sku_ok(v, (size_t)(sp - v)))
		return bad_sku(f, err);
	qn = (sp2 != NULL ? (size_t)(sp2 - sp - 1) : n - (size_t)(sp + 1 - v));
	if (!stmt_parse_decimal(sp + 1, qn, STMT_MAX_QTY, &x) || x == 0)
		return bad_qty(f, err);
	if (sp2 != NULL && !stmt_sku_ok(sp2 + 1, n - (size_t)(sp2 + 1 - v)))
		return od_err_set(err, OD_E_INPUT,
				  "%s: the serial must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', '/' or '-'",
				  f->name, STMT_SKU_MAX);
	return OD_OK;
}

/* A carrier's tracking number: 1..64 of [A-Za-z0-9-]. */
enum od_code stmt_check_tracking(const struct field_spec *f, const char *v,
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
enum od_code stmt_check_ship_item(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err)
{
	const char *w;
	size_t wlen, pos = 0;
	unsigned long long x;

	if (!next_word(v, n, &pos, &w, &wlen))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be \"SKU QUANTITY\"", f->name);
	if (!stmt_sku_ok(w, wlen))
		return bad_sku(f, err);
	if (!stmt_parse_decimal(v + pos, n - pos, STMT_MAX_QTY, &x) || x == 0)
		return bad_qty(f, err);
	return OD_OK;
}
/* The storefront an imported order came from. */
enum od_code stmt_check_source(const struct field_spec *f, const char *v,
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
enum od_code stmt_check_sha256(const struct field_spec *f, const char *v,
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
