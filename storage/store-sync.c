/* store-sync.c - the staging and conflict tables, and a rebase's cuts. */
#include "storage/store-sync.h"

#include <string.h>

#include "storage/store-internal.h"
#include "storage/store-page-counts.h"
#include "storage/store-page-counts.h"

static const char tables_sql[] =
	"CREATE TABLE IF NOT EXISTS sync_incoming("
	"  seq INTEGER PRIMARY KEY,"
	"  statement BLOB NOT NULL,"
	"  signature BLOB NOT NULL,"
	"  hash BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS sync_conflict("
	"  n INTEGER PRIMARY KEY,"
	"  stmt_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  order_no TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  truth TEXT NOT NULL,"
	"  statement BLOB NOT NULL,"
	"  signature BLOB NOT NULL,"
	"  acked INTEGER NOT NULL DEFAULT 0);";
static const char has_tables_sql[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = 'sync_conflict'";
static const char incoming_clear_sql[] = "DELETE FROM sync_incoming";
/* A plain INSERT: a second entry at a staged seq is refused, never taken
 * over the first (store-sync.h). */
static const char incoming_add_sql[] =
	"INSERT INTO sync_incoming(seq, statement, signature, hash)"
	" VALUES(?1, ?2, ?3, ?4)";
static const char incoming_last_sql[] =
	"SELECT coalesce(max(seq), 0) FROM sync_incoming";
static const char incoming_each_sql[] =
	"SELECT seq, statement, signature, hash FROM sync_incoming ORDER BY seq";
static const char log_cut_sql[] = "DELETE FROM log WHERE seq > ?1";
/*
 * Seqs run 1, 2, 3 ... with no gap (the ledger appends head + 1, a rebase
 * cuts a tail), so the entries after a seq are the head minus it: one
 * look at the key's end, where count(*) would walk every leaf of the log.
 */
static const char log_count_sql[] =
	"SELECT max(coalesce(max(seq), 0) - ?1, 0) FROM log";
static const char forget_items_sql[] = "DELETE FROM items WHERE order_no = ?1";
static const char forget_ships_sql[] =
	"DELETE FROM shipments WHERE order_no = ?1";
static const char forget_notes_sql[] = "DELETE FROM notes WHERE order_no = ?1";
static const char forget_order_sql[] = "DELETE FROM orders WHERE number = ?1";
static const char forget_money_sql[] =
	"DELETE FROM money WHERE order_no = ?1";
static const char forget_pays_sql[] =
	"DELETE FROM payments WHERE order_no = ?1";
static const char forget_returns_sql[] =
	"DELETE FROM returns WHERE order_no = ?1";
static const char forget_parcels_sql[] =
	"DELETE FROM deliveries WHERE order_no = ?1";
static const char forget_restocks_sql[] =
	"DELETE FROM restocks WHERE order_no = ?1";
static const char forget_all_sql[] =
	"DELETE FROM deliveries; DELETE FROM restocks;"
	" DELETE FROM returns; DELETE FROM payments; DELETE FROM money;"
	" DELETE FROM notes; DELETE FROM shipments; DELETE FROM items;"
	" DELETE FROM orders; UPDATE page_counts SET n = 0;"
	" DELETE FROM users; DELETE FROM retired_keys;"
	" DELETE FROM meta WHERE key = 'roles';";  /* app/log/role-define.h */
static const char conflict_add_sql[] =
	"INSERT INTO sync_conflict(stmt_id, kind, order_no, actor, at, source,"
	" reason, truth, statement, signature)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char conflict_each_sql[] =
	"SELECT n, stmt_id, kind, order_no, actor, at, source, reason, truth,"
	" statement, signature, acked FROM sync_conflict WHERE n >= ?1"
	" ORDER BY n";
static const char conflict_count_sql[] =
	"SELECT count(*), coalesce(sum(acked = 0), 0), coalesce(max(n), 0)"
	" FROM sync_conflict";
static const char conflict_ack_sql[] =
	"UPDATE sync_conflict SET acked = 1 WHERE acked = 0";

/* Runs SQL text with no results (not cached: DDL and multi-statements). */
static enum od_code exec_sql(struct store *s, const char *sql,
			     const char *what, struct od_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_fail(s, rc, what, err);
	return OD_OK;
}

/* Whether the sync tables exist: a store that never synced has none. */
static enum od_code has_tables(struct store *s, int *yes, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, has_tables_sql, err);
	int rc;

	*yes = 0;
	if (st == NULL)
		return err->code;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "reading the store", err);
	return OD_OK;
}

