/* store-version.c - SQLite's data_version of a store's connection. */
#include "storage/store-version.h"

#include "storage/store-internal.h"

enum od_code store_data_version(struct store *s, long long *v,
				struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "PRAGMA data_version", err);
	int src;

	*v = -1;
	if (st == NULL)
		return err->code;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return store_fail(s, src, "reading the store", err);
	return OD_OK;
}
