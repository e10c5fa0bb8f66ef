/*
 * store-stmt.c - what every file of the store uses to run its queries:
 * the cache of prepared statements and SQLite's codes turned into ours.
 * Apart from store.c (which opens and closes) so that the files store.c
 * calls on open (store-merkle.c) can use them without a circle.
 */
#include "storage/store-internal.h"

#include "storage/vfs-crypt.h"

enum od_code store_fail(struct store *s, int rc, const char *what,
			struct od_err *err)
{
	enum od_code code = vfs_crypt_error(rc, what, err);

	/* Constraint failures are about the data, not the disk. */
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return od_err_set(err, OD_E_EXISTS, "%s: already recorded",
				  what);
	(void)s;
	return code;
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql, struct od_err *err)
{
	sqlite3_stmt *st;
	int i, rc;

	for (i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			st = s->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				&st, NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, rc, "preparing a query", err);
		return NULL;
	}
	if (s->ncache == STORE_STMT_CACHE) {
		/* Never expected: the cache is sized for every query we have. */
		sqlite3_finalize(st);
		od_err_set(err, OD_E_INTERNAL, "query cache is full");
		return NULL;
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache].stmt = st;
	s->ncache++;
	return st;
}

enum od_code store_step_done(struct store *s, sqlite3_stmt *st,
			     const char *what, struct od_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, what, err);
	return OD_OK;
}

int store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

const char *store_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}
