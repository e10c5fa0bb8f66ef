/*
 * shop-people.c - adding and revoking people in an unlocked shop, and
 * rotating the data key, so that a revoked person's old key slot opens
 * nothing written from then on.
 */
#include "app/shop/shop.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/log/ledger.h"
#include "app/shop/keyslot-token.h"
#include "app/shop/shop-token.h"
#include "app/shop/people-outbox.h"
#include "app/shop/shop-internal.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-head.h"

/* Signs a user.* statement about name as the current user. */
static enum od_code user_statement(struct shop *sh, enum stmt_kind kind,
				   const char *name, const char *role,
				   const uint8_t *pub, struct statement **out,
				   struct od_err *err)
{
	char b64[64];
	enum od_code rc = shop_statement(sh, kind, NULL, out, err);

	if (rc == OD_OK)
		rc = statement_add(*out, "user", name, err);
	if (rc == OD_OK && role != NULL)
		rc = statement_add(*out, "role", role, err);
	if (rc == OD_OK && pub != NULL) {
		b64_encode(pub, SIGKEY_PUB_LEN, b64);
		rc = statement_add(*out, "pubkey", b64, err);
	}
	return rc;
}

static enum od_code prepare_named(struct shop *sh, const char *name,
				  const char *role,
				  uint8_t seed[KEYSLOT_SEED_LEN],
				  struct statement **out, struct od_err *err);

enum od_code shop_user_add_prepare(struct shop *sh, const char *name,
				   enum role role,
				   uint8_t seed[KEYSLOT_SEED_LEN],
				   struct statement **out, struct od_err *err)
{
	return prepare_named(sh, name, role_name(role), seed, out, err);
}

/* shop_user_add_prepare for a role named role, built-in or defined. */
static enum od_code prepare_named(struct shop *sh, const char *name,
				  const char *role,
				  uint8_t seed[KEYSLOT_SEED_LEN],
				  struct statement **out, struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	struct sigkey *k = NULL;
	enum od_code rc;

	*out = NULL;
	rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc == OD_OK) {
		sigkey_public(k, pub);
		rc = user_statement(sh, STMT_USER_ADD, name, role, pub, out,
				    err);
	}
	sigkey_free(k);
	if (rc != OD_OK) {
		secret_wipe(seed, KEYSLOT_SEED_LEN);
		statement_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Makes the new person's slot, sealing seed under pass, and queues their
 * key bundle, signed with tok if given (a key on a token), else with
 * seed's. */
static enum od_code seal_slot(struct shop *sh, const struct statement *st,
			      const uint8_t seed[KEYSLOT_SEED_LEN],
			      const struct sigkey *tok, const char *pass,
			      size_t pass_len, struct od_err *err)
{
	const char *name = statement_get(st, "user");
	struct sigkey *k = NULL;
	enum od_code rc = OD_OK;

	if (name == NULL)
		rc = od_err_set(err, OD_E_INTERNAL, "a user.add without a "
				"user");
	/*
	 * The log had no such user, so a slot under that name is what an
	 * interrupted add left behind: replace it.
	 */
	if (rc == OD_OK && keyslot_has(sh->slots, name))
		rc = keyslot_remove(sh->slots, name, err);
	if (rc == OD_OK)
		rc = keyslot_add(sh->slots, name, pass, pass_len, sh->data_key,
				 seed, NULL, err);
	if (rc == OD_OK)
		rc = keyslot_save(sh->slots, sh->data_key, err);
	/* Their sealed keys go to the other desks on the next sync, signed
	 * with their own new key. */
	if (rc == OD_OK && tok == NULL)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc == OD_OK)
		rc = people_outbox_add(sh->store, sh->slots, name,
				       tok != NULL ? tok : k, err);
	sigkey_free(k);
	return rc;
}

/*
 * Appends the user.add and makes the new person's slot, sealing seed under
 * pass.  They sign with tok if given (a key on a token), else with seed's.
 */
static enum od_code add_append(struct shop *sh, struct statement *st,
			       const uint8_t seed[KEYSLOT_SEED_LEN],
			       const struct sigkey *tok, const char *pass,
			       size_t pass_len, long long *seq,
			       struct od_err *err)
{
	/* Folding first refuses a duplicate name or a caller who may not. */
	enum od_code rc = ledger_append(sh->store, sh->key, st, seq, err);

	if (rc == OD_OK)
		rc = seal_slot(sh, st, seed, tok, pass, pass_len, err);
	return rc;
}

enum od_code shop_user_add_seal(struct shop *sh, const struct statement *st,
				const uint8_t seed[KEYSLOT_SEED_LEN],
				const char *pass, size_t pass_len,
				struct od_err *err)
{
	return seal_slot(sh, st, seed, NULL, pass, pass_len, err);
}

enum od_code shop_user_add_append(struct shop *sh, struct statement *st,
				  const uint8_t seed[KEYSLOT_SEED_LEN],
				  const char *pass, size_t pass_len,
				  long long *seq, struct od_err *err)
{
	return add_append(sh, st, seed, NULL, pass, pass_len, seq, err);
}

/*
 * Adds name signing with the key on a token at uri.  Their slot still
 * opens the store with pass; the seed sealed in it is fresh and signs
 * nothing (the log names the token's key).  The token's PIN is asked to
 * check that the key signs.  The URI is recorded before the log, so that
 * no moment has a log naming a key this desk would not find.
 */
