/* store-prefs-schema.c - the settings' table (store-prefs-schema.h). */
#include "storage/store-prefs-schema.h"

#include "storage/vfs-crypt.h"

static const char table_sql[] =
	"CREATE TABLE IF NOT EXISTS prefs("
	" person TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY(person, name)) WITHOUT ROWID";
static const char views_there_sql[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = 'views'";
/*
 * Its rows replace settings of the same name: an older orderdesk, run on
 * the store since the last move, saved them last.
 */
static const char move_views_sql[] =
	"INSERT OR REPLACE INTO prefs(person, name, value)"
	" SELECT person, 'view.' || name, filter FROM views;"
	"DROP TABLE views";

#define MOVING "moving the saved views to the settings"

enum od_code prefs_schema_table(sqlite3 *db, struct od_err *err)
{
	return vfs_crypt_error(sqlite3_exec(db, table_sql, NULL, NULL, NULL),
			       "making the settings table", err);
}

/* Whether the store still has the views table. */
static enum od_code views_there(sqlite3 *db, int *there, struct od_err *err)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(db, views_there_sql, -1, &st, NULL);

	*there = 0;
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*there = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	return vfs_crypt_error(src, MOVING, err);
}

enum od_code prefs_schema_upgrade(sqlite3 *db, struct od_err *err)
{
	int there;
	enum od_code rc = views_there(db, &there, err);

	if (rc != OD_OK || !there)
		return rc;
	rc = vfs_crypt_error(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
					  NULL), MOVING, err);
	if (rc != OD_OK)
		return rc;
	/* Another process may have moved them while this one waited. */
	rc = views_there(db, &there, err);
	if (rc == OD_OK && there)
		rc = prefs_schema_table(db, err);
	if (rc == OD_OK && there)
		rc = vfs_crypt_error(sqlite3_exec(db, move_views_sql, NULL,
						  NULL, NULL), MOVING, err);
	if (rc == OD_OK)
		rc = vfs_crypt_error(sqlite3_exec(db, "COMMIT", NULL, NULL,
						  NULL), MOVING, err);
	if (rc != OD_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
