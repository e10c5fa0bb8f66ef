/*
 * people.h - a person's signed key bundle, as it travels between the desks
 * of a shop through the backend.
 *
 * People are the shop's, not a desk's: whoever may sign in at one desk may
 * sign in at every desk, with their own passphrase.  So a person's sealed
 * keys (storage/keyslot.h: their Ed25519 seed and X25519 key, sealed under
 * Argon2id of their passphrase; never plaintext) go to the backend, and
 * every desk makes them a slot of its own from it.  A bundle is
 *
 *   orderdesk-person/1
 *   time: MILLISECONDS          (newer replaces older, never the reverse)
 *   user: NAME ...              (keyslot_bundle_export's lines)
 *
 * signed with the person's own Ed25519 key, which the shop's log names:
 * neither the backend nor another desk can make or alter one, and the
 * time stops an old bundle (an old passphrase) from being sent back.
 */
#ifndef OD_PEOPLE_H
#define OD_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "lib/err.h"
#include "storage/keyslot.h"
#include "storage/records.h"

#define PEOPLE_MAGIC       "orderdesk-person/1"
#define PEOPLE_BUNDLE_MAX  2048      /* bytes of a bundle's text */
#define PEOPLE_SIG_B64     89        /* base64 of a signature, with NUL */
#define PEOPLE_MAX         1024      /* bundles in one request */
#define PEOPLE_TIME_DIGITS 15        /* a bundle's time: until year 33658 */

/*
 * Makes user's bundle from their slot in kf, stamped time_ms and signed
 * with k (their key).  *text is the caller's; sig gets base64.
 */
enum od_code people_bundle_make(const struct keyslot_file *kf,
				const char *user, const struct sigkey *k,
				long long time_ms, char **text,
				char sig[PEOPLE_SIG_B64], struct od_err *err);

/* What a bundle says of itself, before its signature is checked. */
struct people_bundle {
	char user[KEYSLOT_NAME_MAX + 1];
	long long time_ms;
	const char *slot;           /* the keyslot part (inside the text) */
};

/*
 * Reads a bundle's header (text borrowed by out->slot).  Anything not of
 * the form above, or longer than PEOPLE_BUNDLE_MAX, gives OD_E_INPUT.
 */
enum od_code people_bundle_read(const char *text, struct people_bundle *out,
				struct od_err *err);

struct json_t;

/*
 * Reads one entry of a people list ({"bundle": TEXT, "signature": B64}
 * and nothing else, as GET and POST /v1/people carry them, in the backend
 * and on a desk): *text and *sig are borrowed from e, out as
 * people_bundle_read gives it.  Anything else gives OD_E_INPUT.  The
 * signature is not checked here (people_bundle_verify).
 */
enum od_code people_entry_read(struct json_t *e, const char **text,
			       const char **sig, struct people_bundle *out,
			       struct od_err *err);

/* Checks sig (base64) over text with the person's public key pub. */
enum od_code people_bundle_verify(const char *text, const char *sig,
				  const uint8_t pub[SIGKEY_PUB_LEN],
				  struct od_err *err);

/*
 * Whether u may have a key slot made from a bundle: an active person of the
 * log.  Never a storefront: the backend holds its key
 * (app/orderdeskd/backend.h), and a slot opens a desk's data key, so a
 * storefront's bundle would let the backend sign in at, and decrypt, every
 * desk of the shop.
 */
int people_may_hold_slot(const struct user_record *u);

/* The time now in milliseconds, for a bundle's stamp. */
long long people_now_ms(void);

#endif