enum od_code store_sync_tables(struct store *s, struct od_err *err)
{
	int yes;
	enum od_code rc = has_tables(s, &yes, err);

	if (rc != OD_OK || yes)
		return rc;
	return exec_sql(s, tables_sql, "making the sync tables", err);
}

enum od_code store_savepoint(struct store *s, struct od_err *err)
{
	return exec_sql(s, "SAVEPOINT od_step", "starting a step", err);
}

enum od_code store_savepoint_end(struct store *s, int keep,
				 struct od_err *err)
{
	if (keep)
		return exec_sql(s, "RELEASE od_step", "ending a step", err);
	return exec_sql(s, "ROLLBACK TO od_step; RELEASE od_step",
			"undoing a step", err);
}

/* Steps a one-row query and returns its integer columns. */
static enum od_code one_row(struct store *s, sqlite3_stmt *st, long long *a,
			    long long *b, long long *c, struct od_err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*a = sqlite3_column_int64(st, 0);
		if (b != NULL)
			*b = sqlite3_column_int64(st, 1);
		if (c != NULL)
			*c = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "reading the store", err);
	return OD_OK;
}

enum od_code store_incoming_clear(struct store *s, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, incoming_clear_sql, err);

	if (st == NULL)
		return err->code;
	return store_step_done(s, st, "clearing pulled entries", err);
}

enum od_code store_incoming_add(struct store *s, const struct log_record *r,
				struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, incoming_add_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_blob(st, 2, r->statement, (int)r->statement_len,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, r->signature, 64, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, r->hash, 32, SQLITE_STATIC);
	return store_step_done(s, st, "keeping a pulled entry", err);
}

enum od_code store_incoming_last(struct store *s, long long *seq,
				 struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, incoming_last_sql, err);

	*seq = 0;
	if (st == NULL)
		return err->code;
	return one_row(s, st, seq, NULL, NULL, err);
}

enum od_code store_incoming_each(struct store *s, store_log_cb cb, void *ctx,
				 struct od_err *err)
{
	struct log_record r;
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	int src;

	/* Not cached: the callback appends to the log meanwhile. */
	src = sqlite3_prepare_v2(s->db, incoming_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading pulled entries", err);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.seq = sqlite3_column_int64(st, 0);
		r.statement = sqlite3_column_blob(st, 1);
		r.statement_len = (size_t)sqlite3_column_bytes(st, 1);
		if (r.statement == NULL || sqlite3_column_bytes(st, 2) != 64 ||
		    sqlite3_column_bytes(st, 3) != 32) {
			rc = od_err_set(err, OD_E_TAMPERED, "a pulled entry "
					"is malformed; the store is damaged");
			break;
		}
		memcpy(r.signature, sqlite3_column_blob(st, 2), 64);
		memcpy(r.hash, sqlite3_column_blob(st, 3), 32);
		rc = cb(ctx, &r, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading pulled entries", err);
	sqlite3_finalize(st);
	return rc;
}

enum od_code store_log_cut(struct store *s, long long after_seq,
			   struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = store_head_lower(s, after_seq, err);

	if (rc != OD_OK)
		return rc;
	st = store_stmt(s, log_cut_sql, err);
	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, after_seq);
	rc = store_step_done(s, st, "taking entries out of the log", err);
	return rc != OD_OK ? rc : store_merkle_cut(s, after_seq, err);
}

enum od_code store_log_count_after(struct store *s, long long after_seq,
				   long long *n, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, log_count_sql, err);

