/* store-evidence.c - evidence files by their SHA-256 (store-evidence.h). */
#include "storage/store-evidence.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/encode.h"
#include "storage/store-internal.h"

#define NAMED_TAG "\nevidence: "

static const char tables_sql[] =
	"CREATE TABLE IF NOT EXISTS evidence("
	" hash TEXT PRIMARY KEY,"
	" size INTEGER NOT NULL,"
	" type TEXT NOT NULL,"
	" data BLOB NOT NULL,"
	" pushed INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS evidence_wanted(hash TEXT PRIMARY KEY)";
static const char want_sql[] =
	"INSERT OR IGNORE INTO evidence_wanted(hash) VALUES(?1)";
static const char wanted_sql[] =
	"SELECT hash FROM evidence_wanted WHERE hash NOT IN"
	" (SELECT hash FROM evidence) ORDER BY hash";
static const char put_sql[] =
	"INSERT INTO evidence(hash, size, type, data, pushed)"
	" VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(hash) DO UPDATE"
	" SET pushed = max(pushed, excluded.pushed)";
static const char get_sql[] =
	"SELECT size, type, pushed, data FROM evidence WHERE hash = ?1";
static const char stat_sql[] =
	"SELECT size, type, pushed FROM evidence WHERE hash = ?1";
static const char pushed_sql[] =
	"UPDATE evidence SET pushed = 1 WHERE hash = ?1";
static const char unpushed_sql[] =
	"SELECT hash FROM evidence WHERE pushed = 0 ORDER BY hash";
static const char named_all_sql[] =
	"SELECT seq, kind, statement FROM log"
	" WHERE seq > ?3 AND instr(statement, ?1) > 0 ORDER BY seq";
static const char named_order_sql[] =
	"SELECT seq, kind, statement FROM log"
	" WHERE order_no = ?2 AND instr(statement, ?1) > 0 ORDER BY seq";
static const char named_one_sql[] =
	"SELECT 1 FROM log WHERE instr(statement, ?1) > 0 LIMIT 1";

