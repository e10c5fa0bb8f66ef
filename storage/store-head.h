/*
 * store-head.h - a sealed record, beside the database, of how far its log
 * got (storage/store-head.c).
 *
 * SQLite's WAL recovery stops at the first frame whose checksum fails and
 * quietly drops every frame after it, committed or not; and a database file
 * swapped for an older copy opens as if nothing happened.  Either way the
 * store would show an older state as the truth.  So after each commit that
 * changes the log (once per commit, however many entries it appended), the
 * store records in "PATH-head" the log's last seq and hash, sealed with
 * AES-256-GCM under a key derived from the data key (HKDF-SHA256, its own
 * label).  Every write is all or nothing: a new file is made as a temporary
 * file, fsync, rename (mode 0600); an update goes into the older of its two
 * slots and is synced, and the newest slot that authenticates counts (the
 * cost of one fsync instead of several: store-head-file.c says why).  Opening
 * a store whose log is behind that record (fewer entries, or another hash
 * at the recorded seq) fails with OD_E_TAMPERED.  A log ahead of it is a
 * crash between a commit and its record: the record catches up.  A store
 * made before the record existed gets one on its first open; from then on
 * the database says it has one (meta "head.record"), so deleting the
 * record is noticed too.
 *
 * store_open and store_commit do all of this by themselves.  What is here
 * is for code that moves a store's files around (restore, key rotation).
 */
#ifndef OD_STORE_HEAD_H
#define OD_STORE_HEAD_H

#include <stdint.h>

#include "lib/err.h"
#include "storage/store.h"

/* What is appended to a database's path to name its record. */
#define STORE_HEAD_SUFFIX "-head"

/*
 * Trusts the encrypted store at path as it is now (a copy just made, or a
 * backup just checked) and writes its record under key, replacing any.
 */
enum od_code store_head_adopt(const char *path,
			      const uint8_t key[STORE_KEY_LEN],
			      struct od_err *err);

/*
 * Moves the record of the store at from to be the record of the store at
 * to (call it just before renaming the database itself).  No record at
 * from is not an error.
 */
enum od_code store_head_rename(const char *from, const char *to,
			       struct od_err *err);

/* Removes the record of the store at path, if any. */
void store_head_remove(const char *path);

#endif
