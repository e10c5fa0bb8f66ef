/* statement.c - a statement in memory: made, filled, checked and built
 * into the canonical text (statement-parse.c reads it back). */
#include "app/log/statement-spec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "lib/encode.h"
#include "lib/secret.h"

/* Sets err to inner's code and message behind "statement: ". */
static enum od_code with_prefix(struct od_err *err, const struct od_err *inner)
{
	return od_err_set(err, inner->code, "statement: %s", inner->msg);
}

/* Appends a field whose value (owned, checked) is handed over. */
enum od_code stmt_fields_push(struct statement *st,
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
char *stmt_copy_bytes(const char *v, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, v, n);
		p[n] = '\0';
	}
	return p;
}

enum od_code statement_set_time(struct statement *st, const char *time_str,
				struct od_err *err)
{
	struct od_err inner;

	if (time_str == NULL ||
	    stmt_check_time_value("time", time_str, strlen(time_str), &inner) != OD_OK)
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
	if (stmt_check_id_value(id, strlen(id), &inner) != OD_OK)
		return with_prefix(err, &inner);
	memcpy(st->id, id, STMT_ID_LEN + 1);
	return OD_OK;
}

enum od_code statement_set_prev(struct statement *st, const char *prev,
				struct od_err *err)
{
	if (prev == NULL || !stmt_prev_ok(prev, strlen(prev)))
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
	    STMT_TIME_LEN || !stmt_time_ok(st->time, STMT_TIME_LEN))
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
	const struct kind_spec *k = stmt_kind_spec(kind);
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
	if (stmt_check_name_value("actor", actor, strlen(actor), &inner) != OD_OK ||
	    stmt_check_key_value(key, strlen(key), &inner) != OD_OK)
		return with_prefix(err, &inner);
	if (k->has_order) {
		if (order == NULL || order[0] == '\0')
			return od_err_set(err, OD_E_INPUT,
					  "statement: kind %s needs an order number",
					  k->name);
		if (stmt_check_order_value(order, strlen(order), &inner) != OD_OK)
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
	s->cur = stmt_field_index(k, last);
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
	const struct kind_spec *k = stmt_kind_spec(st->kind);
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
	    stmt_seq_step(k, &s, name, &f, &inner) != OD_OK ||
	    stmt_check_value(f, value, strlen(value), &inner) != OD_OK)
		return with_prefix(err, &inner);
	copy = stmt_copy_bytes(value, strlen(value));
	if (copy == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (stmt_fields_push(st, f, copy, &inner) != OD_OK)
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
	const struct kind_spec *k = stmt_kind_spec(st->kind);
	const struct field_spec *f;
	struct seq s = { -1, 0 };
	enum od_code rc;
	size_t i;

	if (k == NULL)
		return od_err_set(err, OD_E_INPUT, "invalid kind");
	rc = stmt_check_id_value(st->id, FIXED_LEN(st->id), err);
	if (rc != OD_OK)
		return rc;
	if (k->has_order) {
		rc = stmt_check_order_value(st->order, FIXED_LEN(st->order), err);
		if (rc != OD_OK)
			return rc;
	} else if (st->order[0] != '\0') {
		return od_err_set(err, OD_E_INPUT,
				  "kind %s has no order number",
				  k->name);
	}
	rc = stmt_check_name_value("actor", st->actor, FIXED_LEN(st->actor), err);
	if (rc != OD_OK)
		return rc;
	rc = stmt_check_key_value(st->key, FIXED_LEN(st->key), err);
	if (rc != OD_OK)
		return rc;
	rc = stmt_check_time_value("time", st->time, FIXED_LEN(st->time), err);
	if (rc != OD_OK)
		return rc;
	rc = stmt_check_prev_value(st->prev, FIXED_LEN(st->prev), err);
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
		rc = stmt_seq_step(k, &s, fl->name, &f, err);
		if (rc != OD_OK)
			return rc;
		rc = stmt_check_value(f, fl->value, strlen(fl->value), err);
		if (rc != OD_OK)
			return rc;
	}
	return stmt_seq_finish(k, &s, err);
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
