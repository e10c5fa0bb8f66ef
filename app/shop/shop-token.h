/*
 * shop-token.h - people whose signing key is on a PKCS#11 token
 * (app/keys/sigtoken.h, app/shop/keyslot-token.h).
 */
#ifndef OD_SHOP_TOKEN_H
#define OD_SHOP_TOKEN_H

#include "app/shop/shop.h"

/*
 * shop_user_add for a person whose key is on a token at uri: the log names
 * the token's public key; pass still opens the store for them.  Their PIN
 * is asked once, to check that the key signs.
 */
enum od_code shop_user_add_token(struct shop *sh, const char *name,
				 const char *role, const char *uri,
				 const char *pass, size_t pass_len,
				 struct od_err *err);

/*
 * Moves the signed-in person's signing key onto the token at uri: a
 * user.rekey, signed with their old key, names the token's key, and from
 * then on the token signs for them (the old key signs nothing the shop
 * accepts).  Their passphrase still opens the store.
 */
enum od_code shop_key_move(struct shop *sh, const char *uri,
			   struct od_err *err);

/*
 * shop_passwd, also for a person whose key is on a token: their new key is
 * then sealed under the new passphrase (the token signs the user.rekey)
 * and this desk no longer asks for the token.
 */
enum od_code shop_passwd_token(struct shop *sh, const char *old_pass,
			       size_t old_len, const char *new_pass,
			       size_t new_len, struct od_err *err);

#endif
