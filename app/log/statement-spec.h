/*
 * statement-spec.h - inside the statement code: the limits, each kind's
 * body fields in canonical order, and the value rules shared by the builder
 * (statement.c), the parser (statement-parse.c), the kind table
 * (statement-kind.c), the header values (statement-value.c) and the body
 * values (statement-field.c).  Not for callers outside app/log/statement*.
 */
#ifndef OD_STATEMENT_SPEC_H
#define OD_STATEMENT_SPEC_H

#include <stddef.h>

#include "app/log/statement.h"
#include "lib/err.h"

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

enum od_code stmt_check_text(const struct field_spec *f, const char *v,
			     size_t n, struct od_err *err);
enum od_code stmt_check_role(const struct field_spec *f, const char *v,
			     size_t n, struct od_err *err);
enum od_code stmt_check_role_define(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err);
enum od_code stmt_check_permission(const struct field_spec *f,
				   const char *v, size_t n,
				   struct od_err *err);
enum od_code stmt_check_owner_role(const struct field_spec *f,
				   const char *v, size_t n,
				   struct od_err *err);
enum od_code stmt_check_pubkey(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_user(const struct field_spec *f, const char *v,
			     size_t n, struct od_err *err);
enum od_code stmt_check_placed(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_currency(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
enum od_code stmt_check_country(const struct field_spec *f, const char *v,
				size_t n, struct od_err *err);
enum od_code stmt_check_placed_item(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err);
enum od_code stmt_check_total(const struct field_spec *f, const char *v,
			      size_t n, struct od_err *err);
enum od_code stmt_check_tracking(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
enum od_code stmt_check_ship_item(const struct field_spec *f, const char *v,
				  size_t n, struct od_err *err);
enum od_code stmt_check_charge(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_serial(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_rma(const struct field_spec *f, const char *v,
			    size_t n, struct od_err *err);
enum od_code stmt_check_condition(const struct field_spec *f,
				  const char *v, size_t n,
				  struct od_err *err);
enum od_code stmt_check_decision(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err);
enum od_code stmt_check_return_item(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err);
enum od_code stmt_check_amount(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_payment(const struct field_spec *f, const char *v,
				size_t n, struct od_err *err);
enum od_code stmt_check_method(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_source(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_sha256(const struct field_spec *f, const char *v,
			       size_t n, struct od_err *err);
enum od_code stmt_check_amend_item(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err);

/* Whether c is an ASCII decimal digit (not locale-dependent, unlike isdigit). */
static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether c is a lower-case ASCII letter. */
static inline int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Whether c is an upper-case ASCII letter. */
static inline int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Whether c is an ASCII letter or digit. */
static inline int is_alnum(char c)
{
	return is_digit(c) || is_lower(c) || is_upper(c);
}

/* Whether c is a lower-case hex digit (the only case we write). */
static inline int is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* statement-value.c: the header values and the words inside body values. */
int stmt_parse_decimal(const char *v, size_t n, unsigned long long max,
		       unsigned long long *out);
int stmt_time_ok(const char *v, size_t n);
int stmt_sku_ok(const char *v, size_t n);
int stmt_prev_ok(const char *v, size_t n);
enum od_code stmt_check_name_value(const char *what, const char *v,
				   size_t n, struct od_err *err);
enum od_code stmt_check_order_value(const char *v, size_t n,
				    struct od_err *err);
enum od_code stmt_check_id_value(const char *v, size_t n,
				 struct od_err *err);
enum od_code stmt_check_prev_value(const char *v, size_t n,
				   struct od_err *err);
enum od_code stmt_check_key_value(const char *v, size_t n,
				  struct od_err *err);
enum od_code stmt_check_time_value(const char *what, const char *v,
				   size_t n, struct od_err *err);

/* statement-kind.c: the kind table and the canonical-order machine. */
const struct kind_spec *stmt_kind_spec(enum stmt_kind kind);
enum od_code stmt_check_value(const struct field_spec *f, const char *v,
			      size_t n, struct od_err *err);
int stmt_field_index(const struct kind_spec *k, const char *name);
enum od_code stmt_seq_step(const struct kind_spec *k, struct seq *s,
			   const char *name, const struct field_spec **out,
			   struct od_err *err);
enum od_code stmt_seq_finish(const struct kind_spec *k, const struct seq *s,
			     struct od_err *err);

/* statement.c: a statement's body fields. */
enum od_code stmt_fields_push(struct statement *st,
			      const struct field_spec *f, char *value,
			      struct od_err *err);
char *stmt_copy_bytes(const char *v, size_t n);

#endif
