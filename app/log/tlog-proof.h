/*
 * tlog-proof.h - offline proofs that an entry is in the log, in the C2SP
 * tlog-proof@v1 format (c2sp.org/tlog-proof): a file anyone can check
 * with the log's verifier key alone, without orderdesk or the backend.
 *
 *   c2sp.org/tlog-proof@v1
 *   index 41                    the leaf's index (the entry of seq 42)
 *   BASE64 ...                  the RFC 9162 inclusion proof, a hash a line
 *                               (a blank line)
 *   CHECKPOINT                  the signed note (app/log/checkpoint.h)
 *
 * The entry itself (the leaf's bytes: the statement followed by its
 * signature, storage/store-merkle.h) travels beside it.  An "extra" line
 * after the first is allowed and ignored, as the format says.
 */
#ifndef OD_TLOG_PROOF_H
#define OD_TLOG_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "app/log/checkpoint.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/merkle.h"

#define TLOG_PROOF_MAGIC "c2sp.org/tlog-proof@v1"

/* Appends the proof of leaf index by p under the signed note to out. */
enum od_code tlog_proof_write(uint64_t index, const struct merkle_proof *p,
			      const char *note, size_t note_len,
			      struct buf *out, struct od_err *err);

/*
 * Checks the proof text[0..len) for the entry entry[0..entry_len): its
 * checkpoint signed by v, and the entry at its index in that tree.  *c
 * and *index (either may be NULL) get what it proves.  A malformed proof
 * gives OD_E_INPUT, one that does not hold OD_E_TAMPERED, saying why.
 */
enum od_code tlog_proof_check(const char *text, size_t len,
			      const void *entry, size_t entry_len,
			      const struct note_verifier *v,
			      struct checkpoint *c, uint64_t *index,
			      struct od_err *err);

/* Where the proof text[0..len)'s signed checkpoint note is (its
 * cosignatures too): *note, *note_len bytes.  Malformed: OD_E_INPUT. */
enum od_code tlog_proof_note(const char *text, size_t len, const char **note,
			     size_t *note_len, struct od_err *err);

#endif
