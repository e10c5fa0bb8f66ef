/*
 * json-array-stream.c - a top-level JSON array read element by element.
 *
 * Each element is handed to json_load_callback, fed from the input's window
 * from the element's first byte on, and jansson's error position tells how
 * many bytes the element took (JSON_DISABLE_EOF_CHECK; a number's
 * look-ahead byte is given back by jansson's own unget).  The bytes jansson
 * took are then counted here the way jansson counts lines and columns, so
 * that an error in element 90,000 names the line and column of the file,
 * not of the element.
 *
 * Byte for byte, jansson's lexer sees the same tokens in an element alone as
 * inside the whole array; what differs is only what the array's own parser
 * would have said between elements, and that is rebuilt in bad_token.  One
 * difference is left: jansson's depth limit counts the array itself, so an
 * element nested exactly JSON_PARSER_MAX_DEPTH deep is read here (and then
 * refused as an order) where the whole-file parse stopped with "nested too
 * deeply".
 */
#include "app/import/json-array-stream.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

enum {
	ST_START,        /* before the top-level '[' or '{' */
	ST_FIRST,        /* after '[': an element or ']' */
	ST_AFTER,        /* after an element: ',' or ']' */
	ST_DONE,
	ST_LONE          /* after a lone object handed out: END */
};

#define DECODE_FLAGS \
	(JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY)

void json_array_stream_init(struct json_array_stream *s,
			    struct import_input *in)
{
	s->in = in;
	s->line = 1;
	s->column = 0;
	s->state = ST_START;
	s->objects = 0;
}

/* Counts byte b as jansson's stream_get does, for lines and columns. */
static void count_byte(struct json_array_stream *s, unsigned char b)
{
	if (b == '\n') {
		s->line++;
		s->column = 0;
	} else if ((b & 0xc0) != 0x80) {
		/* A column is a character: UTF-8 continuations do not count. */
		s->column++;
	}
}

/* Moves past n unread bytes. */
static void advance(struct json_array_stream *s, size_t n)
{
	const unsigned char *p =
		(const unsigned char *)s->in->data + s->in->pos;
	size_t i;

	for (i = 0; i < n; i++)
		count_byte(s, p[i]);
	s->in->pos += n;
}

/* Whether v's last token was ended by looking at the byte after it. */
static int ends_by_lookahead(const json_t *v)
{
	return json_is_number(v) || json_is_boolean(v) || json_is_null(v);
}

/*
 * Moves past an element jansson read used bytes of.  jansson drops a NUL
 * byte that ends a number or a literal: it looks at the byte, puts it back,
 * and its buffer then takes the NUL for "empty" and reads on, so the NUL
 * counts in neither its position nor its columns.  Such NULs are passed
 * here uncounted too, the one after the element's own last token included
 * (the whole-file parse would drop that one as it read on).  In an element
 * jansson accepted, every NUL is one of these: anywhere else it is an
 * error.
 */
static void advance_element(struct json_array_stream *s, size_t used,
			    const json_t *v)
{
	struct import_input *in = s->in;
	const unsigned char *p = (const unsigned char *)in->data + in->pos;
	size_t avail = import_input_avail(in), i = 0, n = 0;

	while (n < used && i < avail) {
		if (p[i] != '\0') {
			count_byte(s, p[i]);
			n++;
		}
		i++;
	}
	/* The element's own bytes, for a source's proof of what it sent. */
	gnutls_hash_fast(GNUTLS_DIG_SHA256, p, i, s->digest);
	if (ends_by_lookahead(v) && i < avail && p[i] == '\0')
		i++;
	in->pos += i;
}

enum od_code json_array_stream_peek(struct json_array_stream *s, int *c,
				    struct od_err *err)
{
	struct import_input *in = s->in;
	enum od_code rc;
	char b;

	for (;;) {
		rc = import_input_fill(in, 1, err);
		if (rc != OD_OK)
			return rc;
		if (import_input_avail(in) == 0) {
			*c = -1;
			return OD_OK;
		}
		b = in->data[in->pos];
		if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
			break;
		advance(s, 1);
	}
	*c = (unsigned char)b;
	return OD_OK;
}

/* Feeds jansson the element's bytes, from in->pos on, within the cap. */
struct feed {
	struct json_array_stream *s;
	size_t handed;         /* bytes given to jansson so far */
	int too_large;
	enum od_code rc;       /* a read error, kept for after jansson */
	struct od_err *err;
};

