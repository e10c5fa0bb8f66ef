/*
 * err.h - the one error type every layer of orderdesk shares.
 *
 * A function that can fail returns an enum od_code (OD_OK is zero) and takes
 * a struct od_err * as its last argument.  On failure it fills the struct with
 * the same code and a short sentence a person can act on ("wrong passphrase
 * for mei; try again or ask the owner to reset it").  Library codes (SQLite,
 * GnuTLS, jansson, libcurl) are translated into these at the boundary, keeping
 * the library's own text where it helps.  No allocation happens here, so an
 * out-of-memory error can still be reported.
 *
 * Messages never contain secrets or customer data: a passphrase, a key, or the
 * text of an order must not appear in one.
 */
#ifndef OD_ERR_H
#define OD_ERR_H

#include <stddef.h>

enum od_code {
	OD_OK = 0,
	OD_E_USAGE,     /* bad command line or argument */
	OD_E_NOMEM,     /* allocation failed */
	OD_E_IO,        /* reading or writing a file failed */
	OD_E_NOSPACE,   /* the disk is full */
	OD_E_BUSY,      /* another process holds the store */
	OD_E_AUTH,      /* wrong passphrase, unknown or revoked user */
	OD_E_DENIED,    /* the user's role does not allow this */
	OD_E_STATE,     /* illegal transition for the order's state */
	OD_E_EXISTS,    /* duplicate: order number, user, statement id */
	OD_E_NOTFOUND,  /* no such order, user, file */
	OD_E_INPUT,     /* malformed or hostile input data */
	OD_E_TAMPERED,  /* authentication tag, signature or chain check failed */
	OD_E_CRYPTO,    /* a crypto library call failed for another reason */
	OD_E_INTERNAL   /* a bug: a library said something that cannot happen */
};

#define OD_ERR_MSG_MAX 256

struct od_err {
	enum od_code code;
	char msg[OD_ERR_MSG_MAX];
};

/* Clears err to OD_OK with an empty message. */
void od_err_clear(struct od_err *err);

/*
 * Sets err to code and a printf-formatted message (truncated to fit) and
 * returns code, so that a caller can write `return od_err_set(err, ...)`.
 */
enum od_code od_err_set(struct od_err *err, enum od_code code,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Returns a static, lower-case name for code ("wrong passphrase", ...). */
const char *od_code_name(enum od_code code);

/* Returns the process exit status for code (0 for OD_OK, 2 for usage ...). */
int od_code_exit_status(enum od_code code);

#endif
