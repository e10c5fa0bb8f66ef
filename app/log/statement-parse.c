/* statement-parse.c - the strict parser: text to a checked statement. */
#include "app/log/statement-spec.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secret.h"
#include "lib/utf8.h"

/* Sets err to inner's code and message behind "statement line N: ". */
static enum od_code at_line(struct od_err *err, size_t line,
			    const struct od_err *inner)
{
	return od_err_set(err, inner->code, "statement line %zu: %s", line,
			  inner->msg);
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

/* The actor and time header values, in the shape of the other checks. */
static enum od_code check_actor(const char *v, size_t n, struct od_err *err)
{
	return stmt_check_name_value("actor", v, n, err);
}

static enum od_code check_time(const char *v, size_t n, struct od_err *err)
{
	return stmt_check_time_value("time", v, n, err);
}

#define HEADER(name, check) \
	{ #name, offsetof(struct statement, name), \
	  sizeof ((struct statement *)0)->name, check }

/*
 * The header lines after the magic, in order, with where each value goes
 * and its check.  "kind" (no check here) picks the kind; "order" is there
 * only for the kinds that have one.
 */
static const struct header_spec {
	const char *name;
	size_t off, size;
	enum od_code (*check)(const char *v, size_t n, struct od_err *err);
} headers[] = {
	HEADER(id, stmt_check_id_value),
	{ "kind", 0, 0, NULL },
	HEADER(order, stmt_check_order_value),
	HEADER(actor, check_actor),
	HEADER(key, stmt_check_key_value),
	HEADER(time, check_time),
	HEADER(prev, stmt_check_prev_value),
};

/*
 * Reads the header line that must come next, called want: its value in
 * *v, *vlen, already known to be text.  k is the kind once read (NULL
 * before), for the messages about a missing or unexpected "order:".
 */
static enum od_code header_line(const char *text, size_t len, size_t *pos,
				struct line *ln, const char *want,
				const struct kind_spec *k, const char **v,
				size_t *vlen, struct od_err *err)
{
	struct od_err inner;
	char name[32];
	int got = next_line(text, len, pos, ln, err);

	if (got < 0)
		return err->code;
	if (got == 0)
		return od_err_set(err, OD_E_INPUT,
				  "statement line %zu: the text ends before the \"%s:\" line",
				  ln->no + 1, want);
	if (!split_line(ln, name, v, vlen))
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
	if (utf8_check_text(want, *v, *vlen, STMT_VALUE_MAX, 0,
			    &inner) != OD_OK)
		return at_line(err, ln->no, &inner);
	return OD_OK;
}

/* Reads the kind header value v[0..vlen) into st->kind. */
static enum od_code header_kind(const char *v, size_t vlen,
				const struct line *ln, struct statement *st,
				struct od_err *err)
{
	struct od_err inner;
	char kind_name[32];

	if (vlen >= sizeof kind_name)
		goto bad_kind;
	memcpy(kind_name, v, vlen);
	kind_name[vlen] = '\0';
	if (statement_kind_parse(kind_name, &st->kind, &inner) != OD_OK)
		goto bad_kind;
	return OD_OK;
bad_kind:
	return od_err_set(err, OD_E_INPUT,
			  "statement line %zu: unknown statement kind",
			  ln->no);
}

/* Parses the magic and header lines into st; the body follows at *pos. */
static enum od_code parse_header(const char *text, size_t len, size_t *pos,
				 struct line *ln, struct statement *st,
				 struct od_err *err)
{
	const struct kind_spec *k = NULL;
	struct od_err inner;
	const char *v;
	size_t vlen, h;
	enum od_code rc;
	int got;

	got = next_line(text, len, pos, ln, err);
	if (got < 0)
		return err->code;
	if (got == 0 || ln->len != sizeof STMT_MAGIC - 1 ||
	    memcmp(ln->p, STMT_MAGIC, ln->len) != 0)
		return od_err_set(err, OD_E_INPUT,
				  "statement line 1: not an orderdesk statement (the first line must be \"%s\")",
				  STMT_MAGIC);
	for (h = 0; h < sizeof headers / sizeof headers[0]; h++) {
		const struct header_spec *hs = &headers[h];
		char *dst = (char *)st + hs->off;

		if (strcmp(hs->name, "order") == 0 && !k->has_order)
			continue;
		rc = header_line(text, len, pos, ln, hs->name, k, &v, &vlen,
				 err);
		if (rc != OD_OK)
			return rc;
		if (hs->check == NULL) {
			rc = header_kind(v, vlen, ln, st, err);
			if (rc != OD_OK)
				return rc;
			k = stmt_kind_spec(st->kind);
			continue;
		}
		/* Each check bounds the length below the field's size. */
		if (hs->check(v, vlen, &inner) != OD_OK)
			return at_line(err, ln->no, &inner);
		memcpy(dst, v, vlen);
		dst[vlen] = '\0';
	}
	return OD_OK;
}

/*
 * Parses one body line (the body-th) into a field of st: its name must come
 * next in the kind's canonical order and its value pass the field's check.
 */
static enum od_code parse_body_line(struct statement *st,
				    const struct kind_spec *k, struct seq *s,
				    const struct line *ln, size_t body,
				    struct od_err *err)
{
	const struct field_spec *f;
	struct od_err inner;
	const char *v;
	char name[32], *copy;
	size_t vlen;
	enum od_code rc;

	if (body > STMT_MAX_FIELDS)
		return od_err_set(err, OD_E_INPUT,
				  "statement line %zu: more than %d body fields",
				  ln->no, STMT_MAX_FIELDS);
	if (!split_line(ln, name, &v, &vlen))
		return od_err_set(err, OD_E_INPUT,
				  "statement line %zu: not a \"name: value\" line",
				  ln->no);
	/* Check the raw bytes before copying: a NUL would hide the rest. */
	rc = stmt_seq_step(k, s, name, &f, &inner);
	if (rc == OD_OK)
		rc = utf8_check_text(f->name, v, vlen, STMT_VALUE_MAX, 0,
				     &inner);
	if (rc != OD_OK)
		return at_line(err, ln->no, &inner);
	copy = stmt_copy_bytes(v, vlen);
	if (copy == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = f->check(f, copy, vlen, &inner);
	if (rc != OD_OK) {
		secret_free_str(copy);
		return at_line(err, ln->no, &inner);
	}
	if (stmt_fields_push(st, f, copy, &inner) != OD_OK)
		return at_line(err, ln->no, &inner);
	return OD_OK;
}

enum od_code statement_parse(const char *text, size_t len,
			     struct statement **out, struct od_err *err)
{
	struct statement *st = NULL;
	const struct kind_spec *k;
	struct seq s = { -1, 0 };
	struct line ln = { NULL, 0, 0 };
	struct od_err inner;
	size_t pos = 0, body = 0;
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
	k = stmt_kind_spec(st->kind);
	while ((got = next_line(text, len, &pos, &ln, err)) > 0) {
		rc = parse_body_line(st, k, &s, &ln, ++body, err);
		if (rc != OD_OK)
			goto out;
	}
	if (got < 0) {
		rc = err->code;
		goto out;
	}
	/* A missing last field is reported where it should have been. */
	rc = stmt_seq_finish(k, &s, &inner);
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
