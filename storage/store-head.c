/* store-head.c - the sealed record of how far a store's log got. */
#include "storage/store-head.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-internal.h"
#include "storage/vfs-crypt.h"

/*
 * The file: magic (also the associated data), nonce, then the sealed seq
 * (8 bytes, big-endian) and hash (32), then the GCM tag.
 */
#define HEAD_MAGIC     "odhead1\n"
#define HEAD_MAGIC_LEN 8
#define HEAD_NONCE_LEN 12
#define HEAD_PLAIN_LEN (8 + 32)
#define HEAD_TAG_LEN   16
#define HEAD_FILE_LEN  (HEAD_MAGIC_LEN + HEAD_NONCE_LEN + HEAD_PLAIN_LEN + \
			HEAD_TAG_LEN)

static const char head_label[] = "orderdesk-store-head/1";
/* In the database: "this store has a record", so a deleted one is seen. */
static const char head_flag[] = "head.record";
static const char hash_at_sql[] = "SELECT hash FROM log WHERE seq = ?1";
static const char head_raw_sql[] =
	"SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1";

/* What every "the store went back" message ends with. */
#define HEAD_WHAT_TO_DO "restore the latest backup with `orderdesk restore`" \
	", or join this desk to the backend again"

/* The sealing key: HKDF-SHA256 of the data key with the record's label. */
static enum od_code head_key(const uint8_t data_key[STORE_KEY_LEN],
			     uint8_t out[32], struct od_err *err)
{
	uint8_t prk[32];
	gnutls_datum_t key = { (unsigned char *)data_key, STORE_KEY_LEN };
	gnutls_datum_t salt = { NULL, 0 };
	gnutls_datum_t info = { (unsigned char *)head_label,
				sizeof head_label - 1 };
	gnutls_datum_t prk_d = { prk, sizeof prk };
	int rc;

	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &key, &salt, prk);
	if (rc >= 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &prk_d, &info, out,
					32);
	secret_wipe(prk, sizeof prk);
	if (rc < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot derive the log "
				  "record's key: %s", gnutls_strerror(rc));
	return OD_OK;
}

/* The record's file name for the database at path (the caller's). */
static char *head_path(const char *path)
{
	char *p = NULL;

	return asprintf(&p, "%s%s", path, STORE_HEAD_SUFFIX) < 0 ? NULL : p;
}

/* Seals (seq, hash) under key and writes it over file, atomically. */
static enum od_code head_write(const char *file, const uint8_t key[32],
			       long long seq, const uint8_t hash[32],
			       struct od_err *err)
{
	unsigned char out[HEAD_FILE_LEN], plain[HEAD_PLAIN_LEN];
	unsigned char *nonce = out + HEAD_MAGIC_LEN;
	size_t ct_len = HEAD_PLAIN_LEN + HEAD_TAG_LEN;
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	char *tmp = NULL;
	enum od_code rc = OD_OK;
	int fd = -1, e = 0, i;

	memcpy(out, HEAD_MAGIC, HEAD_MAGIC_LEN);
	for (i = 0; i < 8; i++)
		plain[i] = (unsigned char)((unsigned long long)seq >>
					   (8 * (7 - i)));
	memcpy(plain + 8, hash, 32);
	if (gnutls_rnd(GNUTLS_RND_NONCE, nonce, HEAD_NONCE_LEN) < 0 ||
	    gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) < 0 ||
	    gnutls_aead_cipher_encrypt(h, nonce, HEAD_NONCE_LEN, out,
				       HEAD_MAGIC_LEN, HEAD_TAG_LEN, plain,
				       sizeof plain, nonce + HEAD_NONCE_LEN,
				       &ct_len) < 0) {
		rc = od_err_set(err, OD_E_CRYPTO, "cannot seal the log record");
		goto out;
	}
	/* A name of its own: two openers catching the record up may race. */
	if (asprintf(&tmp, "%s.XXXXXX", file) < 0) {
		tmp = NULL;
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		e = errno;
	if (e == 0 && fchmod(fd, 0600) != 0)
		e = errno;
	if (e == 0)
		e = file_write_all(fd, out, sizeof out);
	/*
	 * The file's own fsync only: the directory is not synced, as a rename
	 * lost to a power cut leaves the older record, which is never wrong.
	 */
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (fd >= 0 && close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, file) != 0)
		e = errno;
	if (e != 0) {
		if (fd >= 0)
			unlink(tmp);
		rc = od_err_set(err, e == ENOSPC ? OD_E_NOSPACE : OD_E_IO,
				"cannot write %s: %s", file, strerror(e));
	}
