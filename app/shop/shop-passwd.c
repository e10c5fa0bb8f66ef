/*
 * shop-passwd.c - changing one's passphrase, which rotates one's signing
 * key: whoever saw the old passphrase, with any old copy of the key slot
 * (a backup, a disk image, the backend's older bundle), can then sign
 * nothing the shop accepts.
 */
#include "app/shop/shop.h"

#include <stdio.h>
#include <string.h>

#include "app/log/ledger.h"
#include "app/shop/people-outbox.h"
#include "lib/encode.h"
#include "lib/secret.h"

/* The unsigned user.rekey that introduces pub as sh's user's new key. */
static enum od_code rekey_statement(struct shop *sh,
				    const uint8_t pub[SIGKEY_PUB_LEN],
				    struct statement **out, struct od_err *err)
{
	char b64[64];
	enum od_code rc = shop_statement(sh, STMT_USER_REKEY, NULL, out, err);

	b64_encode(pub, SIGKEY_PUB_LEN, b64);
	if (rc == OD_OK)
		rc = statement_add(*out, "pubkey", b64, err);
	return rc;
}

/*
 * In one transaction: the user.rekey signed with the old key, and the new
 * bundle (sealed under the new passphrase, signed with the new key) queued
 * for the other desks.  The slot in memory is already the new one.
 */
static enum od_code log_rekey(struct shop *sh, const struct sigkey *k,
			      struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	struct statement *st = NULL;
	enum od_code rc;

	sigkey_public(k, pub);
	rc = rekey_statement(sh, pub, &st, err);
	if (rc == OD_OK)
		rc = store_begin(sh->store, err);
	if (rc != OD_OK)
		goto out;
	rc = ledger_append(sh->store, sh->key, st, NULL, err);
	if (rc == OD_OK)
		rc = people_outbox_add(sh->store, sh->slots, sh->user, k, err);
	/* The key file is saved after this commits (shop_passwd). */
	if (rc == OD_OK)
		rc = people_slot_note(sh->store, sh->user, NULL, err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, err);
	else
		store_rollback(sh->store);
out:
	statement_free(st);
	return rc;
}

/* Notes that the key file now holds the new slot (see people_slot_note). */
static void note_saved(struct shop *sh)
{
	struct od_err ignored;

	if (store_begin(sh->store, &ignored) != OD_OK)
		return;
	if (people_slot_note(sh->store, sh->user, sh->fingerprint,
			     &ignored) == OD_OK)
		store_commit(sh->store, &ignored);
	else
		store_rollback(sh->store);
}

enum od_code shop_passwd(struct shop *sh, const char *old_pass, size_t old_len,
			 const char *new_pass, size_t new_len,
			 struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct keyslot_file *disk = NULL;
	struct sigkey *k = NULL;
	enum od_code rc;

	rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc == OD_OK)
		rc = keyslot_rekey(sh->slots, sh->user, old_pass, old_len,
				   new_pass, new_len, sh->data_key, seed, err);
	secret_wipe(seed, sizeof seed);
	/*
	 * The log first: once it commits, the new slot is in the store too
	 * (the queued bundle), so a crash before the key file is saved is
	 * finished from there at the next unlock (app/shop/shop.c, retired_key),
	 * or, once the bundle was sent, by the next sync, which takes it back
	 * from the backend as long as the slot here is not noted saved.  The
	 * other way round, a crash would leave a slot the log does not know.
	 */
	if (rc == OD_OK)
		rc = log_rekey(sh, k, err);
	if (rc != OD_OK) {
		struct od_err ignored;

		/* Nothing happened: forget the new slot held in memory. */
		if (keyslot_load(sh->slots_path, &disk, &ignored) == OD_OK) {
			keyslot_free(sh->slots);
			sh->slots = disk;
		}
		goto out;
	}
	sigkey_free(sh->key);
	sh->key = k;
	k = NULL;
	sigkey_public(sh->key, pub);
	rc = sigkey_fingerprint(pub, sh->fingerprint, err);
	if (rc == OD_OK)
		rc = keyslot_save(sh->slots, sh->data_key, err);
	/* Done; left unnoted, a sync only takes the same slot again. */
	if (rc == OD_OK)
		note_saved(sh);
	if (rc != OD_OK) {
		char why[OD_ERR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->msg);
		od_err_set(err, rc, "the key changed but this desk's key file "
			   "was not saved (%.120s); sign in once with the old "
			   "passphrase to finish", why);
	}
out:
	sigkey_free(k);
	return rc;
}
