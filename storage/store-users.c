/* store-users.c - the users table, as folded from the log. */
#include "storage/store.h"

#include <stdio.h>
#include <string.h>

#include "storage/store-internal.h"

static const char get_sql[] =
	"SELECT name, role, pubkey, fingerprint, active, added_seq"
	" FROM users WHERE name = ?1";
static const char put_sql[] =
	"INSERT OR REPLACE INTO users(name, role, pubkey, fingerprint, active,"
	" added_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char count_sql[] =
	"SELECT count(*) FROM users WHERE role = ?1 AND active = 1";
static const char retire_sql[] =
	"INSERT INTO retired_keys(fingerprint, name, pubkey, seq)"
	" VALUES(?1, ?2, ?3, ?4)";
static const char retired_sql[] =
	"SELECT name, seq, pubkey FROM retired_keys WHERE fingerprint = ?1";
static const char each_sql[] =
	"SELECT name, role, pubkey, fingerprint, active, added_seq"
	" FROM users ORDER BY name";

/* Fills u from the current row; a malformed row means a damaged store. */
static enum od_code user_row(sqlite3_stmt *st, struct user_record *u,
			     struct od_err *err)
{
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", store_col_text(st, 0));
	snprintf(u->role, sizeof u->role, "%s", store_col_text(st, 1));
	if (sqlite3_column_bytes(st, 2) != 32)
		return od_err_set(err, OD_E_TAMPERED,
				  "user %s has a malformed key; the store is "
				  "damaged", u->name);
	memcpy(u->pubkey, sqlite3_column_blob(st, 2), 32);
	snprintf(u->fingerprint, sizeof u->fingerprint, "%s",
		 store_col_text(st, 3));
	u->active = sqlite3_column_int(st, 4);
	u->added_seq = sqlite3_column_int64(st, 5);
	return OD_OK;
}

enum od_code store_user_get(struct store *s, const char *name,
			    struct user_record *u, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, get_sql, err);
	enum od_code rc = OD_OK;
	int src;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		rc = user_row(st, u, err);
	else if (src == SQLITE_DONE)
		rc = od_err_set(err, OD_E_NOTFOUND, "no user %s in this shop",
				name);
	else
		rc = store_fail(s, src, "reading users", err);
	sqlite3_reset(st);
	return rc;
}

enum od_code store_user_put(struct store *s, const struct user_record *u,
			    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, put_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, u->name);
	store_bind_text(st, 2, u->role);
	sqlite3_bind_blob(st, 3, u->pubkey, 32, SQLITE_STATIC);
	store_bind_text(st, 4, u->fingerprint);
	sqlite3_bind_int(st, 5, u->active);
	sqlite3_bind_int64(st, 6, u->added_seq);
	return store_step_done(s, st, "writing users", err);
}

enum od_code store_user_count_active(struct store *s, const char *role,
				     long long *n, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, count_sql, err);
	int src;

	*n = 0;
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, role);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return store_fail(s, src, "reading users", err);
	return OD_OK;
}

enum od_code store_user_each(struct store *s, store_user_cb cb, void *ctx,
			     struct od_err *err)
{
	sqlite3_stmt *st;
	struct user_record u;
	enum od_code rc = OD_OK;
	int src;

	src = sqlite3_prepare_v2(s->db, each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading users", err);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = user_row(st, &u, err);
		if (rc == OD_OK)
			rc = cb(ctx, &u, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading users", err);
	sqlite3_finalize(st);
	return rc;
}

enum od_code store_key_retire(struct store *s, const char *fp,
			      const char *name, const uint8_t pubkey[32],
			      long long seq, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, retire_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, fp);
	store_bind_text(st, 2, name);
	sqlite3_bind_blob(st, 3, pubkey, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, seq);
	return store_step_done(s, st, "retiring a key", err);
}

enum od_code store_key_retired(struct store *s, const char *fp, char *name,
			       size_t name_size, long long *seq,
			       uint8_t *pubkey, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, retired_sql, err);
	enum od_code rc = OD_OK;
	int src;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, fp);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		snprintf(name, name_size, "%s", store_col_text(st, 0));
		*seq = sqlite3_column_int64(st, 1);
		if (sqlite3_column_bytes(st, 2) != 32)
			rc = od_err_set(err, OD_E_TAMPERED, "a retired key of "
					"%s is malformed; the store is damaged",
					name);
		else if (pubkey != NULL)
			memcpy(pubkey, sqlite3_column_blob(st, 2), 32);
	} else if (src == SQLITE_DONE) {
		rc = od_err_set(err, OD_E_NOTFOUND, "no such retired key");
	} else {
		rc = store_fail(s, src, "reading retired keys", err);
	}
	sqlite3_reset(st);
	return rc;
}
