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
 * The file holds two slots, at offsets 0 and 512 (apart on disk sectors),
 * each: magic (also the associated data), nonce, then sealed a generation,
 * the seq (8 bytes each, big-endian) and the hash (32), then the GCM tag.
 * The newest generation that authenticates is the record.  An update
 * overwrites the other slot in place and syncs it (fdatasync of a block
 * already there: about one bare fsync); were that write torn, its slot
 * fails its tag and the one before it, never ahead of the log, stands.
 * Making a whole new file (temporary file, fsync, rename) costs several
 * fsyncs on ext4, more than a durable confirm may spend; only a new record
 * is made that way.
 */
#define HEAD_MAGIC     "odhead2\n"
#define HEAD_MAGIC_LEN 8
#define HEAD_NONCE_LEN 12
#define HEAD_PLAIN_LEN (8 + 8 + 32)
#define HEAD_TAG_LEN   16
#define HEAD_SLOT_LEN  (HEAD_MAGIC_LEN + HEAD_NONCE_LEN + HEAD_PLAIN_LEN + \
			HEAD_TAG_LEN)
#define HEAD_SLOT_AT   512
#define HEAD_FILE_LEN  (2 * HEAD_SLOT_AT)

static const char head_label[] = "orderdesk-store-head/1";
/* In the database: "this store has a record", so a deleted one is seen. */
static const char head_flag[] = "head.record";
/*
 * Its own SQL on the connection, not store.c's or store-log.c's helpers:
 * those call this file at every commit, and a circle of calls between
 * files is one nobody can read alone.
 */
static const char hash_at_sql[] = "SELECT hash FROM log WHERE seq = ?1";
static const char head_raw_sql[] =
	"SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1";
static const char flag_get_sql[] = "SELECT 1 FROM meta WHERE key = ?1";
static const char flag_set_sql[] =
	"INSERT INTO meta(key, value) VALUES(?1, '1') "
	"ON CONFLICT(key) DO UPDATE SET value = excluded.value";

/*
 * What every "the store went back" message ends with: the restore that
 * works (into an empty directory: restore refuses one holding a shop), in
 * full, as the messages must fit an od_err (the file's name, not path).
 */
#define HEAD_WHAT_TO_DO "restore the latest backup with `orderdesk " \
	"--store NEW_DIR --user NAME restore FILE` and use NEW_DIR, or join " \
	"a new desk to the backend"

/* One record: which write it was, and the log's head then. */
struct head_rec {
	unsigned long long gen;
	long long seq;
	uint8_t hash[32];
};

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

/* Puts v big-endian into 8 bytes at p; be_get reads it back. */
static void be_put(unsigned char *p, unsigned long long v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * (7 - i)));
}

static unsigned long long be_get(const unsigned char *p)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Seals r into one slot's bytes; 0 on success. */
static int slot_seal(const uint8_t key[32], const struct head_rec *r,
		     unsigned char out[HEAD_SLOT_LEN])
{
	unsigned char plain[HEAD_PLAIN_LEN], *nonce = out + HEAD_MAGIC_LEN;
	size_t ct_len = HEAD_PLAIN_LEN + HEAD_TAG_LEN;
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	int ok;

	memcpy(out, HEAD_MAGIC, HEAD_MAGIC_LEN);
	be_put(plain, r->gen);
	be_put(plain + 8, (unsigned long long)r->seq);
	memcpy(plain + 16, r->hash, 32);
	ok = gnutls_rnd(GNUTLS_RND_NONCE, nonce, HEAD_NONCE_LEN) >= 0 &&
	     gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) >= 0 &&
	     gnutls_aead_cipher_encrypt(h, nonce, HEAD_NONCE_LEN, out,
					HEAD_MAGIC_LEN, HEAD_TAG_LEN, plain,
					sizeof plain, nonce + HEAD_NONCE_LEN,
					&ct_len) >= 0;
	if (h != NULL)
		gnutls_aead_cipher_deinit(h);
	secret_wipe(plain, sizeof plain);
	return ok ? 0 : -1;
}

/* Opens one slot's bytes into r; 0 when it authenticates. */
static int slot_open(const uint8_t key[32], const unsigned char *in,
		     struct head_rec *r)
{
	unsigned char plain[HEAD_PLAIN_LEN];
	size_t plain_len = sizeof plain;
	gnutls_aead_cipher_hd_t h = NULL;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	int ok;

