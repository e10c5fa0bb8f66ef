/* fixture-plain.c - a store on a plain SQLite file (see the header). */
#include "tests/unit/fixture-plain.h"

#include <sqlite3.h>

enum od_code plain_store_open(const char *path, int create,
			      struct store **out, struct od_err *err)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return od_err_set(err, OD_E_IO, "cannot open %s", path);
	}
	if (create)
		sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
	return store_adopt(db, create, out, err);
}
