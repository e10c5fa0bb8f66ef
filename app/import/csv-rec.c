/*
 * csv-rec.c - the records of a CSV file (RFC 4180), read through an
 * input's window one at a time, so a file of any length is never held
 * whole; or of a tab-separated file (Amazon's reports), where a quote is
 * just a character.  Used by orderdesk's own CSV (import-csv.c) and the
 * storefronts' exports.
 */
#include "app/import/csv-rec.h"

#include <string.h>

#include "app/import/import.h"

void csv_init(struct csv *c, struct import_input *in, char sep)
{
	c->in = in;
	c->line = 1;
	c->sep = sep;
}

const char *rec_field(const struct csv_record *r, size_t i)
{
	return r->data.data + r->off[i];
}

/*
 * Moves past n bytes of the record r.  Its bytes as read are kept (with
 * keep_raw) a stretch at a time: fill() copies what was passed over
 * before the window may move, csv_next the rest at the record's end.
 */
static enum od_code take(struct csv *c, struct csv_record *r, size_t n,
			 struct od_err *err)
{
	(void)r;
	(void)err;
	c->in->pos += n;
	return OD_OK;
}

/* Copies the record's bytes passed over since the mark, if it keeps them. */
static enum od_code flush_raw(struct csv *c, struct od_err *err)
{
	struct csv_record *r = c->cur;
	enum od_code rc = OD_OK;

	if (r != NULL && r->keep_raw && c->in->pos > c->mark)
		rc = buf_add(&r->raw, c->in->data + c->mark,
			     c->in->pos - c->mark, err);
	c->mark = c->in->pos;
	return rc;
}

/* import_input_fill, keeping the record's bytes before the window moves. */
static enum od_code fill(struct csv *c, size_t want, struct od_err *err)
{
	enum od_code rc;

	if (import_input_avail(c->in) >= want)
		return OD_OK;
	rc = flush_raw(c, err);
	if (rc == OD_OK)
		rc = import_input_fill(c->in, want, err);
	c->mark = c->in->pos;
	return rc;
}

/* The next unread byte's address; good until the next fill. */
static const char *csv_at(const struct csv *c)
{
	return c->in->data + c->in->pos;
}

/* Sets *b to the next byte, or -1 at the end of the input. */
static enum od_code csv_peek(struct csv *c, int *b, struct od_err *err)
{
	enum od_code rc = fill(c, 1, err);

	if (rc != OD_OK)
		return rc;
	*b = import_input_avail(c->in) > 0 ? (unsigned char)*csv_at(c) : -1;
	return OD_OK;
}

/* Whether the reader is at a line end (LF or CRLF); *n its length. */
static enum od_code csv_eol(struct csv *c, int *yes, size_t *n,
			    struct od_err *err)
{
	enum od_code rc = fill(c, 2, err);
	size_t avail = import_input_avail(c->in);
	const char *p = csv_at(c);

	*yes = 0;
	if (rc != OD_OK)
		return rc;
	if (avail >= 1 && p[0] == '\n') {
		*n = 1;
		*yes = 1;
	} else if (avail >= 2 && p[0] == '\r' && p[1] == '\n') {
		*n = 2;
		*yes = 1;
	}
	return OD_OK;
}

/* Appends bytes to the field being read, within IMPORT_FIELD_MAX. */
static enum od_code csv_field_add(struct csv_record *r, size_t start,
				  const char *p, size_t n, int quoted,
				  size_t line, struct od_err *err)
{
	if (r->data.len - start + n > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: a field is longer than %d "
				  "bytes%s", line, IMPORT_FIELD_MAX,
				  quoted ? " (is a quote left open?)" : "");
	return buf_add(&r->data, p, n, err);
}

/*
 * Reads one quoted field (RFC 4180: "" stands for one quote), a window at a
 * time: a field may span many lines and reads.
 */
static enum od_code csv_quoted(struct csv *c, struct csv_record *r,
			       size_t start, struct od_err *err)
{
	struct import_input *in = c->in;
	size_t line0 = c->line, avail, n, i;
	const char *p, *q;
	enum od_code rc;
	int b;

	if ((rc = take(c, r, 1, err)) != OD_OK)
		return rc;
	for (;;) {
		rc = fill(c, 1, err);
		if (rc != OD_OK)
			return rc;
		p = csv_at(c);
		avail = import_input_avail(in);
		q = memchr(p, '"', avail);
		n = q != NULL ? (size_t)(q - p) : avail;
		/* The size cap first: it bounds the work on a quote left open. */
		rc = csv_field_add(r, start, p, n, 1, line0, err);
		if (rc != OD_OK)
			return rc;
		for (i = 0; i < n; i++)
			if (p[i] == '\n')
				c->line++;
		if ((rc = take(c, r, n, err)) != OD_OK)
			return rc;
		if (q == NULL) {
			if (in->eof)
				return od_err_set(err, OD_E_INPUT,
						  "line %zu: a quoted field is "
						  "never closed (unterminated "
						  "quote)", line0);
			continue;
		}
		if ((rc = take(c, r, 1, err)) != OD_OK)
			return rc;
		rc = csv_peek(c, &b, err);
		if (rc != OD_OK)
			return rc;
		if (b != '"')
			return OD_OK;
		rc = csv_field_add(r, start, "\"", 1, 1, line0, err);
		if (rc == OD_OK)
			rc = take(c, r, 1, err);
		if (rc != OD_OK)
			return rc;
	}
}

