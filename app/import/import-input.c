/*
 * import-input.c - an import file read through a bounded window.
 *
 * The window grows only as far as a parser asks (one JSON order, one CSV
 * record, capped by IMPORT_INPUT_WANT_MAX), and bytes already parsed are
 * moved out of the way before reading more, so memory stays flat however
 * long the file is.
 */
#include "app/import/import-input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/import/import.h"

/* What one read asks for: large enough that reads are few. */
#define READ_CHUNK (64 * 1024)

void import_input_mem(struct import_input *in, const char *data, size_t len)
{
	memset(in, 0, sizeof *in);
	in->fd = -1;
	in->data = data;
	in->len = len;
	in->eof = 1;
	in->saw_nul = len > 0 && memchr(data, '\0', len) != NULL;
}

void import_input_fd(struct import_input *in, int fd)
{
	memset(in, 0, sizeof *in);
	in->fd = fd;
	in->data = "";
}

size_t import_input_avail(const struct import_input *in)
{
	return in->len - in->pos;
}

/* Makes room in the window for want unread bytes and a chunk to read. */
static enum od_code make_room(struct import_input *in, size_t want,
			      struct od_err *err)
{
	size_t unread = in->len - in->pos, need, size;
	char *p;

	/* Parsed bytes are dropped: only the unread ones move down. */
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, unread);
		in->pos = 0;
		in->len = unread;
	}
	need = in->len + READ_CHUNK > want ? in->len + READ_CHUNK : want;
	if (in->alloc >= need)
		return OD_OK;
	size = in->alloc != 0 ? in->alloc : READ_CHUNK;
	while (size < need)
		size *= 2;
	p = realloc(in->buf, size);
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	in->buf = p;
	in->alloc = size;
	return OD_OK;
}

/* Reads once into the free end of the window; sets eof at the end. */
static enum od_code read_some(struct import_input *in, struct od_err *err)
{
	ssize_t n;

	do
		n = read(in->fd, in->buf + in->len, in->alloc - in->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return od_err_set(err, OD_E_IO,
				  "cannot read the import file: %s",
				  strerror(errno));
	if (n == 0) {
		in->eof = 1;
		return OD_OK;
	}
	/* No cap on the bytes: the window stays bounded, and the orders and
	 * rows are capped (import.h). */
	if (memchr(in->buf + in->len, '\0', (size_t)n) != NULL)
		in->saw_nul = 1;
	in->len += (size_t)n;
	return OD_OK;
}

enum od_code import_input_fill(struct import_input *in, size_t want,
			       struct od_err *err)
{
	enum od_code rc;

	if (want > (size_t)IMPORT_INPUT_WANT_MAX)
		return od_err_set(err, OD_E_INTERNAL,
				  "import: asked for %zu bytes at once", want);
	while (in->len - in->pos < want && !in->eof) {
		rc = make_room(in, want, err);
		if (rc != OD_OK)
			return rc;
		/* The window may have moved: data follows it at once. */
		in->data = in->buf;
		rc = read_some(in, err);
		if (rc != OD_OK)
			return rc;
	}
	return OD_OK;
}

enum od_code import_input_drain(struct import_input *in, struct od_err *err)
{
	enum od_code rc;

	in->pos = in->len;
	while (!in->eof) {
		rc = import_input_fill(in, 1, err);
		if (rc != OD_OK)
			return rc;
		in->pos = in->len;
	}
	return OD_OK;
}

enum od_code import_input_rewind(struct import_input *in, struct od_err *err)
{
	if (in->fd < 0) {
		in->pos = 0;
		return OD_OK;
	}
	if (lseek(in->fd, 0, SEEK_SET) != 0)
		return od_err_set(err, OD_E_IO,
				  "cannot read the import file again: %s",
				  strerror(errno));
	in->pos = in->len = 0;
	in->eof = 0;
	in->saw_nul = 0;
	return OD_OK;
}

void import_input_free(struct import_input *in)
{
	free(in->buf);
	in->buf = NULL;
	in->data = "";
	in->pos = in->len = in->alloc = 0;
}
