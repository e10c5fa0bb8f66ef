/* shop.c - founding, unlocking and locking a shop directory. */
#include "app/shop/shop.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/log/ledger.h"
#include "app/shop/people-outbox.h"
#include "app/shop/people-race.h"
#include "app/shop/sync-key.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-head.h"
#include "storage/vfs-crypt.h"

#define DB_NEW_SUFFIX ".new"

/* Returns a new string "a/b"; NULL on OOM. */
static char *path_join(const char *a, const char *b)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

enum od_code shop_default_dir(char **dir, struct od_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	*dir = NULL;
	if (xdg != NULL && xdg[0] == '/')
		n = asprintf(dir, "%s/orderdesk", xdg);
	else if (home != NULL && home[0] == '/')
		n = asprintf(dir, "%s/.local/share/orderdesk", home);
	else
		return od_err_set(err, OD_E_USAGE,
				  "cannot tell where to keep the store (no "
				  "HOME); use --store DIR");
	if (n < 0) {
		*dir = NULL;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	return OD_OK;
}

/* Creates dir and its missing parents, the last one mode 0700. */
static enum od_code make_dir(const char *dir, struct od_err *err)
{
	char *copy = strdup(dir), *p;

	if (copy == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			free(copy);
			return od_err_set(err, OD_E_IO,
					  "cannot create %s: %s", dir,
					  strerror(errno));
		}
		*p = '/';
	}
	free(copy);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %s: %s", dir,
				  strerror(errno));
	/* One that was there: refused if others can write in it, unless it
	 * is empty (then made 0700). */
	return file_check_private_dir(dir, 1, err);
}

/*
 * Refuses a shop directory, or its backend/ with the desk's key, that
 * another user can write in or owns: they could have swapped its files.
 * Before the lock file is made, so a refusal writes nothing.
 */
static enum od_code check_dirs(const char *dir, struct od_err *err)
{
	char sub[4200];
	enum od_code rc = file_check_private_dir(dir, 0, err);

	snprintf(sub, sizeof sub, "%s/%s", dir, SYNC_DIR);
	if (rc == OD_OK)
		rc = file_check_private_dir(sub, 0, err);
	return rc;
}

