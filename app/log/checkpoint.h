/*
 * checkpoint.h - the log's signed checkpoints, in the C2SP formats that
 * tools nobody here wrote can check (c2sp.org/tlog-checkpoint and
 * c2sp.org/signed-note).
 *
 * A checkpoint says "the log of ORIGIN has SIZE entries and its RFC 9162
 * root is ROOT" (lib/merkle.h, storage/store-merkle.h for the leaves):
 *
 *   orderdesk/Acme-Tea          the origin: "orderdesk/" and the shop's
 *   1042                        name, each byte outside [A-Za-z0-9._-]
 *   3q2+7w...base64...=         as '-' (no space, no '+'); the tree size
 *                               in decimal; the root in base64
 *
 * and the backend signs it as a signed note: that text, a blank line, and
 * a line per signature, "— NAME BASE64(key id ‖ Ed25519 signature)\n",
 * where the signature is over the text exactly, and for an Ed25519 key
 *
 *   key id = the first 4 bytes of SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ public key)
 *
 * A reader is given the signer's verifier key as text,
 * "NAME+KEYID+BASE64(0x01 ‖ public key)" with KEYID 8 hex digits, and
 * the key's name is the checkpoint's origin.  Parsing is strict: a note
 * that is not text lines of UTF-8 without control characters, has no
 * blank line before its signatures, does not end in a newline, carries a
 * malformed signature line, no valid signature by the given key or two of
 * them is refused (OD_E_TAMPERED or OD_E_INPUT, saying which); signatures
 * by other keys (witnesses, say) are ignored.
 */
#ifndef OD_CHECKPOINT_H
#define OD_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/merkle.h"

#define CHECKPOINT_NAME_MAX  200      /* bytes of an origin or key name */
#define CHECKPOINT_NOTE_MAX  8192     /* bytes of a whole signed note */
#define CHECKPOINT_KEYID_LEN 4

struct checkpoint {
	char origin[CHECKPOINT_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[MERKLE_HASH_LEN];
};

/* Whom a note must be signed by: an Ed25519 verifier key. */
struct note_verifier {
	char name[CHECKPOINT_NAME_MAX + 1];
	uint8_t id[CHECKPOINT_KEYID_LEN];
	uint8_t pub[SIGKEY_PUB_LEN];
};

/*
 * A kind of verifier key: its algorithm byte (0x01 a log's Ed25519 key,
 * 0x04 a cosigner's, app/log/cosignature.h) and the words a refusal uses
 * for it ("the NOUN is not WHAT", "as PRINTER prints it").
 */
struct note_key_kind {
	uint8_t alg;
	const char *noun;
	const char *what;
	const char *printer;
};

extern const struct note_key_kind NOTE_KEY_LOG;

/* The key of kind named name for the Ed25519 key pub (computes its id). */
enum od_code note_key_make(const struct note_key_kind *kind, const char *name,
			   const uint8_t pub[SIGKEY_PUB_LEN],
			   struct note_verifier *v, struct od_err *err);

/* Appends v as "NAME+KEYID+BASE64(alg ‖ key)" (no newline) to out. */
enum od_code note_key_text(const struct note_key_kind *kind,
			   const struct note_verifier *v, struct buf *out,
			   struct od_err *err);

/*
 * Parses a key of kind, "NAME+KEYID+BASE64"; another algorithm, a key id
 * that is not the key's or another shape gives OD_E_INPUT in kind's words.
 */
enum od_code note_key_parse(const struct note_key_kind *kind,
			    const char *text, struct note_verifier *v,
			    struct od_err *err);

/* The origin of shop's log into out (at least CHECKPOINT_NAME_MAX + 1). */
void checkpoint_origin(const char *shop, char *out, size_t size);

/* The verifier key of shop's log, signed by pub: named by its origin. */
enum od_code checkpoint_log_key(const char *shop,
				const uint8_t pub[SIGKEY_PUB_LEN],
				struct note_verifier *v, struct od_err *err);

/* The verifier named name for the Ed25519 key pub (computes its id). */
enum od_code note_verifier_make(const char *name,
				const uint8_t pub[SIGKEY_PUB_LEN],
				struct note_verifier *v, struct od_err *err);

/* Appends v as "NAME+KEYID+BASE64" (no newline) to out. */
enum od_code note_verifier_text(const struct note_verifier *v,
				struct buf *out, struct od_err *err);

/*
 * Parses a verifier key "NAME+KEYID+BASE64"; anything else (another
 * algorithm, a key id that is not the key's) gives OD_E_INPUT.
 */
enum od_code note_verifier_parse(const char *text, struct note_verifier *v,
				 struct od_err *err);

/*
 * Appends the signed note of text[0..len) (which ends in a newline) to
 * out: the text, a blank line and k's signature line under name.
 */
enum od_code note_sign(const char *text, size_t len, const char *name,
		       const struct sigkey *k, struct buf *out,
		       struct od_err *err);

/*
 * Checks note[0..len) as a signed note with a valid signature by v (see
 * above for what is refused); *text_len gets the length of its text, the
 * part the signatures cover, which ends in a newline.
 */
enum od_code note_open(const char *note, size_t len,
		       const struct note_verifier *v, size_t *text_len,
		       struct od_err *err);

/*
 * Appends c as a signed note to out, signed by k under the name c->origin
 * (so k's verifier key is note_verifier_make(c->origin, k's public key)).
 */
enum od_code checkpoint_sign(const struct checkpoint *c,
			     const struct sigkey *k, struct buf *out,
			     struct od_err *err);

/*
 * Checks note[0..len) as a signed note signed by v and parses its text as
 * a checkpoint whose origin is v's name into *out.  See above for what is
 * refused; *out is untouched unless OD_OK.
 */
enum od_code checkpoint_open(const char *note, size_t len,
			     const struct note_verifier *v,
			     struct checkpoint *out, struct od_err *err);

#endif