	ok = memcmp(in, HEAD_MAGIC, HEAD_MAGIC_LEN) == 0 &&
	     gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) >= 0 &&
	     gnutls_aead_cipher_decrypt(h, in + HEAD_MAGIC_LEN, HEAD_NONCE_LEN,
					in, HEAD_MAGIC_LEN, HEAD_TAG_LEN,
					in + HEAD_MAGIC_LEN + HEAD_NONCE_LEN,
					HEAD_PLAIN_LEN + HEAD_TAG_LEN, plain,
					&plain_len) >= 0 &&
	     plain_len == HEAD_PLAIN_LEN;
	if (h != NULL)
		gnutls_aead_cipher_deinit(h);
	if (ok) {
		r->gen = be_get(plain);
		r->seq = (long long)be_get(plain + 8);
		memcpy(r->hash, plain + 16, 32);
	}
	return ok ? 0 : -1;
}

/* The file's newest authentic slot into r, and its index into *slot. */
static int file_newest(const uint8_t key[32],
		       const unsigned char in[HEAD_FILE_LEN],
		       struct head_rec *r, int *slot)
{
	struct head_rec c;
	int i, found = 0;

	for (i = 0; i < 2; i++) {
		if (slot_open(key, in + i * HEAD_SLOT_AT, &c) != 0 ||
		    (found && c.gen <= r->gen))
			continue;
		*r = c;
		*slot = i;
		found = 1;
	}
	return found ? 0 : -1;
}

/* Turns an errno from writing file into an od_code and a message. */
static enum od_code head_io_fail(const char *file, int e, struct od_err *err)
{
	return od_err_set(err, e == ENOSPC || e == EDQUOT ? OD_E_NOSPACE
							  : OD_E_IO,
			  "cannot write %s: %s", file, strerror(e));
}

/*
 * Makes a new record file holding (seq, hash) and puts it in place
 * atomically: a temporary file of its own (two openers catching a record
 * up may race), fsync, rename over file.  The directory is not synced: a
 * rename lost to a power cut leaves the older record, never ahead.
 */
static enum od_code head_create(const char *file, const uint8_t key[32],
				long long seq, const uint8_t hash[32],
				struct od_err *err)
{
	unsigned char out[HEAD_FILE_LEN];
	struct head_rec r = { .gen = 1, .seq = seq };
	char *tmp = NULL;
	int fd, e = 0;

	memset(out, 0, sizeof out);
	memcpy(r.hash, hash, 32);
	if (slot_seal(key, &r, out) != 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot seal the log "
				  "record");
	if (asprintf(&tmp, "%s.XXXXXX", file) < 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* mkostemp makes it 0600. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	e = file_write_all(fd, out, sizeof out);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, file) != 0)
		e = errno;
	if (e != 0)
		unlink(tmp);
out:
	free(tmp);
	return e == 0 ? OD_OK : head_io_fail(file, e, err);
}

/* The file's name without its directory, for a message that must fit. */
static const char *base(const char *file)
{
	const char *p = strrchr(file, '/');

	return p != NULL ? p + 1 : file;
}

/*
 * A record no slot of which authenticates (or of the wrong size): the
 * database may be intact, but that it did not go back cannot be shown.
 * No way to take the database as it is (re-adopt the record) is offered:
 * garbling the record is what one who put an older copy in place would do
 * next, and a full verify passes on an older copy as well.
 */
static enum od_code head_damaged(const char *file, struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED, "the store's head record (%s) "
			  "is damaged: whether the store went back cannot be "
			  "told; " HEAD_WHAT_TO_DO, base(file));
}

/*
 * Reads the record in file into r: OD_E_NOTFOUND when there is none,
 * OD_E_TAMPERED when no slot authenticates.
 */
static enum od_code head_read(const char *file, const uint8_t key[32],
			      struct head_rec *r, struct od_err *err)
{
	unsigned char in[HEAD_FILE_LEN + 1];
	ssize_t n;
	int fd, slot;

	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return od_err_set(err, OD_E_NOTFOUND, "no %s", file);
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot read %s: %s", file,
				  strerror(errno));
	do
		n = pread(fd, in, sizeof in, 0);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n != HEAD_FILE_LEN || file_newest(key, in, r, &slot) != 0)
		return head_damaged(file, err);
	return OD_OK;
}

/*
 * Writes (seq, hash) over the older slot of the record in file, in place,
 * and syncs it.  The file's newest generation is read first, so writers
 * that take turns (the shop's lock) always write a newer one.
 */
