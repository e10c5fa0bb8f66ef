/* store-head.c - the sealed record of how far a store's log got. */
#include "storage/store-head.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/secret.h"
#include "storage/store-head-file.h"
#include "storage/store-internal.h"
#include "storage/vfs-crypt.h"

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

/* The record's file name for the database at path (the caller's). */
static char *head_path(const char *path)
{
	char *p = NULL;

	return asprintf(&p, "%s%s", path, STORE_HEAD_SUFFIX) < 0 ? NULL : p;
}

/* Writes the record for (seq, hash) and remembers it. */
static enum od_code head_set(struct store *s, long long seq,
			     const uint8_t hash[32], struct od_err *err)
{
	enum od_code rc = head_file_update(s->head.path, s->head.key, seq,
					   hash, err);

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
	rc = head_file_key(key, s->head.key, err);
	/* The record first, then the log: a commit in between only adds. */
	if (rc == OD_OK && !create) {
		rc = head_file_read(s->head.path, s->head.key, &r, err);
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
					  head_file_base(s->head.path));
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
		rc = head_file_create(s->head.path, s->head.key, now_seq,
				      now_hash, err);
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
	rc = head_file_key(key, k, err);
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
		rc = head_file_create(file, k, seq, hash, err);
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