/* json_load_callback_t: the next bytes of the element. */
static size_t feed_bytes(void *buffer, size_t buflen, void *data)
{
	struct feed *f = data;
	struct import_input *in = f->s->in;
	size_t want, n;

	if (f->handed >= (size_t)JSON_ARRAY_VALUE_MAX) {
		f->too_large = 1;
		return (size_t)-1;
	}
	if (in->pos + f->handed == in->len) {
		/* The window keeps the element from its first byte. */
		want = f->handed + buflen;
		if (want > (size_t)JSON_ARRAY_VALUE_MAX)
			want = (size_t)JSON_ARRAY_VALUE_MAX;
		f->rc = import_input_fill(in, want, f->err);
		if (f->rc != OD_OK)
			return (size_t)-1;
	}
	n = in->len - in->pos - f->handed;
	if (n > buflen)
		n = buflen;
	if (n > (size_t)JSON_ARRAY_VALUE_MAX - f->handed)
		n = (size_t)JSON_ARRAY_VALUE_MAX - f->handed;
	memcpy(buffer, in->data + in->pos + f->handed, n);
	f->handed += n;
	return n;
}

/* Sets je to code and text at the stream's current place. */
static enum json_array_event set_error(struct json_array_stream *s,
				       struct json_array_error *je,
				       enum json_error_code code,
				       const char *text)
{
	je->code = code;
	je->line = s->line;
	je->column = s->column;
	snprintf(je->text, sizeof je->text, "%s", text);
	s->state = ST_DONE;
	return JSON_ARRAY_SYNTAX;
}

/*
 * Decodes the value starting at in->pos.  On JSON_ARRAY_VALUE, *used is the
 * bytes it took (not yet passed); on JSON_ARRAY_SYNTAX, je is placed in the
 * whole input.
 */
static enum json_array_event decode(struct json_array_stream *s,
				    json_t **value, size_t *used,
				    struct json_array_error *je,
				    struct od_err *err)
{
	struct feed f = { s, 0, 0, OD_OK, err };
	json_error_t e;

	*value = json_load_callback(feed_bytes, &f, DECODE_FLAGS, &e);
	if (f.rc != OD_OK || f.too_large) {
		json_decref(*value);
		*value = NULL;
		if (f.rc != OD_OK)
			return JSON_ARRAY_FAILED;
		je->code = json_error_invalid_syntax;
		je->line = s->line;
		je->column = s->column + 1;
		snprintf(je->text, sizeof je->text, "value too large");
		return JSON_ARRAY_TOO_LARGE;
	}
	/*
	 * A number or literal is ended by looking at the next byte; when
	 * that byte is bad UTF-8, jansson records the error yet returns the
	 * value.  Reading on, the whole-file parse fails there: so does this.
	 */
	if (*value != NULL && e.text[0] == '\0') {
		*used = (size_t)e.position;
		return JSON_ARRAY_VALUE;
	}
	json_decref(*value);
	*value = NULL;
	/* jansson counted from the element's first byte: add where it is. */
	je->code = json_error_code(&e);
	je->line = e.line;
	je->column = e.column;
	if (e.line == 1)
		je->column += s->column;
	if (e.line >= 1)
		je->line += s->line - 1;
	memcpy(je->text, e.text, sizeof je->text);
	je->text[sizeof je->text - 1] = '\0';
	return JSON_ARRAY_SYNTAX;
}

/*
 * The token at in->pos is not allowed there: says what jansson's parser
 * says of the whole input (code and text), at the end of that token.  When
 * lexing the token fails (a bad escape, an overflowing number, bad UTF-8),
 * jansson reports that instead, and so does this.
 */
static enum json_array_event bad_token(struct json_array_stream *s,
				       enum json_error_code code,
				       const char *text,
				       struct json_array_error *je,
				       struct od_err *err)
{
	enum json_array_event ev;
	size_t used;
	json_t *v;

	if (s->in->data[s->in->pos] == '\0') {
		/*
		 * jansson keeps a NUL as the token's text, which then reads
		 * as no text at all: its "unexpected" becomes "premature end".
		 */
		advance(s, 1);
		return set_error(s, je, code == json_error_invalid_syntax ?
				 json_error_premature_end_of_input : code,
				 text);
	}
	if (strchr("{}[]:,", s->in->data[s->in->pos]) != NULL) {
		/* A one-byte token: jansson stops right after it. */
		advance(s, 1);
		return set_error(s, je, code, text);
	}
	ev = decode(s, &v, &used, je, err);
	if (ev == JSON_ARRAY_VALUE) {
		json_decref(v);
		advance(s, used);
		return set_error(s, je, code, text);
	}
	/*
	 * A value too large to decode where no value may stand: not an
	 * element, so not "too large" but jansson's words, placed at its
	 * start (its end lies past the window).
	 */
	if (ev == JSON_ARRAY_TOO_LARGE) {
		je->code = code;
		snprintf(je->text, sizeof je->text, "%s", text);
		s->state = ST_DONE;
		return JSON_ARRAY_SYNTAX;
	}
	/* A word that is no literal ("nul", "x"): same place, other words. */
	if (ev == JSON_ARRAY_SYNTAX && je->code == json_error_invalid_syntax &&
	    strncmp(je->text, "invalid token", 13) == 0) {
		je->code = code;
		snprintf(je->text, sizeof je->text, "%s", text);
	}
	s->state = ST_DONE;
	return ev;
}