	*n = 0;
	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, after_seq);
	return one_row(s, st, n, NULL, NULL, err);
}

enum od_code store_order_forget(struct store *s, const char *number,
				struct od_err *err)
{
	const char *const sqls[] = { forget_items_sql, forget_ships_sql,
				     forget_notes_sql, forget_order_sql,
				     forget_money_sql, forget_pays_sql,
				     forget_returns_sql, forget_parcels_sql,
				     forget_restocks_sql };
	enum od_code rc = page_count_moving(s, number, -1, err);
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; rc == OD_OK && i < sizeof sqls / sizeof sqls[0]; i++) {
		st = store_stmt(s, sqls[i], err);
		if (st == NULL)
			return err->code;
		store_bind_text(st, 1, number);
		rc = store_step_done(s, st, "folding an order again", err);
	}
	return rc;
}

enum od_code store_state_forget(struct store *s, struct od_err *err)
{
	return exec_sql(s, forget_all_sql, "folding the log again", err);
}

enum od_code store_conflict_add(struct store *s,
				const struct conflict_record *c,
				struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, conflict_add_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, c->stmt_id);
	store_bind_text(st, 2, c->kind);
	store_bind_text(st, 3, c->order);
	store_bind_text(st, 4, c->actor);
	store_bind_text(st, 5, c->at);
	store_bind_text(st, 6, c->source);
	store_bind_text(st, 7, c->reason);
	store_bind_text(st, 8, c->truth);
	sqlite3_bind_blob(st, 9, c->statement, (int)c->statement_len,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, c->signature, 64, SQLITE_STATIC);
	return store_step_done(s, st, "recording a conflict", err);
}

enum od_code store_conflict_each(struct store *s, long long from,
				 store_conflict_cb cb, void *ctx,
				 struct od_err *err)
{
	struct conflict_record c;
	sqlite3_stmt *st;
	enum od_code rc;
	int src, yes;

	rc = has_tables(s, &yes, err);
	if (rc != OD_OK || !yes)
		return rc;
	src = sqlite3_prepare_v2(s->db, conflict_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading conflicts", err);
	sqlite3_bind_int64(st, 1, from);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		c.n = sqlite3_column_int64(st, 0);
		c.stmt_id = store_col_text(st, 1);
		c.kind = store_col_text(st, 2);
		c.order = store_col_text(st, 3);
		c.actor = store_col_text(st, 4);
		c.at = store_col_text(st, 5);
		c.source = store_col_text(st, 6);
		c.reason = store_col_text(st, 7);
		c.truth = store_col_text(st, 8);
		c.statement = sqlite3_column_blob(st, 9);
		c.statement_len = (size_t)sqlite3_column_bytes(st, 9);
		if (c.statement == NULL)
			c.statement = "";
		if (sqlite3_column_bytes(st, 10) == 64)
			memcpy(c.signature, sqlite3_column_blob(st, 10), 64);
		c.acked = sqlite3_column_int(st, 11);
		rc = cb(ctx, &c, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading conflicts", err);
	sqlite3_finalize(st);
	return rc;
}

enum od_code store_conflict_count(struct store *s, long long *total,
				  long long *unacked, long long *last,
				  struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc;
	int yes;

	*total = *unacked = *last = 0;
	rc = has_tables(s, &yes, err);
	if (rc != OD_OK || !yes)
		return rc;
	st = store_stmt(s, conflict_count_sql, err);
	if (st == NULL)
		return err->code;
	return one_row(s, st, total, unacked, last, err);
}

enum od_code store_conflict_ack(struct store *s, struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc;
	int yes;

	rc = has_tables(s, &yes, err);
	if (rc != OD_OK || !yes)
		return rc;
	st = store_stmt(s, conflict_ack_sql, err);
	if (st == NULL)
		return err->code;
	return store_step_done(s, st, "marking conflicts as seen", err);
}
