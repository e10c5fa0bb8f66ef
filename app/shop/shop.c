/*
 * shop.c - unlocking and locking a shop directory: its paths and lock, the
 * person's key, an interrupted key rotation finished.  Founding is in
 * shop-found.c, people and the data key's rotation in shop-people.c,
 * signing as the person in shop-sign.c.
 */
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
#include "app/shop/keyslot-token.h"
#include "app/shop/people-outbox.h"
#include "app/shop/people-race.h"
#include "app/shop/shop-internal.h"
#include "app/shop/sync-key.h"
#include "app/shop/unlock-fails.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-head.h"
#include "storage/vfs-crypt.h"

/* Returns a new string "a/b"; NULL on OOM. */
static char *path_join(const char *a, const char *b)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
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
enum od_code shop_paths(struct shop *sh, const char *dir, struct od_err *err)
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
					  "no shop in %s; name another with "
					  "--store DIR, or found one with "
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

enum od_code shop_take_lock(struct shop *sh, int exclusive, struct od_err *err)
{
	return take_lock_within(sh, exclusive, SHOP_LOCK_WAIT_MS, err);
}

/* A fresh shop struct with no files open. */
struct shop *shop_alloc(void)
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
	shop_kept_drop(sh);
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

enum od_code shop_take_dir(const char *dir, struct shop **out,
			   struct od_err *err)
{
	struct shop *sh = shop_alloc();
	enum od_code rc;

	*out = NULL;
	if (sh == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = shop_make_dir(dir, err);
	if (rc == OD_OK)
		rc = shop_paths(sh, dir, err);
	if (rc == OD_OK)
		rc = shop_take_lock(sh, 1, err);
	if (rc != OD_OK) {
		shop_close(sh);
		return rc;
	}
	*out = sh;
	return OD_OK;
}

enum od_code shop_lock_dir(const char *dir, int *fd, struct od_err *err)
{
	struct shop *sh;
	enum od_code rc = shop_take_dir(dir, &sh, err);

	*fd = -1;
	if (rc != OD_OK)
		return rc;
	*fd = sh->lock_fd;
	sh->lock_fd = -1;
	shop_close(sh);
	return OD_OK;
}

/* Removes a database file, its WAL and shm companions and its record. */
void shop_remove_db_files(const char *db_path)
{
	unlink(db_path);
	file_remove_db_companions(db_path);
	store_head_remove(db_path);
}

/* Takes the signing key from seed and records who is signing. */
enum od_code shop_take_key(struct shop *sh, const char *user,
			   const uint8_t seed[KEYSLOT_SEED_LEN], struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	enum od_code rc;

	rc = keyslot_token_open(sh->dir, user, seed, &sh->key, err);
	if (rc != OD_OK)
		return rc;
	sigkey_public(sh->key, pub);
	snprintf(sh->user, sizeof sh->user, "%s", user);
	return sigkey_fingerprint(pub, sh->fingerprint, err);
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
				  "no shop in %s; name another with "
				  "--store DIR, or found one with "
				  "`orderdesk init --owner NAME`", dir);
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
	if (access == SHOP_READ && (rc = shop_take_lock(sh, 1, err)) != OD_OK)
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
		shop_remove_db_files(fresh);
	} else {
		/* Never throw away what may be the only copy. */
		rc = od_err_set(err, check == OD_E_TAMPERED ? OD_E_TAMPERED
							    : why.code,
				"an interrupted key rotation left %s, which "
				"cannot be checked (%.120s); keep it and ask "
				"for help", fresh, why.msg);
	}
	if (rc == OD_OK)
		rc = shop_sync_dir(sh->dir, err);
	if (rc == OD_OK && access == SHOP_READ)
		rc = shop_take_lock(sh, 0, err);
out:
	free(fresh);
	return rc;
}

/* Remembers which file the database is, to notice a rotation later. */
enum od_code shop_note_db_file(struct shop *sh, struct od_err *err)
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
				  "%s's key here does not match the key in "
				  "the shop's log; if it is on a token, name it"
				  " with `user key use`, else the key file was"
				  " tampered with", sh->user);
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
	rc = role_power_load(sh->store, u.role, &sh->power, err);
	if (rc == OD_OK)
		sh->role = sh->power.builtin;   /* or ROLE_CUSTOM */
	return rc;
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
	if (access == SHOP_READ && (rc = shop_take_lock(sh, 1, err)) != OD_OK)
		return rc;
	rc = sync_key_migrate(sh->store, sh->dir, err);
	if (rc == OD_OK && access == SHOP_READ)
		rc = shop_take_lock(sh, 0, err);
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
		rc = shop_take_lock(sh, access == SHOP_WRITE, err);
	if (rc == OD_OK) {
		rc = keyslot_load(sh->slots_path, &sh->slots, err);
		if (rc == OD_E_NOTFOUND)
			rc = od_err_set(err, OD_E_NOTFOUND,
					"no shop in %s; name another with "
					"--store DIR, or found one with "
					"`orderdesk init --owner NAME`", dir);
	}
	if (rc == OD_OK) {
		double t0 = monotonic_ms();

		rc = keyslot_unlock(sh->slots, user, pass, pass_len,
				    sh->data_key, seed, err);
		sh->kdf_ms = monotonic_ms() - t0;
		if (rc == OD_E_AUTH)
			unlock_fails_note(dir);
	}
	if (rc == OD_OK)
		rc = shop_take_key(sh, user, seed, err);
	secret_wipe(seed, sizeof seed);
	if (rc == OD_OK)
		rc = finish_rotation(sh, access, err);
	if (rc == OD_OK)
		rc = store_open(sh->db_path, sh->data_key, &sh->store, err);
	if (rc == OD_OK)
		rc = shop_note_db_file(sh, err);
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
	shop_kept_put(sh);
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
	int check;

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
		rc = shop_kept_take(sh, access == SHOP_WRITE, &check, err);
	if (rc == OD_OK && check)
		rc = check_user(sh, 0, err);
	if (rc != OD_OK) {
		shop_kept_drop(sh);
		shop_release(sh);
	}
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
