/*
 * shop.h - a store directory, unlocked by one person.
 *
 * A shop directory holds three files, all mode 0600 in a 0700 directory:
 *   orderdesk.db   the encrypted database (storage/store.h)
 *   keyslots       who may unlock it, and their sealed keys (keyslot.h)
 *   lock           taken shared by readers and exclusive by writers, so two
 *                  commands on the same store wait for each other
 * Unlocking proves the person's passphrase, opens the database with the data
 * key and makes their signing key ready; closing wipes both.
 */
#ifndef OD_SHOP_H
#define OD_SHOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "app/log/role-define.h"
#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/keyslot.h"
#include "storage/store.h"

#define SHOP_DB_FILE    "orderdesk.db"
#define SHOP_SLOTS_FILE "keyslots"
#define SHOP_LOCK_FILE  "lock"

/* How long a command waits for another one holding the store. */
#define SHOP_LOCK_WAIT_MS 30000

struct shop {
	char *dir;
	char *db_path;
	char *slots_path;
	int lock_fd;
	struct keyslot_file *slots;
	uint8_t data_key[KEYSLOT_KEY_LEN];
	struct store *store;
	char user[STMT_NAME_MAX + 1];
	enum role role;
	struct role_power power;    /* what role lets them sign, as of
				       sign-in (a defined role's too) */
	struct sigkey *key;
	char fingerprint[SIGKEY_FP_LEN + 1];
	/* The database file that was unlocked: a key rotation by another
	 * process replaces it by rename, which shop_hold notices. */
	dev_t db_dev;
	ino_t db_ino;
	/* How long shop_unlock spent deriving the passphrase's key: the
	 * benchmarks report the rest of an unlock apart from it. */
	double kdf_ms;
	/* shop_keep_store: the store kept open while released. */
	int keep;
	struct store *kept;
	long long kept_version;     /* its data_version when last checked */
	unsigned long kept_gen;     /* changes whenever what the held store
				       shows may have changed: a new
				       connection, a write, another's write */
};

enum shop_access { SHOP_READ, SHOP_WRITE };

/* The default store directory: $XDG_DATA_HOME/orderdesk or
 * ~/.local/share/orderdesk.  *dir is the caller's. */
enum od_code shop_default_dir(char **dir, struct od_err *err);

/*
 * Founds a new shop in dir (created 0700 if missing; it must not already
 * hold a shop): a data key, the owner's signing key sealed under pass, the
 * encrypted store, and the genesis statement signed by the owner.
 */
enum od_code shop_init(const char *dir, const char *shop_name,
		       const char *owner, const char *pass, size_t pass_len,
		       struct od_err *err);

/*
 * Makes the store of a desk joining a shop that already has people: the
 * directory, a fresh data key of its own, an empty database and key slots
 * with no one in them yet (app/sync/join.c pulls the log and makes a slot for
 * each person from their key bundle).  *out is held exclusively, with no
 * user signed in (user "", key NULL); the caller closes it (shop_close).
 */
enum od_code shop_create_joined(const char *dir, struct shop **out,
				struct od_err *err);

/*
 * Rotates the data key: copies the database under a new key, rewraps it
 * for every slot left, then swaps the files (after a slot was dropped).
 */
enum od_code shop_rotate_key(struct shop *sh, struct od_err *err);

/*
 * Lists the user names that have a key slot (no passphrase needed).  Calls
 * cb for each; used to choose who signs in.
 */
enum od_code shop_slot_users(const char *dir,
			     void (*cb)(void *ctx, const char *user),
			     void *ctx, struct od_err *err);

/*
 * Unlocks dir as user.  Takes the lock (shared or exclusive per access,
 * waiting up to SHOP_LOCK_WAIT_MS), checks the passphrase, opens the store,
 * finishes an interrupted key rotation, and checks that the user is active
 * in the log and that the unsealed key is theirs.  A wrong passphrase leaves
 * every file byte-for-byte as it was.  *out is the caller's (shop_close).
 */
enum od_code shop_unlock(const char *dir, const char *user, const char *pass,
			 size_t pass_len, enum shop_access access,
			 struct shop **out, struct od_err *err);

/*
 * Takes dir's lock exclusively (creating dir, mode 0700, if missing), for a
 * command that makes a shop there without unlocking one (restore).  On
 * success *fd is the lock, to close when done.
 */
enum od_code shop_lock_dir(const char *dir, int *fd, struct od_err *err);

/*
 * For a long session (the desk): closes the store and lets go of the lock
 * between operations, keeping the keys, so that commands in other terminals
 * (writers included) run meanwhile.  sh->store is NULL until shop_hold.
 * A no-op when not held.
 */
void shop_release(struct shop *sh);

/*
 * For what answers every key press (the desk's list, app/desk/desk-page.h):
 * on, shop_release keeps the store open, letting go of the lock all the
 * same, and the next shop_hold takes it back instead of opening the store
 * again: its page cache stays warm.  The hold still checks the file is the
 * one unlocked (a rotation replaces it); the role is reread only when
 * another connection wrote meanwhile (SQLite's data_version) or for a
 * write.  Off closes what was kept.
 */
void shop_keep_store(struct shop *sh, int on);

