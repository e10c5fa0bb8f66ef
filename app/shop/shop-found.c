/*
 * shop-found.c - founding a shop directory: by its owner (`orderdesk init`:
 * the genesis statement signed, the key slots saved last, since their
 * presence is what makes a shop) or empty, for a desk joining a backend.
 */
#include "app/shop/shop.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/log/ledger.h"
#include "app/shop/people-outbox.h"
#include "app/shop/shop-internal.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-head.h"

/* Signs the genesis statement: the owner founds the shop. */
static enum od_code append_genesis(struct shop *sh, const char *shop_name,
				   struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	char b64[64];
	struct statement *st = NULL;
	enum od_code rc;

	sigkey_public(sh->key, pub);
	b64_encode(pub, sizeof pub, b64);
	rc = shop_statement(sh, STMT_SHOP_GENESIS, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "shop", shop_name, err);
	if (rc == OD_OK)
		rc = statement_add(st, "role", "owner", err);
	if (rc == OD_OK)
		rc = statement_add(st, "pubkey", b64, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, NULL, err);
	statement_free(st);
	return rc;
}

/*
 * The start of every new shop in dir: the directory locked, no shop there
 * yet (a database without key slots is what an interrupted start leaves,
 * and goes), empty key slots and a fresh data key.
 */
static enum od_code begin_new(const char *dir, struct shop **out,
			      struct od_err *err)
{
	struct shop *sh;
	struct stat sb;
	enum od_code rc = shop_take_dir(dir, &sh, err);

	*out = NULL;
	if (rc != OD_OK)
		return rc;
	if (lstat(sh->slots_path, &sb) == 0)
		rc = od_err_set(err, OD_E_EXISTS, "%s already holds a shop; "
				"use another --store DIR", dir);
	if (rc == OD_OK) {
		shop_remove_db_files(sh->db_path);
		rc = keyslot_new(sh->slots_path, &sh->slots, err);
	}
	if (rc == OD_OK && gnutls_rnd(GNUTLS_RND_KEY, sh->data_key,
				      sizeof sh->data_key) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot make a random key");
	if (rc != OD_OK) {
		shop_close(sh);
		return rc;
	}
	*out = sh;
	return OD_OK;
}

enum od_code shop_init(const char *dir, const char *shop_name,
		       const char *owner, const char *pass, size_t pass_len,
		       struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN];
	struct shop *sh = NULL;
	enum od_code rc;
	int made_db = 0;

	rc = begin_new(dir, &sh, err);
	if (rc != OD_OK)
		return rc;
	rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = keyslot_add(sh->slots, owner, pass, pass_len, sh->data_key,
				 seed, NULL, err);
	if (rc == OD_OK)
		rc = shop_take_key(sh, owner, seed, err);
	if (rc == OD_OK)
		rc = store_create(sh->db_path, sh->data_key, &sh->store, err);
	made_db = rc == OD_OK;
	if (rc == OD_OK)
		rc = append_genesis(sh, shop_name, err);
	/* The key slots go last: their presence is what makes a shop. */
	if (rc == OD_OK)
		rc = keyslot_save(sh->slots, sh->data_key, err);
	if (rc == OD_OK)
		rc = shop_sync_dir(dir, err);
	secret_wipe(seed, sizeof seed);
	if (rc != OD_OK && made_db) {
		store_close(sh->store);
		sh->store = NULL;
		shop_remove_db_files(sh->db_path);
	}
	shop_close(sh);
	return rc;
}

enum od_code shop_create_joined(const char *dir, struct shop **out,
				struct od_err *err)
{
	struct shop *sh = NULL;
	enum od_code rc;

	*out = NULL;
	rc = begin_new(dir, &sh, err);
	if (rc != OD_OK)
		return rc;
	rc = store_create(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = shop_note_db_file(sh, err);
	if (rc == OD_OK)
		rc = keyslot_save(sh->slots, sh->data_key, err);
	if (rc == OD_OK)
		rc = shop_sync_dir(dir, err);
	if (rc != OD_OK) {
		shop_close(sh);
		return rc;
	}
	*out = sh;
	return OD_OK;
}
