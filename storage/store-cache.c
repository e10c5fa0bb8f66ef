/*
 * store-cache.c - the page cache size a process's stores get
 * (store-cache.h).
 */
#include "storage/store-cache.h"

#include <stdatomic.h>
#include <stdio.h>

#include "storage/store-internal.h"

/* 0: the VFS's default.  Atomic: the desk opens stores on two threads. */
static atomic_int cache_kib;

void store_set_cache_kib(int kib)
{
	atomic_store(&cache_kib, kib > 0 ? kib : 0);
}

enum od_code store_cache_apply(struct store *s, struct od_err *err)
{
	int kib = atomic_load(&cache_kib);
	char sql[64];

	if (kib == 0)
		return OD_OK;
	/* Negative: a size in KiB, whatever the page size. */
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", kib);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return od_err_set(err, OD_E_IO, "cannot set the store's page "
				  "cache: %s", sqlite3_errmsg(s->db));
	return OD_OK;
}

/* One integer PRAGMA's value, or 0 when it cannot be read. */
static long pragma_long(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

long store_cache_kib(struct store *s)
{
	long v = pragma_long(s->db, "PRAGMA cache_size");

	if (v == 0)
		return -1;
	/* Negative: KiB; positive: pages. */
	return v < 0 ? -v : v * pragma_long(s->db, "PRAGMA page_size") / 1024;
}
