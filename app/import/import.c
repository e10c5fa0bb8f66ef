/*
 * import.c - reading orders from an import file, one at a time: a JSON
 * array of orders, or CSV with one row per item (assets/import-format.md).
 *
 * The file is hostile until proven otherwise.  Its size, every value and
 * the number of rows and orders are capped, and every order goes through
 * order_validate (import-json.c, import-csv.c).  The file is streamed, so
 * that memory stays flat however many orders it holds; what must still be
 * seen whole is seen here:
 *
 *  - repeated order numbers, through a set of the numbers seen (a few MiB
 *    for a hundred thousand), not the orders;
 *  - which error wins.  When the whole file was parsed first, a JSON
 *    syntax error anywhere beat a bad order, a bad order beat a repeated
 *    number, and in CSV a NUL byte anywhere beat everything.  The reader
 *    keeps reading after a lesser error, handing out no more orders, so
 *    the error it gives is still that one.
 */
#include "app/import/import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/import/import-internal.h"
#include "app/import/import-stores.h"
#include "app/import/import-woo.h"
#include "app/import/json-array-ahead.h"
#include "lib/buf.h"
#include "lib/name-set.h"

/* An error found but not given yet: something worse may come later. */
enum pending {
	PENDING_NONE,
	PENDING_DUPLICATE,    /* a number seen twice */
	PENDING_ORDER         /* JSON: a bad order */
};

struct import_reader {
	struct import_input in;
	int fd;                    /* ours to close, or -1 */
	char *owned;               /* a pipe's bytes, read whole */
	int csv;
	struct json_array_stream js;
	struct json_ahead *ahead;  /* a file's JSON decoded ahead, or NULL */
	unsigned char digest[32];  /* of the last JSON element's bytes */
	struct import_csv *rows;
	struct import_store *shop;     /* a storefront's CSV, or NULL */
	struct name_set *seen;     /* order numbers, with where they were */
	size_t count;              /* JSON: elements; CSV: orders */
	enum pending pending;
	struct od_err pending_err;
	int done;                  /* final holds what every call gives now */
	struct od_err final;
	enum import_source want;   /* as asked; AUTO: told by the file */
	enum import_source src;    /* as found */
	struct import_meta meta;   /* of the order handed out last */
};

/* Says that number appears at first and again at second. */
static enum od_code duplicate_error(const struct import_reader *r,
				    const char *number, size_t first,
				    size_t second, struct od_err *err)
{
	if (r->csv)
		return od_err_set(err, OD_E_INPUT,
				  "order %s appears twice in the file (lines "
				  "%zu and %zu); order numbers must be unique "
				  "and the rows of one order consecutive",
				  number, first, second);
	return od_err_set(err, OD_E_INPUT,
			  "order %s appears twice in the file (orders #%zu "
			  "and #%zu); order numbers must be unique", number,
			  first, second);
}

/* Keeps err as the error to give unless a worse one comes. */
static void pend(struct import_reader *r, enum pending kind,
		 const struct od_err *err)
{
	if (kind <= r->pending)
		return;
	r->pending = kind;
	r->pending_err = *err;
}

/*
 * Notes o's number, found at where.  A repeat is kept as pending: the first
 * found is the one whose second appearance comes first, which is the one
 * to name.
 */
static enum od_code note_number(struct import_reader *r, const struct order *o,
				size_t where, struct od_err *err)
{
	struct od_err dup;
	size_t earlier;
	enum od_code rc;

	rc = name_set_add(r->seen, o->number, where, &earlier, err);
	if (rc != OD_OK || earlier == 0)
		return rc;
	duplicate_error(r, o->number, earlier, where, &dup);
	pend(r, PENDING_DUPLICATE, &dup);
	return OD_OK;
}

/* The end of the file: the pending error, or none. */
static enum od_code at_end(struct import_reader *r, struct od_err *err)
{
	if (r->pending == PENDING_NONE)
		return OD_OK;
	*err = r->pending_err;
	return err->code;
}

/*
 * The source of a JSON file, told by its first element when not asked:
 * WooCommerce's orders have line_items, orderdesk's items.
 */
static enum import_source json_source(struct import_reader *r, json_t *v)
{
	if (r->src == IMPORT_AUTO)
		r->src = import_woo_looks(v) ? IMPORT_WOOCOMMERCE :
			IMPORT_ORDERDESK;
	return r->src;
}

/* Element v of the file as an order of its source, noting its meta. */
static enum od_code json_order(struct import_reader *r, json_t *v,
			       struct order **o, struct od_err *err)
{
	memset(&r->meta, 0, sizeof r->meta);
	r->meta.source = json_source(r, v);
	memcpy(r->meta.sha256, r->digest, sizeof r->meta.sha256);
	if (r->meta.source == IMPORT_WOOCOMMERCE)
		return import_woo_order(v, r->count, o, &r->meta, err);
	return import_json_order(v, r->count, o, err);
}

