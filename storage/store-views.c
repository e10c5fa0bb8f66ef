/* store-views.c - a person's saved views: the views table's SQL. */
#include "storage/store-views.h"

#include "storage/store-internal.h"

static const char view_put_sql[] =
	"INSERT OR REPLACE INTO views(person, name, filter) VALUES(?1, ?2, ?3)";
static const char view_drop_sql[] =
	"DELETE FROM views WHERE person = ?1 AND name = ?2";
static const char view_each_sql[] =
	"SELECT name, filter FROM views WHERE person = ?1 ORDER BY name";

enum od_code store_view_put(struct store *s, const char *person,
			    const char *name, const char *filter,
			    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, view_put_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, person);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, filter);
	return store_step_done(s, st, "saving the view", err);
}

enum od_code store_view_drop(struct store *s, const char *person,
			     const char *name, int *gone, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, view_drop_sql, err);
	enum od_code rc;

	*gone = 0;
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, person);
	store_bind_text(st, 2, name);
	rc = store_step_done(s, st, "deleting the view", err);
	if (rc == OD_OK)
		*gone = sqlite3_changes(s->db) > 0;
	return rc;
}

enum od_code store_view_each(struct store *s, const char *person,
			     store_view_cb cb, void *ctx, struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	enum od_code rc = OD_OK;
	int src;

	/* Not cached: the callback may use the cache. */
	src = sqlite3_prepare_v2(s->db, view_each_sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the saved views", err);
	store_bind_text(st, 1, person);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(ctx, store_col_text(st, 0), store_col_text(st, 1), err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the saved views", err);
	sqlite3_finalize(st);
	return rc;
}
