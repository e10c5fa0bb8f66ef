/*
 * keyslot-token.h - which people of this desk sign with a key on a token.
 *
 * Their key slot still holds, under their passphrase, what opens the store
 * (app/storage/keyslot.h: the X25519 key the data key is wrapped to); the
 * key that signs for them is on a PKCS#11 token instead, named by a URI
 * kept in the file "tokenkeys" beside the slots, one "NAME URI" line each.
 * The file holds no secret and needs no MAC: the shop's log names each
 * person's public key, and an unlock whose key is not that one is refused
 * (app/shop/shop.c, check_user), so an edited file can only lock its
 * person out, never sign as them.  The URI is this desk's: at another
 * desk the same person names their token again (`user key use`).
 */
#ifndef OD_KEYSLOT_TOKEN_H
#define OD_KEYSLOT_TOKEN_H

#include <stdint.h>

#include "app/keys/sigkey.h"
#include "app/keys/sigtoken.h"
#include "lib/err.h"
#include "storage/keyslot.h"

#define KEYSLOT_TOKEN_FILE "tokenkeys"

/*
 * Copies the URI of user's token key at the shop in dir into uri and sets
 * *found; a person without one (or no file) gives *found = 0.
 */
enum od_code keyslot_token_get(const char *dir, const char *user,
			       char uri[SIGTOKEN_URI_MAX + 1], int *found,
			       struct od_err *err);

/* Records uri as user's token key (NULL: they have none); 0600, atomic. */
enum od_code keyslot_token_set(const char *dir, const char *user,
			       const char *uri, struct od_err *err);

/* What keyslot_token_swap replaced, to put back. */
struct keyslot_token_undo {
	char dir[4096];
	char user[KEYSLOT_NAME_MAX + 1];
	char uri[SIGTOKEN_URI_MAX + 1];
	int had;
};

/*
 * keyslot_token_set, remembering user's line as it was in *undo, so that
 * keyslot_token_undo puts it back when what followed failed (its own
 * failure then is not reported: the caller reports the first one).
 */
enum od_code keyslot_token_swap(const char *dir, const char *user,
				const char *uri,
				struct keyslot_token_undo *undo,
				struct od_err *err);
void keyslot_token_undo(const struct keyslot_token_undo *undo);

/*
 * The key user signs with at the shop in dir: the token's if the file
 * names one, else the one made from seed (the seed their slot unsealed).
 */
enum od_code keyslot_token_open(const char *dir, const char *user,
				const uint8_t seed[KEYSLOT_SEED_LEN],
				struct sigkey **out, struct od_err *err);

#endif
