/*
 * store-internal.h - what the store's own files share: the connection and its
 * cache of prepared statements.  Not for use outside storage/.
 */
#ifndef OD_STORE_INTERNAL_H
#define OD_STORE_INTERNAL_H

#include <sqlite3.h>

#include "lib/buf.h"
#include "storage/store.h"

#define STORE_STMT_CACHE 64

/* The sealed record of how far the log got (storage/store-head.h). */
struct store_head {
	char *path;          /* the record's file; NULL when the store has none
				(plain or in-memory stores) */
	uint8_t key[32];     /* its sealing key, derived from the data key */
	long long seq;       /* the head it holds, as far as this store knows */
	uint8_t hash[32];
	int lazy;            /* synchronous=NORMAL: a commit may not be on disk
				yet, so no record may claim it */
	sqlite3_stmt *head_st; /* reads the log's head, at every commit */
	int lowered;         /* store_head_lower ran in this transaction */
	long long saved_seq; /* and what the record held before it */
	uint8_t saved_hash[32];
};

struct store {
	sqlite3 *db;
	int in_tx;
	long long log_rows;     /* log rows read (store_log_rows_read) */
	/* Prepared statements keyed by the address of their static SQL text. */
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[STORE_STMT_CACHE];
	int ncache;
	struct store_head head;
};

/*
 * Returns the prepared statement for the static SQL text sql, reset and with
 * bindings cleared, preparing it on first use.  NULL on error (err set).
 */
sqlite3_stmt *store_stmt(struct store *s, const char *sql, struct od_err *err);

/* Turns SQLite's rc into an od_code, with what we were doing. */
enum od_code store_fail(struct store *s, int rc, const char *what,
			struct od_err *err);

/* Steps a statement expected to finish (no rows); maps errors. */
enum od_code store_step_done(struct store *s, sqlite3_stmt *st,
			     const char *what, struct od_err *err);

/* Binds a text parameter (SQLITE_STATIC: the caller keeps it alive). */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);

/* A column as text, "" for NULL. */
const char *store_col_text(sqlite3_stmt *st, int i);

/*
 * Checks the head record of the store just opened at path (or, with
 * create, writes its first one), keeping the key derived from key.  A log
 * behind the record, or a record that is missing or does not authenticate
 * where the store says it has one, gives OD_E_TAMPERED.
 */
enum od_code store_head_start(struct store *s, const char *path,
			      const uint8_t key[STORE_KEY_LEN], int create,
			      struct od_err *err);

/* Wipes and frees what store_head_start kept. */
void store_head_end(struct store *s);

/*
 * Inside a transaction about to commit: reads the log's head into seq and
 * hash and says (1) whether the record must follow once the commit is done.
 */
int store_head_mark(struct store *s, long long *seq, uint8_t hash[32]);

/* After the commit store_head_mark saw: writes the record (best effort). */
void store_head_advance(struct store *s, long long seq,
			const uint8_t hash[32]);

/*
 * Before the log loses its entries after seq (inside the transaction that
 * cuts them): lowers the record to what stays, so that a crash before the
 * commit's own record is never taken for a store that went back.
 */
enum od_code store_head_lower(struct store *s, long long seq,
			      struct od_err *err);

/*
 * At the end of a transaction (store_commit, store_rollback): after a
 * rollback, puts back a record store_head_lower lowered in it.
 */
void store_head_settle(struct store *s, int committed);

/*
 * The log's Merkle tree (store-merkle.h): the hash of each complete
 * subtree, keyed by level and index.  In the schema of a new store, and
 * added on open to one made before it.
 */
#define STORE_MERKLE_SQL \
	"CREATE TABLE IF NOT EXISTS merkle(" \
	"  level INTEGER NOT NULL," \
	"  idx INTEGER NOT NULL," \
	"  hash BLOB NOT NULL," \
	"  PRIMARY KEY(level, idx)) WITHOUT ROWID;"

/* An order's searchable text, and its address lines joined by newlines
 * (store-orders.c; store-amend.c writes them again). */
enum od_code store_order_search_text(const struct order *o, struct buf *b,
				     struct od_err *err);
enum od_code store_order_join_lines(const struct order *o, struct buf *b,
				    struct od_err *err);

/* Adds entry r's leaf (r->seq - 1) and the subtrees it completes. */
enum od_code store_merkle_add(struct store *s, const struct log_record *r,
			      struct od_err *err);

/* Takes out the subtrees that hold a leaf after after_seq. */
enum od_code store_merkle_cut(struct store *s, long long after_seq,
			      struct od_err *err);

/*
 * On open: makes the tree's table if missing and builds or completes the
 * tree to match the log (one write transaction, only when it does not).
 */
enum od_code store_merkle_start(struct store *s, struct od_err *err);

#endif
