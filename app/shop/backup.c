/* backup.c - writing, checking and restoring whole-shop backups. */
#include "app/shop/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/log/ledger.h"
#include "app/shop/keyslot-token.h"
#include "app/shop/sync-key.h"
#include "lib/buf.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-head.h"
#include "storage/vfs-crypt.h"

#define BACKUP_MAGIC "orderdesk-backup/2\n"
#define BACKUP_MAGIC_1 "orderdesk-backup/1\n"   /* without tokenkeys */
#define TOKENKEYS_MAX (1 << 20)
#define MAC_LEN 32
#define SIG_LEN SIGKEY_SIG_LEN
#define SNAPSHOT_FILE SHOP_DB_FILE ".snapshot"
static const char mac_label[] = "orderdesk-backup-mac/1";

/* The MAC key: HKDF-SHA256 of the data key with the backup's label. */
static enum od_code mac_key(const uint8_t data_key[KEYSLOT_KEY_LEN],
			    uint8_t out[MAC_LEN], struct od_err *err)
{
	uint8_t prk[32];
	gnutls_datum_t key = { (unsigned char *)data_key, KEYSLOT_KEY_LEN };
	gnutls_datum_t salt = { NULL, 0 };
	gnutls_datum_t info = { (unsigned char *)mac_label,
				sizeof mac_label - 1 };
	gnutls_datum_t prk_d = { prk, sizeof prk };
	int rc;

	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &key, &salt, prk);
	if (rc >= 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &prk_d, &info, out,
					MAC_LEN);
	secret_wipe(prk, sizeof prk);
	if (rc < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot derive the backup "
				  "key: %s", gnutls_strerror(rc));
	return OD_OK;
}

/* HMAC-SHA256 of p[0..n) under the backup MAC key of data_key. */
static enum od_code backup_mac(const uint8_t data_key[KEYSLOT_KEY_LEN],
			       const void *p, size_t n, uint8_t out[MAC_LEN],
			       struct od_err *err)
{
	uint8_t k[MAC_LEN];
	enum od_code rc = mac_key(data_key, k, err);

	if (rc == OD_OK &&
	    gnutls_hmac_fast(GNUTLS_MAC_SHA256, k, sizeof k, p, n, out) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot compute a MAC");
	secret_wipe(k, sizeof k);
	return rc;
}

/* Reads a whole file (at most cap bytes) into b. */
static enum od_code slurp(const char *path, long long cap, struct buf *b,
			  struct od_err *err)
{
	return file_read_capped(path, (size_t)cap, 0, b, err);
}

/* Appends an n-byte big-endian integer. */
static enum od_code put_be(struct buf *b, unsigned long long v, int n,
			   struct od_err *err)
{
	uint8_t be[8];
	int i;

	for (i = 0; i < n; i++)
		be[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return buf_add(b, be, (size_t)n, err);
}

/* The parts of a backup file, pointing into its bytes. */
struct backup_parts {
	char signer[STMT_NAME_MAX + 1];
	const char *slots;
	size_t slots_len;
	const char *tokenkeys;   /* the desk's token URIs (keyslot-token.h) */
	size_t tokenkeys_len;
	const char *db;
	size_t db_len;
	size_t signed_len;       /* bytes covered by the signature */
	const uint8_t *sig;
	const uint8_t *mac;
};

/* Reads a big-endian integer of n bytes at *p, advancing it. */
static unsigned long long get_be(const char **p, int n)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | (uint8_t)(*p)[i];
	*p += n;
	return v;
}

/* Splits a backup file into its parts, checking every length. */
static enum od_code backup_parse(const char *data, size_t len,
				 struct backup_parts *bp, struct od_err *err)
{
	const char *p = data, *end = data + len, *nl;
	unsigned long long n;
	size_t magic = sizeof BACKUP_MAGIC - 1;
	int v1;