/* Reads JSON elements up to the next good order, or the end. */
static enum od_code json_step(struct import_reader *r, struct order **out,
			      struct od_err *err)
{
	struct json_array_error je;
	struct od_err e;
	struct order *o;
	enum od_code rc;
	json_t *v;

	for (;;) {
		switch (json_ahead_or_stream(r->ahead, &r->js, &v, r->digest,
					     &je, err)) {
		case JSON_ARRAY_VALUE:
			break;
		case JSON_ARRAY_OBJECT:
			if (json_source(r, v) == IMPORT_WOOCOMMERCE)
				break;
			json_decref(v);
			return od_err_set(err, OD_E_INPUT,
					  "import file: must be a JSON array "
					  "of orders [ {...}, ... ], not a "
					  "single object; wrap it in [ ]");
		case JSON_ARRAY_END:
			/* The count was checked before any order was. */
			if (r->count > IMPORT_MAX_ORDERS)
				return od_err_set(err, OD_E_INPUT,
						  "the import file has more "
						  "than %d orders; split it "
						  "into smaller files",
						  IMPORT_MAX_ORDERS);
			return at_end(r, err);
		case JSON_ARRAY_NOT_ARRAY:
			return od_err_set(err, OD_E_INPUT,
					  "import file: must be a JSON array "
					  "of orders [ {...}, ... ], not a "
					  "single object; wrap it in [ ]");
		case JSON_ARRAY_SYNTAX:
			return import_json_error(&je, err);
		case JSON_ARRAY_TOO_LARGE:
			return od_err_set(err, OD_E_INPUT,
					  "import file, line %d, column %d: "
					  "order #%zu in the file is larger "
					  "than %ld MiB of JSON; is a quote or "
					  "bracket left open?", je.line,
					  je.column, r->count + 1,
					  JSON_ARRAY_VALUE_MAX >> 20);
		case JSON_ARRAY_FAILED:
		default:
			return err->code;
		}
		r->count++;
		/* After a bad order, only JSON errors and the count matter. */
		if (r->count > IMPORT_MAX_ORDERS ||
		    r->pending == PENDING_ORDER) {
			json_decref(v);
			continue;
		}
		od_err_clear(&e);
		rc = json_order(r, v, &o, &e);
		json_decref(v);
		if (rc == OD_E_NOMEM) {
			*err = e;
			return rc;
		}
		if (rc != OD_OK) {
			pend(r, PENDING_ORDER, &e);
			continue;
		}
		rc = note_number(r, o, r->count, err);
		if (rc != OD_OK || r->pending != PENDING_NONE) {
			order_free(o);
			if (rc != OD_OK)
				return rc;
			continue;
		}
		*out = o;
		return OD_OK;
	}
}

/* A NUL byte anywhere in a CSV file is the error to give, before any. */
static enum od_code csv_failed(struct import_reader *r, enum od_code rc,
			       struct od_err *err)
{
	struct od_err e;

	od_err_clear(&e);
	if (import_input_drain(&r->in, &e) != OD_OK) {
		*err = e;
		return e.code;
	}
	if (r->in.saw_nul)
		return od_err_set(err, OD_E_INPUT,
				  "import file: contains a NUL byte; it is "
				  "not a text file");
	return rc;
}

/*
 * Validates a CSV order read whole.  When it fails and its number came
 * before, the likely cause is an order whose rows are not together (its
 * total then matches neither part): say that instead.
 */
static enum od_code csv_finish(struct import_reader *r, struct order *o,
			       size_t line, struct od_err *err)
{
	char pfx[32];
	enum od_code rc;
	size_t first;

	snprintf(pfx, sizeof pfx, "line %zu", line);
	rc = import_validate(o, pfx, err);
	if (rc == OD_E_INPUT &&
	    (first = name_set_find(r->seen, o->number)) != 0)
		return duplicate_error(r, o->number, first, line, err);
	if (rc == OD_OK && r->count == IMPORT_MAX_ORDERS)
		return od_err_set(err, OD_E_INPUT,
				  "the import file has more than %d orders; "
				  "split it into smaller files",
				  IMPORT_MAX_ORDERS);
	return rc;
}

/* Reads CSV rows up to the next good order, or the end. */
static enum od_code csv_step(struct import_reader *r, struct order **out,
			     struct od_err *err)
{
	struct order *o;
	enum od_code rc;
	unsigned char digest[32] = { 0 };
	size_t line;
	int cancelled;

