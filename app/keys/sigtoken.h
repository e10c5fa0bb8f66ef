/*
 * sigtoken.h - Ed25519 signing keys that live on a PKCS#11 token.
 *
 * A person may keep their signing key on a token (a smart card, a
 * YubiKey's OpenPGP applet through OpenSC, SoftHSM2) instead of sealed
 * under their passphrase.  The key is named by an RFC 7512 URI
 * ("pkcs11:token=...;object=..."); GnuTLS's abstract key API signs with it
 * (gnutls_privkey_import_url), so a signature from a token is the same
 * 64 bytes as one from a seed, and every verifier takes it alike.
 *
 * The token's PIN is asked only when the key first signs, through the
 * reader the program sets (the desk's passphrase prompt, or its
 * --passphrase-fd), asked once: a wrong PIN is not retried, since tokens
 * lock after a few.  The PIN is wiped once the token has it.
 */
#ifndef OD_SIGTOKEN_H
#define OD_SIGTOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "lib/err.h"

/* The longest key URI kept (URIs longer than this are refused). */
#define SIGTOKEN_URI_MAX 512

/*
 * Asks for the PIN of the token labelled token: *pin (to free with
 * secret_free_str) and its length.  Returns OD_OK or an error to report.
 */
typedef enum od_code (*sigtoken_pin_fn)(void *ctx, const char *token,
					char **pin, size_t *len,
					struct od_err *err);

/* Sets how PINs are asked, for the whole process (NULL: they cannot be). */
void sigtoken_set_pin_reader(sigtoken_pin_fn fn, void *ctx);

/* 1 if s names a key on a token (a "pkcs11:" URI), else 0. */
int sigtoken_is_uri(const char *s);

/*
 * Checks that uri can name a key here: a pkcs11: URI, not too long, and
 * carrying no PIN (pin-value, pin-source: a PIN is never written down).
 * OD_E_USAGE says what is wrong.
 */
enum od_code sigtoken_check_uri(const char *uri, struct od_err *err);

/*
 * A signing key on a token (app/keys/sigkey.c wraps it in a struct sigkey:
 * use sigkey_from_token).  sigtoken_open finds the key's public half, which
 * needs no PIN, and checks it is Ed25519 (the curve named in CKA_EC_PARAMS
 * either by its OID 1.3.101.112 or by the PrintableString "edwards25519",
 * as tools differ); a token or module that is not there gives OD_E_NOTFOUND
 * naming the URI.  Signing logs in at first use, asking the PIN; a wrong
 * PIN gives OD_E_AUTH and nothing is signed.  One sigtoken may be shared
 * by threads (signing is serialized); it is freed with its last unref.
 */
struct sigtoken;
enum od_code sigtoken_open(const char *uri, uint8_t pub[SIGKEY_PUB_LEN],
			   struct sigtoken **out, struct od_err *err);
enum od_code sigtoken_sign(struct sigtoken *t, const void *msg, size_t len,
			   uint8_t sig[SIGKEY_SIG_LEN], struct od_err *err);
struct sigtoken *sigtoken_ref(struct sigtoken *t);
void sigtoken_unref(struct sigtoken *t);

/*
 * Reads the Ed25519 public key out of CKA_EC_PARAMS and CKA_EC_POINT as a
 * token gives them: params either encoding above, the point either 32 raw
 * bytes or a DER OCTET STRING of them.  Anything else gives OD_E_INPUT.
 * (Apart for the unit tests: GnuTLS 3.7.9 itself refuses the raw point.)
 */
enum od_code sigtoken_parse_pub(const uint8_t *params, size_t params_len,
				const uint8_t *point, size_t point_len,
				uint8_t pub[SIGKEY_PUB_LEN],
				struct od_err *err);

#endif
