/*
 * backup.h - signed, encrypted, verified backups of a whole shop.
 *
 * A backup file is
 *   "orderdesk-backup/2\n"
 *   "signer: NAME\n"
 *   u32 big-endian length, then the key slots file
 *   u32 big-endian length, then the tokenkeys file (which people of this
 *                          desk sign on a token, keyslot-token.h; empty
 *                          when none; a "/1" backup, still read, has none)
 *   u64 big-endian length, then a consistent copy of the database (its pages
 *                          encrypted under the data key, as in the store)
 *   64-byte Ed25519 signature by NAME over SHA-256 of everything before it
 *   32-byte HMAC-SHA-256 under a key derived from the data key, over
 *           everything before it
 * so it is as encrypted as the store itself, nobody without a passphrase of
 * the shop can read it, and nobody can alter it unnoticed.  The copy is
 * detached from the backend (sync_key_detach: no TLS key, address or pin),
 * and so is every restored store, whatever backup it came from: with a
 * backup and one passphrase, nobody can sync as the desk that made it.
 */
#ifndef OD_BACKUP_H
#define OD_BACKUP_H

#include <stddef.h>

#include "app/shop/shop.h"
#include "lib/err.h"

/* Largest backup file accepted on restore. */
#define BACKUP_MAX_BYTES (8LL * 1024 * 1024 * 1024)

/*
 * Writes a backup of the unlocked shop to path (mode 0600, atomically), then
 * reads it back and checks it.  *bytes gets its size.
 */
enum od_code backup_write(struct shop *sh, const char *path,
			  long long *bytes, struct od_err *err);

/*
 * Restores the backup at path into dir, which must not hold a shop.  The
 * passphrase of user (one of the backup's people) unlocks it; the MAC, the
 * signature, every page and the whole log are checked before any file takes
 * its final name.  Nothing is left in dir on failure.
 */
enum od_code backup_restore(const char *dir, const char *path,
			    const char *user, const char *pass,
			    size_t pass_len, struct od_err *err);

#endif
