/*
 * shop-token.c - moving the signed-in person's signing key onto a token.
 */
#include "app/shop/shop-token.h"

#include <string.h>

#include "app/log/ledger.h"
#include "app/shop/keyslot-token.h"
#include "app/shop/people-outbox.h"
#include "lib/encode.h"

/*
 * In one transaction: the user.rekey naming k's key, signed with the old
 * one, and this person's bundle signed with k for the other desks (as
 * `user passwd` queues it: a desk takes a bundle from the key the log
 * names).
 */
static enum od_code log_move(struct shop *sh, const struct sigkey *k,
			     struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	struct statement *st = NULL;
	char b64[64];
	enum od_code rc;

	sigkey_public(k, pub);
	b64_encode(pub, SIGKEY_PUB_LEN, b64);
	rc = shop_statement(sh, STMT_USER_REKEY, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "pubkey", b64, err);
	if (rc == OD_OK)
		rc = store_begin(sh->store, err);
	if (rc != OD_OK)
		goto out;
	rc = ledger_append(sh->store, sh->key, st, NULL, err);
	if (rc == OD_OK)
		rc = people_outbox_add(sh->store, sh->slots, sh->user, k, err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, err);
	else
		store_rollback(sh->store);
out:
	statement_free(st);
	return rc;
}

enum od_code shop_key_move(struct shop *sh, const char *uri,
			   struct od_err *err)
{
	struct keyslot_token_undo undo;
	uint8_t pub[SIGKEY_PUB_LEN];
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	enum od_code rc;

	rc = sigkey_from_token(uri, &k, err);
	if (rc == OD_OK) {
		sigkey_public(k, pub);
		rc = sigkey_fingerprint(pub, fp, err);
	}
	if (rc == OD_OK && strcmp(fp, sh->fingerprint) == 0)
		rc = od_err_set(err, OD_E_EXISTS, "%s already signs with the "
				"key at %s", sh->user, uri);
	if (rc == OD_OK)
		rc = sigkey_check(k, err);
	/* The URI first: a crash after it but before the log only means
	 * the next unlock asks for the token the log does not name yet. */
	if (rc == OD_OK)
		rc = keyslot_token_swap(sh->dir, sh->user, uri, &undo, err);
	if (rc != OD_OK)
		goto out;
	rc = log_move(sh, k, err);
	if (rc != OD_OK) {
		keyslot_token_undo(&undo);
		goto out;
	}
	sigkey_free(sh->key);
	sh->key = k;
	k = NULL;
	memcpy(sh->fingerprint, fp, sizeof fp);
out:
	sigkey_free(k);
	return rc;
}

enum od_code shop_passwd_token(struct shop *sh, const char *old_pass,
			       size_t old_len, const char *new_pass,
			       size_t new_len, struct od_err *err)
{
	struct keyslot_token_undo undo;
	char uri[SIGTOKEN_URI_MAX + 1];
	int found = 0;
	enum od_code rc;

	rc = keyslot_token_get(sh->dir, sh->user, uri, &found, err);
	if (rc != OD_OK || !found)
		return rc != OD_OK ? rc : shop_passwd(sh, old_pass, old_len,
						      new_pass, new_len, err);
	/*
	 * The token's line goes first: the key in memory (the token's) still
	 * signs the user.rekey, and from then on the new sealed key is the
	 * one.  Put back only if the log did not take the rekey (the key in
	 * memory is then still the token's).
	 */
	rc = keyslot_token_swap(sh->dir, sh->user, NULL, &undo, err);
	if (rc == OD_OK)
		rc = shop_passwd(sh, old_pass, old_len, new_pass, new_len,
				 err);
	if (rc != OD_OK && sigkey_on_token(sh->key))
		keyslot_token_undo(&undo);
	return rc;
}
