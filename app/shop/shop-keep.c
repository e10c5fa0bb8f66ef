/*
 * shop-keep.c - the store kept open between a long session's operations
 * (shop_keep_store): the lock is let go as ever, so commands in other
 * terminals run meanwhile, but the connection, its page cache and its
 * prepared statements stay, and the person's role is read again only when
 * another connection wrote (SQLite's data_version), not at every key.
 */
#include "app/shop/shop.h"

#include "app/shop/shop-internal.h"
#include "storage/store-version.h"

void shop_keep_store(struct shop *sh, int on)
{
	sh->keep = on != 0;
	if (!sh->keep) {
		store_close(sh->kept);
		sh->kept = NULL;
	}
}

enum od_code shop_kept_take(struct shop *sh, int write, int *check,
			    struct od_err *err)
{
	long long v;
	enum od_code rc;

	*check = 1;
	if (sh->kept == NULL) {
		sh->kept_gen++;
		rc = store_open(sh->db_path, sh->data_key, &sh->store, err);
		if (rc == OD_OK && sh->keep)
			rc = store_data_version(sh->store, &sh->kept_version,
						err);
		return rc;
	}
	sh->store = sh->kept;
	sh->kept = NULL;
	rc = store_data_version(sh->store, &v, err);
	/* A write may change what the role allows: always asked then. */
	*check = write || v != sh->kept_version;
	if (*check)
		sh->kept_gen++;
	sh->kept_version = write ? -1 : v;
	return rc;
}

void shop_kept_put(struct shop *sh)
{
	if (!sh->keep) {
		store_close(sh->kept);
		sh->kept = NULL;
		store_close(sh->store);
	} else if (sh->store != NULL) {
		sh->kept = sh->store;
	}
	sh->store = NULL;
}

void shop_kept_drop(struct shop *sh)
{
	store_close(sh->kept);
	sh->kept = NULL;
	store_close(sh->store);
	sh->store = NULL;
}
