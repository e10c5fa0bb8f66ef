/*
 * store-cache.h - how large a page cache the stores a process opens get.
 *
 * The encrypting VFS gives every store 64 MiB (storage/vfs-crypt.c): the
 * desk and the backend read the same pages again and again, and a miss
 * costs a decryption.  A one-shot command reads each page once, and filling
 * 64 MiB of fresh memory (page faults, then page by page) made a cold
 * `orderdesk list` twice SQLite's own; a small cache, reused as the pages
 * stream past, does not.  A process is one or the other, so the choice is
 * the process's, made before its first store_open.
 */
#ifndef OD_STORE_CACHE_H
#define OD_STORE_CACHE_H

#include "lib/err.h"

/* What one-shot commands use: SQLite's own default. */
#define STORE_CACHE_SMALL_KIB 2048

struct store;

/*
 * Stores opened (store_open, store_create) after this call get a page
 * cache of kib KiB; 0 restores the VFS's default.  Stores already open
 * keep theirs.
 */
void store_set_cache_kib(int kib);

/* Applies the process's choice to a freshly opened store (store.c). */
enum od_code store_cache_apply(struct store *s, struct od_err *err);

/*
 * The page cache store s has now, in KiB (PRAGMA cache_size), or -1 when
 * it cannot be read; for tests.
 */
long store_cache_kib(struct store *s);

#endif
