/* statement-kind.c - the kinds of statement, the body fields of each in
 * canonical order, and the machine that walks a body through them. */
#include "app/log/statement-spec.h"

#include <string.h>

#include "app/log/log-key.h"
#include "app/log/witness-policy.h"
#include "lib/utf8.h"

/* Evidence files one statement names (storage/store-evidence.h). */
#define STMT_MAX_EVIDENCE 16

static const struct field_spec genesis_fields[] = {
	{ "shop",   1, 1, STMT_SHOP_MAX, stmt_check_text },
	{ "role",   1, 1, 0, stmt_check_owner_role },
	{ "pubkey", 1, 1, 0, stmt_check_pubkey },
};

static const struct field_spec clock_fields[] = {
	{ "answers", 1, 1, 0, stmt_check_placed },   /* a time, like placed */
};

static const struct field_spec user_add_fields[] = {
	{ "user",   1, 1, 0, stmt_check_user },
	{ "role",   1, 1, 0, stmt_check_role },
	{ "pubkey", 1, 1, 0, stmt_check_pubkey },
};

static const struct field_spec user_role_fields[] = {
	{ "user", 1, 1, 0, stmt_check_user },
	{ "role", 1, 1, 0, stmt_check_role },
};

static const struct field_spec user_revoke_fields[] = {
	{ "user", 1, 1, 0, stmt_check_user },
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

static const struct field_spec user_rekey_fields[] = {
	{ "pubkey", 1, 1, 0, stmt_check_pubkey },
};

static const struct field_spec placed_fields[] = {
	{ "placed",        1, 1, 0, stmt_check_placed },
	{ "currency",      1, 1, 0, stmt_check_currency },
	{ "customer",      1, 1, 0, stmt_check_text },
	{ "email",         0, 1, 0, stmt_check_text },
	{ "phone",         0, 1, 0, stmt_check_text },
	/* All or none (order.c): none when no shipping is needed. */
	{ "ship-name",     0, 1, 0, stmt_check_text },
	{ "ship-line",     0, 4, 0, stmt_check_text },
	{ "ship-city",     0, 1, 0, stmt_check_text },
	{ "ship-postcode", 0, 1, 0, stmt_check_text },
	{ "ship-country",  0, 1, 0, stmt_check_country },
	{ "item",          1, STMT_MAX_ITEMS, 0, stmt_check_placed_item },
	{ "shipping",      0, 1, 0, stmt_check_charge },
	{ "tax",           0, 1, 0, stmt_check_charge },
	{ "discount",      0, 1, 0, stmt_check_charge },
	{ "total",         1, 1, 0, stmt_check_total },
	{ "payment",       0, 1, 0, stmt_check_payment },
	{ "note",          0, 1, 0, stmt_check_text },
	{ "source",        0, 1, 0, stmt_check_source },
	{ "source-id",     0, 1, 20, stmt_check_text },
	{ "source-hash", 0, 1, 0, stmt_check_sha256 },
};

static const struct field_spec reason_fields[] = {
	{ "reason", 1, 1, 0, stmt_check_text },
};

static const struct field_spec release_fields[] = {
	{ "reason", 0, 1, 0, stmt_check_text },
};

static const struct field_spec note_fields[] = {
	{ "text", 1, 1, 0, stmt_check_text },
};

static const struct field_spec receive_fields[] = {
	{ "amount",    1, 1, 0, stmt_check_amount },
	{ "method",    1, 1, 0, stmt_check_method },
	{ "reference", 0, 1, STMT_REFERENCE_MAX, stmt_check_text },
};

static const struct field_spec refund_fields[] = {
	{ "amount",    1, 1, 0, stmt_check_amount },
	{ "reason",    1, 1, 0, stmt_check_text },
	{ "item",      0, STMT_MAX_ITEMS, 0, stmt_check_ship_item },
	{ "reference", 0, 1, STMT_REFERENCE_MAX, stmt_check_text },
	{ "rma",       0, 1, 0, stmt_check_rma },  /* return close --refund */
};

static const struct field_spec return_open_fields[] = {
	{ "rma",    1, 1, 0, stmt_check_rma },
	{ "reason", 1, 1, 0, stmt_check_text },
	{ "item",   1, STMT_MAX_ITEMS, 0, stmt_check_ship_item },
};

static const struct field_spec return_receive_fields[] = {
	{ "rma",       1, 1, 0, stmt_check_rma },
	{ "condition", 1, 1, 0, stmt_check_condition },
	{ "item",      1, STMT_MAX_SERIALS, 0, stmt_check_return_item },
	{ "evidence",  0, STMT_MAX_EVIDENCE, 0, stmt_check_sha256 },
};

static const struct field_spec return_close_fields[] = {
	{ "rma",      1, 1, 0, stmt_check_rma },
	{ "decision", 1, 1, 0, stmt_check_decision },
	{ "reason",   0, 1, 0, stmt_check_text },
	{ "restock",  0, STMT_MAX_ITEMS, 0, stmt_check_ship_item },
};

static const struct field_spec deliver_fields[] = {
	{ "tracking", 0, 1, 0, stmt_check_tracking },
	{ "evidence", 0, STMT_MAX_EVIDENCE, 0, stmt_check_sha256 },
};

static const struct field_spec shipment_fields[] = {
	{ "carrier",  1, 1, STMT_CARRIER_MAX, stmt_check_text },
	{ "tracking", 1, 1, 0, stmt_check_tracking },
	{ "item",     1, STMT_MAX_ITEMS, 0, stmt_check_ship_item },
	{ "serial",   0, STMT_MAX_SERIALS, 0, stmt_check_serial },
};

static const struct field_spec role_define_fields[] = {
	{ "role", 1, 1, 0, stmt_check_role_define },
	{ "may",  1, 16, 0, stmt_check_permission },
};

static const struct field_spec amend_fields[] = {
	{ "was-ship-name",     0, 1, 0, stmt_check_text },
	{ "ship-name",         0, 1, 0, stmt_check_text },
	{ "was-ship-line",     0, 4, 0, stmt_check_text },
	{ "ship-line",         0, 4, 0, stmt_check_text },
	{ "was-ship-city",     0, 1, 0, stmt_check_text },
	{ "ship-city",         0, 1, 0, stmt_check_text },
	{ "was-ship-postcode", 0, 1, 0, stmt_check_text },
	{ "ship-postcode",     0, 1, 0, stmt_check_text },
	{ "was-ship-country",  0, 1, 0, stmt_check_country },
	{ "ship-country",      0, 1, 0, stmt_check_country },
	{ "was-item",          0, STMT_MAX_ITEMS, 0, stmt_check_ship_item },
	{ "item",              0, STMT_MAX_ITEMS, 0, stmt_check_amend_item },
	{ "add-item",          0, STMT_MAX_ITEMS, 0, stmt_check_placed_item },
	{ "was-total",         0, 1, 0, stmt_check_total },
	{ "total",             0, 1, 0, stmt_check_total },
};

/* order.unconfirm: the statement it takes back, by id. */
static enum od_code check_undoes(const struct field_spec *f, const char *v,
				 size_t n, struct od_err *err)
{
	if (stmt_check_id_value(v, n, err) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "%s: must be a statement "
				  "id, %d lower-case hex digits", f->name,
				  STMT_ID_LEN);
	return OD_OK;
}

static const struct field_spec unconfirm_fields[] = {
	{ "undoes", 1, 1, 0, check_undoes },
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
	[STMT_ROLE_DEFINE]      = KIND("role.define", 0, role_define_fields),
	[STMT_ORDER_AMEND]      = KIND("order.amend", 1, amend_fields),
	[STMT_ORDER_UNCONFIRM]  = KIND("order.unconfirm", 1, unconfirm_fields),
};

/* The header lines (statement-parse.c reads them): named for a clearer
 * message when one turns up among the body fields. */
static const char *const header_names[] = {
	"id", "kind", "order", "actor", "key", "time", "prev",
};

/* The kind's spec, or NULL for a value outside the enum. */
const struct kind_spec *stmt_kind_spec(enum stmt_kind kind)
{
	if ((unsigned)kind >= STMT_KIND_COUNT)
		return NULL;
	return &kinds[kind];
}

/*
 * Checks one NUL-terminated body value v of length n: first what every value
 * must be (UTF-8 text without control characters, not empty, within
 * STMT_VALUE_MAX), then the field's own rule.
 */
enum od_code stmt_check_value(const struct field_spec *f, const char *v,
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
int stmt_field_index(const struct kind_spec *k, const char *name)
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
enum od_code stmt_seq_step(const struct kind_spec *k, struct seq *s,
			   const char *name, const struct field_spec **out,
			   struct od_err *err)
{
	int j = stmt_field_index(k, name), i;

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
enum od_code stmt_seq_finish(const struct kind_spec *k, const struct seq *s,
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

const char *statement_kind_name(enum stmt_kind kind)
{
	const struct kind_spec *k = stmt_kind_spec(kind);

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
	const struct kind_spec *k = stmt_kind_spec(kind);

	return k ? k->has_order : 0;
}
