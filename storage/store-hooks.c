/* store-hooks.c - webhook secrets and delivery ids (store-hooks.h). */
#include "storage/store-hooks.h"

#include <string.h>

#include "lib/secret.h"
#include "storage/store-internal.h"

static const char hooks_tables_sql[] =
	"CREATE TABLE IF NOT EXISTS hook_secrets("
	" storefront TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" secret BLOB NOT NULL,"
	" old BLOB,"
	" PRIMARY KEY(storefront, kind));"
	"CREATE TABLE IF NOT EXISTS hook_deliveries("
	" storefront TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" id TEXT NOT NULL,"
	" time INTEGER NOT NULL,"
	" PRIMARY KEY(storefront, kind, id));"
	"CREATE INDEX IF NOT EXISTS hook_deliveries_time"
	" ON hook_deliveries(time);";
static const char set_keep_sql[] =
	"INSERT INTO hook_secrets(storefront, kind, secret, old)"
	" VALUES(?1, ?2, ?3, NULL) ON CONFLICT(storefront, kind)"
	" DO UPDATE SET old = secret, secret = excluded.secret";
static const char set_sql[] =
	"INSERT INTO hook_secrets(storefront, kind, secret, old)"
	" VALUES(?1, ?2, ?3, NULL) ON CONFLICT(storefront, kind)"
	" DO UPDATE SET old = NULL, secret = excluded.secret";
static const char drop_old_sql[] =
	"UPDATE hook_secrets SET old = NULL WHERE storefront = ?1"
	" AND kind = ?2";
static const char get_sql[] =
	"SELECT secret, old FROM hook_secrets WHERE storefront = ?1"
	" AND kind = ?2";
static const char seen_sql[] =
	"SELECT count(*) FROM hook_deliveries WHERE storefront = ?1"
	" AND kind = ?2 AND id = ?3";
static const char mark_sql[] =
	"INSERT INTO hook_deliveries(storefront, kind, id, time)"
	" VALUES(?1, ?2, ?3, ?4)";
static const char trim_sql[] =
	"DELETE FROM hook_deliveries WHERE time < ?1";

/* Makes the tables unless they are there. */
static enum od_code tables(struct store *s, struct od_err *err)
{
	int src = sqlite3_exec(s->db, hooks_tables_sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? OD_OK :
	       store_fail(s, src, "making the webhook tables", err);
}

/* Prepares sql with sf and kind bound, the tables made first. */
static sqlite3_stmt *prepare(struct store *s, const char *sql, const char *sf,
			     const char *kind, struct od_err *err)
{
	sqlite3_stmt *st;

	if (tables(s, err) != OD_OK || (st = store_stmt(s, sql, err)) == NULL)
		return NULL;
	store_bind_text(st, 1, sf);
	store_bind_text(st, 2, kind);
	return st;
}

enum od_code store_hook_secret_set(struct store *s, const char *sf,
				   const char *kind, const uint8_t *secret,
				   size_t len, int keep_old,
				   struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc;

	if (len == 0 || len > STORE_HOOK_SECRET_MAX)
		return od_err_set(err, OD_E_INPUT, "a webhook secret is 1 to "
				  "%d bytes", STORE_HOOK_SECRET_MAX);
	rc = store_begin(s, err);
	if (rc != OD_OK)
		return rc;
	st = prepare(s, keep_old ? set_keep_sql : set_sql, sf, kind, err);
	if (st == NULL)
		rc = err->code;
	if (rc == OD_OK) {
		sqlite3_bind_blob(st, 3, secret, (int)len, SQLITE_STATIC);
		rc = store_step_done(s, st, "keeping the webhook secret", err);
	}
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	return rc;
}

enum od_code store_hook_drop_old(struct store *s, const char *sf,
				 const char *kind, struct od_err *err)
{
	struct store_hook_secrets sec;
	sqlite3_stmt *st;
	enum od_code rc;

	rc = store_hook_secrets_get(s, sf, kind, &sec, err);
	secret_wipe(&sec, sizeof sec);
	if (rc != OD_OK)
		return rc;
	st = prepare(s, drop_old_sql, sf, kind, err);
	if (st == NULL)
		return err->code;
	return store_step_done(s, st, "dropping the old webhook secret", err);
}

/* Copies column i's blob into out[STORE_HOOK_SECRET_MAX]. */
static size_t blob(sqlite3_stmt *st, int i, uint8_t *out)
{
	const void *p = sqlite3_column_blob(st, i);
	int n = sqlite3_column_bytes(st, i);

	if (p == NULL || n <= 0 || n > STORE_HOOK_SECRET_MAX)
		return 0;
	memcpy(out, p, (size_t)n);
	return (size_t)n;
}

enum od_code store_hook_secrets_get(struct store *s, const char *sf,
				    const char *kind,
				    struct store_hook_secrets *out,
				    struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	int src;

	memset(out, 0, sizeof *out);
	st = prepare(s, get_sql, sf, kind, err);
	if (st == NULL)
		return err->code;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		out->cur_len = blob(st, 0, out->cur);
		out->old_len = blob(st, 1, out->old);
	} else if (src == SQLITE_DONE) {
		rc = od_err_set(err, OD_E_NOTFOUND, "storefront %s has no %s "
				"webhook secret; set one with orderdeskd "
				"storefront add %s --%s-secret-fd N", sf, kind,
				sf, kind);
	} else {
		rc = store_fail(s, src, "reading the webhook secret", err);
	}
	sqlite3_reset(st);
	return rc;
}

enum od_code store_hook_seen(struct store *s, const char *sf,
			     const char *kind, const char *id, int *seen,
			     struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	int src;

	*seen = 0;
	st = prepare(s, seen_sql, sf, kind, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 3, id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*seen = sqlite3_column_int(st, 0) > 0;
	else
		rc = store_fail(s, src, "reading the webhook deliveries", err);
	sqlite3_reset(st);
	return rc;
}

enum od_code store_hook_mark(struct store *s, const char *sf,
			     const char *kind, const char *id, long long now,
			     struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc;

	st = prepare(s, mark_sql, sf, kind, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 3, id);
	sqlite3_bind_int64(st, 4, now);
	rc = store_step_done(s, st, "recording the webhook delivery", err);
	if (rc != OD_OK || (st = store_stmt(s, trim_sql, err)) == NULL)
		return rc != OD_OK ? rc : err->code;
	sqlite3_bind_int64(st, 1, now - STORE_HOOK_KEEP_S);
	return store_step_done(s, st, "forgetting old webhook deliveries",
			       err);
}
