/*
 * buf.h - a growable byte buffer with a size cap (after curl's dynbuf).
 *
 * Every buffer that grows from input is given a cap when it is made; an append
 * that would pass the cap fails with OD_E_INPUT instead of growing, so hostile
 * input cannot make the program eat memory.  The content is always followed
 * by a NUL byte (not counted in len), so text can be used as a C string.
 */
#ifndef OD_BUF_H
#define OD_BUF_H

#include <stddef.h>

#include "lib/err.h"

struct buf {
	char *data;     /* NULL until the first append */
	size_t len;     /* bytes in use, not counting the trailing NUL */
	size_t alloc;   /* bytes allocated */
	size_t cap;     /* most bytes len may reach */
};

/* Initialises an empty buffer that may grow to cap bytes. */
void buf_init(struct buf *b, size_t cap);

/* Frees the content (wiping it first: buffers may hold secrets) and resets. */
void buf_free(struct buf *b);

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Appends n bytes; fails with OD_E_INPUT past the cap, OD_E_NOMEM on OOM. */
enum od_code buf_add(struct buf *b, const void *p, size_t n, struct od_err *err);

/* Appends a NUL-terminated string. */
enum od_code buf_adds(struct buf *b, const char *s, struct od_err *err);

/* Appends printf-formatted text. */
enum od_code buf_addf(struct buf *b, struct od_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Hands the content to the caller (who frees it) and resets the buffer. */
char *buf_take(struct buf *b);

#endif