	for (;;) {
		cancelled = 0;
		if (r->shop != NULL)
			rc = import_store_next(r->shop, &o, &line,
						 &cancelled, digest, err);
		else
			rc = import_csv_next(r->rows, &o, &line, err);
		/* A NUL read ahead of the order still beats it. */
		if (rc == OD_OK && r->in.saw_nul) {
			order_free(o);
			return csv_failed(r, OD_E_INPUT, err);
		}
		if (rc == OD_OK && o == NULL)
			return at_end(r, err);
		if (rc == OD_OK && r->shop == NULL)
			rc = csv_finish(r, o, line, err);
		if (rc == OD_OK) {
			r->count++;
			rc = note_number(r, o, line, err);
		}
		if (rc != OD_OK) {
			order_free(o);
			return csv_failed(r, rc, err);
		}
		if (r->pending != PENDING_NONE) {
			order_free(o);
			continue;
		}
		memset(&r->meta, 0, sizeof r->meta);
		r->meta.source = r->src;
		r->meta.cancelled = cancelled;
		memcpy(r->meta.sha256, digest, sizeof digest);
		import_store_said(r->shop, &r->meta);
		*out = o;
		return OD_OK;
	}
}

/* Starts the reader of a CSV file's source, told by its header. */
static enum od_code csv_start(struct import_reader *r, struct od_err *err)
{
	enum od_code rc;

	rc = import_store_open(&r->in, &r->src, &r->shop, err);
	if (rc == OD_OK && r->shop == NULL)
		rc = import_csv_new(&r->in, &r->rows, err);
	return rc;
}

/*
 * Starts reading from the first byte: skips a byte order mark, tells JSON
 * from CSV by the first byte that is not a space, and sets up that format.
 */
static enum od_code reader_start(struct import_reader *r, struct od_err *err)
{
	struct import_input *in = &r->in;
	enum od_code rc;
	int c;

	json_ahead_stop(r->ahead);
	r->ahead = NULL;
	import_csv_free(r->rows);
	r->rows = NULL;
	import_store_free(r->shop);
	r->shop = NULL;
	name_set_free(r->seen);
	r->seen = NULL;
	r->count = 0;
	r->pending = PENDING_NONE;
	r->done = 0;
	r->src = r->want;
	rc = name_set_new(IMPORT_MAX_ORDERS, &r->seen, err);
	if (rc == OD_OK)
		rc = import_input_rewind(in, err);
	if (rc == OD_OK)
		rc = import_input_fill(in, 3, err);
	if (rc != OD_OK)
		return rc;
	/* Spreadsheet programs like to start UTF-8 files with a BOM. */
	if (import_input_avail(in) >= 3 &&
	    memcmp(in->data + in->pos, "\xef\xbb\xbf", 3) == 0)
		in->pos += 3;
	json_array_stream_init(&r->js, in);
	r->js.objects = 1;
	rc = json_array_stream_peek(&r->js, &c, err);
	if (rc != OD_OK)
		return rc;
	if (c == -1)
		return od_err_set(err, OD_E_INPUT, "the import file is empty");
	if ((c == '[' || c == '{') && r->want != IMPORT_AUTO &&
	    r->want != IMPORT_ORDERDESK && r->want != IMPORT_WOOCOMMERCE)
		return od_err_set(err, OD_E_INPUT, "import file: is JSON, not "
				  "%s's export; check --from",
				  import_source_name(r->want));
	if (c == '[' || c == '{') {
		r->csv = 0;
		/* A file's: decoded on one core, made orders on another. */
		return r->fd >= 0 ? json_ahead_start(&r->js, &r->ahead, err) :
			OD_OK;
	}
	/* CSV starts again after the mark: leading spaces are data there. */
	r->csv = 1;
	rc = import_input_rewind(in, err);
	if (rc == OD_OK)
		rc = import_input_fill(in, 3, err);
	if (rc != OD_OK)
		return rc;
	if (import_input_avail(in) >= 3 &&
	    memcmp(in->data + in->pos, "\xef\xbb\xbf", 3) == 0)
		in->pos += 3;
	if (in->saw_nul)
		return od_err_set(err, OD_E_INPUT,
				  "import file: contains a NUL byte; it is "
				  "not a text file");
	return csv_start(r, err);
}

enum od_code import_next(struct import_reader *r, struct order **out,
			 struct od_err *err)
{
	enum od_code rc;

	*out = NULL;
	if (r->done) {
		*err = r->final;
		return r->final.code;
	}
	rc = r->csv ? csv_step(r, out, err) : json_step(r, out, err);
	if (rc != OD_OK || *out == NULL) {
		r->done = 1;
		if (rc == OD_OK)
			od_err_clear(&r->final);
		else
			r->final = *err;
	}
	return rc;
}