static enum od_code head_update(const char *file, const uint8_t key[32],
				long long seq, const uint8_t hash[32],
				struct od_err *err)
{
	unsigned char buf[HEAD_FILE_LEN];
	struct head_rec r;
	ssize_t n;
	int fd, slot = 0, e = 0;

	fd = open(file, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return head_io_fail(file, errno, err);
	do
		n = pread(fd, buf, sizeof buf, 0);
	while (n < 0 && errno == EINTR);
	if (n != HEAD_FILE_LEN || file_newest(key, buf, &r, &slot) != 0) {
		close(fd);
		return head_damaged(file, err);
	}
	r.gen++;
	r.seq = seq;
	memcpy(r.hash, hash, 32);
	slot = 1 - slot;
	if (slot_seal(key, &r, buf) != 0) {
		close(fd);
		return od_err_set(err, OD_E_CRYPTO, "cannot seal the log "
				  "record");
	}
	do
		n = pwrite(fd, buf, HEAD_SLOT_LEN, slot * HEAD_SLOT_AT);
	while (n < 0 && errno == EINTR);
	if (n != HEAD_SLOT_LEN)
		e = n < 0 ? errno : EIO;
	if (e == 0 && fdatasync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	return e == 0 ? OD_OK : head_io_fail(file, e, err);
}

/* Writes the record for (seq, hash) and remembers it. */
static enum od_code head_set(struct store *s, long long seq,
			     const uint8_t hash[32], struct od_err *err)
{
	enum od_code rc = head_update(s->head.path, s->head.key, seq, hash,
				      err);

	if (rc == OD_OK) {
		s->head.seq = seq;
		memcpy(s->head.hash, hash, 32);
	}
	return rc;
}

/*
 * Reads the log's last seq and hash with st (head_raw_sql): 0 and zeros
 * for an empty log.
 */
static enum od_code log_head(sqlite3_stmt *st, long long *seq,
			     uint8_t hash[32], struct od_err *err)
{
	enum od_code rc = OD_OK;
	int src = sqlite3_step(st);

	*seq = 0;
	memset(hash, 0, 32);
	if (src == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(hash, sqlite3_column_blob(st, 1), 32);
		else
			rc = od_err_set(err, OD_E_TAMPERED, "log entry %lld "
					"has a malformed hash; the store is "
					"damaged", *seq);
	} else if (src != SQLITE_DONE) {
		rc = vfs_crypt_error(src, "reading the log", err);
	}
	sqlite3_reset(st);
	return rc;
}

/* The store's statement for log_head, prepared once (NULL on error). */
static sqlite3_stmt *head_stmt(struct store *s, struct od_err *err)
{
	int src;

	if (s->head.head_st != NULL)
		return s->head.head_st;
	src = sqlite3_prepare_v3(s->db, head_raw_sql, -1,
				 SQLITE_PREPARE_PERSISTENT, &s->head.head_st,
				 NULL);
	if (src != SQLITE_OK) {
		vfs_crypt_error(src, "reading the log", err);
		s->head.head_st = NULL;
	}
	return s->head.head_st;
}

/*
 * Runs sql (one statement, ?1 bound to key or, when key is NULL, to seq)
 * once; *row says whether it gave a row, and out (unless NULL) gets its
 * first column, which must then be a 32-byte blob for *row to be 1.
 */
static enum od_code run_one(struct store *s, const char *sql,
			    const char *key, long long seq, int *row,
			    uint8_t out[32], struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	*row = 0;
	if (src == SQLITE_OK) {
		if (key != NULL)
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 1, seq);
		src = sqlite3_step(st);
	}
	if (src == SQLITE_ROW) {
		*row = out == NULL || sqlite3_column_bytes(st, 0) == 32;
		if (out != NULL && *row)
			memcpy(out, sqlite3_column_blob(st, 0), 32);
		src = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? OD_OK
				  : vfs_crypt_error(src, "reading the store",
						    err);
}

/* The hash of the entry at seq: OD_E_NOTFOUND when the log has none. */
static enum od_code hash_at(struct store *s, long long seq, uint8_t hash[32],
			    struct od_err *err)
{
	enum od_code rc;
	int row;

	memset(hash, 0, 32);
	if (seq == 0)
		return OD_OK;
	rc = run_one(s, hash_at_sql, NULL, seq, &row, hash, err);
	if (rc == OD_OK && !row)
		rc = od_err_set(err, OD_E_NOTFOUND, "no entry %lld", seq);
	return rc;
}

/*
 * Records in the database that it has a record (once): one statement in
 * a transaction of its own (the store is just opened; none is running).
 */
static enum od_code set_flag(struct store *s, struct od_err *err)
{
	int row;

	return run_one(s, flag_set_sql, head_flag, 0, &row, NULL, err);
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
	struct head_rec r = { 0 };
	sqlite3_stmt *st = NULL;
	uint8_t now_hash[32];
	long long now_seq;
	int fresh = create, need_flag = create, has_flag = 0;
	enum od_code rc;

	s->head.path = head_path(path);
	if (s->head.path == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = head_key(key, s->head.key, err);
	/* The record first, then the log: a commit in between only adds. */
	if (rc == OD_OK && !create) {
		rc = head_read(s->head.path, s->head.key, &r, err);
		if (rc == OD_OK)
			rc = head_check(s, r.seq, r.hash, err);
		else if (rc == OD_E_NOTFOUND) {
			rc = OD_OK;
			fresh = 1;
		}
	}
	if (rc == OD_OK && !create) {
		rc = run_one(s, flag_get_sql, head_flag, 0, &has_flag, NULL,
			     err);
		if (rc == OD_OK && !has_flag)
			rc = OD_E_NOTFOUND;
		if (rc == OD_OK && fresh)
			return od_err_set(err, OD_E_TAMPERED, "the store's "
					  "head record (%s) is missing; "
					  HEAD_WHAT_TO_DO,
					  base(s->head.path));
		/* Made before records: its protection starts now. */
		if (rc == OD_E_NOTFOUND) {
			rc = OD_OK;
			need_flag = 1;
		}
	}
	if (rc == OD_OK)
		st = head_stmt(s, err);
	if (rc == OD_OK && st == NULL)
		rc = err->code;
	if (rc == OD_OK)
		rc = log_head(st, &now_seq, now_hash, err);
	if (rc != OD_OK)
		return rc;
	s->head.seq = r.seq;
	memcpy(s->head.hash, r.hash, 32);
	if (fresh) {
		rc = head_create(s->head.path, s->head.key, now_seq, now_hash,
				 err);
		if (rc == OD_OK) {
			s->head.seq = now_seq;
			memcpy(s->head.hash, now_hash, 32);
		}
	} else if (r.seq != now_seq || memcmp(r.hash, now_hash, 32) != 0) {
		/* Ahead of the record: a crash between a commit and it. */
		rc = head_set(s, now_seq, now_hash, err);
	}
	/* The record before the flag: a crash between leaves no false alarm. */
	if (rc == OD_OK && need_flag)
		rc = set_flag(s, err);
	return rc;
}

void store_head_end(struct store *s)
{
	sqlite3_finalize(s->head.head_st);
	s->head.head_st = NULL;
	secret_wipe(s->head.key, sizeof s->head.key);
	free(s->head.path);
	s->head.path = NULL;
}

int store_head_mark(struct store *s, long long *seq, uint8_t hash[32])
{
	struct od_err ignored;
	sqlite3_stmt *st;

	if (s->head.path == NULL || s->head.lazy)
		return 0;
	st = head_stmt(s, &ignored);
	if (st == NULL || log_head(st, seq, hash, &ignored) != OD_OK)
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
	/* What to put back should the transaction not commit. */
	if (rc == OD_OK && !s->head.lowered) {
		s->head.saved_seq = s->head.seq;
		memcpy(s->head.saved_hash, s->head.hash, 32);
	}
	if (rc == OD_OK)
		rc = head_set(s, seq, hash, err);
	/* Even a failed write may have landed: put it back on rollback. */
	if (rc == OD_OK || rc == OD_E_IO || rc == OD_E_NOSPACE)
		s->head.lowered = 1;
	return rc;
}

void store_head_settle(struct store *s, int committed)
{
	struct od_err ignored;

	if (!s->head.lowered)
		return;
	s->head.lowered = 0;
	/*
	 * Rolled back: the log has its entries again, and a record left
	 * lowered would take an older copy of the database (the one the cut
	 * made look current) until the next commit or open.  Best effort,
	 * as store_head_advance: a record that fails to go back up is only
	 * behind, as it was.
	 */
	if (!committed)
		head_set(s, s->head.saved_seq, s->head.saved_hash, &ignored);
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
		rc = log_head(st, &seq, hash, err);
	else
		rc = vfs_crypt_error(src, "reading the log", err);
	sqlite3_finalize(st);
	if (rc == OD_OK)
		rc = head_create(file, k, seq, hash, err);
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
