/*
 * backend-backup-sig.h - a backup signed with the backend's head key.
 *
 * The HMAC of a backup (backend-backup.h) needs the data key to check: only
 * the backend can.  A "orderdeskd-backup/2" file ends, after its HMAC, in
 *   the signer's raw Ed25519 public key (32 bytes)
 *   its signature (64 bytes) over "orderdeskd-backup-sig/1\n" followed by
 *       the SHA-256 of every byte of the file before the public key
 * under the head key that signs the log's heads and checkpoints (the key
 * `orderdeskd key` prints, the desks pin).  Anyone with that public key
 * checks a backup is the shop's, whole, with no secret (`orderdeskd backup
 * --check`); restore checks it against the head key in the backend.key it
 * is given.  A "/1" backup (made before signing) has no signature.
 */
#ifndef OD_BACKEND_BACKUP_SIG_H
#define OD_BACKEND_BACKUP_SIG_H

#include <stdint.h>

#include "app/keys/sigkey.h"
#include "lib/err.h"

#define BKB_SIG_TRAILER (SIGKEY_PUB_LEN + SIGKEY_SIG_LEN)

/* Appends the public key and signature by k to the backup at path. */
enum od_code bkb_sign_file(const char *path, const struct sigkey *k,
			   struct od_err *err);

/*
 * Checks the signature of the backup at path: *version 2 and OD_OK when
 * it verifies (and, if want is not NULL, was made by that key); a "/1"
 * backup gives *version 1 and OD_OK (nothing to check).  Another key gives
 * OD_E_TAMPERED naming both keys' ids; a bad signature OD_E_TAMPERED.
 * The signer's key is put in pub when that is not NULL.
 */
enum od_code bkb_verify_file(const char *path,
			     const uint8_t want[SIGKEY_PUB_LEN],
			     uint8_t pub[SIGKEY_PUB_LEN], int *version,
			     struct od_err *err);

/* The head key's public half from a backend.key file (or a copy). */
enum od_code bkb_pub_from_file(const char *path,
			       uint8_t pub[SIGKEY_PUB_LEN],
			       struct od_err *err);

#endif