enum od_code shop_user_add_token(struct shop *sh, const char *name,
				 const char *role, const char *uri,
				 const char *pass, size_t pass_len,
				 struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct keyslot_token_undo undo;
	struct statement *st = NULL;
	struct sigkey *k = NULL;
	enum od_code rc;

	rc = sigkey_from_token(uri, &k, err);
	if (rc == OD_OK)
		rc = sigkey_check(k, err);
	if (rc == OD_OK)
		rc = sigkey_generate_seed(seed, err);
	if (rc != OD_OK)
		goto out;
	sigkey_public(k, pub);
	rc = user_statement(sh, STMT_USER_ADD, name, role, pub, &st, err);
	if (rc == OD_OK)
		rc = keyslot_token_swap(sh->dir, name, uri, &undo, err);
	if (rc != OD_OK)
		goto out;
	rc = store_begin(sh->store, err);
	if (rc == OD_OK) {
		rc = add_append(sh, st, seed, k, pass, pass_len, NULL, err);
		if (rc == OD_OK)
			rc = store_commit(sh->store, err);
		else
			store_rollback(sh->store);
	}
	/* Refused (a name already taken, say): that person's line as it was. */
	if (rc != OD_OK)
		keyslot_token_undo(&undo);
out:
	secret_wipe(seed, sizeof seed);
	statement_free(st);
	sigkey_free(k);
	return rc;
}

enum od_code shop_user_add(struct shop *sh, const char *name, enum role role,
			   const char *pass, size_t pass_len,
			   struct od_err *err)
{
	return shop_user_add_named(sh, name, role_name(role), pass, pass_len,
				   err);
}

enum od_code shop_user_add_named(struct shop *sh, const char *name,
				 const char *role, const char *pass,
				 size_t pass_len, struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN];
	struct statement *st = NULL;
	enum od_code rc;

	rc = prepare_named(sh, name, role, seed, &st, err);
	if (rc == OD_OK)
		rc = store_begin(sh->store, err);
	if (rc != OD_OK)
		goto out;
	rc = shop_user_add_append(sh, st, seed, pass, pass_len, NULL, err);
	if (rc != OD_OK) {
		store_rollback(sh->store);
		goto out;
	}
	rc = store_commit(sh->store, err);
out:
	secret_wipe(seed, sizeof seed);
	statement_free(st);
	return rc;
}

/*
 * Rotates the data key: copies the database under a new key, rewraps the
 * key for every remaining slot, then swaps the files.  The slots are saved
 * before the swap, so a crash in between is finished by the next unlock
 * (finish_rotation).
 */
enum od_code shop_rotate_key(struct shop *sh, struct od_err *err)
{
	uint8_t fresh_key[KEYSLOT_KEY_LEN];
	char *fresh = NULL;
	enum od_code rc = OD_OK;

	if (asprintf(&fresh, "%s%s", sh->db_path, DB_NEW_SUFFIX) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	shop_remove_db_files(fresh);
	if (gnutls_rnd(GNUTLS_RND_KEY, fresh_key, sizeof fresh_key) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot make a random key");
	if (rc == OD_OK)
		rc = store_copy_to(sh->store, fresh, fresh_key, err);
	if (rc == OD_OK)
		rc = store_head_adopt(fresh, fresh_key, err);
	if (rc == OD_OK)
		rc = keyslot_rewrap_all(sh->slots, fresh_key, err);
	if (rc == OD_OK)
		rc = keyslot_save(sh->slots, fresh_key, err);
	if (rc != OD_OK) {
		shop_remove_db_files(fresh);
		goto out;
	}
	memcpy(sh->data_key, fresh_key, sizeof fresh_key);
	store_close(sh->store);
	sh->store = NULL;
	/*
	 * Closing checkpointed the old WAL; its leftovers must not meet the
	 * new file.  The rename then replaces the old database in one step,
	 * so there is never a moment without one.
	 */
	file_remove_db_companions(sh->db_path);
	rc = store_head_rename(fresh, sh->db_path, err);
	if (rc == OD_OK && rename(fresh, sh->db_path) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot finish the key rotation:"
				" %s; run any command to finish it",
				strerror(errno));
	if (rc == OD_OK)
		rc = shop_sync_dir(sh->dir, err);
	if (rc == OD_OK)
		rc = store_open(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = shop_note_db_file(sh, err);
out:
	secret_wipe(fresh_key, sizeof fresh_key);
	free(fresh);
	return rc;
}

enum od_code shop_user_revoke(struct shop *sh, const char *name,
			      struct od_err *err)
{
	struct statement *st = NULL;
	struct user_record u;
	enum od_code rc;

	rc = store_user_get(sh->store, name, &u, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND,
				  "no user %s in this shop", name);
	if (rc != OD_OK)
		return rc;
	/*
	 * Already revoked but still holding a slot means an earlier revoke
	 * was interrupted before the key rotation: finish that part.
	 */
	if (u.active) {
		rc = user_statement(sh, STMT_USER_REVOKE, name, NULL, NULL,
				    &st, err);
		if (rc == OD_OK)
			rc = shop_append(sh, &st, 1, NULL, err);
		statement_free(st);
		if (rc != OD_OK)
			return rc;
	} else if (!keyslot_has(sh->slots, name)) {
		return od_err_set(err, OD_E_STATE,
				  "%s has already been revoked", name);
	} else if (sh->role != ROLE_OWNER) {
		return od_err_set(err, OD_E_DENIED,
				  "only an owner may revoke people");
	}
	if (keyslot_has(sh->slots, name))
		rc = keyslot_remove(sh->slots, name, err);
	if (rc == OD_OK)
		rc = shop_rotate_key(sh, err);
	if (rc != OD_OK) {
		char why[OD_ERR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->msg);
		od_err_set(err, rc, "%s is revoked, but the store's key was not"
			   " changed (%.120s); run `user revoke %s` again",
			   name, why, name);
	}
	return rc;
}
