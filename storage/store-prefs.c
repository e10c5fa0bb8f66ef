/* store-prefs.c - each person's settings at this desk (store-prefs.h). */
#include "storage/store-prefs.h"

#include <string.h>

#include "storage/store-internal.h"
#include "storage/store-prefs-schema.h"

static const char exists_sql[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = 'prefs'";
static const char get_sql[] =
	"SELECT value FROM prefs WHERE person = ?1 AND name = ?2";
static const char set_sql[] =
	"INSERT INTO prefs(person, name, value) VALUES(?1, ?2, ?3)"
	" ON CONFLICT(person, name) DO UPDATE SET value = excluded.value";
static const char drop_sql[] =
	"DELETE FROM prefs WHERE person = ?1 AND name = ?2";
/* substr, not LIKE: a name may hold '%' or '_'. */
static const char each_sql[] =
	"SELECT name, value FROM prefs WHERE person = ?1"
	" AND substr(name, 1, length(?2)) = ?2 ORDER BY name";

/*
 * Whether the table is there: a read must not make it (the store may be
 * held for reading only, beside another process's writes).
 */
static enum od_code have_table(struct store *s, int *have, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, exists_sql, err);
	int src;

	*have = 0;
	if (st == NULL)
		return err->code;
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, src, "reading the settings", err);
	}
	*have = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	return OD_OK;
}

/* Prepares sql with person and name bound; NULL without the table. */
static enum od_code prepare(struct store *s, const char *sql,
			    const char *person, const char *name,
			    sqlite3_stmt **out, struct od_err *err)
{
	int have;
	enum od_code rc = have_table(s, &have, err);

	*out = NULL;
	if (rc != OD_OK || !have)
		return rc;
	*out = store_stmt(s, sql, err);
	if (*out == NULL)
		return err->code;
	store_bind_text(*out, 1, person);
	store_bind_text(*out, 2, name);
	return OD_OK;
}

enum od_code store_pref_get(struct store *s, const char *person,
			    const char *name, char *value, size_t cap,
			    int *found, struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = prepare(s, get_sql, person, name, &st, err);
	const char *v;
	int src;

	*found = 0;
	if (cap > 0)
		value[0] = '\0';
	if (rc != OD_OK || st == NULL)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		v = store_col_text(st, 0);
		if (strlen(v) >= cap)
			rc = od_err_set(err, OD_E_INPUT, "setting %s: its "
					"value is longer than %zu bytes", name,
					cap ? cap - 1 : 0);
		else
			memcpy(value, v, strlen(v) + 1), *found = 1;
	} else if (src != SQLITE_DONE) {
		rc = store_fail(s, src, "reading the settings", err);
	}
	sqlite3_reset(st);
	return rc;
}

/* Writes or forgets the setting, the table there (in a transaction). */
static enum od_code put(struct store *s, const char *person, const char *name,
			const char *value, struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = prefs_schema_table(s->db, err);

	if (rc != OD_OK)
		return rc;
	st = store_stmt(s, value ? set_sql : drop_sql, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, person);
	store_bind_text(st, 2, name);
	if (value)
		store_bind_text(st, 3, value);
	return store_step_done(s, st, "keeping the setting", err);
}

enum od_code store_pref_set(struct store *s, const char *person,
			    const char *name, const char *value,
			    struct od_err *err)
{
	enum od_code rc;

	if (name == NULL || name[0] == '\0' ||
	    strlen(name) > STORE_PREF_NAME_MAX)
		return od_err_set(err, OD_E_INPUT, "a setting's name is 1 to "
				  "%d bytes", STORE_PREF_NAME_MAX);
	if (value && strlen(value) > STORE_PREF_VALUE_MAX)
		return od_err_set(err, OD_E_INPUT, "setting %s: at most %d "
				  "bytes", name, STORE_PREF_VALUE_MAX);
	rc = store_begin(s, err);
	if (rc != OD_OK)
		return rc;
	rc = put(s, person, name, value, err);
	if (rc == OD_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

enum od_code store_pref_each(struct store *s, const char *person,
			     const char *prefix, store_pref_fn fn, void *ctx,
			     struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = prepare(s, each_sql, person, prefix, &st, err);
	int src;

	if (rc != OD_OK || st == NULL)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(ctx, store_col_text(st, 0), store_col_text(st, 1),
			err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the settings", err);
	sqlite3_reset(st);
	return rc;
}