/*
 * Reads one unquoted field, up to a comma or line end.  A quote anywhere in
 * it is the error to give even past the size cap, as when the field was
 * read whole: past the cap the rest is scanned, not kept.
 */
static enum od_code csv_bare(struct csv *c, struct csv_record *r,
			     size_t start, struct od_err *err)
{
	struct import_input *in = c->in;
	size_t avail, lim, i, len = 0;
	const char *p;
	enum od_code rc;
	int stop = 0;

	while (!stop) {
		rc = fill(c, 2, err);
		if (rc != OD_OK)
			return rc;
		p = csv_at(c);
		avail = import_input_avail(in);
		if (avail == 0)
			break;
		/* A '\r' is looked at with the byte after it (CRLF). */
		lim = in->eof ? avail : avail - 1;
		for (i = 0; i < lim; i++) {
			if (p[i] == c->sep || p[i] == '\n' ||
			    (p[i] == '\r' && i + 1 < avail && p[i + 1] == '\n')) {
				stop = 1;
				break;
			}
			if (p[i] == '"' && c->sep == ',')
				return od_err_set(err, OD_E_INPUT,
						  "line %zu: a quote inside an "
						  "unquoted field; quote the "
						  "whole field and write the "
						  "quote as \"\"", c->line);
		}
		if (len + i <= IMPORT_FIELD_MAX) {
			rc = csv_field_add(r, start, p, i, 0, c->line, err);
			if (rc != OD_OK)
				return rc;
		}
		len += i;
		if ((rc = take(c, r, i, err)) != OD_OK)
			return rc;
	}
	if (len > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: a field is longer than %d bytes",
				  c->line, IMPORT_FIELD_MAX);
	return OD_OK;
}

/* buf_add without a call when the room is there (most fields). */
static int put(struct csv_record *r, const char *p, size_t n,
	       struct od_err *err)
{
	struct buf *b = &r->data;

	if (b->len + n + 1 <= b->alloc && b->len + n <= b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 1;
	}
	return buf_add(b, p, n, err) == OD_OK;
}

/* The line p[0..len) is record r of n fields: the reader goes past it. */
static int took_line(struct csv *c, struct csv_record *r, const char *p,
		     size_t len, size_t n)
{
	/* Not copied: the window holds them until the next read. */
	r->raw_p = p;
	r->raw_n = len;
	r->n = n;
	c->in->pos += len;
	c->line++;
	return 1;
}

/*
 * A line without quotes, p[0..len), its fields ending at end: copied at
 * once, then the separators made NULs in one pass over the copy.  0 when a
 * field is too long or there are too many (the careful reader says so).
 */
static int plain_line(struct csv *c, struct csv_record *r, size_t max,
		      const char *p, size_t len, size_t end)
{
	size_t i, n = 0, from = 0, base = r->data.len;
	const char sep = c->sep;
	struct od_err e;
	char *d;

	od_err_clear(&e);
	if (!put(r, p, end, &e) || !put(r, "", 1, &e))
		goto slow;
	d = r->data.data + base;
	for (i = 0; i <= end; i++) {
		if (i < end && d[i] != sep)
			continue;
		if (n == max || i - from > IMPORT_FIELD_MAX)
			goto slow;
		d[i] = '\0';
		r->off[n] = base + from;
		r->len[n] = i - from;
		n++;
		from = i + 1;
	}
	return took_line(c, r, p, len, n);
slow:
	r->data.len = base;
	return 0;
}

/*
 * The quoted field of a line copied to d at d[*i] (its opening quote),
 * unquoted in place to d[*w...] ("" is a quote); *i ends past its closing
 * quote.  0 when the quote is not closed on this line or anything but the
 * separator (or the line's end) follows it.
 */
static int unquote(char *d, size_t end, size_t *i, size_t *w)
{
	const char *q;
	size_t k, j = *i + 1;

	for (;;) {
		q = memchr(d + j, '"', end - j);
		if (q == NULL)
			return 0;
		k = (size_t)(q - d);
		memmove(d + *w, d + j, k - j);
		*w += k - j;
		if (k + 1 == end || d[k + 1] != '"')
			break;
		d[(*w)++] = '"';
		j = k + 2;
	}
	*i = k + 1;
	return *i == end || d[*i] == ',';
}

/*
 * A line with quotes, p[0..len), its fields ending at end: copied at once,
 * its quoted fields unquoted in place (never longer than they were) and
 * each field's end made a NUL.  0 when it needs the careful reader, which
 * also says what is wrong: a quote inside a bare field, a quoted field
 * going on over lines, a field too long or too many.
 */
