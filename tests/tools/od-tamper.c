/*
 * od-tamper - plays an insider who knows a passphrase and edits the store
 * behind orderdesk's back, to show that `audit verify` notices.
 *
 *   od-tamper STORE_DIR USER 'SQL' [--rechain] < passphrase
 *
 * Unwraps the data key with USER's passphrase, opens the database through
 * the encrypting VFS and runs the SQL as is.  With --rechain it then does
 * what a careful forger would: numbers the log 1, 2, 3 ... again and
 * recomputes every chain hash, and seals the store's head record over the
 * new log (the data key is all that takes), so that only the signed
 * statements themselves can give the forgery away.  Rows the SQL returns
 * are printed, one a line, columns joined by '|' (to look, e.g. at meta).
 * A test tool only: it
 * is not installed and nothing in orderdesk calls it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/ledger.h"
#include "app/shop/passphrase.h"
#include "lib/secret.h"
#include "storage/keyslot.h"
#include "storage/store-head.h"
#include "storage/vfs-crypt.h"

/* Prints one result row: its columns joined by '|'. */
static int print_row(void *ctx, int n, char **vals, char **names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "");
	putchar('\n');
	return 0;
}

/* Renumbers the log from 1 and recomputes the hash chain. */
static int rechain(sqlite3 *db)
{
	sqlite3_stmt *q = NULL, *u = NULL;
	uint8_t prev[LEDGER_HASH_LEN] = { 0 }, hash[LEDGER_HASH_LEN];
	struct od_err err;
	long long n = 0;
	int rc = -1;

	if (sqlite3_exec(db, "BEGIN; UPDATE log SET seq = -seq;", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT seq, statement, signature FROM log"
			       " ORDER BY seq DESC", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE log SET seq = ?1, hash = ?2"
			       " WHERE seq = ?3", -1, &u, NULL) != SQLITE_OK)
		goto out;
	/* seq is negated, so DESC walks the old order. */
	while (sqlite3_step(q) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_bytes(q, 2) != SIGKEY_SIG_LEN ||
		    ledger_hash(prev, n, sqlite3_column_blob(q, 1),
				(size_t)sqlite3_column_bytes(q, 1),
				sqlite3_column_blob(q, 2), hash, &err) != OD_OK)
			goto out;
		sqlite3_bind_int64(u, 1, n);
		sqlite3_bind_blob(u, 2, hash, sizeof hash, SQLITE_TRANSIENT);
		sqlite3_bind_int64(u, 3, sqlite3_column_int64(q, 0));
		if (sqlite3_step(u) != SQLITE_DONE)
			goto out;
		sqlite3_reset(u);
		memcpy(prev, hash, sizeof prev);
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	return rc;
}

int main(int argc, char **argv)
{
	uint8_t key[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf = NULL;
	struct od_err err;
	char path[4096], *pass = NULL, *msg = NULL;
	size_t len = 0;
	sqlite3 *db = NULL;
	int status = 1;

	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "--rechain") == 0)) {
		fprintf(stderr, "usage: od-tamper STORE_DIR USER SQL "
			"[--rechain] < passphrase\n");
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
	if (sqlite3_exec(db, argv[3], print_row, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "od-tamper: %s\n", msg ? msg : "failed");
		sqlite3_free(msg);
		goto out;
	}
	if (argc == 5 && rechain(db) != 0) {
		fprintf(stderr, "od-tamper: rechaining failed: %s\n",
			sqlite3_errmsg(db));
		goto out;
	}
	if (argc == 5) {
		sqlite3_close(db);
		db = NULL;
		if (store_head_adopt(path, key, &err) != OD_OK)
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
