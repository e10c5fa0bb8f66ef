/*
 * store-version.h - whether another connection wrote the store since a
 * connection last looked (SQLite's data_version): what lets a store kept
 * open between operations (app/shop/shop.h, shop_keep_store) skip
 * rereading what cannot have changed.
 */
#ifndef OD_STORE_VERSION_H
#define OD_STORE_VERSION_H

#include "lib/err.h"
#include "storage/store.h"

/*
 * s's data version into *v: it changes when another connection, in this
 * process or another, commits; never for s's own writes.
 */
enum od_code store_data_version(struct store *s, long long *v,
				struct od_err *err);

#endif