/* After the top-level value: only whitespace may follow. */
static enum json_array_event expect_end(struct json_array_stream *s,
					enum json_array_event ok,
					struct json_array_error *je,
					struct od_err *err)
{
	int c;

	if (json_array_stream_peek(s, &c, err) != OD_OK)
		return JSON_ARRAY_FAILED;
	s->state = ST_DONE;
	if (c == -1)
		return ok;
	return bad_token(s, json_error_end_of_input_expected,
			 "end of file expected", je, err);
}

/* The top level is an object: read it for its errors, then refuse it. */
static enum json_array_event lone_object(struct json_array_stream *s,
					 json_t **value,
					 struct json_array_error *je,
					 struct od_err *err)
{
	enum json_array_event ev;
	size_t used;
	json_t *v;

	ev = decode(s, &v, &used, je, err);
	s->state = ST_DONE;
	/* Too large to read whole: it is still not an array. */
	if (ev == JSON_ARRAY_TOO_LARGE)
		return s->objects ? JSON_ARRAY_TOO_LARGE :
			JSON_ARRAY_NOT_ARRAY;
	if (ev != JSON_ARRAY_VALUE)
		return ev;
	advance_element(s, used, v);
	ev = expect_end(s, JSON_ARRAY_NOT_ARRAY, je, err);
	if (ev != JSON_ARRAY_NOT_ARRAY || !s->objects) {
		json_decref(v);
		return ev;
	}
	/* Some sources send one order as a lone object: END comes next. */
	s->state = ST_LONE;
	*value = v;
	return JSON_ARRAY_OBJECT;
}

/* Decodes one element at in->pos and moves past it. */
static enum json_array_event element(struct json_array_stream *s,
				     json_t **value,
				     struct json_array_error *je,
				     struct od_err *err)
{
	enum json_array_event ev;
	size_t used;

	ev = decode(s, value, &used, je, err);
	if (ev != JSON_ARRAY_VALUE) {
		s->state = ST_DONE;
		return ev;
	}
	advance_element(s, used, *value);
	s->state = ST_AFTER;
	return JSON_ARRAY_VALUE;
}

enum json_array_event json_array_stream_next(struct json_array_stream *s,
					      json_t **value,
					      struct json_array_error *je,
					      struct od_err *err)
{
	int c;

	*value = NULL;
	memset(je, 0, sizeof *je);
	if (s->state == ST_DONE)
		return set_error(s, je, json_error_invalid_argument,
				 "read past the end");
	if (s->state == ST_LONE) {
		s->state = ST_DONE;
		return JSON_ARRAY_END;
	}
	if (json_array_stream_peek(s, &c, err) != OD_OK) {
		s->state = ST_DONE;
		return JSON_ARRAY_FAILED;
	}
	switch (s->state) {
	case ST_START:
		if (c == '{')
			return lone_object(s, value, je, err);
		if (c != '[')
			return set_error(s, je, json_error_invalid_syntax,
					 "'[' or '{' expected");
		advance(s, 1);
		if (json_array_stream_peek(s, &c, err) != OD_OK) {
			s->state = ST_DONE;
			return JSON_ARRAY_FAILED;
		}
		/* The first element or ']' follows, as in ST_FIRST. */
		/* fall through */
	case ST_FIRST:
		if (c == ']') {
			advance(s, 1);
			return expect_end(s, JSON_ARRAY_END, je, err);
		}
		/* jansson stops at the end before it looks for an element. */
		if (c == -1)
			return set_error(s, je,
					 json_error_premature_end_of_input,
					 "']' expected near end of file");
		return element(s, value, je, err);
	case ST_AFTER:
		if (c == -1)
			return set_error(s, je,
					 json_error_premature_end_of_input,
					 "']' expected near end of file");
		if (c == ']') {
			advance(s, 1);
			return expect_end(s, JSON_ARRAY_END, je, err);
		}
		if (c != ',')
			return bad_token(s, json_error_invalid_syntax,
					 "']' expected", je, err);
		advance(s, 1);
		if (json_array_stream_peek(s, &c, err) != OD_OK) {
			s->state = ST_DONE;
			return JSON_ARRAY_FAILED;
		}
		/* After ',' jansson decodes whatever comes, even ']', but
		 * stops at the end before it looks for an element. */
		if (c == -1)
			return set_error(s, je,
					 json_error_premature_end_of_input,
					 "']' expected near end of file");
		return element(s, value, je, err);
	default:
		return set_error(s, je, json_error_invalid_argument,
				 "read past the end");
	}
}
