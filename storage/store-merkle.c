/* store-merkle.c - the log's Merkle tree: complete subtrees in a table. */
#include "storage/store-merkle.h"

#include <string.h>

#include "storage/store-internal.h"

static const char get_sql[] =
	"SELECT hash FROM merkle WHERE level = ?1 AND idx = ?2";
static const char put_sql[] =
	"INSERT INTO merkle(level, idx, hash) VALUES(?1, ?2, ?3)";
/* The end of level 0 in the key: one seek, not a count. */
static const char size_sql[] =
	"SELECT coalesce(max(idx) + 1, 0) FROM merkle WHERE level = 0";
static const char log_size_sql[] = "SELECT coalesce(max(seq), 0) FROM log";
static const char cut_sql[] =
	"DELETE FROM merkle WHERE level = ?1 AND idx >= ?2";
static const char clear_sql[] = "DELETE FROM merkle";
static const char after_sql[] =
	"SELECT seq, statement, signature FROM log WHERE seq >= ?1"
	" ORDER BY seq";
static const char one_sql[] =
	"SELECT seq, statement, signature FROM log WHERE seq = ?1";

/* Runs SQL text with no results (DDL, or one statement run once). */
static enum od_code exec_sql(struct store *s, const char *sql,
			     const char *what, struct od_err *err)
{
	int src = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? OD_OK : store_fail(s, src, what, err);
}

/* merkle_get_fn over the table: a missing subtree is damage. */
static enum od_code node_get(void *ctx, unsigned level, uint64_t index,
			     uint8_t out[MERKLE_HASH_LEN], struct od_err *err)
{
	struct store *s = ctx;
	sqlite3_stmt *st = store_stmt(s, get_sql, err);
	enum od_code rc = OD_OK;
	int src;

	if (st == NULL)
		return err->code;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(out, sqlite3_column_blob(st, 0), MERKLE_HASH_LEN);
	else if (src == SQLITE_ROW || src == SQLITE_DONE)
		rc = od_err_set(err, OD_E_TAMPERED, "the log's Merkle tree "
				"lacks subtree %u/%llu; the store is damaged: "
				"restore it from a backup", level,
				(unsigned long long)index);
	else
		rc = store_fail(s, src, "reading the log's Merkle tree", err);
	sqlite3_reset(st);
	return rc;
}

/* Writes the hash of subtree (level, index). */
static enum od_code node_put(struct store *s, unsigned level, uint64_t index,
			     const uint8_t hash[MERKLE_HASH_LEN],
			     struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, put_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	sqlite3_bind_blob(st, 3, hash, MERKLE_HASH_LEN, SQLITE_STATIC);
	return store_step_done(s, st, "adding to the log's Merkle tree", err);
}

/* Reads one integer from a cached query without parameters. */
static enum od_code read_count(struct store *s, const char *sql,
			       uint64_t *n, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	int src;

	*n = 0;
	if (st == NULL)
		return err->code;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return store_fail(s, src, "reading the log's Merkle tree", err);
	return OD_OK;
}

enum od_code store_merkle_add(struct store *s, const struct log_record *r,
			      struct od_err *err)
{
	uint64_t index = (uint64_t)r->seq - 1;
	uint8_t h[MERKLE_HASH_LEN], left[MERKLE_HASH_LEN];
	unsigned level = 0;
	enum od_code rc;

	rc = merkle_leaf_hash(r->statement, r->statement_len, r->signature,
			      sizeof r->signature, h, err);
	if (rc == OD_OK)
		rc = node_put(s, 0, index, h, err);
	/* A right child completes its parent: hash it in, and go up. */
	while (rc == OD_OK && (index & 1)) {
		rc = node_get(s, level, index - 1, left, err);
		if (rc == OD_OK)
			rc = merkle_node_hash(left, h, h, err);
		level++;
		index >>= 1;
		if (rc == OD_OK)
			rc = node_put(s, level, index, h, err);
	}
	return rc;
}

enum od_code store_merkle_cut(struct store *s, long long after_seq,
			      struct od_err *err)
{
	uint64_t keep = after_seq > 0 ? (uint64_t)after_seq : 0;
	enum od_code rc = OD_OK;
	sqlite3_stmt *st;
	unsigned level;

	/* Subtree (l, i) stays when all its leaves do: i < keep >> l. */
	for (level = 0; rc == OD_OK && level < 64; level++) {
		st = store_stmt(s, cut_sql, err);
		if (st == NULL)
			return err->code;
		sqlite3_bind_int(st, 1, (int)level);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(keep >> level));
		rc = store_step_done(s, st, "cutting the log's Merkle tree",
				     err);
	}
	return rc;
}

/*
 * Reads the log's entries from seq after + 1 on (one entry, with one), each
 * into the leaf hash leaf, or (add) added to the tree.  Its own statement,
 * not the cache's: store_merkle_add runs cached ones while it steps.
 */
static enum od_code log_leaves(struct store *s, long long after, int one,
			       int add, uint8_t leaf[MERKLE_HASH_LEN],
			       struct od_err *err)
{
	struct log_record r;
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	int src;