out:
	if (h != NULL)
		gnutls_aead_cipher_deinit(h);
	secret_wipe(plain, sizeof plain);
	free(tmp);
	return rc;
}

/* Reads and opens the record in file: OD_E_NOTFOUND when there is none. */
static enum od_code head_read(const char *file, const uint8_t key[32],
			      long long *seq, uint8_t hash[32],
			      struct od_err *err)
{
	unsigned char in[HEAD_FILE_LEN + 1], plain[HEAD_PLAIN_LEN];
	size_t plain_len = sizeof plain;
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	ssize_t n;
	int fd, i, ok;

	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return od_err_set(err, OD_E_NOTFOUND, "no %s", file);
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", file,
				  strerror(errno));
	do
		n = read(fd, in, sizeof in);
	while (n < 0 && errno == EINTR);
	close(fd);
	ok = n == HEAD_FILE_LEN &&
	     memcmp(in, HEAD_MAGIC, HEAD_MAGIC_LEN) == 0 &&
	     gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) >= 0 &&
	     gnutls_aead_cipher_decrypt(h, in + HEAD_MAGIC_LEN, HEAD_NONCE_LEN,
					in, HEAD_MAGIC_LEN, HEAD_TAG_LEN,
					in + HEAD_MAGIC_LEN + HEAD_NONCE_LEN,
					HEAD_PLAIN_LEN + HEAD_TAG_LEN, plain,
					&plain_len) >= 0 &&
	     plain_len == HEAD_PLAIN_LEN;
	if (h != NULL)
		gnutls_aead_cipher_deinit(h);
	if (!ok)
		return od_err_set(err, OD_E_TAMPERED, "the store's record of "
				  "how far its log got (%s) is damaged; "
				  HEAD_WHAT_TO_DO, file);
	*seq = 0;
	for (i = 0; i < 8; i++)
		*seq = (long long)(((unsigned long long)*seq << 8) | plain[i]);
	memcpy(hash, plain + 8, 32);
	return OD_OK;
}

/* Writes the record for (seq, hash) and remembers it. */
static enum od_code head_set(struct store *s, long long seq,
			     const uint8_t hash[32], struct od_err *err)
{
	enum od_code rc = head_write(s->head.path, s->head.key, seq, hash,
				     err);

	if (rc == OD_OK) {
		s->head.seq = seq;
		memcpy(s->head.hash, hash, 32);
	}
	return rc;
}

/* The hash of the entry at seq: OD_E_NOTFOUND when the log has none. */
static enum od_code hash_at(struct store *s, long long seq, uint8_t hash[32],
			    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, hash_at_sql, err);
	enum od_code rc = OD_OK;
	int src;

	memset(hash, 0, 32);
	if (seq == 0)
		return OD_OK;
	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, seq);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(hash, sqlite3_column_blob(st, 0), 32);
	else if (src == SQLITE_ROW || src == SQLITE_DONE)
		rc = od_err_set(err, OD_E_NOTFOUND, "no entry %lld", seq);
	else
		rc = store_fail(s, src, "reading the log", err);
	sqlite3_reset(st);
	return rc;
}

/* Records in the database that it has a record (once). */
static enum od_code set_flag(struct store *s, struct od_err *err)
{
	enum od_code rc = store_begin(s, err);

	if (rc != OD_OK)
		return rc;
	rc = store_meta_set(s, head_flag, "1", err);
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* Checks the log against the record (seq, hash) read from the file. */
static enum od_code head_check(struct store *s, long long seq,
			       const uint8_t hash[32], struct od_err *err)
{
	uint8_t got[32];
	enum od_code rc = hash_at(s, seq, got, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_TAMPERED, "the store went back: "
				  "its log lacks entry %lld, which it had "
				  "(a damaged WAL or an older copy of the "
				  "database); " HEAD_WHAT_TO_DO, seq);
	if (rc != OD_OK)
		return rc;
	if (gnutls_memcmp(got, hash, 32) != 0)
		return od_err_set(err, OD_E_TAMPERED, "the store went back: "
				  "its log differs at entry %lld from what it "
				  "had (an older or other copy of the "
				  "database); " HEAD_WHAT_TO_DO, seq);
	return OD_OK;
}

enum od_code store_head_start(struct store *s, const char *path,
			      const uint8_t key[STORE_KEY_LEN], int create,
			      struct od_err *err)
{
	uint8_t hash[32] = { 0 }, now_hash[32];
	long long seq = 0, now_seq;
	char *flag = NULL;
	int fresh = create, need_flag = create;
	enum od_code rc;

