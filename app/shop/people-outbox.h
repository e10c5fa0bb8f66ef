/*
 * people-outbox.h - what a desk's store remembers of people's key bundles.
 *
 * The outbox ("people.outbox") holds the signed bundles (app/log/people.h)
 * this desk made when it added someone or they changed their passphrase,
 * until the next sync sends them (app/sync/people-sync.h).  Beside it, for
 * each person: the time of the newest bundle of theirs this desk has seen,
 * and the key that signed the bundle their slot here came from.  All of it
 * is rows of the store's meta table, written inside the caller's
 * transaction.  It lives with the shop, below sync: founding, adding a
 * person and `user passwd` write it; sync reads, prunes and empties it.
 */
#ifndef OD_PEOPLE_OUTBOX_H
#define OD_PEOPLE_OUTBOX_H

#include <jansson.h>

#include "app/shop/shop.h"
#include "lib/err.h"

/*
 * Queues user's bundle from their slot in kf, signed with k (their own
 * key), in the store's outbox (inside the caller's transaction), and
 * notes its time so that an older one from the backend is not taken.
 */
enum od_code people_outbox_add(struct store *s, const struct keyslot_file *kf,
			       const char *user, const struct sigkey *k,
			       struct od_err *err);

/*
 * Notes (inside the caller's transaction) that the key file here holds
 * user's slot for the key with fingerprint fp, or with fp NULL that it may
 * not yet: until noted again, the next sync takes their bundle for the key
 * the log gives them even when it is not newer than this desk's.
 */
enum od_code people_slot_note(struct store *s, const char *user,
			      const char *fp, struct od_err *err);

/*
 * Finishes a passphrase change that committed its user.rekey but crashed
 * before saving the key file (app/shop/shop-passwd.c): makes sh's user's slot
 * from their bundle in the outbox, if it is signed with the key the log
 * gives them, and saves the slots.  No such bundle gives OD_E_NOTFOUND.
 */
enum od_code people_outbox_restore(struct shop *sh, struct od_err *err);

/* The time of the newest bundle this desk has for user; 0 if none. */
enum od_code people_bundle_time(struct store *s, const char *user,
				long long *t, struct od_err *err);

/* Records t as the newest bundle time for user. */
enum od_code people_bundle_time_set(struct store *s, const char *user,
				    long long t, struct od_err *err);

/*
 * Whether this desk's slot for u holds a key the log no longer gives them:
 * their user.rekey was refused by the backend, or they changed their
 * passphrase at another desk first.  Known from the key that signed the
 * bundle the slot came from; a store from before this was noted says no.
 */
enum od_code people_slot_stale(struct store *s, const struct user_record *u,
			       int *stale, struct od_err *err);

/* Reads the outbox: a JSON array, empty when there is none; *out is the
 * caller's.  A damaged one gives OD_E_TAMPERED. */
enum od_code people_outbox_read(struct store *s, json_t **out,
				struct od_err *err);

/* Writes arr as the outbox (inside the caller's transaction). */
enum od_code people_outbox_write(struct store *s, json_t *arr,
				 struct od_err *err);

#endif