	memset(bp, 0, sizeof *bp);
	if (len < magic || (memcmp(p, BACKUP_MAGIC, magic) != 0 &&
			    memcmp(p, BACKUP_MAGIC_1, magic) != 0))
		return od_err_set(err, OD_E_INPUT,
				  "this is not an orderdesk backup");
	v1 = memcmp(p, BACKUP_MAGIC_1, magic) == 0;
	p += magic;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL || nl - p < 9 || strncmp(p, "signer: ", 8) != 0 ||
	    (size_t)(nl - p - 8) > STMT_NAME_MAX)
		goto damaged;
	memcpy(bp->signer, p + 8, (size_t)(nl - p - 8));
	p = nl + 1;
	if (end - p < 4)
		goto damaged;
	n = get_be(&p, 4);
	if (n > (unsigned long long)(end - p))
		goto damaged;
	bp->slots = p;
	bp->slots_len = (size_t)n;
	p += n;
	/* Since /2: the token URIs, so a restore signs as before. */
	if (!v1 && (end - p < 4 || (n = get_be(&p, 4)) > TOKENKEYS_MAX ||
		    n > (unsigned long long)(end - p)))
		goto damaged;
	if (!v1) {
		bp->tokenkeys = p;
		bp->tokenkeys_len = (size_t)n;
		p += n;
	}
	if (end - p < 8)
		goto damaged;
	n = get_be(&p, 8);
	if (n > (unsigned long long)(end - p))
		goto damaged;
	bp->db = p;
	bp->db_len = (size_t)n;
	p += n;
	if (end - p != SIG_LEN + MAC_LEN)
		goto damaged;
	bp->signed_len = (size_t)(p - data);
	bp->sig = (const uint8_t *)p;
	bp->mac = (const uint8_t *)p + SIG_LEN;
	return OD_OK;
damaged:
	return od_err_set(err, OD_E_TAMPERED,
			  "the backup is truncated or damaged; use another "
			  "copy");
}

/* Checks the MAC of a parsed backup under data_key. */
static enum od_code check_mac(const char *data, const struct backup_parts *bp,
			      const uint8_t data_key[KEYSLOT_KEY_LEN],
			      struct od_err *err)
{
	uint8_t mac[MAC_LEN];
	enum od_code rc = backup_mac(data_key, data, bp->signed_len + SIG_LEN,
				     mac, err);

	if (rc == OD_OK && gnutls_memcmp(mac, bp->mac, MAC_LEN) != 0)
		rc = od_err_set(err, OD_E_TAMPERED,
				"the backup has been altered or damaged; use "
				"another copy");
	return rc;
}

/* Checks the signer's signature over the backup with their key in s. */
static enum od_code check_signature(struct store *s, const char *data,
				    const struct backup_parts *bp,
				    struct od_err *err)
{
	uint8_t digest[32];
	struct user_record u;
	struct sigkey_pub *p = NULL;
	enum od_code rc;

	rc = store_user_get(s, bp->signer, &u, err);
	if (rc == OD_OK &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, data, bp->signed_len,
			     digest) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot hash the backup");
	if (rc == OD_OK)
		rc = sigkey_pub_new(u.pubkey, &p, err);
	if (rc == OD_OK)
		rc = sigkey_pub_verify(p, digest, sizeof digest, bp->sig, err);
	sigkey_pub_free(p);
	if (rc != OD_OK)
		return od_err_set(err, OD_E_TAMPERED,
				  "the backup's signature by %s does not "
				  "check; use another copy", bp->signer);
	return OD_OK;
}

/*
 * Removes what writing base may leave when killed: base, base.part
 * (file_write_atomic), base-wal, base-shm (SQLite) and base-head (the
 * store's head record).  These exact names
 * only: they are this program's.
 */
static void remove_tmp(const char *base)
{
	char *part = NULL;

	unlink(base);
	file_remove_db_companions(base);
	store_head_remove(base);
	if (asprintf(&part, "%s.part", base) >= 0) {
		unlink(part);
		free(part);
	}
}