/* Makes the table unless it is there. */
static enum od_code table(struct store *s, struct od_err *err)
{
	int src = sqlite3_exec(s->db, tables_sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? OD_OK :
	       store_fail(s, src, "making the evidence table", err);
}

/* Prepares sql with the table made first. */
static sqlite3_stmt *prepare(struct store *s, const char *sql,
			     struct od_err *err)
{
	if (table(s, err) != OD_OK)
		return NULL;
	return store_stmt(s, sql, err);
}

int store_evidence_hash_ok(const char *h)
{
	size_t i;

	if (h == NULL || strlen(h) != STORE_EVIDENCE_HASH_LEN ||
	    memcmp(h, "sha256:", 7) != 0)
		return 0;
	for (i = 7; i < STORE_EVIDENCE_HASH_LEN; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		      (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return 1;
}

void store_evidence_hash(const void *p, size_t n,
			 char hash[STORE_EVIDENCE_HASH_LEN + 1])
{
	uint8_t d[32];

	gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, d);
	memcpy(hash, "sha256:", 7);
	hex_encode(d, sizeof d, hash + 7);
	hash[STORE_EVIDENCE_HASH_LEN] = '\0';
}

/* The insert itself, in the caller's transaction. */
static enum od_code put_row(struct store *s, const void *p, size_t n,
			    const char *type, int pushed, const char *hash,
			    struct od_err *err)
{
	sqlite3_stmt *st = prepare(s, put_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
	store_bind_text(st, 3, type);
	sqlite3_bind_blob(st, 4, p, (int)n, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, pushed ? 1 : 0);
	return store_step_done(s, st, "keeping an evidence file", err);
}

enum od_code store_evidence_put(struct store *s, const void *p, size_t n,
				const char *type, const char *expect,
				int pushed,
				char hash[STORE_EVIDENCE_HASH_LEN + 1],
				struct od_err *err)
{
	int own = !s->in_tx;
	enum od_code rc;

	if (n == 0 || n > STORE_EVIDENCE_MAX)
		return od_err_set(err, OD_E_INPUT, "an evidence file is 1 to "
				  "%d bytes (10 MiB); this one is %zu",
				  STORE_EVIDENCE_MAX, n);
	store_evidence_hash(p, n, hash);
	if (expect != NULL && strcmp(expect, hash) != 0)
		return od_err_set(err, OD_E_TAMPERED, "evidence %.71s: the "
				  "bytes given do not hash to it (they hash "
				  "to %s); refused", expect, hash);
	rc = own ? store_begin(s, err) : OD_OK;
	if (rc == OD_OK)
		rc = put_row(s, p, n, type, pushed, hash, err);
	if (own && rc == OD_OK)
		rc = store_commit(s, err);
	else if (own)
		store_rollback(s);
	return rc;
}

/* Reads size, type and pushed of the row st stands on into *info. */
static void read_info(sqlite3_stmt *st, const char *hash,
		      struct store_evidence_info *info)
{
	memset(info, 0, sizeof *info);
	snprintf(info->hash, sizeof info->hash, "%s", hash);
	info->size = sqlite3_column_int64(st, 0);
	snprintf(info->type, sizeof info->type, "%s",
		 store_col_text(st, 1));
	info->pushed = sqlite3_column_int(st, 2);
}

/* Steps st (hash bound) to its row: OD_E_NOTFOUND when there is none. */
static enum od_code find(struct store *s, sqlite3_stmt *st, const char *hash,
			 struct od_err *err)
{
	int src = sqlite3_step(st);

	if (src == SQLITE_ROW)
		return OD_OK;
	if (src == SQLITE_DONE)
		return od_err_set(err, OD_E_NOTFOUND, "evidence %.71s is not "
				  "here yet: sync first", hash);
	return store_fail(s, src, "reading an evidence file", err);
}

enum od_code store_evidence_get(struct store *s, const char *hash,
				struct buf *out,
				struct store_evidence_info *info,
				struct od_err *err)
{
	char got[STORE_EVIDENCE_HASH_LEN + 1];
	struct store_evidence_info mine;
	sqlite3_stmt *st = prepare(s, get_sql, err);
	const void *p;
	size_t n;
	enum od_code rc;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	rc = find(s, st, hash, err);
	if (rc == OD_OK) {
		read_info(st, hash, info != NULL ? info : &mine);
		p = sqlite3_column_blob(st, 3);
		n = (size_t)sqlite3_column_bytes(st, 3);
		store_evidence_hash(p != NULL ? p : "", n, got);
		if (strcmp(got, hash) != 0)
			rc = od_err_set(err, OD_E_TAMPERED, "evidence %.71s "
					"in this store no longer hashes to "
					"its name: it was changed behind the "
					"desk's back; nothing written", hash);
		else
			rc = buf_add(out, p, n, err);
	}
	sqlite3_reset(st);
	return rc;
}

enum od_code store_evidence_stat(struct store *s, const char *hash,
				 struct store_evidence_info *info,
				 struct od_err *err)
{
	sqlite3_stmt *st = prepare(s, stat_sql, err);
	enum od_code rc;

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	rc = find(s, st, hash, err);
	if (rc == OD_OK)
		read_info(st, hash, info);
	sqlite3_reset(st);
	return rc;
}

enum od_code store_evidence_mark_pushed(struct store *s, const char *hash,
					struct od_err *err)
{
	sqlite3_stmt *st = prepare(s, pushed_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	return store_step_done(s, st, "marking evidence as sent", err);
}

/* A list of names copied out of a query, before the callbacks run. */
struct named {
	long long seq;
	char kind[32];
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
};

struct named_list {
	struct named *v;
	size_t n, cap;
};

/* Appends one name to l. */
static enum od_code named_push(struct named_list *l, long long seq,
			       const char *kind, const char *hash,
			       struct od_err *err)
{
	struct named *nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		nv = realloc(l->v, l->cap * sizeof *nv);
		if (nv == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		l->v = nv;
	}
	l->v[l->n].seq = seq;
	snprintf(l->v[l->n].kind, sizeof l->v[l->n].kind, "%s", kind);
	memcpy(l->v[l->n].hash, hash, STORE_EVIDENCE_HASH_LEN);
	l->v[l->n].hash[STORE_EVIDENCE_HASH_LEN] = '\0';
	l->n++;
	return OD_OK;
}

/* Adds each well-formed `evidence:` line of statement t[0..n) to l. */
static enum od_code named_scan(struct named_list *l, long long seq,
			       const char *kind, const char *t, size_t n,
			       struct od_err *err)
{
	const size_t tag = sizeof NAMED_TAG - 1;
	char h[STORE_EVIDENCE_HASH_LEN + 1];
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; rc == OD_OK && i + tag + STORE_EVIDENCE_HASH_LEN <= n;
	     i++) {
		if (memcmp(t + i, NAMED_TAG, tag) != 0)
			continue;
		memcpy(h, t + i + tag, STORE_EVIDENCE_HASH_LEN);
		h[STORE_EVIDENCE_HASH_LEN] = '\0';
		if (store_evidence_hash_ok(h))
			rc = named_push(l, seq, kind, h, err);
	}
	return rc;
}

enum od_code store_evidence_named_each(
	struct store *s, const char *order, long long after,
	enum od_code (*fn)(void *ctx, long long seq, const char *kind,
			   const char *hash, struct od_err *err),
	void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = prepare(s, order ? named_order_sql :
				   named_all_sql, err);
	struct named_list l = { NULL, 0, 0 };
	enum od_code rc = OD_OK;
	size_t i;
	int src;

	if (st == NULL)
		return err->code;
	sqlite3_bind_blob(st, 1, NAMED_TAG, sizeof NAMED_TAG - 1,
			  SQLITE_STATIC);
	if (order != NULL)
		store_bind_text(st, 2, order);
	else
		sqlite3_bind_int64(st, 3, after);
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = named_scan(&l, sqlite3_column_int64(st, 0),
				store_col_text(st, 1),
				sqlite3_column_blob(st, 2),
				(size_t)sqlite3_column_bytes(st, 2), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the log's evidence", err);
	sqlite3_reset(st);
	for (i = 0; rc == OD_OK && i < l.n; i++)
		rc = fn(ctx, l.v[i].seq, l.v[i].kind, l.v[i].hash, err);
	free(l.v);
	return rc;
}

enum od_code store_evidence_want(struct store *s, const char *hash,
				 struct od_err *err)
{
	sqlite3_stmt *st = prepare(s, want_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	return store_step_done(s, st, "noting evidence to fetch", err);
}

/* Copies the hashes sql gives into a list, then calls fn on each. */
static enum od_code hashes_each(
	struct store *s, const char *sql,
	enum od_code (*fn)(void *ctx, const char *hash, struct od_err *err),
	void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = prepare(s, sql, err);
	struct named_list l = { NULL, 0, 0 };
	enum od_code rc = OD_OK;
	size_t i;
	int src;

	if (st == NULL)
		return err->code;
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		if (store_evidence_hash_ok(store_col_text(st, 0)))
			rc = named_push(&l, 0, "", store_col_text(st, 0), err);
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the evidence to move", err);
	sqlite3_reset(st);
	for (i = 0; rc == OD_OK && i < l.n; i++)
		rc = fn(ctx, l.v[i].hash, err);
	free(l.v);
	return rc;
}

enum od_code store_evidence_unpushed_each(
	struct store *s,
	enum od_code (*fn)(void *ctx, const char *hash, struct od_err *err),
	void *ctx, struct od_err *err)
{
	return hashes_each(s, unpushed_sql, fn, ctx, err);
}

enum od_code store_evidence_wanted_each(
	struct store *s,
	enum od_code (*fn)(void *ctx, const char *hash, struct od_err *err),
	void *ctx, struct od_err *err)
{
	return hashes_each(s, wanted_sql, fn, ctx, err);
}

enum od_code store_evidence_named(struct store *s, const char *hash,
				  int *named, struct od_err *err)
{
	char needle[sizeof NAMED_TAG + STORE_EVIDENCE_HASH_LEN];
	sqlite3_stmt *st = store_stmt(s, named_one_sql, err);
	enum od_code rc = OD_OK;
	int src;

	*named = 0;
	if (st == NULL)
		return err->code;
	if (!store_evidence_hash_ok(hash))
		return od_err_set(err, OD_E_INPUT, "an evidence name is "
				  "\"sha256:\" and 64 lower-case hex digits");
	snprintf(needle, sizeof needle, "%s%s", NAMED_TAG, hash);
	sqlite3_bind_blob(st, 1, needle, (int)strlen(needle),
			  SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*named = 1;
	else if (src != SQLITE_DONE)
		rc = store_fail(s, src, "looking for evidence in the log", err);
	sqlite3_reset(st);
	return rc;
}
