/*
 * witness.h - a transparency-log witness (C2SP tlog-witness): it keeps, for
 * each log it is told of, the newest checkpoint it verified, and cosigns a
 * new one (app/log/cosignature.h) only with a consistency proof from that
 * one, so that a log cannot show two parties two histories that the same
 * witness both cosigned.  `orderdesk witness serve` puts it on HTTPS.
 *
 * Its directory (0700) holds
 *
 *   witness.key     its name and Ed25519 seed ("NAME\nBASE64\n", 0600)
 *   logs            the logs it witnesses: a verifier key a line
 *                   (`orderdeskd key` prints one)
 *   log-HEX.note    per log (HEX: 16 hex digits of SHA-256 of its origin),
 *                   the signed checkpoint it cosigned last, replaced
 *                   atomically (lib/file.c) before any answer with a
 *                   cosignature leaves
 *
 * One request at a time checks and updates a log's state (a lock), so two
 * racing requests cannot roll a log back (the race tlog-witness names).
 */
#ifndef OD_WITNESS_H
#define OD_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "app/log/checkpoint.h"
#include "lib/buf.h"
#include "lib/err.h"

#define WITNESS_LOGS_MAX  64
#define WITNESS_BODY_MAX  (CHECKPOINT_NOTE_MAX + 64 * 50)
#define WITNESS_PATH      "/add-checkpoint"

struct witness;

/*
 * Opens the witness in dir, making dir (0700) and a new key named name if
 * it has none (name NULL: "orderdesk-witness"); an existing key keeps its
 * name.  *out is the caller's (witness_close).
 */
enum od_code witness_open(const char *dir, const char *name,
			  struct witness **out, struct od_err *err);

void witness_close(struct witness *w);

/* The witness's cosigner key (cosigner_text prints it). */
void witness_key(const struct witness *w, struct note_verifier *v);

/* Adds the log with verifier key vkey to dir's logs (once). */
enum od_code witness_add_log(const char *dir, const char *vkey,
			     struct od_err *err);

/*
 * Answers a tlog-witness add-checkpoint request body[0..len) at time now:
 * the HTTP status and its body into out (the cosignature line on 200, the
 * known size and a newline on 409, one line saying what is wrong else).
 */
unsigned witness_add_checkpoint(struct witness *w, const char *body,
				size_t len, uint64_t now, struct buf *out);

/* The content type of an answer with status (text/x.tlog.size for 409). */
const char *witness_content_type(unsigned status);

#endif
