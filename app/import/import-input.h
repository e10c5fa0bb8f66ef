/*
 * import-input.h - the bytes of an import file, read through a bounded
 * window so that a parser holds one order's worth of text at a time, never
 * the whole file.
 *
 * The input is either a file descriptor of a regular file (read in chunks,
 * rewound with lseek for a second pass) or bytes already in memory (a
 * request body; a pipe read whole).  Unread bytes are data[pos..len);
 * import_input_fill makes more of them available, which may move the window,
 * so a pointer into data is good only until the next fill.
 */
#ifndef OD_IMPORT_INPUT_H
#define OD_IMPORT_INPUT_H

#include <stddef.h>

#include "lib/err.h"

/* The most unread bytes a parser may ask to see at once (import_input_fill). */
#define IMPORT_INPUT_WANT_MAX (4L * 1024 * 1024 + 64 * 1024)

struct import_input {
	const char *data;   /* the window: buf for a file, the bytes in memory */
	size_t pos, len;    /* unread bytes are data[pos..len) */
	int eof;            /* nothing beyond data[len] */
	int saw_nul;        /* a NUL byte was among the bytes read so far */
	/* a file only: */
	int fd;             /* -1 for memory */
	char *buf;
	size_t alloc;
};

/* Reads from len bytes at data, which must outlive the input. */
void import_input_mem(struct import_input *in, const char *data, size_t len);

/*
 * Reads from fd, a regular file, from its start; fd stays the caller's.
 * Nothing is read yet.
 */
void import_input_fd(struct import_input *in, int fd);

/*
 * Makes at least want unread bytes available (want at most
 * IMPORT_INPUT_WANT_MAX), fewer only when the input ends first (then eof
 * is set).  Fails with OD_E_IO or OD_E_NOMEM; the file's length has no
 * cap (the window's has).
 */
enum od_code import_input_fill(struct import_input *in, size_t want,
			       struct od_err *err);

/* Unread bytes available now, without reading. */
size_t import_input_avail(const struct import_input *in);

/*
 * Reads to the end, dropping the bytes, so that saw_nul speaks of the
 * whole input.
 */
enum od_code import_input_drain(struct import_input *in, struct od_err *err);

/* Starts again from the first byte (a second pass over the file). */
enum od_code import_input_rewind(struct import_input *in, struct od_err *err);

/* Frees the window; the fd and the memory stay their owners'. */
void import_input_free(struct import_input *in);

#endif
