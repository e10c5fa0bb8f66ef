/*
 * keyslot.h - the store's key slots: who may unlock it, and their sealed keys.
 *
 * The store's data is encrypted with one random 32-byte data key.  Each user
 * has a slot in the file "keyslots" beside the database, holding:
 *
 *  - the Argon2id parameters and salt for that user's passphrase;
 *  - the user's sealed secrets: their Ed25519 signing seed and their X25519
 *    unwrapping key, encrypted (AES-256-GCM) under Argon2id(passphrase), so
 *    only that person's passphrase lets anyone sign as them;
 *  - the data key wrapped to the user's X25519 public key (an ephemeral
 *    X25519 exchange, then AES-256-GCM).
 *
 * Wrapping the data key to a public key rather than straight under the
 * passphrase is what lets an owner revoke a user and rotate the data key
 * without knowing anybody else's passphrase: the new key is wrapped to every
 * remaining user's public key.
 *
 * The whole file carries a MAC keyed from the data key, checked on every
 * unlock, so a slot quietly swapped or edited on disk is noticed.  The file is
 * written atomically (temp file, fsync, rename, fsync of the directory) with
 * mode 0600.  User names are the only plaintext in it.
 */
#ifndef OD_KEYSLOT_H
#define OD_KEYSLOT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"

#define KEYSLOT_KEY_LEN   32
#define KEYSLOT_SEED_LEN  32
#define KEYSLOT_NAME_MAX  32

/* Argon2id cost; the defaults are the floor (64 MiB), never lower. */
struct keyslot_kdf {
	uint32_t t_cost;      /* passes */
	uint32_t m_cost_kib;  /* memory in KiB, at least 65536 */
	uint32_t lanes;
};

/* The default parameters for new slots: t=3, 64 MiB, 1 lane. */
extern const struct keyslot_kdf keyslot_kdf_default;

struct keyslot_file;

/*
 * Loads the slots file at path.  A missing file gives OD_E_NOTFOUND; a file
 * that does not parse gives OD_E_TAMPERED.  On success *out is the caller's
 * (keyslot_free).
 */
enum od_code keyslot_load(const char *path, struct keyslot_file **out,
			  struct od_err *err);

/* Makes a new, empty slots file object to be saved at path. */
enum od_code keyslot_new(const char *path, struct keyslot_file **out,
			 struct od_err *err);

/* Frees kf, wiping any key material it holds; NULL is a no-op. */
void keyslot_free(struct keyslot_file *kf);

/* Number of slots and the user name of slot i (borrowed; NULL past the end). */
size_t keyslot_count(const struct keyslot_file *kf);
const char *keyslot_user(const struct keyslot_file *kf, size_t i);
int keyslot_has(const struct keyslot_file *kf, const char *user);

/*
 * Unlocks user's slot with the passphrase: derives the KEK, opens the sealed
 * secrets, unwraps the data key and checks the file's MAC with it.  On success
 * data_key and seed hold the secrets (the caller wipes them).  A wrong
 * passphrase gives OD_E_AUTH "wrong passphrase for USER; ...", an unknown user
 * OD_E_AUTH too, a bad MAC OD_E_TAMPERED.  Nothing is written.  The MAC
 * covers the file as last loaded or saved, so an object with unsaved changes
 * (or never saved) gives OD_E_USAGE: save it first.  On failure data_key and
 * seed are zeros.
 */
enum od_code keyslot_unlock(const struct keyslot_file *kf, const char *user,
			    const char *pass, size_t pass_len,
			    uint8_t data_key[KEYSLOT_KEY_LEN],
			    uint8_t seed[KEYSLOT_SEED_LEN], struct od_err *err);

/*
 * Adds a slot for a new user: seals seed under the passphrase (with kdf, or
 * the default if NULL), makes the user's X25519 pair, wraps data_key to it.
 * A name already present gives OD_E_EXISTS; a bad name, an empty passphrase
 * or a cost below the floor, OD_E_USAGE.  data_key must be the key the other
 * slots hold: it is checked against the loaded file's MAC (OD_E_TAMPERED if
 * it does not match) or the key given before (OD_E_USAGE).  Changes memory
 * only; call keyslot_save to write.
 */