/*
 * Takes the lock again for one operation (shared for SHOP_READ, exclusive
 * for SHOP_WRITE, waiting up to SHOP_LOCK_WAIT_MS) and reopens the store.
 * Under the lock it checks that the database is still the file that was
 * unlocked: if another process rotated the data key (`user revoke`) or left
 * a rotation to finish, the keys held are stale and it gives OD_E_AUTH
 * asking to unlock again.  It also rereads the user's role (OD_E_AUTH when
 * they were revoked meanwhile; a key the log no longer gives them, after
 * a rekey or a sync, is let be, as the fold refuses all it signs) and, for
 * SHOP_WRITE, the key slots, so that
 * what another process changed there is not overwritten.  On any error the
 * lock is let go again.  End the operation with shop_release.
 */
enum od_code shop_hold(struct shop *sh, enum shop_access access,
		       struct od_err *err);

/*
 * shop_hold without waiting: OD_E_BUSY at once while another command holds
 * the lock (for what must answer a key press, the desk's search).
 */
enum od_code shop_hold_now(struct shop *sh, enum shop_access access,
			   struct od_err *err);

/*
 * A second handle on the same unlocked shop, for another thread (the
 * desk's background sync, app/sync/sync.h): the same user and data key, its
 * own lock descriptor, released (shop_hold before use), and no signing
 * key: it cannot sign.  *out is the caller's (shop_close).
 */
enum od_code shop_clone(const struct shop *sh, struct shop **out,
			struct od_err *err);

/* Closes the store, wipes the keys, releases the lock; NULL is a no-op. */
void shop_close(struct shop *sh);

/* Makes an empty statement of kind signed as the shop's user. */
enum od_code shop_statement(struct shop *sh, enum stmt_kind kind,
			    const char *order, struct statement **out,
			    struct od_err *err);

/*
 * Makes statement i of a batch; *out is then the batch's to free.
 */
#define SHOP_ROUND 256

typedef enum od_code (*shop_make_fn)(void *ctx, size_t i,
				     struct statement **out,
				     struct od_err *err);

/*
 * Makes, signs, checks and appends n statements in one durable
 * transaction: all of them land or none do.  They are made and signed in
 * rounds of SHOP_ROUND (signed on every core, ledger_append_many), so a
 * batch may be as large as an import while memory stays flat.  *first (if
 * not NULL) gets the seq of the first entry.
 */
enum od_code shop_append_many(struct shop *sh, size_t n, shop_make_fn make,
			      void *ctx, long long *first, struct od_err *err);

/*
 * Signs, checks and appends statements in one durable transaction: all of
 * them land or none do.  seqs (if not NULL) gets each entry's seq.
 */
enum od_code shop_append(struct shop *sh, struct statement *const *sts,
			 size_t n, long long *seqs, struct od_err *err);

/*
 * Adds a person: makes their signing key, seals it under their passphrase,
 * wraps the data key to them and signs a user.add as the current user.
 */
enum od_code shop_user_add(struct shop *sh, const char *name, enum role role,
			   const char *pass, size_t pass_len,
			   struct od_err *err);

/* shop_user_add for a role named role: a built-in one or one the owner
 * defined (app/log/role-define.h; the fold refuses one not defined). */
enum od_code shop_user_add_named(struct shop *sh, const char *name,
				 const char *role, const char *pass,
				 size_t pass_len, struct od_err *err);

/*
 * The two halves of shop_user_add, for a caller that shows the statement
 * before it is signed (the desk): prepare makes the new person's key (its
 * seed in seed, which the caller wipes) and the unsigned user.add in *out
 * (the caller's, statement_free).  append, inside the caller's
 * transaction, signs and appends st (*seq, if not NULL, its entry), and
 * seals the key under pass in the person's new key slot, saved before the
 * caller commits; on failure the caller rolls back.
 */
enum od_code shop_user_add_prepare(struct shop *sh, const char *name,
				   enum role role,
				   uint8_t seed[KEYSLOT_SEED_LEN],
				   struct statement **out, struct od_err *err);
enum od_code shop_user_add_append(struct shop *sh, struct statement *st,
				  const uint8_t seed[KEYSLOT_SEED_LEN],
				  const char *pass, size_t pass_len,
				  long long *seq, struct od_err *err);

/*
 * The second half of append alone, for a caller whose statement the
 * ledger signs and appends (ledger_append_shown, whose transaction this
 * runs in): seals the key of st's new person under pass in their key slot.
 */
enum od_code shop_user_add_seal(struct shop *sh, const struct statement *st,
				const uint8_t seed[KEYSLOT_SEED_LEN],
				const char *pass, size_t pass_len,
				struct od_err *err);

/* Changes the current user's passphrase (old one already proven). */
enum od_code shop_passwd(struct shop *sh, const char *old_pass, size_t old_len,
			 const char *new_pass, size_t new_len,
			 struct od_err *err);

/*
 * Revokes a person: signs user.revoke, drops their key slot, and rotates the
 * data key so that what is written from now on is out of their reach.
 */
enum od_code shop_user_revoke(struct shop *sh, const char *name,
			      struct od_err *err);

#endif