/*
 * Starts the copy a backup reads in the store directory (0700), under one
 * name whatever file the backup goes to, so that the next backup finds and
 * removes what a killed one left.  An flock on the directory, in *dir_fd,
 * keeps two backups off it; the file is made new, 0600, never via a link.
 */
static enum od_code snapshot_start(struct shop *sh, char **snap, int *dir_fd,
				   struct od_err *err)
{
	*dir_fd = open(sh->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dir_fd < 0)
		return od_err_set(err, OD_E_IO, "cannot open %s: %s", sh->dir,
				  strerror(errno));
	if (flock(*dir_fd, LOCK_EX | LOCK_NB) != 0)
		return od_err_set(err, OD_E_BUSY, "another backup of this store"
				  " is running; try again when it is done");
	if (asprintf(snap, "%s/%s", sh->dir, SNAPSHOT_FILE) < 0) {
		*snap = NULL;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	remove_tmp(*snap);
	return file_write_new(*snap, "", 0, err);
}

/*
 * Detaches the database at path (a snapshot or a restored copy, checked)
 * from its backend in one transaction (sync_key_detach): a backup is no
 * credential for the backend.  Its log does not change, so the head
 * record stays true.
 */
static enum od_code detach_copy(const char *path,
				const uint8_t key[KEYSLOT_KEY_LEN],
				struct od_err *err)
{
	struct store *s = NULL;
	enum od_code rc = store_open(path, key, &s, err);