enum od_code keyslot_add(struct keyslot_file *kf, const char *user,
			 const char *pass, size_t pass_len,
			 const uint8_t data_key[KEYSLOT_KEY_LEN],
			 const uint8_t seed[KEYSLOT_SEED_LEN],
			 const struct keyslot_kdf *kdf, struct od_err *err);

/*
 * Re-seals user's secrets under a new passphrase (the old one must be right:
 * OD_E_AUTH otherwise, as for an unknown user).  Memory only; call
 * keyslot_save.
 */
enum od_code keyslot_change_passphrase(struct keyslot_file *kf, const char *user,
				       const char *old_pass, size_t old_len,
				       const char *new_pass, size_t new_len,
				       struct od_err *err);

/*
 * Replaces user's sealed secrets with a new signing seed and a new X25519
 * pair, sealed under new_pass, and wraps data_key (checked as keyslot_add
 * does) to the new pair: after a user.rekey, no old copy of the slot or
 * its bundle opens anything made from now on.  The old passphrase must be
 * right (OD_E_AUTH otherwise).  Memory only; call keyslot_save.
 */
enum od_code keyslot_rekey(struct keyslot_file *kf, const char *user,
			   const char *old_pass, size_t old_len,
			   const char *new_pass, size_t new_len,
			   const uint8_t data_key[KEYSLOT_KEY_LEN],
			   const uint8_t seed[KEYSLOT_SEED_LEN],
			   struct od_err *err);

/* Drops user's slot (memory only).  Unknown user: OD_E_NOTFOUND. */
enum od_code keyslot_remove(struct keyslot_file *kf, const char *user,
			    struct od_err *err);

/*
 * Wraps new_data_key to every slot's public key, replacing the old wrapping
 * (memory only).  Used to rotate the data key after a revocation.  It cannot
 * check the slots it rewraps (it has no old key), so unlock first: the
 * unlock checks the file's MAC.  Afterwards only new_data_key is accepted
 * by keyslot_add and keyslot_save.
 */
enum od_code keyslot_rewrap_all(struct keyslot_file *kf,
				const uint8_t new_data_key[KEYSLOT_KEY_LEN],
				struct od_err *err);

/*
 * Writes the file atomically, mode 0600, with a MAC keyed from data_key
 * (the key the slots currently wrap; checked as keyslot_add does).  A full
 * disk gives OD_E_NOSPACE, another write failure OD_E_IO, and both leave the
 * previous file in place.
 */
enum od_code keyslot_save(struct keyslot_file *kf,
			  const uint8_t data_key[KEYSLOT_KEY_LEN],
			  struct od_err *err);

/*
 * A person's key bundle: what lets another desk of the shop make a slot for
 * them without their passphrase, and lets them unlock it with it.  It is
 * their slot without the wrapped data key, as text:
 *   user: NAME
 *   kdf: argon2id T M P
 *   salt: B64
 *   sealed: B64        (seed and X25519 key under Argon2id(passphrase))
 *   seal_pub: B64      (the X25519 public key the data key is wrapped to)
 * Nothing in it is readable without the passphrase; the caller signs it
 * with the person's key so that a desk takes it only from them.
 */

/* Appends user's bundle to out.  No slot for user gives OD_E_NOTFOUND. */
enum od_code keyslot_bundle_export(const struct keyslot_file *kf,
				   const char *user, struct buf *out,
				   struct od_err *err);

/* Reads the user a bundle names; one that names none gives OD_E_INPUT. */
enum od_code keyslot_bundle_parse(const char *text,
				  char user[KEYSLOT_NAME_MAX + 1],
				  struct od_err *err);

/*
 * Makes or replaces the slot of the bundle's user with its sealed keys and
 * data_key wrapped to its public key (memory only; keyslot_save writes).
 * The same keys as the slot already has change nothing.  A bundle not
 * exactly of the form above, or with an Argon2id cost below the floor,
 * gives OD_E_INPUT; data_key is checked as keyslot_add does.
 */
enum od_code keyslot_bundle_import(struct keyslot_file *kf, const char *text,
				   const uint8_t data_key[KEYSLOT_KEY_LEN],
				   struct od_err *err);

#endif
