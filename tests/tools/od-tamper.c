/*
 * od-tamper - plays an insider who knows a passphrase and edits the store
 * behind orderdesk's back, to show that `audit verify` notices.
 *
 *   od-tamper STORE_DIR USER 'SQL' < passphrase
 *
 * Unwraps the data key with USER's passphrase, opens the database through
 * the encrypting VFS and runs the SQL as is.  A test tool only: it is not
 * installed and nothing in orderdesk calls it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/passphrase.h"
#include "lib/secret.h"
#include "storage/keyslot.h"
#include "storage/vfs-crypt.h"

int main(int argc, char **argv)
{
	uint8_t key[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf = NULL;
	struct od_err err;
	char path[4096], *pass = NULL, *msg = NULL;
	size_t len = 0;
	sqlite3 *db = NULL;
	int status = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: od-tamper STORE_DIR USER SQL "
			"< passphrase\n");
		return 2;
	}
	od_err_clear(&err);
	snprintf(path, sizeof path, "%s/keyslots", argv[1]);
	if (passphrase_read(0, "", &pass, &len, &err) != OD_OK ||
	    keyslot_load(path, &kf, &err) != OD_OK ||
	    keyslot_unlock(kf, argv[2], pass, len, key, seed, &err) != OD_OK)
		goto out;
	snprintf(path, sizeof path, "%s/orderdesk.db", argv[1]);
	if (vfs_crypt_open(path, key, 0, &db, &err) != OD_OK)
		goto out;
	if (sqlite3_exec(db, argv[3], NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "od-tamper: %s\n", msg ? msg : "failed");
		sqlite3_free(msg);
		goto out;
	}
	status = 0;
out:
	if (err.code != OD_OK)
		fprintf(stderr, "od-tamper: %s\n", err.msg);
	sqlite3_close(db);
	keyslot_free(kf);
	secret_wipe(key, sizeof key);
	secret_wipe(seed, sizeof seed);
	secret_free_str(pass);
	return status;
}