enum od_code import_check(struct import_reader *r, size_t *count,
			  struct od_err *err)
{
	struct order *o;
	enum od_code rc;
	size_t n = 0;

	*count = 0;
	while ((rc = import_next(r, &o, err)) == OD_OK && o != NULL) {
		rc = import_no_cancel(&r->meta, o, err);
		order_free(o);
		if (rc != OD_OK)
			return rc;
		n++;
	}
	if (rc == OD_OK)
		rc = reader_start(r, err);
	if (rc == OD_OK)
		*count = n;
	return rc;
}

/* Makes a reader of in; takes fd and owned (closed, freed) in any case. */
static enum od_code reader_new(int fd, char *owned, size_t len,
			       const char *data, struct import_reader **out,
			       struct od_err *err)
{
	struct import_reader *r;
	enum od_code rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (r == NULL) {
		if (fd >= 0)
			close(fd);
		free(owned);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	r->fd = fd;
	r->owned = owned;
	if (fd >= 0)
		import_input_fd(&r->in, fd);
	else
		import_input_mem(&r->in, owned != NULL ? owned : data, len);
	rc = reader_start(r, err);
	if (rc != OD_OK) {
		import_close(r);
		return rc;
	}
	*out = r;
	return OD_OK;
}

/* The cap on bytes held whole: IMPORT_MAX_BYTES unless a test lowers it. */
static size_t whole_cap = IMPORT_MAX_BYTES;

void import_set_whole_cap(size_t bytes)
{
	whole_cap = bytes > 0 ? bytes : (size_t)IMPORT_MAX_BYTES;
}

/* The message for bytes past whole_cap. */
static enum od_code too_large(struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT, "the import is larger than %zu "
			  "MiB, the most read whole (from a pipe or a "
			  "request); save it to a file and import the file",
			  whole_cap >> 20);
}

enum od_code import_open_mem(const char *data, size_t len,
			     struct import_reader **out, struct od_err *err)
{
	*out = NULL;
	if (len > whole_cap)
		return too_large(err);
	return reader_new(-1, NULL, len, data, out, err);
}

/* Reads all of fd (not a regular file) into *data, within the cap. */
static enum od_code slurp(int fd, char **data, size_t *len,
			  struct od_err *err)
{
	char chunk[65536];
	struct buf b;
	enum od_code rc = OD_OK;
	ssize_t n;

	buf_init(&b, whole_cap);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = od_err_set(err, OD_E_IO,
					"cannot read the import file: %s",
					strerror(errno));
			break;
		}
		if (n == 0)
			break;
		rc = buf_add(&b, chunk, (size_t)n, err);
		if (rc == OD_E_INPUT)
			rc = too_large(err);
		if (rc != OD_OK)
			break;
	}
	if (rc != OD_OK) {
		buf_free(&b);
		return rc;
	}
	*len = b.len;
	*data = buf_take(&b);
	return OD_OK;
}

enum od_code import_open_file(const char *path, struct import_reader **out,
			      struct od_err *err)
{
	struct stat sb;
	enum od_code rc;
	char *data = NULL;
	size_t len = 0;
	int fd;

	*out = NULL;
	/* The path is the user's own: it is left out of messages anyway. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot open the import file: %s",
				  strerror(errno));
	if (fstat(fd, &sb) != 0) {
		rc = od_err_set(err, OD_E_IO,
				"cannot read the import file: %s",
				strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = od_err_set(err, OD_E_IO,
				"the import file is a directory");
		goto fail;
	}
	/* Streamed, never held: no cap on its length. */
	if (S_ISREG(sb.st_mode))
		return reader_new(fd, NULL, 0, NULL, out, err);
	/* A pipe cannot be read twice: it is held whole, as text only. */
	rc = slurp(fd, &data, &len, err);
	close(fd);
	if (rc != OD_OK)
		return rc;
	return reader_new(-1, data, len, NULL, out, err);
fail:
	close(fd);
	return rc;
}

void import_close(struct import_reader *r)
{
	if (r == NULL)
		return;
	json_ahead_stop(r->ahead);
	import_csv_free(r->rows);
	import_store_free(r->shop);
	name_set_free(r->seen);
	import_input_free(&r->in);
	if (r->fd >= 0)
		close(r->fd);
	free(r->owned);
	free(r);
}

enum od_code import_set_source(struct import_reader *r, enum import_source s,
			       struct od_err *err)
{
	r->want = s;
	return reader_start(r, err);
}

const struct import_meta *import_last_meta(const struct import_reader *r)
{
	return &r->meta;
}
