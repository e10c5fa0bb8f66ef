/* store-events.c - the backend's security events (store-events.h). */
#include "storage/store-events.h"

#include "storage/store-internal.h"

/* Made on first use, not in store.c's schema: only a backend keeps
 * events, and a store made before them must not need an upgrade. */
static const char events_table_sql[] =
	"CREATE TABLE IF NOT EXISTS events("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" detail TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS events_time ON events(time);"
	/* The summary's: counted from the index alone, already grouped (a
	 * twelfth of the time at the cap, bench-events).  A store made
	 * before gets it with its next event. */
	"CREATE INDEX IF NOT EXISTS events_sum ON events(kind, addr, time);";
static const char events_insert_sql[] =
	"INSERT INTO events(time, kind, addr, name, detail)"
	" VALUES(?1, ?2, ?3, ?4, ?5)";
/* The oldest go past the cap: ids only grow, so this is one range. */
static const char events_trim_sql[] =
	"DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?1";
static const char events_each_sql[] =
	"SELECT id, time, kind, addr, name, detail FROM events"
	" WHERE time >= ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY id";
static const char events_count_sql[] =
	"SELECT kind, addr, count(*), min(time), max(time) FROM events"
	" WHERE time >= ?1 AND (?2 IS NULL OR kind = ?2)"
	" GROUP BY kind, addr ORDER BY count(*) DESC, kind, addr";
static const char events_exists_sql[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = 'events'";

static const char *nz(const char *v)
{
	return v != NULL ? v : "";
}

/* Whether the store has the table yet: 1, 0, or -1 on error. */
static int has_table(struct store *s, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, events_exists_sql, err);
	int src, n = -1;

	if (st == NULL)
		return -1;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		n = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	if (n < 0)
		store_fail(s, src, "reading the store's tables", err);
	return n;
}

static enum od_code add_one(struct store *s, const struct store_event *e,
			    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, events_insert_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, e->time);
	store_bind_text(st, 2, nz(e->kind));
	store_bind_text(st, 3, nz(e->addr));
	store_bind_text(st, 4, nz(e->name));
	store_bind_text(st, 5, nz(e->detail));
	return store_step_done(s, st, "keeping a security event", err);
}

enum od_code store_events_add(struct store *s, const struct store_event *evs,
			      size_t n, struct od_err *err)
{
	struct od_err again;
	sqlite3_stmt *st;
	enum od_code rc;
	size_t i;
	int src, lazy;

	if (n == 0)
		return OD_OK;
	/* Not synced on its own: under a flood of refusals one fsync per
	 * request made each cost 5 times a plain one (3 ms against 0.6),
	 * with the backend's lock held.  The WAL keeps the order, so the
	 * next full commit (a statement accepted) makes these durable too;
	 * a power cut may lose the last few events, never the log. */
	lazy = s->head.lazy;
	rc = lazy ? OD_OK : store_set_durable(s, 0, err);
	if (rc == OD_OK)
		rc = store_begin(s, err);
	if (rc != OD_OK)
		goto out;
	src = sqlite3_exec(s->db, events_table_sql, NULL, NULL, NULL);
	if (src != SQLITE_OK)
		rc = store_fail(s, src, "making the events table", err);
	for (i = 0; rc == OD_OK && i < n; i++)
		rc = add_one(s, &evs[i], err);
	if (rc == OD_OK && (st = store_stmt(s, events_trim_sql, err)) == NULL)
		rc = err->code;
	if (rc == OD_OK) {
		sqlite3_bind_int64(st, 1, STORE_EVENTS_MAX);
		rc = store_step_done(s, st, "trimming the oldest events", err);
	}
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
out:
	if (!lazy)
		store_set_durable(s, 1, &again);
	return rc;
}

/* Prepares sql with since and kind bound; NULL with *rc set when the
 * store has no events table (*rc OD_OK) or on error. */
static sqlite3_stmt *query(struct store *s, const char *sql, long long since,
			   const char *kind, enum od_code *rc,
			   struct od_err *err)
{
	sqlite3_stmt *st;
	int has = has_table(s, err);

	*rc = has < 0 ? err->code : OD_OK;
	if (has <= 0)
		return NULL;
	st = store_stmt(s, sql, err);
	if (st == NULL) {
		*rc = err->code;
		return NULL;
	}
	sqlite3_bind_int64(st, 1, since);
	if (kind != NULL)
		store_bind_text(st, 2, kind);
	else
		sqlite3_bind_null(st, 2);
	return st;
}

enum od_code store_events_each(struct store *s, long long since,
			       const char *kind, store_event_fn cb, void *ctx,
			       struct od_err *err)
{
	struct store_event e;
	sqlite3_stmt *st;
	enum od_code rc;
	int src;

	st = query(s, events_each_sql, since, kind, &rc, err);
	if (st == NULL)
		return rc;
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.time = sqlite3_column_int64(st, 1);
		e.kind = store_col_text(st, 2);
		e.addr = store_col_text(st, 3);
		e.name = store_col_text(st, 4);
		e.detail = store_col_text(st, 5);
		rc = cb(ctx, &e, err);
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the security events", err);
	sqlite3_reset(st);
	return rc;
}

enum od_code store_events_count(struct store *s, long long since,
				const char *kind, store_count_fn cb, void *ctx,
				struct od_err *err)
{
	struct store_event_count c;
	sqlite3_stmt *st;
	enum od_code rc;
	int src;

	st = query(s, events_count_sql, since, kind, &rc, err);
	if (st == NULL)
		return rc;
	while (rc == OD_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		c.kind = store_col_text(st, 0);
		c.addr = store_col_text(st, 1);
		c.count = sqlite3_column_int64(st, 2);
		c.first = sqlite3_column_int64(st, 3);
		c.last = sqlite3_column_int64(st, 4);
		rc = cb(ctx, &c, err);
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "counting the security events", err);
	sqlite3_reset(st);
	return rc;
}
