/*
 * shop-internal.h - what the shop's files share: the directory's paths and
 * lock, the person's key, and the database file's bookkeeping.  Not for
 * other modules (they use app/shop/shop.h).
 */
#ifndef OD_SHOP_INTERNAL_H
#define OD_SHOP_INTERNAL_H

#include "app/shop/shop.h"

/* The database being made under a new key during a rotation. */
#define DB_NEW_SUFFIX ".new"

/* A fresh shop struct with no files open; NULL when out of memory. */
struct shop *shop_alloc(void);

/* Fills in the paths of sh for dir. */
enum od_code shop_paths(struct shop *sh, const char *dir, struct od_err *err);

/* Makes dir (0700) if it is missing; refuses one others may write in. */
enum od_code shop_make_dir(const char *dir, struct od_err *err);

/* A shop struct for dir (made 0700 if missing), its lock held exclusive:
 * the start of founding one or of locking it for a restore. */
enum od_code shop_take_dir(const char *dir, struct shop **out,
			   struct od_err *err);

/* Takes the store's lock, shared or exclusive, waiting a little. */
enum od_code shop_take_lock(struct shop *sh, int exclusive, struct od_err *err);

/* Takes the signing key from seed and records who is signing. */
enum od_code shop_take_key(struct shop *sh, const char *user,
			   const uint8_t seed[KEYSLOT_SEED_LEN], struct od_err *err);

/* Remembers which file the database is, to notice a rotation later. */
enum od_code shop_note_db_file(struct shop *sh, struct od_err *err);

/* Removes a database file, its WAL and shm companions and its record. */
void shop_remove_db_files(const char *db_path);

/*
 * The store for an operation (shop-keep.c): the one kept open, or a new
 * connection; *check says whether the person's role must be read again
 * (a new connection, a write, or another connection wrote meanwhile).
 * shop_kept_put ends the operation's use of it (kept, or closed when the
 * shop keeps none); shop_kept_drop closes both.
 */
enum od_code shop_kept_take(struct shop *sh, int write, int *check,
			    struct od_err *err);
void shop_kept_put(struct shop *sh);
void shop_kept_drop(struct shop *sh);

/* Makes sure a directory entry change (rename, unlink) is on disk. */
enum od_code shop_sync_dir(const char *dir, struct od_err *err);

#endif
