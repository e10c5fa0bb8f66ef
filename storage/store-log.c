/* store-log.c - the hash-chained log table. */
#include "storage/store.h"

#include <stdio.h>
#include <string.h>

#include "storage/store-internal.h"

static const char head_sql[] =
	"SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1";
static const char find_id_sql[] = "SELECT seq FROM log WHERE id = ?1";
static const char tip_sql[] =
	"SELECT seq, id, digest FROM log ORDER BY seq DESC LIMIT 1";
static const char entry_sql[] =
	"SELECT seq, time, digest FROM log WHERE id = ?1";
static const char append_sql[] =
	"INSERT INTO log(seq, id, kind, order_no, actor, time, statement,"
	" signature, hash, digest)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char each_sql[] =
	"SELECT seq, statement, signature, hash, digest FROM log ORDER BY seq";
static const char each_order_sql[] =
	"SELECT seq, statement, signature, hash, digest FROM log"
	" WHERE order_no = ?1 AND order_no <> '' ORDER BY seq";
static const char each_after_sql[] =
	"SELECT seq, statement, signature, hash, digest FROM log"
	" WHERE seq > ?1 ORDER BY seq";
static const char at_sql[] =
	"SELECT seq, statement, signature, hash, digest FROM log"
	" WHERE seq = ?1";

enum od_code store_log_head(struct store *s, long long *seq, uint8_t hash[32],
			    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, head_sql, err);
	int rc;

	*seq = 0;
	memset(hash, 0, 32);
	if (st == NULL)
		return err->code;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) != 32) {
			sqlite3_reset(st);
			return od_err_set(err, OD_E_TAMPERED,
					  "log entry %lld has a malformed hash; "
					  "the store is damaged", *seq);
		}
		memcpy(hash, sqlite3_column_blob(st, 1), 32);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, "reading the log", err);
	return OD_OK;
}

enum od_code store_log_find_id(struct store *s, const char *id,
			       long long *seq, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, find_id_sql, err);
	int rc;

	*seq = 0;
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return OD_OK;
	if (rc == SQLITE_DONE)
		return od_err_set(err, OD_E_NOTFOUND, "no statement %s", id);
	return store_fail(s, rc, "reading the log", err);
}

/* Copies a 32-byte blob column, refusing any other size as damage. */
static enum od_code col_32(sqlite3_stmt *st, int i, uint8_t out[32],
			   struct od_err *err)
{
	if (sqlite3_column_bytes(st, i) != 32)
		return od_err_set(err, OD_E_TAMPERED, "a log entry is "
				  "malformed; the store is damaged");
	memcpy(out, sqlite3_column_blob(st, i), 32);
	return OD_OK;
}

enum od_code store_log_tip(struct store *s, long long *seq, char id[33],
			   uint8_t digest[32], struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, tip_sql, err);
	enum od_code rc = OD_OK;
	int src;

	*seq = 0;
	if (st == NULL)
		return err->code;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(id, 33, "%s", store_col_text(st, 1));
		rc = col_32(st, 2, digest, err);
	} else if (src != SQLITE_DONE) {
		rc = store_fail(s, src, "reading the log", err);
	}
	sqlite3_reset(st);
	return rc;
}

enum od_code store_log_entry(struct store *s, const char *id, long long *seq,
			     char time[21], uint8_t digest[32],
			     struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, entry_sql, err);
	enum od_code rc;
	int src;

	*seq = 0;
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(time, 21, "%s", store_col_text(st, 1));
		rc = col_32(st, 2, digest, err);
	} else if (src == SQLITE_DONE) {
		rc = od_err_set(err, OD_E_NOTFOUND, "no statement %s", id);
	} else {
		rc = store_fail(s, src, "reading the log", err);
	}
	sqlite3_reset(st);
	return rc;
}

enum od_code store_log_append(struct store *s, const struct log_record *r,
			      const struct log_index *ix, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, append_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, r->seq);
	store_bind_text(st, 2, ix->id);
	store_bind_text(st, 3, ix->kind);
	store_bind_text(st, 4, ix->order);
	store_bind_text(st, 5, ix->actor);
	store_bind_text(st, 6, ix->time);
	sqlite3_bind_blob(st, 7, r->statement, (int)r->statement_len,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, r->signature, 64, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, r->hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, r->digest, 32, SQLITE_STATIC);
	if (store_step_done(s, st, "appending to the log", err) != OD_OK)
		return err->code;
	/* The tree follows the log in the same transaction. */
	return store_merkle_add(s, r, err);
}

/* Fills a log record from the current row (seq, statement, sig, hash). */
static enum od_code log_row(struct store *s, sqlite3_stmt *st,
			    struct log_record *r, struct od_err *err)
{
	s->log_rows++;
	r->seq = sqlite3_column_int64(st, 0);
	r->statement = sqlite3_column_blob(st, 1);
	r->statement_len = (size_t)sqlite3_column_bytes(st, 1);
	if (r->statement == NULL)
		r->statement = "";
	if (sqlite3_column_bytes(st, 2) != 64 ||
	    sqlite3_column_bytes(st, 3) != 32 ||
	    sqlite3_column_bytes(st, 4) != 32)
		return od_err_set(err, OD_E_TAMPERED,
				  "log entry %lld is malformed; the store is "
				  "damaged", r->seq);
	memcpy(r->signature, sqlite3_column_blob(st, 2), 64);
	memcpy(r->hash, sqlite3_column_blob(st, 3), 32);
	memcpy(r->digest, sqlite3_column_blob(st, 4), 32);
	return OD_OK;
}

/* Walks the rows of a log query (order or after bound as given). */
static enum od_code log_walk(struct store *s, const char *sql,
			     const char *order, long long after,
			     store_log_cb cb, void *ctx, struct od_err *err)
{
	sqlite3_stmt *st;
	struct log_record r;
	enum od_code rc = OD_OK;
	int src;

	/*
	 * Not from the cache: a callback may run other cached queries, and a
	 * walk must not be reset under its feet.
	 */
	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the log", err);
	if (order != NULL)
		store_bind_text(st, 1, order);
	else if (sql == each_after_sql || sql == at_sql)
		sqlite3_bind_int64(st, 1, after);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = log_row(s, st, &r, err);
		if (rc == OD_OK)
			rc = cb(ctx, &r, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the log", err);
	sqlite3_finalize(st);
	return rc;
}

enum od_code store_log_each(struct store *s, const char *order,
			    store_log_cb cb, void *ctx, struct od_err *err)
{
	return log_walk(s, order ? each_order_sql : each_sql, order, 0, cb,
			ctx, err);
}

enum od_code store_log_each_after(struct store *s, long long after_seq,
				  store_log_cb cb, void *ctx,
				  struct od_err *err)
{
	return log_walk(s, each_after_sql, NULL, after_seq, cb, ctx, err);
}

enum od_code store_log_at(struct store *s, long long seq, store_log_cb cb,
			  void *ctx, struct od_err *err)
{
	long long before = s->log_rows;
	enum od_code rc = log_walk(s, at_sql, NULL, seq, cb, ctx, err);

	if (rc == OD_OK && s->log_rows == before)
		return od_err_set(err, OD_E_NOTFOUND, "no log entry %lld", seq);
	return rc;
}

long long store_log_rows_read(const struct store *s)
{
	return s->log_rows;
}