	src = sqlite3_prepare_v2(s->db, one ? one_sql : after_sql, -1, &st,
				 NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the log", err);
	sqlite3_bind_int64(st, 1, after + 1);
	memset(&r, 0, sizeof r);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		r.seq = sqlite3_column_int64(st, 0);
		r.statement = sqlite3_column_blob(st, 1);
		r.statement_len = (size_t)sqlite3_column_bytes(st, 1);
		if (sqlite3_column_bytes(st, 2) != 64)
			rc = od_err_set(err, OD_E_TAMPERED, "log entry %lld is"
					" malformed; the store is damaged",
					r.seq);
		else
			memcpy(r.signature, sqlite3_column_blob(st, 2), 64);
		if (rc == OD_OK && add)
			rc = store_merkle_add(s, &r, err);
		else if (rc == OD_OK)
			rc = merkle_leaf_hash(r.statement, r.statement_len,
					      r.signature, 64, leaf, err);
	}
	if (rc == OD_OK && src != SQLITE_DONE && src != SQLITE_ROW)
		rc = store_fail(s, src, "reading the log", err);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Whether the tree's last leaf (of size) is the log's entry of that seq:
 * a build without the tree may have cut the log and appended as many
 * entries again (a rebase), which the sizes alone would not show.
 */
static enum od_code tip_matches(struct store *s, uint64_t size, int *same,
				struct od_err *err)
{
	uint8_t leaf[MERKLE_HASH_LEN], entry[MERKLE_HASH_LEN];
	enum od_code rc;

	*same = size == 0;
	if (size == 0)
		return OD_OK;
	memset(entry, 0, sizeof entry);
	rc = node_get(s, 0, size - 1, leaf, err);
	if (rc == OD_OK)
		rc = log_leaves(s, (long long)size - 1, 1, 0, entry, err);
	if (rc == OD_OK)
		*same = memcmp(leaf, entry, MERKLE_HASH_LEN) == 0;
	return rc;
}

/* Inside a write transaction: makes the tree match the log. */
static enum od_code catch_up(struct store *s, struct od_err *err)
{
	uint64_t tree, log;
	int same;
	enum od_code rc = read_count(s, size_sql, &tree, err);

	if (rc == OD_OK)
		rc = read_count(s, log_size_sql, &log, err);
	if (tree > log)
		tree = log;
	/*
	 * Nothing may stay that holds a leaf past the tree: a log cut by a
	 * build without the tree, or a page of the table put back from an
	 * older copy (its last leaves gone, a parent of them left on another
	 * page), would have the appends below collide with it.
	 */
	if (rc == OD_OK)
		rc = store_merkle_cut(s, (long long)tree, err);
	if (rc == OD_OK)
		rc = tip_matches(s, tree, &same, err);
	if (rc == OD_OK && !same) {
		rc = exec_sql(s, clear_sql, "rebuilding the log's Merkle tree",
			      err);
		tree = 0;
	}
	if (rc == OD_OK && tree < log)
		rc = log_leaves(s, (long long)tree, 0, 1, NULL, err);
	return rc;
}

enum od_code store_merkle_start(struct store *s, struct od_err *err)
{
	uint64_t tree, log;
	int same = 0;
	enum od_code rc = exec_sql(s, STORE_MERKLE_SQL, "upgrading the store",
				   err);

	/* The usual case, read only: the tree ends where the log does. */
	if (rc == OD_OK)
		rc = read_count(s, size_sql, &tree, err);
	if (rc == OD_OK)
		rc = read_count(s, log_size_sql, &log, err);
	if (rc == OD_OK && tree == log)
		rc = tip_matches(s, tree, &same, err);
	if (rc != OD_OK || same)
		return rc;
	/*
	 * SQLite's own transaction, not store_begin's: this runs while the
	 * store opens (store.c calls it), and leaves the log as it is, so
	 * the head record has nothing to follow.
	 */
	rc = exec_sql(s, "BEGIN IMMEDIATE", "building the log's Merkle tree",
		      err);
	if (rc == OD_OK)
		rc = catch_up(s, err);
	if (rc == OD_OK)
		rc = exec_sql(s, "COMMIT", "building the log's Merkle tree",
			      err);
	if (rc != OD_OK && sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

enum od_code store_merkle_size(struct store *s, uint64_t *size,
			       struct od_err *err)
{
	return read_count(s, size_sql, size, err);
}

/* Refuses a size past the tree's. */
static enum od_code within(struct store *s, uint64_t size, struct od_err *err)
{
	uint64_t have;
	enum od_code rc = read_count(s, size_sql, &have, err);

	if (rc == OD_OK && size > have)
		return od_err_set(err, OD_E_INPUT, "the log has %llu entries, "
				  "not %llu; ask for at most %llu",
				  (unsigned long long)have,
				  (unsigned long long)size,
				  (unsigned long long)have);
	return rc;
}

enum od_code store_merkle_root(struct store *s, uint64_t size,
			       uint8_t out[MERKLE_HASH_LEN],
			       struct od_err *err)
{
	enum od_code rc = within(s, size, err);

	return rc != OD_OK ? rc : merkle_root(node_get, s, size, out, err);
}

enum od_code store_merkle_leaf(struct store *s, uint64_t index,
			       uint8_t out[MERKLE_HASH_LEN],
			       struct od_err *err)
{
	enum od_code rc = within(s, index + 1, err);

	if (rc == OD_E_INPUT)
		return od_err_set(err, OD_E_NOTFOUND, "no log entry %llu",
				  (unsigned long long)index + 1);
	return rc != OD_OK ? rc : node_get(s, 0, index, out, err);
}

enum od_code store_merkle_inclusion(struct store *s, uint64_t index,
				    uint64_t size, struct merkle_proof *out,
				    struct od_err *err)
{
	enum od_code rc = within(s, size, err);

	out->n = 0;
	return rc != OD_OK ? rc : merkle_prove_inclusion(node_get, s, index,
							 size, out, err);
}

enum od_code store_merkle_consistency(struct store *s, uint64_t old,
				      uint64_t size, struct merkle_proof *out,
				      struct od_err *err)
{
	enum od_code rc = within(s, size, err);

	out->n = 0;
	return rc != OD_OK ? rc : merkle_prove_consistency(node_get, s, old,
							   size, out, err);
}
