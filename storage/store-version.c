/* store-version.c - SQLite's data_version of a store's connection. */
#include "storage/store-version.h"

#include <stdlib.h>

#include "storage/store-internal.h"

/* Takes the one value of the pragma's one row. */
static int take(void *ctx, int n, char **value, char **name)
{
	(void)name;
	*(long long *)ctx = n > 0 && value[0] != NULL ?
			    strtoll(value[0], NULL, 10) : -1;
	return 0;
}

enum od_code store_data_version(struct store *s, long long *v,
				struct od_err *err)
{
	int src;

	*v = -1;
	src = sqlite3_exec(s->db, "PRAGMA data_version", take, v, NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	return OD_OK;
}