	s->head.path = head_path(path);
	if (s->head.path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = head_key(key, s->head.key, err);
	/* The record first, then the log: a commit in between only adds. */
	if (rc == OD_OK && !create) {
		rc = head_read(s->head.path, s->head.key, &seq, hash, err);
		if (rc == OD_OK)
			rc = head_check(s, seq, hash, err);
		else if (rc == OD_E_NOTFOUND) {
			rc = OD_OK;
			fresh = 1;
		}
	}
	if (rc == OD_OK && !create) {
		rc = store_meta_get(s, head_flag, &flag, err);
		free(flag);
		if (rc == OD_OK && fresh)
			return od_err_set(err, OD_E_TAMPERED, "the store's "
					  "record of how far its log got (%s) "
					  "is missing; " HEAD_WHAT_TO_DO,
					  s->head.path);
		/* Made before records: its protection starts now. */
		if (rc == OD_E_NOTFOUND) {
			rc = OD_OK;
			need_flag = 1;
		}
	}
	if (rc == OD_OK)
		rc = store_log_head(s, &now_seq, now_hash, err);
	if (rc != OD_OK)
		return rc;
	/* Ahead of the record: a crash between a commit and its record. */
	if (fresh || seq != now_seq || memcmp(hash, now_hash, 32) != 0) {
		rc = head_set(s, now_seq, now_hash, err);
	} else {
		s->head.seq = seq;
		memcpy(s->head.hash, hash, 32);
	}
	/* The record before the flag: a crash between leaves no false alarm. */
	if (rc == OD_OK && need_flag)
		rc = set_flag(s, err);
	return rc;
}

void store_head_end(struct store *s)
{
	secret_wipe(s->head.key, sizeof s->head.key);
	free(s->head.path);
	s->head.path = NULL;
}

int store_head_mark(struct store *s, long long *seq, uint8_t hash[32])
{
	struct od_err ignored;

	if (s->head.path == NULL || s->head.lazy ||
	    store_log_head(s, seq, hash, &ignored) != OD_OK)
		return 0;
	return *seq != s->head.seq || memcmp(hash, s->head.hash, 32) != 0;
}

void store_head_advance(struct store *s, long long seq,
			const uint8_t hash[32])
{
	struct od_err ignored;

	/*
	 * The commit stands either way: a record that failed to follow is
	 * behind, which is never taken for damage; the next commit or open
	 * writes it again.
	 */
	head_set(s, seq, hash, &ignored);
}

enum od_code store_head_lower(struct store *s, long long seq,
			      struct od_err *err)
{
	uint8_t hash[32];
	enum od_code rc;

	if (s->head.path == NULL)
		return OD_OK;
	if (seq > s->head.seq)
		seq = s->head.seq;
	rc = hash_at(s, seq, hash, err);
	if (rc == OD_OK)
		rc = head_set(s, seq, hash, err);
	return rc;
}

enum od_code store_head_adopt(const char *path,
			      const uint8_t key[STORE_KEY_LEN],
			      struct od_err *err)
{
	uint8_t k[32], hash[32] = { 0 };
	long long seq = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *file = head_path(path);
	enum od_code rc;
	int src;

	if (file == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = head_key(key, k, err);
	if (rc == OD_OK)
		rc = vfs_crypt_open(path, key, 0, &db, err);
	if (rc != OD_OK)
		goto out;
	src = sqlite3_prepare_v2(db, head_raw_sql, -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		seq = sqlite3_column_int64(st, 0);
		memcpy(hash, sqlite3_column_blob(st, 1), 32);
	} else if (src != SQLITE_DONE) {
		rc = vfs_crypt_error(src == SQLITE_ROW ? SQLITE_CORRUPT : src,
				     "reading the log", err);
	}
	sqlite3_finalize(st);
	if (rc == OD_OK)
		rc = head_write(file, k, seq, hash, err);
out:
	sqlite3_close(db);
	secret_wipe(k, sizeof k);
	free(file);
	return rc;
}

enum od_code store_head_rename(const char *from, const char *to,
			       struct od_err *err)
{
	char *a = head_path(from), *b = head_path(to);
	enum od_code rc = OD_OK;

	if (a == NULL || b == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	else if (rename(a, b) != 0 && errno != ENOENT)
		rc = od_err_set(err, OD_E_IO, "cannot move %s: %s", a,
				strerror(errno));
	free(a);
	free(b);
	return rc;
}

void store_head_remove(const char *path)
{
	char *p = head_path(path);

	if (p != NULL)
		unlink(p);
	free(p);
}