/* Fills in the paths of sh for dir. */
static enum od_code shop_paths(struct shop *sh, const char *dir,
			       struct od_err *err)
{
	sh->dir = strdup(dir);
	sh->db_path = path_join(dir, SHOP_DB_FILE);
	sh->slots_path = path_join(dir, SHOP_SLOTS_FILE);
	if (sh->dir == NULL || sh->db_path == NULL || sh->slots_path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/*
 * Takes the store's lock, shared or exclusive, waiting for another command
 * that holds it for at most wait_ms.
 */
static enum od_code take_lock_within(struct shop *sh, int exclusive,
				     int wait_ms, struct od_err *err)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char *path = path_join(sh->dir, SHOP_LOCK_FILE);
	int waited = 0;

	if (path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (sh->lock_fd < 0)
		sh->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
					 O_CLOEXEC, 0600);
	free(path);
	if (sh->lock_fd < 0) {
		if (errno == ENOENT)
			return od_err_set(err, OD_E_NOTFOUND,
					  "no shop in %s; found one with "
					  "`orderdesk init --owner NAME`",
					  sh->dir);
		return od_err_set(err, OD_E_IO, "cannot open the lock in %s: "
				  "%s", sh->dir, strerror(errno));
	}
	while (flock(sh->lock_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return od_err_set(err, OD_E_IO, "cannot lock the store:"
					  " %s", strerror(errno));
		if (wait_ms == 0)
			return od_err_set(err, OD_E_BUSY, "another orderdesk "
					  "is using this store; try again when"
					  " it is done");
		if (waited >= wait_ms)
			return od_err_set(err, OD_E_BUSY,
					  "another orderdesk has been using "
					  "this store for %d s; try again when "
					  "it is done", waited / 1000);
		nanosleep(&pause, NULL);
		waited += 20;
	}
	return OD_OK;
}

/* Takes the store's lock, waiting up to SHOP_LOCK_WAIT_MS. */
static enum od_code take_lock(struct shop *sh, int exclusive,
			      struct od_err *err)
{
	return take_lock_within(sh, exclusive, SHOP_LOCK_WAIT_MS, err);
}

/* A fresh shop struct with no files open. */
static struct shop *shop_alloc(void)
{
	struct shop *sh = calloc(1, sizeof *sh);

	if (sh != NULL)
		sh->lock_fd = -1;
	return sh;
}

void shop_close(struct shop *sh)
{
	if (sh == NULL)
		return;
	store_close(sh->store);
	keyslot_free(sh->slots);
	sigkey_free(sh->key);
	secret_wipe(sh->data_key, sizeof sh->data_key);
	if (sh->lock_fd >= 0)
		close(sh->lock_fd);
	free(sh->dir);
	free(sh->db_path);
	free(sh->slots_path);
	free(sh);
}

enum od_code shop_lock_dir(const char *dir, int *fd, struct od_err *err)
{
	struct shop *sh = shop_alloc();
	enum od_code rc;

	*fd = -1;
	if (sh == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = make_dir(dir, err);
	if (rc == OD_OK)
		rc = shop_paths(sh, dir, err);
	if (rc == OD_OK)
		rc = take_lock(sh, 1, err);
	if (rc == OD_OK) {
		*fd = sh->lock_fd;
		sh->lock_fd = -1;
	}
	shop_close(sh);
	return rc;
}

/* Removes a database file, its WAL and shm companions and its record. */
static enum od_code note_db_file(struct shop *sh, struct od_err *err);

static void remove_db_files(const char *db_path)
{
	unlink(db_path);
	file_remove_db_companions(db_path);
	store_head_remove(db_path);
}

/* Makes sure a directory entry change (rename, unlink) is on disk. */
static enum od_code sync_dir(const char *dir, struct od_err *err)
{
	int e = file_sync_dir(dir);

	if (e != 0)
		return od_err_set(err, OD_E_IO, "cannot sync %s: %s", dir,
				  strerror(e));
	return OD_OK;
}

/* Takes the signing key from seed and records who is signing. */
static enum od_code shop_take_key(struct shop *sh, const char *user,
				  const uint8_t seed[KEYSLOT_SEED_LEN],
				  struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	enum od_code rc;

	rc = sigkey_from_seed(seed, &sh->key, err);
	if (rc != OD_OK)
		return rc;
	sigkey_public(sh->key, pub);
	snprintf(sh->user, sizeof sh->user, "%s", user);
	return sigkey_fingerprint(pub, sh->fingerprint, err);
}

enum od_code shop_statement(struct shop *sh, enum stmt_kind kind,
			    const char *order, struct statement **out,
			    struct od_err *err)
{
	return statement_new(kind, sh->user, sh->fingerprint, order, out, err);
}

enum od_code shop_append_many(struct shop *sh, size_t n, shop_make_fn make,
			      void *ctx, long long *first, struct od_err *err)
{
	struct statement *round[SHOP_ROUND] = { NULL };
	long long seqs[SHOP_ROUND];
	size_t done, m = 0, i;
	enum od_code rc;

	rc = store_begin(sh->store, err);
	for (done = 0; done < n && rc == OD_OK; done += m) {
		m = n - done < SHOP_ROUND ? n - done : SHOP_ROUND;
		for (i = 0; i < m && rc == OD_OK; i++)
			rc = make(ctx, done + i, &round[i], err);
		if (rc == OD_OK)
			rc = ledger_append_many(sh->store, sh->key, round, m,
						seqs, err);
		if (rc == OD_OK && done == 0 && first != NULL)
			*first = seqs[0];
		for (i = 0; i < m; i++) {
			statement_free(round[i]);
			round[i] = NULL;
		}
	}
	if (rc != OD_OK) {
		store_rollback(sh->store);
		return rc;
	}
	return store_commit(sh->store, err);
}

enum od_code shop_append(struct shop *sh, struct statement *const *sts,
			 size_t n, long long *seqs, struct od_err *err)
{
	enum od_code rc;

	rc = store_begin(sh->store, err);
	if (rc == OD_OK)
		rc = ledger_append_many(sh->store, sh->key, sts, n, seqs, err);
	if (rc != OD_OK) {
		store_rollback(sh->store);
		return rc;
	}
	return store_commit(sh->store, err);
}

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

enum od_code shop_init(const char *dir, const char *shop_name,
		       const char *owner, const char *pass, size_t pass_len,
		       struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN];
	struct shop *sh = shop_alloc();
	struct stat sb;
	enum od_code rc;
	int made_db = 0;

	if (sh == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = make_dir(dir, err);
	if (rc == OD_OK)
		rc = shop_paths(sh, dir, err);
	if (rc == OD_OK)
		rc = take_lock(sh, 1, err);
	if (rc != OD_OK)
		goto out;
	if (lstat(sh->slots_path, &sb) == 0) {
		rc = od_err_set(err, OD_E_EXISTS,
				"%s already holds a shop; use another --store "
				"DIR", dir);
		goto out;
	}
	/* A database without key slots is what an interrupted init leaves. */
	remove_db_files(sh->db_path);
	rc = keyslot_new(sh->slots_path, &sh->slots, err);
	if (rc == OD_OK && gnutls_rnd(GNUTLS_RND_KEY, sh->data_key,
				      sizeof sh->data_key) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot make a random key");
	if (rc == OD_OK)
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
		rc = sync_dir(dir, err);
out:
	secret_wipe(seed, sizeof seed);
	if (rc != OD_OK && made_db) {
		store_close(sh->store);
		sh->store = NULL;
		remove_db_files(sh->db_path);
	}
	shop_close(sh);
	return rc;
}

enum od_code shop_create_joined(const char *dir, struct shop **out,
				struct od_err *err)
{
	struct shop *sh = shop_alloc();
	struct stat sb;
	enum od_code rc;

	*out = NULL;
	if (sh == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = make_dir(dir, err);
	if (rc == OD_OK)
		rc = shop_paths(sh, dir, err);
	if (rc == OD_OK)
		rc = take_lock(sh, 1, err);
	if (rc == OD_OK && lstat(sh->slots_path, &sb) == 0)
		rc = od_err_set(err, OD_E_EXISTS, "%s already holds a shop; "
				"use another --store DIR", dir);
	if (rc != OD_OK)
		goto out;
	remove_db_files(sh->db_path);
	rc = keyslot_new(sh->slots_path, &sh->slots, err);
	if (rc == OD_OK && gnutls_rnd(GNUTLS_RND_KEY, sh->data_key,
				      sizeof sh->data_key) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot make a random key");
	if (rc == OD_OK)
		rc = store_create(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = note_db_file(sh, err);
	if (rc == OD_OK)
		rc = keyslot_save(sh->slots, sh->data_key, err);
	if (rc == OD_OK)
		rc = sync_dir(dir, err);
out:
	if (rc != OD_OK) {
		shop_close(sh);
		return rc;
	}
	*out = sh;
	return OD_OK;
}

enum od_code shop_slot_users(const char *dir,
			     void (*cb)(void *ctx, const char *user),
			     void *ctx, struct od_err *err)
{
	struct keyslot_file *kf = NULL;
	char *path = path_join(dir, SHOP_SLOTS_FILE);
	enum od_code rc;
	size_t i;

	if (path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = check_dirs(dir, err);
	if (rc == OD_OK)
		rc = keyslot_load(path, &kf, err);
	free(path);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND,
				  "no shop in %s; found one with `orderdesk "
				  "init --owner NAME`", dir);
	if (rc != OD_OK)
		return rc;
	for (i = 0; i < keyslot_count(kf); i++)
		cb(ctx, keyslot_user(kf, i));
	keyslot_free(kf);
	return OD_OK;
}

/*
 * Finishes or undoes a data key rotation that was interrupted: if the new
 * database is complete under the key the slots now hold, it replaces the
 * old one; otherwise it is a leftover and goes.  Needs the exclusive lock.
 */
static enum od_code finish_rotation(struct shop *sh, enum shop_access access,
				    struct od_err *err)
{
	char *fresh = NULL;
	struct stat sb;
	unsigned long pages;
	struct od_err why;
	enum od_code rc = OD_OK, check;

	if (asprintf(&fresh, "%s%s", sh->db_path, DB_NEW_SUFFIX) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (lstat(fresh, &sb) != 0)
		goto out;
	if (access == SHOP_READ && (rc = take_lock(sh, 1, err)) != OD_OK)
		goto out;
	check = vfs_crypt_verify_file(fresh, sh->data_key, &pages, &why);
	if (check == OD_OK) {
		/* The slots already hold the new key: the new file is it. */
		file_remove_db_companions(sh->db_path);
		rc = store_head_rename(fresh, sh->db_path, err);
		if (rc == OD_OK && rename(fresh, sh->db_path) != 0)
			rc = od_err_set(err, OD_E_IO, "cannot finish the key "
					"rotation: %s", strerror(errno));
	} else if (check == OD_E_TAMPERED && lstat(sh->db_path, &sb) == 0) {
		/* Under another key: an unfinished copy; the old file stands. */
		remove_db_files(fresh);
	} else {
		/* Never throw away what may be the only copy. */
		rc = od_err_set(err, check == OD_E_TAMPERED ? OD_E_TAMPERED
							    : why.code,
				"an interrupted key rotation left %s, which "
				"cannot be checked (%.120s); keep it and ask "
				"for help", fresh, why.msg);
	}
	if (rc == OD_OK)
		rc = sync_dir(sh->dir, err);
	if (rc == OD_OK && access == SHOP_READ)
		rc = take_lock(sh, 0, err);
out:
	free(fresh);
	return rc;
}

/* Remembers which file the database is, to notice a rotation later. */
static enum od_code note_db_file(struct shop *sh, struct od_err *err)
{
	struct stat sb;

	if (stat(sh->db_path, &sb) != 0)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s",
				  sh->db_path, strerror(errno));
	sh->db_dev = sb.st_dev;
	sh->db_ino = sb.st_ino;
	return OD_OK;
}

/*
 * Refuses, at unlock, a sealed key that is not the one the log gives its
 * person.  A key they retired (`user passwd`) is an old passphrase: if this
 * desk's passphrase change was cut short before the key file was saved, the
 * new slot waits in the outbox and is put in place now.
 */
static enum od_code retired_key(struct shop *sh, struct od_err *err)
{
	char whose[STMT_NAME_MAX + 1];
	long long seq = 0;
	enum od_code rc = store_key_retired(sh->store, sh->fingerprint, whose,
					    sizeof whose, &seq, NULL, err);

	if (rc == OD_OK && strcmp(whose, sh->user) != 0)
		rc = OD_E_NOTFOUND;
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_TAMPERED,
				  "%s's sealed key does not match the key in "
				  "the shop's log; the key file was tampered "
				  "with", sh->user);
	if (rc == OD_OK)
		rc = people_outbox_restore(sh, err);
	if (rc == OD_OK)
		return od_err_set(err, OD_E_AUTH,
				  "%s's passphrase was changed (log entry %lld)"
				  " and the new key is now in place here; sign "
				  "in with the new passphrase", sh->user, seq);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_AUTH,
				  "that is %s's old passphrase: it was changed "
				  "(log entry %lld) and the old key signs "
				  "nothing; use the new one (another desk gets "
				  "it at its next sync)", sh->user, seq);
	return rc;
}

/*
 * Refuses, at unlock, a person whose rekey at this desk lost to another
 * desk's (app/shop/people-race.h): whatever slot they have here, the key the
 * log gives them was made elsewhere, maybe from a stolen copy.
 */
static enum od_code lost_race(struct shop *sh, struct od_err *err)
{
	char msg[PEOPLE_RACE_MSG_MAX];
	enum od_code rc = people_race_get(sh->store, sh->user, msg, sizeof msg,
					  err);

	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		rc = od_err_set(err, OD_E_AUTH, "%s", msg);
	return rc;
}

/*
 * Checks that the unlocked user is an active user, and at unlock that the
 * key is theirs.  Past the unlock (hold) the log may have changed their key
 * under a session: their rekey here or elsewhere, or one a sync set aside.
 * That sync must go on to fetch the slot for the key the log gives them,
 * and the fold refuses anything a key not theirs would sign.
 */
static enum od_code check_user(struct shop *sh, int unlocking,
			       struct od_err *err)
{
	struct user_record u;
	enum od_code rc = store_user_get(sh->store, sh->user, &u, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_AUTH,
				  "%s has a key but is not a user of this shop "
				  "(an interrupted `user add`?); ask the owner "
				  "to add them again", sh->user);
	if (rc != OD_OK)
		return rc;
	if (!u.active)
		return od_err_set(err, OD_E_AUTH,
				  "%s's access has been revoked; ask the owner",
				  sh->user);
	if (unlocking)
		rc = lost_race(sh, err);
	if (rc != OD_OK)
		return rc;
	if (unlocking && strcmp(u.fingerprint, sh->fingerprint) != 0)
		return retired_key(sh, err);
	return role_parse(u.role, &sh->role, err);
}

/* Milliseconds on the monotonic clock. */
static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Seals a desk's TLS key that an older orderdesk left in the clear in
 * backend/desk.key (app/shop/sync-key.h), on the first unlock that finds it.
 * A reader takes the lock exclusively for it, as finish_rotation does.
 */
static enum od_code seal_old_desk_key(struct shop *sh, enum shop_access access,
				      struct od_err *err)
{
	enum od_code rc;

	if (!sync_key_old_file(sh->dir))
		return OD_OK;
	if (access == SHOP_READ && (rc = take_lock(sh, 1, err)) != OD_OK)
		return rc;
	rc = sync_key_migrate(sh->store, sh->dir, err);
	if (rc == OD_OK && access == SHOP_READ)
		rc = take_lock(sh, 0, err);
	return rc;
}

enum od_code shop_unlock(const char *dir, const char *user, const char *pass,
			 size_t pass_len, enum shop_access access,
			 struct shop **out, struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN];
	struct shop *sh = shop_alloc();
	enum od_code rc;

	*out = NULL;
	if (sh == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = check_dirs(dir, err);
	if (rc == OD_OK)
		rc = shop_paths(sh, dir, err);
	if (rc == OD_OK)
		rc = take_lock(sh, access == SHOP_WRITE, err);
	if (rc == OD_OK) {
		rc = keyslot_load(sh->slots_path, &sh->slots, err);
		if (rc == OD_E_NOTFOUND)
			rc = od_err_set(err, OD_E_NOTFOUND,
					"no shop in %s; found one with "
					"`orderdesk init --owner NAME`", dir);
	}
	if (rc == OD_OK) {
		double t0 = monotonic_ms();

		rc = keyslot_unlock(sh->slots, user, pass, pass_len,
				    sh->data_key, seed, err);
		sh->kdf_ms = monotonic_ms() - t0;
	}
	if (rc == OD_OK)
		rc = shop_take_key(sh, user, seed, err);
	secret_wipe(seed, sizeof seed);
	if (rc == OD_OK)
		rc = finish_rotation(sh, access, err);
	if (rc == OD_OK)
		rc = store_open(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = note_db_file(sh, err);
	if (rc == OD_OK)
		rc = check_user(sh, 1, err);
	if (rc == OD_OK)
		rc = seal_old_desk_key(sh, access, err);
	if (rc != OD_OK) {
		shop_close(sh);
		return rc;
	}
	*out = sh;
	return OD_OK;
}

void shop_release(struct shop *sh)
{
	if (sh == NULL)
		return;
	store_close(sh->store);
	sh->store = NULL;
	if (sh->lock_fd >= 0)
		flock(sh->lock_fd, LOCK_UN);
}

/*
 * Whether the database is still the file sh unlocked, with no key rotation
 * left to finish.  Called under the lock, which every rotation holds
 * exclusively, so the answer stays true for the operation.
 */
static enum od_code check_db_file(struct shop *sh, struct od_err *err)
{
	struct stat sb;
	char *fresh = NULL;
	int pending;

	if (asprintf(&fresh, "%s%s", sh->db_path, DB_NEW_SUFFIX) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	pending = lstat(fresh, &sb) == 0;
	free(fresh);
	if (pending || stat(sh->db_path, &sb) != 0 ||
	    sb.st_dev != sh->db_dev || sb.st_ino != sh->db_ino)
		return od_err_set(err, OD_E_AUTH, "the store's key was changed "
				  "by another orderdesk (someone was revoked);"
				  " unlock again");
	return OD_OK;
}

/* shop_hold, waiting up to wait_ms for the lock. */
static enum od_code hold_within(struct shop *sh, enum shop_access access,
				int wait_ms, struct od_err *err)
{
	struct keyslot_file *slots = NULL;
	enum od_code rc;

	if (sh->store != NULL)
		return od_err_set(err, OD_E_INTERNAL, "the store is already "
				  "held");
	rc = take_lock_within(sh, access == SHOP_WRITE, wait_ms, err);
	if (rc != OD_OK)
		return rc;
	rc = check_db_file(sh, err);
	/* Another process may have added or removed a slot: save over the
	 * file as it is now, not as it was at unlock. */
	if (rc == OD_OK && access == SHOP_WRITE) {
		rc = keyslot_load(sh->slots_path, &slots, err);
		if (rc == OD_OK) {
			keyslot_free(sh->slots);
			sh->slots = slots;
		}
	}
	if (rc == OD_OK)
		rc = store_open(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = check_user(sh, 0, err);
	if (rc != OD_OK)
		shop_release(sh);
	return rc;
}

enum od_code shop_hold(struct shop *sh, enum shop_access access,
		       struct od_err *err)
{
	return hold_within(sh, access, SHOP_LOCK_WAIT_MS, err);
}

enum od_code shop_hold_now(struct shop *sh, enum shop_access access,
			   struct od_err *err)
{
	return hold_within(sh, access, 0, err);
}

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

enum od_code shop_user_add_prepare(struct shop *sh, const char *name,
				   enum role role,
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
		rc = user_statement(sh, STMT_USER_ADD, name, role_name(role),
				    pub, out, err);
	}
	sigkey_free(k);
	if (rc != OD_OK) {
		secret_wipe(seed, KEYSLOT_SEED_LEN);
		statement_free(*out);
		*out = NULL;
	}
	return rc;
}

enum od_code shop_user_add_append(struct shop *sh, struct statement *st,
				  const uint8_t seed[KEYSLOT_SEED_LEN],
				  const char *pass, size_t pass_len,
				  long long *seq, struct od_err *err)
{
	const char *name = statement_get(st, "user");
	struct sigkey *k = NULL;
	/* Folding first refuses a duplicate name or a caller who may not. */
	enum od_code rc = ledger_append(sh->store, sh->key, st, seq, err);

	if (rc == OD_OK && name == NULL)
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
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc == OD_OK)
		rc = people_outbox_add(sh->store, sh->slots, name, k, err);
	sigkey_free(k);
	return rc;
}

enum od_code shop_user_add(struct shop *sh, const char *name, enum role role,
			   const char *pass, size_t pass_len,
			   struct od_err *err)
{
	uint8_t seed[KEYSLOT_SEED_LEN];
	struct statement *st = NULL;
	enum od_code rc;

	rc = shop_user_add_prepare(sh, name, role, seed, &st, err);
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
	remove_db_files(fresh);
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
		remove_db_files(fresh);
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
		rc = sync_dir(sh->dir, err);
	if (rc == OD_OK)
		rc = store_open(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = note_db_file(sh, err);
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

enum od_code shop_clone(const struct shop *sh, struct shop **out,
			struct od_err *err)
{
	struct shop *c = shop_alloc();
	enum od_code rc;

	*out = NULL;
	if (c == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = shop_paths(c, sh->dir, err);
	if (rc == OD_OK)
		rc = keyslot_load(c->slots_path, &c->slots, err);
	if (rc != OD_OK) {
		shop_close(c);
		return rc;
	}
	memcpy(c->data_key, sh->data_key, sizeof c->data_key);
	memcpy(c->user, sh->user, sizeof c->user);
	memcpy(c->fingerprint, sh->fingerprint, sizeof c->fingerprint);
	c->role = sh->role;
	c->db_dev = sh->db_dev;
	c->db_ino = sh->db_ino;
	*out = c;
	return OD_OK;
}
