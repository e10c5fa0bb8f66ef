/*
 * backend-backup.h - backups of a whole backend directory, made while it
 * serves, and restoring one into a new directory.
 *
 * A backup file (mode 0600) is
 *   "orderdeskd-backup/1\n"
 *   12-byte nonce
 *   u32 big-endian length, then the directory's other files (the CA, the
 *       server's certificate and key, orderdeskd.conf, revoked, the desks'
 *       and storefronts' bundles and keys: each a u16 name length, the
 *       name relative to the directory, a u32 length and the bytes),
 *       sealed with AES-256-GCM under a key derived from the data key
 *   u64 big-endian length, then a consistent copy of orderdesk.db, made
 *       with SQLite's backup API from one read snapshot while the server
 *       goes on writing (its pages encrypted under the data key, as in
 *       the store)
 *   32-byte HMAC-SHA-256 over everything before it, under another key
 *       derived from the data key
 *   the head key's public key and Ed25519 signature (backend-backup-sig.h)
 * backend.key is not in it: the backup is only as readable as that file,
 * which the administrator keeps a copy of apart from the backups, once
 * (it never changes).  With both, a new machine serves the same shop with
 * the same CA, server key and pin: the desks reconnect without a new join,
 * and push again whatever they hold that the backup does not.
 *
 * Every backup is read back and checked once written: the MAC, the
 * files, every page of the copy and the whole log (ledger_verify).
 */
#ifndef OD_BACKEND_BACKUP_H
#define OD_BACKEND_BACKUP_H

#include "lib/err.h"

#define BACKEND_BACKUP_MAGIC "orderdeskd-backup/2\n"  /* /1: unsigned */
#define BACKEND_BACKUP_FILES_MAX (64 * 1024 * 1024)  /* all the files */

/* What a backup holds, once checked. */
struct backend_backup_report {
	long long entries;        /* log entries, every one verified */
	long long files;          /* files beside the store */
	long long bytes;          /* the backup file's size */
};

/* Writes a backup of the backend in dir to path, then checks it. */
enum od_code backend_backup(const char *dir, const char *path,
			    struct backend_backup_report *rep,
			    struct od_err *err);

/*
 * Restores the backup at path into dir (made 0700; it must not exist, or
 * be empty) with key_file, a copy of the backend's backend.key.  Every
 * check of backend_backup passes before anything is kept; on failure dir
 * is left as it was found (emptied).
 */
enum od_code backend_restore(const char *dir, const char *path,
			     const char *key_file,
			     struct backend_backup_report *rep,
			     struct od_err *err);

#endif
