/*
 * store-prefs-schema.h - the settings' table (storage/store-prefs.h says
 * what it is for), made by the first setting, and the move of a store's
 * saved views into it.  Called on the bare connection, below the store's
 * own helpers, so that store.c (at open) and the settings' queries of
 * store-prefs.c do not call each other.  Not for use outside storage/.
 */
#ifndef OD_STORE_PREFS_SCHEMA_H
#define OD_STORE_PREFS_SCHEMA_H

#include <sqlite3.h>

#include "lib/err.h"

/* Makes the settings' table if it is not there (in the caller's
 * transaction). */
enum od_code prefs_schema_table(sqlite3 *db, struct od_err *err);

/*
 * At open: a store from before saved views were settings has a table
 * "views" (person, name, filter); its rows become the settings
 * "view.NAME" and the table goes, in a transaction of its own.  Without
 * the table, nothing is written.
 */
enum od_code prefs_schema_upgrade(sqlite3 *db, struct od_err *err);

#endif
