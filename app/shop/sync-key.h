/*
 * sync-key.h - the desk's TLS key for the backend, sealed in the store.
 *
 * The private key of the desk's client certificate is a bearer credential:
 * whoever holds it (and the certificate, which is public) may pull the
 * shop's whole log from the backend.  So it never sits in a file in the
 * clear.  It is kept as a row of the encrypted database, where every page
 * (and every WAL frame) is AES-256-GCM under the data key: it is exactly
 * as safe as the orders, with no scheme or file of its own to get wrong.
 * A row rather than a file sealed under a key derived from the data key
 * because a data-key rotation (`user revoke`) copies the database under
 * the new key, and the row goes with it; a sealed file would have to be
 * resealed in step, and a crash between the two would lose the key.
 * A restored backup does not carry it: a restore detaches the store
 * (sync_key_detach), so that a backup file and any one person's
 * passphrase are no lasting credential for the backend's whole log.
 *
 * It leaves the store only in memory, on its way to the TLS client
 * (net/tls-client.h), and is wiped there after use.
 *
 * Desks made before this kept it in the clear as DIR/backend/desk.key:
 * the first unlock seals it and removes the file (sync_key_migrate).
 */
#ifndef OD_SYNC_KEY_H
#define OD_SYNC_KEY_H

#include "lib/err.h"
#include "storage/store.h"

#define SYNC_DIR          "backend"          /* in the store directory */
#define SYNC_KEY_OLD_FILE "desk.key"         /* in SYNC_DIR, before this */
#define SYNC_KEY_META     "sync.desk_key"    /* the PEM, in the store */
#define SYNC_KEY_MAX      (16 * 1024)        /* bytes of PEM */
#define SYNC_META_RESTORED "sync.restored"  /* "1": detached by restore */

/*
 * Reads a PEM private key from path (a bundle's desk.key) into *pem (the
 * caller's: secret_free_str), and checks it is the key of cert_pem (if not
 * NULL).  Unreadable, too large, not a key or not that certificate's key:
 * one sentence naming path.
 */
enum od_code sync_key_read_file(const char *path, const char *cert_pem,
				char **pem, struct od_err *err);

/* Seals pem in the store: call inside the caller's write transaction. */
enum od_code sync_key_put(struct store *s, const char *pem,
			  struct od_err *err);

/*
 * Reads the sealed key into *pem (the caller's: secret_free_str).  None
 * sealed gives OD_E_NOTFOUND with a message that says how to attach.
 */
enum od_code sync_key_get(struct store *s, char **pem, struct od_err *err);

/*
 * Detaches the store from its backend, inside the caller's write
 * transaction: removes the sealed key (its bytes overwritten, not left on
 * a free page), the backend's address and pin and the last try's status.
 * What the desk verified of the backend's log (its head key, the synced
 * head) stays, so a new attach to the same backend goes on from there.
 * When the store was attached, marks it SYNC_META_RESTORED: sync then says
 * it must join again (sync_attach removes the mark).
 */
enum od_code sync_key_detach(struct store *s, struct od_err *err);

/* Whether DIR/backend/desk.key is there (a plaintext key to migrate). */
int sync_key_old_file(const char *dir);

/*
 * Seals DIR/backend/desk.key in s (its store, unlocked and held
 * exclusively) in one transaction, then overwrites the file with zeros,
 * fsyncs it, removes it and fsyncs the directory.  The file wins over a
 * key sealed before: only an older orderdesk writes it (run again after
 * this one attached), and that one synced with the file.  A file that is
 * not a private key is left alone (sync then says the desk has no key).
 * No file: OD_OK.  A crash at any point leaves either the file (sealed or
 * not: sealed again on the next unlock) or the key sealed and the file
 * gone.
 */
enum od_code sync_key_migrate(struct store *s, const char *dir,
			      struct od_err *err);

#endif