	if (rc == OD_OK)
		rc = store_begin(s, err);
	if (rc == OD_OK) {
		rc = sync_key_detach(s, err);
		if (rc == OD_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	/* Closing checkpoints the WAL into the file that is read next. */
	store_close(s);
	return rc;
}

/*
 * Lays out the backup in out: the header, the slots, the token URIs, the
 * database, the signer's signature over all that, and the data key's MAC
 * over it all.
 */
static enum od_code assemble(struct shop *sh, const struct buf *slots,
			     const struct buf *tokens, const struct buf *db,
			     struct buf *out, struct od_err *err)
{
	uint8_t digest[32], sig[SIG_LEN], mac[MAC_LEN];
	enum od_code rc;

	rc = buf_addf(out, err, "%ssigner: %s\n", BACKUP_MAGIC, sh->user);
	if (rc == OD_OK)
		rc = put_be(out, slots->len, 4, err);
	if (rc == OD_OK)
		rc = buf_add(out, slots->data, slots->len, err);
	if (rc == OD_OK)
		rc = put_be(out, tokens->len, 4, err);
	if (rc == OD_OK)
		rc = buf_add(out, tokens->data, tokens->len, err);
	if (rc == OD_OK)
		rc = put_be(out, db->len, 8, err);
	if (rc == OD_OK)
		rc = buf_add(out, db->data, db->len, err);
	if (rc == OD_OK &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, out->data, out->len, digest) < 0)
		rc = od_err_set(err, OD_E_CRYPTO, "cannot hash the backup");
	if (rc == OD_OK)
		rc = sigkey_sign(sh->key, digest, sizeof digest, sig, err);
	if (rc == OD_OK)
		rc = buf_add(out, sig, sizeof sig, err);
	if (rc == OD_OK)
		rc = backup_mac(sh->data_key, out->data, out->len, mac, err);
	if (rc == OD_OK)
		rc = buf_add(out, mac, sizeof mac, err);
	return rc;
}

enum od_code backup_write(struct shop *sh, const char *path,
			  long long *bytes, struct od_err *err)
{
	struct buf out, slots, tokens, db, back;
	struct backup_parts bp;
	char *snap = NULL, *tpath = NULL;
	enum od_code rc;
	int dir_fd = -1, wrote = 0;

	buf_init(&out, (size_t)BACKUP_MAX_BYTES);
	buf_init(&slots, 1 << 20);
	buf_init(&tokens, TOKENKEYS_MAX);
	buf_init(&db, (size_t)BACKUP_MAX_BYTES);
	buf_init(&back, (size_t)BACKUP_MAX_BYTES);
	rc = snapshot_start(sh, &snap, &dir_fd, err);
	if (rc == OD_OK && asprintf(&tpath, "%s/%s", sh->dir,
				    KEYSLOT_TOKEN_FILE) < 0) {
		tpath = NULL;
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	/* A consistent copy: the backup API reads one snapshot. */
	if (rc == OD_OK)
		rc = store_copy_to(sh->store, snap, sh->data_key, err);
	/* Not the desk's TLS key, nor its backend: a restore must join. */
	if (rc == OD_OK)
		rc = store_head_adopt(snap, sh->data_key, err);
	if (rc == OD_OK)
		rc = detach_copy(snap, sh->data_key, err);
	if (rc == OD_OK)
		rc = slurp(snap, BACKUP_MAX_BYTES, &db, err);
	if (rc == OD_OK)
		rc = slurp(sh->slots_path, 1 << 20, &slots, err);
	/* Nobody here on a token: no file, nothing to keep. */
	if (rc == OD_OK && (rc = slurp(tpath, TOKENKEYS_MAX, &tokens,
				       err)) == OD_E_NOTFOUND)
		rc = OD_OK;
	if (rc == OD_OK)
		rc = assemble(sh, &slots, &tokens, &db, &out, err);
	if (rc == OD_OK) {
		rc = file_write_atomic(path, out.data, out.len, err);
		wrote = rc == OD_OK;
	}
	/* Read back what reached the disk and check it. */
	if (rc == OD_OK)
		rc = slurp(path, BACKUP_MAX_BYTES, &back, err);
	if (rc == OD_OK && (back.len != out.len ||
			    memcmp(back.data, out.data, out.len) != 0))
		rc = od_err_set(err, OD_E_IO, "the backup read back differs "
				"from what was written; check the disk");
	if (rc == OD_OK)
		rc = backup_parse(back.data, back.len, &bp, err);
	if (rc == OD_OK)
		rc = check_mac(back.data, &bp, sh->data_key, err);
	if (rc == OD_OK)
		rc = check_signature(sh->store, back.data, &bp, err);
	if (rc == OD_OK)
		*bytes = (long long)back.len;
	else if (wrote)  /* never an older file this run did not write */
		unlink(path);
	if (snap != NULL) {
		remove_tmp(snap);
		free(snap);
	}
	if (dir_fd >= 0)
		close(dir_fd);
	free(tpath);
	buf_free(&out);
	buf_free(&slots);
	buf_free(&tokens);
	buf_free(&db);
	buf_free(&back);
	return rc;
}

/* Joins dir and name into a new string. */
static char *join(const char *dir, const char *name)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Checks the restored parts in place (still under temporary names). */
static enum od_code check_restored(const char *data,
				   const struct backup_parts *bp,
				   const char *slots_tmp, const char *db_tmp,
				   const char *user, const char *pass,
				   size_t pass_len, struct od_err *err)
{
	uint8_t key[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf = NULL;
	struct store *s = NULL;
	struct ledger_report rep;
	unsigned long pages;
	enum od_code rc;

	rc = keyslot_load(slots_tmp, &kf, err);
	if (rc == OD_OK)
		rc = keyslot_unlock(kf, user, pass, pass_len, key, seed, err);
	secret_wipe(seed, sizeof seed);
	if (rc == OD_OK)
		rc = check_mac(data, bp, key, err);
	if (rc == OD_OK)
		rc = vfs_crypt_verify_file(db_tmp, key, &pages, err);
	/* The restored log is how far this store got from now on. */
	if (rc == OD_OK)
		rc = store_head_adopt(db_tmp, key, err);
	if (rc == OD_OK)
		rc = store_open(db_tmp, key, &s, err);
	if (rc == OD_OK)
		rc = store_integrity_check(s, err);
	if (rc == OD_OK)
		rc = ledger_verify(s, &rep, err);
	if (rc == OD_OK)
		rc = check_signature(s, data, bp, err);
	store_close(s);
	/* A backup made before backups left it out still has the key. */
	if (rc == OD_OK)
		rc = detach_copy(db_tmp, key, err);
	keyslot_free(kf);
	secret_wipe(key, sizeof key);
	return rc;
}

/*
 * Puts back the backup's token URIs (keyslot-token.h), before the slots
 * make dir a shop: a person whose key is on a token signs with it at the
 * restored desk as before, without naming it again.  None: nothing.
 */
static enum od_code restore_tokens(const char *dir,
				   const struct backup_parts *bp,
				   struct od_err *err)
{
	char *path;
	enum od_code rc;

	if (bp->tokenkeys_len == 0)
		return OD_OK;
	path = join(dir, KEYSLOT_TOKEN_FILE);
	if (path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = file_write_atomic(path, bp->tokenkeys, bp->tokenkeys_len, err);
	free(path);
	return rc;
}

enum od_code backup_restore(const char *dir, const char *path,
			    const char *user, const char *pass,
			    size_t pass_len, struct od_err *err)
{
	char *slots = join(dir, SHOP_SLOTS_FILE);
	char *db = join(dir, SHOP_DB_FILE);
	char *slots_tmp = join(dir, SHOP_SLOTS_FILE ".restore");
	char *db_tmp = join(dir, SHOP_DB_FILE ".restore");
	struct backup_parts bp;
	struct buf data;
	struct stat sb;
	enum od_code rc = OD_OK;
	int lock_fd = -1;

	buf_init(&data, (size_t)BACKUP_MAX_BYTES);
	if (!slots || !db || !slots_tmp || !db_tmp) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	/* Nobody else may be making or using a shop here meanwhile. */
	rc = shop_lock_dir(dir, &lock_fd, err);
	if (rc != OD_OK)
		goto out;
	/* What a killed restore left (under the lock, so none is running). */
	remove_tmp(slots_tmp);
	remove_tmp(db_tmp);
	if (lstat(slots, &sb) == 0) {
		rc = od_err_set(err, OD_E_EXISTS,
				"%s already holds a shop; restore into an empty"
				" --store DIR", dir);
		goto out;
	}
	rc = slurp(path, BACKUP_MAX_BYTES, &data, err);
	if (rc == OD_OK)
		rc = backup_parse(data.data, data.len, &bp, err);
	if (rc == OD_OK)
		rc = file_write_atomic(slots_tmp, bp.slots, bp.slots_len, err);
	if (rc == OD_OK)
		rc = file_write_atomic(db_tmp, bp.db, bp.db_len, err);
	if (rc == OD_OK)
		rc = check_restored(data.data, &bp, slots_tmp, db_tmp, user,
				    pass, pass_len, err);
	/*
	 * The database first: key slots are what make a directory a shop.
	 * A leftover WAL of an earlier database must not meet the new one.
	 */
	if (rc == OD_OK) {
		file_remove_db_companions(db);
		rc = store_head_rename(db_tmp, db, err);
	}
	if (rc == OD_OK) {
		if (rename(db_tmp, db) != 0 || file_sync_dir(dir) != 0)
			rc = od_err_set(err, OD_E_IO, "cannot restore into "
					"%s: %s", dir, strerror(errno));
	}
	if (rc == OD_OK)
		rc = restore_tokens(dir, &bp, err);
	if (rc == OD_OK && (rename(slots_tmp, slots) != 0 || file_sync_dir(dir)))
		rc = od_err_set(err, OD_E_IO, "cannot restore into %s: %s",
				dir, strerror(errno));
out:
	if (rc != OD_OK && lock_fd >= 0) {
		remove_tmp(slots_tmp);
		remove_tmp(db_tmp);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	buf_free(&data);
	free(slots);
	free(db);
	free(slots_tmp);
	free(db_tmp);
	return rc;
}
