/*
 * cosignature.h - witnesses' cosignatures on the log's checkpoints, in the
 * C2SP tlog-cosignature format (Ed25519, "cosignature/v1"), so that any
 * witness or client of that format can make or check them.
 *
 * A cosignature is one more signature line on a checkpoint's signed note
 * (app/log/checkpoint.h):
 *
 *   — NAME BASE64(key id ‖ timestamp ‖ Ed25519 signature)
 *
 * with a 4-byte key id, the first 4 bytes of SHA-256(NAME ‖ 0x0A ‖ 0x04 ‖
 * public key) (0x04, not the log's 0x01: the same key must not be read as
 * both), an 8-byte big-endian POSIX time at most 2^63 - 1, and a signature
 * over
 *
 *   cosignature/v1\n
 *   time TIMESTAMP\n            decimal, no leading zeros
 *   <the checkpoint's text, extension lines included, newline-terminated>
 *
 * A cosigner's verifier key is "NAME+KEYID+BASE64(0x04 ‖ public key)"; it
 * says "the largest consistent tree I saw of this log, at that time, had
 * this root".  Checking is strict: a line by the witness's name and key id
 * that is not 76 bytes, has a time past 2^63 - 1, does not verify, or
 * appears twice is refused; lines of other keys are ignored.
 */
#ifndef OD_COSIGNATURE_H
#define OD_COSIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "app/log/checkpoint.h"
#include "lib/buf.h"
#include "lib/err.h"

#define COSIG_ALG_ED25519 0x04
#define COSIG_LEN (CHECKPOINT_KEYID_LEN + 8 + SIGKEY_SIG_LEN)

extern const struct note_key_kind NOTE_KEY_COSIGNER;

/* The cosigner named name for the Ed25519 key pub (key id with 0x04). */
enum od_code cosigner_make(const char *name, const uint8_t pub[SIGKEY_PUB_LEN],
			   struct note_verifier *w, struct od_err *err);

/* Appends w as "NAME+KEYID+BASE64(0x04 ‖ key)" (no newline) to out. */
enum od_code cosigner_text(const struct note_verifier *w, struct buf *out,
			   struct od_err *err);

/* Parses a cosigner's verifier key; anything else gives OD_E_INPUT. */
enum od_code cosigner_parse(const char *text, struct note_verifier *w,
			    struct od_err *err);

/*
 * Appends to out the cosignature line by k under name, at time, of the
 * checkpoint text[0..len) (the note's text, ending in a newline).
 */
enum od_code cosignature_sign(const char *text, size_t len, const char *name,
			      const struct sigkey *k, uint64_t time,
			      struct buf *out, struct od_err *err);

/*
 * Checks that the signature lines sigs[0..len) (each "— ...\n") hold a
 * valid cosignature by w of the checkpoint text[0..text_len); *time gets
 * its time.  None by w gives OD_E_NOTFOUND; a bad one OD_E_TAMPERED or
 * OD_E_INPUT (see above).
 */
enum od_code cosignature_check(const char *text, size_t text_len,
			       const char *sigs, size_t len,
			       const struct note_verifier *w, uint64_t *time,
			       struct od_err *err);

/*
 * Checks note[0..len), a checkpoint signed by log, for a cosignature by w
 * (as cosignature_check); *c gets the checkpoint.
 */
enum od_code cosignature_open(const char *note, size_t len,
			      const struct note_verifier *log,
			      const struct note_verifier *w,
			      struct checkpoint *c, uint64_t *time,
			      struct od_err *err);

#endif
