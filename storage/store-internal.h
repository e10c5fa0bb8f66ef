/*
 * store-internal.h - what the store's own files share: the connection and its
 * cache of prepared statements.  Not for use outside storage/.
 */
#ifndef OD_STORE_INTERNAL_H
#define OD_STORE_INTERNAL_H

#include <sqlite3.h>

#include "storage/store.h"

#define STORE_STMT_CACHE 64

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

#endif