static int quoted_line(struct csv *c, struct csv_record *r, size_t max,
		       const char *p, size_t len, size_t end)
{
	size_t base = r->data.len, i = 0, w = 0, n = 0, from, k;
	struct od_err e;
	const char *q;
	char *d;

	od_err_clear(&e);
	if (!put(r, p, end, &e))
		goto slow;
	d = r->data.data + base;
	for (;;) {
		if (n == max)
			goto slow;
		from = w;
		if (i < end && d[i] == '"') {
			if (!unquote(d, end, &i, &w))
				goto slow;
		} else if (i == end || d[i] == ',') {
			/* Most of a storefront's row: empty fields. */
		} else {
			q = memchr(d + i, ',', end - i);
			k = q != NULL ? (size_t)(q - d) : end;
			if (memchr(d + i, '"', k - i) != NULL)
				goto slow;
			memmove(d + w, d + i, k - i);
			w += k - i;
			i = k;
		}
		if (w - from > IMPORT_FIELD_MAX)
			goto slow;
		r->off[n] = base + from;
		r->len[n] = w - from;
		n++;
		d[w++] = '\0';
		if (i++ == end)
			break;
	}
	r->data.len = base + w;
	return took_line(c, r, p, len, n);
slow:
	r->data.len = base;
	return 0;
}

/*
 * The common case in one pass: a whole record on one line already in the
 * window, its fields bare or simply quoted, each within the cap.  Returns
 * 0, having read nothing (r->data is emptied again), when the record needs
 * the careful reader below, which also gives the errors.
 */
static int csv_fast(struct csv *c, struct csv_record *r, size_t max)
{
	struct import_input *in = c->in;
	const char *p = csv_at(c), *nl;
	size_t avail = import_input_avail(in), len, end;

	nl = memchr(p, '\n', avail);
	if (nl == NULL)
		return 0;
	len = (size_t)(nl - p) + 1;
	end = len - 1;
	if (end > 0 && p[end - 1] == '\r')
		end--;
	if (memchr(p, '\0', end) != NULL)
		return 0;
	if (c->sep != ',' || memchr(p, '"', end) == NULL)
		return plain_line(c, r, max, p, len, end);
	return quoted_line(c, r, max, p, len, end);
}

static enum od_code csv_slow(struct csv *c, struct csv_record *r, size_t max,
			     struct od_err *err);

enum od_code csv_next(struct csv *c, struct csv_record *r, size_t max,
		      int *got, struct od_err *err)
{
	enum od_code rc;
	size_t n;
	int eol, b;

	*got = 0;
	for (;;) {
		rc = csv_eol(c, &eol, &n, err);
		if (rc != OD_OK)
			return rc;
		if (!eol)
			break;
		c->in->pos += n;
		c->line++;
	}
	rc = csv_peek(c, &b, err);
	if (rc != OD_OK || b == -1)
		return rc;
	r->line = c->line;
	r->n = 0;
	buf_reset(&r->data);
	buf_reset(&r->raw);
	rc = import_input_fill(c->in, 65536, err);
	if (rc != OD_OK)
		return rc;
	if (csv_fast(c, r, max)) {
		*got = 1;
		return OD_OK;
	}
	c->cur = r;
	c->mark = c->in->pos;
	rc = csv_slow(c, r, max, err);
	if (rc == OD_OK)
		rc = flush_raw(c, err);
	c->cur = NULL;
	if (rc != OD_OK)
		return rc;
	r->raw_p = r->raw.data;
	r->raw_n = r->raw.len;
	*got = 1;
	return OD_OK;
}

/* Reads the fields of a record at the reader, the careful way. */
static enum od_code csv_slow(struct csv *c, struct csv_record *r, size_t max,
			     struct od_err *err)
{
	enum od_code rc;
	size_t start, n;
	int eol, b;

	for (;;) {
		if (r->n == max)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: more than %zu fields "
					  "(wrong column count)", r->line,
					  max);
		start = r->data.len;
		rc = csv_peek(c, &b, err);
		if (rc != OD_OK)
			return rc;
		if (b == '"' && c->sep == ',')
			rc = csv_quoted(c, r, start, err);
		else
			rc = csv_bare(c, r, start, err);
		if (rc != OD_OK)
			return rc;
		r->off[r->n] = start;
		r->len[r->n] = r->data.len - start;
		r->n++;
		/* The NUL makes the field a C string; CSV data has no NUL. */
		rc = buf_add(&r->data, "", 1, err);
		if (rc == OD_OK)
			rc = csv_peek(c, &b, err);
		if (rc != OD_OK)
			return rc;
		if (b == -1)
			break;
		if (b == c->sep) {
			if ((rc = take(c, r, 1, err)) != OD_OK)
				return rc;
			continue;
		}
		rc = csv_eol(c, &eol, &n, err);
		if (rc != OD_OK)
			return rc;
		if (eol) {
			c->line++;
			if ((rc = take(c, r, n, err)) != OD_OK)
				return rc;
			break;
		}
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: text after a closing quote; "
				  "write a quote inside a quoted field as \"\"",
				  c->line);
	}
	return OD_OK;
}

