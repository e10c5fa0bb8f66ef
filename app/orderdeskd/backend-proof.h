/*
 * backend-proof.h - the log's checkpoint and proofs, as orderdeskd gives
 * them (the formats: app/log/checkpoint.h, lib/merkle.h; the leaves:
 * storage/store-merkle.h).  To a desk's certificate:
 *
 *   GET /v1/checkpoint
 *     200 {"checkpoint": NOTE}: the log's newest checkpoint (its size is
 *     the log's head seq) as a C2SP signed note, signed by the head key
 *     under the log's origin; `orderdeskd key` prints the verifier key.
 *     After the backend's signature line come the newest cosignatures of
 *     that checkpoint that desks and witnesses sent (C2SP
 *     tlog-cosignature, app/log/cosignature.h).  Asked with "Accept:
 *     text/plain" (and not JSON), the answer is that note itself, as
 *     text/plain; charset=utf-8.
 *   POST /v1/cosignature {"cosigner": VKEY, "size": N, "cosignature":
 *     LINE}
 *     200 {"size": N}: LINE, one signature line ending in a newline, is
 *     a cosignature by VKEY (NAME+KEYID+BASE64(0x04 ‖ key)) of the log's
 *     checkpoint of its first N entries, kept as that cosigner's newest
 *     (an older size than one it sent before is let be); 422 when it
 *     does not verify against the backend's own checkpoint of N.  At
 *     most 64 cosigners are kept, and served as many as keep the note
 *     within CHECKPOINT_NOTE_MAX (a desk refuses a longer one).
 *   GET /v1/proof/inclusion?index=I&size=N
 *     200 {"index": I, "size": N, "proof": [B64, ...]}: the RFC 9162
 *     inclusion proof of leaf I (the log entry of seq I + 1) in the tree
 *     of the first N entries.
 *   GET /v1/proof/consistency?old=M&size=N
 *     200 {"old": M, "size": N, "proof": [B64, ...]}: that the tree of M
 *     entries is the start of the tree of N.
 *
 * A number missing or not decimal, an index at or past the size, an old
 * size of 0 or past the new one, or a size past the log's gives 400
 * saying which.  (The answers are JSON, as every answer of this server but
 * the checkpoint asked for as text;
 * the note inside is the exact text a C2SP verifier takes.)
 *
 * The checkpoint and the kept cosignatures are backend-cosigs.c's, the
 * routes backend-proof.c's.
 */
#ifndef OD_BACKEND_PROOF_H
#define OD_BACKEND_PROOF_H

#include "app/log/checkpoint.h"
#include "app/orderdeskd/backend.h"
#include "lib/buf.h"
#include "lib/err.h"

/* The log's verifier key: its origin's name and the head key. */
enum od_code backend_log_key(const struct backend *b, struct note_verifier *v,
			     struct od_err *err);

/*
 * The newest checkpoint: *c (if not NULL) gets it, and note its signed
 * note's text.
 */
enum od_code backend_checkpoint(struct backend *b, struct checkpoint *c,
				struct buf *note, struct od_err *err);

/*
 * Appends to note the kept cosignatures of the checkpoint of size, as
 * many as fit in a note a desk takes (CHECKPOINT_NOTE_MAX bytes).
 */
enum od_code backend_cosigs_add(struct store *s, uint64_t size,
				struct buf *note, struct od_err *err);

/*
 * Keeps line (one signature line, ending in a newline, checked by the
 * caller) as the cosigner vkey's cosignature of the checkpoint of size,
 * unless it kept a newer one; served with GET /v1/checkpoint.
 */
enum od_code backend_cosig_keep(struct store *s, const char *vkey,
				uint64_t size, const char *line,
				struct od_err *err);

/* The size of the newest checkpoint vkey cosigned here (0: none), and
 * the time of that cosignature (0: none). */
uint64_t backend_cosig_size(struct store *s, const char *vkey);
uint64_t backend_cosig_time(struct store *s, const char *vkey);

#endif
