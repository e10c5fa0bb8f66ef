/* buf.c - a growable byte buffer with a size cap. */
#include "lib/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secret.h"

void buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void buf_free(struct buf *b)
{
	if (b->data != NULL) {
		secret_wipe(b->data, b->alloc);
		free(b->data);
	}
	buf_init(b, b->cap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for n more bytes plus the NUL, within the cap. */
static enum od_code buf_grow(struct buf *b, size_t n, struct od_err *err)
{
	size_t need, size;
	char *p;

	if (n > b->cap || b->len > b->cap - n)
		return od_err_set(err, OD_E_INPUT,
				  "data too large (over %zu bytes)", b->cap);
	need = b->len + n + 1;
	if (need <= b->alloc)
		return OD_OK;
	size = b->alloc ? b->alloc : 64;
	while (size < need)
		size *= 2;
	if (size > b->cap + 1)
		size = b->cap + 1;
	/*
	 * Not realloc: the old block may hold a secret, and realloc would
	 * leave a copy of it behind in freed memory.
	 */
	p = malloc(size);
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		secret_wipe(b->data, b->alloc);
		free(b->data);
	}
	b->data = p;
	b->alloc = size;
	return OD_OK;
}

enum od_code buf_add(struct buf *b, const void *p, size_t n, struct od_err *err)
{
	enum od_code rc = buf_grow(b, n, err);

	if (rc != OD_OK)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return OD_OK;
}

enum od_code buf_adds(struct buf *b, const char *s, struct od_err *err)
{
	return buf_add(b, s, strlen(s), err);
}

enum od_code buf_addf(struct buf *b, struct od_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;
	enum od_code rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return od_err_set(err, OD_E_INTERNAL, "bad format");
	rc = buf_grow(b, (size_t)n, err);
	if (rc != OD_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return OD_OK;
}

char *buf_take(struct buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	buf_init(b, b->cap);
	return p;
}
